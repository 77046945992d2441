//! Renaming interchangeable actors: the explorer's symmetry reduction.
//!
//! Two actor threads of the same kind run the same code; they differ only
//! in their thread ids (held in locks and wait queues), the value a
//! writer stores (`Actor::value`) and a writer's own free page
//! (`pool<thread>`). A [`Renaming`] swaps all three at once: it maps a
//! state to the state in which the two actors had traded places. The
//! model treats thread ids, pfns and values as names (it compares them
//! for equality, never for order), so when a renaming maps the initial
//! state to itself it maps every run to a run, and every violation to a
//! violation of the same id; `checker::symmetry` checks the initial state
//! before it uses one.

use crate::page::Pfn;

use super::{Machine, ThreadId};

/// A permutation of thread ids with the matching permutations of the
/// threads' pool pages and written values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Renaming {
    /// `threads[i]`: the new index of thread `i`.
    pub(crate) threads: Vec<u8>,
    /// `from[j]`: the thread whose state thread `j` gets (the inverse).
    pub(crate) from: Vec<u8>,
    /// `pages[k]`: the new index in [`Machine::pages`] of page `k`.
    pub(crate) pages: Vec<usize>,
    /// Pfns that change, with their new pfn (both directions).
    pub(crate) pfns: Vec<(Pfn, Pfn)>,
    /// Values that change, with their new value (both directions).
    pub(crate) values: Vec<(u32, u32)>,
}

impl Renaming {
    /// The new id of thread `t`.
    #[inline]
    pub(crate) fn thread(&self, t: u8) -> u8 {
        self.threads.get(usize::from(t)).copied().unwrap_or(t)
    }

    /// The new id of an optional lock holder.
    #[inline]
    pub(crate) fn holder(&self, t: Option<u8>) -> Option<u8> {
        t.map(|t| self.thread(t))
    }

    /// The new pfn of `p`.
    #[inline]
    pub(crate) fn pfn(&self, p: Pfn) -> Pfn {
        self.pfns.iter().find(|(a, _)| *a == p).map_or(p, |(_, b)| *b)
    }

    /// The new value of `v`.
    #[inline]
    pub(crate) fn value(&self, v: u32) -> u32 {
        self.values.iter().find(|(a, _)| *a == v).map_or(v, |(_, b)| *b)
    }
}

impl Machine {
    /// Overwrites `self` (a state of the same run: same threads, pages and
    /// notifiers) with `src` renamed by `r`.
    pub(crate) fn renamed_from(&mut self, src: &Machine, r: &Renaming) {
        self.renamed_globals_from(src, r);
        for (i, th) in src.threads.iter().enumerate() {
            let to = &mut self.threads[usize::from(r.thread(i as u8))];
            to.clone_from(th);
            let l = &mut to.locals;
            l.entry.pfn = r.pfn(l.entry.pfn);
            l.orig_pte.pfn = r.pfn(l.orig_pte.pfn);
            l.pfn = l.pfn.map(|p| r.pfn(p));
            l.page = r.pfn(l.page);
            l.kpage = r.pfn(l.kpage);
            l.gpa = l.gpa.map(|p| r.pfn(p));
            if let Some(op) = &mut to.op {
                op.value = r.value(op.value);
            }
        }
    }

    /// [`Machine::renamed_from`] for everything but the threads (the
    /// explorer permutes their encodings instead).
    pub(crate) fn renamed_globals_from(&mut self, src: &Machine, r: &Renaming) {
        self.ptl = src.ptl;
        self.ptl.holder = src.ptl.holder.map(|t| ThreadId(r.thread(t.0)));
        self.mmap_sem = src.mmap_sem;
        self.steps = src.steps;
        self.globals_written = src.globals_written;
        for (k, p) in src.pages.iter().enumerate() {
            let to = &mut self.pages[r.pages[k]];
            to.refcount = p.refcount;
            to.mapcount = p.mapcount;
            to.anon = p.anon;
            to.ksm = p.ksm;
            to.locked_by = r.holder(p.locked_by);
            to.dirty = p.dirty;
            to.free = p.free;
            to.content = r.value(p.content);
        }
        self.ptes.clone_from(&src.ptes);
        for (_, pte) in &mut self.ptes {
            pte.pfn = r.pfn(pte.pfn);
        }
        for (to, from) in self.notifiers.iter_mut().zip(&src.notifiers) {
            to.clone_from(from);
            to.rename(r);
        }
    }
}
