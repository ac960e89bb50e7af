//! Parsing and validation: file text in, domain values or located errors out.

use crate::Date;
use crate::error::{Error, ErrorKind, Location};
use crate::file::{self, S};
use crate::model::*;
use std::collections::HashMap;

/// Collects the errors of one file so that a user sees all of them at once.
struct Check<'a> {
    file: &'a str,
    errors: Vec<Error>,
}

impl<'a> Check<'a> {
    fn new(file: &'a str) -> Check<'a> {
        Check {
            file,
            errors: Vec::new(),
        }
    }

    fn at(&self, span: &S) -> Location {
        Location {
            file: self.file.to_string(),
            line: span.referenced.line(),
            column: span.referenced.column(),
        }
    }

    fn push(&mut self, location: Location, field: String, kind: ErrorKind) {
        self.errors.push(Error {
            location,
            field,
            kind,
        });
    }

    fn fail(&mut self, span: &S, field: String, kind: ErrorKind) {
        let location = self.at(span);
        self.push(location, field, kind);
    }

    fn date(&mut self, span: &S, field: String) -> Option<Date> {
        match Date::parse(&span.value) {
            Ok(date) => Some(date),
            Err(error) => {
                self.fail(span, field, ErrorKind::BadDate(error.0));
                None
            }
        }
    }

    fn word<T>(
        &mut self,
        span: &S,
        field: String,
        parse: fn(&str) -> Option<T>,
        expected: fn() -> String,
    ) -> Option<T> {
        let parsed = parse(&span.value);
        if parsed.is_none() {
            self.fail(
                span,
                field,
                ErrorKind::UnknownValue {
                    value: span.value.clone(),
                    expected: expected(),
                },
            );
        }
        parsed
    }

    fn finish<T>(self, value: T) -> Result<T, Vec<Error>> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}

pub(crate) fn syntax_error(file: &str, error: &serde_saphyr::Error) -> Error {
    let (line, column) = error
        .location()
        .map_or((0, 0), |location| (location.line(), location.column()));
    Error {
        location: Location {
            file: file.to_string(),
            line,
            column,
        },
        field: "document".to_string(),
        kind: ErrorKind::Syntax(error.to_string()),
    }
}

/// How many ancestors a node may have. The built-in frameworks use at most 3 (clause,
/// sub-clause, sub-sub-clause above a requirement).
const MAX_DEPTH: usize = 8;

/// Parses and validates one framework file.
pub fn parse_framework(file_name: &str, text: &str) -> Result<Framework, Vec<Error>> {
    let raw: file::FrameworkFile =
        serde_saphyr::from_str(text).map_err(|e| vec![syntax_error(file_name, &e)])?;
    let mut check = Check::new(file_name);
    let header = &raw.framework;
    let framework_id = header.id.value.clone();
    let kind = check
        .word(
            &header.kind,
            "framework.kind".into(),
            FrameworkKind::parse,
            FrameworkKind::expected,
        )
        .unwrap_or(FrameworkKind::Standard);
    let last_verified = header
        .last_verified
        .as_ref()
        .and_then(|span| check.date(span, "framework.last_verified".into()));
    let classification = header
        .classification
        .as_ref()
        .and_then(|span| {
            check.word(
                span,
                "framework.classification".into(),
                LawClassification::parse,
                LawClassification::expected,
            )
        })
        .unwrap_or(LawClassification::Tiers);
    if kind == FrameworkKind::Law && header.last_verified.is_none() {
        check.fail(
            &header.id,
            "framework.last_verified".into(),
            ErrorKind::Missing("a law must state the date its content was last verified".into()),
        );
    }

    let mut versions = Vec::new();
    for (i, entry) in raw.versions.iter().enumerate() {
        let field = |name: &str| format!("versions[{i}].{name}");
        let effective = check.date(&entry.effective, field("effective"));
        let until = entry
            .until
            .as_ref()
            .and_then(|span| check.date(span, field("until")));
        let status_since = entry
            .status_since
            .as_ref()
            .and_then(|span| check.date(span, field("status_since")));
        let status = check.word(
            &entry.status,
            field("status"),
            LawStatus::parse,
            LawStatus::expected,
        );
        if let (Some(effective), Some(status)) = (effective, status) {
            versions.push(LawVersion {
                id: entry.id.value.clone(),
                title: entry.title.clone(),
                effective,
                until,
                status,
                status_since,
                replaced_by: entry.replaced_by.as_ref().map(|s| s.value.clone()),
                source: entry.source.clone(),
                notes: entry.notes.clone(),
            });
        }
    }
    for (i, entry) in raw.versions.iter().enumerate() {
        if let Some(replaced_by) = &entry.replaced_by
            && !raw.versions.iter().any(|v| v.id.value == replaced_by.value)
        {
            check.fail(
                replaced_by,
                format!("versions[{i}].replaced_by"),
                ErrorKind::UnknownId {
                    id: replaced_by.value.clone(),
                    framework: framework_id.clone(),
                },
            );
        }
    }

    let lists = raw
        .lists
        .iter()
        .map(|(name, items)| {
            let entries = items
                .iter()
                .map(|item| ListEntry {
                    id: item.id.value.clone(),
                    title: item.title.clone(),
                    area: item.area.as_ref().map(|area| area.value.clone()),
                })
                .collect();
            (name.clone(), entries)
        })
        .collect();
    list_areas(&mut check, &raw.lists);

    // Ids first, so that parents can be checked in any order.
    let mut index: crate::model::IdMap<crate::model::SmolStr, usize> =
        crate::model::IdMap::default();
    let mut first_line: HashMap<&str, u64> = HashMap::new();
    for (i, entry) in raw.requirements.iter().enumerate() {
        if entry.id.value.trim().is_empty() {
            check.fail(
                &entry.id,
                format!("requirements[{i}].id"),
                ErrorKind::Missing("an id".into()),
            );
        }
        if let Some(&line) = first_line.get(entry.id.value.as_str()) {
            check.fail(
                &entry.id,
                format!("requirements[{i}].id"),
                ErrorKind::DuplicateId {
                    id: entry.id.value.clone(),
                    first_line: line,
                },
            );
        } else {
            first_line.insert(&entry.id.value, entry.id.referenced.line());
            index.insert(entry.id.value.as_str().into(), i);
        }
    }

    let mut requirements = Vec::with_capacity(raw.requirements.len());
    for (i, entry) in raw.requirements.iter().enumerate() {
        let field = |name: &str| format!("requirements[{i}].{name}");
        let kind = check
            .word(&entry.kind, field("kind"), Kind::parse, Kind::expected)
            .unwrap_or(Kind::Clause);
        if let Some(parent) = &entry.parent
            && !index.contains_key(parent.value.as_str())
        {
            check.fail(
                parent,
                field("parent"),
                ErrorKind::UnknownParent {
                    parent: parent.value.clone(),
                    framework: framework_id.clone(),
                },
            );
        }
        let summary = entry.summary.clone().unwrap_or_default();
        if summary.trim().is_empty() {
            check.fail(
                &entry.id,
                field("summary"),
                ErrorKind::Missing(format!("a summary for `{}`", entry.id.value)),
            );
        }
        let obligation = if kind == Kind::Obligation {
            obligation(
                &mut check,
                entry,
                i,
                last_verified,
                &raw.versions,
                &raw.lists,
            )
        } else {
            let stray = [
                ("article", entry.article.is_some()),
                ("roles", entry.roles.is_some()),
                ("tiers", entry.tiers.is_some()),
                ("applies_from", entry.applies_from.is_some()),
                ("status", entry.status.is_some()),
                ("annex_iii", entry.annex_iii.is_some()),
                ("grace", entry.grace.is_some()),
                ("deadlines", entry.deadlines.is_some()),
                ("permission", entry.permission),
            ];
            for (name, present) in stray {
                if present {
                    check.fail(
                        &entry.kind,
                        field(name),
                        ErrorKind::Invalid(format!("`{name}` belongs only to kind obligation")),
                    );
                }
            }
            None
        };
        let letters = letters(&mut check, entry, i);
        requirements.push(Requirement {
            id: entry.id.value.as_str().into(),
            kind,
            parent: entry.parent.as_ref().map(|p| p.value.clone()),
            title: entry.title.trim().into(),
            summary: summary.trim().to_string(),
            evidence: entry.evidence.as_ref().map(|e| e.trim().to_string()),
            documented: entry.documented,
            letters,
            formerly: entry.formerly.as_ref().map(|f| f.value.clone()),
            text: entry.text.as_ref().map(|t| t.trim().to_string()),
            obligation,
        });
    }

    formerly_and_letters(&mut check, &raw.requirements, &index);

    // A parent chain must end: walking up more steps than there are nodes means a loop. It must
    // also stay shallow: renderers walk the tree recursively, and a chain hundreds of nodes deep
    // would exhaust their stack.
    for (i, entry) in raw.requirements.iter().enumerate() {
        let mut current = entry.parent.as_ref().map(|p| p.value.as_str());
        let mut steps = 0;
        let mut looped = false;
        while let Some(id) = current {
            steps += 1;
            if steps > raw.requirements.len() {
                check.fail(
                    &entry.id,
                    format!("requirements[{i}].parent"),
                    ErrorKind::ParentCycle {
                        id: entry.id.value.clone(),
                    },
                );
                looped = true;
                break;
            }
            current = index
                .get(id)
                .and_then(|&p| raw.requirements.get(p))
                .and_then(|r| r.parent.as_ref())
                .map(|p| p.value.as_str());
        }
        if !looped && steps > MAX_DEPTH {
            check.fail(
                &entry.id,
                format!("requirements[{i}].parent"),
                ErrorKind::Invalid(format!(
                    "`{}` is nested {steps} levels deep; at most {MAX_DEPTH} are allowed",
                    entry.id.value
                )),
            );
        }
    }

    let mut framework = Framework {
        id: framework_id,
        name: header.name.clone(),
        version: header.version.clone(),
        kind,
        publisher: header.publisher.clone(),
        source: header.source.clone(),
        licence: header.licence.clone(),
        last_verified,
        jurisdiction: header.jurisdiction.clone(),
        classification,
        versions,
        lists,
        requirements,
        index,
        parents: Vec::new(),
    };
    framework.rebuild_parents();
    check.finish(framework)
}

/// The list letters of a node: single lower-case letters, each once, in alphabetical order.
fn letters(check: &mut Check<'_>, entry: &file::RequirementEntry, i: usize) -> Vec<char> {
    let mut letters: Vec<char> = Vec::new();
    for (j, span) in entry.letters.iter().flatten().enumerate() {
        let mut chars = span.value.chars();
        match (chars.next(), chars.next()) {
            (Some(letter), None) if letter.is_ascii_lowercase() => {
                if letters.last().is_some_and(|&last| last >= letter) {
                    check.fail(
                        span,
                        format!("requirements[{i}].letters[{j}]"),
                        ErrorKind::Invalid(format!(
                            "`{letter}` comes after `{}`: list each letter once, in alphabetical order",
                            letters.iter().collect::<String>()
                        )),
                    );
                } else {
                    letters.push(letter);
                }
            }
            _ => check.fail(
                span,
                format!("requirements[{i}].letters[{j}]"),
                ErrorKind::Invalid(format!(
                    "`{}` is not a list letter: expected one letter a to z",
                    span.value
                )),
            ),
        }
    }
    letters
}

/// A former id names one requirement only and is not its own id; a requirement's letters are
/// among its parent's when the parent letters its items.
fn formerly_and_letters(
    check: &mut Check<'_>,
    entries: &[file::RequirementEntry],
    index: &crate::model::IdMap<crate::model::SmolStr, usize>,
) {
    let mut former: HashMap<&str, u64> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        if let Some(formerly) = &entry.formerly {
            let field = format!("requirements[{i}].formerly");
            if formerly.value.trim().is_empty() || formerly.value == entry.id.value {
                check.fail(
                    formerly,
                    field,
                    ErrorKind::Invalid(format!(
                        "`formerly` of `{}` must name the id it had before, not `{}`",
                        entry.id.value, formerly.value
                    )),
                );
            } else if let Some(&line) = former.get(formerly.value.as_str()) {
                check.fail(
                    formerly,
                    field,
                    ErrorKind::Invalid(format!(
                        "former id `{}` is already claimed on line {line}",
                        formerly.value
                    )),
                );
            } else {
                former.insert(&formerly.value, formerly.referenced.line());
            }
        }
        let parent_letters = entry
            .parent
            .as_ref()
            .and_then(|p| index.get(p.value.as_str()))
            .and_then(|&p| entries.get(p))
            .and_then(|p| p.letters.as_ref());
        if let Some(parent_letters) = parent_letters {
            for (j, span) in entry.letters.iter().flatten().enumerate() {
                if !parent_letters.iter().any(|l| l.value == span.value) {
                    check.fail(
                        span,
                        format!("requirements[{i}].letters[{j}]"),
                        ErrorKind::Invalid(format!(
                            "`{}` is not one of the letters of the parent clause",
                            span.value
                        )),
                    );
                }
            }
        }
    }
}

/// Every `area` of a list entry must name an entry of another list of the same framework.
fn list_areas(
    check: &mut Check<'_>,
    lists: &std::collections::BTreeMap<String, Vec<file::ListItem>>,
) {
    for (name, items) in lists {
        for (j, item) in items.iter().enumerate() {
            let Some(area) = &item.area else { continue };
            let known = lists
                .iter()
                .filter(|(other, _)| *other != name)
                .any(|(_, entries)| entries.iter().any(|entry| entry.id.value == area.value));
            if !known {
                check.fail(
                    area,
                    format!("lists.{name}[{j}].area"),
                    ErrorKind::UnknownId {
                        id: area.value.clone(),
                        framework: "the entries of this framework's other lists".into(),
                    },
                );
            }
        }
    }
}

/// The lists an obligation's `annex_iii` ids come from.
const ANNEX_III_LISTS: [&str; 2] = ["annex_iii_areas", "annex_iii_points"];

/// Reads an obligation's `annex_iii` scope, checking every id against the framework's Annex III
/// lists; the old trigger word `credit_or_insurance_scoring` is read as `only: [5(b), 5(c)]`.
fn annex_iii_scope(
    check: &mut Check<'_>,
    entry: &file::RequirementEntry,
    field: &dyn Fn(&str) -> String,
    lists: &std::collections::BTreeMap<String, Vec<file::ListItem>>,
    legacy_credit: bool,
) -> AnnexIiiScope {
    let known: Vec<&str> = ANNEX_III_LISTS
        .iter()
        .filter_map(|name| lists.get(*name))
        .flatten()
        .map(|item| item.id.value.as_str())
        .collect();
    let mut read = |spans: &Option<Vec<S>>, name: &str| -> Vec<String> {
        let mut ids = Vec::new();
        for (j, span) in spans.iter().flatten().enumerate() {
            if known.contains(&span.value.as_str()) {
                ids.push(span.value.clone());
            } else {
                check.fail(
                    span,
                    field(&format!("annex_iii.{name}[{j}]")),
                    ErrorKind::UnknownValue {
                        value: span.value.clone(),
                        expected: if known.is_empty() {
                            "an id of the lists annex_iii_areas or annex_iii_points, which this framework does not have".into()
                        } else {
                            known.join(", ")
                        },
                    },
                );
            }
        }
        ids
    };
    let mut scope = match &entry.annex_iii {
        Some(annex_iii) => AnnexIiiScope {
            only: read(&annex_iii.only, "only"),
            except: read(&annex_iii.except, "except"),
        },
        None => AnnexIiiScope::default(),
    };
    if legacy_credit {
        if let (Some(trigger), Some(_)) = (&entry.trigger, &entry.annex_iii) {
            check.fail(
                trigger,
                field("trigger"),
                ErrorKind::Invalid(
                    "`credit_or_insurance_scoring` is the old word for `annex_iii: {only: [\"5(b)\", \"5(c)\"]}`; give `annex_iii` alone".into(),
                ),
            );
        }
        scope.only = CREDIT_OR_INSURANCE_POINTS.map(String::from).to_vec();
    }
    scope
}

fn obligation(
    check: &mut Check<'_>,
    entry: &file::RequirementEntry,
    i: usize,
    framework_verified: Option<Date>,
    versions: &[file::VersionEntry],
    lists: &std::collections::BTreeMap<String, Vec<file::ListItem>>,
) -> Option<Obligation> {
    let field = |name: &str| format!("requirements[{i}].{name}");
    let missing = |check: &mut Check<'_>, name: &str| {
        check.fail(
            &entry.id,
            field(name),
            ErrorKind::Missing(format!("obligation `{}` needs `{name}`", entry.id.value)),
        );
    };
    let Some(applies_from_span) = &entry.applies_from else {
        missing(check, "applies_from");
        return None;
    };
    let applies_from = check.date(applies_from_span, field("applies_from"));
    let mut roles = Vec::new();
    for (j, span) in entry.roles.iter().flatten().enumerate() {
        if let Some(role) = check.word(
            span,
            field(&format!("roles[{j}]")),
            Role::parse,
            Role::expected,
        ) {
            roles.push(role);
        }
    }
    if roles.is_empty() {
        missing(check, "roles");
    }
    let mut tiers = Vec::new();
    for (j, span) in entry.tiers.iter().flatten().enumerate() {
        if let Some(tier) = check.word(
            span,
            field(&format!("tiers[{j}]")),
            Tier::parse,
            Tier::expected,
        ) {
            tiers.push(tier);
        }
    }
    if tiers.is_empty() {
        missing(check, "tiers");
    }
    let mut trigger = entry
        .trigger
        .as_ref()
        .and_then(|span| check.word(span, field("trigger"), Trigger::parse, Trigger::expected));
    // The old word reached systems through Colorado's broad lending and insurance decisions;
    // it now means the two Annex III points it was written for.
    let legacy_credit = trigger == Some(Trigger::CreditOrInsuranceScoring);
    if legacy_credit {
        trigger = None;
    }
    let annex_iii = annex_iii_scope(check, entry, &field, lists, legacy_credit);
    let mut grace = Vec::new();
    for (j, item) in entry.grace.iter().flatten().enumerate() {
        let placed_before = check.date(
            &item.placed_before,
            field(&format!("grace[{j}].placed_before")),
        );
        let grace_from = check.date(
            &item.applies_from,
            field(&format!("grace[{j}].applies_from")),
        );
        if let (Some(grace_from), Some(general)) = (grace_from, applies_from)
            && grace_from <= general
        {
            check.fail(
                &item.applies_from,
                field(&format!("grace[{j}].applies_from")),
                ErrorKind::Invalid(format!(
                    "a grace gives a later date: {grace_from} is not after applies_from {general}"
                )),
            );
        }
        if let (Some(placed_before), Some(grace_from)) = (placed_before, grace_from) {
            grace.push(Grace {
                placed_before,
                applies_from: grace_from,
                source: item.source.clone(),
            });
        }
    }
    let mut deadlines = Vec::new();
    for (j, item) in entry.deadlines.iter().flatten().enumerate() {
        let days = item.days.value;
        match u16::try_from(days) {
            Ok(days) if (1..=3650).contains(&days) && !item.case.trim().is_empty() => {
                deadlines.push(Deadline {
                    days,
                    case: item.case.trim().to_string(),
                });
            }
            _ => check.push(
                Location {
                    file: check.file.to_string(),
                    line: item.days.referenced.line(),
                    column: item.days.referenced.column(),
                },
                field(&format!("deadlines[{j}]")),
                ErrorKind::Invalid(format!(
                    "a deadline needs days from 1 to 3650 and a case in words; got {days} days"
                )),
            ),
        }
    }
    let triggers = |check: &mut Check<'_>, list: &Option<Vec<S>>, name: &str| {
        let mut out = Vec::new();
        for (j, span) in list.iter().flatten().enumerate() {
            if let Some(trigger) = check.word(
                span,
                field(&format!("{name}[{j}]")),
                Trigger::parse,
                Trigger::expected,
            ) {
                out.push(trigger);
            }
        }
        out
    };
    let requires = triggers(check, &entry.requires, "requires");
    let any_of = triggers(check, &entry.any_of, "any_of");
    if let Some(version) = &entry.version
        && !versions.iter().any(|v| v.id.value == version.value)
    {
        check.fail(
            version,
            field("version"),
            ErrorKind::UnknownId {
                id: version.value.clone(),
                framework: "this law's versions".into(),
            },
        );
    }
    let mut dates = Vec::new();
    for (j, item) in entry.dates.iter().flatten().enumerate() {
        let date = check.date(&item.date, field(&format!("dates[{j}].date")));
        let status = check.word(
            &item.status,
            field(&format!("dates[{j}].status")),
            DateStatus::parse,
            DateStatus::expected,
        );
        if let (Some(date), Some(status)) = (date, status) {
            dates.push(DateEntry {
                date,
                status,
                source: item.source.clone(),
            });
        }
    }
    let status = match &entry.status {
        Some(span) => check.word(span, field("status"), LawStatus::parse, LawStatus::expected),
        None => {
            missing(check, "status");
            None
        }
    };
    let last_verified = match &entry.last_verified {
        Some(span) => check.date(span, field("last_verified")),
        None => framework_verified,
    };
    let Some(article) = entry.article.clone() else {
        missing(check, "article");
        return None;
    };
    let Some(source) = entry.source.clone() else {
        missing(check, "source");
        return None;
    };
    let applies_from = applies_from?;
    Some(Obligation {
        article,
        roles,
        tiers,
        trigger,
        version: entry.version.as_ref().map(|v| v.value.clone()),
        applies_from,
        dates,
        status: status?,
        source,
        last_verified: last_verified?,
        unverified: entry.unverified.clone(),
        practices: entry.practices.clone().unwrap_or_default(),
        annex_iii,
        grace,
        deadlines,
        permission: entry.permission,
        requires,
        any_of,
    })
}

/// Parses and validates one crosswalk file against the frameworks it connects.
pub fn parse_crosswalk(
    file_name: &str,
    text: &str,
    frameworks: &[Framework],
) -> Result<Crosswalk, Vec<Error>> {
    let raw: file::CrosswalkFile =
        serde_saphyr::from_str(text).map_err(|e| vec![syntax_error(file_name, &e)])?;
    let mut check = Check::new(file_name);
    let header = &raw.crosswalk;
    let find = |span: &S| frameworks.iter().find(|f| f.id == span.value);
    let source = find(&header.from);
    let target = find(&header.to);
    for (span, name) in [
        (&header.from, "crosswalk.from"),
        (&header.to, "crosswalk.to"),
    ] {
        if find(span).is_none() {
            check.fail(
                span,
                name.into(),
                ErrorKind::UnknownFramework(span.value.clone()),
            );
        }
    }
    let mut edges = Vec::with_capacity(raw.edges.len());
    let mut seen: HashMap<(&str, &str), u64> = HashMap::new();
    for (i, entry) in raw.edges.iter().enumerate() {
        let field = |name: &str| format!("edges[{i}].{name}");
        if let Some(source) = source
            && source.get(&entry.from.value).is_none()
        {
            check.fail(
                &entry.from,
                field("from"),
                ErrorKind::UnknownId {
                    id: entry.from.value.clone(),
                    framework: source.id.clone(),
                },
            );
        }
        if let Some(target) = target {
            match target.get(&entry.to.value) {
                None => check.fail(
                    &entry.to,
                    field("to"),
                    ErrorKind::UnknownId {
                        id: entry.to.value.clone(),
                        framework: target.id.clone(),
                    },
                ),
                Some(requirement) if !requirement.kind.is_assessable() => check.fail(
                    &entry.to,
                    field("to"),
                    ErrorKind::ContainerTarget {
                        id: entry.to.value.clone(),
                        kind: requirement.kind.to_string(),
                    },
                ),
                Some(_) => {}
            }
        }
        let key = (entry.from.value.as_str(), entry.to.value.as_str());
        if let Some(&line) = seen.get(&key) {
            check.fail(
                &entry.from,
                field("from"),
                ErrorKind::DuplicateEdge {
                    from: entry.from.value.clone(),
                    to: entry.to.value.clone(),
                    first_line: line,
                },
            );
        } else {
            seen.insert(key, entry.from.referenced.line());
        }
        let strength = entry.strength.value;
        if !(1..=10).contains(&strength) {
            let location = Location {
                file: file_name.to_string(),
                line: entry.strength.referenced.line(),
                column: entry.strength.referenced.column(),
            };
            check.push(
                location,
                field("strength"),
                ErrorKind::StrengthOutOfRange(strength),
            );
        }
        let rel = check.word(
            &entry.rel,
            field("rel"),
            Relationship::parse,
            Relationship::expected,
        );
        let rationale = check.word(
            &entry.rationale,
            field("rationale"),
            Rationale::parse,
            Rationale::expected,
        );
        if entry.note.trim().is_empty() {
            check.fail(
                &entry.from,
                field("note"),
                ErrorKind::Missing("a note".into()),
            );
        }
        if let (Some(rel), Some(rationale), Ok(strength)) = (rel, rationale, u8::try_from(strength))
        {
            edges.push(Edge {
                from: entry.from.value.clone(),
                to: entry.to.value.clone(),
                rel,
                strength,
                rationale,
                note: entry.note.trim().to_string(),
            });
        }
    }
    check.finish(Crosswalk::new(
        header.from.value.clone(),
        header.to.value.clone(),
        header.version.clone(),
        header.authors.clone(),
        header.method.trim().to_string(),
        edges,
    ))
}

/// Loads frameworks and then crosswalks, each given as (file name, text). All errors of all
/// files are returned together; a duplicate framework id is an error too.
pub fn load(
    frameworks: &[(&str, &str)],
    crosswalks: &[(&str, &str)],
) -> Result<Catalog, Vec<Error>> {
    let mut errors = Vec::new();
    let mut catalog = Catalog::default();
    for (name, text) in frameworks {
        match parse_framework(name, text) {
            Ok(framework) => {
                if catalog.framework(&framework.id).is_some() {
                    errors.push(Error {
                        location: Location {
                            file: (*name).to_string(),
                            line: 0,
                            column: 0,
                        },
                        field: "framework.id".into(),
                        kind: ErrorKind::Invalid(format!(
                            "framework `{}` is defined twice",
                            framework.id
                        )),
                    });
                } else {
                    catalog.frameworks.push(framework);
                }
            }
            Err(mut file_errors) => errors.append(&mut file_errors),
        }
    }
    for (name, text) in crosswalks {
        match parse_crosswalk(name, text, &catalog.frameworks) {
            Ok(crosswalk) => catalog.crosswalks.push(crosswalk),
            Err(mut file_errors) => errors.append(&mut file_errors),
        }
    }
    if errors.is_empty() {
        Ok(catalog)
    } else {
        Err(errors)
    }
}
