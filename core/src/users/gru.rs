//! SGI GRU (`drivers/misc/sgi-gru/`): the GRU TLB, `ms_range_active` and
//! `ms_wait_queue` of `struct gru_mm_struct`, its notifier callbacks
//! (grutlbpurge.c, no `change_pte`) and the user-context dropin that loads
//! a translation after a GRU TLB miss (grufault.c). Listings:
//! [`crate::kernel::gru`].

use serde::Serialize;

use super::kvm::rw_short;
use super::{Access, Counter, Fold, Mapping, User, UserEvent, UserInfo};
use crate::event::{Event, Violation, ViolationId};
use crate::invariants::StateViolation;
use crate::kernel::FuncId;
use crate::machine::{Flow, Frame, Machine, Renaming, ThreadId, ThreadKind, Through};
use crate::notifier::Callback;
use crate::pack::{Packer, Reader, Unpacker, bit, field};
use crate::page::{Pfn, hex};
use crate::semantics::Semantics;
use crate::view::Item;

/// One GRU TLB entry (a translation loaded by a dropin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct GruTlbEntry {
    /// User virtual address.
    pub addr: u64,
    /// Host page it maps.
    pub pfn: Pfn,
    /// Writable translation.
    pub writable: bool,
}

/// GRU's secondary state (`struct gru_mm_struct`).
#[derive(Debug, PartialEq, Eq, Hash, Serialize)]
pub struct GruState {
    /// Loaded TLB entries.
    pub tlb: Vec<GruTlbEntry>,
    /// `atomic_t ms_range_active`.
    pub ms_range_active: i32,
    /// Threads sleeping on `ms_wait_queue`, sorted.
    pub waiters: Vec<u8>,
}

// `clone_from` reuses the vectors' buffers (the explorer recycles states).
impl Clone for GruState {
    fn clone(&self) -> Self {
        GruState { tlb: self.tlb.clone(), ms_range_active: self.ms_range_active, waiters: self.waiters.clone() }
    }

    fn clone_from(&mut self, o: &Self) {
        self.tlb.clone_from(&o.tlb);
        self.ms_range_active = o.ms_range_active;
        self.waiters.clone_from(&o.waiters);
    }
}

/// What GRU's statements do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum GruOp {
    /// `atomic_inc(&gms->ms_range_active)`.
    RangeActiveInc,
    /// `atomic_dec_and_test(&gms->ms_range_active)`.
    RangeActiveDec,
    /// `wake_up_all(&gms->ms_wait_queue)`.
    WakeUpAll,
    /// `gru_flush_tlb_range(gms, start, len)`. The purge also hits the
    /// TFH of any dropin in flight, which the hardware then ignores.
    FlushTlbRange,
    /// One GRU instruction access through the GRU TLB; on a miss, the user
    /// context runs `gru_user_dropin`.
    Access,
    /// `wait_event(ms_wait_queue, atomic_read(&ms_range_active) == 0)`.
    WaitEvent,
    /// `if (ret <= 0) return ret;` else jump back to `retry`.
    IfDropinRetry {
        /// Label of the retry loop head.
        retry: &'static str,
    },
    /// The TFH has been read (its line is cache resident): from here an
    /// invalidate makes the hardware ignore the dropin.
    TfhArm,
    /// `if (atomic_read(&ms_range_active)) goto fail`.
    IfRangeActive {
        /// Label of the failure exit.
        fail: &'static str,
    },
    /// `atomic_pte_lookup`, falling back to `non_atomic_pte_lookup`
    /// (`get_user_pages`, which may fault and run `do_wp_page`).
    PteLookup,
    /// `tfh_write_restart(...)`: load the translation into the GRU TLB.
    TlbDropin,
    /// `failactive:` ... `return 1`.
    DropinFailActive,
}

/// What GRU reports.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GruEvent {
    /// A GRU instruction accessed the address through a GRU TLB entry.
    GruAccess {
        /// Virtual address.
        addr: u64,
        /// Page accessed.
        pfn: Pfn,
        /// A write (else a read).
        write: bool,
        /// Value read or written.
        value: u32,
    },
    /// `tfh_write_restart` loaded a GRU TLB entry.
    GruTlbDropin {
        /// Virtual address.
        addr: u64,
        /// Page.
        pfn: Pfn,
        /// Writable.
        writable: bool,
    },
    /// GRU TLB entries for a range were invalidated.
    GruTlbFlush {
        /// Entries dropped.
        dropped: u32,
    },
    /// `ms_range_active` changed.
    GruRangeActive {
        /// New value.
        value: i32,
    },
    /// `wake_up_all(&ms_wait_queue)`.
    GruWakeUpAll {
        /// Threads woken.
        woken: u32,
    },
}

fn emit(ev: &mut Vec<Event>, e: GruEvent) {
    ev.push(Event::User(UserEvent::Gru(e)));
}

impl User for GruState {
    type Op = GruOp;
    type Event = GruEvent;

    const INFO: UserInfo = UserInfo {
        id: "gru",
        label: "SGI GRU",
        short: "GRU",
        describe: "SGI GRU: GRU TLB, ms_range_active, ms_wait_queue; no change_pte (drivers/misc/sgi-gru/grutlbpurge.c:271 gru_mmuops)",
    };

    const COUNTERS: &'static [Counter<GruEvent>] = &[
        Counter {
            key: "tlb_flushes",
            label: "TLB flushes",
            fold: Fold::Count(|e| matches!(e, GruEvent::GruTlbFlush { .. })),
        },
        Counter {
            key: "wake_up_all",
            label: "wake_up_all",
            fold: Fold::Count(|e| matches!(e, GruEvent::GruWakeUpAll { .. })),
        },
        Counter {
            key: "max_range_active",
            label: "max ms_range_active",
            fold: Fold::Max(|e| match e {
                GruEvent::GruRangeActive { value } => Some(i64::from(*value)),
                _ => None,
            }),
        },
    ];

    fn callbacks(sem: Semantics) -> Option<&'static [(Callback, FuncId)]> {
        // v4.15 (grutlbpurge.c:260-264), v6.9 (258) and v6.10: the range callbacks only.
        const V3: &[(Callback, FuncId)] = &[
            (Callback::InvalidatePage, FuncId::GruInvalidatePage),
            (Callback::InvalidateRangeStart, FuncId::GruInvalidateRangeStart),
            (Callback::InvalidateRangeEnd, FuncId::GruInvalidateRangeEnd),
        ];
        const V415: &[(Callback, FuncId)] = &[
            (Callback::InvalidateRangeStart, FuncId::GruInvalidateRangeStart),
            (Callback::InvalidateRangeEnd, FuncId::GruInvalidateRangeEnd),
        ];
        match sem {
            Semantics::Original
            | Semantics::Wrapped
            | Semantics::Patched
            | Semantics::BracketIfMissing
            | Semantics::EventAware => Some(V3),
            Semantics::V4_15 => Some(V415),
            Semantics::V6_9 => Some(V415),
            Semantics::V6_10 => Some(V415),
        }
    }

    fn new() -> GruState {
        GruState { tlb: Vec::new(), ms_range_active: 0, waiters: Vec::new() }
    }

    fn exec(m: &mut Machine, t: ThreadId, fr: Frame, op: GruOp, ev: &mut Vec<Event>) -> Flow {
        let ti = usize::from(t.0);
        let addr = m.host.addr;
        let me = fr.notifier;
        match op {
            GruOp::RangeActiveInc | GruOp::RangeActiveDec => {
                let d = if op == GruOp::RangeActiveInc { 1 } else { -1 };
                if let Some(g) = m.user_mut::<GruState>(me) {
                    g.ms_range_active += d;
                    let value = g.ms_range_active;
                    emit(ev, GruEvent::GruRangeActive { value });
                    if value < 0 {
                        ev.push(Event::Violation(Violation {
                            id: ViolationId::RangeImbalance,
                            message: format!("GRU: ms_range_active dropped to {value}: a range_end without its start"),
                        }));
                    }
                }
                Flow::Next
            }
            GruOp::WakeUpAll => {
                if let Some(g) = m.user_mut::<GruState>(me) {
                    let woken = g.waiters.len() as u32;
                    g.waiters.clear();
                    emit(ev, GruEvent::GruWakeUpAll { woken });
                }
                Flow::Next
            }
            GruOp::FlushTlbRange => {
                if let Some(g) = m.user_mut::<GruState>(me) {
                    let before = g.tlb.len();
                    g.tlb.retain(|e| e.addr != addr);
                    let dropped = (before - g.tlb.len()) as u32;
                    emit(ev, GruEvent::GruTlbFlush { dropped });
                }
                // The purge also hits the TFH of every dropin in flight: the
                // hardware ignores those dropins (grufault.c, the comment at
                // the head of gru_try_dropin).
                for th in m.threads.iter_mut().filter(|th| th.kind == ThreadKind::Gru) {
                    th.locals.tfh_live = false;
                }
                Flow::Next
            }
            GruOp::Access => {
                let entry = m
                    .user::<GruState>(me)
                    .and_then(|g| g.tlb.iter().find(|e| e.addr == addr))
                    .map(|e| (e.pfn, e.writable));
                match m.access_through(t, entry) {
                    Through::Finished => Flow::Return,
                    Through::Hit { pfn, write, value } => {
                        emit(ev, GruEvent::GruAccess { addr, pfn, write, value });
                        Flow::Return
                    }
                    Through::Miss { .. } if m.threads[ti].locals.dropin_ret < 0 => {
                        ev.push(Event::Branch {
                            why: "the dropin failed: the GRU instruction ends with an exception".into(),
                        });
                        Flow::Return
                    }
                    Through::Miss { .. } => {
                        ev.push(Event::Branch {
                            why: format!(
                                "GRU TLB miss on {}: the TFH reports it, user context runs gru_user_dropin",
                                hex(addr)
                            ),
                        });
                        // The last dropin's result is dead: the new one
                        // sets it before anything reads it (the explorer
                        // merges states that differ only in dead locals).
                        m.threads[ti].locals.dropin_ret = 0;
                        Flow::CallThenRetry(FuncId::GruUserDropin)
                    }
                }
            }
            GruOp::WaitEvent => {
                let Some(g) = m.user_mut::<GruState>(me) else {
                    return Flow::Next;
                };
                if g.ms_range_active == 0 {
                    g.waiters.retain(|w| *w != t.0);
                    Flow::Next
                } else {
                    let value = g.ms_range_active;
                    if let Err(i) = g.waiters.binary_search(&t.0) {
                        g.waiters.insert(i, t.0);
                    }
                    ev.push(Event::Branch {
                        why: format!("ms_range_active = {value}: sleeps on ms_wait_queue until a range_end wakes it"),
                    });
                    Flow::Stay
                }
            }
            GruOp::IfDropinRetry { retry } => {
                if m.threads[ti].locals.dropin_ret > 0 {
                    ev.push(Event::Branch {
                        why: "gru_try_dropin returned 1 (range active): wait and try again".into(),
                    });
                    Flow::Goto(retry)
                } else {
                    Flow::Return
                }
            }
            GruOp::TfhArm => {
                let l = &mut m.threads[ti].locals;
                l.tfh_live = true;
                l.gpa = None;
                Flow::Next
            }
            GruOp::IfRangeActive { fail } => {
                let active = m.user::<GruState>(me).map_or(0, |g| g.ms_range_active);
                if active != 0 {
                    ev.push(Event::Branch { why: format!("ms_range_active = {active}: a range invalidate is active") });
                    Flow::Goto(fail)
                } else {
                    Flow::Next
                }
            }
            GruOp::PteLookup => pte_lookup(m, t, ev),
            GruOp::TlbDropin => {
                let write = m.access_op(t).is_some_and(|o| o.write);
                let l = m.threads[ti].locals;
                if !l.tfh_live {
                    ev.push(Event::Branch {
                        why: "a TLB invalidate hit the TFH since it was read: the GRU hardware ignores this dropin"
                            .into(),
                    });
                    m.threads[ti].locals.dropin_ret = 0;
                } else if let Some(pfn) = l.gpa {
                    if let Some(g) = m.user_mut::<GruState>(me) {
                        g.tlb.retain(|e| e.addr != addr);
                        g.tlb.push(GruTlbEntry { addr, pfn, writable: write });
                    }
                    emit(ev, GruEvent::GruTlbDropin { addr, pfn, writable: write });
                    m.threads[ti].locals.dropin_ret = 0;
                } else {
                    ev.push(Event::Branch {
                        why: "gru_vtop failed (VTOP_INVALID): failinval, the instruction faults".into(),
                    });
                    m.threads[ti].locals.dropin_ret = -1;
                }
                // `gpa` is dead until the next lookup sets it.
                let l = &mut m.threads[ti].locals;
                l.tfh_live = false;
                l.gpa = None;
                Flow::Return
            }
            GruOp::DropinFailActive => {
                let l = &mut m.threads[ti].locals;
                l.dropin_ret = 1;
                l.tfh_live = false;
                l.gpa = None;
                Flow::Return
            }
        }
    }

    fn block(m: &Machine, t: ThreadId, fr: Frame, op: GruOp) -> Option<&'static str> {
        match op {
            GruOp::WaitEvent => m
                .user::<GruState>(fr.notifier)
                .is_some_and(|g| g.waiters.contains(&t.0))
                .then_some("sleeps on ms_wait_queue"),
            // get_user_pages (the non-atomic lookup) takes the PT lock to
            // read a pte that is not present.
            GruOp::PteLookup => (m.ptl_held_by_other(t) && !m.pte(m.host.addr).present)
                .then_some("get_user_pages waits for the PT lock"),
            _ => None,
        }
    }

    fn touches_other_threads(op: GruOp) -> bool {
        // A GRU TLB purge kills the TFH of every dropin in flight.
        op == GruOp::FlushTlbRange
    }

    fn is_local(op: GruOp) -> bool {
        match op {
            // `dropin_ret` is written by this thread only.
            GruOp::IfDropinRetry { .. } => true,
            // `tfh_live` is written by other threads' TLB purges; the
            // rest reads or writes GRU's state, the pte or the pages.
            GruOp::RangeActiveInc
            | GruOp::RangeActiveDec
            | GruOp::WakeUpAll
            | GruOp::FlushTlbRange
            | GruOp::Access
            | GruOp::WaitEvent
            | GruOp::TfhArm
            | GruOp::IfRangeActive { .. }
            | GruOp::PteLookup
            | GruOp::TlbDropin
            | GruOp::DropinFailActive => false,
        }
    }

    fn message(e: &GruEvent) -> String {
        match e {
            GruEvent::GruAccess { addr, pfn, write, value } => format!(
                "GRU {} {} through its TLB: pfn {}, value {}",
                if *write { "writes" } else { "reads" },
                hex(*addr),
                hex(*pfn),
                hex(u64::from(*value))
            ),
            GruEvent::GruTlbDropin { addr, pfn, writable } => format!(
                "GRU: TLB entry for {} loaded: pfn {} {}",
                hex(*addr),
                hex(*pfn),
                if *writable { "read-write" } else { "read-only" }
            ),
            GruEvent::GruTlbFlush { dropped } => format!(
                "GRU: TLB invalidated for the range ({dropped} entr{} dropped)",
                if *dropped == 1 { "y" } else { "ies" }
            ),
            GruEvent::GruRangeActive { value } => format!("GRU: ms_range_active = {value}"),
            GruEvent::GruWakeUpAll { woken } => format!("GRU: wake_up_all(ms_wait_queue), {woken} waiter(s) woken"),
        }
    }

    fn access(e: &GruEvent) -> Option<Access> {
        match *e {
            // A GRU TLB entry is a secondary mapping of the same address.
            GruEvent::GruAccess { addr, pfn, write, value } => {
                Some(Access { who: "the GRU {} {at} through a stale GRU TLB entry", at: addr, pfn, write, value })
            }
            _ => None,
        }
    }

    fn state_violations(&self, m: &Machine, out: &mut Vec<StateViolation>) {
        for e in self.tlb.iter().filter(|e| m.page(e.pfn).is_some_and(|p| p.free)) {
            out.push(StateViolation::new(
                format!("gru:{}:{}", e.addr, e.pfn),
                Violation {
                    id: ViolationId::SecondaryMapsFreedPage,
                    message: format!(
                        "a GRU TLB entry for {} still maps pfn {}, which has been freed: GRU DMA would hit a reused page",
                        hex(e.addr),
                        hex(e.pfn)
                    ),
                },
            ));
        }
    }

    fn end_violations(&self, out: &mut Vec<Violation>) {
        if self.ms_range_active != 0 {
            out.push(Violation {
                id: ViolationId::RangeImbalance,
                message: format!(
                    "GRU's ms_range_active is {} after every thread finished: dropins would fail forever",
                    self.ms_range_active
                ),
            });
        }
    }

    fn section(&self, m: &Machine, out: &mut Vec<Item>) {
        let mut tlb = std::collections::BTreeMap::new();
        tlb.insert(format!("tlb {}", hex(m.host.addr)), "none".to_string());
        for e in &self.tlb {
            tlb.insert(format!("tlb {}", hex(e.addr)), format!("{} {}", hex(e.pfn), rw_short(e.writable)));
        }
        for (label, value) in tlb {
            out.push(Item::new("gru", label, value));
        }
        out.push(Item::new("gru", "ms_range_active".into(), self.ms_range_active.to_string()));
        out.push(Item::new("gru", "waiters".into(), self.waiters.len().to_string()));
    }

    fn mappings(&self, m: &Machine, out: &mut Vec<Mapping>) {
        let mut addrs: Vec<u64> = self.tlb.iter().map(|e| e.addr).chain([m.host.addr]).collect();
        addrs.sort_unstable();
        addrs.dedup();
        for addr in addrs {
            let e = self.tlb.iter().find(|e| e.addr == addr);
            out.push(Mapping {
                key: format!("gru tlb {}", hex(addr)),
                label: format!("TLB {}", hex(addr)),
                pfn: e.map(|e| e.pfn),
                writable: e.is_some_and(|e| e.writable),
            });
        }
    }

    fn encoded_len(&self) -> usize {
        1 + self.tlb.len() + self.waiters.len().div_ceil(8)
    }

    fn encode(&self, p: &mut impl Packer, out: &mut Vec<u64>) {
        let ntlb = p.narrow(self.tlb.len() as u64, 8, "GRU TLB entries");
        let nwait = p.narrow(self.waiters.len() as u64, 8, "GRU waiters");
        out.push(ntlb | nwait << 8 | u64::from(self.ms_range_active as u32) << 16);
        for e in &self.tlb {
            let a = p.addr_code(e.addr);
            let pfn = p.pfn_code(e.pfn);
            out.push(a | pfn << 8 | u64::from(e.writable) << 16);
        }
        for chunk in self.waiters.chunks(8) {
            out.push(chunk.iter().enumerate().fold(0, |acc, (i, &x)| acc | u64::from(x) << (8 * i)));
        }
    }

    fn decode(&mut self, u: &impl Unpacker, r: &mut Reader) {
        let w = r.next();
        self.ms_range_active = (w >> 16) as u32 as i32;
        self.tlb.clear();
        for _ in 0..field(w, 0, 8) {
            let e = r.next();
            self.tlb.push(GruTlbEntry { addr: u.addr_of(e), pfn: u.pfn_of(e >> 8), writable: bit(e, 16) });
        }
        self.waiters.clear();
        let nwait = field(w, 8, 8) as usize;
        while self.waiters.len() < nwait {
            let x = r.next();
            for i in 0..(nwait - self.waiters.len()).min(8) {
                self.waiters.push((x >> (8 * i)) as u8);
            }
        }
    }

    fn rename(&mut self, r: &Renaming) {
        for e in &mut self.tlb {
            e.pfn = r.pfn(e.pfn);
        }
        // A set, kept sorted (see `WaitEvent`).
        for w in &mut self.waiters {
            *w = r.thread(*w);
        }
        self.waiters.sort_unstable();
    }
}

/// `gru_vtop`'s lookup: `atomic_pte_lookup`, then `non_atomic_pte_lookup`
/// (`get_user_pages`, which may fault and copy the page).
fn pte_lookup(m: &mut Machine, t: ThreadId, ev: &mut Vec<Event>) -> Flow {
    let ti = usize::from(t.0);
    let write = m.access_op(t).is_some_and(|o| o.write);
    let pte = m.pte(m.host.addr);
    // atomic_pte_lookup: present, and for a write writable and dirty.
    if pte.present && (!write || (pte.writable && pte.dirty)) {
        m.threads[ti].locals.gpa = Some(pte.pfn);
        return Flow::Return;
    }
    // non_atomic_pte_lookup: get_user_pages, which faults the page in.
    if pte.present && (!write || pte.writable) {
        ev.push(Event::Branch { why: "atomic_pte_lookup failed (not dirty): get_user_pages finds the page".into() });
        m.threads[ti].locals.gpa = Some(pte.pfn);
        Flow::Return
    } else if !pte.present || m.can_cow(t, pte.pfn) {
        ev.push(Event::Branch {
            why: "atomic_pte_lookup failed: get_user_pages(write) faults, handle_mm_fault runs do_wp_page".into(),
        });
        Flow::CallThenRetry(FuncId::HandlePteFault)
    } else {
        ev.push(Event::Branch {
            why: "get_user_pages(write) needs a copy but this thread's pool page is in use: VTOP_INVALID".into(),
        });
        m.threads[ti].locals.gpa = None;
        Flow::Return
    }
}
