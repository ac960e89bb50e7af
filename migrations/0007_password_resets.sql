-- Invitations may name the invitee's address: the invitation is then mailed to it.
ALTER TABLE invitations ADD COLUMN email TEXT;

-- Password reset links: single use, an hour long. Only the SHA-256 of the link's secret is
-- stored. `used_at` is set by the one UPDATE that uses a link, so that two racing uses
-- succeed once. Short-lived secrets: backups do not carry them.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX password_resets_user ON password_resets(user_id);
