//! The state pane, the event log and the summary of one column: the
//! core's presentation model ([`notifier_lab_core::present`]) with the
//! terminal's styles, short labels for narrow columns, and layout.

use notifier_lab_core::present::{self, EventKind, SectionKind};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::text::{Item, Section, flow, wrap};
use super::theme;
use crate::app::state::{Side, Walkthrough};

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
    // Narrow columns get short labels and a one-line notifier list so the
    // secondary MMUs and pages still fit an 80x24 terminal.
    let compact = cols < 60;
    let styled = |i: &present::Item, label: String| -> Item {
        let mut it = Item::new(label, i.value.clone());
        if i.changed {
            it.style = theme::CHANGED;
        }
        if i.running {
            it.style = theme::RUNNING;
        }
        it.differs = i.differs;
        it
    };
    let mut sections = Vec::new();
    for sec in present::state(&w.walk, side) {
        let mut items = Vec::new();
        let mut one_per_line = false;
        match sec.kind {
            SectionKind::Mm => {
                for i in &sec.items {
                    match i.key.as_str() {
                        "ptl" if compact => {
                            let mut it = styled(i, "PTL".into());
                            it.value = it.value.replace(" since step ", " @");
                            items.push(it);
                        }
                        "mmap_sem" if compact => {}
                        _ => items.push(styled(i, i.label.clone())),
                    }
                }
            }
            SectionKind::NotifierList => {
                one_per_line = !compact;
                for i in &sec.items {
                    let mut it = styled(i, i.label.clone());
                    if !i.ops.is_empty() {
                        let ops: Vec<String> =
                            i.ops.iter().map(|c| if compact { initials(c.id()) } else { short_cb(c.id()) }).collect();
                        it.value = ops.join(if compact { " " } else { "," });
                    }
                    items.push(it);
                }
            }
            SectionKind::Secondary(_) => {
                for i in &sec.items {
                    items.push(styled(i, if compact { short_label(&i.label) } else { i.label.clone() }));
                }
            }
            SectionKind::Pages => {
                // A page's value is split before its flags so that narrow
                // columns wrap it instead of cutting the flags off.
                for i in &sec.items {
                    let it = styled(i, i.label.clone());
                    match it.value.split_once(" [") {
                        Some((head, tail)) => {
                            items.push(Item { value: head.to_string(), newline: true, ..it.clone() });
                            items.push(Item { label: String::new(), value: format!("[{tail}"), differs: false, ..it });
                        }
                        None => items.push(Item { newline: true, ..it }),
                    }
                }
            }
        }
        sections.push(Section { label: sec.short.into(), items, one_per_line });
    }
    flow(&sections, cols, GUTTER, theme::DIM, theme::DIFFERS)
}

/// The event log: title and lines for the steps the last move executed
/// (or the last step after moving back), newest last.
pub fn event_lines(w: &Walkthrough, side: Side, cols: usize) -> (Line<'static>, Vec<Line<'static>>) {
    let log = present::log(&w.walk, side);
    let title =
        Line::from(Span::styled(format!(" events · {} ", log.title), Style::new().add_modifier(Modifier::BOLD)));
    let mut lines = Vec::new();
    for st in &log.steps {
        let head = format!("{:>3} {}", st.index, st.head);
        lines.push(Line::from(Span::styled(super::text::truncate_right(&head, cols), theme::DIM)));
        if st.events.is_empty() {
            lines.push(Line::from(Span::styled("    (no tracked state changed)", theme::DIM)));
        }
        for e in &st.events {
            let style = match e.kind {
                EventKind::Violation => theme::VIOLATION,
                EventKind::Callback => theme::RUNNING,
                EventKind::Plain => Style::new(),
            };
            for l in wrap(&format!("  - {}", e.text), cols, 4) {
                lines.push(Line::from(Span::styled(l, style)));
            }
            if let Some(rule) = e.rule {
                // The rule, in plain language, under the instance.
                for l in wrap(&format!("    rule: {rule}"), cols, 6) {
                    lines.push(Line::from(Span::styled(l, theme::VIOLATION.remove_modifier(Modifier::BOLD))));
                }
            }
        }
    }
    (title, lines)
}

/// The summary column of one side, values that differ from the other
/// side marked `≠`.
pub fn summary_lines(w: &Walkthrough, side: Side, cols: usize) -> Vec<Line<'static>> {
    let me = &w.side(side).trace;
    let mut sections = Vec::new();
    for g in present::summary(&w.walk, side) {
        let calls = g.title.starts_with("calls");
        let items = g
            .rows
            .iter()
            .filter(|r| r.key != "run violations")
            .map(|r| {
                // Calls: one callback per line, so the two halves line up
                // row by row; `(PTL n)` instead of `(under PT lock n)`.
                let (label, value) = if calls {
                    (short_cb(&r.label), r.value.replace("(under PT lock ", "(PTL "))
                } else {
                    (r.label.clone(), r.value.clone())
                };
                let mut it = Item::new(label, value);
                it.differs = r.differs;
                it
            })
            .collect();
        sections.push(Section { label: g.short, items, one_per_line: calls });
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

/// The `mappings` pane of `side`: the core's mapping diagram as rows
/// (`from → to`), a violating mapping in the violation colour with its
/// reason on the next line, what the last move changed marked.
pub fn mapping_lines(w: &Walkthrough, side: Side, cols: usize) -> Vec<Line<'static>> {
    use notifier_lab_core::diagram;
    let d = diagram::of_side(&w.walk, side);
    let mut out = Vec::new();
    for r in d.rows() {
        let style = if r.class.is_violation() {
            theme::VIOLATION
        } else if r.changed {
            theme::CHANGED
        } else if r.class == diagram::Class::None {
            theme::DIM
        } else {
            Style::new()
        };
        let arrow = if r.from == "locks" { ": " } else { " → " };
        let mark = if r.class.is_violation() { "✗ " } else { "" };
        let text = super::text::truncate_right(&format!("{mark}{}{arrow}{}", r.from, r.to), cols);
        out.push(Line::from(Span::styled(text, style)));
        if let Some(n) = r.note {
            out.push(Line::from(Span::styled(super::text::truncate_right(&format!("  {n}"), cols), theme::VIOLATION)));
        }
    }
    out
}

/// The `mappings` pane's title.
pub fn mapping_title(w: &Walkthrough, side: Side) -> Line<'static> {
    let d = notifier_lab_core::diagram::of_side(&w.walk, side);
    let bad = d.violations().count();
    let mut spans = vec![Span::styled(" mappings", Style::new().add_modifier(Modifier::BOLD))];
    if bad > 0 {
        spans.push(Span::styled(format!(" · {bad} wrong "), theme::VIOLATION));
    } else {
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}

/// The `timeline` pane of `side`: a lane per thread, one cell per
/// executed step (the newest that fit), `!` the violating step.
pub fn timeline_lines(w: &Walkthrough, side: Side, cols: usize) -> Vec<Line<'static>> {
    let t = notifier_lab_core::timeline::of_side(&w.walk, side);
    t.lines(cols)
        .into_iter()
        .map(|l| {
            let (name, marks) = l.split_once(' ').unwrap_or((l.as_str(), ""));
            let mut spans = vec![Span::styled(format!("{name} "), theme::FOCUS)];
            for c in marks.chars() {
                spans.push(match c {
                    '!' => Span::styled("!", theme::VIOLATION),
                    '◆' => Span::styled("◆", theme::MILESTONE),
                    '·' => Span::styled("·", theme::DIM),
                    ' ' => Span::raw(" "),
                    c => Span::raw(c.to_string()),
                });
            }
            Line::from(spans)
        })
        .collect()
}

/// The `timeline` pane's title: steps and context switches.
pub fn timeline_title(w: &Walkthrough, side: Side) -> Line<'static> {
    let t = notifier_lab_core::timeline::of_side(&w.walk, side);
    Line::from(vec![
        Span::styled(" timeline", Style::new().add_modifier(Modifier::BOLD)),
        Span::styled(
            format!(
                " · {} steps, {} switch{} ",
                t.marks.len(),
                t.switches(),
                if t.switches() == 1 { "" } else { "es" }
            ),
            theme::DIM,
        ),
    ])
}
