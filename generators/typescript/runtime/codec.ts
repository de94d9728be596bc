/**
 * The codec's public entry points: schema-directed `encode`/`decode` over type descriptors, `decodeValue`/
 * `encodeValue` for bare values (type `any`, what a relay uses), and message type selection (spec §4.6).
 *
 * Relay guarantee (spec §10): for canonical bytes B of a value read as T,
 * `encode(T, decode(T, B, { lossless: true }))` is B again, byte for byte.
 */
import { VmpError } from "./errors.js";
import type { MessageDescs, RecordDesc } from "./schema.js";
import { readerOf, type Desc } from "./decode.js";
import { writerOf } from "./encode.js";
import { checkPrototype, entryOf, isMapLike, readAny, writeAny, type DecodeOptions } from "./value.js";
import { Reader, type Kind } from "./reader.js";
import { Writer } from "./wire.js";

/**
 * Encodes `value` as `desc`, canonically; throws a VmpError (with the path) for a value `desc` does not admit.
 * The result is a view of a shared buffer (see `encodeWith`): send it or keep it, but do not use its `.buffer`.
 */
export function encode(desc: Desc, value: unknown): Uint8Array {
  return encodeWith(writerOf(desc), value);
}

/**
 * Appends the encoding of `value` to `writer` (reuse one writer across frames: `reset()`, `encodeInto`, send
 * `view()`). After an error the writer holds a partial frame: `reset()` it.
 */
export function encodeInto(desc: Desc, value: unknown, writer: Writer): void {
  checkPrototype();
  writerOf(desc)(writer, value);
}

/** Decodes one frame as `desc`, validating it (see decode.ts for the kinds and paths). */
export function decode(desc: Desc, bytes: Uint8Array, options?: DecodeOptions): unknown {
  return decodeWith(bytes, options, readerOf(desc));
}

const readAnyRoot = (r: Reader, kind: Kind): unknown => readAny(r, kind);

/** Decodes one frame as a free-form value (type `any`); `{ lossless: true }` for a relay. */
export function decodeValue(bytes: Uint8Array, options?: DecodeOptions): unknown {
  return decodeWith(bytes, options, readAnyRoot);
}

/**
 * Reads the one value of a frame. Values are checked as they are read, so a schema error can come before a wire
 * error further on; spec §8.1 reports wire errors first: on a schema error (one without an offset) the frame is
 * scanned for a wire error, which then wins. Valid frames never pay for this.
 */
function decodeWith(
  bytes: Uint8Array,
  options: DecodeOptions | undefined,
  read: (r: Reader, kind: Kind) => unknown,
): unknown {
  // One reader serves frame after frame; a nested decode (a custom type's decoder) finds none and makes its own.
  let r = spare;
  spare = undefined;
  if (r === undefined) r = new Reader(bytes, options);
  else r.reset(bytes, options);
  try {
    const v = read(r, r.next());
    r.finish();
    return v;
  } catch (e) {
    if (e instanceof VmpError && e.offset === undefined) {
      const scan = new Reader(bytes);
      scan.skip(scan.next());
      scan.finish();
    }
    throw e;
  } finally {
    r.release();
    spare = r;
  }
}

/** The reader `decodeWith` reuses (undefined while a decode holds it). */
let spare: Reader | undefined;

const writeValue = (w: Writer, value: unknown): void =>
  value === undefined ? w.fail("WrongType", "undefined has no VMP form (use null)") : writeAny(w, value);

/** Encodes a free-form value (type `any`) canonically (a view of a shared buffer, as `encode` returns). */
export function encodeValue(value: unknown): Uint8Array {
  return encodeWith(writeValue, value);
}

/** Frames are written one after another into chunks of this size (a bigger frame gets a chunk of its own). */
const CHUNK = 64 * 1024;
let chunk: Writer | undefined;

/**
 * Writes one frame after the previous ones in a shared chunk and returns a view of it. Allocating a typed array
 * per frame costs V8 about a microsecond, more than encoding a typical event, so frames share their chunk (and
 * keep it alive while they live, as msgpackr's do). A nested call (a custom type's encoder calling `encode`)
 * finds no chunk and takes a new one; a failed write abandons its chunk, and so does a transfer of its buffer.
 */
function encodeWith(write: (w: Writer, value: unknown) => void, value: unknown): Uint8Array {
  let w = chunk;
  chunk = undefined;
  if (w === undefined || w.length > chunkSize || w.capacity - w.length < expected || w.capacity === 0)
    w = new Writer(chunkSize);
  const start = w.length;
  checkPrototype();
  write(w, value);
  chunk = w;
  const size = w.length - start;
  // Frames of up to MAX_EXPECTED bytes get chunks that hold several of them (so that they never grow a chunk);
  // bigger ones grow a chunk of their own.
  expected = size <= MAX_EXPECTED ? size : 0;
  while (expected * 4 > chunkSize && chunkSize < MAX_CHUNK) chunkSize *= 2;
  return w.view(start);
}

/** The size of the next chunk: CHUNK, or more once frames of up to MAX_EXPECTED bytes were seen. */
let chunkSize = CHUNK;
/** The size of the last frame (0 beyond MAX_EXPECTED): a new frame starts a new chunk when less space is left. */
let expected = 0;
const MAX_EXPECTED = 256 * 1024;
const MAX_CHUNK = 1024 * 1024;

/** `{ETYPE}_RESPONSE@{uuid}`, matched greedily (spec §4.6, rule 4). */
const RESPONSE = /^(.+)_RESPONSE@(.+)$/;

interface Catalogue {
  readonly byEtype: ReadonlyMap<string, RecordDesc>;
  readonly patterned: readonly RecordDesc[];
  readonly rpcResponse: RecordDesc | undefined;
  readonly message: RecordDesc | undefined;
}

const catalogues = new WeakMap<readonly RecordDesc[], Catalogue>();

function catalogue(messages: readonly RecordDesc[]): Catalogue {
  let c = catalogues.get(messages);
  if (c === undefined) {
    // The envelopes themselves (ServerEvent, …) are not selected by etype; they are what rules 4 and 5 fall back to.
    const events = messages.filter((m) => m.event !== undefined && m.event.envelope !== m.name);
    c = {
      byEtype: new Map(events.filter((m) => m.event!.etype !== undefined).map((m) => [m.event!.etype!, m])),
      patterned: events.filter((m) => m.event!.etype === undefined && m.event!.etypePattern !== undefined),
      rpcResponse: messages.find((m) => m.name === "RpcResponse"),
      message: messages.find((m) => m.name === "Message"),
    };
    catalogues.set(messages, c);
  }
  return c;
}

/**
 * The message type of a frame (bytes) or of a decoded message (spec §4.6): a catalogued etype, then an etype
 * pattern, then `RpcResponse` for `…_RESPONSE@…` etypes and frames with an `ok` entry, else `Message` (for a spec
 * without `Message`, `InvalidValue` at `etype`). A frame that is not a map is `WrongType` at the root; one without
 * a string `etype`, `MissingField`/`WrongType` there.
 * `messages` is the package's list of message descriptors.
 */
export function selectMessage(input: unknown, messages: readonly RecordDesc[]): RecordDesc {
  const { etype, hasOk } = input instanceof Uint8Array ? scanMessage(input) : inspectMessage(input);
  const c = catalogue(messages);
  const exact = c.byEtype.get(etype);
  if (exact !== undefined) return exact;
  const patterned = c.patterned.find((m) => {
    const p = m.event!.etypePattern!;
    p.lastIndex = 0;
    return p.test(etype);
  });
  if (patterned !== undefined) return patterned;
  const fallback = (RESPONSE.test(etype) || hasOk ? c.rpcResponse : undefined) ?? c.message;
  if (fallback === undefined)
    throw new VmpError("InvalidValue", `no message type of the spec has the etype ${JSON.stringify(etype)}`, ["etype"]);
  return fallback;
}

/**
 * Selects the message type of a frame and decodes the frame as that type: with the package's `MESSAGES` the value
 * is a `DecodedMessage` (the catalogue's union with its fallbacks), with a plain descriptor list `unknown`.
 */
export function decodeMessage<M = unknown>(
  bytes: Uint8Array,
  messages: MessageDescs<M>,
  options?: DecodeOptions,
): { type: RecordDesc; value: M } {
  let type: RecordDesc;
  try {
    type = selectMessage(bytes, messages);
  } catch (e) {
    // A failed selection is a schema error: a wire error anywhere in the frame comes first (spec §8.1).
    if (e instanceof VmpError && e.offset === undefined) {
      const scan = new Reader(bytes);
      scan.skip(scan.next());
      scan.finish();
    }
    throw e;
  }
  return { type, value: decode(type, bytes, options) as M };
}

/** Finds `etype` and `ok` among the top-level entries of a frame, skipping (and checking) everything else. */
function scanMessage(bytes: Uint8Array): { etype: string; hasOk: boolean } {
  const r = new Reader(bytes);
  const kind = r.next();
  if (kind !== "map") throw new VmpError("WrongType", `a message is a map, got ${kind}`);
  const n = r.length;
  r.enter();
  let etype: unknown;
  let hasOk = false;
  const keys = new Set<string>();
  for (let i = 0; i < n; i++) {
    r.depth = 0;
    const key = r.key();
    if (keys.has(key)) r.duplicate(key);
    keys.add(key);
    r.segments[0] = key;
    r.depth = 1;
    const k = r.next();
    if (key === "etype" && k === "str") etype = r.str();
    else r.skip(k);
    if (key === "etype" && k !== "str") etype = null; // present, but not a string
    if (key === "ok") hasOk = true;
  }
  r.depth = 0;
  r.finish();
  return { etype: checkEtype(etype, keys.has("etype")), hasOk };
}

function inspectMessage(value: unknown): { etype: string; hasOk: boolean } {
  if (!isMapLike(value)) throw new VmpError("WrongType", "a message is a map");
  const etype = entryOf(value, "etype");
  return { etype: checkEtype(etype, etype !== undefined), hasOk: entryOf(value, "ok") !== undefined };
}

function checkEtype(etype: unknown, present: boolean): string {
  if (!present) throw new VmpError("MissingField", "a message needs an etype", ["etype"]);
  if (typeof etype !== "string") throw new VmpError("WrongType", "etype must be a string", ["etype"]);
  return etype;
}
