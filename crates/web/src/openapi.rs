//! The OpenAPI 3.1 document and a browsable page, both generated from the route table, so they
//! can never list a route the server does not have, or miss one it has.

use crate::{Access, AppState, Content, RouteSpec, routes};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
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
        Access::OrgAudit => "Owners and auditors of the organisation.",
        Access::Read => "Members of the assessment's organisation (any role).",
        Access::Export => {
            "Owners, editors and auditors of the assessment's organisation (not viewers)."
        }
        Access::Edit => "Owners and editors of the assessment's organisation.",
    }
}

/// The security requirements of a route: none for public ones; otherwise a session cookie
/// (with the CSRF header on state-changing requests) or a bearer token.
fn security(spec: &RouteSpec) -> Value {
    if spec.access == Access::Public {
        json!([])
    } else if crate::security::is_unsafe(&spec.method) {
        json!([{"session": [], "csrf": []}, {"token": []}])
    } else {
        json!([{"session": []}, {"token": []}])
    }
}

fn content(answer: &Content, generator: &mut SchemaGenerator) -> Option<Value> {
    match answer {
        Content::Empty => None,
        Content::Json(schema) => {
            Some(json!({"application/json": {"schema": (schema.0)(generator).to_value()}}))
        }
        // Binary bodies: OpenAPI 3.1 describes them by media type, with no schema.
        Content::Bytes(media) => Some(Value::Object(
            media.iter().map(|m| (m.to_string(), json!({}))).collect(),
        )),
    }
}

fn operation(spec: &RouteSpec, generator: &mut SchemaGenerator) -> Value {
    let mut responses = Map::new();
    for answer in &spec.responses {
        let mut response = Map::new();
        response.insert("description".into(), json!(answer.description));
        if let Some(content) = content(&answer.content, generator) {
            response.insert("content".into(), content);
        }
        responses.insert(answer.status.to_string(), Value::Object(response));
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
    let mut parameters = parameters(spec.path);
    if spec.path == "/api/v1/orgs/{org}/assessments" && spec.method == axum::http::Method::GET {
        parameters.push(json!({"name": "limit", "in": "query", "required": false,
            "description": "Page size, 1 to 200 (50 when absent)", "schema": {"type": "integer"}}));
        parameters.push(json!({"name": "before", "in": "query", "required": false,
            "description": "The `next` of the previous page", "schema": {"type": "string"}}));
    }
    if spec.path == "/api/v1/assessments/{assessment}/workbook" {
        parameters.push(json!({"name": "dry_run", "in": "query", "required": false,
            "description": "`true`: only list the changes; `false` (the default): apply them",
            "schema": {"type": "boolean"}}));
    }
    op.insert("parameters".into(), Value::Array(parameters));
    if let Some(request) = spec.request {
        op.insert(
            "requestBody".into(),
            json!({"required": true, "content": {"application/json": {"schema": (request.0)(generator).to_value()}}}),
        );
    }
    if let Some(field) = spec.upload {
        op.insert(
            "requestBody".into(),
            json!({"required": true, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": [field],
                "properties": {field: {"type": "string", "format": "binary"}}}}}}),
        );
    }
    op.insert("responses".into(), Value::Object(responses));
    op.insert("security".into(), security(spec));
    Value::Object(op)
}

/// Replaces the schema `true` (any JSON value, as schemars writes it) by the equivalent `{}`,
/// which every OpenAPI tool reads, wherever a schema stands.
fn plain_any(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let holds_schemas =
                    matches!(key.as_str(), "properties" | "$defs" | "patternProperties");
                if holds_schemas && let Value::Object(schemas) = child {
                    for schema in schemas.values_mut() {
                        if *schema == Value::Bool(true) {
                            *schema = json!({});
                        }
                    }
                }
                if matches!(key.as_str(), "items" | "schema") && *child == Value::Bool(true) {
                    *child = json!({});
                }
                plain_any(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(plain_any),
        _ => {}
    }
}

/// The OpenAPI 3.1 document: paths from the route table, schemas from the wire types
/// (JSON Schema 2020-12, as OpenAPI 3.1 uses) under `components/schemas`.
pub fn build() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|settings| settings.definitions_path = "/components/schemas".into())
        .into_generator();
    // Named even where no route answers them directly, for clients to use.
    generator.subschema_for::<aimsgap_wire::api::ErrorBody>();
    generator.subschema_for::<aimsgap_wire::api::AssessmentResult>();
    let mut paths: Map<String, Value> = Map::new();
    for (spec, _) in routes().into_iter().filter(|(spec, _)| !spec.is_page()) {
        let operation = operation(&spec, &mut generator);
        let entry = paths
            .entry(spec.path.to_string())
            .or_insert_with(|| json!({}));
        if let Some(methods) = entry.as_object_mut() {
            methods.insert(spec.method.as_str().to_lowercase(), operation);
        }
    }
    let schemas = generator.take_definitions(true);
    let mut document = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "aimsgap API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Organisations, members, stored ISO/IEC 42001 assessments with history, results and reports. Browsers authenticate with the session cookie and send the CSRF token (from sign-in or /api/v1/me) in X-CSRF-Token on state-changing requests; automation uses an API token as a bearer token. Errors are JSON `{\"error\": {\"code\", \"message\"}}` (the `ErrorBody` schema) with a stable code.",
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": crate::SESSION_COOKIE,
                    "description": "The session cookie set by sign-up and sign-in"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token",
                    "description": "The session's CSRF token, required with the cookie on state-changing requests"},
                "token": {"type": "http", "scheme": "bearer",
                    "description": "An API token (POST /api/v1/tokens); needs no CSRF token"},
            },
        },
        "security": [{"session": []}, {"token": []}],
        "paths": paths,
    });
    plain_any(&mut document);
    document
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
