//! KVM: the mmu_notifier callbacks (virt/kvm/kvm_main.c), the x86 rmap
//! handlers (arch/x86/kvm/mmu.c) and the vCPU fault path (`tdp_page_fault`).
//!
//! Lines: function starts and the anchors 326, 327, 350, 351, 357, 360,
//! 3395, 3396, 3404, 3405, 3410, 3416–3419 from kernel-facts §4.1, §5.1, §10.
//! v3.6 bodies were counted line by line in a near-vanilla 3.6 copy whose
//! anchors all match; v3.13 bodies are the same text placed from the v3.13
//! anchors (every inner anchor lines up), since no vanilla v3.13 copy of
//! kvm_main.c / mmu.c was readable.

use super::FuncId::*;
use super::Op::*;
use super::{FuncId, Function, Stmt};
use crate::notifier::Callback;
use crate::users::UserOp;
use crate::users::kvm::KvmOp;

/// A Kvm op as a listing statement's [`super::Op`].
const fn kvm(o: KvmOp) -> super::Op {
    super::Op::User(UserOp::Kvm(o))
}
use crate::tag::Tag;

const K: &str = "virt/kvm/kvm_main.c";
const M: &str = "arch/x86/kvm/mmu.c";

/// v3.6 `kvm_mmu_notifier_change_pte`.
pub static CHANGE_PTE_V3_6: Function = Function {
    id: FuncId::KvmChangePte,
    name: "kvm_mmu_notifier_change_pte",
    file: K,
    tag: Tag::V3_6,
    line: 303,
    base_line: 303,
    body: &[
        Stmt::new(311, "idx = srcu_read_lock(&kvm->srcu);", Nop),
        Stmt::new(312, "spin_lock(&kvm->mmu_lock);", kvm(KvmOp::Lock)),
        Stmt::new(313, "kvm->mmu_notifier_seq++;", kvm(KvmOp::SeqInc)),
        Stmt::new(314, "kvm_set_spte_hva(kvm, address, pte);", Call(KvmSetSpteHva)),
        Stmt::new(315, "spin_unlock(&kvm->mmu_lock);", kvm(KvmOp::Unlock)),
        Stmt::new(316, "srcu_read_unlock(&kvm->srcu, idx);", Nop),
    ],
};

/// v3.13 `kvm_mmu_notifier_change_pte`: does not look at
/// `mmu_notifier_count`, so inside a range it finds the spte already gone.
pub static CHANGE_PTE_V3_13: Function = Function {
    id: FuncId::KvmChangePte,
    name: "kvm_mmu_notifier_change_pte",
    file: K,
    tag: Tag::V3_13,
    line: 295,
    base_line: 295,
    body: &[
        Stmt::new(303, "idx = srcu_read_lock(&kvm->srcu);", Nop),
        Stmt::new(304, "spin_lock(&kvm->mmu_lock);", kvm(KvmOp::Lock)),
        Stmt::new(305, "kvm->mmu_notifier_seq++;", kvm(KvmOp::SeqInc)),
        Stmt::new(306, "kvm_set_spte_hva(kvm, address, pte);", Call(KvmSetSpteHva)),
        Stmt::new(307, "spin_unlock(&kvm->mmu_lock);", kvm(KvmOp::Unlock)),
        Stmt::new(308, "srcu_read_unlock(&kvm->srcu, idx);", Nop),
    ],
};

/// v3.6 `kvm_mmu_notifier_invalidate_page` (KVM has change_pte, so the three
/// paths never send it this; listed for completeness).
pub static INVALIDATE_PAGE_V3_6: Function = Function {
    id: FuncId::KvmInvalidatePage,
    name: "kvm_mmu_notifier_invalidate_page",
    file: K,
    tag: Tag::V3_6,
    line: 265,
    base_line: 265,
    body: &[
        Stmt::new(291, "spin_lock(&kvm->mmu_lock);", kvm(KvmOp::Lock)),
        Stmt::new(293, "kvm->mmu_notifier_seq++;", kvm(KvmOp::SeqInc)),
        Stmt::new(
            294,
            "need_tlb_flush = kvm_unmap_hva(kvm, address) | kvm->tlbs_dirty;",
            kvm(KvmOp::UnmapHva(Callback::InvalidatePage)),
        ),
        Stmt::new(296, "if (need_tlb_flush) kvm_flush_remote_tlbs(kvm);", kvm(KvmOp::FlushIfNeeded)),
        Stmt::new(299, "spin_unlock(&kvm->mmu_lock);", kvm(KvmOp::Unlock)),
    ],
};

/// v3.13 `kvm_mmu_notifier_invalidate_page`.
pub static INVALIDATE_PAGE_V3_13: Function = Function {
    id: FuncId::KvmInvalidatePage,
    name: "kvm_mmu_notifier_invalidate_page",
    file: K,
    tag: Tag::V3_13,
    line: 257,
    base_line: 257,
    body: &[
        Stmt::new(283, "spin_lock(&kvm->mmu_lock);", kvm(KvmOp::Lock)),
        Stmt::new(285, "kvm->mmu_notifier_seq++;", kvm(KvmOp::SeqInc)),
        Stmt::new(
            286,
            "need_tlb_flush = kvm_unmap_hva(kvm, address) | kvm->tlbs_dirty;",
            kvm(KvmOp::UnmapHva(Callback::InvalidatePage)),
        ),
        Stmt::new(288, "if (need_tlb_flush) kvm_flush_remote_tlbs(kvm);", kvm(KvmOp::FlushIfNeeded)),
        Stmt::new(291, "spin_unlock(&kvm->mmu_lock);", kvm(KvmOp::Unlock)),
    ],
};

/// v3.13 `kvm_mmu_notifier_invalidate_range_start`: count++, drop sptes.
pub static RANGE_START_V3_13: Function = Function {
    id: FuncId::KvmInvalidateRangeStart,
    name: "kvm_mmu_notifier_invalidate_range_start",
    file: K,
    tag: Tag::V3_13,
    line: 311,
    base_line: 311,
    body: &[
        Stmt::new(319, "idx = srcu_read_lock(&kvm->srcu);", Nop),
        Stmt::new(320, "spin_lock(&kvm->mmu_lock);", kvm(KvmOp::Lock)),
        Stmt::new(
            326,
            "kvm->mmu_notifier_count++;  /* no spte may be established until range_end */",
            kvm(KvmOp::CountInc),
        ),
        Stmt::new(
            327,
            "need_tlb_flush = kvm_unmap_hva_range(kvm, start, end);",
            kvm(KvmOp::UnmapHva(Callback::InvalidateRangeStart)),
        ),
        Stmt::new(330, "if (need_tlb_flush) kvm_flush_remote_tlbs(kvm);", kvm(KvmOp::FlushIfNeeded)),
        Stmt::new(333, "spin_unlock(&kvm->mmu_lock);", kvm(KvmOp::Unlock)),
        Stmt::new(334, "srcu_read_unlock(&kvm->srcu, idx);", Nop),
    ],
};

/// v3.13 `kvm_mmu_notifier_invalidate_range_end`: seq++, count--.
pub static RANGE_END_V3_13: Function = Function {
    id: FuncId::KvmInvalidateRangeEnd,
    name: "kvm_mmu_notifier_invalidate_range_end",
    file: K,
    tag: Tag::V3_13,
    line: 337,
    base_line: 337,
    body: &[
        Stmt::new(344, "spin_lock(&kvm->mmu_lock);", kvm(KvmOp::Lock)),
        Stmt::new(350, "kvm->mmu_notifier_seq++;", kvm(KvmOp::SeqInc)),
        Stmt::new(351, "smp_wmb();", Nop),
        Stmt::new(357, "kvm->mmu_notifier_count--;", kvm(KvmOp::CountDec)),
        Stmt::new(358, "spin_unlock(&kvm->mmu_lock);", kvm(KvmOp::Unlock)),
        Stmt::new(360, "BUG_ON(kvm->mmu_notifier_count < 0);", kvm(KvmOp::BugOnCount)),
    ],
};

/// v3.6 `kvm_set_spte_hva`.
pub static SET_SPTE_HVA_V3_6: Function = Function {
    id: FuncId::KvmSetSpteHva,
    name: "kvm_set_spte_hva",
    file: M,
    tag: Tag::V3_6,
    line: 1306,
    base_line: 1306,
    body: &[Stmt::new(1308, "kvm_handle_hva(kvm, hva, (unsigned long)&pte, kvm_set_pte_rmapp);", Call(KvmSetPteRmapp))],
};

/// v3.13 `kvm_set_spte_hva`.
pub static SET_SPTE_HVA_V3_13: Function = Function {
    id: FuncId::KvmSetSpteHva,
    name: "kvm_set_spte_hva",
    file: M,
    tag: Tag::V3_13,
    line: 1412,
    base_line: 1412,
    body: &[Stmt::new(1414, "kvm_handle_hva(kvm, hva, (unsigned long)&pte, kvm_set_pte_rmapp);", Call(KvmSetPteRmapp))],
};

/// v3.6 `kvm_set_pte_rmapp`: remap read-only in place, drop if writable.
pub static SET_PTE_RMAPP_V3_6: Function = Function {
    id: FuncId::KvmSetPteRmapp,
    name: "kvm_set_pte_rmapp",
    file: M,
    tag: Tag::V3_6,
    line: 1220,
    base_line: 1220,
    body: &[
        Stmt::new(1233, "for (sptep = rmap_get_first(*rmapp, &iter); sptep;) {", kvm(KvmOp::RmappLoop { done: "flush" })),
        Stmt::new(1239, "if (pte_write(*ptep)) { drop_spte(kvm, sptep); ...", kvm(KvmOp::RmappDropIfWritable {
            else_: "remap",
            done: "flush",
        })),
        Stmt::new(1243, "} else { new_spte = (*sptep & ~PT64_BASE_ADDR_MASK) | new_pfn << PAGE_SHIFT; ... mmu_spte_set(sptep, new_spte); }", kvm(KvmOp::RmappRemap)).at("remap"),
        Stmt::new(1256, "if (need_flush) kvm_flush_remote_tlbs(kvm);", kvm(KvmOp::FlushIfNeeded)).at("flush"),
    ],
};

/// v3.13 `kvm_set_pte_rmapp` (same logic as v3.6).
pub static SET_PTE_RMAPP_V3_13: Function = Function {
    id: FuncId::KvmSetPteRmapp,
    name: "kvm_set_pte_rmapp",
    file: M,
    tag: Tag::V3_13,
    line: 1297,
    base_line: 1297,
    body: &[
        Stmt::new(1310, "for (sptep = rmap_get_first(*rmapp, &iter); sptep;) {", kvm(KvmOp::RmappLoop { done: "flush" })),
        Stmt::new(1316, "if (pte_write(*ptep)) { drop_spte(kvm, sptep); ...", kvm(KvmOp::RmappDropIfWritable {
            else_: "remap",
            done: "flush",
        })),
        Stmt::new(1320, "} else { new_spte = (*sptep & ~PT64_BASE_ADDR_MASK) | new_pfn << PAGE_SHIFT; ... mmu_spte_set(sptep, new_spte); }", kvm(KvmOp::RmappRemap)).at("remap"),
        Stmt::new(1333, "if (need_flush) kvm_flush_remote_tlbs(kvm);", kvm(KvmOp::FlushIfNeeded)).at("flush"),
    ],
};

/// The vCPU: guest accesses through the EPT/NPT. Not kernel code: the text
/// says so and the citation ([`Tag::ACTOR_V3_6`]) reads "not kernel code,
/// faults to" `tdp_page_fault`, which handles the exit when no spte is
/// usable. The text covers both outcomes: the step's events say which.
pub static GUEST_ACCESS_V3_6: Function = Function {
    id: FuncId::KvmVcpuRun,
    name: "guest",
    file: M,
    tag: Tag::ACTOR_V3_6,
    line: 3256,
    base_line: 3256,
    body: &[Stmt::new(
        3256,
        "not kernel code: the guest reads or writes gfn through its spte  /* if none is usable: EPT violation exit to tdp_page_fault */",
        kvm(KvmOp::GuestAccess),
    )
    .ms("guest-access")],
};

/// v3.13 vCPU.
pub static GUEST_ACCESS_V3_13: Function = Function {
    id: FuncId::KvmVcpuRun,
    name: "guest",
    file: M,
    tag: Tag::ACTOR_V3_13,
    line: 3359,
    base_line: 3359,
    body: &[Stmt::new(
        3359,
        "not kernel code: the guest reads or writes gfn through its spte  /* if none is usable: EPT violation exit to tdp_page_fault */",
        kvm(KvmOp::GuestAccess),
    )
    .ms("guest-access")],
};

/// v3.6 `tdp_page_fault`.
pub static TDP_PAGE_FAULT_V3_6: Function = Function {
    id: FuncId::TdpPageFault,
    name: "tdp_page_fault",
    file: M,
    tag: Tag::V3_6,
    line: 3256,
    base_line: 3256,
    body: &[
        Stmt::new(3288, "mmu_seq = vcpu->kvm->mmu_notifier_seq;", kvm(KvmOp::TdpSnapshotSeq)),
        Stmt::new(3289, "smp_rmb();", Nop),
        Stmt::new(
            3291,
            "if (try_async_pf(vcpu, prefault, gfn, gpa, &pfn, write, &map_writable)) return 0;",
            kvm(KvmOp::TdpGetPfn),
        ),
        Stmt::new(3297, "spin_lock(&vcpu->kvm->mmu_lock);", kvm(KvmOp::Lock)),
        Stmt::new(
            3298,
            "if (mmu_notifier_retry(vcpu, mmu_seq)) goto out_unlock;",
            kvm(KvmOp::TdpRetryCheck { retry: "out_unlock" }),
        ),
        Stmt::new(
            3303,
            "r = __direct_map(vcpu, gpa, write, map_writable, level, gfn, pfn, prefault);",
            kvm(KvmOp::TdpDirectMap),
        ),
        Stmt::new(3305, "spin_unlock(&vcpu->kvm->mmu_lock);", kvm(KvmOp::Unlock)),
        Stmt::new(3307, "return r;", Return),
        Stmt::new(3309, "out_unlock: spin_unlock(&vcpu->kvm->mmu_lock);", kvm(KvmOp::Unlock)).at("out_unlock"),
        Stmt::new(3311, "kvm_release_pfn_clean(pfn);", kvm(KvmOp::TdpReleasePfn)),
        Stmt::new(3312, "return 0;", Return),
    ],
};

/// v3.13 `tdp_page_fault`.
pub static TDP_PAGE_FAULT_V3_13: Function = Function {
    id: FuncId::TdpPageFault,
    name: "tdp_page_fault",
    file: M,
    tag: Tag::V3_13,
    line: 3359,
    base_line: 3359,
    body: &[
        Stmt::new(3395, "mmu_seq = vcpu->kvm->mmu_notifier_seq;", kvm(KvmOp::TdpSnapshotSeq)),
        Stmt::new(3396, "smp_rmb();", Nop),
        Stmt::new(
            3398,
            "if (try_async_pf(vcpu, prefault, gfn, gpa, &pfn, write, &map_writable)) return 0;",
            kvm(KvmOp::TdpGetPfn),
        ),
        Stmt::new(3404, "spin_lock(&vcpu->kvm->mmu_lock);", kvm(KvmOp::Lock)),
        Stmt::new(
            3405,
            "if (mmu_notifier_retry(vcpu->kvm, mmu_seq)) goto out_unlock;",
            kvm(KvmOp::TdpRetryCheck { retry: "out_unlock" }),
        ),
        Stmt::new(
            3410,
            "r = __direct_map(vcpu, gpa, write, map_writable, level, gfn, pfn, prefault);",
            kvm(KvmOp::TdpDirectMap),
        ),
        Stmt::new(3412, "spin_unlock(&vcpu->kvm->mmu_lock);", kvm(KvmOp::Unlock)),
        Stmt::new(3414, "return r;", Return),
        Stmt::new(3417, "out_unlock: spin_unlock(&vcpu->kvm->mmu_lock);", kvm(KvmOp::Unlock)).at("out_unlock"),
        Stmt::new(3418, "kvm_release_pfn_clean(pfn);", kvm(KvmOp::TdpReleasePfn)),
        Stmt::new(3419, "return 0;", Return),
    ],
};

// --- design alternatives over v3.13 (hypothetical code) ---

/// `kvm_mmu_notifier_invalidate_range_start` under `event_aware`: returns at
/// once for a range tagged "change_pte follows" (the aa tree's
/// `MMU_NOTIFY_CHANGE_PTE`, Glisse's 2019 RFC 4/4).
pub static RANGE_START_EVENT: Function = Function {
    id: FuncId::KvmInvalidateRangeStart,
    name: "kvm_mmu_notifier_invalidate_range_start",
    file: K,
    tag: Tag::HYPOTHETICAL_V3_13_ALT,
    line: 311,
    base_line: 311,
    body: &[
        Stmt::new(
            319,
            "if (event == MMU_CHANGE_PTE) return;  /* hypothetical: change_pte follows */",
            kvm(KvmOp::ReturnIfChangePteFollows),
        ),
        Stmt::new(319, "idx = srcu_read_lock(&kvm->srcu);", Nop),
        Stmt::new(320, "spin_lock(&kvm->mmu_lock);", kvm(KvmOp::Lock)),
        Stmt::new(
            326,
            "kvm->mmu_notifier_count++;  /* no spte may be established until range_end */",
            kvm(KvmOp::CountInc),
        ),
        Stmt::new(
            327,
            "need_tlb_flush = kvm_unmap_hva_range(kvm, start, end);",
            kvm(KvmOp::UnmapHva(Callback::InvalidateRangeStart)),
        ),
        Stmt::new(330, "if (need_tlb_flush) kvm_flush_remote_tlbs(kvm);", kvm(KvmOp::FlushIfNeeded)),
        Stmt::new(333, "spin_unlock(&kvm->mmu_lock);", kvm(KvmOp::Unlock)),
        Stmt::new(334, "srcu_read_unlock(&kvm->srcu, idx);", Nop),
    ],
};

/// `kvm_mmu_notifier_invalidate_range_end` under `event_aware`: returns at
/// once for a range tagged "change_pte follows" (the aa tree's
/// `MMU_NOTIFY_CHANGE_PTE`, Glisse's 2019 RFC 4/4).
pub static RANGE_END_EVENT: Function = Function {
    id: FuncId::KvmInvalidateRangeEnd,
    name: "kvm_mmu_notifier_invalidate_range_end",
    file: K,
    tag: Tag::HYPOTHETICAL_V3_13_ALT,
    line: 337,
    base_line: 337,
    body: &[
        Stmt::new(
            344,
            "if (event == MMU_CHANGE_PTE) return;  /* hypothetical: change_pte follows */",
            kvm(KvmOp::ReturnIfChangePteFollows),
        ),
        Stmt::new(344, "spin_lock(&kvm->mmu_lock);", kvm(KvmOp::Lock)),
        Stmt::new(350, "kvm->mmu_notifier_seq++;", kvm(KvmOp::SeqInc)),
        Stmt::new(351, "smp_wmb();", Nop),
        Stmt::new(357, "kvm->mmu_notifier_count--;", kvm(KvmOp::CountDec)),
        Stmt::new(358, "spin_unlock(&kvm->mmu_lock);", kvm(KvmOp::Unlock)),
        Stmt::new(360, "BUG_ON(kvm->mmu_notifier_count < 0);", kvm(KvmOp::BugOnCount)),
    ],
};

// --- v4.15 ---
//
// Lines read in vanilla v4.15 (sndrzt/linux-4.15@6ea06264896d, Makefile
// 4.15.0; virt/kvm/kvm_main.c blob 210bf820385a, arch/x86/kvm/mmu.c blob
// 2b8eb4da4d08). Ops table kvm_main.c 478-486: range_start, range_end,
// change_pte (no invalidate_page, no invalidate_range). change_pte bumps
// mmu_notifier_seq under mmu_lock and does not look at the count;
// `mmu_notifier_retry` (include/linux/kvm_host.h 1025-1043) fails on any
// raised count (1027), not only one covering the faulting address.

/// v4.15 `kvm_mmu_notifier_change_pte`: seq++ under `mmu_lock`, then
/// `kvm_set_spte_hva` (remap read-only, drop if writable).
pub static CHANGE_PTE_V4_15: Function = Function {
    id: FuncId::KvmChangePte,
    name: "kvm_mmu_notifier_change_pte",
    file: K,
    tag: Tag::V4_15,
    line: 329,
    base_line: 329,
    body: &[
        Stmt::new(337, "idx = srcu_read_lock(&kvm->srcu);", Nop),
        Stmt::new(338, "spin_lock(&kvm->mmu_lock);", kvm(KvmOp::Lock)),
        Stmt::new(339, "kvm->mmu_notifier_seq++;", kvm(KvmOp::SeqInc)),
        Stmt::new(340, "kvm_set_spte_hva(kvm, address, pte);", Call(KvmSetSpteHva)),
        Stmt::new(341, "spin_unlock(&kvm->mmu_lock);", kvm(KvmOp::Unlock)),
        Stmt::new(342, "srcu_read_unlock(&kvm->srcu, idx);", Nop),
    ],
};

/// v4.15 `kvm_mmu_notifier_invalidate_range_start`: count++, drop sptes.
pub static RANGE_START_V4_15: Function = Function {
    id: FuncId::KvmInvalidateRangeStart,
    name: "kvm_mmu_notifier_invalidate_range_start",
    file: K,
    tag: Tag::V4_15,
    line: 345,
    base_line: 345,
    body: &[
        Stmt::new(353, "idx = srcu_read_lock(&kvm->srcu);", Nop),
        Stmt::new(354, "spin_lock(&kvm->mmu_lock);", kvm(KvmOp::Lock)),
        Stmt::new(
            360,
            "kvm->mmu_notifier_count++;  /* no spte may be established until range_end */",
            kvm(KvmOp::CountInc),
        ),
        Stmt::new(
            361,
            "need_tlb_flush = kvm_unmap_hva_range(kvm, start, end);",
            kvm(KvmOp::UnmapHva(Callback::InvalidateRangeStart)),
        ),
        Stmt::new(
            365,
            "if (need_tlb_flush) kvm_flush_remote_tlbs(kvm);  /* | tlbs_dirty, 362 */",
            kvm(KvmOp::FlushIfNeeded),
        ),
        Stmt::new(367, "spin_unlock(&kvm->mmu_lock);", kvm(KvmOp::Unlock)),
        Stmt::new(
            369,
            "kvm_arch_mmu_notifier_invalidate_range(kvm, start, end);  /* x86: APIC access page only */",
            Nop,
        ),
        Stmt::new(371, "srcu_read_unlock(&kvm->srcu, idx);", Nop),
    ],
};

/// v4.15 `kvm_mmu_notifier_invalidate_range_end`: seq++, count--.
pub static RANGE_END_V4_15: Function = Function {
    id: FuncId::KvmInvalidateRangeEnd,
    name: "kvm_mmu_notifier_invalidate_range_end",
    file: K,
    tag: Tag::V4_15,
    line: 374,
    base_line: 374,
    body: &[
        Stmt::new(381, "spin_lock(&kvm->mmu_lock);", kvm(KvmOp::Lock)),
        Stmt::new(387, "kvm->mmu_notifier_seq++;", kvm(KvmOp::SeqInc)),
        Stmt::new(388, "smp_wmb();", Nop),
        Stmt::new(394, "kvm->mmu_notifier_count--;", kvm(KvmOp::CountDec)),
        Stmt::new(395, "spin_unlock(&kvm->mmu_lock);", kvm(KvmOp::Unlock)),
        Stmt::new(397, "BUG_ON(kvm->mmu_notifier_count < 0);", kvm(KvmOp::BugOnCount)),
    ],
};

/// v4.15 `kvm_set_spte_hva`.
pub static SET_SPTE_HVA_V4_15: Function = Function {
    id: FuncId::KvmSetSpteHva,
    name: "kvm_set_spte_hva",
    file: M,
    tag: Tag::V4_15,
    line: 1814,
    base_line: 1814,
    body: &[Stmt::new(1816, "kvm_handle_hva(kvm, hva, (unsigned long)&pte, kvm_set_pte_rmapp);", Call(KvmSetPteRmapp))],
};

/// v4.15 `kvm_set_pte_rmapp`: drop the spte if the new pte is writable,
/// else point it at the new pfn, read-only and access-tracked.
pub static SET_PTE_RMAPP_V4_15: Function = Function {
    id: FuncId::KvmSetPteRmapp,
    name: "kvm_set_pte_rmapp",
    file: M,
    tag: Tag::V4_15,
    line: 1634,
    base_line: 1634,
    body: &[
        Stmt::new(1649, "restart: for_each_rmap_spte(rmap_head, &iter, sptep) {  /* need_flush = 1, 1653 */", kvm(KvmOp::RmappLoop { done: "flush" })),
        Stmt::new(1655, "if (pte_write(*ptep)) { drop_spte(kvm, sptep); goto restart; }", kvm(KvmOp::RmappDropIfWritable {
            else_: "remap",
            done: "flush",
        })),
        Stmt::new(1659, "} else { new_spte = (*sptep & ~PT64_BASE_ADDR_MASK) | new_pfn << PAGE_SHIFT; clear writable bits; mark_spte_for_access_track(); mmu_spte_set(sptep, new_spte); }", kvm(KvmOp::RmappRemap)).at("remap"),
        Stmt::new(1672, "if (need_flush) kvm_flush_remote_tlbs(kvm);", kvm(KvmOp::FlushIfNeeded)).at("flush"),
    ],
};

/// The vCPU at v4.15: not kernel code; cites `tdp_page_fault`, which
/// handles its EPT violation exit.
pub static GUEST_ACCESS_V4_15: Function = Function {
    id: FuncId::KvmVcpuRun,
    name: "guest",
    file: M,
    tag: Tag::ACTOR_V4_15,
    line: 3861,
    base_line: 3861,
    body: &[Stmt::new(
        3861,
        "not kernel code: the guest reads or writes gfn through its spte  /* if none is usable: EPT violation exit to tdp_page_fault */",
        kvm(KvmOp::GuestAccess),
    )
    .ms("guest-access")],
};

/// v4.15 `tdp_page_fault`: snapshot the seq, get the pfn by GUP, retry if
/// any invalidation is in progress or the seq moved.
pub static TDP_PAGE_FAULT_V4_15: Function = Function {
    id: FuncId::TdpPageFault,
    name: "tdp_page_fault",
    file: M,
    tag: Tag::V4_15,
    line: 3861,
    base_line: 3861,
    body: &[
        Stmt::new(3895, "mmu_seq = vcpu->kvm->mmu_notifier_seq;", kvm(KvmOp::TdpSnapshotSeq)),
        Stmt::new(3896, "smp_rmb();", Nop),
        Stmt::new(
            3898,
            "if (try_async_pf(vcpu, prefault, gfn, gpa, &pfn, write, &map_writable)) return RET_PF_RETRY;",
            kvm(KvmOp::TdpGetPfn),
        ),
        Stmt::new(3904, "spin_lock(&vcpu->kvm->mmu_lock);", kvm(KvmOp::Lock)),
        Stmt::new(
            3905,
            "if (mmu_notifier_retry(vcpu->kvm, mmu_seq)) goto out_unlock;  /* any count, or seq moved: kvm_host.h 1027, 1040 */",
            kvm(KvmOp::TdpRetryCheck { retry: "out_unlock" }),
        ),
        Stmt::new(
            3911,
            "r = __direct_map(vcpu, write, map_writable, level, gfn, pfn, prefault);",
            kvm(KvmOp::TdpDirectMap),
        ),
        Stmt::new(3912, "spin_unlock(&vcpu->kvm->mmu_lock);", kvm(KvmOp::Unlock)),
        Stmt::new(3914, "return r;", Return),
        Stmt::new(3917, "out_unlock: spin_unlock(&vcpu->kvm->mmu_lock);", kvm(KvmOp::Unlock)).at("out_unlock"),
        Stmt::new(3918, "kvm_release_pfn_clean(pfn);", kvm(KvmOp::TdpReleasePfn)),
        Stmt::new(3919, "return RET_PF_RETRY;", Return),
    ],
};
// --- v6.9 / v6.10 ---

/// The x86 MMU moved into arch/x86/kvm/mmu/ (v5.x).
const M6: &str = "arch/x86/kvm/mmu/mmu.c";
//
// Lines read in T6.9 (ec-jt/linux-6.9.0 @ b12020242247) and T6.10
// (msgeden/cryptocap-arm64-linux-6.10 @ 449e07155be2). The model's KVM is
// x86 with the TDP MMU off (`kvm.tdp_mmu=0`): sptes are found through rmaps
// (`kvm_set_pte_rmap`), faults go through `direct_page_fault`, and
// `mmu_lock` (an rwlock) is taken for write on both sides, which the model's
// exclusive lock matches. `mmu_invalidate_in_progress` and
// `mmu_invalidate_seq` are the fields the model calls `mmu_notifier_count`
// and `mmu_notifier_seq` (renamed upstream, same role). The lockless
// pre-checks in `kvm_faultin_pfn` (4442-4444 and 4463-4466 at v6.9) are not
// listed: every retry they cause, the locked check in `direct_page_fault`
// causes too (an invalidation seen in progress either still is, or has
// bumped the seq), so they change when a fault retries, not whether.

/// v6.9 `kvm_mmu_notifier_change_pte`: assumes the range_start/end bracket;
/// returns at once when no invalidation raised `mmu_invalidate_in_progress`,
/// and bumps no sequence.
pub static CHANGE_PTE_V6_9: Function = Function {
    id: FuncId::KvmChangePte,
    name: "kvm_mmu_notifier_change_pte",
    file: K,
    tag: Tag::V6_9,
    line: 725,
    base_line: 725,
    body: &[
        Stmt::new(
            743,
            "WARN_ON_ONCE(!READ_ONCE(kvm->mn_active_invalidate_count));",
            kvm(KvmOp::WarnNoActiveInvalidate),
        ),
        Stmt::new(
            744,
            "if (!READ_ONCE(kvm->mmu_invalidate_in_progress)) return;  /* no invalidation found a memslot */",
            kvm(KvmOp::ReturnIfNoInvalidateInProgress),
        ),
        Stmt::new(
            747,
            "kvm_handle_hva_range(mn, address, address + 1, arg, kvm_change_spte_gfn);",
            Call(KvmHandleHvaRange),
        ),
    ],
};

/// v6.9 `__kvm_handle_hva_range`: the memslot walk shared by the
/// callbacks. `mmu_lock` is taken only when a memslot overlaps the range;
/// then the caller's `on_lock` and `handler` run (the op dispatches on the
/// calling callback, whose `kvm_mmu_notifier_range` names them).
/// A null handler (range_end) leaves the slot loop (`break`, 652) for the
/// flush check, whose `flush_on_ret` is false there.
pub static HANDLE_HVA_RANGE_V6_9: Function = Function {
    id: FuncId::KvmHandleHvaRange,
    name: "__kvm_handle_hva_range",
    file: K,
    tag: Tag::V6_9,
    line: 594,
    base_line: 594,
    body: &[
        Stmt::new(614, "idx = srcu_read_lock(&kvm->srcu);", Nop),
        Stmt::new(
            620,
            "kvm_for_each_memslot_in_hva_range(node, slots, range->start, range->end - 1) {  /* gfn_range = the slot's gfns in range */",
            kvm(KvmOp::MemslotLoop { none: "flush" }),
        ),
        Stmt::new(648, "r.found_memslot = true; KVM_MMU_LOCK(kvm);", kvm(KvmOp::Lock)),
        Stmt::new(
            650,
            "if (!IS_KVM_NULL_FN(range->on_lock)) range->on_lock(kvm);  /* start: kvm_mmu_invalidate_begin 750; end: kvm_mmu_invalidate_end 848 */",
            kvm(KvmOp::OnLock),
        ),
        Stmt::new(
            655,
            "r.ret |= range->handler(kvm, &gfn_range);  /* start: kvm_mmu_unmap_gfn_range 792; change_pte: kvm_change_spte_gfn */",
            kvm(KvmOp::Handler { null: "flush" }),
        ),
        Stmt::new(659, "if (range->flush_on_ret && r.ret) kvm_flush_remote_tlbs(kvm);", kvm(KvmOp::FlushIfNeeded))
            .at("flush"),
        Stmt::new(662, "if (r.found_memslot) KVM_MMU_UNLOCK(kvm);", kvm(KvmOp::UnlockIfHeld)),
        Stmt::new(665, "srcu_read_unlock(&kvm->srcu, idx);", Nop),
    ],
};

/// v6.9 `kvm_mmu_notifier_invalidate_range_start`.
pub static RANGE_START_V6_9: Function = Function {
    id: FuncId::KvmInvalidateRangeStart,
    name: "kvm_mmu_notifier_invalidate_range_start",
    file: K,
    tag: Tag::V6_9,
    line: 798,
    base_line: 798,
    body: &[
        Stmt::new(
            821,
            "spin_lock(&kvm->mn_invalidate_lock); kvm->mn_active_invalidate_count++; spin_unlock(&kvm->mn_invalidate_lock);",
            kvm(KvmOp::ActiveInvalidateInc),
        ),
        Stmt::new(835, "gfn_to_pfn_cache_invalidate_start(kvm, range->start, range->end);", Nop),
        Stmt::new(
            842,
            "if (__kvm_handle_hva_range(kvm, &hva_range).found_memslot)  /* handler kvm_mmu_unmap_gfn_range, on_lock kvm_mmu_invalidate_begin */",
            Call(KvmHandleHvaRange),
        ),
    ],
};

/// v6.9 `kvm_mmu_notifier_invalidate_range_end`.
pub static RANGE_END_V6_9: Function = Function {
    id: FuncId::KvmInvalidateRangeEnd,
    name: "kvm_mmu_notifier_invalidate_range_end",
    file: K,
    tag: Tag::V6_9,
    line: 874,
    base_line: 874,
    body: &[
        Stmt::new(
            888,
            "__kvm_handle_hva_range(kvm, &hva_range);  /* null handler, on_lock kvm_mmu_invalidate_end */",
            Call(KvmHandleHvaRange),
        ),
        Stmt::new(
            891,
            "spin_lock(&kvm->mn_invalidate_lock); if (!WARN_ON_ONCE(!kvm->mn_active_invalidate_count)) --kvm->mn_active_invalidate_count;",
            kvm(KvmOp::ActiveInvalidateDec),
        ),
        Stmt::new(901, "if (wake) rcuwait_wake_up(&kvm->mn_memslots_update_rcuwait);", Nop),
    ],
};

/// v6.9 `kvm_faultin_pfn`: snapshot the sequence, then get the pfn
/// through the primary page table (a write to a read-only pte runs the COW
/// fault in between).
pub static FAULTIN_PFN_V6_9: Function = Function {
    id: FuncId::KvmFaultinPfn,
    name: "kvm_faultin_pfn",
    file: M6,
    tag: Tag::V6_9,
    line: 4413,
    base_line: 4413,
    body: &[
        Stmt::new(4418, "fault->mmu_seq = vcpu->kvm->mmu_invalidate_seq;", kvm(KvmOp::TdpSnapshotSeq)),
        Stmt::new(4419, "smp_rmb();", Nop),
        Stmt::new(
            4446,
            "ret = __kvm_faultin_pfn(vcpu, fault);  /* __gfn_to_pfn_memslot: get_user_pages on the hva */",
            kvm(KvmOp::TdpGetPfn),
        ),
        Stmt::new(4468, "return RET_PF_CONTINUE;", Return),
    ],
};

/// v6.9 `direct_page_fault` (what `kvm_tdp_page_fault` runs with the TDP
/// MMU off): the range-limited retry check under `mmu_lock`; the pfn
/// reference is dropped after the unlock, on both exits.
pub static DIRECT_PAGE_FAULT_V6_9: Function = Function {
    id: FuncId::TdpPageFault,
    name: "direct_page_fault",
    file: M6,
    tag: Tag::V6_9,
    line: 4504,
    base_line: 4504,
    body: &[
        Stmt::new(4523, "r = kvm_faultin_pfn(vcpu, fault, ACC_ALL);", Call(KvmFaultinPfn)),
        Stmt::new(4524, "if (r != RET_PF_CONTINUE) return r;", kvm(KvmOp::ReturnIfNoPfn)),
        Stmt::new(4528, "write_lock(&vcpu->kvm->mmu_lock);", kvm(KvmOp::Lock)),
        Stmt::new(
            4530,
            "if (is_page_fault_stale(vcpu, fault)) goto out_unlock;  /* mmu_invalidate_retry_gfn, kvm_host.h 2037 */",
            kvm(KvmOp::RetryGfn { retry: "out_unlock" }),
        ),
        Stmt::new(4537, "r = direct_map(vcpu, fault);", kvm(KvmOp::DirectMap)),
        Stmt::new(4540, "out_unlock: write_unlock(&vcpu->kvm->mmu_lock);", kvm(KvmOp::Unlock)).at("out_unlock"),
        Stmt::new(4541, "kvm_release_pfn_clean(fault->pfn);", kvm(KvmOp::TdpReleasePfn)),
        Stmt::new(4542, "return r;", Return),
    ],
};

/// The vCPU at v6.9: not kernel code; cites `direct_page_fault`.
pub static GUEST_ACCESS_V6_9: Function = Function {
    id: FuncId::KvmVcpuRun,
    name: "guest",
    file: M6,
    tag: Tag::ACTOR_V6_9,
    line: 4504,
    base_line: 4504,
    body: &[Stmt::new(
        4504,
        "not kernel code: the guest reads or writes gfn through its spte  /* if none is usable: EPT violation exit to direct_page_fault */",
        kvm(KvmOp::GuestAccess),
    )
    .ms("guest-access")],
};

/// v6.9 `kvm_set_spte_gfn` (the TDP MMU branch at 1606-1607 is off in
/// the model).
pub static SET_SPTE_GFN_V6_9: Function = Function {
    id: FuncId::KvmSetSpteHva,
    name: "kvm_set_spte_gfn",
    file: M6,
    tag: Tag::V6_9,
    line: 1599,
    base_line: 1599,
    body: &[Stmt::new(
        1604,
        "if (kvm_memslots_have_rmaps(kvm)) flush = kvm_handle_gfn_range(kvm, range, kvm_set_pte_rmap);  /* reached from kvm_change_spte_gfn (kvm_main.c 722) */",
        Call(KvmSetPteRmapp),
    )],
};

/// v6.9 `kvm_set_pte_rmap`: a writable new pte drops the spte, a read-only
/// one is remapped in place.
pub static SET_PTE_RMAP_V6_9: Function = Function {
    id: FuncId::KvmSetPteRmapp,
    name: "kvm_set_pte_rmap",
    file: M6,
    tag: Tag::V6_9,
    line: 1457,
    base_line: 1457,
    body: &[
        Stmt::new(1471, "for_each_rmap_spte(rmap_head, &iter, sptep) { need_flush = true;", kvm(KvmOp::RmappLoop { done: "flush" })),
        Stmt::new(1474, "if (pte_write(pte)) { kvm_zap_one_rmap_spte(kvm, rmap_head, sptep); goto restart; }", kvm(KvmOp::RmappDropIfWritable { else_: "remap", done: "flush" })),
        Stmt::new(1478, "} else { new_spte = kvm_mmu_changed_pte_notifier_make_spte(*sptep, new_pfn); mmu_spte_clear_track_bits(kvm, sptep); mmu_spte_set(sptep, new_spte); }", kvm(KvmOp::RmappRemap)).at("remap"),
        Stmt::new(1486, "if (need_flush && kvm_available_flush_remote_tlbs_range()) ...; return need_flush;  /* flushed by the caller (flush_on_ret) */", Nop).at("flush"),
    ],
};

/// v6.10 `__kvm_handle_hva_range`: the memslot walk shared by the
/// callbacks. `mmu_lock` is taken only when a memslot overlaps the range;
/// then the caller's `on_lock` and `handler` run (the op dispatches on the
/// calling callback, whose `kvm_mmu_notifier_range` names them).
/// A null handler (range_end) jumps to `mmu_unlock` (653).
pub static HANDLE_HVA_RANGE_V6_10: Function = Function {
    id: FuncId::KvmHandleHvaRange,
    name: "__kvm_handle_hva_range",
    file: K,
    tag: Tag::V6_10,
    line: 595,
    base_line: 595,
    body: &[
        Stmt::new(615, "idx = srcu_read_lock(&kvm->srcu);", Nop),
        Stmt::new(
            621,
            "kvm_for_each_memslot_in_hva_range(node, slots, range->start, range->end - 1) {  /* gfn_range = the slot's gfns in range */",
            kvm(KvmOp::MemslotLoop { none: "flush" }),
        ),
        Stmt::new(649, "r.found_memslot = true; KVM_MMU_LOCK(kvm);", kvm(KvmOp::Lock)),
        Stmt::new(
            651,
            "if (!IS_KVM_NULL_FN(range->on_lock)) range->on_lock(kvm);  /* start: kvm_mmu_invalidate_begin 708; end: kvm_mmu_invalidate_end 806 */",
            kvm(KvmOp::OnLock),
        ),
        Stmt::new(
            656,
            "r.ret |= range->handler(kvm, &gfn_range);  /* start: kvm_mmu_unmap_gfn_range 750 */",
            kvm(KvmOp::Handler { null: "mmu_unlock" }),
        ),
        Stmt::new(660, "if (range->flush_on_ret && r.ret) kvm_flush_remote_tlbs(kvm);", kvm(KvmOp::FlushIfNeeded))
            .at("flush"),
        Stmt::new(664, "mmu_unlock: if (r.found_memslot) KVM_MMU_UNLOCK(kvm);", kvm(KvmOp::UnlockIfHeld))
            .at("mmu_unlock"),
        Stmt::new(667, "srcu_read_unlock(&kvm->srcu, idx);", Nop),
    ],
};

/// v6.10 `kvm_mmu_notifier_invalidate_range_start`.
pub static RANGE_START_V6_10: Function = Function {
    id: FuncId::KvmInvalidateRangeStart,
    name: "kvm_mmu_notifier_invalidate_range_start",
    file: K,
    tag: Tag::V6_10,
    line: 756,
    base_line: 756,
    body: &[
        Stmt::new(
            779,
            "spin_lock(&kvm->mn_invalidate_lock); kvm->mn_active_invalidate_count++; spin_unlock(&kvm->mn_invalidate_lock);",
            kvm(KvmOp::ActiveInvalidateInc),
        ),
        Stmt::new(793, "gfn_to_pfn_cache_invalidate_start(kvm, range->start, range->end);", Nop),
        Stmt::new(
            800,
            "if (__kvm_handle_hva_range(kvm, &hva_range).found_memslot)  /* handler kvm_mmu_unmap_gfn_range, on_lock kvm_mmu_invalidate_begin */",
            Call(KvmHandleHvaRange),
        ),
    ],
};

/// v6.10 `kvm_mmu_notifier_invalidate_range_end`.
pub static RANGE_END_V6_10: Function = Function {
    id: FuncId::KvmInvalidateRangeEnd,
    name: "kvm_mmu_notifier_invalidate_range_end",
    file: K,
    tag: Tag::V6_10,
    line: 832,
    base_line: 832,
    body: &[
        Stmt::new(
            846,
            "__kvm_handle_hva_range(kvm, &hva_range);  /* null handler, on_lock kvm_mmu_invalidate_end */",
            Call(KvmHandleHvaRange),
        ),
        Stmt::new(
            849,
            "spin_lock(&kvm->mn_invalidate_lock); if (!WARN_ON_ONCE(!kvm->mn_active_invalidate_count)) --kvm->mn_active_invalidate_count;",
            kvm(KvmOp::ActiveInvalidateDec),
        ),
        Stmt::new(859, "if (wake) rcuwait_wake_up(&kvm->mn_memslots_update_rcuwait);", Nop),
    ],
};

/// v6.10 `kvm_faultin_pfn`: snapshot the sequence, then get the pfn
/// through the primary page table (a write to a read-only pte runs the COW
/// fault in between).
pub static FAULTIN_PFN_V6_10: Function = Function {
    id: FuncId::KvmFaultinPfn,
    name: "kvm_faultin_pfn",
    file: M6,
    tag: Tag::V6_10,
    line: 4354,
    base_line: 4354,
    body: &[
        Stmt::new(4366, "fault->mmu_seq = vcpu->kvm->mmu_invalidate_seq;", kvm(KvmOp::TdpSnapshotSeq)),
        Stmt::new(4367, "smp_rmb();", Nop),
        Stmt::new(
            4438,
            "ret = __kvm_faultin_pfn(vcpu, fault);  /* __gfn_to_pfn_memslot: get_user_pages on the hva */",
            kvm(KvmOp::TdpGetPfn),
        ),
        Stmt::new(4460, "return RET_PF_CONTINUE;", Return),
    ],
};

/// v6.10 `direct_page_fault` (what `kvm_tdp_page_fault` runs with the TDP
/// MMU off): the range-limited retry check under `mmu_lock`; the pfn
/// reference is dropped after the unlock, on both exits.
pub static DIRECT_PAGE_FAULT_V6_10: Function = Function {
    id: FuncId::TdpPageFault,
    name: "direct_page_fault",
    file: M6,
    tag: Tag::V6_10,
    line: 4496,
    base_line: 4496,
    body: &[
        Stmt::new(4515, "r = kvm_faultin_pfn(vcpu, fault, ACC_ALL);", Call(KvmFaultinPfn)),
        Stmt::new(4516, "if (r != RET_PF_CONTINUE) return r;", kvm(KvmOp::ReturnIfNoPfn)),
        Stmt::new(4520, "write_lock(&vcpu->kvm->mmu_lock);", kvm(KvmOp::Lock)),
        Stmt::new(
            4522,
            "if (is_page_fault_stale(vcpu, fault)) goto out_unlock;  /* mmu_invalidate_retry_gfn, kvm_host.h 2033 */",
            kvm(KvmOp::RetryGfn { retry: "out_unlock" }),
        ),
        Stmt::new(4529, "r = direct_map(vcpu, fault);", kvm(KvmOp::DirectMap)),
        Stmt::new(4532, "out_unlock: write_unlock(&vcpu->kvm->mmu_lock);", kvm(KvmOp::Unlock)).at("out_unlock"),
        Stmt::new(4533, "kvm_release_pfn_clean(fault->pfn);", kvm(KvmOp::TdpReleasePfn)),
        Stmt::new(4534, "return r;", Return),
    ],
};

/// The vCPU at v6.10: not kernel code; cites `direct_page_fault`.
pub static GUEST_ACCESS_V6_10: Function = Function {
    id: FuncId::KvmVcpuRun,
    name: "guest",
    file: M6,
    tag: Tag::ACTOR_V6_10,
    line: 4496,
    base_line: 4496,
    body: &[Stmt::new(
        4496,
        "not kernel code: the guest reads or writes gfn through its spte  /* if none is usable: EPT violation exit to direct_page_fault */",
        kvm(KvmOp::GuestAccess),
    )
    .ms("guest-access")],
};
