//! The reader: one MessagePack object from a frame as a raw [`Value`], every wire error with its offset and path.

use std::collections::hash_map::RandomState;
use std::collections::HashSet;
use std::hash::BuildHasher;

use bytes::Bytes;

use super::enter;
use crate::runtime::error::{Error, ErrorKind, PathSeg, Result};
use crate::runtime::value::{CompactString, Map, Value};

/// Maps switch from a linear key scan to a hash set of key hashes once they hold this many entries.
const HASHED_KEYS_FROM: usize = 16;

/// Reads exactly one MessagePack object from `frame` as a raw [`Value`] (no schema, no ZData detection).
///
/// Errors (spec §8.2): an empty frame or one that ends inside the object is `Truncated`; bytes after the object
/// are `TrailingBytes` (at the first extra byte); `c1` is `InvalidValue`; ext and fixext items are
/// `UnsupportedExt` (at the marker, payload unread); invalid UTF-8 in a `str` (key or value) is `InvalidUtf8`; a
/// key that is not a `str` is `NonStringKey`; a repeated key is `DuplicateKey` (at the second key, with the map's
/// path); a 513th nested container is `DepthExceeded`. Every error carries the offset of the item in which it was
/// detected and the path of that item. `bin` values share `frame`'s buffer.
pub fn read(frame: &Bytes) -> Result<Value> {
    let (value, end) = Reader::new(frame, 0, 0).run()?;
    let left = frame.len() - end;
    if left > 0 {
        let message = format!("{left} byte{} after the value", if left == 1 { "" } else { "s" });
        return Err(Error::new(ErrorKind::TrailingBytes, message)
            .with_offset(end)
            .with_path(Vec::new()));
    }
    Ok(value)
}

/// Reads the one MessagePack object that starts at `pos` in `frame`, inside `depth` enclosing containers (for the
/// depth limit); returns it and the offset after it. Errors as [`read`]'s, with offsets in `frame` and paths
/// relative to the object.
pub(crate) fn read_at(frame: &Bytes, pos: usize, depth: usize) -> Result<(Value, usize)> {
    Reader::new(frame, pos, depth).run()
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
        key: Option<CompactString>,
        /// Hashes of the keys so far, once the map is large enough for a linear scan to hurt.
        hashes: Option<HashSet<u64>>,
    },
}

struct Reader<'a> {
    frame: &'a Bytes,
    buf: &'a [u8],
    pos: usize,
    /// The containers around the object being read, outside this reader (`read_at`).
    outer: usize,
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

impl<'a> Reader<'a> {
    fn new(frame: &'a Bytes, pos: usize, outer: usize) -> Self {
        Reader {
            frame,
            buf: frame.as_ref(),
            pos,
            outer,
            stack: Vec::new(),
            reserved: 0,
            hasher: None,
        }
    }

    /// Reads the object at `pos`; returns it and the offset after it.
    fn run(mut self) -> Result<(Value, usize)> {
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
                    None => return Ok((value, self.pos)),
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
    fn text(&mut self, len: usize, start: usize) -> Result<CompactString> {
        let end = self.payload(len, start)?;
        match std::str::from_utf8(&self.buf[end - len..end]) {
            Ok(s) => Ok(s.into()),
            Err(_) => {
                let message = format!("{} of {len} bytes is not valid UTF-8", format_name(self.buf[start]));
                Err(self.fail(ErrorKind::InvalidUtf8, message, start))
            }
        }
    }

    /// Reads a map key: a `str` the map has not seen yet.
    fn read_key(&mut self) -> Result<CompactString> {
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
            crate::runtime::json::push_js_string(&mut message, &key);
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
        enter(self.outer + self.stack.len()).map_err(|e| e.with_offset(start).with_path(self.path()))
    }

    /// Where the reader is: the index of the item being read in each open array and the key whose value is being
    /// read in each open map (while a key is read, the path names its map). Built only when an error is reported.
    fn path(&self) -> Vec<PathSeg> {
        let mut path = Vec::with_capacity(self.stack.len());
        for frame in &self.stack {
            match frame {
                Frame::Array { items, .. } => path.push(PathSeg::Index(items.len())),
                Frame::Map { key: Some(key), .. } => path.push(PathSeg::Key(key.to_string())),
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
