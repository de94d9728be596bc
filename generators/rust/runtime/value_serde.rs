//! serde integration, so that generated structs (whose fields hold [`Value`], [`Map`], [`ZData`] and
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
use super::options::DecodeOptions;
use super::value::{Map, Value};
use super::zdata::ZData;

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
        Ok(Value::Str(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
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
        map.push_unique(key, value);
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

/// serde helpers for `bytes::Bytes` fields: `#[serde(with = "crate::runtime::value_serde::bin")]`.
///
/// Human-readable formats get `{"__bytes__": "<base64>"}` (the JSON form's bytes, spec §9.1); binary formats get
/// native bytes. Reading accepts that map form, native bytes, and a sequence of byte values.
pub mod bin {
    use super::*;

    /// Serializes bytes (see the module documentation).
    pub fn serialize<S: Serializer, T: AsRef<[u8]> + ?Sized>(bytes: &T, serializer: S) -> Result<S::Ok, S::Error> {
        let bytes = bytes.as_ref();
        if serializer.is_human_readable() {
            let mut out = serializer.serialize_map(Some(1))?;
            out.serialize_entry(BYTES_KEY, &base64::engine::general_purpose::STANDARD.encode(bytes))?;
            out.end()
        } else {
            serializer.serialize_bytes(bytes)
        }
    }

    /// Deserializes bytes (see the module documentation).
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Bytes, D::Error> {
        if deserializer.is_human_readable() {
            deserializer.deserialize_any(BytesVisitor)
        } else {
            deserializer.deserialize_byte_buf(BytesVisitor)
        }
    }

    struct BytesVisitor;

    impl<'de> Visitor<'de> for BytesVisitor {
        type Value = Bytes;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("bytes, or {\"__bytes__\": \"<base64>\"}")
        }

        fn visit_bytes<E>(self, v: &[u8]) -> Result<Bytes, E> {
            Ok(Bytes::copy_from_slice(v))
        }

        fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Bytes, E> {
            Ok(Bytes::from(v))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_PREALLOC));
            while let Some(b) = seq.next_element::<u8>()? {
                out.push(b);
            }
            Ok(Bytes::from(out))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Bytes, A::Error> {
            let Some(key) = access.next_key::<String>()? else {
                return Err(de::Error::invalid_length(0, &self));
            };
            if key != BYTES_KEY {
                return Err(de::Error::unknown_field(&key, &[BYTES_KEY]));
            }
            let text = access.next_value::<String>()?;
            if access.next_key::<String>()?.is_some() {
                return Err(de::Error::invalid_length(2, &self));
            }
            decode_base64(&text)
        }
    }
}

/// serde helpers for `Option<bytes::Bytes>` fields, like [`bin`] inside an option:
/// `#[serde(default, skip_serializing_if = "Option::is_none", with = "crate::runtime::value_serde::bin_option")]`.
pub mod bin_option {
    use super::*;

    struct Wrapped(Bytes);

    impl Serialize for Wrapped {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            bin::serialize(&self.0, serializer)
        }
    }

    impl<'de> Deserialize<'de> for Wrapped {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            bin::deserialize(deserializer).map(Wrapped)
        }
    }

    /// Serializes `None` as none and `Some(bytes)` as [`bin`] does.
    pub fn serialize<S: Serializer>(bytes: &Option<Bytes>, serializer: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(b) => serializer.serialize_some(&Wrapped(b.clone())),
            None => serializer.serialize_none(),
        }
    }

    /// Deserializes null/none as `None`, anything else as [`bin`] does.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Bytes>, D::Error> {
        Option::<Wrapped>::deserialize(deserializer).map(|o| o.map(|w| w.0))
    }
}

/// serde helpers for `Option<Option<T>>` fields that tell an absent entry from a null one (spec §3.8):
/// `#[serde(default, skip_serializing_if = "Option::is_none", with = "crate::runtime::value_serde::double_option")]`.
///
/// Absent is `None`, null is `Some(None)`, a value is `Some(Some(v))`.
pub mod double_option {
    use super::*;

    /// Writes `Some(Some(v))` as `v` and `Some(None)` as null (`None` is skipped by `skip_serializing_if`; if it
    /// reaches here, it is written as null too).
    pub fn serialize<S: Serializer, T: Serialize>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(Some(v)) => serializer.serialize_some(v),
            _ => serializer.serialize_none(),
        }
    }

    /// Reads null as `Some(None)` and a value as `Some(Some(v))`; an absent field never gets here (`default`
    /// makes it `None`).
    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::Map(entries.iter().map(|(k, v)| (*k, v.clone())).collect())
    }

    fn sample() -> Value {
        map(&[
            ("z", Value::Int(1)),
            (
                "a",
                Value::Array(vec![Value::Bool(true), Value::Nil, Value::Str("é\n".into())]),
            ),
            ("bin", Value::Bin(Bytes::from_static(&[1, 2, 3]))),
            ("f64", Value::F64(2.0)),
            ("f32", Value::F32(1.5)),
            ("max", Value::Int(u64::MAX.into())),
            ("min", Value::Int(i64::MIN.into())),
            ("0", map(&[("nested", map(&[("deep", Value::F64(-0.5))]))])),
        ])
    }

    #[test]
    fn serde_json_text_matches_the_json_form_where_it_can() {
        let v = sample();
        let text = serde_json::to_string(&v).expect("serializes");
        assert_eq!(
            text,
            concat!(
                r#"{"z":1,"a":[true,null,"é\n"],"bin":{"__bytes__":"AQID"},"f64":2.0,"f32":1.5,"#,
                r#""max":18446744073709551615,"min":-9223372036854775808,"0":{"nested":{"deep":-0.5}}}"#
            )
        );
        assert_eq!(
            text,
            super::super::json::to_json(&v).expect("json form"),
            "same text as the JSON form here"
        );
        // Where they differ: serde_json's float notation (exponent from 1e16 and below 1e-5, where ECMAScript
        // switches at 1e21 and 1e-7), float32 text, and non-finite floats.
        let to_json = |x: f64| super::super::json::to_json(&Value::F64(x)).expect("finite");
        assert_eq!(serde_json::to_string(&Value::F64(1e21)).expect("1e21"), "1e+21");
        assert_eq!(to_json(1e21), "1e+21");
        assert_eq!(serde_json::to_string(&Value::F64(1e20)).expect("1e20"), "1e+20");
        assert_eq!(to_json(1e20), "100000000000000000000.0");
        assert_eq!(serde_json::to_string(&Value::F64(1e-6)).expect("1e-6"), "1e-6");
        assert_eq!(to_json(1e-6), "0.000001");
        assert_eq!(serde_json::to_string(&Value::F32(0.1)).expect("0.1f32"), "0.1");
        assert_eq!(serde_json::to_string(&Value::F64(f64::NAN)).expect("NaN"), "null");
    }

    #[test]
    fn serde_json_round_trip_keeps_order_bytes_and_ints() {
        let v = sample();
        let back: Value = serde_json::from_str(&serde_json::to_string(&v).expect("serializes")).expect("parses");
        // JSON has one number type for floats: the float32 comes back as the float64 of the same value.
        let mut expected = v.clone();
        if let Some(m) = expected.as_map_mut() {
            m.insert("f32", Value::F64(1.5));
        }
        assert_eq!(back, expected);
        assert_eq!(
            back.as_map().expect("map").keys().collect::<Vec<_>>(),
            ["z", "a", "bin", "f64", "f32", "max", "min", "0"]
        );
        // A serde_json::Value converts too (through serde's data model).
        let via = serde_json::to_value(&v).expect("to_value");
        assert_eq!(via["bin"]["__bytes__"], "AQID");
    }

    #[test]
    fn serde_json_input_errors() {
        assert!(
            serde_json::from_str::<Value>(r#"{"a":1,"a":2}"#).is_err(),
            "duplicate keys"
        );
        assert!(
            serde_json::from_str::<Value>(r#"{"__bytes__":"A"}"#).is_err(),
            "bad base64"
        );
        assert_eq!(
            serde_json::from_str::<Value>(r#"{"__bytes__":1}"#).expect("a map"),
            map(&[("__bytes__", Value::Int(1))])
        );
        let m: Map = serde_json::from_str(r#"{"b":1,"a":{"__bytes__":"AQID"}}"#).expect("map");
        assert_eq!(m.keys().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(m.get("a"), Some(&Value::Bin(Bytes::from_static(&[1, 2, 3]))));
        assert!(serde_json::from_str::<Map>("[1]").is_err());
        let many: Vec<String> = (0..40).map(|i| format!("\"k{i}\":{i}")).collect();
        assert!(serde_json::from_str::<Value>(&format!("{{{},\"k3\":0}}", many.join(","))).is_err());
    }

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Sample {
        value: Value,
        extra: Map,
        #[serde(with = "crate::runtime::value_serde::bin")]
        frame: Bytes,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "crate::runtime::value_serde::bin_option"
        )]
        thumb: Option<Bytes>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "crate::runtime::value_serde::double_option"
        )]
        data: Option<Option<Value>>,
    }

    #[test]
    fn generated_struct_fields() {
        let s = Sample {
            value: Value::Int(7),
            extra: [("k", Value::Str("v".into()))].into_iter().collect(),
            frame: Bytes::from_static(&[0xff, 0xd8, 0xff, 0xd9]),
            thumb: None,
            data: Some(None),
        };
        let text = serde_json::to_string(&s).expect("serializes");
        assert_eq!(
            text,
            r#"{"value":7,"extra":{"k":"v"},"frame":{"__bytes__":"/9j/2Q=="},"data":null}"#
        );
        assert_eq!(serde_json::from_str::<Sample>(&text).expect("parses"), s);

        let absent = r#"{"value":null,"extra":{},"frame":{"__bytes__":""},"thumb":{"__bytes__":"AQ=="}}"#;
        let s: Sample = serde_json::from_str(absent).expect("parses");
        assert_eq!(s.data, None, "absent");
        assert_eq!(s.value, Value::Nil);
        assert_eq!(s.thumb, Some(Bytes::from_static(&[1])));
        assert_eq!(serde_json::to_string(&s).expect("serializes"), absent);

        let given = r#"{"value":1,"extra":{},"frame":{"__bytes__":""},"data":{"x":[1]}}"#;
        let s: Sample = serde_json::from_str(given).expect("parses");
        assert_eq!(s.data, Some(Some(map(&[("x", Value::Array(vec![Value::Int(1)]))]))));
        assert_eq!(serde_json::to_string(&s).expect("serializes"), given);

        for bad in [
            r#"{"value":1,"extra":{},"frame":{"__bytes__":"!"}}"#,
            r#"{"value":1,"extra":{},"frame":{"bytes":""}}"#,
            r#"{"value":1,"extra":{},"frame":{"__bytes__":"","x":1}}"#,
            r#"{"value":1,"extra":{},"frame":"AQ=="}"#,
        ] {
            assert!(serde_json::from_str::<Sample>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bytes_read_from_native_bytes_and_sequences() {
        use serde::de::value::{BytesDeserializer, Error as DeError, SeqDeserializer};
        let b = bin::deserialize(BytesDeserializer::<DeError>::new(&[1, 2])).expect("bytes");
        assert_eq!(b.as_ref(), [1, 2]);
        let seq = SeqDeserializer::<_, DeError>::new(vec![3u8, 4].into_iter());
        assert_eq!(bin::deserialize(seq).expect("seq").as_ref(), [3, 4]);
        let v = Value::deserialize(BytesDeserializer::<DeError>::new(&[5])).expect("bytes");
        assert_eq!(v, Value::Bin(Bytes::from_static(&[5])));
    }
}
