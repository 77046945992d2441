//! The v3.13 column of the era table: the listing each function
//! runs under this semantics. Exhaustive: a new [`FuncId`] makes the
//! compiler ask for its listing here.

use super::super::*;

/// The listing of `f` at v3.13.
pub(in crate::kernel) const fn column(f: FuncId) -> &'static Function {
    use FuncId::*;
    match f {
        TryToMergeOnePage => &ksm::TRY_TO_MERGE_ONE_PAGE_V3_13,
        WriteProtectPage => &ksm::WRITE_PROTECT_PAGE_V3_13,
        ReplacePage => &ksm::REPLACE_PAGE_V3_13,
        HandlePteFault => &memory::HANDLE_PTE_FAULT_V3_13,
        DoWpPage => &memory::DO_WP_PAGE_V3_13,
        UprobeWriteOpcode => &uprobes::UPROBE_WRITE_OPCODE_V3_13,
        UprobeReplacePage => &uprobes::REPLACE_PAGE_V3_13,
        UserStore => &memory::USER_STORE_V3_13,
        SetPteAtNotify => &mmu_notifier::SET_PTE_AT_NOTIFY_V3_13,
        MnChangePte => &mmu_notifier::CHANGE_PTE_V3_13,
        // Only bracketed paths call the range bracket; every era shows the v3.13 listing.
        MnInvalidateRangeStart => &mmu_notifier::RANGE_START_V3_13,
        MnInvalidateRangeEnd => &mmu_notifier::RANGE_END_V3_13,
        // Exists only in the 2014 patch; the other eras never call it.
        MnInvalidatePageIfMissing => &mmu_notifier::INVALIDATE_PAGE_IF_MISSING_PATCHED,
        KvmChangePte => &kvm::CHANGE_PTE_V3_13,
        KvmInvalidatePage => &kvm::INVALIDATE_PAGE_V3_13,
        KvmInvalidateRangeStart => &kvm::RANGE_START_V3_13,
        KvmInvalidateRangeEnd => &kvm::RANGE_END_V3_13,
        KvmSetSpteHva => &kvm::SET_SPTE_HVA_V3_13,
        KvmSetPteRmapp => &kvm::SET_PTE_RMAPP_V3_13,
        KvmVcpuRun => &kvm::GUEST_ACCESS_V3_13,
        TdpPageFault => &kvm::TDP_PAGE_FAULT_V3_13,
        GruInvalidateRangeStart => &gru::RANGE_START,
        GruInvalidateRangeEnd => &gru::RANGE_END,
        GruInvalidatePage => &gru::INVALIDATE_PAGE_V3_13,
        GruInstruction => &gru::INSTRUCTION_V3_13,
        GruUserDropin => &gru::USER_DROPIN_V3_13,
        GruTryDropin => &gru::TRY_DROPIN_V3_13,
        GruVtop => &gru::VTOP_V3_13,
        AmdChangePte => &amd_iommu_v2::CHANGE_PTE_V3_13,
        AmdInvalidatePage => &amd_iommu_v2::INVALIDATE_PAGE_V3_13,
        AmdInvalidateRangeStart => &amd_iommu_v2::RANGE_START_V3_13,
        AmdInvalidateRangeEnd => &amd_iommu_v2::RANGE_END_V3_13,
        GntdevInvlRangeStart => &xen_gntdev::RANGE_START_V3_13,
        GntdevInvlPage => &xen_gntdev::INVL_PAGE_V3_13,
        // Not kernel code: cites the ops member it implements, per era (the
        // patched era keeps v3.13's header lines, like every unpatched function).
        SleepInvalidatePage => &sleepable::INVALIDATE_PAGE_V3_13,
        SleepInvalidateRangeStart => &sleepable::RANGE_START_V3_13,
        SleepInvalidateRangeEnd => &sleepable::RANGE_END_V3_13,
        // v4.15's copy half of do_wp_page: never called at this era (do_wp_page copies inline).
        WpPageCopy => &memory::WP_PAGE_COPY_V4_15,
        // v4.15's helper (ptep_clear_flush_notify): never called at this era.
        PtepClearFlushNotify => &mmu_notifier::PTEP_CLEAR_FLUSH_NOTIFY_V4_15,
        // v6.9+ only: never called at this era.
        PtepClearFlushGeneric => &pgtable_generic::PTEP_CLEAR_FLUSH_V6_9,
        // v6.9+ only: never called at this era.
        FlushTlbMmRange => &x86_tlb::FLUSH_TLB_MM_RANGE_V6_9,
        // v4.15's invalidate_range walker: never called at this era (no invalidate_range callback).
        MnInvalidateRange => &mmu_notifier::INVALIDATE_RANGE_V4_15,
        // v4.15's only_end wrapper: never called at this era.
        MnInvalidateRangeOnlyEnd => &mmu_notifier::RANGE_ONLY_END_V4_15,
        // v6.9+ only: never called at this era.
        MnArchInvalidateSecondaryTlbs => &mmu_notifier::ARCH_INVALIDATE_SECONDARY_TLBS_V6_9,
        // Only bracket_if_missing calls the scan.
        MnRangeNeeded => &mmu_notifier::RANGE_NEEDED_ALT,
        // AMD IOMMUv2's v4.15 invalidate_range: not in this era's ops table, never called.
        AmdInvalidateRange => &amd_iommu_v2::INVALIDATE_RANGE_V4_15,
        // v6.9+ only: never called at this era.
        MnHlistInvalidateRangeStart => &mmu_notifier::HLIST_RANGE_START_V6_9,
        // v6.9+ only: never called at this era.
        MnHlistInvalidateEnd => &mmu_notifier::HLIST_RANGE_END_V6_9,
        // v6.9+ only: never called at this era.
        KvmHandleHvaRange => &kvm::HANDLE_HVA_RANGE_V6_9,
        // v6.9+ only: never called at this era.
        KvmFaultinPfn => &kvm::FAULTIN_PFN_V6_9,
    }
}
