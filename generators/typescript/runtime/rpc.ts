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
    message = `no ${rtype} within ${timeoutMs} ms`,
  ) {
    super(message);
  }
}

/** The request was cancelled before its response arrived. */
export class RpcCancelledError extends Error {
  override readonly name = "RpcCancelledError";
  constructor(
    readonly rtype: string,
    message = `${rtype} was cancelled`,
  ) {
    super(message);
  }
}

interface Pending {
  resolve(result: RpcResult): void;
  reject(error: Error): void;
  /** Undefined when the request has no timeout. */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The message of the RpcCancelledError that `cancel` ends the request with (undefined: the default). */
  cancelled: string | undefined;
}

/** The longest delay `setTimeout` honours; longer ones are clamped to 1 ms by browsers and Node alike. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** How `expect` ends a request without a response; `messages` words the errors (the defaults name the rtype). */
export interface ExpectOptions {
  /** Milliseconds to wait for the response (any length), or `Infinity` to wait until a response or `cancel`. */
  readonly timeoutMs: number;
  readonly messages?: { readonly timeout?: string; readonly cancelled?: string };
}

/**
 * Pairs responses with requests (spec §6.3). Register the response type with `expect` before sending the request,
 * so that a fast response cannot be missed; hand every incoming message to `deliver`.
 *
 * @example
 * ```ts
 * import { RpcCorrelator, decodeMessage, encode, grabRenderRequest, grabRenderResponse, schema } from "vmp-protocol";
 *
 * const rpc = new RpcCorrelator();
 * const request = grabRenderRequest({ quality: 0.9 }, "DEFAULT");
 * const reply = rpc.expect(request.rtype, { timeoutMs: 5000 });
 * const frame = encode(schema.GrabRenderRequest, request); // socket.send(frame)
 *
 * // The socket's message handler hands every message it receives to the correlator:
 * const value = { dpr: 1, width: 1, height: 1, frame: new Uint8Array([0xff, 0xd8]) };
 * const answer = encode(schema.GrabRenderResponse, grabRenderResponse(request, value));
 * rpc.deliver(decodeMessage(answer, schema.MESSAGES).value);
 *
 * const { outcome } = await reply; // or RpcTimeoutError / RpcCancelledError
 * console.assert(frame.length > 0 && outcome === "succeeded");
 * ```
 */
export class RpcCorrelator<M = unknown> {
  private readonly pending = new Map<string, Pending>();

  /** Waits for the message whose `etype` is `rtype`. Expecting an `rtype` that is already pending is an Error. */
  expect(rtype: string, options: ExpectOptions): Promise<RpcResult<M>> {
    if (this.pending.has(rtype)) throw new Error(`${rtype} is already pending (uuids must be unique)`);
    const { timeoutMs } = options;
    if (Number.isNaN(timeoutMs) || timeoutMs < 0) {
      throw new RangeError(`timeoutMs must be a number of milliseconds >= 0, or Infinity for no timeout; got ${timeoutMs}`);
    }
    return new Promise<RpcResult<M>>((resolve, reject) => {
      const entry: Pending = { resolve: resolve as (result: RpcResult) => void, reject, timer: undefined, cancelled: options.messages?.cancelled };
      this.pending.set(rtype, entry);
      if (timeoutMs === Infinity) return; // no timeout: only a response or `cancel` ends the request
      // setTimeout clamps delays beyond 2^31-1 ms to 1 ms: a longer timeout is waited out in steps.
      const deadline = Date.now() + timeoutMs;
      const arm = (): void => {
        const left = deadline - Date.now();
        entry.timer = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(expire, Math.max(0, left));
      };
      const expire = (): void => {
        this.pending.delete(rtype);
        reject(new RpcTimeoutError(rtype, timeoutMs, options.messages?.timeout));
      };
      arm();
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
    p.reject(new RpcCancelledError(rtype, p.cancelled));
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

  /** The response types of the requests waiting for a response, oldest first. */
  rtypes(): string[] {
    return [...this.pending.keys()];
  }
}
