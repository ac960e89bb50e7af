//! The evidence register: items with their files, versions and links; uploads streamed into
//! the store within the evidence limit, downloads streamed out of it as attachments that no
//! browser renders in the app's origin.

use super::json::from_slice;
use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::ops::evidence as ops;
use aimsgap_store::{EvidenceMeta, NewFile};
use aimsgap_wire::api as wire;
use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::collections::HashMap;

/// The largest metadata body (JSON, or one text part of a multipart upload).
const MAX_META_BYTES: usize = 64 * 1024;

/// The most parts a multipart upload may have (each link may be a part of its own).
const MAX_PARTS: usize = 300;

/// Media types sent as they are on download: types no browser runs as a document of the
/// origin. Anything else is sent as `application/octet-stream`.
const SAFE_MEDIA_TYPES: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "text/plain",
    "text/csv",
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
];

fn file(file: aimsgap_store::EvidenceFile) -> wire::EvidenceFile {
    wire::EvidenceFile {
        number: file.number,
        sha256: file.sha256,
        size: file.size,
        file_name: file.file_name,
        media_type: file.media_type,
        uploaded_by: file.uploaded_by,
        uploaded_at: file.uploaded_at,
    }
}

pub(crate) fn item(item: aimsgap_store::EvidenceItem) -> wire::EvidenceItem {
    wire::EvidenceItem {
        id: item.id,
        title: item.meta.title,
        kind: item.meta.kind,
        effective: item.meta.effective,
        review_by: item.meta.review_by,
        owner: item.meta.owner,
        approved_by: item.meta.approved_by,
        approved_on: item.meta.approved_on,
        links: item.meta.links,
        file: item.file.map(file),
        version: item.version,
        created_at: item.created_at,
        updated_at: item.updated_at,
        updated_by: item.updated_by,
    }
}

fn meta(request: wire::EvidenceRequest) -> (EvidenceMeta, i64) {
    (
        EvidenceMeta {
            title: request.title,
            kind: request.kind,
            effective: request.effective,
            review_by: request.review_by,
            owner: request.owner,
            approved_by: request.approved_by,
            approved_on: request.approved_on,
            links: request.links,
        },
        request.version,
    )
}

fn is_multipart(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

fn is_json(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

/// A JSON metadata body, read within [`MAX_META_BYTES`] (the evidence routes take large
/// bodies, so the server's usual body limit is lifted on them).
async fn json_meta(request: Request) -> ApiResult<wire::EvidenceRequest> {
    let bytes = axum::body::to_bytes(request.into_body(), MAX_META_BYTES)
        .await
        .map_err(|_| ApiError::TooLarge)?;
    from_slice(&bytes)
}

/// What a multipart upload held: its metadata fields and its stored file, if any.
struct Upload {
    fields: HashMap<String, String>,
    links: Vec<String>,
    file: Option<NewFile>,
}

/// Reads a multipart upload: the `file` part streamed into the store within the evidence limit,
/// the other parts as text. Call after checking that the caller may edit.
async fn read_upload(state: &AppState, request: Request) -> ApiResult<Upload> {
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let mut upload = Upload {
        fields: HashMap::new(),
        links: Vec::new(),
        file: None,
    };
    let mut parts = 0;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| ApiError::BadRequest(e.body_text()))?
    {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(ApiError::BadRequest(format!(
                "at most {MAX_PARTS} parts in an upload"
            )));
        }
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            if upload.file.is_some() {
                return Err(ApiError::BadRequest("one `file` part per upload".into()));
            }
            let file_name = field.file_name().unwrap_or("file").to_string();
            let media_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_string();
            let blob = ops::store_file(state, &mut field).await?;
            upload.file = Some(NewFile {
                blob,
                file_name,
                media_type,
            });
            continue;
        }
        let mut text = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|e| ApiError::BadRequest(e.body_text()))?
        {
            if text.len() + chunk.len() > MAX_META_BYTES {
                return Err(ApiError::BadRequest(format!(
                    "the part `{name}` is longer than {MAX_META_BYTES} bytes"
                )));
            }
            text.extend_from_slice(&chunk);
        }
        let text = String::from_utf8(text)
            .map_err(|_| ApiError::BadRequest(format!("the part `{name}` is not UTF-8 text")))?;
        if name == "links" {
            upload.links.extend(
                text.split([',', '\n', ' '])
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string),
            );
        } else {
            upload.fields.insert(name, text);
        }
    }
    Ok(upload)
}

fn upload_meta(upload: &Upload) -> ApiResult<(EvidenceMeta, i64)> {
    const KNOWN: &[&str] = &[
        "title",
        "kind",
        "effective",
        "review_by",
        "owner",
        "approved_by",
        "approved_on",
        "version",
    ];
    if let Some(unknown) = upload.fields.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(ApiError::BadRequest(format!(
            "unknown part `{unknown}` (expected file, links, {})",
            KNOWN.join(", ")
        )));
    }
    let text = |name: &str| upload.fields.get(name).cloned();
    let version = match upload.fields.get("version").map(|v| v.trim()) {
        None | Some("") => 0,
        Some(v) => v
            .parse()
            .map_err(|_| ApiError::BadRequest(format!("version: a whole number, found {v:?}")))?,
    };
    Ok((
        EvidenceMeta {
            title: text("title").unwrap_or_default(),
            kind: text("kind").unwrap_or_default(),
            effective: text("effective"),
            review_by: text("review_by"),
            owner: text("owner"),
            approved_by: text("approved_by"),
            approved_on: text("approved_on"),
            links: upload.links.clone(),
        },
        version,
    ))
}

pub(crate) async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<wire::EvidenceList>> {
    let items = ops::items(&state, &auth, &id).await?;
    Ok(Json(wire::EvidenceList {
        items: items.into_iter().map(item).collect(),
    }))
}

/// Adds an item: JSON metadata, or a multipart upload with a `file` part and the metadata as
/// text parts (`links` repeated or comma-separated).
pub(crate) async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<(StatusCode, Json<wire::EvidenceItem>)> {
    ops::may_edit(&state, &auth, &id).await?;
    let (meta, file) = if is_multipart(&request) {
        let upload = read_upload(&state, request).await?;
        (upload_meta(&upload)?.0, upload.file)
    } else if is_json(&request) {
        (meta(json_meta(request).await?).0, None)
    } else {
        return Err(ApiError::BadRequest(
            "send the item as JSON (`Content-Type: application/json`) or as a multipart upload with a `file` part (`multipart/form-data`)".into(),
        ));
    };
    let created = ops::create(&state, &auth, &id, &meta, file).await?;
    Ok((StatusCode::CREATED, Json(item(created))))
}

pub(crate) async fn get_one(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, evidence)): Path<(String, String)>,
) -> ApiResult<Json<wire::EvidenceItem>> {
    Ok(Json(item(ops::item(&state, &auth, &id, &evidence).await?)))
}

pub(crate) async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, evidence)): Path<(String, String)>,
    request: Request,
) -> ApiResult<Json<wire::EvidenceItem>> {
    ops::may_edit(&state, &auth, &id).await?;
    if !is_json(&request) {
        return Err(ApiError::BadRequest(
            "send the body as JSON, with `Content-Type: application/json`".into(),
        ));
    }
    let (meta, version) = meta(json_meta(request).await?);
    let updated = ops::update(&state, &auth, &id, &evidence, &meta, version).await?;
    Ok(Json(item(updated)))
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, evidence)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<StatusCode> {
    let version = version_query(&query, "version")?
        .ok_or_else(|| ApiError::BadRequest("name the version you read: `?version=N`".into()))?;
    ops::delete(&state, &auth, &id, &evidence, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn version_query(query: &HashMap<String, String>, name: &str) -> ApiResult<Option<i64>> {
    if let Some(unknown) = query.keys().find(|k| k.as_str() != name) {
        return Err(ApiError::BadRequest(format!(
            "unknown query parameter `{unknown}` (expected `{name}`)"
        )));
    }
    query
        .get(name)
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| ApiError::BadRequest(format!("{name}: a whole number, found {v:?}")))
        })
        .transpose()
}

/// A new file for an item (a multipart upload with a `file` part and a `version` part naming
/// the version you read); the older files stay as earlier versions.
pub(crate) async fn replace_file(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, evidence)): Path<(String, String)>,
    request: Request,
) -> ApiResult<Json<wire::EvidenceItem>> {
    ops::may_edit(&state, &auth, &id).await?;
    if !is_multipart(&request) {
        return Err(ApiError::BadRequest(
            "send the file as a multipart upload (`multipart/form-data`) with a `file` part and a `version` part".into(),
        ));
    }
    let upload = read_upload(&state, request).await?;
    let version = upload_meta(&upload)?.1;
    let Some(file) = upload.file else {
        return Err(ApiError::BadRequest("the upload has no `file` part".into()));
    };
    let updated = ops::replace_file(&state, &auth, &id, &evidence, file, version).await?;
    Ok(Json(item(updated)))
}

pub(crate) async fn versions(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, evidence)): Path<(String, String)>,
) -> ApiResult<Json<wire::EvidenceVersions>> {
    let versions = ops::versions(&state, &auth, &id, &evidence).await?;
    Ok(Json(wire::EvidenceVersions {
        versions: versions.into_iter().map(file).collect(),
    }))
}

/// The media type a download is sent with: the uploaded one when it is on the safe list,
/// else `application/octet-stream`. Never HTML, SVG or XML.
pub(crate) fn download_type(media_type: &str) -> &'static str {
    SAFE_MEDIA_TYPES
        .iter()
        .find(|safe| safe.eq_ignore_ascii_case(media_type.trim()))
        .copied()
        .unwrap_or("application/octet-stream")
}

/// `attachment` with an ASCII fallback name and the name itself (RFC 6266, RFC 8187).
pub(crate) fn content_disposition(file_name: &str) -> String {
    const ATTR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'!')
        .remove(b'#')
        .remove(b'$')
        .remove(b'&')
        .remove(b'+')
        .remove(b'-')
        .remove(b'.')
        .remove(b'^')
        .remove(b'_')
        .remove(b'`')
        .remove(b'|')
        .remove(b'~');
    let name = aimsgap_store::clean_file_name(file_name);
    let ascii: String = deunicode::deunicode(&name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encoding::utf8_percent_encode(&name, ATTR)
    )
}

/// Downloads a file of an item (`?version=N` for an earlier one), streamed from the store as
/// an attachment: `nosniff`, a sandboxing content security policy, and a media type that never
/// renders as a page of the app.
pub(crate) async fn download(
    State(state): State<AppState>,
    auth: Auth,
    origin: crate::audit::Origin,
    Path((id, evidence)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let number = version_query(&query, "version")?;
    let (stored, chunks) = ops::download(&state, &auth, &id, &evidence, number, &origin).await?;
    let body = Body::from_stream(chunks.map(|chunk| chunk.map_err(std::io::Error::other)));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(download_type(&stored.media_type)),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(stored.size));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&content_disposition(&stored.file_name))
            .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_never_carry_a_type_that_renders_in_the_origin() {
        for dangerous in [
            "text/html",
            "TEXT/HTML",
            "image/svg+xml",
            "text/xml",
            "application/xhtml+xml",
            "application/xml",
            "text/javascript",
            "",
        ] {
            assert_eq!(download_type(dangerous), "application/octet-stream");
        }
        assert_eq!(download_type("application/pdf"), "application/pdf");
    }

    #[test]
    fn download_names_are_attachments_without_quotes_or_paths() {
        assert_eq!(
            content_disposition("../a \"b\";.html"),
            "attachment; filename=\"a__b__.html\"; filename*=UTF-8''a%20%22b%22%3B.html"
        );
        assert_eq!(
            content_disposition("Zürich policy.pdf"),
            "attachment; filename=\"Zurich_policy.pdf\"; filename*=UTF-8''Z%C3%BCrich%20policy.pdf"
        );
    }
}
