//! The OpenAPI 3 document and a browsable page, both generated from the route table, so they
//! can never list a route the server does not have, or miss one it has.

use crate::{Access, AppState, RouteSpec, routes};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

fn parameters(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| {
            json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
        })
        .collect()
}

fn access_text(access: Access) -> &'static str {
    match access {
        Access::Public => "Public.",
        Access::User => "Any signed-in user.",
        Access::OrgMember => "Members of the organisation (any role).",
        Access::OrgEditor => "Owners and editors of the organisation.",
        Access::OrgOwner => "Owners of the organisation.",
        Access::Read => "Members of the assessment's organisation (any role).",
        Access::Export => {
            "Owners, editors and auditors of the assessment's organisation (not viewers)."
        }
        Access::Edit => "Owners and editors of the assessment's organisation.",
    }
}

fn operation(spec: &RouteSpec) -> Value {
    let writes = matches!(spec.method.as_str(), "POST" | "PUT");
    let mut responses = json!({
        "200": {"description": "Success"},
        "401": {"description": "Not signed in (code `unauthenticated`)"},
        "403": {"description": "Not allowed (code `forbidden` or `csrf`)"},
        "404": {"description": "Not found, or not visible to you (code `not_found`)"},
    });
    if writes && let Some(map) = responses.as_object_mut() {
        map.insert("409".into(), json!({"description": "Stale version (code `conflict`, with the current value) or already exists"}));
        map.insert(
            "422".into(),
            json!({"description": "Invalid content, with the located errors (code `invalid`)"}),
        );
    }
    let mut op = Map::new();
    op.insert("summary".into(), json!(spec.summary));
    op.insert(
        "description".into(),
        json!(format!(
            "Access: {} Errors are JSON `{{\"error\": {{\"code\", \"message\"}}}}` with a stable code.",
            access_text(spec.access)
        )),
    );
    op.insert(
        "operationId".into(),
        json!(format!(
            "{}_{}",
            spec.method.as_str().to_lowercase(),
            spec.path
                .trim_start_matches('/')
                .replace(['/', '{', '}', '.', '-'], "_")
        )),
    );
    op.insert("parameters".into(), Value::Array(parameters(spec.path)));
    op.insert("responses".into(), responses);
    if spec.access == Access::Public {
        op.insert("security".into(), json!([]));
    }
    if writes {
        op.insert(
            "requestBody".into(),
            json!({"content": {"application/json": {"schema": {"type": "object"}}}}),
        );
    }
    Value::Object(op)
}

/// The OpenAPI document.
pub fn build() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for (spec, _) in routes().into_iter().filter(|(spec, _)| !spec.is_page()) {
        let entry = paths
            .entry(spec.path.to_string())
            .or_insert_with(|| json!({}));
        if let Some(methods) = entry.as_object_mut() {
            methods.insert(spec.method.as_str().to_lowercase(), operation(&spec));
        }
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "aimsgap API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Organisations, members, stored ISO/IEC 42001 assessments with history, results and reports. Browsers authenticate with the session cookie and send the CSRF token (from sign-in or /api/v1/me) in X-CSRF-Token on state-changing requests; automation uses an API token as a bearer token.",
        },
        "components": {"securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": crate::SESSION_COOKIE},
            "token": {"type": "http", "scheme": "bearer"},
        }},
        "security": [{"session": []}, {"token": []}],
        "paths": paths,
    })
}

pub async fn document(State(_): State<AppState>) -> Json<Value> {
    Json(build())
}

/// One operation as the docs page lists it.
#[derive(Debug)]
struct Operation {
    method: String,
    path: &'static str,
    summary: &'static str,
    access: &'static str,
}

#[derive(askama::Template, Debug)]
#[template(path = "api_docs.html")]
struct Docs {
    frame: crate::pages::Frame,
    operations: Vec<Operation>,
}

/// A page listing every operation: no script, no external resource, readable offline.
pub async fn page(
    State(_): State<AppState>,
    crate::auth::MaybeAuth(auth): crate::auth::MaybeAuth,
) -> Response {
    let view = Docs {
        frame: crate::pages::Frame::new("API", auth.as_ref()),
        operations: routes()
            .into_iter()
            .filter(|(spec, _)| !spec.is_page())
            .map(|(spec, _)| Operation {
                method: spec.method.to_string(),
                path: spec.path,
                summary: spec.summary,
                access: access_text(spec.access),
            })
            .collect(),
    };
    crate::pages::render(StatusCode::OK, &view)
}
