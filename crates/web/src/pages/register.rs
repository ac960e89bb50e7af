//! The gap register page and its CSV and XLSX exports, over [`crate::ops::register`].

use super::assessment::{Context, Tab, TabLink, context};
use super::layout::{Choice, Frame, render};
use super::summary::system_name;
use super::{PageResult, Signed};
use crate::error::ApiError;
use crate::ops::register::{Filter, NOBODY, SORTS, STATES, csv, register_of, xlsx};
use crate::{Access, AppState};
use aimsgap_assess::{AssessmentResult, Status};
use aimsgap_catalog::Date;
use aimsgap_wire::api::RegisterRow;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::BTreeSet;

/// One row as the page shows it.
#[derive(Debug)]
struct RowView {
    row: RegisterRow,
    href: String,
    status: &'static str,
    state: &'static str,
    systems: String,
    due_past: bool,
}

#[derive(Template, Debug)]
#[template(path = "assessment/register.html")]
struct RegisterPage<'a> {
    frame: Frame,
    tabs: Vec<TabLink>,
    id: &'a str,
    kinds: Vec<Choice>,
    groups: Vec<Choice>,
    owners: Vec<Choice>,
    states: Vec<Choice>,
    blockers: Vec<Choice>,
    due_before: String,
    systems: Vec<Choice>,
    laws: Vec<Choice>,
    sorts: Vec<Choice>,
    rows: Vec<RowView>,
    total: usize,
    /// The query of the filter, for the export links.
    query: String,
    exports: bool,
}

/// A select's options: "any" first, then `(value, text)`, the chosen one marked.
fn options(any: &str, list: Vec<(String, String)>, chosen: Option<&str>) -> Vec<Choice> {
    std::iter::once((String::new(), any.to_string()))
        .chain(list)
        .map(|(value, text)| Choice {
            chosen: chosen.unwrap_or("") == value,
            value,
            text,
        })
        .collect()
}

fn status_words(status: &str) -> &'static str {
    match Status::parse(status) {
        Some(Status::Gap) => "gap",
        Some(Status::Partial) => "partial",
        Some(Status::Unknown) => "unknown",
        Some(Status::Met) => "met",
        Some(Status::NotApplicable) => "not applicable",
        None => "",
    }
}

fn state_words(state: &str) -> &'static str {
    STATES
        .iter()
        .find(|(code, _)| *code == state)
        .map_or("", |(_, words)| words)
}

/// The register's page view: filters as they stand, and the rows.
#[allow(clippy::too_many_arguments)]
fn page_view<'a>(
    catalog: &aimsgap_catalog::Catalog,
    ctx: &Context,
    id: &'a str,
    result: &AssessmentResult,
    filter: &Filter,
    all: &[RegisterRow],
    kept: Vec<RegisterRow>,
    today: Date,
) -> RegisterPage<'a> {
    let (frame, tabs) = ctx.chrome(Tab::Register, "Gap register");
    let base = ctx.base();
    let owners: BTreeSet<String> = all.iter().filter_map(|r| r.owner.clone()).collect();
    let systems: BTreeSet<String> = all.iter().flat_map(|r| r.systems.iter().cloned()).collect();
    let laws: BTreeSet<String> = all.iter().flat_map(|r| r.laws.iter().cloned()).collect();
    let mut owner_list = vec![(NOBODY.to_string(), "Nobody".to_string())];
    owner_list.extend(owners.into_iter().map(|o| (o.clone(), o)));
    RegisterPage {
        frame,
        tabs,
        id,
        kinds: options(
            "Requirements and packages",
            vec![
                ("requirement".into(), "Requirements".into()),
                ("package".into(), "Work packages".into()),
            ],
            filter.kind.as_deref(),
        ),
        groups: options(
            "Any",
            result
                .groups
                .iter()
                .map(|g| (g.id.clone(), format!("{} {}", g.id, g.title)))
                .collect(),
            filter.group.as_deref(),
        ),
        owners: options("Anyone", owner_list, filter.owner.as_deref()),
        states: options(
            "Any",
            STATES
                .iter()
                .map(|(c, t)| ((*c).to_string(), (*t).to_string()))
                .collect(),
            filter.state.as_deref(),
        ),
        blockers: options(
            "Any",
            vec![
                ("yes".into(), "Blockers only".into()),
                ("no".into(), "Not blockers".into()),
            ],
            filter.blocker.map(|b| if b { "yes" } else { "no" }),
        ),
        due_before: filter.due_before.map(|d| d.to_string()).unwrap_or_default(),
        systems: options(
            "Any",
            systems
                .into_iter()
                .map(|s| (s.clone(), system_name(result, &s)))
                .collect(),
            filter.system.as_deref(),
        ),
        laws: options(
            "Any",
            laws.into_iter()
                .map(|l| (l.clone(), super::layout::framework_label(catalog, &l)))
                .collect(),
            filter.law.as_deref(),
        ),
        sorts: SORTS
            .iter()
            .map(|(sort, code, text)| Choice {
                value: (*code).to_string(),
                text: (*text).to_string(),
                chosen: *sort == filter.sort,
            })
            .collect(),
        total: all.len(),
        rows: kept
            .into_iter()
            .map(|row| RowView {
                href: if row.kind == "package" {
                    format!("{base}/packages/{}", row.id)
                } else {
                    format!("{base}/requirements/{}", row.id)
                },
                status: status_words(&row.status),
                state: state_words(&row.state),
                systems: row
                    .systems
                    .iter()
                    .map(|s| system_name(result, s))
                    .collect::<Vec<_>>()
                    .join(", "),
                due_past: row.state != "done"
                    && row
                        .due
                        .as_deref()
                        .and_then(|d| Date::parse(d).ok())
                        .is_some_and(|d| d < today),
                row,
            })
            .collect(),
        query: filter.query(),
        exports: ctx.role != aimsgap_store::Role::Viewer,
    }
}

/// `GET /assessments/{assessment}/register`: the page.
pub async fn register(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let revision = crate::ops::assessments::revision(&state, &ctx.auth, &id).await?;
    let (computed, filter, all, kept) = register_of(&state, &id, revision, &query).await?;
    let view = page_view(
        &state.catalog,
        &ctx,
        &id,
        &computed.result,
        &filter,
        &all,
        kept,
        crate::ops::today(),
    );
    Ok(render(StatusCode::OK, &view))
}

/// The download name of the register: `<organisation>-<as-of>-gap-register.<extension>`.
fn download_name(result: &AssessmentResult, extension: &str) -> String {
    let slug = crate::reports::slug_of(&deunicode::deunicode(&result.organization), |c| {
        c.is_ascii_alphanumeric()
    });
    format!("{slug}-{}-gap-register.{extension}", result.as_of)
}

/// `GET /assessments/{assessment}/register.csv`: the filtered rows as CSV.
pub async fn register_csv(
    State(state): State<AppState>,
    Signed(auth): Signed,
    origin: crate::audit::Origin,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Export).await?;
    let revision = crate::ops::assessments::revision(&state, &ctx.auth, &id).await?;
    let (computed, _, _, kept) = register_of(&state, &id, revision, &query).await?;
    let result = &computed.result;
    exported(&state, &ctx, &origin, &format!("{id}/register.csv")).await?;
    Ok(crate::reports::download(
        csv(&kept).into_bytes(),
        "text/csv; charset=utf-8",
        &crate::reports::disposition(&download_name(result, "csv"), None),
    ))
}

/// `GET /assessments/{assessment}/register.xlsx`: the filtered rows as an XLSX workbook.
pub async fn register_xlsx(
    State(state): State<AppState>,
    Signed(auth): Signed,
    origin: crate::audit::Origin,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Export).await?;
    let revision = crate::ops::assessments::revision(&state, &ctx.auth, &id).await?;
    let (computed, _, _, kept) = register_of(&state, &id, revision, &query).await?;
    let result = &computed.result;
    let bytes = xlsx(&kept).map_err(|e| ApiError::Internal(e.to_string()))?;
    exported(&state, &ctx, &origin, &format!("{id}/register.xlsx")).await?;
    Ok(crate::reports::download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &crate::reports::disposition(&download_name(result, "xlsx"), None),
    ))
}

/// Records a download of the register in the audit log.
async fn exported(
    state: &AppState,
    ctx: &Context,
    origin: &crate::audit::Origin,
    subject: &str,
) -> PageResult<()> {
    let (user, org) = (&ctx.auth.user, ctx.meta.org_id.as_str());
    let event = crate::audit::Event::ReportExported;
    crate::ops::audit::downloaded(state, Some(user), Some(org), event, subject, origin).await?;
    Ok(())
}
