/**
 * Streams of frames, for `vmp validate` and `vmp inspect` on captured logs. Four formats:
 *
 * - `hex-lines`: one frame per line in hex (blank lines are skipped);
 * - `jsonl`: JSON Lines, one message in the JSON form (SPEC §9) per line;
 * - `length-prefixed`: each frame preceded by its length as a 4-byte little-endian unsigned integer;
 * - `raw`: MessagePack frames back to back, as they come off a socket (one frame is the common case); each
 *   frame's end is found from its headers, so a frame that is cut short ends the stream.
 *
 * Frames are yielded one at a time from the input's bytes, so a command holds one decoded frame at a time. A
 * problem of the framing itself (a line that is not hex, a length prefix past the end) is a frame that is
 * `unreadable`, and the stream goes on where it can.
 */
import { formatOf, readHeader } from "../../reference/src/wire/decode.js";
import { bytesOf, parseHex, sniff, type Input } from "./io.js";

export const STREAM_FORMATS = ["hex-lines", "jsonl", "length-prefixed", "raw"] as const;
export type StreamFormat = (typeof STREAM_FORMATS)[number];

/** One frame of a stream: its input (bytes or JSON text), or why the framing could not give one. */
export interface StreamFrame {
  /** 1-based position in the stream. */
  readonly index: number;
  /** 1-based line (line formats) or byte offset of the frame (binary formats). */
  readonly where: { readonly line: number } | { readonly offset: number };
  /** The byte offset just past the frame (for progress). */
  readonly end: number;
  readonly input: Input | { readonly name: string; readonly unreadable: string };
}

/** The size of a length prefix. */
const PREFIX = 4;

/**
 * The format a stream argument is read in when `--stream` is not given, or undefined when it is one frame:
 * `.jsonl`/`.ndjson` files are JSON Lines; on standard input, several lines of JSON messages are JSON Lines and
 * several lines of hex are hex lines. Raw bytes on standard input are read as `raw` (back-to-back frames).
 */
export function detectStream(arg: string, data: Buffer | undefined): StreamFormat | undefined {
  if (/\.(jsonl|ndjson)$/.test(arg)) return "jsonl";
  if (data === undefined) return undefined;
  switch (sniff(data)) {
    case "json": {
      const lines = nonBlankLines(data);
      return lines.length > 1 && lines.every((l) => l.startsWith("{") && l.endsWith("}")) ? "jsonl" : undefined;
    }
    case "hex":
      return nonBlankLines(data).length > 1 ? "hex-lines" : undefined;
    case "raw":
      return frameEnd(bytesOf(data), 0) === data.length ? undefined : "raw";
  }
}

function nonBlankLines(data: Buffer): string[] {
  return data
    .toString("utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

/** The frames of `data` (named `name` in reports) in `format`, one at a time. */
export function* framesOf(name: string, data: Buffer, format: StreamFormat): Generator<StreamFrame> {
  switch (format) {
    case "hex-lines":
    case "jsonl":
      yield* lineFrames(name, data, format);
      return;
    case "length-prefixed":
      yield* prefixedFrames(name, data);
      return;
    case "raw":
      yield* rawFrames(name, data);
  }
}

function* lineFrames(name: string, data: Buffer, format: "hex-lines" | "jsonl"): Generator<StreamFrame> {
  let index = 0;
  let line = 0;
  for (let start = 0; start < data.length; ) {
    let end = data.indexOf(0x0a, start);
    if (end < 0) end = data.length;
    line++;
    const text = data.toString("utf8", start, end).trim();
    start = end + 1;
    if (text === "") continue;
    const label = `${name}:${line}`;
    const frame = { index: ++index, where: { line }, end: Math.min(start, data.length) };
    if (format === "jsonl") {
      yield { ...frame, input: { name: label, form: "json", text } };
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = parseHex(text, label);
    } catch {
      yield { ...frame, input: { name: label, unreadable: "not hex (expected pairs of hex digits)" } };
      continue;
    }
    yield { ...frame, input: { name: label, form: "msgpack", bytes } };
  }
}

function* prefixedFrames(name: string, data: Buffer): Generator<StreamFrame> {
  let index = 0;
  for (let offset = 0; offset < data.length; ) {
    index++;
    const label = `${name}@${offset}`;
    const where = { offset };
    if (data.length - offset < PREFIX) {
      yield { index, where, end: data.length, input: { name: label, unreadable: `a length prefix needs ${PREFIX} bytes, ${data.length - offset} remain` } };
      return;
    }
    const length = data.readUInt32LE(offset);
    const start = offset + PREFIX;
    if (length > data.length - start) {
      yield { index, where, end: data.length, input: { name: label, unreadable: `the length prefix declares ${length} bytes, ${data.length - start} remain` } };
      return;
    }
    yield { index, where, end: start + length, input: { name: label, form: "msgpack", bytes: bytesOf(data.subarray(start, start + length)) } };
    offset = start + length;
  }
}

function* rawFrames(name: string, data: Buffer): Generator<StreamFrame> {
  const bytes = bytesOf(data);
  let index = 0;
  for (let offset = 0; offset < bytes.length; ) {
    // A frame whose end cannot be found (cut short, or a byte no frame may hold) is the rest of the input: the
    // decoder names its error, and nothing after it can be framed.
    const end = frameEnd(bytes, offset) ?? bytes.length;
    index++;
    yield { index, where: { offset }, end, input: { name: offset === 0 && end === bytes.length ? name : `${name}@${offset}`, form: "msgpack", bytes: bytes.subarray(offset, end) } };
    offset = end;
  }
}

/**
 * Where the MessagePack item at `offset` ends, from its headers alone (no value is built), or undefined when the
 * input ends first or holds the reserved byte 0xc1. Each header is at least one byte, so this is linear.
 */
export function frameEnd(bytes: Uint8Array, offset: number): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = offset;
  // Items still to read: arrays add their items, maps twice their entries.
  let pending = 1;
  while (pending > 0) {
    if (pos >= bytes.length) return undefined;
    const format = formatOf(bytes[pos]!);
    if (format.family === "reserved" || pos + format.size > bytes.length) return undefined;
    const h = readHeader(view, pos);
    pos += format.size;
    pending--;
    if (h.family === "str" || h.family === "bin" || h.family === "ext") pos += h.length;
    else if (h.family === "array") pending += h.length;
    else if (h.family === "map") pending += 2 * h.length;
  }
  return pos <= bytes.length ? pos : undefined;
}

/** Bytes of input before a progress line is worth showing. */
const PROGRESS_MIN_BYTES = 4 << 20;
/** Milliseconds between progress lines. */
const PROGRESS_EVERY_MS = 200;

/**
 * A transient `NAME: N frames, P% of S MB` line for a large stream, through `Io.progress` (which the CLI wires to
 * standard error only when it is a terminal). It never reaches standard output.
 */
export class StreamProgress {
  private last = 0;
  private readonly enabled: boolean;

  constructor(
    private readonly show: ((text: string) => void) | undefined,
    private readonly name: string,
    private readonly total: number,
  ) {
    this.enabled = show !== undefined && total >= PROGRESS_MIN_BYTES;
  }

  tick(frames: number, done: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < PROGRESS_EVERY_MS) return;
    this.last = now;
    const percent = Math.floor((100 * done) / this.total);
    this.show!(`${this.name}: ${frames} frame${frames === 1 ? "" : "s"}, ${percent}% of ${(this.total / 1e6).toFixed(1)} MB`);
  }

  /** Clears the line. */
  finish(): void {
    if (this.enabled) this.show!("");
  }
}
