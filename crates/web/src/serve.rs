//! The accept loop: HTTP/1.1 over hyper with deadlines and a bound on open connections, so that
//! clients that send slowly, or open connections and send nothing, cannot take the server down.
//!
//! - **Headers** must arrive within [`Config::header_timeout`] of the connection opening or of
//!   the previous answer on a keep-alive connection; otherwise the connection is closed. An idle
//!   keep-alive connection is thus closed after the same time.
//! - **A body** must arrive whole within [`Config::body_timeout`] of its headers; otherwise the
//!   request is answered 408 and the connection closed.
//! - **An answer** must be taken by the client: a connection on which nothing can be written
//!   for [`Config::send_timeout`] is closed, so a client that stops reading does not pin it.
//! - **Connections** are at most [`Config::max_connections`] (by default sized from the
//!   process's file-descriptor limit). At the limit a new client is still served: the oldest
//!   connection with no request in progress (idle, or still sending its headers) is closed to
//!   make room. A full file table (`EMFILE`) does the same and backs off briefly, so the loop
//!   neither spins nor stops.
//!
//! Handlers see `ConnectInfo<SocketAddr>` as with `axum::serve`; shutdown is graceful: the
//! listener closes, idle connections close, and requests in flight are finished.

use crate::Config;
use crate::error::ApiError;
use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, Response, header};
use axum::response::IntoResponse;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// File descriptors kept back from connections for the database, files and the listener.
const RESERVED_DESCRIPTORS: u64 = 256;
/// The most connections the default allows, whatever the descriptor limit.
const DEFAULT_CONNECTION_CAP: u64 = 10_000;

/// Raises the soft limit on open files to the hard limit, and returns the limit now in force
/// (`None` where the platform has no such limit or it cannot be read).
pub fn raise_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        rlimit::increase_nofile_limit(u64::MAX).ok()
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The default connection limit for a descriptor limit: what is left after the reserve (at
/// least half the limit), capped at 10,000.
pub fn default_max_connections(file_limit: Option<u64>) -> usize {
    let Some(limit) = file_limit else {
        return 1_000;
    };
    let usable = limit
        .saturating_sub(RESERVED_DESCRIPTORS)
        .max(limit / 2)
        .clamp(1, DEFAULT_CONNECTION_CAP);
    usize::try_from(usable).unwrap_or(1_000)
}

/// Serves `app` on `listener` until `shutdown` completes, then finishes the requests in flight.
///
/// Limits come from `config`: [`Config::header_timeout`], [`Config::body_timeout`] and
/// [`Config::max_connections`] (`None`: sized from the current descriptor limit).
pub async fn serve<F>(
    listener: TcpListener,
    app: Router,
    config: &Config,
    shutdown: F,
) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send,
{
    let limit = config
        .max_connections
        .unwrap_or_else(|| default_max_connections(current_file_limit()))
        .max(1);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        .keep_alive(true);
    let shared = Arc::new(Shared {
        app,
        http,
        body_timeout: config.body_timeout,
        send_timeout: config.send_timeout,
        open: Open::default(),
    });
    tracing::info!(
        max_connections = limit,
        header_timeout_s = config.header_timeout.as_secs_f64(),
        body_timeout_s = config.body_timeout.as_secs_f64(),
        send_timeout_s = config.send_timeout.as_secs_f64(),
        "connection limits"
    );
    // Every connection task holds a receiver: shutdown waits until all are gone.
    let (stop_sender, stop_receiver) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, remote) = match accepted {
            Ok(pair) => pair,
            Err(error) if is_connection_error(&error) => continue,
            Err(error) => {
                // Most likely out of descriptors: make room if a connection is idle, and wait
                // a moment either way rather than spin on the same error.
                let freed = shared.open.evict_oldest_idle();
                if freed {
                    tracing::debug!(%error, "cannot accept a connection; closed an idle one");
                } else {
                    tracing::warn!(%error, "cannot accept a connection; backing off");
                }
                let pause = if freed { 5 } else { 100 };
                tokio::time::sleep(Duration::from_millis(pause)).await;
                continue;
            }
        };
        if shared.open.len() >= limit && !shared.open.evict_oldest_idle() {
            // Every connection has a request in progress: serve this one too rather than turn
            // it away; the reserve of descriptors absorbs the overshoot.
            tracing::debug!(limit, "all connections busy; serving over the limit");
        }
        let slot = shared.open.insert();
        tokio::spawn(connection(
            Arc::clone(&shared),
            stream,
            remote,
            slot,
            stop_receiver.clone(),
        ));
    }
    drop(listener);
    tracing::info!(
        open = shared.open.len(),
        "stopped accepting; finishing requests in flight"
    );
    shared.open.evict_all_idle();
    let _ = stop_sender.send(true);
    drop(stop_receiver);
    stop_sender.closed().await;
    Ok(())
}

/// Errors of one connection that say nothing about the listener.
fn is_connection_error(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    )
}

fn current_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        rlimit::Resource::NOFILE
            .get()
            .ok()
            .map(|(soft, _hard)| soft)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// What every connection task shares.
#[derive(Debug)]
struct Shared {
    app: Router,
    http: hyper::server::conn::http1::Builder,
    body_timeout: Duration,
    send_timeout: Duration,
    open: Open,
}

/// One open connection as the accept loop sees it.
#[derive(Debug, Default)]
struct Slot {
    /// Requests whose headers arrived and whose answer is not yet sent whole.
    in_progress: AtomicUsize,
    /// Told to close the connection now.
    evict: Notify,
}

/// The open connections, oldest first (ids only grow).
#[derive(Debug, Default)]
struct Open {
    slots: Mutex<BTreeMap<u64, Arc<Slot>>>,
    next_id: std::sync::atomic::AtomicU64,
}

impl Open {
    fn lock(&self) -> MutexGuard<'_, BTreeMap<u64, Arc<Slot>>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn len(&self) -> usize {
        self.lock().len()
    }

    fn insert(&self) -> (u64, Arc<Slot>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let slot = Arc::new(Slot::default());
        self.lock().insert(id, Arc::clone(&slot));
        (id, slot)
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Closes the oldest connection with no request in progress; whether there was one.
    fn evict_oldest_idle(&self) -> bool {
        let mut slots = self.lock();
        let oldest = slots
            .iter()
            .find(|(_, slot)| slot.in_progress.load(Ordering::Acquire) == 0)
            .map(|(id, _)| *id);
        match oldest.and_then(|id| slots.remove(&id)) {
            Some(slot) => {
                slot.evict.notify_one();
                true
            }
            None => false,
        }
    }

    /// Closes every connection with no request in progress (at shutdown).
    fn evict_all_idle(&self) {
        self.lock().retain(|_, slot| {
            let idle = slot.in_progress.load(Ordering::Acquire) == 0;
            if idle {
                slot.evict.notify_one();
            }
            !idle
        });
    }
}

/// Serves one connection until the client or the server closes it, it is evicted, or shutdown
/// has finished its request in flight.
async fn connection(
    shared: Arc<Shared>,
    stream: TcpStream,
    remote: SocketAddr,
    (id, slot): (u64, Arc<Slot>),
    mut stop: watch::Receiver<bool>,
) {
    // Answers are written whole; waiting to fill packets only adds latency.
    let _ = stream.set_nodelay(true);
    let service = {
        let shared = Arc::clone(&shared);
        let slot = Arc::clone(&slot);
        hyper::service::service_fn(move |request: Request<Incoming>| {
            answer(Arc::clone(&shared), Arc::clone(&slot), remote, request)
        })
    };
    let stream = Unread {
        inner: stream,
        limit: shared.send_timeout,
        stalled: None,
    };
    let connection = shared.http.serve_connection(TokioIo::new(stream), service);
    let mut connection = pin!(connection);
    let mut stopping = *stop.borrow();
    if stopping {
        connection.as_mut().graceful_shutdown();
    }
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, %remote, "connection ended");
                }
                break;
            }
            () = slot.evict.notified() => {
                tracing::debug!(%remote, "closing an idle connection to make room");
                break;
            }
            changed = stop.changed(), if !stopping => {
                stopping = true;
                if changed.is_ok() {
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
    shared.open.remove(id);
}

/// One request: the router's answer, with the body held to its deadline and the connection
/// marked busy until the answer is sent.
async fn answer(
    shared: Arc<Shared>,
    slot: Arc<Slot>,
    remote: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let busy = Busy::new(slot);
    let late = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now() + shared.body_timeout;
    let mut request = request.map(|body| {
        Body::new(Deadline {
            inner: body,
            deadline,
            sleep: None,
            late: Arc::clone(&late),
        })
    });
    request.extensions_mut().insert(ConnectInfo(remote));
    let response = match shared.app.clone().oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let response = if late.load(Ordering::Acquire) {
        tracing::info!(%remote, "request body too slow; answered 408");
        too_slow(shared.body_timeout)
    } else {
        response
    };
    Ok(response.map(|body| {
        Body::new(Sent {
            inner: body,
            _busy: busy,
        })
    }))
}

/// The answer to a body that did not arrive in time: 408, and the connection is closed (what
/// is left of the body is not worth waiting for).
fn too_slow(timeout: Duration) -> Response<Body> {
    let mut response = ApiError::BadRequest(format!(
        "the request body did not arrive within {} s",
        timeout.as_secs_f64()
    ))
    .into_response();
    *response.status_mut() = axum::http::StatusCode::REQUEST_TIMEOUT;
    let headers = response.headers_mut();
    for (name, value) in crate::security::security_headers() {
        headers.entry(name).or_insert(value);
    }
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Counts a request as in progress for as long as it lives.
#[derive(Debug)]
struct Busy(Arc<Slot>);

impl Busy {
    fn new(slot: Arc<Slot>) -> Busy {
        slot.in_progress.fetch_add(1, Ordering::AcqRel);
        Busy(slot)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.in_progress.fetch_sub(1, Ordering::AcqRel);
    }
}

/// An answer's body that keeps its request counted as in progress until it is sent whole (the
/// connection drops the body then) or the connection ends.
#[derive(Debug)]
struct Sent {
    inner: Body,
    _busy: Busy,
}

impl HttpBody for Sent {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A request body that must arrive whole by a deadline; past it, reading fails and `late` says
/// so.
#[derive(Debug)]
struct Deadline {
    inner: Incoming,
    deadline: Instant,
    /// Started on the first wait, so requests whose body is already here set no timer.
    sleep: Option<Pin<Box<Sleep>>>,
    late: Arc<AtomicBool>,
}

/// The error a late body reads as.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
struct BodyTooSlow;

impl HttpBody for Deadline {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::BoxError>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(axum::BoxError::from)));
        }
        let deadline = this.deadline;
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => {
                this.late.store(true, Ordering::Release);
                Poll::Ready(Some(Err(BodyTooSlow.into())))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A connection's socket that fails a write which could make no progress for `limit`: the
/// client has stopped reading its answer.
#[derive(Debug)]
struct Unread {
    inner: TcpStream,
    limit: Duration,
    /// Started when a write first has to wait; cleared by any progress.
    stalled: Option<Pin<Box<Sleep>>>,
}

impl Unread {
    /// What to answer when a write would wait: wait, or fail once the wait is too long.
    fn waiting<T>(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<T>> {
        let limit = self.limit;
        let stalled = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match stalled.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the client stopped reading its answer",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn progressed<T>(&mut self, result: std::io::Result<T>) -> Poll<std::io::Result<T>> {
        self.stalled = None;
        Poll::Ready(result)
    }
}

impl AsyncRead for Unread {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Unread {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Ready(result) => this.progressed(result),
            Poll::Pending => this.waiting(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write_vectored(cx, bufs) {
            Poll::Ready(result) => this.progressed(result),
            Poll::Pending => this.waiting(cx),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_flush(cx) {
            Poll::Ready(result) => this.progressed(result),
            Poll::Pending => this.waiting(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_shutdown(cx) {
            Poll::Ready(result) => this.progressed(result),
            Poll::Pending => this.waiting(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::default_max_connections;

    #[test]
    fn the_default_limit_leaves_descriptors_for_the_database_and_files() {
        assert_eq!(default_max_connections(Some(1024)), 768);
        assert_eq!(default_max_connections(Some(20_000)), 10_000);
        assert_eq!(default_max_connections(Some(1_048_576)), 10_000);
        // A small limit still leaves half to connections.
        assert_eq!(default_max_connections(Some(300)), 150);
        assert_eq!(default_max_connections(Some(1)), 1);
        assert_eq!(default_max_connections(None), 1_000);
    }
}
