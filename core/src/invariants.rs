//! The invariants checked after every step. Each produces a
//! [`Violation`] with a plain-language message naming what broke.
//!
//! * `sleep_in_atomic` is raised where the sleepable driver takes its mutex
//!   ([`crate::users::sleepable`]), because only that statement knows it
//!   sleeps.
//! * `secondary_maps_freed_page` is a state property: reported when it
//!   becomes true.
//! * `stale_secondary_read` / `lost_write` look at the secondary accesses of
//!   the step against the primary page table after it.
//! * `range_imbalance`: a thread finishing with ranges open, a range_end
//!   without start, or secondary range counters left non-zero at the end.

use crate::event::{Event, Violation, ViolationId};
use crate::machine::{Machine, ThreadId};
use crate::page::hex;

/// A state-based violation, keyed so that only new ones are reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateViolation {
    key: String,
    violation: Violation,
}

impl StateViolation {
    /// A violation of a state property; `key` names the instance (the same
    /// key in the state before the step means it is not new).
    pub(crate) fn new(key: String, violation: Violation) -> StateViolation {
        StateViolation { key, violation }
    }
}

/// Violations that are properties of a state (not of a step): each
/// registered user's (a mapping of a freed page, ...).
pub fn state_violations(m: &Machine) -> Vec<StateViolation> {
    let mut out = Vec::new();
    for n in &m.notifiers {
        n.state_violations(m, &mut out);
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
            Event::User(u) => {
                if let Some(a) = u.access()
                    && primary.present
                    && primary.pfn != a.pfn
                {
                    let mapped = m.page(primary.pfn).map_or(0, |p| p.content);
                    let who = a.who.replace("{at}", &hex(a.at));
                    stale_access(&mut found, &who, a.pfn, a.write, a.value, primary.pfn, mapped);
                }
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
                        n.end_violations(&mut found);
                    }
                }
            }
            _ => {}
        }
    }
    ev.extend(found.into_iter().map(Event::Violation));
}
