//! A hypothetical notifier whose callbacks may sleep: the kind of driver
//! (device page tables behind a blocking command queue) that motivated
//! 6bdb913f. It is not kernel code: every line's text starts with
//! `hypothetical:`, and its citation ([`Tag::HYPOTHETICAL_V3_6`],
//! [`Tag::HYPOTHETICAL_V3_13`]) reads "hypothetical, implements" the
//! `struct mmu_notifier_ops` member of include/linux/mmu_notifier.h the
//! callback implements: `invalidate_page` 90, `invalidate_range_start` 137,
//! `invalidate_range_end` 140 at v3.6; 91, 138, 141 at v3.13 (the patched
//! era shows the v3.13 listing, like every function the patch leaves alone).

use super::Op::*;
use super::{FuncId, Function, Stmt};
use crate::tag::Tag;
use crate::users::UserOp;
use crate::users::sleepable::SleepableOp;

/// A Sleepable op as a listing statement's [`super::Op`].
const fn sleepable(o: SleepableOp) -> super::Op {
    super::Op::User(UserOp::Sleepable(o))
}

const F: &str = "include/linux/mmu_notifier.h";

/// Every callback's body, cited at the ops member `line`: take the
/// driver's mutex (which may sleep), do `$code`, release it.
macro_rules! locked_body {
    ($line:expr, $code:expr, $op:expr) => {
        &[
            Stmt::new(
                $line,
                "hypothetical: mutex_lock(&drv->mutex);  /* may sleep */",
                sleepable(SleepableOp::MutexLock),
            ),
            Stmt::new($line, $code, $op),
            Stmt::new($line, "hypothetical: mutex_unlock(&drv->mutex);", sleepable(SleepableOp::MutexUnlock)),
        ]
    };
}

/// `invalidate_page`'s body.
macro_rules! invalidate_page {
    ($line:expr) => {
        locked_body!(
            $line,
            "hypothetical: drv_invalidate_and_wait(drv, address, PAGE_SIZE);  /* blocks on the device */",
            sleepable(SleepableOp::Invalidate)
        )
    };
}

/// `invalidate_range_start`'s body.
macro_rules! range_start {
    ($line:expr) => {
        locked_body!(
            $line,
            "hypothetical: drv_invalidate_and_wait(drv, start, end - start);",
            sleepable(SleepableOp::Invalidate)
        )
    };
}

/// `invalidate_range_end`'s body.
macro_rules! range_end {
    ($line:expr) => {
        locked_body!($line, "hypothetical: drv->invalidating = false;", Nop)
    };
}

/// `invalidate_page` at v3.6 (ops member at line 90). Called under the PT
/// lock and RCU (the `change_pte` fallback), where it must not sleep.
pub static INVALIDATE_PAGE_V3_6: Function = Function {
    id: FuncId::SleepInvalidatePage,
    name: "sleepable_invalidate_page",
    file: F,
    tag: Tag::HYPOTHETICAL_V3_6,
    line: 90,
    base_line: 90,
    body: invalidate_page!(90),
};

/// `invalidate_page` at v3.13 (line 91): may sleep (SRCU walk, no PT lock).
pub static INVALIDATE_PAGE_V3_13: Function = Function {
    id: FuncId::SleepInvalidatePage,
    name: "sleepable_invalidate_page",
    file: F,
    tag: Tag::HYPOTHETICAL_V3_13,
    line: 91,
    base_line: 91,
    body: invalidate_page!(91),
};

/// `invalidate_range_start` at v3.6 (line 137).
pub static RANGE_START_V3_6: Function = Function {
    id: FuncId::SleepInvalidateRangeStart,
    name: "sleepable_invalidate_range_start",
    file: F,
    tag: Tag::HYPOTHETICAL_V3_6,
    line: 137,
    base_line: 137,
    body: range_start!(137),
};

/// `invalidate_range_start` at v3.13 (line 138): may sleep.
pub static RANGE_START_V3_13: Function = Function {
    id: FuncId::SleepInvalidateRangeStart,
    name: "sleepable_invalidate_range_start",
    file: F,
    tag: Tag::HYPOTHETICAL_V3_13,
    line: 138,
    base_line: 138,
    body: range_start!(138),
};

/// `invalidate_range_end` at v3.6 (line 140).
pub static RANGE_END_V3_6: Function = Function {
    id: FuncId::SleepInvalidateRangeEnd,
    name: "sleepable_invalidate_range_end",
    file: F,
    tag: Tag::HYPOTHETICAL_V3_6,
    line: 140,
    base_line: 140,
    body: range_end!(140),
};

/// `invalidate_range_end` at v3.13 (line 141).
pub static RANGE_END_V3_13: Function = Function {
    id: FuncId::SleepInvalidateRangeEnd,
    name: "sleepable_invalidate_range_end",
    file: F,
    tag: Tag::HYPOTHETICAL_V3_13,
    line: 141,
    base_line: 141,
    body: range_end!(141),
};

// --- v4.15 ---
//
// The ops members in v4.15's include/linux/mmu_notifier.h
// (sndrzt/linux-4.15@6ea06264896d, blob b25dc9db19fc):
// `invalidate_range_start` 141, `invalidate_range_end` 144. There is no
// `invalidate_page` member any more (removed in v4.13), and the driver has
// no `invalidate_range` (which the header's comment, 162-163, says runs
// under the PT lock and may not sleep).

/// `invalidate_range_start` at v4.15 (ops member at line 141): may sleep.
pub static RANGE_START_V4_15: Function = Function {
    id: FuncId::SleepInvalidateRangeStart,
    name: "sleepable_invalidate_range_start",
    file: F,
    tag: Tag::HYPOTHETICAL_V4_15,
    line: 141,
    base_line: 141,
    body: range_start!(141),
};

/// `invalidate_range_end` at v4.15 (line 144).
pub static RANGE_END_V4_15: Function = Function {
    id: FuncId::SleepInvalidateRangeEnd,
    name: "sleepable_invalidate_range_end",
    file: F,
    tag: Tag::HYPOTHETICAL_V4_15,
    line: 144,
    base_line: 144,
    body: range_end!(144),
};
// --- v6.9 / v6.10 ---
//
// `struct mmu_notifier_ops` members in include/linux/mmu_notifier.h, read in
// T6.9 (ec-jt/linux-6.9.0 @ b12020242247) and T6.10
// (msgeden/cryptocap-arm64-linux-6.10 @ 449e07155be2):
// `invalidate_range_start` 184 / 175, `invalidate_range_end` 186 / 177.
// There is no `invalidate_page` member at these tags, so the driver
// implements the two range callbacks only.

/// `invalidate_range_start` at v6.9 (ops member at line 184): called from
/// the SRCU hlist walk with a blockable range, where it may sleep.
pub static RANGE_START_V6_9: Function = Function {
    id: FuncId::SleepInvalidateRangeStart,
    name: "sleepable_invalidate_range_start",
    file: F,
    tag: Tag::HYPOTHETICAL_V6_9,
    line: 184,
    base_line: 184,
    body: range_start!(184),
};

/// `invalidate_range_start` at v6.10 (line 175).
pub static RANGE_START_V6_10: Function = Function {
    id: FuncId::SleepInvalidateRangeStart,
    name: "sleepable_invalidate_range_start",
    file: F,
    tag: Tag::HYPOTHETICAL_V6_10,
    line: 175,
    base_line: 175,
    body: range_start!(175),
};

/// `invalidate_range_end` at v6.9 (line 186).
pub static RANGE_END_V6_9: Function = Function {
    id: FuncId::SleepInvalidateRangeEnd,
    name: "sleepable_invalidate_range_end",
    file: F,
    tag: Tag::HYPOTHETICAL_V6_9,
    line: 186,
    base_line: 186,
    body: range_end!(186),
};

/// `invalidate_range_end` at v6.10 (line 177).
pub static RANGE_END_V6_10: Function = Function {
    id: FuncId::SleepInvalidateRangeEnd,
    name: "sleepable_invalidate_range_end",
    file: F,
    tag: Tag::HYPOTHETICAL_V6_10,
    line: 177,
    base_line: 177,
    body: range_end!(177),
};
