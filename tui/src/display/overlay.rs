//! Overlays drawn over the columns: help, pickers, the milestone list of
//! the goto prompt, and the summary.

use notifier_lab_core::NotifierId;
use notifier_lab_core::semantics::Semantics;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::panes::summary_lines;
use super::text::{Item, Section, flow, wrap};
use super::theme;
use crate::app::keymap::{Action, Keymap};
use crate::app::state::{Side, Walkthrough};

/// A `w`×`h` rectangle centered in `area` (clipped to it).
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

/// Clears `r` and draws a thick titled box; returns its inside.
fn boxed(f: &mut Frame, r: Rect, title: &str) -> Rect {
    let block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(theme::FOCUS)
        .title(Span::styled(format!(" {title} "), theme::FOCUS));
    let inner = block.inner(r);
    f.render_widget(Clear, r);
    f.render_widget(block, r);
    inner
}

/// Every key of the keymap table with what it does. When the full list
/// does not fit, a compact grid of `keys action` takes its place.
pub fn help(f: &mut Frame, area: Rect, keymap: &Keymap) {
    let width = area.width.min(100);
    let cols = usize::from(width.saturating_sub(2));
    let rows: Vec<(String, Action)> = Action::ALL
        .into_iter()
        .map(|a| (keymap.keys(a).iter().map(|k| k.to_string()).collect::<Vec<_>>().join("/"), a))
        .collect();
    let extra = [
        "pickers: ↑/↓ or j/k move, Space toggles a notifier, Enter applies, Esc cancels",
        "goto: type a step number or part of a milestone name (pte-set), Enter",
        "mouse: click a listing line to run that side to it; the wheel scrolls the event log",
        "state: yellow = changed by the last step; ≠ = differs from the other side at the same milestone",
    ];
    let key_w = rows.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0) + 2;
    let mut lines: Vec<Line<'static>> = Vec::new();
    // One line per action when they all fit, else a compact grid; the notes
    // follow as far as there is room.
    if rows.len() + 2 <= usize::from(area.height) && cols >= key_w + 30 {
        for (k, a) in &rows {
            lines.push(Line::from(vec![
                Span::styled(format!("{k:<key_w$}"), theme::FOCUS),
                Span::raw(super::text::truncate_right(&a.describe(), cols.saturating_sub(key_w))),
            ]));
        }
    } else {
        let items = rows
            .iter()
            .map(|(k, a)| {
                let mut it = Item::new("", format!("{k} {}", a.short()));
                it.style = theme::FOCUS;
                it
            })
            .collect();
        lines = flow(&[Section { label: String::new(), items, one_per_line: false }], cols, 0, theme::DIM, theme::DIM);
        lines.retain(|l| !l.to_string().is_empty());
    }
    for e in extra {
        lines.extend(wrap(e, cols, 2).into_iter().map(|l| Line::from(Span::styled(l, theme::DIM))));
    }
    let r = centered(area, width, lines.len() as u16 + 2);
    let inner = boxed(f, r, &format!("keys ({} keymap; K switches)", keymap.name));
    f.render_widget(Paragraph::new(lines), inner);
}

/// The scenario list with the highlighted one's description.
pub fn scenario_picker(f: &mut Frame, area: Rect, w: &Walkthrough, selected: usize) {
    let r = centered(area, 90, (w.scenarios.len() as u16 + 8).max(12));
    let inner = boxed(f, r, "scenario (Enter chooses, Esc cancels)");
    let cols = usize::from(inner.width);
    let mut lines = Vec::new();
    for (i, s) in w.scenarios.iter().enumerate() {
        let mark = if i == w.scenario { "*" } else { " " };
        let text = super::text::truncate_right(&format!("{mark}{} {:<7} {}", i + 1, s.name, s.title), cols);
        lines.push(if i == selected {
            Line::from(Span::styled(format!("{text:<cols$}"), theme::CURRENT))
        } else {
            Line::from(text)
        });
    }
    lines.push(Line::from(""));
    if let Some(s) = w.scenarios.get(selected) {
        for l in wrap(&s.description, cols, 0) {
            lines.push(Line::from(Span::styled(l, theme::DIM)));
        }
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// Tick boxes for each notifier, with the highlighted one's description.
pub fn notifier_picker(f: &mut Frame, area: Rect, selected: usize, chosen: &[bool], sem: Semantics) {
    let r = centered(area, 90, 14);
    let inner = boxed(f, r, "notifiers (Space toggles, Enter applies)");
    let cols = usize::from(inner.width);
    let mut lines = Vec::new();
    for (i, n) in NotifierId::ALL.iter().enumerate() {
        let ops: Vec<&str> = if n.exists_at(sem) {
            n.ops(sem).list().iter().map(|c| c.id()).collect()
        } else {
            vec!["(does not exist at this tag)"]
        };
        let text = super::text::truncate_right(
            &format!("[{}] {:<13} {}", if chosen[i] { "x" } else { " " }, n.id(), ops.join(", ")),
            cols,
        );
        lines.push(if i == selected {
            Line::from(Span::styled(format!("{text:<cols$}"), theme::CURRENT))
        } else {
            Line::from(text)
        });
    }
    lines.push(Line::from(""));
    if let Some(n) = NotifierId::ALL.get(selected) {
        for l in wrap(n.describe(), cols, 0) {
            lines.push(Line::from(Span::styled(l, theme::DIM)));
        }
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// The aligned milestones with each side's step, shown while the goto
/// prompt is open so the names need not be remembered.
pub fn milestones(f: &mut Frame, area: Rect, w: &Walkthrough) {
    let r = centered(area, 72, w.rows.len() as u16 + 2);
    let inner = boxed(f, r, "milestones (left step / right step)");
    let name_w = w.rows.iter().map(|r| r.milestone.chars().count()).max().unwrap_or(0) + 2;
    let step = |s: Option<usize>| s.map(|s| s.to_string()).unwrap_or_else(|| "-".into());
    let lines: Vec<Line> = w
        .rows
        .iter()
        .map(|r| {
            let reached =
                r.left_step.is_some_and(|s| s <= w.left.pos) && r.right_step.is_some_and(|s| s <= w.right.pos);
            Line::from(Span::styled(
                format!("{:<name_w$}{:>5} {:>5}", r.milestone, step(r.left_step), step(r.right_step)),
                if reached { theme::DIM } else { Style::new() },
            ))
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

/// Per-side summary of both whole runs.
pub fn summary(f: &mut Frame, area: Rect, w: &Walkthrough) {
    let half = area.width.saturating_sub(2) / 2;
    let widths = [half.saturating_sub(1), area.width.saturating_sub(2).saturating_sub(half)];
    let lines: Vec<Vec<Line<'static>>> =
        Side::BOTH.iter().zip(widths).map(|(s, wd)| summary_lines(w, *s, usize::from(wd))).collect();
    let h = lines.iter().map(Vec::len).max().unwrap_or(0) as u16 + 2;
    let r = Rect { height: h.min(area.height), ..area };
    let inner =
        boxed(f, r, "summary · (PTL n) = calls under the PT lock · ≠ differs from the other side · S/Esc closes");
    if inner.width < 4 || inner.height == 0 {
        return;
    }
    for (i, lines) in lines.into_iter().enumerate() {
        let x = inner.x + if i == 0 { 0 } else { half };
        let width = widths[i].min(inner.right().saturating_sub(x));
        let r = Rect { x, width, ..inner };
        f.render_widget(Paragraph::new(lines).style(Style::new().remove_modifier(Modifier::DIM)), r);
    }
}
