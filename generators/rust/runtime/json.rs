//! The JSON form of a VMP value (spec §9): the JSON text users author and read, shared by every binding and the
//! CLI. Same structure as the value, compact, bytes as `{"__bytes__": "<base64>"}`, ZData as its map.
//!
//! [`to_json`] and [`from_json`] work on raw values, without a schema; a conversion through a type (a float field
//! holding `2` reads as 2.0, §9.4) is `codec::check`'s job after [`from_json`], and ZData in free-form positions is
//! detected there too.
//!
//! Why not serde_json here: (1) integers must be exact over -2^63..2^64-1 and anything else `IntegerOutOfRange`,
//! while serde_json's `Value` turns a wider integer into a rounded f64 unless the crate-global
//! `arbitrary_precision` feature is on (which would change serde_json for every user of the crate graph);
//! (2) the spec needs `1` and `1.0` apart (integer vs float64), entry order kept and repeated member names
//! rejected as `DuplicateKey` with the path of the object, which serde_json's `Value` (last one wins) does not
//! give; (3) floats must print as ECMAScript's `Number.prototype.toString` (`1e+21`, `1e-7`, `1.0`, `-0.0`) where
//! serde_json prints Rust's forms (`1e21`, `1.0e-7`), and non-finite floats must be `InvalidValue` rather than
//! `null`; (4) errors must use the VMP taxonomy with paths. The parser and printer below are small and exact.

use std::collections::HashSet;

use base64::Engine;
use bytes::Bytes;

use super::error::{Error, ErrorKind, PathSeg, Result};
use super::value::{Map, Value, INT_MAX, INT_MIN};
use super::wire::enter;

/// The key that marks bytes when it is an object's only member, holding a string (vrpc-py's JSONSerializer).
pub const BYTES_KEY: &str = "__bytes__";

/// Objects switch from a linear duplicate check to a hash set once they hold this many members.
const HASHED_KEYS_FROM: usize = 16;

// ---------------------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------------------

/// The JSON form of `value` (spec §9.1, §9.2): compact, members in entry order, strings escaped as
/// `JSON.stringify` does, integers with all their digits, floats as ECMAScript prints them (with `.0` when they
/// would look integral; a float32 as its exact float64 widening), bytes as `{"__bytes__":"<base64>"}`, ZData as
/// its canonical map.
///
/// Errors: a NaN or infinite float is `InvalidValue`; so is a map whose only entry is a string under
/// `__bytes__` (it would read back as bytes, §9.3); more than 512 nested containers is `DepthExceeded`.
pub fn to_json(value: &Value) -> Result<String> {
    let mut out = String::new();
    write(&mut out, value, 0)?;
    Ok(out)
}

fn write(out: &mut String, value: &Value, depth: usize) -> Result<()> {
    match value {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::F32(f) => push_float(out, f64::from(*f), "float32")?,
        Value::F64(f) => push_float(out, *f, "float64")?,
        Value::Str(s) => push_js_string(out, s),
        Value::Bin(b) => push_bytes(out, b),
        Value::Array(items) => {
            enter(depth)?;
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, item, depth + 1).map_err(|e| e.in_index(i))?;
            }
            out.push(']');
        }
        Value::Map(map) => {
            enter(depth)?;
            write_map(out, map, depth)?;
        }
        Value::ZData(z) => {
            enter(depth)?;
            write_map(out, &z.to_map(), depth)?;
        }
    }
    Ok(())
}

fn write_map(out: &mut String, map: &Map, depth: usize) -> Result<()> {
    if let [(key, Value::Str(_))] = map.entries() {
        if key == BYTES_KEY {
            let message =
                format!("a map whose only entry is a string under {BYTES_KEY} has no JSON form (it reads as bytes)");
            return Err(Error::new(ErrorKind::InvalidValue, message));
        }
    }
    out.push('{');
    for (i, (key, item)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_js_string(out, key);
        out.push(':');
        write(out, item, depth + 1).map_err(|e| e.in_key(key))?;
    }
    out.push('}');
    Ok(())
}

fn push_bytes(out: &mut String, b: &[u8]) {
    out.push_str("{\"");
    out.push_str(BYTES_KEY);
    out.push_str("\":\"");
    base64::engine::general_purpose::STANDARD.encode_string(b, out);
    out.push_str("\"}");
}

fn push_float(out: &mut String, x: f64, width: &str) -> Result<()> {
    if !x.is_finite() {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            format!("{width} {x} has no JSON form"),
        ));
    }
    push_js_number(out, x);
    Ok(())
}

/// Writes `s` as a JSON string the way ECMAScript's `JSON.stringify` does (spec §9.2).
pub fn push_js_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes a finite float64 as ECMAScript's `Number.prototype.toString` does (the shortest decimal that reads back
/// to the same float64, in JavaScript's choice of plain or exponent notation), with `.0` appended when that text
/// has neither `.` nor `e` (spec §9.2): `1.0`, `0.1`, `1e+21`, `1e-7`, `-0.0`.
pub fn push_js_number(out: &mut String, x: f64) {
    if x == 0.0 {
        out.push_str(if x.is_sign_negative() { "-0.0" } else { "0.0" });
        return;
    }
    if x < 0.0 {
        out.push('-');
    }
    let (digits, n) = shortest_digits(x.abs());
    let k = digits.len() as i64;
    let start = out.len();
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.push_str(&"0".repeat((n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.push_str(&"0".repeat((-n) as usize));
        out.push_str(&digits);
    } else {
        let e = n - 1;
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if e >= 0 { '+' } else { '-' });
        out.push_str(&e.abs().to_string());
    }
    if !out[start..].contains(['.', 'e']) {
        out.push_str(".0");
    }
}

/// The shortest decimal digits that read back as `x` (finite, > 0) and `n` such that `x` ≈ 0.digits × 10^n, chosen
/// as ECMAScript's Number::toString chooses them (ECMA-262 §6.1.6.1.20): fewest digits, then the candidate closest
/// to `x`, then, on an exact tie, the even one.
fn shortest_digits(x: f64) -> (String, i64) {
    // Rust's `{:e}` gives the shortest round-trip digits, closest to `x`: `d.ddde±x`. It breaks exact ties
    // upwards where ECMAScript picks the even candidate, so ties are redone below.
    let split = |sci: &str| -> (String, i64) {
        let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci, "0"));
        (
            mantissa.chars().filter(|c| *c != '.').collect(),
            exponent.parse::<i64>().unwrap_or(0) + 1,
        )
    };
    let (digits, n) = split(&format!("{x:e}"));
    // Two k-digit candidates can both read back as `x` only near the precision of a float64 (15-17 digits).
    if digits.len() < 14 {
        return (digits, n);
    }
    // `x`'s exact decimal expansion (a float64 has at most 767 significant digits): a tie means it has exactly one
    // digit more than the shortest form, a 5.
    let (exact, exact_n) = split(&format!("{x:.800e}"));
    let exact = exact.trim_end_matches('0');
    if exact.len() != digits.len() + 1 || !exact.ends_with('5') {
        return (digits, n);
    }
    let lower = &exact[..digits.len()];
    let (even, even_n) = if lower.as_bytes().last().is_some_and(|d| d % 2 == 0) {
        (lower.to_owned(), exact_n)
    } else {
        increment(lower, exact_n)
    };
    // Keep the even candidate only if it reads back as `x` (at a power of 2 the two neighbours are not symmetric).
    if format!("0.{even}e{even_n}").parse::<f64>().ok() == Some(x) {
        return (even, even_n);
    }
    (digits, n)
}

/// `0.digits × 10^n` plus one unit in the last digit, as shortest digits (trailing zeros dropped).
fn increment(digits: &str, n: i64) -> (String, i64) {
    let mut bytes = digits.as_bytes().to_vec();
    let mut i = bytes.len();
    while i > 0 {
        i -= 1;
        if bytes[i] == b'9' {
            bytes[i] = b'0';
        } else {
            bytes[i] += 1;
            let text = String::from_utf8_lossy(&bytes).trim_end_matches('0').to_owned();
            return (text, n);
        }
    }
    ("1".to_owned(), n + 1) // all nines: 0.99…9 + 1 unit = 0.1 × 10^(n+1)
}

// ---------------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------------

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
                        map.push_unique(key, value);
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
            Some(b'"') => Value::Str(self.string()?),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn js(x: f64) -> String {
        let mut s = String::new();
        push_js_number(&mut s, x);
        s
    }

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::Map(entries.iter().map(|(k, v)| (*k, v.clone())).collect())
    }

    fn fails(text: &str, kind: ErrorKind, path: &str) {
        let e = from_json(text).expect_err(text);
        assert_eq!((e.kind(), e.path_string().as_str()), (kind, path), "{text}: {e}");
    }

    #[test]
    fn floats_print_as_ecmascript_does() {
        // Spec §9.2 item 4 and ECMAScript's Number::toString cases.
        let cases: &[(f64, &str)] = &[
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (1e300, "1e+300"),
            (2.0, "2.0"),
            (1.5, "1.5"),
            (-1.5, "-1.5"),
            (100.0, "100.0"),
            (123.456, "123.456"),
            (1e20, "100000000000000000000.0"),
            (1.2345678901234568e20, "123456789012345680000.0"),
            (1.5e21, "1.5e+21"),
            (1e-6, "0.000001"),
            (1.5e-6, "0.0000015"),
            (1.5e-7, "1.5e-7"),
            (1_700_000_000_000.0, "1700000000000.0"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (0.30000000000000004, "0.30000000000000004"),
            (-123e-20, "-1.23e-18"),
            // Exact ties between two shortest candidates go to the even one, as in JavaScript (float32 widenings).
            (f64::from(659.930_5_f32), "659.9304809570312"),
            (f64::from(974.826_5_f32), "974.8264770507812"),
        ];
        for &(x, text) in cases {
            assert_eq!(js(x), text, "{x:e}");
        }
    }

    #[test]
    fn tie_breaking_increments_decimally() {
        assert_eq!(increment("1234", 2), ("1235".to_owned(), 2));
        assert_eq!(increment("1299", 2), ("13".to_owned(), 2));
        assert_eq!(increment("999", 2), ("1".to_owned(), 3));
    }

    #[test]
    fn values_print_in_the_json_form() {
        let v = map(&[
            ("nil", Value::Nil),
            ("t", true.into()),
            ("max", Value::Int(INT_MAX)),
            ("min", Value::Int(INT_MIN)),
            ("f64", Value::F64(2.0)),
            ("f32", Value::F32(0.1)),
            ("s", "q\"\\\u{8}\u{c}\n\r\t\u{1}\u{1f}é😀/".into()),
            ("bin", Value::Bin(Bytes::from_static(&[0xff, 0xd8, 0xff, 0xd9]))),
            ("empty", Value::Bin(Bytes::new())),
            ("a", Value::Array(vec![Value::Array(vec![]), Value::Map(Map::new())])),
        ]);
        let text = concat!(
            r#"{"nil":null,"t":true,"max":18446744073709551615,"min":-9223372036854775808,"f64":2.0,"#,
            r#""f32":0.10000000149011612,"s":"q\"\\\b\f\n\r\t\u0001\u001fé😀/","bin":{"__bytes__":"/9j/2Q=="},"#,
            r#""empty":{"__bytes__":""},"a":[[],{}]}"#
        );
        assert_eq!(to_json(&v).expect("prints"), text);
        // Reading it back gives the same value except for the float32's width (§9.4).
        let back = from_json(text).expect("reads");
        let mut expected = v.clone();
        if let Some(m) = expected.as_map_mut() {
            m.insert("f32", Value::F64(f64::from(0.1f32)));
        }
        assert_eq!(back, expected);
    }

    #[test]
    fn spec_9_5_examples() {
        let set = r#"{"ts":1700000000000,"etype":"SET","data":{"tag":"Scene","key":"root","children":[]}}"#;
        let v = from_json(set).expect("reads");
        assert_eq!(v.get("ts"), Some(&Value::Int(1_700_000_000_000)));
        assert_eq!(
            v.get("data")
                .and_then(|d| d.as_map())
                .map(|m| m.keys().collect::<Vec<_>>()),
            Some(vec!["tag", "key", "children"])
        );
        assert_eq!(to_json(&v).expect("prints"), set);
        let camera = r#"{"dpr":2.0,"width":640,"height":480,"frame":{"__bytes__":"/9j/2Q=="}}"#;
        let v = from_json(camera).expect("reads");
        assert_eq!(v.get("dpr"), Some(&Value::F64(2.0)));
        assert_eq!(
            v.get("frame"),
            Some(&Value::Bin(Bytes::from_static(&[0xff, 0xd8, 0xff, 0xd9])))
        );
        assert_eq!(to_json(&v).expect("prints"), camera);
    }

    #[test]
    fn numbers_read_exactly() {
        assert_eq!(from_json("18446744073709551615").expect("max"), Value::Int(INT_MAX));
        assert_eq!(from_json("-9223372036854775808").expect("min"), Value::Int(INT_MIN));
        assert_eq!(from_json("-0").expect("-0"), Value::Int(0));
        assert_eq!(from_json("1.0").expect("1.0"), Value::F64(1.0));
        assert_eq!(from_json("1e2").expect("1e2"), Value::F64(100.0));
        assert_eq!(from_json("-0.0").expect("-0.0"), Value::F64(-0.0));
        assert_eq!(from_json(" 1E-7 ").expect("1E-7"), Value::F64(1e-7));
        assert_eq!(from_json("0.1").expect("0.1"), Value::F64(0.1));
        assert_eq!(from_json("1e-400").expect("underflow"), Value::F64(0.0));
        fails("18446744073709551616", ErrorKind::IntegerOutOfRange, "(root)");
        fails("-9223372036854775809", ErrorKind::IntegerOutOfRange, "(root)");
        fails(&"9".repeat(100), ErrorKind::IntegerOutOfRange, "(root)");
        fails("[0, 1e400]", ErrorKind::InvalidValue, "[1]");
        for bad in [
            "01", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "NaN", "Infinity", "1.5.2",
        ] {
            fails(bad, ErrorKind::InvalidValue, "(root)");
        }
        // A number is the longest valid prefix; the rest is a separator error of the container, as in the
        // TypeScript and Python bindings.
        fails(r#"{"a":1.}"#, ErrorKind::InvalidValue, "(root)");
        fails(r#"{"a":[01]}"#, ErrorKind::InvalidValue, "a");
        fails(r#"{"a":-}"#, ErrorKind::InvalidValue, "a");
    }

    #[test]
    fn objects_keep_order_and_refuse_duplicates() {
        let v = from_json(r#"{"b":1,"a":2,"0":3,"$x":4}"#).expect("reads");
        assert_eq!(
            v.as_map().expect("map").keys().collect::<Vec<_>>(),
            ["b", "a", "0", "$x"]
        );
        fails(r#"{"a":1,"a":2}"#, ErrorKind::DuplicateKey, "(root)");
        fails(r#"{"a":{"x":null,"x":null}}"#, ErrorKind::DuplicateKey, "a");
        fails(r#"[{"a":1,"b":2,"a":3}]"#, ErrorKind::DuplicateKey, "[0]");
        let many: Vec<String> = (0..40).map(|i| format!("\"k{i}\":{i}")).collect();
        let big = format!("{{{},\"k0\":0}}", many.join(","));
        fails(&big, ErrorKind::DuplicateKey, "(root)");
        assert_eq!(
            from_json(&format!("{{{}}}", many.join(",")))
                .expect("40 keys")
                .as_map()
                .map(Map::len),
            Some(40)
        );
    }

    #[test]
    fn bytes_form() {
        assert_eq!(
            from_json(r#"{"__bytes__":"AQID"}"#).expect("bytes"),
            Value::Bin(Bytes::from_static(&[1, 2, 3]))
        );
        assert_eq!(
            from_json(r#"{"__bytes__":""}"#).expect("empty"),
            Value::Bin(Bytes::new())
        );
        for bad in [
            r#"{"__bytes__":"AQI"}"#,
            r#"{"__bytes__":"AQ=="x"#,
            r#"{"__bytes__":"AQJ="}"#,
            r#"{"__bytes__":"A QID"}"#,
        ] {
            let e = from_json(bad).expect_err(bad);
            assert_eq!(e.kind(), ErrorKind::InvalidValue, "{bad}");
        }
        fails(r#"{"x":[{"__bytes__":"*"}]}"#, ErrorKind::InvalidValue, "x[0]");
        // Only an object with exactly that one string member is bytes (§9.3).
        let two = from_json(r#"{"__bytes__":"AQID","x":1}"#).expect("map");
        assert!(matches!(two, Value::Map(_)));
        let num = from_json(r#"{"__bytes__":1}"#).expect("map");
        assert_eq!(num, map(&[("__bytes__", Value::Int(1))]));
        assert_eq!(to_json(&num).expect("prints"), r#"{"__bytes__":1}"#);
        let e = to_json(&map(&[("__bytes__", "AQID".into())])).expect_err("no JSON form");
        assert_eq!(e.kind(), ErrorKind::InvalidValue);
    }

    #[test]
    fn strings_and_surrogates() {
        assert_eq!(
            from_json(r#""\ud83d\ude00 \u00e9\u0000\/""#).expect("pair"),
            Value::Str("😀 é\u{0}/".into())
        );
        assert_eq!(from_json("\u{feff}\"x\"").expect("BOM"), Value::Str("x".into()));
        fails(r#""\ud83d""#, ErrorKind::InvalidUtf8, "(root)");
        fails(r#""\ude00""#, ErrorKind::InvalidUtf8, "(root)");
        fails(r#""\ud83dx""#, ErrorKind::InvalidUtf8, "(root)");
        fails(r#""\ud83d\u0041""#, ErrorKind::InvalidUtf8, "(root)");
        fails(r#"{"k":["\udc00"]}"#, ErrorKind::InvalidUtf8, "k[0]");
        fails(r#"{"\udc00":1}"#, ErrorKind::InvalidUtf8, "(root)");
        fails("\"a\nb\"", ErrorKind::InvalidValue, "(root)");
        fails(r#""\x""#, ErrorKind::InvalidValue, "(root)");
        fails(r#""\u12""#, ErrorKind::InvalidValue, "(root)");
        fails(r#""abc"#, ErrorKind::InvalidValue, "(root)");
        // A syntax error later in the same string wins over a lone surrogate (the other bindings check surrogates
        // once the string is read).
        fails(r#"["\ud83d\x"]"#, ErrorKind::InvalidValue, "[0]");
        fails(r#"["\ud83d\u0041", 1]"#, ErrorKind::InvalidUtf8, "[0]");
    }

    #[test]
    fn syntax_errors_are_invalid_value() {
        for bad in [
            "",
            " ",
            "[1,]",
            "[1 2]",
            "{\"a\" 1}",
            "{a:1}",
            "{\"a\":1,}",
            "[1]]",
            "tru",
            "nulll",
            "{\"a\":}",
        ] {
            let e = from_json(bad).expect_err(bad);
            assert_eq!(e.kind(), ErrorKind::InvalidValue, "{bad:?}: {e}");
        }
        let e = from_json("[\n  1,\n  x]").expect_err("x");
        assert!(e.message().ends_with("at line 3 column 3"), "{}", e.message());
        assert_eq!(e.path_string(), "[1]");
    }

    #[test]
    fn depth_is_limited_both_ways() {
        let ok = format!("{}{}", "[".repeat(512), "]".repeat(512));
        assert!(from_json(&ok).is_ok());
        fails(
            &format!("{}{}", "[".repeat(513), "]".repeat(513)),
            ErrorKind::DepthExceeded,
            &"[0]".repeat(512),
        );
        fails(&"[".repeat(100_000), ErrorKind::DepthExceeded, &"[0]".repeat(512));
        fails(
            &"{\"a\":".repeat(100_000),
            ErrorKind::DepthExceeded,
            &vec!["a"; 512].join("."),
        );
        let mut v = Value::Nil;
        for _ in 0..513 {
            v = Value::Array(vec![v]);
        }
        assert_eq!(to_json(&v).expect_err("too deep").kind(), ErrorKind::DepthExceeded);
    }

    #[test]
    fn non_finite_floats_have_no_json_form() {
        for v in [
            Value::F64(f64::NAN),
            Value::F64(f64::INFINITY),
            Value::F32(f32::NEG_INFINITY),
        ] {
            let e = to_json(&map(&[("a", Value::Array(vec![v]))])).expect_err("non-finite");
            assert_eq!((e.kind(), e.path_string().as_str()), (ErrorKind::InvalidValue, "a[0]"));
        }
    }
}
