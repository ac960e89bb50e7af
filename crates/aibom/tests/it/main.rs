//! The ML-BOM reader on the CycloneDX project's own ML-BOM files (snapshots of the drafted
//! `ai_systems:`) and on malformed BOMs built here (located errors, nothing drafted).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use aimsgap_aibom::{ErrorKind, Import, MAX_BOM_BYTES, Question, read, to_yaml};

const ML_1_5: &str = include_str!("../data/valid-machine-learning-1.5.json");
const ML_1_6: &str = include_str!("../data/valid-machine-learning-1.6.json");
const ML_ENV_1_6: &str = include_str!("../data/valid-machine-learning-considerations-env-1.6.json");

fn import(text: &str) -> Import {
    read(text.as_bytes()).unwrap_or_else(|e| panic!("refused: {e}"))
}

/// The drafts of `text` placed in a minimal assessment file, read and judged by the engine.
fn assess_drafts(yaml: &str) -> aimsgap_assess::Assessment {
    let file = format!(
        "aimsgap: 2\nas_of: 2026-06-01\norganization:\n  name: Example\n{yaml}answers: {{}}\n"
    );
    let catalog = aimsgap_catalog::builtin().unwrap();
    let as_of = aimsgap_catalog::Date::parse("2026-06-01").unwrap();
    aimsgap_assess::parse_assessment("drafts.yaml", &file, &catalog, as_of)
        .unwrap_or_else(|errors| panic!("{errors:?}\n{file}"))
}

#[test]
fn the_cyclonedx_1_5_ml_bom_drafts_one_system() {
    let import = import(ML_1_5);
    assert_eq!(import.spec_version, "1.5");
    assert_eq!(import.drafts.len(), 1);
    insta::assert_snapshot!(to_yaml(&import));
}

#[test]
fn the_cyclonedx_1_6_ml_bom_drafts_one_system() {
    let import = import(ML_1_6);
    assert_eq!(import.spec_version, "1.6");
    assert_eq!(import.drafts.len(), 1);
    insta::assert_snapshot!(to_yaml(&import));
}

#[test]
fn the_cyclonedx_1_6_ml_bom_with_environmental_considerations_drafts_one_system() {
    let import = import(ML_ENV_1_6);
    assert_eq!(import.drafts.len(), 1);
    let description = import.drafts[0].system.description.clone().unwrap();
    assert!(
        description.contains("supplied by Hugging Face"),
        "{description}"
    );
    insta::assert_snapshot!(to_yaml(&import));
}

#[test]
fn every_fixture_loads_as_the_ai_systems_of_an_assessment() {
    for text in [ML_1_5, ML_1_6, ML_ENV_1_6] {
        let import = import(text);
        let assessment = assess_drafts(&to_yaml(&import));
        assert_eq!(assessment.ai_systems.len(), import.drafts.len());
        for (system, draft) in assessment.ai_systems.iter().zip(&import.drafts) {
            assert_eq!(system.id, draft.system.id.value);
            assert_eq!(system.name, draft.system.name);
        }
    }
}

#[test]
fn a_bom_never_fills_in_a_legal_fact() {
    for text in [ML_1_5, ML_1_6, ML_ENV_1_6] {
        for draft in import(text).drafts {
            let system = &draft.system;
            assert!(system.role.is_none() && system.markets.is_empty());
            assert!(system.annex_iii_area.is_none() && !system.gpai_model);
            for question in [Question::Role, Question::Markets, Question::AnnexIiiArea] {
                assert!(draft.questions.contains(&question), "{question:?}");
            }
        }
    }
}

/// A BOM of a chat service built on a text-generation model trained on a data component: one
/// system, named after the service, whose description names the model and the dataset.
const SERVICE_BOM: &str = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "components": [
    {"type": "library", "name": "tokenizers", "bom-ref": "lib"},
    {"type": "machine-learning-model", "name": "support-llm", "version": "3", "bom-ref": "m1",
     "supplier": {"name": "Model Maker Ltd"},
     "modelCard": {"modelParameters": {"task": "text-generation",
       "datasets": [{"ref": "d1"}, {"type": "dataset", "name": "Inline set"}]}}},
    {"type": "data", "name": "Support tickets 2025", "bom-ref": "d1"},
    {"type": "machine-learning-model", "name": "spam-filter", "bom-ref": "m2"}
  ],
  "services": [
    {"bom-ref": "s1", "name": "Help desk assistant", "provider": {"name": "Example Corp"},
     "description": "Answers customer questions."}
  ],
  "dependencies": [
    {"ref": "s1", "dependsOn": ["m1", "lib"]},
    {"ref": "m1", "dependsOn": ["d1"]}
  ]
}"#;

#[test]
fn a_service_built_on_a_model_is_one_system_and_its_datasets_are_named() {
    let import = import(SERVICE_BOM);
    let names: Vec<&str> = import
        .drafts
        .iter()
        .map(|d| d.system.name.as_str())
        .collect();
    assert_eq!(names, ["Help desk assistant", "spam-filter"]);
    let service = &import.drafts[0];
    let description = service.system.description.as_deref().unwrap();
    for said in [
        "Answers customer questions.",
        "provided by Example Corp",
        "Model: support-llm 3.",
        "supplied by Model Maker Ltd",
        "Task: text-generation.",
        "Datasets: Support tickets 2025; Inline set.",
    ] {
        assert!(
            description.contains(said),
            "{said} missing from {description}"
        );
    }
    // The text-generation task states that it generates content; the spam filter says nothing.
    assert!(service.system.generates_synthetic_content);
    assert!(
        !service
            .questions
            .contains(&Question::GeneratesSyntheticContent)
    );
    assert!(!import.drafts[1].system.generates_synthetic_content);
    assert!(
        import.drafts[1]
            .questions
            .contains(&Question::GeneratesSyntheticContent)
    );
    assert_eq!(
        service.sources,
        ["service `s1`".to_string(), "model `m1`".to_string()]
    );
    assess_drafts(&to_yaml(&import));
}

#[test]
fn hostile_text_in_a_bom_stays_inside_its_yaml_string() {
    let bom = r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "serialNumber": "x\"\nanswers: 1",
      "components": [
        {"type": "machine-learning-model", "name": "a\"\n  role: provider\n# b: 'c' \u0007",
         "bom-ref": "r\n- id: injected", "description": "line one\nanswers:\n  5.1: {}"},
        {"type": "machine-learning-model", "name": "a\" role: provider # b: 'c'"},
        {"type": "machine-learning-model", "name": "日本語 モデル"}
      ]}"#;
    let import = import(bom);
    let yaml = to_yaml(&import);
    let assessment = assess_drafts(&yaml);
    assert_eq!(assessment.ai_systems.len(), 3, "{yaml}");
    assert!(
        assessment.ai_systems.iter().all(|s| s.role.is_none()),
        "{yaml}"
    );
    // Ids are unique even when names make the same one; a name without ASCII gets a plain id.
    let ids: Vec<&str> = assessment
        .ai_systems
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["a-role-provider-b-c", "a-role-provider-b-c-2", "ai-system"]
    );
}

// ---- refusals ------------------------------------------------------------------------------

/// Reads `text`, which must be refused, and gives the error's kind, path, line and column.
fn refused(text: &str) -> (ErrorKind, String, usize, usize) {
    match read(text.as_bytes()) {
        Ok(import) => panic!("accepted: {import:?}"),
        Err(error) => {
            // The message names the place it has.
            let message = error.to_string();
            if error.line > 0 {
                assert!(
                    message.contains(&format!("line {}", error.line)),
                    "{message}"
                );
            }
            if !error.path.is_empty() {
                assert!(message.contains(&error.path), "{message}");
            }
            (error.kind, error.path, error.line, error.column)
        }
    }
}

#[test]
fn a_bom_over_the_size_limit_is_refused_before_it_is_parsed() {
    // Not JSON at all past the first byte: were it parsed, the error would be a syntax error.
    let mut bytes = vec![b'{'; 50 * 1024 * 1024];
    bytes[1] = b'!';
    let error = read(&bytes).unwrap_err();
    assert_eq!(
        error.kind,
        ErrorKind::TooLarge {
            size: 50 * 1024 * 1024,
            max: MAX_BOM_BYTES
        }
    );
    assert!(error.to_string().contains("16 MiB"), "{error}");
}

#[test]
fn another_spec_version_is_refused_at_its_line() {
    let bom =
        "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.4\",\n  \"components\": []\n}";
    let (kind, path, line, _) = refused(bom);
    assert!(
        matches!(&kind, ErrorKind::SpecVersion(m) if m.contains("`1.4`")),
        "{kind:?}"
    );
    assert_eq!((path.as_str(), line), ("specVersion", 3));
    // The last member of the object: the error still names its line, not the next one.
    let (_, path, line, column) =
        refused("{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.4\"\n}\n");
    assert_eq!((path.as_str(), line, column), ("specVersion", 3, 3));
    let (kind, path, ..) = refused(r#"{"bomFormat": "CycloneDX", "components": []}"#);
    assert!(matches!(kind, ErrorKind::SpecVersion(_)), "{kind:?}");
    assert_eq!(path, "specVersion");
}

#[test]
fn json_that_is_not_cyclonedx_is_refused() {
    let (kind, path, line, _) = refused("{\n\"bomFormat\": \"SPDX\", \"specVersion\": \"1.6\"}");
    assert!(
        matches!(&kind, ErrorKind::NotCycloneDx(m) if m.contains("`SPDX`")),
        "{kind:?}"
    );
    assert_eq!((path.as_str(), line), ("bomFormat", 2));
    let (kind, path, ..) = refused(r#"{"spdxVersion": "SPDX-2.3", "name": "x"}"#);
    assert!(matches!(kind, ErrorKind::NotCycloneDx(_)), "{kind:?}");
    assert_eq!(path, "bomFormat");
    for text in ["[1, 2]", "", "  \n", "\"CycloneDX\""] {
        let (kind, ..) = refused(text);
        assert!(
            matches!(kind, ErrorKind::NotCycloneDx(_)),
            "{text:?}: {kind:?}"
        );
    }
}

#[test]
fn broken_json_is_refused_at_its_line_and_column() {
    let (kind, _, line, column) = refused(
        "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\"\n  \"components\": []\n}",
    );
    assert!(matches!(kind, ErrorKind::Syntax(_)), "{kind:?}");
    assert_eq!((line, column), (4, 3));
    let (kind, ..) = refused(r#"{"bomFormat": "CycloneDX", "specVersion": "1.6"} trailing"#);
    assert!(matches!(kind, ErrorKind::Syntax(_)), "{kind:?}");
    let (kind, ..) =
        refused("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": [");
    assert!(matches!(kind, ErrorKind::Syntax(_)), "{kind:?}");
}

#[test]
fn invalid_utf8_is_refused_at_its_place() {
    let mut bytes = br#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "machine-learning-model", "name": "x"#.to_vec();
    bytes.extend([0xff, 0xfe]);
    bytes.extend(br#""}]}"#);
    let error = read(&bytes).unwrap_err();
    assert_eq!(error.line, 1, "{error}");
    assert!(error.column > 90, "{error}");
}

#[test]
fn a_bom_without_a_model_is_refused_and_says_what_it_holds() {
    let (kind, ..) = refused(
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.6",
            "components": [{"type": "library", "name": "serde"}, {"type": "data", "name": "d"}]}"#,
    );
    let ErrorKind::NoModels(said) = &kind else {
        panic!("{kind:?}")
    };
    assert!(said.contains("`data`, `library`"), "{said}");
    let (kind, ..) = refused(r#"{"bomFormat": "CycloneDX", "specVersion": "1.5"}"#);
    assert!(
        matches!(&kind, ErrorKind::NoModels(s) if s.contains("no components")),
        "{kind:?}"
    );
}

#[test]
fn a_part_of_the_wrong_type_is_refused_at_its_json_path() {
    let cases = [
        (
            r#""components": [{"type": "machine-learning-model", "name": "m", "modelCard": 5}]"#,
            "components[0].modelCard",
            "a model card",
        ),
        (
            r#""components": [{"type": "library", "name": "l"}, {"type": "machine-learning-model", "name": "m", "modelCard": {"modelParameters": {"task": 7}}}]"#,
            "components[1].modelCard.modelParameters.task",
            "a string",
        ),
        (
            r#""components": [{"type": "machine-learning-model"}]"#,
            "components[0]",
            "missing field `name`",
        ),
        (
            r#""components": {"type": "machine-learning-model", "name": "m"}"#,
            "components",
            "a sequence",
        ),
        (
            r#""components": [{"type": "machine-learning-model", "name": "m", "modelCard": {"considerations": {"users": "everyone"}}}]"#,
            "components[0].modelCard.considerations.users",
            "a sequence",
        ),
        (
            r#""services": [{"name": "s", "provider": "me"}], "components": []"#,
            "services[0].provider",
            "an organisation",
        ),
    ];
    for (body, want_path, want) in cases {
        let text = format!("{{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\",\n {body}}}");
        let (kind, path, line, column) = refused(&text);
        let ErrorKind::Invalid(message) = &kind else {
            panic!("{body}: {kind:?}")
        };
        assert_eq!(path, want_path, "{body}");
        assert!(message.contains(want), "{body}: {message}");
        assert_eq!(line, 2, "{body}");
        assert!(column > 1, "{body}");
    }
}
