//! Free-form values, ZData detection and containers.

use super::*;

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
