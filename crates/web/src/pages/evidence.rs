//! Evidence as the pages show it: each piece behind a requirement's answer with the weight it
//! counted for and, when it counts less, the reason in words; and the evidence whose review
//! date falls within the next 30 days or has passed. Pure functions over the engine's result,
//! so the requirement page, the dashboard and the Evidence tab say the same thing.

use super::assessment::{Context, Tab, TabLink, context};
use super::layout::{Choice, Frame, choices, render, see_other};
use super::{PageResult, Signed};
use crate::auth::{Via, identify};
use crate::error::{ApiError, FormField, Problem};
use crate::{Access, AppState};
use aimsgap_assess::{AssessmentResult, EvidenceKind, EvidenceUse, Freshness, rules};
use aimsgap_catalog::Date;
use aimsgap_store::{EvidenceItem, EvidenceMeta, NewFile};
use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::collections::HashMap;

/// Evidence due for review within this many days after the as-of date is listed as expiring.
pub(crate) const EXPIRING_WITHIN_DAYS: i64 = 30;

/// A share of weight in words: "half", or a percentage.
fn share(factor: f64) -> String {
    if (factor - 0.5).abs() < f64::EPSILON {
        "half".to_string()
    } else {
        format!("{}%", (factor * 100.0).round())
    }
}

/// Why a piece of evidence counts less than its kind is worth, in words, or `None` when it
/// counts in full. `as_of` is the result's as-of date.
pub(crate) fn reason(evidence: &EvidenceUse, as_of: Date) -> Option<String> {
    match evidence.freshness {
        Freshness::Current => None,
        Freshness::ReviewOverdue => Some(match evidence.review_by {
            Some(review_by) => format!(
                "past its review date of {review_by}: counts {} until reviewed",
                share(rules::OVERDUE_FACTOR)
            ),
            None => format!(
                "past its review date: counts {} until reviewed",
                share(rules::OVERDUE_FACTOR)
            ),
        }),
        Freshness::Stale => Some(format!(
            "older than {} months: counts {} of its weight",
            rules::STALE_AFTER_DAYS / 30,
            share(rules::STALE_FACTOR)
        )),
        Freshness::Future => Some(format!(
            "dated after the assessment date {as_of}: not counted"
        )),
    }
}

/// The kind of evidence in words: "approved document".
pub(crate) fn kind_words(kind: EvidenceKind) -> String {
    kind.as_str().replace('_', " ")
}

/// A piece of evidence due for review within [`EXPIRING_WITHIN_DAYS`] of the as-of date, or
/// past its review date, with every requirement it backs.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Expiring {
    pub reference: String,
    pub kind: EvidenceKind,
    pub review_by: Date,
    /// Days from the as-of date to the review date: negative once it has passed.
    pub days: i64,
    /// The requirements whose governing answer carries it, in the result's order.
    pub requirements: Vec<String>,
}

impl Expiring {
    /// "overdue by 3 days", "due today", "due in 12 days".
    pub(crate) fn when(&self) -> String {
        // `relative` says "in 9 days" of a span ahead: the same words serve both directions.
        let span = super::summary::relative(self.days.saturating_abs());
        let span = span.strip_prefix("in ").unwrap_or(&span);
        match self.days {
            ..0 => format!("overdue by {span}"),
            0 => "due today".to_string(),
            _ => format!("due in {span}"),
        }
    }

    pub(crate) fn overdue(&self) -> bool {
        self.days < 0
    }

    pub(crate) fn kind_words(&self) -> String {
        kind_words(self.kind)
    }
}

/// Every piece of evidence in `result` whose review date has passed or falls within `within`
/// days after the as-of date, earliest review date first. The same piece behind several
/// requirements (a group's answer, or one document cited by many answers) is listed once with
/// all of them. Evidence dated after the as-of date is not counted, so it is not listed.
pub(crate) fn expiring(result: &AssessmentResult, within: i64) -> Vec<Expiring> {
    let mut out: Vec<Expiring> = Vec::new();
    for requirement in &result.requirements {
        for evidence in &requirement.evidence {
            let Some(review_by) = evidence.review_by else {
                continue;
            };
            if evidence.freshness == Freshness::Future {
                continue;
            }
            let days = result.as_of.days_until(review_by);
            if days > within {
                continue;
            }
            match out.iter_mut().find(|e| {
                e.reference == evidence.reference
                    && e.kind == evidence.kind
                    && e.review_by == review_by
            }) {
                Some(seen) => {
                    if !seen.requirements.iter().any(|r| *r == requirement.id) {
                        seen.requirements.push(requirement.id.to_string());
                    }
                }
                None => out.push(Expiring {
                    reference: evidence.reference.to_string(),
                    kind: evidence.kind,
                    review_by,
                    days,
                    requirements: vec![requirement.id.to_string()],
                }),
            }
        }
    }
    out.sort_by(|a, b| {
        a.review_by
            .cmp(&b.review_by)
            .then_with(|| a.reference.cmp(&b.reference))
    });
    out
}

// ---- the Evidence tab --------------------------------------------------------------------

/// What the upload form may send beside the file: its metadata fields and the parts' headers.
const FIELDS_ALLOWANCE: u64 = 1024 * 1024;

/// The body of an upload cut off once it passes `limit` bytes: the route lifts the server's
/// body limit, which is for forms, and this takes its place with the configured evidence
/// limit.
fn limited(body: axum::body::Body, limit: u64) -> axum::body::Body {
    use futures_util::StreamExt;
    let mut seen: u64 = 0;
    axum::body::Body::from_stream(body.into_data_stream().map(move |chunk| {
        let chunk = chunk?;
        seen = seen.saturating_add(chunk.len() as u64);
        if seen > limit {
            Err(axum::Error::new(
                "the upload is larger than the server accepts",
            ))
        } else {
            Ok(chunk)
        }
    }))
}

const KINDS: [(&str, &str); 5] = [
    ("approved_document", "Approved document"),
    ("operating_record", "Operating record"),
    ("audit_report", "Audit report"),
    ("draft", "Draft"),
    ("template", "Template"),
];

/// "1.2 MB", "840 KB", "12 bytes".
pub(crate) fn size_words(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else if bytes >= 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else if bytes == 1 {
        "1 byte".to_string()
    } else {
        format!("{bytes} bytes")
    }
}

/// An item's freshness on the as-of date, from its effective and review dates.
fn item_freshness(item: &EvidenceItem, as_of: Date) -> Freshness {
    let effective = item
        .meta
        .effective
        .as_deref()
        .and_then(|d| Date::parse(d).ok());
    rules::freshness(as_of, effective, item.review_date())
}

/// The ids an item backs, split from what was typed: commas or spaces between them.
pub(crate) fn split_links(text: &str) -> Vec<String> {
    let mut links: Vec<String> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect();
    links.sort();
    links.dedup();
    links
}

/// A link of an item to a requirement, control or group.
#[derive(Debug)]
struct LinkView {
    id: String,
    href: String,
}

/// The current file of an item, or an earlier version of it.
#[derive(Debug)]
struct FileView {
    number: i64,
    name: String,
    size: String,
    sha256: String,
    uploaded: String,
    href: String,
}

/// One item of the register as the tab and the item page show it.
#[derive(Debug)]
struct ItemView {
    id: String,
    href: String,
    title: String,
    kind: String,
    effective: String,
    review_by: String,
    /// "overdue by 3 days", "due in 12 days", or empty when further off or not set.
    due: String,
    overdue: bool,
    freshness: String,
    owner: String,
    approved: String,
    links: Vec<LinkView>,
    file: Option<FileView>,
}

fn file_view(
    base: &str,
    item: &str,
    file: &aimsgap_store::EvidenceFile,
    current: bool,
) -> FileView {
    FileView {
        number: file.number,
        name: file.file_name.clone(),
        size: size_words(file.size),
        sha256: file.sha256.clone(),
        uploaded: super::layout::when(&file.uploaded_at),
        href: if current {
            format!("/api/v1{base}/evidence/{item}/file")
        } else {
            format!("/api/v1{base}/evidence/{item}/file?version={}", file.number)
        },
    }
}

fn freshness_words(freshness: Freshness) -> &'static str {
    match freshness {
        Freshness::Current => "current",
        Freshness::Stale => "older than 12 months",
        Freshness::ReviewOverdue => "past its review date",
        Freshness::Future => "not yet in effect",
    }
}

fn item_view(base: &str, item: &EvidenceItem, as_of: Date) -> ItemView {
    let days = item.review_date().map(|r| as_of.days_until(r));
    let due = days
        .filter(|d| *d <= EXPIRING_WITHIN_DAYS)
        .map(|days| {
            Expiring {
                reference: String::new(),
                kind: EvidenceKind::Draft,
                review_by: as_of,
                days,
                requirements: Vec::new(),
            }
            .when()
        })
        .unwrap_or_default();
    let approved = match (&item.meta.approved_by, &item.meta.approved_on) {
        (Some(by), Some(on)) => format!("{by}, {on}"),
        (Some(by), None) => by.clone(),
        (None, Some(on)) => on.clone(),
        (None, None) => String::new(),
    };
    ItemView {
        id: item.id.clone(),
        href: format!("{base}/evidence/{}", item.id),
        title: item.meta.title.clone(),
        kind: item.meta.kind.replace('_', " "),
        effective: item.meta.effective.clone().unwrap_or_default(),
        review_by: item.meta.review_by.clone().unwrap_or_default(),
        due,
        overdue: days.is_some_and(|d| d < 0),
        freshness: freshness_words(item_freshness(item, as_of)).to_string(),
        owner: item.meta.owner.clone().unwrap_or_default(),
        approved,
        links: item
            .meta
            .links
            .iter()
            .map(|id| LinkView {
                id: id.clone(),
                href: format!("{base}/requirements/{id}"),
            })
            .collect(),
        file: item
            .file
            .as_ref()
            .map(|file| file_view(base, &item.id, file, true)),
    }
}

/// What the upload form holds: empty, or what was typed when it was refused.
#[derive(Clone, Debug, Default)]
struct UploadFields {
    title: String,
    kind: String,
    effective: String,
    review_by: String,
    owner: String,
    approved_by: String,
    approved_on: String,
    links: String,
}

impl UploadFields {
    fn from_map(fields: &std::collections::HashMap<String, String>) -> UploadFields {
        let get = |name: &str| {
            fields
                .get(name)
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        UploadFields {
            title: get("title"),
            kind: get("kind"),
            effective: get("effective"),
            review_by: get("review_by"),
            owner: get("owner"),
            approved_by: get("approved_by"),
            approved_on: get("approved_on"),
            links: get("links"),
        }
    }

    /// The metadata to store, or each problem at its field. Link ids are checked against the
    /// catalog.
    fn to_meta(&self, catalog: &aimsgap_catalog::Catalog) -> Result<EvidenceMeta, Vec<Problem>> {
        let mut problems = Vec::new();
        if self.title.is_empty() {
            problems.push(Problem {
                sentence: "Title: give the evidence a title, such as the document's name.".into(),
                field: Some(FormField::new("Title", "title")),
            });
        }
        if !KINDS.iter().any(|(value, _)| *value == self.kind) {
            problems.push(Problem {
                sentence: "Kind: choose one of the kinds offered.".into(),
                field: Some(FormField::new("Kind", "kind")),
            });
        }
        let date = |value: &str, name: &str, label: &str, problems: &mut Vec<Problem>| {
            if value.is_empty() {
                return None;
            }
            if Date::parse(value).is_ok() {
                Some(value.to_string())
            } else {
                problems.push(Problem {
                    sentence: format!("{label}: `{value}` is not a date: expected YYYY-MM-DD."),
                    field: Some(FormField::new(label, name)),
                });
                None
            }
        };
        let effective = date(
            &self.effective,
            "effective",
            "Effective date",
            &mut problems,
        );
        let review_by = date(&self.review_by, "review_by", "Review by", &mut problems);
        let approved_on = date(
            &self.approved_on,
            "approved_on",
            "Approved on",
            &mut problems,
        );
        let links = split_links(&self.links);
        let iso = catalog.framework(aimsgap_assess::TARGET);
        let unknown: Vec<&str> = links
            .iter()
            .filter(|id| iso.and_then(|iso| iso.get(id)).is_none())
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            problems.push(Problem {
                sentence: format!(
                    "Backs: {} {} not a requirement, control or group of ISO/IEC 42001 (such as 5.2 or A.2.2).",
                    unknown
                        .iter()
                        .map(|id| format!("`{id}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if unknown.len() == 1 { "is" } else { "are" }
                ),
                field: Some(FormField::new("Backs", "links")),
            });
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let optional = |value: &str| (!value.is_empty()).then(|| value.to_string());
        Ok(EvidenceMeta {
            title: self.title.clone(),
            kind: self.kind.clone(),
            effective,
            review_by,
            owner: optional(&self.owner),
            approved_by: optional(&self.approved_by),
            approved_on,
            links,
        })
    }
}

/// The upload form, for owners and editors.
#[derive(Debug)]
struct UploadForm {
    csrf: String,
    fields: UploadFields,
    kinds: Vec<Choice>,
    limit: String,
}

#[derive(Template, Debug)]
#[template(path = "evidence/register.html")]
struct RegisterPage {
    frame: Frame,
    tabs: Vec<TabLink>,
    base: String,
    as_of: Date,
    expiring: Vec<Expiring>,
    expiring_days: i64,
    items: Vec<ItemView>,
    /// Items in the register before filtering.
    total: usize,
    filter_kinds: Vec<Choice>,
    filter_freshness: Vec<Choice>,
    form: Option<UploadForm>,
    problems: Vec<Problem>,
    problems_lead: &'static str,
    /// An item was just deleted.
    deleted: bool,
}

/// `GET /assessments/{assessment}/evidence`: the evidence register and what is due for review.
pub async fn register(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let value = |key: &str| {
        query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let filter = (value("of_kind").to_string(), value("freshness").to_string());
    let deleted = value("deleted") == "1";
    register_page(
        &state,
        &ctx,
        filter,
        None,
        StatusCode::OK,
        (Vec::new(), deleted),
    )
    .await
}

async fn register_page(
    state: &AppState,
    ctx: &Context,
    (kind, freshness): (String, String),
    typed: Option<UploadFields>,
    status: StatusCode,
    (problems, deleted): (Vec<Problem>, bool),
) -> PageResult<Response> {
    let id = &ctx.meta.id;
    let values = super::assessment::computed(state, ctx).await?;
    let result = &values.result;
    let base = ctx.base();
    let stored = state.store.evidence_items(id).await?;
    let total = stored.len();
    let items = stored
        .iter()
        .filter(|item| kind.is_empty() || item.meta.kind == kind)
        .filter(|item| {
            freshness.is_empty() || item_freshness(item, result.as_of).as_str() == freshness
        })
        .map(|item| item_view(&base, item, result.as_of))
        .collect();
    let mut kind_options = vec![("", "Any kind")];
    kind_options.extend(KINDS);
    let freshness_options = [
        ("", "Any freshness"),
        ("current", "Current"),
        ("stale", "Older than 12 months"),
        ("review_overdue", "Past its review date"),
        ("future", "Not yet in effect"),
    ];
    let form = ctx.role.can_edit().then(|| {
        let fields = typed.unwrap_or_else(|| UploadFields {
            kind: "approved_document".into(),
            ..UploadFields::default()
        });
        UploadForm {
            csrf: ctx.auth.csrf().to_string(),
            kinds: choices(&KINDS, &[fields.kind.as_str()]),
            fields,
            limit: format!("{} MB", state.config.evidence_max_mb),
        }
    });
    let (frame, tabs) = ctx.chrome(Tab::Evidence, "Evidence");
    let view = RegisterPage {
        frame,
        tabs,
        base,
        as_of: result.as_of,
        expiring: expiring(result, EXPIRING_WITHIN_DAYS),
        expiring_days: EXPIRING_WITHIN_DAYS,
        items,
        total,
        filter_kinds: choices(&kind_options, &[kind.as_str()]),
        filter_freshness: choices(&freshness_options, &[freshness.as_str()]),
        form,
        problems,
        problems_lead: "The evidence was not added:",
        deleted,
    };
    Ok(render(status, &view))
}

/// `POST /assessments/{assessment}/evidence`: a multipart form with the metadata fields and
/// the file last. The file is streamed into the store as it arrives; metadata with a problem
/// is refused before the file is read, with everything typed kept.
pub async fn upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> PageResult<Response> {
    let (parts, body) = request.into_parts();
    let auth = identify(&parts, &state).await?;
    let headers = parts.headers.clone();
    let ctx = context(&state, auth, &id, Access::Edit).await?;
    let multipart_body = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart_body {
        // A plain form: evidence described without a file.
        let body = limited(body, FIELDS_ALLOWANCE);
        let fields = crate::auth::read_form(Request::from_parts(parts, body), &state).await?;
        let map: HashMap<String, String> = fields.0.into_iter().rev().collect();
        check_form(&ctx, &headers, &map)?;
        return add(&state, &ctx, UploadFields::from_map(&map), None).await;
    }
    let mut multipart = open_upload(&state, parts, body).await?;
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut checked = false;
    let mut file: Option<NewFile> = None;
    let mut typed: Option<(UploadFields, EvidenceMeta)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return Err(upload_error(error).into()),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            // Nothing is written before the form's token is checked: it comes first.
            if !checked {
                check_form(&ctx, &headers, &fields)?;
                checked = true;
            }
            // The metadata came first: refuse it before reading the file.
            let form = UploadFields::from_map(&fields);
            let meta = match form.to_meta(&state.catalog) {
                Ok(meta) => meta,
                Err(problems) => {
                    return refused(
                        &state,
                        &ctx,
                        form,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        problems,
                    )
                    .await;
                }
            };
            match store_file(&state, field).await {
                Ok(stored) => file = stored,
                Err(aimsgap_store::StoreError::TooLarge { .. }) => {
                    return refused(
                        &state,
                        &ctx,
                        form,
                        StatusCode::PAYLOAD_TOO_LARGE,
                        vec![too_large(&state)],
                    )
                    .await;
                }
                Err(other) => return Err(ApiError::from(other).into()),
            }
            typed = Some((form, meta));
        } else {
            let text = field.text().await.map_err(upload_error)?;
            fields.insert(name, text);
        }
    }
    if !checked {
        check_form(&ctx, &headers, &fields)?;
    }
    match typed {
        Some((form, meta)) => create(&state, &ctx, form, meta, file).await,
        None => add(&state, &ctx, UploadFields::from_map(&fields), None).await,
    }
}

/// Opens a multipart upload whose body may carry a file up to the evidence limit and the
/// form's fields.
async fn open_upload(
    state: &AppState,
    parts: axum::http::request::Parts,
    body: axum::body::Body,
) -> PageResult<Multipart> {
    let body = limited(
        body,
        crate::ops::evidence::limit_bytes(state).saturating_add(FIELDS_ALLOWANCE),
    );
    Ok(
        Multipart::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| {
                ApiError::BadRequest(format!("The upload is not a multipart form: {e}"))
            })?,
    )
}

/// Streams an uploaded `file` part into the store within the evidence limit; `None` when the
/// form sent no file (an empty part without a name).
async fn store_file(
    state: &AppState,
    field: axum::extract::multipart::Field<'_>,
) -> Result<Option<NewFile>, aimsgap_store::StoreError> {
    let file_name = field.file_name().unwrap_or("").to_string();
    let media_type = field
        .content_type()
        .unwrap_or("application/octet-stream")
        .to_string();
    let blob = state
        .store
        .write_blob(field, crate::ops::evidence::limit_bytes(state))
        .await?;
    if blob.size == 0 && file_name.is_empty() {
        return Ok(None);
    }
    Ok(Some(NewFile {
        blob,
        file_name,
        media_type,
    }))
}

/// Checks what was typed and adds the evidence.
async fn add(
    state: &AppState,
    ctx: &Context,
    form: UploadFields,
    file: Option<NewFile>,
) -> PageResult<Response> {
    match form.to_meta(&state.catalog) {
        Ok(meta) => create(state, ctx, form, meta, file).await,
        Err(problems) => {
            refused(state, ctx, form, StatusCode::UNPROCESSABLE_ENTITY, problems).await
        }
    }
}

/// Adds checked evidence, then shows its page.
async fn create(
    state: &AppState,
    ctx: &Context,
    form: UploadFields,
    meta: EvidenceMeta,
    file: Option<NewFile>,
) -> PageResult<Response> {
    let id = &ctx.meta.id;
    match state
        .store
        .create_evidence(id, &ctx.auth.user.id, &meta, file)
        .await
    {
        Ok(item) => Ok(see_other(&format!(
            "/assessments/{id}/evidence/{}?added=1",
            item.id
        ))),
        Err(aimsgap_store::StoreError::Invalid { field, message }) => {
            let problem = Problem {
                sentence: format!("{}: {message}", field.replace('_', " ")),
                field: None,
            };
            refused(
                state,
                ctx,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![problem],
            )
            .await
        }
        Err(other) => Err(ApiError::from(other).into()),
    }
}

/// The CSRF check of a form signed in with a session: the token must be among the fields
/// read so far (the form sends it first) or in the header.
fn check_form(
    ctx: &Context,
    headers: &HeaderMap,
    fields: &HashMap<String, String>,
) -> Result<(), ApiError> {
    if let Via::Session { csrf, .. } = &ctx.auth.via {
        let given = headers
            .get(crate::security::CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .or_else(|| fields.get("csrf").map(String::as_str))
            .unwrap_or("");
        crate::security::check_csrf_token(headers, csrf, given)?;
    }
    Ok(())
}

fn too_large(state: &AppState) -> Problem {
    Problem {
        sentence: format!(
            "File: the file is larger than this server's limit of {} MB; nothing was stored.",
            state.config.evidence_max_mb
        ),
        field: Some(FormField::new("File", "file")),
    }
}

/// A multipart body that could not be read: too large, or malformed.
fn upload_error(error: axum::extract::multipart::MultipartError) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge
    } else {
        ApiError::BadRequest(format!(
            "The upload could not be read: {}",
            error.body_text()
        ))
    }
}

async fn refused(
    state: &AppState,
    ctx: &Context,
    form: UploadFields,
    status: StatusCode,
    problems: Vec<Problem>,
) -> PageResult<Response> {
    register_page(
        state,
        ctx,
        (String::new(), String::new()),
        Some(form),
        status,
        (problems, false),
    )
    .await
}

// ---- the item page ---------------------------------------------------------------------

#[derive(Template, Debug)]
#[template(path = "evidence/item.html")]
struct ItemPage {
    frame: Frame,
    tabs: Vec<TabLink>,
    base: String,
    item: ItemView,
    added: bool,
    saved: bool,
    replaced: bool,
    updated: String,
    versions: Vec<FileView>,
    /// The forms, for owners and editors.
    edit: Option<EditForm>,
    /// Someone saved the item first: what it holds now and who saved it.
    conflict: Option<ItemConflict>,
    problems: Vec<Problem>,
    problems_lead: &'static str,
}

/// The item page's forms: its metadata and links, a new file, and the way to delete it.
#[derive(Debug)]
struct EditForm {
    csrf: String,
    /// The version the forms change: the one read, or after a conflict the stored one.
    version: i64,
    fields: UploadFields,
    kinds: Vec<Choice>,
    limit: String,
    action: String,
}

/// The stored item when a save came too late.
#[derive(Debug)]
struct ItemConflict {
    by: String,
    version: i64,
    at: String,
    /// The stored values in words.
    stored: String,
}

impl UploadFields {
    /// The form holding an item's stored values.
    fn from_item(item: &EvidenceItem) -> UploadFields {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        UploadFields {
            title: item.meta.title.clone(),
            kind: item.meta.kind.clone(),
            effective: text(&item.meta.effective),
            review_by: text(&item.meta.review_by),
            owner: text(&item.meta.owner),
            approved_by: text(&item.meta.approved_by),
            approved_on: text(&item.meta.approved_on),
            links: item.meta.links.join(", "),
        }
    }
}

/// The stored values of an item in words, for a conflict: "AI policy (approved document),
/// effective 2026-06-01, review by 2027-06-01, owner CRO, backs 5.2, A.2.2".
fn stored_words(item: &EvidenceItem) -> String {
    let mut out = format!("{} ({})", item.meta.title, item.meta.kind.replace('_', " "));
    let mut part = |label: &str, value: &Option<String>| {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            out.push_str(&format!(", {label} {value}"));
        }
    };
    part("effective", &item.meta.effective);
    part("review by", &item.meta.review_by);
    part("owner", &item.meta.owner);
    part("approved by", &item.meta.approved_by);
    part("approved on", &item.meta.approved_on);
    if !item.meta.links.is_empty() {
        out.push_str(&format!(", backs {}", item.meta.links.join(", ")));
    }
    if let Some(file) = &item.file {
        out.push_str(&format!(
            ", file {} (version {})",
            file.file_name, file.number
        ));
    }
    out
}

/// How the item page is being shown.
#[derive(Debug, Default)]
struct ItemOutcome {
    status: Option<StatusCode>,
    added: bool,
    saved: bool,
    replaced: bool,
    /// What was typed into the metadata form, when it was refused.
    typed: Option<UploadFields>,
    /// The save came after someone else's.
    conflict: bool,
    problems: Vec<Problem>,
}

/// `GET /assessments/{assessment}/evidence/{evidence}`: one item, its links and its files.
pub async fn item(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path((id, evidence)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let flag = |name: &str| query.iter().any(|(k, v)| k == name && v == "1");
    let outcome = ItemOutcome {
        added: flag("added"),
        saved: flag("saved"),
        replaced: flag("replaced"),
        ..ItemOutcome::default()
    };
    item_page(&state, &ctx, &evidence, outcome).await
}

async fn item_page(
    state: &AppState,
    ctx: &Context,
    evidence: &str,
    outcome: ItemOutcome,
) -> PageResult<Response> {
    let id = &ctx.meta.id;
    let stored = state
        .store
        .evidence_item(id, evidence)
        .await?
        .ok_or(ApiError::NotFound)?;
    let values = super::assessment::computed(state, ctx).await?;
    let result = &values.result;
    let base = ctx.base();
    let who = super::assessment::names(state, &ctx.meta.org_id).await?;
    let name_of = |user: &str| who.get(user).cloned().unwrap_or_else(|| user.to_string());
    let current = stored.file.as_ref().map(|f| f.number);
    let versions = state
        .store
        .evidence_versions(id, evidence)
        .await?
        .iter()
        .filter(|file| Some(file.number) != current)
        .map(|file| file_view(&base, &stored.id, file, false))
        .collect();
    let updated = format!(
        "{} by {}",
        super::layout::when(&stored.updated_at),
        name_of(&stored.updated_by)
    );
    let conflict = outcome.conflict.then(|| ItemConflict {
        by: if stored.updated_by == ctx.auth.user.id {
            "You, in another window or session,".to_string()
        } else {
            name_of(&stored.updated_by)
        },
        version: stored.version,
        at: super::layout::when(&stored.updated_at),
        stored: stored_words(&stored),
    });
    let edit = ctx.role.can_edit().then(|| {
        let fields = outcome
            .typed
            .unwrap_or_else(|| UploadFields::from_item(&stored));
        EditForm {
            csrf: ctx.auth.csrf().to_string(),
            version: stored.version,
            kinds: choices(&KINDS, &[fields.kind.as_str()]),
            fields,
            limit: format!("{} MB", state.config.evidence_max_mb),
            action: format!("{base}/evidence/{}", stored.id),
        }
    });
    let (frame, tabs) = ctx.chrome(Tab::Evidence, &stored.meta.title);
    let view = ItemPage {
        frame,
        tabs,
        item: item_view(&base, &stored, result.as_of),
        added: outcome.added,
        saved: outcome.saved,
        replaced: outcome.replaced,
        base,
        updated,
        versions,
        edit,
        conflict,
        problems: outcome.problems,
        problems_lead: "The evidence was not changed:",
    };
    Ok(render(outcome.status.unwrap_or(StatusCode::OK), &view))
}

/// The version a form was opened with.
fn form_version(fields: &HashMap<String, String>) -> Result<i64, ApiError> {
    fields
        .get("version")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .ok_or_else(|| {
            ApiError::BadRequest(
                "The form lacks the version of the evidence it was opened with: reload the page and try again."
                    .into(),
            )
        })
}

/// A refusal by the operations shown at the top of the item page.
fn refusal(error: &ApiError) -> Vec<Problem> {
    error.problems(&|_: &str| None)
}

/// `POST /assessments/{assessment}/evidence/{evidence}`: the metadata and links form. A save
/// that comes after someone else's changes nothing and shows what they saved (409), with the
/// form still holding what was typed.
pub async fn change(
    State(state): State<AppState>,
    Path((id, evidence)): Path<(String, String)>,
    form: Result<crate::auth::FormAuth, ApiError>,
) -> PageResult<Response> {
    let crate::auth::FormAuth { auth, fields } = form?;
    let ctx = context(&state, auth, &id, Access::Edit).await?;
    let map: HashMap<String, String> = fields.0.into_iter().rev().collect();
    let version = form_version(&map)?;
    let typed = UploadFields::from_map(&map);
    let meta = match typed.to_meta(&state.catalog) {
        Ok(meta) => meta,
        Err(problems) => {
            let outcome = ItemOutcome {
                status: Some(StatusCode::UNPROCESSABLE_ENTITY),
                typed: Some(typed),
                problems,
                ..ItemOutcome::default()
            };
            return item_page(&state, &ctx, &evidence, outcome).await;
        }
    };
    match crate::ops::evidence::update(&state, &ctx.auth, &id, &evidence, &meta, version).await {
        Ok(_) => Ok(see_other(&format!(
            "/assessments/{id}/evidence/{evidence}?saved=1"
        ))),
        Err(ApiError::Conflict(_)) => {
            let outcome = ItemOutcome {
                status: Some(StatusCode::CONFLICT),
                typed: Some(typed),
                conflict: true,
                ..ItemOutcome::default()
            };
            item_page(&state, &ctx, &evidence, outcome).await
        }
        Err(error @ (ApiError::Invalid(_) | ApiError::BadRequest(_) | ApiError::Located(_))) => {
            let outcome = ItemOutcome {
                status: Some(error.status()),
                typed: Some(typed),
                problems: refusal(&error),
                ..ItemOutcome::default()
            };
            item_page(&state, &ctx, &evidence, outcome).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /assessments/{assessment}/evidence/{evidence}/file`: a multipart form with the
/// version read and a new file, streamed into the store; the older file stays listed under
/// "Earlier versions".
pub async fn new_file(
    State(state): State<AppState>,
    Path((id, evidence)): Path<(String, String)>,
    request: Request,
) -> PageResult<Response> {
    let (parts, body) = request.into_parts();
    let auth = identify(&parts, &state).await?;
    let headers = parts.headers.clone();
    let ctx = context(&state, auth, &id, Access::Edit).await?;
    if state.store.evidence_item(&id, &evidence).await?.is_none() {
        return Err(ApiError::NotFound.into());
    }
    let mut multipart = open_upload(&state, parts, body).await?;
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut checked = false;
    let mut file: Option<NewFile> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return Err(upload_error(error).into()),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            // Nothing is written before the form's token is checked: it comes first.
            if !checked {
                check_form(&ctx, &headers, &fields)?;
                checked = true;
            }
            match store_file(&state, field).await {
                Ok(stored) => file = stored,
                Err(aimsgap_store::StoreError::TooLarge { .. }) => {
                    let outcome = ItemOutcome {
                        status: Some(StatusCode::PAYLOAD_TOO_LARGE),
                        problems: vec![too_large(&state)],
                        ..ItemOutcome::default()
                    };
                    return item_page(&state, &ctx, &evidence, outcome).await;
                }
                Err(other) => return Err(ApiError::from(other).into()),
            }
        } else {
            let text = field.text().await.map_err(upload_error)?;
            fields.insert(name, text);
        }
    }
    if !checked {
        check_form(&ctx, &headers, &fields)?;
    }
    let version = form_version(&fields)?;
    let Some(file) = file else {
        let outcome = ItemOutcome {
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
            problems: vec![Problem {
                sentence: "New file: choose the file to upload.".into(),
                field: Some(FormField::new("New file", "file")),
            }],
            ..ItemOutcome::default()
        };
        return item_page(&state, &ctx, &evidence, outcome).await;
    };
    match crate::ops::evidence::replace_file(&state, &ctx.auth, &id, &evidence, file, version).await
    {
        Ok(_) => Ok(see_other(&format!(
            "/assessments/{id}/evidence/{evidence}?replaced=1"
        ))),
        Err(ApiError::Conflict(_)) => {
            let outcome = ItemOutcome {
                status: Some(StatusCode::CONFLICT),
                conflict: true,
                ..ItemOutcome::default()
            };
            item_page(&state, &ctx, &evidence, outcome).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template, Debug)]
#[template(path = "evidence/delete.html")]
struct DeletePage {
    frame: Frame,
    tabs: Vec<TabLink>,
    base: String,
    csrf: String,
    action: String,
    item_href: String,
    title: String,
    version: i64,
    links: usize,
    files: usize,
}

/// `GET /assessments/{assessment}/evidence/{evidence}/delete`: asks before deleting.
pub async fn confirm_delete(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path((id, evidence)): Path<(String, String)>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Edit).await?;
    let stored = state
        .store
        .evidence_item(&id, &evidence)
        .await?
        .ok_or(ApiError::NotFound)?;
    let files = state.store.evidence_versions(&id, &evidence).await?.len();
    let base = ctx.base();
    let (frame, tabs) = ctx.chrome(Tab::Evidence, "Delete evidence");
    let view = DeletePage {
        frame,
        tabs,
        csrf: ctx.auth.csrf().to_string(),
        action: format!("{base}/evidence/{}/delete", stored.id),
        item_href: format!("{base}/evidence/{}", stored.id),
        base,
        title: stored.meta.title.clone(),
        version: stored.version,
        links: stored.meta.links.len(),
        files,
    };
    Ok(render(StatusCode::OK, &view))
}

/// `POST /assessments/{assessment}/evidence/{evidence}/delete`: deletes the item if it is
/// still the version confirmed; the history keeps it.
pub async fn delete(
    State(state): State<AppState>,
    Path((id, evidence)): Path<(String, String)>,
    form: Result<crate::auth::FormAuth, ApiError>,
) -> PageResult<Response> {
    let crate::auth::FormAuth { auth, fields } = form?;
    let ctx = context(&state, auth, &id, Access::Edit).await?;
    let map: HashMap<String, String> = fields.0.into_iter().rev().collect();
    let version = form_version(&map)?;
    match crate::ops::evidence::delete(&state, &ctx.auth, &id, &evidence, version).await {
        Ok(()) => Ok(see_other(&format!("/assessments/{id}/evidence?deleted=1"))),
        Err(ApiError::Conflict(_)) => {
            let outcome = ItemOutcome {
                status: Some(StatusCode::CONFLICT),
                conflict: true,
                ..ItemOutcome::default()
            };
            item_page(&state, &ctx, &evidence, outcome).await
        }
        Err(other) => Err(other.into()),
    }
}

// ---- on the requirement page -----------------------------------------------------------

/// An item of the register linked to a requirement (or to a group above it, or beneath it).
#[derive(Debug)]
pub(crate) struct Linked {
    pub title: String,
    pub href: String,
    /// The id the link names.
    pub via: String,
    pub review_by: String,
    pub freshness: String,
    /// The id it is linked to has an answer, so the item is counted with that answer's
    /// evidence (`ops::evidence::merge_register`); otherwise it waits for one.
    pub counts: bool,
}

/// The items of the register that back `requirement`: linked to it, to a group above it, or
/// (for a group) to a requirement beneath it. `answered` tells which ids have an answer.
pub(crate) async fn linked(
    state: &AppState,
    assessment: &str,
    requirement: &str,
    as_of: Date,
    answered: impl Fn(&str) -> bool,
) -> Result<Vec<Linked>, ApiError> {
    let items = state.store.evidence_items(assessment).await?;
    let base = format!("/assessments/{assessment}");
    Ok(items
        .iter()
        .filter_map(|item| {
            let via = item.meta.links.iter().find(|id| {
                id.as_str() == requirement
                    || rules::is_beneath(requirement, id)
                    || rules::is_beneath(id, requirement)
            })?;
            Some(Linked {
                title: item.meta.title.clone(),
                href: format!("{base}/evidence/{}", item.id),
                via: via.clone(),
                review_by: item.meta.review_by.clone().unwrap_or_default(),
                freshness: freshness_words(item_freshness(item, as_of)).to_string(),
                counts: answered(via),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aimsgap_assess::{assess, parse_assessment};

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    /// The result of an assessment dated 2026-11-29 whose answer on the group 5.2 carries
    /// `evidence` (YAML list items) and, when `group` is set, so does one on the group A.2.
    fn result_with(evidence: &str, group: bool) -> AssessmentResult {
        let catalog = aimsgap_catalog::builtin().unwrap();
        let mut yaml = format!(
            "aimsgap: 2\nas_of: 2026-11-29\norganization:\n  name: Acme\n  employees: 20\n  \
             sector: software\n  jurisdictions: [EU]\nanswers:\n  \"5.2\":\n    status: implemented\n    \
             evidence:\n{evidence}"
        );
        if group {
            yaml.push_str(&format!(
                "  \"A.2\":\n    status: implemented\n    evidence:\n{evidence}"
            ));
        }
        let assessment = parse_assessment("test.yaml", &yaml, &catalog, date("2026-11-29"))
            .map_err(|e| format!("{e:?}\n{yaml}"))
            .unwrap();
        assess(&catalog, &assessment).unwrap()
    }

    fn item(reference: &str, date: &str, review_by: Option<&str>) -> String {
        let mut out = format!(
            "      - ref: {reference}\n        kind: approved_document\n        date: {date}\n"
        );
        if let Some(review_by) = review_by {
            out.push_str(&format!("        review_by: {review_by}\n"));
        }
        out
    }

    #[test]
    fn evidence_due_within_30_days_or_past_its_date_is_listed_and_later_or_undated_is_not() {
        let evidence = [
            item("passed.pdf", "2026-01-10", Some("2026-11-01")),
            item("today.pdf", "2026-01-10", Some("2026-11-29")),
            item("in-30.pdf", "2026-01-10", Some("2026-12-29")),
            item("in-31.pdf", "2026-01-10", Some("2026-12-30")),
            item("no-date.pdf", "2026-01-10", None),
        ]
        .concat();
        let result = result_with(&evidence, false);
        let listed = expiring(&result, EXPIRING_WITHIN_DAYS);
        let names: Vec<(&str, i64)> = listed
            .iter()
            .map(|e| (e.reference.as_str(), e.days))
            .collect();
        assert_eq!(
            names,
            [("passed.pdf", -28), ("today.pdf", 0), ("in-30.pdf", 30)]
        );
        assert!(listed[0].overdue() && !listed[1].overdue());
        assert_eq!(listed[0].when(), "overdue by 4 weeks");
        assert_eq!(listed[1].when(), "due today");
        assert_eq!(listed[2].when(), "due in 4 weeks");
        assert!(listed[0].requirements.contains(&"5.2.a".to_string()));
        assert_eq!(listed[0].review_by, date("2026-11-01"));
    }

    #[test]
    fn one_piece_behind_a_group_is_listed_once_with_every_requirement_it_backs() {
        let result = result_with(&item("policy.pdf", "2026-06-01", Some("2026-12-05")), true);
        let listed = expiring(&result, EXPIRING_WITHIN_DAYS);
        assert_eq!(listed.len(), 1, "{listed:?}");
        let backs = &listed[0].requirements;
        assert!(backs.contains(&"5.2.a".to_string()), "{backs:?}");
        assert!(backs.iter().any(|id| id.starts_with("A.2.")), "{backs:?}");
        assert!(
            backs.len() >= 3,
            "the parts of 5.2 and the controls of A.2: {backs:?}"
        );
    }

    #[test]
    fn nothing_is_listed_without_review_dates() {
        let result = result_with(&item("policy.pdf", "2026-06-01", None), true);
        assert!(expiring(&result, EXPIRING_WITHIN_DAYS).is_empty());
    }

    #[test]
    fn the_reason_names_the_review_date_or_the_age_and_current_evidence_has_none() {
        let result = result_with(
            &[
                item("overdue.pdf", "2026-01-10", Some("2026-03-01")),
                item("old.pdf", "2025-01-10", None),
                item("fresh.pdf", "2026-10-01", Some("2027-10-01")),
            ]
            .concat(),
            false,
        );
        let uses = &result
            .requirements
            .iter()
            .find(|r| r.id == "5.2.a")
            .unwrap()
            .evidence;
        let reasons: Vec<Option<String>> = uses.iter().map(|u| reason(u, result.as_of)).collect();
        assert_eq!(
            reasons,
            [
                Some("past its review date of 2026-03-01: counts half until reviewed".to_string()),
                Some("older than 12 months: counts 60% of its weight".to_string()),
                None,
            ]
        );
    }
}
