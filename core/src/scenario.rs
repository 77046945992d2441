//! Scenario files (`scenarios/*.toml`): the initial state, which host path
//! runs, what the guest does, and, like a herd7 litmus test, the expected
//! result per semantics. See `scenarios/README.md` for the format.

use std::collections::HashSet;

use serde::Deserialize;
use toml::Spanned;

use crate::actor::Actor;
use crate::event::{Outcome, ViolationId};
use crate::kernel::FuncId;
use crate::machine::{GuestOp, HostArgs, Machine, MmapSem};
use crate::notifier::{GruTlbEntry, NotifierId, Secondary, Spte};
use crate::page::{Page, Pte};
use crate::semantics::Semantics;

/// The built-in scenarios, embedded at compile time (so the browser build
/// needs no file access): `(name, file name, TOML text)`.
pub const BUILTIN: &[(&str, &str, &str)] = &[
    ("ksm", "scenarios/ksm.toml", include_str!("../../scenarios/ksm.toml")),
    ("cow", "scenarios/cow.toml", include_str!("../../scenarios/cow.toml")),
    ("uprobe", "scenarios/uprobe.toml", include_str!("../../scenarios/uprobe.toml")),
];

/// Largest page frame number a `[[page]]` may have. The explorer's pool
/// pages (one per writing actor) get pfns above the largest one, 0x100
/// apart, so with at most [`MAX_ACTORS`] actors they stay far below
/// `u64::MAX` and never collide with a scenario page.
pub const MAX_PFN: u64 = 0xffff_ffff;
/// Largest `refcount` of a `[[page]]`: half the explorer's field width
/// (±511), the other half is room for the references the threads take.
pub const MAX_REFCOUNT: i64 = 255;
/// Largest `mapcount` of a `[[page]]`: half the explorer's field width
/// (±255), the other half is room for the mappings the threads add.
pub const MAX_MAPCOUNT: i64 = 127;
/// Most `[[page]]` tables (the explorer encodes a pfn in 8 bits; the
/// writing actors' pool pages count too).
pub const MAX_PAGES: usize = 255;
/// Most `[[guest]]` operations.
pub const MAX_GUEST_OPS: usize = 64;
/// Most actors (`actors`, `check --actors`).
pub const MAX_ACTORS: usize = 250;
/// Largest `kvm.gfn` (the explorer encodes a gfn in 32 bits).
pub const MAX_GFN: u64 = 0xffff_ffff;
/// Largest `host.addr`: the x86-64 user address space (47 bits).
pub const MAX_ADDR: u64 = (1 << 47) - 1;
/// Largest input file the command line reads (scenario and counterexample
/// files); the caller checks it before reading.
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// The host kernel path a scenario runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HostPath {
    /// `try_to_merge_one_page`: KSM `write_protect_page` then `replace_page`.
    KsmMerge,
    /// `handle_pte_fault` -> `do_wp_page` copy-on-write.
    CowWriteFault,
    /// `uprobe_write_opcode` -> `__replace_page`.
    UprobeInstall,
}

impl HostPath {
    const ALL: [(HostPath, &'static str); 3] = [
        (HostPath::KsmMerge, "ksm_merge"),
        (HostPath::CowWriteFault, "cow_write_fault"),
        (HostPath::UprobeInstall, "uprobe_install"),
    ];

    /// Stable id used in scenario files.
    pub fn id(self) -> &'static str {
        HostPath::ALL.iter().find(|(p, _)| *p == self).map(|(_, s)| *s).unwrap_or("?")
    }

    /// The outermost function.
    pub fn entry(self) -> FuncId {
        match self {
            HostPath::KsmMerge => FuncId::TryToMergeOnePage,
            HostPath::CowWriteFault => FuncId::HandlePteFault,
            HostPath::UprobeInstall => FuncId::UprobeWriteOpcode,
        }
    }
}

/// A scenario file error, located at `file:line:column`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// File name as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What was wrong and what was expected.
    pub message: String,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

impl std::error::Error for ScenarioError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: Spanned<String>,
    title: Spanned<String>,
    description: Spanned<String>,
    path: Spanned<String>,
    #[serde(default)]
    notifiers: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    actors: Option<Spanned<Vec<Spanned<String>>>>,
    host: RawHost,
    #[serde(rename = "page")]
    pages: Spanned<Vec<RawPage>>,
    pte: RawPte,
    #[serde(default)]
    kvm: Option<RawKvm>,
    #[serde(default)]
    gru: Option<RawGru>,
    #[serde(default)]
    guest: Option<Spanned<Vec<RawGuest>>>,
    #[serde(default)]
    expect: Vec<Spanned<toml::Table>>,
    #[serde(default)]
    verdict: Vec<Spanned<toml::Table>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHost {
    addr: Spanned<i64>,
    page: Spanned<String>,
    kpage: Spanned<String>,
    #[serde(default)]
    opcode: Option<u32>,
    mmap_sem: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPage {
    name: Spanned<String>,
    pfn: Spanned<i64>,
    #[serde(default)]
    refcount: Option<Spanned<i64>>,
    #[serde(default)]
    mapcount: Option<Spanned<i64>>,
    #[serde(default)]
    flags: Vec<Spanned<String>>,
    #[serde(default)]
    content: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPte {
    page: Spanned<String>,
    writable: bool,
    #[serde(default)]
    dirty: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    page: Spanned<String>,
    writable: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKvm {
    gfn: Spanned<i64>,
    #[serde(default)]
    spte: Option<RawMapping>,
    #[serde(default)]
    memslot: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGru {
    #[serde(default)]
    tlb: Option<RawMapping>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuest {
    op: Spanned<String>,
    #[serde(default)]
    value: u32,
}

/// One expected result (a `[[expect]]` table).
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// Semantics it applies to.
    pub semantics: Semantics,
    /// Notifier set of the run (the scenario default when absent).
    pub notifiers: Vec<NotifierId>,
    /// Expected values: a subset of the trace summary JSON. `violations`
    /// is a list of violation ids.
    pub expected: serde_json::Value,
    /// `file:line:column` of the table, for reports.
    pub location: String,
}

/// One expected explorer verdict (a `[[verdict]]` table): for a semantics,
/// notifier set and actor set, whether each listed violation can happen in
/// some interleaving (`sometimes`) or in none (`never`), herd7 style.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Semantics it applies to.
    pub semantics: Semantics,
    /// Notifier set (the scenario default when absent).
    pub notifiers: Vec<NotifierId>,
    /// Actor set (the scenario's `actors` when absent).
    pub actors: Vec<Actor>,
    /// Expected outcome per violation id, in file order.
    pub expected: Vec<(ViolationId, Outcome)>,
    /// `file:line:column` of the table, for reports.
    pub location: String,
}

/// A parsed, validated scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Short name (`ksm`).
    pub name: String,
    /// One-line title.
    pub title: String,
    /// What it shows.
    pub description: String,
    /// The host path.
    pub path: HostPath,
    /// Default notifier set.
    pub notifiers: Vec<NotifierId>,
    /// Host arguments.
    pub host: HostArgs,
    /// `mmap_sem` as the path's caller holds it.
    pub mmap_sem: MmapSem,
    /// Initial pages.
    pub pages: Vec<Page>,
    /// Initial pte of `host.addr`.
    pub pte: Pte,
    /// Guest frame of `host.addr`.
    pub gfn: u64,
    /// Initial KVM spte.
    pub spte: Option<Spte>,
    /// A KVM memslot covers `host.addr` (the v6.9+ callbacks look for one;
    /// without it they take no `mmu_lock` and change nothing).
    pub kvm_memslot: bool,
    /// Initial GRU TLB entry.
    pub gru_tlb: Option<GruTlbEntry>,
    /// The vCPU's accesses after (or concurrently with) the host path.
    pub guest: Vec<GuestOp>,
    /// Expected results.
    pub expect: Vec<Expectation>,
    /// Actors the explorer adds by default (`actors = [...]`; may be empty:
    /// then the explorer runs the default threads, host path and vCPU).
    pub actors: Vec<Actor>,
    /// Expected explorer verdicts.
    pub verdicts: Vec<Verdict>,
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    /// Byte offset of each line's start, computed on first use (every
    /// `[[expect]]` and `[[verdict]]` table's location needs one lookup).
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

impl Ctx<'_> {
    /// 1-based line and column (in bytes) of byte `offset` of the text.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let starts = self
            .line_starts
            .get_or_init(|| std::iter::once(0).chain(self.text.match_indices('\n').map(|(i, _)| i + 1)).collect());
        // The last line starting at or before `offset`.
        let line = starts.partition_point(|&start| start <= offset);
        (line, offset - starts[line - 1] + 1)
    }

    /// `file:line:column` of byte `offset`.
    fn location(&self, offset: usize) -> String {
        let (line, column) = self.line_col(offset);
        format!("{}:{line}:{column}", self.file)
    }

    fn err<T>(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> Result<T, ScenarioError> {
        let (line, column) = self.line_col(span.start);
        Err(ScenarioError { file: self.file.to_string(), line, column, message: message.into() })
    }

    /// `v` within `lo..=hi`, shown in hex when `hex`.
    fn range(&self, v: &Spanned<i64>, what: &str, lo: i64, hi: u64, hex: bool) -> Result<u64, ScenarioError> {
        let x = *v.get_ref();
        if x < lo || x as u64 > hi {
            let shown = if hex && x >= 0 { format!("{x:#x}") } else { x.to_string() };
            let (lo, hi) =
                if hex { (format!("{lo:#x}"), format!("{hi:#x}")) } else { (lo.to_string(), hi.to_string()) };
            return self.err(v.span(), format!("{what} = {shown} is out of range: expected {lo} to {hi}"));
        }
        Ok(x as u64)
    }

    /// Rejects control characters (except newlines and tabs when
    /// `multiline`): they would be sent to the terminal as they are.
    fn printable(&self, s: &Spanned<String>, what: &str, multiline: bool) -> Result<(), ScenarioError> {
        match s.get_ref().chars().find(|&c| c.is_control() && !(multiline && (c == '\n' || c == '\t'))) {
            Some(c) => self.err(
                s.span(),
                format!("`{what}` contains the control character U+{:04X}; only printable text is allowed", c as u32),
            ),
            None => Ok(()),
        }
    }

    fn one_of<T: Copy>(&self, s: &Spanned<String>, what: &str, valid: &[(T, &str)]) -> Result<T, ScenarioError> {
        match valid.iter().find(|(_, n)| *n == s.get_ref().as_str()) {
            Some((v, _)) => Ok(*v),
            None => self.err(
                s.span(),
                format!(
                    "unknown {what} `{}`; expected one of: {}",
                    s.get_ref(),
                    valid.iter().map(|(_, n)| *n).collect::<Vec<_>>().join(", ")
                ),
            ),
        }
    }
}

impl Scenario {
    /// Parses scenario text; `file` is used in error messages.
    pub fn parse(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
        let file = &crate::names::escape(file);
        let cx = Ctx { file, text, line_starts: std::cell::OnceCell::new() };
        let raw: RawScenario = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                let msg = e.message().trim().to_string();
                return cx.err(span, msg);
            }
        };
        cx.printable(&raw.name, "name", false)?;
        cx.printable(&raw.title, "title", false)?;
        cx.printable(&raw.description, "description", true)?;
        let path = cx.one_of(&raw.path, "host path", &HostPath::ALL)?;
        let notifiers = match &raw.notifiers {
            None => NotifierId::DEFAULT.to_vec(),
            Some(list) => {
                let mut out = Vec::new();
                for n in list.get_ref() {
                    let id = match NotifierId::parse(n.get_ref()) {
                        Ok(id) => id,
                        Err(e) => return cx.err(n.span(), e.to_string()),
                    };
                    if out.contains(&id) {
                        return cx.err(n.span(), format!("duplicate notifier `{id}`: each may be listed once"));
                    }
                    out.push(id);
                }
                out
            }
        };
        if raw.pages.get_ref().len() > MAX_PAGES {
            let at = raw.pages.get_ref()[MAX_PAGES].name.span();
            return cx
                .err(at, format!("{} [[page]] tables: at most {MAX_PAGES} are supported", raw.pages.get_ref().len()));
        }
        let mut pages: Vec<Page> = Vec::new();
        let (mut names, mut pfns) = (HashSet::new(), HashSet::new());
        for p in raw.pages.get_ref() {
            cx.printable(&p.name, "page name", false)?;
            if !names.insert(p.name.get_ref().as_str()) {
                return cx.err(p.name.span(), format!("page `{}` defined twice", p.name.get_ref()));
            }
            let pfn = cx.range(&p.pfn, "pfn", 1, MAX_PFN, true)?;
            if !pfns.insert(pfn) {
                return cx.err(p.pfn.span(), format!("pfn {pfn:#x} used by two pages"));
            }
            let count = |v: &Option<Spanned<i64>>, what, max: i64| match v {
                Some(v) => cx.range(v, what, 0, max as u64, false).map(|x| x as i32),
                None => Ok(0),
            };
            let mut page = Page {
                pfn,
                name: p.name.get_ref().as_str().into(),
                refcount: count(&p.refcount, "refcount", MAX_REFCOUNT)?,
                mapcount: count(&p.mapcount, "mapcount", MAX_MAPCOUNT)?,
                anon: false,
                ksm: false,
                locked_by: None,
                dirty: false,
                free: false,
                content: p.content,
            };
            for f in &p.flags {
                match f.get_ref().as_str() {
                    "anon" => page.anon = true,
                    "ksm" => page.ksm = true,
                    "dirty" => page.dirty = true,
                    "free" => page.free = true,
                    other => {
                        return cx.err(
                            f.span(),
                            format!("unknown page flag `{other}`; expected one of: anon, ksm, dirty, free"),
                        );
                    }
                }
            }
            if page.free && (page.refcount != 0 || page.mapcount != 0) {
                return cx.err(p.name.span(), "a free page must have refcount = 0 and mapcount = 0");
            }
            if !page.free && (page.refcount < 1 || page.mapcount < 0 || page.mapcount > page.refcount) {
                return cx.err(
                    p.name.span(),
                    format!(
                        "page `{}`: expected refcount >= 1 and 0 <= mapcount <= refcount (every mapping holds a reference), got refcount {} mapcount {}",
                        page.name, page.refcount, page.mapcount
                    ),
                );
            }
            pages.push(page);
        }
        let page_names: Vec<(u64, String)> = pages.iter().map(|p| (p.pfn, p.name.to_string())).collect();
        let lookup = |s: &Spanned<String>| -> Result<u64, ScenarioError> {
            match page_names.iter().find(|(_, n)| n == s.get_ref()) {
                Some((pfn, _)) => Ok(*pfn),
                None => cx.err(
                    s.span(),
                    format!(
                        "unknown page `{}`; expected one of the [[page]] names: {}",
                        s.get_ref(),
                        page_names.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                ),
            }
        };
        let mmap_sem = cx.one_of(
            &raw.host.mmap_sem,
            "mmap_sem state",
            &[(MmapSem::Free, "free"), (MmapSem::Read, "read"), (MmapSem::Write, "write")],
        )?;
        let host = HostArgs {
            addr: cx.range(&raw.host.addr, "host.addr", 0, MAX_ADDR, true)?,
            page: lookup(&raw.host.page)?,
            kpage: lookup(&raw.host.kpage)?,
            opcode: raw.host.opcode.unwrap_or(0xcc),
        };
        let pte_pfn = lookup(&raw.pte.page)?;
        let pte = Pte { pfn: pte_pfn, present: true, writable: raw.pte.writable, dirty: raw.pte.dirty };
        let page_of = |pfn| pages.iter().find(|p| p.pfn == pfn);
        if page_of(pte_pfn).is_some_and(|p| p.free) {
            return cx.err(raw.pte.page.span(), "the pte maps a free page");
        }
        if page_of(pte_pfn).is_some_and(|p| p.mapcount < 1) {
            return cx.err(raw.pte.page.span(), "the page the pte maps must have mapcount >= 1");
        }
        // Paths that allocate need a free page to allocate; the others need
        // kpage to exist already.
        let kpage = page_of(host.kpage);
        match path {
            HostPath::CowWriteFault | HostPath::UprobeInstall if !kpage.is_some_and(|p| p.free) => {
                return cx.err(
                    raw.host.kpage.span(),
                    format!(
                        "path `{}` allocates its new page: host.kpage must name a page with flags = [\"free\"]",
                        path.id()
                    ),
                );
            }
            HostPath::KsmMerge if kpage.is_some_and(|p| p.free) => {
                return cx
                    .err(raw.host.kpage.span(), "ksm_merge merges into an existing KSM page: kpage must not be free");
            }
            HostPath::KsmMerge if host.kpage == host.page => {
                return cx.err(raw.host.kpage.span(), "ksm_merge merges two different pages: kpage must not be page");
            }
            _ => {}
        }
        if host.page != pte_pfn {
            return cx.err(raw.host.page.span(), "host.page must be the page the pte maps");
        }
        if path == HostPath::CowWriteFault {
            if raw.pte.writable {
                return cx.err(raw.pte.page.span(), "cow_write_fault needs a read-only pte (pte.writable = false)");
            }
            if page_of(pte_pfn).is_some_and(|p| p.anon && !p.ksm && p.mapcount == 1 && p.refcount == 1) {
                return cx.err(
                    raw.pte.page.span(),
                    "this page would be reused in place, not copied: make it a KSM page or shared (refcount/mapcount > 1)",
                );
            }
        }
        let mapping = |m: &RawMapping| -> Result<(u64, bool), ScenarioError> {
            let pfn = lookup(&m.page)?;
            if page_of(pfn).is_some_and(|p| p.free) {
                return cx.err(m.page.span(), "a secondary mapping of a free page");
            }
            Ok((pfn, m.writable))
        };
        let (gfn, spte, kvm_memslot) = match &raw.kvm {
            Some(k) => {
                let gfn = cx.range(&k.gfn, "kvm.gfn", 0, MAX_GFN, true)?;
                let spte = match &k.spte {
                    Some(m) => {
                        let (pfn, writable) = mapping(m)?;
                        Some(Spte { gfn, pfn, writable })
                    }
                    None => None,
                };
                let memslot = k.memslot.unwrap_or(true);
                if !memslot && spte.is_some() {
                    return cx.err(k.gfn.span(), "kvm.spte needs a memslot: drop `memslot = false` or the spte");
                }
                (gfn, spte, memslot)
            }
            None => (0x10, None, true),
        };
        let gru_tlb = match raw.gru.as_ref().and_then(|g| g.tlb.as_ref()) {
            Some(m) => {
                let (pfn, writable) = mapping(m)?;
                Some(GruTlbEntry { addr: host.addr, pfn, writable })
            }
            None => None,
        };
        let actors = match &raw.actors {
            None => Vec::new(),
            Some(list) => {
                if list.get_ref().len() > MAX_ACTORS {
                    return cx.err(
                        list.span(),
                        format!("{} actors: at most {MAX_ACTORS} are supported", list.get_ref().len()),
                    );
                }
                let mut out = Vec::new();
                for a in list.get_ref() {
                    match Actor::parse(a.get_ref()) {
                        Ok(x) => out.push(x),
                        Err(e) => return cx.err(a.span(), e.to_string()),
                    }
                }
                if let Err(e) = actors_fit(&out, &notifiers) {
                    return cx.err(list.span(), e);
                }
                let pool = out.iter().filter(|a| a.writes()).count();
                if pages.len() + pool > MAX_PAGES {
                    return cx.err(
                        list.span(),
                        format!(
                            "{} pages and {pool} writing actors (each gets a pool page): at most {MAX_PAGES} pages are supported",
                            pages.len()
                        ),
                    );
                }
                out
            }
        };
        let mut guest = Vec::new();
        let raw_guest = raw.guest.as_ref().map_or(&[][..], |g| &g.get_ref()[..]);
        if raw_guest.len() > MAX_GUEST_OPS {
            return cx.err(
                raw_guest[MAX_GUEST_OPS].op.span(),
                format!("{} [[guest]] operations: at most {MAX_GUEST_OPS} are supported", raw_guest.len()),
            );
        }
        for g in raw_guest {
            let write = cx.one_of(&g.op, "guest op", &[(false, "read"), (true, "write")])?;
            guest.push(GuestOp { write, value: g.value });
        }
        let mut scenario = Scenario {
            name: raw.name.get_ref().clone(),
            title: raw.title.into_inner(),
            description: raw.description.into_inner(),
            path,
            notifiers,
            host,
            mmap_sem,
            pages,
            pte,
            gfn,
            spte,
            kvm_memslot,
            gru_tlb,
            guest,
            expect: Vec::new(),
            actors,
            verdicts: Vec::new(),
        };
        for e in raw.expect {
            scenario.expect.push(parse_expectation(&cx, e, &scenario.notifiers)?);
        }
        for v in raw.verdict {
            scenario.verdicts.push(parse_verdict(&cx, v, &scenario.notifiers, &scenario.actors)?);
        }
        Ok(scenario)
    }

    /// A built-in scenario by name, parsed; the error lists the valid
    /// names. The front ends, which start often, get the same values
    /// parsed at their build time instead ([`crate::precompute`]).
    pub fn builtin(name: &str) -> Result<Scenario, crate::UnknownName> {
        let Some((_, file, text)) = BUILTIN.iter().find(|(n, _, _)| *n == name) else {
            return Err(crate::UnknownName {
                kind: "scenario",
                given: name.to_string(),
                valid: BUILTIN.iter().map(|(n, _, _)| n.to_string()).collect(),
            });
        };
        // Built-in files are checked by the test suite; a parse error here
        // would be a build defect, reported rather than panicking.
        Scenario::parse(file, text).map_err(|e| crate::UnknownName {
            kind: "scenario (built-in file failed to parse)",
            given: e.to_string(),
            valid: Vec::new(),
        })
    }

    /// Every built-in scenario, parsed (see [`Scenario::builtin`]).
    pub fn all_builtin() -> Vec<Scenario> {
        BUILTIN.iter().filter_map(|(n, _, _)| Scenario::builtin(n).ok()).collect()
    }

    /// The initial machine for `semantics` with `notifiers` registered (in
    /// list order). The vCPU exists only when KVM is registered; the GRU
    /// TLB entry only when GRU is.
    pub fn machine(&self, semantics: Semantics, notifiers: &[NotifierId]) -> Machine {
        let secondaries = notifiers
            .iter()
            .map(|id| {
                let mut s = Secondary::new(*id);
                match &mut s {
                    Secondary::Kvm(k) => {
                        k.sptes.extend(self.spte);
                        k.memslot = self.kvm_memslot;
                    }
                    Secondary::Gru(g) => g.tlb.extend(self.gru_tlb),
                    _ => {}
                }
                s
            })
            .collect();
        Machine::new(
            semantics,
            self.pages.clone(),
            vec![(self.host.addr, self.pte)],
            self.mmap_sem,
            secondaries,
            self.path.entry(),
            self.host,
            self.gfn,
            self.guest.clone(),
        )
    }

    /// The initial machine with `actors` as the threads after the host path
    /// (see [`Machine::with_actors`]); an empty list keeps the default
    /// threads. Errors when a notifier does not exist at `semantics`' tag
    /// or an actor's notifier is not in `notifiers`.
    pub fn machine_with(
        &self,
        semantics: Semantics,
        notifiers: &[NotifierId],
        actors: &[Actor],
    ) -> Result<Machine, String> {
        NotifierId::check_at(semantics, notifiers)?;
        self.machine(semantics, notifiers).with_actors(actors)
    }
}

fn parse_expectation(
    cx: &Ctx<'_>,
    e: Spanned<toml::Table>,
    default: &[NotifierId],
) -> Result<Expectation, ScenarioError> {
    let span = e.span();
    let mut table = e.into_inner();
    let sem = match table.remove("semantics") {
        Some(toml::Value::String(s)) => match Semantics::parse(&s) {
            Ok(s) => s,
            Err(err) => return cx.err(span, format!("[[expect]]: {err}")),
        },
        _ => return cx.err(span, format!("[[expect]] needs `semantics = ` one of {}", semantics_choices())),
    };
    let notifiers = match table.remove("notifiers") {
        None => default.to_vec(),
        Some(toml::Value::Array(a)) => {
            let mut out = Vec::new();
            for v in a {
                let Some(s) = v.as_str() else {
                    return cx.err(span, "[[expect]] notifiers must be strings");
                };
                match NotifierId::parse(s) {
                    Ok(n) if out.contains(&n) => {
                        return cx.err(span, format!("[[expect]]: duplicate notifier `{n}`: each may be listed once"));
                    }
                    Ok(n) => out.push(n),
                    Err(err) => return cx.err(span, format!("[[expect]]: {err}")),
                }
            }
            out
        }
        Some(_) => return cx.err(span, "[[expect]] notifiers must be an array of notifier ids"),
    };
    if let Some((key, v)) = first_float("", &table) {
        return cx.err(
            span,
            format!(
                "[[expect]]: `{key}` = {v}: the summary holds integers only (write a whole number, no decimal point)"
            ),
        );
    }
    let expected = match serde_json::to_value(&table) {
        Ok(v) => v,
        Err(err) => return cx.err(span, format!("[[expect]]: {err}")),
    };
    if let Err(e) = NotifierId::check_at(sem, &notifiers) {
        return cx.err(span, format!("[[expect]]: {e}"));
    }
    // Validate keys against the summary shape of this notifier set.
    let shape = crate::summary::Summary::shape(sem, &notifiers);
    let mut problems = Vec::new();
    check_keys("", &expected, &shape, &mut problems);
    if let Some(p) = problems.into_iter().next() {
        return cx.err(span, format!("[[expect]]: {p}"));
    }
    Ok(Expectation { semantics: sem, notifiers, expected, location: cx.location(span.start) })
}

/// The first float in `table` (the summary has none, and `nan` has no
/// JSON form), with its dotted key.
fn first_float(path: &str, table: &toml::Table) -> Option<(String, f64)> {
    fn walk(path: String, v: &toml::Value) -> Option<(String, f64)> {
        match v {
            toml::Value::Float(f) => Some((path, *f)),
            toml::Value::Table(t) => first_float(&path, t),
            toml::Value::Array(a) => a.iter().find_map(|x| walk(path.clone(), x)),
            _ => None,
        }
    }
    table.iter().find_map(|(k, v)| walk(if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, v))
}

/// Every actor's notifier is registered.
fn actors_fit(actors: &[Actor], notifiers: &[NotifierId]) -> Result<(), String> {
    for a in actors {
        if let Some(n) = a.needs()
            && !notifiers.contains(&n)
        {
            return Err(format!("actor `{a}` needs the `{n}` notifier, which this run does not register"));
        }
    }
    Ok(())
}

fn string_list(v: toml::Value, what: &str) -> Result<Vec<String>, String> {
    let toml::Value::Array(a) = v else {
        return Err(format!("[[verdict]] {what} must be an array of strings"));
    };
    a.into_iter()
        .map(|x| x.as_str().map(String::from).ok_or_else(|| format!("[[verdict]] {what} must be strings")))
        .collect()
}

/// `"original" | "wrapped" | ...`: every semantics id, for errors.
fn semantics_choices() -> String {
    Semantics::ALL.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(" | ")
}

fn parse_verdict(
    cx: &Ctx<'_>,
    v: Spanned<toml::Table>,
    default_notifiers: &[NotifierId],
    default_actors: &[Actor],
) -> Result<Verdict, ScenarioError> {
    let span = v.span();
    let mut table = v.into_inner();
    let semantics = match table.remove("semantics") {
        Some(toml::Value::String(s)) => match Semantics::parse(&s) {
            Ok(s) => s,
            Err(err) => return cx.err(span, format!("[[verdict]]: {err}")),
        },
        _ => return cx.err(span, format!("[[verdict]] needs `semantics = ` one of {}", semantics_choices())),
    };
    let notifiers = match table.remove("notifiers") {
        None => default_notifiers.to_vec(),
        Some(x) => {
            let mut out = Vec::new();
            for n in string_list(x, "notifiers").or_else(|e| cx.err(span.clone(), e))? {
                match NotifierId::parse(&n) {
                    Ok(n) if out.contains(&n) => {
                        return cx.err(span, format!("[[verdict]]: duplicate notifier `{n}`: each may be listed once"));
                    }
                    Ok(n) => out.push(n),
                    Err(err) => return cx.err(span, format!("[[verdict]]: {err}")),
                }
            }
            out
        }
    };
    let actors = match table.remove("actors") {
        None => default_actors.to_vec(),
        Some(x) => {
            let mut out = Vec::new();
            for a in string_list(x, "actors").or_else(|e| cx.err(span.clone(), e))? {
                match Actor::parse(&a) {
                    Ok(a) => out.push(a),
                    Err(err) => return cx.err(span, format!("[[verdict]]: {err}")),
                }
            }
            if out.len() > MAX_ACTORS {
                return cx.err(span, format!("[[verdict]]: {} actors: at most {MAX_ACTORS} are supported", out.len()));
            }
            out
        }
    };
    if let Err(e) = NotifierId::check_at(semantics, &notifiers) {
        return cx.err(span, format!("[[verdict]]: {e}"));
    }
    if let Err(e) = actors_fit(&actors, &notifiers) {
        return cx.err(span, format!("[[verdict]]: {e}"));
    }
    let mut expected = Vec::new();
    for (k, val) in table {
        let Some(id) = ViolationId::ALL.into_iter().find(|v| v.id() == k) else {
            return cx.err(
                span,
                format!(
                    "[[verdict]]: unknown key `{k}`; expected semantics, notifiers, actors or a violation id: {}",
                    ViolationId::ALL.map(|v| v.id()).join(", ")
                ),
            );
        };
        let outcome = match val.as_str().and_then(Outcome::parse) {
            Some(o) => o,
            None => return cx.err(span, format!("[[verdict]]: `{k}` must be \"never\" or \"sometimes\"")),
        };
        expected.push((id, outcome));
    }
    Ok(Verdict { semantics, notifiers, actors, expected, location: cx.location(span.start) })
}

fn check_keys(path: &str, expected: &serde_json::Value, shape: &serde_json::Value, out: &mut Vec<String>) {
    if let (Some(e), Some(s)) = (expected.as_object(), shape.as_object()) {
        for (k, v) in e {
            let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
            match s.get(k) {
                Some(sv) => {
                    if p == "violations" {
                        if let Some(list) = v.as_array() {
                            for id in list {
                                let ok = id
                                    .as_str()
                                    .is_some_and(|id| crate::event::ViolationId::ALL.iter().any(|v| v.id() == id));
                                if !ok {
                                    out.push(format!(
                                        "unknown violation id {id}; expected one of: {}",
                                        crate::event::ViolationId::ALL.map(|v| v.id()).join(", ")
                                    ));
                                }
                            }
                        } else {
                            out.push("`violations` must be a list of violation ids".into());
                        }
                    } else {
                        check_keys(&p, v, sv, out);
                    }
                }
                None => out.push(format!(
                    "unknown key `{p}`; expected one of: {}",
                    s.keys()
                        .map(|k| if path.is_empty() { k.clone() } else { format!("{path}.{k}") })
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_of_every_offset() {
        for text in ["", "a", "\n", "ab\ncd\n\nef", "x = 1\n# é\ny = \"ü\"\n"] {
            let cx = Ctx { file: "t.toml", text, line_starts: std::cell::OnceCell::new() };
            for offset in 0..=text.len() + 2 {
                let before = &text.as_bytes()[..offset.min(text.len())];
                let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
                let column = before.len() - before.iter().rposition(|&b| b == b'\n').map_or(0, |nl| nl + 1) + 1;
                assert_eq!(cx.line_col(offset), (line, column), "{text:?} at {offset}");
            }
        }
    }
}
