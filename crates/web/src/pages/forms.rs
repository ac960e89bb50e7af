//! The forms that build an assessment without a file: a new assessment (name, organisation
//! profile, certifications held and optionally a first AI system), the profile and
//! certifications of an assessment, and its AI systems added, edited, previewed and removed.
//!
//! Each form posts to its own address and comes back as a page: a redirect after a save, the
//! same form with a problem at each field it concerns (everything typed kept) after a refusal,
//! or the form with the previewed classification and obligations of an AI system (nothing
//! stored). The writes are the API's operations (`ops::assessments`: the optimistic profile
//! and AI-system writes, the import; `ops::systems::preview`), so the engine's reader judges
//! every value the same way on both. Values the form does not offer but a stored assessment
//! holds (a sector or market not in the lists, the controls of a certification) are kept.

use super::assessment::{AssessmentFrame, SharedTab, frame_for};
use super::layout::{Choice, Crumb, Frame, choices, framework_label, render, see_other, when};
use super::quick::JURISDICTIONS;
use super::summary::{self, StateGroup, SystemObligations};
use super::{PageError, PageResult, Signed};
use crate::auth::{Auth, Fields, FormAuth};
use crate::error::{ApiError, FormField, Problem};
use crate::ops::assessments as ops;
use crate::{Access, AppState, api};
use aimsgap_catalog::Catalog;
use aimsgap_wire::assessment::{AiSystem, Certification, Document, Located, Organization, Profile};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use std::collections::BTreeMap;

/// Longest name kept from a field.
const MAX_NAME: usize = aimsgap_wire::limits::MAX_NAME_CHARS;

/// Rows of certifications the form offers at most.
const MAX_CERTIFICATIONS: usize = 6;

/// The sectors offered, with the words stored and the words shown.
const SECTORS: &[(&str, &str)] = &[
    ("", "Not stated"),
    ("artificial_intelligence", "Artificial intelligence"),
    ("software", "Software and cloud services"),
    ("banking", "Banking"),
    ("insurance", "Insurance"),
    ("financial_services", "Other financial services"),
    ("healthcare", "Health care"),
    ("medical_devices", "Medical devices"),
    ("hr_technology", "Human resources technology"),
    ("education", "Education"),
    ("public_sector", "Public sector"),
    ("retail", "Retail and e-commerce"),
    ("manufacturing", "Manufacturing"),
    ("telecommunications", "Telecommunications"),
    ("transport", "Transport and logistics"),
    ("energy", "Energy and utilities"),
    ("other", "Other"),
];

const CERTIFICATION_STATUSES: &[(&str, &str)] = &[
    ("certified", "Certified by an accredited body"),
    ("attested", "Attested in an auditor's report"),
    ("self_assessed", "Self-assessed"),
    ("in_progress", "In progress"),
    ("expired", "Expired"),
];

const REPORTS: &[(&str, &str)] = &[
    ("", "Not a SOC 2 report"),
    ("type1", "Type 1: the design, on one date"),
    ("type2", "Type 2: the operation, over a period"),
];

const CATEGORIES: &[(&str, &str)] = &[
    ("security", "Security"),
    ("availability", "Availability"),
    ("confidentiality", "Confidentiality"),
    ("processing_integrity", "Processing integrity"),
    ("privacy", "Privacy"),
];

const ROLES: &[(&str, &str)] = &[
    ("", "Not stated"),
    (
        "provider",
        "Provider: we develop it, or have it developed, and offer it under our name",
    ),
    ("deployer", "Deployer: we use it under our own authority"),
    (
        "importer",
        "Importer: we bring it into a market from a provider outside it",
    ),
    (
        "distributor",
        "Distributor: we make it available, neither provider nor importer",
    ),
    (
        "product_manufacturer",
        "Product manufacturer: it is part of a product we sell under our name",
    ),
];

/// What an AI system does: the facts that trigger transparency duties.
const DOES: &[(&str, &str)] = &[
    (
        "interacts_with_natural_persons",
        "It interacts with people directly (a chat, a voice, an agent)",
    ),
    (
        "generates_synthetic_content",
        "It generates synthetic text, images, audio or video",
    ),
    ("emotion_recognition", "It recognises emotions"),
    (
        "biometric_categorisation",
        "It sorts people into categories from biometric data",
    ),
];

/// The other yes-or-no facts of an AI system.
const OTHER_FACTS: &[(&str, &str)] = &[
    (
        "art_6_3_exemption",
        "We claim it is not high-risk although used in an Annex III area (EU AI Act Art. 6(3)), and have documented why",
    ),
    (
        "gpai_model",
        "It is a general-purpose AI model (trained on broad data, usable for many tasks)",
    ),
    (
        "gpai_systemic_risk",
        "That general-purpose model has systemic risk (needs the box above)",
    ),
    ("public_body", "We use it as a public body"),
];

// ---- helpers -------------------------------------------------------------------------------

/// The first value of a field, trimmed ("" when absent).
fn one(fields: &Fields, name: &str) -> String {
    fields.get(name).unwrap_or("").to_string()
}

/// Every non-blank value of a field, trimmed, each once.
fn all(fields: &Fields, name: &str) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    for (key, value) in &fields.0 {
        let value = value.trim();
        if key == name && !value.is_empty() && !values.iter().any(|v| v == value) {
            values.push(value.to_string());
        }
    }
    values
}

fn clip(text: &str) -> String {
    text.trim().chars().take(MAX_NAME).collect()
}

/// Options from (value, text) pairs, those in `chosen` marked, and every chosen value the
/// list lacks (a stored word this form does not offer) added at the end, so it is kept.
fn choices_keeping(options: &[(String, String)], chosen: &[String]) -> Vec<Choice> {
    let chosen_refs: Vec<&str> = chosen.iter().map(String::as_str).collect();
    let mut list = choices(options, &chosen_refs);
    for value in chosen {
        if !value.is_empty() && !options.iter().any(|(v, _)| v == value) {
            list.push(Choice {
                value: value.clone(),
                text: value.clone(),
                chosen: true,
            });
        }
    }
    list
}

fn owned(options: &[(&str, &str)]) -> Vec<(String, String)> {
    options
        .iter()
        .map(|(v, t)| ((*v).to_string(), (*t).to_string()))
        .collect()
}

/// The message of the problem at a form field, or "".
fn error_at<'a>(problems: &'a [Problem], name: &str) -> &'a str {
    let id = format!("f-{}", super::field_id(name));
    problems
        .iter()
        .find(|p| p.field.as_ref().is_some_and(|f| f.id == id))
        .map_or("", |p| p.sentence.as_str())
}

fn problem(label: &str, name: &str, sentence: String) -> Problem {
    Problem {
        sentence,
        field: Some(FormField::new(label, name)),
    }
}

/// The catalog's list of one framework as (id, title) pairs.
fn list(catalog: &Catalog, framework: &str, name: &str) -> Vec<(String, String)> {
    catalog
        .framework(framework)
        .and_then(|f| f.list(name))
        .map(|entries| {
            entries
                .iter()
                .map(|e| (e.id.clone(), e.title.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// A list with a first "none" option.
fn with_none(none: &str, mut rest: Vec<(String, String)>) -> Vec<(String, String)> {
    rest.insert(0, (String::new(), none.to_string()));
    rest
}

/// Whether an error of the engine is one a page should show at its fields.
fn is_refusal(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::Invalid(_)
            | ApiError::Located(_)
            | ApiError::BadRequest(_)
            | ApiError::OverLimit(_)
    )
}

// ---- the AI-system form --------------------------------------------------------------------

/// An AI system's form values: stored, or as posted.
#[derive(Clone, Debug, Default, PartialEq)]
struct SystemForm {
    id: String,
    name: String,
    description: String,
    role: String,
    markets: Vec<String>,
    facts: Vec<String>,
    area: String,
    point: String,
    placed: String,
    product: String,
    practice: String,
    decisions: Vec<String>,
}

impl SystemForm {
    fn from_system(system: &AiSystem) -> SystemForm {
        let mut facts = Vec::new();
        for (flag, name) in [
            (
                system.interacts_with_natural_persons,
                "interacts_with_natural_persons",
            ),
            (
                system.generates_synthetic_content,
                "generates_synthetic_content",
            ),
            (system.emotion_recognition, "emotion_recognition"),
            (system.biometric_categorisation, "biometric_categorisation"),
            (system.art_6_3_exemption, "art_6_3_exemption"),
            (system.gpai_model, "gpai_model"),
            (system.gpai_systemic_risk, "gpai_systemic_risk"),
            (system.public_body, "public_body"),
        ] {
            if flag {
                facts.push(name.to_string());
            }
        }
        let text =
            |v: &Option<Located<String>>| v.as_ref().map(|l| l.value.clone()).unwrap_or_default();
        SystemForm {
            id: system.id.value.clone(),
            name: system.name.clone(),
            description: system.description.clone().unwrap_or_default(),
            role: text(&system.role),
            markets: system.markets.clone(),
            facts,
            area: text(&system.annex_iii_area),
            point: text(&system.annex_iii_point),
            placed: text(&system.placed_on_market),
            product: system.annex_i_product.clone().unwrap_or_default(),
            practice: system.prohibited_practice.clone().unwrap_or_default(),
            decisions: system
                .consequential_decisions
                .iter()
                .map(|d| d.value.clone())
                .collect(),
        }
    }

    /// The values posted under `prefix` (`s_name` for the first system of a new assessment).
    fn from_fields(fields: &Fields, prefix: &str) -> SystemForm {
        let key = |name: &str| format!("{prefix}{name}");
        SystemForm {
            id: one(fields, &key("id")),
            name: clip(&one(fields, &key("name"))),
            description: one(fields, &key("description")),
            role: one(fields, &key("role")),
            markets: all(fields, &key("market")),
            facts: {
                let mut facts = all(fields, &key("fact"));
                facts.extend(all(fields, &key("other")));
                facts
            },
            area: one(fields, &key("annex_iii_area")),
            point: one(fields, &key("annex_iii_point")),
            placed: one(fields, &key("placed_on_market")),
            product: one(fields, &key("annex_i_product")),
            practice: one(fields, &key("prohibited_practice")),
            decisions: all(fields, &key("decision")),
        }
    }

    /// Something was entered.
    fn touched(&self) -> bool {
        *self != SystemForm::default()
    }

    fn has(&self, fact: &str) -> bool {
        self.facts.iter().any(|f| f == fact)
    }

    /// The problems the engine's reader would not name at a field: a missing name, an id
    /// that cannot stand in an address.
    fn problems(&self, prefix: &str) -> Vec<Problem> {
        let mut problems = Vec::new();
        if self.name.is_empty() {
            problems.push(problem(
                "Name",
                &format!("{prefix}name"),
                "Name: give the AI system a name, e.g. \u{201c}CV screening\u{201d}.".into(),
            ));
        }
        if !self.id.is_empty() && !valid_id(&self.id) {
            problems.push(problem(
                "Id",
                &format!("{prefix}id"),
                "Id: use 1 to 100 letters, digits, dots, dashes or underscores, or leave it empty to make one from the name.".into(),
            ));
        }
        problems
    }

    /// The AI system as the assessment file holds it, under `id`.
    fn to_system(&self, id: &str) -> AiSystem {
        let located = |text: &str| (!text.is_empty()).then(|| Located::new(text.to_string()));
        let text = |text: &str| (!text.is_empty()).then(|| text.to_string());
        AiSystem {
            id: Located::new(id.to_string()),
            name: self.name.clone(),
            description: text(self.description.trim()),
            role: located(&self.role),
            markets: self.markets.clone(),
            interacts_with_natural_persons: self.has("interacts_with_natural_persons"),
            generates_synthetic_content: self.has("generates_synthetic_content"),
            emotion_recognition: self.has("emotion_recognition"),
            biometric_categorisation: self.has("biometric_categorisation"),
            annex_iii_area: located(&self.area),
            annex_iii_point: located(&self.point),
            placed_on_market: located(&self.placed),
            annex_i_product: text(&self.product),
            art_6_3_exemption: self.has("art_6_3_exemption"),
            prohibited_practice: text(&self.practice),
            consequential_decisions: self
                .decisions
                .iter()
                .map(|d| Located::new(d.clone()))
                .collect(),
            gpai_model: self.has("gpai_model"),
            gpai_systemic_risk: self.has("gpai_systemic_risk"),
            public_body: self.has("public_body"),
        }
    }
}

/// An id that can stand in a page's address.
fn valid_id(id: &str) -> bool {
    (1..=100).contains(&id.chars().count())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// An id made from a name, not among `taken`: `CV screening` is `cv-screening`, then
/// `cv-screening-2`.
fn id_from_name(name: &str, taken: &[String]) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug: String = slug.trim_end_matches('-').chars().take(60).collect();
    if slug.is_empty() {
        slug = "system".to_string();
    }
    let mut candidate = slug.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{slug}-{n}");
        n += 1;
    }
    candidate
}

/// The form's field for a field path of the engine about an AI system
/// (`ai_systems[2].annex_iii_point` is the Annex III point).
fn system_field(prefix: &str) -> impl Fn(&str) -> Option<FormField> + '_ {
    move |path: &str| {
        let rest = path.strip_prefix("ai_systems")?;
        let rest = match rest.strip_prefix('[') {
            Some(indexed) => indexed.split_once("].")?.1,
            None => rest
                .strip_prefix('.')?
                .split_once('.')
                .map_or("", |(_, r)| r),
        };
        let field = rest.split(['[', '.']).next().unwrap_or("");
        let (label, name) = match field {
            "" | "id" => ("Id", "id"),
            "name" => ("Name", "name"),
            "description" => ("Description", "description"),
            "role" => ("Your role", "role"),
            "markets" => ("Markets", "market"),
            "annex_iii_area" => ("Annex III area", "annex_iii_area"),
            "annex_iii_point" => ("Annex III use case", "annex_iii_point"),
            "placed_on_market" => ("Placed on the market", "placed_on_market"),
            "annex_i_product" => ("Annex I product", "annex_i_product"),
            "prohibited_practice" => ("Prohibited practice", "prohibited_practice"),
            "consequential_decisions" => ("Consequential decisions", "decision"),
            "interacts_with_natural_persons"
            | "generates_synthetic_content"
            | "emotion_recognition"
            | "biometric_categorisation" => ("What it does", "fact"),
            "gpai_model" | "gpai_systemic_risk" | "art_6_3_exemption" | "public_body" => {
                ("Other facts", "other")
            }
            _ => return None,
        };
        Some(FormField::new(label, &format!("{prefix}{name}")))
    }
}

/// The AI-system fields as `templates/forms/system_fields.html` shows them.
#[derive(Debug)]
struct SystemFields {
    /// Put before every field's name: "" on the system's own page, `s_` on a new assessment.
    prefix: &'static str,
    id: String,
    /// The id can be chosen (a new system); a stored system keeps its id.
    id_editable: bool,
    name: String,
    description: String,
    roles: Vec<Choice>,
    markets: Vec<Choice>,
    does: Vec<Choice>,
    other: Vec<Choice>,
    areas: Vec<Choice>,
    points: Vec<Choice>,
    placed: String,
    product: String,
    practices: Vec<Choice>,
    decisions: Vec<Choice>,
    problems: Vec<Problem>,
}

impl SystemFields {
    fn new(
        catalog: &Catalog,
        form: &SystemForm,
        prefix: &'static str,
        id_editable: bool,
        problems: &[Problem],
    ) -> SystemFields {
        let one = |v: &str| vec![v.to_string()];
        let points = list(catalog, "eu-ai-act", "annex_iii_points")
            .into_iter()
            .map(|(id, title)| {
                let text = format!("{id}: {title}");
                (id, text)
            })
            .collect();
        let facts_of = |options: &[(&str, &str)]| {
            let offered: Vec<String> = form
                .facts
                .iter()
                .filter(|f| options.iter().any(|(v, _)| v == f))
                .cloned()
                .collect();
            choices_keeping(&owned(options), &offered)
        };
        SystemFields {
            prefix,
            id: form.id.clone(),
            id_editable,
            name: form.name.clone(),
            description: form.description.clone(),
            roles: choices_keeping(&owned(ROLES), &one(&form.role)),
            markets: choices_keeping(&owned(JURISDICTIONS), &form.markets),
            does: facts_of(DOES),
            other: facts_of(OTHER_FACTS),
            areas: choices_keeping(
                &with_none("None", list(catalog, "eu-ai-act", "annex_iii_areas")),
                &one(&form.area),
            ),
            points: choices_keeping(&with_none("None, or not known", points), &one(&form.point)),
            placed: form.placed.clone(),
            product: form.product.clone(),
            practices: choices_keeping(
                &with_none("None", list(catalog, "eu-ai-act", "prohibited_practices")),
                &one(&form.practice),
            ),
            decisions: choices_keeping(
                &list(catalog, "colorado-ai", "consequential_decisions"),
                &form.decisions,
            ),
            problems: problems.to_vec(),
        }
    }

    fn key(&self, field: &str) -> String {
        format!("{}{field}", self.prefix)
    }

    fn error(&self, field: &str) -> &str {
        error_at(&self.problems, &self.key(field))
    }
}

/// Someone else's newer version of what was being edited.
#[derive(Debug)]
struct Changed {
    by: String,
    at: String,
}

#[derive(Template, Debug)]
#[template(path = "forms/system.html")]
struct SystemPage {
    frame: Frame,
    tabs: Vec<SharedTab>,
    base: String,
    heading: String,
    action: String,
    csrf: String,
    version: i64,
    sys: SystemFields,
    problems: Vec<Problem>,
    problems_lead: &'static str,
    changed: Option<Changed>,
    /// A preview was asked for: its classification and obligations follow.
    previewed: bool,
    obligations: Vec<SystemObligations>,
    states: Vec<StateGroup>,
}

/// A stored AI system with its version; `None` when the assessment has no system with that id.
async fn stored_system(
    state: &AppState,
    id: &str,
    system: &str,
) -> PageResult<(Option<(AiSystem, i64)>, Vec<String>)> {
    let stored = state
        .store
        .assessment(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let ids = stored
        .ai_systems
        .iter()
        .filter(|s| s.value.is_some())
        .map(|s| s.key.clone())
        .collect();
    let found = stored
        .ai_systems
        .iter()
        .find(|s| s.key == system)
        .and_then(|s| {
            let value = s.value.as_ref()?;
            let parsed = <AiSystem as serde::Deserialize>::deserialize(value).ok()?;
            Some((parsed, s.version))
        });
    Ok((found, ids))
}

/// Who saved the stored version of something, by name.
async fn who(state: &AppState, org_of: &str, auth: &Auth, user: Option<&str>) -> String {
    match user {
        Some(id) if id == auth.user.id => "You, in another window or session,".to_string(),
        Some(id) => state
            .store
            .members(org_of)
            .await
            .ok()
            .and_then(|members| members.into_iter().find(|m| m.user.id == id))
            .map_or_else(|| "Someone".to_string(), |m| m.user.name),
        None => "Someone".to_string(),
    }
}

struct SystemOutcome {
    status: StatusCode,
    problems: Vec<Problem>,
    changed: Option<Changed>,
    preview: Option<aimsgap_assess::AssessmentResult>,
}

impl SystemOutcome {
    fn shown() -> SystemOutcome {
        SystemOutcome {
            status: StatusCode::OK,
            problems: Vec::new(),
            changed: None,
            preview: None,
        }
    }
}

/// The AI-system page: `existing` names the stored system being edited (none: a new one).
fn system_page(
    state: &AppState,
    frame: AssessmentFrame,
    existing: Option<&str>,
    form: &SystemForm,
    version: i64,
    outcome: SystemOutcome,
) -> Response {
    let catalog = &state.catalog;
    let (heading, action) = match existing {
        Some(system) => (
            format!("Edit the AI system \u{201c}{}\u{201d}", form.name),
            format!(
                "{}/systems/{}/edit",
                frame.base,
                super::layout::url_encode(system)
            ),
        ),
        None => (
            "Add an AI system".to_string(),
            format!("{}/systems/new", frame.base),
        ),
    };
    let (obligations, states) = match &outcome.preview {
        Some(result) => (
            summary::obligations(catalog, result),
            summary::by_state(catalog, result),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let view = SystemPage {
        csrf: frame.auth.csrf().to_string(),
        frame: frame.frame,
        tabs: frame.tabs,
        base: frame.base,
        heading,
        action,
        version,
        sys: SystemFields::new(catalog, form, "", existing.is_none(), &outcome.problems),
        problems: outcome.problems,
        problems_lead: "The AI system was not saved:",
        changed: outcome.changed,
        previewed: outcome.preview.is_some(),
        obligations,
        states,
    };
    render(outcome.status, &view)
}

pub async fn new_system(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let frame = frame_for(&state, auth, &id, Access::Edit, false, "Add an AI system").await?;
    Ok(system_page(
        &state,
        frame,
        None,
        &SystemForm::default(),
        0,
        SystemOutcome::shown(),
    ))
}

pub async fn edit_system(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path((id, system)): Path<(String, String)>,
) -> PageResult<Response> {
    let frame = frame_for(&state, auth, &id, Access::Edit, false, "Edit an AI system").await?;
    let (Some((stored, version)), _) = stored_system(&state, &id, &system).await? else {
        return Err(ApiError::NotFound.into());
    };
    Ok(system_page(
        &state,
        frame,
        Some(&system),
        &SystemForm::from_system(&stored),
        version,
        SystemOutcome::shown(),
    ))
}

pub async fn create_system(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let frame = frame_for(&state, auth, &id, Access::Edit, false, "Add an AI system").await?;
    submit_system(&state, frame, &id, None, &fields).await
}

pub async fn update_system(
    State(state): State<AppState>,
    Path((id, system)): Path<(String, String)>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let frame = frame_for(&state, auth, &id, Access::Edit, false, "Edit an AI system").await?;
    if stored_system(&state, &id, &system).await?.0.is_none() {
        return Err(ApiError::NotFound.into());
    }
    submit_system(&state, frame, &id, Some(&system), &fields).await
}

/// A posted AI-system form: previewed ("Preview") or saved ("Save").
async fn submit_system(
    state: &AppState,
    frame: AssessmentFrame,
    id: &str,
    existing: Option<&str>,
    fields: &Fields,
) -> PageResult<Response> {
    let mut form = SystemForm::from_fields(fields, "");
    let version = fields
        .get("version")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let previewing = fields.get("action") == Some("preview");
    let (_, taken) = stored_system(state, id, "").await?;
    let system_id = match existing {
        Some(system) => {
            form.id = system.to_string();
            system.to_string()
        }
        None if form.id.is_empty() => id_from_name(&form.name, &taken),
        None => form.id.clone(),
    };
    let mut problems = form.problems("");
    if existing.is_none() && !form.id.is_empty() && taken.contains(&form.id) {
        problems.push(problem(
            "Id",
            "id",
            format!(
                "Id: this assessment already has an AI system with the id \u{201c}{}\u{201d}: choose another, or leave it empty.",
                form.id
            ),
        ));
    }
    let refused = |problems: Vec<Problem>, status: StatusCode| SystemOutcome {
        status,
        problems,
        changed: None,
        preview: None,
    };
    if !problems.is_empty() {
        return Ok(system_page(
            state,
            frame,
            existing,
            &form,
            version,
            refused(problems, StatusCode::UNPROCESSABLE_ENTITY),
        ));
    }
    let value = serde_json::to_value(form.to_system(&system_id))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let mapped = |error: &ApiError| error.problems(&system_field(""));
    if previewing {
        return match crate::ops::systems::preview(state, &frame.auth, id, &value).await {
            Ok(result) => Ok(system_page(
                state,
                frame,
                existing,
                &form,
                version,
                SystemOutcome {
                    preview: Some(result),
                    ..SystemOutcome::shown()
                },
            )),
            Err(error) if is_refusal(&error) => Ok(system_page(
                state,
                frame,
                existing,
                &form,
                version,
                refused(mapped(&error), error.status()),
            )),
            Err(other) => Err(PageError::from(other)),
        };
    }
    let version = if existing.is_none() { 0 } else { version };
    match ops::save_system(state, &frame.auth, id, &system_id, Some(&value), version).await {
        Ok(_) => Ok(see_other(&format!("{}/systems", frame.base))),
        Err(ApiError::Conflict(current)) => {
            let current_version = current.get("version").and_then(Value::as_i64).unwrap_or(0);
            let org = api::assessment_access(state, &frame.auth, id, Access::Edit)
                .await?
                .0;
            let by = who(
                state,
                &org,
                &frame.auth,
                current.get("updated_by").and_then(Value::as_str),
            )
            .await;
            let at = when(
                current
                    .get("updated_at")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
            );
            let outcome = match existing {
                Some(_) => SystemOutcome {
                    status: StatusCode::CONFLICT,
                    changed: Some(Changed { by, at }),
                    ..SystemOutcome::shown()
                },
                None => refused(
                    vec![problem(
                        "Id",
                        "id",
                        format!(
                            "Id: {by} added an AI system with the id \u{201c}{system_id}\u{201d} meanwhile: choose another id."
                        ),
                    )],
                    StatusCode::CONFLICT,
                ),
            };
            Ok(system_page(
                state,
                frame,
                existing,
                &form,
                current_version,
                outcome,
            ))
        }
        Err(error) if is_refusal(&error) => Ok(system_page(
            state,
            frame,
            existing,
            &form,
            version,
            refused(mapped(&error), error.status()),
        )),
        Err(other) => Err(PageError::from(other)),
    }
}

#[derive(Template, Debug)]
#[template(path = "forms/system_remove.html")]
struct RemovePage {
    frame: Frame,
    tabs: Vec<SharedTab>,
    base: String,
    action: String,
    csrf: String,
    version: i64,
    name: String,
}

pub async fn confirm_remove(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path((id, system)): Path<(String, String)>,
) -> PageResult<Response> {
    let frame = frame_for(
        &state,
        auth,
        &id,
        Access::Edit,
        false,
        "Remove an AI system",
    )
    .await?;
    let (Some((stored, version)), _) = stored_system(&state, &id, &system).await? else {
        return Err(ApiError::NotFound.into());
    };
    let view = RemovePage {
        csrf: frame.auth.csrf().to_string(),
        action: format!(
            "{}/systems/{}/remove",
            frame.base,
            super::layout::url_encode(&system)
        ),
        frame: frame.frame,
        tabs: frame.tabs,
        base: frame.base,
        version,
        name: stored.name,
    };
    Ok(render(StatusCode::OK, &view))
}

pub async fn remove_system(
    State(state): State<AppState>,
    Path((id, system)): Path<(String, String)>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    api::assessment_access(&state, &auth, &id, Access::Edit).await?;
    if stored_system(&state, &id, &system).await?.0.is_none() {
        return Err(ApiError::NotFound.into());
    }
    let version = fields
        .get("version")
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| {
            ApiError::BadRequest(
                "The form lacks the version of the AI system it was opened with: reload the page and remove it again.".into(),
            )
        })?;
    ops::save_system(&state, &auth, &id, &system, None, version).await?;
    Ok(see_other(&format!("/assessments/{id}/systems")))
}

// ---- the profile and certifications ----------------------------------------------------------

/// One certification row's values.
#[derive(Clone, Debug, Default, PartialEq)]
struct CertificationForm {
    framework: String,
    status: String,
    valid_until: String,
    scope_covers_ai: bool,
    report: String,
    categories: Vec<String>,
    /// The stored state of single controls, which the form does not show: kept as it was.
    controls: BTreeMap<String, Located<String>>,
}

/// The profile's form values: stored, or as posted.
#[derive(Clone, Debug, Default, PartialEq)]
struct ProfileForm {
    org_name: String,
    employees: String,
    sector: String,
    jurisdictions: Vec<String>,
    team_fte: String,
    as_of: String,
    certifications: Vec<CertificationForm>,
}

impl ProfileForm {
    fn from_profile(profile: &Profile) -> ProfileForm {
        let org = &profile.organization.value;
        ProfileForm {
            org_name: org.name.clone(),
            employees: org
                .employees
                .as_ref()
                .map(|e| e.value.to_string())
                .unwrap_or_default(),
            sector: org.sector.clone().unwrap_or_default(),
            jurisdictions: org.jurisdictions.clone(),
            team_fte: org
                .team_fte
                .as_ref()
                .map(|t| t.value.to_string())
                .unwrap_or_default(),
            as_of: profile
                .as_of
                .as_ref()
                .map(|d| d.value.clone())
                .unwrap_or_default(),
            certifications: profile
                .certifications
                .iter()
                .map(|c| CertificationForm {
                    framework: c.framework.value.clone(),
                    status: c.status.value.clone(),
                    valid_until: c
                        .valid_until
                        .as_ref()
                        .map(|d| d.value.clone())
                        .unwrap_or_default(),
                    scope_covers_ai: c.scope_covers_ai,
                    report: c
                        .report
                        .as_ref()
                        .map(|r| r.value.clone())
                        .unwrap_or_default(),
                    categories: c.categories.iter().map(|c| c.value.clone()).collect(),
                    controls: c.controls.clone(),
                })
                .collect(),
        }
    }

    /// The values posted; `stored` gives each row the controls it held, when its framework is
    /// unchanged.
    fn from_fields(fields: &Fields, stored: Option<&Profile>) -> ProfileForm {
        let certifications = (0..MAX_CERTIFICATIONS)
            .map(|i| {
                let key = |name: &str| format!("c{i}_{name}");
                let framework = one(fields, &key("framework"));
                let controls = stored
                    .and_then(|p| p.certifications.get(i))
                    .filter(|c| c.framework.value == framework)
                    .map(|c| c.controls.clone())
                    .unwrap_or_default();
                CertificationForm {
                    framework,
                    status: one(fields, &key("status")),
                    valid_until: one(fields, &key("valid_until")),
                    scope_covers_ai: fields.get(&key("scope_covers_ai")).is_some(),
                    report: one(fields, &key("report")),
                    categories: all(fields, &key("category")),
                    controls,
                }
            })
            .filter(|c| !c.framework.is_empty())
            .collect();
        ProfileForm {
            org_name: clip(&one(fields, "org_name")),
            employees: one(fields, "employees"),
            sector: one(fields, "sector"),
            jurisdictions: all(fields, "jur"),
            team_fte: one(fields, "team_fte"),
            as_of: one(fields, "as_of"),
            certifications,
        }
    }

    /// The profile as stored, or the problems that keep it from being one.
    fn to_profile(&self) -> Result<Profile, Vec<Problem>> {
        let mut problems = Vec::new();
        if self.org_name.is_empty() {
            problems.push(problem(
                "Organisation name",
                "org_name",
                "Organisation name: give the name of the organisation assessed.".into(),
            ));
        }
        let employees = if self.employees.is_empty() {
            None
        } else {
            match self.employees.replace([',', '_', ' '], "").parse::<i64>() {
                Ok(n) => Some(Located::new(n)),
                Err(_) => {
                    problems.push(problem(
                        "Employees",
                        "employees",
                        format!(
                            "Employees: \u{201c}{}\u{201d} is not a whole number; give the head count, e.g. 120.",
                            self.employees
                        ),
                    ));
                    None
                }
            }
        };
        let team_fte = if self.team_fte.is_empty() {
            None
        } else {
            match self.team_fte.replace(',', ".").parse::<f64>() {
                Ok(n) if n.is_finite() => Some(Located::new(n)),
                _ => {
                    problems.push(problem(
                        "Team",
                        "team_fte",
                        format!(
                            "Team: \u{201c}{}\u{201d} is not a number; give the full-time equivalents working on certification, e.g. 1.5.",
                            self.team_fte
                        ),
                    ));
                    None
                }
            }
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        let located = |text: &str| (!text.is_empty()).then(|| Located::new(text.to_string()));
        Ok(Profile {
            aimsgap: Located::new(aimsgap_wire::assessment::FORMAT_VERSION),
            as_of: located(&self.as_of),
            organization: Located::new(Organization {
                name: self.org_name.clone(),
                employees,
                sector: (!self.sector.is_empty()).then(|| self.sector.clone()),
                jurisdictions: self.jurisdictions.clone(),
                team_fte,
            }),
            certifications: self
                .certifications
                .iter()
                .map(|c| {
                    Located::new(Certification {
                        framework: Located::new(c.framework.clone()),
                        status: Located::new(if c.status.is_empty() {
                            "certified".to_string()
                        } else {
                            c.status.clone()
                        }),
                        valid_until: located(&c.valid_until),
                        scope_covers_ai: c.scope_covers_ai,
                        report: located(&c.report),
                        categories: c
                            .categories
                            .iter()
                            .map(|v| Located::new(v.clone()))
                            .collect(),
                        controls: c.controls.clone(),
                    })
                })
                .collect(),
        })
    }
}

/// The form's field for a field path of the engine about the profile
/// (`certifications[1].valid_until` is row 2's "valid until").
fn profile_field(path: &str) -> Option<FormField> {
    let path = path.strip_prefix("profile.").unwrap_or(path);
    match path {
        "organization.name" => Some(FormField::new("Organisation name", "org_name")),
        "organization.employees" => Some(FormField::new("Employees", "employees")),
        "organization.team_fte" => Some(FormField::new("Team", "team_fte")),
        "organization.sector" => Some(FormField::new("Sector", "sector")),
        p if p.starts_with("organization.jurisdictions") => {
            Some(FormField::new("Jurisdictions", "jur"))
        }
        "as_of" => Some(FormField::new("Assessment date", "as_of")),
        _ => {
            let (index, rest) = path.strip_prefix("certifications[")?.split_once("].")?;
            let index = index.parse::<usize>().ok()?;
            let field = rest.split(['[', '.']).next().unwrap_or("");
            let (words, name) = match field {
                "framework" => ("framework", "framework"),
                "status" => ("status", "status"),
                "valid_until" => ("valid until", "valid_until"),
                "report" => ("SOC 2 report", "report"),
                "categories" => ("categories", "category"),
                _ => ("framework", "framework"),
            };
            Some(FormField::new(
                format!("Certification {} {words}", index.saturating_add(1)),
                &format!("c{index}_{name}"),
            ))
        }
    }
}

/// One certification row as the form shows it.
#[derive(Debug)]
struct CertificationRow {
    index: usize,
    frameworks: Vec<Choice>,
    statuses: Vec<Choice>,
    valid_until: String,
    scope: Vec<Choice>,
    reports: Vec<Choice>,
    categories: Vec<Choice>,
}

impl CertificationRow {
    fn key(&self, field: &str) -> String {
        format!("c{}_{field}", self.index)
    }

    fn number(&self) -> usize {
        self.index.saturating_add(1)
    }
}

/// The profile's fields as `templates/forms/profile_fields.html` shows them.
#[derive(Debug)]
struct ProfileFields {
    org_name: String,
    employees: String,
    sectors: Vec<Choice>,
    jurisdictions: Vec<Choice>,
    team_fte: String,
    as_of: String,
    certifications: Vec<CertificationRow>,
    problems: Vec<Problem>,
}

impl ProfileFields {
    fn new(catalog: &Catalog, form: &ProfileForm, problems: &[Problem]) -> ProfileFields {
        let frameworks: Vec<(String, String)> = aimsgap_assess::certifiable(catalog)
            .into_iter()
            .map(|id| (id.to_string(), framework_label(catalog, id)))
            .collect();
        let frameworks = with_none("None (leave the row empty)", frameworks);
        // The stored rows and one empty row to add another.
        let rows = (form.certifications.len() + 1).min(MAX_CERTIFICATIONS);
        ProfileFields {
            org_name: form.org_name.clone(),
            employees: form.employees.clone(),
            sectors: choices_keeping(&owned(SECTORS), std::slice::from_ref(&form.sector)),
            jurisdictions: choices_keeping(&owned(JURISDICTIONS), &form.jurisdictions),
            team_fte: form.team_fte.clone(),
            as_of: form.as_of.clone(),
            certifications: (0..rows)
                .map(|index| {
                    let row = form.certifications.get(index).cloned().unwrap_or_default();
                    let scope = if row.scope_covers_ai {
                        vec!["yes".to_string()]
                    } else {
                        Vec::new()
                    };
                    CertificationRow {
                        index,
                        frameworks: choices_keeping(
                            &frameworks,
                            std::slice::from_ref(&row.framework),
                        ),
                        statuses: choices_keeping(
                            &owned(CERTIFICATION_STATUSES),
                            std::slice::from_ref(&row.status),
                        ),
                        valid_until: row.valid_until.clone(),
                        scope: choices_keeping(
                            &[(
                                "yes".to_string(),
                                "Its scope covers our AI systems".to_string(),
                            )],
                            &scope,
                        ),
                        reports: choices_keeping(
                            &owned(REPORTS),
                            std::slice::from_ref(&row.report),
                        ),
                        categories: choices_keeping(&owned(CATEGORIES), &row.categories),
                    }
                })
                .collect(),
            problems: problems.to_vec(),
        }
    }

    fn error(&self, field: &str) -> &str {
        error_at(&self.problems, field)
    }
}

#[derive(Template, Debug)]
#[template(path = "forms/profile.html")]
struct ProfilePage {
    frame: Frame,
    tabs: Vec<SharedTab>,
    base: String,
    csrf: String,
    version: i64,
    can_edit: bool,
    saved: bool,
    changed: Option<Changed>,
    prof: ProfileFields,
    problems: Vec<Problem>,
    problems_lead: &'static str,
}

/// The stored profile with its version.
async fn stored_profile(state: &AppState, id: &str) -> PageResult<(Profile, i64)> {
    let stored = state
        .store
        .assessment(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let value = stored
        .profile
        .value
        .as_ref()
        .ok_or_else(|| ApiError::Internal("the assessment has no profile".into()))?;
    let profile = <Profile as serde::Deserialize>::deserialize(value)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((profile, stored.profile.version))
}

#[allow(clippy::too_many_arguments)]
fn profile_page(
    state: &AppState,
    frame: AssessmentFrame,
    form: &ProfileForm,
    version: i64,
    saved: bool,
    changed: Option<Changed>,
    problems: Vec<Problem>,
    status: StatusCode,
) -> Response {
    let view = ProfilePage {
        csrf: frame.auth.csrf().to_string(),
        frame: frame.frame,
        tabs: frame.tabs,
        base: frame.base,
        version,
        can_edit: frame.can_edit,
        saved,
        changed,
        prof: ProfileFields::new(&state.catalog, form, &problems),
        problems,
        problems_lead: "The profile was not saved:",
    };
    render(status, &view)
}

pub async fn profile(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let frame = frame_for(
        &state,
        auth,
        &id,
        Access::Read,
        true,
        "Profile and certifications",
    )
    .await?;
    let (stored, version) = stored_profile(&state, &id).await?;
    Ok(profile_page(
        &state,
        frame,
        &ProfileForm::from_profile(&stored),
        version,
        query.iter().any(|(k, v)| k == "saved" && v == "1"),
        None,
        Vec::new(),
        StatusCode::OK,
    ))
}

pub async fn save_profile(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let frame = frame_for(
        &state,
        auth,
        &id,
        Access::Edit,
        true,
        "Profile and certifications",
    )
    .await?;
    let (stored, _) = stored_profile(&state, &id).await?;
    let version = fields
        .get("version")
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| {
            ApiError::BadRequest(
                "The form lacks the version of the profile it was opened with: reload the page and edit it again.".into(),
            )
        })?;
    let form = ProfileForm::from_fields(&fields, Some(&stored));
    let profile = match form.to_profile() {
        Ok(profile) => profile,
        Err(problems) => {
            return Ok(profile_page(
                &state,
                frame,
                &form,
                version,
                false,
                None,
                problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let map = match serde_json::to_value(&profile) {
        Ok(Value::Object(map)) => map,
        _ => return Err(ApiError::Internal("a profile that is no object".into()).into()),
    };
    match ops::save_profile(&state, &frame.auth, &id, &map, version).await {
        Ok(_) => Ok(see_other(&format!("{}/profile?saved=1", frame.base))),
        Err(ApiError::Conflict(current)) => {
            // Someone saved first: their values are shown, with their version, to edit again.
            let (now, now_version) = stored_profile(&state, &id).await?;
            let org = api::assessment_access(&state, &frame.auth, &id, Access::Edit)
                .await?
                .0;
            let by = who(
                &state,
                &org,
                &frame.auth,
                current.get("updated_by").and_then(Value::as_str),
            )
            .await;
            let at = when(
                current
                    .get("updated_at")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
            );
            Ok(profile_page(
                &state,
                frame,
                &ProfileForm::from_profile(&now),
                now_version,
                false,
                Some(Changed { by, at }),
                Vec::new(),
                StatusCode::CONFLICT,
            ))
        }
        Err(error) if is_refusal(&error) => {
            let problems = error.problems(&profile_field);
            Ok(profile_page(
                &state,
                frame,
                &form,
                version,
                false,
                None,
                problems,
                error.status(),
            ))
        }
        Err(other) => Err(PageError::from(other)),
    }
}

// ---- a new assessment ------------------------------------------------------------------------

#[derive(Template, Debug)]
#[template(path = "forms/new_assessment.html")]
struct NewAssessmentPage {
    frame: Frame,
    org: String,
    csrf: String,
    assessment_name: String,
    name_error: String,
    prof: ProfileFields,
    sys: SystemFields,
    problems: Vec<Problem>,
    problems_lead: &'static str,
}

async fn org_frame(state: &AppState, auth: &Auth, org: &str) -> PageResult<Frame> {
    let name = state
        .store
        .organization(org)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok(Frame::new("New assessment", Some(auth)).with_crumbs(vec![
        Crumb::new("/orgs", "Your organisations"),
        Crumb::new(format!("/orgs/{org}"), name),
    ]))
}

#[allow(clippy::too_many_arguments)]
fn new_assessment_page(
    state: &AppState,
    frame: Frame,
    auth: &Auth,
    org: &str,
    name: &str,
    profile: &ProfileForm,
    system: &SystemForm,
    problems: Vec<Problem>,
    status: StatusCode,
) -> Response {
    let view = NewAssessmentPage {
        frame,
        org: org.to_string(),
        csrf: auth.csrf().to_string(),
        assessment_name: name.to_string(),
        name_error: error_at(&problems, "name").to_string(),
        prof: ProfileFields::new(&state.catalog, profile, &problems),
        sys: SystemFields::new(&state.catalog, system, "s_", true, &problems),
        problems,
        problems_lead: "The assessment was not created:",
    };
    render(status, &view)
}

pub async fn new_assessment(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(org): Path<String>,
) -> PageResult<Response> {
    crate::policy::org_access(&state, &auth, &org, Access::OrgEditor).await?;
    let frame = org_frame(&state, &auth, &org).await?;
    Ok(new_assessment_page(
        &state,
        frame,
        &auth,
        &org,
        "",
        &ProfileForm::default(),
        &SystemForm::default(),
        Vec::new(),
        StatusCode::OK,
    ))
}

pub async fn create_assessment(
    State(state): State<AppState>,
    Path(org): Path<String>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    crate::policy::org_access(&state, &auth, &org, Access::OrgEditor).await?;
    let name = clip(&one(&fields, "name"));
    let profile_form = ProfileForm::from_fields(&fields, None);
    let system_form = SystemForm::from_fields(&fields, "s_");
    let mut problems = Vec::new();
    if name.is_empty() {
        problems.push(problem(
            "Name of the assessment",
            "name",
            "Name of the assessment: give it a name, e.g. \u{201c}AIMS gap 2026\u{201d}.".into(),
        ));
    }
    let profile = match profile_form.to_profile() {
        Ok(profile) => Some(profile),
        Err(more) => {
            problems.extend(more);
            None
        }
    };
    let system = system_form.touched().then(|| {
        problems.extend(system_form.problems("s_"));
        let id = if system_form.id.is_empty() {
            id_from_name(&system_form.name, &[])
        } else {
            system_form.id.clone()
        };
        system_form.to_system(&id)
    });
    let frame = org_frame(&state, &auth, &org).await?;
    let refused = |problems: Vec<Problem>, status: StatusCode| -> PageResult<Response> {
        Ok(new_assessment_page(
            &state,
            frame.clone(),
            &auth,
            &org,
            &name,
            &profile_form,
            &system_form,
            problems,
            status,
        ))
    };
    let Some(profile) = profile.filter(|_| problems.is_empty()) else {
        return refused(problems, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let document = Document::from_parts(profile, system, Vec::new());
    let value = serde_json::to_value(&document).map_err(|e| ApiError::Internal(e.to_string()))?;
    match ops::import(&state, &auth, &org, &name, None, Some(&value)).await {
        Ok((meta, _)) => Ok(see_other(&format!("/assessments/{}", meta.id))),
        Err(error) if is_refusal(&error) => {
            let system_fields = system_field("s_");
            let problems =
                error.problems(&|path: &str| profile_field(path).or_else(|| system_fields(path)));
            refused(problems, error.status())
        }
        Err(other) => Err(PageError::from(other)),
    }
}

/// The AI-system form's choices for the facts an AI-BOM cannot state (role, markets, Annex III
/// area), the given values chosen: the AI-BOM import's confirmation page asks them.
pub(super) fn bom_question_choices(
    catalog: &Catalog,
    role: &str,
    markets: &[String],
    area: &str,
) -> [Vec<Choice>; 3] {
    [
        choices_keeping(&owned(ROLES), &[role.to_string()]),
        choices_keeping(&owned(JURISDICTIONS), markets),
        choices_keeping(
            &with_none("None", list(catalog, "eu-ai-act", "annex_iii_areas")),
            &[area.to_string()],
        ),
    ]
}
