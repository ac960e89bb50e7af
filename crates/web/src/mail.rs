//! Mail over SMTP (lettre): invitations, password resets and the daily digest.
//!
//! The server runs without mail; [`AppState::mailer`](crate::AppState) is then `None` and the
//! pages that would send say that mail is not set up. The transport is configured by one URL
//! (`serve --smtp-url`, better the environment variable `AIMSGAP_SMTP_URL`, since it may carry
//! a password): `smtp://HOST:PORT` (no TLS: a relay on the same machine or a test server),
//! `smtp://USER:PASSWORD@HOST:587?tls=required` (STARTTLS) or `smtps://USER:PASSWORD@HOST:465`
//! (implicit TLS). Every message has a plain-text part; an HTML part is optional.

use lettre::message::{Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::AsyncSmtpTransportBuilder;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::sync::OnceLock;

/// How to reach the SMTP server and whom the messages come from.
#[derive(Clone, PartialEq, Eq)]
pub struct MailConfig {
    /// `smtp://`, `smtp://...?tls=required` or `smtps://`; may hold a password.
    pub smtp_url: String,
    /// The sender: `aimsgap <aimsgap@example.org>` or a bare address.
    pub from: String,
}

impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the URL: it may carry a password.
        f.debug_struct("MailConfig")
            .field("smtp_url", &"(hidden)")
            .field("from", &self.from)
            .finish()
    }
}

/// One message to one recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    /// The recipient's address.
    pub to: String,
    /// The recipient's name, if known.
    pub to_name: Option<String>,
    pub subject: String,
    /// The plain-text part, always sent.
    pub text: String,
    /// An HTML part, sent beside the text when present.
    pub html: Option<String>,
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the address {0:?} is not a mail address")]
    Address(String),
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("the SMTP server refused or could not be reached: {0}")]
    Smtp(String),
}

/// A configured SMTP transport (a pool of connections) and the sender.
///
/// The pool is made at the first send: making it starts a task on the Tokio runtime, and a
/// mailer is checked and made before the server's runtime runs (`serve`'s flags).
pub struct Mailer {
    builder: AsyncSmtpTransportBuilder,
    transport: OnceLock<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

impl Mailer {
    /// Checks the configuration and prepares the transport (no connection is made yet).
    pub fn new(config: &MailConfig) -> Result<Mailer, String> {
        let from: Mailbox = config.from.parse().map_err(|e| {
            format!(
                "--mail-from {:?} is not a sender (an address, or a name and an address in angle brackets): {e}",
                config.from
            )
        })?;
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
            .map_err(|e| {
                format!(
                    "--smtp-url is not an SMTP URL (smtp://HOST:PORT, smtp://USER:PASSWORD@HOST:587?tls=required or smtps://USER:PASSWORD@HOST:465): {e}"
                )
            })?
            .timeout(Some(std::time::Duration::from_secs(20)));
        Ok(Mailer {
            builder,
            transport: OnceLock::new(),
            from,
        })
    }

    /// The sender's address.
    pub fn from_address(&self) -> String {
        self.from.email.to_string()
    }

    /// Builds the message (text part, and HTML beside it when given).
    pub fn message(&self, mail: &Mail) -> Result<Message, MailError> {
        let address = mail
            .to
            .parse()
            .map_err(|_| MailError::Address(mail.to.clone()))?;
        let to = Mailbox::new(mail.to_name.clone(), address);
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone());
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text.clone());
        let message = match &mail.html {
            Some(html) => builder.multipart(
                MultiPart::alternative().singlepart(text).singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html.clone()),
                ),
            ),
            None => builder.singlepart(text),
        };
        message.map_err(|e| MailError::Build(e.to_string()))
    }

    /// Reaches the SMTP server and says NOOP, sending nothing: the same shape of work as a
    /// send, for a request whose answer and after-effects must not show whether it mailed.
    pub async fn probe(&self) -> Result<(), MailError> {
        self.transport
            .get_or_init(|| self.builder.clone().build())
            .test_connection()
            .await
            .map(|_| ())
            .map_err(|e| MailError::Smtp(e.to_string()))
    }

    /// Sends one message and waits for the server's answer.
    pub async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let message = self.message(mail)?;
        self.transport
            .get_or_init(|| self.builder.clone().build())
            .send(message)
            .await
            .map_err(|e| MailError::Smtp(e.to_string()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailer() -> Mailer {
        Mailer::new(&MailConfig {
            smtp_url: "smtp://127.0.0.1:2525".into(),
            from: "aimsgap <noreply@example.org>".into(),
        })
        .unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn a_message_always_has_a_plain_text_part() {
        let mail = Mail {
            to: "ana@example.org".into(),
            to_name: Some("Ana".into()),
            subject: "Hello".into(),
            text: "plain words".into(),
            html: Some("<p>rich words</p>".into()),
        };
        let bytes = mailer()
            .message(&mail)
            .map(|m| String::from_utf8_lossy(&m.formatted()).into_owned())
            .unwrap_or_default();
        assert!(bytes.contains("text/plain"), "{bytes}");
        assert!(bytes.contains("text/html"), "{bytes}");
        assert!(bytes.contains("plain words"), "{bytes}");
    }

    #[test]
    fn a_mailer_is_made_outside_a_runtime() {
        // `serve` checks its mail flags before its runtime starts: making the mailer must not
        // need one (it panicked when the connection pool was made at once).
        let made = std::panic::catch_unwind(mailer);
        assert!(made.is_ok());
    }

    #[test]
    fn a_bad_sender_or_url_is_refused_with_the_flag_named() {
        let bad_from = Mailer::new(&MailConfig {
            smtp_url: "smtp://127.0.0.1:2525".into(),
            from: "not an address".into(),
        });
        assert!(matches!(&bad_from, Err(e) if e.contains("--mail-from")));
        let bad_url = Mailer::new(&MailConfig {
            smtp_url: "http://example.org".into(),
            from: "noreply@example.org".into(),
        });
        assert!(matches!(&bad_url, Err(e) if e.contains("--smtp-url")));
        let bad_recipient = mailer().message(&Mail {
            to: "nobody".into(),
            to_name: None,
            subject: "x".into(),
            text: "x".into(),
            html: None,
        });
        assert!(matches!(bad_recipient, Err(MailError::Address(_))));
    }
}
