//! Two-factor sign-in for password accounts: time-based one-time codes (RFC 6238: HMAC-SHA-1,
//! six digits, 30-second steps, through `totp-rs`) and recovery codes; and the organisations
//! that require it of their members.
//!
//! - Enrolment: a new 20-byte secret is stored as enrolling and shown (a QR code of its
//!   `otpauth://` URL, and as text); it is turned on only by a correct code, and then ten
//!   recovery codes are shown once and stored as SHA-256 hashes.
//! - Checking: a code is right for the step before, at or after now (clock skew), and its step
//!   is then taken in the store by one conditional write, so a code works once and two
//!   requests with the same code cannot both pass. Attempts are throttled as passwords are,
//!   under a key of their own per account. A recovery code is used once, the same way.
//! - Sign-in: after a right password an account with two factors on gets no session but a
//!   pending sign-in (a random secret in a five-minute cookie, its hash stored with the user);
//!   the session starts after a right code. The API's login takes the code in its body.
//! - Requirement: an organisation may require two factors; a member signed in by session
//!   without them then gets `two_factor_required` (403) from its routes, and its pages send
//!   them to enrolment. API tokens are the automation path and are not held to it.
//!
//! Secrets and codes are never logged nor written to the audit log's detail.

use crate::AppState;
use crate::audit::{Event, Origin};
use crate::auth::{Auth, Via};
use crate::error::{ApiError, ApiResult};
use crate::throttle::{address_key, client_address};
use aimsgap_store::{User, hash_token, random_bytes};
use axum::http::{Extensions, HeaderMap};
use std::time::{SystemTime, UNIX_EPOCH};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// The digits of a code.
pub(crate) const DIGITS: u8 = 6;
/// The seconds of a time step.
pub(crate) const STEP_SECONDS: u64 = 30;
/// The name authenticator apps show above the account.
const ISSUER: &str = "aimsgap";
/// How many recovery codes an account gets.
pub(crate) const RECOVERY_CODES: usize = 10;
/// How long a sign-in waits for its second step.
pub(crate) const PENDING_SECONDS: u64 = 300;
/// The letters of recovery codes: Crockford's base 32, with no I, L, O or U to misread.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// The seconds since the Unix epoch now (a clock before 1970 reads as the epoch).
fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The generator of an account's codes: RFC 6238 with HMAC-SHA-1, `digits` digits, 30-second
/// steps and one step of skew either way. Only the sign-in codes' six digits are used by the
/// server; the RFC's test vectors have eight.
pub(crate) fn generator(secret: &[u8], digits: u8, account: &str) -> ApiResult<Totp> {
    // The otpauth URL's label may not hold a colon.
    let account: String = account
        .chars()
        .map(|c| if c == ':' { ' ' } else { c })
        .collect();
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(digits)
        .with_skew(1)
        .with_step_duration(STEP_SECONDS)
        .with_secret(secret.to_vec())
        .with_issuer(Some(ISSUER))
        .with_account_name(if account.is_empty() {
            "account".to_string()
        } else {
            account
        })
        .build()
        .map_err(|e| ApiError::Internal(format!("two-factor generator: {e}")))
}

/// The time step a code was made for, if it is right at `time` give or take one step. Spaces
/// in the code are ignored; anything but the generator's number of digits is wrong.
pub(crate) fn matching_step(generator: &Totp, code: &str, time: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != usize::from(generator.digits()) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    generator.check(&code, time)
}

/// A new secret, as base32 text.
fn new_secret() -> ApiResult<String> {
    Ok(Secret::from(random_bytes::<20>()?).to_base32())
}

fn secret_bytes(base32: &str) -> ApiResult<Vec<u8>> {
    Secret::try_from_base32(base32)
        .map(|s| s.as_bytes().to_vec())
        .map_err(|_| ApiError::Internal("a stored two-factor secret is not base32".into()))
}

/// A new recovery code: 80 random bits as four groups of four letters (`7k2m-...`).
fn new_recovery_code() -> ApiResult<String> {
    let bytes = random_bytes::<10>()?;
    let mut bits: u128 = 0;
    for byte in bytes {
        bits = (bits << 8) | u128::from(byte);
    }
    let mut code = String::with_capacity(19);
    for i in 0..16u32 {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        let index = usize::try_from((bits >> (75 - 5 * i)) & 31).unwrap_or(0);
        code.push(char::from(ALPHABET.get(index).copied().unwrap_or(b'0')));
    }
    Ok(code)
}

/// A recovery code as typed, normalised (lower case, no dashes or spaces, misreadable letters
/// read as the digits they look like); `None` if it cannot be one.
pub(crate) fn normalised_recovery_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            other => other,
        })
        .collect();
    (code.len() == 16 && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// New recovery codes and the hashes the store keeps.
fn recovery_codes() -> ApiResult<(Vec<String>, Vec<String>)> {
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    let mut hashes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let code = new_recovery_code()?;
        if let Some(normal) = normalised_recovery_code(&code) {
            hashes.push(hash_token(&normal));
        }
        codes.push(code);
    }
    Ok((codes, hashes))
}

/// What enrolment shows: the secret as text, its `otpauth://` URL and that URL as a QR code.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Enrolment {
    /// Base32, in groups of four for reading.
    pub secret: String,
    pub url: String,
    /// An SVG image (markup made by `qrcode`, holding no text of the user's).
    pub svg: String,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Enrolment(hidden)")
    }
}

/// The enrolment of a signed-in user: their enrolling secret (made and stored now if they
/// have none); `None` when two factors are on already.
pub(crate) async fn enrolment(state: &AppState, user: &User) -> ApiResult<Option<Enrolment>> {
    let Some(secret) = state
        .store
        .enrolling_secret(&user.id, &new_secret()?)
        .await?
    else {
        return Ok(None);
    };
    let generator = generator(&secret_bytes(&secret)?, DIGITS, &user.email)?;
    let url = generator
        .to_url()
        .map_err(|e| ApiError::Internal(format!("otpauth URL: {e}")))?;
    let svg = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| ApiError::Internal(format!("QR code: {e}")))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    // The XML declaration (up to its `?>`) has no place inside an HTML page.
    let svg = svg
        .split_once("?>")
        .map_or(svg.as_str(), |(_, image)| image);
    let grouped = secret
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Some(Enrolment {
        secret: grouped,
        url,
        svg: svg.to_string(),
    }))
}

/// The origin of a request, for the audit log.
fn origin_of(state: &AppState, headers: &HeaderMap, extensions: &Extensions) -> Origin {
    Origin(client_address(
        headers,
        extensions,
        &state.config.trusted_proxies,
    ))
}

/// The throttle's key for the second factor of an account: its own, so that codes and
/// passwords are limited apart (an e-mail address holds no NUL, so no account's key is this).
fn throttle_key(user: &User) -> String {
    format!("two-factor\u{0}{}", user.id)
}

/// Turns two factors on with a right code of the enrolling secret; returns the recovery codes
/// to show once. A wrong code is `BadRequest` with a sentence for the form.
pub(crate) async fn turn_on(
    state: &AppState,
    user: &User,
    code: &str,
    headers: &HeaderMap,
    extensions: &Extensions,
) -> ApiResult<Vec<String>> {
    let origin = origin_of(state, headers, extensions);
    let secret = match state.store.two_factor(&user.id).await? {
        Some(stored) if stored.enabled_at.is_none() => stored.secret,
        Some(_) => {
            return Err(ApiError::BadRequest(
                "Two-factor sign-in is on already.".into(),
            ));
        }
        None => {
            return Err(ApiError::BadRequest(
                "No secret was shown yet: open the two-factor page and scan its QR code first."
                    .into(),
            ));
        }
    };
    let address =
        client_address(headers, extensions, &state.config.trusted_proxies).map(address_key);
    let attempt = state
        .throttle
        .begin_login(&throttle_key(user), address.as_deref())
        .map_err(ApiError::TooManyAttempts)?;
    let generator = generator(&secret_bytes(&secret)?, DIGITS, &user.email)?;
    let Some(step) = matching_step(&generator, code, now()) else {
        attempt.failed();
        Event::TwoFactorFailed
            .by(user)
            .detail("enrolment")
            .record(state, &origin)
            .await?;
        return Err(ApiError::BadRequest(WRONG_CODE.into()));
    };
    let (codes, hashes) = recovery_codes()?;
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    if !state
        .store
        .enable_two_factor(&user.id, &secret, step, &hashes)
        .await?
    {
        return Err(ApiError::BadRequest(
            "Two-factor sign-in changed meanwhile: reload the page.".into(),
        ));
    }
    attempt.succeeded();
    Event::TwoFactorEnabled
        .by(user)
        .record(state, &origin)
        .await?;
    Ok(codes)
}

/// The sentence for a code that is not right.
pub(crate) const WRONG_CODE: &str = "Code: this code is not right, or was used already. Type the code your app shows now, or an unused recovery code.";

/// How a second factor was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Factor {
    Code,
    Recovery,
}

/// Checks a code or a recovery code of an account with two factors on, throttled; `None`
/// when it is not right (or was used). Records a failure, and the use of a recovery code.
pub(crate) async fn check_factor(
    state: &AppState,
    user: &User,
    typed: &str,
    headers: &HeaderMap,
    extensions: &Extensions,
) -> ApiResult<Option<Factor>> {
    let origin = origin_of(state, headers, extensions);
    let address =
        client_address(headers, extensions, &state.config.trusted_proxies).map(address_key);
    let attempt = state
        .throttle
        .begin_login(&throttle_key(user), address.as_deref())
        .map_err(ApiError::TooManyAttempts)?;
    let Some(stored) = state
        .store
        .two_factor(&user.id)
        .await?
        .filter(|t| t.enabled_at.is_some())
    else {
        return Ok(None);
    };
    let generator = generator(&secret_bytes(&stored.secret)?, DIGITS, &user.email)?;
    let factor = if let Some(step) = matching_step(&generator, typed, now()) {
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        state
            .store
            .take_step(&user.id, step)
            .await?
            .then_some(Factor::Code)
    } else if let Some(code) = normalised_recovery_code(typed) {
        state
            .store
            .use_recovery_code(&user.id, &hash_token(&code))
            .await?
            .then_some(Factor::Recovery)
    } else {
        None
    };
    match factor {
        Some(factor) => {
            attempt.succeeded();
            if factor == Factor::Recovery {
                Event::RecoveryCodeUsed
                    .by(user)
                    .record(state, &origin)
                    .await?;
            }
        }
        None => {
            attempt.failed();
            Event::TwoFactorFailed
                .by(user)
                .record(state, &origin)
                .await?;
        }
    }
    Ok(factor)
}

/// The second factor of the API's login: nothing for an account with two factors off; for one
/// with them on, `code` must be right (`two_factor_code_needed` without one, `unauthenticated`
/// when it is wrong).
pub(crate) async fn login_code(
    state: &AppState,
    headers: &HeaderMap,
    extensions: &Extensions,
    user: &User,
    code: Option<&str>,
) -> ApiResult<()> {
    if !state.store.two_factor_on(&user.id).await? {
        return Ok(());
    }
    let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
        return Err(ApiError::CodeNeeded);
    };
    match check_factor(state, user, code, headers, extensions).await? {
        Some(_) => Ok(()),
        None => Err(ApiError::Unauthenticated),
    }
}

/// Turns two factors off after checking the password and a code (or recovery code). A wrong
/// one is `BadRequest` with a sentence for the form.
pub(crate) async fn turn_off(
    state: &AppState,
    auth: &Auth,
    password: &str,
    code: &str,
    headers: &HeaderMap,
    extensions: &Extensions,
) -> ApiResult<()> {
    if !state.store.two_factor_on(&auth.user.id).await? {
        return Err(ApiError::BadRequest("Two-factor sign-in is off.".into()));
    }
    match crate::ops::accounts::check_login(state, headers, extensions, &auth.user.email, password)
        .await
    {
        Ok(user) if user.id == auth.user.id => {}
        Ok(_) | Err(ApiError::Unauthenticated) => {
            return Err(ApiError::BadRequest(
                "Password: this is not your password.".into(),
            ));
        }
        Err(other) => return Err(other),
    }
    if check_factor(state, &auth.user, code, headers, extensions)
        .await?
        .is_none()
    {
        return Err(ApiError::BadRequest(WRONG_CODE.into()));
    }
    state.store.disable_two_factor(&auth.user.id).await?;
    Event::TwoFactorDisabled
        .by(&auth.user)
        .record(state, &origin_of(state, headers, extensions))
        .await?;
    Ok(())
}

/// Replaces the recovery codes after checking a code (or an unused recovery code); returns
/// the new ones to show once.
pub(crate) async fn renew_codes(
    state: &AppState,
    auth: &Auth,
    code: &str,
    headers: &HeaderMap,
    extensions: &Extensions,
) -> ApiResult<Vec<String>> {
    if !state.store.two_factor_on(&auth.user.id).await? {
        return Err(ApiError::BadRequest("Two-factor sign-in is off.".into()));
    }
    if check_factor(state, &auth.user, code, headers, extensions)
        .await?
        .is_none()
    {
        return Err(ApiError::BadRequest(WRONG_CODE.into()));
    }
    let (codes, hashes) = recovery_codes()?;
    if !state
        .store
        .renew_recovery_codes(&auth.user.id, &hashes)
        .await?
    {
        return Err(ApiError::BadRequest("Two-factor sign-in is off.".into()));
    }
    Event::RecoveryCodesRenewed
        .by(&auth.user)
        .record(state, &origin_of(state, headers, extensions))
        .await?;
    Ok(codes)
}

/// Refuses a session without two factors in an organisation that requires them. API tokens
/// pass: they are the automation path, made by a signed-in member.
pub(crate) async fn enforce(state: &AppState, auth: &Auth, org: &str) -> ApiResult<()> {
    if matches!(auth.via, Via::Token) {
        return Ok(());
    }
    if state
        .store
        .lacks_required_two_factor(org, &auth.user.id)
        .await?
    {
        return Err(ApiError::TwoFactorRequired);
    }
    Ok(())
}

/// Whether what an organisation holds stays out of a list across organisations (the caller's
/// work) because the organisation requires two factors the session lacks; `seen` remembers
/// the organisations asked about already.
pub(crate) async fn hides(
    state: &AppState,
    auth: &Auth,
    org: &str,
    seen: &mut Vec<(String, bool)>,
) -> ApiResult<bool> {
    if let Some((_, hidden)) = seen.iter().find(|(id, _)| id == org) {
        return Ok(*hidden);
    }
    let hidden = match enforce(state, auth, org).await {
        Ok(()) => false,
        Err(ApiError::TwoFactorRequired) => true,
        Err(other) => return Err(other),
    };
    seen.push((org.to_string(), hidden));
    Ok(hidden)
}

/// Sets an organisation's requirement (owners only), recorded when it changes.
pub(crate) async fn set_required(
    state: &AppState,
    auth: &Auth,
    org: &str,
    required: bool,
    origin: &Origin,
) -> ApiResult<()> {
    crate::policy::org_access(state, auth, org, crate::Access::OrgOwner).await?;
    if state
        .store
        .set_two_factor_required(org, required, &auth.user.id)
        .await?
    {
        Event::TwoFactorRequired
            .by(&auth.user)
            .org(org)
            .detail(if required { "required" } else { "not required" })
            .record(state, origin)
            .await?;
    }
    Ok(())
}

/// The cookie of a pending sign-in; `__Host-` over TLS, as the form cookie.
pub(crate) fn pending_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-aimsgap_pending"
    } else {
        "aimsgap_pending"
    }
}

/// The `Set-Cookie` value of a pending sign-in (`max_age` 0 removes it).
pub(crate) fn pending_cookie(secret: &str, max_age: u64, secure: bool) -> String {
    format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        pending_cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

/// Starts the second step of a sign-in for an account with two factors on: the secret of its
/// pending sign-in (for the cookie); `None` when two factors are off.
pub(crate) async fn begin_pending(state: &AppState, user: &User) -> ApiResult<Option<String>> {
    if !state.store.two_factor_on(&user.id).await? {
        return Ok(None);
    }
    let secret = aimsgap_store::new_token()?;
    state
        .store
        .create_pending_sign_in(&user.id, &secret, &crate::ops::in_seconds(PENDING_SECONDS))
        .await?;
    Ok(Some(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 rows (8 digits, the ASCII secret "1234567890" twice),
    /// checked through the function that checks sign-in codes.
    #[test]
    fn rfc_6238_sha1_test_vectors_pass_through_the_code_check() {
        let generator = generator(b"12345678901234567890", 8, "rfc@example.test").unwrap();
        for (time, code) in [
            (59u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(
                matching_step(&generator, code, time),
                Some(time / 30),
                "{time}"
            );
            // One step of skew either way, and no more.
            assert!(matching_step(&generator, code, time + 30).is_some());
            assert!(
                matching_step(&generator, code, time + 90).is_none(),
                "{time}"
            );
            if let Some(earlier) = time.checked_sub(90) {
                assert!(matching_step(&generator, code, earlier).is_none(), "{time}");
            }
        }
        assert_eq!(matching_step(&generator, "9428 7082", 59), Some(1));
        assert_eq!(matching_step(&generator, "94287083", 59), None);
        assert_eq!(matching_step(&generator, "942870", 59), None);
        assert_eq!(matching_step(&generator, "", 59), None);
        assert_eq!(matching_step(&generator, "9428708x", 59), None);
    }

    #[test]
    fn recovery_codes_are_random_readable_and_read_back_as_typed() {
        let (codes, hashes) = recovery_codes().unwrap();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_eq!(hashes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        for code in &codes {
            assert_eq!(code.len(), 19, "{code}");
            assert_eq!(code.matches('-').count(), 3, "{code}");
            let normal = normalised_recovery_code(code).unwrap();
            assert_eq!(
                normalised_recovery_code(&code.to_uppercase().replace('-', " ")),
                Some(normal)
            );
        }
        assert_eq!(
            normalised_recovery_code("oil0-0000-0000-0000").as_deref(),
            Some("0110000000000000")
        );
        assert_eq!(normalised_recovery_code("123456"), None);
        assert_eq!(normalised_recovery_code("uuuu-0000-0000-0000"), None);
    }
}
