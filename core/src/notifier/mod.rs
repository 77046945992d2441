//! The `mmu_notifier` vocabulary: the callbacks of `struct
//! mmu_notifier_ops` the model calls and an ops table. The users
//! themselves (who they are, their state and behaviour) live in
//! [`crate::users`], re-exported here.

use serde::Serialize;

pub use crate::users::amd_iommu_v2::{AmdIommuState, Gcr3};
pub use crate::users::gru::{GruState, GruTlbEntry};
pub use crate::users::kvm::{KvmState, Spte};
pub use crate::users::sleepable::SleepableState;
pub use crate::users::xen_gntdev::GntdevState;
pub use crate::users::{NotifierId, Secondary, UserEvent, UserInfo};

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
    /// `invalidate_range` (v4.1 … v6.5): flush a secondary TLB that shares
    /// the CPU page table, under the PT lock or at `range_end`.
    InvalidateRange,
    /// `arch_invalidate_secondary_tlbs` (v6.6+): the same, called from the
    /// architecture's TLB flush inside `ptep_clear_flush`.
    ArchInvalidateSecondaryTlbs,
}

impl Callback {
    /// Every callback, in ops-table order.
    pub const ALL: [Callback; 6] = [
        Callback::ChangePte,
        Callback::InvalidatePage,
        Callback::InvalidateRangeStart,
        Callback::InvalidateRangeEnd,
        Callback::InvalidateRange,
        Callback::ArchInvalidateSecondaryTlbs,
    ];

    /// The kernel's member name.
    pub fn id(self) -> &'static str {
        match self {
            Callback::ChangePte => "change_pte",
            Callback::InvalidatePage => "invalidate_page",
            Callback::InvalidateRangeStart => "invalidate_range_start",
            Callback::InvalidateRangeEnd => "invalidate_range_end",
            Callback::InvalidateRange => "invalidate_range",
            Callback::ArchInvalidateSecondaryTlbs => "arch_invalidate_secondary_tlbs",
        }
    }
}

/// Which of the callbacks a notifier implements (its ops table at one tag).
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
    /// `.invalidate_range` set.
    pub invalidate_range: bool,
    /// `.arch_invalidate_secondary_tlbs` set.
    pub arch_invalidate_secondary_tlbs: bool,
}

impl NotifierOps {
    /// Whether the ops table has `cb`.
    pub fn has(&self, cb: Callback) -> bool {
        match cb {
            Callback::ChangePte => self.change_pte,
            Callback::InvalidatePage => self.invalidate_page,
            Callback::InvalidateRangeStart => self.invalidate_range_start,
            Callback::InvalidateRangeEnd => self.invalidate_range_end,
            Callback::InvalidateRange => self.invalidate_range,
            Callback::ArchInvalidateSecondaryTlbs => self.arch_invalidate_secondary_tlbs,
        }
    }

    /// The implemented callbacks, in ops-table order.
    pub fn list(&self) -> Vec<Callback> {
        Callback::ALL.into_iter().filter(|c| self.has(*c)).collect()
    }
}
