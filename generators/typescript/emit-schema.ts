/**
 * `src/schema.ts`: the spec's types as runtime data, one descriptor per named type (runtime/schema.ts is the
 * contract), then the message types in spec order and the spec's identity. `src/validate.ts`: `validate` over the
 * message descriptors (runtime/check.ts does the checking).
 */
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile, Printable } from "../common/printer.js";
import { provenance } from "../common/text.js";
import type { Field, Ir, TypeDef, TypeRef } from "../../core/src/ir/types.js";
import { join, printDoc, str, tsFile } from "./file.js";
import { propertyKey, type TsNames } from "./names.js";
import { isWide } from "./type-expr.js";

const SCHEMA_MODULE = "./runtime/schema.js";

export function emitSchema(ir: Ir, names: TsNames, source: HeaderSource): GeneratedFile {
  const f = tsFile("src/schema.ts", source);
  const descType = (kind: "RecordDesc" | "UnionDesc" | "AliasDesc") => f.import(kind, SCHEMA_MODULE, { typeOnly: true });
  for (const t of ir.types.values()) f.declare(names.type(t.name));
  f.declare(names.messagesConst);
  f.declare(names.specConst);
  for (const t of ir.types.values()) {
    f.print(`/** The descriptor of ${names.type(t.name)} (${provenance(ir.source.file, t.pointer)}). */`);
    const kind = t.kind === "record" ? "RecordDesc" : t.kind === "union" ? "UnionDesc" : "AliasDesc";
    f.block(["export const ", names.type(t.name), ": ", descType(kind), " = {"], () => printDesc(f, t, names), "};");
    f.print();
  }
  f.print(`/** The message types, envelopes included, in spec order: what \`decodeMessage\` selects from (its value is a ${names.decodedMessage}). */`);
  const messages = ir.messages.map((m) => names.type(m.name));
  const list = f.import("MessageDescs", SCHEMA_MODULE, { typeOnly: true });
  const decoded = f.import(names.decodedMessage, "./types.js", { typeOnly: true });
  f.print("export const ", names.messagesConst, ": ", list, "<", decoded, "> = [", join(messages, ", "), "];");
  f.print();
  f.print("/** The spec these bindings were generated from. */");
  f.block(["export const ", names.specConst, " = {"], () => {
    f.print("file: ", str(ir.source.file), ",");
    f.print("sha256: ", str(ir.source.sha256), ",");
    f.print("version: ", str(ir.source.version), ",");
  }, "} as const;");
  return f;
}

/** `validate(typeName, value)`: the message descriptors by type name, checked by the runtime's `check`. */
export function emitValidate(ir: Ir, names: TsNames, source: HeaderSource): GeneratedFile {
  // The descriptors are reached through the module namespace: no import of theirs can clash with another name.
  const f = tsFile("src/validate.ts", source, [
    'import { createValidate, type ValidationError } from "./runtime/check.js";',
    'import * as schema from "./schema.js";',
    `import type { ${names.messageTypeName} } from "./types.js";`,
  ]);
  f.declare("validate");
  printDoc(
    f,
    "Validates a message of the named type (in memory: Uint8Array bytes, bigints, Maps, ZData instances are fine) " +
      "and returns every problem as a VmpError with its kind and path, in a stable order (runtime/check.ts); an " +
      "empty list means valid. An unknown type name is a TypeError.",
  );
  f.block(
    [`export const validate: (typeName: ${names.messageTypeName}, value: unknown) => ValidationError[] = createValidate({`],
    () => ir.messages.forEach((m) => f.print(propertyKey(names.type(m.name)), ": schema.", names.type(m.name), ",")),
    "});",
  );
  return f;
}

function printDesc(f: GeneratedFile, t: TypeDef, names: TsNames): void {
  const ref = (type: TypeRef) => typeDesc(type, names);
  f.print("kind: ", str(t.kind), ",");
  f.print("name: ", str(t.name), ",");
  switch (t.kind) {
    case "record":
      f.block(["fields: ["], () => t.fields.forEach((field) => f.print(fieldDesc(field, ref), ",")), "],");
      f.print("open: ", String(t.open), ",");
      if (t.ztype !== undefined) f.print("ztype: ", str(t.ztype), ",");
      if (t.event !== undefined) {
        const e = t.event;
        const etype = e.etype !== undefined ? [", etype: ", str(e.etype)] : e.etypePattern !== undefined ? [", etypePattern: ", regexLiteral(e.etypePattern)] : [];
        f.print("event: { envelope: ", str(e.envelope), etype, " },");
      }
      return;
    case "union":
      f.print("tag: ", str(t.tag), ",");
      f.block(["variants: {"], () => {
        for (const v of t.variants) f.print(propertyKey(v.tagValue), ": () => ", names.type(v.type), ",");
      }, "},");
      return;
    case "alias":
      f.print("type: ", ref(t.type), ",");
      return;
  }
}

function fieldDesc(field: Field, ref: (t: TypeRef) => Printable): Printable {
  return ["{ name: ", str(field.name), ", type: ", ref(field.type), ", required: ", String(field.required), " }"];
}

/** A TypeDesc literal. References to named types go through thunks, so declaration order does not matter. */
export function typeDesc(t: TypeRef, names: TsNames): Printable {
  const obj = (...entries: [string, Printable][]): Printable => [
    "{ ",
    join(entries.map(([k, v]) => [k, ": ", v]), ", "),
    " }",
  ];
  const kind = (k: string): [string, Printable] => ["kind", str(k)];
  switch (t.kind) {
    case "int":
      return obj(kind("int"), ["min", t.min], ["max", t.max], ["wide", String(isWide(t.min, t.max))]);
    case "float":
      return obj(kind("float"), ["width", t.wire === "float32" ? "32" : "64"]);
    case "string": {
      const entries: [string, Printable][] = [kind("string")];
      if (t.const !== undefined) entries.push(["const", str(t.const)]);
      if (t.enum !== undefined) entries.push(["enum", ["[", join(t.enum.map(str), ", "), "]"]]);
      if (t.pattern !== undefined) entries.push(["pattern", regexLiteral(t.pattern)]);
      if (t.minLength !== undefined) entries.push(["minLength", t.minLength]);
      if (t.maxLength !== undefined) entries.push(["maxLength", t.maxLength]);
      return obj(...entries);
    }
    case "bool":
    case "null":
    case "bytes":
    case "any":
    case "zdata":
      return obj(kind(t.kind));
    case "ndarray": {
      const entries: [string, Printable][] = [kind("ndarray")];
      if (t.dtypes !== undefined) entries.push(["dtypes", ["[", join(t.dtypes.map(str), ", "), "]"]]);
      if (t.shape !== undefined) entries.push(["shape", ["[", join(t.shape.map((d) => (d === null ? "null" : String(d))), ", "), "]"]]);
      return obj(...entries);
    }
    case "array": {
      const entries: [string, Printable][] = [kind("array"), ["items", typeDesc(t.items, names)]];
      if (t.minItems !== undefined) entries.push(["minItems", t.minItems]);
      if (t.maxItems !== undefined) entries.push(["maxItems", t.maxItems]);
      return obj(...entries);
    }
    case "map":
      return obj(kind("map"), ["values", typeDesc(t.values, names)]);
    case "nullable":
      return obj(kind("nullable"), ["inner", typeDesc(t.inner, names)]);
    case "ref":
      return obj(kind("ref"), ["name", str(t.name)], ["get", `() => ${names.type(t.name)}`]);
  }
}

/** A RegExp literal with the `u` flag for a pattern (lint has checked it compiles with that flag). */
export function regexLiteral(pattern: string): string {
  let body = "";
  let escaped = false;
  for (const ch of pattern) {
    if (escaped) {
      body += ch;
      escaped = false;
      continue;
    }
    if (ch === "\\") escaped = true;
    if (ch === "/") body += "\\/";
    else if (ch === "\n") body += "\\n";
    else if (ch === "\r") body += "\\r";
    else if (ch === "\u2028") body += "\\u2028";
    else if (ch === "\u2029") body += "\\u2029";
    else body += ch;
  }
  return `/${body === "" ? "(?:)" : body}/u`;
}
