/**
 * Every message type of the catalogue (SPEC §5): at least one realistic valid frame, shaped like what the
 * Vuer server and browser really send (vrpc-py E01–E07, vuer V-vectors reordered to canonical), and at least one
 * frame each type must reject, with the error kind and where it is.
 */
import type { ErrorKind, Path } from "../../core/src/errors.js";
import { bin, f32, f64 } from "../../reference/src/value/model.js";
import { RawWriter } from "../../reference/src/wire/raw.js";
import { hex, invalid, js, valid, type InvalidRecipe, type ManifestRecipe, type ValidRecipe } from "../src/recipe.js";
import { f32le, ndarray } from "./zdata.js";

const TS = 1700000000000;
const enc = (x: unknown) => new RawWriter().value(js(x));

type Alt = readonly [Uint8Array | RawWriter, string];
const ok = (type: string, id: string, description: string, x: unknown, ...alternatives: Alt[]): ValidRecipe =>
  valid(`event.${id}`, description, js(x), { type, alternatives });
const bad = (type: string, id: string, description: string, x: unknown, error: ErrorKind, path: Path): InvalidRecipe =>
  invalid(`event.${id}`, description, x instanceof Uint8Array ? x : enc(x), error, { type, path });

const server = (etype: string, data: unknown, extra: Record<string, unknown> = {}) => ({ ts: TS, etype, data, ...extra });
const client = (etype: string, value: unknown, key?: string) => ({ ts: TS, etype, value, ...(key === undefined ? {} : { key }) });
const serverRpc = (etype: string, uuid: string, key: string, data: unknown) => ({ ts: TS, etype, rtype: `${etype}_RESPONSE@${uuid}`, key, data, uuid });
const without = (o: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

/** Three.js matrices, column-major: identity, and a camera 1.6 m up and 3 m back. */
const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
const CAMERA = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1.6, 3, 1];
const JPEG = bin(hex("ffd8ffd9"));
const box = (key: string, extra: Record<string, unknown> = {}) => ({ tag: "Box", key, ...extra });

function scene(): (ValidRecipe | InvalidRecipe)[] {
  const S = "SetEvent", A = "AddEvent", U = "UpdateEvent", P = "UpsertEvent", R = "RemoveEvent";
  const fullScene = { tag: "Scene", key: "root", up: [0, 1, 0], children: [box("box1", { args: [0.2, 0.2, 0.2], position: [0, 0.1, 0], material: { color: "red" } })], bgChildren: [{ tag: "Sky", key: "sky" }], background: "#131416", frameloop: "demand" };
  return [
    ok(S, "set.e01", "vrpc-py set_event (upstream E01): {ts, etype, data: Scene} with tag, key, children", server("SET", { tag: "Scene", key: "root", children: [] })),
    ok(S, "set.scene", "a full Scene: up is a float64 Vector3, children and bgChildren are elements, extra props (background, frameloop) follow the declared ones", server("SET", fullScene)),
    bad(S, "set.missing-data", "SET without data: ServerEvent requires data", without(server("SET", null), "data"), "MissingField", ["data"]),
    bad(S, "set.data-nil", "SET narrows data to a Scene, which is not nullable: nil there is WrongType", server("SET", null), "WrongType", ["data"]),
    bad(S, "set.not-a-scene", "SET's data must be a Scene: tag is the const \"Scene\"", server("SET", { tag: "Group", key: "root" }), "InvalidValue", ["data", "tag"]),
    bad(S, "set.up-two-items", "Scene.up is a Vector3: exactly 3 items", server("SET", { tag: "Scene", up: [0, 1] }), "InvalidValue", ["data", "up"]),
    bad(S, "set.child-without-tag", "every Scene child is an Element with a tag", server("SET", { tag: "Scene", children: [{ key: "box1" }] }), "MissingField", ["data", "children", 0, "tag"]),
    bad(S, "set.ts-infinite", "ts as float64 +Infinity: not an integer, so WrongType (JSON Schema alone would let it through)", server("SET", { tag: "Scene" }, { ts: f64(Infinity) }), "WrongType", ["ts"]),
    bad(S, "set.ts-float-2-64", "ts as float64 2^64: integral but one past uint64, IntegerOutOfRange rather than a crash", server("SET", { tag: "Scene" }, { ts: f64(2 ** 64) }), "IntegerOutOfRange", ["ts"]),
    bad(S, "set.wrong-etype", "validated as SetEvent, etype must be exactly SET", server("ADD", { tag: "Scene" }), "InvalidValue", ["etype"]),
    ok(A, "add.e02", "vrpc-py add_event (upstream E02): to defaults to \"children\", position stays integers in free-form props", server("ADD", { nodes: [box("box1", { position: [0, 0, 0] })], to: "children" })),
    ok(A, "add.e03", "vrpc-py add_event(to=\"scene\") (upstream E03)", server("ADD", { nodes: [box("box1")], to: "scene" })),
    ok(A, "add.to-nil", "the vuer server's Add (upstream V03, reordered): to is nil, the float32 0.5 of a free-form prop stays float32", server("ADD", { nodes: [box("box1", { position: [0, 0, f32(0.5)] })], to: null })),
    ok(A, "add.element-ztype-prop", "an element with a ztype prop is still an element: only free-form maps are ZData", server("ADD", { nodes: [box("b", { ztype: "numpy.ndarray" })], to: null })),
    bad(A, "add.missing-nodes", "AddData requires nodes", server("ADD", { to: "scene" }), "MissingField", ["data", "nodes"]),
    bad(A, "add.key-int", "an element key is a string", server("ADD", { nodes: [{ tag: "Box", key: 1 }] }), "WrongType", ["data", "nodes", 0, "key"]),
    bad(A, "add.data-closed", "AddData is closed: strict belongs to UPDATE's envelope, not ADD's data", server("ADD", { nodes: [], strict: true }), "InvalidValue", ["data", "strict"]),
    ok(U, "update.e04", "vrpc-py update_event (upstream E04): a patch needs only a key", server("UPDATE", { nodes: [{ key: "box1", position: [1, 0, 0] }] })),
    ok(U, "update.strict", "the vuer server's Update (upstream V04, reordered): strict false at the top level, after data", server("UPDATE", { nodes: [{ key: "box1", position: [1, 0, 0] }] }, { strict: false })),
    ok(U, "update.delete-prop", "a prop set to \"$delete\" removes it (vuer's Update docstring): an ordinary string on the wire", server("UPDATE", { nodes: [{ key: "box1", color: "$delete" }] }, { strict: true })),
    bad(U, "update.strict-string", "strict is a boolean", server("UPDATE", { nodes: [] }, { strict: "yes" }), "WrongType", ["strict"]),
    bad(U, "update.patch-without-key", "an UPDATE patch must name the element it patches", server("UPDATE", { nodes: [{ position: [1, 0, 0] }] }), "MissingField", ["data", "nodes", 0, "key"]),
    bad(U, "update.data-to", "UpdateData is closed: it has no to", server("UPDATE", { nodes: [], to: "scene" }), "InvalidValue", ["data", "to"]),
    ok(P, "upsert.e05", "vrpc-py upsert_event (upstream E05)", server("UPSERT", { nodes: [box("box1")], to: "children" })),
    ok(P, "upsert.to-parent", "the vuer server's Upsert (upstream V05, reordered): to \"parent\", strict dropped", server("UPSERT", { nodes: [box("box1")], to: "parent" })),
    bad(P, "upsert.strict", "UpsertEvent is closed: the server drops Upsert's strict, so a top-level strict is unknown", server("UPSERT", { nodes: [] }, { strict: true }), "InvalidValue", ["strict"]),
    bad(P, "upsert.nodes-map", "nodes is a list of elements, not one element", server("UPSERT", { nodes: box("box1") }), "WrongType", ["data", "nodes"]),
    ok(R, "remove.e06", "vrpc-py remove_event (upstream E06)", server("REMOVE", { keys: ["box1", "box2"] })),
    ok(R, "remove.none", "REMOVE of no keys: an empty list", server("REMOVE", { keys: [] })),
    bad(R, "remove.key-int", "keys are strings", server("REMOVE", { keys: ["box1", 2] }), "WrongType", ["data", "keys", 1]),
    bad(R, "remove.keys-string", "keys is a list even for one key", server("REMOVE", { keys: "box1" }), "WrongType", ["data", "keys"]),
  ];
}

function serverMisc(): (ValidRecipe | InvalidRecipe)[] {
  const T = "TimeoutEvent", H = "HapticActuatorPulseEvent", E = "TerminateEvent";
  const pulse = { strength: 0.8, duration: 100 };
  return [
    ok(T, "timeout.e07", "vrpc-py timeout_event(1.5, updateScene) (upstream E07): timeout is float64 cb 3f f8…", server("TIMEOUT", { timeout: 1.5, fn: "updateScene" })),
    ok(T, "timeout.integral", "timeout 2 s is float64 2.0 (cb 40 00…) even when the producer wrote the integer 2", server("TIMEOUT", { timeout: f64(2), fn: "tick" }), [enc(server("TIMEOUT", { timeout: 2, fn: "tick" })), "timeout as the integer 2, as msgpackr writes 2.0"]),
    bad(T, "timeout.missing-fn", "TimeoutData requires fn", server("TIMEOUT", { timeout: 1.5 }), "MissingField", ["data", "fn"]),
    bad(T, "timeout.string", "timeout is a number of seconds, not a string", server("TIMEOUT", { timeout: "1.5", fn: "tick" }), "WrongType", ["data", "timeout"]),
    bad(T, "timeout.inexact", "the integer 2^53+1 in a float64 field has no exact float64 form: InvalidValue, never rounded", server("TIMEOUT", { timeout: 9007199254740993n, fn: "tick" }), "InvalidValue", ["data", "timeout"]),
    ok(H, "haptic.both", "a pulse on both controllers", server("HAPTIC_ACTUATOR_PULSE", { left: pulse, right: pulse })),
    ok(H, "haptic.left", "the vuer server's HapticActuatorPulse (upstream V08, float64 canonical): right is nil, duration 100 becomes 100.0", server("HAPTIC_ACTUATOR_PULSE", { left: { strength: 0.5, duration: 100 }, right: null })),
    ok(H, "haptic.empty", "both hands absent: HapticActuatorPulseData has no required field", server("HAPTIC_ACTUATOR_PULSE", {})),
    bad(H, "haptic.strength-string", "strength is a number", server("HAPTIC_ACTUATOR_PULSE", { left: { strength: "max", duration: 100 } }), "WrongType", ["data", "left", "strength"]),
    bad(H, "haptic.missing-duration", "a pulse needs both strength and duration", server("HAPTIC_ACTUATOR_PULSE", { right: { strength: 1 } }), "MissingField", ["data", "right", "duration"]),
    bad(H, "haptic.unknown-hand", "HapticActuatorPulseData is closed: left and right only", server("HAPTIC_ACTUATOR_PULSE", { both: pulse }), "InvalidValue", ["data", "both"]),
    ok(E, "terminate", "the vuer server's End (upstream V07, reordered): data is nil", server("TERMINATE", null)),
    bad(E, "terminate.data-map", "TERMINATE's data is always nil: an empty map is WrongType", server("TERMINATE", {}), "WrongType", ["data"]),
    bad(E, "terminate.missing-data", "TERMINATE carries data: nil, not an absent data", without(server("TERMINATE", null), "data"), "MissingField", ["data"]),
  ];
}

function serverRpcs(): (ValidRecipe | InvalidRecipe)[] {
  const R = "RpcEvent", G = "GrabRenderRequest", S = "MjStepRequest", M = "MjRenderRequest", X = "GetWebXRMeshRequest";
  return [
    ok(R, "rpc.v10", "the vuer server's ServerRPC (upstream V10, reordered): no rtype, the class attribute is never sent", { ts: TS, etype: "RPC", data: { x: 1 }, uuid: "u-2" }),
    ok(R, "rpc.full", "an RPC with its rtype and key: ts, etype, rtype, key, data, uuid", { ts: TS, etype: "RPC", rtype: "RPC_RESPONSE@u-2", key: "widget", data: { x: 1 }, uuid: "u-2" }),
    bad(R, "rpc.rtype-pattern", "an RPC's rtype is RPC_RESPONSE@{uuid}; vrpc-py's bare \"RESPONSE\" fails the pattern", { ts: TS, etype: "RPC", rtype: "RESPONSE", data: null, uuid: "u-2" }, "InvalidValue", ["rtype"]),
    bad(R, "rpc.missing-uuid", "a server RPC without uuid cannot be answered", { ts: TS, etype: "RPC", data: null }, "MissingField", ["uuid"]),
    ok(G, "grab-render.v09", "the vuer server's GrabRender (upstream V09, reordered): quality and downsample are float64", serverRpc("GRAB_RENDER", "u-1", "cam", { quality: 0.5, downsample: 1 })),
    ok(G, "grab-render.default", "GrabRender with the default key and no options", serverRpc("GRAB_RENDER", "u-4", "DEFAULT", {})),
    bad(G, "grab-render.missing-key", "GRAB_RENDER names the camera to grab", without(serverRpc("GRAB_RENDER", "u-1", "cam", {}), "key"), "MissingField", ["key"]),
    bad(G, "grab-render.rtype-mismatch", "GRAB_RENDER's rtype must be GRAB_RENDER_RESPONSE@{uuid}", { ...serverRpc("GRAB_RENDER", "u-1", "cam", {}), rtype: "MJ_STEP_RESPONSE@u-1" }, "InvalidValue", ["rtype"]),
    bad(G, "grab-render.quality-string", "quality is a number", serverRpc("GRAB_RENDER", "u-1", "cam", { quality: "high" }), "WrongType", ["data", "quality"]),
    ok(S, "mj-step", "MJ_STEP with sim_steps (uint32) and ctrl (float64 list)", serverRpc("MJ_STEP", "u-5", "mujoco", { sim_steps: 10, ctrl: [0.1, -0.2, 0] })),
    bad(S, "mj-step.negative-steps", "sim_steps is uint32: -1 is out of range", serverRpc("MJ_STEP", "u-5", "mujoco", { sim_steps: -1 }), "IntegerOutOfRange", ["data", "sim_steps"]),
    bad(S, "mj-step.steps-2-32", "sim_steps is uint32: 2^32 is out of range", serverRpc("MJ_STEP", "u-5", "mujoco", { sim_steps: 4294967296 }), "IntegerOutOfRange", ["data", "sim_steps"]),
    bad(S, "mj-step.ctrl-string", "ctrl holds numbers", serverRpc("MJ_STEP", "u-5", "mujoco", { ctrl: ["a"] }), "WrongType", ["data", "ctrl", 0]),
    ok(M, "mj-render", "MJ_RENDER with free-form render options", serverRpc("MJ_RENDER", "u-6", "mujoco", { camera: "track", width: 640, height: 480 })),
    bad(M, "mj-render.data-list", "MJ_RENDER's data is a map of options", serverRpc("MJ_RENDER", "u-6", "mujoco", [640, 480]), "WrongType", ["data"]),
    bad(M, "mj-render.missing-rtype", "the server's RPC requests always carry rtype", without(serverRpc("MJ_RENDER", "u-6", "mujoco", {}), "rtype"), "MissingField", ["rtype"]),
    ok(X, "webxr-mesh", "GetWebXRMesh with its default key webxr-mesh and no options", serverRpc("GET_WEBXR_MESH", "u-7", "webxr-mesh", {})),
    bad(X, "webxr-mesh.rtype-mismatch", "the rtype must name GET_WEBXR_MESH_RESPONSE", { ...serverRpc("GET_WEBXR_MESH", "u-7", "webxr-mesh", {}), rtype: "GRAB_RENDER_RESPONSE@u-7" }, "InvalidValue", ["rtype"]),
    bad(X, "webxr-mesh.missing-data", "server RPC requests carry data, possibly empty", without(serverRpc("GET_WEBXR_MESH", "u-7", "webxr-mesh", {}), "data"), "MissingField", ["data"]),
  ];
}

function clientScene(): (ValidRecipe | InvalidRecipe)[] {
  const I = "InitEvent", C = "CameraMoveEvent", V = "CameraViewEvent", O = "ObjectMoveEvent", E = "ObjectMoveEndEvent";
  const python = { client: "python", clientVersion: "0.1.6", timezone: "America/New_York", timezoneOffset: -300, pythonVersion: "3.11.4", platform: "Linux", platformVersion: "6.5.0", machine: "x86_64" };
  const camera = { type: "PerspectiveCamera", near: 0.1, far: 1000, matrix: CAMERA, position: [0, 1.6, 3], rotation: [-0.2, 0, 0, "XYZ"], up: [0, 1, 0], fov: 50, aspect: 1.7777777777777777, zoom: 1, height: 1080, width: 1920 };
  const move = { matrix: IDENTITY, matrixWorld: CAMERA, position: [0, 1.6, 3], rotation: [0, 0.5, 0, "XYZ"], quaternion: [0, 0.247404, 0, 0.968912] };
  return [
    ok(I, "init.v14", "the Python VuerClient's INIT (upstream V14): {client: python}", client("INIT", { client: "python" })),
    ok(I, "init.browser", "the browser's INIT (upstream V16, canonical header): etype only, no ts, no value", { etype: "INIT" }),
    ok(I, "init.python-full", "the full client info of the Python client: timezoneOffset is int32 minutes", client("INIT", python)),
    ok(I, "init.timezone-nil", "timezone and timezoneOffset are nullable: nil when unknown", client("INIT", { client: "python", timezone: null, timezoneOffset: null })),
    bad(I, "init.offset-range", "timezoneOffset is int32: 2^31 is out of range", client("INIT", { timezoneOffset: 2147483648 }), "IntegerOutOfRange", ["value", "timezoneOffset"]),
    bad(I, "init.client-int", "client is a string", client("INIT", { client: 1 }), "WrongType", ["value", "client"]),
    bad(I, "init.ts-negative", "a client ts, when present, is uint64", { ts: -1, etype: "INIT" }, "IntegerOutOfRange", ["ts"]),
    ok(C, "camera-move.scene", "the scene's CAMERA_MOVE: no ts, the camera state in declaration order, key defaultCamera", { etype: "CAMERA_MOVE", value: { camera }, key: "defaultCamera" }),
    ok(C, "camera-move.view", "a CameraView's CAMERA_MOVE: {matrix: [16]}", client("CAMERA_MOVE", { matrix: CAMERA }, "ego")),
    bad(C, "camera-move.e08", "vrpc-py E08's matrix of 4 items fails Matrix4 (16 items)", hex("84a27473cf0000018bcfe56800a56574797065ab43414d4552415f4d4f5645a576616c756581a66d61747269789401000001a36b6579ad64656661756c7443616d657261"), "InvalidValue", ["value", "matrix"]),
    bad(C, "camera-move.missing-value", "CAMERA_MOVE requires value", { ts: TS, etype: "CAMERA_MOVE", key: "defaultCamera" }, "MissingField", ["value"]),
    bad(C, "camera-move.height-negative", "height is uint32", client("CAMERA_MOVE", { camera: { height: -1 } }), "IntegerOutOfRange", ["value", "camera", "height"]),
    bad(C, "camera-move.rotation-short", "rotation is an Euler array of 3 or 4 items", client("CAMERA_MOVE", { camera: { rotation: [0, 0] } }), "InvalidValue", ["value", "camera", "rotation"]),
    ok(V, "camera-view", "CAMERA_VIEW from camera_view.tsx: dpr, delta, width, height, frame as a bare JPEG bin", client("CAMERA_VIEW", { dpr: 2, delta: 0.016, width: 640, height: 480, frame: JPEG }, "ego")),
    bad(V, "camera-view.missing-frame", "CAMERA_VIEW requires frame", client("CAMERA_VIEW", { dpr: 2, width: 640, height: 480 }), "MissingField", ["value", "frame"]),
    bad(V, "camera-view.frame-string", "frame is bin, not a base64 data URL", client("CAMERA_VIEW", { dpr: 2, width: 640, height: 480, frame: "data:image/jpeg;base64,/9j/" }), "WrongType", ["value", "frame"]),
    ok(O, "object-move", "OBJECT_MOVE from movables.tsx: matrix, matrixWorld, position, Euler rotation, quaternion", client("OBJECT_MOVE", move, "movable-1")),
    bad(O, "object-move.quaternion-3", "quaternion has exactly 4 items", client("OBJECT_MOVE", { quaternion: [0, 0, 1] }), "InvalidValue", ["value", "quaternion"]),
    ok(E, "object-move-end", "OBJECT_MOVE_END: the same value when the drag ends", client("OBJECT_MOVE_END", move, "movable-1")),
    bad(E, "object-move-end.position-string", "position is a Vector3, not a string", client("OBJECT_MOVE_END", { position: "0,0,0" }), "WrongType", ["value", "position"]),
  ];
}

function clientInput(): (ValidRecipe | InvalidRecipe)[] {
  const C = "ClickEvent", I = "InputEvent", U = "UploadEvent", S = "SnapshotEvent", L = "LoadEvent", G = "GamepadsEvent", T = "TimelineStepEvent";
  return [
    ok(C, "click.image", "CLICK on an image: pixel x, y and the image's w, h (float64)", client("CLICK", { x: 120, y: 64.5, w: 640, h: 480 }, "img")),
    ok(C, "click.button", "CLICK on a button: no value, no ts, as input_components.tsx sends it", { etype: "CLICK", key: "submit" }),
    bad(C, "click.missing-h", "a click value carries x, y, w and h", client("CLICK", { x: 1, y: 2, w: 3 }), "MissingField", ["value", "h"]),
    ok(I, "input", "INPUT: the text field's string value", client("INPUT", "hello world", "prompt")),
    bad(I, "input.number", "INPUT's value is a string", client("INPUT", 42, "prompt"), "WrongType", ["value"]),
    ok(U, "upload", "UPLOAD: base64 file content with the data-URL prefix stripped", client("UPLOAD", "iVBORw0KGgoAAAANSUhEUg==", "uploader")),
    bad(U, "upload.missing-value", "UPLOAD requires value", { ts: TS, etype: "UPLOAD", key: "uploader" }, "MissingField", ["value"]),
    ok(S, "snapshot", "SNAPSHOT: {screen: data URI}", client("SNAPSHOT", { screen: "data:image/png;base64,iVBORw0KGgo=" }, "download")),
    bad(S, "snapshot.missing-screen", "a snapshot value requires screen", client("SNAPSHOT", {}, "download"), "MissingField", ["value", "screen"]),
    ok(L, "load", "LOAD: the onLoad string of a data loader", client("LOAD", "robot.urdf", "loader")),
    bad(L, "load.nil", "LOAD's value is a string, not nil", client("LOAD", null, "loader"), "WrongType", ["value"]),
    ok(G, "gamepads", "GAMEPADS: axes in -1..1 and button values", client("GAMEPADS", { axes: [0, -0.5, 0.25, 1], buttons: [0, 1, 0.5] }, "gamepad")),
    bad(G, "gamepads.button-bool", "buttons are values (numbers), not pressed flags", client("GAMEPADS", { axes: [], buttons: [true] }), "WrongType", ["value", "buttons", 0]),
    bad(G, "gamepads.missing-axes", "a gamepads value requires axes", client("GAMEPADS", { buttons: [] }), "MissingField", ["value", "axes"]),
    ok(T, "timeline-step", "TIMELINE_STEP: step, elapsedTime and delta as float64", client("TIMELINE_STEP", { step: 12, elapsedTime: 0.4, delta: 0.033 }, "timeline")),
    bad(T, "timeline-step.missing-step", "TIMELINE_STEP requires step", client("TIMELINE_STEP", { elapsedTime: 0.4 }), "MissingField", ["value", "step"]),
  ];
}

function clientXr(): (ValidRecipe | InvalidRecipe)[] {
  const H = "HandMoveEvent", C = "ControllerMoveEvent", B = "BodyTrackingMoveEvent";
  const hand = { pinch: true, squeeze: false, tap: false, pinchValue: 0.92, squeezeValue: 0, tapValue: 0 };
  const joints = ndarray("float32", [25, 16], f32le(Array.from({ length: 25 }, () => IDENTITY).flat()));
  const trigger = { trigger: true, squeeze: false, touchpad: false, thumbstick: false, aButton: false, bButton: true, triggerValue: 1, squeezeValue: 0, touchpadValue: [0, 0], thumbstickValue: [0.1, -0.75] };
  return [
    ok(H, "hand-move", "HAND_MOVE: 25 joint matrices per hand as a float32 ndarray, and the gesture states", client("HAND_MOVE", { left: joints, leftState: hand, rightState: { ...hand, pinch: false, pinchValue: 0.1 } }, "hands")),
    bad(H, "hand-move.pinch-string", "pinch is a boolean", client("HAND_MOVE", { leftState: { pinch: "yes" } }, "hands"), "WrongType", ["value", "leftState", "pinch"]),
    ok(C, "controller-move", "CONTROLLER_MOVE: grip matrices and button states of both controllers", client("CONTROLLER_MOVE", { left: IDENTITY, right: CAMERA, leftState: trigger, rightState: { ...trigger, trigger: false, triggerValue: 0 } }, "motion-controller")),
    bad(C, "controller-move.thumbstick-3", "thumbstickValue has exactly 2 axes", client("CONTROLLER_MOVE", { rightState: { thumbstickValue: [0, 0, 0] } }), "InvalidValue", ["value", "rightState", "thumbstickValue"]),
    ok(B, "body-tracking", "BODY_TRACKING_MOVE: a map from joint name to {matrix}, joints in producer order, extra joint fields kept", client("BODY_TRACKING_MOVE", { hips: { matrix: IDENTITY }, head: { matrix: CAMERA, visible: true } }, "body_tracking")),
    bad(B, "body-tracking.joint-string", "each joint is a map", client("BODY_TRACKING_MOVE", { head: "identity" }), "WrongType", ["value", "head"]),
    bad(B, "body-tracking.matrix-12", "a joint matrix has 16 items", client("BODY_TRACKING_MOVE", { hips: { matrix: IDENTITY.slice(0, 12) } }), "InvalidValue", ["value", "hips", "matrix"]),
  ];
}

function keyboard(): (ValidRecipe | InvalidRecipe)[] {
  const key = (k: string, code: string, more: Record<string, unknown> = {}) => ({ key: k, code, shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, repeat: false, isComposing: false, ...more });
  return [
    ok("KeyDownEvent", "key-down", "KeyDown from the keyboard monitor: every modifier flag", client("KeyDown", key("a", "KeyA"), "keyboard-monitor")),
    ok("KeyDownEvent", "key-down.repeat", "a held Shift+ArrowUp repeats", client("KeyDown", key("ArrowUp", "ArrowUp", { shiftKey: true, repeat: true }), "keyboard-monitor")),
    ok("KeyUpEvent", "key-up", "KeyUp with only the required key and code", client("KeyUp", { key: " ", code: "Space" }, "keyboard-monitor")),
    ok("KeyPressEvent", "key-press", "KeyPress with meta held", client("KeyPress", key("s", "KeyS", { metaKey: true }), "keyboard-monitor")),
    bad("KeyDownEvent", "key-down.missing-code", "a keyboard value requires code", client("KeyDown", { key: "a" }), "MissingField", ["value", "code"]),
    bad("KeyDownEvent", "key-down.shift-int", "modifier flags are booleans, not 0/1", client("KeyDown", key("a", "KeyA", { shiftKey: 1 })), "WrongType", ["value", "shiftKey"]),
    bad("KeyUpEvent", "key-up.key-int", "key is the key's string, not a key code number", client("KeyUp", { key: 65, code: "KeyA" }), "WrongType", ["value", "key"]),
    bad("KeyPressEvent", "key-press.etype-case", "etypes are case-sensitive: KEYPRESS is not KeyPress", client("KEYPRESS", key("a", "KeyA")), "InvalidValue", ["etype"]),
  ];
}

function responses(): (ValidRecipe | InvalidRecipe)[] {
  const G = "GrabRenderResponse", S = "MjStepResponse", R = "MjRenderResponse", X = "GetWebXRMeshResponse";
  const grab = { dpr: 2, width: 640, height: 480, frame: JPEG };
  const quad = ndarray("float32", [4, 3], f32le([-1, 0, -1, 1, 0, -1, 1, 0, 1, -1, 0, 1]));
  const indices = ndarray("uint32", [6], "00000000 01000000 02000000 00000000 02000000 03000000"); // triangles 0-1-2, 0-2-3
  return [
    ok(G, "grab-render-response.v17", "the browser's GRAB_RENDER reply (upstream V17, canonical): etype is the request's rtype, dpr float64 2.0", client("GRAB_RENDER_RESPONSE@u-1", grab, "cam")),
    ok(G, "grab-render-response.depth", "a reply with a depthFrame and the render delta", client("GRAB_RENDER_RESPONSE@u-1", { ...grab, depthFrame: bin(hex("0000803f")), delta: 0.016 }, "cam")),
    bad(G, "grab-render-response.no-uuid", "a response etype carries @{uuid}; without it the type's pattern fails", client("GRAB_RENDER_RESPONSE", grab, "cam"), "InvalidValue", ["etype"]),
    bad(G, "grab-render-response.width-negative", "width is uint32", client("GRAB_RENDER_RESPONSE@u-1", { ...grab, width: -640 }), "IntegerOutOfRange", ["value", "width"]),
    bad(G, "grab-render-response.missing-dpr", "a grab reply requires dpr", client("GRAB_RENDER_RESPONSE@u-1", without(grab, "dpr")), "MissingField", ["value", "dpr"]),
    ok(S, "mj-step-response", "MJ_STEP reply: a free-form value (positions and sim time)", client("MJ_STEP_RESPONSE@u-5", { qpos: [0, 0.25, f64(-1)], time: 0.02 }, "mujoco")),
    bad(S, "mj-step-response.missing-value", "a response requires value", { ts: TS, etype: "MJ_STEP_RESPONSE@u-5", key: "mujoco" }, "MissingField", ["value"]),
    ok(R, "mj-render-response", "MJ_RENDER reply: frame and depthFrame as bare bin", client("MJ_RENDER_RESPONSE@u-6", { frame: JPEG, depthFrame: bin(hex("0000803f0000803f")) }, "mujoco")),
    bad(R, "mj-render-response.frame-string", "frame is bin", client("MJ_RENDER_RESPONSE@u-6", { frame: "/9j/" }), "WrongType", ["value", "frame"]),
    ok(X, "webxr-mesh-response", "GET_WEBXR_MESH reply: a table mesh, vertices and indices as ndarrays, its matrix", client("GET_WEBXR_MESH_RESPONSE@u-7", { meshes: [{ vertices: quad, indices, semanticLabel: "table", matrix: IDENTITY }] }, "webxr-mesh")),
    ok(X, "webxr-mesh-response.none", "no meshes detected: an empty list", client("GET_WEBXR_MESH_RESPONSE@u-7", { meshes: [] }, "webxr-mesh")),
    bad(X, "webxr-mesh-response.missing-meshes", "the reply requires meshes", client("GET_WEBXR_MESH_RESPONSE@u-7", {}), "MissingField", ["value", "meshes"]),
    bad(X, "webxr-mesh-response.matrix-15", "a mesh matrix has 16 items", client("GET_WEBXR_MESH_RESPONSE@u-7", { meshes: [{ matrix: IDENTITY.slice(1) }] }), "InvalidValue", ["value", "meshes", 0, "matrix"]),
  ];
}

export const events: ManifestRecipe = {
  manifest: "events",
  description: "Every message type of the catalogue: realistic valid frames and the errors each type must report.",
  vectors: [...scene(), ...serverMisc(), ...serverRpcs(), ...clientScene(), ...clientInput(), ...clientXr(), ...keyboard(), ...responses()],
};
