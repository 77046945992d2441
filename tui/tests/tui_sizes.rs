//! Any terminal size works: every width 1..=200 at a set of heights and
//! every height 1..=60 at a set of widths, in the normal view and in every
//! overlay. Nothing may panic and no frame is blank; below the minimum the
//! "enlarge" message is drawn, at or above it the walkthrough is.

use notifier_lab_core::walk::Side;
use notifier_lab_tui::app::input::handle_key;
use notifier_lab_tui::app::keymap::{Key, Keymap};
use notifier_lab_tui::app::state::{Mode, Walkthrough};
use notifier_lab_tui::display::{MIN_HEIGHT, MIN_WIDTH, render_to_string};

fn sizes() -> Vec<(u16, u16)> {
    let mut v = Vec::new();
    for h in [1, 2, 5, 10, 16, 24, 48, 60] {
        for w in 1..=200 {
            v.push((w, h));
        }
    }
    for w in [1, 10, 60, 80, 200] {
        for h in 1..=60 {
            v.push((w, h));
        }
    }
    v
}

fn check(w: &Walkthrough, km: &Keymap, what: &str, every: usize) {
    for (i, (wd, ht)) in sizes().into_iter().enumerate() {
        // Overlays are swept on every `every`-th size to keep the test fast;
        // the normal view on all of them.
        if i % every != 0 && !(wd == MIN_WIDTH || ht == MIN_HEIGHT) {
            continue;
        }
        let text = render_to_string(w, km, wd, ht);
        assert!(text.chars().any(|c| !c.is_whitespace()), "{what} {wd}x{ht}: blank frame");
        let small = wd < MIN_WIDTH || ht < MIN_HEIGHT;
        if small {
            if wd >= 12 && ht >= 4 {
                assert!(text.contains("enlarge"), "{what} {wd}x{ht}:\n{text}");
            }
        } else {
            assert!(text.contains("notifier-lab"), "{what} {wd}x{ht}:\n{text}");
        }
    }
}

#[test]
fn normal_view_every_size() {
    let mut km = Keymap::default_preset();
    let mut w = Walkthrough::new_default();
    check(&w, &km, "start", 1);
    // Mid-run, inside a callback, with a long event log.
    for k in ['n', 'n', 's', 's', 's', 'n', 'n'] {
        handle_key(&mut w, &mut km, Key::Char(k));
    }
    // ratatui is slow without optimizations (a few ms per large frame), so
    // the second state takes every other size.
    check(&w, &km, "mid-run", 2);
    let text = render_to_string(&w, &km, MIN_WIDTH, MIN_HEIGHT);
    assert!(text.contains("step "), "the minimum size shows the walkthrough:\n{text}");
}

#[test]
fn mappings_and_timeline_panes_every_size() {
    let mut km = Keymap::default_preset();
    let mut w = Walkthrough::new_default();
    for k in ['n', 'n', 's', 's', 'm', 't'] {
        handle_key(&mut w, &mut km, Key::Char(k));
    }
    assert!(w.show_mappings && w.show_timeline);
    check(&w, &km, "mappings and timeline", 2);
    // Where they fit, both panes are drawn with their titles.
    for (wd, ht) in [(80, 24), (120, 36), (200, 60)] {
        let text = render_to_string(&w, &km, wd, ht);
        assert!(text.contains(" mappings") && text.contains(" timeline ·"), "{wd}x{ht}:\n{text}");
    }
}

#[test]
fn overlays_every_size() {
    let scripts: [(&str, &[Key]); 6] = [
        ("help", &[Key::Char('?')]),
        ("scenario picker", &[Key::Char('c')]),
        ("notifier picker", &[Key::Char('N')]),
        ("goto", &[Key::Char('g'), Key::Char('z'), Key::Enter]),
        ("summary", &[Key::Char('r')]),
        ("vim help", &[Key::Char('K'), Key::Char('?')]),
    ];
    for (what, keys) in scripts {
        let mut km = Keymap::default_preset();
        let mut w = Walkthrough::new_default();
        for k in keys {
            handle_key(&mut w, &mut km, *k);
        }
        check(&w, &km, what, 9);
    }
}

/// A no-panic sweep over a pseudo-random key walk that also checks every
/// frame still shows the walkthrough: the status bar always, both column
/// titles (side, and semantics where there is room) when no overlay covers
/// them.
#[test]
fn random_key_walk_never_panics_and_keeps_the_walkthrough_on_screen() {
    let keys = [
        Key::Char('n'),
        Key::Char('s'),
        Key::Char('f'),
        Key::Char('b'),
        Key::Char(']'),
        Key::Tab,
        Key::Char('N'),
        Key::Char(' '),
        Key::Enter,
        Key::Char('c'),
        Key::Down,
        Key::Char('S'),
        Key::Esc,
        Key::Char('r'),
        Key::Char('R'),
        Key::Char('m'),
        Key::Char('t'),
    ];
    let mut w = Walkthrough::new_default();
    let mut km = Keymap::default_preset();
    let mut seed: u64 = 42;
    let mut normal = 0;
    for i in 0..150 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        handle_key(&mut w, &mut km, keys[(seed >> 33) as usize % keys.len()]);
        let (wd, ht) = [(80, 24), (60, 16), (120, 36)][i % 3];
        let text = render_to_string(&w, &km, wd, ht);
        assert!(text.contains("notifier-lab"), "step {i} at {wd}x{ht}:\n{text}");
        // At 60 columns the step counter may cut the semantics id short
        // (`right: origina step 0/85`), so there only the side is checked.
        if w.mode == Mode::Normal {
            normal += 1;
            for side in Side::BOTH {
                let id = if wd >= 80 { w.side(side).semantics.id() } else { "" };
                let title = format!("{}: {id}", side.name());
                assert!(text.contains(&title), "step {i} at {wd}x{ht}: no `{title}`:\n{text}");
            }
        }
    }
    assert!(normal >= 30, "only {normal} of 150 frames without an overlay: the title check hardly ran");
}
