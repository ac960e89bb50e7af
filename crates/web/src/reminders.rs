//! The daily digest's shell: the scheduler inside `serve` and the pass that sends each
//! member's digest for a day at most once, however many instances share the database.
//!
//! [`digests`] runs beside the server when mail is set up: at start and every
//! [`DIGEST_EVERY`] it checks whether today's digest hour (UTC) has come, and if so runs
//! [`send_digests`] for today. A pass reads the accounts a page at a time; for each member it
//! first claims (member, day) in the store (an insert that only one instance can make), and
//! only the holder of the claim gathers the member's work, evidence and obligations, composes
//! the digest ([`crate::digest::compose`]) and sends it. What became of it is recorded on the
//! claim: sent, empty (nothing to tell: no mail), or failed (a later pass claims it again).

use crate::AppState;
use crate::digest::{self, Digest, EvidenceOf, Input, ObligationsOf, Place};
use crate::mail::Mail;
use aimsgap_catalog::Date;
use aimsgap_store::{DigestOutcome, Member, Reminders, StoreError, User};
use askama::Template;
use std::collections::HashMap;
use std::time::Duration;

/// How often the scheduler looks at the clock.
pub const DIGEST_EVERY: Duration = Duration::from_secs(5 * 60);

/// Accounts read per page during a pass.
const USERS_PAGE: i64 = 100;

/// Assessments read per page of an organisation.
const ASSESSMENTS_PAGE: i64 = 100;

/// The path of the page where a member switches reminders off.
pub const SETTINGS_PATH: &str = "/account/notifications";

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DigestPass {
    /// Digests sent.
    pub sent: usize,
    /// Members with nothing to hear of (no mail).
    pub empty: usize,
    /// Sends that failed (a later pass tries again).
    pub failed: usize,
    /// Members whose digest for the day another pass or instance holds or has done.
    pub held: usize,
    /// Members who switched every kind off.
    pub off: usize,
}

/// Runs forever when mail is set up (returns at once otherwise): a check now, then one every
/// [`DIGEST_EVERY`]; from the digest hour on, each check runs a pass for today. A failed pass
/// is logged and the next check tries again.
pub async fn digests(state: AppState) {
    if state.mailer.is_none() {
        tracing::info!("digest: mail is not set up, so no digest is sent");
        return;
    }
    if state.config.public_url.is_none() {
        tracing::warn!(
            "digest: --public-url is not set, so the links in the digest are paths without the server's address"
        );
    }
    let mut every = tokio::time::interval(DIGEST_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let hour = hour_now();
        if hour < state.config.digest_hour {
            tracing::debug!(hour, "digest: before the digest hour");
            continue;
        }
        let day = aimsgap_store::today();
        match send_digests(&state, day).await {
            Ok(pass) => tracing::info!(
                %day,
                sent = pass.sent,
                empty = pass.empty,
                failed = pass.failed,
                held = pass.held,
                off = pass.off,
                "digest pass done"
            ),
            Err(error) => tracing::warn!(%error, "digest pass failed; the next check tries again"),
        }
    }
}

/// The hour of the day now (UTC), 0 to 23, from the store's clock.
fn hour_now() -> u8 {
    aimsgap_store::now_rfc3339()
        .get(11..13)
        .and_then(|hour| hour.parse().ok())
        .unwrap_or(0)
}

/// Sends every member's digest for `day` that no pass has claimed yet (or whose send failed),
/// and returns what it did. Without mail it sends nothing.
pub async fn send_digests(state: &AppState, day: Date) -> Result<DigestPass, StoreError> {
    let mut pass = DigestPass::default();
    let Some(mailer) = state.mailer.clone() else {
        return Ok(pass);
    };
    let day_text = day.to_string();
    let mut caches = Caches::default();
    let mut after: Option<String> = None;
    loop {
        let page = state
            .store
            .users_after(after.as_deref(), USERS_PAGE)
            .await?;
        let Some(last) = page.last().map(|u| u.id.clone()) else {
            return Ok(pass);
        };
        for user in &page {
            let reminders = state.store.reminders(&user.id).await?;
            if reminders.all_off() {
                pass.off += 1;
                continue;
            }
            if !state.store.claim_digest(&user.id, &day_text).await? {
                pass.held += 1;
                continue;
            }
            let outcome = match digest_for(state, user, day, reminders, &mut caches).await {
                Err(error) => {
                    tracing::warn!(user = %user.id, %error, "digest: cannot read what is due");
                    pass.failed += 1;
                    DigestOutcome::Failed {
                        error: error.to_string(),
                    }
                }
                Ok(digest) if digest.is_empty() => {
                    pass.empty += 1;
                    DigestOutcome::Empty
                }
                Ok(digest) => {
                    let sent = match message(state, user, day, &digest) {
                        Ok(mail) => mailer.send(&mail).await.map_err(|e| e.to_string()),
                        Err(error) => Err(error),
                    };
                    match sent {
                        Ok(()) => {
                            pass.sent += 1;
                            DigestOutcome::Sent {
                                items: i64::try_from(digest.count()).unwrap_or(i64::MAX),
                            }
                        }
                        Err(error) => {
                            tracing::warn!(user = %user.id, %error, "digest: not sent; a later pass tries again");
                            pass.failed += 1;
                            DigestOutcome::Failed { error }
                        }
                    }
                }
            };
            state
                .store
                .finish_digest(&user.id, &day_text, &outcome)
                .await?;
        }
        after = Some(last);
    }
}

/// What one pass reads once and shares between members: the members of each organisation and
/// each assessment's obligations on the day.
#[derive(Default)]
struct Caches {
    members: HashMap<String, Vec<Member>>,
    obligations: HashMap<String, Vec<aimsgap_assess::SystemObligations>>,
}

/// Gathers what the member may hear of and composes their digest.
async fn digest_for(
    state: &AppState,
    user: &User,
    day: Date,
    reminders: Reminders,
    caches: &mut Caches,
) -> Result<Digest, StoreError> {
    let work = if reminders.work {
        state.store.work_of(&user.id).await?
    } else {
        Vec::new()
    };
    let mut evidence = Vec::new();
    let mut obligations = Vec::new();
    if reminders.evidence || reminders.obligations {
        for (org, role) in state.store.organizations_of(&user.id).await? {
            let mut before: Option<String> = None;
            loop {
                let page = state
                    .store
                    .assessments(&org.id, before.as_deref(), ASSESSMENTS_PAGE)
                    .await?;
                let Some(last) = page.last().map(|a| a.id.clone()) else {
                    break;
                };
                for meta in page {
                    let place = Place {
                        assessment_id: meta.id.clone(),
                        assessment_name: meta.name.clone(),
                        org_name: org.name.clone(),
                        role,
                    };
                    if reminders.evidence {
                        let items = state.store.evidence_items(&meta.id).await?;
                        if !items.is_empty() {
                            if !caches.members.contains_key(&org.id) {
                                let members = state.store.members(&org.id).await?;
                                caches.members.insert(org.id.clone(), members);
                            }
                            let members =
                                caches.members.get(&org.id).map_or(&[][..], Vec::as_slice);
                            let items = items
                                .into_iter()
                                .map(|item| {
                                    let owner =
                                        digest::owner_member(item.meta.owner.as_deref(), members)
                                            .map(str::to_string);
                                    (item, owner)
                                })
                                .collect();
                            evidence.push(EvidenceOf {
                                place: place.clone(),
                                items,
                            });
                        }
                    }
                    if reminders.obligations && role.can_edit() {
                        if !caches.obligations.contains_key(&meta.id) {
                            let found = obligations_on(state, &meta.id, day).await;
                            caches.obligations.insert(meta.id.clone(), found);
                        }
                        if let Some(found) = caches.obligations.get(&meta.id) {
                            obligations.push(ObligationsOf {
                                place,
                                obligations: found.clone(),
                            });
                        }
                    }
                }
                before = Some(last);
            }
        }
    }
    Ok(digest::compose(&Input {
        member: &user.id,
        day,
        reminders,
        work: &work,
        evidence: &evidence,
        obligations: &obligations,
    }))
}

/// The engine's obligations for an assessment with `day` as the as-of date (the dates come
/// from the law catalogs). An assessment that does not compute is logged and has none.
async fn obligations_on(
    state: &AppState,
    id: &str,
    day: Date,
) -> Vec<aimsgap_assess::SystemObligations> {
    let computed = async {
        let document = crate::ops::assessments::stored(state, id).await?;
        let document = crate::ops::evidence::with_register(state, id, document).await?;
        let mut assessment = aimsgap_assess::from_document(id, &document, &state.catalog, day)
            .map_err(|errors| {
                crate::ApiError::Internal(format!(
                    "{} problem(s) in the stored assessment",
                    errors.len()
                ))
            })?;
        assessment.as_of = day;
        aimsgap_assess::assess(&state.catalog, &assessment)
            .map_err(|e| crate::ApiError::Internal(e.to_string()))
    };
    match computed.await {
        Ok(result) => result.obligations,
        Err(error) => {
            tracing::warn!(assessment = %id, %error, "digest: the assessment does not compute; no obligations from it");
            Vec::new()
        }
    }
}

/// A line as the message shows it: its link on the server.
struct LineView {
    text: String,
    when: String,
    url: String,
}

struct SectionView {
    heading: &'static str,
    lines: Vec<LineView>,
}

#[derive(Template)]
#[template(path = "digest/digest.txt")]
struct DigestText<'a> {
    name: &'a str,
    day: String,
    sections: &'a [SectionView],
    settings: &'a str,
}

#[derive(Template)]
#[template(path = "digest/digest.html")]
struct DigestHtml<'a> {
    name: &'a str,
    day: String,
    subject: &'a str,
    sections: &'a [SectionView],
    settings: &'a str,
}

/// A path's link on the server: under `--public-url` when set, else the bare path.
pub(crate) fn link(state: &AppState, path: &str) -> String {
    match &state.config.public_url {
        Some(base) => format!("{}{path}", base.as_str().trim_end_matches('/')),
        None => path.to_string(),
    }
}

/// The message of a member's digest: a plain-text part and an HTML part.
fn message(state: &AppState, user: &User, day: Date, digest: &Digest) -> Result<Mail, String> {
    let sections: Vec<SectionView> = digest
        .sections
        .iter()
        .map(|section| SectionView {
            heading: section.heading,
            lines: section
                .lines
                .iter()
                .map(|line| LineView {
                    text: line.text.clone(),
                    when: line.when.clone(),
                    url: link(state, &line.path),
                })
                .collect(),
        })
        .collect();
    let settings = link(state, SETTINGS_PATH);
    let subject = digest.subject(day);
    let text = DigestText {
        name: &user.name,
        day: day.to_string(),
        sections: &sections,
        settings: &settings,
    }
    .render()
    .map_err(|e| format!("the digest's text did not render: {e}"))?;
    let html = DigestHtml {
        name: &user.name,
        day: day.to_string(),
        subject: &subject,
        sections: &sections,
        settings: &settings,
    }
    .render()
    .map_err(|e| format!("the digest's HTML did not render: {e}"))?;
    Ok(Mail {
        to: user.email.clone(),
        to_name: Some(user.name.clone()),
        subject,
        text,
        html: Some(html),
    })
}
