-- Single sign-on with an OpenID Connect provider.
-- `oidc_identities` links an identity of a provider (its issuer and the subject it gives the
-- person, which never changes) to an account: the first sign-in links by verified e-mail or
-- creates the account, later ones go by (issuer, subject) alone. `email` is the address the
-- provider gave when the link was made; `linked_at` RFC 3339 UTC.
CREATE TABLE oidc_identities (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    email TEXT NOT NULL,
    linked_at TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_identities_user ON oidc_identities(user_id);
-- A sign-in on its way through the provider, for a few minutes: keyed by the SHA-256 of the
-- random secret in the browser's cookie (the state, nonce and PKCE verifier are derived from
-- that secret, so none of them is stored), with the page to return to. Used once, then gone;
-- any instance sharing the database can finish it.
CREATE TABLE oidc_pending (
    id_hash TEXT PRIMARY KEY,
    next TEXT,
    expires_at TEXT NOT NULL
);
