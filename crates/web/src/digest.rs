//! The daily digest's content: what one member should hear of on one day.
//!
//! [`compose`] is a pure function of the member, the day, their reminder preferences, their
//! work, the evidence of their assessments and the engine's law obligations computed with the
//! day as the as-of date; it reads no clock and no store. The shell ([`crate::reminders`])
//! gathers the input, renders the message and sends it. Every date compared here comes from
//! the input: due dates and review dates from the store, the dates obligations apply from from
//! the law catalogs through the engine.

use crate::ops::work::{Due, due};
use aimsgap_assess::SystemObligations;
use aimsgap_catalog::Date;
use aimsgap_store::{AssignedWork, EvidenceItem, Member, ReminderKind, Reminders, Role};

/// Work due within this many days (or overdue) is in the digest.
pub const WORK_DAYS: i64 = crate::ops::work::WEEK_DAYS;
/// Evidence due for review within this many days (or past it) is in the digest.
pub const EVIDENCE_DAYS: i64 = 30;
/// Obligations that come into force within this many days are in the digest.
pub const OBLIGATION_DAYS: i64 = 30;

/// An assessment the member belongs to, with their role in its organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub assessment_id: String,
    pub assessment_name: String,
    pub org_name: String,
    pub role: Role,
}

/// The evidence register of one assessment, each item with the member who owns it, if a
/// member does (see [`owner_member`]).
#[derive(Clone, Debug)]
pub struct EvidenceOf {
    pub place: Place,
    pub items: Vec<(EvidenceItem, Option<String>)>,
}

/// The engine's obligations for one assessment, computed with the day as the as-of date.
#[derive(Clone, Debug)]
pub struct ObligationsOf {
    pub place: Place,
    pub obligations: Vec<SystemObligations>,
}

/// Everything [`compose`] reads.
#[derive(Clone, Debug)]
pub struct Input<'a> {
    /// The member's user id.
    pub member: &'a str,
    pub day: Date,
    pub reminders: Reminders,
    /// The work the member owns (across their organisations).
    pub work: &'a [AssignedWork],
    pub evidence: &'a [EvidenceOf],
    pub obligations: &'a [ObligationsOf],
}

/// One thing to hear of, with the page that shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// What it is: "requirement 5.2 of Chatbot (Acme)".
    pub text: String,
    /// When: "overdue since 2026-11-30", "due 2026-12-05".
    pub when: String,
    /// The path of its page on the server, from `/`.
    pub path: String,
}

/// The lines of one kind of reminder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub kind: ReminderKind,
    pub heading: &'static str,
    pub lines: Vec<Line>,
}

/// A member's digest for a day: the kinds they hear of that have something to say, in the
/// order of [`ReminderKind::ALL`]. No section means no mail.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Digest {
    pub sections: Vec<Section>,
}

impl Digest {
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// How many lines in all.
    pub fn count(&self) -> usize {
        self.sections.iter().map(|s| s.lines.len()).sum()
    }

    /// The lines of one kind.
    pub fn lines(&self, kind: ReminderKind) -> &[Line] {
        self.sections
            .iter()
            .find(|s| s.kind == kind)
            .map_or(&[], |s| s.lines.as_slice())
    }

    /// The subject: how much is due, by kind.
    pub fn subject(&self, day: Date) -> String {
        let parts: Vec<String> = self
            .sections
            .iter()
            .map(|section| {
                let n = section.lines.len();
                match (section.kind, n) {
                    (ReminderKind::Work, 1) => "1 work item due".to_string(),
                    (ReminderKind::Work, _) => format!("{n} work items due"),
                    (ReminderKind::Evidence, 1) => "1 evidence review".to_string(),
                    (ReminderKind::Evidence, _) => format!("{n} evidence reviews"),
                    (ReminderKind::Obligations, 1) => "1 law obligation coming".to_string(),
                    (ReminderKind::Obligations, _) => format!("{n} law obligations coming"),
                }
            })
            .collect();
        format!("aimsgap {day}: {}", parts.join(", "))
    }
}

/// The member among `members` whom an evidence item's free-text owner names: by e-mail
/// address or by name, ignoring case and surrounding space. `None` when it names nobody (or
/// nobody unambiguously), so that the item falls to the organisation's owners and editors.
pub fn owner_member<'a>(owner: Option<&str>, members: &'a [Member]) -> Option<&'a str> {
    let owner = owner.map(str::trim).filter(|o| !o.is_empty())?;
    let by_email = members
        .iter()
        .find(|m| m.user.email.eq_ignore_ascii_case(owner));
    if let Some(member) = by_email {
        return Some(&member.user.id);
    }
    let mut by_name = members
        .iter()
        .filter(|m| m.user.name.trim().to_lowercase() == owner.to_lowercase());
    match (by_name.next(), by_name.next()) {
        (Some(member), None) => Some(&member.user.id),
        _ => None,
    }
}

/// What `input.member` should hear of on `input.day`.
pub fn compose(input: &Input<'_>) -> Digest {
    let mut sections = Vec::new();
    for kind in ReminderKind::ALL {
        if !input.reminders.enabled(kind) {
            continue;
        }
        let (heading, lines) = match kind {
            ReminderKind::Work => ("Work due", work_lines(input)),
            ReminderKind::Evidence => ("Evidence to review", evidence_lines(input)),
            ReminderKind::Obligations => {
                ("Law obligations coming into force", obligation_lines(input))
            }
        };
        if !lines.is_empty() {
            sections.push(Section {
                kind,
                heading,
                lines,
            });
        }
    }
    Digest { sections }
}

fn of(name: &str, org: &str) -> String {
    format!("{name} ({org})")
}

fn work_lines(input: &Input<'_>) -> Vec<Line> {
    let mut lines: Vec<(Date, Line)> = Vec::new();
    for assigned in input.work {
        let item = &assigned.item;
        if item.owner_user.as_deref() != Some(input.member) {
            continue;
        }
        let Some(due_on) = item.due_date() else {
            continue;
        };
        let when = match due(item, input.day) {
            Due::Overdue => format!("overdue since {due_on}"),
            Due::ThisWeek if input.day.days_until(due_on) == 0 => format!("due today, {due_on}"),
            Due::ThisWeek => format!("due {due_on}"),
            Due::Later | Due::Done => continue,
        };
        let (what, path) = match item.target.split_once(':') {
            Some(("package", id)) => (
                format!("work package {id}"),
                format!("/assessments/{}/packages/{id}", assigned.assessment_id),
            ),
            Some((_, id)) => (
                format!("requirement {id}"),
                format!("/assessments/{}/requirements/{id}", assigned.assessment_id),
            ),
            None => continue,
        };
        lines.push((
            due_on,
            Line {
                text: format!(
                    "{what} of {}",
                    of(&assigned.assessment_name, &assigned.org_name)
                ),
                when,
                path,
            },
        ));
    }
    lines.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.path.cmp(&b.1.path)));
    lines.into_iter().map(|(_, line)| line).collect()
}

fn evidence_lines(input: &Input<'_>) -> Vec<Line> {
    let mut lines: Vec<(Date, Line)> = Vec::new();
    for register in input.evidence {
        for (item, owner) in &register.items {
            let mine = match owner {
                Some(owner) => owner == input.member,
                None => register.place.role.can_edit(),
            };
            if !mine {
                continue;
            }
            let Some(review) = item.review_date() else {
                continue;
            };
            let days = input.day.days_until(review);
            if days > EVIDENCE_DAYS {
                continue;
            }
            let when = if days < 0 {
                format!("review overdue since {review}")
            } else {
                format!("review by {review}")
            };
            lines.push((
                review,
                Line {
                    text: format!(
                        "{} in {}",
                        item.meta.title,
                        of(&register.place.assessment_name, &register.place.org_name)
                    ),
                    when,
                    path: format!(
                        "/assessments/{}/evidence/{}",
                        register.place.assessment_id, item.id
                    ),
                },
            ));
        }
    }
    lines.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.path.cmp(&b.1.path)));
    lines.into_iter().map(|(_, line)| line).collect()
}

fn obligation_lines(input: &Input<'_>) -> Vec<Line> {
    let mut lines: Vec<(Date, Line)> = Vec::new();
    for assessment in input.obligations {
        if !assessment.place.role.can_edit() {
            continue;
        }
        for system in &assessment.obligations {
            for item in &system.items {
                let days = input.day.days_until(item.applies_from);
                if !(0..=OBLIGATION_DAYS).contains(&days) {
                    continue;
                }
                let reference = if item.reference.is_empty() {
                    &item.id
                } else {
                    &item.reference
                };
                lines.push((
                    item.applies_from,
                    Line {
                        text: format!(
                            "{} {} ({}) for {} in {}",
                            system.law,
                            reference,
                            item.title,
                            system.system_name,
                            of(
                                &assessment.place.assessment_name,
                                &assessment.place.org_name
                            )
                        ),
                        when: if days == 0 {
                            format!("in force from today, {}", item.applies_from)
                        } else {
                            format!("in force from {}", item.applies_from)
                        },
                        path: format!("/assessments/{}/systems", assessment.place.assessment_id),
                    },
                ));
            }
        }
    }
    lines.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| a.1.path.cmp(&b.1.path))
            .then_with(|| a.1.text.cmp(&b.1.text))
    });
    lines.into_iter().map(|(_, line)| line).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aimsgap_assess::{Classification, ObligationItem, ObligationState};
    use aimsgap_store::{EvidenceMeta, User, WorkItem, WorkState};

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    const DAY: &str = "2026-12-02";
    const ME: &str = "u-me";

    fn place(role: Role) -> Place {
        Place {
            assessment_id: "a1".into(),
            assessment_name: "Chatbot".into(),
            org_name: "Acme".into(),
            role,
        }
    }

    fn work(target: &str, owner: &str, due_on: Option<&str>, state: WorkState) -> AssignedWork {
        AssignedWork {
            assessment_id: "a1".into(),
            assessment_name: "Chatbot".into(),
            org_id: "o1".into(),
            org_name: "Acme".into(),
            item: WorkItem {
                target: target.into(),
                owner_user: Some(owner.into()),
                owner_name: None,
                due: due_on.map(str::to_string),
                state,
                version: 1,
                updated_at: String::new(),
                updated_by: String::new(),
            },
        }
    }

    fn evidence(id: &str, review: Option<&str>) -> EvidenceItem {
        EvidenceItem {
            id: id.into(),
            assessment_id: "a1".into(),
            meta: EvidenceMeta {
                title: format!("Policy {id}"),
                kind: "approved_document".into(),
                review_by: review.map(str::to_string),
                ..EvidenceMeta::default()
            },
            file: None,
            version: 1,
            created_at: String::new(),
            updated_at: String::new(),
            updated_by: String::new(),
        }
    }

    fn obligation(id: &str, applies_from: &str) -> ObligationItem {
        ObligationItem {
            reference: format!("Art. {id}").into(),
            id: id.into(),
            title: format!("Duty {id}").into(),
            applies_from: date(applies_from),
            state: ObligationState::Upcoming,
            days_until: 0,
            supported_by: Default::default(),
            unverified: None,
            notes: Vec::new(),
            deadlines: Vec::new(),
        }
    }

    fn system(items: Vec<ObligationItem>) -> SystemObligations {
        SystemObligations {
            system: "bot".into(),
            system_name: "Support bot".into(),
            law: "eu-ai-act".into(),
            version: "2024/1689".into(),
            classification: Classification::HighRisk,
            tiers: Vec::new(),
            reasons: Vec::new(),
            items,
            permissions: Vec::new(),
        }
    }

    fn digest(
        reminders: Reminders,
        work: &[AssignedWork],
        evidence: &[EvidenceOf],
        obligations: &[ObligationsOf],
    ) -> Digest {
        compose(&Input {
            member: ME,
            day: date(DAY),
            reminders,
            work,
            evidence,
            obligations,
        })
    }

    fn whens(lines: &[Line]) -> Vec<&str> {
        lines.iter().map(|l| l.when.as_str()).collect()
    }

    #[test]
    fn work_due_within_7_days_or_overdue_and_not_done_is_listed() {
        let items = [
            work(
                "requirement:5.2",
                ME,
                Some("2026-11-01"),
                WorkState::InProgress,
            ),
            work(
                "requirement:5.3",
                ME,
                Some("2026-12-02"),
                WorkState::NotStarted,
            ),
            work("package:P1", ME, Some("2026-12-09"), WorkState::InReview),
            // One day past the edge, done work, no date, someone else's.
            work(
                "requirement:6.1",
                ME,
                Some("2026-12-10"),
                WorkState::NotStarted,
            ),
            work("requirement:6.2", ME, Some("2026-11-01"), WorkState::Done),
            work("requirement:6.3", ME, None, WorkState::NotStarted),
            work(
                "requirement:6.4",
                "u-other",
                Some("2026-12-03"),
                WorkState::NotStarted,
            ),
        ];
        let digest = digest(Reminders::default(), &items, &[], &[]);
        let lines = digest.lines(ReminderKind::Work);
        assert_eq!(
            whens(lines),
            [
                "overdue since 2026-11-01",
                "due today, 2026-12-02",
                "due 2026-12-09"
            ]
        );
        assert_eq!(lines[0].path, "/assessments/a1/requirements/5.2");
        assert_eq!(lines[2].path, "/assessments/a1/packages/P1");
        assert_eq!(lines[0].text, "requirement 5.2 of Chatbot (Acme)");
        assert_eq!(
            digest.subject(date(DAY)),
            "aimsgap 2026-12-02: 3 work items due"
        );
    }

    #[test]
    fn evidence_is_listed_from_30_days_before_its_review_date_and_after_it() {
        let register = EvidenceOf {
            place: place(Role::Viewer),
            items: vec![
                (evidence("e1", Some("2026-11-20")), Some(ME.into())),
                (evidence("e2", Some("2027-01-01")), Some(ME.into())),
                (evidence("e3", Some("2027-01-02")), Some(ME.into())),
                (evidence("e4", None), Some(ME.into())),
                (evidence("e5", Some("2026-12-05")), Some("u-other".into())),
            ],
        };
        let digest = digest(Reminders::default(), &[], &[register], &[]);
        let lines = digest.lines(ReminderKind::Evidence);
        assert_eq!(
            whens(lines),
            ["review overdue since 2026-11-20", "review by 2027-01-01"]
        );
        assert_eq!(lines[1].path, "/assessments/a1/evidence/e2");
        assert_eq!(lines[1].text, "Policy e2 in Chatbot (Acme)");
    }

    #[test]
    fn evidence_nobody_owns_goes_to_owners_and_editors_only() {
        let unowned = |role| EvidenceOf {
            place: place(role),
            items: vec![(evidence("e1", Some("2026-12-05")), None)],
        };
        for (role, expected) in [
            (Role::Owner, 1),
            (Role::Editor, 1),
            (Role::Viewer, 0),
            (Role::Auditor, 0),
        ] {
            let digest = digest(Reminders::default(), &[], &[unowned(role)], &[]);
            assert_eq!(digest.count(), expected, "{role:?}");
        }
    }

    #[test]
    fn obligations_coming_into_force_within_30_days_reach_owners_and_editors() {
        let obligations = |role| ObligationsOf {
            place: place(role),
            obligations: vec![system(vec![
                obligation("1", "2026-12-01"),
                obligation("2", "2026-12-02"),
                obligation("3", "2027-01-01"),
                obligation("4", "2027-01-02"),
            ])],
        };
        let digest_of = |role| digest(Reminders::default(), &[], &[], &[obligations(role)]);
        let owner = digest_of(Role::Owner);
        let lines = owner.lines(ReminderKind::Obligations);
        assert_eq!(
            whens(lines),
            [
                "in force from today, 2026-12-02",
                "in force from 2027-01-01"
            ]
        );
        assert_eq!(
            lines[0].text,
            "eu-ai-act Art. 2 (Duty 2) for Support bot in Chatbot (Acme)"
        );
        assert_eq!(lines[0].path, "/assessments/a1/systems");
        assert_eq!(digest_of(Role::Editor).count(), 2);
        assert!(digest_of(Role::Viewer).is_empty());
        assert!(digest_of(Role::Auditor).is_empty());
    }

    #[test]
    fn a_switched_off_kind_is_left_out_and_nothing_due_means_no_mail() {
        let items = [work(
            "requirement:5.2",
            ME,
            Some("2026-12-03"),
            WorkState::NotStarted,
        )];
        let register = EvidenceOf {
            place: place(Role::Owner),
            items: vec![(evidence("e1", Some("2026-12-05")), None)],
        };
        let all = digest(
            Reminders::default(),
            &items,
            std::slice::from_ref(&register),
            &[],
        );
        assert_eq!(
            all.sections.iter().map(|s| s.kind).collect::<Vec<_>>(),
            [ReminderKind::Work, ReminderKind::Evidence]
        );
        assert_eq!(
            all.subject(date(DAY)),
            "aimsgap 2026-12-02: 1 work item due, 1 evidence review"
        );
        let no_work = Reminders {
            work: false,
            ..Reminders::default()
        };
        let some = digest(no_work, &items, std::slice::from_ref(&register), &[]);
        assert_eq!(
            some.sections.iter().map(|s| s.kind).collect::<Vec<_>>(),
            [ReminderKind::Evidence]
        );
        let none = Reminders {
            work: false,
            evidence: false,
            obligations: true,
        };
        assert!(digest(none, &items, &[register], &[]).is_empty());
        assert!(digest(Reminders::default(), &[], &[], &[]).is_empty());
    }

    #[test]
    fn an_evidence_owner_names_a_member_by_address_or_by_a_name_only_one_has() {
        let member = |id: &str, email: &str, name: &str| Member {
            user: User {
                id: id.into(),
                email: email.into(),
                name: name.into(),
            },
            role: Role::Editor,
        };
        let members = [
            member("u1", "ana@example.org", "Ana"),
            member("u2", "bo@example.org", "Bo"),
            member("u3", "bo2@example.org", "Bo"),
        ];
        assert_eq!(
            owner_member(Some(" ANA@example.org "), &members),
            Some("u1")
        );
        assert_eq!(owner_member(Some("ana"), &members), Some("u1"));
        assert_eq!(
            owner_member(Some("Bo"), &members),
            None,
            "two members named Bo"
        );
        assert_eq!(owner_member(Some("bo2@example.org"), &members), Some("u3"));
        assert_eq!(owner_member(Some("Jane (consultant)"), &members), None);
        assert_eq!(owner_member(Some("  "), &members), None);
        assert_eq!(owner_member(None, &members), None);
    }
}
