//! The v6.9 column of the era table: the listing each function
//! runs under this semantics. Exhaustive: a new [`FuncId`] makes the
//! compiler ask for its listing here.
//!
//! TEMPORARY: every row is still the v3.13 listing, a stand-in until
//! this era's listings land; nothing may ship with this column as is.

use super::super::*;

/// The listing of `f` at v6.9.
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
        MnInvalidateRangeStart => &mmu_notifier::RANGE_START_V3_13,
        MnInvalidateRangeEnd => &mmu_notifier::RANGE_END_V3_13,
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
        SleepInvalidatePage => &sleepable::INVALIDATE_PAGE_V3_13,
        SleepInvalidateRangeStart => &sleepable::RANGE_START_V3_13,
        SleepInvalidateRangeEnd => &sleepable::RANGE_END_V3_13,
        // TEMPORARY stand-in until the listing lands.
        WpPageCopy => &mmu_notifier::RANGE_END_V3_13,
        // TEMPORARY stand-in until the listing lands.
        PtepClearFlushNotify => &mmu_notifier::RANGE_END_V3_13,
        // TEMPORARY stand-in until the listing lands.
        PtepClearFlushGeneric => &mmu_notifier::RANGE_END_V3_13,
        // TEMPORARY stand-in until the listing lands.
        FlushTlbMmRange => &mmu_notifier::RANGE_END_V3_13,
        // TEMPORARY stand-in until the listing lands.
        MnInvalidateRange => &mmu_notifier::RANGE_END_V3_13,
        // TEMPORARY stand-in until the listing lands.
        MnInvalidateRangeOnlyEnd => &mmu_notifier::RANGE_END_V3_13,
        // TEMPORARY stand-in until the listing lands.
        MnArchInvalidateSecondaryTlbs => &mmu_notifier::RANGE_END_V3_13,
        // Only bracket_if_missing calls the scan.
        MnRangeNeeded => &mmu_notifier::RANGE_NEEDED_ALT,
        // TEMPORARY stand-in until the listing lands.
        AmdInvalidateRange => &mmu_notifier::RANGE_END_V3_13,
        // Intel SVM (intel/svm.c:280-283): arch_invalidate_secondary_tlbs only.
        // never called: absent at this tag.
        IntelChangePte => &intel_svm::CHANGE_PTE_V4_15,
        // never called: absent at this tag.
        IntelInvalidateRange => &intel_svm::INVALIDATE_RANGE_V4_15,
        IntelArchInvalidateSecondaryTlbs => &intel_svm::ARCH_INVALIDATE_SECONDARY_TLBS_V6_9,
        IntelFlushSvmRange => &intel_svm::FLUSH_SVM_RANGE_V6_9,
        // never called: absent at this tag (v6.10's cache tags).
        CacheTagFlushRange => &intel_svm::CACHE_TAG_FLUSH_RANGE_V6_10,
        SvmDma => &intel_svm::DMA_V6_9,
        SvmPageRequest => &intel_svm::PAGE_REQUEST_V6_9,
    }
}
