//! AMD IOMMUv2 (`drivers/iommu/amd_iommu_v2.c`): PASID IOTLB flushes, and
//! the PASID's GCR3 pointed at an empty page table while a range is being
//! invalidated. Listings: [`crate::kernel::amd_iommu_v2`].

use serde::Serialize;

use super::{Counter, Fold, User, UserEvent, UserInfo};
use crate::event::Event;
use crate::kernel::FuncId;
use crate::machine::{Flow, Frame, Machine, Renaming, ThreadId};
use crate::notifier::Callback;
use crate::pack::{Packer, Reader, Unpacker};
use crate::semantics::Semantics;
use crate::view::Item;

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

/// What AMD IOMMUv2's statements do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum AmdOp {
    /// `__mn_flush_page(mn, address)`.
    FlushPage,
    /// `amd_iommu_domain_set_gcr3(...)`.
    SetGcr3 {
        /// To `empty_page_table` (else back to `mm->pgd`).
        empty: bool,
    },
}

/// What AMD IOMMUv2 reports.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AmdEvent {
    /// One page of the PASID's IOTLB was flushed.
    AmdFlushPage,
    /// GCR3 was swapped (a full PASID flush).
    AmdSetGcr3 {
        /// Now pointing to the empty page table.
        empty: bool,
    },
}

impl User for AmdIommuState {
    type Op = AmdOp;
    type Event = AmdEvent;

    const INFO: UserInfo = UserInfo {
        id: "amd_iommu_v2",
        label: "AMD IOMMUv2",
        short: "AMD",
        describe: "AMD IOMMUv2: PASID IOTLB flushes, GCR3 swapped to an empty table during a range (drivers/iommu/amd_iommu_v2.c:464 iommu_mn)",
    };

    const COUNTERS: &'static [Counter<AmdEvent>] = &[
        Counter {
            key: "page_flushes",
            label: "page flushes",
            fold: Fold::Count(|e| matches!(e, AmdEvent::AmdFlushPage)),
        },
        Counter {
            key: "gcr3_swaps",
            label: "GCR3 swaps",
            fold: Fold::Count(|e| matches!(e, AmdEvent::AmdSetGcr3 { .. })),
        },
    ];

    fn callbacks(sem: Semantics) -> Option<&'static [(Callback, FuncId)]> {
        // v4.15 (amd_iommu_v2.c:429-433): `invalidate_range` only; the driver
        // registers no notifier in v6.9 and v6.10.
        const V3: &[(Callback, FuncId)] = &[
            (Callback::ChangePte, FuncId::AmdChangePte),
            (Callback::InvalidatePage, FuncId::AmdInvalidatePage),
            (Callback::InvalidateRangeStart, FuncId::AmdInvalidateRangeStart),
            (Callback::InvalidateRangeEnd, FuncId::AmdInvalidateRangeEnd),
        ];
        const V415: &[(Callback, FuncId)] = &[(Callback::InvalidateRange, FuncId::AmdInvalidateRange)];
        match sem {
            Semantics::Original
            | Semantics::Wrapped
            | Semantics::Patched
            | Semantics::BracketIfMissing
            | Semantics::EventAware => Some(V3),
            Semantics::V4_15 => Some(V415),
            Semantics::V6_9 => None,
            Semantics::V6_10 => None,
        }
    }

    fn new() -> AmdIommuState {
        AmdIommuState { gcr3: Gcr3::MmPgd }
    }

    fn exec(m: &mut Machine, _t: ThreadId, fr: Frame, op: AmdOp, ev: &mut Vec<Event>) -> Flow {
        match op {
            AmdOp::FlushPage => ev.push(Event::User(UserEvent::AmdIommuV2(AmdEvent::AmdFlushPage))),
            AmdOp::SetGcr3 { empty } => {
                if let Some(a) = m.user_mut::<AmdIommuState>(fr.notifier) {
                    a.gcr3 = if empty { Gcr3::EmptyPageTable } else { Gcr3::MmPgd };
                }
                ev.push(Event::User(UserEvent::AmdIommuV2(AmdEvent::AmdSetGcr3 { empty })));
            }
        }
        Flow::Next
    }

    fn block(_m: &Machine, _t: ThreadId, _fr: Frame, _op: AmdOp) -> Option<&'static str> {
        None
    }

    fn is_local(op: AmdOp) -> bool {
        match op {
            // An event only: the IOMMU keeps no TLB state in the model.
            AmdOp::FlushPage => true,
            AmdOp::SetGcr3 { .. } => false,
        }
    }

    fn message(e: &AmdEvent) -> String {
        match e {
            AmdEvent::AmdFlushPage => "AMD IOMMUv2: one-page PASID IOTLB flush".into(),
            AmdEvent::AmdSetGcr3 { empty } => format!(
                "AMD IOMMUv2: GCR3 -> {} (full PASID flush)",
                if *empty { "empty_page_table" } else { "mm->pgd" }
            ),
        }
    }

    fn section(&self, _m: &Machine, out: &mut Vec<Item>) {
        let gcr3 = match self.gcr3 {
            Gcr3::MmPgd => "mm->pgd",
            Gcr3::EmptyPageTable => "empty_page_table",
        };
        out.push(Item::new("amd_iommu_v2", "gcr3".into(), gcr3.into()));
    }

    fn encode(&self, _p: &mut impl Packer, out: &mut Vec<u64>) {
        out.push(match self.gcr3 {
            Gcr3::MmPgd => 0,
            Gcr3::EmptyPageTable => 1,
        });
    }

    fn decode(&mut self, _u: &impl Unpacker, r: &mut Reader) {
        self.gcr3 = if r.next() == 0 { Gcr3::MmPgd } else { Gcr3::EmptyPageTable };
    }

    /// Its state names no thread and no page.
    fn rename(&mut self, _r: &Renaming) {}
}
