/**
 * Decode-only forms seen in the wild (SPEC §4.7): each vector's value is the canonical reading and its
 * alternatives hold the real upstream bytes, verbatim. msgpackr (vrpc-ts and the browser) writes map16 headers
 * and a float64 ts; the vuer server writes `ts, data, etype`, puts `uuid` first on its RPCs and packs every float
 * as float32; Swift writes ts as int64; vrpc-ts writes typed arrays as `{ztype: "Float32Array", b, length}`.
 */
import { bin, f32, f64, f64Bits, type Value } from "../../reference/src/value/model.js";
import { RawWriter } from "../../reference/src/wire/raw.js";
import { hex, invalid, js, valid, type ManifestRecipe, type ValidRecipe, type VectorRecipe } from "../src/recipe.js";
import { ndarray } from "./zdata.js";

const TS = 1700000000000;
const server = (etype: string, data: unknown, extra: Record<string, unknown> = {}) => ({ ts: TS, etype, data, ...extra });
const F32 = (bits: number): Value => f32(new DataView(Uint32Array.of(bits).buffer).getFloat32(0, true));

/** One upstream frame: the canonical value as `type`, decoded from the upstream bytes `hexes` (note, hex). */
const seen = (id: string, type: string, description: string, value: unknown, ...alternatives: [string, string][]): ValidRecipe =>
  valid(`wild.${id}`, description, js(value), { type, alternatives: alternatives.map(([note, h]) => [hex(h), note] as const) });

const MSGPACKR = "msgpackr (vrpc-ts): map16 headers, ts as float64 cb 42 78 bc fe 56 80 00 00";
const VUER = "the vuer server (upstream V-vector): keys ts, data, etype";

function msgpackr(): ValidRecipe[] {
  return [
    seen("e01", "SetEvent", "upstream E01, the same SET from vrpc-ts, vrpc-rs (to_vec_named sorts data's keys) and Swift (ts as int64 d3)", server("SET", { tag: "Scene", key: "root", children: [] }),
      [MSGPACKR, "de0003a27473cb4278bcfe56800000a56574797065a3534554a464617461de0003a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90"],
      ["vrpc-rs to_vec_named: data keys sorted (children, key, tag)", "83a27473cf0000018bcfe56800a56574797065a3534554a46461746183a86368696c6472656e90a36b6579a4726f6f74a3746167a55363656e65"],
      ["Swift (inferred): ts as int64 d3 00 00 01 8b cf e5 68 00", "83a27473d30000018bcfe56800a56574797065a3534554a46461746183a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90"]),
    seen("e02", "AddEvent", "upstream E02 as vrpc-ts writes it: map16 at every level, float64 ts", server("ADD", { nodes: [{ tag: "Box", key: "box1", position: [0, 0, 0] }], to: "children" }),
      [MSGPACKR, "de0003a27473cb4278bcfe56800000a56574797065a3414444a464617461de0002a56e6f64657391de0003a3746167a3426f78a36b6579a4626f7831a8706f736974696f6e93000000a2746fa86368696c6472656e"]),
    seen("e04", "UpdateEvent", "upstream E04 as vrpc-ts writes it", server("UPDATE", { nodes: [{ key: "box1", position: [1, 0, 0] }] }),
      [MSGPACKR, "de0003a27473cb4278bcfe56800000a56574797065a6555044415445a464617461de0001a56e6f64657391de0002a36b6579a4626f7831a8706f736974696f6e93010000"]),
    seen("e06", "RemoveEvent", "upstream E06 as vrpc-ts writes it", server("REMOVE", { keys: ["box1", "box2"] }),
      [MSGPACKR, "de0003a27473cb4278bcfe56800000a56574797065a652454d4f5645a464617461de0001a46b65797392a4626f7831a4626f7832"]),
    seen("e07", "TimeoutEvent", "upstream E07 packed the vuer way (use_single_float): timeout 1.5 as float32 ca 3f c0 00 00, widened to float64", server("TIMEOUT", { timeout: 1.5, fn: "updateScene" }),
      ["vuer packing: timeout as float32", "83a27473cf0000018bcfe56800a56574797065a754494d454f5554a46461746182a774696d656f7574ca3fc00000a2666eab7570646174655363656e65"]),
    seen("e10", "Message", "upstream E10 from vrpc-ts createRPCRequest: it also sends data and value as nil, which RpcRequest (closed) has no fields for, so the envelope is Message", { ts: TS, etype: "CAMERA:main", rtype: "rpc-123", args: [1, 2], kwargs: { duration: 1.5 }, data: null, value: null },
      ["vrpc-ts createRPCRequest: map16, float64 ts, unset data and value as nil", "de0007a27473cb4278bcfe56800000a56574797065ab43414d4552413a6d61696ea57274797065a77270632d313233a461726773920102a66b7761726773de0001a86475726174696f6ecb3ff8000000000000a464617461c0a576616c7565c0"]),
    seen("e12", "RpcResponse", "upstream E12 from vrpc-ts createRPCResponse: data and value before ok and error, value nil (kept, not dropped)", { ts: TS, etype: "rpc-123", ok: true, error: null, data: { position: [1, 2, 3] }, value: null },
      ["vrpc-ts createRPCResponse: ts, etype, data, value, ok, error", "de0006a27473cb4278bcfe56800000a56574797065a77270632d313233a464617461de0001a8706f736974696f6e93010203a576616c7565c0a26f6bc3a56572726f72c0"]),
    seen("e16", "any", "upstream E16: vrpc-ts serialize turns {a: undefined, b: 1} into a nil a, map16 header", { a: null, b: 1 },
      ["vrpc-ts serialize", "de0002a161c0a16201"]),
    seen("v16", "InitEvent", "upstream V16: the browser's INIT, map16 and no ts (the server fills it in)", { etype: "INIT" },
      ["msgpackr pack({etype: INIT})", "de0001a56574797065a4494e4954"]),
    seen("v17", "GrabRenderResponse", "upstream V17: the browser's GRAB_RENDER reply: key before value, dpr the integer 2 (msgpackr), canonical float64 2.0", { ts: TS, etype: "GRAB_RENDER_RESPONSE@u-1", value: { dpr: 2, width: 640, height: 480, frame: bin(hex("ffd8ffd9")) }, key: "cam" },
      ["msgpackr, as camera_view.tsx sends it", "de0004a27473cb4278bcfe56800000a56574797065b8475241425f52454e4445525f524553504f4e534540752d31a36b6579a363616da576616c7565de0004a364707202a57769647468cd0280a6686569676874cd01e0a56672616d65c404ffd8ffd9"]),
    seen("v18", "CameraMoveEvent", "upstream V18: the scene's CAMERA_MOVE without ts; the integral position items become float64 and height, width follow CameraState's declaration order", { etype: "CAMERA_MOVE", value: { camera: { position: [0, 0, 1.5], width: 800, height: 600 } }, key: "defaultCamera" },
      ["msgpackr, as scene.tsx sends it", "de0003a56574797065ab43414d4552415f4d4f5645a36b6579ad64656661756c7443616d657261a576616c7565de0001a663616d657261de0003a8706f736974696f6e930000cb3ff8000000000000a57769647468cd0320a6686569676874cd0258"]),
    seen("v19", "ObjectMoveEvent", "upstream V19: the browser's OBJECT_MOVE, integral floats written as ints by msgpackr", { ts: TS, etype: "OBJECT_MOVE", value: { position: [0.5, 0, 0], quaternion: [0, 0, 0, 1] }, key: "m" },
      ["msgpackr, as movables.tsx sends it", "de0004a27473cb4278bcfe56800000a56574797065ab4f424a4543545f4d4f5645a36b6579a16da576616c7565de0002a8706f736974696f6e93cb3fe00000000000000000aa7175617465726e696f6e9400000001"]),
    seen("ts.int64", "ClientEvent", "a client event whose ts is int64 d3 (Swift's Int64, upstream N02): the same integer as uint64", { ts: TS, etype: "HELLO" },
      ["ts as int64", "82a27473d30000018bcfe56800a56574797065a548454c4c4f"]),
  ];
}

function vuer(): ValidRecipe[] {
  const box1 = { tag: "Box", key: "box1" };
  return [
    seen("v01", "SetEvent", "upstream V01: Set(Scene(key=root)); up [0, 1, 0] as ints becomes float64 (Vector3)", server("SET", { tag: "Scene", key: "root", up: [0, 1, 0] }),
      [VUER, "83a27473cf0000018bcfe56800a46461746183a36b6579a4726f6f74a3746167a55363656e65a2757093000100a56574797065a3534554"]),
    seen("v02", "SetEvent", "upstream V02: a Scene with a Box child; the element's key/tag reorder to tag, key", server("SET", { tag: "Scene", key: "root", up: [0, 1, 0], children: [{ ...box1, position: [0, 0, 0] }] }),
      [VUER, "83a27473cf0000018bcfe56800a46461746184a86368696c6472656e9183a36b6579a4626f7831a3746167a3426f78a8706f736974696f6e93000000a36b6579a4726f6f74a3746167a55363656e65a2757093000100a56574797065a3534554"]),
    seen("v03", "AddEvent", "upstream V03: Add with to nil; the float32 0.5 in a free-form prop stays float32 (only schema float fields widen)", server("ADD", { nodes: [{ ...box1, position: [0, 0, F32(0x3f000000)] }], to: null }),
      [VUER, "83a27473cf0000018bcfe56800a46461746182a56e6f6465739183a36b6579a4626f7831a3746167a3426f78a8706f736974696f6e930000ca3f000000a2746fc0a56574797065a3414444"]),
    seen("v04", "UpdateEvent", "upstream V04: Update with the top-level strict after etype", server("UPDATE", { nodes: [{ key: "box1", position: [1, 0, 0] }] }, { strict: false }),
      [VUER, "84a27473cf0000018bcfe56800a46461746181a56e6f6465739182a36b6579a4626f7831a8706f736974696f6e93010000a56574797065a6555044415445a6737472696374c2"]),
    seen("v05", "UpsertEvent", "upstream V05: Upsert to parent (the server drops strict)", server("UPSERT", { nodes: [box1], to: "parent" }),
      [VUER, "83a27473cf0000018bcfe56800a46461746182a56e6f6465739182a36b6579a4626f7831a3746167a3426f78a2746fa6706172656e74a56574797065a6555053455254"]),
    seen("v06", "RemoveEvent", "upstream V06: Remove(box1, box2)", server("REMOVE", { keys: ["box1", "box2"] }),
      [VUER, "83a27473cf0000018bcfe56800a46461746181a46b65797392a4626f7831a4626f7832a56574797065a652454d4f5645"]),
    seen("v07", "TerminateEvent", "upstream V07: End() with data nil", server("TERMINATE", null),
      [VUER, "83a27473cf0000018bcfe56800a464617461c0a56574797065a95445524d494e415445"]),
    seen("v08", "HapticActuatorPulseEvent", "upstream V08: strength float32 0.5 and duration the integer 100, both float64 in canonical form", server("HAPTIC_ACTUATOR_PULSE", { left: { strength: 0.5, duration: 100 }, right: null }),
      [VUER, "83a27473cf0000018bcfe56800a46461746182a46c65667482a8737472656e677468ca3f000000a86475726174696f6e64a57269676874c0a56574797065b54841505449435f4143545541544f525f50554c5345"]),
    seen("haptic.float32-tenth", "HapticActuatorPulseEvent", "strength 0.1 packed by the vuer server as float32 3d cc cc cd: the canonical value is that float32 widened (0.10000000149011612), not 0.1", server("HAPTIC_ACTUATOR_PULSE", { left: { strength: 0.10000000149011612, duration: 100 }, right: null }),
      ["vuer packing of strength=0.1 (hand-built like V08)", "83a27473cf0000018bcfe56800a46461746182a46c65667482a8737472656e677468ca3dcccccda86475726174696f6e64a57269676874c0a56574797065b54841505449435f4143545541544f525f50554c5345"]),
    valid("wild.haptic.float32-nan", "a float32 NaN with payload (ca 7f c0 00 01) in a float64 field widens bit by bit to cb 7f f8 00 00 20 00 00 00, never to the default NaN",
      js(server("HAPTIC_ACTUATOR_PULSE", { left: { strength: f64Bits(0x7ff8000020000000n), duration: 100 }, right: null })), {
        type: "HapticActuatorPulseEvent",
        alternatives: [[hex("83a27473cf0000018bcfe56800a46461746182a46c65667482a8737472656e677468ca7fc00001a86475726174696f6e64a57269676874c0a56574797065b54841505449435f4143545541544f525f50554c5345"), "vuer packing of a float32 NaN strength (hand-built like V08)"]],
      }),
    seen("v09", "GrabRenderRequest", "upstream V09: GrabRender with uuid first and key, rtype last; quality float32 0.5 and downsample 1 become float64", { ts: TS, etype: "GRAB_RENDER", rtype: "GRAB_RENDER_RESPONSE@u-1", key: "cam", data: { quality: 0.5, downsample: 1 }, uuid: "u-1" },
      ["the vuer server: uuid, ts, data, etype, key, rtype", "86a475756964a3752d31a27473cf0000018bcfe56800a46461746182a77175616c697479ca3f000000aa646f776e73616d706c6501a56574797065ab475241425f52454e444552a36b6579a363616da57274797065b8475241425f52454e4445525f524553504f4e534540752d31"]),
    seen("v10", "RpcEvent", "upstream V10: ServerRPC with uuid first and no rtype", { ts: TS, etype: "RPC", data: { x: 1 }, uuid: "u-2" },
      ["the vuer server: uuid, ts, data, etype", "84a475756964a3752d32a27473cf0000018bcfe56800a46461746181a17801a56574797065a3525043"]),
    seen("v11", "AddEvent", "upstream V11: a PointCloud whose vertices (float16) and colors (uint8) are bare bin, never ZData", server("ADD", { nodes: [{ tag: "PointCloud", key: "pc", vertices: bin(hex("000000000000003c003c003c")), colors: bin(hex("ff000000ff00")) }], to: null }),
      [VUER, "83a27473cf0000018bcfe56800a46461746182a56e6f6465739184a36b6579a27063a3746167aa506f696e74436c6f7564a87665727469636573c40c000000000000003c003c003ca6636f6c6f7273c406ff000000ff00a2746fc0a56574797065a3414444"]),
    seen("v12", "AddEvent", "upstream V12: a TriMesh with float16 vertices and uint32 faces as bare bin", server("ADD", { nodes: [{ tag: "TriMesh", key: "tm", vertices: bin(hex("000000000000003c000000000000003c0000")), faces: bin(hex("000000000100000002000000")) }], to: null }),
      [VUER, "83a27473cf0000018bcfe56800a46461746182a56e6f6465739184a36b6579a2746da3746167a75472694d657368a87665727469636573c412000000000000003c000000000000003c0000a56661636573c40c000000000100000002000000a2746fc0a56574797065a3414444"]),
    seen("v13", "AddEvent", "upstream V13: a numpy position becomes a list of float32 in a free-form prop, and stays float32", server("ADD", { nodes: [{ tag: "Box", key: "b", position: [F32(0x3dcccccd), F32(0x3e4ccccd), F32(0x3e99999a)] }], to: null }),
      [VUER, "83a27473cf0000018bcfe56800a46461746182a56e6f6465739183a36b6579a162a3746167a3426f78a8706f736974696f6e93ca3dcccccdca3e4ccccdca3e99999aa2746fc0a56574797065a3414444"]),
    seen("v15", "ClientEvent", "upstream V15: the Python client's CAMERA_MOVE with key before value; its 2-item matrix fails CameraMoveEvent, so the envelope ClientEvent, whose value keeps the float32 items", { ts: TS, etype: "CAMERA_MOVE", value: { camera: { matrix: [F32(0x3f800000), F32(0)] } }, key: "defaultCamera" },
      ["the Python VuerClient: ts, etype, key, value, floats as float32", "84a27473cf0000018bcfe56800a56574797065ab43414d4552415f4d4f5645a36b6579ad64656661756c7443616d657261a576616c756581a663616d65726181a66d617472697892ca3f800000ca00000000"]),
  ];
}

/**
 * The upstream RPC response helpers on catalogued responses (SPEC §4.4, status entries) and vrpc-ts's wrapped
 * Uint8Array where bytes are declared (SPEC §7.6). Each frame is written form by form as the helper writes it:
 * vrpc-py `create_rpc_response` gives a fixmap `ts, etype, ok, error, value` with float64 floats and `error` nil;
 * vrpc-ts `createRPCResponse` gives map16 `ts, etype, data, value, ok, error` with the unset ones nil, a float64
 * ts and integral numbers as integers, and wraps every Uint8Array as a map16 `{ztype: "Uint8Array", b, length}`.
 */
function responses(): VectorRecipe[] {
  const MJ = "MJ_STEP_RESPONSE@u-2";
  const GRAB = "GRAB_RENDER_RESPONSE@u-1";
  const jpeg = hex("ffd8ffd9");
  const w = () => new RawWriter();
  /** vrpc-py: fixmap, ts as uint64, then etype, ok, error (nil unless given), and the result in value. */
  const py = (etype: string, ok: boolean, error: string | null, value: (r: RawWriter) => RawWriter) => {
    const r = w().fixmap(5).fixstr("ts").uint64(TS).fixstr("etype").fixstr(etype).fixstr("ok");
    (ok ? r.true() : r.false()).fixstr("error");
    (error === null ? r.nil() : r.fixstr(error)).fixstr("value");
    return value(r);
  };
  /** vrpc-ts: map16, ts as float64, etype, then data and value (nil when unset), ok true and error nil. */
  const ts = (etype: string, data: ((r: RawWriter) => RawWriter) | null, value: ((r: RawWriter) => RawWriter) | null) => {
    const r = w().map16(6).fixstr("ts").float64(TS).fixstr("etype").fixstr(etype).fixstr("data");
    (data === null ? r.nil() : data(r)).fixstr("value");
    return (value === null ? r.nil() : value(r)).fixstr("ok").true().fixstr("error").nil();
  };
  /** `{qpos: [0.5, 1]}`: 0.5 as float64 (both write float64), 1 an integer (a Python int, an integral JS number). */
  const qpos = (header: (r: RawWriter) => RawWriter) => (r: RawWriter) => header(r).fixstr("qpos").fixarray(2).float64(0.5).fixint(1);
  /** vrpc-ts's Uint8Array ZData: `{ztype: "Uint8Array", b, length}`, map16, with `length` given. */
  const u8 = (r: RawWriter, bytes: Uint8Array, length: number, ztype = "Uint8Array") =>
    r.map16(3).fixstr("ztype").fixstr(ztype).fixstr("b").bin8(bytes).fixstr("length").fixint(length);
  /** GRAB_RENDER's value as the browser's camera view builds it (dpr, width, height, frame): vrpc-py's or vrpc-ts's. */
  const grabValue = (from: "py" | "ts") => (r: RawWriter) => {
    const v = from === "py" ? r.fixmap(4).fixstr("dpr").float64(2) : r.map16(4).fixstr("dpr").fixint(2);
    v.fixstr("width").uint16(640).fixstr("height").uint16(480).fixstr("frame");
    return from === "py" ? v.bin8(jpeg) : u8(v, jpeg, 4);
  };
  const cameraView = (frame: (r: RawWriter) => RawWriter) =>
    frame(
      w().map16(4).fixstr("ts").float64(TS).fixstr("etype").fixstr("CAMERA_VIEW").fixstr("key").fixstr("cam").fixstr("value")
        .map16(4).fixstr("dpr").fixint(2).fixstr("width").uint16(640).fixstr("height").uint16(480).fixstr("frame"),
    );
  const mjStep = { ts: TS, etype: MJ, value: { qpos: [0.5, 1] } };
  const grab = { ts: TS, etype: GRAB, value: { dpr: f64(2), width: 640, height: 480, frame: bin(jpeg) } };
  return [
    valid("wild.response.mj-step", "a catalogued MJ_STEP response from the upstream helpers: their success status (ok true, error nil, vrpc-ts's data nil) is read as absent (SPEC §4.4) and dropped on relay", js(mjStep), {
      type: "MjStepResponse",
      alternatives: [
        [py(MJ, true, null, qpos((r) => r.fixmap(1))), "vrpc-py create_rpc_response(etype, value=…): ts, etype, ok true, error nil, value"],
        [ts(MJ, null, qpos((r) => r.map16(1))), "vrpc-ts createRPCResponse({request, value}): map16, ts, etype, data nil, value, ok true, error nil"],
      ],
    }),
    valid("wild.response.grab-render", "a GRAB_RENDER response from the upstream helpers: the status entries are read as absent (SPEC §4.4); vrpc-ts wraps the JPEG frame as a Uint8Array ZData, read as the bytes (SPEC §7.6); dpr becomes float64", js(grab), {
      type: "GrabRenderResponse",
      alternatives: [
        [py(GRAB, true, null, grabValue("py")), "vrpc-py: dpr a float64, the frame as bin"],
        [ts(GRAB, null, grabValue("ts")), "vrpc-ts: data nil, dpr the integer 2, frame {ztype: Uint8Array, b, length: 4}"],
      ],
    }),
    valid("wild.camera-view.uint8array", "vrpc-ts's CAMERA_VIEW: the declared bytes frame comes as {ztype: Uint8Array, b, length} and is read as those 4 bytes (SPEC §7.6), relayed as bin", js({ ts: TS, etype: "CAMERA_VIEW", value: { dpr: f64(2), width: 640, height: 480, frame: bin(jpeg) }, key: "cam" }), {
      type: "CameraViewEvent",
      alternatives: [[cameraView((r) => u8(r, jpeg, 4)), "vrpc-ts serialize: map16, float64 ts, key before value, the frame wrapped"]],
    }),
    invalid("wild.response.failed", "vrpc-py's failed MJ_STEP response (ok false, error a string): a catalogued response declares no status, so ok is an unknown field (SPEC §4.4)",
      w().fixmap(4).fixstr("ts").uint64(TS).fixstr("etype").fixstr(MJ).fixstr("ok").false().fixstr("error").fixstr("boom"), "InvalidValue", { type: "MjStepResponse", path: ["ok"] }),
    invalid("wild.response.error-string", "ok true with a string error: only a nil error is read as absent (SPEC §4.4)",
      py(MJ, true, "late", qpos((r) => r.fixmap(1))), "InvalidValue", { type: "MjStepResponse", path: ["error"] }),
    invalid("wild.response.data-not-nil", "vrpc-ts createRPCResponse({request, data}) for GRAB_RENDER: a data that is not nil stays an unknown field (SPEC §4.4)",
      ts(GRAB, (r) => r.map16(0), grabValue("ts")), "InvalidValue", { type: "GrabRenderResponse", path: ["data"] }),
    invalid("wild.response.value-nil", "vrpc-ts createRPCResponse({request}) for GRAB_RENDER: value is declared and required, so its nil is WrongType, never absent (SPEC §4.4)",
      ts(GRAB, null, null), "WrongType", { type: "GrabRenderResponse", path: ["value"] }),
    invalid("wild.camera-view.status", "ok true in CAMERA_VIEW, which is not a response: the status rule is for catalogued responses only (SPEC §4.4)",
      w().fixmap(5).fixstr("ts").uint64(TS).fixstr("etype").fixstr("CAMERA_VIEW").fixstr("ok").true().fixstr("value")
        .fixmap(4).fixstr("dpr").fixint(2).fixstr("width").uint16(640).fixstr("height").uint16(480).fixstr("frame").bin8(jpeg).fixstr("key").fixstr("cam"),
      "InvalidValue", { type: "CameraViewEvent", path: ["ok"] }),
    invalid("wild.camera-view.uint8array-length-lies", "a wrapped frame whose length (5) is not len(b) (4): ShapeMismatch, as for the ZData form (SPEC §7.6)",
      cameraView((r) => u8(r, jpeg, 5)), "ShapeMismatch", { type: "CameraViewEvent", path: ["value", "frame", "b"] }),
    invalid("wild.camera-view.float32array", "a Float32Array where bytes are declared: only the Uint8Array form is bytes, any other map is WrongType (SPEC §7.6)",
      cameraView((r) => u8(r, jpeg, 1, "Float32Array")), "WrongType", { type: "CameraViewEvent", path: ["value", "frame"] }),
    invalid("wild.camera-view.uint8array-no-length", "a wrapped frame without length: MissingField, as for the ZData form (SPEC §7.6)",
      cameraView((r) => r.map16(2).fixstr("ztype").fixstr("Uint8Array").fixstr("b").bin8(jpeg)), "MissingField", { type: "CameraViewEvent", path: ["value", "frame", "length"] }),
  ];
}

function zdataAndZaku(): ValidRecipe[] {
  const f32s = ndarray("float32", [3], "0000803f 00000040 00004040");
  return [
    seen("z02", "any", "upstream Z02: vrpc-ts Float32Array([1, 2, 3]) as {ztype, b, length}; canonical is a 1-D float32 numpy.ndarray", f32s,
      ["vrpc-ts Float32Array", "de0003a57a74797065ac466c6f617433324172726179a162c40c0000803f0000004000004040a66c656e67746803"]),
    seen("z05", "any", "upstream Z05: vrpc-ts Int32Array([1, 2, 3])", ndarray("int32", [3], "01000000 02000000 03000000"),
      ["vrpc-ts Int32Array", "de0003a57a74797065aa496e7433324172726179a162c40c010000000200000003000000a66c656e67746803"]),
    seen("z06", "any", "upstream Z06: vrpc-ts Uint8Array([255, 128, 0])", ndarray("uint8", [3], "ff 80 00"),
      ["vrpc-ts Uint8Array", "de0003a57a74797065aa55696e74384172726179a162c403ff8000a66c656e67746803"]),
    seen("z07", "any", "upstream Z07: vrpc-ts Uint16Array([1000, 2])", ndarray("uint16", [2], "e803 0200"),
      ["vrpc-ts Uint16Array", "de0003a57a74797065ab55696e7431364172726179a162c404e8030200a66c656e67746802"]),
    seen("z13", "any", "upstream Z13: vrpc-py sends str(dtype) >f4 with big-endian bytes; canonical is float32, little-endian", ndarray("float32", [2], "0000803f 00000040"),
      ["vrpc-py with a >f4 array", "84a57a74797065ad6e756d70792e6e646172726179a162c4083f80000040000000a56474797065a33e6634a573686170659102"]),
    seen("z15", "ServerEvent", "upstream Z15 from vrpc-ts: a SET of a PointCloud (not a Scene, so the ServerEvent envelope) whose vertices are a Float32Array; the elided prefix is rebuilt with msgpackr's rules", server("SET", { tag: "PointCloud", vertices: ndarray("float32", [2], "0000003f 0000c03f") }),
      ["vrpc-ts: map16, float64 ts, Float32Array vertices", "de0003a27473cb4278bcfe56800000a56574797065a3534554a464617461de0002a3746167aa506f696e74436c6f7564a87665727469636573de0003a57a74797065ac466c6f617433324172726179a162c4080000003f0000c03fa66c656e67746802"]),
    seen("k01", "any", "upstream K01: a Zaku RPC payload {_request_id, _args, seed, _greedy}; _greedy is an ordinary key to VMP, and these bytes are already canonical", { _request_id: "rpc-abc", _args: [], seed: 100, _greedy: true }),
    seen("k02", "any", "upstream K02: Zaku's PUT /tasks body, the K01 payload nested as bin (not as a map); canonical as sent", {
      queue: "ZAKU_TEST:q", job_id: "job-1", payload: bin(hex("84ab5f726571756573745f6964a77270632d616263a55f6172677390a47365656464a75f677265656479c3")),
    }),
    seen("k03", "any", "upstream K03: a Zaku payload with a float32 ndarray next to _greedy; canonical as sent", { arr: f32s, _greedy: true }),
    seen("k04", "any", "upstream K04: Payload(_greedy=False, value=hello) is still marked greedy; canonical as sent", { value: "hello", _greedy: true }),
  ];
}

export const wild: ManifestRecipe = {
  manifest: "wild",
  description: "Real upstream bytes (msgpackr, the vuer server, vrpc-rs, Swift, vrpc-ts typed arrays, Zaku) and the canonical value each decodes to.",
  vectors: [...msgpackr(), ...vuer(), ...responses(), ...zdataAndZaku()],
};
