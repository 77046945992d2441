//! Scenario files: their expectations hold, and malformed files get
//! `file:line:column` errors that say what was expected.

use notifier_lab_core::Semantics;
use notifier_lab_core::{Scenario, ScenarioError};

#[test]
fn every_builtin_expectation_holds() {
    let all = Scenario::all_builtin();
    assert_eq!(all.len(), 3, "ksm, cow, uprobe");
    let mut count = 0;
    for s in &all {
        assert!(s.expect.len() >= 3, "{} must carry an expectation per semantics", s.name);
        for c in s.check_expectations() {
            count += 1;
            assert!(
                c.mismatches.is_empty(),
                "{} {} {:?} at {}: {:#?}",
                s.name,
                c.expectation.semantics,
                c.expectation.notifiers,
                c.expectation.location,
                c.mismatches
            );
        }
    }
    assert!(count >= 9);
}

#[test]
fn a_wrong_expectation_is_reported() {
    // Only the first expectation with this line (wrapped's): later eras
    // may expect the same counts.
    let text = include_str!("../../scenarios/cow.toml").replacen(
        "kvm = { sptes_zapped = 1, sptes_remapped = 0, change_pte_misses = 1, guest_faults = 1 }",
        "kvm = { sptes_zapped = 0, sptes_remapped = 0, change_pte_misses = 1, guest_faults = 1 }",
        1,
    );
    let s = Scenario::parse("cow-bad.toml", &text).expect("still well-formed");
    let bad: Vec<_> = s.check_expectations().into_iter().filter(|c| !c.mismatches.is_empty()).collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].mismatches, vec!["kvm.sptes_zapped: expected 0, model says 1".to_string()]);
}

fn err(text: &str) -> ScenarioError {
    Scenario::parse("t.toml", text).expect_err("must be rejected")
}

fn ksm_with(from: &str, to: &str) -> String {
    let base = include_str!("../../scenarios/ksm.toml");
    assert!(base.contains(from), "fixture text not found: {from}");
    base.replacen(from, to, 1)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).expect("needle") + 1
}

#[test]
fn syntax_error_has_line_and_column() {
    let text = ksm_with("pfn = 0x100", "pfn = = 0x100");
    let e = err(&text);
    assert_eq!(e.file, "t.toml");
    assert_eq!(e.line, line_of(&text, "pfn = = 0x100"));
    assert!(e.column > 1);
    assert!(e.to_string().starts_with(&format!("t.toml:{}:", e.line)));
}

#[test]
fn unknown_notifier_lists_valid_ones() {
    let text = ksm_with("notifiers = [\"kvm\", \"gru\"]", "notifiers = [\"kvm\", \"gpu\"]");
    let e = err(&text);
    assert_eq!(e.line, line_of(&text, "\"gpu\""));
    assert!(e.message.contains("unknown notifier `gpu`"), "{}", e.message);
    assert!(e.message.contains("kvm, gru, amd_iommu_v2, xen_gntdev, sleepable"), "{}", e.message);
}

#[test]
fn unknown_path_and_page_names_list_valid_ones() {
    let e = err(&ksm_with("path = \"ksm_merge\"", "path = \"ksm\""));
    assert!(e.message.contains("expected one of: ksm_merge, cow_write_fault, uprobe_install"), "{}", e.message);
    let e = err(&ksm_with("kpage = \"kpage\"", "kpage = \"kpgae\""));
    assert!(e.message.contains("unknown page `kpgae`"), "{}", e.message);
    assert!(e.message.contains("page, kpage"), "{}", e.message);
}

#[test]
fn unknown_key_is_rejected_with_its_location() {
    let text = ksm_with("mapcount = 1\nflags = [\"anon\", \"dirty\"]", "mapcnt = 1\nflags = [\"anon\", \"dirty\"]");
    let e = err(&text);
    assert_eq!(e.line, line_of(&text, "mapcnt"));
    assert!(e.message.contains("unknown field `mapcnt`"), "{}", e.message);
}

#[test]
fn inconsistent_refcounts_are_rejected() {
    let e = err(&ksm_with(
        "refcount = 2\nmapcount = 1\nflags = [\"anon\", \"dirty\"]",
        "refcount = 1\nmapcount = 2\nflags = [\"anon\", \"dirty\"]",
    ));
    assert!(e.message.contains("0 <= mapcount <= refcount"), "{}", e.message);
}

#[test]
fn bad_expectation_keys_are_rejected() {
    let e = err(&ksm_with("violations = []\n", "violation = []\n"));
    assert!(e.message.contains("unknown key `violation`"), "{}", e.message);
    assert!(e.message.contains("calls_under_ptl"), "{}", e.message);
    let e = err(&ksm_with(
        "violations = [\"sleep_in_atomic\", \"stale_spte\"]",
        "violations = [\"sleeping\", \"stale_spte\"]",
    ));
    assert!(e.message.contains("unknown violation id"), "{}", e.message);
    let e = err(&ksm_with("semantics = \"original\"", "semantics = \"v3.6\""));
    assert!(
        e.message.contains("unknown semantics `v3.6`; expected one of: original, wrapped, patched, bracket_if_missing, event_aware, v4.15, v6.9, v6.10"),
        "{}",
        e.message
    );
}

#[test]
fn cow_needs_a_page_that_is_not_reused() {
    let text = include_str!("../../scenarios/cow.toml").replace(
        "refcount = 2\nmapcount = 2\nflags = [\"anon\", \"ksm\"]",
        "refcount = 1\nmapcount = 1\nflags = [\"anon\"]",
    );
    let e = err(&text);
    assert!(e.message.contains("reused in place"), "{}", e.message);
}

#[test]
fn garbage_never_panics() {
    for text in ["", "\u{0}", "name = 1", "[[page]]\n[[page]]", "name = \"x\"\n[host]\naddr = -1", "🙂 = 1"] {
        let e = err(text);
        assert!(e.line >= 1 && e.column >= 1, "{e}");
    }
}

/// Every built-in scenario states, for every semantics, what its default
/// run does (`[[expect]]`) and what the explorer finds with its default
/// actors for every invariant (`[[verdict]]`): a new semantics is not done
/// until its expected results are written down.
#[test]
fn every_semantics_has_expected_results_and_verdicts() {
    use notifier_lab_core::ViolationId;
    for s in Scenario::all_builtin() {
        for sem in Semantics::ALL {
            assert!(
                s.expect.iter().any(|e| e.semantics == sem && e.notifiers == s.notifiers),
                "{}: no [[expect]] for {sem} with the default notifiers",
                s.name
            );
            let v = s
                .verdicts
                .iter()
                .find(|v| v.semantics == sem && v.notifiers == s.notifiers && v.actors == s.actors)
                .unwrap_or_else(|| {
                    panic!("{}: no [[verdict]] for {sem} with the default notifiers and actors", s.name)
                });
            for id in ViolationId::ALL {
                assert!(v.expected.iter().any(|(x, _)| *x == id), "{} {sem}: the verdict lacks {}", s.name, id.id());
            }
        }
    }
}
/// v6.9 with the uprobe page outside every KVM memslot (the usual case for
/// QEMU's own text, reference §3.5): KVM's range_start finds no memslot, so
/// it takes no `mmu_lock` and `mmu_invalidate_in_progress` stays 0, and
/// change_pte returns early (kvm_main.c 744-745); nothing is zapped or
/// looked up. v6.10 has no change_pte to call.
#[test]
fn v6_9_change_pte_returns_early_outside_every_memslot() {
    use notifier_lab_core::{NotifierId, Semantics, Trace};
    let text = include_str!("../../scenarios/uprobe.toml")
        .replace("spte = { page = \"text_page\", writable = false }", "memslot = false")
        .replace("[[guest]]\nop = \"read\"\n", "");
    let s = Scenario::parse("uprobe-no-memslot.toml", &text).expect("well-formed");
    assert!(s.guest.is_empty());
    for (sem, change_pte) in [(Semantics::V6_9, Some(1)), (Semantics::V6_10, None)] {
        let j = Trace::run(&s, sem, &[NotifierId::Kvm]).to_json();
        let all = j.to_string();
        assert_eq!(all.contains("change_pte returns early"), change_pte.is_some(), "{sem}");
        assert!(all.contains("no memslot overlaps the range"), "{sem}");
        assert!(!all.contains("kvm_mmu_invalidate_begin: mmu_invalidate_in_progress"), "{sem}");
        let kvm = &j["summary"]["kvm"];
        assert_eq!(kvm["sptes_zapped"], 0, "{sem}");
        assert_eq!(kvm["change_pte_misses"], 0, "{sem}");
        assert_eq!(j["summary"]["calls"]["kvm"]["change_pte"].as_u64(), change_pte, "{sem}");
        assert_eq!(j["summary"]["violations"], serde_json::json!([]), "{sem}");
    }
}

/// An spte needs a memslot.
#[test]
fn an_spte_without_a_memslot_is_refused() {
    let text = include_str!("../../scenarios/uprobe.toml").replace(
        "spte = { page = \"text_page\", writable = false }",
        "spte = { page = \"text_page\", writable = false }\nmemslot = false",
    );
    let e = Scenario::parse("uprobe-bad.toml", &text).unwrap_err();
    assert!(e.to_string().contains("kvm.spte needs a memslot"), "{e}");
}
