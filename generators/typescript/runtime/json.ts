/**
 * The JSON form (spec §9): the JSON text users author and read, shared by every binding and the CLI. Same
 * structure as the MessagePack value, bytes as `{"__bytes__": "<base64>"}`, ZData as its map.
 *
 * It goes through the schema both ways, so that JSON's single number type still gives the right wire types:
 * `toJSON` encodes the value canonically and prints those bytes (a float field holding 1 prints `1.0`), and
 * `fromJSON` parses the text into MessagePack and decodes that as the type (in a float field `2` reads as 2.0, in
 * an integer field `1700000000000.0` as an integer). The parser is json-parse.ts: `JSON.parse` rounds
 * integers beyond 2^53, cannot tell `1.0` from `1` and moves integer-like keys to the front.
 */
import { VmpError } from "./errors.js";
import { decode, encode } from "./codec.js";
import type { Desc } from "./decode.js";
import { BYTES_KEY, parseJson, toBase64 } from "./json-parse.js";
import { writeAny, type DecodeOptions } from "./value.js";
import { Reader, type Kind } from "./reader.js";
import { Writer } from "./wire.js";

export interface JsonOptions {
  /** Spaces per level; 0 or absent prints compactly with `,` and `:` (the canonical JSON form). */
  readonly indent?: number;
}

/** The JSON form of `value` read as `desc`. Non-finite floats have none: `InvalidValue`. */
export function toJSON(desc: Desc, value: unknown, options: JsonOptions = {}): string {
  const r = new Reader(encode(desc, value));
  return print(r, r.next(), options.indent ?? 0);
}

/** Reads JSON text as `desc` (validating it like `decode`); `{ lossless: true }` keeps free-form floats as floats. */
export function fromJSON(desc: Desc, text: string, options?: DecodeOptions): unknown {
  const w = new Writer();
  writeJson(w, parseJson(text));
  return decode(desc, w.view(), options);
}

/** JSON text to canonical MessagePack through the schema (spec §9.4). */
export function jsonToMsgpack(desc: Desc, text: string): Uint8Array {
  return encode(desc, fromJSON(desc, text, { lossless: true }));
}

/** MessagePack (any valid encoding) to the JSON form through the schema. */
export function msgpackToJson(desc: Desc, bytes: Uint8Array, options?: JsonOptions): string {
  return toJSON(desc, decode(desc, bytes, { lossless: true }), options);
}

/** Writes what the parser produced; maps stay maps here (`ztype` is interpreted by `decode`, where it applies). */
function writeJson(w: Writer, v: unknown): void {
  if (v instanceof Map) {
    w.mapHeader(v.size);
    for (const [k, x] of v as Map<string, unknown>) {
      w.str(k);
      writeJson(w, x);
    }
  } else if (Array.isArray(v)) {
    w.arrayHeader(v.length);
    for (const x of v) writeJson(w, x);
  } else writeAny(w, v);
}

/** Prints the item whose header `r.next()` returned `kind`; the depth is `r.depth`. */
function print(r: Reader, kind: Kind, indent: number): string {
  switch (kind) {
    case "nil":
      return "null";
    case "bool":
      return String(r.bool);
    case "int":
      return String(r.int);
    case "float32": // printed as its exact float64 widening (spec §9.2)
    case "float64": {
      const n = r.float;
      if (!Number.isFinite(n)) throw new VmpError("InvalidValue", `${kind} ${n} has no JSON form`, r.path());
      if (n === 0 && 1 / n < 0) return "-0.0";
      const s = String(n);
      return /[.e]/.test(s) ? s : `${s}.0`;
    }
    case "str":
      return JSON.stringify(r.str()); // escapes as spec §9.2 says; the UTF-8 decoder let no lone surrogate through
    case "bin":
      return block(
        "{",
        "}",
        [`"${BYTES_KEY}":${indent ? " " : ""}"${toBase64(r.bin(false))}"`],
        r.depth,
        indent,
      );
    case "array": {
      const n = r.length;
      const at = r.depth++;
      const items: string[] = [];
      for (let i = 0; i < n; i++) {
        r.segments[at] = i;
        items.push(print(r, r.next(), indent));
      }
      r.depth = at;
      return block("[", "]", items, at, indent);
    }
    case "map": {
      const n = r.length;
      const at = r.depth;
      const entries: string[] = [];
      for (let i = 0; i < n; i++) {
        const key = r.key();
        if (n === 1 && key === BYTES_KEY) {
          throw new VmpError(
            "InvalidValue",
            `a map whose only key is ${BYTES_KEY} has no JSON form (it reads as bytes)`,
            r.path(),
          );
        }
        r.segments[at] = key;
        r.depth = at + 1;
        entries.push(JSON.stringify(key) + (indent ? ": " : ":") + print(r, r.next(), indent));
        r.depth = at;
      }
      return block("{", "}", entries, at, indent);
    }
  }
}

/** Brackets around items: `[1,2]` compact, or one item per line indented to the depth. */
function block(open: string, close: string, items: readonly string[], depth: number, indent: number): string {
  if (items.length === 0) return open + close;
  if (indent === 0) return open + items.join(",") + close;
  const inner = "\n" + " ".repeat(indent * (depth + 1));
  return open + inner + items.join("," + inner) + "\n" + " ".repeat(indent * depth) + close;
}
