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
        WpPageCopy => &memory::WP_PAGE_COPY_V6_9,
        UprobeWriteOpcode => &uprobes::UPROBE_WRITE_OPCODE_V6_9,
        UprobeReplacePage => &uprobes::REPLACE_PAGE_V6_9,
        UserStore => &memory::USER_STORE_V6_9,
        // v4.15's helper; no caller at this era (the v4.15 column's static replaces this stand-in).
        // TEMPORARY stand-in until the listing lands.
        PtepClearFlushNotify => &mmu_notifier::RANGE_END_V3_13,
        PtepClearFlushGeneric => &pgtable_generic::PTEP_CLEAR_FLUSH_V6_9,
        FlushTlbMmRange => &x86_tlb::FLUSH_TLB_MM_RANGE_V6_9,
        SetPteAtNotify => &mmu_notifier::SET_PTE_AT_NOTIFY_V6_9,
        MnChangePte => &mmu_notifier::CHANGE_PTE_V6_9,
        MnInvalidateRangeStart => &mmu_notifier::RANGE_START_V6_9,
        MnInvalidateRangeEnd => &mmu_notifier::RANGE_END_V6_9,
        // Exists only in the 2014 patch: never called at this era.
        MnInvalidatePageIfMissing => &mmu_notifier::INVALIDATE_PAGE_IF_MISSING_PATCHED,
        // v4.15's walker (removed in v6.6): the v4.15 column's static replaces this stand-in.
        // TEMPORARY stand-in until the listing lands.
        MnInvalidateRange => &mmu_notifier::RANGE_END_V3_13,
        // v4.15 only: the v4.15 column's static replaces this stand-in.
        // TEMPORARY stand-in until the listing lands.
        MnInvalidateRangeOnlyEnd => &mmu_notifier::RANGE_END_V3_13,
        MnArchInvalidateSecondaryTlbs => &mmu_notifier::ARCH_INVALIDATE_SECONDARY_TLBS_V6_9,
        // Only bracket_if_missing calls the scan.
        MnRangeNeeded => &mmu_notifier::RANGE_NEEDED_ALT,
        MnHlistInvalidateRangeStart => &mmu_notifier::HLIST_RANGE_START_V6_9,
        MnHlistInvalidateEnd => &mmu_notifier::HLIST_RANGE_END_V6_9,
        KvmChangePte => &kvm::CHANGE_PTE_V6_9,
        // KVM has no invalidate_page at this tag (ops table kvm_main.c 960-968): never called.
        KvmInvalidatePage => &kvm::INVALIDATE_PAGE_V3_13,
        KvmInvalidateRangeStart => &kvm::RANGE_START_V6_9,
        KvmInvalidateRangeEnd => &kvm::RANGE_END_V6_9,
        // The x86 handler change_pte reaches: kvm_set_spte_gfn.
        KvmSetSpteHva => &kvm::SET_SPTE_GFN_V6_9,
        KvmSetPteRmapp => &kvm::SET_PTE_RMAP_V6_9,
        KvmVcpuRun => &kvm::GUEST_ACCESS_V6_9,
        // The fault path with the TDP MMU off: direct_page_fault.
        TdpPageFault => &kvm::DIRECT_PAGE_FAULT_V6_9,
        KvmHandleHvaRange => &kvm::HANDLE_HVA_RANGE_V6_9,
        KvmFaultinPfn => &kvm::FAULTIN_PFN_V6_9,
        GruInvalidateRangeStart => &gru::RANGE_START_V6_9,
        GruInvalidateRangeEnd => &gru::RANGE_END_V6_9,
        // gru_mmuops (grutlbpurge.c 258) has no invalidate_page at this tag: never called.
        GruInvalidatePage => &gru::INVALIDATE_PAGE_V3_13,
        GruInstruction => &gru::INSTRUCTION_V6_9,
        GruUserDropin => &gru::USER_DROPIN_V6_9,
        GruTryDropin => &gru::TRY_DROPIN_V6_9,
        GruVtop => &gru::VTOP_V6_9,
        // AMD IOMMUv2 does not exist at this tag (refused): never called.
        AmdChangePte => &amd_iommu_v2::CHANGE_PTE_V3_13,
        // AMD IOMMUv2 does not exist at this tag (refused): never called.
        AmdInvalidatePage => &amd_iommu_v2::INVALIDATE_PAGE_V3_13,
        // AMD IOMMUv2 does not exist at this tag (refused): never called.
        AmdInvalidateRangeStart => &amd_iommu_v2::RANGE_START_V3_13,
        // AMD IOMMUv2 does not exist at this tag (refused): never called.
        AmdInvalidateRangeEnd => &amd_iommu_v2::RANGE_END_V3_13,
        // AMD IOMMUv2 (v4.15's invalidate_range): the v4.15 column's static replaces this stand-in.
        // TEMPORARY stand-in until the listing lands.
        AmdInvalidateRange => &mmu_notifier::RANGE_END_V3_13,
        // gntdev is an interval notifier at this tag (refused, see users::xen_gntdev): never called.
        GntdevInvlRangeStart => &xen_gntdev::RANGE_START_V3_13,
        // gntdev is an interval notifier at this tag (refused, see users::xen_gntdev): never called.
        GntdevInvlPage => &xen_gntdev::INVL_PAGE_V3_13,
        // No invalidate_page member exists at this tag: never called.
        SleepInvalidatePage => &sleepable::INVALIDATE_PAGE_V3_13,
        SleepInvalidateRangeStart => &sleepable::RANGE_START_V6_9,
        SleepInvalidateRangeEnd => &sleepable::RANGE_END_V6_9,
    }
}
