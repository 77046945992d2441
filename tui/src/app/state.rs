//! The walkthrough's display state: the shared side-by-side model
//! ([`notifier_lab_core::walk::Walk`]) plus what only the terminal needs
//! (focus, modes and pickers, the status message, event-log scrolling).
//! No terminal is involved here (the bandwhich/gitui split: this module
//! decides *what* to show, `crate::display` decides *how* to draw it).
//!
//! Every stepping transition and the rule that keeps the two sides at
//! corresponding milestones live in [`notifier_lab_core::walk`], so the
//! terminal and the browser demo cannot drift apart. [`Walkthrough`]
//! dereferences to its [`Walk`], so `w.left.pos`, `w.sync_points()` and
//! the other read-only queries read the model directly; changes go through
//! the methods here, which also update the terminal-only state.

use std::ops::Deref;

use notifier_lab_core::walk::{Moved, Walk};
pub use notifier_lab_core::walk::{Side, SideRun, SyncPoint};
use notifier_lab_core::{NotifierId, Scenario, Semantics};

/// What has the keyboard: the walkthrough itself or an overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Stepping.
    Normal,
    /// The key help overlay.
    Help,
    /// Choosing a scenario; `selected` indexes [`Walkthrough::scenarios`].
    ScenarioPicker {
        /// Highlighted entry.
        selected: usize,
    },
    /// Choosing the registered notifiers; nothing is rebuilt until applied.
    NotifierPicker {
        /// Highlighted entry (index in [`NotifierId::ALL`]).
        selected: usize,
        /// Tick box per entry of [`NotifierId::ALL`].
        chosen: [bool; NotifierId::COUNT],
    },
    /// The "go to step or milestone" prompt.
    Goto {
        /// Text typed so far.
        input: String,
        /// Why the last attempt failed, if it did.
        error: Option<String>,
    },
    /// Per-side summary counts.
    Summary,
}

/// The whole walkthrough state: the model and the terminal's view of it.
#[derive(Debug, Clone)]
pub struct Walkthrough {
    /// The two runs, their positions and alignment (read through `Deref`).
    pub walk: Walk,
    /// Scenarios the picker offers (the built-in ones).
    pub scenarios: Vec<Scenario>,
    /// Index of the scenario shown.
    pub scenario: usize,
    /// The column `Tab`, `[`/`]`, `g <step>` and clicks act on.
    pub focus: Side,
    /// What has the keyboard.
    pub mode: Mode,
    /// One-line feedback for the status bar (cleared by the next action).
    pub message: Option<String>,
    /// The `mappings` pane (the mapping diagram) is shown.
    pub show_mappings: bool,
    /// The `timeline` pane (the thread timeline) is shown.
    pub show_timeline: bool,
    /// Event log scroll per side (index [`Side::index`]), in lines up from
    /// the newest line.
    log_scroll: [u16; 2],
}

impl Deref for Walkthrough {
    type Target = Walk;
    fn deref(&self) -> &Walk {
        &self.walk
    }
}

impl Walkthrough {
    /// The defaults: scenario `ksm`, `wrapped` on the left, `patched` on
    /// the right, notifiers KVM and GRU.
    pub fn new_default() -> Walkthrough {
        let scenarios = crate::builtin::all();
        let scenario = scenarios.iter().position(|s| s.name == "ksm").unwrap_or(0);
        Walkthrough::new(scenarios, scenario, Semantics::Wrapped, Semantics::Patched, &NotifierId::DEFAULT)
    }

    /// A walkthrough of `scenarios[scenario]`.
    ///
    /// # Panics
    /// If `scenarios` is empty or `scenario` is out of range.
    pub fn new(
        scenarios: Vec<Scenario>,
        scenario: usize,
        left: Semantics,
        right: Semantics,
        notifiers: &[NotifierId],
    ) -> Walkthrough {
        assert!(scenario < scenarios.len(), "scenario index out of range");
        let walk = Walk::new(scenarios[scenario].clone(), left, right, notifiers);
        Walkthrough::from_walk(walk, scenarios, scenario)
    }

    /// A walkthrough of prebuilt runs (`--replay`: a counterexample next to
    /// the default schedule); `scenarios[scenario]` is the scenario shown.
    pub fn from_walk(walk: Walk, scenarios: Vec<Scenario>, scenario: usize) -> Walkthrough {
        Walkthrough {
            walk,
            scenarios,
            scenario,
            focus: Side::Left,
            mode: Mode::Normal,
            message: None,
            show_mappings: false,
            show_timeline: false,
            log_scroll: [0; 2],
        }
    }

    /// The scenario shown.
    pub fn current_scenario(&self) -> &Scenario {
        &self.walk.scenario
    }

    /// Event log scroll of `side`, in lines up from the newest line.
    pub fn log_scroll(&self, side: Side) -> u16 {
        self.log_scroll[side.index()]
    }

    /// Terminal-side reaction to a move: the message goes, the log of every
    /// moved side scrolls back to the newest line, an open summary closes,
    /// and the summary opens when this move finished both runs.
    fn after_move(&mut self, m: Moved) {
        for side in Side::BOTH {
            if m.sides[side.index()] {
                self.log_scroll[side.index()] = 0;
            }
        }
        self.message = None;
        if self.mode == Mode::Summary {
            self.mode = Mode::Normal;
        }
        if m.finished {
            self.mode = Mode::Summary;
        }
    }

    /// `s`: one statement on each side.
    pub fn step_into(&mut self) {
        let m = self.walk.step_into();
        self.after_move(m);
    }

    /// `n`: next statement at the same depth on each side.
    pub fn next(&mut self) {
        let m = self.walk.step_over();
        self.after_move(m);
    }

    /// `f`: run each side until its current function returns.
    pub fn finish(&mut self) {
        let m = self.walk.finish();
        self.after_move(m);
    }

    /// `b`: one statement back on each side.
    pub fn back(&mut self) {
        let m = self.walk.back();
        self.after_move(m);
    }

    /// `r`: both runs to their end.
    pub fn run_to_end(&mut self) {
        let m = self.walk.run_to_end();
        self.after_move(m);
    }

    /// `R`: both runs back to the start.
    pub fn restart(&mut self) {
        let m = self.walk.restart();
        self.after_move(m);
    }

    /// `Tab`.
    pub fn toggle_focus(&mut self) {
        self.focus = self.focus.other();
    }

    /// `g`: a step number (focused side) or a milestone name (both sides).
    /// Milestones match exactly first, then by suffix, then by substring,
    /// so `pte-set` finds `write_protect_page:pte-set`.
    pub fn goto(&mut self, input: &str) -> Result<(), String> {
        let m = self.walk.goto(self.focus, input).map_err(|e| e.to_string())?;
        self.after_move(m);
        Ok(())
    }

    /// Mouse click on statement `pc` of the listing shown for `side`: run
    /// that side to the next step that executes it (the statement becomes
    /// the next to execute).
    pub fn run_to_statement(&mut self, side: Side, pc: usize) -> Result<(), String> {
        let m = self.walk.run_to_statement(side, pc).map_err(|e| e.to_string())?;
        self.after_move(m);
        Ok(())
    }

    /// `]` / `[`: the focused side's semantics, cycling through
    /// [`Semantics::ALL`] (skipping eras where a registered notifier does
    /// not exist). The changed side lands at the last sync
    /// point the other side has reached, so the columns stay comparable.
    pub fn cycle_semantics(&mut self, forward: bool) {
        let side = self.focus;
        let sem = self.walk.cycled_semantics(side, forward);
        match self.walk.set_semantics(side, sem) {
            Ok(m) => {
                self.after_move(m);
                self.log_scroll = [0; 2];
                self.message = Some(format!("{} side: {} ({})", side.name(), sem.id(), sem.tag()));
            }
            Err(e) => self.message = Some(e),
        }
    }

    /// Switches to `scenarios[index]`; both runs restart.
    pub fn choose_scenario(&mut self, index: usize) {
        let Some(s) = self.scenarios.get(index) else {
            return;
        };
        self.walk.set_scenario(s.clone());
        self.scenario = index;
        self.log_scroll = [0; 2];
        self.mode = Mode::Normal;
        self.message = Some(format!("scenario {}", self.current_scenario().name));
    }

    /// Registers exactly `notifiers` (kept in [`NotifierId::ALL`] order) and
    /// rebuilds both runs. Both sides go back to the last milestone both
    /// had reached if the new runs still have it, else to the start.
    pub fn set_notifiers(&mut self, notifiers: &[NotifierId]) {
        self.walk.set_notifiers(notifiers);
        self.log_scroll = [0; 2];
        self.mode = Mode::Normal;
        let ids: Vec<&str> = self.notifiers.iter().map(|n| n.id()).collect();
        self.message = Some(format!("notifiers: {}", if ids.is_empty() { "none".to_string() } else { ids.join(",") }));
    }

    /// Opens the notifier picker with the current set ticked.
    pub fn open_notifier_picker(&mut self) {
        let mut chosen = [false; NotifierId::COUNT];
        for (i, n) in NotifierId::ALL.iter().enumerate() {
            chosen[i] = self.notifiers.contains(n);
        }
        self.mode = Mode::NotifierPicker { selected: 0, chosen };
    }

    /// Opens the scenario picker on the current scenario.
    pub fn open_scenario_picker(&mut self) {
        self.mode = Mode::ScenarioPicker { selected: self.scenario };
    }

    /// Scrolls `side`'s event log by `delta` lines (positive: older).
    pub fn scroll_log(&mut self, side: Side, delta: i32) {
        let s = &mut self.log_scroll[side.index()];
        *s = (i32::from(*s) + delta).clamp(0, i32::from(u16::MAX)) as u16;
    }

    /// `S`: shows or hides the summary.
    pub fn toggle_summary(&mut self) {
        self.mode = if self.mode == Mode::Summary { Mode::Normal } else { Mode::Summary };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wt() -> Walkthrough {
        Walkthrough::new_default()
    }

    /// The invariant every transition keeps.
    fn consistent(w: &Walkthrough) -> bool {
        w.sync_points().iter().all(|p| !(w.left.pos > p.left && w.right.pos < p.right))
            && w.sync_points().iter().all(|p| !(w.right.pos > p.right && w.left.pos < p.left))
    }

    #[test]
    fn defaults() {
        let w = wt();
        assert_eq!(w.current_scenario().name, "ksm");
        assert_eq!(w.left.semantics, Semantics::Wrapped);
        assert_eq!(w.right.semantics, Semantics::Patched);
        assert_eq!(w.notifiers, vec![NotifierId::Kvm, NotifierId::Gru]);
        assert_eq!((w.left.pos, w.right.pos), (0, 0));
        assert_eq!(w.focus, Side::Left);
        assert_eq!(w.mode, Mode::Normal);
        assert_eq!(w.common_milestone().as_deref(), Some("start"));
    }

    #[test]
    fn next_steps_over_calls() {
        let mut w = wt();
        // Step 1 (trylock) is at depth 0; step 2 calls write_protect_page.
        w.next();
        assert_eq!(w.left.pos, 1);
        // Unclamped, `n` skips the whole call: every step in between is deeper.
        let d = w.left.next_step().unwrap().depth;
        let t = w.left.next_target();
        assert!(t > 2);
        assert!(w.left.trace.steps[2..t].iter().all(|s| s.depth > d));
        assert!(w.left.trace.steps.get(t).is_none_or(|s| s.depth <= d));
        // Clamped, it stops at the first milestone inside the call, where
        // the sides are kept together.
        w.next();
        let first = w.sync_points()[0].clone();
        assert!(w.left.pos <= first.left && w.right.pos <= first.right);
        assert!(w.left.pos == first.left || w.right.pos == first.right);
        assert!(consistent(&w));
    }

    #[test]
    fn finish_leaves_the_current_function() {
        let mut w = wt();
        for _ in 0..4 {
            w.step_into();
        }
        let d = w.left.next_step().unwrap().depth;
        assert!(d >= 1);
        w.finish();
        let held = w.waiting_at(Side::Left).is_some();
        assert!(held || w.left.next_step().is_none_or(|s| s.depth < d));
    }

    #[test]
    fn sides_wait_for_each_other_at_milestones() {
        let mut w = wt();
        let first = w.sync_points()[0].clone();
        // Drive with `n` until one side reaches the first sync point.
        while w.left.pos < first.left && w.right.pos < first.right {
            w.next();
            assert!(consistent(&w));
        }
        // Keep pressing: neither side passes it until both reached it.
        for _ in 0..200 {
            if w.left.pos >= first.left && w.right.pos >= first.right {
                break;
            }
            w.next();
            assert!(w.left.pos <= first.left && w.right.pos <= first.right);
            assert!(consistent(&w));
        }
        assert_eq!((w.left.pos, w.right.pos), (first.left, first.right));
        assert_eq!(w.common_milestone().as_deref(), Some(first.name.as_str()));
    }

    #[test]
    fn stepping_everything_keeps_the_invariant_and_ends_in_summary() {
        for mv in [Walkthrough::next, Walkthrough::step_into, Walkthrough::finish] {
            let mut w = wt();
            let mut n = 0;
            while !(w.left.at_end() && w.right.at_end()) {
                mv(&mut w);
                assert!(consistent(&w));
                n += 1;
                assert!(n < 1000, "stepping made no progress");
            }
            assert_eq!(w.mode, Mode::Summary);
            // And back to the start, still consistent.
            while w.left.pos > 0 || w.right.pos > 0 {
                w.back();
                assert!(consistent(&w));
                n += 1;
                assert!(n < 2000, "back made no progress");
            }
            assert_eq!(w.mode, Mode::Normal);
        }
    }

    #[test]
    fn run_to_end_and_restart() {
        let mut w = wt();
        w.run_to_end();
        assert!(w.left.at_end() && w.right.at_end());
        assert_eq!(w.mode, Mode::Summary);
        w.toggle_summary();
        assert_eq!(w.mode, Mode::Normal);
        w.restart();
        assert_eq!((w.left.pos, w.right.pos), (0, 0));
    }

    #[test]
    fn goto_step_and_milestone() {
        let mut w = wt();
        w.goto("write_protect_page:pte-set").unwrap();
        let l = w.left.trace.milestone_step("write_protect_page:pte-set").unwrap();
        let r = w.right.trace.milestone_step("write_protect_page:pte-set").unwrap();
        assert_eq!((w.left.pos, w.right.pos), (l, r));
        assert_eq!(w.common_milestone().as_deref(), Some("write_protect_page:pte-set"));
        // Suffix match.
        w.goto("ptl-released").unwrap();
        assert_eq!(w.left.pos, w.left.trace.milestone_step("write_protect_page:ptl-released").unwrap());
        // A step number moves the focused side; the other follows to a
        // consistent place.
        w.goto("3").unwrap();
        assert_eq!(w.left.pos, 3);
        assert!(consistent(&w));
        w.focus = Side::Right;
        w.goto("100").unwrap();
        assert_eq!(w.right.pos, 100);
        assert!(consistent(&w));
        assert!(w.goto("nope").is_err());
        assert!(w.goto("100000").is_err());
        assert!(w.goto("").is_err());
    }

    #[test]
    fn semantics_cycle_keeps_alignment() {
        let mut w = wt();
        w.goto("write_protect_page:pte-set").unwrap();
        w.cycle_semantics(true);
        assert_eq!(w.left.semantics, Semantics::Patched);
        w.cycle_semantics(true);
        assert_eq!(w.left.semantics, Semantics::BracketIfMissing);
        assert_eq!(w.common_milestone().as_deref(), Some("write_protect_page:pte-set"));
        w.cycle_semantics(false);
        assert_eq!(w.left.semantics, Semantics::Patched);
        w.toggle_focus();
        w.cycle_semantics(false);
        assert_eq!(w.right.semantics, Semantics::Wrapped);
        assert!(consistent(&w));
    }

    #[test]
    fn scenario_and_notifier_choice_rebuild() {
        let mut w = wt();
        w.next();
        let cow = w.scenarios.iter().position(|s| s.name == "cow").unwrap();
        w.choose_scenario(cow);
        assert_eq!(w.current_scenario().name, "cow");
        assert_eq!((w.left.pos, w.right.pos), (0, 0));
        w.set_notifiers(&[NotifierId::Sleepable, NotifierId::Kvm]);
        assert_eq!(w.notifiers, vec![NotifierId::Kvm, NotifierId::Sleepable]);
        assert_eq!(w.left.trace.notifiers, vec![NotifierId::Kvm, NotifierId::Sleepable]);
        w.set_notifiers(&[]);
        assert!(w.notifiers.is_empty());
        w.run_to_end();
        assert!(w.left.at_end());
    }

    #[test]
    fn log_scroll_saturates() {
        let mut w = wt();
        w.scroll_log(Side::Left, -5);
        assert_eq!(w.log_scroll(Side::Left), 0);
        w.scroll_log(Side::Left, 3);
        assert_eq!(w.log_scroll(Side::Left), 3);
        w.next();
        assert_eq!(w.log_scroll(Side::Left), 0);
    }

    #[test]
    fn breadcrumb_stack_matches_shown_step() {
        // The listing shows the function of the next step; the stack of the
        // state before it must end in that function.
        let w = wt();
        for side in Side::BOTH {
            let s = w.side(side);
            for pos in 0..s.len() {
                let st = &s.trace.steps[pos];
                let stack = s.state_at(pos).stack(st.thread);
                let (f, pc) = *stack.last().unwrap();
                assert!(std::ptr::eq(f, st.function) && pc == st.pc, "step {}", pos + 1);
            }
        }
    }
}
