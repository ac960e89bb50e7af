//! Located errors: every failure to load a catalog names the file, line, column and field.

use std::fmt;

/// Where in which file a problem is. Line and column start at 1; 0 means unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: u64,
    pub column: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{}:{}", self.file, self.line, self.column)
        }
    }
}

/// What is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    #[error("{0}")]
    Syntax(String),
    #[error("duplicate id `{id}` (first defined on line {first_line})")]
    DuplicateId { id: String, first_line: u64 },
    #[error("unknown parent `{parent}`: no node with that id in {framework}")]
    UnknownParent { parent: String, framework: String },
    #[error("parent chain of `{id}` loops back on itself")]
    ParentCycle { id: String },
    #[error("unknown id `{id}` in framework {framework}")]
    UnknownId { id: String, framework: String },
    #[error("unknown framework `{0}`")]
    UnknownFramework(String),
    #[error("`{value}` is not one of: {expected}")]
    UnknownValue { value: String, expected: String },
    #[error("{0}")]
    BadDate(String),
    #[error("missing: {0}")]
    Missing(String),
    #[error("strength {0} is out of range 1..10")]
    StrengthOutOfRange(i64),
    #[error("duplicate edge {from} -> {to} (first on line {first_line})")]
    DuplicateEdge {
        from: String,
        to: String,
        first_line: u64,
    },
    #[error(
        "edge targets `{id}`, a {kind} that only groups requirements: target the requirement meant"
    )]
    ContainerTarget { id: String, kind: String },
    #[error("{0}")]
    Invalid(String),
}

/// A catalog or crosswalk file that cannot be loaded, and exactly where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {field}: {kind}")]
pub struct Error {
    pub location: Location,
    /// The field path, e.g. `requirements[12].parent`.
    pub field: String,
    pub kind: ErrorKind,
}
