//! Intel SVM: the notifier callbacks and the device's page-request path.
//!
//! * v4.15 `drivers/iommu/intel-svm.c` (vanilla tree, Makefile 4.15.0):
//!   `intel_flush_svm_range` 203, `intel_change_pte` 219,
//!   `intel_invalidate_range` 228, ops table 278–282, `prq_event_thread`
//!   560.
//! * v6.9 `drivers/iommu/intel/svm.c`: `intel_flush_svm_range` 207,
//!   `intel_arch_invalidate_secondary_tlbs` 240, ops 280–283,
//!   `prq_event_thread` 636; `drivers/iommu/iommu-sva.c`:
//!   `iommu_sva_handle_mm` 194.
//! * v6.10 `drivers/iommu/intel/svm.c`: `intel_arch_invalidate_secondary_tlbs`
//!   137, ops 190–194, `prq_event_thread` 427;
//!   `drivers/iommu/intel/cache.c`: `cache_tag_flush_range` 261;
//!   `drivers/iommu/iommu-sva.c`: `iommu_sva_handle_mm` 194 (same lines
//!   as v6.9).
//!
//! Intel SVM does not exist before v4.4, so the v3.x columns of the era
//! table point at the v4.15 listings only to stay exhaustive: those
//! semantics refuse the user and never call them.

use super::{FuncId, Function, Stmt};
use crate::tag::Tag;
use crate::users::UserOp;
use crate::users::intel_svm::SvmOp;

/// An Intel SVM op as a listing statement's [`super::Op`].
const fn svm(o: SvmOp) -> super::Op {
    super::Op::User(UserOp::IntelSvm(o))
}

const SVM_4_15: &str = "drivers/iommu/intel-svm.c";
const SVM_6: &str = "drivers/iommu/intel/svm.c";
const CACHE_6_10: &str = "drivers/iommu/intel/cache.c";
const SVA_6: &str = "drivers/iommu/iommu-sva.c";

/// v4.15 `intel_change_pte`: a one-page flush with the invalidation hint.
pub static CHANGE_PTE_V4_15: Function = Function {
    id: FuncId::IntelChangePte,
    name: "intel_change_pte",
    file: SVM_4_15,
    tag: Tag::V4_15,
    line: 219,
    base_line: 219,
    body: &[Stmt::new(
        224,
        "intel_flush_svm_range(svm, address, 1, 1, 0);  /* one page, ih = 1: leaf entries only */",
        super::Op::Call(FuncId::IntelFlushSvmRange),
    )],
};

/// v4.15 `intel_invalidate_range`.
pub static INVALIDATE_RANGE_V4_15: Function = Function {
    id: FuncId::IntelInvalidateRange,
    name: "intel_invalidate_range",
    file: SVM_4_15,
    tag: Tag::V4_15,
    line: 228,
    base_line: 228,
    body: &[Stmt::new(
        234,
        "intel_flush_svm_range(svm, start, (end - start + PAGE_SIZE - 1) >> VTD_PAGE_SHIFT, 0, 0);  /* \"Pages have been freed at this point\" (227) */",
        super::Op::Call(FuncId::IntelFlushSvmRange),
    )],
};

/// v4.15 `intel_flush_svm_range`.
pub static FLUSH_SVM_RANGE_V4_15: Function = Function {
    id: FuncId::IntelFlushSvmRange,
    name: "intel_flush_svm_range",
    file: SVM_4_15,
    tag: Tag::V4_15,
    line: 203,
    base_line: 203,
    body: &[Stmt::new(
        214,
        "list_for_each_entry_rcu(sdev, &svm->devs, list) intel_flush_svm_range_dev(svm, sdev, address, pages, ih, gl);  /* 181: qi_submit_sync, PASID-selective IOTLB invalidation; 183-199: device IOTLB (ATS). The deferral at 209-211 needs an idle PASID: this device's is in use */",
        svm(SvmOp::Flush),
    )],
};

/// v6.9 `intel_arch_invalidate_secondary_tlbs`.
pub static ARCH_INVALIDATE_SECONDARY_TLBS_V6_9: Function = Function {
    id: FuncId::IntelArchInvalidateSecondaryTlbs,
    name: "intel_arch_invalidate_secondary_tlbs",
    file: SVM_6,
    tag: Tag::V6_9,
    line: 240,
    base_line: 240,
    body: &[Stmt::new(
        251,
        "intel_flush_svm_range(svm, start, (end - start + PAGE_SIZE - 1) >> VTD_PAGE_SHIFT, 0);  /* one page: not the flush-all of 246 */",
        super::Op::Call(FuncId::IntelFlushSvmRange),
    )],
};

/// v6.9 `intel_flush_svm_range`.
pub static FLUSH_SVM_RANGE_V6_9: Function = Function {
    id: FuncId::IntelFlushSvmRange,
    name: "intel_flush_svm_range",
    file: SVM_6,
    tag: Tag::V6_9,
    line: 207,
    base_line: 207,
    body: &[Stmt::new(
        214,
        "list_for_each_entry_rcu(sdev, &svm->devs, list) intel_flush_svm_range_dev(svm, sdev, address, pages, ih);  /* 181: qi_flush_piotlb; 182-187: qi_flush_dev_iotlb_pasid when ATS is on */",
        svm(SvmOp::Flush),
    )],
};

/// v6.10 `intel_arch_invalidate_secondary_tlbs` (the domain's cache tags).
pub static ARCH_INVALIDATE_SECONDARY_TLBS_V6_10: Function = Function {
    id: FuncId::IntelArchInvalidateSecondaryTlbs,
    name: "intel_arch_invalidate_secondary_tlbs",
    file: SVM_6,
    tag: Tag::V6_10,
    line: 137,
    base_line: 137,
    body: &[Stmt::new(
        153,
        "cache_tag_flush_range(domain, start, end - 1, 0);  /* one page: not the flush-all of 143 */",
        super::Op::Call(FuncId::CacheTagFlushRange),
    )],
};

/// v6.10 `cache_tag_flush_range`.
pub static CACHE_TAG_FLUSH_RANGE_V6_10: Function = Function {
    id: FuncId::CacheTagFlushRange,
    name: "cache_tag_flush_range",
    file: CACHE_6_10,
    tag: Tag::V6_10,
    line: 261,
    base_line: 261,
    body: &[Stmt::new(
        280,
        "qi_flush_piotlb(iommu, tag->domain_id, tag->pasid, addr, pages, ih);  /* first-level (SVA) domain, under domain->cache_lock (270); 316: qi_flush_dev_iotlb_pasid for the device-IOTLB tag */",
        svm(SvmOp::Flush),
    )],
};

const DMA: &str = "not kernel code: the device's DMA to addr with the process's PASID, translated by the IOTLB; on a miss the IOMMU walks mm->pgd itself; a missing or read-only pte sends a page request";

/// The `svm_read` / `svm_write` actor at v4.15: one DMA. Not kernel code;
/// it cites `prq_event_thread`, which handles its page requests.
pub static DMA_V4_15: Function = Function {
    id: FuncId::SvmDma,
    name: "svm_dma",
    file: SVM_4_15,
    tag: Tag::ACTOR_V4_15,
    line: 560,
    base_line: 560,
    body: &[Stmt::new(560, DMA, svm(SvmOp::Dma)).ms("svm-access")],
};

/// The DMA at v6.9.
pub static DMA_V6_9: Function = Function {
    id: FuncId::SvmDma,
    name: "svm_dma",
    file: SVM_6,
    tag: Tag::ACTOR_V6_9,
    line: 636,
    base_line: 636,
    body: &[Stmt::new(636, DMA, svm(SvmOp::Dma)).ms("svm-access")],
};

/// The DMA at v6.10.
pub static DMA_V6_10: Function = Function {
    id: FuncId::SvmDma,
    name: "svm_dma",
    file: SVM_6,
    tag: Tag::ACTOR_V6_10,
    line: 427,
    base_line: 427,
    body: &[Stmt::new(427, DMA, svm(SvmOp::Dma)).ms("svm-access")],
};

/// v4.15 `prq_event_thread`: the page request queue's threaded interrupt
/// handles the fault inline (the model runs it in the device's thread).
pub static PAGE_REQUEST_V4_15: Function = Function {
    id: FuncId::SvmPageRequest,
    name: "prq_event_thread",
    file: SVM_4_15,
    tag: Tag::V4_15,
    line: 560,
    base_line: 560,
    body: &[
        Stmt::new(
            630,
            "ret = handle_mm_fault(vma, address, req->wr_req ? FAULT_FLAG_WRITE : 0);  /* under down_read(&svm->mm->mmap_sem), 622-637 */",
            svm(SvmOp::HandleMmFault),
        ),
        Stmt::new(
            673,
            "qi_submit_sync(&resp, iommu);  /* page group response: the device retries */",
            svm(SvmOp::PageResponse),
        ),
    ],
};

/// v6.9 and v6.10: `prq_event_thread` reports the fault
/// (`intel_svm_prq_report` → `iommu_report_device_fault`), and the iopf
/// workqueue's `iommu_sva_handle_iopf` calls `iommu_sva_handle_mm` (the
/// model runs it in the device's thread).
const SVA_HANDLE_MM: &[Stmt] = &[
    Stmt::new(
        236,
        "ret = handle_mm_fault(vma, prm->addr, fault_flags, NULL);  /* under mmap_read_lock(mm), 209-241 */",
        svm(SvmOp::HandleMmFault),
    ),
    Stmt::new(
        244,
        "return status;  /* iommu_sva_handle_iopf sends it: iopf_group_response(group, status) (265); the device retries */",
        svm(SvmOp::PageResponse),
    ),
];

/// v6.9 `iommu_sva_handle_mm`.
pub static PAGE_REQUEST_V6_9: Function = Function {
    id: FuncId::SvmPageRequest,
    name: "iommu_sva_handle_mm",
    file: SVA_6,
    tag: Tag::V6_9,
    line: 194,
    base_line: 194,
    body: SVA_HANDLE_MM,
};

/// v6.10 `iommu_sva_handle_mm`.
pub static PAGE_REQUEST_V6_10: Function = Function {
    id: FuncId::SvmPageRequest,
    name: "iommu_sva_handle_mm",
    file: SVA_6,
    tag: Tag::V6_10,
    line: 194,
    base_line: 194,
    body: SVA_HANDLE_MM,
};
