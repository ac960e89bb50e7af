//! `aimsgap serve | push | backup | restore`: the server and its operations.

use crate::assess_cmd::InputError;
use anyhow::{Context, Result, anyhow, bail};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The default database: a SQLite file in the working directory.
pub const DEFAULT_DATABASE: &str = "sqlite://aimsgap.db?mode=rwc";

fn runtime() -> Result<tokio::runtime::Runtime> {
    runtime_with(None)
}

/// A runtime with `workers` threads (default: one per core).
fn runtime_with(workers: Option<usize>) -> Result<tokio::runtime::Runtime> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(workers) = workers {
        builder.worker_threads(workers.max(1));
    }
    builder
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn describe(url: &str) -> String {
    if url.starts_with("postgres") {
        // Never print the password.
        let host = url.rsplit('@').next().unwrap_or("");
        format!("PostgreSQL at {host}")
    } else {
        format!(
            "SQLite file {} (created if missing)",
            url.trim_start_matches("sqlite://")
                .split('?')
                .next()
                .unwrap_or(url)
        )
    }
}

async fn connect(url: &str) -> Result<aimsgap_store::Store> {
    aimsgap_store::Store::connect(url)
        .await
        .map_err(|e| anyhow!("cannot open the database ({}): {e}", describe(url)))
}

/// Runs the server until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub fn serve(
    database: &str,
    bind: &str,
    secure_cookies: bool,
    workers: Option<usize>,
) -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_target(false)
        .init();
    let catalog = crate::load_catalog()?;
    runtime_with(workers)?.block_on(async move {
        let store = connect(database).await?;
        tracing::info!(database = %describe(database), "storage ready, migrations applied");
        let config = aimsgap_web::Config {
            secure_cookies,
            ..aimsgap_web::Config::default()
        };
        let state = aimsgap_web::AppState::new(store.clone(), Arc::new(catalog), config);
        let app = aimsgap_web::app(state);
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .with_context(|| format!("cannot listen on {bind}"))?;
        let address = listener.local_addr().context("listener address")?;
        tracing::info!(%address, "aimsgap listening; API documentation at /api/docs");
        eprintln!(
            "aimsgap serving on http://{address} ({})",
            describe(database)
        );
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown())
        .await
        .context("server error")?;
        store.close().await;
        tracing::info!("stopped");
        Ok(())
    })
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

pub fn backup(database: &str, output: &Path) -> Result<String> {
    let value = runtime()?.block_on(async {
        let store = connect(database).await?;
        store
            .backup()
            .await
            .map_err(|e| anyhow!("backup failed: {e}"))
    })?;
    let text = serde_json::to_string_pretty(&value).context("serialising the backup")?;
    std::fs::write(output, text).with_context(|| format!("cannot write {}", output.display()))?;
    Ok(format!(
        "wrote a backup of {} to {}\n",
        describe(database),
        output.display()
    ))
}

pub fn restore(database: &str, input: &Path) -> Result<String> {
    let text = std::fs::read_to_string(input)
        .with_context(|| format!("cannot read {}", input.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        anyhow!(InputError(format!(
            "{}:{}:{}: not JSON: {e}",
            input.display(),
            e.line(),
            e.column()
        )))
    })?;
    let rows = runtime()?.block_on(async {
        let store = connect(database).await?;
        store.restore(&value).await.map_err(|e| {
            anyhow!(InputError(format!(
                "cannot restore {}: {e}",
                input.display()
            )))
        })
    })?;
    Ok(format!(
        "restored {rows} rows into {}\n",
        describe(database)
    ))
}

/// A minimal HTTP/1.1 POST over plain TCP (`http://` servers: a TLS-terminating proxy or a
/// server on the same network). Returns the status and body.
fn http_post(url: &str, path: &str, token: &str, body: &str) -> Result<(u16, String)> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| anyhow!(InputError(format!("`{url}`: push speaks http:// only"))))?;
    let host = rest.trim_end_matches('/');
    let address = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:80")
    };
    let mut stream =
        TcpStream::connect(&address).with_context(|| format!("cannot connect to {address}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, payload) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| anyhow!("not an HTTP response from {address}"))?;
    Ok((status, payload.to_string()))
}

/// Uploads an assessment file to an organisation.
pub fn push(
    file: &Path,
    server: &str,
    token: &str,
    org: &str,
    name: Option<&str>,
) -> Result<String> {
    let content =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = name.map_or_else(|| file.display().to_string(), str::to_string);
    let body = serde_json::json!({"name": name, "content": content}).to_string();
    let (status, reply) = http_post(
        server,
        &format!("/api/v1/orgs/{org}/assessments"),
        token,
        &body,
    )?;
    let value: serde_json::Value = serde_json::from_str(&reply).unwrap_or(serde_json::Value::Null);
    if status == 201 {
        Ok(format!(
            "pushed {} as assessment {}\n",
            file.display(),
            value.pointer("/id").and_then(|v| v.as_str()).unwrap_or("?")
        ))
    } else {
        let message = value
            .pointer("/error/message")
            .and_then(|v| v.as_str())
            .unwrap_or(&reply)
            .to_string();
        bail!(InputError(format!(
            "the server refused the push ({status}): {message}"
        )))
    }
}
