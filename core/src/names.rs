//! The error for a name that is not one of a fixed set. It sits on the
//! ground floor: every module that parses an id uses it and it uses
//! nothing of the crate.

/// Error for a name that is not one of a fixed set (semantics, notifier,
/// scenario...). Its message lists the valid names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// What kind of name it was ("semantics", "notifier", ...).
    pub kind: &'static str,
    /// The name as given.
    pub given: String,
    /// Every valid name.
    pub valid: Vec<String>,
}

impl std::fmt::Display for UnknownName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {} `{}`; expected one of: {}", self.kind, self.given, self.valid.join(", "))
    }
}

impl std::error::Error for UnknownName {}
