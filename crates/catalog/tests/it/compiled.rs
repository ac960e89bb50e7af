//! The built-in catalog is validated when the crate is built, by `parse_sources` run from the
//! build script; these tests hold that path to the same located errors as `--catalogs`.

use aimsgap_catalog::{CROSSWALKS, ErrorKind, FILES, RISK_METHOD, parse_sources};

fn replaced(name: &str, from: &str, to: &str) -> Vec<(&'static str, String)> {
    FILES
        .iter()
        .map(|(file, text)| {
            if *file == name {
                assert!(text.contains(from), "{from} in {file}");
                (*file, text.replacen(from, to, 1))
            } else {
                (*file, (*text).to_string())
            }
        })
        .collect()
}

fn borrowed<'a>(files: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    files
        .iter()
        .map(|(file, text)| (*file, text.as_str()))
        .collect()
}

/// A broken built-in file must fail the build with the file, line, column and field, as it
/// does at run time: the build script prints exactly these errors.
#[test]
fn build_time_validation_locates_a_broken_parent() {
    let files = replaced("iso42001.yaml", "parent: \"6.1.2\"", "parent: \"6.1.99\"");
    let errors = parse_sources(&borrowed(&files), CROSSWALKS, RISK_METHOD).unwrap_err();
    // The broken framework comes first; the crosswalks that target it fail after it.
    let error = &errors[0];
    assert_eq!(error.location.file, "iso42001.yaml");
    let (_, original) = FILES.iter().find(|(f, _)| *f == "iso42001.yaml").unwrap();
    let line = original
        .lines()
        .position(|l| l.contains("parent: \"6.1.2\""))
        .unwrap()
        + 1;
    assert_eq!(error.location.line, line as u64);
    assert!(error.location.column > 0);
    assert!(error.field.ends_with(".parent"), "{}", error.field);
    assert!(
        matches!(&error.kind, ErrorKind::UnknownParent { parent, framework }
            if parent == "6.1.99" && framework == "iso42001"),
        "{:?}",
        error.kind
    );
    let shown = error.to_string();
    assert!(
        shown.starts_with(&format!("iso42001.yaml:{line}:")),
        "{shown}"
    );
}

/// A syntax error in a built-in file is located too, and the risk method's ids are checked
/// against the frameworks at build time as well.
#[test]
fn build_time_validation_locates_syntax_and_risk_method_errors() {
    let files = replaced("soc2.yaml", "requirements:", "requirements: [");
    let errors = parse_sources(&borrowed(&files), CROSSWALKS, RISK_METHOD).unwrap_err();
    assert!(
        errors.iter().any(|e| e.location.file == "soc2.yaml"
            && e.location.line > 0
            && matches!(e.kind, ErrorKind::Syntax(_))),
        "{errors:?}"
    );

    let risk = RISK_METHOD.1.replacen("A.", "Z.", 1);
    let errors = parse_sources(FILES, CROSSWALKS, (RISK_METHOD.0, &risk)).unwrap_err();
    assert!(
        errors
            .iter()
            .all(|e| e.location.file == RISK_METHOD.0 && e.location.line > 0),
        "{errors:?}"
    );
}
