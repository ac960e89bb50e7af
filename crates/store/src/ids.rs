//! Identifiers, secrets and timestamps. Secrets come from the operating system's random source;
//! only their SHA-256 hashes are stored.

use sha2::{Digest, Sha256};
use std::time::{SystemTime, UNIX_EPOCH};

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS random source does not fail on supported platforms; if it ever did, a zeroed
    // buffer would be caught by the uniqueness constraints rather than silently reused.
    let _ = getrandom::fill(&mut bytes);
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The last (millisecond, sequence) handed out by this process, so that ids made within one
/// millisecond still sort in creation order (RFC 9562, method 1: a counter in `rand_a`).
static CLOCK: std::sync::Mutex<(u64, u16)> = std::sync::Mutex::new((0, 0));

/// A UUIDv7 (time-ordered, so ids sort by creation) as lower-case text.
// Indexing is into fixed-size buffers whose sizes are known here.
#[allow(clippy::indexing_slicing)]
pub fn new_id() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
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
    let mut bytes = random::<16>();
    let time = millis.to_be_bytes();
    bytes[..6].copy_from_slice(&time[2..8]);
    let [high, low] = sequence.to_be_bytes();
    bytes[6] = 0x70 | (high & 0x0f);
    bytes[7] = low;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let h = hex(&bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A secret for a session, an API token or an invitation: 32 random bytes as hex.
pub fn new_token() -> String {
    hex(&random::<32>())
}

/// The SHA-256 of a secret, as stored.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// The current time as RFC 3339 UTC text with second precision (sorts as text).
pub fn now_rfc3339() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339(seconds)
}

/// Seconds since the epoch as RFC 3339 UTC text.
pub fn rfc3339(seconds: u64) -> String {
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let rest = seconds % 86_400;
    let date = aimsgap_catalog::Date::from_days(days);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        (rest % 3600) / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_uuid_v7_and_sort_by_time() {
        let a = super::new_id();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = super::new_id();
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "7");
        assert!(a < b);
        assert_ne!(super::new_token(), super::new_token());
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_798_761_600 + 3661), "2027-01-01T01:01:01Z");
        assert_eq!(super::hash_token("a").len(), 64);
    }
}
