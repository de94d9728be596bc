//! The direct encoder: generated types write their canonical bytes from `&self`, validating as they go, with no
//! [`Value`] tree in between (free-form positions excepted, which are written as they are).
//!
//! Each generated record and union implements [`Encode`]; the impls here cover the Rust types their fields have.
//! The direct path accepts exactly what [`check`](super::check) accepts and writes the same bytes. It does not
//! build errors: on anything it does not take (an invalid value, or a rare shape it leaves to the checker, such as
//! a free-form map that denotes ZData nested in a typed position) it stops with [`Defect`], and
//! [`encode_into`](super::encode_into) runs the checked path instead, which reports the error with its kind and
//! path exactly as before, or writes the value.

use bytes::Bytes;
use indexmap::IndexMap;

use super::check::check_at;
use super::scalars::{narrow_f64, string_problem};
use super::ToValue;
use crate::runtime::ndarray::NdArray;
use crate::runtime::options::DecodeOptions;
use crate::runtime::schema::{resolve, EventInfo, Field, FloatWidth, Named, Record, Resolved, Type};
use crate::runtime::value::{Map, Value, INT_MAX, INT_MIN};
use crate::runtime::wire::{self, MAX_DEPTH};
use crate::runtime::zdata::ZData;

/// The direct paths' only failure: "leave this value to the checked path", which gives the real error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Defect;

/// The result of a direct path.
pub type Fast<T> = std::result::Result<T, Defect>;

/// Writes a value of a Rust type as the VMP type `ty` (the descriptor of its position), validating it.
pub trait Encode {
    fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()>;
}

/// The output of the direct encoder and the number of containers around the value being written (spec §2.5).
#[derive(Debug)]
pub struct Writer<'a> {
    out: &'a mut Vec<u8>,
    depth: usize,
}

impl<'a> Writer<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> Self {
        Writer { out, depth: 0 }
    }

    /// Opens a container: refused inside [`MAX_DEPTH`] enclosing ones.
    #[inline]
    fn enter(&mut self) -> Fast<()> {
        if self.depth >= MAX_DEPTH {
            return Err(Defect);
        }
        self.depth += 1;
        Ok(())
    }

    /// Starts a record's map of `len` entries; [`Writer::end`] closes it.
    #[inline]
    pub fn record(&mut self, len: usize) -> Fast<()> {
        self.enter()?;
        wire::write_map_len(self.out, len).map_err(|_| Defect)
    }

    /// Closes the container opened last.
    #[inline]
    pub fn end(&mut self) {
        self.depth -= 1;
    }

    /// Writes the entry `key` of a record: the key, then `value` as `ty`.
    #[inline]
    pub fn field<T: Encode + ?Sized>(&mut self, key: &str, value: &T, ty: Type) -> Fast<()> {
        self.str(key)?;
        value.encode(ty, self)
    }

    /// Writes an open record's extra entries (free-form values) after its declared `fields`. An extra key that
    /// names a declared field is left to the checked path (which checks it as that field).
    pub fn extra(&mut self, extra: &Map, fields: &[Field]) -> Fast<()> {
        for (key, value) in extra.iter() {
            if fields.iter().any(|f| f.name == key) {
                return Err(Defect);
            }
            self.str(key)?;
            self.any(value)?;
        }
        Ok(())
    }

    #[inline]
    fn str(&mut self, s: &str) -> Fast<()> {
        wire::write_str(self.out, s).map_err(|_| Defect)
    }

    #[inline]
    fn int(&mut self, i: i128, min: i128, max: i128) -> Fast<()> {
        if i < min || i > max {
            return Err(Defect);
        }
        wire::write_int(self.out, i).map_err(|_| Defect)
    }

    /// A free-form value, as the checker makes it canonical: maps with a string `ztype` are written as the ZData
    /// they denote, everything else as it is.
    pub fn any(&mut self, value: &Value) -> Fast<()> {
        match value {
            Value::Array(items) => {
                self.enter()?;
                wire::write_array_len(self.out, items.len()).map_err(|_| Defect)?;
                for item in items {
                    self.item(item)?;
                }
                self.end();
                Ok(())
            }
            Value::Map(map) => {
                let start = self.out.len();
                self.enter()?;
                wire::write_map_len(self.out, map.len()).map_err(|_| Defect)?;
                for (key, item) in map.iter() {
                    if key == "ztype" && matches!(item, Value::Str(_)) {
                        // ZData (spec §7.1), found while writing: written again, as its canonical map.
                        self.out.truncate(start);
                        let z = ZData::from_map(map.clone(), &DecodeOptions::default()).map_err(|_| Defect)?;
                        self.depth -= 1;
                        return self.zdata(&z);
                    }
                    self.str(key)?;
                    self.item(item)?;
                }
                self.end();
                Ok(())
            }
            Value::ZData(z) => self.zdata(z),
            scalar => self.item(scalar),
        }
    }

    /// An item of a free-form container: scalars written here, containers through [`Writer::any`].
    #[inline(always)]
    fn item(&mut self, value: &Value) -> Fast<()> {
        match value {
            Value::Nil => wire::write_nil(self.out),
            Value::Bool(b) => wire::write_bool(self.out, *b),
            Value::Int(i) => return self.int(*i, INT_MIN, INT_MAX),
            Value::F32(x) => wire::write_f32(self.out, *x),
            Value::F64(x) => wire::write_f64(self.out, *x),
            Value::Str(s) => return self.str(s),
            Value::Bin(b) => return wire::write_bin(self.out, b).map_err(|_| Defect),
            Value::Array(_) | Value::Map(_) | Value::ZData(_) => return self.any(value),
        }
        Ok(())
    }

    /// ZData as its canonical map (`ZData::to_map`); arrays without building the map.
    fn zdata(&mut self, z: &ZData) -> Fast<()> {
        let ZData::Array(a) = z else {
            return self.raw(&Value::Map(z.to_map()));
        };
        self.record(4)?;
        self.str("ztype")?;
        self.str(a.kind().ztype())?;
        self.str("b")?;
        wire::write_bin(self.out, a.bytes()).map_err(|_| Defect)?;
        self.str("dtype")?;
        self.str(a.dtype().name())?;
        self.str("shape")?;
        self.enter()?;
        wire::write_array_len(self.out, a.shape().len()).map_err(|_| Defect)?;
        for &d in a.shape() {
            wire::write_u64(self.out, d);
        }
        self.end();
        self.end();
        Ok(())
    }

    /// A value written as it is, without ZData detection (the content of ZData, already canonical).
    fn raw(&mut self, value: &Value) -> Fast<()> {
        wire::write_at(self.out, value, self.depth).map_err(|_| Defect)
    }

    /// A value the direct path leaves to the checker: checked as `ty` where it stands, then written.
    pub fn checked(&mut self, ty: Type, value: Value) -> Fast<()> {
        let value = check_at(ty, value, &DecodeOptions::default(), self.depth).map_err(|_| Defect)?;
        self.raw(&value)
    }
}

/// The fields of a generated record's descriptor.
pub fn record_of(named: &'static Named) -> &'static Record {
    match named {
        Named::Record(r) => r,
        // The generated code passes its own record's descriptor.
        _ => unreachable!("{} is not a record", named.name()),
    }
}

/// A message type's `etype` against its const or pattern (spec §4.6, rule 1).
pub fn etype_fits(event: &Option<EventInfo>, etype: &str) -> Fast<()> {
    let Some(event) = event else { return Ok(()) };
    let fits = event.etype.is_none_or(|e| e == etype) && event.etype_pattern.is_none_or(|p| p.is_match(etype));
    if fits {
        Ok(())
    } else {
        Err(Defect)
    }
}

macro_rules! encode_ints {
    ($($t:ty),*) => {$(
        impl Encode for $t {
            #[inline]
            fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()> {
                match resolve(ty) {
                    Resolved::Type(Type::Int { min, max }) => w.int(i128::from(*self), min, max),
                    _ => w.checked(ty, self.to_value()),
                }
            }
        }
    )*};
}
encode_ints!(u8, u16, u32, u64, i8, i16, i32, i64);

impl Encode for f64 {
    #[inline]
    fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()> {
        match resolve(ty) {
            Resolved::Type(Type::Float(FloatWidth::F64)) => wire::write_f64(w.out, *self),
            Resolved::Type(Type::Float(FloatWidth::F32)) => wire::write_f32(w.out, narrow_f64(*self).ok_or(Defect)?),
            _ => return w.checked(ty, self.to_value()),
        }
        Ok(())
    }
}

impl Encode for f32 {
    #[inline]
    fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()> {
        match resolve(ty) {
            Resolved::Type(Type::Float(FloatWidth::F32)) => wire::write_f32(w.out, *self),
            _ => return w.checked(ty, self.to_value()),
        }
        Ok(())
    }
}

impl Encode for bool {
    fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()> {
        match resolve(ty) {
            Resolved::Type(Type::Bool | Type::Any) => wire::write_bool(w.out, *self),
            _ => return Err(Defect),
        }
        Ok(())
    }
}

impl Encode for () {
    fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()> {
        match resolve(ty) {
            Resolved::Type(Type::Null | Type::Nullable(_) | Type::Any) => wire::write_nil(w.out),
            _ => return Err(Defect),
        }
        Ok(())
    }
}

impl Encode for str {
    #[inline]
    fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()> {
        match resolve(ty) {
            Resolved::Type(Type::Str(st)) if st.is_any() || string_problem(st, self).is_none() => w.str(self),
            Resolved::Type(Type::Any) => w.str(self),
            _ => Err(Defect),
        }
    }
}

impl Encode for String {
    #[inline]
    fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()> {
        self.as_str().encode(ty, w)
    }
}

impl Encode for Bytes {
    fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()> {
        match resolve(ty) {
            Resolved::Type(Type::Bytes | Type::Any) => wire::write_bin(w.out, self).map_err(|_| Defect),
            _ => Err(Defect),
        }
    }
}

impl Encode for Value {
    fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()> {
        match resolve(ty) {
            Resolved::Type(Type::Any) => w.any(self),
            _ => w.checked(ty, self.clone()),
        }
    }
}

impl Encode for Map {
    fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()> {
        w.checked(ty, self.to_value())
    }
}

impl Encode for ZData {
    fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()> {
        w.checked(ty, self.to_value())
    }
}

impl Encode for NdArray {
    fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()> {
        w.checked(ty, self.to_value())
    }
}

impl<T: Encode> Encode for [T] {
    fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()> {
        let Resolved::Type(Type::Array(at)) = resolve(ty) else {
            return Err(Defect);
        };
        let n = self.len();
        if at.min_items.is_some_and(|min| n < min) || at.max_items.is_some_and(|max| n > max) {
            return Err(Defect);
        }
        w.enter()?;
        wire::write_array_len(w.out, n).map_err(|_| Defect)?;
        for item in self {
            item.encode(at.items, w)?;
        }
        w.end();
        Ok(())
    }
}

impl<T: Encode> Encode for Vec<T> {
    #[inline]
    fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()> {
        self.as_slice().encode(ty, w)
    }
}

impl<T: Encode> Encode for Option<T> {
    /// A nullable value: `None` is `nil`.
    fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()> {
        match (resolve(ty), self) {
            (Resolved::Type(Type::Nullable(inner)), Some(v)) => v.encode(*inner, w),
            (_, Some(v)) => v.encode(ty, w),
            (Resolved::Type(Type::Nullable(_) | Type::Null | Type::Any), None) => {
                wire::write_nil(w.out);
                Ok(())
            }
            (_, None) => Err(Defect),
        }
    }
}

impl<T: Encode + ?Sized> Encode for Box<T> {
    #[inline]
    fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()> {
        (**self).encode(ty, w)
    }
}

impl<T: Encode> Encode for IndexMap<String, T> {
    fn encode(&self, ty: Type, w: &mut Writer<'_>) -> Fast<()> {
        let Resolved::Type(Type::Map(values)) = resolve(ty) else {
            return Err(Defect);
        };
        w.enter()?;
        wire::write_map_len(w.out, self.len()).map_err(|_| Defect)?;
        for (key, value) in self {
            w.str(key)?;
            value.encode(*values, w)?;
        }
        w.end();
        Ok(())
    }
}
