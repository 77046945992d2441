//! The presentation model every front end draws: what a side's state panes,
//! event log, violation list, status line and summary say, computed once
//! from a [`Walk`]. The terminal walkthrough adds only styles and layout,
//! the browser demo only HTML, so the two cannot disagree about what they
//! show (bandwhich's `ui_state`, shared by two faces).

use std::collections::BTreeSet;

use serde::Serialize;

use crate::event::Event;
use crate::notifier::{Callback, NotifierId};
use crate::semantics::Semantics;
use crate::trace::Trace;
use crate::view;
use crate::walk::{Side, Walk};

/// One value of a state pane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Stable key of the value in [`view::flatten`] (empty for lines that
    /// are not state values, such as "callback running now").
    pub key: String,
    /// Label (`PT lock`, `spte gfn 0x10`, ...).
    pub label: String,
    /// Value.
    pub value: String,
    /// Changed by the last move on this side.
    pub changed: bool,
    /// Differs from the other side (both at the same milestone).
    pub differs: bool,
    /// A notifier callback running now.
    pub running: bool,
    /// For a notifier of the list: the callbacks of its ops table the
    /// model calls (`value` says the same in words), so a narrow face can
    /// abbreviate them without parsing `value` back.
    pub ops: Vec<Callback>,
}

/// What a [`Section`] shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// The primary MMU: ptes, the PT lock, `mmap_sem`.
    Mm,
    /// The notifier list: who is registered, its ops, who runs now.
    NotifierList,
    /// One registered notifier's secondary MMU.
    Secondary(NotifierId),
    /// The physical pages.
    Pages,
}

/// A titled group of a state pane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// What it shows.
    pub kind: SectionKind,
    /// Title (`mm (primary MMU)`, `notifier list`, `KVM`, `pages`).
    pub title: String,
    /// A short title for narrow columns (`mm`, `list`, `KVM`, `pages`).
    pub short: &'static str,
    /// The values, in display order.
    pub items: Vec<Item>,
}

/// The state pane of `side`: the primary MMU, the notifier list with each
/// user's ops and the callback running now, each secondary MMU's state,
/// and the pages; values marked when the last move changed them and when
/// they differ from the other side at a common milestone.
pub fn state(walk: &Walk, side: Side) -> Vec<Section> {
    let m = walk.side(side).machine();
    let changed = walk.changed_keys(side);
    let differs = walk.differing_keys();
    let mark = |i: view::Item| Item {
        changed: changed.contains(&i.key),
        differs: differs.contains(&i.key),
        running: false,
        ops: Vec::new(),
        key: i.key,
        label: i.label,
        value: i.value,
    };
    let mut out = Vec::new();
    for sec in view::sections(m) {
        match sec.id {
            "mm" => {
                let items = sec
                    .items
                    .into_iter()
                    .map(|i| match i.key.as_str() {
                        "ptl" => {
                            let mut it = mark(i);
                            it.label = "PT lock".into();
                            if m.ptl.holder.is_some() {
                                it.value = format!("{} since step {}", it.value, m.ptl.since);
                            }
                            it
                        }
                        _ => mark(i),
                    })
                    .collect();
                out.push(Section { kind: SectionKind::Mm, title: "mm (primary MMU)".into(), short: "mm", items });
                out.push(notifier_list(walk, side));
            }
            "pages" => {
                let items = sec
                    .items
                    .into_iter()
                    .map(|mut i| {
                        i.label = i.label.trim_start_matches("page ").to_string();
                        mark(i)
                    })
                    .collect();
                out.push(Section { kind: SectionKind::Pages, title: "pages".into(), short: "pages", items });
            }
            _ => {
                let Some(n) = sec.notifier else { continue };
                let items = sec.items.into_iter().map(mark).collect();
                out.push(Section {
                    kind: SectionKind::Secondary(n),
                    title: n.label().into(),
                    short: n.info().short,
                    items,
                });
            }
        }
    }
    out
}

fn notifier_list(walk: &Walk, side: Side) -> Section {
    let m = walk.side(side).machine();
    let running: Vec<(usize, &'static str, &'static str)> = m
        .thread_ids()
        .flat_map(|t| {
            m.running_callbacks(t)
                .into_iter()
                .map(move |(i, _, cb)| (i, m.threads[usize::from(t.0)].kind.id(), cb.id()))
        })
        .collect();
    let line = |label: String, value: String, running: bool, ops: Vec<Callback>| Item {
        key: String::new(),
        label,
        value,
        changed: false,
        differs: false,
        running,
        ops,
    };
    let mut items = Vec::new();
    for (i, n) in m.notifiers.iter().enumerate() {
        let id = n.id();
        let ops = id.ops(m.semantics).list();
        let words: Vec<&str> = ops.iter().map(|c| c.id()).collect();
        items.push(line(id.id().into(), format!("ops: {}", words.join(", ")), false, ops));
        for (_, thread, cb) in running.iter().filter(|(j, _, _)| *j == i) {
            items.push(line(String::new(), format!("▶ {} {cb} running ({thread})", id.id()), true, Vec::new()));
        }
    }
    if items.is_empty() {
        items.push(line(String::new(), "no notifier registered".into(), false, Vec::new()));
    }
    Section { kind: SectionKind::NotifierList, title: "notifier list".into(), short: "list", items }
}

/// How an event line is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A broken invariant.
    Violation,
    /// A notifier callback call.
    Callback,
    /// Anything else.
    Plain,
}

/// One event of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogEvent {
    /// [`Event::message`].
    pub text: String,
    /// Its kind.
    pub kind: EventKind,
    /// For a violation: the rule it breaks, in plain language.
    pub rule: Option<&'static str>,
}

/// One step of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogStep {
    /// 1-based step number.
    pub index: usize,
    /// `host write_protect_page:870`.
    pub head: String,
    /// Its events (empty: no tracked state changed).
    pub events: Vec<LogEvent>,
}

/// The event log of a move: a title and its steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Log {
    /// `step 12`, `steps 3–17 (15 steps)`, `nothing executed yet`.
    pub title: String,
    /// The steps, the newest last; steps without events are left out
    /// except the last one.
    pub steps: Vec<LogStep>,
}

/// At most this many steps of one move are listed (a run to the end can
/// execute thousands).
pub const LOG_LIMIT: usize = 200;

/// The steps the last move on `side` executed (at most [`LOG_LIMIT`]).
pub fn log(walk: &Walk, side: Side) -> Log {
    let s = walk.side(side);
    let range = s.last_move();
    let title = match (range.len(), range.start) {
        (0, _) => "nothing executed yet".to_string(),
        (1, i) => format!("step {}", i + 1),
        (n, i) => format!("steps {}–{} ({n} steps)", i + 1, i + n),
    };
    let start = range.start.max(range.end.saturating_sub(LOG_LIMIT));
    let mut steps = Vec::new();
    for i in start..range.end {
        let st = &s.trace.steps[i];
        if st.events.is_empty() && i + 1 != range.end {
            continue;
        }
        let events = st
            .events
            .iter()
            .map(|e| LogEvent {
                text: e.message(),
                kind: match e {
                    Event::Violation(_) => EventKind::Violation,
                    Event::Callback { .. } => EventKind::Callback,
                    _ => EventKind::Plain,
                },
                rule: match e {
                    Event::Violation(v) => Some(v.id.rule()),
                    _ => None,
                },
            })
            .collect();
        steps.push(LogStep {
            index: i + 1,
            head: format!("{} {}:{}", st.thread_kind, st.function.name, st.source().line),
            events,
        });
    }
    Log { title, steps }
}

/// A violation raised so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ViolationRow {
    /// The 1-based step that raised it.
    pub step: usize,
    /// The invariant's id.
    pub id: &'static str,
    /// What happened.
    pub message: String,
    /// The rule, in plain language.
    pub rule: &'static str,
}

/// Violations raised by the steps `side` has executed, duplicates (the
/// same invariant with the same message) removed.
pub fn violations(walk: &Walk, side: Side) -> Vec<ViolationRow> {
    let s = walk.side(side);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, st) in s.trace.steps[..s.pos.min(s.len())].iter().enumerate() {
        for v in st.violations() {
            if seen.insert((v.id, v.message.clone())) {
                out.push(ViolationRow { step: i + 1, id: v.id.id(), message: v.message.clone(), rule: v.id.rule() });
            }
        }
    }
    out
}

/// Where a side stands: what its status line says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// The thread of the statement shown and its call depth, unless the
    /// run has finished.
    pub thread: Option<(&'static str, usize)>,
    /// The run has finished.
    pub finished: bool,
    /// The side is held at this milestone until the other side reaches it.
    pub waiting_at: Option<String>,
    /// The last milestone reached, and its step.
    pub last_milestone: Option<(String, usize)>,
    /// Distinct violations so far ([`violations`]).
    pub violations: usize,
}

impl Status {
    /// "1 violation", "2 violations", or nothing.
    pub fn violations_text(&self) -> Option<String> {
        match self.violations {
            0 => None,
            1 => Some("1 violation".into()),
            n => Some(format!("{n} violations")),
        }
    }
}

/// The status of `side`.
pub fn status(walk: &Walk, side: Side) -> Status {
    let s = walk.side(side);
    let shown = s.shown_step();
    Status {
        thread: shown.filter(|_| !s.at_end()).map(|st| (st.thread_kind, st.depth)),
        finished: s.at_end() && shown.is_some(),
        waiting_at: walk.waiting_at(side),
        last_milestone: walk.last_milestone(side),
        violations: violations(walk, side).len(),
    }
}

/// One row of a run's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryRow {
    /// Stable key, for comparing two runs (`calls kvm change_pte`,
    /// `kvm sptes_zapped`, `run steps`).
    pub key: String,
    /// Label (`change_pte`, `sptes zapped`, `steps`).
    pub label: String,
    /// Value.
    pub value: String,
    /// The other run has no row with this key and value.
    pub differs: bool,
}

/// A group of summary rows: one notifier's calls, one notifier's
/// counters, or the run as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryGroup {
    /// Title (`calls: kvm`, `KVM`, `run`).
    pub title: String,
    /// A short title for narrow columns (`kvm`, `KVM`, `run`).
    pub short: String,
    /// The rows.
    pub rows: Vec<SummaryRow>,
}

fn summary_groups(t: &Trace) -> Vec<SummaryGroup> {
    let s = &t.summary;
    let row = |key: String, label: &str, value: String| SummaryRow { key, label: label.into(), value, differs: false };
    let mut out = Vec::new();
    for (n, cbs) in &s.calls {
        let rows = cbs
            .iter()
            .map(|(c, k)| {
                let under = s.calls_under_ptl.get(n).and_then(|m| m.get(c)).copied().unwrap_or(0);
                row(format!("calls {} {}", n.id(), c.id()), c.id(), format!("{k} (under PT lock {under})"))
            })
            .collect();
        out.push(SummaryGroup { title: format!("calls: {}", n.id()), short: n.id().into(), rows });
    }
    for n in NotifierId::ALL.into_iter().filter(|n| t.notifiers.contains(n)) {
        let rows =
            s.counter_rows(n).into_iter().map(|r| row(format!("{} {}", n.id(), r.key), r.label, r.value.to_string()));
        out.push(SummaryGroup { title: n.label().into(), short: n.info().short.into(), rows: rows.collect() });
    }
    let mut run = vec![row("run steps".into(), "steps", s.steps.to_string())];
    if let Some(why) = &s.stopped {
        run.push(row("run stopped".into(), "stopped", why.clone()));
    }
    run.push(row("run violations".into(), "violations", s.violations.len().to_string()));
    out.push(SummaryGroup { title: "run".into(), short: "run".into(), rows: run });
    out
}

/// The whole-run summary of `side`, each row marked when the other side's
/// run has no row with the same key and value.
pub fn summary(walk: &Walk, side: Side) -> Vec<SummaryGroup> {
    let theirs: BTreeSet<(String, String)> = summary_groups(&walk.side(side.other()).trace)
        .into_iter()
        .flat_map(|g| g.rows)
        .map(|r| (r.key, r.value))
        .collect();
    let mut mine = summary_groups(&walk.side(side).trace);
    for r in mine.iter_mut().flat_map(|g| g.rows.iter_mut()) {
        r.differs = !theirs.contains(&(r.key.clone(), r.value.clone()));
    }
    mine
}

/// A move of the walkthrough, with the words both front ends' help uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Move {
    /// Next statement at this depth (steps over calls), both sides.
    StepOver,
    /// One statement, both sides.
    StepInto,
    /// Until the current function returns, both sides.
    Finish,
    /// One statement back, both sides.
    Back,
    /// Both runs to the end.
    RunToEnd,
    /// Both runs to the start.
    Restart,
    /// A step number (focused side) or a milestone name (both sides).
    Goto,
    /// The focused side's previous semantics.
    SemanticsPrev,
    /// The focused side's next semantics.
    SemanticsNext,
    /// Focus the other side.
    FocusToggle,
}

impl Move {
    /// Every move, in the order help lists them.
    pub const ALL: [Move; 10] = [
        Move::StepOver,
        Move::StepInto,
        Move::Finish,
        Move::Back,
        Move::Goto,
        Move::RunToEnd,
        Move::Restart,
        Move::FocusToggle,
        Move::SemanticsPrev,
        Move::SemanticsNext,
    ];

    /// One-line description for help screens.
    pub fn describe(self) -> String {
        let n = Semantics::COUNT;
        let text = match self {
            Move::StepOver => "next: run to the next statement at this depth (steps over calls), both sides",
            Move::StepInto => "step into: execute one statement, both sides",
            Move::Finish => "finish: run until the current function returns, both sides",
            Move::Back => "back one statement, both sides (instant: the runs are recorded)",
            Move::Goto => "go to a step number (focused side) or a milestone name (both sides)",
            Move::RunToEnd => "run both sides to the end",
            Move::Restart => "restart both sides",
            Move::FocusToggle => "focus the other side",
            Move::SemanticsPrev => return format!("focused side: previous of the {n} semantics"),
            Move::SemanticsNext => return format!("focused side: next of the {n} semantics"),
        };
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn walk(sc: &str, l: Semantics, r: Semantics, n: &[NotifierId]) -> Walk {
        Walk::new(Scenario::builtin(sc).expect("built-in"), l, r, n)
    }

    #[test]
    fn status_counts_distinct_violations_as_the_violation_list_does() {
        // At the end of ksm/original with the sleepable driver, the same
        // sleep_in_atomic is raised by more than one step.
        let mut w = walk("ksm", Semantics::Original, Semantics::Wrapped, &[NotifierId::Kvm, NotifierId::Sleepable]);
        w.run_to_end();
        let raised: usize = w.side(Side::Left).trace.steps.iter().map(|s| s.violations().count()).sum();
        let st = status(&w, Side::Left);
        assert_eq!(st.violations, violations(&w, Side::Left).len());
        assert!(st.violations >= 1 && st.violations < raised, "{} distinct of {raised} raised", st.violations);
        assert!(st.finished);
    }

    #[test]
    fn state_has_every_flattened_value_once_and_marks_what_the_move_changed() {
        let mut w = walk("ksm", Semantics::Wrapped, Semantics::Patched, &NotifierId::ALL);
        w.goto_milestone("write_protect_page:ptl-taken").expect("milestone");
        let secs = state(&w, Side::Left);
        let kinds: Vec<SectionKind> = secs.iter().map(|s| s.kind).collect();
        assert_eq!(kinds[..2], [SectionKind::Mm, SectionKind::NotifierList]);
        let list = &secs[1].items;
        for n in NotifierId::ALL {
            let row = list.iter().find(|i| i.label == n.id()).expect("every registered notifier is listed");
            assert_eq!(row.ops, n.ops(Semantics::Wrapped).list(), "{n}: the ops a narrow face abbreviates");
        }
        assert_eq!(kinds.last(), Some(&SectionKind::Pages));
        let keys: BTreeSet<&str> =
            secs.iter().flat_map(|s| &s.items).map(|i| i.key.as_str()).filter(|k| !k.is_empty()).collect();
        let flat = view::flatten(w.side(Side::Left).machine());
        assert_eq!(keys, flat.keys().map(String::as_str).collect());
        let changed: BTreeSet<String> =
            secs.iter().flat_map(|s| &s.items).filter(|i| i.changed).map(|i| i.key.clone()).collect();
        assert_eq!(changed, w.changed_keys(Side::Left));
        assert!(changed.contains("ptl"), "the PT lock was just taken: {changed:?}");
    }

    #[test]
    fn summary_marks_rows_that_differ_between_the_runs() {
        let mut w = walk("ksm", Semantics::Wrapped, Semantics::Patched, &NotifierId::DEFAULT);
        w.run_to_end();
        let left = summary(&w, Side::Left);
        let misses = left.iter().flat_map(|g| &g.rows).find(|r| r.key == "kvm change_pte_misses").expect("row");
        let right = summary(&w, Side::Right);
        let theirs = right.iter().flat_map(|g| &g.rows).find(|r| r.key == "kvm change_pte_misses").expect("row");
        assert_eq!(misses.differs, misses.value != theirs.value);
        let steps = left.iter().flat_map(|g| &g.rows).find(|r| r.key == "run steps").expect("steps");
        assert_eq!(steps.value, w.side(Side::Left).len().to_string());
    }

    #[test]
    fn log_lists_the_last_move_with_a_title() {
        let mut w = walk("cow", Semantics::Wrapped, Semantics::Patched, &NotifierId::DEFAULT);
        assert_eq!(log(&w, Side::Left).title, "nothing executed yet");
        w.step_into();
        let l = log(&w, Side::Left);
        assert_eq!(l.title, "step 1");
        assert_eq!(l.steps.len(), 1);
        assert_eq!(l.steps[0].index, 1);
    }
}
