//! Reminder preferences through the API and the page, and the daily digest sent to a real SMTP
//! server (aiosmtpd): the right members get one message each, with the right lines and links;
//! a member with nothing to hear of, or who switched the kind off, gets none; a second pass the
//! same day sends nothing.

use super::*;
use crate::smtp::SmtpServer;
use aimsgap_catalog::Date;
use aimsgap_web::mail::MailConfig;
use std::time::Duration;

#[tokio::test]
async fn reminders_are_on_until_switched_off_and_say_when_the_server_sends_no_mail() {
    for (backend, app) in servers().await {
        let member = sign_up(&app, "Remi").await;
        let first = member.get(&app, "/api/v1/notifications").await;
        assert_eq!(first.status, StatusCode::OK, "{backend}");
        assert_eq!(
            first.json(),
            json!({"work": true, "evidence": true, "obligations": true, "mail": false, "digest_hour": 6}),
            "{backend}"
        );
        let put = member
            .put(
                &app,
                "/api/v1/notifications",
                json!({"work": false, "evidence": true, "obligations": false}),
            )
            .await;
        assert_eq!(put.status, StatusCode::OK, "{backend}");
        assert_eq!(put.json()["work"], json!(false), "{backend}");
        let again = member.get(&app, "/api/v1/notifications").await.json();
        assert_eq!(
            (&again["work"], &again["evidence"], &again["obligations"]),
            (&json!(false), &json!(true), &json!(false)),
            "{backend}"
        );
        // A body that misses a kind, or names an unknown one, is refused.
        let partial = member
            .put(&app, "/api/v1/notifications", json!({"work": true}))
            .await;
        assert_eq!(partial.status, StatusCode::BAD_REQUEST, "{backend}");
        let unknown = member
            .put(
                &app,
                "/api/v1/notifications",
                json!({"work": true, "evidence": true, "obligations": true, "sms": true}),
            )
            .await;
        assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{backend}");
        // Someone else's choices are their own.
        let other = sign_up(&app, "Other").await;
        assert_eq!(
            other.get(&app, "/api/v1/notifications").await.json()["work"],
            json!(true),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn the_reminders_page_saves_unchecked_kinds_as_off_and_says_no_mail_is_sent() {
    let app = server().await;
    let member = sign_up(&app, "Page").await;
    let account = member.get(&app, "/account").await;
    assert!(
        account.text().contains("href=\"/account/notifications\""),
        "the account page links to the reminders"
    );
    let page = member.get(&app, "/account/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("This server sends no mail"), "{text}");
    assert_eq!(text.matches(" checked").count(), 3, "every kind is on");
    let saved = member
        .form(&app, "/account/notifications", &[("evidence", "on")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(saved.location(), "/account/notifications?done=saved#done");
    let after = member
        .get(&app, "/account/notifications?done=saved")
        .await
        .text();
    assert!(after.contains("Your reminders were saved"), "{after}");
    assert!(after.contains("id=\"f-evidence\" name=\"evidence\" value=\"on\" aria-describedby=\"h-evidence\" checked"), "{after}");
    assert_eq!(after.matches(" checked").count(), 1, "{after}");
    let json = member.get(&app, "/api/v1/notifications").await.json();
    assert_eq!(
        (&json["work"], &json["evidence"], &json["obligations"]),
        (&json!(false), &json!(true), &json!(false))
    );
}

/// An EU AI Act obligation of the example's AI system, from the engine's result (so from the
/// law catalog): its reference (its id when it has none), its title and the date it applies
/// from.
fn eu_obligation(result: &Value) -> (String, String, Date) {
    let item = result["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["law"] == "eu-ai-act")
        .flat_map(|o| o["items"].as_array().cloned().unwrap_or_default())
        .max_by_key(|i| i["applies_from"].as_str().unwrap_or_default().to_string())
        .expect("the example's AI system has EU AI Act obligations");
    let reference = match item["ref"].as_str() {
        Some(reference) if !reference.is_empty() => reference,
        _ => item["id"].as_str().unwrap(),
    };
    (
        reference.to_string(),
        item["title"].as_str().unwrap().to_string(),
        Date::parse(item["applies_from"].as_str().unwrap()).unwrap(),
    )
}

#[tokio::test]
async fn each_member_gets_one_digest_with_what_falls_due_and_links_on_the_public_url() {
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let config = Config {
        mail: Some(MailConfig {
            smtp_url: smtp.url(),
            from: "aimsgap <noreply@example.org>".into(),
        }),
        public_url: Some("https://gap.example.org/".parse().unwrap()),
        ..Config::default()
    };
    let state = AppState::new(store, catalog(), config);
    let app = app(state.clone());

    let owner = sign_up(&app, "Olga").await;
    let (org, assessment) = org_with_assessment(&app, &owner).await;
    let editor = invite(&app, &owner, &org, "editor", "Eddie").await;
    let viewer = invite(&app, &owner, &org, "viewer", "Vera").await;
    let quiet = invite(&app, &owner, &org, "editor", "Quinn").await;
    let email = |client: &Client| {
        let client = client.clone();
        let app = app.clone();
        async move {
            client.get(&app, "/api/v1/me").await.json()["user"]["email"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let (owner_email, editor_email, viewer_email, quiet_email) = (
        email(&owner).await,
        email(&editor).await,
        email(&viewer).await,
        email(&quiet).await,
    );

    // The pass's day: ten days before an obligation of the example's AI system applies.
    let result = owner
        .get(&app, &format!("/api/v1/assessments/{assessment}/result"))
        .await
        .json();
    let (reference, title, applies_from) = eu_obligation(&result);
    let day = applies_from.add_days(-10);
    let base = format!("/api/v1/assessments/{assessment}");

    // The owner owns work due in 3 days, work overdue, and done work (left out).
    for (target, due, state) in [
        ("requirement:5.2", day.add_days(3), "in_progress"),
        ("requirement:6.1.2", day.add_days(-4), "not_started"),
        ("requirement:7.2", day.add_days(1), "done"),
        ("requirement:7.3", day.add_days(8), "not_started"),
    ] {
        let put = owner
            .put(
                &app,
                &format!("{base}/work-items/{target}"),
                json!({"version": 0, "owner_user": owner.user_id, "due": due.to_string(), "state": state}),
            )
            .await;
        assert_eq!(put.status, StatusCode::OK, "{}", put.text());
    }
    // The editor owns evidence due for review in 20 days (by name); Quinn owns work due
    // tomorrow but switched work reminders off, and hears of nothing else.
    let evidence = owner
        .post(
            &app,
            &format!("{base}/evidence"),
            json!({"title": "AI policy", "kind": "approved_document", "links": ["5.2"],
                   "owner": "Eddie", "review_by": day.add_days(20).to_string()}),
        )
        .await;
    assert_eq!(evidence.status, StatusCode::CREATED, "{}", evidence.text());
    let evidence_id = evidence.json()["id"].as_str().unwrap().to_string();
    let put = owner
        .put(
            &app,
            &format!("{base}/work-items/requirement:8.1"),
            json!({"version": 0, "owner_user": quiet.user_id, "due": day.add_days(1).to_string(), "state": "not_started"}),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text());
    let off = quiet
        .put(
            &app,
            "/api/v1/notifications",
            json!({"work": false, "evidence": true, "obligations": false}),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK);

    let pass = aimsgap_web::send_digests(&state, day).await.unwrap();
    assert_eq!(pass.sent, 2, "{pass:?}");
    assert_eq!(pass.failed, 0, "{pass:?}");
    let received = smtp.wait_for(2, Duration::from_secs(20));
    assert_eq!(received.len(), 2, "{received:?}");
    let to = |address: &str| {
        let of: Vec<_> = received
            .iter()
            .filter(|m| m.rcpt_to == vec![address.to_string()])
            .collect();
        assert_eq!(of.len(), 1, "one message to {address}");
        of[0].clone()
    };
    for silent in [&viewer_email, &quiet_email] {
        assert!(
            received.iter().all(|m| !m.rcpt_to.contains(silent)),
            "no message to {silent}"
        );
    }

    let site = "https://gap.example.org";
    let to_owner = to(&owner_email);
    assert_eq!(to_owner.to, vec![owner_email.clone()]);
    assert!(
        to_owner
            .subject
            .starts_with(&format!("aimsgap {day}: 2 work items due, ")),
        "{}",
        to_owner.subject
    );
    assert!(to_owner.subject.contains("coming"), "{}", to_owner.subject);
    let text = to_owner.text.clone().unwrap();
    for expected in [
        format!("requirement 5.2 of 2026 (Acme): due {}", day.add_days(3)),
        format!("{site}/assessments/{assessment}/requirements/5.2"),
        format!(
            "requirement 6.1.2 of 2026 (Acme): overdue since {}",
            day.add_days(-4)
        ),
        format!(
            "eu-ai-act {reference} ({title}) for Customer support assistant in 2026 (Acme): in force from {applies_from}"
        ),
        format!("{site}/assessments/{assessment}/systems"),
        format!("{site}/account/notifications"),
    ] {
        assert!(text.contains(&expected), "{expected:?} in\n{text}");
    }
    assert!(
        !text.contains("requirement 7.2"),
        "done work is left out:\n{text}"
    );
    assert!(
        !text.contains("requirement 7.3"),
        "work due in 8 days is left out:\n{text}"
    );
    assert!(
        !text.contains("AI policy"),
        "Eddie owns the evidence:\n{text}"
    );
    let html = to_owner.html.clone().unwrap();
    assert!(
        html.contains(&format!(
            "href=\"{site}/assessments/{assessment}/requirements/5.2\""
        )),
        "{html}"
    );

    let to_editor = to(&editor_email);
    let text = to_editor.text.clone().unwrap();
    for expected in [
        format!("AI policy in 2026 (Acme): review by {}", day.add_days(20)),
        format!("{site}/assessments/{assessment}/evidence/{evidence_id}"),
        format!("eu-ai-act {reference} ({title}) for Customer support assistant"),
    ] {
        assert!(text.contains(&expected), "{expected:?} in\n{text}");
    }
    assert!(
        !text.contains("requirement 5.2"),
        "the owner's work:\n{text}"
    );

    // A second pass the same day sends nothing: every digest of the day is done.
    let again = aimsgap_web::send_digests(&state, day).await.unwrap();
    assert_eq!((again.sent, again.failed), (0, 0), "{again:?}");
    assert!(again.held >= 4, "{again:?}");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(smtp.messages().len(), 2);
    // The next day is a new digest.
    let next = aimsgap_web::send_digests(&state, day.add_days(1))
        .await
        .unwrap();
    assert_eq!(next.sent, 2, "{next:?}");
}

#[tokio::test]
async fn a_digest_the_smtp_server_refused_is_sent_by_a_later_pass_and_retries_are_bounded() {
    // Nothing listens on this port: a send through it fails.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let with_smtp = |smtp_url: String| {
        AppState::new(
            store.clone(),
            catalog(),
            Config {
                mail: Some(MailConfig {
                    smtp_url,
                    from: "noreply@example.org".into(),
                }),
                ..Config::default()
            },
        )
    };
    let broken = with_smtp(format!("smtp://127.0.0.1:{port}"));
    let app = app(broken.clone());
    let owner = sign_up(&app, "Fay").await;
    let (_, assessment) = org_with_assessment(&app, &owner).await;
    let put = owner
        .put(
            &app,
            &format!("/api/v1/assessments/{assessment}/work-items/requirement:5.2"),
            json!({"version": 0, "owner_user": owner.user_id, "due": "2026-01-01", "state": "not_started"}),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK);
    let user = owner.user_id.clone().unwrap();

    // Day one: the send fails and is recorded; every later pass claims it again, until the
    // bound, and then no more.
    let day = Date::parse("2026-01-05").unwrap();
    for attempt in 1..=aimsgap_store::DIGEST_ATTEMPTS {
        let pass = aimsgap_web::send_digests(&broken, day).await.unwrap();
        assert_eq!(
            (pass.sent, pass.failed),
            (0, 1),
            "attempt {attempt}: {pass:?}"
        );
        let recorded = store
            .digest_send(&user, "2026-01-05")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (recorded.state.as_str(), recorded.attempts),
            ("failed", attempt)
        );
        assert!(recorded.error.is_some());
    }
    let done = aimsgap_web::send_digests(&broken, day).await.unwrap();
    assert_eq!((done.failed, done.sent, done.held), (0, 0, 1), "{done:?}");

    // Day two: it fails once, and the next pass, with the SMTP server back, sends it.
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    let day = Date::parse("2026-01-06").unwrap();
    let failed = aimsgap_web::send_digests(&broken, day).await.unwrap();
    assert_eq!(failed.failed, 1, "{failed:?}");
    let working = with_smtp(smtp.url());
    let retried = aimsgap_web::send_digests(&working, day).await.unwrap();
    assert_eq!((retried.sent, retried.failed), (1, 0), "{retried:?}");
    let received = smtp.wait_for(1, Duration::from_secs(20));
    assert_eq!(received.len(), 1);
    assert!(
        received[0]
            .text
            .as_deref()
            .unwrap_or_default()
            .contains("requirement 5.2")
    );
    let recorded = store
        .digest_send(&user, "2026-01-06")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (recorded.state.as_str(), recorded.attempts, recorded.items),
        ("sent", 2, 1)
    );
    assert!(recorded.sent_at.is_some() && recorded.error.is_none());
}
