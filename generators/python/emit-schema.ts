/**
 * `vmp_protocol/schema.py`: the spec's types as runtime data, one descriptor per named type (instances of the
 * classes of `_runtime/schema.py`, the contract with the codec), then the message types in spec order and the
 * spec's identity. References go through thunks, so declaration order does not matter.
 */
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile, Printable } from "../common/printer.js";
import { provenance } from "../common/text.js";
import type { Ir, TypeDef, TypeRef } from "../../core/src/ir/types.js";
import { join, pyFile, regexStr, str } from "./file.js";
import type { PyNames } from "./names.js";

const SCHEMA_MODULE = "._runtime.schema";

export function emitSchema(ir: Ir, names: PyNames, source: HeaderSource): GeneratedFile {
  const f = pyFile("vmp_protocol/schema.py", source, `The descriptors of the ${ir.source.title} ${ir.source.version}: one per named type of the spec, for the codec.`);
  const rt: Rt = (name, from = SCHEMA_MODULE) => f.import(name, from);
  for (const t of ir.types.values()) f.declare(names.type(t.name));
  f.declare(names.messagesConst);
  f.declare(names.specConst);
  for (const t of ir.types.values()) {
    f.print(`# ${provenance(ir.source.file, t.pointer)}`);
    const kind = t.kind === "record" ? "RecordDesc" : t.kind === "union" ? "UnionDesc" : "AliasDesc";
    f.print(names.type(t.name), " = ", rt(kind), "(");
    f.indent(() => printDesc(f, t, names, rt));
    f.print(")");
    f.print();
  }
  f.print(names.messagesConst, ": tuple[", rt("RecordDesc"), ", ...] = (", join(ir.messages.map((m) => names.type(m.name)), ", "), ",)");
  f.print('"""The message types, envelopes included, in spec order."""');
  f.print();
  printBindings(f, ir, names, rt);
  f.print(names.specConst, " = {");
  f.indent(() => {
    f.print('"file": ', str(ir.source.file), ",");
    f.print('"sha256": ', str(ir.source.sha256), ",");
    f.print('"version": ', str(ir.source.version), ",");
  });
  f.print("}");
  f.print('"""The spec these bindings were generated from."""');
  return f;
}

/** Gives every generated dataclass its descriptor, for the `Record` methods (`to_msgpack`, `from_dict`, ...). */
function printBindings(f: GeneratedFile, ir: Ir, names: PyNames, rt: Rt): void {
  const records = [...ir.types.values()].filter((t) => t.kind === "record");
  f.print(rt("bind_records", "._runtime.record"), "(", join(records.map((r) => names.type(r.name)), ", "), ")");
  f.print();
}

/** An import: a name of the runtime's schema module by default, `rt("re", "")` for `import re`. */
type Rt = (name: string, from?: string) => Printable;

function printDesc(f: GeneratedFile, t: TypeDef, names: PyNames, rt: Rt): void {
  f.print("name=", str(t.name), ",");
  switch (t.kind) {
    case "record": {
      const attrs = names.attrs(t);
      f.print("fields=(");
      f.indent(() =>
        t.fields.forEach((field, i) => {
          f.print(rt("FieldDesc"), "(name=", str(field.name), ", attr=", str(attrs.fields[i]!), ", type=", typeDesc(field.type, names, rt), ", required=", field.required ? "True" : "False", "),");
        }),
      );
      f.print("),");
      f.print("open=", t.open ? "True" : "False", ",");
      if (t.ztype !== undefined) f.print("ztype=", str(t.ztype), ",");
      if (t.event !== undefined) {
        const e = t.event;
        const etype = e.etype !== undefined ? [", etype=", str(e.etype)] : e.etypePattern !== undefined ? [", etype_pattern=", rt("re", ""), ".compile(", regexStr(e.etypePattern), ")"] : [];
        f.print("event=", rt("EventInfo"), "(envelope=", str(e.envelope), etype, "),");
      }
      f.print("cls=lambda: ", rt("types", "."), ".", names.type(t.name), ",");
      return;
    }
    case "union":
      f.print("tag=", str(t.tag), ",");
      f.print("variants={", join(t.variants.map((v) => [str(v.tagValue), ": lambda: ", names.type(v.type)]), ", "), "},");
      return;
    case "alias":
      f.print("type=", typeDesc(t.type, names, rt), ",");
      return;
  }
}

/** A TypeDesc constructor call. */
export function typeDesc(t: TypeRef, names: PyNames, rt: Rt): Printable {
  const call = (cls: string, ...args: Printable[]): Printable => [rt(cls), "(", join(args, ", "), ")"];
  switch (t.kind) {
    case "int":
      return call("IntType", ["min=", String(t.min)], ["max=", String(t.max)]);
    case "float":
      return call("FloatType", ["width=", t.wire === "float32" ? "32" : "64"]);
    case "string": {
      const args: Printable[] = [];
      if (t.const !== undefined) args.push(["const=", str(t.const)]);
      if (t.enum !== undefined) args.push(["enum=(", join(t.enum.map(str), ", "), t.enum.length === 1 ? ",)" : ")"]);
      if (t.pattern !== undefined) args.push(["pattern=", rt("re", ""), ".compile(", regexStr(t.pattern), ")"]);
      if (t.minLength !== undefined) args.push(["min_length=", t.minLength]);
      if (t.maxLength !== undefined) args.push(["max_length=", t.maxLength]);
      return call("StringType", ...args);
    }
    case "bool":
      return call("BoolType");
    case "null":
      return call("NullType");
    case "bytes":
      return call("BytesType");
    case "any":
      return call("AnyType");
    case "zdata":
      return call("ZDataType");
    case "ndarray": {
      const args: Printable[] = [];
      if (t.dtypes !== undefined) args.push(["dtypes=(", join(t.dtypes.map(str), ", "), t.dtypes.length === 1 ? ",)" : ")"]);
      if (t.shape !== undefined) args.push(["shape=(", join(t.shape.map((d) => (d === null ? "None" : String(d))), ", "), t.shape.length === 1 ? ",)" : ")"]);
      return call("NdArrayType", ...args);
    }
    case "array": {
      const args: Printable[] = [typeDesc(t.items, names, rt)];
      if (t.minItems !== undefined) args.push(["min_items=", t.minItems]);
      if (t.maxItems !== undefined) args.push(["max_items=", t.maxItems]);
      return call("ArrayType", ...args);
    }
    case "map":
      return call("MapType", typeDesc(t.values, names, rt));
    case "nullable":
      return call("NullableType", typeDesc(t.inner, names, rt));
    case "ref":
      return call("RefType", str(t.name), ["lambda: ", names.type(t.name)]);
  }
}
