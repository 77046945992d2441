//! A compact, flat encoding of the parts of a [`Machine`] that change
//! during a search, used for the BFS frontier and for fingerprints.
//!
//! The search keeps its frontier as `u64` words in one growing buffer per
//! depth instead of one heap-scattered `Machine` per state, and hashes the
//! encoded words instead of walking the structure. What never changes in a
//! run (semantics, host arguments, gfn, guest ops, page pfns and names,
//! thread kinds and actor ops, which notifiers are registered, how many
//! pages and threads there are) is not encoded: decoding writes into a copy
//! of the initial state, which holds them.
//!
//! Fields are packed into bit ranges (a page is one word, a pte one word, a
//! thread two words plus half a word per frame), because every word costs
//! in encoding, hashing, copying and decoding, which is most of the
//! search's time. Page frame numbers and user addresses are written as
//! small codes: their index in this run's page list / address list (both
//! fixed from the initial state). A value that does not fit its range (a
//! pfn that is not a page of the run, a refcount beyond ±511, a
//! `mmu_notifier_seq` beyond 2^16, ...) is not silently truncated: the
//! codec records it in [`Codec::overflow`] and the search stops with an
//! error, so a result is never computed from an ambiguous encoding.
//!
//! The encoding of the hashed part is injective over everything
//! `Machine`'s `Hash` covers that may change, so two states get the same
//! encoding exactly when they are equal; the last word holds what `Hash`
//! ignores (`steps`, the PT lock's `since`), so that a decoded state is the
//! very state that was encoded.

use crate::kernel::FuncId;
use crate::machine::{Frame, Machine, MmapSem, Renaming, Thread, ThreadId};
use crate::pack::{Packer, Reader, Unpacker, bit, field, opt_u8, sfield, un_opt_u8};
use crate::page::Pte;

/// Encodes and decodes states of one search.
#[derive(Debug, Clone)]
pub(crate) struct Codec {
    /// `FuncId` by its discriminant, filled as frames are encoded (a frame
    /// is always encoded before it is decoded).
    funcs: Vec<Option<FuncId>>,
    /// Page frame numbers by code − 1 (code 0 is pfn 0, the empty pte's).
    pfns: Vec<u64>,
    /// Codes by pfn when every pfn is below 2^16 (the usual case; a
    /// lookup then costs one load instead of a search of `pfns`); else empty.
    pfn_codes: Vec<u8>,
    /// User addresses by code (the initial ptes' and the host path's).
    addrs: Vec<u64>,
    /// The first value that did not fit its field, if any.
    overflow: Option<String>,
}

fn pte_flags(p: &Pte) -> u64 {
    u64::from(p.present) | u64::from(p.writable) << 1 | u64::from(p.dirty) << 2
}

fn pte_of(pfn: u64, flags: u64) -> Pte {
    Pte { pfn, present: flags & 1 != 0, writable: flags & 2 != 0, dirty: flags & 4 != 0 }
}

/// The number of words [`Codec::encode`] writes for `m`.
fn encoded_len(m: &Machine) -> usize {
    let mut n = 2 + m.pages.len() + m.ptes.len();
    for s in &m.notifiers {
        n += s.encoded_len();
    }
    for th in &m.threads {
        n += 2 + th.stack.len().div_ceil(2);
    }
    n
}

impl Codec {
    /// A codec for states reachable from `initial` (whose pages and
    /// addresses fix the codes).
    pub(crate) fn new(initial: &Machine) -> Codec {
        let mut addrs: Vec<u64> = initial.ptes.iter().map(|(a, _)| *a).collect();
        if !addrs.contains(&initial.host.addr) {
            addrs.push(initial.host.addr);
        }
        let pfns: Vec<u64> = initial.pages.iter().map(|p| p.pfn).collect();
        let mut pfn_codes = Vec::new();
        let max = pfns.iter().copied().max().unwrap_or(0);
        if max < 1 << 16 && pfns.len() <= 255 {
            pfn_codes = vec![0u8; max as usize + 1];
            for (i, &p) in pfns.iter().enumerate().rev() {
                pfn_codes[p as usize] = i as u8 + 1;
            }
        }
        let mut c = Codec { funcs: vec![None; 256], pfns, pfn_codes, addrs, overflow: None };
        if c.pfns.len() > 255 {
            c.overflow = Some(format!("{} pages: the explorer encodes at most 255", c.pfns.len()));
        }
        if c.addrs.len() > 256 {
            c.overflow = Some(format!("{} user addresses: the explorer encodes at most 256", c.addrs.len()));
        }
        c
    }

    /// The first value that did not fit the encoding, if any: a search
    /// that saw one must not report its result.
    pub(crate) fn overflow(&self) -> Option<&str> {
        self.overflow.as_deref()
    }

    /// Learns the functions `other` has seen (so that this codec decodes
    /// what `other` encoded) and its overflow.
    pub(crate) fn learn(&mut self, other: &Codec) {
        for (mine, theirs) in self.funcs.iter_mut().zip(&other.funcs) {
            if mine.is_none() {
                *mine = *theirs;
            }
        }
        if self.overflow.is_none() {
            self.overflow.clone_from(&other.overflow);
        }
    }

    #[cold]
    fn overflowed(&mut self, what: &str, v: i128) {
        if self.overflow.is_none() {
            self.overflow = Some(format!("{what} = {v} does not fit the explorer's state encoding"));
        }
    }

    /// Appends the encoding of `m` to `out`: the hashed words, then one
    /// word `Hash` ignores. Returns the number of words written.
    pub(crate) fn encode(&mut self, m: &Machine, out: &mut Vec<u64>) -> usize {
        let start = out.len();
        out.reserve(encoded_len(m));
        self.encode_globals(m, out);
        for th in &m.threads {
            self.encode_thread(th, out);
        }
        // Not hashed.
        out.push(u64::from(m.ptl.since) | u64::from(m.steps) << 32);
        debug_assert_eq!(out.len() - start, encoded_len(m), "encoded length");
        out.len() - start
    }

    /// [`Codec::encode`] of `m`, a successor of the state encoded as
    /// `parent` (whose threads start at `parent_threads`, see
    /// [`Codec::decode`]) by one step of thread `ran`: the parts the step
    /// cannot have changed are copied from `parent` instead of encoded.
    /// Those are the globals when the step did not set
    /// [`Machine::globals_written`] (cleared before it), and the threads
    /// other than `ran` unless `others_touched` says the step may have
    /// changed them ([`Machine::touches_other_threads`]).
    pub(crate) fn encode_successor(
        &mut self,
        m: &Machine,
        parent: &[u64],
        parent_threads: &[usize],
        ran: ThreadId,
        others_touched: bool,
        out: &mut Vec<u64>,
    ) -> usize {
        let start = out.len();
        out.reserve(parent.len() + 4);
        if m.globals_written {
            self.encode_globals(m, out);
        } else {
            out.extend_from_slice(&parent[..parent_threads[0]]);
        }
        for (i, th) in m.threads.iter().enumerate() {
            if others_touched || i == usize::from(ran.0) {
                self.encode_thread(th, out);
            } else {
                out.extend_from_slice(&parent[parent_threads[i]..parent_threads[i + 1]]);
            }
        }
        out.push(u64::from(m.ptl.since) | u64::from(m.steps) << 32);
        #[cfg(debug_assertions)]
        {
            // The copy is only right if the step changed no other thread.
            let mut full = Vec::new();
            self.encode(m, &mut full);
            debug_assert_eq!(
                &out[start..],
                &full[..],
                "thread {}'s step changed another thread, or globals without setting globals_written",
                ran.0
            );
        }
        out.len() - start
    }

    /// Header, pages, ptes and secondary MMUs.
    fn encode_globals(&mut self, m: &Machine, out: &mut Vec<u64>) {
        let holder = m.ptl.holder.map_or(0, |t| u64::from(t.0) + 1);
        let sem = match m.mmap_sem {
            MmapSem::Free => 0,
            MmapSem::Read => 1,
            MmapSem::Write => 2,
        };
        let nptes = self.narrow(m.ptes.len() as u64, 16, "ptes");
        out.push(holder | sem << 16 | nptes << 32);
        for p in &m.pages {
            let refcount = self.narrow_signed(i64::from(p.refcount), 10, "a page's refcount");
            let mapcount = self.narrow_signed(i64::from(p.mapcount), 9, "a page's mapcount");
            out.push(
                u64::from(p.content)
                    | refcount << 32
                    | mapcount << 42
                    | u64::from(p.anon) << 51
                    | u64::from(p.ksm) << 52
                    | u64::from(p.dirty) << 53
                    | u64::from(p.free) << 54
                    | opt_u8(p.locked_by) << 55,
            );
        }
        for (addr, pte) in &m.ptes {
            let a = self.addr_code(*addr);
            let pfn = self.pfn_code(pte.pfn);
            out.push(a | pfn << 8 | pte_flags(pte) << 16);
        }
        for n in &m.notifiers {
            n.encode(self, out);
        }
    }

    /// One thread: two words, then its frames two to a word.
    fn encode_thread(&mut self, th: &Thread, out: &mut Vec<u64>) {
        let l = &th.locals;
        let depth = self.narrow(th.stack.len() as u64, 8, "a call stack's depth");
        let mmu_seq = self.narrow(l.mmu_seq, 16, "a vCPU's mmu_seq");
        let rcu = self.narrow(u64::from(th.rcu), 4, "an RCU read-side nesting depth");
        out.push(
            depth
                | rcu << 8
                | u64::from(l.only_end) << 12
                | u64::from(l.range_change_pte) << 13
                | u64::from(th.srcu) << 16
                | u64::from(th.ranges_open as u8) << 24
                | u64::from(l.access) << 32
                | u64::from(l.dropin_ret as u8) << 40
                | mmu_seq << 48,
        );
        let codes = [
            self.pfn_code(l.entry.pfn),
            self.pfn_code(l.orig_pte.pfn),
            self.pfn_code(l.pfn.unwrap_or(0)),
            self.pfn_code(l.page),
            self.pfn_code(l.kpage),
            self.pfn_code(l.gpa.unwrap_or(0)),
        ];
        out.push(
            u64::from(l.notify_missing)
                | u64::from(l.err_ok) << 1
                | u64::from(l.need_flush) << 2
                | u64::from(l.map_writable) << 3
                | u64::from(l.range_started) << 4
                | u64::from(l.cow_installed) << 5
                | u64::from(l.tfh_live) << 6
                | u64::from(l.pfn.is_some()) << 7
                | u64::from(l.gpa.is_some()) << 8
                | pte_flags(&l.entry) << 9
                | pte_flags(&l.orig_pte) << 12
                | codes[0] << 15
                | codes[1] << 23
                | codes[2] << 31
                | codes[3] << 39
                | codes[4] << 47
                | codes[5] << 55,
        );
        for f in &th.stack {
            let id = f.func as u8;
            if self.funcs[usize::from(id)].is_none() {
                self.funcs[usize::from(id)] = Some(f.func);
            }
        }
        for pair in th.stack.chunks(2) {
            let frame = |f: &Frame| {
                u64::from(f.func as u8) | u64::from(f.pc) << 8 | u64::from(f.mn) << 16 | u64::from(f.notifier) << 24
            };
            out.push(frame(&pair[0]) | pair.get(1).map_or(0, |f| frame(f) << 32));
        }
    }

    /// The number of words of `m`'s globals (where its first thread's
    /// words start in its encoding).
    pub(crate) fn globals_len(m: &Machine) -> usize {
        1 + m.pages.len() + m.ptes.len() + m.notifiers.iter().map(|s| s.encoded_len()).sum::<usize>()
    }

    /// Where each of `n` threads' words start in `enc`, a state's
    /// encoding whose globals take `globals` words, then where the last
    /// one's end, into `at`.
    pub(crate) fn thread_offsets(enc: &[u64], globals: usize, n: usize, at: &mut Vec<usize>) {
        at.clear();
        at.push(globals);
        for i in 0..n {
            let depth = field(enc[at[i]], 0, 8) as usize;
            at.push(at[i] + 2 + depth.div_ceil(2));
        }
    }

    /// The threads' words of a state renamed by `r`, into `out`, given
    /// `enc`, the state's encoding, and `at`, where its threads' words
    /// start ([`Codec::thread_offsets`]): each thread's words in its new
    /// place, with the page codes in its locals renamed (a thread's words
    /// hold no thread id, and its pages only as codes). Not the last word.
    /// Stops early, returning `Greater`, as soon as the words are greater
    /// than `best`'s at the same places; else returns how they compare.
    pub(crate) fn renamed_threads(
        enc: &[u64],
        at: &[usize],
        r: &Renaming,
        best: &[u64],
        out: &mut Vec<u64>,
    ) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        let mut order = Ordering::Equal;
        let mut k = at[0];
        let mut put = |w: u64, out: &mut Vec<u64>| {
            if order == Ordering::Equal {
                order = w.cmp(&best[k]);
            }
            k += 1;
            out.push(w);
            order != Ordering::Greater
        };
        for &i in &r.from {
            let block = &enc[at[usize::from(i)]..at[usize::from(i) + 1]];
            if !put(block[0], out) {
                return Ordering::Greater;
            }
            let mut b = block[1];
            for shift in [15, 23, 31, 39, 47, 55] {
                let code = field(b, shift, 8) as usize;
                if code != 0 {
                    let to = r.pages[code - 1] as u64 + 1;
                    b = (b & !(0xff << shift)) | to << shift;
                }
            }
            if !put(b, out) {
                return Ordering::Greater;
            }
            for &w in &block[2..] {
                if !put(w, out) {
                    return Ordering::Greater;
                }
            }
        }
        order
    }

    /// The globals of `m` renamed by `r` (renamed in `scratch`, any state
    /// of this run), encoded into `out`.
    pub(crate) fn renamed_globals(&mut self, m: &Machine, r: &Renaming, scratch: &mut Machine, out: &mut Vec<u64>) {
        scratch.renamed_globals_from(m, r);
        self.encode_globals(scratch, out);
    }

    /// Overwrites the changing parts of `m` (a copy of this search's
    /// initial state, or of any state decoded since) with `words`, one
    /// state's encoding. `threads_at` receives where each thread's words
    /// start, then where the last one's end (for
    /// [`Codec::encode_successor`]).
    pub(crate) fn decode(&self, words: &[u64], m: &mut Machine, threads_at: &mut Vec<usize>) {
        threads_at.clear();
        let mut i = self.decode_globals(words, m);
        for th in &mut m.threads {
            threads_at.push(i);
            i += self.decode_thread(&words[i..], th);
        }
        threads_at.push(i);
        debug_assert_eq!(i + 1, words.len(), "decoded length");
        let last = words[i];
        m.ptl.since = last as u32;
        m.steps = (last >> 32) as u32;
    }

    /// Decodes the globals at the start of `words`; returns their length.
    fn decode_globals(&self, words: &[u64], m: &mut Machine) -> usize {
        let mut r = Reader::new(words);
        let w = r.next();
        let holder = w & 0xffff;
        m.ptl.holder = if holder == 0 { None } else { Some(ThreadId((holder - 1) as u8)) };
        m.mmap_sem = match (w >> 16) & 0xffff {
            0 => MmapSem::Free,
            1 => MmapSem::Read,
            _ => MmapSem::Write,
        };
        let nptes = field(w, 32, 16) as usize;
        for p in &mut m.pages {
            let a = r.next();
            p.content = a as u32;
            p.refcount = sfield(a, 32, 10) as i32;
            p.mapcount = sfield(a, 42, 9) as i32;
            p.anon = bit(a, 51);
            p.ksm = bit(a, 52);
            p.dirty = bit(a, 53);
            p.free = bit(a, 54);
            p.locked_by = un_opt_u8(a >> 55);
        }
        m.ptes.clear();
        for _ in 0..nptes {
            let a = r.next();
            m.ptes.push((self.addr_of(a), pte_of(self.pfn_of(a >> 8), field(a, 16, 3))));
        }
        for n in &mut m.notifiers {
            n.decode(self, &mut r);
        }
        r.i
    }

    /// Decodes the thread at the start of `words`; returns its length.
    fn decode_thread(&self, words: &[u64], th: &mut Thread) -> usize {
        let w = words[0];
        let depth = field(w, 0, 8) as usize;
        th.rcu = field(w, 8, 4) as u8;
        th.srcu = (w >> 16) as u8;
        th.ranges_open = (w >> 24) as u8 as i8;
        let l = &mut th.locals;
        l.access = (w >> 32) as u8;
        l.only_end = bit(w, 12);
        l.range_change_pte = bit(w, 13);
        l.dropin_ret = (w >> 40) as u8 as i8;
        l.mmu_seq = w >> 48;
        let b = words[1];
        l.notify_missing = bit(b, 0);
        l.err_ok = bit(b, 1);
        l.need_flush = bit(b, 2);
        l.map_writable = bit(b, 3);
        l.range_started = bit(b, 4);
        l.cow_installed = bit(b, 5);
        l.tfh_live = bit(b, 6);
        l.entry = pte_of(self.pfn_of(b >> 15), field(b, 9, 3));
        l.orig_pte = pte_of(self.pfn_of(b >> 23), field(b, 12, 3));
        l.pfn = bit(b, 7).then(|| self.pfn_of(b >> 31));
        l.page = self.pfn_of(b >> 39);
        l.kpage = self.pfn_of(b >> 47);
        l.gpa = bit(b, 8).then(|| self.pfn_of(b >> 55));
        th.stack.clear();
        for k in 0..depth {
            let f = words[2 + k / 2] >> (32 * (k % 2));
            let func = self.funcs[(f & 0xff) as usize].expect("a frame's function is encoded before it is decoded");
            let fits =
                th.stack.push(Frame { func, pc: (f >> 8) as u8, mn: (f >> 16) as u8, notifier: (f >> 24) as u8 });
            debug_assert!(fits, "an encoded stack fits");
        }
        2 + depth.div_ceil(2)
    }
}

impl Packer for Codec {
    /// `v` in `bits` unsigned bits.
    #[inline]
    fn narrow(&mut self, v: u64, bits: u32, what: &str) -> u64 {
        if v >> bits != 0 {
            self.overflowed(what, i128::from(v));
        }
        v & ((1u64 << bits) - 1)
    }

    /// `v` in `bits` bits, two's complement.
    #[inline]
    fn narrow_signed(&mut self, v: i64, bits: u32, what: &str) -> u64 {
        let lim = 1i64 << (bits - 1);
        if v < -lim || v >= lim {
            self.overflowed(what, i128::from(v));
        }
        (v as u64) & ((1u64 << bits) - 1)
    }

    /// The 8-bit code of a pfn: 0 for 0, else its index in the page list + 1.
    #[inline]
    fn pfn_code(&mut self, pfn: u64) -> u64 {
        if pfn == 0 {
            return 0;
        }
        if let Some(&code) = self.pfn_codes.get(pfn as usize)
            && code != 0
        {
            return u64::from(code);
        }
        match self.pfns.iter().position(|&p| p == pfn) {
            Some(i) => i as u64 + 1,
            None => {
                self.overflowed("a pfn that is not a page of this run", i128::from(pfn));
                0
            }
        }
    }

    /// The 8-bit code of a user address: its index in the address list.
    #[inline]
    fn addr_code(&mut self, addr: u64) -> u64 {
        match self.addrs.iter().position(|&a| a == addr) {
            Some(i) => i as u64,
            None => {
                self.overflowed("a user address the run does not map", i128::from(addr));
                0
            }
        }
    }
}

impl Unpacker for Codec {
    #[inline]
    fn pfn_of(&self, code: u64) -> u64 {
        let code = (code & 0xff) as usize;
        if code == 0 { 0 } else { self.pfns[code - 1] }
    }

    #[inline]
    fn addr_of(&self, code: u64) -> u64 {
        self.addrs[(code & 0xff) as usize]
    }
}

/// The fingerprint of an encoded state: its hashed words (all but the last)
/// mixed in four independent lanes, then finalized like
/// [`super::FxHasher`]. Never 0.
pub(crate) fn fingerprint_words(words: &[u64]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let hashed = &words[..words.len() - 1];
    let mut lanes = [0u64, 0x9e37_79b9_7f4a_7c15, 0x2545_f491_4f6c_dd1d, 0x6a09_e667_f3bc_c909];
    let mut chunks = hashed.chunks_exact(4);
    for c in &mut chunks {
        for (lane, w) in lanes.iter_mut().zip(c) {
            *lane = (lane.rotate_left(5) ^ w).wrapping_mul(K);
        }
    }
    for (lane, w) in lanes.iter_mut().zip(chunks.remainder()) {
        *lane = (lane.rotate_left(5) ^ w).wrapping_mul(K);
    }
    let mut h = hashed.len() as u64;
    for lane in lanes {
        h = (h.rotate_left(5) ^ lane).wrapping_mul(K);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    // 0 marks an empty slot of the state table.
    if h == 0 { 1 } else { h }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::Actor;
    use crate::notifier::{NotifierId, Secondary};
    use crate::scenario::Scenario;
    use crate::semantics::Semantics;

    /// States met on deterministic pseudo-random walks through every
    /// built-in scenario and semantics, with every user that exists at its
    /// tag and a few actor sets.
    fn walked_states() -> Vec<(Machine, Machine)> {
        let actor_sets: [&[Actor]; 5] = [
            &[],
            &[Actor::HostWrite, Actor::VcpuRead, Actor::GruRead],
            &[Actor::HostWrite, Actor::HostWrite, Actor::VcpuWrite, Actor::GruWrite],
            &[Actor::VcpuWrite, Actor::GruRead, Actor::GruRead],
            // KVM alone: the eras without GRU (v6.9, v6.10) too.
            &[Actor::HostWrite, Actor::VcpuRead, Actor::VcpuWrite],
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rand = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut out = Vec::new();
        for s in Scenario::all_builtin() {
            for sem in Semantics::ALL {
                for actors in actor_sets {
                    // Every user that exists at the tag (all of NotifierId::ALL
                    // would leave out every semantics where one is absent).
                    let Ok(initial) = s.machine_with(sem, &NotifierId::all_at(sem), actors) else { continue };
                    for _ in 0..4 {
                        let mut m = initial.clone();
                        let mut ev = Vec::new();
                        let mut runnable = Vec::new();
                        loop {
                            m.runnable_into(&mut runnable);
                            if runnable.is_empty() {
                                break;
                            }
                            let t = runnable[(rand() % runnable.len() as u64) as usize];
                            m.step_runnable(t, &mut ev);
                            out.push((initial.clone(), m.clone()));
                        }
                    }
                }
            }
        }
        out
    }

    #[test]
    fn decoding_gives_back_the_encoded_state() {
        let states = walked_states();
        assert!(states.len() > 1000, "walks too short: {}", states.len());
        for (initial, m) in &states {
            let mut codec = Codec::new(initial);
            let mut words = Vec::new();
            codec.encode(m, &mut words);
            assert_eq!(codec.overflow(), None);
            let mut back = initial.clone();
            let mut threads_at = Vec::new();
            codec.decode(&words, &mut back, &mut threads_at);
            assert_eq!(threads_at.len(), m.threads.len() + 1);
            assert_eq!(&back, m);
            assert_eq!((back.steps, back.ptl.since), (m.steps, m.ptl.since));
        }
    }

    #[test]
    fn decoding_over_another_decoded_state_gives_back_the_encoded_state() {
        // The search decodes each state into the machine that holds the
        // one decoded before: a field a state leaves out of its words (as
        // KVM's v6.9+ word at its initial values) must still be restored.
        let states = walked_states();
        let mut at: Option<(&Machine, Codec, Machine)> = None;
        let mut threads_at = Vec::new();
        for (initial, m) in &states {
            if at.as_ref().is_none_or(|(i, _, _)| *i != initial) {
                at = Some((initial, Codec::new(initial), initial.clone()));
            }
            let Some((_, codec, back)) = at.as_mut() else { unreachable!() };
            let mut words = Vec::new();
            codec.encode(m, &mut words);
            codec.decode(&words, back, &mut threads_at);
            assert_eq!(&*back, m);
        }
    }

    #[test]
    fn equal_encodings_exactly_when_states_are_equal() {
        let states = walked_states();
        // Pairs within one configuration (the same initial state), for the
        // first configuration of each semantics.
        let mut seen = Vec::new();
        for (initial, _) in &states {
            if seen.contains(&initial.semantics) {
                continue;
            }
            seen.push(initial.semantics);
            let same: Vec<&Machine> = states.iter().filter(|(i, _)| i == initial).map(|(_, m)| m).collect();
            let mut codec = Codec::new(initial);
            let enc: Vec<Vec<u64>> = same
                .iter()
                .map(|m| {
                    let mut w = Vec::new();
                    codec.encode(m, &mut w);
                    w.pop(); // the unhashed word
                    w
                })
                .collect();
            let mut equal_pairs = 0;
            for i in 0..same.len() {
                for j in 0..same.len() {
                    assert_eq!(enc[i] == enc[j], same[i] == same[j], "{}: states {i} and {j}", initial.semantics);
                    equal_pairs += usize::from(i != j && same[i] == same[j]);
                }
            }
            assert!(
                equal_pairs > 0,
                "{}: no repeated state: the test would not see a false inequality",
                initial.semantics
            );
        }
        assert_eq!(seen.len(), Semantics::ALL.len());
    }

    #[test]
    fn values_that_do_not_fit_are_reported_not_truncated() {
        let s = Scenario::builtin("cow").expect("built-in");
        let initial = s.machine_with(Semantics::Wrapped, &NotifierId::DEFAULT, &[]).expect("machine");
        type Break = fn(&mut Machine);
        let cases: [(&str, Break); 3] = [
            ("not a page", |m| m.ptes[0].1.pfn = 0xdead_0000),
            ("refcount", |m| m.pages[0].refcount = 600),
            ("mmu_notifier_seq", |m| {
                if let Some(Secondary::Kvm(k)) = m.notifiers.iter_mut().find(|n| matches!(n, Secondary::Kvm(_))) {
                    k.mmu_notifier_seq = 1 << 40;
                }
            }),
        ];
        for (what, break_it) in cases {
            let mut m = initial.clone();
            break_it(&mut m);
            let mut codec = Codec::new(&initial);
            codec.encode(&m, &mut Vec::new());
            let why = codec.overflow().unwrap_or_else(|| panic!("{what}: no overflow reported"));
            assert!(why.contains(what), "{what}: {why}");
        }
    }
}
