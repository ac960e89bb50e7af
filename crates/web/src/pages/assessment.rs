//! One stored assessment: its overview and requirements, the answer form of a requirement
//! (optimistic concurrency: the form carries the version it read), the AI system inventory,
//! history, runs and their comparison, the SoA and the roadmap. Viewers and auditors get the
//! same pages without any form that changes something.

use super::layout::{
    Badge, Choice, Crumb, Frame, choices, framework_label, pct, render, see_other, when,
};
use super::summary::{self, Summary, SystemObligations};
use super::{PageError, PageResult, Signed};
use crate::api;
use crate::auth::{Auth, Fields, FormAuth};
use crate::cache::Computed;
use crate::error::{ApiError, FormField, Problem};
use crate::{Access, AppState};
use aimsgap_assess::{AssessmentResult, RequirementResult, Source, Status};
use aimsgap_catalog::{Catalog, Date};
use aimsgap_store::{AssessmentMeta, Role};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

/// The tabs of an assessment.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Tab {
    Overview,
    Systems,
    Roadmap,
    Soa,
    Runs,
    History,
    None,
    Drafts,
    Profile,
    Dashboard,
    Register,
    Evidence,
}

const TABS: [(Tab, &str, &str); 11] = [
    (Tab::Dashboard, "/dashboard", "Dashboard"),
    (Tab::Overview, "", "Overview"),
    (Tab::Systems, "/systems", "AI systems"),
    (Tab::Register, "/register", "Gap register"),
    (Tab::Roadmap, "/roadmap", "Roadmap"),
    (Tab::Soa, "/soa", "Statement of Applicability"),
    (Tab::Drafts, "/drafts", "Drafts"),
    (Tab::Runs, "/runs", "Runs"),
    (Tab::History, "/history", "History"),
    (Tab::Profile, "/profile", "Profile"),
    (Tab::Evidence, "/evidence", "Evidence"),
];

/// One tab of `templates/assessment/base.html`.
#[derive(Debug)]
pub(super) struct TabLink {
    pub(super) href: String,
    pub(super) name: &'static str,
    pub(super) current: bool,
}

/// An assessment as a page sees it: who reads it with which role, and where it belongs.
pub(super) struct Context {
    pub(super) auth: Auth,
    pub(super) role: Role,
    pub(super) meta: AssessmentMeta,
    pub(super) org_name: String,
}

impl Context {
    pub(super) fn base(&self) -> String {
        format!("/assessments/{}", self.meta.id)
    }

    fn crumbs(&self) -> Vec<Crumb> {
        vec![
            Crumb::new("/orgs", "Your organisations"),
            Crumb::new(format!("/orgs/{}", self.meta.org_id), self.org_name.clone()),
            Crumb::new(self.base(), self.meta.name.clone()),
        ]
    }

    /// The frame of a page (its title names the assessment) and the assessment's tabs.
    pub(super) fn chrome(&self, tab: Tab, title: &str) -> (Frame, Vec<TabLink>) {
        let frame = Frame::new(format!("{title} · {}", self.meta.name), Some(&self.auth))
            .with_crumbs(self.crumbs());
        let base = self.base();
        let tabs = TABS
            .iter()
            .map(|(which, suffix, name)| TabLink {
                href: format!("{base}{suffix}"),
                name,
                current: *which == tab,
            })
            .collect();
        (frame, tabs)
    }
}

pub(super) async fn context(
    state: &AppState,
    auth: Auth,
    id: &str,
    access: Access,
) -> PageResult<Context> {
    // One read gives the organisation and the caller's role.
    let (org, _, role) = crate::policy::assessment_role(state, &auth, id, access).await?;
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
pub(super) async fn names(state: &AppState, org: &str) -> PageResult<HashMap<String, String>> {
    let mut names: HashMap<String, String> = state
        .store
        .members(org)
        .await?
        .into_iter()
        .map(|m| (m.user.id, m.user.name))
        .collect();
    names.insert(
        aimsgap_store::DAILY_RUN_ACTOR.to_string(),
        "daily run".to_string(),
    );
    Ok(names)
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

/// The result and assessment of the assessment's current revision, from the cache the API
/// shares. The revision is read here, not taken from the context, since a page may render
/// right after its own request changed the assessment.
pub(super) async fn computed(state: &AppState, ctx: &Context) -> PageResult<Arc<Computed>> {
    Ok(crate::ops::assessments::latest(state, &ctx.auth, &ctx.meta.id).await?)
}

/// A requirement as the overview lists it.
#[derive(Debug)]
struct RequirementRow {
    id: String,
    title: String,
    status: Badge,
    credit: String,
    lo: String,
    hi: String,
    sources: String,
}

#[derive(Template, Debug)]
#[template(path = "assessment/overview.html")]
struct Overview<'a> {
    frame: Frame,
    tabs: Vec<TabLink>,
    id: &'a str,
    name: &'a str,
    org_name: &'a str,
    as_of: Date,
    role: &'static str,
    summary: Summary,
    obligations: Vec<SystemObligations>,
    /// SVG from the report crate.
    chart: String,
    downloads: Vec<(&'static str, &'static str)>,
    show: Vec<Choice>,
    rows: Vec<RequirementRow>,
    total: usize,
    /// Whether the reader may edit (and so import a workbook).
    can_edit: bool,
    /// How many answers a workbook import just saved, when the page follows one.
    imported: Option<usize>,
}

pub async fn overview(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let values = computed(&state, &ctx).await?;
    let result = &values.result;
    let catalog = &state.catalog;
    let show_open = query.iter().any(|(k, v)| k == "show" && v == "open");
    let (frame, tabs) = ctx.chrome(Tab::Overview, "Overview");
    let view = Overview {
        frame,
        tabs,
        id: &id,
        name: &ctx.meta.name,
        org_name: &ctx.org_name,
        as_of: result.as_of,
        role: ctx.role.as_str(),
        summary: Summary::of(catalog, result).linked(format!("/assessments/{id}")),
        obligations: summary::obligations(catalog, result),
        chart: aimsgap_report::html::readiness_chart(&result.groups),
        downloads: if ctx.role == Role::Viewer {
            Vec::new()
        } else {
            report_formats()
        },
        show: choices(
            &[
                ("all", "All requirements"),
                ("open", "Only those not met (gaps, partial, unknown)"),
            ],
            &[if show_open { "open" } else { "all" }],
        ),
        rows: result
            .requirements
            .iter()
            .filter(|r| !(show_open && matches!(r.status, Status::Met | Status::NotApplicable)))
            .map(|requirement| RequirementRow {
                id: requirement.id.to_string(),
                title: requirement.title.to_string(),
                status: Badge::judged(requirement),
                credit: pct(requirement.credit.point),
                lo: pct(requirement.credit.lo),
                hi: pct(requirement.credit.hi),
                sources: source_summary(catalog, requirement),
            })
            .collect(),
        total: result.requirements.len(),
        can_edit: ctx.role.can_edit(),
        imported: query
            .iter()
            .find(|(k, _)| k == "imported")
            .and_then(|(_, v)| v.parse().ok()),
    };
    Ok(render(StatusCode::OK, &view))
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

/// One piece of evidence of the answer form, as text.
#[derive(Clone, Debug, Default, PartialEq)]
struct EvidenceFields {
    reference: String,
    kind: String,
    date: String,
    review_by: String,
    /// Set when the evidence came from a register or a file; the form carries it unseen, so
    /// saving the answer keeps it.
    sha256: String,
}

/// The answer form's values: what is stored, or what was posted.
#[derive(Clone, Debug, Default, PartialEq)]
struct AnswerForm {
    status: String,
    maturity: String,
    owner: String,
    evidence: Vec<EvidenceFields>,
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
                        .map(|item| EvidenceFields {
                            reference: text(item, "ref"),
                            kind: text(item, "kind"),
                            date: text(item, "date"),
                            review_by: text(item, "review_by"),
                            sha256: text(item, "sha256"),
                        })
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
                .map(|i| EvidenceFields {
                    reference: get(&format!("ev{i}_ref")),
                    kind: get(&format!("ev{i}_kind")),
                    date: get(&format!("ev{i}_date")),
                    review_by: get(&format!("ev{i}_review_by")),
                    sha256: get(&format!("ev{i}_sha256")),
                })
                .filter(|evidence| !evidence.reference.is_empty())
                .collect(),
            justification: get("justification"),
            notes: get("notes"),
        }
    }

    /// The answer as stored (an assessment file's answer), or `None` to remove it.
    fn to_value(&self) -> Result<Option<Value>, Problem> {
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
                .ok_or_else(|| Problem {
                    sentence: "Maturity: choose a level from 0 to 5, or leave it not stated."
                        .into(),
                    field: Some(FormField::new("Maturity", "maturity")),
                })?;
            answer.insert("maturity".into(), json!(maturity));
        }
        if !self.owner.is_empty() {
            answer.insert("owner".into(), json!(self.owner));
        }
        if !self.evidence.is_empty() {
            let items: Vec<Value> = self
                .evidence
                .iter()
                .map(|evidence| {
                    let mut item = serde_json::Map::new();
                    item.insert("ref".into(), json!(evidence.reference));
                    item.insert("kind".into(), json!(evidence.kind));
                    for (key, value) in [
                        ("date", &evidence.date),
                        ("review_by", &evidence.review_by),
                        ("sha256", &evidence.sha256),
                    ] {
                        if !value.is_empty() {
                            item.insert(key.into(), json!(value));
                        }
                    }
                    Value::Object(item)
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
    for evidence in &form.evidence {
        let _ = write!(
            out,
            "; evidence {} ({}{}{})",
            evidence.reference,
            evidence.kind.replace('_', " "),
            if evidence.date.is_empty() {
                String::new()
            } else {
                format!(", {}", evidence.date)
            },
            if evidence.review_by.is_empty() {
                String::new()
            } else {
                format!(", review by {}", evidence.review_by)
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
    problems: Vec<Problem>,
    /// The value someone else saved first: (its JSON, version, when, by whom).
    conflict: Option<&'a Value>,
}

/// Someone else's answer, saved while this user edited.
#[derive(Debug)]
struct Conflict {
    by: String,
    version: i64,
    at: String,
    answer: String,
}

/// How a requirement that is judged itself stands.
#[derive(Debug)]
struct Judged {
    status: Badge,
    credit: String,
    lo: String,
    hi: String,
    sources: String,
    explanation: Option<String>,
}

/// A requirement beneath a group.
#[derive(Debug)]
struct Child {
    id: String,
    title: String,
    status: Badge,
}

#[derive(Debug)]
struct StoredAnswer {
    version: i64,
    at: String,
    by: String,
    text: String,
}

/// One piece of the governing answer's evidence as the engine counted it.
#[derive(Debug)]
struct EvidenceLine {
    reference: String,
    kind: String,
    date: String,
    review_by: String,
    /// The weight it counted for, 0 to 1, with two decimals.
    weight: String,
    /// Why it counts less than its kind is worth, when it does.
    reason: Option<String>,
    /// Its review date is passed or it is otherwise counted less.
    reduced: bool,
}

/// The answer of a group above that applies here.
#[derive(Debug)]
struct Governing {
    id: String,
    status: String,
}

/// One row of evidence in the answer form.
#[derive(Debug)]
struct EvidenceRow {
    index: usize,
    reference: String,
    kinds: Vec<Choice>,
    date: String,
    review_by: String,
    sha256: String,
}

impl EvidenceRow {
    /// The name of one of its fields: `ev0_ref`.
    fn key(&self, field: &str) -> String {
        format!("ev{}_{field}", self.index)
    }

    /// The label of one of its fields: "Evidence 1 reference".
    fn label(&self, what: &str) -> String {
        format!("Evidence {} {what}", self.index + 1)
    }
}

/// The answer form, for owners and editors.
#[derive(Debug)]
struct AnswerFormView {
    csrf: String,
    version: i64,
    statuses: Vec<Choice>,
    maturity: Vec<Choice>,
    owner: String,
    evidence: Vec<EvidenceRow>,
    justification: String,
    notes: String,
}

impl AnswerFormView {
    fn new(auth: &Auth, form: &AnswerForm, version: i64) -> AnswerFormView {
        let maturity_levels = [
            ("", "Not stated"),
            ("0", "0 none"),
            ("1", "1 ad hoc"),
            ("2", "2 repeatable"),
            ("3", "3 defined"),
            ("4", "4 measured"),
            ("5", "5 optimised"),
        ];
        // The stored rows and one empty row to add another.
        let rows = (form.evidence.len() + 1).min(MAX_EVIDENCE);
        AnswerFormView {
            csrf: auth.csrf().to_string(),
            version,
            statuses: choices(&STATUSES, &[form.status.as_str()]),
            maturity: choices(&maturity_levels, &[form.maturity.as_str()]),
            owner: form.owner.clone(),
            evidence: (0..rows)
                .map(|index| {
                    let evidence = form.evidence.get(index).cloned().unwrap_or_default();
                    let kind = if evidence.kind.is_empty() {
                        "approved_document"
                    } else {
                        evidence.kind.as_str()
                    };
                    EvidenceRow {
                        index,
                        kinds: choices(&KINDS, &[kind]),
                        reference: evidence.reference,
                        date: evidence.date,
                        review_by: evidence.review_by,
                        sha256: evidence.sha256,
                    }
                })
                .collect(),
            justification: form.justification.clone(),
            notes: form.notes.clone(),
        }
    }
}

#[derive(Template, Debug)]
#[template(path = "assessment/requirement.html")]
struct RequirementPage<'a> {
    frame: Frame,
    tabs: Vec<TabLink>,
    base: String,
    id: &'a str,
    title: &'a str,
    summary: &'a str,
    documented: bool,
    saved: bool,
    conflict: Option<Conflict>,
    /// What the form sent that was refused, as sentences linked to their fields.
    problems: Vec<Problem>,
    problems_lead: &'static str,
    judged: Option<Judged>,
    children: Vec<Child>,
    /// Overall readiness: point, low, high.
    readiness: (f64, f64, f64),
    stored: Option<StoredAnswer>,
    governing: Option<Governing>,
    /// The governing answer's evidence as the engine counted it.
    evidence: Vec<EvidenceLine>,
    /// The notes written with the governing answer.
    answer_notes: Option<String>,
    /// Items of the evidence register linked to it, to a group above it or beneath it.
    register: Vec<super::evidence::Linked>,
    form: Option<AnswerFormView>,
    /// Owner, due date, state and comments (`templates/tasks/panel.html`).
    work: super::work::WorkPanel,
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
    let values = computed(state, ctx).await?;
    let (result, assessment) = (&values.result, &values.assessment);
    let stored = state.store.answer(&ctx.meta.id, requirement_id).await?;
    let who = names(state, &ctx.meta.org_id).await?;
    let name_of = |id: &str| who.get(id).cloned().unwrap_or_else(|| id.to_string());

    let conflict = outcome.conflict.map(|current| Conflict {
        by: match current.get("updated_by").and_then(Value::as_str) {
            Some(id) if id == ctx.auth.user.id => "You, in another window or session,".to_string(),
            Some(id) => name_of(id),
            None => "Someone".to_string(),
        },
        version: current.get("version").and_then(Value::as_i64).unwrap_or(0),
        at: when(
            current
                .get("updated_at")
                .and_then(Value::as_str)
                .unwrap_or(""),
        ),
        answer: answer_text(current.get("value")),
    });
    let own_result = result.requirements.iter().find(|r| r.id == requirement_id);
    let evidence = own_result
        .map(|judged| {
            judged
                .evidence
                .iter()
                .map(|used| {
                    let reason = super::evidence::reason(used, result.as_of);
                    EvidenceLine {
                        reference: used.reference.to_string(),
                        kind: super::evidence::kind_words(used.kind),
                        date: used.date.map(|d| d.to_string()).unwrap_or_default(),
                        review_by: used.review_by.map(|d| d.to_string()).unwrap_or_default(),
                        weight: format!("{:.2}", used.weight),
                        reduced: reason.is_some(),
                        reason,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let answer_notes = own_result.and_then(|judged| judged.answer_notes.clone());
    let register =
        super::evidence::linked(state, &ctx.meta.id, requirement_id, result.as_of, |id| {
            assessment.answers.iter().any(|answer| answer.id == id)
        })
        .await?;
    let judged = own_result.map(|judged| Judged {
        status: Badge::judged(judged),
        credit: pct(judged.credit.point),
        lo: pct(judged.credit.lo),
        hi: pct(judged.credit.hi),
        sources: source_summary(catalog, judged),
        explanation: aimsgap_assess::explain(catalog, result, requirement_id),
    });
    let children = result
        .requirements
        .iter()
        .filter(|r| aimsgap_assess::rules::is_beneath(&r.id, requirement_id))
        .map(|r| Child {
            id: r.id.to_string(),
            title: r.title.to_string(),
            status: Badge::judged(r),
        })
        .collect();
    let governing =
        aimsgap_assess::governing_answer(iso, &assessment.answers, requirement_id).map(|answer| {
            Governing {
                id: answer.id.clone(),
                status: answer.status.as_str().replace('_', " "),
            }
        });
    let form = ctx.role.can_edit().then(|| {
        let form = outcome
            .form
            .clone()
            .unwrap_or_else(|| AnswerForm::from_value(stored.value.as_ref()));
        AnswerFormView::new(&ctx.auth, &form, outcome.version.unwrap_or(stored.version))
    });
    let stored_answer = stored.value.is_some().then(|| StoredAnswer {
        version: stored.version,
        at: when(stored.updated_at.as_deref().unwrap_or("")),
        by: stored
            .updated_by
            .as_deref()
            .map(name_of)
            .unwrap_or_default(),
        text: answer_text(stored.value.as_ref()),
    });
    let work = super::work::panel(
        state,
        &ctx.auth,
        ctx.role,
        &ctx.meta,
        &crate::ops::work::Target::Requirement(node.id.to_string()),
    )
    .await?;
    let (frame, tabs) = ctx.chrome(Tab::None, &format!("{} {}", node.id, node.title));
    let view = RequirementPage {
        frame,
        tabs,
        base: ctx.base(),
        id: &node.id,
        title: &node.title,
        summary: &node.summary,
        documented: node.documented,
        saved: outcome.saved,
        conflict,
        problems: outcome.problems,
        problems_lead: "The answer was not saved:",
        judged,
        children,
        readiness: (
            result.readiness.point,
            result.readiness.lo,
            result.readiness.hi,
        ),
        stored: stored_answer,
        governing,
        evidence,
        answer_notes: answer_notes.as_deref().map(String::from),
        register,
        form,
        work,
    };
    Ok(render(outcome.status, &view))
}

pub async fn requirement(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path((id, requirement)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    // A link or bookmark with an id of assessment file format 1 that no longer exists (4.1.a)
    // leads to the same requirement under today's id (4.1-1). An old id that is also a current
    // id (6.1.3.f) cannot be told apart and shows today's requirement.
    if let Some(iso) = state.catalog.framework(aimsgap_assess::TARGET)
        && iso.get(&requirement).is_none()
        && let Some(renamed) = iso.by_former_id(&requirement)
    {
        return Ok(see_other(&format!(
            "/assessments/{id}/requirements/{}",
            renamed.id
        )));
    }
    requirement_page(
        &state,
        &ctx,
        &requirement,
        Outcome {
            status: StatusCode::OK,
            form: None,
            version: None,
            saved: query.iter().any(|(k, v)| k == "saved" && v == "1"),
            problems: Vec::new(),
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
        .ok_or_else(|| {
            ApiError::BadRequest(
                "The form lacks the version of the answer it was opened with: reload the page and answer again."
                    .into(),
            )
        })?;
    let form = AnswerForm::from_fields(&fields);
    let answer = match form.to_value() {
        Ok(answer) => answer,
        Err(problem) => {
            return refused(
                &state,
                &ctx,
                &requirement,
                form,
                version,
                StatusCode::BAD_REQUEST,
                vec![problem],
            )
            .await;
        }
    };
    let saved = api::save_answer(
        &state,
        &ctx.auth,
        &id,
        &requirement,
        answer.as_ref(),
        version,
    )
    .await;
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
                    problems: Vec::new(),
                    conflict: Some(&current),
                },
            )
            .await
        }
        Err(
            error @ (ApiError::Invalid(_)
            | ApiError::Located(_)
            | ApiError::BadRequest(_)
            | ApiError::OverLimit(_)),
        ) => {
            let problems = error.problems(&answer_field(&requirement));
            refused(
                &state,
                &ctx,
                &requirement,
                form,
                version,
                error.status(),
                problems,
            )
            .await
        }
        Err(other) => Err(PageError::from(other)),
    }
}

/// The requirement page again after a refused answer: the form with what was typed, and each
/// problem as a sentence linked to its field.
async fn refused(
    state: &AppState,
    ctx: &Context,
    requirement: &str,
    form: AnswerForm,
    version: i64,
    status: StatusCode,
    problems: Vec<Problem>,
) -> PageResult<Response> {
    requirement_page(
        state,
        ctx,
        requirement,
        Outcome {
            status,
            form: Some(form),
            version: Some(version),
            saved: false,
            problems,
            conflict: None,
        },
    )
    .await
}

/// The answer form's field for a field path of the answer to `requirement`
/// (`answers.5.2.a.evidence[0].date` is "Evidence 1 date", `#f-ev0-date`).
fn answer_field(requirement: &str) -> impl Fn(&str) -> Option<FormField> + '_ {
    move |path: &str| {
        let rest = path.strip_prefix("answers.")?.strip_prefix(requirement)?;
        match rest {
            "" | ".status" => Some(FormField::new("Status", "status")),
            ".maturity" => Some(FormField::new("Maturity", "maturity")),
            ".owner" => Some(FormField::new("Owner", "owner")),
            ".justification" => Some(FormField::new("Justification", "justification")),
            ".notes" => Some(FormField::new("Notes", "notes")),
            _ => {
                let (index, field) = rest.strip_prefix(".evidence[")?.split_once("].")?;
                let index = index.parse::<usize>().ok()?;
                let (name, words) = match field {
                    "ref" => ("ref", "reference"),
                    "kind" => ("kind", "kind"),
                    "date" => ("date", "date"),
                    "review_by" => ("review_by", "review by"),
                    // The file's hash has no field of its own: it travels with the reference.
                    "sha256" => ("ref", "reference"),
                    _ => return None,
                };
                Some(FormField::new(
                    format!("Evidence {} {words}", index.saturating_add(1)),
                    &format!("ev{index}_{name}"),
                ))
            }
        }
    }
}

// ---- inventory, history, runs, SoA, roadmap ----------------------------------------------

/// An AI system as the inventory lists it.
#[derive(Debug)]
struct SystemRow {
    name: String,
    /// Its id, for the links to edit and remove it.
    id: String,
    role: &'static str,
    markets: String,
    facts: String,
    classes: String,
}

#[derive(Template, Debug)]
#[template(path = "assessment/systems.html")]
struct SystemsPage {
    frame: Frame,
    tabs: Vec<TabLink>,
    systems: Vec<SystemRow>,
    obligations: Vec<SystemObligations>,
    states: Vec<summary::StateGroup>,
    /// Whether the caller may add, edit and remove systems.
    can_edit: bool,
    base: String,
}

pub async fn systems(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let values = computed(&state, &ctx).await?;
    let (result, assessment) = (&values.result, &values.assessment);
    let catalog = &state.catalog;
    let systems = assessment
        .ai_systems
        .iter()
        .map(|system| {
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
                facts.push(format!(
                    "Annex III area: {}",
                    summary::vocabulary_title(catalog, "annex_iii_areas", area)
                ));
            }
            if let Some(point) = &system.annex_iii_point {
                facts.push(format!(
                    "Annex III point {point}: {}",
                    summary::vocabulary_title(catalog, "annex_iii_points", point)
                ));
            }
            if let Some(placed) = system.placed_on_market {
                facts.push(format!("placed on the market {placed}"));
            }
            if !system.consequential_decisions.is_empty() {
                let decisions: Vec<String> = system
                    .consequential_decisions
                    .iter()
                    .map(|d| summary::vocabulary_title(catalog, "consequential_decisions", d))
                    .collect();
                facts.push(format!("consequential decisions: {}", decisions.join("; ")));
            }
            if system.gpai_model {
                facts.push("general-purpose AI model".to_string());
            }
            SystemRow {
                name: system.name.clone(),
                id: system.id.clone(),
                role: system.role.map_or("not stated", |r| r.as_str()),
                markets: system.markets.join(", "),
                facts: facts.join("; "),
                classes: classes.join("; "),
            }
        })
        .collect();
    let (frame, tabs) = ctx.chrome(Tab::Systems, "AI systems");
    let view = SystemsPage {
        frame,
        tabs,
        systems,
        obligations: summary::obligations(catalog, result),
        states: summary::by_state(catalog, result),
        can_edit: ctx.role.can_edit(),
        base: ctx.base(),
    };
    Ok(render(StatusCode::OK, &view))
}

/// One change in the history.
#[derive(Debug)]
struct HistoryRow {
    at: String,
    who: String,
    what: String,
    /// The requirement page of a changed answer.
    link: Option<String>,
    /// What changed, field by field, with the value before and after.
    changes: Vec<super::changes::FieldChange>,
    /// Whether the entry changed nothing a field shows (a value saved again as it was).
    unchanged: bool,
}

/// What a history entry did, in words: `changed the answer on 5.2`.
fn history_title(entity: &str, key: &str, old: Option<&Value>, new: Option<&Value>) -> String {
    let old = old.filter(|v| !v.is_null());
    let new = new.filter(|v| !v.is_null());
    let name = new
        .or(old)
        .and_then(|v| v.get("name"))
        .and_then(Value::as_str)
        .unwrap_or(key);
    let verb = match (old, new) {
        (None, Some(_)) => "added",
        (Some(_), None) => "removed",
        _ => "changed",
    };
    match entity {
        "assessment" => "imported the assessment".to_string(),
        "answer" => match (old, new) {
            (None, Some(_)) => format!("answered {key}"),
            (Some(_), None) => format!("removed the answer on {key}"),
            _ => format!("changed the answer on {key}"),
        },
        "ai_system" => format!("{verb} AI system {name}"),
        "profile" => "changed the profile".to_string(),
        other => format!("{verb} {} {name}", other.replace('_', " ")),
    }
}

#[derive(Template, Debug)]
#[template(path = "assessment/history.html")]
struct HistoryPage {
    frame: Frame,
    tabs: Vec<TabLink>,
    entries: Vec<HistoryRow>,
}

pub async fn history(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let entries = state.store.history(&id).await?;
    let who = names(&state, &ctx.meta.org_id).await?;
    let entries = entries
        .iter()
        .rev()
        .map(|entry| {
            let (old, new) = (entry.old.as_ref(), entry.new.as_ref());
            // An import stores the whole file: its title says it all.
            let changes = if entry.entity == "assessment" {
                Vec::new()
            } else {
                super::changes::diff(old, new)
            };
            HistoryRow {
                at: when(&entry.at),
                who: who
                    .get(&entry.actor)
                    .cloned()
                    .unwrap_or_else(|| entry.actor.clone()),
                what: history_title(&entry.entity, &entry.key, old, new),
                link: (entry.entity == "answer")
                    .then(|| format!("/assessments/{id}/requirements/{}", entry.key)),
                unchanged: changes.is_empty() && entry.entity != "assessment",
                changes,
            }
        })
        .collect();
    let (frame, tabs) = ctx.chrome(Tab::History, "History");
    let view = HistoryPage {
        frame,
        tabs,
        entries,
    };
    Ok(render(StatusCode::OK, &view))
}

/// A saved run as the list shows it.
#[derive(Debug)]
struct RunRow {
    at: String,
    by: String,
    readiness: f64,
}

/// The form that picks two runs to compare (`templates/partials/compare_form.html`).
#[derive(Debug)]
struct CompareForm {
    old: Vec<Choice>,
    new: Vec<Choice>,
}

impl CompareForm {
    /// The form over `runs` (newest first), with the newest two chosen unless `old` and `new`
    /// name others.
    fn new(runs: &[aimsgap_store::Run], old: Option<&str>, new: Option<&str>) -> CompareForm {
        let options: Vec<(String, String)> = runs
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
        CompareForm {
            old: choices(&options, &[old.unwrap_or(previous)]),
            new: choices(&options, &[new.unwrap_or(newest)]),
        }
    }
}

#[derive(Template, Debug)]
#[template(path = "assessment/runs.html")]
struct RunsPage<'a> {
    frame: Frame,
    tabs: Vec<TabLink>,
    id: &'a str,
    /// The token of "Save a run now", for those who may edit.
    csrf: Option<&'a str>,
    runs: Vec<RunRow>,
    compare: Option<CompareForm>,
}

pub async fn runs(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let runs = state.store.runs(&id).await?;
    let who = names(&state, &ctx.meta.org_id).await?;
    let (frame, tabs) = ctx.chrome(Tab::Runs, "Runs");
    let view = RunsPage {
        frame,
        tabs,
        id: &id,
        csrf: ctx.role.can_edit().then(|| ctx.auth.csrf()),
        runs: runs
            .iter()
            .map(|run| RunRow {
                at: when(&run.at),
                by: who
                    .get(&run.created_by)
                    .cloned()
                    .unwrap_or_else(|| run.created_by.clone()),
                readiness: run.readiness,
            })
            .collect(),
        compare: (runs.len() >= 2).then(|| CompareForm::new(&runs, None, None)),
    };
    Ok(render(StatusCode::OK, &view))
}

pub async fn save_run(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, .. } = form?;
    let ctx = context(&state, auth, &id, Access::Edit).await?;
    let computed = computed(&state, &ctx).await?;
    let value = aimsgap_report::json::to_value(&computed.result);
    state
        .store
        .save_run(
            &id,
            &ctx.auth.user.id,
            computed.result.readiness.point,
            &value,
        )
        .await?;
    Ok(see_other(&format!("/assessments/{id}/runs")))
}

/// A requirement that moved between two runs.
#[derive(Debug)]
struct Moved {
    id: String,
    title: String,
    old: String,
    new: String,
    old_credit: String,
    new_credit: String,
}

/// An obligation that changed state between two runs.
#[derive(Debug)]
struct ObligationMoved {
    system: String,
    reference: String,
    law: String,
    old: String,
    new: String,
}

/// What changed between two runs, as the page shows it.
#[derive(Debug)]
struct DiffView {
    /// (earlier, later) of the point, low and high readiness.
    point: (f64, f64),
    lo: (f64, f64),
    hi: (f64, f64),
    old_as_of: String,
    new_as_of: String,
    /// The Stage 1 verdict before and after, when it changed.
    verdict: Option<(&'static str, &'static str)>,
    moved: Vec<Moved>,
    gap_lists: Vec<(&'static str, Vec<(String, String)>)>,
    obligations: Vec<ObligationMoved>,
}

impl DiffView {
    fn new(diff: aimsgap_report::diff::Diff) -> DiffView {
        let [point, lo, hi] = diff.readiness;
        let word = |ready: bool| if ready { "ready" } else { "not ready" };
        let (was, is) = diff.ready_for_stage1;
        DiffView {
            point,
            lo,
            hi,
            old_as_of: diff.old_as_of,
            new_as_of: diff.new_as_of,
            verdict: (was != is).then(|| (word(was), word(is))),
            moved: diff
                .status_changes
                .into_iter()
                .map(|change| Moved {
                    old: change.old.replace('_', " "),
                    new: change.new.replace('_', " "),
                    old_credit: pct(change.old_credit),
                    new_credit: pct(change.new_credit),
                    id: change.id,
                    title: change.title,
                })
                .collect(),
            gap_lists: vec![
                ("Gaps opened", diff.gaps_opened),
                ("Gaps closed", diff.gaps_closed),
            ],
            obligations: diff
                .obligations
                .into_iter()
                .map(|change| ObligationMoved {
                    system: change.system,
                    reference: change.reference,
                    law: change.law,
                    old: change.old.unwrap_or_else(|| "none".to_string()),
                    new: change.new.unwrap_or_else(|| "none".to_string()),
                })
                .collect(),
        }
    }
}

#[derive(Template, Debug)]
#[template(path = "assessment/compare.html")]
struct ComparePage<'a> {
    frame: Frame,
    tabs: Vec<TabLink>,
    id: &'a str,
    /// The form, when there are two runs to compare.
    compare: Option<CompareForm>,
    diff: Option<DiffView>,
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
    let (frame, tabs) = ctx.chrome(Tab::Runs, "Compare runs");
    let (Some(old_id), Some(new_id)) = (param("old"), param("new")) else {
        let view = ComparePage {
            frame,
            tabs,
            id: &id,
            compare: (runs.len() >= 2).then(|| CompareForm::new(&runs, None, None)),
            diff: None,
        };
        return Ok(render(StatusCode::OK, &view));
    };
    let load = |run: Option<aimsgap_store::Run>| run.and_then(|r| r.result);
    let old = load(state.store.run(&id, old_id).await?).ok_or(ApiError::NotFound)?;
    let new = load(state.store.run(&id, new_id).await?).ok_or(ApiError::NotFound)?;
    let diff = aimsgap_report::diff::diff_values(&old, &new)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let view = ComparePage {
        frame,
        tabs,
        id: &id,
        compare: Some(CompareForm::new(&runs, Some(old_id), Some(new_id))),
        diff: Some(DiffView::new(diff)),
    };
    Ok(render(StatusCode::OK, &view))
}

/// A control of the Statement of Applicability.
#[derive(Debug)]
struct SoaRow {
    control: String,
    title: String,
    included: bool,
    justification: String,
    status: Badge,
    owner: String,
    evidence: String,
}

#[derive(Template, Debug)]
#[template(path = "assessment/soa.html")]
struct SoaPage<'a> {
    frame: Frame,
    tabs: Vec<TabLink>,
    id: &'a str,
    included: usize,
    entries: Vec<SoaRow>,
}

pub async fn soa(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let values = computed(&state, &ctx).await?;
    let result = &values.result;
    let entries = result
        .soa
        .iter()
        .map(|entry| {
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
            SoaRow {
                control: entry.control.to_string(),
                title: entry.title.to_string(),
                included: entry.included,
                justification: entry.justification.clone(),
                status: result
                    .requirements
                    .iter()
                    .find(|r| r.id == entry.control)
                    .map_or_else(|| entry.status.into(), Badge::judged),
                owner: entry.owner.as_deref().unwrap_or_default().to_string(),
                evidence: evidence.join("; "),
            }
        })
        .collect();
    let (frame, tabs) = ctx.chrome(Tab::Soa, "Statement of Applicability");
    let view = SoaPage {
        frame,
        tabs,
        id: &id,
        included: result.soa.iter().filter(|s| s.included).count(),
        entries,
    };
    Ok(render(StatusCode::OK, &view))
}

/// A task of the roadmap.
#[derive(Debug)]
struct TaskRow {
    requirement: String,
    title: String,
    effort_days: f64,
    start: Date,
    end: Date,
}

/// A work package of the roadmap: one deliverable, its tasks beneath.
#[derive(Debug)]
struct PackageRow {
    id: String,
    title: String,
    /// The phases its tasks belong to, in words.
    phases: String,
    effort_days: f64,
    start: Date,
    end: Date,
    tasks: Vec<TaskRow>,
}

/// The roadmap's tasks rolled up into their work packages, in the order they start.
fn package_rows(result: &AssessmentResult) -> Vec<PackageRow> {
    let mut rows: Vec<PackageRow> = Vec::new();
    for task in &result.roadmap.tasks {
        let id = if task.package.is_empty() {
            task.requirement.as_str()
        } else {
            task.package.as_str()
        };
        let phase = task.phase.as_str().replace('_', " ");
        let line = TaskRow {
            requirement: task.requirement.to_string(),
            title: task.title.clone(),
            effort_days: task.effort_days,
            start: task.start,
            end: task.end,
        };
        if let Some(row) = rows.iter_mut().find(|row| row.id == id) {
            row.effort_days += task.effort_days;
            row.start = row.start.min(task.start);
            row.end = row.end.max(task.end);
            if !row.phases.split(", ").any(|p| p == phase) {
                row.phases.push_str(", ");
                row.phases.push_str(&phase);
            }
            row.tasks.push(line);
            continue;
        }
        rows.push(PackageRow {
            id: id.to_string(),
            title: result
                .work_packages
                .iter()
                .find(|package| package.id == id)
                .map(|package| package.title.clone())
                .or_else(|| {
                    result
                        .requirements
                        .iter()
                        .find(|r| r.id == task.requirement)
                        .map(|r| r.title.to_string())
                })
                .unwrap_or_else(|| task.title.clone()),
            phases: phase,
            effort_days: task.effort_days,
            start: task.start,
            end: task.end,
            tasks: vec![line],
        });
    }
    rows.sort_by_key(|row| (row.start, row.end));
    rows
}

#[derive(Template, Debug)]
#[template(path = "assessment/roadmap.html")]
struct RoadmapPage<'a> {
    frame: Frame,
    tabs: Vec<TabLink>,
    id: &'a str,
    effort_days: f64,
    stage1: Date,
    stage2: Date,
    /// SVG from the report crate.
    chart: String,
    /// How many tasks the packages hold.
    tasks: usize,
    packages: Vec<PackageRow>,
    /// Work overdue or due this week (`templates/partials/work_due.html`).
    work_due: super::work::WorkDue,
}

pub async fn roadmap(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let values = computed(&state, &ctx).await?;
    let result = &values.result;
    let roadmap = &result.roadmap;
    let (frame, tabs) = ctx.chrome(Tab::Roadmap, "Roadmap");
    let view = RoadmapPage {
        frame,
        tabs,
        id: &id,
        effort_days: roadmap.total_effort_days,
        stage1: roadmap.stage1_date,
        stage2: roadmap.stage2_date,
        chart: aimsgap_report::html::roadmap_chart(roadmap, result.as_of),
        tasks: roadmap.tasks.len(),
        packages: package_rows(result),
        work_due: super::work::work_due(&state, &ctx.meta).await?,
    };
    Ok(render(StatusCode::OK, &view))
}

// ---- the frame of the form pages of `forms.rs` -----------------------------------------------

/// One tab of an assessment, for pages outside this module (the same fields as `TabLink`).
#[derive(Debug)]
pub(super) struct SharedTab {
    pub(super) href: String,
    pub(super) name: &'static str,
    pub(super) current: bool,
}

/// What a form page of an assessment needs around it: its frame and tabs, whether the caller
/// may edit, the caller, the organisation and the assessment's address.
pub(super) struct AssessmentFrame {
    pub(super) frame: Frame,
    pub(super) tabs: Vec<SharedTab>,
    pub(super) can_edit: bool,
    pub(super) auth: Auth,
    pub(super) base: String,
}

/// The frame of a form page of an assessment, after checking `access`; `profile` picks the
/// profile's tab as current, otherwise the AI systems' tab.
pub(super) async fn frame_for(
    state: &AppState,
    auth: Auth,
    id: &str,
    access: Access,
    profile: bool,
    title: &str,
) -> PageResult<AssessmentFrame> {
    let ctx = context(state, auth, id, access).await?;
    let tab = if profile { Tab::Profile } else { Tab::Systems };
    let (frame, tabs) = ctx.chrome(tab, title);
    Ok(AssessmentFrame {
        frame,
        tabs: tabs
            .into_iter()
            .map(|t| SharedTab {
                href: t.href,
                name: t.name,
                current: t.current,
            })
            .collect(),
        can_edit: ctx.role.can_edit(),
        base: ctx.base(),
        auth: ctx.auth,
    })
}
