//! The dashboard, the daily runs and the gap register: pages, exports and the register's API
//! (on every backend `servers()` reaches), and the daily run driven directly with a given day.

use super::*;
use aimsgap_catalog::Date;

/// A page's text with the entities askama writes turned back into characters.
fn unescaped(html: &str) -> String {
    html.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

#[tokio::test]
async fn the_dashboard_shows_where_the_assessment_stands_and_records_a_run_on_demand() {
    for (backend, app) in servers().await {
        let owner = sign_up(&app, "Owner").await;
        let (org, id) = org_with_assessment(&app, &owner).await;
        let viewer = invite(&app, &owner, &org, "viewer", "Viewer").await;
        let outsider = sign_up(&app, "Outsider").await;
        let base = format!("/assessments/{id}");

        let page = owner.get(&app, &format!("{base}/dashboard")).await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        let html = page.text();
        for needle in [
            "Readiness over time",
            "Per clause and objective",
            "Blockers left",
            "Law dates in the next 90 days",
            "Work due",
            "No run saved yet",
            "Record a run now",
            "aria-current=\"page\">Dashboard",
        ] {
            assert!(html.contains(needle), "{backend}: {needle}");
        }
        // The dashboard is the first tab.
        let first_tab = html.find("<nav class=\"tabs\"").unwrap();
        let tabs = &html[first_tab..];
        assert!(tabs.find("Dashboard").unwrap() < tabs.find("Overview").unwrap());

        // The figures are the result's: readiness, blockers, every clause and objective, and
        // each law date within 90 days of the as-of date.
        let result = owner
            .get(&app, &format!("/api/v1{base}/result"))
            .await
            .json();
        let point = result["readiness"]["overall"]["point"].as_f64().unwrap();
        assert!(
            html.contains(&format!("{point:.0}<span class=\"unit\">%")),
            "{backend}"
        );
        let blockers = result["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["blocker"] == true)
            .count();
        assert!(
            html.contains(&format!("Blockers left: {blockers}")),
            "{backend}"
        );
        for group in result["readiness"]["groups"].as_array().unwrap() {
            let id = group["id"].as_str().unwrap();
            assert!(
                html.contains(&format!("register?group={id}\"")),
                "{backend}: {id}"
            );
        }
        let mut upcoming = 0;
        for law in result["obligations"].as_array().unwrap() {
            for item in law["items"].as_array().unwrap() {
                let days = item["days_until"].as_i64().unwrap();
                if item["state"] == "upcoming" && (0..=90).contains(&days) {
                    upcoming += 1;
                    let title = item["title"].as_str().unwrap();
                    assert!(unescaped(&html).contains(title), "{backend}: {title}");
                }
            }
        }
        if upcoming == 0 {
            assert!(html.contains("No obligation of an AI system starts to apply"));
        }

        // A viewer reads it without the button and cannot record a run; an outsider sees
        // nothing.
        let seen = viewer.get(&app, &format!("{base}/dashboard")).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(!seen.text().contains("Record a run now"));
        let refused = viewer
            .form(&app, &format!("{base}/dashboard/runs"), &[])
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{backend}");
        for path in ["dashboard", "register", "register.csv", "register.xlsx"] {
            let hidden = outsider.get(&app, &format!("{base}/{path}")).await;
            assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{backend}: {path}");
        }
        let hidden = outsider.get(&app, &format!("/api/v1{base}/register")).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{backend}");

        // On demand: a run, and the chart has a point.
        let recorded = owner
            .form(&app, &format!("{base}/dashboard/runs"), &[])
            .await;
        assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{backend}");
        assert_eq!(recorded.location(), format!("{base}/dashboard"));
        let html = owner.get(&app, &format!("{base}/dashboard")).await.text();
        assert!(
            html.contains("1 saved run ·") || html.contains("1 saved run<"),
            "{backend}"
        );
        assert_eq!(html.matches("<circle").count(), 1, "{backend}");
        assert!(!html.contains("No run saved yet"));
        owner
            .form(&app, &format!("{base}/dashboard/runs"), &[])
            .await;
        let html = owner.get(&app, &format!("{base}/dashboard")).await.text();
        assert_eq!(html.matches("<circle").count(), 2, "{backend}");
        assert!(html.contains("<polyline"));
    }
}

/// The runs of one assessment through the API.
async fn runs_of(app: &Router, owner: &Client, id: &str) -> Vec<Value> {
    owner
        .get(app, &format!("/api/v1/assessments/{id}/runs"))
        .await
        .json()["runs"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_daily_run_is_recorded_once_a_day_and_only_when_something_changed() {
    let mut backends = vec![(
        "sqlite",
        aimsgap_store::Store::connect("sqlite::memory:")
            .await
            .unwrap(),
    )];
    if let Ok(url) = std::env::var("AIMSGAP_TEST_DATABASE_URL")
        && !url.is_empty()
    {
        backends.push((
            "postgres",
            aimsgap_store::Store::connect(&url).await.unwrap(),
        ));
    }
    for (backend, store) in backends {
        let state = AppState::new(store, catalog(), Config::default());
        let app = app(state.clone());
        let owner = sign_up(&app, "Owner").await;
        let (_, id) = org_with_assessment(&app, &owner).await;
        let today = aimsgap_store::today();
        let record = |day: Date| {
            let state = state.clone();
            async move { aimsgap_web::record_daily_runs(&state, day).await.unwrap() }
        };
        let exact = backend == "sqlite";

        // A new assessment has changed since its (missing) last run.
        let recorded = record(today).await;
        if exact {
            assert_eq!(recorded, 1);
        }
        let runs = runs_of(&app, &owner, &id).await;
        assert_eq!(runs.len(), 1, "{backend}");
        assert_eq!(runs[0]["created_by"], aimsgap_store::DAILY_RUN_ACTOR);
        // Not twice the same day, even after a change.
        record(today).await;
        assert_eq!(runs_of(&app, &owner, &id).await.len(), 1, "{backend}");
        let answer = owner
            .put(
                &app,
                &format!("/api/v1/assessments/{id}/answers/7.4-1"),
                json!({"version": 0, "answer": {"status": "partial"}}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        let recorded = record(today).await;
        if exact {
            assert_eq!(recorded, 0);
        }
        assert_eq!(runs_of(&app, &owner, &id).await.len(), 1, "{backend}");
        // The next day: the change is recorded, once.
        let tomorrow = today.add_days(1);
        let recorded = record(tomorrow).await;
        if exact {
            assert_eq!(recorded, 1);
        }
        assert_eq!(runs_of(&app, &owner, &id).await.len(), 2, "{backend}");
        record(tomorrow).await;
        assert_eq!(runs_of(&app, &owner, &id).await.len(), 2, "{backend}");
        // Nothing changed since: no run the day after either.
        let recorded = record(today.add_days(2)).await;
        if exact {
            assert_eq!(recorded, 0);
        }
        assert_eq!(runs_of(&app, &owner, &id).await.len(), 2, "{backend}");
        // A run saved on demand counts as the latest run: a change before it is not recorded
        // again.
        owner
            .put(
                &app,
                &format!("/api/v1/assessments/{id}/answers/7.4-1"),
                json!({"version": 1, "answer": {"status": "implemented"}}),
            )
            .await;
        owner
            .post(&app, &format!("/api/v1/assessments/{id}/runs"), json!({}))
            .await;
        record(today.add_days(3)).await;
        assert_eq!(runs_of(&app, &owner, &id).await.len(), 3, "{backend}");
        // The runs page names the daily runs as such.
        let page = owner
            .get(&app, &format!("/assessments/{id}/runs"))
            .await
            .text();
        assert!(page.contains("daily run"), "{backend}");
    }
}

#[tokio::test]
async fn many_assessments_are_paged_through_and_each_gets_its_daily_run() {
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let state = AppState::new(store, catalog(), Config::default());
    let app = app(state.clone());
    let owner = sign_up(&app, "Owner").await;
    let org = owner
        .post(&app, "/api/v1/orgs", json!({"name": "Many"}))
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // More than one page of the daily pass (100).
    for i in 0..105 {
        let made = owner
            .post(
                &app,
                &format!("/api/v1/orgs/{org}/assessments"),
                json!({"name": format!("a{i}"), "content": EXAMPLE}),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED);
    }
    let today = aimsgap_store::today();
    assert_eq!(
        aimsgap_web::record_daily_runs(&state, today).await.unwrap(),
        105
    );
    assert_eq!(
        aimsgap_web::record_daily_runs(&state, today.add_days(1))
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn the_register_lists_open_work_filters_it_and_exports_exactly_the_rows_shown() {
    for (backend, app) in servers().await {
        let owner = sign_up(&app, "Owner").await;
        let (org, id) = org_with_assessment(&app, &owner).await;
        let viewer = invite(&app, &owner, &org, "viewer", "Viewer").await;
        let auditor = invite(&app, &owner, &org, "auditor", "Auditor").await;
        let api = format!("/api/v1/assessments/{id}/register");
        let result = owner
            .get(&app, &format!("/api/v1/assessments/{id}/result"))
            .await
            .json();
        let gaps = result["gaps"].as_array().unwrap();
        let packages = result["work_packages"].as_array().unwrap();

        let all = owner.get(&app, &api).await;
        assert_eq!(all.status, StatusCode::OK, "{backend}: {}", all.text());
        let all = all.json();
        let rows = all["rows"].as_array().unwrap();
        assert_eq!(rows.len(), gaps.len() + packages.len(), "{backend}");
        assert_eq!(all["total"].as_u64().unwrap() as usize, rows.len());
        assert!(
            rows.iter()
                .all(|r| r["state"] == "not_started" && r["owner"].is_null())
        );
        // Highest priority first by default.
        let priorities: Vec<f64> = rows
            .iter()
            .map(|r| r["priority"].as_f64().unwrap())
            .collect();
        assert!(priorities.windows(2).all(|p| p[0] >= p[1]), "{backend}");

        // Blockers only: every gap that blocks, and every package with one.
        let blockers = owner.get(&app, &format!("{api}?blocker=yes")).await.json();
        let blockers = blockers["rows"].as_array().unwrap();
        let expected = gaps.iter().filter(|g| g["blocker"] == true).count()
            + packages.iter().filter(|p| p["blocker"] == true).count();
        assert_eq!(blockers.len(), expected, "{backend}");
        assert!(blockers.len() < rows.len());
        assert!(blockers.iter().all(|r| r["blocker"] == true));

        // A bad filter names its field.
        owner
            .get(&app, &format!("{api}?due_before=tomorrow"))
            .await
            .error(StatusCode::BAD_REQUEST, "bad_request", "due_before");

        // The page shows the same rows, linked, with the filter kept in the export links.
        let page = owner
            .get(
                &app,
                &format!("/assessments/{id}/register?blocker=yes&sort=id"),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains(&format!("{} of {} rows", blockers.len(), rows.len())));
        assert!(unescaped(&html).contains(&format!(
            "/assessments/{id}/register.csv?blocker=yes&sort=id"
        )));
        for row in blockers {
            let kind = if row["kind"] == "package" {
                "packages"
            } else {
                "requirements"
            };
            let href = format!("/assessments/{id}/{kind}/{}", row["id"].as_str().unwrap());
            assert!(html.contains(&format!("href=\"{href}\"")), "{href}");
        }

        // The CSV holds the page's rows in the page's order.
        let csv = owner
            .get(
                &app,
                &format!("/assessments/{id}/register.csv?blocker=yes&sort=id"),
            )
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        let disposition = csv.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            disposition.contains("acme-cloud-2026-11-29-gap-register.csv"),
            "{disposition}"
        );
        let sorted = owner
            .get(&app, &format!("{api}?blocker=yes&sort=id"))
            .await
            .json();
        let ids: Vec<String> = csv
            .text()
            .lines()
            .skip(1)
            .map(|line| line.split(',').nth(1).unwrap().to_string())
            .collect();
        let expected: Vec<String> = sorted["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids, expected, "{backend}");
        let xlsx = auditor
            .get(
                &app,
                &format!("/assessments/{id}/register.xlsx?blocker=yes"),
            )
            .await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert!(xlsx.bytes.starts_with(b"PK"));

        // A viewer reads the register but does not download it.
        let seen = viewer
            .get(&app, &format!("/assessments/{id}/register"))
            .await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(!seen.text().contains("register.csv"));
        let refused = viewer
            .get(&app, &format!("/assessments/{id}/register.csv"))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn owners_states_due_dates_and_comments_reach_the_register_and_the_dashboard() {
    let mut backends = vec![(
        "sqlite",
        aimsgap_store::Store::connect("sqlite::memory:")
            .await
            .unwrap(),
    )];
    if let Ok(url) = std::env::var("AIMSGAP_TEST_DATABASE_URL")
        && !url.is_empty()
    {
        backends.push((
            "postgres",
            aimsgap_store::Store::connect(&url).await.unwrap(),
        ));
    }
    for (backend, store) in backends {
        let state = AppState::new(store.clone(), catalog(), Config::default());
        let app = app(state);
        let owner = sign_up(&app, "Owner").await;
        let owner_id = owner.user_id.clone().unwrap();
        let (_, id) = org_with_assessment(&app, &owner).await;
        let result = owner
            .get(&app, &format!("/api/v1/assessments/{id}/result"))
            .await
            .json();
        let gap = |i: usize| result["gaps"][i]["id"].as_str().unwrap().to_string();
        let (r1, r2) = (gap(0), gap(1));
        let p1 = result["work_packages"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let today = aimsgap_store::today();
        let day = |offset: i64| Some(today.add_days(offset).to_string());
        let consultant = "Jane Doe (consultant)";
        let put = |target: String, fields: aimsgap_store::WorkFields| {
            let store = store.clone();
            let (id, owner_id) = (id.clone(), owner_id.clone());
            async move {
                store
                    .put_work_item(&id, &target, 0, &fields, &owner_id)
                    .await
                    .unwrap()
            }
        };
        put(
            format!("requirement:{r1}"),
            aimsgap_store::WorkFields {
                owner_user: Some(owner_id.clone()),
                owner_name: None,
                due: day(-3),
                state: aimsgap_store::WorkState::InProgress,
            },
        )
        .await;
        put(
            format!("requirement:{r2}"),
            aimsgap_store::WorkFields {
                owner_user: None,
                owner_name: Some(consultant.into()),
                due: day(-1),
                state: aimsgap_store::WorkState::Done,
            },
        )
        .await;
        put(
            format!("package:{p1}"),
            aimsgap_store::WorkFields {
                owner_user: None,
                owner_name: Some(consultant.into()),
                due: day(3),
                state: aimsgap_store::WorkState::NotStarted,
            },
        )
        .await;
        let target = format!("requirement:{r1}");
        store
            .add_comment(&id, &target, "first", &owner_id)
            .await
            .unwrap();
        let gone = store
            .add_comment(&id, &target, "second", &owner_id)
            .await
            .unwrap();
        store
            .delete_comment(&id, &gone.id, &owner_id)
            .await
            .unwrap();

        let api = format!("/api/v1/assessments/{id}/register");
        let rows = |query: &'static str| {
            let (app, owner, api) = (app.clone(), owner.clone(), api.clone());
            async move {
                let reply = owner.get(&app, &format!("{api}{query}")).await;
                assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.text());
                reply.json()["rows"].as_array().unwrap().clone()
            }
        };
        let ids = |rows: &[Value]| -> Vec<String> {
            rows.iter()
                .map(|r| {
                    format!(
                        "{}:{}",
                        r["kind"].as_str().unwrap(),
                        r["id"].as_str().unwrap()
                    )
                })
                .collect()
        };
        let (t1, t2, tp) = (
            format!("requirement:{r1}"),
            format!("requirement:{r2}"),
            format!("package:{p1}"),
        );
        let mine = rows("?owner=Owner").await;
        assert_eq!(ids(&mine), vec![t1.clone()], "{backend}");
        assert_eq!(mine[0]["state"], "in_progress");
        assert_eq!(mine[0]["comments"], 1, "deleted comments are not counted");
        let theirs = rows("?owner=Jane%20Doe%20%28consultant%29&sort=id").await;
        assert_eq!(theirs.len(), 2, "{backend}");
        assert_eq!(
            ids(&rows("?state=done").await),
            vec![t2.clone()],
            "{backend}"
        );
        let before: Vec<String> = ids(&rows("?due_before=2999-01-01&sort=due").await);
        assert_eq!(before, [t1.clone(), t2.clone(), tp.clone()], "{backend}");
        let all = rows("").await;
        assert_eq!(rows("?owner=-").await.len(), all.len() - 3, "{backend}");

        // The page shows owners and the overdue date; the dashboard lists what is overdue and
        // due this week, but not what is done.
        let page = owner
            .get(&app, &format!("/assessments/{id}/register?sort=due"))
            .await
            .text();
        assert!(
            page.contains(consultant) && page.contains(" overdue"),
            "{backend}"
        );
        let dash = owner
            .get(&app, &format!("/assessments/{id}/dashboard"))
            .await
            .text();
        let dash =
            &dash[dash.find("Work due</h3>").unwrap()..dash.find("id=\"dash-groups\"").unwrap()];
        assert!(dash.contains("Overdue: 1"), "{backend}");
        assert!(dash.contains("Due this week: 1"), "{backend}");
        assert!(dash.contains(&format!("/assessments/{id}/requirements/{r1}\"")));
        assert!(dash.contains(&format!("/assessments/{id}/packages/{p1}\"")));
        assert!(!dash.contains(&format!("/assessments/{id}/requirements/{r2}\"")));
    }
}

#[tokio::test]
async fn the_register_exports_read_back_in_python_as_the_rows_of_the_page() {
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let app = app(AppState::new(store.clone(), catalog(), Config::default()));
    let owner = sign_up(&app, "Owner").await;
    let owner_id = owner.user_id.clone().unwrap();
    let (_, id) = org_with_assessment(&app, &owner).await;
    let result = owner
        .get(&app, &format!("/api/v1/assessments/{id}/result"))
        .await
        .json();
    let package = result["work_packages"][0]["id"].as_str().unwrap();
    // A name a spreadsheet would run as a formula, with a comma and quotes.
    let hostile = "=HYPERLINK(\"http://x.example\"), \"Doe\"";
    store
        .put_work_item(
            &id,
            &format!("package:{package}"),
            0,
            &aimsgap_store::WorkFields {
                owner_user: None,
                owner_name: Some(hostile.into()),
                due: Some("2027-01-15".into()),
                state: aimsgap_store::WorkState::InReview,
            },
            &owner_id,
        )
        .await
        .unwrap();
    let query = "?kind=package&sort=owner";
    let expected = owner
        .get(&app, &format!("/api/v1/assessments/{id}/register{query}"))
        .await
        .json();
    let expected: Vec<Value> = expected["rows"].as_array().unwrap().clone();
    assert!(expected.len() > 1);
    assert_eq!(expected[0]["owner"], hostile, "owners first");
    let ids: Vec<&str> = expected.iter().map(|r| r["id"].as_str().unwrap()).collect();

    let csv = owner
        .get(&app, &format!("/assessments/{id}/register.csv{query}"))
        .await;
    let xlsx = owner
        .get(&app, &format!("/assessments/{id}/register.xlsx{query}"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(xlsx.status, StatusCode::OK);
    let csv_path = super::openapi::temp("register.csv");
    let xlsx_path = super::openapi::temp("register.xlsx");
    std::fs::write(&csv_path, &csv.bytes).unwrap();
    std::fs::write(&xlsx_path, &xlsx.bytes).unwrap();
    let script = r#"
import csv, json, sys
import openpyxl
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    text = list(csv.reader(f))
sheet = openpyxl.load_workbook(sys.argv[2]).active
cells = [[c.value for c in row] for row in sheet.iter_rows()]
print(json.dumps({"csv": text, "xlsx": cells, "title": sheet.title}))
"#;
    let Some(out) = super::openapi::python(
        "openpyxl",
        script,
        &[csv_path.to_str().unwrap(), xlsx_path.to_str().unwrap()],
    ) else {
        return;
    };
    let read: Value = serde_json::from_str(out.trim()).unwrap();
    let text = read["csv"].as_array().unwrap();
    let cells = read["xlsx"].as_array().unwrap();
    assert_eq!(read["title"], "Gap register");
    assert_eq!(text[0], cells[0], "one header");
    assert_eq!(text[0][1], "id");
    assert_eq!(text.len(), ids.len() + 1);
    assert_eq!(cells.len(), ids.len() + 1);
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(text[i + 1][1], *id);
        assert_eq!(cells[i + 1][1], *id);
        assert_eq!(text[i + 1][0], "package");
    }
    // The CSV defuses the formula; the workbook holds the name as text.
    assert_eq!(text[1][9], format!("'{hostile}"));
    assert_eq!(cells[1][9], hostile);
    assert_eq!(text[1][10], "in_review");
    assert_eq!(cells[1][11], "2027-01-15");
    assert_eq!(
        cells[1][5].as_f64().unwrap(),
        expected[0]["priority"].as_f64().unwrap(),
        "numbers stay numbers"
    );
}
