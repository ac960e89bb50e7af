//! The quick assessment: no account, nothing stored. Four short steps of plain GET forms whose
//! answers travel in the query string (each step repeats the earlier answers as hidden fields),
//! then the result, computed by the engine from an [`Assessment`] built here in code.
//!
//! Step 4 asks only about the certification blockers (`rules::BLOCKER_CLAUSES`, what a Stage 1
//! auditor checks first) that the certifications of step 2 leave with little inherited credit,
//! so an ISO/IEC 27001 organisation with one AI system answers fewer than 25 questions in all.

use super::layout::{
    choices, e, framework_label, hidden, html, input as field, page, pct, query_string, see_other,
    select, table,
};
use super::{PageResult, status_of, visitor_token, with_cookie};
use crate::api;
use crate::auth::{Auth, MaybeAuth, Via, identify, read_form};
use crate::error::{ApiError, ApiResult};
use crate::{AppState, security};
use aimsgap_assess::rules;
use aimsgap_assess::{
    AiSystem, Answer, AnswerStatus, Assessment, AssessmentResult, Certification,
    CertificationStatus, ObligationState, Organization, ReportType, SystemRole, TrustCategory,
};
use aimsgap_catalog::{Catalog, Date};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use std::fmt::Write;

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

/// The list of steps, each a link carrying the answers so far; `current` is 0-based.
fn steps_nav(current: usize, query: &str) -> String {
    let mut html = String::from("<nav aria-label=\"Steps\"><ol class=\"steps\">");
    for (i, (path, name)) in STEPS.iter().enumerate() {
        if i == current {
            let _ = write!(html, "<li aria-current=\"step\">{name}</li>");
        } else {
            let _ = write!(html, "<li><a href=\"{path}?{}\">{name}</a></li>", e(query));
        }
    }
    html.push_str("</ol></nav>");
    html
}

/// Hidden fields for every answer that the current step does not ask itself.
fn carried(input: &QuickInput, own: impl Fn(&str) -> bool) -> String {
    input
        .to_pairs()
        .iter()
        .filter(|(k, _)| !own(k))
        .map(|(k, v)| hidden(k, v))
        .collect()
}

fn options(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(v, t)| ((*v).to_string(), (*t).to_string()))
        .collect()
}

fn step_page(
    auth: Option<&Auth>,
    step: usize,
    title: &str,
    input: &QuickInput,
    body: &str,
) -> Response {
    let query = query_string(&input.to_pairs());
    let content = format!("{}<h1>{}</h1>{body}", steps_nav(step, &query), e(title));
    html(
        StatusCode::OK,
        page(&format!("Quick assessment: {title}"), auth, &[], &content),
    )
}

fn back_link(step: usize, input: &QuickInput) -> String {
    match step.checked_sub(1).and_then(|i| STEPS.get(i)) {
        Some((path, _)) => format!(
            "<a href=\"{path}?{}\">Back</a>",
            e(&query_string(&input.to_pairs()))
        ),
        None => "<a href=\"/\">Back</a>".to_string(),
    }
}

pub async fn organisation(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let input = QuickInput::parse(&query, &state.catalog);
    let own = |k: &str| matches!(k, "org_name" | "size" | "jur");
    let size = input.employees.map(|n| n.to_string()).unwrap_or_default();
    let sizes: Vec<(String, String)> = SIZES
        .iter()
        .map(|(n, t)| (n.to_string(), (*t).to_string()))
        .collect();
    let jurisdictions: Vec<&str> = input.jurisdictions.iter().map(String::as_str).collect();
    let body = format!(
        "<p>Four short steps, then your result. Nothing is stored: your answers travel in the page address until you choose to save them.</p>\
         <form class=\"stack\" method=\"get\" action=\"/quick/certifications\">{}{}{}{}\
         <div class=\"actions\"><button type=\"submit\">Continue</button>{}</div></form>",
        carried(&input, own),
        field(
            "text",
            "org_name",
            "Organisation name (optional)",
            &input.org_name,
            " maxlength=\"200\" autocomplete=\"organization\""
        ),
        choices(
            "radio",
            "size",
            "How many people work in your organisation?",
            "It scales the effort of the roadmap.",
            &sizes,
            &[size.as_str()]
        ),
        choices(
            "checkbox",
            "jur",
            "Where do you operate or offer AI systems?",
            "The AI laws of these places are checked against your AI systems.",
            &options(JURISDICTIONS),
            &jurisdictions
        ),
        back_link(0, &input)
    );
    step_page(auth.as_ref(), 0, "Your organisation", &input, &body)
}

pub async fn certifications(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let input = QuickInput::parse(&query, &state.catalog);
    let own = |k: &str| matches!(k, "iso" | "soc2" | "soc2_cat" | "scope_ai");
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
    let body = format!(
        "<p>What you already hold earns credit towards ISO/IEC 42001 through published crosswalks, as a range to verify for your AI scope.</p>\
         <form class=\"stack\" method=\"get\" action=\"/quick/systems\">{}{}{}{}{}\
         <div class=\"actions\"><button type=\"submit\">Continue</button>{}</div></form>",
        carried(&input, own),
        choices(
            "radio",
            "iso",
            "Do you hold an ISO/IEC 27001 certificate?",
            "",
            &options(&[
                ("certified", "Yes, certified"),
                ("in_progress", "Working towards it"),
                ("no", "No")
            ]),
            &[iso]
        ),
        choices(
            "radio",
            "soc2",
            "Do you have a SOC 2 report?",
            "",
            &options(&[
                ("type2", "Yes, Type 2"),
                ("type1", "Yes, Type 1"),
                ("no", "No")
            ]),
            &[soc2]
        ),
        choices(
            "checkbox",
            "soc2_cat",
            "Which categories does the SOC 2 report cover besides Security?",
            "Security is always covered. Leave these empty without a SOC 2 report.",
            &options(&[
                ("availability", "Availability"),
                ("confidentiality", "Confidentiality"),
                ("processing_integrity", "Processing integrity"),
                ("privacy", "Privacy")
            ]),
            &categories
        ),
        choices(
            "radio",
            "scope_ai",
            "Does the certified or attested scope include your AI systems?",
            "A scope without them vouches for half as much.",
            &options(&[("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")]),
            &[
                word(input.scope_ai).unwrap_or(if query.iter().any(|(k, _)| k == "scope_ai") {
                    "unsure"
                } else {
                    ""
                })
            ]
        ),
        back_link(1, &input)
    );
    step_page(auth.as_ref(), 1, "What you already hold", &input, &body)
}

fn system_fields(catalog: &Catalog, i: usize, slot: &QuickSystem, removable: bool) -> String {
    let key = |field: &str| format!("s{i}_{field}");
    let markets: Vec<&str> = slot.markets.iter().map(String::as_str).collect();
    let yes_no_options = options(&[("yes", "Yes"), ("no", "No")]);
    let mut areas = vec![("".to_string(), "None of these".to_string())];
    areas.extend(list_ids(catalog, "eu-ai-act", "annex_iii_areas"));
    let mut decisions = vec![("".to_string(), "No".to_string())];
    decisions.extend(list_ids(catalog, "colorado-ai", "consequential_decisions"));
    let role = slot.role.map(|r| r.as_str()).unwrap_or("");
    let mut html = format!("<h2>AI system {i}</h2>");
    html.push_str(&field(
        "text",
        &key("name"),
        "What does it do?",
        &slot.name,
        " maxlength=\"200\" placeholder=\"e.g. CV screening, support chatbot\"",
    ));
    html.push_str(&choices(
        "radio",
        &key("role"),
        "Your role",
        "",
        &options(&[
            ("provider", "We build it (provider)"),
            ("deployer", "We use a system built by others (deployer)"),
        ]),
        &[role],
    ));
    html.push_str(&choices(
        "checkbox",
        &key("market"),
        "Where is it offered or used?",
        "",
        &options(JURISDICTIONS),
        &markets,
    ));
    html.push_str(&choices(
        "radio",
        &key("people"),
        "Does it interact directly with people?",
        "",
        &yes_no_options,
        &[word(slot.people).unwrap_or("")],
    ));
    html.push_str(&choices(
        "radio",
        &key("content"),
        "Does it generate text, images, audio or video?",
        "",
        &yes_no_options,
        &[word(slot.content).unwrap_or("")],
    ));
    html.push_str(&select(
        &key("annex3"),
        "Is it used in one of the EU AI Act's high-risk areas (Annex III)?",
        &areas,
        slot.annex_iii.as_deref().unwrap_or(""),
    ));
    html.push_str(&select(
        &key("decision"),
        "Does it make, or substantially help make, consequential decisions about people in Colorado?",
        &decisions,
        slot.decision.as_deref().unwrap_or(""),
    ));
    html.push_str(&choices(
        "radio",
        &key("gpai"),
        "Is it a general-purpose AI model that you provide to others?",
        "",
        &yes_no_options,
        &[word(slot.gpai).unwrap_or("")],
    ));
    if removable {
        let _ = write!(
            html,
            "<p><button type=\"submit\" class=\"secondary\" formaction=\"/quick/systems\" name=\"remove\" value=\"{i}\">Remove AI system {i}</button></p>"
        );
    }
    html
}

pub async fn systems(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let input = QuickInput::parse(&query, &state.catalog);
    // The fields of the system slots: s1_name, s2_market, ...
    let own = |k: &str| {
        k == "n"
            || k.strip_prefix('s')
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    };
    let shown = input.slots.len();
    let mut body = String::from(
        "<p>Describe up to three AI systems you build or use. Each is classified under the EU AI Act and Colorado's AI law, and its obligations are dated.</p>\
         <form class=\"stack\" method=\"get\" action=\"/quick/questions\">",
    );
    body.push_str(&carried(&input, own));
    body.push_str(&hidden("n", &shown.to_string()));
    for (i, slot) in input.slots.iter().enumerate() {
        body.push_str(&system_fields(&state.catalog, i + 1, slot, shown > 1));
    }
    body.push_str("<div class=\"actions\"><button type=\"submit\">Continue</button>");
    if shown < MAX_SYSTEMS {
        let _ = write!(
            body,
            "<button type=\"submit\" class=\"secondary\" formaction=\"/quick/systems\" name=\"n\" value=\"{}\">Add another AI system</button>",
            shown + 1
        );
    }
    body.push_str(&back_link(2, &input));
    body.push_str("</div></form>");
    step_page(auth.as_ref(), 2, "Your AI systems", &input, &body)
}

pub async fn questions(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let input = QuickInput::parse(&query, &state.catalog);
    let own = |k: &str| k.starts_with("q_");
    let assessment = input.assessment(api::today());
    let (asked, covered) = split_questions(&state.catalog, &assessment);
    let mut body = String::from(
        "<p>These are the documents and processes a Stage 1 auditor checks first: an ISO/IEC 42001 certificate cannot be issued without them. Answer what you know; <q>Not sure</q> counts as no answer.</p>",
    );
    if !covered.is_empty() {
        body.push_str("<div class=\"notice\"><p>Your certifications already give good credit for these, so they are not asked here:</p><ul>");
        for (question, credit) in &covered {
            let _ = write!(
                body,
                "<li>{} {} <span class=\"muted\">(up to {} inherited)</span></li>",
                e(question.id),
                e(question.text),
                pct(*credit)
            );
        }
        body.push_str("</ul></div>");
    }
    body.push_str("<form class=\"stack\" method=\"get\" action=\"/quick/result\">");
    body.push_str(&carried(&input, own));
    for question in &asked {
        let current = input
            .replies
            .iter()
            .find(|(id, _)| id == &question.id)
            .map_or("", |(_, r)| r.word());
        let name = format!("q_{}", question.id);
        let replies: Vec<(String, String)> = Reply::ALL
            .iter()
            .map(|(_, w, t)| ((*w).to_string(), (*t).to_string()))
            .collect();
        let _ = write!(
            body,
            "<div class=\"question\">{}</div>",
            choices(
                "radio",
                &name,
                &format!("{} {}", question.id, question.text),
                question.hint,
                &replies,
                &[current]
            )
        );
    }
    body.push_str("<div class=\"actions\"><button type=\"submit\">See the result</button>");
    body.push_str(&back_link(3, &input));
    body.push_str("</div></form>");
    step_page(
        auth.as_ref(),
        3,
        "The questions that matter most",
        &input,
        &body,
    )
}

fn compute(state: &AppState, input: &QuickInput) -> ApiResult<(AssessmentResult, Assessment)> {
    let assessment = input.assessment(api::today());
    let result = aimsgap_assess::assess(&state.catalog, &assessment)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((result, assessment))
}

/// Why a gap ranks where it does, in words, from its factors.
fn why(gap: &aimsgap_assess::Gap) -> Vec<String> {
    let f = &gap.factors;
    let mut reasons = Vec::new();
    if gap.blocker {
        reasons.push("a certification blocker: a Stage 1 auditor checks it first".to_string());
    }
    if f.regulatory >= 0.6 && !f.obligations.is_empty() {
        reasons.push(format!(
            "supports legal obligations due soon or already in force ({})",
            f.obligations.join(", ")
        ));
    }
    if f.system_risk >= 0.7 && !f.systems.is_empty() {
        reasons.push(format!(
            "concerns a high-risk AI system ({})",
            f.systems.join(", ")
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

/// The summary, verdict, gaps, actions and obligations of a result: shared by the quick result
/// and the workspace's assessment page.
pub fn result_summary(catalog: &Catalog, result: &AssessmentResult) -> String {
    let r = &result.readiness;
    let blockers = result.gaps.iter().filter(|g| g.blocker).count();
    let ready = result.verdict.ready_for_stage1;
    let mut html = format!(
        "<div class=\"cards\">\
         <div class=\"card\"><div class=\"label\">Readiness</div><div class=\"big\">{:.0}<span class=\"muted\" style=\"font-size:1rem\"> / 100</span></div><div>range {:.0} to {:.0}</div></div>\
         <div class=\"card\"><div class=\"label\">Requirements met</div><div class=\"big\">{} of {}</div><div>{} gaps open</div></div>\
         <div class=\"card\"><div class=\"label\">Blocker requirements open</div><div class=\"big\">{blockers}</div><div>checked first at Stage 1</div></div>\
         <div class=\"card\"><div class=\"label\">Stage 1 audit (plan)</div><div class=\"big\" style=\"font-size:1.4rem\">{}</div><div>Stage 2 {}</div></div></div>",
        r.point,
        r.lo,
        r.hi,
        r.met,
        r.counted,
        result.gaps.len(),
        result.roadmap.stage1_date,
        result.roadmap.stage2_date
    );
    let _ = write!(
        html,
        "<h2 id=\"verdict\">Verdict</h2><div class=\"notice {}\"><p><strong>{}</strong></p>",
        if ready { "good" } else { "bad" },
        if ready {
            "Ready for the Stage 1 audit"
        } else {
            "Not ready for the Stage 1 audit yet"
        }
    );
    // The first reasons show; a long list folds away so the gaps stay near the top.
    let reasons = &result.verdict.reasons;
    if !reasons.is_empty() {
        html.push_str("<ul>");
        for reason in reasons.iter().take(3) {
            let _ = write!(html, "<li>{}</li>", e(reason));
        }
        html.push_str("</ul>");
    }
    if reasons.len() > 3 {
        let _ = write!(
            html,
            "<details><summary>{} more reasons</summary><ul>",
            reasons.len() - 3
        );
        for reason in reasons.iter().skip(3) {
            let _ = write!(html, "<li>{}</li>", e(reason));
        }
        html.push_str("</ul></details>");
    }
    html.push_str("</div>");

    html.push_str("<h2 id=\"baseline\">What your certifications are worth</h2>");
    if result.baseline.is_empty() {
        html.push_str("<p>No certification is held, so every figure comes from your answers.</p>");
    } else {
        html.push_str("<ul>");
        for baseline in &result.baseline {
            let _ = write!(
                html,
                "<li><strong>{}</strong>: {:.0} of 100 on its own (range {:.0} to {:.0}), reaching {} of {} requirements.<details><summary>How this was derived</summary><ul>",
                e(&framework_label(catalog, &baseline.framework)),
                baseline.point,
                baseline.lo,
                baseline.hi,
                baseline.reached,
                baseline.counted
            );
            for line in &baseline.derivation {
                let _ = write!(html, "<li>{}</li>", e(line));
            }
            html.push_str("</ul></details></li>");
        }
        html.push_str("</ul>");
    }

    html.push_str("<h2 id=\"gaps\">Top gaps and why</h2>");
    if result.gaps.is_empty() {
        html.push_str("<p>No gap is open.</p>");
    } else {
        html.push_str("<ol>");
        for gap in result.gaps.iter().take(10) {
            let _ = write!(
                html,
                "<li><strong>{}</strong> {}{}<br><span class=\"muted\">Why: {}.</span><br>Next: {}</li>",
                e(&gap.id),
                e(&gap.title),
                if gap.blocker {
                    " <span class=\"blocker\">(blocker)</span>"
                } else {
                    ""
                },
                e(&why(gap).join("; ")),
                e(&gap.next_action)
            );
        }
        html.push_str("</ol>");
        if result.gaps.len() > 10 {
            let _ = write!(
                html,
                "<p class=\"muted\">{} more gaps are ranked in the full report.</p>",
                result.gaps.len() - 10
            );
        }
    }

    html.push_str("<h2 id=\"actions\">Next best actions</h2>");
    if result.next_actions.is_empty() {
        html.push_str("<p>Nothing left to do.</p>");
    } else {
        html.push_str("<ol>");
        for action in &result.next_actions {
            let _ = write!(
                html,
                "<li><strong>{}</strong>{}: {} <span class=\"muted\">(+{:.1} readiness for {:.1} person-days)</span></li>",
                e(&action.id),
                if action.blocker {
                    " <span class=\"blocker\">(blocker)</span>"
                } else {
                    ""
                },
                e(&action.action),
                action.gain,
                action.effort_days
            );
        }
        html.push_str("</ol>");
    }

    html.push_str("<h2 id=\"obligations\">Obligations of your AI systems</h2>");
    html.push_str(&obligations(catalog, result));
    html
}

/// The obligations of each AI system under each law, with their dates.
pub fn obligations(catalog: &Catalog, result: &AssessmentResult) -> String {
    let mut html = String::new();
    if result.obligations.is_empty() {
        html.push_str("<p>No AI system is described, so no law is checked.</p>");
    }
    for o in &result.obligations {
        let _ = write!(
            html,
            "<h3>{} under {}: {}</h3>",
            e(&o.system_name),
            e(&framework_label(catalog, &o.law)),
            e(&o.classification.as_str().replace('_', " "))
        );
        if !o.reasons.is_empty() {
            html.push_str("<ul class=\"small\">");
            for reason in &o.reasons {
                let _ = write!(html, "<li>{}</li>", e(reason));
            }
            html.push_str("</ul>");
        }
        if o.items.is_empty() {
            html.push_str("<p class=\"muted\">No obligation applies.</p>");
            continue;
        }
        let mut rows = String::new();
        for item in &o.items {
            let when = match item.state {
                ObligationState::Upcoming => format!(" (in {} days)", item.days_until),
                _ => String::new(),
            };
            let _ = write!(
                rows,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}{}</td></tr>",
                e(&item.reference),
                e(&item.title),
                item.applies_from,
                e(&item.state.as_str().replace('_', " ")),
                when
            );
        }
        html.push_str(&table(
            &format!("Obligations of {}", o.system_name),
            &["Reference", "Obligation", "#Applies from", "State"],
            &rows,
        ));
    }
    html
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

struct SaveForm<'a> {
    token: &'a str,
    name: &'a str,
    email: &'a str,
    problem: Option<&'a str>,
}

fn result_page(
    state: &AppState,
    auth: Option<&Auth>,
    input: &QuickInput,
    save: &SaveForm<'_>,
) -> ApiResult<String> {
    let (result, assessment) = compute(state, input)?;
    let catalog = &state.catalog;
    let query = query_string(&input.to_pairs());
    let mut content = steps_nav(4, &query);
    let _ = write!(
        content,
        "<h1>Your ISO/IEC 42001 readiness</h1><p class=\"muted\">{} · as of {} · computed from your answers, nothing stored.</p>",
        e(&assessment.organization.name),
        result.as_of
    );
    content.push_str(&result_summary(catalog, &result));

    content.push_str("<h2 id=\"downloads\">Download the report</h2><ul>");
    for (format, name) in formats() {
        let _ = write!(
            content,
            "<li><a href=\"/quick/report/{format}?{}\">{name}</a></li>",
            e(&query)
        );
    }
    content.push_str("</ul>");

    content.push_str("<h2 id=\"save\">Save to a workspace</h2>");
    if let Some(problem) = save.problem {
        let _ = write!(
            content,
            "<div class=\"notice bad\" role=\"alert\"><p>{}</p></div>",
            e(problem)
        );
    }
    content.push_str("<form class=\"stack\" method=\"post\" action=\"/quick/save\">");
    content.push_str(&carried(input, |k| k == "org_name"));
    content.push_str(&input_field_org(&input.org_name));
    match auth {
        Some(auth) => {
            content.push_str(&super::layout::csrf_field(auth));
            content.push_str("<p>The assessment goes into a new organisation that you own; invite your colleagues there.</p><div class=\"actions\"><button type=\"submit\">Save to a new organisation</button></div>");
        }
        None => {
            content.push_str(&hidden(security::FORM_FIELD, save.token));
            content.push_str("<p>Create an account to keep this assessment, answer the rest with evidence, invite colleagues and watch readiness move.</p>");
            content.push_str(&field(
                "text",
                "name",
                "Your name",
                save.name,
                " autocomplete=\"name\" required maxlength=\"200\"",
            ));
            content.push_str(&field(
                "email",
                "email",
                "E-mail address",
                save.email,
                " autocomplete=\"email\" required maxlength=\"254\"",
            ));
            content.push_str(&field(
                "password",
                "password",
                "Password (at least 10 characters)",
                "",
                " autocomplete=\"new-password\" required minlength=\"10\"",
            ));
            content.push_str("<div class=\"actions\"><button type=\"submit\">Create the account and save</button></div>");
        }
    }
    content.push_str("</form>");

    let (_, covered) = split_questions(catalog, &assessment);
    content.push_str("<h2 id=\"method\">How to read this</h2><ul>");
    content.push_str("<li>A <q>Yes</q> without evidence is a claim: it counts for about a third until a document or record backs it, which a workspace lets you attach.</li>");
    content.push_str("<li><q>Not sure</q> counts as no answer; credit inherited from certifications is a range to verify for your AI scope, never conformity.</li>");
    if !covered.is_empty() {
        let ids: Vec<&str> = covered.iter().map(|(q, _)| q.id).collect();
        let _ = write!(
            content,
            "<li>Not asked, because your certifications already give good credit: {}.</li>",
            e(&ids.join(", "))
        );
    }
    content.push_str("</ul>");
    Ok(page("Quick assessment: result", auth, &[], &content))
}

fn input_field_org(value: &str) -> String {
    field(
        "text",
        "org_name",
        "Organisation name",
        value,
        " maxlength=\"200\" autocomplete=\"organization\"",
    )
}

pub async fn result(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let input = QuickInput::parse(&query, &state.catalog);
    let (token, cookie) = visitor_token(&headers, state.config.secure_cookies);
    let body = result_page(
        &state,
        auth.as_ref(),
        &input,
        &SaveForm {
            token: &token,
            name: "",
            email: "",
            problem: None,
        },
    )?;
    Ok(with_cookie(html(StatusCode::OK, body), cookie))
}

pub async fn report(
    State(state): State<AppState>,
    Path(format): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let input = QuickInput::parse(&query, &state.catalog);
    let (result, assessment) = compute(&state, &input)?;
    Ok(api::report_response(&state, &result, &assessment, &format)?)
}

pub async fn save(State(state): State<AppState>, request: Request) -> PageResult<Response> {
    let headers = request.headers().clone();
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
        .map_err(|errors| api::invalid(&errors))?;
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
            match api::create_account(&state, email, name, password).await {
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
                    let body = result_page(
                        &state,
                        None,
                        &input,
                        &SaveForm {
                            token: &token,
                            name,
                            email,
                            problem: Some(&problem),
                        },
                    )?;
                    return Ok(with_cookie(html(status_of(&error), body), cookie));
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
