//! A bounded log shared by accounts: at most `cap` entries in all and `per_account` for any one
//! owner; past either bound the oldest entry of the owner holding the most goes, so one busy
//! (or hostile) test suite sharing the fake evicts its own history, not another's.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

pub struct Ring<K, T> {
    entries: VecDeque<(K, T)>,
    counts: HashMap<K, usize>,
    cap: usize,
    per_owner: usize,
}

impl<K: Clone + Eq + Hash, T> Ring<K, T> {
    pub fn new(cap: usize, per_owner: usize) -> Ring<K, T> {
        Ring { entries: VecDeque::new(), counts: HashMap::new(), cap, per_owner }
    }

    /// Appends an entry; returns the one it evicted, if any.
    pub fn push(&mut self, owner: K, value: T) -> Option<(K, T)> {
        let evicted = if self.counts.get(&owner).copied().unwrap_or(0) >= self.per_owner {
            self.remove_oldest_of(&owner)
        } else if self.entries.len() >= self.cap {
            // The biggest owner pays; between equals, the one pushing.
            let most = self.counts.values().copied().max().unwrap_or(0);
            let payer = if self.counts.get(&owner) == Some(&most) {
                Some(owner.clone())
            } else {
                self.counts.iter().find(|(_, n)| **n == most).map(|(k, _)| k.clone())
            };
            payer.and_then(|k| self.remove_oldest_of(&k))
        } else {
            None
        };
        *self.counts.entry(owner.clone()).or_default() += 1;
        self.entries.push_back((owner, value));
        evicted
    }

    fn remove_oldest_of(&mut self, owner: &K) -> Option<(K, T)> {
        let at = self.entries.iter().position(|(k, _)| k == owner)?;
        let removed = self.entries.remove(at)?;
        self.forget(owner);
        Some(removed)
    }

    fn forget(&mut self, owner: &K) {
        if let Some(n) = self.counts.get_mut(owner) {
            *n -= 1;
            if *n == 0 {
                self.counts.remove(owner);
            }
        }
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &(K, T)> {
        self.entries.iter()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut (K, T)> {
        self.entries.iter_mut()
    }

    /// Keeps the entries for which `keep` says yes.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &T) -> bool) {
        let mut kept = VecDeque::with_capacity(self.entries.len());
        for (owner, value) in std::mem::take(&mut self.entries) {
            if keep(&owner, &value) {
                kept.push_back((owner, value));
            } else {
                self.forget(&owner);
            }
        }
        self.entries = kept;
    }
}

#[cfg(test)]
mod tests {
    use super::Ring;

    #[test]
    fn the_owner_holding_the_most_gives_up_its_oldest() {
        let mut ring = Ring::new(4, 3);
        for n in 0..3 {
            assert!(ring.push("busy", n).is_none());
        }
        assert_eq!(ring.push("busy", 3), Some(("busy", 0)), "its own share is full");
        assert!(ring.push("quiet", 10).is_none());
        assert_eq!(ring.push("quiet", 11), Some(("busy", 1)), "the ring is full: the biggest owner pays");
        let left: Vec<_> = ring.iter().copied().collect();
        assert_eq!(left, [("busy", 2), ("busy", 3), ("quiet", 10), ("quiet", 11)]);
        ring.retain(|owner, _| *owner == "quiet");
        assert_eq!(ring.iter().count(), 2);
        for n in 0..10 {
            ring.push("busy", n);
        }
        assert_eq!(
            ring.iter().filter(|(k, _)| *k == "quiet").count(),
            2,
            "a busy owner never evicts a quiet one's share"
        );
    }
}
