//! Fixtures shared by the integration tests.

use notifier_lab_core::Scenario;

/// The `uprobe` scenario with an anonymous page that only the process
/// maps (refcount 1), so that replacing it frees pfn 0x400.
pub fn anon_uprobe() -> Scenario {
    let text = include_str!("../../../scenarios/uprobe.toml").replace(
        "refcount = 2\nmapcount = 1\ncontent = 0x90",
        "refcount = 1\nmapcount = 1\nflags = [\"anon\"]\ncontent = 0x90",
    );
    Scenario::parse("anon-uprobe.toml", &text).expect("valid")
}
