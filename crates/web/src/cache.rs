//! Results computed per (assessment, revision), kept gzip-compressed within a memory budget.
//! The revision lives in the shared database, so an instance never serves a result older than
//! the content another instance just changed.

use axum::body::Bytes;
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

/// The budget for cached results, compressed (a result of 250 kB compresses to about 20 kB).
pub const MAX_BYTES: usize = 32 * 1024 * 1024;

/// One cached result.
#[derive(Debug)]
pub struct Cached {
    pub revision: i64,
    /// The JSON result, gzip-compressed.
    pub gzip: Bytes,
}

impl Cached {
    /// Compresses a rendered result.
    pub fn new(revision: i64, json: &str) -> Cached {
        let mut encoder = GzEncoder::new(Vec::with_capacity(json.len() / 8), Compression::fast());
        let gzip = encoder
            .write_all(json.as_bytes())
            .and_then(|()| encoder.finish())
            .unwrap_or_default();
        Cached {
            revision,
            gzip: Bytes::from(gzip),
        }
    }

    /// The JSON text, for clients that do not accept gzip.
    pub fn json(&self) -> Bytes {
        let mut out = Vec::with_capacity(self.gzip.len() * 10);
        match GzDecoder::new(self.gzip.as_ref()).read_to_end(&mut out) {
            Ok(_) => Bytes::from(out),
            Err(_) => Bytes::new(),
        }
    }
}

#[derive(Debug, Default)]
struct Inner {
    map: HashMap<String, Arc<Cached>>,
    order: VecDeque<String>,
    bytes: usize,
}

/// The cache: first in, first out within [`MAX_BYTES`].
#[derive(Debug, Default)]
pub struct ResultCache {
    inner: Mutex<Inner>,
}

impl ResultCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        match self.inner.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The cached result of an assessment, if it is of this revision.
    pub fn get(&self, id: &str, revision: i64) -> Option<Arc<Cached>> {
        self.lock()
            .map
            .get(id)
            .filter(|c| c.revision == revision)
            .cloned()
    }

    pub fn insert(&self, id: &str, cached: Arc<Cached>) {
        let mut inner = self.lock();
        if let Some(old) = inner.map.insert(id.to_string(), cached.clone()) {
            inner.bytes = inner.bytes.saturating_sub(old.gzip.len());
        } else {
            inner.order.push_back(id.to_string());
        }
        inner.bytes += cached.gzip.len();
        while inner.bytes > MAX_BYTES {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some(gone) = inner.map.remove(&oldest) {
                inner.bytes = inner.bytes.saturating_sub(gone.gzip.len());
            }
        }
    }

    /// Bytes held.
    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_stays_within_budget() {
        let text = "{\"schema\": \"x\"}".repeat(1000);
        let cached = Cached::new(3, &text);
        assert!(cached.gzip.len() < text.len() / 10);
        assert_eq!(cached.json(), Bytes::from(text.clone()));
        let cache = ResultCache::default();
        cache.insert("a", Arc::new(cached));
        assert!(cache.get("a", 3).is_some());
        assert!(cache.get("a", 4).is_none(), "another revision is a miss");
        for i in 0..10_000 {
            let noise: String = (0..2000)
                .map(|j| char::from(b'a' + ((i * 7 + j * 13) % 26) as u8))
                .collect();
            cache.insert(&format!("k{i}"), Arc::new(Cached::new(1, &noise)));
        }
        assert!(cache.bytes() <= MAX_BYTES);
    }
}
