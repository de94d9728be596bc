//! Messages (spec §4.6) and whole frames.

use super::*;

// -- messages (§4.6) -------------------------------------------------------------------------------------

#[test]
fn message_types_check_their_etype() {
    let element = map(vec![
        ("tag", Value::Str("Scene".into())),
        ("key", Value::Str("root".into())),
    ]);
    let set = |etype: &str| {
        map(vec![
            ("ts", Value::Int(1)),
            ("etype", Value::Str(etype.into())),
            ("data", element.clone()),
        ])
    };
    assert!(check(Type::Named(&SET), set("SET"), &DecodeOptions::default()).is_ok());
    assert_eq!(fails(Type::Named(&SET), set("ADD")), (InvalidValue, "etype".into()));
    let grab = |etype: &str| map(vec![("etype", Value::Str(etype.into())), ("value", Value::Nil)]);
    assert!(check(
        Type::Named(&GRAB_RENDER_RESPONSE),
        grab("GRAB_RENDER_RESPONSE@u-1"),
        &DecodeOptions::default()
    )
    .is_ok());
    assert_eq!(
        fails(Type::Named(&GRAB_RENDER_RESPONSE), grab("GRAB_RENDER_RESPONSE")),
        (InvalidValue, "etype".into())
    );
    assert_eq!(
        fails(Type::Named(&MESSAGE), map(vec![("etype", Value::Str("".into()))])),
        (InvalidValue, "etype".into())
    );
    assert_eq!(
        fails(Type::Named(&MESSAGE), map(vec![("etype", Value::Int(1))])),
        (WrongType, "etype".into())
    );
    assert_eq!(
        fails(Type::Named(&MESSAGE), map(vec![("ts", Value::Int(1))])),
        (MissingField, "etype".into())
    );
}

fn select(v: &Value) -> Result<&'static str> {
    select_message(v, CATALOGUE, Some(&MESSAGE)).map(Named::name)
}

#[test]
fn without_a_base_message_an_unknown_etype_is_invalid_value_at_etype() {
    let etype = |e: &str| map(vec![("etype", Value::Str(e.into()))]);
    let no_fallback = |v: &Value| select_message(v, CATALOGUE, None).map(Named::name);
    assert_eq!(no_fallback(&etype("SET")), Ok("SetEvent"));
    assert_eq!(no_fallback(&etype("RENDER_RESPONSE@u-1")), Ok("RpcResponse"));
    let e = no_fallback(&etype("HELLO")).expect_err("HELLO has no type");
    assert_eq!((e.kind(), e.path_string()), (InvalidValue, "etype".to_owned()));
}

#[test]
fn message_selection_follows_the_rules_of_4_6() {
    // The example of §4.6: HELLO is a Message whose value is free-form.
    let hello =
        hex("83 a2 74 73 cf 00 00 01 8b cf e5 68 00 a5 65 74 79 70 65 a5 48 45 4c 4c 4f a5 76 61 6c 75 65 81 a1 6e 01");
    let (ty, v) =
        decode_message(hello.clone(), CATALOGUE, Some(&MESSAGE), &DecodeOptions::default()).expect("HELLO decodes");
    assert_eq!(ty.name(), "Message");
    assert_eq!(v.get("value"), Some(&map(vec![("n", Value::Int(1))])));
    assert_eq!(encode_as(Type::Named(ty), v, &DecodeOptions::default()), Ok(hello));

    let etype = |e: &str| map(vec![("etype", Value::Str(e.into()))]);
    assert_eq!(select(&etype("SET")), Ok("SetEvent"));
    assert_eq!(select(&etype("GRAB_RENDER_RESPONSE@u-1")), Ok("GrabRenderResponse"));
    assert_eq!(select(&etype("RENDER_RESPONSE@u-1")), Ok("RpcResponse"));
    assert_eq!(select(&etype("A_RESPONSE@B_RESPONSE@c")), Ok("RpcResponse"));
    assert_eq!(
        select(&etype("_RESPONSE@u-1")),
        Ok("Message"),
        "ETYPE is at least one character"
    );
    assert_eq!(
        select(&etype("X_RESPONSE@")),
        Ok("Message"),
        "uuid is at least one character"
    );
    assert_eq!(select(&etype("HELLO")), Ok("Message"));
    assert_eq!(
        select(&etype("RpcResponse")),
        Ok("Message"),
        "envelopes are not selected by etype"
    );
    let vrpc_py = map(vec![("etype", Value::Str("rpc-123".into())), ("ok", Value::Bool(true))]);
    assert_eq!(select(&vrpc_py), Ok("RpcResponse"), "a frame with ok is a response");
    assert_eq!(kind_of(select(&Value::Array(vec![]))), (WrongType, "(root)".into()));
    assert_eq!(
        kind_of(select(&map(vec![("ts", Value::Int(1))]))),
        (MissingField, "etype".into())
    );
    assert_eq!(
        kind_of(select(&map(vec![("etype", Value::Int(1))]))),
        (WrongType, "etype".into())
    );
}

#[test]
fn response_etypes_split_greedily() {
    assert_eq!(response_etype("A_RESPONSE@B_RESPONSE@c"), Some(("A_RESPONSE@B", "c")));
    assert_eq!(response_etype("GRAB_RENDER_RESPONSE@u-1"), Some(("GRAB_RENDER", "u-1")));
    assert_eq!(response_etype("A_RESPONSE@B_RESPONSE@"), Some(("A", "B_RESPONSE@")));
    assert_eq!(response_etype("RESPONSE@u"), None);
    assert_eq!(response_etype("HELLO"), None);
}

// -- whole frames ----------------------------------------------------------------------------------------

/// The UpdateEvent of spec §4.2.
const UPDATE_BYTES: &str = "84 a2 74 73 cf 00 00 01 8b cf e5 68 00 a5 65 74 79 70 65 a6 55 50 44 41 54 45
    a4 64 61 74 61 81 a5 6e 6f 64 65 73 91 82 a3 6b 65 79 a4 62 6f 78 31
    a8 70 6f 73 69 74 69 6f 6e 93 01 00 00 a6 73 74 72 69 63 74 c2";

#[test]
fn the_update_event_of_4_2_decodes_and_reencodes() {
    let options = DecodeOptions::default();
    let v = decode_as(Type::Named(&UPDATE_EVENT), hex(UPDATE_BYTES), &options).expect("UpdateEvent decodes");
    let node = map(vec![
        ("key", Value::Str("box1".into())),
        (
            "position",
            Value::Array(vec![Value::Int(1), Value::Int(0), Value::Int(0)]),
        ),
    ]);
    let expected = map(vec![
        ("ts", Value::Int(1_700_000_000_000)),
        ("etype", Value::Str("UPDATE".into())),
        ("data", map(vec![("nodes", Value::Array(vec![node]))])),
        ("strict", Value::Bool(false)),
    ]);
    assert_eq!(v, expected);
    assert_eq!(
        encode_as(Type::Named(&UPDATE_EVENT), v, &options),
        Ok(hex(UPDATE_BYTES))
    );
    assert_eq!(
        select(&expected).ok(),
        Some("Message"),
        "UPDATE is not in this test catalogue"
    );
}

#[test]
fn the_vuer_servers_order_and_msgpackr_floats_reencode_canonically() {
    // ts as float64, `ts, data, etype, strict`, map16 headers: §4.7.
    let vuer = "de 00 04 a2 74 73 cb 42 78 bc fe 56 80 00 00
        a4 64 61 74 61 de 00 01 a5 6e 6f 64 65 73 91 82 a3 6b 65 79 a4 62 6f 78 31
        a8 70 6f 73 69 74 69 6f 6e 93 01 00 00 a5 65 74 79 70 65 a6 55 50 44 41 54 45 a6 73 74 72 69 63 74 c2";
    let options = DecodeOptions::default();
    let v = decode_as(Type::Named(&UPDATE_EVENT), hex(vuer), &options).expect("the Vuer server's frame decodes");
    assert_eq!(
        encode_as(Type::Named(&UPDATE_EVENT), v, &options),
        Ok(hex(UPDATE_BYTES))
    );
}

#[test]
fn the_set_event_of_3_10_as_msgpackr_writes_it_reencodes_to_58_bytes() {
    let canonical = hex(
        "83 a2 74 73 cf 00 00 01 8b cf e5 68 00 a5 65 74 79 70 65 a3 53 45 54 a4 64 61 74 61
         83 a3 74 61 67 a5 53 63 65 6e 65 a3 6b 65 79 a4 72 6f 6f 74 a8 63 68 69 6c 64 72 65 6e 90",
    );
    let msgpackr = hex(
        "de 00 03 a2 74 73 cb 42 78 bc fe 56 80 00 00 a5 65 74 79 70 65 a3 53 45 54 a4 64 61 74 61
         de 00 03 a3 74 61 67 a5 53 63 65 6e 65 a3 6b 65 79 a4 72 6f 6f 74 a8 63 68 69 6c 64 72 65 6e 90",
    );
    assert_eq!((canonical.len(), msgpackr.len()), (58, 62));
    let options = DecodeOptions::default();
    let (ty, v) = decode_message(msgpackr, CATALOGUE, Some(&MESSAGE), &options).expect("the msgpackr frame decodes");
    assert_eq!(ty.name(), "SetEvent");
    assert_eq!(encode_as(Type::Named(ty), v, &options), Ok(canonical));
}

/// The float32 array `[1, 2, 3]` of spec §3.10.
const ZDATA_F32: &str = "84 a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79 a1 62 c4 0c
    00 00 80 3f 00 00 00 40 00 00 40 40 a5 64 74 79 70 65 a7 66 6c 6f 61 74 33 32 a5 73 68 61 70 65 91 03";

#[test]
fn zdata_arrays_decode_in_free_form_positions_and_records() {
    let v = decode_value(hex(ZDATA_F32)).expect("the array decodes");
    assert!(matches!(&v, Value::ZData(z) if matches!(**z, ZData::Array(_))), "{v:?}");
    assert_eq!(encode_value(&v), Ok(hex(ZDATA_F32)));
    assert!(NdArray::from_value(v.clone()).is_ok());
    let options = DecodeOptions::default();
    let record = decode_as(Type::Named(&NDARRAY), hex(ZDATA_F32), &options).expect("an NdArray");
    assert_eq!(record, v);
    assert_eq!(check(Type::Named(&NDARRAY), v.clone(), &options), Ok(v.clone()));
    assert_eq!(decode_as(Type::ZData, hex(ZDATA_F32), &options), Ok(v.clone()));
    // The same map as a torch.Tensor is not an NdArray record.
    let torch = hex(&ZDATA_F32.replace(
        "ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79",
        "ac 74 6f 72 63 68 2e 54 65 6e 73 6f 72",
    ));
    assert!(decode_value(torch.clone()).is_ok());
    assert_eq!(
        kind_of(decode_as(Type::Named(&NDARRAY), torch, &options)),
        (InvalidValue, "ztype".into())
    );
    // A free-form map holding the array, and ZData errors under the path of the map (§8.2 ShapeMismatch).
    let value = map(vec![
        ("n", Value::Int(1)),
        ("x", Value::F64(1.0)),
        ("any", map(vec![("a", v)])),
    ]);
    let bytes = encode_as(Type::Named(&SAMPLE), value.clone(), &options).expect("encodes");
    assert_eq!(decode_as(Type::Named(&SAMPLE), bytes, &options), Ok(value));
    let short = hex(
        "84 a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79 a1 62 c4 08 00 00 80 3f 00 00 00 40
        a5 64 74 79 70 65 a7 66 6c 6f 61 74 33 32 a5 73 68 61 70 65 91 03",
    );
    let mut frame = hex("83 a1 6e 01 a1 78 cb 3f f0 00 00 00 00 00 00 a3 61 6e 79 81 a1 61");
    frame.extend(short);
    assert_eq!(
        kind_of(decode_as(Type::Named(&SAMPLE), frame, &options)),
        (ShapeMismatch, "any.a.b".into())
    );
}

#[test]
fn schema_errors_of_8_2_have_their_paths() {
    let options = DecodeOptions::default();
    // `etype: 1`
    let frame = hex("82 a2 74 73 cf 00 00 01 8b cf e5 68 00 a5 65 74 79 70 65 01");
    assert_eq!(
        kind_of(decode_as(Type::Named(&MESSAGE), frame, &options)),
        (WrongType, "etype".into())
    );
    // no etype
    let frame = hex("82 a2 74 73 cf 00 00 01 8b cf e5 68 00 a4 64 61 74 61 c0");
    assert_eq!(
        kind_of(decode_as(Type::Named(&MESSAGE), frame, &options)),
        (MissingField, "etype".into())
    );
    // an extra top-level field in a closed message
    let frame = hex("83 a5 65 74 79 70 65 a5 48 45 4c 4c 4f a5 65 78 74 72 61 01 a2 74 73 00");
    assert_eq!(
        kind_of(decode_as(Type::Named(&MESSAGE), frame, &options)),
        (InvalidValue, "extra".into())
    );
    // ts -1
    let frame = hex("82 a2 74 73 ff a5 65 74 79 70 65 a9 54 45 52 4d 49 4e 41 54 45");
    assert_eq!(
        kind_of(decode_as(Type::Named(&MESSAGE), frame, &options)),
        (IntegerOutOfRange, "ts".into())
    );
}

#[test]
fn catalogued_responses_read_the_upstream_success_status_as_absent() {
    // vrpc-py writes ok and error, vrpc-ts also data (spec §4.4): nil or ok true are read as absent.
    let response = |extra: Vec<(&'static str, Value)>| {
        let mut entries = vec![
            ("etype", Value::Str("GRAB_RENDER_RESPONSE@u-1".into())),
            ("value", Value::Int(1)),
        ];
        entries.extend(extra);
        map(entries)
    };
    let plain = ok(Type::Named(&GRAB_RENDER_RESPONSE), response(vec![]));
    let status = vec![("ok", Value::Bool(true)), ("error", Value::Nil), ("data", Value::Nil)];
    assert_eq!(ok(Type::Named(&GRAB_RENDER_RESPONSE), response(status)), plain);
    for (key, value) in [
        ("ok", Value::Bool(false)),
        ("error", Value::Str("boom".into())),
        ("data", Value::Int(1)),
        ("other", Value::Nil),
    ] {
        assert_eq!(
            fails(Type::Named(&GRAB_RENDER_RESPONSE), response(vec![(key, value)])),
            (InvalidValue, key.into())
        );
    }
    // Only catalogued responses: SET (a const etype) keeps its record closed.
    let set = map(vec![
        ("ts", Value::Int(1)),
        ("etype", Value::Str("SET".into())),
        (
            "data",
            map(vec![
                ("tag", Value::Str("Scene".into())),
                ("key", Value::Str("root".into())),
            ]),
        ),
        ("ok", Value::Bool(true)),
    ]);
    assert_eq!(fails(Type::Named(&SET), set), (InvalidValue, "ok".into()));
}
