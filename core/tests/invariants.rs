//! Each invariant fires on a case built to break it, through real execution
//! of the model (a constructed initial state or a constructed schedule).

mod common;

use notifier_lab_core::event::ViolationId;
use notifier_lab_core::machine::{Frame, FrameStack, ThreadId};
use notifier_lab_core::notifier::{GruTlbEntry, Secondary};
use notifier_lab_core::{NotifierId, Scenario, Semantics, StepOutcome, Trace};

fn ids(t: &Trace) -> Vec<ViolationId> {
    let mut v: Vec<_> = t.summary.violations.iter().map(|v| v.id).collect();
    v.dedup();
    v
}

fn ksm() -> Scenario {
    Scenario::builtin("ksm").expect("built-in")
}

#[test]
fn sleep_in_atomic_fires_for_a_sleeping_notifier_in_v3_6_only() {
    let s = ksm();
    let n = [NotifierId::Kvm, NotifierId::Sleepable];
    let t = Trace::run(&s, Semantics::Original, &n);
    // (and v3.6's set_pte_at-before-change_pte window, stale_spte)
    assert_eq!(ids(&t), vec![ViolationId::SleepInAtomic, ViolationId::StaleSpte]);
    let msg = &t.summary.violations[0].message;
    assert!(msg.contains("PT lock") && msg.contains("rcu_read_lock"), "{msg}");
    // It is reported at the statement that sleeps, not only at the end.
    let at = t.steps.iter().position(|s| s.violations().next().is_some()).expect("violation step");
    assert_eq!(t.steps[at].function.name, "sleepable_invalidate_page");
    assert!(at < t.steps.len() / 2);
    for sem in [Semantics::Wrapped, Semantics::Patched] {
        assert!(Trace::run(&s, sem, &n).summary.violations.is_empty(), "{sem}");
    }
}

/// A uprobe on a private anonymous page: the old page's last reference goes
/// in uprobe_write_opcode's put_page. A GRU driver that ignores
/// invalidations (we reload its TLB entry after every step) keeps mapping it.
#[test]
fn secondary_maps_freed_page_fires_when_a_driver_ignores_invalidations() {
    let s = common::anon_uprobe();
    // Correct drivers: the page is freed, nobody maps it, no violation.
    let ok = Trace::run(&s, Semantics::Wrapped, &[NotifierId::Gru]);
    assert!(
        ok.steps
            .iter()
            .any(|st| st.events.iter().any(|e| matches!(e, notifier_lab_core::Event::PageFreed { pfn: 0x400 })))
    );
    assert!(ok.summary.violations.is_empty());
    // Broken driver.
    let mut m = s.machine(Semantics::Wrapped, &[NotifierId::Gru]);
    let stale = GruTlbEntry { addr: s.host.addr, pfn: 0x400, writable: false };
    let mut seen = Vec::new();
    while let Some(t) = m.runnable().first().copied() {
        if let Secondary::Gru(g) = &mut m.notifiers[0]
            && !g.tlb.contains(&stale)
        {
            g.tlb.push(stale);
        }
        if let StepOutcome::Ran(x) = m.step(t) {
            seen.extend(x.events.into_iter().filter_map(|e| match e {
                notifier_lab_core::Event::Violation(v) => Some(v),
                _ => None,
            }));
        }
    }
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(seen[0].id, ViolationId::SecondaryMapsFreedPage);
    assert!(seen[0].message.contains("0x400") && seen[0].message.contains("freed"));
}

/// The vCPU's spte points at a page whose contents differ from the page the
/// process maps (a stale mapping left by a broken notifier): the guest's
/// read is stale, its write is lost.
#[test]
fn stale_read_and_lost_write_fire_on_a_stale_spte() {
    let base = include_str!("../../scenarios/cow.toml");
    let text = base.replace(
        "[[page]]\nname = \"new_page\"",
        "[[page]]\nname = \"old_copy\"\npfn = 0x100\nrefcount = 1\nflags = [\"anon\"]\ncontent = 0x1111\n\n[[page]]\nname = \"new_page\"",
    )
    .replace("spte = { page = \"ksm_page\", writable = false }", "spte = { page = \"old_copy\", writable = true }");
    let vcpu_first = |rs: &[ThreadId], _: &_| rs.last().copied();
    let s = Scenario::parse("stale.toml", &text).expect("valid");
    let t = Trace::run_with("stale", s.machine(Semantics::Wrapped, &[NotifierId::Kvm]), vcpu_first);
    assert_eq!(ids(&t)[0], ViolationId::StaleSecondaryRead);
    assert!(t.summary.violations[0].message.contains("0x1111"), "{}", t.summary.violations[0].message);

    let text = text.replace("[[guest]]\nop = \"read\"", "[[guest]]\nop = \"write\"\nvalue = 0x2222");
    let s = Scenario::parse("lost.toml", &text).expect("valid");
    let t = Trace::run_with("lost", s.machine(Semantics::Wrapped, &[NotifierId::Kvm]), vcpu_first);
    assert_eq!(ids(&t)[0], ViolationId::LostWrite);
}

/// 48af0d7's race, found by the model: in v3.6 set_pte_at_notify set the
/// new pte before calling change_pte, so between the two a vCPU still reads
/// the old page through its spte while the process sees the new one.
#[test]
fn v3_6_order_exposes_stale_read_that_48af0d7_fixed() {
    let s = Scenario::builtin("uprobe").expect("built-in");
    for sem in Semantics::ALL {
        let mut m = s.machine(sem, &[NotifierId::Kvm]);
        let mut host_set_new_pte = false;
        let mut found = Vec::new();
        // The vCPU gets a bounded burst: preferring it forever would livelock
        // it in mmu_notifier_retry while the host cannot finish its range.
        let mut vcpu_burst = 40;
        while !m.all_done() {
            // Run the host until its pte points at the new page, then let the
            // vCPU read before change_pte ran; then finish in order.
            let rs = m.runnable();
            assert!(!rs.is_empty(), "deadlock");
            let t = if host_set_new_pte && vcpu_burst > 0 && rs.contains(&ThreadId(1)) {
                vcpu_burst -= 1;
                ThreadId(1)
            } else {
                rs[0]
            };
            if let StepOutcome::Ran(x) = m.step(t) {
                if x.events.iter().any(|e| matches!(e, notifier_lab_core::Event::PteSet { pfn: 0x500, .. })) {
                    host_set_new_pte = true;
                }
                found.extend(x.events.iter().filter_map(|e| match e {
                    notifier_lab_core::Event::Violation(v) => Some(v.id),
                    _ => None,
                }));
            }
        }
        if sem == Semantics::Original {
            // The spte is stale from set_pte_at on; the vCPU then reads
            // through it.
            assert_eq!(found, vec![ViolationId::StaleSpte, ViolationId::StaleSecondaryRead], "{sem}");
        } else {
            assert!(found.is_empty(), "{sem}: {found:?}");
        }
    }
}

#[test]
fn range_imbalance_fires_on_an_unpaired_range_end() {
    let s = ksm();
    let mut m = s.machine(Semantics::Wrapped, &[NotifierId::Kvm, NotifierId::Gru]);
    // A broken caller: the host path starts with a range_end it never started.
    m.threads[0].stack = FrameStack::new(Frame {
        func: notifier_lab_core::kernel::FuncId::WriteProtectPage,
        pc: 14, // `mmu_notifier_invalidate_range_end` in the v3.13 listing
        mn: 0,
        notifier: 0,
    });
    let f =
        notifier_lab_core::kernel::function(notifier_lab_core::kernel::FuncId::WriteProtectPage, Semantics::Wrapped);
    assert!(f.body[14].code.starts_with("mmu_notifier_invalidate_range_end"), "listing changed: {}", f.body[14].code);
    let t = Trace::run_with("broken", m, |rs, _| rs.first().copied());
    let msgs: Vec<&str> = t.summary.violations.iter().map(|v| v.message.as_str()).collect();
    assert!(t.summary.violations.iter().all(|v| v.id == ViolationId::RangeImbalance), "{msgs:#?}");
    assert!(msgs.iter().any(|m| m.contains("no invalidate_range_start open")), "{msgs:#?}");
    assert!(msgs.iter().any(|m| m.contains("BUG_ON")), "{msgs:#?}");
    assert!(msgs.iter().any(|m| m.contains("ms_range_active dropped to -1")), "{msgs:#?}");
}

#[test]
fn by_default_only_v3_6_shows_a_violation_its_stale_spte_window() {
    for s in Scenario::all_builtin() {
        for sem in Semantics::ALL {
            let t = Trace::run(&s, sem, &s.notifiers);
            assert!(t.summary.stopped.is_none());
            if sem != Semantics::Original {
                assert!(t.summary.violations.is_empty(), "{} {sem}: {:?}", s.name, t.summary.violations);
                continue;
            }
            // v3.6 sets the pte before change_pte: from set_pte_at until
            // KVM's change_pte ran the spte maps the old page (48af0d7).
            assert_eq!(ids(&t), vec![ViolationId::StaleSpte], "{}", s.name);
            let at = t.steps.iter().position(|st| st.violations().next().is_some()).expect("violation step");
            assert!(t.steps[at].function.name == "set_pte_at_notify", "{}: {}", s.name, t.steps[at].function.name);
            assert!(t.steps[at].function.body[t.steps[at].pc].code.starts_with("set_pte_at("));
        }
    }
}
