//! The wire layer's unit tests: the boundaries of spec §3, the malformed input of §2.4, §2.6 and §8.2, hostile
//! nesting and counts.

use bytes::Bytes;

use super::*;
use crate::runtime::error::PathSeg;
use crate::runtime::value::{Map, Value, INT_MAX, INT_MIN};

fn hex(s: &str) -> Bytes {
    let s: String = s.split_whitespace().collect();
    let bytes = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("test hex"));
    Bytes::from(bytes.collect::<Vec<u8>>())
}

fn enc(v: &Value) -> Vec<u8> {
    encode_value(v).expect("encodes")
}

fn rd(h: &str) -> Value {
    read(&hex(h)).expect("reads")
}

/// Reads `h`, expecting an error of `kind` at `offset` with path `path`.
fn fails(h: &str, kind: ErrorKind, offset: usize, path: &str) {
    let e = read(&hex(h)).expect_err(h);
    assert_eq!(
        (
            e.kind(),
            e.offset(),
            crate::runtime::error::format_segments(e.path()).as_str()
        ),
        (kind, Some(offset), path),
        "{h}: {e}"
    );
}

fn map(entries: &[(&str, Value)]) -> Value {
    Value::Map(entries.iter().map(|(k, v)| (*k, v.clone())).collect())
}

#[test]
fn integers_at_their_boundaries() {
    // Spec §3.2 and §3.10's boundary table.
    let cases: &[(i128, &str)] = &[
        (0, "00"),
        (127, "7f"),
        (128, "cc 80"),
        (255, "cc ff"),
        (256, "cd 01 00"),
        (65535, "cd ff ff"),
        (65536, "ce 00 01 00 00"),
        ((1 << 32) - 1, "ce ff ff ff ff"),
        (1 << 32, "cf 00 00 00 01 00 00 00 00"),
        (i128::from(i64::MAX), "cf 7f ff ff ff ff ff ff ff"),
        (INT_MAX, "cf ff ff ff ff ff ff ff ff"),
        (-1, "ff"),
        (-32, "e0"),
        (-33, "d0 df"),
        (-128, "d0 80"),
        (-129, "d1 ff 7f"),
        (-32768, "d1 80 00"),
        (-32769, "d2 ff ff 7f ff"),
        (-(1 << 31), "d2 80 00 00 00"),
        (-(1 << 31) - 1, "d3 ff ff ff ff 7f ff ff ff"),
        (INT_MIN, "d3 80 00 00 00 00 00 00 00"),
        (1_700_000_000_000, "cf 00 00 01 8b cf e5 68 00"),
    ];
    for &(v, h) in cases {
        assert_eq!(enc(&Value::Int(v)), hex(h).to_vec(), "{v}");
        assert_eq!(rd(h), Value::Int(v), "{h}");
    }
    for v in [INT_MAX + 1, INT_MIN - 1, i128::MAX, i128::MIN] {
        assert_eq!(
            encode_value(&Value::Int(v)).expect_err("range").kind(),
            ErrorKind::IntegerOutOfRange
        );
    }
    // §3.11 row 1: any width or family that holds the value.
    assert_eq!(rd("cd 00 01"), Value::Int(1));
    assert_eq!(rd("d0 01"), Value::Int(1));
    assert_eq!(rd("d3 00 00 01 8b cf e5 68 00"), Value::Int(1_700_000_000_000));
    assert_eq!(rd("d3 ff ff ff ff ff ff ff ff"), Value::Int(-1));
    assert_eq!(rd("d1 ff ff"), Value::Int(-1));
    assert_eq!(rd("d2 ff ff ff fe"), Value::Int(-2));
}

#[test]
fn primitives_pick_the_smallest_form() {
    let mut out = Vec::new();
    write_i64(&mut out, 5);
    write_i64(&mut out, 200);
    write_i64(&mut out, -5);
    write_u64(&mut out, u64::MAX);
    write_nil(&mut out);
    write_bool(&mut out, true);
    write_bool(&mut out, false);
    assert_eq!(out, hex("05 cc c8 fb cf ff ff ff ff ff ff ff ff c0 c3 c2").to_vec());
}

#[test]
fn floats_keep_width_and_bits() {
    let cases: &[(Value, &str)] = &[
        (Value::F64(1.0), "cb 3f f0 00 00 00 00 00 00"),
        (Value::F64(-0.0), "cb 80 00 00 00 00 00 00 00"),
        (Value::F64(f64::INFINITY), "cb 7f f0 00 00 00 00 00 00"),
        (Value::F64(f64::NAN), "cb 7f f8 00 00 00 00 00 00"),
        (
            Value::F64(f64::from_bits(0x7ff8_0000_0000_0001)),
            "cb 7f f8 00 00 00 00 00 01",
        ),
        (Value::F32(1.5), "ca 3f c0 00 00"),
        (Value::F32(0.1), "ca 3d cc cc cd"),
        (Value::F32(f32::from_bits(0x7fc0_0001)), "ca 7f c0 00 01"),
    ];
    for (v, h) in cases {
        assert_eq!(enc(v), hex(h).to_vec(), "{v:?}");
        assert_eq!(&rd(h), v, "{h}");
    }
    assert_ne!(rd("ca 3f c0 00 00"), Value::F64(1.5), "a float32 stays a float32");
}

#[test]
fn strings_and_bins_at_their_boundaries() {
    let a = |n: usize| "a".repeat(n);
    let h61 = |n: usize| "61 ".repeat(n);
    let cases: Vec<(String, String)> = vec![
        (String::new(), "a0".into()),
        (a(31), format!("bf {}", h61(31))),
        (a(32), format!("d9 20 {}", h61(32))),
        (a(255), format!("d9 ff {}", h61(255))),
        (a(256), format!("da 01 00 {}", h61(256))),
        (a(65535), format!("da ff ff {}", h61(65535))),
        (a(65536), format!("db 00 01 00 00 {}", h61(65536))),
        ("é😀".into(), "a6 c3 a9 f0 9f 98 80".into()),
    ];
    for (s, h) in &cases {
        assert_eq!(
            enc(&Value::Str(s.as_str().into())),
            hex(h).to_vec(),
            "str of {}",
            s.len()
        );
        assert_eq!(rd(h), Value::Str(s.as_str().into()));
    }
    let bins: Vec<(usize, &str)> = vec![
        (0, "c4 00"),
        (255, "c4 ff"),
        (256, "c5 01 00"),
        (65536, "c6 00 01 00 00"),
    ];
    for (n, header) in bins {
        let payload = vec![7u8; n];
        let mut expected = hex(header).to_vec();
        expected.extend_from_slice(&payload);
        let v = Value::Bin(Bytes::from(payload));
        assert_eq!(enc(&v), expected, "bin of {n}");
        assert_eq!(read(&Bytes::from(expected)).expect("bin"), v);
    }
    // §3.11 row 2: wider headers than needed.
    assert_eq!(rd("d9 01 61"), Value::Str("a".into()));
    assert_eq!(rd("db 00 00 00 01 61"), Value::Str("a".into()));
    assert_eq!(rd("c6 00 00 00 01 61"), Value::Bin(Bytes::from_static(b"a")));
}

#[test]
fn bin_shares_the_frame() {
    let frame = hex("92 c4 03 01 02 03 c5 00 01 09");
    let v = read(&frame).expect("reads");
    let Value::Array(items) = v else { panic!("array") };
    let Value::Bin(b) = &items[0] else { panic!("bin") };
    assert_eq!(b.as_ref(), [1, 2, 3]);
    assert_eq!(b.as_ptr(), frame[3..].as_ptr(), "a slice of the frame, not a copy");
    assert_eq!(items[1], Value::Bin(Bytes::from_static(&[9])));
}

#[test]
fn containers_at_their_boundaries() {
    let ints = |n: usize| Value::Array((0..n).map(Value::from).collect());
    let body = |n: usize| (0..n).map(|i| format!("{:02x}", i)).collect::<Vec<_>>().join(" ");
    assert_eq!(enc(&ints(0)), hex("90").to_vec());
    assert_eq!(enc(&ints(15)), hex(&format!("9f {}", body(15))).to_vec());
    assert_eq!(enc(&ints(16)), hex(&format!("dc 00 10 {}", body(16))).to_vec());
    let big = Value::Array(vec![Value::Nil; 65536]);
    let mut expected = hex("dd 00 01 00 00").to_vec();
    expected.extend_from_slice(&[0xc0; 65536]);
    assert_eq!(enc(&big), expected);
    assert_eq!(read(&Bytes::from(expected)).expect("big array"), big);
    assert_eq!(rd(&format!("dc 00 10 {}", body(16))), ints(16));

    assert_eq!(enc(&Value::Map(Map::new())), [0x80]);
    let keys: Vec<String> = (0..16).map(|i| format!("{}", (b'a' + i) as char)).collect();
    let m16: Map = keys.iter().map(|k| (k.clone(), Value::Nil)).collect();
    let mut expected = hex("de 00 10").to_vec();
    for k in &keys {
        expected.extend([0xa1, k.as_bytes()[0], 0xc0]);
    }
    assert_eq!(enc(&Value::Map(m16.clone())), expected);
    assert_eq!(read(&Bytes::from(expected)).expect("map16"), Value::Map(m16));
    let m15 = map(&[("a", Value::Int(1))]);
    assert_eq!(enc(&m15), hex("81 a1 61 01").to_vec());
    assert_eq!(rd("de 00 01 a1 61 01"), m15, "§3.11 row 2");
    assert_eq!(rd("df 00 00 00 00"), Value::Map(Map::new()));
    assert_eq!(rd("dd 00 00 00 00"), Value::Array(Vec::new()));
}

#[test]
fn maps_keep_producer_order() {
    let v = rd("83 a1 62 01 a1 61 02 a1 30 03");
    assert_eq!(v.as_map().expect("map").keys().collect::<Vec<_>>(), ["b", "a", "0"]);
    assert_eq!(enc(&v), hex("83 a1 62 01 a1 61 02 a1 30 03").to_vec());
}

#[test]
fn set_event_of_spec_3_10() {
    let canonical = "83 a2 74 73 cf 00 00 01 8b cf e5 68 00 a5 65 74 79 70 65 a3 53 45 54 a4 64 61 74 61 83 a3 74 \
                     61 67 a5 53 63 65 6e 65 a3 6b 65 79 a4 72 6f 6f 74 a8 63 68 69 6c 64 72 65 6e 90";
    let expected = map(&[
        ("ts", Value::Int(1_700_000_000_000)),
        ("etype", "SET".into()),
        (
            "data",
            map(&[
                ("tag", "Scene".into()),
                ("key", "root".into()),
                ("children", Value::Array(vec![])),
            ]),
        ),
    ]);
    assert_eq!(rd(canonical), expected);
    assert_eq!(enc(&expected), hex(canonical).to_vec());
    assert_eq!(hex(canonical).len(), 58);
    // msgpackr's form is valid MessagePack; without a schema, its float64 ts stays a float64.
    let msgpackr = "de 00 03 a2 74 73 cb 42 78 bc fe 56 80 00 00 a5 65 74 79 70 65 a3 53 45 54 a4 64 61 74 61 de \
                    00 03 a3 74 61 67 a5 53 63 65 6e 65 a3 6b 65 79 a4 72 6f 6f 74 a8 63 68 69 6c 64 72 65 6e 90";
    assert_eq!(rd(msgpackr).get("ts"), Some(&Value::F64(1_700_000_000_000.0)));
}

#[test]
fn update_event_of_spec_4_2() {
    let bytes = "84 a2 74 73 cf 00 00 01 8b cf e5 68 00 a5 65 74 79 70 65 a6 55 50 44 41 54 45 a4 64 61 74 61 81 \
                 a5 6e 6f 64 65 73 91 82 a3 6b 65 79 a4 62 6f 78 31 a8 70 6f 73 69 74 69 6f 6e 93 01 00 00 a6 73 \
                 74 72 69 63 74 c2";
    let node = map(&[
        ("key", "box1".into()),
        ("position", Value::Array(vec![1.into(), 0.into(), 0.into()])),
    ]);
    let expected = map(&[
        ("ts", Value::Int(1_700_000_000_000)),
        ("etype", "UPDATE".into()),
        ("data", map(&[("nodes", Value::Array(vec![node]))])),
        ("strict", false.into()),
    ]);
    assert_eq!(rd(bytes), expected);
    assert_eq!(enc(&expected), hex(bytes).to_vec());
}

#[test]
fn malformed_input_of_spec_8_2() {
    fails("", ErrorKind::Truncated, 0, "(root)");
    fails("a5 68 65 6c 6c", ErrorKind::Truncated, 0, "(root)");
    fails("92 01", ErrorKind::Truncated, 2, "[1]");
    fails("01 02", ErrorKind::TrailingBytes, 1, "(root)");
    fails("a2 c3 28", ErrorKind::InvalidUtf8, 0, "(root)");
    fails("a3 ed a0 80", ErrorKind::InvalidUtf8, 0, "(root)");
    fails("81 01 01", ErrorKind::NonStringKey, 1, "(root)");
    fails("82 a1 61 01 a1 61 02", ErrorKind::DuplicateKey, 4, "(root)");
    fails(
        &"91 ".repeat(512).add("90"),
        ErrorKind::DepthExceeded,
        512,
        &"[0]".repeat(512),
    );
    fails("d4 00 00", ErrorKind::UnsupportedExt, 0, "(root)");
    fails("d6 ff 00 00 00 00", ErrorKind::UnsupportedExt, 0, "(root)");
    fails("c1", ErrorKind::InvalidValue, 0, "(root)");
}

trait Add {
    fn add(self, s: &str) -> String;
}
impl Add for String {
    fn add(mut self, s: &str) -> String {
        self.push_str(s);
        self
    }
}

#[test]
fn malformed_input_of_spec_2_4_and_2_6() {
    // §2.6: a declared count beyond the bytes present fails at the first missing item.
    fails("dd ff ff ff ff 01 02 03", ErrorKind::Truncated, 8, "[3]");
    fails("df ff ff ff ff a1 61 01", ErrorKind::Truncated, 8, "(root)");
    fails("db ff ff ff ff 61 62 63", ErrorKind::Truncated, 0, "(root)");
    fails("c6 ff ff ff ff 61 62 63", ErrorKind::Truncated, 0, "(root)");
    fails("81 a1 62 c5 ff ff 01 02", ErrorKind::Truncated, 3, "b");
    fails("cd 00", ErrorKind::Truncated, 0, "(root)");
    fails("91 cf 00", ErrorKind::Truncated, 1, "[0]");
    fails("81 a1 61", ErrorKind::Truncated, 3, "a");
    fails("82 a1 61 01", ErrorKind::Truncated, 4, "(root)");
    fails("81 d9", ErrorKind::Truncated, 1, "(root)");
    fails("91 91 91 92 01", ErrorKind::Truncated, 5, "[0][0][0][1]");
    // §2.4.
    fails("91 c1", ErrorKind::InvalidValue, 1, "[0]");
    fails("92 01 c1", ErrorKind::InvalidValue, 2, "[1]");
    for h in ["c7 01 01 00", "c8 00 02 01 00 00", "c9 00 00 00 01 01 00", "d8 05"] {
        let e = read(&hex(h)).expect_err(h);
        assert!(
            matches!(e.kind(), ErrorKind::UnsupportedExt | ErrorKind::Truncated),
            "{h}"
        );
    }
    fails("c7 ff 01", ErrorKind::UnsupportedExt, 0, "(root)"); // the payload is never read
    fails("d4", ErrorKind::Truncated, 0, "(root)");
    fails("82 a1 61 d4 00 00 a1 62 01", ErrorKind::UnsupportedExt, 3, "a");
    fails("81 c0 01", ErrorKind::NonStringKey, 1, "(root)");
    fails("81 c4 01 61 01", ErrorKind::NonStringKey, 1, "(root)");
    fails("81 90 01", ErrorKind::NonStringKey, 1, "(root)");
    fails("81 c1 01", ErrorKind::NonStringKey, 1, "(root)");
    fails("81 a1 ff 01", ErrorKind::InvalidUtf8, 1, "(root)");
    fails("81 a1 61 91 a1 fe", ErrorKind::InvalidUtf8, 4, "a[0]");
    fails("a2 c0 80", ErrorKind::InvalidUtf8, 0, "(root)"); // overlong
    fails("a4 f4 90 80 80", ErrorKind::InvalidUtf8, 0, "(root)"); // beyond U+10FFFF
    fails("a2 e2 82", ErrorKind::InvalidUtf8, 0, "(root)"); // cut sequence
    fails("81 a1 61 82 a1 78 c0 a1 78 c0", ErrorKind::DuplicateKey, 7, "a");
    fails("83 a1 61 01 a1 62 02 a1 61 03", ErrorKind::DuplicateKey, 7, "(root)");
    fails("81 a1 61 81 a1 61 01 02", ErrorKind::TrailingBytes, 7, "(root)");
    // §2.5: 512 nested containers are fine, the 513th is not, whatever their kinds.
    let ok = "91 ".repeat(511).add("90");
    let mut v = rd(&ok);
    let mut depth = 0;
    while let Value::Array(mut items) = v {
        depth += 1;
        v = items.pop().unwrap_or(Value::Nil);
    }
    assert_eq!(depth, 512);
    let maps = "81 a1 78 ".repeat(512).add("90");
    fails(&maps, ErrorKind::DepthExceeded, 512 * 3, &vec!["x"; 512].join("."));
    let mixed = "91 81 a1 78 ".repeat(256).add("90");
    fails(&mixed, ErrorKind::DepthExceeded, 256 * 4, &"[0].x".repeat(256));
}

#[test]
fn hostile_nesting_does_not_overflow() {
    let frame = Bytes::from(vec![0x91u8; 100_000]);
    let e = read(&frame).expect_err("too deep");
    assert_eq!((e.kind(), e.offset()), (ErrorKind::DepthExceeded, Some(512)));
    let mut maps = Vec::new();
    for _ in 0..100_000 {
        maps.extend_from_slice(&[0x81, 0xa1, 0x61]);
    }
    let e = read(&Bytes::from(maps)).expect_err("too deep");
    assert_eq!((e.kind(), e.offset()), (ErrorKind::DepthExceeded, Some(512 * 3)));
}

#[test]
fn nested_hostile_counts_reserve_nothing_extra() {
    // 500 nested array32 headers each claiming 2^32-1 items, then 100 kB of nils: each header may reserve only
    // what the remaining bytes minus the outer reservations allow (the outermost takes it all, the rest none).
    let mut frame = Vec::new();
    for _ in 0..500 {
        frame.extend_from_slice(&[0xdd, 0xff, 0xff, 0xff, 0xff]);
    }
    frame.extend_from_slice(&[0xc0; 100_000]);
    let e = read(&Bytes::from(frame)).expect_err("truncated");
    assert_eq!((e.kind(), e.offset()), (ErrorKind::Truncated, Some(2_500 + 100_000)));
    assert_eq!(e.path().len(), 500);
    assert_eq!(e.path().last(), Some(&PathSeg::Index(100_000)));
}

#[test]
fn hostile_maps_stay_linear() {
    // Many distinct keys, then a duplicate of the first: found through the hash set. (Kept small because
    // `Map::push_unique` checks uniqueness linearly in debug builds.)
    let n = 5_000u32;
    let mut frame = vec![0xdf];
    frame.extend_from_slice(&(n + 1).to_be_bytes());
    let mut offset = 0;
    for i in 0..=n {
        if i == n {
            offset = frame.len();
        }
        let key = format!("{:06}", i % n);
        frame.push(0xa6);
        frame.extend_from_slice(key.as_bytes());
        frame.push(0xc0);
    }
    let e = read(&Bytes::from(frame)).expect_err("duplicate");
    assert_eq!(
        (e.kind(), e.offset(), e.path_string().as_str()),
        (ErrorKind::DuplicateKey, Some(offset), "(root)")
    );
    assert_eq!(e.message(), "duplicate map key \"000000\"");
}

#[test]
fn writer_limits_depth_and_names_paths() {
    let nest = |n: usize| {
        let mut v = Value::Array(Vec::new());
        for _ in 1..n {
            v = Value::Array(vec![v]);
        }
        v
    };
    let ok = enc(&nest(512));
    assert_eq!(ok.len(), 512);
    assert_eq!(ok[..511], [0x91; 511]);
    assert_eq!(ok[511], 0x90);
    let e = encode_value(&nest(513)).expect_err("too deep");
    assert_eq!(e.kind(), ErrorKind::DepthExceeded);
    assert_eq!(e.path().len(), 512);
    let deep = map(&[(
        "a",
        Value::Array(vec![Value::Nil, map(&[("odd key", Value::Int(INT_MAX + 1))])]),
    )]);
    let e = encode_value(&deep).expect_err("range");
    assert_eq!(
        (e.kind(), e.path_string().as_str()),
        (ErrorKind::IntegerOutOfRange, "a[1][\"odd key\"]")
    );
}
