/**
 * vrpc-ts's names over this package, so that code written for vrpc-ts runs unchanged: `serialize`/`deserialize`
 * (canonical VMP encoding, spec §3, instead of msgpackr's), `createRPCRequest`/`createRPCResponse` and
 * `RPCManager` (over `RpcCorrelator`, spec §6). The signatures and defaults are vrpc-ts's; where VMP has no form
 * for what an option asks (see each option), the call throws instead of writing a non-VMP frame.
 */
import { decodeValue, encodeValue } from "./codec.js";
import { RpcCorrelator } from "./rpc.js";

/** vrpc-ts's serialization options. */
export interface SerializeOptions {
  /** Turn `undefined` into nil in nested arrays and objects too, not only at the top level. Default true. */
  readonly recursive?: boolean;
  /**
   * Encode registered types (`registerType`) as their ZData. Default true; VMP has no other form for them, so
   * `false` throws.
   */
  readonly useCustomEncoders?: boolean;
  /**
   * Keep `undefined`: VMP has no undefined (spec §3.9), so an `undefined` property is left out of its map and an
   * `undefined` array item or value throws. Default false: `undefined` is written as nil, as vrpc-ts does.
   */
  readonly preserveUndefined?: boolean;
}

/** vrpc-ts's deserialization options. */
export interface DeserializeOptions {
  /** Read ZData as `NDArray`, `ZImage`, a registered type, …; false keeps the ZData maps as sent. Default true. */
  readonly decodeZData?: boolean;
  /** Keep ZData maps as sent (`{ ztype, b, dtype, shape }`). Default false. */
  readonly preserveZData?: boolean;
}

/**
 * Encodes any value canonically (type `any`, spec §3), as vrpc-ts's `serialize` does with msgpackr. The result is
 * a view of a shared buffer, as `encodeValue`'s: send it or keep it, but do not use its `.buffer`.
 *
 * @example
 * ```ts
 * import { deserialize, serialize } from "vmp-protocol";
 *
 * const bytes = serialize({ ts: 1, etype: "UPDATE", data: { position: [1, 2, 3] }, value: undefined });
 * const back = deserialize<{ etype: string; value: null }>(bytes);
 * console.assert(back.etype === "UPDATE" && back.value === null);
 * ```
 */
export function serialize(value: unknown, options: SerializeOptions = {}): Uint8Array {
  if (options.useCustomEncoders === false)
    throw new Error(
      "VMP encodes registered types only as their ZData: useCustomEncoders: false has no VMP form",
    );
  if (options.preserveUndefined === true) return encodeValue(value);
  return encodeValue(undefinedToNil(value, options.recursive ?? true));
}

/**
 * Decodes one frame as a free-form value (`decodeValue`), as vrpc-ts's `deserialize` does: `T` is what the
 * caller expects, not checked (use `decodeMessage` or `validate` for that).
 */
export function deserialize<T = unknown>(bytes: Uint8Array, options: DeserializeOptions = {}): T {
  const keepZData = options.preserveZData === true || options.decodeZData === false;
  return decodeValue(bytes, { keepZData }) as T;
}

/** A copy of `value` with `undefined` as null, in plain arrays and objects (recursively unless `recursive` is false). */
function undefinedToNil(value: unknown, recursive: boolean, top = true): unknown {
  if (value === undefined) return null;
  if (!top && !recursive) return value;
  if (Array.isArray(value)) return value.map((x) => undefinedToNil(x, recursive, false));
  if (value !== null && typeof value === "object") {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value)) out[k] = undefinedToNil(x, recursive, false);
    return out;
  }
  return value;
}

/** vrpc-ts's request: a Message whose `rtype` names the response (spec §6.1). */
export interface RPCRequest {
  ts: number;
  etype: string;
  rtype: string;
  args?: unknown[] | undefined;
  kwargs?: Record<string, unknown> | undefined;
  data?: unknown;
  value?: unknown;
}

/** vrpc-ts's response: its `etype` is the request's `rtype` (spec §6.2). */
export interface RPCResponse {
  ts: number;
  etype: string;
  data?: unknown;
  value?: unknown;
  ok: boolean;
  error: string | null;
}

/** The fields of a request `createRPCRequest` and `RPCManager.request` take. */
export interface RPCRequestParams {
  etype: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  /** The request's `rtype`; default `rpc-{uuid}`, as vrpc-ts. */
  requestId?: string;
  data?: unknown;
  value?: unknown;
}

/** A request id as vrpc-ts makes them: `rpc-{uuid}`. */
export function generateRequestId(prefix = "rpc"): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

/**
 * An RPC request as vrpc-ts builds it: `{ ts, etype, rtype, args, kwargs, data, value }`, `ts` now and `rtype`
 * the `requestId` or `rpc-{uuid}`. Absent fields are `undefined`, which `serialize` writes as nil.
 *
 * @example
 * ```ts
 * import { createRPCRequest, createRPCResponse } from "vmp-protocol";
 *
 * const request = createRPCRequest({ etype: "CAMERA:main-camera", args: [100, 200], kwargs: { duration: 1.5 } });
 * const response = createRPCResponse({ request, data: { success: true } });
 * console.assert(response.etype === request.rtype && response.ok && response.error === null);
 * ```
 */
export function createRPCRequest(params: RPCRequestParams): RPCRequest {
  return {
    ts: Date.now(),
    etype: params.etype,
    rtype: params.requestId || generateRequestId(),
    args: params.args,
    kwargs: params.kwargs,
    data: params.data,
    value: params.value,
  };
}

/** An RPC response as vrpc-ts builds it: `etype` is the request's `rtype`, `ok` defaults to true, `error` to null. */
export function createRPCResponse(params: {
  request: Pick<RPCRequest, "rtype">;
  data?: unknown;
  value?: unknown;
  ok?: boolean;
  error?: string | null;
}): RPCResponse {
  return {
    ts: Date.now(),
    etype: params.request.rtype,
    data: params.data,
    value: params.value,
    ok: params.ok ?? true,
    error: params.error ?? null,
  };
}

/** Whether a message is a request: it names its response type in `rtype` (vrpc-ts's rule). */
export function isRPCRequest(message: object): message is RPCRequest {
  return (message as { rtype?: unknown }).rtype !== undefined;
}

/** Whether a message is a response: it has an `ok` or an `error` entry (vrpc-ts's rule). */
export function isRPCResponse(message: object): message is RPCResponse {
  return "ok" in message || "error" in message;
}

/**
 * vrpc-ts's RPC manager over `RpcCorrelator`: `request` sends a request and resolves with its response (rejects
 * with an `RpcTimeoutError` or `RpcCancelledError`, worded as vrpc-ts's errors, or an Error with the response's
 * `error`); `handleResponse` takes every incoming message.
 *
 * @example
 * ```ts
 * import { RPCManager, createRPCResponse } from "vmp-protocol";
 *
 * const manager = new RPCManager();
 * const response = await manager.request(
 *   (request) => manager.handleResponse(createRPCResponse({ request, data: [1, 2, 3] })), // websocket.send(serialize(request))
 *   { etype: "GET_POSITION", kwargs: { componentKey: "main-camera" } },
 * );
 * console.assert(Array.isArray(response.data) && manager.getPendingCount() === 0);
 * ```
 */
export class RPCManager {
  private readonly rpc = new RpcCorrelator<object>();

  /** Sends a request through `sender` and waits up to `timeoutMs` for its response. */
  async request(
    sender: (request: RPCRequest) => void,
    params: RPCRequestParams,
    timeoutMs = 5000,
  ): Promise<RPCResponse> {
    const request = createRPCRequest(params);
    const reply = this.rpc.expect(request.rtype, {
      timeoutMs,
      messages: { timeout: `RPC request timeout: ${request.etype}`, cancelled: "RPC request cancelled" },
    });
    try {
      sender(request);
    } catch (e) {
      this.rpc.cancel(request.rtype);
      reply.catch(() => undefined);
      throw e;
    }
    const { message } = await reply;
    const error = (message as { error?: unknown }).error;
    if (typeof error === "string" && error !== "") throw new Error(error);
    return message as RPCResponse;
  }

  /** Resolves the request `message` answers and returns true; false when it answers nothing pending. */
  handleResponse(message: object): boolean {
    return this.rpc.deliver(message);
  }

  /** Ends a pending request with an `RpcCancelledError`. */
  cancel(requestId: string): void {
    this.rpc.cancel(requestId);
  }

  /** Ends every pending request with an `RpcCancelledError`. */
  cancelAll(): void {
    this.rpc.cancelAll();
  }

  /** The number of requests waiting for a response. */
  getPendingCount(): number {
    return this.rpc.size;
  }

  /** The `rtype`s of the requests waiting for a response. */
  getPendingRequestIds(): string[] {
    return this.rpc.rtypes();
  }
}
