//! A hypothetical notifier whose callbacks may sleep: the kind of driver
//! (device page tables behind a blocking command queue) that motivated
//! 6bdb913f. It is not kernel code, so each line cites the ops-table
//! member of include/linux/mmu_notifier.h (v3.13) whose contract it follows.

use super::Op::*;
use super::{FuncId, Function, Stmt};
use crate::users::UserOp;
use crate::users::sleepable::SleepableOp;

/// A Sleepable op as a listing statement's [`super::Op`].
const fn sleepable(o: SleepableOp) -> super::Op {
    super::Op::User(UserOp::Sleepable(o))
}
use crate::tag::Tag;

const F: &str = "include/linux/mmu_notifier.h";

/// `invalidate_page`: may sleep from v3.7 on (SRCU walk, no PT lock).
pub static INVALIDATE_PAGE: Function = Function {
    id: FuncId::SleepInvalidatePage,
    name: "sleepable_invalidate_page",
    file: F,
    tag: Tag::V3_13,
    line: 91,
    base_line: 91,
    body: &[
        Stmt::new(91, "mutex_lock(&drv->mutex);  /* may sleep */", sleepable(SleepableOp::MutexLock)),
        Stmt::new(
            91,
            "drv_invalidate_and_wait(drv, address, PAGE_SIZE);  /* blocks on the device */",
            sleepable(SleepableOp::Invalidate),
        ),
        Stmt::new(91, "mutex_unlock(&drv->mutex);", sleepable(SleepableOp::MutexUnlock)),
    ],
};

/// `invalidate_range_start`: may sleep.
pub static RANGE_START: Function = Function {
    id: FuncId::SleepInvalidateRangeStart,
    name: "sleepable_invalidate_range_start",
    file: F,
    tag: Tag::V3_13,
    line: 138,
    base_line: 138,
    body: &[
        Stmt::new(138, "mutex_lock(&drv->mutex);  /* may sleep */", sleepable(SleepableOp::MutexLock)),
        Stmt::new(138, "drv_invalidate_and_wait(drv, start, end - start);", sleepable(SleepableOp::Invalidate)),
        Stmt::new(138, "mutex_unlock(&drv->mutex);", sleepable(SleepableOp::MutexUnlock)),
    ],
};

/// `invalidate_range_end`.
pub static RANGE_END: Function = Function {
    id: FuncId::SleepInvalidateRangeEnd,
    name: "sleepable_invalidate_range_end",
    file: F,
    tag: Tag::V3_13,
    line: 141,
    base_line: 141,
    body: &[
        Stmt::new(141, "mutex_lock(&drv->mutex);  /* may sleep */", sleepable(SleepableOp::MutexLock)),
        Stmt::new(141, "drv->invalidating = false;", Nop),
        Stmt::new(141, "mutex_unlock(&drv->mutex);", sleepable(SleepableOp::MutexUnlock)),
    ],
};
