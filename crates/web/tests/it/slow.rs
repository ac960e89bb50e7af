//! Slow and idle clients against the real accept loop (`aimsgap_web::serve`) on a socket of
//! 127.0.0.1, with small limits: held connections must not use up the server, slow headers and
//! bodies are cut off, and ordinary clients and graceful shutdown still work.

use aimsgap_web::{AppState, Config, app};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::timeout;

/// A generous bound for anything that should take a moment.
const BOUND: Duration = Duration::from_secs(5);

struct Running {
    address: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

async fn start(config: Config) -> Running {
    // Several hundred sockets on both ends: make sure the soft limit is not the low default.
    aimsgap_web::raise_file_limit();
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let state = AppState::new(store, super::catalog(), config.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        aimsgap_web::serve(listener, app(state), &config, async {
            let _ = stopped.await;
        })
        .await
    });
    Running {
        address,
        stop,
        task,
    }
}

fn small(max_connections: usize, header_timeout: Duration, body_timeout: Duration) -> Config {
    Config {
        max_connections: Some(max_connections),
        header_timeout,
        body_timeout,
        send_timeout: body_timeout,
        ..Config::default()
    }
}

/// Reads until the server closes the connection or `BOUND` passes; what arrived.
async fn read_until_closed(stream: &mut TcpStream) -> (String, bool) {
    let mut received = Vec::new();
    let closed = timeout(BOUND, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(buffer.get(..n).unwrap_or_default()),
            }
        }
    })
    .await
    .is_ok();
    (String::from_utf8_lossy(&received).into_owned(), closed)
}

/// One request on a fresh connection, answer read whole.
async fn fetch(address: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let (answer, closed) = read_until_closed(&mut stream).await;
    assert!(
        closed,
        "no complete answer to {path} within {BOUND:?}: {answer}"
    );
    answer
}

/// One keep-alive request for /healthz on an open connection; the answer, read to its length.
async fn exchange(stream: &mut TcpStream) -> String {
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    timeout(BOUND, async {
        loop {
            let n = stream.read(&mut buffer).await.unwrap();
            assert!(n > 0, "closed before answering");
            answer.extend_from_slice(buffer.get(..n).unwrap_or_default());
            let text = String::from_utf8_lossy(&answer);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length: usize = head
                    .lines()
                    .find_map(|line| {
                        line.to_ascii_lowercase()
                            .strip_prefix("content-length: ")
                            .map(|n| n.trim().parse().unwrap())
                    })
                    .unwrap();
                if body.len() >= length {
                    break;
                }
            }
        }
    })
    .await
    .expect("no complete answer on a keep-alive connection");
    String::from_utf8_lossy(&answer).into_owned()
}

/// Counts how many of `streams` the server has closed (EOF or reset within a moment).
async fn count_closed(streams: Vec<TcpStream>) -> usize {
    let mut reads = tokio::task::JoinSet::new();
    for mut stream in streams {
        reads.spawn(async move {
            let mut buffer = [0u8; 64];
            matches!(
                timeout(Duration::from_secs(2), stream.read(&mut buffer)).await,
                Ok(Ok(0) | Err(_))
            )
        });
    }
    let mut closed = 0;
    while let Some(was_closed) = reads.join_next().await {
        if was_closed.unwrap() {
            closed += 1;
        }
    }
    closed
}

/// Regression: half-sent requests were held open without limit until the server ran out of
/// file descriptors and /healthz stopped answering. Now the oldest idle connections are closed
/// to make room, and a new client is served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_half_requests_do_not_use_up_the_server() {
    // A header timeout far longer than the test: only the connection limit can free sockets.
    let server = start(small(50, Duration::from_secs(60), Duration::from_secs(60))).await;
    let mut held = Vec::new();
    for _ in 0..500 {
        let mut stream = TcpStream::connect(server.address).await.unwrap();
        stream.write_all(b"GET /healthz HTT").await.unwrap();
        held.push(stream);
    }
    let answer = timeout(BOUND, fetch(server.address, "/healthz"))
        .await
        .expect("/healthz did not answer while 500 half-sent requests were held");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // The server holds at most its limit: the rest of the held connections were closed.
    let closed = count_closed(held).await;
    assert!(
        closed >= 500 - 50,
        "only {closed} of 500 held connections were closed; the limit is 50"
    );
    let _ = server.stop.send(());
    timeout(BOUND, server.task).await.unwrap().unwrap().unwrap();
}

/// Idle keep-alive connections (an answer sent, nothing since) make room as well: an attacker
/// cannot pin connections by completing one cheap request on each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answered_keep_alive_connections_make_room_too() {
    let server = start(small(50, Duration::from_secs(60), Duration::from_secs(60))).await;
    let mut held = Vec::new();
    for _ in 0..120 {
        let mut stream = TcpStream::connect(server.address).await.unwrap();
        let answer = exchange(&mut stream).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        held.push(stream);
    }
    let closed = count_closed(held).await;
    assert!(
        closed >= 120 - 50,
        "only {closed} of 120 idle keep-alive connections were closed; the limit is 50"
    );
    let _ = server.stop.send(());
    timeout(BOUND, server.task).await.unwrap().unwrap().unwrap();
}

/// Regression: a client could send its headers a byte at a time forever and keep the
/// connection; now the headers must be complete within the header timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_sent_too_slowly_get_the_connection_closed() {
    let server = start(small(50, Duration::from_secs(1), Duration::from_secs(60))).await;
    let stream = TcpStream::connect(server.address).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    writer
        .write_all(b"GET /healthz HTTP/1.1\r\n")
        .await
        .unwrap();
    // Keep sending, never finishing the headers: the connection is never idle.
    let trickle = tokio::spawn(async move {
        for _ in 0..100 {
            if writer.write_all(b"X-Slow: 1\r\n").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let started = tokio::time::Instant::now();
    let closed = timeout(BOUND, async {
        let mut buffer = [0u8; 256];
        let mut received = Vec::new();
        loop {
            match reader.read(&mut buffer).await {
                Ok(0) | Err(_) => return received,
                Ok(n) => received.extend_from_slice(buffer.get(..n).unwrap_or_default()),
            }
        }
    })
    .await;
    let received = closed.expect("the server kept a connection whose headers never ended");
    let text = String::from_utf8_lossy(&received);
    assert!(!text.contains(" 200 "), "{text}");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "closed before the header timeout: {:?}",
        started.elapsed()
    );
    trickle.abort();
    let _ = server.stop.send(());
    timeout(BOUND, server.task).await.unwrap().unwrap().unwrap();
}

/// Regression: a body that never arrived held its request (and its connection) forever; now
/// it gets 408 within the body timeout and the connection is closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_body_gets_408() {
    let server = start(small(50, Duration::from_secs(60), Duration::from_secs(1))).await;
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    stream
        .write_all(
            b"POST /api/v1/signup HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"email\":",
        )
        .await
        .unwrap();
    let (answer, closed) = read_until_closed(&mut stream).await;
    assert!(closed, "the stalled request was not ended: {answer}");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("did not arrive within 1 s"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("x-content-type-options: nosniff"),
        "{answer}"
    );
    let _ = server.stop.send(());
    timeout(BOUND, server.task).await.unwrap().unwrap().unwrap();
}

/// Regression: a client that asked for answers and never read them kept its connection (and
/// the answers' memory) forever; now a connection that cannot be written to for the send
/// timeout is closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_cut_off() {
    let server = start(small(50, Duration::from_secs(60), Duration::from_secs(1))).await;
    // A small receive window, and pipelined requests for a large document: many times more
    // than the sockets' buffers hold, so the server's writes stop while the client does not
    // read.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(server.address).await.unwrap();
    let requests = "GET /api/openapi.json HTTP/1.1\r\nHost: test\r\n\r\n".repeat(300);
    stream.write_all(requests.as_bytes()).await.unwrap();
    // Never read (reading would let the server go on): write a blank line now and then, which
    // fails once the server has closed the connection.
    let started = tokio::time::Instant::now();
    let mut cut = false;
    while started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if stream.write_all(b"\r\n").await.is_err() {
            cut = true;
            break;
        }
    }
    assert!(
        cut,
        "a client that stopped reading kept its connection for {:?}",
        started.elapsed()
    );
    let _ = server.stop.send(());
    timeout(BOUND, server.task).await.unwrap().unwrap().unwrap();
}

/// The limits leave ordinary clients alone: several requests on one keep-alive connection,
/// client addresses reach the handlers, and the idle connection is closed afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keep_alive_client_is_served_then_closed_when_idle() {
    let server = start(small(5, Duration::from_secs(1), Duration::from_secs(5))).await;
    let mut stream = TcpStream::connect(server.address).await.unwrap();
    for round in 0..3 {
        let answer = exchange(&mut stream).await;
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "round {round}: {answer}"
        );
    }
    // Other clients are served meanwhile.
    for _ in 0..3 {
        assert!(
            fetch(server.address, "/healthz")
                .await
                .starts_with("HTTP/1.1 200")
        );
    }
    let (rest, closed) = read_until_closed(&mut stream).await;
    assert!(closed, "an idle keep-alive connection was kept: {rest}");
    let _ = server.stop.send(());
    timeout(BOUND, server.task).await.unwrap().unwrap().unwrap();
}

/// Shutdown stops accepting, closes idle connections, and finishes a request in flight.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_a_request_in_flight() {
    let server = start(small(50, Duration::from_secs(30), Duration::from_secs(30))).await;
    let mut idle = TcpStream::connect(server.address).await.unwrap();
    let mut busy = TcpStream::connect(server.address).await.unwrap();
    let body = b"{\"not\": \"a signup\"}";
    let head = format!(
        "POST /api/v1/signup HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    busy.write_all(head.as_bytes()).await.unwrap();
    // Let the server read the headers: from then on the request is in flight.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = server.stop.send(());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !server.task.is_finished(),
        "the server stopped with a request in flight"
    );
    busy.write_all(body).await.unwrap();
    let (answer, closed) = read_until_closed(&mut busy).await;
    assert!(closed, "{answer}");
    assert!(answer.starts_with("HTTP/1.1 4"), "{answer}");
    assert!(!answer.starts_with("HTTP/1.1 408"), "{answer}");
    let (_, idle_closed) = read_until_closed(&mut idle).await;
    assert!(
        idle_closed,
        "an idle connection kept the server from stopping"
    );
    timeout(BOUND, server.task).await.unwrap().unwrap().unwrap();
    assert!(
        TcpStream::connect(server.address).await.is_err(),
        "still accepting after shutdown"
    );
}
