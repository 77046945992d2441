//! A hypothetical driver whose `invalidate_page` and range callbacks take a
//! mutex, so they may sleep: the kind of out-of-tree user that motivated
//! 6bdb913f. Not kernel code; its listings ([`crate::kernel::sleepable`])
//! say so on every line.

use serde::Serialize;

use super::{Counter, Fold, NotifierId, User, UserEvent, UserInfo, UserLock};
use crate::event::{Event, Violation, ViolationId};
use crate::kernel::FuncId;
use crate::machine::{Flow, Frame, Machine, Renaming, ThreadId};
use crate::notifier::Callback;
use crate::pack::{Packer, Reader, Unpacker, opt_u8, un_opt_u8};
use crate::semantics::Semantics;
use crate::view::Item;

/// The sleepable driver's state.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SleepableState {
    /// `drv->mutex` holder.
    pub mutex: Option<u8>,
}

/// What the driver's statements do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum SleepableOp {
    /// `mutex_lock(&drv->mutex)`: may sleep.
    MutexLock,
    /// `mutex_unlock(&drv->mutex)`.
    MutexUnlock,
    /// Drop the driver's own translation (blocking device command).
    Invalidate,
}

/// What the driver reports.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SleepableEvent {
    /// A callback did something that may sleep.
    MightSleep {
        /// Which notifier.
        notifier: NotifierId,
        /// Held spinlocks / RCU, empty when sleeping is allowed.
        atomic_because: Vec<String>,
    },
}

impl User for SleepableState {
    type Op = SleepableOp;
    type Event = SleepableEvent;

    const INFO: UserInfo = UserInfo {
        id: "sleepable",
        label: "sleepable driver",
        short: "sleep",
        describe: "Hypothetical driver (the kind that motivated 6bdb913f): invalidate_page and range callbacks take a mutex, so they may sleep; no change_pte",
    };

    const COUNTERS: &'static [Counter<SleepableEvent>] = &[Counter {
        key: "mutex_locks",
        label: "mutex locks",
        fold: Fold::Count(|e| matches!(e, SleepableEvent::MightSleep { .. })),
    }];

    fn callbacks(sem: Semantics) -> Option<&'static [(Callback, FuncId)]> {
        // From v4.15 on there is no `invalidate_page` to implement.
        const V3: &[(Callback, FuncId)] = &[
            (Callback::InvalidatePage, FuncId::SleepInvalidatePage),
            (Callback::InvalidateRangeStart, FuncId::SleepInvalidateRangeStart),
            (Callback::InvalidateRangeEnd, FuncId::SleepInvalidateRangeEnd),
        ];
        const V415: &[(Callback, FuncId)] = &[
            (Callback::InvalidateRangeStart, FuncId::SleepInvalidateRangeStart),
            (Callback::InvalidateRangeEnd, FuncId::SleepInvalidateRangeEnd),
        ];
        match sem {
            Semantics::Original
            | Semantics::Wrapped
            | Semantics::Patched
            | Semantics::BracketIfMissing
            | Semantics::EventAware => Some(V3),
            Semantics::V4_15 => Some(V415),
            Semantics::V6_9 => Some(V415),
            Semantics::V6_10 => Some(V415),
        }
    }

    fn new() -> SleepableState {
        SleepableState { mutex: None }
    }

    fn exec(m: &mut Machine, t: ThreadId, fr: Frame, op: SleepableOp, ev: &mut Vec<Event>) -> Flow {
        match op {
            SleepableOp::MutexLock => {
                // Only this statement knows it sleeps, so sleep_in_atomic
                // is raised here.
                let why = m.atomic_reasons(t);
                let n = m.notifiers.get(usize::from(fr.notifier)).map_or(NotifierId::Sleepable, |s| s.id());
                ev.push(Event::User(UserEvent::Sleepable(SleepableEvent::MightSleep {
                    notifier: n,
                    atomic_because: why.clone(),
                })));
                if !why.is_empty() {
                    ev.push(Event::Violation(Violation {
                        id: ViolationId::SleepInAtomic,
                        message: format!(
                            "{} takes a mutex (may sleep) while {}: \"BUG: sleeping function called from invalid context\"",
                            n.label(),
                            why.join(" and ")
                        ),
                    }));
                }
                if let Some(s) = m.user_mut::<SleepableState>(fr.notifier) {
                    s.mutex = Some(t.0);
                }
            }
            SleepableOp::MutexUnlock => {
                if let Some(s) = m.user_mut::<SleepableState>(fr.notifier) {
                    s.mutex = None;
                }
            }
            SleepableOp::Invalidate => {}
        }
        Flow::Next
    }

    fn block(m: &Machine, t: ThreadId, fr: Frame, op: SleepableOp) -> Option<&'static str> {
        match op {
            SleepableOp::MutexLock => m
                .user::<SleepableState>(fr.notifier)
                .is_some_and(|s| s.mutex.is_some_and(|h| h != t.0))
                .then_some("sleeps on drv->mutex"),
            _ => None,
        }
    }

    fn is_local(op: SleepableOp) -> bool {
        match op {
            // Changes nothing the model tracks.
            SleepableOp::Invalidate => true,
            // The mutex is shared, and taking it reads the locks held.
            SleepableOp::MutexLock | SleepableOp::MutexUnlock => false,
        }
    }

    fn message(e: &SleepableEvent) -> String {
        match e {
            SleepableEvent::MightSleep { notifier, atomic_because } => {
                if atomic_because.is_empty() {
                    format!("{}: may sleep here (allowed: no spinlock held, SRCU walk)", notifier.label())
                } else {
                    format!("{}: may sleep here while {}", notifier.label(), atomic_because.join(" and "))
                }
            }
        }
    }

    fn locks(&self, out: &mut Vec<UserLock>) {
        out.push(UserLock { name: "sleepable mutex", holder: self.mutex });
    }

    fn section(&self, m: &Machine, out: &mut Vec<Item>) {
        out.push(Item::new("sleepable", "mutex".into(), m.holder_name(self.mutex)));
    }

    fn encode(&self, _p: &mut impl Packer, out: &mut Vec<u64>) {
        out.push(opt_u8(self.mutex));
    }

    fn decode(&mut self, _u: &impl Unpacker, r: &mut Reader) {
        self.mutex = un_opt_u8(r.next());
    }

    fn rename(&mut self, r: &Renaming) {
        self.mutex = r.holder(self.mutex);
    }
}
