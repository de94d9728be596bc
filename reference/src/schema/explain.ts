/**
 * Says, in words, how a decoded value differs from its canonical form: the schema-level half of `vmp inspect`
 * and `vmp diff` (wire-level header notes come from the tokenizer).
 */
import { formatPath, type Path } from "../../../core/src/errors.js";
import { equals, floatNumber, get, type Value } from "../value/model.js";

export function explainDifferences(actual: Value, canonical: Value, path: Path = []): string[] {
  const at = formatPath(path);
  if (equals(actual, canonical)) return [];
  if (actual.kind === "float" && canonical.kind === "int") return [`${at}: float${actual.width} ${floatNumber(actual)} in an integer field; canonical is the integer ${canonical.value}`];
  if (actual.kind === "int" && canonical.kind === "float") return [`${at}: integer ${actual.value} in a float${canonical.width} field; canonical is float${canonical.width} ${floatNumber(canonical)}`];
  if (actual.kind === "float" && canonical.kind === "float" && actual.width !== canonical.width) return [`${at}: float${actual.width} in a float${canonical.width} field`];
  if (actual.kind === "array" && canonical.kind === "array" && actual.items.length === canonical.items.length) {
    return actual.items.flatMap((x, i) => explainDifferences(x, canonical.items[i]!, [...path, i]));
  }
  if (actual.kind === "map" && canonical.kind === "map") {
    const notes: string[] = [];
    const ztype = get(actual, "ztype");
    const cztype = get(canonical, "ztype");
    if (ztype?.kind === "str" && cztype?.kind === "str" && ztype.value !== cztype.value) return [`${at}: ZData "${ztype.value}" (a decode-only compatibility form); canonical is "${cztype.value}"`];
    const keys = actual.entries.map(([k]) => k);
    const ckeys = canonical.entries.map(([k]) => k);
    if (keys.join("\u0000") !== ckeys.join("\u0000")) notes.push(`${at}: keys in order ${keys.join(", ")}; canonical order is ${ckeys.join(", ")}`);
    for (const [k, v] of actual.entries) {
      const c = get(canonical, k);
      if (c !== undefined) notes.push(...explainDifferences(v, c, [...path, k]));
    }
    return notes;
  }
  if (actual.kind === "str" && canonical.kind === "str" && path[path.length - 1] === "dtype") return [`${at}: dtype "${actual.value}"; canonical name is "${canonical.value}"`];
  if (actual.kind === "bin" && canonical.kind === "bin") return [`${at}: big-endian element bytes; canonical is little-endian`];
  return [`${at}: value differs from its canonical form`];
}

/** How two canonical values differ, one line per difference, each naming its path (empty when equal). */
export function valueDifferences(a: Value, b: Value, path: Path = []): string[] {
  if (equals(a, b)) return [];
  const at = formatPath(path);
  if (a.kind === "map" && b.kind === "map") {
    const notes: string[] = [];
    for (const [k, v] of a.entries) {
      const w = get(b, k);
      if (w === undefined) notes.push(`${formatPath([...path, k])}: only in A (${describe(v)})`);
      else notes.push(...valueDifferences(v, w, [...path, k]));
    }
    for (const [k, w] of b.entries) if (get(a, k) === undefined) notes.push(`${formatPath([...path, k])}: only in B (${describe(w)})`);
    const common = (m: typeof a, other: typeof b) => m.entries.map(([k]) => k).filter((k) => get(other, k) !== undefined);
    if (notes.length === 0) notes.push(`${at}: same entries in another order (${common(a, b).join(", ")} vs ${common(b, a).join(", ")})`);
    return notes;
  }
  if (a.kind === "array" && b.kind === "array") {
    const notes = a.items.slice(0, b.items.length).flatMap((x, i) => valueDifferences(x, b.items[i]!, [...path, i]));
    if (a.items.length !== b.items.length) notes.push(`${at}: ${a.items.length} items vs ${b.items.length}`);
    return notes;
  }
  return [`${at}: ${describe(a)} vs ${describe(b)}`];
}

/** A short description of a value, for diff lines. */
function describe(v: Value): string {
  switch (v.kind) {
    case "nil":
      return "nil";
    case "bool":
      return String(v.value);
    case "int":
      return `integer ${v.value}`;
    case "float":
      return `float${v.width} ${floatNumber(v)}`;
    case "str":
      return JSON.stringify(v.value.length > 40 ? `${v.value.slice(0, 40)}…` : v.value);
    case "bin":
      return `bin of ${v.value.length} bytes`;
    case "array":
      return `an array of ${v.items.length}`;
    case "map":
      return `a map of ${v.entries.length}`;
  }
}
