//! SGI GRU callbacks (drivers/misc/sgi-gru/grutlbpurge.c, same lines at
//! v3.6 and v3.13; checked line by line).

use super::Op::*;
use super::{FuncId, Function, Stmt};

const F: &str = "drivers/misc/sgi-gru/grutlbpurge.c";

/// `gru_invalidate_range_start` (only reached from v3.7 on).
pub static RANGE_START: Function = Function {
    id: FuncId::GruInvalidateRangeStart,
    name: "gru_invalidate_range_start",
    file: F,
    tag: "v3.13",
    line: 222,
    base_line: 222,
    body: &[
        Stmt::new(230, "atomic_inc(&gms->ms_range_active);", GruRangeActiveInc),
        Stmt::new(233, "gru_flush_tlb_range(gms, start, end - start);", GruFlushTlbRange),
    ],
};

/// `gru_invalidate_range_end`: the `wake_up_all` Andrew Morton asked about.
pub static RANGE_END: Function = Function {
    id: FuncId::GruInvalidateRangeEnd,
    name: "gru_invalidate_range_end",
    file: F,
    tag: "v3.13",
    line: 236,
    base_line: 236,
    body: &[
        Stmt::new(244, "(void)atomic_dec_and_test(&gms->ms_range_active);", GruRangeActiveDec),
        Stmt::new(246, "wake_up_all(&gms->ms_wait_queue);", GruWakeUpAll),
    ],
};

/// v3.6 `gru_invalidate_page` (reached through the change_pte fallback).
pub static INVALIDATE_PAGE_V3_6: Function = Function {
    id: FuncId::GruInvalidatePage,
    name: "gru_invalidate_page",
    file: F,
    tag: "v3.6",
    line: 250,
    base_line: 250,
    body: &[Stmt::new(257, "gru_flush_tlb_range(gms, address, PAGE_SIZE);", GruFlushTlbRange)],
};

/// v3.13 `gru_invalidate_page` (reached from the patch's post-unlock call).
pub static INVALIDATE_PAGE_V3_13: Function = Function {
    id: FuncId::GruInvalidatePage,
    name: "gru_invalidate_page",
    file: F,
    tag: "v3.13",
    line: 250,
    base_line: 250,
    body: &[Stmt::new(257, "gru_flush_tlb_range(gms, address, PAGE_SIZE);", GruFlushTlbRange)],
};
