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
