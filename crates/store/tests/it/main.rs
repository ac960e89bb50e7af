//! The store's contract, run on SQLite always and on PostgreSQL when
//! AIMSGAP_TEST_DATABASE_URL names a database (CI sets it; with AIMSGAP_REQUIRE_ALL=1 its
//! absence is a failure). Tests use fresh ids and e-mail addresses, so they share a database;
//! a test that damages stored data does it in a database of its own, so the account needs the
//! CREATEDB privilege (`.ci/postgres.sh` grants it).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod audit;
mod backup;
mod batch;
mod documents;
mod ids;

use aimsgap_store::{Role, Store, StoreError, new_token};
use serde_json::json;

mod evidence;
mod oidc;
mod rules;
mod work;

/// The PostgreSQL URLs named by these variables, when all are set; else a notice (a failure
/// under AIMSGAP_REQUIRE_ALL=1) and `None`. The one place these tests read the environment.
pub fn postgres_urls(variables: &[&str], what: &str) -> Option<Vec<String>> {
    let urls: Vec<String> = variables
        .iter()
        .filter_map(|name| std::env::var(name).ok().filter(|u| !u.is_empty()))
        .collect();
    if urls.len() == variables.len() {
        return Some(urls);
    }
    let names = variables.join(" and ");
    assert!(
        std::env::var("AIMSGAP_REQUIRE_ALL").as_deref() != Ok("1"),
        "{names} must name PostgreSQL databases (AIMSGAP_REQUIRE_ALL=1)"
    );
    eprintln!("notice: PostgreSQL {what} skipped: {names} not set");
    None
}

/// A scratch directory, removed when dropped.
#[derive(Debug)]
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "aimsgap-store-{name}-{}-{}",
            std::process::id(),
            &new_token().unwrap()[..8]
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// The URL of a SQLite file in the directory, created on first connection.
    pub fn sqlite(&self, file: &str) -> String {
        format!("sqlite://{}?mode=rwc", self.0.join(file).display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn stores() -> Vec<(&'static str, Store)> {
    let mut stores = vec![("sqlite", Store::connect("sqlite::memory:").await.unwrap())];
    if let Some(urls) = postgres_urls(&["AIMSGAP_TEST_DATABASE_URL"], "contract tests") {
        for url in urls {
            stores.push(("postgres", Store::connect(&url).await.unwrap()));
        }
    }
    stores
}

fn email() -> String {
    format!("{}@example.test", &new_token().unwrap()[..12])
}

fn in_days(days: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    aimsgap_store::rfc3339((now + days * 86_400) as u64)
}

/// The assessment file the tests store, as its typed document.
fn document() -> aimsgap_wire::assessment::Document {
    serde_json::from_value(document_json()).unwrap()
}

fn document_json() -> serde_json::Value {
    json!({
        "aimsgap": 2,
        "as_of": "2026-11-29",
        "organization": {"name": "Acme", "employees": 120},
        "certifications": [{"framework": "iso27001", "status": "certified"}],
        "ai_systems": [{"id": "bot", "name": "Bot", "role": "provider"}, {"id": "scorer", "name": "Scorer", "role": "deployer"}],
        "answers": {"5.2": {"status": "implemented"}, "A.7.2": {"status": "not_applicable", "justification": "no training"}}
    })
}

#[tokio::test]
async fn accounts_sessions_and_tokens() {
    for (backend, store) in stores().await {
        let address = email();
        let user = store.create_user(&address, "Ada", "hash").await.unwrap();
        assert!(
            matches!(
                store.create_user(&address, "Eve", "x").await,
                Err(StoreError::Exists(_))
            ),
            "{backend}"
        );
        let (found, hash) = store.user_by_email(&address).await.unwrap().unwrap();
        assert_eq!(
            (found.id.as_str(), hash.as_str()),
            (user.id.as_str(), "hash")
        );

        let secret = new_token().unwrap();
        store
            .create_session(&user.id, &secret, "csrf-1", &in_days(1))
            .await
            .unwrap();
        let (session_user, csrf) = store.session(&secret).await.unwrap().unwrap();
        assert_eq!(
            (session_user.id.as_str(), csrf.as_str()),
            (user.id.as_str(), "csrf-1")
        );
        assert!(store.session("not-a-session").await.unwrap().is_none());
        let expired = new_token().unwrap();
        store
            .create_session(&user.id, &expired, "c", &in_days(-1))
            .await
            .unwrap();
        assert!(
            store.session(&expired).await.unwrap().is_none(),
            "{backend}: expired session"
        );
        let second = new_token().unwrap();
        store
            .create_session(&user.id, &second, "c2", &in_days(1))
            .await
            .unwrap();
        store.delete_session(&secret).await.unwrap();
        assert!(store.session(&secret).await.unwrap().is_none());
        assert!(store.session(&second).await.unwrap().is_some());
        assert!(store.delete_sessions_of(&user.id).await.unwrap() >= 1);
        assert!(
            store.session(&second).await.unwrap().is_none(),
            "{backend}: logout everywhere"
        );

        let token = new_token().unwrap();
        let info = store
            .create_api_token(&user.id, "ci", &token)
            .await
            .unwrap();
        assert_eq!(
            store.api_token_user(&token).await.unwrap().unwrap().id,
            user.id
        );
        assert_eq!(store.api_tokens(&user.id).await.unwrap().len(), 1);
        let other = store.create_user(&email(), "Eve", "h").await.unwrap();
        assert!(matches!(
            store.delete_api_token(&other.id, &info.id).await,
            Err(StoreError::NotFound)
        ));
        store.delete_api_token(&user.id, &info.id).await.unwrap();
        assert!(store.api_token_user(&token).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn organisations_roles_and_one_time_invitations() {
    for (backend, store) in stores().await {
        let owner = store.create_user(&email(), "Owner", "h").await.unwrap();
        let guest = store.create_user(&email(), "Guest", "h").await.unwrap();
        let org = store.create_organization("Acme", &owner.id).await.unwrap();
        assert_eq!(
            store.role(&org.id, &owner.id).await.unwrap(),
            Some(Role::Owner)
        );
        assert_eq!(store.role(&org.id, &guest.id).await.unwrap(), None);
        let invitation = new_token().unwrap();
        store
            .create_invitation(&org.id, Role::Viewer, &invitation, &owner.id, &in_days(7))
            .await
            .unwrap();
        let (joined, role) = store
            .accept_invitation(&invitation, &guest.id)
            .await
            .unwrap();
        assert_eq!((joined.as_str(), role), (org.id.as_str(), Role::Viewer));
        assert!(
            matches!(
                store.accept_invitation(&invitation, &guest.id).await,
                Err(StoreError::NotFound)
            ),
            "{backend}: used twice"
        );
        let stale = new_token().unwrap();
        store
            .create_invitation(&org.id, Role::Editor, &stale, &owner.id, &in_days(-1))
            .await
            .unwrap();
        assert!(
            matches!(
                store.accept_invitation(&stale, &guest.id).await,
                Err(StoreError::NotFound)
            ),
            "{backend}: expired"
        );
        assert_eq!(store.members(&org.id).await.unwrap().len(), 2);
        store
            .set_role(&org.id, &guest.id, Role::Auditor)
            .await
            .unwrap();
        assert_eq!(
            store.role(&org.id, &guest.id).await.unwrap(),
            Some(Role::Auditor)
        );
        assert_eq!(
            store.organizations_of(&guest.id).await.unwrap()[0].1,
            Role::Auditor
        );
        store.remove_member(&org.id, &guest.id).await.unwrap();
        assert!(store.organizations_of(&guest.id).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn assessments_round_trip_with_versions_history_and_runs() {
    for (backend, store) in stores().await {
        let user = store.create_user(&email(), "Ada", "h").await.unwrap();
        let org = store.create_organization("Acme", &user.id).await.unwrap();
        let meta = store
            .create_assessment(&org.id, "2026 review", &document(), &user.id)
            .await
            .unwrap();
        let stored = store.assessment(&meta.id).await.unwrap().unwrap();
        assert_eq!(
            stored.document().unwrap(),
            document(),
            "{backend}: lossless round trip"
        );
        assert_eq!(
            serde_json::to_value(stored.document().unwrap()).unwrap(),
            document_json(),
            "{backend}: the same JSON"
        );
        assert_eq!(
            stored.ai_systems[0].key, "bot",
            "{backend}: systems keep their order"
        );

        // Optimistic concurrency: a stale write changes nothing and returns the current value.
        let current = store.answer(&meta.id, "5.2").await.unwrap();
        assert_eq!(current.version, 1);
        let v2 = store
            .put_answer(
                &meta.id,
                "5.2",
                Some(&json!({"status": "partial"})),
                1,
                &user.id,
            )
            .await
            .unwrap();
        assert_eq!(v2.version, 2);
        match store
            .put_answer(
                &meta.id,
                "5.2",
                Some(&json!({"status": "planned"})),
                1,
                &user.id,
            )
            .await
        {
            Err(StoreError::Conflict(now)) => {
                assert_eq!(now.version, 2);
                assert_eq!(now.value, Some(json!({"status": "partial"})));
            }
            other => panic!("{backend}: expected a conflict, got {other:?}"),
        }
        let created = store
            .put_answer(
                &meta.id,
                "6.1.2",
                Some(&json!({"status": "planned"})),
                0,
                &user.id,
            )
            .await
            .unwrap();
        assert_eq!(created.version, 1);
        assert!(matches!(
            store
                .put_answer(
                    &meta.id,
                    "6.1.2",
                    Some(&json!({"status": "x"})),
                    0,
                    &user.id
                )
                .await,
            Err(StoreError::Conflict(_))
        ));
        store
            .put_answer(&meta.id, "6.1.2", None, 1, &user.id)
            .await
            .unwrap();
        assert_eq!(store.answer(&meta.id, "6.1.2").await.unwrap().version, 0);

        let system = store
            .put_ai_system(
                &meta.id,
                "bot",
                Some(&json!({"id": "bot", "name": "Bot 2"})),
                1,
                &user.id,
            )
            .await
            .unwrap();
        assert_eq!(system.version, 2);
        let added = store
            .put_ai_system(
                &meta.id,
                "third",
                Some(&json!({"id": "third", "name": "Third"})),
                0,
                &user.id,
            )
            .await
            .unwrap();
        assert_eq!(added.version, 1);
        let keys: Vec<String> = store
            .assessment(&meta.id)
            .await
            .unwrap()
            .unwrap()
            .ai_systems
            .iter()
            .map(|s| s.key.clone())
            .collect();
        assert_eq!(
            keys,
            vec!["bot", "scorer", "third"],
            "{backend}: a new system goes last"
        );
        let profile = store.assessment(&meta.id).await.unwrap().unwrap().profile;
        let mut changed = profile.value.clone().unwrap();
        changed["as_of"] = json!("2027-01-01");
        store
            .put_profile(&meta.id, &changed, profile.version, &user.id)
            .await
            .unwrap();
        assert!(matches!(
            store
                .put_profile(&meta.id, &changed, profile.version, &user.id)
                .await,
            Err(StoreError::Conflict(_))
        ));

        let history = store.history(&meta.id).await.unwrap();
        let kinds: Vec<(&str, &str)> = history
            .iter()
            .map(|h| (h.entity.as_str(), h.key.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("assessment", "2026 review"),
                ("answer", "5.2"),
                ("answer", "6.1.2"),
                ("answer", "6.1.2"),
                ("ai_system", "bot"),
                ("ai_system", "third"),
                ("profile", "profile")
            ],
            "{backend}"
        );
        assert_eq!(history[1].old, Some(json!({"status": "implemented"})));
        assert_eq!(history[1].new, Some(json!({"status": "partial"})));
        assert_eq!(
            history[3].new, None,
            "a deletion records the old value only"
        );
        assert!(history.iter().all(|h| h.actor == user.id));

        let run = store
            .save_run(&meta.id, &user.id, 42.5, &json!({"schema": "x"}))
            .await
            .unwrap();
        assert_eq!(store.runs(&meta.id).await.unwrap()[0].id, run.id);
        assert_eq!(
            store.run(&meta.id, &run.id).await.unwrap().unwrap().result,
            Some(json!({"schema": "x"}))
        );
        assert!(store.run("other", &run.id).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn assessment_pages_are_keyset_ordered() {
    for (backend, store) in stores().await {
        let user = store.create_user(&email(), "Ada", "h").await.unwrap();
        let org = store.create_organization("Acme", &user.id).await.unwrap();
        for i in 0..5 {
            store
                .create_assessment(&org.id, &format!("a{i}"), &document(), &user.id)
                .await
                .unwrap();
        }
        let first = store.assessments(&org.id, None, 3).await.unwrap();
        assert_eq!(
            first.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
            vec!["a4", "a3", "a2"],
            "{backend}"
        );
        let next = store
            .assessments(&org.id, Some(&first[2].id), 3)
            .await
            .unwrap();
        assert_eq!(
            next.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
            vec!["a1", "a0"]
        );
    }
}

#[tokio::test]
async fn concurrent_edits_of_one_answer_have_one_winner() {
    for (backend, store) in stores().await {
        let user = store.create_user(&email(), "Ada", "h").await.unwrap();
        let org = store.create_organization("Acme", &user.id).await.unwrap();
        let meta = store
            .create_assessment(&org.id, "race", &document(), &user.id)
            .await
            .unwrap();
        let mut handles = Vec::new();
        for i in 0..8 {
            let store = store.clone();
            let id = meta.id.clone();
            let actor = user.id.clone();
            handles.push(tokio::spawn(async move {
                store
                    .put_answer(
                        &id,
                        "5.2",
                        Some(&json!({"status": "partial", "notes": format!("writer {i}")})),
                        1,
                        &actor,
                    )
                    .await
            }));
        }
        let mut wins = 0;
        let mut conflicts = 0;
        for handle in handles {
            match handle.await.unwrap() {
                Ok(v) => {
                    assert_eq!(v.version, 2);
                    wins += 1;
                }
                Err(StoreError::Conflict(_)) => conflicts += 1,
                Err(other) => panic!("{backend}: {other}"),
            }
        }
        assert_eq!((wins, conflicts), (1, 7), "{backend}: exactly one winner");
        assert_eq!(store.answer(&meta.id, "5.2").await.unwrap().version, 2);
    }
}

#[tokio::test]
async fn the_revision_grows_with_every_change() {
    for (backend, store) in stores().await {
        let user = store.create_user(&email(), "Ada", "h").await.unwrap();
        let org = store.create_organization("Acme", &user.id).await.unwrap();
        let meta = store
            .create_assessment(&org.id, "r", &document(), &user.id)
            .await
            .unwrap();
        let (owner, first, role) = store
            .assessment_access(&meta.id, &user.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((owner.as_str(), role), (org.id.as_str(), Some(Role::Owner)));
        store
            .put_answer(
                &meta.id,
                "5.2",
                Some(&json!({"status": "partial"})),
                1,
                &user.id,
            )
            .await
            .unwrap();
        let (_, second, _) = store
            .assessment_access(&meta.id, &user.id)
            .await
            .unwrap()
            .unwrap();
        assert!(second > first, "{backend}");
        let _ = store
            .put_answer(
                &meta.id,
                "5.2",
                Some(&json!({"status": "planned"})),
                1,
                &user.id,
            )
            .await;
        let (_, third, _) = store
            .assessment_access(&meta.id, &user.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(third, second, "{backend}: a refused write changes nothing");
        assert!(
            store
                .assessment_access("nope", &user.id)
                .await
                .unwrap()
                .is_none()
        );
        let stranger = store.create_user(&email(), "Eve", "h").await.unwrap();
        let (_, _, none) = store
            .assessment_access(&meta.id, &stranger.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(none, None, "{backend}: not a member");
    }
}
