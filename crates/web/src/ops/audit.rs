//! The audit log as the pages and the API read it: one organisation's events, filtered and
//! paged newest first, and the JSON lines export; and the few recordings that several
//! handlers share (a sign-in, an export or download).
//!
//! An organisation's log holds its own events (`org_id`) and the account events (sign-ins,
//! passwords, tokens, two-factor: no organisation) of its current members. Only owners and
//! auditors read it ([`Access::OrgAudit`]); nothing here, nor anywhere, changes or deletes an
//! event.

use crate::audit::{Event, Origin};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::{Access, AppState, policy};
use aimsgap_store::{AuditEvent, AuditFilter, User};
use aimsgap_wire::api as w;
use axum::body::{Body, Bytes};
use axum::http::{Extensions, HeaderMap};

/// Events on a page, and in each database read of the export.
pub(crate) const PAGE: i64 = 100;
const EXPORT_CHUNK: i64 = 500;

/// The media type of the export: one JSON object per line.
pub(crate) const JSON_LINES: &str = "application/jsonl";

/// The origin of a request from its headers and extensions (for operations that take those
/// rather than the [`Origin`] extractor).
pub(crate) fn origin_of(state: &AppState, headers: &HeaderMap, extensions: &Extensions) -> Origin {
    Origin(crate::throttle::client_address(
        headers,
        extensions,
        &state.config.trusted_proxies,
    ))
}

/// A filter refused: the field (as the query and the form name it) and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Refused {
    pub field: &'static str,
    pub message: String,
}

impl Refused {
    pub(crate) fn into_api(self) -> ApiError {
        ApiError::BadRequest(format!("field `{}`: {}", self.field, self.message))
    }

    /// The sentence a page shows: the field as the form labels it, then what was wrong.
    pub(crate) fn sentence(&self) -> String {
        let label = match self.field {
            "event" => "Kind",
            "member" => "Member",
            "from" => "From",
            "to" => "To",
            "before" => "Older events",
            _ => "Filter",
        };
        format!("{label}: {}.", self.message.replace('`', "\""))
    }
}

/// The filter a query asks for: `event` (a stable name), `member` (a user's id), `from` and
/// `to` (YYYY-MM-DD, both days included), `before` (the cursor: the last id of the page
/// before). Empty values are no filter; an unknown parameter is refused.
pub(crate) fn parse_filter(org: &str, query: &[(String, String)]) -> Result<AuditFilter, Refused> {
    let mut filter = AuditFilter {
        org_id: org.to_string(),
        ..AuditFilter::default()
    };
    for (name, value) in query {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match name.as_str() {
            "event" => {
                let Some(event) = Event::parse(value) else {
                    return Err(Refused {
                        field: "event",
                        message: format!(
                            "`{}` is not a kind of event; expected one of {}",
                            shorten(value),
                            Event::ALL.map(Event::as_str).join(", ")
                        ),
                    });
                };
                filter.event = Some(event.as_str().to_string());
            }
            "member" => {
                if !is_id(value) {
                    return Err(Refused {
                        field: "member",
                        message: "expected a member's id".into(),
                    });
                }
                filter.actor = Some(value.to_string());
            }
            "from" | "to" => {
                let field = if name == "from" { "from" } else { "to" };
                let date = aimsgap_catalog::Date::parse(value).map_err(|_| Refused {
                    field,
                    message: format!("`{}` is not a date YYYY-MM-DD", shorten(value)),
                })?;
                let date = Some(date.to_string());
                if field == "from" {
                    filter.from = date;
                } else {
                    filter.to = date;
                }
            }
            "before" => {
                if !is_id(value) {
                    return Err(Refused {
                        field: "before",
                        message: "expected the `next` cursor of the page before".into(),
                    });
                }
                filter.before = Some(value.to_string());
            }
            other => {
                return Err(Refused {
                    field: "query",
                    message: format!(
                        "`{}` is not a filter; expected event, member, from, to or before",
                        shorten(other)
                    ),
                });
            }
        }
    }
    if let (Some(from), Some(to)) = (&filter.from, &filter.to)
        && from > to
    {
        return Err(Refused {
            field: "to",
            message: "the last day comes before the first".into(),
        });
    }
    Ok(filter)
}

/// An id as the store makes them (UUIDs): hex digits and hyphens, at most 64 characters.
fn is_id(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 64
        && value.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// A refused value as a message quotes it: at most 40 characters.
fn shorten(value: &str) -> String {
    value.chars().take(40).collect()
}

/// One page of the organisation's log for an owner or auditor: the events and the cursor of
/// the next page, if there is one.
pub(crate) async fn page(
    state: &AppState,
    auth: &Auth,
    filter: &AuditFilter,
) -> ApiResult<(Vec<AuditEvent>, Option<String>)> {
    policy::org_access(state, auth, &filter.org_id, Access::OrgAudit).await?;
    let mut events = state.store.audit_events(filter, PAGE + 1).await?;
    let more = events.len() > usize::try_from(PAGE).unwrap_or(usize::MAX);
    events.truncate(usize::try_from(PAGE).unwrap_or(usize::MAX));
    let next = if more {
        events.last().map(|e| e.id.clone())
    } else {
        None
    };
    Ok((events, next))
}

/// The label of a stored event name (the name itself for one this server does not know).
pub(crate) fn label(name: &str) -> String {
    Event::parse(name).map_or_else(|| name.to_string(), |e| e.label().to_string())
}

pub(crate) fn to_wire(event: AuditEvent) -> w::AuditEvent {
    w::AuditEvent {
        label: label(&event.event),
        id: event.id,
        at: event.at,
        event: event.event,
        actor: event.actor,
        actor_email: event.actor_email,
        org_id: event.org_id,
        subject: event.subject,
        detail: event.detail,
        address: event.address,
    }
}

/// The export of the organisation's log (every event the filter selects, newest first, one
/// JSON object per line) for an owner or auditor, streamed from the store a chunk at a time;
/// the export itself is recorded first, so it is in the log it exports. Returns the body and
/// the file name.
pub(crate) async fn export(
    state: &AppState,
    auth: &Auth,
    filter: AuditFilter,
    origin: &Origin,
) -> ApiResult<(Body, String)> {
    policy::org_access(state, auth, &filter.org_id, Access::OrgAudit).await?;
    let mut described = Vec::new();
    for (name, value) in [
        ("event", &filter.event),
        ("member", &filter.actor),
        ("from", &filter.from),
        ("to", &filter.to),
        ("before", &filter.before),
    ] {
        if let Some(value) = value {
            described.push(format!("{name}={value}"));
        }
    }
    let mut record = Event::AuditExported
        .by(&auth.user)
        .org(&filter.org_id)
        .subject("jsonl");
    if !described.is_empty() {
        record = record.detail(described.join(" "));
    }
    record.record(state, origin).await?;
    let name = format!("audit-{}-{}.jsonl", filter.org_id, crate::ops::today());
    let store = state.store.clone();
    let chunks = futures_util::stream::unfold(Some(filter), move |filter| {
        let store = store.clone();
        async move {
            let mut filter = filter?;
            match store.audit_events(&filter, EXPORT_CHUNK).await {
                Ok(events) => {
                    let full = events.len() >= usize::try_from(EXPORT_CHUNK).unwrap_or(0);
                    let mut lines = Vec::new();
                    let last = events.last().map(|e| e.id.clone());
                    for event in events {
                        if let Ok(line) = serde_json::to_vec(&to_wire(event)) {
                            lines.extend_from_slice(&line);
                            lines.push(b'\n');
                        }
                    }
                    let next = match (full, last) {
                        (true, Some(last)) => {
                            filter.before = Some(last);
                            Some(filter)
                        }
                        _ => None,
                    };
                    if lines.is_empty() {
                        return None;
                    }
                    Some((Ok::<Bytes, std::io::Error>(Bytes::from(lines)), next))
                }
                Err(error) => {
                    tracing::error!(%error, "audit export failed part way");
                    Some((Err(std::io::Error::other(error.to_string())), None))
                }
            }
        }
    });
    Ok((Body::from_stream(chunks), name))
}

/// Records a report, draft, register, assessment file or evidence download by `user` (the
/// quick assessment's report has no organisation and may have no user).
pub(crate) async fn downloaded(
    state: &AppState,
    user: Option<&User>,
    org: Option<&str>,
    event: Event,
    subject: &str,
    origin: &Origin,
) -> ApiResult<()> {
    let mut record = match user {
        Some(user) => event.by(user),
        None => event.anonymous(None),
    };
    if let Some(org) = org {
        record = record.org(org);
    }
    record.subject(subject).record(state, origin).await
}

/// Records a sign-in that succeeded, with how (`password`, for the forms and the API).
pub(crate) async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    extensions: &Extensions,
    user: &User,
) -> ApiResult<()> {
    Event::SignInSucceeded
        .by(user)
        .detail("password")
        .record(state, &origin_of(state, headers, extensions))
        .await
}

/// Records a sign-in refused: the address given (never the password) and, when an account
/// has it, that account as the actor; `why` in a few words.
pub(crate) async fn sign_in_refused(
    state: &AppState,
    headers: &HeaderMap,
    extensions: &Extensions,
    email: &str,
    account: Option<&User>,
    why: &str,
) -> ApiResult<()> {
    let record = match account {
        Some(user) => Event::SignInFailed.by(user),
        None => Event::SignInFailed.anonymous(Some(email)),
    };
    record
        .detail(why)
        .record(state, &origin_of(state, headers, extensions))
        .await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn filters_are_read_and_bad_values_name_their_field() {
        let filter = parse_filter(
            "org",
            &query(&[
                ("event", "sign_in.failed"),
                ("from", "2026-01-02"),
                ("to", "2026-01-31"),
                ("member", ""),
            ]),
        )
        .unwrap();
        assert_eq!(filter.event.as_deref(), Some("sign_in.failed"));
        assert_eq!(filter.from.as_deref(), Some("2026-01-02"));
        assert_eq!(filter.actor, None);
        for (field, value) in [
            ("event", "sign_in.maybe"),
            ("from", "2026-13-01"),
            ("to", "yesterday"),
            ("member", "'; DROP TABLE audit_events; --"),
            ("before", "<script>"),
        ] {
            let refused = parse_filter("org", &query(&[(field, value)])).unwrap_err();
            assert_eq!(refused.field, field, "{refused:?}");
        }
        let backwards = parse_filter(
            "org",
            &query(&[("from", "2026-02-01"), ("to", "2026-01-01")]),
        );
        assert_eq!(backwards.unwrap_err().field, "to");
        assert_eq!(
            parse_filter("org", &query(&[("colour", "red")]))
                .unwrap_err()
                .field,
            "query"
        );
    }
}
