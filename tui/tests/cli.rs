//! The command line as a user runs it: output, exit codes, and clear errors.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_notifier-lab")).args(args).output().expect("run notifier-lab")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn list_names_everything() {
    let o = run(&["list"]);
    assert!(o.status.success());
    let s = stdout(&o);
    for name in [
        "ksm",
        "cow",
        "uprobe",
        "original",
        "wrapped",
        "patched",
        "kvm",
        "gru",
        "amd_iommu_v2",
        "xen_gntdev",
        "sleepable",
        "sleep_in_atomic",
        "range_imbalance",
    ] {
        assert!(s.contains(name), "`list` lacks {name}:\n{s}");
    }
}

#[test]
fn trace_json_is_the_documented_contract() {
    let o = run(&["trace", "ksm", "--semantics", "wrapped", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(j["scenario"], "ksm");
    assert_eq!(j["semantics"], "wrapped");
    assert_eq!(j["notifiers"], serde_json::json!(["kvm", "gru"]));
    assert_eq!(j["summary"]["kvm"]["change_pte_misses"], 2);
    assert_eq!(j["summary"]["kvm"]["guest_faults"], 1);
    assert_eq!(j["summary"]["calls_under_ptl"]["kvm"]["change_pte"], 2);
}

#[test]
fn trace_text_with_other_notifiers() {
    let o = run(&["trace", "cow", "-s", "original", "-n", "amd_iommu_v2,xen_gntdev,sleepable"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("AMD IOMMUv2: change_pte called under the PT lock"), "{s}");
    assert!(s.contains("Xen gntdev: invalidate_page called under the PT lock"), "{s}");
    assert!(s.contains("violation sleep_in_atomic"), "{s}");
}

#[test]
fn compare_shows_where_wrapped_and_patched_diverge_for_ksm() {
    let o = run(&["compare", "ksm", "wrapped", "patched"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    // First milestone where the states differ: the PT lock is taken, KVM's
    // spte is already gone under wrapped and still there under patched.
    let row = s.split("\n== ").find(|r| r.starts_with("write_protect_page:ptl-taken")).expect("row");
    assert!(row.contains("kvm spte gfn 0x10"), "{row}");
    assert!(row.contains("kvm mmu_notifier_count"), "{row}");
    // set_pte_at_notify's callbacks run before the PT lock is dropped.
    let rel = s.split("\n== ").find(|r| r.starts_with("write_protect_page:ptl-released")).expect("row");
    // Same callbacks on both sides here (so none are listed), different
    // outcome: wrapped has no spte left, patched remapped it read-only.
    assert!(!rel.contains("callbacks since previous milestone"), "{rel}");
    assert!(rel.contains("kvm spte gfn 0x10          wrapped   none"), "{rel}");
    assert!(rel.contains("patched   0x100 R\n"), "{rel}");
}

/// `check` prints, under each violation of a built-in scenario, the demo
/// link that replays its counterexample; the JSON has it as `link`.
#[test]
fn check_prints_demo_links() {
    let args = ["check", "cow", "-s", "patched", "-n", "kvm,gru", "--actors", "host_write,gru_read"];
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    let want = "stale_secondary_read       sometimes  (45 steps: 0x43 1 2)\n";
    let at = s.find(want).unwrap_or_else(|| panic!("{s}"));
    let mut lines = s[at + want.len()..].lines();
    assert!(lines.next().unwrap().starts_with("    the GRU read"), "{s}");
    assert_eq!(
        lines.next(),
        Some(
            "    demo: index.html#v1/cow/patched/patched/kvm,gru/step=45,65&actors=host_write,gru_read&schedule=000000000000000000000000000000000000000000012"
        )
    );
    assert_eq!(s.matches("demo: ").count(), 1, "{s}");
    let o = run(&[&args[..], &["--format", "json"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let v = &j["violations"][0];
    assert_eq!(v["id"], "stale_secondary_read");
    let link = v["link"].as_str().expect("a link");
    assert!(s.contains(&format!("demo: index.html{link}\n")), "the text and the JSON name the same link");
    // A scenario file has no link: the demo only has the built-in ones.
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/cow.toml");
    let mut args = args.to_vec();
    args[1] = file;
    let o = run(&[&args[..], &["--format", "json"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(j["violations"][0]["id"], "stale_secondary_read");
    assert!(j["violations"][0]["link"].is_null(), "{}", j["violations"][0]);
    assert!(!stdout(&run(&args)).contains("demo:"));
}

fn expect_usage_error(args: &[&str], needles: &[&str]) {
    let o = run(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
    let e = stderr(&o);
    for n in needles {
        assert!(e.contains(n), "{args:?}: stderr lacks {n:?}:\n{e}");
    }
    assert!(!e.contains("panicked"), "{e}");
}

#[test]
fn unknown_names_are_listed_with_the_valid_ones() {
    expect_usage_error(&["trace", "ksm", "-s", "v3.6"], &["unknown semantics `v3.6`", "original, wrapped, patched"]);
    expect_usage_error(&["trace", "kms", "-s", "wrapped"], &["unknown scenario `kms`", "ksm, cow, uprobe"]);
    expect_usage_error(
        &["trace", "ksm", "-s", "wrapped", "-n", "kvm,gpu"],
        &["unknown notifier `gpu`", "amd_iommu_v2"],
    );
    expect_usage_error(&["compare", "ksm", "wrapped", "later"], &["unknown semantics `later`"]);
}

#[test]
fn malformed_scenario_file_gets_file_line_column() {
    let dir = std::env::temp_dir().join(format!("notifier-lab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.toml");
    let text = include_str!("../../scenarios/ksm.toml")
        .replace("writable = true\ndirty = true", "writable = yes\ndirty = true");
    std::fs::write(&path, &text).unwrap();
    let p = path.to_str().unwrap();
    let line = text.lines().position(|l| l == "writable = yes").unwrap() + 1;
    expect_usage_error(&["trace", p, "-s", "wrapped"], &[&format!("bad.toml:{line}:12:")]);
    expect_usage_error(&["trace", dir.join("missing.toml").to_str().unwrap(), "-s", "wrapped"], &["missing.toml"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn verify_rechecks_every_expectation() {
    let o = run(&["verify"]);
    assert!(o.status.success(), "{}", stdout(&o));
    let s = stdout(&o);
    assert!(s.lines().any(|l| l.ends_with(" passed, 0 failed")), "{s}");
    assert!(!s.contains("FAIL"));
}
