//! The operations that pages and the JSON API share: accounts and sign-in, invitations, and
//! reading, validating and changing assessments. Both front ends call these and only differ in
//! how they read the request and render the answer, so a rule (a password's length, what makes
//! an answer valid) holds the same on both.
//!
//! The clock is read here, at the edge, and handed to the pure core as a date.

pub(crate) mod accounts;
pub(crate) mod assessments;

use aimsgap_catalog::Date;

fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Today's date (UTC), the as-of date of results computed now.
pub(crate) fn today() -> Date {
    Date::from_days(i64::try_from(now_seconds() / 86_400).unwrap_or(0))
}

/// The RFC 3339 time `seconds` from now.
pub(crate) fn in_seconds(seconds: u64) -> String {
    aimsgap_store::rfc3339(now_seconds() + seconds)
}
