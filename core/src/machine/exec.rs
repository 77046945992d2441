//! The ops of the primary MMU, the locks and the notifier-list walk; a
//! notifier user's ops go to its module ([`crate::users`]).

use super::{Flow, Frame, Machine, PtLock, ThreadId};
use crate::event::Event;
use crate::kernel::{self, EntryFrom, FuncId, Op};
use crate::notifier::Secondary;
use crate::page::{Pfn, Pte, hex};

impl Machine {
    pub(crate) fn lock_ptl(&mut self, t: ThreadId) {
        self.globals_written = true;
        self.ptl = PtLock { holder: Some(t), since: self.steps };
    }

    pub(crate) fn unlock_ptl(&mut self) {
        self.globals_written = true;
        self.ptl.holder = None;
    }

    /// `get_page`: one more reference.
    pub(crate) fn get_page(&mut self, pfn: Pfn, ev: &mut Vec<Event>) {
        if let Some(p) = self.page_mut(pfn) {
            // Scenario files bound refcounts far below this; saturate
            // rather than wrap if a model change ever gets here.
            p.refcount = p.refcount.saturating_add(1);
            let refcount = p.refcount;
            ev.push(Event::PageRef { pfn, refcount });
        }
    }

    /// `put_page`: one reference less; the page is freed at zero.
    pub(crate) fn put_page(&mut self, pfn: Pfn, ev: &mut Vec<Event>) {
        if let Some(p) = self.page_mut(pfn) {
            p.refcount -= 1;
            let refcount = p.refcount;
            ev.push(Event::PageRef { pfn, refcount });
            if refcount == 0 {
                p.free = true;
                ev.push(Event::PageFreed { pfn });
            }
        }
    }

    /// Why thread `t` may not sleep now (held spinlocks, RCU), if it may not.
    pub(crate) fn atomic_reasons(&self, t: ThreadId) -> Vec<String> {
        let mut why = Vec::new();
        if self.ptl.holder == Some(t) {
            why.push("the PT lock (a spinlock) is held".to_string());
        }
        why.extend(self.notifiers.iter().filter_map(|n| n.atomic_reason(t)).map(String::from));
        if self.threads[t.0 as usize].rcu > 0 {
            why.push("inside rcu_read_lock (the v3.6 notifier-list walk)".to_string());
        }
        why
    }

    pub(super) fn exec(&mut self, t: ThreadId, fr: Frame, op: Op, ev: &mut Vec<Event>) -> Flow {
        let ti = t.0 as usize;
        let addr = self.host.addr;
        // This thread's page arguments (thread 0's start as the scenario's
        // `host.page` / `host.kpage`).
        let (page, kpage) = (self.threads[ti].locals.page, self.threads[ti].locals.kpage);
        match op {
            Op::Nop => Flow::Next,
            Op::Call(f) | Op::CallTagged(f) => {
                match f {
                    FuncId::MnInvalidateRangeStart => {
                        let th = &mut self.threads[ti];
                        th.ranges_open += 1;
                        th.locals.range_started = true;
                        th.locals.range_change_pte = matches!(op, Op::CallTagged(_));
                        ev.push(Event::RangeOpened { open: i32::from(th.ranges_open) });
                    }
                    FuncId::MnInvalidateRangeEnd => {
                        let th = &mut self.threads[ti];
                        th.ranges_open -= 1;
                        ev.push(Event::RangeClosed { open: i32::from(th.ranges_open) });
                    }
                    // Other calls only push their frame: the explorer's
                    // reduction counts on it (`checker::reduce::op_is_local`
                    // must decide any call given an effect here).
                    _ => {}
                }
                Flow::Call(f)
            }
            Op::Return => Flow::Return,
            Op::Goto(l) => Flow::Goto(l),

            Op::PtlLock => {
                self.lock_ptl(t);
                ev.push(Event::PtlTaken);
                Flow::Next
            }
            Op::FaultPtlLock => {
                self.threads[ti].locals.orig_pte = self.pte(addr);
                self.lock_ptl(t);
                ev.push(Event::PtlTaken);
                Flow::Next
            }
            Op::PageCheckAddress { fail } => {
                let pte = self.pte(addr);
                if pte.present && pte.pfn == page {
                    self.lock_ptl(t);
                    ev.push(Event::PtlTaken);
                    Flow::Next
                } else {
                    ev.push(Event::Branch { why: "page_check_address: the pte no longer maps page; bail".into() });
                    Flow::Goto(fail)
                }
            }
            Op::PtlUnlock => {
                if self.ptl.holder == Some(t) {
                    self.unlock_ptl();
                    ev.push(Event::PtlReleased);
                }
                Flow::Next
            }
            Op::RcuReadLock => {
                self.threads[ti].rcu += 1;
                Flow::Next
            }
            Op::RcuReadUnlock => {
                self.threads[ti].rcu = self.threads[ti].rcu.saturating_sub(1);
                Flow::Next
            }
            Op::SrcuReadLock => {
                self.threads[ti].srcu += 1;
                Flow::Next
            }
            Op::SrcuReadUnlock => {
                self.threads[ti].srcu = self.threads[ti].srcu.saturating_sub(1);
                Flow::Next
            }
            Op::LockPage(w) => {
                let pfn = self.which(t, w);
                if let Some(p) = self.page_mut(pfn) {
                    p.locked_by = Some(t.0);
                }
                ev.push(Event::PageLock { pfn, locked: true });
                Flow::Next
            }
            Op::TrylockPage { which, fail } => {
                let pfn = self.which(t, which);
                match self.page_mut(pfn) {
                    Some(p) if p.locked_by.is_none() => {
                        p.locked_by = Some(t.0);
                        ev.push(Event::PageLock { pfn, locked: true });
                        Flow::Next
                    }
                    _ => {
                        ev.push(Event::Branch { why: format!("trylock_page({}) failed: try again later", hex(pfn)) });
                        Flow::Goto(fail)
                    }
                }
            }
            Op::UnlockPage(w) => {
                let pfn = self.which(t, w);
                if let Some(p) = self.page_mut(pfn) {
                    p.locked_by = None;
                }
                ev.push(Event::PageLock { pfn, locked: false });
                Flow::Next
            }

            Op::IfPteWriteOrDirty { else_ } => {
                let pte = self.pte(addr);
                if pte.writable || pte.dirty {
                    ev.push(Event::Branch { why: "pte is writable or dirty: write-protect it".into() });
                    Flow::Next
                } else {
                    ev.push(Event::Branch { why: "pte already clean and read-only: nothing to change".into() });
                    Flow::Goto(else_)
                }
            }
            Op::PtepClearFlush | Op::PtepClearFlushEntry => {
                let old = self.pte(addr);
                if op == Op::PtepClearFlushEntry {
                    self.threads[ti].locals.entry = old;
                }
                self.set_pte(addr, Pte::NONE);
                ev.push(Event::PteCleared { addr, old_pfn: old.pfn });
                Flow::Next
            }
            Op::IfRefcountMismatch { else_ } => {
                let p = self.page(page).cloned();
                match p {
                    Some(p) if p.mapcount + 1 != p.refcount => {
                        ev.push(Event::Branch {
                            why: format!(
                                "page_mapcount {} + 1 != page_count {}: an unexpected reference, restore the pte and bail",
                                p.mapcount, p.refcount
                            ),
                        });
                        Flow::Next
                    }
                    _ => Flow::Goto(else_),
                }
            }
            Op::SetPteAt => {
                let e = self.threads[ti].locals.entry;
                self.set_pte(addr, e);
                ev.push(Event::PteSet { addr, pfn: e.pfn, writable: e.writable });
                Flow::Next
            }
            Op::SetPageDirtyIfEntryDirty => {
                if self.threads[ti].locals.entry.dirty {
                    let pfn = page;
                    if let Some(p) = self.page_mut(pfn) {
                        p.dirty = true;
                    }
                    ev.push(Event::Branch { why: format!("pte was dirty: page {} marked dirty", hex(pfn)) });
                }
                Flow::Next
            }
            Op::EntryWrprotectClean => {
                let l = &mut self.threads[ti].locals;
                l.entry.writable = false;
                l.entry.dirty = false;
                Flow::Next
            }
            Op::SaveOrigPte => {
                let pte = self.pte(addr);
                let l = &mut self.threads[ti].locals;
                l.orig_pte = pte;
                l.err_ok = true;
                Flow::Next
            }
            Op::IfPteChanged { same } => {
                let l = self.threads[ti].locals;
                if self.pte(addr) == l.orig_pte {
                    Flow::Goto(same)
                } else {
                    ev.push(Event::Branch { why: "pte changed since write_protect_page: bail".into() });
                    Flow::Next
                }
            }
            Op::IfWriteProtectedAndIdentical { else_ } => {
                let ok = self.threads[ti].locals.err_ok;
                let a = self.page(page).map(|p| p.content);
                let b = self.page(kpage).map(|p| p.content);
                if ok && a.is_some() && a == b {
                    ev.push(Event::Branch {
                        why: "write-protected and pages_identical(page, kpage): replace the pte".into(),
                    });
                    Flow::Next
                } else {
                    ev.push(Event::Branch { why: "not write-protected or contents differ: no merge".into() });
                    Flow::Goto(else_)
                }
            }
            Op::GetPage(w) => {
                self.get_page(self.which(t, w), ev);
                Flow::Next
            }
            Op::PutPage(w) => {
                self.put_page(self.which(t, w), ev);
                Flow::Next
            }
            Op::PageAddAnonRmap(w) | Op::PageAddNewAnonRmap(w) => {
                let pfn = self.which(t, w);
                if let Some(p) = self.page_mut(pfn) {
                    p.mapcount += 1;
                    p.anon = true;
                    let mapcount = p.mapcount;
                    ev.push(Event::PageMap { pfn, mapcount });
                }
                Flow::Next
            }
            Op::PageRemoveRmap(w) => {
                let pfn = self.which(t, w);
                if let Some(p) = self.page_mut(pfn) {
                    p.mapcount -= 1;
                    let mapcount = p.mapcount;
                    ev.push(Event::PageMap { pfn, mapcount });
                }
                Flow::Next
            }
            Op::CallSetPteAtNotify(from) => {
                if from == EntryFrom::MkPteKpage {
                    self.threads[ti].locals.entry = Pte { pfn: kpage, present: true, writable: false, dirty: false };
                }
                Flow::Call(FuncId::SetPteAtNotify)
            }
            Op::IfCanReuse { copy } => match self.page(page) {
                Some(p) if p.anon && !p.ksm && p.mapcount == 1 && p.refcount == 1 => {
                    ev.push(Event::Branch { why: "old page is anonymous and mapped only here: reuse it".into() });
                    Flow::Next
                }
                Some(p) => {
                    ev.push(Event::Branch {
                        why: if p.ksm {
                            "PageKsm(old_page): a KSM page is never reused, copy it".into()
                        } else {
                            "old page is shared: copy it".into()
                        },
                    });
                    Flow::Goto(copy)
                }
                None => Flow::Goto(copy),
            },
            Op::ReuseMkwrite => {
                let mut pte = self.pte(addr);
                pte.writable = true;
                pte.dirty = true;
                self.set_pte(addr, pte);
                ev.push(Event::PteSet { addr, pfn: pte.pfn, writable: true });
                Flow::Next
            }
            Op::AllocNewPage => {
                let pfn = kpage;
                if let Some(p) = self.page_mut(pfn) {
                    p.free = false;
                    p.refcount = 1;
                    p.mapcount = 0;
                    p.anon = true;
                    p.content = 0;
                }
                ev.push(Event::PageAllocated { pfn });
                Flow::Next
            }
            Op::CopyPage => {
                let v = self.page(page).map(|p| p.content).unwrap_or(0);
                let pfn = kpage;
                if let Some(p) = self.page_mut(pfn) {
                    p.content = v;
                }
                ev.push(Event::PageWritten { pfn, value: v });
                Flow::Next
            }
            Op::WriteOpcode => {
                let v = self.host.opcode;
                let pfn = kpage;
                if let Some(p) = self.page_mut(pfn) {
                    p.content = v;
                }
                ev.push(Event::PageWritten { pfn, value: v });
                Flow::Next
            }
            Op::MkPteCow => {
                self.threads[ti].locals.entry = Pte { pfn: kpage, present: true, writable: true, dirty: true };
                Flow::Next
            }
            Op::IfPteUnchanged { else_ } => {
                let l = self.threads[ti].locals;
                if self.pte(addr) == l.orig_pte {
                    self.threads[ti].locals.cow_installed = true;
                    Flow::Next
                } else {
                    ev.push(Event::Branch { why: "pte changed while unlocked: drop the copy".into() });
                    Flow::Goto(else_)
                }
            }
            Op::GetUserPages => {
                self.get_page(page, ev);
                Flow::Next
            }
            Op::ReleaseNewPageVar => {
                let pfn = if self.threads[ti].locals.cow_installed { page } else { kpage };
                self.put_page(pfn, ev);
                Flow::Next
            }
            Op::VmNormalPage => {
                let l = &mut self.threads[ti].locals;
                l.page = l.orig_pte.pfn;
                Flow::Next
            }
            Op::CallDoWpPageIfReadOnly => {
                if self.threads[ti].locals.orig_pte.writable {
                    ev.push(Event::Branch {
                        why: "if (!pte_write(entry)) is false: another thread's fault already made the pte writable; \
                              spurious fault, no do_wp_page: unlock and return 0"
                            .into(),
                    });
                    if self.ptl.holder == Some(t) {
                        self.unlock_ptl();
                        ev.push(Event::PtlReleased);
                    }
                    Flow::Return
                } else {
                    Flow::TailCall(FuncId::DoWpPage)
                }
            }
            Op::HostStore => self.host_store(t, ev),
            Op::CallPtepClearFlush { keep_entry } => {
                let old = self.pte(addr);
                if keep_entry {
                    self.threads[ti].locals.entry = old;
                }
                self.set_pte(addr, Pte::NONE);
                ev.push(Event::PteCleared { addr, old_pfn: old.pfn });
                Flow::Call(FuncId::PtepClearFlushGeneric)
            }
            Op::SetPteAtFrom(from) => {
                if from == EntryFrom::MkPteKpage {
                    self.threads[ti].locals.entry = Pte { pfn: kpage, present: true, writable: false, dirty: false };
                }
                let e = self.threads[ti].locals.entry;
                self.set_pte(addr, e);
                ev.push(Event::PteSet { addr, pfn: e.pfn, writable: e.writable });
                Flow::Next
            }
            Op::WpPageReuse => {
                let mut pte = self.pte(addr);
                pte.writable = true;
                pte.dirty = true;
                self.set_pte(addr, pte);
                ev.push(Event::PteSet { addr, pfn: pte.pfn, writable: true });
                if self.ptl.holder == Some(t) {
                    self.unlock_ptl();
                    ev.push(Event::PtlReleased);
                }
                Flow::Next
            }
            Op::IfRangeStarted { else_ } => {
                if self.threads[ti].locals.range_started {
                    Flow::Next
                } else {
                    Flow::Goto(else_)
                }
            }

            Op::ClearNotifyMissing => {
                self.threads[ti].locals.notify_missing = false;
                Flow::Next
            }
            Op::SetNotifyMissing => {
                self.threads[ti].locals.notify_missing = true;
                ev.push(Event::Branch {
                    why: format!(
                        "{} has no change_pte: remember to call invalidate_page after the unlock",
                        self.notifiers.get(fr.mn as usize).map(|n| n.id().label()).unwrap_or("?")
                    ),
                });
                Flow::Next
            }
            Op::IfNotifyMissing { else_ } => {
                if self.threads[ti].locals.notify_missing {
                    Flow::Next
                } else {
                    Flow::Goto(else_)
                }
            }
            Op::ForEachNotifier { done } => {
                if (fr.mn as usize) < self.notifiers.len() {
                    Flow::Next
                } else {
                    Flow::Goto(done)
                }
            }
            Op::IfOps { has, lacks, else_ } => {
                let Some(n) = self.notifiers.get(fr.mn as usize) else {
                    return Flow::Goto(else_);
                };
                let ops = n.id().ops(self.semantics);
                if ops.has(has) && lacks.is_none_or(|l| !ops.has(l)) { Flow::Next } else { Flow::Goto(else_) }
            }
            Op::Invoke { cb, then } => {
                let Some(n) = self.notifiers.get(fr.mn as usize).map(Secondary::id) else {
                    return Flow::Next;
                };
                let Some(func) = kernel::callback_function(n, self.semantics, cb) else {
                    ev.push(Event::Branch { why: format!("{} has no {}", n.label(), cb.id()) });
                    return Flow::Next;
                };
                let under_ptl = self.ptl.holder == Some(t);
                let under_rcu = self.threads[ti].rcu > 0;
                ev.push(Event::Callback { notifier: n, callback: cb, under_ptl, under_rcu });
                // The callee's own locals start fresh (KVM's need_flush).
                self.threads[ti].locals.need_flush = false;
                Flow::Invoke { func, notifier: fr.mn, then }
            }
            Op::NextNotifier { head } => {
                let top = self.threads[ti].stack.len() - 1;
                self.threads[ti].stack[top].mn += 1;
                Flow::Goto(head)
            }
            Op::CallInvalidateRangeEnd { only_end } => {
                self.threads[ti].locals.only_end = only_end;
                self.exec(t, fr, Op::Call(FuncId::MnInvalidateRangeEnd), ev)
            }
            Op::IfOpsUnlessOnlyEnd { has, else_ } => {
                let Some(n) = self.notifiers.get(fr.mn as usize).map(Secondary::id) else {
                    return Flow::Goto(else_);
                };
                if !n.ops(self.semantics).has(has) {
                    Flow::Goto(else_)
                } else if self.threads[ti].locals.only_end {
                    ev.push(Event::Branch {
                        why: format!(
                            "only_end: {}'s {} already ran under the PT lock (ptep_clear_flush_notify); not again",
                            n.label(),
                            has.id()
                        ),
                    });
                    Flow::Goto(else_)
                } else {
                    Flow::Next
                }
            }

            Op::User(op) => op.exec(self, t, fr, ev),
        }
    }
}
