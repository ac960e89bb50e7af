//! The evidence register, shared by the pages and the API: items of evidence with their files,
//! versions and links, who may read and change them (reading needs a member, changing an
//! editor), and how the register reaches the engine.
//!
//! The register feeds results through [`merge_register`]: every item linked to an id that has
//! an answer is added to that answer's evidence (title as the reference, kind, effective date,
//! review-by date, the file's SHA-256), so credit rises with evidence and falls when its review
//! date passes, and every report carries it. An id without an answer gets nothing from evidence
//! alone: the engine credits a claim backed by evidence, never evidence without a claim.

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::{Access, AppState, policy};
use aimsgap_store::{BlobRef, EvidenceFile, EvidenceItem, EvidenceMeta, NewFile, StoreError};
use aimsgap_wire::assessment::{Document, Evidence, Located};
use aimsgap_wire::limits::MAX_EVIDENCE;
use bytes::Bytes;
use futures_util::Stream;

/// The default largest evidence file, in megabytes (10^6 bytes).
pub const EVIDENCE_MAX_MB_DEFAULT: u64 = 25;

/// Adds the register's items to the answers of the ids they are linked to, as the engine reads
/// evidence. An item is not added twice to one answer, nor where the answer already lists the
/// same file (same SHA-256) or the same reference; an answer keeps at most the file format's
/// number of evidence entries. Ids without an answer are left alone.
pub(crate) fn merge_register(document: &mut Document, items: &[EvidenceItem]) {
    for item in items {
        for link in &item.meta.links {
            let Some(answer) = document.answers.get_mut(link) else {
                continue;
            };
            let answer = &mut answer.value;
            let sha256 = item.file.as_ref().map(|f| f.sha256.clone());
            let present = answer.evidence.iter().any(|e| {
                e.reference == item.meta.title
                    || (sha256.is_some() && e.sha256.as_ref().map(|s| &s.value) == sha256.as_ref())
            });
            if present || answer.evidence.len() >= MAX_EVIDENCE {
                continue;
            }
            answer.evidence.push(Evidence {
                reference: item.meta.title.clone(),
                kind: Located::new(item.meta.kind.clone()),
                date: item.meta.effective.clone().map(Located::new),
                review_by: item.meta.review_by.clone().map(Located::new),
                sha256: sha256.map(Located::new),
            });
        }
    }
}

/// The document the engine assesses: the stored assessment file with the register merged in.
pub(crate) async fn with_register(
    state: &AppState,
    id: &str,
    mut document: Document,
) -> ApiResult<Document> {
    let items = state.store.evidence_items(id).await?;
    merge_register(&mut document, &items);
    Ok(document)
}

/// Checks that every link names a requirement, control or group of ISO/IEC 42001; an unknown
/// id is refused by name (422).
pub(crate) fn check_links(state: &AppState, meta: &EvidenceMeta) -> ApiResult<()> {
    let iso = state.catalog.framework(aimsgap_assess::TARGET);
    for link in &meta.links {
        let link = link.trim();
        if link.is_empty() {
            continue;
        }
        if iso.and_then(|iso| iso.get(link)).is_none() {
            return Err(ApiError::Invalid(format!(
                "links: {link:?} is no ISO/IEC 42001 requirement, control or group id"
            )));
        }
    }
    Ok(())
}

/// The largest evidence file this server takes, in bytes.
pub(crate) fn limit_bytes(state: &AppState) -> u64 {
    state.config.evidence_max_mb.saturating_mul(1_000_000)
}

/// The store's refusal of a file over the limit, as people read it.
pub(crate) fn too_large(state: &AppState) -> ApiError {
    ApiError::FileTooLarge(state.config.evidence_max_mb)
}

fn from_store(state: &AppState, error: StoreError) -> ApiError {
    match error {
        StoreError::TooLarge { .. } => too_large(state),
        other => other.into(),
    }
}

/// Every item of an assessment's register.
pub(crate) async fn items(state: &AppState, auth: &Auth, id: &str) -> ApiResult<Vec<EvidenceItem>> {
    policy::assessment_access(state, auth, id, Access::Read).await?;
    Ok(state.store.evidence_items(id).await?)
}

/// One item of an assessment's register; 404 when it is not there.
pub(crate) async fn item(
    state: &AppState,
    auth: &Auth,
    id: &str,
    evidence: &str,
) -> ApiResult<EvidenceItem> {
    policy::assessment_access(state, auth, id, Access::Read).await?;
    state
        .store
        .evidence_item(id, evidence)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Checks that the caller may change an assessment's register (before reading an upload).
pub(crate) async fn may_edit(state: &AppState, auth: &Auth, id: &str) -> ApiResult<()> {
    policy::assessment_access(state, auth, id, Access::Edit).await?;
    Ok(())
}

/// Stores an uploaded file's bytes as they arrive, within the configured limit (413 naming
/// it); call [`may_edit`] first.
pub(crate) async fn store_file<S, E>(state: &AppState, chunks: S) -> ApiResult<BlobRef>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: std::fmt::Display,
{
    state
        .store
        .write_blob(chunks, limit_bytes(state))
        .await
        .map_err(|e| from_store(state, e))
}

/// Adds an item to the register, with a file stored by [`store_file`] or none.
pub(crate) async fn create(
    state: &AppState,
    auth: &Auth,
    id: &str,
    meta: &EvidenceMeta,
    file: Option<NewFile>,
) -> ApiResult<EvidenceItem> {
    may_edit(state, auth, id).await?;
    check_links(state, meta)?;
    Ok(state
        .store
        .create_evidence(id, &auth.user.id, meta, file)
        .await?)
}

/// Changes an item's metadata and links if its version is still `version` (409 with the
/// current item otherwise).
pub(crate) async fn update(
    state: &AppState,
    auth: &Auth,
    id: &str,
    evidence: &str,
    meta: &EvidenceMeta,
    version: i64,
) -> ApiResult<EvidenceItem> {
    may_edit(state, auth, id).await?;
    check_links(state, meta)?;
    Ok(state
        .store
        .update_evidence(id, evidence, &auth.user.id, meta, version)
        .await?)
}

/// Gives an item a new file version if its version is still `version`; the older files stay.
pub(crate) async fn replace_file(
    state: &AppState,
    auth: &Auth,
    id: &str,
    evidence: &str,
    file: NewFile,
    version: i64,
) -> ApiResult<EvidenceItem> {
    may_edit(state, auth, id).await?;
    Ok(state
        .store
        .replace_evidence_file(id, evidence, &auth.user.id, file, version)
        .await?)
}

/// Deletes an item if its version is still `version`; its history stays.
pub(crate) async fn delete(
    state: &AppState,
    auth: &Auth,
    id: &str,
    evidence: &str,
    version: i64,
) -> ApiResult<()> {
    may_edit(state, auth, id).await?;
    Ok(state
        .store
        .delete_evidence(id, evidence, &auth.user.id, version)
        .await?)
}

/// Every file an item had, newest first.
pub(crate) async fn versions(
    state: &AppState,
    auth: &Auth,
    id: &str,
    evidence: &str,
) -> ApiResult<Vec<EvidenceFile>> {
    policy::assessment_access(state, auth, id, Access::Read).await?;
    Ok(state.store.evidence_versions(id, evidence).await?)
}

/// A file of an item (the current one, or version `number`) and its bytes as a stream, one
/// stored chunk at a time.
pub(crate) async fn download(
    state: &AppState,
    auth: &Auth,
    id: &str,
    evidence: &str,
    number: Option<i64>,
    origin: &crate::audit::Origin,
) -> ApiResult<(
    EvidenceFile,
    impl Stream<Item = Result<Bytes, StoreError>> + Send + 'static,
)> {
    let (org, _) = policy::assessment_access(state, auth, id, Access::Read).await?;
    let file = state.store.evidence_file(id, evidence, number).await?;
    let chunks = state.store.blob_chunks(&file.sha256).await?;
    crate::audit::Event::EvidenceDownloaded
        .by(&auth.user)
        .org(&org)
        .subject(evidence)
        .detail(format!("version {}: {}", file.number, file.file_name))
        .record(state, origin)
        .await?;
    Ok((file, chunks))
}

/// Items whose review date falls within `days` days from `today` (or has passed), soonest
/// first: the "expiring" list (for the register's pages).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn expiring(
    items: &[EvidenceItem],
    today: aimsgap_catalog::Date,
    days: i64,
) -> Vec<&EvidenceItem> {
    let mut due: Vec<&EvidenceItem> = items
        .iter()
        .filter(|item| {
            item.review_date()
                .is_some_and(|date| today.days_until(date) <= days)
        })
        .collect();
    due.sort_by_key(|item| item.review_date());
    due
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use aimsgap_store::EvidenceFile;

    fn document() -> Document {
        serde_json::from_value(serde_json::json!({
            "aimsgap": 2,
            "as_of": "2026-11-29",
            "organization": {"name": "Acme", "employees": 120},
            "answers": {
                "5.2": {"status": "implemented"},
                "A.2.2": {"status": "partial", "evidence": [
                    {"ref": "Typed policy", "kind": "draft"}
                ]}
            }
        }))
        .unwrap()
    }

    fn item(title: &str, links: &[&str], sha: Option<&str>) -> EvidenceItem {
        EvidenceItem {
            id: format!("id-{title}"),
            assessment_id: "a".into(),
            meta: EvidenceMeta {
                title: title.into(),
                kind: "approved_document".into(),
                effective: Some("2026-03-01".into()),
                review_by: Some("2027-03-01".into()),
                owner: None,
                approved_by: None,
                approved_on: None,
                links: links.iter().map(|l| l.to_string()).collect(),
            },
            file: sha.map(|sha| EvidenceFile {
                number: 1,
                sha256: sha.into(),
                size: 1,
                file_name: "f.pdf".into(),
                media_type: "application/pdf".into(),
                uploaded_by: "u".into(),
                uploaded_at: "2026-03-01T00:00:00Z".into(),
            }),
            version: 1,
            created_at: String::new(),
            updated_at: String::new(),
            updated_by: String::new(),
        }
    }

    const SHA: &str = "aa00000000000000000000000000000000000000000000000000000000000000";

    #[test]
    fn register_items_join_the_answers_of_the_ids_they_back() {
        let mut document = document();
        merge_register(
            &mut document,
            &[item("AI policy", &["5.2", "A.2.2", "6.1.2"], Some(SHA))],
        );
        let on_5_2 = &document.answers["5.2"].value.evidence;
        assert_eq!(on_5_2.len(), 1);
        assert_eq!(on_5_2[0].reference, "AI policy");
        assert_eq!(on_5_2[0].kind.value, "approved_document");
        assert_eq!(on_5_2[0].date.as_ref().unwrap().value, "2026-03-01");
        assert_eq!(on_5_2[0].review_by.as_ref().unwrap().value, "2027-03-01");
        assert_eq!(on_5_2[0].sha256.as_ref().unwrap().value, SHA);
        let on_a_2_2 = &document.answers["A.2.2"].value.evidence;
        assert_eq!(
            on_a_2_2
                .iter()
                .map(|e| e.reference.as_str())
                .collect::<Vec<_>>(),
            ["Typed policy", "AI policy"]
        );
        // No answer, no claim: evidence alone adds no answer.
        assert!(!document.answers.contains_key("6.1.2"));
    }

    #[test]
    fn the_same_file_or_reference_is_not_counted_twice() {
        let mut document = document();
        let items = [
            item("AI policy", &["5.2"], Some(SHA)),
            item("AI policy, copy", &["5.2"], Some(SHA)),
            item("Typed policy", &["A.2.2"], None),
        ];
        merge_register(&mut document, &items);
        merge_register(&mut document, &items);
        assert_eq!(document.answers["5.2"].value.evidence.len(), 1);
        assert_eq!(document.answers["A.2.2"].value.evidence.len(), 1);
    }

    #[test]
    fn an_answer_keeps_at_most_the_file_formats_number_of_evidence() {
        let mut document = document();
        let items: Vec<EvidenceItem> = (0..MAX_EVIDENCE + 5)
            .map(|n| item(&format!("Record {n}"), &["5.2"], None))
            .collect();
        merge_register(&mut document, &items);
        assert_eq!(document.answers["5.2"].value.evidence.len(), MAX_EVIDENCE);
    }

    #[test]
    fn the_expiring_list_holds_items_due_within_the_window_soonest_first() {
        let today = aimsgap_catalog::Date::parse("2026-11-29").unwrap();
        let mut late = item("late", &[], None);
        late.meta.review_by = Some("2026-12-20".into());
        let mut past = item("past", &[], None);
        past.meta.review_by = Some("2026-10-01".into());
        let mut far = item("far", &[], None);
        far.meta.review_by = Some("2027-06-01".into());
        let mut none = item("none", &[], None);
        none.meta.review_by = None;
        let items = [late, far, past, none];
        let due: Vec<&str> = expiring(&items, today, 30)
            .iter()
            .map(|i| i.meta.title.as_str())
            .collect();
        assert_eq!(due, ["past", "late"]);
    }
}
