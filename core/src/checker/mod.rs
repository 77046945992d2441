//! The exhaustive interleaving explorer.
//!
//! Given a scenario, a semantics, a notifier set and a set of concurrent
//! [`Actor`]s, [`check`] runs every interleaving of the threads at
//! statement granularity (one [`Machine::step`] is one transition; a thread
//! blocked on a lock is not runnable) and checks every invariant in every
//! state, because `Machine::step` raises the violations itself.
//!
//! * [`bfs`] is the search: breadth first, so the first time a violation id
//!   shows up its schedule is a shortest one. States are deduplicated by a
//!   64-bit fingerprint of their compact encoding (`codec`), which covers
//!   what `Machine`'s `Hash` covers (display-only fields are left out).
//!   Only the fingerprints, each with its parent's fingerprint, are kept
//!   for every state (`table`); full states live only on the BFS frontier.
//!   This is Stateright's scheme: a path is a list of fingerprints, and its
//!   schedule is rebuilt by replaying from the initial state ([`path`]).
//! * `reduce` decides which statements are local to their thread; with
//!   [`Options::reduce`] (the default) the search runs a thread's local
//!   statements together with the statement before them and, in a state
//!   where a thread is at a local statement, tries that thread alone
//!   (partial-order reduction with the breadth-first cycle proviso; see
//!   `bfs` and ARCHITECTURE.md). Schedules are still one statement per
//!   step.
//! * [`path`] holds [`Path`] (fingerprints plus schedule) and
//!   [`Counterexample`], the small file `check --save` writes and
//!   `notifier-lab --replay` opens.
//!
//! `mmu_notifier_retry` loops and GRU's `failactive` loop are no problem:
//! a retry returns to a state already seen, which is not expanded again.
//!
//! The core stays pure: no clock. The caller measures time around
//! [`check`] (the CLI does).

pub mod bfs;
mod codec;
pub mod path;
mod reduce;
mod symmetry;
mod table;

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde::Serialize;
use serde_json::{Value, json};

use crate::actor::Actor;
use crate::event::ViolationId;
use crate::machine::{Machine, ThreadId};
use crate::notifier::NotifierId;
use crate::scenario::Scenario;
use crate::semantics::Semantics;

pub use crate::event::Outcome;
pub use path::{COUNTEREXAMPLE_FORMAT_VERSION, Counterexample, Path};

/// Limits of one exploration, a way to stop it, and a way to watch it.
///
/// Both limits are checked before any part of a depth is expanded: a depth
/// is expanded in batches of frontier states, each small enough that, if
/// every runnable thread of every state in it gave a new state, the
/// stored states would stay within `max_states` and the estimated memory
/// (state table, frontier, next depth) within `max_memory`. A search that
/// stops on a limit or on `cancel` returns its partial report, marked
/// incomplete ([`Report::stopped`]).
#[derive(Clone)]
pub struct Options {
    /// Stop after storing this many distinct states (0 stores none).
    pub max_states: usize,
    /// Stop before the estimated memory of the search would pass this many
    /// bytes (see [`Report::bytes_per_state`]).
    pub max_memory: usize,
    /// Checked between batches: set it (from a signal handler, say) to
    /// stop the search with a partial report.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Called after every batch with where the search is.
    pub progress: Option<ProgressFn>,
    /// Reduction: partial-order reduction (see the `bfs` docs: a state
    /// where some thread's next statement is local to that thread is
    /// expanded by that statement alone) and symmetry reduction (the
    /// `symmetry` module: states that differ only by which of two actors
    /// with the same id is which are stored once). Every verdict (each
    /// violation, deadlock) is the same either way; with it, far fewer
    /// states, and schedules that may be longer than the shortest. Off:
    /// the exact search, every runnable thread in every state, every state
    /// stored, and shortest schedules.
    pub reduce: bool,
}

/// See [`Options::progress`].
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

impl Default for Options {
    fn default() -> Self {
        Options {
            max_states: DEFAULT_MAX_STATES,
            max_memory: DEFAULT_MAX_MEMORY,
            cancel: None,
            progress: None,
            reduce: true,
        }
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("max_states", &self.max_states)
            .field("max_memory", &self.max_memory)
            .field("cancel", &self.cancel)
            .field("progress", &self.progress.as_ref().map(|_| "Fn"))
            .field("reduce", &self.reduce)
            .finish()
    }
}

/// Default [`Options::max_memory`]: 4 GiB.
pub const DEFAULT_MAX_MEMORY: usize = 4 << 30;

/// The default [`Options::max_states`]. Memory is the bound that matters
/// ([`DEFAULT_MAX_MEMORY`]); at the 60 to 120 bytes a stored state costs in
/// the large searches, 50 M states fit in it, which the four-actor
/// configurations of two host writers with a vCPU and a GRU reader need
/// (`ksm` under `wrapped`: 20.9 M).
pub const DEFAULT_MAX_STATES: usize = 50_000_000;

/// Where a running search is (see [`Options::progress`]). The core has no
/// clock: a caller that wants a rate divides `states` by its own time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Depth being expanded.
    pub depth: u32,
    /// Frontier states of this depth expanded so far, and in all.
    pub expanded: usize,
    /// Frontier states of this depth.
    pub frontier: usize,
    /// States generated so far (revisits included).
    pub states: u64,
    /// Distinct states stored so far.
    pub distinct_states: u64,
    /// Estimated bytes in use (state table, frontier, next depth).
    pub memory_bytes: u64,
}

/// Why a search stopped before exploring everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// [`Options::max_states`] distinct states were stored.
    MaxStates,
    /// The next batch could pass [`Options::max_memory`].
    MaxMemory,
    /// [`Options::cancel`] was set.
    Cancelled,
}

impl Stop {
    /// `max_states`, `max_memory`, `cancelled`.
    pub fn id(self) -> &'static str {
        match self {
            Stop::MaxStates => "max_states",
            Stop::MaxMemory => "max_memory",
            Stop::Cancelled => "cancelled",
        }
    }

    /// The reason in words.
    pub fn describe(self) -> &'static str {
        match self {
            Stop::MaxStates => "max states reached",
            Stop::MaxMemory => "memory limit reached",
            Stop::Cancelled => "interrupted",
        }
    }
}

/// One violation id found, with a shortest schedule that raises it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Which invariant.
    pub id: ViolationId,
    /// The plain-language message of the first (shortest) occurrence.
    pub message: String,
    /// Which thread ran at each step, from the initial state to the step
    /// that raised the violation.
    pub schedule: Vec<ThreadId>,
}

/// What [`check`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Scenario name.
    pub scenario: String,
    /// Semantics.
    pub semantics: Semantics,
    /// Registered notifiers.
    pub notifiers: Vec<NotifierId>,
    /// Actors (empty: the default threads).
    pub actors: Vec<Actor>,
    /// Thread kinds by index (`host`, `vcpu`, `host_write`, `gru`).
    pub threads: Vec<&'static str>,
    /// States generated, revisits included (every transition's target plus
    /// the initial state).
    pub states: u64,
    /// Distinct states stored.
    pub distinct_states: u64,
    /// Transitions executed.
    pub transitions: u64,
    /// Length of the longest shortest path (BFS depth reached).
    pub max_depth: u32,
    /// Final states in which every thread finished.
    pub terminal_states: u64,
    /// The search used partial-order reduction ([`Options::reduce`]).
    pub reduced: bool,
    /// States expanded through one local statement only (0 without
    /// reduction). Rare: a local statement after another statement runs
    /// inside that statement's transition ([`Report::merged_statements`]).
    pub reduced_states: u64,
    /// Local statements run inside a transition, after its first
    /// statement, without a state of their own: the interleavings
    /// partial-order reduction left out (0 without reduction).
    pub merged_statements: u64,
    /// With reduction, the groups of interchangeable actors (thread
    /// indices) whose renamings the search identified (`checker::symmetry`);
    /// empty when there are none or without reduction.
    pub symmetric: Vec<Vec<u8>>,
    /// The whole reachable state space was explored (else [`Report::stopped`]
    /// says why not).
    pub complete: bool,
    /// Why the search stopped early (`None` when complete).
    pub stopped: Option<Stop>,
    /// Estimated bytes per stored state at the end: the state table's
    /// slots, the frontier and the next depth, over the distinct states.
    pub bytes_per_state: u64,
    /// Largest estimated memory use of the search, in bytes.
    pub memory_bytes: u64,
    /// Every violation id found, each with a shortest schedule.
    pub violations: Vec<Found>,
    /// A shortest schedule into a state where no thread can run but some
    /// have not finished, if there is one.
    pub deadlock: Option<Vec<ThreadId>>,
}

impl Report {
    /// `sometimes` when `id` was found, else `never` (which proves nothing
    /// when the search is incomplete: see [`Report::outcome_text`]).
    pub fn outcome(&self, id: ViolationId) -> Outcome {
        if self.violations.iter().any(|f| f.id == id) { Outcome::Sometimes } else { Outcome::Never }
    }

    /// `sometimes`, `never`, or, for a violation not found by an
    /// incomplete search, `not found (incomplete: not a proof)`.
    pub fn outcome_text(&self, id: ViolationId) -> &'static str {
        match self.outcome(id) {
            Outcome::Never if !self.complete => NOT_FOUND_INCOMPLETE,
            o => o.id(),
        }
    }

    /// The found violation with `id`.
    pub fn found(&self, id: ViolationId) -> Option<&Found> {
        self.violations.iter().find(|f| f.id == id)
    }

    /// The counterexample file for violation `id`, if it was found.
    /// `scenario` is how the replay should load the scenario (a built-in
    /// name or a path).
    pub fn counterexample(&self, id: ViolationId, scenario: &str) -> Option<Counterexample> {
        let f = self.found(id)?;
        Some(Counterexample {
            format: COUNTEREXAMPLE_FORMAT_VERSION,
            scenario: scenario.to_string(),
            semantics: self.semantics,
            notifiers: self.notifiers.clone(),
            actors: self.actors.clone(),
            violation: Some(f.id),
            message: f.message.clone(),
            threads: self.threads.iter().map(|s| s.to_string()).collect(),
            schedule: f.schedule.iter().map(|t| t.0).collect(),
        })
    }

    /// The JSON report: `states`, `distinct_states`, `transitions`,
    /// `violations[] {id, message, schedule}` and the rest; `schedule` is
    /// a list of thread indices into `threads`.
    pub fn to_json(&self) -> Value {
        self.json_with(None)
    }

    /// [`Report::to_json`], with a `link` in each `violations[]` entry when
    /// `link` is given (the demo's links are written by [`crate::link`],
    /// which the explorer does not depend on).
    pub(crate) fn json_with(&self, link: Option<&dyn Fn(ViolationId) -> Option<String>>) -> Value {
        let sched = |s: &[ThreadId]| s.iter().map(|t| t.0).collect::<Vec<_>>();
        let violations: Vec<Value> = self
            .violations
            .iter()
            .map(|f| {
                let mut v = json!({
                    "id": f.id.id(),
                    "message": f.message,
                    "schedule": sched(&f.schedule),
                });
                if let (Some(link), Some(o)) = (link, v.as_object_mut()) {
                    o.insert("link".into(), json!(link(f.id)));
                }
                v
            })
            .collect();
        json!({
            "format": 1,
            "scenario": self.scenario,
            "semantics": self.semantics.id(),
            "notifiers": self.notifiers.iter().map(|n| n.id()).collect::<Vec<_>>(),
            "actors": self.actors.iter().map(|a| a.id()).collect::<Vec<_>>(),
            "threads": self.threads,
            "states": self.states,
            "distinct_states": self.distinct_states,
            "transitions": self.transitions,
            "max_depth": self.max_depth,
            "terminal_states": self.terminal_states,
            "reduced": self.reduced,
            "reduced_states": self.reduced_states,
            "merged_statements": self.merged_statements,
            "symmetric": self.symmetric,
            "complete": self.complete,
            "stopped": self.stopped.map(Stop::id),
            "bytes_per_state": self.bytes_per_state,
            "memory_bytes": self.memory_bytes,
            "outcomes": ViolationId::ALL.iter().map(|&id| (id.id().to_string(), json!(self.outcome_text(id)))).collect::<serde_json::Map<_, _>>(),
            "violations": violations,
            "deadlock": self.deadlock.as_ref().map(|s| json!({"schedule": sched(s)})),
        })
    }

    /// The text report (without timing, which the caller adds).
    pub fn to_text(&self) -> String {
        self.text_with(None)
    }

    /// [`Report::to_text`], with a line `demo: index.html#v1/...` under
    /// each violation `link` names (see `json_with`).
    pub(crate) fn text_with(&self, link: Option<&dyn Fn(ViolationId) -> Option<String>>) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# check {} | semantics {} ({}) | notifiers {} | threads {}",
            self.scenario,
            self.semantics.id(),
            self.semantics.tag(),
            self.notifiers.iter().map(|n| n.id()).collect::<Vec<_>>().join(","),
            self.threads.iter().enumerate().map(|(i, k)| format!("{i}:{k}")).collect::<Vec<_>>().join(" ")
        );
        let _ = writeln!(
            out,
            "states {} | distinct {} | transitions {} | depth {} | terminal {} | {} bytes/state | {}{}",
            self.states,
            self.distinct_states,
            self.transitions,
            self.max_depth,
            self.terminal_states,
            self.bytes_per_state,
            if self.reduced {
                format!(
                    "reduced ({} local statements merged into transitions, {} states expanded by one{})",
                    self.merged_statements,
                    self.reduced_states,
                    self.symmetric
                        .iter()
                        .map(|g| format!(
                            "; threads {} interchangeable",
                            g.iter().map(u8::to_string).collect::<Vec<_>>().join("=")
                        ))
                        .collect::<String>()
                )
            } else {
                "exact (no reduction)".to_string()
            },
            match self.stopped {
                Some(why) => format!(" | INCOMPLETE ({})", why.describe()),
                None if !self.complete => " | INCOMPLETE".to_string(),
                None => String::new(),
            }
        );
        for id in ViolationId::ALL {
            let _ = match self.found(id) {
                Some(f) => writeln!(
                    out,
                    "{:<26} sometimes  ({} steps: {})\n    {}",
                    id.id(),
                    f.schedule.len(),
                    schedule_text(&f.schedule),
                    f.message
                ),
                None => writeln!(out, "{:<26} {}", id.id(), self.outcome_text(id)),
            };
            if let Some(fragment) = link.and_then(|link| link(id)) {
                let _ = writeln!(out, "    demo: index.html{fragment}");
            }
        }
        let _ = match &self.deadlock {
            Some(d) => writeln!(out, "{:<26} sometimes  ({} steps: {})", "deadlock", d.len(), schedule_text(d)),
            None if self.complete => writeln!(out, "{:<26} never", "deadlock"),
            None => writeln!(out, "{:<26} {NOT_FOUND_INCOMPLETE}", "deadlock"),
        };
        if self.violations.iter().any(|f| !f.schedule.is_empty()) || self.deadlock.is_some() {
            let _ = writeln!(out, "{SCHEDULE_LEGEND}");
        }
        out
    }
}

/// A scenario file's `[[verdict]]` table against a search's report: one
/// line per difference. A violation found contradicts `never` whether or
/// not the search finished; `never` found nothing to contradict, but only a
/// complete search confirms it, so an incomplete one contradicts nothing.
impl crate::scenario::Verdict {
    /// The differences between this verdict and `r` (empty: it holds, or
    /// an incomplete search could not decide it).
    pub fn mismatches(&self, r: &Report) -> Vec<String> {
        let mut bad = Vec::new();
        for (id, want) in &self.expected {
            let got = r.outcome(*id);
            let decided = r.complete || got == Outcome::Sometimes;
            if decided && got != *want {
                bad.push(format!("{}: expected {}, explorer says {}", id.id(), want.id(), got.id()));
            }
        }
        bad
    }
}

/// What a verdict line says for a violation an incomplete search did not
/// find.
pub const NOT_FOUND_INCOMPLETE: &str = "not found (incomplete: not a proof)";

/// The one-line legend printed under schedules written by [`schedule_text`].
pub const SCHEDULE_LEGEND: &str =
    "(schedule `0x43 1 2`: thread 0 runs 43 statements, then thread 1 runs one, then thread 2 runs one)";

/// A schedule as run-length text: `0x12 2x3 0` (thread 0 twelve times, ...).
pub fn schedule_text(s: &[ThreadId]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let mut j = i;
        while j < s.len() && s[j] == s[i] {
            j += 1;
        }
        out.push(if j - i > 1 { format!("{}x{}", s[i].0, j - i) } else { s[i].0.to_string() });
        i = j;
    }
    out.join(" ")
}

/// Explores every interleaving of `scenario` under `semantics` with
/// `notifiers` and `actors` (empty: the default threads). Errors when an
/// actor's notifier is not registered.
pub fn check(
    scenario: &Scenario,
    semantics: Semantics,
    notifiers: &[NotifierId],
    actors: &[Actor],
    options: Options,
) -> Result<Report, String> {
    let m = scenario.machine_with(semantics, notifiers, actors)?;
    let mut r = bfs::explore(m, options)?;
    r.scenario = scenario.name.clone();
    r.actors = actors.to_vec();
    Ok(r)
}

/// FxHash-style hasher (rotate, xor, multiply) with a murmur3 finalizer.
/// Small writes (the derived `Hash` of `Machine` is mostly `u8`s) are
/// packed into a 64-bit buffer and mixed once per 8 bytes, which makes
/// fingerprinting several times cheaper than mixing every byte.
/// Deterministic across runs and platforms, unlike `std`'s seeded
/// `RandomState`.
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher {
    h: u64,
    buf: u64,
    /// Bytes in `buf`.
    n: u32,
}

impl FxHasher {
    #[inline]
    fn mix(&mut self, v: u64) {
        self.h = (self.h.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    #[inline]
    fn push(&mut self, v: u64, bytes: u32) {
        if self.n + bytes > 8 {
            let b = self.buf;
            self.mix(b);
            self.buf = 0;
            self.n = 0;
        }
        self.buf |= v << (8 * self.n);
        self.n += bytes;
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.push(u64::from(b), 1);
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.push(u64::from(i), 1);
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.push(u64::from(i), 2);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.push(u64::from(i), 4);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        if self.n > 0 {
            let b = self.buf;
            self.mix(b);
            self.buf = 0;
            self.n = 0;
        }
        self.mix(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        let mut x = *self;
        if x.n > 0 {
            let b = x.buf ^ (u64::from(x.n) << 60);
            x.mix(b);
        }
        let mut h = x.h;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// The 64-bit fingerprint of a state (its `Hash`, through [`FxHasher`]).
pub fn fingerprint(m: &Machine) -> u64 {
    let mut h = FxHasher::default();
    m.hash(&mut h);
    h.finish()
}
