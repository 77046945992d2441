//! The state pane and the event log of one column.
//!
//! Values come from [`notifier_lab_core::view::flatten`], the same flat
//! `key -> value` view `notifier-lab compare` diffs, so "changed by the
//! last step" and "differs from the other side" are the core's notion of
//! difference, not one re-derived here.

use std::collections::BTreeMap;

use notifier_lab_core::Event;
use notifier_lab_core::view;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::text::{Item, Section, flow, wrap};
use super::theme;
use crate::app::state::{Side, SideRun, Walkthrough};

/// Width of the section-label gutter of the state pane.
const GUTTER: usize = 6;

/// Shortens `invalidate_range_start` to `inv_range_start` so an ops
/// table fits a narrow column.
fn short_cb(id: &str) -> String {
    id.replace("invalidate_", "inv_")
}

/// `cp`, `ip`, `rs`, `re`: an ops table in a dozen cells.
fn initials(id: &str) -> String {
    match id {
        "change_pte" => "cp".into(),
        "invalidate_page" => "ip".into(),
        "invalidate_range_start" => "rs".into(),
        "invalidate_range_end" => "re".into(),
        other => other.into(),
    }
}

/// Drops the `mmu_notifier_`/`ms_`/`gfn` noise from a state label.
fn short_label(label: &str) -> String {
    label
        .replace("mmu_notifier_", "")
        .replace("mmu_lock", "lock")
        .replace("ms_range", "range")
        .replace("spte gfn", "spte")
}

/// The state pane's lines for `side`, laid out in `cols` cells.
pub fn state_lines(w: &Walkthrough, side: Side, cols: usize) -> Vec<Line<'static>> {
    let s = w.side(side);
    let m = s.machine();
    let now = view::flatten(m);
    // Narrow columns get short labels and a one-line notifier list so the
    // secondary MMUs and pages still fit an 80x24 terminal.
    let compact = cols < 60;
    // "Changed by the last move" and "differs from the other side" (only
    // while both stand at the same milestone) are the shared model's marks.
    let changed = w.changed_keys(side);
    let differs = w.differing_keys();
    let item = |label: &str, key: &str| -> Item {
        let value = now.get(key).cloned().unwrap_or_else(|| "-".into());
        let mut it = Item::new(label, value);
        if changed.contains(key) {
            it.style = theme::CHANGED;
        }
        it.differs = differs.contains(key);
        it
    };
    let with_prefix = |prefix: &str| now.keys().filter(move |k| k.starts_with(prefix)).cloned().collect::<Vec<_>>();

    let mut sections = Vec::new();

    // Primary MMU: ptes, PT lock, mmap_sem.
    let mut mm = Vec::new();
    for k in with_prefix("pte ") {
        mm.push(item(&k, &k));
    }
    let mut ptl = item(if compact { "PTL" } else { "PT lock" }, "ptl");
    if m.ptl.holder.is_some() {
        ptl.value = if compact {
            format!("{} @{}", ptl.value, m.ptl.since)
        } else {
            format!("{} since step {}", ptl.value, m.ptl.since)
        };
    }
    mm.push(ptl);
    if !compact {
        mm.push(item("mmap_sem", "mmap_sem"));
    }
    sections.push(Section { label: "mm".into(), items: mm, one_per_line: false });

    // The notifier list: who is registered, their ops, who runs now.
    let running: Vec<(usize, &'static str, String)> = m
        .thread_ids()
        .flat_map(|t| {
            m.running_callbacks(t)
                .into_iter()
                .map(move |(i, _, cb)| (i, m.threads[t.0 as usize].kind.id(), cb.id().to_string()))
        })
        .collect();
    let mut list = Vec::new();
    for (i, n) in m.notifiers.iter().enumerate() {
        let id = n.id();
        let ops: Vec<String> =
            id.ops().list().iter().map(|c| if compact { initials(c.id()) } else { short_cb(c.id()) }).collect();
        list.push(Item::new(id.id(), ops.join(if compact { " " } else { "," })));
        for (_, thread, cb) in running.iter().filter(|(j, _, _)| *j == i) {
            let mut it = Item::new("", format!("▶ {} {cb} running ({thread})", id.id()));
            it.style = theme::RUNNING;
            list.push(it);
        }
    }
    if list.is_empty() {
        list.push(Item::new("", "no notifier registered"));
    }
    sections.push(Section { label: "list".into(), items: list, one_per_line: !compact });

    // Each secondary MMU's state, in list order.
    for sec in view::sections(m) {
        let Some(n) = sec.notifier else { continue };
        let items = sec
            .items
            .iter()
            .map(|i| item(&if compact { short_label(&i.label) } else { i.label.clone() }, &i.key))
            .collect();
        // Short titles: the state column is narrow.
        sections.push(Section { label: n.info().short.into(), items, one_per_line: false });
    }

    // Pages.
    // A page's value is split before its flags so that narrow columns wrap
    // it instead of cutting the flags off.
    let mut pages = Vec::new();
    for k in with_prefix("page ") {
        let it = item(&k["page ".len()..], &k);
        match it.value.split_once(" [") {
            Some((head, tail)) => {
                pages.push(Item { value: head.to_string(), newline: true, ..it.clone() });
                pages.push(Item { label: String::new(), value: format!("[{tail}"), differs: false, ..it });
            }
            None => pages.push(Item { newline: true, ..it }),
        }
    }
    sections.push(Section { label: "pages".into(), items: pages, one_per_line: false });

    flow(&sections, cols, GUTTER, theme::DIM, theme::DIFFERS)
}

/// The event log: title and lines for the steps the last move executed
/// (or the last step after moving back), newest last.
pub fn event_lines(s: &SideRun, cols: usize) -> (Line<'static>, Vec<Line<'static>>) {
    let range = s.last_move();
    let title = match (range.len(), range.start) {
        (0, _) => " events · nothing executed yet ".to_string(),
        (1, i) => format!(" events · step {} ", i + 1),
        (n, i) => format!(" events · steps {}-{} ({n} steps) ", i + 1, i + n),
    };
    let title = Line::from(Span::styled(title, Style::new().add_modifier(Modifier::BOLD)));
    // A long `r` would produce thousands of lines; the last 200 steps are
    // plenty to scroll through.
    let start = range.start.max(range.end.saturating_sub(200));
    let mut lines = Vec::new();
    for i in start..range.end {
        let st = &s.trace.steps[i];
        let last = i + 1 == range.end;
        if st.events.is_empty() && !last {
            continue;
        }
        let head = format!("{:>3} {} {}:{}", i + 1, st.thread_kind, st.function.name, st.source().line);
        lines.push(Line::from(Span::styled(super::text::truncate_right(&head, cols), theme::DIM)));
        if st.events.is_empty() {
            lines.push(Line::from(Span::styled("    (no tracked state changed)", theme::DIM)));
        }
        for e in &st.events {
            let style = match e {
                Event::Violation(_) => theme::VIOLATION,
                Event::Callback { .. } => theme::RUNNING,
                _ => Style::new(),
            };
            for l in wrap(&format!("  - {}", e.message()), cols, 4) {
                lines.push(Line::from(Span::styled(l, style)));
            }
            if let Event::Violation(v) = e {
                // The rule, in plain language, under the instance.
                for l in wrap(&format!("    rule: {}", v.id.rule()), cols, 6) {
                    lines.push(Line::from(Span::styled(l, theme::VIOLATION.remove_modifier(Modifier::BOLD))));
                }
            }
        }
    }
    (title, lines)
}

/// Summary items of one run, keyed so two sides can be compared.
pub fn summary_sections(t: &notifier_lab_core::Trace) -> Vec<(Section, Vec<String>)> {
    let s = &t.summary;
    let mut out = Vec::new();
    for (n, cbs) in &s.calls {
        let under = &s.calls_under_ptl[n];
        let items: Vec<Item> = cbs
            .iter()
            .map(|(c, k)| Item::new(short_cb(c.id()), format!("{k} (PTL {})", under.get(c).copied().unwrap_or(0))))
            .collect();
        let keys = cbs.keys().map(|c| format!("calls {} {}", n.id(), c.id())).collect();
        // One callback per line: the two halves then line up row by row.
        out.push((Section { label: n.id().into(), items, one_per_line: true }, keys));
    }
    let ns = &t.notifiers;
    let mut group = |label: &str, pairs: Vec<(&str, String)>| {
        let keys = pairs.iter().map(|(k, _)| format!("{label} {k}")).collect();
        let items = pairs.into_iter().map(|(k, v)| Item::new(k, v)).collect();
        out.push((Section { label: label.into(), items, one_per_line: false }, keys));
    };
    for n in notifier_lab_core::NotifierId::ALL.into_iter().filter(|n| ns.contains(n)) {
        let rows = s.counter_rows(n);
        group(n.info().short, rows.iter().map(|r| (r.label, r.value.to_string())).collect());
    }
    let mut run = vec![("steps", s.steps.to_string())];
    if let Some(why) = &s.stopped {
        run.push(("stopped", why.clone()));
    }
    group("run", run);
    out
}

/// The summary column of one side, values that differ from the other
/// side marked `≠`.
pub fn summary_lines(w: &Walkthrough, side: Side, cols: usize) -> Vec<Line<'static>> {
    let me = &w.side(side).trace;
    let other = &w.side(side.other()).trace;
    let values = |t: &notifier_lab_core::Trace| -> BTreeMap<String, String> {
        summary_sections(t)
            .into_iter()
            .flat_map(|(sec, keys)| keys.into_iter().zip(sec.items.into_iter().map(|i| i.value)))
            .collect()
    };
    let theirs = values(other);
    let mut sections = Vec::new();
    for (mut sec, keys) in summary_sections(me) {
        for (it, k) in sec.items.iter_mut().zip(keys) {
            it.differs = theirs.get(&k) != Some(&it.value);
        }
        sections.push(sec);
    }
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{}: {} ({})", side.name(), me.semantics.id(), me.semantics.tag()), theme::FOCUS),
        Span::styled(" · whole run", theme::DIM),
    ])];
    lines.extend(flow(&sections, cols, GUTTER, theme::DIM, theme::DIFFERS));
    if me.summary.violations.is_empty() {
        lines.push(Line::from(vec![Span::styled(format!("{:<GUTTER$}", "viol."), theme::DIM), Span::raw("none")]));
    } else {
        for v in &me.summary.violations {
            for l in wrap(&format!("VIOLATION {}: {}", v.id.id(), v.message), cols, 2) {
                lines.push(Line::from(Span::styled(l, theme::VIOLATION)));
            }
        }
    }
    lines
}
