//! The invariants checked after every step. Each produces a
//! [`Violation`] with a plain-language message naming what broke.
//!
//! * `sleep_in_atomic` is raised where the sleepable driver takes its mutex
//!   (see [`crate::machine`]), because only that statement knows it sleeps.
//! * `secondary_maps_freed_page` is a state property: reported when it
//!   becomes true.
//! * `stale_secondary_read` / `lost_write` look at the secondary accesses of
//!   the step against the primary page table after it.
//! * `range_imbalance`: a thread finishing with ranges open, a range_end
//!   without start, or secondary range counters left non-zero at the end.

use crate::event::{Event, Violation, ViolationId};
use crate::machine::{Machine, ThreadId};
use crate::notifier::Secondary;
use crate::page::hex;

/// A state-based violation, keyed so that only new ones are reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateViolation {
    key: String,
    violation: Violation,
}

/// Violations that are properties of a state (not of a step).
pub fn state_violations(m: &Machine) -> Vec<StateViolation> {
    let mut out = Vec::new();
    let freed = |pfn: u64| m.page(pfn).is_some_and(|p| p.free);
    for n in &m.notifiers {
        match n {
            Secondary::Kvm(k) => {
                for s in k.sptes.iter().filter(|s| freed(s.pfn)) {
                    out.push(StateViolation {
                        key: format!("kvm:{}:{}", s.gfn, s.pfn),
                        violation: Violation {
                            id: ViolationId::SecondaryMapsFreedPage,
                            message: format!(
                                "KVM's spte for gfn {} still maps pfn {}, which has been freed: the guest can read or corrupt a page now owned by someone else",
                                hex(s.gfn),
                                hex(s.pfn)
                            ),
                        },
                    });
                }
            }
            Secondary::Gru(g) => {
                for e in g.tlb.iter().filter(|e| freed(e.pfn)) {
                    out.push(StateViolation {
                        key: format!("gru:{}:{}", e.addr, e.pfn),
                        violation: Violation {
                            id: ViolationId::SecondaryMapsFreedPage,
                            message: format!(
                                "a GRU TLB entry for {} still maps pfn {}, which has been freed: GRU DMA would hit a reused page",
                                hex(e.addr),
                                hex(e.pfn)
                            ),
                        },
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// A secondary access to `pfn` while the process maps `primary` (holding
/// `mapped`): a write is lost; a read is stale when the contents differ.
/// `who` reads "the guest {} gfn 0x10 through a stale spte", where `{}` is
/// "wrote 0x.. to" or "read 0x.. from".
fn stale_access(found: &mut Vec<Violation>, who: &str, pfn: u64, write: bool, value: u32, primary: u64, mapped: u32) {
    let v = hex(u64::from(value));
    if write {
        found.push(Violation {
            id: ViolationId::LostWrite,
            message: format!(
                "{} into pfn {}, but the process now maps pfn {}: the write is lost",
                who.replacen("{}", &format!("wrote {v} to"), 1),
                hex(pfn),
                hex(primary)
            ),
        });
    } else if mapped != value {
        found.push(Violation {
            id: ViolationId::StaleSecondaryRead,
            message: format!(
                "{} to pfn {}, but the process maps pfn {} holding {}",
                who.replacen("{}", &format!("read {v} from"), 1),
                hex(pfn),
                hex(primary),
                hex(u64::from(mapped))
            ),
        });
    }
}

/// Checks one executed step; appends violation events to `ev`. `before`:
/// the state violations before the step; `state_may_differ`: false when
/// the step wrote none of the globals they depend on, which skips
/// computing them again.
pub fn check_step(m: &Machine, t: ThreadId, before: &[StateViolation], state_may_differ: bool, ev: &mut Vec<Event>) {
    let mut found = Vec::new();
    if state_may_differ {
        for sv in state_violations(m) {
            if !before.iter().any(|b| b.key == sv.key) {
                found.push(sv.violation);
            }
        }
    }
    let addr = m.host.addr;
    let primary = m.pte(addr);
    for e in ev.iter() {
        match e {
            Event::GuestAccess { gfn, pfn, write, value } if primary.present && primary.pfn != *pfn => {
                let mapped = m.page(primary.pfn).map(|p| p.content).unwrap_or(0);
                let who = format!("the guest {{}} gfn {} through a stale spte", hex(*gfn));
                stale_access(&mut found, &who, *pfn, *write, *value, primary.pfn, mapped);
            }
            // GRU accesses are checked like guest accesses: a GRU TLB entry
            // is a secondary mapping of the same address.
            Event::GruAccess { addr, pfn, write, value } if primary.present && primary.pfn != *pfn => {
                let mapped = m.page(primary.pfn).map(|p| p.content).unwrap_or(0);
                let who = format!("the GRU {{}} {} through a stale GRU TLB entry", hex(*addr));
                stale_access(&mut found, &who, *pfn, *write, *value, primary.pfn, mapped);
            }
            Event::RangeClosed { open } if *open < 0 => found.push(Violation {
                id: ViolationId::RangeImbalance,
                message: "invalidate_range_end called with no invalidate_range_start open in this thread".into(),
            }),
            Event::ThreadDone => {
                let th = &m.threads[t.0 as usize];
                if th.ranges_open != 0 {
                    found.push(Violation {
                        id: ViolationId::RangeImbalance,
                        message: format!(
                            "the {} thread finished with {} invalidate_range_start call(s) not ended",
                            th.kind.id(),
                            th.ranges_open
                        ),
                    });
                }
                if m.all_done() {
                    for n in &m.notifiers {
                        match n {
                            Secondary::Kvm(k) if k.mmu_notifier_count != 0 => found.push(Violation {
                                id: ViolationId::RangeImbalance,
                                message: format!(
                                    "KVM's mmu_notifier_count is {} after every thread finished: vCPU faults would retry forever",
                                    k.mmu_notifier_count
                                ),
                            }),
                            Secondary::Gru(g) if g.ms_range_active != 0 => found.push(Violation {
                                id: ViolationId::RangeImbalance,
                                message: format!(
                                    "GRU's ms_range_active is {} after every thread finished: dropins would fail forever",
                                    g.ms_range_active
                                ),
                            }),
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    ev.extend(found.into_iter().map(Event::Violation));
}
