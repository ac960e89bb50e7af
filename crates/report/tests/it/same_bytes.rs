//! The result JSON of many varied assessments, pinned by its SHA-256: the engine and the JSON
//! writer are tuned for speed, and this holds that they still give the same bytes for inputs
//! the example snapshots do not reach (many AI systems of every kind, no answers, other
//! certifications, earlier and later dates).

use super::{EXAMPLES, catalog};
use aimsgap_assess::{AiSystem, Assessment, SystemRole};
use aimsgap_catalog::Date;
use sha2::{Digest, Sha256};
use std::fmt::Write;

fn example(text: &str) -> Assessment {
    aimsgap_assess::parse_assessment(
        "example",
        text,
        catalog(),
        Date::parse("2026-11-29").unwrap(),
    )
    .unwrap()
}

/// `n` AI systems drawn from every example, each with some facts varied.
fn many_systems(pool: &[AiSystem], n: usize) -> Vec<AiSystem> {
    let roles = [
        Some(SystemRole::Provider),
        Some(SystemRole::Deployer),
        None,
        Some(SystemRole::ProductManufacturer),
        Some(SystemRole::Importer),
    ];
    (0..n)
        .map(|i| {
            let mut system = pool[i % pool.len()].clone();
            system.id = format!("system-{i:03}");
            system.name = format!("{} {i}", system.name);
            system.interacts_with_natural_persons ^= i % 3 == 0;
            system.generates_synthetic_content ^= i % 5 == 0;
            if i % 7 == 1 {
                system.role = roles[(i / 7) % roles.len()];
            }
            if i % 4 == 2 {
                // An area without its point: obligations the point would decide stay listed.
                system.annex_iii_point = None;
            }
            if i % 9 == 4 {
                system.placed_on_market = Some(Date::parse("2025-03-01").unwrap());
            }
            if i % 11 == 3 {
                system.art_6_3_exemption = !system.art_6_3_exemption;
            }
            if i % 6 == 5 {
                system.public_body = true;
            }
            if i % 8 == 7 {
                system.markets = vec!["EU".into(), "US-CO".into(), "US-TX".into(), "KR".into()];
            }
            system
        })
        .collect()
}

fn hash(assessment: &Assessment) -> String {
    let result = aimsgap_assess::assess(catalog(), assessment).unwrap();
    let json = aimsgap_report::json::render(&result);
    Sha256::digest(json.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn results_of_varied_assessments_keep_their_bytes() {
    let examples: Vec<(&str, Assessment)> = EXAMPLES
        .iter()
        .map(|(name, text)| (*name, example(text)))
        .collect();
    let pool: Vec<AiSystem> = examples
        .iter()
        .flat_map(|(_, a)| a.ai_systems.iter().cloned())
        .collect();
    let mut pinned = String::new();
    for (i, (name, base)) in examples.iter().enumerate() {
        let (_, other) = &examples[(i + 1) % examples.len()];
        let variants = [
            ("as written", base.clone()),
            (
                "40 systems",
                Assessment {
                    ai_systems: many_systems(&pool, 40),
                    ..base.clone()
                },
            ),
            (
                "no answers",
                Assessment {
                    answers: Vec::new(),
                    ..base.clone()
                },
            ),
            (
                "both certifications",
                Assessment {
                    certifications: base
                        .certifications
                        .iter()
                        .chain(other.certifications.iter().filter(|c| {
                            base.certifications
                                .iter()
                                .all(|b| b.framework != c.framework)
                        }))
                        .cloned()
                        .collect(),
                    ..base.clone()
                },
            ),
            (
                "judged in mid-2025",
                Assessment {
                    as_of: Date::parse("2025-06-01").unwrap(),
                    ..base.clone()
                },
            ),
            (
                "judged in 2029",
                Assessment {
                    as_of: Date::parse("2029-01-01").unwrap(),
                    ai_systems: many_systems(&pool, 12),
                    ..base.clone()
                },
            ),
        ];
        for (variant, assessment) in &variants {
            writeln!(pinned, "{name} / {variant}: {}", hash(assessment)).unwrap();
        }
    }
    insta::assert_snapshot!(pinned);
}
