//! Declared versus evidenced in every report: the figure "if your answers hold" with the
//! evidenced one beside it, what to attach (the first ten in the terminal, all in Markdown and
//! HTML), each requirement's basis in words, and no open blocker that reads "not met" without
//! saying that it was declared or inherited.

use super::{EXAMPLES, catalog};
use aimsgap_assess::AssessmentResult;
use aimsgap_catalog::Date;
use aimsgap_report::claims;

fn assess(name: &str, text: &str) -> AssessmentResult {
    let assessment =
        aimsgap_assess::parse_assessment(name, text, catalog(), Date::parse("2026-11-29").unwrap())
            .unwrap_or_else(|errors| panic!("{errors:?}"));
    aimsgap_assess::assess(catalog(), &assessment).unwrap()
}

/// An ISO/IEC 27001 organisation that answers "implemented" to every blocker clause and
/// attaches nothing: the issue's "Yes to everything".
const YES_TO_EVERYTHING: &str = r#"
aimsgap: 2
as_of: 2026-11-29
organization: {name: Acme Cloud, employees: 200, jurisdictions: [EU]}
certifications:
  - {framework: iso27001, status: certified, scope_covers_ai: false}
answers:
  "4.3": {status: implemented}
  "5.2": {status: implemented}
  "6.1.2": {status: implemented}
  "6.1.3": {status: implemented}
  "6.1.4": {status: implemented}
  "6.2": {status: implemented}
  "9.2": {status: implemented}
  "9.3": {status: implemented}
"#;

fn reports(result: &AssessmentResult) -> [(&'static str, String); 3] {
    [
        ("text", aimsgap_report::text::summary(result, 15)),
        ("markdown", aimsgap_report::markdown::render(result, 15)),
        ("html", aimsgap_report::html::render(result, catalog())),
    ]
}

#[test]
fn every_report_shows_the_declared_figure_beside_the_evidenced_one_and_what_to_attach() {
    let mut cases: Vec<(&str, AssessmentResult)> = EXAMPLES
        .iter()
        .map(|(name, text)| (*name, assess(name, text)))
        .collect();
    cases.push(("yes to everything", assess("yes.yaml", YES_TO_EVERYTHING)));
    for (name, result) in &cases {
        let claims = &result.claims;
        let declared = format!("{:.1}", claims.declared);
        let evidenced = format!("{:.1}", claims.evidenced);
        let [(_, text), (_, markdown), (_, html)] = reports(result);
        let headline = format!("{declared} if your answers hold; {evidenced} evidenced");
        assert!(text.contains(&headline), "{name}: text\n{text}");
        assert!(markdown.contains(&headline), "{name}: markdown");
        assert!(
            html.contains(&format!(
                "<div class=\"label\">If your answers hold</div><div class=\"big\">{declared}</div>"
            )) && html.contains(&format!(
                "<div class=\"label\">Evidenced</div><div class=\"big\">{evidenced}</div>"
            )),
            "{name}: html"
        );
        for (index, attach) in claims.to_attach.iter().enumerate() {
            let line = format!("  {} ", attach.id);
            let in_text = text
                .lines()
                .skip_while(|l| !l.starts_with("What to attach"))
                .any(|l| l.starts_with(&line) && l.contains(&claims::attach_line(attach)));
            assert_eq!(
                in_text,
                index < claims::TEXT_ATTACH,
                "{name}: {} in the terminal's first ten",
                attach.id
            );
            assert!(
                markdown.contains(&format!("| {} ", attach.id)),
                "{name}: {} in markdown",
                attach.id
            );
            assert!(
                html.contains(&format!("<tr><td><strong>{}</strong> ", attach.id)),
                "{name}: {} in html",
                attach.id
            );
        }
    }
}

#[test]
fn yes_to_everything_reads_as_declared_with_evidence_to_attach_not_as_unmet() {
    let result = assess("yes.yaml", YES_TO_EVERYTHING);
    let claims = &result.claims;
    assert!(
        claims.declared > claims.evidenced,
        "declared {} evidenced {}",
        claims.declared,
        claims.evidenced
    );
    assert!(!claims.to_attach.is_empty());
    assert!(claims.to_attach.iter().any(|a| a.blocker));
    let [(_, text), _, _] = reports(&result);
    assert!(text.contains("declared, attach evidence"), "{text}");
}

#[test]
fn no_open_blocker_reads_not_met_without_saying_it_was_declared_or_inherited() {
    let mut cases: Vec<(&str, AssessmentResult)> = EXAMPLES
        .iter()
        .map(|(name, text)| (*name, assess(name, text)))
        .collect();
    cases.push(("yes to everything", assess("yes.yaml", YES_TO_EVERYTHING)));
    for (name, result) in &cases {
        let open = claims::open_blockers(result);
        assert_eq!(
            open.len(),
            result.gaps.iter().filter(|g| g.blocker).count(),
            "{name}"
        );
        for blocker in &open {
            let basis = blocker.requirement.basis.as_str();
            let words = blocker.requirement.basis.words();
            assert!(
                blocker.words.ends_with(words)
                    || (basis == "declared" && blocker.words.ends_with(", answered planned")),
                "{name}: {}: {}",
                blocker.requirement.id,
                blocker.words
            );
            if basis == "declared" || basis == "inherited" {
                assert!(words.starts_with(basis), "{words}");
            }
        }
        for (format, report) in reports(result) {
            // Markdown and HTML list every open blocker with what it rests on.
            if format != "text" {
                for blocker in &open {
                    assert!(
                        report.contains(&blocker.words),
                        "{name} {format}: {} {}",
                        blocker.requirement.id,
                        blocker.words
                    );
                }
            }
            // No report lists a declared or inherited blocker as simply "not met".
            for list in report.split("not met (").skip(1) {
                let list = list.split(')').next().unwrap_or_default();
                for id in list.split(", ").filter_map(|item| item.split(' ').next()) {
                    if let Some(blocker) = open.iter().find(|b| b.requirement.id == id) {
                        assert!(
                            !blocker.words.contains("declared, attach evidence")
                                && !blocker.words.contains("inherited, verify for AI"),
                            "{name} {format}: {id} reads not met: {}",
                            blocker.words
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn every_basis_has_plain_words() {
    for basis in aimsgap_assess::Basis::ALL {
        let words = basis.words();
        assert!(!words.contains('_'), "{words}");
    }
    let mut words: Vec<&str> = aimsgap_assess::Basis::ALL
        .iter()
        .map(|b| b.words())
        .collect();
    words.sort_unstable();
    words.dedup();
    assert_eq!(
        words.len(),
        aimsgap_assess::Basis::ALL.len(),
        "distinct words"
    );
}
