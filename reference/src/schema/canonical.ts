/**
 * Schema-directed canonicalisation (spec §3): turns any accepted form of a message into the value whose
 * plain encoding is canonical. Declared fields go in declaration order (extra fields of open records after
 * them, in producer order), float fields become float64, integral floats in integer fields become integers,
 * ZData is normalised (canonical dtype names, little-endian data, vrpc-ts typed arrays as `numpy.ndarray`).
 * Free-form values (`Any`) keep the producer's types and order.
 */
import type { RecordDef, TypeRef } from "../../../core/src/ir/types.js";
import { VmpError, type Path } from "../../../core/src/errors.js";
import { array, f32, f32Bits, f64, f64Bits, floatNumber, get, int, map, str, type FloatValue, type MapValue, type Value } from "../value/model.js";
import type { Spec } from "./spec.js";
import { checkZData, isZData, type ZDataOptions } from "./zdata.js";

/** A problem found while canonicalising: the error, and the node it makes unreadable (for ZData, the map). */
export interface Problem {
  readonly at: Path;
  readonly error: VmpError;
}

/**
 * The canonical form of `value` read as `type`. Throws the first VmpError; pass `problems` to collect every
 * problem instead (the offending node is then left as it was), which is how validation uses it.
 */
export function canonicalize(value: Value, type: TypeRef | "any", spec: Spec, options: ZDataOptions = {}, problems?: Problem[]): Value {
  return new Canonicalizer(spec, options, problems).value(value, type === "any" ? { kind: "any" } : type, []);
}

/**
 * float32 to float64 by the IEEE rule, bit-exact for NaNs too: sign, the 8-bit exponent rebased (all ones stays
 * all ones), the 23 fraction bits shifted to the top of the 52.
 */
function widen(v: FloatValue): FloatValue {
  const b = v.bits;
  const sign = (b >> 31n) & 1n;
  const exp = (b >> 23n) & 0xffn;
  const frac = b & 0x7fffffn;
  if (exp === 0xffn) return f64Bits((sign << 63n) | (0x7ffn << 52n) | (frac << 29n));
  return f64(floatNumber(v)); // finite values (subnormals included) are exactly representable in float64
}

/** float64 NaN to float32 NaN keeping the sign and the top 23 fraction bits (quiet bit included). */
function narrowNaN(v: FloatValue): FloatValue {
  const sign = (v.bits >> 63n) & 1n;
  const frac = (v.bits >> 29n) & 0x7fffffn;
  return f32Bits((sign << 31n) | (0xffn << 23n) | (frac === 0n ? 1n << 22n : frac));
}

/** Why `dims` does not match a typed array's shape pattern (SPEC §7.11), or undefined when it does. */
function shapeProblem(pattern: readonly (number | null)[], dims: readonly bigint[]): string | undefined {
  const shown = `[${pattern.map((d) => d ?? "n").join(", ")}]`;
  if (dims.length !== pattern.length) return `shape [${dims.join(", ")}] has ${dims.length} dimensions; the field's shape ${shown} has ${pattern.length}`;
  const i = pattern.findIndex((d, j) => d !== null && BigInt(d) !== dims[j]);
  return i < 0 ? undefined : `shape [${dims.join(", ")}] does not match the field's shape ${shown} at dimension ${i}`;
}

/** The TypeRef of a named type, for `canonicalize(v, refTo("SetEvent"), spec)`. */
export const refTo = (name: string): TypeRef => ({ kind: "ref", name });

/** A catalogued message type selected by an `etype` pattern: a response of SPEC §5.3 (§4.6 rule 4). */
function isCataloguedResponse(def: RecordDef): boolean {
  const ev = def.event;
  return ev !== undefined && ev.envelope !== def.name && ev.etype === undefined && ev.etypePattern !== undefined;
}

/**
 * The entries vrpc-py's and vrpc-ts's response helpers add to a success (SPEC §4.4): `ok: true`, or `nil` in
 * `error`, `data` or `value`. In a catalogued response that does not declare the field, they are read as absent.
 */
function isSuccessStatus(key: string, v: Value): boolean {
  if (key === "ok") return v.kind === "bool" && v.value;
  return v.kind === "nil" && (key === "error" || key === "data" || key === "value");
}

class Canonicalizer {
  constructor(
    private readonly spec: Spec,
    private readonly options: ZDataOptions,
    private readonly problems?: Problem[],
  ) {}

  /** Records a problem (or throws it when nobody collects) and returns the node unchanged. */
  private problem<T extends Value>(v: T, at: Path, error: VmpError): T {
    if (this.problems === undefined) throw error;
    this.problems.push({ at, error });
    return v;
  }

  /** Normalises a ZData map; undefined when it cannot be read (the problem is recorded). */
  private zdata(m: MapValue, path: Path): MapValue | undefined {
    try {
      return checkZData(m, path, this.options);
    } catch (e) {
      if (!(e instanceof VmpError)) throw e;
      this.problem(m, path, e);
      return undefined;
    }
  }

  value(v: Value, t: TypeRef, path: Path): Value {
    switch (t.kind) {
      case "float":
        return this.float(v, t.wire, path);
      case "int":
        return this.int(v, t, path);
      case "nullable":
        return v.kind === "nil" ? v : this.value(v, t.inner, path);
      case "array":
        return v.kind === "array" ? array(v.items.map((x, i) => this.value(x, t.items, [...path, i]))) : v;
      case "map":
        if (v.kind === "bin") return this.problem(v, path, new VmpError("WrongType", "expected a map, got bin", path)); // ajv would see an object
        return v.kind === "map" ? map(v.entries.map(([k, x]) => [k, this.value(x, t.values, [...path, k])] as const)) : v;
      case "bytes":
        return v.kind === "map" ? this.wrappedBytes(v, path) : v;
      case "any":
      case "zdata":
        return this.free(v, path);
      case "ndarray":
        return this.ndarray(v, t, path);
      case "ref":
        return this.named(v, t.name, path);
      default:
        return v;
    }
  }

  /** Integers and floats of the other width convert only when exact (spec §3.11); otherwise InvalidValue. */
  private float(v: Value, wire: "float32" | "float64", path: Path): Value {
    if (v.kind === "float" && v.width === 32 && wire === "float64") return widen(v);
    if (v.kind !== "int" && !(v.kind === "float" && v.width === 64 && wire === "float32")) return v;
    const x = v.kind === "int" ? Number(v.value) : floatNumber(v);
    const exact = v.kind === "int" ? BigInt(x) === v.value : Number.isNaN(x) || Math.fround(x) === x;
    if (!exact) return this.problem(v, path, new VmpError("InvalidValue", `${v.kind === "int" ? v.value : x} has no exact ${wire} form`, path));
    return wire === "float64" ? f64(x) : v.kind === "float" && Number.isNaN(x) ? narrowNaN(v) : f32(x);
  }

  /** Integral floats (msgpackr's `ts`) become integers; the value must lie in the field's range, exactly. */
  private int(v: Value, t: Extract<TypeRef, { kind: "int" }>, path: Path): Value {
    let n: bigint;
    if (v.kind === "int") n = v.value;
    else if (v.kind === "float" && Number.isInteger(floatNumber(v))) n = BigInt(floatNumber(v));
    else if (v.kind === "float") return this.problem(v, path, new VmpError("WrongType", `expected an integer, got float${v.width} ${floatNumber(v)}`, path));
    else return v; // not a number at all: the structural check reports WrongType
    if (n < t.min || n > t.max) return this.problem(v, path, new VmpError("IntegerOutOfRange", `${n} is outside ${t.min}..${t.max} (${t.wire})`, path));
    return int(n);
  }

  private named(v: Value, name: string, path: Path): Value {
    const def = this.spec.ir.types.get(name);
    if (def === undefined) return v;
    if (def.kind === "alias") return this.value(v, def.type, path);
    // A record or union needs a map; anything else (a bin too, which the structural view shows as an object) is
    // WrongType here, where the value stands (SPEC §4.6 rule 2 at the root).
    if (v.kind !== "map") return this.problem(v, path, new VmpError("WrongType", `expected a map (${name}), got ${v.kind}`, path));
    if (def.kind === "union") {
      const tag = v.entries.find(([k]) => k === def.tag)?.[1];
      const variant = def.variants.find((x) => tag?.kind === "str" && x.tagValue === tag.value);
      return variant ? this.named(v, variant.type, path) : v;
    }
    if (def.ztype === undefined || !isZData(v)) return this.record(v, def, path);
    const z = this.zdata(v, path);
    return z === undefined ? v : this.record(z, def, path);
  }

  /**
   * vrpc-ts's `{ztype: "Uint8Array", b, length}` where bytes are declared (SPEC §7.6): checked as that ZData and
   * read as its bytes. Any other map is `WrongType` (the structural view would see an object with unknown keys).
   */
  private wrappedBytes(m: MapValue, path: Path): Value {
    const ztype = get(m, "ztype");
    if (ztype?.kind !== "str" || ztype.value !== "Uint8Array") {
      return this.problem(m, path, new VmpError("WrongType", `expected bytes (bin), got a map of ${m.entries.length}`, path));
    }
    const z = this.zdata(m, path);
    return z === undefined ? m : get(z, "b")!;
  }

  /** Declared fields in declaration order, then the rest in producer order. */
  private record(m: MapValue, def: RecordDef, path: Path): MapValue {
    const byKey = new Map(m.entries);
    const declared = def.fields.filter((f) => byKey.has(f.name)).map((f) => [f.name, this.value(byKey.get(f.name)!, f.type, [...path, f.name])] as const);
    const names = new Set(def.fields.map((f) => f.name));
    const response = isCataloguedResponse(def);
    const extra = m.entries
      .filter(([k, x]) => !names.has(k) && !(response && isSuccessStatus(k, x)))
      .map(([k, x]) => [k, this.free(x, [...path, k])] as const);
    return map([...declared, ...extra]);
  }

  /**
   * A typed array field (SPEC §7.11): ZData that decodes to an array, whose dtype and shape the field allows;
   * canonical as `numpy.ndarray` whatever the form it came in. The structure (a map with a string ztype) is
   * ajv's to report; a defect of the array is recorded at the map, so ajv says nothing more beneath it.
   */
  private ndarray(v: Value, t: Extract<TypeRef, { kind: "ndarray" }>, path: Path): Value {
    if (v.kind !== "map" || !isZData(v)) return v;
    const z = this.zdata(v, path);
    if (z === undefined) return v;
    const sent = (get(v, "ztype") as { value: string }).value;
    const ztype = (get(z, "ztype") as { value: string }).value;
    const fail = (at: string[], reason: string) => this.problem(v, path, new VmpError("InvalidValue", reason, [...path, ...at]));
    if (ztype !== "numpy.ndarray" && ztype !== "torch.Tensor") return fail(["ztype"], `expected an array (numpy.ndarray, torch.Tensor or a typed array), got ${JSON.stringify(sent)}`);
    // The dtype and the shape constrain the array as a whole, whichever entries carry them (SPEC §7.6 forms).
    const dtype = (get(z, "dtype") as { value: string }).value;
    if (t.dtypes !== undefined && !t.dtypes.includes(dtype)) return fail([], `dtype ${dtype} is not allowed here (${t.dtypes.join(", ")})`);
    const dims = (get(z, "shape") as { items: readonly Value[] }).items.map((d) => (d as { value: bigint }).value);
    const problem = t.shape === undefined ? undefined : shapeProblem(t.shape, dims);
    if (problem !== undefined) return fail([], problem);
    const canonical = map(z.entries.map(([k, x]) => [k, k === "ztype" ? str("numpy.ndarray") : x] as const));
    const variant = this.spec.ir.zdata.find((d) => d.ztype === "numpy.ndarray");
    return variant ? this.record(canonical, variant, path) : canonical;
  }

  /**
   * Free-form values keep their types and order; ZData inside them is normalised. A container whose items all
   * stay as they are is returned itself, not copied, and only containers get a path of their own: a large
   * free-form value (a map of a million numbers) costs no second copy and no garbage.
   */
  private free(v: Value, path: Path): Value {
    if (v.kind === "array") {
      let items: Value[] | undefined; // the new items, from the first one that changed
      v.items.forEach((x, i) => {
        const y = x.kind === "array" || x.kind === "map" ? this.free(x, [...path, i]) : x;
        if (items !== undefined) items.push(y);
        else if (y !== x) (items = v.items.slice(0, i)).push(y);
      });
      return items === undefined ? v : array(items);
    }
    if (v.kind !== "map") return v;
    if (isZData(v)) {
      const z = this.zdata(v, path);
      if (z === undefined) return v; // unreadable ZData stays as sent
      const ztype = (z.entries.find(([k]) => k === "ztype")![1] as { value: string }).value;
      const variant = this.spec.ir.zdata.find((d) => d.ztype === ztype);
      return variant ? this.record(z, variant, path) : z;
    }
    let entries: (readonly [string, Value])[] | undefined;
    v.entries.forEach((e, i) => {
      const [k, x] = e;
      const y = x.kind === "array" || x.kind === "map" ? this.free(x, [...path, k]) : x;
      if (entries !== undefined) entries.push(y === x ? e : [k, y]);
      else if (y !== x) (entries = v.entries.slice(0, i)).push([k, y]);
    });
    return entries === undefined ? v : map(entries);
  }
}
