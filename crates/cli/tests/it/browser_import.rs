//! The workbook import page in a real browser, at a desktop's width (1280 px) and a phone's
//! (390 px): reached from the Overview, the exported workbook edited by openpyxl is uploaded
//! through the file input, the preview lists the changes, a bad cell is named, and "Apply"
//! saves the answers. Nothing is wider than the window. The screenshots go to
//! `$AIMSGAP_SCREENS` (default `/tmp/screens`), named `import-*`.
//!
//! Needs `chromium`, `chromedriver` and Python with openpyxl: without them it prints a notice
//! and passes, unless AIMSGAP_REQUIRE_ALL=1.

use crate::browser::{
    DESKTOP, PHONE, Stack, attach, browser, click, main_text, raw, require_all, screenshot,
    sign_in, sign_up, temp_dir, tools, wait_heading, widths, workspace,
};
use fantoccini::Client;
use std::path::Path;
use std::process::Command;

const HIRING: &str = include_str!("../../../../examples/hrtech-cv-screening-soc2.yaml");

/// Sets cells of the Answers sheet (`ID=COLUMN=VALUE` arguments) and saves the workbook.
const EDIT: &str = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Answers"]
header = [c.value for c in ws[1]]
rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
for edit in sys.argv[3:]:
    id, column, value = edit.split("=", 2)
    rows[id][header.index(column)].value = value
wb.save(sys.argv[2])
"#;

/// The workbook with `edits`; `false` when Python or openpyxl is missing.
fn edit(input: &Path, output: &Path, edits: &[&str]) -> bool {
    let probe = Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            !require_all(),
            "python3 with openpyxl is required (AIMSGAP_REQUIRE_ALL=1)"
        );
        eprintln!("notice: skipping: python3 with openpyxl not found");
        return false;
    }
    let run = Command::new("python3")
        .arg("-c")
        .arg(EDIT)
        .arg(input)
        .arg(output)
        .args(edits)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    true
}

/// Uploads `file` on the import page and waits for the page that answers.
async fn upload(client: &Client, base: &str, assessment: &str, file: &Path, heading: &str) {
    client
        .goto(&format!("{base}{assessment}/import"))
        .await
        .unwrap();
    wait_heading(client, "Import a workbook").await;
    attach(client, "#f-workbook", file).await;
    click(
        client,
        &format!("form[action='{assessment}/import'] button[type=submit]"),
    )
    .await;
    wait_heading(client, heading).await;
}

async fn fits(client: &Client, what: &str, size: (u32, u32)) {
    let (page, window) = widths(client).await;
    assert!(
        page <= window,
        "{what} at {} px: the page is {page} px wide in a {window} px window",
        size.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_import_previews_names_bad_cells_and_applies_at_both_widths() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let stack = Stack::start(&chromedriver, "import-db");
    let (address, driver, base) = (
        stack.address.clone(),
        stack.driver.clone(),
        stack.base.clone(),
    );
    let desktop = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&desktop, &base, "Ines Importer", "ines@example.test").await;
    let (_, assessment) = workspace(&desktop, "Hirewell Analytics", HIRING).await;

    // The workbook as exported, with the browser's session; then edited twice.
    let session = desktop
        .get_all_cookies()
        .await
        .unwrap()
        .iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect::<Vec<_>>()
        .join("; ");
    let (status, head, bytes) = raw(
        &address,
        "GET",
        &format!("/api/v1{assessment}/reports/xlsx"),
        &session,
        "",
    );
    assert_eq!(status, 200, "{head}");
    let dir = temp_dir("import");
    let exported = dir.join("exported.xlsx");
    std::fs::write(&exported, bytes).unwrap();
    let good = dir.join("edited.xlsx");
    let bad = dir.join("bad.xlsx");
    if !edit(
        &exported,
        &good,
        &[
            "6.2=Status=planned",
            "6.2=Owner=Head of People Analytics",
            "6.2=Notes=Objectives for the CV screening drafted with HR",
        ],
    ) || !edit(&exported, &bad, &["6.2=Status=implementd"])
    {
        return;
    }

    // Reached from the Overview.
    click(&desktop, &format!("a[href='{assessment}/import']")).await;
    wait_heading(&desktop, "Import a workbook").await;

    let phone = browser(&driver, PHONE.0, PHONE.1).await;
    sign_in(&phone, &base, "ines@example.test").await;
    for (client, size) in [(&desktop, DESKTOP), (&phone, PHONE)] {
        client
            .goto(&format!("{base}{assessment}/import"))
            .await
            .unwrap();
        wait_heading(client, "Import a workbook").await;
        screenshot(client, "import-form", size).await;
        fits(client, "the upload form", size).await;

        upload(client, &base, &assessment, &bad, "Import a workbook").await;
        let text = main_text(client).await;
        assert!(text.contains("Nothing was imported"), "{text}");
        assert!(text.contains("Answers!C"), "the bad cell is named: {text}");
        assert!(text.contains("implementd"), "{text}");
        screenshot(client, "import-refused", size).await;
        fits(client, "the refused upload", size).await;

        upload(
            client,
            &base,
            &assessment,
            &good,
            "Changes from the workbook",
        )
        .await;
        let text = main_text(client).await;
        for needle in [
            "3 changes to 1 answer",
            "Head of People Analytics",
            "Objectives for the CV screening drafted with HR",
            "Apply these changes",
        ] {
            assert!(
                text.contains(needle),
                "the preview lacks {needle:?}:\n{text}"
            );
        }
        screenshot(client, "import-preview", size).await;
        fits(client, "the preview", size).await;
    }

    // Apply, on the phone: the Overview says what was saved.
    click(
        &phone,
        &format!("form[action='{assessment}/import/apply'] button[type=submit]"),
    )
    .await;
    wait_heading(&phone, "2026").await;
    let text = main_text(&phone).await;
    assert!(
        text.contains("Imported the workbook: one answer saved."),
        "{text}"
    );
    screenshot(&phone, "import-applied", PHONE).await;
    phone
        .goto(&format!("{base}{assessment}/requirements/6.2"))
        .await
        .unwrap();
    wait_heading(&phone, "6.2").await;
    let text = main_text(&phone).await;
    assert!(text.contains("Head of People Analytics"), "{text}");
}
