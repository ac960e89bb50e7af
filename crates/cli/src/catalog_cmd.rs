//! `aimsgap catalog ...` and `aimsgap crosswalk ...`: browsing the built-in data, and reading
//! folders of custom catalog files (`--catalogs DIR`, `aimsgap catalog check DIR`).

use crate::assess_cmd::{InputError, read_input};
use aimsgap_catalog::{
    Catalog, ChangeKind, Crosswalk, Custom, Framework, Requirement, coverage, with_custom,
};
use aimsgap_report::table::{clip, render};
use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// The largest custom catalog file read (the largest built-in file is well under 1 MiB).
const MAX_CATALOG_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The most files a custom catalog folder may hold.
const MAX_CATALOG_FILES: usize = 256;

/// The YAML files (`.yaml`, `.yml`) of a custom catalog folder, at its top and in its
/// `crosswalks/` subfolder, each in name order, as (path, text). Other files are left alone;
/// what a file is (framework or crosswalk) is read from its content.
fn read_folder(dir: &Path) -> Result<Vec<(String, String)>> {
    let refuse = |why: &str| anyhow!(InputError(format!("{}: {why}", dir.display())));
    let meta = std::fs::metadata(dir).map_err(|e| refuse(&format!("cannot read it ({e})")))?;
    if !meta.is_dir() {
        return Err(refuse(
            "not a directory; give a folder of framework and crosswalk files",
        ));
    }
    let mut paths: Vec<PathBuf> = Vec::new();
    for folder in [dir.to_path_buf(), dir.join("crosswalks")] {
        if folder.as_path() != dir && !folder.is_dir() {
            continue;
        }
        let entries = std::fs::read_dir(&folder)
            .with_context(|| format!("cannot read the folder {}", folder.display()))?;
        let mut here = Vec::new();
        for entry in entries {
            let path = entry
                .with_context(|| format!("cannot read the folder {}", folder.display()))?
                .path();
            let yaml = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
            if yaml {
                here.push(path);
            }
        }
        here.sort();
        paths.extend(here);
    }
    if paths.is_empty() {
        return Err(refuse(
            "holds no .yaml or .yml file (framework files at its top, crosswalk files there or in crosswalks/)",
        ));
    }
    if paths.len() > MAX_CATALOG_FILES {
        return Err(refuse(&format!(
            "holds {} catalog files; at most {MAX_CATALOG_FILES} are read",
            paths.len()
        )));
    }
    paths
        .iter()
        .map(|path| {
            Ok((
                path.display().to_string(),
                read_input(path, MAX_CATALOG_FILE_BYTES)?,
            ))
        })
        .collect()
}

/// The built-in catalog with the files of a custom catalog folder applied, or every located
/// error of every file (exit code 2).
pub fn load_custom(dir: &Path) -> Result<Custom> {
    let files = read_folder(dir)?;
    let pairs: Vec<(&str, &str)> = files
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    with_custom(&pairs).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow!(InputError(format!(
            "the custom catalogs in {} do not validate ({} {}):\n{}",
            dir.display(),
            errors.len(),
            if errors.len() == 1 { "error" } else { "errors" },
            lines.join("\n")
        )))
    })
}

/// `aimsgap catalog check DIR`: what a valid folder adds to or replaces in the built-in
/// catalog. An invalid folder is an error listing every located problem.
pub fn check(dir: &Path, builtin: &Catalog) -> Result<String> {
    let custom = load_custom(dir)?;
    let mut out = format!(
        "{}: valid; {} {} to the built-in catalog:\n",
        dir.display(),
        custom.changes.len(),
        if custom.changes.len() == 1 {
            "change"
        } else {
            "changes"
        }
    );
    for change in &custom.changes {
        let line = match change.kind {
            ChangeKind::AddFramework | ChangeKind::ReplaceFramework => {
                let Some(framework) = custom.catalog.framework(&change.id) else {
                    continue;
                };
                let what = format!(
                    "{} ({}; kind {}; version {}; {} requirements to assess)",
                    framework.id,
                    framework.name,
                    framework.kind,
                    framework.version,
                    framework.assessable().count()
                );
                match (change.kind, builtin.framework(&change.id)) {
                    (ChangeKind::ReplaceFramework, Some(old)) => format!(
                        "replaces framework {what} instead of the built-in version {}",
                        old.version
                    ),
                    _ => format!("adds framework {what}"),
                }
            }
            ChangeKind::AddCrosswalk | ChangeKind::ReplaceCrosswalk => {
                let edges = custom
                    .catalog
                    .crosswalks
                    .iter()
                    .find(|c| format!("{} -> {}", c.from, c.to) == change.id)
                    .map_or(0, |c| c.edges.len());
                let verb = if change.kind == ChangeKind::AddCrosswalk {
                    "adds"
                } else {
                    "replaces"
                };
                format!("{verb} crosswalk {} ({edges} edges)", change.id)
            }
        };
        out.push_str(&format!("  {line}\n    from {}\n", change.file));
    }
    Ok(out)
}

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
