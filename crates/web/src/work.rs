//! Bounded pools for slow blocking work: hashing a password (Argon2id, 19 MiB and tens of
//! milliseconds each) and rendering a report (a PDF takes a fifth of a second of CPU or more).
//!
//! Such work never runs on the request threads, and never more of it at once than a pool has
//! threads: a request waits in the pool's queue for a thread, and when the queue is full too it
//! is refused at once with [`ApiError::Busy`] (503 with `Retry-After`). So the memory slow work
//! can take is bounded (threads x the work's own size), and the request threads stay free to
//! answer `/healthz` and everything else while a crowd asks for hashes or PDFs.

use crate::error::{ApiError, ApiResult};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

/// A pool of `threads` threads with a queue of `queue` waiting requests.
#[derive(Debug)]
pub struct Pool {
    name: &'static str,
    threads: usize,
    queue: usize,
    permits: Arc<Semaphore>,
    /// Requests admitted: running or waiting for a thread.
    admitted: AtomicUsize,
    /// Jobs running now, and the most ever seen at once.
    running: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
    /// Requests refused because the queue was full.
    refused: AtomicUsize,
}

/// Gives an admitted request's place back when it finishes or is dropped (the client left).
struct Admission<'a>(&'a AtomicUsize);

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Counts a running job out when it ends, even by panic.
struct Running(Arc<AtomicUsize>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Pool {
    /// A pool of `threads` threads (at least one) and a queue of `queue` requests.
    pub fn new(name: &'static str, threads: usize, queue: usize) -> Pool {
        let threads = threads.max(1);
        Pool {
            name,
            threads,
            queue,
            permits: Arc::new(Semaphore::new(threads)),
            admitted: AtomicUsize::new(0),
            running: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
            refused: AtomicUsize::new(0),
        }
    }

    /// Runs `job` on one of the pool's threads once one is free; [`ApiError::Busy`] at once
    /// when `threads + queue` requests are already running or waiting.
    pub async fn run<T, F>(&self, job: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let limit = self.threads.saturating_add(self.queue);
        if self
            .admitted
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < limit).then_some(n + 1)
            })
            .is_err()
        {
            self.refused.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(pool = self.name, "pool queue full: answering 503");
            return Err(ApiError::Busy);
        }
        let _admission = Admission(&self.admitted);
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|e| ApiError::Internal(format!("{} pool closed: {e}", self.name)))?;
        let running = Arc::clone(&self.running);
        let peak = Arc::clone(&self.peak);
        // The permit moves into the job, so a thread stays counted until its job ends, even
        // when the request that asked for it has gone.
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let now = running.fetch_add(1, Ordering::AcqRel) + 1;
            peak.fetch_max(now, Ordering::AcqRel);
            let _running = Running(running);
            job()
        })
        .await
        .map_err(|e| ApiError::Internal(format!("{} job failed: {e}", self.name)))
    }

    /// The most jobs this pool ever ran at once (never more than its threads).
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Acquire)
    }

    /// How many requests were refused with 503 because the queue was full.
    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::Acquire)
    }

    /// The pool's number of threads.
    pub fn threads(&self) -> usize {
        self.threads
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_is_refused_and_no_more_jobs_run_than_threads() {
        let pool = Arc::new(Pool::new("test", 2, 3));
        let (release, gate) = std::sync::mpsc::channel::<()>();
        let gate = Arc::new(std::sync::Mutex::new(gate));
        let mut tasks = Vec::new();
        for _ in 0..12 {
            let pool = Arc::clone(&pool);
            let gate = Arc::clone(&gate);
            tasks.push(tokio::spawn(async move {
                pool.run(move || {
                    if let Ok(gate) = gate.lock() {
                        let _ = gate.recv_timeout(Duration::from_secs(10));
                    }
                })
                .await
            }));
        }
        // Give every request time to be admitted or refused, then let the jobs end.
        for _ in 0..1000 {
            if pool.refused() >= 7 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        for _ in 0..12 {
            let _ = release.send(());
        }
        let mut busy = 0;
        let mut done = 0;
        for task in tasks {
            match task.await {
                Ok(Ok(())) => done += 1,
                Ok(Err(ApiError::Busy)) => busy += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!((done, busy), (5, 7));
        assert!(pool.peak() <= 2, "peak {}", pool.peak());
        assert!(pool.peak() >= 1);
    }
}
