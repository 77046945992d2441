//! The v6.10 column of the era table: the listing each function
//! runs under this semantics. Exhaustive: a new [`FuncId`] makes the
//! compiler ask for its listing here.
//!
//! Listings read in T6.10 (msgeden/cryptocap-arm64-linux-6.10 @ 449e07155be2, first commit, Makefile 6.10.0).
//! Rows for functions this era never calls name another era's static and
//! say so.

use super::super::*;

/// The listing of `f` at v6.10.
pub(in crate::kernel) const fn column(f: FuncId) -> &'static Function {
    use FuncId::*;
    match f {
        TryToMergeOnePage => &ksm::TRY_TO_MERGE_ONE_PAGE_V6_10,
        WriteProtectPage => &ksm::WRITE_PROTECT_PAGE_V6_10,
        ReplacePage => &ksm::REPLACE_PAGE_V6_10,
        HandlePteFault => &memory::HANDLE_PTE_FAULT_V6_10,
        DoWpPage => &memory::DO_WP_PAGE_V6_10,
        UprobeWriteOpcode => &uprobes::UPROBE_WRITE_OPCODE_V6_10,
        UprobeReplacePage => &uprobes::REPLACE_PAGE_V6_10,
        UserStore => &memory::USER_STORE_V6_10,
        // removed in v6.10 (f7842747d13d and the series before it): never called at this era.
        SetPteAtNotify => &mmu_notifier::SET_PTE_AT_NOTIFY_V6_9,
        // removed in v6.10 (f7842747d13d and the series before it): never called at this era.
        MnChangePte => &mmu_notifier::CHANGE_PTE_V6_9,
        MnInvalidateRangeStart => &mmu_notifier::RANGE_START_V6_10,
        MnInvalidateRangeEnd => &mmu_notifier::RANGE_END_V6_10,
        MnInvalidatePageIfMissing => &mmu_notifier::INVALIDATE_PAGE_IF_MISSING_PATCHED,
        // removed in v6.10 (f7842747d13d and the series before it): never called at this era.
        KvmChangePte => &kvm::CHANGE_PTE_V6_9,
        KvmInvalidatePage => &kvm::INVALIDATE_PAGE_V3_13,
        KvmInvalidateRangeStart => &kvm::RANGE_START_V6_10,
        KvmInvalidateRangeEnd => &kvm::RANGE_END_V6_10,
        // removed in v6.10 (f7842747d13d and the series before it): never called at this era.
        KvmSetSpteHva => &kvm::SET_SPTE_GFN_V6_9,
        // removed in v6.10 (f7842747d13d and the series before it): never called at this era.
        KvmSetPteRmapp => &kvm::SET_PTE_RMAP_V6_9,
        KvmVcpuRun => &kvm::GUEST_ACCESS_V6_10,
        // The fault path with the TDP MMU off: direct_page_fault.
        TdpPageFault => &kvm::DIRECT_PAGE_FAULT_V6_10,
        GruInvalidateRangeStart => &gru::RANGE_START_V6_10,
        GruInvalidateRangeEnd => &gru::RANGE_END_V6_10,
        GruInvalidatePage => &gru::INVALIDATE_PAGE_V3_13,
        GruInstruction => &gru::INSTRUCTION_V6_10,
        GruUserDropin => &gru::USER_DROPIN_V6_10,
        GruTryDropin => &gru::TRY_DROPIN_V6_10,
        GruVtop => &gru::VTOP_V6_10,
        AmdChangePte => &amd_iommu_v2::CHANGE_PTE_V3_13,
        AmdInvalidatePage => &amd_iommu_v2::INVALIDATE_PAGE_V3_13,
        AmdInvalidateRangeStart => &amd_iommu_v2::RANGE_START_V3_13,
        AmdInvalidateRangeEnd => &amd_iommu_v2::RANGE_END_V3_13,
        GntdevInvlRangeStart => &xen_gntdev::RANGE_START_V3_13,
        GntdevInvlPage => &xen_gntdev::INVL_PAGE_V3_13,
        SleepInvalidatePage => &sleepable::INVALIDATE_PAGE_V3_13,
        SleepInvalidateRangeStart => &sleepable::RANGE_START_V6_10,
        SleepInvalidateRangeEnd => &sleepable::RANGE_END_V6_10,
        WpPageCopy => &memory::WP_PAGE_COPY_V6_10,
        // v4.15's ptep_clear_flush_notify: only a !CONFIG_MMU_NOTIFIER stub by v6.9, never called at this era.
        PtepClearFlushNotify => &mmu_notifier::PTEP_CLEAR_FLUSH_NOTIFY_V4_15,
        PtepClearFlushGeneric => &pgtable_generic::PTEP_CLEAR_FLUSH_V6_10,
        FlushTlbMmRange => &x86_tlb::FLUSH_TLB_MM_RANGE_V6_10,
        // v4.15's invalidate_range walker: never called at this era (replaced by arch_invalidate_secondary_tlbs).
        MnInvalidateRange => &mmu_notifier::INVALIDATE_RANGE_V4_15,
        // v4.15's only_end wrapper: never called at this era.
        MnInvalidateRangeOnlyEnd => &mmu_notifier::RANGE_ONLY_END_V4_15,
        MnArchInvalidateSecondaryTlbs => &mmu_notifier::ARCH_INVALIDATE_SECONDARY_TLBS_V6_10,
        // Only bracket_if_missing calls the scan.
        MnRangeNeeded => &mmu_notifier::RANGE_NEEDED_ALT,
        // AMD IOMMUv2 registers no notifier at this era: never called.
        AmdInvalidateRange => &amd_iommu_v2::INVALIDATE_RANGE_V4_15,
        MnHlistInvalidateRangeStart => &mmu_notifier::HLIST_RANGE_START_V6_10,
        MnHlistInvalidateEnd => &mmu_notifier::HLIST_RANGE_END_V6_10,
        KvmHandleHvaRange => &kvm::HANDLE_HVA_RANGE_V6_10,
        KvmFaultinPfn => &kvm::FAULTIN_PFN_V6_10,
    }
}
