//! ZData's unit tests: arrays (spec §3.10, §7.3, §7.6) here, the other ztypes in `others`.

use bytes::Bytes;

use super::*;
use crate::runtime::error::PathSeg;

/// A minimal canonical MessagePack writer for the values these tests build (str, bin, int, array, map),
/// written from the MessagePack spec so that the spec's worked bytes can be compared exactly.
fn mp(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Int(i) if (0..128).contains(i) => out.push(*i as u8),
        Value::Str(s) if s.len() < 32 => {
            out.push(0xa0 | s.len() as u8);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Bin(b) if b.len() < 256 => {
            out.extend_from_slice(&[0xc4, b.len() as u8]);
            out.extend_from_slice(b);
        }
        Value::Array(a) if a.len() < 16 => {
            out.push(0x90 | a.len() as u8);
            a.iter().for_each(|x| mp(x, out));
        }
        Value::Map(m) if m.len() < 16 => {
            out.push(0x80 | m.len() as u8);
            for (k, x) in m.iter() {
                mp(&Value::Str(k.into()), out);
                mp(x, out);
            }
        }
        other => panic!("test writer does not handle {other:?}"),
    }
}

fn bytes_of(m: &Map) -> Vec<u8> {
    let mut out = Vec::new();
    mp(&Value::Map(m.clone()), &mut out);
    out
}

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|h| u8::from_str_radix(h, 16).unwrap())
        .collect()
}

fn map(entries: Vec<(&str, Value)>) -> Map {
    entries.into_iter().collect()
}

fn bin(b: &[u8]) -> Value {
    Value::Bin(Bytes::copy_from_slice(b))
}

fn ints(v: &[i128]) -> Value {
    Value::Array(v.iter().map(|&i| Value::Int(i)).collect())
}

fn decode(m: Map) -> Result<ZData> {
    ZData::from_map(m, &DecodeOptions::default())
}

fn err(m: Map) -> (ErrorKind, String) {
    let e = decode(m).unwrap_err();
    (e.kind(), e.path_string())
}

fn ndarray_map(b: Value, dtype: Value, shape: Value) -> Map {
    map(vec![
        ("ztype", "numpy.ndarray".into()),
        ("b", b),
        ("dtype", dtype),
        ("shape", shape),
    ])
}

const F32_123: [u8; 12] = [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40];

const SPEC_3_10: &str = "84 a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79 a1 62 c4 0c 00 00 80 3f \
    00 00 00 40 00 00 40 40 a5 64 74 79 70 65 a7 66 6c 6f 61 74 33 32 a5 73 68 61 70 65 91 03";

#[test]
fn spec_3_10_ndarray_float32() {
    let source = Bytes::copy_from_slice(&F32_123);
    let z = decode(ndarray_map(Value::Bin(source.clone()), "float32".into(), ints(&[3]))).unwrap();
    let a = z.as_array().unwrap();
    assert_eq!(
        (a.dtype(), a.shape(), a.kind()),
        (Dtype::Float32, &[3u64][..], ArrayKind::Numpy)
    );
    assert_eq!(a.to_vec::<f32>().unwrap(), [1.0, 2.0, 3.0]);
    // Zero-copy: the array's bytes are the bin's bytes, and so is the re-encoded b.
    assert_eq!(a.bytes().as_ptr(), source.as_ptr());
    let out = z.to_map();
    assert_eq!(
        out.get("b").and_then(Value::as_bytes).unwrap().as_ptr(),
        source.as_ptr()
    );
    assert_eq!(bytes_of(&out), hex(SPEC_3_10));
    assert_eq!(bytes_of(&out).len(), 59);
    assert_eq!(z.ztype(), "numpy.ndarray");
}

#[test]
fn spec_7_3_big_endian_is_swapped() {
    let be = map(vec![
        ("ztype", "numpy.ndarray".into()),
        ("b", bin(&[0x3f, 0x80, 0, 0, 0x40, 0, 0, 0])),
        ("dtype", ">f4".into()),
        ("shape", ints(&[2])),
    ]);
    let source_bytes = bytes_of(&be);
    assert_eq!(
        source_bytes,
        hex(
            "84 a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79 a1 62 c4 08 3f 80 00 00 40 00 00 00 \
             a5 64 74 79 70 65 a3 3e 66 34 a5 73 68 61 70 65 91 02"
        )
    );
    let z = decode(be).unwrap();
    let le = decode(ndarray_map(
        bin(&[0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]),
        "float32".into(),
        ints(&[2]),
    ))
    .unwrap();
    assert_eq!(z, le);
    assert_eq!(
        bytes_of(&z.to_map()),
        hex(
            "84 a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79 a1 62 c4 08 00 00 80 3f 00 00 00 40 \
             a5 64 74 79 70 65 a7 66 6c 6f 61 74 33 32 a5 73 68 61 70 65 91 02"
        )
    );
}

#[test]
fn big_endian_complex_swaps_each_half() {
    // complex64 (1+2j) big-endian: 3f800000 40000000.
    let z = decode(ndarray_map(
        bin(&[0x3f, 0x80, 0, 0, 0x40, 0, 0, 0]),
        ">c8".into(),
        ints(&[]),
    ))
    .unwrap();
    let a = z.as_array().unwrap();
    assert_eq!(
        a.to_vec::<num_complex::Complex<f32>>().unwrap(),
        [num_complex::Complex::new(1.0, 2.0)]
    );
    let z = decode(ndarray_map(bin(&[0x01, 0x02, 0x03, 0x04]), ">u2".into(), ints(&[2]))).unwrap();
    assert_eq!(z.as_array().unwrap().to_vec::<u16>().unwrap(), [0x0102, 0x0304]);
    // 1-byte types: '>' changes nothing, and the bytes are still shared.
    let src = Bytes::from_static(&[1, 2]);
    let z = decode(ndarray_map(Value::Bin(src.clone()), ">u1".into(), ints(&[2]))).unwrap();
    assert_eq!(z.as_array().unwrap().bytes().as_ptr(), src.as_ptr());
    // A big-endian payload of the wrong length is a mismatch, checked before swapping.
    assert_eq!(
        err(ndarray_map(bin(&[0; 6]), ">f4".into(), ints(&[2]))),
        (ErrorKind::ShapeMismatch, "b".into())
    );
}

#[test]
fn spec_7_6_vrpc_ts_float32array() {
    let m = map(vec![
        ("ztype", "Float32Array".into()),
        ("b", bin(&F32_123)),
        ("length", Value::Int(3)),
    ]);
    let z = decode(m).unwrap();
    let numpy = decode(ndarray_map(bin(&F32_123), "float32".into(), ints(&[3]))).unwrap();
    assert_eq!(z, numpy);
    assert_eq!(bytes_of(&z.to_map()), hex(SPEC_3_10));
    let m = map(vec![
        ("ztype", "Uint16Array".into()),
        ("b", bin(&[0; 3])),
        ("length", Value::Int(1)),
    ]);
    assert_eq!(err(m), (ErrorKind::ShapeMismatch, "b".into()));
    let m = map(vec![("ztype", "Float32Array".into()), ("b", bin(&F32_123))]);
    assert_eq!(err(m), (ErrorKind::MissingField, "length".into()));
    for bad in [
        Value::Int(-1),
        Value::F64(1.0),
        Value::Str("1".into()),
        Value::Int(1 << 64),
    ] {
        let m = map(vec![
            ("ztype", "Int32Array".into()),
            ("b", bin(&[0; 4])),
            ("length", bad),
        ]);
        assert_eq!(err(m), (ErrorKind::InvalidShape, "length".into()));
    }
    let m = map(vec![
        ("ztype", "Float32Array".into()),
        ("b", bin(&F32_123)),
        ("length", Value::Int(3)),
        ("byteOffset", Value::Int(0)),
    ]);
    assert_eq!(err(m), (ErrorKind::InvalidValue, "byteOffset".into()));
    for (z, d) in [
        ("Int8Array", Dtype::Int8),
        ("Uint8Array", Dtype::Uint8),
        ("Int16Array", Dtype::Int16),
        ("Uint16Array", Dtype::Uint16),
        ("Int32Array", Dtype::Int32),
        ("Uint32Array", Dtype::Uint32),
        ("Float64Array", Dtype::Float64),
    ] {
        let m = map(vec![
            ("ztype", z.into()),
            ("b", bin(&vec![0; d.itemsize() * 2])),
            ("length", Value::Int(2)),
        ]);
        let a = decode(m).unwrap();
        assert_eq!(
            (a.as_array().unwrap().dtype(), a.as_array().unwrap().shape()),
            (d, &[2u64][..])
        );
    }
}

#[test]
fn entries_in_any_order_and_torch_kind() {
    let m = map(vec![
        ("shape", ints(&[2])),
        ("dtype", "int64".into()),
        ("b", bin(&[1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0])),
        ("ztype", "torch.Tensor".into()),
    ]);
    let z = decode(m).unwrap();
    assert_eq!(z.ztype(), "torch.Tensor");
    assert_eq!(z.as_array().unwrap().to_vec::<i64>().unwrap(), [1, 2]);
    assert_eq!(z.to_map().keys().collect::<Vec<_>>(), ["ztype", "b", "dtype", "shape"]);
    assert_eq!(z.to_map().get("ztype"), Some(&Value::Str("torch.Tensor".into())));
}

#[test]
fn explicit_dtype_is_canonicalised() {
    let z = decode(ndarray_map(bin(&[1, 0]), "|b1".into(), ints(&[2]))).unwrap();
    assert_eq!(z.to_map().get("dtype"), Some(&Value::Str("bool".into())));
    let z = decode(ndarray_map(bin(&[0; 4]), "<i4".into(), ints(&[1, 1]))).unwrap();
    assert_eq!(z.to_map().get("dtype"), Some(&Value::Str("int32".into())));
}

#[test]
fn array_errors_and_paths() {
    let f = |b: Value, d: Value, s: Value| err(ndarray_map(b, d, s));
    let ok_b = || bin(&F32_123);
    assert_eq!(
        f(ok_b(), "object".into(), ints(&[3])),
        (ErrorKind::UnsupportedDtype, "dtype".into())
    );
    assert_eq!(
        f(ok_b(), "torch.float32".into(), ints(&[3])),
        (ErrorKind::UnsupportedDtype, "dtype".into())
    );
    assert_eq!(
        f(ok_b(), Value::Int(11), ints(&[3])),
        (ErrorKind::WrongType, "dtype".into())
    );
    assert_eq!(
        f("AACAPw==".into(), "float32".into(), ints(&[3])),
        (ErrorKind::WrongType, "b".into())
    );
    assert_eq!(
        f(ints(&[0, 0, 128, 63]), "float32".into(), ints(&[1])),
        (ErrorKind::WrongType, "b".into())
    );
    assert_eq!(
        f(ok_b(), "float32".into(), "2,3".into()),
        (ErrorKind::WrongType, "shape".into())
    );
    assert_eq!(
        f(ok_b(), "float32".into(), Value::Int(3)),
        (ErrorKind::WrongType, "shape".into())
    );
    assert_eq!(
        f(ok_b(), "float32".into(), ints(&[-3])),
        (ErrorKind::InvalidShape, "shape[0]".into())
    );
    assert_eq!(
        f(ok_b(), "float32".into(), ints(&[3, -1])),
        (ErrorKind::InvalidShape, "shape[1]".into())
    );
    let float_dim = Value::Array(vec![Value::F64(3.0)]);
    assert_eq!(
        f(ok_b(), "float32".into(), float_dim),
        (ErrorKind::InvalidShape, "shape[0]".into())
    );
    let nested = Value::Array(vec![Value::Int(1), ints(&[3])]);
    assert_eq!(
        f(ok_b(), "float32".into(), nested),
        (ErrorKind::InvalidShape, "shape[1]".into())
    );
    assert_eq!(
        f(bin(&[]), "float32".into(), ints(&[1 << 32, 1 << 32])),
        (ErrorKind::InvalidShape, "shape".into())
    );
    assert_eq!(
        f(bin(&[]), "float32".into(), ints(&[1 << 63, 4])),
        (ErrorKind::InvalidShape, "shape".into())
    );
    assert_eq!(
        f(bin(&[7]), "uint8".into(), ints(&[1; 65])),
        (ErrorKind::InvalidShape, "shape".into())
    );
    // A zero dimension: the product is 0, however large the others.
    assert!(decode(ndarray_map(bin(&[]), "uint8".into(), ints(&[0, (1 << 64) - 1]))).is_ok());
    assert_eq!(
        f(bin(&[0; 8]), "float32".into(), ints(&[3])),
        (ErrorKind::ShapeMismatch, "b".into())
    );
    assert_eq!(
        f(bin(&[0; 12]), "float32".into(), ints(&[2])),
        (ErrorKind::ShapeMismatch, "b".into())
    );
    assert_eq!(
        f(bin(&[]), "float64".into(), ints(&[])),
        (ErrorKind::ShapeMismatch, "b".into())
    );
    assert_eq!(
        f(bin(&[1]), "float64".into(), ints(&[0])),
        (ErrorKind::ShapeMismatch, "b".into())
    );
    assert_eq!(
        f(bin(&[0; 8]), "complex128".into(), ints(&[1])),
        (ErrorKind::ShapeMismatch, "b".into())
    );
    assert_eq!(
        f(bin(&[1, 2]), "bool".into(), ints(&[2])),
        (ErrorKind::InvalidValue, "b".into())
    );
    assert_eq!(
        f(bin(&[0xff]), "bool".into(), ints(&[1])),
        (ErrorKind::InvalidValue, "b".into())
    );
    // Missing entries.
    let mut m = ndarray_map(ok_b(), "float32".into(), ints(&[3]));
    m.remove("shape");
    assert_eq!(err(m.clone()), (ErrorKind::MissingField, "shape".into()));
    m.remove("dtype");
    assert_eq!(err(m.clone()), (ErrorKind::MissingField, "dtype".into()));
    m.remove("b");
    assert_eq!(err(m), (ErrorKind::MissingField, "b".into()));
    // Closed: an extra entry is InvalidValue at it (before anything else is looked at).
    let mut m = ndarray_map(bin(&[]), Value::Nil, Value::Nil);
    m.insert("order", "C");
    assert_eq!(err(m), (ErrorKind::InvalidValue, "order".into()));
    let e = decode(ndarray_map(bin(&[]), "float32".into(), ints(&[-1]))).unwrap_err();
    assert_eq!(e.path(), [PathSeg::Key("shape".into()), PathSeg::Index(0)]);
}

mod others;
