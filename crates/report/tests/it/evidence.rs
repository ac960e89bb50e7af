//! Evidence and answer notes in every export. The bank example records review dates and
//! SHA-256 values (A.6.2.4 has a validation report past its review date) and notes; each
//! export must show them where a reader looks, and readers that are not ours must read them.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "these tests hand the output to readers that are not ours: files and processes"
)]

use super::formats::python;
use aimsgap_assess::AssessmentResult;
use aimsgap_catalog::Date;
use serde_json::Value;

const CURRENT: &str = "ba07f24896ad66297c96c8aebe831df4196be8606ef9425c36f687e324f2e803";
const OVERDUE: &str = "0700afcd5356dd995726c4d49e0fc31e18938682b626313c8e218e3dd7f15270";
const OVERDUE_FILE: &str = "validation/MV-2025-044-fraud-model.pdf";
const NOTES: &str =
    "Independent second-line validation before use and yearly, including disparate-impact testing.";

fn assessment_of(text: &str) -> aimsgap_assess::Assessment {
    aimsgap_assess::parse_assessment(
        "t.yaml",
        text,
        super::catalog(),
        Date::parse("2026-11-29").unwrap(),
    )
    .unwrap_or_else(|errors| panic!("{errors:?}"))
}

fn bank() -> AssessmentResult {
    let text = include_str!("../../../../examples/bank-credit-scoring.yaml");
    aimsgap_assess::assess(super::catalog(), &assessment_of(text)).unwrap()
}

fn temp(name: &str) -> tempfile::TempPath {
    super::temp_path("evidence", name)
}

/// The example really carries what these tests look for.
#[test]
fn the_bank_example_records_hashes_review_dates_and_notes() {
    let result = bank();
    let control = result
        .requirements
        .iter()
        .find(|r| r.id == "A.6.2.4")
        .unwrap();
    let hashes: Vec<_> = control
        .evidence
        .iter()
        .map(|e| e.sha256.as_deref())
        .collect();
    assert_eq!(hashes, [Some(CURRENT), Some(OVERDUE)]);
    assert_eq!(
        control.evidence[1].freshness,
        aimsgap_assess::Freshness::ReviewOverdue
    );
    assert_eq!(control.answer_notes.as_deref(), Some(NOTES));
    // The overdue piece is not the best one: the control stays met.
    assert_eq!(control.status, aimsgap_assess::Status::Met);
}

/// Reads the HTML with Python's parser: the ids, the links within the page, and the text of
/// the A.6.2.4 appendix entry.
const HTML_READ: &str = r##"
import sys, json
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.ids = []; self.links = []; self.depth = 0; self.entry = []
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs: self.ids.append(attrs["id"])
        if tag == "a" and attrs.get("href", "").startswith("#"): self.links.append(attrs["href"][1:])
        if self.depth: self.depth += 1
        elif tag == "div" and attrs.get("id") == "evidence-A.6.2.4": self.depth = 1
        if self.depth and "title" in attrs: self.entry.append(attrs["title"])
    def handle_endtag(self, tag):
        if self.depth: self.depth -= 1
    def handle_data(self, data):
        if self.depth: self.entry.append(data)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.close()
print(json.dumps({"ids": p.ids, "links": p.links, "entry": " ".join(p.entry)}))
"##;

#[test]
fn html_appendix_shows_each_piece_with_its_freshness_hash_and_the_notes() {
    let result = bank();
    let html = aimsgap_report::html::render(&result, super::catalog());
    assert!(html.contains("<section id=\"evidence\">"));
    assert!(html.contains("<a class=\"small\" href=\"#evidence-A.6.2.4\">"));
    // The short hash is shown, the full one a click away (and in its title).
    assert!(html.contains(&format!(
        "<code title=\"{OVERDUE}\">{}…</code>",
        &OVERDUE[..12]
    )));
    let path = temp("bank.html");
    std::fs::write(&path, &html).unwrap();
    let Some(out) = python("json", HTML_READ, &[path.to_str().unwrap()]) else {
        return;
    };
    let parsed: Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<&str> = parsed["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let links = parsed["links"].as_array().unwrap();
    assert!(links.iter().any(|l| l == "evidence-A.6.2.4"));
    for link in links {
        assert!(
            ids.contains(&link.as_str().unwrap()),
            "{link} leads nowhere"
        );
    }
    let entry = parsed["entry"].as_str().unwrap();
    for needed in [
        OVERDUE_FILE,
        "audit report",
        "2025-08-11",
        "2026-08-31",
        "past its review date",
        "50%",
        OVERDUE,
        CURRENT,
        NOTES,
    ] {
        assert!(entry.contains(needed), "{needed} missing from {entry}");
    }
}

#[test]
fn markdown_lists_evidence_and_notes_per_requirement() {
    let result = bank();
    let markdown = aimsgap_report::markdown::render(&result, 15);
    let section = markdown
        .split("\n## Evidence and notes\n")
        .nth(1)
        .expect("an evidence section");
    let entry = section
        .split("\n### ")
        .find(|entry| entry.starts_with("A.6.2.4 "))
        .expect("an entry for A.6.2.4");
    assert!(entry.contains(&format!(
        "| validation/MV-2025-044-fraud-model.pdf | audit report | 2025-08-11 | 2026-08-31 | **past its review date** | 50% | `{OVERDUE}` |"
    )), "{entry}");
    assert!(
        entry.contains("Notes: Independent second-line validation"),
        "{entry}"
    );
    // An answer on 5.2 covers the requirements beneath it once per distinct way its evidence
    // counted (an approved document counts fully where documented information is required and
    // 70% elsewhere), not once per requirement.
    let beneath: Vec<_> = result
        .requirements
        .iter()
        .filter(|r| r.id.starts_with("5.2") && !r.evidence.is_empty())
        .collect();
    let mut weights: Vec<Vec<u64>> = Vec::new();
    for requirement in &beneath {
        let weight: Vec<u64> = requirement
            .evidence
            .iter()
            .map(|e| e.weight.to_bits())
            .collect();
        if weights.last() != Some(&weight) {
            weights.push(weight);
        }
    }
    let entries = section.matches("(answer 5.2)").count();
    assert_eq!(entries, weights.len(), "{section}");
    assert!(
        entries < beneath.len(),
        "{entries} entries for {}",
        beneath.len()
    );
}

/// Evidence and notes are the last columns; the older ones keep their place; user text that a
/// spreadsheet would run as a formula is defused.
#[test]
fn csv_appends_evidence_hashes_and_notes_and_defuses_formulas() {
    let yaml = "aimsgap: 2\nas_of: 2026-11-29\norganization: {name: Acme, jurisdictions: [EU]}\n\
                answers:\n  \"5.2\": {status: implemented, evidence: [\
                {ref: '=HYPERLINK(\"http://x\",\"y\")', kind: approved_document, date: 2026-05-01, \
                sha256: 0700afcd5356dd995726c4d49e0fc31e18938682b626313c8e218e3dd7f15270}, \
                {ref: '@cmd', kind: operating_record}], notes: '+SUM(1,2)'}\n";
    let result = aimsgap_assess::assess(super::catalog(), &assessment_of(yaml)).unwrap();
    let hostile = temp("hostile-requirements.csv");
    let example = temp("bank-requirements.csv");
    std::fs::write(&hostile, aimsgap_report::csv::requirements(&result)).unwrap();
    std::fs::write(&example, aimsgap_report::csv::requirements(&bank())).unwrap();
    let script = r#"
import sys, csv, json
def read(path):
    rows = list(csv.reader(open(path, newline="", encoding="utf-8")))
    return rows[0], {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
header, hostile = read(sys.argv[1])
_, bank = read(sys.argv[2])
print(json.dumps({"header": header, "hostile": hostile["5.2.a"], "bank": bank["A.6.2.4"]}))
"#;
    let Some(out) = python(
        "csv",
        script,
        &[hostile.to_str().unwrap(), example.to_str().unwrap()],
    ) else {
        return;
    };
    let read: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        read["header"],
        serde_json::json!([
            "id",
            "title",
            "group",
            "status",
            "credit_lo",
            "credit_point",
            "credit_hi",
            "owner",
            "sources",
            "notes",
            "evidence",
            "evidence_sha256",
            "answer_notes"
        ])
    );
    let row = &read["hostile"];
    assert_eq!(row["evidence"], "'=HYPERLINK(\"http://x\",\"y\"); @cmd");
    assert_eq!(row["evidence_sha256"], format!("{OVERDUE}; "));
    assert_eq!(row["answer_notes"], "'+SUM(1,2)");
    let row = &read["bank"];
    assert_eq!(
        row["evidence"],
        format!("validation/MV-2026-031-credit-scoring-annual.pdf; {OVERDUE_FILE}")
    );
    assert_eq!(row["evidence_sha256"], format!("{CURRENT}; {OVERDUE}"));
    assert_eq!(row["answer_notes"], NOTES);
}

/// The rows of the A.6.2.4 observation's relevant evidence, and the back-matter resource each
/// one links to.
#[test]
fn oscal_evidence_is_relevant_evidence_with_hashes_and_notes_are_remarks() {
    let result = bank();
    let text = aimsgap_report::oscal::assessment_results(&result, super::catalog());
    assert_eq!(
        text,
        aimsgap_report::oscal::assessment_results(&result, super::catalog()),
        "deterministic"
    );
    let document: Value = serde_json::from_str(&text).unwrap();
    let root = &document["assessment-results"];
    let observation = root["results"][0]["observations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["title"] == "Basis for A.6.2.4")
        .unwrap();
    assert_eq!(observation["remarks"], NOTES);
    let resources = root["back-matter"]["resources"].as_array().unwrap();
    let evidence = observation["relevant-evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 2);
    let prop = |item: &Value, name: &str| -> Option<String> {
        item["props"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name && p["ns"] == aimsgap_report::oscal::NS)
            .map(|p| p["value"].as_str().unwrap().to_string())
    };
    for (item, (hash, freshness, review_by)) in evidence.iter().zip([
        (CURRENT, "current", "2027-05-22"),
        (OVERDUE, "review_overdue", "2026-08-31"),
    ]) {
        assert_eq!(prop(item, "evidence-kind").as_deref(), Some("audit_report"));
        assert_eq!(prop(item, "evidence-freshness").as_deref(), Some(freshness));
        assert_eq!(prop(item, "evidence-review-by").as_deref(), Some(review_by));
        let href = item["href"].as_str().unwrap();
        let uuid = href.strip_prefix('#').unwrap();
        let resource = resources.iter().find(|r| r["uuid"] == uuid).unwrap();
        assert_eq!(
            resource["rlinks"][0]["hashes"],
            serde_json::json!([{"algorithm": "SHA-256", "value": hash}])
        );
    }
    assert!(
        evidence[1]["description"]
            .as_str()
            .unwrap()
            .contains("MV-2025-044-fraud-model.pdf (audit\\_report)")
    );
    // One resource per file, however many requirements it backs: the AI policy backs every
    // requirement of 5.2.
    let policy = resources
        .iter()
        .filter(|r| r["title"] == "policies/POL-AI-001-ai-policy-v3.pdf")
        .count();
    assert_eq!(policy, 1);
    // The import still reads what it wrote.
    let imported = aimsgap_report::oscal::import_assessment_results(&text).unwrap();
    assert_eq!(imported.requirements.len(), result.requirements.len());
}

#[test]
fn the_soa_draft_gives_review_dates_and_marks_evidence_past_its_review_date() {
    let text = include_str!("../../../../examples/bank-credit-scoring.yaml");
    let assessment = assessment_of(text);
    let result = aimsgap_assess::assess(super::catalog(), &assessment).unwrap();
    let drafts = aimsgap_report::artefacts::artefacts(super::catalog(), &assessment, &result);
    let soa = drafts
        .iter()
        .find(|d| d.file_name == "statement-of-applicability.md")
        .unwrap();
    let row = soa
        .markdown
        .lines()
        .find(|line| line.starts_with("| A.6.2.4 |"))
        .unwrap();
    assert!(
        row.contains(
            "validation/MV-2026-031-credit-scoring-annual.pdf (audit report, 2026-05-22, review by 2027-05-22); \
             validation/MV-2025-044-fraud-model.pdf (audit report, 2025-08-11, review by 2026-08-31) **past its review date** |"
        ),
        "{row}"
    );
    assert_eq!(row.matches("past its review date").count(), 1, "{row}");
}
