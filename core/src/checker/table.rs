//! The set of stored states: an open-addressing table of fingerprints,
//! each with its parent's fingerprint in the same slot.
//!
//! Most of the search's lookups are "was this successor stored already?",
//! one per transition, at random places in a table of millions of entries;
//! an insertion is one more. Here either touches one 16-byte slot (linear
//! probing, so a miss usually stays in the same cache line). Which thread
//! led from a parent to a state is not stored: a counterexample is rebuilt
//! by replaying from the initial state and picking, at each step, the
//! thread whose successor has the next fingerprint of the chain
//! (Stateright does the same). Fingerprints are never 0
//! ([`super::codec::fingerprint_words`]), so 0 marks an empty slot; the
//! initial state is its own parent.

/// Fingerprint -> parent fingerprint.
#[derive(Debug, Clone)]
pub(crate) struct StateTable {
    /// `[fingerprint, parent]` by slot (fingerprint 0: empty). Its length
    /// is a power of two.
    slots: Vec<[u64; 2]>,
    len: usize,
}

impl StateTable {
    /// An empty table with room for about `n` states before it grows.
    pub(crate) fn with_capacity(n: usize) -> StateTable {
        StateTable::with_slots((n.max(8) * 4 / 3 + 1).next_power_of_two())
    }

    fn with_slots(slots: usize) -> StateTable {
        StateTable { slots: vec![[0, 0]; slots], len: 0 }
    }

    /// Bytes of its slots.
    pub(crate) fn bytes(&self) -> usize {
        self.slots.capacity() * 16
    }

    /// Bytes of the slots a table holding `n` states has (doubling from
    /// the initial size, at most 3/4 full).
    pub(crate) fn bytes_for(n: usize) -> usize {
        (n.max(8) * 4 / 3 + 1).next_power_of_two() * 16
    }

    /// Number of states stored.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The slot holding `fp`, or the empty slot where it would go.
    #[inline]
    fn probe(&self, fp: u64) -> (usize, bool) {
        debug_assert_ne!(fp, 0, "fingerprint 0 marks empty slots");
        let mask = self.slots.len() - 1;
        let mut i = fp as usize & mask;
        loop {
            let f = self.slots[i][0];
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
    #[cfg(test)]
    pub(crate) fn contains(&self, fp: u64) -> bool {
        self.probe(fp).1
    }

    /// Asks the processor to bring `fp`'s home slot into the cache ahead of
    /// a lookup or an insertion (no effect on the result).
    #[inline]
    pub(crate) fn prefetch(&self, fp: u64) {
        mem_prefetch::prefetch_write_data::<_, 3>(&self.slots[fp as usize & (self.slots.len() - 1)]);
    }

    /// What `fp`'s home slot holds: a load with no branch on its value, so
    /// that a caller can issue the loads of many lookups first and let
    /// their cache misses overlap, then finish each with
    /// [`StateTable::contains_given`].
    #[inline]
    pub(crate) fn home(&self, fp: u64) -> u64 {
        self.slots[fp as usize & (self.slots.len() - 1)][0]
    }

    /// [`StateTable::contains`], given `home(fp)` (read since the last
    /// insertion).
    #[inline]
    pub(crate) fn contains_given(&self, fp: u64, home: u64) -> bool {
        match home {
            0 => false,
            h if h == fp => true,
            _ => self.probe(fp).1,
        }
    }

    /// `fp`'s parent fingerprint.
    pub(crate) fn parent(&self, fp: u64) -> Option<u64> {
        match self.probe(fp) {
            (i, true) => Some(self.slots[i][1]),
            _ => None,
        }
    }

    /// Stores `fp` with its parent unless it is stored; true when it was new.
    #[inline]
    pub(crate) fn insert(&mut self, fp: u64, parent: u64) -> bool {
        // At most 3/4 full: linear probing stays short.
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let (i, found) = self.probe(fp);
        if found {
            return false;
        }
        self.slots[i] = [fp, parent];
        self.len += 1;
        true
    }

    /// Grows the table now if storing `additional` more states would grow it.
    pub(crate) fn reserve(&mut self, additional: usize) {
        while (self.len + additional) * 4 > self.slots.len() * 3 {
            self.grow();
        }
    }

    /// Doubles the table.
    #[cold]
    fn grow(&mut self) {
        let old = std::mem::replace(self, StateTable::with_slots(self.slots.len() * 2));
        for slot in old.slots.iter().filter(|s| s[0] != 0) {
            let (j, _) = self.probe(slot[0]);
            self.slots[j] = *slot;
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
        for &k in &keys {
            assert!(!t.contains(k));
            assert!(t.insert(k, k + 1));
            assert!(!t.insert(k, 99), "stored twice");
        }
        assert_eq!(t.len(), keys.len());
        for &k in &keys {
            assert_eq!(t.parent(k), Some(k + 1));
            assert!(t.contains_given(k, t.home(k)));
        }
        assert!(!t.contains_given(1 << 60, t.home(1 << 60)));
        assert_eq!(t.parent(1 << 60), None);
        assert!(t.slots.len() * 3 >= keys.len() * 4, "over 3/4 full");
    }
}
