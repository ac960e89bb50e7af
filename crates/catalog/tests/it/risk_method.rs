//! The risk method file: the built-in one loads and every id resolves; a broken one is a
//! located error instead of a silently dropped treatment.

use super::catalog;
use aimsgap_catalog::{Kind, RISK_METHOD, SCALE_LEVELS, parse_risk_method};

#[test]
fn the_builtin_method_has_four_five_level_scales() {
    let scales = &catalog().risk_method.scales;
    for (name, scale) in [
        ("likelihood", &scales.likelihood),
        ("organisation", &scales.consequence_organisation),
        ("individuals", &scales.consequence_individuals),
        ("societies", &scales.consequence_societies),
    ] {
        let levels: Vec<u8> = scale.iter().map(|level| level.level).collect();
        assert_eq!(levels, vec![1, 2, 3, 4, 5], "{name}");
        assert_eq!(scale.len(), SCALE_LEVELS);
        assert!(
            scale
                .iter()
                .all(|l| !l.name.is_empty() && !l.description.is_empty()),
            "{name}"
        );
    }
    assert_eq!(scales.likelihood[0].name, "Rare");
    assert_eq!(scales.consequence_societies[4].name, "Severe");
}

#[test]
fn every_nist_ai_600_1_risk_is_mapped_to_annex_a_controls_that_exist() {
    let method = &catalog().risk_method;
    let nist = catalog().framework("nist-ai-600-1").unwrap();
    let iso = catalog().framework("iso42001").unwrap();
    let risks: Vec<&str> = nist.assessable().map(|r| r.id.as_str()).collect();
    assert_eq!(risks.len(), 12);
    for risk in &risks {
        let treatment = method
            .treatment(risk)
            .unwrap_or_else(|| panic!("{risk} has no treatment"));
        assert!(!treatment.controls.is_empty(), "{risk}");
        assert!(!treatment.affected.is_empty(), "{risk}");
        for control in &treatment.controls {
            let requirement = iso
                .get(control)
                .unwrap_or_else(|| panic!("{risk}: {control} is not in iso42001"));
            assert_eq!(requirement.kind, Kind::Control, "{risk}: {control}");
        }
    }
    assert_eq!(method.generative_ai_treatment.len(), risks.len());
    let confabulation = method.treatment("confabulation").unwrap();
    assert_eq!(confabulation.controls, vec!["A.6.2.4", "A.6.2.6", "A.8.2"]);
    assert!(method.treatment("no-such-risk").is_none());
}

/// The built-in file with one text replaced; the replacement must occur exactly once.
fn broken(from: &str, to: &str) -> String {
    assert_eq!(RISK_METHOD.1.matches(from).count(), 1, "{from}");
    RISK_METHOD.1.replacen(from, to, 1)
}

/// The line (from 1) and column (from 1) of the first occurrence of `needle` in `text`.
fn position(text: &str, needle: &str) -> (u64, u64) {
    let at = text.find(needle).unwrap();
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = at - before.rfind('\n').map_or(0, |n| n + 1) + 1;
    (line as u64, column as u64)
}

fn single_error(text: &str) -> aimsgap_catalog::Error {
    let errors = parse_risk_method("risk-method.yaml", text, catalog()).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.into_iter().next().unwrap()
}

#[test]
fn an_unknown_annex_a_control_is_located() {
    let text = broken(
        "controls: [A.7.4, A.6.2.4, A.5.4, A.5.5]",
        "controls: [A.7.4, A.6.2.4, A.5.40, A.5.5]",
    );
    let error = single_error(&text);
    assert_eq!(error.location.file, "risk-method.yaml");
    assert_eq!(
        (error.location.line, error.location.column),
        position(&text, "A.5.40")
    );
    assert_eq!(error.field, "generative_ai_treatment[5].controls[2]");
    assert!(
        error
            .to_string()
            .contains("unknown id `A.5.40` in framework iso42001"),
        "{error}"
    );
}

#[test]
fn a_clause_is_not_a_treatment() {
    let text = broken("controls: [A.4.5, A.5.5]", "controls: [A.4.5, \"6.1.3\"]");
    let error = single_error(&text);
    assert_eq!(error.field, "generative_ai_treatment[4].controls[1]");
    assert!(
        error.to_string().contains("not an Annex A control"),
        "{error}"
    );
    assert_eq!(
        (error.location.line, error.location.column),
        position(&text, "\"6.1.3\"")
    );
}

#[test]
fn an_unknown_risk_is_located() {
    let text = broken("risk: confabulation", "risk: hallucination");
    let error = single_error(&text);
    assert_eq!(
        (error.location.line, error.location.column),
        position(&text, "hallucination")
    );
    assert_eq!(error.field, "generative_ai_treatment[1].risk");
    assert!(
        error
            .to_string()
            .contains("unknown id `hallucination` in framework nist-ai-600-1"),
        "{error}"
    );
}

#[test]
fn a_fact_the_rule_cannot_read_is_located() {
    let text = broken(
        "society\"\n    arises_when: [[gpai_model]]",
        "society\"\n    arises_when: [[gpai_model, frontier]]",
    );
    let error = single_error(&text);
    assert_eq!(
        (error.location.line, error.location.column),
        position(&text, "frontier")
    );
    assert_eq!(error.field, "generative_ai_treatment[0].arises_when[0][1]");
    assert!(
        error
            .to_string()
            .contains("`frontier` is not a fact of an AI system"),
        "{error}"
    );
}

#[test]
fn every_generative_risk_arises_only_in_a_generative_system() {
    // The register's rule: no set of facts seeds a risk in a system that neither generates
    // content nor is a general-purpose model.
    let method = &catalog().risk_method;
    for treatment in &method.generative_ai_treatment {
        assert!(!treatment.arises_when.is_empty(), "{}", treatment.risk);
        assert!(
            !treatment.arises(|fact| fact == "interacts_with_natural_persons"),
            "{}",
            treatment.risk
        );
        assert!(treatment.arises(|_| true), "{}", treatment.risk);
    }
    let cbrn = method.treatment("cbrn-information").unwrap();
    assert!(cbrn.arises(|fact| fact == "gpai_model"));
    assert!(!cbrn.arises(|fact| fact != "gpai_model"));
}

#[test]
fn a_risk_mapped_twice_is_an_error() {
    let text = broken("risk: data-privacy", "risk: confabulation");
    let error = single_error(&text);
    assert_eq!(error.field, "generative_ai_treatment[3].risk");
    assert!(error.to_string().contains("mapped twice"), "{error}");
}

#[test]
fn scale_levels_must_count_up_from_one() {
    let text = broken(
        "    - level: 3\n      name: Possible",
        "    - level: 4\n      name: Possible",
    );
    let error = single_error(&text);
    assert_eq!(error.field, "scales.likelihood[2].level");
    assert_eq!(
        error.location.line,
        position(&text, "level: 4\n      name: Possible").0
    );
    assert!(error.to_string().contains("expected 3, found 4"), "{error}");
}

#[test]
fn an_unknown_field_is_a_syntax_error_with_its_line() {
    let text = broken(
        "    affected: \"the public; society\"",
        "    affected: \"the public; society\"\n    owner: nobody",
    );
    let errors = parse_risk_method("risk-method.yaml", &text, catalog()).unwrap_err();
    let error = &errors[0];
    assert_eq!(error.field, "document");
    assert_eq!(error.location.line, position(&text, "owner: nobody").0);
    assert!(error.to_string().contains("owner"), "{error}");
}
