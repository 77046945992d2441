//! Breadth-first search over interleavings.
//!
//! Memory: for every distinct state, its fingerprint and parent pointer in
//! a [`StateTable`] (16 bytes a slot, at most 3/4 full), in shards by
//! fingerprint; states themselves only for the frontier, which BFS keeps
//! one depth at a time plus the next depth being built. Frontier states
//! are kept encoded (`codec`: a page, a pte or a thread's locals in one
//! `u64` word each, about 25 words for the benchmark's four threads), in
//! the buffer of the worker that produced them, and decoded into a reused
//! [`Machine`] to be expanded. A successor's encoding copies the words of
//! the parts the step cannot have changed (other threads, untouched
//! globals) from its parent's; its
//! fingerprint (a hash of the encoding) is computed once and travels with
//! it.
//!
//! Parallelism without changing the result: a depth is cut into small
//! chunks of consecutive states that the worker threads take as they get
//! free. Workers step every runnable thread of their states, drop
//! successors already stored at an earlier depth, and write records in
//! order within each chunk. This thread then merges the chunks' records in
//! frontier order, doing what a serial search does:
//! counts, violations (first occurrence wins), deadlock, and storing new
//! states (one thread per shard when the state limit cannot be reached in
//! this depth; each shard sees its successors in frontier order, so every
//! state gets the parent a serial search gives it and the next depth is
//! in the same order). Where threads are unavailable (`wasm32`), one
//! worker runs on the calling thread.
//!
//! Limits: a depth is expanded in batches of frontier states (merged in
//! frontier order, so the result does not depend on them), each small
//! enough that its worst case fits `Options::max_states` and the memory
//! estimate fits `Options::max_memory`; between batches the search checks
//! `Options::cancel` and reports `Options::progress`.
//!
//! Partial-order reduction (`Options::reduce`, `reduce`): a successor
//! is taken on through its thread's local statements (`local_run`), and
//! a state where a runnable thread is at a local statement is expanded by
//! that thread's run alone when it leads to a state not stored yet
//! (`Worker::expand_local`; the breadth-first cycle proviso). The
//! schedules rebuilt by replay list every statement. Depths and
//! "shortest" below are then counted in such transitions.
//!
//! Symmetry reduction (also `Options::reduce`, `symmetry`): every
//! successor is stored as the representative of its class of states that
//! differ only by which of two same actors is which (`Symmetry::canonicalize`);
//! the replay that rebuilds a schedule compares representatives too.
//!
//! Shortest counterexamples: states are expanded in order of their depth,
//! so the first transition raising a violation id starts from a state of
//! minimal depth, and the parent chain of that state is a shortest path to
//! it (each state's parent is the first one that reached it).

use std::sync::atomic::{AtomicUsize, Ordering};

use super::codec::{Codec, fingerprint_words};
use super::reduce;
use super::symmetry::{RenameBuffers, Symmetry};
use super::table::StateTable;
use super::{Found, Options, Progress, Report, Stop};
use crate::event::{Event, ViolationId};
use crate::invariants;
use crate::machine::{Machine, ThreadId};

/// The stored states of one search, split by fingerprint into shards that
/// separate threads can fill at once.
struct Shards(Vec<StateTable>);

impl Shards {
    fn new(n: usize, capacity: usize) -> Shards {
        Shards((0..n).map(|_| StateTable::with_capacity(capacity)).collect())
    }

    /// The shard of `fp` (a bit range the tables' own slot choice leaves alone).
    fn of(&self, fp: u64) -> usize {
        ((fp >> 40) % self.0.len() as u64) as usize
    }

    /// See [`StateTable::prefetch`].
    fn prefetch(&self, fp: u64) {
        self.0[self.of(fp)].prefetch(fp);
    }

    /// See [`StateTable::home`].
    fn home(&self, fp: u64) -> u64 {
        self.0[self.of(fp)].home(fp)
    }

    /// See [`StateTable::contains_given`].
    fn contains_given(&self, fp: u64, home: u64) -> bool {
        self.0[self.of(fp)].contains_given(fp, home)
    }

    fn len(&self) -> usize {
        self.0.iter().map(StateTable::len).sum()
    }

    /// Bytes of the tables' slots.
    fn bytes(&self) -> usize {
        self.0.iter().map(StateTable::bytes).sum()
    }

    /// About the bytes of the tables' slots once they hold `n` states.
    fn bytes_for(&self, n: usize) -> usize {
        self.0.len() * StateTable::bytes_for(n.div_ceil(self.0.len()))
    }

    /// Stores `fp`'s parent unless `fp` is stored; true when it was new.
    fn insert(&mut self, fp: u64, parent: u64) -> bool {
        let k = self.of(fp);
        self.0[k].insert(fp, parent)
    }

    /// The fingerprints from the initial state (its own parent) to `fp`.
    fn chain_to(&self, mut fp: u64) -> Vec<u64> {
        let mut chain = vec![fp];
        while let Some(parent) = self.0[self.of(fp)].parent(fp) {
            if parent == fp {
                break;
            }
            chain.push(parent);
            fp = parent;
        }
        chain.reverse();
        chain
    }

    /// The schedule that reaches `fp` from `initial`: the parent chain,
    /// and at each step the thread whose successor is the chain's next
    /// state (found by replay; the model is deterministic). With
    /// `reduce`, a step of the chain is a statement followed by a run of
    /// the thread's local statements ([`local_run`]), which the schedule
    /// lists one statement at a time.
    /// Errs only on a fingerprint collision along the chain (two states
    /// with one fingerprint, about n²/2⁶⁵ likely), where no successor matches.
    fn schedule_to(
        &self,
        initial: &Machine,
        codec: &mut Codec,
        fp: u64,
        reduce: bool,
        symmetry: &Symmetry,
    ) -> Result<(Vec<ThreadId>, Machine), String> {
        let chain = self.chain_to(fp);
        let mut m = initial.clone();
        let (mut runnable, mut events) = (Vec::new(), Vec::new());
        let mut enc = Vec::new();
        let mut bufs = RenameBuffers::new(initial);
        let mut schedule = Vec::with_capacity(chain.len());
        for &want in &chain[1..] {
            m.runnable_into(&mut runnable);
            let next = runnable.iter().find_map(|&t| {
                let mut succ = m.clone();
                let mut run = 0;
                loop {
                    succ.step_runnable(t, &mut events);
                    run += 1;
                    enc.clear();
                    codec.encode(&succ, &mut enc);
                    // The chain holds representatives (`symmetry`): the
                    // real run may have the actors swapped.
                    symmetry.canonicalize(codec, &succ, &mut bufs, &mut enc, 0);
                    if fingerprint_words(&enc) == want {
                        return Some((t, run, succ));
                    }
                    if !(reduce && run < MAX_LOCAL_RUN && reduce::next_is_local(&succ, t)) {
                        return None;
                    }
                }
            });
            let Some((t, run, succ)) = next else {
                return Err(format!(
                    "fingerprint collision: no successor of the state after {} steps has fingerprint {want:#x}",
                    schedule.len()
                ));
            };
            schedule.extend(std::iter::repeat_n(t, run));
            m = succ;
        }
        Ok((schedule, m))
    }

    /// A schedule whose last statement raises `id`, which thread `t` raised
    /// from the state `fp` in the search, with the message the real run
    /// gives. The replay reaches a state of `fp`'s class; with symmetry
    /// reduction the actors may be swapped there, so the last statement is
    /// that of whichever thread raises `id` (`t` first).
    #[allow(clippy::too_many_arguments)]
    fn counterexample(
        &self,
        initial: &Machine,
        codec: &mut Codec,
        fp: u64,
        t: ThreadId,
        id: ViolationId,
        reduce: bool,
        symmetry: &Symmetry,
    ) -> Result<(Vec<ThreadId>, String), String> {
        let (mut schedule, m) = self.schedule_to(initial, codec, fp, reduce, symmetry)?;
        let runnable = m.runnable();
        let mut order: Vec<ThreadId> = runnable.iter().copied().filter(|&u| u == t).collect();
        order.extend(runnable.iter().copied().filter(|&u| u != t));
        let mut events = Vec::new();
        for u in order {
            let mut succ = m.clone();
            events.clear();
            if !succ.step_runnable(u, &mut events) {
                continue;
            }
            let raised = events.iter().find_map(|e| match e {
                Event::Violation(v) if v.id == id => Some(v.message.clone()),
                _ => None,
            });
            if let Some(message) = raised {
                schedule.push(u);
                return Ok((schedule, message));
            }
        }
        Err(format!("the replay of the counterexample for {} does not raise it", id.id()))
    }
}

/// A successor not stored when its state was expanded: fingerprint,
/// parent fingerprint, and where its words are (worker, offset).
#[derive(Clone, Copy)]
struct Candidate {
    fp: u64,
    parent: u64,
    worker: u8,
    /// Offset of its record in the worker's `words`.
    at: u32,
}

/// A frontier state: its record (length, fingerprint, words) is at offset
/// `at` of the frontier buffer of worker `worker` (see [`Frontier`]).
#[derive(Clone, Copy)]
struct StateRef {
    worker: u8,
    at: u32,
}

/// The states of one depth. Their records stay where the workers wrote
/// them while expanding the previous depth (one buffer per worker), and the
/// depth is the list of references in frontier order: storing a state
/// never copies it.
struct Frontier {
    bufs: Vec<Vec<u64>>,
    states: Vec<StateRef>,
}

impl Frontier {
    fn record(&self, r: StateRef) -> (u64, &[u64]) {
        let buf = &self.bufs[usize::from(r.worker)];
        let at = r.at as usize;
        let len = buf[at] as usize;
        (buf[at + 1], &buf[at + 2..at + 2 + len])
    }
}

/// Tags of the records a worker writes for the merge (see [`expand`]).
const REC_TERMINAL: u64 = 1;
const REC_DEADLOCK: u64 = 2;
const REC_KNOWN: u64 = 3;
const REC_CANDIDATE: u64 = 4;

/// How many insertions ahead the store prefetches a slot.
const PREFETCH_AHEAD: usize = 8;

/// Most frontier states expanded at once: between batches the limits and
/// the cancel flag are checked and progress is reported.
const BATCH_MAX_STATES: usize = 1 << 18;

/// Frontiers smaller than this many states are expanded on the calling
/// thread.
const PARALLEL_MIN_STATES: usize = 512;

/// One expansion worker's buffers.
struct Worker {
    codec: Codec,
    m: Machine,
    next: Machine,
    runnable: Vec<ThreadId>,
    /// Where each thread's words start in the state being expanded.
    threads_at: Vec<usize>,
    events: Vec<Event>,
    /// This state's successors before their lookup: record head, fingerprint
    /// and where their words are in `words`.
    pending: Vec<(u64, u64, usize)>,
    /// Their home slots' contents (see [`StateTable::home`]).
    homes: Vec<u64>,
    /// The records, in the order the serial search would meet them.
    out: Vec<u64>,
    /// The frontier records of the candidates in `out` (see `push_state`).
    words: Vec<u64>,
    /// Violations raised by the transitions in `out`, in order.
    violations: Vec<ViolationId>,
    /// `REC_CANDIDATE` records in `out`.
    candidates: usize,
    /// The chunks expanded in this depth, in the order they were taken.
    done: Vec<ChunkDone>,
    /// Partial-order reduction is on ([`super::Options::reduce`]).
    reduce: bool,
    /// States this worker expanded by one local statement (in all).
    reduced: u64,
    /// Local statements this worker ran inside a transition, after its
    /// first statement ([`local_run`]).
    merged: u64,
    /// Interchangeable actors: successors are stored as their class's
    /// representative (trivial without reduction).
    symmetry: Symmetry,
    /// Where a successor is renamed, and its encodings.
    bufs: RenameBuffers,
}

/// A chunk of the frontier one worker expanded: its records are
/// `out[out]` of that worker, its violations start at `violations`.
struct ChunkDone {
    chunk: usize,
    out: std::ops::Range<usize>,
    violations: usize,
}

impl Worker {
    fn new(codec: Codec, initial: &Machine, reduce: bool, symmetry: Symmetry) -> Worker {
        Worker {
            codec,
            m: initial.clone(),
            next: initial.clone(),
            runnable: Vec::new(),
            threads_at: Vec::new(),
            events: Vec::new(),
            pending: Vec::new(),
            homes: Vec::new(),
            out: Vec::new(),
            words: Vec::new(),
            violations: Vec::new(),
            candidates: 0,
            done: Vec::new(),
            reduce,
            reduced: 0,
            merged: 0,
            symmetry,
            bufs: RenameBuffers::new(initial),
        }
    }

    /// Expands the frontier records in `level` (whole records). Reads
    /// `parents` (the states of earlier depths and of this one so far) only
    /// to leave out successors already stored, and `found` only to leave
    /// out violations already found; the merge decides everything else.
    /// Empties the buffers for a new batch (`words`, the next depth's
    /// records, is emptied for a new depth by the caller).
    fn begin(&mut self) {
        self.out.clear();
        self.violations.clear();
        self.candidates = 0;
        self.done.clear();
    }

    /// Takes chunks of `chunks` from `next` until none is left, expanding
    /// each and noting where its records are.
    fn run(
        &mut self,
        frontier: &Frontier,
        chunks: &[&[StateRef]],
        next: &AtomicUsize,
        parents: &Shards,
        found: &[ViolationId],
    ) {
        self.begin();
        loop {
            let c = next.fetch_add(1, Ordering::Relaxed);
            let Some(chunk) = chunks.get(c) else { break };
            let (out, violations) = (self.out.len(), self.violations.len());
            self.expand(frontier, chunk, parents, found);
            self.done.push(ChunkDone { chunk: c, out: out..self.out.len(), violations });
        }
    }

    /// Expands the frontier states `run`, appending to the buffers.
    fn expand(&mut self, frontier: &Frontier, run: &[StateRef], parents: &Shards, found: &[ViolationId]) {
        for &r in run {
            let (fp, parent) = frontier.record(r);
            self.codec.decode(parent, &mut self.m, &mut self.threads_at);
            self.m.runnable_into(&mut self.runnable);
            if self.runnable.is_empty() {
                if self.m.all_done() {
                    self.out.push(REC_TERMINAL);
                } else {
                    self.out.extend_from_slice(&[REC_DEADLOCK, fp]);
                }
                continue;
            }
            // The same for every successor of this state.
            let before = invariants::state_violations(&self.m);
            let state_start = self.words.len();
            if self.reduce && self.expand_local(fp, parent, parents, &before) {
                continue;
            }
            self.pending.clear();
            let last = self.runnable.len() - 1;
            for (k, &t) in self.runnable.iter().enumerate() {
                let others_touched = self.m.touches_other_threads(t);
                // The last successor is stepped in the decoded state itself
                // (the next state is decoded over it): one copy fewer.
                let succ = if k == last {
                    &mut self.m
                } else {
                    self.next.clone_from(&self.m);
                    &mut self.next
                };
                if !succ.step_runnable_from(t, &mut self.events, &before) {
                    continue;
                }
                let mut nviol = 0u64;
                for e in &self.events {
                    if let Event::Violation(v) = e
                        && !found.contains(&v.id)
                        && !self.violations.contains(&v.id)
                    {
                        self.violations.push(v.id);
                        nviol += 1;
                    }
                }
                if self.reduce {
                    self.merged += local_run(succ, t, &mut self.events, &before);
                }
                // Encoded straight into the depth buffer; a successor found
                // stored is taken out again below.
                let at = self.words.len();
                self.words.extend_from_slice(&[0, 0]);
                let mut n =
                    self.codec.encode_successor(succ, parent, &self.threads_at, t, others_touched, &mut self.words);
                if !self.symmetry.is_trivial() {
                    n = self.symmetry.canonicalize(&mut self.codec, succ, &mut self.bufs, &mut self.words, at + 2);
                }
                let nfp = fingerprint_words(&self.words[at + 2..]);
                self.words[at] = n as u64;
                self.words[at + 1] = nfp;
                // The lookup comes after this state's other successors.
                parents.prefetch(nfp);
                self.pending.push((u64::from(t.0) << 8 | nviol << 16, nfp, at));
            }
            // The lookups of all successors of this state: first every home
            // slot's load (no branch between them, so their cache misses
            // overlap), then the comparisons.
            self.homes.clear();
            self.homes.extend(self.pending.iter().map(|p| parents.home(p.1)));
            let mut keep = state_start;
            for (&(head, nfp, at), &home) in self.pending.iter().zip(&self.homes) {
                if parents.contains_given(nfp, home) {
                    self.out.extend_from_slice(&[REC_KNOWN | head, fp]);
                } else {
                    let len = 2 + self.words[at] as usize;
                    self.words.copy_within(at..at + len, keep);
                    let kept = u32::try_from(keep).expect("a worker's depth buffer stays below 2^32 words");
                    self.out.extend_from_slice(&[REC_CANDIDATE | head, fp, nfp, u64::from(kept)]);
                    self.candidates += 1;
                    keep += len;
                }
            }
            self.words.truncate(keep);
        }
    }
}

impl Worker {
    /// Partial-order reduction ([`reduce`]): expands the decoded state
    /// `self.m` (fingerprint `fp`, words `parent`) by a run of local
    /// statements of one thread ([`local_run`]), if some runnable thread's
    /// next statement is local and the run leads to a state not stored
    /// yet (the breadth-first cycle proviso), and returns true; false
    /// leaves the buffers as they were for the full expansion.
    fn expand_local(
        &mut self,
        fp: u64,
        parent: &[u64],
        parents: &Shards,
        before: &[invariants::StateViolation],
    ) -> bool {
        let at = self.words.len();
        for &t in &self.runnable {
            if !reduce::next_is_local(&self.m, t) {
                continue;
            }
            self.next.clone_from(&self.m);
            let ran = self.next.step_runnable_from(t, &mut self.events, before);
            debug_assert!(ran && !self.next.globals_written, "a local statement wrote the globals");
            debug_assert!(
                !self.events.iter().any(|e| matches!(e, Event::Violation(_))),
                "a local statement raised a violation"
            );
            self.merged += local_run(&mut self.next, t, &mut self.events, before);
            self.words.extend_from_slice(&[0, 0]);
            let mut n = self.codec.encode_successor(&self.next, parent, &self.threads_at, t, false, &mut self.words);
            if !self.symmetry.is_trivial() {
                n = self.symmetry.canonicalize(&mut self.codec, &self.next, &mut self.bufs, &mut self.words, at + 2);
            }
            let nfp = fingerprint_words(&self.words[at + 2..]);
            if parents.contains_given(nfp, parents.home(nfp)) {
                // Stored already (at this depth or an earlier one): the
                // proviso wants this state fully expanded, unless another
                // thread's local run leads somewhere new.
                self.words.truncate(at);
                continue;
            }
            self.words[at] = n as u64;
            self.words[at + 1] = nfp;
            let kept = u32::try_from(at).expect("a worker's depth buffer stays below 2^32 words");
            self.out.extend_from_slice(&[REC_CANDIDATE | u64::from(t.0) << 8, fp, nfp, u64::from(kept)]);
            self.candidates += 1;
            self.reduced += 1;
            return true;
        }
        false
    }
}

/// Most statements one transition of the reduced search executes (a
/// longer local run is cut into several transitions).
const MAX_LOCAL_RUN: usize = 1 << 10;

/// With reduction, a transition is one statement of a thread followed by
/// the thread's consecutive local statements ([`reduce::next_is_local`]),
/// at most [`MAX_LOCAL_RUN`] in all: this runs the rest of it in `m`
/// (where `t` has just run one statement), keeping
/// [`Machine::globals_written`] as the first statement left it. The states
/// in between are not stored. `before` is passed on to the steps, which
/// cannot change the state violations. Returns how many statements it ran.
fn local_run(m: &mut Machine, t: ThreadId, events: &mut Vec<Event>, before: &[invariants::StateViolation]) -> u64 {
    let written = m.globals_written;
    let mut run = 1;
    while run < MAX_LOCAL_RUN && reduce::next_is_local(m, t) {
        debug_assert!(m.runnable().contains(&t), "a local statement is blocked");
        let ran = m.step_runnable_from(t, events, before);
        // The classification is checked where the tests run: a local
        // statement writes no global and raises no violation (the codec's
        // debug check sees any change to another thread).
        debug_assert!(ran && !m.globals_written, "a local statement wrote the globals");
        debug_assert!(!events.iter().any(|e| matches!(e, Event::Violation(_))), "a local statement raised a violation");
        run += 1;
    }
    m.globals_written |= written;
    run as u64 - 1
}

/// Explores every state reachable from `initial`; see the module docs.
/// The report's `scenario` and `actors` are left for the caller to fill.
///
/// Each depth is expanded in parallel by up to
/// `available_parallelism` workers over small chunks of the frontier;
/// their records are then merged on this thread in frontier order, so
/// the counts, the stored parents and the schedules found are those of a
/// serial breadth-first search.
pub fn explore(initial: Machine, options: Options) -> Result<Report, String> {
    let threads = initial.threads.iter().map(|t| t.kind.id()).collect();
    let nthreads = initial.threads.len().max(1);
    let semantics = initial.semantics;
    let notifiers = initial.notifier_ids();
    let nworkers = std::thread::available_parallelism().map_or(1, usize::from).clamp(1, 8);
    let mut stopped = None;
    let mut codec = Codec::new(&initial);
    // The depth being expanded; the initial state's record sits in the
    // first buffer.
    let mut enc: Vec<u64> = Vec::new();
    codec.encode(&initial, &mut enc);
    let symmetry = if options.reduce { Symmetry::of(&initial, &mut codec) } else { Symmetry::default() };
    // The initial state is its own representative (`Symmetry::of` keeps
    // only the renamings that map it to itself).
    let fp0 = fingerprint_words(&enc);
    // The bytes one new successor may cost while its depth is built: its
    // record in a worker's buffer (length, fingerprint, encoding, which
    // grows with the call stacks: twice the initial one), its merge
    // record, its candidate entry and frontier reference; twice that for
    // the buffers' growth by doubling.
    let succ_bytes =
        2 * (8 * (2 + 2 * enc.len() + 4) + std::mem::size_of::<Candidate>() + std::mem::size_of::<StateRef>());
    // Tables that start small when the memory budget is (their initial
    // room is 2^15 states each otherwise).
    let mut parents = Shards::new(nworkers, (1usize << 15).min(options.max_memory / nworkers / 64));
    let mut frontier = Frontier { bufs: vec![Vec::new(); nworkers], states: Vec::new() };
    // Both limits are tested before the very first insertion too.
    if options.max_states == 0 {
        stopped = Some(Stop::MaxStates);
    } else if parents.bytes() > options.max_memory {
        stopped = Some(Stop::MaxMemory);
    } else {
        parents.insert(fp0, fp0);
        frontier.states.push(StateRef { worker: 0, at: 0 });
        push_state(&mut frontier.bufs[0], fp0, &enc);
    }
    let mut next_states: Vec<StateRef> = Vec::new();
    let mut found: Vec<Found> = Vec::new();
    let mut deadlock = None;
    let (mut states, mut transitions, mut terminal, mut max_depth) = (1u64, 0u64, 0u64, 0u32);
    let mut workers: Vec<Worker> =
        (0..nworkers).map(|_| Worker::new(codec.clone(), &initial, options.reduce, symmetry.clone())).collect();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut depth = 0u32;
    let mut peak = 0usize;
    // Estimated bytes in use: state table, this depth's records and
    // references, the next depth's so far, the merge's buffers.
    let in_use =
        |parents: &Shards, frontier: &Frontier, workers: &[Worker], next: &Vec<StateRef>, c: &Vec<Candidate>| {
            parents.bytes()
                + frontier.bufs.iter().map(|b| b.capacity() * 8).sum::<usize>()
                + (frontier.states.capacity() + next.capacity()) * std::mem::size_of::<StateRef>()
                + workers.iter().map(|w| (w.words.capacity() + w.out.capacity()) * 8).sum::<usize>()
                + c.capacity() * std::mem::size_of::<Candidate>()
        };
    'search: while !frontier.states.is_empty() {
        // Every state of this depth is expanded before the next depth (the
        // search stops inside a depth at most).
        max_depth = depth;
        for w in &mut workers {
            w.words.clear();
        }
        let mut start = 0;
        while start < frontier.states.len() {
            if options.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
                stopped = Some(Stop::Cancelled);
                break 'search;
            }
            // The batch: at most as many states as could fill the state
            // limit if each gave `nthreads` new ones, halved until the
            // memory estimate for that worst case fits.
            let used = in_use(&parents, &frontier, &workers, &next_states, &candidates);
            peak = peak.max(used);
            let stored = parents.len();
            if stored >= options.max_states {
                stopped = Some(Stop::MaxStates);
                break 'search;
            }
            let room = options.max_memory.saturating_sub(used);
            // Buffers that grow by doubling may double once more.
            let growable = workers.iter().map(|w| (w.words.capacity() + w.out.capacity()) * 8).sum::<usize>()
                + next_states.capacity() * std::mem::size_of::<StateRef>()
                + candidates.capacity() * std::mem::size_of::<Candidate>();
            let worst = |b: usize| {
                let new = b * nthreads;
                new * succ_bytes + parents.bytes_for(stored + new).saturating_sub(parents.bytes()) + growable
            };
            let mut b = (frontier.states.len() - start)
                .min(BATCH_MAX_STATES)
                .min((options.max_states - stored).div_ceil(nthreads).max(1));
            while b > 0 && worst(b) > room {
                b /= 2;
            }
            if b == 0 {
                stopped = Some(Stop::MaxMemory);
                break 'search;
            }
            let batch = &frontier.states[start..start + b];
            let found_ids: Vec<ViolationId> = found.iter().map(|f| f.id).collect();
            let parallel = batch.len() >= PARALLEL_MIN_STATES;
            // Many more chunks than workers, taken as workers get free: the
            // work stays balanced when states cost more in one part of the
            // frontier, or a core is slowed by something else.
            let per = if parallel { (batch.len() / (workers.len() * 16)).max(64) } else { batch.len() };
            let chunks: Vec<&[StateRef]> = batch.chunks(per).collect();
            {
                let parents = &parents;
                let found_ids = &found_ids[..];
                let frontier = &frontier;
                let chunks = &chunks[..];
                let next = AtomicUsize::new(0);
                let next = &next;
                let active = if parallel { workers.len() } else { 1 };
                let (first, rest) = workers.split_at_mut(1);
                std::thread::scope(|s| {
                    for w in rest.iter_mut().take(active - 1) {
                        s.spawn(move || w.run(frontier, chunks, next, parents, found_ids));
                    }
                    first[0].run(frontier, chunks, next, parents, found_ids);
                });
                for w in rest.iter_mut().skip(active - 1) {
                    w.begin();
                }
            }
            // Where each chunk's records are, in frontier order.
            let mut order: Vec<(usize, std::ops::Range<usize>, usize)> = vec![(0, 0..0, 0); chunks.len()];
            for (wi, w) in workers.iter().enumerate() {
                for d in &w.done {
                    order[d.chunk] = (wi, d.out.clone(), d.violations);
                }
            }
            // The merge: what the serial search does, in frontier order.
            // When the state limit cannot be reached in this batch, new
            // candidates are collected and stored afterwards by one thread
            // per shard (each in frontier order); else they are stored
            // here, one by one, so the search stops exactly where a serial
            // one does.
            let ncand: usize = workers.iter().map(|w| w.candidates).sum();
            let defer = parallel && parents.len() + ncand < options.max_states;
            candidates.clear();
            for (wi, range, mut vi) in order {
                let w = &workers[wi];
                let out = &w.out[..range.end];
                let mut i = range.start;
                while i < out.len() {
                    let head = out[i];
                    match head & 0xff {
                        REC_TERMINAL => {
                            terminal += 1;
                            i += 1;
                        }
                        REC_DEADLOCK => {
                            if deadlock.is_none() {
                                deadlock = Some(
                                    parents.schedule_to(&initial, &mut codec, out[i + 1], options.reduce, &symmetry)?.0,
                                );
                            }
                            i += 2;
                        }
                        tag => {
                            let t = (head >> 8) as u8;
                            let nviol = (head >> 16) as usize;
                            let fp = out[i + 1];
                            transitions += 1;
                            states += 1;
                            for id in &w.violations[vi..vi + nviol] {
                                if !found.iter().any(|f| f.id == *id) {
                                    let (schedule, message) = parents.counterexample(
                                        &initial,
                                        &mut codec,
                                        fp,
                                        ThreadId(t),
                                        *id,
                                        options.reduce,
                                        &symmetry,
                                    )?;
                                    found.push(Found { id: *id, message, schedule });
                                }
                            }
                            vi += nviol;
                            if tag == REC_KNOWN {
                                i += 2;
                                continue;
                            }
                            let nfp = out[i + 2];
                            let at = out[i + 3] as u32;
                            i += 4;
                            if defer {
                                candidates.push(Candidate { fp: nfp, parent: fp, worker: wi as u8, at });
                            } else if parents.insert(nfp, fp) {
                                next_states.push(StateRef { worker: wi as u8, at });
                                if parents.len() >= options.max_states {
                                    stopped = Some(Stop::MaxStates);
                                    break 'search;
                                }
                            }
                        }
                    }
                }
            }
            for w in &workers {
                codec.learn(&w.codec);
            }
            if defer {
                store_candidates(&mut parents, &candidates, &mut next_states);
            }
            if let Some(why) = codec.overflow() {
                return Err(format!("the explorer cannot represent this configuration: {why}"));
            }
            for w in &mut workers {
                w.codec.learn(&codec);
            }
            start += b;
            if let Some(progress) = &options.progress {
                progress(&Progress {
                    depth,
                    expanded: start,
                    frontier: frontier.states.len(),
                    states,
                    distinct_states: parents.len() as u64,
                    memory_bytes: used as u64,
                });
            }
        }
        // The next depth's records are in the workers' buffers: hand them
        // to the frontier, and the old frontier's buffers to the workers.
        for (w, buf) in workers.iter_mut().zip(&mut frontier.bufs) {
            std::mem::swap(&mut w.words, buf);
        }
        std::mem::swap(&mut frontier.states, &mut next_states);
        next_states.clear();
        depth += 1;
    }
    if let Some(why) = codec.overflow().or_else(|| workers.iter().find_map(|w| w.codec.overflow())) {
        return Err(format!("the explorer cannot represent this configuration: {why}"));
    }
    peak = peak.max(in_use(&parents, &frontier, &workers, &next_states, &candidates));
    found.sort_by_key(|f| f.id);
    let distinct = parents.len() as u64;
    Ok(Report {
        scenario: String::new(),
        semantics,
        notifiers,
        actors: Vec::new(),
        threads,
        states,
        distinct_states: distinct,
        transitions,
        max_depth,
        terminal_states: terminal,
        reduced: options.reduce,
        reduced_states: workers.iter().map(|w| w.reduced).sum(),
        merged_statements: workers.iter().map(|w| w.merged).sum(),
        symmetric: symmetry.groups().to_vec(),
        complete: stopped.is_none(),
        stopped,
        bytes_per_state: peak as u64 / distinct.max(1),
        memory_bytes: peak as u64,
        violations: found,
        deadlock,
    })
}

/// Stores `candidates` (in frontier order) with one thread per shard and
/// appends the new states to `next` in that order.
fn store_candidates(parents: &mut Shards, candidates: &[Candidate], next: &mut Vec<StateRef>) {
    // Each shard's candidates, in frontier order.
    let mut mine: Vec<Vec<u32>> = vec![Vec::new(); parents.0.len()];
    for (i, c) in candidates.iter().enumerate() {
        mine[parents.of(c.fp)].push(i as u32);
    }
    let mut new: Vec<Vec<u32>> = vec![Vec::new(); parents.0.len()];
    std::thread::scope(|s| {
        for (k, ((shard, new), mine)) in parents.0.iter_mut().zip(new.iter_mut()).zip(&mine).enumerate() {
            let mut run = move || {
                // Room for all of them first: no growth in the loop, so the
                // prefetched slots stay where they are.
                shard.reserve(mine.len());
                for (j, &i) in mine.iter().enumerate() {
                    // Insertions miss the cache: ask for a later one's slot.
                    if let Some(&ahead) = mine.get(j + PREFETCH_AHEAD) {
                        shard.prefetch(candidates[ahead as usize].fp);
                    }
                    let c = &candidates[i as usize];
                    if shard.insert(c.fp, c.parent) {
                        new.push(i);
                    }
                }
            };
            if k == 0 {
                run();
            } else {
                s.spawn(run);
            }
        }
    });
    // Back into frontier order: mark the stored ones, then list them in order.
    let mut stored = vec![false; candidates.len()];
    for i in new.iter().flatten() {
        stored[*i as usize] = true;
    }
    next.extend(
        candidates.iter().zip(&stored).filter(|(_, s)| **s).map(|(c, _)| StateRef { worker: c.worker, at: c.at }),
    );
}

/// Appends one frontier record: length, fingerprint, words.
fn push_state(level: &mut Vec<u64>, fp: u64, words: &[u64]) {
    level.push(words.len() as u64);
    level.push(fp);
    level.extend_from_slice(words);
}
