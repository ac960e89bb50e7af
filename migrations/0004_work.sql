-- Work management: who does what by when. Each requirement and each work package of an
-- assessment may carry an owner (a member, or the name of someone outside the organisation),
-- a due date and a state; its `target` is `requirement:<id>` or `package:<work package id>`.
-- A row exists once someone set something; no row reads as "not started, no owner, no date".
-- Versions are optimistic, as for answers. Dates are YYYY-MM-DD text, times RFC 3339 text.
CREATE TABLE work_items (
    assessment_id TEXT NOT NULL REFERENCES assessments(id),
    target TEXT NOT NULL,
    owner_user TEXT,
    owner_name TEXT,
    due TEXT,
    state TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (assessment_id, target)
);
-- A member's work across organisations ("my work"), soonest first.
CREATE INDEX work_items_owner ON work_items(owner_user, due);

-- Comments on a requirement or a work package. Edits and deletions keep the row (a deleted
-- comment is marked, not removed); the text before each change is in the history.
CREATE TABLE comments (
    id TEXT PRIMARY KEY,
    assessment_id TEXT NOT NULL REFERENCES assessments(id),
    target TEXT NOT NULL,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    edited_at TEXT,
    deleted_at TEXT
);
CREATE INDEX comments_target ON comments(assessment_id, target, id);
