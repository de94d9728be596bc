//! Reading the known ztypes out of their maps (spec §7.2 to §7.8): field sets, dtypes, shapes and lengths.

use bytes::Bytes;

use super::Image;
use crate::runtime::dtype::{ByteOrder, Dtype};
use crate::runtime::error::{Error, ErrorKind, Result};
use crate::runtime::ndarray::{swap_units, ArrayKind, NdArray, MAX_DIMS};
use crate::runtime::value::{Map, Value};

pub(super) fn compat_dtype(ztype: &str) -> Option<Dtype> {
    Some(match ztype {
        "Int8Array" => Dtype::Int8,
        "Uint8Array" => Dtype::Uint8,
        "Int16Array" => Dtype::Int16,
        "Uint16Array" => Dtype::Uint16,
        "Int32Array" => Dtype::Int32,
        "Uint32Array" => Dtype::Uint32,
        "Float32Array" => Dtype::Float32,
        "Float64Array" => Dtype::Float64,
        _ => return None,
    })
}

/// The entries a known ztype may have (spec §7.2), or `None` for other ztypes.
pub(super) fn known_fields(ztype: &str) -> Option<&'static [&'static str]> {
    match ztype {
        "numpy.ndarray" | "torch.Tensor" => Some(&["ztype", "b", "dtype", "shape"]),
        "image" => Some(&["ztype", "b", "format"]),
        "safetensor.dict" => Some(&["ztype", "b"]),
        z if compat_dtype(z).is_some() => Some(&["ztype", "b", "length"]),
        _ => None,
    }
}

/// True for the ztypes of spec §7.2 (arrays, tensors, images, safetensors and the vrpc-ts typed arrays).
pub fn is_known_ztype(ztype: &str) -> bool {
    known_fields(ztype).is_some()
}

pub(super) fn missing(key: &str, what: &str) -> Error {
    Error::new(ErrorKind::MissingField, format!("ZData needs {key:?} ({what})")).in_key(key)
}

/// The `b` entry: `MissingField` when absent, `WrongType` when not a bin.
pub(super) fn bytes_field(map: &Map, what: &str) -> Result<Bytes> {
    match map.get("b") {
        None => Err(missing("b", what)),
        Some(Value::Bin(b)) => Ok(b.clone()),
        Some(other) => Err(Error::new(
            ErrorKind::WrongType,
            format!("\"b\" must be {what} (bin), not {}", other.kind_name()),
        )
        .in_key("b")),
    }
}

/// A dimension: an integer item from 0 to 2^64-1.
pub(super) fn dimension(v: &Value) -> Option<u64> {
    match v {
        Value::Int(i) => u64::try_from(*i).ok(),
        _ => None,
    }
}

/// The shape and element count of a `shape` array (errors at `shape` / `shape[i]`, relative to the map).
pub(super) fn read_shape(items: &[Value]) -> Result<(Vec<u64>, u64)> {
    if items.len() > MAX_DIMS {
        return Err(Error::new(
            ErrorKind::InvalidShape,
            format!("{} dimensions; at most {MAX_DIMS} are allowed", items.len()),
        )
        .in_key("shape"));
    }
    let mut shape = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let d = dimension(item).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidShape,
                format!("dimension {i} must be a non-negative integer, not {}", item.kind_name()),
            )
            .in_index(i)
            .in_key("shape")
        })?;
        shape.push(d);
    }
    let count = element_count(&shape)?;
    Ok((shape, count))
}

/// The number of elements of a shape: 0 when a dimension is 0, else the product, which must fit 64 bits.
fn element_count(shape: &[u64]) -> Result<u64> {
    if shape.contains(&0) {
        return Ok(0);
    }
    shape.iter().try_fold(1u64, |p, &d| p.checked_mul(d)).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidShape,
            "the product of the dimensions overflows 64 bits",
        )
        .in_key("shape")
    })
}

/// An array from the entries of its canonical map, already taken apart (the codec's direct reader): the checks
/// of [`read_array`] past the entries' types.
pub(crate) fn array_from_parts(kind: ArrayKind, b: Bytes, dtype: &str, shape: Vec<u64>) -> Result<NdArray> {
    if shape.len() > MAX_DIMS {
        return Err(Error::new(ErrorKind::InvalidShape, "too many dimensions").in_key("shape"));
    }
    let (dtype, order) = Dtype::parse(dtype).map_err(|e| e.in_key("dtype"))?;
    let count = element_count(&shape)?;
    Ok(make_array(dtype, order, shape, count, b)?.with_kind(kind))
}

/// The array over `b`: `ShapeMismatch` / bool `InvalidValue` at `b`; big-endian elements swapped into a copy.
pub(super) fn make_array(dtype: Dtype, order: ByteOrder, shape: Vec<u64>, count: u64, b: Bytes) -> Result<NdArray> {
    crate::runtime::ndarray::check_len(dtype, count, b.len()).map_err(|e| e.in_key("b"))?;
    let data = match order {
        ByteOrder::Little => b,
        ByteOrder::Big => {
            let mut swapped = b.to_vec();
            swap_units(&mut swapped, dtype.swap_unit());
            Bytes::from(swapped)
        }
    };
    NdArray::with_count(dtype, shape, data, count).map_err(|e| e.in_key("b"))
}

pub(super) fn read_array(map: &Map, kind: ArrayKind) -> Result<NdArray> {
    let b = bytes_field(map, "the element bytes")?;
    let dtype_text = match map.get("dtype") {
        None => return Err(missing("dtype", "a dtype name")),
        Some(Value::Str(s)) => s,
        Some(other) => {
            return Err(Error::new(
                ErrorKind::WrongType,
                format!("\"dtype\" must be a dtype name, not {}", other.kind_name()),
            )
            .in_key("dtype"))
        }
    };
    let (dtype, order) = Dtype::parse(dtype_text).map_err(|e| e.in_key("dtype"))?;
    let items = match map.get("shape") {
        None => return Err(missing("shape", "an array of dimensions, [] for 0-d")),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(Error::new(
                ErrorKind::WrongType,
                format!(
                    "shape must be an array of non-negative integers, not {}",
                    other.kind_name()
                ),
            )
            .in_key("shape"))
        }
    };
    let (shape, count) = read_shape(items)?;
    Ok(make_array(dtype, order, shape, count, b)?.with_kind(kind))
}

pub(super) fn read_compat(map: &Map, dtype: Dtype) -> Result<NdArray> {
    let b = bytes_field(map, "the element bytes")?;
    let length = match map.get("length") {
        None => return Err(missing("length", "the element count")),
        Some(v) => dimension(v).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidShape,
                format!("length must be a non-negative integer, not {}", v.kind_name()),
            )
            .in_key("length")
        })?,
    };
    make_array(dtype, ByteOrder::Little, vec![length], length, b)
}

pub(super) fn read_image(map: &Map) -> Result<Image> {
    let b = bytes_field(map, "the encoded image file")?;
    let format_entry = match map.get("format") {
        None => None,
        Some(Value::Str(s)) => Some(s.to_string()),
        Some(other) => {
            return Err(Error::new(
                ErrorKind::WrongType,
                format!("format must be a string, not {}", other.kind_name()),
            )
            .in_key("format"))
        }
    };
    Ok(Image::with_format_entry(b, format_entry))
}
