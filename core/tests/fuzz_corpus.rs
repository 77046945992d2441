//! Every committed fuzz corpus file (`fuzz/corpus/<target>/`), run through
//! the same harness as the cargo-fuzz target (`core::fuzzing`), on stable:
//! a short fuzz pass for CI, and a regression test for every finding
//! (findings are committed into the corpus).

use std::path::Path;

fn replay(target: &str, harness: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus").join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        harness(&data);
        n += 1;
    }
    assert!(n > 0, "{} has no corpus files", dir.display());
}

#[test]
fn scenario_corpus() {
    replay("scenario", notifier_lab_core::fuzzing::scenario);
}

#[test]
fn counterexample_corpus() {
    replay("counterexample", notifier_lab_core::fuzzing::counterexample);
}

#[test]
fn link_corpus() {
    replay("link", notifier_lab_core::fuzzing::link);
}
