//! # notifier-lab-core
//!
//! A pure, deterministic model of what Linux did around `set_pte_at_notify()`
//! in three eras, so that a reviewer can *watch* the 2012 regression (KVM's
//! `change_pte` finding no spte because `invalidate_range_start` already
//! zapped it) one kernel statement at a time.
//!
//! * [`Semantics`] picks the era ([`Semantics::ALL`], each with its
//!   [`Semantics::tag`] and [`Semantics::describe`]): v3.6, v3.7–v3.13
//!   (commit 6bdb913f0a70) and Mike Rapoport's January 2014 patch.
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
pub mod diagram;
pub mod event;
pub mod fuzzing;
pub mod invariants;
pub mod kernel;
pub mod link;
pub mod machine;
pub mod names;
pub mod notifier;
mod pack;
pub mod page;
pub mod precompute;
pub mod present;
pub mod scenario;
pub mod semantics;
pub mod source;
pub mod summary;
pub mod tag;
pub mod timeline;
pub mod trace;
pub mod users;
pub mod view;
pub mod walk;

pub use actor::Actor;
pub use compare::{Comparison, compare};
pub use event::{Event, Violation, ViolationId};
pub use machine::{Machine, StepOutcome, ThreadId, ThreadKind};
pub use names::{UnknownName, escape};
pub use notifier::{Callback, NotifierId, NotifierOps};
pub use page::{Page, Pfn, Pte};
pub use scenario::{Scenario, ScenarioError};
pub use semantics::Semantics;
pub use source::Source;
pub use tag::Tag;
pub use trace::{Step, Summary, Trace};
pub use walk::Walk;
