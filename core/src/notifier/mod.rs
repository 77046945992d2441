//! Registered `mmu_notifier`s: who they are, which ops they implement, and
//! the secondary-MMU state each keeps.

use serde::Serialize;

use crate::UnknownName;
use crate::page::Pfn;

/// The notifier users modelled. The first four are every in-tree user at
/// v3.13 (kernel-facts §4); `Sleepable` stands for the out-of-tree kind of
/// driver whose callbacks may sleep, which motivated 6bdb913f.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifierId {
    /// KVM (`virt/kvm/kvm_main.c`, x86 shadow/TDP MMU).
    Kvm,
    /// SGI GRU (`drivers/misc/sgi-gru/grutlbpurge.c`).
    Gru,
    /// AMD IOMMUv2 (`drivers/iommu/amd_iommu_v2.c`).
    AmdIommuV2,
    /// Xen gntdev (`drivers/xen/gntdev.c`).
    XenGntdev,
    /// A driver whose `invalidate_page` and range callbacks may sleep.
    Sleepable,
}

/// A `struct mmu_notifier_ops` member the three paths can call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Callback {
    /// `change_pte`: the pte now points to another page (KSM, COW).
    ChangePte,
    /// `invalidate_page`: one page is being unmapped.
    InvalidatePage,
    /// `invalidate_range_start`.
    InvalidateRangeStart,
    /// `invalidate_range_end`.
    InvalidateRangeEnd,
}

impl Callback {
    /// Every callback, in ops-table order.
    pub const ALL: [Callback; 4] =
        [Callback::ChangePte, Callback::InvalidatePage, Callback::InvalidateRangeStart, Callback::InvalidateRangeEnd];

    /// The kernel's member name.
    pub fn id(self) -> &'static str {
        match self {
            Callback::ChangePte => "change_pte",
            Callback::InvalidatePage => "invalidate_page",
            Callback::InvalidateRangeStart => "invalidate_range_start",
            Callback::InvalidateRangeEnd => "invalidate_range_end",
        }
    }
}

/// Which of the four callbacks a notifier implements (its ops table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct NotifierOps {
    /// `.change_pte` set.
    pub change_pte: bool,
    /// `.invalidate_page` set.
    pub invalidate_page: bool,
    /// `.invalidate_range_start` set.
    pub invalidate_range_start: bool,
    /// `.invalidate_range_end` set.
    pub invalidate_range_end: bool,
}

impl NotifierOps {
    /// Whether the ops table has `cb`.
    pub fn has(&self, cb: Callback) -> bool {
        match cb {
            Callback::ChangePte => self.change_pte,
            Callback::InvalidatePage => self.invalidate_page,
            Callback::InvalidateRangeStart => self.invalidate_range_start,
            Callback::InvalidateRangeEnd => self.invalidate_range_end,
        }
    }

    /// The implemented callbacks, in ops-table order.
    pub fn list(&self) -> Vec<Callback> {
        Callback::ALL.into_iter().filter(|c| self.has(*c)).collect()
    }
}

impl NotifierId {
    /// Every notifier, in the order `list` shows them.
    pub const ALL: [NotifierId; 5] =
        [NotifierId::Kvm, NotifierId::Gru, NotifierId::AmdIommuV2, NotifierId::XenGntdev, NotifierId::Sleepable];

    /// Default notifier set of a run: KVM and GRU.
    pub const DEFAULT: [NotifierId; 2] = [NotifierId::Kvm, NotifierId::Gru];

    /// Stable id (command line, JSON, URLs).
    pub fn id(self) -> &'static str {
        match self {
            NotifierId::Kvm => "kvm",
            NotifierId::Gru => "gru",
            NotifierId::AmdIommuV2 => "amd_iommu_v2",
            NotifierId::XenGntdev => "xen_gntdev",
            NotifierId::Sleepable => "sleepable",
        }
    }

    /// Short display name.
    pub fn label(self) -> &'static str {
        match self {
            NotifierId::Kvm => "KVM",
            NotifierId::Gru => "SGI GRU",
            NotifierId::AmdIommuV2 => "AMD IOMMUv2",
            NotifierId::XenGntdev => "Xen gntdev",
            NotifierId::Sleepable => "sleepable driver",
        }
    }

    /// The ops this user really implements at v3.6 and v3.13 (kernel-facts
    /// §4: KVM and AMD IOMMUv2 have `change_pte`; GRU and gntdev do not;
    /// gntdev has no `invalidate_range_end`).
    pub fn ops(self) -> NotifierOps {
        let all = NotifierOps {
            change_pte: true,
            invalidate_page: true,
            invalidate_range_start: true,
            invalidate_range_end: true,
        };
        match self {
            NotifierId::Kvm | NotifierId::AmdIommuV2 => all,
            NotifierId::Gru | NotifierId::Sleepable => NotifierOps { change_pte: false, ..all },
            NotifierId::XenGntdev => NotifierOps { change_pte: false, invalidate_range_end: false, ..all },
        }
    }

    /// Where its callbacks live and the ops table line (v3.13).
    pub fn describe(self) -> &'static str {
        match self {
            NotifierId::Kvm => {
                "KVM shadow/TDP MMU: sptes per gfn, mmu_notifier_seq/count, mmu_lock (virt/kvm/kvm_main.c:410 kvm_mmu_notifier_ops)"
            }
            NotifierId::Gru => {
                "SGI GRU: GRU TLB, ms_range_active, ms_wait_queue; no change_pte (drivers/misc/sgi-gru/grutlbpurge.c:271 gru_mmuops)"
            }
            NotifierId::AmdIommuV2 => {
                "AMD IOMMUv2: PASID IOTLB flushes, GCR3 swapped to an empty table during a range (drivers/iommu/amd_iommu_v2.c:464 iommu_mn)"
            }
            NotifierId::XenGntdev => {
                "Xen gntdev: unmaps grant maps in range; no change_pte, no range_end (drivers/xen/gntdev.c:482 gntdev_mmu_ops)"
            }
            NotifierId::Sleepable => {
                "Hypothetical driver (the kind that motivated 6bdb913f): invalidate_page and range callbacks take a mutex, so they may sleep; no change_pte"
            }
        }
    }

    /// Parses one id; the error lists the valid ones.
    pub fn parse(s: &str) -> Result<NotifierId, UnknownName> {
        NotifierId::ALL.into_iter().find(|n| n.id() == s).ok_or_else(|| UnknownName {
            kind: "notifier",
            given: s.to_string(),
            valid: NotifierId::ALL.iter().map(|n| n.id().to_string()).collect(),
        })
    }

    /// Parses a comma-separated list (`kvm,gru`), `none` (no notifier) or
    /// `all` ([`NotifierId::ALL`]). Duplicates are an error.
    pub fn parse_list(s: &str) -> Result<Vec<NotifierId>, String> {
        match s.trim() {
            "none" => return Ok(Vec::new()),
            "all" => return Ok(NotifierId::ALL.to_vec()),
            _ => {}
        }
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let n = NotifierId::parse(part).map_err(|e| e.to_string())?;
            if out.contains(&n) {
                return Err(format!("duplicate notifier `{n}`: each may be listed once"));
            }
            out.push(n);
        }
        Ok(out)
    }
}

impl std::fmt::Display for NotifierId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

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
}

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
    /// Threads sleeping on `ms_wait_queue`.
    pub waiters: Vec<u8>,
}

/// Where AMD IOMMUv2 points the PASID's GCR3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Gcr3 {
    /// `mm->pgd`: the device walks the process page table.
    MmPgd,
    /// `empty_page_table`: set during a range invalidation.
    EmptyPageTable,
}

/// AMD IOMMUv2's secondary state.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct AmdIommuState {
    /// Current GCR3 target.
    pub gcr3: Gcr3,
}

/// Xen gntdev's state.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct GntdevState {
    /// `priv->lock` holder.
    pub lock: Option<u8>,
    /// Grant maps overlapping the scenario's address (KSM/COW/uprobes pages
    /// are anonymous or file memory, never grant maps, so normally zero).
    pub grant_maps_in_range: u32,
}

/// The sleepable driver's state.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SleepableState {
    /// `drv->mutex` holder.
    pub mutex: Option<u8>,
}

/// One registered notifier and its secondary state.
#[derive(Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "id", rename_all = "snake_case")]
pub enum Secondary {
    /// KVM.
    Kvm(KvmState),
    /// SGI GRU.
    Gru(GruState),
    /// AMD IOMMUv2.
    AmdIommuV2(AmdIommuState),
    /// Xen gntdev.
    XenGntdev(GntdevState),
    /// The sleepable driver.
    Sleepable(SleepableState),
}

// Manual `Clone` impls: `clone_from` reuses the inner vectors' buffers, so
// the explorer can overwrite a recycled state without allocating.
impl Clone for KvmState {
    fn clone(&self) -> Self {
        KvmState {
            sptes: self.sptes.clone(),
            mmu_notifier_seq: self.mmu_notifier_seq,
            mmu_notifier_count: self.mmu_notifier_count,
            mmu_lock: self.mmu_lock,
        }
    }

    fn clone_from(&mut self, o: &Self) {
        self.sptes.clone_from(&o.sptes);
        self.mmu_notifier_seq = o.mmu_notifier_seq;
        self.mmu_notifier_count = o.mmu_notifier_count;
        self.mmu_lock = o.mmu_lock;
    }
}

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

impl Clone for Secondary {
    fn clone(&self) -> Self {
        match self {
            Secondary::Kvm(k) => Secondary::Kvm(k.clone()),
            Secondary::Gru(g) => Secondary::Gru(g.clone()),
            Secondary::AmdIommuV2(a) => Secondary::AmdIommuV2(a.clone()),
            Secondary::XenGntdev(g) => Secondary::XenGntdev(g.clone()),
            Secondary::Sleepable(s) => Secondary::Sleepable(s.clone()),
        }
    }

    fn clone_from(&mut self, o: &Self) {
        match (self, o) {
            (Secondary::Kvm(a), Secondary::Kvm(b)) => a.clone_from(b),
            (Secondary::Gru(a), Secondary::Gru(b)) => a.clone_from(b),
            (me, o) => *me = o.clone(),
        }
    }
}

impl Secondary {
    /// Which notifier this is.
    pub fn id(&self) -> NotifierId {
        match self {
            Secondary::Kvm(_) => NotifierId::Kvm,
            Secondary::Gru(_) => NotifierId::Gru,
            Secondary::AmdIommuV2(_) => NotifierId::AmdIommuV2,
            Secondary::XenGntdev(_) => NotifierId::XenGntdev,
            Secondary::Sleepable(_) => NotifierId::Sleepable,
        }
    }

    /// Fresh state for `id` with no mappings.
    pub fn new(id: NotifierId) -> Secondary {
        match id {
            NotifierId::Kvm => Secondary::Kvm(KvmState {
                sptes: Vec::new(),
                mmu_notifier_seq: 0,
                mmu_notifier_count: 0,
                mmu_lock: None,
            }),
            NotifierId::Gru => Secondary::Gru(GruState { tlb: Vec::new(), ms_range_active: 0, waiters: Vec::new() }),
            NotifierId::AmdIommuV2 => Secondary::AmdIommuV2(AmdIommuState { gcr3: Gcr3::MmPgd }),
            NotifierId::XenGntdev => Secondary::XenGntdev(GntdevState { lock: None, grant_maps_in_range: 0 }),
            NotifierId::Sleepable => Secondary::Sleepable(SleepableState { mutex: None }),
        }
    }
}
