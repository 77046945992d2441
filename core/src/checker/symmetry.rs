//! Symmetry reduction: interchangeable actors are explored once.
//!
//! Two actors with the same id (`host_write,host_write`) run the same code
//! and differ only by names: their thread ids, the value each writer
//! stores and each writer's own free page (see `machine::rename`). Swapping
//! those names maps every state to a state with the same future up to the
//! same swap, and every violation to one with the same id; so the search
//! stores one representative of each class of states that differ only by
//! such swaps, and every verdict (each violation id, deadlock) stays the
//! same (Ip and Dill's scalarset reduction; Emerson and Sistla). The
//! representative of a state is the renaming whose encoding is the least,
//! over the renamings below; any choice of a member of the class is sound,
//! the least makes it canonical.
//!
//! The renamings: every permutation within each group of threads with the
//! same actor (when the product of the groups' factorials is at most
//! [`MAX_RENAMINGS`] + 1), else only the swaps of two threads of a group.
//! A renaming is used only if it maps the initial state to itself, which
//! a value a writer stores also held by a page at the start, or by the
//! uprobe opcode, would break: that group is then left alone.
//!
//! Counterexamples are unchanged in kind: the replay that rebuilds a
//! schedule steps concrete states and compares the representatives'
//! fingerprints, so the schedule it returns is a real run from the initial
//! state, statement by statement (where the search met the state with two
//! actors swapped, the schedule names the actors the real run used).

use std::cmp::Ordering;

use super::codec::Codec;
use crate::machine::{Machine, Renaming};

/// Most renamings tried per state (the factorials of the groups beyond
/// this fall back to swaps).
const MAX_RENAMINGS: usize = 47;

/// The renamings of one search (the identity left out).
#[derive(Debug, Clone, Default)]
pub(crate) struct Symmetry {
    renamings: Vec<Renaming>,
    /// The threads in each group of interchangeable actors (for reports).
    groups: Vec<Vec<u8>>,
}

impl Symmetry {
    /// The renamings of interchangeable actors in `initial` that map it to
    /// itself. Actor threads are those with their own access (`op`); two
    /// are interchangeable when they have the same kind, access kind and
    /// notifier.
    pub(crate) fn of(initial: &Machine, codec: &mut Codec) -> Symmetry {
        let mut groups: Vec<Vec<u8>> = Vec::new();
        let mut keys = Vec::new();
        for (i, th) in initial.threads.iter().enumerate() {
            let (Some(op), Some(frame)) = (th.op, th.stack.first()) else { continue };
            let key = (th.kind, op.write, frame.func, frame.notifier);
            match keys.iter().position(|k| *k == key) {
                Some(g) => groups[g].push(i as u8),
                None => {
                    keys.push(key);
                    groups.push(vec![i as u8]);
                }
            }
        }
        groups.retain(|g| g.len() > 1);
        // The uprobe opcode and the default vCPU's values are constants of
        // the run: a renamed value must not be one of them.
        let constants: Vec<u32> =
            std::iter::once(initial.host.opcode).chain(initial.guest_ops.iter().map(|o| o.value)).collect();
        groups.retain(|g| {
            g.iter().all(|&t| initial.threads[usize::from(t)].op.is_some_and(|op| !constants.contains(&op.value)))
        });
        let mut base = Vec::new();
        codec.encode(initial, &mut base);
        let mut scratch = initial.clone();
        let mut words = Vec::new();
        let maps_initial_to_itself = |r: &Renaming, codec: &mut Codec, scratch: &mut Machine, words: &mut Vec<u64>| {
            scratch.renamed_from(initial, r);
            words.clear();
            codec.encode(scratch, words);
            *words == base
        };
        // Each group's own permutations; a group whose swaps do not keep
        // the initial state is dropped.
        let mut per_group: Vec<Vec<Vec<u8>>> = Vec::new();
        let mut kept = Vec::new();
        for g in groups {
            let swaps_ok = g.iter().enumerate().all(|(a, &x)| {
                g[a + 1..]
                    .iter()
                    .all(|&y| maps_initial_to_itself(&renaming(initial, &[(x, y)]), codec, &mut scratch, &mut words))
            });
            if swaps_ok {
                per_group.push(permutations(&g));
                kept.push(g);
            }
        }
        let product: usize = per_group.iter().map(Vec::len).product();
        let mut renamings = Vec::new();
        if product <= MAX_RENAMINGS + 1 {
            // Every combination of one permutation per group.
            let mut choice = vec![0usize; per_group.len()];
            loop {
                let mut pairs = Vec::new();
                for (gi, &c) in choice.iter().enumerate() {
                    let g = &kept[gi];
                    for (k, &to) in per_group[gi][c].iter().enumerate() {
                        if g[k] != to {
                            pairs.push((g[k], to));
                        }
                    }
                }
                if !pairs.is_empty() {
                    renamings.push(renaming(initial, &pairs));
                }
                // The next combination (an odometer).
                let mut gi = 0;
                while gi < choice.len() {
                    choice[gi] += 1;
                    if choice[gi] < per_group[gi].len() {
                        break;
                    }
                    choice[gi] = 0;
                    gi += 1;
                }
                if gi == choice.len() {
                    break;
                }
            }
        } else {
            for g in &kept {
                for (a, &x) in g.iter().enumerate() {
                    for &y in &g[a + 1..] {
                        renamings.push(renaming(initial, &[(x, y), (y, x)]));
                    }
                }
            }
        }
        debug_assert!(renamings.iter().all(|r| maps_initial_to_itself(r, codec, &mut scratch, &mut words)));
        Symmetry { renamings, groups: kept }
    }

    /// No two actors are interchangeable.
    pub(crate) fn is_trivial(&self) -> bool {
        self.renamings.is_empty()
    }

    /// The groups of interchangeable actors' thread indices.
    pub(crate) fn groups(&self) -> &[Vec<u8>] {
        &self.groups
    }

    /// Replaces `words[at..]`, the encoding of `m`, by the encoding of its
    /// class's representative, using `bufs`; returns the new length. The
    /// representative is the renaming whose encoding is least when its
    /// threads' words are compared first, then its globals: a fixed order
    /// on encodings, so the choice depends only on the class, and a
    /// renaming whose threads' words are greater is dropped without
    /// renaming the globals (the usual case).
    pub(crate) fn canonicalize(
        &self,
        codec: &mut Codec,
        m: &Machine,
        bufs: &mut RenameBuffers,
        words: &mut Vec<u64>,
        at: usize,
    ) -> usize {
        if self.renamings.is_empty() {
            return words.len() - at;
        }
        let RenameBuffers { scratch, threads, globals, orig, at: offsets } = bufs;
        orig.clear();
        orig.extend_from_slice(&words[at..]);
        let g = Codec::globals_len(m);
        let last = orig.len() - 1;
        Codec::thread_offsets(orig, g, m.threads.len(), offsets);
        for r in &self.renamings {
            threads.clear();
            let smaller = match Codec::renamed_threads(orig, offsets, r, &words[at..], threads) {
                Ordering::Greater => false,
                Ordering::Less => {
                    globals.clear();
                    codec.renamed_globals(m, r, scratch, globals);
                    true
                }
                Ordering::Equal => {
                    globals.clear();
                    codec.renamed_globals(m, r, scratch, globals);
                    globals[..] < words[at..at + g]
                }
            };
            if smaller {
                words.truncate(at);
                words.extend_from_slice(globals);
                words.extend_from_slice(threads);
                words.push(orig[last]);
            }
        }
        #[cfg(debug_assertions)]
        for r in &self.renamings {
            // The word-level renaming equals renaming the whole state.
            let mut whole = scratch.clone();
            whole.renamed_from(m, r);
            let (mut full, mut parts) = (Vec::new(), Vec::new());
            codec.encode(&whole, &mut full);
            codec.renamed_globals(m, r, scratch, &mut parts);
            let start = parts.len();
            // Compared with itself: never stops early.
            let all = full.clone();
            Codec::renamed_threads(orig, offsets, r, &all, &mut parts);
            debug_assert_eq!(parts.len() - start + g + 1, full.len(), "renamed threads' length");
            parts.push(orig[last]);
            debug_assert_eq!(parts, full, "renamed encoding");
        }
        words.len() - at
    }
}

/// The buffers [`Symmetry::canonicalize`] reuses: a state of the run to
/// rename into, and parts of encodings.
#[derive(Debug)]
pub(crate) struct RenameBuffers {
    scratch: Machine,
    threads: Vec<u64>,
    globals: Vec<u64>,
    orig: Vec<u64>,
    at: Vec<usize>,
}

impl RenameBuffers {
    /// Buffers for the states of `initial`'s run.
    pub(crate) fn new(initial: &Machine) -> RenameBuffers {
        RenameBuffers {
            scratch: initial.clone(),
            threads: Vec::new(),
            globals: Vec::new(),
            orig: Vec::new(),
            at: Vec::new(),
        }
    }
}

/// The renaming that sends thread `from` to `to` for each pair (a
/// permutation of the threads named), with their pool pages and values.
fn renaming(initial: &Machine, pairs: &[(u8, u8)]) -> Renaming {
    let n = initial.threads.len();
    let mut threads: Vec<u8> = (0..n as u8).collect();
    let mut pfns = Vec::new();
    let mut values = Vec::new();
    for &(from, to) in pairs {
        threads[usize::from(from)] = to;
        let (a, b) = (&initial.threads[usize::from(from)], &initial.threads[usize::from(to)]);
        if let (Some(x), Some(y)) = (a.op, b.op)
            && x.value != y.value
        {
            values.push((x.value, y.value));
        }
        // A writer's own free page (readers have none: kpage 0).
        if a.locals.kpage != b.locals.kpage && a.locals.kpage != 0 {
            pfns.push((a.locals.kpage, b.locals.kpage));
        }
    }
    let pages = initial
        .pages
        .iter()
        .map(|p| {
            let to = pfns.iter().find(|(x, _)| *x == p.pfn).map_or(p.pfn, |(_, y)| *y);
            initial.pages.iter().position(|q| q.pfn == to).unwrap_or(0)
        })
        .collect();
    let mut from = vec![0u8; n];
    for (i, &to) in threads.iter().enumerate() {
        from[usize::from(to)] = i as u8;
    }
    Renaming { threads, from, pages, pfns, values }
}

/// Every ordering of `g` (`g` itself first).
fn permutations(g: &[u8]) -> Vec<Vec<u8>> {
    if g.len() <= 1 {
        return vec![g.to_vec()];
    }
    let mut out = Vec::new();
    for i in 0..g.len() {
        let mut rest = g.to_vec();
        let first = rest.remove(i);
        for mut p in permutations(&rest) {
            p.insert(0, first);
            out.push(p);
        }
    }
    out
}
