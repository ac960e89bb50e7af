//! The PDF report of the five examples: a PDF, the same bytes every time, fonts embedded, and
//! the words an executive reads (organisation, verdict, top gaps, SoA) really on the page.
//! Reading the text back needs poppler (`pdftotext`, `pdffonts`); without it those checks print
//! a notice and pass, unless AIMSGAP_REQUIRE_ALL=1.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "the PDF is read back by poppler: a file, the environment and a process"
)]

use aimsgap_assess::AssessmentResult;
use aimsgap_catalog::{Catalog, Date};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

const EXAMPLES: [(&str, &str); 5] = [
    (
        "bank-credit-scoring.yaml",
        include_str!("../../../../examples/bank-credit-scoring.yaml"),
    ),
    (
        "hrtech-cv-screening-soc2.yaml",
        include_str!("../../../../examples/hrtech-cv-screening-soc2.yaml"),
    ),
    (
        "medical-device-maker.yaml",
        include_str!("../../../../examples/medical-device-maker.yaml"),
    ),
    (
        "saas-chatbot-iso27001.yaml",
        include_str!("../../../../examples/saas-chatbot-iso27001.yaml"),
    ),
    (
        "startup-gpai-provider.yaml",
        include_str!("../../../../examples/startup-gpai-provider.yaml"),
    ),
];

fn require_all() -> bool {
    std::env::var("AIMSGAP_REQUIRE_ALL").is_ok_and(|v| v == "1")
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| aimsgap_catalog::builtin().unwrap())
}

fn assess(name: &str, text: &str) -> AssessmentResult {
    let assessment =
        aimsgap_assess::parse_assessment(name, text, catalog(), Date::parse("2026-11-29").unwrap())
            .unwrap_or_else(|errors| panic!("{name}: {errors:?}"));
    aimsgap_assess::assess(catalog(), &assessment).unwrap()
}

fn example(name: &str) -> AssessmentResult {
    let (_, text) = EXAMPLES.iter().find(|(file, _)| *file == name).unwrap();
    assess(name, text)
}

/// The PDF of each example, rendered once for all tests (a debug-build render takes seconds).
fn rendered(name: &str) -> &'static [u8] {
    static PDFS: OnceLock<Vec<OnceLock<Vec<u8>>>> = OnceLock::new();
    let index = EXAMPLES.iter().position(|(file, _)| *file == name).unwrap();
    PDFS.get_or_init(|| EXAMPLES.iter().map(|_| OnceLock::new()).collect())[index]
        .get_or_init(|| aimsgap_pdf::render(&example(name)).unwrap())
}

/// Whether a poppler tool runs here; prints the notice, or fails under AIMSGAP_REQUIRE_ALL=1.
fn poppler(tool: &str) -> bool {
    let present = Command::new(tool)
        .arg("-v")
        .output()
        .is_ok_and(|output| output.status.success());
    if !present {
        assert!(
            !require_all(),
            "{tool} is missing and AIMSGAP_REQUIRE_ALL=1: install poppler-utils"
        );
        eprintln!("notice: {tool} (Debian package poppler-utils) is not installed; check skipped");
    }
    present
}

fn write_pdf(label: &str, pdf: &[u8]) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("aimsgap-pdf-{label}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    path
}

fn run(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The text of the PDF in the order typst wrote it (`-raw`: a table cell's lines stay together
/// instead of interleaving with the next column), with whitespace collapsed and ligatures
/// undone, so a phrase can be found wherever the line breaks fell.
fn pdf_text(label: &str, pdf: &[u8]) -> String {
    let path = write_pdf(label, pdf);
    let text = run("pdftotext", &["-raw", path.to_str().unwrap(), "-"]);
    normalise(&text)
}

fn normalise(text: &str) -> String {
    let text = text
        .replace('\u{fb00}', "ff")
        .replace('\u{fb01}', "fi")
        .replace('\u{fb02}', "fl")
        .replace('\u{fb03}', "ffi")
        .replace('\u{fb04}', "ffl");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn pages(text_with_feeds: &str) -> usize {
    text_with_feeds.matches('\u{c}').count()
}

#[test]
fn every_example_renders_to_the_same_pdf_twice() {
    for (name, text) in EXAMPLES {
        let first = rendered(name);
        let second = aimsgap_pdf::render(&assess(name, text)).unwrap();
        assert!(first.starts_with(b"%PDF-"), "{name}: not a PDF");
        assert!(first.len() > 10_000, "{name}: {} bytes", first.len());
        assert!(first == second, "{name}: two renders differ");
    }
}

#[test]
fn a_different_as_of_date_gives_a_different_pdf() {
    let mut later = example("saas-chatbot-iso27001.yaml");
    later.as_of = Date::parse("2027-01-15").unwrap();
    assert_ne!(
        rendered("saas-chatbot-iso27001.yaml"),
        aimsgap_pdf::render(&later).unwrap()
    );
}

#[test]
fn the_pdf_names_the_organisation_the_verdict_the_top_three_gaps_and_work_packages() {
    if !poppler("pdftotext") {
        return;
    }
    for (name, text) in EXAMPLES {
        let result = assess(name, text);
        let page_text = pdf_text(name, rendered(name));
        let find = |phrase: &str| {
            assert!(
                page_text.contains(&normalise(phrase)),
                "{name}: {phrase:?} is not in the PDF text"
            )
        };
        find(&result.organization);
        find("29 November 2026");
        find(if result.verdict.ready_for_stage1 {
            "is ready for the Stage 1 audit"
        } else {
            "is not ready for the Stage 1 audit"
        });
        for reason in &result.verdict.reasons {
            find(reason);
        }
        assert!(result.gaps.len() >= 3, "{name}: the example has gaps");
        for gap in result.gaps.iter().take(3) {
            find(&format!("{} {}", gap.id, gap.title));
        }
        // The work packages, one line each with the requirements they close beneath.
        for package in result.work_packages.iter().take(3) {
            find(&format!("{} {}", package.id, package.title));
        }
        find(&format!("{:.1}", result.readiness.point));
        find(&result.roadmap.stage1_date.to_string());
        find(&result.roadmap.stage2_date.to_string());
        find("Appendix: Statement of Applicability");
        for system in &result.obligations {
            find(&format!("{} under {}", system.system_name, system.law));
        }
    }
}

#[test]
fn the_soa_appendix_lists_all_38_controls_with_their_owners() {
    if !poppler("pdftotext") {
        return;
    }
    let result = example("bank-credit-scoring.yaml");
    assert_eq!(result.soa.len(), 38);
    let page_text = pdf_text("soa", rendered("bank-credit-scoring.yaml"));
    let appendix = page_text
        .split("Appendix: Statement of Applicability")
        .nth(1)
        .expect("the appendix heading");
    for entry in &result.soa {
        assert!(
            appendix.contains(&format!("{} ", entry.control)),
            "{} is not in the appendix",
            entry.control
        );
        if let Some(owner) = &entry.owner {
            assert!(appendix.contains(&normalise(owner)), "owner {owner:?}");
        }
    }
}

/// The evidence appendix gives each piece's reference, freshness and full SHA-256 and the
/// answer's notes, and the top gaps and work packages point to it.
#[test]
fn the_evidence_appendix_shows_references_hashes_and_notes() {
    let result = example("bank-credit-scoring.yaml");
    let appendix = aimsgap_report::evidence::Appendix::of(&result);
    let source = aimsgap_pdf::render_typst_source(&result);
    let overdue = "0700afcd5356dd995726c4d49e0fc31e18938682b626313c8e218e3dd7f15270";
    assert!(source.contains(overdue), "the data carries the full hash");
    if !poppler("pdftotext") {
        return;
    }
    let page_text = pdf_text("evidence", rendered("bank-credit-scoring.yaml"));
    let section = page_text
        .split("Appendix: evidence and notes")
        .nth(1)
        .expect("the evidence appendix");
    let entry = section
        .split("A.6.2.4 (answer A.6.2.4)")
        .nth(1)
        .expect("the entry of A.6.2.4");
    for needed in [
        "validation/MV-2025-044-fraud-model.pdf",
        &format!("SHA-256 {overdue}"),
        "31 August 2026",
        "past its review date",
        "Notes: Independent second-line validation before use and yearly",
    ] {
        assert!(entry.contains(needed), "{needed} missing from {entry}");
    }
    assert!(section.contains(
        "Notes: The board approved version 3 on 26 February 2026; every employee had attested to it by 31 May."
    ));
    // Each top gap or work package with evidence points to the appendix.
    let pointing = result
        .work_packages
        .iter()
        .take(15)
        .filter(|p| appendix.anchor_of(&p.id).is_some())
        .count();
    assert!(page_text.matches("see appendix").count() >= pointing);
    let any = result.work_packages.iter().take(15).any(|p| {
        appendix.anchor_of(&p.id).is_some()
            || p.requirements
                .iter()
                .any(|r| appendix.anchor_of(r).is_some())
    });
    assert!(any, "the example exercises the pointer");
    assert!(page_text.contains("see appendix"));
}

#[test]
fn every_page_has_a_number_and_the_header_names_the_organisation() {
    if !poppler("pdftotext") {
        return;
    }
    let result = example("saas-chatbot-iso27001.yaml");
    let path = write_pdf("pages", rendered("saas-chatbot-iso27001.yaml"));
    let raw = run("pdftotext", &["-raw", path.to_str().unwrap(), "-"]);
    let total = pages(&raw);
    assert!(total >= 4, "{total} pages");
    for (index, page) in raw.split('\u{c}').take(total).enumerate() {
        let page = normalise(page);
        assert!(
            page.contains(&format!("Page {} of {total}", index + 1)),
            "page {}: {page}",
            index + 1
        );
        assert!(page.contains(&result.organization), "page {}", index + 1);
    }
}

#[test]
fn fonts_are_embedded() {
    if !poppler("pdffonts") {
        return;
    }
    let path = write_pdf("fonts", rendered("medical-device-maker.yaml"));
    let listing = run("pdffonts", &[path.to_str().unwrap()]);
    let fonts: Vec<Vec<&str>> = listing
        .lines()
        .skip(2)
        .map(|line| line.split_whitespace().collect())
        .collect();
    assert!(!fonts.is_empty(), "{listing}");
    // Columns from the right: emb sub uni object-number generation.
    for font in &fonts {
        assert_eq!(font[font.len() - 5], "yes", "not embedded: {font:?}");
    }
    assert!(listing.contains("LibertinusSerif"), "{listing}");
    assert!(listing.contains("DejaVuSansMono"), "{listing}");
}

#[test]
fn the_pdf_is_dated_by_the_assessment_not_the_clock() {
    if !poppler("pdfinfo") {
        return;
    }
    let path = write_pdf("info", rendered("startup-gpai-provider.yaml"));
    let info = run("pdfinfo", &["-isodates", path.to_str().unwrap()]);
    let created = info
        .lines()
        .find(|line| line.starts_with("CreationDate:"))
        .unwrap_or_else(|| panic!("{info}"));
    assert!(created.contains("2026-11-29"), "{created}");
    assert!(
        info.contains("Page size:") && info.contains("(A4)"),
        "{info}"
    );
}

/// User text must stay text: an organisation, a system, an owner or a justification that looks
/// like typst markup or code is printed as written, and does not change the layout.
#[test]
fn markup_in_user_text_is_printed_literally() {
    let hostile = r#"Acme #set page(width: 1cm) *bold* $x$ <script>"#;
    let quoted = r#"Owner "quoted" \ back \n _under_ @ref `tick` [br] ~ // not a comment"#;
    let mut result = example("bank-credit-scoring.yaml");
    result.organization = hostile.to_string();
    result.obligations[0].system_name = r#"System ]) #panic("x") /* open"#.to_string();
    result.soa[0].owner = Some(quoted.to_string().into());
    result.soa[1].justification = "Line one\nline two\t#eval(\"1\")".to_string();
    result.soa[2].evidence = vec![(
        "policy#7 $\\".into(),
        aimsgap_assess::EvidenceKind::ApprovedDocument,
        None,
    )];
    let evidence_text = r#"evidence ]) #panic("e") $y$ *star*"#;
    let notes_text = r#"notes #set text(size: 40pt) [x] _y_"#;
    result.requirements[0].evidence = vec![aimsgap_assess::EvidenceUse {
        reference: evidence_text.to_string().into(),
        kind: aimsgap_assess::EvidenceKind::ApprovedDocument,
        date: None,
        review_by: None,
        sha256: Some("ab".repeat(32)),
        freshness: aimsgap_assess::Freshness::Current,
        weight: 1.0,
    }];
    result.requirements[0].answer_notes = Some(notes_text.to_string().into());

    // The template reads the data as JSON: user text is a JSON string, a typst string after.
    let json = aimsgap_pdf::render_data_json(&result);
    assert!(
        json.contains(r#""org":"Acme #set page(width: 1cm) *bold* $x$ <script>","#),
        "the organisation is not a plain JSON string"
    );
    assert!(json.contains(r#""Owner \"quoted\" \\ back \\n _under_ @ref"#));

    let pdf = aimsgap_pdf::render(&result).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    if !poppler("pdftotext") {
        return;
    }
    let page_text = pdf_text("hostile", &pdf);
    for phrase in [
        hostile,
        quoted,
        r#"System ]) #panic("x") /* open under"#,
        "Line one line two #eval(\"1\")",
        "policy#7 $\\",
        evidence_text,
        notes_text,
    ] {
        assert!(
            page_text.contains(&normalise(phrase)),
            "{phrase:?} is not printed literally"
        );
    }
    // `#set page(width: 1cm)` would have made every page 1 cm wide, with thousands of them.
    let path = write_pdf("hostile-pages", &pdf);
    let info = run("pdfinfo", &[path.to_str().unwrap()]);
    assert!(info.contains("(A4)"), "{info}");
    // The document title carries the organisation as written too.
    assert!(
        info.contains(&format!("ISO/IEC 42001 readiness: {hostile}")),
        "{info}"
    );
}

#[test]
fn the_pdf_shows_declared_beside_evidenced_and_everything_to_attach() {
    if !poppler("pdftotext") {
        return;
    }
    for (name, text) in EXAMPLES {
        let result = assess(name, text);
        let page_text = pdf_text(&format!("claims-{name}"), rendered(name));
        let find = |phrase: &str| {
            assert!(
                page_text.contains(&normalise(phrase)),
                "{name}: {phrase:?} is not in the PDF text"
            )
        };
        find(&format!(
            "If your answers hold {:.1} declared readiness",
            result.claims.declared
        ));
        find(&format!(
            "Evidenced {:.1} what evidence and held certifications back",
            result.claims.evidenced
        ));
        for attach in &result.claims.to_attach {
            find(&attach.id);
            // The opening words: a table cell may break a hyphenated word across lines.
            let opening: Vec<&str> = attach
                .expected
                .split_whitespace()
                .take_while(|word| !word.contains('-'))
                .take(4)
                .collect();
            find(&opening.join(" "));
        }
        for gap in result.gaps.iter().filter(|gap| gap.blocker) {
            let requirement = result.requirements.iter().find(|r| r.id == gap.id).unwrap();
            find(&format!("{} {}:", requirement.id, requirement.title));
        }
    }
}

#[test]
fn the_pdf_gives_reporting_deadlines_and_lists_permissions_apart() {
    if !poppler("pdftotext") {
        return;
    }
    // The first example whose AI systems carry both an obligation with reporting deadlines
    // (Art. 73) and a permission (Art. 4a(1)).
    let (name, result) = EXAMPLES
        .iter()
        .map(|(name, _)| (*name, example(name)))
        .find(|(_, result)| {
            result.obligations.iter().any(|s| !s.permissions.is_empty())
                && result
                    .obligations
                    .iter()
                    .any(|s| s.items.iter().any(|i| !i.deadlines.is_empty()))
        })
        .expect("an example with reporting deadlines and a permission");
    let text = pdf_text("deadlines", rendered(name));
    let section = text
        .split("Obligations per AI system")
        .nth(1)
        .expect("the obligations section");
    let deadline = result
        .obligations
        .iter()
        .flat_map(|s| &s.items)
        .find_map(|i| i.deadline_sentence())
        .unwrap();
    assert!(
        section.contains(&normalise(&deadline)),
        "{deadline:?} is not in the PDF"
    );
    let permission = result
        .obligations
        .iter()
        .flat_map(|s| &s.permissions)
        .next()
        .unwrap();
    assert!(
        section.contains(&format!(
            "May (a permission, never a duty): {}",
            normalise(&permission.reference)
        )),
        "permission {} is not listed apart",
        permission.reference
    );
}

/// typst's memoized work (fonts instantiated, shaping plans, the layout of unchanged parts)
/// outlives a report so that the next one is faster. A report typeset after others, from
/// those caches, must have exactly the bytes of the same report typeset with them emptied.
#[test]
fn a_report_typeset_after_other_reports_has_the_same_bytes_as_one_typeset_from_scratch() {
    let results: Vec<(&str, AssessmentResult)> = EXAMPLES
        .iter()
        .map(|(name, text)| (*name, assess(name, text)))
        .collect();
    let from_scratch: Vec<Vec<u8>> = results
        .iter()
        .map(|(_, result)| {
            typst::comemo::evict(0);
            aimsgap_pdf::render(result).unwrap()
        })
        .collect();
    let mut renamed = results[0].1.clone();
    renamed.organization.push_str(" (renamed)");
    // Forwards, a report of another organisation, then backwards: every report finds typst's
    // caches filled by the ones before it.
    let order = (0..results.len())
        .map(Some)
        .chain([None])
        .chain((0..results.len()).rev().map(Some));
    for index in order {
        let Some(index) = index else {
            let pdf = aimsgap_pdf::render(&renamed).unwrap();
            assert_ne!(pdf, from_scratch[0], "the organisation is on the page");
            continue;
        };
        let (name, result) = &results[index];
        let pdf = aimsgap_pdf::render(result).unwrap();
        assert!(pdf == from_scratch[index], "{name}: the bytes changed");
    }
}
