//! The workbook import on the web: the XLSX exported through the report route, edited by
//! openpyxl (a spreadsheet library that is not ours), previewed and applied on the import page
//! and through the API, all or nothing. The edits skip with a notice when Python or openpyxl is
//! missing (a failure under AIMSGAP_REQUIRE_ALL=1); the checks of what "Apply" carries need
//! neither.

use super::openapi::{python, temp};
use super::*;
use std::collections::BTreeMap;

/// Sets cells of the Answers sheet: `ID=COLUMN=VALUE` arguments (a row without the id is
/// appended); a value `date:YYYY-MM-DD` is written as a date, `int:N` as a number. Prints each
/// cell's coordinate.
const EDIT: &str = r#"
import sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Answers"]
header = [c.value for c in ws[1]]
rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
for edit in sys.argv[3:]:
    id, column, value = edit.split("=", 2)
    cell = rows[id][header.index(column)]
    if value.startswith("date:"):
        value = datetime.datetime.strptime(value[5:], "%Y-%m-%d")
    elif value.startswith("int:"):
        value = int(value[4:])
    cell.value = value
    print(cell.coordinate)
wb.save(sys.argv[2])
"#;

async fn export(app: &Router, client: &Client, assessment: &str) -> Vec<u8> {
    let reply = client
        .get(
            app,
            &format!("/api/v1/assessments/{assessment}/reports/xlsx"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.bytes
}

/// The workbook with `edits` made by openpyxl and the edited cells' coordinates; `None` when
/// openpyxl is missing.
fn edit(bytes: &[u8], name: &str, edits: &[&str]) -> Option<(Vec<u8>, Vec<String>)> {
    let input = temp(&format!("{name}-in.xlsx"));
    let output = temp(&format!("{name}-out.xlsx"));
    std::fs::write(&input, bytes).unwrap();
    let mut args = vec![input.to_str().unwrap(), output.to_str().unwrap()];
    args.extend_from_slice(edits);
    let cells = python("openpyxl", EDIT, &args)?;
    Some((
        std::fs::read(&output).unwrap(),
        cells.lines().map(str::to_string).collect(),
    ))
}

/// The stored answers: value and version by requirement.
async fn answers(
    app: &Router,
    client: &Client,
    assessment: &str,
) -> BTreeMap<String, (Value, i64)> {
    let reply = client
        .get(app, &format!("/api/v1/assessments/{assessment}/answers"))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.json()["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["key"].as_str().unwrap().to_string(),
                (a["value"].clone(), a["version"].as_i64().unwrap()),
            )
        })
        .collect()
}

async fn history(app: &Router, client: &Client, assessment: &str) -> Vec<Value> {
    client
        .get(app, &format!("/api/v1/assessments/{assessment}/history"))
        .await
        .json()["history"]
        .as_array()
        .unwrap()
        .clone()
}

/// The value of the preview's hidden field `answers`, unescaped.
fn carried(html: &str) -> String {
    let start = html
        .find("name=\"answers\" value=\"")
        .unwrap_or_else(|| panic!("no carried answers in {html}"))
        + "name=\"answers\" value=\"".len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end]
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

const FIVE: [&str; 5] = [
    "6.1.4=Status=partial",
    "6.1.4=Owner=Chief Information Security Officer",
    "9.2=Due date=date:2027-03-31",
    "6.2=Notes=Objectives drafted with the product team",
    "7.4-1=Status=planned",
];

#[tokio::test]
async fn five_cells_edited_in_openpyxl_are_previewed_then_applied_with_history() {
    for (backend, app) in servers().await {
        let owner = sign_up(&app, "Owner").await;
        let (_, assessment) = org_with_assessment(&app, &owner).await;
        let exported = export(&app, &owner, &assessment).await;
        let Some((edited, cells)) = edit(&exported, &format!("five-{backend}"), &FIVE) else {
            return;
        };
        assert_eq!(cells.len(), 5, "{cells:?}");
        let before = answers(&app, &owner, &assessment).await;
        let history_before = history(&app, &owner, &assessment).await.len();

        // The Overview leads editors to the import page.
        let overview = owner.get(&app, &format!("/assessments/{assessment}")).await;
        assert!(
            overview
                .text()
                .contains(&format!("href=\"/assessments/{assessment}/import\"")),
            "{backend}"
        );
        let form = owner
            .get(&app, &format!("/assessments/{assessment}/import"))
            .await;
        assert_eq!(form.status, StatusCode::OK, "{backend}");
        assert!(form.text().contains("enctype=\"multipart/form-data\""));

        // The preview lists every change and saves nothing.
        let preview = owner
            .upload_file(
                &app,
                &format!("/assessments/{assessment}/import"),
                "workbook",
                &edited,
            )
            .await;
        assert_eq!(
            preview.status,
            StatusCode::OK,
            "{backend}: {}",
            preview.text()
        );
        let html = preview.text();
        for text in [
            "Apply these changes",
            "5 changes to 4 answers",
            "Chief Information Security Officer",
            "2027-03-31",
            "Objectives drafted with the product team",
            "7.4-1",
        ] {
            assert!(html.contains(text), "{backend}: {text} in {html}");
        }
        assert_eq!(
            answers(&app, &owner, &assessment).await,
            before,
            "{backend}"
        );

        // Apply: the stored answers are the edits, each with its history entry.
        let applied = owner
            .form(
                &app,
                &format!("/assessments/{assessment}/import/apply"),
                &[("answers", &carried(&html))],
            )
            .await;
        assert_eq!(
            applied.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            applied.text()
        );
        assert_eq!(
            applied.location(),
            format!("/assessments/{assessment}?imported=4"),
            "{backend}"
        );
        let notice = owner.get(&app, &applied.location()).await;
        assert!(notice.text().contains("4 answers saved"), "{backend}");

        let after = answers(&app, &owner, &assessment).await;
        let value = |id: &str, key: &str| after[id].0[key].clone();
        assert_eq!(value("6.1.4", "status"), "partial", "{backend}");
        assert_eq!(
            value("6.1.4", "owner"),
            "Chief Information Security Officer",
            "{backend}"
        );
        assert_eq!(value("9.2", "due"), "2027-03-31", "{backend}");
        assert_eq!(
            value("6.2", "notes"),
            "Objectives drafted with the product team",
            "{backend}"
        );
        assert_eq!(value("7.4-1", "status"), "planned", "{backend}");
        assert_eq!(after["7.4-1"].1, 1, "{backend}: a new answer");
        for (id, (old, version)) in &before {
            let changed = ["6.1.4", "9.2", "6.2"].contains(&id.as_str());
            assert_eq!(after[id].1, version + i64::from(changed), "{backend}: {id}");
            if !changed {
                assert_eq!(&after[id].0, old, "{backend}: {id} unchanged");
            }
        }
        let history = history(&app, &owner, &assessment).await;
        let mut keys: Vec<&str> = history[history_before..]
            .iter()
            .map(|h| {
                assert_eq!(h["entity"], "answer", "{backend}");
                assert_eq!(h["actor"], owner.user_id.clone().unwrap(), "{backend}");
                h["key"].as_str().unwrap()
            })
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["6.1.4", "6.2", "7.4-1", "9.2"], "{backend}");

        // The same workbook again: its edited rows changed since the export (409), by row.
        let again = owner
            .upload_file(
                &app,
                &format!("/api/v1/assessments/{assessment}/workbook?dry_run=true"),
                "workbook",
                &edited,
            )
            .await;
        assert_eq!(
            again.status,
            StatusCode::CONFLICT,
            "{backend}: {}",
            again.text()
        );
        assert_eq!(again.code(), "conflict", "{backend}");
        let conflicts = again.json()["cells"].as_array().unwrap().clone();
        assert_eq!(conflicts.len(), 4, "{backend}: {conflicts:?}");
        assert!(conflicts.iter().all(|c| c["conflict"] == true), "{backend}");
        let page = owner
            .upload_file(
                &app,
                &format!("/assessments/{assessment}/import"),
                "workbook",
                &edited,
            )
            .await;
        assert_eq!(page.status, StatusCode::CONFLICT, "{backend}");
        assert!(
            page.text()
                .contains("changed since the workbook was exported"),
            "{backend}"
        );
        assert_eq!(answers(&app, &owner, &assessment).await, after, "{backend}");
    }
}

#[tokio::test]
async fn the_api_previews_with_dry_run_and_applies_without() {
    for (backend, app) in servers().await {
        let owner = sign_up(&app, "Owner").await;
        let (org, assessment) = org_with_assessment(&app, &owner).await;
        let exported = export(&app, &owner, &assessment).await;
        let Some((edited, _)) = edit(
            &exported,
            &format!("api-{backend}"),
            &["6.2=Status=planned", "6.2=Maturity=int:1"],
        ) else {
            return;
        };
        let before = answers(&app, &owner, &assessment).await;
        let uri = format!("/api/v1/assessments/{assessment}/workbook");
        let dry = owner
            .upload_file(&app, &format!("{uri}?dry_run=true"), "workbook", &edited)
            .await;
        assert_eq!(dry.status, StatusCode::OK, "{backend}: {}", dry.text());
        let body = dry.json();
        assert_eq!(body["dry_run"], true);
        let fields: Vec<&str> = body["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                assert_eq!(c["id"], "6.2");
                c["field"].as_str().unwrap()
            })
            .collect();
        assert_eq!(fields, ["status", "maturity"], "{backend}");
        assert_eq!(body["saved"], json!([]));
        assert_eq!(
            answers(&app, &owner, &assessment).await,
            before,
            "{backend}"
        );

        let bad_flag = owner
            .upload_file(&app, &format!("{uri}?dry_run=maybe"), "workbook", &edited)
            .await;
        assert_eq!(bad_flag.status, StatusCode::BAD_REQUEST, "{backend}");

        let applied = owner.upload_file(&app, &uri, "workbook", &edited).await;
        assert_eq!(
            applied.status,
            StatusCode::OK,
            "{backend}: {}",
            applied.text()
        );
        let body = applied.json();
        assert_eq!(body["dry_run"], false);
        assert_eq!(body["saved"][0]["key"], "6.2", "{backend}");
        assert_eq!(
            body["saved"][0]["version"],
            before["6.2"].1 + 1,
            "{backend}"
        );
        let after = answers(&app, &owner, &assessment).await;
        assert_eq!(after["6.2"].0["status"], "planned", "{backend}");
        assert_eq!(after["6.2"].0["maturity"], 1, "{backend}");

        // A viewer may import nothing.
        let viewer = invite(&app, &owner, &org, "viewer", "Viewer").await;
        let refused = viewer.upload_file(&app, &uri, "workbook", &edited).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{backend}");
        assert_eq!(answers(&app, &owner, &assessment).await, after, "{backend}");
    }
}

#[tokio::test]
async fn one_bad_cell_changes_nothing_and_is_named() {
    for (backend, app) in servers().await {
        let owner = sign_up(&app, "Owner").await;
        let (_, assessment) = org_with_assessment(&app, &owner).await;
        let exported = export(&app, &owner, &assessment).await;
        let Some((edited, cells)) = edit(
            &exported,
            &format!("bad-{backend}"),
            &["6.1.4=Owner=Someone else", "5.2=Status=implementd"],
        ) else {
            return;
        };
        let bad = format!("Answers!{}", cells[1]);
        let before = answers(&app, &owner, &assessment).await;
        let history_before = history(&app, &owner, &assessment).await.len();

        let page = owner
            .upload_file(
                &app,
                &format!("/assessments/{assessment}/import"),
                "workbook",
                &edited,
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        let html = page.text();
        assert!(
            html.contains(&format!("<strong>{bad}</strong>")),
            "{backend}: {html}"
        );
        assert!(html.contains("implementd"), "{backend}");
        assert!(!html.contains("Apply these changes"), "{backend}");

        let api = owner
            .upload_file(
                &app,
                &format!("/api/v1/assessments/{assessment}/workbook"),
                "workbook",
                &edited,
            )
            .await;
        assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert_eq!(api.code(), "invalid", "{backend}");
        let cells = api.json()["cells"].clone();
        assert_eq!(cells.as_array().unwrap().len(), 1, "{backend}: {cells}");
        assert_eq!(cells[0]["cell"], bad.as_str(), "{backend}");
        assert_eq!(cells[0]["conflict"], false, "{backend}");

        // Not a workbook at all: located as the file, 422.
        let junk = owner
            .upload_file(
                &app,
                &format!("/api/v1/assessments/{assessment}/workbook"),
                "workbook",
                b"not a workbook",
            )
            .await;
        assert_eq!(junk.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");

        assert_eq!(
            answers(&app, &owner, &assessment).await,
            before,
            "{backend}"
        );
        assert_eq!(
            history(&app, &owner, &assessment).await.len(),
            history_before,
            "{backend}"
        );
    }
}

/// What "Apply" carries is checked again in full: an unknown id or a value that is no answer
/// is refused (422), an answer that moved since the preview is a conflict (409) naming it, and
/// nothing is written in any of these cases.
#[tokio::test]
async fn what_apply_carries_is_checked_again_and_applied_all_or_nothing() {
    for (backend, app) in servers().await {
        let owner = sign_up(&app, "Owner").await;
        let (_, assessment) = org_with_assessment(&app, &owner).await;
        let apply = format!("/assessments/{assessment}/import/apply");
        let before = answers(&app, &owner, &assessment).await;
        let version = before["6.2"].1;

        // An unedited workbook previews as no change.
        let exported = export(&app, &owner, &assessment).await;
        let preview = owner
            .upload_file(
                &app,
                &format!("/assessments/{assessment}/import"),
                "workbook",
                &exported,
            )
            .await;
        assert_eq!(
            preview.status,
            StatusCode::OK,
            "{backend}: {}",
            preview.text()
        );
        assert!(
            preview.text().contains("The workbook changes nothing"),
            "{backend}"
        );

        for (carried, says) in [
            (
                json!([{"requirement": "99.9", "version": 0, "answer": {"status": "planned"}}]),
                "99.9",
            ),
            (
                json!([
                    {"requirement": "6.2", "version": version, "answer": {"status": "planned"}},
                    {"requirement": "9.2", "version": before["9.2"].1, "answer": {"status": "bogus"}}
                ]),
                "bogus",
            ),
        ] {
            let refused = owner
                .form(&app, &apply, &[("answers", &carried.to_string())])
                .await;
            assert_eq!(
                refused.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend}: {}",
                refused.text()
            );
            assert!(refused.text().contains(says), "{backend}: {says}");
        }
        assert_eq!(
            answers(&app, &owner, &assessment).await,
            before,
            "{backend}"
        );

        // 6.2 moves after the preview read it: nothing of the batch is written.
        let moved = owner
            .put(
                &app,
                &format!("/api/v1/assessments/{assessment}/answers/6.2"),
                json!({"version": version, "answer": {"status": "partial"}}),
            )
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{backend}");
        let carried = json!([
            {"requirement": "7.4-1", "version": 0, "answer": {"status": "planned"}},
            {"requirement": "6.2", "version": version, "answer": {"status": "implemented"}}
        ]);
        let conflict = owner
            .form(&app, &apply, &[("answers", &carried.to_string())])
            .await;
        assert_eq!(conflict.status, StatusCode::CONFLICT, "{backend}");
        assert!(conflict.text().contains("6.2"), "{backend}");
        let after = answers(&app, &owner, &assessment).await;
        assert_eq!(after["6.2"].0, json!({"status": "partial"}), "{backend}");
        assert!(
            !after.contains_key("7.4-1") || after["7.4-1"].1 == 0,
            "{backend}: nothing half-written"
        );

        // Nothing carried: nothing written, and the Overview says so.
        let nothing = owner.form(&app, &apply, &[("answers", "[]")]).await;
        assert_eq!(nothing.status, StatusCode::SEE_OTHER, "{backend}");
        let overview = owner.get(&app, &nothing.location()).await;
        assert!(
            overview.text().contains("The workbook changed nothing"),
            "{backend}"
        );
    }
}

/// The workbook routes take bodies up to 16 MiB, more than the server's default; the other
/// routes keep theirs.
#[tokio::test]
async fn the_workbook_routes_take_larger_bodies_than_the_others() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (_, assessment) = org_with_assessment(&app, &owner).await;
    let three = vec![b'x'; 3 * 1024 * 1024];
    let api = format!("/api/v1/assessments/{assessment}/workbook");
    let read = owner.upload_file(&app, &api, "workbook", &three).await;
    assert_eq!(
        read.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        read.text()
    );
    assert!(
        read.text().contains("not an XLSX workbook"),
        "{}",
        read.text()
    );
    let page = format!("/assessments/{assessment}/import");
    let read = owner.upload_file(&app, &page, "workbook", &three).await;
    assert_eq!(read.status, StatusCode::UNPROCESSABLE_ENTITY);

    let seventeen = vec![b'x'; 17 * 1024 * 1024];
    let refused = owner.upload_file(&app, &api, "workbook", &seventeen).await;
    assert_eq!(
        refused.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        refused.text()
    );
    let refused = owner.upload_file(&app, &page, "workbook", &seventeen).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);

    let notes = "x".repeat(3 * 1024 * 1024);
    let other = owner
        .put(
            &app,
            &format!("/api/v1/assessments/{assessment}/answers/6.2"),
            json!({"version": 1, "answer": {"status": "planned", "notes": notes}}),
        )
        .await;
    assert_eq!(other.status, StatusCode::PAYLOAD_TOO_LARGE);
}
