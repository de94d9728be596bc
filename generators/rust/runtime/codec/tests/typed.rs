//! Typed values, `Fields` and `MapBuilder`, and the `FromValue`/`ToValue` conversions.

use super::*;

// -- typed values ----------------------------------------------------------------------------------------

/// What the generated code for `Sample` looks like.
#[derive(Debug, PartialEq)]
struct Sample {
    n: u8,
    x: f64,
    name: Option<String>,
    opt: Option<Option<f64>>,
    any: Option<Value>,
    f: Option<f32>,
}

impl FromValue for Sample {
    fn from_value(value: Value) -> Result<Self> {
        let mut fields = Fields::new(value)?;
        let sample = Sample {
            n: fields.required("n")?,
            x: fields.required("x")?,
            name: fields.optional("name")?,
            opt: fields.optional("opt")?,
            any: fields.optional("any")?,
            f: fields.optional("f")?,
        };
        fields.finish()?;
        Ok(sample)
    }
}

impl ToValue for Sample {
    fn to_value(&self) -> Value {
        let mut map = MapBuilder::with_capacity(6);
        map.field("n", &self.n)
            .field("x", &self.x)
            .optional("name", &self.name)
            .optional("opt", &self.opt)
            .optional("any", &self.any)
            .optional("f", &self.f);
        map.build()
    }
}

impl Encode for Sample {
    fn encode(&self, _ty: Type, w: &mut Writer<'_>) -> Fast<()> {
        let f = record_of(&SAMPLE).fields;
        let present = [
            self.name.is_some(),
            self.opt.is_some(),
            self.any.is_some(),
            self.f.is_some(),
        ];
        w.record(2 + present.iter().filter(|&&p| p).count())?;
        w.field("n", &self.n, f[0].ty)?;
        w.field("x", &self.x, f[1].ty)?;
        if let Some(v) = &self.name {
            w.field("name", v, f[2].ty)?;
        }
        if let Some(v) = &self.opt {
            w.field("opt", v, f[3].ty)?;
        }
        if let Some(v) = &self.any {
            w.field("any", v, f[4].ty)?;
        }
        if let Some(v) = &self.f {
            w.field("f", v, f[5].ty)?;
        }
        w.end();
        Ok(())
    }
}

impl Decode for Sample {
    fn decode(r: &mut Cursor<'_>, _ty: Type) -> Fast<Self> {
        let f = record_of(&SAMPLE).fields;
        let (mut n, mut x, mut name, mut opt, mut any, mut f32_) = (None, None, None, None, None, None);
        for _ in 0..r.map()? {
            match r.str()? {
                "n" => r.field(&mut n, f[0].ty)?,
                "x" => r.field(&mut x, f[1].ty)?,
                "name" => r.field(&mut name, f[2].ty)?,
                "opt" => r.field(&mut opt, f[3].ty)?,
                "any" => r.field(&mut any, f[4].ty)?,
                "f" => r.field(&mut f32_, f[5].ty)?,
                _ => return Err(Defect),
            }
        }
        r.end();
        Ok(Sample {
            n: n.ok_or(Defect)?,
            x: x.ok_or(Defect)?,
            name,
            opt,
            any,
            f: f32_,
        })
    }
}

impl Typed for Sample {
    const TYPE: &'static Named = &SAMPLE;
}

#[test]
fn typed_values_decode_and_encode() {
    // {x: 1 (an integer), n: 1 (uint 16), opt: nil}, read as Sample.
    let frame = hex("83 a1 78 01 a1 6e cd 00 01 a3 6f 70 74 c0");
    let s: Sample = decode(frame).expect("decodes");
    assert_eq!(
        s,
        Sample {
            n: 1,
            x: 1.0,
            name: None,
            opt: Some(None),
            any: None,
            f: None
        }
    );
    // Canonical: {n: 1, x: 1.0, opt: nil} in schema order, x as float64.
    let canonical = hex("83 a1 6e 01 a1 78 cb 3f f0 00 00 00 00 00 00 a3 6f 70 74 c0");
    assert_eq!(encode(&s), Ok(canonical.clone()));
    let mut out = vec![0xff];
    assert_eq!(encode_into(&s, &mut out), Ok(()));
    assert_eq!(out[1..], canonical[..]);
    // A value the schema refuses is an error on encode, and leaves `out` as it was.
    let bad = Sample {
        name: Some("long name".into()),
        ..s
    };
    assert_eq!(kind_of(encode_into(&bad, &mut out)), (InvalidValue, "name".into()));
    assert_eq!(out.len(), 1 + canonical.len());
    let strict = DecodeOptions::strict();
    let frame = hex("82 a1 6e 00 a1 78 ca 3f c0 00 00");
    assert_eq!(decode_with::<Sample>(frame, &strict).map(|s| s.x), Ok(1.5));
    assert_eq!(
        kind_of(decode::<Sample>(hex("81 a1 6e 00"))),
        (MissingField, "x".into())
    );
}

#[test]
fn free_form_values_encode_canonically() {
    let v = map(vec![("b", Value::Int(1)), ("a", Value::F32(1.5))]);
    assert_eq!(encode_value(&v), Ok(hex("82 a1 62 01 a1 61 ca 3f c0 00 00")));
    assert_eq!(decode_value(hex("82 a1 62 01 a1 61 ca 3f c0 00 00")), Ok(v));
    let z = map(vec![("ztype", Value::Str("x.Y".into())), ("n", Value::Int(1))]);
    assert_eq!(encode_value(&z), Ok(hex("82 a5 7a 74 79 70 65 a3 78 2e 59 a1 6e 01")));
    assert_eq!(
        kind_of(encode_value(&Value::Int(INT_MAX + 1))),
        (IntegerOutOfRange, "(root)".into())
    );
}

// -- Fields and MapBuilder -------------------------------------------------------------------------------

#[test]
fn fields_take_entries_in_any_order() {
    let v = map(vec![
        ("a", Value::Int(1)),
        ("b", Value::Str("x".into())),
        ("c", Value::Nil),
        ("d", Value::F64(1.0)),
    ]);
    let mut fields = Fields::new(v.clone()).expect("a map");
    assert_eq!(fields.required::<String>("b"), Ok("x".to_owned()));
    assert_eq!(fields.required::<u8>("a"), Ok(1));
    assert_eq!(
        fields.optional::<Option<u8>>("c"),
        Ok(Some(None)),
        "nil in a nullable optional field"
    );
    assert_eq!(fields.optional::<u8>("zz"), Ok(None));
    assert_eq!(
        fields.rest(),
        map(vec![("d", Value::F64(1.0))]).as_map().cloned().unwrap_or_default()
    );

    let mut fields = Fields::new(v.clone()).expect("a map");
    assert_eq!(
        kind_of(fields.required::<u8>("missing")),
        (MissingField, "missing".into())
    );
    assert_eq!(kind_of(fields.required::<u8>("b")), (WrongType, "b".into()));
    assert_eq!(kind_of(fields.finish()), (InvalidValue, "a".into()));

    let mut fields = Fields::new(v).expect("a map");
    for key in ["a", "b", "c", "d"] {
        assert!(fields.optional::<Value>(key).ok().flatten().is_some());
    }
    assert_eq!(fields.finish(), Ok(()));
    assert_eq!(kind_of(Fields::new(Value::Nil)), (WrongType, "(root)".into()));
}

#[test]
fn map_builder_writes_fields_in_order() {
    let mut extra = Map::new();
    extra.insert("z", 1u8);
    extra.insert("y", "s");
    let mut b = MapBuilder::with_capacity(4);
    b.field("tag", "Box")
        .optional("none", &None::<u8>)
        .optional("some", &Some(2.5f64))
        .field("list", &vec![1u8, 2]);
    b.extra(&extra);
    let expected = map(vec![
        ("tag", Value::Str("Box".into())),
        ("some", Value::F64(2.5)),
        ("list", Value::Array(vec![Value::Int(1), Value::Int(2)])),
        ("z", Value::Int(1)),
        ("y", Value::Str("s".into())),
    ]);
    assert_eq!(b.build(), expected);
    // An extra entry named like a field set before replaces its value in place.
    let mut clash = Map::new();
    clash.insert("w", 0u8);
    clash.insert("tag", "Sphere");
    let mut b = MapBuilder::default();
    b.field("tag", "Box").extra(&clash);
    assert_eq!(
        b.build(),
        map(vec![("tag", Value::Str("Sphere".into())), ("w", Value::Int(0))])
    );
}

// -- FromValue / ToValue ---------------------------------------------------------------------------------

#[test]
fn conversions_check_kinds_and_ranges() {
    assert_eq!(u8::from_value(Value::Int(255)), Ok(255));
    assert_eq!(
        kind_of(u8::from_value(Value::Int(256))),
        (IntegerOutOfRange, "(root)".into())
    );
    assert_eq!(
        kind_of(i8::from_value(Value::Int(-129))),
        (IntegerOutOfRange, "(root)".into())
    );
    assert_eq!(u64::from_value(Value::Int(u64::MAX as i128)), Ok(u64::MAX));
    assert_eq!(i64::from_value(Value::Int(i64::MIN as i128)), Ok(i64::MIN));
    assert_eq!(kind_of(i32::from_value(Value::F64(1.0))), (WrongType, "(root)".into()));
    assert_eq!(f64::from_value(Value::F32(1.5)), Ok(1.5));
    assert_eq!(
        kind_of(f32::from_value(Value::F64(0.1))),
        (InvalidValue, "(root)".into())
    );
    assert_eq!(bool::from_value(Value::Bool(true)), Ok(true));
    assert_eq!(<()>::from_value(Value::Nil), Ok(()));
    assert_eq!(kind_of(<()>::from_value(Value::Int(0))), (WrongType, "(root)".into()));
    assert_eq!(
        Bytes::from_value(Value::Bin(Bytes::from_static(b"ab"))),
        Ok(Bytes::from_static(b"ab"))
    );
    assert_eq!(
        kind_of(String::from_value(Value::Bin(Bytes::new()))),
        (WrongType, "(root)".into())
    );
    let list = Value::Array(vec![Value::Int(1), Value::Str("x".into())]);
    assert_eq!(kind_of(Vec::<u8>::from_value(list)), (WrongType, "[1]".into()));
    assert_eq!(Option::<u8>::from_value(Value::Nil), Ok(None));
    assert_eq!(Box::<u8>::from_value(Value::Int(3)), Ok(Box::new(3)));
    let m = map(vec![("b", Value::Int(1)), ("a", Value::Int(2))]);
    let im = IndexMap::<String, u8>::from_value(m.clone()).expect("a map of u8");
    assert_eq!(im.keys().collect::<Vec<_>>(), ["b", "a"]);
    assert_eq!(im.to_value(), m);
    assert_eq!(
        kind_of(IndexMap::<String, bool>::from_value(m)),
        (WrongType, "b".into())
    );
    assert_eq!(
        kind_of(Map::from_value(Value::Array(vec![]))),
        (WrongType, "(root)".into())
    );
    assert_eq!(kind_of(ZData::from_value(Value::Nil)), (WrongType, "(root)".into()));
    let opaque = ZData::Opaque(Map::new());
    assert_eq!(
        kind_of(NdArray::from_value(opaque.to_value())),
        (WrongType, "(root)".into())
    );
    assert_eq!(ZData::from_value(opaque.to_value()), Ok(opaque));
    assert_eq!(Some(3u16).to_value(), Value::Int(3));
    assert_eq!(None::<u16>.to_value(), Value::Nil);
    assert_eq!(vec![true].to_value(), Value::Array(vec![Value::Bool(true)]));
    assert_eq!(1.5f32.to_value(), Value::F32(1.5));
    assert_eq!(().to_value(), Value::Nil);
    assert_eq!(Value::Int(1).to_value(), Value::Int(1));
}
