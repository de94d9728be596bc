/** Rust type expressions for IR type references, shared by every file that names a type. */
import type { GeneratedFile, Printable } from "../common/printer.js";
import type { Ir, TypeRef } from "../../core/src/ir/types.js";

export const VALUE_MODULE = "crate::runtime::value";
export const ZDATA_MODULE = "crate::runtime::zdata";
export const CODEC_MODULE = "crate::runtime::codec";
export const SCHEMA_MODULE = "crate::runtime::schema";
export const ERROR_MODULE = "crate::runtime::error";

/** What type expressions need from the file they are printed into. */
export interface TypeContext {
  readonly ir: Ir;
  /** A name of another module: imported, or written as a full path when the file declares the same name. */
  use(name: string, from: string): Printable;
  /** A named spec type as this file writes it. */
  ref(defName: string): Printable;
}

/** A context for file `f`, whose top-level names are `local` (an import of one of them is written as a path). */
export function typeContext(f: GeneratedFile, ir: Ir, local: ReadonlySet<string>, ref: (defName: string) => Printable): TypeContext {
  return {
    ir,
    use: (name, from) => (local.has(name) ? `${from === "" ? "" : `${from}::`}${name}` : f.import(name, from)),
    ref,
  };
}

const INT_TYPES: Record<string, string> = {
  int8: "i8",
  int16: "i16",
  int32: "i32",
  int64: "i64",
  uint8: "u8",
  uint16: "u16",
  uint32: "u32",
  uint64: "u64",
};

/** The Rust type of a type reference; `boxed` wraps a reference to a named type in `Box` (to break a cycle). */
export function typeExpr(t: TypeRef, ctx: TypeContext, boxed = false): Printable {
  switch (t.kind) {
    case "int":
      return INT_TYPES[t.wire]!;
    case "float":
      return t.wire === "float32" ? "f32" : "f64";
    case "string":
      return "String";
    case "bool":
      return "bool";
    case "null":
      return "()";
    case "bytes":
      return ctx.use("Bytes", "bytes");
    case "any":
      return ctx.use("Value", VALUE_MODULE);
    case "zdata":
      return ctx.use("ZData", ZDATA_MODULE);
    case "ndarray":
      return ctx.use("NdArray", ZDATA_MODULE);
    case "array":
      return ["Vec<", typeExpr(t.items, ctx), ">"];
    case "map":
      return [ctx.use("IndexMap", "indexmap"), "<String, ", typeExpr(t.values, ctx), ">"];
    case "nullable":
      return ["Option<", typeExpr(t.inner, ctx, boxed), ">"];
    case "ref":
      return boxed ? ["Box<", ctx.ref(t.name), ">"] : ctx.ref(t.name);
  }
}

/** A type reference with its aliases followed (a reference to a record or a union stays a reference). */
export function resolveAliases(ir: Ir, t: TypeRef): TypeRef {
  const seen = new Set<string>();
  let cur = t;
  while (cur.kind === "ref" && !seen.has(cur.name)) {
    seen.add(cur.name);
    const def = ir.types.get(cur.name);
    if (def?.kind !== "alias") break;
    cur = def.type;
  }
  return cur;
}

/** Whether values of `t` hold a `bytes` value somewhere below an array or a map (serde needs a helper per shape). */
export function hasNestedBytes(ir: Ir, t: TypeRef): boolean {
  const r = resolveAliases(ir, t);
  switch (r.kind) {
    case "array":
      return containsBytes(ir, r.items, new Set());
    case "map":
      return containsBytes(ir, r.values, new Set());
    case "nullable":
      return resolveAliases(ir, r.inner).kind === "nullable" || hasNestedBytes(ir, r.inner);
    default:
      return false;
  }
}

function containsBytes(ir: Ir, t: TypeRef, seen: Set<string>): boolean {
  const r = resolveAliases(ir, t);
  switch (r.kind) {
    case "bytes":
      return true;
    case "array":
      return containsBytes(ir, r.items, seen);
    case "map":
      return containsBytes(ir, r.values, seen);
    case "nullable":
      return containsBytes(ir, r.inner, seen);
    default:
      return false;
  }
}

/**
 * Whether a field of record `owner` typed `t` needs a `Box`: it names (directly or through `Option`) a record or
 * union that contains `owner` again without an array or a map in between (those allocate already).
 */
export function needsBox(ir: Ir, owner: string, t: TypeRef): boolean {
  const target = directTarget(ir, t);
  if (target === undefined) return false;
  const seen = new Set<string>();
  const stack = [target];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (name === owner) return true;
    if (seen.has(name)) continue;
    seen.add(name);
    const def = ir.types.get(name);
    if (def?.kind === "record") {
      for (const f of def.fields) {
        const next = directTarget(ir, f.type);
        if (next !== undefined) stack.push(next);
      }
    } else if (def?.kind === "union") stack.push(...def.variants.map((v) => v.type));
  }
  return false;
}

/** The record or union a value of `t` holds inline (through aliases and `Option`), if any. */
function directTarget(ir: Ir, t: TypeRef): string | undefined {
  let r = resolveAliases(ir, t);
  while (r.kind === "nullable") r = resolveAliases(ir, r.inner);
  return r.kind === "ref" ? r.name : undefined;
}
