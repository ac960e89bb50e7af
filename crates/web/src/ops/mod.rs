//! The operations that pages and the JSON API share: accounts and sign-in, invitations, and
//! reading, validating and changing assessments. Both front ends call these and only differ in
//! how they read the request and render the answer, so a rule (a password's length, what makes
//! an answer valid) holds the same on both.
//!
//! The clock is read at this edge (through the store's one clock) and handed to the pure core
//! as a date.

pub(crate) mod accounts;
pub(crate) mod assessments;
pub(crate) mod people;
pub(crate) mod systems;
pub(crate) mod work;

/// Today's date (UTC), the as-of date of results computed now, and the RFC 3339 time some
/// seconds from now (an expiry): the shell's one clock, in the store.
pub(crate) use aimsgap_store::{in_seconds, today};
pub(crate) mod aibom;
pub(crate) mod register;
// Until the API and the pages call every operation.
pub(crate) mod audit;
#[allow(dead_code)]
pub(crate) mod evidence;
pub(crate) mod invitation_mail;
pub(crate) mod notifications;
pub(crate) mod resets;
pub(crate) mod two_factor;
pub(crate) mod workbook;
