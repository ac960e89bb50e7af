//! What the workspace refuses, and how: evidence dated after the assessment date is refused at
//! every save (API answers, profile and import; the answer form; the import form), and every
//! form states what it refused in sentences about its own fields, never with an API code, a
//! field path or a library's error text.

use super::*;

/// The version an answer form was opened with.
fn version_of(html: &str) -> String {
    let start = html.find("name=\"version\" value=\"").unwrap() + "name=\"version\" value=\"".len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// Asserts that a page states its problems for people: no API code, no field path of the
/// assessment file, no error text of a library.
fn for_people(html: &str) {
    for leak in [
        "bad_request",
        "invalid",
        "answers.",
        "evidence[",
        "`email`",
        "`password`",
        "`name`",
        "Failed to deserialize",
        "Content-Type",
    ] {
        assert!(!html.contains(leak), "the page shows `{leak}`:\n{html}");
    }
}

#[tokio::test]
async fn evidence_dated_after_the_assessment_date_is_refused_by_the_api_with_the_located_field() {
    let app = server().await;
    let owner = sign_up(&app, "Lead").await;
    let (org, id) = org_with_assessment(&app, &owner).await;
    let base = format!("/api/v1/assessments/{id}");
    let answer = |date: &str| {
        json!({"status": "implemented", "maturity": 3,
            "evidence": [{"ref": "soa-v1.xlsx", "kind": "approved_document", "date": "2026-10-01"},
                         {"ref": "policy-v2.pdf", "kind": "approved_document", "date": date}]})
    };

    // The example judges on 2026-11-29: evidence of 2027-01-03 cannot back it.
    let refused = owner
        .put(
            &app,
            &format!("{base}/answers/5.2"),
            json!({"version": 1, "answer": answer("2027-01-03")}),
        )
        .await;
    let message = refused.error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        "answers.5.2.evidence[1].date: Evidence `policy-v2.pdf` is dated 2027-01-03, after the \
         assessment date 2026-11-29: record evidence that exists on the assessment date, or move \
         the assessment date.",
    );
    assert!(!message.contains("soa-v1.xlsx"), "{message}");
    let stored = owner.get(&app, &format!("{base}/answers")).await.text();
    assert!(!stored.contains("policy-v2.pdf"), "nothing is stored");

    // Evidence of the assessment date itself is accepted.
    let accepted = owner
        .put(
            &app,
            &format!("{base}/answers/5.2"),
            json!({"version": 1, "answer": answer("2026-11-29")}),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());

    // Moving the assessment date before that evidence is refused too, naming the evidence.
    let assessment = owner.get(&app, &base).await.json();
    let mut profile = assessment["profile"]["value"].as_object().unwrap().clone();
    profile.insert("as_of".into(), json!("2026-11-01"));
    let version = assessment["profile"]["version"].as_u64().unwrap();
    let moved = owner
        .put(
            &app,
            &format!("{base}/profile"),
            json!({"version": version, "profile": profile}),
        )
        .await;
    moved.error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        "answers.5.2.evidence[1].date: Evidence `policy-v2.pdf` is dated 2026-11-29, after the \
         assessment date 2026-11-01",
    );

    // An import names the line of the evidence's date in the file.
    let future = EXAMPLE.replace(
        "{ref: policies/ai-policy-draft-v0.4.docx, kind: draft, date: 2026-10-14}",
        "{ref: policies/ai-policy-draft-v0.4.docx, kind: draft, date: 2026-12-24}",
    );
    assert_ne!(future, EXAMPLE);
    let line = future
        .lines()
        .position(|l| l.contains("2026-12-24"))
        .unwrap()
        + 1;
    let imported = owner
        .post(
            &app,
            &format!("/api/v1/orgs/{org}/assessments"),
            json!({"name": "future", "content": future}),
        )
        .await;
    imported.error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        &format!("future:{line}:"),
    );
    imported.error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        "answers.5.2.evidence[0].date: Evidence `policies/ai-policy-draft-v0.4.docx` is dated \
         2026-12-24, after the assessment date 2026-11-29",
    );
    // The same file imported as a JSON document is refused alike.
    let document = owner.get(&app, &format!("{base}/export")).await.json();
    let mut document = document.clone();
    document["answers"]["4.3"]["evidence"][0]["date"] = json!("2027-02-01");
    let imported = owner
        .post(
            &app,
            &format!("/api/v1/orgs/{org}/assessments"),
            json!({"name": "future json", "document": document}),
        )
        .await;
    imported.error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        "answers.4.3.evidence[0].date: Evidence `aims/aims-scope-draft.docx` is dated 2027-02-01",
    );
}

#[tokio::test]
async fn the_answer_form_refuses_future_evidence_at_its_field_and_keeps_what_was_typed() {
    let app = server().await;
    let owner = sign_up(&app, "Lead").await;
    let (_, id) = org_with_assessment(&app, &owner).await;
    let uri = format!("/assessments/{id}/requirements/5.2");
    let page = owner.get(&app, &uri).await.text();
    let version = version_of(&page);
    let refused = owner
        .form(
            &app,
            &uri,
            &[
                ("version", &version),
                ("status", "implemented"),
                ("maturity", "3"),
                ("owner", "CISO"),
                ("ev0_ref", "policy-v2.pdf"),
                ("ev0_kind", "approved_document"),
                ("ev0_date", "2027-01-03"),
                ("notes", "Approved by the board"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text();
    assert!(
        html.contains(
            "<a href=\"#f-ev0-date\">Evidence 1 date: Evidence `policy-v2.pdf` is dated \
             2027-01-03, after the assessment date 2026-11-29: record evidence that exists on \
             the assessment date, or move the assessment date.</a>"
        ),
        "{html}"
    );
    assert!(
        html.contains("id=\"f-ev0-date\""),
        "the link lands on the field"
    );
    for kept in [
        "value=\"policy-v2.pdf\"",
        "value=\"2027-01-03\"",
        "value=\"CISO\"",
        "Approved by the board",
    ] {
        assert!(html.contains(kept), "{kept} was dropped");
    }
    for_people(&html);
    super::pages::accessible(&uri, &html);
}

#[tokio::test]
async fn each_workspace_form_states_its_problem_as_a_sentence_about_its_field() {
    let app = server().await;
    let owner = sign_up(&app, "Lead").await;
    let (org, id) = org_with_assessment(&app, &owner).await;

    // The answer form: a wrong value of the file's vocabulary, and a maturity out of range.
    let uri = format!("/assessments/{id}/requirements/5.2");
    let version = version_of(&owner.get(&app, &uri).await.text());
    let refused = owner
        .form(
            &app,
            &uri,
            &[
                ("version", &version),
                ("status", "implemented"),
                ("ev0_ref", "minutes.pdf"),
                ("ev0_kind", "rumour"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text();
    assert!(
        html.contains("<a href=\"#f-ev0-kind\">Evidence 1 kind: `rumour` is not one of:"),
        "{html}"
    );
    for_people(&html);
    let refused = owner
        .form(
            &app,
            &uri,
            &[
                ("version", &version),
                ("status", "implemented"),
                ("maturity", "9"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let html = refused.text();
    assert!(
        html.contains("<a href=\"#f-maturity\">Maturity: choose a level from 0 to 5"),
        "{html}"
    );
    for_people(&html);
    let refused = owner
        .form(
            &app,
            &uri,
            &[("version", &version), ("status", "not_applicable")],
        )
        .await;
    let html = refused.text();
    assert!(
        html.contains("<a href=\"#f-status\">Status: `5.2` is a clause requirement"),
        "{html}"
    );
    for_people(&html);

    // The import form: where in the pasted file, in words, linked to the file's field.
    let bad = EXAMPLE.replacen("status: partial", "status: halfway", 1);
    let line = bad.lines().position(|l| l.contains("halfway")).unwrap() + 1;
    let column = bad.lines().nth(line - 1).unwrap().find("halfway").unwrap() + 1;
    let refused = owner
        .form(
            &app,
            &format!("/orgs/{org}/assessments"),
            &[("name", "Pasted"), ("content", &bad)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text();
    assert!(
        html.contains(&format!(
            "<a href=\"#f-content\">Line {line}, column {column}, the status of the answer to 4.1-1: `halfway` is not one of:"
        )),
        "{html}"
    );
    assert!(html.contains("status: halfway"), "the pasted file is kept");
    for_people(&html);
    let future = EXAMPLE.replace("date: 2026-10-14}", "date: 2027-01-03}");
    let refused = owner
        .form(
            &app,
            &format!("/orgs/{org}/assessments"),
            &[("name", "Pasted"), ("content", &future)],
        )
        .await;
    let html = refused.text();
    assert!(
        html.contains("the date of evidence 1 of the answer to 5.2: Evidence `policies/ai-policy-draft-v0.4.docx` is dated 2027-01-03, after the assessment date 2026-11-29"),
        "{html}"
    );
    for_people(&html);

    // Sign-up: the field's label, not the API's name for it.
    let visitor = Client::default();
    let refused = visitor
        .form(
            &app,
            "/signup",
            &[
                ("name", "New"),
                ("email", "new@example.test"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let html = refused.text();
    assert!(
        html.contains("Password: choose one of at least 10 characters."),
        "{html}"
    );
    assert!(
        html.contains("value=\"new@example.test\""),
        "the address is kept"
    );
    for_people(&html);
    let refused = visitor
        .form(
            &app,
            "/signup",
            &[
                ("name", "New"),
                ("email", "no address"),
                ("password", "long enough password"),
            ],
        )
        .await;
    let html = refused.text();
    assert!(
        html.contains("E-mail address: give an e-mail address"),
        "{html}"
    );
    for_people(&html);
    // The API keeps its stable code and its message naming the field.
    let api = visitor
        .post(
            &app,
            "/api/v1/signup",
            json!({"email": "new@example.test", "name": "New", "password": "short"}),
        )
        .await;
    api.error(
        StatusCode::BAD_REQUEST,
        "bad_request",
        "`password` must have at least 10 characters",
    );

    // A new organisation without a name: the field named, what was typed kept.
    let long = "n".repeat(201);
    let refused = owner.form(&app, "/orgs", &[("name", &long)]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let html = refused.text();
    assert!(
        html.contains("Organisation name: give a name of 1 to 200 characters."),
        "{html}"
    );
    assert!(
        html.contains(&format!("value=\"{long}\"")),
        "the name is kept"
    );
    for_people(&html);

    // An invitation without a role, and a form the server cannot read, on the error page.
    let refused = owner
        .form(
            &app,
            &format!("/orgs/{org}/invitations"),
            &[("role", "emperor")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let html = refused.text();
    assert!(
        html.contains("Choose the role of the person you invite."),
        "{html}"
    );
    for_people(&html);
    let unreadable = Request::builder()
        .method(Method::POST)
        .uri(format!("/orgs/{org}/invitations"))
        .header(
            header::COOKIE,
            format!("aimsgap_session={}", owner.cookie.clone().unwrap()),
        )
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("role=viewer"))
        .unwrap();
    let html = send(&app, unreadable).await.text();
    assert!(html.contains("<h1>Something went wrong</h1>"), "{html}");
    for_people(&html);
}
