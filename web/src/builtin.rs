//! The built-in scenarios, precomputed at build time.
//!
//! `web/build.rs` parses core's built-in scenario files natively
//! (`precompute::builtin_source`) and writes the results out as Rust
//! functions, so the wasm carries the scenarios and not the TOML parser.
//! The `[[expect]]` and `[[verdict]]` tables are left out (empty): the
//! demo never runs those checks. `tests` pins the values to the parser's.

use notifier_lab_core::Scenario;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/builtin_scenarios.rs"));
}

/// Every built-in scenario, in `scenario::BUILTIN` order: what
/// [`Scenario::all_builtin`] returns, without the expectations and
/// verdicts.
pub fn scenarios() -> Vec<Scenario> {
    generated::BUILTIN.iter().map(|(_, build)| build()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_precomputed_scenarios_are_the_parsed_ones() {
        let parsed: Vec<Scenario> = Scenario::all_builtin()
            .into_iter()
            .map(|mut s| {
                s.expect.clear();
                s.verdicts.clear();
                s
            })
            .collect();
        assert_eq!(parsed.len(), notifier_lab_core::scenario::BUILTIN.len());
        assert_eq!(scenarios(), parsed);
        let names: Vec<&str> = generated::BUILTIN.iter().map(|(name, _)| *name).collect();
        let builtin: Vec<&str> = notifier_lab_core::scenario::BUILTIN.iter().map(|(name, _, _)| *name).collect();
        assert_eq!(names, builtin);
    }
}
