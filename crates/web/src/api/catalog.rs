//! The catalog the server was started with (`GET /api/v1/frameworks`): the built-in frameworks
//! and those of a custom catalog folder, so that a client sees what an assessment may name.

use crate::AppState;
use aimsgap_wire::api as w;
use axum::Json;
use axum::extract::State;

/// Every framework of the catalog, in catalog order.
pub(crate) async fn frameworks(State(state): State<AppState>) -> Json<w::FrameworkList> {
    let certifiable = aimsgap_assess::certifiable(&state.catalog);
    Json(w::FrameworkList {
        frameworks: state
            .catalog
            .frameworks
            .iter()
            .map(|f| w::FrameworkSummary {
                id: f.id.clone(),
                name: f.name.clone(),
                version: f.version.clone(),
                kind: f.kind.as_str().to_string(),
                publisher: f.publisher.clone(),
                requirements: f.assessable().count(),
                nodes: f.requirements.len(),
                certifiable: certifiable.contains(&f.id.as_str()),
            })
            .collect(),
    })
}
