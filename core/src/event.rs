//! What happened in one step. Every sentence a front end shows about the
//! run is rendered from one of these, produced by executing the model.

use serde::Serialize;

use crate::notifier::{Callback, NotifierId};
use crate::page::{Pfn, hex};

/// The invariants checked after every step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationId {
    /// A callback that may sleep ran in atomic context.
    SleepInAtomic,
    /// A secondary MMU read a page the primary no longer maps, and the
    /// contents differ.
    StaleSecondaryRead,
    /// A secondary mapping points to a freed page.
    SecondaryMapsFreedPage,
    /// A write through a secondary mapping went to a page the primary no
    /// longer maps.
    LostWrite,
    /// `invalidate_range_start`/`_end` do not pair up.
    RangeImbalance,
}

impl ViolationId {
    /// Every invariant.
    pub const ALL: [ViolationId; 5] = [
        ViolationId::SleepInAtomic,
        ViolationId::StaleSecondaryRead,
        ViolationId::SecondaryMapsFreedPage,
        ViolationId::LostWrite,
        ViolationId::RangeImbalance,
    ];

    /// Stable id.
    pub fn id(self) -> &'static str {
        match self {
            ViolationId::SleepInAtomic => "sleep_in_atomic",
            ViolationId::StaleSecondaryRead => "stale_secondary_read",
            ViolationId::SecondaryMapsFreedPage => "secondary_maps_freed_page",
            ViolationId::LostWrite => "lost_write",
            ViolationId::RangeImbalance => "range_imbalance",
        }
    }

    /// Why the rule exists, in plain language.
    pub fn rule(self) -> &'static str {
        match self {
            ViolationId::SleepInAtomic => {
                "a callback that may sleep must not run while a spinlock (PT lock, mmu_lock) is held or inside rcu_read_lock"
            }
            ViolationId::StaleSecondaryRead => {
                "a device or guest must not read a page the process no longer maps when its contents differ from the mapped one"
            }
            ViolationId::SecondaryMapsFreedPage => {
                "a secondary MMU must drop its mapping before the page is freed (use after free by DMA or by the guest)"
            }
            ViolationId::LostWrite => {
                "a write through a secondary mapping must land in the page the process maps, or it is lost"
            }
            ViolationId::RangeImbalance => {
                "every invalidate_range_start must be followed by exactly one invalidate_range_end"
            }
        }
    }
}

/// A broken invariant, with the plain-language explanation of this instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Violation {
    /// Which invariant.
    pub id: ViolationId,
    /// What went wrong here, in plain language.
    pub message: String,
}

/// Something the model did while executing one statement.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// The PT lock was taken.
    PtlTaken,
    /// The PT lock was released.
    PtlReleased,
    /// The primary pte was cleared (and the CPU TLB flushed).
    PteCleared {
        /// Virtual address.
        addr: u64,
        /// The page it mapped.
        old_pfn: Pfn,
    },
    /// The primary pte was written.
    PteSet {
        /// Virtual address.
        addr: u64,
        /// New target.
        pfn: Pfn,
        /// Writable.
        writable: bool,
    },
    /// A notifier callback was invoked.
    Callback {
        /// Which notifier.
        notifier: NotifierId,
        /// Which callback.
        callback: Callback,
        /// Called while this thread held the PT lock.
        under_ptl: bool,
        /// Called inside `rcu_read_lock` (v3.6 list walk).
        under_rcu: bool,
    },
    /// `invalidate_range_start` for the mm began (model bookkeeping).
    RangeOpened {
        /// Ranges now open in this thread.
        open: i32,
    },
    /// `invalidate_range_end` for the mm ended.
    RangeClosed {
        /// Ranges still open in this thread.
        open: i32,
    },
    /// A KVM spte was dropped.
    SpteZapped {
        /// Guest frame.
        gfn: u64,
        /// The page it mapped.
        pfn: Pfn,
        /// The callback that dropped it.
        by: Callback,
    },
    /// A KVM spte was rewritten in place to another page (read-only).
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
    /// A host thread stored to the page through the primary pte.
    UserWrite {
        /// Virtual address.
        addr: u64,
        /// Page written.
        pfn: Pfn,
        /// Value stored.
        value: u32,
    },
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
    /// AMD IOMMUv2 flushed one page of the PASID's IOTLB.
    AmdFlushPage,
    /// AMD IOMMUv2 swapped GCR3 (full PASID flush).
    AmdSetGcr3 {
        /// Now pointing to the empty page table.
        empty: bool,
    },
    /// Xen gntdev unmapped grant maps in range.
    GntdevUnmap {
        /// Grant maps unmapped.
        unmapped: u32,
    },
    /// A callback did something that may sleep.
    MightSleep {
        /// Which notifier.
        notifier: NotifierId,
        /// Held spinlocks / RCU, empty when sleeping is allowed.
        atomic_because: Vec<String>,
    },
    /// A page reference was taken or dropped.
    PageRef {
        /// Page.
        pfn: Pfn,
        /// New refcount.
        refcount: i32,
    },
    /// A page's mapcount changed.
    PageMap {
        /// Page.
        pfn: Pfn,
        /// New mapcount.
        mapcount: i32,
    },
    /// A page was freed (refcount reached zero).
    PageFreed {
        /// Page.
        pfn: Pfn,
    },
    /// A page was allocated.
    PageAllocated {
        /// Page.
        pfn: Pfn,
    },
    /// A page's contents were written by the host.
    PageWritten {
        /// Page.
        pfn: Pfn,
        /// New contents.
        value: u32,
    },
    /// The page lock changed.
    PageLock {
        /// Page.
        pfn: Pfn,
        /// Now locked.
        locked: bool,
    },
    /// A branch was taken; `why` says which condition held.
    Branch {
        /// Plain-language condition.
        why: String,
    },
    /// The thread finished its path.
    ThreadDone,
    /// An invariant broke.
    Violation(crate::event::Violation),
}

impl Event {
    /// The sentence a log pane shows.
    pub fn message(&self) -> String {
        match self {
            Event::PtlTaken => "PT lock taken".into(),
            Event::PtlReleased => "PT lock released".into(),
            Event::PteCleared { addr, old_pfn } => {
                format!("primary pte for {} cleared (was pfn {}), CPU TLB flushed", hex(*addr), hex(*old_pfn))
            }
            Event::PteSet { addr, pfn, writable } => format!(
                "primary pte for {} now maps pfn {} {}",
                hex(*addr),
                hex(*pfn),
                if *writable { "read-write" } else { "read-only" }
            ),
            Event::Callback { notifier, callback, under_ptl, under_rcu } => {
                let mut ctx = Vec::new();
                if *under_ptl {
                    ctx.push("under the PT lock");
                }
                if *under_rcu {
                    ctx.push("inside rcu_read_lock");
                }
                format!(
                    "{}: {} called{}",
                    notifier.label(),
                    callback.id(),
                    if ctx.is_empty() { String::new() } else { format!(" {}", ctx.join(", ")) }
                )
            }
            Event::RangeOpened { open } => format!("invalidate range opened ({open} open)"),
            Event::RangeClosed { open } => format!("invalidate range closed ({open} open)"),
            Event::SpteZapped { gfn, pfn, by } => {
                format!("KVM: spte for gfn {} (pfn {}) dropped in {}", hex(*gfn), hex(*pfn), by.id())
            }
            Event::SpteRemapped { gfn, old_pfn, new_pfn } => format!(
                "KVM: spte for gfn {} remapped in place from pfn {} to pfn {}, read-only",
                hex(*gfn),
                hex(*old_pfn),
                hex(*new_pfn)
            ),
            Event::ChangePteMiss { gfn } => {
                format!("KVM: change_pte found no spte for gfn {}: nothing to update", hex(*gfn))
            }
            Event::KvmSeq { seq } => format!("KVM: mmu_notifier_seq = {seq}"),
            Event::KvmCount { count } => format!("KVM: mmu_notifier_count = {count}"),
            Event::KvmRemoteFlush => "KVM: remote TLBs flushed".into(),
            Event::GuestAccess { gfn, pfn, write, value } => format!(
                "guest {} gfn {} through its spte: pfn {}, value {}",
                if *write { "writes" } else { "reads" },
                hex(*gfn),
                hex(*pfn),
                hex(u64::from(*value))
            ),
            Event::GuestFault { gfn, write } => format!(
                "guest {} fault on gfn {}: no usable spte, EPT violation exit to KVM",
                if *write { "write" } else { "read" },
                hex(*gfn)
            ),
            Event::KvmFaultRetry { count, mmu_seq, seq } => format!(
                "KVM: mmu_notifier_retry: count {count}, seq {seq} vs snapshot {mmu_seq}: spte not installed, guest retries"
            ),
            Event::SpteInstalled { gfn, pfn, writable } => format!(
                "KVM: spte for gfn {} installed to pfn {} {}",
                hex(*gfn),
                hex(*pfn),
                if *writable { "read-write" } else { "read-only" }
            ),
            Event::UserWrite { addr, pfn, value } => format!(
                "host thread stores {} to {} through its pte: pfn {}",
                hex(u64::from(*value)),
                hex(*addr),
                hex(*pfn)
            ),
            Event::GruAccess { addr, pfn, write, value } => format!(
                "GRU {} {} through its TLB: pfn {}, value {}",
                if *write { "writes" } else { "reads" },
                hex(*addr),
                hex(*pfn),
                hex(u64::from(*value))
            ),
            Event::GruTlbDropin { addr, pfn, writable } => format!(
                "GRU: TLB entry for {} loaded: pfn {} {}",
                hex(*addr),
                hex(*pfn),
                if *writable { "read-write" } else { "read-only" }
            ),
            Event::GruTlbFlush { dropped } => {
                format!(
                    "GRU: TLB invalidated for the range ({dropped} entr{} dropped)",
                    if *dropped == 1 { "y" } else { "ies" }
                )
            }
            Event::GruRangeActive { value } => format!("GRU: ms_range_active = {value}"),
            Event::GruWakeUpAll { woken } => format!("GRU: wake_up_all(ms_wait_queue), {woken} waiter(s) woken"),
            Event::AmdFlushPage => "AMD IOMMUv2: one-page PASID IOTLB flush".into(),
            Event::AmdSetGcr3 { empty } => format!(
                "AMD IOMMUv2: GCR3 -> {} (full PASID flush)",
                if *empty { "empty_page_table" } else { "mm->pgd" }
            ),
            Event::GntdevUnmap { unmapped } => format!("Xen gntdev: {unmapped} grant map(s) unmapped in range"),
            Event::MightSleep { notifier, atomic_because } => {
                if atomic_because.is_empty() {
                    format!("{}: may sleep here (allowed: no spinlock held, SRCU walk)", notifier.label())
                } else {
                    format!("{}: may sleep here while {}", notifier.label(), atomic_because.join(" and "))
                }
            }
            Event::PageRef { pfn, refcount } => format!("page {} refcount = {refcount}", hex(*pfn)),
            Event::PageMap { pfn, mapcount } => format!("page {} mapcount = {mapcount}", hex(*pfn)),
            Event::PageFreed { pfn } => format!("page {} freed", hex(*pfn)),
            Event::PageAllocated { pfn } => format!("page {} allocated", hex(*pfn)),
            Event::PageWritten { pfn, value } => {
                format!("page {} contents = {}", hex(*pfn), hex(u64::from(*value)))
            }
            Event::PageLock { pfn, locked } => {
                format!("page {} {}", hex(*pfn), if *locked { "locked" } else { "unlocked" })
            }
            Event::Branch { why } => why.clone(),
            Event::ThreadDone => "thread finished".into(),
            Event::Violation(v) => format!("VIOLATION {}: {}", v.id.id(), v.message),
        }
    }
}
