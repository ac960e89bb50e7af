//! One stored assessment: its overview and requirements, the answer form of a requirement
//! (optimistic concurrency: the form carries the version it read), the AI system inventory,
//! history, runs and their comparison, the SoA and the roadmap. Viewers and auditors get the
//! same pages without any form that changes something.

use super::layout::when;
use super::layout::{
    Crumb, csrf_field, e, framework_label, hidden, html, input, page, pct, see_other, select,
    status_badge, table,
};
use super::quick::{obligations, result_summary};
use super::{PageError, PageResult, Signed};
use crate::api;
use crate::auth::{Auth, Fields, FormAuth};
use crate::error::ApiError;
use crate::{Access, AppState};
use aimsgap_assess::{AssessmentResult, RequirementResult, Source, Status};
use aimsgap_catalog::Catalog;
use aimsgap_store::{AssessmentMeta, Role};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::fmt::Write;

/// The tabs of an assessment.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Overview,
    Systems,
    Roadmap,
    Soa,
    Runs,
    History,
    None,
}

const TABS: [(Tab, &str, &str); 6] = [
    (Tab::Overview, "", "Overview"),
    (Tab::Systems, "/systems", "AI systems"),
    (Tab::Roadmap, "/roadmap", "Roadmap"),
    (Tab::Soa, "/soa", "Statement of Applicability"),
    (Tab::Runs, "/runs", "Runs"),
    (Tab::History, "/history", "History"),
];

/// An assessment as a page sees it: who reads it with which role, and where it belongs.
struct Context {
    auth: Auth,
    role: Role,
    meta: AssessmentMeta,
    org_name: String,
}

impl Context {
    fn base(&self) -> String {
        format!("/assessments/{}", self.meta.id)
    }

    fn crumbs(&self) -> Vec<Crumb> {
        vec![
            ("/orgs".to_string(), "Your organisations".to_string()),
            (format!("/orgs/{}", self.meta.org_id), self.org_name.clone()),
            (self.base(), self.meta.name.clone()),
        ]
    }

    /// The whole page: breadcrumbs, the assessment's tabs, and `content` (which holds the h1).
    fn page(&self, tab: Tab, title: &str, content: &str) -> String {
        let mut body = String::from("<nav class=\"tabs\" aria-label=\"Assessment\"><ul>");
        for (which, suffix, name) in TABS {
            let _ = write!(
                body,
                "<li><a href=\"{}{suffix}\"{}>{name}</a></li>",
                e(&self.base()),
                if which == tab {
                    " aria-current=\"page\""
                } else {
                    ""
                }
            );
        }
        body.push_str("</ul></nav>");
        body.push_str(content);
        page(
            &format!("{title} · {}", self.meta.name),
            Some(&self.auth),
            &self.crumbs(),
            &body,
        )
    }
}

async fn context(state: &AppState, auth: Auth, id: &str, access: Access) -> PageResult<Context> {
    let (org, _) = api::assessment_access(state, &auth, id, access).await?;
    let role = api::org_role(state, &auth, &org).await?;
    let meta = state
        .store
        .assessment_meta(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let org_name = state
        .store
        .organization(&org)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok(Context {
        auth,
        role,
        meta,
        org_name,
    })
}

/// Names of the organisation's members by user id, for "who changed this".
async fn names(state: &AppState, org: &str) -> PageResult<HashMap<String, String>> {
    Ok(state
        .store
        .members(org)
        .await?
        .into_iter()
        .map(|m| (m.user.id, m.user.name))
        .collect())
}

/// Where a requirement's credit comes from, in a few words.
fn source_summary(catalog: &Catalog, requirement: &RequirementResult) -> String {
    let mut parts = Vec::new();
    for source in &requirement.sources {
        match source {
            Source::Answer {
                from,
                status,
                best_evidence,
                stale,
                ..
            } => parts.push(format!(
                "answer{}: {}, {}{}",
                if *from == requirement.id {
                    String::new()
                } else {
                    format!(" on {from}")
                },
                status.as_str().replace('_', " "),
                best_evidence.map_or("no evidence".to_string(), |k| k.as_str().replace('_', " ")),
                if *stale { " (stale)" } else { "" }
            )),
            Source::Inherited {
                framework, edges, ..
            } => {
                let sources: Vec<&str> = edges.iter().take(3).map(|e| e.source.as_str()).collect();
                parts.push(format!(
                    "inherited from {} via {}{}",
                    framework_label(catalog, framework),
                    sources.join(", "),
                    if edges.len() > 3 {
                        format!(" and {} more", edges.len() - 3)
                    } else {
                        String::new()
                    }
                ));
            }
        }
    }
    if parts.is_empty() {
        "no answer; no certification reaches it".to_string()
    } else {
        parts.join("; ")
    }
}

fn report_formats() -> Vec<(&'static str, &'static str)> {
    let mut list = vec![("html", "HTML report")];
    if cfg!(feature = "pdf") {
        list.push(("pdf", "PDF summary"));
    }
    list.extend([
        ("xlsx", "Excel workbook"),
        ("md", "Markdown"),
        ("csv", "Requirements (CSV)"),
        ("json", "Result (JSON)"),
        ("oscal", "OSCAL assessment results"),
    ]);
    list
}

async fn computed(state: &AppState, id: &str) -> PageResult<AssessmentResult> {
    Ok(api::compute(state, id).await?.0)
}

pub async fn overview(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let result = computed(&state, &id).await?;
    let catalog = &state.catalog;
    let show_open = query.iter().any(|(k, v)| k == "show" && v == "open");
    let mut content = format!(
        "<h1>{}</h1><p class=\"muted\">{} · as of {} · your role: {}</p>",
        e(&ctx.meta.name),
        e(&ctx.org_name),
        result.as_of,
        ctx.role.as_str()
    );
    content.push_str(&result_summary(catalog, &result));

    content.push_str("<h2 id=\"groups\">Readiness per clause and Annex A objective</h2><p class=\"small\">Bars show the point estimate; the thin band shows the range from the evidence-backed low end to the claimed high end.</p>");
    content.push_str(&aimsgap_report::html::readiness_chart(&result.groups));

    if ctx.role != Role::Viewer {
        content.push_str("<h2 id=\"downloads\">Download reports</h2><ul>");
        for (format, name) in report_formats() {
            let _ = write!(
                content,
                "<li><a href=\"/api/v1/assessments/{}/reports/{format}\">{name}</a></li>",
                e(&id)
            );
        }
        content.push_str("</ul>");
    }

    content.push_str("<h2 id=\"requirements\">Requirements</h2>");
    let _ = write!(
        content,
        "<form method=\"get\" action=\"/assessments/{}#requirements\">{}<div class=\"actions\"><button type=\"submit\" class=\"secondary\">Show</button></div></form>",
        e(&id),
        select(
            "show",
            "Which requirements",
            &[
                ("all".to_string(), "All requirements".to_string()),
                (
                    "open".to_string(),
                    "Only those not met (gaps, partial, unknown)".to_string()
                ),
            ],
            if show_open { "open" } else { "all" }
        )
    );
    let mut rows = String::new();
    let mut shown = 0;
    for requirement in &result.requirements {
        if show_open && matches!(requirement.status, Status::Met | Status::NotApplicable) {
            continue;
        }
        shown += 1;
        let _ = write!(
            rows,
            "<tr><td><a href=\"/assessments/{}/requirements/{}\">{}</a> {}</td><td>{}</td><td class=\"num\">{} <span class=\"small\">({} to {})</span></td><td class=\"small\">{}</td></tr>",
            e(&id),
            e(&requirement.id),
            e(&requirement.id),
            e(&requirement.title),
            status_badge(requirement.status),
            pct(requirement.credit.point),
            pct(requirement.credit.lo),
            pct(requirement.credit.hi),
            e(&source_summary(catalog, requirement))
        );
    }
    let _ = write!(
        content,
        "<p class=\"muted\">{shown} of {} requirements.</p>",
        result.requirements.len()
    );
    content.push_str(&table(
        "Requirements",
        &["Requirement", "Status", "#Credit", "Sources"],
        &rows,
    ));
    Ok(html(
        StatusCode::OK,
        ctx.page(Tab::Overview, "Overview", &content),
    ))
}

// ---- the answer of one requirement -------------------------------------------------------

const STATUSES: [(&str, &str); 6] = [
    ("", "No answer (remove it)"),
    ("implemented", "Implemented"),
    ("partial", "Partly implemented"),
    ("planned", "Planned"),
    ("not_implemented", "Not implemented"),
    (
        "not_applicable",
        "Not applicable (Annex A controls only, with a justification)",
    ),
];

const KINDS: [(&str, &str); 5] = [
    ("approved_document", "Approved document"),
    ("operating_record", "Operating record"),
    ("audit_report", "Audit report"),
    ("draft", "Draft"),
    ("template", "Template"),
];

/// Rows of evidence the form offers at most.
const MAX_EVIDENCE: usize = 10;

/// The answer form's values: what is stored, or what was posted.
#[derive(Clone, Debug, Default, PartialEq)]
struct AnswerForm {
    status: String,
    maturity: String,
    owner: String,
    evidence: Vec<(String, String, String)>,
    justification: String,
    notes: String,
}

fn text(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

impl AnswerForm {
    fn from_value(value: Option<&Value>) -> AnswerForm {
        let Some(value) = value else {
            return AnswerForm::default();
        };
        AnswerForm {
            status: text(value, "status"),
            maturity: text(value, "maturity"),
            owner: text(value, "owner"),
            evidence: value
                .get("evidence")
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .map(|item| (text(item, "ref"), text(item, "kind"), text(item, "date")))
                        .collect()
                })
                .unwrap_or_default(),
            justification: text(value, "justification"),
            notes: text(value, "notes"),
        }
    }

    fn from_fields(fields: &Fields) -> AnswerForm {
        let get = |name: &str| fields.get(name).unwrap_or("").to_string();
        AnswerForm {
            status: get("status"),
            maturity: get("maturity"),
            owner: get("owner"),
            evidence: (0..MAX_EVIDENCE)
                .map(|i| {
                    (
                        get(&format!("ev{i}_ref")),
                        get(&format!("ev{i}_kind")),
                        get(&format!("ev{i}_date")),
                    )
                })
                .filter(|(reference, _, _)| !reference.is_empty())
                .collect(),
            justification: get("justification"),
            notes: get("notes"),
        }
    }

    /// The answer as stored (an assessment file's answer), or `None` to remove it.
    fn to_value(&self) -> Result<Option<Value>, ApiError> {
        if self.status.is_empty() {
            return Ok(None);
        }
        let mut answer = serde_json::Map::new();
        answer.insert("status".into(), json!(self.status));
        if !self.maturity.is_empty() {
            let maturity = self
                .maturity
                .parse::<u8>()
                .ok()
                .filter(|m| *m <= 5)
                .ok_or_else(|| ApiError::BadRequest("Maturity is a number from 0 to 5.".into()))?;
            answer.insert("maturity".into(), json!(maturity));
        }
        if !self.owner.is_empty() {
            answer.insert("owner".into(), json!(self.owner));
        }
        if !self.evidence.is_empty() {
            let items: Vec<Value> = self
                .evidence
                .iter()
                .map(|(reference, kind, date)| {
                    let mut item = json!({"ref": reference, "kind": kind});
                    if !date.is_empty()
                        && let Some(map) = item.as_object_mut()
                    {
                        map.insert("date".into(), json!(date));
                    }
                    item
                })
                .collect();
            answer.insert("evidence".into(), Value::Array(items));
        }
        if !self.justification.is_empty() {
            answer.insert("justification".into(), json!(self.justification));
        }
        if !self.notes.is_empty() {
            answer.insert("notes".into(), json!(self.notes));
        }
        Ok(Some(Value::Object(answer)))
    }
}

fn options(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(v, t)| ((*v).to_string(), (*t).to_string()))
        .collect()
}

fn answer_text(value: Option<&Value>) -> String {
    let form = AnswerForm::from_value(value);
    if form.status.is_empty() {
        return "no answer".to_string();
    }
    let mut out = form.status.replace('_', " ");
    if !form.maturity.is_empty() {
        let _ = write!(out, ", maturity {}", form.maturity);
    }
    if !form.owner.is_empty() {
        let _ = write!(out, ", owner {}", form.owner);
    }
    for (reference, kind, date) in &form.evidence {
        let _ = write!(
            out,
            "; evidence {reference} ({}{})",
            kind.replace('_', " "),
            if date.is_empty() {
                String::new()
            } else {
                format!(", {date}")
            }
        );
    }
    out
}

/// How the requirement page is being shown.
struct Outcome<'a> {
    status: StatusCode,
    form: Option<AnswerForm>,
    version: Option<i64>,
    saved: bool,
    problem: Option<&'a str>,
    /// The value someone else saved first: (its JSON, version, when, by whom).
    conflict: Option<&'a Value>,
}

async fn requirement_page(
    state: &AppState,
    ctx: &Context,
    requirement_id: &str,
    outcome: Outcome<'_>,
) -> PageResult<Response> {
    let catalog = &state.catalog;
    let iso = catalog
        .framework(aimsgap_assess::TARGET)
        .ok_or_else(|| ApiError::Internal("the catalog has no ISO/IEC 42001".into()))?;
    let node = iso.get(requirement_id).ok_or(ApiError::NotFound)?;
    let (result, assessment) = api::compute(state, &ctx.meta.id).await?;
    let stored = state.store.answer(&ctx.meta.id, requirement_id).await?;
    let who = names(state, &ctx.meta.org_id).await?;
    let base = ctx.base();

    let mut content = format!(
        "<h1>{} {}</h1><p>{}</p>",
        e(&node.id),
        e(&node.title),
        e(&node.summary)
    );
    if node.documented {
        content.push_str("<p class=\"muted\">This requirement demands documented information.</p>");
    }
    if outcome.saved {
        content.push_str(
            "<div class=\"notice good\" role=\"status\"><p>Saved. Readiness below is recomputed.</p></div>",
        );
    }
    if let Some(current) = outcome.conflict {
        let by = match current.get("updated_by").and_then(Value::as_str) {
            Some(id) if id == ctx.auth.user.id => "You, in another window or session,".to_string(),
            Some(id) => who.get(id).cloned().unwrap_or_else(|| id.to_string()),
            None => "Someone".to_string(),
        };
        let _ = write!(
            content,
            "<div class=\"notice bad\" role=\"alert\"><h2>This answer changed while you were editing</h2>\
             <p>{} saved version {} at {}. <strong>Your changes were not saved.</strong></p>\
             <p>Their answer now: {}</p>\
             <p>The form below still holds your values. Save it again to replace their answer, or reload the page to start from theirs.</p></div>",
            e(&by),
            current.get("version").and_then(Value::as_i64).unwrap_or(0),
            e(&when(
                current
                    .get("updated_at")
                    .and_then(Value::as_str)
                    .unwrap_or("")
            )),
            e(&answer_text(current.get("value")))
        );
    }
    if let Some(problem) = outcome.problem {
        let _ = write!(
            content,
            "<div class=\"notice bad\" role=\"alert\"><p>The answer was not saved:</p><pre class=\"explain\">{}</pre></div>",
            e(problem)
        );
    }

    let judged = result.requirements.iter().find(|r| r.id == requirement_id);
    content.push_str("<h2>Where it stands</h2>");
    match judged {
        Some(judged) => {
            let _ = write!(
                content,
                "<p>Status {} · credit {} (range {} to {}) · overall readiness {:.1} (range {:.1} to {:.1})</p>",
                status_badge(judged.status),
                pct(judged.credit.point),
                pct(judged.credit.lo),
                pct(judged.credit.hi),
                result.readiness.point,
                result.readiness.lo,
                result.readiness.hi
            );
            let _ = write!(
                content,
                "<p class=\"small\">Sources: {}</p>",
                e(&source_summary(catalog, judged))
            );
            if let Some(explanation) = aimsgap_assess::explain(catalog, &result, requirement_id) {
                let _ = write!(
                    content,
                    "<details><summary>How this was derived</summary><pre class=\"explain\">{}</pre></details>",
                    e(&explanation)
                );
            }
        }
        None => {
            let children: Vec<String> = result
                .requirements
                .iter()
                .filter(|r| {
                    r.id.strip_prefix(requirement_id)
                        .is_some_and(|rest| rest.starts_with('.'))
                })
                .map(|r| {
                    format!(
                        "<li><a href=\"{}/requirements/{}\">{}</a> {} {}</li>",
                        e(&base),
                        e(&r.id),
                        e(&r.id),
                        e(&r.title),
                        status_badge(r.status)
                    )
                })
                .collect();
            let _ = write!(
                content,
                "<p>A group: an answer here applies to each requirement beneath it that has no answer of its own.</p><ul>{}</ul>",
                children.join("")
            );
        }
    }

    content.push_str("<h2>The answer</h2>");
    if stored.value.is_some() {
        let _ = write!(
            content,
            "<p>Version {}, saved {} by {}: {}</p>",
            stored.version,
            e(&when(stored.updated_at.as_deref().unwrap_or(""))),
            e(&stored
                .updated_by
                .as_deref()
                .map(|id| who.get(id).cloned().unwrap_or_else(|| id.to_string()))
                .unwrap_or_default()),
            e(&answer_text(stored.value.as_ref()))
        );
    } else if let Some(governing) =
        aimsgap_assess::governing_answer(iso, &assessment.answers, requirement_id)
    {
        let _ = write!(
            content,
            "<p>No answer of its own: the answer on <a href=\"{}/requirements/{}\">{}</a> ({}) applies.</p>",
            e(&base),
            e(&governing.id),
            e(&governing.id),
            governing.status.as_str().replace('_', " ")
        );
    } else {
        content.push_str("<p>No answer yet.</p>");
    }

    if ctx.role.can_edit() {
        let form = outcome
            .form
            .unwrap_or_else(|| AnswerForm::from_value(stored.value.as_ref()));
        let version = outcome.version.unwrap_or(stored.version);
        content.push_str(&answer_form(
            &base,
            requirement_id,
            &ctx.auth,
            &form,
            version,
        ));
    } else {
        content.push_str("<p class=\"notice\">You can read this assessment. Only owners and editors change answers.</p>");
    }
    Ok(html(
        outcome.status,
        ctx.page(Tab::None, &format!("{} {}", node.id, node.title), &content),
    ))
}

fn answer_form(base: &str, id: &str, auth: &Auth, form: &AnswerForm, version: i64) -> String {
    let mut html = format!(
        "<form class=\"stack wide\" method=\"post\" action=\"{}/requirements/{}\">{}{}",
        e(base),
        e(id),
        csrf_field(auth),
        hidden("version", &version.to_string())
    );
    html.push_str(&select(
        "status",
        "Status",
        &options(&STATUSES),
        &form.status,
    ));
    let mut maturity = vec![("".to_string(), "Not stated".to_string())];
    maturity.extend(
        [
            "0 none",
            "1 ad hoc",
            "2 repeatable",
            "3 defined",
            "4 measured",
            "5 optimised",
        ]
        .iter()
        .map(|label| {
            (
                label.get(..1).unwrap_or("").to_string(),
                (*label).to_string(),
            )
        }),
    );
    html.push_str(&select("maturity", "Maturity", &maturity, &form.maturity));
    html.push_str(&input(
        "text",
        "owner",
        "Owner",
        &form.owner,
        " maxlength=\"200\"",
    ));
    html.push_str("<fieldset><legend>Evidence</legend><span class=\"hint\">A reference to a document or record (file name, link, ticket). Clear a reference to remove that evidence.</span>");
    let rows = (form.evidence.len() + 1).min(MAX_EVIDENCE);
    for i in 0..rows {
        let (reference, kind, date) = form.evidence.get(i).cloned().unwrap_or_default();
        let kind = if kind.is_empty() {
            "approved_document".to_string()
        } else {
            kind
        };
        let _ = write!(
            html,
            "<div class=\"evidence-row\">{}{}{}</div>",
            input(
                "text",
                &format!("ev{i}_ref"),
                &format!("Evidence {} reference", i + 1),
                &reference,
                " maxlength=\"500\""
            ),
            select(
                &format!("ev{i}_kind"),
                &format!("Evidence {} kind", i + 1),
                &options(&KINDS),
                &kind
            ),
            input(
                "date",
                &format!("ev{i}_date"),
                &format!("Evidence {} date", i + 1),
                &date,
                ""
            )
        );
    }
    html.push_str("</fieldset>");
    let _ = write!(
        html,
        "<div class=\"field\"><label for=\"f-justification\">Justification <span class=\"hint\">Required to exclude an Annex A control.</span></label><textarea id=\"f-justification\" name=\"justification\" style=\"min-height:5em\">{}</textarea></div>\
         <div class=\"field\"><label for=\"f-notes\">Notes</label><textarea id=\"f-notes\" name=\"notes\" style=\"min-height:5em\">{}</textarea></div>\
         <div class=\"actions\"><button type=\"submit\">Save the answer</button></div></form>",
        e(&form.justification),
        e(&form.notes)
    );
    html
}

pub async fn requirement(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path((id, requirement)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    requirement_page(
        &state,
        &ctx,
        &requirement,
        Outcome {
            status: StatusCode::OK,
            form: None,
            version: None,
            saved: query.iter().any(|(k, v)| k == "saved" && v == "1"),
            problem: None,
            conflict: None,
        },
    )
    .await
}

pub async fn save_answer(
    State(state): State<AppState>,
    Path((id, requirement)): Path<(String, String)>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let ctx = context(&state, auth, &id, Access::Edit).await?;
    if state
        .catalog
        .framework(aimsgap_assess::TARGET)
        .and_then(|iso| iso.get(&requirement))
        .is_none()
    {
        return Err(ApiError::NotFound.into());
    }
    let version = fields
        .get("version")
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| ApiError::BadRequest("the form lacks the version it read".into()))?;
    let form = AnswerForm::from_fields(&fields);
    let saved = match form.to_value() {
        Ok(answer) => {
            api::save_answer(
                &state,
                &ctx.auth,
                &id,
                &requirement,
                answer.as_ref(),
                version,
            )
            .await
        }
        Err(error) => Err(error),
    };
    match saved {
        Ok(_) => Ok(see_other(&format!(
            "/assessments/{id}/requirements/{requirement}?saved=1"
        ))),
        Err(ApiError::Conflict(current)) => {
            let version = current.get("version").and_then(Value::as_i64);
            requirement_page(
                &state,
                &ctx,
                &requirement,
                Outcome {
                    status: StatusCode::CONFLICT,
                    form: Some(form),
                    version,
                    saved: false,
                    problem: None,
                    conflict: Some(&current),
                },
            )
            .await
        }
        Err(error @ (ApiError::Invalid(_) | ApiError::BadRequest(_))) => {
            let message = error.to_string();
            requirement_page(
                &state,
                &ctx,
                &requirement,
                Outcome {
                    status: error.status(),
                    form: Some(form),
                    version: Some(version),
                    saved: false,
                    problem: Some(&message),
                    conflict: None,
                },
            )
            .await
        }
        Err(other) => Err(PageError::from(other)),
    }
}

// ---- inventory, history, runs, SoA, roadmap ----------------------------------------------

pub async fn systems(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let (result, assessment) = api::compute(&state, &id).await?;
    let catalog = &state.catalog;
    let mut content = String::from("<h1>AI system inventory</h1>");
    if assessment.ai_systems.is_empty() {
        content.push_str("<p>No AI system is listed in this assessment.</p>");
    } else {
        let mut rows = String::new();
        for system in &assessment.ai_systems {
            let classes: Vec<String> = result
                .obligations
                .iter()
                .filter(|o| o.system == system.id)
                .map(|o| {
                    format!(
                        "{}: {}",
                        framework_label(catalog, &o.law),
                        o.classification.as_str().replace('_', " ")
                    )
                })
                .collect();
            let mut facts = Vec::new();
            if system.interacts_with_natural_persons {
                facts.push("interacts with people".to_string());
            }
            if system.generates_synthetic_content {
                facts.push("generates content".to_string());
            }
            if let Some(area) = &system.annex_iii_area {
                facts.push(format!("Annex III area: {}", area.replace('_', " ")));
            }
            if !system.consequential_decisions.is_empty() {
                facts.push(format!(
                    "consequential decisions: {}",
                    system.consequential_decisions.join(", ").replace('_', " ")
                ));
            }
            if system.gpai_model {
                facts.push("general-purpose AI model".to_string());
            }
            let _ = write!(
                rows,
                "<tr><td><strong>{}</strong><br><span class=\"small\">{}</span></td><td>{}</td><td>{}</td><td class=\"small\">{}</td><td>{}</td></tr>",
                e(&system.name),
                e(&system.id),
                e(system.role.map_or("not stated", |r| r.as_str())),
                e(&system.markets.join(", ")),
                e(&facts.join("; ")),
                e(&classes.join("; "))
            );
        }
        content.push_str(&table(
            "AI systems",
            &["System", "Role", "Markets", "Facts", "Classification"],
            &rows,
        ));
    }
    content.push_str("<h2>Obligations and their dates</h2>");
    content.push_str(&obligations(catalog, &result));
    Ok(html(
        StatusCode::OK,
        ctx.page(Tab::Systems, "AI systems", &content),
    ))
}

/// A stored value in a few words: an answer's status, or "set".
fn brief(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "nothing".to_string(),
        Some(v) => match v.get("status").and_then(Value::as_str) {
            Some(status) => status.replace('_', " "),
            None => match v.get("name").and_then(Value::as_str) {
                Some(name) => name.to_string(),
                None => "a value".to_string(),
            },
        },
    }
}

pub async fn history(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let entries = state.store.history(&id).await?;
    let who = names(&state, &ctx.meta.org_id).await?;
    let mut rows = String::new();
    for entry in entries.iter().rev() {
        let what = match entry.entity.as_str() {
            "assessment" => "imported the assessment".to_string(),
            "answer" => format!(
                "answer on {}: {} → {}",
                entry.key,
                brief(entry.old.as_ref()),
                brief(entry.new.as_ref())
            ),
            "ai_system" => format!(
                "AI system {}: {} → {}",
                entry.key,
                brief(entry.old.as_ref()),
                brief(entry.new.as_ref())
            ),
            other => format!("{} {}", other.replace('_', " "), entry.key),
        };
        let link = if entry.entity == "answer" {
            format!(
                "<a href=\"/assessments/{}/requirements/{}\">{}</a>",
                e(&id),
                e(&entry.key),
                e(&what)
            )
        } else {
            e(&what)
        };
        let _ = write!(
            rows,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{link}</td></tr>",
            e(&when(&entry.at)),
            e(&who
                .get(&entry.actor)
                .cloned()
                .unwrap_or_else(|| entry.actor.clone())),
        );
    }
    let content = format!(
        "<h1>History</h1><p>Every change, newest first. History is append-only.</p>{}",
        table("History", &["When", "Who", "What"], &rows)
    );
    Ok(html(
        StatusCode::OK,
        ctx.page(Tab::History, "History", &content),
    ))
}

pub async fn runs(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let runs = state.store.runs(&id).await?;
    let who = names(&state, &ctx.meta.org_id).await?;
    let mut content = String::from(
        "<h1>Runs</h1><p>A run keeps the result of a moment, so that later results can be compared with it.</p>",
    );
    if ctx.role.can_edit() {
        let _ = write!(
            content,
            "<form method=\"post\" action=\"/assessments/{}/runs\">{}<div class=\"actions\"><button type=\"submit\">Save a run now</button></div></form>",
            e(&id),
            csrf_field(&ctx.auth)
        );
    }
    if runs.is_empty() {
        content.push_str("<p>No run saved yet.</p>");
    } else {
        let mut rows = String::new();
        for run in &runs {
            let _ = write!(
                rows,
                "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{:.1}</td></tr>",
                e(&when(&run.at)),
                e(&who
                    .get(&run.created_by)
                    .cloned()
                    .unwrap_or_else(|| run.created_by.clone())),
                run.readiness
            );
        }
        content.push_str(&table("Saved runs", &["When", "By", "#Readiness"], &rows));
    }
    if runs.len() >= 2 {
        content.push_str("<h2>Compare two runs</h2>");
        content.push_str(&compare_form(&id, &runs, None, None));
    }
    Ok(html(StatusCode::OK, ctx.page(Tab::Runs, "Runs", &content)))
}

fn compare_form(
    id: &str,
    runs: &[aimsgap_store::Run],
    old: Option<&str>,
    new: Option<&str>,
) -> String {
    let choices: Vec<(String, String)> = runs
        .iter()
        .map(|r| {
            (
                r.id.clone(),
                format!("{} (readiness {:.1})", when(&r.at), r.readiness),
            )
        })
        .collect();
    let newest = runs.first().map(|r| r.id.as_str()).unwrap_or("");
    let previous = runs.get(1).map_or(newest, |r| r.id.as_str());
    format!(
        "<form class=\"stack\" method=\"get\" action=\"/assessments/{}/runs/compare\">{}{}<div class=\"actions\"><button type=\"submit\">Compare</button></div></form>",
        e(id),
        select("old", "Earlier run", &choices, old.unwrap_or(previous)),
        select("new", "Later run", &choices, new.unwrap_or(newest))
    )
}

pub async fn save_run(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, .. } = form?;
    let ctx = context(&state, auth, &id, Access::Edit).await?;
    let (result, _) = api::compute(&state, &id).await?;
    let value = aimsgap_report::json::to_value(&result);
    state
        .store
        .save_run(&id, &ctx.auth.user.id, result.readiness.point, &value)
        .await?;
    Ok(see_other(&format!("/assessments/{id}/runs")))
}

pub async fn compare(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let runs = state.store.runs(&id).await?;
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let mut content = String::from("<h1>Compare two runs</h1>");
    let (Some(old_id), Some(new_id)) = (param("old"), param("new")) else {
        if runs.len() < 2 {
            content.push_str("<p>Save at least two runs to compare them.</p>");
        } else {
            content.push_str(&compare_form(&id, &runs, None, None));
        }
        return Ok(html(
            StatusCode::OK,
            ctx.page(Tab::Runs, "Compare runs", &content),
        ));
    };
    let load = |run: Option<aimsgap_store::Run>| run.and_then(|r| r.result);
    let old = load(state.store.run(&id, old_id).await?).ok_or(ApiError::NotFound)?;
    let new = load(state.store.run(&id, new_id).await?).ok_or(ApiError::NotFound)?;
    let diff = aimsgap_report::diff::diff_values(&old, &new)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    content.push_str(&compare_form(&id, &runs, Some(old_id), Some(new_id)));
    let (point, lo, hi) = (diff.readiness[0], diff.readiness[1], diff.readiness[2]);
    let _ = write!(
        content,
        "<h2>Readiness</h2><p>{:.1} → {:.1} ({:+.1}); range {:.1}–{:.1} → {:.1}–{:.1}. Judged on {} and {}.</p>",
        point.0,
        point.1,
        point.1 - point.0,
        lo.0,
        hi.0,
        lo.1,
        hi.1,
        e(&diff.old_as_of),
        e(&diff.new_as_of)
    );
    if diff.ready_for_stage1.0 != diff.ready_for_stage1.1 {
        let _ = write!(
            content,
            "<p class=\"notice\">The Stage 1 verdict changed: {} → {}.</p>",
            if diff.ready_for_stage1.0 {
                "ready"
            } else {
                "not ready"
            },
            if diff.ready_for_stage1.1 {
                "ready"
            } else {
                "not ready"
            }
        );
    }
    content.push_str("<h2>Requirements that moved</h2>");
    if diff.status_changes.is_empty() {
        content.push_str("<p>No requirement changed status or credit.</p>");
    } else {
        let mut rows = String::new();
        for change in &diff.status_changes {
            let _ = write!(
                rows,
                "<tr><td><a href=\"/assessments/{}/requirements/{}\">{}</a> {}</td><td>{} → {}</td><td class=\"num\">{} → {}</td></tr>",
                e(&id),
                e(&change.id),
                e(&change.id),
                e(&change.title),
                e(&change.old.replace('_', " ")),
                e(&change.new.replace('_', " ")),
                pct(change.old_credit),
                pct(change.new_credit)
            );
        }
        content.push_str(&table(
            "Requirements that moved",
            &["Requirement", "Status", "#Credit"],
            &rows,
        ));
    }
    for (title, list) in [
        ("Gaps opened", &diff.gaps_opened),
        ("Gaps closed", &diff.gaps_closed),
    ] {
        let _ = write!(content, "<h2>{title}</h2>");
        if list.is_empty() {
            content.push_str("<p>None.</p>");
        } else {
            content.push_str("<ul>");
            for (gap, name) in list {
                let _ = write!(content, "<li>{} {}</li>", e(gap), e(name));
            }
            content.push_str("</ul>");
        }
    }
    content.push_str("<h2>Obligations that changed state</h2>");
    if diff.obligations.is_empty() {
        content.push_str("<p>None.</p>");
    } else {
        let mut rows = String::new();
        for change in &diff.obligations {
            let _ = write!(
                rows,
                "<tr><td>{}</td><td>{} {}</td><td>{} → {}</td></tr>",
                e(&change.system),
                e(&change.reference),
                e(&change.law),
                e(change.old.as_deref().unwrap_or("none")),
                e(change.new.as_deref().unwrap_or("none"))
            );
        }
        content.push_str(&table(
            "Obligations that changed",
            &["System", "Obligation", "State"],
            &rows,
        ));
    }
    Ok(html(
        StatusCode::OK,
        ctx.page(Tab::Runs, "Compare runs", &content),
    ))
}

pub async fn soa(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let result = computed(&state, &id).await?;
    let mut rows = String::new();
    for entry in &result.soa {
        let evidence: Vec<String> = entry
            .evidence
            .iter()
            .map(|(reference, kind, date)| {
                format!(
                    "{} ({}{})",
                    reference,
                    kind.as_str().replace('_', " "),
                    date.map(|d| format!(", {d}")).unwrap_or_default()
                )
            })
            .collect();
        let _ = write!(
            rows,
            "<tr><td><a href=\"/assessments/{}/requirements/{}\">{}</a> {}</td><td>{}</td><td class=\"small\">{}</td><td>{}</td><td>{}</td><td class=\"small\">{}</td></tr>",
            e(&id),
            e(&entry.control),
            e(&entry.control),
            e(&entry.title),
            if entry.included { "yes" } else { "no" },
            e(&entry.justification),
            status_badge(entry.status),
            e(entry.owner.as_deref().unwrap_or("")),
            e(&evidence.join("; "))
        );
    }
    let included = result.soa.iter().filter(|s| s.included).count();
    let content = format!(
        "<h1>Statement of Applicability</h1><p>{included} of {} Annex A controls included.</p>{}",
        result.soa.len(),
        table(
            "Statement of Applicability",
            &[
                "Control",
                "Included",
                "Justification",
                "Status",
                "Owner",
                "Evidence"
            ],
            &rows
        )
    );
    Ok(html(
        StatusCode::OK,
        ctx.page(Tab::Soa, "Statement of Applicability", &content),
    ))
}

pub async fn roadmap(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let result = computed(&state, &id).await?;
    let roadmap = &result.roadmap;
    let mut content = format!(
        "<h1>Roadmap to certification</h1><p>{} tasks, {:.1} person-days. Stage 1 audit {}, Stage 2 audit {}.</p>",
        roadmap.tasks.len(),
        roadmap.total_effort_days,
        roadmap.stage1_date,
        roadmap.stage2_date
    );
    content.push_str(&aimsgap_report::html::roadmap_chart(roadmap, result.as_of));
    content.push_str("<h2>Tasks</h2>");
    let mut rows = String::new();
    for task in &roadmap.tasks {
        let _ = write!(
            rows,
            "<tr><td><a href=\"/assessments/{}/requirements/{}\">{}</a></td><td>{}</td><td>{}</td><td class=\"num\">{:.1}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            e(&id),
            e(&task.requirement),
            e(&task.requirement),
            e(&task.title),
            e(&task.phase.as_str().replace('_', " ")),
            task.effort_days,
            task.start,
            task.end
        );
    }
    content.push_str(&table(
        "Roadmap tasks",
        &["Requirement", "Task", "Phase", "#Days", "#Start", "#End"],
        &rows,
    ));
    Ok(html(
        StatusCode::OK,
        ctx.page(Tab::Roadmap, "Roadmap", &content),
    ))
}
