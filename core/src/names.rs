//! The error for a name that is not one of a fixed set, and the escaping
//! of input echoed back to a terminal. Ground floor: every module that
//! parses an id uses it and it uses nothing of the crate.

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
        write!(f, "unknown {} `{}`; expected one of: {}", self.kind, escape(&self.given), self.valid.join(", "))
    }
}

impl std::error::Error for UnknownName {}

/// `s` with every control character (escape sequences, newlines, ...)
/// written as a Rust escape (`\u{1b}`, `\n`), for echoing input that came
/// from a file or the command line to a terminal.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_control) {
        s.chars()
            .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}
