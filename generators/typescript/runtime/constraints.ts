/**
 * The constraints of strings and arrays (`const`, `enum`, `pattern`, lengths, item counts): why a value breaks
 * one, as decoding, encoding and validation report it (`InvalidValue`, spec §8.3), with the same messages.
 */
import type { TypeDesc } from "./schema.js";

type StringDesc = Extract<TypeDesc, { kind: "string" }>;

/** Why `s` fails the constraints of `t`, or undefined. Lengths count code points, as JSON Schema does. */
export function stringProblem(t: StringDesc, s: string): string | undefined {
  if (t.const !== undefined && s !== t.const)
    return `expected ${JSON.stringify(t.const)}, got ${JSON.stringify(s)}`;
  if (t.enum !== undefined && !t.enum.includes(s))
    return `expected one of ${t.enum.map((x) => JSON.stringify(x)).join(", ")}, got ${JSON.stringify(s)}`;
  if (t.pattern !== undefined) {
    t.pattern.lastIndex = 0; // a global or sticky pattern would otherwise test from where it last stopped
    if (!t.pattern.test(s)) return `${JSON.stringify(s)} does not match ${t.pattern.source}`;
  }
  if (t.minLength !== undefined || t.maxLength !== undefined) {
    let n = 0;
    for (const _ of s) n++;
    if (t.minLength !== undefined && n < t.minLength)
      return `expected at least ${t.minLength} characters, got ${n}`;
    if (t.maxLength !== undefined && n > t.maxLength)
      return `expected at most ${t.maxLength} characters, got ${n}`;
  }
  return undefined;
}

/** Why an array of `n` items fails `minItems`/`maxItems`, or undefined. */
export function countProblem(
  t: { readonly minItems?: number; readonly maxItems?: number },
  n: number,
): string | undefined {
  if (t.minItems !== undefined && n < t.minItems) return `expected at least ${t.minItems} items, got ${n}`;
  if (t.maxItems !== undefined && n > t.maxItems) return `expected at most ${t.maxItems} items, got ${n}`;
  return undefined;
}
