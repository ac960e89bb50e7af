-- The evidence register: files with their metadata, versions and links to requirements.
--
-- File contents are content-addressed: `blobs` holds one row per distinct SHA-256 (the same
-- file uploaded twice is stored once), and `blob_chunks` its bytes in pieces of at most 1 MiB,
-- so that no request holds a whole file. While an upload is being written its chunks are kept
-- under `upload:<id>` and renamed to the SHA-256 when the hash is known; chunks whose `blob`
-- names no row of `blobs` are an upload in progress or an abandoned one.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE blob_chunks (
    blob TEXT NOT NULL,
    seq BIGINT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (blob, seq)
);

-- An item of evidence of an assessment. Dates are YYYY-MM-DD text: `effective` is when it took
-- effect (not when it was uploaded), `review_by` when it is due for review or expires. The
-- current file is the item's file version `file_version` (0: no file), also in
-- `evidence_files`. Versions are optimistic, as for answers.
CREATE TABLE evidence (
    id TEXT PRIMARY KEY,
    assessment_id TEXT NOT NULL REFERENCES assessments(id),
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    effective TEXT,
    review_by TEXT,
    owner TEXT,
    approved_by TEXT,
    approved_on TEXT,
    version BIGINT NOT NULL,
    file_version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX evidence_assessment ON evidence(assessment_id, id);

-- Every file an item had, numbered from 1; the highest number is the current one. A new
-- upload adds a row and keeps the older ones.
CREATE TABLE evidence_files (
    evidence_id TEXT NOT NULL REFERENCES evidence(id),
    number BIGINT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (evidence_id, number)
);

-- What an item backs: requirement, Annex A control or group ids. One item backs many ids.
CREATE TABLE evidence_links (
    evidence_id TEXT NOT NULL REFERENCES evidence(id),
    target TEXT NOT NULL,
    PRIMARY KEY (evidence_id, target)
);
