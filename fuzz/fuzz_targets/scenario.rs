//! Fuzz target: see notifier_lab_core::fuzzing::scenario.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| notifier_lab_core::fuzzing::scenario(data));
