//! Mouse: a click on a listing line runs that side to the statement; the
//! wheel scrolls the event log of the column under the pointer. Hit areas
//! come from a real frame, as in the event loop.

use notifier_lab_tui::app::input::{Mouse, handle_mouse};
use notifier_lab_tui::app::keymap::Keymap;
use notifier_lab_tui::app::state::{Side, Walkthrough};
use notifier_lab_tui::display::{self, Hits};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn frame(w: &Walkthrough) -> Hits {
    let km = Keymap::default_preset();
    let mut t = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let mut hits = Hits::default();
    t.draw(|f| hits = display::draw(f, w, &km)).unwrap();
    hits
}

#[test]
fn click_runs_to_the_statement_and_focuses_the_column() {
    let mut w = Walkthrough::new_default();
    w.goto("write_protect_page:ptl-taken").unwrap();
    let hits = frame(&w);
    // Click the right column's `set_pte_at_notify` line.
    let l = hits.listing[1].expect("right listing drawn");
    let f = w.right.shown_step().unwrap().function;
    let pc = f.body.iter().position(|s| s.code.contains("set_pte_at_notify")).unwrap();
    assert!(pc >= l.first && pc - l.first < usize::from(l.area.height), "line visible");
    let y = l.area.y + (pc - l.first) as u16;
    handle_mouse(&mut w, &hits, Mouse::Click(l.area.x + 3, y));
    assert_eq!(w.focus, Side::Right);
    let next = w.right.next_step().unwrap();
    assert!(std::ptr::eq(next.function, f) && next.pc == pc, "right stops before the clicked statement");
    // The left side followed to a consistent place (not behind a milestone
    // the right side passed).
    for p in w.sync_points() {
        assert!(!(w.right.pos > p.right && w.left.pos < p.left));
    }
}

#[test]
fn click_below_the_listing_does_nothing_and_wheel_scrolls_the_log() {
    let mut w = Walkthrough::new_default();
    w.next();
    w.next();
    let hits = frame(&w);
    let before = (w.left.pos, w.right.pos);
    let col = hits.columns[0].unwrap();
    // The bottom border row is no listing line.
    handle_mouse(&mut w, &hits, Mouse::Click(col.x + 2, col.bottom() - 1));
    assert_eq!((w.left.pos, w.right.pos), before);
    handle_mouse(&mut w, &hits, Mouse::ScrollUp(col.x + 2, col.bottom() - 2));
    assert_eq!(w.log_scroll(Side::Left), 3);
    assert_eq!(w.log_scroll(Side::Right), 0);
    handle_mouse(&mut w, &hits, Mouse::ScrollDown(col.x + 2, col.bottom() - 2));
    assert_eq!(w.log_scroll(Side::Left), 0);
}
