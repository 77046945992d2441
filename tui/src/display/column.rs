//! One column: header (position, breadcrumb, citation), the listing of the
//! current frame, the state pane and the event log.

use notifier_lab_core::present;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};

use super::text::{truncate_left, truncate_right, width};
use super::{ListingHit, panes, theme};
use crate::app::state::{Side, SideRun, Walkthrough};

/// Lines of the three panes of a column (each includes its title line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heights {
    /// Listing pane.
    pub listing: u16,
    /// State pane.
    pub state: u16,
    /// Event log.
    pub events: u16,
    /// The `mappings` pane (0: hidden or no room).
    pub mappings: u16,
    /// The `timeline` pane (0: hidden or no room).
    pub timeline: u16,
}

/// Lines a column's header takes.
const HEADER: u16 = 3;

/// Splits the body of the columns the same way on both sides (so the
/// panes line up across the columns). Priorities when space is short: a
/// few lines of each pane, then the whole state pane (the point of the
/// walkthrough), then the whole listing; the event log gets the rest.
pub fn plan(w: &Walkthrough, inner: [Rect; 2]) -> Heights {
    let h = inner[0].height.min(inner[1].height);
    let avail = h.saturating_sub(HEADER);
    // The toggled panes (`m`, `t`) come out of the space first, but take at
    // most half of it; each needs its title and one line to be drawn.
    let want = |lines: &dyn Fn(Side, usize) -> usize| {
        Side::BOTH.iter().zip(inner).map(|(s, r)| lines(*s, usize::from(r.width)) as u16 + 1).max().unwrap_or(1)
    };
    let mut budget = avail / 2;
    let mut take = |on: bool, want: u16| {
        let n = if on { want.min(budget) } else { 0 };
        let n = if n < 2 { 0 } else { n };
        budget -= n;
        n
    };
    let timeline =
        take(w.show_timeline, if w.show_timeline { want(&|s, c| panes::timeline_lines(w, s, c).len()) } else { 0 });
    let mappings =
        take(w.show_mappings, if w.show_mappings { want(&|s, c| panes::mapping_lines(w, s, c).len()) } else { 0 });
    let mut heights = plan_main(w, inner, avail - timeline - mappings);
    heights.timeline = timeline;
    heights.mappings = mappings;
    heights
}

fn plan_main(w: &Walkthrough, inner: [Rect; 2], avail: u16) -> Heights {
    let state_want = Side::BOTH
        .iter()
        .zip(inner)
        .map(|(s, r)| panes::state_lines(w, *s, usize::from(r.width)).len() as u16 + 1)
        .max()
        .unwrap_or(1);
    let listing_want = Side::BOTH
        .iter()
        .map(|s| w.side(*s).shown_step().map(|st| st.function.body.len()).unwrap_or(0) as u16 + 1)
        .max()
        .unwrap_or(1);
    let events_min = (avail / 5).clamp(3, 8);
    let listing_min = 4u16;
    if avail < events_min + listing_min + 3 {
        // Tiny: thirds, listing first.
        let events = (avail / 3).min(avail);
        let state = (avail / 3).min(avail - events);
        return Heights { listing: avail - events - state, state, events, mappings: 0, timeline: 0 };
    }
    let state = state_want.min(avail - events_min - listing_min).max(3);
    let listing = listing_want.clamp(listing_min, avail - events_min - state);
    Heights { listing, state, events: avail - state - listing, mappings: 0, timeline: 0 }
}

/// Draws `side` into `area` with pane heights `heights`; returns where
/// its listing went.
pub fn draw(f: &mut Frame, area: Rect, w: &Walkthrough, side: Side, heights: Heights) -> Option<ListingHit> {
    let s = w.side(side);
    let block = block(w, side, area.width);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return None;
    }
    let cols = usize::from(inner.width);

    let header = header_lines(w, side, s, cols);
    let hh = HEADER.min(inner.height);
    f.render_widget(Paragraph::new(header), Rect { height: hh, ..inner });
    let avail = inner.height - hh;
    let Heights { listing: lh, state: sh, events: eh, mappings: mh, timeline: th } = heights;
    if lh + sh + eh + mh + th > avail {
        return None;
    }
    let y0 = inner.y + hh;
    let listing_area = Rect { y: y0, height: lh, ..inner };
    let state_area = Rect { y: y0 + lh, height: sh, ..inner };
    let events_area = Rect { y: y0 + lh + sh, height: eh, ..inner };

    let hit = listing(f, listing_area, s);
    pane(f, state_area, state_title(w, side), panes::state_lines(w, side, cols), 0);
    let (title, lines) = panes::event_lines(w, side, cols);
    let body = events_area.height.saturating_sub(1);
    // The newest line stays visible unless the user scrolled up.
    let max_scroll = (lines.len() as u16).saturating_sub(body);
    let top = max_scroll - w.log_scroll(side).min(max_scroll);
    pane(f, events_area, title, lines, top);
    let mappings_area = Rect { y: y0 + lh + sh + eh, height: mh, ..inner };
    let timeline_area = Rect { y: y0 + lh + sh + eh + mh, height: th, ..inner };
    pane(f, mappings_area, panes::mapping_title(w, side), panes::mapping_lines(w, side, cols), 0);
    // The timeline's newest steps are at the right; its lanes from the top.
    pane(f, timeline_area, panes::timeline_title(w, side), panes::timeline_lines(w, side, cols), 0);
    hit
}

/// The column's border: focus shown by a thick cyan border and `▶`; when
/// the column is narrow the title drops, in turn, the kernel tag, the `▶`
/// (the border still shows focus), the word "step", and the step counter,
/// so that the side and the semantics id stay readable.
fn block(w: &Walkthrough, side: Side, width: u16) -> Block<'static> {
    let s = w.side(side);
    let focused = w.focus == side;
    let arrow = if focused { "▶ " } else { "" };
    let (name, id) = (side.name(), s.semantics.id());
    let candidates = [
        (format!(" {arrow}{name}: {id} ({}) ", s.semantics.tag()), format!(" step {}/{} ", s.pos, s.len())),
        (format!(" {arrow}{name}: {id} "), format!(" step {}/{} ", s.pos, s.len())),
        (format!(" {name}: {id} "), format!(" {}/{} ", s.pos, s.len())),
        (format!(" {name}: {id} "), String::new()),
    ];
    let fits = |(t, st): &(String, String)| t.chars().count() + st.len() + 4 <= usize::from(width);
    let last = candidates[candidates.len() - 1].clone();
    let (title, step) = candidates.into_iter().find(fits).unwrap_or(last);
    Block::bordered()
        .border_type(if focused { BorderType::Thick } else { BorderType::Plain })
        .border_style(if focused { theme::FOCUS } else { Style::new() })
        .title(Span::styled(title, if focused { theme::FOCUS } else { Style::new().add_modifier(Modifier::BOLD) }))
        .title_top(Line::from(step).right_aligned())
}

fn header_lines(w: &Walkthrough, side: Side, s: &SideRun, cols: usize) -> Vec<Line<'static>> {
    let mut status = Vec::new();
    match s.shown_step() {
        Some(st) if !s.at_end() => {
            status.push(Span::raw(format!("{} · depth {}", st.thread_kind, st.depth)));
        }
        Some(_) => status.push(Span::styled("run finished", theme::MILESTONE)),
        None => status.push(Span::raw("empty run")),
    }
    if let Some(m) = w.waiting_at(side) {
        status.push(Span::styled(format!(" · waits at {m} for {}", side.other().name()), theme::WAITING));
    } else if let Some((m, at)) = w.last_milestone(side) {
        status.push(Span::styled(format!(" · last {m} @{at}"), theme::DIM));
    }
    // Distinct violations, as the browser demo counts them.
    if let Some(v) = present::status(&w.walk, side).violations_text() {
        status.push(Span::styled(format!(" · {v}"), theme::VIOLATION));
    }

    // Breadcrumb: the call stack of the thread about to run, as it is
    // before the step (at the end: before the last step).
    let crumb = s.breadcrumb().join(" › ");

    let mut cite = Vec::new();
    if let Some(st) = s.shown_step() {
        cite.push(Span::styled(st.source().short(), Style::new().add_modifier(Modifier::UNDERLINED)));
        if let (Some(m), false) = (&st.milestone, s.at_end()) {
            cite.push(Span::styled(format!("  next: {m}"), theme::MILESTONE));
        }
    }
    vec![Line::from(status), Line::from(Span::styled(truncate_left(&crumb, cols), theme::FOCUS)), Line::from(cite)]
}

/// A pane with a one-line titled top border, its lines scrolled by `top`.
fn pane(f: &mut Frame, area: Rect, title: Line<'static>, lines: Vec<Line<'static>>, top: u16) {
    if area.height == 0 {
        return;
    }
    let block = Block::new().borders(Borders::TOP).border_style(theme::DIM).title(title);
    f.render_widget(Paragraph::new(lines).scroll((top, 0)).block(block), area);
}

fn state_title(w: &Walkthrough, side: Side) -> Line<'static> {
    let mut spans = vec![Span::styled(" state", Style::new().add_modifier(Modifier::BOLD)), Span::raw(" · ")];
    spans.push(Span::styled("changed", theme::CHANGED));
    if let Some(m) = w.common_milestone() {
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(format!("≠ {} at {m}", side.other().name()), theme::DIFFERS));
    }
    spans.push(Span::raw(" "));
    Line::from(spans)
}

/// The listing of the frame about to run, current statement highlighted,
/// scrolled so that it sits in the upper third.
fn listing(f: &mut Frame, area: Rect, s: &SideRun) -> Option<ListingHit> {
    let st = s.shown_step()?;
    let func = st.function;
    let cols = usize::from(area.width);
    let head = func.head();
    let title = Line::from(vec![
        Span::styled(format!(" {} ", func.name), Style::new().add_modifier(Modifier::BOLD)),
        Span::styled(format!("{} ", head.place()), theme::DIM),
    ]);
    let body_h = usize::from(area.height.saturating_sub(1));
    let len = func.body.len();
    let cur = st.pc;
    let first = cur.saturating_sub(body_h / 3).min(len.saturating_sub(body_h));
    let num_w = func.body.iter().map(|b| b.line.to_string().len()).max().unwrap_or(1);
    let done = s.at_end();
    let lines: Vec<Line<'static>> = func.body[first.min(len)..]
        .iter()
        .enumerate()
        .take(body_h)
        .map(|(i, stmt)| {
            let pc = first + i;
            let marker = match (pc == cur, done) {
                (true, false) => "▶",
                (true, true) => "■",
                _ => " ",
            };
            let text = format!("{marker}{:>num_w$} {}", stmt.line, stmt.code);
            let text = truncate_right(&text, cols);
            if pc == cur {
                // Pad so the highlight spans the column.
                let pad = cols.saturating_sub(width(&text));
                Line::from(Span::styled(format!("{text}{}", " ".repeat(pad)), theme::CURRENT))
            } else if stmt.milestone.is_some() {
                Line::from(Span::styled(text, Style::new().fg(ratatui::style::Color::Blue)))
            } else {
                Line::from(text)
            }
        })
        .collect();
    let block = Block::new().borders(Borders::TOP).border_style(theme::DIM).title(title);
    f.render_widget(Paragraph::new(lines).block(block), area);
    (area.height > 1).then(|| ListingHit { area: Rect { y: area.y + 1, height: area.height - 1, ..area }, first, len })
}
