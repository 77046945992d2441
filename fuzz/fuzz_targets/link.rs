//! Fuzz target: see notifier_lab_core::fuzzing::link.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| notifier_lab_core::fuzzing::link(data));
