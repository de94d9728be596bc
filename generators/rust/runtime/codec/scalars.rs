//! The checker's scalars: integer ranges, the float conversions of spec §3.11 (rows 3, 4 and 9), string
//! constraints, and the wording of wrong-type errors.

use crate::runtime::error::{Error, ErrorKind, Result};
use crate::runtime::schema::StrType;
use crate::runtime::value::Value;

pub(super) fn check_int_range(i: i128, min: i128, max: i128) -> Result<()> {
    if i < min || i > max {
        return Err(Error::new(
            ErrorKind::IntegerOutOfRange,
            format!("{i} is outside {min}..{max}"),
        ));
    }
    Ok(())
}

/// An integer field: integers in range; integral floats as the integer they denote (spec §3.11, row 5).
pub(super) fn check_int(value: Value, min: i128, max: i128) -> Result<i128> {
    let i = match value {
        Value::Int(i) => i,
        Value::F64(f) => integral(f, "float64")?,
        Value::F32(f) => integral(f64::from(f), "float32")?,
        other => return Err(wrong_type("an integer", &other)),
    };
    check_int_range(i, min, max)?;
    Ok(i)
}

/// The integer an integral float denotes (`-0.0` is 0); a fraction, a NaN or an infinity is `WrongType`.
pub(super) fn integral(f: f64, kind: &str) -> Result<i128> {
    if !f.is_finite() || f.fract() != 0.0 {
        return Err(Error::new(
            ErrorKind::WrongType,
            format!("expected an integer, got {kind} {f:?}"),
        ));
    }
    // Saturates beyond i128, which is far outside every integer field's range anyway.
    Ok(f as i128)
}

/// The float64 of a float32, exactly; a NaN keeps its payload (spec §3.11, row 3: fraction << 29).
pub fn widen_f32(x: f32) -> f64 {
    if x.is_nan() {
        let bits = u64::from(x.to_bits());
        let sign = bits >> 31;
        let fraction = bits & 0x7f_ffff;
        return f64::from_bits((sign << 63) | (0x7ff << 52) | (fraction << 29));
    }
    f64::from(x)
}

/// The float32 that a float64 is exactly, if there is one; a NaN narrows to the NaN whose widening it is (the
/// fraction's top 23 bits; a quiet NaN when they are all zero).
pub fn narrow_f64(x: f64) -> Option<f32> {
    if x.is_nan() {
        let bits = x.to_bits();
        let sign = (bits >> 63) as u32;
        let mut fraction = ((bits >> 29) & 0x7f_ffff) as u32;
        if fraction == 0 {
            fraction = 0x40_0000;
        }
        return Some(f32::from_bits((sign << 31) | (0xff << 23) | fraction));
    }
    let y = x as f32;
    (f64::from(y) == x).then_some(y)
}

pub(super) fn to_f64(value: Value) -> Result<f64> {
    match value {
        Value::F64(x) => Ok(x),
        Value::F32(x) => Ok(widen_f32(x)),
        Value::Int(i) => {
            let x = i as f64;
            if x.is_finite() && x as i128 == i {
                Ok(x)
            } else {
                Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!("{i} has no exact float64 form"),
                ))
            }
        }
        other => Err(wrong_type("a number", &other)),
    }
}

pub(super) fn to_f32(value: Value) -> Result<f32> {
    match value {
        Value::F32(x) => Ok(x),
        Value::F64(x) => {
            narrow_f64(x).ok_or_else(|| Error::new(ErrorKind::InvalidValue, format!("{x:?} has no exact float32 form")))
        }
        Value::Int(i) => {
            let x = i as f32;
            if x.is_finite() && x as i128 == i {
                Ok(x)
            } else {
                Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!("{i} has no exact float32 form"),
                ))
            }
        }
        other => Err(wrong_type("a number", &other)),
    }
}

/// Why `s` fails the constraints of `st`, or `None`. Lengths count code points, as JSON Schema does.
pub(super) fn string_problem(st: &StrType, s: &str) -> Option<String> {
    if let Some(expected) = st.constant {
        if s != expected {
            return Some(format!("expected {expected:?}, got {s:?}"));
        }
    }
    if let Some(options) = st.one_of {
        if !options.contains(&s) {
            return Some(format!("expected one of {options:?}, got {s:?}"));
        }
    }
    if let Some(pattern) = st.pattern {
        if !pattern.is_match(s) {
            return Some(format!("{s:?} does not match {}", pattern.source));
        }
    }
    if st.min_length.is_some() || st.max_length.is_some() {
        let n = s.chars().count();
        if let Some(min) = st.min_length.filter(|&min| n < min) {
            return Some(format!("expected at least {min} characters, got {n}"));
        }
        if let Some(max) = st.max_length.filter(|&max| n > max) {
            return Some(format!("expected at most {max} characters, got {n}"));
        }
    }
    None
}

/// What a value is, for messages: `int 5`, `float64 1.5`, `str`, `a map of 3`, ...
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Nil => "nil".to_owned(),
        Value::Bool(b) => format!("bool {b}"),
        Value::Int(i) => format!("int {i}"),
        Value::F32(f) => format!("float32 {f:?}"),
        Value::F64(f) => format!("float64 {f:?}"),
        Value::Str(_) => "str".to_owned(),
        Value::Bin(b) => format!("bin ({} bytes)", b.len()),
        Value::Array(a) => format!("array of {}", a.len()),
        Value::Map(m) => format!("map of {}", m.len()),
        Value::ZData(z) => format!("ZData ({})", z.ztype()),
    }
}

/// `WrongType`: "expected {expected}, got {what the value is}".
pub(super) fn wrong_type(expected: &str, got: &Value) -> Error {
    Error::new(
        ErrorKind::WrongType,
        format!("expected {expected}, got {}", describe(got)),
    )
}
