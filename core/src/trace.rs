//! A recorded run: every step with its events and the state after it, plus
//! a [`Summary`] computed from the events. `to_json` is the documented
//! contract (see `docs/trace-json.md`).

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::event::{Event, Violation};
use crate::kernel::Function;
use crate::machine::{Machine, StepOutcome, ThreadId};
use crate::notifier::NotifierId;

use crate::scenario::{Expectation, Scenario};
use crate::semantics::Semantics;

/// Version of the trace JSON format.
pub const TRACE_FORMAT_VERSION: u32 = 1;

/// Upper bound on steps of one run (guards against a scheduler that keeps
/// a retry loop spinning).
pub const MAX_STEPS: usize = 5_000;

/// One executed statement.
#[derive(Debug, Clone)]
pub struct Step {
    /// Thread that ran.
    pub thread: ThreadId,
    /// The kind of the thread that ran (`host`, `vcpu`, `host_write`, `gru`).
    pub thread_kind: &'static str,
    /// Call depth (0 = the thread's outermost function).
    pub depth: usize,
    /// The function listing.
    pub function: &'static Function,
    /// Statement index in `function.body`.
    pub pc: usize,
    /// Milestone reached (`write_protect_page:ptl-taken`, `done`).
    pub milestone: Option<String>,
    /// What happened.
    pub events: Vec<Event>,
    /// The state after the step.
    pub after: Machine,
}

impl Step {
    /// The pseudo-C line.
    pub fn code(&self) -> &'static str {
        self.function.body.get(self.pc).map(|s| s.code).unwrap_or("")
    }

    /// Its citation.
    pub fn source(&self) -> crate::source::Source {
        self.function.source(self.pc)
    }

    /// Violations raised by this step.
    pub fn violations(&self) -> impl Iterator<Item = &Violation> {
        self.events.iter().filter_map(|e| match e {
            Event::Violation(v) => Some(v),
            _ => None,
        })
    }
}

pub use crate::summary::{CounterRow, Summary};

/// A recorded run.
#[derive(Debug, Clone)]
pub struct Trace {
    /// Scenario name.
    pub scenario: String,
    /// Semantics.
    pub semantics: Semantics,
    /// Registered notifiers, in list order.
    pub notifiers: Vec<NotifierId>,
    /// The state before the first step.
    pub initial: Machine,
    /// The steps.
    pub steps: Vec<Step>,
    /// Counts and violations.
    pub summary: Summary,
}

impl Trace {
    /// Runs `scenario` to completion with the default schedule: the host path
    /// runs to its end, then the vCPU does its accesses (the lowest-numbered
    /// runnable thread always goes first).
    pub fn run(scenario: &Scenario, semantics: Semantics, notifiers: &[NotifierId]) -> Trace {
        let m = scenario.machine(semantics, notifiers);
        Trace::run_with(&scenario.name, m, |runnable, _| runnable.first().copied())
    }

    /// Runs `machine` choosing each step's thread with `pick` (given the
    /// runnable threads and the machine). Stops when every thread is done,
    /// when `pick` returns `None`, on deadlock or after [`MAX_STEPS`].
    pub fn run_with(
        scenario: &str,
        machine: Machine,
        mut pick: impl FnMut(&[ThreadId], &Machine) -> Option<ThreadId>,
    ) -> Trace {
        let notifiers = machine.notifier_ids();
        let semantics = machine.semantics;
        let initial = machine.clone();
        let mut m = machine;
        let mut steps = Vec::new();
        let mut stopped = None;
        while !m.all_done() {
            if steps.len() >= MAX_STEPS {
                stopped = Some(format!("stopped after {MAX_STEPS} steps"));
                break;
            }
            let runnable = m.runnable();
            if runnable.is_empty() {
                let why: Vec<String> = m
                    .thread_ids()
                    .filter_map(|t| m.blocked_on(t).map(|w| format!("{} {w}", m.threads[t.0 as usize].kind.id())))
                    .collect();
                stopped = Some(format!("deadlock: {}", why.join("; ")));
                break;
            }
            let Some(t) = pick(&runnable, &m) else {
                stopped = Some("schedule ended".into());
                break;
            };
            match m.step(t) {
                StepOutcome::Ran(x) => steps.push(Step {
                    thread: x.thread,
                    thread_kind: m.threads[x.thread.0 as usize].kind.id(),
                    depth: x.depth,
                    function: x.function,
                    pc: x.pc,
                    milestone: x.milestone,
                    events: x.events,
                    after: m.clone(),
                }),
                StepOutcome::Blocked(_) | StepOutcome::Done => {
                    stopped = Some(format!("scheduler picked thread {} which cannot run", t.0));
                    break;
                }
            }
        }
        let summary =
            Summary::from_events(semantics, &notifiers, steps.iter().flat_map(|s| &s.events), steps.len(), stopped);
        Trace { scenario: scenario.to_string(), semantics, notifiers, initial, steps, summary }
    }

    /// Runs `machine` with the thread of each step given by `schedule`
    /// (thread indices, e.g. a counterexample's) and records it like
    /// [`Trace::run_with`]. Errors, naming the step, when the schedule
    /// picks a thread that does not exist or cannot run at that step, or
    /// when the run stops before the schedule ends.
    pub fn replay(scenario: &str, machine: Machine, schedule: &[u8]) -> Result<Trace, String> {
        let threads = machine.threads.len();
        if let Some(i) = schedule.iter().position(|&t| usize::from(t) >= threads) {
            let kinds: Vec<String> =
                machine.threads.iter().enumerate().map(|(j, t)| format!("{j}:{}", t.kind.id())).collect();
            return Err(format!(
                "step {}: the schedule picks thread {}, but there are {threads} threads ({})",
                i + 1,
                schedule[i],
                kinds.join(" ")
            ));
        }
        let mut picked = 0;
        let mut bad = None;
        let trace = Trace::run_with(scenario, machine, |runnable, m| {
            let t = ThreadId(*schedule.get(picked)?);
            picked += 1;
            if !runnable.contains(&t) {
                let why = m.blocked_on(t).unwrap_or_else(|| "has finished".into());
                bad = Some(format!("step {picked}: thread {} ({}) {why}", t.0, m.threads[t.0 as usize].kind.id()));
            }
            Some(t)
        });
        if let Some(e) = bad {
            return Err(e);
        }
        if trace.steps.len() != schedule.len() {
            return Err(format!(
                "the schedule has {} steps but the run stopped after {} ({})",
                schedule.len(),
                trace.steps.len(),
                trace.summary.stopped.as_deref().unwrap_or("all threads finished")
            ));
        }
        Ok(trace)
    }

    /// The state after `n` steps (0 = initial).
    pub fn state_at(&self, n: usize) -> &Machine {
        match self.steps.get(n.min(self.steps.len()).wrapping_sub(1)) {
            Some(s) if n > 0 => &s.after,
            _ => &self.initial,
        }
    }

    /// Index (1-based step count) of the first step with `milestone`.
    pub fn milestone_step(&self, milestone: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.milestone.as_deref() == Some(milestone)).map(|i| i + 1)
    }

    /// The trace JSON (format version [`TRACE_FORMAT_VERSION`]).
    pub fn to_json(&self) -> Value {
        json!({
            "format": TRACE_FORMAT_VERSION,
            "scenario": self.scenario,
            "semantics": self.semantics.id(),
            "tag": self.semantics.tag(),
            "notifiers": self.notifiers.iter().map(|n| n.id()).collect::<Vec<_>>(),
            "steps": self.steps.iter().enumerate().map(|(i, s)| {
                let src = s.source();
                let mut o = json!({
                    "index": i + 1,
                    "thread": s.thread_kind,
                    "depth": s.depth,
                    "function": s.function.name,
                    "code": s.code(),
                    "source": {"file": src.file, "line": src.line, "tag": src.tag, "url": src.url()},
                    "events": s.events.iter().map(|e| {
                        let mut v = serde_json::to_value(e).unwrap_or(Value::Null);
                        if let Value::Object(o) = &mut v {
                            o.insert("message".into(), json!(e.message()));
                        }
                        v
                    }).collect::<Vec<_>>(),
                });
                if let (Some(m), Value::Object(o)) = (&s.milestone, &mut o) {
                    o.insert("milestone".into(), json!(m));
                }
                if let (Some(n), Value::Object(o)) = (src.tag.not_kernel, &mut o) {
                    if let Some(Value::Object(so)) = o.get_mut("source") {
                        so.insert("not_kernel".into(), json!(n));
                    }
                }
                o
            }).collect::<Vec<_>>(),
            "summary": self.summary.to_json(),
        })
    }

    /// The human-readable trace (also the golden-file format).
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# scenario {} | semantics {} ({}) | notifiers {}",
            self.scenario,
            self.semantics.id(),
            self.semantics.tag(),
            self.notifiers.iter().map(|n| n.id()).collect::<Vec<_>>().join(",")
        );
        for (i, s) in self.steps.iter().enumerate() {
            let indent = "  ".repeat(s.depth);
            let _ = writeln!(
                out,
                "{:>3} {:<4} {indent}{}: {}  [{}]{}",
                i + 1,
                s.thread_kind,
                s.function.name,
                s.code(),
                s.source(),
                s.milestone.as_ref().map(|m| format!("  <{m}>")).unwrap_or_default()
            );
            for e in &s.events {
                let _ = writeln!(out, "         {indent}  - {}", e.message());
            }
        }
        out.push_str(&self.summary_text());
        out
    }

    /// The summary block of [`Trace::to_text`].
    pub fn summary_text(&self) -> String {
        use std::fmt::Write;
        let s = &self.summary;
        let mut out = String::new();
        let _ = writeln!(out, "summary:");
        for (n, cbs) in &s.calls {
            let under = &s.calls_under_ptl[n];
            let parts: Vec<String> =
                cbs.iter().map(|(c, k)| format!("{}={} (under PT lock {})", c.id(), k, under[c])).collect();
            let _ = writeln!(out, "  calls {}: {}", n.id(), parts.join(", "));
        }
        for n in NotifierId::ALL.into_iter().filter(|n| self.notifiers.contains(n)) {
            let rows: Vec<String> = s.counter_rows(n).iter().map(|r| format!("{}={}", r.key, r.value)).collect();
            let _ = writeln!(out, "  {}: {}", n.id(), rows.join(" "));
        }
        let _ = writeln!(out, "  steps={}", s.steps);
        if let Some(why) = &s.stopped {
            let _ = writeln!(out, "  stopped: {why}");
        }
        if s.violations.is_empty() {
            let _ = writeln!(out, "  violations: none");
        } else {
            for v in &s.violations {
                let _ = writeln!(out, "  violation {}: {}", v.id.id(), v.message);
            }
        }
        out
    }
}

/// The outcome of checking one expectation.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectationCheck {
    /// The expectation.
    pub expectation: Expectation,
    /// Differences, empty when the model agrees.
    pub mismatches: Vec<String>,
}

// A scenario file's `[[expect]]` tables are checked by running it: this
// lives with the runs, so that parsing a scenario never runs one.
impl Scenario {
    /// Runs every `[[expect]]` and reports disagreements.
    pub fn check_expectations(&self) -> Vec<ExpectationCheck> {
        self.expect
            .iter()
            .map(|e| {
                let trace = Trace::run(self, e.semantics, &e.notifiers);
                let actual = trace.summary.to_json();
                let mut mismatches = Vec::new();
                compare_subset("", &e.expected, &actual, &mut mismatches);
                ExpectationCheck { expectation: e.clone(), mismatches }
            })
            .collect()
    }
}

fn compare_subset(path: &str, expected: &serde_json::Value, actual: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    if path == "violations" {
        let want: BTreeSet<String> =
            expected.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(String::from)).collect();
        let got: BTreeSet<String> = actual
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.get("id").and_then(Value::as_str).map(String::from))
            .collect();
        if want != got {
            out.push(format!("violations: expected {want:?}, model says {got:?}"));
        }
        return;
    }
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                match a.get(k) {
                    Some(av) => compare_subset(&p, v, av, out),
                    None => out.push(format!("{p}: not in the summary")),
                }
            }
        }
        (e, a) if e == a => {}
        // Integers compare exactly (`e == a` above); a float never equals
        // the summary's integers (parsing rejects them anyway).
        (e, a) => out.push(format!("{path}: expected {e}, model says {a}")),
    }
}
