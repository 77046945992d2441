//! mm/memory.c: `handle_pte_fault` (entry of a write fault on a read-only
//! pte), the copy branch of `do_wp_page`, and the `host_write` actor's
//! user-space store that traps into them.
//!
//! Concurrency: `handle_pte_fault` tail-calls `do_wp_page` only while the
//! pte it locked is read-only (the kernel's `if (!pte_write(entry))` just
//! above the call). When another thread's fault already installed a
//! writable pte, the call statement takes the spurious-fault exit instead
//! (`pte_mkdirty`, `ptep_set_access_flags`, `unlock: pte_unmap_unlock`,
//! `return 0`): those kernel lines were not counted in a vanilla tree, so
//! they are not listed; the step's events say what happened (a branch
//! naming the spurious fault, then "PT lock released"). The default runs
//! never take that exit, so their traces are unchanged.
//!
//! Lines: kernel-facts §3.3 and §10, and `do_wp_page` / `handle_pte_fault`
//! counted in a v3.13 copy (all anchors match) and a near-vanilla 3.6 copy
//! (its non-vanilla insertions subtracted). The patch hunks (`@@ -2611,8`,
//! `@@ -2798,10`, `@@ -2830,7`, `@@ -2868,8`) give the patched lines: −1
//! after 2612, −5 after 2803, −4 after 2833.

use super::EntryFrom::Entry;
use super::FuncId::*;
use super::Op::*;
use super::Which::*;
use super::{FuncId, Function, Stmt};
use crate::tag::Tag;

const F: &str = "mm/memory.c";

/// v3.6 `handle_pte_fault`: the write-fault branch on a present read-only pte.
pub static HANDLE_PTE_FAULT_V3_6: Function = Function {
    id: FuncId::HandlePteFault,
    name: "handle_pte_fault",
    file: F,
    tag: Tag::V3_6,
    line: 3434,
    base_line: 3434,
    body: &[
        Stmt::new(3460, "entry = *pte; ptl = pte_lockptr(mm, pmd); spin_lock(ptl);", FaultPtlLock),
        Stmt::new(3465, "return do_wp_page(mm, vma, address, pte, pmd, ptl, entry);", CallDoWpPageIfReadOnly),
    ],
};

/// v3.13 `handle_pte_fault`.
pub static HANDLE_PTE_FAULT_V3_13: Function = Function {
    id: FuncId::HandlePteFault,
    name: "handle_pte_fault",
    file: F,
    tag: Tag::V3_13,
    line: 3633,
    base_line: 3633,
    body: &[
        Stmt::new(3662, "entry = *pte; ptl = pte_lockptr(mm, pmd); spin_lock(ptl);", FaultPtlLock),
        Stmt::new(3667, "return do_wp_page(mm, vma, address, pte, pmd, ptl, entry);", CallDoWpPageIfReadOnly),
    ],
};

/// v3.6 `do_wp_page`, copy branch: no bracket; `set_pte_at` then notifier.
pub static DO_WP_PAGE_V3_6: Function = Function {
    id: FuncId::DoWpPage,
    name: "do_wp_page",
    file: F,
    tag: Tag::V3_6,
    line: 2514,
    base_line: 2514,
    body: &[
        Stmt::new(2525, "old_page = vm_normal_page(vma, address, orig_pte);", VmNormalPage),
        Stmt::new(2544, "if (PageAnon(old_page) && !PageKsm(old_page)) { /* reuse? */", IfCanReuse { copy: "copy" }),
        Stmt::new(
            2634,
            "reuse: entry = maybe_mkwrite(pte_mkdirty(pte_mkyoung(orig_pte)), vma); ptep_set_access_flags(...);",
            ReuseMkwrite,
        ),
        Stmt::new(2636, "pte_unmap_unlock(page_table, ptl);", PtlUnlock),
        Stmt::new(2640, "if (!dirty_page) return ret;", Return),
        Stmt::new(2679, "page_cache_get(old_page);", GetPage(Page)).at("copy"),
        Stmt::new(2681, "gotten: pte_unmap_unlock(page_table, ptl);", PtlUnlock).ms("ptl-dropped-to-copy"),
        Stmt::new(2683, "if (unlikely(anon_vma_prepare(vma))) goto oom;", Nop),
        Stmt::new(2691, "new_page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, address);", AllocNewPage),
        Stmt::new(2694, "cow_user_page(new_page, old_page, address, vma);", CopyPage),
        Stmt::new(2698, "if (mem_cgroup_newpage_charge(new_page, mm, GFP_KERNEL)) goto oom_free_new;", Nop),
        Stmt::new(2704, "page_table = pte_offset_map_lock(mm, pmd, address, &ptl);", PtlLock).ms("ptl-taken"),
        Stmt::new(2705, "if (likely(pte_same(*page_table, orig_pte))) {", IfPteUnchanged { else_: "release" }),
        Stmt::new(2713, "flush_cache_page(vma, address, pte_pfn(orig_pte));", Nop),
        Stmt::new(2714, "entry = maybe_mkwrite(pte_mkdirty(mk_pte(new_page, vma->vm_page_prot)), vma);", MkPteCow),
        Stmt::new(2722, "ptep_clear_flush(vma, address, page_table);", PtepClearFlush).ms("pte-cleared"),
        Stmt::new(2723, "page_add_new_anon_rmap(new_page, vma, address);", PageAddNewAnonRmap(Kpage)),
        Stmt::new(2729, "set_pte_at_notify(mm, address, page_table, entry);", CallSetPteAtNotify(Entry)).ms("pte-set"),
        Stmt::new(2730, "update_mmu_cache(vma, address, page_table);", Nop),
        Stmt::new(2754, "page_remove_rmap(old_page);", PageRemoveRmap(Page)),
        Stmt::new(2758, "new_page = old_page;  /* free the old page's mapping ref below */", Nop),
        Stmt::new(2764, "if (new_page) page_cache_release(new_page);", ReleaseNewPageVar).at("release"),
        Stmt::new(2766, "unlock: pte_unmap_unlock(page_table, ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::new(2777, "if (old_page) page_cache_release(old_page);", PutPage(Page)),
        Stmt::new(2779, "return ret;", Return),
    ],
};

/// v3.13 `do_wp_page`, copy branch: bracketed (range_start after the copy,
/// range_end after the unlock); notifier before `set_pte_at`.
pub static DO_WP_PAGE_V3_13: Function = Function {
    id: FuncId::DoWpPage,
    name: "do_wp_page",
    file: F,
    tag: Tag::V3_13,
    line: 2604,
    base_line: 2604,
    body: &[
        Stmt::new(2617, "old_page = vm_normal_page(vma, address, orig_pte);", VmNormalPage),
        Stmt::new(2636, "if (PageAnon(old_page) && !PageKsm(old_page)) { /* reuse? */", IfCanReuse { copy: "copy" }),
        Stmt::new(
            2734,
            "reuse: entry = maybe_mkwrite(pte_mkdirty(pte_mkyoung(orig_pte)), vma); ptep_set_access_flags(...);",
            ReuseMkwrite,
        ),
        Stmt::new(2736, "pte_unmap_unlock(page_table, ptl);", PtlUnlock),
        Stmt::new(2740, "if (!dirty_page) return ret;", Return),
        Stmt::new(2779, "page_cache_get(old_page);", GetPage(Page)).at("copy"),
        Stmt::new(2781, "gotten: pte_unmap_unlock(page_table, ptl);", PtlUnlock).ms("ptl-dropped-to-copy"),
        Stmt::new(2783, "if (unlikely(anon_vma_prepare(vma))) goto oom;", Nop),
        Stmt::new(2791, "new_page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, address);", AllocNewPage),
        Stmt::new(2794, "cow_user_page(new_page, old_page, address, vma);", CopyPage),
        Stmt::new(2798, "if (mem_cgroup_newpage_charge(new_page, mm, GFP_KERNEL)) goto oom_free_new;", Nop),
        Stmt::new(2803, "mmu_notifier_invalidate_range_start(mm, mmun_start, mmun_end);", Call(MnInvalidateRangeStart)),
        Stmt::new(2808, "page_table = pte_offset_map_lock(mm, pmd, address, &ptl);", PtlLock).ms("ptl-taken"),
        Stmt::new(2809, "if (likely(pte_same(*page_table, orig_pte))) {", IfPteUnchanged { else_: "release" }),
        Stmt::new(2817, "flush_cache_page(vma, address, pte_pfn(orig_pte));", Nop),
        Stmt::new(2818, "entry = maybe_mkwrite(pte_mkdirty(mk_pte(new_page, vma->vm_page_prot)), vma);", MkPteCow),
        Stmt::new(2826, "ptep_clear_flush(vma, address, page_table);", PtepClearFlush).ms("pte-cleared"),
        Stmt::new(2827, "page_add_new_anon_rmap(new_page, vma, address);", PageAddNewAnonRmap(Kpage)),
        Stmt::new(2833, "set_pte_at_notify(mm, address, page_table, entry);", CallSetPteAtNotify(Entry)).ms("pte-set"),
        Stmt::new(2834, "update_mmu_cache(vma, address, page_table);", Nop),
        Stmt::new(2858, "page_remove_rmap(old_page);", PageRemoveRmap(Page)),
        Stmt::new(2862, "new_page = old_page;  /* free the old page's mapping ref below */", Nop),
        Stmt::new(2867, "if (new_page) page_cache_release(new_page);", ReleaseNewPageVar).at("release"),
        Stmt::new(2870, "unlock: pte_unmap_unlock(page_table, ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::new(2871, "if (mmun_end > mmun_start)", IfRangeStarted { else_: "old" }),
        Stmt::new(2872, "mmu_notifier_invalidate_range_end(mm, mmun_start, mmun_end);", Call(MnInvalidateRangeEnd)),
        Stmt::new(2883, "if (old_page) page_cache_release(old_page);", PutPage(Page)).at("old"),
        Stmt::new(2885, "return ret;", Return),
    ],
};

/// `do_wp_page` with the 2014 patch: no bracket; `invalidate_page` for
/// notifiers lacking `change_pte` after the unlock, before the last old-page
/// reference is dropped.
pub static DO_WP_PAGE_PATCHED: Function = Function {
    id: FuncId::DoWpPage,
    name: "do_wp_page",
    file: F,
    tag: Tag::V3_13_PATCH,
    line: 2604,
    base_line: 2604,
    body: &[
        Stmt::patched(2614, 2614, "int notify_missing = 0;", ClearNotifyMissing),
        Stmt::patched(2616, 2617, "old_page = vm_normal_page(vma, address, orig_pte);", VmNormalPage),
        Stmt::patched(
            2635,
            2636,
            "if (PageAnon(old_page) && !PageKsm(old_page)) { /* reuse? */",
            IfCanReuse { copy: "copy" },
        ),
        Stmt::patched(
            2733,
            2734,
            "reuse: entry = maybe_mkwrite(pte_mkdirty(pte_mkyoung(orig_pte)), vma); ptep_set_access_flags(...);",
            ReuseMkwrite,
        ),
        Stmt::patched(2735, 2736, "pte_unmap_unlock(page_table, ptl);", PtlUnlock),
        Stmt::patched(2739, 2740, "if (!dirty_page) return ret;", Return),
        Stmt::patched(2778, 2779, "page_cache_get(old_page);", GetPage(Page)).at("copy"),
        Stmt::patched(2780, 2781, "gotten: pte_unmap_unlock(page_table, ptl);", PtlUnlock).ms("ptl-dropped-to-copy"),
        Stmt::patched(2782, 2783, "if (unlikely(anon_vma_prepare(vma))) goto oom;", Nop),
        Stmt::patched(2790, 2791, "new_page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, address);", AllocNewPage),
        Stmt::patched(2793, 2794, "cow_user_page(new_page, old_page, address, vma);", CopyPage),
        Stmt::patched(2797, 2798, "if (mem_cgroup_newpage_charge(new_page, mm, GFP_KERNEL)) goto oom_free_new;", Nop),
        Stmt::patched(2803, 2808, "page_table = pte_offset_map_lock(mm, pmd, address, &ptl);", PtlLock).ms("ptl-taken"),
        Stmt::patched(
            2804,
            2809,
            "if (likely(pte_same(*page_table, orig_pte))) {",
            IfPteUnchanged { else_: "release" },
        ),
        Stmt::patched(2812, 2817, "flush_cache_page(vma, address, pte_pfn(orig_pte));", Nop),
        Stmt::patched(
            2813,
            2818,
            "entry = maybe_mkwrite(pte_mkdirty(mk_pte(new_page, vma->vm_page_prot)), vma);",
            MkPteCow,
        ),
        Stmt::patched(2821, 2826, "ptep_clear_flush(vma, address, page_table);", PtepClearFlush).ms("pte-cleared"),
        Stmt::patched(2822, 2827, "page_add_new_anon_rmap(new_page, vma, address);", PageAddNewAnonRmap(Kpage)),
        Stmt::patched(
            2828,
            2833,
            "notify_missing = set_pte_at_notify(mm, address, page_table, entry);",
            CallSetPteAtNotify(Entry),
        )
        .ms("pte-set"),
        Stmt::patched(2830, 2834, "update_mmu_cache(vma, address, page_table);", Nop),
        Stmt::patched(2854, 2858, "page_remove_rmap(old_page);", PageRemoveRmap(Page)),
        Stmt::patched(2858, 2862, "new_page = old_page;  /* free the old page's mapping ref below */", Nop),
        Stmt::patched(2863, 2867, "if (new_page) page_cache_release(new_page);", ReleaseNewPageVar).at("release"),
        Stmt::patched(2866, 2870, "unlock: pte_unmap_unlock(page_table, ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::patched(2867, 2871, "if (notify_missing)", IfNotifyMissing { else_: "old" }),
        Stmt::patched(
            2868,
            2872,
            "mmu_notifier_invalidate_page_if_missing_change_pte(mm, address);",
            Call(MnInvalidatePageIfMissing),
        ),
        Stmt::patched(2879, 2883, "if (old_page) page_cache_release(old_page);", PutPage(Page)).at("old"),
        Stmt::patched(2881, 2885, "return ret;", Return),
    ],
};

/// The `host_write` actor (v3.6 tag): a user-space store, not kernel code.
/// It cites `handle_pte_fault`, the entry it traps into when the pte is
/// read-only or absent.
pub static USER_STORE_V3_6: Function = Function {
    id: FuncId::UserStore,
    name: "user store",
    file: F,
    tag: Tag::ACTOR_V3_6,
    line: 3434,
    base_line: 3434,
    body: &[Stmt::new(
        3434,
        "not kernel code: user space stores *(u32 *)addr = value;  /* a read-only or absent pte traps to handle_mm_fault -> handle_pte_fault */",
        HostStore,
    )
    .ms("host-store")],
};

/// The `host_write` actor (v3.13 tag).
pub static USER_STORE_V3_13: Function = Function {
    id: FuncId::UserStore,
    name: "user store",
    file: F,
    tag: Tag::ACTOR_V3_13,
    line: 3633,
    base_line: 3633,
    body: &[Stmt::new(
        3633,
        "not kernel code: user space stores *(u32 *)addr = value;  /* a read-only or absent pte traps to handle_mm_fault -> handle_pte_fault */",
        HostStore,
    )
    .ms("host-store")],
};

// --- design alternatives over v3.13 (hypothetical code) ---

/// `do_wp_page` under `bracket_if_missing`: the COW copy bracketed only
/// when some range notifier lacks `change_pte`.
pub static DO_WP_PAGE_IF_MISSING: Function = Function {
    id: FuncId::DoWpPage,
    name: "do_wp_page",
    file: F,
    tag: Tag::HYPOTHETICAL_V3_13_ALT,
    line: 2604,
    base_line: 2604,
    body: &[
        Stmt::new(2617, "old_page = vm_normal_page(vma, address, orig_pte);", VmNormalPage),
        Stmt::new(2636, "if (PageAnon(old_page) && !PageKsm(old_page)) { /* reuse? */", IfCanReuse { copy: "copy" }),
        Stmt::new(
            2734,
            "reuse: entry = maybe_mkwrite(pte_mkdirty(pte_mkyoung(orig_pte)), vma); ptep_set_access_flags(...);",
            ReuseMkwrite,
        ),
        Stmt::new(2736, "pte_unmap_unlock(page_table, ptl);", PtlUnlock),
        Stmt::new(2740, "if (!dirty_page) return ret;", Return),
        Stmt::new(2779, "page_cache_get(old_page);", GetPage(Page)).at("copy"),
        Stmt::new(2781, "gotten: pte_unmap_unlock(page_table, ptl);", PtlUnlock).ms("ptl-dropped-to-copy"),
        Stmt::new(2783, "if (unlikely(anon_vma_prepare(vma))) goto oom;", Nop),
        Stmt::new(2791, "new_page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, address);", AllocNewPage),
        Stmt::new(2794, "cow_user_page(new_page, old_page, address, vma);", CopyPage),
        Stmt::new(2798, "if (mem_cgroup_newpage_charge(new_page, mm, GFP_KERNEL)) goto oom_free_new;", Nop),
        Stmt::new(2803, "range_needed = mmu_notifier_range_needed(mm);  /* hypothetical */", Call(MnRangeNeeded)),
        Stmt::new(2803, "if (range_needed)  /* hypothetical */", IfNotifyMissing { else_: "lock" }),
        Stmt::new(2803, "mmu_notifier_invalidate_range_start(mm, mmun_start, mmun_end);", Call(MnInvalidateRangeStart)),
        Stmt::new(2808, "page_table = pte_offset_map_lock(mm, pmd, address, &ptl);", PtlLock)
            .at("lock")
            .ms("ptl-taken"),
        Stmt::new(2809, "if (likely(pte_same(*page_table, orig_pte))) {", IfPteUnchanged { else_: "release" }),
        Stmt::new(2817, "flush_cache_page(vma, address, pte_pfn(orig_pte));", Nop),
        Stmt::new(2818, "entry = maybe_mkwrite(pte_mkdirty(mk_pte(new_page, vma->vm_page_prot)), vma);", MkPteCow),
        Stmt::new(2826, "ptep_clear_flush(vma, address, page_table);", PtepClearFlush).ms("pte-cleared"),
        Stmt::new(2827, "page_add_new_anon_rmap(new_page, vma, address);", PageAddNewAnonRmap(Kpage)),
        Stmt::new(2833, "set_pte_at_notify(mm, address, page_table, entry);", CallSetPteAtNotify(Entry)).ms("pte-set"),
        Stmt::new(2834, "update_mmu_cache(vma, address, page_table);", Nop),
        Stmt::new(2858, "page_remove_rmap(old_page);", PageRemoveRmap(Page)),
        Stmt::new(2862, "new_page = old_page;  /* free the old page's mapping ref below */", Nop),
        Stmt::new(2867, "if (new_page) page_cache_release(new_page);", ReleaseNewPageVar).at("release"),
        Stmt::new(2870, "unlock: pte_unmap_unlock(page_table, ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::new(2871, "if (range_needed)  /* hypothetical */", IfNotifyMissing { else_: "old" }),
        Stmt::new(2872, "mmu_notifier_invalidate_range_end(mm, mmun_start, mmun_end);", Call(MnInvalidateRangeEnd)),
        Stmt::new(2883, "if (old_page) page_cache_release(old_page);", PutPage(Page)).at("old"),
        Stmt::new(2885, "return ret;", Return),
    ],
};

/// `do_wp_page` under `event_aware`: the bracket stays, tagged "change_pte
/// follows".
pub static DO_WP_PAGE_EVENT: Function = Function {
    id: FuncId::DoWpPage,
    name: "do_wp_page",
    file: F,
    tag: Tag::HYPOTHETICAL_V3_13_ALT,
    line: 2604,
    base_line: 2604,
    body: &[
        Stmt::new(2617, "old_page = vm_normal_page(vma, address, orig_pte);", VmNormalPage),
        Stmt::new(2636, "if (PageAnon(old_page) && !PageKsm(old_page)) { /* reuse? */", IfCanReuse { copy: "copy" }),
        Stmt::new(
            2734,
            "reuse: entry = maybe_mkwrite(pte_mkdirty(pte_mkyoung(orig_pte)), vma); ptep_set_access_flags(...);",
            ReuseMkwrite,
        ),
        Stmt::new(2736, "pte_unmap_unlock(page_table, ptl);", PtlUnlock),
        Stmt::new(2740, "if (!dirty_page) return ret;", Return),
        Stmt::new(2779, "page_cache_get(old_page);", GetPage(Page)).at("copy"),
        Stmt::new(2781, "gotten: pte_unmap_unlock(page_table, ptl);", PtlUnlock).ms("ptl-dropped-to-copy"),
        Stmt::new(2783, "if (unlikely(anon_vma_prepare(vma))) goto oom;", Nop),
        Stmt::new(2791, "new_page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, address);", AllocNewPage),
        Stmt::new(2794, "cow_user_page(new_page, old_page, address, vma);", CopyPage),
        Stmt::new(2798, "if (mem_cgroup_newpage_charge(new_page, mm, GFP_KERNEL)) goto oom_free_new;", Nop),
        Stmt::new(
            2803,
            "mmu_notifier_invalidate_range_start(mm, mmun_start, mmun_end, MMU_CHANGE_PTE);  /* hypothetical event */",
            CallTagged(MnInvalidateRangeStart),
        ),
        Stmt::new(2808, "page_table = pte_offset_map_lock(mm, pmd, address, &ptl);", PtlLock).ms("ptl-taken"),
        Stmt::new(2809, "if (likely(pte_same(*page_table, orig_pte))) {", IfPteUnchanged { else_: "release" }),
        Stmt::new(2817, "flush_cache_page(vma, address, pte_pfn(orig_pte));", Nop),
        Stmt::new(2818, "entry = maybe_mkwrite(pte_mkdirty(mk_pte(new_page, vma->vm_page_prot)), vma);", MkPteCow),
        Stmt::new(2826, "ptep_clear_flush(vma, address, page_table);", PtepClearFlush).ms("pte-cleared"),
        Stmt::new(2827, "page_add_new_anon_rmap(new_page, vma, address);", PageAddNewAnonRmap(Kpage)),
        Stmt::new(2833, "set_pte_at_notify(mm, address, page_table, entry);", CallSetPteAtNotify(Entry)).ms("pte-set"),
        Stmt::new(2834, "update_mmu_cache(vma, address, page_table);", Nop),
        Stmt::new(2858, "page_remove_rmap(old_page);", PageRemoveRmap(Page)),
        Stmt::new(2862, "new_page = old_page;  /* free the old page's mapping ref below */", Nop),
        Stmt::new(2867, "if (new_page) page_cache_release(new_page);", ReleaseNewPageVar).at("release"),
        Stmt::new(2870, "unlock: pte_unmap_unlock(page_table, ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::new(2871, "if (mmun_end > mmun_start)", IfRangeStarted { else_: "old" }),
        Stmt::new(
            2872,
            "mmu_notifier_invalidate_range_end(mm, mmun_start, mmun_end, MMU_CHANGE_PTE);  /* hypothetical event */",
            CallTagged(MnInvalidateRangeEnd),
        ),
        Stmt::new(2883, "if (old_page) page_cache_release(old_page);", PutPage(Page)).at("old"),
        Stmt::new(2885, "return ret;", Return),
    ],
};

// --- v4.15 ---
//
// Lines read in vanilla v4.15 (sndrzt/linux-4.15@6ea06264896d, Makefile
// 4.15.0; mm/memory.c blob 793004608332). `do_wp_page` (2690) hands the
// copy to `wp_page_copy` (2452), which clears the pte with
// `ptep_clear_flush_notify` (so `invalidate_range` runs under the PT lock)
// and ends the range with `mmu_notifier_invalidate_range_only_end`
// (4645b9fe84bf: no second `invalidate_range`).

/// v4.15 `handle_pte_fault`: the write-fault branch on a present
/// read-only pte.
pub static HANDLE_PTE_FAULT_V4_15: Function = Function {
    id: FuncId::HandlePteFault,
    name: "handle_pte_fault",
    file: F,
    tag: Tag::V4_15,
    line: 3899,
    base_line: 3899,
    body: &[
        Stmt::new(
            3953,
            "vmf->ptl = pte_lockptr(vmf->vma->vm_mm, vmf->pmd); spin_lock(vmf->ptl); entry = vmf->orig_pte;  /* read at 3922 */",
            FaultPtlLock,
        ),
        Stmt::new(3959, "if (!pte_write(entry)) return do_wp_page(vmf);", CallDoWpPageIfReadOnly),
    ],
};

/// v4.15 `do_wp_page` (entered with the PT lock held and mmap_sem read,
/// comment 2686-2688): reuse in place, or take a reference, unlock and
/// call `wp_page_copy`.
pub static DO_WP_PAGE_V4_15: Function = Function {
    id: FuncId::DoWpPage,
    name: "do_wp_page",
    file: F,
    tag: Tag::V4_15,
    line: 2690,
    base_line: 2690,
    body: &[
        Stmt::new(2695, "vmf->page = vm_normal_page(vma, vmf->address, vmf->orig_pte);", VmNormalPage),
        Stmt::new(
            2716,
            "if (PageAnon(vmf->page) && !PageKsm(vmf->page)) { /* reuse_swap_page(), 2732? */",
            IfCanReuse { copy: "copy" },
        ),
        Stmt::new(
            2744,
            "wp_page_reuse(vmf);  /* 2429-2431: entry = maybe_mkwrite(pte_mkdirty(pte_mkyoung(orig_pte))); ptep_set_access_flags(...) */",
            ReuseMkwrite,
        ),
        Stmt::new(2433, "wp_page_reuse: pte_unmap_unlock(vmf->pte, vmf->ptl);", PtlUnlock),
        Stmt::new(2745, "return VM_FAULT_WRITE;", Return),
        Stmt::new(2756, "get_page(vmf->page);", GetPage(Page)).at("copy"),
        Stmt::new(2758, "pte_unmap_unlock(vmf->pte, vmf->ptl);", PtlUnlock).ms("ptl-dropped-to-copy"),
        Stmt::new(2759, "return wp_page_copy(vmf);", Call(WpPageCopy)),
    ],
};

/// v4.15 `wp_page_copy`: bracketed copy; `ptep_clear_flush_notify` under
/// the PT lock, `change_pte` with the new writable pte, `_only_end` after
/// the unlock. Its milestones carry `do_wp_page`'s names
/// ([`FuncId::milestones_of`]).
pub static WP_PAGE_COPY_V4_15: Function = Function {
    id: FuncId::WpPageCopy,
    name: "wp_page_copy",
    file: F,
    tag: Tag::V4_15,
    line: 2452,
    base_line: 2452,
    body: &[
        Stmt::new(2464, "if (unlikely(anon_vma_prepare(vma))) goto oom;", Nop),
        Stmt::new(2473, "new_page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, vmf->address);", AllocNewPage),
        Stmt::new(2477, "cow_user_page(new_page, old_page, vmf->address, vma);", CopyPage),
        Stmt::new(2480, "if (mem_cgroup_try_charge(new_page, mm, GFP_KERNEL, &memcg, false)) goto oom_free_new;", Nop),
        Stmt::new(
            2485,
            "mmu_notifier_invalidate_range_start(mm, mmun_start, mmun_end);  /* one page, 2460-2461 */",
            Call(MnInvalidateRangeStart),
        ),
        Stmt::new(2490, "vmf->pte = pte_offset_map_lock(mm, vmf->pmd, vmf->address, &vmf->ptl);", PtlLock)
            .ms("ptl-taken"),
        Stmt::new(2491, "if (likely(pte_same(*vmf->pte, vmf->orig_pte))) {", IfPteUnchanged { else_: "cancel" }),
        Stmt::new(2501, "flush_cache_page(vma, vmf->address, pte_pfn(vmf->orig_pte));", Nop),
        Stmt::new(2503, "entry = maybe_mkwrite(pte_mkdirty(mk_pte(new_page, vma->vm_page_prot)), vma);", MkPteCow),
        Stmt::new(2510, "ptep_clear_flush_notify(vma, vmf->address, vmf->pte);", Call(PtepClearFlushNotify)),
        Stmt::new(2511, "page_add_new_anon_rmap(new_page, vma, vmf->address, false);", PageAddNewAnonRmap(Kpage)),
        Stmt::new(2519, "set_pte_at_notify(mm, vmf->address, vmf->pte, entry);", CallSetPteAtNotify(Entry))
            .ms("pte-set"),
        Stmt::new(2520, "update_mmu_cache(vma, vmf->address, vmf->pte);", Nop),
        Stmt::new(2544, "page_remove_rmap(old_page, false);", PageRemoveRmap(Page)),
        Stmt::new(2548, "new_page = old_page; page_copied = 1;  /* free the old page's mapping ref below */", Nop),
        Stmt::new(2550, "} else {", Goto("release")),
        Stmt::new(2551, "mem_cgroup_cancel_charge(new_page, memcg, false);", Nop).at("cancel"),
        Stmt::new(2555, "if (new_page) put_page(new_page);", ReleaseNewPageVar).at("release"),
        Stmt::new(2557, "pte_unmap_unlock(vmf->pte, vmf->ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::new(
            2562,
            "mmu_notifier_invalidate_range_only_end(mm, mmun_start, mmun_end);  /* invalidate_range already ran (2558-2561) */",
            Call(MnInvalidateRangeOnlyEnd),
        ),
        Stmt::new(2574, "if (old_page) put_page(old_page);", PutPage(Page)),
        Stmt::new(2576, "return page_copied ? VM_FAULT_WRITE : 0;", Return),
    ],
};

/// The `host_write` actor (v4.15 tag): a user-space store, not kernel
/// code; it cites `handle_pte_fault`.
pub static USER_STORE_V4_15: Function = Function {
    id: FuncId::UserStore,
    name: "user store",
    file: F,
    tag: Tag::ACTOR_V4_15,
    line: 3899,
    base_line: 3899,
    body: &[Stmt::new(
        3899,
        "not kernel code: user space stores *(u32 *)addr = value;  /* a read-only or absent pte traps to handle_mm_fault -> handle_pte_fault */",
        HostStore,
    )
    .ms("host-store")],
};
// --- v6.9 / v6.10 ---
//
// Lines read in T6.9 (ec-jt/linux-6.9.0 @ b12020242247) and T6.10
// (msgeden/cryptocap-arm64-linux-6.10 @ 449e07155be2). `do_wp_page` hands
// the copy to `wp_page_copy`, which brackets with
// `mmu_notifier_range_init(MMU_NOTIFY_CLEAR)` and drops the old page's
// references after range_end. `handle_pte_fault` reads `orig_pte`
// locklessly (5290 / 5371) and re-checks it with `pte_same` under the PT
// lock (5310 / 5391); the model reads it when the lock is taken, which is
// the case where that check holds (otherwise the kernel returns and the
// access faults again).

/// `handle_pte_fault` at v6.9: the write-fault branch on a present
/// read-only pte.
pub static HANDLE_PTE_FAULT_V6_9: Function = Function {
    id: FuncId::HandlePteFault,
    name: "handle_pte_fault",
    file: F,
    tag: Tag::V6_9,
    line: 5266,
    base_line: 5266,
    body: &[
        Stmt::new(5308, "spin_lock(vmf->ptl); entry = vmf->orig_pte;", FaultPtlLock),
        Stmt::new(5316, "if (!pte_write(entry)) return do_wp_page(vmf);", CallDoWpPageIfReadOnly),
    ],
};

/// `handle_pte_fault` at v6.10.
pub static HANDLE_PTE_FAULT_V6_10: Function = Function {
    id: FuncId::HandlePteFault,
    name: "handle_pte_fault",
    file: F,
    tag: Tag::V6_10,
    line: 5347,
    base_line: 5347,
    body: &[
        Stmt::new(5389, "spin_lock(vmf->ptl); entry = vmf->orig_pte;", FaultPtlLock),
        Stmt::new(5397, "if (!pte_write(entry)) return do_wp_page(vmf);", CallDoWpPageIfReadOnly),
    ],
};

/// `do_wp_page` at v6.9 (entered with the PT lock held): reuse an
/// exclusive anonymous page (`wp_can_reuse_anon_folio`, 3500, never for
/// KSM: 3520), else take a reference, drop the lock and copy.
pub static DO_WP_PAGE_V6_9: Function = Function {
    id: FuncId::DoWpPage,
    name: "do_wp_page",
    file: F,
    tag: Tag::V6_9,
    line: 3570,
    base_line: 3570,
    body: &[
        Stmt::new(3609, "vmf->page = vm_normal_page(vma, vmf->address, vmf->orig_pte);", VmNormalPage),
        Stmt::new(
            3638,
            "if (folio && folio_test_anon(folio) && (PageAnonExclusive(vmf->page) || wp_can_reuse_anon_folio(folio, vma))) {",
            IfCanReuse { copy: "copy" },
        ),
        Stmt::new(
            3646,
            "wp_page_reuse(vmf, folio);  /* 3187-3190: pte made dirty and writable in place, PT lock released */",
            WpPageReuse,
        ),
        Stmt::new(3647, "return 0;", Return),
        Stmt::new(3653, "if (folio) folio_get(folio);", GetPage(Page)).at("copy"),
        Stmt::new(3655, "pte_unmap_unlock(vmf->pte, vmf->ptl);", PtlUnlock).ms("ptl-dropped-to-copy"),
        Stmt::new(3658, "if (folio && folio_test_ksm(folio)) count_vm_event(COW_KSM);", Nop),
        Stmt::new(3660, "return wp_page_copy(vmf);", Call(WpPageCopy)),
    ],
};

/// `do_wp_page` at v6.10.
pub static DO_WP_PAGE_V6_10: Function = Function {
    id: FuncId::DoWpPage,
    name: "do_wp_page",
    file: F,
    tag: Tag::V6_10,
    line: 3587,
    base_line: 3587,
    body: &[
        Stmt::new(3626, "vmf->page = vm_normal_page(vma, vmf->address, vmf->orig_pte);", VmNormalPage),
        Stmt::new(
            3655,
            "if (folio && folio_test_anon(folio) && (PageAnonExclusive(vmf->page) || wp_can_reuse_anon_folio(folio, vma))) {",
            IfCanReuse { copy: "copy" },
        ),
        Stmt::new(
            3663,
            "wp_page_reuse(vmf, folio);  /* 3189-3192: pte made dirty and writable in place, PT lock released */",
            WpPageReuse,
        ),
        Stmt::new(3664, "return 0;", Return),
        Stmt::new(3670, "if (folio) folio_get(folio);", GetPage(Page)).at("copy"),
        Stmt::new(3672, "pte_unmap_unlock(vmf->pte, vmf->ptl);", PtlUnlock).ms("ptl-dropped-to-copy"),
        Stmt::new(3675, "if (folio && folio_test_ksm(folio)) count_vm_event(COW_KSM);", Nop),
        Stmt::new(3677, "return wp_page_copy(vmf);", Call(WpPageCopy)),
    ],
};

/// `wp_page_copy` at v6.9: allocate and copy, then the bracket; `ptep_clear_flush` then `set_pte_at_notify`
/// under the PT lock; range_end before the old page's references go.
pub static WP_PAGE_COPY_V6_9: Function = Function {
    id: FuncId::WpPageCopy,
    name: "wp_page_copy",
    file: F,
    tag: Tag::V6_9,
    line: 3241,
    base_line: 3241,
    body: &[
        Stmt::new(3263, "new_folio = folio_prealloc(mm, vma, vmf->address, pfn_is_zero);", AllocNewPage),
        Stmt::new(3270, "err = __wp_page_copy_user(&new_folio->page, vmf->page, vmf);", CopyPage),
        Stmt::new(
            3291,
            "mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, mm, vmf->address & PAGE_MASK, (vmf->address & PAGE_MASK) + PAGE_SIZE);",
            Nop,
        ),
        Stmt::new(3294, "mmu_notifier_invalidate_range_start(&range);", Call(MnInvalidateRangeStart)),
        Stmt::new(3299, "vmf->pte = pte_offset_map_lock(mm, vmf->pmd, vmf->address, &vmf->ptl);", PtlLock)
            .ms("ptl-taken"),
        Stmt::new(
            3300,
            "if (likely(vmf->pte && pte_same(ptep_get(vmf->pte), vmf->orig_pte))) {",
            IfPteUnchanged { else_: "changed" },
        ),
        Stmt::new(3310, "flush_cache_page(vma, vmf->address, pte_pfn(vmf->orig_pte));", Nop),
        Stmt::new(
            3319,
            "entry = maybe_mkwrite(pte_mkdirty(entry), vma);  /* entry = mk_pte(&new_folio->page, vma->vm_page_prot) above */",
            MkPteCow,
        ),
        Stmt::new(3329, "ptep_clear_flush(vma, vmf->address, vmf->pte);", CallPtepClearFlush { keep_entry: false })
            .ms("pte-cleared"),
        Stmt::new(3330, "folio_add_new_anon_rmap(new_folio, vma, vmf->address);", PageAddNewAnonRmap(Kpage)),
        Stmt::new(3331, "folio_add_lru_vma(new_folio, vma);", Nop),
        Stmt::new(3338, "set_pte_at_notify(mm, vmf->address, vmf->pte, entry);", CallSetPteAtNotify(Entry))
            .ms("pte-set"),
        Stmt::new(3339, "update_mmu_cache_range(vmf, vma, vmf->address, vmf->pte, 1);", Nop),
        Stmt::new(3363, "if (old_folio) folio_remove_rmap_pte(old_folio, vmf->page, vma);", PageRemoveRmap(Page)),
        Stmt::new(3367, "new_folio = old_folio; page_copied = 1;  /* free the old page's mapping ref below */", Nop),
        Stmt::new(3369, "pte_unmap_unlock(vmf->pte, vmf->ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::new(3370, "} else if (vmf->pte) {  /* not taken: the copy was installed */", Goto("mn_end")),
        Stmt::new(
            3372,
            "update_mmu_tlb(vma, vmf->address, vmf->pte); pte_unmap_unlock(vmf->pte, vmf->ptl);",
            PtlUnlock,
        )
        .at("changed"),
        Stmt::new(3375, "mmu_notifier_invalidate_range_end(&range);", Call(MnInvalidateRangeEnd)).at("mn_end"),
        Stmt::new(3378, "if (new_folio) folio_put(new_folio);", ReleaseNewPageVar),
        Stmt::new(3381, "if (old_folio && page_copied) free_swap_cache(old_folio);", Nop),
        Stmt::new(3382, "if (old_folio) folio_put(old_folio);", PutPage(Page)),
        Stmt::new(3386, "return 0;", Return),
    ],
};

/// `wp_page_copy` at v6.10: allocate and copy, then the bracket; `ptep_clear_flush` then plain `set_pte_at`
/// under the PT lock; range_end before the old page's references go.
pub static WP_PAGE_COPY_V6_10: Function = Function {
    id: FuncId::WpPageCopy,
    name: "wp_page_copy",
    file: F,
    tag: Tag::V6_10,
    line: 3263,
    base_line: 3263,
    body: &[
        Stmt::new(3285, "new_folio = folio_prealloc(mm, vma, vmf->address, pfn_is_zero);", AllocNewPage),
        Stmt::new(3292, "err = __wp_page_copy_user(&new_folio->page, vmf->page, vmf);", CopyPage),
        Stmt::new(
            3313,
            "mmu_notifier_range_init(&range, MMU_NOTIFY_CLEAR, 0, mm, vmf->address & PAGE_MASK, (vmf->address & PAGE_MASK) + PAGE_SIZE);",
            Nop,
        ),
        Stmt::new(3316, "mmu_notifier_invalidate_range_start(&range);", Call(MnInvalidateRangeStart)),
        Stmt::new(3321, "vmf->pte = pte_offset_map_lock(mm, vmf->pmd, vmf->address, &vmf->ptl);", PtlLock)
            .ms("ptl-taken"),
        Stmt::new(
            3322,
            "if (likely(vmf->pte && pte_same(ptep_get(vmf->pte), vmf->orig_pte))) {",
            IfPteUnchanged { else_: "changed" },
        ),
        Stmt::new(3332, "flush_cache_page(vma, vmf->address, pte_pfn(vmf->orig_pte));", Nop),
        Stmt::new(
            3341,
            "entry = maybe_mkwrite(pte_mkdirty(entry), vma);  /* entry = mk_pte(&new_folio->page, vma->vm_page_prot) above */",
            MkPteCow,
        ),
        Stmt::new(3351, "ptep_clear_flush(vma, vmf->address, vmf->pte);", CallPtepClearFlush { keep_entry: false })
            .ms("pte-cleared"),
        Stmt::new(3352, "folio_add_new_anon_rmap(new_folio, vma, vmf->address);", PageAddNewAnonRmap(Kpage)),
        Stmt::new(3353, "folio_add_lru_vma(new_folio, vma);", Nop),
        Stmt::new(3355, "set_pte_at(mm, vmf->address, vmf->pte, entry);", SetPteAt).ms("pte-set"),
        Stmt::new(3356, "update_mmu_cache_range(vmf, vma, vmf->address, vmf->pte, 1);", Nop),
        Stmt::new(3380, "if (old_folio) folio_remove_rmap_pte(old_folio, vmf->page, vma);", PageRemoveRmap(Page)),
        Stmt::new(3384, "new_folio = old_folio; page_copied = 1;  /* free the old page's mapping ref below */", Nop),
        Stmt::new(3386, "pte_unmap_unlock(vmf->pte, vmf->ptl);", PtlUnlock).ms("ptl-released"),
        Stmt::new(3387, "} else if (vmf->pte) {  /* not taken: the copy was installed */", Goto("mn_end")),
        Stmt::new(
            3389,
            "update_mmu_tlb(vma, vmf->address, vmf->pte); pte_unmap_unlock(vmf->pte, vmf->ptl);",
            PtlUnlock,
        )
        .at("changed"),
        Stmt::new(3392, "mmu_notifier_invalidate_range_end(&range);", Call(MnInvalidateRangeEnd)).at("mn_end"),
        Stmt::new(3395, "if (new_folio) folio_put(new_folio);", ReleaseNewPageVar),
        Stmt::new(3398, "if (old_folio && page_copied) free_swap_cache(old_folio);", Nop),
        Stmt::new(3399, "if (old_folio) folio_put(old_folio);", PutPage(Page)),
        Stmt::new(3403, "return 0;", Return),
    ],
};

/// The `host_write` actor at v6.9 (not kernel code): cites
/// `handle_pte_fault`, where its fault on a read-only pte goes.
pub static USER_STORE_V6_9: Function = Function {
    id: FuncId::UserStore,
    name: "user store",
    file: F,
    tag: Tag::ACTOR_V6_9,
    line: 5266,
    base_line: 5266,
    body: &[Stmt::new(
        5266,
        "not kernel code: user space stores *(u32 *)addr = value;  /* a read-only or absent pte traps to handle_mm_fault -> handle_pte_fault */",
        HostStore,
    )
    .ms("host-store")],
};

/// The `host_write` actor at v6.10.
pub static USER_STORE_V6_10: Function = Function {
    id: FuncId::UserStore,
    name: "user store",
    file: F,
    tag: Tag::ACTOR_V6_10,
    line: 5347,
    base_line: 5347,
    body: &[Stmt::new(
        5347,
        "not kernel code: user space stores *(u32 *)addr = value;  /* a read-only or absent pte traps to handle_mm_fault -> handle_pte_fault */",
        HostStore,
    )
    .ms("host-store")],
};
