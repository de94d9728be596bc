//! The JSON form's unit tests (spec §9).

use bytes::Bytes;

use super::write::increment;
use super::*;
use crate::runtime::error::ErrorKind;
use crate::runtime::value::{Map, Value, INT_MAX, INT_MIN};

fn js(x: f64) -> String {
    let mut s = String::new();
    push_js_number(&mut s, x);
    s
}

fn map(entries: &[(&str, Value)]) -> Value {
    Value::Map(entries.iter().map(|(k, v)| (*k, v.clone())).collect())
}

fn fails(text: &str, kind: ErrorKind, path: &str) {
    let e = from_json(text).expect_err(text);
    let whole = crate::runtime::error::format_segments(e.path());
    assert_eq!((e.kind(), whole.as_str()), (kind, path), "{text}: {e}");
}

#[test]
fn floats_print_as_ecmascript_does() {
    // Spec §9.2 item 4 and ECMAScript's Number::toString cases.
    let cases: &[(f64, &str)] = &[
        (1.0, "1.0"),
        (0.1, "0.1"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (-0.0, "-0.0"),
        (0.0, "0.0"),
        (1e300, "1e+300"),
        (2.0, "2.0"),
        (1.5, "1.5"),
        (-1.5, "-1.5"),
        (100.0, "100.0"),
        (123.456, "123.456"),
        (1e20, "100000000000000000000.0"),
        (1.2345678901234568e20, "123456789012345680000.0"),
        (1.5e21, "1.5e+21"),
        (1e-6, "0.000001"),
        (1.5e-6, "0.0000015"),
        (1.5e-7, "1.5e-7"),
        (1_700_000_000_000.0, "1700000000000.0"),
        (5e-324, "5e-324"),
        (f64::MAX, "1.7976931348623157e+308"),
        (0.30000000000000004, "0.30000000000000004"),
        (-123e-20, "-1.23e-18"),
        // Exact ties between two shortest candidates go to the even one, as in JavaScript (float32 widenings).
        (f64::from(659.930_5_f32), "659.9304809570312"),
        (f64::from(974.826_5_f32), "974.8264770507812"),
    ];
    for &(x, text) in cases {
        assert_eq!(js(x), text, "{x:e}");
    }
}

#[test]
fn tie_breaking_increments_decimally() {
    assert_eq!(increment("1234", 2), ("1235".to_owned(), 2));
    assert_eq!(increment("1299", 2), ("13".to_owned(), 2));
    assert_eq!(increment("999", 2), ("1".to_owned(), 3));
}

#[test]
fn values_print_in_the_json_form() {
    let v = map(&[
        ("nil", Value::Nil),
        ("t", true.into()),
        ("max", Value::Int(INT_MAX)),
        ("min", Value::Int(INT_MIN)),
        ("f64", Value::F64(2.0)),
        ("f32", Value::F32(0.1)),
        ("s", "q\"\\\u{8}\u{c}\n\r\t\u{1}\u{1f}é😀/".into()),
        ("bin", Value::Bin(Bytes::from_static(&[0xff, 0xd8, 0xff, 0xd9]))),
        ("empty", Value::Bin(Bytes::new())),
        ("a", Value::Array(vec![Value::Array(vec![]), Value::Map(Map::new())])),
    ]);
    let text = concat!(
        r#"{"nil":null,"t":true,"max":18446744073709551615,"min":-9223372036854775808,"f64":2.0,"#,
        r#""f32":0.10000000149011612,"s":"q\"\\\b\f\n\r\t\u0001\u001fé😀/","bin":{"__bytes__":"/9j/2Q=="},"#,
        r#""empty":{"__bytes__":""},"a":[[],{}]}"#
    );
    assert_eq!(to_json(&v).expect("prints"), text);
    // Reading it back gives the same value except for the float32's width (§9.4).
    let back = from_json(text).expect("reads");
    let mut expected = v.clone();
    if let Some(m) = expected.as_map_mut() {
        m.insert("f32", Value::F64(f64::from(0.1f32)));
    }
    assert_eq!(back, expected);
}

#[test]
fn spec_9_5_examples() {
    let set = r#"{"ts":1700000000000,"etype":"SET","data":{"tag":"Scene","key":"root","children":[]}}"#;
    let v = from_json(set).expect("reads");
    assert_eq!(v.get("ts"), Some(&Value::Int(1_700_000_000_000)));
    assert_eq!(
        v.get("data")
            .and_then(|d| d.as_map())
            .map(|m| m.keys().collect::<Vec<_>>()),
        Some(vec!["tag", "key", "children"])
    );
    assert_eq!(to_json(&v).expect("prints"), set);
    let camera = r#"{"dpr":2.0,"width":640,"height":480,"frame":{"__bytes__":"/9j/2Q=="}}"#;
    let v = from_json(camera).expect("reads");
    assert_eq!(v.get("dpr"), Some(&Value::F64(2.0)));
    assert_eq!(
        v.get("frame"),
        Some(&Value::Bin(Bytes::from_static(&[0xff, 0xd8, 0xff, 0xd9])))
    );
    assert_eq!(to_json(&v).expect("prints"), camera);
}

#[test]
fn numbers_read_exactly() {
    assert_eq!(from_json("18446744073709551615").expect("max"), Value::Int(INT_MAX));
    assert_eq!(from_json("-9223372036854775808").expect("min"), Value::Int(INT_MIN));
    assert_eq!(from_json("-0").expect("-0"), Value::Int(0));
    assert_eq!(from_json("1.0").expect("1.0"), Value::F64(1.0));
    assert_eq!(from_json("1e2").expect("1e2"), Value::F64(100.0));
    assert_eq!(from_json("-0.0").expect("-0.0"), Value::F64(-0.0));
    assert_eq!(from_json(" 1E-7 ").expect("1E-7"), Value::F64(1e-7));
    assert_eq!(from_json("0.1").expect("0.1"), Value::F64(0.1));
    assert_eq!(from_json("1e-400").expect("underflow"), Value::F64(0.0));
    fails("18446744073709551616", ErrorKind::IntegerOutOfRange, "(root)");
    fails("-9223372036854775809", ErrorKind::IntegerOutOfRange, "(root)");
    fails(&"9".repeat(100), ErrorKind::IntegerOutOfRange, "(root)");
    fails("[0, 1e400]", ErrorKind::InvalidValue, "[1]");
    for bad in [
        "01", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "NaN", "Infinity", "1.5.2",
    ] {
        fails(bad, ErrorKind::InvalidValue, "(root)");
    }
    // A number is the longest valid prefix; the rest is a separator error of the container, as in the
    // TypeScript and Python bindings.
    fails(r#"{"a":1.}"#, ErrorKind::InvalidValue, "(root)");
    fails(r#"{"a":[01]}"#, ErrorKind::InvalidValue, "a");
    fails(r#"{"a":-}"#, ErrorKind::InvalidValue, "a");
}

#[test]
fn objects_keep_order_and_refuse_duplicates() {
    let v = from_json(r#"{"b":1,"a":2,"0":3,"$x":4}"#).expect("reads");
    assert_eq!(
        v.as_map().expect("map").keys().collect::<Vec<_>>(),
        ["b", "a", "0", "$x"]
    );
    fails(r#"{"a":1,"a":2}"#, ErrorKind::DuplicateKey, "(root)");
    fails(r#"{"a":{"x":null,"x":null}}"#, ErrorKind::DuplicateKey, "a");
    fails(r#"[{"a":1,"b":2,"a":3}]"#, ErrorKind::DuplicateKey, "[0]");
    let many: Vec<String> = (0..40).map(|i| format!("\"k{i}\":{i}")).collect();
    let big = format!("{{{},\"k0\":0}}", many.join(","));
    fails(&big, ErrorKind::DuplicateKey, "(root)");
    assert_eq!(
        from_json(&format!("{{{}}}", many.join(",")))
            .expect("40 keys")
            .as_map()
            .map(Map::len),
        Some(40)
    );
}

#[test]
fn bytes_form() {
    assert_eq!(
        from_json(r#"{"__bytes__":"AQID"}"#).expect("bytes"),
        Value::Bin(Bytes::from_static(&[1, 2, 3]))
    );
    assert_eq!(
        from_json(r#"{"__bytes__":""}"#).expect("empty"),
        Value::Bin(Bytes::new())
    );
    for bad in [
        r#"{"__bytes__":"AQI"}"#,
        r#"{"__bytes__":"AQ=="x"#,
        r#"{"__bytes__":"AQJ="}"#,
        r#"{"__bytes__":"A QID"}"#,
    ] {
        let e = from_json(bad).expect_err(bad);
        assert_eq!(e.kind(), ErrorKind::InvalidValue, "{bad}");
    }
    fails(r#"{"x":[{"__bytes__":"*"}]}"#, ErrorKind::InvalidValue, "x[0]");
    // Only an object with exactly that one string member is bytes (§9.3).
    let two = from_json(r#"{"__bytes__":"AQID","x":1}"#).expect("map");
    assert!(matches!(two, Value::Map(_)));
    let num = from_json(r#"{"__bytes__":1}"#).expect("map");
    assert_eq!(num, map(&[("__bytes__", Value::Int(1))]));
    assert_eq!(to_json(&num).expect("prints"), r#"{"__bytes__":1}"#);
    let e = to_json(&map(&[("__bytes__", "AQID".into())])).expect_err("no JSON form");
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
}

#[test]
fn strings_and_surrogates() {
    assert_eq!(
        from_json(r#""\ud83d\ude00 \u00e9\u0000\/""#).expect("pair"),
        Value::Str("😀 é\u{0}/".into())
    );
    assert_eq!(from_json("\u{feff}\"x\"").expect("BOM"), Value::Str("x".into()));
    fails(r#""\ud83d""#, ErrorKind::InvalidUtf8, "(root)");
    fails(r#""\ude00""#, ErrorKind::InvalidUtf8, "(root)");
    fails(r#""\ud83dx""#, ErrorKind::InvalidUtf8, "(root)");
    fails(r#""\ud83d\u0041""#, ErrorKind::InvalidUtf8, "(root)");
    fails(r#"{"k":["\udc00"]}"#, ErrorKind::InvalidUtf8, "k[0]");
    fails(r#"{"\udc00":1}"#, ErrorKind::InvalidUtf8, "(root)");
    fails("\"a\nb\"", ErrorKind::InvalidValue, "(root)");
    fails(r#""\x""#, ErrorKind::InvalidValue, "(root)");
    fails(r#""\u12""#, ErrorKind::InvalidValue, "(root)");
    fails(r#""abc"#, ErrorKind::InvalidValue, "(root)");
    // A syntax error later in the same string wins over a lone surrogate (the other bindings check surrogates
    // once the string is read).
    fails(r#"["\ud83d\x"]"#, ErrorKind::InvalidValue, "[0]");
    fails(r#"["\ud83d\u0041", 1]"#, ErrorKind::InvalidUtf8, "[0]");
}

#[test]
fn syntax_errors_are_invalid_value() {
    for bad in [
        "",
        " ",
        "[1,]",
        "[1 2]",
        "{\"a\" 1}",
        "{a:1}",
        "{\"a\":1,}",
        "[1]]",
        "tru",
        "nulll",
        "{\"a\":}",
    ] {
        let e = from_json(bad).expect_err(bad);
        assert_eq!(e.kind(), ErrorKind::InvalidValue, "{bad:?}: {e}");
    }
    let e = from_json("[\n  1,\n  x]").expect_err("x");
    assert!(e.message().ends_with("at line 3 column 3"), "{}", e.message());
    assert_eq!(e.path_string(), "[1]");
}

#[test]
fn depth_is_limited_both_ways() {
    let ok = format!("{}{}", "[".repeat(512), "]".repeat(512));
    assert!(from_json(&ok).is_ok());
    fails(
        &format!("{}{}", "[".repeat(513), "]".repeat(513)),
        ErrorKind::DepthExceeded,
        &"[0]".repeat(512),
    );
    fails(&"[".repeat(100_000), ErrorKind::DepthExceeded, &"[0]".repeat(512));
    fails(
        &"{\"a\":".repeat(100_000),
        ErrorKind::DepthExceeded,
        &vec!["a"; 512].join("."),
    );
    let mut v = Value::Nil;
    for _ in 0..513 {
        v = Value::Array(vec![v]);
    }
    assert_eq!(to_json(&v).expect_err("too deep").kind(), ErrorKind::DepthExceeded);
}

#[test]
fn non_finite_floats_have_no_json_form() {
    for v in [
        Value::F64(f64::NAN),
        Value::F64(f64::INFINITY),
        Value::F32(f32::NEG_INFINITY),
    ] {
        let e = to_json(&map(&[("a", Value::Array(vec![v]))])).expect_err("non-finite");
        assert_eq!((e.kind(), e.path_string().as_str()), (ErrorKind::InvalidValue, "a[0]"));
    }
}
