/**
 * Structure-aware mutations of conformance vectors. Each mutator takes a frame and returns a new one; most of them
 * find the frame's items first (items.ts) and change one where a decoder must be careful: bit flips, truncation,
 * splices of items from other vectors, huge length headers, nesting bombs, ext items, NaN payloads and other float
 * bit patterns, huge or malformed ZData shapes, bad dtypes and ztypes, duplicate and non-string keys, invalid
 * UTF-8, and integers at the edges of their forms (SPEC §2, §7.3, §8.2 list what each must become).
 *
 * A `Mutator` draws a seed, stacks one to four mutations on it and names them in a recipe, so that a finding says
 * how its input was made.
 */
import type { VectorOptions } from "../../src/protocol.js";
import { RawWriter } from "../../../reference/src/wire/raw.js";
import { items, type Item } from "./items.js";
import type { Prng } from "./prng.js";

/** A frame to start from: a vector's bytes, the type it is read as, and its options. */
export interface Seed {
  /** `MANIFEST/ID`, or `MANIFEST/ID:altN` for an alternative encoding. */
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly type: string;
  readonly options?: VectorOptions;
}

/** A fuzzed input and how it was made. */
export interface FuzzInput {
  readonly bytes: Uint8Array;
  readonly type: string;
  readonly options?: VectorOptions;
  /** The seed's name, then each mutation applied, in order. */
  readonly recipe: readonly string[];
}

/** What a mutator sees: the frame, its items, the corpus (for splices) and the generator. */
export interface MutationContext {
  readonly bytes: Uint8Array;
  readonly items: readonly Item[];
  readonly rng: Prng;
  readonly corpus: Corpus;
}

/** Returns the mutated frame, or undefined when the frame has nothing this mutator can change. */
export type MutatorFn = (ctx: MutationContext) => Uint8Array | undefined;

/** The seeds, plus what the mutators borrow from them: whole items to splice in, and the strings they hold. */
export class Corpus {
  /** Items (their bytes) of every seed, to splice into other frames; at most a few hundred bytes each. */
  readonly pieces: Uint8Array[] = [];
  /** Every map key and short string value of the seeds: field names, etypes, ztypes, dtypes. */
  readonly words: string[];
  /** The types the seeds are read as. */
  readonly types: string[];

  constructor(readonly seeds: readonly Seed[]) {
    const words = new Set<string>();
    const utf8 = new TextDecoder();
    for (const seed of seeds) {
      let taken = 0;
      let named = 0;
      for (const item of items(seed.bytes)) {
        const size = item.end - item.start;
        if (size > 0 && size <= 256 && taken < PIECES_PER_SEED && item.role !== "root") {
          this.pieces.push(seed.bytes.slice(item.start, item.end));
          taken++;
        }
        const text = item.family === "str" ? utf8.decode(seed.bytes.subarray(item.body, item.end)) : "";
        if (named < WORDS_PER_SEED && /^[\x20-\x7e]{1,40}$/.test(text) && (item.role === "key" || /^[A-Za-z_<>|=][\w.<>|=\[\]]*$/.test(text)) && !words.has(text)) {
          words.add(text);
          named++;
        }
      }
    }
    this.words = [...words].sort();
    this.types = [...new Set(seeds.map((s) => s.type))].sort();
  }
}

/** Items borrowed from one seed at most, so that large seeds do not crowd out the others. */
const PIECES_PER_SEED = 64;
/** Strings borrowed from one seed at most (a seed with a map of 5000 keys `k00001`… adds only a few). */
const WORDS_PER_SEED = 32;

const raw = () => new RawWriter();

/** `bytes` with `[from, to)` replaced by `insert`. */
export function replace(bytes: Uint8Array, from: number, to: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length - (to - from) + insert.length);
  out.set(bytes.subarray(0, from), 0);
  out.set(insert, from);
  out.set(bytes.subarray(to), from + insert.length);
  return out;
}

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

function pickItem(ctx: MutationContext, where: (i: Item) => boolean = () => true): Item | undefined {
  const found = ctx.items.filter(where);
  return found.length === 0 ? undefined : ctx.rng.pick(found);
}

/** A str item holding `s` in its smallest form. */
const strItem = (s: string | Uint8Array): Uint8Array => {
  const n = typeof s === "string" ? new TextEncoder().encode(s).length : s.length;
  return (n < 32 ? raw().fixstr(s) : n < 256 ? raw().str8(s) : n < 65536 ? raw().str16(s) : raw().str32(s)).bytes();
};

/** The header of an array of `n` items (a map of `n` entries) in its smallest form; `n` is clamped to 32 bits. */
const arrayHeader = (n: number): Uint8Array => (n < 16 ? raw().fixarray(n) : n < 65536 ? raw().array16(n) : raw().array32(Math.min(n, 0xffffffff))).bytes();
const mapHeader = (n: number): Uint8Array => (n < 16 ? raw().fixmap(n) : n < 65536 ? raw().map16(n) : raw().map32(Math.min(n, 0xffffffff))).bytes();

/** Integers at the edges of the MessagePack forms and of the spec's ranges, in every width that holds them. */
const EDGE_INTS: readonly bigint[] = [0n, 1n, -1n, 127n, 128n, -32n, -33n, 255n, 256n, 65535n, 65536n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n, -(2n ** 31n), -(2n ** 53n) - 1n, -(2n ** 63n)];

/** Every form an integer fits in, minimal or not (non-canonical forms are valid input, SPEC §2.3). */
function intForms(v: bigint): Uint8Array[] {
  const forms: Uint8Array[] = [];
  if (v >= 0n && v <= 127n) forms.push(raw().fixint(Number(v)).bytes());
  if (v >= -32n && v < 0n) forms.push(raw().fixint(Number(v)).bytes());
  if (v >= 0n && v <= 0xffn) forms.push(raw().uint8(Number(v)).bytes());
  if (v >= 0n && v <= 0xffffn) forms.push(raw().uint16(Number(v)).bytes());
  if (v >= 0n && v <= 0xffffffffn) forms.push(raw().uint32(Number(v)).bytes());
  if (v >= 0n && v <= 2n ** 64n - 1n) forms.push(raw().uint64(v).bytes());
  if (v >= -128n && v <= 127n) forms.push(raw().int8(Number(v)).bytes());
  if (v >= -32768n && v <= 32767n) forms.push(raw().int16(Number(v)).bytes());
  if (v >= -(2n ** 31n) && v < 2n ** 31n) forms.push(raw().int32(Number(v)).bytes());
  if (v >= -(2n ** 63n) && v < 2n ** 63n) forms.push(raw().int64(v).bytes());
  return forms;
}

/** Float bit patterns: NaNs with payloads (quiet, signalling, negative), infinities, zeros, subnormals, extremes. */
const F64_BITS: readonly bigint[] = [0x7ff8000000000000n, 0x7ff8000000000001n, 0x7ff0000000000001n, 0xfff8000000000000n, 0x7fffffffffffffffn, 0xffffffffffffffffn, 0x7ff0000000000000n, 0xfff0000000000000n, 0x8000000000000000n, 0x0000000000000001n, 0x000fffffffffffffn, 0x7fefffffffffffffn, 0x3ff0000000000000n, 0x3ff8000000000000n, 0x4340000000000000n, 0x43f0000000000000n, 0xc3e0000000000000n];
const F32_BITS: readonly bigint[] = [0x7fc00000n, 0x7fc00001n, 0x7f800001n, 0xffc00000n, 0x7fffffffn, 0x7f800000n, 0xff800000n, 0x80000000n, 0x00000001n, 0x7f7fffffn, 0x3f800000n, 0x3fc00000n, 0x5f800000n];

function floatItem(rng: Prng): Uint8Array {
  return rng.chance(0.5) ? raw().float64Bits(rng.pick(F64_BITS)).bytes() : raw().float32Bits(rng.pick(F32_BITS)).bytes();
}

/** Byte sequences that are not UTF-8 (RFC 3629): bad continuations, overlong forms, surrogates, beyond U+10FFFF. */
const BAD_UTF8: readonly number[][] = [[0xc3, 0x28], [0xa0], [0xff], [0xfe], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf0, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98]];

/** Ext items: msgpackr's undefined, the timestamp ext in each size, and other types in every form. */
function extItem(rng: Prng): Uint8Array {
  const type = rng.pick([0, 1, -1, 127, -128, 0x12]);
  switch (rng.below(5)) {
    case 0:
      return raw().ext(0, new Uint8Array(1), "fixext1").bytes(); // d4 00 00
    case 1:
      return raw().ext(-1, rng.bytes(rng.pick([4, 8])), undefined).bytes(); // timestamp 32/64
    case 2:
      return raw().ext(-1, rng.bytes(12), "ext8").bytes(); // timestamp 96
    case 3:
      return raw().ext(type, rng.bytes(rng.pick([1, 2, 4, 8, 16])), undefined).bytes();
    default: {
      const n = rng.below(40);
      return raw().ext(type, rng.bytes(n), rng.pick(["ext8", "ext16", "ext32"] as const)).bytes();
    }
  }
}

/** Small items of every family, to put where another item was. */
function smallItem(rng: Prng, corpus: Corpus): Uint8Array {
  switch (rng.below(12)) {
    case 0:
      return raw().nil().bytes();
    case 1:
      return rng.chance(0.5) ? raw().true().bytes() : raw().false().bytes();
    case 2:
      return rng.pick(intForms(rng.pick(EDGE_INTS)));
    case 3:
      return floatItem(rng);
    case 4:
      return strItem(rng.pick(corpus.words.length ? corpus.words : [""]));
    case 5:
      return raw().bin8(rng.bytes(rng.below(9))).bytes();
    case 6:
      return arrayHeader(0);
    case 7:
      return mapHeader(0);
    case 8:
      return raw().header(0xc1).bytes();
    case 9:
      return extItem(rng);
    case 10:
      return rng.pick(corpus.pieces.length ? corpus.pieces : [raw().nil().bytes()]);
    default:
      return strItem(new Uint8Array(rng.pick(BAD_UTF8)));
  }
}

/** The mutators by name: the recipe of an input names them. */
export const MUTATORS: Readonly<Record<string, MutatorFn>> = {
  /** One to eight bits flipped anywhere. */
  bitflip({ bytes, rng }) {
    if (bytes.length === 0) return undefined;
    const out = bytes.slice();
    for (let n = rng.between(1, 8); n > 0; n--) out[rng.below(out.length)]! ^= 1 << rng.below(8);
    return out;
  },

  /** A byte set to a format byte or a boundary value. */
  byte({ bytes, rng }) {
    if (bytes.length === 0) return undefined;
    const out = bytes.slice();
    out[rng.below(out.length)] = rng.pick([0x00, 0x01, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc7, 0xca, 0xcb, 0xcf, 0xd3, 0xd4, 0xd9, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xff]);
    return out;
  },

  /** The frame cut short, often at an item boundary (SPEC §8.2 `Truncated`). */
  truncate({ bytes, items: all, rng }) {
    if (bytes.length === 0) return undefined;
    const at = all.length > 1 && rng.chance(0.5) ? rng.pick(all).start + rng.below(2) : rng.below(bytes.length);
    return bytes.slice(0, Math.min(at, bytes.length - 1));
  },

  /** Bytes after the frame's one object (`TrailingBytes`). */
  trailing({ bytes, rng, corpus }) {
    return concat(bytes, rng.chance(0.5) ? rng.bytes(rng.between(1, 4)) : smallItem(rng, corpus));
  },

  /** A range of bytes deleted, duplicated or overwritten with random bytes. */
  bytes({ bytes, rng }) {
    if (bytes.length === 0) return rng.bytes(rng.between(1, 16));
    const from = rng.below(bytes.length);
    const to = Math.min(bytes.length, from + rng.between(1, 16));
    switch (rng.below(3)) {
      case 0:
        return replace(bytes, from, to, new Uint8Array());
      case 1:
        return replace(bytes, to, to, bytes.slice(from, to));
      default:
        return replace(bytes, from, from, rng.bytes(to - from));
    }
  },

  /** An item replaced by an item of another vector, or by a small item of any family. */
  splice(ctx) {
    const target = pickItem(ctx, (i) => i.role !== "root");
    if (target === undefined) return undefined;
    return replace(ctx.bytes, target.start, target.end, ctx.rng.chance(0.6) ? ctx.rng.pick(ctx.corpus.pieces) : smallItem(ctx.rng, ctx.corpus));
  },

  /** Two items of the frame swapped in place, or one copied over another. */
  swap(ctx) {
    const a = pickItem(ctx, (i) => i.role !== "root");
    const b = pickItem(ctx, (i) => i.role !== "root" && a !== undefined && (i.end <= a.start || i.start >= a.end));
    if (a === undefined || b === undefined) return undefined;
    const [first, second] = a.start < b.start ? [a, b] : [b, a];
    const left = ctx.bytes.slice(first.start, first.end);
    const right = ctx.bytes.slice(second.start, second.end);
    if (ctx.rng.chance(0.5)) return replace(ctx.bytes, second.start, second.end, left);
    return concat(ctx.bytes.subarray(0, first.start), right, ctx.bytes.subarray(first.end, second.start), left, ctx.bytes.subarray(second.end));
  },

  /** A str, bin, array or map header rewritten to declare a huge or off-by-one length (SPEC §2.6). */
  hugeLength(ctx) {
    const target = pickItem(ctx, (i) => i.family === "str" || i.family === "bin" || i.family === "array" || i.family === "map");
    if (target === undefined) return undefined;
    const n = ctx.rng.pick([0xffffffff, 0x7fffffff, 0x80000000, 0x10000, 0xffff, 0x100, (target.length ?? 0) + 1, Math.max(0, (target.length ?? 0) - 1)]);
    const w = raw();
    const wide = n > 0xffff || ctx.rng.chance(0.3);
    switch (target.family) {
      case "str":
        w.header(wide ? 0xdb : 0xda).raw(lengthBytes(n, wide));
        break;
      case "bin":
        w.header(wide ? 0xc6 : 0xc5).raw(lengthBytes(n, wide));
        break;
      case "array":
        w.header(wide ? 0xdd : 0xdc).raw(lengthBytes(n, wide));
        break;
      default:
        w.header(wide ? 0xdf : 0xde).raw(lengthBytes(n, wide));
    }
    return replace(ctx.bytes, target.start, target.body, w.bytes());
  },

  /** An item wrapped in hundreds or thousands of containers, around the depth limit (SPEC §2.5). */
  nestingBomb(ctx) {
    const target = pickItem(ctx) ?? { start: 0, end: ctx.bytes.length };
    // Mostly around the limit; now and then deep enough to overflow a stack that is not guarded (costly to send).
    const depth = ctx.rng.chance(0.03) ? 100_000 : ctx.rng.pick([510, 511, 512, 513, 514, 1024]) - ctx.rng.below(3);
    const layer = ctx.rng.pick([[0x91], [0x81, 0xa1, 0x61], [0xdc, 0x00, 0x01], [0x92, 0xc0]]);
    const wrap = new Uint8Array(depth * layer.length);
    for (let i = 0; i < depth; i++) wrap.set(layer, i * layer.length);
    // `92 c0` opens an array of two whose first item is nil: the wrapped item is its second.
    return replace(ctx.bytes, target.start, target.end, concat(wrap, ctx.bytes.subarray(target.start, target.end)));
  },

  /** An item replaced by an ext or fixext item (`UnsupportedExt`, SPEC §2.4). */
  ext(ctx) {
    const target = pickItem(ctx) ?? { start: 0, end: ctx.bytes.length };
    return replace(ctx.bytes, target.start, target.end, extItem(ctx.rng));
  },

  /** A float, or any number, replaced by a NaN with a payload, an infinity, -0 or a subnormal. */
  float(ctx) {
    const target = pickItem(ctx, (i) => i.family === "float") ?? pickItem(ctx, (i) => i.family === "int");
    if (target === undefined) return undefined;
    return replace(ctx.bytes, target.start, target.end, floatItem(ctx.rng));
  },

  /** An integer replaced by an edge value in one of the forms that hold it. */
  int(ctx) {
    const target = pickItem(ctx, (i) => i.family === "int" || i.family === "float");
    if (target === undefined) return undefined;
    return replace(ctx.bytes, target.start, target.end, ctx.rng.pick(intForms(ctx.rng.pick(EDGE_INTS))));
  },

  /** A ZData `shape` (or `length`, or any array of numbers) replaced by a huge, negative, fractional or too-long shape (SPEC §7.3). */
  shape(ctx) {
    const { rng } = ctx;
    const target = pickItem(ctx, (i) => i.role === "value" && (i.key === "shape" || i.key === "length")) ?? pickItem(ctx, (i) => i.family === "array");
    if (target === undefined) return undefined;
    const dims: Uint8Array[] = [];
    switch (rng.below(6)) {
      case 0: // more than 64 dimensions
        for (let i = 0, n = rng.pick([64, 65, 100]); i < n; i++) dims.push(raw().fixint(1).bytes());
        break;
      case 1: // a product beyond 2^64 - 1 or 2^53
        dims.push(raw().uint64(rng.pick([2n ** 32n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n])).bytes(), raw().uint64(rng.pick([2n, 2n ** 32n, 2n ** 33n])).bytes());
        break;
      case 2: // negative, fractional, NaN, non-numbers
        dims.push(rng.pick([raw().fixint(-1).bytes(), raw().int64(-(2n ** 63n)).bytes(), raw().float64(1.5).bytes(), raw().float64(2).bytes(), floatItem(rng), raw().nil().bytes(), strItem("3")]));
        break;
      case 3: // zero-sized dimensions
        dims.push(raw().fixint(0).bytes(), raw().uint64(2n ** 64n - 1n).bytes());
        break;
      case 4: // a scalar shape
        return replace(ctx.bytes, target.start, target.end, rng.pick(intForms(rng.pick(EDGE_INTS))));
      default: // edge integers in any form
        for (let i = 0, n = rng.between(1, 4); i < n; i++) dims.push(rng.pick(intForms(rng.pick(EDGE_INTS))));
    }
    return replace(ctx.bytes, target.start, target.end, concat(arrayHeader(dims.length), ...dims));
  },

  /** A `dtype` or `ztype` value replaced by one outside the spec's vocabulary, or by a near miss. */
  dtype(ctx) {
    const { rng } = ctx;
    const target = pickItem(ctx, (i) => i.role === "value" && (i.key === "dtype" || i.key === "ztype" || i.key === "format" || i.key === "etype"));
    if (target === undefined) return undefined;
    const odd = ["<U2", "|O", "O", "V8", "M8[ns]", "<m8", ">f4", "<f4", "=f4", "|b1", "<c16", "<f16", "float128", "bfloat16", "f", "d", "e", "<", "", " float32", "float32 ", "FLOAT32", "__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "numpy.ndarray.", "numpy", "torch.Tensor\u0000", "image", "safetensors", "unknown.Type", "<i8", "<u8", ">i2", "|u1", "|i1", "bool", "uint64", "int64", "complex64"];
    const value = rng.chance(0.7) ? strItem(rng.pick(odd)) : rng.chance(0.5) ? strItem(rng.pick(ctx.corpus.words)) : smallItem(rng, ctx.corpus);
    return replace(ctx.bytes, target.start, target.end, value);
  },

  /** A map key replaced by a sibling's key (`DuplicateKey`) or an entry repeated with the count raised. */
  duplicateKey(ctx) {
    const maps = ctx.items.map((m, i) => [m, i] as const).filter(([m]) => m.family === "map" && (m.length ?? 0) >= 1);
    if (maps.length === 0) return undefined;
    const [map, index] = ctx.rng.pick(maps);
    const keys = ctx.items.filter((i) => i.parent === index && i.role === "key");
    const values = ctx.items.filter((i) => i.parent === index && i.role === "value");
    if (keys.length === 0 || values.length === 0) return undefined;
    if (keys.length >= 2 && ctx.rng.chance(0.5)) {
      const a = ctx.rng.pick(keys);
      const b = ctx.rng.pick(keys.filter((k) => k !== a));
      return replace(ctx.bytes, b.start, b.end, ctx.bytes.slice(a.start, a.end));
    }
    // Append a copy of one entry and raise the count.
    const k = ctx.rng.below(Math.min(keys.length, values.length));
    const entry = ctx.bytes.slice(keys[k]!.start, values[k]!.end);
    const out = replace(ctx.bytes, map.end, map.end, entry);
    return replace(out, map.start, map.body, mapHeader((map.length ?? 0) + 1));
  },

  /** A map key replaced by an int, nil, bin, float, bool or container (`NonStringKey`). */
  nonStringKey(ctx) {
    const key = pickItem(ctx, (i) => i.role === "key");
    if (key === undefined) return undefined;
    const { rng } = ctx;
    const value = rng.pick([raw().fixint(rng.between(0, 3)).bytes(), raw().nil().bytes(), raw().bin8(new TextEncoder().encode("ztype")).bytes(), raw().float64(1).bytes(), raw().true().bytes(), arrayHeader(0), mapHeader(0), smallItem(rng, ctx.corpus)]);
    return replace(ctx.bytes, key.start, key.end, value);
  },

  /** A map key renamed to another word of the corpus (`MissingField`, unknown fields, `__proto__`). */
  renameKey(ctx) {
    const key = pickItem(ctx, (i) => i.role === "key");
    if (key === undefined) return undefined;
    const word = ctx.rng.chance(0.2) ? ctx.rng.pick(["__proto__", "constructor", "prototype", "toString", "", "b\u0000", "ztype "]) : ctx.rng.pick(ctx.corpus.words);
    return replace(ctx.bytes, key.start, key.end, strItem(word));
  },

  /** A map entry removed, with the count lowered (`MissingField`). */
  dropEntry(ctx) {
    const maps = ctx.items.map((m, i) => [m, i] as const).filter(([m]) => m.family === "map" && (m.length ?? 0) >= 1);
    if (maps.length === 0) return undefined;
    const [map, index] = ctx.rng.pick(maps);
    const keys = ctx.items.filter((i) => i.parent === index && i.role === "key");
    const values = ctx.items.filter((i) => i.parent === index && i.role === "value");
    const n = Math.min(keys.length, values.length);
    if (n === 0) return undefined;
    const k = ctx.rng.below(n);
    const out = replace(ctx.bytes, keys[k]!.start, values[k]!.end, new Uint8Array());
    return replace(out, map.start, map.body, mapHeader((map.length ?? 1) - 1));
  },

  /** A str item's bytes made invalid UTF-8, in a key or a value (`InvalidUtf8`). */
  badUtf8(ctx) {
    const target = pickItem(ctx, (i) => i.family === "str");
    if (target === undefined) return undefined;
    const text = ctx.bytes.slice(target.body, target.end);
    const bad = new Uint8Array(ctx.rng.pick(BAD_UTF8));
    const at = ctx.rng.below(text.length + 1);
    return replace(ctx.bytes, target.start, target.end, strItem(concat(text.subarray(0, at), bad, text.subarray(at))));
  },

  /** A str or bin payload grown or shrunk by a few bytes, with the header kept consistent (ZData `b` vs shape). */
  resize(ctx) {
    const target = pickItem(ctx, (i) => i.family === "bin" || i.family === "str");
    if (target === undefined) return undefined;
    const payload = ctx.bytes.slice(target.body, target.end);
    const delta = ctx.rng.pick([-8, -4, -2, -1, 1, 2, 4, 8]);
    const next = delta < 0 ? payload.subarray(0, Math.max(0, payload.length + delta)) : concat(payload, ctx.rng.bytes(delta));
    const item = target.family === "str" ? strItem(next) : next.length < 256 ? raw().bin8(next).bytes() : next.length < 65536 ? raw().bin16(next).bytes() : raw().bin32(next).bytes();
    return replace(ctx.bytes, target.start, target.end, item);
  },

  /** An array or map count raised or lowered by one, the items left as they are. */
  count(ctx) {
    const target = pickItem(ctx, (i) => i.family === "array" || i.family === "map");
    if (target === undefined) return undefined;
    const n = Math.max(0, (target.length ?? 0) + (ctx.rng.chance(0.5) ? 1 : -1));
    return replace(ctx.bytes, target.start, target.body, target.family === "array" ? arrayHeader(n) : mapHeader(n));
  },
};

function lengthBytes(n: number, wide: boolean): Uint8Array {
  const out = new Uint8Array(wide ? 4 : 2);
  const view = new DataView(out.buffer);
  if (wide) view.setUint32(0, n >>> 0);
  else view.setUint16(0, n & 0xffff);
  return out;
}

const NAMES = Object.keys(MUTATORS);

/** Makes fuzzed inputs from a corpus: a seed, then one to four mutations, read as the seed's type (mostly). */
export class Mutator {
  constructor(
    readonly corpus: Corpus,
    private readonly rng: Prng,
  ) {}

  private readonly itemsOf = new Map<Seed, readonly Item[]>();

  private seedItems(seed: Seed): readonly Item[] {
    let found = this.itemsOf.get(seed);
    if (found === undefined) this.itemsOf.set(seed, (found = items(seed.bytes)));
    return found;
  }

  next(): FuzzInput {
    const { rng, corpus } = this;
    // Small seeds are drawn more often: a 2 MB seed costs every testee milliseconds per input.
    let seed = rng.pick(corpus.seeds);
    while (seed.bytes.length > 4096 && rng.chance(0.95)) seed = rng.pick(corpus.seeds);
    let bytes = seed.bytes;
    let found = this.seedItems(seed);
    const recipe = [seed.name];
    for (let n = rng.chance(0.6) ? 1 : rng.between(2, 4); n > 0; ) {
      const name = rng.pick(NAMES);
      const out = MUTATORS[name]!({ bytes, items: found, rng, corpus });
      if (out === undefined) continue;
      bytes = out;
      // A large frame is mutated further at the byte level only: finding its items again costs more than it gives.
      found = bytes.length <= 4096 ? items(bytes) : [];
      recipe.push(name);
      n--;
    }
    const type = rng.chance(0.85) ? seed.type : rng.chance(0.5) ? "any" : rng.pick(corpus.types);
    if (type !== seed.type) recipe.push(`as ${type}`);
    const options = seed.options ?? (rng.chance(0.1) ? { strictZType: true } : undefined);
    return { bytes, type, recipe, ...(options === undefined ? {} : { options }) };
  }
}
