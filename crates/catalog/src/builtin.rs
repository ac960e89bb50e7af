//! The built-in catalog, read from the compact form the build script wrote.
//!
//! The build script (`build.rs`) parses and validates the YAML files of `catalogs/` with the
//! same code as `--catalogs` does at run time, and fails the build with located errors if
//! they do not validate. What it writes is the validated [`Catalog`] in postcard, so a process
//! reads the built-in catalog without parsing YAML, once, however many callers ask for it.

use crate::error::{Error, ErrorKind, Location};
use crate::sources::{CROSSWALKS, FILES, RISK_METHOD, parse_sources};
use crate::{Area, Catalog, parse_areas};
use std::sync::OnceLock;

/// The validated built-in catalog in postcard, written by the build script.
static COMPACT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin-catalog.postcard"));

/// The governance areas of `aimsgap compare`, as (path under `catalogs/`, text).
pub const AREAS: (&str, &str) = (
    "governance-areas.yaml",
    include_str!("../../../catalogs/governance-areas.yaml"),
);
/// Where our crosswalks disagree with the article's comparison table, and why.
pub const DISAGREEMENTS: (&str, &str) = (
    "article-disagreements.yaml",
    include_str!("../../../catalogs/article-disagreements.yaml"),
);

/// The JSON Schema of framework files (`aimsgap schema catalog`).
pub const CATALOG_SCHEMA: &str = include_str!("../../../catalogs/schema/catalog.schema.json");
/// The JSON Schema of crosswalk files (`aimsgap schema crosswalk`).
pub const CROSSWALK_SCHEMA: &str = include_str!("../../../catalogs/schema/crosswalk.schema.json");
/// The JSON Schema of the risk method file.
pub const RISK_METHOD_SCHEMA: &str =
    include_str!("../../../catalogs/schema/risk-method.schema.json");

/// Reads the compact form. It was written by this very code's build, so failing here is a
/// defect of the build, still reported as an error rather than a panic.
fn read_compact() -> Result<Catalog, Vec<Error>> {
    let mut catalog: Catalog = postcard::from_bytes(COMPACT).map_err(|error| {
        vec![Error {
            location: Location {
                file: "built-in catalog (compiled form)".to_string(),
                line: 0,
                column: 0,
            },
            field: "document".to_string(),
            kind: ErrorKind::Invalid(format!(
                "the compiled form written at build time does not read back: {error}"
            )),
        }]
    })?;
    catalog.rebuild_indexes();
    Ok(catalog)
}

/// The built-in catalog, read once per process and shared by every caller.
pub fn builtin_shared() -> Result<&'static Catalog, Vec<Error>> {
    static BUILTIN: OnceLock<Result<Catalog, Vec<Error>>> = OnceLock::new();
    BUILTIN
        .get_or_init(read_compact)
        .as_ref()
        .map_err(Clone::clone)
}

/// The built-in catalog, its risk method included, validated when the binary was built.
/// Each call returns a copy of the one read per process; callers that only read it can
/// borrow it with [`builtin_shared`] instead.
pub fn builtin() -> Result<Catalog, Vec<Error>> {
    builtin_shared().cloned()
}

/// Parses and validates the built-in YAML files, as the build script does. The built-in
/// catalog ([`builtin`]) equals what this returns; it is here for tests and tools that want
/// the YAML path.
pub fn parse_builtin() -> Result<Catalog, Vec<Error>> {
    parse_sources(FILES, CROSSWALKS, RISK_METHOD)
}

/// Loads the governance areas against the catalog's ISO/IEC 42001.
pub fn builtin_areas(catalog: &Catalog) -> Result<Vec<Area>, Vec<Error>> {
    match catalog.framework("iso42001") {
        Some(iso) => parse_areas(AREAS.0, AREAS.1, iso),
        None => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compact form must hold exactly what the YAML says: the same data, and indexes
    /// rebuilt to the same positions (they are not stored, so a bad rebuild would send
    /// lookups to the wrong requirement or edge).
    #[test]
    fn compact_form_reads_back_as_the_catalog_parsed_from_yaml() {
        let compact = read_compact().unwrap();
        let parsed = parse_builtin().unwrap();
        assert_eq!(
            postcard::to_extend(&compact, Vec::new()).unwrap(),
            postcard::to_extend(&parsed, Vec::new()).unwrap()
        );
        assert_eq!(compact.frameworks.len(), parsed.frameworks.len());
        for (read, yaml) in compact.frameworks.iter().zip(&parsed.frameworks) {
            assert_eq!(read.id, yaml.id);
            assert_eq!(read.requirements, yaml.requirements, "{}", read.id);
            assert!(!read.index.is_empty(), "{}", read.id);
            assert_eq!(read.index, yaml.index, "{}", read.id);
            assert_eq!(read.parents, yaml.parents, "{}", read.id);
            // Every parent position names the requirement the parent id names.
            for (position, requirement) in read.requirements.iter().enumerate() {
                let by_position = read
                    .parent_position(position)
                    .and_then(|p| read.requirements.get(p))
                    .map(|p| p.id.as_str());
                assert_eq!(
                    by_position,
                    requirement.parent.as_deref(),
                    "{}",
                    requirement.id
                );
            }
        }
        assert_eq!(compact.crosswalks.len(), parsed.crosswalks.len());
        for (read, yaml) in compact.crosswalks.iter().zip(&parsed.crosswalks) {
            assert_eq!((&read.from, &read.to), (&yaml.from, &yaml.to));
            assert_eq!(read.edges, yaml.edges);
            assert_eq!(
                read.by_target, yaml.by_target,
                "{} -> {}",
                read.from, read.to
            );
            assert_eq!(
                read.by_source, yaml.by_source,
                "{} -> {}",
                read.from, read.to
            );
        }
        assert_eq!(compact.risk_method, parsed.risk_method);
        assert!(!compact.risk_method.generative_ai_treatment.is_empty());
    }

    /// Every caller in a process shares one read of the built-in catalog.
    #[test]
    fn builtin_catalog_is_read_once_per_process() {
        let first = builtin_shared().unwrap();
        let second = builtin_shared().unwrap();
        assert!(std::ptr::eq(first, second));
        let copy = builtin().unwrap();
        assert_eq!(copy.frameworks.len(), first.frameworks.len());
        assert_eq!(copy.risk_method, first.risk_method);
    }
}
