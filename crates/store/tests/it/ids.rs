//! An assessment stored before ISO/IEC 42001 ids followed the standard's list letters
//! (assessment file format 1) reads after the migration with today's ids, on both backends.

use super::{TempDir, postgres_urls};
use aimsgap_store::Store;

/// Rows as a store of format 1 wrote them: the SoA answered as 6.1.3.d, the approval of the
/// treatment plan as 6.1.3.f and the audit criteria as 9.2.2.b, one history entry per answer.
const ROWS: &[&str] = &[
    "INSERT INTO organizations (id, name, created_at) VALUES ('org-1', 'Old', '2026-11-01T00:00:00Z')",
    "INSERT INTO assessments (id, org_id, name, profile, version, revision, created_at, updated_at) VALUES ('a-1', 'org-1', 'old', '{\"aimsgap\":1,\"as_of\":\"2026-11-29\",\"organization\":{\"name\":\"Old\"}}', 1, 1, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')",
    "INSERT INTO answers (assessment_id, requirement, body, version, updated_at, updated_by) VALUES ('a-1', '6.1.3.d', '{\"status\":\"implemented\"}', 1, '2026-11-01T00:00:00Z', 'u')",
    "INSERT INTO answers (assessment_id, requirement, body, version, updated_at, updated_by) VALUES ('a-1', '6.1.3.f', '{\"status\":\"planned\"}', 1, '2026-11-01T00:00:00Z', 'u')",
    "INSERT INTO answers (assessment_id, requirement, body, version, updated_at, updated_by) VALUES ('a-1', '9.2.2.b', '{\"status\":\"partial\"}', 1, '2026-11-01T00:00:00Z', 'u')",
    "INSERT INTO answers (assessment_id, requirement, body, version, updated_at, updated_by) VALUES ('a-1', '6.1.2.a', '{\"status\":\"partial\"}', 1, '2026-11-01T00:00:00Z', 'u')",
    "INSERT INTO history (id, assessment_id, at, actor, entity, entity_key, old_value, new_value) VALUES ('h-1', 'a-1', '2026-11-01T00:00:00Z', 'u', 'answer', '6.1.3.d', NULL, '{\"status\":\"implemented\"}')",
    "INSERT INTO history (id, assessment_id, at, actor, entity, entity_key, old_value, new_value) VALUES ('h-2', 'a-1', '2026-11-01T00:00:01Z', 'u', 'answer', '6.1.3.f', NULL, '{\"status\":\"planned\"}')",
];

/// Migrates `url` to the schema before the rename, writes format 1 rows, then connects as
/// the store does (all migrations) and checks what it reads.
async fn written_before_reads_after(backend: &str, url: &str) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    sqlx::migrate!("../../migrations")
        .run_to(2, &pool)
        .await
        .unwrap();
    for row in ROWS {
        sqlx::query(sqlx::AssertSqlSafe(*row))
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
    let store = Store::connect(url).await.unwrap();
    let stored = store.assessment("a-1").await.unwrap().unwrap();
    let document = stored.document().unwrap();
    assert_eq!(document.aimsgap.value, 2, "{backend}");
    let ids: Vec<&str> = document.answers.keys().map(String::as_str).collect();
    assert_eq!(
        ids,
        ["6.1.2.a", "6.1.3-1", "6.1.3.f", "9.2.2.a"],
        "{backend}"
    );
    assert_eq!(
        document.answers["6.1.3.f"].status.value, "implemented",
        "{backend}: the SoA keeps its answer"
    );
    assert_eq!(
        document.answers["6.1.3-1"].status.value, "planned",
        "{backend}"
    );
    let keys: Vec<String> = store
        .history("a-1")
        .await
        .unwrap()
        .into_iter()
        .map(|entry| entry.key)
        .collect();
    assert_eq!(keys, ["6.1.3.f", "6.1.3-1"], "{backend}");
    // Connecting again changes nothing: the migration ran once.
    drop(store);
    let again = Store::connect(url).await.unwrap();
    let document = again
        .assessment("a-1")
        .await
        .unwrap()
        .unwrap()
        .document()
        .unwrap();
    assert!(document.answers.contains_key("6.1.3.f"), "{backend}");
    assert!(document.answers.contains_key("6.1.3-1"), "{backend}");
}

#[tokio::test]
async fn a_format_1_database_reads_with_todays_ids_on_sqlite() {
    let dir = TempDir::new("ids");
    written_before_reads_after("sqlite", &dir.sqlite("old.db")).await;
}

#[tokio::test]
async fn a_format_1_database_reads_with_todays_ids_on_postgres() {
    let Some(urls) = postgres_urls(&["AIMSGAP_TEST_DATABASE_URL"], "id migration test") else {
        return;
    };
    let Some(url) = urls.first() else { return };
    let schema = "ids_format_1";
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(url).await.unwrap();
    for statement in [
        format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
        format!("CREATE SCHEMA {schema}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&admin)
            .await
            .unwrap();
    }
    admin.close().await;
    let separator = if url.contains('?') { '&' } else { '?' };
    written_before_reads_after(
        "postgres",
        &format!("{url}{separator}options=-c%20search_path%3D{schema}"),
    )
    .await;
}
