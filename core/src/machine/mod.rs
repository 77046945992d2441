//! The simulated machine and its interpreter.
//!
//! [`Machine`] is the whole state: pages, the primary page table of one mm,
//! the PT lock, `mmap_sem`, the registered notifiers with their secondary
//! state, and the threads (the scenario's host path, then the default vCPU
//! or the explorer's actors) with their call stacks. [`Machine::step`]
//! executes one statement of one thread. Which thread runs is the caller's
//! choice, so a trace runs them in order while an explorer can branch on
//! every runnable thread. Cloning is cheap (a few small vectors) and
//! `Hash`/`Eq` ignore bookkeeping that does not affect the future (step
//! counters), so equal states deduplicate.
//!
//! The files: this one holds the state and its queries; [`step`] the
//! transition (frames, flow, invariant checks); `exec` the ops of the
//! primary MMU, the locks and the notifier-list walk; `access` the
//! threads' memory accesses. A notifier user's own ops run in its module
//! under [`crate::users`].

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::Serialize;

mod access;
mod exec;
mod rename;
pub mod step;

pub(crate) use access::Through;
pub(crate) use rename::Renaming;
pub(crate) use step::Flow;

use crate::actor::Actor;
use crate::event::Event;
use crate::kernel::{self, FuncId, Function, Op, Which};
use crate::notifier::{Callback, NotifierId, Secondary};
use crate::page::{Page, Pfn, Pte, hex};
use crate::semantics::Semantics;

/// Index of a thread in [`Machine::threads`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ThreadId(pub u8);

/// What a thread is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreadKind {
    /// The host kernel path of the scenario (ksmd, a faulting task, uprobes).
    Host,
    /// A guest vCPU accessing guest memory through KVM's sptes.
    Vcpu,
    /// A second host thread storing to the page (the `host_write` actor).
    HostWrite,
    /// A GRU instruction and its user-context dropin (`gru_read`/`gru_write`).
    Gru,
    /// An Intel SVM device's DMA and its page request (`svm_read`/`svm_write`).
    Svm,
}

impl ThreadKind {
    /// Stable id (`host`, `vcpu`, `host_write`, `gru`).
    pub fn id(self) -> &'static str {
        match self {
            ThreadKind::Host => "host",
            ThreadKind::Vcpu => "vcpu",
            ThreadKind::HostWrite => "host_write",
            ThreadKind::Gru => "gru",
            ThreadKind::Svm => "svm",
        }
    }
}

/// One activation record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Frame {
    /// The function.
    pub func: FuncId,
    /// Next statement to execute.
    pub pc: u8,
    /// Loop cursor of a notifier-list walk (`mn`).
    pub mn: u8,
    /// For callback frames: index of the notifier they serve.
    pub notifier: u8,
}

/// A thread's local variables, named after the kernel's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Locals {
    /// `entry` / `pte`: the pte being installed.
    pub entry: Pte,
    /// `orig_pte`.
    pub orig_pte: Pte,
    /// `notify_missing` / `___ret` (2014 patch).
    pub notify_missing: bool,
    /// `err == 0` of `write_protect_page`.
    pub err_ok: bool,
    /// `need_flush` / `need_tlb_flush` of the KVM handlers.
    pub need_flush: bool,
    /// `mmu_seq` snapshot of `tdp_page_fault`.
    pub mmu_seq: u64,
    /// `pfn` got by `try_async_pf` (holds a page reference).
    pub pfn: Option<Pfn>,
    /// `map_writable`.
    pub map_writable: bool,
    /// `mmun_end > mmun_start` in `do_wp_page`; under `bracket_if_missing`,
    /// whether the caller opened the bracket.
    pub range_started: bool,
    /// `only_end` of v4.15's `__mmu_notifier_invalidate_range_end`: skip
    /// `invalidate_range` (set by `mmu_notifier_invalidate_range_only_end`).
    pub only_end: bool,
    /// The open range is tagged "change_pte follows" (`event_aware`):
    /// KVM's range callbacks return at once for it.
    pub range_change_pte: bool,
    /// The COW copy was installed (`new_page = old_page`).
    pub cow_installed: bool,
    /// Index of the vCPU's next guest access.
    pub access: u8,
    /// This thread's `page` / `old_page`: the page its path merges, copies
    /// or replaces. Per thread because several threads may take COW faults
    /// at once, each on the pte it saw.
    pub page: Pfn,
    /// This thread's `kpage` / `new_page`: the KSM page, or the free page a
    /// COW or uprobe copy is allocated in (actors get one from the pool).
    pub kpage: Pfn,
    /// GRU: the TFH of this thread's dropin was read and no TLB invalidate
    /// has hit it since (else the hardware ignores the dropin).
    pub tfh_live: bool,
    /// GRU: `gpa` found by `gru_vtop` (no page reference is kept).
    pub gpa: Option<Pfn>,
    /// GRU: the return value of the last `gru_try_dropin` (0 loaded or
    /// ignored, 1 range active, -1 failed).
    pub dropin_ret: i8,
}

impl Locals {
    /// Forgets the locals of a page fault's path (`handle_pte_fault` and
    /// what it calls: the pte it builds and saw, the page it copies, its
    /// notifier bracket) when `handle_pte_fault` returns: they are dead
    /// then (a fault taken again sets them before reading them), and the
    /// caller's own locals (`kpage`, `pfn`, `mmu_seq`, GRU's) stay. The
    /// explorer then merges states that differ only in how an earlier
    /// fault went.
    pub(crate) fn forget_fault(&mut self) {
        let keep = *self;
        *self = Locals {
            access: keep.access,
            kpage: keep.kpage,
            mmu_seq: keep.mmu_seq,
            pfn: keep.pfn,
            map_writable: keep.map_writable,
            tfh_live: keep.tfh_live,
            gpa: keep.gpa,
            dropin_ret: keep.dropin_ret,
            ..Locals::default()
        };
    }
}

impl Default for Locals {
    fn default() -> Self {
        Locals {
            entry: Pte::NONE,
            orig_pte: Pte::NONE,
            notify_missing: false,
            err_ok: false,
            need_flush: false,
            mmu_seq: 0,
            pfn: None,
            map_writable: false,
            range_started: false,
            only_end: false,
            range_change_pte: false,
            cow_installed: false,
            access: 0,
            page: 0,
            kpage: 0,
            tfh_live: false,
            gpa: None,
            dropin_ret: 0,
        }
    }
}

/// Deepest call stack a thread may have. The deepest path of the model
/// nests 11 frames (a vCPU write fault: `tdp_page_fault` down to a notifier
/// callback inside `do_wp_page`); a deeper call is a model error.
pub const MAX_STACK_DEPTH: usize = 16;

/// A thread's call stack, outermost first, held inline so that copying a
/// state (which the explorer does for every transition) is one `memcpy`
/// instead of a heap copy per thread. It reads as a slice of [`Frame`]s;
/// equality, hashing and serialization see only the live frames.
#[derive(Clone, Copy)]
pub struct FrameStack {
    frames: [Frame; MAX_STACK_DEPTH],
    len: u8,
}

impl FrameStack {
    /// A stack holding `first`.
    pub fn new(first: Frame) -> FrameStack {
        // The slots past `len` are never read; `first` just fills them.
        FrameStack { frames: [first; MAX_STACK_DEPTH], len: 1 }
    }

    /// Pushes `f`; false (and nothing pushed) when the stack is full.
    #[must_use]
    pub fn push(&mut self, f: Frame) -> bool {
        match self.frames.get_mut(usize::from(self.len)) {
            Some(slot) => {
                *slot = f;
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// Pops the innermost frame.
    pub fn pop(&mut self) -> Option<Frame> {
        let top = self.last().copied()?;
        self.len -= 1;
        Some(top)
    }

    /// Empties the stack (the thread has finished).
    pub fn clear(&mut self) {
        self.len = 0;
    }
}

impl std::ops::Deref for FrameStack {
    type Target = [Frame];
    fn deref(&self) -> &[Frame] {
        &self.frames[..usize::from(self.len)]
    }
}

impl std::ops::DerefMut for FrameStack {
    fn deref_mut(&mut self) -> &mut [Frame] {
        &mut self.frames[..usize::from(self.len)]
    }
}

impl<'a> IntoIterator for &'a FrameStack {
    type Item = &'a Frame;
    type IntoIter = std::slice::Iter<'a, Frame>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PartialEq for FrameStack {
    fn eq(&self, o: &Self) -> bool {
        **self == **o
    }
}
impl Eq for FrameStack {}

impl Hash for FrameStack {
    fn hash<H: Hasher>(&self, h: &mut H) {
        (**self).hash(h)
    }
}

impl std::fmt::Debug for FrameStack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for FrameStack {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// A thread of the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Thread {
    /// What the thread is (host path, vCPU, host writer, GRU).
    pub kind: ThreadKind,
    /// Call stack, outermost first. Empty when done.
    pub stack: FrameStack,
    /// Locals.
    pub locals: Locals,
    /// `rcu_read_lock` nesting.
    pub rcu: u8,
    /// `srcu_read_lock` nesting.
    pub srcu: u8,
    /// `invalidate_range_start` calls not yet ended.
    pub ranges_open: i8,
    /// An actor's single access (`vcpu_read`, `gru_write`, ...). `None` for
    /// the scenario's host path and for the default vCPU, which runs the
    /// scenario's `[[guest]]` list ([`Machine::guest_ops`]).
    pub op: Option<GuestOp>,
}

impl Thread {
    fn new(kind: ThreadKind, entry: FuncId, notifier: u8, locals: Locals, op: Option<GuestOp>) -> Thread {
        Thread {
            kind,
            stack: FrameStack::new(Frame { func: entry, pc: 0, mn: 0, notifier }),
            locals,
            rcu: 0,
            srcu: 0,
            ranges_open: 0,
            op,
        }
    }

    /// The thread has returned from its outermost function.
    pub fn done(&self) -> bool {
        self.stack.is_empty()
    }
}

/// The PT lock of the page table page holding the scenario's pte.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PtLock {
    /// Holder.
    pub holder: Option<ThreadId>,
    /// Step number at which it was taken (display only; not hashed).
    pub since: u32,
}

impl PartialEq for PtLock {
    fn eq(&self, o: &Self) -> bool {
        self.holder == o.holder
    }
}
impl Eq for PtLock {}
impl Hash for PtLock {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.holder.hash(h)
    }
}

/// `mm->mmap_sem` as the scenario's caller holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MmapSem {
    /// Not held.
    Free,
    /// Held for read by the host path (KSM, page fault).
    Read,
    /// Held for write by the host path (uprobes register).
    Write,
}

/// The host path's arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct HostArgs {
    /// The user virtual address whose pte changes.
    pub addr: u64,
    /// `page` / `old_page`.
    pub page: Pfn,
    /// `kpage` / `new_page`.
    pub kpage: Pfn,
    /// The breakpoint opcode (uprobes).
    pub opcode: u32,
}

/// One guest access of the vCPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct GuestOp {
    /// A write (else a read).
    pub write: bool,
    /// Value written.
    pub value: u32,
}

/// What [`Machine::step`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// A statement ran.
    Ran(Executed),
    /// The thread waits for a lock; nothing changed.
    Blocked(String),
    /// The thread has finished.
    Done,
}

/// The statement a step executed and what it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Executed {
    /// Thread that ran.
    pub thread: ThreadId,
    /// Stack depth of the statement (0 = outermost function).
    pub depth: usize,
    /// Function of the statement.
    pub function: &'static Function,
    /// Statement index in the function.
    pub pc: usize,
    /// Milestone of the statement, or `done` when the thread finished.
    pub milestone: Option<String>,
    /// What happened, including invariant violations.
    pub events: Vec<Event>,
}

/// The whole simulated state.
#[derive(Debug, Serialize)]
pub struct Machine {
    /// The era simulated.
    pub semantics: Semantics,
    /// Physical pages.
    pub pages: Vec<Page>,
    /// Primary page table: address -> pte.
    pub ptes: Vec<(u64, Pte)>,
    /// The PT lock.
    pub ptl: PtLock,
    /// `mmap_sem`.
    pub mmap_sem: MmapSem,
    /// Registered notifiers in list order.
    pub notifiers: Vec<Secondary>,
    /// Threads: the host path first, then the default vCPU when KVM is
    /// registered, or the explorer's actors.
    pub threads: Vec<Thread>,
    /// Host path arguments.
    pub host: HostArgs,
    /// Guest frame of `host.addr` (the KVM memslot).
    pub gfn: u64,
    /// The vCPU's guest accesses.
    pub guest_ops: Arc<[GuestOp]>,
    /// Steps executed so far (not hashed).
    pub steps: u32,
    /// Set by every write to the globals (pages, ptes, the PT lock,
    /// secondary MMUs). Not part of the state: the explorer clears it
    /// before a step and, when it stays clear, copies the parent's encoding
    /// of the globals instead of encoding them again (debug builds check
    /// the copy, so a write that forgets to set it fails the tests).
    #[serde(skip)]
    pub(crate) globals_written: bool,
}

impl Clone for Machine {
    fn clone(&self) -> Self {
        Machine {
            semantics: self.semantics,
            pages: self.pages.clone(),
            ptes: self.ptes.clone(),
            ptl: self.ptl,
            mmap_sem: self.mmap_sem,
            notifiers: self.notifiers.clone(),
            threads: self.threads.clone(),
            host: self.host,
            gfn: self.gfn,
            guest_ops: self.guest_ops.clone(),
            steps: self.steps,
            globals_written: self.globals_written,
        }
    }

    /// Reuses every vector's buffer (the explorer recycles states this way).
    fn clone_from(&mut self, o: &Self) {
        self.semantics = o.semantics;
        self.pages.clone_from(&o.pages);
        self.ptes.clone_from(&o.ptes);
        self.ptl = o.ptl;
        self.mmap_sem = o.mmap_sem;
        self.notifiers.clone_from(&o.notifiers);
        self.threads.clone_from(&o.threads);
        self.host = o.host;
        self.gfn = o.gfn;
        if !Arc::ptr_eq(&self.guest_ops, &o.guest_ops) {
            self.guest_ops = o.guest_ops.clone();
        }
        self.steps = o.steps;
        self.globals_written = o.globals_written;
    }
}

impl PartialEq for Machine {
    fn eq(&self, o: &Self) -> bool {
        self.semantics == o.semantics
            && self.pages == o.pages
            && self.ptes == o.ptes
            && self.ptl == o.ptl
            && self.mmap_sem == o.mmap_sem
            && self.notifiers == o.notifiers
            && self.threads == o.threads
            && self.host == o.host
            && self.gfn == o.gfn
            && self.guest_ops == o.guest_ops
    }
}
impl Eq for Machine {}
impl Hash for Machine {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.semantics.hash(h);
        self.pages.hash(h);
        self.ptes.hash(h);
        self.ptl.hash(h);
        self.mmap_sem.hash(h);
        self.notifiers.hash(h);
        self.threads.hash(h);
        self.host.hash(h);
        self.gfn.hash(h);
        self.guest_ops.hash(h);
    }
}

impl Machine {
    /// Builds a machine; normally done by [`crate::scenario::Scenario::machine`].
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        semantics: Semantics,
        pages: Vec<Page>,
        ptes: Vec<(u64, Pte)>,
        mmap_sem: MmapSem,
        notifiers: Vec<Secondary>,
        host_entry: FuncId,
        host: HostArgs,
        gfn: u64,
        guest_ops: Vec<GuestOp>,
    ) -> Machine {
        let host_locals = Locals { page: host.page, kpage: host.kpage, ..Locals::default() };
        let mut threads = vec![Thread::new(ThreadKind::Host, host_entry, 0, host_locals, None)];
        if let Some(k) = notifiers.iter().position(|n| n.id() == NotifierId::Kvm) {
            threads.push(Thread::new(ThreadKind::Vcpu, FuncId::KvmVcpuRun, k as u8, Locals::default(), None));
        }
        Machine {
            semantics,
            pages,
            ptes,
            ptl: PtLock { holder: None, since: 0 },
            mmap_sem,
            notifiers,
            threads,
            host,
            gfn,
            guest_ops: guest_ops.into(),
            steps: 0,
            globals_written: false,
        }
    }

    /// Replaces the default vCPU with `actors`, one thread each after the
    /// host path (thread 0). Writers that may take a COW fault get their own
    /// free page from a pool appended to [`Machine::pages`] (pfns above the
    /// scenario's, named `pool<thread>`). An empty list keeps the default
    /// threads. Errors when an actor's notifier is not registered or there
    /// would be more than 250 threads.
    pub fn with_actors(mut self, actors: &[Actor]) -> Result<Machine, String> {
        if actors.is_empty() {
            return Ok(self);
        }
        if actors.len() > 250 {
            return Err(format!("{} actors: at most 250 are supported", actors.len()));
        }
        self.threads.retain(|t| t.kind == ThreadKind::Host);
        let mut next_pfn = self.pages.iter().map(|p| p.pfn).max().unwrap_or(0) / 0x100 * 0x100;
        for a in actors {
            let tid = self.threads.len() as u8;
            let notifier = match a.needs() {
                Some(n) => match self.notifiers.iter().position(|s| s.id() == n) {
                    Some(i) => i as u8,
                    None => {
                        return Err(format!(
                            "actor `{a}` needs the `{n}` notifier, which is not registered (registered: {})",
                            self.notifier_ids().iter().map(|n| n.id()).collect::<Vec<_>>().join(",")
                        ));
                    }
                },
                None => 0,
            };
            let mut locals = Locals::default();
            if a.writes() {
                next_pfn = next_pfn.checked_add(0x100).ok_or("the actors' pool pages would pass the largest pfn")?;
                self.pages.push(Page {
                    pfn: next_pfn,
                    name: format!("pool{tid}").into(),
                    refcount: 0,
                    mapcount: 0,
                    anon: false,
                    ksm: false,
                    locked_by: None,
                    dirty: false,
                    free: true,
                    content: 0,
                });
                locals.kpage = next_pfn;
            }
            let op = Some(GuestOp { write: a.writes(), value: a.value(tid) });
            let (kind, entry) = match a {
                Actor::HostWrite => (ThreadKind::HostWrite, FuncId::UserStore),
                Actor::VcpuRead | Actor::VcpuWrite => (ThreadKind::Vcpu, FuncId::KvmVcpuRun),
                Actor::GruRead | Actor::GruWrite => (ThreadKind::Gru, FuncId::GruInstruction),
                Actor::SvmRead | Actor::SvmWrite => (ThreadKind::Svm, FuncId::SvmDma),
            };
            self.threads.push(Thread::new(kind, entry, notifier, locals, op));
        }
        Ok(self)
    }

    /// Ids of the registered notifiers, in list order.
    pub fn notifier_ids(&self) -> Vec<NotifierId> {
        self.notifiers.iter().map(Secondary::id).collect()
    }

    /// The page with `pfn`.
    pub fn page(&self, pfn: Pfn) -> Option<&Page> {
        self.pages.iter().find(|p| p.pfn == pfn)
    }

    fn page_mut(&mut self, pfn: Pfn) -> Option<&mut Page> {
        self.globals_written = true;
        self.pages.iter_mut().find(|p| p.pfn == pfn)
    }

    /// The pte for `addr`.
    pub fn pte(&self, addr: u64) -> Pte {
        self.ptes.iter().find(|(a, _)| *a == addr).map(|(_, p)| *p).unwrap_or(Pte::NONE)
    }

    fn set_pte(&mut self, addr: u64, pte: Pte) {
        self.globals_written = true;
        match self.ptes.iter_mut().find(|(a, _)| *a == addr) {
            Some(slot) => slot.1 = pte,
            None => self.ptes.push((addr, pte)),
        }
    }

    /// KVM's state, if registered.
    pub fn kvm(&self) -> Option<&crate::notifier::KvmState> {
        self.first_user()
    }

    /// GRU's state, if registered.
    pub fn gru(&self) -> Option<&crate::notifier::GruState> {
        self.first_user()
    }

    /// The name of the thread holding a lock (`held by host`), or `free`.
    pub fn holder_name(&self, holder: Option<u8>) -> String {
        match holder.and_then(|t| self.threads.get(usize::from(t))) {
            Some(th) => format!("held by {}", th.kind.id()),
            None => "free".into(),
        }
    }

    /// Whether a thread other than `t` holds the PT lock.
    pub(crate) fn ptl_held_by_other(&self, t: ThreadId) -> bool {
        self.ptl.holder.is_some_and(|h| h != t)
    }

    /// Thread ids.
    pub fn thread_ids(&self) -> impl Iterator<Item = ThreadId> + '_ {
        (0..self.threads.len()).map(|i| ThreadId(i as u8))
    }

    /// Every thread finished.
    pub fn all_done(&self) -> bool {
        self.threads.iter().all(Thread::done)
    }

    /// The function and statement a thread will execute next.
    pub fn current(&self, t: ThreadId) -> Option<(&'static Function, usize)> {
        let th = self.threads.get(t.0 as usize)?;
        let fr = th.stack.last()?;
        Some((kernel::function(fr.func, self.semantics), fr.pc as usize))
    }

    /// The call stack of a thread as function listings, outermost first.
    pub fn stack(&self, t: ThreadId) -> Vec<(&'static Function, usize)> {
        match self.threads.get(t.0 as usize) {
            Some(th) => th.stack.iter().map(|f| (kernel::function(f.func, self.semantics), f.pc as usize)).collect(),
            None => Vec::new(),
        }
    }

    /// Why `t` cannot run now, if it cannot.
    pub fn blocked_on(&self, t: ThreadId) -> Option<String> {
        self.block(t).map(|(why, pfn)| match pfn {
            Some(pfn) => format!("{why}({})", hex(pfn)),
            None => why.to_string(),
        })
    }

    /// Allocation-free form of [`Machine::blocked_on`] (the explorer asks
    /// it for every thread of every state): the reason, and the pfn for
    /// `lock_page`.
    fn block(&self, t: ThreadId) -> Option<(&'static str, Option<Pfn>)> {
        let (f, pc) = self.current(t)?;
        let op = f.body.get(pc)?.op;
        let fr = *self.threads[usize::from(t.0)].stack.last()?;
        match op {
            Op::PtlLock | Op::FaultPtlLock | Op::PageCheckAddress { .. } if self.ptl_held_by_other(t) => {
                Some(("waits for the PT lock", None))
            }
            Op::LockPage(w) => {
                let pfn = self.which(t, w);
                match self.page(pfn) {
                    Some(p) if p.locked_by.is_some_and(|h| h != t.0) => Some(("sleeps in lock_page", Some(pfn))),
                    _ => None,
                }
            }
            Op::User(op) => op.block(self, t, fr).map(|why| (why, None)),
            _ => None,
        }
    }

    /// Threads that can execute a statement now.
    pub fn runnable(&self) -> Vec<ThreadId> {
        let mut out = Vec::new();
        self.runnable_into(&mut out);
        out
    }

    /// [`Machine::runnable`] into a reused buffer (cleared first).
    pub(crate) fn runnable_into(&self, out: &mut Vec<ThreadId>) {
        out.clear();
        out.extend(self.thread_ids().filter(|t| !self.threads[t.0 as usize].done() && self.block(*t).is_none()));
    }

    fn which(&self, t: ThreadId, w: Which) -> Pfn {
        let l = &self.threads[t.0 as usize].locals;
        match w {
            Which::Page => l.page,
            Which::Kpage => l.kpage,
        }
    }

    /// Whether `t`'s next statement may change another thread's state.
    /// Every statement changes only its own thread's frames and locals,
    /// except these: the explorer copies the other threads' encodings
    /// from the parent state unless this says otherwise (and checks it in
    /// debug builds), so an op that reaches into another thread must be
    /// listed here.
    pub(crate) fn touches_other_threads(&self, t: ThreadId) -> bool {
        self.current(t)
            .and_then(|(f, pc)| f.body.get(pc))
            .is_some_and(|s| matches!(s.op, Op::User(op) if op.touches_other_threads()))
    }

    /// Notifier callbacks on `t`'s stack, outermost first (normally zero or
    /// one): "the callback running now".
    pub fn running_callbacks(&self, t: ThreadId) -> Vec<(usize, NotifierId, Callback)> {
        match self.threads.get(t.0 as usize) {
            Some(th) => th
                .stack
                .iter()
                .filter_map(|f| kernel::callback_of(f.func).map(|(n, c)| (f.notifier as usize, n, c)))
                .collect(),
            None => Vec::new(),
        }
    }
}
