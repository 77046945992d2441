//! Scenario descriptions read as they are written: no two words glued at a
//! line break of the TOML source.
//!
//! A multi-line TOML string keeps its line breaks, and a front end that
//! splits text on spaces (the TUI's scenario picker wraps that way) then
//! shows "host\nvirtual" as "hostvirtual"; a line-ending backslash without
//! a space before it glues the words for every reader. So the words of a
//! description, split on single spaces as such a reader splits them, must be
//! exactly the words of its source lines.

use notifier_lab_core::Scenario;

const SOURCES: &[(&str, &str)] = &[
    ("ksm", include_str!("../../scenarios/ksm.toml")),
    ("cow", include_str!("../../scenarios/cow.toml")),
    ("uprobe", include_str!("../../scenarios/uprobe.toml")),
];

/// The source lines of the `description = """ ... """` value.
fn source_lines(toml: &str) -> Vec<&str> {
    let start = toml.find("description = \"\"\"").expect("a multi-line description") + "description = \"\"\"".len();
    let end = start + toml[start..].find("\"\"\"").expect("its end");
    toml[start..end].lines().filter(|l| !l.trim().is_empty()).collect()
}

/// Words as a reader that splits on single spaces sees them.
fn words_split_on_spaces(s: &str) -> Vec<&str> {
    s.split(' ').filter(|w| !w.is_empty()).collect()
}

#[test]
fn every_builtin_scenario_is_checked() {
    let mut names: Vec<String> = Scenario::all_builtin().into_iter().map(|s| s.name).collect();
    names.sort();
    let mut ours: Vec<&str> = SOURCES.iter().map(|(n, _)| *n).collect();
    ours.sort();
    assert_eq!(names, ours, "add the new scenario file to SOURCES");
}

#[test]
fn no_words_glued_at_line_joins() {
    for (name, toml) in SOURCES {
        let parsed = Scenario::builtin(name).expect("builtin").description;
        let lines = source_lines(toml);
        assert!(lines.len() > 1, "{name}: expected a description over several lines");
        let want: Vec<&str> =
            lines.iter().flat_map(|l| l.trim_end().trim_end_matches('\\').split_whitespace()).collect();
        let got = words_split_on_spaces(&parsed);
        assert!(!parsed.contains('\n'), "{name}: a line break in the description reads as glued words: {parsed:?}");
        assert_eq!(got, want, "{name}: words glued or split at a line join");
        // Each join on its own, for a message that names it.
        for pair in lines.windows(2) {
            let last = pair[0].trim_end().trim_end_matches('\\').split_whitespace().last().unwrap_or("");
            let first = pair[1].split_whitespace().next().unwrap_or("");
            assert!(parsed.contains(&format!("{last} {first}")), "{name}: `{last}` and `{first}` glued: {parsed:?}");
        }
    }
}

#[test]
fn the_check_catches_glued_words() {
    // The two ways a description gets glued, as the TOML parser reads them.
    for bad in ["d = \"\"\"\nhost\nvirtual\n\"\"\"", "d = \"\"\"\nhost\\\nvirtual\n\"\"\""] {
        let v: toml::Value = toml::from_str(bad).unwrap();
        let s = v["d"].as_str().unwrap();
        assert_ne!(words_split_on_spaces(s), vec!["host", "virtual"], "{s:?}");
    }
    let v: toml::Value = toml::from_str("d = \"\"\"\nhost \\\nvirtual\\\n\"\"\"").unwrap();
    assert_eq!(words_split_on_spaces(v["d"].as_str().unwrap()), vec!["host", "virtual"]);
}
