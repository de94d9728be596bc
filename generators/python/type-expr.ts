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
    case "ndarray":
      return ndarrayExpr(t.dtypes, ctx);
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

/**
 * A typed array (SPEC §7.11): `numpy.typing.NDArray` of the numpy scalar types of its dtypes
 * (`NDArray[numpy.float32 | numpy.float64]`); `NDArray[Any]` for any dtype, or one numpy has no type for (bfloat16).
 */
function ndarrayExpr(dtypes: readonly string[] | undefined, ctx: TypeContext): Printable {
  const nd = ctx.imp("NDArray", "numpy.typing");
  const scalars = dtypes?.map((d) => (d === "bool" ? "bool_" : d));
  if (scalars === undefined || scalars.includes("bfloat16")) return [nd, "[", ctx.imp("Any", "typing"), "]"];
  const numpy = ctx.imp("numpy", "");
  return [nd, "[", join(scalars.map((s) => [numpy, ".", s]), " | "), "]"];
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
