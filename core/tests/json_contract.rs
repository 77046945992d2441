//! The trace JSON contract (docs/trace-json.md), checked for every
//! scenario x semantics x notifier set (every subset of the notifiers).

use notifier_lab_core::scenario::BUILTIN;
use notifier_lab_core::{Callback, NotifierId, Scenario, Semantics, Trace, kernel};
use serde_json::Value;

fn subsets() -> Vec<Vec<NotifierId>> {
    (0u32..1 << NotifierId::ALL.len())
        .map(|mask| NotifierId::ALL.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, n)| *n).collect())
        .collect()
}

fn uint(v: &Value, what: &str) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("{what} must be an unsigned integer, got {v}"))
}

#[test]
fn trace_json_follows_the_contract() {
    let mut runs = 0;
    for s in Scenario::all_builtin() {
        for sem in Semantics::ALL {
            for set in subsets() {
                if NotifierId::check_at(sem, &set).is_err() {
                    continue;
                }
                let j = Trace::run(&s, sem, &set).to_json();
                runs += 1;
                check(&j, &s.name, sem, &set);
            }
        }
    }
    // Every subset of the users that exist at each tag.
    let per_scenario: usize = Semantics::ALL.iter().map(|sem| 1 << NotifierId::all_at(*sem).len()).sum();
    assert_eq!(runs, BUILTIN.len() * per_scenario);
}

fn check(j: &Value, scenario: &str, sem: Semantics, set: &[NotifierId]) {
    let ctx = format!("{scenario}/{sem}/{set:?}");
    assert_eq!(j["format"], 1, "{ctx}");
    assert_eq!(j["scenario"], scenario, "{ctx}");
    assert_eq!(j["semantics"], sem.id(), "{ctx}");
    let ids: Vec<&str> = set.iter().map(|n| n.id()).collect();
    assert_eq!(j["notifiers"], serde_json::json!(ids), "{ctx}");
    let steps = j["steps"].as_array().expect("steps[]");
    assert!(!steps.is_empty(), "{ctx}");
    for (i, st) in steps.iter().enumerate() {
        assert_eq!(uint(&st["index"], "index"), i as u64 + 1);
        let thread = st["thread"].as_str().expect("thread");
        assert!(thread == "host" || thread == "vcpu", "{ctx}: {thread}");
        uint(&st["depth"], "depth");
        assert!(!st["function"].as_str().expect("function").is_empty());
        assert!(!st["code"].as_str().expect("code").is_empty());
        let src = &st["source"];
        let file = src["file"].as_str().expect("source.file");
        let line = uint(&src["line"], "source.line");
        let tag = src["tag"].as_str().expect("source.tag");
        let known = kernel::all_functions().into_iter().map(|f| f.tag).find(|t| t.name == tag);
        let known = known.unwrap_or_else(|| panic!("{ctx}: {tag} is no listing's tag"));
        assert!(line > 0, "{ctx}");
        let url = src["url"].as_str().expect("source.url");
        let at = format!("https://elixir.bootlin.com/linux/{}/source/{file}#L", known.elixir);
        assert!(url.starts_with(&at), "{ctx}: {url}");
        if let Some(m) = st.get("milestone") {
            assert!(!m.as_str().expect("milestone is a string").is_empty());
        }
        for e in st["events"].as_array().expect("events[]") {
            assert!(e["kind"].is_string() && e["message"].is_string(), "{ctx}: {e}");
        }
    }
    let sum = &j["summary"];
    for key in ["calls", "calls_under_ptl"] {
        let calls = sum[key].as_object().expect(key);
        assert_eq!(calls.len(), set.len(), "{ctx}: {key} has one entry per registered notifier");
        for n in set {
            let per = calls[n.id()].as_object().expect("per-notifier calls");
            let want: Vec<&str> = n.ops(sem).list().iter().map(|c| c.id()).collect();
            let mut got: Vec<&str> = per.keys().map(String::as_str).collect();
            got.sort();
            let mut want_sorted = want.clone();
            want_sorted.sort();
            assert_eq!(got, want_sorted, "{ctx}: {key}.{}", n.id());
            for v in per.values() {
                uint(v, "call count");
            }
        }
    }
    for k in ["sptes_zapped", "sptes_remapped", "change_pte_misses", "guest_faults"] {
        uint(&sum["kvm"][k], k);
    }
    for k in ["tlb_flushes", "wake_up_all"] {
        uint(&sum["gru"][k], k);
    }
    assert!(sum["gru"]["max_range_active"].is_i64());
    for v in sum["violations"].as_array().expect("violations[]") {
        assert!(v["id"].is_string() && v["message"].is_string());
    }
    // Cross-check: every counted call appears as a callback event.
    let events: usize = steps
        .iter()
        .flat_map(|s| s["events"].as_array().into_iter().flatten())
        .filter(|e| e["kind"] == "callback")
        .count();
    let counted: u64 = sum["calls"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
        .flat_map(|m| m.as_object().into_iter().flat_map(|m| m.values()))
        .map(|v| v.as_u64().unwrap_or(0))
        .sum();
    assert_eq!(events as u64, counted, "{ctx}");
    // A notifier never receives a callback its ops table lacks.
    for n in set {
        for cb in Callback::ALL {
            if !n.ops(sem).has(cb) {
                assert!(sum["calls"][n.id()].get(cb.id()).is_none());
            }
        }
    }
}
