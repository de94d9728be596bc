/**
 * Validation of in-memory values against a type descriptor, collecting every error (the codec stops at the first
 * one it meets). The values are those a user builds or `decode` returns: numbers and bigints, `VmpFloat`,
 * `Uint8Array` bytes, arrays (typed arrays where a list of numbers is wanted), `Map`s or plain objects for
 * records and maps (`undefined` properties are absent), the ZData classes and registered custom types.
 *
 * The kinds are those of the codec (decode.ts, encode.ts): `WrongType` for a value of the wrong type (also `null`
 * where the type is not nullable), `MissingField` at an absent required field, `InvalidValue` at an undeclared
 * field of a closed record and for a failed `const`, `enum`, `pattern`, length or item count,
 * `IntegerOutOfRange` outside a field's range, `NonStringKey` for a `Map` key that is not a string. The order is
 * stable: a record's declared fields in declaration order (each field's own errors where it stands), then its
 * undeclared fields in property order; array items in order; map entries in their order.
 */
import type { Desc } from "./decode.js";
import { countProblem, stringProblem } from "./constraints.js";
import { dtypeOfArray } from "./dtype.js";
import { VmpError, type ErrorKind, type Path } from "./errors.js";
import { VmpFloat } from "./float.js";
import type { RecordDesc, TypeDesc, UnionDesc } from "./schema.js";
import { entryOf, isMapLike, type MapLike } from "./value.js";
import { arrayFieldProblem, asZData } from "./typed-array.js";
import { MAX_DEPTH } from "./wire.js";
import { NDArray, OpaqueZData, Safetensors, ZImage, isKnownZType, registrationFor } from "./zdata.js";

/** A validation failure: a VmpError of one of the kinds above, with the path of the value that failed. */
export type ValidationError = VmpError;

/** Every error of `value` as `desc`, in the order above; an empty list means valid. */
export function check(desc: Desc, value: unknown): ValidationError[] {
  const errors: VmpError[] = [];
  try {
    visit(desc, value, [], errors);
  } catch (e) {
    // Too deep (a hostile or cyclic value): the walk stops there, with this one error last.
    if (!(e instanceof VmpError && e.kind === "DepthExceeded")) throw e;
    errors.push(e);
  }
  return errors;
}

/**
 * `validate(typeName, value)` over the package's message descriptors (schema.ts `MESSAGES`), keyed by type name.
 * An unknown name is a TypeError: it is a programming error, not a property of the value.
 */
export function createValidate<T extends string>(types: { readonly [K in T]: RecordDesc }): (
  typeName: T,
  value: unknown,
) => ValidationError[] {
  return (typeName, value) => {
    if (!Object.hasOwn(types, typeName))
      throw new TypeError(`validate: unknown message type ${JSON.stringify(typeName)}`);
    return check(types[typeName], value);
  };
}

function fail(errors: VmpError[], kind: ErrorKind, reason: string, path: Path): void {
  errors.push(new VmpError(kind, reason, path));
}

function visit(t: Desc, v: unknown, path: (string | number)[], errors: VmpError[]): void {
  // Hostile (or cyclic) values nest without end: stop where the codec would.
  if (path.length > MAX_DEPTH)
    throw new VmpError("DepthExceeded", `more than ${MAX_DEPTH} nested containers`, path);
  switch (t.kind) {
    case "int":
      return checkInt(t, v, path, errors);
    case "float":
      if (typeof v !== "number" && typeof v !== "bigint" && !(v instanceof VmpFloat))
        fail(errors, "WrongType", expected("a number", v), path);
      return;
    case "string": {
      if (typeof v !== "string") return fail(errors, "WrongType", expected("a string", v), path);
      const problem = stringProblem(t, v);
      if (problem !== undefined) fail(errors, "InvalidValue", problem, path);
      return;
    }
    case "bool":
      if (typeof v !== "boolean") fail(errors, "WrongType", expected("a boolean", v), path);
      return;
    case "null":
      if (v !== null) fail(errors, "WrongType", expected("null", v), path);
      return;
    case "bytes":
      if (!(v instanceof Uint8Array)) fail(errors, "WrongType", expected("bytes (a Uint8Array)", v), path);
      return;
    case "any":
      return;
    case "zdata":
      return checkZDataField(v, path, errors);
    case "ndarray":
      return checkArrayField(t, v, path, errors);
    case "array":
      return checkArray(t, v, path, errors);
    case "map":
      return checkMap(t.values, v, path, errors);
    case "nullable":
      return v === null ? undefined : visit(t.inner, v, path, errors);
    case "ref":
      return visit(t.get(), v, path, errors);
    case "alias":
      return visit(t.type, v, path, errors);
    case "record":
      return t.ztype !== undefined && isKnownZType(t.ztype)
        ? checkZDataRecord(t, v, path, errors)
        : checkRecord(t, v, path, errors);
    case "union":
      return checkUnion(t, v, path, errors);
  }
}

function checkInt(t: Extract<TypeDesc, { kind: "int" }>, v: unknown, path: Path, errors: VmpError[]): void {
  if (typeof v === "number" ? !Number.isInteger(v) : typeof v !== "bigint")
    return fail(errors, "WrongType", expected("an integer", v), path);
  const n = v as number | bigint;
  // Integral numbers beyond 2^53 compare with the exact bounds as bigints.
  const big = typeof n === "bigint" ? n : BigInt(n);
  if (big < t.min || big > t.max)
    fail(errors, "IntegerOutOfRange", `${n} is outside ${t.min}..${t.max}`, path);
}

function checkArray(
  t: Extract<TypeDesc, { kind: "array" }>,
  v: unknown,
  path: (string | number)[],
  errors: VmpError[],
): void {
  // Typed arrays are welcome where the schema wants a list of numbers, as encode takes them.
  const items = Array.isArray(v)
    ? (v as readonly unknown[])
    : ArrayBuffer.isView(v) && !(v instanceof DataView)
      ? (v as unknown as ArrayLike<unknown>)
      : undefined;
  if (items === undefined) return fail(errors, "WrongType", expected("an array", v), path);
  const problem = countProblem(t, items.length);
  if (problem !== undefined) fail(errors, "InvalidValue", problem, path);
  for (let i = 0; i < items.length; i++) visit(t.items, items[i], [...path, i], errors);
}

/** The present entries of a map-like value, in order: `undefined` properties of plain objects are absent. */
function presentEntries(v: MapLike): [unknown, unknown][] {
  if (v instanceof Map) return [...v.entries()];
  return Object.entries(v).filter(([, x]) => x !== undefined);
}

function checkMap(values: TypeDesc, v: unknown, path: (string | number)[], errors: VmpError[]): void {
  if (!isMapLike(v)) return fail(errors, "WrongType", expected("a map (a Map or a plain object)", v), path);
  for (const [key, x] of presentEntries(v)) {
    if (typeof key !== "string")
      fail(errors, "NonStringKey", `map keys must be strings, found ${typeof key}`, path);
    else visit(values, x, [...path, key], errors);
  }
}

function checkRecord(t: RecordDesc, v: unknown, path: (string | number)[], errors: VmpError[]): void {
  if (!isMapLike(v)) return fail(errors, "WrongType", expected(`a record (${t.name})`, v), path);
  for (const f of t.fields) {
    const x = entryOf(v, f.name);
    if (x !== undefined) visit(f.type, x, [...path, f.name], errors);
    else if (f.required) fail(errors, "MissingField", "required field is missing", [...path, f.name]);
  }
  if (t.open) return;
  const declared = new Set(t.fields.map((f) => f.name));
  for (const [key] of presentEntries(v)) {
    if (typeof key !== "string")
      fail(errors, "NonStringKey", `map keys must be strings, found ${typeof key}`, path);
    else if (!declared.has(key))
      fail(errors, "InvalidValue", `unknown field "${key}" in a closed record (${t.name})`, [...path, key]);
  }
}

/** The ztype of a known ZData class value, or undefined. */
function classZType(v: unknown): string | undefined {
  if (v instanceof NDArray) return v.ztype;
  if (v instanceof ZImage) return "image";
  if (v instanceof Safetensors) return "safetensor.dict";
  return undefined;
}

/**
 * A known ZData record (NdArray, Tensor, Image, SafetensorsDict): its class (checked when it was built), a typed
 * array for the array types, or its map form, checked as a record.
 */
function checkZDataRecord(t: RecordDesc, v: unknown, path: (string | number)[], errors: VmpError[]): void {
  const arrays = t.ztype === "numpy.ndarray" || t.ztype === "torch.Tensor";
  if (arrays && ArrayBuffer.isView(v) && !(v instanceof Uint8Array) && dtypeOfArray(v) !== undefined) return;
  if (isMapLike(v)) return checkRecord(t, v, path, errors);
  const ztype = classZType(v);
  if (ztype === undefined) return fail(errors, "WrongType", expected(`ZData (${t.name})`, v), path);
  if (ztype !== t.ztype)
    fail(errors, "InvalidValue", `expected ${JSON.stringify(t.ztype)}, got ${JSON.stringify(ztype)}`, [
      ...path,
      "ztype",
    ]);
}

/** A field typed ZData: any ZData value (spec §7.1), including a map with a string ztype. */
function checkZDataField(v: unknown, path: Path, errors: VmpError[]): void {
  if (isMapLike(v)) {
    const ztype = entryOf(v, "ztype");
    if (ztype === undefined) fail(errors, "MissingField", "ZData needs a ztype", [...path, "ztype"]);
    else if (typeof ztype !== "string")
      fail(errors, "WrongType", "ztype must be a string", [...path, "ztype"]);
    return;
  }
  const isZData =
    classZType(v) !== undefined ||
    v instanceof OpaqueZData ||
    (ArrayBuffer.isView(v) && !(v instanceof Uint8Array) && dtypeOfArray(v) !== undefined) ||
    (typeof v === "object" && v !== null && registrationFor(v) !== undefined);
  if (!isZData) fail(errors, "WrongType", expected("ZData", v), path);
}

/** A typed array field (SPEC §7.11): an `NDArray` whose dtype and shape the field allows, as encode takes it. */
function checkArrayField(
  t: Extract<TypeDesc, { kind: "ndarray" }>,
  v0: unknown,
  path: Path,
  errors: VmpError[],
): void {
  let v: unknown;
  try {
    v = asZData(v0, () => [...path]);
  } catch (e) {
    if (e instanceof VmpError) return void errors.push(e);
    throw e;
  }
  const problem = arrayFieldProblem(t, v);
  if (problem === undefined) return;
  if (problem.at === undefined) return fail(errors, "InvalidValue", problem.reason, path);
  if (classZType(v) === undefined) return fail(errors, "WrongType", expected("an array (NDArray)", v), path);
  fail(errors, "InvalidValue", problem.reason, [...path, problem.at]);
}

function checkUnion(t: UnionDesc, v: unknown, path: (string | number)[], errors: VmpError[]): void {
  if (!isMapLike(v)) return fail(errors, "WrongType", expected(`a record (${t.name})`, v), path);
  const tag = entryOf(v, t.tag);
  const variant = typeof tag === "string" && Object.hasOwn(t.variants, tag) ? t.variants[tag]!() : undefined;
  if (variant !== undefined) return visit(variant, v, path, errors);
  fail(
    errors,
    "InvalidValue",
    `${t.tag} ${tag === undefined ? "is missing" : JSON.stringify(tag)}: no variant of ${t.name} matches`,
    path,
  );
}

/** `expected X, got Y`, Y said the way encode.ts says it. */
function expected(what: string, v: unknown): string {
  return `expected ${what}, got ${describeValue(v)}`;
}

function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return (v.constructor as { name?: string } | undefined)?.name ?? "an object";
  if (typeof v === "string") return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  return `${typeof v} ${String(v)}`;
}
