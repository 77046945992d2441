//! Precomputes the built-in scenarios for the demo.
//!
//! The demo offers only the built-in scenarios (`core`'s
//! `scenario::BUILTIN`). Parsing their TOML in the browser would put the
//! TOML parser and its serde instantiations into the wasm, about a third of
//! the bundle, to produce the same three values every time. So the build
//! parses them here, natively, with the one parser (`Scenario::parse`, via
//! `precompute::builtin_source`, which the command line's build script
//! shares), and writes them out as Rust functions
//! (`$OUT_DIR/builtin_scenarios.rs`, included by `src/builtin.rs`). A
//! native test (`builtin::tests`) checks that they equal what the parser
//! returns.
//!
//! The `[[expect]]` and `[[verdict]]` tables are left out: they are the test
//! suite's and the explorer's checks, which the demo never runs.

use notifier_lab_core::precompute::{Tables, builtin_source};

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for (_, file, _) in notifier_lab_core::scenario::BUILTIN {
        println!("cargo::rerun-if-changed={}", root.join(file).display());
    }
    let source = builtin_source(Tables::Omit).unwrap_or_else(|e| panic!("a built-in scenario failed to parse: {e}"));
    let path = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("builtin_scenarios.rs");
    std::fs::write(&path, source).expect("write builtin_scenarios.rs");
}
