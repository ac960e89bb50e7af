//! Custom catalogs (`with_custom`): added frameworks and crosswalks, declared replacements, and
//! refusals of anything that would replace a built-in id silently.

use aimsgap_catalog::{CROSSWALKS, ChangeKind, Error, FILES, with_custom};

const CONTROLS: &str = include_str!("../../../../tests/custom-catalog/acme-ai-controls.yaml");

const MAPPING: &str =
    include_str!("../../../../tests/custom-catalog/acme-ai-controls-iso42001.yaml");

fn builtin(path: &str) -> &'static str {
    FILES
        .iter()
        .chain(CROSSWALKS.iter())
        .find(|(name, _)| *name == path)
        .map(|(_, text)| *text)
        .unwrap()
}

fn errors(files: &[(&str, &str)]) -> Vec<Error> {
    match with_custom(files) {
        Ok(_) => panic!("the custom files were accepted"),
        Err(errors) => errors,
    }
}

fn messages(errors: &[Error]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_custom_framework_and_its_crosswalk_are_added_beside_the_built_in_catalog() {
    let custom = with_custom(&[
        ("custom/acme.yaml", CONTROLS),
        ("custom/crosswalks/acme.yaml", MAPPING),
    ])
    .unwrap_or_else(|e| panic!("{}", messages(&e)));
    let catalog = &custom.catalog;
    assert_eq!(catalog.frameworks.len(), FILES.len() + 1);
    assert_eq!(catalog.crosswalks.len(), CROSSWALKS.len() + 1);
    let acme = catalog.framework("acme-ai-controls").unwrap();
    assert_eq!(acme.assessable().count(), 2);
    let mapping = catalog.crosswalk("acme-ai-controls", "iso42001").unwrap();
    assert_eq!(mapping.edges_to("A.2.2").count(), 1);
    // The risk method is still loaded.
    assert!(!catalog.risk_method.generative_ai_treatment.is_empty());
    let changes: Vec<(ChangeKind, &str, &str)> = custom
        .changes
        .iter()
        .map(|c| (c.kind, c.id.as_str(), c.file.as_str()))
        .collect();
    assert_eq!(
        changes,
        vec![
            (
                ChangeKind::AddFramework,
                "acme-ai-controls",
                "custom/acme.yaml"
            ),
            (
                ChangeKind::AddCrosswalk,
                "acme-ai-controls -> iso42001",
                "custom/crosswalks/acme.yaml"
            ),
        ]
    );
    // No custom file: the built-in catalog, nothing changed.
    let plain = with_custom(&[]).unwrap();
    assert_eq!(plain.catalog.frameworks.len(), FILES.len());
    assert!(plain.changes.is_empty());
}

#[test]
fn a_built_in_framework_id_is_refused_without_replaces() {
    let text = builtin("eu-ai-act.yaml");
    let errors = errors(&[("custom/eu.yaml", text)]);
    assert_eq!(errors.len(), 1, "{}", messages(&errors));
    let error = &errors[0];
    assert_eq!(error.location.file, "custom/eu.yaml");
    assert_eq!(error.field, "framework.id");
    assert!(error.location.line > 1 && error.location.column > 1);
    let message = error.to_string();
    assert!(
        message.contains("framework `eu-ai-act` is built in"),
        "{message}"
    );
    assert!(message.contains("replaces: eu-ai-act"), "{message}");
}

#[test]
fn a_declared_replacement_law_is_loaded_instead_of_the_built_in_one() {
    let text = builtin("eu-ai-act.yaml")
        .replacen("framework:\n", "framework:\n  replaces: eu-ai-act\n", 1)
        .replacen("  version: ", "  version: \"next\"\n  # was: ", 1);
    let custom =
        with_custom(&[("custom/eu.yaml", &text)]).unwrap_or_else(|e| panic!("{}", messages(&e)));
    let catalog = &custom.catalog;
    // Replaced in place: same number of frameworks, same order, the new version.
    assert_eq!(catalog.frameworks.len(), FILES.len());
    let position = catalog
        .frameworks
        .iter()
        .position(|f| f.id == "eu-ai-act")
        .unwrap();
    let builtin_position = FILES
        .iter()
        .position(|(name, _)| *name == "eu-ai-act.yaml")
        .unwrap();
    assert_eq!(position, builtin_position);
    assert_eq!(catalog.framework("eu-ai-act").unwrap().version, "next");
    // The built-in crosswalk from the law is validated against the replacement and kept.
    assert!(catalog.crosswalk("eu-ai-act", "iso42001").is_some());
    assert_eq!(custom.changes.len(), 1);
    assert_eq!(custom.changes[0].kind, ChangeKind::ReplaceFramework);

    // Twice is refused: which one would count?
    let errors = errors(&[("custom/a.yaml", &text), ("custom/b.yaml", &text)]);
    assert!(
        messages(&errors).contains("custom/b.yaml:")
            && messages(&errors).contains("already replaced by custom/a.yaml"),
        "{}",
        messages(&errors)
    );
}

#[test]
fn a_replacement_that_drops_an_id_a_built_in_crosswalk_uses_is_located_in_that_crosswalk() {
    // The replacement keeps only the header and one requirement of the law.
    let text = r#"framework:
  id: colorado-ai
  replaces: colorado-ai
  name: "Colorado AI Act, cut down"
  version: "x"
  kind: law
  publisher: "State of Colorado"
  source: "test"
  licence: "test"
  last_verified: 2026-11-29
requirements:
  - {id: only, kind: clause, title: Only, summary: "One node."}
"#;
    let errors = errors(&[("custom/colorado.yaml", text)]);
    let text = messages(&errors);
    assert!(
        errors
            .iter()
            .any(|e| e.location.file.starts_with("crosswalks/colorado-ai-") && e.location.line > 0),
        "{text}"
    );
}

#[test]
fn replaces_must_name_the_file_s_own_id_and_a_built_in_one_and_never_iso42001() {
    let other = CONTROLS.replacen("framework:\n", "framework:\n  replaces: soc2\n", 1);
    let text = messages(&errors(&[("custom/acme.yaml", &other)]));
    assert!(
        text.contains("custom/acme.yaml:2:13: framework.replaces: `replaces: soc2` must name this file's own id `acme-ai-controls`"),
        "{text}"
    );

    let unknown = CONTROLS.replacen(
        "framework:\n",
        "framework:\n  replaces: acme-ai-controls\n",
        1,
    );
    let text = messages(&errors(&[("custom/acme.yaml", &unknown)]));
    assert!(text.contains("names no built-in framework"), "{text}");
    assert!(text.contains("iso42001, iso27001, soc2"), "{text}");

    let iso =
        builtin("iso42001.yaml").replacen("framework:\n", "framework:\n  replaces: iso42001\n", 1);
    let text = messages(&errors(&[("custom/iso.yaml", &iso)]));
    assert!(text.contains("`iso42001` cannot be replaced"), "{text}");
}

#[test]
fn a_built_in_crosswalk_pair_is_refused_without_replaces_and_replaced_with_it() {
    let soc2 = builtin("crosswalks/soc2-iso42001.yaml");
    let text = messages(&errors(&[("custom/soc2.yaml", soc2)]));
    assert!(
        text.contains("crosswalk.from: the crosswalk `soc2 -> iso42001` is built in"),
        "{text}"
    );
    assert!(text.contains("replaces: soc2 -> iso42001"), "{text}");

    let own = r#"crosswalk:
  from: soc2
  to: iso42001
  replaces: soc2 -> iso42001
  version: "acme-1"
  authors: Acme
  method: "Our own reading."
edges:
  - {from: CC1.1, to: A.2.2, rel: intersects_with, strength: 3, rationale: semantic, note: "Ethics."}
"#;
    let custom =
        with_custom(&[("custom/soc2.yaml", own)]).unwrap_or_else(|e| panic!("{}", messages(&e)));
    let crosswalk = custom.catalog.crosswalk("soc2", "iso42001").unwrap();
    assert_eq!(crosswalk.version, "acme-1");
    assert_eq!(crosswalk.edges.len(), 1);
    assert_eq!(custom.catalog.crosswalks.len(), CROSSWALKS.len());
    assert_eq!(custom.changes[0].kind, ChangeKind::ReplaceCrosswalk);

    let wrong = own.replacen(
        "replaces: soc2 -> iso42001",
        "replaces: iso27001 -> iso42001",
        1,
    );
    let text = messages(&errors(&[("custom/soc2.yaml", &wrong)]));
    assert!(
        text.contains("must name this file's own pair `soc2 -> iso42001`"),
        "{text}"
    );
}

#[test]
fn every_error_of_every_custom_file_comes_back_located() {
    let broken = CONTROLS
        .replacen(
            "kind: control, parent: GOV, title: \"AI policy\"",
            "kind: contrl, parent: GOV, title: \"AI policy\"",
            1,
        )
        .replacen(
            "parent: GOV, title: \"Owners\"",
            "parent: GOVERNANCE, title: \"Owners\"",
            1,
        );
    let mapping = MAPPING.replacen("strength: 5", "strength: 12", 1);
    let errors = errors(&[
        ("custom/acme.yaml", &broken),
        ("custom/mapping.yaml", &mapping),
        ("custom/notes.yaml", "title: not a catalog file\n"),
        ("custom/bad.yaml", "framework: [unclosed\n"),
        (
            "custom/Bad Id.yaml",
            &CONTROLS.replacen("id: acme-ai-controls", "id: Acme Controls", 1),
        ),
    ]);
    let text = messages(&errors);
    for expected in [
        "custom/acme.yaml:11:",
        "requirements[1].kind: `contrl` is not one of",
        "custom/acme.yaml:12:",
        "requirements[2].parent: unknown parent `GOVERNANCE`",
        "custom/mapping.yaml:9:",
        "edges[1].strength: strength 12 is out of range",
        "custom/notes.yaml:1:1: document: missing: a `framework:` header",
        "custom/bad.yaml:",
        "custom/Bad Id.yaml:2:7: framework.id: `Acme Controls` is not a usable framework id",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
    // The crosswalk onto the broken framework is not also told the framework is unknown.
    assert!(
        !text.contains("unknown framework `acme-ai-controls`"),
        "{text}"
    );
}
