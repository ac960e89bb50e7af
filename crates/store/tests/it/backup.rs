//! Backups: taken from one snapshot under a write load, verified before anything is written,
//! restored in one transaction into an empty database; tampered and truncated files refused
//! with a message that names where.

use super::{TempDir, document, email, in_days};
use aimsgap_store::{Backup, Role, Store, StoreError, WorkFields, WorkState, new_token};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The two PostgreSQL databases (source, restore target) when configured.
fn postgres() -> Option<(String, String)> {
    let urls = super::postgres_urls(
        &["AIMSGAP_TEST_DATABASE_URL", "AIMSGAP_PG_RESTORE_URL"],
        "backup tests",
    )?;
    match urls.as_slice() {
        [source, target] => Some((source.clone(), target.clone())),
        _ => None,
    }
}

/// An empty store in its own schema of the PostgreSQL restore database, so that tests
/// restoring there do not depend on each other.
async fn empty_postgres(url: &str, schema: &str) -> Store {
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE"
    )))
    .execute(&admin)
    .await
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let separator = if url.contains('?') { '&' } else { '?' };
    Store::connect(&format!(
        "{url}{separator}options=-c%20search_path%3D{schema}"
    ))
    .await
    .unwrap()
}

/// A temporary directory for SQLite files, removed at the end.
/// For every answer and AI system, the newest history entry for its key holds its current
/// value (or, with no entry, it is unchanged since the import: version 1); and every key
/// whose newest entry holds a value exists.
fn history_matches_answers(backup: &Backup) -> Result<(), String> {
    let mut newest: HashMap<(String, String, String), Option<Value>> = HashMap::new();
    for entry in backup.table("history").unwrap() {
        let text = |c: &str| entry[c].as_str().unwrap_or_default().to_string();
        let new = entry["new_value"]
            .as_str()
            .map(|v| serde_json::from_str::<Value>(v).unwrap());
        newest.insert(
            (text("assessment_id"), text("entity"), text("entity_key")),
            new,
        );
    }
    let mut seen = 0;
    for (table, entity, key_column) in [
        ("answers", "answer", "requirement"),
        ("ai_systems", "ai_system", "system_id"),
    ] {
        for row in backup.table(table).unwrap() {
            let key = (
                row["assessment_id"].as_str().unwrap().to_string(),
                entity.to_string(),
                row[key_column].as_str().unwrap().to_string(),
            );
            let body: Value = serde_json::from_str(row["body"].as_str().unwrap()).unwrap();
            match newest.remove(&key) {
                Some(Some(value)) if value == body => seen += 1,
                Some(other) => {
                    return Err(format!(
                        "{table} {key:?}: holds {body}, its newest history entry {other:?}"
                    ));
                }
                None if row["version"] == json!(1) => {}
                None => {
                    return Err(format!(
                        "{table} {key:?}: version {} without history",
                        row["version"]
                    ));
                }
            }
        }
    }
    for (key, value) in newest {
        if (key.1 == "answer" || key.1 == "ai_system") && value.is_some() {
            return Err(format!(
                "history {key:?} holds {value:?}, but there is no such row"
            ));
        }
    }
    if seen == 0 {
        return Err("no answer or AI system with history to compare".into());
    }
    Ok(())
}

/// Writes each backup lets the writer make. The writes are paced by the backups, not free: a
/// backup takes longer the more rows it copies, and a writer left free adds rows all that time,
/// so once writes outpace a backup's reading the database grows backup after backup. A free
/// writer once ran for 27 minutes here and left 745,000 history rows in the shared test
/// database, and every later backup of it held gigabytes.
const WRITES_PER_BACKUP: u64 = 100;

/// Writes answers and AI systems, and now and then a new assessment (so that rows refer to
/// rows written during a backup), as many as `allowed` lets it at the time, until told to stop;
/// returns the writes.
async fn write_load(
    store: Store,
    org: String,
    user: String,
    stop: Arc<AtomicBool>,
    allowed: Arc<AtomicU64>,
) -> u64 {
    let mut assessment = store
        .create_assessment(&org, "load", &document(), &user)
        .await
        .unwrap()
        .id;
    let mut versions: HashMap<(String, String), i64> = HashMap::new();
    let mut writes = 0u64;
    let requirements = ["5.2", "6.1.2", "A.7.2", "9.2", "10.1"];
    let statuses = ["implemented", "partial", "planned"];
    while !stop.load(Ordering::Relaxed) {
        if writes >= allowed.load(Ordering::Relaxed) {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            continue;
        }
        let n = writes as usize;
        if n % 25 == 24 {
            assessment = store
                .create_assessment(&org, &format!("load {n}"), &document(), &user)
                .await
                .unwrap()
                .id;
            versions.clear();
        }
        let (key, written) = if n % 4 == 3 {
            let key = format!("system-{}", n % 3);
            let version = versions.get(&(key.clone(), "s".into())).copied();
            let version = match version {
                Some(v) => v,
                None => store.ai_system(&assessment, &key).await.unwrap().version,
            };
            let body = json!({"id": key, "name": format!("System {n}"), "role": "provider"});
            (
                (key.clone(), "s".to_string()),
                store
                    .put_ai_system(&assessment, &key, Some(&body), version, &user)
                    .await,
            )
        } else {
            let key = requirements[n % requirements.len()].to_string();
            let version = match versions.get(&(key.clone(), "a".into())).copied() {
                Some(v) => v,
                None => store.answer(&assessment, &key).await.unwrap().version,
            };
            let body = json!({"status": statuses[n % 3], "notes": format!("write {n}")});
            (
                (key.clone(), "a".to_string()),
                store
                    .put_answer(&assessment, &key, Some(&body), version, &user)
                    .await,
            )
        };
        match written {
            Ok(current) | Err(StoreError::Conflict(current)) => {
                versions.insert(key, current.version);
            }
            Err(other) => panic!("write {n}: {other}"),
        }
        writes += 1;
        tokio::task::yield_now().await;
    }
    writes
}

/// 20 backups taken while answers, AI systems and assessments are written: each restores
/// into an empty database, its history matches its answers, its manifest counts its rows,
/// and the restored database backs up to the same tables.
async fn twenty_backups_under_writes(backend: &str, source: Store, mut target: impl AsyncTarget) {
    let user = source.create_user(&email(), "Load", "hash").await.unwrap();
    let org = source.create_organization("Load", &user.id).await.unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let allowed = Arc::new(AtomicU64::new(WRITES_PER_BACKUP));
    let writer = tokio::spawn(write_load(
        source.clone(),
        org.id.clone(),
        user.id.clone(),
        stop.clone(),
        allowed.clone(),
    ));
    // The backups are taken while the writer runs, and checked and restored once it stops
    // (so that the restores do not slow the writes they are meant to overlap). Each lets the
    // writer make its share of writes, which go on while it is taken.
    let mut taken = Vec::new();
    for _ in 0..20 {
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        allowed.fetch_add(WRITES_PER_BACKUP, Ordering::Relaxed);
        taken.push(source.backup().await.unwrap());
    }
    stop.store(true, Ordering::Relaxed);
    let writes = writer.await.unwrap();
    let mut checksums = std::collections::HashSet::new();
    for (i, taken) in taken.into_iter().enumerate() {
        let text = taken.to_json();
        let backup = Backup::parse(&text)
            .unwrap_or_else(|e| panic!("{backend}: backup {i} does not verify: {e}"));
        assert_eq!(backup, taken, "{backend}: backup {i} reads back as written");
        history_matches_answers(&backup)
            .unwrap_or_else(|e| panic!("{backend}: backup {i}: history does not match: {e}"));
        let manifest = backup.manifest().unwrap();
        let counted: Vec<(String, u64)> = backup
            .counts()
            .into_iter()
            .map(|(name, n)| (name.to_string(), n as u64))
            .collect();
        assert_eq!(manifest.counts, counted, "{backend}: backup {i}");
        let fresh = target.empty(i).await;
        let restored = fresh
            .restore(&backup)
            .await
            .unwrap_or_else(|e| panic!("{backend}: backup {i} does not restore: {e}"));
        assert_eq!(restored, backup.rows(), "{backend}: backup {i}");
        let again = fresh.backup().await.unwrap();
        assert_eq!(again.counts(), backup.counts(), "{backend}: backup {i}");
        assert_eq!(
            again.sha256(),
            manifest.sha256,
            "{backend}: backup {i}: the restored database holds other rows"
        );
        fresh.close().await;
        checksums.insert(manifest.sha256.clone());
    }
    eprintln!(
        "{backend}: 20 backups under {writes} writes, {} distinct, all restored with history matching answers",
        checksums.len()
    );
    assert!(
        checksums.len() >= 5 && writes >= 20,
        "{backend}: the writes did not overlap the backups ({writes} writes, {} distinct backups)",
        checksums.len()
    );
}

/// Where a test restores: a new, empty database for each restore.
trait AsyncTarget {
    async fn empty(&mut self, i: usize) -> Store;
}

struct SqliteTarget;

impl AsyncTarget for SqliteTarget {
    async fn empty(&mut self, _: usize) -> Store {
        Store::connect("sqlite::memory:").await.unwrap()
    }
}

struct PostgresTarget(String);

impl AsyncTarget for PostgresTarget {
    async fn empty(&mut self, i: usize) -> Store {
        empty_postgres(&self.0, &format!("backup_load_{i}")).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_taken_under_writes_restore_with_history_matching_answers_sqlite() {
    let dir = TempDir::new("load");
    let source = Store::connect(&dir.sqlite("source.db")).await.unwrap();
    twenty_backups_under_writes("sqlite", source, SqliteTarget).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_taken_under_writes_restore_with_history_matching_answers_postgres() {
    let Some((source, target)) = postgres() else {
        return;
    };
    let source = Store::connect(&source).await.unwrap();
    twenty_backups_under_writes("postgres", source, PostgresTarget(target)).await;
}

/// A store with one of everything a backup holds.
async fn populated() -> (Store, String) {
    let source = Store::connect("sqlite::memory:").await.unwrap();
    let user = source.create_user(&email(), "Ada", "hash").await.unwrap();
    let other = source.create_user(&email(), "Bob", "hash").await.unwrap();
    let org = source.create_organization("Acme", &user.id).await.unwrap();
    let invitation = new_token().unwrap();
    source
        .create_invitation(&org.id, Role::Editor, &invitation, &user.id, &in_days(3))
        .await
        .unwrap();
    source
        .accept_invitation(&invitation, &other.id)
        .await
        .unwrap();
    source
        .create_api_token(&user.id, "ci", &new_token().unwrap())
        .await
        .unwrap();
    source
        .set_reminders(
            &user.id,
            &aimsgap_store::Reminders {
                work: false,
                evidence: true,
                obligations: false,
            },
        )
        .await
        .unwrap();
    let meta = source
        .create_assessment(&org.id, "b", &document(), &user.id)
        .await
        .unwrap();
    source
        .put_answer(
            &meta.id,
            "5.2",
            Some(&json!({"status": "partial"})),
            1,
            &user.id,
        )
        .await
        .unwrap();
    source
        .put_ai_system(
            &meta.id,
            "bot",
            Some(&json!({"id": "bot", "name": "Bot 2", "role": "provider"})),
            1,
            &user.id,
        )
        .await
        .unwrap();
    source
        .save_run(&meta.id, &user.id, 12.5, &json!({"x": 1}))
        .await
        .unwrap();
    source
        .put_work_item(
            &meta.id,
            "requirement:5.2",
            0,
            &WorkFields {
                owner_user: Some(other.id.clone()),
                owner_name: None,
                due: Some("2027-01-15".into()),
                state: WorkState::InReview,
            },
            &user.id,
        )
        .await
        .unwrap();
    source
        .add_comment(
            &meta.id,
            "requirement:5.2",
            "Evidence is on the wiki.",
            &other.id,
        )
        .await
        .unwrap();
    for (event, org_id, detail) in [
        (
            "sign_in.failed",
            None,
            Some("wrong e-mail address or password"),
        ),
        ("report.exported", Some(org.id.clone()), None),
    ] {
        source
            .record_audit(&aimsgap_store::NewAuditEvent {
                event: event.into(),
                actor: Some(user.id.clone()),
                actor_email: Some(user.email.clone()),
                org_id,
                subject: Some(format!("{}/report.pdf", meta.id)),
                detail: detail.map(str::to_string),
                address: Some("2001:db8::1".into()),
            })
            .await
            .unwrap();
    }
    source
        .link_oidc("https://id.example.org", "sub-ada", &user.id, &user.email)
        .await
        .unwrap();
    (source, meta.id)
}

/// The whole audit log of a store, oldest first.
async fn audit_log(store: &Store) -> Vec<aimsgap_store::AuditEvent> {
    store.audit_log(None, 1_000).await.unwrap()
}

#[tokio::test]
async fn backup_restores_into_the_other_backend_without_loss() {
    let (source, assessment) = populated().await;
    let backup = source.backup().await.unwrap();
    let manifest = backup.manifest().unwrap();
    assert_eq!(
        (backup.format(), manifest.backend.as_str()),
        ("aimsgap-backup/2", "sqlite")
    );
    assert!(manifest.schema_version >= 1);
    assert!(backup.warnings().is_empty());
    // Into a fresh SQLite, and, where configured, into PostgreSQL and back again.
    let fresh = Store::connect("sqlite::memory:").await.unwrap();
    let count = fresh.restore(&backup).await.unwrap();
    assert_eq!(count, backup.rows());
    assert!(count >= 12, "{count}");
    assert_eq!(fresh.backup().await.unwrap().sha256(), backup.sha256());
    assert_eq!(fresh.history(&assessment).await.unwrap().len(), 5);
    assert_eq!(
        fresh.work_items(&assessment).await.unwrap(),
        source.work_items(&assessment).await.unwrap()
    );
    assert_eq!(
        fresh.comments(&assessment, None).await.unwrap(),
        source.comments(&assessment, None).await.unwrap()
    );
    assert_eq!(
        backup
            .counts()
            .into_iter()
            .filter(|(table, _)| ["work_items", "comments"].contains(table))
            .collect::<Vec<_>>(),
        vec![("work_items", 1), ("comments", 1)]
    );
    // The single sign-on link comes back: the identity still signs in to the same account.
    assert_eq!(
        fresh
            .oidc_user("https://id.example.org", "sub-ada")
            .await
            .unwrap(),
        source
            .oidc_user("https://id.example.org", "sub-ada")
            .await
            .unwrap()
    );
    assert!(
        backup.counts().contains(&("oidc_identities", 1)),
        "{:?}",
        backup.counts()
    );
    assert_eq!(
        fresh.assessment(&assessment).await.unwrap(),
        source.assessment(&assessment).await.unwrap()
    );
    // The audit log comes back identical, event for event.
    let audit = audit_log(&source).await;
    assert_eq!(audit.len(), 2);
    assert_eq!(audit_log(&fresh).await, audit);
    // Reminder preferences come back: the members' choices survive a restore.
    assert_eq!(
        backup
            .counts()
            .into_iter()
            .filter(|(table, _)| *table == "notification_preferences")
            .collect::<Vec<_>>(),
        vec![("notification_preferences", 3)]
    );
    let mut restored = Vec::new();
    for user in fresh.users_after(None, 10).await.unwrap() {
        restored.push(fresh.reminders(&user.id).await.unwrap());
    }
    assert!(
        restored.contains(&aimsgap_store::Reminders {
            work: false,
            evidence: true,
            obligations: false,
        }),
        "{restored:?}"
    );
    let Some((_, url)) = postgres() else {
        return;
    };
    let pg = empty_postgres(&url, "backup_round_trip").await;
    assert_eq!(pg.restore(&backup).await.unwrap(), count);
    assert_eq!(audit_log(&pg).await, audit, "into PostgreSQL");
    let from_pg = pg.backup().await.unwrap();
    assert_eq!(from_pg.manifest().unwrap().backend, "postgres");
    let back = Store::connect("sqlite::memory:").await.unwrap();
    back.restore(&from_pg).await.unwrap();
    assert_eq!(
        back.backup().await.unwrap().sha256(),
        backup.sha256(),
        "SQLite -> PostgreSQL -> SQLite"
    );
    assert_eq!(
        audit_log(&back).await,
        audit,
        "SQLite -> PostgreSQL -> SQLite"
    );
}

/// A backup taken before the audit log existed (schema version 5: no `audit_events`, nor its
/// count) still parses with its checksum and restores, with an empty log; the same file
/// claiming audit events is refused.
#[test]
fn a_backup_from_before_the_audit_log_restores() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (_, genuine) = runtime.block_on(genuine());
    assert_eq!(
        genuine["tables"]["audit_events"].as_array().unwrap().len(),
        2
    );
    let mut old = genuine.clone();
    // A backup of schema 5 has none of the tables of migrations 6 to 10.
    drop_tables(
        &mut old,
        &[
            "audit_events",
            "notification_preferences",
            "two_factor",
            "recovery_codes",
            "org_two_factor",
            "oidc_identities",
        ],
    );
    old["manifest"]["schema_version"] = json!(5);
    reseal(&mut old);
    let backup = Backup::parse(&old.to_string()).unwrap();
    let restored = runtime.block_on(async {
        let target = Store::connect("sqlite::memory:").await.unwrap();
        let n = target.restore(&backup).await.unwrap();
        assert!(audit_log(&target).await.is_empty());
        n
    });
    assert_eq!(restored, backup.rows());
    let mut claimed = old.clone();
    claimed["tables"]["audit_events"] = genuine["tables"]["audit_events"].clone();
    reseal(&mut claimed);
    assert!(
        refusal(&claimed.to_string()).contains("tables.audit_events: holds rows"),
        "{}",
        refusal(&claimed.to_string())
    );
}

#[tokio::test]
async fn restore_needs_a_database_empty_in_every_table() {
    let (source, _) = populated().await;
    let backup = source.backup().await.unwrap();
    // No user, but an organisation: not empty.
    let dir = TempDir::new("empty");
    let url = dir.sqlite("target.db");
    let target = Store::connect(&url).await.unwrap();
    let raw = sqlx::AnyPool::connect(&url).await.unwrap();
    sqlx::query("INSERT INTO organizations (id, name, created_at) VALUES ('stray', 'Stray', '2026-01-01T00:00:00Z')")
        .execute(&raw)
        .await
        .unwrap();
    raw.close().await;
    let refused = target.restore(&backup).await;
    assert!(
        matches!(&refused, Err(StoreError::Exists(what)) if what.contains("organizations")),
        "{refused:?}"
    );
    assert_eq!(target.backup().await.unwrap().rows(), 1, "nothing written");
}

/// Recomputes a tampered file's checksum (and counts) the way the format describes it, so
/// that only the value checks stand between it and the database.
/// Takes `tables` out of a backup file and its manifest's counts, as a backup made before
/// they existed lacks them (the caller sets the schema version and reseals).
fn drop_tables(file: &mut Value, tables: &[&str]) {
    for table in tables {
        file["tables"].as_object_mut().unwrap().remove(*table);
        file["manifest"]["counts"]
            .as_object_mut()
            .unwrap()
            .remove(*table);
    }
}

fn reseal(file: &mut Value) {
    use sha2::{Digest, Sha256};
    let order = [
        "users",
        "api_tokens",
        "organizations",
        "memberships",
        "invitations",
        "assessments",
        "answers",
        "ai_systems",
        "history",
        "runs",
        "work_items",
        "comments",
        "blobs",
        "blob_chunks",
        "evidence",
        "evidence_files",
        "evidence_links",
        "audit_events",
        "oidc_identities",
        "two_factor",
        "recovery_codes",
        "org_two_factor",
        "notification_preferences",
    ];
    // Tables newer than the file's schema are left out, as they are absent from it.
    let present: Vec<&str> = order
        .into_iter()
        .filter(|table| file["tables"].get(*table).is_some())
        .collect();
    let mut hasher = Sha256::new();
    for table in present {
        hasher.update(table.as_bytes());
        hasher.update(b"\n");
        let rows = file["tables"][table]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for row in &rows {
            let sorted: BTreeMap<String, Value> = row
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            hasher.update(serde_json::to_string(&sorted).unwrap().as_bytes());
            hasher.update(b"\n");
        }
        file["manifest"]["counts"][table] = json!(rows.len());
    }
    let digest: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    file["manifest"]["sha256"] = json!(digest);
}

/// A genuine backup's text, parsed as JSON for tampering.
async fn genuine() -> (String, Value) {
    let (source, _) = populated().await;
    let text = source.backup().await.unwrap().to_json();
    let value = serde_json::from_str(&text).unwrap();
    (text, value)
}

fn refusal(text: &str) -> String {
    match Backup::parse(text) {
        Ok(_) => panic!("accepted: {}", &text[..text.len().min(200)]),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn truncated_and_tampered_backups_are_refused_with_where_and_leave_the_target_empty() {
    let (text, genuine) = genuine().await;
    let mut cases: Vec<(String, String, &str)> = Vec::new();
    for cut in [0, 1, text.len() / 5, text.len() / 2, text.len() - 2] {
        let cut = (0..=cut).rev().find(|c| text.is_char_boundary(*c)).unwrap();
        cases.push((
            format!("cut at byte {cut}"),
            text[..cut].to_string(),
            "line ",
        ));
    }
    let tampered = |change: &dyn Fn(&mut Value), seal: bool| {
        let mut file = genuine.clone();
        change(&mut file);
        if seal {
            reseal(&mut file);
        }
        serde_json::to_string_pretty(&file).unwrap()
    };
    cases.push((
        "table missing".into(),
        tampered(
            &|f| {
                f["tables"].as_object_mut().unwrap().remove("memberships");
            },
            false,
        ),
        "tables.memberships: missing",
    ));
    cases.push((
        "table missing, resealed".into(),
        tampered(
            &|f| {
                f["tables"].as_object_mut().unwrap().remove("runs");
            },
            true,
        ),
        "tables.runs: missing",
    ));
    cases.push((
        "count changed".into(),
        tampered(&|f| f["manifest"]["counts"]["users"] = json!(3), false),
        "manifest.counts.users: says 3 rows, but tables.users holds 2",
    ));
    cases.push((
        "row removed".into(),
        tampered(
            &|f| {
                f["tables"]["history"].as_array_mut().unwrap().pop();
            },
            false,
        ),
        "manifest.counts.history",
    ));
    cases.push((
        "checksum changed".into(),
        tampered(&|f| f["manifest"]["sha256"] = json!("0".repeat(64)), false),
        "manifest.sha256: the tables do not match",
    ));
    cases.push((
        "value changed".into(),
        tampered(
            &|f| f["tables"]["users"][0]["password_hash"] = json!("x"),
            false,
        ),
        "manifest.sha256: the tables do not match",
    ));
    cases.push((
        "unknown role, resealed".into(),
        tampered(&|f| f["tables"]["memberships"][1]["role"] = json!("superuser"), true),
        "tables.memberships[1].role: expected one of owner, editor, viewer, auditor, found \"superuser\"",
    ));
    cases.push((
        "dangling membership, resealed".into(),
        tampered(
            &|f| f["tables"]["memberships"][0]["user_id"] = json!("nobody"),
            true,
        ),
        "tables.memberships[0].user_id: no user \"nobody\" in tables.users",
    ));
    cases.push((
        "dangling answer, resealed".into(),
        tampered(
            &|f| f["tables"]["answers"][0]["assessment_id"] = json!("gone"),
            true,
        ),
        "tables.answers[0].assessment_id: no assessment \"gone\"",
    ));
    cases.push((
        "answer body not an answer, resealed".into(),
        tampered(
            &|f| f["tables"]["answers"][0]["body"] = json!("{\"status\": 3"),
            true,
        ),
        "tables.answers[0].body: expected an answer as JSON text",
    ));
    cases.push((
        "unknown history entity, resealed".into(),
        tampered(
            &|f| f["tables"]["history"][0]["entity"] = json!("user"),
            true,
        ),
        "tables.history[0].entity: expected one of",
    ));
    cases.push((
        "duplicate user, resealed".into(),
        tampered(
            &|f| {
                let first = f["tables"]["users"][0].clone();
                f["tables"]["users"][1]["email"] = first["email"].clone();
            },
            true,
        ),
        "tables.users[1].email",
    ));
    cases.push((
        "version as text, resealed".into(),
        tampered(&|f| f["tables"]["answers"][0]["version"] = json!("2"), true),
        "tables.answers[0].version: expected a whole number, found \"2\"",
    ));
    cases.push((
        "a sessions table".into(),
        tampered(&|f| f["tables"]["sessions"] = json!([]), true),
        "tables.sessions: not a table a backup holds",
    ));
    cases.push((
        "schema from the future, resealed".into(),
        tampered(
            &|f| f["manifest"]["schema_version"] = json!(99_999_999_999_i64),
            true,
        ),
        "manifest.schema_version: 99999999999 is newer",
    ));
    cases.push((
        "no manifest".into(),
        tampered(
            &|f| {
                f.as_object_mut().unwrap().remove("manifest");
            },
            false,
        ),
        "manifest: missing",
    ));
    let dir = TempDir::new("tampered");
    let target = Store::connect(&dir.sqlite("target.db")).await.unwrap();
    for (name, text, expected) in &cases {
        let message = refusal(text);
        assert!(
            message.contains(expected),
            "{name}: expected {expected:?} in {message:?}"
        );
    }
    // Nothing reached the target: it is still empty, so the genuine backup restores.
    assert_eq!(target.backup().await.unwrap().rows(), 0);
    let backup = Backup::parse(&text).unwrap();
    assert_eq!(target.restore(&backup).await.unwrap(), backup.rows());
}

#[test]
fn version_1_backups_restore_after_the_same_checks_with_a_warning() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (_, genuine) = runtime.block_on(genuine());
    let mut old = genuine.clone();
    old.as_object_mut().unwrap().remove("manifest");
    old["format"] = json!("aimsgap-backup/1");
    let backup = Backup::parse(&old.to_string()).unwrap();
    assert_eq!(backup.format(), "aimsgap-backup/1");
    assert!(backup.manifest().is_none());
    assert!(
        backup.warnings()[0].contains("no checksum"),
        "{:?}",
        backup.warnings()
    );
    let restored = runtime.block_on(async {
        let target = Store::connect("sqlite::memory:").await.unwrap();
        target.restore(&backup).await.unwrap()
    });
    assert_eq!(restored, backup.rows());
    old["tables"]["memberships"][0]["role"] = json!("superuser");
    assert!(refusal(&old.to_string()).contains("tables.memberships[0].role"));
    old["tables"].as_object_mut().unwrap().remove("runs");
    assert!(refusal(&old.to_string()).contains("tables.runs: missing"));
}

/// Every file of the hostile backup corpus is refused, with a message that names where.
#[test]
fn the_hostile_backup_corpus_is_refused_with_where() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/hostile/backups");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    // What the seeded files are refused for; files added later need only say where.
    let expected: BTreeMap<&str, &str> = [
        ("truncated.json", "not a JSON document: EOF while parsing"),
        ("truncated-in-a-string.json", "not a JSON document: EOF while parsing"),
        ("table-missing.json", "tables.memberships: missing"),
        ("count-changed.json", "manifest.counts.users: says 3 rows"),
        ("checksum-changed.json", "manifest.sha256: the tables do not match"),
        ("value-changed.json", "manifest.sha256: the tables do not match"),
        (
            "unknown-role-resealed.json",
            "tables.memberships[1].role: expected one of owner, editor, viewer, auditor, found \"superuser\"",
        ),
        (
            "dangling-reference-resealed.json",
            "tables.memberships[0].user_id: no user \"nobody\" in tables.users",
        ),
        ("not-json.txt", "not a JSON document"),
        ("deep-nesting.json", "not a JSON document: recursion limit exceeded"),
        ("top-level-array.json", "(the top level)"),
        ("other-format.json", "format: expected \"aimsgap-backup/2\""),
    ]
    .into_iter()
    .collect();
    let places = [
        "line ",
        "tables.",
        "manifest.",
        "manifest:",
        "format:",
        "(the top level)",
    ];
    let mut seeded = 0;
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let message = refusal(&text);
        assert!(
            places.iter().any(|p| message.contains(p)),
            "{}: the message does not say where: {message}",
            file.display()
        );
        let name = file.file_name().unwrap().to_str().unwrap();
        if let Some(expected) = expected.get(name) {
            assert!(message.contains(expected), "{name}: {message}");
            seeded += 1;
        }
    }
    assert_eq!(seeded, expected.len(), "every seeded file is there");
}

/// A restore that fails on its last table leaves nothing behind: one transaction.
#[tokio::test]
async fn a_restore_failing_part_way_writes_nothing() {
    let (source, _) = populated().await;
    let backup = source.backup().await.unwrap();
    let dir = TempDir::new("half");
    let url = dir.sqlite("target.db");
    let target = Store::connect(&url).await.unwrap();
    let raw = sqlx::AnyPool::connect(&url).await.unwrap();
    sqlx::query(
        "CREATE TRIGGER refuse_runs BEFORE INSERT ON runs BEGIN SELECT RAISE(ABORT, 'no runs here'); END",
    )
    .execute(&raw)
    .await
    .unwrap();
    let failed = target.restore(&backup).await;
    assert!(
        matches!(&failed, Err(StoreError::Database(e)) if e.to_string().contains("no runs here")),
        "{failed:?}"
    );
    assert_eq!(
        target.backup().await.unwrap().rows(),
        0,
        "the tables before runs were not kept"
    );
    sqlx::query("DROP TRIGGER refuse_runs")
        .execute(&raw)
        .await
        .unwrap();
    raw.close().await;
    assert_eq!(target.restore(&backup).await.unwrap(), backup.rows());
}

/// A backup taken before ISO/IEC 42001 ids followed the standard's list letters (its
/// assessments of format 1) restores with today's ids: the migration that renamed them ran on
/// the empty target, so the restore renames the rows it brings.
#[test]
fn a_backup_of_format_1_assessments_restores_with_todays_ids() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (_, genuine) = runtime.block_on(genuine());
    let mut old = genuine.clone();
    old.as_object_mut().unwrap().remove("manifest");
    old["format"] = json!("aimsgap-backup/1");
    let assessment = old["tables"]["assessments"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for row in old["tables"]["assessments"].as_array_mut().unwrap() {
        let profile = row["profile"].as_str().unwrap().to_string();
        assert!(profile.starts_with("{\"aimsgap\":2,"), "{profile}");
        row["profile"] = json!(profile.replacen("{\"aimsgap\":2,", "{\"aimsgap\":1,", 1));
    }
    let answer = old["tables"]["answers"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|row| row["assessment_id"] == assessment.as_str())
        .unwrap();
    // Format 1 called the Statement of Applicability 6.1.3.d.
    answer["requirement"] = json!("6.1.3.d");
    let backup = Backup::parse(&old.to_string()).unwrap();
    let document = runtime.block_on(async {
        let target = Store::connect("sqlite::memory:").await.unwrap();
        target.restore(&backup).await.unwrap();
        target
            .assessment(&assessment)
            .await
            .unwrap()
            .unwrap()
            .document()
            .unwrap()
    });
    assert_eq!(document.aimsgap.value, 2);
    assert!(
        document.answers.contains_key("6.1.3.f"),
        "{:?}",
        document.answers.keys().collect::<Vec<_>>()
    );
    assert!(!document.answers.contains_key("6.1.3.d"));
}

/// A backup taken before work items and comments existed (schema version 3: neither table,
/// nor their counts) still parses with its checksum and restores; the same file claiming
/// rows in a table its schema did not have is refused.
#[test]
fn a_backup_from_before_work_items_and_comments_restores() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (_, genuine) = runtime.block_on(genuine());
    let mut old = genuine.clone();
    // A backup of schema 3 has none of the tables of later schemas (work, evidence, the
    // audit log).
    drop_tables(
        &mut old,
        &[
            "work_items",
            "comments",
            "blobs",
            "blob_chunks",
            "evidence",
            "evidence_files",
            "evidence_links",
            "audit_events",
            "oidc_identities",
            "two_factor",
            "recovery_codes",
            "org_two_factor",
            "notification_preferences",
        ],
    );
    old["tables"]["history"]
        .as_array_mut()
        .unwrap()
        .retain(|h| h["entity"] != "work" && h["entity"] != "comment");
    old["manifest"]["schema_version"] = json!(3);
    reseal(&mut old);
    let backup = Backup::parse(&old.to_string()).unwrap();
    assert_eq!(backup.manifest().unwrap().schema_version, 3);
    let restored = runtime.block_on(async {
        let target = Store::connect("sqlite::memory:").await.unwrap();
        let n = target.restore(&backup).await.unwrap();
        let assessment = backup.table("assessments").unwrap()[0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(target.work_items(&assessment).await.unwrap().is_empty());
        n
    });
    assert_eq!(restored, backup.rows());

    // Rows in a table newer than the schema the file states: refused, naming the table.
    let mut claimed = old.clone();
    claimed["tables"]["comments"] = genuine["tables"]["comments"].clone();
    reseal(&mut claimed);
    assert!(
        refusal(&claimed.to_string()).contains("tables.comments: holds rows"),
        "{}",
        refusal(&claimed.to_string())
    );
    // A current backup must hold the new tables.
    let mut missing = genuine.clone();
    missing["tables"]
        .as_object_mut()
        .unwrap()
        .remove("comments");
    assert!(refusal(&missing.to_string()).contains("tables.comments: missing"));
}

/// A store with an item of evidence whose file spans three chunks and had an earlier version.
async fn with_files() -> (Store, String, Vec<u8>, Vec<u8>) {
    use aimsgap_store::{CHUNK_BYTES, EvidenceMeta, NewFile};
    let source = Store::connect("sqlite::memory:").await.unwrap();
    let user = source.create_user(&email(), "Ada", "hash").await.unwrap();
    let org = source.create_organization("Acme", &user.id).await.unwrap();
    let meta = source
        .create_assessment(&org.id, "files", &document(), &user.id)
        .await
        .unwrap();
    let first: Vec<u8> = (0..5000u32).map(|n| (n % 251) as u8).collect();
    let second: Vec<u8> = (0..(2 * CHUNK_BYTES + 77))
        .map(|n| (n % 253) as u8)
        .collect();
    let stream = |bytes: &[u8]| {
        let piece: Result<bytes::Bytes, std::io::Error> = Ok(bytes::Bytes::copy_from_slice(bytes));
        futures_util::stream::iter(vec![piece])
    };
    let blob1 = source.write_blob(stream(&first), u64::MAX).await.unwrap();
    let blob2 = source.write_blob(stream(&second), u64::MAX).await.unwrap();
    let item = source
        .create_evidence(
            &meta.id,
            &user.id,
            &EvidenceMeta {
                title: "AI policy".into(),
                kind: "approved_document".into(),
                review_by: Some("2027-06-01".into()),
                links: vec!["5.2".into(), "A.2.2".into()],
                ..EvidenceMeta::default()
            },
            Some(NewFile {
                blob: blob1,
                file_name: "policy.pdf".into(),
                media_type: "application/pdf".into(),
            }),
        )
        .await
        .unwrap();
    source
        .replace_evidence_file(
            &meta.id,
            &item.id,
            &user.id,
            NewFile {
                blob: blob2,
                file_name: "policy-v2.pdf".into(),
                media_type: "application/pdf".into(),
            },
            1,
        )
        .await
        .unwrap();
    (source, meta.id, first, second)
}

async fn bytes_of(store: &Store, sha256: &str) -> Vec<u8> {
    use futures_util::StreamExt;
    let mut stream = std::pin::pin!(store.blob_chunks(sha256).await.unwrap());
    let mut all = Vec::new();
    while let Some(chunk) = stream.next().await {
        all.extend_from_slice(&chunk.unwrap());
    }
    all
}

/// The evidence of an assessment and the bytes of every file version, as a restore must keep them.
async fn evidence_state(
    store: &Store,
    assessment: &str,
) -> (Vec<aimsgap_store::EvidenceItem>, Vec<Vec<u8>>) {
    let items = store.evidence_items(assessment).await.unwrap();
    let mut files = Vec::new();
    for item in &items {
        for version in store.evidence_versions(assessment, &item.id).await.unwrap() {
            files.push(bytes_of(store, &version.sha256).await);
        }
    }
    (items, files)
}

#[tokio::test]
async fn backups_carry_evidence_files_verified_by_hash_across_backends() {
    let (source, assessment, first, second) = with_files().await;
    let backup = source.backup().await.unwrap();
    assert!(
        backup.counts().contains(&("blob_chunks", 4)),
        "{:?}",
        backup.counts()
    );
    let expected = evidence_state(&source, &assessment).await;
    assert_eq!(expected.1, vec![second.clone(), first.clone()]);
    // Through the file's text, as a restore reads it.
    let parsed = Backup::parse(&backup.to_json()).unwrap();
    let fresh = Store::connect("sqlite::memory:").await.unwrap();
    fresh.restore(&parsed).await.unwrap();
    assert_eq!(evidence_state(&fresh, &assessment).await, expected);
    let Some((_, url)) = postgres() else {
        return;
    };
    let pg = empty_postgres(&url, "backup_evidence_files").await;
    pg.restore(&parsed).await.unwrap();
    assert_eq!(
        evidence_state(&pg, &assessment).await,
        expected,
        "PostgreSQL"
    );
    let from_pg = Backup::parse(&pg.backup().await.unwrap().to_json()).unwrap();
    let back = Store::connect("sqlite::memory:").await.unwrap();
    back.restore(&from_pg).await.unwrap();
    assert_eq!(
        evidence_state(&back, &assessment).await,
        expected,
        "SQLite -> PostgreSQL -> SQLite"
    );
    assert_eq!(back.backup().await.unwrap().sha256(), backup.sha256());
}

#[tokio::test]
async fn a_corrupted_chunk_is_refused_naming_its_file() {
    use base64::Engine;
    let (source, _, _, second) = with_files().await;
    let mut file: Value = serde_json::from_str(&source.backup().await.unwrap().to_json()).unwrap();
    let sha = {
        use sha2::{Digest, Sha256};
        Sha256::digest(&second)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let chunks = file["tables"]["blob_chunks"].as_array_mut().unwrap();
    let chunk = chunks
        .iter_mut()
        .find(|c| c["blob"] == sha.as_str() && c["seq"] == 1)
        .unwrap();
    let mut bytes = base64::engine::general_purpose::STANDARD
        .decode(chunk["data"].as_str().unwrap())
        .unwrap();
    bytes[10] ^= 0xff;
    chunk["data"] = json!(base64::engine::general_purpose::STANDARD.encode(&bytes));
    // Sealed again, so that only the bytes betray the change.
    reseal(&mut file);
    let message = refusal(&file.to_string());
    assert!(message.contains(&sha), "{message}");
    assert!(message.contains("corrupted"), "{message}");
    // A missing chunk is refused as well.
    let chunks = file["tables"]["blob_chunks"].as_array_mut().unwrap();
    chunks.retain(|c| !(c["blob"] == sha.as_str() && c["seq"] == 1));
    reseal(&mut file);
    let message = refusal(&file.to_string());
    assert!(message.contains(&sha), "{message}");
}

#[test]
fn a_backup_from_before_single_sign_on_restores() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (_, genuine) = runtime.block_on(genuine());
    let mut old = genuine.clone();
    // A backup of schema 9 has no table of single sign-on identities.
    drop_tables(&mut old, &["oidc_identities"]);
    old["manifest"]["schema_version"] = json!(9);
    reseal(&mut old);
    let backup = Backup::parse(&old.to_string()).unwrap();
    let restored = runtime.block_on(async {
        let target = Store::connect("sqlite::memory:").await.unwrap();
        target.restore(&backup).await.unwrap()
    });
    assert_eq!(restored, backup.rows());
    // A current backup must hold the table.
    let mut missing = genuine.clone();
    missing["tables"]
        .as_object_mut()
        .unwrap()
        .remove("oidc_identities");
    assert!(
        refusal(&missing.to_string()).contains("tables.oidc_identities: missing"),
        "{}",
        refusal(&missing.to_string())
    );
}

/// Two-factor sign-in survives a backup: the secrets (which the server needs to check codes),
/// the hashed recovery codes with which were used, and the organisations' requirement; and a
/// backup from before two-factor sign-in (schema 8) still restores, with none of it.
#[tokio::test]
async fn backups_carry_two_factor_secrets_recovery_codes_and_requirements() {
    let (source, _) = populated().await;
    let user = source.create_user(&email(), "Tess", "hash").await.unwrap();
    let org = source
        .create_organization("Tess Co", &user.id)
        .await
        .unwrap();
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    assert_eq!(
        source
            .enrolling_secret(&user.id, secret)
            .await
            .unwrap()
            .as_deref(),
        Some(secret)
    );
    let hashes: Vec<String> = (0..3)
        .map(|i| aimsgap_store::hash_token(&format!("code{i}")))
        .collect();
    assert!(
        source
            .enable_two_factor(&user.id, secret, 7, &hashes)
            .await
            .unwrap()
    );
    assert!(
        source
            .use_recovery_code(&user.id, &hashes[0])
            .await
            .unwrap()
    );
    assert!(
        source
            .set_two_factor_required(&org.id, true, &user.id)
            .await
            .unwrap()
    );
    let backup = source.backup().await.unwrap();
    assert_eq!(
        backup
            .counts()
            .into_iter()
            .filter(|(table, _)| ["two_factor", "recovery_codes", "org_two_factor"].contains(table))
            .collect::<Vec<_>>(),
        vec![
            ("two_factor", 1),
            ("recovery_codes", 3),
            ("org_two_factor", 1)
        ]
    );
    let check = |restored: Store| {
        let user = user.id.clone();
        let org = org.id.clone();
        let hashes = hashes.clone();
        async move {
            let stored = restored.two_factor(&user).await.unwrap().unwrap();
            assert_eq!((stored.secret.as_str(), stored.last_step), (secret, 7));
            assert!(stored.enabled_at.is_some());
            assert_eq!(restored.recovery_codes_left(&user).await.unwrap(), 2);
            // The used code stays used; the step taken stays taken.
            assert!(!restored.use_recovery_code(&user, &hashes[0]).await.unwrap());
            assert!(!restored.take_step(&user, 7).await.unwrap());
            assert!(restored.take_step(&user, 8).await.unwrap());
            assert!(restored.two_factor_required(&org).await.unwrap());
        }
    };
    let fresh = Store::connect("sqlite::memory:").await.unwrap();
    assert_eq!(fresh.restore(&backup).await.unwrap(), backup.rows());
    assert_eq!(fresh.backup().await.unwrap().sha256(), backup.sha256());
    check(fresh).await;
    if let Some((_, url)) = postgres() {
        let pg = empty_postgres(&url, "backup_two_factor").await;
        pg.restore(&backup).await.unwrap();
        check(pg).await;
    }

    // A backup of schema 8 has none of the two-factor tables (migration 9) nor the single
    // sign-on identities (migration 10).
    let mut old: Value = serde_json::from_str(&backup.to_json()).unwrap();
    drop_tables(
        &mut old,
        &[
            "two_factor",
            "recovery_codes",
            "org_two_factor",
            "oidc_identities",
        ],
    );
    old["manifest"]["schema_version"] = json!(8);
    reseal(&mut old);
    let parsed = Backup::parse(&old.to_string()).unwrap();
    let target = Store::connect("sqlite::memory:").await.unwrap();
    assert_eq!(target.restore(&parsed).await.unwrap(), parsed.rows());
    assert!(target.two_factor(&user.id).await.unwrap().is_none());
    assert!(!target.two_factor_required(&org.id).await.unwrap());
}
