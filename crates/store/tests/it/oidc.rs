//! Single sign-on: identities linked to accounts, roles granted by the role claim, and the
//! sign-ins on their way through the provider, taken once.

use super::*;

#[tokio::test]
async fn an_identity_links_once_and_then_finds_its_account() {
    for (backend, store) in stores().await {
        let issuer = format!("https://id.example.org/{}", &new_token().unwrap()[..8]);
        let ada = store.create_user(&email(), "Ada", "hash").await.unwrap();
        let bob = store.create_user(&email(), "Bob", "hash").await.unwrap();
        assert_eq!(
            store.oidc_user(&issuer, "s1").await.unwrap(),
            None,
            "{backend}"
        );
        store
            .link_oidc(&issuer, "s1", &ada.id, &ada.email)
            .await
            .unwrap();
        assert_eq!(
            store.oidc_user(&issuer, "s1").await.unwrap(),
            Some(ada.clone()),
            "{backend}"
        );
        // The same identity cannot move to another account by linking again.
        assert!(
            matches!(
                store.link_oidc(&issuer, "s1", &bob.id, &bob.email).await,
                Err(StoreError::Exists(_))
            ),
            "{backend}"
        );
        assert_eq!(
            store.oidc_user(&issuer, "s1").await.unwrap(),
            Some(ada.clone())
        );
        // Another issuer's subject of the same name is another identity.
        assert_eq!(
            store
                .oidc_user(&format!("{issuer}/other"), "s1")
                .await
                .unwrap(),
            None
        );
        let linked = store.oidc_identities_of(&ada.id).await.unwrap();
        assert_eq!(linked.len(), 1, "{backend}");
        assert_eq!(linked[0].email, ada.email);
    }
}

#[tokio::test]
async fn a_granted_role_adds_or_changes_a_membership_and_keeps_the_last_owner() {
    for (backend, store) in stores().await {
        let owner = store.create_user(&email(), "Ada", "hash").await.unwrap();
        let other = store.create_user(&email(), "Bob", "hash").await.unwrap();
        let org = store.create_organization("Acme", &owner.id).await.unwrap();
        assert_eq!(
            store
                .grant_role(&org.id, &other.id, Role::Viewer)
                .await
                .unwrap(),
            None,
            "{backend}"
        );
        assert_eq!(
            store.role(&org.id, &other.id).await.unwrap(),
            Some(Role::Viewer)
        );
        assert_eq!(
            store
                .grant_role(&org.id, &other.id, Role::Editor)
                .await
                .unwrap(),
            Some(Role::Viewer)
        );
        assert_eq!(
            store
                .grant_role(&org.id, &other.id, Role::Editor)
                .await
                .unwrap(),
            Some(Role::Editor)
        );
        assert!(
            matches!(
                store.grant_role(&org.id, &owner.id, Role::Viewer).await,
                Err(StoreError::LastOwner)
            ),
            "{backend}"
        );
        assert_eq!(
            store.role(&org.id, &owner.id).await.unwrap(),
            Some(Role::Owner)
        );
    }
}

#[tokio::test]
async fn a_pending_sign_in_is_taken_once_and_not_after_it_expires() {
    for (backend, store) in stores().await {
        let secret = new_token().unwrap();
        store
            .begin_oidc_sign_in(&secret, Some("/orgs/x"), &aimsgap_store::in_seconds(600))
            .await
            .unwrap();
        assert_eq!(
            store
                .take_oidc_sign_in(&new_token().unwrap())
                .await
                .unwrap(),
            None,
            "{backend}: an unknown secret"
        );
        assert_eq!(
            store.take_oidc_sign_in(&secret).await.unwrap(),
            Some(Some("/orgs/x".to_string())),
            "{backend}"
        );
        assert_eq!(
            store.take_oidc_sign_in(&secret).await.unwrap(),
            None,
            "{backend}: twice"
        );
        let expired = new_token().unwrap();
        store
            .begin_oidc_sign_in(&expired, None, &aimsgap_store::rfc3339(1))
            .await
            .unwrap();
        assert_eq!(
            store.take_oidc_sign_in(&expired).await.unwrap(),
            None,
            "{backend}"
        );
    }
}
