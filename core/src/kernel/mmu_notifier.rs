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
