//! The safetensors reader's and writer's unit tests (spec §7.5).

use super::*;

/// A file from its header text and data bytes (header padded by the caller as needed).
fn file(header: &str, data: &[u8]) -> Bytes {
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    Bytes::from(out)
}

fn kind_of(header: &str, data: &[u8]) -> ErrorKind {
    Safetensors::parse(file(header, data)).unwrap_err().kind()
}

#[test]
fn parses_views_in_offset_order() {
    let header = r#"{"b":{"dtype":"U8","shape":[2],"data_offsets":[8,10]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"format":"pt"}}"#;
    let data = [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 7, 9];
    let bytes = file(header, &data);
    let st = Safetensors::parse(bytes.clone()).unwrap();
    let names: Vec<&str> = st.tensors().iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    let a = st.get("a").unwrap();
    assert_eq!(a.to_vec::<f32>().unwrap(), [1.0, 2.0]);
    assert_eq!(st.get("b").unwrap().bytes().as_ref(), [7, 9]);
    // Zero-copy: the tensor is a slice of the file.
    assert_eq!(a.bytes().as_ptr(), bytes[8 + header.len()..].as_ptr());
    assert_eq!(st.bytes(), &bytes);
    assert_eq!(st.metadata(), Some(&[("format".to_owned(), "pt".to_owned())][..]));
    // Metadata keeps its order and is checked before the tensors.
    let header = r#"{"a":{"dtype":"X","shape":[],"data_offsets":[0,0]},"__metadata__":{"z":"1","a":"2"}}"#;
    assert_eq!(kind_of(header, &[]), ErrorKind::UnsupportedDtype);
    let header = r#"{"a":{"dtype":"X","shape":[],"data_offsets":[0,0]},"__metadata__":{"z":"1","a":2}}"#;
    assert_eq!(kind_of(header, &[]), ErrorKind::InvalidValue);
    let st = Safetensors::parse(file(r#"{"__metadata__":{"z":"1","a":"2"}}"#, &[])).unwrap();
    assert_eq!(
        st.metadata()
            .unwrap()
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>(),
        ["z", "a"]
    );
    assert_eq!(
        Safetensors::parse(file(r#"{"__metadata__":null}"#, &[]))
            .unwrap()
            .metadata(),
        None
    );
}

#[test]
fn empty_file_and_zero_length_tensors() {
    assert!(Safetensors::parse(file("{}", &[])).unwrap().tensors().is_empty());
    let header = r#"{"z":{"dtype":"F64","shape":[0,3],"data_offsets":[0,0]},"y":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}}"#;
    let st = Safetensors::parse(file(header, &[5])).unwrap();
    let names: Vec<&str> = st.tensors().iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["z", "y"]);
}

#[test]
fn rules_1_2_5_are_invalid_value() {
    // Rule 1: too short, header length beyond the file (2^32 and 2^64-1).
    assert_eq!(
        Safetensors::parse(Bytes::from_static(&[1, 0, 0, 0]))
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidValue
    );
    let mut big = vec![0, 0, 0, 0, 1, 0, 0, 0];
    big.extend_from_slice(&[0x20; 16]);
    assert_eq!(
        Safetensors::parse(Bytes::from(big)).unwrap_err().kind(),
        ErrorKind::InvalidValue
    );
    let mut max = vec![0xff; 8];
    max.extend_from_slice(b"{}");
    assert_eq!(
        Safetensors::parse(Bytes::from(max)).unwrap_err().kind(),
        ErrorKind::InvalidValue
    );
    // Rule 2: not UTF-8, not JSON, not an object, entries malformed, metadata not strings.
    assert_eq!(kind_of("\u{0}", &[]), ErrorKind::InvalidValue);
    let mut bad_utf8 = 2u64.to_le_bytes().to_vec();
    bad_utf8.extend_from_slice(&[0xff, 0xfe]);
    assert_eq!(
        Safetensors::parse(Bytes::from(bad_utf8)).unwrap_err().kind(),
        ErrorKind::InvalidValue
    );
    assert_eq!(kind_of("not json", &[]), ErrorKind::InvalidValue);
    assert_eq!(kind_of("[]", &[]), ErrorKind::InvalidValue);
    assert_eq!(kind_of(r#"{"a":3}"#, &[]), ErrorKind::InvalidValue);
    assert_eq!(kind_of(r#"{"__metadata__":{"n":1}}"#, &[]), ErrorKind::InvalidValue);
    assert_eq!(kind_of(r#"{"__metadata__":[]}"#, &[]), ErrorKind::InvalidValue);
    assert_eq!(kind_of(r#"{"__metadata__":"x"}"#, &[]), ErrorKind::InvalidValue);
    assert_eq!(
        kind_of(r#"{"__metadata__":{"a":{"b":"c"}}}"#, &[]),
        ErrorKind::InvalidValue
    );
    assert_eq!(
        kind_of(r#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0]}}"#, &[1]),
        ErrorKind::InvalidValue
    );
    assert_eq!(
        kind_of(r#"{"a":{"dtype":"U8","shape":[1]}}"#, &[1]),
        ErrorKind::InvalidValue
    );
    assert_eq!(
        kind_of(r#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,0]}}"#, &[1]),
        ErrorKind::InvalidValue
    );
    // Rule 5: beyond the data, gap, overlap, uncovered tail.
    assert_eq!(
        kind_of(r#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, &[0; 8]),
        ErrorKind::InvalidValue
    );
    assert_eq!(
        kind_of(r#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#, &[0; 2]),
        ErrorKind::InvalidValue
    );
    let overlap =
        r#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}"#;
    assert_eq!(kind_of(overlap, &[0; 3]), ErrorKind::InvalidValue);
    assert_eq!(
        kind_of(r#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, &[0; 2]),
        ErrorKind::InvalidValue
    );
}

#[test]
fn rules_3_4() {
    assert_eq!(
        kind_of(r#"{"a":{"dtype":"F8_E5M2","shape":[1],"data_offsets":[0,1]}}"#, &[0]),
        ErrorKind::UnsupportedDtype
    );
    assert_eq!(
        kind_of(r#"{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}"#, &[0; 16]),
        ErrorKind::UnsupportedDtype
    );
    assert_eq!(
        kind_of(r#"{"a":{"dtype":3,"shape":[1],"data_offsets":[0,1]}}"#, &[0]),
        ErrorKind::UnsupportedDtype
    );
    assert_eq!(
        kind_of(r#"{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}"#, &[0]),
        ErrorKind::InvalidShape
    );
    assert_eq!(
        kind_of(r#"{"a":{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}}"#, &[0]),
        ErrorKind::InvalidShape
    );
    assert_eq!(
        kind_of(r#"{"a":{"dtype":"U8","shape":"1","data_offsets":[0,1]}}"#, &[0]),
        ErrorKind::InvalidShape
    );
    let wide = r#"{"a":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,1]}}"#;
    assert_eq!(kind_of(wide, &[0]), ErrorKind::InvalidShape);
    assert_eq!(
        kind_of(r#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, &[0; 8]),
        ErrorKind::ShapeMismatch
    );
    assert_eq!(
        kind_of(r#"{"a":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]}}"#, &[2]),
        ErrorKind::InvalidValue
    );
}

#[test]
fn build_round_trips() {
    let a = NdArray::from_slice(&[1.0f32, 2.0, 3.0], vec![3]).unwrap();
    let b = NdArray::from_slice(&[7i64], vec![1, 1]).unwrap();
    let e = NdArray::from_slice::<u16>(&[], vec![0]).unwrap();
    let st = Safetensors::build(vec![
        ("w".into(), a.clone()),
        ("é\"x".into(), b.clone()),
        ("e".into(), e),
    ])
    .unwrap();
    let header_len = u64::from_le_bytes(st.bytes()[..8].try_into().unwrap()) as usize;
    assert_eq!(header_len % 8, 0);
    let header = std::str::from_utf8(&st.bytes()[8..8 + header_len]).unwrap();
    assert!(header.starts_with(r#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"é\"x":{"dtype":"I64","shape":[1,1],"data_offsets":[12,20]},"e":{"dtype":"U16","shape":[0],"data_offsets":[20,20]}}"#), "{header}");
    assert_eq!(header.trim_end(), header.trim_end_matches(' '));
    let again = Safetensors::parse(st.bytes().clone()).unwrap();
    assert_eq!(again, st);
    assert_eq!(again.get("w"), Some(&a));
    assert_eq!(again.get("é\"x"), Some(&b));
    assert_eq!(again.tensors().len(), 3);
    let with_meta =
        Safetensors::build_with_metadata(vec![("w".into(), a.clone())], Some(vec![("k".into(), "v".into())])).unwrap();
    assert_eq!(with_meta.metadata(), Some(&[("k".to_owned(), "v".to_owned())][..]));
    let c = NdArray::from_slice(&[num_complex::Complex::new(1.0f32, 0.0)], vec![1]).unwrap();
    let err = Safetensors::build(vec![("c".into(), c)]).unwrap_err();
    assert_eq!(
        (err.kind(), err.path_string()),
        (ErrorKind::UnsupportedDtype, "c".to_owned())
    );
    let err = Safetensors::build(vec![("w".into(), a.clone()), ("w".into(), a)]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidValue);
}

#[test]
fn mutated_files_never_panic() {
    let a = NdArray::from_slice(&[1.0f32, 2.0], vec![2]).unwrap();
    let b = NdArray::from_slice(&[1u8, 0, 1], vec![3]).unwrap();
    let good = Safetensors::build(vec![("a".into(), a), ("bb".into(), b)])
        .unwrap()
        .bytes()
        .to_vec();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut ok, mut failed) = (0, 0);
    for _ in 0..20_000 {
        let mut f = good.clone();
        for _ in 0..1 + next() % 3 {
            if f.is_empty() {
                break;
            }
            let i = (next() % f.len() as u64) as usize;
            match next() % 3 {
                0 => f[i] = (next() % 256) as u8,
                1 => f[i] = b"0123456789[]{},:\" -"[(next() % 18) as usize],
                _ => f.truncate(i),
            }
        }
        match Safetensors::parse(Bytes::from(f)) {
            Ok(st) => {
                ok += 1;
                let covered: usize = st.tensors().iter().map(|(_, t)| t.bytes().len()).sum();
                assert!(covered <= st.bytes().len());
            }
            Err(e) => {
                failed += 1;
                assert!(e.path().is_empty());
            }
        }
    }
    assert!(ok > 0 && failed > 0, "{ok} {failed}");
}
