//! The threads' memory accesses: a host store through the primary pte,
//! and the access a guest or device makes through its own secondary
//! mapping ([`Machine::access_through`], shared by every user).

use super::{Flow, GuestOp, Machine, ThreadId};
use crate::event::Event;
use crate::kernel::FuncId;
use crate::page::{Pfn, Pte};

/// What [`Machine::access_through`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Through {
    /// The thread has no access left to make.
    Finished,
    /// The mapping allowed the access, which was made.
    Hit {
        /// Page accessed.
        pfn: Pfn,
        /// A write.
        write: bool,
        /// Value read or written.
        value: u32,
    },
    /// No usable mapping: the user's fault path must run.
    Miss {
        /// The access is a write.
        write: bool,
    },
}

impl Machine {
    /// The access thread `t` performs next: an actor's single access, or
    /// the default vCPU's next `[[guest]]` op.
    pub(crate) fn access_op(&self, t: ThreadId) -> Option<GuestOp> {
        let th = &self.threads[t.0 as usize];
        match th.op {
            Some(op) => (th.locals.access == 0).then_some(op),
            None => self.guest_ops.get(th.locals.access as usize).copied(),
        }
    }

    /// How many accesses thread `t` makes in all.
    pub(crate) fn accesses(&self, t: ThreadId) -> usize {
        if self.threads[t.0 as usize].op.is_some() { 1 } else { self.guest_ops.len() }
    }

    /// Whether a write fault of `t` on a read-only pte mapping `old` can be
    /// handled: `do_wp_page` reuses an exclusively mapped anonymous page in
    /// place, else it needs this thread's free page for the copy.
    pub(crate) fn can_cow(&self, t: ThreadId, old: Pfn) -> bool {
        let reuse = self.page(old).is_some_and(|p| p.anon && !p.ksm && p.mapcount == 1 && p.refcount == 1);
        reuse || self.page(self.threads[t.0 as usize].locals.kpage).is_some_and(|p| p.free)
    }

    pub(super) fn host_store(&mut self, t: ThreadId, ev: &mut Vec<Event>) -> Flow {
        let ti = t.0 as usize;
        let addr = self.host.addr;
        let Some(op) = self.access_op(t) else {
            return Flow::Return;
        };
        let pte = self.pte(addr);
        if pte.present && pte.writable {
            if let Some(p) = self.page_mut(pte.pfn) {
                p.content = op.value;
            }
            // The MMU sets the dirty bit on a store.
            self.set_pte_dirty(addr);
            ev.push(Event::UserWrite { addr, pfn: pte.pfn, value: op.value });
            self.threads[ti].locals.access += 1;
            Flow::Return
        } else if !pte.present || self.can_cow(t, pte.pfn) {
            ev.push(Event::Branch {
                why: if pte.present {
                    "store to a read-only pte: page fault, handle_pte_fault".into()
                } else {
                    "store to a cleared pte: page fault, handle_pte_fault".into()
                },
            });
            Flow::CallThenRetry(FuncId::HandlePteFault)
        } else {
            ev.push(Event::Branch {
                why: "store to a read-only pte but this thread's pool page is in use: the model drops the store".into(),
            });
            Flow::Return
        }
    }

    /// Sets the dirty bit of the present pte of `addr`, as the MMU (or an
    /// IOMMU walking the same page table) does for a write through it.
    pub(crate) fn set_pte_dirty(&mut self, addr: u64) {
        let pte = self.pte(addr);
        if pte.present && !pte.dirty {
            self.set_pte(addr, Pte { dirty: true, ..pte });
        }
    }

    /// Thread `t`'s next access through a secondary mapping `(pfn,
    /// writable)` that its user found (or `None`): made when the mapping
    /// allows it (a read, or a write through a writable mapping), else a
    /// miss for the user's fault path.
    pub(crate) fn access_through(&mut self, t: ThreadId, mapping: Option<(Pfn, bool)>) -> Through {
        let Some(op) = self.access_op(t) else {
            return Through::Finished;
        };
        match mapping {
            Some((pfn, writable)) if !op.write || writable => {
                let value = if op.write {
                    if let Some(p) = self.page_mut(pfn) {
                        p.content = op.value;
                    }
                    op.value
                } else {
                    self.page(pfn).map_or(0, |p| p.content)
                };
                self.threads[usize::from(t.0)].locals.access += 1;
                Through::Hit { pfn, write: op.write, value }
            }
            _ => Through::Miss { write: op.write },
        }
    }
}
