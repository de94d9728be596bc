/**
 * vrpc-ts's names (runtime/vrpc.ts): calls written for vrpc-ts — its argument shapes, defaults and error wording —
 * against the aliases, and the canonical bytes they write.
 */
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { NDArray } from "../../runtime/ndarray.js";
import { RpcCancelledError, RpcTimeoutError } from "../../runtime/rpc.js";
import {
  RPCManager,
  createRPCRequest,
  createRPCResponse,
  deserialize,
  isRPCRequest,
  isRPCResponse,
  serialize,
  type RPCRequest,
  type RPCResponse,
} from "../../runtime/vrpc.js";
import { toHex } from "./helpers.js";

describe("serialize and deserialize", () => {
  it("write undefined as nil by default, as vrpc-ts does, at every depth", () => {
    // 82 {a1 "a" c0, a1 "b" 91 [c0]}
    expect(toHex(serialize({ a: undefined, b: [undefined] }))).toBe("82 a1 61 c0 a1 62 91 c0");
    expect(toHex(serialize(undefined))).toBe("c0");
  });

  it("leave nested undefined to the encoder (absent from its map) with recursive: false or preserveUndefined", () => {
    expect(toHex(serialize({ a: undefined, b: { c: undefined } }, { recursive: false }))).toBe(
      "82 a1 61 c0 a1 62 80",
    );
    expect(toHex(serialize({ a: undefined, b: 1 }, { preserveUndefined: true }))).toBe("81 a1 62 01");
  });

  it("refuse useCustomEncoders: false (a registered type has no other VMP form)", () => {
    expect(() => serialize({}, { useCustomEncoders: false })).toThrow(/useCustomEncoders/);
  });

  it("round-trip a request, and read ZData as NDArray unless preserveZData or decodeZData: false", () => {
    const request = createRPCRequest({ etype: "GET_POSITION", kwargs: { componentKey: "main-camera" } });
    expect(deserialize(serialize(request))).toEqual({ ...request, args: null, data: null, value: null });
    const bytes = serialize({ points: NDArray.from(new Float32Array([1, 2])) });
    expect(deserialize<{ points: unknown }>(bytes).points).toBeInstanceOf(NDArray);
    for (const options of [{ preserveZData: true }, { decodeZData: false }]) {
      const kept = deserialize<{ points: Record<string, unknown> }>(bytes, options).points;
      expect(kept).not.toBeInstanceOf(NDArray);
      expect({ ...kept, b: toHex(kept.b as Uint8Array) }).toEqual({
        ztype: "numpy.ndarray",
        b: "00 00 80 3f 00 00 00 40",
        dtype: "float32",
        shape: [2],
      });
    }
  });
});

describe("createRPCRequest and createRPCResponse", () => {
  it("build vrpc-ts's shapes: rpc-{uuid} or the requestId, ok true and error null by default", () => {
    const request = createRPCRequest({ etype: "RENDER", args: [100, 200], kwargs: { quality: "high" } });
    expect(request).toMatchObject({ etype: "RENDER", args: [100, 200], kwargs: { quality: "high" } });
    expect(request.rtype).toMatch(/^rpc-[0-9a-f-]{36}$/);
    expect(request.ts).toBeTypeOf("number");
    expect(createRPCRequest({ etype: "GET_STATE", requestId: "custom-id" }).rtype).toBe("custom-id");
    const response = createRPCResponse({ request, data: { position: [1, 2, 3] } });
    expect(response).toMatchObject({
      etype: request.rtype,
      data: { position: [1, 2, 3] },
      ok: true,
      error: null,
    });
    expect(createRPCResponse({ request, ok: false, error: "Not found" })).toMatchObject({
      ok: false,
      error: "Not found",
    });
  });

  it("are told apart by isRPCRequest and isRPCResponse", () => {
    const request = createRPCRequest({ etype: "TEST" });
    const response = createRPCResponse({ request, data: {} });
    const plain = { ts: 1, etype: "UPDATE", data: {} };
    expect([isRPCRequest(request), isRPCResponse(request)]).toEqual([true, false]);
    expect([isRPCRequest(response), isRPCResponse(response)]).toEqual([false, true]);
    expect([isRPCRequest(plain), isRPCResponse(plain)]).toEqual([false, false]);
  });
});

describe("RPCManager", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("resolves a request with its response, concurrent requests each with their own", async () => {
    const manager = new RPCManager();
    const sent: RPCRequest[] = [];
    const replies = ["A", "B"].map((etype) => manager.request((r) => sent.push(r), { etype }, 1000));
    expect(manager.getPendingCount()).toBe(2);
    expect(manager.getPendingRequestIds()).toEqual(sent.map((r) => r.rtype));
    for (const r of [...sent].reverse())
      expect(manager.handleResponse(createRPCResponse({ request: r, data: r.etype }))).toBe(true);
    const responses = await Promise.all(replies);
    expectTypeOf(responses[0]!).toEqualTypeOf<RPCResponse>();
    expect(responses.map((r) => r.data)).toEqual(["A", "B"]);
    expect(manager.getPendingCount()).toBe(0);
  });

  it("rejects with the response's error, and resolves a failed response that has none", async () => {
    const manager = new RPCManager();
    const failing = manager.request(
      (r) =>
        manager.handleResponse(createRPCResponse({ request: r, ok: false, error: "Something went wrong" })),
      { etype: "T" },
    );
    await expect(failing).rejects.toThrow("Something went wrong");
    const quiet = manager.request(
      (r) => manager.handleResponse(createRPCResponse({ request: r, ok: false })),
      { etype: "T" },
    );
    await expect(quiet).resolves.toMatchObject({ ok: false, error: null });
  });

  it("times out and cancels with the correlator's error classes, worded as vrpc-ts's", async () => {
    const manager = new RPCManager();
    const late = manager.request(() => undefined, { etype: "TEST" }, 100);
    const settled = expect(late).rejects.toThrow("RPC request timeout: TEST");
    vi.advanceTimersByTime(100);
    await settled;
    await expect(late).rejects.toBeInstanceOf(RpcTimeoutError);
    const one = manager.request((r) => manager.cancel(r.rtype), { etype: "TEST", requestId: "rpc-x" });
    await expect(one).rejects.toThrow(new RpcCancelledError("rpc-x", "RPC request cancelled"));
    const all = [
      manager.request(() => undefined, { etype: "T1" }),
      manager.request(() => undefined, { etype: "T2" }),
    ];
    manager.cancelAll();
    for (const p of all) await expect(p).rejects.toThrow("RPC request cancelled");
    expect(manager.getPendingCount()).toBe(0);
  });

  it("ignores a response nothing waits for, and forgets a request whose sender throws", async () => {
    const manager = new RPCManager();
    expect(manager.handleResponse({ ts: 1, etype: "unknown-id", data: {}, ok: true, error: null })).toBe(
      false,
    );
    const broken = manager.request(
      () => {
        throw new Error("socket closed");
      },
      { etype: "T" },
    );
    await expect(broken).rejects.toThrow("socket closed");
    expect(manager.getPendingCount()).toBe(0);
  });
});
