//! Mail reaches a real SMTP server (aiosmtpd) with the recipient, the subject and a plain-text
//! part beside the HTML one.

use crate::smtp::SmtpServer;
use aimsgap_web::mail::{Mail, MailConfig, Mailer};
use std::time::Duration;

#[tokio::test]
async fn a_message_arrives_with_its_recipient_subject_and_both_parts() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    let mailer = Mailer::new(&MailConfig {
        smtp_url: server.url(),
        from: "aimsgap <noreply@example.org>".into(),
    })
    .unwrap();
    mailer
        .send(&Mail {
            to: "ana@example.org".into(),
            to_name: Some("Ana Example".into()),
            subject: "Your invitation to Acme".into(),
            text: "Open https://gap.example.org/invitations/abc to join.".into(),
            html: Some("<p>Open <a href=\"https://gap.example.org/invitations/abc\">the invitation</a>.</p>".into()),
        })
        .await
        .unwrap();
    let received = server.wait_for(1, Duration::from_secs(10));
    assert_eq!(received.len(), 1, "one message arrives");
    let message = &received[0];
    assert_eq!(message.rcpt_to, vec!["ana@example.org".to_string()]);
    assert_eq!(message.to, vec!["ana@example.org".to_string()]);
    assert_eq!(message.mail_from, "noreply@example.org");
    assert_eq!(message.subject, "Your invitation to Acme");
    let text = message.text.as_deref().unwrap_or_default();
    assert!(
        text.contains("https://gap.example.org/invitations/abc"),
        "{text}"
    );
    assert!(
        message
            .html
            .as_deref()
            .unwrap_or_default()
            .contains("<a href")
    );
}

#[tokio::test]
async fn an_unreachable_server_is_an_error_not_a_hang() {
    // A port nothing listens on: the send fails within the transport's timeout.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mailer = Mailer::new(&MailConfig {
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        from: "noreply@example.org".into(),
    })
    .unwrap();
    let sent = mailer
        .send(&Mail {
            to: "ana@example.org".into(),
            to_name: None,
            subject: "x".into(),
            text: "x".into(),
            html: None,
        })
        .await;
    assert!(sent.is_err(), "{sent:?}");
}
