//! The codec: schema-directed checking (decoding and encoding alike), message type selection (spec §4.6), and
//! the conversions between [`Value`] and Rust types that the generated code is built on.
//!
//! Decoding is [`wire::read`](super::wire::read) (bytes to a raw [`Value`], every wire error, no schema), then
//! [`check`] against a type descriptor (the conversions of spec §3.11, closed and open records, unions, ZData
//! detection in free-form positions), then, for a generated type, [`FromValue::from_value`]. Encoding is
//! [`ToValue::to_value`], the same [`check`], then [`wire::write_value`](super::wire::write_value). Rust keeps
//! float widths, `bin` and map order natively, so there is a single mode, the lossless one (spec §10).

use bytes::Bytes;
use indexmap::IndexMap;

use super::error::{Error, ErrorKind, Result};
use super::ndarray::NdArray;
use super::options::DecodeOptions;
use super::schema::{resolve, ArrayType, EventInfo, FloatWidth, Named, Record, Resolved, StrType, Type, Union};
use super::value::{Map, Value, INT_MAX, INT_MIN};
use super::wire::{self, enter};
use super::zdata::ZData;

// =============================================================================================================
// Conversion traits
// =============================================================================================================

/// Builds a Rust value from a [`Value`] that [`check`] has made canonical for the type.
pub trait FromValue: Sized {
    /// Takes the value apart (moving strings and byte buffers, never copying them).
    fn from_value(value: Value) -> Result<Self>;
}

/// Turns a Rust value into a [`Value`] (which [`check`] then validates before it is written).
pub trait ToValue {
    /// The value as VMP sees it; byte buffers are shared, not copied.
    fn to_value(&self) -> Value;
}

/// A named type of the spec with a generated Rust type.
pub trait Typed: FromValue + ToValue {
    /// The type's descriptor (in the generated `schema` module).
    const TYPE: &'static Named;
}

/// For tools that pick a type by name (the generated `schema::visit_type` calls it with the Rust type).
pub trait TypeVisitor {
    /// What the visit returns.
    type Output;
    /// Called with the Rust type of the named type.
    fn visit<T: Typed>(self) -> Self::Output;
}

// =============================================================================================================
// Entry points
// =============================================================================================================

/// Decodes one frame as `T`, with the default options (unknown ztypes are kept as opaque values).
pub fn decode<T: Typed>(frame: impl Into<Bytes>) -> Result<T> {
    decode_with(frame, &DecodeOptions::default())
}

/// Decodes one frame as `T`: wire reading, [`check`] against `T::TYPE`, then [`FromValue::from_value`].
pub fn decode_with<T: Typed>(frame: impl Into<Bytes>, options: &DecodeOptions) -> Result<T> {
    T::from_value(decode_as(Type::Named(T::TYPE), frame, options)?)
}

/// Encodes `value` canonically after checking it against `T::TYPE`.
pub fn encode<T: Typed>(value: &T) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    encode_into(value, &mut out)?;
    Ok(out)
}

/// Appends the canonical encoding of `value` to `out` (reuse one `Vec` across frames). On an error `out` is left
/// as it was.
pub fn encode_into<T: Typed>(value: &T, out: &mut Vec<u8>) -> Result<()> {
    let checked = check(Type::Named(T::TYPE), value.to_value(), &DecodeOptions::default())?;
    write_checked(&checked, out)
}

/// Decodes one frame as the type `ty` and returns the canonical value (records as maps in schema order).
pub fn decode_as(ty: Type, frame: impl Into<Bytes>, options: &DecodeOptions) -> Result<Value> {
    let frame: Bytes = frame.into();
    check(ty, wire::read(&frame)?, options)
}

/// Checks `value` against `ty` and encodes it canonically.
pub fn encode_as(ty: Type, value: Value, options: &DecodeOptions) -> Result<Vec<u8>> {
    let checked = check(ty, value, options)?;
    let mut out = Vec::new();
    write_checked(&checked, &mut out)?;
    Ok(out)
}

/// Decodes one frame as a free-form value (type `Any`): every item as it is encoded, ZData detected (spec §7.1).
pub fn decode_value(frame: impl Into<Bytes>) -> Result<Value> {
    decode_as(Type::Any, frame, &DecodeOptions::default())
}

/// Encodes a free-form value canonically; maps with a string `ztype` are written as the ZData they denote.
pub fn encode_value(value: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    if needs_conversion(value, 0)? {
        let checked = check(Type::Any, value.clone(), &DecodeOptions::default())?;
        write_checked(&checked, &mut out)?;
    } else {
        write_checked(value, &mut out)?;
    }
    Ok(out)
}

/// Selects the message type of a frame (spec §4.6) and decodes the frame as that type.
pub fn decode_message(
    frame: impl Into<Bytes>,
    catalogue: &'static [&'static Named],
    fallback: &'static Named,
    options: &DecodeOptions,
) -> Result<(&'static Named, Value)> {
    let frame: Bytes = frame.into();
    let raw = wire::read(&frame)?;
    let ty = select_message(&raw, catalogue, fallback)?;
    Ok((ty, check(Type::Named(ty), raw, options)?))
}

fn write_checked(value: &Value, out: &mut Vec<u8>) -> Result<()> {
    let start = out.len();
    wire::write_value(out, value).inspect_err(|_| out.truncate(start))
}

/// Whether a free-form value holds a map that [`check`] turns into ZData; also enforces the depth limit and the
/// integer range, so that a value without such maps can be written as it is, without a copy.
fn needs_conversion(value: &Value, depth: usize) -> Result<bool> {
    match value {
        Value::Int(i) => check_int_range(*i, INT_MIN, INT_MAX).map(|()| false),
        Value::Array(items) => {
            enter(depth)?;
            for (i, item) in items.iter().enumerate() {
                if needs_conversion(item, depth + 1).map_err(|e| e.in_index(i))? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Value::Map(map) => {
            enter(depth)?;
            if ztype_entry(map).is_some() {
                return Ok(true);
            }
            for (k, v) in map.iter() {
                if needs_conversion(v, depth + 1).map_err(|e| e.in_key(k))? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Ok(false),
    }
}

// =============================================================================================================
// The checker
// =============================================================================================================

/// Validates `value` as the type `ty` and makes it canonical: the conversions of spec §3.11 (integral floats in
/// integer fields, integers and float32 in float64 fields, exact float64 in float32 fields), records as maps in
/// schema order (open records' extra entries after the declared ones, in producer order), unions by their tag,
/// and ZData detection in free-form positions and `ZData` fields (spec §7.1).
///
/// Used on decode and on encode alike; takes the value by move and copies no string or buffer. Errors carry the
/// path of the offending value (spec §8).
pub fn check(ty: Type, value: Value, options: &DecodeOptions) -> Result<Value> {
    check_at(ty, value, options, 0)
}

/// `depth`: the number of containers around `value`.
fn check_at(ty: Type, value: Value, options: &DecodeOptions, depth: usize) -> Result<Value> {
    match ty {
        Type::Int { min, max } => check_int(value, min, max).map(Value::Int),
        Type::Float(FloatWidth::F64) => to_f64(value).map(Value::F64),
        Type::Float(FloatWidth::F32) => to_f32(value).map(Value::F32),
        Type::Str(st) => match value {
            Value::Str(s) => match string_problem(st, &s) {
                None => Ok(Value::Str(s)),
                Some(problem) => Err(Error::new(ErrorKind::InvalidValue, problem)),
            },
            other => Err(wrong_type("a string", &other)),
        },
        Type::Bool => match value {
            Value::Bool(_) => Ok(value),
            other => Err(wrong_type("a boolean", &other)),
        },
        Type::Null => match value {
            Value::Nil => Ok(value),
            other => Err(wrong_type("nil", &other)),
        },
        Type::Bytes => match value {
            Value::Bin(_) => Ok(value),
            other => Err(wrong_type("bytes (bin)", &other)),
        },
        Type::Any => check_any(value, options, depth),
        Type::ZData => check_zdata_field(value, options, depth),
        Type::Array(at) => check_array(at, value, options, depth),
        Type::Map(values) => match value {
            Value::Map(mut map) => {
                enter(depth)?;
                // Checked in place: the keys and their order do not change.
                for (k, v) in map.entries_mut() {
                    let item = std::mem::replace(v, Value::Nil);
                    *v = check_at(*values, item, options, depth + 1).map_err(|e| e.in_key(k))?;
                }
                Ok(Value::Map(map))
            }
            other => Err(wrong_type("a map", &other)),
        },
        Type::Nullable(inner) => match value {
            Value::Nil => Ok(value),
            other => check_at(*inner, other, options, depth),
        },
        Type::Named(_) => match resolve(ty) {
            Resolved::Record(rec) => check_record(rec, value, options, depth),
            Resolved::Union(union) => check_union(union, value, options, depth),
            Resolved::Type(inner) => check_at(inner, value, options, depth),
        },
    }
}

/// A free-form value: kept as it is, except that maps with a string `ztype` become ZData, at any depth.
fn check_any(value: Value, options: &DecodeOptions, depth: usize) -> Result<Value> {
    match value {
        Value::Int(i) => check_int_range(i, INT_MIN, INT_MAX).map(|()| value),
        Value::Array(mut items) => {
            enter(depth)?;
            for (i, item) in items.iter_mut().enumerate() {
                let v = std::mem::replace(item, Value::Nil);
                *item = check_any(v, options, depth + 1).map_err(|e| e.in_index(i))?;
            }
            Ok(Value::Array(items))
        }
        Value::Map(map) => {
            enter(depth)?;
            if ztype_entry(&map).is_some() {
                return ZData::from_map(map, options).map(|z| Value::ZData(Box::new(z)));
            }
            // Checked in place: the keys and their order do not change.
            let mut map = map;
            for (k, v) in map.entries_mut() {
                let item = std::mem::replace(v, Value::Nil);
                *v = check_any(item, options, depth + 1).map_err(|e| e.in_key(k))?;
            }
            Ok(Value::Map(map))
        }
        _ => Ok(value),
    }
}

/// The `ztype` entry of a map when it is a string: what makes a free-form map ZData (spec §7.1).
fn ztype_entry(map: &Map) -> Option<&str> {
    map.get("ztype").and_then(Value::as_str)
}

/// A field typed `ZData`: a map with a string `ztype` (or a ZData value already).
fn check_zdata_field(value: Value, options: &DecodeOptions, depth: usize) -> Result<Value> {
    match value {
        Value::ZData(_) => Ok(value),
        Value::Map(map) => {
            enter(depth)?;
            match map.get("ztype") {
                Some(Value::Str(_)) => ZData::from_map(map, options).map(|z| Value::ZData(Box::new(z))),
                None => Err(Error::new(ErrorKind::MissingField, "ZData needs a ztype").in_key("ztype")),
                Some(other) => Err(wrong_type("a string (ztype)", other).in_key("ztype")),
            }
        }
        other => Err(wrong_type("ZData (a map with a string ztype)", &other)),
    }
}

fn check_array(at: &'static ArrayType, value: Value, options: &DecodeOptions, depth: usize) -> Result<Value> {
    let mut items = match value {
        Value::Array(items) => items,
        other => return Err(wrong_type("an array", &other)),
    };
    enter(depth)?;
    for (i, item) in items.iter_mut().enumerate() {
        let v = std::mem::replace(item, Value::Nil);
        *item = check_at(at.items, v, options, depth + 1).map_err(|e| e.in_index(i))?;
    }
    let n = items.len();
    if let Some(min) = at.min_items.filter(|&min| n < min) {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            format!("expected at least {min} items, got {n}"),
        ));
    }
    if let Some(max) = at.max_items.filter(|&max| n > max) {
        return Err(Error::new(
            ErrorKind::InvalidValue,
            format!("expected at most {max} items, got {n}"),
        ));
    }
    Ok(Value::Array(items))
}

/// A record: entries checked in the order they come (so the first defect in byte order is the one reported),
/// then missing required fields in schema order; the result lists the declared fields in schema order, then an
/// open record's extra entries in producer order.
fn check_record(rec: &'static Record, value: Value, options: &DecodeOptions, depth: usize) -> Result<Value> {
    let map = match value {
        Value::Map(map) => map,
        Value::ZData(z) if rec.ztype.is_some() => return check_zdata_record(rec, Value::ZData(z), options, depth),
        other => return Err(wrong_type(&format!("a map ({})", rec.name), &other)),
    };
    enter(depth)?;
    if rec.ztype.is_some() && ztype_entry(&map).is_some() {
        return check_zdata_record(rec, Value::Map(map), options, depth);
    }
    let fields = rec.fields;
    if let Some(order) = canonical_order(rec, &map) {
        return check_record_in_place(rec, map, order, options, depth);
    }
    let mut slots: Vec<Option<(String, Value)>> = Vec::with_capacity(fields.len());
    slots.resize_with(fields.len(), || None);
    let mut extras: Vec<(String, Value)> = Vec::new();
    let mut next = 0;
    for (key, v) in map {
        let j = if fields.get(next).is_some_and(|f| f.name == key) {
            Some(next)
        } else {
            fields.iter().position(|f| f.name == key)
        };
        match j {
            Some(j) => {
                if slots[j].is_some() {
                    // Only a hand-built map can get here: the wire reader and `Map` keep keys unique.
                    let message = format!("the key {key:?} appears twice");
                    return Err(Error::new(ErrorKind::DuplicateKey, message));
                }
                let v = check_at(fields[j].ty, v, options, depth + 1).map_err(|e| e.in_key(&key))?;
                if key == "etype" {
                    if let Some(event) = &rec.event {
                        check_etype(event, &v).map_err(|e| e.in_key("etype"))?;
                    }
                }
                slots[j] = Some((key, v));
                next = j + 1;
            }
            None if rec.open => {
                let v = check_any(v, options, depth + 1).map_err(|e| e.in_key(&key))?;
                extras.push((key, v));
            }
            None => {
                let message = format!("unknown field {key:?} in a closed record ({})", rec.name);
                return Err(Error::new(ErrorKind::InvalidValue, message).in_key(&key));
            }
        }
    }
    let mut out = Map::with_capacity(slots.len() + extras.len());
    for (field, slot) in fields.iter().zip(slots) {
        match slot {
            Some((k, v)) => out.push_unique(k, v),
            None if field.required => {
                let message = format!("required field of {} is missing", rec.name);
                return Err(Error::new(ErrorKind::MissingField, message).in_key(field.name));
            }
            None => {}
        }
    }
    for (k, v) in extras {
        out.push_unique(k, v);
    }
    Ok(Value::Map(out))
}

/// The fast path of [`check_record`]: `Some` when the map's keys already come in canonical order (declared fields
/// in schema order, then an open record's extra entries), each key known or allowed, so that checking the values in
/// place gives the canonical map without rebuilding it. Returns the bit set of the declared fields present. `None`
/// (any other order, an unknown key in a closed record, more than 64 fields) leaves the record to the general path,
/// which reports errors in the same order.
fn canonical_order(rec: &'static Record, map: &Map) -> Option<u64> {
    let fields = rec.fields;
    if fields.len() > 64 {
        return None;
    }
    let mut present = 0u64;
    let mut next = 0;
    let mut in_extras = false;
    for (key, _) in map.entries() {
        let j = if fields.get(next).is_some_and(|f| f.name == key) {
            Some(next)
        } else {
            fields[next.min(fields.len())..]
                .iter()
                .position(|f| f.name == key)
                .map(|p| p + next)
        };
        match j {
            Some(j) if !in_extras => {
                present |= 1 << j;
                next = j + 1;
            }
            None if rec.open && !fields.iter().any(|f| f.name == key) => in_extras = true,
            _ => return None,
        }
    }
    Some(present)
}

/// [`check_record`] on a map whose keys are in canonical order ([`canonical_order`]): the values are checked in
/// place, in the order they come, then the missing required fields are reported in schema order.
fn check_record_in_place(
    rec: &'static Record,
    mut map: Map,
    present: u64,
    options: &DecodeOptions,
    depth: usize,
) -> Result<Value> {
    let fields = rec.fields;
    let mut next = 0;
    for (key, slot) in map.entries_mut() {
        let v = std::mem::replace(slot, Value::Nil);
        let j = (next..fields.len()).find(|&j| fields[j].name == key.as_str());
        let v = match j {
            Some(j) => {
                next = j + 1;
                let v = check_at(fields[j].ty, v, options, depth + 1).map_err(|e| e.in_key(key))?;
                if key == "etype" {
                    if let Some(event) = &rec.event {
                        check_etype(event, &v).map_err(|e| e.in_key("etype"))?;
                    }
                }
                v
            }
            None => {
                next = fields.len();
                check_any(v, options, depth + 1).map_err(|e| e.in_key(key))?
            }
        };
        *slot = v;
    }
    for (j, field) in fields.iter().enumerate() {
        if field.required && present & (1 << j) == 0 {
            let message = format!("required field of {} is missing", rec.name);
            return Err(Error::new(ErrorKind::MissingField, message).in_key(field.name));
        }
    }
    Ok(Value::Map(map))
}

/// A record that is a ZData variant (`NdArray`, `Image`, ...): the ZData it denotes, with the record's ztype.
fn check_zdata_record(rec: &'static Record, value: Value, options: &DecodeOptions, depth: usize) -> Result<Value> {
    let expected = rec.ztype.unwrap_or_default();
    let z = match value {
        Value::ZData(z) => z,
        Value::Map(map) => {
            enter(depth)?;
            Box::new(ZData::from_map(map, options)?)
        }
        other => return Err(wrong_type(&format!("ZData ({})", rec.name), &other)),
    };
    if z.ztype() != expected {
        let message = format!("expected {expected:?}, got {:?}", z.ztype());
        return Err(Error::new(ErrorKind::InvalidValue, message).in_key("ztype"));
    }
    Ok(Value::ZData(z))
}

/// A message type's `etype` against its const or pattern (spec §4.6, rule 1).
fn check_etype(event: &EventInfo, etype: &Value) -> Result<()> {
    let Value::Str(s) = etype else { return Ok(()) };
    if let Some(expected) = event.etype {
        if s != expected {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!("expected {expected:?}, got {s:?}"),
            ));
        }
    }
    if let Some(pattern) = event.etype_pattern {
        if !pattern.is_match(s) {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                format!("{s:?} does not match {}", pattern.source),
            ));
        }
    }
    Ok(())
}

/// A tagged union: the tag entry picks the variant, which is then checked as that record.
fn check_union(union: &'static Union, value: Value, options: &DecodeOptions, depth: usize) -> Result<Value> {
    let map = match value {
        Value::Map(map) => map,
        other => return Err(wrong_type(&format!("a map ({})", union.name), &other)),
    };
    let variant = match map.get(union.tag) {
        None => {
            let message = format!("the tag of {} is missing", union.name);
            return Err(Error::new(ErrorKind::MissingField, message).in_key(union.tag));
        }
        Some(Value::Str(tag)) => match union.variants.iter().find(|(name, _)| name == tag) {
            Some((_, variant)) => *variant,
            None => {
                let message = format!("{tag:?}: no variant of {} matches", union.name);
                return Err(Error::new(ErrorKind::InvalidValue, message).in_key(union.tag));
            }
        },
        Some(other) => return Err(wrong_type("a string (the tag)", other).in_key(union.tag)),
    };
    check_at(Type::Named(variant), Value::Map(map), options, depth)
}

// -- scalars ---------------------------------------------------------------------------------------------------

fn check_int_range(i: i128, min: i128, max: i128) -> Result<()> {
    if i < min || i > max {
        return Err(Error::new(
            ErrorKind::IntegerOutOfRange,
            format!("{i} is outside {min}..{max}"),
        ));
    }
    Ok(())
}

/// An integer field: integers in range; integral floats as the integer they denote (spec §3.11, row 5).
fn check_int(value: Value, min: i128, max: i128) -> Result<i128> {
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
fn integral(f: f64, kind: &str) -> Result<i128> {
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

fn to_f64(value: Value) -> Result<f64> {
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

fn to_f32(value: Value) -> Result<f32> {
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
fn string_problem(st: &StrType, s: &str) -> Option<String> {
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
fn describe(value: &Value) -> String {
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
fn wrong_type(expected: &str, got: &Value) -> Error {
    Error::new(
        ErrorKind::WrongType,
        format!("expected {expected}, got {}", describe(got)),
    )
}

// =============================================================================================================
// Message type selection (spec §4.6)
// =============================================================================================================

/// The message type of a decoded frame (spec §4.6, rules 2 to 5): the frame must be a map with a string `etype`;
/// a catalogued `etype` const selects its type; then a catalogued `etype_pattern` (the responses of GRAB_RENDER,
/// ...); then `RpcResponse` (found in `catalogue` by name) for `{ETYPE}_RESPONSE@{uuid}` etypes and frames with
/// an `ok` entry; else `fallback` (the base `Message`). `catalogue` lists the message records in declaration
/// order; the envelopes in it (records whose `event.envelope` is their own name) are not selected by etype.
pub fn select_message(
    value: &Value,
    catalogue: &'static [&'static Named],
    fallback: &'static Named,
) -> Result<&'static Named> {
    let map = match value {
        Value::Map(map) => map,
        other => return Err(wrong_type("a message (a map)", other)),
    };
    let etype = match map.get("etype") {
        Some(Value::Str(s)) => s.as_str(),
        Some(other) => return Err(wrong_type("a string (etype)", other).in_key("etype")),
        None => return Err(Error::new(ErrorKind::MissingField, "a message needs an etype").in_key("etype")),
    };
    let events = || {
        catalogue.iter().copied().filter_map(|named| match named {
            Named::Record(rec) => rec
                .event
                .as_ref()
                .filter(|e| e.envelope != rec.name)
                .map(|e| (named, e)),
            _ => None,
        })
    };
    if let Some((named, _)) = events().find(|(_, e)| e.etype == Some(etype)) {
        return Ok(named);
    }
    let patterned = events().find(|(_, e)| e.etype.is_none() && e.etype_pattern.is_some_and(|p| p.is_match(etype)));
    if let Some((named, _)) = patterned {
        return Ok(named);
    }
    if response_etype(etype).is_some() || map.contains_key("ok") {
        if let Some(rpc_response) = catalogue.iter().copied().find(|named| named.name() == "RpcResponse") {
            return Ok(rpc_response);
        }
    }
    Ok(fallback)
}

/// Splits a response etype `{ETYPE}_RESPONSE@{uuid}` into `(ETYPE, uuid)`, greedily as spec §4.6 says (in
/// `A_RESPONSE@B_RESPONSE@c`, ETYPE is `A_RESPONSE@B`); `None` when the etype is not of that form.
pub fn response_etype(etype: &str) -> Option<(&str, &str)> {
    const MARK: &str = "_RESPONSE@";
    etype
        .rmatch_indices(MARK)
        .map(|(i, _)| (&etype[..i], &etype[i + MARK.len()..]))
        .find(|(head, tail)| !head.is_empty() && !tail.is_empty())
}

// =============================================================================================================
// Record helpers for the generated code
// =============================================================================================================

/// Reads the fields of a record out of its (canonical) map: `required`/`optional` for each declared field, then
/// `rest` (open records) or `finish` (closed records).
///
/// Fields asked for in the map's order are found at once; any other order works too.
#[derive(Debug)]
pub struct Fields {
    entries: Vec<Option<(String, Value)>>,
    next: usize,
}

impl Fields {
    /// The fields of a map value; `WrongType` for anything else.
    pub fn new(value: Value) -> Result<Fields> {
        match value {
            Value::Map(map) => Ok(Fields {
                entries: map.into_entries().into_iter().map(Some).collect(),
                next: 0,
            }),
            other => Err(wrong_type("a map", &other)),
        }
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        let is_key = |entry: &Option<(String, Value)>| matches!(entry, Some((k, _)) if k == key);
        let i = if self.entries.get(self.next).is_some_and(is_key) {
            self.next
        } else {
            self.entries.iter().position(is_key)?
        };
        self.next = i + 1;
        self.entries[i].take().map(|(_, v)| v)
    }

    /// The field `key`; `MissingField` at `key` when absent, and conversion errors under `key`.
    pub fn required<T: FromValue>(&mut self, key: &str) -> Result<T> {
        match self.take(key) {
            Some(v) => T::from_value(v).map_err(|e| e.in_key(key)),
            None => Err(Error::new(ErrorKind::MissingField, "required field is missing").in_key(key)),
        }
    }

    /// The field `key`, `None` when absent. For a nullable optional field use `Option<Option<T>>`: `nil` is
    /// `Some(None)`.
    pub fn optional<T: FromValue>(&mut self, key: &str) -> Result<Option<T>> {
        match self.take(key) {
            Some(v) => T::from_value(v).map(Some).map_err(|e| e.in_key(key)),
            None => Ok(None),
        }
    }

    /// The entries not taken yet, in order (an open record's extra fields).
    pub fn rest(self) -> Map {
        let mut map = Map::new();
        for (k, v) in self.entries.into_iter().flatten() {
            map.push_unique(k, v);
        }
        map
    }

    /// Ends a closed record: `InvalidValue` at the first entry not taken.
    pub fn finish(self) -> Result<()> {
        match self.entries.into_iter().flatten().next() {
            Some((k, _)) => Err(Error::new(ErrorKind::InvalidValue, format!("unknown field {k:?}")).in_key(&k)),
            None => Ok(()),
        }
    }
}

/// Builds a record's map in field order: `field` for required fields, `optional` for optional ones (`None` is
/// left out, never written as `nil`), `extra` for an open record's extra fields.
#[derive(Debug, Default)]
pub struct MapBuilder {
    map: Map,
}

impl MapBuilder {
    /// A builder with room for `n` entries.
    pub fn with_capacity(n: usize) -> Self {
        MapBuilder {
            map: Map::with_capacity(n),
        }
    }

    /// Sets the entry `key` (a key set twice keeps its first position and its last value).
    pub fn field<T: ToValue + ?Sized>(&mut self, key: &str, value: &T) -> &mut Self {
        self.map.insert(key, value.to_value());
        self
    }

    /// Sets the entry `key` when `value` is `Some`.
    pub fn optional<T: ToValue>(&mut self, key: &str, value: &Option<T>) -> &mut Self {
        if let Some(v) = value {
            self.map.insert(key, v.to_value());
        }
        self
    }

    /// Appends the entries of `extra`, in order (an entry whose key is already set replaces that value in place).
    pub fn extra(&mut self, extra: &Map) -> &mut Self {
        // The keys of `extra` are unique among themselves: only the entries set before need looking at.
        let before = self.map.len();
        for (k, v) in extra.iter() {
            if self.map.keys().take(before).any(|key| key == k) {
                self.map.insert(k, v.clone());
            } else {
                self.map.push_unique(k.to_owned(), v.clone());
            }
        }
        self
    }

    /// The map value.
    pub fn build(self) -> Value {
        Value::Map(self.map)
    }
}

// =============================================================================================================
// FromValue / ToValue for the Rust types VMP values map to
// =============================================================================================================

macro_rules! int_conversions {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self> {
                match value {
                    Value::Int(i) => <$t>::try_from(i).map_err(|_| {
                        let message = format!("{i} is outside {}..{} ({})", <$t>::MIN, <$t>::MAX, stringify!($t));
                        Error::new(ErrorKind::IntegerOutOfRange, message)
                    }),
                    other => Err(wrong_type(concat!("an integer (", stringify!($t), ")"), &other)),
                }
            }
        }

        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Int(i128::from(*self))
            }
        }
    )*};
}
int_conversions!(u8, u16, u32, u64, i8, i16, i32, i64);

impl FromValue for bool {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(wrong_type("a boolean", &other)),
        }
    }
}

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}

impl FromValue for f64 {
    /// A float64; a float32 or an integer converts when exact (spec §3.11, rows 3 and 4).
    fn from_value(value: Value) -> Result<Self> {
        to_f64(value)
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::F64(*self)
    }
}

impl FromValue for f32 {
    /// A float32; a float64 or an integer converts when exact (spec §3.11, rows 4 and 9).
    fn from_value(value: Value) -> Result<Self> {
        to_f32(value)
    }
}

impl ToValue for f32 {
    fn to_value(&self) -> Value {
        Value::F32(*self)
    }
}

impl FromValue for String {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Str(s) => Ok(s),
            other => Err(wrong_type("a string", &other)),
        }
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Str(self.clone())
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Str(self.to_owned())
    }
}

impl FromValue for Bytes {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Bin(b) => Ok(b),
            other => Err(wrong_type("bytes (bin)", &other)),
        }
    }
}

impl ToValue for Bytes {
    fn to_value(&self) -> Value {
        Value::Bin(self.clone())
    }
}

impl FromValue for Value {
    fn from_value(value: Value) -> Result<Self> {
        Ok(value)
    }
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

impl FromValue for Map {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Map(m) => Ok(m),
            other => Err(wrong_type("a map", &other)),
        }
    }
}

impl ToValue for Map {
    fn to_value(&self) -> Value {
        Value::Map(self.clone())
    }
}

impl FromValue for ZData {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::ZData(z) => Ok(*z),
            other => Err(wrong_type("ZData", &other)),
        }
    }
}

impl ToValue for ZData {
    fn to_value(&self) -> Value {
        Value::ZData(Box::new(self.clone()))
    }
}

impl FromValue for NdArray {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::ZData(z) => match *z {
                ZData::Array(a) => Ok(a),
                other => Err(Error::new(
                    ErrorKind::WrongType,
                    format!("expected an array, got ZData ({})", other.ztype()),
                )),
            },
            other => Err(wrong_type("an array (ZData)", &other)),
        }
    }
}

impl ToValue for NdArray {
    fn to_value(&self) -> Value {
        Value::ZData(Box::new(ZData::Array(self.clone())))
    }
}

impl FromValue for () {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Nil => Ok(()),
            other => Err(wrong_type("nil", &other)),
        }
    }
}

impl ToValue for () {
    fn to_value(&self) -> Value {
        Value::Nil
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| T::from_value(v).map_err(|e| e.in_index(i)))
                .collect(),
            other => Err(wrong_type("an array", &other)),
        }
    }
}

impl<T: ToValue> ToValue for Vec<T> {
    fn to_value(&self) -> Value {
        self.as_slice().to_value()
    }
}

impl<T: ToValue> ToValue for [T] {
    fn to_value(&self) -> Value {
        Value::Array(self.iter().map(ToValue::to_value).collect())
    }
}

impl<T: FromValue> FromValue for Option<T> {
    /// `nil` is `None`.
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Nil => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl<T: ToValue> ToValue for Option<T> {
    /// `None` is `nil`.
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Nil, ToValue::to_value)
    }
}

impl<T: FromValue> FromValue for Box<T> {
    fn from_value(value: Value) -> Result<Self> {
        T::from_value(value).map(Box::new)
    }
}

impl<T: ToValue + ?Sized> ToValue for Box<T> {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

impl<T: FromValue> FromValue for IndexMap<String, T> {
    /// A map, its entries in order.
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Map(map) => {
                let mut out = IndexMap::with_capacity(map.len());
                for (k, v) in map {
                    let v = T::from_value(v).map_err(|e| e.in_key(&k))?;
                    out.insert(k, v);
                }
                Ok(out)
            }
            other => Err(wrong_type("a map", &other)),
        }
    }
}

impl<T: ToValue> ToValue for IndexMap<String, T> {
    fn to_value(&self) -> Value {
        let mut map = Map::with_capacity(self.len());
        for (k, v) in self {
            map.push_unique(k.clone(), v.to_value());
        }
        Value::Map(map)
    }
}

#[cfg(test)]
mod tests {
    use super::super::schema::{Alias, Field, Pattern};
    use super::*;

    // -- hand-built descriptors ------------------------------------------------------------------------------

    static F64_TYPE: Type = Type::Float(FloatWidth::F64);
    static STR_TYPE: Type = Type::Str(&StrType::ANY);
    static NAME: StrType = StrType {
        constant: None,
        one_of: None,
        pattern: None,
        min_length: Some(1),
        max_length: Some(3),
    };
    static COLOR: StrType = StrType {
        constant: None,
        one_of: Some(&["red", "green"]),
        ..StrType::ANY
    };
    static HEX_PATTERN: Pattern = Pattern::new("^#[0-9a-f]{6}$");
    static HEX: StrType = StrType {
        pattern: Some(&HEX_PATTERN),
        ..StrType::ANY
    };
    static ONLY_A: StrType = StrType {
        constant: Some("a"),
        ..StrType::ANY
    };
    static ANY_ITEMS: ArrayType = ArrayType {
        items: Type::Any,
        min_items: None,
        max_items: None,
    };
    static VECTOR3: ArrayType = ArrayType {
        items: Type::Float(FloatWidth::F64),
        min_items: Some(3),
        max_items: Some(3),
    };
    static U64: Type = Type::Int {
        min: 0,
        max: u64::MAX as i128,
    };

    /// A closed record with an int, a float, a constrained string, an optional nullable float, a free-form field
    /// and a float32.
    static SAMPLE: Named = Named::Record(Record {
        name: "Sample",
        fields: &[
            Field {
                name: "n",
                ty: Type::Int { min: 0, max: 255 },
                required: true,
            },
            Field {
                name: "x",
                ty: Type::Float(FloatWidth::F64),
                required: true,
            },
            Field {
                name: "name",
                ty: Type::Str(&NAME),
                required: false,
            },
            Field {
                name: "opt",
                ty: Type::Nullable(&F64_TYPE),
                required: false,
            },
            Field {
                name: "any",
                ty: Type::Any,
                required: false,
            },
            Field {
                name: "f",
                ty: Type::Float(FloatWidth::F32),
                required: false,
            },
        ],
        open: false,
        ztype: None,
        event: None,
    });

    /// An open record (a scene element).
    static ELEMENT: Named = Named::Record(Record {
        name: "Element",
        fields: &[
            Field {
                name: "tag",
                ty: Type::Str(&StrType::ANY),
                required: true,
            },
            Field {
                name: "key",
                ty: Type::Str(&StrType::ANY),
                required: true,
            },
            Field {
                name: "children",
                ty: Type::Array(&ANY_ITEMS),
                required: false,
            },
        ],
        open: true,
        ztype: None,
        event: None,
    });

    static BOX_KIND: StrType = StrType {
        constant: Some("box"),
        ..StrType::ANY
    };
    static BALL_KIND: StrType = StrType {
        constant: Some("ball"),
        ..StrType::ANY
    };
    static BOX: Named = Named::Record(Record {
        name: "Box",
        fields: &[
            Field {
                name: "kind",
                ty: Type::Str(&BOX_KIND),
                required: true,
            },
            Field {
                name: "size",
                ty: Type::Array(&VECTOR3),
                required: true,
            },
        ],
        open: false,
        ztype: None,
        event: None,
    });
    static BALL: Named = Named::Record(Record {
        name: "Ball",
        fields: &[
            Field {
                name: "kind",
                ty: Type::Str(&BALL_KIND),
                required: true,
            },
            Field {
                name: "r",
                ty: Type::Float(FloatWidth::F64),
                required: true,
            },
        ],
        open: false,
        ztype: None,
        event: None,
    });
    static SHAPE: Named = Named::Union(Union {
        name: "Shape",
        tag: "kind",
        variants: &[("box", &BOX), ("ball", &BALL)],
    });
    static SHAPES: ArrayType = ArrayType {
        items: Type::Named(&SHAPE),
        min_items: None,
        max_items: None,
    };
    static TIMESTAMP: Named = Named::Alias(Alias {
        name: "Timestamp",
        ty: Type::Int {
            min: 0,
            max: u64::MAX as i128,
        },
    });

    static NON_EMPTY: Pattern = Pattern::new("^.+$");
    static ETYPE_ANY: StrType = StrType {
        pattern: Some(&NON_EMPTY),
        ..StrType::ANY
    };
    static MESSAGE: Named = Named::Record(Record {
        name: "Message",
        fields: &[
            Field {
                name: "ts",
                ty: Type::Named(&TIMESTAMP),
                required: false,
            },
            Field {
                name: "etype",
                ty: Type::Str(&ETYPE_ANY),
                required: true,
            },
            Field {
                name: "data",
                ty: Type::Any,
                required: false,
            },
            Field {
                name: "value",
                ty: Type::Any,
                required: false,
            },
        ],
        open: false,
        ztype: None,
        event: Some(EventInfo {
            envelope: "Message",
            etype: None,
            etype_pattern: None,
        }),
    });
    static RPC_RESPONSE: Named = Named::Record(Record {
        name: "RpcResponse",
        fields: &[
            Field {
                name: "ts",
                ty: Type::Named(&TIMESTAMP),
                required: false,
            },
            Field {
                name: "etype",
                ty: Type::Str(&StrType::ANY),
                required: true,
            },
            Field {
                name: "ok",
                ty: Type::Bool,
                required: false,
            },
            Field {
                name: "error",
                ty: Type::Nullable(&STR_TYPE),
                required: false,
            },
            Field {
                name: "data",
                ty: Type::Any,
                required: false,
            },
            Field {
                name: "value",
                ty: Type::Any,
                required: false,
            },
        ],
        open: false,
        ztype: None,
        event: Some(EventInfo {
            envelope: "RpcResponse",
            etype: None,
            etype_pattern: None,
        }),
    });
    /// A message type whose etype field is a plain string: the event's const is what rejects another etype.
    static SET: Named = Named::Record(Record {
        name: "SetEvent",
        fields: &[
            Field {
                name: "ts",
                ty: U64,
                required: true,
            },
            Field {
                name: "etype",
                ty: Type::Str(&StrType::ANY),
                required: true,
            },
            Field {
                name: "data",
                ty: Type::Named(&ELEMENT),
                required: true,
            },
        ],
        open: false,
        ztype: None,
        event: Some(EventInfo {
            envelope: "ServerEvent",
            etype: Some("SET"),
            etype_pattern: None,
        }),
    });
    static GRAB_PATTERN: Pattern = Pattern::new("^GRAB_RENDER_RESPONSE@.+$");
    static GRAB_RENDER_RESPONSE: Named = Named::Record(Record {
        name: "GrabRenderResponse",
        fields: &[
            Field {
                name: "ts",
                ty: Type::Named(&TIMESTAMP),
                required: false,
            },
            Field {
                name: "etype",
                ty: Type::Str(&StrType::ANY),
                required: true,
            },
            Field {
                name: "value",
                ty: Type::Any,
                required: true,
            },
        ],
        open: false,
        ztype: None,
        event: Some(EventInfo {
            envelope: "RpcResponse",
            etype: None,
            etype_pattern: Some(&GRAB_PATTERN),
        }),
    });
    static CATALOGUE: &[&Named] = &[&MESSAGE, &RPC_RESPONSE, &SET, &GRAB_RENDER_RESPONSE];

    // UpdateEvent of spec §4.2.
    static ELEMENT_PATCH: Named = Named::Record(Record {
        name: "ElementPatch",
        fields: &[
            Field {
                name: "tag",
                ty: Type::Str(&StrType::ANY),
                required: false,
            },
            Field {
                name: "key",
                ty: Type::Str(&StrType::ANY),
                required: true,
            },
            Field {
                name: "children",
                ty: Type::Array(&ANY_ITEMS),
                required: false,
            },
        ],
        open: true,
        ztype: None,
        event: None,
    });
    static PATCHES: ArrayType = ArrayType {
        items: Type::Named(&ELEMENT_PATCH),
        min_items: None,
        max_items: None,
    };
    static UPDATE_DATA: Named = Named::Record(Record {
        name: "UpdateData",
        fields: &[Field {
            name: "nodes",
            ty: Type::Array(&PATCHES),
            required: true,
        }],
        open: false,
        ztype: None,
        event: None,
    });
    static UPDATE_ETYPE: StrType = StrType {
        constant: Some("UPDATE"),
        ..StrType::ANY
    };
    static UPDATE_EVENT: Named = Named::Record(Record {
        name: "UpdateEvent",
        fields: &[
            Field {
                name: "ts",
                ty: Type::Named(&TIMESTAMP),
                required: true,
            },
            Field {
                name: "etype",
                ty: Type::Str(&UPDATE_ETYPE),
                required: true,
            },
            Field {
                name: "data",
                ty: Type::Named(&UPDATE_DATA),
                required: true,
            },
            Field {
                name: "strict",
                ty: Type::Bool,
                required: false,
            },
        ],
        open: false,
        ztype: None,
        event: Some(EventInfo {
            envelope: "ServerEvent",
            etype: Some("UPDATE"),
            etype_pattern: None,
        }),
    });

    static NDARRAY: Named = Named::Record(Record {
        name: "NdArray",
        fields: &[Field {
            name: "ztype",
            ty: Type::Str(&StrType::ANY),
            required: true,
        }],
        open: false,
        ztype: Some("numpy.ndarray"),
        event: None,
    });

    // -- helpers ---------------------------------------------------------------------------------------------

    fn hex(s: &str) -> Vec<u8> {
        let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
        digits
            .chunks(2)
            .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).expect("ascii"), 16).expect("hex"))
            .collect()
    }

    fn map(entries: Vec<(&str, Value)>) -> Value {
        let mut m = Map::new();
        for (k, v) in entries {
            assert!(m.insert(k, v).is_none(), "test maps have unique keys");
        }
        Value::Map(m)
    }

    fn ok(ty: Type, value: Value) -> Value {
        match check(ty, value, &DecodeOptions::default()) {
            Ok(v) => v,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    /// The kind and printed path of the error `check` gives.
    fn fails(ty: Type, value: Value) -> (ErrorKind, String) {
        fails_with(ty, value, &DecodeOptions::default())
    }

    fn fails_with(ty: Type, value: Value, options: &DecodeOptions) -> (ErrorKind, String) {
        match check(ty, value, options) {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(e) => (e.kind(), e.path_string()),
        }
    }

    fn kind_of<T: std::fmt::Debug>(r: Result<T>) -> (ErrorKind, String) {
        match r {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(e) => (e.kind(), e.path_string()),
        }
    }

    fn sample(entries: Vec<(&str, Value)>) -> Value {
        ok(Type::Named(&SAMPLE), map(entries))
    }

    fn sample_fails(entries: Vec<(&str, Value)>) -> (ErrorKind, String) {
        fails(Type::Named(&SAMPLE), map(entries))
    }

    use ErrorKind::*;
    const INT: Type = Type::Int { min: 0, max: 255 };
    const F64: Type = Type::Float(FloatWidth::F64);
    const F32: Type = Type::Float(FloatWidth::F32);

    // -- §3.11 rows 1 and 5: integers ------------------------------------------------------------------------

    #[test]
    fn integers_in_any_width_and_integral_floats() {
        // Row 1: `cd 00 01` and `d0 01` are 1 (wire reading), `d3 ... ` is ts 1700000000000.
        for bytes in ["cd 00 01", "d0 01", "01"] {
            assert_eq!(decode_as(INT, hex(bytes), &DecodeOptions::default()), Ok(Value::Int(1)));
        }
        assert_eq!(
            decode_as(U64, hex("d3 00 00 01 8b cf e5 68 00"), &DecodeOptions::default()),
            Ok(Value::Int(1_700_000_000_000))
        );
        // Row 5: `cb 42 78 bc fe 56 80 00 00` in ts is 1700000000000.
        assert_eq!(
            decode_as(U64, hex("cb 42 78 bc fe 56 80 00 00"), &DecodeOptions::default()),
            Ok(Value::Int(1_700_000_000_000))
        );
        assert_eq!(ok(INT, Value::F32(3.0)), Value::Int(3));
        assert_eq!(ok(INT, Value::F64(-0.0)), Value::Int(0), "-0.0 reads as 0");
        assert_eq!(ok(U64, Value::Int(u64::MAX as i128)), Value::Int(u64::MAX as i128));
    }

    #[test]
    fn integer_conversion_limits() {
        assert_eq!(fails(INT, Value::F64(1.5)), (WrongType, "(root)".into()));
        assert_eq!(fails(INT, Value::F64(f64::NAN)), (WrongType, "(root)".into()));
        assert_eq!(fails(INT, Value::F64(f64::INFINITY)), (WrongType, "(root)".into()));
        assert_eq!(fails(INT, Value::F32(0.5)), (WrongType, "(root)".into()));
        assert_eq!(fails(INT, Value::F64(256.0)), (IntegerOutOfRange, "(root)".into()));
        assert_eq!(fails(INT, Value::F64(1e300)), (IntegerOutOfRange, "(root)".into()));
        assert_eq!(fails(INT, Value::Int(256)), (IntegerOutOfRange, "(root)".into()));
        assert_eq!(fails(U64, Value::Int(-1)), (IntegerOutOfRange, "(root)".into()));
        assert_eq!(fails(INT, Value::Str("1".into())), (WrongType, "(root)".into()));
        assert_eq!(fails(INT, Value::Nil), (WrongType, "(root)".into()));
        assert_eq!(fails(INT, Value::Bool(true)), (WrongType, "(root)".into()));
        let e = check(INT, Value::Str("1".into()), &DecodeOptions::default()).expect_err("a string is no integer");
        assert!(
            e.message().contains("expected an integer") && e.message().contains("str"),
            "{}",
            e.message()
        );
    }

    // -- §3.11 rows 3, 4 and 9: floats -----------------------------------------------------------------------

    #[test]
    fn float64_fields_widen_float32_and_integers() {
        // Row 3: `ca 3f c0 00 00` is 1.5; 0.1f is 0.10000000149011612.
        assert_eq!(ok(F64, Value::F32(1.5)), Value::F64(1.5));
        assert_eq!(
            ok(F64, Value::F32(f32::from_bits(0x3dcc_cccd))),
            Value::F64(0.10000000149011612)
        );
        assert_eq!(ok(F64, Value::F32(-0.0)), Value::F64(-0.0));
        // The NaN bit rule: `ca 7f c0 00 00` becomes `cb 7f f8 00 00 00 00 00 00`.
        assert_eq!(
            ok(F64, Value::F32(f32::from_bits(0x7fc0_0000))),
            Value::F64(f64::from_bits(0x7ff8_0000_0000_0000))
        );
        assert_eq!(
            ok(F64, Value::F32(f32::from_bits(0xff80_0001))),
            Value::F64(f64::from_bits(0xfff0_0000_2000_0000))
        );
        // Row 4: `02` in a float field is 2.0.
        assert_eq!(ok(F64, Value::Int(2)), Value::F64(2.0));
        assert_eq!(ok(F64, Value::Int(1 << 53)), Value::F64(9007199254740992.0));
        assert_eq!(
            ok(F64, Value::F64(f64::from_bits(0x7ff0_0000_0000_0001))),
            Value::F64(f64::from_bits(0x7ff0_0000_0000_0001))
        );
    }

    #[test]
    fn float64_conversion_limits() {
        assert_eq!(fails(F64, Value::Int((1 << 53) + 1)), (InvalidValue, "(root)".into()));
        assert_eq!(
            fails(F64, Value::Int(u64::MAX as i128)),
            (InvalidValue, "(root)".into())
        );
        assert_eq!(fails(F64, Value::Str("1.0".into())), (WrongType, "(root)".into()));
        assert_eq!(fails(F64, Value::Nil), (WrongType, "(root)".into()));
    }

    #[test]
    fn float32_fields_take_exact_values_only() {
        // Row 9: `cb 3f f8 00 00 00 00 00 00` in a float32 field is `ca 3f c0 00 00`.
        assert_eq!(ok(F32, Value::F64(1.5)), Value::F32(1.5));
        assert_eq!(ok(F32, Value::F64(f64::INFINITY)), Value::F32(f32::INFINITY));
        assert_eq!(
            ok(F32, Value::F64(f64::from_bits(0x7ff8_0000_0000_0000))),
            Value::F32(f32::from_bits(0x7fc0_0000))
        );
        assert_eq!(ok(F32, Value::Int(16_777_216)), Value::F32(16_777_216.0));
        assert_eq!(ok(F32, Value::F32(0.1)), Value::F32(0.1));
        assert_eq!(fails(F32, Value::F64(0.1)), (InvalidValue, "(root)".into()));
        assert_eq!(fails(F32, Value::F64(1e300)), (InvalidValue, "(root)".into()));
        assert_eq!(fails(F32, Value::Int(16_777_217)), (InvalidValue, "(root)".into()));
        assert_eq!(fails(F32, Value::Bool(false)), (WrongType, "(root)".into()));
        // A NaN narrows to the NaN it widens from, and back.
        for bits in [0x7fc0_0000u32, 0xffc0_0001, 0x7f80_0001] {
            let wide = widen_f32(f32::from_bits(bits));
            assert_eq!(narrow_f64(wide).map(f32::to_bits), Some(bits));
        }
    }

    // -- strings and other scalars ---------------------------------------------------------------------------

    #[test]
    fn string_constraints_are_invalid_values() {
        let name = Type::Str(&NAME);
        assert_eq!(
            ok(name, Value::Str("é😀".into())),
            Value::Str("é😀".into()),
            "lengths count code points"
        );
        assert_eq!(fails(name, Value::Str("".into())), (InvalidValue, "(root)".into()));
        assert_eq!(fails(name, Value::Str("abcd".into())), (InvalidValue, "(root)".into()));
        assert_eq!(
            ok(Type::Str(&COLOR), Value::Str("red".into())),
            Value::Str("red".into())
        );
        assert_eq!(
            fails(Type::Str(&COLOR), Value::Str("blue".into())),
            (InvalidValue, "(root)".into())
        );
        assert_eq!(
            ok(Type::Str(&HEX), Value::Str("#00ff00".into())),
            Value::Str("#00ff00".into())
        );
        assert_eq!(
            fails(Type::Str(&HEX), Value::Str("#00ff0".into())),
            (InvalidValue, "(root)".into())
        );
        assert_eq!(
            fails(Type::Str(&ONLY_A), Value::Str("b".into())),
            (InvalidValue, "(root)".into())
        );
        assert_eq!(
            fails(name, Value::Bin(Bytes::from_static(b"ab"))),
            (WrongType, "(root)".into())
        );
    }

    #[test]
    fn bool_null_and_bytes_take_their_kind_only() {
        assert_eq!(ok(Type::Bool, Value::Bool(true)), Value::Bool(true));
        assert_eq!(fails(Type::Bool, Value::Int(1)), (WrongType, "(root)".into()));
        assert_eq!(ok(Type::Null, Value::Nil), Value::Nil);
        assert_eq!(fails(Type::Null, Value::Map(Map::new())), (WrongType, "(root)".into()));
        let bin = Value::Bin(Bytes::from_static(&[1, 2]));
        assert_eq!(ok(Type::Bytes, bin.clone()), bin);
        assert_eq!(
            fails(Type::Bytes, Value::Str("AQI=".into())),
            (WrongType, "(root)".into())
        );
        assert_eq!(
            fails(Type::Bytes, Value::Array(vec![Value::Int(1)])),
            (WrongType, "(root)".into())
        );
    }

    // -- free-form values and ZData --------------------------------------------------------------------------

    #[test]
    fn free_form_values_stay_as_sent() {
        let v = Value::Array(vec![
            Value::Int(1),
            Value::F32(1.0),
            Value::F64(1.0),
            Value::Nil,
            Value::Bin(Bytes::from_static(b"x")),
            map(vec![
                ("b", Value::Int(2)),
                ("a", Value::Int(1)),
                ("ztype", Value::Int(3)),
            ]),
        ]);
        assert_eq!(
            ok(Type::Any, v.clone()),
            v,
            "ints stay ints, float32 stays float32, order kept"
        );
        assert_eq!(
            fails(Type::Any, Value::Array(vec![Value::Int(INT_MAX + 1)])),
            (IntegerOutOfRange, "[0]".into())
        );
        assert_eq!(
            fails(Type::Any, Value::Int(INT_MIN - 1)),
            (IntegerOutOfRange, "(root)".into())
        );
    }

    #[test]
    fn free_form_maps_with_a_string_ztype_are_zdata_at_any_depth() {
        let z = map(vec![
            ("b", Value::Bin(Bytes::from_static(&[1]))),
            ("ztype", Value::Str("mylib.v1.Thing".into())),
        ]);
        let v = map(vec![(
            "list",
            Value::Array(vec![Value::Nil, map(vec![("inner", z.clone())])]),
        )]);
        let checked = ok(Type::Any, v);
        let inner = checked
            .get("list")
            .and_then(|l| l.as_array())
            .and_then(|a| a[1].get("inner"));
        let Some(Value::ZData(zd)) = inner else {
            panic!("expected ZData, got {inner:?}")
        };
        assert_eq!(zd.ztype(), "mylib.v1.Thing");
        assert_eq!(
            Some(&zd.to_map()),
            z.as_map(),
            "an unknown ztype keeps its entries in order"
        );
        // Errors from ZData carry the path of the map.
        let strict = DecodeOptions::strict();
        let v = Value::Array(vec![Value::Nil, map(vec![("z", z)])]);
        assert_eq!(fails_with(Type::Any, v, &strict), (UnknownZType, "[1].z.ztype".into()));
        // A ZData value passes as it is.
        let zdata = Value::ZData(Box::new(ZData::Opaque(
            map(vec![("ztype", Value::Str("x.y".into()))])
                .as_map()
                .cloned()
                .unwrap_or_default(),
        )));
        assert_eq!(ok(Type::Any, zdata.clone()), zdata);
    }

    #[test]
    fn zdata_fields_need_a_map_with_a_string_ztype() {
        let z = ok(Type::ZData, map(vec![("ztype", Value::Str("a.b".into()))]));
        assert!(matches!(&z, Value::ZData(d) if d.ztype() == "a.b"), "{z:?}");
        assert_eq!(ok(Type::ZData, z.clone()), z);
        assert_eq!(
            fails(Type::ZData, map(vec![("b", Value::Nil)])),
            (MissingField, "ztype".into())
        );
        assert_eq!(
            fails(Type::ZData, map(vec![("ztype", Value::Int(1))])),
            (WrongType, "ztype".into())
        );
        assert_eq!(
            fails(Type::ZData, Value::Bin(Bytes::new())),
            (WrongType, "(root)".into())
        );
    }

    #[test]
    fn zdata_records_require_their_ztype() {
        let nd = map(vec![("ztype", Value::Str("numpy.ndarray".into()))]);
        // An unknown ztype is an opaque ZData value, not the record's ztype: InvalidValue at `ztype`. A map without
        // a ztype is read as the record (MissingField there).
        let other = map(vec![
            ("ztype", Value::Str("x.Other".into())),
            ("b", Value::Bin(Bytes::new())),
        ]);
        assert_eq!(fails(Type::Named(&NDARRAY), other), (InvalidValue, "ztype".into()));
        assert_eq!(
            fails(Type::Named(&NDARRAY), Map::new().into()),
            (MissingField, "ztype".into())
        );
        assert_eq!(
            fails(Type::Named(&NDARRAY), Value::Int(1)),
            (WrongType, "(root)".into())
        );
        if let Ok(v) = check(Type::Named(&NDARRAY), nd, &DecodeOptions::default()) {
            assert!(matches!(&v, Value::ZData(z) if z.ztype() == "numpy.ndarray"), "{v:?}");
        }
        let opaque = Value::ZData(Box::new(ZData::Opaque(
            map(vec![("ztype", Value::Str("x.y".into()))])
                .as_map()
                .cloned()
                .unwrap_or_default(),
        )));
        assert_eq!(fails(Type::Named(&NDARRAY), opaque), (InvalidValue, "ztype".into()));
    }

    // -- containers ------------------------------------------------------------------------------------------

    #[test]
    fn arrays_maps_and_nullables() {
        let three = Value::Array(vec![Value::Int(1), Value::F32(2.0), Value::F64(3.0)]);
        assert_eq!(
            ok(Type::Array(&VECTOR3), three),
            Value::Array(vec![Value::F64(1.0), Value::F64(2.0), Value::F64(3.0)])
        );
        assert_eq!(
            fails(Type::Array(&VECTOR3), Value::Array(vec![Value::F64(1.0)])),
            (InvalidValue, "(root)".into())
        );
        let four = Value::Array(vec![Value::F64(1.0); 4]);
        assert_eq!(fails(Type::Array(&VECTOR3), four), (InvalidValue, "(root)".into()));
        let bad = Value::Array(vec![Value::F64(1.0), Value::Str("2".into())]);
        assert_eq!(
            fails(Type::Array(&VECTOR3), bad),
            (WrongType, "[1]".into()),
            "items before the count"
        );
        assert_eq!(fails(Type::Array(&VECTOR3), map(vec![])), (WrongType, "(root)".into()));

        let floats = Type::Map(&F64_TYPE);
        let m = map(vec![("z", Value::Int(1)), ("a", Value::F64(2.5))]);
        assert_eq!(ok(floats, m), map(vec![("z", Value::F64(1.0)), ("a", Value::F64(2.5))]));
        assert_eq!(
            fails(floats, map(vec![("odd key", Value::Nil)])),
            (WrongType, "[\"odd key\"]".into())
        );
        assert_eq!(fails(floats, Value::Array(vec![])), (WrongType, "(root)".into()));

        let nullable = Type::Nullable(&F64_TYPE);
        assert_eq!(ok(nullable, Value::Nil), Value::Nil);
        assert_eq!(ok(nullable, Value::Int(1)), Value::F64(1.0));
        assert_eq!(fails(nullable, Value::Bool(true)), (WrongType, "(root)".into()));
    }

    #[test]
    fn depth_is_limited_to_512_containers() {
        fn nested(n: usize) -> Value {
            let mut v = Value::Array(vec![]);
            for _ in 1..n {
                v = Value::Array(vec![v]);
            }
            v
        }
        // In a thread with the default 2 MiB stack: the checker must not need more.
        let handle = std::thread::spawn(|| {
            let deep = nested(512);
            assert_eq!(check(Type::Any, deep.clone(), &DecodeOptions::default()), Ok(deep));
            let (kind, _) = fails(Type::Any, nested(513));
            assert_eq!(kind, DepthExceeded);
            assert!(encode_value(&nested(513)).is_err());
            let mut m = Value::Map(Map::new());
            for _ in 0..600 {
                m = map(vec![("a", m)]);
            }
            assert_eq!(fails(Type::Any, m).0, DepthExceeded);
        });
        assert!(handle.join().is_ok());
    }

    // -- records (§3.11 row 6, §4.5) -------------------------------------------------------------------------

    #[test]
    fn records_come_out_in_schema_order() {
        let v = sample(vec![
            ("name", Value::Str("ab".into())),
            ("x", Value::Int(2)),
            ("n", Value::F64(7.0)),
        ]);
        assert_eq!(
            v,
            map(vec![
                ("n", Value::Int(7)),
                ("x", Value::F64(2.0)),
                ("name", Value::Str("ab".into()))
            ])
        );
        assert_eq!(
            v.as_map().map(|m| m.keys().collect::<Vec<_>>()),
            Some(vec!["n", "x", "name"])
        );
    }

    #[test]
    fn record_errors_carry_their_field_paths() {
        assert_eq!(sample_fails(vec![("x", Value::F64(1.0))]), (MissingField, "n".into()));
        assert_eq!(sample_fails(vec![("n", Value::Int(1))]), (MissingField, "x".into()));
        assert_eq!(
            sample_fails(vec![
                ("n", Value::Int(1)),
                ("x", Value::F64(1.0)),
                ("extra", Value::Int(1))
            ]),
            (InvalidValue, "extra".into())
        );
        assert_eq!(
            sample_fails(vec![("n", Value::Int(300)), ("x", Value::F64(1.0))]),
            (IntegerOutOfRange, "n".into())
        );
        assert_eq!(
            sample_fails(vec![("n", Value::Int(1)), ("x", Value::Nil)]),
            (WrongType, "x".into()),
            "nil in a non-nullable field"
        );
        assert_eq!(
            sample_fails(vec![("n", Value::Int(1)), ("x", Value::F64(1.0)), ("name", Value::Nil)]),
            (WrongType, "name".into())
        );
        assert_eq!(
            sample_fails(vec![
                ("n", Value::Int(1)),
                ("x", Value::F64(1.0)),
                ("f", Value::F64(0.1))
            ]),
            (InvalidValue, "f".into())
        );
        // The first defect in entry order wins, and missing fields come last.
        assert_eq!(
            sample_fails(vec![("extra", Value::Int(1)), ("n", Value::Str("1".into()))]),
            (InvalidValue, "extra".into())
        );
        assert_eq!(
            sample_fails(vec![("n", Value::Str("1".into())), ("extra", Value::Int(1))]),
            (WrongType, "n".into())
        );
        assert_eq!(
            fails(Type::Named(&SAMPLE), Value::Array(vec![])),
            (WrongType, "(root)".into())
        );
        let strict = DecodeOptions::strict();
        let z = map(vec![("ztype", Value::Str("unknown.Type".into()))]);
        let v = map(vec![
            ("n", Value::Int(1)),
            ("x", Value::F64(1.0)),
            ("any", Value::Array(vec![z])),
        ]);
        assert_eq!(
            fails_with(Type::Named(&SAMPLE), v, &strict),
            (UnknownZType, "any[0].ztype".into())
        );
    }

    #[test]
    fn optional_fields_keep_nil_apart_from_absent() {
        let with_nil = sample(vec![
            ("n", Value::Int(1)),
            ("x", Value::F64(1.0)),
            ("opt", Value::Nil),
            ("any", Value::Nil),
        ]);
        assert_eq!(with_nil.get("opt"), Some(&Value::Nil));
        assert_eq!(with_nil.get("any"), Some(&Value::Nil));
        let absent = sample(vec![("n", Value::Int(1)), ("x", Value::F64(1.0))]);
        assert_eq!(absent.get("opt"), None);
        assert_eq!(absent.as_map().map(Map::len), Some(2));
    }

    #[test]
    fn open_records_keep_extra_fields_after_the_declared_ones() {
        let z = map(vec![("ztype", Value::Str("x.Y".into()))]);
        let input = map(vec![
            ("size", Value::F32(0.5)),
            ("key", Value::Str("b".into())),
            ("a", Value::Int(1)),
            ("tag", Value::Str("Box".into())),
            ("mesh", z),
        ]);
        let v = ok(Type::Named(&ELEMENT), input);
        assert_eq!(
            v.as_map().map(|m| m.keys().collect::<Vec<_>>()),
            Some(vec!["tag", "key", "size", "a", "mesh"])
        );
        assert_eq!(
            v.get("size"),
            Some(&Value::F32(0.5)),
            "extras are free-form: float32 stays float32"
        );
        assert!(
            matches!(v.get("mesh"), Some(Value::ZData(_))),
            "extras are free-form: ZData is detected"
        );
        let missing = map(vec![("tag", Value::Str("Box".into())), ("a", Value::Int(1))]);
        assert_eq!(fails(Type::Named(&ELEMENT), missing), (MissingField, "key".into()));
    }

    #[test]
    fn aliases_are_their_type() {
        assert_eq!(ok(Type::Named(&TIMESTAMP), Value::F64(5.0)), Value::Int(5));
        assert_eq!(
            fails(Type::Named(&TIMESTAMP), Value::Int(-1)),
            (IntegerOutOfRange, "(root)".into())
        );
    }

    // -- unions ----------------------------------------------------------------------------------------------

    #[test]
    fn unions_select_their_variant_by_tag() {
        let ball = map(vec![("r", Value::Int(2)), ("kind", Value::Str("ball".into()))]);
        assert_eq!(
            ok(Type::Named(&SHAPE), ball),
            map(vec![("kind", Value::Str("ball".into())), ("r", Value::F64(2.0))])
        );
        let shapes = Value::Array(vec![
            map(vec![("kind", Value::Str("ball".into())), ("r", Value::F64(1.0))]),
            map(vec![
                ("kind", Value::Str("box".into())),
                ("size", Value::Array(vec![Value::F64(1.0)])),
            ]),
        ]);
        assert_eq!(fails(Type::Array(&SHAPES), shapes), (InvalidValue, "[1].size".into()));
        assert_eq!(
            fails(Type::Named(&SHAPE), map(vec![("r", Value::F64(1.0))])),
            (MissingField, "kind".into())
        );
        assert_eq!(
            fails(Type::Named(&SHAPE), map(vec![("kind", Value::Int(1))])),
            (WrongType, "kind".into())
        );
        assert_eq!(
            fails(Type::Named(&SHAPE), map(vec![("kind", Value::Str("cone".into()))])),
            (InvalidValue, "kind".into())
        );
        assert_eq!(fails(Type::Named(&SHAPE), Value::Nil), (WrongType, "(root)".into()));
        let extra = map(vec![
            ("kind", Value::Str("ball".into())),
            ("r", Value::F64(1.0)),
            ("x", Value::Nil),
        ]);
        assert_eq!(fails(Type::Named(&SHAPE), extra), (InvalidValue, "x".into()));
    }

    // -- messages (§4.6) -------------------------------------------------------------------------------------

    #[test]
    fn message_types_check_their_etype() {
        let element = map(vec![
            ("tag", Value::Str("Scene".into())),
            ("key", Value::Str("root".into())),
        ]);
        let set = |etype: &str| {
            map(vec![
                ("ts", Value::Int(1)),
                ("etype", Value::Str(etype.into())),
                ("data", element.clone()),
            ])
        };
        assert!(check(Type::Named(&SET), set("SET"), &DecodeOptions::default()).is_ok());
        assert_eq!(fails(Type::Named(&SET), set("ADD")), (InvalidValue, "etype".into()));
        let grab = |etype: &str| map(vec![("etype", Value::Str(etype.into())), ("value", Value::Nil)]);
        assert!(check(
            Type::Named(&GRAB_RENDER_RESPONSE),
            grab("GRAB_RENDER_RESPONSE@u-1"),
            &DecodeOptions::default()
        )
        .is_ok());
        assert_eq!(
            fails(Type::Named(&GRAB_RENDER_RESPONSE), grab("GRAB_RENDER_RESPONSE")),
            (InvalidValue, "etype".into())
        );
        assert_eq!(
            fails(Type::Named(&MESSAGE), map(vec![("etype", Value::Str("".into()))])),
            (InvalidValue, "etype".into())
        );
        assert_eq!(
            fails(Type::Named(&MESSAGE), map(vec![("etype", Value::Int(1))])),
            (WrongType, "etype".into())
        );
        assert_eq!(
            fails(Type::Named(&MESSAGE), map(vec![("ts", Value::Int(1))])),
            (MissingField, "etype".into())
        );
    }

    fn select(v: &Value) -> Result<&'static str> {
        select_message(v, CATALOGUE, &MESSAGE).map(Named::name)
    }

    #[test]
    fn message_selection_follows_the_rules_of_4_6() {
        // The example of §4.6: HELLO is a Message whose value is free-form.
        let hello = hex(
            "83 a2 74 73 cf 00 00 01 8b cf e5 68 00 a5 65 74 79 70 65 a5 48 45 4c 4c 4f a5 76 61 6c 75 65 81 a1 6e 01",
        );
        let (ty, v) =
            decode_message(hello.clone(), CATALOGUE, &MESSAGE, &DecodeOptions::default()).expect("HELLO decodes");
        assert_eq!(ty.name(), "Message");
        assert_eq!(v.get("value"), Some(&map(vec![("n", Value::Int(1))])));
        assert_eq!(encode_as(Type::Named(ty), v, &DecodeOptions::default()), Ok(hello));

        let etype = |e: &str| map(vec![("etype", Value::Str(e.into()))]);
        assert_eq!(select(&etype("SET")), Ok("SetEvent"));
        assert_eq!(select(&etype("GRAB_RENDER_RESPONSE@u-1")), Ok("GrabRenderResponse"));
        assert_eq!(select(&etype("RENDER_RESPONSE@u-1")), Ok("RpcResponse"));
        assert_eq!(select(&etype("A_RESPONSE@B_RESPONSE@c")), Ok("RpcResponse"));
        assert_eq!(
            select(&etype("_RESPONSE@u-1")),
            Ok("Message"),
            "ETYPE is at least one character"
        );
        assert_eq!(
            select(&etype("X_RESPONSE@")),
            Ok("Message"),
            "uuid is at least one character"
        );
        assert_eq!(select(&etype("HELLO")), Ok("Message"));
        assert_eq!(
            select(&etype("RpcResponse")),
            Ok("Message"),
            "envelopes are not selected by etype"
        );
        let vrpc_py = map(vec![("etype", Value::Str("rpc-123".into())), ("ok", Value::Bool(true))]);
        assert_eq!(select(&vrpc_py), Ok("RpcResponse"), "a frame with ok is a response");
        assert_eq!(kind_of(select(&Value::Array(vec![]))), (WrongType, "(root)".into()));
        assert_eq!(
            kind_of(select(&map(vec![("ts", Value::Int(1))]))),
            (MissingField, "etype".into())
        );
        assert_eq!(
            kind_of(select(&map(vec![("etype", Value::Int(1))]))),
            (WrongType, "etype".into())
        );
    }

    #[test]
    fn response_etypes_split_greedily() {
        assert_eq!(response_etype("A_RESPONSE@B_RESPONSE@c"), Some(("A_RESPONSE@B", "c")));
        assert_eq!(response_etype("GRAB_RENDER_RESPONSE@u-1"), Some(("GRAB_RENDER", "u-1")));
        assert_eq!(response_etype("A_RESPONSE@B_RESPONSE@"), Some(("A", "B_RESPONSE@")));
        assert_eq!(response_etype("RESPONSE@u"), None);
        assert_eq!(response_etype("HELLO"), None);
    }

    // -- whole frames ----------------------------------------------------------------------------------------

    /// The UpdateEvent of spec §4.2.
    const UPDATE_BYTES: &str = "84 a2 74 73 cf 00 00 01 8b cf e5 68 00 a5 65 74 79 70 65 a6 55 50 44 41 54 45
        a4 64 61 74 61 81 a5 6e 6f 64 65 73 91 82 a3 6b 65 79 a4 62 6f 78 31
        a8 70 6f 73 69 74 69 6f 6e 93 01 00 00 a6 73 74 72 69 63 74 c2";

    #[test]
    fn the_update_event_of_4_2_decodes_and_reencodes() {
        let options = DecodeOptions::default();
        let v = decode_as(Type::Named(&UPDATE_EVENT), hex(UPDATE_BYTES), &options).expect("UpdateEvent decodes");
        let node = map(vec![
            ("key", Value::Str("box1".into())),
            (
                "position",
                Value::Array(vec![Value::Int(1), Value::Int(0), Value::Int(0)]),
            ),
        ]);
        let expected = map(vec![
            ("ts", Value::Int(1_700_000_000_000)),
            ("etype", Value::Str("UPDATE".into())),
            ("data", map(vec![("nodes", Value::Array(vec![node]))])),
            ("strict", Value::Bool(false)),
        ]);
        assert_eq!(v, expected);
        assert_eq!(
            encode_as(Type::Named(&UPDATE_EVENT), v, &options),
            Ok(hex(UPDATE_BYTES))
        );
        assert_eq!(
            select(&expected).ok(),
            Some("Message"),
            "UPDATE is not in this test catalogue"
        );
    }

    #[test]
    fn the_vuer_servers_order_and_msgpackr_floats_reencode_canonically() {
        // ts as float64, `ts, data, etype, strict`, map16 headers: §4.7.
        let vuer = "de 00 04 a2 74 73 cb 42 78 bc fe 56 80 00 00
            a4 64 61 74 61 de 00 01 a5 6e 6f 64 65 73 91 82 a3 6b 65 79 a4 62 6f 78 31
            a8 70 6f 73 69 74 69 6f 6e 93 01 00 00 a5 65 74 79 70 65 a6 55 50 44 41 54 45 a6 73 74 72 69 63 74 c2";
        let options = DecodeOptions::default();
        let v = decode_as(Type::Named(&UPDATE_EVENT), hex(vuer), &options).expect("the Vuer server's frame decodes");
        assert_eq!(
            encode_as(Type::Named(&UPDATE_EVENT), v, &options),
            Ok(hex(UPDATE_BYTES))
        );
    }

    #[test]
    fn the_set_event_of_3_10_as_msgpackr_writes_it_reencodes_to_58_bytes() {
        let canonical = hex(
            "83 a2 74 73 cf 00 00 01 8b cf e5 68 00 a5 65 74 79 70 65 a3 53 45 54 a4 64 61 74 61
             83 a3 74 61 67 a5 53 63 65 6e 65 a3 6b 65 79 a4 72 6f 6f 74 a8 63 68 69 6c 64 72 65 6e 90",
        );
        let msgpackr = hex(
            "de 00 03 a2 74 73 cb 42 78 bc fe 56 80 00 00 a5 65 74 79 70 65 a3 53 45 54 a4 64 61 74 61
             de 00 03 a3 74 61 67 a5 53 63 65 6e 65 a3 6b 65 79 a4 72 6f 6f 74 a8 63 68 69 6c 64 72 65 6e 90",
        );
        assert_eq!((canonical.len(), msgpackr.len()), (58, 62));
        let options = DecodeOptions::default();
        let (ty, v) = decode_message(msgpackr, CATALOGUE, &MESSAGE, &options).expect("the msgpackr frame decodes");
        assert_eq!(ty.name(), "SetEvent");
        assert_eq!(encode_as(Type::Named(ty), v, &options), Ok(canonical));
    }

    /// The float32 array `[1, 2, 3]` of spec §3.10.
    const ZDATA_F32: &str = "84 a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79 a1 62 c4 0c
        00 00 80 3f 00 00 00 40 00 00 40 40 a5 64 74 79 70 65 a7 66 6c 6f 61 74 33 32 a5 73 68 61 70 65 91 03";

    #[test]
    fn zdata_arrays_decode_in_free_form_positions_and_records() {
        let v = decode_value(hex(ZDATA_F32)).expect("the array decodes");
        assert!(matches!(&v, Value::ZData(z) if matches!(**z, ZData::Array(_))), "{v:?}");
        assert_eq!(encode_value(&v), Ok(hex(ZDATA_F32)));
        assert!(NdArray::from_value(v.clone()).is_ok());
        let options = DecodeOptions::default();
        let record = decode_as(Type::Named(&NDARRAY), hex(ZDATA_F32), &options).expect("an NdArray");
        assert_eq!(record, v);
        assert_eq!(check(Type::Named(&NDARRAY), v.clone(), &options), Ok(v.clone()));
        assert_eq!(decode_as(Type::ZData, hex(ZDATA_F32), &options), Ok(v.clone()));
        // The same map as a torch.Tensor is not an NdArray record.
        let torch = hex(&ZDATA_F32.replace(
            "ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79",
            "ac 74 6f 72 63 68 2e 54 65 6e 73 6f 72",
        ));
        assert!(decode_value(torch.clone()).is_ok());
        assert_eq!(
            kind_of(decode_as(Type::Named(&NDARRAY), torch, &options)),
            (InvalidValue, "ztype".into())
        );
        // A free-form map holding the array, and ZData errors under the path of the map (§8.2 ShapeMismatch).
        let value = map(vec![
            ("n", Value::Int(1)),
            ("x", Value::F64(1.0)),
            ("any", map(vec![("a", v)])),
        ]);
        let bytes = encode_as(Type::Named(&SAMPLE), value.clone(), &options).expect("encodes");
        assert_eq!(decode_as(Type::Named(&SAMPLE), bytes, &options), Ok(value));
        let short = hex(
            "84 a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79 a1 62 c4 08 00 00 80 3f 00 00 00 40
            a5 64 74 79 70 65 a7 66 6c 6f 61 74 33 32 a5 73 68 61 70 65 91 03",
        );
        let mut frame = hex("83 a1 6e 01 a1 78 cb 3f f0 00 00 00 00 00 00 a3 61 6e 79 81 a1 61");
        frame.extend(short);
        assert_eq!(
            kind_of(decode_as(Type::Named(&SAMPLE), frame, &options)),
            (ShapeMismatch, "any.a.b".into())
        );
    }

    #[test]
    fn schema_errors_of_8_2_have_their_paths() {
        let options = DecodeOptions::default();
        // `etype: 1`
        let frame = hex("82 a2 74 73 cf 00 00 01 8b cf e5 68 00 a5 65 74 79 70 65 01");
        assert_eq!(
            kind_of(decode_as(Type::Named(&MESSAGE), frame, &options)),
            (WrongType, "etype".into())
        );
        // no etype
        let frame = hex("82 a2 74 73 cf 00 00 01 8b cf e5 68 00 a4 64 61 74 61 c0");
        assert_eq!(
            kind_of(decode_as(Type::Named(&MESSAGE), frame, &options)),
            (MissingField, "etype".into())
        );
        // an extra top-level field in a closed message
        let frame = hex("83 a5 65 74 79 70 65 a5 48 45 4c 4c 4f a5 65 78 74 72 61 01 a2 74 73 00");
        assert_eq!(
            kind_of(decode_as(Type::Named(&MESSAGE), frame, &options)),
            (InvalidValue, "extra".into())
        );
        // ts -1
        let frame = hex("82 a2 74 73 ff a5 65 74 79 70 65 a9 54 45 52 4d 49 4e 41 54 45");
        assert_eq!(
            kind_of(decode_as(Type::Named(&MESSAGE), frame, &options)),
            (IntegerOutOfRange, "ts".into())
        );
    }

    // -- typed values ----------------------------------------------------------------------------------------

    /// What the generated code for `Sample` looks like.
    #[derive(Debug, PartialEq)]
    struct Sample {
        n: u8,
        x: f64,
        name: Option<String>,
        opt: Option<Option<f64>>,
        any: Option<Value>,
        f: Option<f32>,
    }

    impl FromValue for Sample {
        fn from_value(value: Value) -> Result<Self> {
            let mut fields = Fields::new(value)?;
            let sample = Sample {
                n: fields.required("n")?,
                x: fields.required("x")?,
                name: fields.optional("name")?,
                opt: fields.optional("opt")?,
                any: fields.optional("any")?,
                f: fields.optional("f")?,
            };
            fields.finish()?;
            Ok(sample)
        }
    }

    impl ToValue for Sample {
        fn to_value(&self) -> Value {
            let mut map = MapBuilder::with_capacity(6);
            map.field("n", &self.n)
                .field("x", &self.x)
                .optional("name", &self.name)
                .optional("opt", &self.opt)
                .optional("any", &self.any)
                .optional("f", &self.f);
            map.build()
        }
    }

    impl Typed for Sample {
        const TYPE: &'static Named = &SAMPLE;
    }

    #[test]
    fn typed_values_decode_and_encode() {
        // {x: 1 (an integer), n: 1 (uint 16), opt: nil}, read as Sample.
        let frame = hex("83 a1 78 01 a1 6e cd 00 01 a3 6f 70 74 c0");
        let s: Sample = decode(frame).expect("decodes");
        assert_eq!(
            s,
            Sample {
                n: 1,
                x: 1.0,
                name: None,
                opt: Some(None),
                any: None,
                f: None
            }
        );
        // Canonical: {n: 1, x: 1.0, opt: nil} in schema order, x as float64.
        let canonical = hex("83 a1 6e 01 a1 78 cb 3f f0 00 00 00 00 00 00 a3 6f 70 74 c0");
        assert_eq!(encode(&s), Ok(canonical.clone()));
        let mut out = vec![0xff];
        assert_eq!(encode_into(&s, &mut out), Ok(()));
        assert_eq!(out[1..], canonical[..]);
        // A value the schema refuses is an error on encode, and leaves `out` as it was.
        let bad = Sample {
            name: Some("long name".into()),
            ..s
        };
        assert_eq!(kind_of(encode_into(&bad, &mut out)), (InvalidValue, "name".into()));
        assert_eq!(out.len(), 1 + canonical.len());
        let strict = DecodeOptions::strict();
        let frame = hex("82 a1 6e 00 a1 78 ca 3f c0 00 00");
        assert_eq!(decode_with::<Sample>(frame, &strict).map(|s| s.x), Ok(1.5));
        assert_eq!(
            kind_of(decode::<Sample>(hex("81 a1 6e 00"))),
            (MissingField, "x".into())
        );
    }

    #[test]
    fn free_form_values_encode_canonically() {
        let v = map(vec![("b", Value::Int(1)), ("a", Value::F32(1.5))]);
        assert_eq!(encode_value(&v), Ok(hex("82 a1 62 01 a1 61 ca 3f c0 00 00")));
        assert_eq!(decode_value(hex("82 a1 62 01 a1 61 ca 3f c0 00 00")), Ok(v));
        let z = map(vec![("ztype", Value::Str("x.Y".into())), ("n", Value::Int(1))]);
        assert_eq!(encode_value(&z), Ok(hex("82 a5 7a 74 79 70 65 a3 78 2e 59 a1 6e 01")));
        assert_eq!(
            kind_of(encode_value(&Value::Int(INT_MAX + 1))),
            (IntegerOutOfRange, "(root)".into())
        );
    }

    // -- Fields and MapBuilder -------------------------------------------------------------------------------

    #[test]
    fn fields_take_entries_in_any_order() {
        let v = map(vec![
            ("a", Value::Int(1)),
            ("b", Value::Str("x".into())),
            ("c", Value::Nil),
            ("d", Value::F64(1.0)),
        ]);
        let mut fields = Fields::new(v.clone()).expect("a map");
        assert_eq!(fields.required::<String>("b"), Ok("x".to_owned()));
        assert_eq!(fields.required::<u8>("a"), Ok(1));
        assert_eq!(
            fields.optional::<Option<u8>>("c"),
            Ok(Some(None)),
            "nil in a nullable optional field"
        );
        assert_eq!(fields.optional::<u8>("zz"), Ok(None));
        assert_eq!(
            fields.rest(),
            map(vec![("d", Value::F64(1.0))]).as_map().cloned().unwrap_or_default()
        );

        let mut fields = Fields::new(v.clone()).expect("a map");
        assert_eq!(
            kind_of(fields.required::<u8>("missing")),
            (MissingField, "missing".into())
        );
        assert_eq!(kind_of(fields.required::<u8>("b")), (WrongType, "b".into()));
        assert_eq!(kind_of(fields.finish()), (InvalidValue, "a".into()));

        let mut fields = Fields::new(v).expect("a map");
        for key in ["a", "b", "c", "d"] {
            assert!(fields.optional::<Value>(key).ok().flatten().is_some());
        }
        assert_eq!(fields.finish(), Ok(()));
        assert_eq!(kind_of(Fields::new(Value::Nil)), (WrongType, "(root)".into()));
    }

    #[test]
    fn map_builder_writes_fields_in_order() {
        let mut extra = Map::new();
        extra.insert("z", 1u8);
        extra.insert("y", "s");
        let mut b = MapBuilder::with_capacity(4);
        b.field("tag", "Box")
            .optional("none", &None::<u8>)
            .optional("some", &Some(2.5f64))
            .field("list", &vec![1u8, 2]);
        b.extra(&extra);
        let expected = map(vec![
            ("tag", Value::Str("Box".into())),
            ("some", Value::F64(2.5)),
            ("list", Value::Array(vec![Value::Int(1), Value::Int(2)])),
            ("z", Value::Int(1)),
            ("y", Value::Str("s".into())),
        ]);
        assert_eq!(b.build(), expected);
        // An extra entry named like a field set before replaces its value in place.
        let mut clash = Map::new();
        clash.insert("w", 0u8);
        clash.insert("tag", "Sphere");
        let mut b = MapBuilder::default();
        b.field("tag", "Box").extra(&clash);
        assert_eq!(
            b.build(),
            map(vec![("tag", Value::Str("Sphere".into())), ("w", Value::Int(0))])
        );
    }

    // -- FromValue / ToValue ---------------------------------------------------------------------------------

    #[test]
    fn conversions_check_kinds_and_ranges() {
        assert_eq!(u8::from_value(Value::Int(255)), Ok(255));
        assert_eq!(
            kind_of(u8::from_value(Value::Int(256))),
            (IntegerOutOfRange, "(root)".into())
        );
        assert_eq!(
            kind_of(i8::from_value(Value::Int(-129))),
            (IntegerOutOfRange, "(root)".into())
        );
        assert_eq!(u64::from_value(Value::Int(u64::MAX as i128)), Ok(u64::MAX));
        assert_eq!(i64::from_value(Value::Int(i64::MIN as i128)), Ok(i64::MIN));
        assert_eq!(kind_of(i32::from_value(Value::F64(1.0))), (WrongType, "(root)".into()));
        assert_eq!(f64::from_value(Value::F32(1.5)), Ok(1.5));
        assert_eq!(
            kind_of(f32::from_value(Value::F64(0.1))),
            (InvalidValue, "(root)".into())
        );
        assert_eq!(bool::from_value(Value::Bool(true)), Ok(true));
        assert_eq!(<()>::from_value(Value::Nil), Ok(()));
        assert_eq!(kind_of(<()>::from_value(Value::Int(0))), (WrongType, "(root)".into()));
        assert_eq!(
            Bytes::from_value(Value::Bin(Bytes::from_static(b"ab"))),
            Ok(Bytes::from_static(b"ab"))
        );
        assert_eq!(
            kind_of(String::from_value(Value::Bin(Bytes::new()))),
            (WrongType, "(root)".into())
        );
        let list = Value::Array(vec![Value::Int(1), Value::Str("x".into())]);
        assert_eq!(kind_of(Vec::<u8>::from_value(list)), (WrongType, "[1]".into()));
        assert_eq!(Option::<u8>::from_value(Value::Nil), Ok(None));
        assert_eq!(Box::<u8>::from_value(Value::Int(3)), Ok(Box::new(3)));
        let m = map(vec![("b", Value::Int(1)), ("a", Value::Int(2))]);
        let im = IndexMap::<String, u8>::from_value(m.clone()).expect("a map of u8");
        assert_eq!(im.keys().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(im.to_value(), m);
        assert_eq!(
            kind_of(IndexMap::<String, bool>::from_value(m)),
            (WrongType, "b".into())
        );
        assert_eq!(
            kind_of(Map::from_value(Value::Array(vec![]))),
            (WrongType, "(root)".into())
        );
        assert_eq!(kind_of(ZData::from_value(Value::Nil)), (WrongType, "(root)".into()));
        let opaque = ZData::Opaque(Map::new());
        assert_eq!(
            kind_of(NdArray::from_value(opaque.to_value())),
            (WrongType, "(root)".into())
        );
        assert_eq!(ZData::from_value(opaque.to_value()), Ok(opaque));
        assert_eq!(Some(3u16).to_value(), Value::Int(3));
        assert_eq!(None::<u16>.to_value(), Value::Nil);
        assert_eq!(vec![true].to_value(), Value::Array(vec![Value::Bool(true)]));
        assert_eq!(1.5f32.to_value(), Value::F32(1.5));
        assert_eq!(().to_value(), Value::Nil);
        assert_eq!(Value::Int(1).to_value(), Value::Int(1));
    }
}
