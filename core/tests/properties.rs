//! Property tests: random notifier sets (any subset, any list order) and
//! random interleavings of the host path and the vCPU never panic, and keep
//! refcounts, lock state and range balance consistent.

use notifier_lab_core::event::ViolationId;
use notifier_lab_core::notifier::Secondary;
use notifier_lab_core::scenario::BUILTIN;
use notifier_lab_core::{Machine, NotifierId, Scenario, Semantics, StepOutcome};
use proptest::prelude::*;

fn notifier_set() -> impl Strategy<Value = Vec<NotifierId>> {
    proptest::sample::subsequence(NotifierId::ALL.to_vec(), 0..=NotifierId::ALL.len()).prop_shuffle()
}

/// Whether a notifier that sleeps ends up sleeping in atomic context under
/// `sem`. Every semantics states its answer, so a new one must too.
fn sleeps_in_atomic(sem: Semantics) -> bool {
    match sem {
        // The invalidate_page fallback runs under the PT lock.
        Semantics::Original => true,
        // No fallback; the range bracket runs outside the PT lock.
        Semantics::Wrapped => false,
        // The fallback runs after the PT lock is dropped.
        Semantics::Patched => false,
        // A sleeping driver has range callbacks and no change_pte, so the
        // bracket stays, outside the PT lock.
        Semantics::BracketIfMissing => false,
        // The bracket stays for everyone.
        Semantics::EventAware => false,
        // No invalidate_page; its range callbacks run outside the PT lock.
        Semantics::V4_15 | Semantics::V6_9 | Semantics::V6_10 => false,
    }
}

fn consistent(m: &Machine) -> Result<(), String> {
    for p in &m.pages {
        if p.mapcount < 0 || p.mapcount > p.refcount.max(0) {
            return Err(format!("page {:#x}: mapcount {} refcount {}", p.pfn, p.mapcount, p.refcount));
        }
        if p.refcount < 0 || (p.free != (p.refcount == 0)) {
            return Err(format!("page {:#x}: free={} refcount {}", p.pfn, p.free, p.refcount));
        }
        if let Some(t) = p.locked_by
            && m.threads[t as usize].done()
        {
            return Err(format!("page {:#x} locked by a finished thread", p.pfn));
        }
    }
    for (addr, pte) in &m.ptes {
        if pte.present && m.page(pte.pfn).is_none_or(|p| p.free) {
            return Err(format!("pte {addr:#x} maps a free page"));
        }
    }
    if let Some(t) = m.ptl.holder
        && m.threads[t.0 as usize].done()
    {
        return Err("PT lock held by a finished thread".into());
    }
    for th in &m.threads {
        if th.ranges_open < 0 {
            return Err("negative open ranges".into());
        }
    }
    for n in &m.notifiers {
        match n {
            Secondary::Kvm(k) => {
                if k.mmu_notifier_count < 0 {
                    return Err("kvm count < 0".into());
                }
                if let Some(t) = k.mmu_lock
                    && m.threads[t as usize].done()
                {
                    return Err("mmu_lock held by a finished thread".into());
                }
            }
            Secondary::Gru(g) if g.ms_range_active < 0 => return Err("ms_range_active < 0".into()),
            _ => {}
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn random_runs_stay_consistent(
        scenario in 0..BUILTIN.len(),
        sem in 0..Semantics::ALL.len(),
        notifiers in notifier_set(),
        schedule in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let s = &Scenario::all_builtin()[scenario];
        let sem = Semantics::ALL[sem];
        let mut m = s.machine(sem, &notifiers);
        let mut violations = Vec::new();
        let mut i = 0;
        while !m.all_done() {
            let rs = m.runnable();
            prop_assert!(!rs.is_empty(), "deadlock in {} {sem} {notifiers:?}", s.name);
            prop_assert!(i < 2_000, "no progress");
            let t = rs[schedule.get(i).copied().unwrap_or(0) as usize % rs.len()];
            i += 1;
            match m.step(t) {
                StepOutcome::Ran(x) => violations.extend(x.events.into_iter().filter_map(|e| match e {
                    notifier_lab_core::Event::Violation(v) => Some(v.id),
                    _ => None,
                })),
                other => prop_assert!(false, "runnable thread did not run: {other:?}"),
            }
            if let Err(e) = consistent(&m) {
                prop_assert!(false, "{} {sem} {notifiers:?} after step {i}: {e}", s.name);
            }
        }
        // At the end: every lock free, every range closed.
        prop_assert!(m.ptl.holder.is_none());
        prop_assert!(m.pages.iter().all(|p| p.locked_by.is_none()));
        for n in &m.notifiers {
            match n {
                Secondary::Kvm(k) => prop_assert!(k.mmu_notifier_count == 0 && k.mmu_lock.is_none()),
                Secondary::Gru(g) => prop_assert_eq!(g.ms_range_active, 0),
                Secondary::Sleepable(d) => prop_assert!(d.mutex.is_none()),
                Secondary::XenGntdev(g) => prop_assert!(g.lock.is_none()),
                Secondary::AmdIommuV2(a) => prop_assert_eq!(a.gcr3, notifier_lab_core::notifier::Gcr3::MmPgd),
                // No lock or range counter: only the IOTLB, checked by the
                // freed-page invariant below.
                Secondary::IntelSvm(_) => {}
            }
        }
        prop_assert!(!violations.contains(&ViolationId::RangeImbalance));
        prop_assert!(!violations.contains(&ViolationId::SecondaryMapsFreedPage));
        // Sleeping in atomic context happens exactly when a sleeping notifier
        // meets a semantics that calls it under the PT lock.
        let expect_sleep = sleeps_in_atomic(sem) && notifiers.contains(&NotifierId::Sleepable);
        prop_assert_eq!(violations.contains(&ViolationId::SleepInAtomic), expect_sleep);
    }

    #[test]
    fn hashing_ignores_step_counters(scenario in 0..BUILTIN.len(), n in 0usize..40) {
        use std::hash::{Hash, Hasher};
        let s = &Scenario::all_builtin()[scenario];
        let mut a = s.machine(Semantics::Wrapped, &NotifierId::DEFAULT);
        for _ in 0..n {
            if let Some(t) = a.runnable().first().copied() { a.step(t); }
        }
        let mut b = a.clone();
        b.steps += 1000;
        b.ptl.since += 7;
        let h = |m: &Machine| { let mut h = std::collections::hash_map::DefaultHasher::new(); m.hash(&mut h); h.finish() };
        prop_assert_eq!(h(&a), h(&b));
        prop_assert!(a == b);
    }
}
