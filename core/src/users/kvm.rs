//! KVM (`virt/kvm/kvm_main.c`, x86 shadow/TDP MMU in `arch/x86/kvm/mmu.c`):
//! sptes per gfn, `mmu_notifier_seq`/`mmu_notifier_count` and `mmu_lock`,
//! its notifier callbacks and the vCPU's fault path (`tdp_page_fault` with
//! the `mmu_notifier_retry` check). Listings: [`crate::kernel::kvm`].

use serde::Serialize;

use super::{Access, Counter, Fold, Mapping, User, UserEvent, UserInfo, UserLock};
use crate::event::{Event, Violation, ViolationId};
use crate::invariants::StateViolation;
use crate::kernel::FuncId;
use crate::machine::{Flow, Frame, Machine, Renaming, ThreadId, Through};
use crate::notifier::Callback;
use crate::pack::{Packer, Reader, Unpacker, bit, field, opt_u8, sfield, un_opt_u8};
use crate::page::{Pfn, hex};
use crate::semantics::Semantics;
use crate::view::Item;

/// One KVM shadow PTE (EPT/NPT entry) for a guest frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Spte {
    /// Guest frame number.
    pub gfn: u64,
    /// Host page it maps.
    pub pfn: Pfn,
    /// Writable in the secondary MMU.
    pub writable: bool,
}

/// KVM's secondary state.
#[derive(Debug, PartialEq, Eq, Hash, Serialize)]
pub struct KvmState {
    /// Present sptes.
    pub sptes: Vec<Spte>,
    /// `kvm->mmu_notifier_seq`.
    pub mmu_notifier_seq: u64,
    /// `kvm->mmu_notifier_count`.
    pub mmu_notifier_count: i64,
    /// `kvm->mmu_lock` holder (thread index).
    pub mmu_lock: Option<u8>,
    /// v6.9+: `kvm->mn_active_invalidate_count` (raised by every
    /// range_start, memslot or not).
    pub mn_active_invalidate_count: i64,
    /// v6.9+: `[mmu_invalidate_range_start, mmu_invalidate_range_end)` in
    /// gfns; `None` is `INVALID_GPA` (reset by the first
    /// `kvm_mmu_invalidate_begin`).
    pub mmu_invalidate_range: Option<(u64, u64)>,
    /// v6.9+: a memslot covers the scenario's address. The scenarios give
    /// KVM a gfn (and usually an spte) for it, so one does.
    pub memslot: bool,
}

// `clone_from` reuses the spte vector's buffer (the explorer recycles
// states).
impl Clone for KvmState {
    fn clone(&self) -> Self {
        KvmState {
            sptes: self.sptes.clone(),
            mmu_notifier_seq: self.mmu_notifier_seq,
            mmu_notifier_count: self.mmu_notifier_count,
            mmu_lock: self.mmu_lock,
            mn_active_invalidate_count: self.mn_active_invalidate_count,
            mmu_invalidate_range: self.mmu_invalidate_range,
            memslot: self.memslot,
        }
    }

    fn clone_from(&mut self, o: &Self) {
        self.sptes.clone_from(&o.sptes);
        self.mmu_notifier_seq = o.mmu_notifier_seq;
        self.mmu_notifier_count = o.mmu_notifier_count;
        self.mmu_lock = o.mmu_lock;
        self.mn_active_invalidate_count = o.mn_active_invalidate_count;
        self.mmu_invalidate_range = o.mmu_invalidate_range;
        self.memslot = o.memslot;
    }
}

/// What KVM's statements do. Branch targets are labels in the same function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum KvmOp {
    /// `spin_lock(&kvm->mmu_lock)`.
    Lock,
    /// `spin_unlock(&kvm->mmu_lock)`.
    Unlock,
    /// `kvm->mmu_notifier_seq++`.
    SeqInc,
    /// `kvm->mmu_notifier_count++`.
    CountInc,
    /// `kvm->mmu_notifier_count--`.
    CountDec,
    /// `BUG_ON(kvm->mmu_notifier_count < 0)`.
    BugOnCount,
    /// `event_aware` (hypothetical): `if (event == MMU_CHANGE_PTE) return;`
    /// the range is tagged "change_pte follows", so KVM leaves its spte
    /// for `change_pte` to remap.
    ReturnIfChangePteFollows,
    /// `kvm_unmap_hva[_range]`: drop the sptes of the range, remember a
    /// flush; the callback named is the one dropping them.
    UnmapHva(Callback),
    /// `for each sptep in rmap(gfn)`: jump to `done` when there is none.
    RmappLoop {
        /// Label after the loop.
        done: &'static str,
    },
    /// `if (pte_write(*ptep)) drop_spte(...)`, else jump.
    RmappDropIfWritable {
        /// Label of the remap branch.
        else_: &'static str,
        /// Label after the loop.
        done: &'static str,
    },
    /// Rewrite the spte to the new pfn, read-only.
    RmappRemap,
    /// `if (need_flush) kvm_flush_remote_tlbs(kvm)`.
    FlushIfNeeded,
    /// One guest access through the EPT; faults into `tdp_page_fault`.
    GuestAccess,
    /// `mmu_seq = vcpu->kvm->mmu_notifier_seq`.
    TdpSnapshotSeq,
    /// `try_async_pf(...)`: get the pfn through the primary page table.
    TdpGetPfn,
    /// `if (mmu_notifier_retry(vcpu->kvm, mmu_seq)) goto out_unlock`.
    TdpRetryCheck {
        /// Label of the retry exit.
        retry: &'static str,
    },
    /// `__direct_map(...)`: install the spte.
    TdpDirectMap,
    /// `kvm_release_pfn_clean(pfn)`.
    TdpReleasePfn,
    /// v6.9+ `kvm_for_each_memslot_in_hva_range`: jump to `none` when no
    /// memslot overlaps the range (then `mmu_lock` is not taken).
    MemslotLoop {
        /// Label after the loop.
        none: &'static str,
    },
    /// v6.9+ `range->on_lock(kvm)`, as the calling callback set it:
    /// range_start's `kvm_mmu_invalidate_begin` (in_progress++, the
    /// recorded range reset by the first), range_end's
    /// `kvm_mmu_invalidate_end` (seq++, in_progress--), none for change_pte.
    OnLock,
    /// v6.9+ `r.ret |= range->handler(kvm, &gfn_range)`, as the calling
    /// callback set it: range_start's `kvm_mmu_unmap_gfn_range` (record the
    /// gfn range, zap its sptes), change_pte's `kvm_change_spte_gfn` (a call
    /// to `kvm_set_spte_gfn`); range_end's null handler jumps to `null`.
    Handler {
        /// Where a null handler goes.
        null: &'static str,
    },
    /// v6.9+ `if (r.found_memslot) KVM_MMU_UNLOCK(kvm)`.
    UnlockIfHeld,
    /// v6.9+ `kvm->mn_active_invalidate_count++` (under `mn_invalidate_lock`).
    ActiveInvalidateInc,
    /// v6.9+ `if (!WARN_ON_ONCE(!count)) --kvm->mn_active_invalidate_count`.
    ActiveInvalidateDec,
    /// v6.9 change_pte: `WARN_ON_ONCE(!kvm->mn_active_invalidate_count)`:
    /// change_pte outside any range_start/end.
    WarnNoActiveInvalidate,
    /// v6.9 change_pte: `if (!kvm->mmu_invalidate_in_progress) return;`.
    ReturnIfNoInvalidateInProgress,
    /// v6.9+ `direct_page_fault`: `if (r != RET_PF_CONTINUE) return r;`
    /// (no pfn was got).
    ReturnIfNoPfn,
    /// v6.9+ `is_page_fault_stale` -> `mmu_invalidate_retry_gfn`: retry when
    /// an invalidation in progress recorded a range holding the gfn, or
    /// the sequence moved since the snapshot.
    RetryGfn {
        /// Label of the retry exit.
        retry: &'static str,
    },
    /// v6.9+ `direct_map`: install the spte; the pfn's reference stays
    /// until `kvm_release_pfn_clean`.
    DirectMap,
}

/// What KVM reports.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KvmEvent {
    /// A spte was dropped.
    SpteZapped {
        /// Guest frame.
        gfn: u64,
        /// The page it mapped.
        pfn: Pfn,
        /// The callback that dropped it.
        by: Callback,
    },
    /// A spte was rewritten in place to another page (read-only).
    SpteRemapped {
        /// Guest frame.
        gfn: u64,
        /// Previous page.
        old_pfn: Pfn,
        /// New page.
        new_pfn: Pfn,
    },
    /// `kvm_set_pte_rmapp` found no spte to update.
    ChangePteMiss {
        /// Guest frame.
        gfn: u64,
    },
    /// `kvm->mmu_notifier_seq` changed.
    KvmSeq {
        /// New value.
        seq: u64,
    },
    /// `kvm->mmu_notifier_count` changed.
    KvmCount {
        /// New value.
        count: i64,
    },
    /// `kvm_flush_remote_tlbs`.
    KvmRemoteFlush,
    /// The guest accessed a gfn through a present spte.
    GuestAccess {
        /// Guest frame.
        gfn: u64,
        /// Page accessed.
        pfn: Pfn,
        /// A write (else a read).
        write: bool,
        /// Value read or written.
        value: u32,
    },
    /// The guest took an EPT/NPT violation exit (no usable spte).
    GuestFault {
        /// Guest frame.
        gfn: u64,
        /// A write access.
        write: bool,
    },
    /// `mmu_notifier_retry` told the vCPU to retry the fault.
    KvmFaultRetry {
        /// Count seen.
        count: i64,
        /// Snapshot taken before get_user_pages.
        mmu_seq: u64,
        /// Current sequence.
        seq: u64,
    },
    /// A spte was installed by the fault path.
    SpteInstalled {
        /// Guest frame.
        gfn: u64,
        /// Page.
        pfn: Pfn,
        /// Writable.
        writable: bool,
    },
    /// v6.9+ `kvm_mmu_invalidate_begin`.
    InvalidateBegin {
        /// `mmu_invalidate_in_progress` after the increment.
        in_progress: i64,
    },
    /// v6.9+ `kvm_mmu_invalidate_range_add`: the gfn range recorded.
    RangeRecorded {
        /// First gfn.
        start: u64,
        /// One past the last gfn.
        end: u64,
    },
    /// v6.9+ `kvm_mmu_invalidate_end`.
    InvalidateEnd {
        /// `mmu_invalidate_seq` after the increment.
        seq: u64,
        /// `mmu_invalidate_in_progress` after the decrement.
        in_progress: i64,
    },
    /// v6.9+ `mn_active_invalidate_count` changed.
    ActiveInvalidate {
        /// New value.
        count: i64,
    },
    /// v6.9+ no memslot overlaps the range: no `mmu_lock`, no handler.
    NoMemslot,
    /// v6.9 change_pte's early return (`mmu_invalidate_in_progress` is 0).
    ChangePteEarlyReturn,
    /// v6.9 change_pte's `WARN_ON_ONCE`: no invalidation is active.
    ChangePteWarn,
    /// v6.9+ `mmu_invalidate_retry_gfn` told the vCPU to retry the fault.
    FaultRetryGfn {
        /// `mmu_invalidate_in_progress` seen.
        in_progress: i64,
        /// The gfn lies in the recorded range (or none is recorded yet).
        in_range: bool,
        /// Snapshot taken before the pfn was got.
        mmu_seq: u64,
        /// Current sequence.
        seq: u64,
    },
}

fn emit(ev: &mut Vec<Event>, e: KvmEvent) {
    ev.push(Event::User(UserEvent::Kvm(e)));
}

/// The KVM callback that called the running `__kvm_handle_hva_range`
/// (the frame below it): its `kvm_mmu_notifier_range` names the
/// `handler` and `on_lock` the walk runs.
fn hva_range_caller(m: &Machine, t: ThreadId) -> Option<FuncId> {
    let stack = &m.threads[usize::from(t.0)].stack;
    stack.len().checked_sub(2).map(|i| stack[i].func)
}

fn rw(writable: bool) -> &'static str {
    if writable { "read-write" } else { "read-only" }
}

impl KvmState {
    /// Drops the sptes of `gfn`; returns them.
    fn zap(&mut self, gfn: u64) -> Vec<Spte> {
        let mut zapped = Vec::new();
        self.sptes.retain(|s| {
            if s.gfn == gfn {
                zapped.push(*s);
                false
            } else {
                true
            }
        });
        zapped
    }
}

impl User for KvmState {
    type Op = KvmOp;
    type Event = KvmEvent;

    const INFO: UserInfo = UserInfo {
        id: "kvm",
        label: "KVM",
        short: "KVM",
        describe: "KVM shadow/TDP MMU: sptes per gfn, mmu_notifier_seq/count, mmu_lock (virt/kvm/kvm_main.c:410 kvm_mmu_notifier_ops)",
    };

    const COUNTERS: &'static [Counter<KvmEvent>] = &[
        Counter {
            key: "sptes_zapped",
            label: "sptes zapped",
            fold: Fold::Count(|e| matches!(e, KvmEvent::SpteZapped { .. })),
        },
        Counter {
            key: "sptes_remapped",
            label: "sptes remapped",
            fold: Fold::Count(|e| matches!(e, KvmEvent::SpteRemapped { .. })),
        },
        Counter {
            key: "change_pte_misses",
            label: "change_pte misses",
            fold: Fold::Count(|e| matches!(e, KvmEvent::ChangePteMiss { .. })),
        },
        Counter {
            key: "guest_faults",
            label: "guest faults",
            fold: Fold::Count(|e| matches!(e, KvmEvent::GuestFault { .. })),
        },
        Counter {
            key: "fault_retries",
            label: "fault retries",
            fold: Fold::Count(|e| matches!(e, KvmEvent::KvmFaultRetry { .. } | KvmEvent::FaultRetryGfn { .. })),
        },
    ];

    fn callbacks(sem: Semantics) -> Option<&'static [(Callback, FuncId)]> {
        // v4.15 and v6.9 (kvm_main.c:478-486 / 960-968) have no `invalidate_page`;
        // v6.10 (917-924) has no `change_pte` either.
        const V3: &[(Callback, FuncId)] = &[
            (Callback::ChangePte, FuncId::KvmChangePte),
            (Callback::InvalidatePage, FuncId::KvmInvalidatePage),
            (Callback::InvalidateRangeStart, FuncId::KvmInvalidateRangeStart),
            (Callback::InvalidateRangeEnd, FuncId::KvmInvalidateRangeEnd),
        ];
        const V415: &[(Callback, FuncId)] = &[
            (Callback::ChangePte, FuncId::KvmChangePte),
            (Callback::InvalidateRangeStart, FuncId::KvmInvalidateRangeStart),
            (Callback::InvalidateRangeEnd, FuncId::KvmInvalidateRangeEnd),
        ];
        const V610: &[(Callback, FuncId)] = &[
            (Callback::InvalidateRangeStart, FuncId::KvmInvalidateRangeStart),
            (Callback::InvalidateRangeEnd, FuncId::KvmInvalidateRangeEnd),
        ];
        match sem {
            Semantics::Original
            | Semantics::Wrapped
            | Semantics::Patched
            | Semantics::BracketIfMissing
            | Semantics::EventAware => Some(V3),
            Semantics::V4_15 => Some(V415),
            Semantics::V6_9 => Some(V415),
            Semantics::V6_10 => Some(V610),
        }
    }

    fn new() -> KvmState {
        KvmState {
            sptes: Vec::new(),
            mmu_notifier_seq: 0,
            mmu_notifier_count: 0,
            mmu_lock: None,
            mn_active_invalidate_count: 0,
            mmu_invalidate_range: None,
            memslot: true,
        }
    }

    fn exec(m: &mut Machine, t: ThreadId, fr: Frame, op: KvmOp, ev: &mut Vec<Event>) -> Flow {
        let ti = usize::from(t.0);
        let gfn = m.gfn;
        let me = fr.notifier;
        match op {
            KvmOp::Lock | KvmOp::Unlock => {
                if let Some(k) = m.user_mut::<KvmState>(me) {
                    k.mmu_lock = (op == KvmOp::Lock).then_some(t.0);
                }
                Flow::Next
            }
            KvmOp::SeqInc => {
                if let Some(k) = m.user_mut::<KvmState>(me) {
                    k.mmu_notifier_seq += 1;
                    let seq = k.mmu_notifier_seq;
                    emit(ev, KvmEvent::KvmSeq { seq });
                }
                Flow::Next
            }
            KvmOp::CountInc | KvmOp::CountDec => {
                if let Some(k) = m.user_mut::<KvmState>(me) {
                    k.mmu_notifier_count += if op == KvmOp::CountInc { 1 } else { -1 };
                    let count = k.mmu_notifier_count;
                    emit(ev, KvmEvent::KvmCount { count });
                }
                Flow::Next
            }
            KvmOp::ReturnIfChangePteFollows => {
                if m.threads[t.0 as usize].locals.range_change_pte {
                    ev.push(Event::Branch {
                        why: "the range is tagged change_pte-follows: KVM returns at once".into(),
                    });
                    Flow::Return
                } else {
                    Flow::Next
                }
            }
            KvmOp::BugOnCount => {
                if let Some(k) = m.user::<KvmState>(me)
                    && k.mmu_notifier_count < 0
                {
                    let count = k.mmu_notifier_count;
                    ev.push(Event::Violation(Violation {
                        id: ViolationId::RangeImbalance,
                        message: format!(
                            "KVM: BUG_ON(mmu_notifier_count < 0) fires: count is {count}, an invalidate_range_end came without its start"
                        ),
                    }));
                }
                Flow::Next
            }
            KvmOp::UnmapHva(by) => {
                let zapped = m.user_mut::<KvmState>(me).map(|k| k.zap(gfn)).unwrap_or_default();
                m.threads[ti].locals.need_flush = !zapped.is_empty();
                for s in zapped {
                    emit(ev, KvmEvent::SpteZapped { gfn: s.gfn, pfn: s.pfn, by });
                }
                Flow::Next
            }
            KvmOp::RmappLoop { done } => {
                if m.user::<KvmState>(me).is_some_and(|k| k.sptes.iter().any(|s| s.gfn == gfn)) {
                    Flow::Next
                } else {
                    emit(ev, KvmEvent::ChangePteMiss { gfn });
                    Flow::Goto(done)
                }
            }
            KvmOp::RmappDropIfWritable { else_, done } => {
                if !m.threads[ti].locals.entry.writable {
                    return Flow::Goto(else_);
                }
                let zapped = m.user_mut::<KvmState>(me).map(|k| k.zap(gfn)).unwrap_or_default();
                ev.push(Event::Branch { why: "new host pte is writable: drop the spte, do not remap".into() });
                for s in zapped {
                    emit(ev, KvmEvent::SpteZapped { gfn: s.gfn, pfn: s.pfn, by: Callback::ChangePte });
                }
                m.threads[ti].locals.need_flush = true;
                Flow::Goto(done)
            }
            KvmOp::RmappRemap => {
                let entry = m.threads[ti].locals.entry;
                let mut remapped = Vec::new();
                if let Some(k) = m.user_mut::<KvmState>(me) {
                    for s in k.sptes.iter_mut().filter(|s| s.gfn == gfn) {
                        remapped.push(s.pfn);
                        s.pfn = entry.pfn;
                        s.writable = false;
                    }
                }
                for old_pfn in remapped {
                    emit(ev, KvmEvent::SpteRemapped { gfn, old_pfn, new_pfn: entry.pfn });
                }
                m.threads[ti].locals.need_flush = true;
                Flow::Next
            }
            KvmOp::FlushIfNeeded => {
                if m.threads[ti].locals.need_flush {
                    emit(ev, KvmEvent::KvmRemoteFlush);
                }
                // Dead from here (the explorer merges states that differ
                // only in dead locals).
                m.threads[ti].locals.need_flush = false;
                Flow::Next
            }
            KvmOp::GuestAccess => {
                let spte = m
                    .user::<KvmState>(me)
                    .and_then(|k| k.sptes.iter().find(|s| s.gfn == gfn))
                    .map(|s| (s.pfn, s.writable));
                match m.access_through(t, spte) {
                    Through::Finished => Flow::Return,
                    Through::Hit { pfn, write, value } => {
                        emit(ev, KvmEvent::GuestAccess { gfn, pfn, write, value });
                        // The default vCPU runs the scenario's whole access list.
                        if usize::from(m.threads[ti].locals.access) >= m.accesses(t) {
                            Flow::Return
                        } else {
                            Flow::Stay
                        }
                    }
                    Through::Miss { write } => {
                        emit(ev, KvmEvent::GuestFault { gfn, write });
                        Flow::CallThenRetry(FuncId::TdpPageFault)
                    }
                }
            }
            KvmOp::TdpSnapshotSeq => {
                m.threads[ti].locals.mmu_seq = m.user::<KvmState>(me).map_or(0, |k| k.mmu_notifier_seq);
                Flow::Next
            }
            KvmOp::TdpGetPfn => {
                let write = m.access_op(t).is_some_and(|o| o.write);
                let pte = m.pte(m.host.addr);
                if pte.present && (!write || pte.writable) {
                    m.get_page(pte.pfn, ev);
                    let l = &mut m.threads[ti].locals;
                    l.pfn = Some(pte.pfn);
                    l.map_writable = pte.writable;
                    Flow::Next
                } else if pte.present && write && m.can_cow(t, pte.pfn) {
                    ev.push(Event::Branch {
                        why: "get_user_pages(FOLL_WRITE) on a read-only pte: handle_mm_fault runs do_wp_page".into(),
                    });
                    Flow::CallThenRetry(FuncId::HandlePteFault)
                } else {
                    ev.push(Event::Branch { why: "no usable host page: the fault is retried".into() });
                    Flow::Return
                }
            }
            KvmOp::TdpRetryCheck { retry } => {
                // The snapshot's last use: a retry faults again and takes
                // a new one.
                let snap = std::mem::take(&mut m.threads[ti].locals.mmu_seq);
                let (count, seq) =
                    m.user::<KvmState>(me).map_or((0, snap), |k| (k.mmu_notifier_count, k.mmu_notifier_seq));
                if count != 0 || seq != snap {
                    emit(ev, KvmEvent::KvmFaultRetry { count, mmu_seq: snap, seq });
                    Flow::Goto(retry)
                } else {
                    Flow::Next
                }
            }
            KvmOp::TdpDirectMap => {
                let l = m.threads[ti].locals;
                if let Some(pfn) = l.pfn {
                    let writable = l.map_writable;
                    if let Some(k) = m.user_mut::<KvmState>(me) {
                        k.sptes.retain(|s| s.gfn != gfn);
                        k.sptes.push(Spte { gfn, pfn, writable });
                    }
                    emit(ev, KvmEvent::SpteInstalled { gfn, pfn, writable });
                    // mmu_set_spte drops the reference try_async_pf took.
                    m.put_page(pfn, ev);
                    m.threads[ti].locals.pfn = None;
                }
                m.threads[ti].locals.map_writable = false;
                Flow::Next
            }
            KvmOp::TdpReleasePfn => {
                if let Some(pfn) = m.threads[ti].locals.pfn.take() {
                    m.put_page(pfn, ev);
                }
                m.threads[ti].locals.map_writable = false;
                Flow::Next
            }
            KvmOp::MemslotLoop { none } => {
                if m.user::<KvmState>(me).is_some_and(|k| k.memslot) {
                    Flow::Next
                } else {
                    emit(ev, KvmEvent::NoMemslot);
                    Flow::Goto(none)
                }
            }
            KvmOp::OnLock => {
                match hva_range_caller(m, t) {
                    Some(FuncId::KvmInvalidateRangeStart) => {
                        if let Some(k) = m.user_mut::<KvmState>(me) {
                            k.mmu_notifier_count += 1;
                            if k.mmu_notifier_count == 1 {
                                k.mmu_invalidate_range = None;
                            }
                            let in_progress = k.mmu_notifier_count;
                            emit(ev, KvmEvent::InvalidateBegin { in_progress });
                        }
                    }
                    Some(FuncId::KvmInvalidateRangeEnd) => {
                        if let Some(k) = m.user_mut::<KvmState>(me) {
                            k.mmu_notifier_seq += 1;
                            k.mmu_notifier_count -= 1;
                            let (seq, in_progress) = (k.mmu_notifier_seq, k.mmu_notifier_count);
                            emit(ev, KvmEvent::InvalidateEnd { seq, in_progress });
                            if in_progress < 0 {
                                ev.push(Event::Violation(Violation {
                                    id: ViolationId::RangeImbalance,
                                    message: format!(
                                        "KVM: KVM_BUG_ON(mmu_invalidate_in_progress < 0) fires: it is {in_progress}, an invalidate_range_end came without its start"
                                    ),
                                }));
                            }
                        }
                    }
                    // change_pte's on_lock is kvm_null_fn.
                    _ => {}
                }
                Flow::Next
            }
            KvmOp::Handler { null } => match hva_range_caller(m, t) {
                Some(FuncId::KvmInvalidateRangeStart) => {
                    let zapped = match m.user_mut::<KvmState>(me) {
                        Some(k) => {
                            let (start, end) = match k.mmu_invalidate_range {
                                None => (gfn, gfn + 1),
                                Some((s, e)) => (s.min(gfn), e.max(gfn + 1)),
                            };
                            k.mmu_invalidate_range = Some((start, end));
                            emit(ev, KvmEvent::RangeRecorded { start, end });
                            k.zap(gfn)
                        }
                        None => Vec::new(),
                    };
                    m.threads[ti].locals.need_flush = !zapped.is_empty();
                    for s in zapped {
                        emit(ev, KvmEvent::SpteZapped { gfn: s.gfn, pfn: s.pfn, by: Callback::InvalidateRangeStart });
                    }
                    Flow::Next
                }
                Some(FuncId::KvmChangePte) => Flow::Call(FuncId::KvmSetSpteHva),
                // range_end's handler is kvm_null_fn.
                _ => Flow::Goto(null),
            },
            KvmOp::UnlockIfHeld => {
                if let Some(k) = m.user_mut::<KvmState>(me)
                    && k.mmu_lock == Some(t.0)
                {
                    k.mmu_lock = None;
                }
                Flow::Next
            }
            KvmOp::ActiveInvalidateInc | KvmOp::ActiveInvalidateDec => {
                if let Some(k) = m.user_mut::<KvmState>(me) {
                    if op == KvmOp::ActiveInvalidateInc {
                        k.mn_active_invalidate_count += 1;
                    } else if k.mn_active_invalidate_count == 0 {
                        ev.push(Event::Branch {
                            why: "WARN_ON_ONCE(!kvm->mn_active_invalidate_count): range_end without range_start".into(),
                        });
                    } else {
                        k.mn_active_invalidate_count -= 1;
                    }
                    let count = k.mn_active_invalidate_count;
                    emit(ev, KvmEvent::ActiveInvalidate { count });
                }
                Flow::Next
            }
            KvmOp::WarnNoActiveInvalidate => {
                if m.user::<KvmState>(me).is_some_and(|k| k.mn_active_invalidate_count == 0) {
                    emit(ev, KvmEvent::ChangePteWarn);
                }
                Flow::Next
            }
            KvmOp::ReturnIfNoInvalidateInProgress => {
                if m.user::<KvmState>(me).is_some_and(|k| k.mmu_notifier_count == 0) {
                    emit(ev, KvmEvent::ChangePteEarlyReturn);
                    Flow::Return
                } else {
                    Flow::Next
                }
            }
            KvmOp::ReturnIfNoPfn => {
                if m.threads[ti].locals.pfn.is_none() {
                    Flow::Return
                } else {
                    Flow::Next
                }
            }
            KvmOp::RetryGfn { retry } => {
                // The snapshot's last use (as above).
                let snap = std::mem::take(&mut m.threads[ti].locals.mmu_seq);
                let (in_progress, range, seq) = m
                    .user::<KvmState>(me)
                    .map_or((0, None, snap), |k| (k.mmu_notifier_count, k.mmu_invalidate_range, k.mmu_notifier_seq));
                // No range recorded while one is in progress is a KVM bug
                // the kernel answers with a WARN and a retry.
                let in_range = range.is_none_or(|(s, e)| gfn >= s && gfn < e);
                if (in_progress != 0 && in_range) || seq != snap {
                    emit(ev, KvmEvent::FaultRetryGfn { in_progress, in_range, mmu_seq: snap, seq });
                    Flow::Goto(retry)
                } else {
                    Flow::Next
                }
            }
            KvmOp::DirectMap => {
                let l = m.threads[ti].locals;
                if let Some(pfn) = l.pfn {
                    let writable = l.map_writable;
                    if let Some(k) = m.user_mut::<KvmState>(me) {
                        k.sptes.retain(|s| s.gfn != gfn);
                        k.sptes.push(Spte { gfn, pfn, writable });
                    }
                    emit(ev, KvmEvent::SpteInstalled { gfn, pfn, writable });
                }
                // Its last use (the reference is dropped after the unlock).
                m.threads[ti].locals.map_writable = false;
                Flow::Next
            }
        }
    }

    fn block(m: &Machine, t: ThreadId, fr: Frame, op: KvmOp) -> Option<&'static str> {
        match op {
            KvmOp::Lock => m
                .user::<KvmState>(fr.notifier)
                .is_some_and(|k| k.mmu_lock.is_some_and(|h| h != t.0))
                .then_some("waits for kvm->mmu_lock"),
            // try_async_pf walks the primary page table under the PT lock.
            KvmOp::TdpGetPfn => m.ptl_held_by_other(t).then_some("waits for the PT lock"),
            _ => None,
        }
    }

    fn is_local(op: KvmOp) -> bool {
        match op {
            // `need_flush` is this thread's local; the flush is an event.
            // The event_aware tag is this thread's local too.
            KvmOp::FlushIfNeeded | KvmOp::ReturnIfChangePteFollows => true,
            // mmu_lock, mmu_notifier_seq/count, the sptes, the primary
            // page table and the pages are shared.
            KvmOp::Lock
            | KvmOp::Unlock
            | KvmOp::SeqInc
            | KvmOp::CountInc
            | KvmOp::CountDec
            | KvmOp::BugOnCount
            | KvmOp::UnmapHva(_)
            | KvmOp::RmappLoop { .. }
            | KvmOp::RmappDropIfWritable { .. }
            | KvmOp::RmappRemap
            | KvmOp::GuestAccess
            | KvmOp::TdpSnapshotSeq
            | KvmOp::TdpGetPfn
            | KvmOp::TdpRetryCheck { .. }
            | KvmOp::TdpDirectMap
            | KvmOp::TdpReleasePfn
            // v6.9: memslots, mmu_invalidate_*, mn_active_invalidate_count
            // and the fault's retry check read or write shared state.
            | KvmOp::MemslotLoop { .. }
            | KvmOp::OnLock
            | KvmOp::Handler { .. }
            | KvmOp::UnlockIfHeld
            | KvmOp::ActiveInvalidateInc
            | KvmOp::ActiveInvalidateDec
            | KvmOp::WarnNoActiveInvalidate
            | KvmOp::ReturnIfNoInvalidateInProgress
            | KvmOp::ReturnIfNoPfn
            | KvmOp::RetryGfn { .. }
            | KvmOp::DirectMap => false,
        }
    }

    fn atomic_reason(&self, t: ThreadId) -> Option<&'static str> {
        (self.mmu_lock == Some(t.0)).then_some("kvm->mmu_lock is held")
    }

    fn message(e: &KvmEvent) -> String {
        match e {
            KvmEvent::SpteZapped { gfn, pfn, by } => {
                format!("KVM: spte for gfn {} (pfn {}) dropped in {}", hex(*gfn), hex(*pfn), by.id())
            }
            KvmEvent::SpteRemapped { gfn, old_pfn, new_pfn } => format!(
                "KVM: spte for gfn {} remapped in place from pfn {} to pfn {}, read-only",
                hex(*gfn),
                hex(*old_pfn),
                hex(*new_pfn)
            ),
            KvmEvent::ChangePteMiss { gfn } => {
                format!("KVM: change_pte found no spte for gfn {}: nothing to update", hex(*gfn))
            }
            KvmEvent::KvmSeq { seq } => format!("KVM: mmu_notifier_seq = {seq}"),
            KvmEvent::KvmCount { count } => format!("KVM: mmu_notifier_count = {count}"),
            KvmEvent::KvmRemoteFlush => "KVM: remote TLBs flushed".into(),
            KvmEvent::GuestAccess { gfn, pfn, write, value } => format!(
                "guest {} gfn {} through its spte: pfn {}, value {}",
                if *write { "writes" } else { "reads" },
                hex(*gfn),
                hex(*pfn),
                hex(u64::from(*value))
            ),
            KvmEvent::GuestFault { gfn, write } => format!(
                "guest {} fault on gfn {}: no usable spte, EPT violation exit to KVM",
                if *write { "write" } else { "read" },
                hex(*gfn)
            ),
            KvmEvent::KvmFaultRetry { count, mmu_seq, seq } => format!(
                "KVM: mmu_notifier_retry: count {count}, seq {seq} vs snapshot {mmu_seq}: spte not installed, guest retries"
            ),
            KvmEvent::SpteInstalled { gfn, pfn, writable } => {
                format!("KVM: spte for gfn {} installed to pfn {} {}", hex(*gfn), hex(*pfn), rw(*writable))
            }
            KvmEvent::InvalidateBegin { in_progress } => {
                format!("KVM: kvm_mmu_invalidate_begin: mmu_invalidate_in_progress = {in_progress}")
            }
            KvmEvent::RangeRecorded { start, end } => {
                format!("KVM: invalidation range recorded: gfns [{}, {})", hex(*start), hex(*end))
            }
            KvmEvent::InvalidateEnd { seq, in_progress } => format!(
                "KVM: kvm_mmu_invalidate_end: mmu_invalidate_seq = {seq}, mmu_invalidate_in_progress = {in_progress}"
            ),
            KvmEvent::ActiveInvalidate { count } => format!("KVM: mn_active_invalidate_count = {count}"),
            KvmEvent::NoMemslot => "KVM: no memslot overlaps the range: mmu_lock not taken, nothing done".into(),
            KvmEvent::ChangePteEarlyReturn => {
                "KVM: change_pte returns early: mmu_invalidate_in_progress is 0 (no invalidation found a memslot)"
                    .into()
            }
            KvmEvent::ChangePteWarn => {
                "KVM: WARN_ON_ONCE in change_pte: no invalidate_range_start is active around it".into()
            }
            KvmEvent::FaultRetryGfn { in_progress, in_range, mmu_seq, seq } => format!(
                "KVM: mmu_invalidate_retry_gfn: in_progress {in_progress}, gfn {} the recorded range, seq {seq} vs snapshot {mmu_seq}: spte not installed, guest retries",
                if *in_range { "in" } else { "outside" }
            ),
        }
    }

    fn access(e: &KvmEvent) -> Option<Access> {
        match *e {
            KvmEvent::GuestAccess { gfn, pfn, write, value } => {
                Some(Access { who: "the guest {} gfn {at} through a stale spte", at: gfn, pfn, write, value })
            }
            _ => None,
        }
    }

    fn state_violations(&self, m: &Machine, out: &mut Vec<StateViolation>) {
        // The scenario's gfn backs the host address: once the host pte is
        // visible (present), the spte must map the same page.
        let pte = m.pte(m.host.addr);
        if pte.present
            && let Some(s) = self.sptes.iter().find(|s| s.gfn == m.gfn && s.pfn != pte.pfn)
        {
            out.push(StateViolation::new(
                format!("kvm-stale:{}:{}:{}", s.gfn, s.pfn, pte.pfn),
                Violation {
                    id: ViolationId::StaleSpte,
                    message: format!(
                        "KVM's spte for gfn {} maps pfn {} while the process's pte maps pfn {}: the guest uses another page than the process",
                        hex(s.gfn),
                        hex(s.pfn),
                        hex(pte.pfn)
                    ),
                },
            ));
        }
        for s in self.sptes.iter().filter(|s| m.page(s.pfn).is_some_and(|p| p.free)) {
            out.push(StateViolation::new(
                format!("kvm:{}:{}", s.gfn, s.pfn),
                Violation {
                    id: ViolationId::SecondaryMapsFreedPage,
                    message: format!(
                        "KVM's spte for gfn {} still maps pfn {}, which has been freed: the guest can read or corrupt a page now owned by someone else",
                        hex(s.gfn),
                        hex(s.pfn)
                    ),
                },
            ));
        }
    }

    fn end_violations(&self, out: &mut Vec<Violation>) {
        if self.mmu_notifier_count != 0 {
            out.push(Violation {
                id: ViolationId::RangeImbalance,
                message: format!(
                    "KVM's mmu_notifier_count is {} after every thread finished: vCPU faults would retry forever",
                    self.mmu_notifier_count
                ),
            });
        }
    }

    fn section(&self, m: &Machine, out: &mut Vec<Item>) {
        // The scenario's gfn shows `none` when it has no spte; keys sort
        // like the flat view's (by key text).
        let mut sptes = std::collections::BTreeMap::new();
        sptes.insert(format!("spte gfn {}", hex(m.gfn)), "none".to_string());
        for s in &self.sptes {
            sptes.insert(format!("spte gfn {}", hex(s.gfn)), format!("{} {}", hex(s.pfn), rw_short(s.writable)));
        }
        for (label, value) in sptes {
            out.push(Item::new("kvm", label, value));
        }
        out.push(Item::new("kvm", "mmu_notifier_seq".into(), self.mmu_notifier_seq.to_string()));
        out.push(Item::new("kvm", "mmu_notifier_count".into(), self.mmu_notifier_count.to_string()));
        out.push(Item::new("kvm", "mmu_lock".into(), m.holder_name(self.mmu_lock)));
        // The v6.9+ fields: shown only where the kernel has them.
        if matches!(m.semantics, Semantics::V6_9 | Semantics::V6_10) {
            out.push(Item::new(
                "kvm",
                "mn_active_invalidate_count".into(),
                self.mn_active_invalidate_count.to_string(),
            ));
            let range = match self.mmu_invalidate_range {
                Some((s, e)) => format!("[{}, {})", hex(s), hex(e)),
                None => "INVALID_GPA".into(),
            };
            out.push(Item::new("kvm", "mmu_invalidate_range".into(), range));
        }
    }

    fn mappings(&self, m: &Machine, out: &mut Vec<Mapping>) {
        let mut gfns: Vec<u64> = self.sptes.iter().map(|s| s.gfn).chain([m.gfn]).collect();
        gfns.sort_unstable();
        gfns.dedup();
        for gfn in gfns {
            let label = format!("spte gfn {}", hex(gfn));
            let spte = self.sptes.iter().find(|s| s.gfn == gfn);
            out.push(Mapping {
                key: format!("kvm {label}"),
                label,
                pfn: spte.map(|s| s.pfn),
                writable: spte.is_some_and(|s| s.writable),
            });
        }
    }

    fn locks(&self, out: &mut Vec<UserLock>) {
        out.push(UserLock { name: "kvm->mmu_lock", holder: self.mmu_lock });
    }

    fn encoded_len(&self) -> usize {
        1 + usize::from(self.v6_9_word()) + self.sptes.len()
    }

    // One word, then the v6.9+ word when it is not all defaults (bit 63 of
    // the first says which), then one word per spte. Only the v6.9 and
    // v6.10 callbacks change `mn_active_invalidate_count` and
    // `mmu_invalidate_range`: the searches of the other semantics never
    // write the second word, those of v6.9+ not before the first
    // invalidation. `memslot` is not written: no statement changes it, so
    // the copy of the initial state that decoding writes into holds it.
    fn encode(&self, p: &mut impl Packer, out: &mut Vec<u64>) {
        let nsptes = p.narrow(self.sptes.len() as u64, 8, "KVM sptes");
        let count = p.narrow_signed(self.mmu_notifier_count, 16, "mmu_notifier_count");
        let seq = p.narrow(self.mmu_notifier_seq, 30, "mmu_notifier_seq");
        let more = self.v6_9_word();
        out.push(nsptes | opt_u8(self.mmu_lock) << 8 | count << 17 | seq << 33 | u64::from(more) << 63);
        if more {
            let active = p.narrow_signed(self.mn_active_invalidate_count, 8, "mn_active_invalidate_count");
            let (valid, start, end) = match self.mmu_invalidate_range {
                Some((s, e)) => {
                    (1, p.narrow(s, 27, "an invalidation range start"), p.narrow(e, 27, "an invalidation range end"))
                }
                None => (0, 0, 0),
            };
            out.push(active | valid << 8 | start << 9 | end << 36);
        }
        for s in &self.sptes {
            let gfn = p.narrow(s.gfn, 32, "a gfn");
            let pfn = p.pfn_code(s.pfn);
            out.push(gfn | pfn << 32 | u64::from(s.writable) << 40);
        }
    }

    fn decode(&mut self, u: &impl Unpacker, r: &mut Reader) {
        let w = r.next();
        self.mmu_lock = un_opt_u8(w >> 8);
        self.mmu_notifier_count = sfield(w, 17, 16);
        self.mmu_notifier_seq = field(w, 33, 30);
        if bit(w, 63) {
            let v = r.next();
            self.mn_active_invalidate_count = sfield(v, 0, 8);
            self.mmu_invalidate_range = bit(v, 8).then(|| (field(v, 9, 27), field(v, 36, 27)));
        } else {
            self.mn_active_invalidate_count = 0;
            self.mmu_invalidate_range = None;
        }
        self.sptes.clear();
        for _ in 0..field(w, 0, 8) {
            let s = r.next();
            self.sptes.push(Spte { gfn: field(s, 0, 32), pfn: u.pfn_of(s >> 32), writable: bit(s, 40) });
        }
    }

    fn rename(&mut self, r: &Renaming) {
        self.mmu_lock = r.holder(self.mmu_lock);
        for s in &mut self.sptes {
            s.pfn = r.pfn(s.pfn);
        }
    }
}

impl KvmState {
    /// Whether the v6.9+ fields differ from their initial values (then
    /// the explorer's encoding spends a word on them).
    fn v6_9_word(&self) -> bool {
        self.mn_active_invalidate_count != 0 || self.mmu_invalidate_range.is_some()
    }
}

/// `RW` / `R`, as the state view shows a mapping's permission.
pub(crate) fn rw_short(writable: bool) -> &'static str {
    if writable { "RW" } else { "R" }
}
