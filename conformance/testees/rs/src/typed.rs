//! Typed JSON (conformance/VECTORS.md), both ways: decoded values to typed JSON, and the values to encode from it.
//!
//! Rust keeps what typed JSON says natively ([`Value`] has integers, float32 apart from float64 with their bits,
//! bin and ordered maps), so the mapping is one-to-one; decoded values are already canonical because the checker
//! canonicalises them (float fields at their width, records in schema order). ZData is reported as its canonical
//! map ([`vmp_protocol::ZData::to_map`]); a value to encode that holds a ZData map stays a map, and the checker
//! reads it as ZData, as it does on decode.

use bytes::Bytes;
use indexmap::IndexMap;
use vmp_protocol::runtime::json::push_js_string;
use vmp_protocol::{CompactString, ToValue, Value};

use crate::json::{from_hex, hex, Json};

/// The largest integer typed JSON writes as a plain JSON number (2^53-1).
const MAX_SAFE: i128 = (1 << 53) - 1;
/// The quiet NaNs typed JSON writes as `"NaN"` (any other NaN is written by its bits).
const QUIET_NAN_64: u64 = 0x7ff8_0000_0000_0000;
const QUIET_NAN_32: u32 = 0x7fc0_0000;

/// A request the testee cannot make sense of (answered as `BadRequest`).
#[derive(Debug, PartialEq)]
pub struct BadRequest(pub String);

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

fn write_map(out: &mut String, entries: &[(CompactString, Value)]) {
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
pub fn typed_json(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v);
    out
}

// Typed JSON to values (encode).

/// A map's entries while they are read: an `IndexMap` finds a repeated key in constant time (`Map::insert` looks
/// linearly, and a vector holds a map of 65536 entries), and its `ToValue` makes the ordered [`vmp_protocol::Map`].
type Entries = IndexMap<String, Value>;

/// A typed-JSON value as a [`Value`]. Maps (ZData maps included) stay maps: the checker reads ZData out of them.
pub fn from_typed(j: &Json) -> Result<Value, BadRequest> {
    match j {
        Json::Null => Ok(Value::Nil),
        Json::Bool(b) => Ok(Value::Bool(*b)),
        Json::Str(s) => Ok(Value::Str(s.as_str().into())),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse_json;

    fn typed(text: &str) -> Result<Value, BadRequest> {
        from_typed(&parse_json(text).expect("test JSON parses"))
    }

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::Map(entries.iter().cloned().collect())
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
}
