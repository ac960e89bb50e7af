//! The authorisation matrix: every route of the router, tried anonymously, as a member of
//! another organisation and as each role, and held to the exact status its access level
//! gives: 401 anonymous on a protected route, 404 for an outsider of the organisation, 403 for
//! a member without the right, and the route's own success status for everyone allowed (so
//! never a 500, nor a 409 or 400 that would hide whether access was granted). The routes come
//! from the same table the router is built from, so a new route is tried automatically; a
//! route whose path, body or success status this test does not know makes it fail.

use super::*;
use aimsgap_web::{Access, RouteSpec, routes};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Caller {
    Anonymous,
    Outsider,
    Viewer,
    Auditor,
    Editor,
    Owner,
}

fn expected_allowed(access: Access, caller: Caller) -> bool {
    use Caller::*;
    match access {
        Access::Public => true,
        Access::User => caller != Anonymous,
        Access::OrgMember | Access::Read => !matches!(caller, Anonymous | Outsider),
        Access::Export => matches!(caller, Auditor | Editor | Owner),
        Access::OrgEditor | Access::Edit => matches!(caller, Editor | Owner),
        Access::OrgOwner => caller == Owner,
        Access::OrgAudit => matches!(caller, Owner | Auditor),
    }
}

/// The status a caller allowed on a route gets: what the handler answers on success.
fn success(method: &Method, path: &str) -> StatusCode {
    let created = StatusCode::CREATED;
    let no_content = StatusCode::NO_CONTENT;
    let redirect = StatusCode::SEE_OTHER;
    match (method.as_str(), path) {
        ("GET", _) => StatusCode::OK,
        (
            "POST",
            "/api/v1/signup"
            | "/api/v1/tokens"
            | "/api/v1/orgs"
            | "/api/v1/orgs/{org}/invitations"
            | "/api/v1/orgs/{org}/assessments"
            | "/api/v1/assessments/{assessment}/runs",
        ) => created,
        (
            "POST",
            "/api/v1/login"
            | "/api/v1/logout-all"
            | "/api/v1/logout-others"
            | "/api/v1/invitations/{token}/accept"
            | "/api/v1/quick",
        ) => StatusCode::OK,
        ("POST", "/api/v1/logout") => no_content,
        ("POST", "/api/v1/assessments/{assessment}/ai-systems/preview") => StatusCode::OK,
        (
            "PUT",
            "/api/v1/assessments/{assessment}/profile"
            | "/api/v1/assessments/{assessment}/answers/{requirement}"
            | "/api/v1/assessments/{assessment}/ai-systems/{system}"
            | "/api/v1/me/password",
        ) => StatusCode::OK,
        ("PUT" | "DELETE", "/api/v1/orgs/{org}/members/{user}") => no_content,
        ("DELETE", "/api/v1/tokens/{token}" | "/api/v1/orgs/{org}/invitations/{invitation}") => {
            no_content
        }
        ("PUT", "/api/v1/assessments/{assessment}/work-items/{target}") => StatusCode::OK,
        ("POST", "/api/v1/assessments/{assessment}/comments") => created,
        ("PUT", "/api/v1/assessments/{assessment}/comments/{comment}") => StatusCode::OK,
        ("DELETE", "/api/v1/assessments/{assessment}/comments/{comment}") => no_content,
        ("POST", "/api/v1/assessments/{assessment}/evidence") => created,
        ("PUT", "/api/v1/assessments/{assessment}/evidence/{evidence}") => StatusCode::OK,
        ("DELETE", "/api/v1/assessments/{assessment}/evidence/{evidence}") => no_content,
        ("POST", "/api/v1/assessments/{assessment}/evidence/{evidence}/file") => StatusCode::OK,
        // The invitation link is shown once, on the answer itself, so it cannot redirect.
        ("POST", "/orgs/{org}/invitations") => created,
        // So is a new API token's secret.
        ("POST", "/account/tokens") => created,
        ("POST", "/api/v1/assessments/{assessment}/ai-systems/import-aibom") => StatusCode::OK,
        // The AI-BOM upload shows the drafts to confirm: nothing is saved, so nothing redirects.
        ("POST", "/assessments/{assessment}/systems/import-aibom") => StatusCode::OK,
        // A workbook uploaded to the import page answers with its preview.
        ("POST", "/assessments/{assessment}/import") => StatusCode::OK,
        ("POST", "/api/v1/assessments/{assessment}/workbook") => StatusCode::OK,
        ("POST", "/api/v1/password/forgot") => StatusCode::ACCEPTED,
        ("POST", "/api/v1/password/reset") => StatusCode::OK,
        ("PUT", "/api/v1/orgs/{org}/two-factor") => StatusCode::OK,
        // Every other page form answers with a redirect (post, redirect, get).
        ("POST", page) if !page.starts_with("/api/") => redirect,
        ("PUT", "/api/v1/notifications") => StatusCode::OK,
        (method, path) => panic!("the matrix has no success status for {method} {path}: add it"),
    }
}

/// The exact status of a route for a caller.
fn expected(spec: &RouteSpec, caller: Caller) -> StatusCode {
    if !expected_allowed(spec.access, caller) {
        return match caller {
            Caller::Anonymous => StatusCode::UNAUTHORIZED,
            // An organisation or assessment of others does not exist for an outsider.
            Caller::Outsider => StatusCode::NOT_FOUND,
            _ => StatusCode::FORBIDDEN,
        };
    }
    // The token to revoke is the owner's: to anyone else it does not exist.
    if matches!(
        spec.path,
        "/api/v1/tokens/{token}" | "/account/tokens/{api_token}/revoke"
    ) && caller != Caller::Owner
    {
        return StatusCode::NOT_FOUND;
    }
    // Single sign-on is not configured on the matrix's server, so its pages are not there for
    // anyone (the end-to-end tests run them against a real provider).
    if spec.path.starts_with("/signin/oidc") {
        return StatusCode::NOT_FOUND;
    }
    // This server sends no mail, so it takes no reset request and has mailed no reset link:
    // the same answer for everyone.
    if spec.path == "/api/v1/password/forgot" {
        return StatusCode::NOT_IMPLEMENTED;
    }
    if matches!(
        spec.path,
        "/api/v1/password/reset" | "/password/reset/{token}"
    ) {
        return StatusCode::NOT_FOUND;
    }
    // The comment to change is the owner's: an editor may neither edit nor delete it.
    if spec.path.contains("/comments/{comment}") && caller == Caller::Editor {
        return StatusCode::FORBIDDEN;
    }
    // Two-factor forms need a right code of the caller's own app (or two factors on): with
    // the matrix's wrong code, everyone let through is answered 400; the second step of a
    // sign-in without one waiting is 401 for anyone.
    if spec.method == Method::POST
        && matches!(
            spec.path,
            "/account/two-factor"
                | "/account/two-factor/recovery-codes"
                | "/account/two-factor/off"
        )
    {
        return StatusCode::BAD_REQUEST;
    }
    if spec.method == Method::POST && spec.path == "/signin/two-factor" {
        return StatusCode::UNAUTHORIZED;
    }
    success(&spec.method, spec.path)
}

struct Fixture {
    org: String,
    /// Invitations accepted by the matrix lead here, so callers never join `org`.
    sandbox: String,
    assessment: String,
    victim: String,
    run: String,
    other_run: String,
    owner_token_id: String,
    owner_email: String,
}

fn body_for(method: &Method, path: &str, f: &Fixture, i: usize, version: i64) -> Option<Value> {
    if *method == Method::GET || *method == Method::DELETE {
        return None;
    }
    Some(match path {
        "/api/v1/signup" => {
            json!({"email": format!("new{i}@example.test"), "name": "New", "password": "correct horse battery"})
        }
        "/api/v1/login" => json!({"email": f.owner_email, "password": "correct horse battery"}),
        "/api/v1/logout"
        | "/api/v1/logout-all"
        | "/api/v1/logout-others"
        | "/api/v1/invitations/{token}/accept"
        | "/api/v1/assessments/{assessment}/runs" => json!({}),
        "/api/v1/tokens" => json!({"name": "ci"}),
        // The same password again: the matrix signs in with it later.
        "/api/v1/me/password" => json!({"current_password": "correct horse battery",
            "new_password": "correct horse battery"}),
        "/api/v1/orgs" => json!({"name": "Other"}),
        "/api/v1/orgs/{org}/members/{user}" => json!({"role": "viewer"}),
        "/api/v1/orgs/{org}/invitations" => json!({"role": "viewer"}),
        "/api/v1/orgs/{org}/assessments" => json!({"name": "again", "content": EXAMPLE}),
        "/api/v1/assessments/{assessment}/profile" => {
            json!({"version": version, "profile": {"aimsgap": 2, "organization": {"name": "X"}}})
        }
        "/api/v1/assessments/{assessment}/answers/{requirement}" => {
            json!({"version": version, "answer": {"status": "partial"}})
        }
        "/api/v1/assessments/{assessment}/ai-systems/{system}" => {
            json!({"version": version, "system": {"id": "support-assistant", "name": "X"}})
        }
        // Pages: form fields (sent URL-encoded by `Client::form`).
        "/quick/save" => json!({"email": format!("quick{i}@example.test"), "name": "New",
            "password": "correct horse battery", "size": "150", "team": "1", "iso": "certified",
            "soc2": "no", "scope_ai": "no", "n": "1", "s1_name": "Bot", "s1_role": "deployer"}),
        "/api/v1/quick" => json!({"organization": {"employees": 150, "team_fte": 1.0},
            "ai_systems": [{"name": "Bot", "role": "deployer"}]}),
        "/signup" => {
            json!({"email": format!("page{i}@example.test"), "name": "New", "password": "correct horse battery"})
        }
        "/signin" => json!({"email": f.owner_email, "password": "correct horse battery"}),
        "/signout"
        | "/invitations/{token}"
        | "/assessments/{assessment}/runs"
        | "/orgs/{org}/invitations/{invitation}/revoke"
        | "/account/sessions/end-others"
        | "/account/tokens/{api_token}/revoke"
        | "/orgs/{org}/members/{member}/remove" => json!({}),
        "/account/password" => json!({"current_password": "correct horse battery",
            "new_password": "correct horse battery"}),
        "/account/tokens" => json!({"name": "ci", "days": "30"}),
        "/orgs/{org}/members/{member}/role" => json!({"role": "editor"}),
        "/orgs" => json!({"name": "Other"}),
        "/orgs/{org}/invitations" => json!({"role": "viewer"}),
        "/orgs/{org}/assessments" => json!({"name": "again", "content": EXAMPLE}),
        "/assessments/{assessment}/requirements/{requirement}" => {
            json!({"version": version.to_string(), "status": "partial"})
        }
        "/api/v1/assessments/{assessment}/ai-systems/preview" => {
            json!({"id": "matrix-preview", "name": "X", "markets": ["EU"]})
        }
        "/orgs/{org}/assessments/new" => json!({"name": "By form", "org_name": "Form Co"}),
        "/assessments/{assessment}/profile" => json!({"version": version.to_string(),
            "org_name": "Acme Cloud", "employees": "200", "sector": "software", "jur": "EU",
            "team_fte": "1.5", "as_of": "2026-11-29", "c0_framework": "iso27001",
            "c0_status": "certified", "c0_valid_until": "2027-09-30", "c0_scope_covers_ai": "yes"}),
        "/assessments/{assessment}/systems/new" => json!({"name": "Matrix bot", "action": "save"}),
        "/assessments/{assessment}/systems/{system}/edit" => json!({"version": version.to_string(),
            "name": "Customer support assistant", "role": "provider", "market": "EU",
            "action": "save"}),
        // `fill` made a fresh system for each try: its first version.
        "/assessments/{assessment}/systems/{system}/remove" => json!({"version": "1"}),
        "/api/v1/assessments/{assessment}/work-items/{target}" => {
            json!({"version": version, "state": "in_progress", "due": "2027-01-31"})
        }
        "/api/v1/assessments/{assessment}/comments" => {
            json!({"target": "requirement:7.4-1", "body": "From the matrix."})
        }
        "/api/v1/assessments/{assessment}/comments/{comment}" => json!({"body": "Edited."}),
        "/assessments/{assessment}/work" => {
            json!({"target": "requirement:7.4-1", "version": version.to_string(), "work_state": "in_review"})
        }
        "/assessments/{assessment}/comments" => {
            json!({"target": "requirement:7.4-1", "body": "From the page."})
        }
        "/assessments/{assessment}/comments/{comment}/edit" => json!({"body": "Edited here."}),
        "/assessments/{assessment}/comments/{comment}/delete" => json!({}),
        "/assessments/{assessment}/dashboard/runs" => json!({}),
        "/assessments/{assessment}/evidence" => {
            json!({"title": "Matrix evidence", "kind": "approved_document", "links": "7.4-1"})
        }
        "/api/v1/assessments/{assessment}/ai-systems/import-aibom" => {
            serde_json::from_str(super::aibom::ML_1_6).unwrap()
        }
        // Sent as a multipart upload of a BOM by the loop; these fields are not used.
        "/assessments/{assessment}/systems/import-aibom" => json!({}),
        // A fresh id for every try, so that an allowed confirmation adds a system.
        "/assessments/{assessment}/systems/import-aibom/confirm" => json!({"count": "1",
            "s0.include": "yes", "s0.id": format!("from-bom-{i}"), "s0.name": "From a BOM"}),
        "/api/v1/assessments/{assessment}/evidence" => {
            json!({"title": "Matrix record", "kind": "operating_record", "links": ["5.2"]})
        }
        // `fill` made a fresh item for each try: its first version.
        "/api/v1/assessments/{assessment}/evidence/{evidence}" => {
            json!({"title": "Matrix record, edited", "kind": "operating_record", "version": 1})
        }
        "/api/v1/assessments/{assessment}/evidence/{evidence}/file" => json!({"version": "1"}),
        // `fill` made a fresh item for each try: its first version.
        "/assessments/{assessment}/evidence/{evidence}" => json!({"version": "1",
            "title": "Matrix record, edited", "kind": "operating_record", "links": "7.4-1"}),
        "/assessments/{assessment}/evidence/{evidence}/file" => json!({"version": "1"}),
        "/assessments/{assessment}/evidence/{evidence}/delete" => json!({"version": "1"}),
        // Uploads: the workbook exported just before (see the loop), no edits.
        "/assessments/{assessment}/import" | "/api/v1/assessments/{assessment}/workbook" => {
            json!({})
        }
        "/assessments/{assessment}/import/apply" => json!({"answers": "[]"}),
        "/api/v1/password/forgot" | "/password/forgot" => {
            json!({"email": format!("forgot{i}@example.test")})
        }
        "/api/v1/password/reset" => {
            json!({"token": "ab".repeat(32), "password": "correct horse battery"})
        }
        "/password/reset/{token}" => json!({"password": "correct horse battery",
            "password_again": "correct horse battery"}),
        "/account/two-factor" | "/account/two-factor/recovery-codes" | "/signin/two-factor" => {
            json!({"code": "000000"})
        }
        "/account/two-factor/off" => {
            json!({"password": "correct horse battery", "code": "000000"})
        }
        // Never left on: every other route of the organisation would refuse the sessions.
        "/orgs/{org}/two-factor" => json!({"required": "no"}),
        "/api/v1/orgs/{org}/two-factor" => json!({"required": false}),
        "/api/v1/notifications" => json!({"work": true, "evidence": false, "obligations": true}),
        "/account/notifications" => json!({"work": "on", "obligations": "on"}),
        other => panic!("the matrix has no request body for {method} {other}: add its row"),
    })
}

async fn fill(app: &Router, owner: &Client, path: &str, f: &Fixture) -> String {
    let mut out = String::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        let value = match segment {
            "{org}" => f.org.clone(),
            "{assessment}" => f.assessment.clone(),
            "{user}" => f.victim.clone(),
            "{requirement}" => "7.4-1".to_string(),
            // A system to remove, made fresh for each try, so that the others stay.
            "{system}" if path.ends_with("/remove") => {
                static DOOMED: std::sync::atomic::AtomicUsize =
                    std::sync::atomic::AtomicUsize::new(0);
                let n = DOOMED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let id = format!("doomed-{n}");
                let made = owner
                    .put(
                        app,
                        &format!("/api/v1/assessments/{}/ai-systems/{id}", f.assessment),
                        json!({"version": 0, "system": {"id": id, "name": "Doomed"}}),
                    )
                    .await;
                assert_eq!(made.status, StatusCode::OK, "{}", made.text());
                id
            }
            "{system}" => "support-assistant".to_string(),
            "{run}" => f.run.clone(),
            "{other}" => f.other_run.clone(),
            "{format}" if path.contains("/drafts/") => "docx".to_string(),
            "{format}" => "html".to_string(),
            "{draft}" => "ai-risk-register".to_string(),
            "{file}" => "ai-risk-register.xlsx".to_string(),
            "{token}" if path.contains("invitations/{token}") => {
                let invitation = owner
                    .post(
                        app,
                        &format!("/api/v1/orgs/{}/invitations", f.sandbox),
                        json!({"role": "viewer"}),
                    )
                    .await;
                invitation.json()["token"].as_str().unwrap().to_string()
            }
            // A reset link that was never mailed.
            "{token}" if path.starts_with("/password/reset/") => "ab".repeat(32),
            "{token}" => f.owner_token_id.clone(),
            // A fresh token of the owner's for every try, so that an allowed revoke finds one.
            "{api_token}" => owner
                .post(app, "/api/v1/tokens", json!({"name": "page"}))
                .await
                .json()["id"]
                .as_str()
                .unwrap()
                .to_string(),
            // A fresh viewer of the organisation for every try, to change or remove.
            "{member}" => invite(app, owner, &f.org, "viewer", "Member")
                .await
                .user_id
                .unwrap(),
            // A fresh pending invitation of the organisation for every try, so that an
            // allowed revoke finds one.
            "{invitation}" => {
                let invitation = owner
                    .post(
                        app,
                        &format!("/api/v1/orgs/{}/invitations", f.org),
                        json!({"role": "viewer"}),
                    )
                    .await;
                invitation.json()["id"].as_str().unwrap().to_string()
            }
            "{target}" => "requirement:7.4-1".to_string(),
            "{package}" => "5.2".to_string(),
            // A fresh comment of the owner for every try, so that an allowed edit or delete
            // finds one.
            "{comment}" => {
                let comment = owner
                    .post(
                        app,
                        &format!("/api/v1/assessments/{}/comments", f.assessment),
                        json!({"target": "requirement:7.4-1", "body": "The owner's."}),
                    )
                    .await;
                comment.json()["id"].as_str().unwrap().to_string()
            }
            // A fresh item of evidence with a file for every try, so that an allowed change,
            // upload or delete finds it at version 1.
            "{evidence}" => {
                let made = owner
                    .upload(
                        app,
                        &format!("/api/v1/assessments/{}/evidence", f.assessment),
                        &[("title", "Fresh record"), ("kind", "operating_record")],
                        Some(("record.pdf", "application/pdf", b"%PDF-1.4 matrix")),
                    )
                    .await;
                assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
                made.json()["id"].as_str().unwrap().to_string()
            }
            other if other.starts_with('{') => {
                panic!("the matrix cannot fill {other} in {path}: add it")
            }
            other => other.to_string(),
        };
        out.push_str(&value);
    }
    if out.is_empty() {
        out.push('/');
    }
    // Deleting an item names the version read; downloads name the file version.
    if path.ends_with("/evidence/{evidence}") || path.ends_with("/evidence/{evidence}/file") {
        out.push_str("?version=1");
    }
    // The quick assessment's steps and result answer only complete answers of the steps
    // before them (422 otherwise).
    if path.starts_with("/quick/") && path != "/quick/save" {
        out.push_str("?size=150&team=1&iso=no&soc2=no&n=1&s1_name=Bot&s1_role=deployer");
    }
    out
}

/// The current version of what a write route changes, read by the owner just before the
/// write, so that an allowed write succeeds instead of meeting a stale version (409).
async fn current_version(app: &Router, owner: &Client, path: &str, f: &Fixture) -> i64 {
    let (list, key) = match path {
        "/api/v1/assessments/{assessment}/profile" => ("profile", ""),
        "/api/v1/assessments/{assessment}/answers/{requirement}"
        | "/assessments/{assessment}/requirements/{requirement}" => ("answers", "7.4-1"),
        "/api/v1/assessments/{assessment}/ai-systems/{system}" => {
            ("ai_systems", "support-assistant")
        }
        "/assessments/{assessment}/profile" => ("profile", ""),
        "/assessments/{assessment}/systems/{system}/edit" => ("ai_systems", "support-assistant"),
        "/api/v1/assessments/{assessment}/work-items/{target}"
        | "/assessments/{assessment}/work" => {
            let work = owner
                .get(
                    app,
                    &format!("/api/v1/assessments/{}/work-items", f.assessment),
                )
                .await
                .json();
            return work["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|item| item["target"] == "requirement:7.4-1")
                .map_or(0, |item| item["version"].as_i64().unwrap());
        }
        _ => return 0,
    };
    let stored = owner
        .get(app, &format!("/api/v1/assessments/{}", f.assessment))
        .await
        .json();
    let entry = if list == "profile" {
        Some(stored["profile"].clone())
    } else {
        stored[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|entry| entry["key"] == key)
            .cloned()
    };
    entry.map_or(0, |entry| entry["version"].as_i64().unwrap())
}

fn with_token(client: &Client, token: Option<&String>) -> Client {
    Client {
        cookie: None,
        csrf: None,
        token: token.cloned(),
        user_id: client.user_id.clone(),
    }
}

#[tokio::test]
async fn every_route_refuses_who_it_must_and_serves_who_it_may() {
    let (app, store) = super::audit::server_with_store().await;
    let owner = sign_up(&app, "Owner").await;
    let (org, assessment) = org_with_assessment(&app, &owner).await;
    let viewer = invite(&app, &owner, &org, "viewer", "Viewer").await;
    let auditor = invite(&app, &owner, &org, "auditor", "Auditor").await;
    let editor = invite(&app, &owner, &org, "editor", "Editor").await;
    let victim = invite(&app, &owner, &org, "viewer", "Victim").await;
    let outsider = sign_up(&app, "Outsider").await;
    org_with_assessment(&app, &outsider).await;
    let run = owner
        .post(
            &app,
            &format!("/api/v1/assessments/{assessment}/runs"),
            json!({}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let other_run = owner
        .post(
            &app,
            &format!("/api/v1/assessments/{assessment}/runs"),
            json!({}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let token = owner
        .post(&app, "/api/v1/tokens", json!({"name": "matrix"}))
        .await
        .json();
    let me = owner.get(&app, "/api/v1/me").await.json();
    let sandbox = owner
        .post(&app, "/api/v1/orgs", json!({"name": "Sandbox"}))
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let fixture = Fixture {
        org,
        sandbox,
        assessment,
        victim: victim.user_id.clone().unwrap(),
        run,
        other_run,
        owner_token_id: token["id"].as_str().unwrap().to_string(),
        owner_email: me["user"]["email"].as_str().unwrap().to_string(),
    };
    // API tokens for the last routes, which end sessions.
    let mut tokens = Vec::new();
    for client in [&outsider, &viewer, &auditor, &editor, &owner] {
        let t = client
            .post(&app, "/api/v1/tokens", json!({"name": "end"}))
            .await
            .json();
        tokens.push(t["token"].as_str().unwrap().to_string());
    }
    let callers = [
        (Caller::Anonymous, Client::default(), None),
        (Caller::Outsider, outsider.clone(), tokens.first()),
        (Caller::Viewer, viewer.clone(), tokens.get(1)),
        (Caller::Auditor, auditor.clone(), tokens.get(2)),
        (Caller::Editor, editor.clone(), tokens.get(3)),
        (Caller::Owner, owner.clone(), tokens.get(4)),
    ];

    let mut table = routes();
    // Routes that end sessions or remove people go last, in this order.
    let last = |path: &str| match path {
        "/api/v1/orgs/{org}/members/{user}" => 1,
        "/api/v1/tokens/{token}" => 2,
        "/api/v1/logout-all"
        | "/api/v1/logout-others"
        | "/api/v1/me/password"
        | "/account/password"
        | "/account/sessions/end-others" => 3,
        "/api/v1/logout" | "/signout" => 4,
        _ => 0,
    };
    table.sort_by_key(|(spec, _)| last(spec.path));
    // The audit log before every route is driven as every caller: afterwards each of these
    // events is still there, byte for byte, and the log only grew.
    let audit_before = super::audit::log(&store).await;
    let mut failures = Vec::new();
    let mut tried = 0;
    for (i, (spec, _)) in table.iter().enumerate() {
        for (caller, client, token) in &callers {
            let client = if last(spec.path) >= 3 {
                with_token(client, *token)
            } else {
                client.clone()
            };
            let uri = fill(&app, &owner, spec.path, &fixture).await;
            let version = current_version(&app, &owner, spec.path, &fixture).await;
            let body = body_for(
                &spec.method,
                spec.path,
                &fixture,
                i * 10 + *caller as usize,
                version,
            );
            let reply = match body {
                Some(_) if spec.path == "/assessments/{assessment}/systems/import-aibom" => {
                    super::aibom::upload(&client, &app, &uri, super::aibom::ML_1_6.as_bytes()).await
                }
                // The item page's new file is a multipart upload too.
                Some(body) if spec.path == "/assessments/{assessment}/evidence/{evidence}/file" => {
                    let version = body["version"].as_str().unwrap().to_string();
                    client
                        .upload(
                            &app,
                            &uri,
                            &[("version", version.as_str())],
                            Some(("record-2.pdf", "application/pdf", b"%PDF-1.4 second")),
                        )
                        .await
                }
                // A multipart upload: the workbook as exported now, so that nothing conflicts.
                _ if spec.upload.is_some() => {
                    let exported = owner
                        .get(
                            &app,
                            &format!("/api/v1/assessments/{}/reports/xlsx", fixture.assessment),
                        )
                        .await;
                    assert_eq!(exported.status, StatusCode::OK);
                    let field = spec.upload.unwrap();
                    client.upload_file(&app, &uri, field, &exported.bytes).await
                }
                Some(body) if spec.is_page() => {
                    let fields: Vec<(String, String)> = body
                        .as_object()
                        .unwrap()
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                        .collect();
                    let fields: Vec<(&str, &str)> = fields
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    client.form(&app, &uri, &fields).await
                }
                // A new file for an item is a multipart upload.
                Some(body) if spec.path.ends_with("/evidence/{evidence}/file") => {
                    let version = body["version"].as_str().unwrap().to_string();
                    client
                        .upload(
                            &app,
                            &uri,
                            &[("version", version.as_str())],
                            Some(("record-2.pdf", "application/pdf", b"%PDF-1.4 second")),
                        )
                        .await
                }
                body => client.send(&app, spec.method.clone(), &uri, body).await,
            };
            tried += 1;
            let expected = expected(spec, *caller);
            if reply.status != expected {
                failures.push(format!(
                    "{} {} as {caller:?}: {} (expected {expected}) {}",
                    spec.method,
                    spec.path,
                    reply.status,
                    String::from_utf8_lossy(&reply.bytes)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {tried} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(tried, table.len() * callers.len());
    let audit_after = super::audit::log(&store).await;
    for event in &audit_before {
        assert!(
            audit_after.contains(event),
            "no route may change or delete an audit event: {event:?}"
        );
    }
    assert!(
        audit_after.len() > audit_before.len(),
        "the routes' sign-ins, tokens, roles and downloads are recorded"
    );
}

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_routes() {
    let app = server().await;
    let document = Client::default()
        .get(&app, "/api/openapi.json")
        .await
        .json();
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    let api: Vec<_> = routes()
        .into_iter()
        .filter(|(spec, _)| !spec.is_page())
        .collect();
    assert!(
        api.len() < routes().len(),
        "the pages are in the same table"
    );
    let mut documented = 0;
    for (path, methods) in paths {
        documented += methods.as_object().unwrap().len();
        assert!(
            api.iter().any(|(spec, _)| spec.path == path.as_str()),
            "{path}"
        );
    }
    assert_eq!(documented, api.len());
    for (spec, _) in api {
        let op = &paths[spec.path][spec.method.as_str().to_lowercase()];
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{}",
            spec.path
        );
    }
    let page = Client::default().get(&app, "/api/docs").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = String::from_utf8_lossy(&page.bytes);
    assert!(html.contains("/api/v1/assessments/{assessment}/answers/{requirement}"));
    assert!(
        !html.contains("<script"),
        "the docs page works without script or network"
    );
}
