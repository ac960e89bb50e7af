//! From the BOM's parts to draft AI systems, in the BOM's order.

use crate::ErrorKind;
use crate::bom::{Bom, Component, Service};
use aimsgap_wire::assessment::{AiSystem, Located};
use aimsgap_wire::limits::{MAX_NAME_CHARS, MAX_TEXT_CHARS};
use std::collections::{BTreeMap, BTreeSet};

const MODEL: &str = "machine-learning-model";
const DATA: &str = "data";

/// One AI system drafted from a BOM, and what the BOM could not say about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    /// The system as the BOM describes it; never a role, market or Annex III area.
    pub system: AiSystem,
    /// What it was drafted from: `service` or `model` and the entry's `bom-ref` (or name).
    pub sources: Vec<String>,
    /// The questions to answer before it is assessed, in the order asked.
    pub questions: Vec<Question>,
}

/// A fact of an AI system that a BOM cannot state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Question {
    Role,
    Markets,
    AnnexIiiArea,
    InteractsWithNaturalPersons,
    GeneratesSyntheticContent,
    GpaiModel,
}

impl Question {
    /// The field of the assessment file's AI system that answers it.
    pub fn field(self) -> &'static str {
        match self {
            Question::Role => "role",
            Question::Markets => "markets",
            Question::AnnexIiiArea => "annex_iii_area",
            Question::InteractsWithNaturalPersons => "interacts_with_natural_persons",
            Question::GeneratesSyntheticContent => "generates_synthetic_content",
            Question::GpaiModel => "gpai_model",
        }
    }

    /// The question in words.
    pub fn text(self) -> &'static str {
        match self {
            Question::Role => {
                "What is the organisation's role for it: provider, deployer, importer, distributor or product_manufacturer?"
            }
            Question::Markets => "Where is it placed on the market or used (EU, US-CO, ...)?",
            Question::AnnexIiiArea => {
                "Is it used in an EU AI Act Annex III area (employment, education, ...), and which?"
            }
            Question::InteractsWithNaturalPersons => "Does it interact with people directly?",
            Question::GeneratesSyntheticContent => {
                "Does it generate synthetic text, images, audio or video?"
            }
            Question::GpaiModel => "Is it a general-purpose AI model?",
        }
    }
}

/// A component met while walking the BOM, with its place.
struct Found<'a> {
    component: &'a Component,
}

fn walk<'a>(components: &'a [Component], out: &mut Vec<Found<'a>>) {
    for component in components {
        out.push(Found { component });
        walk(&component.components, out);
    }
}

fn walk_services<'a>(services: &'a [Service], out: &mut Vec<&'a Service>) {
    for service in services {
        out.push(service);
        walk_services(&service.services, out);
    }
}

pub fn drafts(bom: &Bom) -> Result<Vec<Draft>, ErrorKind> {
    let mut found = Vec::new();
    if let Some(component) = bom.metadata.as_ref().and_then(|m| m.component.as_ref()) {
        found.push(Found { component });
        walk(&component.components, &mut found);
    }
    walk(&bom.components, &mut found);
    let models: Vec<&Component> = found
        .iter()
        .map(|f| f.component)
        .filter(|c| c.kind == MODEL)
        .collect();
    if models.is_empty() {
        let kinds: BTreeSet<&str> = found.iter().map(|f| f.component.kind.as_str()).collect();
        let said = if kinds.is_empty() {
            "it lists no components".to_string()
        } else {
            format!(
                "its {} components are of type {}",
                found.len(),
                kinds
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        return Err(ErrorKind::NoModels(said));
    }
    let data: BTreeMap<&str, &Component> = found
        .iter()
        .map(|f| f.component)
        .filter(|c| c.kind == DATA)
        .filter_map(|c| c.bom_ref.as_deref().map(|r| (r, c)))
        .collect();
    let mut depends: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for dependency in &bom.dependencies {
        depends
            .entry(dependency.reference.as_str())
            .or_default()
            .extend(dependency.depends_on.iter().map(String::as_str));
    }
    let by_ref: BTreeMap<&str, &Component> = models
        .iter()
        .filter_map(|m| m.bom_ref.as_deref().map(|r| (r, *m)))
        .collect();

    let mut services = Vec::new();
    walk_services(&bom.services, &mut services);
    let mut used: BTreeSet<&str> = BTreeSet::new();
    let mut drafts = Vec::new();
    let mut ids = BTreeSet::new();
    for service in services {
        let Some(reference) = service.bom_ref.as_deref() else {
            continue;
        };
        let built_on: Vec<&Component> = depends
            .get(reference)
            .into_iter()
            .flatten()
            .filter_map(|r| by_ref.get(r).copied())
            .collect();
        if built_on.is_empty() {
            continue;
        }
        used.extend(built_on.iter().filter_map(|m| m.bom_ref.as_deref()));
        let mut lines = Vec::new();
        push(&mut lines, service.description.as_deref());
        let provider = service.provider.as_ref().and_then(|p| p.name.as_deref());
        lines.push(match provider {
            Some(provider) => format!(
                "Service {} provided by {}.",
                display_name(service.group.as_deref(), &service.name, None),
                clean(provider)
            ),
            None => format!(
                "Service {}.",
                display_name(service.group.as_deref(), &service.name, None)
            ),
        });
        let mut sources = vec![format!("service `{}`", clean(reference))];
        let mut generative = false;
        for model in &built_on {
            lines.push(String::new());
            describe_model(model, &data, &depends, &mut lines);
            generative |= states_generation(model);
            sources.push(source(model));
        }
        let name = display_name(
            service.group.as_deref(),
            &service.name,
            service.version.as_deref(),
        );
        drafts.push(draft(name, lines, generative, sources, &mut ids));
    }
    for model in models {
        if model.bom_ref.as_deref().is_some_and(|r| used.contains(r)) {
            continue;
        }
        let mut lines = Vec::new();
        push(&mut lines, model.description.as_deref());
        describe_model(model, &data, &depends, &mut lines);
        let name = display_name(
            model.group.as_deref(),
            &model.name,
            model.version.as_deref(),
        );
        drafts.push(draft(
            name,
            lines,
            states_generation(model),
            vec![source(model)],
            &mut ids,
        ));
    }
    Ok(drafts)
}

fn source(model: &Component) -> String {
    format!(
        "model `{}`",
        clean(model.bom_ref.as_deref().unwrap_or(&model.name))
    )
}

fn draft(
    name: String,
    lines: Vec<String>,
    generative: bool,
    sources: Vec<String>,
    ids: &mut BTreeSet<String>,
) -> Draft {
    let id = unique_id(&name, ids);
    let description = bounded(lines.join("\n").trim(), MAX_TEXT_CHARS);
    let mut questions = vec![
        Question::Role,
        Question::Markets,
        Question::AnnexIiiArea,
        Question::InteractsWithNaturalPersons,
    ];
    if !generative {
        questions.push(Question::GeneratesSyntheticContent);
    }
    questions.push(Question::GpaiModel);
    Draft {
        system: AiSystem {
            id: Located::new(id),
            name: bounded(&name, MAX_NAME_CHARS),
            description: (!description.is_empty()).then_some(description),
            generates_synthetic_content: generative,
            ..AiSystem::default()
        },
        sources,
        questions,
    }
}

/// Whether the model card's task is one that produces content: a `*-generation` task, or one
/// that turns its input into an image, audio, speech or video. Anything else is asked.
fn states_generation(model: &Component) -> bool {
    let Some(task) = model
        .model_card
        .as_ref()
        .and_then(|c| c.model_parameters.as_ref())
        .and_then(|p| p.task.as_deref())
    else {
        return false;
    };
    let task = task.trim().to_ascii_lowercase().replace([' ', '_'], "-");
    task.ends_with("-generation")
        || ["-to-image", "-to-audio", "-to-speech", "-to-video"]
            .iter()
            .any(|end| task.ends_with(end))
}

fn describe_model(
    model: &Component,
    data: &BTreeMap<&str, &Component>,
    depends: &BTreeMap<&str, Vec<&str>>,
    lines: &mut Vec<String>,
) {
    let name = display_name(
        model.group.as_deref(),
        &model.name,
        model.version.as_deref(),
    );
    lines.push(sentence("Model", &name));
    let mut who = Vec::new();
    if let Some(name) = model.supplier.as_ref().and_then(|s| s.name.as_deref()) {
        who.push(format!("supplied by {}", clean(name)));
    }
    if let Some(name) = model.manufacturer.as_ref().and_then(|s| s.name.as_deref()) {
        who.push(format!("made by {}", clean(name)));
    }
    if let Some(name) = model.publisher.as_deref() {
        who.push(format!("published by {}", clean(name)));
    }
    let authors: Vec<String> = model
        .authors
        .iter()
        .filter_map(|a| a.name.as_deref())
        .chain(model.author.as_deref())
        .map(clean)
        .collect();
    if !authors.is_empty() {
        who.push(format!("by {}", authors.join(", ")));
    }
    if !who.is_empty() {
        lines.push(format!("It is {}.", who.join("; ")));
    }
    let card = model.model_card.as_ref();
    let parameters = card.and_then(|c| c.model_parameters.as_ref());
    if let Some(parameters) = parameters {
        if let Some(task) = parameters.task.as_deref() {
            lines.push(sentence("Task", &clean(task)));
        }
        if let Some(approach) = parameters.approach.as_ref().and_then(|a| a.kind.as_deref()) {
            lines.push(sentence("Learning approach", &clean(approach)));
        }
        let architecture: Vec<String> = [
            parameters.architecture_family.as_deref(),
            parameters.model_architecture.as_deref(),
        ]
        .into_iter()
        .flatten()
        .map(clean)
        .collect();
        if !architecture.is_empty() {
            lines.push(sentence("Architecture", &architecture.join("; ")));
        }
    }
    // Datasets: those the card names inline or by reference, then data components the model
    // depends on, each once.
    let mut datasets: Vec<String> = Vec::new();
    let mut add = |name: String| {
        if !datasets.contains(&name) {
            datasets.push(name);
        }
    };
    for dataset in parameters
        .map(|p| p.datasets.as_slice())
        .unwrap_or_default()
    {
        if let Some(reference) = dataset.reference.as_deref() {
            add(data_name(reference, data));
        } else if let Some(name) = dataset.name.as_deref() {
            add(match dataset.description.as_deref() {
                Some(description) => format!("{} ({})", clean(name), clean(description)),
                None => clean(name),
            });
        }
    }
    let model_ref = model.bom_ref.as_deref().unwrap_or_default();
    for reference in depends.get(model_ref).into_iter().flatten() {
        if data.contains_key(reference) {
            add(data_name(reference, data));
        }
    }
    if !datasets.is_empty() {
        lines.push(sentence("Datasets", &datasets.join("; ")));
    }
    let Some(considerations) = card.and_then(|c| c.considerations.as_ref()) else {
        return;
    };
    for (label, list) in [
        ("Intended users", &considerations.users),
        ("Use cases", &considerations.use_cases),
        (
            "Technical limitations",
            &considerations.technical_limitations,
        ),
        (
            "Performance trade-offs",
            &considerations.performance_tradeoffs,
        ),
    ] {
        if !list.is_empty() {
            let items: Vec<String> = list.iter().map(|s| clean(s)).collect();
            lines.push(format!("{label}: {}", items.join("; ")));
        }
    }
    let risks: Vec<String> = considerations
        .ethical_considerations
        .iter()
        .filter_map(|risk| {
            let name = risk.name.as_deref().map(clean)?;
            Some(match risk.mitigation_strategy.as_deref() {
                Some(mitigation) => format!("{name} (mitigation: {})", clean(mitigation)),
                None => name,
            })
        })
        .collect();
    if !risks.is_empty() {
        lines.push(format!("Ethical risks: {}", risks.join("; ")));
    }
    for fairness in &considerations.fairness_assessments {
        let parts: Vec<String> = [
            ("group at risk", fairness.group_at_risk.as_deref()),
            ("harms", fairness.harms.as_deref()),
            ("mitigation", fairness.mitigation_strategy.as_deref()),
        ]
        .into_iter()
        .filter_map(|(label, text)| text.map(|t| format!("{label}: {}", clean(t))))
        .collect();
        if !parts.is_empty() {
            lines.push(format!("Fairness: {}", parts.join("; ")));
        }
    }
}

fn data_name(reference: &str, data: &BTreeMap<&str, &Component>) -> String {
    match data.get(reference) {
        Some(component) => match component.description.as_deref() {
            Some(description) => format!("{} ({})", clean(&component.name), clean(description)),
            None => clean(&component.name),
        },
        None => clean(reference),
    }
}

fn push(lines: &mut Vec<String>, text: Option<&str>) {
    if let Some(text) = text.map(clean).filter(|t| !t.is_empty()) {
        lines.push(text);
    }
}

/// `group/name version`.
fn display_name(group: Option<&str>, name: &str, version: Option<&str>) -> String {
    let mut text = match group.map(clean).filter(|g| !g.is_empty()) {
        Some(group) => format!("{group}/{}", clean(name)),
        None => clean(name),
    };
    if let Some(version) = version.map(clean).filter(|v| !v.is_empty()) {
        text.push(' ');
        text.push_str(&version);
    }
    text
}

/// `label: text.` with one full stop, not a second after the text's own.
fn sentence(label: &str, text: &str) -> String {
    if text.ends_with(['.', '!', '?', '…']) {
        format!("{label}: {text}")
    } else {
        format!("{label}: {text}.")
    }
}

/// The text on one line, control characters and runs of spaces made single spaces.
pub(crate) fn clean(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// At most `max` characters, ending with `…` when shortened.
fn bounded(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// An id made of the name's letters and digits, lower case, joined by `-`; unique among `ids`.
fn unique_id(name: &str, ids: &mut BTreeSet<String>) -> String {
    let mut base = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            base.push(c.to_ascii_lowercase());
        } else if !base.is_empty() && !base.ends_with('-') {
            base.push('-');
        }
    }
    let mut base: String = base.trim_end_matches('-').chars().take(60).collect();
    base = base.trim_end_matches('-').to_string();
    if base.is_empty() {
        base = "ai-system".to_string();
    }
    let mut id = base.clone();
    let mut n = 2;
    while ids.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    ids.insert(id.clone());
    id
}
