//! The terminal walkthrough of notifier-lab, as a library so that the
//! integration tests and benchmarks can drive the same state and drawing
//! code the `notifier-lab` binary runs.
//!
//! * [`app`]: the display state ([`app::state::Walkthrough`]), keymaps as
//!   data, key/mouse handling and the terminal event loop.
//! * [`display`]: drawing a [`app::state::Walkthrough`] into a ratatui frame.
//! * [`builtin`]: the built-in scenarios, parsed at build time.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod app;
pub mod builtin;
pub mod display;
