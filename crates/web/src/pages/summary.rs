//! The views of a result that two pages share: the summary (declared against evidenced
//! readiness and what to attach, the verdict, what the certifications are worth, the top gaps
//! and next actions rolled up into work packages; `templates/partials/summary.html`) and the
//! obligations of the AI systems (`templates/partials/obligations.html`: each system's
//! classification, then every obligation by state and date with what each state means). The
//! quick result and a stored assessment's overview show the same summary; the inventory shows
//! the obligations. Ids become the catalog's labels here (a law version's title, a vocabulary
//! entry's title, a system's name), and dates read as people say them ("in 3 months").

use super::layout::framework_label;
use aimsgap_assess::{AnswerStatus, AssessmentResult, Basis, Gap, ObligationState};
use aimsgap_catalog::{Catalog, Date, Framework};

/// Reasons of the verdict shown before the rest folds away, so the gaps stay near the top.
const REASONS_SHOWN: usize = 3;

/// Items of what to attach listed before the rest fold away.
const ATTACH_SHOWN: usize = 10;

/// Work packages listed among the top gaps; the full report ranks the rest.
const PACKAGES_SHOWN: usize = 10;

#[derive(Debug)]
pub struct Summary {
    pub point: f64,
    pub lo: f64,
    pub hi: f64,
    pub met: usize,
    pub counted: usize,
    pub gaps_open: usize,
    pub blockers: usize,
    pub stage1: Date,
    pub stage2: Date,
    pub ready: bool,
    pub reasons: Vec<String>,
    pub more_reasons: Vec<String>,
    pub baseline: Vec<Baseline>,
    /// What the answers claim against what evidence backs, and what to attach.
    pub claims: ClaimsView,
    /// The top gaps, rolled up into the work packages that close them.
    pub packages: Vec<PackageLine>,
    pub more_packages: usize,
    /// The next actions, one line per work package.
    pub actions: Vec<Action>,
    /// The obligations of every AI system by state; the partial shows them beside the
    /// classifications.
    pub states: Vec<StateGroup>,
    /// The assessment's address in the workspace, so requirements link to their pages;
    /// `None` for the quick result, which has no pages of its own.
    pub link: Option<String>,
}

/// What one certification is worth on its own.
#[derive(Debug)]
pub struct Baseline {
    pub framework: String,
    pub point: f64,
    pub lo: f64,
    pub hi: f64,
    pub reached: usize,
    pub counted: usize,
    pub derivation: Vec<String>,
}

/// Readiness if every answer holds against what evidence and held certifications back.
#[derive(Debug)]
pub struct ClaimsView {
    /// 0..100: readiness if every answer holds.
    pub declared: f64,
    /// 0..100: what evidence and held certifications back.
    pub evidenced: f64,
    pub declared_requirements: usize,
    pub evidenced_requirements: usize,
    pub inherited_requirements: usize,
    /// What to attach, blockers first, then by gain.
    pub to_attach: Vec<AttachLine>,
    pub more_to_attach: Vec<AttachLine>,
}

/// One requirement whose answer claims more than its evidence shows.
#[derive(Debug)]
pub struct AttachLine {
    pub id: String,
    pub title: String,
    /// The answer in words: "implemented", "partly implemented".
    pub answer: String,
    /// What an auditor expects to see.
    pub expected: String,
    pub blocker: bool,
    /// Readiness points at the low end the evidence would add.
    pub gain: f64,
}

impl ClaimsView {
    fn of(result: &AssessmentResult) -> ClaimsView {
        let claims = &result.claims;
        let mut lines = claims.to_attach.iter().map(|attach| AttachLine {
            id: attach.id.clone(),
            title: attach.title.clone(),
            answer: answer_words(attach.answer),
            expected: attach.expected.clone(),
            blocker: attach.blocker,
            gain: attach.gain,
        });
        ClaimsView {
            declared: claims.declared,
            evidenced: claims.evidenced,
            declared_requirements: claims.declared_requirements,
            evidenced_requirements: claims.evidenced_requirements,
            inherited_requirements: claims.inherited_requirements,
            to_attach: lines.by_ref().take(ATTACH_SHOWN).collect(),
            more_to_attach: lines.collect(),
        }
    }
}

/// An answer as people say it.
pub fn answer_words(answer: AnswerStatus) -> String {
    match answer {
        AnswerStatus::Partial => "partly implemented".to_string(),
        other => other.as_str().replace('_', " "),
    }
}

/// How a requirement's figure is backed, where that changes how to read its status: credit
/// inherited from a certificate, or an answer without the evidence to back it.
pub fn basis_words(basis: Basis) -> &'static str {
    match basis {
        Basis::Inherited | Basis::Declared | Basis::Planned => basis.words(),
        _ => "",
    }
}

/// The basis words of the requirement `id`, or nothing.
fn basis_of(result: &AssessmentResult, id: &str) -> &'static str {
    result
        .requirements
        .iter()
        .find(|r| r.id == id)
        .map_or("", |r| basis_words(r.basis))
}

/// One requirement beneath a work package.
#[derive(Debug)]
pub struct Member {
    pub id: String,
    pub title: String,
    pub blocker: bool,
    /// How its figure is backed, when that matters ("inherited, verify for AI").
    pub basis: &'static str,
    /// What to do about it.
    pub action: String,
}

/// One work package among the top gaps: one deliverable, the requirements it closes beneath.
#[derive(Debug)]
pub struct PackageLine {
    pub id: String,
    pub title: String,
    pub blocker: bool,
    /// Why its most urgent gap ranks where it does.
    pub why: String,
    pub next_action: String,
    pub effort_days: f64,
    /// "inherited, verify for AI" when credit of a requirement in it comes from a certificate:
    /// a blocker a certificate covers is never shown without that word.
    pub basis: &'static str,
    pub requirements: Vec<Member>,
}

/// The basis words a line of several requirements carries: inherited when any is.
fn line_basis(members: &[Member]) -> &'static str {
    let inherited = basis_words(Basis::Inherited);
    if members.iter().any(|m| m.basis == inherited) {
        inherited
    } else {
        ""
    }
}

/// The next actions of one work package.
#[derive(Debug)]
pub struct Action {
    pub id: String,
    pub title: String,
    pub blocker: bool,
    pub action: String,
    pub gain: f64,
    pub effort_days: f64,
    /// "inherited, verify for AI" when a requirement in it inherits its credit.
    pub basis: &'static str,
    /// The actions of each requirement, when the package has more than one.
    pub requirements: Vec<Member>,
}

impl Summary {
    pub fn of(catalog: &Catalog, result: &AssessmentResult) -> Summary {
        let readiness = &result.readiness;
        let reasons = &result.verdict.reasons;
        Summary {
            point: readiness.point,
            lo: readiness.lo,
            hi: readiness.hi,
            met: readiness.met,
            counted: readiness.counted,
            gaps_open: result.gaps.len(),
            blockers: result.gaps.iter().filter(|g| g.blocker).count(),
            stage1: result.roadmap.stage1_date,
            stage2: result.roadmap.stage2_date,
            ready: result.verdict.ready_for_stage1,
            reasons: reasons.iter().take(REASONS_SHOWN).cloned().collect(),
            more_reasons: reasons.iter().skip(REASONS_SHOWN).cloned().collect(),
            baseline: result
                .baseline
                .iter()
                .map(|baseline| Baseline {
                    framework: framework_label(catalog, &baseline.framework),
                    point: baseline.point,
                    lo: baseline.lo,
                    hi: baseline.hi,
                    reached: baseline.reached,
                    counted: baseline.counted,
                    derivation: baseline.derivation.clone(),
                })
                .collect(),
            claims: ClaimsView::of(result),
            packages: packages(catalog, result),
            more_packages: result.work_packages.len().saturating_sub(PACKAGES_SHOWN),
            actions: actions(result),
            states: by_state(catalog, result),
            link: None,
        }
    }

    /// The summary of a stored assessment at `base` (`/assessments/<id>`): its requirements
    /// link to their pages.
    pub fn linked(mut self, base: String) -> Summary {
        self.link = Some(base);
        self
    }
}

/// The top work packages, ranked, each with its gaps beneath in rank order.
fn packages(catalog: &Catalog, result: &AssessmentResult) -> Vec<PackageLine> {
    let mut ranked: Vec<&aimsgap_assess::WorkPackage> = result.work_packages.iter().collect();
    ranked.sort_by_key(|package| package.rank);
    ranked
        .into_iter()
        .take(PACKAGES_SHOWN)
        .map(|package| {
            let gaps: Vec<&Gap> = result
                .gaps
                .iter()
                .filter(|gap| gap.package == package.id)
                .collect();
            let requirements: Vec<Member> = gaps
                .iter()
                .map(|gap| Member {
                    id: gap.id.to_string(),
                    title: gap.title.to_string(),
                    blocker: gap.blocker,
                    basis: basis_of(result, &gap.id),
                    action: gap.next_action.clone(),
                })
                .collect();
            PackageLine {
                id: package.id.clone(),
                title: package.title.clone(),
                blocker: package.blocker,
                why: gaps
                    .first()
                    .map(|gap| why(catalog, result, gap).join("; "))
                    .unwrap_or_default(),
                next_action: package.next_action.clone(),
                effort_days: package.effort_days,
                basis: line_basis(&requirements),
                requirements,
            }
        })
        .collect()
}

/// The next actions, one line per work package in the order of its first action; the gains
/// and efforts of its requirements add up.
fn actions(result: &AssessmentResult) -> Vec<Action> {
    let mut lines: Vec<Action> = Vec::new();
    for action in &result.next_actions {
        let member = Member {
            id: action.id.to_string(),
            title: result
                .gaps
                .iter()
                .find(|gap| gap.id == action.id)
                .map(|gap| gap.title.clone())
                .unwrap_or_default()
                .to_string(),
            blocker: action.blocker,
            basis: basis_of(result, &action.id),
            action: action.action.clone(),
        };
        if let Some(line) = lines.iter_mut().find(|line| line.id == action.package) {
            line.blocker |= action.blocker;
            line.gain += action.gain;
            line.effort_days += action.effort_days;
            line.requirements.push(member);
            continue;
        }
        let package = result
            .work_packages
            .iter()
            .find(|package| package.id == action.package);
        lines.push(Action {
            id: if action.package.is_empty() {
                action.id.to_string()
            } else {
                action.package.clone()
            },
            title: package.map_or_else(|| member.title.clone(), |p| p.title.clone()),
            blocker: action.blocker,
            action: action.action.clone(),
            gain: action.gain,
            effort_days: action.effort_days,
            basis: "",
            requirements: vec![member],
        });
    }
    for line in &mut lines {
        line.basis = line_basis(&line.requirements);
        // Several requirements: the package says what to do; one: its own action stands.
        if line.requirements.len() > 1
            && let Some(package) = result.work_packages.iter().find(|p| p.id == line.id)
        {
            line.action = package.next_action.clone();
        }
    }
    lines
}

/// Why a gap ranks where it does, in words, from its factors.
fn why(catalog: &Catalog, result: &AssessmentResult, gap: &Gap) -> Vec<String> {
    let f = &gap.factors;
    let mut reasons = Vec::new();
    if gap.blocker {
        reasons.push("a certification blocker: a Stage 1 auditor checks it first".to_string());
    }
    if f.regulatory >= 0.6 && !f.obligations.is_empty() {
        reasons.push(format!(
            "supports legal obligations due soon or already in force ({})",
            f.obligations
                .iter()
                .map(|o| obligation_label(catalog, o))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if f.system_risk >= 0.7 && !f.systems.is_empty() {
        reasons.push(format!(
            "concerns a high-risk AI system ({})",
            f.systems
                .iter()
                .map(|s| system_name(result, s))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if f.size >= 0.8 {
        reasons.push("little or nothing of it is in place".to_string());
    }
    if f.waiting > 0 {
        reasons.push(format!("{} other tasks wait on it", f.waiting));
    }
    if reasons.is_empty() {
        reasons.push(format!("priority {:.0} of 100", gap.priority));
    }
    reasons
}

/// An obligation as a gap names it (`eu-ai-act:art-43-1`), as people read it: the law's short
/// name and the article ("EU AI Act Art. 43(1)").
fn obligation_label(catalog: &Catalog, key: &str) -> String {
    let Some((law, id)) = key.split_once(':') else {
        return key.to_string();
    };
    let article = catalog
        .framework(law)
        .and_then(|f| f.get(id))
        .and_then(|r| r.obligation.as_ref())
        .map_or_else(|| id.to_string(), |o| o.article.clone());
    format!("{} {article}", framework_label(catalog, law))
}

/// An AI system's name from its id.
pub fn system_name(result: &AssessmentResult, id: &str) -> String {
    result
        .obligations
        .iter()
        .find(|o| o.system == id)
        .map_or_else(|| id.to_string(), |o| o.system_name.clone())
}

/// How one AI system is classified under one law, and why.
#[derive(Debug)]
pub struct SystemObligations {
    pub system: String,
    pub law: String,
    /// The version of the law that governs, by its title, when the law has versions.
    pub version: Option<String>,
    pub classification: String,
    pub reasons: Vec<String>,
    /// How many obligations bind the system under this law.
    pub count: usize,
    /// What the law allows rather than demands ("may"), as "reference title": never counted.
    pub permissions: Vec<String>,
}

/// The classification of each AI system under each law, in plain labels.
pub fn obligations(catalog: &Catalog, result: &AssessmentResult) -> Vec<SystemObligations> {
    result
        .obligations
        .iter()
        .map(|o| {
            let law = catalog.framework(&o.law);
            SystemObligations {
                system: o.system_name.clone(),
                law: framework_label(catalog, &o.law),
                version: law
                    .and_then(|law| law.law_version(&o.version))
                    .map(|version| version.title.clone()),
                classification: o.classification.as_str().replace('_', " "),
                reasons: o
                    .reasons
                    .iter()
                    .map(|reason| plain(catalog, law, reason))
                    .collect(),
                count: o.items.len(),
                permissions: o
                    .permissions
                    .iter()
                    .map(|p| format!("{} {}", p.reference, p.title))
                    .collect(),
            }
        })
        .collect()
}

/// The states of an obligation in the order a reader should act on them, with what each
/// means in plain words (the rules are in `aimsgap_assess::law`).
const STATES: [(ObligationState, &str, &str); 5] = [
    (
        ObligationState::Violation,
        "violation",
        "The system does something the law bans, and the ban already applies: stop that use now.",
    ),
    (
        ObligationState::Overdue,
        "overdue",
        "The obligation already applies, and at least one ISO/IEC 42001 requirement that supports it is still a gap or unanswered: close it first.",
    ),
    (
        ObligationState::Upcoming,
        "upcoming",
        "The obligation applies from a date still to come: the time left is shown beside it.",
    ),
    (
        ObligationState::InForce,
        "in force",
        "The obligation already applies, and none of the requirements that support it is an open gap: keep it running and keep the evidence.",
    ),
    (
        ObligationState::Stayed,
        "stayed",
        "The date has passed, but a court or the legislature has paused enforcement: it binds nobody today, and may come back.",
    ),
];

/// Obligations in one state, by the date they apply from.
#[derive(Debug)]
pub struct StateGroup {
    /// The state's code, for the badge's class: `in_force`.
    pub code: &'static str,
    /// The state in words: `in force`.
    pub label: &'static str,
    /// What the state means.
    pub meaning: &'static str,
    /// How many obligations are in this state.
    pub count: usize,
    pub dates: Vec<DateRow>,
}

/// The obligations in one state that apply from one date.
#[derive(Debug)]
pub struct DateRow {
    pub applies_from: Date,
    /// The date as people say it against the as-of date: "in 3 months", "2 days ago".
    pub when: String,
    /// The first few obligations; the rest fold away.
    pub shown: Vec<Obligation>,
    pub more: Vec<Obligation>,
}

/// Obligations of one date shown before the rest fold away.
const OBLIGATIONS_SHOWN: usize = 4;

/// One obligation, with every AI system it binds in the same state and on the same date.
#[derive(Debug)]
pub struct Obligation {
    /// The law's short name and the article: "EU AI Act Art. 50(1)".
    pub reference: String,
    pub title: String,
    /// The reporting deadlines in one sentence, when the obligation has them.
    pub deadlines: Option<String>,
    /// The names of the AI systems it binds.
    pub systems: String,
}

/// The obligations of every AI system, grouped by state (most urgent first) and within each
/// state by the date they apply from; one obligation binding several systems is one line.
pub fn by_state(catalog: &Catalog, result: &AssessmentResult) -> Vec<StateGroup> {
    STATES
        .iter()
        .filter_map(|&(state, label, meaning)| {
            // (date, days until it, law, obligation id, the line)
            let mut items: Vec<(Date, i64, &str, &str, Obligation)> = Vec::new();
            for system in &result.obligations {
                for item in system.items.iter().filter(|item| item.state == state) {
                    let same = items.iter_mut().find(|(date, _, law, id, _)| {
                        *law == system.law && *id == &*item.id && *date == item.applies_from
                    });
                    match same {
                        Some((_, _, _, _, line)) => {
                            line.systems.push_str(", ");
                            line.systems.push_str(&system.system_name);
                        }
                        None => items.push((
                            item.applies_from,
                            item.days_until,
                            system.law.as_str(),
                            &*item.id,
                            Obligation {
                                reference: format!(
                                    "{} {}",
                                    framework_label(catalog, &system.law),
                                    item.reference
                                ),
                                title: item.title.to_string(),
                                deadlines: item.deadline_sentence(),
                                systems: system.system_name.clone(),
                            },
                        )),
                    }
                }
            }
            if items.is_empty() {
                return None;
            }
            // A stable sort keeps the catalog's order within a date.
            items.sort_by_key(|(date, ..)| *date);
            let count = items.len();
            let mut dates: Vec<DateRow> = Vec::new();
            for (date, days, _, _, line) in items {
                match dates.last_mut() {
                    Some(row) if row.applies_from == date => {
                        if row.shown.len() < OBLIGATIONS_SHOWN {
                            row.shown.push(line);
                        } else {
                            row.more.push(line);
                        }
                    }
                    _ => dates.push(DateRow {
                        applies_from: date,
                        when: relative(days),
                        shown: vec![line],
                        more: Vec::new(),
                    }),
                }
            }
            Some(StateGroup {
                code: state.as_str(),
                label,
                meaning,
                count,
                dates,
            })
        })
        .collect()
}

/// A number of days from the as-of date as people say it: "today", "in 1 day", "in 3 weeks",
/// "in 3 months", "2 years ago". Weeks below two months, months below two years.
pub fn relative(days: i64) -> String {
    let span = days.unsigned_abs();
    if span == 0 {
        return "today".to_string();
    }
    let (count, unit) = if span < 14 {
        (span, "day")
    } else if span < 60 {
        ((span + 3) / 7, "week")
    } else if span < 730 {
        ((span * 10 + 152) / 304, "month")
    } else {
        ((span * 10 + 1826) / 3652, "year")
    };
    let unit = if count == 1 {
        unit.to_string()
    } else {
        format!("{unit}s")
    };
    if days > 0 {
        format!("in {count} {unit}")
    } else {
        format!("{count} {unit} ago")
    }
}

/// The title of an entry of one of a law's vocabularies (an Annex III area, a consequential
/// decision), or the id itself when the law has no such entry.
pub fn list_title(law: Option<&Framework>, id: &str) -> String {
    law.and_then(|law| {
        law.lists
            .iter()
            .flat_map(|(_, entries)| entries)
            .find(|entry| entry.id == id)
    })
    .map_or_else(|| id.replace('_', " "), |entry| entry.title.clone())
}

/// The title of an entry of a named vocabulary (`annex_iii_areas`, `consequential_decisions`)
/// in whichever framework of the catalog defines it, or the id in words.
pub fn vocabulary_title(catalog: &Catalog, list: &str, id: &str) -> String {
    catalog
        .frameworks
        .iter()
        .filter_map(|framework| framework.list(list))
        .flatten()
        .find(|entry| entry.id == id)
        .map_or_else(|| id.replace('_', " "), |entry| entry.title.clone())
}

/// A reason the engine gave, with the ids in it turned into the catalog's labels: a quoted
/// vocabulary entry (`` `employment` ``) becomes its title, a law version (`sb24-205`) its
/// title, a framework id its name.
fn plain(catalog: &Catalog, law: Option<&Framework>, reason: &str) -> String {
    reason
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                list_title(law, part)
            } else {
                part.split(' ')
                    .map(|word| {
                        if let Some(version) = law.and_then(|law| law.law_version(word)) {
                            version.title.clone()
                        } else if catalog.framework(word).is_some() {
                            framework_label(catalog, word)
                        } else {
                            word.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::relative;

    #[test]
    fn days_read_as_people_say_them() {
        for (days, text) in [
            (0, "today"),
            (1, "in 1 day"),
            (-1, "1 day ago"),
            (3, "in 3 days"),
            (-2, "2 days ago"),
            (13, "in 13 days"),
            (14, "in 2 weeks"),
            (20, "in 3 weeks"),
            (59, "in 8 weeks"),
            (60, "in 2 months"),
            (91, "in 3 months"),
            (368, "in 12 months"),
            (-665, "22 months ago"),
            (730, "in 2 years"),
            (-1100, "3 years ago"),
        ] {
            assert_eq!(relative(days), text, "{days}");
        }
    }
}
