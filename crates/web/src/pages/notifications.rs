//! The member's reminder preferences (`/account/notifications`): which kinds of reminder the
//! daily digest brings them, one checkbox each; the API's sibling is `/api/v1/notifications`.

use super::layout::{Frame, render, see_other};
use super::{PageResult, Signed};
use crate::AppState;
use crate::auth::FormAuth;
use crate::error::ApiError;
use crate::ops::notifications as ops;
use aimsgap_store::{ReminderKind, Reminders};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

/// One kind of reminder as the form shows it.
#[derive(Debug)]
struct Kind {
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    on: bool,
}

#[derive(Template, Debug)]
#[template(path = "account/notifications.html")]
struct NotificationsPage<'a> {
    frame: Frame,
    csrf: &'a str,
    kinds: Vec<Kind>,
    mail: bool,
    digest_hour: u8,
    saved: bool,
}

fn kinds(reminders: &Reminders) -> Vec<Kind> {
    ReminderKind::ALL
        .into_iter()
        .map(|kind| {
            let (label, hint) = match kind {
                ReminderKind::Work => (
                    "Work due",
                    "Work you own that is due within 7 days or overdue.",
                ),
                ReminderKind::Evidence => (
                    "Evidence to review",
                    "Evidence whose review date comes within 30 days or has passed: items you own, and, if you are an owner or editor, items nobody in the organisation owns.",
                ),
                ReminderKind::Obligations => (
                    "Law obligations",
                    "Obligations of AI laws that come into force for one of your organisation's AI systems within 30 days (owners and editors).",
                ),
            };
            Kind {
                name: kind.as_str(),
                label,
                hint,
                on: reminders.enabled(kind),
            }
        })
        .collect()
}

pub async fn notifications(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let found = ops::notifications(&state, &auth).await?;
    let view = NotificationsPage {
        frame: Frame::new("Reminders", Some(&auth)),
        csrf: auth.csrf(),
        kinds: kinds(&found.reminders),
        mail: found.mail,
        digest_hour: found.digest_hour,
        saved: query.iter().any(|(k, v)| k == "done" && v == "saved"),
    };
    Ok(render(StatusCode::OK, &view))
}

/// Saves the form: a kind is on when its checkbox was sent, off when it was not.
pub async fn save_notifications(
    State(state): State<AppState>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let checked = |kind: ReminderKind| fields.0.iter().any(|(k, _)| k == kind.as_str());
    let reminders = Reminders {
        work: checked(ReminderKind::Work),
        evidence: checked(ReminderKind::Evidence),
        obligations: checked(ReminderKind::Obligations),
    };
    ops::set_notifications(&state, &auth, &reminders).await?;
    Ok(see_other("/account/notifications?done=saved#done"))
}
