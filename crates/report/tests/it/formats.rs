//! Every format opened by a reader that is not ours: the XLSX by openpyxl, the HTML by Python's
//! HTML parser, the CSV by Python's csv module. Each skips with a notice when Python or the
//! package is missing, and fails instead under AIMSGAP_REQUIRE_ALL=1.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "these tests hand the output to readers that are not ours: files, environment and processes"
)]

use aimsgap_assess::AssessmentResult;
use aimsgap_catalog::{Catalog, Date};
use std::path::PathBuf;
use std::process::Command;

fn catalog() -> &'static Catalog {
    super::catalog()
}

fn require_all() -> bool {
    std::env::var("AIMSGAP_REQUIRE_ALL").is_ok_and(|v| v == "1")
}

fn result_of(text: &str) -> AssessmentResult {
    let assessment = aimsgap_assess::parse_assessment(
        "t.yaml",
        text,
        catalog(),
        Date::parse("2026-11-29").unwrap(),
    )
    .unwrap();
    aimsgap_assess::assess(catalog(), &assessment).unwrap()
}

fn example(name: &str) -> AssessmentResult {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    result_of(&std::fs::read_to_string(path).unwrap())
}

const HOSTILE: &str =
    "<script>alert(1)</script> & \"Acme\" <img src=x onerror=alert(1)> | *x* =SUM(A1)";

fn hostile() -> AssessmentResult {
    let yaml = format!(
        "aimsgap: 2\nas_of: 2026-11-29\norganization: {{name: '{name}', jurisdictions: [EU]}}\n\
         ai_systems:\n  - {{id: bot, name: '{name}', role: provider, markets: [EU], interacts_with_natural_persons: true}}\n\
         answers:\n  \"5.2\": {{status: implemented, owner: '{name}', evidence: [{{ref: '{name}', kind: approved_document, date: 2026-05-01}}]}}\n\
         \x20 \"A.7.2\": {{status: not_applicable, justification: '{name}'}}\n",
        name = HOSTILE.replace('\'', "''")
    );
    result_of(&yaml)
}

fn temp(name: &str) -> tempfile::TempPath {
    super::temp_path("formats", name)
}

/// Runs a Python script with arguments; `None` when Python or a module is missing (and the
/// environment allows skipping).
pub(crate) fn python(modules: &str, script: &str, args: &[&str]) -> Option<String> {
    let probe = Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            !require_all(),
            "python3 with {modules} is required (AIMSGAP_REQUIRE_ALL=1)"
        );
        eprintln!("notice: skipping: python3 with {modules} not found");
        return None;
    }
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(stdout)
}

#[test]
fn xlsx_read_back_by_openpyxl_equals_the_json() {
    let result = example("bank-credit-scoring.yaml");
    let xlsx = temp("bank.xlsx");
    let json = temp("bank.json");
    std::fs::write(&xlsx, aimsgap_report::xlsx::render(&result).unwrap()).unwrap();
    std::fs::write(&json, aimsgap_report::json::render(&result)).unwrap();
    // Deterministic bytes: the workbook's timestamp is the as-of date.
    assert_eq!(
        aimsgap_report::xlsx::render(&result).unwrap(),
        std::fs::read(&xlsx).unwrap()
    );
    let script = r#"
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
data = json.load(open(sys.argv[2]))
expected = ["Summary", "Requirements", "Gaps", "Work packages", "SoA", "Obligations", "Roadmap", "Crosswalk credit", "Evidence"]
assert wb.sheetnames == expected, wb.sheetnames
for name in expected:
    ws = wb[name]
    assert ws.freeze_panes == "A2", (name, ws.freeze_panes)
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), (name, ws.auto_filter.ref)
    assert ws.column_dimensions["B"].width > 8, name
req = list(wb["Requirements"].iter_rows(min_row=2, values_only=True))
assert len(req) == len(data["requirements"]), (len(req), len(data["requirements"]))
for row, r in zip(req, data["requirements"]):
    assert row[0] == r["id"] and row[3] == r["status"], (row, r["id"])
    for i, k in ((4, "lo"), (5, "point"), (6, "hi")):
        assert abs(row[i] - r["credit"][k]) < 0.0006, (r["id"], k, row[i], r["credit"][k])
gaps = list(wb["Gaps"].iter_rows(min_row=2, values_only=True))
assert [(g[0], g[1], g[3], g[15]) for g in gaps] == [(g["rank"], g["id"], g["priority"], g["package"]) for g in data["gaps"]]
packages = list(wb["Work packages"].iter_rows(min_row=2, values_only=True))
assert len(packages) == len(data["work_packages"]) > 0
assert [(p[0], p[1], p[9].split(" "), p[7].date().isoformat()) for p in packages] == \
    [(p["rank"], p["id"], p["requirements"], p["start"]) for p in data["work_packages"]]
soa = list(wb["SoA"].iter_rows(min_row=2, values_only=True))
assert len(soa) == 38
for row, s in zip(soa, data["soa"]):
    assert row[0] == s["control"] and row[2] == ("yes" if s["included"] else "no") and row[3] == s["justification"]
    assert row[4] == s["status"]
roadmap = list(wb["Roadmap"].iter_rows(min_row=2, values_only=True))
assert [(t[0], t[4].date().isoformat(), t[5].date().isoformat(), t[8]) for t in roadmap] == \
    [(t["id"], t["start"], t["end"], t["package"]) for t in data["roadmap"]["tasks"]]
summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=2, values_only=True)}
assert summary["Organisation"] == data["organization"]
assert summary["Readiness"] == data["readiness"]["overall"]["point"]
assert summary["Ready for Stage 1"] == data["verdict"]["ready_for_stage1"]
ob = [r for r in wb["Obligations"].iter_rows(min_row=2, values_only=True) if r[6]]
items = [(o["system"], i["id"], i["applies_from"], i["state"]) for o in data["obligations"] for i in o["items"]]
assert [(r[0], r[6], r[8].date().isoformat(), r[9]) for r in ob] == items
evidence = list(wb["Evidence"].iter_rows(min_row=2, values_only=True))
uses = [(r["id"], e["ref"], e["kind"], e.get("review_by"), e["freshness"], e.get("sha256")) for r in data["requirements"] for e in r.get("evidence", [])]
assert len(uses) > 0
assert [(e[0], e[1], e[2], e[4].date().isoformat() if e[4] else None, e[5], e[7]) for e in evidence] == uses, (evidence[:3], uses[:3])
for row, r in zip(wb["Requirements"].iter_rows(min_row=2), data["requirements"]):
    link = row[10].hyperlink
    if r.get("evidence"):
        target = link.location.split("!")[1]
        assert wb["Evidence"][target].value == r["id"], (r["id"], target)
    else:
        assert link is None, r["id"]
print("ok", len(req), len(gaps), len(soa), len(roadmap), len(ob))
"#;
    if let Some(out) = python(
        "openpyxl",
        script,
        &[xlsx.to_str().unwrap(), json.to_str().unwrap()],
    ) {
        assert!(out.starts_with("ok "), "{out}");
    }
}

/// Collects the tags, the attributes that fetch and the text of an HTML document.
const HTML_CHECK: &str = r##"
import sys, json
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.tags = []; self.fetching = []; self.text = []
    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            if k in ("src", "srcset") or (k == "href" and v and not v.startswith("#")) or k.startswith("on"):
                self.fetching.append((tag, k, v))
    def handle_data(self, data):
        self.text.append(data)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.close()
print(json.dumps({"tags": sorted(set(p.tags)), "fetching": p.fetching, "text": " ".join(p.text)}))
"##;

#[test]
fn html_renders_hostile_names_as_text_and_fetches_nothing() {
    let result = hostile();
    let html = aimsgap_report::html::render(&result, catalog());
    assert!(!html.contains("<script>alert"));
    let path = temp("hostile.html");
    std::fs::write(&path, &html).unwrap();
    if let Some(out) = python("json", HTML_CHECK, &[path.to_str().unwrap()]) {
        let parsed: serde_json::Value = serde_json::from_str(&out).unwrap();
        let tags: Vec<&str> = parsed["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(
            !tags.contains(&"script") && !tags.contains(&"img"),
            "{tags:?}"
        );
        for needed in ["html", "head", "style", "main", "h1", "h2", "table", "svg"] {
            assert!(tags.contains(&needed), "{needed} missing: {tags:?}");
        }
        assert_eq!(
            parsed["fetching"].as_array().unwrap().len(),
            0,
            "{}",
            parsed["fetching"]
        );
        let text = parsed["text"].as_str().unwrap();
        assert!(
            text.contains(HOSTILE),
            "the hostile name must survive as text"
        );
    }
}

#[test]
fn html_report_of_an_example_has_every_section() {
    let result = example("hrtech-cv-screening-soc2.yaml");
    let html = aimsgap_report::html::render(&result, catalog());
    for section in [
        "id=\"verdict\"",
        "id=\"readiness\"",
        "id=\"baseline\"",
        "id=\"gaps\"",
        "id=\"obligations\"",
        "id=\"roadmap\"",
        "id=\"soa\"",
        "id=\"requirements\"",
    ] {
        assert!(html.contains(section), "{section}");
    }
    assert!(html.contains("Hirewell Analytics"));
    assert!(html.contains("<svg"), "charts are inline SVG");
    assert_eq!(
        html,
        aimsgap_report::html::render(&result, catalog()),
        "deterministic"
    );
    // Every requirement and every SoA control appears.
    for r in &result.requirements {
        assert!(
            html.contains(&format!("<strong>{}</strong>", r.id)),
            "{}",
            r.id
        );
    }
}

#[test]
fn csv_read_back_by_python_equals_the_result() {
    let result = hostile();
    let requirements = temp("requirements.csv");
    let gaps = temp("gaps.csv");
    std::fs::write(&requirements, aimsgap_report::csv::requirements(&result)).unwrap();
    std::fs::write(&gaps, aimsgap_report::csv::gaps(&result)).unwrap();
    let script = r#"
import sys, csv
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
gaps = list(csv.DictReader(open(sys.argv[2], newline="", encoding="utf-8")))
owner = [r for r in rows if r["id"] == "5.2.a"][0]["owner"]
print(len(rows), len(gaps), owner)
"#;
    if let Some(out) = python(
        "csv",
        script,
        &[requirements.to_str().unwrap(), gaps.to_str().unwrap()],
    ) {
        let expected = format!(
            "{} {} {}\n",
            result.requirements.len(),
            result.gaps.len(),
            HOSTILE
        );
        assert_eq!(out, expected);
    }
}

#[test]
fn markdown_escapes_user_text_and_keeps_tables_intact() {
    let result = hostile();
    let md = aimsgap_report::markdown::render(&result, 10);
    assert!(!md.contains("<script>"));
    assert!(md.contains("&lt;script&gt;"));
    // Every table row has as many cells as its header.
    for block in md.split("\n\n").filter(|b| b.starts_with('|')) {
        let mut lines = block.lines();
        let cells = |line: &str| line.replace("\\|", "").matches('|').count();
        let header = cells(lines.next().unwrap());
        for line in lines {
            assert_eq!(cells(line), header, "{line}");
        }
    }
}

#[test]
fn diff_reports_what_changed() {
    let old = example("saas-chatbot-iso27001.yaml");
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/saas-chatbot-iso27001.yaml"),
    )
    .unwrap()
    .replace("as_of: 2026-11-29", "as_of: 2027-09-01");
    let new = result_of(&text);
    let d = aimsgap_report::diff::diff(
        &aimsgap_report::json::to_wire(&old),
        &aimsgap_report::json::to_wire(&new),
    )
    .unwrap();
    assert_eq!(d.old_as_of, "2026-11-29");
    // Nine months on, evidence ages and upcoming duties come into force.
    assert!(!d.status_changes.is_empty() || !d.obligations.is_empty());
    assert!(
        d.obligations
            .iter()
            .any(|o| o.old.as_deref() == Some("upcoming"))
    );
    let same = aimsgap_report::diff::diff(
        &aimsgap_report::json::to_wire(&old),
        &aimsgap_report::json::to_wire(&old),
    )
    .unwrap();
    assert!(
        same.status_changes.is_empty()
            && same.gaps_opened.is_empty()
            && same.obligations.is_empty()
    );
    let mut other = aimsgap_report::json::to_wire(&old);
    other.schema = "x".into();
    let bad = aimsgap_report::diff::diff(&other, &aimsgap_report::json::to_wire(&old));
    assert!(bad.is_err());
}

#[test]
fn the_hostile_fixture_really_carries_the_name_everywhere() {
    let result = hostile();
    assert_eq!(result.organization, HOSTILE);
    let soa = result.soa.iter().find(|s| s.control == "A.7.2").unwrap();
    assert!(!soa.included);
    assert_eq!(soa.justification, HOSTILE);
    assert_eq!(result.obligations[0].system_name, HOSTILE);
}
