-- The daily digest: what each member wants to hear of, and which digests went out.
--
-- A member hears of every kind of reminder until they switch it off: a row here records a
-- choice (`enabled` 0 or 1) for one kind (`work`, `evidence` or `obligations`); no row reads as
-- on.
CREATE TABLE notification_preferences (
    user_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    enabled BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- One row per member and day (YYYY-MM-DD, UTC): the claim that one server instance took to
-- send that day's digest. Inserting it is the lease (the primary key lets only one instance
-- insert it); `state` then says what became of it: `claimed` (being sent, or the instance
-- stopped while sending: never sent again), `sent`, `empty` (nothing to tell: no mail) or
-- `failed` (the SMTP server refused or could not be reached: a later pass claims it again,
-- up to a bounded number of attempts).
CREATE TABLE digest_sends (
    user_id TEXT NOT NULL REFERENCES users(id),
    day TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    items BIGINT NOT NULL,
    claimed_at TEXT NOT NULL,
    sent_at TEXT,
    error TEXT,
    PRIMARY KEY (user_id, day)
);
CREATE INDEX digest_sends_state ON digest_sends(day, state);
