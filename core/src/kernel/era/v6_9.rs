//! The v6.9 column of the era table: the listing each function
//! runs under this semantics. Exhaustive: a new [`FuncId`] makes the
//! compiler ask for its listing here.
//!
//! Listings read in T6.9 (ec-jt/linux-6.9.0 @ b12020242247, Makefile 6.9.0).
//! Rows for functions this era never calls name another era's static and
//! say so.

use super::super::*;

/// The listing of `f` at v6.9.
pub(in crate::kernel) const fn column(f: FuncId) -> &'static Function {
    use FuncId::*;
    match f {
        TryToMergeOnePage => &ksm::TRY_TO_MERGE_ONE_PAGE_V6_9,
        WriteProtectPage => &ksm::WRITE_PROTECT_PAGE_V6_9,
        ReplacePage => &ksm::REPLACE_PAGE_V6_9,
        HandlePteFault => &memory::HANDLE_PTE_FAULT_V6_9,
        DoWpPage => &memory::DO_WP_PAGE_V6_9,
        UprobeWriteOpcode => &uprobes::UPROBE_WRITE_OPCODE_V6_9,
        UprobeReplacePage => &uprobes::REPLACE_PAGE_V6_9,
        UserStore => &memory::USER_STORE_V6_9,
        SetPteAtNotify => &mmu_notifier::SET_PTE_AT_NOTIFY_V6_9,
        MnChangePte => &mmu_notifier::CHANGE_PTE_V6_9,
        MnInvalidateRangeStart => &mmu_notifier::RANGE_START_V6_9,
        MnInvalidateRangeEnd => &mmu_notifier::RANGE_END_V6_9,
        MnInvalidatePageIfMissing => &mmu_notifier::INVALIDATE_PAGE_IF_MISSING_PATCHED,
        KvmChangePte => &kvm::CHANGE_PTE_V6_9,
        KvmInvalidatePage => &kvm::INVALIDATE_PAGE_V3_13,
        KvmInvalidateRangeStart => &kvm::RANGE_START_V6_9,
        KvmInvalidateRangeEnd => &kvm::RANGE_END_V6_9,
        // The x86 handler change_pte reaches: kvm_set_spte_gfn.
        KvmSetSpteHva => &kvm::SET_SPTE_GFN_V6_9,
        KvmSetPteRmapp => &kvm::SET_PTE_RMAP_V6_9,
        KvmVcpuRun => &kvm::GUEST_ACCESS_V6_9,
        // The fault path with the TDP MMU off: direct_page_fault.
        TdpPageFault => &kvm::DIRECT_PAGE_FAULT_V6_9,
        GruInvalidateRangeStart => &gru::RANGE_START_V6_9,
        GruInvalidateRangeEnd => &gru::RANGE_END_V6_9,
        GruInvalidatePage => &gru::INVALIDATE_PAGE_V3_13,
        GruInstruction => &gru::INSTRUCTION_V6_9,
        GruUserDropin => &gru::USER_DROPIN_V6_9,
        GruTryDropin => &gru::TRY_DROPIN_V6_9,
        GruVtop => &gru::VTOP_V6_9,
        AmdChangePte => &amd_iommu_v2::CHANGE_PTE_V3_13,
        AmdInvalidatePage => &amd_iommu_v2::INVALIDATE_PAGE_V3_13,
        AmdInvalidateRangeStart => &amd_iommu_v2::RANGE_START_V3_13,
        AmdInvalidateRangeEnd => &amd_iommu_v2::RANGE_END_V3_13,
        GntdevInvlRangeStart => &xen_gntdev::RANGE_START_V3_13,
        GntdevInvlPage => &xen_gntdev::INVL_PAGE_V3_13,
        SleepInvalidatePage => &sleepable::INVALIDATE_PAGE_V3_13,
        SleepInvalidateRangeStart => &sleepable::RANGE_START_V6_9,
        SleepInvalidateRangeEnd => &sleepable::RANGE_END_V6_9,
        WpPageCopy => &memory::WP_PAGE_COPY_V6_9,
        // v4.15's ptep_clear_flush_notify: only a !CONFIG_MMU_NOTIFIER stub by v6.9, never called at this era.
        PtepClearFlushNotify => &mmu_notifier::PTEP_CLEAR_FLUSH_NOTIFY_V4_15,
        PtepClearFlushGeneric => &pgtable_generic::PTEP_CLEAR_FLUSH_V6_9,
        FlushTlbMmRange => &x86_tlb::FLUSH_TLB_MM_RANGE_V6_9,
        // v4.15's invalidate_range walker: never called at this era (replaced by arch_invalidate_secondary_tlbs).
        MnInvalidateRange => &mmu_notifier::INVALIDATE_RANGE_V4_15,
        // v4.15's only_end wrapper: never called at this era.
        MnInvalidateRangeOnlyEnd => &mmu_notifier::RANGE_ONLY_END_V4_15,
        MnArchInvalidateSecondaryTlbs => &mmu_notifier::ARCH_INVALIDATE_SECONDARY_TLBS_V6_9,
        // Only bracket_if_missing calls the scan.
        MnRangeNeeded => &mmu_notifier::RANGE_NEEDED_ALT,
        // AMD IOMMUv2 registers no notifier at this era: never called.
        AmdInvalidateRange => &amd_iommu_v2::INVALIDATE_RANGE_V4_15,
        MnHlistInvalidateRangeStart => &mmu_notifier::HLIST_RANGE_START_V6_9,
        MnHlistInvalidateEnd => &mmu_notifier::HLIST_RANGE_END_V6_9,
        KvmHandleHvaRange => &kvm::HANDLE_HVA_RANGE_V6_9,
        KvmFaultinPfn => &kvm::FAULTIN_PFN_V6_9,
    }
}
