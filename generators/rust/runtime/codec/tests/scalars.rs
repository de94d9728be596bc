//! Integers, floats, strings and the other scalars (spec §3.11 rows 1, 3, 4, 5 and 9).

use super::*;

// -- §3.11 rows 1 and 5: integers ------------------------------------------------------------------------

#[test]
fn integers_in_any_width_and_integral_floats() {
    // Row 1: `cd 00 01` and `d0 01` are 1 (wire reading), `d3 ... ` is ts 1700000000000.
    for bytes in ["cd 00 01", "d0 01", "01"] {
        assert_eq!(decode_as(INT, hex(bytes), &DecodeOptions::default()), Ok(Value::Int(1)));
    }
    assert_eq!(
        decode_as(U64, hex("d3 00 00 01 8b cf e5 68 00"), &DecodeOptions::default()),
        Ok(Value::Int(1_700_000_000_000))
    );
    // Row 5: `cb 42 78 bc fe 56 80 00 00` in ts is 1700000000000.
    assert_eq!(
        decode_as(U64, hex("cb 42 78 bc fe 56 80 00 00"), &DecodeOptions::default()),
        Ok(Value::Int(1_700_000_000_000))
    );
    assert_eq!(ok(INT, Value::F32(3.0)), Value::Int(3));
    assert_eq!(ok(INT, Value::F64(-0.0)), Value::Int(0), "-0.0 reads as 0");
    assert_eq!(ok(U64, Value::Int(u64::MAX as i128)), Value::Int(u64::MAX as i128));
}

#[test]
fn integer_conversion_limits() {
    assert_eq!(fails(INT, Value::F64(1.5)), (WrongType, "(root)".into()));
    assert_eq!(fails(INT, Value::F64(f64::NAN)), (WrongType, "(root)".into()));
    assert_eq!(fails(INT, Value::F64(f64::INFINITY)), (WrongType, "(root)".into()));
    assert_eq!(fails(INT, Value::F32(0.5)), (WrongType, "(root)".into()));
    assert_eq!(fails(INT, Value::F64(256.0)), (IntegerOutOfRange, "(root)".into()));
    assert_eq!(fails(INT, Value::F64(1e300)), (IntegerOutOfRange, "(root)".into()));
    assert_eq!(fails(INT, Value::Int(256)), (IntegerOutOfRange, "(root)".into()));
    assert_eq!(fails(U64, Value::Int(-1)), (IntegerOutOfRange, "(root)".into()));
    assert_eq!(fails(INT, Value::Str("1".into())), (WrongType, "(root)".into()));
    assert_eq!(fails(INT, Value::Nil), (WrongType, "(root)".into()));
    assert_eq!(fails(INT, Value::Bool(true)), (WrongType, "(root)".into()));
    let e = check(INT, Value::Str("1".into()), &DecodeOptions::default()).expect_err("a string is no integer");
    assert!(
        e.message().contains("expected an integer") && e.message().contains("str"),
        "{}",
        e.message()
    );
}

// -- §3.11 rows 3, 4 and 9: floats -----------------------------------------------------------------------

#[test]
fn float64_fields_widen_float32_and_integers() {
    // Row 3: `ca 3f c0 00 00` is 1.5; 0.1f is 0.10000000149011612.
    assert_eq!(ok(F64, Value::F32(1.5)), Value::F64(1.5));
    assert_eq!(
        ok(F64, Value::F32(f32::from_bits(0x3dcc_cccd))),
        Value::F64(0.10000000149011612)
    );
    assert_eq!(ok(F64, Value::F32(-0.0)), Value::F64(-0.0));
    // The NaN bit rule: `ca 7f c0 00 00` becomes `cb 7f f8 00 00 00 00 00 00`.
    assert_eq!(
        ok(F64, Value::F32(f32::from_bits(0x7fc0_0000))),
        Value::F64(f64::from_bits(0x7ff8_0000_0000_0000))
    );
    assert_eq!(
        ok(F64, Value::F32(f32::from_bits(0xff80_0001))),
        Value::F64(f64::from_bits(0xfff0_0000_2000_0000))
    );
    // Row 4: `02` in a float field is 2.0.
    assert_eq!(ok(F64, Value::Int(2)), Value::F64(2.0));
    assert_eq!(ok(F64, Value::Int(1 << 53)), Value::F64(9007199254740992.0));
    assert_eq!(
        ok(F64, Value::F64(f64::from_bits(0x7ff0_0000_0000_0001))),
        Value::F64(f64::from_bits(0x7ff0_0000_0000_0001))
    );
}

#[test]
fn float64_conversion_limits() {
    assert_eq!(fails(F64, Value::Int((1 << 53) + 1)), (InvalidValue, "(root)".into()));
    assert_eq!(
        fails(F64, Value::Int(u64::MAX as i128)),
        (InvalidValue, "(root)".into())
    );
    assert_eq!(fails(F64, Value::Str("1.0".into())), (WrongType, "(root)".into()));
    assert_eq!(fails(F64, Value::Nil), (WrongType, "(root)".into()));
}

#[test]
fn float32_fields_take_exact_values_only() {
    // Row 9: `cb 3f f8 00 00 00 00 00 00` in a float32 field is `ca 3f c0 00 00`.
    assert_eq!(ok(F32, Value::F64(1.5)), Value::F32(1.5));
    assert_eq!(ok(F32, Value::F64(f64::INFINITY)), Value::F32(f32::INFINITY));
    assert_eq!(
        ok(F32, Value::F64(f64::from_bits(0x7ff8_0000_0000_0000))),
        Value::F32(f32::from_bits(0x7fc0_0000))
    );
    assert_eq!(ok(F32, Value::Int(16_777_216)), Value::F32(16_777_216.0));
    assert_eq!(ok(F32, Value::F32(0.1)), Value::F32(0.1));
    assert_eq!(fails(F32, Value::F64(0.1)), (InvalidValue, "(root)".into()));
    assert_eq!(fails(F32, Value::F64(1e300)), (InvalidValue, "(root)".into()));
    assert_eq!(fails(F32, Value::Int(16_777_217)), (InvalidValue, "(root)".into()));
    assert_eq!(fails(F32, Value::Bool(false)), (WrongType, "(root)".into()));
    // A NaN narrows to the NaN it widens from, and back.
    for bits in [0x7fc0_0000u32, 0xffc0_0001, 0x7f80_0001] {
        let wide = widen_f32(f32::from_bits(bits));
        assert_eq!(narrow_f64(wide).map(f32::to_bits), Some(bits));
    }
}

// -- strings and other scalars ---------------------------------------------------------------------------

#[test]
fn string_constraints_are_invalid_values() {
    let name = Type::Str(&NAME);
    assert_eq!(
        ok(name, Value::Str("é😀".into())),
        Value::Str("é😀".into()),
        "lengths count code points"
    );
    assert_eq!(fails(name, Value::Str("".into())), (InvalidValue, "(root)".into()));
    assert_eq!(fails(name, Value::Str("abcd".into())), (InvalidValue, "(root)".into()));
    assert_eq!(
        ok(Type::Str(&COLOR), Value::Str("red".into())),
        Value::Str("red".into())
    );
    assert_eq!(
        fails(Type::Str(&COLOR), Value::Str("blue".into())),
        (InvalidValue, "(root)".into())
    );
    assert_eq!(
        ok(Type::Str(&HEX), Value::Str("#00ff00".into())),
        Value::Str("#00ff00".into())
    );
    assert_eq!(
        fails(Type::Str(&HEX), Value::Str("#00ff0".into())),
        (InvalidValue, "(root)".into())
    );
    assert_eq!(
        fails(Type::Str(&ONLY_A), Value::Str("b".into())),
        (InvalidValue, "(root)".into())
    );
    assert_eq!(
        fails(name, Value::Bin(Bytes::from_static(b"ab"))),
        (WrongType, "(root)".into())
    );
}

#[test]
fn bool_null_and_bytes_take_their_kind_only() {
    assert_eq!(ok(Type::Bool, Value::Bool(true)), Value::Bool(true));
    assert_eq!(fails(Type::Bool, Value::Int(1)), (WrongType, "(root)".into()));
    assert_eq!(ok(Type::Null, Value::Nil), Value::Nil);
    assert_eq!(fails(Type::Null, Value::Map(Map::new())), (WrongType, "(root)".into()));
    let bin = Value::Bin(Bytes::from_static(&[1, 2]));
    assert_eq!(ok(Type::Bytes, bin.clone()), bin);
    assert_eq!(
        fails(Type::Bytes, Value::Str("AQI=".into())),
        (WrongType, "(root)".into())
    );
    assert_eq!(
        fails(Type::Bytes, Value::Array(vec![Value::Int(1)])),
        (WrongType, "(root)".into())
    );
}

#[test]
fn bytes_take_vrpc_ts_wrapped_uint8_array_as_its_bytes() {
    // {ztype: "Uint8Array", b, length}: spec §7.6, where bytes are declared.
    let wrapped = |ztype: &str, length: i64| {
        map(vec![
            ("ztype", Value::Str(ztype.into())),
            ("b", Value::Bin(Bytes::from_static(&[0xff, 0xd8]))),
            ("length", Value::Int(length.into())),
        ])
    };
    let bin = Value::Bin(Bytes::from_static(&[0xff, 0xd8]));
    assert_eq!(ok(Type::Bytes, wrapped("Uint8Array", 2)), bin);
    assert_eq!(
        fails(Type::Bytes, wrapped("Uint8Array", 3)),
        (ShapeMismatch, "b".into())
    );
    assert_eq!(
        fails(Type::Bytes, wrapped("Float32Array", 0)),
        (WrongType, "(root)".into())
    );
    assert_eq!(
        fails(Type::Bytes, map(vec![("ztype", Value::Str("Uint8Array".into()))])),
        (MissingField, "b".into())
    );
}
