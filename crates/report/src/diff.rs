//! `aimsgap diff`: what changed between two assessment runs, from their JSON results (schema
//! `aimsgap/assessment-result/1`), so a saved result from last quarter compares with today's.

use crate::escape::markdown as m;
use crate::json::SCHEMA;
use crate::table::{clip, render};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Obligation states of a result: (system, law, obligation) to (reference, state).
type States = BTreeMap<(String, String, String), (String, String)>;

/// Why two documents cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("{which} is not an aimsgap result: expected \"schema\": \"{SCHEMA}\", found {found}")]
    NotAResult { which: &'static str, found: String },
    #[error("{which}: field `{field}` is missing or has the wrong type")]
    Field { which: &'static str, field: String },
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

fn field<'a>(value: &'a Value, which: &'static str, path: &str) -> Result<&'a Value, DiffError> {
    value.pointer(path).ok_or_else(|| DiffError::Field {
        which,
        field: path.trim_start_matches('/').replace('/', "."),
    })
}

fn number(value: &Value, which: &'static str, path: &str) -> Result<f64, DiffError> {
    field(value, which, path)?
        .as_f64()
        .ok_or_else(|| DiffError::Field {
            which,
            field: path.trim_start_matches('/').replace('/', "."),
        })
}

fn string(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn array<'a>(
    value: &'a Value,
    which: &'static str,
    path: &str,
) -> Result<&'a Vec<Value>, DiffError> {
    field(value, which, path)?
        .as_array()
        .ok_or_else(|| DiffError::Field {
            which,
            field: path.trim_start_matches('/').replace('/', "."),
        })
}

fn check_schema(value: &Value, which: &'static str) -> Result<(), DiffError> {
    match value.get("schema").and_then(Value::as_str) {
        Some(schema) if schema == SCHEMA => Ok(()),
        other => Err(DiffError::NotAResult {
            which,
            found: other.map_or("no schema".to_string(), |s| format!("\"{s}\"")),
        }),
    }
}

/// Compares two JSON results.
pub fn diff(old: &Value, new: &Value) -> Result<Diff, DiffError> {
    check_schema(old, "old")?;
    check_schema(new, "new")?;
    let mut readiness = [(0.0, 0.0); 3];
    for (i, key) in ["point", "lo", "hi"].iter().enumerate() {
        let path = format!("/readiness/overall/{key}");
        if let Some(slot) = readiness.get_mut(i) {
            *slot = (number(old, "old", &path)?, number(new, "new", &path)?);
        }
    }
    let old_groups: BTreeMap<String, f64> = array(old, "old", "/readiness/groups")?
        .iter()
        .map(|g| {
            (
                string(g, "id"),
                g.get("point").and_then(Value::as_f64).unwrap_or(0.0),
            )
        })
        .collect();
    let groups = array(new, "new", "/readiness/groups")?
        .iter()
        .filter_map(|g| {
            let id = string(g, "id");
            let now = g.get("point").and_then(Value::as_f64).unwrap_or(0.0);
            let before = old_groups.get(&id).copied().unwrap_or(0.0);
            ((now - before).abs() >= 0.05).then_some((id, before, now))
        })
        .collect();

    let old_requirements: BTreeMap<String, &Value> = array(old, "old", "/requirements")?
        .iter()
        .map(|r| (string(r, "id"), r))
        .collect();
    let mut status_changes = Vec::new();
    for r in array(new, "new", "/requirements")? {
        let id = string(r, "id");
        let new_status = string(r, "status");
        let new_credit = r
            .pointer("/credit/point")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        let (old_status, old_credit) =
            old_requirements
                .get(&id)
                .map_or(("absent".to_string(), 0.0), |o| {
                    (
                        string(o, "status"),
                        o.pointer("/credit/point")
                            .and_then(Value::as_f64)
                            .unwrap_or(0.0),
                    )
                });
        if old_status != new_status || (old_credit - new_credit).abs() >= 0.0005 {
            status_changes.push(StatusChange {
                title: string(r, "title"),
                id,
                old: old_status,
                new: new_status,
                old_credit,
                new_credit,
            });
        }
    }

    let gap_ids =
        |value: &Value, which: &'static str| -> Result<Vec<(String, String)>, DiffError> {
            Ok(array(value, which, "/gaps")?
                .iter()
                .map(|g| (string(g, "id"), string(g, "title")))
                .collect())
        };
    let old_gaps = gap_ids(old, "old")?;
    let new_gaps = gap_ids(new, "new")?;
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

    let states = |value: &Value, which: &'static str| -> Result<States, DiffError> {
        let mut map = BTreeMap::new();
        for system in array(value, which, "/obligations")? {
            let items = system.get("items").and_then(Value::as_array);
            for item in items.into_iter().flatten() {
                map.insert(
                    (
                        string(system, "system"),
                        string(system, "law"),
                        string(item, "id"),
                    ),
                    (string(item, "ref"), string(item, "state")),
                );
            }
        }
        Ok(map)
    };
    let old_states = states(old, "old")?;
    let new_states = states(new, "new")?;
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
    let ready = |value: &Value| {
        value
            .pointer("/verdict/ready_for_stage1")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    Ok(Diff {
        old_as_of: string(old, "as_of"),
        new_as_of: string(new, "as_of"),
        readiness,
        groups,
        ready_for_stage1: (ready(old), ready(new)),
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
