//! Single sign-on with an OpenID Connect provider: the authorization code flow with PKCE,
//! through the `openidconnect` crate, which checks discovery's issuer, the ID token's
//! signature (against the provider's published keys), issuer, audience, expiry and nonce.
//!
//! What the crate does not bring is its HTTP client: [`Http`] is a small adapter over the
//! `reqwest` 0.13 client the server already has (redirects off, timeouts), because the crate's
//! own `reqwest` feature would pull a second reqwest and a second TLS provider into the build.
//!
//! Nothing secret is stored for a sign-in on its way: the browser holds a random secret in a
//! cookie, the state, nonce and PKCE verifier are derived from it by SHA-256 (so none can be
//! guessed from another, and the state sent through the browser reveals neither the verifier
//! nor the nonce), and the database keeps only the secret's hash with the page to return to,
//! for a few minutes, taken once. Any instance sharing the database can finish the sign-in.
//!
//! Discovery is read at start ([`discover_at_start`]) and, if the provider did not answer
//! then, again at the next sign-in: the server starts either way and says so in the log.

use crate::audit::{Event, Origin};
use crate::error::{ApiError, ApiResult};
use crate::{AppState, OidcSettings};
use aimsgap_store::{Role, StoreError, User, hash_token, new_token};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm, CoreProviderMetadata,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, HttpRequest, HttpResponse, IdToken, IssuerUrl, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// How long a sign-in may take at the provider.
pub(crate) const PENDING_SECONDS: u64 = 600;

/// The cookie that holds a sign-in's secret on its way through the provider.
pub(crate) const COOKIE: &str = "aimsgap_oidc";

/// The path the provider sends the browser back to, under the public URL.
pub(crate) const CALLBACK_PATH: &str = "signin/oidc/callback";

/// The HTTP client the `openidconnect` crate calls through: reqwest, without following
/// redirects (the protocol's answers are read where they are asked for) and with timeouts.
#[derive(Clone, Debug)]
pub struct Http(reqwest::Client);

/// A failed call to the provider.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("request to the provider failed: {0}")]
    Request(#[from] reqwest::Error),
    #[error("the provider's answer is not HTTP: {0}")]
    Http(#[from] openidconnect::http::Error),
}

impl Http {
    pub fn new() -> Result<Http, reqwest::Error> {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .build()
            .map(Http)
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let (parts, body) = request.into_parts();
        let mut outgoing = self
            .0
            .request(parts.method, parts.uri.to_string())
            .body(body);
        for (name, value) in &parts.headers {
            outgoing = outgoing.header(name, value);
        }
        let answer = outgoing.send().await?;
        let mut response = openidconnect::http::Response::builder().status(answer.status());
        for (name, value) in answer.headers() {
            response = response.header(name, value);
        }
        let bytes = answer.bytes().await?;
        Ok(response.body(bytes.to_vec())?)
    }
}

impl<'c> openidconnect::AsyncHttpClient<'c> for Http {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

/// The client of a discovered provider.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Every claim of the ID token besides the standard ones, so that the role claim, whatever
/// the operator names it, is read from the token the crate verified.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
struct OtherClaims(serde_json::Map<String, serde_json::Value>);

impl AdditionalClaims for OtherClaims {}

type VerifiedToken = IdToken<
    OtherClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// The provider the server signs people in with: its settings, the redirect address and,
/// once discovery has been read, its client.
#[derive(Debug)]
pub struct Provider {
    settings: OidcSettings,
    redirect: Option<url::Url>,
    http: Option<Http>,
    client: tokio::sync::RwLock<Option<Arc<Client>>>,
}

/// A sign-in the provider confirmed: who, as the ID token says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Identity {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    /// The values of the role claim, if the operator named one and the token has it.
    pub roles: Vec<String>,
}

/// Why a sign-in through the provider did not go through. The words are for the person
/// signing in; nothing secret is in them.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Refusal {
    #[error(
        "Single sign-on is not available: the provider does not answer or does not identify itself as configured. Try again later, or tell the operator."
    )]
    Unavailable,
    #[error(
        "This sign-in link has expired or was already used. Start again from the sign-in page."
    )]
    Expired,
    #[error("The provider did not sign you in: {0}")]
    Provider(String),
    #[error("The provider's answer could not be verified, so you are not signed in.")]
    Unverified,
    #[error(
        "Your provider has not confirmed this e-mail address, so it cannot be linked to an account here. Confirm it with your provider, then sign in again."
    )]
    EmailNotVerified,
    #[error(
        "No account here has this e-mail address, and this server does not create accounts on single sign-on: ask an owner of your organisation to invite you."
    )]
    NoAccount,
}

impl Provider {
    pub fn new(settings: OidcSettings, public_url: Option<&url::Url>) -> Provider {
        let redirect = public_url.and_then(|base| base.join(CALLBACK_PATH).ok());
        let http = match Http::new() {
            Ok(http) => Some(http),
            Err(error) => {
                tracing::error!(%error, "single sign-on: no HTTP client");
                None
            }
        };
        Provider {
            settings,
            redirect,
            http,
            client: tokio::sync::RwLock::new(None),
        }
    }

    pub fn issuer(&self) -> &str {
        &self.settings.issuer
    }

    /// The client, reading discovery first if it has not been read yet.
    async fn client(&self) -> Result<Arc<Client>, Refusal> {
        if let Some(client) = self.client.read().await.as_ref() {
            return Ok(client.clone());
        }
        let mut slot = self.client.write().await;
        if let Some(client) = slot.as_ref() {
            return Ok(client.clone());
        }
        let client = Arc::new(self.discover().await?);
        *slot = Some(client.clone());
        Ok(client)
    }

    async fn discover(&self) -> Result<Client, Refusal> {
        let (Some(http), Some(redirect)) = (&self.http, &self.redirect) else {
            return Err(Refusal::Unavailable);
        };
        let issuer = IssuerUrl::new(self.settings.issuer.clone()).map_err(|error| {
            tracing::error!(%error, "single sign-on: the issuer is not a URL");
            Refusal::Unavailable
        })?;
        let metadata = CoreProviderMetadata::discover_async(issuer, http)
            .await
            .map_err(|error| {
                tracing::error!(issuer = %self.settings.issuer, error = %error_chain(&error), "single sign-on: discovery failed");
                Refusal::Unavailable
            })?;
        let redirect = RedirectUrl::from_url(redirect.clone());
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            self.settings.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    /// The provider's address to send the browser to for a sign-in whose browser secret is
    /// `secret`.
    pub(crate) async fn authorization_url(&self, secret: &str) -> Result<url::Url, Refusal> {
        let client = self.client().await?;
        let derived = Derived::of(secret);
        let challenge =
            PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(derived.verifier));
        let state = derived.state;
        let nonce = derived.nonce;
        let (url, _, _) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                move || CsrfToken::new(state),
                move || Nonce::new(nonce),
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(url)
    }

    /// Checks the state the provider sent back, exchanges the code and verifies the ID token.
    pub(crate) async fn finish(
        &self,
        secret: &str,
        state: &str,
        code: &str,
    ) -> Result<Identity, Refusal> {
        let derived = Derived::of(secret);
        if !crate::security::constant_time_eq(state, &derived.state) {
            return Err(Refusal::Expired);
        }
        let client = self.client().await?;
        let Some(http) = &self.http else {
            return Err(Refusal::Unavailable);
        };
        let request = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|error| {
                tracing::error!(%error, "single sign-on: the provider has no token endpoint");
                Refusal::Unavailable
            })?;
        let answer = request
            .set_pkce_verifier(PkceCodeVerifier::new(derived.verifier))
            .request_async(http)
            .await
            .map_err(|error| {
                tracing::warn!(error = %error_chain(&error), "single sign-on: the code exchange failed");
                Refusal::Unverified
            })?;
        let token = answer.id_token().ok_or_else(|| {
            tracing::warn!("single sign-on: the provider's answer has no ID token");
            Refusal::Unverified
        })?;
        // The same token, read with every claim kept, is what the crate verifies.
        let token: VerifiedToken = serde_json::to_value(token)
            .and_then(serde_json::from_value)
            .map_err(|error| {
                tracing::warn!(%error, "single sign-on: the ID token does not read");
                Refusal::Unverified
            })?;
        let claims = token.claims(&client.id_token_verifier(), &Nonce::new(derived.nonce));
        let claims = match claims {
            Ok(claims) => claims,
            Err(error) => {
                tracing::warn!(error = %error_chain(&error), "single sign-on: the ID token did not verify");
                // The provider may have rotated its signing keys: the next sign-in reads
                // discovery and the keys again.
                *self.client.write().await = None;
                return Err(Refusal::Unverified);
            }
        };

        let roles = match &self.settings.role_claim {
            None => Vec::new(),
            Some(name) => claim_values(claims.additional_claims().0.get(name)),
        };
        Ok(Identity {
            subject: claims.subject().as_str().to_string(),
            email: claims.email().map(|e| e.as_str().trim().to_lowercase()),
            email_verified: claims.email_verified() == Some(true),
            name: claims
                .name()
                .and_then(|name| name.get(None))
                .map(|name| name.as_str().trim().to_string())
                .filter(|name| !name.is_empty()),
            roles,
        })
    }
}

/// An error with its causes, for the log.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The strings of a claim that is a string or a list of strings.
fn claim_values(value: Option<&serde_json::Value>) -> Vec<String> {
    match value {
        Some(serde_json::Value::String(one)) => vec![one.clone()],
        Some(serde_json::Value::Array(many)) => many
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// The state, nonce and PKCE verifier of a sign-in, derived from its browser secret.
struct Derived {
    state: String,
    nonce: String,
    /// 64 hexadecimal characters: within RFC 7636's 43 to 128 unreserved characters.
    verifier: String,
}

impl Derived {
    fn of(secret: &str) -> Derived {
        Derived {
            state: hash_token(&format!("oidc state {secret}")),
            nonce: hash_token(&format!("oidc nonce {secret}")),
            verifier: hash_token(&format!("oidc pkce {secret}")),
        }
    }
}

/// Reads the provider's discovery at start, and says in the log whether single sign-on is
/// ready; if the provider does not answer, the next sign-in tries again.
pub async fn discover_at_start(state: AppState) {
    let Some(provider) = &state.oidc else {
        return;
    };
    match provider.client().await {
        Ok(_) => tracing::info!(issuer = %provider.issuer(), "single sign-on ready"),
        Err(_) => tracing::warn!(
            issuer = %provider.issuer(),
            "single sign-on: the provider's discovery could not be read; trying again at the next sign-in"
        ),
    }
}

/// Refuses a password sign-in or sign-up when the operator switched passwords off
/// (`serve --no-password-sign-in`); API tokens are not passwords and still work.
pub(crate) fn password_allowed(state: &AppState) -> ApiResult<()> {
    if state.config.password_sign_in {
        Ok(())
    } else {
        Err(ApiError::PasswordSignInOff)
    }
}

/// A new sign-in: the browser's secret, kept (by its hash) with the page to return to, and
/// the provider's address to send the browser to.
pub(crate) async fn begin(
    state: &AppState,
    next: Option<&str>,
) -> ApiResult<Result<(String, url::Url), Refusal>> {
    let Some(provider) = &state.oidc else {
        return Err(ApiError::NotFound);
    };
    let secret = new_token()?;
    let url = match provider.authorization_url(&secret).await {
        Ok(url) => url,
        Err(refusal) => return Ok(Err(refusal)),
    };
    state
        .store
        .begin_oidc_sign_in(&secret, next, &crate::ops::in_seconds(PENDING_SECONDS))
        .await?;
    Ok(Ok((secret, url)))
}

/// What the provider's answer came to.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Signed in, to go on to `next`.
    SignedIn { user: User, next: Option<String> },
    /// Not signed in, and why.
    Refused(Refusal),
}

/// The provider's answer: the sign-in kept under the browser's secret is taken (once), the
/// answer verified, and the identity found, linked or made an account; then the role claim
/// is applied. Every refusal is recorded in the audit log.
pub(crate) async fn complete(
    state: &AppState,
    origin: &Origin,
    secret: Option<&str>,
    query: &[(String, String)],
) -> ApiResult<Outcome> {
    let Some(provider) = &state.oidc else {
        return Err(ApiError::NotFound);
    };
    let field = |name: &str| {
        query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let kept = match secret {
        Some(secret) => state.store.take_oidc_sign_in(secret).await?,
        None => None,
    };
    let (Some(secret), Some(next)) = (secret, kept) else {
        return refuse(state, origin, None, Refusal::Expired).await;
    };
    if let Some(error) = field("error") {
        let described = field("error_description").unwrap_or(error);
        let words: String = described.chars().take(200).collect();
        return refuse(state, origin, None, Refusal::Provider(words)).await;
    }
    let (Some(answer_state), Some(code)) = (field("state"), field("code")) else {
        return refuse(state, origin, None, Refusal::Expired).await;
    };
    let identity = match provider.finish(secret, answer_state, code).await {
        Ok(identity) => identity,
        Err(refusal) => return refuse(state, origin, None, refusal).await,
    };
    let user = match account(state, origin, provider.issuer(), &identity).await? {
        Ok(user) => user,
        Err(refusal) => {
            return refuse(state, origin, identity.email.as_deref(), refusal).await;
        }
    };
    apply_roles(state, origin, &user, &identity.roles).await?;
    Event::SignInSucceeded
        .by(&user)
        .detail("single sign-on")
        .record(state, origin)
        .await?;
    Ok(Outcome::SignedIn { user, next })
}

async fn refuse(
    state: &AppState,
    origin: &Origin,
    email: Option<&str>,
    refusal: Refusal,
) -> ApiResult<Outcome> {
    let why = match &refusal {
        Refusal::Unavailable => "provider unavailable",
        Refusal::Expired => "sign-in expired or state mismatch",
        Refusal::Provider(_) => "refused by the provider",
        Refusal::Unverified => "answer did not verify",
        Refusal::EmailNotVerified => "e-mail address not verified",
        Refusal::NoAccount => "no account to link",
    };
    Event::SignInFailed
        .anonymous(email)
        .detail(format!("single sign-on: {why}"))
        .record(state, origin)
        .await?;
    Ok(Outcome::Refused(refusal))
}

/// The account of an identity: the one it is linked to; else, on its first sign-in, the
/// account of its verified e-mail address (linked now) or, when the operator allows it, a
/// new account without a password.
async fn account(
    state: &AppState,
    origin: &Origin,
    issuer: &str,
    identity: &Identity,
) -> ApiResult<Result<User, Refusal>> {
    if let Some(user) = state.store.oidc_user(issuer, &identity.subject).await? {
        return Ok(Ok(user));
    }
    let Some(email) = identity
        .email
        .as_deref()
        .filter(|_| identity.email_verified)
    else {
        return Ok(Err(Refusal::EmailNotVerified));
    };
    if let Some((user, _)) = state.store.user_by_email(email).await? {
        return link(
            state,
            origin,
            issuer,
            identity,
            user,
            email,
            Event::OidcLinked,
        )
        .await;
    }
    let settings = state.oidc.as_ref().map(|p| &p.settings);
    if !settings.is_some_and(|s| s.create_accounts) {
        return Ok(Err(Refusal::NoAccount));
    }
    // An account made here has no password anyone knows: a random one, hashed like any
    // other, so a password sign-in to it fails as any wrong password does.
    let hash = crate::passwords::hash_password(&state.hashing, new_token()?).await?;
    let name = identity
        .name
        .clone()
        .unwrap_or_else(|| email.split('@').next().unwrap_or(email).to_string());
    let name: String = name.chars().take(200).collect();
    let user = match state.store.create_user(email, &name, &hash).await {
        Ok(user) => user,
        // Made meanwhile by another sign-in of the same address: link that one.
        Err(StoreError::Exists(_)) => match state.store.user_by_email(email).await? {
            Some((user, _)) => user,
            None => return Err(ApiError::Internal("account vanished".into())),
        },
        Err(other) => return Err(other.into()),
    };
    link(
        state,
        origin,
        issuer,
        identity,
        user,
        email,
        Event::AccountCreated,
    )
    .await
}

async fn link(
    state: &AppState,
    origin: &Origin,
    issuer: &str,
    identity: &Identity,
    user: User,
    email: &str,
    event: Event,
) -> ApiResult<Result<User, Refusal>> {
    match state
        .store
        .link_oidc(issuer, &identity.subject, &user.id, email)
        .await
    {
        Ok(()) => {}
        // Linked meanwhile by a sign-in of the same identity: that link stands.
        Err(StoreError::Exists(_)) => {
            return match state.store.oidc_user(issuer, &identity.subject).await? {
                Some(user) => Ok(Ok(user)),
                None => Err(ApiError::Internal("identity link vanished".into())),
            };
        }
        Err(other) => return Err(other.into()),
    }
    event
        .by(&user)
        .subject(&user.id)
        .detail("single sign-on")
        .record(state, origin)
        .await?;
    Ok(Ok(user))
}

/// A value of the role claim: `aimsgap:<organisation id>:<role>`.
fn parse_role(value: &str) -> Option<(&str, Role)> {
    let rest = value.strip_prefix("aimsgap:")?;
    let (org, role) = rest.rsplit_once(':')?;
    if org.is_empty() {
        return None;
    }
    Some((org, Role::parse(role)?))
}

/// Gives the user each role the claim names, in organisations that exist; the rest is
/// logged and left. The last owner of an organisation keeps the owner role.
async fn apply_roles(
    state: &AppState,
    origin: &Origin,
    user: &User,
    values: &[String],
) -> ApiResult<()> {
    for value in values {
        let Some((org, role)) = parse_role(value) else {
            tracing::info!(value = %value, "single sign-on: a role claim value that is not aimsgap:ORGANISATION:ROLE, left");
            continue;
        };
        if state.store.organization(org).await?.is_none() {
            tracing::info!(organisation = %org, "single sign-on: the role claim names an organisation that does not exist, left");
            continue;
        }
        match state.store.grant_role(org, &user.id, role).await {
            Ok(before) if before == Some(role) => {}
            Ok(before) => {
                let from = before.map_or("not a member", Role::as_str);
                Event::RoleChanged
                    .by(user)
                    .org(org)
                    .subject(&user.id)
                    .detail(format!(
                        "{from} to {} by the single sign-on role claim",
                        role.as_str()
                    ))
                    .record(state, origin)
                    .await?;
            }
            Err(StoreError::LastOwner) => {
                tracing::info!(organisation = %org, "single sign-on: the role claim would remove the last owner, left");
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_claim_values_name_an_organisation_and_a_known_role() {
        assert_eq!(
            parse_role("aimsgap:0190-abc:editor"),
            Some(("0190-abc", Role::Editor))
        );
        assert_eq!(parse_role("aimsgap:org:owner"), Some(("org", Role::Owner)));
        for refused in [
            "aimsgap::editor",
            "aimsgap:org:admin",
            "other:org:editor",
            "aimsgap:org",
            "editor",
            "",
        ] {
            assert_eq!(parse_role(refused), None, "{refused}");
        }
    }

    #[test]
    fn a_claim_is_read_as_a_string_or_a_list_of_strings() {
        use serde_json::json;
        assert_eq!(claim_values(Some(&json!("a"))), vec!["a"]);
        assert_eq!(claim_values(Some(&json!(["a", 3, "b"]))), vec!["a", "b"]);
        assert!(claim_values(Some(&json!({"a": 1}))).is_empty());
        assert!(claim_values(None).is_empty());
    }

    #[test]
    fn the_state_nonce_and_verifier_differ_and_follow_the_secret() {
        let one = Derived::of("secret one");
        let two = Derived::of("secret two");
        assert_ne!(one.state, one.nonce);
        assert_ne!(one.state, one.verifier);
        assert_ne!(one.nonce, one.verifier);
        assert_ne!(one.state, two.state);
        assert_eq!(one.verifier, Derived::of("secret one").verifier);
        assert!((43..=128).contains(&one.verifier.len()));
    }
}
