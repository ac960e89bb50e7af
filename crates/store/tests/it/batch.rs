//! Several answers written at once: all of them with their history, or none.

use super::{document, email, stores};
use aimsgap_store::{AnswerWrite, StoreError};
use serde_json::json;

fn write(requirement: &str, value: serde_json::Value, expected: i64) -> AnswerWrite {
    AnswerWrite {
        requirement: requirement.to_string(),
        value,
        expected,
    }
}

#[tokio::test]
async fn several_answers_are_written_together_with_their_history_or_not_at_all() {
    for (backend, store) in stores().await {
        let user = store.create_user(&email(), "Ada", "h").await.unwrap();
        let org = store.create_organization("Acme", &user.id).await.unwrap();
        let meta = store
            .create_assessment(&org.id, "batch", &document(), &user.id)
            .await
            .unwrap();
        let before = store.history(&meta.id).await.unwrap().len();

        // One answer of the batch was read at a version that moved: nothing is written, not
        // even the new answer before it.
        let stale = store
            .put_answers(
                &meta.id,
                &[
                    write("6.1.2", json!({"status": "planned"}), 0),
                    write("5.2", json!({"status": "partial"}), 7),
                ],
                &user.id,
            )
            .await;
        match stale {
            Err(StoreError::Conflict(current)) => {
                assert_eq!(current.key, "5.2", "{backend}");
                assert_eq!(current.version, 1, "{backend}");
            }
            other => panic!("{backend}: expected a conflict, got {other:?}"),
        }
        assert_eq!(
            store.answer(&meta.id, "6.1.2").await.unwrap().version,
            0,
            "{backend}: nothing half-written"
        );
        assert_eq!(store.history(&meta.id).await.unwrap().len(), before);

        let saved = store
            .put_answers(
                &meta.id,
                &[
                    write("6.1.2", json!({"status": "planned"}), 0),
                    write("5.2", json!({"status": "partial", "due": "2027-03-31"}), 1),
                ],
                &user.id,
            )
            .await
            .unwrap();
        assert_eq!(
            saved
                .iter()
                .map(|v| (v.key.as_str(), v.version))
                .collect::<Vec<_>>(),
            [("6.1.2", 1), ("5.2", 2)],
            "{backend}"
        );
        // What the batch returns without reading back is what a read finds.
        for written in &saved {
            assert_eq!(
                written,
                &store.answer(&meta.id, &written.key).await.unwrap(),
                "{backend}"
            );
        }
        let history = store.history(&meta.id).await.unwrap();
        let added: Vec<_> = history[before..]
            .iter()
            .map(|h| {
                (
                    h.entity.as_str(),
                    h.key.as_str(),
                    h.actor.as_str(),
                    h.new.clone(),
                )
            })
            .collect();
        assert_eq!(
            added,
            [
                (
                    "answer",
                    "6.1.2",
                    user.id.as_str(),
                    Some(json!({"status": "planned"}))
                ),
                (
                    "answer",
                    "5.2",
                    user.id.as_str(),
                    Some(json!({"status": "partial", "due": "2027-03-31"}))
                ),
            ],
            "{backend}"
        );
        assert_eq!(
            history.last().unwrap().old,
            Some(json!({"status": "implemented"})),
            "{backend}"
        );
    }
}
