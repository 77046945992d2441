//! mm/ksm.c: `try_to_merge_one_page`, `write_protect_page`, `replace_page`.
//!
//! Lines: v3.6 and v3.13 from kernel-facts §3.1–3.2 and §10; the patched
//! `write_protect_page` from the 2014 patch's hunks (`@@ -861,8 +861,7`,
//! `@@ -870,13 +869,9`, `@@ -904,15 +899,15`), which put every later line
//! 1 then 5 lines earlier than in v3.13.

use super::EntryFrom::{Entry, MkPteKpage};
use super::FuncId::*;
use super::Op::*;
use super::Which::*;
use super::{FuncId, Function, Stmt};
use crate::tag::Tag;

const F: &str = "mm/ksm.c";

/// v3.6 `try_to_merge_one_page` (caller holds mmap_sem for read).
pub static TRY_TO_MERGE_ONE_PAGE_V3_6: Function = Function {
    id: FuncId::TryToMergeOnePage,
    name: "try_to_merge_one_page",
    file: F,
    tag: Tag::V3_6,
    line: 857,
    base_line: 857,
    body: &[
        Stmt::new(881, "if (!trylock_page(page)) goto out;", TrylockPage { which: Page, fail: "out" }),
        Stmt::new(889, "if (write_protect_page(vma, page, &orig_pte) == 0) {", Call(WriteProtectPage)),
        Stmt::new(899, "} else if (pages_identical(page, kpage))", IfWriteProtectedAndIdentical { else_: "unlock" }),
        Stmt::new(900, "err = replace_page(vma, page, kpage, orig_pte);", Call(ReplacePage)),
        Stmt::new(913, "unlock_page(page);", UnlockPage(Page)).at("unlock"),
        Stmt::new(915, "return err;", Return).at("out"),
    ],
};

/// v3.13 `try_to_merge_one_page`.
pub static TRY_TO_MERGE_ONE_PAGE_V3_13: Function = Function {
    id: FuncId::TryToMergeOnePage,
    name: "try_to_merge_one_page",
    file: F,
    tag: Tag::V3_13,
    line: 1016,
    base_line: 1016,
    body: &[
        Stmt::new(1040, "if (!trylock_page(page)) goto out;", TrylockPage { which: Page, fail: "out" }),
        Stmt::new(1048, "if (write_protect_page(vma, page, &orig_pte) == 0) {", Call(WriteProtectPage)),
        Stmt::new(1058, "} else if (pages_identical(page, kpage))", IfWriteProtectedAndIdentical { else_: "unlock" }),
        Stmt::new(1059, "err = replace_page(vma, page, kpage, orig_pte);", Call(ReplacePage)),
        Stmt::new(1072, "unlock_page(page);", UnlockPage(Page)).at("unlock"),
        Stmt::new(1074, "return err;", Return).at("out"),
    ],
};

/// v3.6 `write_protect_page` (semantics `original`): no range bracket.
pub static WRITE_PROTECT_PAGE_V3_6: Function = Function {
    id: FuncId::WriteProtectPage,
    name: "write_protect_page",
    file: F,
    tag: Tag::V3_6,
    line: 703,
    base_line: 703,
    body: &[
        Stmt::new(713, "addr = page_address_in_vma(page, vma);", Nop),
        Stmt::new(718, "ptep = page_check_address(page, mm, addr, &ptl, 0);", PageCheckAddress { fail: "out" })
            .ms("ptl-taken"),
        Stmt::new(722, "if (pte_write(*ptep) || pte_dirty(*ptep)) {", IfPteWriteOrDirty { else_: "orig" }),
        Stmt::new(726, "flush_cache_page(vma, addr, page_to_pfn(page));", Nop),
        Stmt::new(736, "entry = ptep_clear_flush(vma, addr, ptep);", PtepClearFlushEntry).ms("pte-cleared"),
        Stmt::new(
            741,
            "if (page_mapcount(page) + 1 + swapped != page_count(page)) {",
            IfRefcountMismatch { else_: "dirty" },
        ),
        Stmt::new(742, "set_pte_at(mm, addr, ptep, entry);  /* raced: restore */", SetPteAt),
        Stmt::new(743, "goto out_unlock;", Goto("out_unlock")),
        Stmt::new(745, "if (pte_dirty(entry)) set_page_dirty(page);", SetPageDirtyIfEntryDirty).at("dirty"),
        Stmt::new(747, "entry = pte_mkclean(pte_wrprotect(entry));", EntryWrprotectClean),
        Stmt::new(748, "set_pte_at_notify(mm, addr, ptep, entry);", CallSetPteAtNotify(super::EntryFrom::Entry))
            .ms("pte-set"),
        Stmt::new(750, "*orig_pte = *ptep; err = 0;", SaveOrigPte).at("orig"),
        Stmt::new(754, "pte_unmap_unlock(ptep, ptl);", PtlUnlock).at("out_unlock").ms("ptl-released"),
        Stmt::new(756, "return err;", Return).at("out"),
    ],
};

/// v3.13 `write_protect_page` (semantics `wrapped`): bracketed by
/// range_start/end.
pub static WRITE_PROTECT_PAGE_V3_13: Function = Function {
    id: FuncId::WriteProtectPage,
    name: "write_protect_page",
    file: F,
    tag: Tag::V3_13,
    line: 855,
    base_line: 855,
    body: &[
        Stmt::new(867, "addr = page_address_in_vma(page, vma);", Nop),
        Stmt::new(
            875,
            "mmu_notifier_invalidate_range_start(mm, addr, addr + PAGE_SIZE);",
            Call(MnInvalidateRangeStart),
        ),
        Stmt::new(877, "ptep = page_check_address(page, mm, addr, &ptl, 0);", PageCheckAddress { fail: "out_mn" })
            .ms("ptl-taken"),
        Stmt::new(881, "if (pte_write(*ptep) || pte_dirty(*ptep)) {", IfPteWriteOrDirty { else_: "orig" }),
        Stmt::new(885, "flush_cache_page(vma, addr, page_to_pfn(page));", Nop),
        Stmt::new(895, "entry = ptep_clear_flush(vma, addr, ptep);", PtepClearFlushEntry).ms("pte-cleared"),
        Stmt::new(
            900,
            "if (page_mapcount(page) + 1 + swapped != page_count(page)) {",
            IfRefcountMismatch { else_: "dirty" },
        ),
        Stmt::new(901, "set_pte_at(mm, addr, ptep, entry);  /* raced: restore */", SetPteAt),
        Stmt::new(902, "goto out_unlock;", Goto("out_unlock")),
        Stmt::new(904, "if (pte_dirty(entry)) set_page_dirty(page);", SetPageDirtyIfEntryDirty).at("dirty"),
        Stmt::new(906, "entry = pte_mkclean(pte_wrprotect(entry));", EntryWrprotectClean),
        Stmt::new(907, "set_pte_at_notify(mm, addr, ptep, entry);", CallSetPteAtNotify(super::EntryFrom::Entry))
            .ms("pte-set"),
        Stmt::new(909, "*orig_pte = *ptep; err = 0;", SaveOrigPte).at("orig"),
        Stmt::new(913, "pte_unmap_unlock(ptep, ptl);", PtlUnlock).at("out_unlock").ms("ptl-released"),
        Stmt::new(915, "mmu_notifier_invalidate_range_end(mm, addr, addr + PAGE_SIZE);", Call(MnInvalidateRangeEnd))
            .at("out_mn"),
        Stmt::new(917, "return err;", Return),
    ],
};

/// `write_protect_page` with the 2014 patch applied (`v3.13+patch`,
/// semantics `patched`).
pub static WRITE_PROTECT_PAGE_PATCHED: Function = Function {
    id: FuncId::WriteProtectPage,
    name: "write_protect_page",
    file: F,
    tag: Tag::V3_13_PATCH,
    line: 855,
    base_line: 855,
    body: &[
        Stmt::patched(864, 864, "int notify_missing = 0;", ClearNotifyMissing),
        Stmt::patched(866, 867, "addr = page_address_in_vma(page, vma);", Nop),
        Stmt::patched(
            872,
            877,
            "ptep = page_check_address(page, mm, addr, &ptl, 0);",
            PageCheckAddress { fail: "out" },
        )
        .ms("ptl-taken"),
        Stmt::patched(876, 881, "if (pte_write(*ptep) || pte_dirty(*ptep)) {", IfPteWriteOrDirty { else_: "orig" }),
        Stmt::patched(880, 885, "flush_cache_page(vma, addr, page_to_pfn(page));", Nop),
        Stmt::patched(890, 895, "entry = ptep_clear_flush(vma, addr, ptep);", PtepClearFlushEntry).ms("pte-cleared"),
        Stmt::patched(
            895,
            900,
            "if (page_mapcount(page) + 1 + swapped != page_count(page)) {",
            IfRefcountMismatch { else_: "dirty" },
        ),
        Stmt::patched(896, 901, "set_pte_at(mm, addr, ptep, entry);  /* raced: restore */", SetPteAt),
        Stmt::patched(897, 902, "goto out_unlock;", Goto("out_unlock")),
        Stmt::patched(899, 904, "if (pte_dirty(entry)) set_page_dirty(page);", SetPageDirtyIfEntryDirty).at("dirty"),
        Stmt::patched(901, 906, "entry = pte_mkclean(pte_wrprotect(entry));", EntryWrprotectClean),
        Stmt::patched(
            902,
            907,
            "notify_missing = set_pte_at_notify(mm, addr, ptep, entry);",
            CallSetPteAtNotify(super::EntryFrom::Entry),
        )
        .ms("pte-set"),
        Stmt::patched(904, 909, "*orig_pte = *ptep; err = 0;", SaveOrigPte).at("orig"),
        Stmt::patched(908, 913, "pte_unmap_unlock(ptep, ptl);", PtlUnlock).at("out_unlock").ms("ptl-released"),
        Stmt::patched(909, 915, "if (notify_missing)", IfNotifyMissing { else_: "out" }),
        Stmt::patched(
            910,
            915,
            "mmu_notifier_invalidate_page_if_missing_change_pte(mm, addr);",
            Call(MnInvalidatePageIfMissing),
        ),
        Stmt::patched(912, 917, "return err;", Return).at("out"),
    ],
};

/// v3.6 `replace_page`: no bracket.
pub static REPLACE_PAGE_V3_6: Function = Function {
    id: FuncId::ReplacePage,
    name: "replace_page",
    file: F,
    tag: Tag::V3_6,
    line: 768,
    base_line: 768,
    body: &[
        Stmt::new(780, "addr = page_address_in_vma(page, vma);", Nop),
        Stmt::new(784, "pgd = pgd_offset(mm, addr); ... pmd = pmd_offset(pud, addr);", Nop),
        Stmt::new(797, "ptep = pte_offset_map_lock(mm, pmd, addr, &ptl);", PtlLock).ms("ptl-taken"),
        Stmt::new(798, "if (!pte_same(*ptep, orig_pte)) {", IfPteChanged { same: "same" }),
        Stmt::new(799, "pte_unmap_unlock(ptep, ptl);", PtlUnlock),
        Stmt::new(800, "goto out;", Goto("out")),
        Stmt::new(803, "get_page(kpage);", GetPage(Kpage)).at("same"),
        Stmt::new(804, "page_add_anon_rmap(kpage, vma, addr);", PageAddAnonRmap(Kpage)),
        Stmt::new(806, "flush_cache_page(vma, addr, pte_pfn(*ptep));", Nop),
        Stmt::new(807, "ptep_clear_flush(vma, addr, ptep);", PtepClearFlush).ms("pte-cleared"),
        Stmt::new(
            808,
            "set_pte_at_notify(mm, addr, ptep, mk_pte(kpage, vma->vm_page_prot));",
            CallSetPteAtNotify(MkPteKpage),
        )
        .ms("pte-set"),
        Stmt::new(810, "page_remove_rmap(page);", PageRemoveRmap(Page)),
        Stmt::new(811, "if (!page_mapped(page)) try_to_free_swap(page);", Nop),
        Stmt::new(813, "put_page(page);", PutPage(Page)),
        Stmt::new(815, "pte_unmap_unlock(ptep, ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::new(818, "return err;", Return).at("out"),
    ],
};

/// v3.13 `replace_page`: bracketed under `wrapped` and, because the 2014
/// patch does not touch it, under `patched` too.
pub static REPLACE_PAGE_V3_13: Function = Function {
    id: FuncId::ReplacePage,
    name: "replace_page",
    file: F,
    tag: Tag::V3_13,
    line: 929,
    base_line: 929,
    body: &[
        Stmt::new(941, "addr = page_address_in_vma(page, vma);", Nop),
        Stmt::new(945, "pmd = mm_find_pmd(mm, addr);", Nop),
        Stmt::new(
            952,
            "mmu_notifier_invalidate_range_start(mm, addr, addr + PAGE_SIZE);",
            Call(MnInvalidateRangeStart),
        ),
        Stmt::new(954, "ptep = pte_offset_map_lock(mm, pmd, addr, &ptl);", PtlLock).ms("ptl-taken"),
        Stmt::new(955, "if (!pte_same(*ptep, orig_pte)) {", IfPteChanged { same: "same" }),
        Stmt::new(956, "pte_unmap_unlock(ptep, ptl);", PtlUnlock),
        Stmt::new(957, "goto out_mn;", Goto("out_mn")),
        Stmt::new(960, "get_page(kpage);", GetPage(Kpage)).at("same"),
        Stmt::new(961, "page_add_anon_rmap(kpage, vma, addr);", PageAddAnonRmap(Kpage)),
        Stmt::new(963, "flush_cache_page(vma, addr, pte_pfn(*ptep));", Nop),
        Stmt::new(964, "ptep_clear_flush(vma, addr, ptep);", PtepClearFlush).ms("pte-cleared"),
        Stmt::new(
            965,
            "set_pte_at_notify(mm, addr, ptep, mk_pte(kpage, vma->vm_page_prot));",
            CallSetPteAtNotify(MkPteKpage),
        )
        .ms("pte-set"),
        Stmt::new(967, "page_remove_rmap(page);", PageRemoveRmap(Page)),
        Stmt::new(968, "if (!page_mapped(page)) try_to_free_swap(page);", Nop),
        Stmt::new(970, "put_page(page);", PutPage(Page)),
        Stmt::new(972, "pte_unmap_unlock(ptep, ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::new(975, "mmu_notifier_invalidate_range_end(mm, addr, addr + PAGE_SIZE);", Call(MnInvalidateRangeEnd))
            .at("out_mn"),
        Stmt::new(977, "return err;", Return),
    ],
};

// --- design alternatives over v3.13 (hypothetical code) ---
//
// Each line cites the v3.13 line it is or modifies; the lines the design
// adds say `hypothetical` in their code too.

/// `write_protect_page` under `bracket_if_missing` (Haggai Eran,
/// 2014-04-02): the bracket only when some range notifier lacks
/// `change_pte`.
pub static WRITE_PROTECT_PAGE_IF_MISSING: Function = Function {
    id: FuncId::WriteProtectPage,
    name: "write_protect_page",
    file: F,
    tag: Tag::HYPOTHETICAL_V3_13_ALT,
    line: 855,
    base_line: 855,
    body: &[
        Stmt::new(867, "addr = page_address_in_vma(page, vma);", Nop),
        Stmt::new(875, "range_needed = mmu_notifier_range_needed(mm);  /* hypothetical */", Call(MnRangeNeeded)),
        Stmt::new(875, "if (range_needed)  /* hypothetical */", IfNotifyMissing { else_: "check" }),
        Stmt::new(
            875,
            "mmu_notifier_invalidate_range_start(mm, addr, addr + PAGE_SIZE);",
            Call(MnInvalidateRangeStart),
        ),
        Stmt::new(877, "ptep = page_check_address(page, mm, addr, &ptl, 0);", PageCheckAddress { fail: "out_mn" })
            .at("check")
            .ms("ptl-taken"),
        Stmt::new(881, "if (pte_write(*ptep) || pte_dirty(*ptep)) {", IfPteWriteOrDirty { else_: "orig" }),
        Stmt::new(885, "flush_cache_page(vma, addr, page_to_pfn(page));", Nop),
        Stmt::new(895, "entry = ptep_clear_flush(vma, addr, ptep);", PtepClearFlushEntry).ms("pte-cleared"),
        Stmt::new(
            900,
            "if (page_mapcount(page) + 1 + swapped != page_count(page)) {",
            IfRefcountMismatch { else_: "dirty" },
        ),
        Stmt::new(901, "set_pte_at(mm, addr, ptep, entry);  /* raced: restore */", SetPteAt),
        Stmt::new(902, "goto out_unlock;", Goto("out_unlock")),
        Stmt::new(904, "if (pte_dirty(entry)) set_page_dirty(page);", SetPageDirtyIfEntryDirty).at("dirty"),
        Stmt::new(906, "entry = pte_mkclean(pte_wrprotect(entry));", EntryWrprotectClean),
        Stmt::new(907, "set_pte_at_notify(mm, addr, ptep, entry);", CallSetPteAtNotify(super::EntryFrom::Entry))
            .ms("pte-set"),
        Stmt::new(909, "*orig_pte = *ptep; err = 0;", SaveOrigPte).at("orig"),
        Stmt::new(913, "pte_unmap_unlock(ptep, ptl);", PtlUnlock).at("out_unlock").ms("ptl-released"),
        Stmt::new(915, "if (range_needed)  /* hypothetical */", IfNotifyMissing { else_: "out" }).at("out_mn"),
        Stmt::new(915, "mmu_notifier_invalidate_range_end(mm, addr, addr + PAGE_SIZE);", Call(MnInvalidateRangeEnd)),
        Stmt::new(917, "return err;", Return).at("out"),
    ],
};

/// `write_protect_page` under `event_aware` (Glisse, 2014-04-02 and the
/// 2019 RFC): the bracket stays, tagged "change_pte follows".
pub static WRITE_PROTECT_PAGE_EVENT: Function = Function {
    id: FuncId::WriteProtectPage,
    name: "write_protect_page",
    file: F,
    tag: Tag::HYPOTHETICAL_V3_13_ALT,
    line: 855,
    base_line: 855,
    body: &[
        Stmt::new(867, "addr = page_address_in_vma(page, vma);", Nop),
        Stmt::new(
            875,
            "mmu_notifier_invalidate_range_start(mm, addr, addr + PAGE_SIZE, MMU_CHANGE_PTE);  /* hypothetical event */",
            CallTagged(MnInvalidateRangeStart),
        ),
        Stmt::new(877, "ptep = page_check_address(page, mm, addr, &ptl, 0);", PageCheckAddress { fail: "out_mn" })
            .ms("ptl-taken"),
        Stmt::new(881, "if (pte_write(*ptep) || pte_dirty(*ptep)) {", IfPteWriteOrDirty { else_: "orig" }),
        Stmt::new(885, "flush_cache_page(vma, addr, page_to_pfn(page));", Nop),
        Stmt::new(895, "entry = ptep_clear_flush(vma, addr, ptep);", PtepClearFlushEntry).ms("pte-cleared"),
        Stmt::new(
            900,
            "if (page_mapcount(page) + 1 + swapped != page_count(page)) {",
            IfRefcountMismatch { else_: "dirty" },
        ),
        Stmt::new(901, "set_pte_at(mm, addr, ptep, entry);  /* raced: restore */", SetPteAt),
        Stmt::new(902, "goto out_unlock;", Goto("out_unlock")),
        Stmt::new(904, "if (pte_dirty(entry)) set_page_dirty(page);", SetPageDirtyIfEntryDirty).at("dirty"),
        Stmt::new(906, "entry = pte_mkclean(pte_wrprotect(entry));", EntryWrprotectClean),
        Stmt::new(907, "set_pte_at_notify(mm, addr, ptep, entry);", CallSetPteAtNotify(super::EntryFrom::Entry))
            .ms("pte-set"),
        Stmt::new(909, "*orig_pte = *ptep; err = 0;", SaveOrigPte).at("orig"),
        Stmt::new(913, "pte_unmap_unlock(ptep, ptl);", PtlUnlock).at("out_unlock").ms("ptl-released"),
        Stmt::new(
            915,
            "mmu_notifier_invalidate_range_end(mm, addr, addr + PAGE_SIZE, MMU_CHANGE_PTE);  /* hypothetical event */",
            CallTagged(MnInvalidateRangeEnd),
        )
        .at("out_mn"),
        Stmt::new(917, "return err;", Return),
    ],
};

/// KSM's `replace_page` under `bracket_if_missing`.
pub static REPLACE_PAGE_IF_MISSING: Function = Function {
    id: FuncId::ReplacePage,
    name: "replace_page",
    file: F,
    tag: Tag::HYPOTHETICAL_V3_13_ALT,
    line: 929,
    base_line: 929,
    body: &[
        Stmt::new(941, "addr = page_address_in_vma(page, vma);", Nop),
        Stmt::new(945, "pmd = mm_find_pmd(mm, addr);", Nop),
        Stmt::new(952, "range_needed = mmu_notifier_range_needed(mm);  /* hypothetical */", Call(MnRangeNeeded)),
        Stmt::new(952, "if (range_needed)  /* hypothetical */", IfNotifyMissing { else_: "lock" }),
        Stmt::new(
            952,
            "mmu_notifier_invalidate_range_start(mm, addr, addr + PAGE_SIZE);",
            Call(MnInvalidateRangeStart),
        ),
        Stmt::new(954, "ptep = pte_offset_map_lock(mm, pmd, addr, &ptl);", PtlLock).at("lock").ms("ptl-taken"),
        Stmt::new(955, "if (!pte_same(*ptep, orig_pte)) {", IfPteChanged { same: "same" }),
        Stmt::new(956, "pte_unmap_unlock(ptep, ptl);", PtlUnlock),
        Stmt::new(957, "goto out_mn;", Goto("out_mn")),
        Stmt::new(960, "get_page(kpage);", GetPage(Kpage)).at("same"),
        Stmt::new(961, "page_add_anon_rmap(kpage, vma, addr);", PageAddAnonRmap(Kpage)),
        Stmt::new(963, "flush_cache_page(vma, addr, pte_pfn(*ptep));", Nop),
        Stmt::new(964, "ptep_clear_flush(vma, addr, ptep);", PtepClearFlush).ms("pte-cleared"),
        Stmt::new(
            965,
            "set_pte_at_notify(mm, addr, ptep, mk_pte(kpage, vma->vm_page_prot));",
            CallSetPteAtNotify(MkPteKpage),
        )
        .ms("pte-set"),
        Stmt::new(967, "page_remove_rmap(page);", PageRemoveRmap(Page)),
        Stmt::new(968, "if (!page_mapped(page)) try_to_free_swap(page);", Nop),
        Stmt::new(970, "put_page(page);", PutPage(Page)),
        Stmt::new(972, "pte_unmap_unlock(ptep, ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::new(975, "if (range_needed)  /* hypothetical */", IfNotifyMissing { else_: "out" }).at("out_mn"),
        Stmt::new(975, "mmu_notifier_invalidate_range_end(mm, addr, addr + PAGE_SIZE);", Call(MnInvalidateRangeEnd)),
        Stmt::new(977, "return err;", Return).at("out"),
    ],
};

/// KSM's `replace_page` under `event_aware`.
pub static REPLACE_PAGE_EVENT: Function = Function {
    id: FuncId::ReplacePage,
    name: "replace_page",
    file: F,
    tag: Tag::HYPOTHETICAL_V3_13_ALT,
    line: 929,
    base_line: 929,
    body: &[
        Stmt::new(941, "addr = page_address_in_vma(page, vma);", Nop),
        Stmt::new(945, "pmd = mm_find_pmd(mm, addr);", Nop),
        Stmt::new(
            952,
            "mmu_notifier_invalidate_range_start(mm, addr, addr + PAGE_SIZE, MMU_CHANGE_PTE);  /* hypothetical event */",
            CallTagged(MnInvalidateRangeStart),
        ),
        Stmt::new(954, "ptep = pte_offset_map_lock(mm, pmd, addr, &ptl);", PtlLock).ms("ptl-taken"),
        Stmt::new(955, "if (!pte_same(*ptep, orig_pte)) {", IfPteChanged { same: "same" }),
        Stmt::new(956, "pte_unmap_unlock(ptep, ptl);", PtlUnlock),
        Stmt::new(957, "goto out_mn;", Goto("out_mn")),
        Stmt::new(960, "get_page(kpage);", GetPage(Kpage)).at("same"),
        Stmt::new(961, "page_add_anon_rmap(kpage, vma, addr);", PageAddAnonRmap(Kpage)),
        Stmt::new(963, "flush_cache_page(vma, addr, pte_pfn(*ptep));", Nop),
        Stmt::new(964, "ptep_clear_flush(vma, addr, ptep);", PtepClearFlush).ms("pte-cleared"),
        Stmt::new(
            965,
            "set_pte_at_notify(mm, addr, ptep, mk_pte(kpage, vma->vm_page_prot));",
            CallSetPteAtNotify(MkPteKpage),
        )
        .ms("pte-set"),
        Stmt::new(967, "page_remove_rmap(page);", PageRemoveRmap(Page)),
        Stmt::new(968, "if (!page_mapped(page)) try_to_free_swap(page);", Nop),
        Stmt::new(970, "put_page(page);", PutPage(Page)),
        Stmt::new(972, "pte_unmap_unlock(ptep, ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::new(
            975,
            "mmu_notifier_invalidate_range_end(mm, addr, addr + PAGE_SIZE, MMU_CHANGE_PTE);  /* hypothetical event */",
            CallTagged(MnInvalidateRangeEnd),
        )
        .at("out_mn"),
        Stmt::new(977, "return err;", Return),
    ],
};

// --- v4.15 ---
//
// Lines read in vanilla v4.15 (sndrzt/linux-4.15@6ea06264896d, Makefile
// 4.15.0; mm/ksm.c blob be8f4576f842, the post-image of 0f10851ea475). Both
// functions keep the range bracket; since 0f10851ea475 they clear the pte
// with plain `ptep_clear_flush` (no `invalidate_range` under the PT lock:
// comments 1056-1059 and 1144-1149), so an `invalidate_range` user is
// flushed by the full `range_end` after the unlock.

/// v4.15 `try_to_merge_one_page` (caller `try_to_merge_with_ksm_page` holds
/// mmap_sem for read, 1257-1273).
pub static TRY_TO_MERGE_ONE_PAGE_V4_15: Function = Function {
    id: FuncId::TryToMergeOnePage,
    name: "try_to_merge_one_page",
    file: F,
    tag: Tag::V4_15,
    line: 1175,
    base_line: 1175,
    body: &[
        Stmt::new(1194, "if (!trylock_page(page)) goto out;", TrylockPage { which: Page, fail: "out" }),
        Stmt::new(1208, "if (write_protect_page(vma, page, &orig_pte) == 0) {", Call(WriteProtectPage)),
        Stmt::new(1224, "} else if (pages_identical(page, kpage))", IfWriteProtectedAndIdentical { else_: "unlock" }),
        Stmt::new(1225, "err = replace_page(vma, page, kpage, orig_pte);", Call(ReplacePage)),
        Stmt::new(1239, "out_unlock: unlock_page(page);", UnlockPage(Page)).at("unlock"),
        Stmt::new(1241, "return err;", Return).at("out"),
    ],
};

/// v4.15 `write_protect_page`: bracketed; plain `ptep_clear_flush`, then
/// `change_pte` under the PT lock; the full `range_end` runs each
/// notifier's `invalidate_range` after the unlock.
pub static WRITE_PROTECT_PAGE_V4_15: Function = Function {
    id: FuncId::WriteProtectPage,
    name: "write_protect_page",
    file: F,
    tag: Tag::V4_15,
    line: 1012,
    base_line: 1012,
    body: &[
        Stmt::new(1025, "pvmw.address = page_address_in_vma(page, vma);", Nop),
        Stmt::new(
            1033,
            "mmu_notifier_invalidate_range_start(mm, mmun_start, mmun_end);  /* one page, 1031-1032 */",
            Call(MnInvalidateRangeStart),
        ),
        Stmt::new(
            1035,
            "if (!page_vma_mapped_walk(&pvmw)) goto out_mn;  /* takes the PT lock: page_vma_mapped.c 28-29 */",
            PageCheckAddress { fail: "out_mn" },
        )
        .ms("ptl-taken"),
        Stmt::new(
            1040,
            "if (pte_write(*pvmw.pte) || pte_dirty(*pvmw.pte) || ... /* savedwrite, pending TLB flush: 1041-1042 */) {",
            IfPteWriteOrDirty { else_: "orig" },
        ),
        Stmt::new(1046, "flush_cache_page(vma, pvmw.address, page_to_pfn(page));", Nop),
        Stmt::new(
            1061,
            "entry = ptep_clear_flush(vma, pvmw.address, pvmw.pte);  /* no notify: downgrade to read-only */",
            PtepClearFlushEntry,
        )
        .ms("pte-cleared"),
        Stmt::new(
            1066,
            "if (page_mapcount(page) + 1 + swapped != page_count(page)) {",
            IfRefcountMismatch { else_: "dirty" },
        ),
        Stmt::new(1067, "set_pte_at(mm, pvmw.address, pvmw.pte, entry);  /* raced: restore */", SetPteAt),
        Stmt::new(1068, "goto out_unlock;", Goto("out_unlock")),
        Stmt::new(1070, "if (pte_dirty(entry)) set_page_dirty(page);", SetPageDirtyIfEntryDirty).at("dirty"),
        Stmt::new(1076, "entry = pte_mkclean(pte_wrprotect(entry));", EntryWrprotectClean),
        Stmt::new(
            1077,
            "set_pte_at_notify(mm, pvmw.address, pvmw.pte, entry);",
            CallSetPteAtNotify(super::EntryFrom::Entry),
        )
        .ms("pte-set"),
        Stmt::new(1079, "*orig_pte = *pvmw.pte; err = 0;", SaveOrigPte).at("orig"),
        Stmt::new(
            1083,
            "out_unlock: page_vma_mapped_walk_done(&pvmw);  /* spin_unlock(ptl): rmap.h 219-220 */",
            PtlUnlock,
        )
        .at("out_unlock")
        .ms("ptl-released"),
        Stmt::new(
            1085,
            "out_mn: mmu_notifier_invalidate_range_end(mm, mmun_start, mmun_end);  /* only_end = false */",
            CallInvalidateRangeEnd { only_end: false },
        )
        .at("out_mn"),
        Stmt::new(1087, "return err;", Return),
    ],
};

/// v4.15 `replace_page`: bracketed; plain `ptep_clear_flush` (RO to RO,
/// same content), `change_pte` under the PT lock, full `range_end`.
pub static REPLACE_PAGE_V4_15: Function = Function {
    id: FuncId::ReplacePage,
    name: "replace_page",
    file: F,
    tag: Tag::V4_15,
    line: 1099,
    base_line: 1099,
    body: &[
        Stmt::new(1112, "addr = page_address_in_vma(page, vma);", Nop),
        Stmt::new(1116, "pmd = mm_find_pmd(mm, addr);", Nop),
        Stmt::new(
            1122,
            "mmu_notifier_invalidate_range_start(mm, mmun_start, mmun_end);  /* one page, 1120-1121 */",
            Call(MnInvalidateRangeStart),
        ),
        Stmt::new(1124, "ptep = pte_offset_map_lock(mm, pmd, addr, &ptl);", PtlLock).ms("ptl-taken"),
        Stmt::new(1125, "if (!pte_same(*ptep, orig_pte)) {", IfPteChanged { same: "same" }),
        Stmt::new(1126, "pte_unmap_unlock(ptep, ptl);", PtlUnlock),
        Stmt::new(1127, "goto out_mn;", Goto("out_mn")),
        Stmt::new(1135, "get_page(kpage);  /* kpage is not the zero page (1134) */", GetPage(Kpage)).at("same"),
        Stmt::new(1136, "page_add_anon_rmap(kpage, vma, addr, false);", PageAddAnonRmap(Kpage)),
        Stmt::new(1137, "newpte = mk_pte(kpage, vma->vm_page_prot);", Nop),
        Stmt::new(1143, "flush_cache_page(vma, addr, pte_pfn(*ptep));", Nop),
        Stmt::new(1150, "ptep_clear_flush(vma, addr, ptep);  /* no notify: RO to RO, same content */", PtepClearFlush)
            .ms("pte-cleared"),
        Stmt::new(1151, "set_pte_at_notify(mm, addr, ptep, newpte);", CallSetPteAtNotify(MkPteKpage)).ms("pte-set"),
        Stmt::new(1153, "page_remove_rmap(page, false);", PageRemoveRmap(Page)),
        Stmt::new(1154, "if (!page_mapped(page)) try_to_free_swap(page);", Nop),
        Stmt::new(1156, "put_page(page);", PutPage(Page)),
        Stmt::new(1158, "pte_unmap_unlock(ptep, ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::new(
            1161,
            "out_mn: mmu_notifier_invalidate_range_end(mm, mmun_start, mmun_end);  /* only_end = false */",
            CallInvalidateRangeEnd { only_end: false },
        )
        .at("out_mn"),
        Stmt::new(1163, "return err;", Return),
    ],
};

// --- v6.9 / v6.10 ---
//
// Lines read in T6.9 (ec-jt/linux-6.9.0 @ b12020242247, Makefile 6.9.0) and
// T6.10 (msgeden/cryptocap-arm64-linux-6.10 @ 449e07155be2, first commit,
// Makefile 6.10.0). Both bracket with `mmu_notifier_range_init(&range,
// MMU_NOTIFY_CLEAR, ...)` and clear with plain `ptep_clear_flush`, whose x86
// TLB flush reaches `arch_invalidate_secondary_tlbs` under the PT lock.
// v6.10 writes the pte with plain `set_pte_at` (f7842747d13d).

/// `try_to_merge_one_page` at v6.9 and v6.10 (same lines; caller
/// `try_to_merge_with_ksm_page` holds `mmap_read_lock`, 1547).
pub static TRY_TO_MERGE_ONE_PAGE_V6_9: Function = Function {
    id: FuncId::TryToMergeOnePage,
    name: "try_to_merge_one_page",
    file: F,
    tag: Tag::V6_9,
    line: 1475,
    base_line: 1475,
    body: &[
        Stmt::new(1494, "if (!trylock_page(page)) goto out;", TrylockPage { which: Page, fail: "out" }),
        Stmt::new(1508, "if (write_protect_page(vma, page, &orig_pte) == 0) {", Call(WriteProtectPage)),
        Stmt::new(1524, "} else if (pages_identical(page, kpage))", IfWriteProtectedAndIdentical { else_: "unlock" }),
        Stmt::new(1525, "err = replace_page(vma, page, kpage, orig_pte);", Call(ReplacePage)),
        Stmt::new(1529, "out_unlock: unlock_page(page);", UnlockPage(Page)).at("unlock"),
        Stmt::new(1531, "out: return err;", Return).at("out"),
    ],
};

/// `try_to_merge_one_page` at v6.10: the v6.9 lines, `write_protect_page`
/// now takes `page_folio(page)`.
pub static TRY_TO_MERGE_ONE_PAGE_V6_10: Function = Function {
    id: FuncId::TryToMergeOnePage,
    name: "try_to_merge_one_page",
    file: F,
    tag: Tag::V6_10,
    line: 1475,
    base_line: 1475,
    body: &[
        Stmt::new(1494, "if (!trylock_page(page)) goto out;", TrylockPage { which: Page, fail: "out" }),
        Stmt::new(1508, "if (write_protect_page(vma, page_folio(page), &orig_pte) == 0) {", Call(WriteProtectPage)),
        Stmt::new(1524, "} else if (pages_identical(page, kpage))", IfWriteProtectedAndIdentical { else_: "unlock" }),
        Stmt::new(1525, "err = replace_page(vma, page, kpage, orig_pte);", Call(ReplacePage)),
        Stmt::new(1529, "out_unlock: unlock_page(page);", UnlockPage(Page)).at("unlock"),
        Stmt::new(1531, "out: return err;", Return).at("out"),
    ],
};

/// `write_protect_page` at v6.9: bracketed; `ptep_clear_flush` (which
/// flushes secondary TLBs on x86), then `set_pte_at_notify` under the PT
/// lock. The condition at 1306–1307 also enters on `anon_exclusive` and
/// `mm_tlb_flush_pending`; the model tracks neither, and every scenario's
/// pte is writable there, so `pte_write` decides.
pub static WRITE_PROTECT_PAGE_V6_9: Function = Function {
    id: FuncId::WriteProtectPage,
    name: "write_protect_page",
    file: F,
    tag: Tag::V6_9,
    line: 1278,
    base_line: 1278,
    body: &[
        Stmt::new(1289, "pvmw.address = page_address_in_vma(page, vma);", Nop),
        Stmt::new(
            1295,
            "mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, mm, pvmw.address, pvmw.address + PAGE_SIZE);",
            Nop,
        ),
        Stmt::new(1297, "mmu_notifier_invalidate_range_start(&range);", Call(MnInvalidateRangeStart)),
        Stmt::new(1299, "if (!page_vma_mapped_walk(&pvmw)) goto out_mn;  /* takes the PT lock */", PageCheckAddress {
            fail: "out_mn",
        })
        .ms("ptl-taken"),
        Stmt::new(
            1306,
            "if (pte_write(entry) || pte_dirty(entry) || anon_exclusive || mm_tlb_flush_pending(mm)) {",
            IfPteWriteOrDirty { else_: "orig" },
        ),
        Stmt::new(1309, "flush_cache_page(vma, pvmw.address, page_to_pfn(page));", Nop),
        Stmt::new(1324, "entry = ptep_clear_flush(vma, pvmw.address, pvmw.pte);", CallPtepClearFlush { keep_entry: true }).ms("pte-cleared"),
        Stmt::new(
            1329,
            "if (page_mapcount(page) + 1 + swapped != page_count(page)) {",
            IfRefcountMismatch { else_: "share" },
        ),
        Stmt::new(1330, "set_pte_at(mm, pvmw.address, pvmw.pte, entry);  /* raced: restore */", SetPteAt),
        Stmt::new(1331, "goto out_unlock;", Goto("out_unlock")),
        Stmt::new(
            1335,
            "if (anon_exclusive && folio_try_share_anon_rmap_pte(page_folio(page), page)) { restore; goto out_unlock; }  /* no pin: the refcount check passed */",
            Nop,
        )
        .at("share"),
        Stmt::new(1341, "if (pte_dirty(entry)) set_page_dirty(page);", SetPageDirtyIfEntryDirty),
        Stmt::new(1343, "entry = pte_mkclean(entry); if (pte_write(entry)) entry = pte_wrprotect(entry);", EntryWrprotectClean),
        Stmt::new(1348, "set_pte_at_notify(mm, pvmw.address, pvmw.pte, entry);", CallSetPteAtNotify(Entry)).ms("pte-set"),
        Stmt::new(1350, "*orig_pte = entry; err = 0;", SaveOrigPte).at("orig"),
        Stmt::new(1354, "out_unlock: page_vma_mapped_walk_done(&pvmw);", PtlUnlock).at("out_unlock").ms("ptl-released"),
        Stmt::new(1356, "out_mn: mmu_notifier_invalidate_range_end(&range);", Call(MnInvalidateRangeEnd)).at("out_mn"),
        Stmt::new(1358, "out: return err;", Return),
    ],
};

/// `write_protect_page` at v6.10: the folio version; plain `set_pte_at`
/// inside the same bracket (no `change_pte` any more).
pub static WRITE_PROTECT_PAGE_V6_10: Function = Function {
    id: FuncId::WriteProtectPage,
    name: "write_protect_page",
    file: F,
    tag: Tag::V6_10,
    line: 1278,
    base_line: 1278,
    body: &[
        Stmt::new(1292, "pvmw.address = page_address_in_vma(&folio->page, vma);", Nop),
        Stmt::new(
            1296,
            "mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, mm, pvmw.address, pvmw.address + PAGE_SIZE);",
            Nop,
        ),
        Stmt::new(1298, "mmu_notifier_invalidate_range_start(&range);", Call(MnInvalidateRangeStart)),
        Stmt::new(1300, "if (!page_vma_mapped_walk(&pvmw)) goto out_mn;  /* takes the PT lock */", PageCheckAddress {
            fail: "out_mn",
        })
        .ms("ptl-taken"),
        Stmt::new(
            1307,
            "if (pte_write(entry) || pte_dirty(entry) || anon_exclusive || mm_tlb_flush_pending(mm)) {",
            IfPteWriteOrDirty { else_: "orig" },
        ),
        Stmt::new(1310, "flush_cache_page(vma, pvmw.address, folio_pfn(folio));", Nop),
        Stmt::new(1325, "entry = ptep_clear_flush(vma, pvmw.address, pvmw.pte);", CallPtepClearFlush { keep_entry: true }).ms("pte-cleared"),
        Stmt::new(
            1330,
            "if (folio_mapcount(folio) + 1 + swapped != folio_ref_count(folio)) {",
            IfRefcountMismatch { else_: "share" },
        ),
        Stmt::new(1331, "set_pte_at(mm, pvmw.address, pvmw.pte, entry);  /* raced: restore */", SetPteAt),
        Stmt::new(1332, "goto out_unlock;", Goto("out_unlock")),
        Stmt::new(
            1336,
            "if (anon_exclusive && folio_try_share_anon_rmap_pte(folio, &folio->page)) { restore; goto out_unlock; }  /* no pin: the refcount check passed */",
            Nop,
        )
        .at("share"),
        Stmt::new(1342, "if (pte_dirty(entry)) folio_mark_dirty(folio);", SetPageDirtyIfEntryDirty),
        Stmt::new(1344, "entry = pte_mkclean(entry); if (pte_write(entry)) entry = pte_wrprotect(entry);", EntryWrprotectClean),
        Stmt::new(1349, "set_pte_at(mm, pvmw.address, pvmw.pte, entry);", SetPteAt).ms("pte-set"),
        Stmt::new(1351, "*orig_pte = entry; err = 0;", SaveOrigPte).at("orig"),
        Stmt::new(1355, "out_unlock: page_vma_mapped_walk_done(&pvmw);", PtlUnlock).at("out_unlock").ms("ptl-released"),
        Stmt::new(1357, "out_mn: mmu_notifier_invalidate_range_end(&range);", Call(MnInvalidateRangeEnd)).at("out_mn"),
        Stmt::new(1359, "out: return err;", Return),
    ],
};

/// `replace_page` at v6.9: bracketed; the old page's last mapping
/// reference goes under the PT lock, before range_end.
pub static REPLACE_PAGE_V6_9: Function = Function {
    id: FuncId::ReplacePage,
    name: "replace_page",
    file: F,
    tag: Tag::V6_9,
    line: 1370,
    base_line: 1370,
    body: &[
        Stmt::new(1385, "addr = page_address_in_vma(page, vma);", Nop),
        Stmt::new(1389, "pmd = mm_find_pmd(mm, addr);", Nop),
        Stmt::new(1401, "mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, mm, addr, addr + PAGE_SIZE);", Nop),
        Stmt::new(1403, "mmu_notifier_invalidate_range_start(&range);", Call(MnInvalidateRangeStart)),
        Stmt::new(1405, "ptep = pte_offset_map_lock(mm, pmd, addr, &ptl);", PtlLock).ms("ptl-taken"),
        Stmt::new(1408, "if (!pte_same(ptep_get(ptep), orig_pte)) {", IfPteChanged { same: "same" }),
        Stmt::new(1409, "pte_unmap_unlock(ptep, ptl);", PtlUnlock),
        Stmt::new(1410, "goto out_mn;", Goto("out_mn")),
        Stmt::new(1421, "folio_get(kfolio);", GetPage(Kpage)).at("same"),
        Stmt::new(1422, "folio_add_anon_rmap_pte(kfolio, kpage, vma, addr, RMAP_NONE);", PageAddAnonRmap(Kpage)),
        Stmt::new(1423, "newpte = mk_pte(kpage, vma->vm_page_prot);", Nop),
        Stmt::new(1442, "flush_cache_page(vma, addr, pte_pfn(ptep_get(ptep)));", Nop),
        Stmt::new(1449, "ptep_clear_flush(vma, addr, ptep);", CallPtepClearFlush { keep_entry: false })
            .ms("pte-cleared"),
        Stmt::new(1450, "set_pte_at_notify(mm, addr, ptep, newpte);", CallSetPteAtNotify(MkPteKpage)).ms("pte-set"),
        Stmt::new(1453, "folio_remove_rmap_pte(folio, page, vma);", PageRemoveRmap(Page)),
        Stmt::new(1454, "if (!folio_mapped(folio)) folio_free_swap(folio);", Nop),
        Stmt::new(1456, "folio_put(folio);", PutPage(Page)),
        Stmt::new(1458, "pte_unmap_unlock(ptep, ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::new(1461, "out_mn: mmu_notifier_invalidate_range_end(&range);", Call(MnInvalidateRangeEnd)).at("out_mn"),
        Stmt::new(1463, "out: return err;", Return),
    ],
};

/// `replace_page` at v6.10: the v6.9 lines, plain `set_pte_at`.
pub static REPLACE_PAGE_V6_10: Function = Function {
    id: FuncId::ReplacePage,
    name: "replace_page",
    file: F,
    tag: Tag::V6_10,
    line: 1371,
    base_line: 1371,
    body: &[
        Stmt::new(1386, "addr = page_address_in_vma(page, vma);", Nop),
        Stmt::new(1390, "pmd = mm_find_pmd(mm, addr);", Nop),
        Stmt::new(1402, "mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, mm, addr, addr + PAGE_SIZE);", Nop),
        Stmt::new(1404, "mmu_notifier_invalidate_range_start(&range);", Call(MnInvalidateRangeStart)),
        Stmt::new(1406, "ptep = pte_offset_map_lock(mm, pmd, addr, &ptl);", PtlLock).ms("ptl-taken"),
        Stmt::new(1409, "if (!pte_same(ptep_get(ptep), orig_pte)) {", IfPteChanged { same: "same" }),
        Stmt::new(1410, "pte_unmap_unlock(ptep, ptl);", PtlUnlock),
        Stmt::new(1411, "goto out_mn;", Goto("out_mn")),
        Stmt::new(1422, "folio_get(kfolio);", GetPage(Kpage)).at("same"),
        Stmt::new(1423, "folio_add_anon_rmap_pte(kfolio, kpage, vma, addr, RMAP_NONE);", PageAddAnonRmap(Kpage)),
        Stmt::new(1424, "newpte = mk_pte(kpage, vma->vm_page_prot);", Nop),
        Stmt::new(1442, "flush_cache_page(vma, addr, pte_pfn(ptep_get(ptep)));", Nop),
        Stmt::new(1449, "ptep_clear_flush(vma, addr, ptep);", CallPtepClearFlush { keep_entry: false })
            .ms("pte-cleared"),
        Stmt::new(1450, "set_pte_at(mm, addr, ptep, newpte);", SetPteAtFrom(MkPteKpage)).ms("pte-set"),
        Stmt::new(1453, "folio_remove_rmap_pte(folio, page, vma);", PageRemoveRmap(Page)),
        Stmt::new(1454, "if (!folio_mapped(folio)) folio_free_swap(folio);", Nop),
        Stmt::new(1456, "folio_put(folio);", PutPage(Page)),
        Stmt::new(1458, "pte_unmap_unlock(ptep, ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::new(1461, "out_mn: mmu_notifier_invalidate_range_end(&range);", Call(MnInvalidateRangeEnd)).at("out_mn"),
        Stmt::new(1463, "out: return err;", Return),
    ],
};
