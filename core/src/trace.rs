//! A recorded run: every step with its events and the state after it, plus
//! a [`Summary`] computed from the events. `to_json` is the documented
//! contract (see `ARCHITECTURE.md`, "Trace JSON").

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::event::{Event, Violation};
use crate::kernel::Function;
use crate::machine::{Machine, StepOutcome, ThreadId};
use crate::notifier::{Callback, NotifierId};
use crate::scenario::Scenario;
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
    /// `host` or `vcpu`.
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

/// Counts a run produced, computed from its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Registered notifiers.
    pub notifiers: Vec<NotifierId>,
    /// Callback invocations per notifier.
    pub calls: BTreeMap<NotifierId, BTreeMap<Callback, u32>>,
    /// Of those, made while the PT lock was held.
    pub calls_under_ptl: BTreeMap<NotifierId, BTreeMap<Callback, u32>>,
    /// sptes dropped.
    pub sptes_zapped: u32,
    /// sptes rewritten in place by `change_pte`.
    pub sptes_remapped: u32,
    /// `change_pte` calls that found no spte.
    pub change_pte_misses: u32,
    /// Guest EPT/NPT violation exits.
    pub guest_faults: u32,
    /// `mmu_notifier_retry` retries.
    pub fault_retries: u32,
    /// GRU TLB invalidations.
    pub gru_tlb_flushes: u32,
    /// GRU `wake_up_all` calls.
    pub gru_wake_up_all: u32,
    /// Highest `ms_range_active` seen.
    pub gru_max_range_active: i32,
    /// AMD IOMMUv2 one-page flushes.
    pub amd_page_flushes: u32,
    /// AMD IOMMUv2 GCR3 swaps (each a full PASID flush).
    pub amd_gcr3_swaps: u32,
    /// Xen gntdev unmap walks.
    pub gntdev_unmap_walks: u32,
    /// Sleepable driver mutex acquisitions.
    pub sleepable_mutex_locks: u32,
    /// Steps executed.
    pub steps: usize,
    /// Why the run stopped early (deadlock, step limit), if it did.
    pub stopped: Option<String>,
    /// Every violation, in order, deduplicated.
    pub violations: Vec<Violation>,
}

impl Summary {
    /// Computes the summary of `steps` for `notifiers`.
    pub fn from_steps(notifiers: &[NotifierId], steps: &[Step], stopped: Option<String>) -> Summary {
        let mut s = Summary {
            notifiers: notifiers.to_vec(),
            calls: BTreeMap::new(),
            calls_under_ptl: BTreeMap::new(),
            sptes_zapped: 0,
            sptes_remapped: 0,
            change_pte_misses: 0,
            guest_faults: 0,
            fault_retries: 0,
            gru_tlb_flushes: 0,
            gru_wake_up_all: 0,
            gru_max_range_active: 0,
            amd_page_flushes: 0,
            amd_gcr3_swaps: 0,
            gntdev_unmap_walks: 0,
            sleepable_mutex_locks: 0,
            steps: steps.len(),
            stopped,
            violations: Vec::new(),
        };
        for n in notifiers {
            let zero: BTreeMap<Callback, u32> = n.ops().list().into_iter().map(|c| (c, 0)).collect();
            s.calls.insert(*n, zero.clone());
            s.calls_under_ptl.insert(*n, zero);
        }
        for st in steps {
            for e in &st.events {
                match e {
                    Event::Callback { notifier, callback, under_ptl, .. } => {
                        *s.calls.entry(*notifier).or_default().entry(*callback).or_default() += 1;
                        if *under_ptl {
                            *s.calls_under_ptl.entry(*notifier).or_default().entry(*callback).or_default() += 1;
                        }
                    }
                    Event::SpteZapped { .. } => s.sptes_zapped += 1,
                    Event::SpteRemapped { .. } => s.sptes_remapped += 1,
                    Event::ChangePteMiss { .. } => s.change_pte_misses += 1,
                    Event::GuestFault { .. } => s.guest_faults += 1,
                    Event::KvmFaultRetry { .. } => s.fault_retries += 1,
                    Event::GruTlbFlush { .. } => s.gru_tlb_flushes += 1,
                    Event::GruWakeUpAll { .. } => s.gru_wake_up_all += 1,
                    Event::GruRangeActive { value } => s.gru_max_range_active = s.gru_max_range_active.max(*value),
                    Event::AmdFlushPage => s.amd_page_flushes += 1,
                    Event::AmdSetGcr3 { .. } => s.amd_gcr3_swaps += 1,
                    Event::GntdevUnmap { .. } => s.gntdev_unmap_walks += 1,
                    Event::MightSleep { .. } => s.sleepable_mutex_locks += 1,
                    Event::Violation(v) if !s.violations.contains(v) => s.violations.push(v.clone()),
                    _ => {}
                }
            }
        }
        s
    }

    fn calls_json(m: &BTreeMap<NotifierId, BTreeMap<Callback, u32>>) -> Value {
        let mut out = serde_json::Map::new();
        for (n, cbs) in m {
            let mut inner = serde_json::Map::new();
            for (c, k) in cbs {
                inner.insert(c.id().to_string(), json!(k));
            }
            out.insert(n.id().to_string(), Value::Object(inner));
        }
        Value::Object(out)
    }

    /// The `summary` object of the trace JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "calls": Summary::calls_json(&self.calls),
            "calls_under_ptl": Summary::calls_json(&self.calls_under_ptl),
            "kvm": {
                "sptes_zapped": self.sptes_zapped,
                "sptes_remapped": self.sptes_remapped,
                "change_pte_misses": self.change_pte_misses,
                "guest_faults": self.guest_faults,
                "fault_retries": self.fault_retries,
            },
            "gru": {
                "tlb_flushes": self.gru_tlb_flushes,
                "wake_up_all": self.gru_wake_up_all,
                "max_range_active": self.gru_max_range_active,
            },
            "amd_iommu_v2": {
                "page_flushes": self.amd_page_flushes,
                "gcr3_swaps": self.amd_gcr3_swaps,
            },
            "xen_gntdev": { "unmap_walks": self.gntdev_unmap_walks },
            "sleepable": { "mutex_locks": self.sleepable_mutex_locks },
            "steps": self.steps,
            "stopped": self.stopped,
            "violations": self.violations.iter().map(|v| json!({"id": v.id.id(), "message": v.message})).collect::<Vec<_>>(),
        })
    }

    /// The summary JSON shape for a notifier set (all counters zero); used to
    /// validate the keys of `[[expect]]` tables.
    pub fn shape(notifiers: &[NotifierId]) -> Value {
        Summary::from_steps(notifiers, &[], None).to_json()
    }
}

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
        let summary = Summary::from_steps(&notifiers, &steps, stopped);
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
        if self.notifiers.contains(&NotifierId::Kvm) {
            let _ = writeln!(
                out,
                "  kvm: sptes_zapped={} sptes_remapped={} change_pte_misses={} guest_faults={} fault_retries={}",
                s.sptes_zapped, s.sptes_remapped, s.change_pte_misses, s.guest_faults, s.fault_retries
            );
        }
        if self.notifiers.contains(&NotifierId::Gru) {
            let _ = writeln!(
                out,
                "  gru: tlb_flushes={} wake_up_all={} max_range_active={}",
                s.gru_tlb_flushes, s.gru_wake_up_all, s.gru_max_range_active
            );
        }
        if self.notifiers.contains(&NotifierId::AmdIommuV2) {
            let _ =
                writeln!(out, "  amd_iommu_v2: page_flushes={} gcr3_swaps={}", s.amd_page_flushes, s.amd_gcr3_swaps);
        }
        if self.notifiers.contains(&NotifierId::XenGntdev) {
            let _ = writeln!(out, "  xen_gntdev: unmap_walks={}", s.gntdev_unmap_walks);
        }
        if self.notifiers.contains(&NotifierId::Sleepable) {
            let _ = writeln!(out, "  sleepable: mutex_locks={}", s.sleepable_mutex_locks);
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
