//! Records (spec §3.11 row 6, §4.5), aliases and unions.

use super::*;

// -- records (§3.11 row 6, §4.5) -------------------------------------------------------------------------

#[test]
fn records_come_out_in_schema_order() {
    let v = sample(vec![
        ("name", Value::Str("ab".into())),
        ("x", Value::Int(2)),
        ("n", Value::F64(7.0)),
    ]);
    assert_eq!(
        v,
        map(vec![
            ("n", Value::Int(7)),
            ("x", Value::F64(2.0)),
            ("name", Value::Str("ab".into()))
        ])
    );
    assert_eq!(
        v.as_map().map(|m| m.keys().collect::<Vec<_>>()),
        Some(vec!["n", "x", "name"])
    );
}

#[test]
fn record_errors_carry_their_field_paths() {
    assert_eq!(sample_fails(vec![("x", Value::F64(1.0))]), (MissingField, "n".into()));
    assert_eq!(sample_fails(vec![("n", Value::Int(1))]), (MissingField, "x".into()));
    assert_eq!(
        sample_fails(vec![
            ("n", Value::Int(1)),
            ("x", Value::F64(1.0)),
            ("extra", Value::Int(1))
        ]),
        (InvalidValue, "extra".into())
    );
    assert_eq!(
        sample_fails(vec![("n", Value::Int(300)), ("x", Value::F64(1.0))]),
        (IntegerOutOfRange, "n".into())
    );
    assert_eq!(
        sample_fails(vec![("n", Value::Int(1)), ("x", Value::Nil)]),
        (WrongType, "x".into()),
        "nil in a non-nullable field"
    );
    assert_eq!(
        sample_fails(vec![("n", Value::Int(1)), ("x", Value::F64(1.0)), ("name", Value::Nil)]),
        (WrongType, "name".into())
    );
    assert_eq!(
        sample_fails(vec![
            ("n", Value::Int(1)),
            ("x", Value::F64(1.0)),
            ("f", Value::F64(0.1))
        ]),
        (InvalidValue, "f".into())
    );
    // The first defect in entry order wins, and missing fields come last.
    assert_eq!(
        sample_fails(vec![("extra", Value::Int(1)), ("n", Value::Str("1".into()))]),
        (InvalidValue, "extra".into())
    );
    assert_eq!(
        sample_fails(vec![("n", Value::Str("1".into())), ("extra", Value::Int(1))]),
        (WrongType, "n".into())
    );
    assert_eq!(
        fails(Type::Named(&SAMPLE), Value::Array(vec![])),
        (WrongType, "(root)".into())
    );
    let strict = DecodeOptions::strict();
    let z = map(vec![("ztype", Value::Str("unknown.Type".into()))]);
    let v = map(vec![
        ("n", Value::Int(1)),
        ("x", Value::F64(1.0)),
        ("any", Value::Array(vec![z])),
    ]);
    assert_eq!(
        fails_with(Type::Named(&SAMPLE), v, &strict),
        (UnknownZType, "any[0].ztype".into())
    );
}

#[test]
fn optional_fields_keep_nil_apart_from_absent() {
    let with_nil = sample(vec![
        ("n", Value::Int(1)),
        ("x", Value::F64(1.0)),
        ("opt", Value::Nil),
        ("any", Value::Nil),
    ]);
    assert_eq!(with_nil.get("opt"), Some(&Value::Nil));
    assert_eq!(with_nil.get("any"), Some(&Value::Nil));
    let absent = sample(vec![("n", Value::Int(1)), ("x", Value::F64(1.0))]);
    assert_eq!(absent.get("opt"), None);
    assert_eq!(absent.as_map().map(Map::len), Some(2));
}

#[test]
fn open_records_keep_extra_fields_after_the_declared_ones() {
    let z = map(vec![("ztype", Value::Str("x.Y".into()))]);
    let input = map(vec![
        ("size", Value::F32(0.5)),
        ("key", Value::Str("b".into())),
        ("a", Value::Int(1)),
        ("tag", Value::Str("Box".into())),
        ("mesh", z),
    ]);
    let v = ok(Type::Named(&ELEMENT), input);
    assert_eq!(
        v.as_map().map(|m| m.keys().collect::<Vec<_>>()),
        Some(vec!["tag", "key", "size", "a", "mesh"])
    );
    assert_eq!(
        v.get("size"),
        Some(&Value::F32(0.5)),
        "extras are free-form: float32 stays float32"
    );
    assert!(
        matches!(v.get("mesh"), Some(Value::ZData(_))),
        "extras are free-form: ZData is detected"
    );
    let missing = map(vec![("tag", Value::Str("Box".into())), ("a", Value::Int(1))]);
    assert_eq!(fails(Type::Named(&ELEMENT), missing), (MissingField, "key".into()));
}

#[test]
fn aliases_are_their_type() {
    assert_eq!(ok(Type::Named(&TIMESTAMP), Value::F64(5.0)), Value::Int(5));
    assert_eq!(
        fails(Type::Named(&TIMESTAMP), Value::Int(-1)),
        (IntegerOutOfRange, "(root)".into())
    );
}

// -- unions ----------------------------------------------------------------------------------------------

#[test]
fn unions_select_their_variant_by_tag() {
    let ball = map(vec![("r", Value::Int(2)), ("kind", Value::Str("ball".into()))]);
    assert_eq!(
        ok(Type::Named(&SHAPE), ball),
        map(vec![("kind", Value::Str("ball".into())), ("r", Value::F64(2.0))])
    );
    let shapes = Value::Array(vec![
        map(vec![("kind", Value::Str("ball".into())), ("r", Value::F64(1.0))]),
        map(vec![
            ("kind", Value::Str("box".into())),
            ("size", Value::Array(vec![Value::F64(1.0)])),
        ]),
    ]);
    assert_eq!(fails(Type::Array(&SHAPES), shapes), (InvalidValue, "[1].size".into()));
    assert_eq!(
        fails(Type::Named(&SHAPE), map(vec![("r", Value::F64(1.0))])),
        (MissingField, "kind".into())
    );
    assert_eq!(
        fails(Type::Named(&SHAPE), map(vec![("kind", Value::Int(1))])),
        (WrongType, "kind".into())
    );
    assert_eq!(
        fails(Type::Named(&SHAPE), map(vec![("kind", Value::Str("cone".into()))])),
        (InvalidValue, "kind".into())
    );
    assert_eq!(fails(Type::Named(&SHAPE), Value::Nil), (WrongType, "(root)".into()));
    let extra = map(vec![
        ("kind", Value::Str("ball".into())),
        ("r", Value::F64(1.0)),
        ("x", Value::Nil),
    ]);
    assert_eq!(fails(Type::Named(&SHAPE), extra), (InvalidValue, "x".into()));
}
