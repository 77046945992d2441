//! Precomputes the built-in scenarios for the command line and the
//! walkthrough.
//!
//! Every start of `notifier-lab` needs the built-in scenarios (`list`,
//! `trace ksm`, the walkthrough's scenario picker, `verify`, `check`).
//! Parsing their TOML and checking every `[[expect]]` and `[[verdict]]`
//! table at each start cost more than the rest of the start-up, to produce
//! the same values every time. So the build parses them here with the one
//! parser (`Scenario::parse`, via `precompute::builtin_source`, which the
//! browser demo's build script shares) and writes them out, tables
//! included, as Rust functions (`$OUT_DIR/builtin_scenarios.rs`, included
//! by `src/builtin.rs`). A test (`builtin::tests`) checks that they equal
//! what the parser returns.

use notifier_lab_core::precompute::{Tables, builtin_source};

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for (_, file, _) in notifier_lab_core::scenario::BUILTIN {
        println!("cargo::rerun-if-changed={}", root.join(file).display());
    }
    let source = builtin_source(Tables::Include).unwrap_or_else(|e| panic!("a built-in scenario failed to parse: {e}"));
    let path = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("builtin_scenarios.rs");
    std::fs::write(&path, source).expect("write builtin_scenarios.rs");
}
