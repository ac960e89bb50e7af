//! The artefact drafts: the expected documents exist, they name what the assessment knows,
//! every decision is marked the same way, and hostile user text cannot break the Markdown.

use super::catalog;
use aimsgap_assess::{Assessment, AssessmentResult};
use aimsgap_catalog::Date;
use aimsgap_report::artefacts::{Artefact, artefacts, escape};

const SAAS: (&str, &str) = (
    "saas-chatbot-iso27001.yaml",
    include_str!("../../../../examples/saas-chatbot-iso27001.yaml"),
);
const BANK: (&str, &str) = (
    "bank-credit-scoring.yaml",
    include_str!("../../../../examples/bank-credit-scoring.yaml"),
);
const HRTECH: (&str, &str) = (
    "hrtech-cv-screening-soc2.yaml",
    include_str!("../../../../examples/hrtech-cv-screening-soc2.yaml"),
);
const MEDICAL: (&str, &str) = (
    "medical-device-maker.yaml",
    include_str!("../../../../examples/medical-device-maker.yaml"),
);
const STARTUP: (&str, &str) = (
    "startup-gpai-provider.yaml",
    include_str!("../../../../examples/startup-gpai-provider.yaml"),
);
const EXAMPLES: [(&str, &str); 5] = [SAAS, BANK, HRTECH, MEDICAL, STARTUP];

fn parse((name, text): (&str, &str)) -> Assessment {
    aimsgap_assess::parse_assessment(name, text, catalog(), Date::parse("2026-11-29").unwrap())
        .unwrap_or_else(|errors| panic!("{errors:?}"))
}

fn generate(assessment: &Assessment) -> (AssessmentResult, Vec<Artefact>) {
    let result = aimsgap_assess::assess(catalog(), assessment).unwrap();
    let documents = artefacts(catalog(), assessment, &result);
    (result, documents)
}

fn document<'a>(documents: &'a [Artefact], file_name: &str) -> &'a str {
    documents
        .iter()
        .find(|d| d.file_name == file_name)
        .map(|d| d.markdown.as_str())
        .unwrap_or_else(|| panic!("no {file_name} among the artefacts"))
}

/// The text of one `## ` section of a document, up to the next one.
fn section<'a>(markdown: &'a str, heading_start: &str) -> &'a str {
    let start = markdown
        .find(&format!("\n## {heading_start}"))
        .unwrap_or_else(|| panic!("no section {heading_start}"));
    let rest = &markdown[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    &rest[..end]
}

/// A part of a document followed by the source notes its markers point to, so a test can
/// ask what a statement is traced to.
fn with_notes(markdown: &str, part: &str) -> String {
    let mut out = part.to_string();
    let mut rest = part;
    while let Some(start) = rest.find("[^") {
        let after = &rest[start + 2..];
        let Some(end) = after.find(']') else { break };
        let label = &after[..end];
        let definition = format!("\n[^{label}]: ");
        if let Some(at) = markdown.find(&definition) {
            let note = &markdown[at + definition.len()..];
            out.push_str("\n(source: ");
            out.push_str(&note[..note.find('\n').unwrap_or(note.len())]);
            out.push(')');
        }
        rest = &after[end..];
    }
    out
}

/// The `|` that separate cells: those not escaped with a backslash.
fn cell_separators(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for ch in line.chars() {
        match ch {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
        if ch != '\\' {
            escaped = false;
        }
    }
    count
}

/// Every table row has as many cells as its header.
fn assert_tables_well_formed(artefact: &Artefact) {
    let mut expected: Option<usize> = None;
    for line in artefact.markdown.lines() {
        if line.starts_with('|') {
            let separators = cell_separators(line);
            match expected {
                None => expected = Some(separators),
                Some(n) => assert_eq!(
                    separators, n,
                    "{}: row with a different cell count: {line}",
                    artefact.file_name
                ),
            }
        } else {
            expected = None;
        }
    }
}

#[test]
fn every_example_gets_the_expected_files_with_one_impact_assessment_per_system() {
    for example in EXAMPLES {
        let assessment = parse(example);
        let (_, documents) = generate(&assessment);
        let mut expected = vec![
            "aims-scope.md".to_string(),
            "ai-policy.md".to_string(),
            "ai-risk-method.md".to_string(),
            "ai-risk-register.md".to_string(),
        ];
        for system in &assessment.ai_systems {
            expected.push(format!("impact-assessment-{}.md", system.id));
        }
        expected.push("statement-of-applicability.md".to_string());
        let names: Vec<&str> = documents.iter().map(|d| d.file_name.as_str()).collect();
        assert_eq!(names, expected, "{}", example.0);
        for artefact in &documents {
            assert!(
                artefact.markdown.starts_with("# "),
                "{}",
                artefact.file_name
            );
            assert!(!artefact.title.is_empty());
            assert_tables_well_formed(artefact);
        }
    }
}

#[test]
fn the_scope_names_every_system_with_its_role() {
    for example in [SAAS, BANK, MEDICAL, STARTUP] {
        let assessment = parse(example);
        let (_, documents) = generate(&assessment);
        let scope = document(&documents, "aims-scope.md");
        let roles = section(scope, "3. The organisation's role");
        for system in &assessment.ai_systems {
            let role = system.role.unwrap().as_str().replace('_', " ");
            let row = roles
                .lines()
                .find(|line| line.starts_with(&format!("| {} |", escape(&system.name))))
                .unwrap_or_else(|| panic!("{}: no role row for {}", example.0, system.name));
            assert!(row.contains(&format!("| {role} |")), "{row}");
            assert!(
                section(scope, "2. AI systems in scope").contains(&escape(&system.description)),
                "{}: purpose of {} missing",
                example.0,
                system.id
            );
        }
    }
}

#[test]
fn the_scope_says_what_the_isms_lends_and_lists_the_exclusions() {
    let (_, documents) = generate(&parse(SAAS));
    let interfaces = section(
        document(&documents, "aims-scope.md"),
        "6. Interfaces and dependencies",
    );
    assert!(interfaces.contains("ISO/IEC 27001:2022"), "{interfaces}");
    // Clause 9 mechanics (internal audit, management review) carry over from the ISMS.
    assert!(interfaces.contains("| 9 "), "{interfaces}");
    assert!(
        with_notes(document(&documents, "aims-scope.md"), interfaces)
            .contains("(source: certification iso27001")
    );

    let (result, documents) = generate(&parse(BANK));
    let exclusions = section(document(&documents, "aims-scope.md"), "7. Exclusions");
    let excluded: Vec<_> = result.soa.iter().filter(|e| !e.included).collect();
    assert_eq!(excluded.len(), 4);
    for entry in excluded {
        assert!(
            exclusions.contains(&escape(&entry.justification)),
            "{}",
            entry.control
        );
        assert!(
            with_notes(document(&documents, "aims-scope.md"), exclusions)
                .contains(&format!("answer {}", entry.control))
        );
    }
    // The bank's ISO 27001 scope leaves its AI out: the draft must say so.
    let interfaces = section(
        document(&documents, "aims-scope.md"),
        "6. Interfaces and dependencies",
    );
    assert!(
        interfaces.contains("does not cover the AI systems"),
        "{interfaces}"
    );
}

#[test]
fn the_soa_has_38_control_rows_and_excluded_controls_show_their_justification() {
    for example in [SAAS, BANK] {
        let (result, documents) = generate(&parse(example));
        let soa = document(&documents, "statement-of-applicability.md");
        let rows: Vec<&str> = soa.lines().filter(|l| l.starts_with("| A.")).collect();
        assert_eq!(rows.len(), 38, "{}", example.0);
        for entry in &result.soa {
            let row = rows
                .iter()
                .find(|r| r.starts_with(&format!("| {} |", entry.control)))
                .unwrap_or_else(|| panic!("no row for {}", entry.control));
            if entry.included {
                assert!(row.contains("| yes |"), "{row}");
            } else {
                assert!(row.contains("| no |"), "{row}");
                assert!(!entry.justification.is_empty());
                assert!(row.contains(&escape(&entry.justification)), "{row}");
                assert!(
                    with_notes(soa, row).contains(&format!("(source: answer {}", entry.control)),
                    "{row}"
                );
            }
        }
    }
    // The SaaS company excludes A.7.2 (it trains no model) and says why.
    let (_, documents) = generate(&parse(SAAS));
    let soa = document(&documents, "statement-of-applicability.md");
    let row = soa.lines().find(|l| l.starts_with("| A.7.2 |")).unwrap();
    assert!(row.contains("does not train or fine-tune models"), "{row}");
    // Evidence shows its date.
    let row = soa.lines().find(|l| l.starts_with("| A.8.2 |")).unwrap();
    assert!(
        row.contains("product/assistant-disclosure-banner.png (operating record, 2026-08-15)"),
        "{row}"
    );
}

#[test]
fn decisions_are_marked_the_same_way_in_the_right_documents() {
    let (_, documents) = generate(&parse(BANK));
    for artefact in &documents {
        let text = &artefact.markdown;
        assert!(text.contains("**[DECIDE: "), "{}", artefact.file_name);
        // One form everywhere: every DECIDE opens with `**[` and closes with `]**` on its line.
        for (at, _) in text.match_indices("DECIDE") {
            if text[..at].ends_with("**[DECIDE: ...]**") || text[at..].starts_with("DECIDE: ...]") {
                continue; // the reading note describes the marker
            }
            assert!(
                text[..at].ends_with("**["),
                "{}: {}",
                artefact.file_name,
                &text[at..at + 40]
            );
            let line_end = text[at..].find('\n').map_or(text.len(), |e| at + e);
            assert!(text[at..line_end].contains("]**"), "{}", artefact.file_name);
        }
        // Every list item is either a sourced statement or a marked decision.
        for line in text.lines().filter(|l| l.starts_with("- ")) {
            assert!(
                line.contains("[^") || line.contains("**[DECIDE: "),
                "{}: untraced statement: {line}",
                artefact.file_name
            );
        }
    }
    let policy = document(&documents, "ai-policy.md");
    assert!(policy.contains("**[DECIDE: business purpose and risk appetite]**"));
    let method = document(&documents, "ai-risk-method.md");
    assert!(method.contains("**[DECIDE: calibrate the likelihood scale]**"));
    assert!(method.contains("**[DECIDE: risk appetite statement]**"));
    // Every register row leaves its rating and owner to the organisation.
    let register = document(&documents, "ai-risk-register.md");
    let rows = register.lines().filter(|l| l.starts_with("| R0")).count();
    assert!(rows >= 6, "{rows}");
    assert_eq!(
        register
            .matches("**[DECIDE: likelihood × consequence]**")
            .count(),
        rows
    );
    assert_eq!(register.matches("| **[DECIDE: owner]** |").count(), rows);
    let impact = document(&documents, "impact-assessment-credit-scoring.md");
    let harms = section(impact, "6. Impacts");
    let harm_rows = harms
        .lines()
        .filter(|l| {
            l.starts_with("| Individuals")
                || l.starts_with("| Groups")
                || l.starts_with("| Societies")
        })
        .count();
    assert!(harm_rows >= 5);
    assert_eq!(harms.matches("**[DECIDE: likelihood]**").count(), harm_rows);
    assert_eq!(harms.matches("**[DECIDE: severity]**").count(), harm_rows);
    let soa = document(&documents, "statement-of-applicability.md");
    assert!(
        section(soa, "Approval").contains("| Approved by (top management) | **[DECIDE: name]** |")
    );
}

#[test]
fn every_obligation_of_a_system_appears_in_its_impact_assessment() {
    for example in [BANK, HRTECH, SAAS, STARTUP] {
        let assessment = parse(example);
        let (result, documents) = generate(&assessment);
        let mut seen = 0;
        for system in &assessment.ai_systems {
            let impact = document(&documents, &format!("impact-assessment-{}.md", system.id));
            for entry in result.obligations.iter().filter(|o| o.system == system.id) {
                for item in &entry.items {
                    assert!(
                        impact.contains(&format!("| {} |", escape(&item.reference)))
                            || impact
                                .contains(&format!("| {} (to confirm) |", escape(&item.reference))),
                        "{}: {} {} missing from {}",
                        example.0,
                        entry.law,
                        item.reference,
                        system.id
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen > 0, "{}", example.0);
    }
    // The bank deploys a credit-scoring system: the Art. 27 fundamental-rights impact
    // assessment and the Colorado impact assessment are named where the assessment's purpose
    // is set, with their dates.
    let (_, documents) = generate(&parse(BANK));
    let purpose = section(
        document(&documents, "impact-assessment-credit-scoring.md"),
        "1. Scope and context",
    );
    assert!(purpose.contains("eu-ai-act Art. 27(1)-(4)"), "{purpose}");
    assert!(purpose.contains("2027-12-02"), "{purpose}");
    assert!(
        purpose.contains("colorado-ai C.R.S. § 6-1-1703(3)(a)-(f)"),
        "{purpose}"
    );
    // The fraud model is minimal-risk: no law asks it for an impact assessment.
    let purpose = section(
        document(&documents, "impact-assessment-card-fraud-detection.md"),
        "1. Scope and context",
    );
    assert!(
        !purpose.contains("Law obligation this assessment supports"),
        "{purpose}"
    );
}

#[test]
fn generative_systems_get_the_nist_ai_600_1_risks_their_facts_allow_and_others_none() {
    let (_, documents) = generate(&parse(SAAS));
    let register = document(&documents, "ai-risk-register.md");
    // A chatbot on a supplied model: no CBRN uplift, no training at scale.
    assert_eq!(
        register
            .matches("Generative AI risk (NIST AI 600-1)")
            .count(),
        10
    );
    assert!(register.contains("Confabulation"));
    assert!(!register.contains("CBRN"));
    assert!(
        with_notes(register, register).contains("eu-ai-act Art. 50(1)"),
        "the interaction row cites Art. 50(1)"
    );

    let (_, documents) = generate(&parse(BANK));
    let register = document(&documents, "ai-risk-register.md");
    assert_eq!(register.matches("NIST AI 600-1").count(), 0, "{register}");
    // A deployer's development controls are excluded: a treatment naming one says so.
    assert!(
        !register.contains("A.6.1.2"),
        "no provider row for a pure deployer"
    );
    assert!(register.contains("Consequential decision"));
}

#[test]
fn the_policy_names_the_laws_found_and_principles_for_the_roles_found() {
    let (_, documents) = generate(&parse(BANK));
    let policy = document(&documents, "ai-policy.md");
    let commitments = section(policy, "5. Commitment");
    assert!(commitments.contains("Colorado artificial intelligence laws"));
    assert!(commitments.contains("Regulation"), "{commitments}");
    let principles = section(policy, "3. Principles");
    assert!(principles.contains("Responsible use (as deployer)"));
    assert!(!principles.contains("Responsible development (as provider)"));

    let (_, documents) = generate(&parse(STARTUP));
    let principles = section(document(&documents, "ai-policy.md"), "3. Principles");
    assert!(principles.contains("Responsible development (as provider)"));
    assert!(principles.contains("Openness to downstream providers"));
    assert!(!principles.contains("Responsible use (as deployer)"));
}

#[test]
fn hostile_user_text_cannot_break_a_table_or_inject_html() {
    let mut assessment = parse(SAAS);
    let hostile = "<script>|**x**";
    assessment.organization.name = "# Evil & <b>Co</b>".to_string();
    let system = &mut assessment.ai_systems[0];
    system.name = hostile.to_string();
    system.id = "../`x`|_[y]".to_string();
    system.description = "line one\n| cell | injection |\n- list".to_string();
    for answer in &mut assessment.answers {
        answer.owner = Some("<img src=x onerror=alert(1)>|".into());
        for evidence in &mut answer.evidence {
            evidence.reference = "[click](javascript:alert(1))|`code`".into();
        }
    }
    let (_, documents) = generate(&assessment);
    let stems: Vec<&str> = documents.iter().map(|d| d.file_name.as_str()).collect();
    assert!(stems.contains(&"impact-assessment-x-_-y.md"), "{stems:?}");
    for artefact in &documents {
        assert!(
            artefact
                .file_name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c)),
            "{}",
            artefact.file_name
        );
        let text = &artefact.markdown;
        for raw in [
            "<script>", "<b>", "<img", "**x**", "[click](", "`code`", "| cell |",
        ] {
            assert!(!text.contains(raw), "{}: raw {raw}", artefact.file_name);
        }
        assert!(
            !text.lines().any(|l| l.starts_with("# Evil")),
            "{}",
            artefact.file_name
        );
        assert_tables_well_formed(artefact);
    }
    let scope = document(&documents, "aims-scope.md");
    assert!(
        scope.contains("| &lt;script&gt;\\|\\*\\*x\\*\\* | provider |"),
        "{scope}"
    );
    assert!(scope.starts_with("# AIMS scope statement: \\# Evil &amp; &lt;b&gt;Co&lt;/b&gt;\n"));
    assert!(scope.contains("line one \\| cell \\| injection \\| - list"));
}

#[test]
fn escape_neutralises_markdown_and_html() {
    let check = |input: &str, expect: &str| assert_eq!(escape(input), expect, "{input}");
    check("plain text", "plain text");
    check("a|b", "a\\|b");
    check("<script>", "&lt;script&gt;");
    check("Q&A", "Q&amp;A");
    check("**bold** _it_", "\\*\\*bold\\*\\* \\_it\\_");
    check("`code`", "\\`code\\`");
    check("[link](x)", "\\[link\\](x)");
    check("# heading", "\\# heading");
    check("- item", "\\- item");
    check("1. item", "1\\. item");
    check("a-b 1.5", "a-b 1.5");
    check("6.1.3 and 2) x", "6.1.3 and 2) x");
    check("2) x", "2\\) x");
    check("12.", "12\\.");
    check("two\nlines\r\n  here", "two lines here");
    check("back\\slash", "back\\\\slash");
    check("~strike~", "\\~strike\\~");
}

#[test]
fn artefacts_are_deterministic() {
    let assessment = parse(HRTECH);
    let (_, first) = generate(&assessment);
    let (_, second) = generate(&assessment);
    assert_eq!(first, second);
}

#[test]
fn snapshots_of_the_saas_scope_and_impact_assessment() {
    let (_, documents) = generate(&parse(SAAS));
    insta::assert_snapshot!(
        "artefact_saas_aims_scope",
        document(&documents, "aims-scope.md")
    );
    insta::assert_snapshot!(
        "artefact_saas_impact_assessment_support_assistant",
        document(&documents, "impact-assessment-support-assistant.md")
    );
}

/// Every draft of every example, one snapshot per example: a change to any word of any
/// document shows up as a reviewable diff.
#[test]
fn snapshots_of_every_draft_of_every_example() {
    for example in EXAMPLES {
        let (_, documents) = generate(&parse(example));
        let mut all = String::new();
        for artefact in &documents {
            all.push_str(&format!(
                "======== {} ({})\n",
                artefact.file_name, artefact.title
            ));
            all.push_str(&artefact.markdown);
        }
        let name = format!(
            "artefacts_all_{}",
            example.0.trim_end_matches(".yaml").replace('-', "_")
        );
        insta::assert_snapshot!(name, all);
    }
}

#[test]
fn the_risk_scales_and_the_generative_treatment_come_from_the_catalog() {
    let mut changed = catalog().clone();
    changed.risk_method.scales.likelihood[0].description = "once in a blue moon".to_string();
    let treatment = changed
        .risk_method
        .generative_ai_treatment
        .iter_mut()
        .find(|t| t.risk == "confabulation")
        .unwrap();
    treatment.controls = vec!["A.9.3".to_string()];
    treatment.affected = "readers of <made-up> answers".to_string();
    let assessment = parse(SAAS);
    let result = aimsgap_assess::assess(&changed, &assessment).unwrap();
    let documents = artefacts(&changed, &assessment, &result);
    let method = document(&documents, "ai-risk-method.md");
    assert!(
        method.contains("| 1 Rare | once in a blue moon |"),
        "{method}"
    );
    let register = document(&documents, "ai-risk-register.md");
    let row = register
        .lines()
        .find(|l| l.contains("Generative AI risk (NIST AI 600-1): Confabulation"))
        .unwrap();
    // Catalog text is data: escaped like user text.
    assert!(
        row.contains("| readers of &lt;made-up&gt; answers |"),
        "{row}"
    );
    assert!(row.contains("| proposed: A.9.3 |"), "{row}");
    // The unchanged catalog still proposes its own treatment.
    let (_, documents) = generate(&assessment);
    let register = document(&documents, "ai-risk-register.md");
    let row = register
        .lines()
        .find(|l| l.contains("Generative AI risk (NIST AI 600-1): Confabulation"))
        .unwrap();
    assert!(
        row.contains("| proposed: A.6.2.4, A.6.2.6, A.8.2 |"),
        "{row}"
    );
}
