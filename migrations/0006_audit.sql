-- The audit log: security-relevant events (sign-in success and failure, password and
-- two-factor changes, API tokens, roles, invitations, exports and downloads), appended and
-- never changed. `id` is a UUIDv7, so ids sort by the time they were made; `at` is RFC 3339
-- UTC text.
-- `actor` is the user who acted (NULL when nobody was signed in, such as a failed sign-in
-- for an unknown address), `actor_email` the address as given or as it was then; `org_id` the
-- organisation the event belongs to, when it belongs to one; `subject` what it touched (a
-- token id, a member's id, an evidence id, a report format); `detail` a few words; `address`
-- where the request came from, as the server saw it (behind a trusted proxy, the client).
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    actor TEXT,
    actor_email TEXT,
    org_id TEXT,
    subject TEXT,
    detail TEXT,
    address TEXT
);
CREATE INDEX audit_events_org ON audit_events(org_id, id);
CREATE INDEX audit_events_actor ON audit_events(actor, id);
