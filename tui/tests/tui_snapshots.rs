//! Snapshots of key frames (ratatui `TestBackend`, buffer as text): each
//! built-in scenario at 80x24 and 160x48, a scripted key sequence, the
//! overlays, and the too-small message. With `CI=true` a missing snapshot
//! fails; review changes by reading the `.snap` files.

use notifier_lab_core::notifier::UserEvent;
use notifier_lab_core::scenario::BUILTIN;
use notifier_lab_core::users::kvm::KvmEvent;
use notifier_lab_core::{Event, NotifierId, Scenario, Semantics};
use notifier_lab_tui::app::input::{Control, handle_key};
use notifier_lab_tui::app::keymap::{Key, Keymap};
use notifier_lab_tui::app::state::{Mode, Side, Walkthrough};
use notifier_lab_tui::display::{self, render_buffer, render_to_string};
use ratatui::style::Color;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn walkthrough(scenario: &str) -> Walkthrough {
    let all = Scenario::all_builtin();
    let i = all.iter().position(|s| s.name == scenario).expect("built-in scenario");
    Walkthrough::new(all, i, Semantics::Wrapped, Semantics::Patched, &NotifierId::DEFAULT)
}

fn press(w: &mut Walkthrough, km: &mut Keymap, keys: &[Key]) {
    for k in keys {
        assert_eq!(handle_key(w, km, *k), Control::Continue, "{k} quit");
    }
}

/// Steps into the first notifier callback after the `pte-set` milestone:
/// the moment `change_pte` (or its absence) is the story.
fn at_first_callback_after_pte_set(w: &mut Walkthrough, km: &mut Keymap) {
    w.goto("pte-set").expect("every scenario sets a pte");
    for _ in 0..60 {
        let s = &w.left;
        let running = s.next_step().map(|st| !s.machine().running_callbacks(st.thread).is_empty()).unwrap_or(true);
        if running {
            break;
        }
        press(w, km, &[Key::Char('s')]);
    }
}

#[test]
fn scenario_key_frames() {
    // One scenario at two sizes pins the layout of each kind of frame; the
    // model's text for every scenario is pinned by the golden traces
    // (core/tests/golden.rs), not here.
    let name = "ksm";
    for (wd, ht) in SIZES {
        let mut km = Keymap::default_preset();
        let mut w = walkthrough(name);
        insta::assert_snapshot!(format!("{name}_{wd}x{ht}_1_start"), render_to_string(&w, &km, wd, ht));
        press(&mut w, &mut km, &[Key::Char('n'), Key::Char('n')]);
        insta::assert_snapshot!(format!("{name}_{wd}x{ht}_2_first_milestone"), render_to_string(&w, &km, wd, ht));
        at_first_callback_after_pte_set(&mut w, &mut km);
        insta::assert_snapshot!(format!("{name}_{wd}x{ht}_3_callback"), render_to_string(&w, &km, wd, ht));
        press(&mut w, &mut km, &[Key::Char('r')]);
        assert_eq!(w.mode, Mode::Summary, "the summary opens when both runs end");
        insta::assert_snapshot!(format!("{name}_{wd}x{ht}_4_end_summary"), render_to_string(&w, &km, wd, ht));
    }
}

#[test]
fn every_scenario_shows_both_sides_and_ends_in_the_summary() {
    for (name, _, _) in BUILTIN {
        for (wd, ht) in SIZES {
            let mut km = Keymap::default_preset();
            let mut w = walkthrough(name);
            let start = render_to_string(&w, &km, wd, ht);
            assert!(start.contains("left: wrapped") && start.contains("right: patched"), "{name} {wd}x{ht}:\n{start}");
            at_first_callback_after_pte_set(&mut w, &mut km);
            let cb = render_to_string(&w, &km, wd, ht);
            assert!(cb.contains("running"), "{name} {wd}x{ht}: a callback is running:\n{cb}");
            press(&mut w, &mut km, &[Key::Char('r')]);
            assert_eq!(w.mode, Mode::Summary, "{name}: the summary opens when both runs end");
            let end = render_to_string(&w, &km, wd, ht);
            assert!(end.contains("steps"), "{name} {wd}x{ht}: the summary lists the run's steps:\n{end}");
        }
    }
}

#[test]
fn scripted_key_sequence() {
    let mut km = Keymap::default_preset();
    let mut w = walkthrough("ksm");
    let script: &[(&str, Key)] = &[
        ("n (next)", Key::Char('n')),
        ("n (next)", Key::Char('n')),
        ("s (step into)", Key::Char('s')),
        ("s (step into)", Key::Char('s')),
        ("b (back)", Key::Char('b')),
        ("] (left: next semantics)", Key::Char(']')),
        ("Tab (focus right)", Key::Tab),
        ("[ (right: previous semantics)", Key::Char('[')),
        ("→ (next)", Key::Right),
        ("← (back)", Key::Left),
    ];
    let mut out = format!("=== start\n{}", render_to_string(&w, &km, 80, 24));
    for (label, key) in script {
        press(&mut w, &mut km, &[*key]);
        out.push_str(&format!("=== {label}: left {} right {}\n", w.left.pos, w.right.pos));
        out.push_str(&render_to_string(&w, &km, 80, 24));
    }
    assert_eq!((w.left.semantics, w.right.semantics), (Semantics::Patched, Semantics::Wrapped));
    insta::assert_snapshot!("scripted_ksm_80x24", out);
}

#[test]
fn overlays() {
    let mut km = Keymap::default_preset();
    let mut w = walkthrough("ksm");
    press(&mut w, &mut km, &[Key::Char('?')]);
    insta::assert_snapshot!("help_default_80x24", render_to_string(&w, &km, 80, 24));
    insta::assert_snapshot!("help_default_60x16", render_to_string(&w, &km, 60, 16));
    press(&mut w, &mut km, &[Key::Esc, Key::Char('K'), Key::Char('?')]);
    insta::assert_snapshot!("help_vim_80x24", render_to_string(&w, &km, 80, 24));
    press(&mut w, &mut km, &[Key::Esc, Key::Char('K'), Key::Char('c'), Key::Down]);
    insta::assert_snapshot!("scenario_picker_80x24", render_to_string(&w, &km, 80, 24));
    press(&mut w, &mut km, &[Key::Esc, Key::Char('N'), Key::Down, Key::Down, Key::Char(' ')]);
    insta::assert_snapshot!("notifier_picker_80x24", render_to_string(&w, &km, 80, 24));
    press(&mut w, &mut km, &[Key::Esc, Key::Char('g'), Key::Char('x'), Key::Char('y'), Key::Enter]);
    insta::assert_snapshot!("goto_error_80x24", render_to_string(&w, &km, 80, 24));
    press(&mut w, &mut km, &[Key::Esc]);
    insta::assert_snapshot!("too_small_40x10", render_to_string(&w, &km, 40, 10));
}

#[test]
fn violations_are_red_with_their_rule() {
    // The sleepable driver under v3.6 takes its mutex under the PT lock.
    let all = Scenario::all_builtin();
    let mut w =
        Walkthrough::new(all, 0, Semantics::Original, Semantics::Patched, &[NotifierId::Kvm, NotifierId::Sleepable]);
    let mut km = Keymap::default_preset();
    let first = w.left.trace.steps.iter().position(|s| s.violations().next().is_some()).expect("a violation") + 1;
    // Step into until the left side has executed the violating step.
    while w.left.pos < first {
        press(&mut w, &mut km, &[Key::Char('s')]);
    }
    assert_eq!(w.left.pos, first, "step into stops on the violation");
    let buf = render_buffer(&w, &km, 160, 48);
    let text = display::buffer_to_string(&buf);
    assert!(text.contains("VIOLATION sleep_in_atomic"), "{text}");
    assert!(text.contains("rule: a callback that may sleep"), "{text}");
    let row = text.lines().position(|l| l.contains("VIOLATION sleep_in_atomic")).unwrap() as u16;
    let col = text.lines().nth(row as usize).unwrap().find("VIOLATION").unwrap();
    let x = text.lines().nth(row as usize).unwrap()[..col].chars().count() as u16;
    assert_eq!(buf[(x, row)].fg, Color::Red);
    assert!(text.contains("1 violation"), "the header counts violations so far");
    insta::assert_snapshot!("violation_ksm_original_sleepable_160x48", text);
}

#[test]
fn changed_values_are_highlighted_and_differences_marked() {
    let mut w = walkthrough("ksm");
    let km = Keymap::default_preset();
    // The step where wrapped's invalidate_range_start drops KVM's spte.
    let zap = w
        .left
        .trace
        .steps
        .iter()
        .position(|s| s.events.iter().any(|e| matches!(e, Event::User(UserEvent::Kvm(KvmEvent::SpteZapped { .. })))))
        .unwrap();
    w.goto(&zap.to_string()).unwrap();
    w.step_into();
    assert_eq!(w.left.pos, zap + 1);
    let buf = render_buffer(&w, &km, 160, 48);
    let text = display::buffer_to_string(&buf);
    let (row, line) = text.lines().enumerate().find(|(_, l)| l.contains("KVM   spte gfn 0x10 none")).expect("KVM line");
    let x = line[..line.find("none").unwrap()].chars().count() as u16;
    assert_eq!(buf[(x, row as u16)].fg, Color::Yellow, "changed by the last step");
    // At a common milestone values that differ carry `≠`.
    w.goto("write_protect_page:pte-cleared").unwrap();
    assert!(w.common_milestone().is_some());
    let text = render_to_string(&w, &km, 160, 48);
    assert!(text.contains("≠"), "{text}");
    // Focus shows on the right after Tab.
    w.toggle_focus();
    assert_eq!(w.focus, Side::Right);
    assert!(render_to_string(&w, &km, 160, 48).contains("▶ right: patched"));
}

/// Haggai Eran's race (the demo's counterexample link): the left side
/// replays the explorer's schedule to the GRU read of the old page.
fn haggai_eran() -> Walkthrough {
    use notifier_lab_core::Actor;
    let sched: Vec<u8> = "000000000000000000000000000000000000000000012".bytes().map(|b| b - b'0').collect();
    let actors = [Actor::parse("host_write").expect("actor"), Actor::parse("gru_read").expect("actor")];
    let mut walk = notifier_lab_core::Walk::replay(
        Scenario::builtin("cow").expect("cow"),
        Semantics::Patched,
        Semantics::Patched,
        &NotifierId::DEFAULT,
        &actors,
        &sched,
    )
    .expect("replay");
    walk.set_positions(sched.len(), 0);
    let all = Scenario::all_builtin();
    let i = all.iter().position(|s| s.name == "cow").expect("cow");
    Walkthrough::from_walk(walk, all, i)
}

#[test]
fn mappings_and_timeline_panes() {
    let mut w = haggai_eran();
    let mut km = Keymap::default_preset();
    let before = render_to_string(&w, &km, 80, 24);
    assert!(!before.contains(" mappings") && !before.contains(" timeline ·"), "both panes start hidden");
    press(&mut w, &mut km, &[Key::Char('m'), Key::Char('t')]);
    assert!(w.show_mappings && w.show_timeline);
    for (wd, ht) in SIZES {
        let buf = render_buffer(&w, &km, wd, ht);
        let text = display::buffer_to_string(&buf);
        assert!(text.contains(" mappings"), "{wd}x{ht}:\n{text}");
        assert!(text.contains(" timeline · 45 steps, 2 switches"), "{wd}x{ht}:\n{text}");
        // The GRU entry still maps the old page, drawn red, while the pte
        // maps the new one.
        let (row, line) = text.lines().enumerate().find(|(_, l)| l.contains("GRU TLB 0x")).expect("GRU row");
        assert!(line.contains("0x200"), "{line}");
        let x = line[..line.find("GRU TLB 0x").unwrap()].chars().count() as u16;
        assert_eq!(buf[(x, row as u16)].fg, Color::Red, "{line}");
        assert!(text.contains("pte 0x7f0000010000 → 0x300"), "{wd}x{ht}:\n{text}");
        for lane in ["host ", "host_write", "gru "] {
            assert!(text.lines().any(|l| l.contains(&format!("│{lane}"))), "lane {lane} at {wd}x{ht}:\n{text}");
        }
        insta::assert_snapshot!(format!("panes_haggai_eran_{wd}x{ht}"), text);
    }
    press(&mut w, &mut km, &[Key::Char('m'), Key::Char('t')]);
    assert!(!render_to_string(&w, &km, 80, 24).contains(" timeline ·"), "t hides the timeline again");
}
