//! Drawing. Everything here reads a [`Walkthrough`] and writes a ratatui
//! frame; nothing here changes state. The one thing drawing hands back is
//! [`Hits`]: where listings and columns landed, so the event loop can map
//! a mouse click to a statement without recomputing the layout.

mod column;
mod overlay;
mod panes;
pub mod text;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::keymap::{Action, Keymap};
use crate::app::state::{Mode, Side, Walkthrough};

/// Smallest terminal the walkthrough draws into: two 30-cell columns and
/// room for a few listing, state and log lines. Below it a centered
/// "enlarge the terminal" message is drawn instead.
pub const MIN_WIDTH: u16 = 60;
/// See [`MIN_WIDTH`].
pub const MIN_HEIGHT: u16 = 16;

/// Where a listing was drawn: row `area.y + i` shows statement `first + i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListingHit {
    /// Cells of the statement lines.
    pub area: Rect,
    /// Statement index drawn on the first row.
    pub first: usize,
    /// Statements in the function.
    pub len: usize,
}

/// What the last frame drew where (index 0 = left, 1 = right).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hits {
    /// Listing areas.
    pub listing: [Option<ListingHit>; 2],
    /// Whole column areas.
    pub columns: [Option<Rect>; 2],
}

/// The palette, in one place so the look stays consistent.
pub(crate) mod theme {
    use ratatui::style::{Color, Modifier, Style};

    pub const DIM: Style = Style::new().fg(Color::Gray).add_modifier(Modifier::DIM);
    pub const TITLE: Style = Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD);
    pub const FOCUS: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
    pub const CURRENT: Style = Style::new().fg(Color::Black).bg(Color::Yellow).add_modifier(Modifier::BOLD);
    pub const CHANGED: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
    pub const DIFFERS: Style = Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD);
    pub const RUNNING: Style = Style::new().fg(Color::Green).add_modifier(Modifier::BOLD);
    pub const VIOLATION: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
    pub const WAITING: Style = Style::new().fg(Color::Yellow);
    pub const MILESTONE: Style = Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD);
}

/// Draws the whole screen.
pub fn draw(f: &mut Frame, w: &Walkthrough, keymap: &Keymap) -> Hits {
    let area = f.area();
    let mut hits = Hits::default();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(f, area);
        return hits;
    }
    let [title, body, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    title_bar(f, title, w);
    let [left, right] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(body);
    let inner = |r: Rect| ratatui::widgets::Block::bordered().inner(r);
    let heights = column::plan(w, [inner(left), inner(right)]);
    for (i, (side, rect)) in [(Side::Left, left), (Side::Right, right)].into_iter().enumerate() {
        hits.columns[i] = Some(rect);
        hits.listing[i] = column::draw(f, rect, w, side, heights);
    }
    status_bar(f, status, w, keymap);
    match &w.mode {
        Mode::Normal => {}
        Mode::Help => overlay::help(f, body, keymap),
        Mode::ScenarioPicker { selected } => overlay::scenario_picker(f, body, w, *selected),
        Mode::NotifierPicker { selected, chosen } => {
            overlay::notifier_picker(f, body, *selected, chosen, w.walk.side(w.focus).semantics)
        }
        Mode::Goto { .. } => overlay::milestones(f, body, w),
        Mode::Summary => overlay::summary(f, body, w),
    }
    hits
}

/// The message drawn instead of the walkthrough when the terminal is too
/// small; it wraps and centers itself in whatever space there is.
fn too_small(f: &mut Frame, area: Rect) {
    let msg = format!(
        "enlarge the terminal (need at least {MIN_WIDTH}x{MIN_HEIGHT}, have {}x{}) - q quits",
        area.width, area.height
    );
    let lines = text::wrap(&msg, usize::from(area.width), 0);
    let h = (lines.len() as u16).min(area.height);
    let y = area.y + (area.height - h) / 2;
    let lines: Vec<Line> = lines.into_iter().map(|l| Line::from(l).centered()).collect();
    f.render_widget(
        Paragraph::new(lines).style(Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)),
        Rect { x: area.x, y, width: area.width, height: h },
    );
}

fn title_bar(f: &mut Frame, area: Rect, w: &Walkthrough) {
    let s = w.current_scenario();
    let ids: Vec<&str> = w.notifiers.iter().map(|n| n.id()).collect();
    let mut spans = vec![
        Span::styled(" notifier-lab ", theme::TITLE),
        Span::raw(" "),
        Span::styled(s.name.clone(), Style::new().add_modifier(Modifier::BOLD)),
        Span::raw(format!(": {}", s.title)),
        Span::styled("  notifiers ", theme::DIM),
        Span::raw(if ids.is_empty() { "none".to_string() } else { ids.join(",") }),
    ];
    if let Some(m) = w.common_milestone() {
        spans.push(Span::styled("  both at ", theme::DIM));
        spans.push(Span::styled(m, theme::MILESTONE));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn status_bar(f: &mut Frame, area: Rect, w: &Walkthrough, keymap: &Keymap) {
    let line = match &w.mode {
        Mode::Goto { input, error } => {
            let mut spans = vec![
                Span::styled(" go to (step number or milestone): ", theme::FOCUS),
                Span::raw(input.clone()),
                Span::styled("_", Style::new().add_modifier(Modifier::SLOW_BLINK)),
            ];
            if let Some(e) = error {
                spans.push(Span::styled(format!("  {e}"), theme::VIOLATION));
            }
            Line::from(spans)
        }
        Mode::Help => Line::from(Span::styled(" Esc, ? or q closes the help", theme::DIM)),
        Mode::ScenarioPicker { .. } | Mode::NotifierPicker { .. } => {
            Line::from(Span::styled(" ↑/↓ (j/k) move · Space toggles · Enter applies · Esc cancels", theme::DIM))
        }
        _ => match &w.message {
            Some(m) => Line::from(Span::styled(format!(" {m}"), theme::WAITING)),
            None => hint_line(keymap),
        },
    };
    f.render_widget(Paragraph::new(line), area);
}

/// `n next  s into ...`, first key of each action, from the keymap table.
fn hint_line(keymap: &Keymap) -> Line<'static> {
    // Everything but log scrolling and the keymap switch (see `?` for those).
    let shown = Action::ALL
        .into_iter()
        .filter(|a| !matches!(a, Action::ScrollLogUp | Action::ScrollLogDown | Action::SwitchKeymap));
    let mut spans = vec![Span::raw(" ")];
    for a in shown {
        if let Some(k) = keymap.keys(a).first() {
            spans.push(Span::styled(k.to_string(), theme::FOCUS));
            spans.push(Span::styled(format!(" {}  ", a.short()), theme::DIM));
        }
    }
    Line::from(spans)
}

/// The text of a buffer, one line per row, trailing blanks trimmed (what
/// snapshots and the size sweep look at).
pub fn buffer_to_string(buf: &Buffer) -> String {
    let a = buf.area;
    let mut out = String::new();
    for y in a.top()..a.bottom() {
        let mut line = String::new();
        for x in a.left()..a.right() {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Draws `w` into an off-screen `width`×`height` terminal and returns the
/// buffer (used by the snapshot tests, the size sweep and the benchmark).
pub fn render_buffer(w: &Walkthrough, keymap: &Keymap, width: u16, height: u16) -> Buffer {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height))
        .expect("the test backend cannot fail");
    t.draw(|f| {
        draw(f, w, keymap);
    })
    .expect("the test backend cannot fail");
    t.backend().buffer().clone()
}

/// [`render_buffer`] as text (see [`buffer_to_string`]).
pub fn render_to_string(w: &Walkthrough, keymap: &Keymap, width: u16, height: u16) -> String {
    buffer_to_string(&render_buffer(w, keymap, width, height))
}
