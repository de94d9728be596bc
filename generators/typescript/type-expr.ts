/** TypeScript type expressions for IR type references, shared by every file that names a type. */
import type { Printable } from "../common/printer.js";
import type { Ir, TypeRef } from "../../core/src/ir/types.js";
import { join, str } from "./file.js";
import type { TsNames } from "./names.js";

/** The runtime's in-memory ZData classes, by name (runtime/zdata.ts). */
export const ZDATA_CLASSES = ["NDArray", "ZImage", "Safetensors", "OpaqueZData"] as const;
export const ZDATA_MODULE = "./runtime/zdata.js";

/** What type expressions need from the file they are printed into. */
export interface TypeContext {
  readonly ir: Ir;
  readonly names: TsNames;
  /** A type-only import of a runtime name. */
  importType(name: string, from: string): Printable;
  /** A named spec type as this file writes it (a local name, or an import of ./types.js). */
  ref(defName: string): Printable;
  /** How a global is written: bare, or `globalThis.X` when the spec defines a type named X. */
  global(name: string): string;
}

const MAX_SAFE = 2n ** 53n - 1n;

/** True when an integer range goes beyond ±(2^53 − 1): its values are `number | bigint` in memory. */
export function isWide(min: bigint, max: bigint): boolean {
  return min < -MAX_SAFE || max > MAX_SAFE;
}

/** Fixed-length arrays of at most this many items are tuples (`[number, number, number]`). */
const MAX_TUPLE = 4;

/** A type expression; `union` says it needs parentheses inside `T[]`. */
interface Expr {
  readonly code: Printable[];
  readonly union: boolean;
}

export function typeExpr(t: TypeRef, ctx: TypeContext): Printable[] {
  return expr(t, ctx).code;
}

function expr(t: TypeRef, ctx: TypeContext): Expr {
  const plain = (...code: Printable[]): Expr => ({ code, union: false });
  const union = (items: readonly Printable[]): Expr => ({ code: join(items, " | "), union: items.length > 1 });
  switch (t.kind) {
    case "int":
      return isWide(t.min, t.max) ? union(["number", "bigint"]) : plain("number");
    case "float":
      return plain("number");
    case "string":
      if (t.const !== undefined) return plain(str(t.const));
      if (t.enum !== undefined) return union(t.enum.map(str));
      return plain(patternTemplate(t.pattern) ?? "string");
    case "bool":
      return plain("boolean");
    case "null":
      return plain("null");
    case "bytes":
      return plain(ctx.global("Uint8Array"));
    case "any":
      return plain("unknown");
    case "zdata":
      return union(ZDATA_CLASSES.map((c) => ctx.importType(c, ZDATA_MODULE)));
    case "ndarray": {
      // The runtime's NDArray, typed by the dtypes the field allows (SPEC §7.11).
      const nd = ctx.importType("NDArray", ZDATA_MODULE);
      return t.dtypes === undefined ? plain(nd) : plain(nd, "<", join(t.dtypes.map(str), " | "), ">");
    }
    case "array": {
      const item = expr(t.items, ctx);
      if (t.minItems !== undefined && t.minItems === t.maxItems && t.minItems > 0 && t.minItems <= MAX_TUPLE) {
        return plain("[", join(Array.from({ length: t.minItems }, () => item.code), ", "), "]");
      }
      return plain(item.union ? ["(", item.code, ")"] : item.code, "[]");
    }
    case "map":
      return plain("{ [key: string]: ", expr(t.values, ctx).code, " }");
    case "nullable":
      return { code: [expr(t.inner, ctx).code, " | null"], union: true };
    case "ref":
      return plain(ctx.ref(t.name));
  }
}

/**
 * A template literal type for a pattern that only fixes a prefix (`^GRAB_RENDER_RESPONSE@.+$` →
 * `` `GRAB_RENDER_RESPONSE@${string}` ``), so that a `switch` on `etype` tells response types from the rest.
 * Any other pattern is just `string`: the validators check it exactly.
 */
export function patternTemplate(pattern: string | undefined): string | undefined {
  const prefix = patternPrefix(pattern);
  return prefix === undefined ? undefined : `\`${prefix}\${string}\``;
}

/** The literal prefix of a `^PREFIX.+$` pattern, or undefined for any other pattern. */
export function patternPrefix(pattern: string | undefined): string | undefined {
  const m = pattern === undefined ? null : /^\^([A-Za-z0-9_@:/ -]+)\.[+*]\$$/.exec(pattern);
  return m ? m[1] : undefined;
}
