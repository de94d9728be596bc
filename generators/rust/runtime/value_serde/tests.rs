//! The serde view's unit tests: serde_json through `Value`, `Map`, `ZData` and the field helpers.

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
        crate::runtime::json::to_json(&v).expect("json form"),
        "same text as the JSON form here"
    );
    // Where they differ: serde_json's float notation (exponent from 1e16 and below 1e-5, where ECMAScript
    // switches at 1e21 and 1e-7), float32 text, and non-finite floats.
    let to_json = |x: f64| crate::runtime::json::to_json(&Value::F64(x)).expect("finite");
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
