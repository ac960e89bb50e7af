//! `aimsgap catalog ...` and `aimsgap crosswalk ...`: browsing the built-in data.

use aimsgap_catalog::{Catalog, Crosswalk, Framework, Requirement, coverage};
use aimsgap_report::table::{clip, render};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

pub fn framework<'a>(catalog: &'a Catalog, id: &str) -> Result<&'a Framework> {
    match catalog.framework(id) {
        Some(framework) => Ok(framework),
        None => {
            let known: Vec<&str> = catalog.frameworks.iter().map(|f| f.id.as_str()).collect();
            bail!(
                "unknown framework `{id}`; known frameworks: {}",
                known.join(", ")
            )
        }
    }
}

pub fn list(catalog: &Catalog) -> String {
    let rows: Vec<Vec<String>> = catalog
        .frameworks
        .iter()
        .map(|f| {
            vec![
                f.id.clone(),
                f.name.clone(),
                f.version.clone(),
                f.kind.to_string(),
                f.assessable().count().to_string(),
                f.requirements.len().to_string(),
            ]
        })
        .collect();
    render(
        &[
            "framework",
            "name",
            "version",
            "kind",
            "requirements",
            "nodes",
        ],
        &rows,
    )
}

pub fn requirement_json(framework: &Framework, requirement: &Requirement) -> Value {
    let mut value = json!({
        "id": requirement.id,
        "title": requirement.title,
        "kind": requirement.kind.as_str(),
        "parent": requirement.parent,
        "assessable": requirement.kind.is_assessable(),
        "group": framework.group_of(&requirement.id),
        "summary": requirement.summary,
    });
    if let Some(map) = value.as_object_mut() {
        if let Some(evidence) = &requirement.evidence {
            map.insert("evidence".into(), json!(evidence));
        }
        if requirement.documented {
            map.insert("documented".into(), json!(true));
        }
        if !requirement.letters.is_empty() {
            let letters: Vec<String> = requirement.letters.iter().map(char::to_string).collect();
            map.insert("letters".into(), json!(letters));
        }
        if let Some(formerly) = &requirement.formerly {
            map.insert("formerly".into(), json!(formerly));
        }
        if let Some(text) = &requirement.text {
            map.insert("text".into(), json!(text));
        }
        if let Some(obligation) = &requirement.obligation {
            map.insert(
                "obligation".into(),
                json!({
                    "article": obligation.article,
                    "roles": obligation.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                    "tiers": obligation.tiers.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
                    "trigger": obligation.trigger.map(|t| t.as_str()),
                    "version": obligation.version,
                    "applies_from": obligation.applies_from.to_string(),
                    "dates": obligation.dates.iter().map(|d| json!({
                        "date": d.date.to_string(), "status": d.status.as_str(), "source": d.source,
                    })).collect::<Vec<_>>(),
                    "status": obligation.status.as_str(),
                    "source": obligation.source,
                    "last_verified": obligation.last_verified.to_string(),
                    "unverified": obligation.unverified,
                }),
            );
        }
    }
    value
}

pub fn framework_json(framework: &Framework) -> Value {
    json!({
        "id": framework.id,
        "name": framework.name,
        "version": framework.version,
        "kind": framework.kind.as_str(),
        "publisher": framework.publisher,
        "source": framework.source,
        "licence": framework.licence,
        "last_verified": framework.last_verified.map(|d| d.to_string()),
        "versions": framework.versions.iter().map(|v| json!({
            "id": v.id, "title": v.title, "effective": v.effective.to_string(),
            "until": v.until.map(|d| d.to_string()), "status": v.status.as_str(),
            "status_since": v.status_since.map(|d| d.to_string()),
            "replaced_by": v.replaced_by, "source": v.source, "notes": v.notes,
        })).collect::<Vec<_>>(),
        "lists": framework.lists.iter().map(|(name, entries)| (name.clone(), json!(
            entries.iter().map(|e| json!({"id": e.id, "title": e.title})).collect::<Vec<_>>()
        ))).collect::<serde_json::Map<_, _>>(),
        "requirements": framework.requirements.iter()
            .map(|r| requirement_json(framework, r)).collect::<Vec<_>>(),
    })
}

pub fn show_framework_table(framework: &Framework) -> String {
    let rows: Vec<Vec<String>> = framework
        .requirements
        .iter()
        .map(|r| {
            let depth = {
                let mut depth = 0;
                let mut current = r.parent.as_deref();
                while let Some(parent) = current {
                    depth += 1;
                    current = framework.get(parent).and_then(|p| p.parent.as_deref());
                    if depth > 8 {
                        break;
                    }
                }
                depth
            };
            let date = r
                .obligation
                .as_ref()
                .map(|o| o.applies_from.to_string())
                .unwrap_or_default();
            vec![
                format!("{}{}", "  ".repeat(depth), r.id),
                r.kind.to_string(),
                if r.documented {
                    "D".into()
                } else {
                    String::new()
                },
                date,
                clip(&r.title, 70),
            ]
        })
        .collect();
    let mut out = format!(
        "{} ({}), version {}\n{} requirements to assess, {} nodes\n\n",
        framework.name,
        framework.id,
        framework.version,
        framework.assessable().count(),
        framework.requirements.len()
    );
    out.push_str(&render(&["id", "kind", "doc", "applies", "title"], &rows));
    out
}

pub fn show_requirement_text(framework: &Framework, requirement: &Requirement) -> String {
    let mut out = format!(
        "{} {}  [{} of {}]\n",
        requirement.id, requirement.title, requirement.kind, framework.id
    );
    if let Some(parent) = &requirement.parent {
        let title = framework
            .get(parent)
            .map(|p| p.title.as_str())
            .unwrap_or("");
        out.push_str(&format!("parent: {parent} {title}\n"));
    }
    if requirement.documented {
        out.push_str("demands documented information\n");
    }
    if !requirement.letters.is_empty() {
        let letters: Vec<String> = requirement
            .letters
            .iter()
            .map(|letter| format!("{letter})"))
            .collect();
        out.push_str(&format!("list items: {}\n", letters.join(", ")));
    }
    if let Some(formerly) = &requirement.formerly {
        out.push_str(&format!(
            "formerly {formerly} (assessment files of format 1)\n"
        ));
    }
    out.push_str(&format!("\n{}\n", requirement.summary));
    if let Some(text) = &requirement.text {
        out.push_str(&format!("\nOfficial text: {text}\n"));
    }
    if let Some(evidence) = &requirement.evidence {
        out.push_str(&format!("\nEvidence an auditor expects: {evidence}\n"));
    }
    if let Some(o) = &requirement.obligation {
        out.push_str(&format!(
            "\n{}; binds {}; tiers {}{}\napplies from {}; status {}; source: {}; last verified {}\n",
            o.article,
            o.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "),
            o.tiers.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", "),
            o.trigger.map(|t| format!("; when {t}")).unwrap_or_default(),
            o.applies_from,
            o.status,
            o.source,
            o.last_verified,
        ));
        for entry in &o.dates {
            out.push_str(&format!(
                "  {} {} ({})\n",
                entry.date, entry.status, entry.source
            ));
        }
        if let Some(unverified) = &o.unverified {
            out.push_str(&format!("unverified: {unverified}\n"));
        }
    }
    let children: Vec<_> = framework.children(&requirement.id).collect();
    if !children.is_empty() {
        out.push_str("\nContains:\n");
        for child in children {
            out.push_str(&format!("  {} {}\n", child.id, child.title));
        }
    }
    out
}

pub fn crosswalk<'a>(catalog: &'a Catalog, from: &str, to: &str) -> Result<&'a Crosswalk> {
    catalog.crosswalk(from, to).with_context(|| {
        let known: Vec<String> = catalog
            .crosswalks
            .iter()
            .map(|c| format!("{} -> {}", c.from, c.to))
            .collect();
        format!(
            "no crosswalk from `{from}` to `{to}`; known crosswalks: {}",
            known.join(", ")
        )
    })
}

pub fn edges_json(crosswalk: &Crosswalk) -> Value {
    json!({
        "from": crosswalk.from,
        "to": crosswalk.to,
        "version": crosswalk.version,
        "authors": crosswalk.authors,
        "method": crosswalk.method,
        "edges": crosswalk.edges.iter().map(|e| json!({
            "from": e.from, "to": e.to, "rel": e.rel.as_str(), "strength": e.strength,
            "rationale": e.rationale.as_str(), "note": e.note,
        })).collect::<Vec<_>>(),
    })
}

pub fn edges_table(crosswalk: &Crosswalk) -> String {
    let rows: Vec<Vec<String>> = crosswalk
        .edges
        .iter()
        .map(|e| {
            vec![
                e.from.clone(),
                e.to.clone(),
                e.rel.to_string(),
                e.strength.to_string(),
                e.rationale.to_string(),
                clip(&e.note, 90),
            ]
        })
        .collect();
    format!(
        "{} -> {}: {} edges\n\n{}",
        crosswalk.from,
        crosswalk.to,
        crosswalk.edges.len(),
        render(
            &["from", "to", "rel", "strength", "rationale", "note"],
            &rows
        )
    )
}

pub fn edges_csv(crosswalk: &Crosswalk) -> String {
    let mut out = String::from("from,to,rel,strength,rationale,note\n");
    for e in &crosswalk.edges {
        let fields = [
            e.from.as_str(),
            e.to.as_str(),
            e.rel.as_str(),
            &e.strength.to_string(),
            e.rationale.as_str(),
            e.note.as_str(),
        ]
        .map(aimsgap_report::escape::csv);
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

pub fn coverage_json(catalog: &Catalog, from: &str, to: &str) -> Result<Value> {
    crosswalk(catalog, from, to)?;
    let coverage = coverage(catalog, from, to).context("coverage")?;
    Ok(json!({
        "from": coverage.from,
        "to": coverage.to,
        "targets": coverage.targets.iter().map(|t| json!({
            "id": t.id, "edges": t.edges, "best": t.best.map(|r| r.as_str()),
            "best_strength": t.best_strength,
        })).collect::<Vec<_>>(),
        "groups": coverage.groups.iter().map(|g| json!({
            "id": g.id, "title": g.title, "reached": g.reached, "total": g.total,
        })).collect::<Vec<_>>(),
        "unreached": coverage.unreached,
    }))
}

pub fn coverage_table(catalog: &Catalog, from: &str, to: &str) -> Result<String> {
    crosswalk(catalog, from, to)?;
    let coverage = coverage(catalog, from, to).context("coverage")?;
    let target = framework(catalog, to)?;
    let reached = coverage.targets.len() - coverage.unreached.len();
    let mut out = format!(
        "Coverage of {to} by the crosswalk from {from}: {reached} of {} requirements reached by at least one edge\n\n",
        coverage.targets.len()
    );
    let rows: Vec<Vec<String>> = coverage
        .groups
        .iter()
        .map(|g| {
            vec![
                g.id.clone(),
                clip(&g.title, 50),
                format!("{}/{}", g.reached, g.total),
            ]
        })
        .collect();
    out.push_str(&render(&["group", "title", "reached"], &rows));
    out.push('\n');
    let rows: Vec<Vec<String>> = coverage
        .targets
        .iter()
        .map(|t| {
            vec![
                t.id.clone(),
                t.edges.to_string(),
                t.best
                    .map(|r| format!("{r} ({})", t.best_strength.unwrap_or(0)))
                    .unwrap_or_else(|| "-".into()),
                clip(
                    target.get(&t.id).map(|r| r.title.as_str()).unwrap_or(""),
                    70,
                ),
            ]
        })
        .collect();
    out.push_str(&render(
        &["requirement", "edges", "best (strength)", "title"],
        &rows,
    ));
    out.push_str(&format!(
        "\nUnreached ({}): {}\n",
        coverage.unreached.len(),
        coverage.unreached.join(", ")
    ));
    Ok(out)
}
