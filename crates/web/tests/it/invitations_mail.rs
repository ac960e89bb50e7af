//! Invitations mailed to the invitee through a real SMTP server (aiosmtpd): the message
//! arrives at the invitee's address with the organisation, the inviter, the role and the
//! link, and following the link accepts the invitation. Without mail, or when the mail server
//! cannot be reached, the invitation stands and the inviter is told.

use super::*;
use crate::password_reset::{PUBLIC_URL, backends, mailing};
use crate::smtp::SmtpServer;
use std::time::Duration;

async fn organisation(app: &Router, owner: &Client, name: &str) -> String {
    let org = owner.post(app, "/api/v1/orgs", json!({"name": name})).await;
    assert_eq!(org.status, StatusCode::CREATED);
    org.json()["id"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_is_mailed_to_the_invitee_and_its_link_accepts_it() {
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    let mut expected = 0;
    for (backend, app, _) in backends(&mailing(smtp.url())).await {
        let owner = sign_up(&app, "Olga").await;
        let org = organisation(&app, &owner, "Acme Mail").await;
        let invitee = format!("invitee-{backend}@example.test");
        let made = owner
            .post(
                &app,
                &format!("/api/v1/orgs/{org}/invitations"),
                json!({"role": "editor", "email": invitee.to_uppercase()}),
            )
            .await;
        assert_eq!(
            made.status,
            StatusCode::CREATED,
            "{backend}: {}",
            made.text()
        );
        let body = made.json();
        assert_eq!(body["mailed"], true, "{backend}: {body}");
        assert!(body.get("mail_problem").is_none(), "{body}");
        let token = body["token"].as_str().unwrap().to_string();

        expected += 1;
        let received = smtp.wait_for(expected, Duration::from_secs(10));
        let message = received
            .iter()
            .find(|m| m.rcpt_to == vec![invitee.clone()])
            .unwrap_or_else(|| panic!("{backend}: no message to {invitee}: {received:?}"));
        assert_eq!(message.to, vec![invitee.clone()]);
        assert!(message.subject.contains("Acme Mail"), "{}", message.subject);
        let text = message.text.as_deref().expect("a text/plain part");
        let link = format!("{PUBLIC_URL}invitations/{token}");
        assert!(text.contains(&link), "{backend}: {text}");
        assert!(text.contains("Olga") && text.contains("editor") && text.contains("Acme Mail"));
        assert!(message.html.as_deref().unwrap_or_default().contains(&link));

        // Following the link: the page of the invitation, then its button.
        let member = sign_up(&app, "Ines").await;
        let path = link.strip_prefix(PUBLIC_URL.trim_end_matches('/')).unwrap();
        let page = member.get(&app, path).await;
        assert_eq!(page.status, StatusCode::OK, "{backend}: {}", page.text());
        assert!(page.text().contains("Acme Mail"));
        let accepted = member.form(&app, path, &[]).await;
        assert_eq!(
            accepted.status,
            StatusCode::SEE_OTHER,
            "{}",
            accepted.text()
        );
        let members = member
            .get(&app, &format!("/api/v1/orgs/{org}/members"))
            .await;
        assert_eq!(members.status, StatusCode::OK);
        assert!(
            members.json()["members"]
                .as_array()
                .unwrap()
                .iter()
                .any(
                    |m| m["user"]["id"] == member.user_id.clone().unwrap().as_str()
                        && m["role"] == "editor"
                ),
            "{backend}: {}",
            members.text()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_members_page_mails_an_invitation_and_says_so() {
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    let (_, app, _) = backends(&mailing(smtp.url())).await.remove(0);
    let owner = sign_up(&app, "Paula").await;
    let org = organisation(&app, &owner, "Page Co").await;
    let page = owner.get(&app, &format!("/orgs/{org}")).await;
    assert!(
        page.text().contains("name=\"email\""),
        "the form takes an address"
    );
    let made = owner
        .form(
            &app,
            &format!("/orgs/{org}/invitations"),
            &[("role", "viewer"), ("email", "guest@example.test")],
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    assert!(made.text().contains("was mailed to"), "{}", made.text());
    assert!(made.text().contains("guest@example.test"));
    let received = smtp.wait_for(1, Duration::from_secs(10));
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].rcpt_to, vec!["guest@example.test".to_string()]);
    assert!(received[0].text.is_some(), "a text/plain part");
    // Without an address, the link is shown as before and nothing is mailed.
    let plain = owner
        .form(
            &app,
            &format!("/orgs/{org}/invitations"),
            &[("role", "viewer"), ("email", "")],
        )
        .await;
    assert_eq!(plain.status, StatusCode::CREATED);
    assert!(plain.text().contains("Send this one-time link"));
    assert!(!plain.text().contains("was mailed to"));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(smtp.messages().len(), 1);
}

#[tokio::test]
async fn without_mail_the_invitation_stands_and_the_inviter_copies_its_link() {
    for (backend, app) in servers().await {
        let owner = sign_up(&app, "Nora").await;
        let org = organisation(&app, &owner, "No Mail").await;
        let made = owner
            .post(
                &app,
                &format!("/api/v1/orgs/{org}/invitations"),
                json!({"role": "viewer", "email": "guest@example.test"}),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{backend}");
        assert_eq!(made.json()["mailed"], false);
        assert!(
            made.json()["mail_problem"]
                .as_str()
                .unwrap()
                .contains("sends no mail")
        );
        let page = owner
            .form(
                &app,
                &format!("/orgs/{org}/invitations"),
                &[("role", "viewer"), ("email", "guest@example.test")],
            )
            .await;
        assert_eq!(page.status, StatusCode::CREATED);
        assert!(
            page.text().contains("Mail is not set up on this server"),
            "{}",
            page.text()
        );
        assert!(page.text().contains("/invitations/"));
        // A malformed address is refused, naming the field.
        let bad = owner
            .post(
                &app,
                &format!("/api/v1/orgs/{org}/invitations"),
                json!({"role": "viewer", "email": "not an address"}),
            )
            .await;
        bad.error(StatusCode::BAD_REQUEST, "bad_request", "`email`");
    }
}

#[tokio::test]
async fn a_failed_send_is_reported_and_the_invitation_stays() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (_, app, _) = backends(&mailing(format!("smtp://127.0.0.1:{port}")))
        .await
        .remove(0);
    let owner = sign_up(&app, "Fay").await;
    let org = organisation(&app, &owner, "Unreachable").await;
    let made = owner
        .post(
            &app,
            &format!("/api/v1/orgs/{org}/invitations"),
            json!({"role": "viewer", "email": "guest@example.test"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    assert_eq!(made.json()["mailed"], false);
    assert!(
        made.json()["mail_problem"]
            .as_str()
            .unwrap()
            .contains("could not be reached")
    );
    let id = made.json()["id"].as_str().unwrap().to_string();
    let pending = owner
        .get(&app, &format!("/api/v1/orgs/{org}/invitations"))
        .await;
    assert!(
        pending.json()["invitations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == id.as_str())
    );
    let page = owner
        .form(
            &app,
            &format!("/orgs/{org}/invitations"),
            &[("role", "viewer"), ("email", "guest@example.test")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CREATED);
    assert!(
        page.text()
            .contains("could not be mailed to guest@example.test"),
        "{}",
        page.text()
    );
}
