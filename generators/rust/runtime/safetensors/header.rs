//! The safetensors JSON header: read in file order, and each tensor's entry checked (spec §7.5).

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

use crate::runtime::dtype::Dtype;
use crate::runtime::error::{Error, ErrorKind, Result};
use crate::runtime::ndarray::element_count;

/// The JSON header's top-level entries, in file order (a later duplicate replaces the value in place), and the
/// `__metadata__` entry read in order too.
pub(super) struct OrderedHeader {
    pub(super) tensors: Vec<(String, serde_json::Value)>,
    pub(super) metadata: Metadata,
}

/// The `__metadata__` entry: absent or `null`, a map of strings to strings (in order), or malformed.
pub(super) enum Metadata {
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

pub(super) fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidValue, message)
}

/// One tensor's header entry, checked.
pub(super) struct Span {
    pub(super) name: String,
    pub(super) dtype: Dtype,
    pub(super) shape: Vec<u64>,
    pub(super) begin: u64,
    pub(super) end: u64,
}

pub(super) fn index_of(v: &serde_json::Value) -> Option<u64> {
    v.as_u64()
}

pub(super) fn read_span(name: String, entry: &serde_json::Value, data_length: u64) -> Result<Span> {
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
