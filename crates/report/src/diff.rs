//! `aimsgap diff`: what changed between two assessment runs, from their JSON results (schema
//! `aimsgap/assessment-result/2`), so a saved result from last quarter compares with today's.
//! A result of schema 1 reads with its ISO/IEC 42001 ids renamed to today's.

use crate::escape::markdown as m;
use crate::json::SCHEMA;
use crate::table::{clip, render};
use aimsgap_wire::result::{AssessmentResult, SCHEMA_1};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Obligation states of a result: (system, law, obligation) to (reference, state).
type States = BTreeMap<(String, String, String), (String, String)>;

/// Why two documents cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("{which} is not an aimsgap result: expected \"schema\": \"{SCHEMA}\", found {found}")]
    NotAResult { which: &'static str, found: String },
    #[error("{which}: line {line}, column {column}: {message}")]
    Json {
        which: &'static str,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{which}: {message}")]
    Shape {
        which: &'static str,
        message: String,
    },
}

/// One requirement whose status or credit moved.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusChange {
    pub id: String,
    pub title: String,
    pub old: String,
    pub new: String,
    pub old_credit: f64,
    pub new_credit: f64,
}

/// One obligation of one AI system whose state changed, appeared or disappeared.
#[derive(Clone, Debug, PartialEq)]
pub struct ObligationChange {
    pub system: String,
    pub law: String,
    pub id: String,
    pub reference: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Everything that changed.
#[derive(Clone, Debug, PartialEq)]
pub struct Diff {
    pub old_as_of: String,
    pub new_as_of: String,
    pub readiness: [(f64, f64); 3],
    pub groups: Vec<(String, f64, f64)>,
    pub ready_for_stage1: (bool, bool),
    pub status_changes: Vec<StatusChange>,
    pub gaps_opened: Vec<(String, String)>,
    pub gaps_closed: Vec<(String, String)>,
    pub obligations: Vec<ObligationChange>,
}

fn not_a_result(which: &'static str, schema: Option<&str>) -> DiffError {
    DiffError::NotAResult {
        which,
        found: schema.map_or("no schema".to_string(), |s| format!("\"{s}\"")),
    }
}

fn check_schema(result: &mut AssessmentResult, which: &'static str) -> Result<(), DiffError> {
    if result.schema == SCHEMA {
        Ok(())
    } else if result.schema == SCHEMA_1 {
        upgrade(result);
        Ok(())
    } else {
        Err(not_a_result(which, Some(&result.schema)))
    }
}

/// Renames the ISO/IEC 42001 ids of a result of schema 1 to today's, through the `formerly`
/// of the built-in catalog.
fn upgrade(result: &mut AssessmentResult) {
    static CATALOG: std::sync::OnceLock<Option<aimsgap_catalog::Catalog>> =
        std::sync::OnceLock::new();
    let catalog = CATALOG.get_or_init(|| aimsgap_catalog::builtin().ok());
    if let Some(iso) = catalog.as_ref().and_then(|c| c.framework("iso42001")) {
        result.rename_ids(|old| {
            iso.by_former_id(old)
                .filter(|requirement| requirement.id != old)
                .map(|requirement| requirement.id.to_string())
        });
    }
}

fn is_result_schema(schema: Option<&str>) -> bool {
    schema == Some(SCHEMA) || schema == Some(SCHEMA_1)
}

/// Reads a saved result (`which` is "old" or "new", for messages). A document of another
/// kind is reported as such rather than by its first missing field; a damaged result by the
/// line and column where reading stopped.
pub fn read(which: &'static str, text: &str) -> Result<AssessmentResult, DiffError> {
    match serde_json::from_str::<AssessmentResult>(text) {
        Ok(mut result) => {
            check_schema(&mut result, which)?;
            Ok(result)
        }
        Err(error) => {
            let document = serde_json::from_str::<Value>(text).ok();
            let schema = document
                .as_ref()
                .and_then(|d| d.get("schema"))
                .and_then(Value::as_str);
            if document.is_some() && !is_result_schema(schema) {
                return Err(not_a_result(which, schema));
            }
            let (line, column) = (error.line(), error.column());
            // serde_json appends the position to its message; the error says it already.
            let message = error.to_string();
            let message = message
                .strip_suffix(&format!(" at line {line} column {column}"))
                .unwrap_or(&message)
                .to_string();
            Err(DiffError::Json {
                which,
                line,
                column,
                message,
            })
        }
    }
}

/// Reads a result held as a JSON value (a saved run).
pub fn from_value(which: &'static str, value: &Value) -> Result<AssessmentResult, DiffError> {
    let schema = value.get("schema").and_then(Value::as_str);
    if !is_result_schema(schema) {
        return Err(not_a_result(which, schema));
    }
    let mut result: AssessmentResult =
        serde_json::from_value(value.clone()).map_err(|error| DiffError::Shape {
            which,
            message: error.to_string(),
        })?;
    check_schema(&mut result, which)?;
    Ok(result)
}

/// Compares two results held as JSON values (saved runs).
pub fn diff_values(old: &Value, new: &Value) -> Result<Diff, DiffError> {
    diff(&from_value("old", old)?, &from_value("new", new)?)
}

/// Compares two results.
pub fn diff(old: &AssessmentResult, new: &AssessmentResult) -> Result<Diff, DiffError> {
    // Both are read through `read` or `from_value`, which bring a result of schema 1 to
    // today's ids.
    for (result, which) in [(old, "old"), (new, "new")] {
        if result.schema != SCHEMA {
            return Err(not_a_result(which, Some(&result.schema)));
        }
    }
    let (before, after) = (&old.readiness.overall, &new.readiness.overall);
    let readiness = [
        (before.point, after.point),
        (before.lo, after.lo),
        (before.hi, after.hi),
    ];
    let old_groups: BTreeMap<&str, f64> = old
        .readiness
        .groups
        .iter()
        .map(|g| (g.id.as_str(), g.point))
        .collect();
    let groups = new
        .readiness
        .groups
        .iter()
        .filter_map(|g| {
            let before = old_groups.get(g.id.as_str()).copied().unwrap_or(0.0);
            ((g.point - before).abs() >= 0.05).then(|| (g.id.clone(), before, g.point))
        })
        .collect();

    let old_requirements: BTreeMap<&str, (&str, f64)> = old
        .requirements
        .iter()
        .map(|r| (r.id.as_str(), (r.status.as_str(), r.credit.point)))
        .collect();
    let mut status_changes = Vec::new();
    for r in &new.requirements {
        let (old_status, old_credit) = old_requirements
            .get(r.id.as_str())
            .copied()
            .unwrap_or(("absent", 0.0));
        let new_credit = r.credit.point;
        if old_status != r.status || (old_credit - new_credit).abs() >= 0.0005 {
            status_changes.push(StatusChange {
                id: r.id.clone(),
                title: r.title.clone(),
                old: old_status.to_string(),
                new: r.status.clone(),
                old_credit,
                new_credit,
            });
        }
    }

    let gap_ids = |result: &AssessmentResult| -> Vec<(String, String)> {
        result
            .gaps
            .iter()
            .map(|g| (g.id.clone(), g.title.clone()))
            .collect()
    };
    let old_gaps = gap_ids(old);
    let new_gaps = gap_ids(new);
    let gaps_opened = new_gaps
        .iter()
        .filter(|(id, _)| !old_gaps.iter().any(|(o, _)| o == id))
        .cloned()
        .collect();
    let gaps_closed = old_gaps
        .iter()
        .filter(|(id, _)| !new_gaps.iter().any(|(n, _)| n == id))
        .cloned()
        .collect();

    let states = |result: &AssessmentResult| -> States {
        let mut map = BTreeMap::new();
        for system in &result.obligations {
            for item in &system.items {
                map.insert(
                    (system.system.clone(), system.law.clone(), item.id.clone()),
                    (item.reference.clone(), item.state.clone()),
                );
            }
        }
        map
    };
    let old_states = states(old);
    let new_states = states(new);
    let mut obligations = Vec::new();
    let mut keys: Vec<&(String, String, String)> =
        old_states.keys().chain(new_states.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let before = old_states.get(key);
        let after = new_states.get(key);
        if before.map(|(_, s)| s) != after.map(|(_, s)| s) {
            obligations.push(ObligationChange {
                system: key.0.clone(),
                law: key.1.clone(),
                id: key.2.clone(),
                reference: after.or(before).map(|(r, _)| r.clone()).unwrap_or_default(),
                old: before.map(|(_, s)| s.clone()),
                new: after.map(|(_, s)| s.clone()),
            });
        }
    }
    Ok(Diff {
        old_as_of: old.as_of.clone(),
        new_as_of: new.as_of.clone(),
        readiness,
        groups,
        ready_for_stage1: (old.verdict.ready_for_stage1, new.verdict.ready_for_stage1),
        status_changes,
        gaps_opened,
        gaps_closed,
        obligations,
    })
}

fn signed(value: f64) -> String {
    format!("{value:+.1}")
}

/// The diff as JSON (schema `aimsgap/diff/1`).
pub fn to_json(d: &Diff) -> String {
    let value = json!({
        "schema": "aimsgap/diff/1",
        "old_as_of": d.old_as_of, "new_as_of": d.new_as_of,
        "readiness": {
            "point": {"old": d.readiness[0].0, "new": d.readiness[0].1},
            "lo": {"old": d.readiness[1].0, "new": d.readiness[1].1},
            "hi": {"old": d.readiness[2].0, "new": d.readiness[2].1},
        },
        "groups": d.groups.iter().map(|(id, o, n)| json!({"id": id, "old": o, "new": n})).collect::<Vec<_>>(),
        "ready_for_stage1": {"old": d.ready_for_stage1.0, "new": d.ready_for_stage1.1},
        "status_changes": d.status_changes.iter().map(|c| json!({
            "id": c.id, "title": c.title, "old": c.old, "new": c.new,
            "old_credit": c.old_credit, "new_credit": c.new_credit,
        })).collect::<Vec<_>>(),
        "gaps_opened": d.gaps_opened.iter().map(|(id, t)| json!({"id": id, "title": t})).collect::<Vec<_>>(),
        "gaps_closed": d.gaps_closed.iter().map(|(id, t)| json!({"id": id, "title": t})).collect::<Vec<_>>(),
        "obligations": d.obligations.iter().map(|o| json!({
            "system": o.system, "law": o.law, "id": o.id, "ref": o.reference, "old": o.old, "new": o.new,
        })).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// The diff as terminal tables.
pub fn to_table(d: &Diff) -> String {
    let (point, lo, hi) = (d.readiness[0], d.readiness[1], d.readiness[2]);
    let mut out = format!(
        "Readiness {:.1} -> {:.1} ({}), range {:.1}-{:.1} -> {:.1}-{:.1}; from {} to {}\n",
        point.0,
        point.1,
        signed(point.1 - point.0),
        lo.0,
        hi.0,
        lo.1,
        hi.1,
        d.old_as_of,
        d.new_as_of
    );
    if d.ready_for_stage1.0 != d.ready_for_stage1.1 {
        out.push_str(&format!(
            "Stage 1 verdict changed: {} -> {}\n",
            d.ready_for_stage1.0, d.ready_for_stage1.1
        ));
    }
    if !d.groups.is_empty() {
        let rows: Vec<Vec<String>> = d
            .groups
            .iter()
            .map(|(id, o, n)| {
                vec![
                    id.clone(),
                    format!("{o:.1}"),
                    format!("{n:.1}"),
                    signed(n - o),
                ]
            })
            .collect();
        out.push('\n');
        out.push_str(&render(&["group", "old", "new", "change"], &rows));
    }
    out.push_str(&format!("\nStatus changes ({})\n", d.status_changes.len()));
    let rows: Vec<Vec<String>> = d
        .status_changes
        .iter()
        .map(|c| {
            vec![
                c.id.clone(),
                c.old.clone(),
                c.new.clone(),
                format!(
                    "{:.0}% -> {:.0}%",
                    c.old_credit * 100.0,
                    c.new_credit * 100.0
                ),
                clip(&c.title, 60),
            ]
        })
        .collect();
    out.push_str(&render(
        &["requirement", "old", "new", "credit", "title"],
        &rows,
    ));
    out.push_str(&format!(
        "\nGaps opened ({}): {}\nGaps closed ({}): {}\n",
        d.gaps_opened.len(),
        d.gaps_opened
            .iter()
            .map(|(id, _)| id.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        d.gaps_closed.len(),
        d.gaps_closed
            .iter()
            .map(|(id, _)| id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out.push_str(&format!(
        "\nObligations whose state changed ({})\n",
        d.obligations.len()
    ));
    let rows: Vec<Vec<String>> = d
        .obligations
        .iter()
        .map(|o| {
            vec![
                o.system.clone(),
                o.law.clone(),
                o.reference.clone(),
                o.old.clone().unwrap_or_else(|| "-".into()),
                o.new.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    out.push_str(&render(&["system", "law", "ref", "old", "new"], &rows));
    out
}

/// The diff as Markdown.
pub fn to_markdown(d: &Diff) -> String {
    let point = d.readiness[0];
    let mut out = format!(
        "# What changed from {} to {}\n\nReadiness {:.1} -> {:.1} ({}).\n",
        d.old_as_of,
        d.new_as_of,
        point.0,
        point.1,
        signed(point.1 - point.0)
    );
    out.push_str(
        "\n## Status changes\n\n| Requirement | Old | New | Credit |\n|---|---|---|---|\n",
    );
    for c in &d.status_changes {
        out.push_str(&format!(
            "| {} {} | {} | {} | {:.0}% -> {:.0}% |\n",
            m(&c.id),
            m(&c.title),
            c.old,
            c.new,
            c.old_credit * 100.0,
            c.new_credit * 100.0
        ));
    }
    out.push_str("\n## Gaps opened\n\n");
    for (id, title) in &d.gaps_opened {
        out.push_str(&format!("- {} {}\n", m(id), m(title)));
    }
    out.push_str("\n## Gaps closed\n\n");
    for (id, title) in &d.gaps_closed {
        out.push_str(&format!("- {} {}\n", m(id), m(title)));
    }
    out.push_str("\n## Obligations whose state changed\n\n| System | Law | Reference | Old | New |\n|---|---|---|---|---|\n");
    for o in &d.obligations {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            m(&o.system),
            m(&o.law),
            m(&o.reference),
            o.old.as_deref().unwrap_or("-"),
            o.new.as_deref().unwrap_or("-")
        ));
    }
    out
}
