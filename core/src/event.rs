//! What happened in one step. Every sentence a front end shows about the
//! run is rendered from one of these, produced by executing the model.

use serde::Serialize;

use crate::notifier::{Callback, NotifierId};
use crate::page::{Pfn, hex};
use crate::users::UserEvent;

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
    /// A present KVM spte maps another page than the visible host pte for
    /// the same address.
    StaleSpte,
}

impl ViolationId {
    /// Every invariant.
    pub const ALL: [ViolationId; 6] = [
        ViolationId::SleepInAtomic,
        ViolationId::StaleSecondaryRead,
        ViolationId::SecondaryMapsFreedPage,
        ViolationId::LostWrite,
        ViolationId::RangeImbalance,
        ViolationId::StaleSpte,
    ];

    /// Stable id.
    pub fn id(self) -> &'static str {
        match self {
            ViolationId::SleepInAtomic => "sleep_in_atomic",
            ViolationId::StaleSecondaryRead => "stale_secondary_read",
            ViolationId::SecondaryMapsFreedPage => "secondary_maps_freed_page",
            ViolationId::LostWrite => "lost_write",
            ViolationId::RangeImbalance => "range_imbalance",
            ViolationId::StaleSpte => "stale_spte",
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
            ViolationId::StaleSpte => {
                "once the host pte is visible, a present KVM spte for that address must map the same page (else the guest and the process use different pages)"
            }
        }
    }
}

/// Whether a violation can happen (herd7's `Sometimes` / `Never`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// No interleaving raises it.
    Never,
    /// At least one interleaving raises it.
    Sometimes,
}

impl Outcome {
    /// `never` / `sometimes`.
    pub fn id(self) -> &'static str {
        match self {
            Outcome::Never => "never",
            Outcome::Sometimes => "sometimes",
        }
    }

    /// Parses `never` / `sometimes`.
    pub fn parse(s: &str) -> Option<Outcome> {
        match s {
            "never" => Some(Outcome::Never),
            "sometimes" => Some(Outcome::Sometimes),
            _ => None,
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
    /// A host thread stored to the page through the primary pte.
    UserWrite {
        /// Virtual address.
        addr: u64,
        /// Page written.
        pfn: Pfn,
        /// Value stored.
        value: u32,
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
    Violation(Violation),
    /// Something one notifier user did (serialized as the user's event
    /// alone: `{"kind": "spte_zapped", ...}`).
    #[serde(untagged)]
    User(UserEvent),
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
            Event::UserWrite { addr, pfn, value } => format!(
                "host thread stores {} to {} through its pte: pfn {}",
                hex(u64::from(*value)),
                hex(*addr),
                hex(*pfn)
            ),
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
            Event::User(e) => e.message(),
        }
    }
}
