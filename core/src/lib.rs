//! # notifier-lab-core
//!
//! A pure, deterministic model of what Linux did around `set_pte_at_notify()`
//! in three eras, so that a reviewer can *watch* the 2012 regression (KVM's
//! `change_pte` finding no spte because `invalidate_range_start` already
//! zapped it) one kernel statement at a time.
//!
//! * [`Semantics`] picks the era: `original` (v3.6), `wrapped` (v3.7–v3.13,
//!   commit 6bdb913f0a70) or `patched` (Mike Rapoport's January 2014 patch).
//! * [`kernel`] holds the listings: short pseudo-C lines, each citing
//!   `file:line` at the tag, each carrying an [`kernel::Op`] that the
//!   interpreter executes.
//! * [`Machine`] is the whole simulated state (pages, primary page table,
//!   PT lock, notifier list with each secondary MMU, threads). It is cheap to
//!   clone and hash so that an explorer can branch on which thread runs next.
//! * [`Scenario`] is a litmus-style data file (`scenarios/*.toml`) carrying its
//!   own expected results; [`Trace`] records a run and its [`Summary`].
//! * [`walk`] steps two recorded runs side by side (both walkthroughs use
//!   it) and [`link`] is the browser demo's deep-link format, which the
//!   demo, the command line and the book all write.
//!
//! Everything the tool claims ("spte zapped", "called under the PT lock")
//! is an [`Event`] produced by executing the model, never hand-written text.
//!
//! The crate does no I/O and compiles for `wasm32-unknown-unknown`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod actor;
pub mod checker;
pub mod compare;
pub mod event;
pub mod fuzzing;
pub mod invariants;
pub mod kernel;
pub mod link;
pub mod machine;
pub mod notifier;
pub mod page;
pub mod scenario;
pub mod semantics;
pub mod source;
pub mod trace;
pub mod view;
pub mod walk;

pub use actor::Actor;
pub use compare::{Comparison, compare};
pub use event::{Event, Violation, ViolationId};
pub use machine::{Machine, StepOutcome, ThreadId, ThreadKind};
pub use notifier::{Callback, NotifierId, NotifierOps};
pub use page::{Page, Pfn, Pte};
pub use scenario::{Scenario, ScenarioError};
pub use semantics::Semantics;
pub use source::Source;
pub use trace::{Step, Summary, Trace};
pub use walk::Walk;

/// Error for a name that is not one of a fixed set (semantics, notifier,
/// scenario...). Its message lists the valid names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// What kind of name it was ("semantics", "notifier", ...).
    pub kind: &'static str,
    /// The name as given.
    pub given: String,
    /// Every valid name.
    pub valid: Vec<String>,
}

impl std::fmt::Display for UnknownName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {} `{}`; expected one of: {}", self.kind, escape(&self.given), self.valid.join(", "))
    }
}

impl std::error::Error for UnknownName {}

/// `s` with every control character (escape sequences, newlines, ...)
/// written as a Rust escape (`\u{1b}`, `\n`), for echoing input that came
/// from a file or the command line to a terminal.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_control) {
        s.chars()
            .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}
