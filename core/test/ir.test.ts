import { describe, expect, it } from "vitest";
import { buildIr, loadSpec } from "../src/ir/build.js";
import type { RecordDef, TypeRef } from "../src/ir/types.js";

const ir = buildIr(loadSpec("protocol/vmp.schema.json"));
const record = (name: string) => {
  const t = ir.types.get(name);
  if (t?.kind !== "record") throw new Error(`${name} is not a record`);
  return t;
};
const field = (r: RecordDef, name: string) => r.fields.find((f) => f.name === name)!;

describe("the IR of the repository's spec", () => {
  it("names its source by path and content hash", () => {
    expect(ir.source.file).toBe("protocol/vmp.schema.json");
    expect(ir.source.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ir.source.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("keeps envelope fields in wire order, with their wire types", () => {
    expect(record("ServerEvent").fields.map((f) => f.name)).toEqual(["ts", "etype", "data"]);
    expect(record("ClientEvent").fields.map((f) => f.name)).toEqual(["ts", "etype", "value", "key", "rtype"]);
    expect(record("RpcRequest").fields.map((f) => f.name)).toEqual(["ts", "etype", "rtype", "args", "kwargs", "uuid"]);
    expect(record("ServerRpcRequest").fields.map((f) => f.name)).toEqual(["ts", "etype", "rtype", "key", "data", "uuid"]);
    expect(record("RpcResponse").fields.map((f) => f.name).slice(0, 6)).toEqual(["ts", "etype", "ok", "error", "data", "value"]);
    expect(record("Message").fields.map((f) => f.name)).toEqual(["ts", "etype", "rtype", "args", "kwargs", "data", "value", "ok", "error", "key", "uuid"]);
    const ts = ir.types.get("Timestamp");
    expect(ts).toMatchObject({ kind: "alias", type: { kind: "int", wire: "uint64", min: 0n, max: 2n ** 64n - 1n } });
  });

  it("resolves events: const etypes, response patterns, envelopes, extra fields after the envelope", () => {
    const update = record("UpdateEvent");
    expect(update.event).toEqual({ direction: "server-to-client", envelope: "ServerEvent", etype: "UPDATE" });
    expect(update.fields.map((f) => f.name)).toEqual(["ts", "etype", "data", "strict"]);
    expect(field(update, "strict").type).toEqual({ kind: "bool" });
    expect(record("GrabRenderResponse").event).toMatchObject({ envelope: "ClientEvent", etypePattern: "^GRAB_RENDER_RESPONSE@.+$" });
    const etypes = ir.messages.flatMap((m) => (m.event!.etype ? [m.event!.etype] : []));
    expect(new Set(etypes).size).toBe(etypes.length);
    for (const e of ["SET", "ADD", "UPDATE", "UPSERT", "REMOVE", "TIMEOUT", "HAPTIC_ACTUATOR_PULSE", "TERMINATE", "RPC", "GRAB_RENDER", "MJ_STEP", "MJ_RENDER", "GET_WEBXR_MESH", "INIT", "CAMERA_MOVE", "CAMERA_VIEW", "OBJECT_MOVE", "OBJECT_MOVE_END", "CLICK", "INPUT", "UPLOAD", "SNAPSHOT", "LOAD", "GAMEPADS", "HAND_MOVE", "CONTROLLER_MOVE", "BODY_TRACKING_MOVE", "TIMELINE_STEP", "KeyDown", "KeyUp"]) {
      expect(etypes, e).toContain(e);
    }
  });

  it("marks bytes, free-form values, nullables and ZData explicitly", () => {
    expect(ir.types.get("Bytes")).toMatchObject({ kind: "alias", type: { kind: "bytes" } });
    expect(ir.types.get("Any")).toMatchObject({ kind: "alias", type: { kind: "any" } });
    expect(field(record("AddData"), "to").type.kind).toBe("nullable");
    expect(ir.zdata.map((z) => z.ztype)).toEqual(["numpy.ndarray", "torch.Tensor", "image", "safetensor.dict"]);
    const nd = record("NdArray");
    expect(nd.fields.map((f) => [f.name, f.type.kind])).toEqual([["ztype", "string"], ["b", "ref"], ["dtype", "ref"], ["shape", "ref"]]);
    expect(nd.open).toBe(false);
    expect(record("Element").open).toBe(true);
  });

  it("gives every field a JSON pointer into the spec", () => {
    const f = field(record("SetEvent"), "data");
    expect(f.pointer).toBe("/$defs/SetEvent/properties/data");
    expect((f.type as Extract<TypeRef, { kind: "ref" }>).name).toBe("Scene");
  });
});

describe("typed arrays in the IR (x-vmp-ndarray, PROFILE §3)", () => {
  const doc = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "urn:test",
    title: "Test",
    "x-vmp-version": "1.0.0",
    $defs: {
      ZData: { "x-vmp-kind": "zdata", type: "object", properties: { ztype: { type: "string" } }, required: ["ztype"], "x-vmp-open": true },
      Cloud: {
        type: "object",
        properties: {
          points: { description: "n points.", $ref: "#/$defs/ZData", "x-vmp-ndarray": { dtype: ["float32", "float64"], shape: [null, 3] } },
          frames: { type: "array", items: { $ref: "#/$defs/ZData", "x-vmp-ndarray": { dtype: ["uint8"] } } },
          mask: { oneOf: [{ $ref: "#/$defs/ZData", "x-vmp-ndarray": { shape: [] } }, { type: "null" }] },
          blob: { $ref: "#/$defs/ZData" },
        },
        additionalProperties: false,
      },
    },
  };
  const text = JSON.stringify(doc);
  const cloud = buildIr({ file: "t.json", text, doc: JSON.parse(text), sha256: "0".repeat(64) }).types.get("Cloud") as RecordDef;

  it("gives each typed array its dtypes and shape pattern, absent when the keyword leaves them free", () => {
    expect(cloud.fields.map((f) => f.type)).toEqual([
      { kind: "ndarray", dtypes: ["float32", "float64"], shape: [null, 3] },
      { kind: "array", items: { kind: "ndarray", dtypes: ["uint8"] } },
      { kind: "nullable", inner: { kind: "ndarray", shape: [] } },
      { kind: "ref", name: "ZData" },
    ]);
    expect(cloud.fields[0]!.description).toBe("n points.");
  });
});
