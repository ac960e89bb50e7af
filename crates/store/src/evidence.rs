//! The evidence register: files with their metadata, versions and links.
//!
//! File contents are content-addressed by SHA-256 in the database itself, so that one backup
//! holds everything: [`Store::write_blob`] takes the bytes as a stream, hashes them while
//! writing them in chunks of at most [`CHUNK_BYTES`], and stores a file that is already there
//! only once; [`Store::blob_chunks`] streams them back one chunk at a time. Neither ever holds
//! a whole file in memory.
//!
//! An [`EvidenceItem`] belongs to an assessment and has a title, a kind (the evidence kinds of
//! the assessment file), an effective date, a review-by date, an owner, who approved it and
//! when, links to the requirement, control or group ids it backs, and optionally a file. A new
//! upload makes a new file version and keeps the older ones. Every change commits together with
//! its history entry (entity `evidence`, keyed by the item's id), which also moves the
//! assessment's revision, so results and reports computed from the register recompute.
//!
//! The store checks the shape of link ids (non-empty, short, no control characters), not that
//! they exist in the catalog: the callers know the catalog.

use crate::ids::{new_id, now_rfc3339};
use crate::store::{Store, StoreError, Versioned};
use aimsgap_catalog::Date;
use aimsgap_wire::limits::{MAX_NAME_CHARS, MAX_REFERENCE_CHARS, YEARS};
use aimsgap_wire::result::words::EVIDENCE_KIND;
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

type Result<T> = std::result::Result<T, StoreError>;

/// The largest piece of a file stored in one row, and held in memory at a time.
pub const CHUNK_BYTES: usize = 1024 * 1024;

/// The most ids one item of evidence may back.
pub const MAX_EVIDENCE_LINKS: usize = 200;

/// The longest file name kept, in characters (longer ones are cut).
pub const MAX_FILE_NAME_CHARS: usize = 255;

/// The longest media type kept, in characters.
pub const MAX_MEDIA_TYPE_CHARS: usize = 127;

/// A stored file's content: its SHA-256 (64 lowercase hexadecimal digits) and size in bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobRef {
    pub sha256: String,
    pub size: u64,
}

/// What a write of an item sets, but its file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EvidenceMeta {
    pub title: String,
    /// One of the evidence kinds: `template`, `draft`, `approved_document`, `operating_record`
    /// or `audit_report`.
    pub kind: String,
    /// When it took effect, YYYY-MM-DD.
    pub effective: Option<String>,
    /// When it is due for review or expires, YYYY-MM-DD.
    pub review_by: Option<String>,
    /// Who is responsible for it (free text).
    pub owner: Option<String>,
    /// Who approved it (free text).
    pub approved_by: Option<String>,
    /// When it was approved, YYYY-MM-DD.
    pub approved_on: Option<String>,
    /// The requirement, control or group ids it backs; kept sorted and without duplicates.
    pub links: Vec<String>,
}

/// A file to attach to an item: a blob written by [`Store::write_blob`], with the name and
/// media type it was uploaded with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFile {
    pub blob: BlobRef,
    pub file_name: String,
    /// As the uploader gave it; downloads decide for themselves what to send.
    pub media_type: String,
}

/// One file version of an item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceFile {
    /// 1 for the first file of the item, then 2, 3, ...
    pub number: i64,
    pub sha256: String,
    pub size: u64,
    pub file_name: String,
    pub media_type: String,
    /// The user id of who uploaded it.
    pub uploaded_by: String,
    pub uploaded_at: String,
}

/// An item of the evidence register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceItem {
    pub id: String,
    pub assessment_id: String,
    pub meta: EvidenceMeta,
    /// The current file, if it has one.
    pub file: Option<EvidenceFile>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// The user id of who changed it last.
    pub updated_by: String,
}

impl EvidenceItem {
    /// The item as the history records it.
    pub fn to_json(&self) -> Value {
        let mut value = meta_json(&self.meta);
        if let (Value::Object(map), Some(file)) = (&mut value, &self.file) {
            map.insert("file".into(), file_json(file));
        }
        value
    }

    /// The review-by date, when it has one that reads as a date.
    pub fn review_date(&self) -> Option<Date> {
        self.meta
            .review_by
            .as_deref()
            .and_then(|d| Date::parse(d).ok())
    }
}

fn meta_json(meta: &EvidenceMeta) -> Value {
    json!({
        "title": meta.title,
        "kind": meta.kind,
        "effective": meta.effective,
        "review_by": meta.review_by,
        "owner": meta.owner,
        "approved_by": meta.approved_by,
        "approved_on": meta.approved_on,
        "links": meta.links,
    })
}

fn file_json(file: &EvidenceFile) -> Value {
    json!({
        "number": file.number,
        "sha256": file.sha256,
        "size": file.size,
        "file_name": file.file_name,
        "media_type": file.media_type,
        "uploaded_by": file.uploaded_by,
        "uploaded_at": file.uploaded_at,
    })
}

fn invalid(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        field: field.to_string(),
        message: message.into(),
    }
}

/// A short quotation of a refused value for messages.
fn quoted(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        format!("{short:?}...")
    } else {
        format!("{short:?}")
    }
}

/// Whether a text is a SHA-256 as the store writes it: 64 lowercase hexadecimal digits.
pub fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn check_text(field: &str, text: &str, max: usize, required: bool) -> Result<()> {
    if required && text.trim().is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if text.chars().count() > max {
        return Err(invalid(
            field,
            format!("at most {max} characters, found {}", text.chars().count()),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(invalid(field, "must not contain control characters"));
    }
    Ok(())
}

fn check_date(field: &str, date: Option<&str>) -> Result<()> {
    let Some(date) = date else { return Ok(()) };
    match Date::parse(date) {
        Ok(parsed) if YEARS.contains(&parsed.year()) => Ok(()),
        Ok(_) => Err(invalid(
            field,
            format!(
                "a year between {} and {}, found {}",
                YEARS.start(),
                YEARS.end(),
                quoted(date)
            ),
        )),
        Err(_) => Err(invalid(
            field,
            format!("a date as YYYY-MM-DD, found {}", quoted(date)),
        )),
    }
}

/// Checks an item's metadata and puts its links in order (sorted, no duplicates, trimmed);
/// empty optional texts become `None`.
pub fn normalize_meta(meta: &EvidenceMeta) -> Result<EvidenceMeta> {
    fn some(text: &Option<String>) -> Option<String> {
        text.as_ref()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
    }
    let meta = EvidenceMeta {
        title: meta.title.trim().to_string(),
        kind: meta.kind.trim().to_string(),
        effective: some(&meta.effective),
        review_by: some(&meta.review_by),
        owner: some(&meta.owner),
        approved_by: some(&meta.approved_by),
        approved_on: some(&meta.approved_on),
        links: {
            let mut links: Vec<String> = meta
                .links
                .iter()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect();
            links.sort();
            links.dedup();
            links
        },
    };
    check_text("title", &meta.title, MAX_REFERENCE_CHARS, true)?;
    if !EVIDENCE_KIND.contains(&meta.kind.as_str()) {
        return Err(invalid(
            "kind",
            format!(
                "one of {}, found {}",
                EVIDENCE_KIND.join(", "),
                quoted(&meta.kind)
            ),
        ));
    }
    check_date("effective", meta.effective.as_deref())?;
    check_date("review_by", meta.review_by.as_deref())?;
    check_date("approved_on", meta.approved_on.as_deref())?;
    for (field, text) in [("owner", &meta.owner), ("approved_by", &meta.approved_by)] {
        if let Some(text) = text {
            check_text(field, text, MAX_NAME_CHARS, false)?;
        }
    }
    if meta.links.len() > MAX_EVIDENCE_LINKS {
        return Err(invalid(
            "links",
            format!(
                "at most {MAX_EVIDENCE_LINKS} ids, found {}",
                meta.links.len()
            ),
        ));
    }
    for link in &meta.links {
        if link.chars().count() > MAX_NAME_CHARS || link.chars().any(char::is_control) {
            return Err(invalid(
                "links",
                format!(
                    "a requirement, control or group id of at most {MAX_NAME_CHARS} characters, found {}",
                    quoted(link)
                ),
            ));
        }
    }
    Ok(meta)
}

/// A file name as kept: the last path segment, without control characters, at most
/// [`MAX_FILE_NAME_CHARS`] characters; `file` when nothing is left.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_string();
    if cleaned.is_empty() {
        "file".to_string()
    } else {
        cleaned
    }
}

/// A media type as kept: lowercase `type/subtype` of token characters, without parameters;
/// `application/octet-stream` for anything else.
pub fn clean_media_type(media_type: &str) -> String {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let token = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    match essence.split_once('/') {
        Some((kind, sub))
            if token(kind) && token(sub) && essence.chars().count() <= MAX_MEDIA_TYPE_CHARS =>
        {
            essence
        }
        _ => "application/octet-stream".to_string(),
    }
}

fn file_from(row: &AnyRow) -> Result<EvidenceFile> {
    Ok(EvidenceFile {
        number: row.try_get("number")?,
        sha256: row.try_get("sha256")?,
        size: u64::try_from(row.try_get::<i64, _>("size")?).unwrap_or(0),
        file_name: row.try_get("file_name")?,
        media_type: row.try_get("media_type")?,
        uploaded_by: row.try_get("uploaded_by")?,
        uploaded_at: row.try_get("uploaded_at")?,
    })
}

fn item_from(row: &AnyRow) -> Result<(EvidenceItem, i64)> {
    Ok((
        EvidenceItem {
            id: row.try_get("id")?,
            assessment_id: row.try_get("assessment_id")?,
            meta: EvidenceMeta {
                title: row.try_get("title")?,
                kind: row.try_get("kind")?,
                effective: row.try_get("effective")?,
                review_by: row.try_get("review_by")?,
                owner: row.try_get("owner")?,
                approved_by: row.try_get("approved_by")?,
                approved_on: row.try_get("approved_on")?,
                links: Vec::new(),
            },
            file: None,
            version: row.try_get("version")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            updated_by: row.try_get("updated_by")?,
        },
        row.try_get("file_version")?,
    ))
}

/// The blob key of an upload in progress.
fn upload_key(id: &str) -> String {
    format!("upload:{id}")
}

impl Store {
    /// Stores a file's bytes, read from `chunks`, and returns its SHA-256 and size. The bytes
    /// are hashed while they are written, in rows of at most [`CHUNK_BYTES`]; a file already
    /// stored is kept once. More than `limit` bytes, or a failing stream, is an error
    /// (`TooLarge`, or `Invalid` on `file` with the stream's message) and leaves nothing behind.
    pub async fn write_blob<S, E>(&self, chunks: S, limit: u64) -> Result<BlobRef>
    where
        S: Stream<Item = std::result::Result<Bytes, E>>,
        E: std::fmt::Display,
    {
        let key = upload_key(&new_id()?);
        let outcome = self.write_chunks(&key, chunks, limit).await;
        let blob = match outcome {
            Ok(blob) => blob,
            Err(error) => {
                self.drop_upload(&key).await;
                return Err(error);
            }
        };
        match self.keep_blob(&key, &blob).await {
            Ok(()) => Ok(blob),
            Err(error) => {
                self.drop_upload(&key).await;
                Err(error)
            }
        }
    }

    async fn write_chunks<S, E>(&self, key: &str, chunks: S, limit: u64) -> Result<BlobRef>
    where
        S: Stream<Item = std::result::Result<Bytes, E>>,
        E: std::fmt::Display,
    {
        let mut chunks = std::pin::pin!(chunks);
        let mut hasher = Sha256::new();
        let mut buffer = BytesMut::with_capacity(CHUNK_BYTES);
        let mut size: u64 = 0;
        let mut seq: i64 = 0;
        while let Some(piece) = chunks.next().await {
            let mut piece =
                piece.map_err(|e| invalid("file", format!("the upload failed: {e}")))?;
            size = size.saturating_add(piece.len() as u64);
            if size > limit {
                return Err(StoreError::TooLarge { limit });
            }
            hasher.update(&piece);
            while !piece.is_empty() {
                let room = CHUNK_BYTES.saturating_sub(buffer.len());
                let take = room.min(piece.len());
                buffer.extend_from_slice(&piece.split_to(take));
                if buffer.len() >= CHUNK_BYTES {
                    self.insert_chunk(key, seq, &buffer).await?;
                    seq += 1;
                    buffer.clear();
                }
            }
        }
        if !buffer.is_empty() {
            self.insert_chunk(key, seq, &buffer).await?;
        }
        Ok(BlobRef {
            sha256: hex(&hasher.finalize()),
            size,
        })
    }

    async fn insert_chunk(&self, key: &str, seq: i64, data: &[u8]) -> Result<()> {
        sqlx::query("INSERT INTO blob_chunks (blob, seq, data) VALUES ($1, $2, $3)")
            .bind(key)
            .bind(seq)
            .bind(data)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Makes an upload's chunks the blob of its hash, or drops them when that blob is stored.
    async fn keep_blob(&self, key: &str, blob: &BlobRef) -> Result<()> {
        let mut tx = self.write().await?;
        let size = i64::try_from(blob.size).map_err(|_| StoreError::TooLarge { limit: 0 })?;
        let added = sqlx::query("INSERT INTO blobs (sha256, size, created_at) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING")
            .bind(&blob.sha256)
            .bind(size)
            .bind(now_rfc3339())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if added == 1 {
            sqlx::query("UPDATE blob_chunks SET blob = $1 WHERE blob = $2")
                .bind(&blob.sha256)
                .bind(key)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("DELETE FROM blob_chunks WHERE blob = $1")
                .bind(key)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes what a failed upload wrote; a failure here leaves chunks that name no blob,
    /// which [`Store::purge_abandoned_uploads`] removes later.
    async fn drop_upload(&self, key: &str) {
        let _ = sqlx::query("DELETE FROM blob_chunks WHERE blob = $1")
            .bind(key)
            .execute(self.pool())
            .await;
    }

    /// Removes the chunks of uploads that never finished (a crash while writing). Only call
    /// it when no upload is in progress (at start-up). Returns the number of chunks removed.
    pub async fn purge_abandoned_uploads(&self) -> Result<u64> {
        Ok(
            sqlx::query("DELETE FROM blob_chunks WHERE blob LIKE 'upload:%'")
                .execute(self.pool())
                .await?
                .rows_affected(),
        )
    }

    /// The number of stored chunk rows, of all blobs and uploads in progress.
    pub async fn stored_chunks(&self) -> Result<u64> {
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM blob_chunks")
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// A stored blob's reference, if it is stored.
    pub async fn blob(&self, sha256: &str) -> Result<Option<BlobRef>> {
        let row = sqlx::query("SELECT sha256, size FROM blobs WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(row) => Ok(Some(BlobRef {
                sha256: row.try_get("sha256")?,
                size: u64::try_from(row.try_get::<i64, _>("size")?).unwrap_or(0),
            })),
            None => Ok(None),
        }
    }

    /// The bytes of a stored blob, one chunk (at most [`CHUNK_BYTES`]) read at a time;
    /// `NotFound` when no such blob is stored.
    pub async fn blob_chunks(
        &self,
        sha256: &str,
    ) -> Result<impl Stream<Item = Result<Bytes>> + Send + 'static + use<>> {
        if self.blob(sha256).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let pool = self.pool().clone();
        let key = sha256.to_string();
        Ok(futures_util::stream::try_unfold(0_i64, move |seq| {
            let pool = pool.clone();
            let key = key.clone();
            async move {
                let row = sqlx::query("SELECT data FROM blob_chunks WHERE blob = $1 AND seq = $2")
                    .bind(&key)
                    .bind(seq)
                    .fetch_optional(&pool)
                    .await?;
                match row {
                    Some(row) => {
                        let data: Vec<u8> = row.try_get("data")?;
                        Ok(Some((Bytes::from(data), seq + 1)))
                    }
                    None => Ok(None),
                }
            }
        }))
    }

    /// The items of evidence of an assessment, oldest first, each with its links and current
    /// file.
    pub async fn evidence_items(&self, assessment_id: &str) -> Result<Vec<EvidenceItem>> {
        let rows = sqlx::query("SELECT id, assessment_id, title, kind, effective, review_by, owner, approved_by, approved_on, version, file_version, created_at, updated_at, updated_by FROM evidence WHERE assessment_id = $1 ORDER BY id")
        .bind(assessment_id)
        .fetch_all(self.pool())
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        let mut index = BTreeMap::new();
        for row in &rows {
            let (item, file_version) = item_from(row)?;
            index.insert((item.id.clone(), file_version), items.len());
            items.push(item);
        }
        // Most assessments have no register: then there are no links or files to read either.
        if items.is_empty() {
            return Ok(items);
        }
        let links = sqlx::query("SELECT l.evidence_id, l.target FROM evidence_links l JOIN evidence e ON e.id = l.evidence_id WHERE e.assessment_id = $1 ORDER BY l.evidence_id, l.target")
            .bind(assessment_id)
            .fetch_all(self.pool())
            .await?;
        let by_id: BTreeMap<String, usize> = items
            .iter()
            .enumerate()
            .map(|(n, item)| (item.id.clone(), n))
            .collect();
        for row in &links {
            let id: String = row.try_get("evidence_id")?;
            if let Some(item) = by_id.get(&id).and_then(|&n| items.get_mut(n)) {
                item.meta.links.push(row.try_get("target")?);
            }
        }
        let files = sqlx::query("SELECT f.evidence_id, f.number, f.sha256, f.size, f.file_name, f.media_type, f.uploaded_by, f.uploaded_at FROM evidence_files f JOIN evidence e ON e.id = f.evidence_id AND e.file_version = f.number WHERE e.assessment_id = $1")
            .bind(assessment_id)
            .fetch_all(self.pool())
            .await?;
        for row in &files {
            let file = file_from(row)?;
            let id: String = row.try_get("evidence_id")?;
            if let Some(item) = index
                .get(&(id, file.number))
                .and_then(|&n| items.get_mut(n))
            {
                item.file = Some(file);
            }
        }
        Ok(items)
    }

    /// One item of evidence of an assessment, with its links and current file.
    pub async fn evidence_item(
        &self,
        assessment_id: &str,
        id: &str,
    ) -> Result<Option<EvidenceItem>> {
        let mut conn = self.pool().acquire().await?;
        read_item(&mut conn, assessment_id, id).await
    }

    /// Adds an item of evidence, with a file written by [`Store::write_blob`] or none.
    pub async fn create_evidence(
        &self,
        assessment_id: &str,
        actor: &str,
        meta: &EvidenceMeta,
        file: Option<NewFile>,
    ) -> Result<EvidenceItem> {
        let meta = normalize_meta(meta)?;
        let id = new_id()?;
        let now = now_rfc3339();
        let mut tx = self.write().await?;
        if sqlx::query("SELECT id FROM assessments WHERE id = $1")
            .bind(assessment_id)
            .fetch_optional(&mut *tx)
            .await?
            .is_none()
        {
            tx.rollback().await?;
            return Err(StoreError::NotFound);
        }
        sqlx::query("INSERT INTO evidence (id, assessment_id, title, kind, effective, review_by, owner, approved_by, approved_on, version, file_version, created_at, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, 0, $10, $10, $11)")
            .bind(&id)
            .bind(assessment_id)
            .bind(&meta.title)
            .bind(&meta.kind)
            .bind(meta.effective.as_deref())
            .bind(meta.review_by.as_deref())
            .bind(meta.owner.as_deref())
            .bind(meta.approved_by.as_deref())
            .bind(meta.approved_on.as_deref())
            .bind(&now)
            .bind(actor)
            .execute(&mut *tx)
            .await?;
        write_links(&mut tx, &id, &meta.links).await?;
        if let Some(file) = &file {
            add_file(&mut tx, &id, 1, file, actor, &now).await?;
        }
        self.finish_write(tx, assessment_id, actor, &id, None, &now)
            .await
    }

    /// Changes an item's metadata and links if its version is still `expected`; otherwise
    /// changes nothing and returns `Conflict` with the current item.
    pub async fn update_evidence(
        &self,
        assessment_id: &str,
        id: &str,
        actor: &str,
        meta: &EvidenceMeta,
        expected: i64,
    ) -> Result<EvidenceItem> {
        let meta = normalize_meta(meta)?;
        let now = now_rfc3339();
        let mut tx = self.write().await?;
        let old = current_for_write(&mut tx, assessment_id, id, expected).await?;
        let old = match old {
            Ok(old) => old,
            Err(current) => {
                tx.rollback().await?;
                return Err(conflict(current));
            }
        };
        sqlx::query("UPDATE evidence SET title = $1, kind = $2, effective = $3, review_by = $4, owner = $5, approved_by = $6, approved_on = $7, version = version + 1, updated_at = $8, updated_by = $9 WHERE id = $10 AND assessment_id = $11")
            .bind(&meta.title)
            .bind(&meta.kind)
            .bind(meta.effective.as_deref())
            .bind(meta.review_by.as_deref())
            .bind(meta.owner.as_deref())
            .bind(meta.approved_by.as_deref())
            .bind(meta.approved_on.as_deref())
            .bind(&now)
            .bind(actor)
            .bind(id)
            .bind(assessment_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM evidence_links WHERE evidence_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        write_links(&mut tx, id, &meta.links).await?;
        self.finish_write(tx, assessment_id, actor, id, Some(&old), &now)
            .await
    }

    /// Gives an item a new file if its version is still `expected`: the new file becomes the
    /// current one and the older ones stay as earlier versions.
    pub async fn replace_evidence_file(
        &self,
        assessment_id: &str,
        id: &str,
        actor: &str,
        file: NewFile,
        expected: i64,
    ) -> Result<EvidenceItem> {
        let now = now_rfc3339();
        let mut tx = self.write().await?;
        let old = match current_for_write(&mut tx, assessment_id, id, expected).await? {
            Ok(old) => old,
            Err(current) => {
                tx.rollback().await?;
                return Err(conflict(current));
            }
        };
        let number: i64 = sqlx::query(
            "SELECT COALESCE(MAX(number), 0) AS n FROM evidence_files WHERE evidence_id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?
        .try_get::<i64, _>("n")?
            + 1;
        add_file(&mut tx, id, number, &file, actor, &now).await?;
        sqlx::query("UPDATE evidence SET version = version + 1, updated_at = $1, updated_by = $2 WHERE id = $3 AND assessment_id = $4")
            .bind(&now)
            .bind(actor)
            .bind(id)
            .bind(assessment_id)
            .execute(&mut *tx)
            .await?;
        self.finish_write(tx, assessment_id, actor, id, Some(&old), &now)
            .await
    }

    /// Every file an item had, newest first; `NotFound` for an unknown item.
    pub async fn evidence_versions(
        &self,
        assessment_id: &str,
        id: &str,
    ) -> Result<Vec<EvidenceFile>> {
        if self.evidence_item(assessment_id, id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let rows = sqlx::query("SELECT number, sha256, size, file_name, media_type, uploaded_by, uploaded_at FROM evidence_files WHERE evidence_id = $1 ORDER BY number DESC")
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(file_from).collect()
    }

    /// One file version of an item (`None`: the current one); `NotFound` when the item or
    /// the version does not exist.
    pub async fn evidence_file(
        &self,
        assessment_id: &str,
        id: &str,
        number: Option<i64>,
    ) -> Result<EvidenceFile> {
        let item = self
            .evidence_item(assessment_id, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        match number {
            None => item.file.ok_or(StoreError::NotFound),
            Some(number) => self
                .evidence_versions(assessment_id, id)
                .await?
                .into_iter()
                .find(|f| f.number == number)
                .ok_or(StoreError::NotFound),
        }
    }

    /// Deletes an item, its links and its file versions if its version is still `expected`.
    /// The history keeps what it was; the file contents stay stored (the history names them).
    pub async fn delete_evidence(
        &self,
        assessment_id: &str,
        id: &str,
        actor: &str,
        expected: i64,
    ) -> Result<()> {
        let now = now_rfc3339();
        let mut tx = self.write().await?;
        let old = match current_for_write(&mut tx, assessment_id, id, expected).await? {
            Ok(old) => old,
            Err(current) => {
                tx.rollback().await?;
                return Err(conflict(current));
            }
        };
        for statement in [
            "DELETE FROM evidence_links WHERE evidence_id = $1",
            "DELETE FROM evidence_files WHERE evidence_id = $1",
            "DELETE FROM evidence WHERE id = $1",
        ] {
            sqlx::query(statement).bind(id).execute(&mut *tx).await?;
        }
        self.record(
            &mut tx,
            assessment_id,
            actor,
            "evidence",
            id,
            Some(&old.to_json()),
            None,
            &now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends an item's write: reads the item as it now is, records the change in the history
    /// and commits, all in `tx`.
    async fn finish_write(
        &self,
        mut tx: sqlx::Transaction<'_, sqlx::Any>,
        assessment_id: &str,
        actor: &str,
        id: &str,
        old: Option<&EvidenceItem>,
        now: &str,
    ) -> Result<EvidenceItem> {
        let item = read_item(&mut tx, assessment_id, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.record(
            &mut tx,
            assessment_id,
            actor,
            "evidence",
            id,
            old.map(EvidenceItem::to_json).as_ref(),
            Some(&item.to_json()),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(item)
    }
}

/// The conflict error of an item: its current value and version.
fn conflict(current: EvidenceItem) -> StoreError {
    StoreError::Conflict(Versioned {
        key: current.id.clone(),
        value: Some(current.to_json()),
        version: current.version,
        updated_at: Some(current.updated_at.clone()),
        updated_by: Some(current.updated_by.clone()),
    })
}

/// The item before a write: `Ok` when it is at the `expected` version, `Err` with the current
/// item when it is not; `NotFound` when it does not exist.
async fn current_for_write(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    assessment_id: &str,
    id: &str,
    expected: i64,
) -> Result<std::result::Result<EvidenceItem, EvidenceItem>> {
    let item = read_item(tx, assessment_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(if item.version == expected {
        Ok(item)
    } else {
        Err(item)
    })
}

async fn read_item(
    conn: &mut sqlx::AnyConnection,
    assessment_id: &str,
    id: &str,
) -> Result<Option<EvidenceItem>> {
    let Some(row) = sqlx::query("SELECT id, assessment_id, title, kind, effective, review_by, owner, approved_by, approved_on, version, file_version, created_at, updated_at, updated_by FROM evidence WHERE assessment_id = $1 AND id = $2")
    .bind(assessment_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let (mut item, file_version) = item_from(&row)?;
    item.meta.links =
        sqlx::query("SELECT target FROM evidence_links WHERE evidence_id = $1 ORDER BY target")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|row| row.try_get::<String, _>("target"))
            .collect::<std::result::Result<_, _>>()?;
    if file_version > 0 {
        let row = sqlx::query("SELECT number, sha256, size, file_name, media_type, uploaded_by, uploaded_at FROM evidence_files WHERE evidence_id = $1 AND number = $2")
            .bind(id)
            .bind(file_version)
            .fetch_optional(&mut *conn)
            .await?;
        item.file = row.as_ref().map(file_from).transpose()?;
    }
    Ok(Some(item))
}

async fn write_links(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: &str,
    links: &[String],
) -> Result<()> {
    for link in links {
        sqlx::query("INSERT INTO evidence_links (evidence_id, target) VALUES ($1, $2)")
            .bind(id)
            .bind(link)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn add_file(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: &str,
    number: i64,
    file: &NewFile,
    actor: &str,
    now: &str,
) -> Result<()> {
    let stored = sqlx::query("SELECT size FROM blobs WHERE sha256 = $1")
        .bind(&file.blob.sha256)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(stored) = stored else {
        return Err(invalid(
            "file",
            format!("no stored file has the SHA-256 {}", file.blob.sha256),
        ));
    };
    let size: i64 = stored.try_get("size")?;
    sqlx::query("INSERT INTO evidence_files (evidence_id, number, sha256, file_name, media_type, size, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(id)
        .bind(number)
        .bind(&file.blob.sha256)
        .bind(clean_file_name(&file.file_name))
        .bind(clean_media_type(&file.media_type))
        .bind(size)
        .bind(actor)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE evidence SET file_version = $1 WHERE id = $2")
        .bind(number)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
