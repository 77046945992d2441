//! Xen gntdev callbacks (drivers/xen/gntdev.c; function lines from
//! kernel-facts §4 and §10).

use super::FuncId::GntdevInvlRangeStart;
use super::Op::Nop;
use super::{FuncId, Function, Stmt};
use crate::users::UserOp;
use crate::users::xen_gntdev::GntdevOp;

/// A XenGntdev op as a listing statement's [`super::Op`].
const fn gntdev(o: GntdevOp) -> super::Op {
    super::Op::User(UserOp::XenGntdev(o))
}
use crate::tag::Tag;

const F: &str = "drivers/xen/gntdev.c";

/// v3.6 `mn_invl_range_start` (unmap logic inlined, `priv->maps` only).
pub static RANGE_START_V3_6: Function = Function {
    id: FuncId::GntdevInvlRangeStart,
    name: "mn_invl_range_start",
    file: F,
    tag: Tag::V3_6,
    line: 391,
    base_line: 391,
    body: &[
        Stmt::new(400, "spin_lock(&priv->lock);", gntdev(GntdevOp::Lock)),
        Stmt::new(
            401,
            "list_for_each_entry(map, &priv->maps, next) { ... unmap_grant_pages(map, ...); }",
            gntdev(GntdevOp::UnmapInRange),
        ),
        Stmt::new(419, "spin_unlock(&priv->lock);", gntdev(GntdevOp::Unlock)),
    ],
};

/// v3.13 `mn_invl_range_start`.
pub static RANGE_START_V3_13: Function = Function {
    id: FuncId::GntdevInvlRangeStart,
    name: "mn_invl_range_start",
    file: F,
    tag: Tag::V3_13,
    line: 429,
    base_line: 429,
    body: &[
        Stmt::new(436, "spin_lock(&priv->lock);", gntdev(GntdevOp::Lock)),
        Stmt::new(
            437,
            "list_for_each_entry(map, &priv->maps, next) unmap_if_in_range(map, start, end);",
            gntdev(GntdevOp::UnmapInRange),
        ),
        // The model keeps one count of grant maps in range, reported by the
        // walk above; maps already on the freeable list are not modelled, so
        // this second walk changes nothing the model tracks.
        Stmt::new(440, "list_for_each_entry(map, &priv->freeable_maps, next) unmap_if_in_range(map, start, end);", Nop),
        Stmt::new(443, "spin_unlock(&priv->lock);", gntdev(GntdevOp::Unlock)),
    ],
};

/// v3.6 `mn_invl_page`: range_start on one page.
pub static INVL_PAGE_V3_6: Function = Function {
    id: FuncId::GntdevInvlPage,
    name: "mn_invl_page",
    file: F,
    tag: Tag::V3_6,
    line: 422,
    base_line: 422,
    body: &[Stmt::new(
        426,
        "mn_invl_range_start(mn, mm, address, address + PAGE_SIZE);",
        super::Op::Call(GntdevInvlRangeStart),
    )],
};

/// v3.13 `mn_invl_page`.
pub static INVL_PAGE_V3_13: Function = Function {
    id: FuncId::GntdevInvlPage,
    name: "mn_invl_page",
    file: F,
    tag: Tag::V3_13,
    line: 446,
    base_line: 446,
    body: &[Stmt::new(
        450,
        "mn_invl_range_start(mn, mm, address, address + PAGE_SIZE);",
        super::Op::Call(GntdevInvlRangeStart),
    )],
};

// --- v4.15 ---
//
// Lines read in vanilla v4.15 (sndrzt/linux-4.15@6ea06264896d, Makefile
// 4.15.0; drivers/xen/gntdev.c blob bd56653b9bbc). The ops table
// `gntdev_mmu_ops` (514-517) has release and invalidate_range_start only
// (`mn_invl_page` went with `invalidate_page`), and `priv->lock` is a
// mutex (`struct mutex lock;`, 72), so the callback may sleep.

/// v4.15 `mn_invl_range_start`: unmap the grant maps in range under the
/// `priv->lock` mutex.
pub static RANGE_START_V4_15: Function = Function {
    id: FuncId::GntdevInvlRangeStart,
    name: "mn_invl_range_start",
    file: F,
    tag: Tag::V4_15,
    line: 468,
    base_line: 468,
    body: &[
        Stmt::new(475, "mutex_lock(&priv->lock);  /* may sleep */", gntdev(GntdevOp::MutexLock)),
        Stmt::new(
            476,
            "list_for_each_entry(map, &priv->maps, next) unmap_if_in_range(map, start, end);",
            gntdev(GntdevOp::UnmapInRange),
        ),
        // As at v3.13: maps on the freeable list are not modelled.
        Stmt::new(479, "list_for_each_entry(map, &priv->freeable_maps, next) unmap_if_in_range(map, start, end);", Nop),
        Stmt::new(482, "mutex_unlock(&priv->lock);", gntdev(GntdevOp::MutexUnlock)),
    ],
};
