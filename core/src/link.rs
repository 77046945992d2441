//! The deep-link format: the URL fragment (`#...`) that names a view of
//! the browser demo. It lives in core, with no I/O, because three programs
//! write it: the demo itself, `notifier-lab check` (a link per
//! counterexample) and the book's preprocessor.
//!
//! ```text
//! #v1/<scenario>/<left>/<right>/<notifiers>/step=<L>[,<R>][&actors=<a>,<b>...][&schedule=<t><t>...][&<key>=<value>...]
//! #v1/ksm/wrapped/patched/kvm,gru/step=42
//! #v1/cow/patched/patched/kvm,gru/step=6&actors=host_write,gru_read&schedule=001122
//! ```
//!
//! * `v1` is the format version. It changes only if a segment's meaning
//!   changes; a page keeps reading every older version it knows.
//! * `<scenario>`: a built-in scenario name (the page is given the list;
//!   the built-in ones are [`crate::scenario::BUILTIN`]).
//! * `<left>`, `<right>`: semantics ids ([`Semantics::id`] of
//!   [`Semantics::ALL`]).
//! * `<notifiers>`: comma-separated notifier ids ([`NotifierId::id`] of
//!   [`NotifierId::ALL`]) in any order, or `none`. They are registered in
//!   [`NotifierId::ALL`] order.
//! * The last segment holds `key=value` parameters joined by `&`:
//!   * `step=N` puts both runs after `N` steps (a run shorter than that at
//!     its end); `step=L,R` names the two positions. A pair that breaks the
//!     walkthrough's rule (one side past a milestone the other has not
//!     reached) keeps `L` and moves the right side to the last milestone
//!     the left one has reached. The page writes `step=N` when both sides
//!     stand at the same step.
//!   * `actors=A,B,...`: the explorer's concurrent actors ([`Actor::id`]
//!     of [`Actor::ALL`]; repeats allowed). They replace the default
//!     threads: thread 0 stays the host path, actor `i` is thread `i + 1`.
//!     Absent: the default threads. An unknown id drops the whole list,
//!     and with it the schedule, whose indices would name other threads.
//!   * `schedule=...`: a counterexample schedule, one character per step,
//!     the index of the thread that runs it in base 36 (`0`-`9`, `a`-`z`;
//!     so at most [`MAX_THREADS`] threads). The left side replays it; the
//!     right side runs the default schedule (the lowest-numbered runnable
//!     thread first) under the right semantics, with the same notifiers and
//!     actors. Absent: both sides run the default schedule. Any other
//!     character drops the schedule. Whether each thread can run at its
//!     step is checked when the replay is built
//!     ([`crate::walk::Walk::replay`]), not here.
//!   * `actors` and `schedule` are written only when present, so a view
//!     without them has the same link as before they existed.
//!   * Keys this version does not know are ignored with a note, so a
//!     later release can add parameters without breaking older pages more
//!     than necessary.
//! * Trailing segments may be left out (`#v1/cow` is the cow scenario with
//!   the default semantics and notifiers, at the start); an empty fragment
//!   is the default view.
//!
//! Parsing never fails: every part that cannot be read falls back to its
//! default and adds a [`Parsed::notes`] line, so a broken or outdated link
//! still shows the nearest valid view with a short explanation.

use crate::actor::Actor;
use crate::checker::{Counterexample, Report};
use crate::event::ViolationId;
use crate::notifier::NotifierId;
use crate::scenario::{BUILTIN, Scenario};
use crate::semantics::Semantics;
use crate::walk::Walk;

/// The format version this page writes.
pub const VERSION: u32 = 1;

/// Most threads a `schedule` can name: one base-36 digit per step.
pub const MAX_THREADS: usize = 36;

/// The view a link names (positions not yet checked against the runs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Scenario name.
    pub scenario: String,
    /// Left semantics.
    pub left: Semantics,
    /// Right semantics.
    pub right: Semantics,
    /// Registered notifiers, in [`NotifierId::ALL`] order.
    pub notifiers: Vec<NotifierId>,
    /// Steps executed on the left.
    pub left_step: usize,
    /// Steps executed on the right; `None`: the same as the left.
    pub right_step: Option<usize>,
    /// The explorer's actors (empty: the default threads).
    pub actors: Vec<Actor>,
    /// A counterexample schedule replayed on the left: the thread index
    /// run at each step (`None`: the default schedule on both sides).
    /// Indices of [`MAX_THREADS`] or more cannot be written and are left
    /// out of [`to_fragment`] with the rest of the schedule.
    pub schedule: Option<Vec<u8>>,
}

impl Default for Link {
    fn default() -> Link {
        Link {
            scenario: "ksm".into(),
            left: Semantics::Wrapped,
            right: Semantics::Patched,
            notifiers: NotifierId::DEFAULT.to_vec(),
            left_step: 0,
            right_step: None,
            actors: Vec::new(),
            schedule: None,
        }
    }
}

/// A parsed link and what could not be read in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The view, every unreadable part replaced by its default.
    pub link: Link,
    /// One short sentence per problem (empty for a good link).
    pub notes: Vec<String>,
}

/// Decodes `%XX` escapes (browsers may escape `,` or `=` in a pasted
/// fragment); invalid escapes are kept as they are.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Some(v) = std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_step(v: &str) -> Option<(usize, Option<usize>)> {
    match v.split_once(',') {
        Some((l, r)) => Some((l.trim().parse().ok()?, Some(r.trim().parse().ok()?))),
        None => Some((v.trim().parse().ok()?, None)),
    }
}

/// One base-36 digit per step (`None` if an index does not fit).
fn encode_schedule(schedule: &[u8]) -> Option<String> {
    schedule.iter().map(|&t| char::from_digit(u32::from(t), MAX_THREADS as u32)).collect()
}

/// The thread indices of a `schedule` value, or the first character that
/// is not a lowercase base-36 digit and its 1-based position.
fn decode_schedule(v: &str) -> Result<Vec<u8>, (usize, char)> {
    v.chars()
        .enumerate()
        .map(|(i, c)| match c {
            // Lowercase only: the page writes lowercase, and one spelling
            // per schedule keeps links comparable as strings.
            '0'..='9' | 'a'..='z' => c.to_digit(MAX_THREADS as u32).map(|d| d as u8).ok_or((i + 1, c)),
            _ => Err((i + 1, c)),
        })
        .collect()
}

/// Most characters of a link's text a note repeats (a pasted link can be
/// anything, up to megabytes).
pub const ECHO_LIMIT: usize = 40;

/// Most notes a parse returns; the rest are counted in a last one.
pub const MAX_NOTES: usize = 5;

/// `s` as a note quotes it: at most [`ECHO_LIMIT`] characters, then `…`
/// and the length.
fn echo(s: &str) -> String {
    let n = s.chars().count();
    if n <= ECHO_LIMIT {
        return s.to_string();
    }
    let head: String = s.chars().take(ECHO_LIMIT).collect();
    format!("{head}… ({n} characters)")
}

/// The notes as a page shows them: each at most a few hundred characters,
/// repeats counted (`... (×10000)`) instead of listed, and at most
/// [`MAX_NOTES`] of them, the rest counted.
fn tidy(notes: Vec<String>) -> Vec<String> {
    let mut distinct: Vec<(String, usize)> = Vec::new();
    for n in notes {
        let n = if n.chars().count() > 300 { format!("{}…", n.chars().take(300).collect::<String>()) } else { n };
        match distinct.iter_mut().find(|(m, _)| *m == n) {
            Some((_, c)) => *c += 1,
            None => distinct.push((n, 1)),
        }
    }
    let more = distinct.len().saturating_sub(MAX_NOTES);
    let mut out: Vec<String> =
        distinct.into_iter().take(MAX_NOTES).map(|(n, c)| if c > 1 { format!("{n} (×{c})") } else { n }).collect();
    if more > 0 {
        out.push(format!("and {more} more problem{}", if more == 1 { "" } else { "s" }));
    }
    out
}

/// Keys of the view rather than of the runs: how the page looked after the
/// sender's last move. The demo writes them after the link's other
/// parameters, only when they differ from what a link without them shows,
/// so every older link is still written byte for byte as before:
///
/// * `from=L,R`: where the last move of each side started (the event log
///   lists steps `L+1..` and the "changed" marks compare against step `L`);
///   a side whose value is not below its position shows its last step, as
///   without the key.
/// * `focus=right`: the focused side (`left` is the default).
///
/// [`parse`] does not read them (a page that predates them ignores them
/// with a note); [`split_view`] takes them out first.
pub const VIEW_KEYS: &[&str] = &["from", "focus"];

/// Splits `fragment` into the link without its [`VIEW_KEYS`] parameters
/// (for [`parse`]) and those parameters as `(key, value)` pairs.
pub fn split_view(fragment: &str) -> (String, Vec<(String, String)>) {
    let mut pieces = fragment.split('&');
    let mut rest = pieces.next().unwrap_or("").to_string();
    let mut view = Vec::new();
    for p in pieces {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        if VIEW_KEYS.contains(&k) {
            view.push((k.to_string(), v.to_string()));
        } else {
            rest.push('&');
            rest.push_str(p);
        }
    }
    (rest, view)
}

/// Reads a fragment (with or without the leading `#`), `known` being the
/// scenario names this page has.
pub fn parse(fragment: &str, known: &[&str]) -> Parsed {
    let raw = percent_decode(fragment.trim().trim_start_matches('#'));
    let mut link = Link::default();
    let mut notes = Vec::new();
    let raw = raw.trim_matches('/');
    if raw.is_empty() {
        return Parsed { link, notes };
    }
    let mut segs = raw.split('/');
    let version = segs.next().unwrap_or("");
    match version.strip_prefix('v').and_then(|n| n.parse::<u32>().ok()) {
        Some(VERSION) => {}
        Some(n) if n > VERSION => notes.push(format!(
            "this link uses format v{n}, newer than this page (v{VERSION}); showing the parts it understands"
        )),
        _ => {
            notes.push(format!(
                "`#{}` is not a notifier-lab link (expected #v{VERSION}/...); showing the default view",
                echo(raw)
            ));
            return Parsed { link, notes: tidy(notes) };
        }
    }
    let segs: Vec<&str> = segs.collect();
    // The parameter segment is the first one with `=`; the fixed segments
    // come before it.
    let split = segs.iter().position(|s| s.contains('=')).unwrap_or(segs.len());
    let (fixed, params) = segs.split_at(split);
    if let Some(s) = fixed.first().filter(|s| !s.is_empty()) {
        if known.contains(s) {
            link.scenario = s.to_string();
        } else {
            notes.push(format!(
                "unknown scenario `{}` (known: {}); showing {}",
                echo(s),
                known.join(", "),
                link.scenario
            ));
        }
    }
    for (i, default, slot) in [(1, link.left, 0), (2, link.right, 1)] {
        if let Some(s) = fixed.get(i).filter(|s| !s.is_empty()) {
            match Semantics::parse(s) {
                Ok(sem) if slot == 0 => link.left = sem,
                Ok(sem) => link.right = sem,
                Err(e) => notes.push(format!(
                    "unknown semantics `{}` (known: {}); showing {}",
                    echo(s),
                    e.valid.join(", "),
                    default.id()
                )),
            }
        }
    }
    if let Some(s) = fixed.get(3).filter(|s| !s.is_empty()) {
        let mut set = Vec::new();
        if *s != "none" {
            for id in s.split(',').filter(|x| !x.is_empty()) {
                match NotifierId::ALL.into_iter().find(|n| n.id() == id) {
                    Some(n) => set.push(n),
                    None => notes.push(format!("unknown notifier `{}` left out", echo(id))),
                }
            }
        }
        link.notifiers = NotifierId::ALL.into_iter().filter(|n| set.contains(n)).collect();
    }
    if fixed.len() > 4 {
        notes.push(format!("extra path segments ignored: {}", echo(&fixed[4..].join("/"))));
    }
    let mut actors_dropped = false;
    for kv in params.join("/").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        match k {
            "step" => match parse_step(v) {
                Some((l, r)) => {
                    link.left_step = l;
                    link.right_step = r;
                }
                None => notes.push(format!("step `{}` is not a number (or two, `L,R`); showing the start", echo(v))),
            },
            "actors" => match Actor::parse_list(v) {
                Ok(actors) => {
                    link.actors = actors;
                    actors_dropped = false;
                }
                Err(e) => {
                    notes.push(format!("{e}; showing the default threads"));
                    link.actors.clear();
                    actors_dropped = true;
                }
            },
            "schedule" => match decode_schedule(v) {
                Ok(s) if s.is_empty() => {
                    notes.push("the schedule is empty; showing the default schedule".into());
                    link.schedule = None;
                }
                Ok(s) => link.schedule = Some(s),
                Err((at, c)) => {
                    notes.push(format!(
                        "schedule character `{c}` (step {at}) is not a thread index (0-9, a-z); showing the default schedule"
                    ));
                    link.schedule = None;
                }
            },
            _ => notes.push(format!("parameter `{}` is not known to this version and was ignored", echo(k))),
        }
    }
    if actors_dropped && link.schedule.take().is_some() {
        notes.push("the schedule was ignored: it names the threads of the actors that could not be read".into());
    }
    Parsed { link, notes: tidy(notes) }
}

/// Writes `link` as a fragment (with the leading `#`).
pub fn to_fragment(link: &Link) -> String {
    let ns: Vec<&str> = link.notifiers.iter().map(|n| n.id()).collect();
    let ns = if ns.is_empty() { "none".to_string() } else { ns.join(",") };
    let step = match link.right_step {
        Some(r) => format!("{},{r}", link.left_step),
        None => link.left_step.to_string(),
    };
    let mut out = format!("#v{VERSION}/{}/{}/{}/{ns}/step={step}", link.scenario, link.left.id(), link.right.id());
    if !link.actors.is_empty() {
        out.push_str("&actors=");
        out.push_str(&Actor::list_id(&link.actors));
    }
    if let Some(s) = link.schedule.as_deref().filter(|s| !s.is_empty()).and_then(encode_schedule) {
        out.push_str("&schedule=");
        out.push_str(&s);
    }
    out
}

// The explorer's counterexamples as demo links. These are written here, not
// in `checker`, so that the explorer depends on neither the walkthrough nor
// the link format.

impl Counterexample {
    /// The browser demo's view of this counterexample (see [`crate::link`]):
    /// both sides under its semantics, the left one replaying the schedule
    /// up to its last step (the one that raises the violation), the right
    /// one running the default schedule, at the position the walkthrough
    /// gives it next to that step (so the demo shows the link unchanged in
    /// its address bar). `None` when no link can name it:
    /// a scenario given as a path (the demo has only the built-in ones),
    /// more than [`MAX_THREADS`] threads, or notifiers not in
    /// [`NotifierId::ALL`] order (a link registers them in that order, and
    /// the order of the callbacks, hence the schedule, depends on it).
    pub fn link(&self) -> Option<Link> {
        let builtin = BUILTIN.iter().any(|(name, _, _)| *name == self.scenario);
        let threads = self.threads.len().max(self.actors.len() + 1);
        let wide = threads > MAX_THREADS || self.schedule.iter().any(|&t| usize::from(t) >= MAX_THREADS);
        let ordered: Vec<NotifierId> = NotifierId::ALL.into_iter().filter(|n| self.notifiers.contains(n)).collect();
        if !builtin || wide || ordered != self.notifiers {
            return None;
        }
        let scenario = Scenario::builtin(&self.scenario).ok()?;
        let mut walk =
            Walk::replay(scenario, self.semantics, self.semantics, &self.notifiers, &self.actors, &self.schedule)
                .ok()?;
        walk.set_positions(self.schedule.len(), self.schedule.len());
        let (l, r) = (walk.left.pos, walk.right.pos);
        Some(Link {
            scenario: self.scenario.clone(),
            left: self.semantics,
            right: self.semantics,
            notifiers: self.notifiers.clone(),
            left_step: l,
            right_step: (l != r).then_some(r),
            actors: self.actors.clone(),
            schedule: Some(self.schedule.clone()),
        })
    }

    /// [`Counterexample::link`] as a URL fragment (`#v1/...`), to append to
    /// the demo's address.
    pub fn fragment(&self) -> Option<String> {
        self.link().map(|l| to_fragment(&l))
    }
}

impl Report {
    /// The browser demo's fragment (`#v1/...`) of the counterexample for
    /// `id`, if it was found and a link can name it
    /// ([`Counterexample::fragment`]). `scenario` is how the scenario was
    /// named (see [`Report::counterexample`]): only a built-in name has a
    /// link.
    pub fn fragment(&self, id: ViolationId, scenario: &str) -> Option<String> {
        self.counterexample(id, scenario)?.fragment()
    }

    /// [`Report::to_text`] with a line `demo: index.html#v1/...` under each
    /// violation that has a link ([`Report::fragment`]): the fragment
    /// appended to the browser demo's page (`web/dist/index.html`).
    pub fn to_text_with_links(&self, scenario: &str) -> String {
        self.text_with(Some(&|id| self.fragment(id, scenario)))
    }

    /// [`Report::to_json`] with a `link` in each `violations[]` entry
    /// ([`Report::fragment`], `null` when there is none).
    pub fn to_json_with_links(&self, scenario: &str) -> serde_json::Value {
        self.json_with(Some(&|id| self.fragment(id, scenario)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["ksm", "cow", "uprobe"];

    #[test]
    fn round_trip() {
        let l = Link {
            scenario: "cow".into(),
            left: Semantics::Original,
            right: Semantics::Patched,
            notifiers: vec![NotifierId::Kvm, NotifierId::Sleepable],
            left_step: 7,
            right_step: Some(9),
            actors: vec![],
            schedule: None,
        };
        let f = to_fragment(&l);
        assert_eq!(f, "#v1/cow/original/patched/kvm,sleepable/step=7,9");
        assert_eq!(parse(&f, KNOWN), Parsed { link: l, notes: vec![] });
        let none = Link { notifiers: vec![], ..Link::default() };
        assert_eq!(to_fragment(&none), "#v1/ksm/wrapped/patched/none/step=0");
        assert_eq!(parse(&to_fragment(&none), KNOWN).link, none);
    }

    /// Links the book and the demo wrote when there were three semantics
    /// (taken from a built site of the main branch: the book's trace and
    /// state links, its counterexample links, a hand-written one). The
    /// link names semantics by id, not by position, so they still decode
    /// to the same view and are written back byte for byte.
    #[test]
    fn links_from_the_three_semantics_site_still_decode_byte_for_byte() {
        let old = [
            "#v1/ksm/wrapped/patched/kvm,gru/step=0",
            "#v1/ksm/wrapped/patched/kvm,gru/step=102",
            "#v1/ksm/original/wrapped/kvm,gru/step=39",
            "#v1/cow/patched/wrapped/kvm,gru/step=43",
            "#v1/uprobe/wrapped/patched/kvm,gru/step=83",
            "#v1/uprobe/original/wrapped/kvm/step=0",
            "#v1/cow/original/original/kvm,gru/step=20,50&actors=host_write,gru_read&schedule=00000000000000000012",
            "#v1/cow/patched/patched/kvm,gru/step=45,65&actors=host_write,gru_read&schedule=000000000000000000000000000000000000000000012",
            "#v1/uprobe/original/original/kvm,gru/step=14&actors=vcpu_read&schedule=00000000000001",
        ];
        for f in old {
            let p = parse(f, KNOWN);
            assert!(p.notes.is_empty(), "{f}: {:?}", p.notes);
            assert!(
                [Semantics::Original, Semantics::Wrapped, Semantics::Patched].contains(&p.link.left)
                    && [Semantics::Original, Semantics::Wrapped, Semantics::Patched].contains(&p.link.right),
                "{f}"
            );
            assert_eq!(to_fragment(&p.link), f);
        }
        let p = parse(old[2], KNOWN).link;
        assert_eq!(
            (p.scenario.as_str(), p.left, p.right, p.left_step),
            ("ksm", Semantics::Original, Semantics::Wrapped, 39)
        );
    }

    #[test]
    fn every_semantics_round_trips_by_id() {
        for left in Semantics::ALL {
            for right in Semantics::ALL {
                let l = Link { left, right, ..Link::default() };
                let f = to_fragment(&l);
                assert!(f.starts_with(&format!("#v1/ksm/{}/{}/", left.id(), right.id())), "{f}");
                assert_eq!(parse(&f, KNOWN), Parsed { link: l, notes: vec![] });
            }
        }
    }

    #[test]
    fn documented_example() {
        let p = parse("#v1/ksm/wrapped/patched/kvm,gru/step=42", KNOWN);
        assert!(p.notes.is_empty());
        assert_eq!(p.link.left_step, 42);
        assert_eq!(p.link.right_step, None);
        assert_eq!(p.link.notifiers, NotifierId::DEFAULT.to_vec());
    }

    #[test]
    fn defaults_and_partial_links() {
        assert_eq!(parse("", KNOWN), Parsed { link: Link::default(), notes: vec![] });
        assert_eq!(parse("#", KNOWN).link, Link::default());
        let p = parse("#v1/cow", KNOWN);
        assert!(p.notes.is_empty());
        assert_eq!(p.link.scenario, "cow");
        assert_eq!(p.link.left, Semantics::Wrapped);
        // Notifier order does not matter; escapes are decoded.
        let p = parse("#v1/ksm/wrapped/patched/gru%2Ckvm/step%3D3", KNOWN);
        assert!(p.notes.is_empty(), "{:?}", p.notes);
        assert_eq!(p.link.notifiers, vec![NotifierId::Kvm, NotifierId::Gru]);
        assert_eq!(p.link.left_step, 3);
        // Parameters may follow fewer fixed segments.
        assert_eq!(parse("#v1/uprobe/step=2", KNOWN).link.left_step, 2);
    }

    #[test]
    fn bad_parts_fall_back_with_notes() {
        let p = parse("#v1/nope/ancient/patched/kvm,bogus/step=x", KNOWN);
        assert_eq!(p.link.scenario, "ksm");
        assert_eq!(p.link.left, Semantics::Wrapped);
        assert_eq!(p.link.notifiers, vec![NotifierId::Kvm]);
        assert_eq!(p.link.left_step, 0);
        assert_eq!(p.notes.len(), 4, "{:?}", p.notes);
        let p = parse("#hello", KNOWN);
        assert_eq!(p.link, Link::default());
        assert_eq!(p.notes.len(), 1);
        assert!(p.notes[0].contains("not a notifier-lab link"));
    }

    #[test]
    fn newer_versions_and_unknown_parameters() {
        let p = parse("#v2/cow/original/wrapped/kvm/step=5&color=red", KNOWN);
        assert_eq!(p.link.scenario, "cow");
        assert_eq!(p.link.left_step, 5);
        assert_eq!(p.notes.len(), 2, "{:?}", p.notes);
        assert!(p.notes[0].contains("v2"));
        assert!(p.notes[1].contains("`color` is not known"));
    }

    #[test]
    fn actors_and_schedule_round_trip() {
        let l = Link {
            scenario: "cow".into(),
            left: Semantics::Patched,
            right: Semantics::Patched,
            notifiers: vec![NotifierId::Kvm, NotifierId::Gru],
            left_step: 40,
            right_step: None,
            actors: vec![Actor::HostWrite, Actor::HostWrite, Actor::GruRead],
            schedule: Some(vec![0, 0, 1, 2, 3, 9, 10, 35]),
        };
        let f = to_fragment(&l);
        assert_eq!(
            f,
            "#v1/cow/patched/patched/kvm,gru/step=40&actors=host_write,host_write,gru_read&schedule=001239az"
        );
        assert_eq!(parse(&f, KNOWN), Parsed { link: l.clone(), notes: vec![] });
        // Actors alone: the default schedule with those threads.
        let actors_only = Link { schedule: None, ..l.clone() };
        let f = to_fragment(&actors_only);
        assert!(f.ends_with("/step=40&actors=host_write,host_write,gru_read"), "{f}");
        assert_eq!(parse(&f, KNOWN).link, actors_only);
        // Parameters in any order, escaped.
        let p = parse("#v1/cow/patched/patched/kvm,gru/schedule=012&step=3&actors=host_write%2Cgru_read", KNOWN);
        assert!(p.notes.is_empty(), "{:?}", p.notes);
        assert_eq!(p.link.actors, vec![Actor::HostWrite, Actor::GruRead]);
        assert_eq!(p.link.schedule, Some(vec![0, 1, 2]));
        assert_eq!(p.link.left_step, 3);
        // A schedule naming a 37th thread cannot be written: it is left out
        // rather than written as something else.
        let wide = Link { schedule: Some(vec![0, 36]), ..l };
        assert!(!to_fragment(&wide).contains("schedule="));
    }

    #[test]
    fn older_links_are_unchanged() {
        for f in [
            "#v1/ksm/wrapped/patched/kvm,gru/step=42",
            "#v1/cow/original/patched/kvm,sleepable/step=7,9",
            "#v1/uprobe/original/wrapped/none/step=0",
        ] {
            let p = parse(f, KNOWN);
            assert!(p.notes.is_empty(), "{f}: {:?}", p.notes);
            assert_eq!((p.link.actors.as_slice(), p.link.schedule.as_deref()), (&[][..], None), "{f}");
            assert_eq!(to_fragment(&p.link), f);
        }
    }

    #[test]
    fn bad_actors_and_schedules_are_dropped_with_notes() {
        let p = parse("#v1/cow/patched/patched/kvm,gru/step=3&actors=host_write,gpu_read", KNOWN);
        assert_eq!(p.link.actors, vec![]);
        assert_eq!(p.link.left_step, 3);
        assert_eq!(p.notes.len(), 1, "{:?}", p.notes);
        assert!(p.notes[0].contains("unknown actor `gpu_read`") && p.notes[0].contains("gru_read"), "{:?}", p.notes);
        // The schedule goes with the actors it indexes.
        let p = parse("#v1/cow/patched/patched/kvm,gru/step=3&actors=gpu_read&schedule=012", KNOWN);
        assert_eq!((p.link.actors.len(), p.link.schedule.as_ref()), (0, None));
        assert_eq!(p.notes.len(), 2, "{:?}", p.notes);
        assert!(p.notes[1].contains("schedule was ignored"), "{:?}", p.notes);
        for (bad, c) in [("01x2,0", ','), ("01A", 'A'), ("0-1", '-'), ("01é", 'é')] {
            let p = parse(&format!("#v1/cow/patched/patched/kvm,gru/step=3&actors=host_write&schedule={bad}"), KNOWN);
            assert_eq!(p.link.schedule, None, "{bad}");
            assert_eq!(p.link.actors, vec![Actor::HostWrite], "{bad}");
            assert_eq!(p.notes.len(), 1, "{bad}: {:?}", p.notes);
            assert!(
                p.notes[0].contains(&format!("`{c}`")) && p.notes[0].contains("not a thread index"),
                "{:?}",
                p.notes
            );
        }
        let p = parse("#v1/cow/patched/patched/kvm,gru/step=3&schedule=", KNOWN);
        assert_eq!(p.link.schedule, None);
        assert!(p.notes[0].contains("empty"), "{:?}", p.notes);
        // Empty actors: the default threads, no note.
        let p = parse("#v1/cow/patched/patched/kvm,gru/step=3&actors=", KNOWN);
        assert!(p.notes.is_empty() && p.link.actors.is_empty(), "{:?}", p.notes);
    }
    #[test]
    fn hostile_links_give_short_notes() {
        let long = format!("#v1/{}/wrapped/patched/kvm,gru/step=3", "a".repeat(100_000));
        let p = parse(&long, KNOWN);
        assert_eq!(p.notes.len(), 1);
        assert!(p.notes[0].len() < 200 && p.notes[0].contains("(100000 characters)"), "{:?}", p.notes);
        let many = format!("#v1/ksm/wrapped/patched/kvm,gru/step=3{}", "&x=1".repeat(10_000));
        let p = parse(&many, KNOWN);
        assert_eq!(p.notes, vec!["parameter `x` is not known to this version and was ignored (×10000)".to_string()]);
        let distinct: String = (0..100).map(|i| format!("&k{i}=1")).collect();
        let p = parse(&format!("#v1/ksm/wrapped/patched/kvm/step=1{distinct}"), KNOWN);
        assert_eq!(p.notes.len(), MAX_NOTES + 1);
        assert_eq!(p.notes[MAX_NOTES], "and 95 more problems");
        assert_eq!(p.link.left_step, 1);
    }

    #[test]
    fn view_keys_are_split_off() {
        let (rest, view) = split_view("#v1/ksm/wrapped/patched/kvm,gru/step=51,36&from=40,30&focus=right&x=1");
        assert_eq!(rest, "#v1/ksm/wrapped/patched/kvm,gru/step=51,36&x=1");
        assert_eq!(view, vec![("from".into(), "40,30".into()), ("focus".into(), "right".into())]);
        let old = "#v1/cow/patched/patched/kvm,gru/step=45,65&actors=host_write,gru_read&schedule=0012";
        assert_eq!(split_view(old), (old.to_string(), vec![]));
    }
}
