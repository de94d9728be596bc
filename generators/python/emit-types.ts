/**
 * `vmp_protocol/types.py`: one declaration per named type of the IR, in spec order: a dataclass per record
 * (snake_case attributes, the wire names kept by the descriptors of schema.py), `Literal` etypes, type aliases for
 * the rest; then `KnownMessage`, the union of the catalogued message types.
 */
import { protocolOf } from "../../core/src/ir/protocol.js";
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile, Printable } from "../common/printer.js";
import { provenance } from "../common/text.js";
import type { AliasDef, Ir, RecordDef, TypeRef, UnionDef } from "../../core/src/ir/types.js";
import { join, printDocstring, pyFile, str } from "./file.js";
import type { PyNames } from "./names.js";
import { refsOf, typeExpr, type TypeContext } from "./type-expr.js";

export const VALUE_MODULE = "._runtime.value";
export const RECORD_MODULE = "._runtime.record";

export function emitTypes(ir: Ir, names: PyNames, source: HeaderSource): GeneratedFile {
  const f = pyFile(
    "vmp_protocol/types.py",
    source,
    `The types of the ${ir.source.title} ${ir.source.version}: a dataclass per record of the spec, aliases for the other named types.`,
  );
  const ctx = typeContext(f, names);
  for (const t of ir.types.values()) f.declare(names.type(t.name));
  const declared = new Set<string>();
  for (const t of ir.types.values()) {
    const from = `Generated from ${provenance(ir.source.file, t.pointer)}.`;
    switch (t.kind) {
      case "record":
        printRecord(f, t, names, ctx, from);
        break;
      case "union":
        printUnion(f, t, names, ctx, declared, from);
        break;
      case "alias":
        printAlias(f, t, ctx, names, declared, from);
        break;
      default:
        return t satisfies never;
    }
    declared.add(t.name);
    f.print();
    f.print();
  }
  printKnownMessage(f, ir, names, ctx);
  return f;
}

/** The context type expressions need, bound to file `f`. */
export function typeContext(f: GeneratedFile, names: PyNames): TypeContext {
  const imp = (name: string, from: string) => f.import(name, from);
  return {
    imp,
    ref: (n) => names.type(n),
    // ZData values in memory are the runtime's classes (numpy arrays, torch tensors, ZImage, Safetensors,
    // OpaqueZData, registered types): no one class, so `Any`.
    zdata: () => imp("Any", "typing"),
  };
}

function docOf(...parts: (string | undefined)[]): string | undefined {
  const text = parts.filter((p) => p !== undefined && p !== "").join("\n\n");
  return text === "" ? undefined : text;
}

function printRecord(f: GeneratedFile, r: RecordDef, names: PyNames, ctx: TypeContext, from: string): void {
  const note = r.ztype === undefined ? undefined : `The wire map of the \`${r.ztype}\` ZData variant; in memory, ZData values are the runtime's classes.`;
  const attrs = names.attrs(r);
  // Open records take undeclared fields as keyword arguments (`Element(tag=..., key=..., vertices=v)`): their
  // __init__ is written out, the dataclass machinery gives the rest (repr, eq, slots).
  f.print("@", f.import("dataclass", "dataclasses"), r.open ? "(slots=True, kw_only=True, init=False)" : "(slots=True, kw_only=True)");
  f.print("class ", names.type(r.name), "(", f.import("Record", RECORD_MODULE), "):");
  f.indent(() => {
    printDocstring(f, docOf(r.description, note, from));
    f.print();
    r.fields.forEach((field, i) => {
      const attr = attrs.fields[i]!;
      const type = typeExpr(field.type, ctx);
      const konst = field.type.kind === "string" ? field.type.const : undefined;
      if (field.required) f.print(attr, ": ", type, konst === undefined ? "" : [" = ", str(konst)]);
      else f.print(attr, ": ", type, " | ", f.import("UnsetType", VALUE_MODULE), " = ", f.import("UNSET", VALUE_MODULE));
      const wire = attr === field.name ? undefined : `On the wire: \`${field.name}\`.`;
      printDocstring(f, docOf(field.description, wire));
    });
    if (r.open) {
      f.print(attrs.extra, ": dict[str, ", ctx.imp("Any", "typing"), "] = ", f.import("field", "dataclasses"), "(default_factory=dict)");
      printDocstring(f, "Fields the spec does not declare, kept as sent in producer order (this record is open).");
      printOpenInit(f, r, attrs, ctx);
    }
    if (r.fields.length === 0 && !r.open) f.print("pass");
  });
}

/** `__init__` of an open record: the declared fields by keyword, then `extra`, then any other keyword as a prop. */
function printOpenInit(f: GeneratedFile, r: RecordDef, attrs: { readonly fields: readonly string[]; readonly extra: string }, ctx: TypeContext): void {
  const Any = ctx.imp("Any", "typing");
  const params: Printable[] = r.fields.map((field, i) => {
    const type = typeExpr(field.type, ctx);
    const konst = field.type.kind === "string" ? field.type.const : undefined;
    if (field.required) return [attrs.fields[i]!, ": ", type, konst === undefined ? "" : [" = ", str(konst)]];
    return [attrs.fields[i]!, ": ", type, " | ", f.import("UnsetType", VALUE_MODULE), " = ", f.import("UNSET", VALUE_MODULE)];
  });
  params.push([attrs.extra, ": dict[str, ", Any, "] | None = None"], ["**props: ", Any]);
  f.print();
  f.print("def __init__(self, *, ", join(params, ", "), ") -> None:");
  f.indent(() => {
    printDocstring(f, `Undeclared fields go to \`${attrs.extra}\`: those of \`${attrs.extra}\` first, then the other keyword arguments, in order.`);
    for (const attr of attrs.fields) f.print("self.", attr, " = ", attr);
    f.print("self.", attrs.extra, " = {**(", attrs.extra, " or {}), **props}");
  });
}

/** An alias's value; quoted as a whole when it names a type declared further down (aliases are evaluated). */
function aliasValue(t: TypeRef | readonly string[], code: Printable, declared: ReadonlySet<string>): Printable {
  const refs = Array.isArray(t) ? (t as readonly string[]) : refsOf(t as TypeRef);
  return refs.every((n) => declared.has(n)) ? code : ['"', code, '"'];
}

function printUnion(f: GeneratedFile, u: UnionDef, names: PyNames, ctx: TypeContext, declared: ReadonlySet<string>, from: string): void {
  const variants = u.variants.map((v) => v.type);
  const code = join(variants.map((v) => names.type(v)), " | ");
  f.print(names.type(u.name), ": ", ctx.imp("TypeAlias", "typing"), " = ", aliasValue(variants, code, declared));
  printDocstring(f, docOf(u.description, from));
}

function printAlias(f: GeneratedFile, a: AliasDef, ctx: TypeContext, names: PyNames, declared: ReadonlySet<string>, from: string): void {
  f.print(names.type(a.name), ": ", ctx.imp("TypeAlias", "typing"), " = ", aliasValue(a.type, typeExpr(a.type, ctx), declared));
  printDocstring(f, docOf(a.description, from));
}

function printKnownMessage(f: GeneratedFile, ir: Ir, names: PyNames, ctx: TypeContext): void {
  const known = protocolOf(ir).catalogue;
  f.declare(names.knownMessage);
  const value: Printable = known.length === 0 ? "None" : join(known.map((m) => names.type(m.name)), " | ");
  f.print(names.knownMessage, ": ", ctx.imp("TypeAlias", "typing"), " = ", value);
  printDocstring(f, "A message of one of the event types the spec names; tell them apart with `match` or `isinstance`.");
}
