/**
 * The six envelopes (SPEC §4): each with its minimal and its full field set, `nil` in optional fields
 * (kept distinct from absent), `ts` at its edges, and the vrpc-py RPC requests and responses E10–E14 whose bytes
 * are the canonical ones. Key order is the envelope's declaration order; decoders accept any order.
 */
import { array, f64, int, map, nil, str, type Value } from "../../reference/src/value/model.js";
import { RawWriter } from "../../reference/src/wire/raw.js";
import { hex, invalid, js, valid, type InvalidRecipe, type ManifestRecipe, type ValidRecipe } from "../src/recipe.js";

const TS = 1700000000000;
const w = () => new RawWriter();
/** The canonical bytes of a plain JS value (maps in the order written), for hand-ordered and invalid inputs. */
const enc = (x: unknown) => w().value(js(x));

/** A server event `{ts, etype, data}` whose ts is written by `tsBytes`, for the ts edge vectors. */
const serverEventWithTs = (tsBytes: (r: RawWriter) => RawWriter) =>
  tsBytes(w().fixmap(3).fixstr("ts")).fixstr("etype").fixstr("PING").fixstr("data").nil();

function message(): ValidRecipe[] {
  return [
    valid("envelope.message.minimal", "Message requires only etype: {etype} alone is a complete message", js({ etype: "HELLO" }), { type: "Message" }),
    valid("envelope.message.user-etype", "a user-defined etype (HELLO, from the vuer docs) is a plain Message with a free-form data", js({ ts: TS, etype: "HELLO", data: { text: "hi", count: 3 } }), {
      type: "Message",
      alternatives: [[enc({ etype: "HELLO", data: { text: "hi", count: 3 }, ts: TS }), "etype and data before ts: any key order decodes"]],
    }),
    valid(
      "envelope.message.full",
      "every Message field, in declaration order: ts, etype, rtype, args, kwargs, data, value, ok, error, key, uuid",
      js({ ts: TS, etype: "HELLO", rtype: "HELLO_RESPONSE@u-1", args: [1, "two"], kwargs: { speed: 1.5 }, data: { x: 1 }, value: [true], ok: true, error: "none", key: "box1", uuid: "u-1" }),
      {
        type: "Message",
        alternatives: [[
          enc({ uuid: "u-1", key: "box1", error: "none", ok: true, value: [true], data: { x: 1 }, kwargs: { speed: 1.5 }, args: [1, "two"], rtype: "HELLO_RESPONSE@u-1", etype: "HELLO", ts: TS }),
          "every field in reverse order",
        ]],
      },
    ),
    valid(
      "envelope.message.nil-optional",
      "vrpc-ts sends nil for unset args, kwargs, data, value and error: each stays nil (c0), distinct from an absent field",
      js({ ts: TS, etype: "HELLO", args: null, kwargs: null, data: null, value: null, error: null }),
      { type: "Message" },
    ),
    valid("envelope.message.empty-args", "empty args [] and kwargs {} are present and empty, not nil and not absent", js({ ts: TS, etype: "HELLO", args: [], kwargs: {} }), { type: "Message" }),
    valid("envelope.message.kwargs-order", "kwargs is a free-form map: producer order b, a, 10, 2 is kept (integer-like keys included)", map([
      ["ts", int(TS)], ["etype", str("HELLO")], ["kwargs", map([["b", int(1)], ["a", int(2)], ["10", nil], ["2", f64(1)]])],
    ]), { type: "Message" }),
    valid("envelope.message.float-in-data", "data is free-form: an integral float64 1.0 stays float64 (cb 3f f0…), never the integer 1", js({ ts: TS, etype: "HELLO", data: f64(1) }), { type: "Message" }),
  ];
}

function serverEvent(): ValidRecipe[] {
  return [
    valid("envelope.server-event.minimal", "ServerEvent requires ts, etype and data; data may be nil", js({ ts: TS, etype: "PING", data: null }), { type: "ServerEvent" }),
    valid("envelope.server-event.data", "a server event with a free-form data map, in vrpc-py's order ts, etype, data", js({ ts: TS, etype: "NOTIFY", data: { message: "saved", level: 2 } }), {
      type: "ServerEvent",
      alternatives: [[enc({ ts: TS, data: { message: "saved", level: 2 }, etype: "NOTIFY" }), "the vuer server's order ts, data, etype"]],
    }),
    valid("envelope.ts.zero", "ts = 0 is a legitimate timestamp and stays 0 (00); vrpc-py's `ts or now()` replaces it, which is wrong (E15)", js({ ts: 0, etype: "PING", data: null }), {
      type: "ServerEvent",
      alternatives: [[serverEventWithTs((r) => r.uint64(0)), "ts 0 as uint64"], [serverEventWithTs((r) => r.float64(0)), "ts 0 as float64 0.0: an integral float in an integer field is that integer"], [serverEventWithTs((r) => r.float64(-0)), "ts as float64 -0.0, which reads as 0"]],
    }),
    valid("envelope.ts.uint32-max", "ts 2^32-1 is the largest uint32 ts (ce ff ff ff ff)", js({ ts: 4294967295, etype: "PING", data: null }), {
      type: "ServerEvent",
      alternatives: [[serverEventWithTs((r) => r.int64(4294967295)), "int64 d3, as Swift writes Int64"]],
    }),
    valid("envelope.ts.2-32", "ts 2^32 needs uint64 (cf 00 00 00 01 00 00 00 00); msgpackr writes it as float64 cb 41 f0…", js({ ts: 4294967296, etype: "PING", data: null }), {
      type: "ServerEvent",
      alternatives: [[serverEventWithTs((r) => r.float64(4294967296)), "float64 2^32, as msgpackr writes integers >= 2^32"], [serverEventWithTs((r) => r.int64(4294967296)), "int64 d3"]],
    }),
    valid("envelope.ts.today", "today's ts in ms (1700000000000) is uint64 cf 00 00 01 8b cf e5 68 00", js({ ts: TS, etype: "PING", data: null }), {
      type: "ServerEvent",
      alternatives: [[serverEventWithTs((r) => r.float64(TS)), "float64, as Date.now() through msgpackr"], [serverEventWithTs((r) => r.int64(TS)), "int64 d3, as Swift writes Int64"]],
    }),
    valid("envelope.ts.beyond-float", "ts 2^53+1 is exact on the wire though no float64 holds it: bindings must not round it", js({ ts: 9007199254740993n, etype: "PING", data: null }), { type: "ServerEvent" }),
    valid("envelope.ts.uint64-max", "ts 2^64-1, the largest Timestamp (uint64)", js({ ts: 2n ** 64n - 1n, etype: "PING", data: null }), { type: "ServerEvent" }),
  ];
}

function clientEvent(): ValidRecipe[] {
  return [
    valid("envelope.client-event.minimal", "ClientEvent requires only etype: the browser sends events without ts (decoders report ts absent)", js({ etype: "MOUSE_CLICK" }), { type: "ClientEvent" }),
    valid("envelope.client-event.no-ts", "a client event with key and value but no ts, as the browser sends MOUSE_CLICK", js({ etype: "MOUSE_CLICK", value: { pointerX: 0.25, pointerY: -0.5 }, key: "ground" }), { type: "ClientEvent" }),
    valid("envelope.client-event.full", "every ClientEvent field in declaration order: ts, etype, value, key, rtype", js({ ts: TS, etype: "ADD_MARKER", value: { position: [f64(0), f64(1), f64(0)], radius: 0.1 }, key: "marker-layer", rtype: "ADD_MARKER_RESPONSE@u-9" }), {
      type: "ClientEvent",
      alternatives: [[enc({ ts: TS, etype: "ADD_MARKER", key: "marker-layer", rtype: "ADD_MARKER_RESPONSE@u-9", value: { position: [f64(0), f64(1), f64(0)], radius: 0.1 } }), "key and rtype before value"]],
    }),
    valid("envelope.client-event.value-nil", "value nil is kept as nil (vrpc-ts sends unset fields as nil), distinct from an absent value", js({ ts: TS, etype: "MOUSE_CLICK", value: null, key: "ground" }), { type: "ClientEvent" }),
    valid("envelope.client-event.e08", "vrpc-py E08 create_client_event(CAMERA_MOVE, value={matrix:[1,0,0,1]}, key): canonical as ClientEvent; CameraMoveEvent would reject the 4-item matrix", js({ ts: TS, etype: "CAMERA_MOVE", value: { matrix: [1, 0, 0, 1] }, key: "defaultCamera" }), { type: "ClientEvent" }),
    valid("envelope.client-event.e09", "vrpc-py E09 create_client_event(RPC, value={}, rtype=RESPONSE): value {} then rtype; a ClientEvent, not the server's RpcEvent", js({ ts: TS, etype: "RPC", value: {}, rtype: "RESPONSE" }), { type: "ClientEvent" }),
  ];
}

function rpc(): ValidRecipe[] {
  return [
    valid("envelope.rpc-request.minimal", "RpcRequest requires ts, etype and rtype", js({ ts: TS, etype: "PING", rtype: "rpc-1" }), { type: "RpcRequest" }),
    valid("envelope.rpc-request.e10", "vrpc-py E10 create_rpc_request(CAMERA:main, rpc-123, args=[1,2], kwargs={duration:1.5}): ts, etype, rtype, args, kwargs", js({ ts: TS, etype: "CAMERA:main", rtype: "rpc-123", args: [1, 2], kwargs: { duration: 1.5 } }), {
      type: "RpcRequest",
      alternatives: [[enc({ kwargs: { duration: 1.5 }, args: [1, 2], rtype: "rpc-123", etype: "CAMERA:main", ts: TS }), "fields in reverse order"]],
    }),
    valid("envelope.rpc-request.e11", "vrpc-py E11 create_rpc_request(RENDER, RENDER_RESULT, uuid=req-123): uuid last", js({ ts: TS, etype: "RENDER", rtype: "RENDER_RESULT", uuid: "req-123" }), { type: "RpcRequest" }),
    valid("envelope.rpc-request.nil-args", "vrpc-ts sends unset args and kwargs as nil: both stay nil, distinct from absent", js({ ts: TS, etype: "PING", rtype: "rpc-7", args: null, kwargs: null }), { type: "RpcRequest" }),
    valid("envelope.server-rpc-request.minimal", "ServerRpcRequest requires ts, etype, data and uuid (the vuer server's ServerRPC has no formatted rtype)", js({ ts: TS, etype: "CUSTOM_RPC", data: null, uuid: "u-3" }), { type: "ServerRpcRequest" }),
    valid("envelope.server-rpc-request.full", "every ServerRpcRequest field in declaration order: ts, etype, rtype, key, data, uuid", js({ ts: TS, etype: "CUSTOM_RPC", rtype: "CUSTOM_RPC_RESPONSE@u-3", key: "widget", data: { n: 1 }, uuid: "u-3" }), {
      type: "ServerRpcRequest",
      alternatives: [[enc({ uuid: "u-3", ts: TS, data: { n: 1 }, etype: "CUSTOM_RPC", key: "widget", rtype: "CUSTOM_RPC_RESPONSE@u-3" }), "the vuer server's order: uuid, ts, data, etype, key, rtype"]],
    }),
    valid("envelope.rpc-response.minimal", "RpcResponse requires only etype", js({ etype: "rpc-123" }), { type: "RpcResponse" }),
    valid("envelope.rpc-response.e12", "vrpc-py E12 create_rpc_response(rpc-123, data={position:[1,2,3]}): success carries ok true and error nil, then data", js({ ts: TS, etype: "rpc-123", ok: true, error: null, data: { position: [1, 2, 3] } }), { type: "RpcResponse" }),
    valid("envelope.rpc-response.e13", "vrpc-py E13 create_rpc_response(rpc-123, ok=False, error=Not found): failure carries ok false and the message", js({ ts: TS, etype: "rpc-123", ok: false, error: "Not found" }), { type: "RpcResponse" }),
    valid("envelope.rpc-response.e14", "vrpc-py E14 create_rpc_response(rpc-123, value={status:done}): the payload in value", js({ ts: TS, etype: "rpc-123", ok: true, error: null, value: { status: "done" } }), { type: "RpcResponse" }),
    valid("envelope.rpc-response.no-error", "vrpc-rs RpcResponse::success omits error: absent stays absent (not nil); E12 rs to_vec_named reordered", js({ ts: TS, etype: "rpc-123", ok: true, data: { position: [1, 2, 3] } }), {
      type: "RpcResponse",
      alternatives: [[hex("84a27473cf0000018bcfe56800a56574797065a77270632d313233a46461746181a8706f736974696f6e93010203a26f6bc3"), "vrpc-rs to_vec_named (upstream E12): data before ok"]],
    }),
    valid("envelope.rpc-response.all-fields", "every RpcResponse field in declaration order: ts, etype, ok, error, data, value, key", js({ ts: TS, etype: "GRAB_RENDER_RESPONSE@u-1", ok: true, error: null, data: null, value: { done: true }, key: "cam" }), { type: "RpcResponse" }),
  ];
}

/** An envelope map with one field replaced (or removed with `undefined`). */
const withField = (base: Record<string, unknown>, key: string, v: unknown) => {
  const o: Record<string, unknown> = { ...base };
  if (v === undefined) delete o[key];
  else o[key] = v;
  return enc(o);
};
const SERVER = { ts: TS, etype: "PING", data: null };

function invalids(): InvalidRecipe[] {
  const arrayOf = (...items: Value[]) => w().value(array(items));
  return [
    invalid("envelope.not-a-map.bin", "a bare bin read as an AddEvent: a message is a map, WrongType at the root (SPEC §4.6)", hex("c400"), "WrongType", { type: "AddEvent", path: [] }),
    invalid("envelope.message.missing-etype", "a Message without etype cannot be dispatched", enc({ ts: TS, data: 1 }), "MissingField", { type: "Message", path: ["etype"] }),
    invalid("envelope.message.empty-etype", "etype must be a non-empty string (pattern ^.+$)", enc({ ts: TS, etype: "" }), "InvalidValue", { type: "Message", path: ["etype"] }),
    invalid("envelope.message.etype-int", "etype must be a string, not an integer", enc({ ts: TS, etype: 7 }), "WrongType", { type: "Message", path: ["etype"] }),
    invalid("envelope.message.unknown-field", "Message is closed: an unknown top-level field is rejected", enc({ ts: TS, etype: "HELLO", extra: 1 }), "InvalidValue", { type: "Message", path: ["extra"] }),
    invalid("envelope.message.args-map", "args is an array or nil, not a map", enc({ ts: TS, etype: "HELLO", args: { a: 1 } }), "WrongType", { type: "Message", path: ["args"] }),
    invalid("envelope.message.kwargs-bin", "kwargs is a map or nil, not a bin (found by fuzzing: a bin must not pass for a map)", enc({ ts: TS, etype: "HELLO", kwargs: new Uint8Array(0) }), "WrongType", { type: "Message", path: ["kwargs"] }),
    invalid("envelope.message.etype-cr", "etype \"\\r\": the pattern ^.+$ is ECMA-262's, whose . matches no line terminator (found by fuzzing)", enc({ ts: TS, etype: "\r" }), "InvalidValue", { type: "Message", path: ["etype"] }),
    invalid("envelope.message.etype-line-separator", "etype \"A\\u2028B\": U+2028 is a line terminator for ECMA-262's .", enc({ ts: TS, etype: "A\u2028B" }), "InvalidValue", { type: "Message", path: ["etype"] }),
    invalid("envelope.message.etype-final-newline", "etype \"A\\n\": ECMA-262's $ is the end of the input, not a final newline", enc({ ts: TS, etype: "A\n" }), "InvalidValue", { type: "Message", path: ["etype"] }),
    invalid("envelope.message.kwargs-array", "kwargs is a map or nil, not an array", enc({ ts: TS, etype: "HELLO", kwargs: [1] }), "WrongType", { type: "Message", path: ["kwargs"] }),
    invalid("envelope.server-event.missing-data", "ServerEvent requires data: it may be nil but not absent", withField(SERVER, "data", undefined), "MissingField", { type: "ServerEvent", path: ["data"] }),
    invalid("envelope.server-event.missing-ts", "a server event must carry ts (only client events may omit it)", withField(SERVER, "ts", undefined), "MissingField", { type: "ServerEvent", path: ["ts"] }),
    invalid("envelope.ts.negative", "ts is uint64: -1 is out of range", withField(SERVER, "ts", -1), "IntegerOutOfRange", { type: "ServerEvent", path: ["ts"] }),
    invalid("envelope.ts.int64-min", "ts as int64 -2^63 (d3 80 00…) is out of the uint64 range", serverEventWithTs((r) => r.int64(-(2n ** 63n))), "IntegerOutOfRange", { type: "ServerEvent", path: ["ts"] }),
    invalid("envelope.ts.negative-float", "ts as float64 -1.0: integral, so read as the integer -1, which is out of range", serverEventWithTs((r) => r.float64(-1)), "IntegerOutOfRange", { type: "ServerEvent", path: ["ts"] }),
    invalid("envelope.ts.fraction", "ts as float64 1.5 is not an integer millisecond", serverEventWithTs((r) => r.float64(1.5)), "WrongType", { type: "ServerEvent", path: ["ts"] }),
    invalid("envelope.ts.nan", "ts as float64 NaN is not an integer", serverEventWithTs((r) => r.float64(NaN)), "WrongType", { type: "ServerEvent", path: ["ts"] }),
    invalid("envelope.ts.string", "ts as a string (an ISO date) is the wrong type", withField(SERVER, "ts", "2023-11-14T22:13:20Z"), "WrongType", { type: "ServerEvent", path: ["ts"] }),
    invalid("envelope.client-event.ts-negative", "a client event's ts, when present, is uint64 too", enc({ ts: -5, etype: "MOUSE_CLICK" }), "IntegerOutOfRange", { type: "ClientEvent", path: ["ts"] }),
    invalid("envelope.client-event.data-field", "ClientEvent is closed and carries value, not data", enc({ ts: TS, etype: "MOUSE_CLICK", data: 1 }), "InvalidValue", { type: "ClientEvent", path: ["data"] }),
    invalid("envelope.rpc-request.missing-rtype", "RpcRequest requires rtype: the response is correlated by it", enc({ ts: TS, etype: "PING" }), "MissingField", { type: "RpcRequest", path: ["rtype"] }),
    invalid("envelope.server-rpc-request.missing-uuid", "ServerRpcRequest requires uuid", enc({ ts: TS, etype: "CUSTOM_RPC", data: null }), "MissingField", { type: "ServerRpcRequest", path: ["uuid"] }),
    invalid("envelope.rpc-response.ok-string", "ok is a boolean, not the string \"true\"", enc({ ts: TS, etype: "rpc-123", ok: "true", error: null }), "WrongType", { type: "RpcResponse", path: ["ok"] }),
    invalid("envelope.rpc-response.error-int", "error is a string or nil, not an error code", enc({ ts: TS, etype: "rpc-123", ok: false, error: 404 }), "WrongType", { type: "RpcResponse", path: ["error"] }),
    invalid(
      "envelope.rpc-response.positional",
      "vrpc-rs E13 to_vec writes envelopes as positional arrays [ts, etype, ok, error] (N10): a message is a map",
      arrayOf(int(TS), str("rpc-123"), { kind: "bool", value: false }, str("Not found")),
      "WrongType",
      { type: "RpcResponse", path: [] },
    ),
  ];
}

export const envelopes: ManifestRecipe = {
  manifest: "envelopes",
  description: "The six envelopes: minimal and full field sets, nil versus absent, ts edges, vrpc-py RPC requests and responses.",
  vectors: [...message(), ...serverEvent(), ...clientEvent(), ...rpc(), ...invalids()],
};
