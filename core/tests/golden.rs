//! Golden traces: every built-in scenario under every semantics with its
//! default notifiers, compared line by line with `scenarios/golden/`.
//! After an intended model change: `NOTIFIER_LAB_BLESS=1 cargo test -p
//! notifier-lab-core --test golden`, then review the diff like code.

use std::path::PathBuf;

use notifier_lab_core::scenario::BUILTIN;
use notifier_lab_core::{Scenario, Semantics, Trace};

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios/golden")
}

#[test]
fn golden_traces_match_the_model() {
    let bless = std::env::var_os("NOTIFIER_LAB_BLESS").is_some();
    let mut failures = Vec::new();
    let mut checked = 0;
    for s in Scenario::all_builtin() {
        for sem in Semantics::ALL {
            let text = Trace::run(&s, sem, &s.notifiers).to_text();
            let path = golden_dir().join(format!("{}.{}.txt", s.name, sem.id()));
            if bless {
                std::fs::write(&path, &text).expect("write golden file");
                continue;
            }
            let want = std::fs::read_to_string(&path).unwrap_or_default();
            checked += 1;
            if want != text {
                let first = want
                    .lines()
                    .zip(text.lines())
                    .position(|(a, b)| a != b)
                    .map(|i| format!("first difference at line {}", i + 1))
                    .unwrap_or_else(|| "lengths differ".into());
                failures.push(format!("{} ({first})", path.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "golden traces differ from the model: {failures:#?}\nrerun with NOTIFIER_LAB_BLESS=1 and review the diff"
    );
    // Counted from the embedded list, so a built-in scenario that stops
    // parsing (and drops out of `all_builtin`) fails here.
    let want = BUILTIN.len() * Semantics::ALL.len();
    assert!(bless || checked == want, "expected every built-in scenario x every semantics ({want}), checked {checked}");
    let files = std::fs::read_dir(golden_dir()).expect("golden dir").count();
    assert!(bless || files == want, "{files} golden files for {want} runs: remove the stale ones");
}
