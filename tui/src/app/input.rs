//! Keys and mouse events → state transitions. Pure: the event loop in
//! [`crate::app`] converts terminal events to [`Key`]/[`Mouse`] and calls
//! these, so scripted key sequences can be replayed in tests.

use notifier_lab_core::NotifierId;

use super::keymap::{Action, Key, Keymap};
use super::state::{Mode, Side, Walkthrough};
use crate::display::Hits;

/// Whether the loop goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Keep running.
    Continue,
    /// Leave (restore the terminal).
    Quit,
}

/// A mouse event in terminal cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mouse {
    /// Left button pressed at `(column, row)`.
    Click(u16, u16),
    /// Wheel up over `(column, row)`.
    ScrollUp(u16, u16),
    /// Wheel down over `(column, row)`.
    ScrollDown(u16, u16),
}

/// Lines one wheel notch or one log key scrolls.
const SCROLL_STEP: i32 = 3;

/// Applies `key` in the current mode.
pub fn handle_key(w: &mut Walkthrough, keymap: &mut Keymap, key: Key) -> Control {
    // Ctrl-C leaves from anywhere, even a prompt.
    if key == Key::Ctrl('c') {
        return Control::Quit;
    }
    match w.mode.clone() {
        Mode::Normal | Mode::Summary => {
            if w.mode == Mode::Summary && key == Key::Esc {
                w.mode = Mode::Normal;
                return Control::Continue;
            }
            match keymap.action(key) {
                Some(a) => return apply(w, keymap, a),
                None => {
                    if key != Key::Esc {
                        w.message = Some(format!("key {key} does nothing here; ? lists the keys"));
                    }
                }
            }
        }
        Mode::Help => {
            if matches!(key, Key::Esc | Key::Enter | Key::Char('?') | Key::Char('q')) {
                w.mode = Mode::Normal;
            }
        }
        Mode::ScenarioPicker { selected } => {
            let n = w.scenarios.len();
            match key {
                Key::Up | Key::Char('k') => w.mode = Mode::ScenarioPicker { selected: (selected + n - 1) % n },
                Key::Down | Key::Char('j') => w.mode = Mode::ScenarioPicker { selected: (selected + 1) % n },
                Key::Enter => w.choose_scenario(selected),
                Key::Char(c) if c.is_ascii_digit() => {
                    let i = (c as usize).wrapping_sub('1' as usize);
                    if i < n {
                        w.choose_scenario(i);
                    }
                }
                Key::Esc | Key::Char('q') | Key::Char('c') => w.mode = Mode::Normal,
                _ => {}
            }
        }
        Mode::NotifierPicker { selected, mut chosen } => {
            let n = NotifierId::ALL.len();
            match key {
                Key::Up | Key::Char('k') => w.mode = Mode::NotifierPicker { selected: (selected + n - 1) % n, chosen },
                Key::Down | Key::Char('j') => w.mode = Mode::NotifierPicker { selected: (selected + 1) % n, chosen },
                Key::Char(' ') | Key::Char('x') => {
                    chosen[selected] = !chosen[selected];
                    w.mode = Mode::NotifierPicker { selected, chosen };
                }
                Key::Enter => {
                    let set: Vec<NotifierId> =
                        NotifierId::ALL.into_iter().zip(chosen).filter(|(_, on)| *on).map(|(id, _)| id).collect();
                    w.set_notifiers(&set);
                }
                Key::Esc | Key::Char('q') | Key::Char('N') => w.mode = Mode::Normal,
                _ => {}
            }
        }
        Mode::Goto { mut input, .. } => match key {
            Key::Esc => w.mode = Mode::Normal,
            Key::Enter => match w.goto(&input) {
                Ok(()) => {
                    if matches!(w.mode, Mode::Goto { .. }) {
                        w.mode = Mode::Normal;
                    }
                }
                Err(e) => w.mode = Mode::Goto { input, error: Some(e) },
            },
            Key::Backspace => {
                input.pop();
                w.mode = Mode::Goto { input, error: None };
            }
            Key::Char(c) if !c.is_control() && input.chars().count() < 64 => {
                input.push(c);
                w.mode = Mode::Goto { input, error: None };
            }
            _ => {}
        },
    }
    Control::Continue
}

/// Performs a normal-mode action.
pub fn apply(w: &mut Walkthrough, keymap: &mut Keymap, action: Action) -> Control {
    match action {
        Action::Next => w.next(),
        Action::StepInto => w.step_into(),
        Action::Finish => w.finish(),
        Action::Back => w.back(),
        Action::Goto => w.mode = Mode::Goto { input: String::new(), error: None },
        Action::RunToEnd => w.run_to_end(),
        Action::Restart => w.restart(),
        Action::FocusToggle => w.toggle_focus(),
        Action::SemanticsPrev => w.cycle_semantics(false),
        Action::SemanticsNext => w.cycle_semantics(true),
        Action::ChooseScenario => w.open_scenario_picker(),
        Action::ChooseNotifiers => w.open_notifier_picker(),
        Action::Summary => w.toggle_summary(),
        Action::Mappings => w.show_mappings = !w.show_mappings,
        Action::Timeline => w.show_timeline = !w.show_timeline,
        Action::Help => w.mode = Mode::Help,
        Action::ScrollLogUp => w.scroll_log(w.focus, SCROLL_STEP),
        Action::ScrollLogDown => w.scroll_log(w.focus, -SCROLL_STEP),
        Action::SwitchKeymap => {
            *keymap = keymap.switched();
            w.message = Some(format!("keymap: {}", keymap.name));
        }
        Action::Quit => return Control::Quit,
    }
    Control::Continue
}

/// Applies a mouse event, given where the last frame drew things.
pub fn handle_mouse(w: &mut Walkthrough, hits: &Hits, m: Mouse) -> Control {
    if w.mode != Mode::Normal {
        // Overlays cover the columns; clicks there mean nothing.
        return Control::Continue;
    }
    match m {
        Mouse::Click(x, y) => {
            for side in Side::BOTH {
                let Some(l) = &hits.listing[idx(side)] else { continue };
                if l.area.contains((x, y).into()) {
                    let pc = l.first + usize::from(y - l.area.y);
                    if pc < l.len {
                        w.focus = side;
                        if let Err(e) = w.run_to_statement(side, pc) {
                            w.message = Some(e);
                        }
                    }
                    return Control::Continue;
                }
            }
            for side in Side::BOTH {
                if hits.columns[idx(side)].is_some_and(|r| r.contains((x, y).into())) {
                    w.focus = side;
                }
            }
        }
        Mouse::ScrollUp(x, y) | Mouse::ScrollDown(x, y) => {
            let delta = if matches!(m, Mouse::ScrollUp(..)) { SCROLL_STEP } else { -SCROLL_STEP };
            // The wheel scrolls the log of the column under the pointer, or
            // the focused one when the pointer is elsewhere.
            let side = Side::BOTH
                .into_iter()
                .find(|s| hits.columns[idx(*s)].is_some_and(|r| r.contains((x, y).into())))
                .unwrap_or(w.focus);
            w.scroll_log(side, delta);
        }
    }
    Control::Continue
}

fn idx(s: Side) -> usize {
    match s {
        Side::Left => 0,
        Side::Right => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(w: &mut Walkthrough, km: &mut Keymap, ks: &[Key]) -> Control {
        let mut c = Control::Continue;
        for k in ks {
            c = handle_key(w, km, *k);
        }
        c
    }

    #[test]
    fn quit_keys() {
        let mut w = Walkthrough::new_default();
        let mut km = Keymap::default_preset();
        assert_eq!(handle_key(&mut w, &mut km, Key::Char('q')), Control::Quit);
        w.mode = Mode::Goto { input: String::new(), error: None };
        // `q` is text in the prompt, Ctrl-C still quits.
        assert_eq!(handle_key(&mut w, &mut km, Key::Char('q')), Control::Continue);
        assert_eq!(handle_key(&mut w, &mut km, Key::Ctrl('c')), Control::Quit);
    }

    #[test]
    fn goto_prompt_flow() {
        let mut w = Walkthrough::new_default();
        let mut km = Keymap::default_preset();
        keys(&mut w, &mut km, &[Key::Char('g'), Key::Char('1'), Key::Char('x'), Key::Backspace, Key::Char('0')]);
        assert_eq!(w.mode, Mode::Goto { input: "10".into(), error: None });
        keys(&mut w, &mut km, &[Key::Enter]);
        assert_eq!(w.mode, Mode::Normal);
        assert_eq!(w.left.pos, 10);
        keys(&mut w, &mut km, &[Key::Char('g'), Key::Char('z'), Key::Enter]);
        assert!(matches!(&w.mode, Mode::Goto { error: Some(_), .. }));
        keys(&mut w, &mut km, &[Key::Esc]);
        assert_eq!(w.mode, Mode::Normal);
    }

    #[test]
    fn pickers() {
        let mut w = Walkthrough::new_default();
        let mut km = Keymap::default_preset();
        keys(&mut w, &mut km, &[Key::Char('c'), Key::Down, Key::Enter]);
        assert_eq!(w.current_scenario().name, w.scenarios[1].name);
        keys(&mut w, &mut km, &[Key::Char('c'), Key::Char('1')]);
        assert_eq!(w.scenario, 0);
        // Untick KVM (the first), tick sleepable, apply.
        let down = NotifierId::ALL.iter().position(|n| *n == NotifierId::Sleepable).expect("listed");
        let mut ks = vec![Key::Char('N'), Key::Char(' ')];
        ks.extend(std::iter::repeat_n(Key::Down, down));
        ks.extend([Key::Char(' '), Key::Enter]);
        keys(&mut w, &mut km, &ks);
        assert_eq!(w.notifiers, vec![NotifierId::Gru, NotifierId::Sleepable]);
        // Esc cancels without rebuilding.
        keys(&mut w, &mut km, &[Key::Char('N'), Key::Char(' '), Key::Esc]);
        assert_eq!(w.notifiers, vec![NotifierId::Gru, NotifierId::Sleepable]);
        keys(&mut w, &mut km, &[Key::Char('?')]);
        assert_eq!(w.mode, Mode::Help);
        keys(&mut w, &mut km, &[Key::Esc]);
        assert_eq!(w.mode, Mode::Normal);
    }

    #[test]
    fn vim_keys_after_switch() {
        let mut w = Walkthrough::new_default();
        let mut km = Keymap::default_preset();
        keys(&mut w, &mut km, &[Key::Char('K'), Key::Char('j'), Key::Char('j'), Key::Char('h')]);
        assert_eq!(km.name, "vim");
        assert_eq!(w.left.pos, 1);
    }

    /// Random key sequences (fixed seed) never break the sync invariant or
    /// leave positions out of range, whatever mode they wander into.
    #[test]
    fn random_keys_keep_the_invariant() {
        let keys = [
            Key::Char('n'),
            Key::Char('s'),
            Key::Char('f'),
            Key::Char('b'),
            Key::Char('r'),
            Key::Char('R'),
            Key::Char('['),
            Key::Char(']'),
            Key::Tab,
            Key::Char('c'),
            Key::Char('N'),
            Key::Char('g'),
            Key::Char('S'),
            Key::Char('?'),
            Key::Char('K'),
            Key::Char(' '),
            Key::Char('1'),
            Key::Char('2'),
            Key::Char('5'),
            Key::Up,
            Key::Down,
            Key::Enter,
            Key::Esc,
            Key::Backspace,
            Key::Left,
            Key::Right,
        ];
        let mut w = Walkthrough::new_default();
        let mut km = Keymap::default_preset();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let k = keys[(seed >> 33) as usize % keys.len()];
            assert_eq!(handle_key(&mut w, &mut km, k), Control::Continue);
            assert!(w.left.pos <= w.left.len() && w.right.pos <= w.right.len());
            for p in w.sync_points() {
                assert!(!(w.left.pos > p.left && w.right.pos < p.right), "left past {} alone", p.name);
                assert!(!(w.right.pos > p.right && w.left.pos < p.left), "right past {} alone", p.name);
            }
        }
    }

    #[test]
    fn summary_escape_and_movement() {
        let mut w = Walkthrough::new_default();
        let mut km = Keymap::default_preset();
        keys(&mut w, &mut km, &[Key::Char('r')]);
        assert_eq!(w.mode, Mode::Summary);
        keys(&mut w, &mut km, &[Key::Esc]);
        assert_eq!(w.mode, Mode::Normal);
        keys(&mut w, &mut km, &[Key::Char('S'), Key::Char('b')]);
        assert_eq!(w.mode, Mode::Normal, "moving closes the summary");
    }
}
