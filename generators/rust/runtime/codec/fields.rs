//! Record helpers for the generated code: [`Fields`] reads a record's fields out of its map, [`MapBuilder`] writes
//! them in schema order.

use super::scalars::wrong_type;
use super::{FromValue, ToValue};
use crate::runtime::error::{Error, ErrorKind, Result};
use crate::runtime::value::{CompactString, Map, Value};

/// Reads the fields of a record out of its (canonical) map: `required`/`optional` for each declared field, then
/// `rest` (open records) or `finish` (closed records).
///
/// Fields asked for in the map's order are found at once; any other order works too.
#[derive(Debug)]
pub struct Fields {
    entries: Vec<Option<(CompactString, Value)>>,
    next: usize,
}

impl Fields {
    /// The fields of a map value; `WrongType` for anything else.
    pub fn new(value: Value) -> Result<Fields> {
        match value {
            Value::Map(map) => Ok(Fields {
                entries: map.into_entries().into_iter().map(Some).collect(),
                next: 0,
            }),
            other => Err(wrong_type("a map", &other)),
        }
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        let is_key = |entry: &Option<(CompactString, Value)>| matches!(entry, Some((k, _)) if k == key);
        let i = if self.entries.get(self.next).is_some_and(is_key) {
            self.next
        } else {
            self.entries.iter().position(is_key)?
        };
        self.next = i + 1;
        self.entries[i].take().map(|(_, v)| v)
    }

    /// The field `key`; `MissingField` at `key` when absent, and conversion errors under `key`.
    pub fn required<T: FromValue>(&mut self, key: &str) -> Result<T> {
        match self.take(key) {
            Some(v) => T::from_value(v).map_err(|e| e.in_key(key)),
            None => Err(Error::new(ErrorKind::MissingField, "required field is missing").in_key(key)),
        }
    }

    /// The field `key`, `None` when absent. For a nullable optional field use `Option<Option<T>>`: `nil` is
    /// `Some(None)`.
    pub fn optional<T: FromValue>(&mut self, key: &str) -> Result<Option<T>> {
        match self.take(key) {
            Some(v) => T::from_value(v).map(Some).map_err(|e| e.in_key(key)),
            None => Ok(None),
        }
    }

    /// The entries not taken yet, in order (an open record's extra fields).
    pub fn rest(self) -> Map {
        let mut map = Map::new();
        for (k, v) in self.entries.into_iter().flatten() {
            map.push_unique(k, v);
        }
        map
    }

    /// Ends a closed record: `InvalidValue` at the first entry not taken.
    pub fn finish(self) -> Result<()> {
        match self.entries.into_iter().flatten().next() {
            Some((k, _)) => Err(Error::new(ErrorKind::InvalidValue, format!("unknown field {k:?}")).in_key(&k)),
            None => Ok(()),
        }
    }
}

/// Builds a record's map in field order: `field` for required fields, `optional` for optional ones (`None` is
/// left out, never written as `nil`), `extra` for an open record's extra fields.
#[derive(Debug, Default)]
pub struct MapBuilder {
    map: Map,
}

impl MapBuilder {
    /// A builder with room for `n` entries.
    pub fn with_capacity(n: usize) -> Self {
        MapBuilder {
            map: Map::with_capacity(n),
        }
    }

    /// Sets the entry `key` (a key set twice keeps its first position and its last value).
    pub fn field<T: ToValue + ?Sized>(&mut self, key: &str, value: &T) -> &mut Self {
        self.map.insert(key, value.to_value());
        self
    }

    /// Sets the entry `key` when `value` is `Some`.
    pub fn optional<T: ToValue>(&mut self, key: &str, value: &Option<T>) -> &mut Self {
        if let Some(v) = value {
            self.map.insert(key, v.to_value());
        }
        self
    }

    /// Appends the entries of `extra`, in order (an entry whose key is already set replaces that value in place).
    pub fn extra(&mut self, extra: &Map) -> &mut Self {
        // The keys of `extra` are unique among themselves: only the entries set before need looking at.
        let before = self.map.len();
        for (k, v) in extra.iter() {
            if self.map.keys().take(before).any(|key| key == k) {
                self.map.insert(k, v.clone());
            } else {
                self.map.push_unique(k.into(), v.clone());
            }
        }
        self
    }

    /// The map value.
    pub fn build(self) -> Value {
        Value::Map(self.map)
    }
}
