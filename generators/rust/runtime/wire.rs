//! The MessagePack layer of VMP, without a schema (spec §2, §3): [`read`] turns a frame into a raw [`Value`]
//! and reports every wire error (§2.4, §2.6, §8.2) with its kind, byte offset and path; [`write_value`] writes a
//! value's canonical bytes (§3). Schema conversions and ZData detection are the checker's job (`codec::check`):
//! here a map is a map, an integer an integer and a float32 a float32.
//!
//! Why the reader is hand-written rather than `rmpv::decode::read_value`: the value model is not the reason, since
//! `rmpv::Value` (1.x) keeps `F32` apart from `F64`, `Binary` apart from `String`, and map entries in order. The
//! reasons are: (1) zero copy: `bin` payloads here are `Bytes` slices of the frame, `rmpv::Value::Binary` is a
//! copied `Vec<u8>`; (2) the error taxonomy: VMP reports `Truncated`/`TrailingBytes`/`InvalidUtf8`/
//! `NonStringKey`/`DuplicateKey`/`DepthExceeded`/`UnsupportedExt`/`InvalidValue` with the byte offset of the failing
//! item and its path (§2.6, §8.1), while `rmpv` returns I/O-style errors without either, decodes ext items into
//! `Value::Ext`, accepts any value as a key and repeated keys, keeps invalid UTF-8 inside `Utf8String`, and leaves
//! trailing bytes to the caller; every one of those would need a second pass over the tree, which cannot recover
//! offsets; (3) the limits of §2.5: `rmpv` recurses with its own depth counter, where VMP needs exactly 512
//! containers with the error at the 513th, from an explicit stack. The writer, on the other hand, uses
//! `rmp::encode`'s primitives: they pick the smallest form exactly as §3 requires (unsigned family for values >= 0,
//! smallest length headers).

use std::collections::hash_map::RandomState;
use std::collections::HashSet;
use std::hash::BuildHasher;

use bytes::Bytes;

use super::error::{Error, ErrorKind, PathSeg, Result};
use super::value::{Map, Value, INT_MAX, INT_MIN};

/// At most this many nested containers (spec §2.5); entering one more is `DepthExceeded`.
pub const MAX_DEPTH: usize = 512;

/// Maps switch from a linear key scan to a hash set of key hashes once they hold this many entries.
const HASHED_KEYS_FROM: usize = 16;

// ---------------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------------

/// Reads exactly one MessagePack object from `frame` as a raw [`Value`] (no schema, no ZData detection).
///
/// Errors (spec §8.2): an empty frame or one that ends inside the object is `Truncated`; bytes after the object
/// are `TrailingBytes` (at the first extra byte); `c1` is `InvalidValue`; ext and fixext items are
/// `UnsupportedExt` (at the marker, payload unread); invalid UTF-8 in a `str` (key or value) is `InvalidUtf8`; a
/// key that is not a `str` is `NonStringKey`; a repeated key is `DuplicateKey` (at the second key, with the map's
/// path); a 513th nested container is `DepthExceeded`. Every error carries the offset of the item in which it was
/// detected and the path of that item. `bin` values share `frame`'s buffer.
pub fn read(frame: &Bytes) -> Result<Value> {
    Reader {
        frame,
        buf: frame.as_ref(),
        pos: 0,
        stack: Vec::new(),
        reserved: 0,
        hasher: None,
    }
    .run()
}

/// An open container: the items read so far, the declared count and the slots reserved up front.
enum Frame {
    Array {
        items: Vec<Value>,
        len: usize,
        reserved: usize,
    },
    Map {
        map: Map,
        len: usize,
        reserved: usize,
        /// The key whose value is being read (`None` while the next key is read).
        key: Option<String>,
        /// Hashes of the keys so far, once the map is large enough for a linear scan to hurt.
        hashes: Option<HashSet<u64>>,
    },
}

struct Reader<'a> {
    frame: &'a Bytes,
    buf: &'a [u8],
    pos: usize,
    stack: Vec<Frame>,
    /// Slots reserved up front by the open containers. A container reserves room for at most as many items as
    /// the remaining bytes could hold minus what the open containers already reserved, so nested hostile headers
    /// cannot multiply allocations: reservations never exceed the frame's length in items (§2.6).
    reserved: usize,
    hasher: Option<RandomState>,
}

/// The number of header bytes (format byte included) of each format, by first byte.
fn header_size(b: u8) -> usize {
    match b {
        0xc4 | 0xcc | 0xd0 | 0xd9 => 2,
        0xd4..=0xd8 => 2,
        0xc5 | 0xc7 | 0xcd | 0xd1 | 0xda | 0xdc | 0xde => 3,
        0xc8 => 4,
        0xc6 | 0xca | 0xce | 0xd2 | 0xdb | 0xdd | 0xdf => 5,
        0xc9 => 6,
        0xcb | 0xcf | 0xd3 => 9,
        _ => 1,
    }
}

/// The MessagePack specification's name of the format that starts with `b`.
pub fn format_name(b: u8) -> &'static str {
    match b {
        0x00..=0x7f => "positive fixint",
        0x80..=0x8f => "fixmap",
        0x90..=0x9f => "fixarray",
        0xa0..=0xbf => "fixstr",
        0xc0 => "nil",
        0xc1 => "never used",
        0xc2 => "false",
        0xc3 => "true",
        0xc4 => "bin8",
        0xc5 => "bin16",
        0xc6 => "bin32",
        0xc7 => "ext8",
        0xc8 => "ext16",
        0xc9 => "ext32",
        0xca => "float32",
        0xcb => "float64",
        0xcc => "uint8",
        0xcd => "uint16",
        0xce => "uint32",
        0xcf => "uint64",
        0xd0 => "int8",
        0xd1 => "int16",
        0xd2 => "int32",
        0xd3 => "int64",
        0xd4 => "fixext1",
        0xd5 => "fixext2",
        0xd6 => "fixext4",
        0xd7 => "fixext8",
        0xd8 => "fixext16",
        0xd9 => "str8",
        0xda => "str16",
        0xdb => "str32",
        0xdc => "array16",
        0xdd => "array32",
        0xde => "map16",
        0xdf => "map32",
        0xe0..=0xff => "negative fixint",
    }
}

/// A big-endian unsigned integer of `bytes.len()` (at most 8) bytes.
#[inline]
fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

impl Reader<'_> {
    fn run(mut self) -> Result<Value> {
        loop {
            if let Some(Frame::Map { key: None, .. }) = self.stack.last() {
                let key = self.read_key()?;
                if let Some(Frame::Map { key: slot, .. }) = self.stack.last_mut() {
                    *slot = Some(key);
                }
                continue;
            }
            let Some(mut value) = self.read_item()? else {
                continue; // a non-empty container was opened: its items come next
            };
            // Hand the value to its container, closing every container it completes.
            loop {
                let complete = match self.stack.last_mut() {
                    None => return self.finish(value),
                    Some(Frame::Array { items, len, .. }) => {
                        items.push(value);
                        items.len() == *len
                    }
                    Some(Frame::Map { map, len, key, .. }) => {
                        map.push_unique(key.take().unwrap_or_default(), value);
                        map.len() == *len
                    }
                };
                if !complete {
                    break;
                }
                value = match self.stack.pop() {
                    Some(Frame::Array { items, reserved, .. }) => {
                        self.reserved -= reserved;
                        Value::Array(items)
                    }
                    Some(Frame::Map { map, reserved, .. }) => {
                        self.reserved -= reserved;
                        Value::Map(map)
                    }
                    None => Value::Nil, // unreachable: the stack was not empty
                };
            }
        }
    }

    /// Reads one item; `None` when it opened a non-empty container.
    #[inline]
    fn read_item(&mut self) -> Result<Option<Value>> {
        let start = self.pos;
        let Some(&b) = self.buf.get(start) else {
            return Err(self.fail(
                ErrorKind::Truncated,
                "the input ends where a value should start".into(),
                start,
            ));
        };
        // Fast paths: the one-byte formats.
        match b {
            0x00..=0x7f => {
                self.pos += 1;
                return Ok(Some(Value::Int(i128::from(b))));
            }
            0xe0..=0xff => {
                self.pos += 1;
                return Ok(Some(Value::Int(i128::from(b as i8))));
            }
            0xa0..=0xbf => {
                self.pos += 1;
                return self.text(usize::from(b & 0x1f), start).map(|s| Some(Value::Str(s)));
            }
            0x90..=0x9f => {
                self.pos += 1;
                return self.open_array(usize::from(b & 0x0f), start);
            }
            0x80..=0x8f => {
                self.pos += 1;
                return self.open_map(usize::from(b & 0x0f), start);
            }
            0xc0 => {
                self.pos += 1;
                return Ok(Some(Value::Nil));
            }
            0xc2 | 0xc3 => {
                self.pos += 1;
                return Ok(Some(Value::Bool(b == 0xc3)));
            }
            0xc1 => return Err(self.fail(ErrorKind::InvalidValue, "0xc1 is never used".into(), start)),
            _ => {}
        }
        let (n, last) = self.header(b, start)?;
        let value = match b {
            0xcc..=0xcf => Value::Int(i128::from(n)),
            0xd0 => Value::Int(i128::from(n as u8 as i8)),
            0xd1 => Value::Int(i128::from(n as u16 as i16)),
            0xd2 => Value::Int(i128::from(n as u32 as i32)),
            0xd3 => Value::Int(i128::from(n as i64)),
            0xca => Value::F32(f32::from_bits(n as u32)),
            0xcb => Value::F64(f64::from_bits(n)),
            0xd9..=0xdb => Value::Str(self.text(n as usize, start)?),
            0xc4..=0xc6 => {
                let end = self.payload(n as usize, start)?;
                Value::Bin(self.frame.slice(end - n as usize..end))
            }
            0xdc | 0xdd => return self.open_array(n as usize, start),
            0xde | 0xdf => return self.open_map(n as usize, start),
            _ => {
                // ext8/16/32 and fixext1..16: the ext type is the header's last byte; the payload is not read.
                let ext_type = last as i8;
                let message = format!("{} (ext type {ext_type}): VMP has no ext types", format_name(b));
                return Err(self.fail(ErrorKind::UnsupportedExt, message, start));
            }
        };
        Ok(Some(value))
    }

    /// Checks that the whole header of the item at `start` is present, moves past it and returns the bytes after
    /// the format byte read as a big-endian integer (the value or the length), and the header's last byte (for
    /// ext, its type).
    #[inline]
    fn header(&mut self, b: u8, start: usize) -> Result<(u64, u8)> {
        let size = header_size(b);
        let left = self.buf.len() - start;
        if size > left {
            let message = format!("{} header needs {size} bytes, {left} remain", format_name(b));
            return Err(self.fail(ErrorKind::Truncated, message, start));
        }
        self.pos = start + size;
        let data = &self.buf[start + 1..start + size];
        Ok((be(data), data.last().copied().unwrap_or(b)))
    }

    /// Moves past `len` payload bytes after a header, checked against the input first; returns the end offset.
    #[inline]
    fn payload(&mut self, len: usize, start: usize) -> Result<usize> {
        let left = self.buf.len() - self.pos;
        if len > left {
            let b = self.buf[start];
            let message = format!("{} declares {len} bytes, {left} remain", format_name(b));
            return Err(self.fail(ErrorKind::Truncated, message, start));
        }
        self.pos += len;
        Ok(self.pos)
    }

    /// A `str` payload of `len` bytes, as strict UTF-8.
    #[inline]
    fn text(&mut self, len: usize, start: usize) -> Result<String> {
        let end = self.payload(len, start)?;
        match std::str::from_utf8(&self.buf[end - len..end]) {
            Ok(s) => Ok(s.to_owned()),
            Err(_) => {
                let message = format!("{} of {len} bytes is not valid UTF-8", format_name(self.buf[start]));
                Err(self.fail(ErrorKind::InvalidUtf8, message, start))
            }
        }
    }

    /// Reads a map key: a `str` the map has not seen yet.
    fn read_key(&mut self) -> Result<String> {
        let start = self.pos;
        let Some(&b) = self.buf.get(start) else {
            return Err(self.fail(
                ErrorKind::Truncated,
                "the input ends where a map key should start".into(),
                start,
            ));
        };
        let key = if (0xa0..=0xbf).contains(&b) {
            self.pos += 1;
            self.text(usize::from(b & 0x1f), start)?
        } else {
            let (len, _) = self.header(b, start)?;
            if !(0xd9..=0xdb).contains(&b) {
                let message = format!("map keys must be str, found {}", format_name(b));
                return Err(self.fail(ErrorKind::NonStringKey, message, start));
            }
            self.text(len as usize, start)?
        };
        if self.is_duplicate(&key) {
            let mut message = String::from("duplicate map key ");
            super::json::push_js_string(&mut message, &key);
            return Err(self.fail(ErrorKind::DuplicateKey, message, start));
        }
        Ok(key)
    }

    /// Whether the map on top of the stack already holds `key` (and, if not, remembers its hash when hashing).
    fn is_duplicate(&mut self, key: &str) -> bool {
        let hasher = &mut self.hasher;
        let Some(Frame::Map { map, hashes, .. }) = self.stack.last_mut() else {
            return false;
        };
        if map.len() < HASHED_KEYS_FROM {
            return map.contains_key(key);
        }
        let state = hasher.get_or_insert_with(RandomState::new);
        let set = hashes.get_or_insert_with(|| map.keys().map(|k| state.hash_one(k)).collect());
        // A new hash means a new key; a known hash is a duplicate or (improbably) a collision: check the keys.
        !set.insert(state.hash_one(key)) && map.contains_key(key)
    }

    /// Opens an array of `len` items (after the depth check); an empty one is complete at once.
    #[inline]
    fn open_array(&mut self, len: usize, start: usize) -> Result<Option<Value>> {
        self.check_depth(start)?;
        if len == 0 {
            return Ok(Some(Value::Array(Vec::new())));
        }
        // An item takes at least one byte: never reserve more than the remaining bytes could hold.
        let cap = len.min((self.buf.len() - self.pos).saturating_sub(self.reserved));
        self.reserved += cap;
        self.stack.push(Frame::Array {
            items: Vec::with_capacity(cap),
            len,
            reserved: cap,
        });
        Ok(None)
    }

    /// Opens a map of `len` entries (after the depth check); an empty one is complete at once.
    #[inline]
    fn open_map(&mut self, len: usize, start: usize) -> Result<Option<Value>> {
        self.check_depth(start)?;
        if len == 0 {
            return Ok(Some(Value::Map(Map::new())));
        }
        // An entry takes at least two bytes.
        let cap = len.min((self.buf.len() - self.pos).saturating_sub(self.reserved) / 2);
        self.reserved += cap;
        self.stack.push(Frame::Map {
            map: Map::with_capacity(cap),
            len,
            reserved: cap,
            key: None,
            hashes: None,
        });
        Ok(None)
    }

    #[inline]
    fn check_depth(&self, start: usize) -> Result<()> {
        enter(self.stack.len()).map_err(|e| e.with_offset(start).with_path(self.path()))
    }

    /// The root value is complete: nothing may follow it.
    fn finish(&self, value: Value) -> Result<Value> {
        let left = self.buf.len() - self.pos;
        if left > 0 {
            let message = format!("{left} byte{} after the value", if left == 1 { "" } else { "s" });
            return Err(self.fail(ErrorKind::TrailingBytes, message, self.pos));
        }
        Ok(value)
    }

    /// Where the reader is: the index of the item being read in each open array and the key whose value is being
    /// read in each open map (while a key is read, the path names its map). Built only when an error is reported.
    fn path(&self) -> Vec<PathSeg> {
        let mut path = Vec::with_capacity(self.stack.len());
        for frame in &self.stack {
            match frame {
                Frame::Array { items, .. } => path.push(PathSeg::Index(items.len())),
                Frame::Map { key: Some(key), .. } => path.push(PathSeg::Key(key.clone())),
                Frame::Map { key: None, .. } => {}
            }
        }
        path
    }

    #[cold]
    fn fail(&self, kind: ErrorKind, message: String, offset: usize) -> Error {
        Error::new(kind, message).with_offset(offset).with_path(self.path())
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------------------

// Writing into a `Vec<u8>` cannot fail (`std::io::Write for Vec<u8>` never errors), so the `Result`s of
// `rmp::encode` calls below are discarded with `let _ =`.

/// Writes `value`'s canonical encoding (spec §3) to `out`: integers in their smallest form (unsigned family
/// for values >= 0), float32 as `ca` and float64 as `cb` with their bits, smallest `str`/`bin`/array/map headers,
/// map entries in their order, ZData as its canonical map (`ZData::to_map`).
///
/// Errors: an integer outside -2^63..2^64-1 is `IntegerOutOfRange`; more than 512 nested containers is
/// `DepthExceeded` (checked before descending); a `str`, `bin`, array or map longer than 2^32-1 is
/// `InvalidValue`. Errors carry the path of the offending value. On error `out` holds a partial encoding.
pub fn write_value(out: &mut Vec<u8>, value: &Value) -> Result<()> {
    write_nested(out, value, 0)
}

/// The canonical encoding of `value` (see [`write_value`]).
pub fn encode_value(value: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_value(&mut out, value)?;
    Ok(out)
}

/// Writes `value`, which sits inside `depth` containers. Recursion is bounded: a container at depth 512 is refused
/// before anything inside it is visited.
fn write_nested(out: &mut Vec<u8>, value: &Value, depth: usize) -> Result<()> {
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
                write_nested(out, item, depth + 1).map_err(|e| e.in_index(i))?;
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
        write_nested(out, item, depth + 1).map_err(|e| e.in_key(key))?;
    }
    Ok(())
}

/// Refuses to open a container inside `depth` enclosing ones when that makes more than [`MAX_DEPTH`] (spec §2.5).
/// Every depth check of the runtime (reader, writer, checker, JSON form) goes through here.
pub(crate) fn enter(depth: usize) -> Result<()> {
    if depth >= MAX_DEPTH {
        return Err(Error::new(
            ErrorKind::DepthExceeded,
            format!("more than {MAX_DEPTH} nested containers"),
        ));
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
pub fn write_u64(out: &mut Vec<u8>, v: u64) {
    let _ = rmp::encode::write_uint(out, v);
}

/// Writes an integer in its smallest form: the unsigned family for values >= 0, the signed one below.
pub fn write_i64(out: &mut Vec<u8>, v: i64) {
    let _ = rmp::encode::write_sint(out, v);
}

/// Writes a float32 (`ca` + its 4 bytes, bit-exact).
pub fn write_f32(out: &mut Vec<u8>, v: f32) {
    let _ = rmp::encode::write_f32(out, v);
}

/// Writes a float64 (`cb` + its 8 bytes, bit-exact).
pub fn write_f64(out: &mut Vec<u8>, v: f64) {
    let _ = rmp::encode::write_f64(out, v);
}

/// Writes a `str` with the smallest header (fixstr, `d9`, `da`, `db`).
pub fn write_str(out: &mut Vec<u8>, s: &str) -> Result<()> {
    let len = length(s.len(), "str")?;
    let _ = rmp::encode::write_str_len(out, len);
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// Writes a `bin` with the smallest header (`c4`, `c5`, `c6`).
pub fn write_bin(out: &mut Vec<u8>, b: &[u8]) -> Result<()> {
    let len = length(b.len(), "bin")?;
    let _ = rmp::encode::write_bin_len(out, len);
    out.extend_from_slice(b);
    Ok(())
}

/// Writes the smallest array header for `len` items (fixarray, `dc`, `dd`).
pub fn write_array_len(out: &mut Vec<u8>, len: usize) -> Result<()> {
    let len = length(len, "array")?;
    let _ = rmp::encode::write_array_len(out, len);
    Ok(())
}

/// Writes the smallest map header for `len` entries (fixmap, `de`, `df`).
pub fn write_map_len(out: &mut Vec<u8>, len: usize) -> Result<()> {
    let len = length(len, "map")?;
    let _ = rmp::encode::write_map_len(out, len);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Bytes {
        let s: String = s.split_whitespace().collect();
        let bytes = (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("test hex"));
        Bytes::from(bytes.collect::<Vec<u8>>())
    }

    fn enc(v: &Value) -> Vec<u8> {
        encode_value(v).expect("encodes")
    }

    fn rd(h: &str) -> Value {
        read(&hex(h)).expect("reads")
    }

    /// Reads `h`, expecting an error of `kind` at `offset` with path `path`.
    fn fails(h: &str, kind: ErrorKind, offset: usize, path: &str) {
        let e = read(&hex(h)).expect_err(h);
        assert_eq!(
            (e.kind(), e.offset(), e.path_string().as_str()),
            (kind, Some(offset), path),
            "{h}: {e}"
        );
    }

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::Map(entries.iter().map(|(k, v)| (*k, v.clone())).collect())
    }

    #[test]
    fn integers_at_their_boundaries() {
        // Spec §3.2 and §3.10's boundary table.
        let cases: &[(i128, &str)] = &[
            (0, "00"),
            (127, "7f"),
            (128, "cc 80"),
            (255, "cc ff"),
            (256, "cd 01 00"),
            (65535, "cd ff ff"),
            (65536, "ce 00 01 00 00"),
            ((1 << 32) - 1, "ce ff ff ff ff"),
            (1 << 32, "cf 00 00 00 01 00 00 00 00"),
            (i128::from(i64::MAX), "cf 7f ff ff ff ff ff ff ff"),
            (INT_MAX, "cf ff ff ff ff ff ff ff ff"),
            (-1, "ff"),
            (-32, "e0"),
            (-33, "d0 df"),
            (-128, "d0 80"),
            (-129, "d1 ff 7f"),
            (-32768, "d1 80 00"),
            (-32769, "d2 ff ff 7f ff"),
            (-(1 << 31), "d2 80 00 00 00"),
            (-(1 << 31) - 1, "d3 ff ff ff ff 7f ff ff ff"),
            (INT_MIN, "d3 80 00 00 00 00 00 00 00"),
            (1_700_000_000_000, "cf 00 00 01 8b cf e5 68 00"),
        ];
        for &(v, h) in cases {
            assert_eq!(enc(&Value::Int(v)), hex(h).to_vec(), "{v}");
            assert_eq!(rd(h), Value::Int(v), "{h}");
        }
        for v in [INT_MAX + 1, INT_MIN - 1, i128::MAX, i128::MIN] {
            assert_eq!(
                encode_value(&Value::Int(v)).expect_err("range").kind(),
                ErrorKind::IntegerOutOfRange
            );
        }
        // §3.11 row 1: any width or family that holds the value.
        assert_eq!(rd("cd 00 01"), Value::Int(1));
        assert_eq!(rd("d0 01"), Value::Int(1));
        assert_eq!(rd("d3 00 00 01 8b cf e5 68 00"), Value::Int(1_700_000_000_000));
        assert_eq!(rd("d3 ff ff ff ff ff ff ff ff"), Value::Int(-1));
        assert_eq!(rd("d1 ff ff"), Value::Int(-1));
        assert_eq!(rd("d2 ff ff ff fe"), Value::Int(-2));
    }

    #[test]
    fn primitives_pick_the_smallest_form() {
        let mut out = Vec::new();
        write_i64(&mut out, 5);
        write_i64(&mut out, 200);
        write_i64(&mut out, -5);
        write_u64(&mut out, u64::MAX);
        write_nil(&mut out);
        write_bool(&mut out, true);
        write_bool(&mut out, false);
        assert_eq!(out, hex("05 cc c8 fb cf ff ff ff ff ff ff ff ff c0 c3 c2").to_vec());
    }

    #[test]
    fn floats_keep_width_and_bits() {
        let cases: &[(Value, &str)] = &[
            (Value::F64(1.0), "cb 3f f0 00 00 00 00 00 00"),
            (Value::F64(-0.0), "cb 80 00 00 00 00 00 00 00"),
            (Value::F64(f64::INFINITY), "cb 7f f0 00 00 00 00 00 00"),
            (Value::F64(f64::NAN), "cb 7f f8 00 00 00 00 00 00"),
            (
                Value::F64(f64::from_bits(0x7ff8_0000_0000_0001)),
                "cb 7f f8 00 00 00 00 00 01",
            ),
            (Value::F32(1.5), "ca 3f c0 00 00"),
            (Value::F32(0.1), "ca 3d cc cc cd"),
            (Value::F32(f32::from_bits(0x7fc0_0001)), "ca 7f c0 00 01"),
        ];
        for (v, h) in cases {
            assert_eq!(enc(v), hex(h).to_vec(), "{v:?}");
            assert_eq!(&rd(h), v, "{h}");
        }
        assert_ne!(rd("ca 3f c0 00 00"), Value::F64(1.5), "a float32 stays a float32");
    }

    #[test]
    fn strings_and_bins_at_their_boundaries() {
        let a = |n: usize| "a".repeat(n);
        let h61 = |n: usize| "61 ".repeat(n);
        let cases: Vec<(String, String)> = vec![
            (String::new(), "a0".into()),
            (a(31), format!("bf {}", h61(31))),
            (a(32), format!("d9 20 {}", h61(32))),
            (a(255), format!("d9 ff {}", h61(255))),
            (a(256), format!("da 01 00 {}", h61(256))),
            (a(65535), format!("da ff ff {}", h61(65535))),
            (a(65536), format!("db 00 01 00 00 {}", h61(65536))),
            ("é😀".into(), "a6 c3 a9 f0 9f 98 80".into()),
        ];
        for (s, h) in &cases {
            assert_eq!(enc(&Value::Str(s.clone())), hex(h).to_vec(), "str of {}", s.len());
            assert_eq!(rd(h), Value::Str(s.clone()));
        }
        let bins: Vec<(usize, &str)> = vec![
            (0, "c4 00"),
            (255, "c4 ff"),
            (256, "c5 01 00"),
            (65536, "c6 00 01 00 00"),
        ];
        for (n, header) in bins {
            let payload = vec![7u8; n];
            let mut expected = hex(header).to_vec();
            expected.extend_from_slice(&payload);
            let v = Value::Bin(Bytes::from(payload));
            assert_eq!(enc(&v), expected, "bin of {n}");
            assert_eq!(read(&Bytes::from(expected)).expect("bin"), v);
        }
        // §3.11 row 2: wider headers than needed.
        assert_eq!(rd("d9 01 61"), Value::Str("a".into()));
        assert_eq!(rd("db 00 00 00 01 61"), Value::Str("a".into()));
        assert_eq!(rd("c6 00 00 00 01 61"), Value::Bin(Bytes::from_static(b"a")));
    }

    #[test]
    fn bin_shares_the_frame() {
        let frame = hex("92 c4 03 01 02 03 c5 00 01 09");
        let v = read(&frame).expect("reads");
        let Value::Array(items) = v else { panic!("array") };
        let Value::Bin(b) = &items[0] else { panic!("bin") };
        assert_eq!(b.as_ref(), [1, 2, 3]);
        assert_eq!(b.as_ptr(), frame[3..].as_ptr(), "a slice of the frame, not a copy");
        assert_eq!(items[1], Value::Bin(Bytes::from_static(&[9])));
    }

    #[test]
    fn containers_at_their_boundaries() {
        let ints = |n: usize| Value::Array((0..n).map(Value::from).collect());
        let body = |n: usize| (0..n).map(|i| format!("{:02x}", i)).collect::<Vec<_>>().join(" ");
        assert_eq!(enc(&ints(0)), hex("90").to_vec());
        assert_eq!(enc(&ints(15)), hex(&format!("9f {}", body(15))).to_vec());
        assert_eq!(enc(&ints(16)), hex(&format!("dc 00 10 {}", body(16))).to_vec());
        let big = Value::Array(vec![Value::Nil; 65536]);
        let mut expected = hex("dd 00 01 00 00").to_vec();
        expected.extend_from_slice(&[0xc0; 65536]);
        assert_eq!(enc(&big), expected);
        assert_eq!(read(&Bytes::from(expected)).expect("big array"), big);
        assert_eq!(rd(&format!("dc 00 10 {}", body(16))), ints(16));

        assert_eq!(enc(&Value::Map(Map::new())), [0x80]);
        let keys: Vec<String> = (0..16).map(|i| format!("{}", (b'a' + i) as char)).collect();
        let m16: Map = keys.iter().map(|k| (k.clone(), Value::Nil)).collect();
        let mut expected = hex("de 00 10").to_vec();
        for k in &keys {
            expected.extend([0xa1, k.as_bytes()[0], 0xc0]);
        }
        assert_eq!(enc(&Value::Map(m16.clone())), expected);
        assert_eq!(read(&Bytes::from(expected)).expect("map16"), Value::Map(m16));
        let m15 = map(&[("a", Value::Int(1))]);
        assert_eq!(enc(&m15), hex("81 a1 61 01").to_vec());
        assert_eq!(rd("de 00 01 a1 61 01"), m15, "§3.11 row 2");
        assert_eq!(rd("df 00 00 00 00"), Value::Map(Map::new()));
        assert_eq!(rd("dd 00 00 00 00"), Value::Array(Vec::new()));
    }

    #[test]
    fn maps_keep_producer_order() {
        let v = rd("83 a1 62 01 a1 61 02 a1 30 03");
        assert_eq!(v.as_map().expect("map").keys().collect::<Vec<_>>(), ["b", "a", "0"]);
        assert_eq!(enc(&v), hex("83 a1 62 01 a1 61 02 a1 30 03").to_vec());
    }

    #[test]
    fn set_event_of_spec_3_10() {
        let canonical = "83 a2 74 73 cf 00 00 01 8b cf e5 68 00 a5 65 74 79 70 65 a3 53 45 54 a4 64 61 74 61 83 a3 74 \
                         61 67 a5 53 63 65 6e 65 a3 6b 65 79 a4 72 6f 6f 74 a8 63 68 69 6c 64 72 65 6e 90";
        let expected = map(&[
            ("ts", Value::Int(1_700_000_000_000)),
            ("etype", "SET".into()),
            (
                "data",
                map(&[
                    ("tag", "Scene".into()),
                    ("key", "root".into()),
                    ("children", Value::Array(vec![])),
                ]),
            ),
        ]);
        assert_eq!(rd(canonical), expected);
        assert_eq!(enc(&expected), hex(canonical).to_vec());
        assert_eq!(hex(canonical).len(), 58);
        // msgpackr's form is valid MessagePack; without a schema, its float64 ts stays a float64.
        let msgpackr = "de 00 03 a2 74 73 cb 42 78 bc fe 56 80 00 00 a5 65 74 79 70 65 a3 53 45 54 a4 64 61 74 61 de \
                        00 03 a3 74 61 67 a5 53 63 65 6e 65 a3 6b 65 79 a4 72 6f 6f 74 a8 63 68 69 6c 64 72 65 6e 90";
        assert_eq!(rd(msgpackr).get("ts"), Some(&Value::F64(1_700_000_000_000.0)));
    }

    #[test]
    fn update_event_of_spec_4_2() {
        let bytes = "84 a2 74 73 cf 00 00 01 8b cf e5 68 00 a5 65 74 79 70 65 a6 55 50 44 41 54 45 a4 64 61 74 61 81 \
                     a5 6e 6f 64 65 73 91 82 a3 6b 65 79 a4 62 6f 78 31 a8 70 6f 73 69 74 69 6f 6e 93 01 00 00 a6 73 \
                     74 72 69 63 74 c2";
        let node = map(&[
            ("key", "box1".into()),
            ("position", Value::Array(vec![1.into(), 0.into(), 0.into()])),
        ]);
        let expected = map(&[
            ("ts", Value::Int(1_700_000_000_000)),
            ("etype", "UPDATE".into()),
            ("data", map(&[("nodes", Value::Array(vec![node]))])),
            ("strict", false.into()),
        ]);
        assert_eq!(rd(bytes), expected);
        assert_eq!(enc(&expected), hex(bytes).to_vec());
    }

    #[test]
    fn malformed_input_of_spec_8_2() {
        fails("", ErrorKind::Truncated, 0, "(root)");
        fails("a5 68 65 6c 6c", ErrorKind::Truncated, 0, "(root)");
        fails("92 01", ErrorKind::Truncated, 2, "[1]");
        fails("01 02", ErrorKind::TrailingBytes, 1, "(root)");
        fails("a2 c3 28", ErrorKind::InvalidUtf8, 0, "(root)");
        fails("a3 ed a0 80", ErrorKind::InvalidUtf8, 0, "(root)");
        fails("81 01 01", ErrorKind::NonStringKey, 1, "(root)");
        fails("82 a1 61 01 a1 61 02", ErrorKind::DuplicateKey, 4, "(root)");
        fails(
            &"91 ".repeat(512).add("90"),
            ErrorKind::DepthExceeded,
            512,
            &"[0]".repeat(512),
        );
        fails("d4 00 00", ErrorKind::UnsupportedExt, 0, "(root)");
        fails("d6 ff 00 00 00 00", ErrorKind::UnsupportedExt, 0, "(root)");
        fails("c1", ErrorKind::InvalidValue, 0, "(root)");
    }

    trait Add {
        fn add(self, s: &str) -> String;
    }
    impl Add for String {
        fn add(mut self, s: &str) -> String {
            self.push_str(s);
            self
        }
    }

    #[test]
    fn malformed_input_of_spec_2_4_and_2_6() {
        // §2.6: a declared count beyond the bytes present fails at the first missing item.
        fails("dd ff ff ff ff 01 02 03", ErrorKind::Truncated, 8, "[3]");
        fails("df ff ff ff ff a1 61 01", ErrorKind::Truncated, 8, "(root)");
        fails("db ff ff ff ff 61 62 63", ErrorKind::Truncated, 0, "(root)");
        fails("c6 ff ff ff ff 61 62 63", ErrorKind::Truncated, 0, "(root)");
        fails("81 a1 62 c5 ff ff 01 02", ErrorKind::Truncated, 3, "b");
        fails("cd 00", ErrorKind::Truncated, 0, "(root)");
        fails("91 cf 00", ErrorKind::Truncated, 1, "[0]");
        fails("81 a1 61", ErrorKind::Truncated, 3, "a");
        fails("82 a1 61 01", ErrorKind::Truncated, 4, "(root)");
        fails("81 d9", ErrorKind::Truncated, 1, "(root)");
        fails("91 91 91 92 01", ErrorKind::Truncated, 5, "[0][0][0][1]");
        // §2.4.
        fails("91 c1", ErrorKind::InvalidValue, 1, "[0]");
        fails("92 01 c1", ErrorKind::InvalidValue, 2, "[1]");
        for h in ["c7 01 01 00", "c8 00 02 01 00 00", "c9 00 00 00 01 01 00", "d8 05"] {
            let e = read(&hex(h)).expect_err(h);
            assert!(
                matches!(e.kind(), ErrorKind::UnsupportedExt | ErrorKind::Truncated),
                "{h}"
            );
        }
        fails("c7 ff 01", ErrorKind::UnsupportedExt, 0, "(root)"); // the payload is never read
        fails("d4", ErrorKind::Truncated, 0, "(root)");
        fails("82 a1 61 d4 00 00 a1 62 01", ErrorKind::UnsupportedExt, 3, "a");
        fails("81 c0 01", ErrorKind::NonStringKey, 1, "(root)");
        fails("81 c4 01 61 01", ErrorKind::NonStringKey, 1, "(root)");
        fails("81 90 01", ErrorKind::NonStringKey, 1, "(root)");
        fails("81 c1 01", ErrorKind::NonStringKey, 1, "(root)");
        fails("81 a1 ff 01", ErrorKind::InvalidUtf8, 1, "(root)");
        fails("81 a1 61 91 a1 fe", ErrorKind::InvalidUtf8, 4, "a[0]");
        fails("a2 c0 80", ErrorKind::InvalidUtf8, 0, "(root)"); // overlong
        fails("a4 f4 90 80 80", ErrorKind::InvalidUtf8, 0, "(root)"); // beyond U+10FFFF
        fails("a2 e2 82", ErrorKind::InvalidUtf8, 0, "(root)"); // cut sequence
        fails("81 a1 61 82 a1 78 c0 a1 78 c0", ErrorKind::DuplicateKey, 7, "a");
        fails("83 a1 61 01 a1 62 02 a1 61 03", ErrorKind::DuplicateKey, 7, "(root)");
        fails("81 a1 61 81 a1 61 01 02", ErrorKind::TrailingBytes, 7, "(root)");
        // §2.5: 512 nested containers are fine, the 513th is not, whatever their kinds.
        let ok = "91 ".repeat(511).add("90");
        let mut v = rd(&ok);
        let mut depth = 0;
        while let Value::Array(mut items) = v {
            depth += 1;
            v = items.pop().unwrap_or(Value::Nil);
        }
        assert_eq!(depth, 512);
        let maps = "81 a1 78 ".repeat(512).add("90");
        fails(&maps, ErrorKind::DepthExceeded, 512 * 3, &vec!["x"; 512].join("."));
        let mixed = "91 81 a1 78 ".repeat(256).add("90");
        fails(&mixed, ErrorKind::DepthExceeded, 256 * 4, &"[0].x".repeat(256));
    }

    #[test]
    fn hostile_nesting_does_not_overflow() {
        let frame = Bytes::from(vec![0x91u8; 100_000]);
        let e = read(&frame).expect_err("too deep");
        assert_eq!((e.kind(), e.offset()), (ErrorKind::DepthExceeded, Some(512)));
        let mut maps = Vec::new();
        for _ in 0..100_000 {
            maps.extend_from_slice(&[0x81, 0xa1, 0x61]);
        }
        let e = read(&Bytes::from(maps)).expect_err("too deep");
        assert_eq!((e.kind(), e.offset()), (ErrorKind::DepthExceeded, Some(512 * 3)));
    }

    #[test]
    fn nested_hostile_counts_reserve_nothing_extra() {
        // 500 nested array32 headers each claiming 2^32-1 items, then 100 kB of nils: each header may reserve only
        // what the remaining bytes minus the outer reservations allow (the outermost takes it all, the rest none).
        let mut frame = Vec::new();
        for _ in 0..500 {
            frame.extend_from_slice(&[0xdd, 0xff, 0xff, 0xff, 0xff]);
        }
        frame.extend_from_slice(&[0xc0; 100_000]);
        let e = read(&Bytes::from(frame)).expect_err("truncated");
        assert_eq!((e.kind(), e.offset()), (ErrorKind::Truncated, Some(2_500 + 100_000)));
        assert_eq!(e.path().len(), 500);
        assert_eq!(e.path().last(), Some(&PathSeg::Index(100_000)));
    }

    #[test]
    fn hostile_maps_stay_linear() {
        // Many distinct keys, then a duplicate of the first: found through the hash set. (Kept small because
        // `Map::push_unique` checks uniqueness linearly in debug builds.)
        let n = 5_000u32;
        let mut frame = vec![0xdf];
        frame.extend_from_slice(&(n + 1).to_be_bytes());
        let mut offset = 0;
        for i in 0..=n {
            if i == n {
                offset = frame.len();
            }
            let key = format!("{:06}", i % n);
            frame.push(0xa6);
            frame.extend_from_slice(key.as_bytes());
            frame.push(0xc0);
        }
        let e = read(&Bytes::from(frame)).expect_err("duplicate");
        assert_eq!(
            (e.kind(), e.offset(), e.path_string().as_str()),
            (ErrorKind::DuplicateKey, Some(offset), "(root)")
        );
        assert_eq!(e.message(), "duplicate map key \"000000\"");
    }

    #[test]
    fn writer_limits_depth_and_names_paths() {
        let nest = |n: usize| {
            let mut v = Value::Array(Vec::new());
            for _ in 1..n {
                v = Value::Array(vec![v]);
            }
            v
        };
        let ok = enc(&nest(512));
        assert_eq!(ok.len(), 512);
        assert_eq!(ok[..511], [0x91; 511]);
        assert_eq!(ok[511], 0x90);
        let e = encode_value(&nest(513)).expect_err("too deep");
        assert_eq!(e.kind(), ErrorKind::DepthExceeded);
        assert_eq!(e.path().len(), 512);
        let deep = map(&[(
            "a",
            Value::Array(vec![Value::Nil, map(&[("odd key", Value::Int(INT_MAX + 1))])]),
        )]);
        let e = encode_value(&deep).expect_err("range");
        assert_eq!(
            (e.kind(), e.path_string().as_str()),
            (ErrorKind::IntegerOutOfRange, "a[1][\"odd key\"]")
        );
    }

    /// Loads a manifest of the shared vectors (conformance/vectors, or `$VMP_VECTORS`) with the JSON form's parser
    /// (serde_json's recursion limit of 128 is below some vectors' depth); `None` when the files are not there.
    fn manifest(name: &str) -> Option<Vec<Value>> {
        let dir = std::env::var("VMP_VECTORS")
            .unwrap_or_else(|_| format!("{}/../../conformance/vectors", env!("CARGO_MANIFEST_DIR")));
        let Ok(text) = std::fs::read_to_string(format!("{dir}/{name}.json")) else {
            eprintln!("conformance vectors not found under {dir}; set VMP_VECTORS");
            return None;
        };
        let manifest = super::super::json::from_json(&text).expect("manifest JSON");
        manifest.get("vectors").and_then(Value::as_array).map(<[Value]>::to_vec)
    }

    fn field(v: &Value, key: &str) -> Option<String> {
        v.get(key).and_then(Value::as_str).map(str::to_owned)
    }

    /// Every malformed.json input fails with its kind (and path, when given).
    #[test]
    fn conformance_malformed() {
        let Some(vectors) = manifest("malformed") else { return };
        for v in &vectors {
            let (id, input) = (field(v, "id").unwrap_or_default(), field(v, "input").expect("input"));
            let e = read(&hex(&input)).expect_err(&input);
            assert_eq!(Some(e.kind().as_str().to_owned()), field(v, "error"), "{id}");
            if let Some(path) = field(v, "path") {
                assert_eq!(e.path_string(), path, "{id}");
            }
        }
        assert_eq!(vectors.len(), 67);
    }

    /// The string values of every `"key": "..."` member in a manifest's text (hex strings have no escapes). A
    /// plain scan: some vectors nest 512 deep inside the manifest, beyond what a depth-limited JSON parser takes.
    fn strings_of(text: &str, key: &str) -> Vec<String> {
        let needle = format!("\"{key}\":");
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(at) = rest.find(&needle) {
            rest = rest[at + needle.len()..].trim_start();
            if let Some(body) = rest.strip_prefix('"') {
                let end = body.find('"').expect("closing quote");
                out.push(body[..end].to_owned());
                rest = &body[end..];
            }
        }
        out
    }

    /// In every other manifest, each canonical encoding reads and re-encodes to itself (without a schema the raw
    /// value keeps everything), each alternative encoding reads, and each invalid input is valid MessagePack (its
    /// defect is for the schema). msgpack.json holds maps of 65 535 and 65 536 entries, which `Map::push_unique`'s
    /// debug-only uniqueness check makes quadratic to build (about 40 s each): debug builds skip those two.
    #[test]
    fn conformance_round_trips() {
        let dir = std::env::var("VMP_VECTORS")
            .unwrap_or_else(|_| format!("{}/../../conformance/vectors", env!("CARGO_MANIFEST_DIR")));
        let (mut canonicals, mut others) = (0, 0);
        for name in ["msgpack", "envelopes", "events", "schema-errors", "wild", "zdata"] {
            let Ok(text) = std::fs::read_to_string(format!("{dir}/{name}.json")) else {
                eprintln!("conformance vectors not found under {dir}; set VMP_VECTORS");
                return;
            };
            for canonical in strings_of(&text, "canonical") {
                canonicals += 1;
                if cfg!(debug_assertions) && canonical.len() > 100_000 && canonical.starts_with(['d', 'D']) {
                    // A map16/map32 of thousands of entries: too slow with the debug check (see above).
                    if canonical[..2].eq_ignore_ascii_case("de") || canonical[..2].eq_ignore_ascii_case("df") {
                        continue;
                    }
                }
                let value = read(&hex(&canonical)).unwrap_or_else(|e| panic!("{name} {canonical:.40}: {e}"));
                assert_eq!(enc(&value), hex(&canonical).to_vec(), "{name} {canonical:.40}");
            }
            for input in strings_of(&text, "hex").into_iter().chain(strings_of(&text, "input")) {
                read(&hex(&input)).unwrap_or_else(|e| panic!("{name} {input:.40}: the wire layer fails: {e}"));
                others += 1;
            }
        }
        assert_eq!(canonicals, 91 + 33 + 56 + 39 + 73);
        assert!(
            others >= 21 + 72 + 72,
            "alternatives and schema-level invalid inputs: {others}"
        );
    }
}
