//! Free-form values, ZData detection and containers.

use super::*;
use crate::runtime::dtype::Dtype;
use crate::runtime::ndarray::ArrayKind;
use crate::runtime::schema::NdArrayType;

// -- free-form values and ZData --------------------------------------------------------------------------

#[test]
fn free_form_values_stay_as_sent() {
    let v = Value::Array(vec![
        Value::Int(1),
        Value::F32(1.0),
        Value::F64(1.0),
        Value::Nil,
        Value::Bin(Bytes::from_static(b"x")),
        map(vec![
            ("b", Value::Int(2)),
            ("a", Value::Int(1)),
            ("ztype", Value::Int(3)),
        ]),
    ]);
    assert_eq!(
        ok(Type::Any, v.clone()),
        v,
        "ints stay ints, float32 stays float32, order kept"
    );
    assert_eq!(
        fails(Type::Any, Value::Array(vec![Value::Int(INT_MAX + 1)])),
        (IntegerOutOfRange, "[0]".into())
    );
    assert_eq!(
        fails(Type::Any, Value::Int(INT_MIN - 1)),
        (IntegerOutOfRange, "(root)".into())
    );
}

#[test]
fn free_form_maps_with_a_string_ztype_are_zdata_at_any_depth() {
    let z = map(vec![
        ("b", Value::Bin(Bytes::from_static(&[1]))),
        ("ztype", Value::Str("mylib.v1.Thing".into())),
    ]);
    let v = map(vec![(
        "list",
        Value::Array(vec![Value::Nil, map(vec![("inner", z.clone())])]),
    )]);
    let checked = ok(Type::Any, v);
    let inner = checked
        .get("list")
        .and_then(|l| l.as_array())
        .and_then(|a| a[1].get("inner"));
    let Some(Value::ZData(zd)) = inner else {
        panic!("expected ZData, got {inner:?}")
    };
    assert_eq!(zd.ztype(), "mylib.v1.Thing");
    assert_eq!(
        Some(&zd.to_map()),
        z.as_map(),
        "an unknown ztype keeps its entries in order"
    );
    // Errors from ZData carry the path of the map.
    let strict = DecodeOptions::strict();
    let v = Value::Array(vec![Value::Nil, map(vec![("z", z)])]);
    assert_eq!(fails_with(Type::Any, v, &strict), (UnknownZType, "[1].z.ztype".into()));
    // A ZData value passes as it is.
    let zdata = Value::ZData(Box::new(ZData::Opaque(
        map(vec![("ztype", Value::Str("x.y".into()))])
            .as_map()
            .cloned()
            .unwrap_or_default(),
    )));
    assert_eq!(ok(Type::Any, zdata.clone()), zdata);
}

#[test]
fn zdata_fields_need_a_map_with_a_string_ztype() {
    let z = ok(Type::ZData, map(vec![("ztype", Value::Str("a.b".into()))]));
    assert!(matches!(&z, Value::ZData(d) if d.ztype() == "a.b"), "{z:?}");
    assert_eq!(ok(Type::ZData, z.clone()), z);
    assert_eq!(
        fails(Type::ZData, map(vec![("b", Value::Nil)])),
        (MissingField, "ztype".into())
    );
    assert_eq!(
        fails(Type::ZData, map(vec![("ztype", Value::Int(1))])),
        (WrongType, "ztype".into())
    );
    assert_eq!(
        fails(Type::ZData, Value::Bin(Bytes::new())),
        (WrongType, "(root)".into())
    );
}

#[test]
fn zdata_records_require_their_ztype() {
    let nd = map(vec![("ztype", Value::Str("numpy.ndarray".into()))]);
    // An unknown ztype is an opaque ZData value, not the record's ztype: InvalidValue at `ztype`. A map without
    // a ztype is read as the record (MissingField there).
    let other = map(vec![
        ("ztype", Value::Str("x.Other".into())),
        ("b", Value::Bin(Bytes::new())),
    ]);
    assert_eq!(fails(Type::Named(&NDARRAY), other), (InvalidValue, "ztype".into()));
    assert_eq!(
        fails(Type::Named(&NDARRAY), Map::new().into()),
        (MissingField, "ztype".into())
    );
    assert_eq!(
        fails(Type::Named(&NDARRAY), Value::Int(1)),
        (WrongType, "(root)".into())
    );
    if let Ok(v) = check(Type::Named(&NDARRAY), nd, &DecodeOptions::default()) {
        assert!(matches!(&v, Value::ZData(z) if z.ztype() == "numpy.ndarray"), "{v:?}");
    }
    let opaque = Value::ZData(Box::new(ZData::Opaque(
        map(vec![("ztype", Value::Str("x.y".into()))])
            .as_map()
            .cloned()
            .unwrap_or_default(),
    )));
    assert_eq!(fails(Type::Named(&NDARRAY), opaque), (InvalidValue, "ztype".into()));
}

// -- containers ------------------------------------------------------------------------------------------

#[test]
fn arrays_maps_and_nullables() {
    let three = Value::Array(vec![Value::Int(1), Value::F32(2.0), Value::F64(3.0)]);
    assert_eq!(
        ok(Type::Array(&VECTOR3), three),
        Value::Array(vec![Value::F64(1.0), Value::F64(2.0), Value::F64(3.0)])
    );
    assert_eq!(
        fails(Type::Array(&VECTOR3), Value::Array(vec![Value::F64(1.0)])),
        (InvalidValue, "(root)".into())
    );
    let four = Value::Array(vec![Value::F64(1.0); 4]);
    assert_eq!(fails(Type::Array(&VECTOR3), four), (InvalidValue, "(root)".into()));
    let bad = Value::Array(vec![Value::F64(1.0), Value::Str("2".into())]);
    assert_eq!(
        fails(Type::Array(&VECTOR3), bad),
        (WrongType, "[1]".into()),
        "items before the count"
    );
    assert_eq!(fails(Type::Array(&VECTOR3), map(vec![])), (WrongType, "(root)".into()));

    let floats = Type::Map(&F64_TYPE);
    let m = map(vec![("z", Value::Int(1)), ("a", Value::F64(2.5))]);
    assert_eq!(ok(floats, m), map(vec![("z", Value::F64(1.0)), ("a", Value::F64(2.5))]));
    assert_eq!(
        fails(floats, map(vec![("odd key", Value::Nil)])),
        (WrongType, "[\"odd key\"]".into())
    );
    assert_eq!(fails(floats, Value::Array(vec![])), (WrongType, "(root)".into()));

    let nullable = Type::Nullable(&F64_TYPE);
    assert_eq!(ok(nullable, Value::Nil), Value::Nil);
    assert_eq!(ok(nullable, Value::Int(1)), Value::F64(1.0));
    assert_eq!(fails(nullable, Value::Bool(true)), (WrongType, "(root)".into()));
}

#[test]
fn depth_is_limited_to_512_containers() {
    fn nested(n: usize) -> Value {
        let mut v = Value::Array(vec![]);
        for _ in 1..n {
            v = Value::Array(vec![v]);
        }
        v
    }
    // In a thread with the default 2 MiB stack: the checker must not need more.
    let handle = std::thread::spawn(|| {
        let deep = nested(512);
        assert_eq!(check(Type::Any, deep.clone(), &DecodeOptions::default()), Ok(deep));
        let (kind, _) = fails(Type::Any, nested(513));
        assert_eq!(kind, DepthExceeded);
        assert!(encode_value(&nested(513)).is_err());
        let mut m = Value::Map(Map::new());
        for _ in 0..600 {
            m = map(vec![("a", m)]);
        }
        assert_eq!(fails(Type::Any, m).0, DepthExceeded);
    });
    assert!(handle.join().is_ok());
}

/// A typed array field of float32 or float64 points, `[n, 3]` (spec §7.11).
static POINTS: NdArrayType = NdArrayType {
    dtypes: Some(&[Dtype::Float32, Dtype::Float64]),
    shape: Some(&[None, Some(3)]),
};

/// An array's wire map: `b` zero bytes of the right length.
fn array_map(ztype: &str, dtype: &str, shape: &[u64], itemsize: usize) -> Value {
    let count: u64 = shape.iter().product();
    map(vec![
        ("ztype", Value::Str(ztype.into())),
        ("b", Value::Bin(Bytes::from(vec![0; count as usize * itemsize]))),
        ("dtype", Value::Str(dtype.into())),
        (
            "shape",
            Value::Array(shape.iter().map(|&d| Value::Int(d.into())).collect()),
        ),
    ])
}

#[test]
fn typed_array_fields_take_allowed_arrays_as_numpy_arrays() {
    let ty = Type::NdArray(&POINTS);
    for (ztype, dtype, shape, size) in [
        ("numpy.ndarray", "float32", &[2, 3][..], 4),
        ("torch.Tensor", "float32", &[2, 3][..], 4),
        ("numpy.ndarray", "<f8", &[0, 3][..], 8),
    ] {
        let out = ok(ty, array_map(ztype, dtype, shape, size));
        let Value::ZData(z) = out else {
            panic!("expected ZData, got {out:?}")
        };
        let ZData::Array(a) = *z else {
            panic!("expected an array")
        };
        // Whatever its form, the array is written back as numpy.ndarray.
        assert_eq!(a.kind(), ArrayKind::Numpy);
        assert_eq!(a.shape(), shape);
    }
    let bytes = map(vec![
        ("ztype", Value::Str("Uint8Array".into())),
        ("b", Value::Bin(Bytes::from_static(&[1, 2]))),
        ("length", Value::Int(2)),
    ]);
    static FRAMES: NdArrayType = NdArrayType {
        dtypes: Some(&[Dtype::Uint8]),
        shape: None,
    };
    assert!(matches!(ok(Type::NdArray(&FRAMES), bytes), Value::ZData(_)));
}

#[test]
fn typed_array_fields_reject_a_dtype_or_shape_they_do_not_allow() {
    let ty = Type::NdArray(&POINTS);
    let at_array = (InvalidValue, "(root)".to_string());
    assert_eq!(fails(ty, array_map("numpy.ndarray", "int32", &[5, 3], 4)), at_array);
    assert_eq!(fails(ty, array_map("numpy.ndarray", "float32", &[15], 4)), at_array);
    assert_eq!(
        fails(ty, array_map("numpy.ndarray", "float32", &[5, 3, 1], 4)),
        at_array
    );
    assert_eq!(fails(ty, array_map("numpy.ndarray", "float32", &[5, 2], 4)), at_array);
    let image = map(vec![
        ("ztype", Value::Str("image".into())),
        ("b", Value::Bin(Bytes::from_static(&[0x89]))),
    ]);
    assert_eq!(fails(ty, image), (InvalidValue, "ztype".into()));
    assert_eq!(
        fails(ty, array_map("numpy.ndarray", "<U2", &[5, 3], 4)),
        (UnsupportedDtype, "dtype".into())
    );
    assert_eq!(fails(ty, Value::Int(1)), (WrongType, "(root)".into()));
    // On encode too: the checker refuses an array of another dtype.
    let ints = NdArray::from_vec(vec![0i32; 6], vec![2, 3]).expect("a valid array");
    assert_eq!(fails(ty, Value::ZData(Box::new(ZData::Array(ints)))), at_array);
}
