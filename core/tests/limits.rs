//! Input limits (reliability review D2, D5, D9, D11): every numeric field
//! is bounded at parse time with `file:line:column` and the allowed range,
//! caps are enforced while parsing, control characters are refused, and
//! the model's own arithmetic on accepted input cannot wrap.

use notifier_lab_core::checker::{self, Options};
use notifier_lab_core::scenario::{MAX_ACTORS, MAX_GUEST_OPS, MAX_PAGES, MAX_PFN};
use notifier_lab_core::{Actor, Scenario, Semantics};

const MIN: &str = r#"name = "x"
title = "x"
description = "x"
path = "ksm_merge"
notifiers = []
[host]
addr = 0x1000
page = "a"
kpage = "b"
mmap_sem = "read"
[[page]]
name = "a"
pfn = 0x100
refcount = 2
mapcount = 1
[[page]]
name = "b"
pfn = 0x200
refcount = 1
[pte]
page = "a"
writable = true
"#;

fn err(text: &str) -> String {
    Scenario::parse("t.toml", text).expect_err("must be rejected").to_string()
}

/// The line of the first occurrence of `needle` in `text` (1-based).
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).expect(needle) + 1
}

#[test]
fn the_minimal_file_parses() {
    let s = Scenario::parse("t.toml", MIN).unwrap();
    assert_eq!(s.pages.len(), 2);
}

#[test]
fn pfn_is_bounded_at_the_integer_limits() {
    for (v, ok) in [
        ("0", false),
        ("1", true),
        (&format!("{MAX_PFN:#x}"), true),
        (&format!("{:#x}", MAX_PFN + 1), false),
        ("0x7fffffffffffffff", false),
        ("-1", false),
        ("-9223372036854775808", false),
    ] {
        let text = MIN.replace("pfn = 0x200", &format!("pfn = {v}"));
        match Scenario::parse("t.toml", &text) {
            Ok(_) => assert!(ok, "pfn = {v} accepted"),
            Err(e) => {
                assert!(!ok, "pfn = {v} rejected: {e}");
                let e = e.to_string();
                assert!(e.starts_with(&format!("t.toml:{}:7: pfn = ", line_of(&text, "pfn = ").max(18))), "{e}");
                assert!(e.contains(&format!("expected 0x1 to {MAX_PFN:#x}")), "{e}");
            }
        }
    }
    // Beyond i64 (the review's 0xffffffffffffffff): TOML's own range error, located.
    let text = MIN.replace("pfn = 0x200", "pfn = 0xffffffffffffffff");
    assert!(err(&text).starts_with("t.toml:18:"), "{}", err(&text));
}

#[test]
fn refcount_and_mapcount_are_bounded() {
    let e = err(&MIN.replace("refcount = 1\n", "refcount = 2147483647\n"));
    assert_eq!(e, "t.toml:19:12: refcount = 2147483647 is out of range: expected 0 to 255");
    let e = err(&MIN.replace("refcount = 1\n", "refcount = -1\n"));
    assert!(e.contains("refcount = -1 is out of range"), "{e}");
    let e = err(&MIN.replace("mapcount = 1", "mapcount = 128"));
    assert!(e.starts_with("t.toml:15:12: mapcount = 128 is out of range: expected 0 to 127"), "{e}");
    let ok = MIN.replace("refcount = 1\n", "refcount = 255\n");
    assert!(Scenario::parse("t.toml", &ok).is_ok());
}

#[test]
fn addr_and_gfn_are_bounded() {
    let e = err(&MIN.replace("addr = 0x1000", "addr = 0x800000000000"));
    assert_eq!(e, "t.toml:7:8: host.addr = 0x800000000000 is out of range: expected 0x0 to 0x7fffffffffff");
    let e = err(&format!("{MIN}[kvm]\ngfn = 0x100000000\n"));
    assert!(e.contains("kvm.gfn = 0x100000000 is out of range: expected 0x0 to 0xffffffff"), "{e}");
    assert!(e.starts_with("t.toml:24:7:"), "{e}");
    assert!(Scenario::parse("t.toml", &format!("{MIN}[kvm]\ngfn = 0xffffffff\n")).is_ok());
}

/// The review's repros: both were accepted and then overflowed in the model.
#[test]
fn review_repros_are_rejected_with_a_location() {
    let text = include_str!("data/review/pool_pfn_overflow_min.toml");
    let e = Scenario::parse("pool.toml", text).unwrap_err().to_string();
    assert!(e.starts_with("pool.toml:18:"), "{e}");
    let text = include_str!("data/review/refcount_overflow_min.toml");
    let e = Scenario::parse("ref.toml", text).unwrap_err().to_string();
    assert_eq!(e, "ref.toml:19:12: refcount = 2147483647 is out of range: expected 0 to 255");
    let text = include_str!("data/review/cow_pool_pfn_collision.toml");
    assert!(Scenario::parse("c.toml", text).is_err());
}

/// With the largest pfn and the most writing actors, the pool pages still
/// get distinct pfns above every scenario page (no wrap).
#[test]
fn pool_pages_never_collide_at_the_pfn_limit() {
    let text = MIN.replace("pfn = 0x200", &format!("pfn = {MAX_PFN:#x}"));
    let s = Scenario::parse("t.toml", &text).unwrap();
    let actors = vec![Actor::HostWrite; MAX_ACTORS];
    let m = s.machine_with(Semantics::Patched, &[], &actors).unwrap();
    let mut pfns: Vec<u64> = m.pages.iter().map(|p| p.pfn).collect();
    let n = pfns.len();
    pfns.sort_unstable();
    pfns.dedup();
    assert_eq!(pfns.len(), n, "two pages share a pfn");
    assert!(m.pages[2..].iter().all(|p| p.pfn > MAX_PFN));
}

#[test]
fn caps_are_enforced_while_parsing() {
    let mut text = MIN.to_string();
    for i in 0..MAX_PAGES {
        text.push_str(&format!("[[page]]\nname = \"p{i}\"\npfn = {}\nflags = [\"free\"]\n", 0x1000 + i));
    }
    let e = err(&text);
    assert!(e.contains(&format!("{} [[page]] tables: at most {MAX_PAGES}", MAX_PAGES + 2)), "{e}");
    let line = line_of(&text, &format!("name = \"p{}\"", MAX_PAGES - 2));
    assert!(e.starts_with(&format!("t.toml:{line}:8:")), "{e}");
    let mut text = MIN.to_string();
    for _ in 0..=MAX_GUEST_OPS {
        text.push_str("[[guest]]\nop = \"read\"\n");
    }
    let e = err(&text);
    assert!(e.contains(&format!("{} [[guest]] operations: at most {MAX_GUEST_OPS}", MAX_GUEST_OPS + 1)), "{e}");
    let many = vec!["\"vcpu_read\""; MAX_ACTORS + 1].join(", ");
    let e = err(&MIN.replace("notifiers = []", &format!("actors = [{many}]")));
    assert!(e.starts_with("t.toml:5:10: 251 actors: at most 250"), "{e}");
    // Pool pages count against the page limit.
    let mut text = MIN.replace("notifiers = []", "actors = [\"host_write\", \"host_write\"]");
    for i in 0..MAX_PAGES - 3 {
        text.push_str(&format!("[[page]]\nname = \"p{i}\"\npfn = {}\nflags = [\"free\"]\n", 0x1000 + i));
    }
    let e = err(&text);
    assert!(e.starts_with("t.toml:5:10: 254 pages and 2 writing actors"), "{e}");
}

/// Validation is linear: a file at the page cap with distinct names parses
/// quickly (the old O(n²) scans were only slow at 100k pages, so this
/// checks the duplicate detection still works at the cap instead).
#[test]
fn duplicates_are_found_at_the_cap() {
    let mut text = MIN.to_string();
    for i in 0..MAX_PAGES - 3 {
        text.push_str(&format!("[[page]]\nname = \"p{i}\"\npfn = {}\nflags = [\"free\"]\n", 0x1000 + i));
    }
    text.push_str("[[page]]\nname = \"p7\"\npfn = 0x9999\nflags = [\"free\"]\n");
    assert!(err(&text).contains("page `p7` defined twice"));
    let text = text.replace("name = \"p7\"\npfn = 0x9999", "name = \"last\"\npfn = 0x1007");
    let e = err(&text);
    assert!(e.contains("pfn 0x1007 used by two pages"), "{e}");
}

#[test]
fn control_characters_are_refused() {
    let text = include_str!("data/review/ansi_escape_name.toml");
    let e = err(text);
    assert_eq!(e, "t.toml:3:8: `name` contains the control character U+001B; only printable text is allowed");
    let e = err(&MIN.replace("title = \"x\"", "title = \"a\\u0007b\""));
    assert!(e.starts_with("t.toml:2:9: `title` contains the control character U+0007"), "{e}");
    let e = err(&MIN.replace("description = \"x\"", "description = \"a\\u009bb\""));
    assert!(e.contains("`description` contains the control character U+009B"), "{e}");
    let e = err(&MIN.replace("name = \"b\"", "name = \"b\\r\""));
    assert!(e.contains("`page name` contains the control character U+000D"), "{e}");
    // A description may span lines.
    assert!(Scenario::parse("t.toml", &MIN.replace("description = \"x\"", "description = \"a\\n\\tb\"")).is_ok());
    // A file name with an escape is shown escaped.
    let e = Scenario::parse("a\u{1b}[31m.toml", "x").unwrap_err().to_string();
    assert!(e.starts_with("a\\u{1b}[31m.toml:1:"), "{e}");
}

#[test]
fn ksm_merge_into_itself_is_refused() {
    let e = err(&MIN.replace("kpage = \"b\"", "kpage = \"a\""));
    assert_eq!(e, "t.toml:9:9: ksm_merge merges two different pages: kpage must not be page");
}

#[test]
fn expect_numbers_compare_exactly_and_nan_is_explained() {
    let base = format!("{MIN}[[expect]]\nsemantics = \"patched\"\n");
    let steps = Scenario::parse("t.toml", &base).unwrap().check_expectations();
    assert!(steps.iter().all(|c| c.mismatches.is_empty()));
    let e = err(&format!("{base}steps = nan\n"));
    assert!(e.contains("[[expect]]: `steps` = NaN: the summary holds integers only"), "{e}");
    let e = err(&format!("{base}steps = 166.00000000000001\n"));
    assert!(e.contains("`steps` = 166: the summary holds integers only"), "{e}");
    let e = err(&format!("{base}calls.kvm = {{ change_pte = 1.0 }}\n"));
    assert!(e.contains("`calls.kvm.change_pte` = 1"), "{e}");
}

#[test]
fn duplicate_notifiers_are_refused_everywhere() {
    let e = err(&MIN.replace("notifiers = []", "notifiers = [\"kvm\", \"kvm\"]"));
    assert!(e.contains("duplicate notifier `kvm`"), "{e}");
    let e = err(&format!("{MIN}[[expect]]\nsemantics = \"patched\"\nnotifiers = [\"gru\", \"gru\"]\n"));
    assert!(e.contains("[[expect]]: duplicate notifier `gru`"), "{e}");
    let e = err(&format!("{MIN}[[verdict]]\nsemantics = \"patched\"\nnotifiers = [\"gru\", \"gru\"]\n"));
    assert!(e.contains("[[verdict]]: duplicate notifier `gru`"), "{e}");
    let e = notifier_lab_core::NotifierId::parse_list("kvm,gru,kvm").unwrap_err();
    assert_eq!(e, "duplicate notifier `kvm`: each may be listed once");
    assert_eq!(notifier_lab_core::NotifierId::parse_list("none").unwrap(), vec![]);
    assert_eq!(notifier_lab_core::NotifierId::parse_list("all").unwrap().len(), notifier_lab_core::NotifierId::COUNT);
}

/// The explorer still runs on a file at the limits (no overflow error
/// from the model, a clear one from the encoding if any).
#[test]
fn explorer_runs_at_the_count_limits() {
    let text = MIN.replace("refcount = 1\n", "refcount = 255\nmapcount = 127\n");
    let s = Scenario::parse("t.toml", &text).unwrap();
    let r = checker::check(&s, Semantics::Patched, &[], &[Actor::HostWrite], Options::default());
    assert!(r.is_ok(), "{r:?}");
}
