//! Login throttling: failed sign-ins counted per account and per client address, so that
//! guessing passwords is slow whether an attacker tries many passwords on one account or one
//! password on many.

use axum::http::{Extensions, HeaderMap};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The throttle key of the client's address: the socket's peer when the server runs on one,
/// else (under test, with no socket) the `x-test-peer` header.
pub(crate) fn client_key(headers: &HeaderMap, extensions: &Extensions) -> String {
    let peer = extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    format!(
        "ip:{}",
        peer.unwrap_or_else(|| {
            headers
                .get("x-test-peer")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("unknown")
                .to_string()
        })
    )
}

/// Failed logins per key (an account, an address) in a sliding window. Per process: several
/// instances each enforce their own limit.
#[derive(Debug)]
pub struct Throttle {
    window: Duration,
    max_failures: usize,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Throttle {
    pub fn new(window: Duration, max_failures: usize) -> Throttle {
        Throttle {
            window,
            max_failures,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, Vec<Instant>>) -> T) -> T {
        let mut guard = match self.failures.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// Whether the key may try again now.
    pub fn allowed(&self, key: &str) -> bool {
        let now = Instant::now();
        self.with(|map| {
            let entries = map.entry(key.to_string()).or_default();
            entries.retain(|t| now.duration_since(*t) < self.window);
            entries.len() < self.max_failures
        })
    }

    pub fn failed(&self, key: &str) {
        let now = Instant::now();
        self.with(|map| {
            map.entry(key.to_string()).or_default().push(now);
            // Bound memory: forget keys whose failures have all expired.
            if map.len() > 100_000 {
                map.retain(|_, v| v.iter().any(|t| now.duration_since(*t) < self.window));
            }
        });
    }

    pub fn succeeded(&self, key: &str) {
        self.with(|map| {
            map.remove(key);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_blocks_after_the_limit_and_a_success_resets() {
        let throttle = Throttle::new(Duration::from_secs(60), 3);
        for _ in 0..3 {
            assert!(throttle.allowed("a"));
            throttle.failed("a");
        }
        assert!(!throttle.allowed("a"));
        assert!(throttle.allowed("b"));
        throttle.succeeded("a");
        assert!(throttle.allowed("a"));
    }
}
