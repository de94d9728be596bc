//! ZData (spec §7): typed binary payloads inside free-form values.
//!
//! CONTRACT (owned by the zdata helper; other modules rely on exactly these names and signatures):
//! - `ZData::from_map(map, &DecodeOptions) -> Result<ZData>`: a map whose `ztype` entry is a string, read and
//!   checked as ZData; errors carry paths relative to the map (`b`, `shape[0]`, `ztype`).
//! - `ZData::to_map(&self) -> Map`: the canonical entries in canonical order (`ztype, b, dtype, shape` for
//!   arrays; `ztype, b` for image/safetensors; opaque entries as received; custom: `ztype` then its fields).
//!   `b` is a `Value::Bin` sharing the array's buffer (no copy).
//! - `ZData::ztype(&self) -> &str`.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;

use super::dtype::ByteOrder;
use super::error::{Error, ErrorKind, Result};
use super::ndarray::{swap_units, MAX_DIMS};
use super::options::DecodeOptions;
use super::value::{Map, Value};

pub use super::dtype::Dtype;
pub use super::ndarray::{ArrayKind, NdArray};
pub use super::registry::{CustomZData, Registry};
pub use super::safetensors::Safetensors;

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

/// An encoded image file (`{ztype: "image", b}`), kept byte for byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// The file's bytes, as received.
    pub data: Bytes,
    /// The format, sniffed from the magic bytes (or the `format` entry when they say nothing).
    pub format: ImageFormat,
    /// The `format` entry as received (vrpc-rs writes one), re-encoded after `b` as the conformance vectors
    /// (`zdata.image.png.format`) and the TypeScript and Python bindings do; `None` for new images.
    pub format_entry: Option<String>,
}

/// The format of an image, sniffed from its magic bytes (or the optional `format` entry when they say nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    /// PNG: `89 50 4e 47 0d 0a 1a 0a`.
    Png,
    /// JPEG: `ff d8 ff`.
    Jpeg,
    /// WebP: `RIFF`, 4 bytes, `WEBP`.
    Webp,
    /// Anything else (not an error).
    Unknown,
}

impl fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpeg",
            ImageFormat::Webp => "webp",
            ImageFormat::Unknown => "unknown",
        })
    }
}

impl ImageFormat {
    /// The format named by an image file's first bytes (spec §7.4).
    pub fn sniff(data: &[u8]) -> ImageFormat {
        if data.starts_with(b"\x89PNG\r\n\x1a\n") {
            ImageFormat::Png
        } else if data.starts_with(b"\xff\xd8\xff") {
            ImageFormat::Jpeg
        } else if data.len() >= 12 && data.starts_with(b"RIFF") && &data[8..12] == b"WEBP" {
            ImageFormat::Webp
        } else {
            ImageFormat::Unknown
        }
    }

    /// The format a `format` entry names (`png`, `jpeg`, `webp`), else `Unknown`.
    pub fn from_name(name: &str) -> ImageFormat {
        match name {
            "png" => ImageFormat::Png,
            "jpeg" => ImageFormat::Jpeg,
            "webp" => ImageFormat::Webp,
            _ => ImageFormat::Unknown,
        }
    }
}

impl Image {
    /// An image from an encoded file's bytes; the format is sniffed, no `format` entry is written.
    pub fn new(data: Bytes) -> Image {
        let format = ImageFormat::sniff(&data);
        Image {
            data,
            format,
            format_entry: None,
        }
    }

    /// An image as decoded: the `format` entry counts only when the bytes do not identify the format.
    pub fn with_format_entry(data: Bytes, format_entry: Option<String>) -> Image {
        let mut image = Image::new(data);
        if image.format == ImageFormat::Unknown {
            if let Some(name) = &format_entry {
                image.format = ImageFormat::from_name(name);
            }
        }
        image.format_entry = format_entry;
        image
    }
}

/// The vrpc-ts typed-array ztypes (spec §7.6) and their dtypes.
fn compat_dtype(ztype: &str) -> Option<Dtype> {
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
fn known_fields(ztype: &str) -> Option<&'static [&'static str]> {
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

fn missing(key: &str, what: &str) -> Error {
    Error::new(ErrorKind::MissingField, format!("ZData needs {key:?} ({what})")).in_key(key)
}

/// The `b` entry: `MissingField` when absent, `WrongType` when not a bin.
fn bytes_field(map: &Map, what: &str) -> Result<Bytes> {
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
fn dimension(v: &Value) -> Option<u64> {
    match v {
        Value::Int(i) => u64::try_from(*i).ok(),
        _ => None,
    }
}

/// The shape and element count of a `shape` array (errors at `shape` / `shape[i]`, relative to the map).
fn read_shape(items: &[Value]) -> Result<(Vec<u64>, u64)> {
    if items.len() > MAX_DIMS {
        return Err(Error::new(
            ErrorKind::InvalidShape,
            format!("{} dimensions; at most {MAX_DIMS} are allowed", items.len()),
        )
        .in_key("shape"));
    }
    let mut shape = Vec::with_capacity(items.len());
    let mut product: Option<u64> = Some(1);
    let mut zero = false;
    for (i, item) in items.iter().enumerate() {
        let d = dimension(item).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidShape,
                format!("dimension {i} must be a non-negative integer, not {}", item.kind_name()),
            )
            .in_index(i)
            .in_key("shape")
        })?;
        zero |= d == 0;
        product = product.and_then(|p| p.checked_mul(d));
        shape.push(d);
    }
    let count = match (zero, product) {
        (true, _) => 0,
        (false, Some(p)) => p,
        (false, None) => {
            return Err(Error::new(
                ErrorKind::InvalidShape,
                "the product of the dimensions overflows 64 bits",
            )
            .in_key("shape"))
        }
    };
    Ok((shape, count))
}

/// The array over `b`: `ShapeMismatch` / bool `InvalidValue` at `b`; big-endian elements swapped into a copy.
fn make_array(dtype: Dtype, order: ByteOrder, shape: Vec<u64>, count: u64, b: Bytes) -> Result<NdArray> {
    super::ndarray::check_len(dtype, count, b.len()).map_err(|e| e.in_key("b"))?;
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

fn read_array(map: &Map, kind: ArrayKind) -> Result<NdArray> {
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

fn read_compat(map: &Map, dtype: Dtype) -> Result<NdArray> {
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

fn read_image(map: &Map) -> Result<Image> {
    let b = bytes_field(map, "the encoded image file")?;
    let format_entry = match map.get("format") {
        None => None,
        Some(Value::Str(s)) => Some(s.clone()),
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
                    map.push_unique("format".into(), Value::Str(format.clone()));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::error::PathSeg;

    /// A minimal canonical MessagePack writer for the values these tests build (str, bin, int, array, map),
    /// written from the MessagePack spec so that the spec's worked bytes can be compared exactly.
    fn mp(v: &Value, out: &mut Vec<u8>) {
        match v {
            Value::Int(i) if (0..128).contains(i) => out.push(*i as u8),
            Value::Str(s) if s.len() < 32 => {
                out.push(0xa0 | s.len() as u8);
                out.extend_from_slice(s.as_bytes());
            }
            Value::Bin(b) if b.len() < 256 => {
                out.extend_from_slice(&[0xc4, b.len() as u8]);
                out.extend_from_slice(b);
            }
            Value::Array(a) if a.len() < 16 => {
                out.push(0x90 | a.len() as u8);
                a.iter().for_each(|x| mp(x, out));
            }
            Value::Map(m) if m.len() < 16 => {
                out.push(0x80 | m.len() as u8);
                for (k, x) in m.iter() {
                    mp(&Value::Str(k.into()), out);
                    mp(x, out);
                }
            }
            other => panic!("test writer does not handle {other:?}"),
        }
    }

    fn bytes_of(m: &Map) -> Vec<u8> {
        let mut out = Vec::new();
        mp(&Value::Map(m.clone()), &mut out);
        out
    }

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|h| u8::from_str_radix(h, 16).unwrap())
            .collect()
    }

    fn map(entries: Vec<(&str, Value)>) -> Map {
        entries.into_iter().collect()
    }

    fn bin(b: &[u8]) -> Value {
        Value::Bin(Bytes::copy_from_slice(b))
    }

    fn ints(v: &[i128]) -> Value {
        Value::Array(v.iter().map(|&i| Value::Int(i)).collect())
    }

    fn decode(m: Map) -> Result<ZData> {
        ZData::from_map(m, &DecodeOptions::default())
    }

    fn err(m: Map) -> (ErrorKind, String) {
        let e = decode(m).unwrap_err();
        (e.kind(), e.path_string())
    }

    fn ndarray_map(b: Value, dtype: Value, shape: Value) -> Map {
        map(vec![
            ("ztype", "numpy.ndarray".into()),
            ("b", b),
            ("dtype", dtype),
            ("shape", shape),
        ])
    }

    const F32_123: [u8; 12] = [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40];

    const SPEC_3_10: &str = "84 a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79 a1 62 c4 0c 00 00 80 3f \
        00 00 00 40 00 00 40 40 a5 64 74 79 70 65 a7 66 6c 6f 61 74 33 32 a5 73 68 61 70 65 91 03";

    #[test]
    fn spec_3_10_ndarray_float32() {
        let source = Bytes::copy_from_slice(&F32_123);
        let z = decode(ndarray_map(Value::Bin(source.clone()), "float32".into(), ints(&[3]))).unwrap();
        let a = z.as_array().unwrap();
        assert_eq!(
            (a.dtype(), a.shape(), a.kind()),
            (Dtype::Float32, &[3u64][..], ArrayKind::Numpy)
        );
        assert_eq!(a.to_vec::<f32>().unwrap(), [1.0, 2.0, 3.0]);
        // Zero-copy: the array's bytes are the bin's bytes, and so is the re-encoded b.
        assert_eq!(a.bytes().as_ptr(), source.as_ptr());
        let out = z.to_map();
        assert_eq!(
            out.get("b").and_then(Value::as_bytes).unwrap().as_ptr(),
            source.as_ptr()
        );
        assert_eq!(bytes_of(&out), hex(SPEC_3_10));
        assert_eq!(bytes_of(&out).len(), 59);
        assert_eq!(z.ztype(), "numpy.ndarray");
    }

    #[test]
    fn spec_7_3_big_endian_is_swapped() {
        let be = map(vec![
            ("ztype", "numpy.ndarray".into()),
            ("b", bin(&[0x3f, 0x80, 0, 0, 0x40, 0, 0, 0])),
            ("dtype", ">f4".into()),
            ("shape", ints(&[2])),
        ]);
        let source_bytes = bytes_of(&be);
        assert_eq!(
            source_bytes,
            hex(
                "84 a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79 a1 62 c4 08 3f 80 00 00 40 00 00 00 \
                 a5 64 74 79 70 65 a3 3e 66 34 a5 73 68 61 70 65 91 02"
            )
        );
        let z = decode(be).unwrap();
        let le = decode(ndarray_map(
            bin(&[0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]),
            "float32".into(),
            ints(&[2]),
        ))
        .unwrap();
        assert_eq!(z, le);
        assert_eq!(
            bytes_of(&z.to_map()),
            hex(
                "84 a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79 a1 62 c4 08 00 00 80 3f 00 00 00 40 \
                 a5 64 74 79 70 65 a7 66 6c 6f 61 74 33 32 a5 73 68 61 70 65 91 02"
            )
        );
    }

    #[test]
    fn big_endian_complex_swaps_each_half() {
        // complex64 (1+2j) big-endian: 3f800000 40000000.
        let z = decode(ndarray_map(
            bin(&[0x3f, 0x80, 0, 0, 0x40, 0, 0, 0]),
            ">c8".into(),
            ints(&[]),
        ))
        .unwrap();
        let a = z.as_array().unwrap();
        assert_eq!(
            a.to_vec::<num_complex::Complex<f32>>().unwrap(),
            [num_complex::Complex::new(1.0, 2.0)]
        );
        let z = decode(ndarray_map(bin(&[0x01, 0x02, 0x03, 0x04]), ">u2".into(), ints(&[2]))).unwrap();
        assert_eq!(z.as_array().unwrap().to_vec::<u16>().unwrap(), [0x0102, 0x0304]);
        // 1-byte types: '>' changes nothing, and the bytes are still shared.
        let src = Bytes::from_static(&[1, 2]);
        let z = decode(ndarray_map(Value::Bin(src.clone()), ">u1".into(), ints(&[2]))).unwrap();
        assert_eq!(z.as_array().unwrap().bytes().as_ptr(), src.as_ptr());
        // A big-endian payload of the wrong length is a mismatch, checked before swapping.
        assert_eq!(
            err(ndarray_map(bin(&[0; 6]), ">f4".into(), ints(&[2]))),
            (ErrorKind::ShapeMismatch, "b".into())
        );
    }

    #[test]
    fn spec_7_6_vrpc_ts_float32array() {
        let m = map(vec![
            ("ztype", "Float32Array".into()),
            ("b", bin(&F32_123)),
            ("length", Value::Int(3)),
        ]);
        let z = decode(m).unwrap();
        let numpy = decode(ndarray_map(bin(&F32_123), "float32".into(), ints(&[3]))).unwrap();
        assert_eq!(z, numpy);
        assert_eq!(bytes_of(&z.to_map()), hex(SPEC_3_10));
        let m = map(vec![
            ("ztype", "Uint16Array".into()),
            ("b", bin(&[0; 3])),
            ("length", Value::Int(1)),
        ]);
        assert_eq!(err(m), (ErrorKind::ShapeMismatch, "b".into()));
        let m = map(vec![("ztype", "Float32Array".into()), ("b", bin(&F32_123))]);
        assert_eq!(err(m), (ErrorKind::MissingField, "length".into()));
        for bad in [
            Value::Int(-1),
            Value::F64(1.0),
            Value::Str("1".into()),
            Value::Int(1 << 64),
        ] {
            let m = map(vec![
                ("ztype", "Int32Array".into()),
                ("b", bin(&[0; 4])),
                ("length", bad),
            ]);
            assert_eq!(err(m), (ErrorKind::InvalidShape, "length".into()));
        }
        let m = map(vec![
            ("ztype", "Float32Array".into()),
            ("b", bin(&F32_123)),
            ("length", Value::Int(3)),
            ("byteOffset", Value::Int(0)),
        ]);
        assert_eq!(err(m), (ErrorKind::InvalidValue, "byteOffset".into()));
        for (z, d) in [
            ("Int8Array", Dtype::Int8),
            ("Uint8Array", Dtype::Uint8),
            ("Int16Array", Dtype::Int16),
            ("Uint16Array", Dtype::Uint16),
            ("Int32Array", Dtype::Int32),
            ("Uint32Array", Dtype::Uint32),
            ("Float64Array", Dtype::Float64),
        ] {
            let m = map(vec![
                ("ztype", z.into()),
                ("b", bin(&vec![0; d.itemsize() * 2])),
                ("length", Value::Int(2)),
            ]);
            let a = decode(m).unwrap();
            assert_eq!(
                (a.as_array().unwrap().dtype(), a.as_array().unwrap().shape()),
                (d, &[2u64][..])
            );
        }
    }

    #[test]
    fn entries_in_any_order_and_torch_kind() {
        let m = map(vec![
            ("shape", ints(&[2])),
            ("dtype", "int64".into()),
            ("b", bin(&[1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0])),
            ("ztype", "torch.Tensor".into()),
        ]);
        let z = decode(m).unwrap();
        assert_eq!(z.ztype(), "torch.Tensor");
        assert_eq!(z.as_array().unwrap().to_vec::<i64>().unwrap(), [1, 2]);
        assert_eq!(z.to_map().keys().collect::<Vec<_>>(), ["ztype", "b", "dtype", "shape"]);
        assert_eq!(z.to_map().get("ztype"), Some(&Value::Str("torch.Tensor".into())));
    }

    #[test]
    fn explicit_dtype_is_canonicalised() {
        let z = decode(ndarray_map(bin(&[1, 0]), "|b1".into(), ints(&[2]))).unwrap();
        assert_eq!(z.to_map().get("dtype"), Some(&Value::Str("bool".into())));
        let z = decode(ndarray_map(bin(&[0; 4]), "<i4".into(), ints(&[1, 1]))).unwrap();
        assert_eq!(z.to_map().get("dtype"), Some(&Value::Str("int32".into())));
    }

    #[test]
    fn array_errors_and_paths() {
        let f = |b: Value, d: Value, s: Value| err(ndarray_map(b, d, s));
        let ok_b = || bin(&F32_123);
        assert_eq!(
            f(ok_b(), "object".into(), ints(&[3])),
            (ErrorKind::UnsupportedDtype, "dtype".into())
        );
        assert_eq!(
            f(ok_b(), "torch.float32".into(), ints(&[3])),
            (ErrorKind::UnsupportedDtype, "dtype".into())
        );
        assert_eq!(
            f(ok_b(), Value::Int(11), ints(&[3])),
            (ErrorKind::WrongType, "dtype".into())
        );
        assert_eq!(
            f("AACAPw==".into(), "float32".into(), ints(&[3])),
            (ErrorKind::WrongType, "b".into())
        );
        assert_eq!(
            f(ints(&[0, 0, 128, 63]), "float32".into(), ints(&[1])),
            (ErrorKind::WrongType, "b".into())
        );
        assert_eq!(
            f(ok_b(), "float32".into(), "2,3".into()),
            (ErrorKind::WrongType, "shape".into())
        );
        assert_eq!(
            f(ok_b(), "float32".into(), Value::Int(3)),
            (ErrorKind::WrongType, "shape".into())
        );
        assert_eq!(
            f(ok_b(), "float32".into(), ints(&[-3])),
            (ErrorKind::InvalidShape, "shape[0]".into())
        );
        assert_eq!(
            f(ok_b(), "float32".into(), ints(&[3, -1])),
            (ErrorKind::InvalidShape, "shape[1]".into())
        );
        let float_dim = Value::Array(vec![Value::F64(3.0)]);
        assert_eq!(
            f(ok_b(), "float32".into(), float_dim),
            (ErrorKind::InvalidShape, "shape[0]".into())
        );
        let nested = Value::Array(vec![Value::Int(1), ints(&[3])]);
        assert_eq!(
            f(ok_b(), "float32".into(), nested),
            (ErrorKind::InvalidShape, "shape[1]".into())
        );
        assert_eq!(
            f(bin(&[]), "float32".into(), ints(&[1 << 32, 1 << 32])),
            (ErrorKind::InvalidShape, "shape".into())
        );
        assert_eq!(
            f(bin(&[]), "float32".into(), ints(&[1 << 63, 4])),
            (ErrorKind::InvalidShape, "shape".into())
        );
        assert_eq!(
            f(bin(&[7]), "uint8".into(), ints(&[1; 65])),
            (ErrorKind::InvalidShape, "shape".into())
        );
        // A zero dimension: the product is 0, however large the others.
        assert!(decode(ndarray_map(bin(&[]), "uint8".into(), ints(&[0, (1 << 64) - 1]))).is_ok());
        assert_eq!(
            f(bin(&[0; 8]), "float32".into(), ints(&[3])),
            (ErrorKind::ShapeMismatch, "b".into())
        );
        assert_eq!(
            f(bin(&[0; 12]), "float32".into(), ints(&[2])),
            (ErrorKind::ShapeMismatch, "b".into())
        );
        assert_eq!(
            f(bin(&[]), "float64".into(), ints(&[])),
            (ErrorKind::ShapeMismatch, "b".into())
        );
        assert_eq!(
            f(bin(&[1]), "float64".into(), ints(&[0])),
            (ErrorKind::ShapeMismatch, "b".into())
        );
        assert_eq!(
            f(bin(&[0; 8]), "complex128".into(), ints(&[1])),
            (ErrorKind::ShapeMismatch, "b".into())
        );
        assert_eq!(
            f(bin(&[1, 2]), "bool".into(), ints(&[2])),
            (ErrorKind::InvalidValue, "b".into())
        );
        assert_eq!(
            f(bin(&[0xff]), "bool".into(), ints(&[1])),
            (ErrorKind::InvalidValue, "b".into())
        );
        // Missing entries.
        let mut m = ndarray_map(ok_b(), "float32".into(), ints(&[3]));
        m.remove("shape");
        assert_eq!(err(m.clone()), (ErrorKind::MissingField, "shape".into()));
        m.remove("dtype");
        assert_eq!(err(m.clone()), (ErrorKind::MissingField, "dtype".into()));
        m.remove("b");
        assert_eq!(err(m), (ErrorKind::MissingField, "b".into()));
        // Closed: an extra entry is InvalidValue at it (before anything else is looked at).
        let mut m = ndarray_map(bin(&[]), Value::Nil, Value::Nil);
        m.insert("order", "C");
        assert_eq!(err(m), (ErrorKind::InvalidValue, "order".into()));
        let e = decode(ndarray_map(bin(&[]), "float32".into(), ints(&[-1]))).unwrap_err();
        assert_eq!(e.path(), [PathSeg::Key("shape".into()), PathSeg::Index(0)]);
    }

    #[test]
    fn images_sniff_and_keep_bytes() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let src = Bytes::copy_from_slice(png);
        let z = decode(map(vec![("ztype", "image".into()), ("b", Value::Bin(src.clone()))])).unwrap();
        let img = z.as_image().unwrap();
        assert_eq!(
            (img.format.clone(), img.data.as_ptr()),
            (ImageFormat::Png, src.as_ptr())
        );
        assert_eq!(z.to_map().keys().collect::<Vec<_>>(), ["ztype", "b"]);
        let jpeg = decode(map(vec![
            ("ztype", "image".into()),
            ("b", bin(&[0xff, 0xd8, 0xff, 0xe0])),
        ]))
        .unwrap();
        assert_eq!(jpeg.as_image().unwrap().format, ImageFormat::Jpeg);
        let webp = b"RIFF\x10\0\0\0WEBPVP8 ";
        assert_eq!(ImageFormat::sniff(webp), ImageFormat::Webp);
        assert_eq!(ImageFormat::sniff(b"RIFF\x10\0\0\0WAVE"), ImageFormat::Unknown);
        assert_eq!(ImageFormat::sniff(b"RIFF"), ImageFormat::Unknown);
        assert_eq!(ImageFormat::sniff(b""), ImageFormat::Unknown);
        // The format entry counts only when the bytes say nothing; it is kept (vrpc-rs relays).
        let m = map(vec![
            ("ztype", "image".into()),
            ("b", bin(b"GIF89a")),
            ("format", "webp".into()),
        ]);
        let z = decode(m).unwrap();
        assert_eq!(z.as_image().unwrap().format, ImageFormat::Webp);
        assert_eq!(z.to_map().get("format"), Some(&Value::Str("webp".into())));
        let m = map(vec![
            ("ztype", "image".into()),
            ("b", Value::Bin(src.clone())),
            ("format", "jpeg".into()),
        ]);
        assert_eq!(decode(m).unwrap().as_image().unwrap().format, ImageFormat::Png);
        let m = map(vec![
            ("ztype", "image".into()),
            ("b", bin(b"x")),
            ("format", Value::Int(1)),
        ]);
        assert_eq!(err(m), (ErrorKind::WrongType, "format".into()));
        let m = map(vec![("ztype", "image".into()), ("b", "data:image/png;base64,".into())]);
        assert_eq!(err(m), (ErrorKind::WrongType, "b".into()));
        assert_eq!(
            err(map(vec![("ztype", "image".into())])),
            (ErrorKind::MissingField, "b".into())
        );
        let m = map(vec![
            ("ztype", "image".into()),
            ("b", bin(b"x")),
            ("width", Value::Int(1)),
        ]);
        assert_eq!(err(m), (ErrorKind::InvalidValue, "width".into()));
        assert_eq!(Image::new(src.clone()).format_entry, None);
    }

    #[test]
    fn safetensors_in_zdata() {
        let a = NdArray::from_slice(&[1.0f32, 2.0], vec![2]).unwrap();
        let st = Safetensors::build(vec![("a".into(), a.clone())]).unwrap();
        let file = st.bytes().clone();
        let z = decode(map(vec![
            ("ztype", "safetensor.dict".into()),
            ("b", Value::Bin(file.clone())),
        ]))
        .unwrap();
        assert_eq!(z.as_safetensors().unwrap().get("a"), Some(&a));
        let out = z.to_map();
        assert_eq!(out.keys().collect::<Vec<_>>(), ["ztype", "b"]);
        assert_eq!(out.get("b").and_then(Value::as_bytes).unwrap().as_ptr(), file.as_ptr());
        let m = map(vec![("ztype", "safetensor.dict".into()), ("b", bin(&[1, 2, 3, 4]))]);
        assert_eq!(err(m), (ErrorKind::InvalidValue, "b".into()));
        let mut bad = 30u64.to_le_bytes().to_vec();
        bad.extend_from_slice(br#"{"a":{"dtype":"F8_E5M2","shape":[1],"data_offsets":[0,1]}}"#);
        let bad = {
            let mut f = (bad.len() as u64 - 8).to_le_bytes().to_vec();
            f.extend_from_slice(&bad[8..]);
            f.push(0);
            f
        };
        let m = map(vec![("ztype", "safetensor.dict".into()), ("b", bin(&bad))]);
        assert_eq!(err(m), (ErrorKind::UnsupportedDtype, "b".into()));
        assert_eq!(
            err(map(vec![("ztype", "safetensor.dict".into())])),
            (ErrorKind::MissingField, "b".into())
        );
    }

    #[derive(Debug)]
    struct Point {
        x: i128,
    }

    impl CustomZData for Point {
        fn ztype(&self) -> &str {
            "demo.v1.Point"
        }
        fn fields(&self) -> Map {
            map(vec![("x", Value::Int(self.x))])
        }
    }

    #[test]
    fn opaque_strict_and_custom() {
        let sphere = map(vec![
            ("ztype", "sphere".into()),
            ("data", Value::Map(map(vec![("r", Value::F64(1.0))]))),
        ]);
        let z = decode(sphere.clone()).unwrap();
        assert_eq!(z.as_opaque(), Some(&sphere));
        assert_eq!(z.to_map(), sphere);
        assert_eq!(z.ztype(), "sphere");
        let e = ZData::from_map(sphere, &DecodeOptions::strict()).unwrap_err();
        assert_eq!((e.kind(), e.path_string()), (ErrorKind::UnknownZType, "ztype".into()));

        let mut registry = Registry::new();
        registry
            .register("demo.v1.Point", |m: &Map| match m.get("x") {
                Some(Value::Int(x)) => Ok(Arc::new(Point { x: *x }) as Arc<dyn CustomZData>),
                _ => Err(Error::new(ErrorKind::MissingField, "x").in_key("x")),
            })
            .unwrap();
        let options = DecodeOptions {
            strict_ztype: true,
            registry: Some(Arc::new(registry)),
        };
        let m = map(vec![("x", Value::Int(4)), ("ztype", "demo.v1.Point".into())]);
        let z = ZData::from_map(m, &options).unwrap();
        assert_eq!(z.ztype(), "demo.v1.Point");
        assert_eq!(
            z.to_map(),
            map(vec![("ztype", "demo.v1.Point".into()), ("x", Value::Int(4))])
        );
        assert_eq!(z.as_custom().unwrap().fields().get("x"), Some(&Value::Int(4)));
        let e = ZData::from_map(map(vec![("ztype", "demo.v1.Point".into())]), &options).unwrap_err();
        assert_eq!((e.kind(), e.path_string()), (ErrorKind::MissingField, "x".into()));
        // Known ztypes never reach the registry, strict or not.
        let m = ndarray_map(bin(&[5]), "uint8".into(), ints(&[1]));
        assert!(ZData::from_map(m, &options).unwrap().as_array().is_some());

        let o = ZData::opaque("mylib.Thing", map(vec![("ztype", "ignored".into()), ("a", Value::Nil)]));
        assert_eq!(o.to_map().keys().collect::<Vec<_>>(), ["ztype", "a"]);
        assert_eq!(o.ztype(), "mylib.Thing");
    }

    #[test]
    fn conversions() {
        let a = NdArray::from_vec(vec![1u8, 2], vec![2]).unwrap();
        let z: ZData = a.clone().into();
        assert_eq!(z.as_array(), Some(&a));
        let v: Value = a.into();
        assert!(matches!(v, Value::ZData(_)));
        assert!(is_known_ztype("Float64Array") && is_known_ztype("image") && !is_known_ztype("sphere"));
    }

    /// A tiny deterministic generator (xorshift) for the fuzz test.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[(self.next() % items.len() as u64) as usize]
        }
    }

    fn random_value(rng: &mut Rng, depth: u32) -> Value {
        match rng.next() % if depth > 2 { 7 } else { 9 } {
            0 => Value::Nil,
            1 => Value::Int(*rng.pick(&[0, 1, 2, 3, 4, 8, 12, -1, 1 << 32, 1 << 63, (1 << 64) - 1, 1 << 64])),
            2 => Value::F64(*rng.pick(&[0.0, 1.0, 2.5, -1.0])),
            3 => Value::Str(
                rng.pick(&[
                    "float32",
                    ">f4",
                    "|u1",
                    "bool",
                    ">c16",
                    "x",
                    "",
                    "<f8",
                    "complex64",
                    "png",
                    "BF16",
                ])
                .to_string(),
            ),
            4 | 5 => {
                let n = (rng.next() % 40) as usize;
                let b: Vec<u8> = (0..n).map(|_| (rng.next() % 3) as u8).collect();
                Value::Bin(Bytes::from(b))
            }
            6 => Value::Bool(rng.next().is_multiple_of(2)),
            7 => Value::Array((0..rng.next() % 4).map(|_| random_value(rng, depth + 1)).collect()),
            _ => Value::Map(map(vec![("k", random_value(rng, depth + 1))])),
        }
    }

    #[test]
    fn random_maps_never_panic() {
        let ztypes = [
            "numpy.ndarray",
            "torch.Tensor",
            "image",
            "safetensor.dict",
            "Float32Array",
            "Uint8Array",
            "Int16Array",
            "Float64Array",
            "sphere",
            "demo.v1.Point",
        ];
        let keys = ["b", "dtype", "shape", "length", "format", "extra"];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut ok = 0;
        for _ in 0..20_000 {
            let mut m = Map::new();
            m.insert("ztype", *rng.pick(&ztypes));
            for key in keys {
                if !rng.next().is_multiple_of(4) {
                    let v = if key == "shape" && rng.next().is_multiple_of(2) {
                        ints(
                            &(0..rng.next() % 3)
                                .map(|_| (rng.next() % 5) as i128)
                                .collect::<Vec<_>>(),
                        )
                    } else {
                        random_value(&mut rng, 0)
                    };
                    m.insert(key, v);
                }
            }
            let strict = rng.next().is_multiple_of(2);
            let options = DecodeOptions {
                strict_ztype: strict,
                registry: None,
            };
            if let Ok(z) = ZData::from_map(m, &options) {
                ok += 1;
                // Whatever decodes re-encodes to a map that decodes to the same value.
                let again = ZData::from_map(z.to_map(), &options).unwrap();
                assert_eq!(again, z);
            }
        }
        assert!(ok > 0);
    }
}
