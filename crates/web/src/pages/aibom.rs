//! The AI-BOM import on the AI-systems tab: a form that uploads a CycloneDX ML-BOM
//! (multipart), a confirmation page listing the draft systems with the questions the BOM could
//! not answer as fields (role, markets, Annex III area, with the AI-system form's choices), and
//! "Add these systems", which adds the chosen ones in one transaction. Nothing is stored before
//! that; the drafts travel in the confirmation form's fields.

use super::assessment::{AssessmentFrame, SharedTab, frame_for};
use super::layout::{Choice, Frame, render, see_other};
use super::{PageResult, Signed};
use crate::auth::{Fields, FormAuth, Via, identify};
use crate::error::{ApiError, Problem};
use crate::{Access, AppState, security};
use aimsgap_wire::assessment::{AiSystem, Located};
use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;

const TITLE: &str = "Import AI systems from an AI-BOM";

#[derive(Template, Debug)]
#[template(path = "aibom/upload.html")]
struct UploadPage {
    frame: Frame,
    tabs: Vec<SharedTab>,
    base: String,
    csrf: String,
    problems: Vec<Problem>,
    problems_lead: &'static str,
}

#[derive(Template, Debug)]
#[template(path = "aibom/confirm.html")]
struct ConfirmPage {
    frame: Frame,
    tabs: Vec<SharedTab>,
    base: String,
    csrf: String,
    drafts: Vec<DraftView>,
    problems: Vec<Problem>,
    problems_lead: &'static str,
}

/// One draft system on the confirmation page; its fields are named `s<index>.<field>`.
#[derive(Debug)]
struct DraftView {
    index: usize,
    include: bool,
    id: String,
    name: String,
    description: String,
    generates_synthetic_content: bool,
    /// Where it came from in the BOM, in words.
    sources: String,
    /// The questions that are not fields here, to answer later on the system's own form.
    later: Vec<&'static str>,
    roles: Vec<Choice>,
    markets: Vec<Choice>,
    areas: Vec<Choice>,
}

impl DraftView {
    fn key(&self, field: &str) -> String {
        format!("s{}.{field}", self.index)
    }

    /// The element id of the "Add this system" box.
    fn include_id(&self) -> String {
        format!("f-{}", super::layout::field_id(&self.key("include")))
    }
}

/// The questions asked as fields on this page; the others are listed to answer later.
const ASKED: [&str; 3] = ["role", "markets", "annex_iii_area"];

fn upload_page(frame: AssessmentFrame, status: StatusCode, problems: Vec<Problem>) -> Response {
    let view = UploadPage {
        csrf: frame.auth.csrf().to_string(),
        frame: frame.frame,
        tabs: frame.tabs,
        base: frame.base,
        problems,
        problems_lead: "The AI-BOM was not read:",
    };
    render(status, &view)
}

pub async fn form(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let frame = frame_for(&state, auth, &id, Access::Edit, false, TITLE).await?;
    Ok(upload_page(frame, StatusCode::OK, Vec::new()))
}

fn problem(sentence: String) -> Vec<Problem> {
    vec![Problem {
        sentence,
        field: None,
    }]
}

fn unreadable(error: &axum::extract::multipart::MultipartError) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge
    } else {
        ApiError::BadRequest(
            "The upload could not be read: choose the file again and send it from the import page."
                .into(),
        )
    }
}

/// The uploaded BOM read into drafts, shown for confirmation; a bad BOM shows the upload form
/// again with where the BOM is wrong.
pub async fn upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> PageResult<Response> {
    let (parts, body) = request.into_parts();
    let auth = identify(&parts, &state).await?;
    let headers = parts.headers.clone();
    let frame = frame_for(&state, auth, &id, Access::Edit, false, TITLE).await?;
    let mut multipart = Multipart::from_request(Request::from_parts(parts, body), &state)
        .await
        .map_err(|_| {
            ApiError::BadRequest(
                "The upload could not be read: send the file from the import page.".into(),
            )
        })?;
    let mut csrf = String::new();
    let mut bom = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|e| unreadable(&e))? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(|e| unreadable(&e))?,
            Some("bom") => bom = field.bytes().await.map_err(|e| unreadable(&e))?.to_vec(),
            _ => {}
        }
    }
    if let Via::Session { csrf: expected, .. } = &frame.auth.via {
        security::check_csrf_token(&headers, expected, &csrf)?;
    }
    if bom.is_empty() {
        return Ok(upload_page(
            frame,
            StatusCode::UNPROCESSABLE_ENTITY,
            problem("Choose a CycloneDX JSON file (an ML-BOM) to import.".into()),
        ));
    }
    let import = match crate::ops::aibom::drafts(&state, &id, &bom).await {
        Ok(import) => import,
        Err(ApiError::Invalid(message)) => {
            return Ok(upload_page(
                frame,
                StatusCode::UNPROCESSABLE_ENTITY,
                problem(message),
            ));
        }
        Err(other) => return Err(other.into()),
    };
    let drafts = import
        .drafts
        .iter()
        .enumerate()
        .map(|(index, draft)| {
            let later = draft
                .questions
                .iter()
                .filter(|q| !ASKED.contains(&q.field()))
                .map(|q| q.text())
                .collect();
            view(
                &state,
                index,
                true,
                &draft.system,
                draft.sources.join(", "),
                later,
            )
        })
        .collect();
    Ok(confirm_page(frame, StatusCode::OK, drafts, Vec::new()))
}

fn view(
    state: &AppState,
    index: usize,
    include: bool,
    system: &AiSystem,
    sources: String,
    later: Vec<&'static str>,
) -> DraftView {
    let role = system
        .role
        .as_ref()
        .map(|r| r.value.clone())
        .unwrap_or_default();
    let area = system
        .annex_iii_area
        .as_ref()
        .map(|a| a.value.clone())
        .unwrap_or_default();
    let [roles, markets, areas] =
        super::forms::bom_question_choices(&state.catalog, &role, &system.markets, &area);
    DraftView {
        index,
        include,
        id: system.id.value.clone(),
        name: system.name.clone(),
        description: system.description.clone().unwrap_or_default(),
        generates_synthetic_content: system.generates_synthetic_content,
        sources,
        later,
        roles,
        markets,
        areas,
    }
}

fn confirm_page(
    frame: AssessmentFrame,
    status: StatusCode,
    drafts: Vec<DraftView>,
    problems: Vec<Problem>,
) -> Response {
    let view = ConfirmPage {
        csrf: frame.auth.csrf().to_string(),
        frame: frame.frame,
        tabs: frame.tabs,
        base: frame.base,
        drafts,
        problems,
        problems_lead: "The AI systems were not added:",
    };
    render(status, &view)
}

fn all(fields: &Fields, name: &str) -> Vec<String> {
    fields
        .0
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.clone())
        .collect()
}

/// The drafts as the confirmation form sent them back, with whether each is to be added.
fn posted(fields: &Fields) -> Vec<(bool, AiSystem, String)> {
    let count = fields
        .get("count")
        .and_then(|c| c.parse::<usize>().ok())
        .unwrap_or(0)
        .min(aimsgap_wire::limits::MAX_AI_SYSTEMS);
    (0..count)
        .filter_map(|index| {
            let get = |field: &str| fields.get(&format!("s{index}.{field}")).map(str::trim);
            let id = get("id")?.to_string();
            let text = |field: &str| get(field).filter(|v| !v.is_empty()).map(str::to_string);
            let system = AiSystem {
                id: Located::new(id),
                name: get("name").unwrap_or_default().to_string(),
                description: text("description"),
                role: text("role").map(Located::new),
                markets: all(fields, &format!("s{index}.market")),
                annex_iii_area: text("annex_iii_area").map(Located::new),
                generates_synthetic_content: get("generates_synthetic_content") == Some("true"),
                ..AiSystem::default()
            };
            let include = get("include") == Some("yes");
            Some((include, system, text("sources").unwrap_or_default()))
        })
        .collect()
}

/// "Add these systems": the chosen drafts are added in one transaction, then the inventory
/// is shown; refused values show the confirmation page again with the reasons.
pub async fn confirm(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let frame = frame_for(&state, auth, &id, Access::Edit, false, TITLE).await?;
    let drafts = posted(&fields);
    let chosen: Vec<AiSystem> = drafts
        .iter()
        .filter(|(include, ..)| *include)
        .map(|(_, system, _)| system.clone())
        .collect();
    let refused = if chosen.is_empty() {
        Some(problem(
            "Tick at least one AI system to add, or go back to the inventory.".into(),
        ))
    } else {
        match crate::ops::aibom::add(&state, &frame.auth, &id, &chosen).await {
            Ok(()) => None,
            Err(error @ (ApiError::Located(_) | ApiError::Invalid(_) | ApiError::Exists(_))) => {
                Some(error.problems(&|_| None))
            }
            Err(other) => return Err(other.into()),
        }
    };
    match refused {
        None => Ok(see_other(&format!("{}/systems", frame.base))),
        Some(problems) => {
            let views = drafts
                .iter()
                .enumerate()
                .map(|(index, (include, system, sources))| {
                    view(&state, index, *include, system, sources.clone(), Vec::new())
                })
                .collect();
            Ok(confirm_page(
                frame,
                StatusCode::UNPROCESSABLE_ENTITY,
                views,
                problems,
            ))
        }
    }
}
