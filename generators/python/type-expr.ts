/** Python type expressions for IR type references, shared by every file that names a type. */
import type { Printable } from "../common/printer.js";
import type { TypeRef } from "../../core/src/ir/types.js";
import { join, str } from "./file.js";

/** What type expressions need from the file they are printed into. */
export interface TypeContext {
  /** An import of a name from a module (`typing`, `._runtime.zdata`). */
  imp(name: string, from: string): Printable;
  /** A named spec type as this file writes it. */
  ref(defName: string): Printable;
  /** The in-memory type of ZData values. */
  zdata(): Printable;
}

export function typeExpr(t: TypeRef, ctx: TypeContext): Printable {
  switch (t.kind) {
    case "int":
      return "int";
    case "float":
      return "float";
    case "string":
      if (t.const !== undefined) return [ctx.imp("Literal", "typing"), "[", str(t.const), "]"];
      if (t.enum !== undefined) return [ctx.imp("Literal", "typing"), "[", join(t.enum.map(str), ", "), "]"];
      return "str";
    case "bool":
      return "bool";
    case "null":
      return "None";
    case "bytes":
      return "bytes";
    case "any":
      return ctx.imp("Any", "typing");
    case "zdata":
      return ctx.zdata();
    case "array":
      return ["list[", typeExpr(t.items, ctx), "]"];
    case "map":
      return ["dict[str, ", typeExpr(t.values, ctx), "]"];
    case "nullable":
      return [typeExpr(t.inner, ctx), " | None"];
    case "ref":
      return ctx.ref(t.name);
  }
}

/** The spec types a type expression names, for declaration-order checks. */
export function refsOf(t: TypeRef): string[] {
  switch (t.kind) {
    case "array":
      return refsOf(t.items);
    case "map":
      return refsOf(t.values);
    case "nullable":
      return refsOf(t.inner);
    case "ref":
      return [t.name];
    default:
      return [];
  }
}
