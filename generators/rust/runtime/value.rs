//! The VMP value model (spec §2.2): what a free-form position holds, kept exactly as sent.
//!
//! Unlike a plain MessagePack value type, [`Value`] keeps everything a lossless relay needs (spec §10.2): integer
//! values exactly (from -2^63 to 2^64-1), float32 apart from float64 with their bits, `bin` apart from `str`,
//! map entries in producer order, and ZData as typed payloads.

use std::collections::HashMap;

use bytes::Bytes;
pub use compact_str::CompactString;

use super::zdata::ZData;

/// A VMP value.
///
/// Equality follows the spec (§2.2): floats compare by width and bits (`0.0 != -0.0`, a NaN equals a NaN with the
/// same bits), maps compare entry by entry in order.
#[derive(Clone, Debug)]
pub enum Value {
    Nil,
    Bool(bool),
    /// An integer; VMP integers range from -2^63 to 2^64-1 (wider values are `IntegerOutOfRange` on encode).
    Int(i128),
    F32(f32),
    F64(f64),
    /// A `str`; up to 24 bytes are held inline (decoding a short string allocates nothing), longer ones on the
    /// heap. Derefs to `&str`; `String` and `&str` convert with `into()`.
    Str(CompactString),
    /// Raw bytes (`bin`); decoding shares the frame's buffer instead of copying.
    Bin(Bytes),
    Array(Vec<Value>),
    Map(Map),
    /// A ZData payload found in a free-form position (spec §7).
    ZData(Box<ZData>),
}

/// The smallest and largest integer VMP carries.
pub const INT_MIN: i128 = i64::MIN as i128;
/// The largest integer VMP carries (2^64-1).
pub const INT_MAX: i128 = u64::MAX as i128;

impl Value {
    /// The kind's name as the spec's messages use it (`nil`, `bool`, `int`, `float32`, `float64`, `str`, `bin`,
    /// `array`, `map`, `ZData`).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::F32(_) => "float32",
            Value::F64(_) => "float64",
            Value::Str(_) => "str",
            Value::Bin(_) => "bin",
            Value::Array(_) => "array",
            Value::Map(_) => "map",
            Value::ZData(_) => "ZData",
        }
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => i64::try_from(*i).ok(),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Int(i) => u64::try_from(*i).ok(),
            _ => None,
        }
    }

    /// A float of either width, widened to `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::F32(f) => Some(f64::from(*f)),
            Value::F64(f) => Some(*f),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bytes(&self) -> Option<&Bytes> {
        match self {
            Value::Bin(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_zdata(&self) -> Option<&ZData> {
        match self {
            Value::ZData(z) => Some(z),
            _ => None,
        }
    }

    /// The entry `key` of a map value.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map().and_then(|m| m.get(key))
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::F32(a), Value::F32(b)) => a.to_bits() == b.to_bits(),
            (Value::F64(a), Value::F64(b)) => a.to_bits() == b.to_bits(),
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Bin(a), Value::Bin(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => a == b,
            (Value::ZData(a), Value::ZData(b)) => a == b,
            _ => false,
        }
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::Int(i128::from(v))
            }
        }
    )*};
}
from_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl From<usize> for Value {
    fn from(v: usize) -> Self {
        Value::Int(v as i128)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

impl From<f32> for Value {
    fn from(v: f32) -> Self {
        Value::F32(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::F64(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Str(v.into())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Str(v.into())
    }
}

impl From<CompactString> for Value {
    fn from(v: CompactString) -> Self {
        Value::Str(v)
    }
}

impl From<Bytes> for Value {
    fn from(v: Bytes) -> Self {
        Value::Bin(v)
    }
}

impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Value::Array(v)
    }
}

impl From<Map> for Value {
    fn from(v: Map) -> Self {
        Value::Map(v)
    }
}

impl From<ZData> for Value {
    fn from(v: ZData) -> Self {
        Value::ZData(Box::new(v))
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    /// `None` is `nil`.
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Nil, Into::into)
    }
}

/// A map with string keys that keeps its entries in order (spec §3.7): producer order for free-form maps,
/// schema order for records. Keys are unique.
///
/// Lookups are linear, which is what VMP's small maps want; a map is a list of entries, not a hash table. Keys are
/// [`CompactString`]s: the usual short keys are held inline.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map {
    entries: Vec<(CompactString, Value)>,
}

impl Map {
    pub fn new() -> Self {
        Map { entries: Vec::new() }
    }

    pub fn with_capacity(n: usize) -> Self {
        Map {
            entries: Vec::with_capacity(n),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k == key)
    }

    /// Sets `key` to `value`: replaces the value in place when the key exists (keeping its position), appends
    /// the entry otherwise. Returns the previous value.
    pub fn insert(&mut self, key: impl Into<CompactString>, value: impl Into<Value>) -> Option<Value> {
        let key = key.into();
        let value = value.into();
        match self.get_mut(&key) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    /// Appends an entry without looking for its key; the caller guarantees the key is not present yet.
    pub(crate) fn push_unique(&mut self, key: CompactString, value: Value) {
        // Checked in debug builds for small maps only: a scan per push would make large maps quadratic.
        debug_assert!(
            self.entries.len() > 32 || !self.contains_key(&key),
            "duplicate key {key:?}"
        );
        self.entries.push((key, value));
    }

    /// Removes `key`, keeping the order of the other entries.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(i).1)
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    pub fn values(&self) -> impl ExactSizeIterator<Item = &Value> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The entries, in order.
    pub fn entries(&self) -> &[(CompactString, Value)] {
        &self.entries
    }

    /// The entries, in order, for changing values in place (the codec's checker; keys must stay unique).
    pub(crate) fn entries_mut(&mut self) -> &mut [(CompactString, Value)] {
        &mut self.entries
    }

    /// The entries, in order, by value.
    pub fn into_entries(self) -> Vec<(CompactString, Value)> {
        self.entries
    }
}

impl IntoIterator for Map {
    type Item = (CompactString, Value);
    type IntoIter = std::vec::IntoIter<(CompactString, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a str, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (CompactString, Value)>,
        fn(&'a (CompactString, Value)) -> (&'a str, &'a Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<K: Into<CompactString>, V: Into<Value>> FromIterator<(K, V)> for Map {
    /// Collects entries in order; a repeated key keeps its first position and its last value. Linear time: large
    /// maps are deduplicated through a hash index instead of a scan per entry.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut entries: Vec<(CompactString, Value)> = Vec::new();
        let mut index: HashMap<CompactString, usize> = HashMap::new();
        for (k, v) in iter {
            let (k, v) = (k.into(), v.into());
            match index.get(&k) {
                Some(&i) => entries[i].1 = v,
                None => {
                    index.insert(k.clone(), entries.len());
                    entries.push((k, v));
                }
            }
        }
        Map { entries }
    }
}

/// Builds a [`Map`] value in order: `vmp_map! { "tag" => "Box", "position" => vec![...] }`.
#[macro_export]
macro_rules! vmp_map {
    ($($key:expr => $value:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut map = $crate::Map::new();
        $(map.insert($key, $value);)*
        map
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_compare_by_width_and_bits() {
        assert_ne!(Value::F64(0.0), Value::F64(-0.0));
        assert_eq!(Value::F64(f64::NAN), Value::F64(f64::NAN));
        assert_ne!(Value::F32(1.0), Value::F64(1.0));
        assert_ne!(Value::Int(1), Value::F64(1.0));
    }

    #[test]
    fn maps_keep_order_and_unique_keys() {
        let mut m: Map = [("b", 1), ("a", 2)].into_iter().collect();
        assert_eq!(m.insert("b", 3), Some(Value::Int(1)));
        m.insert("0", 4);
        assert_eq!(m.keys().collect::<Vec<_>>(), ["b", "a", "0"]);
        assert_eq!(m.get("b"), Some(&Value::Int(3)));
        let other: Map = [("a", 2), ("b", 3), ("0", 4)].into_iter().collect();
        assert_ne!(m, other, "order is part of a map's value");
    }
}
