//! Images, safetensors, opaque and custom ztypes, conversions, and random maps.

use super::*;

#[test]
fn images_sniff_and_keep_bytes() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let src = Bytes::copy_from_slice(png);
    let z = decode(map(vec![("ztype", "image".into()), ("b", Value::Bin(src.clone()))])).unwrap();
    let img = z.as_image().unwrap();
    assert_eq!(
        (img.format.clone(), img.data.as_ptr()),
        (ImageFormat::Png, src.as_ptr())
    );
    assert_eq!(z.to_map().keys().collect::<Vec<_>>(), ["ztype", "b"]);
    let jpeg = decode(map(vec![
        ("ztype", "image".into()),
        ("b", bin(&[0xff, 0xd8, 0xff, 0xe0])),
    ]))
    .unwrap();
    assert_eq!(jpeg.as_image().unwrap().format, ImageFormat::Jpeg);
    let webp = b"RIFF\x10\0\0\0WEBPVP8 ";
    assert_eq!(ImageFormat::sniff(webp), ImageFormat::Webp);
    assert_eq!(ImageFormat::sniff(b"RIFF\x10\0\0\0WAVE"), ImageFormat::Unknown);
    assert_eq!(ImageFormat::sniff(b"RIFF"), ImageFormat::Unknown);
    assert_eq!(ImageFormat::sniff(b""), ImageFormat::Unknown);
    // The format entry counts only when the bytes say nothing; it is kept (vrpc-rs relays).
    let m = map(vec![
        ("ztype", "image".into()),
        ("b", bin(b"GIF89a")),
        ("format", "webp".into()),
    ]);
    let z = decode(m).unwrap();
    assert_eq!(z.as_image().unwrap().format, ImageFormat::Webp);
    assert_eq!(z.to_map().get("format"), Some(&Value::Str("webp".into())));
    let m = map(vec![
        ("ztype", "image".into()),
        ("b", Value::Bin(src.clone())),
        ("format", "jpeg".into()),
    ]);
    assert_eq!(decode(m).unwrap().as_image().unwrap().format, ImageFormat::Png);
    let m = map(vec![
        ("ztype", "image".into()),
        ("b", bin(b"x")),
        ("format", Value::Int(1)),
    ]);
    assert_eq!(err(m), (ErrorKind::WrongType, "format".into()));
    let m = map(vec![("ztype", "image".into()), ("b", "data:image/png;base64,".into())]);
    assert_eq!(err(m), (ErrorKind::WrongType, "b".into()));
    assert_eq!(
        err(map(vec![("ztype", "image".into())])),
        (ErrorKind::MissingField, "b".into())
    );
    let m = map(vec![
        ("ztype", "image".into()),
        ("b", bin(b"x")),
        ("width", Value::Int(1)),
    ]);
    assert_eq!(err(m), (ErrorKind::InvalidValue, "width".into()));
    assert_eq!(Image::new(src.clone()).format_entry, None);
}

#[test]
fn safetensors_in_zdata() {
    let a = NdArray::from_slice(&[1.0f32, 2.0], vec![2]).unwrap();
    let st = Safetensors::build(vec![("a".into(), a.clone())]).unwrap();
    let file = st.bytes().clone();
    let z = decode(map(vec![
        ("ztype", "safetensor.dict".into()),
        ("b", Value::Bin(file.clone())),
    ]))
    .unwrap();
    assert_eq!(z.as_safetensors().unwrap().get("a"), Some(&a));
    let out = z.to_map();
    assert_eq!(out.keys().collect::<Vec<_>>(), ["ztype", "b"]);
    assert_eq!(out.get("b").and_then(Value::as_bytes).unwrap().as_ptr(), file.as_ptr());
    let m = map(vec![("ztype", "safetensor.dict".into()), ("b", bin(&[1, 2, 3, 4]))]);
    assert_eq!(err(m), (ErrorKind::InvalidValue, "b".into()));
    let mut bad = 30u64.to_le_bytes().to_vec();
    bad.extend_from_slice(br#"{"a":{"dtype":"F8_E5M2","shape":[1],"data_offsets":[0,1]}}"#);
    let bad = {
        let mut f = (bad.len() as u64 - 8).to_le_bytes().to_vec();
        f.extend_from_slice(&bad[8..]);
        f.push(0);
        f
    };
    let m = map(vec![("ztype", "safetensor.dict".into()), ("b", bin(&bad))]);
    assert_eq!(err(m), (ErrorKind::UnsupportedDtype, "b".into()));
    assert_eq!(
        err(map(vec![("ztype", "safetensor.dict".into())])),
        (ErrorKind::MissingField, "b".into())
    );
}

#[derive(Debug)]
struct Point {
    x: i128,
}

impl CustomZData for Point {
    fn ztype(&self) -> &str {
        "demo.v1.Point"
    }
    fn fields(&self) -> Map {
        map(vec![("x", Value::Int(self.x))])
    }
}

#[test]
fn opaque_strict_and_custom() {
    let sphere = map(vec![
        ("ztype", "sphere".into()),
        ("data", Value::Map(map(vec![("r", Value::F64(1.0))]))),
    ]);
    let z = decode(sphere.clone()).unwrap();
    assert_eq!(z.as_opaque(), Some(&sphere));
    assert_eq!(z.to_map(), sphere);
    assert_eq!(z.ztype(), "sphere");
    let e = ZData::from_map(sphere, &DecodeOptions::strict()).unwrap_err();
    assert_eq!((e.kind(), e.path_string()), (ErrorKind::UnknownZType, "ztype".into()));

    let mut registry = Registry::new();
    registry
        .register("demo.v1.Point", |m: &Map| match m.get("x") {
            Some(Value::Int(x)) => Ok(Arc::new(Point { x: *x }) as Arc<dyn CustomZData>),
            _ => Err(Error::new(ErrorKind::MissingField, "x").in_key("x")),
        })
        .unwrap();
    let options = DecodeOptions {
        strict_ztype: true,
        registry: Some(Arc::new(registry)),
    };
    let m = map(vec![("x", Value::Int(4)), ("ztype", "demo.v1.Point".into())]);
    let z = ZData::from_map(m, &options).unwrap();
    assert_eq!(z.ztype(), "demo.v1.Point");
    assert_eq!(
        z.to_map(),
        map(vec![("ztype", "demo.v1.Point".into()), ("x", Value::Int(4))])
    );
    assert_eq!(z.as_custom().unwrap().fields().get("x"), Some(&Value::Int(4)));
    let e = ZData::from_map(map(vec![("ztype", "demo.v1.Point".into())]), &options).unwrap_err();
    assert_eq!((e.kind(), e.path_string()), (ErrorKind::MissingField, "x".into()));
    // Known ztypes never reach the registry, strict or not.
    let m = ndarray_map(bin(&[5]), "uint8".into(), ints(&[1]));
    assert!(ZData::from_map(m, &options).unwrap().as_array().is_some());

    let o = ZData::opaque("mylib.Thing", map(vec![("ztype", "ignored".into()), ("a", Value::Nil)]));
    assert_eq!(o.to_map().keys().collect::<Vec<_>>(), ["ztype", "a"]);
    assert_eq!(o.ztype(), "mylib.Thing");
}

#[test]
fn conversions() {
    let a = NdArray::from_vec(vec![1u8, 2], vec![2]).unwrap();
    let z: ZData = a.clone().into();
    assert_eq!(z.as_array(), Some(&a));
    let v: Value = a.into();
    assert!(matches!(v, Value::ZData(_)));
    assert!(is_known_ztype("Float64Array") && is_known_ztype("image") && !is_known_ztype("sphere"));
}

/// A tiny deterministic generator (xorshift) for the fuzz test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

fn random_value(rng: &mut Rng, depth: u32) -> Value {
    match rng.next() % if depth > 2 { 7 } else { 9 } {
        0 => Value::Nil,
        1 => Value::Int(*rng.pick(&[0, 1, 2, 3, 4, 8, 12, -1, 1 << 32, 1 << 63, (1 << 64) - 1, 1 << 64])),
        2 => Value::F64(*rng.pick(&[0.0, 1.0, 2.5, -1.0])),
        3 => Value::from(*rng.pick(&[
            "float32",
            ">f4",
            "|u1",
            "bool",
            ">c16",
            "x",
            "",
            "<f8",
            "complex64",
            "png",
            "BF16",
        ])),
        4 | 5 => {
            let n = (rng.next() % 40) as usize;
            let b: Vec<u8> = (0..n).map(|_| (rng.next() % 3) as u8).collect();
            Value::Bin(Bytes::from(b))
        }
        6 => Value::Bool(rng.next().is_multiple_of(2)),
        7 => Value::Array((0..rng.next() % 4).map(|_| random_value(rng, depth + 1)).collect()),
        _ => Value::Map(map(vec![("k", random_value(rng, depth + 1))])),
    }
}

#[test]
fn random_maps_never_panic() {
    let ztypes = [
        "numpy.ndarray",
        "torch.Tensor",
        "image",
        "safetensor.dict",
        "Float32Array",
        "Uint8Array",
        "Int16Array",
        "Float64Array",
        "sphere",
        "demo.v1.Point",
    ];
    let keys = ["b", "dtype", "shape", "length", "format", "extra"];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut ok = 0;
    for _ in 0..20_000 {
        let mut m = Map::new();
        m.insert("ztype", *rng.pick(&ztypes));
        for key in keys {
            if !rng.next().is_multiple_of(4) {
                let v = if key == "shape" && rng.next().is_multiple_of(2) {
                    ints(
                        &(0..rng.next() % 3)
                            .map(|_| (rng.next() % 5) as i128)
                            .collect::<Vec<_>>(),
                    )
                } else {
                    random_value(&mut rng, 0)
                };
                m.insert(key, v);
            }
        }
        let strict = rng.next().is_multiple_of(2);
        let options = DecodeOptions {
            strict_ztype: strict,
            registry: None,
        };
        if let Ok(z) = ZData::from_map(m, &options) {
            ok += 1;
            // Whatever decodes re-encodes to a map that decodes to the same value.
            let again = ZData::from_map(z.to_map(), &options).unwrap();
            assert_eq!(again, z);
        }
    }
    assert!(ok > 0);
}
