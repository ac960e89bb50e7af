//! Results computed once per (assessment, revision), shared by the API and the pages.
//!
//! - **Keyed by revision**, which lives in the shared database, so an instance never serves a
//!   result older than the content another instance just changed. A document that names no
//!   as-of date is assessed as of today, so its entry also carries that day and is stale the
//!   next day.
//! - **One computation at a time per assessment** ([`ResultCache::get_or_compute`]): requests
//!   that miss together wait for the first one's computation and then take its entry, so a
//!   crowd arriving after a change computes once.
//! - **Two budgets.** Every entry keeps the result JSON gzip-compressed (what the API sends)
//!   within [`MAX_BYTES`]. The most recent entries also keep the engine's values (the result
//!   and the assessment the pages read) within [`HELD_BYTES`], counted by the length of the
//!   JSON, which is of the same order as the values in memory; an older entry keeps its bytes
//!   only, and a page asking for its values computes them again.

use aimsgap_assess::{Assessment, AssessmentResult};
use aimsgap_catalog::Date;
use axum::body::Bytes;
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The budget for the compressed results (a result of 250 kB compresses to about 20 kB).
pub const MAX_BYTES: usize = 32 * 1024 * 1024;
/// The budget for the results held as values, by the length of their JSON.
pub const HELD_BYTES: usize = 48 * 1024 * 1024;

/// What the engine made of an assessment: the pages read these.
#[derive(Debug)]
pub struct Computed {
    pub result: AssessmentResult,
    /// The assessment as the engine read it (with the evidence register merged in).
    pub assessment: Assessment,
}

/// One cached result.
#[derive(Debug)]
pub struct Cached {
    pub revision: i64,
    /// `None` when the document names its as-of date; otherwise the day the clock gave, the
    /// only day the result is good for.
    pub day: Option<Date>,
    /// The JSON result, gzip-compressed.
    pub gzip: Bytes,
    /// The engine's values, while the entry is among the most recent ones.
    pub computed: Option<Arc<Computed>>,
    /// The length of the JSON text: what holding `computed` counts against [`HELD_BYTES`].
    json_len: usize,
}

impl Cached {
    /// Compresses a rendered result.
    pub fn new(
        revision: i64,
        day: Option<Date>,
        json: impl AsRef<[u8]>,
        computed: Option<Arc<Computed>>,
    ) -> Cached {
        let json = json.as_ref();
        // The `first_touch` bench of the report crate times this step apart: keep them alike.
        let mut encoder = GzEncoder::new(Vec::with_capacity(json.len() / 8), Compression::fast());
        let gzip = encoder
            .write_all(json)
            .and_then(|()| encoder.finish())
            .unwrap_or_default();
        Cached {
            revision,
            day,
            gzip: Bytes::from(gzip),
            computed,
            json_len: json.len(),
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

    /// Whether the entry is the result of this revision on this day.
    fn is_current(&self, revision: i64, today: Date) -> bool {
        self.revision == revision && self.day.is_none_or(|day| day == today)
    }

    /// The entry without its values (its bytes only).
    fn bytes_only(&self) -> Cached {
        Cached {
            revision: self.revision,
            day: self.day,
            gzip: self.gzip.clone(),
            computed: None,
            json_len: self.json_len,
        }
    }

    fn held(&self) -> usize {
        if self.computed.is_some() {
            self.json_len
        } else {
            0
        }
    }
}

/// What a caller needs of an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// The compressed JSON (the API).
    Bytes,
    /// The engine's values too (the pages).
    Values,
}

#[derive(Debug, Default)]
struct Inner {
    map: HashMap<String, Arc<Cached>>,
    /// Entries, oldest first, for [`MAX_BYTES`].
    order: VecDeque<String>,
    bytes: usize,
    /// Entries that hold their values, oldest first, for [`HELD_BYTES`]. An id may appear
    /// twice when its entry was replaced; the older appearance then strips early, which only
    /// costs a recomputation.
    held_order: VecDeque<String>,
    held: usize,
}

impl Inner {
    fn remove(&mut self, id: &str) {
        if let Some(gone) = self.map.remove(id) {
            self.bytes = self.bytes.saturating_sub(gone.gzip.len());
            self.held = self.held.saturating_sub(gone.held());
        }
    }
}

/// The cache: first in, first out within each budget.
#[derive(Debug, Default)]
pub struct ResultCache {
    inner: Mutex<Inner>,
    /// One lock per assessment being computed; removed once nobody waits on it.
    flights: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Results computed since start (what the single-flight tests count).
    computations: AtomicU64,
    /// Stored assessments the engine assessed since start, through the cache or not.
    assessed: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Takes an assessment's flight lock out of the table when the last request holding it ends,
/// also when a request is dropped half-way (its client went away).
struct Flight<'a> {
    cache: &'a ResultCache,
    id: &'a str,
    lock: Arc<tokio::sync::Mutex<()>>,
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        let mut flights = lock(&self.cache.flights);
        // The table's reference and this one: nobody else waits.
        if Arc::strong_count(&self.lock) == 2 {
            flights.remove(self.id);
        }
    }
}

impl ResultCache {
    /// The cached result of an assessment, if it is of this revision (and, for a document
    /// without an as-of date, of this day) and holds what is needed.
    pub fn get(&self, id: &str, revision: i64, today: Date, need: Need) -> Option<Arc<Cached>> {
        lock(&self.inner)
            .map
            .get(id)
            .filter(|c| c.is_current(revision, today))
            .filter(|c| need == Need::Bytes || c.computed.is_some())
            .cloned()
    }

    /// The cached result, or the one `compute` makes: concurrent callers for the same
    /// assessment wait for one computation. An error is not cached: the next caller tries
    /// again.
    pub async fn get_or_compute<E, F, Fut>(
        &self,
        id: &str,
        revision: i64,
        today: Date,
        need: Need,
        compute: F,
    ) -> Result<Arc<Cached>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Cached, E>>,
    {
        if let Some(hit) = self.get(id, revision, today, need) {
            return Ok(hit);
        }
        let flight = Flight {
            cache: self,
            id,
            lock: Arc::clone(lock(&self.flights).entry(id.to_string()).or_default()),
        };
        let _turn = flight.lock.lock().await;
        if let Some(hit) = self.get(id, revision, today, need) {
            return Ok(hit);
        }
        self.computations.fetch_add(1, Ordering::Relaxed);
        let fresh = Arc::new(compute().await?);
        self.insert(id, Arc::clone(&fresh));
        Ok(fresh)
    }

    pub fn insert(&self, id: &str, cached: Arc<Cached>) {
        let mut inner = lock(&self.inner);
        let holds = cached.held();
        let held_before = match inner.map.insert(id.to_string(), Arc::clone(&cached)) {
            Some(old) => {
                inner.bytes = inner.bytes.saturating_sub(old.gzip.len());
                inner.held = inner.held.saturating_sub(old.held());
                old.held() > 0
            }
            None => {
                inner.order.push_back(id.to_string());
                false
            }
        };
        inner.bytes += cached.gzip.len();
        inner.held += holds;
        if holds > 0 && !held_before {
            inner.held_order.push_back(id.to_string());
        }
        while inner.bytes > MAX_BYTES {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            inner.remove(&oldest);
        }
        while inner.held > HELD_BYTES {
            let Some(oldest) = inner.held_order.pop_front() else {
                break;
            };
            let stripped = inner
                .map
                .get(&oldest)
                .filter(|c| c.computed.is_some())
                .map(|c| Arc::new(c.bytes_only()));
            if let Some(stripped) = stripped
                && let Some(old) = inner.map.insert(oldest, stripped)
            {
                inner.held = inner.held.saturating_sub(old.held());
            }
        }
    }

    /// Results computed since start.
    pub fn computations(&self) -> u64 {
        self.computations.load(Ordering::Relaxed)
    }

    /// Counts one assessment of a stored document by the engine.
    pub(crate) fn count_assessed(&self) {
        self.assessed.fetch_add(1, Ordering::Relaxed);
    }

    /// Bytes held: compressed, and counted for the values.
    #[cfg(test)]
    fn budgets(&self) -> (usize, usize) {
        let inner = lock(&self.inner);
        (inner.bytes, inner.held)
    }
}

impl crate::AppState {
    /// How many results this server has computed for its cache since it started: one per
    /// assessment and revision however many requests asked at once (tests and diagnostics).
    pub fn results_computed(&self) -> u64 {
        self.results.computations()
    }

    /// How many times this server has run the engine on a stored assessment since it started,
    /// through the cache or not: a route that reads the cached result adds nothing.
    pub fn assessments_run(&self) -> u64 {
        self.results.assessed.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn round_trips_and_stays_within_budget() {
        let today = day("2026-12-02");
        let text = "{\"schema\": \"x\"}".repeat(1000);
        let cached = Cached::new(3, None, &text, None);
        assert!(cached.gzip.len() < text.len() / 10);
        assert_eq!(cached.json(), Bytes::from(text.clone()));
        let cache = ResultCache::default();
        cache.insert("a", Arc::new(cached));
        assert!(cache.get("a", 3, today, Need::Bytes).is_some());
        assert!(
            cache.get("a", 3, today, Need::Values).is_none(),
            "no values held"
        );
        assert!(
            cache.get("a", 4, today, Need::Bytes).is_none(),
            "another revision is a miss"
        );
        for i in 0..10_000 {
            let noise: String = (0..2000)
                .map(|j| char::from(b'a' + ((i * 7 + j * 13) % 26) as u8))
                .collect();
            cache.insert(
                &format!("k{i}"),
                Arc::new(Cached::new(1, None, &noise, None)),
            );
        }
        assert!(cache.budgets().0 <= MAX_BYTES);
    }

    /// A document without an as-of date is assessed as of today; its result used to be served
    /// the next day too, dated the day before, until the assessment changed.
    #[test]
    fn a_result_dated_by_the_clock_is_stale_the_next_day_and_a_fixed_date_is_not() {
        let cache = ResultCache::default();
        let today = day("2026-12-02");
        let tomorrow = day("2026-12-03");
        cache.insert("clock", Arc::new(Cached::new(1, Some(today), "{}", None)));
        cache.insert("fixed", Arc::new(Cached::new(1, None, "{}", None)));
        assert!(cache.get("clock", 1, today, Need::Bytes).is_some());
        assert!(cache.get("clock", 1, tomorrow, Need::Bytes).is_none());
        assert!(cache.get("fixed", 1, tomorrow, Need::Bytes).is_some());
    }

    fn computed() -> Arc<Computed> {
        let catalog = aimsgap_catalog::builtin().unwrap();
        let text = include_str!("../../../examples/saas-chatbot-iso27001.yaml");
        let assessment =
            aimsgap_assess::parse_assessment("example", text, &catalog, day("2026-12-02")).unwrap();
        let result = aimsgap_assess::assess(&catalog, &assessment).unwrap();
        Arc::new(Computed { result, assessment })
    }

    #[test]
    fn values_are_held_for_the_newest_entries_only_and_bytes_stay() {
        let cache = ResultCache::default();
        let today = day("2026-12-02");
        let values = computed();
        // Each entry counts a tenth of the budget for its values.
        let json = "x".repeat(HELD_BYTES / 10);
        for i in 0..25 {
            cache.insert(
                &format!("a{i}"),
                Arc::new(Cached::new(1, None, &json, Some(Arc::clone(&values)))),
            );
        }
        let (_, held) = cache.budgets();
        assert!(held <= HELD_BYTES, "{held}");
        assert!(cache.get("a0", 1, today, Need::Values).is_none());
        assert!(cache.get("a0", 1, today, Need::Bytes).is_some());
        assert!(cache.get("a24", 1, today, Need::Values).is_some());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_misses_compute_once_and_an_error_is_not_kept() {
        let cache = Arc::new(ResultCache::default());
        let today = day("2026-12-02");
        let runs = Arc::new(AtomicU64::new(0));
        let mut waiting = Vec::new();
        for _ in 0..16 {
            let (cache, runs) = (Arc::clone(&cache), Arc::clone(&runs));
            waiting.push(tokio::spawn(async move {
                cache
                    .get_or_compute("a", 7, today, Need::Bytes, || async {
                        runs.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        Ok::<_, ()>(Cached::new(7, None, "{\"ok\":1}", None))
                    })
                    .await
            }));
        }
        for handle in waiting {
            let cached = handle.await.unwrap().unwrap();
            assert_eq!(cached.json(), Bytes::from_static(b"{\"ok\":1}"));
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(cache.computations(), 1);
        assert!(lock(&cache.flights).is_empty(), "no lock left behind");

        let failed = cache
            .get_or_compute("b", 1, today, Need::Bytes, || async {
                Err::<Cached, _>("no")
            })
            .await;
        assert!(failed.is_err());
        let again = cache
            .get_or_compute("b", 1, today, Need::Bytes, || async {
                Ok::<_, ()>(Cached::new(1, None, "{}", None))
            })
            .await;
        assert!(again.is_ok(), "a failed computation is tried again");
        assert_eq!(cache.computations(), 3);
    }
}
