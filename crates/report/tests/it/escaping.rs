//! Hostile text in every user-supplied field of an assessment, rendered as HTML and Markdown:
//! each field carries its own label, so the test can count where each one is shown and check
//! that it is escaped there and appears raw nowhere.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "these tests read sources or hand output to readers that are not ours"
)]

use aimsgap_assess::AssessmentResult;
use aimsgap_catalog::Date;

/// Markup for HTML (a script, an entity, both quotes) and for Markdown (a table break, a
/// link to a script URL, emphasis).
const PAYLOAD: &str = "<script>alert(1)</script>&\"' | [x](javascript:y) *";

/// The user-supplied fields of the fixture, each with a label that makes its text unique.
const FIELDS: [&str; 8] = [
    "organisation",
    "system-id",
    "system-name",
    "purpose",
    "owner",
    "evidence",
    "justification",
    "notes",
];

fn hostile(label: &str) -> String {
    format!("{label}{PAYLOAD}")
}

fn html_escaped(label: &str) -> String {
    format!("{label}&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39; | [x](javascript:y) *")
}

fn markdown_escaped(label: &str) -> String {
    format!("{label}&lt;script&gt;alert(1)&lt;/script&gt;&amp;\"' \\| \\[x\\](javascript:y) \\*")
}

/// An assessment whose every free-text field holds hostile text. The system is a chatbot, so
/// the EU AI Act applies to it; A.6.2.2 is an Annex A control (it appears in the Statement of
/// Applicability with its owner and evidence), A.7.2 is excluded with a justification, and 5.2
/// is a clause answer (its owner and evidence are not shown in either report).
fn fixture() -> AssessmentResult {
    let quote = |label: &str| format!("'{}'", hostile(label).replace('\'', "''"));
    let yaml = format!(
        "aimsgap: 2\n\
         as_of: 2026-11-29\n\
         organization: {{name: {organisation}, jurisdictions: [EU]}}\n\
         ai_systems:\n\
         \x20 - {{id: {system_id}, name: {system_name}, description: {purpose}, role: provider, markets: [EU], interacts_with_natural_persons: true}}\n\
         answers:\n\
         \x20 \"5.2\": {{status: implemented, owner: {owner}, evidence: [{{ref: {evidence}, kind: approved_document, date: 2026-05-01}}], notes: {notes}}}\n\
         \x20 \"A.6.2.2\": {{status: partial, owner: {owner}, evidence: [{{ref: {evidence}, kind: draft}}], notes: {notes}}}\n\
         \x20 \"A.7.2\": {{status: not_applicable, justification: {justification}}}\n",
        organisation = quote("organisation"),
        system_id = quote("system-id"),
        system_name = quote("system-name"),
        purpose = quote("purpose"),
        owner = quote("owner"),
        evidence = quote("evidence"),
        notes = quote("notes"),
        justification = quote("justification"),
    );
    let assessment = aimsgap_assess::parse_assessment(
        "hostile.yaml",
        &yaml,
        super::catalog(),
        Date::parse("2026-11-29").unwrap(),
    )
    .unwrap_or_else(|errors| panic!("{errors:?}"));
    aimsgap_assess::assess(super::catalog(), &assessment).unwrap()
}

/// How often each field's escaped text should appear: the reports show the organisation, the
/// AI system (once per law that applies to it, and by name in each Statement of Applicability
/// justification whose risk driver names it), the Statement of Applicability's owner, evidence
/// (HTML only) and justification, and the evidence appendix's references and notes (once per
/// entry); they do not show purposes, or the owner of clause answers.
fn expected(result: &AssessmentResult, field: &str, html: bool) -> usize {
    let appendix = aimsgap_report::evidence::Appendix::of(result);
    let references: usize = appendix
        .entries
        .iter()
        .map(|entry| entry.evidence.len())
        .sum();
    let notes = appendix
        .entries
        .iter()
        .filter(|entry| entry.notes.is_some())
        .count();
    // Both answers carry hostile evidence and notes: each is in the appendix.
    assert!(references >= 2 && notes >= 2, "{appendix:?}");
    let laws = result.obligations.len();
    assert!(laws > 0, "the EU AI Act applies to the chatbot");
    let naming = result
        .soa
        .iter()
        .filter(|entry| entry.included && entry.justification.contains(&hostile("system-name")))
        .count();
    match field {
        "organisation" if html => 2, // <title> and <h1>
        "organisation" => 1,         // the heading
        "system-id" => laws,
        "system-name" => laws + naming,
        "owner" | "justification" => 1,
        "evidence" if html => 1 + references,
        "evidence" => references,
        "notes" => notes,
        _ => 0,
    }
}

#[test]
fn hostile_text_in_every_field_is_escaped_wherever_it_is_shown() {
    let result = fixture();
    let html = aimsgap_report::html::render(&result, super::catalog());
    let markdown = aimsgap_report::markdown::render(&result, 15);
    for field in FIELDS {
        let raw = hostile(field);
        assert_eq!(html.matches(&raw).count(), 0, "{field} raw in HTML");
        assert_eq!(markdown.matches(&raw).count(), 0, "{field} raw in Markdown");
        assert_eq!(
            html.matches(&html_escaped(field)).count(),
            expected(&result, field, true),
            "{field} escaped in HTML"
        );
        assert_eq!(
            markdown.matches(&markdown_escaped(field)).count(),
            expected(&result, field, false),
            "{field} escaped in Markdown"
        );
    }
    // Nothing of the payload survives as markup anywhere, labelled or not.
    for needle in ["<script", "</script>"] {
        assert_eq!(html.matches(needle).count(), 0, "{needle} in HTML");
        assert_eq!(markdown.matches(needle).count(), 0, "{needle} in Markdown");
    }
    assert_eq!(markdown.matches("[x](javascript:y)").count(), 0);
    // Markdown tables keep their shape: no user text adds a cell.
    for block in markdown.split("\n\n").filter(|b| b.starts_with('|')) {
        let mut lines = block.lines();
        let cells = |line: &str| line.replace("\\|", "").matches('|').count();
        let header = cells(lines.next().unwrap());
        for line in lines {
            assert_eq!(cells(line), header, "{line}");
        }
    }
}

#[test]
fn charts_escape_group_titles() {
    let mut result = fixture();
    for group in &mut result.groups {
        group.title = hostile("group");
    }
    let chart = aimsgap_report::html::readiness_chart(&result.groups);
    assert_eq!(chart.matches("<script").count(), 0);
    // Each bar carries the full title in its tooltip; the label is shortened.
    assert_eq!(
        chart.matches(&html_escaped("group")).count(),
        result.groups.len()
    );
    assert!(chart.starts_with("<svg ") && chart.ends_with("</svg>"));
}

/// The lines of Rust code that hold an HTML tag inside a string literal, comments and unit
/// tests aside.
fn markup_in_string_literals(code: &str) -> Vec<String> {
    let code = code.split("#[cfg(test)]").next().unwrap();
    let mut found = Vec::new();
    for (number, line) in code.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        // Character literals of quotes would flip the string state below.
        let line = line.replace("'\"'", "' '").replace("'\\''", "' '");
        let chars: Vec<char> = line.chars().collect();
        let (mut in_string, mut escaped) = (false, false);
        for (i, c) in chars.iter().enumerate() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '<' if in_string => {
                    let next = chars.get(i + 1).copied().unwrap_or(' ');
                    if next.is_ascii_alphabetic() || next == '/' || next == '!' {
                        found.push(format!("{}: {line}", number + 1));
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    found
}

/// Markup belongs in the templates, where askama escapes by default: no HTML tag may sit in a
/// string literal of the modules that render HTML and Markdown.
#[test]
fn no_markup_in_rust_string_literals() {
    // The check itself finds what it should, and only that.
    let sample = "let a = \"<span class=\\\"x\\\">\";\nlet b = \"a < b\";\nlet c = '\"';\n// \"<i>\"\nlet d = \"</p>\";";
    assert_eq!(markup_in_string_literals(sample).len(), 2, "{sample}");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for file in ["html.rs", "markdown.rs", "escape.rs"] {
        let text = std::fs::read_to_string(src.join(file)).unwrap();
        let found = markup_in_string_literals(&text);
        assert!(
            found.is_empty(),
            "{file}: markup in Rust strings: {found:#?}"
        );
    }
}
