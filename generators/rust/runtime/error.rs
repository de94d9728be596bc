//! The error taxonomy of VMP (spec §8): one [`Error`] type with a [`ErrorKind`], the path of the offending value
//! and, for wire errors, the byte offset.

use std::fmt;

use super::json::push_js_string;
pub use crate::tables::ErrorKind;

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of a path: a map key or an array index.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

impl From<&str> for PathSeg {
    fn from(key: &str) -> Self {
        PathSeg::Key(key.to_owned())
    }
}

impl From<String> for PathSeg {
    fn from(key: String) -> Self {
        PathSeg::Key(key)
    }
}

impl From<usize> for PathSeg {
    fn from(index: usize) -> Self {
        PathSeg::Index(index)
    }
}

/// Paths longer than this print their first and last halves around a count (SPEC §8.1 rule 3).
const MAX_PRINTED_SEGMENTS: usize = 24;

/// Formats a path as the spec writes it (§8.1): `data.nodes[3].b`, `data["odd key"]`, `(root)` when empty; a path
/// of more than 24 segments as its first 12 and last 12 around `…(N more)…`.
pub fn format_path(path: &[PathSeg]) -> String {
    if path.is_empty() {
        return "(root)".to_owned();
    }
    if path.len() > MAX_PRINTED_SEGMENTS {
        let half = MAX_PRINTED_SEGMENTS / 2;
        let more = path.len() - MAX_PRINTED_SEGMENTS;
        return format!(
            "{}…({more} more)…{}",
            format_path(&path[..half]),
            format_segments(&path[path.len() - half..])
        );
    }
    format_segments(path)
}

/// Every segment of a path, never shortened (what tests compare whole paths with).
pub(crate) fn format_segments(path: &[PathSeg]) -> String {
    if path.is_empty() {
        return "(root)".to_owned();
    }
    let mut out = String::new();
    for seg in path {
        match seg {
            PathSeg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
            PathSeg::Key(k) if is_identifier(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            PathSeg::Key(k) => {
                out.push('[');
                push_js_string(&mut out, k);
                out.push(']');
            }
        }
    }
    out
}

fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// A VMP error: what went wrong ([`ErrorKind`]), where (a path, and a byte offset for wire errors), and a
/// message for people.
///
/// Errors are built where they are detected, usually with an empty path; each enclosing container prepends its
/// step as the error travels up ([`Error::in_key`], [`Error::in_index`]), so the happy path never builds paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    path: Vec<PathSeg>,
    offset: Option<usize>,
    message: String,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            path: Vec::new(),
            offset: None,
            message: message.into(),
        }
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The path of the offending value, outermost step first.
    pub fn path(&self) -> &[PathSeg] {
        &self.path
    }

    /// The byte offset of the item in which a wire error was detected.
    pub fn offset(&self) -> Option<usize> {
        self.offset
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// The path as the spec prints it (`data.nodes[0]`, `(root)`).
    pub fn path_string(&self) -> String {
        format_path(&self.path)
    }

    /// Replaces the path.
    pub fn with_path(mut self, path: Vec<PathSeg>) -> Self {
        self.path = path;
        self
    }

    pub fn with_offset(mut self, offset: usize) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Prepends a map key to the path (the error happened inside the entry `key`).
    pub fn in_key(mut self, key: &str) -> Self {
        self.path.insert(0, PathSeg::Key(key.to_owned()));
        self
    }

    /// Prepends an array index to the path.
    pub fn in_index(mut self, index: usize) -> Self {
        self.path.insert(0, PathSeg::Index(index));
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}", self.kind, format_path(&self.path))?;
        if let Some(offset) = self.offset {
            write!(f, " (byte {offset})")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Error {}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_as_the_spec_says() {
        assert_eq!(format_path(&[]), "(root)");
        let path = vec![
            PathSeg::from("data"),
            PathSeg::from("nodes"),
            PathSeg::from(3),
            PathSeg::from("b"),
        ];
        assert_eq!(format_path(&path), "data.nodes[3].b");
        assert_eq!(
            format_path(&[PathSeg::from("data"), PathSeg::from("odd key")]),
            "data[\"odd key\"]"
        );
        assert_eq!(format_path(&[PathSeg::from("data"), PathSeg::from("0")]), "data[\"0\"]");
        assert_eq!(format_path(&[PathSeg::from(1)]), "[1]");
        assert_eq!(format_path(&[PathSeg::from("a\"\n")]), "[\"a\\\"\\n\"]");
    }

    #[test]
    fn long_paths_keep_their_ends() {
        let deep = vec![PathSeg::from(0); 512];
        let twelve = "[0]".repeat(12);
        assert_eq!(format_path(&deep), format!("{twelve}…(488 more)…{twelve}"));
        let mut keyed = vec![PathSeg::from("data"); 13];
        keyed.extend(vec![PathSeg::from("b"); 12]);
        assert_eq!(
            format_path(&keyed),
            format!("{}…(1 more)…{}", ["data"; 12].join("."), ["b"; 12].join("."))
        );
        assert_eq!(format_path(&deep[..24]), "[0]".repeat(24));
    }

    #[test]
    fn errors_name_kind_path_and_offset() {
        let e = Error::new(ErrorKind::Truncated, "bin of 4096 bytes, 12 present")
            .with_offset(57)
            .in_key("frame")
            .in_key("value");
        assert_eq!(e.kind(), ErrorKind::Truncated);
        assert_eq!(
            e.to_string(),
            "Truncated at value.frame (byte 57): bin of 4096 bytes, 12 present"
        );
    }
}
