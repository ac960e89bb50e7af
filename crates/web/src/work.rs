//! Bounded pools for slow blocking work: hashing a password (Argon2id, 19 MiB and tens of
//! milliseconds each) and rendering a report (a PDF takes a fifth of a second of CPU or more).
//!
//! Such work never runs on the request threads, and never more of it at once than a pool has
//! threads: a request waits in the pool's queue for a thread, and when the queue is full too it
//! is refused at once with [`ApiError::Busy`] (503 with `Retry-After`). So the memory slow work
//! can take is bounded (threads x the work's own size), and the request threads stay free to
//! answer `/healthz` and everything else while a crowd asks for hashes or PDFs.

use crate::error::{ApiError, ApiResult};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};

type Job = Box<dyn FnOnce() + Send>;

/// A pool of `threads` threads of its own with a queue of `queue` waiting requests.
///
/// Its threads are started once and live as long as the pool: always the same few threads do
/// the work, so the memory allocators keep no more per-thread arenas of 19 MiB hashes than
/// there are threads (a fresh blocking thread per job left hundreds of megabytes behind).
#[derive(Debug)]
pub struct Pool {
    name: &'static str,
    threads: usize,
    queue: usize,
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    counts: Arc<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    /// Jobs admitted and not yet finished: running or waiting for a thread. A job whose caller
    /// left still counts until it has run, so the queue is bounded whatever clients do.
    admitted: AtomicUsize,
    /// Jobs running now, and the most ever seen at once.
    running: AtomicUsize,
    peak: AtomicUsize,
    /// Requests refused because the queue was full.
    refused: AtomicUsize,
}

/// Counts a job out when it ends, even by panic.
struct Finished<'a>(&'a Counts);

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::AcqRel);
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Pool {
    /// A pool of `threads` threads (at least one) and a queue of `queue` requests. If the
    /// system refuses to start a thread, the pool works with those it has; with none, every
    /// request is an internal error (and logged).
    pub fn new(name: &'static str, threads: usize, queue: usize) -> Pool {
        let threads = threads.max(1);
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let mut started = 0;
        for i in 0..threads {
            let receiver = Arc::clone(&receiver);
            let spawned = std::thread::Builder::new()
                .name(format!("{name}-{i}"))
                .spawn(move || {
                    loop {
                        let job = match receiver.lock() {
                            Ok(guard) => guard.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        match job {
                            // A panicking job must not take the thread with it.
                            Ok(job) => {
                                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                            }
                            // The pool is gone.
                            Err(_) => break,
                        }
                    }
                });
            match spawned {
                Ok(_) => started += 1,
                Err(error) => tracing::error!(pool = name, %error, "cannot start a pool thread"),
            }
        }
        Pool {
            name,
            threads: started,
            queue,
            jobs: Mutex::new((started > 0).then_some(sender)),
            counts: Arc::new(Counts::default()),
        }
    }

    /// Runs `job` on one of the pool's threads once one is free; [`ApiError::Busy`] at once
    /// when `threads + queue` jobs are already running or waiting.
    pub async fn run<T, F>(&self, job: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let limit = self.threads.saturating_add(self.queue);
        let counts = &self.counts;
        if counts
            .admitted
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < limit).then_some(n + 1)
            })
            .is_err()
        {
            counts.refused.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(pool = self.name, "pool queue full: answering 503");
            return Err(ApiError::Busy);
        }
        let (answer, result) = tokio::sync::oneshot::channel();
        let shared = Arc::clone(counts);
        let boxed: Job = Box::new(move || {
            let now = shared.running.fetch_add(1, Ordering::AcqRel) + 1;
            shared.peak.fetch_max(now, Ordering::AcqRel);
            let _finished = Finished(&shared);
            // The caller may have left; then nobody wants the answer.
            let _ = answer.send(job());
        });
        let sent = match self.jobs.lock() {
            Ok(guard) => guard.as_ref().map(|jobs| jobs.send(boxed)),
            Err(poisoned) => poisoned.into_inner().as_ref().map(|jobs| jobs.send(boxed)),
        };
        if !matches!(sent, Some(Ok(()))) {
            counts.admitted.fetch_sub(1, Ordering::AcqRel);
            return Err(ApiError::Internal(format!(
                "the {} pool has no thread",
                self.name
            )));
        }
        result
            .await
            .map_err(|_| ApiError::Internal(format!("a job of the {} pool failed", self.name)))
    }

    /// The most jobs this pool ever ran at once (never more than its threads).
    pub fn peak(&self) -> usize {
        self.counts.peak.load(Ordering::Acquire)
    }

    /// How many requests were refused with 503 because the queue was full.
    pub fn refused(&self) -> usize {
        self.counts.refused.load(Ordering::Acquire)
    }

    /// The pool's number of threads.
    pub fn threads(&self) -> usize {
        self.threads
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // Closing the channel ends the threads once the jobs queued are done.
        match self.jobs.lock() {
            Ok(mut guard) => guard.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
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
