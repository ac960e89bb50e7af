//! The rules that must hold under concurrency and over time: history stores each change once,
//! an organisation never loses its last owner, invitations can be listed and revoked, and
//! sessions, tokens and invitations expire and are purged.

use super::{TempDir, document, email, in_days, postgres_urls};
use aimsgap_store::{Role, Store, StoreError, new_token};
use serde_json::{Value, json};
use sqlx::Row;

/// Stores on real files (SQLite with several connections, so that writers really contend)
/// and on PostgreSQL when a database is named, each with its URL for direct inspection.
pub(crate) async fn shared_stores() -> (TempDir, Vec<(&'static str, Store, String)>) {
    let dir = TempDir::new("rules");
    let url = dir.sqlite("store.db");
    let mut stores = vec![("sqlite", Store::connect(&url).await.unwrap(), url)];
    if let Some(urls) = postgres_urls(&["AIMSGAP_TEST_DATABASE_URL"], "rule tests") {
        for url in urls {
            stores.push(("postgres", Store::connect(&url).await.unwrap(), url));
        }
    }
    (dir, stores)
}

pub(crate) async fn inspect(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .unwrap()
}

fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A 100 KB note that differs per edit.
fn long_answer(edit: usize) -> Value {
    json!({"status": "partial", "notes": format!("{edit:04}{}", "n".repeat(100_000))})
}

#[tokio::test]
async fn twenty_edits_of_a_long_note_store_each_value_once() {
    let (_scratch, stores) = shared_stores().await;
    for (backend, store, url) in stores {
        let user = store.create_user(&email(), "Ada", "h").await.unwrap();
        let org = store.create_organization("Acme", &user.id).await.unwrap();
        let meta = store
            .create_assessment(&org.id, "notes", &document(), &user.id)
            .await
            .unwrap();
        let mut version = 0;
        for edit in 0..20 {
            version = store
                .put_answer(
                    &meta.id,
                    "6.1.2",
                    Some(&long_answer(edit)),
                    version,
                    &user.id,
                )
                .await
                .unwrap()
                .version;
        }
        let pool = inspect(&url).await;
        let stored: i64 = sqlx::query("SELECT CAST(SUM(LENGTH(COALESCE(old_value, '')) + LENGTH(COALESCE(new_value, ''))) AS BIGINT) AS n FROM history WHERE assessment_id = $1 AND entity = 'answer'")
            .bind(&meta.id)
            .fetch_one(&pool)
            .await
            .unwrap()
            .get("n");
        // Each value is about 100 KB: stored once per change, 20 of them, not 39.
        assert!(
            (20 * 100_000..21 * 100_000).contains(&stored),
            "{backend}: the history of 20 edits holds {stored} bytes"
        );
        let history = store.history(&meta.id).await.unwrap();
        let edits: Vec<_> = history.iter().filter(|e| e.key == "6.1.2").collect();
        assert_eq!(edits.len(), 20, "{backend}");
        for (edit, entry) in edits.iter().enumerate() {
            let old = edit.checked_sub(1).map(long_answer);
            assert_eq!(entry.old, old, "{backend}: old value of edit {edit}");
            assert_eq!(entry.new, Some(long_answer(edit)), "{backend}: edit {edit}");
        }
    }
}

/// What a change looked like to a reader: entity, key, old and new value.
type Seen = (String, String, Option<Value>, Option<Value>);

#[tokio::test]
async fn history_reads_as_it_did_when_every_entry_carried_its_old_value() {
    let (_scratch, stores) = shared_stores().await;
    for (backend, store, url) in stores {
        let user = store.create_user(&email(), "Ada", "h").await.unwrap();
        let org = store.create_organization("Acme", &user.id).await.unwrap();
        let meta = store
            .create_assessment(&org.id, "sequence", &document(), &user.id)
            .await
            .unwrap();
        let id = meta.id.as_str();
        // Every change with the value it replaced, read before the change: what the history
        // showed when each entry stored both.
        let mut expected: Vec<Seen> = Vec::new();
        let answer = |status: &str| json!({"status": status});

        // An imported answer edited, edited again, deleted and written anew.
        let before = store.answer(id, "5.2").await.unwrap();
        let v = store
            .put_answer(
                id,
                "5.2",
                Some(&answer("partial")),
                before.version,
                &user.id,
            )
            .await
            .unwrap();
        expected.push(("answer".into(), "5.2".into(), before.value, v.value.clone()));
        let v2 = store
            .put_answer(id, "5.2", Some(&answer("planned")), v.version, &user.id)
            .await
            .unwrap();
        expected.push(("answer".into(), "5.2".into(), v.value, v2.value.clone()));
        store
            .put_answer(id, "5.2", None, v2.version, &user.id)
            .await
            .unwrap();
        expected.push(("answer".into(), "5.2".into(), v2.value, None));
        let again = store
            .put_answer(id, "5.2", Some(&answer("implemented")), 0, &user.id)
            .await
            .unwrap();
        expected.push(("answer".into(), "5.2".into(), None, again.value.clone()));
        // A new answer, interleaved with an AI system and the profile.
        let fresh = store
            .put_answer(id, "6.2", Some(&answer("planned")), 0, &user.id)
            .await
            .unwrap();
        expected.push(("answer".into(), "6.2".into(), None, fresh.value.clone()));
        let bot = store.ai_system(id, "bot").await.unwrap();
        let renamed = json!({"id": "bot", "name": "Helper", "role": "provider"});
        let bot2 = store
            .put_ai_system(id, "bot", Some(&renamed), bot.version, &user.id)
            .await
            .unwrap();
        expected.push((
            "ai_system".into(),
            "bot".into(),
            bot.value,
            bot2.value.clone(),
        ));
        let stored = store.assessment(id).await.unwrap().unwrap();
        let mut profile = stored.profile.value.clone().unwrap();
        profile["as_of"] = json!("2026-12-01");
        let p2 = store
            .put_profile(id, &profile, stored.profile.version, &user.id)
            .await
            .unwrap();
        expected.push((
            "profile".into(),
            "profile".into(),
            stored.profile.value.clone(),
            p2.value.clone(),
        ));
        let mut profile3 = profile.clone();
        profile3["as_of"] = json!("2026-12-02");
        let p3 = store
            .put_profile(id, &profile3, p2.version, &user.id)
            .await
            .unwrap();
        expected.push(("profile".into(), "profile".into(), p2.value, p3.value));
        let bot3 = store
            .put_ai_system(id, "bot", None, bot2.version, &user.id)
            .await
            .unwrap();
        expected.push(("ai_system".into(), "bot".into(), bot2.value, bot3.value));

        // An entry written before the rule, with its old value stored, then a change after it.
        let pool = inspect(&url).await;
        let legacy_old = answer("not_implemented");
        let legacy_new = answer("partial");
        sqlx::query("INSERT INTO history (id, assessment_id, at, actor, entity, entity_key, old_value, new_value) VALUES ($1, $2, $3, $4, 'answer', 'A.7.2', $5, $6)")
            .bind(aimsgap_store::new_id().unwrap())
            .bind(id)
            .bind(aimsgap_store::now_rfc3339())
            .bind(&user.id)
            .bind(legacy_old.to_string())
            .bind(legacy_new.to_string())
            .execute(&pool)
            .await
            .unwrap();
        expected.push((
            "answer".into(),
            "A.7.2".into(),
            Some(legacy_old),
            Some(legacy_new.clone()),
        ));
        let a72 = store.answer(id, "A.7.2").await.unwrap();
        let a72b = store
            .put_answer(id, "A.7.2", Some(&answer("planned")), a72.version, &user.id)
            .await
            .unwrap();
        // The stored answer is not what the hand-written entry claimed: the old value must be
        // the real one, written out.
        expected.push(("answer".into(), "A.7.2".into(), a72.value, a72b.value));
        // An entry claiming an answer that is not stored (restored rows out of step with their
        // history), then the answer written anew: the new entry must say it did not exist.
        sqlx::query("INSERT INTO history (id, assessment_id, at, actor, entity, entity_key, old_value, new_value) VALUES ($1, $2, $3, $4, 'answer', 'A.9.9', NULL, $5)")
            .bind(aimsgap_store::new_id().unwrap())
            .bind(id)
            .bind(aimsgap_store::now_rfc3339())
            .bind(&user.id)
            .bind(legacy_new.to_string())
            .execute(&pool)
            .await
            .unwrap();
        expected.push(("answer".into(), "A.9.9".into(), None, Some(legacy_new)));
        let a99 = store
            .put_answer(id, "A.9.9", Some(&answer("planned")), 0, &user.id)
            .await
            .unwrap();
        expected.push(("answer".into(), "A.9.9".into(), None, a99.value));

        let seen: Vec<Seen> = store
            .history(id)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.entity != "assessment")
            .map(|e| (e.entity, e.key, e.old, e.new))
            .collect();
        assert_eq!(seen, expected, "{backend}");
        // The import stays the first entry, with the whole file as its new value.
        let first = store.history(id).await.unwrap().remove(0);
        assert_eq!((first.entity.as_str(), first.old), ("assessment", None));
    }
}

/// Two owners of one organisation; returns (organisation, first, second).
async fn two_owners(store: &Store) -> (String, String, String) {
    let first = store.create_user(&email(), "First", "h").await.unwrap();
    let second = store.create_user(&email(), "Second", "h").await.unwrap();
    let org = store.create_organization("Acme", &first.id).await.unwrap();
    let secret = new_token().unwrap();
    store
        .create_invitation(&org.id, Role::Owner, &secret, &first.id, &in_days(1))
        .await
        .unwrap();
    store.accept_invitation(&secret, &second.id).await.unwrap();
    (org.id, first.id, second.id)
}

async fn owners(store: &Store, org: &str) -> usize {
    let members = store.members(org).await.unwrap();
    members.iter().filter(|m| m.role == Role::Owner).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_owners_removing_or_demoting_each_other_at_once_leave_one_owner() {
    let (_scratch, stores) = shared_stores().await;
    for (backend, store, _) in stores {
        for round in 0..20 {
            for demote in [false, true] {
                let (org, first, second) = two_owners(&store).await;
                let change = |store: Store, org: String, user: String| async move {
                    if demote {
                        store.set_role(&org, &user, Role::Viewer).await
                    } else {
                        store.remove_member(&org, &user).await
                    }
                };
                let a = tokio::spawn(change(store.clone(), org.clone(), second.clone()));
                let b = tokio::spawn(change(store.clone(), org.clone(), first.clone()));
                let outcomes = [a.await.unwrap(), b.await.unwrap()];
                let refused = outcomes
                    .iter()
                    .filter(|o| matches!(o, Err(StoreError::LastOwner)))
                    .count();
                assert_eq!(
                    (owners(&store, &org).await, refused),
                    (1, 1),
                    "{backend}, round {round}, demote {demote}: {outcomes:?}"
                );
            }
        }
        // The last owner alone: neither demoted nor removed, and an unknown member is not found.
        let (org, first, second) = two_owners(&store).await;
        store.remove_member(&org, &second).await.unwrap();
        assert!(matches!(
            store.set_role(&org, &first, Role::Editor).await,
            Err(StoreError::LastOwner)
        ));
        assert!(matches!(
            store.remove_member(&org, &first).await,
            Err(StoreError::LastOwner)
        ));
        store.set_role(&org, &first, Role::Owner).await.unwrap();
        assert!(matches!(
            store.remove_member(&org, &second).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(owners(&store, &org).await, 1, "{backend}");
    }
}

#[tokio::test]
async fn pending_invitations_are_listed_without_secrets_and_can_be_revoked() {
    let (_scratch, stores) = shared_stores().await;
    for (backend, store, _) in stores {
        let owner = store.create_user(&email(), "Owner", "h").await.unwrap();
        let guest = store.create_user(&email(), "Guest", "h").await.unwrap();
        let org = store.create_organization("Acme", &owner.id).await.unwrap();
        let other = store.create_organization("Other", &owner.id).await.unwrap();
        let mut secrets = Vec::new();
        let mut ids = Vec::new();
        for role in [Role::Viewer, Role::Editor, Role::Auditor] {
            let secret = new_token().unwrap();
            ids.push(
                store
                    .create_invitation(&org.id, role, &secret, &owner.id, &in_days(7))
                    .await
                    .unwrap(),
            );
            secrets.push(secret);
        }
        store
            .create_invitation(
                &org.id,
                Role::Owner,
                &new_token().unwrap(),
                &owner.id,
                &in_days(-1),
            )
            .await
            .unwrap();
        store
            .accept_invitation(&secrets[0], &guest.id)
            .await
            .unwrap();
        let pending = store.pending_invitations(&org.id).await.unwrap();
        assert_eq!(
            pending
                .iter()
                .map(|i| (i.id.as_str(), i.role))
                .collect::<Vec<_>>(),
            vec![
                (ids[1].as_str(), Role::Editor),
                (ids[2].as_str(), Role::Auditor)
            ],
            "{backend}: used and expired ones are not pending"
        );
        assert_eq!(
            pending[0].created_by.as_ref().map(|u| u.id.as_str()),
            Some(owner.id.as_str())
        );
        for invitation in &pending {
            assert!(!secrets.iter().any(|s| invitation.id.contains(s.as_str())
                || invitation.id.contains(&aimsgap_store::hash_token(s)[..8])));
        }
        // Another organisation's id, a used one and an unknown one are not found.
        for (org_id, id) in [
            (&other.id, &ids[1]),
            (&org.id, &ids[0]),
            (&org.id, &"nope".to_string()),
        ] {
            assert!(
                matches!(
                    store.revoke_invitation(org_id, id).await,
                    Err(StoreError::NotFound)
                ),
                "{backend}: revoke {id} in {org_id}"
            );
        }
        store.revoke_invitation(&org.id, &ids[1]).await.unwrap();
        assert!(
            matches!(
                store.accept_invitation(&secrets[1], &guest.id).await,
                Err(StoreError::NotFound)
            ),
            "{backend}: a revoked invitation cannot be accepted"
        );
        assert_eq!(store.pending_invitations(&org.id).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn expired_tokens_are_refused_and_housekeeping_purges_what_expired() {
    let (_scratch, stores) = shared_stores().await;
    for (backend, store, _) in stores {
        let user = store.create_user(&email(), "Ada", "h").await.unwrap();
        let org = store.create_organization("Acme", &user.id).await.unwrap();
        // Tokens: one expired, one for a day, one with the default life.
        let expired = new_token().unwrap();
        store
            .create_api_token_until(&user.id, "old", &expired, &in_days(-1))
            .await
            .unwrap();
        assert!(
            store.api_token_user(&expired).await.unwrap().is_none(),
            "{backend}: an expired token is refused"
        );
        let daily = new_token().unwrap();
        store
            .create_api_token_until(&user.id, "day", &daily, &in_days(1))
            .await
            .unwrap();
        let default = new_token().unwrap();
        let made = store
            .create_api_token(&user.id, "ci", &default)
            .await
            .unwrap();
        let expiry = made.expires_at.clone().unwrap();
        assert!(
            expiry > in_days(89) && expiry < in_days(91),
            "{backend}: {expiry}"
        );
        assert!(store.api_token_user(&daily).await.unwrap().is_some());
        // Sessions: one expired, one for a day.
        let gone = new_token().unwrap();
        store
            .create_session(&user.id, &gone, "c", &in_days(-1))
            .await
            .unwrap();
        let live = new_token().unwrap();
        store
            .create_session(&user.id, &live, "c", &in_days(1))
            .await
            .unwrap();
        // Invitations: one used now, one expired a day ago, one pending.
        let used = new_token().unwrap();
        store
            .create_invitation(&org.id, Role::Viewer, &used, &user.id, &in_days(7))
            .await
            .unwrap();
        let guest = store.create_user(&email(), "Guest", "h").await.unwrap();
        store.accept_invitation(&used, &guest.id).await.unwrap();
        store
            .create_invitation(
                &org.id,
                Role::Viewer,
                &new_token().unwrap(),
                &user.id,
                &in_days(-1),
            )
            .await
            .unwrap();
        store
            .create_invitation(
                &org.id,
                Role::Viewer,
                &new_token().unwrap(),
                &user.id,
                &in_days(7),
            )
            .await
            .unwrap();

        let long_ago = new_token().unwrap();
        store
            .create_invitation(&org.id, Role::Viewer, &long_ago, &user.id, &in_days(-31))
            .await
            .unwrap();

        let names = |tokens: Vec<aimsgap_store::ApiToken>| {
            tokens.into_iter().map(|t| t.name).collect::<Vec<_>>()
        };
        let now = now_seconds();
        let purged = store.purge_expired(now).await.unwrap();
        assert!(
            purged.sessions >= 1 && purged.tokens >= 1 && purged.invitations >= 1,
            "{backend}: {purged:?}"
        );
        assert_eq!(
            names(store.api_tokens(&user.id).await.unwrap()),
            ["day", "ci"]
        );
        assert_eq!(
            store.delete_sessions_of(&user.id).await.unwrap(),
            1,
            "{backend}"
        );
        store
            .create_session(&user.id, &live, "c", &in_days(1))
            .await
            .unwrap();
        assert_eq!(store.pending_invitations(&org.id).await.unwrap().len(), 1);
        if backend != "sqlite" {
            // A shared database: purging at a later time would take other tests' rows.
            continue;
        }
        // Two days on, the daily token and session are gone too; the used invitation and the
        // one expired yesterday wait out their grace period.
        let later = store.purge_expired(now + 2 * 86_400).await.unwrap();
        assert_eq!((later.sessions, later.tokens, later.invitations), (1, 1, 0));
        assert_eq!(names(store.api_tokens(&user.id).await.unwrap()), ["ci"]);
        assert_eq!(store.delete_sessions_of(&user.id).await.unwrap(), 0);
        let month = store.purge_expired(now + 32 * 86_400).await.unwrap();
        assert_eq!(
            month.invitations, 2,
            "the used one and the one expired yesterday"
        );
        assert_eq!(store.pending_invitations(&org.id).await.unwrap().len(), 1);
        assert_eq!(names(store.api_tokens(&user.id).await.unwrap()), ["ci"]);
        let year = store.purge_expired(now + 365 * 86_400).await.unwrap();
        assert_eq!((year.tokens, year.invitations), (1, 1));
        assert!(store.api_tokens(&user.id).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn rows_from_before_the_upgrade_get_an_invitation_id_and_a_token_expiry() {
    // A database at the first migration, with a token and an invitation of that time.
    let scratch = TempDir::new("upgrade");
    let first = scratch.0.join("migrations");
    std::fs::create_dir_all(&first).unwrap();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../migrations/0001_initial.sql"
        ),
        first.join("0001_initial.sql"),
    )
    .unwrap();
    let url = format!("sqlite://{}?mode=rwc", scratch.0.join("old.db").display());
    let pool = inspect(&url).await;
    sqlx::migrate::Migrator::new(first.as_path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    let now = aimsgap_store::now_rfc3339();
    let secret = new_token().unwrap();
    let invitation = new_token().unwrap();
    for statement in [
        "INSERT INTO users (id, email, name, password_hash, created_at) VALUES ('u1', 'old@example.test', 'Old', 'h', $1)",
        "INSERT INTO organizations (id, name, created_at) VALUES ('o1', 'Acme', $1)",
        "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ('o1', 'u1', 'owner', $1)",
    ] {
        sqlx::query(statement)
            .bind(&now)
            .execute(&pool)
            .await
            .unwrap();
    }
    sqlx::query("INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ('t1', 'u1', 'ci', $1, $2)")
        .bind(aimsgap_store::hash_token(&secret))
        .bind(&now)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO invitations (token_hash, org_id, role, created_by, created_at, expires_at) VALUES ($1, 'o1', 'editor', 'u1', $2, $3)")
        .bind(aimsgap_store::hash_token(&invitation))
        .bind(&now)
        .bind(in_days(7))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    let store = Store::connect(&url).await.unwrap();
    let tokens = store.api_tokens("u1").await.unwrap();
    let expiry = tokens[0].expires_at.clone().unwrap();
    assert!(expiry > in_days(89) && expiry < in_days(91), "{expiry}");
    assert_eq!(
        store.api_token_user(&secret).await.unwrap().map(|u| u.id),
        Some("u1".to_string())
    );
    let pending = store.pending_invitations("o1").await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id.len(), 36, "a UUID, not a piece of the hash");
    store.revoke_invitation("o1", &pending[0].id).await.unwrap();
    assert!(matches!(
        store.accept_invitation(&invitation, "u1").await,
        Err(StoreError::NotFound)
    ));
}
