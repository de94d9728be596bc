import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_KINDS, VmpError } from "../src/errors.js";
import { buildIr, loadSpec } from "../src/ir/build.js";
import { lintSpec } from "../src/ir/lint.js";
import { protocolOf, type FactoryPlan } from "../src/ir/protocol.js";

const spec = loadSpec("protocol/vmp.schema.json");
const ir = buildIr(spec);
const facts = protocolOf(ir);
const plan = (name: string): FactoryPlan => facts.factories.find((p) => p.message.name === name)!;
const message = (name: string) => ir.messages.find((m) => m.name === name)!;
/** `role:name` of each parameter, in call order. */
const params = (p: FactoryPlan) => p.params.map((x) => `${x.role}:${x.name}${x.required ? "" : "?"}`);
const doc = JSON.parse(spec.text) as { "x-vmp-errors": Record<string, string>; "x-vmp-dtypes": Record<string, unknown>; $defs: Record<string, { enum?: string[] }> };

describe("the spec's tables", () => {
  it("give the IR its error kinds and dtypes, in table order", () => {
    expect(ir.errorKinds.map((k) => k.name)).toEqual(Object.keys(doc["x-vmp-errors"]));
    expect(ir.errorKinds.every((k) => k.description.length > 0)).toBe(true);
    expect(ir.dtypes.map((d) => d.name)).toEqual(doc.$defs.Dtype!.enum);
    expect(ir.dtypes.find((d) => d.name === "float32")).toEqual({ name: "float32", itemSize: 4, numpy: "f4", safetensors: "F32" });
    expect(ir.dtypes.find((d) => d.name === "bfloat16")).toEqual({ name: "bfloat16", itemSize: 2, safetensors: "BF16" });
  });

  it("are the only list of error kinds the toolchain has", () => {
    expect(ERROR_KINDS).toEqual(Object.keys(doc["x-vmp-errors"]));
    expect(new VmpError("Truncated", "r").kind).toBe("Truncated");
    expect(() => new VmpError("Truncted", "r")).toThrow(/not an error kind of the spec/);
  });

  it("are linted", () => {
    const root = JSON.parse(readFileSync("protocol/vmp.schema.json", "utf8")) as Record<string, unknown>;
    const bad = {
      ...root,
      "x-vmp-errors": { Truncated: "", lower: "x" },
      "x-vmp-dtypes": { float32: { itemsize: 3, numpy: "f4" }, float64: { itemsize: 8, numpy: "f4", extra: 1 } },
    };
    expect(lintSpec(bad).map((e) => e.pointer)).toEqual([
      "/x-vmp-errors/Truncated",
      "/x-vmp-errors/lower",
      "/x-vmp-dtypes/float32/itemsize",
      "/x-vmp-dtypes/float64/extra",
      "/x-vmp-dtypes/float64/numpy",
      "/$defs/Dtype/enum",
    ]);
  });
});

describe("protocol facts", () => {
  it("give every message type its role", () => {
    expect(facts.role(message("Message"))).toBe("fallback");
    expect(facts.fallback?.name).toBe("Message");
    expect(facts.envelopes.map((m) => m.name)).toEqual(["ServerEvent", "ClientEvent", "RpcRequest", "ServerRpcRequest", "RpcResponse"]);
    expect(facts.role(message("SetEvent"))).toBe("event");
    expect(facts.role(message("GrabRenderResponse"))).toBe("response");
    expect(facts.catalogue.length + facts.envelopes.length + 1).toBe(ir.messages.length);
  });

  it("pair each catalogued response with the request whose rtype pattern is its etype pattern", () => {
    for (const m of facts.catalogue.filter((x) => facts.role(x) === "response")) {
      const request = facts.pairedRequest(m)!;
      const rtype = request.def.fields.find((f) => f.name === "rtype")!.type;
      expect(rtype.kind === "string" && rtype.pattern).toBe(m.event!.etypePattern);
    }
    expect(facts.pairedRequest(message("GrabRenderResponse"))?.def.name).toBe("GrabRenderRequest");
    expect(facts.pairedRequest(message("SetEvent"))).toBeUndefined();
  });

  it("plan one factory per catalogued message and envelope, none for the fallback", () => {
    expect(facts.factories.map((p) => p.message.name)).toEqual([...facts.catalogue, ...facts.envelopes].map((m) => m.name));
    for (const p of facts.factories) expect(p.slots.map((s) => s.field.name)).toEqual(p.message.fields.map((f) => f.name));
  });

  it("plan computed fields: ts now, a const etype, a spread payload, a random uuid with its rtype", () => {
    const set = plan("SetEvent");
    expect(params(set)).toEqual(["payload:data", "ts:ts?"]);
    expect(set.params[0]!.vrpcName).toBe("scene");
    expect(set.slots.map((s) => s.value.kind)).toEqual(["now", "const", "param"]);
    const add = plan("AddEvent");
    expect(add.slots[2]!.value.kind).toBe("record");
    expect(params(add)).toEqual(["payload-field:nodes", "payload-field:to?", "ts:ts?"]);
    const grab = plan("GrabRenderRequest");
    expect(grab.slots.find((s) => s.field.name === "rtype")!.value).toEqual({ kind: "rtype", prefix: "GRAB_RENDER_RESPONSE@" });
    expect(grab.slots.find((s) => s.field.name === "uuid")!.value.kind).toBe("uuid");
  });

  it("plan envelopes: the etype as a parameter, rtype defaulting to {etype}_RESPONSE@{uuid}", () => {
    const rpc = plan("RpcRequest");
    expect(params(rpc)[0]).toBe("etype:etype");
    const rtype = rpc.slots.find((s) => s.field.name === "rtype")!.value;
    expect(rtype.kind).toBe("rtype-default");
  });

  it("plan responses: the request's rtype as etype and its key echoed; the generic response answers any request", () => {
    const response = plan("GrabRenderResponse");
    expect(params(response)[0]).toBe("request:request");
    expect(response.slots.filter((s) => s.value.kind === "request").map((s) => s.field.name)).toEqual(["etype", "key"]);
    const any = plan("RpcResponse");
    expect(any.answersAnyRequest).toBe(true);
    expect(any.slots.map((s) => s.value.kind).slice(0, 4)).toEqual(["now", "answer", "ok", "error"]);
    expect(params(any).slice(0, 5)).toEqual(["request:request", "payload:data?", "payload:value?", "ok:ok?", "error:error?"]);
  });
});
