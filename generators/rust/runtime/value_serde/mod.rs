//! serde integration, so that generated structs (whose fields hold [`Value`], [`Map`], [`ZData`], [`NdArray`] and
//! `bytes::Bytes`) work with serde_json and other serde formats.
//!
//! This is a convenience for other formats; VMP's MessagePack path goes through [`Value`] and `wire`, and VMP's
//! JSON form is exactly `json::to_json`/`json::from_json`. The serde view follows the JSON form where serde can:
//! bytes are `{"__bytes__": "<base64>"}` in human-readable formats (`Serializer::is_human_readable`) and native
//! bytes in binary ones; maps keep their order; integers are `i64`/`u64` when they fit (`i128` otherwise); a
//! float32 is serialized with `serialize_f32`. What serde_json cannot say the way the spec does: its float
//! notation differs from ECMAScript's (serde_json 1.0.154 writes `1e+20` and `1e-6` where the JSON form writes
//! `100000000000000000000.0` and `0.000001`; older serde_json versions write `1e21` where the form writes
//! `1e+21`), it prints a float32 in float32 digits (`0.1`, not the float64 widening `0.10000000149011612`),
//! writes non-finite floats as `null` instead of refusing them, and reads every float back as a float64 and
//! integers beyond 64 bits as floats. Use `json` for the exact form.
//!
//! Field helpers for generated code: [`bin`] (`bytes::Bytes` fields), [`bin_option`] (`Option<Bytes>`) and
//! [`double_option`] (`Option<Option<T>>`: absent, null, or a value).

use std::collections::HashSet;
use std::fmt;

use base64::Engine;
use bytes::Bytes;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::json::BYTES_KEY;
use super::ndarray::{ArrayKind, NdArray};
use super::options::DecodeOptions;
use super::value::{Map, Value};
use super::zdata::ZData;

mod fields;
#[cfg(test)]
mod tests;

pub use fields::{bin, bin_option, double_option};

/// Sequences and maps reserve at most this many slots from a format's size hint.
const MAX_PREALLOC: usize = 4096;

/// Maps switch from a linear duplicate check to a hash set once they hold this many entries.
const HASHED_KEYS_FROM: usize = 16;

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Nil => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Int(i) => {
                if let Ok(v) = i64::try_from(*i) {
                    serializer.serialize_i64(v)
                } else if let Ok(v) = u64::try_from(*i) {
                    serializer.serialize_u64(v)
                } else {
                    serializer.serialize_i128(*i)
                }
            }
            Value::F32(f) => serializer.serialize_f32(*f),
            Value::F64(f) => serializer.serialize_f64(*f),
            Value::Str(s) => serializer.serialize_str(s),
            Value::Bin(b) => bin::serialize(b, serializer),
            Value::Array(items) => serializer.collect_seq(items),
            Value::Map(map) => map.serialize(serializer),
            Value::ZData(z) => z.serialize(serializer),
        }
    }
}

impl Serialize for Map {
    /// A map in entry order.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self.iter() {
            out.serialize_entry(key, value)?;
        }
        out.end()
    }
}

impl Serialize for ZData {
    /// A ZData payload as its canonical map (`ZData::to_map`), `b` as bytes.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_map().serialize(serializer)
    }
}

impl Serialize for NdArray {
    /// An array as its canonical `numpy.ndarray` map (the form of a typed array field, spec §7.11).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ZData::Array(self.clone().with_kind(ArrayKind::Numpy)).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Value {
    /// Any self-describing input: integers as `Int`, `f32` as `F32`, `f64` as `F64`, bytes as `Bin`, maps in
    /// input order (a repeated key is an error), unit/none as `Nil`. In human-readable formats an object that is
    /// exactly `{"__bytes__": "<base64>"}` is `Bin`. ZData is not detected here (maps stay maps; `codec::check`
    /// interprets them).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let human = deserializer.is_human_readable();
        deserializer.deserialize_any(ValueVisitor { human })
    }
}

struct ValueVisitor {
    human: bool,
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a VMP value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(i128::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(i128::from(v)))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        i128::try_from(v)
            .map(Value::Int)
            .map_err(|_| E::custom(format!("integer {v} is beyond VMP's range")))
    }

    fn visit_f32<E>(self, v: f32) -> Result<Value, E> {
        Ok(Value::F32(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::F64(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.into()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v.into()))
    }

    fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Bin(Bytes::copy_from_slice(v)))
    }

    fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Value, E> {
        Ok(Value::Bin(Bytes::from(v)))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_PREALLOC));
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<Value, A::Error> {
        let map = read_map(access)?;
        if self.human {
            if let [(key, Value::Str(text))] = map.entries() {
                if key == BYTES_KEY {
                    return decode_base64(text).map(Value::Bin);
                }
            }
        }
        Ok(Value::Map(map))
    }
}

/// The entries of a serde map, in order; a repeated key is an error.
fn read_map<'de, A: MapAccess<'de>>(mut access: A) -> Result<Map, A::Error> {
    let mut map = Map::with_capacity(access.size_hint().unwrap_or(0).min(MAX_PREALLOC));
    let mut seen: Option<HashSet<String>> = None;
    while let Some(key) = access.next_key::<String>()? {
        let duplicate = match &mut seen {
            Some(set) => !set.insert(key.clone()),
            None => map.contains_key(&key),
        };
        if duplicate {
            return Err(de::Error::custom(format!("DuplicateKey: duplicate map key {key:?}")));
        }
        let value = access.next_value::<Value>()?;
        map.push_unique(key.into(), value);
        if seen.is_none() && map.len() >= HASHED_KEYS_FROM {
            seen = Some(map.keys().map(str::to_owned).collect());
        }
    }
    Ok(map)
}

fn decode_base64<E: de::Error>(text: &str) -> Result<Bytes, E> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map(Bytes::from)
        .map_err(|_| {
            E::custom(format!(
                "InvalidValue: {BYTES_KEY} must be a standard base64 string with padding"
            ))
        })
}

impl<'de> Deserialize<'de> for Map {
    /// A map, entries in input order; a repeated key is an error.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor;
        impl<'de> Visitor<'de> for MapVisitor {
            type Value = Map;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map with string keys")
            }

            fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<Map, A::Error> {
                read_map(access)
            }
        }
        deserializer.deserialize_map(MapVisitor)
    }
}

impl<'de> Deserialize<'de> for ZData {
    /// A ZData payload from its map form, checked by `ZData::from_map` with default options (unknown ztypes are
    /// kept opaque, no custom types).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Map::deserialize(deserializer)?;
        ZData::from_map(map, &DecodeOptions::default()).map_err(de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for NdArray {
    /// An array from the map form of any ZData that decodes to one (`numpy.ndarray`, `torch.Tensor`, a vrpc-ts
    /// typed array); any other ZData is an error.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match ZData::deserialize(deserializer)? {
            ZData::Array(array) => Ok(array),
            other => Err(de::Error::custom(format!(
                "expected an array, got ZData ({})",
                other.ztype()
            ))),
        }
    }
}
