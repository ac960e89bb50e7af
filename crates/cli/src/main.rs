//! The `aimsgap` command line: the composition root of aimsgap.
//!
//! It reads files, picks formats and writes output; every judgement is made by the pure core
//! crates. Errors are `anyhow` with context. Exit codes: 0 success, 1 a `check` threshold
//! failed, 2 bad input (a file that does not parse or validate, an unknown id or option).

mod catalog_cmd;
mod table;

use aimsgap_catalog::Catalog;
use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "aimsgap",
    version,
    about = "How far an organisation is from ISO/IEC 42001 certification and from the AI laws that bind it"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Browse the built-in frameworks.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Browse crosswalks between frameworks and their coverage.
    Crosswalk {
        #[command(subcommand)]
        command: CrosswalkCommand,
    },
    /// Print the JSON Schema of a file format.
    Schema {
        #[arg(value_enum)]
        which: SchemaKind,
    },
}

#[derive(Debug, Subcommand)]
enum CatalogCommand {
    /// List the frameworks with their number of requirements.
    List,
    /// Show a framework, or one of its requirements whole.
    Show {
        framework: String,
        /// A requirement id, e.g. A.6.2.4.
        requirement: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, Subcommand)]
enum CrosswalkCommand {
    /// List the edges of a crosswalk.
    Show {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long, value_enum, default_value_t = EdgeFormat::Table)]
        format: EdgeFormat,
    },
    /// Which target requirements the crosswalk reaches, per requirement and per group.
    Coverage {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EdgeFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SchemaKind {
    Catalog,
    Crosswalk,
}

fn load_catalog() -> Result<Catalog> {
    aimsgap_catalog::builtin().map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!(
            "the built-in catalog does not validate:\n{}",
            lines.join("\n")
        )
    })
}

fn json_text(value: &serde_json::Value) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value).context("serialising JSON")?;
    text.push('\n');
    Ok(text)
}

fn run(cli: Cli) -> Result<String> {
    match cli.command {
        Command::Schema { which } => Ok(match which {
            SchemaKind::Catalog => aimsgap_catalog::CATALOG_SCHEMA.to_string(),
            SchemaKind::Crosswalk => aimsgap_catalog::CROSSWALK_SCHEMA.to_string(),
        }),
        Command::Catalog { command } => {
            let catalog = load_catalog()?;
            match command {
                CatalogCommand::List => Ok(catalog_cmd::list(&catalog)),
                CatalogCommand::Show {
                    framework,
                    requirement,
                    format,
                } => {
                    let framework = catalog_cmd::framework(&catalog, &framework)?;
                    match requirement {
                        None => match format {
                            Format::Table => Ok(catalog_cmd::show_framework_table(framework)),
                            Format::Json => json_text(&catalog_cmd::framework_json(framework)),
                        },
                        Some(id) => {
                            let requirement = framework.get(&id).with_context(|| {
                                format!("no requirement `{id}` in framework {}", framework.id)
                            })?;
                            match format {
                                Format::Table => {
                                    Ok(catalog_cmd::show_requirement_text(framework, requirement))
                                }
                                Format::Json => json_text(&catalog_cmd::requirement_json(
                                    framework,
                                    requirement,
                                )),
                            }
                        }
                    }
                }
            }
        }
        Command::Crosswalk { command } => {
            let catalog = load_catalog()?;
            match command {
                CrosswalkCommand::Show { from, to, format } => {
                    let crosswalk = catalog_cmd::crosswalk(&catalog, &from, &to)?;
                    match format {
                        EdgeFormat::Table => Ok(catalog_cmd::edges_table(crosswalk)),
                        EdgeFormat::Json => json_text(&catalog_cmd::edges_json(crosswalk)),
                        EdgeFormat::Csv => Ok(catalog_cmd::edges_csv(crosswalk)),
                    }
                }
                CrosswalkCommand::Coverage { from, to, format } => match format {
                    Format::Table => catalog_cmd::coverage_table(&catalog, &from, &to),
                    Format::Json => json_text(&catalog_cmd::coverage_json(&catalog, &from, &to)?),
                },
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(output) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`aimsgap ... | head`) is not an error worth a message.
            let _ = stdout.write_all(output.as_bytes());
            let _ = stdout.flush();
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
