//! Side-by-side stepping through two recorded runs of one scenario: the
//! model every walkthrough front end (terminal, browser) shares.
//!
//! A [`Walk`] holds two [`Trace`]s of the same scenario under two
//! [`Semantics`] (one per [`Side`]), a position in each, and their
//! milestone alignment from [`compare()`]. Both runs use the default
//! schedule ([`Walk::new`], or [`Walk::with_actors`] for the explorer's
//! threads), except in the walk of a counterexample ([`Walk::replay`]),
//! whose left side replays the explorer's schedule. Every transition (`next`,
//! `step_into`, `finish`, `back`, `goto`, `run_to_end`, `restart`, changing
//! a side's semantics, the notifiers or the scenario) is a method here;
//! front ends only add their own concerns (focus, modes, scrolling,
//! rendering). Both sides replay recorded traces, so moving in either
//! direction is an index change: back-stepping is as cheap as stepping.
//!
//! ## Keeping the sides together
//!
//! The two runs are aligned on their milestones with the same longest
//! common subsequence `notifier-lab compare` uses. A milestone both runs
//! reach is a *sync point* ([`SyncPoint`]). Moving forward, a side may
//! execute a sync point's step only up to it: it waits there until the
//! other side reaches the same sync point. Moving back is the mirror image:
//! a side stays at a sync point while the other side is still past it. The
//! invariant kept by every transition is therefore "neither side is past a
//! sync point the other has not reached" ([`Walk::consistent`]).
//!
//! ## Marks
//!
//! [`Walk::changed_keys`] (what the last move changed on a side) and
//! [`Walk::differing_keys`] (what differs from the other side while both
//! stand at the same milestone) are computed on [`view::flatten`], the same
//! flat view `compare` diffs.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;

use crate::actor::Actor;
use crate::compare::{CompareRow, compare, compare_traces};
use crate::machine::Machine;
use crate::notifier::NotifierId;
use crate::scenario::Scenario;
use crate::semantics::Semantics;
use crate::trace::{Step, Trace};
use crate::view;

/// One of the two columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The left column.
    Left,
    /// The right column.
    Right,
}

impl Side {
    /// Both sides, left first.
    pub const BOTH: [Side; 2] = [Side::Left, Side::Right];

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

    /// 0 for left, 1 for right (for per-side arrays in front ends).
    pub fn index(self) -> usize {
        match self {
            Side::Left => 0,
            Side::Right => 1,
        }
    }
}

/// One side's recorded run and where it is.
#[derive(Debug, Clone)]
pub struct SideRun {
    /// Era simulated on this side.
    pub semantics: Semantics,
    /// The recorded run.
    pub trace: Trace,
    /// Steps executed, `0..=trace.steps.len()`.
    pub pos: usize,
    /// Position before the last move; [`SideRun::last_move`] is the range
    /// of steps the last forward move executed (`last_from..pos`).
    pub last_from: usize,
}

impl SideRun {
    fn new(semantics: Semantics, trace: Trace) -> SideRun {
        SideRun { semantics, trace, pos: 0, last_from: 0 }
    }

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

    /// The step whose function a listing shows: the next one, or the last
    /// one at the end of the run.
    pub fn shown_step(&self) -> Option<&Step> {
        self.next_step().or_else(|| self.trace.steps.last())
    }

    /// State after `n` steps (clamped to the run). Unlike
    /// [`Trace::state_at`] this does not underflow on an empty run.
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

    /// State before the last executed step.
    pub fn machine_before_last(&self) -> &Machine {
        self.state_at(self.pos.saturating_sub(1))
    }

    /// Steps (0-based indices) the last move is about: those the last
    /// forward move executed, or the last executed step after a backward
    /// move (empty at the start).
    pub fn last_move(&self) -> Range<usize> {
        if self.last_from < self.pos { self.last_from..self.pos } else { self.pos.saturating_sub(1)..self.pos }
    }

    /// The call stack (outermost first) of the thread about to run, as it
    /// is before its next step; at the end of the run, before the last
    /// step. Function names only (the breadcrumb).
    pub fn breadcrumb(&self) -> Vec<&'static str> {
        let (state, thread) = match (self.next_step(), self.trace.steps.last()) {
            (Some(st), _) => (self.state_at(self.pos), st.thread),
            (None, Some(st)) => (self.state_at(self.len() - 1), st.thread),
            (None, None) => return Vec::new(),
        };
        state.stack(thread).iter().map(|(f, _)| f.name).collect()
    }

    /// Target of `s`: one statement.
    pub fn step_into_target(&self) -> usize {
        (self.pos + 1).min(self.len())
    }

    /// Target of `n`: execute the next statement and any calls it makes,
    /// stopping at the next statement at the same or a lower depth (or on
    /// another thread, whose depths are unrelated).
    pub fn next_target(&self) -> usize {
        self.scan(|cur, s| s.depth <= cur.depth)
    }

    /// Target of `f`: run until the current function has returned.
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

    /// Violations raised by the steps executed so far.
    pub fn violations_so_far(&self) -> usize {
        self.trace.steps[..self.pos.min(self.len())].iter().map(|s| s.violations().count()).sum()
    }

    fn set(&mut self, pos: usize) {
        self.last_from = self.pos;
        self.pos = pos;
    }
}

/// A milestone both runs reach, with the 1-based step of each side (the
/// position right after executing the milestone statement).
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
    /// The step of `side`.
    pub fn step(&self, side: Side) -> usize {
        match side {
            Side::Left => self.left,
            Side::Right => self.right,
        }
    }
}

/// What a transition did, for front ends that react to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Moved {
    /// This move is the one that finished both runs (they were not both at
    /// their end before it).
    pub finished: bool,
    /// Which sides were (re)positioned, indexed by [`Side::index`].
    pub sides: [bool; 2],
}

/// Why a `goto` or a run-to-statement could not be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkError {
    /// Nothing was typed.
    Empty,
    /// A step number beyond the side's run.
    StepOutOfRange {
        /// The side.
        side: Side,
        /// Its number of steps.
        len: usize,
    },
    /// No milestone matches.
    NoSuchMilestone(String),
    /// The milestone exists in neither run (cannot happen for aligned rows).
    Unreached(String),
    /// The side's run has no steps.
    EmptyRun,
    /// The statement is not executed again on that side.
    NotExecutedAgain {
        /// Function name.
        function: &'static str,
        /// Its cited line.
        line: u32,
        /// The side.
        side: Side,
    },
}

impl fmt::Display for WalkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WalkError::Empty => f.write_str("type a step number or a milestone name"),
            WalkError::StepOutOfRange { side, len } => write!(f, "the {} run has {len} steps", side.name()),
            WalkError::NoSuchMilestone(s) => write!(f, "no step or milestone `{s}`"),
            WalkError::Unreached(m) => write!(f, "milestone `{m}` is reached by neither run"),
            WalkError::EmptyRun => f.write_str("the run has no steps"),
            WalkError::NotExecutedAgain { function, line, side } => {
                write!(f, "{function} line {line} is not executed again in the {} run", side.name())
            }
        }
    }
}

impl std::error::Error for WalkError {}

/// Two runs of one scenario, side by side, kept at corresponding
/// milestones (see the module docs).
#[derive(Debug, Clone)]
pub struct Walk {
    /// The scenario both sides run.
    pub scenario: Scenario,
    /// Registered notifiers, in list order.
    pub notifiers: Vec<NotifierId>,
    /// The explorer's actors both runs have (empty: the default threads).
    /// Rebuilding the runs (another semantics, scenario or notifier set)
    /// keeps them.
    pub actors: Vec<Actor>,
    /// Left run.
    pub left: SideRun,
    /// Right run.
    pub right: SideRun,
    /// Aligned milestones of the two runs (including one-sided ones).
    pub rows: Vec<CompareRow>,
}

impl Walk {
    /// Runs `scenario` under `left` and `right` with `notifiers` (kept in
    /// the given order) and aligns the runs; both sides start at step 0.
    pub fn new(scenario: Scenario, left: Semantics, right: Semantics, notifiers: &[NotifierId]) -> Walk {
        let c = compare(&scenario, left, right, notifiers);
        Walk::from_traces(scenario, notifiers, &[], c.left, c.right)
    }

    /// [`Walk::new`] with the explorer's `actors` in place of the default
    /// threads (empty: the default threads), both sides running the default
    /// schedule. Errors when an actor's notifier is not registered.
    pub fn with_actors(
        scenario: Scenario,
        left: Semantics,
        right: Semantics,
        notifiers: &[NotifierId],
        actors: &[Actor],
    ) -> Result<Walk, String> {
        if actors.is_empty() {
            return Ok(Walk::new(scenario, left, right, notifiers));
        }
        let l = default_run(&scenario, left, notifiers, actors)?;
        let r = default_run(&scenario, right, notifiers, actors)?;
        Ok(Walk::from_traces(scenario, notifiers, actors, l, r))
    }

    /// The walk of a counterexample: on the left, `schedule` (the thread
    /// index run at each step) replayed under `left`; on the right, the
    /// default schedule under `right`; the same notifiers and actors on
    /// both sides, aligned at milestones like any two runs. `notifier-lab
    /// --replay` and the browser demo's `schedule=` links use it. Errors,
    /// with the step, when the actors do not fit the notifiers or the
    /// schedule picks a thread that does not exist or cannot run then
    /// ([`Trace::replay`]).
    pub fn replay(
        scenario: Scenario,
        left: Semantics,
        right: Semantics,
        notifiers: &[NotifierId],
        actors: &[Actor],
        schedule: &[u8],
    ) -> Result<Walk, String> {
        let m = scenario.machine_with(left, notifiers, actors)?;
        let l = Trace::replay(&scenario.name, m, schedule)?;
        let r = default_run(&scenario, right, notifiers, actors)?;
        Ok(Walk::from_traces(scenario, notifiers, actors, l, r))
    }

    fn from_traces(scenario: Scenario, notifiers: &[NotifierId], actors: &[Actor], l: Trace, r: Trace) -> Walk {
        let (ls, rs) = (l.semantics, r.semantics);
        let c = compare_traces(l, r);
        Walk {
            scenario,
            notifiers: notifiers.to_vec(),
            actors: actors.to_vec(),
            left: SideRun::new(ls, c.left),
            right: SideRun::new(rs, c.right),
            rows: c.rows,
        }
    }

    /// This walk's configuration rebuilt with `scenario`, `left`, `right`
    /// and `notifiers`, both sides at the start. Actors whose notifier is
    /// no longer registered are left out.
    fn rebuilt(&self, scenario: Scenario, left: Semantics, right: Semantics, notifiers: &[NotifierId]) -> Walk {
        let actors: Vec<Actor> =
            self.actors.iter().copied().filter(|a| a.needs().is_none_or(|n| notifiers.contains(&n))).collect();
        // With every actor's notifier registered `with_actors` cannot fail
        // (the actor count was accepted when this walk was built); the
        // default threads are the nearest view if it ever did.
        Walk::with_actors(scenario.clone(), left, right, notifiers, &actors)
            .unwrap_or_else(|_| Walk::new(scenario, left, right, notifiers))
    }

    /// One side.
    pub fn side(&self, s: Side) -> &SideRun {
        match s {
            Side::Left => &self.left,
            Side::Right => &self.right,
        }
    }

    fn side_mut(&mut self, s: Side) -> &mut SideRun {
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

    /// Whether positions `left`/`right` keep the invariant: neither side is
    /// past a sync point the other has not reached.
    pub fn consistent_at(&self, left: usize, right: usize) -> bool {
        self.sync_points().iter().all(|p| !(left > p.left && right < p.right || right > p.right && left < p.left))
    }

    /// Whether the current positions keep the invariant.
    pub fn consistent(&self) -> bool {
        self.consistent_at(self.left.pos, self.right.pos)
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

    /// Both runs are at their end.
    pub fn both_at_end(&self) -> bool {
        self.left.at_end() && self.right.at_end()
    }

    /// Flattened-state keys of `side` that the last move changed (empty at
    /// step 0): against the state before the steps [`SideRun::last_move`]
    /// covers (one step for `s`/`b`, a whole call for `n`).
    pub fn changed_keys(&self, side: Side) -> BTreeSet<String> {
        let s = self.side(side);
        if s.pos == 0 {
            return BTreeSet::new();
        }
        let before = view::flatten(s.state_at(s.last_move().start));
        view::diff(&before, &view::flatten(s.machine())).into_iter().map(|(k, _, _)| k).collect()
    }

    /// Flattened-state keys whose values differ between the sides, when
    /// both stand at the same milestone (else empty: the states are not
    /// comparable value by value).
    pub fn differing_keys(&self) -> BTreeSet<String> {
        if self.common_milestone().is_none() {
            return BTreeSet::new();
        }
        let a = view::flatten(self.left.machine());
        let b = view::flatten(self.right.machine());
        view::diff(&a, &b).into_iter().map(|(k, _, _)| k).collect()
    }

    fn moved(&self, was_end: bool, sides: [bool; 2]) -> Moved {
        Moved { finished: !was_end && self.both_at_end(), sides }
    }

    /// Moves both sides to `targets`, each clamped to what the other
    /// side's *current* position allows.
    fn move_both(&mut self, targets: [usize; 2]) -> Moved {
        let was_end = self.both_at_end();
        let limits = [
            (self.back_limit(Side::Left), self.forward_limit(Side::Left)),
            (self.back_limit(Side::Right), self.forward_limit(Side::Right)),
        ];
        for side in Side::BOTH {
            let (lo, hi) = limits[side.index()];
            let s = self.side_mut(side);
            let to = targets[side.index()].clamp(lo.min(s.pos), hi.max(s.pos));
            s.set(to);
        }
        self.moved(was_end, [true, true])
    }

    /// `s`: one statement on each side.
    pub fn step_into(&mut self) -> Moved {
        self.move_both([self.left.step_into_target(), self.right.step_into_target()])
    }

    /// `n` ("next"): the next statement at the same depth on each side,
    /// stepping over calls.
    pub fn step_over(&mut self) -> Moved {
        self.move_both([self.left.next_target(), self.right.next_target()])
    }

    /// `f`: run each side until its current function returns.
    pub fn finish(&mut self) -> Moved {
        self.move_both([self.left.finish_target(), self.right.finish_target()])
    }

    /// `b`: one statement back on each side.
    pub fn back(&mut self) -> Moved {
        self.move_both([self.left.pos.saturating_sub(1), self.right.pos.saturating_sub(1)])
    }

    /// `r`: both runs to their end.
    pub fn run_to_end(&mut self) -> Moved {
        let was_end = self.both_at_end();
        for side in Side::BOTH {
            let s = self.side_mut(side);
            let len = s.len();
            s.set(len);
        }
        self.moved(was_end, [true, true])
    }

    /// `R`: both runs back to the start.
    pub fn restart(&mut self) -> Moved {
        for side in Side::BOTH {
            let s = self.side_mut(side);
            s.pos = 0;
            s.last_from = 0;
        }
        self.moved(true, [true, true])
    }

    /// Puts `moved` at `pos` (clamped to its run) and, if that broke the
    /// sync invariant, the other side at the last sync point `moved` has
    /// reached (the least surprising place that is consistent again).
    pub fn place(&mut self, moved: Side, pos: usize) -> Moved {
        let was_end = self.both_at_end();
        let s = self.side_mut(moved);
        let to = pos.min(s.len());
        s.set(to);
        let mut sides = [false; 2];
        sides[moved.index()] = true;
        let (l, r) = (self.left.pos, self.right.pos);
        if !self.consistent_at(l, r) {
            let mine = self.side(moved).pos;
            let to = self
                .sync_points()
                .iter()
                .rev()
                .find(|p| p.step(moved) <= mine)
                .map(|p| p.step(moved.other()))
                .unwrap_or(0);
            self.side_mut(moved.other()).set(to);
            sides[moved.other().index()] = true;
        }
        self.moved(was_end, sides)
    }

    /// Both sides straight to `left`/`right` (each clamped to its run);
    /// if the pair breaks the invariant, the right side is moved as by
    /// [`Walk::place`]`(Side::Left, left)`, so the left position is always
    /// kept. For restoring a saved view such as a deep link: afterwards
    /// "the last move" of each side is its last executed step, as if it had
    /// been reached by `s`.
    pub fn set_positions(&mut self, left: usize, right: usize) -> Moved {
        let was_end = self.both_at_end();
        let r = right.min(self.right.len());
        self.right.set(r);
        self.place(Side::Left, left);
        for side in Side::BOTH {
            let s = self.side_mut(side);
            s.last_from = s.pos;
        }
        self.moved(was_end, [true, true])
    }

    /// Goes to a step number on `side` or, for anything else, a milestone
    /// (both sides). Milestones match exactly first, then by suffix, then
    /// by substring, so `pte-set` finds `write_protect_page:pte-set`.
    pub fn goto(&mut self, side: Side, input: &str) -> Result<Moved, WalkError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(WalkError::Empty);
        }
        if let Ok(n) = input.parse::<usize>() {
            let len = self.side(side).len();
            if n > len {
                return Err(WalkError::StepOutOfRange { side, len });
            }
            return Ok(self.place(side, n));
        }
        self.goto_milestone(input)
    }

    /// Goes to the milestone `input` names (see [`Walk::goto`]). A
    /// milestone only one side reaches moves that side, and the other only
    /// as far as the invariant requires.
    pub fn goto_milestone(&mut self, input: &str) -> Result<Moved, WalkError> {
        let row = self
            .rows
            .iter()
            .find(|r| r.milestone == input)
            .or_else(|| self.rows.iter().find(|r| r.milestone.ends_with(input)))
            .or_else(|| self.rows.iter().find(|r| r.milestone.contains(input)))
            .cloned();
        let Some(row) = row else {
            return Err(WalkError::NoSuchMilestone(input.to_string()));
        };
        match (row.left_step, row.right_step) {
            (Some(l), Some(r)) => {
                let was_end = self.both_at_end();
                self.left.set(l);
                self.right.set(r);
                Ok(self.moved(was_end, [true, true]))
            }
            (Some(l), None) => Ok(self.place(Side::Left, l)),
            (None, Some(r)) => Ok(self.place(Side::Right, r)),
            (None, None) => Err(WalkError::Unreached(row.milestone)),
        }
    }

    /// Runs `side` to the next step that executes statement `pc` of the
    /// listing it shows (the statement becomes the next to execute).
    pub fn run_to_statement(&mut self, side: Side, pc: usize) -> Result<Moved, WalkError> {
        let s = self.side(side);
        let Some(shown) = s.shown_step() else {
            return Err(WalkError::EmptyRun);
        };
        let f = shown.function;
        let found = (s.pos + 1..s.len()).find(|&q| {
            let st = &s.trace.steps[q];
            std::ptr::eq(st.function, f) && st.pc == pc
        });
        match found {
            Some(q) => Ok(self.place(side, q)),
            None => Err(WalkError::NotExecutedAgain {
                function: f.name,
                line: f.body.get(pc).map(|b| b.line).unwrap_or(0),
                side,
            }),
        }
    }

    /// Re-runs `side` under `semantics`. The other side keeps its position
    /// and the changed side lands at the last sync point the other side has
    /// reached, so the columns stay comparable. Both sides then run the
    /// default schedule: a replayed schedule only fits the semantics it was
    /// found under, so a walk from [`Walk::replay`] becomes an ordinary one.
    ///
    /// Errors (and changes nothing) when a registered notifier does not
    /// exist at `semantics`' tag.
    pub fn set_semantics(&mut self, side: Side, semantics: Semantics) -> Result<Moved, String> {
        NotifierId::check_at(semantics, &self.notifiers)?;
        let (l, r) = match side {
            Side::Left => (semantics, self.right.semantics),
            Side::Right => (self.left.semantics, semantics),
        };
        let keep = self.side(side.other()).pos;
        let mut fresh = self.rebuilt(self.scenario.clone(), l, r, &self.notifiers);
        fresh.side_mut(side.other()).pos = keep;
        *self = fresh;
        let other = side.other();
        let to = self.sync_points().iter().rev().find(|p| p.step(other) <= keep).map(|p| p.step(side)).unwrap_or(0);
        let m = self.place(side, to);
        let s = self.side_mut(side);
        s.last_from = s.pos;
        Ok(m)
    }

    /// Semantics `side` would get from cycling through
    /// [`Semantics::ALL`] (`forward`, or the other way round), skipping
    /// those at whose tag a registered notifier does not exist.
    pub fn cycled_semantics(&self, side: Side, forward: bool) -> Semantics {
        let all = Semantics::ALL;
        let cur = self.side(side).semantics;
        let i = all.iter().position(|s| *s == cur).unwrap_or(0);
        let n = all.len();
        (1..n)
            .map(|k| all[if forward { (i + k) % n } else { (i + n - k) % n }])
            .find(|s| NotifierId::check_at(*s, &self.notifiers).is_ok())
            .unwrap_or(cur)
    }

    /// Switches to `scenario`; both runs restart.
    pub fn set_scenario(&mut self, scenario: Scenario) {
        *self = self.rebuilt(scenario, self.left.semantics, self.right.semantics, &self.notifiers);
    }

    /// Registers exactly `notifiers` (kept in [`NotifierId::ALL`] order) and
    /// re-runs both sides with the default schedule. Both go back to the
    /// last milestone both had reached if the new runs still have it, else
    /// to the start. Actors whose notifier is no longer registered are left
    /// out of [`Walk::actors`]; notifiers that do not exist at either
    /// side's tag are left out of [`Walk::notifiers`].
    pub fn set_notifiers(&mut self, notifiers: &[NotifierId]) {
        let keep = self
            .sync_points()
            .into_iter()
            .rev()
            .find(|p| self.left.pos >= p.left && self.right.pos >= p.right)
            .map(|p| p.name);
        let (l, r) = (self.left.semantics, self.right.semantics);
        let ordered: Vec<NotifierId> =
            NotifierId::ALL.into_iter().filter(|n| notifiers.contains(n) && n.exists_at(l) && n.exists_at(r)).collect();
        *self = self.rebuilt(self.scenario.clone(), self.left.semantics, self.right.semantics, &ordered);
        if let Some(p) = keep.and_then(|k| self.sync_points().into_iter().find(|p| p.name == k)) {
            self.left.pos = p.left;
            self.right.pos = p.right;
            self.left.last_from = p.left;
            self.right.last_from = p.right;
        }
    }
}

/// `scenario` with `actors` under the default schedule (the
/// lowest-numbered runnable thread first), as [`Trace::run`] runs the
/// default threads.
fn default_run(
    scenario: &Scenario,
    semantics: Semantics,
    notifiers: &[NotifierId],
    actors: &[Actor],
) -> Result<Trace, String> {
    let m = scenario.machine_with(semantics, notifiers, actors)?;
    Ok(Trace::run_with(&scenario.name, m, |runnable, _| runnable.first().copied()))
}

/// Haggai Eran's race (the cow scenario under `patched`, a host writer and
/// a GRU reader, the explorer's shortest schedule), replayed on the left
/// and standing at its last step: the fixture of the pictures' tests.
#[cfg(test)]
pub(crate) fn haggai_eran_replay() -> Walk {
    let sched: Vec<u8> = "000000000000000000000000000000000000000000012".bytes().map(|b| b - b'0').collect();
    let actors = [Actor::HostWrite, Actor::GruRead];
    let cow = Scenario::builtin("cow").expect("cow");
    let mut w = Walk::replay(cow, Semantics::Patched, Semantics::Patched, &NotifierId::DEFAULT, &actors, &sched)
        .expect("replay");
    w.set_positions(sched.len(), 0);
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk() -> Walk {
        let ksm = Scenario::builtin("ksm").expect("ksm is built in");
        Walk::new(ksm, Semantics::Wrapped, Semantics::Patched, &NotifierId::DEFAULT)
    }

    #[test]
    fn starts_at_start() {
        let w = walk();
        assert_eq!((w.left.pos, w.right.pos), (0, 0));
        assert_eq!(w.common_milestone().as_deref(), Some("start"));
        assert!(w.changed_keys(Side::Left).is_empty());
        assert!(!w.sync_points().is_empty());
    }

    #[test]
    fn step_into_and_back() {
        let mut w = walk();
        let m = w.step_into();
        assert_eq!((w.left.pos, w.right.pos), (1, 1));
        assert_eq!(m, Moved { finished: false, sides: [true, true] });
        w.step_into();
        w.back();
        assert_eq!((w.left.pos, w.right.pos), (1, 1));
        w.back();
        w.back();
        assert_eq!((w.left.pos, w.right.pos), (0, 0));
    }

    #[test]
    fn every_move_keeps_the_invariant_and_reports_the_finish() {
        for mv in [Walk::step_over, Walk::step_into, Walk::finish] {
            let mut w = walk();
            let mut finished = 0;
            let mut n = 0;
            while !w.both_at_end() {
                finished += usize::from(mv(&mut w).finished);
                assert!(w.consistent());
                n += 1;
                assert!(n < 1000, "no progress");
            }
            assert_eq!(finished, 1);
            assert!(!mv(&mut w).finished, "already at the end");
            while w.left.pos > 0 || w.right.pos > 0 {
                w.back();
                assert!(w.consistent());
                n += 1;
                assert!(n < 2000, "back made no progress");
            }
        }
    }

    #[test]
    fn sides_wait_at_sync_points() {
        let mut w = walk();
        let first = w.sync_points()[0].clone();
        for _ in 0..200 {
            if w.left.pos >= first.left && w.right.pos >= first.right {
                break;
            }
            w.step_over();
            assert!(w.left.pos <= first.left && w.right.pos <= first.right);
        }
        assert_eq!((w.left.pos, w.right.pos), (first.left, first.right));
        assert_eq!(w.common_milestone(), Some(first.name));
    }

    #[test]
    fn goto_and_place() {
        let mut w = walk();
        w.goto(Side::Left, "pte-set").unwrap();
        assert_eq!(w.common_milestone().as_deref(), Some("write_protect_page:pte-set"));
        w.goto(Side::Right, "100").unwrap();
        assert_eq!(w.right.pos, 100);
        assert!(w.consistent());
        assert_eq!(w.goto(Side::Left, ""), Err(WalkError::Empty));
        assert!(matches!(w.goto(Side::Left, "100000"), Err(WalkError::StepOutOfRange { .. })));
        assert_eq!(w.goto(Side::Left, "nope").unwrap_err().to_string(), "no step or milestone `nope`");
        let m = w.place(Side::Left, 1);
        assert!(m.sides[0] && w.consistent());
        w.set_positions(100_000, 100_000);
        assert!(w.both_at_end());
        w.set_positions(3, 0);
        assert_eq!(w.left.pos, 3);
        assert!(w.consistent());
        // Every reachable pair round-trips; an inconsistent pair keeps the
        // left position.
        let mut v = walk();
        while !v.both_at_end() {
            v.step_over();
            let (l, r) = (v.left.pos, v.right.pos);
            let mut u = walk();
            u.set_positions(l, r);
            assert_eq!((u.left.pos, u.right.pos), (l, r));
            assert_eq!(u.left.last_move(), l.saturating_sub(1)..l);
        }
        let mut u = walk();
        let last = u.sync_points().last().unwrap().clone();
        u.set_positions(last.left, 0);
        assert_eq!((u.left.pos, u.right.pos), (last.left, last.right));
    }

    #[test]
    fn changed_and_differing_keys() {
        let mut w = walk();
        // Run until a step changes something.
        while w.changed_keys(Side::Left).is_empty() && !w.left.at_end() {
            w.step_into();
        }
        assert!(!w.changed_keys(Side::Left).is_empty());
        // Somewhere along the aligned milestones the eras differ.
        let rows_differ = w.rows.iter().any(|r| !r.diffs.is_empty());
        let mut seen = false;
        for p in w.sync_points() {
            w.goto_milestone(&p.name).unwrap();
            seen |= !w.differing_keys().is_empty();
        }
        assert_eq!(seen, rows_differ);
        // Off a common milestone nothing is compared.
        w.restart();
        w.place(Side::Left, 1);
        if w.common_milestone().is_none() {
            assert!(w.differing_keys().is_empty());
        }
    }

    #[test]
    fn semantics_notifiers_scenario() {
        let mut w = walk();
        w.goto_milestone("write_protect_page:pte-set").unwrap();
        let next = w.cycled_semantics(Side::Left, true);
        assert_eq!(next, Semantics::Patched);
        w.set_semantics(Side::Left, Semantics::Original).unwrap();
        assert_eq!(w.left.semantics, Semantics::Original);
        assert_eq!(w.common_milestone().as_deref(), Some("write_protect_page:pte-set"));
        assert_eq!(w.cycled_semantics(Side::Left, false), Semantics::V6_10);
        w.set_notifiers(&[NotifierId::Sleepable, NotifierId::Kvm]);
        assert_eq!(w.notifiers, vec![NotifierId::Kvm, NotifierId::Sleepable]);
        assert!(w.consistent());
        w.set_scenario(Scenario::builtin("cow").unwrap());
        assert_eq!(w.scenario.name, "cow");
        assert_eq!((w.left.pos, w.right.pos), (0, 0));
    }

    #[test]
    fn breadcrumb_ends_in_the_shown_function() {
        let mut w = walk();
        for _ in 0..5 {
            w.step_into();
            let s = &w.left;
            let crumb = s.breadcrumb();
            assert_eq!(crumb.last().copied(), s.shown_step().map(|st| st.function.name));
        }
        w.run_to_end();
        assert!(!w.left.breadcrumb().is_empty());
    }

    #[test]
    fn run_to_statement() {
        let mut w = walk();
        w.step_into();
        w.step_into();
        let f = w.left.shown_step().unwrap().function;
        let pc = f.body.iter().position(|s| s.code.contains("set_pte_at_notify")).unwrap();
        w.run_to_statement(Side::Left, pc).unwrap();
        let s = w.left.next_step().unwrap();
        assert!(std::ptr::eq(s.function, f) && s.pc == pc);
        assert!(w.consistent());
        assert!(matches!(w.run_to_statement(Side::Left, 0), Err(WalkError::NotExecutedAgain { .. })));
    }

    fn cow_with_actors() -> (Scenario, [Actor; 2]) {
        (Scenario::builtin("cow").expect("cow is built in"), [Actor::HostWrite, Actor::GruRead])
    }

    #[test]
    fn actors_replace_the_default_threads_and_survive_rebuilds() {
        let (cow, actors) = cow_with_actors();
        let mut w =
            Walk::with_actors(cow.clone(), Semantics::Patched, Semantics::Wrapped, &NotifierId::DEFAULT, &actors)
                .unwrap();
        let kinds = |w: &Walk| w.left.trace.initial.threads.iter().map(|t| t.kind.id()).collect::<Vec<_>>();
        assert_eq!(kinds(&w), ["host", "host_write", "gru"]);
        assert_eq!(w.actors, actors);
        w.set_semantics(Side::Left, Semantics::Original).unwrap();
        w.set_scenario(cow.clone());
        assert_eq!((w.actors.as_slice(), kinds(&w)), (&actors[..], vec!["host", "host_write", "gru"]));
        // Without GRU the GRU instruction cannot exist: it is left out.
        w.set_notifiers(&[NotifierId::Kvm]);
        assert_eq!((w.actors.as_slice(), kinds(&w)), (&[Actor::HostWrite][..], vec!["host", "host_write"]));
        let e = Walk::with_actors(cow, Semantics::Patched, Semantics::Patched, &[NotifierId::Kvm], &actors);
        assert!(e.unwrap_err().contains("needs the `gru` notifier"));
    }

    #[test]
    fn replay_runs_the_schedule_on_the_left_and_the_default_on_the_right() {
        let (cow, actors) = cow_with_actors();
        let plain =
            Walk::with_actors(cow.clone(), Semantics::Patched, Semantics::Wrapped, &NotifierId::DEFAULT, &actors)
                .unwrap();
        // The writer's first statement, the GRU read (one statement: its
        // TLB entry is valid), then the host path.
        let schedule = [1, 2, 0, 0, 0];
        let w = Walk::replay(cow, Semantics::Patched, Semantics::Wrapped, &NotifierId::DEFAULT, &actors, &schedule)
            .unwrap();
        let picked: Vec<u8> = w.left.trace.steps.iter().map(|s| s.thread.0).collect();
        assert_eq!(picked, schedule);
        assert_eq!((w.left.semantics, w.right.semantics), (Semantics::Patched, Semantics::Wrapped));
        assert_eq!(w.right.trace.steps.len(), plain.right.trace.steps.len());
        assert!(w.right.trace.steps.iter().zip(&plain.right.trace.steps).all(|(a, b)| a.thread == b.thread));
        assert_eq!(w.actors, actors);
        assert!(w.consistent());
    }

    #[test]
    fn replay_rejects_a_schedule_that_cannot_run() {
        let (cow, actors) = cow_with_actors();
        let replay = |schedule: &[u8]| {
            Walk::replay(cow.clone(), Semantics::Patched, Semantics::Patched, &NotifierId::DEFAULT, &actors, schedule)
                .map(|w| w.left.len())
        };
        assert_eq!(
            replay(&[0, 0, 3]).unwrap_err(),
            "step 3: the schedule picks thread 3, but there are 3 threads (0:host 1:host_write 2:gru)"
        );
        // The whole default run, then one more step of the finished host.
        let default =
            Walk::with_actors(cow.clone(), Semantics::Patched, Semantics::Patched, &NotifierId::DEFAULT, &actors)
                .unwrap();
        let mut all: Vec<u8> = default.left.trace.steps.iter().map(|s| s.thread.0).collect();
        let host_steps = all.iter().take_while(|&&t| t == 0).count();
        assert_eq!(replay(&all), Ok(all.len()));
        let mut finished = all[..host_steps].to_vec();
        finished.push(0);
        assert_eq!(replay(&finished).unwrap_err(), format!("step {}: thread 0 (host) has finished", host_steps + 1));
        all.push(2);
        let e = replay(&all).unwrap_err();
        assert!(e.contains("stopped after") && e.contains("all threads finished"), "{e}");
        // A thread blocked on a lock: let every thread run as far as it can
        // on its own until one waits for another.
        let m = cow.machine_with(Semantics::Patched, &NotifierId::DEFAULT, &actors).unwrap();
        let mut prefix = Vec::new();
        let mut state = m.clone();
        let blocked = 'search: loop {
            for t in state.thread_ids() {
                if let Some(why) = state.blocked_on(t) {
                    break 'search Some((t, why));
                }
            }
            // The highest-numbered runnable thread: the actors run into the
            // host path's locks.
            let Some(&t) = state.runnable().last() else { break None };
            assert!(matches!(state.step(t), crate::machine::StepOutcome::Ran(_)));
            prefix.push(t.0);
            if prefix.len() > 500 {
                break None;
            }
        };
        let (t, why) = blocked.expect("some thread waits for another in this schedule");
        let kind = state.threads[t.0 as usize].kind.id();
        prefix.push(t.0);
        assert_eq!(replay(&prefix).unwrap_err(), format!("step {}: thread {} ({kind}) {why}", prefix.len(), t.0));
    }
}
