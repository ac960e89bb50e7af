//! Evidence as the pages show it: each piece behind a requirement's answer with the weight it
//! counted for and, when it counts less, the reason in words; and the evidence whose review
//! date falls within the next 30 days or has passed. Pure functions over the engine's result,
//! so the requirement page, the dashboard and the Evidence tab say the same thing.

use super::assessment::{Tab, TabLink, context};
use super::layout::{Frame, render};
use super::{PageResult, Signed};
use crate::{Access, AppState};
use aimsgap_assess::{AssessmentResult, EvidenceKind, EvidenceUse, Freshness, rules};
use aimsgap_catalog::Date;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

/// Evidence due for review within this many days after the as-of date is listed as expiring.
pub(crate) const EXPIRING_WITHIN_DAYS: i64 = 30;

/// A share of weight in words: "half", or a percentage.
fn share(factor: f64) -> String {
    if (factor - 0.5).abs() < f64::EPSILON {
        "half".to_string()
    } else {
        format!("{}%", (factor * 100.0).round())
    }
}

/// Why a piece of evidence counts less than its kind is worth, in words, or `None` when it
/// counts in full. `as_of` is the result's as-of date.
pub(crate) fn reason(evidence: &EvidenceUse, as_of: Date) -> Option<String> {
    match evidence.freshness {
        Freshness::Current => None,
        Freshness::ReviewOverdue => Some(match evidence.review_by {
            Some(review_by) => format!(
                "past its review date of {review_by}: counts {} until reviewed",
                share(rules::OVERDUE_FACTOR)
            ),
            None => format!(
                "past its review date: counts {} until reviewed",
                share(rules::OVERDUE_FACTOR)
            ),
        }),
        Freshness::Stale => Some(format!(
            "older than {} months: counts {} of its weight",
            rules::STALE_AFTER_DAYS / 30,
            share(rules::STALE_FACTOR)
        )),
        Freshness::Future => Some(format!(
            "dated after the assessment date {as_of}: not counted"
        )),
    }
}

/// The kind of evidence in words: "approved document".
pub(crate) fn kind_words(kind: EvidenceKind) -> String {
    kind.as_str().replace('_', " ")
}

/// A piece of evidence due for review within [`EXPIRING_WITHIN_DAYS`] of the as-of date, or
/// past its review date, with every requirement it backs.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Expiring {
    pub reference: String,
    pub kind: EvidenceKind,
    pub review_by: Date,
    /// Days from the as-of date to the review date: negative once it has passed.
    pub days: i64,
    /// The requirements whose governing answer carries it, in the result's order.
    pub requirements: Vec<String>,
}

impl Expiring {
    /// "overdue by 3 days", "due today", "due in 12 days".
    pub(crate) fn when(&self) -> String {
        // `relative` says "in 9 days" of a span ahead: the same words serve both directions.
        let span = super::summary::relative(self.days.saturating_abs());
        let span = span.strip_prefix("in ").unwrap_or(&span);
        match self.days {
            ..0 => format!("overdue by {span}"),
            0 => "due today".to_string(),
            _ => format!("due in {span}"),
        }
    }

    pub(crate) fn overdue(&self) -> bool {
        self.days < 0
    }

    pub(crate) fn kind_words(&self) -> String {
        kind_words(self.kind)
    }
}

/// Every piece of evidence in `result` whose review date has passed or falls within `within`
/// days after the as-of date, earliest review date first. The same piece behind several
/// requirements (a group's answer, or one document cited by many answers) is listed once with
/// all of them. Evidence dated after the as-of date is not counted, so it is not listed.
pub(crate) fn expiring(result: &AssessmentResult, within: i64) -> Vec<Expiring> {
    let mut out: Vec<Expiring> = Vec::new();
    for requirement in &result.requirements {
        for evidence in &requirement.evidence {
            let Some(review_by) = evidence.review_by else {
                continue;
            };
            if evidence.freshness == Freshness::Future {
                continue;
            }
            let days = result.as_of.days_until(review_by);
            if days > within {
                continue;
            }
            match out.iter_mut().find(|e| {
                e.reference == evidence.reference
                    && e.kind == evidence.kind
                    && e.review_by == review_by
            }) {
                Some(seen) => {
                    if !seen.requirements.contains(&requirement.id) {
                        seen.requirements.push(requirement.id.clone());
                    }
                }
                None => out.push(Expiring {
                    reference: evidence.reference.clone(),
                    kind: evidence.kind,
                    review_by,
                    days,
                    requirements: vec![requirement.id.clone()],
                }),
            }
        }
    }
    out.sort_by(|a, b| {
        a.review_by
            .cmp(&b.review_by)
            .then_with(|| a.reference.cmp(&b.reference))
    });
    out
}

// ---- the Evidence tab --------------------------------------------------------------------

#[derive(Template, Debug)]
#[template(path = "evidence/register.html")]
struct RegisterPage {
    frame: Frame,
    tabs: Vec<TabLink>,
    base: String,
    as_of: Date,
    expiring: Vec<Expiring>,
    expiring_days: i64,
}

/// `GET /assessments/{assessment}/evidence`: the evidence register and what is due for review.
pub async fn register(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let (result, _) = crate::ops::assessments::compute(&state, &id).await?;
    let (frame, tabs) = ctx.chrome(Tab::Evidence, "Evidence");
    let view = RegisterPage {
        frame,
        tabs,
        base: ctx.base(),
        as_of: result.as_of,
        expiring: expiring(&result, EXPIRING_WITHIN_DAYS),
        expiring_days: EXPIRING_WITHIN_DAYS,
    };
    Ok(render(StatusCode::OK, &view))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aimsgap_assess::{assess, parse_assessment};

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    /// The result of an assessment dated 2026-11-29 whose answer on the group 5.2 carries
    /// `evidence` (YAML list items) and, when `group` is set, so does one on the group A.2.
    fn result_with(evidence: &str, group: bool) -> AssessmentResult {
        let catalog = aimsgap_catalog::builtin().unwrap();
        let mut yaml = format!(
            "aimsgap: 2\nas_of: 2026-11-29\norganization:\n  name: Acme\n  employees: 20\n  \
             sector: software\n  jurisdictions: [EU]\nanswers:\n  \"5.2\":\n    status: implemented\n    \
             evidence:\n{evidence}"
        );
        if group {
            yaml.push_str(&format!(
                "  \"A.2\":\n    status: implemented\n    evidence:\n{evidence}"
            ));
        }
        let assessment = parse_assessment("test.yaml", &yaml, &catalog, date("2026-11-29"))
            .map_err(|e| format!("{e:?}\n{yaml}"))
            .unwrap();
        assess(&catalog, &assessment).unwrap()
    }

    fn item(reference: &str, date: &str, review_by: Option<&str>) -> String {
        let mut out = format!(
            "      - ref: {reference}\n        kind: approved_document\n        date: {date}\n"
        );
        if let Some(review_by) = review_by {
            out.push_str(&format!("        review_by: {review_by}\n"));
        }
        out
    }

    #[test]
    fn evidence_due_within_30_days_or_past_its_date_is_listed_and_later_or_undated_is_not() {
        let evidence = [
            item("passed.pdf", "2026-01-10", Some("2026-11-01")),
            item("today.pdf", "2026-01-10", Some("2026-11-29")),
            item("in-30.pdf", "2026-01-10", Some("2026-12-29")),
            item("in-31.pdf", "2026-01-10", Some("2026-12-30")),
            item("no-date.pdf", "2026-01-10", None),
        ]
        .concat();
        let result = result_with(&evidence, false);
        let listed = expiring(&result, EXPIRING_WITHIN_DAYS);
        let names: Vec<(&str, i64)> = listed
            .iter()
            .map(|e| (e.reference.as_str(), e.days))
            .collect();
        assert_eq!(
            names,
            [("passed.pdf", -28), ("today.pdf", 0), ("in-30.pdf", 30)]
        );
        assert!(listed[0].overdue() && !listed[1].overdue());
        assert_eq!(listed[0].when(), "overdue by 4 weeks");
        assert_eq!(listed[1].when(), "due today");
        assert_eq!(listed[2].when(), "due in 4 weeks");
        assert!(listed[0].requirements.contains(&"5.2.a".to_string()));
        assert_eq!(listed[0].review_by, date("2026-11-01"));
    }

    #[test]
    fn one_piece_behind_a_group_is_listed_once_with_every_requirement_it_backs() {
        let result = result_with(&item("policy.pdf", "2026-06-01", Some("2026-12-05")), true);
        let listed = expiring(&result, EXPIRING_WITHIN_DAYS);
        assert_eq!(listed.len(), 1, "{listed:?}");
        let backs = &listed[0].requirements;
        assert!(backs.contains(&"5.2.a".to_string()), "{backs:?}");
        assert!(backs.iter().any(|id| id.starts_with("A.2.")), "{backs:?}");
        assert!(
            backs.len() >= 3,
            "the parts of 5.2 and the controls of A.2: {backs:?}"
        );
    }

    #[test]
    fn nothing_is_listed_without_review_dates() {
        let result = result_with(&item("policy.pdf", "2026-06-01", None), true);
        assert!(expiring(&result, EXPIRING_WITHIN_DAYS).is_empty());
    }

    #[test]
    fn the_reason_names_the_review_date_or_the_age_and_current_evidence_has_none() {
        let result = result_with(
            &[
                item("overdue.pdf", "2026-01-10", Some("2026-03-01")),
                item("old.pdf", "2025-01-10", None),
                item("fresh.pdf", "2026-10-01", Some("2027-10-01")),
            ]
            .concat(),
            false,
        );
        let uses = &result
            .requirements
            .iter()
            .find(|r| r.id == "5.2.a")
            .unwrap()
            .evidence;
        let reasons: Vec<Option<String>> = uses.iter().map(|u| reason(u, result.as_of)).collect();
        assert_eq!(
            reasons,
            [
                Some("past its review date of 2026-03-01: counts half until reviewed".to_string()),
                Some("older than 12 months: counts 60% of its weight".to_string()),
                None,
            ]
        );
    }
}
