//! safetensors files (spec §7.5): the file kept as received, its tensors as zero-copy [`NdArray`] views.

use std::fmt;

use bytes::Bytes;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

use super::dtype::Dtype;
use super::error::{Error, ErrorKind, Result};
use super::ndarray::{element_count, NdArray};

/// A safetensors file: the file as received and its tensors, in the order of their data offsets.
///
/// A parsed file keeps its bytes: re-encoding it writes `b` unchanged. [`Safetensors::build`] writes a new file.
#[derive(Clone, Debug, PartialEq)]
pub struct Safetensors {
    data: Bytes,
    tensors: Vec<(String, NdArray)>,
    metadata: Option<Vec<(String, String)>>,
}

/// The JSON header's top-level entries, in file order (a later duplicate replaces the value in place), and the
/// `__metadata__` entry read in order too.
struct OrderedHeader {
    tensors: Vec<(String, serde_json::Value)>,
    metadata: Metadata,
}

/// The `__metadata__` entry: absent or `null`, a map of strings to strings (in order), or malformed.
enum Metadata {
    Absent,
    Entries(Vec<(String, String)>),
    Malformed,
}

impl<'de> Deserialize<'de> for Metadata {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct MetadataVisitor;
        impl<'de> Visitor<'de> for MetadataVisitor {
            type Value = Metadata;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> std::result::Result<Metadata, A::Error> {
                let mut entries: Vec<(String, String)> = Vec::new();
                let mut malformed = false;
                while let Some((key, value)) = access.next_entry::<String, serde_json::Value>()? {
                    match value {
                        serde_json::Value::String(s) => match entries.iter_mut().find(|(k, _)| *k == key) {
                            Some(slot) => slot.1 = s,
                            None => entries.push((key, s)),
                        },
                        _ => malformed = true,
                    }
                }
                Ok(if malformed {
                    Metadata::Malformed
                } else {
                    Metadata::Entries(entries)
                })
            }
            fn visit_unit<E>(self) -> std::result::Result<Metadata, E> {
                Ok(Metadata::Absent)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Metadata, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Metadata::Malformed)
            }
            fn visit_bool<E>(self, _: bool) -> std::result::Result<Metadata, E> {
                Ok(Metadata::Malformed)
            }
            fn visit_i64<E>(self, _: i64) -> std::result::Result<Metadata, E> {
                Ok(Metadata::Malformed)
            }
            fn visit_u64<E>(self, _: u64) -> std::result::Result<Metadata, E> {
                Ok(Metadata::Malformed)
            }
            fn visit_f64<E>(self, _: f64) -> std::result::Result<Metadata, E> {
                Ok(Metadata::Malformed)
            }
            fn visit_str<E>(self, _: &str) -> std::result::Result<Metadata, E> {
                Ok(Metadata::Malformed)
            }
        }
        deserializer.deserialize_any(MetadataVisitor)
    }
}

impl<'de> Deserialize<'de> for OrderedHeader {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct HeaderVisitor;
        impl<'de> Visitor<'de> for HeaderVisitor {
            type Value = OrderedHeader;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> std::result::Result<OrderedHeader, A::Error> {
                let mut tensors: Vec<(String, serde_json::Value)> = Vec::new();
                let mut metadata = Metadata::Absent;
                while let Some(key) = access.next_key::<String>()? {
                    if key == "__metadata__" {
                        metadata = access.next_value::<Metadata>()?;
                        continue;
                    }
                    let value = access.next_value::<serde_json::Value>()?;
                    match tensors.iter_mut().find(|(k, _)| *k == key) {
                        Some(slot) => slot.1 = value,
                        None => tensors.push((key, value)),
                    }
                }
                Ok(OrderedHeader { tensors, metadata })
            }
        }
        deserializer.deserialize_map(HeaderVisitor)
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidValue, message)
}

/// One tensor's header entry, checked.
struct Span {
    name: String,
    dtype: Dtype,
    shape: Vec<u64>,
    begin: u64,
    end: u64,
}

fn index_of(v: &serde_json::Value) -> Option<u64> {
    v.as_u64()
}

fn read_span(name: String, entry: &serde_json::Value, data_length: u64) -> Result<Span> {
    let quoted = serde_json::to_string(&name).unwrap_or_default();
    let where_ = format!("tensor {quoted}");
    let Some(object) = entry.as_object() else {
        return Err(invalid(format!("{where_} must be an object")));
    };
    let code = object.get("dtype");
    let dtype = code
        .and_then(serde_json::Value::as_str)
        .and_then(Dtype::from_safetensors_code)
        .ok_or_else(|| {
            let shown = code.map_or_else(|| "none".to_owned(), ToString::to_string);
            Error::new(
                ErrorKind::UnsupportedDtype,
                format!("{where_} has dtype {shown}, not a safetensors dtype of VMP"),
            )
        })?;
    let shape: Vec<u64> = object
        .get("shape")
        .and_then(serde_json::Value::as_array)
        .and_then(|dims| dims.iter().map(index_of).collect::<Option<Vec<u64>>>())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidShape,
                format!("{where_} shape must be non-negative integers"),
            )
        })?;
    let count = element_count(&shape).map_err(|e| Error::new(e.kind(), format!("{where_}: {}", e.message())))?;
    let offsets = object.get("data_offsets").and_then(serde_json::Value::as_array);
    let (begin, end) = match offsets.map(|o| o.as_slice()) {
        Some([b, e]) => match (index_of(b), index_of(e)) {
            (Some(b), Some(e)) if b <= e && e <= data_length => (b, e),
            _ => {
                return Err(invalid(format!(
                    "{where_} data_offsets must be [begin, end] inside the {data_length} data bytes"
                )))
            }
        },
        _ => {
            return Err(invalid(format!(
                "{where_} data_offsets must be [begin, end] inside the {data_length} data bytes"
            )))
        }
    };
    let size = u128::from(count) * dtype.itemsize() as u128;
    if u128::from(end - begin) != size {
        return Err(Error::new(
            ErrorKind::ShapeMismatch,
            format!("{where_} spans {} bytes; its shape needs {size}", end - begin),
        ));
    }
    Ok(Span {
        name,
        dtype,
        shape,
        begin,
        end,
    })
}

impl Safetensors {
    /// Reads a safetensors file, checking the header before slicing anything (spec §7.5). Errors have an empty
    /// path (the caller locates them at `b`): `InvalidValue` for rules 1, 2 and 5, `UnsupportedDtype`,
    /// `InvalidShape`, `ShapeMismatch`. The tensors are views of `data` (no copy).
    pub fn parse(data: Bytes) -> Result<Safetensors> {
        let n = data.len() as u64;
        if n < 8 {
            return Err(invalid(format!(
                "a safetensors file starts with an 8-byte header length; only {n} bytes present"
            )));
        }
        let mut length_bytes = [0u8; 8];
        length_bytes.copy_from_slice(&data[..8]);
        let header_length = u64::from_le_bytes(length_bytes);
        if header_length > n - 8 {
            return Err(invalid(format!(
                "safetensors header length {header_length} exceeds the {} bytes present",
                n - 8
            )));
        }
        // header_length <= n - 8, so it fits in usize.
        let data_start = 8 + header_length as usize;
        let text =
            std::str::from_utf8(&data[8..data_start]).map_err(|_| invalid("the safetensors header is not UTF-8"))?;
        let OrderedHeader {
            tensors: entries,
            metadata,
        } = serde_json::from_str(text)
            .map_err(|e| invalid(format!("the safetensors header is not a JSON object: {e}")))?;
        let metadata = match metadata {
            Metadata::Absent => None,
            Metadata::Entries(entries) => Some(entries),
            Metadata::Malformed => return Err(invalid("safetensors __metadata__ must map strings to strings")),
        };
        let data_length = n - data_start as u64;
        let mut spans = Vec::with_capacity(entries.len());
        for (name, entry) in entries {
            spans.push(read_span(name, &entry, data_length)?);
        }
        spans.sort_by_key(|s| s.begin); // stable: equal offsets keep header order
        let mut end = 0u64;
        for s in &spans {
            if s.begin != end {
                let what = if s.begin > end { "gap" } else { "overlap" };
                return Err(invalid(format!("safetensors data has a {what} at byte {end}")));
            }
            end = s.end;
        }
        if end != data_length {
            return Err(invalid(format!(
                "safetensors tensors cover {end} of the {data_length} data bytes"
            )));
        }
        let mut tensors = Vec::with_capacity(spans.len());
        for s in spans {
            // begin <= end <= data_length, all within the file.
            let view = data.slice(data_start + s.begin as usize..data_start + s.end as usize);
            let array = NdArray::new(s.dtype, s.shape, view)?;
            tensors.push((s.name, array));
        }
        Ok(Safetensors {
            data,
            tensors,
            metadata,
        })
    }

    /// Writes a new file (spec §7.5): a compact JSON header with the tensors in the given order and contiguous
    /// offsets, padded with spaces to a multiple of 8 bytes, then the tensors' bytes. Errors (path: the
    /// tensor's name): `UnsupportedDtype` for complex arrays (safetensors has no complex type), `InvalidValue`
    /// for a repeated name or the name `__metadata__`.
    pub fn build(tensors: Vec<(String, NdArray)>) -> Result<Safetensors> {
        Safetensors::build_with_metadata(tensors, None)
    }

    /// [`Safetensors::build`] with a `__metadata__` entry (a map of strings to strings, written first).
    pub fn build_with_metadata(
        tensors: Vec<(String, NdArray)>,
        metadata: Option<Vec<(String, String)>>,
    ) -> Result<Safetensors> {
        let mut header = String::from("{");
        if let Some(meta) = &metadata {
            header.push_str("\"__metadata__\":{");
            for (i, (k, v)) in meta.iter().enumerate() {
                if i > 0 {
                    header.push(',');
                }
                push_json(&mut header, k);
                header.push(':');
                push_json(&mut header, v);
            }
            header.push('}');
        }
        let mut offset = 0usize;
        for (i, (name, array)) in tensors.iter().enumerate() {
            if name == "__metadata__" || tensors[..i].iter().any(|(other, _)| other == name) {
                return Err(invalid(format!("tensor name {name:?} is reserved or repeated")).in_key(name));
            }
            let code = array.dtype().safetensors_code().ok_or_else(|| {
                Error::new(
                    ErrorKind::UnsupportedDtype,
                    format!("safetensors has no {}", array.dtype()),
                )
                .in_key(name)
            })?;
            if header.len() > 1 {
                header.push(',');
            }
            push_json(&mut header, name);
            header.push_str(":{\"dtype\":\"");
            header.push_str(code);
            header.push_str("\",\"shape\":[");
            for (j, d) in array.shape().iter().enumerate() {
                if j > 0 {
                    header.push(',');
                }
                header.push_str(&d.to_string());
            }
            let end = offset + array.bytes().len();
            header.push_str(&format!("],\"data_offsets\":[{offset},{end}]}}"));
            offset = end;
        }
        header.push('}');
        while !header.len().is_multiple_of(8) {
            header.push(' ');
        }
        let mut file = Vec::with_capacity(8 + header.len() + offset);
        file.extend_from_slice(&(header.len() as u64).to_le_bytes());
        file.extend_from_slice(header.as_bytes());
        for (_, array) in &tensors {
            file.extend_from_slice(array.bytes());
        }
        Safetensors::parse(Bytes::from(file))
    }

    /// The file's bytes: as received for a parsed file.
    pub fn bytes(&self) -> &Bytes {
        &self.data
    }

    /// The tensors, in the order of their data offsets.
    pub fn tensors(&self) -> &[(String, NdArray)] {
        &self.tensors
    }

    /// The tensor named `name`.
    pub fn get(&self, name: &str) -> Option<&NdArray> {
        self.tensors.iter().find(|(n, _)| n == name).map(|(_, a)| a)
    }

    /// The `__metadata__` entries (strings to strings), in file order, when the header has them.
    pub fn metadata(&self) -> Option<&[(String, String)]> {
        self.metadata.as_deref()
    }
}

fn push_json(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned()));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file from its header text and data bytes (header padded by the caller as needed).
    fn file(header: &str, data: &[u8]) -> Bytes {
        let mut out = (header.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        Bytes::from(out)
    }

    fn kind_of(header: &str, data: &[u8]) -> ErrorKind {
        Safetensors::parse(file(header, data)).unwrap_err().kind()
    }

    #[test]
    fn parses_views_in_offset_order() {
        let header = r#"{"b":{"dtype":"U8","shape":[2],"data_offsets":[8,10]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"format":"pt"}}"#;
        let data = [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 7, 9];
        let bytes = file(header, &data);
        let st = Safetensors::parse(bytes.clone()).unwrap();
        let names: Vec<&str> = st.tensors().iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        let a = st.get("a").unwrap();
        assert_eq!(a.to_vec::<f32>().unwrap(), [1.0, 2.0]);
        assert_eq!(st.get("b").unwrap().bytes().as_ref(), [7, 9]);
        // Zero-copy: the tensor is a slice of the file.
        assert_eq!(a.bytes().as_ptr(), bytes[8 + header.len()..].as_ptr());
        assert_eq!(st.bytes(), &bytes);
        assert_eq!(st.metadata(), Some(&[("format".to_owned(), "pt".to_owned())][..]));
        // Metadata keeps its order and is checked before the tensors.
        let header = r#"{"a":{"dtype":"X","shape":[],"data_offsets":[0,0]},"__metadata__":{"z":"1","a":"2"}}"#;
        assert_eq!(kind_of(header, &[]), ErrorKind::UnsupportedDtype);
        let header = r#"{"a":{"dtype":"X","shape":[],"data_offsets":[0,0]},"__metadata__":{"z":"1","a":2}}"#;
        assert_eq!(kind_of(header, &[]), ErrorKind::InvalidValue);
        let st = Safetensors::parse(file(r#"{"__metadata__":{"z":"1","a":"2"}}"#, &[])).unwrap();
        assert_eq!(
            st.metadata()
                .unwrap()
                .iter()
                .map(|(k, _)| k.as_str())
                .collect::<Vec<_>>(),
            ["z", "a"]
        );
        assert_eq!(
            Safetensors::parse(file(r#"{"__metadata__":null}"#, &[]))
                .unwrap()
                .metadata(),
            None
        );
    }

    #[test]
    fn empty_file_and_zero_length_tensors() {
        assert!(Safetensors::parse(file("{}", &[])).unwrap().tensors().is_empty());
        let header = r#"{"z":{"dtype":"F64","shape":[0,3],"data_offsets":[0,0]},"y":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}}"#;
        let st = Safetensors::parse(file(header, &[5])).unwrap();
        let names: Vec<&str> = st.tensors().iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["z", "y"]);
    }

    #[test]
    fn rules_1_2_5_are_invalid_value() {
        // Rule 1: too short, header length beyond the file (2^32 and 2^64-1).
        assert_eq!(
            Safetensors::parse(Bytes::from_static(&[1, 0, 0, 0]))
                .unwrap_err()
                .kind(),
            ErrorKind::InvalidValue
        );
        let mut big = vec![0, 0, 0, 0, 1, 0, 0, 0];
        big.extend_from_slice(&[0x20; 16]);
        assert_eq!(
            Safetensors::parse(Bytes::from(big)).unwrap_err().kind(),
            ErrorKind::InvalidValue
        );
        let mut max = vec![0xff; 8];
        max.extend_from_slice(b"{}");
        assert_eq!(
            Safetensors::parse(Bytes::from(max)).unwrap_err().kind(),
            ErrorKind::InvalidValue
        );
        // Rule 2: not UTF-8, not JSON, not an object, entries malformed, metadata not strings.
        assert_eq!(kind_of("\u{0}", &[]), ErrorKind::InvalidValue);
        let mut bad_utf8 = 2u64.to_le_bytes().to_vec();
        bad_utf8.extend_from_slice(&[0xff, 0xfe]);
        assert_eq!(
            Safetensors::parse(Bytes::from(bad_utf8)).unwrap_err().kind(),
            ErrorKind::InvalidValue
        );
        assert_eq!(kind_of("not json", &[]), ErrorKind::InvalidValue);
        assert_eq!(kind_of("[]", &[]), ErrorKind::InvalidValue);
        assert_eq!(kind_of(r#"{"a":3}"#, &[]), ErrorKind::InvalidValue);
        assert_eq!(kind_of(r#"{"__metadata__":{"n":1}}"#, &[]), ErrorKind::InvalidValue);
        assert_eq!(kind_of(r#"{"__metadata__":[]}"#, &[]), ErrorKind::InvalidValue);
        assert_eq!(kind_of(r#"{"__metadata__":"x"}"#, &[]), ErrorKind::InvalidValue);
        assert_eq!(
            kind_of(r#"{"__metadata__":{"a":{"b":"c"}}}"#, &[]),
            ErrorKind::InvalidValue
        );
        assert_eq!(
            kind_of(r#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0]}}"#, &[1]),
            ErrorKind::InvalidValue
        );
        assert_eq!(
            kind_of(r#"{"a":{"dtype":"U8","shape":[1]}}"#, &[1]),
            ErrorKind::InvalidValue
        );
        assert_eq!(
            kind_of(r#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,0]}}"#, &[1]),
            ErrorKind::InvalidValue
        );
        // Rule 5: beyond the data, gap, overlap, uncovered tail.
        assert_eq!(
            kind_of(r#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, &[0; 8]),
            ErrorKind::InvalidValue
        );
        assert_eq!(
            kind_of(r#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#, &[0; 2]),
            ErrorKind::InvalidValue
        );
        let overlap = r#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}"#;
        assert_eq!(kind_of(overlap, &[0; 3]), ErrorKind::InvalidValue);
        assert_eq!(
            kind_of(r#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, &[0; 2]),
            ErrorKind::InvalidValue
        );
    }

    #[test]
    fn rules_3_4() {
        assert_eq!(
            kind_of(r#"{"a":{"dtype":"F8_E5M2","shape":[1],"data_offsets":[0,1]}}"#, &[0]),
            ErrorKind::UnsupportedDtype
        );
        assert_eq!(
            kind_of(r#"{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}"#, &[0; 16]),
            ErrorKind::UnsupportedDtype
        );
        assert_eq!(
            kind_of(r#"{"a":{"dtype":3,"shape":[1],"data_offsets":[0,1]}}"#, &[0]),
            ErrorKind::UnsupportedDtype
        );
        assert_eq!(
            kind_of(r#"{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}"#, &[0]),
            ErrorKind::InvalidShape
        );
        assert_eq!(
            kind_of(r#"{"a":{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}}"#, &[0]),
            ErrorKind::InvalidShape
        );
        assert_eq!(
            kind_of(r#"{"a":{"dtype":"U8","shape":"1","data_offsets":[0,1]}}"#, &[0]),
            ErrorKind::InvalidShape
        );
        let wide = r#"{"a":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,1]}}"#;
        assert_eq!(kind_of(wide, &[0]), ErrorKind::InvalidShape);
        assert_eq!(
            kind_of(r#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, &[0; 8]),
            ErrorKind::ShapeMismatch
        );
        assert_eq!(
            kind_of(r#"{"a":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]}}"#, &[2]),
            ErrorKind::InvalidValue
        );
    }

    #[test]
    fn build_round_trips() {
        let a = NdArray::from_slice(&[1.0f32, 2.0, 3.0], vec![3]).unwrap();
        let b = NdArray::from_slice(&[7i64], vec![1, 1]).unwrap();
        let e = NdArray::from_slice::<u16>(&[], vec![0]).unwrap();
        let st = Safetensors::build(vec![
            ("w".into(), a.clone()),
            ("é\"x".into(), b.clone()),
            ("e".into(), e),
        ])
        .unwrap();
        let header_len = u64::from_le_bytes(st.bytes()[..8].try_into().unwrap()) as usize;
        assert_eq!(header_len % 8, 0);
        let header = std::str::from_utf8(&st.bytes()[8..8 + header_len]).unwrap();
        assert!(header.starts_with(r#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"é\"x":{"dtype":"I64","shape":[1,1],"data_offsets":[12,20]},"e":{"dtype":"U16","shape":[0],"data_offsets":[20,20]}}"#), "{header}");
        assert_eq!(header.trim_end(), header.trim_end_matches(' '));
        let again = Safetensors::parse(st.bytes().clone()).unwrap();
        assert_eq!(again, st);
        assert_eq!(again.get("w"), Some(&a));
        assert_eq!(again.get("é\"x"), Some(&b));
        assert_eq!(again.tensors().len(), 3);
        let with_meta =
            Safetensors::build_with_metadata(vec![("w".into(), a.clone())], Some(vec![("k".into(), "v".into())]))
                .unwrap();
        assert_eq!(with_meta.metadata(), Some(&[("k".to_owned(), "v".to_owned())][..]));
        let c = NdArray::from_slice(&[num_complex::Complex::new(1.0f32, 0.0)], vec![1]).unwrap();
        let err = Safetensors::build(vec![("c".into(), c)]).unwrap_err();
        assert_eq!(
            (err.kind(), err.path_string()),
            (ErrorKind::UnsupportedDtype, "c".to_owned())
        );
        let err = Safetensors::build(vec![("w".into(), a.clone()), ("w".into(), a)]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidValue);
    }

    #[test]
    fn mutated_files_never_panic() {
        let a = NdArray::from_slice(&[1.0f32, 2.0], vec![2]).unwrap();
        let b = NdArray::from_slice(&[1u8, 0, 1], vec![3]).unwrap();
        let good = Safetensors::build(vec![("a".into(), a), ("bb".into(), b)])
            .unwrap()
            .bytes()
            .to_vec();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let (mut ok, mut failed) = (0, 0);
        for _ in 0..20_000 {
            let mut f = good.clone();
            for _ in 0..1 + next() % 3 {
                if f.is_empty() {
                    break;
                }
                let i = (next() % f.len() as u64) as usize;
                match next() % 3 {
                    0 => f[i] = (next() % 256) as u8,
                    1 => f[i] = b"0123456789[]{},:\" -"[(next() % 18) as usize],
                    _ => f.truncate(i),
                }
            }
            match Safetensors::parse(Bytes::from(f)) {
                Ok(st) => {
                    ok += 1;
                    let covered: usize = st.tensors().iter().map(|(_, t)| t.bytes().len()).sum();
                    assert!(covered <= st.bytes().len());
                }
                Err(e) => {
                    failed += 1;
                    assert!(e.path().is_empty());
                }
            }
        }
        assert!(ok > 0 && failed > 0, "{ok} {failed}");
    }
}
