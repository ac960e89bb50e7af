//! Server time of a password reset request (`POST /api/v1/password/forgot`) for an address
//! that has an account and for one that has none, answered in process (`app(state).oneshot`,
//! no socket) with mail configured to a local SMTP listener (`aiosmtpd` when Python has it,
//! else a listener that hangs up). The two must not differ by more than noise: the answer
//! waits for neither the store's write of the link nor the mail, which a background task
//! does. Compare the two medians (`target/criterion/forgot_*/new/estimates.json`), back to
//! back and one request at a time (`forgot_alone/known`, `forgot_alone/unknown`). Run with
//! `cargo bench -p aimsgap-web --bench password_reset`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use aimsgap_web::mail::MailConfig;
use aimsgap_web::{AppState, Config, ThrottleLimits, app};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use serde_json::json;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

/// A local SMTP listener: `aiosmtpd` discarding every message, or a socket that accepts and
/// closes each connection (the send then fails at once, in the background).
struct Listener {
    port: u16,
    child: Option<Child>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn listener() -> Listener {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Sink"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok();
    if let Some(child) = child {
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                eprintln!("mail goes to aiosmtpd on port {port}");
                return Listener {
                    port,
                    child: Some(child),
                };
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut child = child;
        let _ = child.kill();
    }
    let socket = TcpListener::bind(("127.0.0.1", port)).unwrap();
    std::thread::spawn(move || {
        for stream in socket.incoming() {
            drop(stream);
        }
    });
    eprintln!("aiosmtpd not found: mail goes to a listener that hangs up");
    Listener { port, child: None }
}

async fn forgot(router: &Router, email: &str) -> (StatusCode, usize) {
    let request = Request::post("/api/v1/password/forgot")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "email": email }).to_string()))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, bytes.len())
}

fn forgot_known_and_unknown(c: &mut Criterion) {
    let smtp = listener();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // The mailer's connection pool, dropped with the router, needs the runtime's context.
    let _context = runtime.enter();
    let catalog = Arc::new(aimsgap_catalog::builtin().unwrap());
    let config = Config {
        public_url: Some(url::Url::parse("https://gap.example.test/").unwrap()),
        mail: Some(MailConfig {
            smtp_url: format!("smtp://127.0.0.1:{}", smtp.port),
            from: "noreply@example.test".into(),
        }),
        // The bench asks for the same two addresses thousands of times.
        throttle: ThrottleLimits {
            resets_per_email: usize::MAX / 2,
            resets_per_address: usize::MAX / 2,
            ..ThrottleLimits::default()
        },
        ..Config::default()
    };
    let router = runtime.block_on(async {
        let store = aimsgap_store::Store::connect("sqlite::memory:")
            .await
            .unwrap();
        let router = app(AppState::new(store, catalog, config));
        let signup = Request::post("/api/v1/signup")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({"email": "known@example.test", "name": "Known", "password": "correct horse battery"})
                    .to_string(),
            ))
            .unwrap();
        let made = router.clone().oneshot(signup).await.unwrap();
        assert_eq!(made.status(), StatusCode::CREATED);
        router
    });
    let known = runtime.block_on(forgot(&router, "known@example.test"));
    let unknown = runtime.block_on(forgot(&router, "unknown@example.test"));
    assert_eq!(known.0, StatusCode::ACCEPTED);
    assert_eq!(known, unknown, "the same status and body length");
    c.bench_function("forgot_known", |b| {
        b.iter(|| runtime.block_on(forgot(&router, "known@example.test")))
    });
    c.bench_function("forgot_unknown", |b| {
        b.iter(|| runtime.block_on(forgot(&router, "unknown@example.test")))
    });
    // One request at a time, as a prober sees it: each answer timed alone, after the
    // background work of the one before (the link's write and the mail) has had time to end.
    // Back to back (above), a known address's background work slows the requests after it.
    let mut alone = c.benchmark_group("forgot_alone");
    alone.measurement_time(Duration::from_secs(3));
    for (name, email) in [
        ("known", "known@example.test"),
        ("unknown", "unknown@example.test"),
    ] {
        alone.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    std::thread::sleep(Duration::from_millis(15));
                    let start = std::time::Instant::now();
                    std::hint::black_box(runtime.block_on(forgot(&router, email)));
                    total += start.elapsed();
                }
                total
            })
        });
    }
    alone.finish();
    drop(smtp);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = forgot_known_and_unknown
}
criterion_main!(benches);
