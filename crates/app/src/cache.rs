//! Small in-process caches whose entries expire after a fixed time.
//!
//! This process forgets an entry at once when it changes what the entry
//! says; another process sharing the database (several servers on one
//! PostgreSQL) sees the change within the cache's time to live.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Entries trusted for `ttl`; at most `capacity` of them are kept.
#[derive(Clone, Debug)]
pub(crate) struct TtlCache<K, V> {
    ttl: Duration,
    capacity: usize,
    entries: Arc<Mutex<HashMap<K, Entry<V>>>>,
}

#[derive(Debug)]
struct Entry<V> {
    at: Instant,
    value: V,
    /// When a caller was told to recompute this entry ([`Lookup::Refresh`]).
    refreshing_since: Option<Instant>,
}

/// What [`TtlCache::lookup`] found.
#[derive(Debug, PartialEq)]
pub(crate) enum Lookup<V> {
    /// Use it.
    Fresh(V),
    /// Expired, but another caller is recomputing it: use it meanwhile.
    Stale(V),
    /// Recompute it and `put` it.
    Refresh,
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    pub(crate) fn new(ttl: Duration, capacity: usize) -> Self {
        TtlCache { ttl, capacity, entries: Arc::default() }
    }

    pub(crate) fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.get(key).filter(|e| e.at.elapsed() < self.ttl).map(|e| e.value.clone())
    }

    /// Like `get`, but when an entry has just expired only one caller is
    /// asked to recompute it; the others get the old value (at most two TTLs
    /// old) instead of all recomputing it at once.
    pub(crate) fn lookup(&self, key: &K) -> Lookup<V> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(entry) = entries.get_mut(key) else { return Lookup::Refresh };
        let age = entry.at.elapsed();
        if age < self.ttl {
            return Lookup::Fresh(entry.value.clone());
        }
        let someone_refreshes = entry.refreshing_since.is_some_and(|since| since.elapsed() < self.ttl);
        if someone_refreshes && age < 2 * self.ttl {
            return Lookup::Stale(entry.value.clone());
        }
        entry.refreshing_since = Some(Instant::now());
        Lookup::Refresh
    }

    pub(crate) fn put(&self, key: K, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= self.capacity {
            entries.retain(|_, e| e.at.elapsed() < self.ttl);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, Entry { at: Instant::now(), value, refreshing_since: None });
    }

    pub(crate) fn remove(&self, key: &K) {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).remove(key);
    }

    pub(crate) fn clear(&self) {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_the_cache_stays_within_capacity() {
        let cache = TtlCache::new(Duration::from_millis(50), 2);
        cache.put(1, "a");
        assert_eq!(cache.get(&1), Some("a"));
        cache.put(2, "b");
        cache.put(3, "c"); // full of fresh entries: starts over
        assert_eq!(cache.get(&1), None);
        assert_eq!(cache.get(&3), Some("c"));
        cache.remove(&3);
        assert_eq!(cache.get(&3), None);
        cache.put(4, "d");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get(&4), None, "expired");
    }

    #[test]
    fn one_caller_refreshes_an_expired_entry_while_the_others_get_the_old_value() {
        let cache = TtlCache::new(Duration::from_millis(40), 10);
        assert_eq!(cache.lookup(&1), Lookup::Refresh, "missing");
        cache.put(1, "old");
        assert_eq!(cache.lookup(&1), Lookup::Fresh("old"));
        std::thread::sleep(Duration::from_millis(45));
        assert_eq!(cache.lookup(&1), Lookup::Refresh, "the first caller after expiry recomputes");
        assert_eq!(cache.lookup(&1), Lookup::Stale("old"), "the next ones do not");
        cache.put(1, "new");
        assert_eq!(cache.lookup(&1), Lookup::Fresh("new"));
        std::thread::sleep(Duration::from_millis(85));
        assert_eq!(cache.lookup(&1), Lookup::Refresh, "too old to serve even while refreshing");
    }
}
