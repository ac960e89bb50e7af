//! The one-query read of an assessment's document gives what the whole read gives, systems in
//! inventory order, after writes of every part, on every backend.

use super::*;

/// A user owning an assessment of the example document, with an AI system added after the
/// document's own (its id sorting first) and one answer written.
async fn assessment_with_writes(
    store: &Store,
) -> (aimsgap_store::User, aimsgap_store::AssessmentMeta) {
    let user = store.create_user(&email(), "Ada", "hash").await.unwrap();
    let org = store.create_organization("Acme", &user.id).await.unwrap();
    let meta = store
        .create_assessment(&org.id, "a", &document(), &user.id)
        .await
        .unwrap();
    // A system added later goes to the end of the inventory, though its id sorts first.
    store
        .put_ai_system(
            &meta.id,
            "aardvark",
            Some(&json!({"id": "aardvark", "name": "Aardvark", "role": "deployer"})),
            0,
            &user.id,
        )
        .await
        .unwrap();
    store
        .put_answer(
            &meta.id,
            "7.4-1",
            Some(&json!({"status": "partial"})),
            0,
            &user.id,
        )
        .await
        .unwrap();
    (user, meta)
}

#[tokio::test]
async fn the_document_read_in_one_query_is_the_documents_read_whole() {
    for (backend, store) in stores().await {
        let (user, meta) = assessment_with_writes(&store).await;
        store
            .put_answer(&meta.id, "5.2", None, 1, &user.id)
            .await
            .unwrap();
        let whole = store
            .assessment(&meta.id)
            .await
            .unwrap()
            .unwrap()
            .document()
            .unwrap();
        let read = store.assessment_document(&meta.id).await.unwrap().unwrap();
        assert_eq!(read, whole, "{backend}");
        let systems: Vec<&str> = read
            .ai_systems
            .iter()
            .map(|s| s.value.id.value.as_str())
            .collect();
        assert_eq!(systems, ["bot", "scorer", "aardvark"], "{backend}");
        assert!(read.answers.contains_key("7.4-1") && !read.answers.contains_key("5.2"));
        assert_eq!(
            store.assessment_document("no-such-id").await.unwrap(),
            None,
            "{backend}"
        );
    }
}

/// What a write of one item is authorised and judged by, in one read: the caller's role (none
/// for an outsider), the assessment's revision, its profile, how many answers it holds, and
/// when asked its AI systems in inventory order.
#[tokio::test]
async fn an_item_write_reads_the_role_the_profile_and_the_counts_together() {
    for (backend, store) in stores().await {
        let (user, meta) = assessment_with_writes(&store).await;
        let outsider = store.create_user(&email(), "Eve", "hash").await.unwrap();
        let read = store.assessment_document(&meta.id).await.unwrap().unwrap();
        let (org_id, revision, role) = store
            .assessment_access(&meta.id, &user.id)
            .await
            .unwrap()
            .unwrap();

        let found = store
            .item_access(&meta.id, &user.id, true)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (found.org_id.as_str(), found.revision, found.role),
            (org_id.as_str(), revision, role),
            "{backend}: as the access check reads them"
        );
        assert_eq!(found.role, Some(Role::Owner), "{backend}");
        assert_eq!(found.context.answers, read.answers.len(), "{backend}");
        assert!(found.context.answers > 0, "{backend}");
        assert_eq!(
            found.context.ai_systems,
            ["bot", "scorer", "aardvark"],
            "{backend}: inventory order"
        );
        assert_eq!(
            found.context.profile.organization.value, read.organization.value,
            "{backend}"
        );
        assert_eq!(
            found.context.profile.as_of.map(|d| d.value),
            read.as_of.map(|d| d.value),
            "{backend}"
        );

        // Without the systems, the same but for them; an outsider has no role there.
        let without = store
            .item_access(&meta.id, &outsider.id, false)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(without.role, None, "{backend}: not a member");
        assert!(without.context.ai_systems.is_empty(), "{backend}");
        assert_eq!(without.context.answers, found.context.answers, "{backend}");
        assert_eq!(
            store
                .item_access("no-such-id", &user.id, true)
                .await
                .unwrap(),
            None,
            "{backend}"
        );
    }
}

/// A PostgreSQL database of this test's own beside the one at `url` (same server and account),
/// for damage that the tests sharing that database (a backup of all of it) must never meet.
/// Returns the new database's URL and a connection to drop it with.
async fn own_postgres_database(url: &str, name: &str) -> (String, sqlx::AnyPool) {
    let admin = super::rules::inspect(url).await;
    // `name` is made of letters, digits and underscores by the caller.
    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    sqlx::query(sqlx::AssertSqlSafe(drop))
        .execute(&admin)
        .await
        .unwrap();
    let create = format!("CREATE DATABASE {name}");
    sqlx::query(sqlx::AssertSqlSafe(create))
        .execute(&admin)
        .await
        .unwrap();
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let (server, _) = base.rsplit_once('/').unwrap();
    let own = if query.is_empty() {
        format!("{server}/{name}")
    } else {
        format!("{server}/{name}?{query}")
    };
    (own, admin)
}

/// A stored piece that no longer reads is reported by its name (the answer's requirement), not
/// as a failed read of the whole document, on every backend. The damage is made in databases
/// of the test's own (SQLite's in a scratch directory, PostgreSQL's created and dropped here).
#[tokio::test]
async fn a_damaged_piece_is_named_when_the_document_is_read() {
    let (_dir, stores) = super::rules::shared_stores().await;
    for (backend, shared, url) in stores {
        let (store, url, own) = if backend == "postgres" {
            drop(shared);
            let name = format!("aimsgap_damage_{}", std::process::id());
            let (own_url, admin) = own_postgres_database(&url, &name).await;
            let store = Store::connect(&own_url).await.unwrap();
            (store, own_url, Some((admin, name)))
        } else {
            (shared, url, None)
        };
        let (_, meta) = assessment_with_writes(&store).await;
        let raw = super::rules::inspect(&url).await;
        let set = |body: String| {
            sqlx::query(
                "UPDATE answers SET body = $1 WHERE assessment_id = $2 AND requirement = $3",
            )
            .bind(body)
            .bind(meta.id.clone())
            .bind("7.4-1")
        };
        let stored: String = sqlx::query_scalar(
            "SELECT body FROM answers WHERE assessment_id = $1 AND requirement = $2",
        )
        .bind(&meta.id)
        .bind("7.4-1")
        .fetch_one(&raw)
        .await
        .unwrap();
        set(r#"{"status": "partial""#.to_string())
            .execute(&raw)
            .await
            .unwrap();
        let error = store.assessment_document(&meta.id).await.err();
        // Put back, the answer reads again: the damage stays in the piece it was made in.
        set(stored).execute(&raw).await.unwrap();
        let error = error.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            error.contains("stored answers.7.4-1 is not a valid piece"),
            "{backend}: {error}"
        );
        assert!(
            store.assessment_document(&meta.id).await.is_ok(),
            "{backend}: the answer put back reads again"
        );
        drop(raw);
        drop(store);
        if let Some((admin, name)) = own {
            let drop = format!("DROP DATABASE {name} WITH (FORCE)");
            sqlx::query(sqlx::AssertSqlSafe(drop))
                .execute(&admin)
                .await
                .unwrap();
        }
    }
}
