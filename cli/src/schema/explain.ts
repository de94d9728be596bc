/**
 * Says, in words, how a decoded value differs from its canonical form: the schema-level half of `vmp inspect`
 * and `vmp diff` (wire-level header notes come from the tokenizer).
 */
import { formatPath, type Path } from "../errors.js";
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
