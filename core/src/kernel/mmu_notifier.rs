//! include/linux/mmu_notifier.h `set_pte_at_notify` and the list walkers of
//! mm/mmu_notifier.c.
//!
//! Lines verified for both tags (kernel-facts §2, §10 and a line-by-line
//! check of the walkers); the patched lines follow the hunks
//! `@@ -283,9 +296,11` (header), `@@ -122,18 +122,23` and `@@ -180,6 +185,21`.

use super::FuncId::*;
use super::Op::*;
use super::{FuncId, Function, Stmt};
use crate::notifier::Callback;
use crate::tag::Tag;

const H: &str = "include/linux/mmu_notifier.h";
const C: &str = "mm/mmu_notifier.c";

/// v3.6: `set_pte_at` first, then the notifier (before 48af0d7).
pub static SET_PTE_AT_NOTIFY_V3_6: Function = Function {
    id: FuncId::SetPteAtNotify,
    name: "set_pte_at_notify",
    file: H,
    tag: Tag::V3_6,
    line: 314,
    base_line: 314,
    body: &[
        Stmt::new(320, "set_pte_at(___mm, ___address, __ptep, ___pte);", SetPteAt),
        Stmt::new(321, "mmu_notifier_change_pte(___mm, ___address, ___pte);", Call(MnChangePte)),
    ],
};

/// v3.13: notifier first, then `set_pte_at` (48af0d7).
pub static SET_PTE_AT_NOTIFY_V3_13: Function = Function {
    id: FuncId::SetPteAtNotify,
    name: "set_pte_at_notify",
    file: H,
    tag: Tag::V3_13,
    line: 281,
    base_line: 281,
    body: &[
        Stmt::new(287, "mmu_notifier_change_pte(___mm, ___address, ___pte);", Call(MnChangePte)),
        Stmt::new(288, "set_pte_at(___mm, ___address, __ptep, ___pte);", SetPteAt),
    ],
};

/// The 2014 patch: same order, the macro evaluates to `___ret`.
pub static SET_PTE_AT_NOTIFY_PATCHED: Function = Function {
    id: FuncId::SetPteAtNotify,
    name: "set_pte_at_notify",
    file: H,
    tag: Tag::V3_13_PATCH,
    line: 294,
    base_line: 281,
    body: &[
        Stmt::patched(301, 287, "___ret = mmu_notifier_change_pte(___mm, ___address, ___pte);", Call(MnChangePte)),
        Stmt::patched(302, 288, "set_pte_at(___mm, ___address, __ptep, ___pte);", SetPteAt),
        Stmt::patched(303, 288, "___ret;  /* 1 if some notifier lacks change_pte */", Nop),
    ],
};

/// v3.6 `__mmu_notifier_change_pte`: RCU walk, `invalidate_page` fallback.
pub static CHANGE_PTE_V3_6: Function = Function {
    id: FuncId::MnChangePte,
    name: "__mmu_notifier_change_pte",
    file: C,
    tag: Tag::V3_6,
    line: 124,
    base_line: 124,
    body: &[
        Stmt::new(130, "rcu_read_lock();", RcuReadLock),
        Stmt::new(
            131,
            "hlist_for_each_entry_rcu(mn, n, &mm->mmu_notifier_mm->list, hlist) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::new(132, "if (mn->ops->change_pte)", IfOps { has: Callback::ChangePte, lacks: None, else_: "fallback" }),
        Stmt::new(
            133,
            "mn->ops->change_pte(mn, mm, address, pte);",
            Invoke { cb: Callback::ChangePte, then: Some("next") },
        ),
        Stmt::new(
            138,
            "else if (mn->ops->invalidate_page)  /* some drivers lack change_pte */",
            IfOps { has: Callback::InvalidatePage, lacks: None, else_: "next" },
        )
        .at("fallback"),
        Stmt::new(
            139,
            "mn->ops->invalidate_page(mn, mm, address);",
            Invoke { cb: Callback::InvalidatePage, then: None },
        ),
        Stmt::new(140, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::new(141, "rcu_read_unlock();", RcuReadUnlock).at("unlock"),
    ],
};

/// v3.13 `__mmu_notifier_change_pte`: SRCU walk, no fallback.
pub static CHANGE_PTE_V3_13: Function = Function {
    id: FuncId::MnChangePte,
    name: "__mmu_notifier_change_pte",
    file: C,
    tag: Tag::V3_13,
    line: 125,
    base_line: 125,
    body: &[
        Stmt::new(131, "id = srcu_read_lock(&srcu);", SrcuReadLock),
        Stmt::new(
            132,
            "hlist_for_each_entry_rcu(mn, &mm->mmu_notifier_mm->list, hlist) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::new(133, "if (mn->ops->change_pte)", IfOps { has: Callback::ChangePte, lacks: None, else_: "next" }),
        Stmt::new(134, "mn->ops->change_pte(mn, mm, address, pte);", Invoke { cb: Callback::ChangePte, then: None }),
        Stmt::new(135, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::new(136, "srcu_read_unlock(&srcu, id);", SrcuReadUnlock).at("unlock"),
    ],
};

/// The 2014 patch: returns 1 when some notifier has no `change_pte`.
pub static CHANGE_PTE_PATCHED: Function = Function {
    id: FuncId::MnChangePte,
    name: "__mmu_notifier_change_pte",
    file: C,
    tag: Tag::V3_13_PATCH,
    line: 125,
    base_line: 125,
    body: &[
        Stmt::patched(130, 129, "int ret = 0;", ClearNotifyMissing),
        Stmt::patched(132, 131, "id = srcu_read_lock(&srcu);", SrcuReadLock),
        Stmt::patched(
            133,
            132,
            "hlist_for_each_entry_rcu(mn, &mm->mmu_notifier_mm->list, hlist) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::patched(
            134,
            133,
            "if (mn->ops->change_pte)",
            IfOps { has: Callback::ChangePte, lacks: None, else_: "missing" },
        ),
        Stmt::patched(
            135,
            134,
            "mn->ops->change_pte(mn, mm, address, pte);",
            Invoke { cb: Callback::ChangePte, then: Some("next") },
        ),
        Stmt::patched(136, 134, "else ret = 1;", SetNotifyMissing).at("missing"),
        Stmt::patched(138, 135, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::patched(139, 136, "srcu_read_unlock(&srcu, id);", SrcuReadUnlock).at("unlock"),
        Stmt::patched(141, 136, "return ret;", Nop),
    ],
};

/// v3.13 `__mmu_notifier_invalidate_range_start` (never called by the three
/// paths in v3.6).
pub static RANGE_START_V3_13: Function = Function {
    id: FuncId::MnInvalidateRangeStart,
    name: "__mmu_notifier_invalidate_range_start",
    file: C,
    tag: Tag::V3_13,
    line: 153,
    base_line: 153,
    body: &[
        Stmt::new(159, "id = srcu_read_lock(&srcu);", SrcuReadLock),
        Stmt::new(
            160,
            "hlist_for_each_entry_rcu(mn, &mm->mmu_notifier_mm->list, hlist) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::new(
            161,
            "if (mn->ops->invalidate_range_start)",
            IfOps { has: Callback::InvalidateRangeStart, lacks: None, else_: "next" },
        ),
        Stmt::new(
            162,
            "mn->ops->invalidate_range_start(mn, mm, start, end);",
            Invoke { cb: Callback::InvalidateRangeStart, then: None },
        ),
        Stmt::new(163, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::new(164, "srcu_read_unlock(&srcu, id);", SrcuReadUnlock).at("unlock"),
    ],
};

/// v3.13 `__mmu_notifier_invalidate_range_end`.
pub static RANGE_END_V3_13: Function = Function {
    id: FuncId::MnInvalidateRangeEnd,
    name: "__mmu_notifier_invalidate_range_end",
    file: C,
    tag: Tag::V3_13,
    line: 168,
    base_line: 168,
    body: &[
        Stmt::new(174, "id = srcu_read_lock(&srcu);", SrcuReadLock),
        Stmt::new(
            175,
            "hlist_for_each_entry_rcu(mn, &mm->mmu_notifier_mm->list, hlist) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::new(
            176,
            "if (mn->ops->invalidate_range_end)",
            IfOps { has: Callback::InvalidateRangeEnd, lacks: None, else_: "next" },
        ),
        Stmt::new(
            177,
            "mn->ops->invalidate_range_end(mn, mm, start, end);",
            Invoke { cb: Callback::InvalidateRangeEnd, then: None },
        ),
        Stmt::new(178, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::new(179, "srcu_read_unlock(&srcu, id);", SrcuReadUnlock).at("unlock"),
    ],
};

/// The 2014 patch's new walker: `invalidate_page` for notifiers that have it
/// and lack `change_pte`. New code: its lines count in the patched file and
/// link to the hunk position (v3.13 line 181).
pub static INVALIDATE_PAGE_IF_MISSING_PATCHED: Function = Function {
    id: FuncId::MnInvalidatePageIfMissing,
    name: "__mmu_notifier_invalidate_page_if_missing_change_pte",
    file: C,
    tag: Tag::V3_13_PATCH,
    line: 188,
    base_line: 181,
    body: &[
        Stmt::patched(194, 181, "id = srcu_read_lock(&srcu);", SrcuReadLock),
        Stmt::patched(
            195,
            181,
            "hlist_for_each_entry_rcu(mn, &mm->mmu_notifier_mm->list, hlist) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::patched(
            196,
            181,
            "if (mn->ops->invalidate_page && !mn->ops->change_pte)",
            IfOps { has: Callback::InvalidatePage, lacks: Some(Callback::ChangePte), else_: "next" },
        ),
        Stmt::patched(
            197,
            181,
            "mn->ops->invalidate_page(mn, mm, address);",
            Invoke { cb: Callback::InvalidatePage, then: None },
        ),
        Stmt::patched(198, 181, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::patched(199, 181, "srcu_read_unlock(&srcu, id);", SrcuReadUnlock).at("unlock"),
    ],
};

// --- design alternatives over v3.13 (hypothetical code) ---

/// `bracket_if_missing`'s scan (hypothetical; Glisse, 2014-04-02: "that
/// needs a scan or a per-mm flag"): 1 when a registered notifier with range
/// callbacks lacks `change_pte`. Written as the v3.13 walkers are; cites
/// the v3.13 `__mmu_notifier_invalidate_range_start` it would sit beside.
pub static RANGE_NEEDED_ALT: Function = Function {
    id: FuncId::MnRangeNeeded,
    name: "mmu_notifier_range_needed",
    file: C,
    tag: Tag::HYPOTHETICAL_V3_13_ALT,
    line: 153,
    base_line: 153,
    body: &[
        Stmt::new(155, "int ret = 0;  /* hypothetical */", ClearNotifyMissing),
        Stmt::new(159, "id = srcu_read_lock(&srcu);", SrcuReadLock),
        Stmt::new(
            160,
            "hlist_for_each_entry_rcu(mn, &mm->mmu_notifier_mm->list, hlist) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::new(
            161,
            "if (mn->ops->invalidate_range_start && !mn->ops->change_pte)  /* hypothetical */",
            IfOps { has: Callback::InvalidateRangeStart, lacks: Some(Callback::ChangePte), else_: "next" },
        ),
        Stmt::new(162, "ret = 1;  /* hypothetical */", SetNotifyMissing),
        Stmt::new(163, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::new(164, "srcu_read_unlock(&srcu, id);", SrcuReadUnlock).at("unlock"),
        Stmt::new(164, "return ret;  /* hypothetical */", Return),
    ],
};

// --- v4.15 ---
//
// Lines read in vanilla v4.15 (sndrzt/linux-4.15@6ea06264896d, Makefile
// 4.15.0; include/linux/mmu_notifier.h blob b25dc9db19fc, the post-image
// of 4645b9fe84bf; mm/mmu_notifier.c blob 96edb33fd09a). The walkers run
// under the global SRCU (mm/mmu_notifier.c 24). The header wrappers
// (`if (mm_has_notifiers(mm)) __mmu_notifier_...`) are not listed, as in
// the older eras, except `mmu_notifier_invalidate_range_only_end`, whose
// `only_end = true` matters; the plain `mmu_notifier_invalidate_range_end`
// (268-273) is its callers' `CallInvalidateRangeEnd { only_end: false }`.

/// v4.15 `set_pte_at_notify`: the notifier, then `set_pte_at`.
pub static SET_PTE_AT_NOTIFY_V4_15: Function = Function {
    id: FuncId::SetPteAtNotify,
    name: "set_pte_at_notify",
    file: H,
    tag: Tag::V4_15,
    line: 397,
    base_line: 397,
    body: &[
        Stmt::new(403, "mmu_notifier_change_pte(___mm, ___address, ___pte);", Call(MnChangePte)),
        Stmt::new(404, "set_pte_at(___mm, ___address, __ptep, ___pte);", SetPteAt),
    ],
};

/// v4.15 `ptep_clear_flush_notify`: `ptep_clear_flush`, then
/// `invalidate_range` for the page, still under the caller's PT lock. A
/// header macro: its milestone is its caller's ([`FuncId::milestones_of`]).
pub static PTEP_CLEAR_FLUSH_NOTIFY_V4_15: Function = Function {
    id: FuncId::PtepClearFlushNotify,
    name: "ptep_clear_flush_notify",
    file: H,
    tag: Tag::V4_15,
    line: 348,
    base_line: 348,
    body: &[
        Stmt::new(354, "___pte = ptep_clear_flush(__vma, __address, __ptep);", PtepClearFlush).ms("pte-cleared"),
        Stmt::new(
            355,
            "mmu_notifier_invalidate_range(___mm, ___addr, ___addr + PAGE_SIZE);  /* -> __mmu_notifier_invalidate_range, 282-287 */",
            Call(MnInvalidateRange),
        ),
    ],
};

/// v4.15 `mmu_notifier_invalidate_range_only_end` (4645b9fe84bf): the end
/// walker with `only_end = true`, for callers that already ran
/// `invalidate_range` under the PT lock.
pub static RANGE_ONLY_END_V4_15: Function = Function {
    id: FuncId::MnInvalidateRangeOnlyEnd,
    name: "mmu_notifier_invalidate_range_only_end",
    file: H,
    tag: Tag::V4_15,
    line: 275,
    base_line: 275,
    body: &[Stmt::new(
        279,
        "if (mm_has_notifiers(mm)) __mmu_notifier_invalidate_range_end(mm, start, end, true);",
        CallInvalidateRangeEnd { only_end: true },
    )],
};

/// v4.15 `__mmu_notifier_change_pte`: SRCU walk, `change_pte` only.
pub static CHANGE_PTE_V4_15: Function = Function {
    id: FuncId::MnChangePte,
    name: "__mmu_notifier_change_pte",
    file: C,
    tag: Tag::V4_15,
    line: 163,
    base_line: 163,
    body: &[
        Stmt::new(169, "id = srcu_read_lock(&srcu);", SrcuReadLock),
        Stmt::new(
            170,
            "hlist_for_each_entry_rcu(mn, &mm->mmu_notifier_mm->list, hlist) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::new(171, "if (mn->ops->change_pte)", IfOps { has: Callback::ChangePte, lacks: None, else_: "next" }),
        Stmt::new(172, "mn->ops->change_pte(mn, mm, address, pte);", Invoke { cb: Callback::ChangePte, then: None }),
        Stmt::new(173, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::new(174, "srcu_read_unlock(&srcu, id);", SrcuReadUnlock).at("unlock"),
    ],
};

/// v4.15 `__mmu_notifier_invalidate_range_start`.
pub static RANGE_START_V4_15: Function = Function {
    id: FuncId::MnInvalidateRangeStart,
    name: "__mmu_notifier_invalidate_range_start",
    file: C,
    tag: Tag::V4_15,
    line: 177,
    base_line: 177,
    body: &[
        Stmt::new(183, "id = srcu_read_lock(&srcu);", SrcuReadLock),
        Stmt::new(
            184,
            "hlist_for_each_entry_rcu(mn, &mm->mmu_notifier_mm->list, hlist) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::new(
            185,
            "if (mn->ops->invalidate_range_start)",
            IfOps { has: Callback::InvalidateRangeStart, lacks: None, else_: "next" },
        ),
        Stmt::new(
            186,
            "mn->ops->invalidate_range_start(mn, mm, start, end);",
            Invoke { cb: Callback::InvalidateRangeStart, then: None },
        ),
        Stmt::new(187, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::new(188, "srcu_read_unlock(&srcu, id);", SrcuReadUnlock).at("unlock"),
    ],
};

/// v4.15 `__mmu_notifier_invalidate_range_end(mm, start, end, only_end)`:
/// per notifier, `invalidate_range` unless `only_end`, then
/// `invalidate_range_end`.
pub static RANGE_END_V4_15: Function = Function {
    id: FuncId::MnInvalidateRangeEnd,
    name: "__mmu_notifier_invalidate_range_end",
    file: C,
    tag: Tag::V4_15,
    line: 192,
    base_line: 192,
    body: &[
        Stmt::new(200, "id = srcu_read_lock(&srcu);", SrcuReadLock),
        Stmt::new(
            201,
            "hlist_for_each_entry_rcu(mn, &mm->mmu_notifier_mm->list, hlist) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::new(
            215,
            "if (!only_end && mn->ops->invalidate_range)",
            IfOpsUnlessOnlyEnd { has: Callback::InvalidateRange, else_: "end" },
        ),
        Stmt::new(
            216,
            "mn->ops->invalidate_range(mn, mm, start, end);",
            Invoke { cb: Callback::InvalidateRange, then: None },
        ),
        Stmt::new(
            217,
            "if (mn->ops->invalidate_range_end)",
            IfOps { has: Callback::InvalidateRangeEnd, lacks: None, else_: "next" },
        )
        .at("end"),
        Stmt::new(
            218,
            "mn->ops->invalidate_range_end(mn, mm, start, end);",
            Invoke { cb: Callback::InvalidateRangeEnd, then: None },
        ),
        Stmt::new(219, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::new(220, "srcu_read_unlock(&srcu, id);", SrcuReadUnlock).at("unlock"),
    ],
};

/// v4.15 `__mmu_notifier_invalidate_range`: `invalidate_range` for every
/// notifier that has it (from `ptep_clear_flush_notify`, under the PT lock).
pub static INVALIDATE_RANGE_V4_15: Function = Function {
    id: FuncId::MnInvalidateRange,
    name: "__mmu_notifier_invalidate_range",
    file: C,
    tag: Tag::V4_15,
    line: 224,
    base_line: 224,
    body: &[
        Stmt::new(230, "id = srcu_read_lock(&srcu);", SrcuReadLock),
        Stmt::new(
            231,
            "hlist_for_each_entry_rcu(mn, &mm->mmu_notifier_mm->list, hlist) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::new(
            232,
            "if (mn->ops->invalidate_range)",
            IfOps { has: Callback::InvalidateRange, lacks: None, else_: "next" },
        ),
        Stmt::new(
            233,
            "mn->ops->invalidate_range(mn, mm, start, end);",
            Invoke { cb: Callback::InvalidateRange, then: None },
        ),
        Stmt::new(234, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::new(235, "srcu_read_unlock(&srcu, id);", SrcuReadUnlock).at("unlock"),
    ],
};
// --- v6.9 / v6.10 ---
//
// Lines read in T6.9 (ec-jt/linux-6.9.0 @ b12020242247) and T6.10
// (msgeden/cryptocap-arm64-linux-6.10 @ 449e07155be2). The callers call the
// header wrappers (`mmu_notifier_invalidate_range_start` 450 / 432 sets
// MMU_NOTIFIER_RANGE_BLOCKABLE; `_end` 484 / 466; `_change_pte` 442;
// `_arch_invalidate_secondary_tlbs` 493 / 475), each of which only checks
// `mm_has_notifiers`; the listings start at the `__` functions. Interval
// notifiers (`mn_itree_invalidate`) are walked first; the model has none
// (Xen gntdev, the one user of the modelled set that became one, is
// refused at these tags), so only the hlist walks run.

/// v6.9 `set_pte_at_notify`: notifier first, then `set_pte_at` (removed in
/// v6.10).
pub static SET_PTE_AT_NOTIFY_V6_9: Function = Function {
    id: FuncId::SetPteAtNotify,
    name: "set_pte_at_notify",
    file: H,
    tag: Tag::V6_9,
    line: 594,
    base_line: 594,
    body: &[
        Stmt::new(600, "mmu_notifier_change_pte(___mm, ___address, ___pte);", Call(MnChangePte)),
        Stmt::new(601, "set_pte_at(___mm, ___address, __ptep, ___pte);", SetPteAt),
    ],
};

/// v6.9 `__mmu_notifier_change_pte` (removed in v6.10).
pub static CHANGE_PTE_V6_9: Function = Function {
    id: FuncId::MnChangePte,
    name: "__mmu_notifier_change_pte",
    file: C,
    tag: Tag::V6_9,
    line: 427,
    base_line: 427,
    body: &[
        Stmt::new(433, "id = srcu_read_lock(&srcu);", SrcuReadLock),
        Stmt::new(
            434,
            "hlist_for_each_entry_rcu(subscription, &mm->notifier_subscriptions->list, hlist, ...) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::new(
            437,
            "if (subscription->ops->change_pte)",
            IfOps { has: Callback::ChangePte, lacks: None, else_: "next" },
        ),
        Stmt::new(
            438,
            "subscription->ops->change_pte(subscription, mm, address, pte);",
            Invoke { cb: Callback::ChangePte, then: None },
        ),
        Stmt::new(440, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::new(441, "srcu_read_unlock(&srcu, id);", SrcuReadUnlock).at("unlock"),
    ],
};

/// v6.9 `__mmu_notifier_invalidate_range_start`: interval notifiers
/// first, then the hlist.
pub static RANGE_START_V6_9: Function = Function {
    id: FuncId::MnInvalidateRangeStart,
    name: "__mmu_notifier_invalidate_range_start",
    file: C,
    tag: Tag::V6_9,
    line: 536,
    base_line: 536,
    body: &[
        Stmt::new(
            542,
            "if (subscriptions->has_itree) { ret = mn_itree_invalidate(subscriptions, range); ... }  /* no interval notifier in the model */",
            Nop,
        ),
        Stmt::new(
            548,
            "if (!hlist_empty(&subscriptions->list)) return mn_hlist_invalidate_range_start(subscriptions, range);",
            Call(MnHlistInvalidateRangeStart),
        ),
    ],
};

/// v6.9 `mn_hlist_invalidate_range_start`.
pub static HLIST_RANGE_START_V6_9: Function = Function {
    id: FuncId::MnHlistInvalidateRangeStart,
    name: "mn_hlist_invalidate_range_start",
    file: C,
    tag: Tag::V6_9,
    line: 475,
    base_line: 475,
    body: &[
        Stmt::new(483, "id = srcu_read_lock(&srcu);", SrcuReadLock),
        Stmt::new(
            484,
            "hlist_for_each_entry_rcu(subscription, &subscriptions->list, hlist, ...) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::new(
            488,
            "if (ops->invalidate_range_start) {",
            IfOps { has: Callback::InvalidateRangeStart, lacks: None, else_: "next" },
        ),
        Stmt::new(
            493,
            "_ret = ops->invalidate_range_start(subscription, range);  /* blockable: no non_block_start() */",
            Invoke { cb: Callback::InvalidateRangeStart, then: None },
        ),
        Stmt::new(514, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::new(531, "srcu_read_unlock(&srcu, id);", SrcuReadUnlock).at("unlock"),
    ],
};

/// v6.9 `__mmu_notifier_invalidate_range_end`: no secondary-TLB call
/// here any more (that moved into `ptep_clear_flush`).
pub static RANGE_END_V6_9: Function = Function {
    id: FuncId::MnInvalidateRangeEnd,
    name: "__mmu_notifier_invalidate_range_end",
    file: C,
    tag: Tag::V6_9,
    line: 574,
    base_line: 574,
    body: &[
        Stmt::new(
            580,
            "if (subscriptions->has_itree) mn_itree_inv_end(subscriptions);  /* no interval notifier in the model */",
            Nop,
        ),
        Stmt::new(
            584,
            "if (!hlist_empty(&subscriptions->list)) mn_hlist_invalidate_end(subscriptions, range);",
            Call(MnHlistInvalidateEnd),
        ),
    ],
};

/// v6.9 `mn_hlist_invalidate_end`.
pub static HLIST_RANGE_END_V6_9: Function = Function {
    id: FuncId::MnHlistInvalidateEnd,
    name: "mn_hlist_invalidate_end",
    file: C,
    tag: Tag::V6_9,
    line: 552,
    base_line: 552,
    body: &[
        Stmt::new(559, "id = srcu_read_lock(&srcu);", SrcuReadLock),
        Stmt::new(
            560,
            "hlist_for_each_entry_rcu(subscription, &subscriptions->list, hlist, ...) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::new(
            562,
            "if (subscription->ops->invalidate_range_end) {",
            IfOps { has: Callback::InvalidateRangeEnd, lacks: None, else_: "next" },
        ),
        Stmt::new(
            565,
            "subscription->ops->invalidate_range_end(subscription, range);",
            Invoke { cb: Callback::InvalidateRangeEnd, then: None },
        ),
        Stmt::new(570, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::new(571, "srcu_read_unlock(&srcu, id);", SrcuReadUnlock).at("unlock"),
    ],
};

/// v6.9 `__mmu_notifier_arch_invalidate_secondary_tlbs`: reached from the
/// x86 TLB flush inside `ptep_clear_flush`, under the caller's PT lock.
pub static ARCH_INVALIDATE_SECONDARY_TLBS_V6_9: Function = Function {
    id: FuncId::MnArchInvalidateSecondaryTlbs,
    name: "__mmu_notifier_arch_invalidate_secondary_tlbs",
    file: C,
    tag: Tag::V6_9,
    line: 588,
    base_line: 588,
    body: &[
        Stmt::new(594, "id = srcu_read_lock(&srcu);", SrcuReadLock),
        Stmt::new(
            595,
            "hlist_for_each_entry_rcu(subscription, &mm->notifier_subscriptions->list, hlist, ...) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::new(
            598,
            "if (subscription->ops->arch_invalidate_secondary_tlbs)",
            IfOps { has: Callback::ArchInvalidateSecondaryTlbs, lacks: None, else_: "next" },
        ),
        Stmt::new(
            599,
            "subscription->ops->arch_invalidate_secondary_tlbs(subscription, mm, start, end);",
            Invoke { cb: Callback::ArchInvalidateSecondaryTlbs, then: None },
        ),
        Stmt::new(602, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::new(603, "srcu_read_unlock(&srcu, id);", SrcuReadUnlock).at("unlock"),
    ],
};

/// v6.10 `__mmu_notifier_invalidate_range_start`: interval notifiers
/// first, then the hlist.
pub static RANGE_START_V6_10: Function = Function {
    id: FuncId::MnInvalidateRangeStart,
    name: "__mmu_notifier_invalidate_range_start",
    file: C,
    tag: Tag::V6_10,
    line: 519,
    base_line: 519,
    body: &[
        Stmt::new(
            525,
            "if (subscriptions->has_itree) { ret = mn_itree_invalidate(subscriptions, range); ... }  /* no interval notifier in the model */",
            Nop,
        ),
        Stmt::new(
            531,
            "if (!hlist_empty(&subscriptions->list)) return mn_hlist_invalidate_range_start(subscriptions, range);",
            Call(MnHlistInvalidateRangeStart),
        ),
    ],
};

/// v6.10 `mn_hlist_invalidate_range_start`.
pub static HLIST_RANGE_START_V6_10: Function = Function {
    id: FuncId::MnHlistInvalidateRangeStart,
    name: "mn_hlist_invalidate_range_start",
    file: C,
    tag: Tag::V6_10,
    line: 458,
    base_line: 458,
    body: &[
        Stmt::new(466, "id = srcu_read_lock(&srcu);", SrcuReadLock),
        Stmt::new(
            467,
            "hlist_for_each_entry_rcu(subscription, &subscriptions->list, hlist, ...) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::new(
            471,
            "if (ops->invalidate_range_start) {",
            IfOps { has: Callback::InvalidateRangeStart, lacks: None, else_: "next" },
        ),
        Stmt::new(
            476,
            "_ret = ops->invalidate_range_start(subscription, range);  /* blockable: no non_block_start() */",
            Invoke { cb: Callback::InvalidateRangeStart, then: None },
        ),
        Stmt::new(497, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::new(514, "srcu_read_unlock(&srcu, id);", SrcuReadUnlock).at("unlock"),
    ],
};

/// v6.10 `__mmu_notifier_invalidate_range_end`: no secondary-TLB call
/// here any more (that moved into `ptep_clear_flush`).
pub static RANGE_END_V6_10: Function = Function {
    id: FuncId::MnInvalidateRangeEnd,
    name: "__mmu_notifier_invalidate_range_end",
    file: C,
    tag: Tag::V6_10,
    line: 557,
    base_line: 557,
    body: &[
        Stmt::new(
            563,
            "if (subscriptions->has_itree) mn_itree_inv_end(subscriptions);  /* no interval notifier in the model */",
            Nop,
        ),
        Stmt::new(
            567,
            "if (!hlist_empty(&subscriptions->list)) mn_hlist_invalidate_end(subscriptions, range);",
            Call(MnHlistInvalidateEnd),
        ),
    ],
};

/// v6.10 `mn_hlist_invalidate_end`.
pub static HLIST_RANGE_END_V6_10: Function = Function {
    id: FuncId::MnHlistInvalidateEnd,
    name: "mn_hlist_invalidate_end",
    file: C,
    tag: Tag::V6_10,
    line: 535,
    base_line: 535,
    body: &[
        Stmt::new(542, "id = srcu_read_lock(&srcu);", SrcuReadLock),
        Stmt::new(
            543,
            "hlist_for_each_entry_rcu(subscription, &subscriptions->list, hlist, ...) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::new(
            545,
            "if (subscription->ops->invalidate_range_end) {",
            IfOps { has: Callback::InvalidateRangeEnd, lacks: None, else_: "next" },
        ),
        Stmt::new(
            548,
            "subscription->ops->invalidate_range_end(subscription, range);",
            Invoke { cb: Callback::InvalidateRangeEnd, then: None },
        ),
        Stmt::new(553, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::new(554, "srcu_read_unlock(&srcu, id);", SrcuReadUnlock).at("unlock"),
    ],
};

/// v6.10 `__mmu_notifier_arch_invalidate_secondary_tlbs`: reached from the
/// x86 TLB flush inside `ptep_clear_flush`, under the caller's PT lock.
pub static ARCH_INVALIDATE_SECONDARY_TLBS_V6_10: Function = Function {
    id: FuncId::MnArchInvalidateSecondaryTlbs,
    name: "__mmu_notifier_arch_invalidate_secondary_tlbs",
    file: C,
    tag: Tag::V6_10,
    line: 571,
    base_line: 571,
    body: &[
        Stmt::new(577, "id = srcu_read_lock(&srcu);", SrcuReadLock),
        Stmt::new(
            578,
            "hlist_for_each_entry_rcu(subscription, &mm->notifier_subscriptions->list, hlist, ...) {",
            ForEachNotifier { done: "unlock" },
        )
        .at("head"),
        Stmt::new(
            581,
            "if (subscription->ops->arch_invalidate_secondary_tlbs)",
            IfOps { has: Callback::ArchInvalidateSecondaryTlbs, lacks: None, else_: "next" },
        ),
        Stmt::new(
            582,
            "subscription->ops->arch_invalidate_secondary_tlbs(subscription, mm, start, end);",
            Invoke { cb: Callback::ArchInvalidateSecondaryTlbs, then: None },
        ),
        Stmt::new(585, "}", NextNotifier { head: "head" }).at("next"),
        Stmt::new(586, "srcu_read_unlock(&srcu, id);", SrcuReadUnlock).at("unlock"),
    ],
};
