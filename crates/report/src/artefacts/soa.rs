//! The Statement of Applicability (ISO/IEC 42001 clause 6.1.3).

use super::*;

pub(super) fn statement_of_applicability(context: &Context, risks: &[RiskRow]) -> Artefact {
    let title = "Statement of Applicability";
    let mut doc = Doc::new(&format!("{title}: {}", context.org()));
    preface(
        &mut doc,
        context,
        "Statement of Applicability (ISO/IEC 42001 clause 6.1.3)",
        "6.1.3",
        &["6.1.3.d", "6.1.3"],
    );
    doc.heading("What the assessment records today");
    doc.bullets(&current_state(context, &["6.1.3"]));

    let soa = &context.result.soa;
    let included = soa.iter().filter(|entry| entry.included).count();
    doc.heading("Controls");
    doc.para(&format!(
        "{} controls of Annex A: {} included, {} excluded. An included control is justified by \
         the risks it treats, the law obligations it supports and its place in the reference \
         control set; an excluded one by the organisation's own justification. The status is \
         the assessment's judgement on {} {}",
        soa.len(),
        included,
        soa.len() - included,
        context.assessment.as_of,
        source(&[src_result("soa"), src_iso("6.1.3")])
    ));
    let rows: Vec<Vec<String>> = soa
        .iter()
        .map(|entry| {
            let mut sources = Vec::new();
            if let Some(answer) = context.answer(&entry.control) {
                sources.push(src_answer(&answer.id));
            }
            sources.push(src_result(&format!("soa {}", escape(&entry.control))));
            let mut justification = if entry.justification.trim().is_empty() {
                decide("justification")
            } else {
                escape(&entry.justification)
            };
            let treated: Vec<String> = risks
                .iter()
                .filter(|risk| risk.controls.contains(&entry.control.as_str()))
                .map(|risk| risk.id.clone())
                .collect();
            if !treated.is_empty() {
                sources.push("ai-risk-register.md".to_string());
                if !justification.ends_with('.') {
                    justification.push('.');
                }
                if entry.included {
                    justification.push_str(&format!(
                        " Treats the register risks {}",
                        capped(treated, 6).join(", ")
                    ));
                } else {
                    justification.push_str(&format!(
                        " The register proposes it to treat {}: {}",
                        capped(treated, 6).join(", "),
                        decide("keep the exclusion or include the control")
                    ));
                }
            }
            let evidence: Vec<String> = entry
                .evidence
                .iter()
                .map(|(reference, kind, date)| evidence_text(reference, kind.as_str(), *date))
                .collect();
            vec![
                escape(&entry.control),
                escape(&entry.title),
                if entry.included { "yes" } else { "no" }.to_string(),
                format!("{justification} {}", source(&sources)),
                words(entry.status.as_str()),
                entry
                    .owner
                    .as_deref()
                    .map_or_else(|| decide("owner"), escape),
                if evidence.is_empty() {
                    if entry.included {
                        decide("evidence")
                    } else {
                        "-".to_string()
                    }
                } else {
                    evidence.join("; ")
                },
                entry
                    .last_review
                    .map_or_else(|| decide("date of review"), |date| date.to_string()),
            ]
        })
        .collect();
    doc.table(
        &[
            "Control",
            "Title",
            "Included",
            "Justification",
            "Status",
            "Owner",
            "Evidence",
            "Last review",
        ],
        &rows,
    );
    doc.para(&format!(
        "Controls beyond Annex A that the risk treatment calls for: {} {}",
        decide("additional controls, or none"),
        source(&[src_iso("6.1.3")])
    ));

    doc.heading("Approval");
    signature_block(
        &mut doc,
        &["Prepared by", "Reviewed by", "Approved by (top management)"],
    );

    Artefact {
        file_name: "statement-of-applicability.md".to_string(),
        title: title.to_string(),
        markdown: doc.finish(),
    }
}
