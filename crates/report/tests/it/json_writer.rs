//! The result JSON is written by sonic-rs with our own pretty layout (`json::pretty`), and its
//! bytes are held to serde_json's `to_string_pretty` (what `to_wire(result).to_json()` gives,
//! and what the result JSON always was): here for any text, including every control character,
//! quotes, backslashes and characters beyond ASCII, and any number, finite or not, with
//! nesting, empty lists, absent values and map keys.

use proptest::prelude::*;
use serde::Serialize;

#[derive(Serialize)]
struct Sample {
    text: String,
    texts: Vec<String>,
    number: f64,
    numbers: Vec<f64>,
    whole: i64,
    empty: Vec<String>,
    nested: Vec<Vec<f64>>,
    none: Option<String>,
    /// Keys are written by another path than values.
    keyed: std::collections::BTreeMap<String, f64>,
}

fn same_bytes(sample: &Sample) -> Result<(), TestCaseError> {
    let ours = aimsgap_report::json::pretty(sample)
        .ok_or_else(|| TestCaseError::fail("the writer failed"))?;
    let theirs =
        serde_json::to_string_pretty(sample).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(ours, theirs);
    Ok(())
}

/// Text weighted towards what needs escaping: controls, `"`, `\`, DEL, and the line and
/// paragraph separators, among letters and characters of two, three and four bytes.
fn text() -> impl Strategy<Value = String> {
    let awkward = prop::sample::select(vec![
        '\u{0}', '\u{1}', '\u{8}', '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1f}', '"', '\\', '/',
        '\u{7f}', '\u{2028}', '\u{2029}', 'é', '€', '𝄞', 'a', ' ',
    ]);
    prop::collection::vec(prop_oneof![awkward, any::<char>()], 0..80)
        .prop_map(|chars| chars.into_iter().collect())
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        (0u32..=100_000).prop_map(|n| f64::from(n) / 1000.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-0.0),
        Just(1e21),
        Just(1e-7),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn sonic_rs_writes_the_bytes_serde_json_writes(
        text in text(),
        texts in prop::collection::vec(text(), 0..4),
        number in number(),
        numbers in prop::collection::vec(number(), 0..4),
        whole in any::<i64>(),
        nested in prop::collection::vec(prop::collection::vec(number(), 0..3), 0..3),
        none in prop::option::of(text()),
        keyed in prop::collection::btree_map(text(), number(), 0..4),
    ) {
        let empty = Vec::new();
        same_bytes(&Sample { text, texts, number, numbers, whole, empty, nested, none, keyed })?;
    }
}
