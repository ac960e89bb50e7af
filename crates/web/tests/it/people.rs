//! Members, invitations, the account page and its API siblings, the 404 page and the history
//! that reads: page flows, and API flows on every backend.

use super::*;

async fn email_of(app: &Router, client: &Client) -> String {
    client.get(app, "/api/v1/me").await.json()["user"]["email"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A second session of the same account, signed in through the API.
async fn second_session(app: &Router, email: &str, password: &str) -> Client {
    let reply = Client::default()
        .post(
            app,
            "/api/v1/login",
            json!({"email": email, "password": password}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
    let secret = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    Client {
        cookie: Some(secret),
        csrf: Some(reply.json()["csrf"].as_str().unwrap().to_string()),
        token: None,
        user_id: Some(reply.json()["user"]["id"].as_str().unwrap().to_string()),
    }
}

fn is_html(reply: &Reply) -> bool {
    reply
        .headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
}

#[tokio::test]
async fn an_unknown_page_is_the_404_page_and_an_unknown_api_path_stays_json() {
    let app = server().await;
    let visitor = Client::default();
    let page = visitor.get(&app, "/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(is_html(&page), "{:?}", page.headers);
    let html = page.text();
    assert!(html.contains("<h1>Not found</h1>"), "{html}");
    assert!(
        html.contains("/static/app."),
        "in the layout, with its stylesheet"
    );

    // A signed-in browser sees its header on the 404 page.
    let owner = sign_up(&app, "Owner").await;
    let page = owner.get(&app, "/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(
        page.text().contains("Your organisations"),
        "{}",
        page.text()
    );

    // A 404 from a page handler (an unknown assessment) is the same page.
    let page = owner.get(&app, "/assessments/nope").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(is_html(&page) && page.text().contains("<h1>Not found</h1>"));

    // The API keeps its JSON error body, known prefix or not.
    for path in ["/api/v1/no-such-thing", "/api/nothing", "/api"] {
        let reply = visitor.get(&app, path).await;
        reply.error(StatusCode::NOT_FOUND, "not_found", "");
    }
}

#[tokio::test]
async fn the_history_shows_each_changed_field_before_and_after() {
    for (backend, app) in servers().await {
        let owner = sign_up(&app, "Owner").await;
        let (_, assessment) = org_with_assessment(&app, &owner).await;
        let base = format!("/api/v1/assessments/{assessment}");
        let requirement = "7.4-1";
        let version = |stored: &Value| {
            stored["answers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["key"] == requirement)
                .map_or(0, |a| a["version"].as_i64().unwrap())
        };
        let stored = owner.get(&app, &base).await.json();
        let put = owner
            .put(
                &app,
                &format!("{base}/answers/{requirement}"),
                json!({"version": version(&stored), "answer": {"status": "partial", "owner": "Ana"}}),
            )
            .await;
        assert_eq!(put.status, StatusCode::OK, "{backend}: {}", put.text());
        let stored = owner.get(&app, &base).await.json();
        let put = owner
            .put(
                &app,
                &format!("{base}/answers/{requirement}"),
                json!({"version": version(&stored), "answer": {"status": "implemented", "owner": "Ana",
                    "evidence": [{"ref": "Policy v2", "kind": "approved_document"}]}}),
            )
            .await;
        assert_eq!(put.status, StatusCode::OK, "{backend}: {}", put.text());
        // Saved again as it was: listed, with no field said to change.
        let stored = owner.get(&app, &base).await.json();
        let again = owner
            .put(
                &app,
                &format!("{base}/answers/{requirement}"),
                json!({"version": version(&stored), "answer": {"status": "implemented", "owner": "Ana",
                    "evidence": [{"ref": "Policy v2", "kind": "approved_document"}]}}),
            )
            .await;
        assert_eq!(again.status, StatusCode::OK, "{backend}: {}", again.text());

        let history = owner.get(&app, &format!("{base}/history")).await.json();
        let entries = history["history"].as_array().unwrap();
        let answers: Vec<&Value> = entries
            .iter()
            .filter(|e| e["entity"] == "answer" && e["key"] == requirement)
            .collect();
        let sentences = |entry: &Value| -> Vec<String> {
            entry["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["sentence"].as_str().unwrap().to_string())
                .collect()
        };
        let [.., changed, unchanged] = answers.as_slice() else {
            panic!("{backend}: {answers:?}");
        };
        assert_eq!(
            sentences(changed),
            vec![
                "status: partial -> implemented",
                "evidence added: 'Policy v2' (approved document)",
            ],
            "{backend}"
        );
        assert!(sentences(unchanged).is_empty(), "{backend}");
        let import = entries
            .iter()
            .find(|e| e["entity"] == "assessment")
            .unwrap();
        assert_eq!(import["changes"], json!([]), "{backend}");

        let page = owner
            .get(&app, &format!("/assessments/{assessment}/history"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(
            html.contains("<del>partial</del>")
                && html.contains("<ins>implemented</ins>")
                && html.contains(
                    "evidence</span> added: <ins>&#39;Policy v2&#39; (approved document)</ins>"
                ),
            "{backend}: {html}"
        );
        assert!(
            html.contains("Saved again with no field changed."),
            "{backend}"
        );
        assert!(
            !html.contains("<del>implemented</del>"),
            "never implemented -> implemented: {html}"
        );
    }
}

#[tokio::test]
async fn owners_change_roles_and_remove_members_but_never_the_last_owner() {
    for (backend, app) in servers().await {
        let owner = sign_up(&app, "Owner").await;
        let (org, _) = org_with_assessment(&app, &owner).await;
        let editor = invite(&app, &owner, &org, "editor", "Editor").await;
        let editor_id = editor.user_id.clone().unwrap();
        let owner_id = owner.user_id.clone().unwrap();
        let role_of = |members: &Value, id: &str| -> Option<String> {
            members["members"]
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["user"]["id"] == id || m["id"] == id)
                .and_then(|m| m["role"].as_str().map(str::to_string))
        };

        let page = owner.get(&app, &format!("/orgs/{org}")).await;
        let html = page.text();
        assert!(
            html.contains(&format!("/orgs/{org}/members/{editor_id}/role")),
            "{backend}: {html}"
        );
        assert!(
            html.contains("The only owner: make another member owner"),
            "{backend}"
        );
        assert!(
            !html.contains(&format!("/orgs/{org}/members/{owner_id}/remove")),
            "the last owner has no remove button"
        );

        // A viewer of the page (the editor) sees roles but no form.
        let seen = editor.get(&app, &format!("/orgs/{org}")).await.text();
        assert!(!seen.contains("/members/"), "{backend}: {seen}");
        let refused = editor
            .form(
                &app,
                &format!("/orgs/{org}/members/{owner_id}/role"),
                &[("role", "viewer")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{backend}");

        let changed = owner
            .form(
                &app,
                &format!("/orgs/{org}/members/{editor_id}/role"),
                &[("role", "viewer")],
            )
            .await;
        assert_eq!(
            changed.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            changed.text()
        );
        let members = owner
            .get(&app, &format!("/api/v1/orgs/{org}/members"))
            .await
            .json();
        assert_eq!(
            role_of(&members, &editor_id).as_deref(),
            Some("viewer"),
            "{backend}: {members}"
        );

        // The last owner cannot demote themselves: the page says so at the field.
        let demoted = owner
            .form(
                &app,
                &format!("/orgs/{org}/members/{owner_id}/role"),
                &[("role", "editor")],
            )
            .await;
        assert_eq!(demoted.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            demoted
                .text()
                .contains(&format!("id=\"e-role-{owner_id}\""))
                && demoted.text().contains("only owner"),
            "{backend}: {}",
            demoted.text()
        );
        let removed = owner
            .form(&app, &format!("/orgs/{org}/members/{owner_id}/remove"), &[])
            .await;
        assert_eq!(removed.status, StatusCode::BAD_REQUEST, "{backend}");
        let members = owner
            .get(&app, &format!("/api/v1/orgs/{org}/members"))
            .await
            .json();
        assert_eq!(
            role_of(&members, &owner_id).as_deref(),
            Some("owner"),
            "{backend}"
        );

        let removed = owner
            .form(
                &app,
                &format!("/orgs/{org}/members/{editor_id}/remove"),
                &[],
            )
            .await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER, "{backend}");
        let members = owner
            .get(&app, &format!("/api/v1/orgs/{org}/members"))
            .await
            .json();
        assert_eq!(role_of(&members, &editor_id), None, "{backend}");
        assert_eq!(
            editor.get(&app, &format!("/orgs/{org}")).await.status,
            StatusCode::NOT_FOUND,
            "{backend}"
        );
    }
}

#[tokio::test]
async fn the_invitation_page_names_the_organisation_role_and_inviter_before_accepting() {
    let app = server().await;
    let owner = sign_up(&app, "Olivia").await;
    let (org, _) = org_with_assessment(&app, &owner).await;
    let invitation = owner
        .post(
            &app,
            &format!("/api/v1/orgs/{org}/invitations"),
            json!({"role": "auditor"}),
        )
        .await
        .json();
    let token = invitation["token"].as_str().unwrap();
    let guest = sign_up(&app, "Guest").await;
    let page = guest.get(&app, &format!("/invitations/{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Join Acme"), "{html}");
    assert!(html.contains("<strong>auditor</strong>"), "{html}");
    assert!(html.contains("by Olivia"), "{html}");
    // Looking changed nothing: the guest is not a member yet.
    assert_eq!(
        guest.get(&app, &format!("/orgs/{org}")).await.status,
        StatusCode::NOT_FOUND
    );
    // Revoked, the page says the link cannot be used.
    let revoked = owner
        .send(
            &app,
            Method::DELETE,
            &format!(
                "/api/v1/orgs/{org}/invitations/{}",
                invitation["id"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let page = guest.get(&app, &format!("/invitations/{token}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text().contains("cannot be used"), "{}", page.text());
}

#[tokio::test]
async fn changing_the_password_keeps_this_session_and_ends_the_others() {
    for (backend, app) in servers().await {
        let user = sign_up(&app, "Pat").await;
        let email = email_of(&app, &user).await;
        let other = second_session(&app, &email, "correct horse battery").await;
        let page = user.get(&app, "/account").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.text().contains("signed in on 2 sessions"),
            "{backend}: {}",
            page.text()
        );

        let wrong = user
            .form(
                &app,
                "/account/password",
                &[
                    ("current_password", "not it at all"),
                    ("new_password", "a new long password"),
                ],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            wrong.text().contains("id=\"e-current-password\""),
            "{backend}: {}",
            wrong.text()
        );
        let short = user
            .form(
                &app,
                "/account/password",
                &[
                    ("current_password", "correct horse battery"),
                    ("new_password", "short"),
                ],
            )
            .await;
        assert_eq!(short.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(short.text().contains("id=\"e-new-password\""), "{backend}");
        // Neither refusal ended a session.
        assert_eq!(other.get(&app, "/api/v1/me").await.status, StatusCode::OK);

        let changed = user
            .form(
                &app,
                "/account/password",
                &[
                    ("current_password", "correct horse battery"),
                    ("new_password", "a new long password"),
                ],
            )
            .await;
        assert_eq!(
            changed.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            changed.text()
        );
        assert_eq!(changed.location(), "/account?done=password&ended=1#done");
        assert_eq!(
            user.get(&app, "/api/v1/me").await.status,
            StatusCode::OK,
            "{backend}"
        );
        assert_eq!(
            other.get(&app, "/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED,
            "{backend}"
        );
        let page = user
            .get(&app, "/account?done=password&ended=1")
            .await
            .text();
        assert!(
            page.contains("Your password was changed. 1 other session was signed out."),
            "{page}"
        );

        let old = Client::default()
            .post(
                &app,
                "/api/v1/login",
                json!({"email": email, "password": "correct horse battery"}),
            )
            .await;
        assert_eq!(old.status, StatusCode::UNAUTHORIZED, "{backend}");
        let third = second_session(&app, &email, "a new long password").await;

        // The API sibling, and the API's "everywhere else".
        let wrong = user
            .put(
                &app,
                "/api/v1/me/password",
                json!({"current_password": "nope nope nope", "new_password": "another long one"}),
            )
            .await;
        wrong.error(StatusCode::BAD_REQUEST, "bad_request", "current_password");
        let done = user
            .put(&app, "/api/v1/me/password", json!({"current_password": "a new long password", "new_password": "another long one"}))
            .await;
        assert_eq!(done.status, StatusCode::OK, "{backend}: {}", done.text());
        assert_eq!(done.json()["sessions_ended"], 1, "{backend}");
        assert_eq!(
            third.get(&app, "/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED
        );
        let fourth = second_session(&app, &email, "another long one").await;
        let fifth = second_session(&app, &email, "another long one").await;
        let ended = user.post(&app, "/api/v1/logout-others", json!({})).await;
        assert_eq!(ended.status, StatusCode::OK, "{backend}");
        assert_eq!(ended.json()["sessions_ended"], 2, "{backend}");
        for gone in [&fourth, &fifth] {
            assert_eq!(
                gone.get(&app, "/api/v1/me").await.status,
                StatusCode::UNAUTHORIZED
            );
        }
        assert_eq!(user.get(&app, "/api/v1/me").await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn signing_out_everywhere_else_from_the_page_keeps_this_session() {
    let app = server().await;
    let user = sign_up(&app, "Sam").await;
    let email = email_of(&app, &user).await;
    let other = second_session(&app, &email, "correct horse battery").await;
    let ended = user.form(&app, "/account/sessions/end-others", &[]).await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    assert_eq!(ended.location(), "/account?done=others&ended=1#done");
    assert_eq!(
        other.get(&app, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    let page = user.get(&app, "/account").await;
    assert!(
        page.text().contains("signed in on 1 session: this one"),
        "{}",
        page.text()
    );
}

#[tokio::test]
async fn a_password_change_is_throttled_like_a_sign_in() {
    let app = server().await;
    let user = sign_up(&app, "Guess").await;
    let email = email_of(&app, &user).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let reply = user
            .form(
                &app,
                "/account/password",
                &[
                    ("current_password", "a wrong guess"),
                    ("new_password", "a new long password"),
                ],
            )
            .await;
        statuses.push(reply.status);
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            assert!(reply.headers.contains_key(header::RETRY_AFTER));
            assert!(
                reply.text().contains("too many failed attempts"),
                "{}",
                reply.text()
            );
        }
    }
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // The same account's sign-in waits too: the guesses counted against it.
    let signin = Client::default()
        .post(
            &app,
            "/api/v1/login",
            json!({"email": email, "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(signin.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_api_token_made_on_the_account_page_is_shown_once_and_can_be_revoked() {
    for (backend, app) in servers().await {
        let user = sign_up(&app, "Tok").await;
        let bad = user
            .form(&app, "/account/tokens", &[("name", "ci"), ("days", "0")])
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            bad.text()
                .contains("Expires after: choose a number of days from 1 to 366.")
        );
        let made = user
            .form(
                &app,
                "/account/tokens",
                &[("name", "ci pipeline"), ("days", "30")],
            )
            .await;
        assert_eq!(
            made.status,
            StatusCode::CREATED,
            "{backend}: {}",
            made.text()
        );
        let html = made.text();
        let start = html.find("<code id=\"new-token\">").unwrap() + "<code id=\"new-token\">".len();
        let secret = html[start..].split('<').next().unwrap().to_string();
        assert!(secret.len() >= 32, "{secret}");
        let bearer = Client {
            token: Some(secret.clone()),
            ..Client::default()
        };
        assert_eq!(
            bearer.get(&app, "/api/v1/me").await.status,
            StatusCode::OK,
            "{backend}"
        );
        let tokens = user.get(&app, "/api/v1/tokens").await.json();
        let token = &tokens["tokens"][0];
        assert_eq!(token["name"], "ci pipeline");
        let page = user.get(&app, "/account").await.text();
        assert!(
            page.contains("ci pipeline") && !page.contains(&secret),
            "shown once: {page}"
        );

        let revoked = user
            .form(
                &app,
                &format!("/account/tokens/{}/revoke", token["id"].as_str().unwrap()),
                &[],
            )
            .await;
        assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{backend}");
        assert_eq!(
            bearer.get(&app, "/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED
        );
        // Someone else's token, or one already revoked, does not exist.
        let again = user
            .form(
                &app,
                &format!("/account/tokens/{}/revoke", token["id"].as_str().unwrap()),
                &[],
            )
            .await;
        assert_eq!(again.status, StatusCode::NOT_FOUND, "{backend}");
    }
}

/// Saves the quick assessment of these answers into `target` (an organisation's id, or `new`).
async fn save(app: &Router, user: &Client, answers: &str, target: &str) -> Reply {
    let mut fields: Vec<(&str, &str)> = answers
        .split('&')
        .map(|pair| pair.split_once('=').unwrap())
        .collect();
    fields.push(("target", target));
    user.form(app, "/quick/save", &fields).await
}

/// How many organisations the user belongs to.
async fn orgs(app: &Router, user: &Client) -> usize {
    user.get(app, "/api/v1/orgs").await.json()["organizations"]
        .as_array()
        .unwrap()
        .len()
}

/// How many assessments an organisation holds.
async fn count(app: &Router, user: &Client, org: &str) -> usize {
    user.get(app, &format!("/api/v1/orgs/{org}/assessments"))
        .await
        .json()["assessments"]
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn saving_a_quick_assessment_signed_in_offers_the_organisations_where_one_edits() {
    for (backend, app) in servers().await {
        let user = sign_up(&app, "Quinn").await;
        let (mine, _) = org_with_assessment(&app, &user).await;
        // An organisation where Quinn only reads.
        let other = sign_up(&app, "Other").await;
        let (viewed, _) = org_with_assessment(&app, &other).await;
        let invitation = other
            .post(
                &app,
                &format!("/api/v1/orgs/{viewed}/invitations"),
                json!({"role": "viewer"}),
            )
            .await
            .json();
        let accept = invitation["accept"].as_str().unwrap();
        assert_eq!(
            user.post(&app, accept, json!({})).await.status,
            StatusCode::OK
        );

        let answers = "size=150&team=1&iso=no&soc2=no&n=1&s1_name=Bot&s1_role=deployer";
        let page = user.get(&app, &format!("/quick/result?{answers}")).await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        let html = page.text();
        assert!(
            html.contains(&format!("value=\"{mine}\"")),
            "{backend}: {html}"
        );
        assert!(html.contains("value=\"new\" checked"), "{backend}");
        assert!(
            !html.contains(&format!("value=\"{viewed}\"")),
            "a viewer cannot save there"
        );

        let saved = save(&app, &user, answers, &mine).await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            saved.text()
        );
        assert_eq!(
            count(&app, &user, &mine).await,
            2,
            "{backend}: into the existing organisation"
        );
        assert_eq!(orgs(&app, &user).await, 2, "{backend}: no new organisation");

        assert_eq!(
            save(&app, &user, answers, &viewed).await.status,
            StatusCode::FORBIDDEN,
            "{backend}"
        );
        assert_eq!(count(&app, &user, &viewed).await, 1, "{backend}");
        assert_eq!(
            save(&app, &user, answers, "nope").await.status,
            StatusCode::NOT_FOUND,
            "{backend}"
        );

        let saved = save(&app, &user, answers, "new").await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{backend}");
        assert_eq!(orgs(&app, &user).await, 3, "{backend}: a new organisation");
    }
}
