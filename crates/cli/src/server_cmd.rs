//! `aimsgap serve | push | backup | restore`: the server and its operations.

use crate::assess_cmd::InputError;
use anyhow::{Context, Result, anyhow, bail};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The default database: a SQLite file in the working directory.
pub const DEFAULT_DATABASE: &str = "sqlite://aimsgap.db?mode=rwc";

fn runtime() -> Result<tokio::runtime::Runtime> {
    runtime_with(None)
}

/// A runtime with `workers` threads (default: one per core).
fn runtime_with(workers: Option<usize>) -> Result<tokio::runtime::Runtime> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(workers) = workers {
        builder.worker_threads(workers.max(1));
    }
    builder
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn describe(url: &str) -> String {
    if url.starts_with("postgres") {
        // Never print the password.
        let host = url.rsplit('@').next().unwrap_or("");
        format!("PostgreSQL at {host}")
    } else {
        format!(
            "SQLite file {} (created if missing)",
            url.trim_start_matches("sqlite://")
                .split('?')
                .next()
                .unwrap_or(url)
        )
    }
}

async fn connect(url: &str) -> Result<aimsgap_store::Store> {
    crate::output::create_private_database(url)?;
    aimsgap_store::Store::connect(url)
        .await
        .map_err(|e| anyhow!("cannot open the database ({}): {e}", describe(url)))
}

/// How many connections the server holds and how long it waits for slow clients.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Worker threads (`None`: one per core).
    pub workers: Option<usize>,
    /// `None`: sized from the open-files limit.
    pub max_connections: Option<usize>,
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub send_timeout: Duration,
    /// The largest evidence file, in megabytes.
    pub evidence_max_mb: u64,
}

/// Sign-in, mail and reminders (`serve`). Secrets come from the environment in every example:
/// a flag's value is visible to anyone who can list the machine's processes.
#[derive(Clone, Debug, clap::Args)]
pub struct IdentityArgs {
    /// The address people reach the server at, e.g. `https://gap.example.org/`: links in mail
    /// and the OpenID Connect redirect are built on it.
    #[arg(long, env = "AIMSGAP_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<url::Url>,
    /// The SMTP server: `smtp://HOST:PORT`, `smtp://USER:PASSWORD@HOST:587?tls=required`
    /// (STARTTLS) or `smtps://USER:PASSWORD@HOST:465` (implicit TLS). Give it in the
    /// environment, since it may hold a password. Without it the server sends no mail.
    #[arg(
        long,
        env = "AIMSGAP_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,
    /// The sender of the mail: `aimsgap <noreply@example.org>` or an address.
    #[arg(long, env = "AIMSGAP_MAIL_FROM", value_name = "SENDER")]
    pub mail_from: Option<String>,
    /// The hour of the day (UTC) at which the daily digest goes out.
    #[arg(long, env = "AIMSGAP_DIGEST_HOUR", default_value_t = 6, value_parser = clap::value_parser!(u8).range(0..=23))]
    pub digest_hour: u8,
    /// The OpenID Connect issuer to sign people in with (its discovery document is read at
    /// start), e.g. `https://login.example.org/realms/staff`.
    #[arg(long, env = "AIMSGAP_OIDC_ISSUER", value_name = "URL")]
    pub oidc_issuer: Option<String>,
    /// The client id registered with the issuer.
    #[arg(long, env = "AIMSGAP_OIDC_CLIENT_ID", value_name = "ID")]
    pub oidc_client_id: Option<String>,
    /// The client secret; give it in the environment (`AIMSGAP_OIDC_CLIENT_SECRET`).
    #[arg(
        long,
        env = "AIMSGAP_OIDC_CLIENT_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub oidc_client_secret: Option<String>,
    /// Create an account at the first single sign-on of a verified address that has none.
    #[arg(long, env = "AIMSGAP_OIDC_CREATE_ACCOUNTS")]
    pub oidc_create_accounts: bool,
    /// A claim of the ID token whose values grant organisation roles
    /// (`aimsgap:ORGANISATION-ID:owner|editor|auditor|viewer`).
    #[arg(long, env = "AIMSGAP_OIDC_ROLE_CLAIM", value_name = "CLAIM")]
    pub oidc_role_claim: Option<String>,
    /// Refuse sign-in with a password (everyone signs in with the OpenID Connect issuer).
    #[arg(long, env = "AIMSGAP_NO_PASSWORD_SIGN_IN")]
    pub no_password_sign_in: bool,
}

impl IdentityArgs {
    /// The server settings these flags make, or what is wrong with them.
    pub fn settings(&self) -> Result<IdentitySettings> {
        let mail = match (&self.smtp_url, &self.mail_from) {
            (None, None) => None,
            (Some(smtp_url), Some(from)) => {
                let config = aimsgap_web::mail::MailConfig {
                    smtp_url: smtp_url.clone(),
                    from: from.clone(),
                };
                aimsgap_web::mail::Mailer::new(&config).map_err(|e| anyhow!(e))?;
                Some(config)
            }
            (Some(_), None) => bail!("--smtp-url needs --mail-from (the sender of the mail)"),
            (None, Some(_)) => bail!("--mail-from needs --smtp-url (the SMTP server)"),
        };
        if mail.is_some() && self.public_url.is_none() {
            bail!(
                "--smtp-url needs --public-url (the address the links in mail lead to, e.g. https://gap.example.org/)"
            );
        }
        let oidc = match (&self.oidc_issuer, &self.oidc_client_id) {
            (None, None) => None,
            (Some(issuer), Some(client_id)) => Some(aimsgap_web::OidcSettings {
                issuer: issuer.clone(),
                client_id: client_id.clone(),
                client_secret: self.oidc_client_secret.clone(),
                create_accounts: self.oidc_create_accounts,
                role_claim: self.oidc_role_claim.clone(),
            }),
            (Some(_), None) => bail!("--oidc-issuer needs --oidc-client-id"),
            (None, Some(_)) => bail!("--oidc-client-id needs --oidc-issuer"),
        };
        if self.no_password_sign_in && oidc.is_none() {
            bail!("--no-password-sign-in needs --oidc-issuer: nobody could sign in");
        }
        if oidc.is_some() && self.public_url.is_none() {
            bail!(
                "--oidc-issuer needs --public-url (the redirect address registered with the issuer)"
            );
        }
        Ok(IdentitySettings {
            public_url: self.public_url.clone(),
            mail,
            oidc,
            password_sign_in: !self.no_password_sign_in,
            digest_hour: self.digest_hour,
        })
    }
}

/// What [`IdentityArgs`] set in the server's configuration.
#[derive(Clone, Debug)]
pub struct IdentitySettings {
    pub public_url: Option<url::Url>,
    pub mail: Option<aimsgap_web::mail::MailConfig>,
    pub oidc: Option<aimsgap_web::OidcSettings>,
    pub password_sign_in: bool,
    pub digest_hour: u8,
}

/// Runs the server until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub fn serve(
    catalogs: Option<&Path>,
    database: &str,
    bind: &str,
    secure_cookies: bool,
    trusted_proxies: Vec<aimsgap_web::IpNet>,
    limits: Limits,
    identity: IdentityArgs,
) -> Result<()> {
    let identity = identity.settings()?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_target(false)
        .init();
    // A broken custom catalog stops the start with every located error, before anything binds.
    let catalog = match catalogs {
        None => crate::load_catalog(None)?.into_owned(),
        Some(dir) => {
            let custom = crate::catalog_cmd::load_custom(dir)?;
            for change in &custom.changes {
                tracing::info!(
                    change = ?change.kind,
                    id = %change.id,
                    file = %change.file,
                    "custom catalog"
                );
            }
            custom.catalog
        }
    };
    // Each connection is a descriptor: take all the kernel allows before sizing the limit.
    let file_limit = aimsgap_web::raise_file_limit();
    runtime_with(limits.workers)?.block_on(async move {
        let store = connect(database).await?;
        tracing::info!(database = %describe(database), "storage ready, migrations applied");
        let config = aimsgap_web::Config {
            secure_cookies,
            trusted_proxies,
            max_connections: Some(
                limits
                    .max_connections
                    .unwrap_or_else(|| aimsgap_web::default_max_connections(file_limit)),
            ),
            header_timeout: limits.header_timeout,
            body_timeout: limits.body_timeout,
            send_timeout: limits.send_timeout,
            evidence_max_mb: limits.evidence_max_mb,
            public_url: identity.public_url,
            mail: identity.mail,
            oidc: identity.oidc,
            password_sign_in: identity.password_sign_in,
            digest_hour: identity.digest_hour,
            ..aimsgap_web::Config::default()
        };
        match &config.mail {
            Some(mail) => tracing::info!(from = %mail.from, "mail: sent over SMTP"),
            None => tracing::warn!(
                "mail is not set up (--smtp-url and --mail-from): invitations are links to copy, \
                 passwords are reset by an operator, and no digest is sent"
            ),
        }
        let state = aimsgap_web::AppState::new(store.clone(), Arc::new(catalog), config.clone());
        tokio::spawn(aimsgap_web::housekeeping(state.clone()));
        tokio::spawn(aimsgap_web::oidc::discover_at_start(state.clone()));
        tokio::spawn(aimsgap_web::digests(state.clone()));
        let app = aimsgap_web::app(state);
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .with_context(|| format!("cannot listen on {bind}"))?;
        let address = listener.local_addr().context("listener address")?;
        tracing::info!(%address, "aimsgap listening; API documentation at /api/docs");
        eprintln!(
            "aimsgap serving on http://{address} ({})",
            describe(database)
        );
        aimsgap_web::serve(listener, app, &config, shutdown())
            .await
            .context("server error")?;
        store.close().await;
        tracing::info!("stopped");
        Ok(())
    })
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Writes a backup of a database: read from one snapshot, verified by reading it back, and
/// written atomically (a temporary file beside the target, then a rename) and readable only
/// by its owner, since it holds password hashes. Any failure is an error (exit code 2).
pub fn backup(database: &str, output: &Path) -> Result<String> {
    let backup = runtime()?.block_on(async {
        let store = connect(database).await?;
        let backup = store
            .backup()
            .await
            .map_err(|e| anyhow!("backup of {} failed: {e}", describe(database)));
        store.close().await;
        backup
    })?;
    let text = backup.to_json();
    // What is written must restore: check it as restore will, before it replaces anything.
    let check = aimsgap_store::Backup::parse(&text)
        .map_err(|e| anyhow!("the backup does not verify, nothing written: {e}"))?;
    write_private(output, text.as_bytes())?;
    let manifest = check.manifest();
    Ok(format!(
        "wrote a backup of {} to {}\n{}\n{} rows in all; schema version {}; sha256 {}\n",
        describe(database),
        output.display(),
        counts(&check),
        check.rows(),
        manifest.map_or(0, |m| m.schema_version),
        manifest.map_or("-", |m| m.sha256.as_str()),
    ))
}

/// Rows per table, as one line.
fn counts(backup: &aimsgap_store::Backup) -> String {
    backup
        .counts()
        .iter()
        .map(|(table, n)| format!("{table} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes a file atomically with mode 0600: a new temporary file in the same directory,
/// synced, then renamed over the target. On failure the target is left as it was.
fn write_private(output: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let directory = match output.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = output
        .file_name()
        .ok_or_else(|| anyhow!(InputError(format!("{}: not a file name", output.display()))))?;
    let temporary = directory.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&temporary)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temporary, output));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(error).with_context(|| format!("cannot write {}", output.display()));
    }
    Ok(())
}

/// Restores a backup into an empty database after verifying all of it; prints what was
/// verified, and warns on standard error about what could not be (a version 1 file).
pub fn restore(database: &str, input: &Path) -> Result<String> {
    let text = std::fs::read_to_string(input)
        .with_context(|| format!("cannot read {}", input.display()))?;
    let backup = aimsgap_store::Backup::parse(&text).map_err(|e| {
        anyhow!(InputError(format!(
            "{}: refused, nothing restored: {}",
            input.display(),
            e.to_string().trim_start_matches("invalid stored data: ")
        )))
    })?;
    for warning in backup.warnings() {
        eprintln!("warning: {}: {warning}", input.display());
    }
    let rows = runtime()?.block_on(async {
        let store = connect(database).await?;
        let restored = store.restore(&backup).await.map_err(|e| {
            anyhow!(InputError(format!(
                "cannot restore {} into {}, nothing restored: {e}",
                input.display(),
                describe(database)
            )))
        });
        store.close().await;
        restored
    })?;
    let verified = match backup.manifest() {
        Some(m) => format!(
            "verified {}: {} format, taken {} from {} at schema version {}; row counts and sha256 {} match; every value, key and reference checked",
            input.display(),
            backup.format(),
            m.created_at,
            m.backend,
            m.schema_version,
            m.sha256
        ),
        None => format!(
            "verified {}: {} format (no manifest: counts and checksum not available); every value, key and reference checked",
            input.display(),
            backup.format()
        ),
    };
    Ok(format!(
        "{verified}\n{}\nrestored {rows} rows into {}\n",
        counts(&backup),
        describe(database)
    ))
}

/// The API endpoint for new assessments under a server URL, keeping the URL's base path
/// (`https://host/prefix/` serves the API at `/prefix/api/v1`). The bearer token goes over
/// plain HTTP only to this machine (a loopback address or `localhost`), unless `insecure_http`
/// says the network between is trusted: checked here, before any connection is made.
fn endpoint(server: &str, org: &str, insecure_http: bool) -> Result<reqwest::Url> {
    let mut url = reqwest::Url::parse(server)
        .map_err(|e| anyhow!(InputError(format!("`{server}` is not a server URL: {e}"))))?;
    match url.scheme() {
        "https" => {}
        "http" if insecure_http || is_local(&url) => {}
        "http" => bail!(InputError(format!(
            "refusing to send the API token over plain HTTP to {}: use https://, or pass \
             --insecure-http if the network to the server is trusted",
            url.host_str().unwrap_or(server)
        ))),
        other => bail!(InputError(format!(
            "`{server}`: push speaks https:// (or http:// to this machine), not {other}://"
        ))),
    }
    url.set_query(None);
    url.set_fragment(None);
    url.path_segments_mut()
        .map_err(|()| anyhow!(InputError(format!("`{server}` is not a server URL"))))?
        .pop_if_empty()
        .extend(["api", "v1", "orgs", org, "assessments"]);
    Ok(url)
}

/// Whether a URL names this machine: a loopback address or `localhost`.
fn is_local(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        None => false,
    }
}

/// POSTs a JSON body with the bearer token; returns the status and the body.
async fn post(url: reqwest::Url, token: &str, body: String) -> Result<(u16, String)> {
    // Redirects are not followed: a POST that moved is a configuration to fix, and following
    // one could carry the token somewhere the checks above did not see.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(30))
        .timeout(Duration::from_secs(120))
        .user_agent(concat!("aimsgap/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("cannot set up the HTTP client")?;
    let host = url.host_str().unwrap_or_default().to_string();
    let response = client
        .post(url)
        .bearer_auth(token)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .with_context(|| format!("cannot reach {host}"))?;
    let status = response.status().as_u16();
    let text = response
        .text()
        .await
        .with_context(|| format!("cannot read the answer of {host}"))?;
    Ok((status, text))
}

/// Uploads an assessment file to an organisation.
pub fn push(
    file: &Path,
    server: &str,
    token: &str,
    org: &str,
    name: Option<&str>,
    insecure_http: bool,
) -> Result<String> {
    let url = endpoint(server, org, insecure_http)?;
    let content = crate::assess_cmd::read_input(file, crate::assess_cmd::MAX_ASSESSMENT_BYTES)?;
    let name = name.map_or_else(|| file.display().to_string(), str::to_string);
    let body = serde_json::json!({"name": name, "content": content}).to_string();
    let (status, reply) = runtime()?.block_on(post(url, token, body))?;
    let value: serde_json::Value = serde_json::from_str(&reply).unwrap_or(serde_json::Value::Null);
    if status == 201 {
        Ok(format!(
            "pushed {} as assessment {}\n",
            file.display(),
            value.pointer("/id").and_then(|v| v.as_str()).unwrap_or("?")
        ))
    } else {
        let message = value
            .pointer("/error/message")
            .and_then(|v| v.as_str())
            .unwrap_or(&reply)
            .to_string();
        bail!(InputError(format!(
            "the server refused the push ({status}): {message}"
        )))
    }
}

/// Sets a new password for the account with this e-mail address and ends all its sessions
/// (in one write): read from the first line of standard input, or made up with `generate`
/// and printed once. The password is never an argument, so it stays out of the process list
/// and the shell's history.
pub fn reset_password(database: &str, email: &str, generate: bool) -> Result<String> {
    use std::io::{BufRead, IsTerminal, Write};
    let email = email.trim().to_lowercase();
    let password = if generate {
        aimsgap_store::new_token().map_err(|e| anyhow!("no password made: {e}"))?
    } else {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            eprint!("New password for {email} (at least 10 characters), then Enter: ");
            std::io::stderr().flush().ok();
        }
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .context("cannot read the new password from standard input")?;
        line.trim_end_matches(['\n', '\r']).to_string()
    };
    if password.chars().count() < 10 || password.len() > 1024 {
        bail!(InputError(
            "the new password must have at least 10 characters (read from the first line of standard input)".into()
        ));
    }
    let hash = aimsgap_web::hash_password(&password)
        .map_err(|e| anyhow!("the password could not be hashed: {e}"))?;
    let ended = runtime()?.block_on(async {
        let store = connect(database).await?;
        let done = async {
            let (user, _) = store
                .user_by_email(&email)
                .await
                .map_err(|e| anyhow!("cannot read the accounts of {}: {e}", describe(database)))?
                .ok_or_else(|| {
                    anyhow!(InputError(format!(
                        "no account with the e-mail address {email} in {}",
                        describe(database)
                    )))
                })?;
            let ended = store
                .set_password(&user.id, &hash, None)
                .await
                .map_err(|e| anyhow!("the password of {email} was not changed: {e}"))?;
            record_reset(&store, &user).await?;
            Ok::<u64, anyhow::Error>(ended)
        }
        .await;
        store.close().await;
        done
    })?;
    let sessions = match ended {
        1 => "1 session".to_string(),
        n => format!("{n} sessions"),
    };
    Ok(if generate {
        format!("new password for {email} (shown once): {password}\n{sessions} signed out\n")
    } else {
        format!("the password of {email} was changed; {sessions} signed out\n")
    })
}

/// Records an operator's password reset in the audit log, as the account's event (so the
/// owners and auditors of its organisations see it).
async fn record_reset(store: &aimsgap_store::Store, user: &aimsgap_store::User) -> Result<()> {
    store
        .record_audit(&aimsgap_store::NewAuditEvent {
            event: aimsgap_web::audit::Event::PasswordReset
                .as_str()
                .to_string(),
            actor: Some(user.id.clone()),
            actor_email: Some(user.email.clone()),
            detail: Some("by the operator: aimsgap user reset-password".into()),
            ..aimsgap_store::NewAuditEvent::default()
        })
        .await
        .map_err(|e| {
            anyhow!(
                "the password of {} was changed, but the audit log did not record it: {e}",
                user.email
            )
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    #[test]
    fn the_token_goes_over_plain_http_only_to_this_machine() {
        let endpoint = |server: &str, insecure: bool| {
            super::endpoint(server, "o 1", insecure).map(|url| url.to_string())
        };
        assert_eq!(
            endpoint("https://example.test/prefix/", false).unwrap(),
            "https://example.test/prefix/api/v1/orgs/o%201/assessments"
        );
        assert_eq!(
            endpoint("https://example.test/prefix", false).unwrap(),
            "https://example.test/prefix/api/v1/orgs/o%201/assessments"
        );
        assert_eq!(
            endpoint("https://example.test", false).unwrap(),
            "https://example.test/api/v1/orgs/o%201/assessments"
        );
        for local in [
            "http://localhost:8080",
            "http://127.0.0.1:8080/",
            "http://127.1.2.3",
            "http://[::1]:8080",
            "http://LOCALHOST",
        ] {
            assert!(endpoint(local, false).is_ok(), "{local}");
        }
        for remote in [
            "http://example.test",
            "http://10.0.0.1:8080",
            "http://localhost.example.test",
            "http://[::2]",
        ] {
            let error = endpoint(remote, false).unwrap_err().to_string();
            assert!(error.contains("--insecure-http"), "{remote}: {error}");
            assert!(endpoint(remote, true).is_ok(), "{remote}");
        }
        assert!(endpoint("ftp://example.test", true).is_err());
        assert!(endpoint("example.test", true).is_err());
    }

    #[derive(clap::Parser)]
    struct Serve {
        #[command(flatten)]
        identity: super::IdentityArgs,
    }

    fn identity(args: &[&str]) -> anyhow::Result<super::IdentitySettings> {
        use clap::Parser;
        let parsed = Serve::try_parse_from(std::iter::once("serve").chain(args.iter().copied()))?;
        parsed.identity.settings()
    }

    #[test]
    fn mail_without_a_public_url_is_refused_since_its_links_would_lead_nowhere() {
        let mail = [
            "--smtp-url",
            "smtp://127.0.0.1:2525",
            "--mail-from",
            "noreply@example.org",
        ];
        let refused = identity(&mail).map(|_| ()).unwrap_err().to_string();
        assert!(
            refused.contains("--smtp-url needs --public-url"),
            "{refused}"
        );
        let with_url = [&mail[..], &["--public-url", "https://gap.example.org/"]].concat();
        let settings = identity(&with_url).unwrap();
        assert!(settings.mail.is_some());
        assert_eq!(
            settings.public_url.map(|u| u.to_string()).as_deref(),
            Some("https://gap.example.org/")
        );
        let only_from = identity(&["--mail-from", "noreply@example.org"])
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            only_from.contains("--mail-from needs --smtp-url"),
            "{only_from}"
        );
    }
}
