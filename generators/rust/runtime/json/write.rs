//! Writing the JSON form, and the ECMAScript forms of strings and numbers the runtime prints elsewhere too.

use base64::Engine;

use super::BYTES_KEY;
use crate::runtime::error::{Error, ErrorKind, Result};
use crate::runtime::value::{Map, Value};
use crate::runtime::wire::enter;

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
pub(super) fn increment(digits: &str, n: i64) -> (String, i64) {
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
