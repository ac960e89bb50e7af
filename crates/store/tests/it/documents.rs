//! The one-query read of an assessment's document gives what the whole read gives, systems in
//! inventory order, after writes of every part, on every backend.

use super::*;

#[tokio::test]
async fn the_document_read_in_one_query_is_the_documents_read_whole() {
    for (backend, store) in stores().await {
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
