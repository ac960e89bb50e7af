//! The drafts read as documents a compliance manager approves: the trace sits in numbered
//! notes, no machine value or plural slip reaches the body, the NIST AI RMF is a framework,
//! generative AI risks are seeded only where a system's facts make them possible, the caveat
//! about unconfirmed legal readings is said once, and the Word documents carry the same words
//! as the Markdown when python-docx reads them.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "the Word test hands the documents to a reader that is not ours: files and processes"
)]

use super::{EXAMPLES, catalog};
use aimsgap_assess::Assessment;
use aimsgap_catalog::Date;
use aimsgap_report::artefacts::{Artefact, artefacts, docx};

fn parse(name: &str, text: &str) -> Assessment {
    aimsgap_assess::parse_assessment(name, text, catalog(), Date::parse("2026-11-29").unwrap())
        .unwrap_or_else(|errors| panic!("{errors:?}"))
}

fn drafts_of(assessment: &Assessment) -> Vec<Artefact> {
    let result = aimsgap_assess::assess(catalog(), assessment).unwrap();
    artefacts(catalog(), assessment, &result)
}

/// Every draft of every example, with the example's name.
fn every_draft() -> Vec<(&'static str, Artefact)> {
    EXAMPLES
        .iter()
        .flat_map(|(name, text)| {
            drafts_of(&parse(name, text))
                .into_iter()
                .map(move |draft| (*name, draft))
        })
        .collect()
}

/// The body of a draft: everything before its Sources appendix.
fn body(markdown: &str) -> &str {
    markdown
        .find("\n## Sources\n")
        .map_or(markdown, |end| &markdown[..end])
}

fn draft<'a>(drafts: &'a [Artefact], file_name: &str) -> &'a str {
    drafts
        .iter()
        .find(|d| d.file_name == file_name)
        .map(|d| d.markdown.as_str())
        .unwrap_or_else(|| panic!("no {file_name}"))
}

fn example(name: &str) -> Vec<Artefact> {
    let (name, text) = EXAMPLES.iter().find(|(n, _)| *n == name).unwrap();
    drafts_of(&parse(name, text))
}

#[test]
fn the_trace_sits_in_numbered_notes_not_on_every_line() {
    for (example, draft) in every_draft() {
        let body = body(&draft.markdown);
        assert!(
            !body.contains("(source:"),
            "{example} {}: {}",
            draft.file_name,
            body.lines().find(|l| l.contains("(source:")).unwrap_or("")
        );
        let sources = &draft.markdown[body.len()..];
        assert!(sources.starts_with("\n## Sources\n"), "{}", draft.file_name);
        // Every marker of the body has its note, and every note is used.
        let notes = sources.matches("\n[^").count();
        assert!(notes > 0, "{}", draft.file_name);
        for number in 1..=notes {
            assert!(
                body.contains(&format!("[^{number}]")),
                "{} note {number} unused",
                draft.file_name
            );
            assert!(sources.contains(&format!("\n[^{number}]: ")));
        }
        assert!(!body.contains(&format!("[^{}]", notes + 1)));
    }
}

/// Words joined by an underscore (`hr_technology`, escaped `hr\_technology`), the shape of a
/// vocabulary value of the assessment file.
fn snake_case_words(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || "|,;:()`*[]\"'".contains(c)) {
        let word = word.replace("\\_", "_");
        let parts: Vec<&str> = word.split('_').collect();
        if parts.len() > 1
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            found.push(word.clone());
        }
    }
    found
}

#[test]
fn no_draft_of_any_example_leaks_a_machine_value() {
    // The old drafts printed `Sector: hr\_technology` and `area \`essential\_services\``.
    assert_eq!(
        snake_case_words("Sector: hr\\_technology"),
        ["hr_technology"]
    );
    for (example, draft) in every_draft() {
        let leaks = snake_case_words(body(&draft.markdown));
        assert!(leaks.is_empty(), "{example} {}: {leaks:?}", draft.file_name);
    }
}

/// `1 obligations`, `1 employees`, `1 full-time equivalents`: a count of one with a plural.
fn plural_slips(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .windows(2)
        .filter(|pair| {
            pair[0] == "1"
                && pair[1].len() > 3
                && pair[1].ends_with('s')
                && !pair[1].ends_with("ss")
                && pair[1].chars().all(|c| c.is_ascii_lowercase())
        })
        .map(|pair| pair.join(" "))
        .collect()
}

#[test]
fn no_draft_of_any_example_slips_on_a_plural() {
    assert_eq!(
        plural_slips("People working on the AIMS: 1 full-time equivalents"),
        Vec::<String>::new(),
        "hyphenated nouns are checked by the phrase below"
    );
    assert_eq!(plural_slips("meet the 1 obligations of"), ["1 obligations"]);
    for (example, draft) in every_draft() {
        let slips = plural_slips(&draft.markdown);
        assert!(slips.is_empty(), "{example} {}: {slips:?}", draft.file_name);
        for phrase in ["1 full-time equivalents", "1 employees", "that apply to 1 "] {
            assert!(
                !draft.markdown.contains(phrase),
                "{example} {}: {phrase}",
                draft.file_name
            );
        }
    }
    // The hrtech team is one person.
    let scope = draft(&example("hrtech-cv-screening-soc2"), "aims-scope.md").to_string();
    assert!(scope.contains("People working on the AIMS: 1 full-time equivalent["));
}

#[test]
fn the_nist_ai_rmf_is_a_voluntary_framework_not_a_management_system() {
    let scope = draft(&example("hrtech-cv-screening-soc2"), "aims-scope.md").to_string();
    let nist = scope
        .lines()
        .find(|line| line.starts_with("**NIST AI Risk Management Framework"))
        .unwrap();
    assert!(
        nist.contains("a voluntary framework, not a management system"),
        "{nist}"
    );
    // Neither SOC 2 nor the NIST AI RMF has a management system to integrate with.
    assert!(!scope.contains("the integration of the management systems"));
    assert!(!scope.contains("### Existing management systems"));
    // ISO/IEC 27001 is one.
    let scope = draft(&example("saas-chatbot-iso27001"), "aims-scope.md").to_string();
    assert!(scope.contains("the integration of the management systems"));
    for (example, draft) in every_draft() {
        for line in draft.markdown.lines() {
            if line.contains("NIST AI Risk Management Framework") {
                assert!(
                    !line.contains("management system") || line.contains("not a management system"),
                    "{example} {}: {line}",
                    draft.file_name
                );
            }
        }
    }
}

/// The NIST AI 600-1 rows the register seeds for one system with these facts.
fn generative_rows(generates: bool, gpai: bool, interacts: bool) -> Vec<String> {
    let yaml = format!(
        "aimsgap: 2\nas_of: 2026-11-29\norganization: {{name: Acme, jurisdictions: [EU]}}\n\
         ai_systems:\n  - {{id: s, name: S, role: provider, markets: [EU], \
         generates_synthetic_content: {generates}, gpai_model: {gpai}, \
         interacts_with_natural_persons: {interacts}}}\n"
    );
    let drafts = drafts_of(&parse("t.yaml", &yaml));
    draft(&drafts, "ai-risk-register.md")
        .lines()
        .filter_map(|line| {
            let start = line.find("Generative AI risk (NIST AI 600-1): ")?;
            let rest = &line[start + "Generative AI risk (NIST AI 600-1): ".len()..];
            Some(rest.split(" |").next().unwrap_or("").to_string())
        })
        .collect()
}

#[test]
fn generative_ai_risks_are_seeded_only_where_the_system_facts_make_them_possible() {
    // Every combination of the three facts the rule reads.
    for generates in [false, true] {
        for gpai in [false, true] {
            for interacts in [false, true] {
                let rows = generative_rows(generates, gpai, interacts);
                let facts = format!("generates {generates}, gpai {gpai}, interacts {interacts}");
                let has = |title: &str| rows.iter().any(|row| row.starts_with(title));
                if !generates && !gpai {
                    assert!(rows.is_empty(), "{facts}: {rows:?}");
                    continue;
                }
                // CBRN uplift and the energy of training at scale need a general-purpose model.
                assert_eq!(has("CBRN"), gpai, "{facts}: {rows:?}");
                assert_eq!(has("Environmental"), gpai, "{facts}: {rows:?}");
                // Harmful content for the people a system talks to needs an open-ended system.
                assert_eq!(has("Obscene"), gpai || interacts, "{facts}: {rows:?}");
                assert!(has("Confabulation"), "{facts}: {rows:?}");
                assert_eq!(
                    rows.len(),
                    if gpai {
                        12
                    } else if interacts {
                        10
                    } else {
                        7
                    },
                    "{facts}: {rows:?}"
                );
            }
        }
    }
    // The examples: the job advertisement writer calls a third-party model; the base model is
    // a general-purpose model.
    let register = draft(&example("hrtech-cv-screening-soc2"), "ai-risk-register.md").to_string();
    assert!(!register.contains("CBRN"), "{register}");
    assert!(register.contains("Confabulation"));
    let register = draft(&example("startup-gpai-provider"), "ai-risk-register.md").to_string();
    let cbrn = register.lines().filter(|l| l.contains("CBRN")).count();
    assert_eq!(cbrn, 1, "only the base model, not the consumer app");
}

#[test]
fn the_caveat_about_unconfirmed_legal_readings_is_said_once() {
    let drafts = example("hrtech-cv-screening-soc2");
    let impact = draft(&drafts, "impact-assessment-cv-screening.md");
    assert_eq!(
        impact
            .matches("Some readings of the law below are not yet confirmed")
            .count(),
        1
    );
    assert!(!impact.contains("Points of these obligations the catalog has not confirmed"));
    let section = &impact[impact.find("## Legal readings to confirm").unwrap()..];
    // Each note once, and nowhere in the tables.
    for line in section.lines().filter(|l| l.starts_with("- ")) {
        let note = line.split_once(": ").unwrap().1;
        let note = &note[..note.rfind("[^").unwrap_or(note.len())];
        assert_eq!(impact.matches(note).count(), 1, "{note}");
    }
    assert!(impact.contains("(to confirm)"));
    // A system without unconfirmed readings has no notice.
    let drafts = example("bank-credit-scoring");
    for draft in drafts.iter().filter(|d| d.file_name.starts_with("impact-")) {
        let notice = draft.markdown.contains("not yet confirmed");
        let section = draft.markdown.contains("## Legal readings to confirm");
        assert_eq!(notice, section, "{}", draft.file_name);
    }
}

/// The words of a text, as a reader sees them: letters and digits only, so Markdown's markup
/// and Word's structure both drop out.
fn words(text: &str) -> Vec<String> {
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn word_drafts_read_by_python_docx_carry_the_markdown_words() {
    let dir = std::env::temp_dir().join(format!("aimsgap-drafts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut paths = Vec::new();
    let mut expected = Vec::new();
    for (example, draft) in every_draft() {
        let bytes = docx::to_docx(&draft, "2026-11-29").unwrap();
        // The same draft gives the same bytes.
        assert_eq!(bytes, docx::to_docx(&draft, "2026-11-29").unwrap());
        assert_eq!(&bytes[..2], b"PK");
        let path = dir.join(format!("{example}-{}", docx::file_name(&draft)));
        std::fs::write(&path, bytes).unwrap();
        paths.push(path.to_string_lossy().into_owned());
        expected.push((draft.file_name.clone(), words(&draft.markdown)));
    }
    // Body order: paragraphs and tables as they come; a table cell by cell, row by row.
    let script = r#"
import sys, docx
from docx.table import Table
from docx.text.paragraph import Paragraph
for path in sys.argv[1:]:
    document = docx.Document(path)
    texts = []
    headings = 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit('}', 1)[-1]
        if tag == 'p':
            paragraph = Paragraph(child, document)
            if paragraph.style is not None and paragraph.style.name.startswith('Heading'):
                headings += 1
            texts.append(paragraph.text)
        elif tag == 'tbl':
            for row in Table(child, document).rows:
                for cell in row.cells:
                    texts.append(cell.text)
    print('\x1e'.join([str(headings)] + texts) + '\x1d', end='')
"#;
    let args: Vec<&str> = paths.iter().map(String::as_str).collect();
    let Some(out) = super::formats::python("docx", script, &args) else {
        return;
    };
    let documents: Vec<&str> = out.split('\x1d').filter(|d| !d.is_empty()).collect();
    assert_eq!(documents.len(), expected.len());
    for (document, (file_name, markdown_words)) in documents.iter().zip(&expected) {
        let mut parts = document.split('\x1e');
        let headings: usize = parts.next().unwrap().parse().unwrap();
        assert!(headings >= 3, "{file_name}: headings are Word headings");
        let docx_words = words(&parts.collect::<Vec<_>>().join(" "));
        assert_eq!(&docx_words, markdown_words, "{file_name}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_risk_register_sheet_read_by_openpyxl_has_the_register_rows_with_their_sources() {
    let drafts = example("startup-gpai-provider");
    let register = drafts
        .iter()
        .find(|d| d.file_name == "ai-risk-register.md")
        .unwrap();
    let bytes = aimsgap_report::artefacts::sheet::risk_register_xlsx(
        register,
        Date::parse("2026-11-29").unwrap(),
    )
    .unwrap();
    assert_eq!(
        bytes,
        aimsgap_report::artefacts::sheet::risk_register_xlsx(
            register,
            Date::parse("2026-11-29").unwrap()
        )
        .unwrap(),
        "the same draft gives the same bytes"
    );
    let rows = register
        .markdown
        .lines()
        .filter(|line| line.starts_with("| R0"))
        .count();
    assert!(rows > 12, "{rows}");
    let dir = std::env::temp_dir().join(format!("aimsgap-sheet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("register.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let script = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames == ["Risk register"], wb.sheetnames
ws = wb["Risk register"]
assert ws.freeze_panes == "A2", ws.freeze_panes
rows = list(ws.iter_rows(values_only=True))
print(len(rows) - 1)
print("\x1e".join(str(c) for c in rows[0]))
cbrn = [r for r in rows[1:] if "CBRN" in str(r[2])]
print(len(cbrn))
print(rows[1][-1])
"#;
    let Some(out) = super::formats::python("openpyxl", script, &[path.to_str().unwrap()]) else {
        return;
    };
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0].parse::<usize>().unwrap(), rows);
    assert_eq!(
        lines[1].split('\x1e').collect::<Vec<_>>(),
        [
            "Risk",
            "AI system",
            "Risk source",
            "Consequence",
            "Affected parties",
            "Initial rating",
            "Treatment (Annex A)",
            "Owner",
            "Source"
        ]
    );
    // Only the base model is a general-purpose model.
    assert_eq!(lines[2], "1");
    // The sheet writes the source out where the document has a footnote marker.
    assert!(lines[3].starts_with("ai_system "), "{}", lines[3]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn hostile_user_text_reaches_the_word_document_as_text() {
    let hostile = "<w:p>&amp; \"x\" | *y* [^1] ]]> Z\u{fc}rich";
    let yaml = format!(
        "aimsgap: 2\nas_of: 2026-11-29\norganization: {{name: '{name}', sector: '{name}', jurisdictions: [EU]}}\n\
         ai_systems:\n  - {{id: bot, name: '{name}', role: provider, markets: [EU], interacts_with_natural_persons: true}}\n",
        name = hostile.replace('\'', "''")
    );
    let drafts = drafts_of(&parse("t.yaml", &yaml));
    let scope = drafts
        .iter()
        .find(|d| d.file_name == "aims-scope.md")
        .unwrap();
    let bytes = docx::to_docx(scope, "2026-11-29").unwrap();
    let dir = std::env::temp_dir().join(format!("aimsgap-hostile-docx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scope.docx");
    std::fs::write(&path, bytes).unwrap();
    let script = r#"
import sys, docx
document = docx.Document(sys.argv[1])
print(document.paragraphs[0].text)
"#;
    let Some(out) = super::formats::python("docx", script, &[path.to_str().unwrap()]) else {
        return;
    };
    assert_eq!(
        out.trim_end_matches('\n'),
        format!("AIMS scope statement: {hostile}")
    );
    std::fs::remove_dir_all(&dir).ok();
}
