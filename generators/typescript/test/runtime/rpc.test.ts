/** RPC correlation (spec §6): the response type, and the correlator's outcomes with fake timers. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RpcCancelledError, RpcCorrelator, RpcTimeoutError, rpcResponseType } from "../../runtime/rpc.js";
import { VmpError } from "../../runtime/errors.js";

const RTYPE = "GRAB_RENDER_RESPONSE@u-1";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("rpcResponseType", () => {
  it("is {ETYPE}_RESPONSE@{uuid}", () => {
    expect(rpcResponseType("GRAB_RENDER", "u-1")).toBe(RTYPE);
  });
});

describe("RpcCorrelator", () => {
  it("matches a response to its request by etype", async () => {
    const rpc = new RpcCorrelator();
    const reply = rpc.expect(RTYPE, { timeoutMs: 1000 });
    expect(rpc.deliver({ etype: "OTHER_RESPONSE@u-2", value: 1 })).toBe(false);
    const message = { etype: RTYPE, value: { frame: new Uint8Array(1) } };
    expect(rpc.deliver(message)).toBe(true);
    await expect(reply).resolves.toEqual({ outcome: "succeeded", message });
    expect(rpc.size).toBe(0);
  });

  it("reads ok: false or a string error as a failed response", async () => {
    const rpc = new RpcCorrelator();
    const failed = rpc.expect("a", { timeoutMs: 1000 });
    const errored = rpc.expect("b", { timeoutMs: 1000 });
    const succeeded = rpc.expect("c", { timeoutMs: 1000 });
    rpc.deliver({ etype: "a", ok: false });
    rpc.deliver(
      new Map<string, unknown>([
        ["etype", "b"],
        ["error", "boom"],
      ]),
    );
    rpc.deliver({ etype: "c", ok: true, error: null });
    expect((await failed).outcome).toBe("failed");
    expect((await errored).outcome).toBe("failed");
    expect((await succeeded).outcome).toBe("succeeded");
  });

  it("drops a duplicate response", async () => {
    const rpc = new RpcCorrelator();
    const reply = rpc.expect(RTYPE, { timeoutMs: 1000 });
    expect(rpc.deliver({ etype: RTYPE, n: 1 })).toBe(true);
    expect(rpc.deliver({ etype: RTYPE, n: 2 })).toBe(false);
    expect((await reply).message).toEqual({ etype: RTYPE, n: 1 });
  });

  it("ends a request without response with a timeout, distinct from VMP errors, and drops the late response", async () => {
    const rpc = new RpcCorrelator();
    const reply = rpc.expect(RTYPE, { timeoutMs: 1000 });
    const outcome = reply.catch((e: unknown) => e);
    vi.advanceTimersByTime(999);
    expect(rpc.size).toBe(1);
    vi.advanceTimersByTime(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(RpcTimeoutError);
    expect(error).not.toBeInstanceOf(VmpError);
    expect((error as RpcTimeoutError).rtype).toBe(RTYPE);
    expect(rpc.deliver({ etype: RTYPE })).toBe(false);
  });

  it("cancels one request or all of them", async () => {
    const rpc = new RpcCorrelator();
    const a = rpc.expect("a", { timeoutMs: 1000 }).catch((e: unknown) => e);
    const b = rpc.expect("b", { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(rpc.cancel("a")).toBe(true);
    expect(rpc.cancel("a")).toBe(false);
    rpc.cancelAll();
    expect(await a).toBeInstanceOf(RpcCancelledError);
    expect(await b).toBeInstanceOf(RpcCancelledError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("refuses to expect the same response type twice while it is pending", () => {
    const rpc = new RpcCorrelator();
    void rpc.expect("a", { timeoutMs: 10 }).catch(() => undefined);
    expect(() => rpc.expect("a", { timeoutMs: 10 })).toThrow(/already pending/);
  });
});

describe("RpcCorrelator timeouts", () => {
  it("waits out a timeout longer than setTimeout's 2^31-1 ms limit instead of firing at once", async () => {
    const rpc = new RpcCorrelator();
    const reply = rpc.expect(RTYPE, { timeoutMs: 2 ** 32 });
    const outcome = vi.fn();
    reply.catch(outcome);
    await vi.advanceTimersByTimeAsync(2 ** 31);
    expect(outcome).not.toHaveBeenCalled();
    expect(rpc.size).toBe(1);
    await vi.advanceTimersByTimeAsync(2 ** 31);
    expect(outcome).toHaveBeenCalledWith(expect.any(RpcTimeoutError));
  });

  it("never times out with Infinity: only a response or cancel ends the request", async () => {
    const rpc = new RpcCorrelator();
    const reply = rpc.expect(RTYPE, { timeoutMs: Infinity });
    await vi.advanceTimersByTimeAsync(2 ** 40);
    expect(rpc.size).toBe(1);
    expect(rpc.deliver({ etype: RTYPE })).toBe(true);
    await expect(reply).resolves.toMatchObject({ outcome: "succeeded" });
  });

  it("refuses a NaN or negative timeout", () => {
    const rpc = new RpcCorrelator();
    expect(() => rpc.expect(RTYPE, { timeoutMs: Number.NaN })).toThrow(RangeError);
    expect(() => rpc.expect(RTYPE, { timeoutMs: -1 })).toThrow(RangeError);
    expect(rpc.size).toBe(0);
  });
});
