//! Explorer limits (reliability review D3, D10): `max_states` and
//! `max_memory` hold before anything is stored or expanded past them,
//! progress is reported, a search can be cancelled, and an incomplete
//! search never claims `never`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use notifier_lab_core::checker::{self, NOT_FOUND_INCOMPLETE, Options, Progress, Report, Stop};
use notifier_lab_core::event::ViolationId;
use notifier_lab_core::{Actor, NotifierId, Scenario, Semantics};

const KVM_GRU: [NotifierId; 2] = [NotifierId::Kvm, NotifierId::Gru];
const ACTORS: [Actor; 2] = [Actor::HostWrite, Actor::GruRead];

/// The exact search (no partial-order reduction): the limits are measured
/// against its sizes, and its schedules are the shortest.
fn exact() -> Options {
    Options { reduce: false, ..Options::default() }
}

fn run(options: Options) -> Report {
    let s = Scenario::builtin("cow").unwrap();
    checker::check(&s, Semantics::Wrapped, &KVM_GRU, &ACTORS, options).unwrap()
}

#[test]
fn max_states_zero_and_one_are_honoured() {
    let r = run(Options { max_states: 0, ..exact() });
    assert_eq!((r.distinct_states, r.complete, r.stopped), (0, false, Some(Stop::MaxStates)));
    assert_eq!(r.transitions, 0);
    let r = run(Options { max_states: 1, ..exact() });
    assert_eq!((r.distinct_states, r.complete, r.stopped), (1, false, Some(Stop::MaxStates)));
    assert_eq!(r.transitions, 0, "the initial state is not expanded past the limit");
    let r = run(Options { max_states: 2, ..exact() });
    assert_eq!((r.distinct_states, r.stopped), (2, Some(Stop::MaxStates)));
}

#[test]
fn max_memory_is_tested_before_the_first_insertion() {
    let r = run(Options { max_memory: 1, ..exact() });
    assert_eq!((r.distinct_states, r.stopped), (0, Some(Stop::MaxMemory)));
}

/// A budget far below what the search needs stops it with the estimate
/// within the budget (the search would otherwise store about 60 k states).
#[test]
fn max_memory_stops_before_a_batch_could_pass_it() {
    let full = run(exact());
    assert!(full.complete && full.stopped.is_none());
    assert!(full.bytes_per_state > 0);
    let budget = (full.memory_bytes / 2) as usize;
    let r = run(Options { max_memory: budget, ..exact() });
    assert_eq!(r.stopped, Some(Stop::MaxMemory), "{} of {}", r.distinct_states, full.distinct_states);
    assert!(r.memory_bytes <= budget as u64, "{} > {budget}", r.memory_bytes);
    assert!(r.distinct_states > 0 && r.distinct_states < full.distinct_states);
}

/// Batches do not change the result: a search cut into the smallest
/// batches (a tight state limit per batch) finds what the normal one does.
#[test]
fn limits_leave_complete_results_unchanged() {
    let full = run(exact());
    let r = run(Options { max_states: full.distinct_states as usize + 1, ..exact() });
    assert!(r.complete);
    assert_eq!((r.states, r.distinct_states, r.transitions), (full.states, full.distinct_states, full.transitions));
    assert_eq!(r.violations, full.violations);
}

#[test]
fn progress_is_reported_and_cancel_stops_with_a_partial_report() {
    let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let cancel = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicUsize::new(0));
    let (s2, c2, n2) = (seen.clone(), cancel.clone(), calls.clone());
    let options = Options {
        cancel: Some(cancel),
        progress: Some(Arc::new(move |p: &Progress| {
            s2.lock().unwrap().push(*p);
            // Cancel after the third report.
            if n2.fetch_add(1, Ordering::Relaxed) == 2 {
                c2.store(true, Ordering::Relaxed);
            }
        })),
        ..exact()
    };
    let r = run(options);
    assert_eq!(r.stopped, Some(Stop::Cancelled));
    assert!(!r.complete);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3);
    assert!(seen.windows(2).all(|w| w[0].distinct_states <= w[1].distinct_states));
    assert_eq!(seen.last().unwrap().distinct_states, r.distinct_states);
    assert!(seen.iter().all(|p| p.memory_bytes > 0 && p.expanded <= p.frontier));
}

#[test]
fn an_incomplete_search_never_says_never() {
    let r = run(Options { max_states: 100, ..exact() });
    let text = r.to_text();
    assert!(text.contains("INCOMPLETE (max states reached)"), "{text}");
    for id in ViolationId::ALL {
        let line = text.lines().find(|l| l.starts_with(id.id())).unwrap();
        assert!(!line.contains("never"), "{line}");
    }
    assert!(text.contains(&format!("deadlock                   {NOT_FOUND_INCOMPLETE}")), "{text}");
    let j = r.to_json();
    assert_eq!(j["stopped"], "max_states");
    assert_eq!(j["outcomes"]["lost_write"], NOT_FOUND_INCOMPLETE);
    assert!(j["bytes_per_state"].as_u64().unwrap() > 0);
    // Complete: `never` and the deadlock verdict line.
    let r = run(exact());
    let text = r.to_text();
    assert!(text.contains("lost_write                 never\n"), "{text}");
    assert!(text.contains("deadlock                   never\n"), "{text}");
    assert!(!text.contains("(schedule "), "no schedule, no legend: {text}");
    assert_eq!(r.to_json()["outcomes"]["lost_write"], "never");
    let s = Scenario::builtin("cow").unwrap();
    let r = checker::check(&s, Semantics::Patched, &KVM_GRU, &ACTORS, exact()).unwrap();
    let text = r.to_text();
    assert!(text.contains("stale_secondary_read       sometimes  (45 steps: 0x43 1 2)"), "{text}");
    assert!(text.contains("(schedule `0x43 1 2`: thread 0 runs 43 statements, then thread 1 runs one"), "{text}");
}
