//! Two-factor sign-in, on SQLite and PostgreSQL: enrolment from the page (the secret read
//! from it, codes computed here with `totp-rs`), the second step of the pages' sign-in and the
//! API's login `code`, replayed, wrong and used codes refused, turning off, renewing recovery
//! codes, and an organisation's requirement.

use super::*;
use std::time::{SystemTime, UNIX_EPOCH};

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {text}"))
        + start.len();
    let rest = &text[from..];
    &rest[..rest.find(end).unwrap()]
}

/// The code of `secret` (base32, as the page shows it) for the time `at`.
fn code(secret: &str, at: u64) -> String {
    let bytes = totp_rs::Secret::try_from_base32(secret.replace(' ', ""))
        .unwrap()
        .as_bytes()
        .to_vec();
    totp_rs::Builder::new()
        .with_secret(bytes)
        .build()
        .unwrap()
        .generate(at)
        .to_string()
}

/// Reads the secret off the enrolment page, turns two factors on with its code and returns
/// the secret, the recovery codes the answer showed and the time the code was made for.
async fn enrol(app: &Router, client: &Client) -> (String, Vec<String>, u64) {
    let page = client.get(app, "/account/two-factor").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    assert!(html.contains("<svg"), "the QR code is inline");
    assert!(!html.contains("<?xml"), "{html}");
    let secret = between(&html, "<code id=\"secret\">", "</code>").replace(' ', "");
    assert_eq!(secret.len(), 32, "20 bytes in base32: {secret}");
    let url = between(&html, "<code class=\"wrap\" id=\"otpauth-url\">", "</code>");
    assert!(url.starts_with("otpauth://totp/"), "{url}");
    assert!(url.contains(&format!("secret={secret}")), "{url}");
    // The page shows the same secret until it is turned on.
    let again = client.get(app, "/account/two-factor").await.text();
    assert!(again.contains(&between(&html, "<code id=\"secret\">", "</code>").to_string()));
    let wrong = client
        .form(app, "/account/two-factor", &[("code", "000000")])
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.text());
    assert!(wrong.text().contains("not right"), "{}", wrong.text());
    let at = now();
    let on = client
        .form(app, "/account/two-factor", &[("code", &code(&secret, at))])
        .await;
    assert_eq!(on.status, StatusCode::CREATED, "{}", on.text());
    let shown = on.text();
    let list = between(&shown, "<ul class=\"codes\">", "</ul>");
    let codes: Vec<String> = list
        .split("<code>")
        .skip(1)
        .map(|part| part[..part.find("</code>").unwrap()].to_string())
        .collect();
    assert_eq!(codes.len(), 10, "{list}");
    // Shown once: the page never shows them again.
    let later = client.get(app, "/account/two-factor").await.text();
    assert!(!later.contains(&codes[0]), "{later}");
    assert!(!later.contains(&secret), "the secret is not shown once on");
    (secret, codes, at)
}

async fn email_of(app: &Router, client: &Client) -> String {
    client.get(app, "/api/v1/me").await.json()["user"]["email"]
        .as_str()
        .unwrap()
        .to_string()
}

fn login(email: &str, code: Option<&str>) -> Value {
    match code {
        Some(code) => json!({"email": email, "password": "correct horse battery", "code": code}),
        None => json!({"email": email, "password": "correct horse battery"}),
    }
}

/// The value a `Set-Cookie` of this reply gives `name`, if any.
fn set_cookie(reply: &Reply, name: &str) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// Posts the code form of the sign-in's second step, as a browser holding `pending` does.
async fn second_step(app: &Router, pending: &str, code: &str) -> Reply {
    let body = format!(
        "code={}&form_token={FORM_TOKEN}&next=%2Fme%2Fwork",
        url_encode(code)
    );
    let request = Request::builder()
        .method(Method::POST)
        .uri("/signin/two-factor")
        .header(
            header::COOKIE,
            format!("aimsgap_form={FORM_TOKEN}; aimsgap_pending={pending}"),
        )
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    send(app, request).await
}

/// Signs in on the page with the password: the pending sign-in's secret, and no session yet.
async fn password_step(app: &Router, email: &str) -> String {
    let reply = Client::default()
        .form(
            app,
            "/signin",
            &[
                ("email", email),
                ("password", "correct horse battery"),
                ("next", "/me/work"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert_eq!(reply.location(), "/signin/two-factor?next=%2Fme%2Fwork");
    assert_eq!(
        set_cookie(&reply, "aimsgap_session"),
        None,
        "no session yet"
    );
    set_cookie(&reply, "aimsgap_pending").unwrap()
}

#[tokio::test]
async fn codes_from_the_enrolment_page_sign_in_once_and_recovery_codes_once() {
    for (backend, app) in servers().await {
        let client = sign_up(&app, "Twofa").await;
        let email = email_of(&app, &client).await;
        let (secret, codes, enrolled_at) = enrol(&app, &client).await;
        let status = client.get(&app, "/api/v1/account/two-factor").await;
        assert_eq!(
            status.json(),
            json!({"enabled": true, "recovery_codes_left": 10, "required_by": []}),
            "{backend}"
        );

        // The API's login: a code is needed, a wrong one and the enrolment's (replayed) refused.
        let anonymous = Client::default();
        anonymous
            .post(&app, "/api/v1/login", login(&email, None))
            .await
            .error(
                StatusCode::UNAUTHORIZED,
                "two_factor_code_needed",
                "two-factor",
            );
        anonymous
            .post(&app, "/api/v1/login", login(&email, Some("12345")))
            .await
            .error(StatusCode::UNAUTHORIZED, "unauthenticated", "");
        let enrolled_with = code(&secret, enrolled_at);
        anonymous
            .post(&app, "/api/v1/login", login(&email, Some(&enrolled_with)))
            .await
            .error(StatusCode::UNAUTHORIZED, "unauthenticated", "");
        // The next step's code (one step of skew) works, once.
        let next = code(&secret, enrolled_at + 30);
        let signed = anonymous
            .post(&app, "/api/v1/login", login(&email, Some(&next)))
            .await;
        assert_eq!(
            signed.status,
            StatusCode::OK,
            "{backend}: {}",
            signed.text()
        );
        anonymous
            .post(&app, "/api/v1/login", login(&email, Some(&next)))
            .await
            .error(StatusCode::UNAUTHORIZED, "unauthenticated", "");
        // A wrong password is refused before any code is looked at.
        let wrong = anonymous
            .post(
                &app,
                "/api/v1/login",
                json!({"email": email, "password": "not the password", "code": next}),
            )
            .await;
        assert_eq!(wrong.code(), "unauthenticated");

        // The pages: the password, then a recovery code; the session starts only then.
        let pending = password_step(&app, &email).await;
        let refused = second_step(&app, &pending, "000000").await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{backend}");
        assert!(refused.text().contains("not right"));
        assert_eq!(set_cookie(&refused, "aimsgap_session"), None);
        let done = second_step(&app, &pending, &codes[0].to_uppercase()).await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            done.text()
        );
        assert_eq!(done.location(), "/me/work");
        let session = set_cookie(&done, "aimsgap_session").unwrap();
        assert_eq!(set_cookie(&done, "aimsgap_pending").as_deref(), Some(""));
        let me = Client {
            cookie: Some(session),
            ..Client::default()
        }
        .get(&app, "/api/v1/me")
        .await;
        assert_eq!(me.json()["user"]["email"], email.as_str());
        // The pending sign-in became the session: it does not work twice.
        let reused = second_step(&app, &pending, &codes[1]).await;
        assert_eq!(reused.status, StatusCode::UNAUTHORIZED);
        assert!(reused.text().contains("expired"), "{}", reused.text());
        // A used recovery code is refused; another one works, and the count shows it.
        let pending = password_step(&app, &email).await;
        assert_eq!(
            second_step(&app, &pending, &codes[0]).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            second_step(&app, &pending, &codes[1]).await.status,
            StatusCode::SEE_OTHER
        );
        anonymous
            .post(&app, "/api/v1/login", login(&email, Some(&codes[1])))
            .await
            .error(StatusCode::UNAUTHORIZED, "unauthenticated", "");
        assert_eq!(
            client.get(&app, "/api/v1/account/two-factor").await.json()["recovery_codes_left"],
            8
        );
        // API tokens are the automation path: no code.
        let token = client
            .post(&app, "/api/v1/tokens", json!({"name": "ci"}))
            .await
            .json()["token"]
            .as_str()
            .unwrap()
            .to_string();
        let bot = Client {
            token: Some(token),
            ..Client::default()
        };
        assert_eq!(bot.get(&app, "/api/v1/me").await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn turning_off_needs_the_password_and_a_code_and_renewing_replaces_the_codes() {
    for (backend, app) in servers().await {
        let client = sign_up(&app, "Offswitch").await;
        let email = email_of(&app, &client).await;
        let (_, codes, _) = enrol(&app, &client).await;

        // New recovery codes: a code is needed, and the old ones stop working.
        let refused = client
            .form(
                &app,
                "/account/two-factor/recovery-codes",
                &[("code", "123456")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{backend}");
        let renewed = client
            .form(
                &app,
                "/account/two-factor/recovery-codes",
                &[("code", &codes[0])],
            )
            .await;
        assert_eq!(renewed.status, StatusCode::CREATED, "{}", renewed.text());
        let fresh = between(&renewed.text(), "<ul class=\"codes\">", "</ul>").to_string();
        assert!(!fresh.contains(&codes[1]));
        let first_new = between(&fresh, "<code>", "</code>").to_string();
        assert_eq!(
            client.get(&app, "/api/v1/account/two-factor").await.json()["recovery_codes_left"],
            10
        );

        // Off: a wrong password, then a wrong code, leave it on.
        let wrong_password = client
            .form(
                &app,
                "/account/two-factor/off",
                &[("password", "not my password"), ("code", &first_new)],
            )
            .await;
        assert_eq!(wrong_password.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(wrong_password.text().contains("not your password"));
        let old_code = client
            .form(
                &app,
                "/account/two-factor/off",
                &[("password", "correct horse battery"), ("code", &codes[2])],
            )
            .await;
        assert_eq!(old_code.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            client.get(&app, "/api/v1/account/two-factor").await.json()["enabled"],
            true
        );
        let off = client
            .form(
                &app,
                "/account/two-factor/off",
                &[("password", "correct horse battery"), ("code", &first_new)],
            )
            .await;
        assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.text());
        assert_eq!(
            client.get(&app, "/api/v1/account/two-factor").await.json(),
            json!({"enabled": false, "recovery_codes_left": 0, "required_by": []})
        );
        // The password alone signs in again.
        let signed = Client::default()
            .post(&app, "/api/v1/login", login(&email, None))
            .await;
        assert_eq!(signed.status, StatusCode::OK, "{}", signed.text());
    }
}

#[tokio::test]
async fn a_required_organisation_blocks_members_without_two_factor_until_they_enrol() {
    for (backend, app) in servers().await {
        let owner = sign_up(&app, "Owner").await;
        let (org, assessment) = org_with_assessment(&app, &owner).await;
        let member = invite(&app, &owner, &org, "editor", "Member").await;
        let token = member
            .post(&app, "/api/v1/tokens", json!({"name": "ci"}))
            .await
            .json()["token"]
            .as_str()
            .unwrap()
            .to_string();
        let bot = Client {
            token: Some(token),
            ..Client::default()
        };
        // Work assigned to the member, which their list across organisations shows.
        let assigned = owner
            .put(
                &app,
                &format!("/api/v1/assessments/{assessment}/work-items/requirement:5.2"),
                json!({"version": 0, "owner_user": member.user_id, "due": "2099-01-31",
                    "state": "in_progress"}),
            )
            .await;
        assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.text());
        let my_work = |client: Client| {
            let app = app.clone();
            async move {
                client.get(&app, "/api/v1/me/work").await.json()["later"]
                    .as_array()
                    .unwrap()
                    .len()
            }
        };
        assert_eq!(my_work(member.clone()).await, 1);
        // Only an owner sets it.
        assert_eq!(
            member
                .put(
                    &app,
                    &format!("/api/v1/orgs/{org}/two-factor"),
                    json!({"required": true})
                )
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let set = owner
            .form(
                &app,
                &format!("/orgs/{org}/two-factor"),
                &[("required", "yes")],
            )
            .await;
        assert_eq!(
            set.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            set.text()
        );

        let assessment_uri = format!("/api/v1/assessments/{assessment}");
        member.get(&app, &assessment_uri).await.error(
            StatusCode::FORBIDDEN,
            "two_factor_required",
            "two-factor",
        );
        member
            .get(&app, &format!("/api/v1/orgs/{org}/assessments"))
            .await
            .error(StatusCode::FORBIDDEN, "two_factor_required", "two-factor");
        let page = member.get(&app, &format!("/orgs/{org}")).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert!(
            page.location()
                .starts_with("/account/two-factor?required=yes")
        );
        let location = page.location();
        let told = member
            .get(&app, location.split('#').next().unwrap())
            .await
            .text();
        assert!(told.contains("requires two-factor sign-in"), "{told}");
        assert!(told.contains("<strong>Acme</strong>"), "{told}");
        // The owner is held to it too; an API token is not.
        owner.get(&app, &assessment_uri).await.error(
            StatusCode::FORBIDDEN,
            "two_factor_required",
            "",
        );
        assert_eq!(bot.get(&app, &assessment_uri).await.status, StatusCode::OK);
        // The list of one's work across organisations leaves that organisation's out.
        assert_eq!(my_work(member.clone()).await, 0);
        assert_eq!(my_work(bot.clone()).await, 1);
        // An outsider still learns nothing.
        let outsider = sign_up(&app, "Outsider").await;
        assert_eq!(
            outsider.get(&app, &assessment_uri).await.status,
            StatusCode::NOT_FOUND
        );

        // After enrolling, the member is let in.
        enrol(&app, &member).await;
        assert_eq!(my_work(member.clone()).await, 1);
        assert_eq!(
            member.get(&app, &assessment_uri).await.status,
            StatusCode::OK
        );
        assert_eq!(
            member.get(&app, &format!("/orgs/{org}")).await.status,
            StatusCode::OK
        );
        assert_eq!(
            member.get(&app, "/api/v1/account/two-factor").await.json()["required_by"],
            json!([org])
        );
        // The owner enrols and lifts the requirement through the API.
        enrol(&app, &owner).await;
        let org_page = owner.get(&app, &format!("/orgs/{org}")).await.text();
        assert!(org_page.contains("Stop requiring two-factor sign-in"));
        let lifted = owner
            .put(
                &app,
                &format!("/api/v1/orgs/{org}/two-factor"),
                json!({"required": false}),
            )
            .await;
        assert_eq!(lifted.json(), json!({"required": false}), "{backend}");
        let newcomer = invite(&app, &owner, &org, "viewer", "Newcomer").await;
        assert_eq!(
            newcomer.get(&app, &assessment_uri).await.status,
            StatusCode::OK
        );
    }
}

/// Two-factor sign-in is in the owner's audit log: turned on, a code refused, the sign-in that
/// the second step finished, a recovery code used, and turned off; never a code or the secret.
#[tokio::test]
async fn two_factor_changes_and_sign_ins_are_in_the_audit_log_without_codes() {
    for (backend, app) in servers().await {
        let owner = sign_up(&app, "Audited").await;
        let (org, _) = org_with_assessment(&app, &owner).await;
        let email = email_of(&app, &owner).await;
        let (secret, codes, _) = enrol(&app, &owner).await;
        let pending = password_step(&app, &email).await;
        let wrong = second_step(&app, &pending, "000000").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{backend}");
        let pending = password_step(&app, &email).await;
        let ok = second_step(&app, &pending, &codes[0]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{backend}: {}", ok.text());
        let off = owner
            .form(
                &app,
                "/account/two-factor/off",
                &[("password", "correct horse battery"), ("code", &codes[1])],
            )
            .await;
        assert!(
            off.status.is_success() || off.status.is_redirection(),
            "{backend}: {} {}",
            off.status,
            off.text()
        );
        let log = owner.get(&app, &format!("/api/v1/orgs/{org}/audit")).await;
        assert_eq!(log.status, StatusCode::OK, "{backend}: {}", log.text());
        let events: Vec<String> = log.json()["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["event"].as_str().unwrap().to_string())
            .collect();
        for kind in [
            "two_factor.enabled",
            "two_factor.failed",
            "two_factor.recovery_code_used",
            "sign_in.succeeded",
            "two_factor.disabled",
        ] {
            assert!(
                events.iter().any(|e| e == kind),
                "{backend}: {kind} in {events:?}"
            );
        }
        let text = log.text();
        assert!(
            !text.contains(&secret),
            "{backend}: the secret is never logged"
        );
        assert!(!text.contains(&codes[0]), "{backend}: nor a recovery code");
    }
}
