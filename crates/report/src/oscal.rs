//! OSCAL JSON: a framework of the catalog as an OSCAL *catalog*, a result as OSCAL
//! *assessment-results* and as a *plan-of-action-and-milestones*, and the way back from
//! assessment-results to the figures they carry.
//!
//! Pure like the rest of the crate: no clock (timestamps are the as-of date at midnight UTC, or
//! a catalog's verification date), no randomness (UUIDs are version 5, name-based on stable
//! content), sorted keys, rounded numbers. Same input, same bytes.
//!
//! Design decisions:
//! - The documents conform to OSCAL 1.2 ([`OSCAL_VERSION`]): the schemas and models that a CI
//!   can install from a package registry (NIST's JSON schemas bundled in PyPI packages,
//!   compliance-trestle's models) are all of the 1.2 line. The structures used here (groups,
//!   controls, parts, props, findings, observations, risks, POA&M items) are the same in 1.1.
//! - Our identifiers (`4.1.a`, `GOVERN 1.1`) are not always OSCAL tokens, so every node gets a
//!   derived token id and keeps ours in a `label` property; the importer reads the label, never
//!   the token.
//! - What OSCAL has no field for (aimsgap status, credit range, sources, gap rank and priority
//!   factors, law facts) is carried in properties of the namespace [`NS`].
//! - Version-5 UUIDs come from the `uuid` crate (the ids are the same as those of the SHA-1
//!   written here before; the snapshot tests hold them). SHA-1 serves only to derive ids here,
//!   never security.

use aimsgap_assess::{
    AnswerStatus, AssessmentResult, Credit, Gap, RequirementResult, Source, Status, TARGET, Task,
};
use aimsgap_catalog::{Catalog, Date, Framework, Requirement};
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The OSCAL version the documents are written against (and validated against in the tests).
pub const OSCAL_VERSION: &str = "1.2.1";

/// The namespace of aimsgap's own properties and part names.
pub const NS: &str = "https://aimsgap.dev/ns/oscal";

/// A catalog that records no verification date gets this `last-modified`, so that the export
/// stays reproducible; its metadata remarks say so.
const UNDATED: &str = "1970-01-01T00:00:00Z";

// ------------------------------------------------------------------------------------ UUIDs

/// The root of every aimsgap UUID: the name-based UUID of [`NS`] in the URL namespace.
fn aimsgap_root() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, NS.as_bytes())
}

/// The name-based (SHA-1) UUID of `name` in `namespace`: version 5, RFC 9562 variant.
fn v5(namespace: Uuid, name: &str) -> Uuid {
    Uuid::new_v5(&namespace, name.as_bytes())
}

/// Gives a document its UUID last, from its own content: any change of content changes it, as
/// OSCAL asks of a new revision, and the same content always gets the same one.
fn seal(seed: Uuid, root: &str, mut body: Map<String, Value>) -> String {
    let content = serde_json::to_string(&body).unwrap_or_default();
    body.insert("uuid".into(), Value::String(v5(seed, &content).to_string()));
    let mut document = Map::new();
    document.insert(root.into(), Value::Object(body));
    let mut text = serde_json::to_string_pretty(&Value::Object(document)).unwrap_or_default();
    text.push('\n');
    text
}

// ---------------------------------------------------------------------- text and values

/// One line of plain text (OSCAL `string`: no line breaks, no outer whitespace).
fn line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text made safe for OSCAL markup (Markdown in JSON): user text shows as written.
fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (number, text_line) in text.lines().enumerate() {
        if number > 0 {
            out.push('\n');
        }
        let trimmed = text_line.trim_start();
        let indent = text_line.len() - trimmed.len();
        out.push_str(text_line.get(..indent).unwrap_or_default());
        // List markers only count at the start of a line and before a space (`6.1.2 Risk`
        // stays as it is, `1. one` and `- item` do not become lists).
        let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
        let marker_ends_item = |after: usize| {
            trimmed
                .chars()
                .nth(after)
                .is_none_or(|ch| ch == ' ' || ch == '\t')
        };
        let mut rest = trimmed;
        if digits > 0
            && matches!(trimmed.chars().nth(digits), Some('.' | ')'))
            && marker_ends_item(digits + 1)
        {
            out.push_str(trimmed.get(..digits).unwrap_or_default());
            out.push('\\');
            rest = trimmed.get(digits..).unwrap_or_default();
        } else if matches!(trimmed.chars().next(), Some('-' | '+' | '=')) && marker_ends_item(1) {
            out.push('\\');
        }
        for ch in rest.chars() {
            if matches!(
                ch,
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!' | '{' | '}'
            ) {
                out.push('\\');
            }
            out.push(ch);
        }
    }
    out
}

/// One line of OSCAL markup (a title): never empty, no line break.
fn markup_line(text: &str, fallback: &str) -> String {
    let text = line(text);
    markdown(if text.is_empty() { fallback } else { &text })
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

fn number(value: f64) -> String {
    format!("{}", round3(value))
}

fn timestamp(date: Date) -> String {
    format!("{date}T00:00:00Z")
}

/// A property of OSCAL's own namespace, or `None` when the value is blank.
fn core_prop(name: &str, value: &str) -> Option<Value> {
    let value = line(value);
    (!value.is_empty()).then(|| json!({"name": name, "value": value}))
}

/// A property of aimsgap's namespace, or `None` when the value is blank.
fn prop(name: &str, value: &str) -> Option<Value> {
    let value = line(value);
    (!value.is_empty()).then(|| json!({"name": name, "ns": NS, "value": value}))
}

/// Inserts `key` only when the list is not empty (OSCAL arrays have at least one item).
fn put_list(object: &mut Map<String, Value>, key: &str, items: Vec<Value>) {
    if !items.is_empty() {
        object.insert(key.into(), Value::Array(items));
    }
}

fn put(object: &mut Map<String, Value>, key: &str, value: impl Into<Value>) {
    object.insert(key.into(), value.into());
}

// ---------------------------------------------------------------------------- token ids

/// Turns an identifier into an OSCAL token (an XML NCName): letters, digits, `.`, `-`, `_`,
/// starting with a letter or `_`. `4.1.a` becomes `_4.1.a`, `GOVERN 1.1` becomes `GOVERN_1.1`.
fn token(label: &str) -> String {
    let mut out: String = label
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || matches!(ch, '.' | '-' | '_') {
                ch
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '_') {
        out.insert(0, '_');
    }
    out
}

/// The token id of every requirement of a framework, unique within it (a clash gets `-2`,
/// `-3`...), and also unique against the part ids derived from them.
struct Ids(HashMap<String, String>);

impl Ids {
    fn of<'a>(labels: impl Iterator<Item = &'a str>) -> Ids {
        let mut taken: HashSet<String> = HashSet::new();
        let mut map = HashMap::new();
        for label in labels {
            let base = token(label);
            let mut candidate = base.clone();
            let mut counter = 2;
            while taken.contains(&candidate) {
                candidate = format!("{base}-{counter}");
                counter += 1;
            }
            taken.insert(candidate.clone());
            map.insert(label.to_string(), candidate);
        }
        Ids(map)
    }

    fn get(&self, label: &str) -> String {
        self.0.get(label).cloned().unwrap_or_else(|| token(label))
    }
}

// ------------------------------------------------------------------------------- catalog

/// A framework of the catalog as an OSCAL catalog: grouping nodes (clauses, objectives,
/// themes, categories, functions) become groups, assessable requirements become controls,
/// nested as the framework nests them. Our id is the `label` property of each; the summary is
/// the `statement` part (`overview` for a group), the auditor's evidence expectation an
/// `assessment-method` part (EXAMINE) with its `assessment-objects`. A law's obligations carry
/// their legal facts (article, roles, tiers, trigger, dates, status, source) as properties of
/// [`NS`], and its versions are back-matter resources.
pub fn catalog(framework: &aimsgap_catalog::Framework) -> String {
    let ids = Ids::of(framework.requirements.iter().map(|r| r.id.as_str()));
    let seed = v5(aimsgap_root(), &format!("catalog\n{}", framework.id));

    let mut body = Map::new();
    put(&mut body, "metadata", catalog_metadata(framework));
    let mut groups = Vec::new();
    let mut controls = Vec::new();
    for root in framework.groups() {
        if root.kind.is_assessable() {
            controls.push(control(framework, &ids, root));
        } else {
            groups.push(group(framework, &ids, root));
        }
    }
    put_list(&mut body, "groups", groups);
    put_list(&mut body, "controls", controls);
    let resources: Vec<Value> = framework
        .versions
        .iter()
        .map(|version| {
            let props: Vec<Value> = [
                prop("law-version", &version.id),
                prop("effective", &version.effective.to_string()),
                version
                    .until
                    .and_then(|until| prop("until", &until.to_string())),
                prop("legal-status", version.status.as_str()),
                version
                    .status_since
                    .and_then(|since| prop("status-since", &since.to_string())),
                version
                    .replaced_by
                    .as_deref()
                    .and_then(|by| prop("replaced-by", by)),
                prop("source", &version.source),
            ]
            .into_iter()
            .flatten()
            .collect();
            let mut resource = Map::new();
            put(
                &mut resource,
                "uuid",
                v5(seed, &format!("law-version/{}", version.id)).to_string(),
            );
            put(
                &mut resource,
                "title",
                markup_line(&version.title, &version.id),
            );
            put_list(&mut resource, "props", props);
            if let Some(notes) = version.notes.as_deref().filter(|n| !n.trim().is_empty()) {
                put(&mut resource, "remarks", notes.trim());
            }
            Value::Object(resource)
        })
        .collect();
    if !resources.is_empty() {
        put(&mut body, "back-matter", json!({ "resources": resources }));
    }
    seal(seed, "catalog", body)
}

fn catalog_metadata(framework: &Framework) -> Value {
    let mut metadata = Map::new();
    put(
        &mut metadata,
        "title",
        markup_line(&framework.name, &framework.id),
    );
    let mut remarks = vec![format!(
        "Exported by aimsgap from its catalog `{}`. Summaries and evidence expectations are the \
         aimsgap maintainers' own words; identifiers are kept in the `label` property of each \
         group and control.",
        framework.id
    )];
    let modified = match framework.last_verified {
        Some(date) => timestamp(date),
        None => {
            remarks.push(
                "aimsgap records no verification date for this framework: `last-modified` is a \
                 fixed placeholder so that the export is reproducible."
                    .to_string(),
            );
            UNDATED.to_string()
        }
    };
    put(&mut metadata, "last-modified", modified);
    put(
        &mut metadata,
        "version",
        if line(&framework.version).is_empty() {
            "unversioned".to_string()
        } else {
            line(&framework.version)
        },
    );
    put(&mut metadata, "oscal-version", OSCAL_VERSION);
    let props: Vec<Value> = [
        prop("framework", &framework.id),
        prop("framework-kind", framework.kind.as_str()),
        prop("publisher", &framework.publisher),
        framework
            .jurisdiction
            .as_deref()
            .and_then(|j| prop("jurisdiction", j)),
        prop("source", &framework.source),
        prop("licence", &framework.licence),
    ]
    .into_iter()
    .flatten()
    .collect();
    put_list(&mut metadata, "props", props);
    put(&mut metadata, "remarks", remarks.join("\n\n"));
    Value::Object(metadata)
}

/// The properties every node carries: our id, and the legal facts of an obligation.
fn node_props(requirement: &Requirement) -> Vec<Value> {
    let mut props: Vec<Value> = core_prop("label", &requirement.id).into_iter().collect();
    if requirement.documented {
        props.extend(prop("documented-information", "true"));
    }
    if let Some(obligation) = &requirement.obligation {
        props.extend(prop("article", &obligation.article));
        props.extend(
            obligation
                .roles
                .iter()
                .filter_map(|role| prop("role", role.as_str())),
        );
        props.extend(
            obligation
                .tiers
                .iter()
                .filter_map(|tier| prop("tier", tier.as_str())),
        );
        props.extend(
            obligation
                .trigger
                .and_then(|trigger| prop("trigger", trigger.as_str())),
        );
        props.extend(
            obligation
                .version
                .as_deref()
                .and_then(|version| prop("law-version", version)),
        );
        props.extend(prop("applies-from", &obligation.applies_from.to_string()));
        for entry in &obligation.dates {
            if let Some(Value::Object(mut date)) = prop("application-date", &entry.date.to_string())
            {
                put(&mut date, "class", entry.status.as_str());
                if !entry.source.trim().is_empty() {
                    put(&mut date, "remarks", entry.source.trim());
                }
                props.push(Value::Object(date));
            }
        }
        props.extend(prop("legal-status", obligation.status.as_str()));
        props.extend(prop("source", &obligation.source));
        props.extend(prop("last-verified", &obligation.last_verified.to_string()));
        props.extend(
            obligation
                .unverified
                .as_deref()
                .and_then(|text| prop("unverified", text)),
        );
        props.extend(
            obligation
                .practices
                .iter()
                .filter_map(|practice| prop("practice", practice)),
        );
    }
    props
}

fn prose_part(id: String, name: &str, prose: &str) -> Option<Value> {
    let prose = prose.trim();
    (!prose.is_empty()).then(|| json!({"id": id, "name": name, "prose": prose}))
}

fn control(framework: &Framework, ids: &Ids, requirement: &Requirement) -> Value {
    let id = ids.get(&requirement.id);
    let mut parts: Vec<Value> = prose_part(format!("{id}_smt"), "statement", &requirement.summary)
        .into_iter()
        .collect();
    if let Some(evidence) = requirement
        .evidence
        .as_deref()
        .filter(|e| !e.trim().is_empty())
    {
        parts.push(json!({
            "id": format!("{id}_asm-examine"),
            "name": "assessment-method",
            "props": [{"name": "method", "value": "EXAMINE"}],
            "parts": [{
                "name": "assessment-objects",
                "prose": evidence.trim(),
            }],
        }));
    }
    if let Some(text) = requirement.text.as_deref()
        && let Some(Value::Object(mut part)) =
            prose_part(format!("{id}_txt"), "official-text", text)
    {
        put(&mut part, "ns", NS);
        parts.push(Value::Object(part));
    }
    let mut object = Map::new();
    put(&mut object, "id", id);
    put(&mut object, "class", requirement.kind.as_str());
    put(
        &mut object,
        "title",
        markup_line(&requirement.title, &requirement.id),
    );
    put_list(&mut object, "props", node_props(requirement));
    put_list(&mut object, "parts", parts);
    // A control holds only controls: whatever sits beneath one is rendered as a control.
    let children: Vec<Value> = framework
        .children(&requirement.id)
        .map(|child| control(framework, ids, child))
        .collect();
    put_list(&mut object, "controls", children);
    Value::Object(object)
}

fn group(framework: &Framework, ids: &Ids, requirement: &Requirement) -> Value {
    let id = ids.get(&requirement.id);
    let mut object = Map::new();
    put(&mut object, "id", id.clone());
    put(&mut object, "class", requirement.kind.as_str());
    put(
        &mut object,
        "title",
        markup_line(&requirement.title, &requirement.id),
    );
    put_list(&mut object, "props", node_props(requirement));
    put_list(
        &mut object,
        "parts",
        prose_part(format!("{id}_ovw"), "overview", &requirement.summary)
            .into_iter()
            .collect(),
    );
    let children: Vec<&Requirement> = framework.children(&requirement.id).collect();
    let has_groups = children.iter().any(|c| !c.kind.is_assessable());
    let has_controls = children.iter().any(|c| c.kind.is_assessable());
    if has_groups && has_controls {
        // An OSCAL 1.2 group holds either groups or controls. The requirements stated directly
        // under a clause that also has sub-clauses go into one group of their own, in the place
        // of the first of them.
        let mut subgroups = Vec::new();
        let mut direct = Vec::new();
        let mut direct_at = None;
        for child in &children {
            if child.kind.is_assessable() {
                direct_at.get_or_insert(subgroups.len());
                direct.push(control(framework, ids, child));
            } else {
                subgroups.push(group(framework, ids, child));
            }
        }
        let wrapper = json!({
            "id": format!("{id}_direct"),
            "class": "direct-requirements",
            "title": markup_line(&format!("{} (stated directly)", line(&requirement.title)), &requirement.id),
            "props": [{"name": "grouping", "ns": NS, "value": "direct-children"}],
            "controls": direct,
        });
        let at = direct_at.unwrap_or(0).min(subgroups.len());
        subgroups.insert(at, wrapper);
        put_list(&mut object, "groups", subgroups);
    } else if has_groups {
        let subgroups = children
            .iter()
            .map(|child| group(framework, ids, child))
            .collect();
        put_list(&mut object, "groups", subgroups);
    } else {
        let controls = children
            .iter()
            .map(|child| control(framework, ids, child))
            .collect();
        put_list(&mut object, "controls", controls);
    }
    Value::Object(object)
}

// -------------------------------------------------------------------- assessment results

/// What the result documents share: who was assessed, on which date.
struct Context<'a> {
    result: &'a AssessmentResult,
    ids: Ids,
    organization: String,
    party: Uuid,
    seed: Uuid,
    framework_title: String,
}

impl<'a> Context<'a> {
    fn new(kind: &str, result: &'a AssessmentResult, catalog: &Catalog) -> Context<'a> {
        let framework = catalog.framework(TARGET);
        let ids = match framework {
            Some(framework) => Ids::of(framework.requirements.iter().map(|r| r.id.as_str())),
            None => Ids::of(result.requirements.iter().map(|r| r.id.as_str())),
        };
        let organization = match line(&result.organization) {
            name if name.is_empty() => "Unnamed organization".to_string(),
            name => name,
        };
        let root = aimsgap_root();
        Context {
            result,
            ids,
            party: v5(root, &format!("party/organization\n{organization}")),
            seed: v5(root, &format!("{kind}\n{organization}\n{}", result.as_of)),
            organization,
            framework_title: framework
                .map(|f| line(&f.name))
                .unwrap_or_else(|| "ISO/IEC 42001".to_string()),
        }
    }

    fn metadata(&self, title: &str, props: Vec<Value>, remarks: &str) -> Value {
        let mut metadata = Map::new();
        put(&mut metadata, "title", title);
        put(&mut metadata, "last-modified", timestamp(self.result.as_of));
        put(&mut metadata, "version", self.result.as_of.to_string());
        put(&mut metadata, "oscal-version", OSCAL_VERSION);
        put(
            &mut metadata,
            "roles",
            json!([{"id": "prepared-for", "title": "Assessed organization"}]),
        );
        put(
            &mut metadata,
            "parties",
            json!([{"uuid": self.party.to_string(), "type": "organization", "name": self.organization}]),
        );
        put(
            &mut metadata,
            "responsible-parties",
            json!([{"role-id": "prepared-for", "party-uuids": [self.party.to_string()]}]),
        );
        let mut all_props: Vec<Value> = [
            prop("tool", "aimsgap"),
            prop("framework", TARGET),
            prop("as-of", &self.result.as_of.to_string()),
        ]
        .into_iter()
        .flatten()
        .collect();
        all_props.extend(props);
        put_list(&mut metadata, "props", all_props);
        put(&mut metadata, "remarks", remarks);
        Value::Object(metadata)
    }

    fn uuid(&self, name: &str) -> String {
        v5(self.seed, name).to_string()
    }
}

/// A one-line account of where a requirement's status and credit came from.
fn sources_summary(requirement: &RequirementResult) -> String {
    if requirement.sources.is_empty() {
        return "none: no answer and no crosswalk edge from a held certification".to_string();
    }
    let parts: Vec<String> = requirement
        .sources
        .iter()
        .map(|source| match source {
            Source::Answer {
                from,
                status,
                maturity,
                evidence_weight,
                best_evidence,
                stale,
            } => format!(
                "answer on {from}: {status}{}, best evidence {}{}, evidence weight {}",
                maturity
                    .map(|m| format!(", maturity {m}"))
                    .unwrap_or_default(),
                best_evidence.map_or("none", |kind| kind.as_str()),
                if *stale { " (stale)" } else { "" },
                number(*evidence_weight),
            ),
            Source::Inherited {
                framework,
                scope_covers_ai,
                certification_factor,
                edges,
            } => format!(
                "inherited from {framework} (certification factor {}{}): {}",
                number(*certification_factor),
                if *scope_covers_ai {
                    ""
                } else {
                    ", AI not in certified scope"
                },
                edges
                    .iter()
                    .map(|edge| format!(
                        "{} {} strength {} -> {}",
                        edge.source,
                        edge.rel.as_str(),
                        edge.strength,
                        number(edge.credit)
                    ))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        })
        .collect();
    parts.join(" | ")
}

/// The organisation's own claim, in OSCAL's implementation-status words.
fn implementation_state(requirement: &RequirementResult) -> Option<&'static str> {
    requirement.sources.iter().find_map(|source| match source {
        Source::Answer { status, .. } => match status {
            AnswerStatus::Implemented => Some("implemented"),
            AnswerStatus::Partial => Some("partial"),
            AnswerStatus::Planned => Some("planned"),
            AnswerStatus::NotApplicable => Some("not-applicable"),
            AnswerStatus::NotImplemented => None,
        },
        Source::Inherited { .. } => None,
    })
}

/// OSCAL's objective status for an aimsgap status. OSCAL knows only satisfied and
/// not-satisfied: a requirement that does not apply is not a deficiency (satisfied, reason
/// `other`, implementation-status not-applicable); one nobody answered is not shown satisfied
/// (not-satisfied, reason `other`). The `status` property keeps the exact word.
fn objective_status(status: Status) -> (&'static str, &'static str, &'static str) {
    match status {
        Status::Met => ("satisfied", "pass", "The requirement is met."),
        Status::Partial => (
            "not-satisfied",
            "fail",
            "The requirement is partly implemented.",
        ),
        Status::Gap => (
            "not-satisfied",
            "fail",
            "The requirement is not implemented.",
        ),
        Status::NotApplicable => (
            "satisfied",
            "other",
            "Not applicable: the control is excluded with a justification and does not count \
             towards readiness (aimsgap status not_applicable).",
        ),
        Status::Unknown => (
            "not-satisfied",
            "other",
            "Unknown: no answer was given and held certifications give too little credit to \
             conclude (aimsgap status unknown).",
        ),
    }
}

/// A reference as an OSCAL `uri-reference`: links and paths stay as written, and every byte
/// outside the characters a URI may carry is percent-encoded, so any text gives a valid href.
/// `#` is always encoded (a second one would be invalid), and so is `:` unless what precedes
/// the first one is a URI scheme (`https:`), since a relative path may not carry one there.
fn uri_reference(text: &str) -> String {
    let text = text.trim();
    let scheme = text.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || b"-._~/?@!$&'()*+,;=".contains(&byte)
            || (byte == b':' && scheme);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The back-matter resources of the evidence files that carry a SHA-256: one per distinct
/// reference and hash, in order of first use, so a file that backs many requirements is listed
/// once.
#[derive(Default)]
struct EvidenceResources {
    resources: Vec<Value>,
    known: HashSet<String>,
}

impl EvidenceResources {
    /// The resource of a piece of evidence with a hash (added on first use), as its UUID.
    fn resource(
        &mut self,
        context: &Context<'_>,
        evidence: &aimsgap_assess::EvidenceUse,
        sha256: &str,
    ) -> String {
        let uuid = context.uuid(&format!("evidence/{sha256}/{}", evidence.reference));
        if self.known.insert(uuid.clone()) {
            let props: Vec<Value> = [
                prop("evidence-kind", evidence.kind.as_str()),
                evidence
                    .date
                    .and_then(|d| prop("evidence-date", &d.to_string())),
            ]
            .into_iter()
            .flatten()
            .collect();
            let mut resource = Map::new();
            put(&mut resource, "uuid", uuid.clone());
            put(
                &mut resource,
                "title",
                markup_line(&evidence.reference, "Evidence"),
            );
            put_list(&mut resource, "props", props);
            put(
                &mut resource,
                "rlinks",
                json!([{
                    "href": uri_reference(&evidence.reference),
                    "hashes": [{"algorithm": "SHA-256", "value": sha256}],
                }]),
            );
            self.resources.push(Value::Object(resource));
        }
        uuid
    }
}

/// The observation of a requirement: what it rests on, each piece of its evidence as relevant
/// evidence (with its kind, dates and freshness; a piece with a SHA-256 links to its back-matter
/// resource, which carries the hash) and the answer's notes as remarks.
fn observation(
    context: &Context<'_>,
    requirement: &RequirementResult,
    resources: &mut EvidenceResources,
) -> Option<Value> {
    let evidence: Vec<Value> = requirement
        .evidence
        .iter()
        .map(|evidence| {
            let props: Vec<Value> = [
                prop("evidence-reference", &line(&evidence.reference)),
                prop("evidence-kind", evidence.kind.as_str()),
                evidence
                    .date
                    .and_then(|d| prop("evidence-date", &d.to_string())),
                evidence
                    .review_by
                    .and_then(|d| prop("evidence-review-by", &d.to_string())),
                prop("evidence-freshness", evidence.freshness.as_str()),
                prop("evidence-weight", &number(evidence.weight)),
            ]
            .into_iter()
            .flatten()
            .collect();
            let mut item = Map::new();
            if let Some(sha256) = &evidence.sha256 {
                let uuid = resources.resource(context, evidence, sha256);
                put(&mut item, "href", format!("#{uuid}"));
            }
            put(
                &mut item,
                "description",
                markdown(&format!(
                    "{} ({})",
                    line(&evidence.reference),
                    evidence.kind.as_str()
                )),
            );
            put_list(&mut item, "props", props);
            Value::Object(item)
        })
        .collect();
    if requirement.sources.is_empty() && evidence.is_empty() {
        return None;
    }
    let examined = !evidence.is_empty()
        || requirement.sources.iter().any(|source| match source {
            Source::Answer {
                evidence_weight, ..
            } => *evidence_weight > 0.0,
            Source::Inherited { .. } => true,
        });
    let mut object = Map::new();
    put(
        &mut object,
        "uuid",
        context.uuid(&format!("observation/{}", requirement.id)),
    );
    put(
        &mut object,
        "title",
        markup_line(&format!("Basis for {}", requirement.id), &requirement.id),
    );
    put(
        &mut object,
        "description",
        markdown(&sources_summary(requirement)),
    );
    put(
        &mut object,
        "methods",
        json!([if examined { "EXAMINE" } else { "INTERVIEW" }]),
    );
    put(&mut object, "types", json!(["control-objective"]));
    put(&mut object, "collected", timestamp(context.result.as_of));
    put_list(&mut object, "relevant-evidence", evidence);
    if let Some(notes) = requirement
        .answer_notes
        .as_deref()
        .filter(|notes| !notes.trim().is_empty())
    {
        put(&mut object, "remarks", markdown(notes.trim()));
    }
    Some(Value::Object(object))
}

fn finding(
    context: &Context<'_>,
    requirement: &RequirementResult,
    gap: Option<&Gap>,
    observed: bool,
) -> Value {
    let (state, reason, remark) = objective_status(requirement.status);
    let mut props: Vec<Value> = [
        prop("requirement", &requirement.id),
        prop("status", requirement.status.as_str()),
        prop("credit-lo", &number(requirement.credit.lo)),
        prop("credit-point", &number(requirement.credit.point)),
        prop("credit-hi", &number(requirement.credit.hi)),
        prop("group", &requirement.group),
        prop("sources", &sources_summary(requirement)),
        requirement
            .owner
            .as_deref()
            .and_then(|owner| prop("owner", owner)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let soa = context
        .result
        .soa
        .iter()
        .find(|entry| entry.control == requirement.id);
    if let Some(entry) = soa {
        props.extend(prop(
            "soa-included",
            if entry.included { "true" } else { "false" },
        ));
    }
    if let Some(gap) = gap {
        props.extend(prop("gap-rank", &gap.rank.to_string()));
        props.extend(prop("gap-priority", &number(gap.priority)));
        props.extend(prop("blocker", if gap.blocker { "true" } else { "false" }));
    }
    let mut status = Map::new();
    put(&mut status, "state", state);
    put(&mut status, "reason", reason);
    put(&mut status, "remarks", remark);
    let mut target = Map::new();
    put(&mut target, "type", "statement-id");
    put(
        &mut target,
        "target-id",
        format!("{}_smt", context.ids.get(&requirement.id)),
    );
    put(&mut target, "status", Value::Object(status));
    if let Some(implementation) = implementation_state(requirement) {
        put(
            &mut target,
            "implementation-status",
            json!({"state": implementation}),
        );
    }
    let description = if requirement.notes.is_empty() {
        format!(
            "Status {}; credit {} (range {} to {}).",
            requirement.status,
            number(requirement.credit.point),
            number(requirement.credit.lo),
            number(requirement.credit.hi)
        )
    } else {
        requirement.notes.join("\n\n")
    };
    let mut object = Map::new();
    put(
        &mut object,
        "uuid",
        context.uuid(&format!("finding/{}", requirement.id)),
    );
    put(
        &mut object,
        "title",
        markup_line(
            &format!("{} {}", requirement.id, requirement.title),
            &requirement.id,
        ),
    );
    put(&mut object, "description", markdown(&description));
    put_list(&mut object, "props", props);
    put(&mut object, "target", Value::Object(target));
    // An excluded control's justification is what an auditor reads first.
    if let Some(entry) = soa.filter(|entry| !entry.included) {
        put(
            &mut object,
            "remarks",
            markdown(&format!("Excluded from the SoA: {}", entry.justification)),
        );
    }
    if observed {
        put(
            &mut object,
            "related-observations",
            json!([{"observation-uuid": context.uuid(&format!("observation/{}", requirement.id))}]),
        );
    }
    Value::Object(object)
}

/// The result as OSCAL assessment-results: one result for the as-of date with a finding per
/// assessed ISO/IEC 42001 requirement and control (target status satisfied for `met`,
/// not-satisfied otherwise, see [`objective_status`] for `not_applicable` and `unknown`), an
/// observation per requirement with an answer, inherited credit or evidence, and the figures
/// OSCAL has no field for as properties of [`NS`]. `import-ap` points to a back-matter
/// resource, since aimsgap assesses from a self-assessment file, not an OSCAL assessment plan.
pub fn assessment_results(result: &AssessmentResult, catalog: &Catalog) -> String {
    let context = Context::new("assessment-results", result, catalog);
    let gaps: HashMap<&str, &Gap> = result.gaps.iter().map(|g| (g.id.as_str(), g)).collect();
    let mut observations = Vec::new();
    let mut findings = Vec::new();
    let mut evidence_resources = EvidenceResources::default();
    for requirement in &result.requirements {
        let observed = match observation(&context, requirement, &mut evidence_resources) {
            Some(value) => {
                observations.push(value);
                true
            }
            None => false,
        };
        findings.push(finding(
            &context,
            requirement,
            gaps.get(requirement.id.as_str()).copied(),
            observed,
        ));
    }

    let readiness = &result.readiness;
    let mut result_props: Vec<Value> = [
        prop("as-of", &result.as_of.to_string()),
        prop("readiness-point", &number(readiness.point)),
        prop("readiness-lo", &number(readiness.lo)),
        prop("readiness-hi", &number(readiness.hi)),
        prop("readiness-counted", &readiness.counted.to_string()),
        prop("readiness-met", &readiness.met.to_string()),
        prop(
            "ready-for-stage1",
            if result.verdict.ready_for_stage1 {
                "true"
            } else {
                "false"
            },
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    for group in &result.groups {
        if let Some(Value::Object(mut value)) = prop(
            "group-readiness",
            &format!(
                "{}: point {}, lo {}, hi {}, met {} of {}",
                group.id,
                number(group.point),
                number(group.lo),
                number(group.hi),
                group.met,
                group.counted
            ),
        ) {
            put(&mut value, "class", token(&group.id));
            result_props.push(Value::Object(value));
        }
    }
    let verdict = if result.verdict.ready_for_stage1 {
        "Ready for the Stage 1 audit.".to_string()
    } else {
        let mut text = "Not ready for the Stage 1 audit:".to_string();
        for reason in &result.verdict.reasons {
            text.push_str(&format!("\n\n{}", markdown(reason)));
        }
        text
    };

    let mut result_object = Map::new();
    put(&mut result_object, "uuid", context.uuid("result"));
    put(
        &mut result_object,
        "title",
        format!(
            "{} readiness as of {}",
            context.framework_title, result.as_of
        ),
    );
    put(
        &mut result_object,
        "description",
        format!(
            "Readiness {} (range {} to {}); {} of {} requirements met. {}",
            number(readiness.point),
            number(readiness.lo),
            number(readiness.hi),
            readiness.met,
            readiness.counted,
            verdict
        ),
    );
    put(&mut result_object, "start", timestamp(result.as_of));
    put_list(&mut result_object, "props", result_props);
    put(
        &mut result_object,
        "reviewed-controls",
        json!({
            "description": "Every assessable requirement of ISO/IEC 42001 clauses 4 to 10 and every Annex A control.",
            "control-selections": [{"include-all": {}}],
        }),
    );
    put_list(&mut result_object, "observations", observations);
    put_list(&mut result_object, "findings", findings);

    let plan = context.uuid("resource/assessment-input");
    let mut body = Map::new();
    put(
        &mut body,
        "metadata",
        context.metadata(
            &markup_line(
                &format!(
                    "{} readiness assessment of {}",
                    context.framework_title, context.organization
                ),
                "readiness assessment",
            ),
            Vec::new(),
            "A self-assessment computed by aimsgap from the organisation's answers, evidence \
             and held certifications. Findings target the statements of the aimsgap OSCAL \
             export of the ISO/IEC 42001 catalog (`aimsgap catalog export iso42001 --format \
             oscal`); the aimsgap properties carry the exact status, the credit range and its \
             sources.",
        ),
    );
    put(
        &mut body,
        "import-ap",
        json!({
            "href": format!("#{plan}"),
            "remarks": "aimsgap assesses from a self-assessment file, not from an OSCAL \
                        assessment plan. The schema requires this reference, so it points to the \
                        back-matter resource that describes the input instead.",
        }),
    );
    put(&mut body, "results", json!([Value::Object(result_object)]));
    let mut resources = vec![json!({
        "uuid": plan,
        "title": "Assessment input (no OSCAL assessment plan)",
        "props": [{"name": "as-of", "ns": NS, "value": result.as_of.to_string()}],
        "remarks": "The organisation's aimsgap assessment file (profile, certifications, AI \
                    systems, answers and evidence) judged on the as-of date.",
    })];
    resources.extend(evidence_resources.resources);
    put(&mut body, "back-matter", json!({ "resources": resources }));
    seal(context.seed, "assessment-results", body)
}

// -------------------------------------------------------------------------------- POA&M

fn factor_props(gap: &Gap) -> Vec<Value> {
    let factors = &gap.factors;
    let mut props: Vec<Value> = [
        prop("requirement", &gap.id),
        prop("status", gap.status.as_str()),
        prop("gap-rank", &gap.rank.to_string()),
        prop("gap-priority", &number(gap.priority)),
        prop("blocker", if gap.blocker { "true" } else { "false" }),
        prop("factor-blocker", &number(factors.blocker)),
        prop("factor-regulatory", &number(factors.regulatory)),
        prop("factor-system-risk", &number(factors.system_risk)),
        prop("factor-size", &number(factors.size)),
        prop("factor-ease", &number(factors.ease)),
        prop("factor-unblocks", &number(factors.unblocks)),
        prop("effort-days", &number(factors.effort_days)),
        prop("waiting", &factors.waiting.to_string()),
    ]
    .into_iter()
    .flatten()
    .collect();
    props.extend(
        factors
            .obligations
            .iter()
            .filter_map(|obligation| prop("obligation", obligation)),
    );
    props.extend(
        factors
            .systems
            .iter()
            .filter_map(|system| prop("ai-system", system)),
    );
    props
}

fn milestone(context: &Context<'_>, task: &Task, tasks: &HashSet<&str>) -> Value {
    let dependencies: Vec<Value> = task
        .depends_on
        .iter()
        .filter(|id| tasks.contains(id.as_str()))
        .map(|id| json!({"task-uuid": context.uuid(&format!("task/{id}"))}))
        .collect();
    let props: Vec<Value> = [
        prop("task", &task.id),
        prop("phase", task.phase.as_str()),
        prop("effort-days", &number(task.effort_days)),
        prop("start", &task.start.to_string()),
        prop("end", &task.end.to_string()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut object = Map::new();
    put(
        &mut object,
        "uuid",
        context.uuid(&format!("task/{}", task.id)),
    );
    put(&mut object, "type", "milestone");
    put(&mut object, "title", markup_line(&task.title, &task.id));
    put_list(&mut object, "props", props);
    put(
        &mut object,
        "timing",
        json!({"within-date-range": {"start": timestamp(task.start), "end": timestamp(task.end)}}),
    );
    put_list(&mut object, "dependencies", dependencies);
    Value::Object(object)
}

/// The gaps of a result as an OSCAL plan of action and milestones: one POA&M item per gap in
/// rank order, each with an open risk whose planned remediation holds the roadmap task as a
/// milestone (start and end dates, effort, phase, dependencies); the priority and its factors
/// are properties of [`NS`], and the Stage 1 and Stage 2 dates sit in the metadata.
pub fn poam(result: &AssessmentResult, catalog: &Catalog) -> String {
    let context = Context::new("plan-of-action-and-milestones", result, catalog);
    let mut gaps: Vec<&Gap> = result.gaps.iter().collect();
    gaps.sort_by_key(|gap| gap.rank);
    let task_ids: HashSet<&str> = result.roadmap.tasks.iter().map(|t| t.id.as_str()).collect();
    let credits: HashMap<&str, &RequirementResult> = result
        .requirements
        .iter()
        .map(|r| (r.id.as_str(), r))
        .collect();

    let mut risks = Vec::new();
    let mut items = Vec::new();
    for gap in gaps {
        let task = result
            .roadmap
            .tasks
            .iter()
            .find(|t| t.requirement == gap.id);
        let risk_uuid = context.uuid(&format!("risk/{}", gap.id));
        let title = markup_line(&format!("{} {}", gap.id, gap.title), &gap.id);
        let credit = credits
            .get(gap.id.as_str())
            .map(|r| r.credit)
            .unwrap_or(Credit::ZERO);
        let statement = format!(
            "{} is {} (credit {}, range {} to {}){}.",
            gap.id,
            gap.status,
            number(credit.point),
            number(credit.lo),
            number(credit.hi),
            if gap.blocker {
                "; a Stage 1 auditor checks it first"
            } else {
                ""
            }
        );

        let mut response = Map::new();
        put(
            &mut response,
            "uuid",
            context.uuid(&format!("remediation/{}", gap.id)),
        );
        put(&mut response, "lifecycle", "planned");
        put(
            &mut response,
            "title",
            markup_line(&gap.next_action, &gap.id),
        );
        put(&mut response, "description", markdown(&gap.next_action));
        if let Some(task) = task {
            put(
                &mut response,
                "tasks",
                json!([milestone(&context, task, &task_ids)]),
            );
        }

        let mut risk = Map::new();
        put(&mut risk, "uuid", risk_uuid.clone());
        put(&mut risk, "title", title.clone());
        put(
            &mut risk,
            "description",
            markdown(&format!("{} is not met.", gap.id)),
        );
        put(&mut risk, "statement", markdown(&statement));
        // The factors sit on the POA&M item; the risk names only what it is about.
        let risk_props = [
            prop("requirement", &gap.id),
            prop("status", gap.status.as_str()),
            prop("gap-priority", &number(gap.priority)),
        ];
        put_list(
            &mut risk,
            "props",
            risk_props.into_iter().flatten().collect(),
        );
        put(&mut risk, "status", "open");
        if let Some(task) = task {
            put(&mut risk, "deadline", timestamp(task.end));
        }
        put(&mut risk, "remediations", json!([Value::Object(response)]));
        risks.push(Value::Object(risk));

        let mut props = factor_props(gap);
        if let Some(task) = task {
            props.extend(
                [
                    prop("task", &task.id),
                    prop("phase", task.phase.as_str()),
                    prop("milestone-start", &task.start.to_string()),
                    prop("milestone-end", &task.end.to_string()),
                ]
                .into_iter()
                .flatten(),
            );
        }
        let mut item = Map::new();
        put(
            &mut item,
            "uuid",
            context.uuid(&format!("poam-item/{}", gap.id)),
        );
        put(&mut item, "title", title);
        put(&mut item, "description", markdown(&gap.next_action));
        put_list(&mut item, "props", props);
        put(
            &mut item,
            "related-risks",
            json!([{"risk-uuid": risk_uuid}]),
        );
        items.push(Value::Object(item));
    }

    let roadmap = &result.roadmap;
    let mut body = Map::new();
    put(
        &mut body,
        "metadata",
        context.metadata(
            &markup_line(
                &format!(
                    "{} plan of action and milestones for {}",
                    context.framework_title, context.organization
                ),
                "plan of action and milestones",
            ),
            [
                prop("stage1-date", &roadmap.stage1_date.to_string()),
                prop("stage2-date", &roadmap.stage2_date.to_string()),
                prop("total-effort-days", &number(roadmap.total_effort_days)),
            ]
            .into_iter()
            .flatten()
            .collect(),
            "The gaps of an aimsgap readiness assessment, ranked by priority, with the roadmap \
             to certification: each item's risk holds a planned remediation whose milestone \
             carries the task's dates and effort. The aimsgap properties carry the priority \
             and its factors.",
        ),
    );
    put_list(&mut body, "risks", risks);
    // The schema requires at least one item; a result without gaps says so in one.
    if items.is_empty() {
        items.push(json!({
            "uuid": context.uuid("poam-item/none"),
            "title": "No open gaps",
            "description": "Every counted requirement is met: nothing to remediate.",
        }));
    }
    put(&mut body, "poam-items", Value::Array(items));
    seal(context.seed, "plan-of-action-and-milestones", body)
}

// -------------------------------------------------------------------------------- import

/// Why a text is not an assessment-results document that aimsgap can read back.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum OscalError {
    #[error("line {line}, column {column}: not JSON: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: missing {what}")]
    Missing { path: String, what: String },
    #[error("{path}: `{value}` is not {expected}")]
    Invalid {
        path: String,
        value: String,
        expected: String,
    },
}

/// Overall readiness as carried by an assessment-results document.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedReadiness {
    pub point: f64,
    pub lo: f64,
    pub hi: f64,
    pub counted: usize,
    pub met: usize,
}

/// One requirement read back from a finding.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedRequirement {
    pub id: String,
    pub status: Status,
    /// Rounded to three decimals, as exported.
    pub credit: Credit,
}

/// What [`import_assessment_results`] reads back from a document [`assessment_results`] wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub as_of: Date,
    pub organization: String,
    pub readiness: Option<ImportedReadiness>,
    /// In document order.
    pub requirements: Vec<ImportedRequirement>,
}

fn missing(path: &str, what: &str) -> OscalError {
    OscalError::Missing {
        path: path.to_string(),
        what: what.to_string(),
    }
}

fn invalid(path: &str, value: &str, expected: &str) -> OscalError {
    OscalError::Invalid {
        path: path.to_string(),
        value: value.to_string(),
        expected: expected.to_string(),
    }
}

fn field<'v>(value: &'v Value, path: &str, key: &str) -> Result<&'v Value, OscalError> {
    value.get(key).ok_or_else(|| missing(path, key))
}

fn array<'v>(value: &'v Value, path: &str, key: &str) -> Result<&'v [Value], OscalError> {
    match field(value, path, key)? {
        Value::Array(items) => Ok(items),
        other => Err(invalid(
            &format!("{path}.{key}"),
            &other.to_string(),
            "an array",
        )),
    }
}

/// The value of aimsgap's property `name` in a `props` list, if there is one.
fn aimsgap_prop<'v>(value: &'v Value, name: &str) -> Option<&'v str> {
    value
        .get("props")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|p| {
            p.get("ns").and_then(Value::as_str) == Some(NS)
                && p.get("name").and_then(Value::as_str) == Some(name)
        })
        .and_then(|p| p.get("value"))
        .and_then(Value::as_str)
}

fn required_prop<'v>(value: &'v Value, path: &str, name: &str) -> Result<&'v str, OscalError> {
    aimsgap_prop(value, name).ok_or_else(|| {
        missing(
            &format!("{path}.props"),
            &format!("aimsgap property `{name}`"),
        )
    })
}

fn parse_number<T: std::str::FromStr>(path: &str, text: &str) -> Result<T, OscalError> {
    text.parse::<T>()
        .map_err(|_| invalid(path, text, "a number"))
}

fn credit_of(finding: &Value, path: &str) -> Result<Credit, OscalError> {
    let mut values = [0.0f64; 3];
    for (slot, name) in values
        .iter_mut()
        .zip(["credit-lo", "credit-point", "credit-hi"])
    {
        let text = required_prop(finding, path, name)?;
        let value: f64 = parse_number(&format!("{path}.props[{name}]"), text)?;
        if !(0.0..=1.0).contains(&value) {
            return Err(invalid(
                &format!("{path}.props[{name}]"),
                text,
                "a credit between 0 and 1",
            ));
        }
        *slot = value;
    }
    let [lo, point, hi] = values;
    if !(lo <= point && point <= hi) {
        return Err(invalid(
            &format!("{path}.props"),
            &format!("lo {lo}, point {point}, hi {hi}"),
            "a credit range with lo <= point <= hi",
        ));
    }
    Ok(Credit { lo, point, hi })
}

fn readiness_of(result: &Value, path: &str) -> Result<Option<ImportedReadiness>, OscalError> {
    let Some(point) = aimsgap_prop(result, "readiness-point") else {
        return Ok(None);
    };
    let at = |name: &str| format!("{path}.props[{name}]");
    Ok(Some(ImportedReadiness {
        point: parse_number(&at("readiness-point"), point)?,
        lo: parse_number(
            &at("readiness-lo"),
            required_prop(result, path, "readiness-lo")?,
        )?,
        hi: parse_number(
            &at("readiness-hi"),
            required_prop(result, path, "readiness-hi")?,
        )?,
        counted: parse_number(
            &at("readiness-counted"),
            required_prop(result, path, "readiness-counted")?,
        )?,
        met: parse_number(
            &at("readiness-met"),
            required_prop(result, path, "readiness-met")?,
        )?,
    }))
}

fn organization_of(metadata: &Value) -> Result<String, OscalError> {
    let path = "assessment-results.metadata";
    let parties = array(metadata, path, "parties")?;
    let prepared_for = metadata
        .get("responsible-parties")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|r| r.get("role-id").and_then(Value::as_str) == Some("prepared-for"))
        .and_then(|r| r.get("party-uuids"))
        .and_then(Value::as_array)
        .and_then(|uuids| uuids.first())
        .and_then(Value::as_str);
    let party = parties
        .iter()
        .find(|p| prepared_for.is_some() && p.get("uuid").and_then(Value::as_str) == prepared_for)
        .or_else(|| {
            parties
                .iter()
                .find(|p| p.get("type").and_then(Value::as_str) == Some("organization"))
        })
        .ok_or_else(|| missing(&format!("{path}.parties"), "the assessed organization"))?;
    party
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| missing(&format!("{path}.parties"), "the organization's name"))
}

/// Reads back an assessment-results document written by [`assessment_results`]: the as-of
/// date, the organisation, the overall readiness and, per finding, the requirement id, its
/// aimsgap status and its credit range. Errors name the JSON path (or line and column) and
/// what was expected there.
pub fn import_assessment_results(text: &str) -> Result<Imported, OscalError> {
    let document: Value = serde_json::from_str(text).map_err(|error| OscalError::Json {
        line: error.line(),
        column: error.column(),
        message: error.to_string(),
    })?;
    let root = field(&document, "(document)", "assessment-results")?;
    let path = "assessment-results";
    let metadata = field(root, path, "metadata")?;
    let organization = organization_of(metadata)?;
    let results = array(root, path, "results")?;
    let result = results
        .first()
        .ok_or_else(|| missing(&format!("{path}.results"), "a result"))?;
    let result_path = format!("{path}.results[0]");
    let as_of_text = match aimsgap_prop(result, "as-of") {
        Some(text) => text.to_string(),
        None => field(result, &result_path, "start")?
            .as_str()
            .unwrap_or_default()
            .chars()
            .take(10)
            .collect(),
    };
    let as_of = Date::parse(&as_of_text)
        .map_err(|_| invalid(&result_path, &as_of_text, "an as-of date YYYY-MM-DD"))?;
    let readiness = readiness_of(result, &result_path)?;
    let mut requirements = Vec::new();
    if let Some(findings) = result.get("findings") {
        let findings = findings.as_array().ok_or_else(|| {
            invalid(
                &format!("{result_path}.findings"),
                &findings.to_string(),
                "an array",
            )
        })?;
        for (index, finding) in findings.iter().enumerate() {
            let finding_path = format!("{result_path}.findings[{index}]");
            let id = required_prop(finding, &finding_path, "requirement")?;
            let status_text = required_prop(finding, &finding_path, "status")?;
            let status = Status::parse(status_text).ok_or_else(|| {
                invalid(
                    &format!("{finding_path}.props[status]"),
                    status_text,
                    &format!("one of {}", Status::expected()),
                )
            })?;
            requirements.push(ImportedRequirement {
                id: id.to_string(),
                status,
                credit: credit_of(finding, &finding_path)?,
            });
        }
    }
    Ok(Imported {
        as_of,
        organization,
        readiness,
        requirements,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn uuid_v5_matches_a_known_value() {
        // uuid5(NAMESPACE_DNS, "python.org"), the example of Python's uuid module documentation.
        assert_eq!(
            v5(Uuid::NAMESPACE_DNS, "python.org").to_string(),
            "886313e1-3b8a-5372-9b90-0c9aee199e5d"
        );
    }

    #[test]
    fn the_root_of_aimsgap_ids_stays_what_it_was() {
        // Every OSCAL id descends from this one; changing it would change every document.
        // uuid5(NAMESPACE_URL, NS) as Python's uuid module computes it.
        assert_eq!(
            aimsgap_root().to_string(),
            "003aa341-3281-5a5a-93f1-6b3d6686821a"
        );
    }

    #[test]
    fn tokens_are_ncnames_and_stay_unique() {
        assert_eq!(token("4.1.a"), "_4.1.a");
        assert_eq!(token("A.2.2"), "A.2.2");
        assert_eq!(token("GOVERN 1.1"), "GOVERN_1.1");
        assert_eq!(token("art-5"), "art-5");
        assert_eq!(token("é/x"), "__x");
        let ids = Ids::of(["GOVERN 1.1", "GOVERN_1.1"].into_iter());
        assert_eq!(ids.get("GOVERN 1.1"), "GOVERN_1.1");
        assert_eq!(ids.get("GOVERN_1.1"), "GOVERN_1.1-2");
    }

    #[test]
    fn any_reference_becomes_a_valid_uri_reference() {
        assert_eq!(uri_reference("aims/policy-v3.pdf"), "aims/policy-v3.pdf");
        assert_eq!(
            uri_reference("https://example.org/a?b=c"),
            "https://example.org/a?b=c"
        );
        assert_eq!(uri_reference("a b:c#d#e"), "a%20b%3Ac%23d%23e");
        assert_eq!(uri_reference("Richtlinie ü"), "Richtlinie%20%C3%BC");
        assert_eq!(uri_reference("<x>[y]"), "%3Cx%3E%5By%5D");
    }

    #[test]
    fn markdown_escapes_user_text() {
        assert_eq!(markdown("a *b* [c](d)"), r"a \*b\* \[c\](d)");
        assert_eq!(markdown("- item\n1. one"), "\\- item\n1\\. one");
        assert_eq!(markdown("plain text, 4.1"), "plain text, 4.1");
        assert_eq!(markdown("6.1.2 AI risk -x"), "6.1.2 AI risk -x");
        assert_eq!(
            markdown("10) ten\n+ plus\n-minus"),
            "10\\) ten\n\\+ plus\n-minus"
        );
        assert_eq!(markup_line("  two\n lines ", "x"), "two lines");
        assert_eq!(markup_line(" \n ", "fallback"), "fallback");
    }
}
