//! The OpenAPI document against the OpenAPI 3.1 specification (Python `openapi-spec-validator`),
//! and every API route driven with real requests whose answers must match the document: an
//! undocumented status fails, and each JSON body is validated against the schema documented
//! for its status (Python `jsonschema`, draft 2020-12). The Python parts skip with a notice
//! when the package is missing, and fail instead under AIMSGAP_REQUIRE_ALL=1.

use super::*;
use aimsgap_web::routes;
use std::collections::BTreeSet;
use std::process::Command;

fn require_all() -> bool {
    std::env::var("AIMSGAP_REQUIRE_ALL").is_ok_and(|v| v == "1")
}

/// Runs a Python script with arguments; `None` when Python or a module is missing (and the
/// environment allows skipping).
pub(crate) fn python(modules: &str, script: &str, args: &[&str]) -> Option<String> {
    let probe = Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            !require_all(),
            "python3 with {modules} is required (AIMSGAP_REQUIRE_ALL=1)"
        );
        eprintln!("notice: skipping: python3 with {modules} not found");
        return None;
    }
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(stdout)
}

/// A file for one test, `aimsgap-web-...-{name}` in the temporary directory, removed when
/// dropped.
pub(crate) fn temp(name: &str) -> tempfile::TempPath {
    tempfile::Builder::new()
        .prefix("aimsgap-web-")
        .suffix(&format!("-{name}"))
        .tempfile()
        .unwrap()
        .into_temp_path()
}

async fn document(app: &Router) -> Value {
    let reply = Client::default().get(app, "/api/openapi.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.json()
}

#[tokio::test]
async fn the_document_is_valid_openapi_3_1_with_schemas_from_the_wire_types() {
    let app = server().await;
    let document = document(&app).await;
    assert_eq!(document["openapi"], "3.1.0");
    let schemas = document["components"]["schemas"].as_object().unwrap();
    for name in [
        "ErrorBody",
        "AssessmentResult",
        "Versioned",
        "SignupRequest",
        "Me",
    ] {
        assert!(schemas.contains_key(name), "{name} is not a component");
    }
    assert_eq!(
        document["components"]["securitySchemes"]["csrf"]["name"],
        "X-CSRF-Token"
    );
    // Every reference points into the components, and every one it names is there.
    let text = document.to_string();
    for (at, _) in text.match_indices("\"$ref\":\"") {
        let rest = &text[at + 8..];
        let target = &rest[..rest.find('"').unwrap()];
        let name = target
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("a reference outside the components: {target}"));
        assert!(schemas.contains_key(name), "{target} is missing");
    }
    let signup = &document["paths"]["/api/v1/signup"]["post"];
    assert_eq!(
        signup["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/SignupRequest"
    );
    assert!(signup["responses"]["201"].is_object());
    assert!(signup["responses"]["409"].is_object());
    let path = temp("openapi.json");
    std::fs::write(&path, text).unwrap();
    let script = r#"
import json, sys
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator
validate(json.load(open(sys.argv[1])), cls=OpenAPIV31SpecValidator)
print("valid")
"#;
    if let Some(out) = python("openapi_spec_validator", script, &[path.to_str().unwrap()]) {
        assert_eq!(out.trim(), "valid");
    }
}

/// One real answer of one route.
struct Case {
    method: Method,
    template: &'static str,
    reply: Reply,
}

#[derive(Default)]
struct Cases(Vec<Case>);

impl Cases {
    async fn send(
        &mut self,
        app: &Router,
        client: &Client,
        method: Method,
        template: &'static str,
        uri: &str,
        body: Option<Value>,
    ) -> Value {
        let reply = client.send(app, method.clone(), uri, body).await;
        let json = reply.json();
        self.0.push(Case {
            method,
            template,
            reply,
        });
        json
    }
}

#[tokio::test]
async fn every_route_answers_as_the_document_says() {
    let app = server().await;
    let mut cases = Cases::default();
    let anonymous = Client::default();
    let (get, post, put, delete) = (Method::GET, Method::POST, Method::PUT, Method::DELETE);

    cases
        .send(&app, &anonymous, get.clone(), "/healthz", "/healthz", None)
        .await;
    cases
        .send(
            &app,
            &anonymous,
            get.clone(),
            "/api/openapi.json",
            "/api/openapi.json",
            None,
        )
        .await;
    cases
        .send(
            &app,
            &anonymous,
            get.clone(),
            "/api/docs",
            "/api/docs",
            None,
        )
        .await;

    // Accounts and sessions.
    let email = format!(
        "owner-{}@example.test",
        &aimsgap_store::new_token().unwrap()[..8]
    );
    let signup = json!({"email": email, "name": "Owner", "password": "correct horse battery"});
    cases
        .send(
            &app,
            &anonymous,
            post.clone(),
            "/api/v1/signup",
            "/api/v1/signup",
            Some(signup.clone()),
        )
        .await;
    cases
        .send(
            &app,
            &anonymous,
            post.clone(),
            "/api/v1/signup",
            "/api/v1/signup",
            Some(signup),
        )
        .await;
    cases
        .send(
            &app,
            &anonymous,
            post.clone(),
            "/api/v1/signup",
            "/api/v1/signup",
            Some(json!({"email": "x@example.test", "name": "X"})),
        )
        .await;
    let owner = sign_up(&app, "Owner").await;
    let owner_email = owner.get(&app, "/api/v1/me").await.json()["user"]["email"].clone();
    cases
        .send(
            &app,
            &anonymous,
            post.clone(),
            "/api/v1/login",
            "/api/v1/login",
            Some(json!({"email": owner_email, "password": "correct horse battery"})),
        )
        .await;
    cases
        .send(
            &app,
            &anonymous,
            post.clone(),
            "/api/v1/login",
            "/api/v1/login",
            Some(json!({"email": owner_email, "password": "wrong password"})),
        )
        .await;
    cases
        .send(
            &app,
            &anonymous,
            get.clone(),
            "/api/v1/me",
            "/api/v1/me",
            None,
        )
        .await;
    cases
        .send(&app, &owner, get.clone(), "/api/v1/me", "/api/v1/me", None)
        .await;
    let token = cases
        .send(
            &app,
            &owner,
            post.clone(),
            "/api/v1/tokens",
            "/api/v1/tokens",
            Some(json!({"name": "ci"})),
        )
        .await;
    let bot = Client {
        token: token["token"].as_str().map(str::to_string),
        ..Client::default()
    };
    cases
        .send(&app, &bot, get.clone(), "/api/v1/me", "/api/v1/me", None)
        .await;
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/tokens",
            "/api/v1/tokens",
            None,
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            post.clone(),
            "/api/v1/tokens",
            "/api/v1/tokens",
            Some(json!({"name": "forever", "expires_in_days": 367})),
        )
        .await;
    let no_csrf = Client {
        csrf: None,
        ..owner.clone()
    };
    cases
        .send(
            &app,
            &no_csrf,
            post.clone(),
            "/api/v1/tokens",
            "/api/v1/tokens",
            Some(json!({"name": "x"})),
        )
        .await;

    // Organisations and members.
    let org = cases
        .send(
            &app,
            &owner,
            post.clone(),
            "/api/v1/orgs",
            "/api/v1/orgs",
            Some(json!({"name": "Acme"})),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    cases
        .send(
            &app,
            &owner,
            post.clone(),
            "/api/v1/orgs",
            "/api/v1/orgs",
            Some(json!({"name": 7})),
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/orgs",
            "/api/v1/orgs",
            None,
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/orgs/{org}",
            &format!("/api/v1/orgs/{org}"),
            None,
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/orgs/{org}",
            "/api/v1/orgs/nope",
            None,
        )
        .await;
    let invitation = cases
        .send(
            &app,
            &owner,
            post.clone(),
            "/api/v1/orgs/{org}/invitations",
            &format!("/api/v1/orgs/{org}/invitations"),
            Some(json!({"role": "viewer", "days": 2})),
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            post.clone(),
            "/api/v1/orgs/{org}/invitations",
            &format!("/api/v1/orgs/{org}/invitations"),
            Some(json!({"role": "king"})),
        )
        .await;
    let viewer = sign_up(&app, "Viewer").await;
    cases
        .send(
            &app,
            &viewer,
            post.clone(),
            "/api/v1/invitations/{token}/accept",
            invitation["accept"].as_str().unwrap(),
            None,
        )
        .await;
    cases
        .send(
            &app,
            &viewer,
            post.clone(),
            "/api/v1/invitations/{token}/accept",
            invitation["accept"].as_str().unwrap(),
            None,
        )
        .await;
    let pending = cases
        .send(
            &app,
            &owner,
            post.clone(),
            "/api/v1/orgs/{org}/invitations",
            &format!("/api/v1/orgs/{org}/invitations"),
            Some(json!({"role": "editor"})),
        )
        .await;
    for client in [&owner, &viewer] {
        cases
            .send(
                &app,
                client,
                get.clone(),
                "/api/v1/orgs/{org}/invitations",
                &format!("/api/v1/orgs/{org}/invitations"),
                None,
            )
            .await;
    }
    let revoke = format!(
        "/api/v1/orgs/{org}/invitations/{}",
        pending["id"].as_str().unwrap()
    );
    for _ in 0..2 {
        cases
            .send(
                &app,
                &owner,
                delete.clone(),
                "/api/v1/orgs/{org}/invitations/{invitation}",
                &revoke,
                None,
            )
            .await;
    }
    let viewer_id = viewer.user_id.clone().unwrap();
    let owner_id = owner.user_id.clone().unwrap();
    cases
        .send(
            &app,
            &viewer,
            get.clone(),
            "/api/v1/orgs/{org}/members",
            &format!("/api/v1/orgs/{org}/members"),
            None,
        )
        .await;
    let members = format!("/api/v1/orgs/{org}/members/{viewer_id}");
    cases
        .send(
            &app,
            &owner,
            put.clone(),
            "/api/v1/orgs/{org}/members/{user}",
            &members,
            Some(json!({"role": "auditor"})),
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            put.clone(),
            "/api/v1/orgs/{org}/members/{user}",
            &format!("/api/v1/orgs/{org}/members/{owner_id}"),
            Some(json!({"role": "viewer"})),
        )
        .await;
    cases
        .send(
            &app,
            &viewer,
            put.clone(),
            "/api/v1/orgs/{org}/members/{user}",
            &members,
            Some(json!({"role": "owner"})),
        )
        .await;

    // Assessments.
    let assessments = format!("/api/v1/orgs/{org}/assessments");
    let id = cases
        .send(
            &app,
            &owner,
            post.clone(),
            "/api/v1/orgs/{org}/assessments",
            &assessments,
            Some(json!({"name": "2026", "content": EXAMPLE})),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    cases
        .send(&app, &owner, post.clone(), "/api/v1/orgs/{org}/assessments", &assessments,
            Some(json!({"name": "bad", "content": "aimsgap: 2\nanswers: {\"5.2\": {status: maybe}}\n"})))
        .await;
    cases
        .send(
            &app,
            &owner,
            post.clone(),
            "/api/v1/orgs/{org}/assessments",
            &assessments,
            Some(json!({"name": "huge", "content": "#".repeat(3 * 1024 * 1024)})),
        )
        .await;
    cases
        .send(
            &app,
            &viewer,
            post.clone(),
            "/api/v1/orgs/{org}/assessments",
            &assessments,
            Some(json!({"name": "2027", "content": EXAMPLE})),
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/orgs/{org}/assessments",
            &format!("{assessments}?limit=1"),
            None,
        )
        .await;
    let base = format!("/api/v1/assessments/{id}");
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/assessments/{assessment}",
            &base,
            None,
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/assessments/{assessment}/export",
            &format!("{base}/export"),
            None,
        )
        .await;
    cases
        .send(
            &app,
            &viewer,
            get.clone(),
            "/api/v1/assessments/{assessment}/export",
            &format!("{base}/export"),
            None,
        )
        .await;
    let profile = owner.get(&app, &format!("{base}/export")).await.json();
    let mut profile = profile.as_object().unwrap().clone();
    profile.remove("answers");
    profile.remove("ai_systems");
    let current = owner.get(&app, &base).await.json()["profile"]["version"].clone();
    cases
        .send(
            &app,
            &owner,
            put.clone(),
            "/api/v1/assessments/{assessment}/profile",
            &format!("{base}/profile"),
            Some(json!({"version": current, "profile": profile})),
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            put.clone(),
            "/api/v1/assessments/{assessment}/profile",
            &format!("{base}/profile"),
            Some(json!({"version": 0, "profile": profile})),
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/assessments/{assessment}/answers",
            &format!("{base}/answers"),
            None,
        )
        .await;
    let answer = format!("{base}/answers/7.4-1");
    cases
        .send(
            &app,
            &owner,
            put.clone(),
            "/api/v1/assessments/{assessment}/answers/{requirement}",
            &answer,
            Some(json!({"version": 0, "answer": {"status": "partial"}})),
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            put.clone(),
            "/api/v1/assessments/{assessment}/answers/{requirement}",
            &answer,
            Some(json!({"version": 0, "answer": {"status": "partial"}})),
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            put.clone(),
            "/api/v1/assessments/{assessment}/answers/{requirement}",
            &answer,
            Some(json!({"version": 1, "answer": {"status": "maybe"}})),
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            put.clone(),
            "/api/v1/assessments/{assessment}/answers/{requirement}",
            &answer,
            Some(json!({"version": -1})),
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/assessments/{assessment}/ai-systems",
            &format!("{base}/ai-systems"),
            None,
        )
        .await;
    let system = format!("{base}/ai-systems/helper-bot");
    cases
        .send(&app, &owner, put.clone(), "/api/v1/assessments/{assessment}/ai-systems/{system}", &system,
            Some(json!({"version": 0, "system": {"id": "helper-bot", "name": "Helper", "role": "deployer"}})))
        .await;
    cases
        .send(
            &app,
            &owner,
            put.clone(),
            "/api/v1/assessments/{assessment}/ai-systems/{system}",
            &system,
            Some(json!({"version": 1, "system": {"id": "other", "name": "Helper"}})),
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/assessments/{assessment}/history",
            &format!("{base}/history"),
            None,
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/assessments/{assessment}/result",
            &format!("{base}/result"),
            None,
        )
        .await;
    cases
        .send(
            &app,
            &anonymous,
            get.clone(),
            "/api/v1/assessments/{assessment}/result",
            &format!("{base}/result"),
            None,
        )
        .await;
    for format in ["html", "md", "csv", "xlsx", "json", "nope"] {
        cases
            .send(
                &app,
                &owner,
                get.clone(),
                "/api/v1/assessments/{assessment}/reports/{format}",
                &format!("{base}/reports/{format}"),
                None,
            )
            .await;
    }

    // Drafts.
    for caller in [&owner, &viewer] {
        cases
            .send(
                &app,
                caller,
                get.clone(),
                "/api/v1/assessments/{assessment}/drafts",
                &format!("{base}/drafts"),
                None,
            )
            .await;
    }
    for (draft, format) in [
        ("aims-scope", "md"),
        ("aims-scope", "docx"),
        ("ai-risk-register", "xlsx"),
        ("aims-scope", "xlsx"),
        ("no-such-draft", "md"),
    ] {
        cases
            .send(
                &app,
                &owner,
                get.clone(),
                "/api/v1/assessments/{assessment}/drafts/{draft}/{format}",
                &format!("{base}/drafts/{draft}/{format}"),
                None,
            )
            .await;
    }

    // Runs.
    let runs = format!("{base}/runs");
    let first = cases
        .send(
            &app,
            &owner,
            post.clone(),
            "/api/v1/assessments/{assessment}/runs",
            &runs,
            None,
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let second = cases
        .send(
            &app,
            &owner,
            post.clone(),
            "/api/v1/assessments/{assessment}/runs",
            &runs,
            None,
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    cases
        .send(
            &app,
            &viewer,
            post.clone(),
            "/api/v1/assessments/{assessment}/runs",
            &runs,
            None,
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/assessments/{assessment}/runs",
            &runs,
            None,
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/assessments/{assessment}/runs/{run}",
            &format!("{runs}/{first}"),
            None,
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/assessments/{assessment}/runs/{run}/diff/{other}",
            &format!("{runs}/{first}/diff/{second}"),
            None,
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/assessments/{assessment}/runs/{run}/diff/{other}",
            &format!("{runs}/{first}/diff/nope"),
            None,
        )
        .await;

    // The gap register: filtered rows, and a filter value it does not take.
    for query in ["", "?blocker=yes&sort=id", "?state=finished"] {
        cases
            .send(
                &app,
                &owner,
                get.clone(),
                "/api/v1/assessments/{assessment}/register",
                &format!("{base}/register{query}"),
                None,
            )
            .await;
    }

    // What removes or ends things, last.
    cases
        .send(
            &app,
            &owner,
            delete.clone(),
            "/api/v1/orgs/{org}/members/{user}",
            &format!("/api/v1/orgs/{org}/members/{owner_id}"),
            None,
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            delete.clone(),
            "/api/v1/orgs/{org}/members/{user}",
            &members,
            None,
        )
        .await;
    // Work: owners, due dates, states and comments.
    let work = format!("{base}/work-items");
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/assessments/{assessment}/work-items",
            &work,
            None,
        )
        .await;
    let item = format!("{base}/work-items/requirement:7.4-1");
    for body in [
        json!({"version": 0, "owner_user": owner_id, "due": "2027-01-31", "state": "in_progress"}),
        json!({"version": 0, "state": "done"}),
        json!({"version": 1, "owner_user": viewer_id, "state": "done"}),
        json!({"version": 1, "state": "started"}),
    ] {
        cases
            .send(
                &app,
                &owner,
                put.clone(),
                "/api/v1/assessments/{assessment}/work-items/{target}",
                &item,
                Some(body),
            )
            .await;
    }
    cases
        .send(
            &app,
            &owner,
            put.clone(),
            "/api/v1/assessments/{assessment}/work-items/{target}",
            &format!("{base}/work-items/elsewhere"),
            Some(json!({"version": 0, "state": "done"})),
        )
        .await;
    let comments = format!("{base}/comments");
    let comment = cases
        .send(
            &app,
            &owner,
            post.clone(),
            "/api/v1/assessments/{assessment}/comments",
            &comments,
            Some(json!({"target": "requirement:7.4-1", "body": "Training plan drafted."})),
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            post.clone(),
            "/api/v1/assessments/{assessment}/comments",
            &comments,
            Some(json!({"target": "requirement:7.4-1", "body": ""})),
        )
        .await;
    for uri in [
        comments.clone(),
        format!("{comments}?target=requirement:7.4-1"),
        format!("{comments}?colour=red"),
    ] {
        cases
            .send(
                &app,
                &owner,
                get.clone(),
                "/api/v1/assessments/{assessment}/comments",
                &uri,
                None,
            )
            .await;
    }
    let one = format!("{comments}/{}", comment["id"].as_str().unwrap());
    for body in [
        json!({"body": "Training plan approved."}),
        json!({"body": ""}),
    ] {
        cases
            .send(
                &app,
                &owner,
                put.clone(),
                "/api/v1/assessments/{assessment}/comments/{comment}",
                &one,
                Some(body),
            )
            .await;
    }
    for _ in 0..2 {
        cases
            .send(
                &app,
                &owner,
                delete.clone(),
                "/api/v1/assessments/{assessment}/comments/{comment}",
                &one,
                None,
            )
            .await;
    }
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/me/work",
            "/api/v1/me/work",
            None,
        )
        .await;
    // Reminder preferences: read, written, and a body that misses a kind.
    for (method, body) in [
        (get.clone(), None),
        (
            put.clone(),
            Some(json!({"work": false, "evidence": true, "obligations": true})),
        ),
        (put.clone(), Some(json!({"work": false}))),
    ] {
        cases
            .send(
                &app,
                &owner,
                method,
                "/api/v1/notifications",
                "/api/v1/notifications",
                body,
            )
            .await;
    }
    let token_path = format!("/api/v1/tokens/{}", token["id"].as_str().unwrap());
    cases
        .send(
            &app,
            &owner,
            delete.clone(),
            "/api/v1/tokens/{token}",
            &token_path,
            None,
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            delete.clone(),
            "/api/v1/tokens/{token}",
            &token_path,
            None,
        )
        .await;
    // The workbook import (multipart): an unedited export as a dry run and applied, a body
    // without the file, a file that is no workbook, and an export older than an answer.
    let workbook = "/api/v1/assessments/{assessment}/workbook";
    let exported = owner.get(&app, &format!("{base}/reports/xlsx")).await.bytes;
    for (query, file) in [
        ("?dry_run=true", exported.as_slice()),
        ("", exported.as_slice()),
        ("?dry_run=maybe", exported.as_slice()),
        ("", b"not a workbook".as_slice()),
    ] {
        let reply = owner
            .upload_file(&app, &format!("{base}/workbook{query}"), "workbook", file)
            .await;
        cases.0.push(Case {
            method: post.clone(),
            template: workbook,
            reply,
        });
    }
    let reply = owner
        .upload_file(&app, &format!("{base}/workbook"), "other", &exported)
        .await;
    cases.0.push(Case {
        method: post.clone(),
        template: workbook,
        reply,
    });
    let version = owner.get(&app, &format!("{base}/answers")).await.json()["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == "6.2")
        .map_or(0, |a| a["version"].as_i64().unwrap());
    let moved = owner
        .put(
            &app,
            &format!("{base}/answers/6.2"),
            json!({"version": version, "answer": {"status": "planned", "notes": "moved"}}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());
    let reply = owner
        .upload_file(&app, &format!("{base}/workbook"), "workbook", &exported)
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());
    cases.0.push(Case {
        method: post.clone(),
        template: workbook,
        reply,
    });

    // The caller's own password and other sessions.
    for current in ["not the password", "correct horse battery"] {
        cases
            .send(
                &app,
                &owner,
                put.clone(),
                "/api/v1/me/password",
                "/api/v1/me/password",
                Some(json!({"current_password": current, "new_password": "correct horse battery"})),
            )
            .await;
    }
    cases
        .send(
            &app,
            &owner,
            post.clone(),
            "/api/v1/logout-others",
            "/api/v1/logout-others",
            None,
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            post.clone(),
            "/api/v1/logout-all",
            "/api/v1/logout-all",
            None,
        )
        .await;
    let again = sign_up(&app, "Again").await;
    cases
        .send(
            &app,
            &again,
            post.clone(),
            "/api/v1/logout",
            "/api/v1/logout",
            None,
        )
        .await;
    cases
        .send(
            &app,
            &again,
            post.clone(),
            "/api/v1/logout",
            "/api/v1/logout",
            None,
        )
        .await;

    // The catalog the server was started with.
    cases
        .send(
            &app,
            &anonymous,
            get.clone(),
            "/api/v1/frameworks",
            "/api/v1/frameworks",
            None,
        )
        .await;

    // The quick assessment as JSON: its questions, a result, and answers it refuses.
    cases
        .send(
            &app,
            &anonymous,
            get.clone(),
            "/api/v1/quick",
            "/api/v1/quick?iso27001=certified&scope_covers_ai=false",
            None,
        )
        .await;
    cases
        .send(
            &app,
            &anonymous,
            get.clone(),
            "/api/v1/quick",
            "/api/v1/quick?iso27001=king",
            None,
        )
        .await;
    cases
        .send(
            &app,
            &anonymous,
            post.clone(),
            "/api/v1/quick",
            "/api/v1/quick",
            Some(json!({
                "organization": {"name": "Acme", "employees": 150, "team_fte": 2.0, "jurisdictions": ["EU"]},
                "certifications": {"iso27001": "certified", "scope_covers_ai": false},
                "ai_systems": [{"name": "Chatbot", "role": "provider", "interacts_with_people": true}],
                "replies": {"policy": "yes", "risk": "partly"}
            })),
        )
        .await;
    cases
        .send(
            &app,
            &anonymous,
            post.clone(),
            "/api/v1/quick",
            "/api/v1/quick",
            Some(json!({
                "organization": {"employees": 150, "team_fte": 2.0},
                "ai_systems": [{"name": "Chatbot", "role": "king"}]
            })),
        )
        .await;

    // The preview of an AI system: its classification, a body that is no system, a system
    // the engine refuses.
    let preview = format!("{base}/ai-systems/preview");
    for body in [
        json!({"id": "hr-bot", "name": "HR bot", "role": "deployer", "markets": ["EU"], "annex_iii_point": "4(a)"}),
        json!({"id": "hr-bot", "name": "HR bot", "colour": "blue"}),
        json!({"id": "hr-bot", "name": "HR bot", "role": "king"}),
    ] {
        cases
            .send(
                &app,
                &owner,
                post.clone(),
                "/api/v1/assessments/{assessment}/ai-systems/preview",
                &preview,
                Some(body),
            )
            .await;
    }

    // The AI-BOM import: drafts from a real ML-BOM, and a BOM of another CycloneDX version.
    let import = format!("{base}/ai-systems/import-aibom");
    for body in [
        serde_json::from_str(super::aibom::ML_1_6).unwrap(),
        json!({"bomFormat": "CycloneDX", "specVersion": "1.4", "components": []}),
    ] {
        cases
            .send(
                &app,
                &owner,
                post.clone(),
                "/api/v1/assessments/{assessment}/ai-systems/import-aibom",
                &import,
                Some(body),
            )
            .await;
    }

    // The evidence register: JSON and multipart items, edits, versions, downloads.
    let evidence = format!("{base}/evidence");
    let template = "/api/v1/assessments/{assessment}/evidence";
    cases
        .send(&app, &owner, get.clone(), template, &evidence, None)
        .await;
    cases
        .send(
            &app,
            &owner,
            post.clone(),
            template,
            &evidence,
            Some(
                json!({"title": "Training records", "kind": "operating_record", "links": ["7.2"]}),
            ),
        )
        .await;
    cases
        .send(
            &app,
            &owner,
            post.clone(),
            template,
            &evidence,
            Some(json!({"title": "Training records", "kind": "rumour"})),
        )
        .await;
    let uploaded = owner
        .upload(
            &app,
            &evidence,
            &[
                ("title", "AI policy"),
                ("kind", "approved_document"),
                ("links", "5.2"),
            ],
            Some(("policy.pdf", "application/pdf", b"%PDF-1.4 policy")),
        )
        .await;
    let id = uploaded.json()["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    cases.0.push(Case {
        method: post.clone(),
        template,
        reply: uploaded,
    });
    let one = format!("{evidence}/{id}");
    let template_one = "/api/v1/assessments/{assessment}/evidence/{evidence}";
    cases
        .send(&app, &owner, get.clone(), template_one, &one, None)
        .await;
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            template_one,
            &format!("{evidence}/none"),
            None,
        )
        .await;
    for version in [1, 1] {
        cases
            .send(
                &app,
                &owner,
                put.clone(),
                template_one,
                &one,
                Some(json!({"title": "AI policy", "kind": "approved_document", "links": ["5.2", "A.2.2"], "version": version})),
            )
            .await;
    }
    let replaced = owner
        .upload(
            &app,
            &format!("{one}/file"),
            &[("version", "2")],
            Some(("policy-v2.pdf", "application/pdf", b"%PDF-1.4 policy v2")),
        )
        .await;
    cases.0.push(Case {
        method: post.clone(),
        template: "/api/v1/assessments/{assessment}/evidence/{evidence}/file",
        reply: replaced,
    });
    cases
        .send(
            &app,
            &owner,
            post.clone(),
            "/api/v1/assessments/{assessment}/evidence/{evidence}/file",
            &format!("{one}/file"),
            Some(json!({"version": 3})),
        )
        .await;
    for uri in [
        format!("{one}/file"),
        format!("{one}/file?version=1"),
        format!("{one}/file?version=9"),
        format!("{one}/file?version=x"),
    ] {
        cases
            .send(
                &app,
                &owner,
                get.clone(),
                "/api/v1/assessments/{assessment}/evidence/{evidence}/file",
                &uri,
                None,
            )
            .await;
    }
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/assessments/{assessment}/evidence/{evidence}/versions",
            &format!("{one}/versions"),
            None,
        )
        .await;
    for uri in [
        format!("{one}?version=1"),
        one.clone(),
        format!("{one}?version=3"),
    ] {
        cases
            .send(&app, &owner, delete.clone(), template_one, &uri, None)
            .await;
    }

    // The audit log: a page, a refused filter, the export.
    for (template, query) in [
        ("/api/v1/orgs/{org}/audit", ""),
        (
            "/api/v1/orgs/{org}/audit",
            "?event=account.created&from=2026-01-01",
        ),
        ("/api/v1/orgs/{org}/audit", "?from=someday"),
        ("/api/v1/orgs/{org}/audit/export", ""),
        ("/api/v1/orgs/{org}/audit/export", "?member=%3Cnobody%3E"),
    ] {
        let uri = format!("{}{query}", template.replace("{org}", &org));
        cases
            .send(&app, &owner, get.clone(), template, &uri, None)
            .await;
    }
    // Password reset: without mail (501), then on a server that mails (202, 400, 200, 404).
    let (forgot, reset) = ("/api/v1/password/forgot", "/api/v1/password/reset");
    let asking = || Some(json!({"email": "someone@example.test"}));
    cases
        .send(&app, &anonymous, post.clone(), forgot, forgot, asking())
        .await;
    let mailing_store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let mailing = aimsgap_web::app(AppState::new(
        mailing_store.clone(),
        catalog(),
        super::password_reset::mailing("smtp://127.0.0.1:9".into()),
    ));
    cases
        .send(&mailing, &anonymous, post.clone(), forgot, forgot, asking())
        .await;
    let not_an_address = Some(json!({"email": "nobody"}));
    cases
        .send(
            &mailing,
            &anonymous,
            post.clone(),
            forgot,
            forgot,
            not_an_address,
        )
        .await;
    let resetting = sign_up(&mailing, "Resetting").await;
    let secret = aimsgap_store::new_token().unwrap();
    mailing_store
        .create_password_reset(
            resetting.user_id.as_deref().unwrap(),
            &secret,
            &aimsgap_store::in_seconds(3600),
        )
        .await
        .unwrap();
    for password in ["short", "a brand new password", "a brand new password"] {
        let body = Some(json!({"token": secret, "password": password}));
        cases
            .send(&mailing, &anonymous, post.clone(), reset, reset, body)
            .await;
    }

    // Two-factor sign-in: the caller's state, an organisation's requirement, and a login
    // that needs a code.
    cases
        .send(
            &app,
            &owner,
            get.clone(),
            "/api/v1/account/two-factor",
            "/api/v1/account/two-factor",
            None,
        )
        .await;
    for required in [true, false] {
        cases
            .send(
                &app,
                &owner,
                put.clone(),
                "/api/v1/orgs/{org}/two-factor",
                &format!("/api/v1/orgs/{org}/two-factor"),
                Some(json!({"required": required})),
            )
            .await;
    }
    check(&document(&app).await, &cases.0);
}

/// Checks each case against the document: its route is documented, its status too, its media
/// type is one the document gives, and (in Python) its JSON body matches the schema.
fn check(document: &Value, cases: &[Case]) {
    let mut failures = Vec::new();
    let mut validations = Vec::new();
    let mut driven = BTreeSet::new();
    let mut statuses = BTreeSet::new();
    for case in cases {
        let method = case.method.as_str().to_lowercase();
        let name = format!(
            "{} {} -> {}",
            case.method,
            case.template,
            case.reply.status.as_u16()
        );
        driven.insert((case.method.to_string(), case.template));
        statuses.insert(case.reply.status.as_u16());
        let Some(response) =
            document["paths"][case.template][&method]["responses"].get(case.reply.status.as_str())
        else {
            failures.push(format!(
                "{name}: status not documented: {}",
                case.reply.text()
            ));
            continue;
        };
        let media = case
            .reply
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        match (response.get("content"), media) {
            (None, None) => {}
            (None, Some(media)) if case.reply.bytes.is_empty() => {
                failures.push(format!("{name}: an empty body with a media type {media}"))
            }
            (None, Some(media)) => failures.push(format!("{name}: undocumented body ({media})")),
            (Some(_), None) => failures.push(format!("{name}: no body, but one is documented")),
            (Some(content), Some(media)) => match content.get(media) {
                None => failures.push(format!("{name}: media type {media} not documented")),
                // Reports in JSON formats are documented by media type only.
                Some(entry) if media == "application/json" && entry.get("schema").is_some() => {
                    let body: Value = serde_json::from_slice(&case.reply.bytes)
                        .unwrap_or_else(|e| panic!("{name}: not JSON: {e}"));
                    validations
                        .push(json!({"name": name, "schema": entry["schema"], "body": body}));
                }
                Some(_) => {}
            },
        }
    }
    for (spec, _) in routes().into_iter().filter(|(spec, _)| !spec.is_page()) {
        if !driven.contains(&(spec.method.to_string(), spec.path)) {
            failures.push(format!("{} {} was never driven", spec.method, spec.path));
        }
    }
    // The statuses the API gives on purpose were all seen, so each of their schemas was tried.
    for status in [200, 201, 204, 400, 401, 403, 404, 409, 413, 422] {
        if !statuses.contains(&status) {
            failures.push(format!("no route answered {status}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(validations.len() > 50, "{}", validations.len());
    let path = temp("answers.json");
    let payload = json!({"components": document["components"], "cases": validations});
    std::fs::write(&path, payload.to_string()).unwrap();
    let script = r#"
import json, sys
from jsonschema import Draft202012Validator
data = json.load(open(sys.argv[1]))
failures = []
for case in data["cases"]:
    # References are `#/components/schemas/...`: resolve them in a root that holds the components.
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "allOf": [case["schema"]], "components": data["components"]}
    for error in Draft202012Validator(root).iter_errors(case["body"]):
        failures.append(f'{case["name"]}: {error.json_path}: {error.message}')
print("\n".join(failures) if failures else f'{len(data["cases"])} valid')
"#;
    if let Some(out) = python("jsonschema", script, &[path.to_str().unwrap()]) {
        assert!(out.trim().ends_with(" valid"), "{out}");
    }
}
