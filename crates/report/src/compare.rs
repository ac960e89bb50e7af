//! Renders `aimsgap compare`: per ISO/IEC 42001 group and per governance area, what each base
//! framework covers, beside the article's claim.

use crate::table::{clip, render};
use aimsgap_assess::compare::{Comparison, Coverage};
use serde_json::{Value, json};

fn coverage_json(c: &Coverage) -> Value {
    json!({
        "id": c.id, "title": c.title, "framework": c.framework, "level": c.level.as_str(),
        "score": c.score, "reached": c.reached, "total": c.total,
        "article": c.article.map(|l| l.as_str()),
        "agrees_with_article": c.article.map(|l| l == c.level),
        "basis": c.basis,
        "edges": c.edges.iter().map(|e| json!({
            "source": e.source, "target": e.target, "rel": e.rel.as_str(), "strength": e.strength,
        })).collect::<Vec<_>>(),
    })
}

pub fn to_json(comparison: &Comparison) -> String {
    let value = json!({
        "schema": "aimsgap/comparison/1",
        "bases": comparison.bases,
        "groups": comparison.groups.iter().map(coverage_json).collect::<Vec<_>>(),
        "areas": comparison.areas.iter().map(coverage_json).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

fn cell(c: Option<&Coverage>) -> String {
    c.map(|c| {
        format!(
            "{} ({:.0}%, {}/{})",
            c.level,
            c.score * 100.0,
            c.reached,
            c.total
        )
    })
    .unwrap_or_default()
}

fn rows(
    comparison: &Comparison,
    items: &[Coverage],
    with_article: bool,
) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec!["id".to_string(), "title".to_string()];
    for base in &comparison.bases {
        header.push(base.clone());
        if with_article {
            header.push(format!("article ({base})"));
        }
    }
    let mut ids: Vec<(&str, &str)> = Vec::new();
    for c in items {
        if !ids.iter().any(|(id, _)| *id == c.id) {
            ids.push((&c.id, &c.title));
        }
    }
    let rows = ids
        .iter()
        .map(|(id, title)| {
            let mut row = vec![(*id).to_string(), clip(title, 42)];
            for base in &comparison.bases {
                let found = items.iter().find(|c| c.id == *id && &c.framework == base);
                row.push(cell(found));
                if with_article {
                    let claim = found.and_then(|c| c.article);
                    let marker = match (found, claim) {
                        (Some(c), Some(a)) if a != c.level => format!("{a} (differs)"),
                        (_, Some(a)) => a.to_string(),
                        _ => String::new(),
                    };
                    row.push(marker);
                }
            }
            row
        })
        .collect();
    (header, rows)
}

pub fn to_table(comparison: &Comparison) -> String {
    let mut out = String::from(
        "What each base framework, fully held with the AI systems in scope, covers of ISO/IEC 42001\n\
         (level from inherited credit: score = mean credit / inheritance cap; full >= 75% with every requirement reached)\n\nPer group\n",
    );
    let (header, body) = rows(comparison, &comparison.groups, false);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    out.push_str(&render(&header, &body));
    out.push_str("\nPer governance area, beside the article's claim\n");
    let (header, body) = rows(comparison, &comparison.areas, true);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    out.push_str(&render(&header, &body));
    out
}

pub fn to_markdown(comparison: &Comparison) -> String {
    let escape = |s: &str| s.replace('|', "\\|");
    let mut out = String::from("# ISO/IEC 42001 coverage by base framework\n\n## Per group\n\n");
    for (title, items, with_article) in [
        ("", &comparison.groups, false),
        ("\n## Per governance area\n\n", &comparison.areas, true),
    ] {
        out.push_str(title);
        let (header, body) = rows(comparison, items, with_article);
        out.push_str(&format!(
            "| {} |\n",
            header
                .iter()
                .map(|h| escape(h))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
        out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
        for row in body {
            out.push_str(&format!(
                "| {} |\n",
                row.iter()
                    .map(|c| escape(c))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
        }
    }
    out
}
