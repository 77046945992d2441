//! The walkthrough's display state: what is shown and every transition on
//! it, with no terminal involved (the bandwhich/gitui split: this module
//! decides *what* to show, `crate::display` decides *how* to draw it).
//!
//! Both sides replay a recorded [`Trace`], so moving in either direction is
//! an index change: back-stepping is as cheap as stepping.
//!
//! ## Keeping the sides together
//!
//! The two runs are aligned on their milestones with the same longest
//! common subsequence `notifier-lab compare` uses ([`notifier_lab_core::compare()`]).
//! A milestone both runs reach is a *sync point*. Moving forward, a side may
//! execute a sync point's step only up to it: it waits there until the
//! other side reaches the same sync point. Moving back is the mirror image:
//! a side stays at a sync point while the other side is still past it. The
//! invariant kept by every transition is therefore "neither side is past a
//! sync point the other has not reached".

use notifier_lab_core::compare::CompareRow;
use notifier_lab_core::{Machine, NotifierId, Scenario, Semantics, Step, Trace, compare};

/// One of the two columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The left column.
    Left,
    /// The right column.
    Right,
}

impl Side {
    /// The other column.
    pub fn other(self) -> Side {
        match self {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
        }
    }

    /// `left` / `right`.
    pub fn name(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }

    /// Both sides, left first.
    pub const BOTH: [Side; 2] = [Side::Left, Side::Right];
}

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
        chosen: [bool; 5],
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

/// One column's run and where it is.
#[derive(Debug, Clone)]
pub struct SideState {
    /// Era simulated on this side.
    pub semantics: Semantics,
    /// The recorded run.
    pub trace: Trace,
    /// Steps executed, `0..=trace.steps.len()`.
    pub pos: usize,
    /// Position before the last move; the event log shows the steps the
    /// last forward move executed (`last_from..pos`).
    pub last_from: usize,
    /// Event log scroll, in lines up from the newest line.
    pub log_scroll: u16,
}

impl SideState {
    /// Number of steps of the run.
    pub fn len(&self) -> usize {
        self.trace.steps.len()
    }

    /// The run has no steps (cannot happen for the built-in scenarios).
    pub fn is_empty(&self) -> bool {
        self.trace.steps.is_empty()
    }

    /// Every step has been executed.
    pub fn at_end(&self) -> bool {
        self.pos >= self.len()
    }

    /// The step that will execute next, if any.
    pub fn next_step(&self) -> Option<&Step> {
        self.trace.steps.get(self.pos)
    }

    /// The step executed last, if any.
    pub fn last_step(&self) -> Option<&Step> {
        self.pos.checked_sub(1).and_then(|i| self.trace.steps.get(i))
    }

    /// The step whose function the listing shows: the next one, or the
    /// last one at the end of the run.
    pub fn shown_step(&self) -> Option<&Step> {
        self.next_step().or_else(|| self.trace.steps.last())
    }

    /// State after `n` steps. Unlike [`Trace::state_at`] this does not
    /// underflow on an empty run.
    pub fn state_at(&self, n: usize) -> &Machine {
        match n.checked_sub(1) {
            None => &self.trace.initial,
            Some(i) => match self.trace.steps.get(i.min(self.len().saturating_sub(1))) {
                Some(s) => &s.after,
                None => &self.trace.initial,
            },
        }
    }

    /// State now.
    pub fn machine(&self) -> &Machine {
        self.state_at(self.pos)
    }

    /// State before the last executed step (for "changed by the last step").
    pub fn machine_before_last(&self) -> &Machine {
        self.state_at(self.pos.saturating_sub(1))
    }

    /// Steps the event log shows: those the last forward move executed, or
    /// the last executed step after a backward move.
    pub fn log_range(&self) -> std::ops::Range<usize> {
        if self.last_from < self.pos { self.last_from..self.pos } else { self.pos.saturating_sub(1)..self.pos }
    }

    /// `s`: one statement.
    pub fn step_into_target(&self) -> usize {
        (self.pos + 1).min(self.len())
    }

    /// `n`: execute the next statement and any calls it makes, stopping at
    /// the next statement at the same or a lower depth (or on another
    /// thread, whose depths are unrelated).
    pub fn next_target(&self) -> usize {
        self.scan(|cur, s| s.depth <= cur.depth)
    }

    /// `f`: run until the current function has returned.
    pub fn finish_target(&self) -> usize {
        self.scan(|cur, s| s.depth < cur.depth)
    }

    fn scan(&self, stop: impl Fn(&Step, &Step) -> bool) -> usize {
        let steps = &self.trace.steps;
        let Some(cur) = steps.get(self.pos) else {
            return self.len();
        };
        (self.pos + 1..steps.len())
            .find(|&q| steps[q].thread != cur.thread || stop(cur, &steps[q]))
            .unwrap_or(self.len())
    }

    /// Violations raised by steps executed so far.
    pub fn violations_so_far(&self) -> usize {
        self.trace.steps[..self.pos.min(self.len())].iter().map(|s| s.violations().count()).sum()
    }
}

/// A milestone both runs reach: `(name, left step, right step)`, steps
/// 1-based (the position right after executing the milestone statement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncPoint {
    /// Milestone name (`write_protect_page:pte-set`, `done#2`).
    pub name: String,
    /// Left step.
    pub left: usize,
    /// Right step.
    pub right: usize,
}

impl SyncPoint {
    fn step(&self, side: Side) -> usize {
        match side {
            Side::Left => self.left,
            Side::Right => self.right,
        }
    }
}

/// The whole walkthrough state.
#[derive(Debug, Clone)]
pub struct Walkthrough {
    /// Scenarios the picker offers (the built-in ones).
    pub scenarios: Vec<Scenario>,
    /// Index of the scenario shown.
    pub scenario: usize,
    /// Registered notifiers, in list order.
    pub notifiers: Vec<NotifierId>,
    /// Left column.
    pub left: SideState,
    /// Right column.
    pub right: SideState,
    /// Aligned milestones of the two runs (including one-sided ones).
    pub rows: Vec<CompareRow>,
    /// The column `Tab`, `[`/`]`, `g <step>` and clicks act on.
    pub focus: Side,
    /// What has the keyboard.
    pub mode: Mode,
    /// One-line feedback for the status bar (cleared by the next action).
    pub message: Option<String>,
}

/// Builds both runs and their alignment in one go.
fn build(
    scenario: &Scenario,
    left: Semantics,
    right: Semantics,
    notifiers: &[NotifierId],
) -> (SideState, SideState, Vec<CompareRow>) {
    let c = compare(scenario, left, right, notifiers);
    let side = |semantics, trace| SideState { semantics, trace, pos: 0, last_from: 0, log_scroll: 0 };
    (side(left, c.left), side(right, c.right), c.rows)
}

impl Walkthrough {
    /// The defaults: scenario `ksm`, `wrapped` on the left, `patched` on
    /// the right, notifiers KVM and GRU.
    pub fn new_default() -> Walkthrough {
        let scenarios = Scenario::all_builtin();
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
        let (l, r, rows) = build(&scenarios[scenario], left, right, notifiers);
        Walkthrough {
            scenarios,
            scenario,
            notifiers: notifiers.to_vec(),
            left: l,
            right: r,
            rows,
            focus: Side::Left,
            mode: Mode::Normal,
            message: None,
        }
    }

    /// The scenario shown.
    pub fn current_scenario(&self) -> &Scenario {
        &self.scenarios[self.scenario]
    }

    /// One side.
    pub fn side(&self, s: Side) -> &SideState {
        match s {
            Side::Left => &self.left,
            Side::Right => &self.right,
        }
    }

    /// One side, mutably.
    pub fn side_mut(&mut self, s: Side) -> &mut SideState {
        match s {
            Side::Left => &mut self.left,
            Side::Right => &mut self.right,
        }
    }

    /// The sync points, in order.
    pub fn sync_points(&self) -> Vec<SyncPoint> {
        self.rows
            .iter()
            .filter_map(|r| match (r.left_step, r.right_step) {
                (Some(left), Some(right)) => Some(SyncPoint { name: r.milestone.clone(), left, right }),
                _ => None,
            })
            .collect()
    }

    /// Furthest position `side` may move forward to while the other side
    /// stays where it is: up to the first sync point the other side has not
    /// reached (and never backwards).
    pub fn forward_limit(&self, side: Side) -> usize {
        let me = self.side(side);
        let other = self.side(side.other()).pos;
        self.sync_points()
            .iter()
            .find(|p| other < p.step(side.other()))
            .map(|p| p.step(side).max(me.pos))
            .unwrap_or(me.len())
    }

    /// Lowest position `side` may move back to while the other side stays:
    /// not before a sync point the other side is already past.
    pub fn back_limit(&self, side: Side) -> usize {
        let me = self.side(side);
        let other = self.side(side.other()).pos;
        self.sync_points()
            .iter()
            .rev()
            .find(|p| other > p.step(side.other()))
            .map(|p| p.step(side).min(me.pos))
            .unwrap_or(0)
    }

    /// The sync point `side` is waiting at, if it is held there because the
    /// other side has not reached it yet.
    pub fn waiting_at(&self, side: Side) -> Option<String> {
        let me = self.side(side);
        let other = self.side(side.other()).pos;
        self.sync_points().into_iter().find(|p| p.step(side) == me.pos && other < p.step(side.other())).map(|p| p.name)
    }

    /// The milestone both sides stand at, if any (`start` before the first
    /// step): then their states are comparable value by value.
    pub fn common_milestone(&self) -> Option<String> {
        if self.left.pos == 0 && self.right.pos == 0 {
            return Some("start".into());
        }
        self.sync_points().into_iter().find(|p| p.left == self.left.pos && p.right == self.right.pos).map(|p| p.name)
    }

    /// The last milestone `side` has reached (name and step).
    pub fn last_milestone(&self, side: Side) -> Option<(String, usize)> {
        self.rows
            .iter()
            .rev()
            .filter_map(|r| {
                let s = match side {
                    Side::Left => r.left_step,
                    Side::Right => r.right_step,
                }?;
                (s <= self.side(side).pos).then(|| (r.milestone.clone(), s))
            })
            .next()
    }

    fn both_at_end(&self) -> bool {
        self.left.at_end() && self.right.at_end()
    }

    /// Moves both sides to `targets`, each clamped to what the other
    /// side's *current* position allows, and opens the summary when this
    /// move is the one that finishes both runs.
    fn move_both(&mut self, targets: [usize; 2]) {
        let was_end = self.both_at_end();
        let limits = [
            (self.back_limit(Side::Left), self.forward_limit(Side::Left)),
            (self.back_limit(Side::Right), self.forward_limit(Side::Right)),
        ];
        for (i, side) in Side::BOTH.into_iter().enumerate() {
            let (lo, hi) = limits[i];
            let s = self.side_mut(side);
            let to = targets[i].clamp(lo.min(s.pos), hi.max(s.pos));
            s.last_from = s.pos;
            s.pos = to;
            s.log_scroll = 0;
        }
        self.after_move(was_end);
    }

    fn after_move(&mut self, was_end: bool) {
        self.message = None;
        if self.mode == Mode::Summary {
            self.mode = Mode::Normal;
        }
        if !was_end && self.both_at_end() {
            self.mode = Mode::Summary;
        }
    }

    /// `s`: one statement on each side.
    pub fn step_into(&mut self) {
        self.move_both([self.left.step_into_target(), self.right.step_into_target()]);
    }

    /// `n`: next statement at the same depth on each side.
    pub fn next(&mut self) {
        self.move_both([self.left.next_target(), self.right.next_target()]);
    }

    /// `f`: run each side until its current function returns.
    pub fn finish(&mut self) {
        self.move_both([self.left.finish_target(), self.right.finish_target()]);
    }

    /// `b`: one statement back on each side.
    pub fn back(&mut self) {
        self.move_both([self.left.pos.saturating_sub(1), self.right.pos.saturating_sub(1)]);
    }

    /// `r`: both runs to their end.
    pub fn run_to_end(&mut self) {
        let was_end = self.both_at_end();
        for side in Side::BOTH {
            let s = self.side_mut(side);
            s.last_from = s.pos;
            s.pos = s.len();
            s.log_scroll = 0;
        }
        self.after_move(was_end);
    }

    /// `R`: both runs back to the start.
    pub fn restart(&mut self) {
        for side in Side::BOTH {
            let s = self.side_mut(side);
            s.pos = 0;
            s.last_from = 0;
            s.log_scroll = 0;
        }
        self.after_move(true);
    }

    /// `Tab`.
    pub fn toggle_focus(&mut self) {
        self.focus = self.focus.other();
    }

    /// Puts `moved` at `pos` and, if that broke the sync invariant, the
    /// other side at the last sync point `moved` has reached (the least
    /// surprising place that is consistent again).
    fn place(&mut self, moved: Side, pos: usize) {
        let was_end = self.both_at_end();
        let s = self.side_mut(moved);
        s.last_from = s.pos;
        s.pos = pos.min(s.len());
        s.log_scroll = 0;
        let points = self.sync_points();
        let mine = self.side(moved).pos;
        let theirs = self.side(moved.other()).pos;
        let consistent = points.iter().all(|p| {
            let (a, b) = (p.step(moved), p.step(moved.other()));
            // Neither side may be past a sync point the other has not reached.
            !(mine > a && theirs < b || theirs > b && mine < a)
        });
        if !consistent {
            let to = points.iter().rev().find(|p| p.step(moved) <= mine).map(|p| p.step(moved.other())).unwrap_or(0);
            let o = self.side_mut(moved.other());
            o.last_from = o.pos;
            o.pos = to;
            o.log_scroll = 0;
        }
        self.after_move(was_end);
    }

    /// `g`: a step number (focused side) or a milestone name (both sides).
    /// Milestones match exactly first, then by suffix, then by substring,
    /// so `pte-set` finds `write_protect_page:pte-set`.
    pub fn goto(&mut self, input: &str) -> Result<(), String> {
        let input = input.trim();
        if input.is_empty() {
            return Err("type a step number or a milestone name".into());
        }
        if let Ok(n) = input.parse::<usize>() {
            let len = self.side(self.focus).len();
            if n > len {
                return Err(format!("the {} run has {len} steps", self.focus.name()));
            }
            self.place(self.focus, n);
            return Ok(());
        }
        let row = self
            .rows
            .iter()
            .find(|r| r.milestone == input)
            .or_else(|| self.rows.iter().find(|r| r.milestone.ends_with(input)))
            .or_else(|| self.rows.iter().find(|r| r.milestone.contains(input)))
            .cloned();
        let Some(row) = row else {
            // The prompt shows the milestone list; the message stays short.
            return Err(format!("no step or milestone `{input}`"));
        };
        match (row.left_step, row.right_step) {
            (Some(l), Some(r)) => {
                let was_end = self.both_at_end();
                for (side, to) in [(Side::Left, l), (Side::Right, r)] {
                    let s = self.side_mut(side);
                    s.last_from = s.pos;
                    s.pos = to;
                    s.log_scroll = 0;
                }
                self.after_move(was_end);
            }
            (Some(l), None) => self.place(Side::Left, l),
            (None, Some(r)) => self.place(Side::Right, r),
            (None, None) => return Err(format!("milestone `{}` is reached by neither run", row.milestone)),
        }
        Ok(())
    }

    /// Mouse click on statement `pc` of the listing shown for `side`: run
    /// that side to the next step that executes it (the statement becomes
    /// the next to execute).
    pub fn run_to_statement(&mut self, side: Side, pc: usize) -> Result<(), String> {
        let s = self.side(side);
        let Some(shown) = s.shown_step() else {
            return Err("the run has no steps".into());
        };
        let f = shown.function;
        let found = (s.pos + 1..s.len()).find(|&q| {
            let st = &s.trace.steps[q];
            std::ptr::eq(st.function, f) && st.pc == pc
        });
        match found {
            Some(q) => {
                self.place(side, q);
                Ok(())
            }
            None => Err(format!(
                "{} line {} is not executed again in the {} run",
                f.name,
                f.body.get(pc).map(|b| b.line).unwrap_or(0),
                side.name()
            )),
        }
    }

    /// `]` / `[`: the focused side's semantics, cycling through
    /// original → wrapped → patched. The changed side lands at the last sync
    /// point the other side has reached, so the columns stay comparable.
    pub fn cycle_semantics(&mut self, forward: bool) {
        let side = self.focus;
        let all = Semantics::ALL;
        let i = all.iter().position(|s| *s == self.side(side).semantics).unwrap_or(0);
        let n = all.len();
        let sem = all[if forward { (i + 1) % n } else { (i + n - 1) % n }];
        let (l, r) = match side {
            Side::Left => (sem, self.right.semantics),
            Side::Right => (self.left.semantics, sem),
        };
        let keep = self.side(side.other()).pos;
        let (mut ls, mut rs, rows) = build(self.current_scenario(), l, r, &self.notifiers);
        match side {
            Side::Left => rs.pos = keep,
            Side::Right => ls.pos = keep,
        }
        self.left = ls;
        self.right = rs;
        self.rows = rows;
        let other = side.other();
        let to = self.sync_points().iter().rev().find(|p| p.step(other) <= keep).map(|p| p.step(side)).unwrap_or(0);
        self.place(side, to);
        let s = self.side_mut(side);
        s.last_from = s.pos;
        self.message = Some(format!("{} side: {} ({})", side.name(), sem.id(), sem.tag()));
    }

    /// Switches to `scenarios[index]`; both runs restart.
    pub fn choose_scenario(&mut self, index: usize) {
        if index >= self.scenarios.len() {
            return;
        }
        self.scenario = index;
        let (l, r, rows) = build(&self.scenarios[index], self.left.semantics, self.right.semantics, &self.notifiers);
        self.left = l;
        self.right = r;
        self.rows = rows;
        self.mode = Mode::Normal;
        self.message = Some(format!("scenario {}", self.current_scenario().name));
    }

    /// Registers exactly `notifiers` (kept in [`NotifierId::ALL`] order) and
    /// rebuilds both runs. Both sides go back to the last milestone both
    /// had reached if the new runs still have it, else to the start.
    pub fn set_notifiers(&mut self, notifiers: &[NotifierId]) {
        let keep = self
            .sync_points()
            .into_iter()
            .rev()
            .find(|p| self.left.pos >= p.left && self.right.pos >= p.right)
            .map(|p| p.name);
        let ordered: Vec<NotifierId> = NotifierId::ALL.into_iter().filter(|n| notifiers.contains(n)).collect();
        let (l, r, rows) = build(self.current_scenario(), self.left.semantics, self.right.semantics, &ordered);
        self.notifiers = ordered;
        self.left = l;
        self.right = r;
        self.rows = rows;
        if let Some(p) = keep.and_then(|k| self.sync_points().into_iter().find(|p| p.name == k)) {
            self.left.pos = p.left;
            self.right.pos = p.right;
            self.left.last_from = p.left;
            self.right.last_from = p.right;
        }
        self.mode = Mode::Normal;
        let ids: Vec<&str> = self.notifiers.iter().map(|n| n.id()).collect();
        self.message = Some(format!("notifiers: {}", if ids.is_empty() { "none".to_string() } else { ids.join(",") }));
    }

    /// Opens the notifier picker with the current set ticked.
    pub fn open_notifier_picker(&mut self) {
        let mut chosen = [false; 5];
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
        let s = self.side_mut(side);
        s.log_scroll = (i32::from(s.log_scroll) + delta).clamp(0, i32::from(u16::MAX)) as u16;
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
    fn step_into_advances_one_and_back_returns() {
        let mut w = wt();
        w.step_into();
        assert_eq!((w.left.pos, w.right.pos), (1, 1));
        w.step_into();
        w.back();
        assert_eq!((w.left.pos, w.right.pos), (1, 1));
        w.back();
        w.back();
        assert_eq!((w.left.pos, w.right.pos), (0, 0));
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
        assert_eq!(w.left.semantics, Semantics::Original);
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
    fn run_to_statement_finds_next_execution() {
        let mut w = wt();
        w.step_into();
        w.step_into();
        // Now inside write_protect_page; click its `set_pte_at_notify` line.
        let f = w.left.shown_step().unwrap().function;
        let pc = f.body.iter().position(|s| s.code.contains("set_pte_at_notify")).unwrap();
        w.run_to_statement(Side::Left, pc).unwrap();
        let s = w.left.next_step().unwrap();
        assert!(std::ptr::eq(s.function, f) && s.pc == pc);
        assert!(consistent(&w));
        // Clicking the statement just passed is not executed again.
        assert!(w.run_to_statement(Side::Left, 0).is_err());
    }

    #[test]
    fn log_scroll_saturates() {
        let mut w = wt();
        w.scroll_log(Side::Left, -5);
        assert_eq!(w.left.log_scroll, 0);
        w.scroll_log(Side::Left, 3);
        assert_eq!(w.left.log_scroll, 3);
        w.next();
        assert_eq!(w.left.log_scroll, 0);
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
