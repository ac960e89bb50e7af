//! Identifiers, secrets and the clock. Secrets come from the operating system's random source;
//! only their SHA-256 hashes are stored. This is the shell's one place that reads the clock:
//! the store stamps its rows with it, and the web server and the CLI take today's date from
//! [`today`] to hand it to the pure engine as data.
//!
//! A failing random source is an error ([`StoreError::Random`]) for every caller, never a
//! zeroed or partial buffer: a predictable secret or id would be worse than a refused request.

use crate::store::StoreError;
use aimsgap_catalog::Date;
use sha2::{Digest, Sha256};
use std::time::{SystemTime, UNIX_EPOCH};

fn random<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Seconds and milliseconds since the Unix epoch; a clock set before 1970 reads as the epoch.
pub(crate) fn since_epoch() -> std::time::Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// The last (millisecond, sequence) handed out by this process, so that ids made within one
/// millisecond still sort in creation order (RFC 9562, method 1: a counter in `rand_a`).
static CLOCK: std::sync::Mutex<(u64, u16)> = std::sync::Mutex::new((0, 0));

/// A UUIDv7 (time-ordered, so ids sort by creation) as lower-case text.
pub fn new_id() -> Result<String, StoreError> {
    let now = u64::try_from(since_epoch().as_millis()).unwrap_or(u64::MAX);
    let (millis, sequence) = {
        let mut clock = match CLOCK.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let next = if now > clock.0 {
            (now, 0)
        } else if clock.1 < 0x0fff {
            (clock.0, clock.1 + 1)
        } else {
            (clock.0 + 1, 0)
        };
        *clock = next;
        next
    };
    // The first two bytes become `rand_a`: the 12-bit sequence (the builder sets the version
    // over its top four bits); the other eight are random.
    let [high, low] = sequence.to_be_bytes();
    let [r0, r1, r2, r3, r4, r5, r6, r7] = random::<8>()?;
    let tail = [high, low, r0, r1, r2, r3, r4, r5, r6, r7];
    Ok(uuid::Builder::from_unix_timestamp_millis(millis, &tail)
        .into_uuid()
        .hyphenated()
        .to_string())
}

/// A secret for a session, an API token, an invitation or a form token: 32 random bytes as hex.
pub fn new_token() -> Result<String, StoreError> {
    Ok(hex(&random::<32>()?))
}

/// The SHA-256 of a secret, as stored.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// The current time as RFC 3339 UTC text with second precision (sorts as text).
pub fn now_rfc3339() -> String {
    rfc3339(since_epoch().as_secs())
}

/// The time `seconds` from now as RFC 3339 UTC text (an expiry).
pub fn in_seconds(seconds: u64) -> String {
    rfc3339(since_epoch().as_secs().saturating_add(seconds))
}

/// Today's date (UTC) from the system clock: the as-of date when a user gives none.
pub fn today() -> Date {
    Date::from_days(i64::try_from(since_epoch().as_secs() / 86_400).unwrap_or(0))
}

/// Seconds since the epoch as RFC 3339 UTC text.
pub fn rfc3339(seconds: u64) -> String {
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let rest = seconds % 86_400;
    let date = Date::from_days(days);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        (rest % 3600) / 60,
        rest % 60
    )
}

/// `N` random bytes from the operating system's random source (a two-factor secret, a
/// recovery code).
pub fn random_bytes<const N: usize>() -> Result<[u8; N], StoreError> {
    random::<N>()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_uuid_v7_and_sort_by_time() {
        let a = super::new_id().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = super::new_id().unwrap();
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "7");
        assert!(a < b);
        let parsed = uuid::Uuid::parse_str(&a).unwrap();
        assert_eq!(parsed.get_version(), Some(uuid::Version::SortRand));
        assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122);
        assert_ne!(super::new_token().unwrap(), super::new_token().unwrap());
        assert_eq!(super::new_token().unwrap().len(), 64);
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_798_761_600 + 3661), "2027-01-01T01:01:01Z");
        assert_eq!(super::hash_token("a").len(), 64);
    }

    #[test]
    fn ids_made_within_one_millisecond_still_sort_in_creation_order() {
        // Far more ids than one millisecond can tell apart: the sequence in `rand_a` (and,
        // past 4,096 of them, the borrowed next millisecond) keeps them in order.
        let ids: Vec<String> = (0..5_000).map(|_| super::new_id().unwrap()).collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn today_agrees_with_the_timestamp() {
        let before = super::today();
        let stamp = super::now_rfc3339();
        let after = super::today();
        assert!(stamp.starts_with(&before.to_string()) || stamp.starts_with(&after.to_string()));
        assert!(super::in_seconds(86_400 * 400) > stamp);
    }
}
