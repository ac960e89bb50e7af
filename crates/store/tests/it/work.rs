//! Work items (owner, due date, state) and comments: optimistic writes, the owner a member of
//! the organisation or a named outsider, "done" leaving every answer alone, comments edited
//! by their author and deleted by their author or an owner, and every change in the history.

use super::{document, email, stores};
use aimsgap_store::{Role, Store, StoreError, WorkFields, WorkState, new_token};
use serde_json::json;

struct Setup {
    owner: aimsgap_store::User,
    editor: aimsgap_store::User,
    stranger: aimsgap_store::User,
    org: String,
    assessment: String,
}

async fn setup(store: &Store) -> Setup {
    let owner = store
        .create_user(&email(), "Olive Owner", "h")
        .await
        .unwrap();
    let editor = store.create_user(&email(), "Ed Editor", "h").await.unwrap();
    let stranger = store
        .create_user(&email(), "Sam Stranger", "h")
        .await
        .unwrap();
    let org = store.create_organization("Acme", &owner.id).await.unwrap();
    let invitation = new_token().unwrap();
    store
        .create_invitation(
            &org.id,
            Role::Editor,
            &invitation,
            &owner.id,
            &super::in_days(1),
        )
        .await
        .unwrap();
    store
        .accept_invitation(&invitation, &editor.id)
        .await
        .unwrap();
    let meta = store
        .create_assessment(&org.id, "work", &document(), &owner.id)
        .await
        .unwrap();
    Setup {
        owner,
        editor,
        stranger,
        org: org.id,
        assessment: meta.id,
    }
}

fn invalid_field(result: Result<impl std::fmt::Debug, StoreError>) -> String {
    match result {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("expected an invalid field, got {other:?}"),
    }
}

#[test]
fn work_states_read_back_from_their_names() {
    for state in WorkState::ALL {
        assert_eq!(WorkState::parse(state.as_str()), Some(state));
    }
    assert_eq!(
        WorkState::ALL.map(WorkState::as_str),
        ["not_started", "in_progress", "in_review", "done"]
    );
    assert_eq!(WorkState::parse("finished"), None);
}

#[tokio::test]
async fn work_items_are_optimistic_checked_and_recorded_in_the_history() {
    for (backend, store) in stores().await {
        let s = setup(&store).await;
        let target = "requirement:5.2";
        let assigned = WorkFields {
            owner_user: Some(s.editor.id.clone()),
            owner_name: None,
            due: Some("2026-12-10".into()),
            state: WorkState::InProgress,
        };
        assert_eq!(
            store
                .put_work_item(&s.assessment, target, 0, &assigned, &s.owner.id)
                .await
                .unwrap(),
            1,
            "{backend}"
        );
        let items = store.work_items(&s.assessment).await.unwrap();
        assert_eq!(items.len(), 1, "{backend}");
        assert_eq!(items[0].target, target);
        assert_eq!(items[0].owner_user.as_deref(), Some(s.editor.id.as_str()));
        assert_eq!(
            items[0].owner_name.as_deref(),
            Some("Ed Editor"),
            "{backend}: a member's name is read with the item"
        );
        assert_eq!(items[0].due.as_deref(), Some("2026-12-10"));
        assert_eq!(
            (items[0].state, items[0].version),
            (WorkState::InProgress, 1)
        );
        assert_eq!(items[0].updated_by, s.owner.id);

        // A stale write changes nothing and carries the current fields.
        match store
            .put_work_item(
                &s.assessment,
                target,
                0,
                &WorkFields::default(),
                &s.owner.id,
            )
            .await
        {
            Err(StoreError::Conflict(current)) => {
                assert_eq!(current.version, 1);
                assert_eq!(current.value.unwrap()["state"], json!("in_progress"));
            }
            other => panic!("{backend}: expected a conflict, got {other:?}"),
        }

        // The owner must be a member of the assessment's organisation.
        let outsider_member = WorkFields {
            owner_user: Some(s.stranger.id.clone()),
            ..assigned.clone()
        };
        assert_eq!(
            invalid_field(
                store
                    .put_work_item(&s.assessment, target, 1, &outsider_member, &s.owner.id)
                    .await
            ),
            "owner_user",
            "{backend}"
        );
        for (fields, field) in [
            (
                WorkFields {
                    due: Some("2026-13-01".into()),
                    ..WorkFields::default()
                },
                "due",
            ),
            (
                WorkFields {
                    due: Some("10/12/2026".into()),
                    ..WorkFields::default()
                },
                "due",
            ),
            (
                WorkFields {
                    owner_name: Some("x".repeat(201)),
                    ..WorkFields::default()
                },
                "owner_name",
            ),
            (
                WorkFields {
                    owner_name: Some("  ".into()),
                    ..WorkFields::default()
                },
                "owner_name",
            ),
            (
                WorkFields {
                    owner_user: Some(s.editor.id.clone()),
                    owner_name: Some("Jane Doe".into()),
                    ..WorkFields::default()
                },
                "owner_name",
            ),
        ] {
            assert_eq!(
                invalid_field(
                    store
                        .put_work_item(&s.assessment, target, 1, &fields, &s.owner.id)
                        .await
                ),
                field,
                "{backend}: {fields:?}"
            );
        }
        for bad in ["5.2", "requirement:", "task:5.2", "package:a\nb"] {
            assert_eq!(
                invalid_field(
                    store
                        .put_work_item(&s.assessment, bad, 0, &assigned, &s.owner.id)
                        .await
                ),
                "target",
                "{backend}: {bad:?}"
            );
        }
        assert!(matches!(
            store
                .put_work_item("no-such-assessment", target, 0, &assigned, &s.owner.id)
                .await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            store
                .work_item(&s.assessment, target)
                .await
                .unwrap()
                .unwrap()
                .version,
            1,
            "{backend}: refused writes changed nothing"
        );

        // Done, with a named outsider: a claim that leaves the answer as it was.
        let answer_before = store.answer(&s.assessment, "5.2").await.unwrap();
        let done = WorkFields {
            owner_user: None,
            owner_name: Some("Jane Doe (consultant)".into()),
            due: None,
            state: WorkState::Done,
        };
        assert_eq!(
            store
                .put_work_item(&s.assessment, target, 1, &done, &s.editor.id)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            store.answer(&s.assessment, "5.2").await.unwrap(),
            answer_before,
            "{backend}: done changes no answer"
        );
        let item = store
            .work_item(&s.assessment, target)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                item.owner_user.as_deref(),
                item.owner_name.as_deref(),
                item.state
            ),
            (None, Some("Jane Doe (consultant)"), WorkState::Done)
        );
        let package = "package:wp-risk";
        store
            .put_work_item(&s.assessment, package, 0, &done, &s.owner.id)
            .await
            .unwrap();
        let targets: Vec<String> = store
            .work_items(&s.assessment)
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.target)
            .collect();
        assert_eq!(
            targets,
            vec![package, target],
            "{backend}: ordered by target"
        );

        let history: Vec<_> = store
            .history(&s.assessment)
            .await
            .unwrap()
            .into_iter()
            .filter(|h| h.entity == "work")
            .collect();
        assert_eq!(history.len(), 3, "{backend}: one entry per accepted change");
        assert_eq!(history[0].key, target);
        assert_eq!(history[0].old, None);
        assert_eq!(
            history[0].new,
            Some(
                json!({"owner_user": s.editor.id, "owner_name": null, "due": "2026-12-10", "state": "in_progress"})
            )
        );
        assert_eq!(history[1].old, history[0].new, "{backend}: old fields kept");
        assert_eq!(
            history[1].new,
            Some(
                json!({"owner_user": null, "owner_name": "Jane Doe (consultant)", "due": null, "state": "done"})
            )
        );
        assert_eq!(history[1].actor, s.editor.id);
        assert_eq!(history[2].key, package);
    }
}

#[tokio::test]
async fn my_work_lists_a_members_items_across_organisations_soonest_first() {
    for (backend, store) in stores().await {
        let s = setup(&store).await;
        let other_org = store
            .create_organization("Beta", &s.editor.id)
            .await
            .unwrap();
        let other = store
            .create_assessment(&other_org.id, "beta", &document(), &s.editor.id)
            .await
            .unwrap();
        let mine = |due: Option<&str>| WorkFields {
            owner_user: Some(s.editor.id.clone()),
            owner_name: None,
            due: due.map(str::to_string),
            state: WorkState::NotStarted,
        };
        for (assessment, target, due) in [
            (&s.assessment, "requirement:6.1.2", None),
            (&s.assessment, "requirement:5.2", Some("2027-03-01")),
            (&other.id, "package:wp-1", Some("2026-12-24")),
        ] {
            store
                .put_work_item(assessment, target, 0, &mine(due), &s.editor.id)
                .await
                .unwrap();
        }
        store
            .put_work_item(
                &s.assessment,
                "requirement:7.2",
                0,
                &WorkFields {
                    owner_user: Some(s.owner.id.clone()),
                    ..WorkFields::default()
                },
                &s.owner.id,
            )
            .await
            .unwrap();
        let work = store.work_of(&s.editor.id).await.unwrap();
        let seen: Vec<(&str, &str)> = work
            .iter()
            .map(|w| (w.org_name.as_str(), w.item.target.as_str()))
            .collect();
        assert_eq!(
            seen,
            vec![
                ("Beta", "package:wp-1"),
                ("Acme", "requirement:5.2"),
                ("Acme", "requirement:6.1.2")
            ],
            "{backend}"
        );
        assert_eq!(work[1].assessment_name, "work");
        assert_eq!(work[1].org_id, s.org);
        // A member who leaves no longer sees that organisation's work as theirs.
        store.remove_member(&s.org, &s.editor.id).await.unwrap();
        let left: Vec<String> = store
            .work_of(&s.editor.id)
            .await
            .unwrap()
            .into_iter()
            .map(|w| w.item.target)
            .collect();
        assert_eq!(left, vec!["package:wp-1"], "{backend}");
    }
}

#[tokio::test]
async fn comments_are_edited_by_their_author_deleted_by_author_or_owner_and_kept_in_history() {
    for (backend, store) in stores().await {
        let s = setup(&store).await;
        let a = "requirement:5.2";
        let b = "package:wp-risk";
        let first = store
            .add_comment(
                &s.assessment,
                a,
                "Draft policy is with legal.",
                &s.editor.id,
            )
            .await
            .unwrap();
        assert_eq!(
            (
                first.author.as_str(),
                first.author_name.as_str(),
                first.deleted
            ),
            (s.editor.id.as_str(), "Ed Editor", false),
            "{backend}"
        );
        let second = store
            .add_comment(&s.assessment, a, "Legal signed off.", &s.owner.id)
            .await
            .unwrap();
        store
            .add_comment(&s.assessment, b, "Risk method agreed.", &s.editor.id)
            .await
            .unwrap();
        let counts = store.comment_counts(&s.assessment).await.unwrap();
        assert_eq!(
            counts.into_iter().collect::<Vec<_>>(),
            vec![(b.to_string(), 1), (a.to_string(), 2)],
            "{backend}"
        );
        assert_eq!(store.comments(&s.assessment, None).await.unwrap().len(), 3);

        let long = "x".repeat(4_001);
        for bad in ["", "  \n ", long.as_str()] {
            assert_eq!(
                invalid_field(store.add_comment(&s.assessment, a, bad, &s.owner.id).await),
                "body"
            );
        }
        assert_eq!(
            invalid_field(
                store
                    .add_comment(&s.assessment, "5.2", "x", &s.owner.id)
                    .await
            ),
            "target"
        );

        // Only the author edits; the edit is marked.
        assert!(
            matches!(
                store
                    .edit_comment(&s.assessment, &first.id, "Hijacked", &s.owner.id)
                    .await,
                Err(StoreError::Forbidden(_))
            ),
            "{backend}: even an owner cannot edit another's words"
        );
        let edited = store
            .edit_comment(
                &s.assessment,
                &first.id,
                "Draft policy is with legal until Friday.",
                &s.editor.id,
            )
            .await
            .unwrap();
        assert_eq!(edited.body, "Draft policy is with legal until Friday.");
        assert!(edited.edited_at.is_some(), "{backend}");

        // The author or an owner deletes; an editor cannot delete another's comment.
        assert!(
            matches!(
                store
                    .delete_comment(&s.assessment, &second.id, &s.editor.id)
                    .await,
                Err(StoreError::Forbidden(_))
            ),
            "{backend}"
        );
        assert!(
            matches!(
                store
                    .delete_comment(&s.assessment, &second.id, &s.stranger.id)
                    .await,
                Err(StoreError::Forbidden(_))
            ),
            "{backend}"
        );
        store
            .delete_comment(&s.assessment, &first.id, &s.owner.id)
            .await
            .unwrap();
        store
            .delete_comment(&s.assessment, &second.id, &s.owner.id)
            .await
            .unwrap();
        assert!(matches!(
            store
                .delete_comment(&s.assessment, &second.id, &s.owner.id)
                .await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store
                .edit_comment(&s.assessment, &first.id, "again", &s.editor.id)
                .await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store
                .edit_comment("another", &first.id, "again", &s.editor.id)
                .await,
            Err(StoreError::NotFound)
        ));
        let thread = store.comments(&s.assessment, Some(a)).await.unwrap();
        assert_eq!(thread.len(), 2, "{backend}: deleted comments stay, marked");
        assert!(thread.iter().all(|c| c.deleted && c.body.is_empty()));
        assert_eq!(
            store
                .comment_counts(&s.assessment)
                .await
                .unwrap()
                .get(a)
                .copied(),
            None,
            "{backend}: counts leave deleted comments out"
        );

        // Every word ever written is in the history.
        let history: Vec<_> = store
            .history(&s.assessment)
            .await
            .unwrap()
            .into_iter()
            .filter(|h| h.entity == "comment" && h.key == first.id)
            .collect();
        let bodies: Vec<(Option<String>, Option<String>)> = history
            .iter()
            .map(|h| {
                let body = |v: &Option<serde_json::Value>| {
                    v.as_ref().map(|v| v["body"].as_str().unwrap().to_string())
                };
                (body(&h.old), body(&h.new))
            })
            .collect();
        assert_eq!(
            bodies,
            vec![
                (None, Some("Draft policy is with legal.".into())),
                (
                    Some("Draft policy is with legal.".into()),
                    Some("Draft policy is with legal until Friday.".into())
                ),
                (
                    Some("Draft policy is with legal until Friday.".into()),
                    None
                ),
            ],
            "{backend}"
        );
        assert_eq!(history[2].actor, s.owner.id, "who deleted it");
        assert_eq!(history[0].new.as_ref().unwrap()["target"], json!(a));
    }
}
