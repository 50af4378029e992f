//! What kind of failure ended a library call: the one fact the front end
//! needs to choose an exit code (0 ok, 1 no answer or a failed check,
//! 2 bad input), so that the same failure exits the same way through
//! every command.

use std::fmt;

/// The kinds of failure the library reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input is wrong: a file, a field, an argument (exit 2).
    Input,
    /// The input is valid and no plan answers it: no tier, mix or
    /// sampled world serves the load (exit 1).
    Infeasible,
    /// Everything was read and a check the user asked for failed (exit 1).
    CheckFailed,
    /// A file could not be read or written (exit 2: the path is input).
    Io,
}

/// An error with its kind: what analyses that combine many plans return.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

impl Error {
    /// Bad input.
    pub fn input(message: impl Into<String>) -> Self {
        Error { kind: ErrorKind::Input, message: message.into() }
    }

    /// Valid input that no plan answers.
    pub fn infeasible(message: impl Into<String>) -> Self {
        Error { kind: ErrorKind::Infeasible, message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
