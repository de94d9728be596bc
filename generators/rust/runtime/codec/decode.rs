//! The direct decoder: generated types read themselves straight from the frame, validating as they go, with a
//! [`Value`] only in free-form positions.
//!
//! Each generated record and union implements [`Decode`]; the impls here cover the Rust types their fields have.
//! The direct path accepts everything [`check`](super::check) accepts (any key order, every header size, the
//! conversions of spec §3.11) and gives the same values. Like the direct encoder it builds no errors: on anything
//! it does not take it stops with [`Defect`], and [`decode_with`](super::decode_with) runs the checked path
//! (`wire::read`, `check`, `FromValue`), which reports the error with its kind, offset and path exactly as
//! before. `bin` payloads share the frame's buffer.

use bytes::Bytes;
use indexmap::IndexMap;

use super::check::check_at;
use super::encode::{Defect, Fast};
use super::scalars::{narrow_f64, string_problem, widen_f32};
use super::FromValue;
use crate::runtime::ndarray::NdArray;
use crate::runtime::options::DecodeOptions;
use crate::runtime::schema::{resolve, FloatWidth, Resolved, Type};
use crate::runtime::value::{Map, Value};
use crate::runtime::wire::{self, MAX_DEPTH};
use crate::runtime::zdata::ZData;

/// Reads a value of a Rust type as the VMP type `ty` (the descriptor of its position) from a frame.
pub trait Decode: Sized {
    fn decode(r: &mut Cursor<'_>, ty: Type) -> Fast<Self>;
}

/// A position in a frame and the number of containers around it (spec §2.5).
#[derive(Debug)]
pub struct Cursor<'a> {
    pub(super) frame: &'a Bytes,
    pub(super) buf: &'a [u8],
    pub(super) pos: usize,
    pub(super) depth: usize,
    pub(super) options: &'a DecodeOptions,
    /// How many ZData values the free-form reader has made so far (see `codec/free.rs`).
    pub(super) zdata_made: usize,
}

/// A number as the wire gives it, before a field's type converts it.
pub(super) enum Number {
    Int(i128),
    F32(f32),
    F64(f64),
}

impl<'a> Cursor<'a> {
    pub fn new(frame: &'a Bytes, options: &'a DecodeOptions) -> Self {
        Cursor {
            frame,
            buf: frame.as_ref(),
            pos: 0,
            depth: 0,
            options,
            zdata_made: 0,
        }
    }

    /// Whether the whole frame has been read.
    pub fn at_end(&self) -> bool {
        self.pos == self.buf.len()
    }

    #[inline]
    pub(super) fn byte(&mut self) -> Fast<u8> {
        let b = *self.buf.get(self.pos).ok_or(Defect)?;
        self.pos += 1;
        Ok(b)
    }

    /// The next `n` bytes.
    #[inline]
    pub(super) fn take(&mut self, n: usize) -> Fast<&'a [u8]> {
        let buf: &'a [u8] = self.buf;
        let bytes = buf.get(self.pos..).and_then(|rest| rest.get(..n)).ok_or(Defect)?;
        self.pos += n;
        Ok(bytes)
    }

    /// A big-endian unsigned integer of `n` bytes (at most 8).
    #[inline(always)]
    pub(super) fn be(&mut self, n: usize) -> Fast<u64> {
        let mut word = [0u8; 8];
        word[8 - n..].copy_from_slice(self.take(n)?);
        Ok(u64::from_be_bytes(word))
    }

    #[inline]
    pub(super) fn enter(&mut self) -> Fast<()> {
        if self.depth >= MAX_DEPTH {
            return Err(Defect);
        }
        self.depth += 1;
        Ok(())
    }

    /// Closes the container opened last.
    #[inline]
    pub fn end(&mut self) {
        self.depth -= 1;
    }

    /// Opens a map (fixmap, map16, map32) and returns its entry count; [`Cursor::end`] closes it.
    #[inline]
    pub fn map(&mut self) -> Fast<usize> {
        let n = match self.byte()? {
            b @ 0x80..=0x8f => usize::from(b & 0x0f),
            0xde => self.be(2)? as usize,
            0xdf => self.be(4)? as usize,
            _ => return Err(Defect),
        };
        self.enter()?;
        Ok(n)
    }

    /// Opens an array (fixarray, array16, array32) and returns its length; [`Cursor::end`] closes it.
    #[inline]
    fn array(&mut self) -> Fast<usize> {
        let n = match self.byte()? {
            b @ 0x90..=0x9f => usize::from(b & 0x0f),
            0xdc => self.be(2)? as usize,
            0xdd => self.be(4)? as usize,
            _ => return Err(Defect),
        };
        self.enter()?;
        Ok(n)
    }

    /// A `str` (any header size), borrowed from the frame; also reads map keys.
    #[inline]
    pub fn str(&mut self) -> Fast<&'a str> {
        let n = match self.byte()? {
            b @ 0xa0..=0xbf => usize::from(b & 0x1f),
            0xd9 => self.be(1)? as usize,
            0xda => self.be(2)? as usize,
            0xdb => self.be(4)? as usize,
            _ => return Err(Defect),
        };
        utf8(self.take(n)?)
    }

    pub(super) fn number(&mut self) -> Fast<Number> {
        let b = self.byte()?;
        Ok(match b {
            0x00..=0x7f => Number::Int(i128::from(b)),
            0xe0..=0xff => Number::Int(i128::from(b as i8)),
            0xcc => Number::Int(i128::from(self.be(1)?)),
            0xcd => Number::Int(i128::from(self.be(2)?)),
            0xce => Number::Int(i128::from(self.be(4)?)),
            0xcf => Number::Int(i128::from(self.be(8)?)),
            0xd0 => Number::Int(i128::from(self.be(1)? as u8 as i8)),
            0xd1 => Number::Int(i128::from(self.be(2)? as u16 as i16)),
            0xd2 => Number::Int(i128::from(self.be(4)? as u32 as i32)),
            0xd3 => Number::Int(i128::from(self.be(8)? as i64)),
            0xca => Number::F32(f32::from_bits(self.be(4)? as u32)),
            0xcb => Number::F64(f64::from_bits(self.be(8)?)),
            _ => return Err(Defect),
        })
    }

    /// An integer in `[min, max]`; an integral float counts as the integer it denotes (spec §3.11, row 5).
    fn int(&mut self, min: i128, max: i128) -> Fast<i128> {
        let integral = |f: f64| (f.is_finite() && f.fract() == 0.0).then_some(f as i128).ok_or(Defect);
        let i = match self.number()? {
            Number::Int(i) => i,
            Number::F32(f) => integral(f64::from(f))?,
            Number::F64(f) => integral(f)?,
        };
        (min..=max).contains(&i).then_some(i).ok_or(Defect)
    }

    /// A float64; a float32 or an integer converts when exact (spec §3.11, rows 3 and 4).
    fn f64(&mut self) -> Fast<f64> {
        match self.number()? {
            Number::F64(x) => Ok(x),
            Number::F32(x) => Ok(widen_f32(x)),
            Number::Int(i) => {
                let x = i as f64;
                (x.is_finite() && x as i128 == i).then_some(x).ok_or(Defect)
            }
        }
    }

    /// A float32; a float64 or an integer converts when exact (spec §3.11, rows 4 and 9).
    fn f32(&mut self) -> Fast<f32> {
        match self.number()? {
            Number::F32(x) => Ok(x),
            Number::F64(x) => narrow_f64(x).ok_or(Defect),
            Number::Int(i) => {
                let x = i as f32;
                (x.is_finite() && x as i128 == i).then_some(x).ok_or(Defect)
            }
        }
    }

    /// Whether the next item is `nil` (consumed when it is).
    #[inline]
    fn nil(&mut self) -> bool {
        let nil = self.buf.get(self.pos) == Some(&0xc0);
        self.pos += usize::from(nil);
        nil
    }

    pub(super) fn bin(&mut self) -> Fast<Bytes> {
        let n = match self.byte()? {
            0xc4 => self.be(1)? as usize,
            0xc5 => self.be(2)? as usize,
            0xc6 => self.be(4)? as usize,
            _ => return Err(Defect),
        };
        self.bin_payload(n)
    }

    /// The `n` bytes of a `bin` payload, sharing the frame's buffer.
    #[inline]
    pub(super) fn bin_payload(&mut self, n: usize) -> Fast<Bytes> {
        let start = self.pos;
        self.take(n)?;
        Ok(self.frame.slice(start..start + n))
    }

    /// Reads the value of a record's field into its slot; a key seen twice is a defect.
    #[inline]
    pub fn field<T: Decode>(&mut self, slot: &mut Option<T>, ty: Type) -> Fast<()> {
        if slot.is_some() {
            return Err(Defect);
        }
        *slot = Some(T::decode(self, ty)?);
        Ok(())
    }

    /// Reads an extra entry of an open record (a free-form value). Many extra entries are left to the checked
    /// path, whose key index keeps the duplicate check linear.
    pub fn extra(&mut self, extra: &mut Map, key: &str) -> Fast<()> {
        if extra.len() >= 16 || extra.contains_key(key) {
            return Err(Defect);
        }
        let value = self.any()?;
        extra.push_unique(key.into(), value);
        Ok(())
    }

    /// The string at `tag` of the map that starts here, which stays unread (a union's variant).
    pub fn tag(&mut self, tag: &str) -> Fast<&'a str> {
        let start = (self.pos, self.depth);
        let n = self.map()?;
        let mut found = Err(Defect);
        for _ in 0..n {
            if self.str()? == tag {
                found = self.str();
                break;
            }
            self.skip()?;
        }
        (self.pos, self.depth) = start;
        found
    }

    /// Moves past one item without looking inside it (what is skipped is read properly later).
    fn skip(&mut self) -> Fast<()> {
        let mut items = 1usize;
        while items > 0 {
            items -= 1;
            let b = self.byte()?;
            let payload = match b {
                0x00..=0x7f | 0xc0 | 0xc2 | 0xc3 | 0xe0..=0xff => 0,
                0x80..=0x8f => {
                    items += 2 * usize::from(b & 0x0f);
                    0
                }
                0x90..=0x9f => {
                    items += usize::from(b & 0x0f);
                    0
                }
                0xa0..=0xbf => usize::from(b & 0x1f),
                0xc4 | 0xd9 => self.be(1)? as usize,
                0xc5 | 0xda => self.be(2)? as usize,
                0xc6 | 0xdb => self.be(4)? as usize,
                0xcc | 0xd0 => 1,
                0xcd | 0xd1 => 2,
                0xca | 0xce | 0xd2 => 4,
                0xcb | 0xcf | 0xd3 => 8,
                0xdc => {
                    items += self.be(2)? as usize;
                    0
                }
                0xdd => {
                    items += self.be(4)? as usize;
                    0
                }
                0xde => {
                    items += 2 * self.be(2)? as usize;
                    0
                }
                0xdf => {
                    items += 2 * self.be(4)? as usize;
                    0
                }
                _ => return Err(Defect),
            };
            self.take(payload)?;
        }
        Ok(())
    }

    /// A value the direct path leaves to the checker: read as a free value, checked as `ty`, then converted.
    pub fn checked<T: FromValue>(&mut self, ty: Type) -> Fast<T> {
        let (value, end) = wire::read_at(self.frame, self.pos, self.depth).map_err(|_| Defect)?;
        self.pos = end;
        let value = check_at(ty, value, self.options, self.depth).map_err(|_| Defect)?;
        T::from_value(value).map_err(|_| Defect)
    }
}

/// `bytes` as a `str` if they are UTF-8 (spec §2.4). ASCII, which keys and most strings are, is recognized a word at a
/// time; the general validator costs several times more on the short strings of a typical frame.
#[inline]
pub(super) fn utf8(bytes: &[u8]) -> Fast<&str> {
    if bytes.is_ascii() {
        // SAFETY: every ASCII byte sequence is valid UTF-8.
        Ok(unsafe { std::str::from_utf8_unchecked(bytes) })
    } else {
        std::str::from_utf8(bytes).map_err(|_| Defect)
    }
}

macro_rules! decode_ints {
    ($($t:ty),*) => {$(
        impl Decode for $t {
            #[inline]
            fn decode(r: &mut Cursor<'_>, ty: Type) -> Fast<Self> {
                match resolve(ty) {
                    Resolved::Type(Type::Int { min, max }) => <$t>::try_from(r.int(min, max)?).map_err(|_| Defect),
                    _ => r.checked(ty),
                }
            }
        }
    )*};
}
decode_ints!(u8, u16, u32, u64, i8, i16, i32, i64);

impl Decode for f64 {
    #[inline]
    fn decode(r: &mut Cursor<'_>, ty: Type) -> Fast<Self> {
        match resolve(ty) {
            Resolved::Type(Type::Float(FloatWidth::F64)) => r.f64(),
            _ => r.checked(ty),
        }
    }
}

impl Decode for f32 {
    #[inline]
    fn decode(r: &mut Cursor<'_>, ty: Type) -> Fast<Self> {
        match resolve(ty) {
            Resolved::Type(Type::Float(FloatWidth::F32)) => r.f32(),
            _ => r.checked(ty),
        }
    }
}

impl Decode for bool {
    fn decode(r: &mut Cursor<'_>, ty: Type) -> Fast<Self> {
        match (resolve(ty), r.byte()?) {
            (Resolved::Type(Type::Bool), b @ (0xc2 | 0xc3)) => Ok(b == 0xc3),
            _ => Err(Defect),
        }
    }
}

impl Decode for () {
    fn decode(r: &mut Cursor<'_>, ty: Type) -> Fast<Self> {
        match resolve(ty) {
            Resolved::Type(Type::Null | Type::Nullable(_)) if r.nil() => Ok(()),
            _ => Err(Defect),
        }
    }
}

impl Decode for String {
    #[inline]
    fn decode(r: &mut Cursor<'_>, ty: Type) -> Fast<Self> {
        match resolve(ty) {
            Resolved::Type(Type::Str(st)) => {
                let s = r.str()?;
                if st.is_any() || string_problem(st, s).is_none() {
                    Ok(s.to_owned())
                } else {
                    Err(Defect)
                }
            }
            _ => r.checked(ty),
        }
    }
}

impl Decode for Bytes {
    fn decode(r: &mut Cursor<'_>, ty: Type) -> Fast<Self> {
        match resolve(ty) {
            Resolved::Type(Type::Bytes) => r.bin(),
            _ => r.checked(ty),
        }
    }
}

impl Decode for Value {
    fn decode(r: &mut Cursor<'_>, ty: Type) -> Fast<Self> {
        match resolve(ty) {
            Resolved::Type(Type::Any) => r.any(),
            _ => r.checked(ty),
        }
    }
}

impl Decode for Map {
    fn decode(r: &mut Cursor<'_>, ty: Type) -> Fast<Self> {
        r.checked(ty)
    }
}

impl Decode for ZData {
    fn decode(r: &mut Cursor<'_>, ty: Type) -> Fast<Self> {
        r.checked(ty)
    }
}

impl Decode for NdArray {
    fn decode(r: &mut Cursor<'_>, ty: Type) -> Fast<Self> {
        r.checked(ty)
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(r: &mut Cursor<'_>, ty: Type) -> Fast<Self> {
        let Resolved::Type(Type::Array(at)) = resolve(ty) else {
            return Err(Defect);
        };
        let n = r.array()?;
        // An item takes at least one byte: a hostile length cannot reserve more than the frame holds.
        let mut items = Vec::with_capacity(n.min(r.buf.len() - r.pos));
        for _ in 0..n {
            items.push(T::decode(r, at.items)?);
        }
        r.end();
        if at.min_items.is_some_and(|min| n < min) || at.max_items.is_some_and(|max| n > max) {
            return Err(Defect);
        }
        Ok(items)
    }
}

impl<T: Decode> Decode for Option<T> {
    /// A nullable value: `nil` is `None`.
    fn decode(r: &mut Cursor<'_>, ty: Type) -> Fast<Self> {
        match resolve(ty) {
            Resolved::Type(Type::Nullable(inner)) => match r.nil() {
                true => Ok(None),
                false => T::decode(r, *inner).map(Some),
            },
            Resolved::Type(Type::Null | Type::Any) if r.nil() => Ok(None),
            _ => T::decode(r, ty).map(Some),
        }
    }
}

impl<T: Decode> Decode for Box<T> {
    #[inline]
    fn decode(r: &mut Cursor<'_>, ty: Type) -> Fast<Self> {
        T::decode(r, ty).map(Box::new)
    }
}

impl<T: Decode> Decode for IndexMap<String, T> {
    fn decode(r: &mut Cursor<'_>, ty: Type) -> Fast<Self> {
        let Resolved::Type(Type::Map(values)) = resolve(ty) else {
            return Err(Defect);
        };
        let n = r.map()?;
        let mut out = IndexMap::with_capacity(n.min((r.buf.len() - r.pos) / 2));
        for _ in 0..n {
            let key = r.str()?.to_owned();
            let value = T::decode(r, *values)?;
            if out.insert(key, value).is_some() {
                return Err(Defect);
            }
        }
        r.end();
        Ok(out)
    }
}
