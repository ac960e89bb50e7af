//! The report's data as JSON, which the template decodes with typst's `json`. User text reaches
//! typst only as JSON strings, which become typst strings, never markup: `#set`, `*bold*` or
//! `$x$` in an organisation name stay characters on the page.

use std::fmt::Write;

/// A value of the report's data.
#[derive(Debug)]
pub(crate) enum Value {
    Str(String),
    /// Written with three decimals (typst reads it as a float); a value that is not finite is
    /// written as 0.
    Float(f64),
    Int(i64),
    Bool(bool),
    None,
    Array(Vec<Value>),
    /// Keys are identifiers chosen by this crate, never user text.
    Dict(Vec<(&'static str, Value)>),
}

pub(crate) fn text(value: impl Into<String>) -> Value {
    Value::Str(value.into())
}

pub(crate) fn optional_text(value: Option<impl Into<String>>) -> Value {
    value.map_or(Value::None, |value| Value::Str(value.into()))
}

pub(crate) fn count(value: usize) -> Value {
    Value::Int(i64::try_from(value).unwrap_or(i64::MAX))
}

pub(crate) fn texts<T: AsRef<str>>(values: &[T]) -> Value {
    Value::Array(values.iter().map(|value| text(value.as_ref())).collect())
}

impl Value {
    /// The value as JSON.
    pub(crate) fn write_json(&self, out: &mut String) {
        match self {
            Value::Str(value) => json_string(value, out),
            Value::Float(value) => {
                let value = if value.is_finite() { *value } else { 0.0 };
                let _ = write!(out, "{value:.3}");
            }
            Value::Int(value) => {
                let _ = write!(out, "{value}");
            }
            Value::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Value::None => out.push_str("null"),
            Value::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Value::Dict(entries) => {
                out.push('{');
                for (index, (key, value)) in entries.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    json_string(key, out);
                    out.push(':');
                    value.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

/// A JSON string: the backslash, the double quote and control characters are escaped; tabs
/// become spaces (typst sets a tab as nothing at all; a space reads as the writer meant).
fn json_string(value: &str, out: &mut String) {
    out.push('"');
    for character in value.chars() {
        match character {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push(' '),
            control if control.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(control));
            }
            other => out.push(other),
        }
    }
    out.push('"');
}

/// A typst string literal: only the backslash, the double quote and control characters need
/// escapes inside one; everything else, markup characters included, is taken literally.
pub(crate) fn typst_string(value: &str, out: &mut String) {
    out.push('"');
    for character in value.chars() {
        match character {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            control if control.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(control));
            }
            other => out.push(other),
        }
    }
    out.push('"');
}
