//! The codec: schema-directed checking (decoding and encoding alike), message type selection (spec §4.6), and
//! the conversions between [`Value`] and Rust types that the generated code is built on.
//!
//! A generated type is decoded and encoded directly: its [`Decode`] reads it straight from the frame and its
//! [`Encode`] writes it from `&self`, both validating as they go against the type's descriptor, with a [`Value`]
//! only in free-form positions (`decode.rs`, `free.rs`, `encode.rs`). The direct paths build no errors: when one
//! meets a defect, the checked path runs instead and reports it. Checked decoding is [`wire::read`] (bytes to a raw
//! [`Value`], every wire error, no schema), then [`check`] against a type descriptor (the conversions of spec
//! §3.11, closed and open records, unions, ZData detection in free-form positions), then, for a generated type,
//! [`FromValue::from_value`]. Checked encoding is [`ToValue::to_value`], the same [`check`], then
//! [`wire::write_value`]. Free-form values ([`decode_value`], [`encode_value`]) take the direct paths too; other
//! untyped calls ([`decode_as`], [`encode_as`]) take the checked one. Rust keeps float widths, `bin` and map order natively, so there is a single mode, the lossless one
//! (spec §10).

use bytes::Bytes;

use super::error::Result;
use super::options::DecodeOptions;
use super::schema::{Named, Type};
use super::value::{Value, INT_MAX, INT_MIN};
use super::wire::{self, enter};

mod check;
mod conversions;
mod decode;
mod encode;
mod fields;
mod free;
mod scalars;
mod select;
#[cfg(test)]
mod tests;

pub use check::check;
pub use decode::{Cursor, Decode};
pub use encode::{etype_fits, record_of, Defect, Encode, Fast, Writer};
pub use fields::{Fields, MapBuilder};
pub use scalars::{narrow_f64, widen_f32};
pub use select::{response_etype, select_message};

use check::ztype_entry;
use scalars::check_int_range;

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

/// A named type of the spec with a generated Rust type: read and written directly ([`Decode`], [`Encode`]), or
/// through a [`Value`] and [`check`] ([`FromValue`], [`ToValue`]), which is where errors are reported.
pub trait Typed: FromValue + ToValue + Decode + Encode {
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

/// Decodes one frame as `T`, with the default options (unknown ztypes are kept as opaque values).
pub fn decode<T: Typed>(frame: impl Into<Bytes>) -> Result<T> {
    decode_with(frame, &DecodeOptions::default())
}

/// Decodes one frame as `T`, straight from the wire ([`Decode`]). When that stops at a defect, the checked path
/// (wire reading, [`check`] against `T::TYPE`, then [`FromValue::from_value`]) decodes the frame again and
/// reports the error.
pub fn decode_with<T: Typed>(frame: impl Into<Bytes>, options: &DecodeOptions) -> Result<T> {
    let frame: Bytes = frame.into();
    let mut cursor = Cursor::new(&frame, options);
    if let Ok(value) = T::decode(&mut cursor, Type::Named(T::TYPE)) {
        if cursor.at_end() {
            return Ok(value);
        }
    }
    T::from_value(decode_as(Type::Named(T::TYPE), frame, options)?)
}

/// Encodes `value` canonically after checking it against `T::TYPE`.
pub fn encode<T: Typed>(value: &T) -> Result<Vec<u8>> {
    // Room for a small message up front, as most are: no regrowth while writing one.
    let mut out = Vec::with_capacity(128);
    encode_into(value, &mut out)?;
    Ok(out)
}

/// Appends the canonical encoding of `value` to `out` (reuse one `Vec` across frames), written directly from
/// `value` ([`Encode`]). When that stops at a defect, the checked path ([`ToValue::to_value`], [`check`] against
/// `T::TYPE`, [`wire::write_value`]) encodes the value again and reports the error. On an error `out` is left as
/// it was.
pub fn encode_into<T: Typed>(value: &T, out: &mut Vec<u8>) -> Result<()> {
    let start = out.len();
    if value.encode(Type::Named(T::TYPE), &mut Writer::new(out)).is_ok() {
        return Ok(());
    }
    out.truncate(start);
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
    let frame: Bytes = frame.into();
    let options = DecodeOptions::default();
    let mut cursor = Cursor::new(&frame, &options);
    match cursor.any() {
        Ok(value) if cursor.at_end() => Ok(value),
        _ => decode_as(Type::Any, frame, &options),
    }
}

/// Encodes a free-form value canonically; maps with a string `ztype` are written as the ZData they denote.
pub fn encode_value(value: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(128);
    if Writer::new(&mut out).any(value).is_ok() {
        return Ok(out);
    }
    out.clear();
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
    fallback: Option<&'static Named>,
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
