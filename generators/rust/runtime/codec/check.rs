//! The checker: validates a [`Value`] against a type descriptor and makes it canonical (spec §3.11, §4.5, §7.1).

use super::scalars::{check_int, check_int_range, string_problem, to_f32, to_f64, wrong_type};
use crate::runtime::error::{Error, ErrorKind, Result};
use crate::runtime::ndarray::ArrayKind;
use crate::runtime::options::DecodeOptions;
use crate::runtime::schema::{resolve, ArrayType, EventInfo, FloatWidth, NdArrayType, Record, Resolved, Type, Union};
use crate::runtime::value::{CompactString, Map, Value, INT_MAX, INT_MIN};
use crate::runtime::wire::enter;
use crate::runtime::zdata::ZData;

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

/// [`check`] of a value inside `depth` containers.
pub(super) fn check_at(ty: Type, value: Value, options: &DecodeOptions, depth: usize) -> Result<Value> {
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
            Value::Map(map) if ztype_entry(&map) == Some("Uint8Array") => wrapped_bytes(map, options, depth),
            other => Err(wrong_type("bytes (bin)", &other)),
        },
        Type::Any => check_any(value, options, depth),
        Type::ZData => check_zdata_field(value, options, depth),
        Type::NdArray(nt) => check_ndarray_field(nt, value, options, depth),
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
pub(super) fn check_any(value: Value, options: &DecodeOptions, depth: usize) -> Result<Value> {
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

/// vrpc-ts's `{ztype: "Uint8Array", b, length}` where bytes are declared (spec §7.6): checked as that ZData and
/// read as its bytes.
fn wrapped_bytes(map: Map, options: &DecodeOptions, depth: usize) -> Result<Value> {
    enter(depth)?;
    match ZData::from_map(map, options)? {
        ZData::Array(array) => Ok(Value::Bin(array.into_bytes())),
        other => Err(wrong_type("bytes (bin)", &Value::ZData(Box::new(other)))),
    }
}

/// A catalogued message type selected by an `etype` pattern: a response of spec §5.3 (§4.6 rule 4).
fn is_catalogued_response(rec: &Record) -> bool {
    rec.event
        .as_ref()
        .is_some_and(|ev| ev.envelope != rec.name && ev.etype.is_none() && ev.etype_pattern.is_some())
}

/// The success status the upstream response helpers add (spec §4.4): `ok: true`, or nil in `error`, `data` or
/// `value`. A catalogued response that does not declare the field reads it as absent.
fn is_success_status(key: &str, value: &Value) -> bool {
    match (key, value) {
        ("ok", Value::Bool(ok)) => *ok,
        ("error" | "data" | "value", Value::Nil) => true,
        _ => false,
    }
}

/// The `ztype` entry of a map when it is a string: what makes a free-form map ZData (spec §7.1).
pub(super) fn ztype_entry(map: &Map) -> Option<&str> {
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

/// A typed array field (spec §7.11): ZData that decodes to an array (`numpy.ndarray`, `torch.Tensor`, a vrpc-ts
/// typed array) whose dtype and shape the field allows; canonical as `numpy.ndarray` whatever its form.
fn check_ndarray_field(nt: &NdArrayType, value: Value, options: &DecodeOptions, depth: usize) -> Result<Value> {
    let array = match check_zdata_field(value, options, depth)? {
        Value::ZData(z) => match *z {
            ZData::Array(array) => array,
            other => {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!(
                        "expected an array (numpy.ndarray, torch.Tensor or a typed array), got {}",
                        other.ztype()
                    ),
                )
                .in_key("ztype"))
            }
        },
        other => return Err(wrong_type("an array (ZData)", &other)),
    };
    if let Some(problem) = nt.problem(&array) {
        return Err(Error::new(ErrorKind::InvalidValue, problem));
    }
    Ok(Value::ZData(Box::new(ZData::Array(array.with_kind(ArrayKind::Numpy)))))
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
    let mut slots: Vec<Option<(CompactString, Value)>> = Vec::with_capacity(fields.len());
    slots.resize_with(fields.len(), || None);
    let mut extras: Vec<(CompactString, Value)> = Vec::new();
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
            None if is_catalogued_response(rec) && is_success_status(&key, &v) => {}
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
