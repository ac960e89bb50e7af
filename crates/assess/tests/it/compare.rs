//! `compare` against the article's comparison table: every disagreement is documented with a
//! reason, and every documented disagreement still holds.

use super::*;
use aimsgap_assess::compare::{Level, compare};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    disagreements: Vec<Disagreement>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Disagreement {
    area: String,
    framework: String,
    article: String,
    ours: String,
    reason: String,
}

#[test]
fn every_disagreement_with_the_article_is_documented_and_still_true() {
    let areas = aimsgap_catalog::builtin_areas(catalog()).unwrap();
    assert_eq!(areas.len(), 11, "the article's table has eleven rows");
    let comparison = compare(
        catalog(),
        &areas,
        &["iso27001".to_string(), "soc2".to_string()],
        date("2026-11-29"),
    );
    let file: File = serde_saphyr::from_str(aimsgap_catalog::DISAGREEMENTS.1).unwrap();
    let mut found = Vec::new();
    for row in &comparison.areas {
        let article = row
            .article
            .unwrap_or_else(|| panic!("{} {} has no claim", row.id, row.framework));
        if article != row.level {
            let entry = file
                .disagreements
                .iter()
                .find(|d| d.area == row.id && d.framework == row.framework)
                .unwrap_or_else(|| {
                    panic!(
                        "undocumented disagreement: {} {} article {article}, ours {}",
                        row.id, row.framework, row.level
                    )
                });
            assert_eq!(Level::parse(&entry.article), Some(article), "{}", row.id);
            assert_eq!(
                Level::parse(&entry.ours),
                Some(row.level),
                "{} {}",
                row.id,
                row.framework
            );
            assert!(
                entry.reason.split_whitespace().count() > 20,
                "{}: reason too short",
                row.id
            );
            found.push((row.id.clone(), row.framework.clone()));
        }
    }
    for entry in &file.disagreements {
        assert!(
            found.contains(&(entry.area.clone(), entry.framework.clone())),
            "documented disagreement no longer holds: {} {}",
            entry.area,
            entry.framework
        );
    }
    // The rows where the article and the crosswalks agree are real agreements, not vacuous.
    assert!(found.len() < comparison.areas.len());
}

#[test]
fn impact_assessment_gets_nothing_from_either_base() {
    let areas = aimsgap_catalog::builtin_areas(catalog()).unwrap();
    let comparison = compare(
        catalog(),
        &areas,
        &["iso27001".to_string(), "soc2".to_string()],
        date("2026-11-29"),
    );
    for row in comparison
        .areas
        .iter()
        .filter(|r| r.id == "ai-impact-assessment")
    {
        assert_eq!(row.level, Level::None, "{}", row.framework);
    }
    let a5 = comparison
        .groups
        .iter()
        .find(|g| g.id == "A.5" && g.framework == "iso27001")
        .unwrap();
    assert_eq!(a5.reached, 0);
}
