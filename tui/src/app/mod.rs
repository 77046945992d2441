//! The walkthrough application: [`state`] (what is shown and how it
//! changes), [`keymap`] (keys as data), [`input`] (keys/mouse →
//! transitions), and here the terminal event loop that ties them to
//! [`crate::display`].
//!
//! The terminal is always restored: on quit and on error by a guard's
//! `Drop`, on panic by a hook installed before raw mode is entered (the
//! guard's `Drop` would run only after the panic message was printed into
//! the alternate screen, where nobody would see it).

pub mod input;
pub mod keymap;
pub mod state;

use std::io::{self, IsTerminal, Stdout};
use std::process::ExitCode;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton,
    MouseEventKind,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};

use self::input::{Control, Mouse, handle_key, handle_mouse};
use self::keymap::{Key, Keymap};
use self::state::Walkthrough;
use crate::display::{self, Hits};

/// Environment variable choosing the keymap preset (`default`, `vim`).
pub const KEYMAP_ENV: &str = "NOTIFIER_LAB_KEYMAP";

/// Converts a terminal key event; `None` for keys the walkthrough ignores
/// (and for key releases, which some terminals report).
pub fn key_from(ev: KeyEvent) -> Option<Key> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    Some(match ev.code {
        KeyCode::Char(c) if ctrl => Key::Ctrl(c.to_ascii_lowercase()),
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        _ => return None,
    })
}

/// Leaves every terminal mode the walkthrough enters. Safe to call more
/// than once and when nothing was entered (errors are ignored: there is
/// nothing better to do while tearing down).
fn restore_terminal() {
    let _ = execute!(io::stdout(), DisableMouseCapture, LeaveAlternateScreen, ratatui::crossterm::cursor::Show);
    let _ = disable_raw_mode();
}

/// Restores the terminal when dropped (normal exit, `?` on an error).
struct TerminalGuard {
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl TerminalGuard {
    fn enter() -> io::Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            previous(info);
        }));
        enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = execute!(out, EnterAlternateScreen, EnableMouseCapture) {
            restore_terminal();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(out)) {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                restore_terminal();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Runs the walkthrough (`notifier-lab` with no arguments). Exit code 2
/// when stdout is not a terminal or the terminal cannot be set up.
pub fn run() -> ExitCode {
    if !io::stdout().is_terminal() {
        eprintln!(
            "notifier-lab: the walkthrough needs a terminal (stdout is not a TTY).\n\
             For output to a file or a pipe use `notifier-lab trace <scenario> --semantics <s>` \
             (e.g. `notifier-lab trace ksm --semantics wrapped`) or `notifier-lab compare ksm wrapped patched`."
        );
        return ExitCode::from(2);
    }
    let keymap = match std::env::var(KEYMAP_ENV) {
        Ok(name) => match Keymap::by_name(&name) {
            Some(k) => k,
            None => {
                eprintln!("notifier-lab: {KEYMAP_ENV}={name}: expected `default` or `vim`");
                return ExitCode::from(2);
            }
        },
        Err(_) => Keymap::default_preset(),
    };
    match event_loop(Walkthrough::new_default(), keymap) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("notifier-lab: terminal error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Runs the walkthrough on a replayed counterexample (`notifier-lab
/// --replay FILE`): the left side is the saved schedule, the right side the
/// default schedule of the same configuration.
pub fn run_replay(scenario: notifier_lab_core::Scenario, cx: &notifier_lab_core::checker::Counterexample) -> ExitCode {
    if !io::stdout().is_terminal() {
        eprintln!(
            "notifier-lab: the walkthrough needs a terminal (stdout is not a TTY).\n\
             The replayed run, as text: `notifier-lab check` printed its schedule; \
             `notifier-lab trace` shows the default schedule."
        );
        return ExitCode::from(2);
    }
    let w = match replay_walkthrough(scenario, cx) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("notifier-lab: {e}");
            return ExitCode::from(2);
        }
    };
    match event_loop(w, Keymap::default_preset()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("notifier-lab: terminal error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The walkthrough of a counterexample
/// ([`notifier_lab_core::walk::Walk::replay`]): left, the saved schedule;
/// right, the default schedule of the same scenario, semantics, notifiers
/// and actors; aligned at milestones like any two runs. The stale access
/// shows up as the violation event of its step.
pub fn replay_walkthrough(
    scenario: notifier_lab_core::Scenario,
    cx: &notifier_lab_core::checker::Counterexample,
) -> Result<Walkthrough, String> {
    let walk = notifier_lab_core::Walk::replay(
        scenario.clone(),
        cx.semantics,
        cx.semantics,
        &cx.notifiers,
        &cx.actors,
        &cx.schedule,
    )?;
    let mut scenarios = crate::builtin::all();
    let index = match scenarios.iter().position(|s| *s == scenario) {
        Some(i) => i,
        None => {
            scenarios.push(scenario);
            scenarios.len() - 1
        }
    };
    let mut w = Walkthrough::from_walk(walk, scenarios, index);
    // A counterexample is about its interleaving: the timeline starts open.
    w.show_timeline = true;
    let what = cx.violation.map(|v| v.id()).unwrap_or("a schedule");
    w.message =
        Some(format!("replay: left = saved schedule ({} steps, {what}), right = default schedule", cx.schedule.len()));
    Ok(w)
}

/// Test hook: when set, the walkthrough panics right after its first
/// frame, so the end-to-end test can check that the panic hook restores
/// the terminal before the message is printed.
pub const PANIC_ENV: &str = "NOTIFIER_LAB_TEST_PANIC";

fn event_loop(mut w: Walkthrough, mut keymap: Keymap) -> io::Result<()> {
    let panic_after_draw = std::env::var_os(PANIC_ENV).is_some();
    let mut guard = TerminalGuard::enter()?;
    let mut hits = Hits::default();
    loop {
        guard.terminal.draw(|f| hits = display::draw(f, &w, &keymap))?;
        if panic_after_draw {
            panic!("{PANIC_ENV} is set: panicking after the first frame");
        }
        let control = match event::read()? {
            Event::Key(k) => match key_from(k) {
                Some(key) => handle_key(&mut w, &mut keymap, key),
                None => Control::Continue,
            },
            Event::Mouse(m) => {
                let (x, y) = (m.column, m.row);
                match m.kind {
                    MouseEventKind::Down(MouseButton::Left) => handle_mouse(&mut w, &hits, Mouse::Click(x, y)),
                    MouseEventKind::ScrollUp => handle_mouse(&mut w, &hits, Mouse::ScrollUp(x, y)),
                    MouseEventKind::ScrollDown => handle_mouse(&mut w, &hits, Mouse::ScrollDown(x, y)),
                    _ => Control::Continue,
                }
            }
            // Resize and focus events just redraw.
            _ => Control::Continue,
        };
        if control == Control::Quit {
            break;
        }
    }
    drop(guard);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--replay`: a counterexample found by the explorer opens as a
    /// walkthrough whose left side ends at the stale read.
    #[test]
    fn replay_walkthrough_shows_the_counterexample() {
        use notifier_lab_core::checker::{self, Options};
        use notifier_lab_core::event::ViolationId;
        use notifier_lab_core::{Actor, NotifierId, Scenario, Semantics};
        let s = Scenario::builtin("cow").unwrap();
        let r = checker::check(
            &s,
            Semantics::Patched,
            &NotifierId::DEFAULT,
            &[Actor::HostWrite, Actor::GruRead],
            // The exact search: its schedule is the shortest (45 steps).
            Options { reduce: false, ..Options::default() },
        )
        .unwrap();
        let cx = r.counterexample(ViolationId::StaleSecondaryRead, "cow").unwrap();
        let mut w = replay_walkthrough(s.clone(), &cx).unwrap();
        assert_eq!(w.left.len(), cx.schedule.len());
        assert!(w.message.as_deref().unwrap_or("").contains("stale_secondary_read"));
        w.run_to_end();
        assert!(w.left.at_end());
        assert_eq!(w.left.violations_so_far(), 1);
        assert_eq!(w.right.violations_so_far(), 0);
        assert!(w.show_timeline && !w.show_mappings, "a replay opens with the timeline, not the mappings");
        let text = crate::display::render_to_string(&w, &crate::app::keymap::Keymap::default_preset(), 160, 48);
        assert!(text.contains(" timeline · 45 steps, 2 switches") && text.contains("host_write"), "{text}");
        // A schedule that does not fit the scenario is an error, not a panic.
        let mut bad = cx.clone();
        bad.schedule.push(7);
        assert!(replay_walkthrough(s, &bad).unwrap_err().contains("picks thread 7"));
    }

    #[test]
    fn key_conversion() {
        let k = |code, mods| key_from(KeyEvent::new(code, mods));
        assert_eq!(k(KeyCode::Char('c'), KeyModifiers::CONTROL), Some(Key::Ctrl('c')));
        assert_eq!(k(KeyCode::Char('R'), KeyModifiers::SHIFT), Some(Key::Char('R')));
        assert_eq!(k(KeyCode::Left, KeyModifiers::NONE), Some(Key::Left));
        assert_eq!(k(KeyCode::F(1), KeyModifiers::NONE), None);
        let mut release = KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(key_from(release), None);
    }
}
