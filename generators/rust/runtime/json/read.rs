//! Reading the JSON form: an iterative parser (an explicit stack of open containers) into a raw [`Value`].

use std::collections::HashSet;

use base64::Engine;
use bytes::Bytes;

use super::{push_js_string, BYTES_KEY};
use crate::runtime::error::{Error, ErrorKind, PathSeg, Result};
use crate::runtime::value::{Map, Value, INT_MAX, INT_MIN};
use crate::runtime::wire::enter;

/// Objects switch from a linear duplicate check to a hash set once they hold this many members.
const HASHED_KEYS_FROM: usize = 16;

/// Parses JSON text in the JSON form (spec §9.3) into a raw [`Value`]: members in text order, a number without
/// fraction or exponent as an integer, any other number as a float64, `{"__bytes__": "<base64>"}` as bytes.
///
/// Errors (with the path of the offending value): a repeated member name is `DuplicateKey` (path of the object);
/// an integer outside -2^63..2^64-1 is `IntegerOutOfRange`; a float that rounds to an infinity, malformed base64
/// under `__bytes__` (standard alphabet with padding only) and any syntax error are `InvalidValue`; a `\u`
/// escape of a lone surrogate is `InvalidUtf8`; more than 512 nested containers is `DepthExceeded`. A leading
/// byte-order mark is ignored. ZData is not interpreted here (`codec::check` does that). The parser is iterative
/// (an explicit stack of open containers), so no input can overflow the call stack.
pub fn from_json(text: &str) -> Result<Value> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        stack: Vec::new(),
    };
    if text.starts_with('\u{feff}') {
        parser.pos = '\u{feff}'.len_utf8();
    }
    let value = parser.run()?;
    parser.space();
    if parser.pos < parser.bytes.len() {
        return Err(parser.syntax("unexpected text after the value", parser.pos));
    }
    Ok(value)
}

/// An open container: its items so far (and, for an object, the member being read).
enum Frame {
    Array(Vec<Value>),
    Object {
        map: Map,
        /// The name of the member whose value is being read.
        key: String,
        /// The names so far, once the object is large enough for a linear scan to hurt.
        seen: Option<HashSet<String>>,
    },
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    stack: Vec<Frame>,
}

impl Parser<'_> {
    fn run(&mut self) -> Result<Value> {
        loop {
            let Some(mut value) = self.value().map_err(|e| self.locate(e, true))? else {
                // A non-empty container was opened: its first item comes next (after its first member name).
                if let Some(Frame::Object { .. }) = self.stack.last() {
                    self.member_name().map_err(|e| self.locate(e, false))?;
                }
                continue;
            };
            // Hand the value to its container, closing every container it completes.
            loop {
                match self.stack.last_mut() {
                    None => return Ok(value),
                    Some(Frame::Array(items)) => {
                        items.push(value);
                        if self.separator(b']').map_err(|e| self.locate(e, false))? {
                            break;
                        }
                    }
                    Some(Frame::Object { map, key, seen }) => {
                        let key = std::mem::take(key);
                        if let Some(set) = seen {
                            set.insert(key.clone());
                        }
                        map.push_unique(key.into(), value);
                        if seen.is_none() && map.len() >= HASHED_KEYS_FROM {
                            *seen = Some(map.keys().map(str::to_owned).collect());
                        }
                        if self.separator(b'}').map_err(|e| self.locate(e, false))? {
                            self.member_name().map_err(|e| self.locate(e, false))?;
                            break;
                        }
                    }
                }
                value = match self.stack.pop() {
                    Some(Frame::Array(items)) => Value::Array(items),
                    Some(Frame::Object { map, .. }) => close_object(map).map_err(|e| self.locate(e, true))?,
                    None => Value::Nil, // unreachable: the stack was not empty
                };
            }
        }
    }

    /// Reads a scalar, or opens a container: `None` when the container is not empty (its items come next).
    fn value(&mut self) -> Result<Option<Value>> {
        self.space();
        let at = self.pos;
        let value = match self.bytes.get(at) {
            Some(b'{') => {
                self.enter(at)?;
                if self.closes(b'}') {
                    return Ok(Some(Value::Map(Map::new())));
                }
                self.stack.push(Frame::Object {
                    map: Map::new(),
                    key: String::new(),
                    seen: None,
                });
                return Ok(None);
            }
            Some(b'[') => {
                self.enter(at)?;
                if self.closes(b']') {
                    return Ok(Some(Value::Array(Vec::new())));
                }
                self.stack.push(Frame::Array(Vec::new()));
                return Ok(None);
            }
            Some(b'"') => Value::Str(self.string()?.into()),
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => {
                let literal = [
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                    ("null", Value::Nil),
                ]
                .into_iter()
                .find(|(word, _)| self.bytes[at..].starts_with(word.as_bytes()));
                match literal {
                    Some((word, value)) => {
                        self.pos += word.len();
                        value
                    }
                    None => return Err(self.syntax("unexpected character", at)),
                }
            }
            None => return Err(self.syntax("unexpected end of input", at)),
        };
        Ok(Some(value))
    }

    /// Consumes `{` or `[` at `at` after checking the depth limit.
    fn enter(&mut self, at: usize) -> Result<()> {
        enter(self.stack.len())?;
        self.pos = at + 1;
        Ok(())
    }

    /// Reads the next member name of the object on top of the stack, and the `:` after it.
    fn member_name(&mut self) -> Result<()> {
        self.space();
        let at = self.pos;
        if self.bytes.get(at) != Some(&b'"') {
            return Err(self.syntax("expected a string key", at));
        }
        let name = self.string()?;
        let duplicate = match self.stack.last() {
            Some(Frame::Object { seen: Some(set), .. }) => set.contains(&name),
            Some(Frame::Object { map, .. }) => map.contains_key(&name),
            _ => false,
        };
        if duplicate {
            let mut message = String::from("duplicate member ");
            push_js_string(&mut message, &name);
            message.push(' ');
            message.push_str(&self.where_(at));
            return Err(Error::new(ErrorKind::DuplicateKey, message));
        }
        self.space();
        if self.bytes.get(self.pos) != Some(&b':') {
            return Err(self.syntax("expected ':'", self.pos));
        }
        self.pos += 1;
        if let Some(Frame::Object { key, .. }) = self.stack.last_mut() {
            *key = name;
        }
        Ok(())
    }

    /// Gives an error (built with an empty path) the path of where the parser is: the index being read in each
    /// open array and the member being read in each open object; without the innermost container's step when
    /// `inner` is false (errors between items: separators, member names). Built only on error.
    #[cold]
    fn locate(&self, error: Error, inner: bool) -> Error {
        let frames = if inner {
            &self.stack[..]
        } else {
            &self.stack[..self.stack.len().saturating_sub(1)]
        };
        let path = frames
            .iter()
            .map(|frame| match frame {
                Frame::Array(items) => PathSeg::Index(items.len()),
                Frame::Object { key, .. } => PathSeg::Key(key.clone()),
            })
            .collect();
        error.with_path(path)
    }

    /// After an opening bracket: true (and consumed) when `close` follows at once.
    fn closes(&mut self, close: u8) -> bool {
        self.space();
        if self.bytes.get(self.pos) == Some(&close) {
            self.pos += 1;
            return true;
        }
        false
    }

    /// After an item: true for `,` (another item follows), false for `close`.
    fn separator(&mut self, close: u8) -> Result<bool> {
        self.space();
        match self.bytes.get(self.pos) {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(&c) if c == close => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(self.syntax(&format!("expected ',' or '{}'", close as char), self.pos)),
        }
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The string at the cursor (a `"`), unescaped.
    fn string(&mut self) -> Result<String> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut chunk = self.pos;
        // A lone surrogate is reported once the whole string has been read, so that a syntax error later in the
        // same string wins, as in the other bindings.
        let mut lone_surrogate = false;
        loop {
            let Some(&c) = self.bytes.get(self.pos) else {
                return Err(self.syntax("unterminated string", start));
            };
            match c {
                b'"' => break,
                b'\\' => {
                    out.push_str(&self.text[chunk..self.pos]);
                    lone_surrogate |= !self.escape(&mut out)?;
                    chunk = self.pos;
                }
                0x00..=0x1f => return Err(self.syntax("control character in a string (escape it)", self.pos)),
                _ => self.pos += 1,
            }
        }
        out.push_str(&self.text[chunk..self.pos]);
        self.pos += 1;
        if lone_surrogate {
            let message = format!("string has a lone surrogate {}", self.where_(start));
            return Err(Error::new(ErrorKind::InvalidUtf8, message));
        }
        Ok(out)
    }

    /// The escape at the cursor (a backslash), appended to `out`; `false` when it is a lone surrogate (which has
    /// no UTF-8 form: nothing is appended).
    fn escape(&mut self, out: &mut String) -> Result<bool> {
        let at = self.pos;
        let simple = match self.bytes.get(at + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let unit = self.hex4(at)?;
                let code = match unit {
                    0xd800..=0xdbff => {
                        // A high surrogate joins the low surrogate escaped right after it.
                        let low = if self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u") {
                            let save = self.pos;
                            let low = self.hex4(save)?;
                            if (0xdc00..=0xdfff).contains(&low) {
                                Some(low)
                            } else {
                                self.pos = save;
                                None
                            }
                        } else {
                            None
                        };
                        match low {
                            Some(low) => 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00),
                            None => return Ok(false),
                        }
                    }
                    0xdc00..=0xdfff => return Ok(false),
                    _ => unit,
                };
                // Every code point outside the surrogates is a scalar value.
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                return Ok(true);
            }
            _ => return Err(self.syntax("invalid escape", at)),
        };
        out.push(simple);
        self.pos = at + 2;
        Ok(true)
    }

    /// The four hex digits of the `\u` escape at `at`; moves past the escape.
    fn hex4(&mut self, at: usize) -> Result<u32> {
        let digits = self
            .bytes
            .get(at + 2..at + 6)
            .ok_or_else(|| self.syntax("invalid \\u escape", at))?;
        let mut code = 0u32;
        for &d in digits {
            let v = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.syntax("invalid \\u escape", at))?;
            code = code * 16 + v;
        }
        self.pos = at + 6;
        Ok(code)
    }

    /// A JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Result<Value> {
        // The longest prefix that is a JSON number; what follows it (`1.`, `01`, `1e+`) is left for the caller to
        // reject as a separator error, as the TypeScript and Python bindings do (same kind, same path).
        let at = self.pos;
        let mut p = at;
        let digits_from = |p: usize| self.bytes[p..].iter().take_while(|b| b.is_ascii_digit()).count();
        if self.bytes.get(p) == Some(&b'-') {
            p += 1;
        }
        let int_digits = match digits_from(p) {
            0 => return Err(self.syntax("invalid number", at)),
            n if self.bytes[p] == b'0' => n.min(1),
            n => n,
        };
        p += int_digits;
        let mut float = false;
        if self.bytes.get(p) == Some(&b'.') {
            let n = digits_from(p + 1);
            if n > 0 {
                p += 1 + n;
                float = true;
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(p) {
            let sign = usize::from(matches!(self.bytes.get(p + 1), Some(b'+' | b'-')));
            let n = digits_from(p + 1 + sign);
            if n > 0 {
                p += 1 + sign + n;
                float = true;
            }
        }
        self.pos = p;
        let literal = &self.text[at..p];
        if float {
            let x: f64 = literal.parse().map_err(|_| self.syntax("invalid number", at))?;
            if x.is_infinite() {
                let message = format!("{} is beyond float64 {}", abbreviate(literal), self.where_(at));
                return Err(Error::new(ErrorKind::InvalidValue, message));
            }
            return Ok(Value::F64(x));
        }
        // 2^64-1 has 20 digits: longer integers are out of range without parsing them.
        match literal.parse::<i128>() {
            Ok(i) if int_digits <= 20 && (INT_MIN..=INT_MAX).contains(&i) => Ok(Value::Int(i)),
            _ => {
                let message = format!("{} is outside -2^63..2^64-1 {}", abbreviate(literal), self.where_(at));
                Err(Error::new(ErrorKind::IntegerOutOfRange, message))
            }
        }
    }

    /// "at line L column C" for a byte offset (1-based; columns count characters).
    fn where_(&self, at: usize) -> String {
        let before = &self.text.as_bytes()[..at.min(self.bytes.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
        format!("at line {line} column {column}")
    }

    #[cold]
    fn syntax(&self, reason: &str, at: usize) -> Error {
        Error::new(
            ErrorKind::InvalidValue,
            format!("JSON syntax: {reason} {}", self.where_(at)),
        )
    }
}

/// A closed object: bytes when it is exactly `{"__bytes__": "<string>"}` (standard base64 with padding, nothing
/// else: no whitespace, no stray bits), else a map.
fn close_object(map: Map) -> Result<Value> {
    if let [(key, Value::Str(text))] = map.entries() {
        if key == BYTES_KEY {
            return match base64::engine::general_purpose::STANDARD.decode(text) {
                Ok(bytes) => Ok(Value::Bin(Bytes::from(bytes))),
                Err(_) => {
                    let message = format!("{BYTES_KEY} must be a standard base64 string with padding");
                    Err(Error::new(ErrorKind::InvalidValue, message))
                }
            };
        }
    }
    Ok(Value::Map(map))
}

fn abbreviate(s: &str) -> String {
    if s.len() > 40 {
        format!("{}…", &s[..40])
    } else {
        s.to_owned()
    }
}
