//! A live VMP client in Rust (tokio-tungstenite + the generated `vmp-protocol` crate), the counterpart of client.py
//! and client.mjs.
//!
//! Usage: vmp-live-client PORT [NAME] [TIMEOUT_S]
//!
//! Connects to ws://127.0.0.1:PORT/NAME, decodes every frame with `decode_message` and checks it on arrival,
//! answers GRAB_RENDER with a `grab_render_response` whose frame is the JPEG stub ff d8 ff d9, and exits 0 when
//! everything matched once TERMINATE has arrived; otherwise non-zero with a message on stderr (1 for a mismatch or
//! an error, 2 for the timeout).

use std::borrow::Cow;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::connect_async_with_config;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use vmp_protocol::types::GrabRenderResponseValue;
use vmp_protocol::{decode_message, encode, events, ArrayKind, Dtype, KnownMessage, Map, Value};

const JPEG_STUB: &[u8] = &[0xff, 0xd8, 0xff, 0xd9];
const N_ELEMENTS: usize = 1 << 20;
const MAX_FRAME: usize = 64 << 20;
const EXPECTED: [&str; 6] = ["SET", "ADD", "UPDATE", "ZDATA", "GRAB_RENDER", "TERMINATE"];
/// How long to wait for the server's close frame once TERMINATE has arrived (websockets' default close_timeout).
const CLOSE_TIMEOUT: Duration = Duration::from_secs(10);

/// A check that failed: what was received instead of what was expected.
type Mismatch = String;

fn expect(cond: bool, what: impl FnOnce() -> String) -> Result<(), Mismatch> {
    if cond {
        Ok(())
    } else {
        Err(what())
    }
}

/// The spec type a frame was decoded as, for the messages of this session (others are named generically).
fn type_name(msg: &KnownMessage) -> &'static str {
    match msg {
        KnownMessage::SetEvent(_) => "SetEvent",
        KnownMessage::AddEvent(_) => "AddEvent",
        KnownMessage::UpdateEvent(_) => "UpdateEvent",
        KnownMessage::GrabRenderRequest(_) => "GrabRenderRequest",
        KnownMessage::TerminateEvent(_) => "TerminateEvent",
        KnownMessage::Message(_) => "Message",
        _ => "another message type",
    }
}

/// A list of numbers (ints or floats of either width) as `f64`s; `None` for anything else. Like Python's list
/// equality, `[0.25, 32, 16]` matches whether 32 came as an int or a float.
fn numbers(value: Option<&Value>) -> Option<Vec<f64>> {
    value?
        .as_array()?
        .iter()
        .map(|v| match v {
            Value::Int(i) => Some(*i as f64),
            other => other.as_f64(),
        })
        .collect()
}

fn str_prop<'a>(extra: &'a Map, key: &str) -> Option<&'a str> {
    extra.get(key).and_then(Value::as_str)
}

/// Python's `math.isclose` with its default relative tolerance.
fn is_close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

fn check(etype: &str, msg: &KnownMessage) -> Result<(), Mismatch> {
    match (etype, msg) {
        ("SET", KnownMessage::SetEvent(m)) => {
            let scene = &m.data;
            expect(scene.tag == "Scene" && scene.key.as_deref() == Some("scene"), || {
                format!("scene {}/{:?}", scene.tag, scene.key)
            })?;
            expect(scene.up.as_deref() == Some(&[0.0, 1.0, 0.0][..]), || {
                format!("scene.up {:?}", scene.up)
            })?;
            expect(str_prop(&scene.extra, "background") == Some("#202020"), || {
                format!("background {:?}", scene.extra)
            })?;
            let children = scene.children.as_deref().unwrap_or_default();
            expect(children.len() == 1, || format!("{} children", children.len()))?;
            let b = &children[0];
            expect(b.tag == "Box" && b.key == "box-1", || {
                format!("child {}/{}", b.tag, b.key)
            })?;
            expect(str_prop(&b.extra, "color") == Some("red"), || {
                format!("box color {:?}", b.extra)
            })?;
            expect(numbers(b.extra.get("position")) == Some(vec![0.0, 0.5, 0.0]), || {
                format!("box position {:?}", b.extra)
            })?;
        }
        ("ADD", KnownMessage::AddEvent(m)) => {
            let to = m.data.to.clone().flatten();
            expect(to.as_deref() == Some("scene"), || format!("ADD to {to:?}"))?;
            let nodes = &m.data.nodes;
            expect(
                nodes.len() == 1 && nodes[0].tag == "Sphere" && nodes[0].key == "sphere-1",
                || format!("ADD nodes {nodes:?}"),
            )?;
            let extra = &nodes[0].extra;
            expect(numbers(extra.get("args")) == Some(vec![0.25, 32.0, 16.0]), || {
                format!("sphere args {extra:?}")
            })?;
            expect(numbers(extra.get("position")) == Some(vec![1.0, 0.25, 0.0]), || {
                format!("sphere position {extra:?}")
            })?;
        }
        ("UPDATE", KnownMessage::UpdateEvent(m)) => {
            let nodes = &m.data.nodes;
            expect(nodes.len() == 1 && nodes[0].key == "box-1", || {
                format!("UPDATE nodes {nodes:?}")
            })?;
            let extra = &nodes[0].extra;
            expect(str_prop(extra, "color") == Some("blue"), || format!("patch {extra:?}"))?;
            expect(numbers(extra.get("position")) == Some(vec![0.0, 1.0, 0.0]), || {
                format!("patch {extra:?}")
            })?;
        }
        ("ZDATA", KnownMessage::Message(m)) => {
            let data = m.data.as_ref();
            let key = data.and_then(|d| d.get("key")).and_then(Value::as_str);
            expect(data.and_then(Value::as_map).is_some() && key == Some("tensor"), || {
                format!("ZDATA data {} key {key:?}", data.map_or("absent", Value::kind_name))
            })?;
            let array = data.and_then(|d| d.get("array"));
            let arr = array.and_then(Value::as_zdata).and_then(|z| z.as_array());
            let Some(arr) = arr else {
                return Err(format!("array is {}", array.map_or("absent", Value::kind_name)));
            };
            expect(arr.kind() == ArrayKind::Numpy, || {
                format!("ztype {}", arr.kind().ztype())
            })?;
            expect(
                arr.dtype() == Dtype::Float32 && arr.shape() == [N_ELEMENTS as u64],
                || format!("array {} {:?}", arr.dtype(), arr.shape()),
            )?;
            // A typed view of the frame's buffer when it is aligned for f32, else one copy.
            let values: Cow<'_, [f32]> = match arr.as_slice::<f32>() {
                Some(s) => Cow::Borrowed(s),
                None => Cow::Owned(arr.to_vec::<f32>().map_err(|e| format!("array: {e}"))?),
            };
            expect(values.len() == N_ELEMENTS, || format!("{} elements", values.len()))?;
            for i in [0, 1, 12345, N_ELEMENTS - 1] {
                expect(values[i] == i as f32, || format!("array[{i}] = {}", values[i]))?;
            }
            let nans = values.iter().filter(|v| v.is_nan()).count();
            expect(nans == 0, || format!("{nans} NaN in the array"))?;
            let differ = values.iter().enumerate().filter(|&(i, &v)| v != i as f32).count();
            expect(differ == 0, || format!("{differ} elements differ from arange"))?;
        }
        ("GRAB_RENDER", KnownMessage::GrabRenderRequest(m)) => {
            expect(m.key == "cam", || format!("GRAB_RENDER key {:?}", m.key))?;
            expect(m.rtype == format!("GRAB_RENDER_RESPONSE@{}", m.uuid), || {
                format!("rtype {:?} uuid {:?}", m.rtype, m.uuid)
            })?;
            expect(
                m.data.quality.is_some_and(|q| is_close(q, 0.9)) && m.data.downsample == Some(1.0),
                || format!("data {:?}", m.data),
            )?;
        }
        // The type carries the rest: `data` is `()`, so a TerminateEvent always had nil there.
        ("TERMINATE", KnownMessage::TerminateEvent(_)) => {}
        (etype, other) => return Err(format!("{etype} decoded as {}", type_name(other))),
    }
    Ok(())
}

async fn run(port: u16, name: &str) -> Result<Vec<String>, Mismatch> {
    let url = format!("ws://127.0.0.1:{port}/{name}");
    // No permessage-deflate (tungstenite offers none), frames up to 64 MiB like the server.
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_FRAME))
        .max_frame_size(Some(MAX_FRAME));
    let (mut ws, _) = connect_async_with_config(url.as_str(), Some(config), true)
        .await
        .map_err(|e| format!("connecting to {url}: {e}"))?;
    let mut seen: Vec<String> = Vec::new();
    while let Some(frame) = ws.next().await {
        let data = match frame.map_err(|e| format!("socket error: {e}"))? {
            WsMessage::Binary(data) => data,
            WsMessage::Text(_) => return Err("a text frame".into()),
            WsMessage::Close(_) => break,
            WsMessage::Ping(_) | WsMessage::Pong(_) | WsMessage::Frame(_) => continue,
        };
        let msg = decode_message(data).map_err(|e| format!("decode_message: {e}"))?;
        let etype = msg.etype().to_owned();
        expect(seen.len() < EXPECTED.len() && etype == EXPECTED[seen.len()], || {
            format!("unexpected {etype} after {seen:?}")
        })?;
        check(&etype, &msg)?;
        seen.push(etype);
        if let KnownMessage::GrabRenderRequest(request) = &msg {
            let value = GrabRenderResponseValue {
                dpr: 1.0,
                width: 4,
                height: 3,
                frame: vmp_protocol::Bytes::from_static(JPEG_STUB),
                depth_frame: None,
                delta: None,
                extra: Map::new(),
            };
            let reply = encode(&events::grab_render_response(request, value, None))
                .map_err(|e| format!("encoding the GRAB_RENDER response: {e}"))?;
            ws.send(WsMessage::binary(reply))
                .await
                .map_err(|e| format!("sending the GRAB_RENDER response: {e}"))?;
        }
        if seen.last().map(String::as_str) == Some("TERMINATE") {
            break;
        }
    }
    // Close like websockets' `async with connect(...)`: send a close frame and wait (bounded) for the server's.
    if ws.close(None).await.is_ok() {
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, async { while let Some(Ok(_)) = ws.next().await {} }).await;
    }
    expect(seen == EXPECTED, || format!("got {seen:?}, expected {EXPECTED:?}"))?;
    Ok(seen)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let Some(port) = args.get(1).and_then(|p| p.parse::<u16>().ok()) else {
        eprintln!("usage: vmp-live-client PORT [NAME] [TIMEOUT_S]");
        return ExitCode::from(1);
    };
    let name = args.get(2).map_or("rs", String::as_str);
    let timeout = match args.get(3).map(|t| t.parse::<f64>()) {
        None => 20.0,
        Some(Ok(t)) if t.is_finite() && t > 0.0 => t,
        Some(_) => {
            eprintln!("{name}: TIMEOUT_S must be a positive number of seconds");
            return ExitCode::from(1);
        }
    };
    let t0 = Instant::now();
    match tokio::time::timeout(Duration::from_secs_f64(timeout), run(port, name)).await {
        Err(_) => {
            eprintln!("{name}: timed out after {timeout} s");
            ExitCode::from(2)
        }
        Ok(Err(reason)) => {
            eprintln!("{name}: FAIL {reason}");
            ExitCode::from(1)
        }
        Ok(Ok(seen)) => {
            let ms = t0.elapsed().as_secs_f64() * 1000.0;
            println!("{name}: ok ({}) in {ms:.1} ms", seen.join(", "));
            ExitCode::SUCCESS
        }
    }
}
