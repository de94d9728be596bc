//! [`FromValue`] and [`ToValue`] for the Rust types VMP values map to: integers, floats, strings, bytes, free-form
//! values, ZData, arrays, containers of them.

use bytes::Bytes;
use indexmap::IndexMap;

use super::scalars::{to_f32, to_f64, wrong_type};
use super::{FromValue, ToValue};
use crate::runtime::error::{Error, ErrorKind, Result};
use crate::runtime::ndarray::NdArray;
use crate::runtime::value::{Map, Value};
use crate::runtime::zdata::ZData;

macro_rules! int_conversions {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self> {
                match value {
                    Value::Int(i) => <$t>::try_from(i).map_err(|_| {
                        let message = format!("{i} is outside {}..{} ({})", <$t>::MIN, <$t>::MAX, stringify!($t));
                        Error::new(ErrorKind::IntegerOutOfRange, message)
                    }),
                    other => Err(wrong_type(concat!("an integer (", stringify!($t), ")"), &other)),
                }
            }
        }

        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Int(i128::from(*self))
            }
        }
    )*};
}
int_conversions!(u8, u16, u32, u64, i8, i16, i32, i64);

impl FromValue for bool {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(wrong_type("a boolean", &other)),
        }
    }
}

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}

impl FromValue for f64 {
    /// A float64; a float32 or an integer converts when exact (spec §3.11, rows 3 and 4).
    fn from_value(value: Value) -> Result<Self> {
        to_f64(value)
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::F64(*self)
    }
}

impl FromValue for f32 {
    /// A float32; a float64 or an integer converts when exact (spec §3.11, rows 4 and 9).
    fn from_value(value: Value) -> Result<Self> {
        to_f32(value)
    }
}

impl ToValue for f32 {
    fn to_value(&self) -> Value {
        Value::F32(*self)
    }
}

impl FromValue for String {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Str(s) => Ok(s.into()),
            other => Err(wrong_type("a string", &other)),
        }
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Str(self.as_str().into())
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Str(self.into())
    }
}

impl FromValue for Bytes {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Bin(b) => Ok(b),
            other => Err(wrong_type("bytes (bin)", &other)),
        }
    }
}

impl ToValue for Bytes {
    fn to_value(&self) -> Value {
        Value::Bin(self.clone())
    }
}

impl FromValue for Value {
    fn from_value(value: Value) -> Result<Self> {
        Ok(value)
    }
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

impl FromValue for Map {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Map(m) => Ok(m),
            other => Err(wrong_type("a map", &other)),
        }
    }
}

impl ToValue for Map {
    fn to_value(&self) -> Value {
        Value::Map(self.clone())
    }
}

impl FromValue for ZData {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::ZData(z) => Ok(*z),
            other => Err(wrong_type("ZData", &other)),
        }
    }
}

impl ToValue for ZData {
    fn to_value(&self) -> Value {
        Value::ZData(Box::new(self.clone()))
    }
}

impl FromValue for NdArray {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::ZData(z) => match *z {
                ZData::Array(a) => Ok(a),
                other => Err(Error::new(
                    ErrorKind::WrongType,
                    format!("expected an array, got ZData ({})", other.ztype()),
                )),
            },
            other => Err(wrong_type("an array (ZData)", &other)),
        }
    }
}

impl ToValue for NdArray {
    fn to_value(&self) -> Value {
        Value::ZData(Box::new(ZData::Array(self.clone())))
    }
}

impl FromValue for () {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Nil => Ok(()),
            other => Err(wrong_type("nil", &other)),
        }
    }
}

impl ToValue for () {
    fn to_value(&self) -> Value {
        Value::Nil
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| T::from_value(v).map_err(|e| e.in_index(i)))
                .collect(),
            other => Err(wrong_type("an array", &other)),
        }
    }
}

impl<T: ToValue> ToValue for Vec<T> {
    fn to_value(&self) -> Value {
        self.as_slice().to_value()
    }
}

impl<T: ToValue> ToValue for [T] {
    fn to_value(&self) -> Value {
        Value::Array(self.iter().map(ToValue::to_value).collect())
    }
}

impl<T: FromValue> FromValue for Option<T> {
    /// `nil` is `None`.
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Nil => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl<T: ToValue> ToValue for Option<T> {
    /// `None` is `nil`.
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Nil, ToValue::to_value)
    }
}

impl<T: FromValue> FromValue for Box<T> {
    fn from_value(value: Value) -> Result<Self> {
        T::from_value(value).map(Box::new)
    }
}

impl<T: ToValue + ?Sized> ToValue for Box<T> {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

impl<T: FromValue> FromValue for IndexMap<String, T> {
    /// A map, its entries in order.
    fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Map(map) => {
                let mut out = IndexMap::with_capacity(map.len());
                for (k, v) in map {
                    let v = T::from_value(v).map_err(|e| e.in_key(&k))?;
                    out.insert(k.into(), v);
                }
                Ok(out)
            }
            other => Err(wrong_type("a map", &other)),
        }
    }
}

impl<T: ToValue> ToValue for IndexMap<String, T> {
    fn to_value(&self) -> Value {
        let mut map = Map::with_capacity(self.len());
        for (k, v) in self {
            map.push_unique(k.as_str().into(), v.to_value());
        }
        Value::Map(map)
    }
}
