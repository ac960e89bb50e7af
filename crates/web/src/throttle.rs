//! Throttling of sign-in and sign-up, so that guessing passwords is slow whether an attacker
//! tries many passwords on one account or one password on many, without letting anyone lock
//! the owner of an account out of it.
//!
//! The rules, with the defaults of [`Limits`]:
//!
//! - **Per address** (the client's address, see [`client_address`]): at most
//!   `address_failures` (20) failed sign-ins in `address_window` (15 minutes), counting the
//!   attempts still being checked; past that the address gets 429 with `Retry-After` until its
//!   oldest failure leaves the window. A success does not reset this count, so an attacker
//!   cannot clear it by signing in to an account of their own.
//! - **Per account**: the first `account_free` (5) consecutive failures cost nothing; each
//!   further failure doubles a delay (1 s, 2 s, 4 s, ...) capped at `account_max_delay`
//!   (60 s), during which the account answers 429 with `Retry-After`, and once delayed only one
//!   attempt at a time is checked. Attempts are counted **before** the password is checked and
//!   settled after, so parallel guesses cannot overtake the count: of any number of
//!   simultaneous guesses on one account at most `account_free` are checked. A success resets
//!   the account's failures.
//! - **The owner is not locked out**: an address that signed in to the account successfully
//!   (the last four such addresses are remembered per account) is not subject to the account's
//!   delay, only to its own delay for that account (the same rule, counted for that account
//!   and address alone) and to its per-address limit. So failures from other addresses delay
//!   the owner's sign-in from an address they used before not at all, and from a new address
//!   by at most `account_max_delay`.
//! - **Sign-up**: at most `signups_per_address` (20) accounts created per address per
//!   `signup_window` (an hour).
//!
//! Memory is bounded: each table holds at most `max_keys` keys; when full, expired keys go
//! first, then the least recently used. The counts are per process: several instances each
//! enforce their own.

use axum::http::{Extensions, HeaderMap};
use ipnet::IpNet;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The limits of the throttle (see the module's documentation for the rules).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Failed sign-ins per address in `address_window`.
    pub address_failures: usize,
    pub address_window: Duration,
    /// Consecutive failures per account before the delay starts.
    pub account_free: u32,
    /// The longest delay of an account.
    pub account_max_delay: Duration,
    /// Accounts created per address in `signup_window`.
    pub signups_per_address: usize,
    pub signup_window: Duration,
    /// Keys kept per table at most.
    pub max_keys: usize,
    /// Password reset requests per e-mail address (known or not) in `reset_window`, so that
    /// nobody can fill an inbox with reset mail.
    pub resets_per_email: usize,
    /// Password reset requests per client address in `reset_window`.
    pub resets_per_address: usize,
    pub reset_window: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            address_failures: 20,
            address_window: Duration::from_secs(15 * 60),
            account_free: 5,
            account_max_delay: Duration::from_secs(60),
            signups_per_address: 20,
            signup_window: Duration::from_secs(3600),
            max_keys: 100_000,
            resets_per_email: 3,
            resets_per_address: 10,
            reset_window: Duration::from_secs(3600),
        }
    }
}

/// The client's address: the socket's peer; when that peer is one of `trusted` proxies, the
/// rightmost address of `X-Forwarded-For` that is not itself a trusted proxy (a client can
/// write anything to the left of what its proxies add, so only that one is believed). With no
/// socket (the in-process tests), the `x-test-peer` header stands for the peer.
pub fn client_address(
    headers: &HeaderMap,
    extensions: &Extensions,
    trusted: &[IpNet],
) -> Option<IpAddr> {
    let peer = match extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>() {
        Some(info) => info.0.ip(),
        None => headers
            .get("x-test-peer")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())?,
    };
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(&canonical(*ip)));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        match parse_hop(hop) {
            // What a trusted proxy says is believed: go on to the left.
            Some(ip) if is_trusted(&ip) => client = ip,
            Some(ip) => return Some(ip),
            // A hop that is not an address: the last trusted hop is the client as far as
            // anyone can tell.
            None => return Some(client),
        }
    }
    Some(client)
}

/// An address of `X-Forwarded-For`: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1` or `[2001:db8::1]:5678`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip);
    }
    hop.parse::<std::net::SocketAddr>().ok().map(|s| s.ip())
}

/// IPv4-mapped IPv6 addresses as IPv4, so one client has one key.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// The throttle key of an address: the address for IPv4, its /64 network for IPv6 (one
/// subscriber usually holds a whole /64, so single IPv6 addresses cost an attacker nothing).
pub(crate) fn address_key(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let [a, b, c, d, ..] = s;
            format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
        }
    }
}

/// Parses a trusted proxy given as an address (`10.0.0.1`) or a network (`10.0.0.0/8`).
pub fn parse_trusted_proxy(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    if let Ok(net) = text.parse::<IpNet>() {
        return Ok(net.trunc());
    }
    text.parse::<IpAddr>()
        .map(IpNet::from)
        .map_err(|_| format!("`{text}` is not an IP address or a network such as 10.0.0.0/8"))
}

/// Timestamps in a window and the attempts still in flight, for one key.
#[derive(Debug, Default)]
struct Window {
    times: VecDeque<Instant>,
    in_flight: usize,
}

impl Window {
    fn expire(&mut self, now: Instant, window: Duration) {
        while self
            .times
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= window)
        {
            self.times.pop_front();
        }
    }

    /// Whether another attempt may start; else the seconds until one may.
    fn check(&mut self, now: Instant, window: Duration, limit: usize) -> Result<(), u64> {
        self.expire(now, window);
        if self.times.len() + self.in_flight < limit {
            return Ok(());
        }
        let wait = self.times.front().map_or(Duration::from_secs(1), |oldest| {
            window.saturating_sub(now.saturating_duration_since(*oldest))
        });
        Err(seconds(wait))
    }

    fn record(&mut self, now: Instant, limit: usize) {
        self.times.push_back(now);
        while self.times.len() > limit {
            self.times.pop_front();
        }
    }

    fn idle(&mut self, now: Instant, window: Duration) -> bool {
        self.expire(now, window);
        self.times.is_empty() && self.in_flight == 0
    }
}

/// Consecutive failures, the attempts in flight, and the addresses that signed in, for one
/// account (or one account from one address).
#[derive(Debug, Default)]
struct Backoff {
    failures: u32,
    last_failure: Option<Instant>,
    in_flight: u32,
    known: Vec<String>,
}

impl Backoff {
    fn delay(&self, limits: &Limits) -> Duration {
        if self.failures < limits.account_free {
            return Duration::ZERO;
        }
        let doublings = (self.failures - limits.account_free).min(30);
        Duration::from_secs(1u64 << doublings).min(limits.account_max_delay)
    }

    fn check(&self, now: Instant, limits: &Limits) -> Result<(), u64> {
        if self.failures >= limits.account_free {
            if let Some(last) = self.last_failure {
                let waited = now.saturating_duration_since(last);
                let delay = self.delay(limits);
                if waited < delay {
                    return Err(seconds(delay - waited));
                }
            }
            return if self.in_flight == 0 { Ok(()) } else { Err(1) };
        }
        if self.failures + self.in_flight < limits.account_free {
            Ok(())
        } else {
            Err(1)
        }
    }

    fn idle(&self, now: Instant, limits: &Limits) -> bool {
        self.in_flight == 0
            && self.known.is_empty()
            && self
                .last_failure
                .is_none_or(|t| now.saturating_duration_since(t) >= limits.account_max_delay)
    }
}

fn seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// A table of keys with an upper bound on its size.
#[derive(Debug)]
struct Table<T> {
    map: HashMap<String, (T, Instant)>,
}

impl<T: Default> Table<T> {
    fn new() -> Table<T> {
        Table {
            map: HashMap::new(),
        }
    }

    /// The entry of `key`, made room for when the table is full: first the idle entries go,
    /// then the least recently used, down to three quarters of `max` (so that the work of
    /// eviction is spread over many insertions).
    fn entry(
        &mut self,
        key: &str,
        now: Instant,
        max: usize,
        idle: impl Fn(&mut T) -> bool,
    ) -> &mut T {
        if !self.map.contains_key(key) && self.map.len() >= max.max(1) {
            self.map.retain(|_, (value, _)| !idle(value));
            let keep = max.max(1).saturating_mul(3) / 4;
            if self.map.len() > keep {
                let mut ages: Vec<(Instant, String)> = self
                    .map
                    .iter()
                    .map(|(k, (_, seen))| (*seen, k.clone()))
                    .collect();
                let excess = ages.len() - keep;
                if excess < ages.len() {
                    ages.select_nth_unstable(excess);
                }
                for (_, old) in ages.iter().take(excess) {
                    self.map.remove(old);
                }
            }
        }
        let slot = self
            .map
            .entry(key.to_string())
            .or_insert_with(|| (T::default(), now));
        slot.1 = now;
        &mut slot.0
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut T> {
        self.map.get_mut(key).map(|(value, _)| value)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.map.len()
    }
}

#[derive(Debug)]
struct Tables {
    accounts: Table<Backoff>,
    pairs: Table<Backoff>,
    addresses: Table<Window>,
    signups: Table<Window>,
    reset_emails: Table<Window>,
    reset_addresses: Table<Window>,
}

/// The throttle of sign-in and sign-up attempts (see the module's documentation).
#[derive(Debug)]
pub struct Throttle {
    limits: Limits,
    tables: Mutex<Tables>,
}

/// Where an admitted sign-in attempt is counted.
#[derive(Debug)]
enum Counted {
    Account,
    Pair(String),
}

/// A sign-in attempt let through: counted in flight until it is settled as a success or a
/// failure; dropped unsettled (the check could not run), it is released without counting.
#[derive(Debug)]
pub(crate) struct Attempt<'a> {
    throttle: &'a Throttle,
    account: String,
    address: Option<String>,
    counted: Counted,
    settled: bool,
}

impl Attempt<'_> {
    pub(crate) fn succeeded(mut self) {
        self.settled = true;
        let now = Instant::now();
        let max = self.throttle.limits.max_keys;
        self.throttle.with(|t| {
            if let Some(address) = &self.address
                && let Some(window) = t.addresses.get_mut(address)
            {
                window.in_flight = window.in_flight.saturating_sub(1);
            }
            if let Counted::Pair(pair) = &self.counted
                && let Some(entry) = t.pairs.get_mut(pair)
            {
                entry.in_flight = entry.in_flight.saturating_sub(1);
                entry.failures = 0;
                entry.last_failure = None;
            }
            let account = t.accounts.entry(&self.account, now, max, |_| false);
            if matches!(self.counted, Counted::Account) {
                account.in_flight = account.in_flight.saturating_sub(1);
            }
            account.failures = 0;
            account.last_failure = None;
            if let Some(address) = &self.address {
                account.known.retain(|k| k != address);
                account.known.insert(0, address.clone());
                account.known.truncate(4);
            }
        });
    }

    pub(crate) fn failed(mut self) {
        self.settled = true;
        let now = Instant::now();
        let limit = self.throttle.limits.address_failures;
        self.throttle.with(|t| {
            if let Some(address) = &self.address
                && let Some(window) = t.addresses.get_mut(address)
            {
                window.in_flight = window.in_flight.saturating_sub(1);
                window.record(now, limit);
            }
            let entry = match &self.counted {
                Counted::Account => t.accounts.get_mut(&self.account),
                Counted::Pair(pair) => t.pairs.get_mut(pair),
            };
            if let Some(entry) = entry {
                entry.in_flight = entry.in_flight.saturating_sub(1);
                entry.failures = entry.failures.saturating_add(1);
                entry.last_failure = Some(now);
            }
        });
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        self.throttle.with(|t| {
            if let Some(address) = &self.address
                && let Some(window) = t.addresses.get_mut(address)
            {
                window.in_flight = window.in_flight.saturating_sub(1);
            }
            let entry = match &self.counted {
                Counted::Account => t.accounts.get_mut(&self.account),
                Counted::Pair(pair) => t.pairs.get_mut(pair),
            };
            if let Some(entry) = entry {
                entry.in_flight = entry.in_flight.saturating_sub(1);
            }
        });
    }
}

impl Throttle {
    pub fn new(limits: Limits) -> Throttle {
        Throttle {
            limits,
            tables: Mutex::new(Tables {
                accounts: Table::new(),
                pairs: Table::new(),
                addresses: Table::new(),
                signups: Table::new(),
                reset_emails: Table::new(),
                reset_addresses: Table::new(),
            }),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Tables) -> T) -> T {
        let mut guard = match self.tables.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// Lets a sign-in attempt on `account` from `address` (its [`address_key`], when known)
    /// through, counted in flight; else the seconds to wait.
    pub(crate) fn begin_login(
        &self,
        account: &str,
        address: Option<&str>,
    ) -> Result<Attempt<'_>, u64> {
        let now = Instant::now();
        let limits = &self.limits;
        let max = limits.max_keys;
        let counted = self.with(|t| {
            let window_idle = |w: &mut Window| w.idle(now, limits.address_window);
            if let Some(address) = address {
                t.addresses.entry(address, now, max, window_idle).check(
                    now,
                    limits.address_window,
                    limits.address_failures,
                )?;
            }
            let backoff_idle = |b: &mut Backoff| b.idle(now, limits);
            let known = address.is_some_and(|a| {
                t.accounts
                    .get_mut(account)
                    .is_some_and(|entry| entry.known.iter().any(|k| k == a))
            });
            let counted = match address {
                Some(address) if known => {
                    let pair = format!("{account}\u{0}{address}");
                    let entry = t.pairs.entry(&pair, now, max, backoff_idle);
                    entry.check(now, limits)?;
                    entry.in_flight += 1;
                    Counted::Pair(pair)
                }
                _ => {
                    let entry = t.accounts.entry(account, now, max, backoff_idle);
                    entry.check(now, limits)?;
                    entry.in_flight += 1;
                    Counted::Account
                }
            };
            if let Some(address) = address
                && let Some(window) = t.addresses.get_mut(address)
            {
                window.in_flight += 1;
            }
            Ok::<Counted, u64>(counted)
        })?;
        Ok(Attempt {
            throttle: self,
            account: account.to_string(),
            address: address.map(str::to_string),
            counted,
            settled: false,
        })
    }

    /// Counts an account creation from `address`; the seconds to wait when over the limit.
    pub(crate) fn begin_signup(&self, address: Option<&str>) -> Result<(), u64> {
        let Some(address) = address else {
            return Ok(());
        };
        let now = Instant::now();
        let limits = &self.limits;
        self.with(|t| {
            let window = t.signups.entry(address, now, limits.max_keys, |w| {
                w.idle(now, limits.signup_window)
            });
            window.check(now, limits.signup_window, limits.signups_per_address)?;
            window.record(now, limits.signups_per_address);
            Ok(())
        })
    }

    /// Counts a password reset request for `email` (lower-cased, whether or not an account has
    /// it) from `address` (its [`address_key`], when known); the seconds to wait when either
    /// is over its limit (then nothing is counted).
    pub(crate) fn begin_reset(&self, email: &str, address: Option<&str>) -> Result<(), u64> {
        let now = Instant::now();
        let limits = &self.limits;
        let window = limits.reset_window;
        self.with(|t| {
            let idle = |w: &mut Window| w.idle(now, window);
            if let Some(address) = address {
                t.reset_addresses
                    .entry(address, now, limits.max_keys, idle)
                    .check(now, window, limits.resets_per_address)?;
            }
            t.reset_emails
                .entry(email, now, limits.max_keys, idle)
                .check(now, window, limits.resets_per_email)?;
            if let Some(address) = address
                && let Some(entry) = t.reset_addresses.get_mut(address)
            {
                entry.record(now, limits.resets_per_address);
            }
            if let Some(entry) = t.reset_emails.get_mut(email) {
                entry.record(now, limits.resets_per_email);
            }
            Ok(())
        })
    }

    /// The number of keys held, over all tables (for tests of the memory bound).
    #[cfg(test)]
    pub fn keys(&self) -> usize {
        self.with(|t| {
            t.accounts.len()
                + t.pairs.len()
                + t.addresses.len()
                + t.signups.len()
                + t.reset_emails.len()
                + t.reset_addresses.len()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            address_failures: 4,
            account_free: 3,
            ..Limits::default()
        }
    }

    #[test]
    fn parallel_attempts_on_one_account_are_counted_before_they_are_checked() {
        let throttle = Throttle::new(limits());
        let admitted: Vec<_> = (0..60)
            .filter_map(|i| throttle.begin_login("a", Some(&format!("10.0.0.{i}"))).ok())
            .collect();
        assert_eq!(admitted.len(), 3);
        for attempt in admitted {
            attempt.failed();
        }
        // Delayed now, with the time to wait.
        assert_eq!(throttle.begin_login("a", Some("10.0.1.1")).err(), Some(1));
    }

    #[test]
    fn an_address_is_limited_across_accounts_and_a_success_does_not_reset_it() {
        let throttle = Throttle::new(limits());
        for i in 0..4 {
            let attempt = throttle.begin_login(&format!("user{i}"), Some("1.2.3.4"));
            attempt.map(Attempt::failed).ok();
            if i == 1 {
                throttle
                    .begin_login("mine", Some("1.2.3.4"))
                    .map(Attempt::succeeded)
                    .ok();
            }
        }
        let refused = throttle.begin_login("user9", Some("1.2.3.4")).err();
        assert!(refused.is_some_and(|s| s > 800), "{refused:?}");
        assert!(throttle.begin_login("user9", Some("1.2.3.5")).is_ok());
    }

    #[test]
    fn an_unsettled_attempt_is_released_without_counting() {
        let throttle = Throttle::new(limits());
        for _ in 0..10 {
            let attempt = throttle.begin_login("a", Some("1.1.1.1"));
            assert!(attempt.is_ok());
            drop(attempt);
        }
    }

    #[test]
    fn the_owner_s_known_address_is_not_delayed_by_failures_elsewhere() {
        let throttle = Throttle::new(limits());
        throttle
            .begin_login("owner", Some("192.0.2.1"))
            .map(Attempt::succeeded)
            .ok();
        for i in 0..30 {
            if let Ok(attempt) = throttle.begin_login("owner", Some(&format!("198.51.100.{i}"))) {
                attempt.failed();
            }
        }
        assert!(throttle.begin_login("owner", Some("203.0.113.9")).is_err());
        assert!(throttle.begin_login("owner", Some("192.0.2.1")).is_ok());
    }

    #[test]
    fn the_delay_doubles_and_is_capped() {
        let l = limits();
        let mut b = Backoff {
            failures: 3,
            ..Backoff::default()
        };
        assert_eq!(b.delay(&l), Duration::from_secs(1));
        b.failures = 5;
        assert_eq!(b.delay(&l), Duration::from_secs(4));
        b.failures = 500;
        assert_eq!(b.delay(&l), l.account_max_delay);
    }

    #[test]
    fn a_million_addresses_keep_the_tables_at_their_cap() {
        let throttle = Throttle::new(Limits {
            max_keys: 1000,
            ..limits()
        });
        for i in 0..1_000_000u32 {
            let address = std::net::Ipv4Addr::from(i).to_string();
            throttle.begin_signup(Some(&address)).ok();
            if i % 10 == 0 {
                throttle
                    .begin_login(&format!("acct{}", i % 7), Some(&address))
                    .map(Attempt::failed)
                    .ok();
            }
        }
        assert!(throttle.keys() <= 3 * 1000, "{}", throttle.keys());
        assert!(throttle.keys() >= 1000);
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let trusted = vec![parse_trusted_proxy("10.0.0.0/8").unwrap_or_else(|e| panic!("{e}"))];
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-test-peer",
            "10.1.2.3".parse().unwrap_or_else(|_| panic!()),
        );
        headers.insert(
            "x-forwarded-for",
            "6.6.6.6, 203.0.113.7, 10.9.9.9"
                .parse()
                .unwrap_or_else(|_| panic!()),
        );
        let none = Extensions::new();
        assert_eq!(
            client_address(&headers, &none, &trusted),
            "203.0.113.7".parse().ok()
        );
        // Not from a trusted proxy: the header is ignored.
        assert_eq!(
            client_address(&headers, &none, &[]),
            "10.1.2.3".parse().ok()
        );
        headers.insert(
            "x-test-peer",
            "198.51.100.1".parse().unwrap_or_else(|_| panic!()),
        );
        assert_eq!(
            client_address(&headers, &none, &trusted),
            "198.51.100.1".parse().ok()
        );
        assert!(parse_trusted_proxy("10.0.0.1").is_ok());
        assert!(parse_trusted_proxy("fd00::/8").is_ok());
        assert!(parse_trusted_proxy("evil").is_err());
        assert_eq!(
            address_key("2001:db8:1:2:3:4:5:6".parse().unwrap_or_else(|_| panic!())),
            "2001:db8:1:2::/64"
        );
    }
}
