//! The writer: a value's canonical bytes (spec §3): the smallest header of every item.

use super::enter;
use crate::runtime::error::{Error, ErrorKind, Result};
use crate::runtime::value::{Map, Value, INT_MAX, INT_MIN};

/// Writes `value`'s canonical encoding (spec §3) to `out`: integers in their smallest form (unsigned family
/// for values >= 0), float32 as `ca` and float64 as `cb` with their bits, smallest `str`/`bin`/array/map headers,
/// map entries in their order, ZData as its canonical map (`ZData::to_map`).
///
/// Errors: an integer outside -2^63..2^64-1 is `IntegerOutOfRange`; more than 512 nested containers is
/// `DepthExceeded` (checked before descending); a `str`, `bin`, array or map longer than 2^32-1 is
/// `InvalidValue`. Errors carry the path of the offending value. On error `out` holds a partial encoding.
pub fn write_value(out: &mut Vec<u8>, value: &Value) -> Result<()> {
    write_at(out, value, 0)
}

/// The canonical encoding of `value` (see [`write_value`]).
pub fn encode_value(value: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_value(&mut out, value)?;
    Ok(out)
}

/// Writes `value`, which sits inside `depth` containers. Recursion is bounded: a container at depth 512 is refused
/// before anything inside it is visited.
pub(crate) fn write_at(out: &mut Vec<u8>, value: &Value, depth: usize) -> Result<()> {
    match value {
        Value::Nil => write_nil(out),
        Value::Bool(b) => write_bool(out, *b),
        Value::Int(i) => write_int(out, *i)?,
        Value::F32(f) => write_f32(out, *f),
        Value::F64(f) => write_f64(out, *f),
        Value::Str(s) => write_str(out, s)?,
        Value::Bin(b) => write_bin(out, b)?,
        Value::Array(items) => {
            enter(depth)?;
            write_array_len(out, items.len())?;
            for (i, item) in items.iter().enumerate() {
                write_at(out, item, depth + 1).map_err(|e| e.in_index(i))?;
            }
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

fn write_map(out: &mut Vec<u8>, map: &Map, depth: usize) -> Result<()> {
    write_map_len(out, map.len())?;
    for (key, item) in map.iter() {
        write_str(out, key)?;
        write_at(out, item, depth + 1).map_err(|e| e.in_key(key))?;
    }
    Ok(())
}

/// A length as MessagePack's 32-bit length field, or `InvalidValue`.
fn length(len: usize, what: &str) -> Result<u32> {
    u32::try_from(len).map_err(|_| {
        Error::new(
            ErrorKind::InvalidValue,
            format!("{what} of length {len} exceeds MessagePack's 2^32-1"),
        )
    })
}

/// Writes `nil` (`c0`).
pub fn write_nil(out: &mut Vec<u8>) {
    out.push(0xc0);
}

/// Writes a bool (`c2` false, `c3` true).
pub fn write_bool(out: &mut Vec<u8>, b: bool) {
    out.push(if b { 0xc3 } else { 0xc2 });
}

/// Writes an integer in its smallest form (spec §3.2); outside -2^63..2^64-1 it is `IntegerOutOfRange`.
pub fn write_int(out: &mut Vec<u8>, v: i128) -> Result<()> {
    if v >= 0 {
        match u64::try_from(v) {
            Ok(u) => write_u64(out, u),
            Err(_) => return Err(out_of_range(v)),
        }
    } else {
        match i64::try_from(v) {
            Ok(i) => write_i64(out, i),
            Err(_) => return Err(out_of_range(v)),
        }
    }
    Ok(())
}

fn out_of_range(v: i128) -> Error {
    Error::new(
        ErrorKind::IntegerOutOfRange,
        format!("{v} is outside {INT_MIN}..{INT_MAX}"),
    )
}

/// Writes a non-negative integer in its smallest form (positive fixint, `cc`..`cf`).
#[inline]
pub fn write_u64(out: &mut Vec<u8>, v: u64) {
    if v < 0x80 {
        out.push(v as u8);
    } else if v <= 0xff {
        out.extend_from_slice(&[0xcc, v as u8]);
    } else if v <= 0xffff {
        head(out, 0xcd, &(v as u16).to_be_bytes());
    } else if v <= 0xffff_ffff {
        head(out, 0xce, &(v as u32).to_be_bytes());
    } else {
        head(out, 0xcf, &v.to_be_bytes());
    }
}

/// Writes an integer in its smallest form: the unsigned family for values >= 0, the signed one below.
#[inline]
pub fn write_i64(out: &mut Vec<u8>, v: i64) {
    if v >= 0 {
        write_u64(out, v as u64);
    } else if v >= -32 {
        out.push(v as u8);
    } else if v >= i64::from(i8::MIN) {
        out.extend_from_slice(&[0xd0, v as u8]);
    } else if v >= i64::from(i16::MIN) {
        head(out, 0xd1, &(v as i16).to_be_bytes());
    } else if v >= i64::from(i32::MIN) {
        head(out, 0xd2, &(v as i32).to_be_bytes());
    } else {
        head(out, 0xd3, &v.to_be_bytes());
    }
}

/// Writes a float32 (`ca` + its 4 bytes, bit-exact).
#[inline]
pub fn write_f32(out: &mut Vec<u8>, v: f32) {
    head(out, 0xca, &v.to_bits().to_be_bytes());
}

/// Writes a float64 (`cb` + its 8 bytes, bit-exact).
#[inline]
pub fn write_f64(out: &mut Vec<u8>, v: f64) {
    head(out, 0xcb, &v.to_bits().to_be_bytes());
}

/// Writes a `str` with the smallest header (fixstr, `d9`, `da`, `db`).
#[inline(always)]
pub fn write_str(out: &mut Vec<u8>, s: &str) -> Result<()> {
    // A fixstr (most keys and strings) is written inline; longer strings through a call.
    if s.len() >= 32 {
        return write_long_str(out, s);
    }
    out.push(0xa0 | s.len() as u8);
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// Writes a `str` of 32 bytes or more (`d9`, `da`, `db`).
fn write_long_str(out: &mut Vec<u8>, s: &str) -> Result<()> {
    sized(out, [0xd9, 0xda, 0xdb], length(s.len(), "str")?);
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// Writes a `bin` with the smallest header (`c4`, `c5`, `c6`).
#[inline]
pub fn write_bin(out: &mut Vec<u8>, b: &[u8]) -> Result<()> {
    let len = length(b.len(), "bin")?;
    sized(out, [0xc4, 0xc5, 0xc6], len);
    out.extend_from_slice(b);
    Ok(())
}

/// Writes the smallest array header for `len` items (fixarray, `dc`, `dd`).
#[inline]
pub fn write_array_len(out: &mut Vec<u8>, len: usize) -> Result<()> {
    let len = length(len, "array")?;
    if len < 16 {
        out.push(0x90 | len as u8);
    } else {
        sized(out, [0, 0xdc, 0xdd], len);
    }
    Ok(())
}

/// Writes the smallest map header for `len` entries (fixmap, `de`, `df`).
#[inline]
pub fn write_map_len(out: &mut Vec<u8>, len: usize) -> Result<()> {
    let len = length(len, "map")?;
    if len < 16 {
        out.push(0x80 | len as u8);
    } else {
        sized(out, [0, 0xde, 0xdf], len);
    }
    Ok(())
}

/// A format byte and its big-endian payload.
#[inline]
fn head(out: &mut Vec<u8>, marker: u8, bytes: &[u8]) {
    out.push(marker);
    out.extend_from_slice(bytes);
}

/// The smallest of three headers with an 8-, 16- and 32-bit length (`markers`; arrays and maps have no 8-bit
/// one and are never asked for it).
#[inline]
fn sized(out: &mut Vec<u8>, markers: [u8; 3], len: u32) {
    if len <= 0xff && markers[0] != 0 {
        out.extend_from_slice(&[markers[0], len as u8]);
    } else if len <= 0xffff {
        head(out, markers[1], &(len as u16).to_be_bytes());
    } else {
        head(out, markers[2], &len.to_be_bytes());
    }
}
