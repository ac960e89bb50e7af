//! The audit log is append-only in the database itself: on both backends, raw SQL that would
//! change or delete an event is refused, while appending and reading work.

use aimsgap_store::{AuditFilter, NewAuditEvent, Store};

#[tokio::test]
async fn raw_updates_and_deletes_of_audit_events_are_refused_on_every_backend() {
    let dir = super::TempDir::new("audit");
    let mut urls = vec![("sqlite", dir.sqlite("audit.db"))];
    if let Some(pg) = super::postgres_urls(&["AIMSGAP_TEST_DATABASE_URL"], "audit triggers") {
        urls.push(("postgres", pg[0].clone()));
    }
    for (backend, url) in urls {
        let store = Store::connect(&url).await.unwrap();
        let user = store
            .create_user(&super::email(), "Ada", "hash")
            .await
            .unwrap();
        let org = store.create_organization("Acme", &user.id).await.unwrap();
        let id = store
            .record_audit(&NewAuditEvent {
                event: "token.created".into(),
                actor: Some(user.id.clone()),
                actor_email: Some(user.email.clone()),
                org_id: Some(org.id.clone()),
                subject: Some("t1".into()),
                detail: None,
                address: Some("192.0.2.1".into()),
            })
            .await
            .unwrap();
        // A connection of our own, as any other program would open.
        let raw = sqlx::AnyPool::connect(&url).await.unwrap();
        let pool = &raw;
        for statement in [
            "UPDATE audit_events SET detail = 'rewritten' WHERE id = $1",
            "UPDATE audit_events SET at = '2000-01-01T00:00:00Z' WHERE id = $1",
            "DELETE FROM audit_events WHERE id = $1",
        ] {
            let refused = sqlx::query(statement).bind(&id).execute(pool).await;
            let message = format!("{refused:?}");
            assert!(
                refused.is_err() && message.contains("append-only"),
                "{backend}: {statement}: {message}"
            );
        }
        if backend == "postgres" {
            let refused = sqlx::query("TRUNCATE audit_events").execute(pool).await;
            assert!(refused.is_err(), "{backend}: TRUNCATE: {refused:?}");
        }
        let filter = AuditFilter {
            org_id: org.id.clone(),
            ..AuditFilter::default()
        };
        let events = store.audit_events(&filter, 10).await.unwrap();
        assert_eq!(events.len(), 1, "{backend}");
        assert_eq!(events[0].id, id);
        assert_eq!(events[0].detail, None, "{backend}: unchanged");
        // Connecting again (as a second instance does) keeps the protection and fails nothing.
        Store::connect(&url).await.unwrap();
        let refused = sqlx::query("DELETE FROM audit_events WHERE id = $1")
            .bind(&id)
            .execute(pool)
            .await;
        assert!(refused.is_err(), "{backend}");
        raw.close().await;
    }
}

#[tokio::test]
async fn two_instances_connecting_at_once_both_start_and_the_log_stays_protected() {
    let Some(urls) = super::postgres_urls(&["AIMSGAP_TEST_DATABASE_URL"], "audit triggers") else {
        return;
    };
    let url = &urls[0];
    let connecting: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { aimsgap_store::Store::connect(&url).await })
        })
        .collect();
    for handle in connecting {
        handle.await.unwrap().unwrap();
    }
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let refused = sqlx::query("DELETE FROM audit_events").execute(&pool).await;
    assert!(
        format!("{refused:?}").contains("append-only"),
        "{refused:?}"
    );
}
