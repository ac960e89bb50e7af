//! The frameworks page (`/frameworks`): what this server's catalog holds, the frameworks of a
//! custom catalog folder (`aimsgap serve --catalogs DIR`) included, and which of them count as
//! a certification that gives inherited credit.

use super::layout::{Frame, render};
use crate::AppState;
use crate::auth::MaybeAuth;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

/// One row of the page.
#[derive(Debug)]
struct Row {
    id: String,
    name: String,
    kind: &'static str,
    version: String,
    requirements: usize,
    certifiable: bool,
}

#[derive(Template, Debug)]
#[template(path = "frameworks.html")]
struct Frameworks {
    frame: Frame,
    rows: Vec<Row>,
}

/// Every framework of the catalog, in catalog order.
pub async fn frameworks(State(state): State<AppState>, MaybeAuth(auth): MaybeAuth) -> Response {
    let certifiable = aimsgap_assess::certifiable(&state.catalog);
    let rows = state
        .catalog
        .frameworks
        .iter()
        .map(|f| Row {
            id: f.id.clone(),
            name: f.name.clone(),
            kind: f.kind.as_str(),
            version: f.version.clone(),
            requirements: f.assessable().count(),
            certifiable: certifiable.contains(&f.id.as_str()),
        })
        .collect();
    let view = Frameworks {
        frame: Frame::new("Frameworks", auth.as_ref()),
        rows,
    };
    render(StatusCode::OK, &view)
}
