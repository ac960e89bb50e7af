//! What a change in the history changed, field by field: a pure, generic diff of two stored
//! JSON values (an answer, an AI system, the profile, or any other entity stored as JSON).
//!
//! Objects are compared key by key, lists item by item; a value that is the same on both sides
//! is never listed, every value that differs is, and the order is stable: keys in the order
//! [`key_order`] gives (a few leading keys such as `status` first, then the others
//! alphabetically), list items in the order they are listed. Lists whose items are objects
//! that name themselves (by `id`, `ref` or `name`) are matched by that name, so a changed item
//! is one change of its fields rather than an item removed and another added; other lists are
//! compared as sets of items (an item present on one side only is added or removed).
//!
//! `null` and an absent key mean the same: nothing.

use serde_json::{Map, Value};

/// How one field changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// It had a value and now has another.
    Changed,
    /// It had none (or a list gained this item).
    Added,
    /// It has none any more (or a list lost this item).
    Removed,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Changed => "changed",
            Kind::Added => "added",
            Kind::Removed => "removed",
        }
    }
}

/// One changed field: where it is, in words, and its value before and after, as short text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    /// The field, its keys in words (`organization sector`, `evidence`).
    pub field: String,
    pub kind: Kind,
    /// The value before (`None` when added).
    pub old: Option<String>,
    /// The value after (`None` when removed).
    pub new: Option<String>,
}

impl FieldChange {
    /// The change as one phrase: `status: partial -> implemented`,
    /// `evidence added: 'Policy v2' (approved document)`.
    pub fn sentence(&self) -> String {
        match (&self.old, &self.new) {
            (Some(old), Some(new)) => format!("{}: {old} -> {new}", self.field),
            (None, Some(new)) => format!("{} added: {new}", self.field),
            (Some(old), None) => format!("{} removed: {old}", self.field),
            (None, None) => format!("{} {}", self.field, self.kind.as_str()),
        }
    }
}

/// The longest value shown, in characters; longer text is cut with an ellipsis.
const SHOWN: usize = 120;

/// Keys listed first, in this order, wherever they appear; the others follow alphabetically.
const LEADING: [&str; 6] = ["status", "state", "name", "title", "id", "ref"];

/// Keys that name a list's item, tried in this order.
const NAMING: [&str; 3] = ["id", "ref", "name"];

/// Every field that differs between `old` and `new` (either may be absent), in a stable order.
pub fn diff(old: Option<&Value>, new: Option<&Value>) -> Vec<FieldChange> {
    let mut out = Vec::new();
    walk(&mut out, &[], old, new);
    out
}

/// A value that is something: `null` is nothing.
fn present(value: Option<&Value>) -> Option<&Value> {
    value.filter(|v| !v.is_null())
}

fn walk(out: &mut Vec<FieldChange>, path: &[String], old: Option<&Value>, new: Option<&Value>) {
    match (present(old), present(new)) {
        (None, None) => {}
        (Some(Value::Object(old)), Some(Value::Object(new))) => objects(out, path, old, new),
        (None, Some(Value::Object(new))) => objects(out, path, &Map::new(), new),
        (Some(Value::Object(old)), None) => objects(out, path, old, &Map::new()),
        (Some(Value::Array(old)), Some(Value::Array(new))) => lists(out, path, old, new),
        (None, Some(Value::Array(new))) => lists(out, path, &[], new),
        (Some(Value::Array(old)), None) => lists(out, path, old, &[]),
        (Some(old), Some(new)) if old == new => {}
        (old, new) => out.push(FieldChange {
            field: field_name(path),
            kind: match (old, new) {
                (None, _) => Kind::Added,
                (_, None) => Kind::Removed,
                _ => Kind::Changed,
            },
            old: old.map(shown),
            new: new.map(shown),
        }),
    }
}

/// The keys of both objects, in the order [`key_order`] gives.
fn objects(
    out: &mut Vec<FieldChange>,
    path: &[String],
    old: &Map<String, Value>,
    new: &Map<String, Value>,
) {
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort_by(|a, b| key_order(a).cmp(&key_order(b)));
    keys.dedup();
    for key in keys {
        let mut inner = path.to_vec();
        inner.push(key.clone());
        walk(out, &inner, old.get(key), new.get(key));
    }
}

/// Sorts the leading keys first, in their order, then the others alphabetically.
pub fn key_order(key: &str) -> (usize, &str) {
    let rank = LEADING
        .iter()
        .position(|k| *k == key)
        .unwrap_or(LEADING.len());
    (rank, key)
}

/// The key that names every item of both lists, if one does (and names each item once).
fn naming_key<'a>(old: &'a [Value], new: &'a [Value]) -> Option<&'static str> {
    if old.is_empty() && new.is_empty() {
        return None;
    }
    NAMING.into_iter().find(|key| {
        [old, new].iter().all(|list| {
            let mut names: Vec<&str> = Vec::with_capacity(list.len());
            for item in list.iter() {
                match item.get(*key).and_then(Value::as_str) {
                    Some(name) if !names.contains(&name) => names.push(name),
                    _ => return false,
                }
            }
            true
        })
    })
}

fn lists(out: &mut Vec<FieldChange>, path: &[String], old: &[Value], new: &[Value]) {
    let field = field_name(path);
    if let Some(key) = naming_key(old, new) {
        let name_of = |item: &Value| item.get(key).and_then(Value::as_str).map(str::to_string);
        // Removed items, in their old order; then kept and added ones, in their new order.
        for item in old {
            let name = name_of(item);
            if !new.iter().any(|n| name_of(n) == name) {
                out.push(item_change(&field, Kind::Removed, item));
            }
        }
        for item in new {
            let name = name_of(item);
            match old.iter().find(|o| name_of(o) == name) {
                Some(before) if before == item => {}
                Some(before) => {
                    let mut inner = path.to_vec();
                    inner.push(name.unwrap_or_default());
                    walk(out, &inner, Some(before), Some(item));
                }
                None => out.push(item_change(&field, Kind::Added, item)),
            }
        }
        return;
    }
    // As sets: an item on one side only; repeated items are counted.
    let mut unmatched: Vec<&Value> = new.iter().collect();
    let mut removed = Vec::new();
    for item in old {
        match unmatched.iter().position(|n| *n == item) {
            Some(at) => {
                unmatched.remove(at);
            }
            None => removed.push(item),
        }
    }
    for item in removed {
        out.push(item_change(&field, Kind::Removed, item));
    }
    for item in unmatched {
        out.push(item_change(&field, Kind::Added, item));
    }
}

fn item_change(field: &str, kind: Kind, item: &Value) -> FieldChange {
    let text = Some(shown(item));
    let (old, new) = match kind {
        Kind::Removed => (text, None),
        _ => (None, text),
    };
    FieldChange {
        field: field.to_string(),
        kind,
        old,
        new,
    }
}

/// A path of keys in words: `organization.sector` reads `organization sector`.
fn field_name(path: &[String]) -> String {
    if path.is_empty() {
        return "value".to_string();
    }
    path.iter()
        .map(|key| words(key))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A machine token (`approved_document`) in words (`approved document`); other text as it is.
fn words(text: &str) -> String {
    if token(text) {
        text.replace('_', " ")
    } else {
        text.to_string()
    }
}

/// Whether text is a machine value: lower-case letters, digits, `_`, `-` or `.`.
fn token(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.'))
}

/// A value as short text: a machine token in words, free text quoted, an object by its name
/// and its other plain values in brackets, a list by its items.
fn shown(value: &Value) -> String {
    let text = match value {
        Value::Null => "nothing".to_string(),
        Value::Bool(true) => "yes".to_string(),
        Value::Bool(false) => "no".to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(items) if items.is_empty() => "none".to_string(),
        Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join(", "),
        Value::Object(map) => object(map),
    };
    cut(&text)
}

fn string(text: &str) -> String {
    if token(text) {
        words(text)
    } else {
        format!("'{}'", text.replace(['\n', '\r', '\t'], " "))
    }
}

fn object(map: &Map<String, Value>) -> String {
    let name = NAMING
        .iter()
        .find_map(|key| map.get(*key).and_then(Value::as_str).map(|n| (*key, n)));
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort_by(|a, b| key_order(a).cmp(&key_order(b)));
    let rest: Vec<String> = keys
        .into_iter()
        .filter(|key| name.is_none_or(|(named, _)| named != key.as_str()))
        .filter_map(|key| match map.get(key.as_str()) {
            Some(Value::String(s)) => Some(string(s)),
            Some(Value::Number(n)) => Some(format!("{} {n}", words(key))),
            Some(Value::Bool(b)) => {
                Some(format!("{} {}", words(key), if *b { "yes" } else { "no" }))
            }
            _ => None,
        })
        .collect();
    match (name, rest.is_empty()) {
        (Some((_, name)), true) => format!("'{name}'"),
        (Some((_, name)), false) => format!("'{name}' ({})", rest.join(", ")),
        (None, false) => rest.join(", "),
        (None, true) => "a value".to_string(),
    }
}

fn cut(text: &str) -> String {
    if text.chars().count() <= SHOWN {
        return text.to_string();
    }
    let mut short: String = text.chars().take(SHOWN - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn sentences(old: Option<Value>, new: Option<Value>) -> Vec<String> {
        diff(old.as_ref(), new.as_ref())
            .iter()
            .map(FieldChange::sentence)
            .collect()
    }

    #[test]
    fn an_answer_shows_its_changed_status_and_added_evidence() {
        let old = json!({"status": "partial", "owner": "Ana"});
        let new = json!({
            "status": "implemented",
            "owner": "Ana",
            "evidence": [{"ref": "Policy v2", "kind": "approved_document"}]
        });
        assert_eq!(
            sentences(Some(old), Some(new)),
            vec![
                "status: partial -> implemented",
                "evidence added: 'Policy v2' (approved document)",
            ]
        );
    }

    #[test]
    fn an_unchanged_status_is_never_listed() {
        // The old history said "implemented -> implemented" here.
        let old = json!({"status": "implemented", "evidence": []});
        let new = json!({"status": "implemented", "notes": "Reviewed in March"});
        assert_eq!(
            sentences(Some(old), Some(new)),
            vec!["notes added: 'Reviewed in March'"]
        );
    }

    #[test]
    fn the_same_value_saved_again_lists_nothing() {
        let value = json!({"status": "planned", "evidence": [{"ref": "A", "kind": "draft"}]});
        assert!(diff(Some(&value), Some(&value)).is_empty());
    }

    #[test]
    fn nested_objects_are_compared_key_by_key() {
        let old =
            json!({"organization": {"name": "Acme", "sector": "hr_technology", "employees": 40}});
        let new = json!({"organization": {"name": "Acme", "sector": "finance", "employees": 40}});
        assert_eq!(
            sentences(Some(old), Some(new)),
            vec!["organization sector: hr technology -> finance"]
        );
    }

    #[test]
    fn named_list_items_are_matched_by_their_name() {
        let old = json!({"evidence": [
            {"ref": "Policy", "kind": "draft"},
            {"ref": "Old log", "kind": "operating_record"}
        ]});
        let new = json!({"evidence": [
            {"ref": "Policy", "kind": "approved_document", "date": "2026-03-01"}
        ]});
        assert_eq!(
            sentences(Some(old), Some(new)),
            vec![
                "evidence removed: 'Old log' (operating record)",
                "evidence Policy date added: 2026-03-01",
                "evidence Policy kind: draft -> approved document",
            ]
        );
    }

    #[test]
    fn plain_lists_are_compared_as_sets() {
        let old = json!({"jurisdictions": ["eu", "us-co"]});
        let new = json!({"jurisdictions": ["us-co", "kr"]});
        assert_eq!(
            sentences(Some(old), Some(new)),
            vec!["jurisdictions removed: eu", "jurisdictions added: kr"]
        );
    }

    #[test]
    fn a_new_and_a_deleted_value_list_their_fields() {
        let value = json!({"status": "planned", "maturity": 2});
        assert_eq!(
            sentences(None, Some(value.clone())),
            vec!["status added: planned", "maturity added: 2"]
        );
        assert_eq!(
            sentences(Some(value), Some(Value::Null)),
            vec!["status removed: planned", "maturity removed: 2"]
        );
    }

    #[test]
    fn free_text_is_quoted_and_long_text_cut() {
        let long = "x".repeat(500);
        let changes = diff(
            Some(&json!({"notes": "Draft"})),
            Some(&json!({"notes": long})),
        );
        let [change] = changes.as_slice() else {
            panic!("one change expected, got {changes:?}");
        };
        assert_eq!(change.old.as_deref(), Some("'Draft'"));
        assert_eq!(change.new.as_ref().map(|n| n.chars().count()), Some(SHOWN));
        assert!(change.new.as_ref().is_some_and(|n| n.ends_with('…')));
    }

    /// Small JSON values: objects of a few keys, lists, scalars.
    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (0i64..5).prop_map(Value::from),
            prop::sample::select(vec!["partial", "implemented", "Policy v2", "a"])
                .prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                object_of(inner),
            ]
        })
    }

    fn object_of(inner: impl Strategy<Value = Value>) -> impl Strategy<Value = Value> {
        prop::collection::btree_map(
            prop::sample::select(vec!["status", "ref", "kind", "notes", "maturity"])
                .prop_map(str::to_string),
            inner,
            0..5,
        )
        .prop_map(|m| Value::Object(m.into_iter().collect()))
    }

    /// Flat objects of plain values, the shape of most stored fields.
    fn flat() -> impl Strategy<Value = Value> {
        object_of(prop_oneof![
            Just(Value::Null),
            (0i64..3).prop_map(Value::from),
            prop::sample::select(vec!["partial", "implemented", "Policy v2"]).prop_map(Value::from),
        ])
    }

    proptest! {
        #[test]
        fn equal_values_give_no_change(a in value()) {
            prop_assert!(diff(Some(&a), Some(&a)).is_empty());
        }

        #[test]
        fn exactly_the_changed_fields_are_listed(a in flat(), b in flat()) {
            let changes = diff(Some(&a), Some(&b));
            let listed: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
            let mut differing: Vec<&str> = ["status", "ref", "kind", "notes", "maturity"]
                .into_iter()
                .filter(|k| present(a.get(*k)) != present(b.get(*k)))
                .collect();
            differing.sort_by(|x, y| key_order(x).cmp(&key_order(y)));
            prop_assert_eq!(listed, differing);
            for change in &changes {
                prop_assert!(change.old != change.new, "listed unchanged: {:?}", change);
            }
        }

        #[test]
        fn the_order_is_stable(a in value(), b in value()) {
            let once = diff(Some(&a), Some(&b));
            prop_assert_eq!(&once, &diff(Some(&a), Some(&b)));
            // The order of the stored keys does not matter.
            let reversed = match &b {
                Value::Object(map) => Value::Object(
                    map.iter().rev().map(|(k, v)| (k.clone(), v.clone())).collect(),
                ),
                other => other.clone(),
            };
            prop_assert_eq!(&once, &diff(Some(&a), Some(&reversed)));
        }
    }
}
