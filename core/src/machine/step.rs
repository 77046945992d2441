//! One transition: run the next statement of a thread, apply its
//! [`Flow`] to the call stack, pop finished frames, check the invariants.

use super::{Executed, Frame, Locals, MAX_STACK_DEPTH, Machine, StepOutcome, Thread, ThreadId};
use crate::event::Event;
use crate::invariants::{self, StateViolation};
use crate::kernel::{self, FuncId, Function};

/// Where a thread goes after a statement: what an op returns to the
/// interpreter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// The next statement.
    Next,
    /// `return f(...)`: the caller ends when `f` returns.
    TailCall(FuncId),
    /// Jump to a label of the same function.
    Goto(&'static str),
    /// Execute the same statement again (a wait, a loop over accesses).
    Stay,
    /// Call a function, continue after the statement when it returns.
    Call(FuncId),
    /// Call a function, then execute this statement again (a fault
    /// handler, after which the access is retried).
    CallThenRetry(FuncId),
    /// Call notifier `notifier`'s callback `func`; continue at `then`
    /// (else the next statement) when it returns.
    Invoke {
        /// The callback's function.
        func: FuncId,
        /// Index of the notifier it serves.
        notifier: u8,
        /// Label to continue at.
        then: Option<&'static str>,
    },
    /// Return from the current function.
    Return,
}

impl Machine {
    /// Executes one statement of thread `t` and checks the invariants.
    pub fn step(&mut self, t: ThreadId) -> StepOutcome {
        let Some(th) = self.threads.get(t.0 as usize) else {
            return StepOutcome::Done;
        };
        if th.done() {
            return StepOutcome::Done;
        }
        if self.block(t).is_some() {
            return StepOutcome::Blocked(self.blocked_on(t).unwrap_or_default());
        }
        let depth = th.stack.len() - 1;
        let scope = self.milestone_scope(t);
        let mut ev = Vec::new();
        let Some((function, pc, milestone, finished)) = self.run_statement(t, &mut ev, None) else {
            return StepOutcome::Done;
        };
        let milestone = match (milestone, finished) {
            (_, true) => Some("done".to_string()),
            (Some(m), false) => Some(format!("{scope}:{m}")),
            (None, false) => None,
        };
        StepOutcome::Ran(Executed { thread: t, depth, function, pc, milestone, events: ev })
    }

    /// The function name `t`'s next milestone carries
    /// ([`FuncId::milestones_of`]): its running function's, or, inside a
    /// header macro's listing, the nearest caller's.
    fn milestone_scope(&self, t: ThreadId) -> &'static str {
        let stack = &self.threads[t.0 as usize].stack;
        stack
            .iter()
            .rev()
            .find_map(|fr| fr.func.milestones_of())
            .map_or("", |f| kernel::function(f, self.semantics).name)
    }

    /// The explorer's form of [`Machine::step`] for a thread that
    /// [`Machine::runnable_into`] listed: the same transition and the same
    /// invariant checks, with the events written into `ev` (cleared first)
    /// and no milestone text. False when no statement ran.
    pub(crate) fn step_runnable(&mut self, t: ThreadId, ev: &mut Vec<Event>) -> bool {
        let before = invariants::state_violations(self);
        self.step_runnable_from(t, ev, &before)
    }

    /// [`Machine::step_runnable`] with the state violations of this state
    /// already known (`before`: the explorer computes them once for all the
    /// successors of a state). Clears [`Machine::globals_written`] first, so
    /// that it tells afterwards whether the step wrote the globals; when it
    /// did not, the state violations (a property of the globals) cannot
    /// have changed and are not computed again.
    pub(crate) fn step_runnable_from(&mut self, t: ThreadId, ev: &mut Vec<Event>, before: &[StateViolation]) -> bool {
        ev.clear();
        debug_assert!(self.block(t).is_none(), "step_runnable on a blocked thread");
        self.globals_written = false;
        match self.threads.get(t.0 as usize) {
            Some(th) if !th.done() => self.run_statement(t, ev, Some(before)).is_some(),
            _ => false,
        }
    }

    /// Executes the next statement of `t` (which exists, has not finished
    /// and is not blocked) and checks the invariants. Returns the function,
    /// the statement index, its milestone and whether the thread finished;
    /// `None` when no statement ran.
    /// `before`: this state's [`invariants::state_violations`], when the
    /// caller knows them and clears `globals_written` before the step.
    fn run_statement(
        &mut self,
        t: ThreadId,
        ev: &mut Vec<Event>,
        before: Option<&[StateViolation]>,
    ) -> Option<(&'static Function, usize, Option<&'static str>, bool)> {
        let fr = *self.threads[t.0 as usize].stack.last().expect("non-empty stack");
        let function = kernel::function(fr.func, self.semantics);
        let pc = fr.pc as usize;
        let Some(stmt) = function.body.get(pc) else {
            // Defensive: a frame past its end returns at once.
            self.pop_finished(t, &mut Vec::new());
            return None;
        };
        let computed;
        let before = match before {
            Some(b) => b,
            None => {
                computed = invariants::state_violations(self);
                &computed[..]
            }
        };
        self.steps += 1;
        let flow = self.exec(t, fr, stmt.op, ev);
        self.apply(t, function, flow, ev);
        let finished = self.pop_finished(t, ev);
        // Without a write to the globals, the state violations are `before`.
        let state_may_differ = self.globals_written;
        invariants::check_step(self, t, before, state_may_differ, ev);
        Some((function, pc, stmt.milestone, finished))
    }

    fn apply(&mut self, t: ThreadId, function: &'static Function, flow: Flow, ev: &mut Vec<Event>) {
        let th = &mut self.threads[t.0 as usize];
        let top = th.stack.len() - 1;
        let push = |th: &mut Thread, f: Frame, ev: &mut Vec<Event>| {
            if !th.stack.push(f) {
                ev.push(Event::Branch { why: format!("model error: call stack deeper than {MAX_STACK_DEPTH} frames") });
            }
        };
        let label = |l: &str, ev: &mut Vec<Event>| match function.label(l) {
            Some(i) => i as u8,
            None => {
                ev.push(Event::Branch { why: format!("model error: no label `{l}` in {}", function.name) });
                function.body.len() as u8
            }
        };
        match flow {
            Flow::Next => th.stack[top].pc += 1,
            Flow::TailCall(f) => {
                let notifier = th.stack[top].notifier;
                th.stack[top].pc = function.body.len() as u8;
                push(th, Frame { func: f, pc: 0, mn: 0, notifier }, ev);
            }
            Flow::Stay => {}
            Flow::Goto(l) => th.stack[top].pc = label(l, ev),
            Flow::Return => pop_frame(th),
            Flow::Call(f) => {
                let notifier = th.stack[top].notifier;
                th.stack[top].pc += 1;
                push(th, Frame { func: f, pc: 0, mn: 0, notifier }, ev);
            }
            Flow::CallThenRetry(f) => {
                let notifier = th.stack[top].notifier;
                push(th, Frame { func: f, pc: 0, mn: 0, notifier }, ev);
            }
            Flow::Invoke { func, notifier, then } => {
                th.stack[top].pc = match then {
                    Some(l) => label(l, ev),
                    None => th.stack[top].pc + 1,
                };
                push(th, Frame { func, pc: 0, mn: 0, notifier }, ev);
            }
        }
    }

    /// Pops frames that ran off their end; returns true when the thread
    /// finished in this step.
    fn pop_finished(&mut self, t: ThreadId, ev: &mut Vec<Event>) -> bool {
        let sem = self.semantics;
        let th = &mut self.threads[t.0 as usize];
        if th.stack.is_empty() {
            ev.push(Event::ThreadDone);
            return true;
        }
        while let Some(fr) = th.stack.last() {
            if (fr.pc as usize) < kernel::function(fr.func, sem).body.len() {
                return false;
            }
            pop_frame(th);
        }
        // A finished thread's locals are dead: nothing reads them again.
        // Forgetting them lets the explorer merge states that differ only
        // in what a finished thread last computed.
        th.locals = Locals::default();
        ev.push(Event::ThreadDone);
        true
    }
}

/// Pops `th`'s innermost frame; a page fault's locals die with
/// `handle_pte_fault`'s frame ([`Locals::forget_fault`]).
fn pop_frame(th: &mut Thread) {
    if th.stack.pop().is_some_and(|f| f.func == FuncId::HandlePteFault) {
        th.locals.forget_fault();
    }
}
