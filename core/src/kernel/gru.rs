//! SGI GRU: the callbacks (drivers/misc/sgi-gru/grutlbpurge.c, same lines
//! at v3.6 and v3.13; checked line by line) and the fault side
//! (drivers/misc/sgi-gru/grufault.c, kernel-facts §6, same lines at v3.6
//! and v3.13).
//!
//! Fault-side anchors (kernel-facts §6, §10): `gru_try_dropin` 364, `rmb`
//! 413, the `ms_range_active` check 419–420, `gru_vtop` call 422,
//! `tfh_write_restart` 443, `failactive:` 509 (… `return 1` 519);
//! `gru_user_dropin` 622, `while (1)` 630, `wait_event` 631, the
//! `gru_try_dropin` call 634; `gru_vtop` 261 with its `rmb` at 277;
//! `atomic_pte_lookup` 219–259 and `non_atomic_pte_lookup` 190–207. The
//! `if (ret <= 0) return ret;` after the call at 634 is placed at 635 from
//! those anchors (the loop ends at 639), not counted in a vanilla tree.
//!
//! Why no dropin can load a translation that a concurrent invalidate
//! already removed: the comment at the head of `gru_try_dropin` says the
//! GRU has "magic hardware" that ignores a dropin when a TLB invalidate hit
//! the TFH between reading it and the dropin. The model keeps that as a
//! per-thread flag armed at 413 and cleared by every `gru_flush_tlb_range`.

use super::FuncId::*;
use super::Op::*;
use super::{FuncId, Function, Stmt};
use crate::users::UserOp;
use crate::users::gru::GruOp;

/// A Gru op as a listing statement's [`super::Op`].
const fn gru(o: GruOp) -> super::Op {
    super::Op::User(UserOp::Gru(o))
}
use crate::tag::Tag;

const F: &str = "drivers/misc/sgi-gru/grutlbpurge.c";
const FAULT: &str = "drivers/misc/sgi-gru/grufault.c";

/// `gru_invalidate_range_start` (only reached from v3.7 on).
pub static RANGE_START: Function = Function {
    id: FuncId::GruInvalidateRangeStart,
    name: "gru_invalidate_range_start",
    file: F,
    tag: Tag::V3_13,
    line: 222,
    base_line: 222,
    body: &[
        Stmt::new(230, "atomic_inc(&gms->ms_range_active);", gru(GruOp::RangeActiveInc)),
        Stmt::new(233, "gru_flush_tlb_range(gms, start, end - start);", gru(GruOp::FlushTlbRange)),
    ],
};

/// `gru_invalidate_range_end`: the `wake_up_all` Andrew Morton asked about.
pub static RANGE_END: Function = Function {
    id: FuncId::GruInvalidateRangeEnd,
    name: "gru_invalidate_range_end",
    file: F,
    tag: Tag::V3_13,
    line: 236,
    base_line: 236,
    body: &[
        Stmt::new(244, "(void)atomic_dec_and_test(&gms->ms_range_active);", gru(GruOp::RangeActiveDec)),
        Stmt::new(246, "wake_up_all(&gms->ms_wait_queue);", gru(GruOp::WakeUpAll)),
    ],
};

/// v3.6 `gru_invalidate_page` (reached through the change_pte fallback).
pub static INVALIDATE_PAGE_V3_6: Function = Function {
    id: FuncId::GruInvalidatePage,
    name: "gru_invalidate_page",
    file: F,
    tag: Tag::V3_6,
    line: 250,
    base_line: 250,
    body: &[Stmt::new(257, "gru_flush_tlb_range(gms, address, PAGE_SIZE);", gru(GruOp::FlushTlbRange))],
};

/// v3.13 `gru_invalidate_page` (reached from the patch's post-unlock call).
pub static INVALIDATE_PAGE_V3_13: Function = Function {
    id: FuncId::GruInvalidatePage,
    name: "gru_invalidate_page",
    file: F,
    tag: Tag::V3_13,
    line: 250,
    base_line: 250,
    body: &[Stmt::new(257, "gru_flush_tlb_range(gms, address, PAGE_SIZE);", gru(GruOp::FlushTlbRange))],
};

const INSTRUCTION: &[Stmt] = &[Stmt::new(
    622,
    "not kernel code: a GRU instruction accesses addr through the GRU TLB  /* on a miss the TFH reports it and user context calls gru_user_dropin */",
    gru(GruOp::Access),
)
.ms("gru-access")];

const USER_DROPIN: &[Stmt] = &[
    Stmt::new(631, "wait_event(gms->ms_wait_queue, atomic_read(&gms->ms_range_active) == 0);", gru(GruOp::WaitEvent))
        .at("loop"),
    Stmt::new(634, "ret = gru_try_dropin(gts->ts_gru, gts, tfh, cb);", Call(GruTryDropin)),
    Stmt::new(
        635,
        "if (ret <= 0) return ret;  /* 1: range active, loop to while (1) at 630 */",
        gru(GruOp::IfDropinRetry { retry: "loop" }),
    ),
];

const TRY_DROPIN: &[Stmt] = &[
    Stmt::new(
        413,
        "rmb();  /* TFH (missvaddr, cause) read above must be cache resident before ms_range_active */",
        gru(GruOp::TfhArm),
    ),
    Stmt::new(
        419,
        "if (atomic_read(&gts->ts_gms->ms_range_active)) goto failactive;",
        gru(GruOp::IfRangeActive { fail: "failactive" }),
    ),
    Stmt::new(422, "ret = gru_vtop(gts, vaddr, write, atomic, &gpa, &pageshift);", Call(GruVtop)),
    Stmt::new(
        443,
        "tfh_write_restart(tfh, gpa, GAA_RAM, vaddr, asid, write, GRU_PAGESIZE(pageshift));  /* ignored by the hardware if an invalidate hit the TFH */",
        gru(GruOp::TlbDropin),
    ),
    Stmt::new(
        509,
        "failactive: ... gru_flush_cache(tfh); ... return 1;  /* user context: try again (509-519) */",
        gru(GruOp::DropinFailActive),
    )
    .at("failactive"),
];

const VTOP: &[Stmt] = &[Stmt::new(
    277,
    "rmb(); if (atomic_pte_lookup(vma, vaddr, write, &paddr, &ps)) non_atomic_pte_lookup(vma, vaddr, write, &paddr, &ps);  /* 219-259: lockless pte read; 190-207: get_user_pages */",
    gru(GruOp::PteLookup),
)];

/// The `gru_read` / `gru_write` actor at v3.6: one GRU instruction. Not
/// kernel code; it cites `gru_user_dropin`, which handles its TLB miss.
pub static INSTRUCTION_V3_6: Function = Function {
    id: FuncId::GruInstruction,
    name: "gru",
    file: FAULT,
    tag: Tag::ACTOR_V3_6,
    line: 622,
    base_line: 622,
    body: INSTRUCTION,
};

/// The GRU instruction at v3.13.
pub static INSTRUCTION_V3_13: Function = Function {
    id: FuncId::GruInstruction,
    name: "gru",
    file: FAULT,
    tag: Tag::ACTOR_V3_13,
    line: 622,
    base_line: 622,
    body: INSTRUCTION,
};

/// v3.6 `gru_user_dropin`: sleep while a range is active, then drop in.
pub static USER_DROPIN_V3_6: Function = Function {
    id: FuncId::GruUserDropin,
    name: "gru_user_dropin",
    file: FAULT,
    tag: Tag::V3_6,
    line: 622,
    base_line: 622,
    body: USER_DROPIN,
};

/// v3.13 `gru_user_dropin`.
pub static USER_DROPIN_V3_13: Function = Function {
    id: FuncId::GruUserDropin,
    name: "gru_user_dropin",
    file: FAULT,
    tag: Tag::V3_13,
    line: 622,
    base_line: 622,
    body: USER_DROPIN,
};

/// v3.6 `gru_try_dropin`: fail while a range is active, else look the pte
/// up without the PT lock and load the GRU TLB.
pub static TRY_DROPIN_V3_6: Function = Function {
    id: FuncId::GruTryDropin,
    name: "gru_try_dropin",
    file: FAULT,
    tag: Tag::V3_6,
    line: 364,
    base_line: 364,
    body: TRY_DROPIN,
};

/// v3.13 `gru_try_dropin`.
pub static TRY_DROPIN_V3_13: Function = Function {
    id: FuncId::GruTryDropin,
    name: "gru_try_dropin",
    file: FAULT,
    tag: Tag::V3_13,
    line: 364,
    base_line: 364,
    body: TRY_DROPIN,
};

/// v3.6 `gru_vtop`.
pub static VTOP_V3_6: Function = Function {
    id: FuncId::GruVtop,
    name: "gru_vtop",
    file: FAULT,
    tag: Tag::V3_6,
    line: 261,
    base_line: 261,
    body: VTOP,
};

/// v3.13 `gru_vtop`.
pub static VTOP_V3_13: Function = Function {
    id: FuncId::GruVtop,
    name: "gru_vtop",
    file: FAULT,
    tag: Tag::V3_13,
    line: 261,
    base_line: 261,
    body: VTOP,
};

// --- v4.15 ---
//
// Lines read in vanilla v4.15 (sndrzt/linux-4.15@6ea06264896d, Makefile
// 4.15.0; grutlbpurge.c blob 9918eda0e05f, grufault.c blob 93be82fc338a).
// The ops table (grutlbpurge.c 260-264) has range_start, range_end and
// release: `gru_invalidate_page` went with `invalidate_page` (v4.13). The
// callbacks keep their v3.13 lines; from `gru_vtop` on, the fault side sits
// 4 lines lower (`atomic_pte_lookup` gained the p4d level): `gru_try_dropin`
// 368, its `rmb` 417, the `ms_range_active` check 423-424, `gru_vtop` call
// 426, `tfh_write_restart` 447-448, `failactive:` 513-523 (the "magic
// hardware" comment is 378-383); `gru_user_dropin` 626, `while (1)` 634,
// `wait_event` 635-636, the `gru_try_dropin` call 638 and `if (ret <= 0)
// return ret;` 639-640; `gru_vtop` 265 with its `rmb` 281,
// `atomic_pte_lookup` 218-263 and `non_atomic_pte_lookup` 190-206.

/// v4.15 `gru_invalidate_range_start`.
pub static RANGE_START_V4_15: Function = Function {
    id: FuncId::GruInvalidateRangeStart,
    name: "gru_invalidate_range_start",
    file: F,
    tag: Tag::V4_15,
    line: 222,
    base_line: 222,
    body: &[
        Stmt::new(230, "atomic_inc(&gms->ms_range_active);", gru(GruOp::RangeActiveInc)),
        Stmt::new(233, "gru_flush_tlb_range(gms, start, end - start);", gru(GruOp::FlushTlbRange)),
    ],
};

/// v4.15 `gru_invalidate_range_end`.
pub static RANGE_END_V4_15: Function = Function {
    id: FuncId::GruInvalidateRangeEnd,
    name: "gru_invalidate_range_end",
    file: F,
    tag: Tag::V4_15,
    line: 236,
    base_line: 236,
    body: &[
        Stmt::new(244, "(void)atomic_dec_and_test(&gms->ms_range_active);", gru(GruOp::RangeActiveDec)),
        Stmt::new(246, "wake_up_all(&gms->ms_wait_queue);", gru(GruOp::WakeUpAll)),
    ],
};

/// The `gru_read` / `gru_write` actor at v4.15: one GRU instruction. Not
/// kernel code; it cites `gru_user_dropin`.
pub static INSTRUCTION_V4_15: Function = Function {
    id: FuncId::GruInstruction,
    name: "gru",
    file: FAULT,
    tag: Tag::ACTOR_V4_15,
    line: 626,
    base_line: 626,
    body: &[Stmt::new(
        626,
        "not kernel code: a GRU instruction accesses addr through the GRU TLB  /* on a miss the TFH reports it and user context calls gru_user_dropin */",
        gru(GruOp::Access),
    )
    .ms("gru-access")],
};

/// v4.15 `gru_user_dropin`.
pub static USER_DROPIN_V4_15: Function = Function {
    id: FuncId::GruUserDropin,
    name: "gru_user_dropin",
    file: FAULT,
    tag: Tag::V4_15,
    line: 626,
    base_line: 626,
    body: &[
        Stmt::new(
            635,
            "wait_event(gms->ms_wait_queue, atomic_read(&gms->ms_range_active) == 0);",
            gru(GruOp::WaitEvent),
        )
        .at("loop"),
        Stmt::new(638, "ret = gru_try_dropin(gts->ts_gru, gts, tfh, cb);", Call(GruTryDropin)),
        Stmt::new(
            639,
            "if (ret <= 0) return ret;  /* 1: range active, loop to while (1) at 634 */",
            gru(GruOp::IfDropinRetry { retry: "loop" }),
        ),
    ],
};

/// v4.15 `gru_try_dropin`.
pub static TRY_DROPIN_V4_15: Function = Function {
    id: FuncId::GruTryDropin,
    name: "gru_try_dropin",
    file: FAULT,
    tag: Tag::V4_15,
    line: 368,
    base_line: 368,
    body: &[
        Stmt::new(
            417,
            "rmb();  /* TFH (missvaddr, cause) read above must be cache resident before ms_range_active */",
            gru(GruOp::TfhArm),
        ),
        Stmt::new(
            423,
            "if (atomic_read(&gts->ts_gms->ms_range_active)) goto failactive;",
            gru(GruOp::IfRangeActive { fail: "failactive" }),
        ),
        Stmt::new(426, "ret = gru_vtop(gts, vaddr, write, atomic, &gpa, &pageshift);", Call(GruVtop)),
        Stmt::new(
            447,
            "tfh_write_restart(tfh, gpa, GAA_RAM, vaddr, asid, write, GRU_PAGESIZE(pageshift));  /* ignored by the hardware if an invalidate hit the TFH */",
            gru(GruOp::TlbDropin),
        ),
        Stmt::new(
            513,
            "failactive: ... gru_flush_cache(tfh); ... return 1;  /* user context: try again (513-523) */",
            gru(GruOp::DropinFailActive),
        )
        .at("failactive"),
    ],
};

/// v4.15 `gru_vtop`.
pub static VTOP_V4_15: Function = Function {
    id: FuncId::GruVtop,
    name: "gru_vtop",
    file: FAULT,
    tag: Tag::V4_15,
    line: 265,
    base_line: 265,
    body: &[Stmt::new(
        281,
        "rmb(); if (atomic_pte_lookup(vma, vaddr, write, &paddr, &ps)) non_atomic_pte_lookup(vma, vaddr, write, &paddr, &ps);  /* 282, 286; 218-263: lockless pte read; 190-206: get_user_pages */",
        gru(GruOp::PteLookup),
    )],
};
// --- v6.9 / v6.10 ---
//
// drivers/misc/sgi-gru/grutlbpurge.c and grufault.c are byte-identical in
// T6.9 (ec-jt/linux-6.9.0 @ b12020242247) and T6.10
// (msgeden/cryptocap-arm64-linux-6.10 @ 449e07155be2); lines read there.
// `gru_mmuops` (grutlbpurge.c 258): invalidate_range_start,
// invalidate_range_end, alloc_notifier, free_notifier.

/// `gru_invalidate_range_start` at v6.9 and v6.10 (takes a `struct
/// mmu_notifier_range`).
pub static RANGE_START_V6_9: Function = Function {
    id: FuncId::GruInvalidateRangeStart,
    name: "gru_invalidate_range_start",
    file: F,
    tag: Tag::V6_9,
    line: 209,
    base_line: 209,
    body: RANGE_START_V6_BODY,
};

/// `gru_invalidate_range_start` at v6.10 (same lines).
pub static RANGE_START_V6_10: Function = Function {
    id: FuncId::GruInvalidateRangeStart,
    name: "gru_invalidate_range_start",
    file: F,
    tag: Tag::V6_10,
    line: 209,
    base_line: 209,
    body: RANGE_START_V6_BODY,
};

const RANGE_START_V6_BODY: &[Stmt] = &[
    Stmt::new(216, "atomic_inc(&gms->ms_range_active);", gru(GruOp::RangeActiveInc)),
    Stmt::new(219, "gru_flush_tlb_range(gms, range->start, range->end - range->start);", gru(GruOp::FlushTlbRange)),
];

/// `gru_invalidate_range_end` at v6.9.
pub static RANGE_END_V6_9: Function = Function {
    id: FuncId::GruInvalidateRangeEnd,
    name: "gru_invalidate_range_end",
    file: F,
    tag: Tag::V6_9,
    line: 224,
    base_line: 224,
    body: RANGE_END_V6_BODY,
};

const RANGE_END_V6_BODY: &[Stmt] = &[
    Stmt::new(231, "(void)atomic_dec_and_test(&gms->ms_range_active);", gru(GruOp::RangeActiveDec)),
    Stmt::new(233, "wake_up_all(&gms->ms_wait_queue);", gru(GruOp::WakeUpAll)),
];

/// `gru_invalidate_range_end` at v6.10 (same lines).
pub static RANGE_END_V6_10: Function = Function {
    id: FuncId::GruInvalidateRangeEnd,
    name: "gru_invalidate_range_end",
    file: F,
    tag: Tag::V6_10,
    line: 224,
    base_line: 224,
    body: RANGE_END_V6_BODY,
};

const INSTRUCTION_V6: &[Stmt] = &[Stmt::new(
    613,
    "not kernel code: a GRU instruction accesses addr through the GRU TLB  /* on a miss the TFH reports it and user context calls gru_user_dropin */",
    gru(GruOp::Access),
)
.ms("gru-access")];

const USER_DROPIN_V6: &[Stmt] = &[
    Stmt::new(622, "wait_event(gms->ms_wait_queue, atomic_read(&gms->ms_range_active) == 0);", gru(GruOp::WaitEvent))
        .at("loop"),
    Stmt::new(625, "ret = gru_try_dropin(gts->ts_gru, gts, tfh, cb);", Call(GruTryDropin)),
    Stmt::new(
        626,
        "if (ret <= 0) return ret;  /* 1: range active, loop to while (1) at 621 */",
        gru(GruOp::IfDropinRetry { retry: "loop" }),
    ),
];

const TRY_DROPIN_V6: &[Stmt] = &[
    Stmt::new(404, "rmb();  /* TFH must be cache resident before reading ms_range_active */", gru(GruOp::TfhArm)),
    Stmt::new(
        410,
        "if (atomic_read(&gts->ts_gms->ms_range_active)) goto failactive;",
        gru(GruOp::IfRangeActive { fail: "failactive" }),
    ),
    Stmt::new(413, "ret = gru_vtop(gts, vaddr, write, atomic, &gpa, &pageshift);", Call(GruVtop)),
    Stmt::new(
        434,
        "tfh_write_restart(tfh, gpa, GAA_RAM, vaddr, asid, write, GRU_PAGESIZE(pageshift));  /* ignored by the hardware if an invalidate hit the TFH */",
        gru(GruOp::TlbDropin),
    ),
    Stmt::new(
        500,
        "failactive: ... gru_flush_cache(tfh); ... return 1;  /* user context: try again (500-510) */",
        gru(GruOp::DropinFailActive),
    )
    .at("failactive"),
];

const VTOP_V6: &[Stmt] = &[Stmt::new(
    268,
    "rmb(); if (atomic_pte_lookup(vma, vaddr, write, &paddr, &ps)) non_atomic_pte_lookup(vma, vaddr, write, &paddr, &ps);  /* 205-250: lockless pte read; 177-193: get_user_pages */",
    gru(GruOp::PteLookup),
)];

/// The GRU instruction (not kernel code): cites `gru_user_dropin`. at v6.9.
pub static INSTRUCTION_V6_9: Function = Function {
    id: FuncId::GruInstruction,
    name: "gru",
    file: FAULT,
    tag: Tag::ACTOR_V6_9,
    line: 613,
    base_line: 613,
    body: INSTRUCTION_V6,
};

/// The GRU instruction (not kernel code): cites `gru_user_dropin`. at v6.10.
pub static INSTRUCTION_V6_10: Function = Function {
    id: FuncId::GruInstruction,
    name: "gru",
    file: FAULT,
    tag: Tag::ACTOR_V6_10,
    line: 613,
    base_line: 613,
    body: INSTRUCTION_V6,
};

/// `gru_user_dropin`: wait while a range is active, then drop in. at v6.9.
pub static USER_DROPIN_V6_9: Function = Function {
    id: FuncId::GruUserDropin,
    name: "gru_user_dropin",
    file: FAULT,
    tag: Tag::V6_9,
    line: 613,
    base_line: 613,
    body: USER_DROPIN_V6,
};

/// `gru_user_dropin`: wait while a range is active, then drop in. at v6.10.
pub static USER_DROPIN_V6_10: Function = Function {
    id: FuncId::GruUserDropin,
    name: "gru_user_dropin",
    file: FAULT,
    tag: Tag::V6_10,
    line: 613,
    base_line: 613,
    body: USER_DROPIN_V6,
};

/// `gru_try_dropin`. at v6.9.
pub static TRY_DROPIN_V6_9: Function = Function {
    id: FuncId::GruTryDropin,
    name: "gru_try_dropin",
    file: FAULT,
    tag: Tag::V6_9,
    line: 355,
    base_line: 355,
    body: TRY_DROPIN_V6,
};

/// `gru_try_dropin`. at v6.10.
pub static TRY_DROPIN_V6_10: Function = Function {
    id: FuncId::GruTryDropin,
    name: "gru_try_dropin",
    file: FAULT,
    tag: Tag::V6_10,
    line: 355,
    base_line: 355,
    body: TRY_DROPIN_V6,
};

/// `gru_vtop`. at v6.9.
pub static VTOP_V6_9: Function = Function {
    id: FuncId::GruVtop,
    name: "gru_vtop",
    file: FAULT,
    tag: Tag::V6_9,
    line: 252,
    base_line: 252,
    body: VTOP_V6,
};

/// `gru_vtop`. at v6.10.
pub static VTOP_V6_10: Function = Function {
    id: FuncId::GruVtop,
    name: "gru_vtop",
    file: FAULT,
    tag: Tag::V6_10,
    line: 252,
    base_line: 252,
    body: VTOP_V6,
};
