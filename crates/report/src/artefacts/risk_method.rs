//! The AI risk assessment method (ISO/IEC 42001 clauses 6.1.1, 6.1.2 and 8.2). Its rating
//! scales come from the catalog (`catalogs/risk-method.yaml`); the bands of the risk matrix
//! are the ones the method's text states.

use super::view::{CurrentState, Preface, Signatures, render};
use super::{Artefact, Context, finish};
use aimsgap_catalog::RiskScales;
use askama::Template;

/// An existing management system whose risk method this one extends.
#[derive(Debug)]
struct Base<'a> {
    id: &'a str,
    name: &'a str,
}

/// One cell of the risk matrix.
#[derive(Debug)]
struct Cell {
    score: u32,
    level: &'static str,
}

/// One row of the risk matrix, highest likelihood first.
#[derive(Debug)]
struct MatrixRow {
    likelihood: u32,
    cells: Vec<Cell>,
}

#[derive(Debug, Template)]
#[template(path = "artefacts/risk-method.md")]
struct RiskMethodView<'a> {
    organisation: &'a str,
    preface: String,
    current: String,
    systems: Vec<&'a str>,
    bases: Vec<Base<'a>>,
    scales: &'a RiskScales,
    matrix: Vec<MatrixRow>,
    generative: bool,
    signatures: String,
}

/// The level of a risk score, by the bands the method states.
fn risk_level(score: u32) -> &'static str {
    match score {
        0..=4 => "Low",
        5..=9 => "Medium",
        10..=16 => "High",
        _ => "Very high",
    }
}

pub(super) fn risk_method(context: &Context) -> Artefact {
    let assessment = context.assessment;
    let view = RiskMethodView {
        organisation: &assessment.organization.name,
        preface: render(&Preface::new(
            context,
            "AI risk assessment method (ISO/IEC 42001 clauses 6.1.1, 6.1.2 and 8.2)",
            "6.1.2",
            &["6.1.2", "6.1"],
        )),
        current: render(&CurrentState::new(context, &["6.1.1", "6.1.2"])),
        systems: assessment
            .ai_systems
            .iter()
            .map(|system| system.name.as_str())
            .collect(),
        bases: assessment
            .certifications
            .iter()
            .filter(|c| c.framework == "iso27001" || c.framework == "soc2")
            .map(|c| Base {
                id: &c.framework,
                name: context.framework_title(&c.framework),
            })
            .collect(),
        scales: &context.catalog.risk_method.scales,
        matrix: (1u32..=5)
            .rev()
            .map(|likelihood| MatrixRow {
                likelihood,
                cells: (1u32..=5)
                    .map(|consequence| {
                        let score = likelihood * consequence;
                        Cell {
                            score,
                            level: risk_level(score),
                        }
                    })
                    .collect(),
            })
            .collect(),
        generative: assessment
            .ai_systems
            .iter()
            .any(|s| s.generates_synthetic_content || s.gpai_model),
        signatures: render(&Signatures {
            roles: &["Method owner", "Approved by (top management)"],
        }),
    };
    Artefact {
        file_name: "ai-risk-method.md".to_string(),
        title: "AI risk assessment method".to_string(),
        markdown: finish(render(&view)),
    }
}
