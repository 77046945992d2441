//! The set of stored states: an open-addressing table of fingerprints with
//! each state's parent pointer beside it.
//!
//! Most of the search's lookups are "was this successor stored already?",
//! one per transition, at random places in a table of millions of entries.
//! Here a lookup reads one `u64` slot (linear probing, so a miss usually
//! stays in the same cache line); the parent pointers live in parallel
//! arrays that only an insertion writes and only a counterexample reads.
//! Fingerprints are never 0 ([`super::codec::fingerprint_words`]), so 0
//! marks an empty slot.

/// Marks the initial state's thread in the parent arrays.
pub(crate) const ROOT: u8 = u8::MAX;

/// Fingerprint -> (parent fingerprint, thread that ran).
#[derive(Debug, Clone)]
pub(crate) struct StateTable {
    /// Fingerprints by slot (0: empty). Its length is a power of two.
    fps: Vec<u64>,
    /// The parent's fingerprint, by slot.
    parent: Vec<u64>,
    /// The thread whose step reached the state from its parent, by slot.
    thread: Vec<u8>,
    len: usize,
}

impl StateTable {
    /// An empty table with room for about `n` states before it grows.
    pub(crate) fn with_capacity(n: usize) -> StateTable {
        StateTable::with_slots((n.max(8) * 4 / 3 + 1).next_power_of_two())
    }

    fn with_slots(slots: usize) -> StateTable {
        StateTable { fps: vec![0; slots], parent: vec![0; slots], thread: vec![0; slots], len: 0 }
    }

    /// Number of states stored.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The slot holding `fp`, or the empty slot where it would go.
    #[inline]
    fn probe(&self, fp: u64) -> (usize, bool) {
        debug_assert_ne!(fp, 0, "fingerprint 0 marks empty slots");
        let mask = self.fps.len() - 1;
        let mut i = fp as usize & mask;
        loop {
            let f = self.fps[i];
            if f == fp {
                return (i, true);
            }
            if f == 0 {
                return (i, false);
            }
            i = (i + 1) & mask;
        }
    }

    /// Whether `fp` is stored.
    #[inline]
    pub(crate) fn contains(&self, fp: u64) -> bool {
        self.probe(fp).1
    }

    /// `fp`'s parent fingerprint and the thread that led from it.
    pub(crate) fn get(&self, fp: u64) -> Option<(u64, u8)> {
        match self.probe(fp) {
            (i, true) => Some((self.parent[i], self.thread[i])),
            _ => None,
        }
    }

    /// Stores `fp` with its parent unless it is stored; true when it was new.
    #[inline]
    pub(crate) fn insert(&mut self, fp: u64, parent: u64, thread: u8) -> bool {
        // At most 3/4 full: linear probing stays short.
        if (self.len + 1) * 4 > self.fps.len() * 3 {
            self.grow();
        }
        let (i, found) = self.probe(fp);
        if found {
            return false;
        }
        self.fps[i] = fp;
        self.parent[i] = parent;
        self.thread[i] = thread;
        self.len += 1;
        true
    }

    /// Doubles the table.
    #[cold]
    fn grow(&mut self) {
        let old = std::mem::replace(self, StateTable::with_slots(self.fps.len() * 2));
        for (i, &fp) in old.fps.iter().enumerate() {
            if fp != 0 {
                let (j, _) = self.probe(fp);
                self.fps[j] = fp;
                self.parent[j] = old.parent[i];
                self.thread[j] = old.thread[i];
            }
        }
        self.len = old.len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_each_fingerprint_once_and_keeps_the_first_parent() {
        let mut t = StateTable::with_capacity(4);
        // Keys that share low bits collide in the small table, and the
        // table grows several times on the way.
        let keys: Vec<u64> = (1..=5000u64).map(|k| k << 20 | 7).chain(1..=5000u64).collect();
        for (n, &k) in keys.iter().enumerate() {
            assert!(!t.contains(k));
            assert!(t.insert(k, k + 1, (n % 200) as u8));
            assert!(!t.insert(k, 99, 3), "stored twice");
        }
        assert_eq!(t.len(), keys.len());
        for (n, &k) in keys.iter().enumerate() {
            assert_eq!(t.get(k), Some((k + 1, (n % 200) as u8)));
        }
        assert_eq!(t.get(1 << 60), None);
        assert!(t.fps.len() >= keys.len() * 4 / 3, "over 3/4 full");
    }
}
