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
        // v4.15's ptep_clear_flush_notify: only a !CONFIG_MMU_NOTIFIER stub by v6.9, never called at this era.
        PtepClearFlushNotify => &mmu_notifier::PTEP_CLEAR_FLUSH_NOTIFY_V4_15,
        // TEMPORARY stand-in until the listing lands.
        PtepClearFlushGeneric => &mmu_notifier::RANGE_END_V3_13,
        // TEMPORARY stand-in until the listing lands.
        FlushTlbMmRange => &mmu_notifier::RANGE_END_V3_13,
        // v4.15's invalidate_range walker: never called at this era (replaced by arch_invalidate_secondary_tlbs).
        MnInvalidateRange => &mmu_notifier::INVALIDATE_RANGE_V4_15,
        // v4.15's only_end wrapper: never called at this era.
        MnInvalidateRangeOnlyEnd => &mmu_notifier::RANGE_ONLY_END_V4_15,
        // TEMPORARY stand-in until the listing lands.
        MnArchInvalidateSecondaryTlbs => &mmu_notifier::RANGE_END_V3_13,
        // Only bracket_if_missing calls the scan.
        MnRangeNeeded => &mmu_notifier::RANGE_NEEDED_ALT,
        // AMD IOMMUv2 registers no notifier at this era: never called.
        AmdInvalidateRange => &amd_iommu_v2::INVALIDATE_RANGE_V4_15,
    }
}
