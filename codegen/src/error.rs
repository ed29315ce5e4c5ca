//! Errors that say which file, where in it (a JSON pointer) and what is wrong.

use std::fmt;
use std::path::PathBuf;

/// Why the generator refused a spec. Every variant names the file; most also name the place.
#[derive(Debug)]
pub struct Error {
    /// The spec file (or `<memory>` when generating from bytes).
    pub file: PathBuf,
    /// A JSON pointer into the spec, such as `#/components/schemas/address/properties/city`.
    pub pointer: Option<String>,
    /// Line and column in the file, where the parser knows them.
    pub position: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
}

impl Error {
    pub(crate) fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            file: PathBuf::from("<memory>"),
            pointer: Some(pointer.into()),
            position: None,
            message: message.into(),
        }
    }

    pub(crate) fn msg(message: impl Into<String>) -> Self {
        Error { file: PathBuf::from("<memory>"), pointer: None, position: None, message: message.into() }
    }

    pub(crate) fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = file.into();
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(pointer) = &self.pointer {
            write!(f, ": at {pointer}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Error {}

/// Drops serde_json's " at line X column Y" suffix: inside a fragment those numbers mislead.
pub(crate) fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) if message[at..].contains(" column ") => &message[..at],
        _ => message,
    }
}
