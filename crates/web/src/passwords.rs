//! Password hashing with Argon2id (PHC strings). Hashing is slow and takes 19 MiB on purpose,
//! so it runs on the bounded hashing pool ([`crate::work::Pool`]): never on the request threads,
//! never more at once than the pool has threads, and a full queue answers 503.

use crate::error::{ApiError, ApiResult};
use crate::work::Pool;
use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::cell::RefCell;

thread_local! {
    /// The working memory of Argon2 (19 MiB with the default parameters), allocated once per
    /// thread of the hashing pool and reused by every hash on it. Allocating it afresh for each
    /// hash left it to the system allocator, which kept most of it: the server's memory grew by
    /// about 19 MiB per sign-in or sign-up.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// The largest working memory a stored hash may ask for: four times the default, so that a
/// hash of unusual parameters cannot make the server allocate without bound.
const MAX_BLOCKS: usize = 4 * Params::DEFAULT_M_COST as usize;

/// Runs Argon2 with `params` on this thread's reused memory.
fn argon2_into(
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), String> {
    let blocks = params.block_count();
    if blocks > MAX_BLOCKS {
        return Err(format!("a password hash asks for {blocks} KiB of memory"));
    }
    let argon2 = Argon2::new(algorithm, version, params);
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        let memory = memory
            .get_mut(..blocks)
            .ok_or_else(|| "no Argon2 memory".to_string())?;
        argon2
            .hash_password_into_with_memory(password, salt, out, memory)
            .map_err(|e| e.to_string())
    })
}

/// A PHC string of `password`, hashed on the calling thread as the server hashes on its pool:
/// for an operator's command (`aimsgap user reset-password`), which runs no pool.
pub fn hash_now(password: &str) -> Result<String, String> {
    hash_blocking(password.as_bytes())
}

/// A PHC string of `password` with the default parameters (Argon2id, 19 MiB, 2 passes).
fn hash_blocking(password: &[u8]) -> Result<String, String> {
    let params = Params::default();
    let salt = Salt::generate();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(
        Algorithm::Argon2id,
        Version::V0x13,
        params.clone(),
        password,
        &salt,
        &mut out,
    )?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| e.to_string())?,
        salt: Some(salt),
        hash: Some(Output::new(&out).map_err(|e| e.to_string())?),
    };
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `hash` (compared in constant time).
fn verify_blocking(password: &[u8], hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    argon2_into(algorithm, version, params, password, &salt, &mut out).is_ok()
        && Output::new(&out).is_ok_and(|computed| computed == expected)
}

pub(crate) async fn hash_password(pool: &Pool, password: String) -> ApiResult<String> {
    pool.run(move || hash_blocking(password.as_bytes()))
        .await?
        .map_err(ApiError::Internal)
}

/// Whether `password` matches `hash`; [`ApiError::Busy`] when the pool's queue is full.
pub(crate) async fn verify_password(
    pool: &Pool,
    password: String,
    hash: String,
) -> ApiResult<bool> {
    pool.run(move || verify_blocking(password.as_bytes(), &hash))
        .await
}

/// A hash to verify against when the account does not exist, so that timing does not reveal
/// which e-mail addresses have accounts.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$dGhpcyBpcyBub3QgYSByZWFsIGhhc2ggb2YgYW55dGhpbmc";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_with_its_password_only_and_reads_the_library_s_own_hashes() {
        let hash = hash_blocking(b"correct horse battery").unwrap_or_default();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_blocking(b"correct horse battery", &hash));
        assert!(!verify_blocking(b"correct horse batterx", &hash));
        assert!(!verify_blocking(b"correct horse battery", DUMMY_HASH));
        assert!(!verify_blocking(b"x", "not a hash"));
        // Hashes written before, by the library's own hasher, still verify.
        use argon2::password_hash::PasswordHasher;
        let older = Argon2::default()
            .hash_password(b"an older password")
            .map(|h| h.to_string())
            .unwrap_or_default();
        assert!(verify_blocking(b"an older password", &older));
        assert!(!verify_blocking(b"another password", &older));
    }
}
