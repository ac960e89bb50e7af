//! What a compliance lead does over weeks: import, edit, see readiness move, keep history,
//! save runs and compare them, download reports, work with colleagues without lost updates.

use super::*;

#[tokio::test]
async fn import_edit_and_watch_readiness_move_with_history_and_runs() {
    let app = server().await;
    let owner = sign_up(&app, "Lead").await;
    let (_, id) = org_with_assessment(&app, &owner).await;
    let base = format!("/api/v1/assessments/{id}");

    let before = owner.get(&app, &format!("{base}/result")).await;
    assert_eq!(before.status, StatusCode::OK);
    let before = before.json();
    assert_eq!(before["schema"], "aimsgap/assessment-result/2");
    let point = before["readiness"]["overall"]["point"].as_f64().unwrap();

    // Answer a blocker with an approved document: readiness rises.
    let answer = json!({"status": "implemented", "owner": "CISO",
        "evidence": [{"ref": "soa.xlsx", "kind": "approved_document", "date": "2026-11-01"}]});
    let put = owner
        .put(
            &app,
            &format!("{base}/answers/6.1.3.f"),
            json!({"version": 1, "answer": answer}),
        )
        .await;
    assert_eq!(
        put.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&put.bytes)
    );
    assert_eq!(put.json()["version"], 2);
    let after = owner.get(&app, &format!("{base}/result")).await.json();
    assert!(after["readiness"]["overall"]["point"].as_f64().unwrap() > point);
    let soa_req = after["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "6.1.3.f")
        .unwrap();
    assert_eq!(soa_req["status"], "met");

    // An invalid answer is refused with the located reason; nothing is stored.
    let bad = owner
        .put(
            &app,
            &format!("{base}/answers/6.1.3.f"),
            json!({"version": 2, "answer": {"status": "done"}}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`done` is not one of")
    );
    let unknown = owner
        .put(
            &app,
            &format!("{base}/answers/9.9.9"),
            json!({"version": 0, "answer": {"status": "partial"}}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    // History keeps who, when, what, old and new.
    let history = owner.get(&app, &format!("{base}/history")).await.json();
    let entries = history["history"].as_array().unwrap();
    assert_eq!(entries[0]["entity"], "assessment");
    let last = entries.last().unwrap();
    assert_eq!(
        (last["entity"].as_str(), last["key"].as_str()),
        (Some("answer"), Some("6.1.3.f"))
    );
    assert_eq!(last["actor"], owner.user_id.clone().unwrap());
    assert_eq!(last["new"]["status"], "implemented");
    assert_eq!(last["old"]["status"], "planned");

    // Runs: save, list, compare.
    let first = owner
        .post(&app, &format!("{base}/runs"), json!({}))
        .await
        .json();
    owner
        .put(
            &app,
            &format!("{base}/answers/9.2.1-1"),
            json!({"version": 0, "answer": {"status": "implemented",
        "evidence": [{"ref": "audit-2026.pdf", "kind": "audit_report", "date": "2026-11-15"}]}}),
        )
        .await;
    let second = owner
        .post(&app, &format!("{base}/runs"), json!({}))
        .await
        .json();
    let runs = owner.get(&app, &format!("{base}/runs")).await.json();
    assert_eq!(runs["runs"].as_array().unwrap().len(), 2);
    assert_eq!(runs["runs"][0]["id"], second["id"], "newest first");
    let diff = owner
        .get(
            &app,
            &format!(
                "{base}/runs/{}/diff/{}",
                first["id"].as_str().unwrap(),
                second["id"].as_str().unwrap()
            ),
        )
        .await
        .json();
    assert_eq!(diff["schema"], "aimsgap/diff/1");
    assert!(
        diff["status_changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "9.2.1-1" && c["new"] == "met")
    );

    // Export is the assessment file back, and it round-trips through import.
    let exported = owner.get(&app, &format!("{base}/export")).await.json();
    assert_eq!(exported["answers"]["6.1.3.f"]["status"], "implemented");
    let org = owner.get(&app, "/api/v1/orgs").await.json()["organizations"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let again = owner
        .post(
            &app,
            &format!("/api/v1/orgs/{org}/assessments"),
            json!({"name": "copy", "document": exported}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
    let copy = again.json()["id"].as_str().unwrap().to_string();
    let copied = owner
        .get(&app, &format!("/api/v1/assessments/{copy}/export"))
        .await
        .json();
    assert_eq!(copied, exported, "lossless round trip");
    let copy_result = owner
        .get(&app, &format!("/api/v1/assessments/{copy}/result"))
        .await
        .json();
    let now = owner.get(&app, &format!("{base}/result")).await.json();
    assert_eq!(copy_result["readiness"], now["readiness"]);
}

#[tokio::test]
async fn concurrent_editors_get_one_winner_and_a_409_with_the_current_value() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (org, id) = org_with_assessment(&app, &owner).await;
    let editor = invite(&app, &owner, &org, "editor", "Editor").await;
    let uri = format!("/api/v1/assessments/{id}/answers/5.2");
    let current = owner
        .get(&app, &format!("/api/v1/assessments/{id}/answers"))
        .await
        .json();
    let version = current["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == "5.2")
        .unwrap()["version"]
        .as_i64()
        .unwrap();
    let mine = owner
        .put(
            &app,
            &uri,
            json!({"version": version, "answer": {"status": "implemented"}}),
        )
        .await;
    let theirs = editor
        .put(
            &app,
            &uri,
            json!({"version": version, "answer": {"status": "planned"}}),
        )
        .await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(theirs.status, StatusCode::CONFLICT);
    let error = theirs.json();
    assert_eq!(error["error"]["code"], "conflict");
    assert_eq!(error["error"]["current"]["value"]["status"], "implemented");
    assert_eq!(error["error"]["current"]["version"], version + 1);
    assert_eq!(
        error["error"]["current"]["updated_by"],
        owner.user_id.clone().unwrap()
    );
}

#[tokio::test]
async fn viewers_read_auditors_export_and_neither_edits() {
    for (backend, app) in servers().await {
        eprintln!("backend: {backend}");
        let owner = sign_up(&app, "Owner").await;
        let (org, id) = org_with_assessment(&app, &owner).await;
        let viewer = invite(&app, &owner, &org, "viewer", "Viewer").await;
        let auditor = invite(&app, &owner, &org, "auditor", "Auditor").await;
        let base = format!("/api/v1/assessments/{id}");
        assert_eq!(
            viewer.get(&app, &format!("{base}/result")).await.status,
            StatusCode::OK
        );
        assert_eq!(
            viewer
                .get(&app, &format!("{base}/reports/xlsx"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let xlsx = auditor.get(&app, &format!("{base}/reports/xlsx")).await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert!(xlsx.bytes.starts_with(b"PK"), "an XLSX is a zip");
        for who in [&viewer, &auditor] {
            let edit = who
                .put(
                    &app,
                    &format!("{base}/answers/5.2"),
                    json!({"version": 1, "answer": {"status": "planned"}}),
                )
                .await;
            assert_eq!(edit.status, StatusCode::FORBIDDEN);
        }
        let html = auditor.get(&app, &format!("{base}/reports/html")).await;
        assert!(String::from_utf8_lossy(&html.bytes).contains("Acme Cloud"));
        assert!(
            html.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains("acme-cloud-2026-11-29-aimsgap.html")
        );
        let unknown = auditor.get(&app, &format!("{base}/reports/docx")).await;
        assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn invitations_work_once_and_tokens_automate() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (org, _) = org_with_assessment(&app, &owner).await;
    let invitation = owner
        .post(
            &app,
            &format!("/api/v1/orgs/{org}/invitations"),
            json!({"role": "editor"}),
        )
        .await
        .json();
    let accept = invitation["accept"].as_str().unwrap();
    let first = sign_up(&app, "First").await;
    let second = sign_up(&app, "Second").await;
    assert_eq!(
        first.post(&app, accept, json!({})).await.status,
        StatusCode::OK
    );
    assert_eq!(
        second.post(&app, accept, json!({})).await.status,
        StatusCode::NOT_FOUND,
        "one use only"
    );

    // An API token acts for its user without a cookie or CSRF token; it is shown once.
    let created = owner
        .post(&app, "/api/v1/tokens", json!({"name": "ci"}))
        .await
        .json();
    let bot = Client {
        token: created["token"].as_str().map(str::to_string),
        ..Client::default()
    };
    let imported = bot
        .post(
            &app,
            &format!("/api/v1/orgs/{org}/assessments"),
            json!({"name": "from ci", "content": EXAMPLE}),
        )
        .await;
    assert_eq!(imported.status, StatusCode::CREATED);
    let listed = owner.get(&app, "/api/v1/tokens").await.json();
    assert!(
        listed["tokens"][0].get("token").is_none(),
        "the secret is never shown again"
    );
    let revoked = owner
        .send(
            &app,
            Method::DELETE,
            &format!("/api/v1/tokens/{}", created["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(
        bot.get(&app, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );

    // The last owner cannot be demoted or removed.
    let me = owner.user_id.clone().unwrap();
    let demote = owner
        .put(
            &app,
            &format!("/api/v1/orgs/{org}/members/{me}"),
            json!({"role": "viewer"}),
        )
        .await;
    assert_eq!(demote.status, StatusCode::BAD_REQUEST);

    // Paging: the list has a cursor when full.
    let page = owner
        .get(&app, &format!("/api/v1/orgs/{org}/assessments?limit=1"))
        .await
        .json();
    assert_eq!(page["assessments"].as_array().unwrap().len(), 1);
    let next = page["next"].as_str().unwrap();
    let rest = owner
        .get(
            &app,
            &format!("/api/v1/orgs/{org}/assessments?limit=5&before={next}"),
        )
        .await
        .json();
    assert_eq!(rest["assessments"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn logout_everywhere_ends_every_session() {
    let app = server().await;
    let user = sign_up(&app, "Ada").await;
    let email = user.get(&app, "/api/v1/me").await.json()["user"]["email"]
        .as_str()
        .unwrap()
        .to_string();
    let login = Client::default()
        .post(
            &app,
            "/api/v1/login",
            json!({"email": email, "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK);
    let ended = user
        .post(&app, "/api/v1/logout-all", json!({}))
        .await
        .json();
    assert_eq!(ended["sessions_ended"], 2);
    assert_eq!(
        user.get(&app, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn results_are_served_gzip_to_clients_that_accept_it() {
    let app = server().await;
    let owner = sign_up(&app, "Lead").await;
    let (_, id) = org_with_assessment(&app, &owner).await;
    let plain = owner
        .get(&app, &format!("/api/v1/assessments/{id}/result"))
        .await;
    let request = Request::builder()
        .uri(format!("/api/v1/assessments/{id}/result"))
        .header(
            header::COOKIE,
            format!("aimsgap_session={}", owner.cookie.clone().unwrap()),
        )
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    let compressed = response.into_body().collect().await.unwrap().to_bytes();
    assert!(
        compressed.len() * 5 < plain.bytes.len(),
        "{} vs {}",
        compressed.len(),
        plain.bytes.len()
    );
    let mut decoded = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(compressed.as_ref()),
        &mut decoded,
    )
    .unwrap();
    assert_eq!(decoded, plain.bytes);
}

#[tokio::test]
async fn owners_see_pending_invitations_and_a_revoked_link_stops_working() {
    let app = server().await;
    let owner = sign_up(&app, "Lead").await;
    let (org, _) = org_with_assessment(&app, &owner).await;
    let list = format!("/api/v1/orgs/{org}/invitations");
    let mut created = Vec::new();
    for role in ["viewer", "editor"] {
        let invitation = owner.post(&app, &list, json!({"role": role})).await;
        assert_eq!(invitation.status, StatusCode::CREATED);
        created.push(invitation.json());
    }
    let listed = owner.get(&app, &list).await;
    assert_eq!(listed.status, StatusCode::OK);
    let text = listed.text();
    for invitation in &created {
        let secret = invitation["token"].as_str().unwrap();
        assert!(
            !text.contains(secret) && !text.contains(&aimsgap_store::hash_token(secret)[..16]),
            "the list shows no secret and no hash"
        );
    }
    let listed = listed.json();
    let pending = listed["invitations"].as_array().unwrap();
    assert_eq!(
        pending
            .iter()
            .map(|i| (i["id"].clone(), i["role"].clone()))
            .collect::<Vec<_>>(),
        created
            .iter()
            .map(|i| (i["id"].clone(), i["role"].clone()))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        pending[0]["created_by"]["id"],
        owner.user_id.clone().unwrap()
    );
    assert!(
        pending[0]["expires_at"].as_str().unwrap() > pending[0]["created_at"].as_str().unwrap()
    );

    // A viewer may not see them; revoking one makes its link useless.
    let viewer = invite(&app, &owner, &org, "viewer", "Viewer").await;
    assert_eq!(viewer.get(&app, &list).await.status, StatusCode::FORBIDDEN);
    let revoke = format!("{list}/{}", created[0]["id"].as_str().unwrap());
    assert_eq!(
        viewer
            .send(&app, Method::DELETE, &revoke, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        owner.send(&app, Method::DELETE, &revoke, None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        owner.send(&app, Method::DELETE, &revoke, None).await.status,
        StatusCode::NOT_FOUND
    );
    let late = sign_up(&app, "Late").await;
    let accept = created[0]["accept"].as_str().unwrap();
    assert_eq!(
        late.post(&app, accept, json!({})).await.status,
        StatusCode::NOT_FOUND
    );
    let left = owner.get(&app, &list).await.json();
    assert_eq!(left["invitations"].as_array().unwrap().len(), 1);

    // The organisation page lists the pending one with a revoke form carrying the CSRF token.
    let page = owner.get(&app, &format!("/orgs/{org}")).await.text();
    let remaining = created[1]["id"].as_str().unwrap();
    let action = format!("/orgs/{org}/invitations/{remaining}/revoke");
    assert!(page.contains("Pending invitations") && page.contains(&action));
    assert!(!page.contains(created[1]["token"].as_str().unwrap()));
    let revoked = owner.form(&app, &action, &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(revoked.location(), format!("/orgs/{org}#invite"));
    let no_csrf = Client {
        csrf: None,
        ..owner.clone()
    };
    assert_eq!(
        no_csrf.form(&app, &action, &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let page = owner.get(&app, &format!("/orgs/{org}")).await.text();
    assert!(!page.contains("Pending invitations"));
    assert_eq!(
        late.post(&app, created[1]["accept"].as_str().unwrap(), json!({}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn api_tokens_expire_and_an_expired_token_is_refused_at_once() {
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let app = app(AppState::new(store.clone(), catalog(), Config::default()));
    let owner = sign_up(&app, "Lead").await;
    let day = owner
        .post(
            &app,
            "/api/v1/tokens",
            json!({"name": "day", "expires_in_days": 1}),
        )
        .await;
    assert_eq!(day.status, StatusCode::CREATED);
    let default = owner
        .post(&app, "/api/v1/tokens", json!({"name": "ci"}))
        .await
        .json();
    let expiry = |days: u64| aimsgap_store::in_seconds(days * 86_400);
    let day_expiry = day.json()["expires_at"].as_str().unwrap().to_string();
    assert!(day_expiry > expiry(0) && day_expiry <= expiry(1));
    let default_expiry = default["expires_at"].as_str().unwrap().to_string();
    assert!(default_expiry > expiry(89) && default_expiry <= expiry(90));
    for days in [0, 367, 100_000] {
        let refused = owner
            .post(
                &app,
                "/api/v1/tokens",
                json!({"name": "x", "expires_in_days": days}),
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{days}");
        assert!(refused.text().contains("expires_in_days"));
    }
    let listed = owner.get(&app, "/api/v1/tokens").await.json();
    assert_eq!(
        listed["tokens"][0]["expires_at"].as_str().unwrap(),
        day_expiry
    );

    // A token past its expiry is refused with 401 before any housekeeping runs.
    let bot = |secret: &str| Client {
        token: Some(secret.to_string()),
        ..Client::default()
    };
    assert_eq!(
        bot(default["token"].as_str().unwrap())
            .get(&app, "/api/v1/me")
            .await
            .status,
        StatusCode::OK
    );
    let secret = aimsgap_store::new_token().unwrap();
    store
        .create_api_token_until(
            owner.user_id.as_deref().unwrap(),
            "old",
            &secret,
            &aimsgap_store::rfc3339(1_000_000),
        )
        .await
        .unwrap();
    assert_eq!(
        bot(&secret).get(&app, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn two_owners_removing_or_demoting_each_other_at_once_leave_one_owner() {
    let app = server().await;
    for round in 0..20 {
        for demote in [false, true] {
            let first = sign_up(&app, "First").await;
            let (org, _) = org_with_assessment(&app, &first).await;
            let second = invite(&app, &first, &org, "owner", "Second").await;
            let change = |actor: &Client, target: &Client| {
                let path = format!(
                    "/api/v1/orgs/{org}/members/{}",
                    target.user_id.as_deref().unwrap()
                );
                let actor = actor.clone();
                let app = app.clone();
                async move {
                    if demote {
                        actor
                            .put(&app, &path, json!({"role": "viewer"}))
                            .await
                            .status
                    } else {
                        actor.send(&app, Method::DELETE, &path, None).await.status
                    }
                }
            };
            let (a, b) = tokio::join!(change(&first, &second), change(&second, &first));
            let mut statuses = [a.as_u16(), b.as_u16()];
            statuses.sort_unstable();
            let members = first
                .get(&app, &format!("/api/v1/orgs/{org}/members"))
                .await;
            let members = if members.status == StatusCode::OK {
                members.json()
            } else {
                second
                    .get(&app, &format!("/api/v1/orgs/{org}/members"))
                    .await
                    .json()
            };
            // Both gone would leave no member who may even read the list: no owner at all.
            let owners = members["members"].as_array().map_or(0, |members| {
                members.iter().filter(|m| m["role"] == "owner").count()
            });
            assert_eq!(
                (owners, statuses),
                (1, [204, 400]),
                "round {round}, demote {demote}"
            );
        }
    }
}

#[tokio::test]
async fn housekeeping_purges_expired_tokens_and_sessions_when_the_server_starts() {
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let state = AppState::new(store.clone(), catalog(), Config::default());
    let app = app(state.clone());
    let owner = sign_up(&app, "Lead").await;
    let user = owner.user_id.clone().unwrap();
    let long_ago = aimsgap_store::rfc3339(1_000_000);
    for name in ["old", "older"] {
        store
            .create_api_token_until(&user, name, &aimsgap_store::new_token().unwrap(), &long_ago)
            .await
            .unwrap();
    }
    store
        .create_session(&user, &aimsgap_store::new_token().unwrap(), "c", &long_ago)
        .await
        .unwrap();
    owner
        .post(&app, "/api/v1/tokens", json!({"name": "live"}))
        .await;
    assert_eq!(store.api_tokens(&user).await.unwrap().len(), 3);

    let task = tokio::spawn(aimsgap_web::housekeeping(state));
    // The first pass runs at once; the bound is only there so that a broken pass fails.
    let mut names = Vec::new();
    for _ in 0..200 {
        names = store
            .api_tokens(&user)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect::<Vec<_>>();
        if names.len() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    task.abort();
    assert_eq!(names, ["live"]);
    // The expired session went too; the live one (the sign-up's) is all that is left.
    assert_eq!(store.delete_sessions_of(&user).await.unwrap(), 1);
}

/// A file of format 1 imported through the API is stored in format 2 with its ids renamed
/// (format 1's 6.1.3.d is today's 6.1.3.f), and a client that still writes `aimsgap: 1` in the
/// profile leaves the stored answers meaning what they meant.
#[tokio::test]
async fn a_format_1_import_is_stored_with_todays_ids_and_an_old_profile_keeps_them() {
    let app = server().await;
    let owner = sign_up(&app, "Lead").await;
    let org = owner
        .post(&app, "/api/v1/orgs", json!({"name": "Old"}))
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let old = "aimsgap: 1\nas_of: 2026-11-29\norganization: {name: Old}\nanswers:\n  \"6.1.3.d\": {status: implemented, evidence: [{ref: soa.xlsx, kind: approved_document, date: 2026-11-01}]}\n  \"6.1.3.f\": {status: planned}\n";
    let imported = owner
        .post(
            &app,
            &format!("/api/v1/orgs/{org}/assessments"),
            json!({"name": "old", "content": old}),
        )
        .await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.text());
    // The answer says which ids were renamed, as the command line warns.
    let renamed: Vec<String> = imported.json()["renamed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|sentence| sentence.as_str().unwrap().to_string())
        .collect();
    assert_eq!(renamed.len(), 2, "{renamed:?}");
    assert!(
        renamed[0].starts_with("6.1.3.d is now 6.1.3.f"),
        "{renamed:?}"
    );
    assert!(
        renamed[1].starts_with("6.1.3.f is now 6.1.3-1"),
        "{renamed:?}"
    );
    let id = imported.json()["id"].as_str().unwrap().to_string();
    let base = format!("/api/v1/assessments/{id}");
    let exported = owner.get(&app, &format!("{base}/export")).await.json();
    assert_eq!(exported["aimsgap"], 2);
    assert_eq!(exported["answers"]["6.1.3.f"]["status"], "implemented");
    assert_eq!(exported["answers"]["6.1.3-1"]["status"], "planned");
    let assessment = owner.get(&app, &base).await.json();
    let mut profile = assessment["profile"]["value"].clone();
    profile["aimsgap"] = json!(1);
    let put = owner
        .put(
            &app,
            &format!("{base}/profile"),
            json!({"version": assessment["profile"]["version"], "profile": profile}),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text());
    let exported = owner.get(&app, &format!("{base}/export")).await.json();
    assert_eq!(exported["aimsgap"], 2);
    assert_eq!(exported["answers"]["6.1.3.f"]["status"], "implemented");
    let result = owner.get(&app, &format!("{base}/result")).await.json();
    let soa = result["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "6.1.3.f")
        .unwrap();
    assert_eq!(soa["status"], "met");
}

/// A write of one answer, AI system or profile judges what it writes, not the rest of the stored
/// assessments: before, every write re-read and re-validated the whole stored document, so an
/// item that today's rules refuse (here, stored behind the server's back) blocked every other
/// write. A refused write still names the fields and messages the whole document's validation
/// always named.
#[tokio::test]
async fn item_writes_to_stored_assessments_judge_the_item_not_the_whole_document() {
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let app = app(AppState::new(store.clone(), catalog(), Config::default()));
    let owner = sign_up(&app, "Lead").await;
    let (_, id) = org_with_assessment(&app, &owner).await;
    let base = format!("/api/v1/assessments/{id}");
    let version = store.answer(&id, "5.2").await.unwrap().version;
    store
        .put_answer(
            &id,
            "5.2",
            Some(&json!({"status": "done"})),
            version,
            "someone",
        )
        .await
        .unwrap();

    let answer = owner
        .put(
            &app,
            &format!("{base}/answers/7.4-1"),
            json!({"version": 0, "answer": {"status": "partial", "notes": "weekly"}}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.json()["version"], 1);

    let system =
        json!({"id": "support-assistant", "name": "Support assistant", "role": "deployer"});
    let version = store
        .ai_system(&id, "support-assistant")
        .await
        .unwrap()
        .version;
    let saved = owner
        .put(
            &app,
            &format!("{base}/ai-systems/support-assistant"),
            json!({"version": version, "system": system}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());

    let assessment = owner.get(&app, &base).await.json();
    let mut profile = assessment["profile"]["value"].as_object().unwrap().clone();
    profile.insert("as_of".into(), json!("2026-11-30"));
    let version = assessment["profile"]["version"].as_u64().unwrap();
    let moved = owner
        .put(
            &app,
            &format!("{base}/profile"),
            json!({"version": version, "profile": profile}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());

    // A refused item is refused as the whole document refuses it: every error, located.
    let refused = owner
        .put(
            &app,
            &format!("{base}/answers/7.4-1"),
            json!({"version": 1, "answer": {"status": "partial", "maturity": 9}}),
        )
        .await;
    let message = refused.error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        "answers.7.4-1.maturity: maturity 9: expected 0..5",
    );
    assert!(message.contains("answers.5.2.status"), "{message}");
    assert!(message.starts_with("answers.7.4-1:"), "{message}");
    let stored = store.answer(&id, "7.4-1").await.unwrap();
    assert_eq!(stored.version, 1, "nothing is stored");
}
