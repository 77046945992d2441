//! End to end: the real `notifier-lab` binary in a detached tmux session
//! (160x48), driven with `send-keys`, read back with `capture-pane -p`.
//! tmux is required: without it this test fails with a clear message
//! (CI installs it) instead of silently passing.

use std::process::{Command, Output};

use notifier_lab_tui::app::input::handle_key;
use notifier_lab_tui::app::keymap::{Key, Keymap};
use notifier_lab_tui::app::state::Walkthrough;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A tmux server on its own socket, killed when dropped (so a failing
/// assertion does not leave a session behind).
struct Tmux {
    socket: String,
    /// Path of the socket file, removed on drop (tmux leaves it behind).
    socket_path: std::cell::RefCell<Option<String>>,
}

impl Tmux {
    fn new() -> Tmux {
        // Unique per test run and per test: pid, a per-process counter and
        // the clock.
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let socket = format!("notifier-lab-e2e-{}-{}-{nanos}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        Tmux { socket, socket_path: Default::default() }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("tmux is required for this test (CI installs it; apt-get install tmux): {e}"))
    }

    fn capture(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    fn alive(&self) -> bool {
        self.run(&["has-session", "-t", "e2e"]).status.success()
    }

    /// Polls the screen until `pred` holds and the screen is stable (two
    /// captures 100 ms apart agree): the app redraws asynchronously and a
    /// capture can land in the middle of a frame being written.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.capture();
            if pred(&screen) {
                sleep(Duration::from_millis(100));
                let again = self.capture();
                if again == screen {
                    return screen;
                }
                continue;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            sleep(Duration::from_millis(50));
        }
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            let out = self.run(&["send-keys", "-t", "e2e", k]);
            assert!(out.status.success(), "send-keys {k}: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-L").arg(&self.socket).arg("kill-server").output();
        if let Some(p) = self.socket_path.borrow().as_ref() {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn require_tmux() {
    let version = Command::new("tmux").arg("-V").output();
    assert!(
        version.as_ref().is_ok_and(|o| o.status.success()),
        "tmux is required for the end-to-end test (CI installs it; apt-get install tmux): {version:?}"
    );
}

/// Starts `command` (a shell command line) in a 160x48 detached session.
fn start(tmux: &Tmux, command: &str) {
    let out = tmux.run(&["-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "160", "-y", "48", command]);
    assert!(out.status.success(), "new-session: {}", String::from_utf8_lossy(&out.stderr));
    let path = tmux.run(&["display-message", "-p", "#{socket_path}"]);
    let path = String::from_utf8_lossy(&path.stdout).trim().to_string();
    if !path.is_empty() {
        *tmux.socket_path.borrow_mut() = Some(path);
    }
}

/// Runs the binary under `sh`, then prints its exit status and the tty
/// modes, and waits: what is on the screen afterwards shows whether the
/// terminal was restored (cooked mode, main screen).
fn wrapped(env: &str) -> String {
    let bin = env!("CARGO_BIN_EXE_notifier-lab");
    format!(
        "{env} '{bin}'; echo \"EXITED $?\"; stty -a | tr ' ' '\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo; sleep 60"
    )
}

fn assert_restored(screen: &str, code: i32) {
    assert!(screen.contains(&format!("EXITED {code}")), "exit status {code} expected:\n{screen}");
    let modes = screen.lines().find(|l| l.contains("icanon")).unwrap_or_else(|| panic!("no stty output:\n{screen}"));
    assert!(modes.split_whitespace().any(|m| m == "icanon"), "still in raw mode: {modes}");
    assert!(modes.split_whitespace().any(|m| m == "echo"), "echo still off: {modes}");
    // Back on the main screen: the walkthrough's frame is gone.
    assert!(!screen.contains("try_to_merge_one_page"), "alternate screen not left:\n{screen}");
}

#[test]
fn walkthrough_in_tmux() {
    require_tmux();
    let tmux = Tmux::new();
    let bin = env!("CARGO_BIN_EXE_notifier-lab");
    // The session runs the binary itself, so it ends when the program does
    // (`remain-on-exit` is off by default): that is how quitting is seen.
    start(&tmux, &format!("'{bin}'"));

    // Expected positions come from the library driven by the same keys, so
    // the test checks that the binary shows what the state machine computes
    // without hard-coding step numbers of the model.
    let mut model = Walkthrough::new_default();
    let mut km = Keymap::default_preset();
    let steps = |m: &Walkthrough| {
        (format!("step {}/{}", m.left.pos, m.left.len()), format!("step {}/{}", m.right.pos, m.right.len()))
    };

    let (l, r) = steps(&model);
    let screen = tmux.wait_for("the first frame", |s| s.contains(&l) && s.contains(&r));
    assert!(screen.contains("notifier-lab"), "{screen}");
    assert!(screen.contains("left: wrapped (v3.13)"), "{screen}");
    assert!(screen.contains("right: patched (v3.13+patch)"), "{screen}");
    assert!(screen.contains("try_to_merge_one_page"), "{screen}");
    assert!(screen.contains("mm/ksm.c:"), "citation shown:\n{screen}");

    for (key, what) in [("n", "next"), ("n", "next to the first milestone"), ("s", "step into"), ("]", "semantics")] {
        let k = match key {
            "n" => Key::Char('n'),
            "s" => Key::Char('s'),
            _ => Key::Char(']'),
        };
        handle_key(&mut model, &mut km, k);
        tmux.keys(&[key]);
        let (l, r) = steps(&model);
        let screen = tmux.wait_for(what, |s| s.contains(&l) && s.contains(&r));
        if what == "next to the first milestone" {
            let m = model.common_milestone().expect("both sides at the first milestone");
            assert!(screen.contains(&format!("both at {m}")), "{screen}");
            assert!(screen.contains("state · changed · ≠ right at"), "{screen}");
            assert!(screen.contains("KVM: spte for gfn"), "the zap in the event log:\n{screen}");
        }
        if key == "]" {
            assert!(screen.contains("left: patched (v3.13+patch)"), "{screen}");
        }
    }

    // q quits and the session ends with the program.
    tmux.keys(&["q"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while tmux.alive() {
        assert!(Instant::now() < deadline, "the session did not end after q:\n{}", tmux.capture());
        sleep(Duration::from_millis(50));
    }
}

#[test]
fn ctrl_c_quits_and_restores_the_terminal() {
    require_tmux();
    let tmux = Tmux::new();
    start(&tmux, &wrapped(""));
    tmux.wait_for("the first frame", |s| s.contains("step 0/"));
    tmux.keys(&["n", "C-c"]);
    let screen = tmux.wait_for("the program to exit", |s| s.contains("EXITED") && s.contains("icanon"));
    assert_restored(&screen, 0);
}

#[test]
fn panic_restores_the_terminal_before_the_message() {
    require_tmux();
    let tmux = Tmux::new();
    start(&tmux, &wrapped("NOTIFIER_LAB_TEST_PANIC=1"));
    let screen = tmux.wait_for("the program to exit", |s| s.contains("EXITED") && s.contains("icanon"));
    assert_restored(&screen, 101);
    assert!(screen.contains("panicking after the first frame"), "the panic message is visible:\n{screen}");
}

#[test]
fn not_a_tty_exits_2_with_a_pointer_to_trace() {
    let out = Command::new(env!("CARGO_BIN_EXE_notifier-lab")).output().expect("run the binary");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("notifier-lab trace <scenario> --semantics <s>"), "{err}");
    assert!(out.stdout.is_empty());
}
