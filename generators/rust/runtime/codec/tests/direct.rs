//! The direct codec's free-form values (`Cursor::any`, `Writer::any`) against the checked path, and the shapes
//! it leaves to the checked path on purpose.

use super::*;

/// The free-form value the direct reader makes of `frame`; `None` when it defers.
fn direct_any(frame: &[u8]) -> Option<Value> {
    let frame = Bytes::copy_from_slice(frame);
    let options = DecodeOptions::default();
    let mut cursor = Cursor::new(&frame, &options);
    cursor.any().ok().filter(|_| cursor.at_end())
}

/// The bytes the direct writer makes of a free-form value; `None` when it defers.
fn direct_write(value: &Value) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    Writer::new(&mut out).any(value).ok().map(|()| out)
}

/// A float32 array of shape [2] as a map, its entries in `order`.
fn array_map(order: &[&str]) -> Value {
    let entries = order.iter().map(|&k| match k {
        "ztype" => (k, Value::Str("numpy.ndarray".into())),
        "b" => (k, Value::Bin(Bytes::from_static(&[0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]))),
        "dtype" => (k, Value::Str("float32".into())),
        _ => (k, Value::Array(vec![Value::Int(2)])),
    });
    map(entries.collect())
}

#[test]
fn arrays_read_directly_in_any_key_order() {
    for order in [["ztype", "b", "dtype", "shape"], ["shape", "dtype", "b", "ztype"]] {
        let frame = wire::encode_value(&array_map(&order)).expect("encodes");
        let checked = decode_value(frame.clone()).expect("decodes");
        assert!(matches!(&checked, Value::ZData(z) if z.as_array().is_some()));
        assert_eq!(direct_any(&frame), Some(checked.clone()), "{order:?}");
        // Written back canonically, from the ZData value and from the map alike.
        let canonical = encode_value(&checked).expect("encodes");
        assert_eq!(direct_write(&checked).as_deref(), Some(canonical.as_slice()));
        assert_eq!(direct_write(&array_map(&order)).as_deref(), Some(canonical.as_slice()));
        // Inside a container, after other items: only the map itself is written again.
        let nested = Value::Array(vec![Value::Int(1), array_map(&order)]);
        let checked = decode_value(wire::encode_value(&nested).expect("encodes")).expect("decodes");
        let canonical = encode_value(&checked).expect("encodes");
        assert_eq!(
            direct_write(&nested).as_deref(),
            Some(canonical.as_slice()),
            "{order:?}"
        );
    }
}

#[test]
fn strings_are_read_directly_whatever_their_length_and_script() {
    // Up to 24 bytes a string is held inline, longer ones on the heap; ASCII and other UTF-8 take different checks.
    for s in [
        "",
        "key",
        "a string longer than twenty-four bytes",
        "é",
        "naïve — ünïcödé, and longer than 24 bytes",
    ] {
        let frame = wire::encode_value(&Value::from(s)).expect("encodes");
        assert_eq!(direct_any(&frame), Some(Value::from(s)), "{s:?}");
        assert_eq!(direct_any(&frame).as_ref().and_then(Value::as_str), Some(s));
    }
    // A fixstr whose bytes are not UTF-8 is left to the checked path, which reports it (spec §2.4).
    let bad = [0xa2, 0xc3, 0x28];
    assert_eq!(direct_any(&bad), None);
    let err = decode_value(Bytes::copy_from_slice(&bad)).expect_err("not UTF-8");
    assert_eq!(err.kind(), ErrorKind::InvalidUtf8);
}

#[test]
fn zdata_inside_zdata_is_left_to_the_checked_path() {
    // An unknown ztype keeps its entries as received: a map with a ztype inside it stays a map.
    let inner = array_map(&["ztype", "b", "dtype", "shape"]);
    let frame = wire::encode_value(&map(vec![
        ("ztype", Value::Str("x.Y".into())),
        ("inner", inner.clone()),
    ]))
    .unwrap();
    let checked = decode_value(frame.clone()).expect("decodes");
    let opaque = checked.as_zdata().and_then(ZData::as_opaque).expect("opaque ZData");
    assert_eq!(opaque.get("inner"), Some(&inner));
    assert_eq!(direct_any(&frame), None);
}

#[test]
fn large_maps_check_duplicates_through_a_key_set() {
    let keys: Vec<String> = (0..40).map(|i| format!("k{i}")).collect();
    let value = map(keys.iter().map(|k| (k.as_str(), Value::Int(1))).collect());
    let frame = wire::encode_value(&value).unwrap();
    assert_eq!(direct_any(&frame), Some(value));
    // The last key repeated: 40 entries declared, the 40th is "k0" again.
    let mut duplicate = frame.clone();
    let last = duplicate.len() - 5;
    duplicate.splice(last.., *b"\xa2k0\x01");
    assert_eq!(duplicate.len(), frame.len() - 1);
    assert_eq!(
        kind_of(decode_value(duplicate.clone())),
        (DuplicateKey, "(root)".into())
    );
    assert_eq!(direct_any(&duplicate), None);
}

#[test]
fn depth_limit_is_the_checked_paths() {
    let nested = |n: usize| [vec![0x91; n], vec![0xc0]].concat();
    assert!(decode_value(nested(512)).is_ok());
    assert!(direct_any(&nested(512)).is_some());
    assert_eq!(kind_of(decode_value(nested(513))).0, DepthExceeded);
    assert_eq!(direct_any(&nested(513)), None);
}
