//! Xen gntdev (`drivers/xen/gntdev.c`): unmaps the grant maps that overlap
//! an invalidated range under `priv->lock`; no `change_pte`, no
//! `invalidate_range_end`. Listings: [`crate::kernel::xen_gntdev`].

use serde::Serialize;

use super::{Counter, Fold, User, UserEvent, UserInfo};
use crate::event::{Event, Violation, ViolationId};
use crate::kernel::FuncId;
use crate::machine::{Flow, Frame, Machine, Renaming, ThreadId};
use crate::notifier::Callback;
use crate::pack::{Packer, Reader, Unpacker, opt_u8, un_opt_u8};
use crate::semantics::Semantics;
use crate::view::Item;

/// Xen gntdev's state.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct GntdevState {
    /// `priv->lock` holder.
    pub lock: Option<u8>,
    /// Grant maps overlapping the scenario's address (KSM/COW/uprobes pages
    /// are anonymous or file memory, never grant maps, so normally zero).
    pub grant_maps_in_range: u32,
}

/// What gntdev's statements do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum GntdevOp {
    /// `spin_lock(&priv->lock)`.
    Lock,
    /// `spin_unlock(&priv->lock)`.
    Unlock,
    /// `unmap_if_in_range(map, start, end)` over `priv->maps`.
    UnmapInRange,
    /// v4.15 `mutex_lock(&priv->lock)`: the same lock, now a mutex, so it
    /// may sleep (a sleep-in-atomic violation if the caller holds a
    /// spinlock or RCU).
    MutexLock,
    /// v4.15 `mutex_unlock(&priv->lock)`.
    MutexUnlock,
}

/// What gntdev reports.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GntdevEvent {
    /// Grant maps in range were unmapped.
    GntdevUnmap {
        /// Grant maps unmapped.
        unmapped: u32,
    },
}

impl User for GntdevState {
    type Op = GntdevOp;
    type Event = GntdevEvent;

    const INFO: UserInfo = UserInfo {
        id: "xen_gntdev",
        label: "Xen gntdev",
        short: "Xen",
        describe: "Xen gntdev: unmaps grant maps in range; no change_pte, no range_end (drivers/xen/gntdev.c:482 gntdev_mmu_ops)",
    };

    const COUNTERS: &'static [Counter<GntdevEvent>] = &[Counter {
        key: "unmap_walks",
        label: "unmap walks",
        fold: Fold::Count(|e| matches!(e, GntdevEvent::GntdevUnmap { .. })),
    }];

    fn callbacks(sem: Semantics) -> Option<&'static [(Callback, FuncId)]> {
        // v4.15 (gntdev.c:514): `invalidate_range_start` only. v6.9 and v6.10
        // register an interval notifier instead: see `refused_because`.
        const V3: &[(Callback, FuncId)] = &[
            (Callback::InvalidatePage, FuncId::GntdevInvlPage),
            (Callback::InvalidateRangeStart, FuncId::GntdevInvlRangeStart),
        ];
        const V415: &[(Callback, FuncId)] = &[(Callback::InvalidateRangeStart, FuncId::GntdevInvlRangeStart)];
        match sem {
            Semantics::Original
            | Semantics::Wrapped
            | Semantics::Patched
            | Semantics::BracketIfMissing
            | Semantics::EventAware => Some(V3),
            Semantics::V4_15 => Some(V415),
            Semantics::V6_9 => None,
            Semantics::V6_10 => None,
        }
    }

    fn refused_because(sem: Semantics) -> Option<&'static str> {
        // Read in T6.9 and T6.10 (gntdev.c identical in both).
        matches!(sem, Semantics::V6_9 | Semantics::V6_10).then_some(
            "gntdev registers an mmu_interval_notifier here (gntdev.c:570, `.invalidate = gntdev_invalidate` only, \
             inserted over its own grant-map VMA at 1077 when use_ptemod), which mn_itree_invalidate calls during \
             range_start only for ranges overlapping that VMA; the model walks the hlist only, and a KSM, COW or \
             uprobes page is never in a gntdev VMA (KSM merges private anonymous memory, uprobes replaces file text, \
             and gntdev_mmap refuses writable private mappings at 1041), so gntdev would receive nothing here",
        )
    }

    fn new() -> GntdevState {
        GntdevState { lock: None, grant_maps_in_range: 0 }
    }

    fn exec(m: &mut Machine, t: ThreadId, fr: Frame, op: GntdevOp, ev: &mut Vec<Event>) -> Flow {
        match op {
            GntdevOp::Lock | GntdevOp::Unlock | GntdevOp::MutexUnlock => {
                if let Some(g) = m.user_mut::<GntdevState>(fr.notifier) {
                    g.lock = (op == GntdevOp::Lock).then_some(t.0);
                }
            }
            GntdevOp::MutexLock => {
                let why = m.atomic_reasons(t);
                if !why.is_empty() {
                    ev.push(Event::Violation(Violation {
                        id: ViolationId::SleepInAtomic,
                        message: format!(
                            "Xen gntdev takes priv->lock, a mutex (may sleep), while {}: \"BUG: sleeping function called from invalid context\"",
                            why.join(" and ")
                        ),
                    }));
                }
                if let Some(g) = m.user_mut::<GntdevState>(fr.notifier) {
                    g.lock = Some(t.0);
                }
            }
            GntdevOp::UnmapInRange => {
                if let Some(g) = m.user::<GntdevState>(fr.notifier) {
                    let unmapped = g.grant_maps_in_range;
                    ev.push(Event::User(UserEvent::XenGntdev(GntdevEvent::GntdevUnmap { unmapped })));
                }
            }
        }
        Flow::Next
    }

    fn block(m: &Machine, t: ThreadId, fr: Frame, op: GntdevOp) -> Option<&'static str> {
        match op {
            GntdevOp::Lock | GntdevOp::MutexLock => m
                .user::<GntdevState>(fr.notifier)
                .is_some_and(|g| g.lock.is_some_and(|h| h != t.0))
                .then_some("waits for priv->lock"),
            GntdevOp::Unlock | GntdevOp::MutexUnlock | GntdevOp::UnmapInRange => None,
        }
    }

    fn is_local(op: GntdevOp) -> bool {
        match op {
            // The lock is shared, and the unmap reads the driver's state.
            // v4.15's `priv->lock` is a mutex: shared, and it may sleep.
            GntdevOp::Lock
            | GntdevOp::Unlock
            | GntdevOp::UnmapInRange
            | GntdevOp::MutexLock
            | GntdevOp::MutexUnlock => false,
        }
    }

    fn message(e: &GntdevEvent) -> String {
        match e {
            GntdevEvent::GntdevUnmap { unmapped } => format!("Xen gntdev: {unmapped} grant map(s) unmapped in range"),
        }
    }

    fn section(&self, _m: &Machine, out: &mut Vec<Item>) {
        out.push(Item::new("xen_gntdev", "grant maps in range".into(), self.grant_maps_in_range.to_string()));
    }

    fn encode(&self, _p: &mut impl Packer, out: &mut Vec<u64>) {
        out.push(opt_u8(self.lock) | u64::from(self.grant_maps_in_range) << 32);
    }

    fn decode(&mut self, _u: &impl Unpacker, r: &mut Reader) {
        let w = r.next();
        self.lock = un_opt_u8(w);
        self.grant_maps_in_range = (w >> 32) as u32;
    }

    fn rename(&mut self, r: &Renaming) {
        self.lock = r.holder(self.lock);
    }
}
