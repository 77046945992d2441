//! The built-in scenarios, precomputed at build time.
//!
//! `tui/build.rs` parses core's built-in scenario files
//! (`precompute::builtin_source`, with their `[[expect]]` and `[[verdict]]`
//! tables) and writes them out as Rust functions that build the parsed
//! values, so a start of the command line or the walkthrough parses no
//! TOML. These are [`Scenario::builtin`] and [`Scenario::all_builtin`]
//! without the parsing; `tests` pins them to the parser's values.

use notifier_lab_core::scenario::BUILTIN;
use notifier_lab_core::{Scenario, UnknownName};

mod generated {
    include!(concat!(env!("OUT_DIR"), "/builtin_scenarios.rs"));
}

/// A built-in scenario by name; the error lists the valid names (as
/// [`Scenario::builtin`]).
pub fn scenario(name: &str) -> Result<Scenario, UnknownName> {
    match generated::BUILTIN.iter().find(|(n, _)| *n == name) {
        Some((_, build)) => Ok(build()),
        None => Err(UnknownName {
            kind: "scenario",
            given: name.to_string(),
            valid: BUILTIN.iter().map(|(n, _, _)| n.to_string()).collect(),
        }),
    }
}

/// Every built-in scenario, in [`BUILTIN`] order (as
/// [`Scenario::all_builtin`]).
pub fn all() -> Vec<Scenario> {
    generated::BUILTIN.iter().map(|(_, build)| build()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_precomputed_scenarios_are_the_parsed_ones() {
        let parsed = Scenario::all_builtin();
        assert_eq!(parsed.len(), BUILTIN.len());
        assert!(parsed.iter().all(|s| !s.expect.is_empty() && !s.verdicts.is_empty()));
        assert_eq!(all(), parsed);
        for (name, _, _) in BUILTIN {
            assert_eq!(scenario(name), Scenario::builtin(name));
        }
        let names: Vec<&str> = generated::BUILTIN.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, BUILTIN.iter().map(|(name, _, _)| *name).collect::<Vec<_>>());
    }

    #[test]
    fn an_unknown_name_is_the_parser_s_error() {
        assert_eq!(scenario("nope").unwrap_err(), Scenario::builtin("nope").unwrap_err());
    }
}
