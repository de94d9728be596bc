/**
 * The JSON form of a VMP value (SPEC §9): how users author and read messages, and what vrpc-py's
 * JSONSerializer writes. Same structure as the MessagePack value, bytes as `{"__bytes__": "<base64>"}`.
 *
 * Integers are exact: a number without `.`/`e`/`E` is an integer (-2^63..2^64-1), anything else a float64. That is
 * why this module has its own small parser: JSON.parse rounds integers beyond 2^53 to the nearest double, cannot
 * tell `1.0` from `1`, and returns objects that put integer-like keys first, losing the key order of the text.
 * The schema decides the wire type later (a float field holding `1` still encodes as float64).
 */
import { VmpError, type ErrorKind, type Path } from "../../../core/src/errors.js";
import { MAX_DEPTH } from "../wire/decode.js";
import { hasLoneSurrogate } from "../wire/encode.js";
import { INT64_MIN, UINT64_MAX, array, bin, bool, f64, floatNumber, int, map, nil, str } from "./model.js";
import type { FloatValue, Value } from "./model.js";

/** The key that marks bytes, when it is an object's only key (vrpc-py's JSONSerializer convention). */
const BYTES_KEY = "__bytes__";
/** Standard base64 with padding, the only form accepted for `__bytes__`. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** A JSON number: integer part, optional fraction, optional exponent (sticky, matched at the cursor). */
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
/** 2^64-1 has 20 digits: longer integers are out of range without parsing them (BigInt parsing is superlinear). */
const MAX_INT_DIGITS = 20;
/** The three literal names and their values. */
const LITERALS = [["true", bool(true)], ["false", bool(false)], ["null", nil]] as const;
/** What each single-character escape stands for (`\uXXXX` is handled apart). */
const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ["\\", "\\"],
  ["/", "/"],
  ["b", "\b"],
  ["f", "\f"],
  ["n", "\n"],
  ["r", "\r"],
  ["t", "\t"],
]);

/** Parses one JSON text into a Value; every error is a `VmpError` (syntax errors are `InvalidValue`). */
export function parseJsonForm(text: string): Value {
  return new JsonParser(text).document();
}

class JsonParser {
  private pos = 0;
  /** Keys and indices down to the value being parsed (mutated while descending, copied into errors). */
  private readonly path: (string | number)[] = [];

  constructor(private readonly text: string) {}

  document(): Value {
    // RFC 8259 lets a parser ignore a leading byte-order mark; editors on Windows still write one.
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = 1;
    const value = this.value();
    this.space();
    if (this.pos < this.text.length) this.syntax(`unexpected ${JSON.stringify(this.text[this.pos])} after the value`);
    return value;
  }

  private value(): Value {
    this.space();
    const c = this.text[this.pos];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return str(this.string());
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.syntax(c === undefined ? "unexpected end of input" : `unexpected ${JSON.stringify(c)}`);
  }

  private object(): Value {
    this.enter();
    const entries: [string, Value][] = [];
    const keys = new Set<string>();
    if (!this.closes("}")) {
      do {
        this.space();
        if (this.text[this.pos] !== '"') this.syntax("expected a string key");
        const at = this.pos;
        const key = this.string();
        if (keys.has(key)) throw this.error("DuplicateKey", `duplicate key ${JSON.stringify(key)} ${this.where(at)}`);
        keys.add(key);
        this.space();
        this.expect(":");
        this.path.push(key);
        entries.push([key, this.value()]);
        this.path.pop();
      } while (this.separator("}"));
    }
    const only = entries.length === 1 ? entries[0] : undefined;
    return only?.[0] === BYTES_KEY ? this.bytes(only[1]) : map(entries);
  }

  private array(): Value {
    this.enter();
    const items: Value[] = [];
    if (!this.closes("]")) {
      do {
        this.path.push(items.length);
        items.push(this.value());
        this.path.pop();
      } while (this.separator("]"));
    }
    return array(items);
  }

  /** Consumes `{` or `[`, counting it against the depth limit (the path holds one segment per open container). */
  private enter(): void {
    if (this.path.length >= MAX_DEPTH) throw this.error("DepthExceeded", `more than ${MAX_DEPTH} nested containers`);
    this.pos++;
  }

  /** After an opening bracket: true (and consumed) when `close` follows at once. */
  private closes(close: string): boolean {
    this.space();
    if (this.text[this.pos] !== close) return false;
    this.pos++;
    return true;
  }

  /** After an item: true for `,` (another item follows), false for `close`. */
  private separator(close: string): boolean {
    this.space();
    const c = this.text[this.pos++];
    if (c === ",") return true;
    if (c === close) return false;
    this.pos--;
    return this.syntax(`expected "," or "${close}"`);
  }

  /** `{"__bytes__": "<base64>"}`: the standard alphabet with padding, nothing else. */
  private bytes(value: Value): Value {
    const text = value.kind === "str" ? value.value : undefined;
    // Buffer's decoder skips invalid characters, so check the form first; the round trip rejects stray pad bits.
    if (text === undefined || !BASE64.test(text) || Buffer.from(text, "base64").toString("base64") !== text) {
      throw this.error("InvalidValue", `${BYTES_KEY} must be a standard base64 string with padding`);
    }
    return bin(new Uint8Array(Buffer.from(text, "base64")));
  }

  private string(): string {
    const start = this.pos++;
    let out = "";
    let chunk = this.pos;
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.syntax("unterminated string", start);
      if (c === 0x22) break;
      if (c < 0x20) this.syntax("control character in a string (escape it)");
      if (c === 0x5c) {
        out += this.text.slice(chunk, this.pos);
        out += this.escape();
        chunk = this.pos;
      } else this.pos++;
    }
    out += this.text.slice(chunk, this.pos++);
    // Escaped halves of a pair (\ud83d\ude00) have joined by now; whatever is still alone has no UTF-8 form.
    if (hasLoneSurrogate(out)) throw this.error("InvalidUtf8", `string has a lone surrogate ${this.where(start)}`);
    return out;
  }

  /** The escape at the cursor (a backslash), as the text it stands for. */
  private escape(): string {
    const c = this.text[this.pos + 1] ?? "";
    const simple = ESCAPES.get(c);
    if (simple !== undefined) {
      this.pos += 2;
      return simple;
    }
    const hex = this.text.slice(this.pos + 2, this.pos + 6);
    if (c !== "u" || !/^[0-9a-fA-F]{4}$/.test(hex)) this.syntax("invalid escape");
    this.pos += 6;
    return String.fromCharCode(parseInt(hex, 16));
  }

  private number(): Value {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (m === null) return this.syntax("invalid number");
    const [literal, fraction, exponent] = m;
    const at = this.pos;
    this.pos += literal.length;
    if (fraction === undefined && exponent === undefined) {
      const digits = literal.replace("-", "").length;
      const v = digits <= MAX_INT_DIGITS ? BigInt(literal) : undefined;
      if (v === undefined || v < INT64_MIN || v > UINT64_MAX) {
        throw this.error("IntegerOutOfRange", `${abbreviate(literal)} is outside -2^63..2^64-1 ${this.where(at)}`);
      }
      return int(v);
    }
    const n = Number(literal);
    if (!Number.isFinite(n)) {
      throw this.error("InvalidValue", `${abbreviate(literal)} is beyond float64 ${this.where(at)}`);
    }
    return f64(n);
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) this.syntax(`expected ${JSON.stringify(c)}`);
    this.pos++;
  }

  private space(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.pos++;
    }
  }

  /** "at line L column C" for an offset in the text (1-based, columns in UTF-16 code units). */
  private where(at: number): string {
    const before = this.text.slice(0, at);
    const line = before.split("\n").length;
    return `at line ${line} column ${at - before.lastIndexOf("\n")}`;
  }

  private syntax(reason: string, at = this.pos): never {
    throw this.error("InvalidValue", `JSON syntax: ${reason} ${this.where(at)}`);
  }

  private error(kind: ErrorKind, reason: string): VmpError {
    return new VmpError(kind, reason, [...this.path]);
  }
}

const abbreviate = (s: string): string => (s.length > 40 ? `${s.slice(0, 40)}…` : s);

export interface PrintOptions {
  /** Spaces per level; 0 or absent prints compactly with `,` and `:` separators. */
  readonly indent?: number;
}

/** Prints a value in the JSON form; values with no JSON form (non-finite floats, lone surrogates) throw. */
export function printJsonForm(v: Value, options: PrintOptions = {}): string {
  return print(v, [], options.indent ?? 0);
}

/** Prints `v` at `path` (mutated while descending, copied into errors); the depth is the path's length. */
function print(v: Value, path: (string | number)[], indent: number): string {
  switch (v.kind) {
    case "nil":
      return "null";
    case "bool":
      return String(v.value);
    case "int":
      return v.value.toString();
    case "float":
      return printFloat(v, path);
    case "str":
      return printString(v.value, path);
    case "bin": {
      const base64 = Buffer.from(v.value.buffer, v.value.byteOffset, v.value.byteLength).toString("base64");
      return block("{", "}", [`"${BYTES_KEY}":${indent ? " " : ""}"${base64}"`], path, indent);
    }
    case "array":
      checkDepth(path);
      return block("[", "]", v.items.map((item, i) => nested(item, i, path, indent)), path, indent);
    case "map": {
      checkDepth(path);
      if (v.entries.length === 1 && v.entries[0]![0] === BYTES_KEY) {
        const reason = `a map whose only key is ${BYTES_KEY} has no JSON form (it reads as bytes)`;
        throw new VmpError("InvalidValue", reason, [...path]);
      }
      const colon = indent ? ": " : ":";
      const entries = v.entries.map(([k, item]) => printString(k, path) + colon + nested(item, k, path, indent));
      return block("{", "}", entries, path, indent);
    }
  }
}

function nested(v: Value, segment: string | number, path: (string | number)[], indent: number): string {
  path.push(segment);
  const text = print(v, path, indent);
  path.pop();
  return text;
}

/** Brackets around items: `[1,2]` compact, or one item per line indented to the depth. */
function block(open: string, close: string, items: readonly string[], path: Path, indent: number): string {
  if (items.length === 0) return open + close;
  if (indent === 0) return open + items.join(",") + close;
  const inner = "\n" + " ".repeat(indent * (path.length + 1));
  return open + inner + items.join("," + inner) + "\n" + " ".repeat(indent * path.length) + close;
}

/** A float that reads back as a float: the shortest round-trip form, with `.0` when it would look integral. */
function printFloat(v: FloatValue, path: Path): string {
  const n = floatNumber(v); // a float32 prints as its exact double value
  if (!Number.isFinite(n)) throw new VmpError("InvalidValue", `float${v.width} ${n} has no JSON form`, [...path]);
  if (Object.is(n, -0)) return "-0.0";
  const s = String(n);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

function printString(s: string, path: Path): string {
  if (hasLoneSurrogate(s)) {
    throw new VmpError("InvalidUtf8", "string has a lone surrogate, which has no JSON form", [...path]);
  }
  return JSON.stringify(s); // escapes quotes, backslashes and control characters; keeps other text as is
}

function checkDepth(path: Path): void {
  if (path.length >= MAX_DEPTH) {
    throw new VmpError("DepthExceeded", `more than ${MAX_DEPTH} nested containers`, [...path]);
  }
}
