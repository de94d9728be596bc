//! The generated crate's public API on the spec's worked examples: typed structs decoded from and encoded to the
//! bytes SPEC.md lists (§3.10, §4.2, §4.6), message selection, the event constructors, the JSON form of a struct,
//! and zero-copy ZData.

use bytes::Bytes;
use vmp_protocol::events::{grab_render_request_at, rpc_request_at, set_event, set_event_at, timeout_event_at};
use vmp_protocol::{
    decode, decode_message, decode_value, encode, encode_value, ErrorKind, KnownMessage, Map, ToValue, Value, ZData,
};
use vmp_protocol::{ElementPatch, GrabRenderData, Scene, SetEvent, TimeoutEvent, UpdateData, UpdateEvent};

/// Bytes from a hex listing (spaces and newlines ignored).
fn unhex(listing: &str) -> Vec<u8> {
    let digits: Vec<u8> = listing.bytes().filter(|b| b.is_ascii_hexdigit()).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).expect("ASCII"), 16).expect("hex"))
        .collect()
}

/// SPEC §3.10: the SET event, 58 canonical bytes.
const SET_EVENT: &str = "83 a2 74 73 cf 00 00 01 8b cf e5 68 00 a5 65 74 79 70 65 a3 53 45 54
    a4 64 61 74 61 83 a3 74 61 67 a5 53 63 65 6e 65 a3 6b 65 79 a4 72 6f 6f 74 a8 63 68 69 6c 64 72 65 6e 90";

/// SPEC §3.10: the same message as msgpackr writes it (map16 headers, `ts` as float64), 62 bytes.
const SET_EVENT_MSGPACKR: &str = "de 00 03 a2 74 73 cb 42 78 bc fe 56 80 00 00 a5 65 74 79 70 65 a3 53 45 54
    a4 64 61 74 61 de 00 03 a3 74 61 67 a5 53 63 65 6e 65 a3 6b 65 79 a4 72 6f 6f 74 a8 63 68 69 6c 64 72 65 6e 90";

/// SPEC §4.2: UPDATE with `strict` after the envelope fields.
const UPDATE_EVENT: &str = "84 a2 74 73 cf 00 00 01 8b cf e5 68 00 a5 65 74 79 70 65 a6 55 50 44 41 54 45
    a4 64 61 74 61 81 a5 6e 6f 64 65 73 91 82 a3 6b 65 79 a4 62 6f 78 31 a8 70 6f 73 69 74 69 6f 6e 93 01 00 00
    a6 73 74 72 69 63 74 c2";

/// SPEC §4.6: `{ts: 1700000000000, etype: "HELLO", value: {n: 1}}`, a user-defined event.
const HELLO: &str = "83 a2 74 73 cf 00 00 01 8b cf e5 68 00 a5 65 74 79 70 65 a5 48 45 4c 4c 4f a5 76 61 6c 75 65 81 a1
    6e 01";

const TS: u64 = 1_700_000_000_000;

#[test]
fn set_event_decodes_into_the_struct_and_encodes_back() {
    let bytes = unhex(SET_EVENT);
    assert_eq!(bytes.len(), 58);
    let event: SetEvent = decode(bytes.clone()).expect("SPEC §3.10 SET decodes");
    assert_eq!(event.ts, TS);
    assert_eq!(event.etype, "SET");
    assert_eq!(event.data.tag, "Scene");
    assert_eq!(event.data.key.as_deref(), Some("root"));
    assert_eq!(event.data.children, Some(vec![]));
    assert_eq!(encode(&event).expect("encodes"), bytes);

    // msgpackr's bytes are valid input and re-encode canonically (§10).
    let wide: SetEvent = decode(unhex(SET_EVENT_MSGPACKR)).expect("msgpackr's SET decodes");
    assert_eq!(wide, event);
    assert_eq!(encode(&wide).expect("encodes"), bytes);
}

#[test]
fn update_event_built_by_hand_gives_the_spec_bytes() {
    let mut extra = Map::new();
    extra.insert("position", vec![Value::from(1u8), Value::from(0u8), Value::from(0u8)]);
    let event = UpdateEvent {
        ts: TS,
        etype: UpdateEvent::ETYPE.to_owned(),
        data: UpdateData {
            nodes: vec![ElementPatch {
                tag: None,
                key: "box1".to_owned(),
                children: None,
                extra,
            }],
        },
        strict: Some(false),
    };
    let bytes = unhex(UPDATE_EVENT);
    assert_eq!(encode(&event).expect("encodes"), bytes);

    let decoded: UpdateEvent = decode(bytes).expect("SPEC §4.2 UPDATE decodes");
    assert_eq!(decoded, event);
    let patch = &decoded.data.nodes[0];
    assert_eq!(patch.key, "box1");
    assert_eq!(
        patch.extra.get("position"),
        Some(&Value::Array(vec![Value::Int(1), Value::Int(0), Value::Int(0)])),
        "free-form props keep their integers"
    );
}

#[test]
fn decode_message_selects_the_type_by_etype() {
    match decode_message(unhex(SET_EVENT)).expect("SET decodes") {
        KnownMessage::SetEvent(e) => assert_eq!(e.data.key.as_deref(), Some("root")),
        other => panic!("SET selected {}", other.etype()),
    }

    // An RPC response: `{etype: "CAMERA_RESPONSE@u-1", ok: true, error: nil, data: 7}`.
    let mut response = Map::new();
    response.insert("ts", TS);
    response.insert("etype", "CAMERA_RESPONSE@u-1");
    response.insert("ok", true);
    response.insert("error", Value::Nil);
    response.insert("data", 7u8);
    let frame = encode_value(&Value::Map(response)).expect("encodes");
    match decode_message(frame).expect("the response decodes") {
        KnownMessage::RpcResponse(r) => {
            assert_eq!(r.etype, "CAMERA_RESPONSE@u-1");
            assert_eq!(r.ok, Some(true));
        }
        other => panic!("the response selected {}", other.etype()),
    }

    // A user-defined event is the base Message, its value free-form.
    let hello = decode_message(unhex(HELLO)).expect("HELLO decodes");
    assert_eq!(hello.etype(), "HELLO");
    match &hello {
        KnownMessage::Message(m) => {
            assert_eq!(m.ts, Some(TS));
            let value = m.value.as_ref().expect("HELLO has a value");
            assert_eq!(value.get("n"), Some(&Value::Int(1)));
        }
        other => panic!("HELLO selected {}", other.etype()),
    }
    assert_eq!(hello.encode().expect("encodes"), unhex(HELLO));

    // Not a map: WrongType at the root (§4.6 rule 2).
    let e = decode_message(vec![0x90]).expect_err("an array is not a message");
    assert_eq!((e.kind(), e.path_string().as_str()), (ErrorKind::WrongType, "(root)"));
}

#[test]
fn event_constructors_set_ts_and_rtype() {
    let scene = Scene {
        tag: "Scene".to_owned(),
        key: Some("root".to_owned()),
        up: None,
        children: Some(vec![]),
        raw_children: None,
        html_children: None,
        bg_children: None,
        extra: Map::new(),
    };
    // ts = 0 is a timestamp like any other, not "unset".
    let at_zero = set_event_at(0, scene.clone());
    assert_eq!(at_zero.ts, 0);
    assert_eq!(at_zero.etype, SetEvent::ETYPE);
    let at = set_event_at(TS, scene.clone());
    assert_eq!(encode(&at).expect("encodes"), unhex(SET_EVENT));

    let before = now_ms();
    let now = set_event(scene);
    assert!(
        now.ts >= before && now.ts <= now_ms(),
        "set_event stamps the current time"
    );

    let request = rpc_request_at(0, "CAMERA", None, None, None, Some("u-1".to_owned()));
    assert_eq!(request.rtype, "CAMERA_RESPONSE@u-1");
    assert_eq!(request.uuid.as_deref(), Some("u-1"));
    assert_eq!(request.ts, 0);

    let data = GrabRenderData {
        quality: None,
        downsample: None,
        extra: Map::new(),
    };
    let grab = grab_render_request_at(5, data, "cam", None);
    let uuid = grab.uuid.clone();
    assert_eq!(uuid.len(), 36, "a random UUID: {uuid}");
    assert_eq!(grab.rtype, format!("GRAB_RENDER_RESPONSE@{uuid}"));
    assert_eq!(grab.key, "cam");
}

fn now_ms() -> u64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    u64::try_from(since.as_millis()).expect("in range")
}

#[test]
fn serde_json_writes_the_json_form() {
    let event: TimeoutEvent = timeout_event_at(TS, 1.0, "tick");
    let text = serde_json::to_string(&event).expect("serialises");
    assert_eq!(
        text,
        r#"{"ts":1700000000000,"etype":"TIMEOUT","data":{"timeout":1.0,"fn":"tick"}}"#
    );
    // The runtime's JSON form (§9) of the same message is the same text.
    assert_eq!(
        vmp_protocol::runtime::json::to_json(&event.to_value()).expect("has a JSON form"),
        text
    );
    let back: TimeoutEvent = serde_json::from_str(&text).expect("deserialises");
    assert_eq!(back, event);
}

#[test]
fn ndarray_bytes_borrow_the_frame() {
    // `{etype: "HELLO", value: {ztype: "numpy.ndarray", b: <3 float32>, dtype: "float32", shape: [3]}}`
    let mut frame = unhex("82 a5 65 74 79 70 65 a5 48 45 4c 4c 4f a5 76 61 6c 75 65 84");
    frame.extend(unhex("a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79"));
    frame.extend(unhex("a1 62 c4 0c 00 00 80 3f 00 00 00 40 00 00 40 40"));
    frame.extend(unhex(
        "a5 64 74 79 70 65 a7 66 6c 6f 61 74 33 32 a5 73 68 61 70 65 91 03",
    ));
    let frame = Bytes::from(frame);
    let range = frame.as_ptr() as usize..frame.as_ptr() as usize + frame.len();

    let value = decode_value(frame.clone()).expect("decodes");
    let Some(Value::ZData(z)) = value.get("value") else {
        panic!("value is ZData: {value:?}")
    };
    let ZData::Array(array) = z.as_ref() else {
        panic!("an array: {z:?}")
    };
    assert_eq!(array.shape(), &[3]);
    assert_eq!(array.to_vec::<f32>().expect("float32"), vec![1.0, 2.0, 3.0]);
    let data = array.bytes();
    assert_eq!(data.len(), 12);
    assert!(
        range.contains(&(data.as_ptr() as usize)),
        "`b` is a view into the frame, not a copy"
    );

    // It re-encodes to the same bytes (ZData keeps its canonical map).
    assert_eq!(encode_value(&value).expect("encodes"), frame.to_vec());
}
