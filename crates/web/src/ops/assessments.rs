//! Assessments: import, validation, optimistic writes of their parts, and their results.
//!
//! Every write is validated before it is stored, so the store only ever holds assessments the
//! engine can assess: an import as a whole, a write of one answer, AI system or profile as that
//! item against the stored profile (see "one item at a time" below).

use crate::auth::Auth;
use crate::cache::{Cached, Computed, Need};
use crate::error::{ApiError, ApiResult};
use crate::{Access, AppState, policy};
use aimsgap_assess::Assessment;
use aimsgap_catalog::Date;
use aimsgap_store::{AssessmentMeta, ItemContext, Versioned};
use aimsgap_wire::assessment::Document;
use serde_json::{Map, Value};
use std::sync::Arc;

/// The engine's located errors about an assessment file, as one answer.
pub(crate) fn located(errors: &[aimsgap_catalog::Error]) -> ApiError {
    ApiError::Located(errors.to_vec())
}

/// Refuses a document with more entries than a limit of `aimsgap_wire::limits` allows as too
/// large (413), naming each count; texts too long are the engine reader's errors (422).
fn within_counts(name: &str, document: &Document) -> ApiResult<()> {
    match aimsgap_assess::check_limits(name, document) {
        Err(over) if over.too_large => Err(ApiError::OverLimit(over.errors)),
        _ => Ok(()),
    }
}

/// Which evidence a write vouches for, and so which is checked against the assessment date.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Dated<'a> {
    /// The whole document: an import, or a profile that may move the assessment date.
    All,
    /// One answer: the one being written.
    Answer(&'a str),
    /// None: the write holds no evidence (an AI system).
    Nothing,
}

/// Evidence dated after the assessment date, refused as located errors: a record cannot back
/// an answer on a day before it existed. The engine, which also reads files written before this
/// rule, leaves such evidence uncounted and says so; a write through the server refuses it, so
/// that nothing is stored that the result would then silently ignore.
pub(crate) fn future_evidence(
    name: &str,
    document: &Document,
    as_of: aimsgap_catalog::Date,
    dated: Dated<'_>,
) -> Vec<aimsgap_catalog::Error> {
    let mut errors = Vec::new();
    for (id, answer) in &document.answers {
        let checked = match dated {
            Dated::All => true,
            Dated::Answer(only) => id == only,
            Dated::Nothing => false,
        };
        if !checked {
            continue;
        }
        for (index, evidence) in answer.value.evidence.iter().enumerate() {
            let Some(date) = &evidence.date else {
                continue;
            };
            let Ok(day) = aimsgap_catalog::Date::parse(&date.value) else {
                continue;
            };
            if day > as_of {
                errors.push(aimsgap_catalog::Error {
                    location: aimsgap_catalog::Location {
                        file: name.to_string(),
                        line: date.line,
                        column: date.column,
                    },
                    field: format!("answers.{id}.evidence[{index}].date"),
                    kind: aimsgap_catalog::ErrorKind::Invalid(format!(
                        "Evidence `{}` is dated {day}, after the assessment date {as_of}: record \
                         evidence that exists on the assessment date, or move the assessment date.",
                        evidence.reference
                    )),
                });
            }
        }
    }
    errors
}

/// Validates an assessment file document with the engine's parser, after its counts, and
/// refuses the evidence `dated` names when it is dated after the assessment date.
pub(crate) fn validate(
    state: &AppState,
    name: &str,
    document: &Value,
    dated: Dated<'_>,
) -> ApiResult<Assessment> {
    // A value that is no document is left to the parser, whose errors say why.
    let parsed = <Document as serde::Deserialize>::deserialize(document).ok();
    if let Some(parsed) = &parsed {
        within_counts(name, parsed)?;
    }
    let text =
        serde_json::to_string_pretty(document).map_err(|e| ApiError::Internal(e.to_string()))?;
    let assessment = aimsgap_assess::parse_assessment(name, &text, &state.catalog, super::today())
        .map_err(|errors| located(&errors))?;
    if let Some(parsed) = &parsed {
        let future = future_evidence(name, parsed, assessment.as_of, dated);
        if !future.is_empty() {
            return Err(ApiError::Located(future));
        }
    }
    Ok(assessment)
}

/// Validates an assessment file's text (YAML or JSON) as written, so errors name its own
/// lines, and returns its document to store with a sentence per ISO/IEC 42001 id it renamed.
pub(crate) fn parse_file(
    state: &AppState,
    name: &str,
    content: &str,
) -> ApiResult<(Document, Vec<String>)> {
    let document =
        aimsgap_assess::read_document(name, content).map_err(|errors| located(&errors))?;
    within_counts(name, &document)?;
    let assessment =
        aimsgap_assess::parse_assessment(name, content, &state.catalog, super::today())
            .map_err(|errors| located(&errors))?;
    let future = future_evidence(name, &document, assessment.as_of, Dated::All);
    if !future.is_empty() {
        return Err(ApiError::Located(future));
    }
    Ok(current_format(state, document))
}

/// A document as the store keeps it: in the current format, a format 1 file's ISO/IEC 42001
/// ids renamed to today's, with one sentence per renamed id ("6.1.3.d is now 6.1.3.f ...").
fn current_format(state: &AppState, document: Document) -> (Document, Vec<String>) {
    let (upgraded, renamed) = aimsgap_assess::upgrade(&document, &state.catalog);
    let notices = renamed.iter().map(ToString::to_string).collect();
    match upgraded {
        std::borrow::Cow::Owned(upgraded) => (upgraded, notices),
        std::borrow::Cow::Borrowed(_) => (document, notices),
    }
}

/// Imports an assessment into an organisation, from the file's text or a JSON document.
pub(crate) async fn import(
    state: &AppState,
    auth: &Auth,
    org: &str,
    name: &str,
    content: Option<&str>,
    document: Option<&Value>,
) -> ApiResult<(AssessmentMeta, Vec<String>)> {
    policy::org_access(state, auth, org, Access::OrgEditor).await?;
    let name = super::accounts::text("name", name, 200)?;
    let (document, renamed) = match (content, document) {
        (Some(content), _) => parse_file(state, name, content)?,
        (None, Some(document)) => {
            validate(state, name, document, Dated::All)?;
            let document = serde_json::from_value::<Document>(document.clone())
                .map_err(|e| ApiError::Invalid(format!("{name}: {e}")))?;
            current_format(state, document)
        }
        (None, None) => {
            return Err(ApiError::BadRequest(
                "give `content` (the assessment file's text, YAML or JSON) or `document` (JSON)"
                    .into(),
            ));
        }
    };
    let meta = state
        .store
        .create_assessment(org, name, &document, &auth.user.id)
        .await?;
    Ok((meta, renamed))
}

/// The assessment file an assessment holds.
pub(crate) async fn stored(state: &AppState, id: &str) -> ApiResult<Document> {
    // One query for the content alone: the versions and names are not needed here.
    state
        .store
        .assessment_document(id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// The assessment file as stored, as a JSON value (for edits of one part).
pub(crate) async fn stored_document(state: &AppState, id: &str) -> ApiResult<Value> {
    serde_json::to_value(stored(state, id).await?).map_err(|e| ApiError::Internal(e.to_string()))
}

/// The engine's result for an assessment's current content as the API sends it: computed once
/// per revision (and per day, for a document without an as-of date), kept as gzip.
pub(crate) async fn current_result(
    state: &AppState,
    id: &str,
    revision: i64,
) -> ApiResult<Arc<Cached>> {
    current(state, id, revision, Need::Bytes).await
}

/// The engine's values (result and assessment) of an assessment's current content, for pages:
/// the same computation per revision as [`current_result`], shared with the API.
pub(crate) async fn current_values(
    state: &AppState,
    id: &str,
    revision: i64,
) -> ApiResult<Arc<Computed>> {
    current(state, id, revision, Need::Values)
        .await?
        .computed
        .clone()
        .ok_or_else(|| ApiError::Internal("a cached result without its values".into()))
}

/// The cache's entry of `revision`, computed here when missing: requests for the same
/// assessment that miss together wait for one computation.
async fn current(state: &AppState, id: &str, revision: i64, need: Need) -> ApiResult<Arc<Cached>> {
    let today = super::today();
    state
        .results
        .get_or_compute(id, revision, today, need, || async {
            let (computed, fixed) = assess_now(state, id, today).await?;
            let json = aimsgap_report::json::render_bytes(&computed.result);
            let day = (!fixed).then_some(today);
            Ok(Cached::new(revision, day, &json, Some(Arc::new(computed))))
        })
        .await
}

/// The engine's values of an assessment's current content from the cache the API and pages
/// share, for a signed-in caller already authorised: the revision is read here, so a handler
/// sees what its own request just changed. `NotFound` when the assessment is gone.
pub(crate) async fn latest(state: &AppState, auth: &Auth, id: &str) -> ApiResult<Arc<Computed>> {
    current_values(state, id, revision(state, auth, id).await?).await
}

/// The current revision of an assessment the caller was already authorised for.
pub(crate) async fn revision(state: &AppState, auth: &Auth, id: &str) -> ApiResult<i64> {
    let (_, revision, _) = state
        .store
        .assessment_access(id, &auth.user.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(revision)
}

/// Assesses an assessment's current content afresh, outside the cache: for the daily runs over
/// every assessment, which would otherwise push the results people are reading out of it.
pub(crate) async fn compute(
    state: &AppState,
    id: &str,
) -> ApiResult<(aimsgap_assess::AssessmentResult, Assessment)> {
    let (computed, _) = assess_now(state, id, super::today()).await?;
    Ok((computed.result, computed.assessment))
}

/// Assesses an assessment's current content as of `today` when it names no date; says whether
/// it names one (then the result holds on any day).
async fn assess_now(state: &AppState, id: &str, today: Date) -> ApiResult<(Computed, bool)> {
    let document = stored(state, id).await?;
    let fixed = document.as_of.is_some();
    // Results count the evidence register's items with the answers they back.
    let document = super::evidence::with_register(state, id, document).await?;
    let assessment = aimsgap_assess::from_document(id, &document, &state.catalog, today)
        .map_err(|errors| located(&errors))?;
    state.results.count_assessed();
    let result = aimsgap_assess::assess(&state.catalog, &assessment)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((Computed { result, assessment }, fixed))
}

/// The assessment as stored, without the evidence register's items: what the workbook's Answers
/// sheet shows and its import compares with, so that an unedited row matches.
pub(crate) async fn stored_assessment(state: &AppState, id: &str) -> ApiResult<Assessment> {
    let document = stored(state, id).await?;
    aimsgap_assess::from_document(id, &document, &state.catalog, super::today())
        .map_err(|errors| located(&errors))
}

/// Replaces the profile (everything but AI systems and answers) if its version is still
/// `version`, after validating the assessment it would make.
pub(crate) async fn save_profile(
    state: &AppState,
    auth: &Auth,
    id: &str,
    profile: &Map<String, Value>,
    version: i64,
) -> ApiResult<Versioned> {
    policy::assessment_access(state, auth, id, Access::Edit).await?;
    if profile.contains_key("ai_systems") || profile.contains_key("answers") {
        return Err(ApiError::BadRequest(
            "the profile holds neither ai_systems nor answers: edit those one at a time".into(),
        ));
    }
    // The profile holds no ids: a client that still writes format 1 in it keeps the stored
    // answers in the current format, which the profile's version then says.
    let mut profile = profile.clone();
    if profile.get("aimsgap").and_then(Value::as_i64)
        == Some(aimsgap_wire::assessment::OLDEST_FORMAT_VERSION)
    {
        profile.insert("aimsgap".into(), aimsgap_assess::FORMAT_VERSION.into());
    }
    let profile = Value::Object(profile);
    if !profile_is_valid(state, id, &profile).await? {
        // Refused: the whole document says why, as it always has (see `answer_is_valid`).
        let mut document = stored_document(state, id).await?;
        if let (Some(target), Some(profile)) = (document.as_object_mut(), profile.as_object()) {
            target.retain(|k, _| k == "ai_systems" || k == "answers");
            for (k, v) in profile {
                target.insert(k.clone(), v.clone());
            }
        }
        validate(state, "profile", &document, Dated::All)?;
    }
    Ok(state
        .store
        .put_profile(id, &profile, version, &auth.user.id)
        .await?)
}

/// Writes (or with `None` deletes) one answer if its version is still `version`, after
/// validating the assessment it would make.
pub(crate) async fn save_answer(
    state: &AppState,
    auth: &Auth,
    id: &str,
    requirement: &str,
    answer: Option<&Value>,
    version: i64,
) -> ApiResult<Versioned> {
    let context = policy::item_access(state, auth, id, Access::Edit, false).await?;
    if let Some(answer) = answer
        && !answer_is_valid(state, context, requirement, answer)
    {
        let mut document = stored_document(state, id).await?;
        if let Some(answers) = document.get_mut("answers").and_then(Value::as_object_mut) {
            answers.insert(requirement.to_string(), answer.clone());
        }
        validate(
            state,
            &format!("answers.{requirement}"),
            &document,
            Dated::Answer(requirement),
        )?;
    }
    Ok(state
        .store
        .put_answer(id, requirement, answer, version, &auth.user.id)
        .await?)
}

/// Writes (or with `None` deletes) one AI system if its version is still `version`, after
/// validating the assessment it would make.
pub(crate) async fn save_system(
    state: &AppState,
    auth: &Auth,
    id: &str,
    system: &str,
    value: Option<&Value>,
    version: i64,
) -> ApiResult<Versioned> {
    let context = policy::item_access(state, auth, id, Access::Edit, value.is_some()).await?;
    if let Some(value) = value {
        if value.get("id").and_then(Value::as_str) != Some(system) {
            return Err(ApiError::BadRequest(format!(
                "the system's `id` must be `{system}`, as in the path"
            )));
        }
        if system_is_valid(state, context, system, value) {
            return Ok(state
                .store
                .put_ai_system(id, system, Some(value), version, &auth.user.id)
                .await?);
        }
        let mut document = stored_document(state, id).await?;
        if let Some(systems) = document.get_mut("ai_systems").and_then(Value::as_array_mut) {
            match systems
                .iter_mut()
                .find(|s| s.get("id").and_then(Value::as_str) == Some(system))
            {
                Some(existing) => *existing = value.clone(),
                None => systems.push(value.clone()),
            }
        }
        validate(
            state,
            &format!("ai_systems.{system}"),
            &document,
            Dated::Nothing,
        )?;
    }
    Ok(state
        .store
        .put_ai_system(id, system, value, version, &auth.user.id)
        .await?)
}

// ---- one item at a time -------------------------------------------------------------------
//
// A write of one answer, AI system or profile is judged by `aimsgap_assess::item` against the
// stored profile and counts only, not the whole stored document: the stored document was valid
// when written, and only the written item and what it is read under can make it invalid. When
// the item is refused (or is no item at all), the write falls back to validating the whole
// document as before, so that a refusal names the same fields, lines and messages as it always
// has; refusals are rare and a person reads them, while valid writes are the many.

/// Whether one answer, written to the assessment of `context`, leaves it valid; `false` also
/// when the answer cannot be read, so that the whole document's validation says why.
fn answer_is_valid(
    state: &AppState,
    context: ItemContext,
    requirement: &str,
    answer: &Value,
) -> bool {
    let Ok(answer) = <aimsgap_wire::assessment::Answer as serde::Deserialize>::deserialize(answer)
    else {
        return false;
    };
    // Whether the answer is new or replaces one, the count stays within the limit; at the
    // limit, the whole document is judged.
    if context.answers >= aimsgap_wire::limits::MAX_ANSWERS {
        return false;
    }
    let answers = context.answers + 1;
    let name = format!("answers.{requirement}");
    let Ok(assessment) = aimsgap_assess::item::check_answer(
        &name,
        &context.profile,
        answers,
        requirement,
        &answer,
        &state.catalog,
        super::today(),
    ) else {
        return false;
    };
    let written = aimsgap_wire::assessment::Document::from_parts(
        context.profile,
        Vec::new(),
        [(requirement.to_string(), answer)],
    );
    future_evidence(
        &name,
        &written,
        assessment.as_of,
        Dated::Answer(requirement),
    )
    .is_empty()
}

/// Whether one AI system, written to the assessment of `context` in place of the one with its
/// id (or at the end of the inventory), leaves it valid.
fn system_is_valid(state: &AppState, context: ItemContext, system: &str, value: &Value) -> bool {
    let Ok(parsed) = <aimsgap_wire::assessment::AiSystem as serde::Deserialize>::deserialize(value)
    else {
        return false;
    };
    let stored = context.ai_systems.len();
    let (index, systems) = match context.ai_systems.iter().position(|s| s == system) {
        Some(index) => (index, stored),
        None => (stored, stored + 1),
    };
    aimsgap_assess::item::check_ai_system(
        &format!("ai_systems.{system}"),
        &context.profile,
        systems,
        index,
        &parsed,
        &state.catalog,
        super::today(),
    )
    .is_ok()
}

/// Whether a profile, written to the assessment `id`, leaves it valid: the profile on its own,
/// and the stored answers' evidence dates against the assessment date it sets, the one rule by
/// which a profile can refuse the answers (their ids and values do not depend on it).
async fn profile_is_valid(state: &AppState, id: &str, profile: &Value) -> ApiResult<bool> {
    let Ok(parsed) =
        <aimsgap_wire::assessment::Profile as serde::Deserialize>::deserialize(profile)
    else {
        return Ok(false);
    };
    let Ok(assessment) =
        aimsgap_assess::item::check_profile("profile", &parsed, &state.catalog, super::today())
    else {
        return Ok(false);
    };
    let stored = stored(state, id).await?;
    if stored.ai_systems.len() > aimsgap_wire::limits::MAX_AI_SYSTEMS
        || stored.answers.len() > aimsgap_wire::limits::MAX_ANSWERS
    {
        return Ok(false);
    }
    Ok(future_evidence("profile", &stored, assessment.as_of, Dated::All).is_empty())
}
