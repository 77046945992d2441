//! The command line as a user runs it: output, exit codes, and clear errors.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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
    // Same callbacks on both sides here (listed, marked the same),
    // different outcome: wrapped has no spte left, patched remapped it
    // read-only.
    assert!(rel.contains("callbacks since previous milestone (same on both sides):"), "{rel}");
    assert!(rel.contains("kvm spte gfn 0x10          wrapped   none"), "{rel}");
    assert!(rel.contains("patched   0x100 R\n"), "{rel}");
}

/// `check` prints, under each violation of a built-in scenario, the demo
/// link that replays its counterexample; the JSON has it as `link`.
#[test]
fn check_prints_demo_links() {
    // The exact search, whose schedule is the shortest (the demo's tests
    // open this link).
    let args = ["check", "cow", "-s", "patched", "-n", "kvm,gru", "--actors", "host_write,gru_read", "--no-reduce"];
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
    expect_usage_error(
        &["trace", "ksm", "-s", "v3.6"],
        &[
            "unknown semantics `v3.6`",
            "original, wrapped, patched, bracket_if_missing, event_aware, v4.15, v6.9, v6.10",
        ],
    );
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

// ---- Reliability review (review-2026-11) -------------------------------

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_notifier-lab"))
}

/// A fresh folder for one test.
fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("notifier-lab-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn review(file: &str) -> String {
    format!("{}/../core/tests/data/review/{file}", env!("CARGO_MANIFEST_DIR"))
}

fn scenario_file(name: &str) -> String {
    format!("{}/../scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A ksm scenario whose trace is far larger than a pipe's buffer.
fn big_scenario(dir: &Path) -> String {
    let mut t = std::fs::read_to_string(scenario_file("ksm.toml")).unwrap();
    for i in 0..60 {
        t.push_str(&format!("\n[[guest]]\nop = \"write\"\nvalue = {i}\n"));
    }
    let p = dir.join("big.toml");
    std::fs::write(&p, t).unwrap();
    p.to_str().unwrap().to_string()
}

/// D1: `trace ... | head -1`: the reader takes one line and closes the
/// pipe; the program ends quietly with status 0 (it panicked, 101).
#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tmp("pipe");
    let big = big_scenario(&dir);
    for format in ["text", "json"] {
        let mut child = bin()
            .args(["trace", &big, "-s", "wrapped", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        assert!(!first.is_empty());
        // The reader is dropped here: the pipe is closed.
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{format}");
    }
    // The whole output is much larger than a pipe's buffer.
    assert!(run(&["trace", &big, "-s", "wrapped"]).stdout.len() > 256 << 10);
    let _ = std::fs::remove_dir_all(&dir);
}

/// D1: any other write error: one line, status 2.
#[test]
fn a_full_disk_is_reported() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
    let o = bin().args(["trace", "ksm", "-s", "wrapped"]).stdout(full).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "notifier-lab: stdout: No space left on device (os error 28)\n");
}

/// D2: the review's overflow repros are refused with a location.
#[test]
fn overflowing_numbers_are_refused() {
    expect_usage_error(
        &["trace", &review("refcount_overflow_min.toml"), "-s", "wrapped"],
        &["refcount_overflow_min.toml:19:12: refcount = 2147483647 is out of range: expected 0 to 255"],
    );
    expect_usage_error(
        &["check", &review("cow_pool_pfn_collision.toml"), "-s", "wrapped", "--actors", "host_write,vcpu_write"],
        &["cow_pool_pfn_collision.toml:27:7: invalid value: integer `18446744073709551615`, expected i64"],
    );
}

/// D3/D10: the limits hold before the first state, and an incomplete
/// search exits 3 and never says `never`, in text and JSON.
#[test]
fn an_incomplete_check_exits_3_and_proves_nothing() {
    let args = ["check", "cow", "-s", "patched", "--actors", "host_write,gru_read"];
    for (limit, why) in [(["--max-states", "0"], "max states reached"), (["--max-memory", "1"], "memory limit reached")]
    {
        let o = run(&[&args[..], &limit[..]].concat());
        assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
        let s = stdout(&o);
        assert!(s.contains("distinct 0 |"), "{s}");
        assert!(s.contains(&format!("INCOMPLETE ({why})")), "{s}");
        assert!(s.contains("lost_write                 not found (incomplete: not a proof)"), "{s}");
        assert!(!s.contains(" never"), "{s}");
    }
    let o = run(&[&args[..], &["--max-states", "1", "--format", "json"]].concat());
    assert_eq!(o.status.code(), Some(3));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((j["distinct_states"].as_u64(), j["complete"].as_bool()), (Some(1), Some(false)));
    assert_eq!(j["stopped"], "max_states");
    assert_eq!(j["outcomes"]["lost_write"], "not found (incomplete: not a proof)");
    // Complete: status 0, the bytes per state in both forms.
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains(" bytes/state"), "{}", stdout(&o));
    // No progress line when stderr is not a terminal.
    assert_eq!(stderr(&o), "");
    let o = run(&[&args[..], &["--max-memory", "lots"]].concat());
    assert_eq!(o.status.code(), Some(2));
}

/// D3: Ctrl-C prints the partial report, marked INCOMPLETE, status 3.
#[test]
fn ctrl_c_prints_the_partial_report() {
    let child = bin()
        .args(["check", "cow", "-s", "patched", "--actors", "host_write,host_write,host_write,vcpu_write"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    let s = stdout(&o);
    assert_eq!(o.status.code(), Some(3), "{s}{}", stderr(&o));
    assert!(s.contains("INCOMPLETE (interrupted)"), "{s}");
    assert!(s.contains("not found (incomplete: not a proof)"), "{s}");
}

/// D4: only regular files under the size limit are read; D11(e): a
/// relative scenario path in a counterexample is read next to it; D11(f):
/// its `threads` must be the replay's.
#[test]
fn input_files_are_checked_before_reading() {
    expect_usage_error(&["trace", "/dev/zero", "-s", "wrapped"], &["notifier-lab: /dev/zero: not a regular file"]);
    expect_usage_error(
        &["--replay", &review("cx_scenario_devzero.toml")],
        &["scenario: /dev/zero: not a regular file"],
    );
    let dir = tmp("files");
    expect_usage_error(&["verify", &format!("{}/", dir.display())], &["not a regular file"]);
    let huge = dir.join("huge.toml");
    std::fs::write(&huge, vec![b'#'; (4 << 20) + 1]).unwrap();
    expect_usage_error(
        &["trace", huge.to_str().unwrap(), "-s", "wrapped"],
        &["huge.toml: 4194305 bytes: input files are limited to 4 MiB"],
    );
    // A counterexample next to its scenario file, opened from elsewhere.
    let sub = dir.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::copy(scenario_file("cow.toml"), sub.join("mycow.toml")).unwrap();
    let cx = std::fs::read_to_string(review("cx_scenario_devzero.toml")).unwrap().replace("/dev/zero", "mycow.toml");
    std::fs::write(sub.join("cx.toml"), &cx).unwrap();
    let o = bin().args(["--replay", sub.join("cx.toml").to_str().unwrap()]).current_dir(&dir).output().unwrap();
    // It loads and replays; only the missing terminal stops it.
    assert!(stderr(&o).contains("the walkthrough needs a terminal"), "{}", stderr(&o));
    let edited =
        cx.replace("threads = [\"host\", \"host_write\", \"gru\"]", "threads = [\"host\", \"gru\", \"host_write\"]");
    std::fs::write(sub.join("cx2.toml"), edited).unwrap();
    expect_usage_error(
        &["--replay", sub.join("cx2.toml").to_str().unwrap()],
        &["threads = [\"host\", \"gru\", \"host_write\"] but the replay runs [\"host\", \"host_write\", \"gru\"]"],
    );
    let dup = cx.replace("notifiers = [\"kvm\", \"gru\"]", "notifiers = [\"kvm\", \"gru\", \"kvm\"]");
    std::fs::write(sub.join("cx3.toml"), dup).unwrap();
    expect_usage_error(&["--replay", sub.join("cx3.toml").to_str().unwrap()], &["duplicate notifier `kvm`"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// D4/D11(e): `check --save` into another folder names the scenario file
/// so that the replay finds it.
#[test]
fn a_saved_counterexample_finds_its_scenario_file() {
    let dir = tmp("save");
    std::fs::copy(scenario_file("cow.toml"), dir.join("mycow.toml")).unwrap();
    std::fs::create_dir_all(dir.join("out")).unwrap();
    let o = bin()
        .args(["check", "mycow.toml", "-s", "patched", "--actors", "host_write,gru_read", "--save", "out/cx.toml"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = bin().args(["--replay", "out/cx.toml"]).current_dir(&dir).output().unwrap();
    assert!(stderr(&o).contains("the walkthrough needs a terminal"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

/// D6: nothing to save: the report first, then status 1.
#[test]
fn check_save_with_nothing_to_save_keeps_the_report() {
    let dir = tmp("nosave");
    let file = dir.join("cx.toml");
    let o =
        run(&["check", "cow", "-s", "wrapped", "--actors", "host_write,gru_read", "--save", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("stale_secondary_read       never"), "{}", stdout(&o));
    assert!(stderr(&o).contains("nothing saved to") && stderr(&o).contains("no violation was found"), "{}", stderr(&o));
    assert!(!file.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// D7: flags a subcommand would ignore are refused; `none` and `all`;
/// duplicates are refused with the duplicate named.
#[test]
fn ignored_flags_are_refused() {
    for (flag, value) in
        [("-n", "kvm"), ("--actors", "host_write"), ("--violation", "lost_write"), ("--save", "x.toml")]
    {
        expect_usage_error(&["check", "--all", flag, value], &["check --all", "it takes no"]);
    }
    expect_usage_error(&["check", "cow", "-s", "patched", "--violation", "lost_write"], &["it needs --save"]);
    expect_usage_error(&["check", "cow", "--actors", "host_write"], &["--actors needs --semantics"]);
    expect_usage_error(&["trace", "ksm", "-s", "wrapped", "-n", "kvm,gru,kvm"], &["duplicate notifier `kvm`"]);
    let o = run(&["trace", "ksm", "-s", "wrapped", "-n", "none", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["notifiers"], serde_json::json!([]));
    let o = run(&["trace", "ksm", "-s", "wrapped", "-n", "all", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["notifiers"].as_array().unwrap().len(), 5);
}

/// D8: `check FILE` runs the configurations of the file's [[verdict]]
/// tables and fails on a mismatch, naming it.
#[test]
fn check_file_compares_its_verdicts() {
    let file = review("verdict_never_checked.toml");
    let o = run(&["check", &file]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("verdict_never_checked.toml:133:1"), "{s}");
    assert!(s.contains("lost_write: expected sometimes, explorer says never"), "{s}");
    assert!(s.contains(", 1 verdict mismatches"), "{s}");
    // One configuration with --semantics: the same verdict.
    let o = run(&["check", &file, "-s", "wrapped", "--actors", "host_write,gru_read"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("verdict "), "{}", stdout(&o));
    assert!(stdout(&o).contains(":133:1: FAIL\n        lost_write: expected sometimes"), "{}", stdout(&o));
    // The built-in file agrees with the explorer.
    let o = run(&["check", &scenario_file("ksm.toml")]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// D9: control characters from the input are refused or escaped.
#[test]
fn terminal_escapes_are_not_echoed() {
    let o = run(&["trace", &review("ansi_escape_name.toml"), "-s", "wrapped"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("ansi_escape_name.toml:3:8: `name` contains the control character U+001B"));
    let o = run(&["trace", "\u{1b}]0;pwned\u{7}", "-s", "wrapped"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(!e.contains('\u{1b}') && !e.contains('\u{7}'), "{e:?}");
    assert!(e.contains("unknown scenario `\\u{1b}]0;pwned\\u{7}`"), "{e}");
    let o = run(&["trace", "/tmp/\u{1b}[31m.toml", "-s", "wrapped"]);
    assert!(!stderr(&o).contains('\u{1b}'), "{:?}", stderr(&o));
}

/// Issue 12: the deadlock verdict line, the schedule legend, and every
/// exit status in --help.
#[test]
fn check_text_has_the_deadlock_line_and_the_schedule_legend() {
    let o = run(&["check", "cow", "-s", "patched", "--actors", "host_write,gru_read"]);
    let s = stdout(&o);
    assert!(s.contains("deadlock                   never\n"), "{s}");
    assert!(s.contains("(schedule `0x43 1 2`: thread 0 runs 43 statements, then thread 1 runs one"), "{s}");
    let help = stdout(&run(&["--help"]));
    for code in ["0  success", "1  a check failed", "2  usage or input error", "3  `check` stopped before"] {
        assert!(help.contains(code), "{help}");
    }
    assert!(stdout(&run(&["check", "--help"])).contains("3  `check` stopped before"));
}

#[test]
fn a_user_absent_at_the_tag_is_refused() {
    let why = ["notifier `intel_svm` does not exist at v3.13", "the users that do: kvm, gru"];
    expect_usage_error(&["trace", "ksm", "-s", "wrapped", "-n", "intel_svm"], &why);
    expect_usage_error(&["compare", "ksm", "patched", "v4.15", "-n", "intel_svm"], &why);
    expect_usage_error(
        &["check", "ksm", "-s", "original", "-n", "intel_svm", "--actors", "svm_read"],
        &["does not exist at v3.6"],
    );
    let o = run(&["trace", "ksm", "-s", "v4.15", "-n", "intel_svm", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
}
