//! The v4.15 column of the era table: the listing each function
//! runs under this semantics. Exhaustive: a new [`FuncId`] makes the
//! compiler ask for its listing here.
//!
//! Every v4.15 listing's lines were read in vanilla v4.15
//! (`sndrzt/linux-4.15@6ea06264896de7013fffaa7a04379aea73941923`, Makefile
//! 4.15.0), not in that repository's Ubuntu 4.15.18 head. Functions v4.15
//! does not have (or never reaches from the modelled paths) point at
//! another era's listing and say so.

use super::super::*;

/// The listing of `f` at v4.15.
pub(in crate::kernel) const fn column(f: FuncId) -> &'static Function {
    use FuncId::*;
    match f {
        TryToMergeOnePage => &ksm::TRY_TO_MERGE_ONE_PAGE_V4_15,
        WriteProtectPage => &ksm::WRITE_PROTECT_PAGE_V4_15,
        ReplacePage => &ksm::REPLACE_PAGE_V4_15,
        HandlePteFault => &memory::HANDLE_PTE_FAULT_V4_15,
        DoWpPage => &memory::DO_WP_PAGE_V4_15,
        WpPageCopy => &memory::WP_PAGE_COPY_V4_15,
        UprobeWriteOpcode => &uprobes::UPROBE_WRITE_OPCODE_V4_15,
        UprobeReplacePage => &uprobes::REPLACE_PAGE_V4_15,
        UserStore => &memory::USER_STORE_V4_15,
        PtepClearFlushNotify => &mmu_notifier::PTEP_CLEAR_FLUSH_NOTIFY_V4_15,
        // v6.9's helpers: never called at v4.15 (its ptep_clear_flush calls
        // no notifier on x86, mm/pgtable-generic.c 80-89).
        PtepClearFlushGeneric => era::v6_9::column(PtepClearFlushGeneric),
        FlushTlbMmRange => era::v6_9::column(FlushTlbMmRange),
        SetPteAtNotify => &mmu_notifier::SET_PTE_AT_NOTIFY_V4_15,
        MnChangePte => &mmu_notifier::CHANGE_PTE_V4_15,
        MnInvalidateRangeStart => &mmu_notifier::RANGE_START_V4_15,
        MnInvalidateRangeEnd => &mmu_notifier::RANGE_END_V4_15,
        // The 2014 patch's walker: never called at v4.15.
        MnInvalidatePageIfMissing => &mmu_notifier::INVALIDATE_PAGE_IF_MISSING_PATCHED,
        MnInvalidateRange => &mmu_notifier::INVALIDATE_RANGE_V4_15,
        MnInvalidateRangeOnlyEnd => &mmu_notifier::RANGE_ONLY_END_V4_15,
        // v6.9's walker: never called at v4.15.
        MnArchInvalidateSecondaryTlbs => era::v6_9::column(MnArchInvalidateSecondaryTlbs),
        // Only bracket_if_missing calls the scan; never called at v4.15.
        MnRangeNeeded => &mmu_notifier::RANGE_NEEDED_ALT,
        KvmChangePte => &kvm::CHANGE_PTE_V4_15,
        // No invalidate_page in v4.15's ops table (kvm_main.c 478-486):
        // never called at v4.15.
        KvmInvalidatePage => &kvm::INVALIDATE_PAGE_V3_13,
        KvmInvalidateRangeStart => &kvm::RANGE_START_V4_15,
        KvmInvalidateRangeEnd => &kvm::RANGE_END_V4_15,
        KvmSetSpteHva => &kvm::SET_SPTE_HVA_V4_15,
        KvmSetPteRmapp => &kvm::SET_PTE_RMAPP_V4_15,
        KvmVcpuRun => &kvm::GUEST_ACCESS_V4_15,
        TdpPageFault => &kvm::TDP_PAGE_FAULT_V4_15,
        GruInvalidateRangeStart => &gru::RANGE_START_V4_15,
        GruInvalidateRangeEnd => &gru::RANGE_END_V4_15,
        // No invalidate_page in v4.15's gru_mmuops (grutlbpurge.c 260-264):
        // never called at v4.15.
        GruInvalidatePage => &gru::INVALIDATE_PAGE_V3_13,
        GruInstruction => &gru::INSTRUCTION_V4_15,
        GruUserDropin => &gru::USER_DROPIN_V4_15,
        GruTryDropin => &gru::TRY_DROPIN_V4_15,
        GruVtop => &gru::VTOP_V4_15,
        // AMD IOMMUv2's v4.15 ops table (amd_iommu_v2.c 429-433) has only
        // invalidate_range: these are never called at v4.15.
        AmdChangePte => &amd_iommu_v2::CHANGE_PTE_V3_13,
        AmdInvalidatePage => &amd_iommu_v2::INVALIDATE_PAGE_V3_13,
        AmdInvalidateRangeStart => &amd_iommu_v2::RANGE_START_V3_13,
        AmdInvalidateRangeEnd => &amd_iommu_v2::RANGE_END_V3_13,
        GntdevInvlRangeStart => &xen_gntdev::RANGE_START_V4_15,
        // No invalidate_page in v4.15's gntdev_mmu_ops (gntdev.c 514-517):
        // never called at v4.15.
        GntdevInvlPage => &xen_gntdev::INVL_PAGE_V3_13,
        // The hypothetical driver has no invalidate_page to implement at
        // v4.15 (the member went in v4.13): never called at v4.15.
        SleepInvalidatePage => &sleepable::INVALIDATE_PAGE_V3_13,
        SleepInvalidateRangeStart => &sleepable::RANGE_START_V4_15,
        SleepInvalidateRangeEnd => &sleepable::RANGE_END_V4_15,
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
