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
    entries: Arc<Mutex<HashMap<K, (Instant, V)>>>,
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    pub(crate) fn new(ttl: Duration, capacity: usize) -> Self {
        TtlCache { ttl, capacity, entries: Arc::default() }
    }

    pub(crate) fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.get(key).filter(|(at, _)| at.elapsed() < self.ttl).map(|(_, v)| v.clone())
    }

    pub(crate) fn put(&self, key: K, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= self.capacity {
            entries.retain(|_, (at, _)| at.elapsed() < self.ttl);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, (Instant::now(), value));
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
}
