/**
 * RPC correlation (spec §6): a request's `rtype` is `"{ETYPE}_RESPONSE@{uuid}"` and its response's `etype` is
 * that string. `RpcCorrelator` pairs responses with pending requests; a timeout and a cancellation end a request
 * with their own error classes, distinct from a failed response and from the VMP error kinds (spec §6.3, §8.3).
 */
import { entryOf, isMapLike } from "./value.js";

/** The `rtype` of a request (spec §6.1): `rpcResponseType("GRAB_RENDER", "u-1")` is `GRAB_RENDER_RESPONSE@u-1`. */
export function rpcResponseType(etype: string, uuid: string): string {
  return `${etype}_RESPONSE@${uuid}`;
}

/** How a request ended with a response: `failed` when `ok` is false or `error` is a string (spec §6.2). */
export interface RpcResult<M = unknown> {
  readonly outcome: "succeeded" | "failed";
  readonly message: M;
}

/** No response arrived within the timeout. */
export class RpcTimeoutError extends Error {
  override readonly name = "RpcTimeoutError";
  constructor(
    readonly rtype: string,
    readonly timeoutMs: number,
  ) {
    super(`no ${rtype} within ${timeoutMs} ms`);
  }
}

/** The request was cancelled before its response arrived. */
export class RpcCancelledError extends Error {
  override readonly name = "RpcCancelledError";
  constructor(readonly rtype: string) {
    super(`${rtype} was cancelled`);
  }
}

interface Pending {
  resolve(result: RpcResult): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Pairs responses with requests (spec §6.3). Register the response type with `expect` before sending the request,
 * so that a fast response cannot be missed; hand every incoming message to `deliver`.
 *
 * ```ts
 * const reply = rpc.expect(request.rtype, { timeoutMs: 5000 });
 * socket.send(encode(GrabRenderRequest, request));
 * const { outcome, message } = await reply; // or RpcTimeoutError / RpcCancelledError
 * ```
 */
export class RpcCorrelator<M = unknown> {
  private readonly pending = new Map<string, Pending>();

  /** Waits for the message whose `etype` is `rtype`. Expecting an `rtype` that is already pending is an Error. */
  expect(rtype: string, options: { readonly timeoutMs: number }): Promise<RpcResult<M>> {
    if (this.pending.has(rtype)) throw new Error(`${rtype} is already pending (uuids must be unique)`);
    return new Promise<RpcResult<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(rtype);
        reject(new RpcTimeoutError(rtype, options.timeoutMs));
      }, options.timeoutMs);
      this.pending.set(rtype, { resolve: resolve as (result: RpcResult) => void, reject, timer });
    });
  }

  /**
   * Resolves the request a message answers and returns true; returns false (and drops the message) when it
   * answers nothing pending: an unknown, late (after its timeout) or duplicate response, or not a response at all.
   */
  deliver(message: M): boolean {
    if (!isMapLike(message)) return false;
    const etype = entryOf(message, "etype");
    const p = typeof etype === "string" ? this.pending.get(etype) : undefined;
    if (p === undefined) return false;
    this.pending.delete(etype as string);
    clearTimeout(p.timer);
    const failed = entryOf(message, "ok") === false || typeof entryOf(message, "error") === "string";
    p.resolve({ outcome: failed ? "failed" : "succeeded", message });
    return true;
  }

  /** Ends a pending request with `RpcCancelledError`; false when nothing was pending under `rtype`. */
  cancel(rtype: string): boolean {
    const p = this.pending.get(rtype);
    if (p === undefined) return false;
    this.pending.delete(rtype);
    clearTimeout(p.timer);
    p.reject(new RpcCancelledError(rtype));
    return true;
  }

  /** Cancels every pending request (on disconnect). */
  cancelAll(): void {
    for (const rtype of [...this.pending.keys()]) this.cancel(rtype);
  }

  /** The number of requests waiting for a response. */
  get size(): number {
    return this.pending.size;
  }
}
