/**
 * `src/schema.rs`: the spec's types as runtime data, one `static` descriptor per named type (the types of
 * `runtime/schema.rs`, the contract with the codec), the spec's patterns as lazily compiled statics, the message
 * types in spec order, every type, and lookups by name. Statics refer to each other, so declaration order and
 * recursion do not matter.
 */
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile, Printable } from "../common/printer.js";
import { provenance } from "../common/text.js";
import type { Ir, TypeDef, TypeRef } from "../../core/src/ir/types.js";
import { intWireRange, INT_WIRES } from "../../core/src/ir/types.js";
import { join, printDoc, regexStr, rsFile, str } from "./file.js";
import type { RsNames } from "./names.js";
import { dtypeVariant } from "./emit-tables.js";

const SCHEMA_MODULE = "crate::runtime::schema";

/** The statics of the spec's patterns, numbered in order of first use. */
class Patterns {
  private readonly byPattern = new Map<string, string>();
  ref(pattern: string): string {
    let name = this.byPattern.get(pattern);
    if (name === undefined) {
      name = `PATTERN_${this.byPattern.size + 1}`;
      this.byPattern.set(pattern, name);
    }
    return name;
  }
  entries(): [string, string][] {
    return [...this.byPattern.entries()];
  }
}

/** An import: a name of the runtime's schema module by default. */
type Rt = (name: string, from?: string) => Printable;

export function emitSchema(ir: Ir, names: RsNames, source: HeaderSource): GeneratedFile {
  const f = rsFile(
    "src/schema.rs",
    source,
    `The descriptors of the ${ir.source.title} ${ir.source.version}: one \`static\` per named type of the spec ` +
      "(generated from the spec; the codec walks them), the message types, and lookups by name.",
  );
  const rt: Rt = (name, from = SCHEMA_MODULE) => f.import(name, from);
  const patterns = new Patterns();
  const body: Printable[][] = [];
  // Descriptors are printed into a buffer first, so that the pattern statics they use can come before them.
  const buffer = new BufferedPrinter(body);
  for (const t of ir.types.values()) {
    buffer.doc(`\`${t.name}\`: \`${provenance(ir.source.file, t.pointer)}\`.`);
    buffer.line("pub static ", names.static(t.name), ": ", rt("Named"), " = ", rt("Named"), "::", kindOf(t), "(", desc(t, names, rt, patterns), ");");
    buffer.line();
  }
  for (const [pattern, name] of patterns.entries()) {
    f.print("/// `", pattern.replace(/`/g, "'"), "`.");
    f.print("static ", name, ": ", rt("Pattern"), " = ", rt("Pattern"), "::new(", regexStr(pattern), ");");
  }
  if (patterns.entries().length > 0) f.print();
  for (const line of body) f.print(...line);

  const messages = ir.messages.map((m) => ["&", names.static(m.name)]);
  printDoc(f, "The message types, envelopes included, in spec order (the catalogue `codec::select_message` reads).");
  f.print("pub static ", names.messagesStatic, ": [&", rt("Named"), "; ", String(messages.length), "] = [", join(messages, ", "), "];");
  f.print();
  const all = [...ir.types.values()].map((t) => ["&", names.static(t.name)]);
  printDoc(f, "Every named type of the spec, in spec order.");
  f.print("pub static ", names.typesStatic, ": [&", rt("Named"), "; ", String(all.length), "] = [", join(all, ", "), "];");
  f.print();
  printDoc(f, "The descriptor of the spec type called `name` (`\"SetEvent\"`).");
  f.block(
    ["pub fn named(name: &str) -> Option<&'static ", rt("Named"), "> {"],
    () => {
      f.print("match name {");
      f.indent(() => {
        for (const t of ir.types.values()) f.print(str(t.name), " => Some(&", names.static(t.name), "),");
        f.print("_ => None,");
      });
      f.print("}");
    },
    "}",
  );
  f.print();
  printDoc(
    f,
    "Calls `visitor` with the Rust type of the spec type called `name`: records and unions have one (`types::SetEvent`); " +
      "aliases and unknown names give `None`.",
  );
  f.block(
    ["pub fn visit_type<V: ", f.import("TypeVisitor", "crate::runtime::codec"), ">(name: &str, visitor: V) -> Option<V::Output> {"],
    () => {
      f.print("match name {");
      f.indent(() => {
        for (const t of ir.types.values()) {
          if (t.kind === "alias") continue;
          f.print(str(t.name), " => Some(visitor.visit::<", f.import("types", "crate"), "::", names.type(t.name), ">()),");
        }
        f.print("_ => None,");
      });
      f.print("}");
    },
    "}",
  );
  f.print();
  printDoc(f, "The spec these descriptors were generated from: its file, sha256 and version.");
  f.print("pub const SPEC_FILE: &str = ", str(ir.source.file), ";");
  printDoc(f, "The sha256 of the spec file, hex.");
  f.print("pub const SPEC_SHA256: &str = ", str(ir.source.sha256), ";");
  printDoc(f, "The spec's version.");
  f.print("pub const SPEC_VERSION: &str = ", str(ir.source.version), ";");
  return f;
}

/** Collects lines (and doc comments) to print later. */
class BufferedPrinter {
  constructor(private readonly lines: Printable[][]) {}
  line(...parts: Printable[]): void {
    this.lines.push(parts);
  }
  doc(text: string): void {
    this.lines.push([`/// ${text}`]);
  }
}

function kindOf(t: TypeDef): string {
  return t.kind === "record" ? "Record" : t.kind === "union" ? "Union" : "Alias";
}

function opt(v: Printable | undefined): Printable {
  return v === undefined ? "None" : ["Some(", v, ")"];
}

function desc(t: TypeDef, names: RsNames, rt: Rt, patterns: Patterns): Printable {
  switch (t.kind) {
    case "record": {
      const fields = t.fields.map((field) => [
        rt("Field"),
        " { name: ",
        str(field.name),
        ", ty: ",
        typeDesc(field.type, names, rt, patterns),
        ", required: ",
        field.required ? "true" : "false",
        " }",
      ]);
      const e = t.event;
      const event =
        e === undefined
          ? undefined
          : [
              rt("EventInfo"),
              " { envelope: ",
              str(e.envelope),
              ", etype: ",
              opt(e.etype === undefined ? undefined : str(e.etype)),
              ", etype_pattern: ",
              opt(e.etypePattern === undefined ? undefined : ["&", patterns.ref(e.etypePattern)]),
              " }",
            ];
      return [
        rt("Record"),
        " { name: ",
        str(t.name),
        ", fields: &[",
        join(fields, ", "),
        "], open: ",
        t.open ? "true" : "false",
        ", ztype: ",
        opt(t.ztype === undefined ? undefined : str(t.ztype)),
        ", event: ",
        opt(event),
        " }",
      ];
    }
    case "union": {
      const variants = t.variants.map((v) => ["(", str(v.tagValue), ", &", names.static(v.type), ")"]);
      return [rt("Union"), " { name: ", str(t.name), ", tag: ", str(t.tag), ", variants: &[", join(variants, ", "), "] }"];
    }
    case "alias":
      return [rt("Alias"), " { name: ", str(t.name), ", ty: ", typeDesc(t.type, names, rt, patterns), " }"];
  }
}

/** An integer bound: a wire type's `MIN`/`MAX` when it is one (`u64::MAX as i128`), else the literal. */
function bound(v: bigint, which: "min" | "max"): string {
  if (v === 0n) return "0";
  for (const wire of INT_WIRES) {
    const r = intWireRange(wire);
    if (r[which] === v) return `${wire.replace(/^uint/, "u").replace(/^int/, "i")}::${which.toUpperCase()} as i128`;
  }
  return v.toString();
}

/** A `Type` expression. */
export function typeDesc(t: TypeRef, names: RsNames, rt: Rt, patterns: Patterns): Printable {
  const Type = rt("Type");
  switch (t.kind) {
    case "int":
      return [Type, "::Int { min: ", bound(t.min, "min"), ", max: ", bound(t.max, "max"), " }"];
    case "float":
      return [Type, "::Float(", rt("FloatWidth"), t.wire === "float32" ? "::F32)" : "::F64)"];
    case "string": {
      const plain = t.const === undefined && t.enum === undefined && t.pattern === undefined && t.minLength === undefined && t.maxLength === undefined;
      if (plain) return [Type, "::Str(&", rt("StrType"), "::ANY)"];
      // Only the constraints the spec sets; the others come from `StrType::ANY`.
      const set: Printable[] = [];
      if (t.const !== undefined) set.push(["constant: Some(", str(t.const), ")"]);
      if (t.enum !== undefined) set.push(["one_of: Some(&[", join(t.enum.map(str), ", "), "])"]);
      if (t.pattern !== undefined) set.push(["pattern: Some(&", patterns.ref(t.pattern), ")"]);
      if (t.minLength !== undefined) set.push(["min_length: Some(", String(t.minLength), ")"]);
      if (t.maxLength !== undefined) set.push(["max_length: Some(", String(t.maxLength), ")"]);
      return [Type, "::Str(&", rt("StrType"), " { ", join(set, ", "), ", ..", rt("StrType"), "::ANY })"];
    }
    case "bool":
      return [Type, "::Bool"];
    case "null":
      return [Type, "::Null"];
    case "bytes":
      return [Type, "::Bytes"];
    case "any":
      return [Type, "::Any"];
    case "zdata":
      return [Type, "::ZData"];
    case "ndarray": {
      const Dtype = rt("Dtype", "crate::runtime::dtype");
      const dtypes = t.dtypes === undefined ? "None" : ["Some(&[", join(t.dtypes.map((d) => [Dtype, "::", dtypeVariant(d)]), ", "), "])"];
      const shape = t.shape === undefined ? "None" : ["Some(&[", join(t.shape.map((d) => (d === null ? "None" : `Some(${d})`)), ", "), "])"];
      return [Type, "::NdArray(&", rt("NdArrayType"), " { dtypes: ", dtypes, ", shape: ", shape, " })"];
    }
    case "array":
      return [
        Type,
        "::Array(&",
        rt("ArrayType"),
        " { items: ",
        typeDesc(t.items, names, rt, patterns),
        ", min_items: ",
        opt(t.minItems === undefined ? undefined : String(t.minItems)),
        ", max_items: ",
        opt(t.maxItems === undefined ? undefined : String(t.maxItems)),
        " })",
      ];
    case "map":
      return [Type, "::Map(&", typeDesc(t.values, names, rt, patterns), ")"];
    case "nullable":
      return [Type, "::Nullable(&", typeDesc(t.inner, names, rt, patterns), ")"];
    case "ref":
      return [Type, "::Named(&", names.static(t.name), ")"];
  }
}
