//! A write of one item is judged alone (`aimsgap_assess::item`) exactly as the whole document
//! it makes would be: for generated answers, AI systems and profiles written into each example,
//! the item check accepts where the whole-document reader accepts, and otherwise refuses with
//! the same fields and the same messages, in the same order.

use super::*;
use aimsgap_assess::{from_document, item, read_document};
use aimsgap_catalog::Error;
use aimsgap_wire::assessment::{AiSystem, Answer, Document, Evidence, Located, Profile};
use proptest::prelude::*;

/// The examples as the store keeps them: documents without locations.
fn stored() -> Vec<(&'static str, Document)> {
    static STORED: std::sync::OnceLock<Vec<(&'static str, Document)>> = std::sync::OnceLock::new();
    STORED
        .get_or_init(|| {
            EXAMPLES
                .iter()
                .map(|(name, text)| {
                    let document = read_document(name, text).unwrap();
                    let json = serde_json::to_string(&document).unwrap();
                    (*name, serde_json::from_str(&json).unwrap())
                })
                .collect()
        })
        .clone()
}

fn profile_of(document: &Document) -> Profile {
    document.clone().into_parts().0
}

/// What a verdict says, without where: the item check judges a document that was never written
/// out, so only fields and messages are comparable.
fn said(verdict: Result<Assessment, Vec<Error>>) -> Result<(), Vec<(String, String)>> {
    verdict.map(|_| ()).map_err(|errors| {
        errors
            .into_iter()
            .map(|error| (error.field, error.kind.to_string()))
            .collect()
    })
}

fn today() -> Date {
    date("2026-12-02")
}

fn word(valid: &[&'static str], wrong: &[&'static str]) -> impl Strategy<Value = String> + use<> {
    let mut all: Vec<&'static str> = valid.to_vec();
    all.extend_from_slice(wrong);
    prop::sample::select(all).prop_map(str::to_string)
}

fn day() -> impl Strategy<Value = String> {
    word(
        &["2024-05-01", "2026-01-31", "2026-12-02"],
        &["2026-02-30", "1800-01-01", "soon", "2027-06-01"],
    )
}

fn located(text: String) -> Located<String> {
    Located::new(text)
}

fn text_of(lengths: &[usize]) -> impl Strategy<Value = Option<String>> + use<> {
    prop::option::of(prop::sample::select(lengths.to_vec()).prop_map(|n| "x".repeat(n)))
}

fn evidence() -> impl Strategy<Value = Evidence> {
    (
        word(
            &[
                "template",
                "draft",
                "approved_document",
                "operating_record",
                "audit_report",
            ],
            &["rumour"],
        ),
        prop::option::of(day()),
        prop::option::of(day()),
        prop::option::of(word(&["ab12"], &[]))
            .prop_map(|hash| hash.map(|h| if h == "ab12" { "ab".repeat(32) } else { h })),
        prop::sample::select(vec![10usize, 1_001]),
    )
        .prop_map(|(kind, date, review_by, sha256, length)| Evidence {
            reference: "r".repeat(length),
            kind: located(kind),
            date: date.map(located),
            review_by: review_by.map(located),
            sha256: sha256.map(located),
        })
}

fn answer_id() -> impl Strategy<Value = String> {
    let mut ids: Vec<String> = catalog()
        .framework("iso42001")
        .unwrap()
        .requirements
        .iter()
        .map(|r| r.id.to_string())
        .collect();
    ids.extend(["9.9.9".to_string(), "A.99.1".to_string()]);
    prop::sample::select(ids)
}

fn answer() -> impl Strategy<Value = Answer> {
    (
        word(
            &[
                "implemented",
                "partial",
                "planned",
                "not_implemented",
                "not_applicable",
            ],
            &["done", ""],
        ),
        prop::option::of(-1i64..7),
        prop::collection::vec(evidence(), 0..3),
        text_of(&[5, 4_001]),
        text_of(&[5, 201]),
        prop::option::of(day()),
    )
        .prop_map(|(status, maturity, evidence, notes, owner, due)| Answer {
            status: located(status),
            maturity: maturity.map(Located::new),
            owner,
            evidence,
            justification: None,
            notes,
            due: due.map(located),
        })
}

fn system(ids: Vec<String>) -> impl Strategy<Value = AiSystem> {
    let areas = ["employment", "biometrics", "education"];
    let points = ["4(a)", "1(a)", "3(b)", "2"];
    (
        prop::sample::select(ids),
        text_of(&[5, 201]),
        prop::option::of(word(&["provider", "deployer", "importer"], &["owner"])),
        prop::option::of(word(&areas, &["astrology"])),
        prop::option::of(word(&points, &["9(z)"])),
        prop::option::of(day()),
        prop::collection::vec(word(&["employment", "healthcare"], &["sport"]), 0..3),
        any::<bool>(),
        any::<bool>(),
        text_of(&[5, 4_001]),
    )
        .prop_map(
            |(id, name, role, area, point, placed, decisions, gpai, systemic, description)| {
                AiSystem {
                    id: located(id),
                    name: name.unwrap_or_default(),
                    description,
                    role: role.map(located),
                    annex_iii_area: area.map(located),
                    annex_iii_point: point.map(located),
                    placed_on_market: placed.map(located),
                    consequential_decisions: decisions.into_iter().map(located).collect(),
                    gpai_model: gpai,
                    gpai_systemic_risk: systemic,
                    ..AiSystem::default()
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn an_answer_is_judged_alone_as_the_whole_document_judges_it(
        example in 0..EXAMPLES.len(),
        id in answer_id(),
        answer in answer(),
    ) {
        let (_, mut whole) = stored().swap_remove(example);
        let profile = profile_of(&whole);
        whole.answers.insert(id.clone(), Located::new(answer.clone()));
        let name = format!("answers.{id}");
        let alone = item::check_answer(
            &name, &profile, whole.answers.len(), &id, &answer, catalog(), today(),
        );
        let judged = from_document(&name, &whole, catalog(), today());
        prop_assert_eq!(said(alone), said(judged));
    }

    #[test]
    fn an_ai_system_is_judged_alone_as_the_whole_document_judges_it(
        example in 0..EXAMPLES.len(),
        pick in any::<prop::sample::Index>(),
        new in any::<bool>(),
        mut written in system(vec!["any".to_string()]),
    ) {
        let (_, mut whole) = stored().swap_remove(example);
        let profile = profile_of(&whole);
        let mut ids: Vec<String> =
            whole.ai_systems.iter().map(|s| s.id.value.clone()).collect();
        if new || ids.is_empty() {
            ids = vec!["a-new-system".to_string()];
        }
        let id = ids[pick.index(ids.len())].clone();
        written.id = located(id.clone());
        let index = match whole.ai_systems.iter().position(|s| s.id.value == id) {
            Some(index) => {
                whole.ai_systems[index] = Located::new(written.clone());
                index
            }
            None => {
                whole.ai_systems.push(Located::new(written.clone()));
                whole.ai_systems.len() - 1
            }
        };
        let name = format!("ai_systems.{id}");
        let alone = item::check_ai_system(
            &name, &profile, whole.ai_systems.len(), index, &written, catalog(), today(),
        );
        let judged = from_document(&name, &whole, catalog(), today());
        prop_assert_eq!(said(alone), said(judged));
    }

    // Format 1 is not generated: the server writes a profile of format 1 as the current format,
    // whose answers the stored document already holds.
    #[test]
    fn a_profile_is_judged_alone_as_the_whole_document_judges_it(
        example in 0..EXAMPLES.len(),
        format in prop::sample::select(vec![2i64, 3]),
        as_of in prop::option::of(day()),
        employees in prop::option::of(prop::sample::select(vec![0i64, 40, 20_000_000])),
        team_fte in prop::option::of(prop::sample::select(vec![0.0f64, 2.5, f64::NAN])),
        name in prop::sample::select(vec![5usize, 201]),
    ) {
        let (_, whole) = stored().swap_remove(example);
        let mut profile = profile_of(&whole);
        profile.aimsgap = Located::new(format);
        profile.as_of = as_of.map(located);
        profile.organization.value.employees = employees.map(Located::new);
        profile.organization.value.team_fte = team_fte.map(Located::new);
        profile.organization.value.name = "n".repeat(name);
        let (_, systems, answers) = whole.into_parts();
        let whole = Document::from_parts(profile.clone(), systems, answers);
        let alone = item::check_profile("profile", &profile, catalog(), today());
        let judged = from_document("profile", &whole, catalog(), today());
        prop_assert_eq!(said(alone), said(judged));
    }
}

/// The count of a list is judged too: one answer or AI system more than the limit refuses
/// the write as the whole document's counts do.
#[test]
fn a_write_past_a_count_limit_is_refused_with_the_whole_documents_count() {
    let (_, whole) = stored().swap_remove(0);
    let profile = profile_of(&whole);
    let answer = Answer {
        status: located("partial".into()),
        ..Answer::default()
    };
    let over = aimsgap_wire::limits::MAX_ANSWERS + 1;
    let refused = said(item::check_answer(
        "answers.5.1",
        &profile,
        over,
        "5.1",
        &answer,
        catalog(),
        today(),
    ));
    assert_eq!(
        refused,
        Err(vec![(
            "answers".to_string(),
            "401 answers, at most 400".to_string()
        )])
    );
    let system = AiSystem {
        id: located("s".into()),
        name: "S".into(),
        ..AiSystem::default()
    };
    let over = aimsgap_wire::limits::MAX_AI_SYSTEMS + 1;
    let refused = said(item::check_ai_system(
        "ai_systems.s",
        &profile,
        over,
        over - 1,
        &system,
        catalog(),
        today(),
    ));
    assert_eq!(
        refused,
        Err(vec![(
            "ai_systems".to_string(),
            "501 AI systems, at most 500".to_string()
        )])
    );
}
