//! Paths and counterexample files.
//!
//! A [`Path`] is what the search knows about a run: the fingerprints of the
//! states it went through and the thread that ran at each step. Full states
//! are rebuilt by replaying the schedule from the initial state (the model
//! is deterministic), and the fingerprints check that the replay followed
//! the same states.
//!
//! A [`Counterexample`] is the small TOML file `notifier-lab check --save`
//! writes and `notifier-lab --replay` opens:
//!
//! ```toml
//! # notifier-lab counterexample (replay: notifier-lab --replay FILE)
//! format = 1
//! scenario = "cow"                      # built-in name or a path
//! semantics = "patched"
//! notifiers = ["kvm", "gru"]
//! actors = ["host_write", "gru_read"]   # [] = the default threads
//! violation = "stale_secondary_read"    # optional
//! message = "the GRU read 0x5a5a from ..." # optional, informative
//! threads = ["host", "host_write", "gru"]  # informative: kind of each index
//! schedule = [0, 0, 1, 2, ...]          # thread index run at each step
//! ```

use serde::{Deserialize, Serialize};

use super::fingerprint;
use crate::actor::Actor;
use crate::event::{Event, ViolationId};
use crate::machine::{Machine, StepOutcome, ThreadId};
use crate::notifier::NotifierId;
use crate::scenario::Scenario;
use crate::semantics::Semantics;
use crate::trace::Trace;

/// Version of the counterexample file format.
pub const COUNTEREXAMPLE_FORMAT_VERSION: u32 = 1;

/// A run as the search sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// Fingerprint of every state, the initial one first
    /// (`schedule.len() + 1` entries).
    pub fingerprints: Vec<u64>,
    /// The thread that ran at each step.
    pub schedule: Vec<ThreadId>,
}

impl Path {
    /// Replays `schedule` from `initial`, recording fingerprints. Errors
    /// when the schedule picks a thread that cannot run.
    pub fn replay(initial: &Machine, schedule: &[ThreadId]) -> Result<(Path, Machine), String> {
        let mut m = initial.clone();
        let mut fingerprints = vec![fingerprint(&m)];
        for (i, &t) in schedule.iter().enumerate() {
            match m.step(t) {
                StepOutcome::Ran(_) => fingerprints.push(fingerprint(&m)),
                StepOutcome::Blocked(why) => return Err(format!("step {}: thread {} {why}", i + 1, t.0)),
                StepOutcome::Done => return Err(format!("step {}: thread {} has finished", i + 1, t.0)),
            }
        }
        Ok((Path { fingerprints, schedule: schedule.to_vec() }, m))
    }

    /// The last state's fingerprint.
    pub fn last(&self) -> Option<u64> {
        self.fingerprints.last().copied()
    }
}

/// A saved schedule (see the module docs for the file format).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counterexample {
    /// [`COUNTEREXAMPLE_FORMAT_VERSION`].
    pub format: u32,
    /// Scenario: a built-in name or a path, as given to `check`.
    pub scenario: String,
    /// Semantics.
    pub semantics: Semantics,
    /// Registered notifiers.
    pub notifiers: Vec<NotifierId>,
    /// Actors (empty: the default threads).
    pub actors: Vec<Actor>,
    /// The violation the schedule leads to, if it was saved for one.
    pub violation: Option<ViolationId>,
    /// Its message when found (informative).
    pub message: String,
    /// Kind of each thread index (informative).
    pub threads: Vec<String>,
    /// Thread index at each step.
    pub schedule: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCounterexample {
    format: u32,
    scenario: String,
    semantics: String,
    notifiers: Vec<String>,
    #[serde(default)]
    actors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    violation: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    message: String,
    #[serde(default)]
    threads: Vec<String>,
    schedule: Vec<u8>,
}

impl Counterexample {
    /// The TOML text of the file.
    pub fn to_toml(&self) -> String {
        let raw = RawCounterexample {
            format: self.format,
            scenario: self.scenario.clone(),
            semantics: self.semantics.id().to_string(),
            notifiers: self.notifiers.iter().map(|n| n.id().to_string()).collect(),
            actors: self.actors.iter().map(|a| a.id().to_string()).collect(),
            violation: self.violation.map(|v| v.id().to_string()),
            message: self.message.clone(),
            threads: self.threads.clone(),
            schedule: self.schedule.clone(),
        };
        let body = toml::to_string(&raw).unwrap_or_default();
        format!("# notifier-lab counterexample (replay: notifier-lab --replay FILE)\n{body}")
    }

    /// Parses the file text; errors name the field.
    pub fn parse(text: &str) -> Result<Counterexample, String> {
        let raw: RawCounterexample = toml::from_str(text).map_err(|e| e.message().trim().to_string())?;
        if raw.format != COUNTEREXAMPLE_FORMAT_VERSION {
            return Err(format!(
                "counterexample format {} is not supported (this build reads format {COUNTEREXAMPLE_FORMAT_VERSION})",
                raw.format
            ));
        }
        let semantics = Semantics::parse(&raw.semantics).map_err(|e| e.to_string())?;
        let notifiers = raw
            .notifiers
            .iter()
            .map(|n| NotifierId::parse(n))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        if let Some((i, n)) = notifiers.iter().enumerate().find(|(i, n)| notifiers[..*i].contains(n)) {
            return Err(format!("notifiers[{i}]: duplicate notifier `{n}`: each may be listed once"));
        }
        let actors =
            raw.actors.iter().map(|a| Actor::parse(a)).collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())?;
        let violation = match raw.violation {
            None => None,
            Some(v) => Some(ViolationId::ALL.into_iter().find(|x| x.id() == v).ok_or_else(|| {
                format!("unknown violation `{v}`; expected one of: {}", ViolationId::ALL.map(|x| x.id()).join(", "))
            })?),
        };
        Ok(Counterexample {
            format: raw.format,
            scenario: raw.scenario,
            semantics,
            notifiers,
            actors,
            violation,
            message: raw.message,
            threads: raw.threads,
            schedule: raw.schedule,
        })
    }

    /// Replays the schedule on `scenario` (which the caller loaded from
    /// [`Counterexample::scenario`]) and records it as a [`Trace`]: the
    /// walkthrough shows it like any run. Errors when the actors do not fit
    /// the notifiers, when the schedule picks a thread that cannot run, or
    /// when the saved violation does not occur.
    pub fn trace(&self, scenario: &Scenario) -> Result<Trace, String> {
        let m = scenario.machine_with(self.semantics, &self.notifiers, &self.actors)?;
        // `threads` is informative, but a file whose threads are not the
        // replay's was saved for another configuration.
        let kinds: Vec<&str> = m.threads.iter().map(|t| t.kind.id()).collect();
        if !self.threads.is_empty() && self.threads != kinds {
            return Err(format!(
                "threads = [{}] but the replay runs [{}] (wrong scenario file or edited actors?)",
                self.threads.iter().map(|t| format!("{:?}", crate::names::escape(t))).collect::<Vec<_>>().join(", "),
                kinds.iter().map(|t| format!("{t:?}")).collect::<Vec<_>>().join(", ")
            ));
        }
        let trace =
            Trace::replay(&scenario.name, m, &self.schedule).map_err(|e| format!("{e} (wrong scenario file?)"))?;
        if let Some(v) = self.violation {
            let seen =
                trace.steps.iter().flat_map(|s| &s.events).any(|e| matches!(e, Event::Violation(x) if x.id == v));
            if !seen {
                return Err(format!("replaying the schedule does not raise {} (wrong scenario file?)", v.id()));
            }
        }
        Ok(trace)
    }
}
