//! The audit log page (`/orgs/{org}/audit`), for owners and auditors: the organisation's
//! events and its members' account events, newest first, 100 a page with a link to older
//! ones, filtered by kind, member and dates (a bad filter is shown at its field); and its
//! download as JSON lines. The API reads the same operations (`ops/audit.rs`).

use super::layout::{Choice, Crumb, Frame, render, when};
use super::{PageResult, Signed};
use crate::audit::{Event, Origin};
use crate::ops::audit::{self as ops, Refused};
use crate::{Access, AppState, policy};
use aimsgap_store::AuditFilter;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;

/// One event as the page shows it.
#[derive(Debug)]
struct Row {
    when: String,
    who: String,
    email: String,
    what: String,
    subject: String,
    detail: String,
    address: String,
}

#[derive(Template, Debug)]
#[template(path = "audit/log.html")]
struct LogPage<'a> {
    frame: Frame,
    org: &'a str,
    rows: Vec<Row>,
    kinds: Vec<Choice>,
    members: Vec<Choice>,
    from: String,
    to: String,
    /// A refused filter: its field and the sentence.
    problem: Option<Refused>,
    /// The query of the filters in force (without the cursor), for the links.
    filters: String,
    /// The link to the next, older page.
    older: Option<String>,
    /// Whether this is a later page (a link back to the newest).
    paged: bool,
}

/// The query string of a filter, without its cursor (`event=...&member=...`).
fn filter_query(filter: &AuditFilter) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in [
        ("event", &filter.event),
        ("member", &filter.actor),
        ("from", &filter.from),
        ("to", &filter.to),
    ] {
        if let Some(value) = value {
            query.append_pair(name, value);
        }
    }
    query.finish()
}

/// The value a query gave a field, as typed (for a refused form shown again).
fn typed(query: &[(String, String)], name: &str) -> String {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map_or_else(String::new, |(_, v)| v.trim().to_string())
}

pub async fn log(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(org): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    policy::org_access(&state, &auth, &org, Access::OrgAudit).await?;
    let organisation = state
        .store
        .organization(&org)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let members = state.store.members(&org).await?;
    let names: HashMap<&str, &str> = members
        .iter()
        .map(|m| (m.user.id.as_str(), m.user.name.as_str()))
        .collect();
    let parsed = ops::parse_filter(&org, &query);
    let (status, filter, problem) = match parsed {
        Ok(filter) => (StatusCode::OK, filter, None),
        Err(refused) => (
            StatusCode::BAD_REQUEST,
            AuditFilter {
                org_id: org.clone(),
                ..AuditFilter::default()
            },
            Some(refused),
        ),
    };
    let (events, next) = if problem.is_some() {
        (Vec::new(), None)
    } else {
        ops::page(&state, &auth, &filter).await?
    };
    let filters = filter_query(&filter);
    let older = next.map(|cursor| {
        let mut query = url::form_urlencoded::Serializer::new(filters.clone());
        query.append_pair("before", &cursor);
        format!("/orgs/{org}/audit?{}", query.finish())
    });
    let chosen_event = filter.event.clone().unwrap_or_default();
    let mut kinds = vec![Choice {
        value: String::new(),
        text: "Any kind".into(),
        chosen: chosen_event.is_empty(),
    }];
    kinds.extend(Event::ALL.iter().map(|event| Choice {
        value: event.as_str().to_string(),
        text: event.label().to_string(),
        chosen: event.as_str() == chosen_event,
    }));
    let chosen_member = filter.actor.clone().unwrap_or_default();
    let mut member_choices = vec![Choice {
        value: String::new(),
        text: "Anyone".into(),
        chosen: chosen_member.is_empty(),
    }];
    member_choices.extend(members.iter().map(|m| Choice {
        value: m.user.id.clone(),
        text: format!("{} ({})", m.user.name, m.user.email),
        chosen: m.user.id == chosen_member,
    }));
    let rows = events
        .into_iter()
        .map(|event| Row {
            when: when(&event.at),
            who: event
                .actor
                .as_deref()
                .and_then(|id| names.get(id))
                .map_or_else(String::new, |name| (*name).to_string()),
            email: event.actor_email.unwrap_or_default(),
            what: ops::label(&event.event),
            subject: event.subject.unwrap_or_default(),
            detail: event.detail.unwrap_or_default(),
            address: event.address.unwrap_or_default(),
        })
        .collect();
    let (from, to) = match &problem {
        Some(_) => (typed(&query, "from"), typed(&query, "to")),
        None => (
            filter.from.clone().unwrap_or_default(),
            filter.to.clone().unwrap_or_default(),
        ),
    };
    let view = LogPage {
        frame: Frame::new("Audit log", Some(&auth)).with_crumbs(vec![
            Crumb::new("/orgs", "Your organisations"),
            Crumb::new(format!("/orgs/{org}"), organisation),
        ]),
        org: &org,
        rows,
        kinds,
        members: member_choices,
        from,
        to,
        problem,
        filters,
        older,
        paged: filter.before.is_some(),
    };
    Ok(render(status, &view))
}

/// `/orgs/{org}/audit/export`: the filtered events as a JSON lines download.
pub async fn export(
    State(state): State<AppState>,
    Signed(auth): Signed,
    origin: Origin,
    Path(org): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    policy::org_access(&state, &auth, &org, Access::OrgAudit).await?;
    let filter = ops::parse_filter(&org, &query).map_err(Refused::into_api)?;
    let (body, name) = ops::export(&state, &auth, filter, &origin).await?;
    Ok(crate::api::audit::jsonl(body, &name))
}
