//! The conformance testee of the Rust binding: the testee protocol (conformance/README.md) on stdin/stdout,
//! answered with the crate's own API. `vmp conformance --lang rs` runs it as `generated/rust/target/release/vmp-testee`.
//!
//! Hand-written: the generator copies this file into the crate as src/bin/vmp-testee.rs. The crate's
//! tests/conformance.rs includes it as a module and runs every vector through [`respond`], so the items it uses are
//! `pub(crate)`.
//!
//! The binding's part of the job is here too: mapping its values to typed JSON (conformance/VECTORS.md) and back.
//! Rust keeps what typed JSON says natively ([`Value`] has integers, float32 apart from float64 with their bits, bin
//! and ordered maps), so the mapping is one-to-one; decoded values are already canonical because the checker
//! canonicalises them (float fields at their width, records in schema order). ZData is reported as its canonical
//! map ([`vmp_protocol::ZData::to_map`]); a value to encode that holds a ZData map stays a map, and the checker reads it as ZData,
//! as it does on decode.
//!
//! The request JSON is read by a small order-preserving reader of its own rather than `serde_json` (which keeps no
//! key order without a crate-wide feature) or the runtime's `json::from_json` (which reads the spec's JSON form:
//! `{"__bytes__": …}` would turn into bin; `{"$f64": 100000000000000000000}`, which is how JavaScript writes 1e20,
//! would be an integer out of range; and nesting beyond 512 would be an error, while a typed-JSON request
//! legitimately carries a value 512 containers deep inside its envelope).

use std::collections::HashSet;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::panic::{self, AssertUnwindSafe};

use bytes::Bytes;
use indexmap::IndexMap;
use vmp_protocol::runtime::json::push_js_string;
use vmp_protocol::runtime::schema::{Named, Type};
use vmp_protocol::{
    check, decode_as, decode_with, encode, encode_as, DecodeOptions, Error, ToValue, TypeVisitor, Typed, Value,
};

/// The ops this testee implements (hello and quit aside).
const OPS: [&str; 4] = ["decode", "encode", "reencode", "validate"];
/// The options it understands.
const OPTIONS: [&str; 1] = ["strictZType"];
/// Frames are at most 64 MiB, both ways.
const MAX_FRAME: usize = 64 * 1024 * 1024;
/// How deep the request reader nests before it refuses (far beyond the 512 containers of a VMP value).
const MAX_JSON_DEPTH: usize = 4096;
/// The stack of the thread that answers requests: the JSON reader, the typed-JSON mapping and the checker recurse
/// once per container, and a request may hold a value 512 containers deep.
const STACK_SIZE: usize = 256 * 1024 * 1024;
/// The largest integer typed JSON writes as a plain JSON number (2^53-1).
const MAX_SAFE: i128 = (1 << 53) - 1;
const QUIET_NAN_64: u64 = 0x7ff8_0000_0000_0000;
const QUIET_NAN_32: u32 = 0x7fc0_0000;

// ---------------------------------------------------------------------------------------------------------------
// JSON: a small order-preserving reader and the writer's primitives.

/// A JSON value as read from a request: objects keep their members in order, numbers keep their text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    /// The number's text, as written (validated against the JSON grammar).
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// The member `key` of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Num(_) => "a number",
            Json::Str(_) => "a string",
            Json::Arr(_) => "an array",
            Json::Obj(_) => "an object",
        }
    }
}

/// Reads one JSON text (RFC 8259). Duplicate member names are an error (a typed-JSON map has unique keys).
pub(crate) fn parse_json(text: &str) -> Result<Json, String> {
    let mut p = JsonReader {
        s: text.as_bytes(),
        i: 0,
    };
    let v = p.value(0)?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("unexpected text after the JSON value at byte {}", p.i));
    }
    Ok(v)
}

struct JsonReader<'a> {
    s: &'a [u8],
    i: usize,
}

impl JsonReader<'_> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn fail<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("{what} at byte {}", self.i))
    }

    fn literal(&mut self, word: &str, v: Json) -> Result<Json, String> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            self.fail("invalid literal")
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, String> {
        self.ws();
        match self.s.get(self.i) {
            None => self.fail("unexpected end of JSON"),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'"') => self.string().map(Json::Str),
            Some(b'[') => {
                if depth >= MAX_JSON_DEPTH {
                    return self.fail("JSON nested too deeply");
                }
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(Json::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Json::Arr(items));
                        }
                        _ => return self.fail("expected , or ]"),
                    }
                }
            }
            Some(b'{') => {
                if depth >= MAX_JSON_DEPTH {
                    return self.fail("JSON nested too deeply");
                }
                self.i += 1;
                let mut members: Vec<(String, Json)> = Vec::new();
                let mut seen = HashSet::new();
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(Json::Obj(members));
                }
                loop {
                    self.ws();
                    if self.s.get(self.i) != Some(&b'"') {
                        return self.fail("expected a member name");
                    }
                    let key = self.string()?;
                    if !seen.insert(key.clone()) {
                        return self.fail(&format!("duplicate member {key:?}"));
                    }
                    self.ws();
                    if self.s.get(self.i) != Some(&b':') {
                        return self.fail("expected :");
                    }
                    self.i += 1;
                    let v = self.value(depth + 1)?;
                    members.push((key, v));
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Json::Obj(members));
                        }
                        _ => return self.fail("expected , or }"),
                    }
                }
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => self.fail("unexpected character"),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.s.get(self.i) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<Json, String> {
        let start = self.i;
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.s.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return self.fail("invalid number"),
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return self.fail("invalid number");
            }
        }
        if let Some(b'e' | b'E') = self.s.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.s.get(self.i) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return self.fail("invalid number");
            }
        }
        // The bytes are ASCII: the slice is valid UTF-8.
        Ok(Json::Num(String::from_utf8_lossy(&self.s[start..self.i]).into_owned()))
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self
            .s
            .get(self.i..self.i + 4)
            .ok_or_else(|| format!("truncated \\u escape at byte {}", self.i))?;
        let mut n = 0;
        for &d in digits {
            n = n * 16
                + (d as char)
                    .to_digit(16)
                    .ok_or_else(|| format!("invalid \\u escape at byte {}", self.i))?;
        }
        self.i += 4;
        Ok(n)
    }

    fn string(&mut self) -> Result<String, String> {
        self.i += 1; // the opening quote
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(&b) = self.s.get(self.i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // The input is a &str and the run stops only at ASCII bytes, so the run is whole UTF-8.
            out.push_str(std::str::from_utf8(&self.s[start..self.i]).map_err(|e| e.to_string())?);
            match self.s.get(self.i) {
                None => return self.fail("unterminated string"),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = self.s.get(self.i).copied();
                    self.i += 1;
                    match c {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            let hi = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&hi) {
                                if self.s.get(self.i..self.i + 2) != Some(b"\\u") {
                                    return self.fail("lone surrogate in a string");
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xdc00..0xe000).contains(&lo) {
                                    return self.fail("lone surrogate in a string");
                                }
                                0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                            } else {
                                hi
                            };
                            match char::from_u32(code) {
                                Some(ch) => out.push(ch),
                                None => return self.fail("lone surrogate in a string"),
                            }
                        }
                        _ => return self.fail("invalid escape"),
                    }
                }
                Some(_) => return self.fail("control character in a string"),
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

fn from_hex(h: &str) -> Option<Vec<u8>> {
    if !h.len().is_multiple_of(2) {
        return None;
    }
    h.as_bytes()
        .chunks_exact(2)
        .map(|pair| {
            let hi = (pair[0] as char).to_digit(16)?;
            let lo = (pair[1] as char).to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------------------
// Values to typed JSON (decode).

/// A request the testee cannot make sense of (answered as `BadRequest`).
#[derive(Debug, PartialEq)]
pub(crate) struct BadRequest(pub(crate) String);

/// Whether a map key cannot appear in a plain typed-JSON object: a tag, or an integer-like key that JavaScript
/// objects reorder.
fn needs_map_form(key: &str) -> bool {
    key.starts_with('$')
        || key == "0"
        || (!key.starts_with('0') && !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()))
}

/// Appends the typed JSON of an integer: a plain number while safe, else `{"$int": "…"}`.
fn write_int(out: &mut String, n: i128) {
    if (-MAX_SAFE..=MAX_SAFE).contains(&n) {
        out.push_str(&n.to_string());
    } else {
        out.push_str("{\"$int\":\"");
        out.push_str(&n.to_string());
        out.push_str("\"}");
    }
}

/// Appends the body of `{"$f64": …}` for a float64 value that is not a NaN with a payload.
fn write_float_body(out: &mut String, n: f64) {
    if n.is_nan() {
        out.push_str("\"NaN\"");
    } else if n.is_infinite() {
        out.push_str(if n > 0.0 { "\"Infinity\"" } else { "\"-Infinity\"" });
    } else if n == 0.0 && n.is_sign_negative() {
        out.push_str("\"-0\"");
    } else {
        // Debug prints the shortest text that reads back to the same f64, with an exponent where it is long
        // (`1e300`, `5e-324`): always a valid JSON number.
        out.push_str(&format!("{n:?}"));
    }
}

/// Appends the typed JSON of a float64 with exactly these bits.
fn write_f64(out: &mut String, n: f64) {
    if n.is_nan() && n.to_bits() != QUIET_NAN_64 {
        out.push_str(&format!("{{\"$f64bits\":\"{:016x}\"}}", n.to_bits()));
    } else {
        out.push_str("{\"$f64\":");
        write_float_body(out, n);
        out.push('}');
    }
}

/// Appends the typed JSON of a float32 with exactly these bits. The number is the float32's exact value, printed
/// as the shortest float64 text (what JavaScript writes for it), so readers that check exactness accept it.
fn write_f32(out: &mut String, n: f32) {
    if n.is_nan() && n.to_bits() != QUIET_NAN_32 {
        out.push_str(&format!("{{\"$f32bits\":\"{:08x}\"}}", n.to_bits()));
    } else {
        out.push_str("{\"$f32\":");
        write_float_body(out, f64::from(n));
        out.push('}');
    }
}

fn write_map(out: &mut String, entries: &[(String, Value)]) {
    let map_form = entries.iter().any(|(k, _)| needs_map_form(k));
    if map_form {
        out.push_str("{\"$map\":[");
        for (i, (k, v)) in entries.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('[');
            push_js_string(out, k);
            out.push(',');
            write_value(out, v);
            out.push(']');
        }
        out.push_str("]}");
    } else {
        out.push('{');
        for (i, (k, v)) in entries.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_js_string(out, k);
            out.push(':');
            write_value(out, v);
        }
        out.push('}');
    }
}

/// Appends the typed JSON of a decoded value. ZData is its canonical map (spec §7).
fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) => write_int(out, *n),
        Value::F32(n) => write_f32(out, *n),
        Value::F64(n) => write_f64(out, *n),
        Value::Str(s) => push_js_string(out, s),
        Value::Bin(b) => {
            out.push_str("{\"$bin\":\"");
            out.push_str(&hex(b));
            out.push_str("\"}");
        }
        Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, x);
            }
            out.push(']');
        }
        Value::Map(m) => write_map(out, m.entries()),
        Value::ZData(z) => write_map(out, z.to_map().entries()),
    }
}

/// The typed JSON of a decoded value, as text.
fn typed_json(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v);
    out
}

// ---------------------------------------------------------------------------------------------------------------
// Typed JSON to values (encode).

/// A map's entries while they are read: an `IndexMap` finds a repeated key in constant time (`Map::insert` looks
/// linearly, and a vector holds a map of 65536 entries), and its `ToValue` makes the ordered [`vmp_protocol::Map`].
type Entries = IndexMap<String, Value>;

/// A typed-JSON value as a [`Value`]. Maps (ZData maps included) stay maps: the checker reads ZData out of them.
pub(crate) fn from_typed(j: &Json) -> Result<Value, BadRequest> {
    match j {
        Json::Null => Ok(Value::Nil),
        Json::Bool(b) => Ok(Value::Bool(*b)),
        Json::Str(s) => Ok(Value::Str(s.clone())),
        Json::Num(text) => {
            if text.contains(['.', 'e', 'E']) {
                return Err(BadRequest(format!(
                    "{text} is not a typed-JSON integer (floats are {{\"$f64\": …}})"
                )));
            }
            int_text(text)
        }
        Json::Arr(items) => items
            .iter()
            .map(from_typed)
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Json::Obj(members) => {
            if let [(tag, body)] = members.as_slice() {
                if tag == "$map" {
                    return map_pairs(body);
                }
                if tag.starts_with('$') {
                    return tagged(tag, body);
                }
            }
            // The reader refused duplicate members.
            let mut map = Entries::with_capacity(members.len());
            for (k, x) in members {
                map.insert(k.clone(), from_typed(x)?);
            }
            Ok(map.to_value())
        }
    }
}

fn int_text(text: &str) -> Result<Value, BadRequest> {
    text.parse::<i128>()
        .map(Value::Int)
        .map_err(|_| BadRequest(format!("integer {text} is out of range")))
}

/// `{"$map": [[key, value], …]}`.
fn map_pairs(body: &Json) -> Result<Value, BadRequest> {
    let bad = || BadRequest("$map takes [key, value] pairs".to_owned());
    let Json::Arr(pairs) = body else { return Err(bad()) };
    let mut map = Entries::with_capacity(pairs.len());
    for pair in pairs {
        let Json::Arr(kv) = pair else { return Err(bad()) };
        let [Json::Str(k), x] = kv.as_slice() else {
            return Err(bad());
        };
        if map.insert(k.clone(), from_typed(x)?).is_some() {
            return Err(BadRequest(format!("$map repeats the key {k:?}")));
        }
    }
    Ok(map.to_value())
}

/// A float's number: a JSON number or one of the special strings.
fn float_number(tag: &str, body: &Json) -> Result<f64, BadRequest> {
    match body {
        Json::Num(text) => text
            .parse::<f64>()
            .map_err(|_| BadRequest(format!("{tag}: {text} is not a number"))),
        Json::Str(s) => match s.as_str() {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            "-0" => Ok(-0.0),
            _ => Err(BadRequest(format!(
                "{tag} takes a number or \"NaN\", \"Infinity\", \"-Infinity\", \"-0\""
            ))),
        },
        _ => Err(BadRequest(format!(
            "{tag} takes a number or \"NaN\", \"Infinity\", \"-Infinity\", \"-0\""
        ))),
    }
}

/// The bits of `$f64bits`/`$f32bits`: exactly `digits` lower-case hex digits.
fn float_bits(tag: &str, body: &Json, digits: usize) -> Result<u64, BadRequest> {
    match body {
        Json::Str(s) if s.len() == digits && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) => {
            u64::from_str_radix(s, 16).map_err(|_| BadRequest(format!("{tag} takes {digits} hex digits")))
        }
        _ => Err(BadRequest(format!("{tag} takes {digits} hex digits"))),
    }
}

fn tagged(tag: &str, body: &Json) -> Result<Value, BadRequest> {
    match tag {
        "$int" => match body {
            Json::Str(s) if is_decimal(s) => int_text(s),
            _ => Err(BadRequest("$int takes a decimal string".to_owned())),
        },
        "$f64" => float_number(tag, body).map(Value::F64),
        // Typed JSON's float32 numbers are exactly representable; `as` rounds to nearest for any other.
        "$f32" => float_number(tag, body).map(|n| Value::F32(n as f32)),
        "$f64bits" => float_bits(tag, body, 16).map(|bits| Value::F64(f64::from_bits(bits))),
        "$f32bits" => float_bits(tag, body, 8)
            .and_then(|bits| u32::try_from(bits).map_err(|_| BadRequest("$f32bits takes 8 hex digits".to_owned())))
            .map(|bits| Value::F32(f32::from_bits(bits))),
        "$bin" => match body {
            Json::Str(s) => from_hex(s)
                .map(|b| Value::Bin(Bytes::from(b)))
                .ok_or_else(|| BadRequest("$bin must be hex".to_owned())),
            _ => Err(BadRequest("$bin must be hex".to_owned())),
        },
        _ => {
            let mut name = String::new();
            push_js_string(&mut name, tag);
            Err(BadRequest(format!("unknown typed-JSON tag {name}")))
        }
    }
}

/// `-?(0|[1-9][0-9]*)`.
fn is_decimal(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && (digits == "0" || !digits.starts_with('0'))
}

// ---------------------------------------------------------------------------------------------------------------
// The ops.

/// What an op does once the type is known.
enum Job {
    Decode(Bytes),
    Validate(Bytes),
    Reencode(Bytes),
    Encode(Value),
}

/// What an op produced.
enum Outcome {
    Value(Value),
    Hex(Vec<u8>),
    Ok,
}

/// Why an op failed.
enum Failure {
    Vmp(Error),
    Bad(BadRequest),
    /// A failure of the testee itself, not of the binding's input.
    Internal(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Vmp(e)
    }
}

impl From<BadRequest> for Failure {
    fn from(e: BadRequest) -> Self {
        Failure::Bad(e)
    }
}

/// Runs a job through a generated Rust type: `decode_with::<T>` and `encode(&T)`, so the conformance cases exercise
/// the generated structs' `FromValue`/`ToValue` as well as the checker. The job stays in the caller's slot until the
/// visitor runs: `visit_type` consumes its visitor and calls it only when the type has a Rust type, and otherwise
/// the caller runs the job on values.
struct ThroughType<'a> {
    slot: &'a mut Option<Job>,
    options: &'a DecodeOptions,
}

impl TypeVisitor for ThroughType<'_> {
    type Output = Result<Outcome, Failure>;

    fn visit<T: Typed>(self) -> Self::Output {
        let Some(job) = self.slot.take() else {
            return Err(Failure::Internal("the testee's job was run twice".to_owned()));
        };
        let (ty, options) = (Type::Named(T::TYPE), self.options);
        Ok(match job {
            // The struct's value, checked again: what a user of the struct holds, in canonical form.
            Job::Decode(frame) => Outcome::Value(check(ty, decode_with::<T>(frame, options)?.to_value(), options)?),
            Job::Validate(frame) => decode_with::<T>(frame, options).map(|_| Outcome::Ok)?,
            Job::Reencode(frame) => Outcome::Hex(encode(&decode_with::<T>(frame, options)?)?),
            Job::Encode(value) => Outcome::Hex(encode(&T::from_value(check(ty, value, options)?)?)?),
        })
    }
}

/// Runs a job on [`Value`]s as `ty` (`any`, and named types without a Rust type of their own: aliases).
fn through_value(ty: Type, job: Job, options: &DecodeOptions) -> Result<Outcome, Error> {
    match job {
        Job::Decode(frame) => decode_as(ty, frame, options).map(Outcome::Value),
        Job::Validate(frame) => decode_as(ty, frame, options).map(|_| Outcome::Ok),
        Job::Reencode(frame) => encode_as(ty, decode_as(ty, frame, options)?, options).map(Outcome::Hex),
        Job::Encode(value) => encode_as(ty, value, options).map(Outcome::Hex),
    }
}

/// The frame of a request's `hex`.
fn frame_of(request: &Json) -> Result<Bytes, BadRequest> {
    match request.get("hex") {
        Some(Json::Str(h)) => from_hex(h)
            .map(Bytes::from)
            .ok_or_else(|| BadRequest("hex must be hex".to_owned())),
        _ => Err(BadRequest("hex must be hex".to_owned())),
    }
}

/// The response to one request, as JSON text.
fn answer(request: &Json) -> Result<String, Failure> {
    let op = match request.get("op") {
        Some(Json::Str(op)) => op.as_str(),
        other => {
            let mut text = String::new();
            push_js_string(&mut text, &format!("unknown op {}", other.map_or("(none)", Json::kind)));
            return Ok(format!("{{\"ok\":false,\"skipped\":{text}}}"));
        }
    };
    if op == "hello" {
        let mut out = String::from("{\"ok\":true,\"name\":\"vmp-protocol\",\"version\":");
        push_js_string(&mut out, env!("CARGO_PKG_VERSION"));
        out.push_str(",\"ops\":[\"decode\",\"encode\",\"reencode\",\"validate\"]}");
        return Ok(out);
    }
    if !OPS.contains(&op) {
        let mut text = String::new();
        push_js_string(&mut text, &format!("unknown op {op:?}"));
        return Ok(format!("{{\"ok\":false,\"skipped\":{text}}}"));
    }
    let options = match request.get("options") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Obj(members)) => members.clone(),
        Some(other) => return Err(BadRequest(format!("options must be an object, not {}", other.kind())).into()),
    };
    if let Some((k, _)) = options.iter().find(|(k, _)| !OPTIONS.contains(&k.as_str())) {
        let mut text = String::new();
        push_js_string(&mut text, &format!("option {k} is not supported"));
        return Ok(format!("{{\"ok\":false,\"skipped\":{text}}}"));
    }
    let strict_ztype = options
        .iter()
        .any(|(k, v)| k == "strictZType" && *v == Json::Bool(true));
    let decode_options = DecodeOptions {
        strict_ztype,
        ..DecodeOptions::default()
    };

    let type_name = match request.get("type") {
        Some(Json::Str(t)) => t.as_str(),
        _ => return Err(BadRequest("type must be a string".to_owned()).into()),
    };
    let named: Option<&'static Named> = if type_name == "any" {
        None
    } else {
        Some(vmp_protocol::schema::named(type_name).ok_or_else(|| BadRequest(format!("unknown type {type_name:?}")))?)
    };
    let job = match op {
        "decode" => Job::Decode(frame_of(request)?),
        "validate" => Job::Validate(frame_of(request)?),
        "reencode" => Job::Reencode(frame_of(request)?),
        _ => Job::Encode(from_typed(
            request
                .get("value")
                .ok_or_else(|| BadRequest("encode needs a value".to_owned()))?,
        )?),
    };
    let outcome = match named {
        None => through_value(Type::Any, job, &decode_options)?,
        Some(named) => {
            let mut slot = Some(job);
            let visited = vmp_protocol::schema::visit_type(
                type_name,
                ThroughType {
                    slot: &mut slot,
                    options: &decode_options,
                },
            );
            match (visited, slot) {
                (Some(result), _) => result?,
                (None, Some(job)) => through_value(Type::Named(named), job, &decode_options)?,
                (None, None) => return Err(Failure::Internal("the testee's job was taken but not run".to_owned())),
            }
        }
    };
    Ok(match outcome {
        Outcome::Value(v) => format!("{{\"ok\":true,\"value\":{}}}", typed_json(&v)),
        Outcome::Hex(bytes) => format!("{{\"ok\":true,\"hex\":\"{}\"}}", hex(&bytes)),
        Outcome::Ok => "{\"ok\":true}".to_owned(),
    })
}

fn error_json(kind: &str, path: Option<&str>, message: &str) -> String {
    let mut out = String::from("{\"ok\":false,\"error\":{\"kind\":");
    push_js_string(&mut out, kind);
    if let Some(path) = path {
        out.push_str(",\"path\":");
        push_js_string(&mut out, path);
    }
    out.push_str(",\"message\":");
    push_js_string(&mut out, message);
    out.push_str("}}");
    out
}

/// Answers a request frame's text; never panics (a panic inside the binding is answered as `Internal`).
fn handle(text: &str) -> String {
    match parse_json(text) {
        Ok(request @ Json::Obj(_)) => respond(&request),
        Ok(other) => error_json(
            "BadRequest",
            None,
            &format!("a request must be a JSON object, not {}", other.kind()),
        ),
        Err(e) => error_json("BadRequest", None, &format!("the request is not JSON: {e}")),
    }
}

/// Answers a request object; never panics (a panic inside the binding is answered as `Internal`).
pub(crate) fn respond(request: &Json) -> String {
    match panic::catch_unwind(AssertUnwindSafe(|| answer(request))) {
        Ok(Ok(response)) => response,
        Ok(Err(Failure::Vmp(e))) => error_json(e.kind().as_str(), Some(&e.path_string()), e.message()),
        Ok(Err(Failure::Bad(BadRequest(message)))) => error_json("BadRequest", None, &message),
        Ok(Err(Failure::Internal(message))) => error_json("Internal", None, &message),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_owned());
            error_json("Internal", None, &format!("panic: {what}"))
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Framing: a 4-byte little-endian length, then that many bytes of UTF-8 JSON, both ways.

/// Reads one request frame's body; `Ok(None)` at a clean end of input.
fn read_frame(input: &mut impl Read) -> Result<Option<Vec<u8>>, String> {
    let mut head = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match input.read(&mut head[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err(format!("input ended inside a frame header ({got} bytes)")),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("cannot read stdin: {e}")),
        }
    }
    let n = u32::from_le_bytes(head) as usize;
    if n > MAX_FRAME {
        return Err(format!("request frame of {n} bytes is over the limit of {MAX_FRAME}"));
    }
    let mut body = vec![0u8; n];
    input
        .read_exact(&mut body)
        .map_err(|e| format!("input ended inside a frame of {n} bytes: {e}"))?;
    Ok(Some(body))
}

fn write_frame(output: &mut impl Write, body: &str) -> io::Result<()> {
    let n = u32::try_from(body.len()).map_err(|_| io::Error::other("response frame over 4 GiB"))?;
    output.write_all(&n.to_le_bytes())?;
    output.write_all(body.as_bytes())?;
    output.flush()
}

/// The protocol loop: returns the exit code (0 on quit or end of input, 2 on a broken stream).
fn serve(input: &mut impl Read, output: &mut impl Write) -> i32 {
    loop {
        let body = match read_frame(input) {
            Ok(Some(body)) => body,
            Ok(None) => return 0,
            Err(e) => {
                eprintln!("vmp-protocol testee: {e}");
                return 2;
            }
        };
        let response = match std::str::from_utf8(&body) {
            Err(e) => error_json("BadRequest", None, &format!("the request is not UTF-8: {e}")),
            Ok(text) => {
                if is_quit(text) {
                    return 0;
                }
                let mut response = handle(text);
                if response.len() > MAX_FRAME {
                    response = error_json(
                        "Internal",
                        None,
                        &format!("response of {} bytes is over the frame limit", response.len()),
                    );
                }
                response
            }
        };
        if let Err(e) = write_frame(output, &response) {
            eprintln!("vmp-protocol testee: cannot write stdout: {e}");
            return 2;
        }
    }
}

/// Whether a request is `{"op": "quit"}`.
fn is_quit(text: &str) -> bool {
    matches!(parse_json(text), Ok(ref r) if r.get("op") == Some(&Json::Str("quit".to_owned())))
}

fn main() {
    // Panics are answered as `Internal`; their default report goes to stderr, which the protocol allows.
    let worker = std::thread::Builder::new()
        .name("testee".to_owned())
        .stack_size(STACK_SIZE)
        .spawn(|| {
            let mut input = BufReader::new(io::stdin().lock());
            let mut output = BufWriter::new(io::stdout().lock());
            serve(&mut input, &mut output)
        });
    let code = match worker.map(|w| w.join()) {
        Ok(Ok(code)) => code,
        Ok(Err(_)) => 3,
        Err(e) => {
            eprintln!("vmp-protocol testee: cannot start: {e}");
            3
        }
    };
    std::process::exit(code);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> Result<Value, BadRequest> {
        from_typed(&parse_json(text).expect("test JSON parses"))
    }

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::Map(entries.iter().cloned().collect())
    }

    #[test]
    fn json_reader_keeps_order_and_number_text() {
        let j = parse_json(r#" {"b": 1, "a": [true, null, -0.5e+3], "0": "x\u00e9\ud83d\ude00\n"} "#).unwrap();
        assert_eq!(
            j,
            Json::Obj(vec![
                ("b".into(), Json::Num("1".into())),
                (
                    "a".into(),
                    Json::Arr(vec![Json::Bool(true), Json::Null, Json::Num("-0.5e+3".into())])
                ),
                ("0".into(), Json::Str("xé😀\n".into())),
            ])
        );
        for bad in [
            "",
            "{",
            "[1,]",
            "01",
            "1.",
            "-",
            "\"\\ud800\"",
            "{\"a\":1,\"a\":2}",
            "nul",
            "1 2",
            "\"\u{1}\"",
        ] {
            assert!(parse_json(bad).is_err(), "{bad:?} must not parse");
        }
        let deep = "[".repeat(600) + &"]".repeat(600);
        assert!(parse_json(&deep).is_ok(), "a request holds values deeper than 512");
    }

    #[test]
    fn typed_json_reads_every_form_of_vectors_md() {
        assert_eq!(typed("null").unwrap(), Value::Nil);
        assert_eq!(typed("-32").unwrap(), Value::Int(-32));
        assert_eq!(
            typed(r#"{"$int": "18446744073709551615"}"#).unwrap(),
            Value::Int(u64::MAX as i128)
        );
        assert_eq!(
            typed(r#"{"$int": "-9223372036854775808"}"#).unwrap(),
            Value::Int(i64::MIN as i128)
        );
        assert_eq!(typed(r#"{"$f64": 1.5}"#).unwrap(), Value::F64(1.5));
        assert_eq!(typed(r#"{"$f64": 1}"#).unwrap(), Value::F64(1.0));
        assert_eq!(typed(r#"{"$f64": 100000000000000000000}"#).unwrap(), Value::F64(1e20));
        assert_eq!(typed(r#"{"$f64": "-0"}"#).unwrap(), Value::F64(-0.0));
        assert_eq!(
            typed(r#"{"$f64": "-Infinity"}"#).unwrap(),
            Value::F64(f64::NEG_INFINITY)
        );
        assert_eq!(
            typed(r#"{"$f64": "NaN"}"#).unwrap(),
            Value::F64(f64::from_bits(QUIET_NAN_64))
        );
        assert_eq!(
            typed(r#"{"$f64bits": "7ff8000000000001"}"#).unwrap(),
            Value::F64(f64::from_bits(0x7ff8_0000_0000_0001))
        );
        assert_eq!(typed(r#"{"$f32": 0.10000000149011612}"#).unwrap(), Value::F32(0.1));
        assert_eq!(
            typed(r#"{"$f32bits": "7fc00001"}"#).unwrap(),
            Value::F32(f32::from_bits(0x7fc0_0001))
        );
        assert_eq!(
            typed(r#"{"$bin": "0102fF"}"#).unwrap(),
            Value::Bin(Bytes::from_static(&[1, 2, 255]))
        );
        assert_eq!(
            typed(r#"{"$map": [["1", 2], ["$x", []]]}"#).unwrap(),
            map(&[("1", Value::Int(2)), ("$x", Value::Array(vec![]))])
        );
        assert_eq!(
            typed(r#"{"b": {"$bin": ""}, "a": "s"}"#).unwrap(),
            map(&[("b", Value::Bin(Bytes::new())), ("a", Value::Str("s".into()))])
        );
        // A ZData map stays a map: the checker reads it as ZData.
        assert_eq!(
            typed(r#"{"ztype": "image", "b": {"$bin": "89"}}"#).unwrap(),
            map(&[
                ("ztype", Value::Str("image".into())),
                ("b", Value::Bin(Bytes::from_static(&[0x89])))
            ])
        );
    }

    #[test]
    fn malformed_typed_json_is_a_bad_request() {
        for bad in [
            "1.5",
            "1e3",
            r#"{"$int": 5}"#,
            r#"{"$int": "05"}"#,
            r#"{"$int": "-"}"#,
            r#"{"$f64": "nan"}"#,
            r#"{"$f64bits": "7FF8000000000000"}"#,
            r#"{"$f32bits": "7fc0000"}"#,
            r#"{"$bin": "abc"}"#,
            r#"{"$bin": "zz"}"#,
            r#"{"$map": [["a"]]}"#,
            r#"{"$map": [[1, 2]]}"#,
            r#"{"$map": [["a", 1], ["a", 2]]}"#,
            r#"{"$set": []}"#,
            "[1, {\"$nope\": 1}]",
        ] {
            assert!(typed(bad).is_err(), "{bad} must be a BadRequest");
        }
    }

    #[test]
    fn values_write_the_shortest_typed_json() {
        assert_eq!(typed_json(&Value::Int((1 << 53) - 1)), "9007199254740991");
        assert_eq!(typed_json(&Value::Int(1 << 53)), r#"{"$int":"9007199254740992"}"#);
        assert_eq!(typed_json(&Value::Int(-(1 << 53))), r#"{"$int":"-9007199254740992"}"#);
        assert_eq!(typed_json(&Value::F64(1.0)), r#"{"$f64":1.0}"#);
        assert_eq!(typed_json(&Value::F64(-0.0)), r#"{"$f64":"-0"}"#);
        assert_eq!(typed_json(&Value::F64(1e300)), r#"{"$f64":1e300}"#);
        assert_eq!(typed_json(&Value::F64(5e-324)), r#"{"$f64":5e-324}"#);
        assert_eq!(typed_json(&Value::F64(f64::INFINITY)), r#"{"$f64":"Infinity"}"#);
        assert_eq!(
            typed_json(&Value::F64(f64::from_bits(QUIET_NAN_64))),
            r#"{"$f64":"NaN"}"#
        );
        assert_eq!(
            typed_json(&Value::F64(f64::from_bits(0xfff8_0000_0000_0000))),
            r#"{"$f64bits":"fff8000000000000"}"#
        );
        assert_eq!(typed_json(&Value::F32(0.1)), r#"{"$f32":0.10000000149011612}"#);
        assert_eq!(typed_json(&Value::F32(f32::NEG_INFINITY)), r#"{"$f32":"-Infinity"}"#);
        assert_eq!(
            typed_json(&Value::F32(f32::from_bits(0x7fc0_0001))),
            r#"{"$f32bits":"7fc00001"}"#
        );
        assert_eq!(
            typed_json(&Value::Bin(Bytes::from_static(&[0, 0xab]))),
            r#"{"$bin":"00ab"}"#
        );
        assert_eq!(typed_json(&Value::Str("a\"\u{1}é".into())), "\"a\\\"\\u0001é\"");
        assert_eq!(
            typed_json(&map(&[("b", Value::Nil), ("a", Value::Array(vec![Value::Bool(true)]))])),
            r#"{"b":null,"a":[true]}"#
        );
        // Integer-like and `$` keys need the map form; "01" and "-1" do not (JavaScript keeps them in place).
        assert_eq!(
            typed_json(&map(&[("x", Value::Int(1)), ("10", Value::Int(2))])),
            r#"{"$map":[["x",1],["10",2]]}"#
        );
        assert_eq!(typed_json(&map(&[("$t", Value::Nil)])), r#"{"$map":[["$t",null]]}"#);
        assert_eq!(
            typed_json(&map(&[("01", Value::Nil), ("-1", Value::Nil)])),
            r#"{"01":null,"-1":null}"#
        );
    }

    #[test]
    fn typed_json_round_trips() {
        for text in [
            r#"{"$map":[["0",{"$f32":"-0"}],["k",[{"$f64bits":"7ff0000000000001"},{"$int":"-9223372036854775808"}]]]}"#,
            r#"{"a":{"b":{"$bin":"ff"},"c":[null,true,false,"s",-1]}}"#,
            r#"{"$f64":-1.5e-7}"#,
        ] {
            let v = typed(text).unwrap();
            assert_eq!(typed(&typed_json(&v)).unwrap(), v, "{text}");
        }
    }

    fn frame(text: &str) -> Vec<u8> {
        let mut out = (text.len() as u32).to_le_bytes().to_vec();
        out.extend_from_slice(text.as_bytes());
        out
    }

    fn responses(mut bytes: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(body) = read_frame(&mut bytes).unwrap() {
            out.push(String::from_utf8(body).unwrap());
        }
        out
    }

    #[test]
    fn the_loop_answers_in_order_and_stops_on_quit() {
        let mut input = frame(r#"{"op":"hello"}"#);
        input.extend(frame(r#"{"op":"fly"}"#));
        input.extend(frame(
            r#"{"op":"decode","type":"any","hex":"c0","options":{"lossy":true}}"#,
        ));
        input.extend(frame(r#"{"op":"decode","type":"NoSuchType","hex":"c0"}"#));
        input.extend(frame(r#"{"op":"encode","type":"any","value":{"$what":1}}"#));
        input.extend(frame("[1]"));
        input.extend(frame(r#"{"op":"quit"}"#));
        input.extend(frame(r#"{"op":"hello"}"#));
        let mut output = Vec::new();
        assert_eq!(serve(&mut input.as_slice(), &mut output), 0);
        let got = responses(&output);
        assert_eq!(got.len(), 6, "{got:?}");
        let hello = format!(
            r#"{{"ok":true,"name":"vmp-protocol","version":"{}","ops":["decode","encode","reencode","validate"]}}"#,
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(got[0], hello);
        assert_eq!(got[1], r#"{"ok":false,"skipped":"unknown op \"fly\""}"#);
        assert_eq!(got[2], r#"{"ok":false,"skipped":"option lossy is not supported"}"#);
        assert!(
            got[3].starts_with(r#"{"ok":false,"error":{"kind":"BadRequest","message":"unknown type"#),
            "{}",
            got[3]
        );
        assert!(got[4].starts_with(r#"{"ok":false,"error":{"kind":"BadRequest","message":"unknown typed-JSON tag"#));
        assert!(got[5].starts_with(r#"{"ok":false,"error":{"kind":"BadRequest""#));
    }

    #[test]
    fn a_broken_stream_ends_with_code_2() {
        let mut output = Vec::new();
        assert_eq!(serve(&mut &[1u8, 0][..], &mut output), 2, "end inside a header");
        let mut input = frame(r#"{"op":"hello"}"#);
        input.truncate(input.len() - 1);
        assert_eq!(serve(&mut input.as_slice(), &mut output), 2, "end inside a body");
        let over = ((MAX_FRAME + 1) as u32).to_le_bytes();
        assert_eq!(serve(&mut &over[..], &mut output), 2, "a frame over 64 MiB");
        assert!(output.is_empty());
        assert_eq!(serve(&mut &[][..], &mut output), 0, "a clean end of input");
    }

    /// SPEC §3.10: the SET event, canonical and as msgpackr writes it.
    const SET: &str = "83a27473cf0000018bcfe56800a56574797065a3534554a46461746183a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90";
    const SET_MSGPACKR: &str = "de0003a27473cb4278bcfe56800000a56574797065a3534554a464617461de0003a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90";
    const SET_JSON: &str = r#"{"ts":1700000000000,"etype":"SET","data":{"tag":"Scene","key":"root","children":[]}}"#;

    #[test]
    fn ops_answer_through_the_binding() {
        let msgpackr = SET_MSGPACKR;
        assert_eq!(
            handle(&format!(r#"{{"op":"decode","type":"SetEvent","hex":"{SET}"}}"#)),
            format!(r#"{{"ok":true,"value":{SET_JSON}}}"#)
        );
        assert_eq!(
            handle(&format!(r#"{{"op":"decode","type":"SetEvent","hex":"{msgpackr}"}}"#)),
            format!(r#"{{"ok":true,"value":{SET_JSON}}}"#),
            "msgpackr's float64 ts reads as the integer"
        );
        assert_eq!(
            handle(&format!(r#"{{"op":"encode","type":"SetEvent","value":{SET_JSON}}}"#)),
            format!(r#"{{"ok":true,"hex":"{SET}"}}"#)
        );
        assert_eq!(
            handle(&format!(r#"{{"op":"reencode","type":"SetEvent","hex":"{msgpackr}"}}"#)),
            format!(r#"{{"ok":true,"hex":"{SET}"}}"#)
        );
        assert_eq!(
            handle(&format!(r#"{{"op":"validate","type":"any","hex":"{SET}"}}"#)),
            r#"{"ok":true}"#
        );
        // A float32 stays a float32 in a free-form value; an alias (no Rust type) decodes through values.
        assert_eq!(
            handle(r#"{"op":"decode","type":"any","hex":"ca3fc00000"}"#),
            r#"{"ok":true,"value":{"$f32":1.5}}"#
        );
        assert_eq!(
            handle(r#"{"op":"decode","type":"Timestamp","hex":"cd0100"}"#),
            r#"{"ok":true,"value":256}"#
        );
        // Errors carry the kind and the path.
        let missing = handle(r#"{"op":"encode","type":"SetEvent","value":{"ts":1,"etype":"SET"}}"#);
        assert!(
            missing.starts_with(r#"{"ok":false,"error":{"kind":"MissingField","path":"data""#),
            "{missing}"
        );
        let trailing = handle(r#"{"op":"validate","type":"any","hex":"c0c0"}"#);
        assert!(
            trailing.starts_with(r#"{"ok":false,"error":{"kind":"TrailingBytes","path":"(root)""#),
            "{trailing}"
        );
        let bad_hex = handle(r#"{"op":"decode","type":"any","hex":"c"}"#);
        assert!(
            bad_hex.starts_with(r#"{"ok":false,"error":{"kind":"BadRequest""#),
            "{bad_hex}"
        );
    }

    #[test]
    fn strict_ztype_is_an_option() {
        // `{ztype: "x.y", b: h'00'}`: opaque by default, UnknownZType when strict.
        let frame = "82a57a74797065a3782e79a162c40100";
        let lenient = handle(&format!(r#"{{"op":"decode","type":"any","hex":"{frame}"}}"#));
        assert_eq!(lenient, r#"{"ok":true,"value":{"ztype":"x.y","b":{"$bin":"00"}}}"#);
        let strict = handle(&format!(
            r#"{{"op":"decode","type":"any","hex":"{frame}","options":{{"strictZType":true}}}}"#
        ));
        assert!(
            strict.starts_with(r#"{"ok":false,"error":{"kind":"UnknownZType""#),
            "{strict}"
        );
    }

    #[test]
    fn vmp_errors_name_kind_and_path() {
        let e = Error::new(vmp_protocol::ErrorKind::MissingField, "required field is missing")
            .in_index(0)
            .in_key("nodes")
            .in_key("data");
        let text = error_json(e.kind().as_str(), Some(&e.path_string()), e.message());
        assert_eq!(
            text,
            r#"{"ok":false,"error":{"kind":"MissingField","path":"data.nodes[0]","message":"required field is missing"}}"#
        );
    }
}
