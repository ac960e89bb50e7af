//! The drafts as the `ai_systems:` list of an assessment file, in YAML.

use crate::{Draft, Import};

/// A quoted YAML scalar: JSON's double-quoted strings are YAML's too, with every control
/// character escaped, so no text of the BOM can end the string or start a new key.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
}

/// The drafts as YAML: a header saying where they come from, then `ai_systems:` with one entry
/// per draft, each after a comment listing what it was drafted from and the questions to
/// answer (by field).
pub fn to_yaml(import: &Import) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# AI systems drafted from a CycloneDX {} ML-BOM{}.\n",
        import.spec_version,
        import
            .serial_number
            .as_deref()
            .map(|s| format!(" ({})", crate::draft::clean(s)))
            .unwrap_or_default()
    ));
    out.push_str(
        "# Put this list in an assessment file and answer the questions of each system: the BOM\n\
         # cannot say them, so they are left out until you add them.\n",
    );
    out.push_str("ai_systems:\n");
    for draft in &import.drafts {
        system(&mut out, draft);
    }
    out
}

fn system(out: &mut String, draft: &Draft) {
    // Sources are single lines (`draft::clean`), so they cannot leave the comment.
    out.push_str(&format!("  # From {}.\n", draft.sources.join(", ")));
    if !draft.questions.is_empty() {
        out.push_str("  # To answer:\n");
        for question in &draft.questions {
            out.push_str(&format!(
                "  #   {}: {}\n",
                question.field(),
                question.text()
            ));
        }
    }
    let system = &draft.system;
    out.push_str(&format!("  - id: {}\n", quoted(&system.id.value)));
    out.push_str(&format!("    name: {}\n", quoted(&system.name)));
    if let Some(description) = &system.description {
        out.push_str(&format!("    description: {}\n", quoted(description)));
    }
    if system.generates_synthetic_content {
        out.push_str("    generates_synthetic_content: true\n");
    }
    if system.gpai_model {
        out.push_str("    gpai_model: true\n");
    }
}
