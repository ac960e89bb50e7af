//! Typst code literals. The report's data reaches typst only through these values, so user
//! text is always a string literal, never markup: `#set`, `*bold*` or `$x$` in an organisation
//! name stay characters on the page.

use std::fmt::Write;

/// A typst value written as code.
#[derive(Debug)]
pub(crate) enum Value {
    Str(String),
    /// Written with three decimals; a value that is not finite is written as 0.
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
    pub(crate) fn write(&self, out: &mut String) {
        match self {
            Value::Str(value) => string(value, out),
            Value::Float(value) => {
                let value = if value.is_finite() { *value } else { 0.0 };
                let _ = write!(out, "{value:.3}");
            }
            Value::Int(value) => {
                let _ = write!(out, "{value}");
            }
            Value::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Value::None => out.push_str("none"),
            Value::Array(items) => {
                out.push('(');
                for item in items {
                    item.write(out);
                    // The trailing comma keeps a one-element array from being a parenthesis.
                    out.push_str(", ");
                }
                out.push(')');
            }
            Value::Dict(entries) => {
                if entries.is_empty() {
                    out.push_str("(:)");
                    return;
                }
                out.push('(');
                for (key, value) in entries {
                    out.push_str(key);
                    out.push_str(": ");
                    value.write(out);
                    out.push_str(",\n");
                }
                out.push(')');
            }
        }
    }
}

/// A typst string literal: only the backslash, the double quote and control characters need
/// escapes inside one; everything else, markup characters included, is taken literally.
/// Tabs become spaces.
pub(crate) fn string(value: &str, out: &mut String) {
    out.push('"');
    for character in value.chars() {
        match character {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            // typst sets a tab as nothing at all; a space reads as the writer meant.
            '\t' => out.push(' '),
            control if control.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(control));
            }
            other => out.push(other),
        }
    }
    out.push('"');
}
