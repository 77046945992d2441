//! AMD IOMMUv2 callbacks (drivers/iommu/amd_iommu_v2.c, byte-identical at
//! v3.6 and v3.13; function lines from kernel-facts §10).

use super::{FuncId, Function, Stmt};
use crate::users::UserOp;
use crate::users::amd_iommu_v2::AmdOp;

/// A AmdIommuV2 op as a listing statement's [`super::Op`].
const fn amd(o: AmdOp) -> super::Op {
    super::Op::User(UserOp::AmdIommuV2(o))
}
use crate::tag::Tag;

const F: &str = "drivers/iommu/amd_iommu_v2.c";

macro_rules! amd_fn {
    ($name:ident, $id:ident, $kname:literal, $tag:ident, $line:literal, [$($body:expr),* $(,)?]) => {
        #[doc = concat!("`", $kname, "` at `Tag::", stringify!($tag), "`.")]
        pub static $name: Function = Function {
            id: FuncId::$id,
            name: $kname,
            file: F,
            tag: Tag::$tag,
            line: $line,
            base_line: $line,
            body: &[$($body),*],
        };
    };
}

amd_fn!(
    CHANGE_PTE_V3_6,
    AmdChangePte,
    "mn_change_pte",
    V3_6,
    421,
    [Stmt::new(426, "__mn_flush_page(mn, address);  /* one-page PASID IOTLB flush */", amd(AmdOp::FlushPage)),]
);
amd_fn!(
    CHANGE_PTE_V3_13,
    AmdChangePte,
    "mn_change_pte",
    V3_13,
    421,
    [Stmt::new(426, "__mn_flush_page(mn, address);  /* one-page PASID IOTLB flush */", amd(AmdOp::FlushPage)),]
);
amd_fn!(
    INVALIDATE_PAGE_V3_6,
    AmdInvalidatePage,
    "mn_invalidate_page",
    V3_6,
    429,
    [Stmt::new(433, "__mn_flush_page(mn, address);", amd(AmdOp::FlushPage)),]
);
amd_fn!(
    INVALIDATE_PAGE_V3_13,
    AmdInvalidatePage,
    "mn_invalidate_page",
    V3_13,
    429,
    [Stmt::new(433, "__mn_flush_page(mn, address);", amd(AmdOp::FlushPage)),]
);
amd_fn!(
    RANGE_START_V3_13,
    AmdInvalidateRangeStart,
    "mn_invalidate_range_start",
    V3_13,
    436,
    [Stmt::new(
        446,
        "amd_iommu_domain_set_gcr3(dev_state->domain, pasid_state->pasid, __pa(empty_page_table));",
        amd(AmdOp::SetGcr3 { empty: true }),
    ),]
);
amd_fn!(
    RANGE_END_V3_13,
    AmdInvalidateRangeEnd,
    "mn_invalidate_range_end",
    V3_13,
    450,
    [Stmt::new(
        460,
        "amd_iommu_domain_set_gcr3(dev_state->domain, pasid_state->pasid, __pa(pasid_state->mm->pgd));",
        amd(AmdOp::SetGcr3 { empty: false }),
    ),]
);

// --- v4.15 ---
//
// Lines read in vanilla v4.15 (sndrzt/linux-4.15@6ea06264896d, Makefile
// 4.15.0; drivers/iommu/amd_iommu_v2.c blob 7d94e1d39e5e). The ops table
// `iommu_mn` (429-433) has release, clear_flush_young and
// invalidate_range: no change_pte, no range callbacks, no GCR3 swap.

amd_fn!(
    INVALIDATE_RANGE_V4_15,
    AmdInvalidateRange,
    "mn_invalidate_range",
    V4_15,
    394,
    [Stmt::new(
        404,
        "if ((start ^ (end - 1)) < PAGE_SIZE) amd_iommu_flush_page(dev_state->domain, pasid_state->pasid, start);  /* one page; else amd_iommu_flush_tlb, 408 */",
        amd(AmdOp::FlushPage),
    ),]
);
