//! serde field helpers for the generated structs: `bytes::Bytes` fields, `Option<Bytes>` fields, and
//! `Option<Option<T>>` fields (absent, null, or a value).

use std::fmt;

use base64::Engine;
use bytes::Bytes;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::{decode_base64, MAX_PREALLOC};
use crate::runtime::json::BYTES_KEY;

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
