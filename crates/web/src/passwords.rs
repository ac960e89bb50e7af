//! Password hashing with Argon2id (PHC strings). Hashing is slow and takes 19 MiB on purpose,
//! so it runs on the bounded hashing pool ([`crate::work::Pool`]): never on the request threads,
//! never more at once than the pool has threads, and a full queue answers 503.

use crate::error::{ApiError, ApiResult};
use crate::work::Pool;

pub(crate) async fn hash_password(pool: &Pool, password: String) -> ApiResult<String> {
    pool.run(move || {
        use argon2::password_hash::PasswordHasher;
        argon2::Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await?
}

/// Whether `password` matches `hash`; [`ApiError::Busy`] when the pool's queue is full.
pub(crate) async fn verify_password(
    pool: &Pool,
    password: String,
    hash: String,
) -> ApiResult<bool> {
    pool.run(move || {
        use argon2::password_hash::PasswordVerifier;
        use argon2::password_hash::phc::PasswordHash;
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
}

/// A hash to verify against when the account does not exist, so that timing does not reveal
/// which e-mail addresses have accounts.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$dGhpcyBpcyBub3QgYSByZWFsIGhhc2ggb2YgYW55dGhpbmc";
