/**
 * The testee protocol (conformance/README.md): how the conformance runner talks to a binding's testee program.
 *
 * The runner starts the testee once and writes requests to its stdin; the testee answers each request, in order,
 * on its stdout. Both directions carry frames: a 4-byte little-endian unsigned length, then that many bytes of
 * UTF-8 JSON (one object). Values travel in typed JSON (conformance/VECTORS.md) and bytes as lower-case hex, so
 * a testee needs nothing but a JSON parser and its binding.
 */
import type { Readable, Writable } from "node:stream";

/** The ops a testee may implement; `hello` and `quit` are required of every testee. */
export const VECTOR_OPS = ["decode", "encode", "reencode", "validate"] as const;
export type VectorOp = (typeof VECTOR_OPS)[number];

/** Decoder options a vector may carry; a testee that does not support one answers `skipped`. */
export interface VectorOptions {
  /** Reject ztypes the binding does not know (`UnknownZType`) instead of keeping them opaque. */
  readonly strictZType?: boolean;
}

/**
 * `type` is a `$defs` name of the spec (`SetEvent`, `ServerEvent`, …) or `any` for a bare value (no schema).
 * `hex` is lower-case hex of one MessagePack frame; `value` is typed JSON.
 */
export type Request =
  | { readonly op: "hello" }
  | { readonly op: "quit" }
  | { readonly op: "decode"; readonly type: string; readonly hex: string; readonly options?: VectorOptions }
  | { readonly op: "encode"; readonly type: string; readonly value: unknown; readonly options?: VectorOptions }
  | { readonly op: "reencode"; readonly type: string; readonly hex: string; readonly options?: VectorOptions }
  | { readonly op: "validate"; readonly type: string; readonly hex: string; readonly options?: VectorOptions };

/**
 * An error the binding reported. `kind` is one of the 15 kinds of the error taxonomy (spec §8), or
 * `BadRequest` (the testee could not make sense of the request: an unknown type, malformed typed JSON) or
 * `Internal` (the binding failed with something that is not a VMP error; `message` says what).
 */
export interface WireError {
  readonly kind: string;
  /** The error's path as the binding's `formatPath` prints it (`data.nodes[0].b`, `(root)`). */
  readonly path?: string;
  readonly message?: string;
}

export type Response =
  /** hello */
  | { readonly ok: true; readonly name: string; readonly version: string; readonly ops: readonly string[] }
  /** decode */
  | { readonly ok: true; readonly value: unknown }
  /** encode, reencode */
  | { readonly ok: true; readonly hex: string }
  /** validate */
  | { readonly ok: true }
  | { readonly ok: false; readonly error: WireError }
  /** The testee does not support this op or option; the case is skipped, with this reason. */
  | { readonly ok: false; readonly skipped: string };

/** Frames larger than this are refused in both directions (the largest vector is about 2.3 MB of JSON). */
export const MAX_FRAME_SIZE = 64 * 1024 * 1024;

/** A frame that cannot be read: oversized, not UTF-8 JSON, not an object, or cut off by the end of the stream. */
export class FrameError extends Error {
  override name = "FrameError";
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** One frame: the 4-byte little-endian length, then the JSON text of `message`. */
export function encodeFrame(message: unknown, maxSize = MAX_FRAME_SIZE): Buffer {
  const body = Buffer.from(JSON.stringify(message), "utf8");
  if (body.length > maxSize) throw new FrameError(`frame of ${body.length} bytes exceeds the limit of ${maxSize} bytes`);
  const header = Buffer.alloc(4);
  header.writeUInt32LE(body.length, 0);
  return Buffer.concat([header, body]);
}

/** Parses one frame body: UTF-8 JSON holding an object. */
export function decodeFrameBody(body: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new FrameError(`frame of ${body.length} bytes is not UTF-8 (starts ${preview(body)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new FrameError(`frame is not JSON (${(e as Error).message}; starts ${JSON.stringify(text.slice(0, 40))})`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new FrameError(`frame holds ${Array.isArray(parsed) ? "an array" : JSON.stringify(parsed)}, not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * An incremental frame parser: `push` bytes as they arrive and get back the frames they complete. A header
 * announcing more than `maxSize` bytes is refused at once, before anything is buffered.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxSize = MAX_FRAME_SIZE) {}

  /** Bytes received that do not yet form a whole frame. */
  get pending(): number {
    return this.buffered;
  }

  push(chunk: Uint8Array): Record<string, unknown>[] {
    this.chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.buffered += chunk.byteLength;
    const frames: Record<string, unknown>[] = [];
    for (;;) {
      if (this.buffered < 4) return frames;
      if (this.chunks[0]!.length < 4) this.chunks = [Buffer.concat(this.chunks)];
      const length = this.chunks[0]!.readUInt32LE(0);
      if (length > this.maxSize) {
        throw new FrameError(`frame header announces ${length} bytes, over the limit of ${this.maxSize} (starts ${preview(this.chunks[0]!)})`);
      }
      // Chunks are joined only once the frame is complete, so a large frame is copied once, not per chunk.
      if (this.buffered < 4 + length) return frames;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      frames.push(decodeFrameBody(all.subarray(4, 4 + length)));
      const rest = all.subarray(4 + length);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
    }
  }

  /** Call at the end of the stream: bytes left over are a cut-off frame. */
  end(): void {
    if (this.buffered === 0) return;
    const all = Buffer.concat(this.chunks);
    const announced = all.length >= 4 ? `${all.readUInt32LE(0)} announced` : "no complete header";
    throw new FrameError(`stream ended inside a frame (${this.buffered} bytes received, ${announced}; starts ${preview(all)})`);
  }
}

/** Reads frames from a stream until it ends; a malformed frame rejects the iteration with a FrameError. */
export async function* readFrames(input: Readable, maxSize = MAX_FRAME_SIZE): AsyncGenerator<Record<string, unknown>> {
  const reader = new FrameReader(maxSize);
  for await (const chunk of input) {
    yield* reader.push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : (chunk as Uint8Array));
  }
  reader.end();
}

/** Writes one frame, resolving once the stream has taken it (so a writer respects backpressure). */
export function writeFrame(output: Writable, message: unknown, maxSize = MAX_FRAME_SIZE): Promise<void> {
  const frame = encodeFrame(message, maxSize);
  return new Promise((resolve, reject) => {
    output.write(frame, (err) => (err ? reject(err) : resolve()));
  });
}

/** The first bytes of a buffer as hex, for error messages about garbage. */
function preview(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 12)).toString("hex");
  return bytes.byteLength > 12 ? `${hex}…` : hex || "(nothing)";
}

/**
 * Serves the protocol on a pair of streams: each request frame goes to `handle`, each answer is written back in
 * order; `quit` or the end of the input stops the loop. A handler that throws is a bug in the testee: it is
 * answered as an `Internal` error so that the runner reports it and the testee lives on.
 */
export async function serve(
  handle: (request: Record<string, unknown>) => Response | Promise<Response>,
  input: Readable = process.stdin,
  output: Writable = process.stdout,
): Promise<void> {
  for await (const request of readFrames(input)) {
    if (request.op === "quit") return;
    let response: Response;
    try {
      response = await handle(request);
    } catch (e) {
      response = { ok: false, error: { kind: "Internal", message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) } };
    }
    await writeFrame(output, response);
  }
}
