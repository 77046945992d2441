//! kernel/events/uprobes.c: `uprobe_write_opcode` (v3.6: `write_opcode`)
//! and `__replace_page`, which installs the breakpoint page.
//!
//! Lines: kernel-facts §3.4 and §10 for `__replace_page`; `write_opcode`
//! (v3.6) counted in a near-vanilla 3.6 copy; `uprobe_write_opcode` (v3.13)
//! counted in a 3.10 copy that sits exactly one line below all twelve v3.13
//! anchors. Patched lines from the hunks `@@ -131,14 +131,11` and
//! `@@ -154,20 +151,23`.

use super::EntryFrom::MkPteKpage;
use super::FuncId::*;
use super::Op::*;
use super::Which::*;
use super::{FuncId, Function, Stmt};
use crate::tag::Tag;

const F: &str = "kernel/events/uprobes.c";

/// v3.6 `write_opcode` (mmap_sem held for write by register_for_each_vma).
pub static WRITE_OPCODE_V3_6: Function = Function {
    id: FuncId::UprobeWriteOpcode,
    name: "write_opcode",
    file: F,
    tag: Tag::V3_6,
    line: 214,
    base_line: 214,
    body: &[
        Stmt::new(224, "ret = get_user_pages(NULL, mm, vaddr, 1, 0, 0, &old_page, &vma);", GetUserPages),
        Stmt::new(229, "new_page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, vaddr);", AllocNewPage),
        Stmt::new(239, "memcpy(vaddr_new, vaddr_old, PAGE_SIZE);", CopyPage),
        Stmt::new(240, "memcpy(vaddr_new + (vaddr & ~PAGE_MASK), &opcode, UPROBE_SWBP_INSN_SIZE);", WriteOpcode),
        Stmt::new(249, "ret = __replace_page(vma, vaddr, old_page, new_page);", Call(UprobeReplacePage)),
        Stmt::new(252, "page_cache_release(new_page);", PutPage(Kpage)),
        Stmt::new(254, "put_page(old_page);", PutPage(Page)),
        Stmt::new(258, "return ret;", Return),
    ],
};

/// v3.13 `uprobe_write_opcode`.
pub static UPROBE_WRITE_OPCODE_V3_13: Function = Function {
    id: FuncId::UprobeWriteOpcode,
    name: "uprobe_write_opcode",
    file: F,
    tag: Tag::V3_13,
    line: 264,
    base_line: 264,
    body: &[
        Stmt::new(273, "ret = get_user_pages(NULL, mm, vaddr, 1, 0, 1, &old_page, &vma);", GetUserPages),
        Stmt::new(282, "new_page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, vaddr);", AllocNewPage),
        Stmt::new(288, "copy_highpage(new_page, old_page);", CopyPage),
        Stmt::new(289, "copy_to_page(new_page, vaddr, &opcode, UPROBE_SWBP_INSN_SIZE);", WriteOpcode),
        Stmt::new(295, "ret = __replace_page(vma, vaddr, old_page, new_page);", Call(UprobeReplacePage)),
        Stmt::new(298, "page_cache_release(new_page);", PutPage(Kpage)),
        Stmt::new(300, "put_page(old_page);", PutPage(Page)),
        Stmt::new(304, "return ret;", Return),
    ],
};

/// v3.6 `__replace_page`: no bracket.
pub static REPLACE_PAGE_V3_6: Function = Function {
    id: FuncId::UprobeReplacePage,
    name: "__replace_page",
    file: F,
    tag: Tag::V3_6,
    line: 137,
    base_line: 137,
    body: &[
        Stmt::new(146, "lock_page(page);", LockPage(Page)),
        Stmt::new(149, "ptep = page_check_address(page, mm, addr, &ptl, 0);", PageCheckAddress { fail: "unlock" })
            .ms("ptl-taken"),
        Stmt::new(153, "get_page(kpage);", GetPage(Kpage)),
        Stmt::new(154, "page_add_new_anon_rmap(kpage, vma, addr);", PageAddNewAnonRmap(Kpage)),
        Stmt::new(161, "flush_cache_page(vma, addr, pte_pfn(*ptep));", Nop),
        Stmt::new(162, "ptep_clear_flush(vma, addr, ptep);", PtepClearFlush).ms("pte-cleared"),
        Stmt::new(
            163,
            "set_pte_at_notify(mm, addr, ptep, mk_pte(kpage, vma->vm_page_prot));",
            CallSetPteAtNotify(MkPteKpage),
        )
        .ms("pte-set"),
        Stmt::new(165, "page_remove_rmap(page);", PageRemoveRmap(Page)),
        Stmt::new(166, "if (!page_mapped(page)) try_to_free_swap(page);", Nop),
        Stmt::new(168, "pte_unmap_unlock(ptep, ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::new(172, "put_page(page);", PutPage(Page)),
        Stmt::new(176, "unlock: unlock_page(page);", UnlockPage(Page)).at("unlock"),
    ],
};

/// v3.13 `__replace_page`: bracketed; range_end comes after `put_page`.
pub static REPLACE_PAGE_V3_13: Function = Function {
    id: FuncId::UprobeReplacePage,
    name: "__replace_page",
    file: F,
    tag: Tag::V3_13,
    line: 127,
    base_line: 127,
    body: &[
        Stmt::new(139, "lock_page(page);", LockPage(Page)),
        Stmt::new(141, "mmu_notifier_invalidate_range_start(mm, mmun_start, mmun_end);", Call(MnInvalidateRangeStart)),
        Stmt::new(143, "ptep = page_check_address(page, mm, addr, &ptl, 0);", PageCheckAddress { fail: "unlock" })
            .ms("ptl-taken"),
        Stmt::new(147, "get_page(kpage);", GetPage(Kpage)),
        Stmt::new(148, "page_add_new_anon_rmap(kpage, vma, addr);", PageAddNewAnonRmap(Kpage)),
        Stmt::new(155, "flush_cache_page(vma, addr, pte_pfn(*ptep));", Nop),
        Stmt::new(156, "ptep_clear_flush(vma, addr, ptep);", PtepClearFlush).ms("pte-cleared"),
        Stmt::new(
            157,
            "set_pte_at_notify(mm, addr, ptep, mk_pte(kpage, vma->vm_page_prot));",
            CallSetPteAtNotify(MkPteKpage),
        )
        .ms("pte-set"),
        Stmt::new(159, "page_remove_rmap(page);", PageRemoveRmap(Page)),
        Stmt::new(160, "if (!page_mapped(page)) try_to_free_swap(page);", Nop),
        Stmt::new(162, "pte_unmap_unlock(ptep, ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::new(166, "put_page(page);", PutPage(Page)),
        Stmt::new(
            170,
            "unlock: mmu_notifier_invalidate_range_end(mm, mmun_start, mmun_end);",
            Call(MnInvalidateRangeEnd),
        )
        .at("unlock"),
        Stmt::new(171, "unlock_page(page);", UnlockPage(Page)),
    ],
};

/// `__replace_page` with the 2014 patch.
pub static REPLACE_PAGE_PATCHED: Function = Function {
    id: FuncId::UprobeReplacePage,
    name: "__replace_page",
    file: F,
    tag: Tag::V3_13_PATCH,
    line: 127,
    base_line: 127,
    body: &[
        Stmt::patched(134, 134, "int notify_missing = 0;", ClearNotifyMissing),
        Stmt::patched(137, 139, "lock_page(page);", LockPage(Page)),
        Stmt::patched(
            140,
            143,
            "ptep = page_check_address(page, mm, addr, &ptl, 0);",
            PageCheckAddress { fail: "unlock" },
        )
        .ms("ptl-taken"),
        Stmt::patched(144, 147, "get_page(kpage);", GetPage(Kpage)),
        Stmt::patched(145, 148, "page_add_new_anon_rmap(kpage, vma, addr);", PageAddNewAnonRmap(Kpage)),
        Stmt::patched(152, 155, "flush_cache_page(vma, addr, pte_pfn(*ptep));", Nop),
        Stmt::patched(153, 156, "ptep_clear_flush(vma, addr, ptep);", PtepClearFlush).ms("pte-cleared"),
        Stmt::patched(
            154,
            157,
            "notify_missing = set_pte_at_notify(mm, addr, ptep, mk_pte(kpage, vma->vm_page_prot));",
            CallSetPteAtNotify(MkPteKpage),
        )
        .ms("pte-set"),
        Stmt::patched(157, 159, "page_remove_rmap(page);", PageRemoveRmap(Page)),
        Stmt::patched(158, 160, "if (!page_mapped(page)) try_to_free_swap(page);", Nop),
        Stmt::patched(160, 162, "pte_unmap_unlock(ptep, ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::patched(162, 163, "if (notify_missing)", IfNotifyMissing { else_: "put" }),
        Stmt::patched(
            163,
            163,
            "mmu_notifier_invalidate_page_if_missing_change_pte(mm, addr);",
            Call(MnInvalidatePageIfMissing),
        ),
        Stmt::patched(167, 166, "put_page(page);", PutPage(Page)).at("put"),
        Stmt::patched(171, 171, "unlock: unlock_page(page);", UnlockPage(Page)).at("unlock"),
    ],
};

// --- design alternatives over v3.13 (hypothetical code) ---

/// `__replace_page` under `bracket_if_missing`. (`event_aware` leaves
/// uprobes as in v3.13: its range is not tagged, Glisse's RFC 1/4.)
pub static REPLACE_PAGE_IF_MISSING: Function = Function {
    id: FuncId::UprobeReplacePage,
    name: "__replace_page",
    file: F,
    tag: Tag::HYPOTHETICAL_V3_13_ALT,
    line: 127,
    base_line: 127,
    body: &[
        Stmt::new(139, "lock_page(page);", LockPage(Page)),
        Stmt::new(141, "range_needed = mmu_notifier_range_needed(mm);  /* hypothetical */", Call(MnRangeNeeded)),
        Stmt::new(141, "if (range_needed)  /* hypothetical */", IfNotifyMissing { else_: "check" }),
        Stmt::new(141, "mmu_notifier_invalidate_range_start(mm, mmun_start, mmun_end);", Call(MnInvalidateRangeStart)),
        Stmt::new(143, "ptep = page_check_address(page, mm, addr, &ptl, 0);", PageCheckAddress { fail: "unlock" })
            .at("check")
            .ms("ptl-taken"),
        Stmt::new(147, "get_page(kpage);", GetPage(Kpage)),
        Stmt::new(148, "page_add_new_anon_rmap(kpage, vma, addr);", PageAddNewAnonRmap(Kpage)),
        Stmt::new(155, "flush_cache_page(vma, addr, pte_pfn(*ptep));", Nop),
        Stmt::new(156, "ptep_clear_flush(vma, addr, ptep);", PtepClearFlush).ms("pte-cleared"),
        Stmt::new(
            157,
            "set_pte_at_notify(mm, addr, ptep, mk_pte(kpage, vma->vm_page_prot));",
            CallSetPteAtNotify(MkPteKpage),
        )
        .ms("pte-set"),
        Stmt::new(159, "page_remove_rmap(page);", PageRemoveRmap(Page)),
        Stmt::new(160, "if (!page_mapped(page)) try_to_free_swap(page);", Nop),
        Stmt::new(162, "pte_unmap_unlock(ptep, ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::new(166, "put_page(page);", PutPage(Page)),
        Stmt::new(170, "unlock: if (range_needed)  /* hypothetical */", IfNotifyMissing { else_: "unlock_page" })
            .at("unlock"),
        Stmt::new(170, "mmu_notifier_invalidate_range_end(mm, mmun_start, mmun_end);", Call(MnInvalidateRangeEnd)),
        Stmt::new(171, "unlock_page(page);", UnlockPage(Page)).at("unlock_page"),
    ],
};

// --- v4.15 ---
//
// Lines read in vanilla v4.15 (sndrzt/linux-4.15@6ea06264896d, Makefile
// 4.15.0; kernel/events/uprobes.c blob 267f6ef91d97). `__replace_page`
// clears the pte with `ptep_clear_flush_notify` (`invalidate_range` under
// the PT lock) and ends with a full `range_end`, so an `invalidate_range`
// user is flushed a second time after the unlock.

/// v4.15 `uprobe_write_opcode` ("called with mm->mmap_sem held for write",
/// 299). The `-EAGAIN` retry (338-339) is not modelled.
pub static UPROBE_WRITE_OPCODE_V4_15: Function = Function {
    id: FuncId::UprobeWriteOpcode,
    name: "uprobe_write_opcode",
    file: F,
    tag: Tag::V4_15,
    line: 302,
    base_line: 302,
    body: &[
        Stmt::new(
            311,
            "ret = get_user_pages_remote(NULL, mm, vaddr, 1, FOLL_FORCE | FOLL_SPLIT, &old_page, &vma, NULL);",
            GetUserPages,
        ),
        Stmt::new(325, "new_page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, vaddr);", AllocNewPage),
        Stmt::new(330, "copy_highpage(new_page, old_page);", CopyPage),
        Stmt::new(331, "copy_to_page(new_page, vaddr, &opcode, UPROBE_SWBP_INSN_SIZE);", WriteOpcode),
        Stmt::new(333, "ret = __replace_page(vma, vaddr, old_page, new_page);", Call(UprobeReplacePage)),
        Stmt::new(334, "put_page(new_page);", PutPage(Kpage)),
        Stmt::new(336, "put_old: put_page(old_page);", PutPage(Page)),
        Stmt::new(340, "return ret;", Return),
    ],
};

/// v4.15 `__replace_page`: bracketed; `ptep_clear_flush_notify`, then
/// `change_pte` with the new read-only pte, both under the PT lock.
pub static REPLACE_PAGE_V4_15: Function = Function {
    id: FuncId::UprobeReplacePage,
    name: "__replace_page",
    file: F,
    tag: Tag::V4_15,
    line: 154,
    base_line: 154,
    body: &[
        Stmt::new(177, "lock_page(old_page);", LockPage(Page)),
        Stmt::new(
            179,
            "mmu_notifier_invalidate_range_start(mm, mmun_start, mmun_end);  /* one page, 165-166 */",
            Call(MnInvalidateRangeStart),
        ),
        Stmt::new(
            181,
            "if (!page_vma_mapped_walk(&pvmw)) { mem_cgroup_cancel_charge(...); goto unlock; }  /* takes the PT lock */",
            PageCheckAddress { fail: "unlock" },
        )
        .ms("ptl-taken"),
        Stmt::new(187, "get_page(new_page);", GetPage(Kpage)),
        Stmt::new(188, "page_add_new_anon_rmap(new_page, vma, addr, false);", PageAddNewAnonRmap(Kpage)),
        Stmt::new(197, "flush_cache_page(vma, addr, pte_pfn(*pvmw.pte));", Nop),
        Stmt::new(198, "ptep_clear_flush_notify(vma, addr, pvmw.pte);", Call(PtepClearFlushNotify)),
        Stmt::new(
            199,
            "set_pte_at_notify(mm, addr, pvmw.pte, mk_pte(new_page, vma->vm_page_prot));",
            CallSetPteAtNotify(MkPteKpage),
        )
        .ms("pte-set"),
        Stmt::new(202, "page_remove_rmap(old_page, false);", PageRemoveRmap(Page)),
        Stmt::new(203, "if (!page_mapped(old_page)) try_to_free_swap(old_page);", Nop),
        Stmt::new(205, "page_vma_mapped_walk_done(&pvmw);", PtlUnlock).ms("ptl-released"),
        Stmt::new(209, "put_page(old_page);  /* after munlock_vma_page if VM_LOCKED, 207-208 */", PutPage(Page)),
        Stmt::new(
            213,
            "unlock: mmu_notifier_invalidate_range_end(mm, mmun_start, mmun_end);  /* only_end = false: invalidate_range again */",
            CallInvalidateRangeEnd { only_end: false },
        )
        .at("unlock"),
        Stmt::new(214, "unlock_page(old_page);", UnlockPage(Page)),
    ],
};
// --- v6.9 / v6.10 ---
//
// Lines read in T6.9 (ec-jt/linux-6.9.0 @ b12020242247) and T6.10
// (msgeden/cryptocap-arm64-linux-6.10 @ 449e07155be2): the same numbers in
// both; v6.10 only turns `set_pte_at_notify` into `set_pte_at` (and the
// rbtree lock into an rwlock). The register path (`is_register`); the
// caller holds mmap_lock for write (456).

/// `uprobe_write_opcode` at v6.9.
pub static UPROBE_WRITE_OPCODE_V6_9: Function = Function {
    id: FuncId::UprobeWriteOpcode,
    name: "uprobe_write_opcode",
    file: F,
    tag: Tag::V6_9,
    line: 459,
    base_line: 459,
    body: &[
        Stmt::new(476, "old_page = get_user_page_vma_remote(mm, vaddr, gup_flags, &vma);", GetUserPages),
        Stmt::new(508, "new_page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, vaddr);", AllocNewPage),
        Stmt::new(513, "copy_highpage(new_page, old_page);", CopyPage),
        Stmt::new(514, "copy_to_page(new_page, vaddr, &opcode, UPROBE_SWBP_INSN_SIZE);", WriteOpcode),
        Stmt::new(540, "ret = __replace_page(vma, vaddr & PAGE_MASK, old_page, new_page);", Call(UprobeReplacePage)),
        Stmt::new(542, "if (new_page) put_page(new_page);", PutPage(Kpage)),
        Stmt::new(544, "put_old: put_page(old_page);", PutPage(Page)),
        Stmt::new(557, "return ret;", Return),
    ],
};

/// `uprobe_write_opcode` at v6.10.
pub static UPROBE_WRITE_OPCODE_V6_10: Function = Function {
    id: FuncId::UprobeWriteOpcode,
    name: "uprobe_write_opcode",
    file: F,
    tag: Tag::V6_10,
    line: 459,
    base_line: 459,
    body: &[
        Stmt::new(476, "old_page = get_user_page_vma_remote(mm, vaddr, gup_flags, &vma);", GetUserPages),
        Stmt::new(508, "new_page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, vaddr);", AllocNewPage),
        Stmt::new(513, "copy_highpage(new_page, old_page);", CopyPage),
        Stmt::new(514, "copy_to_page(new_page, vaddr, &opcode, UPROBE_SWBP_INSN_SIZE);", WriteOpcode),
        Stmt::new(540, "ret = __replace_page(vma, vaddr & PAGE_MASK, old_page, new_page);", Call(UprobeReplacePage)),
        Stmt::new(542, "if (new_page) put_page(new_page);", PutPage(Kpage)),
        Stmt::new(544, "put_old: put_page(old_page);", PutPage(Page)),
        Stmt::new(557, "return ret;", Return),
    ],
};

/// `__replace_page` at v6.9: range_init before any lock, range_start
/// under the old folio's lock; the old page's reference goes before
/// range_end.
pub static REPLACE_PAGE_V6_9: Function = Function {
    id: FuncId::UprobeReplacePage,
    name: "__replace_page",
    file: F,
    tag: Tag::V6_9,
    line: 153,
    base_line: 153,
    body: &[
        Stmt::new(163, "mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, mm, addr, addr + PAGE_SIZE);", Nop),
        Stmt::new(168, "err = mem_cgroup_charge(new_folio, vma->vm_mm, GFP_KERNEL);", Nop),
        Stmt::new(174, "folio_lock(old_folio);", LockPage(Page)),
        Stmt::new(176, "mmu_notifier_invalidate_range_start(&range);", Call(MnInvalidateRangeStart)),
        Stmt::new(
            178,
            "if (!page_vma_mapped_walk(&pvmw)) goto unlock;  /* takes the PT lock */",
            PageCheckAddress { fail: "unlock" },
        )
        .ms("ptl-taken"),
        Stmt::new(183, "folio_get(new_folio);", GetPage(Kpage)),
        Stmt::new(184, "folio_add_new_anon_rmap(new_folio, vma, addr);", PageAddNewAnonRmap(Kpage)),
        Stmt::new(185, "folio_add_lru_vma(new_folio, vma);", Nop),
        Stmt::new(195, "flush_cache_page(vma, addr, pte_pfn(ptep_get(pvmw.pte)));", Nop),
        Stmt::new(196, "ptep_clear_flush(vma, addr, pvmw.pte);", CallPtepClearFlush { keep_entry: false })
            .ms("pte-cleared"),
        Stmt::new(
            198,
            "if (new_page) set_pte_at_notify(mm, addr, pvmw.pte, mk_pte(new_page, vma->vm_page_prot));",
            CallSetPteAtNotify(MkPteKpage),
        )
        .ms("pte-set"),
        Stmt::new(201, "folio_remove_rmap_pte(old_folio, old_page, vma);", PageRemoveRmap(Page)),
        Stmt::new(202, "if (!folio_mapped(old_folio)) folio_free_swap(old_folio);", Nop),
        Stmt::new(204, "page_vma_mapped_walk_done(&pvmw);", PtlUnlock).ms("ptl-released"),
        Stmt::new(205, "folio_put(old_folio);", PutPage(Page)),
        Stmt::new(209, "unlock: mmu_notifier_invalidate_range_end(&range);", Call(MnInvalidateRangeEnd)).at("unlock"),
        Stmt::new(210, "folio_unlock(old_folio);", UnlockPage(Page)),
        Stmt::new(211, "return err;", Return),
    ],
};

/// `__replace_page` at v6.10: range_init before any lock, range_start
/// under the old folio's lock; the old page's reference goes before
/// range_end.
pub static REPLACE_PAGE_V6_10: Function = Function {
    id: FuncId::UprobeReplacePage,
    name: "__replace_page",
    file: F,
    tag: Tag::V6_10,
    line: 153,
    base_line: 153,
    body: &[
        Stmt::new(163, "mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, mm, addr, addr + PAGE_SIZE);", Nop),
        Stmt::new(168, "err = mem_cgroup_charge(new_folio, vma->vm_mm, GFP_KERNEL);", Nop),
        Stmt::new(174, "folio_lock(old_folio);", LockPage(Page)),
        Stmt::new(176, "mmu_notifier_invalidate_range_start(&range);", Call(MnInvalidateRangeStart)),
        Stmt::new(
            178,
            "if (!page_vma_mapped_walk(&pvmw)) goto unlock;  /* takes the PT lock */",
            PageCheckAddress { fail: "unlock" },
        )
        .ms("ptl-taken"),
        Stmt::new(183, "folio_get(new_folio);", GetPage(Kpage)),
        Stmt::new(184, "folio_add_new_anon_rmap(new_folio, vma, addr);", PageAddNewAnonRmap(Kpage)),
        Stmt::new(185, "folio_add_lru_vma(new_folio, vma);", Nop),
        Stmt::new(195, "flush_cache_page(vma, addr, pte_pfn(ptep_get(pvmw.pte)));", Nop),
        Stmt::new(196, "ptep_clear_flush(vma, addr, pvmw.pte);", CallPtepClearFlush { keep_entry: false })
            .ms("pte-cleared"),
        Stmt::new(
            198,
            "if (new_page) set_pte_at(mm, addr, pvmw.pte, mk_pte(new_page, vma->vm_page_prot));",
            SetPteAtFrom(MkPteKpage),
        )
        .ms("pte-set"),
        Stmt::new(201, "folio_remove_rmap_pte(old_folio, old_page, vma);", PageRemoveRmap(Page)),
        Stmt::new(202, "if (!folio_mapped(old_folio)) folio_free_swap(old_folio);", Nop),
        Stmt::new(204, "page_vma_mapped_walk_done(&pvmw);", PtlUnlock).ms("ptl-released"),
        Stmt::new(205, "folio_put(old_folio);", PutPage(Page)),
        Stmt::new(209, "unlock: mmu_notifier_invalidate_range_end(&range);", Call(MnInvalidateRangeEnd)).at("unlock"),
        Stmt::new(210, "folio_unlock(old_folio);", UnlockPage(Page)),
        Stmt::new(211, "return err;", Return),
    ],
};
