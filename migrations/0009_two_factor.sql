-- Two-factor sign-in with time-based one-time codes (RFC 6238) and recovery codes.
--
-- `two_factor` holds an account's secret (base32 text: the server must compute codes from it,
-- so it cannot be a hash). `enabled_at` is NULL while the account is enrolling (the secret was
-- shown, no correct code came back yet). `last_step` is the last 30-second time step whose code
-- was accepted: a code of that step or an earlier one is refused, so a code works once.
CREATE TABLE two_factor (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    secret TEXT NOT NULL,
    enabled_at TEXT,
    last_step BIGINT NOT NULL,
    created_at TEXT NOT NULL
);

-- Recovery codes, each stored as the SHA-256 of its normalised text and usable once.
CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    used_at TEXT,
    PRIMARY KEY (user_id, code_hash)
);

-- A sign-in that passed the password and waits for its second step: the SHA-256 of a random
-- secret held in a short-lived cookie. Not carried by backups (it lives minutes).
CREATE TABLE two_factor_pending (
    secret_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    expires_at TEXT NOT NULL
);
CREATE INDEX two_factor_pending_user ON two_factor_pending(user_id);

-- Organisations whose members must sign in with two factors: a row is the requirement.
CREATE TABLE org_two_factor (
    org_id TEXT PRIMARY KEY REFERENCES organizations(id),
    required_by TEXT NOT NULL,
    required_at TEXT NOT NULL
);
