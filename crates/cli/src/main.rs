//! The `aimsgap` command line: the composition root of aimsgap.
//!
//! It reads files, picks formats and writes output; every judgement is made by the pure core
//! crates. Errors are `anyhow` with context. Exit codes: 0 success, 1 a `check` threshold
//! failed, 2 bad input (a file that does not parse or validate, an unknown id or option).

mod assess_cmd;
mod catalog_cmd;
mod output;
mod server_cmd;
mod workbook_cmd;

use aimsgap_catalog::Catalog;
use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use std::borrow::Cow;
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc instead of glibc's allocator: a result is built from thousands of small strings and
/// vectors that live for one request, and the server answers many requests on a few threads,
/// where glibc's allocator spends much of its time consolidating and unlinking free chunks
/// (measured with `bench/server-load.sh`; figures in bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns transparent huge pages off for this process. mimalloc asks the kernel for huge pages
/// for its arenas, which keeps whole 2 MiB pages resident where a few kilobytes are used: with
/// them the server's peak memory while a 25 MB evidence file is uploaded and downloaded was
/// 88 to 104 MB, without them 64 to 71 MB, at the same speed of first-touch results
/// (`bench/evidence-memory.sh`, `bench/server-load.sh`). Best effort: a kernel without the
/// setting leaves things as they were.
fn without_huge_pages() {
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_thp_disable(true);
}

#[derive(Debug, Parser)]
#[command(
    name = "aimsgap",
    version,
    about = "How far an organisation is from ISO/IEC 42001 certification and from the AI laws that bind it"
)]
struct Cli {
    /// A folder of custom catalog files (frameworks, crosswalks, law versions) loaded with the
    /// built-in catalog: framework files at its top, crosswalk files there or in `crosswalks/`.
    /// A file that stands in for a built-in framework or crosswalk says so with `replaces:`.
    #[arg(long, global = true, env = "AIMSGAP_CATALOGS", value_name = "DIR")]
    catalogs: Option<PathBuf>,
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
    /// Assess an assessment file: readiness, credit, ranked gaps, obligations, roadmap, SoA.
    Assess {
        file: PathBuf,
        /// Judge on this date (YYYY-MM-DD) instead of the file's `as_of` or today.
        #[arg(long, value_parser = assess_cmd::parse_date)]
        as_of: Option<aimsgap_catalog::Date>,
        #[arg(long, value_enum, default_value = "table")]
        format: output::ReportFormat,
        /// How many gaps the table and Markdown report show.
        #[arg(long, default_value_t = 15)]
        top: usize,
        /// Which table `--format csv` writes.
        #[arg(long, value_enum, default_value_t = output::CsvTable::Requirements)]
        csv_table: output::CsvTable,
        /// Write to this file instead of standard output.
        #[arg(short, long, conflicts_with = "out_dir")]
        output: Option<PathBuf>,
        /// Write every format and the artefact drafts into this directory.
        #[arg(long)]
        out_dir: Option<PathBuf>,
    },
    /// Write Markdown drafts of the documents the standard demands (scope, AI policy, risk
    /// method and register, impact assessments, SoA).
    Artefacts {
        file: PathBuf,
        #[arg(long)]
        out_dir: PathBuf,
        #[arg(long, value_parser = assess_cmd::parse_date)]
        as_of: Option<aimsgap_catalog::Date>,
        /// Also write each draft as a Word document (.docx) and the risk register as a
        /// spreadsheet (.xlsx).
        #[arg(long)]
        docx: bool,
    },
    /// What changed between two runs: each an assessment file or a saved JSON result.
    Diff {
        old: PathBuf,
        new: PathBuf,
        #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
        format: CompareFormat,
    },
    /// Read OSCAL assessment results back: requirement statuses and credits.
    ImportOscal {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Explain how one requirement's status, credit and priority were derived.
    Explain {
        file: PathBuf,
        /// An ISO/IEC 42001 requirement or control id, e.g. 6.1.2.a or A.7.5.
        id: String,
        #[arg(long, value_parser = assess_cmd::parse_date)]
        as_of: Option<aimsgap_catalog::Date>,
    },
    /// Gate on thresholds for CI: exit 1 when one fails.
    Check {
        file: PathBuf,
        #[arg(long)]
        min_readiness: Option<f64>,
        #[arg(long)]
        max_blockers: Option<usize>,
        /// Fail unless the verdict is ready for the Stage 1 audit.
        #[arg(long)]
        require_ready: bool,
        #[arg(long, value_parser = assess_cmd::parse_date)]
        as_of: Option<aimsgap_catalog::Date>,
    },
    /// What ISO 27001 or SOC 2 covers of ISO/IEC 42001, per group and governance area.
    Compare {
        /// Base frameworks to compare (default: iso27001 and soc2).
        #[arg(long = "base")]
        bases: Vec<String>,
        #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
        format: CompareFormat,
        #[arg(long, value_parser = assess_cmd::parse_date)]
        as_of: Option<aimsgap_catalog::Date>,
    },
    /// Run the workspace server (JSON API; SQLite by default, PostgreSQL for several instances).
    Serve {
        /// `sqlite://FILE?mode=rwc` or `postgres://USER:PASSWORD@HOST/DB`.
        #[arg(long, env = "AIMSGAP_DATABASE", default_value = server_cmd::DEFAULT_DATABASE)]
        database: String,
        #[arg(long, env = "AIMSGAP_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// The server is reached over TLS (set it when TLS terminates in front of the server):
        /// cookies are marked Secure and every answer sends Strict-Transport-Security.
        #[arg(long, env = "AIMSGAP_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Worker threads (default: one per core).
        #[arg(long, env = "AIMSGAP_WORKERS")]
        workers: Option<usize>,
        /// A reverse proxy (address or network, e.g. 10.0.0.0/8) whose X-Forwarded-For names
        /// the client for sign-in throttling; repeatable. From other peers the header is ignored.
        #[arg(long = "trusted-proxy", value_name = "IP|CIDR", value_parser = aimsgap_web::parse_trusted_proxy)]
        trusted_proxies: Vec<aimsgap_web::IpNet>,
        /// Most connections open at once (default: the open-files limit, raised to its maximum
        /// at start, less 256 kept for the database and files, at most 10000). At the limit the
        /// oldest idle connection is closed to make room for a new one.
        #[arg(long, env = "AIMSGAP_MAX_CONNECTIONS", value_parser = clap::value_parser!(u32).range(1..))]
        max_connections: Option<u32>,
        /// Seconds a client may take to send a request's headers; an idle keep-alive
        /// connection is closed after as long.
        #[arg(long, env = "AIMSGAP_HEADER_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
        header_timeout: u64,
        /// Seconds a client may take to send a request's body once its headers are in; a
        /// slower body is answered 408.
        #[arg(long, env = "AIMSGAP_BODY_TIMEOUT", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
        body_timeout: u64,
        /// Seconds a client may leave its answer unread (not a byte taken) before the
        /// connection is closed.
        #[arg(long, env = "AIMSGAP_SEND_TIMEOUT", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
        send_timeout: u64,
        /// The largest evidence file an upload may carry, in megabytes (10^6 bytes).
        #[arg(long, env = "AIMSGAP_EVIDENCE_MAX_MB", default_value_t = 25, value_parser = clap::value_parser!(u64).range(1..=10_000))]
        evidence_max_mb: u64,
        #[command(flatten)]
        identity: Box<server_cmd::IdentityArgs>,
    },
    /// Upload an assessment file to a server (an API token of an owner or editor).
    Push {
        file: PathBuf,
        /// The server's URL, with its base path if it has one: `https://host/prefix/`.
        #[arg(long)]
        server: String,
        #[arg(long, env = "AIMSGAP_TOKEN")]
        token: String,
        /// The organisation id.
        #[arg(long)]
        org: String,
        #[arg(long)]
        name: Option<String>,
        /// Send the token over plain http:// to another machine (only on a trusted network).
        #[arg(long)]
        insecure_http: bool,
    },
    /// Write every table of a database to a portable JSON file.
    Backup {
        #[arg(long, env = "AIMSGAP_DATABASE", default_value = server_cmd::DEFAULT_DATABASE)]
        database: String,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Restore a backup into an empty database (either backend).
    Restore {
        file: PathBuf,
        #[arg(long, env = "AIMSGAP_DATABASE", default_value = server_cmd::DEFAULT_DATABASE)]
        database: String,
    },
    /// Manage accounts of a server's database, as its operator on the server's machine.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Rewrite an assessment file of format 1 to the current format: only the renamed
    /// ISO/IEC 42001 ids and the version line change, so comments and layout stay.
    Migrate {
        /// The assessment file to rewrite.
        file: PathBuf,
        /// Where to write the rewritten file (standard output when absent; it may be FILE).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Write a commented assessment template to start from.
    Init {
        /// Where to write it (standard output when absent).
        file: Option<PathBuf>,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Draft the `ai_systems:` of an assessment file from a CycloneDX 1.5 or 1.6 ML-BOM (JSON):
    /// what the BOM says is filled in; what it cannot say (role, markets, Annex III area) is
    /// listed in a comment above each system, to answer.
    ImportAibom {
        /// The BOM: a CycloneDX JSON file with machine-learning-model components.
        bom: PathBuf,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Read the Answers sheet of a workbook exported by `assess --format xlsx` (and edited in
    /// Excel or LibreOffice) back into an assessment file: status, maturity, owner, due date,
    /// evidence, justification and notes. All or nothing: a bad cell (named as `Answers!D14`)
    /// or a row whose answer changed since the export changes nothing and exits 2. The updated
    /// file is written as JSON (which is also YAML; comments of a YAML file are not kept) to
    /// OUT, or to standard output when `-o` is absent; the changes go to standard error.
    ImportXlsx {
        /// The edited workbook (.xlsx).
        workbook: PathBuf,
        /// The assessment file the workbook was exported from.
        #[arg(long, value_name = "ASSESSMENT")]
        into: PathBuf,
        /// Where to write the updated assessment file (standard output when absent).
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Print the changes per requirement (`field: old -> new`) and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Give an account a new password and sign it out everywhere. The password is read from
    /// standard input (its first line), never from the command line; or, with `--generate`,
    /// made up and printed once.
    ResetPassword {
        /// The account's e-mail address.
        email: String,
        #[arg(long, env = "AIMSGAP_DATABASE", default_value = server_cmd::DEFAULT_DATABASE)]
        database: String,
        /// Make up a strong password and print it once, instead of reading one.
        #[arg(long)]
        generate: bool,
    },
}

#[derive(Debug, Subcommand)]
enum CatalogCommand {
    /// List the frameworks with their number of requirements.
    List,
    /// Validate a folder of custom catalog files against the built-in catalog, and say what it
    /// adds or replaces (exit 0), or list every located error (exit 2).
    Check {
        /// The folder: framework files at its top, crosswalk files there or in `crosswalks/`.
        dir: PathBuf,
    },
    /// Export a framework as an OSCAL catalog (JSON).
    Export {
        framework: String,
        #[arg(long, value_enum, default_value_t = ExportFormat::Oscal)]
        format: ExportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
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
enum ExportFormat {
    Oscal,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CompareFormat {
    Table,
    Json,
    Md,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SchemaKind {
    Catalog,
    Crosswalk,
    Assessment,
    /// The result JSON (`aimsgap/assessment-result/2`), generated from its wire types.
    Result,
}

/// The catalog: the built-in one, with the custom catalog folder applied when one is given.
/// The built-in catalog is borrowed from the one read per process, not copied.
pub(crate) fn load_catalog(custom: Option<&std::path::Path>) -> Result<Cow<'static, Catalog>> {
    if let Some(dir) = custom {
        return Ok(Cow::Owned(catalog_cmd::load_custom(dir)?.catalog));
    }
    let builtin = aimsgap_catalog::builtin_shared().map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!(
            "the built-in catalog does not validate:\n{}",
            lines.join("\n")
        )
    })?;
    Ok(Cow::Borrowed(builtin))
}

/// The built-in catalog alone, whatever `--catalogs` says.
fn load_catalog_builtin() -> Result<Cow<'static, Catalog>> {
    load_catalog(None)
}

fn json_text(value: &serde_json::Value) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value).context("serialising JSON")?;
    text.push('\n');
    Ok(text)
}

fn run(cli: Cli) -> Result<String> {
    let custom = cli.catalogs.as_deref();
    let load_catalog = || load_catalog(custom);
    match cli.command {
        Command::Schema { which } => Ok(match which {
            SchemaKind::Catalog => aimsgap_catalog::CATALOG_SCHEMA.to_string(),
            SchemaKind::Crosswalk => aimsgap_catalog::CROSSWALK_SCHEMA.to_string(),
            SchemaKind::Assessment => aimsgap_assess::ASSESSMENT_SCHEMA.to_string(),
            SchemaKind::Result => {
                let schema = aimsgap_wire::result::json_schema();
                let mut text =
                    serde_json::to_string_pretty(&schema).context("serialising the schema")?;
                text.push('\n');
                text
            }
        }),
        Command::Assess {
            file,
            as_of,
            format,
            top,
            csv_table,
            output,
            out_dir,
        } => {
            let catalog = load_catalog()?;
            let assessment = assess_cmd::load(&catalog, &file, as_of)?;
            let result = assess_cmd::run(&catalog, &assessment)?;
            if let Some(dir) = out_dir {
                let written = output::write_all(&catalog, &assessment, &result, &dir, top)?;
                return Ok(format!(
                    "wrote {} files to {}:\n  {}\n",
                    written.len(),
                    dir.display(),
                    written.join("\n  ")
                ));
            }
            let format = format.with_table(csv_table);
            let bytes = output::render(&catalog, &assessment, &result, format, top)?;
            let table = format == aimsgap_report::format::Format::Table;
            output::emit(&bytes, output.as_deref(), format.is_binary(), table)?;
            Ok(String::new())
        }
        Command::Artefacts {
            file,
            out_dir,
            as_of,
            docx,
        } => {
            let catalog = load_catalog()?;
            let assessment = assess_cmd::load(&catalog, &file, as_of)?;
            let result = assess_cmd::run(&catalog, &assessment)?;
            output::create_dir(&out_dir)?;
            let mut names = Vec::new();
            for artefact in aimsgap_report::artefacts::artefacts(&catalog, &assessment, &result) {
                output::write_new(
                    &out_dir.join(&artefact.file_name),
                    artefact.markdown.as_bytes(),
                )?;
                names.push(artefact.file_name.clone());
                if docx {
                    use aimsgap_report::artefacts::{docx as word, sheet};
                    let name = word::file_name(&artefact);
                    let bytes = word::to_docx(&artefact, &assessment.as_of.to_string())?;
                    output::write_new(&out_dir.join(&name), &bytes)?;
                    names.push(name);
                    if artefact.file_name == "ai-risk-register.md" {
                        let bytes = sheet::risk_register_xlsx(&artefact, assessment.as_of)?;
                        output::write_new(&out_dir.join(sheet::RISK_REGISTER_XLSX), &bytes)?;
                        names.push(sheet::RISK_REGISTER_XLSX.to_string());
                    }
                }
            }
            Ok(format!(
                "wrote {} drafts to {}:\n  {}\n",
                names.len(),
                out_dir.display(),
                names.join("\n  ")
            ))
        }
        Command::Diff { old, new, format } => {
            let catalog = load_catalog()?;
            let old = assess_cmd::result_of(&catalog, &old, "old")?;
            let new = assess_cmd::result_of(&catalog, &new, "new")?;
            let diff = aimsgap_report::diff::diff(&old, &new)
                .map_err(|e| anyhow::anyhow!(assess_cmd::InputError(e.to_string())))?;
            Ok(match format {
                CompareFormat::Table => aimsgap_report::diff::to_table(&diff),
                CompareFormat::Json => aimsgap_report::diff::to_json(&diff),
                CompareFormat::Md => aimsgap_report::diff::to_markdown(&diff),
            })
        }
        Command::ImportOscal { file, format } => {
            let text = assess_cmd::read_input(&file, assess_cmd::MAX_RESULT_BYTES)?;
            let imported =
                aimsgap_report::oscal::import_assessment_results(&text).map_err(|e| {
                    anyhow::anyhow!(assess_cmd::InputError(format!("{}: {e}", file.display())))
                })?;
            Ok(assess_cmd::imported_text(
                &imported,
                matches!(format, Format::Json),
            ))
        }
        Command::Explain { file, id, as_of } => {
            let catalog = load_catalog()?;
            let assessment = assess_cmd::load(&catalog, &file, as_of)?;
            let result = assess_cmd::run(&catalog, &assessment)?;
            aimsgap_assess::explain(&catalog, &result, &id).with_context(|| {
                anyhow::anyhow!(assess_cmd::InputError(format!(
                    "`{id}` is not an ISO/IEC 42001 requirement or control (groups such as 6.1.2 or A.7 have no status of their own; `aimsgap catalog show iso42001` lists the ids)"
                )))
            })
        }
        Command::Check {
            file,
            min_readiness,
            max_blockers,
            require_ready,
            as_of,
        } => {
            let catalog = load_catalog()?;
            let assessment = assess_cmd::load(&catalog, &file, as_of)?;
            let result = assess_cmd::run(&catalog, &assessment)?;
            let (text, ok) = assess_cmd::check(&result, min_readiness, max_blockers, require_ready);
            if ok {
                Ok(text)
            } else {
                Err(anyhow::anyhow!(CheckFailed(text)))
            }
        }
        Command::Compare {
            bases,
            format,
            as_of,
        } => {
            let catalog = load_catalog()?;
            let areas = aimsgap_catalog::builtin_areas(&catalog).map_err(|errors| {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                anyhow::anyhow!(
                    "the governance areas do not validate:\n{}",
                    lines.join("\n")
                )
            })?;
            let bases = if bases.is_empty() {
                vec!["iso27001".to_string(), "soc2".to_string()]
            } else {
                bases
            };
            for base in &bases {
                if catalog.crosswalk(base, aimsgap_assess::TARGET).is_none() {
                    anyhow::bail!(assess_cmd::InputError(format!(
                        "no crosswalk from `{base}` to ISO/IEC 42001; bases with one: {}",
                        catalog
                            .crosswalks
                            .iter()
                            .filter(|c| c.to == aimsgap_assess::TARGET)
                            .map(|c| c.from.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
            let comparison = aimsgap_assess::compare::compare(
                &catalog,
                &areas,
                &bases,
                as_of.unwrap_or_else(assess_cmd::today),
            );
            Ok(match format {
                CompareFormat::Table => aimsgap_report::compare::to_table(&comparison),
                CompareFormat::Json => aimsgap_report::compare::to_json(&comparison),
                CompareFormat::Md => aimsgap_report::compare::to_markdown(&comparison),
            })
        }
        Command::Serve {
            database,
            bind,
            secure_cookies,
            workers,
            trusted_proxies,
            max_connections,
            header_timeout,
            body_timeout,
            send_timeout,
            evidence_max_mb,
            identity,
        } => {
            let limits = server_cmd::Limits {
                workers,
                evidence_max_mb,
                max_connections: max_connections.map(|n| n as usize),
                header_timeout: std::time::Duration::from_secs(header_timeout),
                body_timeout: std::time::Duration::from_secs(body_timeout),
                send_timeout: std::time::Duration::from_secs(send_timeout),
            };
            server_cmd::serve(
                custom,
                &database,
                &bind,
                secure_cookies,
                trusted_proxies,
                limits,
                *identity,
            )?;
            Ok(String::new())
        }
        Command::Push {
            file,
            server,
            token,
            org,
            name,
            insecure_http,
        } => server_cmd::push(&file, &server, &token, &org, name.as_deref(), insecure_http),
        Command::Backup { database, output } => server_cmd::backup(&database, &output),
        Command::Restore { file, database } => server_cmd::restore(&database, &file),
        Command::User {
            command:
                UserCommand::ResetPassword {
                    email,
                    database,
                    generate,
                },
        } => server_cmd::reset_password(&database, &email, generate),
        Command::Migrate { file, output } => {
            let catalog = load_catalog()?;
            assess_cmd::migrate(&catalog, &file, output.as_deref())
        }
        Command::Init { file, force } => match file {
            None => Ok(assess_cmd::template(assess_cmd::today())),
            Some(path) => {
                if path.exists() && !force {
                    anyhow::bail!(assess_cmd::InputError(format!(
                        "{} exists; use --force to overwrite it",
                        path.display()
                    )));
                }
                std::fs::write(&path, assess_cmd::template(assess_cmd::today()))
                    .with_context(|| format!("cannot write {}", path.display()))?;
                Ok(format!("wrote {}\n", path.display()))
            }
        },
        Command::ImportXlsx {
            workbook,
            into,
            output,
            dry_run,
        } => workbook_cmd::import(
            &*load_catalog()?,
            &workbook,
            &into,
            output.as_deref(),
            dry_run,
        ),
        Command::Catalog {
            command: CatalogCommand::Check { dir },
        } => catalog_cmd::check(&dir, &*load_catalog_builtin()?),
        Command::Catalog { command } => {
            let catalog = load_catalog()?;
            match command {
                CatalogCommand::List => Ok(catalog_cmd::list(&catalog)),
                CatalogCommand::Check { dir } => {
                    catalog_cmd::check(&dir, &*load_catalog_builtin()?)
                }
                CatalogCommand::Export {
                    framework,
                    format: ExportFormat::Oscal,
                    output,
                } => {
                    let framework = catalog_cmd::framework(&catalog, &framework)?;
                    let text = aimsgap_report::oscal::catalog(framework);
                    output::emit(text.as_bytes(), output.as_deref(), false, false)?;
                    Ok(String::new())
                }
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
        Command::ImportAibom { bom, output } => {
            let text = assess_cmd::read_input(&bom, aimsgap_aibom::MAX_BOM_BYTES as u64)?;
            let import = aimsgap_aibom::read(text.as_bytes()).map_err(|e| {
                anyhow::anyhow!(assess_cmd::InputError(format!("{}: {e}", bom.display())))
            })?;
            let yaml = aimsgap_aibom::to_yaml(&import);
            output::emit(yaml.as_bytes(), output.as_deref(), false, false)?;
            Ok(String::new())
        }
    }
}

/// A `check` threshold failed: the report goes to standard output and the exit code is 1.
#[derive(Debug)]
struct CheckFailed(String);

impl std::fmt::Display for CheckFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a check threshold failed")
    }
}

impl std::error::Error for CheckFailed {}

fn print(text: &str) {
    output::print(text);
}

fn main() -> ExitCode {
    without_huge_pages();
    let cli = Cli::parse();
    match run(cli) {
        Ok(output) => {
            print(&output);
            ExitCode::SUCCESS
        }
        Err(error) => {
            if let Some(CheckFailed(report)) = error.downcast_ref::<CheckFailed>() {
                print(report);
                return ExitCode::from(1);
            }
            let message = format!("{error:#}");
            eprintln!("error: {}", output::terminal_safe(&message));
            ExitCode::from(2)
        }
    }
}
