//! The simulated machine and its interpreter.
//!
//! [`Machine`] is the whole state: pages, the primary page table of one mm,
//! the PT lock, `mmap_sem`, the registered notifiers with their secondary
//! state, and the threads (host path, guest vCPU) with their call stacks.
//! [`Machine::step`] executes one statement of one thread. Which thread runs
//! is the caller's choice, so a trace runs them in order while an explorer
//! can branch on every runnable thread. Cloning is cheap (a few small
//! vectors) and `Hash`/`Eq` ignore bookkeeping that does not affect the
//! future (step counters), so equal states deduplicate.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::Serialize;

use crate::actor::Actor;
use crate::event::{Event, Violation, ViolationId};
use crate::invariants::{self, StateViolation};
use crate::kernel::{self, EntryFrom, FuncId, Function, Op, Which};
use crate::notifier::{Callback, Gcr3, GruTlbEntry, NotifierId, Secondary, Spte};
use crate::page::{Page, Pfn, Pte};
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
}

impl ThreadKind {
    /// Stable id (`host`, `vcpu`, `host_write`, `gru`).
    pub fn id(self) -> &'static str {
        match self {
            ThreadKind::Host => "host",
            ThreadKind::Vcpu => "vcpu",
            ThreadKind::HostWrite => "host_write",
            ThreadKind::Gru => "gru",
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
    /// `mmun_end > mmun_start` in `do_wp_page`.
    pub range_started: bool,
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
    /// Host path or vCPU.
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
    /// Threads: the host path first, then the vCPU when KVM is registered.
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

enum Flow {
    Next,
    /// `return f(...)`: the caller ends when `f` returns.
    TailCall(FuncId),
    Goto(&'static str),
    Stay,
    Call(FuncId),
    CallStay(FuncId),
    Invoke {
        func: FuncId,
        notifier: u8,
        then: Option<&'static str>,
    },
    Return,
}

fn hex(v: u64) -> String {
    format!("{v:#x}")
}

impl Machine {
    /// Builds a machine; normally done by [`crate::Scenario::machine`].
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
        self.notifiers.iter().find_map(|n| match n {
            Secondary::Kvm(k) => Some(k),
            _ => None,
        })
    }

    /// GRU's state, if registered.
    pub fn gru(&self) -> Option<&crate::notifier::GruState> {
        self.notifiers.iter().find_map(|n| match n {
            Secondary::Gru(g) => Some(g),
            _ => None,
        })
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
        let other = |h: Option<ThreadId>| h.is_some() && h != Some(t);
        let other_u8 = |h: Option<u8>| h.is_some() && h != Some(t.0);
        let fr = self.threads[t.0 as usize].stack.last()?;
        match op {
            Op::PtlLock | Op::FaultPtlLock | Op::PageCheckAddress { .. } | Op::TdpGetPfn if other(self.ptl.holder) => {
                Some(("waits for the PT lock", None))
            }
            // get_user_pages (the non-atomic lookup) takes the PT lock to
            // read a pte that is not present.
            Op::GruPteLookup if other(self.ptl.holder) && !self.pte(self.host.addr).present => {
                Some(("get_user_pages waits for the PT lock", None))
            }
            Op::GruWaitEvent => match self.notifiers.get(fr.notifier as usize) {
                Some(Secondary::Gru(g)) if g.waiters.contains(&t.0) => Some(("sleeps on ms_wait_queue", None)),
                _ => None,
            },
            Op::KvmLock => match self.notifiers.get(fr.notifier as usize) {
                Some(Secondary::Kvm(k)) if other_u8(k.mmu_lock) => Some(("waits for kvm->mmu_lock", None)),
                _ => None,
            },
            Op::GntdevLock => match self.notifiers.get(fr.notifier as usize) {
                Some(Secondary::XenGntdev(g)) if other_u8(g.lock) => Some(("waits for priv->lock", None)),
                _ => None,
            },
            Op::SleepMutexLock => match self.notifiers.get(fr.notifier as usize) {
                Some(Secondary::Sleepable(s)) if other_u8(s.mutex) => Some(("sleeps on drv->mutex", None)),
                _ => None,
            },
            Op::LockPage(w) => {
                let pfn = self.which(t, w);
                match self.page(pfn) {
                    Some(p) if other_u8(p.locked_by) => Some(("sleeps in lock_page", Some(pfn))),
                    _ => None,
                }
            }
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
        // A GRU TLB purge kills the TFH of every dropin in flight.
        self.current(t).and_then(|(f, pc)| f.body.get(pc)).is_some_and(|s| matches!(s.op, Op::GruFlushTlbRange))
    }

    /// Executes one statement of thread `t` and checks the invariants.
    pub fn step(&mut self, t: ThreadId) -> StepOutcome {
        let Some(th) = self.threads.get(t.0 as usize) else {
            return StepOutcome::Done;
        };
        if th.done() {
            return StepOutcome::Done;
        }
        if self.block(t).is_some() {
            return StepOutcome::Blocked(self.blocked_on(t).unwrap_or_default());
        }
        let depth = th.stack.len() - 1;
        let mut ev = Vec::new();
        let Some((function, pc, milestone, finished)) = self.run_statement(t, &mut ev, None) else {
            return StepOutcome::Done;
        };
        let milestone = match (milestone, finished) {
            (_, true) => Some("done".to_string()),
            (Some(m), false) => Some(format!("{}:{}", function.name, m)),
            (None, false) => None,
        };
        StepOutcome::Ran(Executed { thread: t, depth, function, pc, milestone, events: ev })
    }

    /// The explorer's form of [`Machine::step`] for a thread that
    /// [`Machine::runnable_into`] listed: the same transition and the same
    /// invariant checks, with the events written into `ev` (cleared first)
    /// and no milestone text. False when no statement ran.
    pub(crate) fn step_runnable(&mut self, t: ThreadId, ev: &mut Vec<Event>) -> bool {
        let before = invariants::state_violations(self);
        self.step_runnable_from(t, ev, &before)
    }

    /// [`Machine::step_runnable`] with the state violations of this state
    /// already known (`before`: the explorer computes them once for all the
    /// successors of a state). Clears [`Machine::globals_written`] first, so
    /// that it tells afterwards whether the step wrote the globals; when it
    /// did not, the state violations (a property of the globals) cannot
    /// have changed and are not computed again.
    pub(crate) fn step_runnable_from(&mut self, t: ThreadId, ev: &mut Vec<Event>, before: &[StateViolation]) -> bool {
        ev.clear();
        debug_assert!(self.block(t).is_none(), "step_runnable on a blocked thread");
        self.globals_written = false;
        match self.threads.get(t.0 as usize) {
            Some(th) if !th.done() => self.run_statement(t, ev, Some(before)).is_some(),
            _ => false,
        }
    }

    /// Executes the next statement of `t` (which exists, has not finished
    /// and is not blocked) and checks the invariants. Returns the function,
    /// the statement index, its milestone and whether the thread finished;
    /// `None` when no statement ran.
    /// `before`: this state's [`invariants::state_violations`], when the
    /// caller knows them and clears `globals_written` before the step.
    fn run_statement(
        &mut self,
        t: ThreadId,
        ev: &mut Vec<Event>,
        before: Option<&[StateViolation]>,
    ) -> Option<(&'static Function, usize, Option<&'static str>, bool)> {
        let fr = *self.threads[t.0 as usize].stack.last().expect("non-empty stack");
        let function = kernel::function(fr.func, self.semantics);
        let pc = fr.pc as usize;
        let Some(stmt) = function.body.get(pc) else {
            // Defensive: a frame past its end returns at once.
            self.pop_finished(t, &mut Vec::new());
            return None;
        };
        let computed;
        let before = match before {
            Some(b) => b,
            None => {
                computed = invariants::state_violations(self);
                &computed[..]
            }
        };
        self.steps += 1;
        let flow = self.exec(t, fr, stmt.op, ev);
        self.apply(t, function, flow, ev);
        let finished = self.pop_finished(t, ev);
        // Without a write to the globals, the state violations are `before`.
        let state_may_differ = self.globals_written;
        invariants::check_step(self, t, before, state_may_differ, ev);
        Some((function, pc, stmt.milestone, finished))
    }

    fn apply(&mut self, t: ThreadId, function: &'static Function, flow: Flow, ev: &mut Vec<Event>) {
        let th = &mut self.threads[t.0 as usize];
        let top = th.stack.len() - 1;
        let push = |th: &mut Thread, f: Frame, ev: &mut Vec<Event>| {
            if !th.stack.push(f) {
                ev.push(Event::Branch { why: format!("model error: call stack deeper than {MAX_STACK_DEPTH} frames") });
            }
        };
        let label = |l: &str, ev: &mut Vec<Event>| match function.label(l) {
            Some(i) => i as u8,
            None => {
                ev.push(Event::Branch { why: format!("model error: no label `{l}` in {}", function.name) });
                function.body.len() as u8
            }
        };
        match flow {
            Flow::Next => th.stack[top].pc += 1,
            Flow::TailCall(f) => {
                let notifier = th.stack[top].notifier;
                th.stack[top].pc = function.body.len() as u8;
                push(th, Frame { func: f, pc: 0, mn: 0, notifier }, ev);
            }
            Flow::Stay => {}
            Flow::Goto(l) => th.stack[top].pc = label(l, ev),
            Flow::Return => {
                th.stack.pop();
            }
            Flow::Call(f) => {
                let notifier = th.stack[top].notifier;
                th.stack[top].pc += 1;
                push(th, Frame { func: f, pc: 0, mn: 0, notifier }, ev);
            }
            Flow::CallStay(f) => {
                let notifier = th.stack[top].notifier;
                push(th, Frame { func: f, pc: 0, mn: 0, notifier }, ev);
            }
            Flow::Invoke { func, notifier, then } => {
                th.stack[top].pc = match then {
                    Some(l) => label(l, ev),
                    None => th.stack[top].pc + 1,
                };
                push(th, Frame { func, pc: 0, mn: 0, notifier }, ev);
            }
        }
    }

    /// Pops frames that ran off their end; returns true when the thread
    /// finished in this step.
    fn pop_finished(&mut self, t: ThreadId, ev: &mut Vec<Event>) -> bool {
        let sem = self.semantics;
        let th = &mut self.threads[t.0 as usize];
        if th.stack.is_empty() {
            ev.push(Event::ThreadDone);
            return true;
        }
        while let Some(fr) = th.stack.last() {
            if (fr.pc as usize) < kernel::function(fr.func, sem).body.len() {
                return false;
            }
            th.stack.pop();
        }
        ev.push(Event::ThreadDone);
        true
    }

    fn kvm_at(&mut self, idx: u8) -> Option<&mut crate::notifier::KvmState> {
        match self.secondary_mut(idx) {
            Some(Secondary::Kvm(k)) => Some(k),
            _ => None,
        }
    }

    fn lock_ptl(&mut self, t: ThreadId) {
        self.globals_written = true;
        self.ptl = PtLock { holder: Some(t), since: self.steps };
    }

    fn unlock_ptl(&mut self) {
        self.globals_written = true;
        self.ptl.holder = None;
    }

    /// Notifier `idx`'s secondary MMU, to write.
    fn secondary_mut(&mut self, idx: u8) -> Option<&mut Secondary> {
        self.globals_written = true;
        self.notifiers.get_mut(usize::from(idx))
    }

    fn gru_at(&mut self, idx: u8) -> Option<&mut crate::notifier::GruState> {
        match self.secondary_mut(idx) {
            Some(Secondary::Gru(g)) => Some(g),
            _ => None,
        }
    }

    fn get_page(&mut self, pfn: Pfn, ev: &mut Vec<Event>) {
        if let Some(p) = self.page_mut(pfn) {
            // Scenario files bound refcounts far below this; saturate
            // rather than wrap if a model change ever gets here.
            p.refcount = p.refcount.saturating_add(1);
            let refcount = p.refcount;
            ev.push(Event::PageRef { pfn, refcount });
        }
    }

    fn put_page(&mut self, pfn: Pfn, ev: &mut Vec<Event>) {
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

    fn atomic_reasons(&self, t: ThreadId) -> Vec<String> {
        let mut why = Vec::new();
        if self.ptl.holder == Some(t) {
            why.push("the PT lock (a spinlock) is held".to_string());
        }
        for n in &self.notifiers {
            if let Secondary::Kvm(k) = n
                && k.mmu_lock == Some(t.0)
            {
                why.push("kvm->mmu_lock is held".to_string());
            }
        }
        if self.threads[t.0 as usize].rcu > 0 {
            why.push("inside rcu_read_lock (the v3.6 notifier-list walk)".to_string());
        }
        why
    }

    fn exec(&mut self, t: ThreadId, fr: Frame, op: Op, ev: &mut Vec<Event>) -> Flow {
        let ti = t.0 as usize;
        let addr = self.host.addr;
        let gfn = self.gfn;
        // This thread's page arguments (thread 0's start as the scenario's
        // `host.page` / `host.kpage`).
        let (page, kpage) = (self.threads[ti].locals.page, self.threads[ti].locals.kpage);
        match op {
            Op::Nop => Flow::Next,
            Op::Call(f) => {
                match f {
                    FuncId::MnInvalidateRangeStart => {
                        let th = &mut self.threads[ti];
                        th.ranges_open += 1;
                        th.locals.range_started = true;
                        ev.push(Event::RangeOpened { open: i32::from(th.ranges_open) });
                    }
                    FuncId::MnInvalidateRangeEnd => {
                        let th = &mut self.threads[ti];
                        th.ranges_open -= 1;
                        ev.push(Event::RangeClosed { open: i32::from(th.ranges_open) });
                    }
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
                let ops = n.id().ops();
                if ops.has(has) && lacks.is_none_or(|l| !ops.has(l)) { Flow::Next } else { Flow::Goto(else_) }
            }
            Op::Invoke { cb, then } => {
                let Some(n) = self.notifiers.get(fr.mn as usize).map(Secondary::id) else {
                    return Flow::Next;
                };
                let Some(func) = kernel::callback_function(n, cb) else {
                    ev.push(Event::Branch { why: format!("{} has no {}", n.label(), cb.id()) });
                    return Flow::Next;
                };
                let under_ptl = self.ptl.holder == Some(t);
                let under_rcu = self.threads[ti].rcu > 0;
                ev.push(Event::Callback { notifier: n, callback: cb, under_ptl, under_rcu });
                self.threads[ti].locals.need_flush = false;
                Flow::Invoke { func, notifier: fr.mn, then }
            }
            Op::NextNotifier { head } => {
                let top = self.threads[ti].stack.len() - 1;
                self.threads[ti].stack[top].mn += 1;
                Flow::Goto(head)
            }

            Op::KvmLock => {
                if let Some(k) = self.kvm_at(fr.notifier) {
                    k.mmu_lock = Some(t.0);
                }
                Flow::Next
            }
            Op::KvmUnlock => {
                if let Some(k) = self.kvm_at(fr.notifier) {
                    k.mmu_lock = None;
                }
                Flow::Next
            }
            Op::KvmSeqInc => {
                if let Some(k) = self.kvm_at(fr.notifier) {
                    k.mmu_notifier_seq += 1;
                    let seq = k.mmu_notifier_seq;
                    ev.push(Event::KvmSeq { seq });
                }
                Flow::Next
            }
            Op::KvmCountInc | Op::KvmCountDec => {
                if let Some(k) = self.kvm_at(fr.notifier) {
                    k.mmu_notifier_count += if op == Op::KvmCountInc { 1 } else { -1 };
                    let count = k.mmu_notifier_count;
                    ev.push(Event::KvmCount { count });
                }
                Flow::Next
            }
            Op::KvmBugOnCount => {
                if let Some(k) = self.kvm_at(fr.notifier)
                    && k.mmu_notifier_count < 0
                {
                    let count = k.mmu_notifier_count;
                    ev.push(Event::Violation(Violation {
                        id: ViolationId::RangeImbalance,
                        message: format!(
                            "KVM: BUG_ON(mmu_notifier_count < 0) fires: count is {count}, an invalidate_range_end came without its start"
                        ),
                    }));
                }
                Flow::Next
            }
            Op::KvmUnmapHva(by) => {
                let mut zapped = Vec::new();
                if let Some(k) = self.kvm_at(fr.notifier) {
                    k.sptes.retain(|s| {
                        if s.gfn == gfn {
                            zapped.push(*s);
                            false
                        } else {
                            true
                        }
                    });
                }
                self.threads[ti].locals.need_flush = !zapped.is_empty();
                for s in zapped {
                    ev.push(Event::SpteZapped { gfn: s.gfn, pfn: s.pfn, by });
                }
                Flow::Next
            }
            Op::KvmRmappLoop { done } => {
                let has = self.kvm_at(fr.notifier).is_some_and(|k| k.sptes.iter().any(|s| s.gfn == gfn));
                if has {
                    Flow::Next
                } else {
                    ev.push(Event::ChangePteMiss { gfn });
                    Flow::Goto(done)
                }
            }
            Op::KvmRmappDropIfWritable { else_, done } => {
                let entry = self.threads[ti].locals.entry;
                if entry.writable {
                    let mut zapped = Vec::new();
                    if let Some(k) = self.kvm_at(fr.notifier) {
                        k.sptes.retain(|s| {
                            if s.gfn == gfn {
                                zapped.push(*s);
                                false
                            } else {
                                true
                            }
                        });
                    }
                    ev.push(Event::Branch { why: "new host pte is writable: drop the spte, do not remap".into() });
                    for s in zapped {
                        ev.push(Event::SpteZapped { gfn: s.gfn, pfn: s.pfn, by: Callback::ChangePte });
                    }
                    self.threads[ti].locals.need_flush = true;
                    Flow::Goto(done)
                } else {
                    Flow::Goto(else_)
                }
            }
            Op::KvmRmappRemap => {
                let entry = self.threads[ti].locals.entry;
                let mut remapped = Vec::new();
                if let Some(k) = self.kvm_at(fr.notifier) {
                    for s in k.sptes.iter_mut().filter(|s| s.gfn == gfn) {
                        remapped.push((s.pfn, entry.pfn));
                        s.pfn = entry.pfn;
                        s.writable = false;
                    }
                }
                for (old_pfn, new_pfn) in remapped {
                    ev.push(Event::SpteRemapped { gfn, old_pfn, new_pfn });
                }
                self.threads[ti].locals.need_flush = true;
                Flow::Next
            }
            Op::KvmFlushIfNeeded => {
                if self.threads[ti].locals.need_flush {
                    ev.push(Event::KvmRemoteFlush);
                }
                Flow::Next
            }
            Op::GuestAccess => self.guest_access(t, fr, ev),
            Op::TdpSnapshotSeq => {
                let seq = self.kvm_at(fr.notifier).map(|k| k.mmu_notifier_seq).unwrap_or(0);
                self.threads[ti].locals.mmu_seq = seq;
                Flow::Next
            }
            Op::TdpGetPfn => {
                let write = self.access_op(t).is_some_and(|o| o.write);
                let pte = self.pte(addr);
                if pte.present && (!write || pte.writable) {
                    self.get_page(pte.pfn, ev);
                    let l = &mut self.threads[ti].locals;
                    l.pfn = Some(pte.pfn);
                    l.map_writable = pte.writable;
                    Flow::Next
                } else if pte.present && write && self.can_cow(t, pte.pfn) {
                    ev.push(Event::Branch {
                        why: "get_user_pages(FOLL_WRITE) on a read-only pte: handle_mm_fault runs do_wp_page".into(),
                    });
                    Flow::CallStay(FuncId::HandlePteFault)
                } else {
                    ev.push(Event::Branch { why: "no usable host page: the fault is retried".into() });
                    Flow::Return
                }
            }
            Op::TdpRetryCheck { retry } => {
                let snap = self.threads[ti].locals.mmu_seq;
                let (count, seq) =
                    self.kvm_at(fr.notifier).map(|k| (k.mmu_notifier_count, k.mmu_notifier_seq)).unwrap_or((0, snap));
                if count != 0 || seq != snap {
                    ev.push(Event::KvmFaultRetry { count, mmu_seq: snap, seq });
                    Flow::Goto(retry)
                } else {
                    Flow::Next
                }
            }
            Op::TdpDirectMap => {
                let l = self.threads[ti].locals;
                if let Some(pfn) = l.pfn {
                    let writable = l.map_writable;
                    if let Some(k) = self.kvm_at(fr.notifier) {
                        k.sptes.retain(|s| s.gfn != gfn);
                        k.sptes.push(Spte { gfn, pfn, writable });
                    }
                    ev.push(Event::SpteInstalled { gfn, pfn, writable });
                    // mmu_set_spte drops the reference try_async_pf took.
                    self.put_page(pfn, ev);
                    self.threads[ti].locals.pfn = None;
                }
                Flow::Next
            }
            Op::TdpReleasePfn => {
                if let Some(pfn) = self.threads[ti].locals.pfn.take() {
                    self.put_page(pfn, ev);
                }
                Flow::Next
            }

            Op::GruRangeActiveInc | Op::GruRangeActiveDec => {
                let d = if op == Op::GruRangeActiveInc { 1 } else { -1 };
                if let Some(g) = self.gru_at(fr.notifier) {
                    g.ms_range_active += d;
                    let value = g.ms_range_active;
                    ev.push(Event::GruRangeActive { value });
                    if value < 0 {
                        ev.push(Event::Violation(Violation {
                            id: ViolationId::RangeImbalance,
                            message: format!("GRU: ms_range_active dropped to {value}: a range_end without its start"),
                        }));
                    }
                }
                Flow::Next
            }
            Op::GruWakeUpAll => {
                if let Some(g) = self.gru_at(fr.notifier) {
                    let woken = g.waiters.len() as u32;
                    g.waiters.clear();
                    ev.push(Event::GruWakeUpAll { woken });
                }
                Flow::Next
            }
            Op::GruFlushTlbRange => {
                if let Some(g) = self.gru_at(fr.notifier) {
                    let before = g.tlb.len();
                    g.tlb.retain(|e| e.addr != addr);
                    let dropped = (before - g.tlb.len()) as u32;
                    ev.push(Event::GruTlbFlush { dropped });
                }
                // The purge also hits the TFH of every dropin in flight: the
                // hardware ignores those dropins (grufault.c, the comment at
                // the head of gru_try_dropin).
                for th in self.threads.iter_mut().filter(|th| th.kind == ThreadKind::Gru) {
                    th.locals.tfh_live = false;
                }
                Flow::Next
            }
            Op::GruAccess => self.gru_access(t, fr, ev),
            Op::GruWaitEvent => {
                let Some(g) = self.gru_at(fr.notifier) else {
                    return Flow::Next;
                };
                if g.ms_range_active == 0 {
                    g.waiters.retain(|w| *w != t.0);
                    Flow::Next
                } else {
                    let value = g.ms_range_active;
                    if let Err(i) = g.waiters.binary_search(&t.0) {
                        g.waiters.insert(i, t.0);
                    }
                    ev.push(Event::Branch {
                        why: format!("ms_range_active = {value}: sleeps on ms_wait_queue until a range_end wakes it"),
                    });
                    Flow::Stay
                }
            }
            Op::GruIfDropinRetry { retry } => {
                if self.threads[ti].locals.dropin_ret > 0 {
                    ev.push(Event::Branch {
                        why: "gru_try_dropin returned 1 (range active): wait and try again".into(),
                    });
                    Flow::Goto(retry)
                } else {
                    Flow::Return
                }
            }
            Op::GruTfhArm => {
                let l = &mut self.threads[ti].locals;
                l.tfh_live = true;
                l.gpa = None;
                Flow::Next
            }
            Op::GruIfRangeActive { fail } => {
                let active = self.gru_at(fr.notifier).map(|g| g.ms_range_active).unwrap_or(0);
                if active != 0 {
                    ev.push(Event::Branch { why: format!("ms_range_active = {active}: a range invalidate is active") });
                    Flow::Goto(fail)
                } else {
                    Flow::Next
                }
            }
            Op::GruPteLookup => self.gru_pte_lookup(t, ev),
            Op::GruTlbDropin => {
                let write = self.access_op(t).is_some_and(|o| o.write);
                let l = self.threads[ti].locals;
                if !l.tfh_live {
                    ev.push(Event::Branch {
                        why: "a TLB invalidate hit the TFH since it was read: the GRU hardware ignores this dropin"
                            .into(),
                    });
                    self.threads[ti].locals.dropin_ret = 0;
                } else if let Some(pfn) = l.gpa {
                    if let Some(g) = self.gru_at(fr.notifier) {
                        g.tlb.retain(|e| e.addr != addr);
                        g.tlb.push(GruTlbEntry { addr, pfn, writable: write });
                    }
                    ev.push(Event::GruTlbDropin { addr, pfn, writable: write });
                    self.threads[ti].locals.dropin_ret = 0;
                } else {
                    ev.push(Event::Branch {
                        why: "gru_vtop failed (VTOP_INVALID): failinval, the instruction faults".into(),
                    });
                    self.threads[ti].locals.dropin_ret = -1;
                }
                self.threads[ti].locals.tfh_live = false;
                Flow::Return
            }
            Op::GruDropinFailActive => {
                let l = &mut self.threads[ti].locals;
                l.dropin_ret = 1;
                l.tfh_live = false;
                Flow::Return
            }
            Op::AmdFlushPage => {
                ev.push(Event::AmdFlushPage);
                Flow::Next
            }
            Op::AmdSetGcr3 { empty } => {
                if let Some(Secondary::AmdIommuV2(a)) = self.secondary_mut(fr.notifier) {
                    a.gcr3 = if empty { Gcr3::EmptyPageTable } else { Gcr3::MmPgd };
                }
                ev.push(Event::AmdSetGcr3 { empty });
                Flow::Next
            }
            Op::GntdevLock | Op::GntdevUnlock => {
                if let Some(Secondary::XenGntdev(g)) = self.secondary_mut(fr.notifier) {
                    g.lock = if op == Op::GntdevLock { Some(t.0) } else { None };
                }
                Flow::Next
            }
            Op::GntdevUnmapInRange => {
                if let Some(Secondary::XenGntdev(g)) = self.notifiers.get(fr.notifier as usize) {
                    ev.push(Event::GntdevUnmap { unmapped: g.grant_maps_in_range });
                }
                Flow::Next
            }
            Op::SleepMutexLock => {
                let why = self.atomic_reasons(t);
                let n = self.notifiers.get(fr.notifier as usize).map(Secondary::id).unwrap_or(NotifierId::Sleepable);
                ev.push(Event::MightSleep { notifier: n, atomic_because: why.clone() });
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
                if let Some(Secondary::Sleepable(s)) = self.secondary_mut(fr.notifier) {
                    s.mutex = Some(t.0);
                }
                Flow::Next
            }
            Op::SleepMutexUnlock => {
                if let Some(Secondary::Sleepable(s)) = self.secondary_mut(fr.notifier) {
                    s.mutex = None;
                }
                Flow::Next
            }
            Op::SleepInvalidate => Flow::Next,
        }
    }

    /// The access thread `t` performs next: an actor's single access, or
    /// the default vCPU's next `[[guest]]` op.
    fn access_op(&self, t: ThreadId) -> Option<GuestOp> {
        let th = &self.threads[t.0 as usize];
        match th.op {
            Some(op) => (th.locals.access == 0).then_some(op),
            None => self.guest_ops.get(th.locals.access as usize).copied(),
        }
    }

    fn accesses(&self, t: ThreadId) -> usize {
        if self.threads[t.0 as usize].op.is_some() { 1 } else { self.guest_ops.len() }
    }

    /// Whether a write fault of `t` on a read-only pte mapping `old` can be
    /// handled: `do_wp_page` reuses an exclusively mapped anonymous page in
    /// place, else it needs this thread's free page for the copy.
    fn can_cow(&self, t: ThreadId, old: Pfn) -> bool {
        let reuse = self.page(old).is_some_and(|p| p.anon && !p.ksm && p.mapcount == 1 && p.refcount == 1);
        reuse || self.page(self.threads[t.0 as usize].locals.kpage).is_some_and(|p| p.free)
    }

    fn host_store(&mut self, t: ThreadId, ev: &mut Vec<Event>) -> Flow {
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
            if !pte.dirty {
                self.set_pte(addr, Pte { dirty: true, ..pte });
            }
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
            Flow::CallStay(FuncId::HandlePteFault)
        } else {
            ev.push(Event::Branch {
                why: "store to a read-only pte but this thread's pool page is in use: the model drops the store".into(),
            });
            Flow::Return
        }
    }

    fn gru_access(&mut self, t: ThreadId, fr: Frame, ev: &mut Vec<Event>) -> Flow {
        let ti = t.0 as usize;
        let addr = self.host.addr;
        let Some(op) = self.access_op(t) else {
            return Flow::Return;
        };
        let entry = self.gru_at(fr.notifier).and_then(|g| g.tlb.iter().find(|e| e.addr == addr).copied());
        match entry {
            Some(e) if !op.write || e.writable => {
                let value = if op.write {
                    if let Some(p) = self.page_mut(e.pfn) {
                        p.content = op.value;
                    }
                    op.value
                } else {
                    self.page(e.pfn).map(|p| p.content).unwrap_or(0)
                };
                ev.push(Event::GruAccess { addr, pfn: e.pfn, write: op.write, value });
                self.threads[ti].locals.access += 1;
                Flow::Return
            }
            _ if self.threads[ti].locals.dropin_ret < 0 => {
                ev.push(Event::Branch { why: "the dropin failed: the GRU instruction ends with an exception".into() });
                Flow::Return
            }
            _ => {
                ev.push(Event::Branch {
                    why: format!(
                        "GRU TLB miss on {}: the TFH reports it, user context runs gru_user_dropin",
                        hex(addr)
                    ),
                });
                Flow::CallStay(FuncId::GruUserDropin)
            }
        }
    }

    fn gru_pte_lookup(&mut self, t: ThreadId, ev: &mut Vec<Event>) -> Flow {
        let ti = t.0 as usize;
        let write = self.access_op(t).is_some_and(|o| o.write);
        let pte = self.pte(self.host.addr);
        // atomic_pte_lookup: present, and for a write writable and dirty.
        if pte.present && (!write || (pte.writable && pte.dirty)) {
            self.threads[ti].locals.gpa = Some(pte.pfn);
            return Flow::Return;
        }
        // non_atomic_pte_lookup: get_user_pages, which faults the page in.
        if pte.present && (!write || pte.writable) {
            ev.push(Event::Branch {
                why: "atomic_pte_lookup failed (not dirty): get_user_pages finds the page".into(),
            });
            self.threads[ti].locals.gpa = Some(pte.pfn);
            Flow::Return
        } else if !pte.present || self.can_cow(t, pte.pfn) {
            ev.push(Event::Branch {
                why: "atomic_pte_lookup failed: get_user_pages(write) faults, handle_mm_fault runs do_wp_page".into(),
            });
            Flow::CallStay(FuncId::HandlePteFault)
        } else {
            ev.push(Event::Branch {
                why: "get_user_pages(write) needs a copy but this thread's pool page is in use: VTOP_INVALID".into(),
            });
            self.threads[ti].locals.gpa = None;
            Flow::Return
        }
    }

    fn guest_access(&mut self, t: ThreadId, fr: Frame, ev: &mut Vec<Event>) -> Flow {
        let ti = t.0 as usize;
        let gfn = self.gfn;
        let Some(op) = self.access_op(t) else {
            return Flow::Return;
        };
        let spte = self.kvm_at(fr.notifier).and_then(|k| k.sptes.iter().find(|s| s.gfn == gfn).copied());
        match spte {
            Some(s) if !op.write || s.writable => {
                let value = if op.write {
                    if let Some(p) = self.page_mut(s.pfn) {
                        p.content = op.value;
                    }
                    op.value
                } else {
                    self.page(s.pfn).map(|p| p.content).unwrap_or(0)
                };
                ev.push(Event::GuestAccess { gfn, pfn: s.pfn, write: op.write, value });
                self.threads[ti].locals.access += 1;
                if self.threads[ti].locals.access as usize >= self.accesses(t) { Flow::Return } else { Flow::Stay }
            }
            _ => {
                ev.push(Event::GuestFault { gfn, write: op.write });
                Flow::CallStay(FuncId::TdpPageFault)
            }
        }
    }
}

impl Machine {
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
