//! ZData (spec §7): typed binary payloads inside free-form values.
//!
//! Other modules rely on exactly these names and signatures:
//! - `ZData::from_map(map, &DecodeOptions) -> Result<ZData>`: a map whose `ztype` entry is a string, read and
//!   checked as ZData; errors carry paths relative to the map (`b`, `shape[0]`, `ztype`).
//! - `ZData::to_map(&self) -> Map`: the canonical entries in canonical order (`ztype, b, dtype, shape` for
//!   arrays; `ztype, b` for image/safetensors; opaque entries as received; custom: `ztype` then its fields).
//!   `b` is a `Value::Bin` sharing the array's buffer (no copy).
//! - `ZData::ztype(&self) -> &str`.

use std::sync::Arc;

use super::error::{Error, ErrorKind, Result};
use super::options::DecodeOptions;
use super::value::{Map, Value};

mod image;
mod read;
#[cfg(test)]
mod tests;

pub use super::dtype::Dtype;
pub use super::ndarray::{ArrayKind, NdArray};
pub use super::registry::{CustomZData, Registry};
pub use super::safetensors::Safetensors;
pub use image::{Image, ImageFormat};
pub(crate) use read::array_from_parts;
pub use read::is_known_ztype;

use read::{bytes_field, compat_dtype, known_fields, missing, read_array, read_compat, read_image};

/// A decoded ZData payload.
#[derive(Clone, Debug, PartialEq)]
pub enum ZData {
    /// `numpy.ndarray` or `torch.Tensor` (and, on decode, the vrpc-ts typed-array forms).
    Array(NdArray),
    /// `image`: an encoded image file.
    Image(Image),
    /// `safetensor.dict`: a safetensors file.
    Safetensors(Safetensors),
    /// A registered custom type (spec §7.10).
    Custom(Arc<dyn CustomZData>),
    /// An unknown ztype, kept as received (entries in order, `ztype` included) so that it re-encodes identically.
    Opaque(Map),
}

impl ZData {
    /// Reads a map whose `ztype` entry is a string as ZData (spec §7): the known ztypes are checked (closed
    /// field sets, dtype vocabulary, shapes, lengths, bool bytes, safetensors headers) and decoded without
    /// copying little-endian payloads; a ztype in `options.registry` goes to its decoder (which receives the
    /// whole map); any other is an opaque value, or `UnknownZType` at `ztype` when `options.strict_ztype`.
    ///
    /// Error paths are relative to the map (`b`, `shape[0]`, `ztype`); the caller prepends the map's own path.
    pub fn from_map(map: Map, options: &DecodeOptions) -> Result<ZData> {
        let ztype = match map.get("ztype") {
            Some(Value::Str(s)) => s.as_str(),
            Some(other) => {
                return Err(Error::new(
                    ErrorKind::WrongType,
                    format!("ztype must be a string, not {}", other.kind_name()),
                )
                .in_key("ztype"))
            }
            None => return Err(missing("ztype", "a string")),
        };
        if let Some(fields) = known_fields(ztype) {
            if let Some(extra) = map.keys().find(|k| !fields.contains(k)) {
                return Err(Error::new(
                    ErrorKind::InvalidValue,
                    format!("{ztype} has no field {extra:?} (fields: {})", fields.join(", ")),
                )
                .in_key(extra));
            }
            return match ztype {
                "numpy.ndarray" => read_array(&map, ArrayKind::Numpy).map(ZData::Array),
                "torch.Tensor" => read_array(&map, ArrayKind::Torch).map(ZData::Array),
                "image" => read_image(&map).map(ZData::Image),
                "safetensor.dict" => {
                    let b = bytes_field(&map, "a safetensors file")?;
                    Safetensors::parse(b).map(ZData::Safetensors).map_err(|e| e.in_key("b"))
                }
                other => match compat_dtype(other) {
                    Some(dtype) => read_compat(&map, dtype).map(ZData::Array),
                    None => Err(Error::new(
                        ErrorKind::InvalidValue,
                        format!("{other} is not a known ztype"),
                    )),
                },
            };
        }
        if let Some(decode) = options.registry.as_ref().and_then(|r| r.decoder(ztype)) {
            return decode(&map).map(ZData::Custom);
        }
        if options.strict_ztype {
            return Err(Error::new(
                ErrorKind::UnknownZType,
                format!("ztype {ztype:?} is neither known nor registered (strict mode)"),
            )
            .in_key("ztype"));
        }
        Ok(ZData::Opaque(map))
    }

    /// The canonical entries, in canonical order (see the module's contract). `b` shares the payload's buffer.
    pub fn to_map(&self) -> Map {
        let mut map = Map::with_capacity(4);
        match self {
            ZData::Array(a) => {
                map.push_unique("ztype".into(), Value::Str(a.kind().ztype().into()));
                map.push_unique("b".into(), Value::Bin(a.bytes().clone()));
                map.push_unique("dtype".into(), Value::Str(a.dtype().name().into()));
                let shape = a.shape().iter().map(|&d| Value::Int(i128::from(d))).collect();
                map.push_unique("shape".into(), Value::Array(shape));
            }
            ZData::Image(image) => {
                map.push_unique("ztype".into(), Value::Str("image".into()));
                map.push_unique("b".into(), Value::Bin(image.data.clone()));
                if let Some(format) = &image.format_entry {
                    map.push_unique("format".into(), Value::Str(format.as_str().into()));
                }
            }
            ZData::Safetensors(st) => {
                map.push_unique("ztype".into(), Value::Str("safetensor.dict".into()));
                map.push_unique("b".into(), Value::Bin(st.bytes().clone()));
            }
            ZData::Custom(custom) => {
                map.push_unique("ztype".into(), Value::Str(custom.ztype().into()));
                for (k, v) in custom.fields() {
                    if k != "ztype" {
                        map.push_unique(k, v);
                    }
                }
            }
            ZData::Opaque(entries) => return entries.clone(),
        }
        map
    }

    /// The ztype the value is written with.
    pub fn ztype(&self) -> &str {
        match self {
            ZData::Array(a) => a.kind().ztype(),
            ZData::Image(_) => "image",
            ZData::Safetensors(_) => "safetensor.dict",
            ZData::Custom(custom) => custom.ztype(),
            ZData::Opaque(entries) => entries.get("ztype").and_then(Value::as_str).unwrap_or(""),
        }
    }

    /// An opaque value of ztype `ztype` with `fields` after it (a `ztype` entry in `fields` is ignored).
    pub fn opaque(ztype: &str, fields: Map) -> ZData {
        let mut map = Map::with_capacity(fields.len() + 1);
        map.push_unique("ztype".into(), Value::Str(ztype.into()));
        for (k, v) in fields {
            if k != "ztype" {
                map.push_unique(k, v);
            }
        }
        ZData::Opaque(map)
    }

    /// The array, for `numpy.ndarray` / `torch.Tensor` (and decoded vrpc-ts typed arrays).
    pub fn as_array(&self) -> Option<&NdArray> {
        match self {
            ZData::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The image, for `image`.
    pub fn as_image(&self) -> Option<&Image> {
        match self {
            ZData::Image(i) => Some(i),
            _ => None,
        }
    }

    /// The safetensors file, for `safetensor.dict`.
    pub fn as_safetensors(&self) -> Option<&Safetensors> {
        match self {
            ZData::Safetensors(s) => Some(s),
            _ => None,
        }
    }

    /// The custom value, for a registered ztype.
    pub fn as_custom(&self) -> Option<&Arc<dyn CustomZData>> {
        match self {
            ZData::Custom(c) => Some(c),
            _ => None,
        }
    }

    /// The entries of an opaque value (`ztype` included).
    pub fn as_opaque(&self) -> Option<&Map> {
        match self {
            ZData::Opaque(m) => Some(m),
            _ => None,
        }
    }
}

impl From<NdArray> for ZData {
    fn from(a: NdArray) -> Self {
        ZData::Array(a)
    }
}

impl From<Image> for ZData {
    fn from(i: Image) -> Self {
        ZData::Image(i)
    }
}

impl From<Safetensors> for ZData {
    fn from(s: Safetensors) -> Self {
        ZData::Safetensors(s)
    }
}

impl From<Arc<dyn CustomZData>> for ZData {
    fn from(c: Arc<dyn CustomZData>) -> Self {
        ZData::Custom(c)
    }
}

impl From<NdArray> for Value {
    fn from(a: NdArray) -> Self {
        Value::ZData(Box::new(ZData::Array(a)))
    }
}

impl From<Image> for Value {
    fn from(i: Image) -> Self {
        Value::ZData(Box::new(ZData::Image(i)))
    }
}

impl From<Safetensors> for Value {
    fn from(s: Safetensors) -> Self {
        Value::ZData(Box::new(ZData::Safetensors(s)))
    }
}
