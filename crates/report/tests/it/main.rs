//! Snapshot tests of the example assessments' results: any change to a figure, a rank, a date
//! or a word shows up as a reviewable diff.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod artefacts;
mod claims;
mod drafts;
mod escaping;
mod evidence;
mod formats;
mod json_writer;

mod oscal;
mod same_bytes;
mod wire;
mod workbook;

use aimsgap_catalog::{Catalog, Date};
use std::sync::OnceLock;

/// A file for one test, `aimsgap-{group}-...-{name}` in the temporary directory, removed when
/// dropped.
pub(crate) fn temp_path(group: &str, name: &str) -> tempfile::TempPath {
    tempfile::Builder::new()
        .prefix(&format!("aimsgap-{group}-"))
        .suffix(&format!("-{name}"))
        .tempfile()
        .unwrap()
        .into_temp_path()
}

/// The five example assessments by name (file name without `.yaml`), for the tests that go
/// over all of them.
pub(crate) const EXAMPLES: [(&str, &str); 5] = [
    (
        "bank-credit-scoring",
        include_str!("../../../../examples/bank-credit-scoring.yaml"),
    ),
    (
        "hrtech-cv-screening-soc2",
        include_str!("../../../../examples/hrtech-cv-screening-soc2.yaml"),
    ),
    (
        "medical-device-maker",
        include_str!("../../../../examples/medical-device-maker.yaml"),
    ),
    (
        "saas-chatbot-iso27001",
        include_str!("../../../../examples/saas-chatbot-iso27001.yaml"),
    ),
    (
        "startup-gpai-provider",
        include_str!("../../../../examples/startup-gpai-provider.yaml"),
    ),
];

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| aimsgap_catalog::builtin().unwrap())
}

macro_rules! example {
    ($name:ident, $file:literal) => {
        #[test]
        fn $name() {
            let text = include_str!(concat!("../../../../examples/", $file));
            let assessment = aimsgap_assess::parse_assessment(
                $file,
                text,
                catalog(),
                Date::parse("2026-11-29").unwrap(),
            )
            .unwrap_or_else(|errors| panic!("{errors:?}"));
            let result = aimsgap_assess::assess(catalog(), &assessment).unwrap();
            let json = aimsgap_report::json::render(&result);
            insta::assert_snapshot!(concat!(stringify!($name), "_json"), json);
            insta::assert_snapshot!(
                concat!(stringify!($name), "_summary"),
                aimsgap_report::text::summary(&result, 15)
            );
            insta::assert_snapshot!(
                concat!(stringify!($name), "_html"),
                aimsgap_report::html::render(&result, catalog())
            );
            insta::assert_snapshot!(
                concat!(stringify!($name), "_md"),
                aimsgap_report::markdown::render(&result, 15)
            );
            insta::assert_snapshot!(
                concat!(stringify!($name), "_requirements_csv"),
                aimsgap_report::csv::requirements(&result)
            );
            insta::assert_snapshot!(
                concat!(stringify!($name), "_gaps_csv"),
                aimsgap_report::csv::gaps(&result)
            );
        }
    };
}

example!(saas_chatbot_iso27001, "saas-chatbot-iso27001.yaml");
example!(hrtech_cv_screening_soc2, "hrtech-cv-screening-soc2.yaml");
example!(bank_credit_scoring, "bank-credit-scoring.yaml");
example!(medical_device_maker, "medical-device-maker.yaml");
example!(startup_gpai_provider, "startup-gpai-provider.yaml");
