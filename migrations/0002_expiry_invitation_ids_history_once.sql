-- Invitations get an id of their own, so that owners can list and revoke them without the
-- secret or its hash ever leaving the server. Rows made before this migration receive an id
-- when the store next connects (ids are made by the application, not the database).
ALTER TABLE invitations ADD COLUMN id TEXT;
CREATE UNIQUE INDEX invitations_id ON invitations(id);
CREATE INDEX invitations_org ON invitations(org_id, created_at);

-- API tokens expire. Tokens made before this migration receive an expiry 90 days after the
-- store next connects (one portable statement cannot compute a date on both databases).
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;

-- Housekeeping deletes expired sessions by this column.
CREATE INDEX sessions_expires ON sessions(expires_at);

-- History stores each change once: the old value of an entry is the new value of the
-- previous entry of the same entity and key, which this index finds.
CREATE INDEX history_entity ON history(assessment_id, entity, entity_key, id);
