//! The quick assessment: no account, nothing stored. Four short steps of plain GET forms whose
//! answers travel in the query string (each step repeats the earlier answers as hidden fields),
//! then the result, computed by the engine from an [`Assessment`] built here in code.
//!
//! Step 4 asks only about the certification blockers (`rules::BLOCKER_CLAUSES`, what a Stage 1
//! auditor checks first) that the certifications of step 2 leave with little inherited credit,
//! so an ISO/IEC 27001 organisation with one AI system answers fewer than 25 questions in all.

use super::account::NewAccount;
use super::layout::{Choice, Frame, choices, pct, query_string, render, see_other};
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
use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

/// Jurisdictions offered, with the codes the law catalogs use.
const JURISDICTIONS: &[(&str, &str)] = &[
    ("EU", "European Union"),
    ("US", "United States"),
    ("US-CO", "Colorado (US)"),
    ("UK", "United Kingdom"),
];

/// Size bands, each with the head count that stands for it (it scales effort estimates).
const SIZES: &[(u32, &str)] = &[
    (25, "1 to 49 people"),
    (150, "50 to 249"),
    (500, "250 to 999"),
    (2000, "1,000 to 4,999"),
    (6000, "5,000 or more"),
];

/// At most this many AI systems in a quick assessment.
const MAX_SYSTEMS: usize = 3;

/// Longest text kept from a field.
const MAX_TEXT: usize = 200;

/// One question of step 4: a clause whose answer applies to every requirement beneath it.
#[derive(Debug)]
pub struct Question {
    /// The ISO/IEC 42001 clause answered.
    pub id: &'static str,
    pub text: &'static str,
    pub hint: &'static str,
    /// The blocker clauses of `rules::BLOCKER_CLAUSES` it answers. Invariant (tested): every
    /// blocker clause is covered by exactly one question, and each lies under `id`.
    pub covers: &'static [&'static str],
}

pub const QUESTIONS: &[Question] = &[
    Question {
        id: "4.3",
        text: "Is the scope of your AI management system documented and approved?",
        hint: "Which AI systems, teams, sites and interfaces it covers, and what it leaves out.",
        covers: &["4.3"],
    },
    Question {
        id: "5.2",
        text: "Has top management approved an AI policy?",
        hint: "A policy that sets the direction for AI, commits to meeting requirements and to improving, and is communicated.",
        covers: &["5.2"],
    },
    Question {
        id: "6.1.2",
        text: "Do you assess AI risks with a defined, repeatable method?",
        hint: "Risk criteria, identification, analysis and evaluation of the risks of your AI systems, with results kept.",
        covers: &["6.1.2"],
    },
    Question {
        id: "6.1.3",
        text: "Do you treat AI risks with chosen controls and a Statement of Applicability?",
        hint: "Treatment options, the necessary controls compared with Annex A, and the justified list of included and excluded controls.",
        covers: &["6.1.3"],
    },
    Question {
        id: "6.1.4",
        text: "Do you assess the impact of your AI systems on people and society?",
        hint: "An AI system impact assessment for individuals, groups and society, with documented results.",
        covers: &["6.1.4"],
    },
    Question {
        id: "6.2",
        text: "Have you set measurable AI objectives with plans to reach them?",
        hint: "Objectives consistent with the AI policy, with who does what, by when, and how results are evaluated.",
        covers: &["6.2"],
    },
    Question {
        id: "9.2",
        text: "Does an internal audit programme cover the AI management system?",
        hint: "Audits at planned intervals against ISO/IEC 42001, by impartial auditors, with results reported.",
        covers: &["9.2.1", "9.2.2"],
    },
    Question {
        id: "9.3",
        text: "Does top management review the AI management system at planned intervals?",
        hint: "Reviews on the defined inputs, with decisions on improvement and change recorded.",
        covers: &["9.3.1", "9.3.2", "9.3.3"],
    },
];

/// A question is asked when the certifications give its requirements less than this mean
/// inherited credit (high end): three quarters of what inheritance can ever give.
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
}

/// One AI system as the quick assessment asks about it.
#[derive(Clone, Debug, Default, PartialEq)]
struct QuickSystem {
    name: String,
    role: Option<SystemRole>,
    markets: Vec<String>,
    people: Option<bool>,
    content: Option<bool>,
    annex_iii: Option<String>,
    decision: Option<String>,
    gpai: Option<bool>,
}

/// Every answer of the quick assessment, validated: unknown values are dropped, texts cut.
#[derive(Clone, Debug, PartialEq)]
pub struct QuickInput {
    org_name: String,
    employees: Option<u32>,
    jurisdictions: Vec<String>,
    iso: Option<Iso>,
    soc2: Option<Soc2>,
    soc2_categories: Vec<TrustCategory>,
    scope_ai: Option<bool>,
    /// Slots shown on step 3 (1..=3); a slot without a name is no system.
    slots: Vec<QuickSystem>,
    replies: Vec<(&'static str, Reply)>,
}

fn clip(text: &str) -> String {
    text.trim().chars().take(MAX_TEXT).collect()
}

fn yes_no(text: Option<&str>) -> Option<bool> {
    match text {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    }
}

fn word(value: Option<bool>) -> Option<&'static str> {
    value.map(|v| if v { "yes" } else { "no" })
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
        let known = |values: Vec<String>, allowed: &[&str]| -> Vec<String> {
            let mut out: Vec<String> = Vec::new();
            for value in values {
                if allowed.contains(&value.as_str()) && !out.contains(&value) {
                    out.push(value);
                }
            }
            out
        };
        let codes: Vec<&str> = JURISDICTIONS.iter().map(|(code, _)| *code).collect();
        let areas = list_ids(catalog, "eu-ai-act", "annex_iii_areas");
        let decisions = list_ids(catalog, "colorado-ai", "consequential_decisions");
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
                QuickSystem {
                    name: first(&key("name")).map(clip).unwrap_or_default(),
                    role: first(&key("role")).and_then(|r| match r {
                        "provider" => Some(SystemRole::Provider),
                        "deployer" => Some(SystemRole::Deployer),
                        _ => None,
                    }),
                    markets: known(all(&key("market")), &codes),
                    people: yes_no(first(&key("people"))),
                    content: yes_no(first(&key("content"))),
                    annex_iii: first(&key("annex3"))
                        .filter(|a| areas.iter().any(|(id, _)| id == a))
                        .map(str::to_string),
                    decision: first(&key("decision"))
                        .filter(|d| decisions.iter().any(|(id, _)| id == d))
                        .map(str::to_string),
                    gpai: yes_no(first(&key("gpai"))),
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
            jurisdictions: known(all("jur"), &codes),
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
            scope_ai: yes_no(first("scope_ai")),
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
        for code in &self.jurisdictions {
            push("jur", code);
        }
        if let Some(iso) = self.iso {
            push(
                "iso",
                match iso {
                    Iso::Certified => "certified",
                    Iso::InProgress => "in_progress",
                    Iso::No => "no",
                },
            );
        }
        if let Some(soc2) = self.soc2 {
            push(
                "soc2",
                match soc2 {
                    Soc2::Type2 => "type2",
                    Soc2::Type1 => "type1",
                    Soc2::No => "no",
                },
            );
        }
        for category in &self.soc2_categories {
            push("soc2_cat", category.as_str());
        }
        if let Some(scope) = word(self.scope_ai) {
            push("scope_ai", scope);
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
            for market in &slot.markets {
                push(&key("market"), market);
            }
            for (field, value) in [
                ("people", slot.people),
                ("content", slot.content),
                ("gpai", slot.gpai),
            ] {
                if let Some(value) = word(value) {
                    push(&key(field), value);
                }
            }
            if let Some(area) = &slot.annex_iii {
                push(&key("annex3"), area);
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
        let scope = self.scope_ai == Some(true);
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

    /// The assessment these answers describe, built in code.
    pub fn assessment(&self, as_of: Date) -> Assessment {
        Assessment {
            as_of,
            organization: Organization {
                name: self.organization_name(),
                employees: self.employees.unwrap_or(50),
                sector: String::new(),
                jurisdictions: self.jurisdictions.clone(),
                team_fte: 1.0,
            },
            certifications: self.certifications(),
            ai_systems: self
                .systems()
                .map(|(i, s)| AiSystem {
                    id: format!("system-{i}"),
                    name: s.name.clone(),
                    role: s.role,
                    markets: s.markets.clone(),
                    interacts_with_natural_persons: s.people == Some(true),
                    generates_synthetic_content: s.content == Some(true),
                    annex_iii_area: s.annex_iii.clone(),
                    consequential_decisions: s.decision.iter().cloned().collect(),
                    gpai_model: s.gpai == Some(true),
                    ..AiSystem::default()
                })
                .collect(),
            answers: self
                .replies
                .iter()
                .filter_map(|(id, reply)| {
                    reply.status().map(|status| Answer {
                        id: (*id).to_string(),
                        status,
                        maturity: None,
                        owner: None,
                        evidence: Vec::new(),
                        justification: None,
                        notes: None,
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

/// The questions of step 4 to ask, and those the certifications already answer with the mean
/// inherited credit (high end) of their requirements.
pub fn split_questions(
    catalog: &Catalog,
    assessment: &Assessment,
) -> (Vec<&'static Question>, Vec<(&'static Question, f64)>) {
    let mut asked = Vec::new();
    let mut covered = Vec::new();
    let Some(iso) = catalog.framework(aimsgap_assess::TARGET) else {
        return (QUESTIONS.iter().collect(), covered);
    };
    for question in QUESTIONS {
        let credits: Vec<f64> = iso
            .assessable()
            .filter(|r| {
                question.covers.iter().any(|clause| {
                    r.id == *clause
                        || r.id
                            .strip_prefix(clause)
                            .is_some_and(|rest| rest.starts_with('.'))
                })
            })
            .map(|r| {
                aimsgap_assess::inherited_credit(catalog, assessment, &r.id)
                    .0
                    .hi
            })
            .collect();
        let mean = if credits.is_empty() {
            0.0
        } else {
            credits.iter().sum::<f64>() / credits.len() as f64
        };
        if mean < LITTLE_CREDIT {
            asked.push(question);
        } else {
            covered.push((question, mean));
        }
    }
    (asked, covered)
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

/// What every step shows around its form (`templates/quick/step.html`).
#[derive(Debug)]
struct Step {
    steps: Vec<StepLink>,
    heading: &'static str,
    /// Hidden fields for every answer that the current step does not ask itself.
    carried: Vec<(String, String)>,
    /// The previous step, with the answers so far.
    back: String,
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
        }
    }
}

#[derive(Template, Debug)]
#[template(path = "quick/organisation.html")]
struct OrganisationStep {
    frame: Frame,
    step: Step,
    org_name: String,
    sizes: Vec<Choice>,
    jurisdictions: Vec<Choice>,
}

pub async fn organisation(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let input = QuickInput::parse(&query, &state.catalog);
    let size = input.employees.map(|n| n.to_string()).unwrap_or_default();
    let sizes: Vec<(String, &str)> = SIZES.iter().map(|(n, t)| (n.to_string(), *t)).collect();
    let jurisdictions: Vec<&str> = input.jurisdictions.iter().map(String::as_str).collect();
    let heading = "Your organisation";
    let view = OrganisationStep {
        frame: Frame::new(format!("Quick assessment: {heading}"), auth.as_ref()),
        step: Step::new(0, heading, &input, |k| {
            matches!(k, "org_name" | "size" | "jur")
        }),
        org_name: input.org_name.clone(),
        sizes: choices(&sizes, &[size.as_str()]),
        jurisdictions: choices(JURISDICTIONS, &jurisdictions),
    };
    render(StatusCode::OK, &view)
}

#[derive(Template, Debug)]
#[template(path = "quick/certifications.html")]
struct CertificationsStep {
    frame: Frame,
    step: Step,
    iso: Vec<Choice>,
    soc2: Vec<Choice>,
    soc2_categories: Vec<Choice>,
    scope_ai: Vec<Choice>,
}

pub async fn certifications(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let input = QuickInput::parse(&query, &state.catalog);
    let iso = match input.iso {
        Some(Iso::Certified) => "certified",
        Some(Iso::InProgress) => "in_progress",
        Some(Iso::No) => "no",
        None => "",
    };
    let soc2 = match input.soc2 {
        Some(Soc2::Type2) => "type2",
        Some(Soc2::Type1) => "type1",
        Some(Soc2::No) => "no",
        None => "",
    };
    let categories: Vec<&str> = input.soc2_categories.iter().map(|c| c.as_str()).collect();
    // "Not sure" is sent but kept as no answer; show it chosen again.
    let scope = word(input.scope_ai).unwrap_or(if query.iter().any(|(k, _)| k == "scope_ai") {
        "unsure"
    } else {
        ""
    });
    let heading = "What you already hold";
    let view = CertificationsStep {
        frame: Frame::new(format!("Quick assessment: {heading}"), auth.as_ref()),
        step: Step::new(1, heading, &input, |k| {
            matches!(k, "iso" | "soc2" | "soc2_cat" | "scope_ai")
        }),
        iso: choices(
            &[
                ("certified", "Yes, certified"),
                ("in_progress", "Working towards it"),
                ("no", "No"),
            ],
            &[iso],
        ),
        soc2: choices(
            &[
                ("type2", "Yes, Type 2"),
                ("type1", "Yes, Type 1"),
                ("no", "No"),
            ],
            &[soc2],
        ),
        soc2_categories: choices(
            &[
                ("availability", "Availability"),
                ("confidentiality", "Confidentiality"),
                ("processing_integrity", "Processing integrity"),
                ("privacy", "Privacy"),
            ],
            &categories,
        ),
        scope_ai: choices(
            &[("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")],
            &[scope],
        ),
    };
    render(StatusCode::OK, &view)
}

/// The fields of one AI system on step 3.
#[derive(Debug)]
struct SystemSlot {
    number: usize,
    name: String,
    role: Vec<Choice>,
    markets: Vec<Choice>,
    people: Vec<Choice>,
    content: Vec<Choice>,
    areas: Vec<Choice>,
    decisions: Vec<Choice>,
    gpai: Vec<Choice>,
}

impl SystemSlot {
    fn new(catalog: &Catalog, number: usize, slot: &QuickSystem) -> SystemSlot {
        let markets: Vec<&str> = slot.markets.iter().map(String::as_str).collect();
        let yes_no = [("yes", "Yes"), ("no", "No")];
        let mut areas = vec![(String::new(), "None of these".to_string())];
        areas.extend(list_ids(catalog, "eu-ai-act", "annex_iii_areas"));
        let mut decisions = vec![(String::new(), "No".to_string())];
        decisions.extend(list_ids(catalog, "colorado-ai", "consequential_decisions"));
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
            markets: choices(JURISDICTIONS, &markets),
            people: choices(&yes_no, &[word(slot.people).unwrap_or("")]),
            content: choices(&yes_no, &[word(slot.content).unwrap_or("")]),
            areas: choices(&areas, &[slot.annex_iii.as_deref().unwrap_or("")]),
            decisions: choices(&decisions, &[slot.decision.as_deref().unwrap_or("")]),
            gpai: choices(&yes_no, &[word(slot.gpai).unwrap_or("")]),
        }
    }

    /// The name of one of its fields: `s2_market`.
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

pub async fn systems(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let input = QuickInput::parse(&query, &state.catalog);
    let shown = input.slots.len();
    let heading = "Your AI systems";
    let view = SystemsStep {
        frame: Frame::new(format!("Quick assessment: {heading}"), auth.as_ref()),
        // The fields of the system slots: n, s1_name, s2_market, ...
        step: Step::new(2, heading, &input, |k| {
            k == "n"
                || k.strip_prefix('s')
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        }),
        shown,
        slots: input
            .slots
            .iter()
            .enumerate()
            .map(|(i, slot)| SystemSlot::new(&state.catalog, i + 1, slot))
            .collect(),
        removable: shown > 1,
        add: (shown < MAX_SYSTEMS).then_some(shown + 1),
    };
    render(StatusCode::OK, &view)
}

/// A question of step 4 that is asked.
#[derive(Debug)]
struct Asked {
    name: String,
    legend: String,
    hint: &'static str,
    replies: Vec<Choice>,
}

/// A question of step 4 that the certifications already answer.
#[derive(Debug)]
struct Covered {
    id: &'static str,
    text: &'static str,
    credit: String,
}

#[derive(Template, Debug)]
#[template(path = "quick/questions.html")]
struct QuestionsStep {
    frame: Frame,
    step: Step,
    covered: Vec<Covered>,
    asked: Vec<Asked>,
}

pub async fn questions(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let input = QuickInput::parse(&query, &state.catalog);
    let assessment = input.assessment(api::today());
    let (asked, covered) = split_questions(&state.catalog, &assessment);
    let replies: Vec<(&str, &str)> = Reply::ALL.iter().map(|(_, w, t)| (*w, *t)).collect();
    let heading = "The questions that matter most";
    let view = QuestionsStep {
        frame: Frame::new(format!("Quick assessment: {heading}"), auth.as_ref()),
        step: Step::new(3, heading, &input, |k| k.starts_with("q_")),
        covered: covered
            .iter()
            .map(|(question, credit)| Covered {
                id: question.id,
                text: question.text,
                credit: pct(*credit),
            })
            .collect(),
        asked: asked
            .iter()
            .map(|question| {
                let current = input
                    .replies
                    .iter()
                    .find(|(id, _)| id == &question.id)
                    .map_or("", |(_, r)| r.word());
                Asked {
                    name: format!("q_{}", question.id),
                    legend: format!("{} {}", question.id, question.text),
                    hint: question.hint,
                    replies: choices(&replies, &[current]),
                }
            })
            .collect(),
    };
    render(StatusCode::OK, &view)
}

fn compute(state: &AppState, input: &QuickInput) -> ApiResult<(AssessmentResult, Assessment)> {
    let assessment = input.assessment(api::today());
    let result = aimsgap_assess::assess(&state.catalog, &assessment)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((result, assessment))
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
    /// The questions the certifications answered, so not asked.
    not_asked: String,
}

fn result_page(
    state: &AppState,
    status: StatusCode,
    auth: Option<&Auth>,
    input: &QuickInput,
    save: SaveForm<'_>,
) -> ApiResult<Response> {
    let (result, assessment) = compute(state, input)?;
    let catalog = &state.catalog;
    let (_, covered) = split_questions(catalog, &assessment);
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
        not_asked: covered
            .iter()
            .map(|(q, _)| q.id)
            .collect::<Vec<_>>()
            .join(", "),
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
    )?;
    Ok(with_cookie(page, cookie))
}

pub async fn report(
    State(state): State<AppState>,
    Path(format): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let input = QuickInput::parse(&query, &state.catalog);
    let (result, assessment) = compute(&state, &input)?;
    Ok(api::report_response(&state, result, assessment, &format).await?)
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
    let as_of = api::today();
    let document = input.document(as_of);
    aimsgap_assess::from_document("quick assessment", &document, &state.catalog, as_of)
        .map_err(|errors| crate::ops::assessments::located(&errors))?;
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
            match api::create_account(&state, &headers, &extensions, email, name, password).await {
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
                    )?;
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
    let org = state.store.create_organization(&org_name, &user.id).await?;
    let meta = state
        .store
        .create_assessment(
            &org.id,
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

    #[test]
    fn every_blocker_clause_is_asked_by_exactly_one_question_under_it() {
        for clause in rules::BLOCKER_CLAUSES {
            let askers: Vec<&Question> = QUESTIONS
                .iter()
                .filter(|q| q.covers.contains(clause))
                .collect();
            assert_eq!(askers.len(), 1, "{clause}");
            let question = askers.first().map_or("", |q| q.id);
            assert!(
                *clause == question || clause.starts_with(&format!("{question}.")),
                "{clause} under {question}"
            );
        }
        let covered: usize = QUESTIONS.iter().map(|q| q.covers.len()).sum();
        assert_eq!(covered, rules::BLOCKER_CLAUSES.len());
    }
}
