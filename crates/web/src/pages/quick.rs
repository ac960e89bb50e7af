//! The quick assessment: no account, nothing stored. Four short steps of plain GET forms whose
//! answers travel in the query string (each step repeats the earlier answers as hidden fields),
//! then the result, computed by the engine from an [`Assessment`] built here in code.
//! `POST /api/v1/quick` (`api/quick.rs`) takes the same answers as JSON and reads them into
//! the same [`QuickInput`], so the page and the API cannot drift apart.
//!
//! **What is asked.** [`QUESTIONS`] together reach every ISO/IEC 42001 clause 4 to 10 and every
//! Annex A objective A.2 to A.10: each question answers one or more catalog ids, and an answer
//! on a clause or objective governs every requirement beneath it. A question is not asked when
//! the certifications held already cover it ([`covered_by_certifications`]); its requirements
//! then carry inherited credit, to verify for the AI scope. Only what applies is asked: the
//! SOC 2 categories only with a SOC 2 report, the AI-scope question only with a certificate or
//! report, the EU questions of an AI system only with the EU among the jurisdictions, the
//! consequential-decision one only with Colorado, Illinois, New York City or South Korea.
//! Jurisdictions are asked once, for the organisation, and apply to every AI system: the quick
//! assessment is a first map, asking the same places again for each system invited answers that
//! disagreed (a provider ticking the EU for the organisation but not for its system got no EU
//! obligations). The workspace keeps markets per system for those who need them.
//!
//! **Validation.** Each step checks the steps before it ([`QuickInput::problems`]); a step
//! with a problem comes back with status 422 and the message at each field (linked from a
//! summary at the top), with everything entered kept. 422 rather than 200 because the request
//! was understood but its answers are incomplete: tools and tests can tell a refused step from
//! a shown one, and browsers show the page either way. The AI-scope question is a follow-up:
//! the certifications step comes back once (200) to ask it when a certificate is held.

use super::account::NewAccount;
use super::layout::{Choice, Frame, choices, field_id, pct, query_string, render, see_other};
use super::summary::{self, Summary, SystemObligations};
use super::{PageResult, status_of, visitor_token, with_cookie};
use crate::api;
use crate::auth::{Auth, MaybeAuth, Via, identify, read_form};
use crate::error::{ApiError, ApiResult};
use crate::{AppState, security};
use aimsgap_assess::rules;
use aimsgap_assess::{
    AiSystem, Answer, AnswerStatus, Assessment, AssessmentResult, Certification,
    CertificationStatus, Organization, ReportType, SystemRole, TrustCategory,
};
use aimsgap_catalog::{Catalog, Date};
use aimsgap_wire::api as w;
use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

/// Jurisdictions offered, with the codes the law catalogs use.
pub(crate) const JURISDICTIONS: &[(&str, &str)] = &[
    ("EU", "European Union"),
    ("US", "United States"),
    ("US-CO", "Colorado (US)"),
    ("US-IL", "Illinois (US)"),
    ("US-NY-NYC", "New York City (US)"),
    ("US-TX", "Texas (US)"),
    ("KR", "South Korea"),
    ("UK", "United Kingdom"),
];

/// The jurisdiction whose AI law asks about Annex III areas and general-purpose models.
const EU: &str = "EU";
/// The jurisdictions whose AI laws ask about consequential decisions: Colorado's, the employment
/// laws of Illinois and New York City, and Korea's, whose high-impact domains include judgements
/// about people such as hiring and lending.
const DECISIONS: &[&str] = &["US-CO", "US-IL", "US-NY-NYC", "KR"];

/// Size bands, each with the head count that stands for it (it scales effort estimates).
const SIZES: &[(u32, &str)] = &[
    (25, "1 to 49 people"),
    (150, "50 to 249"),
    (500, "250 to 999"),
    (2000, "1,000 to 4,999"),
    (6000, "5,000 or more"),
];

/// Team bands: people working on the AI management system, with the full-time equivalents
/// that stand for each (it sets the pace of the roadmap).
const TEAMS: &[(&str, f64, &str)] = &[
    ("0.5", 0.5, "Part of one person's time"),
    ("1", 1.0, "One person"),
    ("2", 2.0, "Two people"),
    ("4", 4.0, "Three to five people"),
    ("8", 8.0, "Six or more"),
];

/// At most this many AI systems in a quick assessment.
pub(crate) const MAX_SYSTEMS: usize = 3;

/// Longest text kept from a field.
const MAX_TEXT: usize = aimsgap_wire::limits::MAX_NAME_CHARS;

/// One question of step 4: its reply answers every catalog id of `answers`.
#[derive(Debug)]
pub struct Question {
    /// Stable: the form field is `q_<id>`, the API's reply key is the id.
    pub id: &'static str,
    pub text: &'static str,
    pub hint: &'static str,
    /// The ISO/IEC 42001 clauses, requirements and Annex A objectives its reply answers.
    /// Invariants (tested): they exist, no two questions answer the same requirement, and
    /// together they reach every requirement of clauses 4 to 10 and Annex A.
    pub answers: &'static [&'static str],
}

pub const QUESTIONS: &[Question] = &[
    Question {
        id: "scope",
        text: "Is the scope of your AI management system written down and approved?",
        hint: "Which AI systems, teams, sites and interfaces it covers, and what it leaves out and why.",
        answers: &["4.3"],
    },
    Question {
        id: "policy",
        text: "Has top management approved an AI policy that fits with your other policies?",
        hint: "A policy that sets the direction for AI, commits to meeting requirements and to improving, is communicated, and is reviewed on a schedule.",
        answers: &["5.2", "A.2"],
    },
    Question {
        id: "risk",
        text: "Do you assess the risks of your AI systems with a defined, repeatable method?",
        hint: "Criteria for acceptable risk, then finding, analysing and rating the risks of each AI system, again when things change, with the results kept.",
        answers: &["6.1.1", "6.1.2", "8.2"],
    },
    Question {
        id: "treatment",
        text: "Do you decide how to treat each AI risk and record the controls you chose in a Statement of Applicability?",
        hint: "Treatment options and owners, the controls you need checked against the Annex A list, and which controls you include or leave out and why.",
        answers: &["6.1.3", "8.3"],
    },
    Question {
        id: "impact",
        text: "Do you assess how your AI systems could affect people and society?",
        hint: "An impact assessment per AI system for individuals, groups and society, repeated when the system changes, with the results kept.",
        answers: &["6.1.4", "8.4", "A.5"],
    },
    Question {
        id: "objectives",
        text: "Have you set measurable AI objectives, with plans to reach them and to manage changes?",
        hint: "Objectives that follow from the AI policy, who does what by when, how progress is measured, and changes to the management system made to plan.",
        answers: &["6.2", "6.3"],
    },
    Question {
        id: "audit",
        text: "Does an internal audit programme cover the AI management system?",
        hint: "Audits at planned intervals against ISO/IEC 42001 by impartial auditors, with results reported to management.",
        answers: &["9.2"],
    },
    Question {
        id: "review",
        text: "Does top management review the AI management system on a set schedule?",
        hint: "Reviews on a set agenda, with decisions on improvements and changes recorded.",
        answers: &["9.3"],
    },
    Question {
        id: "context",
        text: "Have you worked out what shapes your use of AI: the issues you face, who has a stake in it and what they expect?",
        hint: "A record of internal and external issues, interested parties and their requirements, and how the management system is set up to meet them.",
        answers: &["4.1", "4.2", "4.4"],
    },
    Question {
        id: "leadership",
        text: "Are roles and responsibilities for AI assigned, with a way for staff to raise concerns?",
        hint: "Top management backs the management system; named people own AI risks, systems and reporting; concerns can be raised safely.",
        answers: &["5.1", "5.3", "A.3"],
    },
    Question {
        id: "support",
        text: "Are the people, skills, tools, data and computing your AI work needs in place and documented?",
        hint: "Competence and awareness of staff, communication inside and out, controlled documents and records, and a list of the resources each AI system uses.",
        answers: &["7", "A.4"],
    },
    Question {
        id: "lifecycle",
        text: "Do you build or run your AI systems through a defined life cycle?",
        hint: "Requirements, design, verification and validation, release, monitoring in operation and event logs, documented at each stage; for bought systems, the stages you control.",
        answers: &["8.1", "A.6"],
    },
    Question {
        id: "data",
        text: "Do you know where the data for your AI systems comes from and whether it is fit for its use?",
        hint: "How data is acquired, its quality, provenance and preparation, for training, testing and operation.",
        answers: &["A.7"],
    },
    Question {
        id: "users",
        text: "Do users and others affected get the information they need, and are your AI systems used only as intended?",
        hint: "Documentation for users, how incidents are reported and to whom, and rules for responsible use within each system's intended purpose.",
        answers: &["A.8", "A.9"],
    },
    Question {
        id: "suppliers",
        text: "Are responsibilities for AI shared clearly with suppliers, partners and customers?",
        hint: "Who does what across the AI supply chain, how suppliers are chosen and checked, and what customers are told and expect.",
        answers: &["A.10"],
    },
    Question {
        id: "monitoring",
        text: "Do you measure how the AI management system performs and fix what goes wrong?",
        hint: "Monitoring and evaluation of the management system and its AI systems, corrective action on nonconformities, and continual improvement.",
        answers: &["9.1", "10"],
    },
];

/// Whether `id` is `clause` or lies beneath it (`5.2.a` and `5.2-1` under `5.2`).
fn under(id: &str, clause: &str) -> bool {
    id == clause || rules::is_beneath(id, clause)
}

impl Question {
    /// It asks about a certification blocker (`rules::BLOCKER_CLAUSES`).
    pub fn blocker(&self) -> bool {
        self.answers.iter().any(|answer| {
            rules::BLOCKER_CLAUSES
                .iter()
                .any(|blocker| under(blocker, answer) || under(answer, blocker))
        })
    }

    /// Whether its reply answers requirement `id`.
    pub fn reaches(&self, id: &str) -> bool {
        self.answers.iter().any(|answer| under(id, answer))
    }

    pub fn find(id: &str) -> Option<&'static Question> {
        QUESTIONS.iter().find(|q| q.id == id)
    }
}

/// A question is covered by the certifications, and not asked, when they give its
/// requirements at least this mean inherited credit (high end) with the certified scope taken
/// to include the AI systems: three quarters of what inheritance can ever give.
pub const LITTLE_CREDIT: f64 = 0.75 * rules::INHERITED_CAP;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Iso {
    No,
    InProgress,
    Certified,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Soc2 {
    No,
    Type1,
    Type2,
}

/// The answer to "does the certified scope include your AI systems?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Yes,
    No,
    Unsure,
}

/// An answer of step 4; "not sure" is no answer at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reply {
    Yes,
    Partly,
    No,
    Unsure,
}

impl Reply {
    const ALL: [(Reply, &'static str, &'static str); 4] = [
        (Reply::Yes, "yes", "Yes"),
        (Reply::Partly, "partly", "Partly"),
        (Reply::No, "no", "No"),
        (Reply::Unsure, "unsure", "Not sure"),
    ];

    fn parse(text: &str) -> Option<Reply> {
        Reply::ALL
            .iter()
            .find(|(_, word, _)| *word == text)
            .map(|(r, _, _)| *r)
    }

    fn word(self) -> &'static str {
        Reply::ALL
            .iter()
            .find(|(r, _, _)| *r == self)
            .map_or("unsure", |(_, word, _)| word)
    }

    fn status(self) -> Option<AnswerStatus> {
        match self {
            Reply::Yes => Some(AnswerStatus::Implemented),
            Reply::Partly => Some(AnswerStatus::Partial),
            Reply::No => Some(AnswerStatus::NotImplemented),
            Reply::Unsure => None,
        }
    }

    fn of_wire(reply: w::QuickReply) -> Reply {
        match reply {
            w::QuickReply::Yes => Reply::Yes,
            w::QuickReply::Partly => Reply::Partly,
            w::QuickReply::No => Reply::No,
            w::QuickReply::Unsure => Reply::Unsure,
        }
    }
}

/// What an AI system does, asked as one group of boxes to tick.
const TRAITS: &[(&str, &str)] = &[
    ("people", "It talks or chats with people directly"),
    ("content", "It generates text, images, audio or video"),
    (
        "gpai",
        "It is a general-purpose AI model that we provide to others",
    ),
];

/// One AI system as the quick assessment asks about it.
#[derive(Clone, Debug, Default, PartialEq)]
struct QuickSystem {
    name: String,
    role: Option<SystemRole>,
    people: bool,
    content: bool,
    gpai: bool,
    annex_iii: Option<String>,
    /// The Annex III point, asked with the area. Invariant: a point of `annex_iii`.
    point: Option<String>,
    decision: Option<String>,
}

impl QuickSystem {
    /// Something was entered for it besides its name.
    fn touched(&self) -> bool {
        self.role.is_some()
            || self.people
            || self.content
            || self.gpai
            || self.annex_iii.is_some()
            || self.decision.is_some()
    }
}

/// A problem with the answers: the step and form field it concerns, the field's path in the
/// API's request, and a sentence for people.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Problem {
    pub step: usize,
    pub field: String,
    pub path: String,
    pub message: String,
}

/// Every answer of the quick assessment as entered: unknown values are dropped, texts cut.
#[derive(Clone, Debug, PartialEq)]
pub struct QuickInput {
    org_name: String,
    employees: Option<u32>,
    team_fte: Option<f64>,
    jurisdictions: Vec<String>,
    iso: Option<Iso>,
    soc2: Option<Soc2>,
    soc2_categories: Vec<TrustCategory>,
    scope_ai: Option<Scope>,
    /// The AI-scope question was shown, so a missing answer is a problem, not a follow-up.
    scope_shown: bool,
    /// Slots shown on step 3 (1..=3); a slot with nothing in it is no system.
    slots: Vec<QuickSystem>,
    replies: Vec<(&'static str, Reply)>,
}

fn clip(text: &str) -> String {
    text.trim().chars().take(MAX_TEXT).collect()
}

fn list_ids(catalog: &Catalog, framework: &str, list: &str) -> Vec<(String, String)> {
    catalog
        .framework(framework)
        .and_then(|f| f.list(list))
        .map(|entries| {
            entries
                .iter()
                .map(|entry| (entry.id.clone(), entry.title.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The Annex III areas of the EU AI Act, from the catalog.
fn annex_iii_areas(catalog: &Catalog) -> Vec<(String, String)> {
    list_ids(catalog, "eu-ai-act", "annex_iii_areas")
}

/// The Annex III points of the EU AI Act with the area each belongs to, from the catalog.
fn annex_iii_points(catalog: &Catalog) -> Vec<(String, String, String)> {
    catalog
        .framework("eu-ai-act")
        .and_then(|f| f.list("annex_iii_points"))
        .map(|entries| {
            entries
                .iter()
                .map(|entry| {
                    (
                        entry.id.clone(),
                        entry.title.clone(),
                        entry.area.clone().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The area of an Annex III point, when the point is known.
fn area_of_point(points: &[(String, String, String)], point: &str) -> Option<String> {
    points
        .iter()
        .find(|(id, _, _)| id == point)
        .map(|(_, _, area)| area.clone())
}

/// The consequential decisions of Colorado's AI law, from the catalog.
fn consequential_decisions(catalog: &Catalog) -> Vec<(String, String)> {
    list_ids(catalog, "colorado-ai", "consequential_decisions")
}

impl QuickInput {
    /// Reads the answers from query or form pairs.
    pub fn parse(pairs: &[(String, String)], catalog: &Catalog) -> QuickInput {
        let first = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
        };
        let all = |name: &str| -> Vec<String> {
            pairs
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_string())
                .collect()
        };
        let codes: Vec<&str> = JURISDICTIONS.iter().map(|(code, _)| *code).collect();
        let mut jurisdictions: Vec<String> = Vec::new();
        for value in all("jur") {
            if codes.contains(&value.as_str()) && !jurisdictions.contains(&value) {
                jurisdictions.push(value);
            }
        }
        let areas = annex_iii_areas(catalog);
        let points = annex_iii_points(catalog);
        let decisions = consequential_decisions(catalog);
        // "Add another" sends a second `n`; the largest wins. "Remove" drops one slot.
        let shown = pairs
            .iter()
            .filter(|(k, _)| k == "n")
            .filter_map(|(_, v)| v.trim().parse::<usize>().ok())
            .max()
            .unwrap_or(1)
            .clamp(1, MAX_SYSTEMS);
        let mut slots: Vec<QuickSystem> = (1..=shown)
            .map(|i| {
                let key = |field: &str| format!("s{i}_{field}");
                let traits = all(&key("does"));
                // One question asks for the area or, more precisely, one of its points.
                let chosen = first(&key("annex3"));
                let point = chosen.and_then(|p| Some((p.to_string(), area_of_point(&points, p)?)));
                let annex_iii = chosen
                    .filter(|a| areas.iter().any(|(id, _)| id == a))
                    .map(str::to_string);
                QuickSystem {
                    name: first(&key("name")).map(clip).unwrap_or_default(),
                    role: first(&key("role")).and_then(|r| match r {
                        "provider" => Some(SystemRole::Provider),
                        "deployer" => Some(SystemRole::Deployer),
                        _ => None,
                    }),
                    people: traits.iter().any(|t| t == "people"),
                    content: traits.iter().any(|t| t == "content"),
                    gpai: traits.iter().any(|t| t == "gpai"),
                    annex_iii: annex_iii.or_else(|| point.as_ref().map(|(_, area)| area.clone())),
                    point: point.map(|(point, _)| point),
                    decision: first(&key("decision"))
                        .filter(|d| decisions.iter().any(|(id, _)| id == d))
                        .map(str::to_string),
                }
            })
            .collect();
        if let Some(remove) = first("remove").and_then(|r| r.parse::<usize>().ok())
            && remove >= 1
            && remove <= slots.len()
            && slots.len() > 1
        {
            slots.remove(remove - 1);
        }
        QuickInput {
            org_name: first("org_name").map(clip).unwrap_or_default(),
            employees: first("size")
                .and_then(|s| s.parse::<u32>().ok())
                .filter(|s| SIZES.iter().any(|(n, _)| n == s)),
            team_fte: first("team").and_then(|t| {
                TEAMS
                    .iter()
                    .find(|(word, _, _)| *word == t)
                    .map(|(_, fte, _)| *fte)
            }),
            jurisdictions,
            iso: first("iso").and_then(|v| match v {
                "certified" => Some(Iso::Certified),
                "in_progress" => Some(Iso::InProgress),
                "no" => Some(Iso::No),
                _ => None,
            }),
            soc2: first("soc2").and_then(|v| match v {
                "type2" => Some(Soc2::Type2),
                "type1" => Some(Soc2::Type1),
                "no" => Some(Soc2::No),
                _ => None,
            }),
            soc2_categories: {
                let mut categories = Vec::new();
                for value in all("soc2_cat") {
                    if let Some(category) = TrustCategory::parse(&value)
                        && category != TrustCategory::Security
                        && !categories.contains(&category)
                    {
                        categories.push(category);
                    }
                }
                categories
            },
            scope_ai: first("scope_ai").and_then(|v| match v {
                "yes" => Some(Scope::Yes),
                "no" => Some(Scope::No),
                "unsure" => Some(Scope::Unsure),
                _ => None,
            }),
            scope_shown: first("scope_shown").is_some(),
            slots,
            replies: QUESTIONS
                .iter()
                .filter_map(|q| {
                    first(&format!("q_{}", q.id))
                        .and_then(Reply::parse)
                        .map(|r| (q.id, r))
                })
                .collect(),
        }
    }

    /// Reads the API's request; every value it cannot take is a located problem, all of them
    /// at once.
    pub(crate) fn from_request(
        request: &w::QuickRequest,
        catalog: &Catalog,
    ) -> Result<QuickInput, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut problem = |path: String, message: String| {
            problems.push(Problem {
                step: 0,
                field: String::new(),
                path,
                message,
            });
        };
        let organization = &request.organization;
        let org_name = organization.name.clone().unwrap_or_default();
        if org_name.chars().count() > MAX_TEXT {
            problem(
                "organization.name".into(),
                format!("expected at most {MAX_TEXT} characters"),
            );
        }
        let employees = organization.employees;
        if !aimsgap_wire::limits::EMPLOYEES.contains(&i64::from(employees)) {
            problem(
                "organization.employees".into(),
                format!(
                    "{employees}: expected {} to {} people",
                    aimsgap_wire::limits::EMPLOYEES.start(),
                    aimsgap_wire::limits::EMPLOYEES.end()
                ),
            );
        }
        let team = organization.team_fte;
        if !(aimsgap_wire::limits::TEAM_FTE_MIN..=aimsgap_wire::limits::TEAM_FTE_MAX)
            .contains(&team)
        {
            problem(
                "organization.team_fte".into(),
                format!(
                    "{team}: expected {} to {} full-time equivalents",
                    aimsgap_wire::limits::TEAM_FTE_MIN,
                    aimsgap_wire::limits::TEAM_FTE_MAX
                ),
            );
        }
        let codes: Vec<&str> = JURISDICTIONS.iter().map(|(code, _)| *code).collect();
        let mut jurisdictions: Vec<String> = Vec::new();
        for (i, code) in organization.jurisdictions.iter().enumerate() {
            if !codes.contains(&code.as_str()) {
                problem(
                    format!("organization.jurisdictions[{i}]"),
                    format!(
                        "unknown jurisdiction `{code}`: expected one of {}",
                        codes.join(", ")
                    ),
                );
            } else if !jurisdictions.contains(code) {
                jurisdictions.push(code.clone());
            }
        }
        let held = &request.certifications;
        let iso = match held.iso27001 {
            w::QuickIso::No => Iso::No,
            w::QuickIso::InProgress => Iso::InProgress,
            w::QuickIso::Certified => Iso::Certified,
        };
        let soc2 = match held.soc2 {
            w::QuickSoc2::No => Soc2::No,
            w::QuickSoc2::Type1 => Soc2::Type1,
            w::QuickSoc2::Type2 => Soc2::Type2,
        };
        let mut soc2_categories = Vec::new();
        if soc2 == Soc2::No && !held.soc2_categories.is_empty() {
            problem(
                "certifications.soc2_categories".into(),
                "given without a SOC 2 report: set `soc2` to `type1` or `type2`, or leave the categories out".into(),
            );
        }
        for (i, name) in held.soc2_categories.iter().enumerate() {
            match TrustCategory::parse(name) {
                Some(TrustCategory::Security) => {}
                Some(category) if !soc2_categories.contains(&category) => {
                    soc2_categories.push(category)
                }
                Some(_) => {}
                None => problem(
                    format!("certifications.soc2_categories[{i}]"),
                    format!(
                        "unknown category `{name}`: expected availability, confidentiality, processing_integrity or privacy"
                    ),
                ),
            }
        }
        if iso == Iso::No && soc2 == Soc2::No && held.scope_covers_ai.is_some() {
            problem(
                "certifications.scope_covers_ai".into(),
                "given without a certificate or report: leave it out, or say what you hold".into(),
            );
        }
        if request.ai_systems.is_empty() {
            problem(
                "ai_systems".into(),
                "expected at least one AI system: the assessment measures how AI systems are managed".into(),
            );
        }
        if request.ai_systems.len() > MAX_SYSTEMS {
            problem(
                "ai_systems".into(),
                format!(
                    "{} AI systems: a quick assessment takes at most {MAX_SYSTEMS}",
                    request.ai_systems.len()
                ),
            );
        }
        let areas = annex_iii_areas(catalog);
        let points = annex_iii_points(catalog);
        let decisions = consequential_decisions(catalog);
        let mut slots = Vec::new();
        for (i, system) in request.ai_systems.iter().enumerate().take(MAX_SYSTEMS) {
            let path = |field: &str| format!("ai_systems[{i}].{field}");
            let name = system.name.trim();
            if name.is_empty() {
                problem(path("name"), "expected a name: what the system does".into());
            } else if name.chars().count() > MAX_TEXT {
                problem(
                    path("name"),
                    format!("expected at most {MAX_TEXT} characters"),
                );
            }
            let role = match system.role.as_str() {
                "provider" => Some(SystemRole::Provider),
                "deployer" => Some(SystemRole::Deployer),
                other => {
                    problem(
                        path("role"),
                        format!("unknown role `{other}`: expected provider or deployer"),
                    );
                    None
                }
            };
            let known = |value: &Option<String>,
                         list: &[(String, String)],
                         field: &str,
                         what: &str,
                         problems: &mut dyn FnMut(String, String)|
             -> Option<String> {
                let value = value.as_deref()?;
                if list.iter().any(|(id, _)| id == value) {
                    Some(value.to_string())
                } else {
                    problems(
                        path(field),
                        format!(
                            "unknown {what} `{value}`: expected one of {}",
                            list.iter()
                                .map(|(id, _)| id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                    None
                }
            };
            let annex_iii = known(
                &system.annex_iii_area,
                &areas,
                "annex_iii_area",
                "Annex III area",
                &mut problem,
            );
            let point_choices: Vec<(String, String)> = points
                .iter()
                .map(|(id, title, _)| (id.clone(), title.clone()))
                .collect();
            let point = known(
                &system.annex_iii_point,
                &point_choices,
                "annex_iii_point",
                "Annex III point",
                &mut problem,
            );
            let point_area = point.as_deref().and_then(|p| area_of_point(&points, p));
            let annex_iii = match (annex_iii, point_area) {
                (Some(area), Some(point_area)) if area != point_area => {
                    problem(
                        path("annex_iii_point"),
                        format!(
                            "Annex III point `{}` belongs to area `{point_area}`, not to the annex_iii_area `{area}` given",
                            point.as_deref().unwrap_or_default()
                        ),
                    );
                    Some(area)
                }
                (None, point_area) => point_area,
                (area, _) => area,
            };
            let decision = known(
                &system.consequential_decision,
                &decisions,
                "consequential_decision",
                "consequential decision",
                &mut problem,
            );
            slots.push(QuickSystem {
                name: name.to_string(),
                role,
                people: system.interacts_with_people,
                content: system.generates_content,
                gpai: system.gpai_model,
                annex_iii,
                point,
                decision,
            });
        }
        let mut replies = Vec::new();
        for (id, reply) in &request.replies {
            match Question::find(id) {
                Some(question) => replies.push((question.id, Reply::of_wire(*reply))),
                None => problem(
                    format!("replies.{id}"),
                    format!("unknown question `{id}`: GET /api/v1/quick lists the questions"),
                ),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(QuickInput {
            org_name,
            employees: Some(employees),
            team_fte: Some(team),
            jurisdictions,
            iso: Some(iso),
            soc2: Some(soc2),
            soc2_categories,
            scope_ai: Some(match held.scope_covers_ai {
                Some(true) => Scope::Yes,
                Some(false) => Scope::No,
                None => Scope::Unsure,
            }),
            scope_shown: true,
            slots,
            replies,
        })
    }

    /// The answers as pairs again, in a fixed order: the query string of links and the hidden
    /// fields of later steps.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: &str| pairs.push((k.to_string(), v.to_string()));
        if !self.org_name.is_empty() {
            push("org_name", &self.org_name);
        }
        if let Some(size) = self.employees {
            push("size", &size.to_string());
        }
        if let Some(team) = self.team_word() {
            push("team", team);
        }
        for code in &self.jurisdictions {
            push("jur", code);
        }
        if let Some(iso) = self.iso_word() {
            push("iso", iso);
        }
        if let Some(soc2) = self.soc2_word() {
            push("soc2", soc2);
        }
        for category in &self.soc2_categories {
            push("soc2_cat", category.as_str());
        }
        if let Some(scope) = self.scope_word() {
            push("scope_ai", scope);
        }
        if self.scope_shown {
            push("scope_shown", "1");
        }
        push("n", &self.slots.len().to_string());
        for (i, slot) in self.slots.iter().enumerate() {
            let key = |field: &str| format!("s{}_{field}", i + 1);
            if !slot.name.is_empty() {
                push(&key("name"), &slot.name);
            }
            if let Some(role) = slot.role {
                push(&key("role"), role.as_str());
            }
            for (word, set) in [
                ("people", slot.people),
                ("content", slot.content),
                ("gpai", slot.gpai),
            ] {
                if set {
                    push(&key("does"), word);
                }
            }
            // The one question's answer: the point when known, else the area.
            if let Some(answer) = slot.point.as_ref().or(slot.annex_iii.as_ref()) {
                push(&key("annex3"), answer);
            }
            if let Some(decision) = &slot.decision {
                push(&key("decision"), decision);
            }
        }
        for (id, reply) in &self.replies {
            push(&format!("q_{id}"), reply.word());
        }
        pairs
    }

    fn team_word(&self) -> Option<&'static str> {
        let team = self.team_fte?;
        TEAMS
            .iter()
            .find(|(_, fte, _)| (*fte - team).abs() < f64::EPSILON)
            .map(|(word, _, _)| *word)
    }

    fn iso_word(&self) -> Option<&'static str> {
        self.iso.map(|iso| match iso {
            Iso::Certified => "certified",
            Iso::InProgress => "in_progress",
            Iso::No => "no",
        })
    }

    fn soc2_word(&self) -> Option<&'static str> {
        self.soc2.map(|soc2| match soc2 {
            Soc2::Type2 => "type2",
            Soc2::Type1 => "type1",
            Soc2::No => "no",
        })
    }

    fn scope_word(&self) -> Option<&'static str> {
        self.scope_ai.map(|scope| match scope {
            Scope::Yes => "yes",
            Scope::No => "no",
            Scope::Unsure => "unsure",
        })
    }

    /// A certificate or report is held (or being worked towards), so its scope matters.
    fn holds_certificate(&self) -> bool {
        matches!(self.iso, Some(Iso::Certified | Iso::InProgress))
            || matches!(self.soc2, Some(Soc2::Type1 | Soc2::Type2))
    }

    fn holds_soc2(&self) -> bool {
        matches!(self.soc2, Some(Soc2::Type1 | Soc2::Type2))
    }

    /// The EU is among the jurisdictions, so the EU AI Act's questions apply.
    fn asks_eu(&self) -> bool {
        self.jurisdictions.iter().any(|j| j == EU)
    }

    /// A jurisdiction whose AI law reads consequential decisions is chosen, so that question
    /// applies.
    fn asks_decisions(&self) -> bool {
        self.jurisdictions
            .iter()
            .any(|j| DECISIONS.contains(&j.as_str()))
    }

    /// The certifications step must come back to ask the AI-scope question.
    fn needs_scope(&self) -> bool {
        self.holds_certificate() && self.scope_ai.is_none() && !self.scope_shown
    }

    /// What is missing or contradictory in the steps before `step`, in the order of the
    /// fields. Step 4's questions may stay unanswered ("not sure").
    pub(crate) fn problems(&self, step: usize) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut problem = |step: usize, field: String, path: String, message: String| {
            problems.push(Problem {
                step,
                field,
                path,
                message,
            })
        };
        if step > 0 {
            if self.employees.is_none() {
                problem(
                    0,
                    "size".into(),
                    "organization.employees".into(),
                    "Choose how many people work in your organisation: it scales the effort of the roadmap.".into(),
                );
            }
            if self.team_fte.is_none() {
                problem(
                    0,
                    "team".into(),
                    "organization.team_fte".into(),
                    "Choose how many people will work on the AI management system: it sets how fast the roadmap can go.".into(),
                );
            }
        }
        if step > 1 {
            if self.iso.is_none() {
                problem(
                    1,
                    "iso".into(),
                    "certifications.iso27001".into(),
                    "Say whether you hold an ISO/IEC 27001 certificate; choose No if you do not."
                        .into(),
                );
            }
            if self.soc2.is_none() {
                problem(
                    1,
                    "soc2".into(),
                    "certifications.soc2".into(),
                    "Say whether you have a SOC 2 report; choose No if you do not.".into(),
                );
            }
            if self.holds_certificate() && self.scope_ai.is_none() && self.scope_shown {
                problem(
                    1,
                    "scope_ai".into(),
                    "certifications.scope_covers_ai".into(),
                    "Say whether the certified scope includes your AI systems; choose Not sure if you do not know.".into(),
                );
            }
        }
        if step > 2 {
            let mut nameless = false;
            for (i, slot) in self.slots.iter().enumerate() {
                let number = i + 1;
                if slot.name.is_empty() && slot.touched() {
                    nameless = true;
                    problem(
                        2,
                        format!("s{number}_name"),
                        format!("ai_systems[{i}].name"),
                        format!(
                            "Give AI system {number} a name, or remove it: what you chose for it is kept until you do."
                        ),
                    );
                }
                if !slot.name.is_empty() && slot.role.is_none() {
                    problem(
                        2,
                        format!("s{number}_role"),
                        format!("ai_systems[{i}].role"),
                        format!(
                            "Choose whether you build \u{201c}{}\u{201d} or use a system built by others: the AI laws oblige each differently.",
                            slot.name
                        ),
                    );
                }
            }
            if !nameless && self.slots.iter().all(|s| s.name.is_empty()) {
                problem(
                    2,
                    "s1_name".into(),
                    "ai_systems".into(),
                    "Name at least one AI system that you build or use: the assessment measures how AI systems are managed.".into(),
                );
            }
        }
        problems
    }

    fn organization_name(&self) -> String {
        if self.org_name.is_empty() {
            "Your organisation".to_string()
        } else {
            self.org_name.clone()
        }
    }

    fn systems(&self) -> impl Iterator<Item = (usize, &QuickSystem)> {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.name.is_empty())
            .map(|(i, s)| (i + 1, s))
    }

    fn certifications(&self) -> Vec<Certification> {
        let scope = self.scope_ai == Some(Scope::Yes);
        let mut held = Vec::new();
        if let Some(status) = match self.iso {
            Some(Iso::Certified) => Some(CertificationStatus::Certified),
            Some(Iso::InProgress) => Some(CertificationStatus::InProgress),
            _ => None,
        } {
            held.push(Certification {
                framework: "iso27001".into(),
                status,
                valid_until: None,
                scope_covers_ai: scope,
                report: None,
                categories: Vec::new(),
                controls: Vec::new(),
            });
        }
        if let Some(report) = match self.soc2 {
            Some(Soc2::Type2) => Some(ReportType::Type2),
            Some(Soc2::Type1) => Some(ReportType::Type1),
            _ => None,
        } {
            let mut categories = vec![TrustCategory::Security];
            categories.extend(self.soc2_categories.iter().copied());
            held.push(Certification {
                framework: "soc2".into(),
                status: CertificationStatus::Attested,
                valid_until: None,
                scope_covers_ai: scope,
                report: Some(report),
                categories,
                controls: Vec::new(),
            });
        }
        held
    }

    /// The assessment these answers describe, built in code. A question's reply answers every
    /// catalog id it names.
    pub fn assessment(&self, as_of: Date) -> Assessment {
        let eu = self.asks_eu();
        let decides = self.asks_decisions();
        Assessment {
            as_of,
            organization: Organization {
                name: self.organization_name(),
                employees: self.employees.unwrap_or(50),
                sector: String::new(),
                jurisdictions: self.jurisdictions.clone(),
                team_fte: self.team_fte.unwrap_or(1.0),
            },
            certifications: self.certifications(),
            ai_systems: self
                .systems()
                .map(|(i, s)| AiSystem {
                    id: format!("system-{i}"),
                    name: s.name.clone(),
                    role: s.role,
                    // Empty: the organisation's jurisdictions apply to every system.
                    markets: Vec::new(),
                    interacts_with_natural_persons: s.people,
                    generates_synthetic_content: s.content,
                    // Asked only where the law that needs them applies.
                    annex_iii_area: s.annex_iii.clone().filter(|_| eu),
                    annex_iii_point: s.point.clone().filter(|_| eu),
                    consequential_decisions: s
                        .decision
                        .iter()
                        .filter(|_| decides)
                        .cloned()
                        .collect(),
                    gpai_model: s.gpai && eu,
                    ..AiSystem::default()
                })
                .collect(),
            answers: self
                .replies
                .iter()
                .filter_map(|(id, reply)| Some((Question::find(id)?, reply.status()?)))
                .flat_map(|(question, status)| {
                    question.answers.iter().map(move |id| Answer {
                        id: (*id).to_string(),
                        status,
                        maturity: None,
                        owner: None,
                        evidence: Vec::new(),
                        justification: None,
                        notes: None,
                        due: None,
                    })
                })
                .collect(),
        }
    }

    /// The same assessment as an assessment file, to store in a workspace.
    pub fn document(&self, as_of: Date) -> aimsgap_wire::assessment::Document {
        aimsgap_assess::to_document(&self.assessment(as_of))
    }
}

/// The mean inherited credit (high end) the certifications give the requirements a question
/// answers, as held and with their scope taken to include the AI systems; and the least any of
/// those requirements gets as held.
fn inherited_for(
    catalog: &Catalog,
    assessment: &Assessment,
    widened: &Assessment,
    question: &Question,
) -> (f64, f64, f64) {
    let Some(iso) = catalog.framework(aimsgap_assess::TARGET) else {
        return (0.0, 0.0, 0.0);
    };
    let mut held = Vec::new();
    let mut wide = Vec::new();
    for requirement in iso.assessable().filter(|r| question.reaches(&r.id)) {
        held.push(
            aimsgap_assess::inherited_credit(catalog, assessment, &requirement.id)
                .0
                .hi,
        );
        wide.push(
            aimsgap_assess::inherited_credit(catalog, widened, &requirement.id)
                .0
                .hi,
        );
    }
    let mean = |values: &[f64]| {
        if values.is_empty() {
            0.0
        } else {
            values.iter().sum::<f64>() / values.len() as f64
        }
    };
    let least = held.iter().copied().reduce(f64::min).unwrap_or(0.0);
    (mean(&held), mean(&wide), least)
}

/// Whether the certifications held cover a question, so it is not asked: with their scope
/// taken to include the AI systems they give its requirements at least [`LITTLE_CREDIT`] on
/// average (the certificate's mechanism is there; whether its scope includes AI changes what
/// it is worth, not whether it exists), and as held every one of them gets at least
/// `rules::INHERITED_PARTIAL`, so none reads as a plain gap. Returns the mean credit as held.
pub fn covered_by_certifications(
    catalog: &Catalog,
    assessment: &Assessment,
    question: &Question,
) -> Option<f64> {
    if assessment.certifications.is_empty() {
        return None;
    }
    let mut widened = assessment.clone();
    for certification in &mut widened.certifications {
        certification.scope_covers_ai = true;
    }
    let (held, wide, least) = inherited_for(catalog, assessment, &widened, question);
    (wide >= LITTLE_CREDIT && least >= rules::INHERITED_PARTIAL).then_some(held)
}

/// The questions of step 4 to ask, and those the certifications already cover with the mean
/// inherited credit (high end) of their requirements.
pub fn split_questions(
    catalog: &Catalog,
    assessment: &Assessment,
) -> (Vec<&'static Question>, Vec<(&'static Question, f64)>) {
    let mut asked = Vec::new();
    let mut covered = Vec::new();
    for question in QUESTIONS {
        match covered_by_certifications(catalog, assessment, question) {
            Some(credit) => covered.push((question, credit)),
            None => asked.push(question),
        }
    }
    (asked, covered)
}

/// The questions with whether each is asked given `input`'s certifications, for the API.
pub(crate) fn questions_for(catalog: &Catalog, input: &QuickInput) -> w::QuickQuestions {
    let assessment = input.assessment(api::today());
    let choice = |(id, title): &(String, String)| w::QuickChoice {
        id: id.clone(),
        title: title.clone(),
    };
    w::QuickQuestions {
        questions: QUESTIONS
            .iter()
            .map(|question| {
                let inherited = covered_by_certifications(catalog, &assessment, question);
                w::QuickQuestion {
                    id: question.id.into(),
                    text: question.text.into(),
                    hint: question.hint.into(),
                    answers: question.answers.iter().map(|a| (*a).to_string()).collect(),
                    blocker: question.blocker(),
                    asked: inherited.is_none(),
                    inherited: inherited.map(|credit| (credit * 1000.0).round() / 1000.0),
                }
            })
            .collect(),
        jurisdictions: JURISDICTIONS
            .iter()
            .map(|(code, name)| w::QuickChoice {
                id: (*code).into(),
                title: (*name).into(),
            })
            .collect(),
        annex_iii_areas: annex_iii_areas(catalog).iter().map(choice).collect(),
        annex_iii_points: annex_iii_points(catalog)
            .into_iter()
            .map(|(id, title, _)| w::QuickChoice { id, title })
            .collect(),
        consequential_decisions: consequential_decisions(catalog)
            .iter()
            .map(choice)
            .collect(),
    }
}

/// The certifications of the questions' query (`iso27001`, `soc2`, `soc2_categories`,
/// `scope_covers_ai`), in the API's words; an unknown name or value is a located problem.
pub(crate) fn certifications_query(
    pairs: &[(String, String)],
    catalog: &Catalog,
) -> Result<QuickInput, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut held = w::QuickCertifications::default();
    for (name, value) in pairs {
        let bad = |problems: &mut Vec<Problem>, expected: &str| {
            problems.push(Problem {
                step: 0,
                field: String::new(),
                path: name.clone(),
                message: format!("unknown value `{value}`: expected {expected}"),
            })
        };
        match name.as_str() {
            "iso27001" => match value.as_str() {
                "no" => held.iso27001 = w::QuickIso::No,
                "in_progress" => held.iso27001 = w::QuickIso::InProgress,
                "certified" => held.iso27001 = w::QuickIso::Certified,
                _ => bad(&mut problems, "no, in_progress or certified"),
            },
            "soc2" => match value.as_str() {
                "no" => held.soc2 = w::QuickSoc2::No,
                "type1" => held.soc2 = w::QuickSoc2::Type1,
                "type2" => held.soc2 = w::QuickSoc2::Type2,
                _ => bad(&mut problems, "no, type1 or type2"),
            },
            "soc2_categories" => held.soc2_categories.push(value.clone()),
            "scope_covers_ai" => match value.as_str() {
                "true" => held.scope_covers_ai = Some(true),
                "false" => held.scope_covers_ai = Some(false),
                _ => bad(&mut problems, "true or false"),
            },
            _ => problems.push(Problem {
                step: 0,
                field: String::new(),
                path: name.clone(),
                message:
                    "unknown parameter: expected iso27001, soc2, soc2_categories or scope_covers_ai"
                        .into(),
            }),
        }
    }
    let request = w::QuickRequest {
        organization: w::QuickOrganization {
            name: None,
            employees: 50,
            team_fte: 1.0,
            jurisdictions: Vec::new(),
        },
        certifications: held,
        ai_systems: vec![w::QuickSystem {
            name: "AI system".into(),
            role: "deployer".into(),
            interacts_with_people: false,
            generates_content: false,
            gpai_model: false,
            annex_iii_area: None,
            annex_iii_point: None,
            consequential_decision: None,
        }],
        replies: std::collections::BTreeMap::new(),
    };
    match QuickInput::from_request(&request, catalog) {
        Ok(input) if problems.is_empty() => Ok(input),
        Ok(_) => Err(problems),
        Err(more) => {
            problems.extend(more);
            Err(problems)
        }
    }
}

const STEPS: [(&str, &str); 5] = [
    ("/quick", "Organisation"),
    ("/quick/certifications", "Certifications"),
    ("/quick/systems", "AI systems"),
    ("/quick/questions", "Key questions"),
    ("/quick/result", "Result"),
];

/// One entry of the list of steps: a link carrying the answers so far, or the current step.
#[derive(Debug)]
struct StepLink {
    href: Option<String>,
    name: &'static str,
}

/// A problem as a step shows it: the message at the field, and a link to it from the summary.
#[derive(Debug)]
struct FieldProblem {
    /// The form field's name.
    field: String,
    /// The id of the element the summary links to.
    anchor: String,
    message: String,
}

/// What every step shows around its form (`templates/quick/step.html`).
#[derive(Debug)]
struct Step {
    steps: Vec<StepLink>,
    heading: &'static str,
    /// Hidden fields for every answer that the current step does not ask itself.
    carried: Vec<(String, String)>,
    /// The previous step, with the answers so far.
    back: String,
    problems: Vec<FieldProblem>,
}

impl Step {
    /// Step `current` (0-based) of `input`; `own` names the fields the step asks itself.
    fn new(
        current: usize,
        heading: &'static str,
        input: &QuickInput,
        own: impl Fn(&str) -> bool,
    ) -> Step {
        let pairs = input.to_pairs();
        let query = query_string(&pairs);
        Step {
            steps: STEPS
                .iter()
                .enumerate()
                .map(|(i, (path, name))| StepLink {
                    href: (i != current).then(|| format!("{path}?{query}")),
                    name,
                })
                .collect(),
            heading,
            carried: pairs.into_iter().filter(|(k, _)| !own(k)).collect(),
            back: match current.checked_sub(1).and_then(|i| STEPS.get(i)) {
                Some((path, _)) => format!("{path}?{query}"),
                None => "/".to_string(),
            },
            problems: Vec::new(),
        }
    }

    fn with_problems(mut self, problems: &[Problem]) -> Step {
        self.problems = problems
            .iter()
            .map(|p| FieldProblem {
                field: p.field.clone(),
                anchor: format!("f-{}", field_id(&p.field)),
                message: p.message.clone(),
            })
            .collect();
        self
    }

    /// The message at a field, or nothing.
    fn error(&self, field: &str) -> &str {
        self.problems
            .iter()
            .find(|p| p.field == field)
            .map_or("", |p| p.message.as_str())
    }
}

/// The step to show instead of step `reached` when the steps before it have a problem, or the
/// certifications step's follow-up; `None` when `reached` can be shown.
fn gate(
    state: &AppState,
    auth: Option<&Auth>,
    input: &QuickInput,
    reached: usize,
) -> Option<Response> {
    let problems = input.problems(reached);
    if let Some(first) = problems.first() {
        let step = first.step;
        let own: Vec<Problem> = problems.into_iter().filter(|p| p.step == step).collect();
        return Some(show(
            state,
            auth,
            input,
            step,
            &own,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    if reached > 1 && input.needs_scope() {
        return Some(show(state, auth, input, 1, &[], StatusCode::OK));
    }
    None
}

/// Step `step` (0 to 3) of the quick assessment with `problems` at their fields.
fn show(
    state: &AppState,
    auth: Option<&Auth>,
    input: &QuickInput,
    step: usize,
    problems: &[Problem],
    status: StatusCode,
) -> Response {
    match step {
        0 => organisation_page(auth, input, problems, status),
        1 => certifications_page(auth, input, problems, status),
        2 => systems_page(state, auth, input, problems, status),
        _ => questions_page(state, auth, input, status),
    }
}

#[derive(Template, Debug)]
#[template(path = "quick/organisation.html")]
struct OrganisationStep {
    frame: Frame,
    step: Step,
    org_name: String,
    sizes: Vec<Choice>,
    teams: Vec<Choice>,
    jurisdictions: Vec<Choice>,
}

fn organisation_page(
    auth: Option<&Auth>,
    input: &QuickInput,
    problems: &[Problem],
    status: StatusCode,
) -> Response {
    let size = input.employees.map(|n| n.to_string()).unwrap_or_default();
    let sizes: Vec<(String, &str)> = SIZES.iter().map(|(n, t)| (n.to_string(), *t)).collect();
    let teams: Vec<(&str, &str)> = TEAMS.iter().map(|(w, _, t)| (*w, *t)).collect();
    let jurisdictions: Vec<&str> = input.jurisdictions.iter().map(String::as_str).collect();
    let heading = "Your organisation";
    let view = OrganisationStep {
        frame: Frame::new(format!("Quick assessment: {heading}"), auth),
        step: Step::new(0, heading, input, |k| {
            matches!(k, "org_name" | "size" | "team" | "jur")
        })
        .with_problems(problems),
        org_name: input.org_name.clone(),
        sizes: choices(&sizes, &[size.as_str()]),
        teams: choices(&teams, &[input.team_word().unwrap_or("")]),
        jurisdictions: choices(JURISDICTIONS, &jurisdictions),
    };
    render(status, &view)
}

pub async fn organisation(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let input = QuickInput::parse(&query, &state.catalog);
    organisation_page(auth.as_ref(), &input, &[], StatusCode::OK)
}

#[derive(Template, Debug)]
#[template(path = "quick/certifications.html")]
struct CertificationsStep {
    frame: Frame,
    step: Step,
    iso: Vec<Choice>,
    soc2: Vec<Choice>,
    /// Shown only with a SOC 2 report.
    soc2_categories: Option<Vec<Choice>>,
    /// Shown only with a certificate or report.
    scope_ai: Option<Vec<Choice>>,
}

fn certifications_page(
    auth: Option<&Auth>,
    input: &QuickInput,
    problems: &[Problem],
    status: StatusCode,
) -> Response {
    let categories: Vec<&str> = input.soc2_categories.iter().map(|c| c.as_str()).collect();
    let heading = "What you already hold";
    let view = CertificationsStep {
        frame: Frame::new(format!("Quick assessment: {heading}"), auth),
        step: Step::new(1, heading, input, |k| {
            matches!(k, "iso" | "soc2" | "soc2_cat" | "scope_ai" | "scope_shown")
        })
        .with_problems(problems),
        iso: choices(
            &[
                ("certified", "Yes, certified"),
                ("in_progress", "Working towards it"),
                ("no", "No"),
            ],
            &[input.iso_word().unwrap_or("")],
        ),
        soc2: choices(
            &[
                ("type2", "Yes, Type 2"),
                ("type1", "Yes, Type 1"),
                ("no", "No"),
            ],
            &[input.soc2_word().unwrap_or("")],
        ),
        soc2_categories: input.holds_soc2().then(|| {
            choices(
                &[
                    ("availability", "Availability"),
                    ("confidentiality", "Confidentiality"),
                    ("processing_integrity", "Processing integrity"),
                    ("privacy", "Privacy"),
                ],
                &categories,
            )
        }),
        scope_ai: input.holds_certificate().then(|| {
            choices(
                &[("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")],
                &[input.scope_word().unwrap_or("")],
            )
        }),
    };
    render(status, &view)
}

pub async fn certifications(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let input = QuickInput::parse(&query, &state.catalog);
    if let Some(page) = gate(&state, auth.as_ref(), &input, 1) {
        return page;
    }
    certifications_page(auth.as_ref(), &input, &[], StatusCode::OK)
}

/// The fields of one AI system on step 3.
#[derive(Debug)]
struct SystemSlot {
    number: usize,
    name: String,
    role: Vec<Choice>,
    does: Vec<Choice>,
    /// Asked only with the EU among the jurisdictions: each area, followed by its use cases
    /// (Annex III points) for who knows which one applies.
    areas: Option<Vec<Choice>>,
    /// Asked only with Colorado among the jurisdictions.
    decisions: Option<Vec<Choice>>,
}

impl SystemSlot {
    fn new(catalog: &Catalog, input: &QuickInput, number: usize, slot: &QuickSystem) -> SystemSlot {
        let mut areas = vec![(String::new(), "None of these".to_string())];
        let points = annex_iii_points(catalog);
        for (area, title) in annex_iii_areas(catalog) {
            let within: Vec<&(String, String, String)> =
                points.iter().filter(|(_, _, of)| *of == area).collect();
            if within.len() > 1 {
                areas.push((area.clone(), format!("{title}: not sure which use case")));
                for (point, text, _) in within {
                    areas.push((point.clone(), format!("{title}: {point} {text}")));
                }
            } else {
                areas.push((area, title));
            }
        }
        let mut decisions = vec![(String::new(), "No".to_string())];
        decisions.extend(consequential_decisions(catalog));
        let eu = input.asks_eu();
        let traits: Vec<(&str, &str)> = TRAITS
            .iter()
            .filter(|(word, _)| eu || *word != "gpai")
            .copied()
            .collect();
        let mut done = Vec::new();
        for (word, set) in [
            ("people", slot.people),
            ("content", slot.content),
            ("gpai", slot.gpai),
        ] {
            if set {
                done.push(word);
            }
        }
        SystemSlot {
            number,
            name: slot.name.clone(),
            role: choices(
                &[
                    ("provider", "We build it (provider)"),
                    ("deployer", "We use a system built by others (deployer)"),
                ],
                &[slot.role.map(|r| r.as_str()).unwrap_or("")],
            ),
            does: choices(&traits, &done),
            areas: eu.then(|| {
                let answer = slot.point.as_ref().or(slot.annex_iii.as_ref());
                choices(&areas, &[answer.map_or("", String::as_str)])
            }),
            decisions: input
                .asks_decisions()
                .then(|| choices(&decisions, &[slot.decision.as_deref().unwrap_or("")])),
        }
    }

    /// The name of one of its fields: `s2_role`.
    fn key(&self, field: &str) -> String {
        format!("s{}_{field}", self.number)
    }
}

#[derive(Template, Debug)]
#[template(path = "quick/systems.html")]
struct SystemsStep {
    frame: Frame,
    step: Step,
    shown: usize,
    slots: Vec<SystemSlot>,
    removable: bool,
    /// The value of "Add another AI system", while there is room.
    add: Option<usize>,
}

fn systems_page(
    state: &AppState,
    auth: Option<&Auth>,
    input: &QuickInput,
    problems: &[Problem],
    status: StatusCode,
) -> Response {
    let shown = input.slots.len();
    let heading = "Your AI systems";
    let view = SystemsStep {
        frame: Frame::new(format!("Quick assessment: {heading}"), auth),
        // The fields of the system slots: n, s1_name, s2_role, ...
        step: Step::new(2, heading, input, |k| {
            k == "n"
                || k.strip_prefix('s')
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        })
        .with_problems(problems),
        shown,
        slots: input
            .slots
            .iter()
            .enumerate()
            .map(|(i, slot)| SystemSlot::new(&state.catalog, input, i + 1, slot))
            .collect(),
        removable: shown > 1,
        add: (shown < MAX_SYSTEMS).then_some(shown + 1),
    };
    render(status, &view)
}

pub async fn systems(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let input = QuickInput::parse(&query, &state.catalog);
    if let Some(page) = gate(&state, auth.as_ref(), &input, 2) {
        return page;
    }
    systems_page(&state, auth.as_ref(), &input, &[], StatusCode::OK)
}

/// A question of step 4 that is asked.
#[derive(Debug)]
struct Asked {
    name: String,
    legend: String,
    hint: &'static str,
    replies: Vec<Choice>,
}

/// A question of step 4 that the certifications already cover.
#[derive(Debug)]
struct Covered {
    text: &'static str,
    answers: String,
    credit: String,
}

#[derive(Template, Debug)]
#[template(path = "quick/questions.html")]
struct QuestionsStep {
    frame: Frame,
    step: Step,
    covered: Vec<Covered>,
    /// What a Stage 1 auditor checks first.
    blockers: Vec<Asked>,
    /// The rest of the management system and the Annex A controls.
    others: Vec<Asked>,
}

fn questions_page(
    state: &AppState,
    auth: Option<&Auth>,
    input: &QuickInput,
    status: StatusCode,
) -> Response {
    let assessment = input.assessment(api::today());
    let (asked, covered) = split_questions(&state.catalog, &assessment);
    let replies: Vec<(&str, &str)> = Reply::ALL.iter().map(|(_, w, t)| (*w, *t)).collect();
    let heading = "Key questions";
    let ask = |question: &&Question| {
        let current = input
            .replies
            .iter()
            .find(|(id, _)| id == &question.id)
            .map_or("", |(_, r)| r.word());
        Asked {
            name: format!("q_{}", question.id),
            legend: question.text.to_string(),
            hint: question.hint,
            replies: choices(&replies, &[current]),
        }
    };
    let view = QuestionsStep {
        frame: Frame::new(format!("Quick assessment: {heading}"), auth),
        step: Step::new(3, heading, input, |k| k.starts_with("q_")),
        covered: covered
            .iter()
            .map(|(question, credit)| Covered {
                text: question.text,
                answers: question.answers.join(", "),
                credit: pct(*credit),
            })
            .collect(),
        blockers: asked.iter().filter(|q| q.blocker()).map(ask).collect(),
        others: asked.iter().filter(|q| !q.blocker()).map(ask).collect(),
    };
    render(status, &view)
}

pub async fn questions(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let input = QuickInput::parse(&query, &state.catalog);
    if let Some(page) = gate(&state, auth.as_ref(), &input, 3) {
        return page;
    }
    questions_page(&state, auth.as_ref(), &input, StatusCode::OK)
}

/// The result of a quick assessment, computed on the rendering pool so that a crowd of them
/// waits there (or is refused with 503) instead of taking the request threads.
pub(crate) async fn compute(
    state: &AppState,
    input: &QuickInput,
) -> ApiResult<(AssessmentResult, Assessment)> {
    let assessment = input.assessment(api::today());
    let catalog = state.catalog.clone();
    state
        .rendering
        .run(move || {
            let result = aimsgap_assess::assess(&catalog, &assessment)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            Ok((result, assessment))
        })
        .await?
}

/// The formats a quick assessment downloads in.
fn formats() -> Vec<(&'static str, &'static str)> {
    let mut list = vec![("html", "HTML report")];
    if cfg!(feature = "pdf") {
        list.push(("pdf", "PDF summary"));
    }
    list.push(("xlsx", "Excel workbook"));
    list
}

/// The "Save to a workspace" form as it stands.
struct SaveForm<'a> {
    token: &'a str,
    new_account: NewAccount,
    problem: Option<&'a str>,
}

#[derive(Template, Debug)]
#[template(path = "quick/result.html")]
struct ResultPage<'a> {
    frame: Frame,
    step: Step,
    organisation: String,
    as_of: Date,
    summary: Summary,
    obligations: Vec<SystemObligations>,
    formats: Vec<(&'static str, &'static str)>,
    /// The answers as a query string, for the downloads.
    query: String,
    org_name: &'a str,
    problem: Option<&'a str>,
    /// The session's token for a signed-in user; a visitor's form creates the account instead.
    csrf: Option<&'a str>,
    form_field: &'static str,
    token: &'a str,
    new_account: NewAccount,
    /// Where a signed-in user may save: a new organisation, or one where they may edit.
    targets: Vec<super::layout::Choice>,
    /// The questions the certifications covered, so not asked: their requirements carry
    /// inherited credit, to verify for the AI scope.
    not_asked: Vec<Covered>,
}

async fn result_page(
    state: &AppState,
    status: StatusCode,
    auth: Option<&Auth>,
    input: &QuickInput,
    save: SaveForm<'_>,
) -> ApiResult<Response> {
    let (result, assessment) = compute(state, input).await?;
    let catalog = &state.catalog;
    let (_, covered) = split_questions(catalog, &assessment);
    let mut targets = Vec::new();
    if let Some(auth) = auth {
        targets.push(super::layout::Choice {
            value: "new".into(),
            text: "A new organisation that you own".into(),
            chosen: true,
        });
        for (org, role) in state.store.organizations_of(&auth.user.id).await? {
            if role.can_edit() {
                targets.push(super::layout::Choice {
                    value: org.id,
                    text: format!("{} (you are {})", org.name, role.as_str()),
                    chosen: false,
                });
            }
        }
    }
    let view = ResultPage {
        frame: Frame::new("Quick assessment: result", auth),
        step: Step::new(4, "Your ISO/IEC 42001 readiness", input, |k| {
            k == "org_name"
        }),
        organisation: assessment.organization.name.clone(),
        as_of: result.as_of,
        summary: Summary::of(catalog, &result),
        obligations: summary::obligations(catalog, &result),
        formats: formats(),
        query: query_string(&input.to_pairs()),
        org_name: &input.org_name,
        problem: save.problem,
        csrf: auth.map(Auth::csrf),
        form_field: security::FORM_FIELD,
        token: save.token,
        new_account: save.new_account,
        targets,
        not_asked: covered
            .iter()
            .map(|(question, credit)| Covered {
                text: question.text,
                answers: question.answers.join(", "),
                credit: pct(*credit),
            })
            .collect(),
    };
    Ok(render(status, &view))
}

pub async fn result(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let input = QuickInput::parse(&query, &state.catalog);
    if let Some(page) = gate(&state, auth.as_ref(), &input, 4) {
        return Ok(page);
    }
    let (token, cookie) = visitor_token(&headers, state.config.secure_cookies);
    let page = result_page(
        &state,
        StatusCode::OK,
        auth.as_ref(),
        &input,
        SaveForm {
            token: &token,
            new_account: NewAccount::default(),
            problem: None,
        },
    )
    .await?;
    Ok(with_cookie(page, cookie))
}

pub async fn report(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    origin: crate::audit::Origin,
    Path(format): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let input = QuickInput::parse(&query, &state.catalog);
    if let Some(page) = gate(&state, auth.as_ref(), &input, 4) {
        return Ok(page);
    }
    let (result, assessment) = compute(&state, &input).await?;
    let computed = std::sync::Arc::new(crate::cache::Computed { result, assessment });
    let response = api::report_response(&state, computed, None, &format).await?;
    // No organisation: the quick assessment is stored nowhere.
    let (user, event) = (
        auth.as_ref().map(|a| &a.user),
        crate::audit::Event::ReportExported,
    );
    let subject = format!("quick/report.{format}");
    crate::ops::audit::downloaded(&state, user, None, event, &subject, &origin).await?;
    Ok(response)
}

pub async fn save(State(state): State<AppState>, request: Request) -> PageResult<Response> {
    let headers = request.headers().clone();
    let extensions = request.extensions().clone();
    let (parts, body) = request.into_parts();
    let signed = match identify(&parts, &state).await {
        Ok(auth) => Some(auth),
        Err(ApiError::Unauthenticated) => None,
        Err(other) => return Err(other.into()),
    };
    let fields = read_form(Request::from_parts(parts, body), &state).await?;
    let secure = state.config.secure_cookies;
    match &signed {
        Some(Auth {
            via: Via::Session { csrf, .. },
            ..
        }) => security::check_csrf_token(&headers, csrf, fields.get("csrf").unwrap_or(""))?,
        Some(_) => {}
        None => security::check_visitor_form(
            &headers,
            fields.get(security::FORM_FIELD).unwrap_or(""),
            secure,
        )?,
    }
    let input = QuickInput::parse(&fields.0, &state.catalog);
    if let Some(page) = gate(&state, signed.as_ref(), &input, 4) {
        return Ok(page);
    }
    let as_of = api::today();
    let document = input.document(as_of);
    aimsgap_assess::from_document("quick assessment", &document, &state.catalog, as_of)
        .map_err(|errors| crate::ops::assessments::located(&errors))?;
    // A signed-in user may save into an organisation where they edit, instead of a new one.
    let target = match (&signed, fields.get("target")) {
        (Some(auth), Some(org)) if org != "new" => {
            if !api::org_role(&state, auth, org).await?.can_edit() {
                return Err(ApiError::Forbidden.into());
            }
            Some(org.to_string())
        }
        _ => None,
    };
    let (user, cookie) = match signed {
        Some(auth) => (auth.user, None),
        None => {
            let name = fields.get("name").unwrap_or("");
            let email = fields.get("email").unwrap_or("");
            let password = fields
                .0
                .iter()
                .find(|(k, _)| k == "password")
                .map_or("", |(_, v)| v.as_str());
            // The page names the form's field in a sentence; the API's wording is for clients.
            let checked = crate::ops::accounts::check_new_account(
                &email.trim().to_lowercase(),
                name,
                password,
            );
            let created = match checked {
                Ok(()) => {
                    api::create_account(&state, &headers, &extensions, email, name, password).await
                }
                Err(broken) => Err(ApiError::BadRequest(broken.sentence)),
            };
            match created {
                Ok(user) => {
                    let (_, cookie) = api::new_session(&state, &user).await?;
                    (user, Some(cookie))
                }
                Err(error @ (ApiError::BadRequest(_) | ApiError::Exists(_))) => {
                    let problem = match &error {
                        ApiError::Exists(_) => "An account with this e-mail address already exists: sign in first, then save from this page again.".to_string(),
                        other => other.to_string(),
                    };
                    let (token, cookie) = visitor_token(&headers, secure);
                    let page = result_page(
                        &state,
                        status_of(&error),
                        None,
                        &input,
                        SaveForm {
                            token: &token,
                            new_account: NewAccount {
                                name: name.to_string(),
                                email: email.to_string(),
                            },
                            problem: Some(&problem),
                        },
                    )
                    .await?;
                    return Ok(with_cookie(page, cookie));
                }
                Err(other) => return Err(other.into()),
            }
        }
    };
    let org_name = if input.org_name.is_empty() {
        "My organisation".to_string()
    } else {
        input.org_name.clone()
    };
    let org = match target {
        Some(org) => org,
        None => {
            state
                .store
                .create_organization(&org_name, &user.id)
                .await?
                .id
        }
    };
    let meta = state
        .store
        .create_assessment(
            &org,
            &format!("Quick assessment {as_of}"),
            &document,
            &user.id,
        )
        .await?;
    Ok(with_cookie(
        see_other(&format!("/assessments/{}", meta.id)),
        cookie,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        aimsgap_catalog::builtin().unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn as_of() -> Date {
        Date::parse("2026-12-01").unwrap_or_else(|e| panic!("{e}"))
    }

    /// A walked quick assessment: ISO/IEC 27001 as given, one AI system, the EU and Colorado.
    fn iso_input(catalog: &Catalog, iso: &str, scope: &str) -> QuickInput {
        let pairs: Vec<(String, String)> = [
            ("size", "150"),
            ("team", "2"),
            ("jur", "EU"),
            ("jur", "US-CO"),
            ("iso", iso),
            ("soc2", "no"),
            ("scope_ai", scope),
            ("n", "1"),
            ("s1_name", "CV screening"),
            ("s1_role", "deployer"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        QuickInput::parse(&pairs, catalog)
    }

    #[test]
    fn every_answered_id_exists_and_no_requirement_is_answered_twice() {
        let catalog = catalog();
        let Some(iso) = catalog.framework(aimsgap_assess::TARGET) else {
            panic!("no ISO/IEC 42001");
        };
        for question in QUESTIONS {
            for id in question.answers {
                assert!(iso.get(id).is_some(), "{}: unknown id {id}", question.id);
            }
        }
        for requirement in iso.assessable() {
            let reaching: Vec<&str> = QUESTIONS
                .iter()
                .filter(|q| q.reaches(&requirement.id))
                .map(|q| q.id)
                .collect();
            assert!(
                reaching.len() <= 1,
                "{} is answered by {reaching:?}",
                requirement.id
            );
        }
        let mut ids: Vec<&str> = QUESTIONS.iter().map(|q| q.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), QUESTIONS.len(), "question ids are unique");
    }

    #[test]
    fn every_blocker_clause_is_asked_by_a_blocker_question() {
        for clause in rules::BLOCKER_CLAUSES {
            let askers: Vec<&Question> = QUESTIONS
                .iter()
                .filter(|q| q.answers.iter().any(|a| under(clause, a)))
                .collect();
            assert_eq!(askers.len(), 1, "{clause}");
            assert!(askers.iter().all(|q| q.blocker()), "{clause}");
        }
    }

    /// Every requirement of clauses 4 to 10 and of Annex A is governed by the answer of an
    /// asked question (the engine's own lookup), or else carries inherited credit that makes
    /// it at least `partial`: the figure measures what was asked or inherited, never what was
    /// left out.
    fn assert_everything_reached(catalog: &Catalog, input: &QuickInput, case: &str) {
        let Some(iso) = catalog.framework(aimsgap_assess::TARGET) else {
            panic!("no ISO/IEC 42001");
        };
        let assessment = input.assessment(as_of());
        let (asked, _) = split_questions(catalog, &assessment);
        let answers: Vec<Answer> = asked
            .iter()
            .flat_map(|q| q.answers.iter())
            .map(|id| Answer {
                id: (*id).to_string(),
                status: AnswerStatus::Implemented,
                maturity: None,
                owner: None,
                evidence: Vec::new(),
                justification: None,
                notes: None,
                due: None,
            })
            .collect();
        let mut groups: Vec<String> = (4..=10).map(|c| c.to_string()).collect();
        groups.extend((2..=10).map(|o| format!("A.{o}")));
        let mut reached_groups = Vec::new();
        for requirement in iso.assessable() {
            let group = groups.iter().find(|g| under(&requirement.id, g));
            assert!(
                group.is_some(),
                "{} lies in no clause or objective",
                requirement.id
            );
            let governed = aimsgap_assess::governing_answer(iso, &answers, &requirement.id);
            let inherited = aimsgap_assess::inherited_credit(catalog, &assessment, &requirement.id)
                .0
                .hi;
            assert!(
                governed.is_some() || inherited >= rules::INHERITED_PARTIAL,
                "{case}: {} is neither asked nor inherited ({inherited})",
                requirement.id
            );
            if let Some(group) = group {
                reached_groups.push(group.clone());
            }
        }
        for group in &groups {
            assert!(
                reached_groups.contains(group),
                "{case}: {group} has no requirement"
            );
        }
    }

    #[test]
    fn every_clause_and_objective_is_asked_or_inherited() {
        let catalog = catalog();
        for (iso, scope) in [
            ("no", "unsure"),
            ("certified", "yes"),
            ("certified", "no"),
            ("certified", "unsure"),
            ("in_progress", "no"),
        ] {
            let input = iso_input(&catalog, iso, scope);
            assert_everything_reached(&catalog, &input, &format!("ISO 27001 {iso}, scope {scope}"));
        }
        // Without any certificate, every question is asked.
        let bare = iso_input(&catalog, "no", "unsure");
        let (asked, covered) = split_questions(&catalog, &bare.assessment(as_of()));
        assert_eq!(asked.len(), QUESTIONS.len());
        assert!(covered.is_empty());
    }

    #[test]
    fn iso_27001_covers_audit_review_and_improvement_whatever_its_scope() {
        let catalog = catalog();
        for scope in ["yes", "no", "unsure"] {
            let input = iso_input(&catalog, "certified", scope);
            let (asked, covered) = split_questions(&catalog, &input.assessment(as_of()));
            let covered: Vec<&str> = covered.iter().map(|(q, _)| q.id).collect();
            assert_eq!(covered, ["audit", "review", "monitoring"], "scope {scope}");
            assert_eq!(asked.len(), QUESTIONS.len() - 3);
            // The AI-specific blockers are always asked.
            for id in ["scope", "policy", "risk", "impact"] {
                assert!(
                    asked.iter().any(|q| q.id == id),
                    "{id} asked, scope {scope}"
                );
            }
        }
    }

    #[test]
    fn a_reply_answers_every_id_of_its_question_and_not_sure_none() {
        let catalog = catalog();
        let mut pairs = iso_input(&catalog, "no", "unsure").to_pairs();
        pairs.push(("q_policy".into(), "partly".into()));
        pairs.push(("q_data".into(), "unsure".into()));
        pairs.push(("q_bogus".into(), "yes".into()));
        let input = QuickInput::parse(&pairs, &catalog);
        let answers = input.assessment(as_of()).answers;
        let ids: Vec<&str> = answers.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["5.2", "A.2"]);
        assert!(answers.iter().all(|a| a.status == AnswerStatus::Partial));
        // The answers survive the trip through the query string.
        assert_eq!(QuickInput::parse(&input.to_pairs(), &catalog), input);
    }

    #[test]
    fn problems_name_the_step_and_field_and_keep_what_was_entered() {
        let catalog = catalog();
        let empty = QuickInput::parse(&[], &catalog);
        let fields: Vec<(usize, String)> = empty
            .problems(4)
            .into_iter()
            .map(|p| (p.step, p.field))
            .collect();
        assert_eq!(
            fields,
            [
                (0, "size".to_string()),
                (0, "team".to_string()),
                (1, "iso".to_string()),
                (1, "soc2".to_string()),
                (2, "s1_name".to_string()),
            ]
        );
        // A nameless system with a role: the name is the problem, and the role is kept.
        let pairs: Vec<(String, String)> =
            [("n", "2"), ("s1_name", "Chatbot"), ("s2_role", "provider")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let input = QuickInput::parse(&pairs, &catalog);
        let problems = input.problems(3);
        let nameless = problems.iter().find(|p| p.field == "s2_name");
        assert!(nameless.is_some_and(|p| p.message.contains("Give AI system 2 a name")));
        let roleless = problems.iter().find(|p| p.field == "s1_role");
        assert!(roleless.is_some_and(|p| p.message.contains("Chatbot")));
        assert!(
            input
                .to_pairs()
                .contains(&("s2_role".into(), "provider".into()))
        );
    }
}
