/**
 * The parser of the JSON form (spec §9): exact where `JSON.parse` is not. Integers beyond 2^53 stay exact
 * (bigints), `1.0` stays a float (a float64 `VmpFloat`), member order is kept (objects are `Map`s) and
 * `{"__bytes__": "<base64>"}` reads as bytes. json.ts reads JSON text through it; safetensors.ts reads a file's
 * header with it (its shapes and offsets are exact integers, spec §7.5).
 */
import { VmpError, type ErrorKind } from "./errors.js";
import { VmpFloat } from "./float.js";
import { MAX_DEPTH } from "./wire.js";

/** The key that marks bytes when it is an object's only key (vrpc-py's JSONSerializer convention). */
export const BYTES_KEY = "__bytes__";
/** A JSON number at the cursor: integer part, optional fraction, optional exponent. */
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
/** 2^64-1 has 20 digits: longer integers are out of range without parsing them. */
const MAX_INT_DIGITS = 20;
const LONE_SURROGATE = /\p{Surrogate}/u;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/**
 * Parses JSON into values `writeJson` writes exactly: objects as Maps (member order kept), integers as numbers or
 * bigints, floats as numbers (integral ones as float64 VmpFloats, so they stay floats), `{"__bytes__": …}` as bytes.
 */
class JsonParser {
  private pos = 0;
  private readonly path: (string | number)[] = [];

  constructor(private readonly text: string) {}

  document(): unknown {
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = 1; // RFC 8259 lets a parser skip a byte-order mark
    const value = this.value();
    this.space();
    if (this.pos < this.text.length)
      this.syntax(`unexpected ${JSON.stringify(this.text[this.pos])} after the value`);
    return value;
  }

  private value(): unknown {
    this.space();
    const c = this.text[this.pos];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return this.string();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.syntax(c === undefined ? "unexpected end of input" : `unexpected ${JSON.stringify(c)}`);
  }

  private object(): unknown {
    this.enter();
    const entries = new Map<string, unknown>();
    if (!this.closes("}")) {
      do {
        this.space();
        if (this.text[this.pos] !== '"') this.syntax("expected a string key");
        const key = this.string();
        if (entries.has(key)) this.fail("DuplicateKey", `duplicate key ${JSON.stringify(key)}`);
        this.space();
        if (this.text[this.pos] !== ":") this.syntax('expected ":"');
        this.pos++;
        this.path.push(key);
        entries.set(key, this.value());
        this.path.pop();
      } while (this.separator("}"));
    }
    if (entries.size !== 1 || !entries.has(BYTES_KEY)) return entries;
    const bytes = fromBase64(entries.get(BYTES_KEY));
    return bytes ?? this.fail("InvalidValue", `${BYTES_KEY} must be a standard base64 string with padding`);
  }

  private array(): unknown[] {
    this.enter();
    const items: unknown[] = [];
    if (!this.closes("]")) {
      do {
        this.path.push(items.length);
        items.push(this.value());
        this.path.pop();
      } while (this.separator("]"));
    }
    return items;
  }

  /** Consumes `{` or `[`: one more container on the path, within the depth limit. */
  private enter(): void {
    if (this.path.length >= MAX_DEPTH) this.fail("DepthExceeded", `more than ${MAX_DEPTH} nested containers`);
    this.pos++;
  }

  private closes(close: string): boolean {
    this.space();
    if (this.text[this.pos] !== close) return false;
    this.pos++;
    return true;
  }

  private separator(close: string): boolean {
    this.space();
    const c = this.text[this.pos++];
    if (c === ",") return true;
    if (c === close) return false;
    this.pos--;
    return this.syntax(`expected "," or "${close}"`);
  }

  private string(): string {
    const start = this.pos++;
    let out = "";
    let chunk = this.pos;
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== c) this.syntax("unterminated string", start);
      if (c === 0x22) break;
      if (c < 0x20) this.syntax("control character in a string (escape it)");
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += this.text.slice(chunk, this.pos);
      const e = this.text[this.pos + 1] ?? "";
      const hex = this.text.slice(this.pos + 2, this.pos + 6);
      if (Object.hasOwn(ESCAPES, e)) {
        out += ESCAPES[e];
        this.pos += 2;
      } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(hex)) {
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 6;
      } else this.syntax("invalid escape");
      chunk = this.pos;
    }
    out += this.text.slice(chunk, this.pos++);
    // Escaped halves of a pair (\ud83d\ude00) have joined by now; whatever is still alone has no UTF-8 form.
    if (LONE_SURROGATE.test(out))
      this.fail("InvalidUtf8", `string has a lone surrogate ${this.where(start)}`);
    return out;
  }

  private number(): unknown {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (m === null) return this.syntax("invalid number");
    const [literal, fraction, exponent] = m;
    const at = this.pos;
    this.pos += literal.length;
    if (fraction === undefined && exponent === undefined) {
      const v = literal.replace("-", "").length <= MAX_INT_DIGITS ? BigInt(literal) : undefined;
      if (v === undefined || v < -(2n ** 63n) || v > 2n ** 64n - 1n) {
        return this.fail(
          "IntegerOutOfRange",
          `${literal.slice(0, 40)} is outside -2^63..2^64-1 ${this.where(at)}`,
        );
      }
      return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
    }
    const n = Number(literal);
    if (!Number.isFinite(n))
      return this.fail("InvalidValue", `${literal.slice(0, 40)} is beyond float64 ${this.where(at)}`);
    return Number.isInteger(n) ? VmpFloat.f64(n) : n; // an integral float stays a float
  }

  private space(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.pos++;
    }
  }

  /** "at line L column C" (1-based, columns in UTF-16 units). */
  private where(at: number): string {
    const before = this.text.slice(0, at);
    return `at line ${before.split("\n").length} column ${at - before.lastIndexOf("\n")}`;
  }

  private syntax(reason: string, at = this.pos): never {
    return this.fail("InvalidValue", `JSON syntax: ${reason} ${this.where(at)}`);
  }

  private fail(kind: ErrorKind, reason: string): never {
    throw new VmpError(kind, reason, [...this.path]);
  }
}

/** Parses one JSON document (see JsonParser); a syntax error is `InvalidValue`, with the line and column. */
export function parseJson(text: string): unknown {
  return new JsonParser(text).document();
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGITS = new Map([...ALPHABET].map((c, i) => [c, i]));

/** Standard base64 with padding (RFC 4648 §4). */
export function toBase64(b: Uint8Array): string {
  let out = "";
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
    out += i + 1 < b.length ? ALPHABET[(n >> 6) & 63]! : "=";
    out += i + 2 < b.length ? ALPHABET[n & 63]! : "=";
  }
  return out;
}

/** Standard base64 with padding and nothing else (RFC 4648 §4). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64, or undefined: padded, no stray characters, no non-zero bits in the padding. */
function fromBase64(s: unknown): Uint8Array | undefined {
  if (typeof s !== "string" || !BASE64.test(s)) return undefined;
  const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let n = 0;
  for (let i = 0, o = 0; i < s.length; i += 4) {
    n = 0;
    for (let j = 0; j < 4; j++) n = (n << 6) | (DIGITS.get(s[i + j]!) ?? 0); // "=" counts as 0
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  // Bits under the padding must be 0, or two texts would mean the same bytes.
  return (n & (pad === 2 ? 0xffff : pad === 1 ? 0xff : 0)) === 0 ? out : undefined;
}
