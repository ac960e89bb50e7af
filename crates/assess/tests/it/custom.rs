//! A custom control set with a crosswalk onto ISO/IEC 42001 gives inherited credit like the
//! built-in ones: which frameworks may be held comes from the catalog, not from a fixed list.

use super::{catalog, date, org};
use aimsgap_assess::{Source, assess, certifiable, inherited_credit, parse_assessment};
use aimsgap_catalog::Catalog;

const CONTROLS: &str = include_str!("../../../../tests/custom-catalog/acme-ai-controls.yaml");

const MAPPING: &str =
    include_str!("../../../../tests/custom-catalog/acme-ai-controls-iso42001.yaml");

fn custom() -> Catalog {
    aimsgap_catalog::with_custom(&[("acme.yaml", CONTROLS), ("map.yaml", MAPPING)])
        .unwrap()
        .catalog
}

const HELD: &str = "certifications:\n  - {framework: acme-ai-controls, status: self_assessed, scope_covers_ai: true}\n";

#[test]
fn the_built_in_certifiable_frameworks_are_unchanged() {
    assert_eq!(
        certifiable(catalog()),
        vec!["iso27001", "soc2", "nist-ai-rmf"]
    );
    // A law with a crosswalk onto ISO/IEC 42001 is not certified.
    assert!(catalog().crosswalk("eu-ai-act", "iso42001").is_some());
    assert!(!certifiable(catalog()).contains(&"eu-ai-act"));
}

#[test]
fn a_custom_control_set_is_accepted_as_a_certification_and_gives_credit() {
    let catalog = custom();
    assert_eq!(
        certifiable(&catalog),
        vec!["iso27001", "soc2", "nist-ai-rmf", "acme-ai-controls"]
    );
    let text = org(HELD);
    let assessment = parse_assessment("test.yaml", &text, &catalog, date("2026-11-29"))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let (credit, edges) = inherited_credit(&catalog, &assessment, "A.2.2");
    assert_eq!(edges, 1);
    assert!(credit.hi > 0.0);
    let result = assess(&catalog, &assessment).unwrap();
    let a22 = result
        .requirements
        .iter()
        .find(|r| r.id == "A.2.2")
        .unwrap();
    assert!(a22.sources.iter().any(|s| matches!(
        s,
        Source::Inherited { framework, .. } if framework == "acme-ai-controls"
    )));
    let without = parse_assessment("test.yaml", &org(""), &catalog, date("2026-11-29")).unwrap();
    let base = assess(&catalog, &without).unwrap();
    assert!(result.readiness.point > base.readiness.point);

    // Without the custom catalog the same file names an unknown framework, located.
    let errors =
        parse_assessment("test.yaml", &text, super::catalog(), date("2026-11-29")).unwrap_err();
    let message = errors[0].to_string();
    assert!(message.contains("certifications[0].framework"), "{message}");
    assert!(message.contains("iso27001, soc2, nist-ai-rmf"), "{message}");
}
