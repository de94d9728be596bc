/**
 * A tolerant MessagePack tokenizer for `vmp inspect`: one line per item, saying which form each header uses and
 * every way it is not the canonical one. It knows no schema; the CLI layers schema-aware notes on top.
 *
 * It reports problems instead of throwing: the listing stops at the first problem the decoder would reject (the
 * same kind, at the same offset, as `decode`) and ends with a line for it. Like the decoder it is iterative and
 * never trusts a declared length, so hostile input costs time and memory proportional to its size.
 */
import type { ErrorKind } from "../../../core/src/errors.js";
import { floatNumber } from "../value/model.js";
import { MAX_DEPTH, formatOf, readHeader, utf8Decoder, type Family, type Header } from "./decode.js";
import { canonicalIntForm, canonicalLengthForm } from "./encode.js";

/** A value family, or `end` for a Truncated line at the end of the input (where there is no item). */
export type InspectFamily = Family | "end";

export interface InspectLine {
  /** Byte offset of the item's format byte. */
  readonly offset: number;
  /** Number of containers around the item (0 for the root). */
  readonly depth: number;
  /** The format byte; absent only when the input ended where an item should start. */
  readonly formatByte?: number;
  /** The spec's name of the form: `fixmap`, `map16`, `uint64`, `float64`, `str8`, … */
  readonly formatName: string;
  readonly family: InspectFamily;
  /** Hex of the header: the format byte and its length or value bytes (all that is present, when truncated). */
  readonly header: string;
  /** The value (`5`, `"abc"`, `1.0`), a count (`3 entries`) or, on an error line, what is wrong. */
  readonly summary: string;
  /** When the item is a map value: its key. */
  readonly key?: string;
  /** When the item is an array element: its index. */
  readonly index?: number;
  /** Payload bytes (str, bin, ext), items (array) or entries (map), as declared. */
  readonly length?: number;
  /** Every way the header (or, prefixed `key:`, its key's header) is not canonical. */
  readonly notes: string[];
  /** Set on the final line when the input is invalid; `summary` says why. */
  readonly error?: ErrorKind;
}

export interface InspectOptions {
  /** Nested containers allowed before `DepthExceeded` (default 512, as the decoder). */
  readonly maxDepth?: number;
  /** How many payload bytes a str or bin summary shows before `…` (default 32). */
  readonly preview?: number;
}

/** Tokenizes `bytes` into lines; never throws for any input. */
export function inspect(bytes: Uint8Array, options: InspectOptions = {}): InspectLine[] {
  return new Inspector(bytes, options.maxDepth ?? MAX_DEPTH, options.preview ?? 32).run();
}

/** An open container: how many items (arrays) or entries (maps) are still to come. */
interface Frame {
  readonly kind: "array" | "map";
  remaining: number;
  /** Array: index of the next item. */
  next: number;
  /** Map: keys seen so far. */
  readonly keys: Set<string>;
}

/** Where an item sits in its parent, plus the notes about its key's header. */
interface Place {
  readonly key?: string;
  readonly index?: number;
  readonly keyNotes: readonly string[];
}

/** An InspectLine under construction. */
type Draft = { -readonly [K in keyof InspectLine]: InspectLine[K] };

/** Thrown internally once the error line has been written. */
class Stopped {}

class Inspector {
  private readonly view: DataView;
  private readonly lines: InspectLine[] = [];
  private readonly stack: Frame[] = [];
  private pos = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly maxDepth: number,
    private readonly preview: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  run(): InspectLine[] {
    try {
      do {
        this.item(this.place());
        while (this.stack.at(-1)?.remaining === 0) this.stack.pop();
      } while (this.stack.length > 0);
      const left = this.bytes.length - this.pos;
      if (left > 0) this.stop(this.pos, NO_PLACE, "TrailingBytes", `${count(left, "byte", "bytes")} after the value`);
    } catch (e) {
      if (!(e instanceof Stopped)) throw e;
    }
    return this.lines;
  }

  /** Consumes the next slot of the open container: an array index, or a map key (read and checked here). */
  private place(): Place {
    const frame = this.stack.at(-1);
    if (frame === undefined) return NO_PLACE;
    frame.remaining--;
    if (frame.kind === "array") return { index: frame.next++, keyNotes: [] };
    const start = this.pos;
    const h = this.header(start, NO_PLACE);
    if (h.family !== "str") this.stop(start, NO_PLACE, "NonStringKey", `map keys must be str, found ${h.format.name}`);
    const key = this.text(h.length, start, NO_PLACE);
    if (frame.keys.has(key)) {
      this.stop(start, { key, keyNotes: [] }, "DuplicateKey", `duplicate map key ${JSON.stringify(key)}`);
    }
    frame.keys.add(key);
    const note = lengthNote("str", h.format.name, h.length);
    return { key, keyNotes: note === undefined ? [] : [`key: ${note}`] };
  }

  /** Reads one item and writes its line; opens a frame for a non-empty container. */
  private item(place: Place): void {
    const start = this.pos;
    const h = this.header(start, place);
    const line = (summary: string, note?: string, length?: number): void => {
      const notes = note === undefined ? [...place.keyNotes] : [...place.keyNotes, note];
      this.lines.push(this.draft(start, place, summary, notes, length));
    };
    const name = h.format.name;
    switch (h.family) {
      case "nil":
        return line("nil");
      case "bool":
        return line(String(h.value));
      case "int":
        return line(String(h.value), intNote(name, h.value));
      case "float":
        return line(floatSummary(h.width, h.bits));
      case "str": {
        const text = this.text(h.length, start, place);
        return line(abbreviate(text, this.preview), lengthNote("str", name, h.length), h.length);
      }
      case "bin": {
        const payload = this.payload(h.length, start, place);
        const cut = payload.length > this.preview;
        const shown = hexOf(payload, 0, cut ? this.preview : payload.length) + (cut ? "…" : "");
        return line(shown, lengthNote("bin", name, h.length), h.length);
      }
      case "array":
      case "map": {
        if (this.stack.length >= this.maxDepth) {
          this.stop(start, place, "DepthExceeded", `more than ${this.maxDepth} nested containers`);
        }
        const size = h.family === "array" ? count(h.length, "item", "items") : count(h.length, "entry", "entries");
        line(size, lengthNote(h.family, name, h.length), h.length);
        if (h.length > 0) this.stack.push({ kind: h.family, remaining: h.length, next: 0, keys: new Set() });
        return;
      }
      case "ext": {
        const reason = `${name} (ext type ${h.extType}): VMP has no ext types`;
        return this.stop(start, place, "UnsupportedExt", reason, h.length);
      }
      case "reserved":
        return this.stop(start, place, "InvalidValue", "0xc1 is never used");
    }
  }

  /** Checks that the header at `start` is all there, parses it and moves past it. */
  private header(start: number, place: Place): Header {
    if (start >= this.bytes.length) this.stop(start, place, "Truncated", "the input ends where a value should start");
    const format = formatOf(this.bytes[start]!);
    if (start + format.size > this.bytes.length) {
      const left = this.bytes.length - start;
      this.stop(start, place, "Truncated", `${format.name} header needs ${format.size} bytes, ${left} remain`);
    }
    this.pos = start + format.size;
    return readHeader(this.view, start);
  }

  /** The payload after the header at `start`, checked against the bytes present. */
  private payload(length: number, start: number, place: Place): Uint8Array {
    const left = this.bytes.length - this.pos;
    if (length > left) {
      const name = formatOf(this.bytes[start]!).name;
      this.stop(start, place, "Truncated", `${name} declares ${length} bytes, ${left} remain`, length);
    }
    this.pos += length;
    return this.bytes.subarray(this.pos - length, this.pos);
  }

  /** A str payload as strict UTF-8. */
  private text(length: number, start: number, place: Place): string {
    const payload = this.payload(length, start, place);
    try {
      return utf8Decoder.decode(payload);
    } catch {
      const name = formatOf(this.bytes[start]!).name;
      return this.stop(start, place, "InvalidUtf8", `${name} of ${length} bytes is not valid UTF-8`, length);
    }
  }

  /** The line for the item whose format byte is at `start` (or that the input ended before). */
  private draft(start: number, place: Place, summary: string, notes: string[], length?: number): Draft {
    const depth = this.stack.length;
    const line: Draft = { offset: start, depth, formatName: "end of input", family: "end", header: "", summary, notes };
    if (place.key !== undefined) line.key = place.key;
    if (place.index !== undefined) line.index = place.index;
    if (length !== undefined) line.length = length;
    const byte = this.bytes[start];
    if (byte === undefined) return line;
    const format = formatOf(byte);
    line.formatByte = byte;
    line.formatName = format.name;
    line.family = format.family;
    line.header = hexOf(this.bytes, start, Math.min(this.bytes.length, start + format.size));
    return line;
  }

  /** Writes the final line, for the item at `start`, and ends the listing. */
  private stop(start: number, place: Place, error: ErrorKind, reason: string, length?: number): never {
    const line = this.draft(start, place, reason, [], length);
    line.error = error;
    this.lines.push(line);
    throw new Stopped();
  }
}

const NO_PLACE: Place = { keyNotes: [] };

/** Two hex digits per byte value, so that a header (at most 9 bytes) is hexed without allocating a Buffer. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

function hexOf(bytes: Uint8Array, from: number, to: number): string {
  let out = "";
  for (let i = from; i < to; i++) out += HEX[bytes[i]!];
  return out;
}

/** How an integer's form differs from the canonical one (undefined when it is canonical). */
function intNote(name: string, v: bigint): string | undefined {
  const canonical = canonicalIntForm(v)!.name;
  if (name === canonical) return undefined;
  // int8..int64 holding a non-negative value: the canonical form is in the other family altogether.
  if (v >= 0n && name.startsWith("int")) {
    return `${name} for non-negative ${v}; canonical uses the uint family: ${canonical}`;
  }
  return `${name} for ${v}; canonical is ${canonical}`;
}

/** How a length-prefixed header differs from the canonical one (undefined when it is canonical). */
function lengthNote(family: "str" | "bin" | "array" | "map", name: string, length: number): string | undefined {
  // Lengths read from the wire are at most 2^32-1, which every family can declare.
  const canonical = canonicalLengthForm(family, length)!.name;
  if (name === canonical) return undefined;
  if (family === "array") return `${name} header for ${count(length, "item", "items")}; canonical is ${canonical}`;
  if (family === "map") return `${name} header for ${count(length, "entry", "entries")}; canonical is ${canonical}`;
  return `${name} for ${count(length, "byte", "bytes")}; canonical is ${canonical}`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A float as it reads back as a float: `1.0`, `-0.0`, `1.5e+300`, `Infinity`; NaN with its bits. */
function floatSummary(width: 32 | 64, bits: bigint): string {
  const n = floatNumber({ kind: "float", width, bits });
  if (Number.isNaN(n)) return `NaN (bits ${bits.toString(16).padStart(width / 4, "0")})`;
  if (Object.is(n, -0)) return "-0.0";
  const s = String(n);
  return /[.eI]/.test(s) ? s : `${s}.0`; // "I": Infinity and -Infinity are already unmistakable
}

/** A JSON-quoted string cut after at most `maxBytes` UTF-8 bytes (whole code points), marked `…` when cut. */
function abbreviate(s: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes > maxBytes) return `${JSON.stringify(s.slice(0, end))}…`;
    end += ch.length;
  }
  return JSON.stringify(s);
}

export interface FormatInspectOptions {
  /** Print the non-canonical notes after each line (default true). */
  readonly notes?: boolean;
}

/** Cap on the aligned type column, so that one deeply nested line does not push every summary to the right. */
const MAX_TYPE_WIDTH = 48;

/** Renders lines as a table: `offset  header  indent+[key: ]format  summary  ; notes`. */
export function formatInspect(lines: readonly InspectLine[], options: FormatInspectOptions = {}): string {
  const showNotes = options.notes ?? true;
  const rows = lines.map((l) => ({
    offset: String(l.offset),
    header: (l.header.match(/../g) ?? []).join(" "),
    type: "  ".repeat(l.depth) + (l.key === undefined ? "" : `${keyLabel(l.key)}: `) + l.formatName,
    summary: l.error === undefined ? l.summary : `ERROR ${l.error}: ${l.summary}`,
    notes: showNotes && l.notes.length > 0 ? `  ; ${l.notes.join("; ")}` : "",
  }));
  // Column widths by a loop, not Math.max(...rows): spreading a million rows would overflow the call stack.
  let offsetWidth = 0;
  let headerWidth = 0;
  let typeWidth = 0;
  for (const r of rows) {
    offsetWidth = Math.max(offsetWidth, r.offset.length);
    headerWidth = Math.max(headerWidth, r.header.length);
    typeWidth = Math.min(MAX_TYPE_WIDTH, Math.max(typeWidth, r.type.length));
  }
  return rows
    .map((r) => {
      const columns = [r.offset.padStart(offsetWidth), r.header.padEnd(headerWidth), r.type.padEnd(typeWidth)];
      return `${columns.join("  ")}  ${r.summary}${r.notes}`.trimEnd();
    })
    .join("\n");
}

/** A map key as shown in the type column: bare when it reads as a name, else JSON-quoted; long keys abbreviated. */
function keyLabel(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$-]{0,31}$/.test(key) ? key : abbreviate(key, 32);
}
