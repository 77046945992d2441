//! Partial-order reduction: which statements need not be interleaved.
//!
//! A statement is *local* when it reads and writes nothing but its own
//! thread's frames and the locals that no other thread touches, never
//! blocks, and raises no violation (see [`op_is_local`] for the rule and
//! the list). A local statement of thread `t` commutes with every
//! statement of every other thread (neither changes what the other reads,
//! nor whether the other can run), and no invariant sees it. So in a state
//! where some runnable thread's next statement is local, trying only that
//! statement (an *ample set* of one transition, Peled's conditions C0–C2)
//! keeps every deadlock and every violation reachable, provided the
//! *ignoring* problem is excluded: a cycle of reduced states could
//! postpone the other threads forever. The search uses the breadth-first
//! form of the cycle proviso (C3): a state is expanded through its local
//! statement only when the successor is not stored yet, so its depth is
//! one more than the state's; every edge of a cycle cannot go one depth
//! deeper, so every cycle passes through a fully expanded state. Two more
//! rules keep the reduced step invisible: a step that finishes its thread
//! is not reduced (a thread's end runs the `range_imbalance` checks and,
//! for the last thread, the end-of-run checks), and neither is
//! `invalidate_range_end`'s call (it can raise `range_imbalance`).
//!
//! Each reduced transition is still one statement of one thread, so a
//! schedule found with reduction is rebuilt and replayed statement by
//! statement like any other; it may be longer than the shortest one,
//! which `Options::reduce = false` (`check --no-reduce`) finds.

use crate::kernel::{self, FuncId, Op};
use crate::machine::{Machine, ThreadId};

/// Whether thread `t`'s next statement is local and cannot finish the
/// thread (false when it has none).
#[inline]
pub(crate) fn next_is_local(m: &Machine, t: ThreadId) -> bool {
    m.current(t).and_then(|(f, pc)| f.body.get(pc)).is_some_and(|s| op_is_local(s.op)) && !may_finish(m, t)
}

/// Whether `t`'s next statement could finish the thread: only when every
/// frame under the innermost one has run off its end (a return from the
/// innermost frame then pops them all), which includes a thread in its
/// outermost function. Conservative: a statement that calls never
/// finishes, but is counted here too.
fn may_finish(m: &Machine, t: ThreadId) -> bool {
    let Some(th) = m.threads.get(usize::from(t.0)) else { return true };
    let below = th.stack.len().saturating_sub(1);
    th.stack[..below].iter().all(|f| usize::from(f.pc) >= kernel::function(f.func, m.semantics).body.len())
}

/// Whether a statement with `op` is local (see the module docs). Local
/// reads and writes: the thread's frames (pc, the notifier-walk cursor),
/// its locals other than `tfh_live` (which another thread's GRU purge
/// clears), its `rcu`/`srcu` nesting and `ranges_open` (read only by the
/// thread itself), and what never changes during a run (the semantics,
/// the registered notifiers and their ops tables, the host arguments).
/// Also local: whether this thread holds the PT lock, which no other
/// thread can change. Everything else (pages, ptes, locks, a user's
/// secondary state) is shared.
///
/// A `match` without a wildcard arm, here and in each user's
/// `User::is_local`: a new op does not compile until it is decided, and
/// when in doubt it is not local (which is always sound, only slower).
pub(crate) fn op_is_local(op: Op) -> bool {
    match op {
        // Flow within the thread's own stack.
        Op::Nop | Op::Return | Op::Goto(_) => true,
        // `exec` counts `ranges_open` on these two calls; the end can raise
        // `range_imbalance`, so it is not local.
        Op::Call(FuncId::MnInvalidateRangeEnd) => false,
        Op::Call(_) => true,
        // The same calls with the thread's own range tag or `only_end`.
        Op::CallTagged(f) => op_is_local(Op::Call(f)),
        Op::CallInvalidateRangeEnd { .. } => false,
        // The thread's own read-side nesting counters.
        Op::RcuReadLock | Op::RcuReadUnlock | Op::SrcuReadLock | Op::SrcuReadUnlock => true,
        // Its own locals: the entry it builds, whether a range started.
        Op::EntryWrprotectClean
        | Op::CallSetPteAtNotify(_)
        | Op::MkPteCow
        | Op::VmNormalPage
        | Op::IfRangeStarted { .. } => true,
        // The notifier-list walk: its cursor, the (fixed) list and ops
        // tables, its own `notify_missing`; `Invoke` also reads whether this
        // thread holds the PT lock, for its event.
        Op::ClearNotifyMissing
        | Op::IfNotifyMissing { .. }
        | Op::ForEachNotifier { .. }
        | Op::IfOps { .. }
        | Op::Invoke { .. }
        | Op::SetNotifyMissing
        | Op::NextNotifier { .. }
        | Op::IfOpsUnlessOnlyEnd { .. } => true,
        // Locks, the primary page table, the pages.
        Op::PtlLock
        | Op::FaultPtlLock
        | Op::PageCheckAddress { .. }
        | Op::PtlUnlock
        | Op::LockPage(_)
        | Op::TrylockPage { .. }
        | Op::UnlockPage(_)
        | Op::IfPteWriteOrDirty { .. }
        | Op::PtepClearFlush
        | Op::PtepClearFlushEntry
        | Op::IfRefcountMismatch { .. }
        | Op::SetPteAt
        | Op::SetPageDirtyIfEntryDirty
        | Op::SaveOrigPte
        | Op::IfPteChanged { .. }
        | Op::IfWriteProtectedAndIdentical { .. }
        | Op::GetPage(_)
        | Op::PutPage(_)
        | Op::PageAddAnonRmap(_)
        | Op::PageAddNewAnonRmap(_)
        | Op::PageRemoveRmap(_)
        | Op::IfCanReuse { .. }
        | Op::ReuseMkwrite
        | Op::AllocNewPage
        | Op::CopyPage
        | Op::WriteOpcode
        | Op::IfPteUnchanged { .. }
        | Op::GetUserPages
        | Op::ReleaseNewPageVar
        | Op::CallDoWpPageIfReadOnly
        | Op::HostStore
        | Op::CallPtepClearFlush { .. }
        | Op::SetPteAtFrom(_)
        | Op::WpPageReuse => false,
        Op::User(op) => op.is_local(),
    }
}
