//! Work management through the API and the pages: owners (members or named outsiders), due
//! dates and states with optimistic versions, "done" as a claim that changes no answer,
//! comments with their history, "my work", and who may do which.

use super::*;
use aimsgap_catalog::Date;

struct Team {
    app: Router,
    owner: Client,
    editor: Client,
    viewer: Client,
    outsider: Client,
    assessment: String,
}

async fn team(app: Router) -> Team {
    let owner = sign_up(&app, "Olive").await;
    let (org, assessment) = org_with_assessment(&app, &owner).await;
    let editor = invite(&app, &owner, &org, "editor", "Eddie").await;
    let viewer = invite(&app, &owner, &org, "viewer", "Vera").await;
    let outsider = sign_up(&app, "Otto").await;
    org_with_assessment(&app, &outsider).await;
    Team {
        app,
        owner,
        editor,
        viewer,
        outsider,
        assessment,
    }
}

fn today(work: &Value) -> Date {
    Date::parse(work["today"].as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn owners_due_dates_and_states_are_versioned_and_done_changes_no_answer() {
    for (backend, app) in servers().await {
        let t = team(app).await;
        let base = format!("/api/v1/assessments/{}", t.assessment);
        let work = t.editor.get(&t.app, &format!("{base}/work-items")).await;
        assert_eq!(work.status, StatusCode::OK, "{backend}");
        assert_eq!(work.json()["items"], json!([]));
        let today = today(&work.json());
        let due = today.add_days(3).to_string();
        let editor_id = t.editor.user_id.clone().unwrap();

        let target = format!("{base}/work-items/requirement:5.2");
        let saved = t
            .editor
            .put(
                &t.app,
                &target,
                json!({"version": 0, "owner_user": editor_id, "due": due, "state": "in_progress"}),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{backend}: {}", saved.text());
        let saved = saved.json();
        assert_eq!(saved["version"], 1);
        assert_eq!(saved["owner_name"], "Eddie");
        assert_eq!(saved["due"], due.as_str());
        assert_eq!(saved["state"], "in_progress");
        assert_eq!(saved["overdue"], false);

        // A stale version: 409 with the current item.
        let stale = t
            .owner
            .put(&t.app, &target, json!({"version": 0, "state": "done"}))
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{backend}");
        assert_eq!(stale.json()["error"]["current"]["version"], 1);

        // The owner must be a member: 422 naming the field.
        let stranger = t.outsider.user_id.clone().unwrap();
        let refused = t
            .owner
            .put(
                &t.app,
                &target,
                json!({"version": 1, "owner_user": stranger, "state": "in_progress"}),
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend}"
        );
        assert!(refused.text().contains("owner_user"), "{}", refused.text());
        let bad_date = t
            .owner
            .put(
                &t.app,
                &target,
                json!({"version": 1, "due": "31/12/2026", "state": "in_progress"}),
            )
            .await;
        assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad_date.text().contains("due"), "{}", bad_date.text());
        let unknown = t
            .owner
            .put(
                &t.app,
                &format!("{base}/work-items/requirement:99.9"),
                json!({"version": 0, "state": "done"}),
            )
            .await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);

        // Done is a claim: the answers and the readiness stay as they were.
        let answers_before = t.owner.get(&t.app, &format!("{base}/answers")).await.json();
        let readiness_before =
            t.owner.get(&t.app, &format!("{base}/result")).await.json()["readiness"].clone();
        let done = t
            .owner
            .put(
                &t.app,
                &target,
                json!({"version": 1, "owner_name": "Jane Doe (consultant)", "state": "done"}),
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{backend}: {}", done.text());
        assert_eq!(done.json()["owner_user"], Value::Null);
        assert_eq!(done.json()["owner_name"], "Jane Doe (consultant)");
        assert_eq!(
            t.owner.get(&t.app, &format!("{base}/answers")).await.json(),
            answers_before,
            "{backend}: done changes no answer"
        );
        assert_eq!(
            t.owner.get(&t.app, &format!("{base}/result")).await.json()["readiness"],
            readiness_before,
            "{backend}: nor the readiness"
        );
        let history = t.owner.get(&t.app, &format!("{base}/history")).await.json();
        let work_changes: Vec<&Value> = history["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["entity"] == "work")
            .collect();
        assert_eq!(work_changes.len(), 2, "{backend}");
        assert_eq!(work_changes[1]["old"]["state"], "in_progress");
        assert_eq!(work_changes[1]["new"]["state"], "done");

        // A package is a target too.
        let package = t
            .editor
            .put(
                &t.app,
                &format!("{base}/work-items/package:5.2"),
                json!({"version": 0, "owner_user": editor_id, "due": today.add_days(-1).to_string(), "state": "not_started"}),
            )
            .await;
        assert_eq!(package.status, StatusCode::OK, "{}", package.text());
        assert_eq!(package.json()["overdue"], true);
        let listed = t
            .viewer
            .get(&t.app, &format!("{base}/work-items"))
            .await
            .json();
        let targets: Vec<&str> = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["target"].as_str().unwrap())
            .collect();
        assert_eq!(targets, vec!["package:5.2", "requirement:5.2"]);

        // My work: the editor's overdue package; the done requirement is no longer theirs.
        let mine = t.editor.get(&t.app, "/api/v1/me/work").await;
        assert_eq!(mine.status, StatusCode::OK);
        let mine = mine.json();
        assert_eq!(mine["overdue"].as_array().unwrap().len(), 1, "{mine}");
        assert_eq!(mine["overdue"][0]["item"]["target"], "package:5.2");
        assert_eq!(mine["overdue"][0]["assessment"], t.assessment.as_str());
        assert_eq!(mine["due_this_week"], json!([]));
        let theirs = t.owner.get(&t.app, "/api/v1/me/work").await.json();
        assert_eq!(theirs["overdue"], json!([]));
    }
}

#[tokio::test]
async fn comments_are_added_edited_by_their_author_and_deleted_with_history_kept() {
    for (backend, app) in servers().await {
        let t = team(app).await;
        let base = format!("/api/v1/assessments/{}", t.assessment);
        let added = t
            .editor
            .post(
                &t.app,
                &format!("{base}/comments"),
                json!({"target": "requirement:6.1.2", "body": "Risk workshop booked."}),
            )
            .await;
        assert_eq!(
            added.status,
            StatusCode::CREATED,
            "{backend}: {}",
            added.text()
        );
        let id = added.json()["id"].as_str().unwrap().to_string();
        assert_eq!(added.json()["author_name"], "Eddie");
        let one = format!("{base}/comments/{id}");

        let empty = t
            .editor
            .post(
                &t.app,
                &format!("{base}/comments"),
                json!({"target": "requirement:6.1.2", "body": "  "}),
            )
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        let nowhere = t
            .editor
            .post(
                &t.app,
                &format!("{base}/comments"),
                json!({"target": "nowhere", "body": "x"}),
            )
            .await;
        assert_eq!(nowhere.status, StatusCode::NOT_FOUND);

        // Only the author edits; an owner may not put words in someone's mouth.
        let hijack = t
            .owner
            .put(&t.app, &one, json!({"body": "Cancelled."}))
            .await;
        assert_eq!(hijack.status, StatusCode::FORBIDDEN, "{backend}");
        let edited = t
            .editor
            .put(
                &t.app,
                &one,
                json!({"body": "Risk workshop booked for Monday."}),
            )
            .await;
        assert_eq!(edited.status, StatusCode::OK);
        assert!(edited.json()["edited_at"].is_string());

        let counts = t
            .viewer
            .get(&t.app, &format!("{base}/work-items"))
            .await
            .json();
        assert_eq!(counts["comment_counts"]["requirement:6.1.2"], 1);

        // An owner deletes any comment; it stays, marked, without its text.
        let deleted = t.owner.send(&t.app, Method::DELETE, &one, None).await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{backend}");
        let thread = t
            .viewer
            .get(&t.app, &format!("{base}/comments?target=requirement:6.1.2"))
            .await
            .json();
        assert_eq!(thread["comments"][0]["deleted"], true);
        assert_eq!(thread["comments"][0]["body"], "");
        let again = t.owner.send(&t.app, Method::DELETE, &one, None).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND);

        // Every text is in the history: written, edited, deleted.
        let history = t
            .viewer
            .get(&t.app, &format!("{base}/history"))
            .await
            .json();
        let bodies: Vec<(Value, Value)> = history["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["entity"] == "comment" && c["key"] == id.as_str())
            .map(|c| (c["old"]["body"].clone(), c["new"]["body"].clone()))
            .collect();
        assert_eq!(
            bodies,
            vec![
                (Value::Null, json!("Risk workshop booked.")),
                (
                    json!("Risk workshop booked."),
                    json!("Risk workshop booked for Monday.")
                ),
                (json!("Risk workshop booked for Monday."), Value::Null),
            ],
            "{backend}"
        );
    }
}

#[tokio::test]
async fn viewers_cannot_change_work_and_outsiders_find_nothing() {
    for (backend, app) in servers().await {
        let t = team(app).await;
        let base = format!("/api/v1/assessments/{}", t.assessment);
        let comment = t
            .owner
            .post(
                &t.app,
                &format!("{base}/comments"),
                json!({"target": "package:6.1.2", "body": "Ours."}),
            )
            .await
            .json()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let writes: Vec<(Method, String, Option<Value>)> = vec![
            (
                Method::PUT,
                format!("{base}/work-items/requirement:5.2"),
                Some(json!({"version": 0, "state": "done"})),
            ),
            (
                Method::POST,
                format!("{base}/comments"),
                Some(json!({"target": "requirement:5.2", "body": "Mine."})),
            ),
            (
                Method::PUT,
                format!("{base}/comments/{comment}"),
                Some(json!({"body": "Edited."})),
            ),
            (Method::DELETE, format!("{base}/comments/{comment}"), None),
        ];
        let reads = [format!("{base}/work-items"), format!("{base}/comments")];
        for (method, uri, body) in &writes {
            let viewer = t
                .viewer
                .send(&t.app, method.clone(), uri, body.clone())
                .await;
            assert_eq!(
                viewer.status,
                StatusCode::FORBIDDEN,
                "{backend}: viewer {method} {uri}"
            );
            let outsider = t
                .outsider
                .send(&t.app, method.clone(), uri, body.clone())
                .await;
            assert_eq!(
                outsider.status,
                StatusCode::NOT_FOUND,
                "{backend}: outsider {method} {uri}"
            );
        }
        for uri in &reads {
            assert_eq!(t.viewer.get(&t.app, uri).await.status, StatusCode::OK);
            assert_eq!(
                t.outsider.get(&t.app, uri).await.status,
                StatusCode::NOT_FOUND,
                "{backend}: outsider GET {uri}"
            );
        }
        // Nothing the viewer tried changed anything.
        let work = t
            .owner
            .get(&t.app, &format!("{base}/work-items"))
            .await
            .json();
        assert_eq!(work["items"], json!([]));
        assert_eq!(work["comment_counts"]["package:6.1.2"], 1);
    }
}

/// The page's `form` posts as the given client and checks the status it answers.
async fn post_page(
    t: &Team,
    client: &Client,
    uri: &str,
    fields: &[(&str, &str)],
    status: StatusCode,
) -> Reply {
    let reply = client.form(&t.app, uri, fields).await;
    assert_eq!(reply.status, status, "{uri} {fields:?}: {}", reply.text());
    reply
}

#[tokio::test]
async fn the_pages_assign_date_mark_done_and_comment_without_script() {
    for (backend, app) in servers().await {
        let t = team(app).await;
        let a = &t.assessment;
        let page = format!("/assessments/{a}/requirements/5.2");
        let save = format!("/assessments/{a}/work");
        let first = t.owner.get(&t.app, &page).await;
        assert_eq!(first.status, StatusCode::OK, "{backend}");
        super::pages::accessible(&page, &first.text());
        assert!(first.text().contains(&format!("action=\"{save}\"")));
        assert!(first.text().contains("No owner yet"));

        let today = today(
            &t.owner
                .get(&t.app, &format!("/api/v1/assessments/{a}/work-items"))
                .await
                .json(),
        );
        let due = today.add_days(2).to_string();
        let editor = format!("member:{}", t.editor.user_id.clone().unwrap());
        let saved = post_page(
            &t,
            &t.owner,
            &save,
            &[
                ("target", "requirement:5.2"),
                ("version", "0"),
                ("work_owner", &editor),
                ("work_due", &due),
                ("work_state", "in_progress"),
            ],
            StatusCode::SEE_OTHER,
        )
        .await;
        assert_eq!(saved.location(), format!("{page}#work"));
        let shown = t.viewer.get(&t.app, &page).await.text();
        assert!(shown.contains("Owner <strong>Eddie</strong>"), "{backend}");
        assert!(shown.contains(&format!("due {due}")));
        assert!(shown.contains("in progress"));
        // A viewer reads it all but gets no form, and a post is refused.
        assert!(!shown.contains(&format!("action=\"{save}\"")));
        assert!(!shown.contains(&format!("action=\"/assessments/{a}/comments\"")));
        post_page(
            &t,
            &t.viewer,
            &save,
            &[
                ("target", "requirement:5.2"),
                ("version", "1"),
                ("work_state", "done"),
            ],
            StatusCode::FORBIDDEN,
        )
        .await;

        // Refusals say why, naming the field, and lead back.
        let stale = post_page(
            &t,
            &t.owner,
            &save,
            &[
                ("target", "requirement:5.2"),
                ("version", "0"),
                ("work_state", "done"),
            ],
            StatusCode::CONFLICT,
        )
        .await;
        assert!(stale.text().contains("Someone changed this first"));
        assert!(stale.text().contains("Eddie"), "{}", stale.text());
        let nameless = post_page(
            &t,
            &t.owner,
            &save,
            &[
                ("target", "requirement:5.2"),
                ("version", "1"),
                ("work_owner", "outsider"),
                ("work_state", "done"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(nameless.text().contains("Name of the owner from outside"));
        assert!(nameless.text().contains(&format!("href=\"{page}#work\"")));
        let bad_date = post_page(
            &t,
            &t.owner,
            &save,
            &[
                ("target", "requirement:5.2"),
                ("version", "1"),
                ("work_due", "2026-02-30"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert!(bad_date.text().contains("Due date:"), "{}", bad_date.text());

        // Done with an outsider as owner: the answer stays; the page points at its form.
        let answers = t
            .owner
            .get(&t.app, &format!("/api/v1/assessments/{a}/answers"))
            .await
            .json();
        post_page(
            &t,
            &t.editor,
            &save,
            &[
                ("target", "requirement:5.2"),
                ("version", "1"),
                ("work_owner", "outsider"),
                ("work_owner_name", "<b>Jane</b> (consultant)"),
                ("work_state", "done"),
            ],
            StatusCode::SEE_OTHER,
        )
        .await;
        let done = t.owner.get(&t.app, &page).await.text();
        assert!(done.contains("Marked done."), "{backend}");
        assert!(done.contains("href=\"#answer\""));
        assert!(done.contains("id=\"answer\""));
        assert!(done.contains("&#60;b&#62;Jane"), "{done}");
        assert!(!done.contains("<b>Jane"));
        assert_eq!(
            t.owner
                .get(&t.app, &format!("/api/v1/assessments/{a}/answers"))
                .await
                .json(),
            answers,
            "{backend}: done changed no answer"
        );

        // Comments: add, edit own, refused to others, deleted by an owner.
        let comments = format!("/assessments/{a}/comments");
        let added = post_page(
            &t,
            &t.owner,
            &comments,
            &[
                ("target", "requirement:5.2"),
                ("body", "<script>x</script> Policy sent to legal."),
            ],
            StatusCode::SEE_OTHER,
        )
        .await;
        assert_eq!(added.location(), format!("{page}#comments"));
        let id = t
            .owner
            .get(&t.app, &format!("/api/v1/assessments/{a}/comments"))
            .await
            .json()["comments"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let thread = t.owner.get(&t.app, &page).await.text();
        assert!(
            thread.contains("&#60;script&#62;x&#60;/script&#62; Policy sent to legal.")
                && !thread.contains("<script>x")
        );
        super::pages::accessible(&page, &thread);
        post_page(
            &t,
            &t.owner,
            &format!("{comments}/{id}/edit"),
            &[("body", "Policy approved by legal.")],
            StatusCode::SEE_OTHER,
        )
        .await;
        post_page(
            &t,
            &t.editor,
            &format!("{comments}/{id}/edit"),
            &[("body", "Not mine to change.")],
            StatusCode::FORBIDDEN,
        )
        .await;
        post_page(
            &t,
            &t.editor,
            &format!("{comments}/{id}/delete"),
            &[],
            StatusCode::FORBIDDEN,
        )
        .await;
        let edited = t.viewer.get(&t.app, &page).await.text();
        assert!(edited.contains("Policy approved by legal."));
        assert!(edited.contains("· edited"));
        post_page(
            &t,
            &t.owner,
            &format!("{comments}/{id}/delete"),
            &[],
            StatusCode::SEE_OTHER,
        )
        .await;
        let deleted = t.viewer.get(&t.app, &page).await.text();
        assert!(deleted.contains("Comment deleted; its text is in the history."));
        assert!(!deleted.contains("Policy approved by legal."));

        // A package of the roadmap has its page; work overdue shows on the roadmap and in
        // the owner's "my work".
        let package = format!("/assessments/{a}/packages/5.2");
        let yesterday = today.add_days(-1).to_string();
        post_page(
            &t,
            &t.owner,
            &save,
            &[
                ("target", "package:5.2"),
                ("version", "0"),
                ("work_owner", &editor),
                ("work_due", &yesterday),
            ],
            StatusCode::SEE_OTHER,
        )
        .await;
        let package_page = t.editor.get(&t.app, &package).await;
        assert_eq!(package_page.status, StatusCode::OK);
        super::pages::accessible(&package, &package_page.text());
        assert!(package_page.text().contains(&format!(
            "href=\"/assessments/{a}/requirements/5.2-1#answer\""
        )));
        assert_eq!(
            t.outsider.get(&t.app, &package).await.status,
            StatusCode::NOT_FOUND
        );
        let roadmap = t
            .viewer
            .get(&t.app, &format!("/assessments/{a}/roadmap"))
            .await
            .text();
        assert!(roadmap.contains("Overdue and due this week"));
        assert!(
            roadmap.contains(&format!(
                "<a href=\"{package}\">Work package 5.2</a>: due {yesterday}, Eddie"
            )),
            "{backend}"
        );
        let mine = t.editor.get(&t.app, "/me/work").await;
        assert_eq!(mine.status, StatusCode::OK);
        super::pages::accessible("/me/work", &mine.text());
        let overdue = mine.text();
        let overdue =
            &overdue[overdue.find("Overdue").unwrap()..overdue.find("Due this week").unwrap()];
        assert!(overdue.contains("Work package 5.2"), "{overdue}");
    }
}
