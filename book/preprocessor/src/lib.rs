//! # mdbook-notifier-lab
//!
//! The mdBook preprocessor of the notifier-lab book. Chapters contain
//! `{{#notifier-lab ...}}` directives ([`directive`]); at build time each is
//! replaced by a figure computed by running the model in
//! `notifier-lab-core` ([`render`], [`msc`]): tables of callbacks and
//! counters, trace excerpts with kernel citations and demo links,
//! message-sequence charts, milestone-aligned comparisons, explorer
//! counterexamples. `assert` directives render nothing and fail the build
//! when the model disagrees with a number stated in prose.
//!
//! The mdBook preprocessor protocol is implemented directly ([`protocol`]):
//! no dependency on the `mdbook` crate.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod directive;
pub mod html;
pub mod msc;
pub mod protocol;
pub mod render;
