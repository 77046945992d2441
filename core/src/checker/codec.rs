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
//! The encoding of the hashed part is injective over everything
//! `Machine`'s `Hash` covers that may change, so two states get the same
//! encoding exactly when they are equal; the last word holds what `Hash`
//! ignores (`steps`, the PT lock's `since`), so that a decoded state is the
//! very state that was encoded.

use crate::kernel::FuncId;
use crate::machine::{Frame, Machine, MmapSem, PtLock, ThreadId};
use crate::notifier::{Gcr3, GruTlbEntry, Secondary, Spte};
use crate::page::Pte;

/// Encodes and decodes states of one search.
#[derive(Debug, Clone)]
pub(crate) struct Codec {
    /// `FuncId` by its discriminant, filled as frames are encoded (a frame
    /// is always encoded before it is decoded).
    funcs: Vec<Option<FuncId>>,
}

fn opt_u8(v: Option<u8>) -> u64 {
    v.map_or(0, |x| u64::from(x) + 1)
}

fn un_opt_u8(v: u64) -> Option<u8> {
    let v = v & 0x1ff;
    if v == 0 { None } else { Some((v - 1) as u8) }
}

fn pte_flags(p: &Pte) -> u64 {
    u64::from(p.present) | u64::from(p.writable) << 1 | u64::from(p.dirty) << 2
}

fn pte_of(pfn: u64, flags: u64) -> Pte {
    Pte { pfn, present: flags & 1 != 0, writable: flags & 2 != 0, dirty: flags & 4 != 0 }
}

fn bit(w: u64, i: u32) -> bool {
    (w >> i) & 1 != 0
}

/// Writes words in order into a slice of the right length.
struct Writer<'a> {
    buf: &'a mut [u64],
    i: usize,
}

impl Writer<'_> {
    #[inline]
    fn put(&mut self, v: u64) {
        self.buf[self.i] = v;
        self.i += 1;
    }

    #[inline]
    fn put_all(&mut self, v: &[u64]) {
        self.buf[self.i..self.i + v.len()].copy_from_slice(v);
        self.i += v.len();
    }
}

/// The number of words [`Codec::encode`] writes for `m`.
fn encoded_len(m: &Machine) -> usize {
    let mut n = 2 + 2 * m.pages.len() + 3 * m.ptes.len();
    for s in &m.notifiers {
        n += match s {
            Secondary::Kvm(k) => 3 + 3 * k.sptes.len(),
            Secondary::Gru(g) => 1 + 3 * g.tlb.len() + g.waiters.len(),
            _ => 1,
        };
    }
    for th in &m.threads {
        n += 9 + th.stack.len();
    }
    n
}

/// Reads words in order.
struct Reader<'a> {
    w: &'a [u64],
    i: usize,
}

impl Reader<'_> {
    #[inline]
    fn next(&mut self) -> u64 {
        let v = self.w[self.i];
        self.i += 1;
        v
    }
}

impl Codec {
    pub(crate) fn new() -> Codec {
        Codec { funcs: vec![None; 256] }
    }

    /// Learns the functions `other` has seen (so that this codec decodes
    /// what `other` encoded).
    pub(crate) fn learn(&mut self, other: &Codec) {
        for (mine, theirs) in self.funcs.iter_mut().zip(&other.funcs) {
            if mine.is_none() {
                *mine = *theirs;
            }
        }
    }

    /// Appends the encoding of `m` to `out`: the hashed words, then one
    /// word `Hash` ignores. Returns the number of words written.
    pub(crate) fn encode(&mut self, m: &Machine, out: &mut Vec<u64>) -> usize {
        let start = out.len();
        let n = encoded_len(m);
        out.resize(start + n, 0);
        let mut w = Writer { buf: &mut out[start..], i: 0 };
        let holder = m.ptl.holder.map_or(0, |t| u64::from(t.0) + 1);
        let sem = match m.mmap_sem {
            MmapSem::Free => 0,
            MmapSem::Read => 1,
            MmapSem::Write => 2,
        };
        w.put(holder | sem << 16 | (m.ptes.len() as u64) << 32);
        for p in &m.pages {
            w.put_all(&[
                u64::from(p.refcount as u32) | u64::from(p.mapcount as u32) << 32,
                u64::from(p.content)
                    | u64::from(p.anon) << 32
                    | u64::from(p.ksm) << 33
                    | u64::from(p.dirty) << 34
                    | u64::from(p.free) << 35
                    | opt_u8(p.locked_by) << 40,
            ]);
        }
        for (addr, pte) in &m.ptes {
            w.put_all(&[*addr, pte.pfn, pte_flags(pte)]);
        }
        for n in &m.notifiers {
            match n {
                Secondary::Kvm(k) => {
                    w.put_all(&[
                        k.sptes.len() as u64 | opt_u8(k.mmu_lock) << 32,
                        k.mmu_notifier_seq,
                        k.mmu_notifier_count as u64,
                    ]);
                    for s in &k.sptes {
                        w.put_all(&[s.gfn, s.pfn, u64::from(s.writable)]);
                    }
                }
                Secondary::Gru(g) => {
                    w.put(
                        g.tlb.len() as u64 | (g.waiters.len() as u64) << 16 | u64::from(g.ms_range_active as u32) << 32,
                    );
                    for e in &g.tlb {
                        w.put_all(&[e.addr, e.pfn, u64::from(e.writable)]);
                    }
                    for x in &g.waiters {
                        w.put(u64::from(*x));
                    }
                }
                Secondary::AmdIommuV2(a) => w.put(match a.gcr3 {
                    Gcr3::MmPgd => 0,
                    Gcr3::EmptyPageTable => 1,
                }),
                Secondary::XenGntdev(g) => w.put(opt_u8(g.lock) | u64::from(g.grant_maps_in_range) << 32),
                Secondary::Sleepable(s) => w.put(opt_u8(s.mutex)),
            }
        }
        for th in &m.threads {
            let l = &th.locals;
            w.put_all(&[
                th.stack.len() as u64
                    | u64::from(th.rcu) << 16
                    | u64::from(th.srcu) << 24
                    | u64::from(th.ranges_open as u8) << 32
                    | u64::from(l.access) << 40
                    | u64::from(l.dropin_ret as u8) << 48,
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
                    | pte_flags(&l.orig_pte) << 12,
                l.entry.pfn,
                l.orig_pte.pfn,
                l.mmu_seq,
                l.pfn.unwrap_or(0),
                l.page,
                l.kpage,
                l.gpa.unwrap_or(0),
            ]);
            for f in &th.stack {
                let id = f.func as u8;
                if self.funcs[usize::from(id)].is_none() {
                    self.funcs[usize::from(id)] = Some(f.func);
                }
            }
            for f in &th.stack {
                w.put(
                    u64::from(f.func as u8)
                        | u64::from(f.pc) << 8
                        | u64::from(f.mn) << 16
                        | u64::from(f.notifier) << 24,
                );
            }
        }
        // Not hashed.
        w.put(u64::from(m.ptl.since) | u64::from(m.steps) << 32);
        debug_assert_eq!(w.i, n, "encoded length");
        n
    }

    /// Overwrites the changing parts of `m` (a copy of this search's
    /// initial state, or of any state decoded since) with `words`, one
    /// state's encoding.
    pub(crate) fn decode(&self, words: &[u64], m: &mut Machine) {
        let mut r = Reader { w: words, i: 0 };
        let w = r.next();
        let holder = w & 0xffff;
        let since = words[words.len() - 1];
        m.ptl =
            PtLock { holder: if holder == 0 { None } else { Some(ThreadId((holder - 1) as u8)) }, since: since as u32 };
        m.steps = (since >> 32) as u32;
        m.mmap_sem = match (w >> 16) & 0xffff {
            0 => MmapSem::Free,
            1 => MmapSem::Read,
            _ => MmapSem::Write,
        };
        let nptes = (w >> 32) as usize;
        for p in &mut m.pages {
            let a = r.next();
            p.refcount = a as u32 as i32;
            p.mapcount = (a >> 32) as u32 as i32;
            let b = r.next();
            p.content = b as u32;
            p.anon = bit(b, 32);
            p.ksm = bit(b, 33);
            p.dirty = bit(b, 34);
            p.free = bit(b, 35);
            p.locked_by = un_opt_u8(b >> 40);
        }
        m.ptes.clear();
        for _ in 0..nptes {
            let addr = r.next();
            let pfn = r.next();
            let flags = r.next();
            m.ptes.push((addr, pte_of(pfn, flags)));
        }
        for n in &mut m.notifiers {
            match n {
                Secondary::Kvm(k) => {
                    let w = r.next();
                    k.mmu_lock = un_opt_u8(w >> 32);
                    k.mmu_notifier_seq = r.next();
                    k.mmu_notifier_count = r.next() as i64;
                    k.sptes.clear();
                    for _ in 0..(w & 0xffff_ffff) {
                        let gfn = r.next();
                        let pfn = r.next();
                        let writable = r.next() != 0;
                        k.sptes.push(Spte { gfn, pfn, writable });
                    }
                }
                Secondary::Gru(g) => {
                    let w = r.next();
                    g.ms_range_active = (w >> 32) as u32 as i32;
                    g.tlb.clear();
                    for _ in 0..(w & 0xffff) {
                        let addr = r.next();
                        let pfn = r.next();
                        let writable = r.next() != 0;
                        g.tlb.push(GruTlbEntry { addr, pfn, writable });
                    }
                    g.waiters.clear();
                    for _ in 0..((w >> 16) & 0xffff) {
                        g.waiters.push(r.next() as u8);
                    }
                }
                Secondary::AmdIommuV2(a) => {
                    a.gcr3 = if r.next() == 0 { Gcr3::MmPgd } else { Gcr3::EmptyPageTable };
                }
                Secondary::XenGntdev(g) => {
                    let w = r.next();
                    g.lock = un_opt_u8(w);
                    g.grant_maps_in_range = (w >> 32) as u32;
                }
                Secondary::Sleepable(s) => s.mutex = un_opt_u8(r.next()),
            }
        }
        for th in &mut m.threads {
            let w = r.next();
            let depth = (w & 0xffff) as usize;
            th.rcu = (w >> 16) as u8;
            th.srcu = (w >> 24) as u8;
            th.ranges_open = (w >> 32) as u8 as i8;
            let l = &mut th.locals;
            l.access = (w >> 40) as u8;
            l.dropin_ret = (w >> 48) as u8 as i8;
            let b = r.next();
            l.notify_missing = bit(b, 0);
            l.err_ok = bit(b, 1);
            l.need_flush = bit(b, 2);
            l.map_writable = bit(b, 3);
            l.range_started = bit(b, 4);
            l.cow_installed = bit(b, 5);
            l.tfh_live = bit(b, 6);
            let has_pfn = bit(b, 7);
            let has_gpa = bit(b, 8);
            l.entry = pte_of(r.next(), (b >> 9) & 7);
            l.orig_pte = pte_of(r.next(), (b >> 12) & 7);
            l.mmu_seq = r.next();
            let pfn = r.next();
            l.pfn = has_pfn.then_some(pfn);
            l.page = r.next();
            l.kpage = r.next();
            let gpa = r.next();
            l.gpa = has_gpa.then_some(gpa);
            th.stack.clear();
            for _ in 0..depth {
                let f = r.next();
                let func = self.funcs[(f & 0xff) as usize].expect("a frame's function is encoded before it is decoded");
                th.stack.push(Frame { func, pc: (f >> 8) as u8, mn: (f >> 16) as u8, notifier: (f >> 24) as u8 });
            }
        }
        debug_assert_eq!(r.i + 1, words.len(), "decoded length");
    }
}

/// The fingerprint of an encoded state: its hashed words (all but the last)
/// mixed in four independent lanes, then finalized like
/// [`super::FxHasher`].
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
    h ^ (h >> 33)
}
