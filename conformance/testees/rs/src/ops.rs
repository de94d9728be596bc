//! The ops of the testee protocol (conformance/README.md), answered with the binding's own API: `hello`,
//! `decode`, `validate`, `reencode` and `encode`, through the generated Rust type of the request's `type` where
//! it has one.

use std::panic::{self, AssertUnwindSafe};

use bytes::Bytes;
use vmp_protocol::runtime::json::push_js_string;
use vmp_protocol::runtime::schema::{Named, Type};
use vmp_protocol::{check, decode_as, decode_with, encode, encode_as, DecodeOptions, Error, TypeVisitor, Typed, Value};

use crate::json::{from_hex, hex, parse_json, Json};
use crate::typed::{from_typed, typed_json, BadRequest};

/// The ops this testee implements (hello and quit aside).
const OPS: [&str; 4] = ["decode", "encode", "reencode", "validate"];
/// The options it understands.
const OPTIONS: [&str; 1] = ["strictZType"];

/// What an op does once the type is known.
enum Job {
    Decode(Bytes),
    Validate(Bytes),
    Reencode(Bytes),
    Encode(Value),
}

/// What an op produced.
enum Outcome {
    Value(Value),
    Hex(Vec<u8>),
    Ok,
}

/// Why an op failed.
enum Failure {
    Vmp(Error),
    Bad(BadRequest),
    /// A failure of the testee itself, not of the binding's input.
    Internal(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Vmp(e)
    }
}

impl From<BadRequest> for Failure {
    fn from(e: BadRequest) -> Self {
        Failure::Bad(e)
    }
}

/// Runs a job through a generated Rust type: `decode_with::<T>` and `encode(&T)`, so the conformance cases exercise
/// the generated structs' `FromValue`/`ToValue` as well as the checker. The job stays in the caller's slot until the
/// visitor runs: `visit_type` consumes its visitor and calls it only when the type has a Rust type, and otherwise
/// the caller runs the job on values.
struct ThroughType<'a> {
    slot: &'a mut Option<Job>,
    options: &'a DecodeOptions,
}

impl TypeVisitor for ThroughType<'_> {
    type Output = Result<Outcome, Failure>;

    fn visit<T: Typed>(self) -> Self::Output {
        let Some(job) = self.slot.take() else {
            return Err(Failure::Internal("the testee's job was run twice".to_owned()));
        };
        let (ty, options) = (Type::Named(T::TYPE), self.options);
        Ok(match job {
            // The struct's value, checked again: what a user of the struct holds, in canonical form.
            Job::Decode(frame) => Outcome::Value(check(ty, decode_with::<T>(frame, options)?.to_value(), options)?),
            Job::Validate(frame) => decode_with::<T>(frame, options).map(|_| Outcome::Ok)?,
            Job::Reencode(frame) => Outcome::Hex(encode(&decode_with::<T>(frame, options)?)?),
            Job::Encode(value) => Outcome::Hex(encode(&T::from_value(check(ty, value, options)?)?)?),
        })
    }
}

/// Runs a job on [`Value`]s as `ty` (`any`, and named types without a Rust type of their own: aliases).
fn through_value(ty: Type, job: Job, options: &DecodeOptions) -> Result<Outcome, Error> {
    match job {
        Job::Decode(frame) => decode_as(ty, frame, options).map(Outcome::Value),
        Job::Validate(frame) => decode_as(ty, frame, options).map(|_| Outcome::Ok),
        Job::Reencode(frame) => encode_as(ty, decode_as(ty, frame, options)?, options).map(Outcome::Hex),
        Job::Encode(value) => encode_as(ty, value, options).map(Outcome::Hex),
    }
}

/// The frame of a request's `hex`.
fn frame_of(request: &Json) -> Result<Bytes, BadRequest> {
    match request.get("hex") {
        Some(Json::Str(h)) => from_hex(h)
            .map(Bytes::from)
            .ok_or_else(|| BadRequest("hex must be hex".to_owned())),
        _ => Err(BadRequest("hex must be hex".to_owned())),
    }
}

/// The response to one request, as JSON text.
fn answer(request: &Json) -> Result<String, Failure> {
    let op = match request.get("op") {
        Some(Json::Str(op)) => op.as_str(),
        other => {
            let mut text = String::new();
            push_js_string(&mut text, &format!("unknown op {}", other.map_or("(none)", Json::kind)));
            return Ok(format!("{{\"ok\":false,\"skipped\":{text}}}"));
        }
    };
    if op == "hello" {
        let mut out = String::from("{\"ok\":true,\"name\":\"vmp-protocol\",\"version\":");
        push_js_string(&mut out, vmp_protocol::VERSION);
        out.push_str(",\"ops\":[\"decode\",\"encode\",\"reencode\",\"validate\"]}");
        return Ok(out);
    }
    if !OPS.contains(&op) {
        let mut text = String::new();
        push_js_string(&mut text, &format!("unknown op {op:?}"));
        return Ok(format!("{{\"ok\":false,\"skipped\":{text}}}"));
    }
    let options = match request.get("options") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Obj(members)) => members.clone(),
        Some(other) => return Err(BadRequest(format!("options must be an object, not {}", other.kind())).into()),
    };
    if let Some((k, _)) = options.iter().find(|(k, _)| !OPTIONS.contains(&k.as_str())) {
        let mut text = String::new();
        push_js_string(&mut text, &format!("option {k} is not supported"));
        return Ok(format!("{{\"ok\":false,\"skipped\":{text}}}"));
    }
    let strict_ztype = options
        .iter()
        .any(|(k, v)| k == "strictZType" && *v == Json::Bool(true));
    let decode_options = DecodeOptions {
        strict_ztype,
        ..DecodeOptions::default()
    };

    let type_name = match request.get("type") {
        Some(Json::Str(t)) => t.as_str(),
        _ => return Err(BadRequest("type must be a string".to_owned()).into()),
    };
    let named: Option<&'static Named> = if type_name == "any" {
        None
    } else {
        Some(vmp_protocol::schema::named(type_name).ok_or_else(|| BadRequest(format!("unknown type {type_name:?}")))?)
    };
    let job = match op {
        "decode" => Job::Decode(frame_of(request)?),
        "validate" => Job::Validate(frame_of(request)?),
        "reencode" => Job::Reencode(frame_of(request)?),
        _ => Job::Encode(from_typed(
            request
                .get("value")
                .ok_or_else(|| BadRequest("encode needs a value".to_owned()))?,
        )?),
    };
    let outcome = match named {
        None => through_value(Type::Any, job, &decode_options)?,
        Some(named) => {
            let mut slot = Some(job);
            let visited = vmp_protocol::schema::visit_type(
                type_name,
                ThroughType {
                    slot: &mut slot,
                    options: &decode_options,
                },
            );
            match (visited, slot) {
                (Some(result), _) => result?,
                (None, Some(job)) => through_value(Type::Named(named), job, &decode_options)?,
                (None, None) => return Err(Failure::Internal("the testee's job was taken but not run".to_owned())),
            }
        }
    };
    Ok(match outcome {
        Outcome::Value(v) => format!("{{\"ok\":true,\"value\":{}}}", typed_json(&v)),
        Outcome::Hex(bytes) => format!("{{\"ok\":true,\"hex\":\"{}\"}}", hex(&bytes)),
        Outcome::Ok => "{\"ok\":true}".to_owned(),
    })
}

/// A response that reports an error: its kind, its path (VMP errors only) and a message.
pub(crate) fn error_json(kind: &str, path: Option<&str>, message: &str) -> String {
    let mut out = String::from("{\"ok\":false,\"error\":{\"kind\":");
    push_js_string(&mut out, kind);
    if let Some(path) = path {
        out.push_str(",\"path\":");
        push_js_string(&mut out, path);
    }
    out.push_str(",\"message\":");
    push_js_string(&mut out, message);
    out.push_str("}}");
    out
}

/// Answers a request frame's text; never panics (a panic inside the binding is answered as `Internal`).
pub(crate) fn handle(text: &str) -> String {
    match parse_json(text) {
        Ok(request @ Json::Obj(_)) => respond(&request),
        Ok(other) => error_json(
            "BadRequest",
            None,
            &format!("a request must be a JSON object, not {}", other.kind()),
        ),
        Err(e) => error_json("BadRequest", None, &format!("the request is not JSON: {e}")),
    }
}

/// Answers a request object; never panics (a panic inside the binding is answered as `Internal`).
pub fn respond(request: &Json) -> String {
    match panic::catch_unwind(AssertUnwindSafe(|| answer(request))) {
        Ok(Ok(response)) => response,
        Ok(Err(Failure::Vmp(e))) => error_json(e.kind().as_str(), Some(&e.path_string()), e.message()),
        Ok(Err(Failure::Bad(BadRequest(message)))) => error_json("BadRequest", None, &message),
        Ok(Err(Failure::Internal(message))) => error_json("Internal", None, &message),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_owned());
            error_json("Internal", None, &format!("panic: {what}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SPEC §3.10: the SET event, canonical and as msgpackr writes it.
    const SET: &str = "83a27473cf0000018bcfe56800a56574797065a3534554a46461746183a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90";
    const SET_MSGPACKR: &str = "de0003a27473cb4278bcfe56800000a56574797065a3534554a464617461de0003a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90";
    const SET_JSON: &str = r#"{"ts":1700000000000,"etype":"SET","data":{"tag":"Scene","key":"root","children":[]}}"#;

    #[test]
    fn ops_answer_through_the_binding() {
        let msgpackr = SET_MSGPACKR;
        assert_eq!(
            handle(&format!(r#"{{"op":"decode","type":"SetEvent","hex":"{SET}"}}"#)),
            format!(r#"{{"ok":true,"value":{SET_JSON}}}"#)
        );
        assert_eq!(
            handle(&format!(r#"{{"op":"decode","type":"SetEvent","hex":"{msgpackr}"}}"#)),
            format!(r#"{{"ok":true,"value":{SET_JSON}}}"#),
            "msgpackr's float64 ts reads as the integer"
        );
        assert_eq!(
            handle(&format!(r#"{{"op":"encode","type":"SetEvent","value":{SET_JSON}}}"#)),
            format!(r#"{{"ok":true,"hex":"{SET}"}}"#)
        );
        assert_eq!(
            handle(&format!(r#"{{"op":"reencode","type":"SetEvent","hex":"{msgpackr}"}}"#)),
            format!(r#"{{"ok":true,"hex":"{SET}"}}"#)
        );
        assert_eq!(
            handle(&format!(r#"{{"op":"validate","type":"any","hex":"{SET}"}}"#)),
            r#"{"ok":true}"#
        );
        // A float32 stays a float32 in a free-form value; an alias (no Rust type) decodes through values.
        assert_eq!(
            handle(r#"{"op":"decode","type":"any","hex":"ca3fc00000"}"#),
            r#"{"ok":true,"value":{"$f32":1.5}}"#
        );
        assert_eq!(
            handle(r#"{"op":"decode","type":"Timestamp","hex":"cd0100"}"#),
            r#"{"ok":true,"value":256}"#
        );
        // Errors carry the kind and the path.
        let missing = handle(r#"{"op":"encode","type":"SetEvent","value":{"ts":1,"etype":"SET"}}"#);
        assert!(
            missing.starts_with(r#"{"ok":false,"error":{"kind":"MissingField","path":"data""#),
            "{missing}"
        );
        let trailing = handle(r#"{"op":"validate","type":"any","hex":"c0c0"}"#);
        assert!(
            trailing.starts_with(r#"{"ok":false,"error":{"kind":"TrailingBytes","path":"(root)""#),
            "{trailing}"
        );
        let bad_hex = handle(r#"{"op":"decode","type":"any","hex":"c"}"#);
        assert!(
            bad_hex.starts_with(r#"{"ok":false,"error":{"kind":"BadRequest""#),
            "{bad_hex}"
        );
    }

    #[test]
    fn strict_ztype_is_an_option() {
        // `{ztype: "x.y", b: h'00'}`: opaque by default, UnknownZType when strict.
        let frame = "82a57a74797065a3782e79a162c40100";
        let lenient = handle(&format!(r#"{{"op":"decode","type":"any","hex":"{frame}"}}"#));
        assert_eq!(lenient, r#"{"ok":true,"value":{"ztype":"x.y","b":{"$bin":"00"}}}"#);
        let strict = handle(&format!(
            r#"{{"op":"decode","type":"any","hex":"{frame}","options":{{"strictZType":true}}}}"#
        ));
        assert!(
            strict.starts_with(r#"{"ok":false,"error":{"kind":"UnknownZType""#),
            "{strict}"
        );
    }

    #[test]
    fn vmp_errors_name_kind_and_path() {
        let e = Error::new(vmp_protocol::ErrorKind::MissingField, "required field is missing")
            .in_index(0)
            .in_key("nodes")
            .in_key("data");
        let text = error_json(e.kind().as_str(), Some(&e.path_string()), e.message());
        assert_eq!(
            text,
            r#"{"ok":false,"error":{"kind":"MissingField","path":"data.nodes[0]","message":"required field is missing"}}"#
        );
    }
}
