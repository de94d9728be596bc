/**
 * Judging a testee's answer against a case's expectation. Values are compared as the MessagePack values their
 * typed JSON means (float width and bits, integer value, entry order), so `1` and `{"$int": "1"}` are equal and
 * `{"$f64": 1}` is not. A failure carries a one-line diff: where the answers part and what each side holds.
 */
import { formatPath, type Path } from "../../core/src/errors.js";
import { bytesEqual, type Value } from "../../reference/src/value/model.js";
import { fromTypedJson, toTypedJson } from "../../reference/src/value/typed-json.js";
import type { Case, Expectation } from "./runner-cases.js";

export type Verdict =
  | { readonly status: "pass" }
  | { readonly status: "fail"; readonly detail: string }
  | { readonly status: "skip"; readonly reason: string };

const PASS: Verdict = { status: "pass" };
const fail = (detail: string): Verdict => ({ status: "fail", detail });

/** Expected values, parsed once per vector (a case's decode and its alternatives' share one). */
const parsed = new WeakMap<object, Value>();

export function judge(c: Case, response: Record<string, unknown>): Verdict {
  const shape = responseProblem(response);
  if (shape !== undefined) return fail(`malformed response: ${shape} (got ${clip(JSON.stringify(response), 80)})`);
  if (response.ok === false) {
    if (typeof response.skipped === "string") return { status: "skip", reason: response.skipped || "(no reason given)" };
    const error = response.error as { kind: string; path?: string; message?: string };
    if (c.expect.kind === "error") {
      if (error.kind !== c.expect.error) return fail(`expected ${describe(c.expect)}, got ${describeError(error)}`);
      if (c.expect.path !== undefined && error.path !== c.expect.path) return fail(`expected ${describe(c.expect)}, got ${error.kind} at ${error.path ?? "no path"}`);
      return PASS;
    }
    return fail(`expected ${describe(c.expect)}, got ${describeError(error)}`);
  }
  switch (c.expect.kind) {
    case "error":
      return fail(`expected ${describe(c.expect)}, got ok${"value" in response ? ` ${clip(JSON.stringify(response.value), 60)}` : ""}`);
    case "ok":
      return PASS;
    case "hex": {
      if (typeof response.hex !== "string" || !/^(?:[0-9a-fA-F]{2})*$/.test(response.hex)) return fail(`malformed response: "hex" is not hex (got ${clip(JSON.stringify(response.hex), 60)})`);
      const got = response.hex.toLowerCase();
      return got === c.expect.hex ? PASS : fail(hexDiff(c.expect.hex, got));
    }
    case "value": {
      if (!("value" in response)) return fail(`malformed response: a decode answer needs "value"`);
      let got: Value;
      try {
        got = fromTypedJson(response.value);
      } catch (e) {
        return fail(`got malformed ${(e as Error).message}`);
      }
      const diff = valueDiff(expectedValue(c), got, []);
      return diff === undefined ? PASS : fail(diff);
    }
  }
}

function expectedValue(c: Case): Value {
  let v = parsed.get(c.vector);
  if (v === undefined) {
    v = fromTypedJson((c.expect as { value: unknown }).value);
    parsed.set(c.vector, v);
  }
  return v;
}

/** What is wrong with the shape of a response, or undefined. */
function responseProblem(r: Record<string, unknown>): string | undefined {
  if (typeof r.ok !== "boolean") return `"ok" must be true or false`;
  if (r.ok) return undefined;
  if ("skipped" in r) return typeof r.skipped === "string" ? undefined : `"skipped" must be a string`;
  const e = r.error as Record<string, unknown> | undefined;
  if (e === null || typeof e !== "object" || Array.isArray(e)) return `an answer with "ok": false needs "error" or "skipped"`;
  if (typeof e.kind !== "string") return `"error.kind" must be a string`;
  if (e.path !== undefined && typeof e.path !== "string") return `"error.path" must be a string`;
  return undefined;
}

export function describe(e: Expectation): string {
  switch (e.kind) {
    case "error":
      return `${e.error}${e.path === undefined ? "" : ` at ${e.path}`}`;
    case "ok":
      return "ok";
    case "hex":
      return clip(e.hex, 40);
    case "value":
      return clip(JSON.stringify(e.value), 60);
  }
}

function describeError(e: { kind: string; path?: string; message?: string }): string {
  return `${e.kind}${e.path === undefined ? "" : ` at ${e.path}`}${e.message ? `: ${clip(e.message, 80)}` : ""}`;
}

/** The first place two values differ, as one line; undefined when they are equal. */
export function valueDiff(expected: Value, got: Value, path: Path): string | undefined {
  const here = () => `at ${formatPath(path)}: expected ${show(expected)}, got ${show(got)}`;
  if (expected.kind !== got.kind) return here();
  switch (expected.kind) {
    case "nil":
      return undefined;
    case "bool":
    case "int":
    case "str":
      return expected.value === (got as typeof expected).value ? undefined : here();
    case "float": {
      const g = got as typeof expected;
      return expected.width === g.width && expected.bits === g.bits ? undefined : here();
    }
    case "bin":
      return bytesEqual(expected.value, (got as typeof expected).value) ? undefined : here();
    case "array": {
      const g = got as typeof expected;
      const n = Math.min(expected.items.length, g.items.length);
      for (let i = 0; i < n; i++) {
        const d = valueDiff(expected.items[i]!, g.items[i]!, [...path, i]);
        if (d !== undefined) return d;
      }
      return expected.items.length === g.items.length ? undefined : `at ${formatPath(path)}: expected ${expected.items.length} items, got ${g.items.length}`;
    }
    case "map": {
      const g = got as typeof expected;
      const n = Math.min(expected.entries.length, g.entries.length);
      for (let i = 0; i < n; i++) {
        const [ek, ev] = expected.entries[i]!;
        const [gk, gv] = g.entries[i]!;
        if (ek !== gk) {
          const has = g.entries.some(([k]) => k === ek);
          return `at ${formatPath(path)}: expected key ${JSON.stringify(ek)} at entry ${i}, got ${JSON.stringify(gk)}${has ? " (key order differs)" : ""}`;
        }
        const d = valueDiff(ev, gv, [...path, ek]);
        if (d !== undefined) return d;
      }
      if (expected.entries.length === g.entries.length) return undefined;
      const extra = expected.entries.length > g.entries.length ? `missing key ${JSON.stringify(expected.entries[n]![0])}` : `extra key ${JSON.stringify(g.entries[n]![0])}`;
      return `at ${formatPath(path)}: expected ${expected.entries.length} entries, got ${g.entries.length} (${extra})`;
    }
  }
}

function show(v: Value): string {
  switch (v.kind) {
    case "array":
      return `an array of ${v.items.length}`;
    case "map":
      return `a map of ${v.entries.length}`;
    case "bin":
      return v.value.length > 16 ? `bin of ${v.value.length} bytes` : JSON.stringify(toTypedJson(v));
    default:
      return clip(JSON.stringify(toTypedJson(v)), 50);
  }
}

/** Two hex strings, shown around the first byte where they differ. */
export function hexDiff(expected: string, got: string): string {
  let i = 0;
  while (i < expected.length && i < got.length && expected.slice(i, i + 2) === got.slice(i, i + 2)) i += 2;
  const from = Math.max(0, i - 16); // 8 bytes of context before the difference, 16 from it on
  const window = (h: string) => `${from > 0 ? "…" : ""}${h.slice(from, i + 32) || "(end)"}${h.length > i + 32 ? "…" : ""}`;
  const sizes = expected.length === got.length ? "" : `; ${expected.length / 2} vs ${got.length / 2} bytes`;
  return `bytes differ at byte ${i / 2}${sizes}: expected ${window(expected)}, got ${window(got)}`;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
