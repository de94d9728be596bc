/**
 * `src/types.rs`: one declaration per named type of the IR, in spec order: a serde struct per record (snake_case
 * fields renamed to their wire names, wire order kept), an enum per union, a type alias for the rest; for each
 * record and union the explicit `FromValue`/`ToValue`/`Typed` impls the MessagePack path goes through. Then
 * `KnownMessage`, the message types `decode_message` tells apart.
 */
import { protocolOf } from "../../core/src/ir/protocol.js";
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile, Printable } from "../common/printer.js";
import { provenance } from "../common/text.js";
import type { AliasDef, Field, Ir, RecordDef, UnionDef } from "../../core/src/ir/types.js";
import { printRecordCodec, printUnionCodec } from "./emit-codec.js";
import { docOf, printDoc, rsFile, str } from "./file.js";
import { bare, type RsNames } from "./names.js";
import {
  CODEC_MODULE,
  ERROR_MODULE,
  hasNestedBytes,
  needsBox,
  resolveAliases,
  SCHEMA_MODULE,
  typeContext,
  typeExpr,
  VALUE_MODULE,
  type TypeContext,
} from "./type-expr.js";

const SERDE = "crate::runtime::value_serde";

/** The catalogue: the message types that are not themselves envelopes (the IR's protocol facts). */
export function catalogue(ir: Ir): readonly RecordDef[] {
  return protocolOf(ir).catalogue;
}

/**
 * The message types `decode_message` can select (spec §4.6): the catalogue, then `RpcResponse` and the base
 * `Message` when the spec has them.
 */
export function selectable(ir: Ir): RecordDef[] {
  const extra = ["RpcResponse", "Message"].map((n) => ir.messages.find((m) => m.name === n)).filter((m) => m !== undefined);
  return [...catalogue(ir), ...extra];
}

/** The names types.rs declares at top level. */
export function typesLocals(ir: Ir, names: RsNames): Set<string> {
  const local = new Set<string>();
  for (const t of ir.types.values()) local.add(names.type(t.name));
  local.add(names.knownMessage);
  local.add("decode_message");
  local.add("decode_message_with");
  local.add("present");
  return local;
}

export function emitTypes(ir: Ir, names: RsNames, source: HeaderSource): GeneratedFile {
  const f = rsFile(
    "src/types.rs",
    source,
    `The types of the ${ir.source.title} ${ir.source.version}: a struct per record of the spec, an enum per union, ` +
      "type aliases for the other named types, and `KnownMessage`.\n\n" +
      "Each struct derives serde's traits (for JSON and other formats) and implements `FromValue`, `ToValue` and " +
      "`Typed`, which the MessagePack codec uses.",
  );
  const local = typesLocals(ir, names);
  for (const n of local) f.declare(n);
  const ctx = typeContext(f, ir, local, (n) => names.type(n));
  for (const t of ir.types.values()) {
    const from = `Generated from \`${provenance(ir.source.file, t.pointer)}\`.`;
    switch (t.kind) {
      case "record":
        printRecord(f, ir, t, names, ctx, from);
        break;
      case "union":
        printUnion(f, ir, t, names, ctx, from);
        break;
      case "alias":
        printAlias(f, t, names, ctx, from);
        break;
      default:
        return t satisfies never;
    }
    f.print();
  }
  printKnownMessage(f, ir, names, ctx);
  if (usesPresent(ir)) printPresent(f, ctx);
  return f;
}

/** Whether a record has an optional free-form field (whose serde reading needs `present`). */
function usesPresent(ir: Ir): boolean {
  return [...ir.types.values()].some((t) => t.kind === "record" && t.fields.some((x) => !x.required && resolveAliases(ir, x.type).kind === "any"));
}

/** The serde helper that keeps a null optional free-form field apart from an absent one. */
function printPresent(f: GeneratedFile, ctx: TypeContext): void {
  f.print();
  printDoc(
    f,
    "serde helper for optional free-form fields: a present entry is `Some`, null included (`Some(Value::Nil)`), so " +
      "nil and absent stay distinct (spec §3.8); an absent entry is `None` through `#[serde(default)]`.",
  );
  const Deserializer = ctx.use("Deserializer", "serde");
  f.block(
    ["fn present<'de, D: ", Deserializer, "<'de>, T: ", ctx.use("Deserialize", "serde"), "<'de>>(deserializer: D) -> ", ctx.use("Result", ERROR_MODULE), "<Option<T>, D::Error> {"],
    () => f.print("T::deserialize(deserializer).map(Some)"),
    "}",
  );
}

function printAlias(f: GeneratedFile, a: AliasDef, names: RsNames, ctx: TypeContext, from: string): void {
  printDoc(f, docOf(a.description, from));
  f.print("pub type ", names.type(a.name), " = ", typeExpr(a.type, ctx), ";");
}

/** The `#[serde(...)]` arguments of a field. */
function serdeArgs(ir: Ir, owner: RecordDef, field: Field, attr: string): string[] {
  const args: string[] = [];
  if (bare(attr) !== field.name) args.push(`rename = ${str(field.name)}`);
  if (hasNestedBytes(ir, field.type)) {
    throw new Error(`${owner.name}.${field.name}: bytes inside an array, a map or a nested nullable have no serde helper in the Rust runtime yet`);
  }
  const r = resolveAliases(ir, field.type);
  const isBytes = r.kind === "bytes";
  const nullable = r.kind === "nullable";
  const nullableBytes = nullable && resolveAliases(ir, r.inner).kind === "bytes";
  if (field.required) {
    if (isBytes) args.push(`with = "${SERDE}::bin"`);
    else if (nullableBytes) args.push(`with = "${SERDE}::bin_option"`);
    return args;
  }
  args.push("default", 'skip_serializing_if = "Option::is_none"');
  if (r.kind === "any") args.push('deserialize_with = "present"');
  else if (isBytes) args.push(`with = "${SERDE}::bin_option"`);
  else if (nullableBytes) throw new Error(`${owner.name}.${field.name}: optional nullable bytes have no serde helper in the Rust runtime yet`);
  else if (nullable) args.push(`with = "${SERDE}::double_option"`);
  return args;
}

/** The Rust type of a record's field: `Option<…>` when it is optional, `Box` where a cycle needs one. */
function fieldType(ir: Ir, owner: RecordDef, field: Field, ctx: TypeContext): Printable {
  const t = typeExpr(field.type, ctx, needsBox(ir, owner.name, field.type));
  return field.required ? t : ["Option<", t, ">"];
}

function printRecord(f: GeneratedFile, ir: Ir, r: RecordDef, names: RsNames, ctx: TypeContext, from: string): void {
  const name = names.type(r.name);
  const { fields, extra } = names.fields(r);
  const note =
    r.ztype === undefined
      ? undefined
      : `The wire map of the \`${r.ztype}\` ZData variant. In free-form positions the codec reads ZData as the runtime's \`ZData\`; this struct is its canonical map.`;
  printDoc(f, docOf(r.description, note, r.open ? `Open: fields the spec does not declare are kept in \`${extra}\`.` : undefined, from));
  f.print("#[derive(Clone, Debug, PartialEq, ", ctx.use("Serialize", "serde"), ", ", ctx.use("Deserialize", "serde"), ")]");
  if (!r.open) f.print("#[serde(deny_unknown_fields)]");
  f.block(
    ["pub struct ", name, " {"],
    () => {
      r.fields.forEach((field, i) => {
        const attr = fields[i]!;
        const konst = field.type.kind === "string" ? field.type.const : undefined;
        const wire = bare(attr) === field.name ? undefined : `On the wire: \`${field.name}\`.`;
        const always = konst === undefined || field.description !== undefined ? undefined : `Always \`${konst}\`.`;
        const optional = field.required ? undefined : "Optional: `None` when absent.";
        const nullable = resolveAliases(ir, field.type).kind === "nullable";
        const nilNote = !field.required && nullable ? "`Some(None)` is `nil` on the wire." : undefined;
        const anyNote = !field.required && resolveAliases(ir, field.type).kind === "any" ? "`Some(Value::Nil)` is `nil` on the wire." : undefined;
        printDoc(f, docOf(field.description, wire, always, optional, nilNote, anyNote));
        const args = serdeArgs(ir, r, field, attr);
        if (args.length > 0) f.print("#[serde(", args.join(", "), ")]");
        f.print("pub ", attr, ": ", fieldType(ir, r, field, ctx), ",");
      });
      if (r.open) {
        printDoc(f, "Fields the spec does not declare, kept as sent in producer order (this record is open).");
        f.print("#[serde(flatten)]");
        f.print("pub ", extra, ": ", ctx.use("Map", VALUE_MODULE), ",");
      }
    },
    "}",
  );
  const konsts: Printable[][] = [];
  const etype = r.event?.etype;
  if (etype !== undefined) konsts.push(["/// The `etype` of every ", name, "."], ["pub const ETYPE: &'static str = ", str(etype), ";"]);
  if (r.ztype !== undefined) konsts.push(["/// The `ztype` of every ", name, "."], ["pub const ZTYPE: &'static str = ", str(r.ztype), ";"]);
  if (konsts.length > 0) {
    f.print();
    f.block(["impl ", name, " {"], () => konsts.forEach((k) => f.print(...k)), "}");
  }
  f.print();
  const Value = ctx.use("Value", VALUE_MODULE);
  f.block(
    ["impl ", ctx.use("FromValue", CODEC_MODULE), " for ", name, " {"],
    () =>
      f.block(
        ["fn from_value(value: ", Value, ") -> ", ctx.use("Result", ERROR_MODULE), "<Self> {"],
        () => {
          if (r.ztype !== undefined) {
            f.print("// The codec hands ZData over as `Value::ZData`; read its canonical map.");
            f.print("let value = match value {");
            f.indent(() => {
              f.print(Value, "::ZData(z) => ", Value, "::Map(z.to_map()),");
              f.print("other => other,");
            });
            f.print("};");
          }
          const fieldsVar = r.fields.length === 0 ? "f" : "mut f";
          f.print("let ", fieldsVar, " = ", ctx.use("Fields", CODEC_MODULE), "::new(value)?;");
          const inits = r.fields.map((field, i) => [fields[i]!, ": f.", field.required ? "required" : "optional", "(", str(field.name), ")?,"]);
          if (r.open) {
            f.print("Ok(", name, " {");
            f.indent(() => {
              for (const l of inits) f.print(...l);
              f.print(extra, ": f.rest(),");
            });
            f.print("})");
          } else {
            f.print("let out = ", name, " {");
            f.indent(() => inits.forEach((l) => f.print(...l)));
            f.print("};");
            f.print("f.finish()?;");
            f.print("Ok(out)");
          }
        },
        "}",
      ),
    "}",
  );
  f.print();
  f.block(
    ["impl ", ctx.use("ToValue", CODEC_MODULE), " for ", name, " {"],
    () =>
      f.block(
        ["fn to_value(&self) -> ", Value, " {"],
        () => {
          const MapBuilder = ctx.use("MapBuilder", CODEC_MODULE);
          const calls: Printable[] = r.fields.map((field, i) => [".", field.required ? "field" : "optional", "(", str(field.name), ", &self.", fields[i]!, ")"]);
          if (r.open) calls.push([".extra(&self.", extra, ")"]);
          const capacity: Printable = r.open ? [String(r.fields.length), " + self.", extra, ".len()"] : String(r.fields.length);
          if (calls.length === 0) {
            f.print(MapBuilder, "::with_capacity(0).build()");
            return;
          }
          f.print("let mut m = ", MapBuilder, "::with_capacity(", capacity, ");");
          f.print("m", ...calls, ";");
          f.print("m.build()");
        },
        "}",
      ),
    "}",
  );
  f.print();
  printTyped(f, name, names.static(r.name), ctx);
  f.print();
  printRecordCodec(f, r, names, ctx);
}

function printTyped(f: GeneratedFile, name: string, staticName: string, ctx: TypeContext): void {
  f.block(
    ["impl ", ctx.use("Typed", CODEC_MODULE), " for ", name, " {"],
    () => f.print("const TYPE: &'static ", ctx.use("Named", SCHEMA_MODULE), " = &", ctx.use("schema", "crate"), "::", staticName, ";"),
    "}",
  );
}

function printUnion(f: GeneratedFile, ir: Ir, u: UnionDef, names: RsNames, ctx: TypeContext, from: string): void {
  const name = names.type(u.name);
  const Value = ctx.use("Value", VALUE_MODULE);
  const Error = ctx.use("Error", ERROR_MODULE);
  const ErrorKind = ctx.use("ErrorKind", ERROR_MODULE);
  printDoc(
    f,
    docOf(
      u.description,
      `A tagged union: the variant is chosen by the \`${u.tag}\` field. With serde, each variant writes its own \`${u.tag}\`; reading picks the first variant whose fields fit (use \`FromValue\` for exact selection).`,
      from,
    ),
  );
  f.print("#[derive(Clone, Debug, PartialEq, ", ctx.use("Serialize", "serde"), ", ", ctx.use("Deserialize", "serde"), ")]");
  f.print("#[serde(untagged)]");
  f.block(
    ["pub enum ", name, " {"],
    () => {
      for (const v of u.variants) {
        printDoc(f, `\`${u.tag}\` is \`${v.tagValue}\`.`);
        f.print(names.type(v.type), "(", ctx.ref(v.type), "),");
      }
    },
    "}",
  );
  f.print();
  f.block(
    ["impl ", ctx.use("FromValue", CODEC_MODULE), " for ", name, " {"],
    () =>
      f.block(
        ["fn from_value(value: ", Value, ") -> ", ctx.use("Result", ERROR_MODULE), "<Self> {"],
        () => {
          f.print("let tag = match value.get(", str(u.tag), ") {");
          f.indent(() => {
            f.print("Some(", Value, "::Str(s)) => s.clone(),");
            f.print(
              "Some(other) => return Err(",
              Error,
              "::new(",
              ErrorKind,
              "::WrongType, format!(",
              str("expected str, got {}"),
              ", other.kind_name())).in_key(",
              str(u.tag),
              ")),",
            );
            f.print("None => return Err(", Error, "::new(", ErrorKind, "::MissingField, ", str(`missing the tag ${u.tag}`), ").in_key(", str(u.tag), ")),");
          });
          f.print("};");
          f.print("match tag.as_str() {");
          f.indent(() => {
            for (const v of u.variants) {
              f.print(str(v.tagValue), " => Ok(", name, "::", names.type(v.type), "(", ctx.use("FromValue", CODEC_MODULE), "::from_value(value)?)),");
            }
            f.print("other => Err(", Error, "::new(", ErrorKind, "::InvalidValue, format!(", str(`unknown ${u.tag} {:?}`), ", other)).in_key(", str(u.tag), ")),");
          });
          f.print("}");
        },
        "}",
      ),
    "}",
  );
  f.print();
  f.block(
    ["impl ", ctx.use("ToValue", CODEC_MODULE), " for ", name, " {"],
    () =>
      f.block(
        ["fn to_value(&self) -> ", Value, " {"],
        () => {
          f.print("match self {");
          f.indent(() => u.variants.forEach((v) => f.print(name, "::", names.type(v.type), "(v) => v.to_value(),")));
          f.print("}");
        },
        "}",
      ),
    "}",
  );
  f.print();
  printTyped(f, name, names.static(u.name), ctx);
  f.print();
  printUnionCodec(f, ir, u, names, ctx);
  for (const v of u.variants) {
    f.print();
    f.block(
      ["impl From<", ctx.ref(v.type), "> for ", name, " {"],
      () => f.block(["fn from(v: ", ctx.ref(v.type), ") -> Self {"], () => f.print(name, "::", names.type(v.type), "(v)"), "}"),
      "}",
    );
  }
}

function printKnownMessage(f: GeneratedFile, ir: Ir, names: RsNames, ctx: TypeContext): void {
  const known = selectable(ir);
  if (known.length === 0) return;
  const fallback = ir.messages.some((m) => m.name === "Message");
  const name = names.knownMessage;
  const Value = ctx.use("Value", VALUE_MODULE);
  const Result = ctx.use("Result", ERROR_MODULE);
  const FromValue = ctx.use("FromValue", CODEC_MODULE);
  const codec = ctx.use("codec", "crate::runtime");
  const schema = ctx.use("schema", "crate");
  printDoc(
    f,
    fallback
      ? "A message of one of the types the spec's selection rules (§4.6) pick: a catalogued event, `RpcResponse`, or " +
          "the base `Message` for anything else (user-defined events). `decode_message` returns one."
      : "A message of one of the spec's catalogued types, as the selection rules (§4.6) pick it; the spec has no base " +
          "`Message`, so `decode_message` refuses any other `etype` (`InvalidValue` at `etype`).",
  );
  f.print("#[derive(Clone, Debug, PartialEq)]");
  f.block(
    ["pub enum ", name, " {"],
    () => {
      for (const m of known) {
        printDoc(f, m.event!.etype !== undefined ? `\`${m.event!.etype}\`.` : `An \`etype\` matching \`${m.event!.etypePattern}\`.`);
        f.print(names.variant(m.name), "(", names.type(m.name), "),");
      }
    },
    "}",
  );
  f.print();
  f.block(
    ["impl ", name, " {"],
    () => {
      f.print("/// The message's `etype`.");
      f.block(
        ["pub fn etype(&self) -> &str {"],
        () => {
          f.print("match self {");
          f.indent(() => known.forEach((m) => f.print(name, "::", names.variant(m.name), "(m) => &m.etype,")));
          f.print("}");
        },
        "}",
      );
      f.print();
      f.print("/// The message's canonical MessagePack bytes.");
      f.block(
        ["pub fn encode(&self) -> ", Result, "<Vec<u8>> {"],
        () => {
          f.print("match self {");
          f.indent(() => known.forEach((m) => f.print(name, "::", names.variant(m.name), "(m) => ", codec, "::encode(m),")));
          f.print("}");
        },
        "}",
      );
    },
    "}",
  );
  f.print();
  f.block(
    ["impl ", ctx.use("ToValue", CODEC_MODULE), " for ", name, " {"],
    () =>
      f.block(
        ["fn to_value(&self) -> ", Value, " {"],
        () => {
          f.print("match self {");
          f.indent(() => known.forEach((m) => f.print(name, "::", names.variant(m.name), "(m) => m.to_value(),")));
          f.print("}");
        },
        "}",
      ),
    "}",
  );
  for (const m of known) {
    f.print();
    f.block(
      ["impl From<", names.type(m.name), "> for ", name, " {"],
      () => f.block(["fn from(m: ", names.type(m.name), ") -> Self {"], () => f.print(name, "::", names.variant(m.name), "(m)"), "}"),
      "}",
    );
  }
  f.print();
  const Bytes = ctx.use("Bytes", "bytes");
  const DecodeOptions = ctx.use("DecodeOptions", "crate::runtime::options");
  printDoc(f, "Decodes one frame as a message, choosing its type by the spec's rules (§4.6), with the default options.");
  f.block(
    ["pub fn decode_message(frame: impl Into<", Bytes, ">) -> ", Result, "<", name, "> {"],
    () => f.print("decode_message_with(frame, &", DecodeOptions, "::default())"),
    "}",
  );
  f.print();
  printDoc(f, "Decodes one frame as a message, choosing its type by the spec's rules (§4.6).");
  f.block(
    ["pub fn decode_message_with(frame: impl Into<", Bytes, ">, options: &", DecodeOptions, ") -> ", Result, "<", name, "> {"],
    () => {
      f.print("let frame: ", Bytes, " = frame.into();");
      f.print("let value = ", ctx.use("wire", "crate::runtime"), "::read(&frame)?;");
      const fallbackArg = fallback ? ["Some(&", schema, "::", names.static("Message"), ")"] : ["None"];
      f.print("let named = ", codec, "::select_message(&value, &", schema, "::MESSAGES, ", ...fallbackArg, ")?;");
      f.print("let value = ", codec, "::check(", ctx.use("Type", SCHEMA_MODULE), "::Named(named), value, options)?;");
      f.print("Ok(match named.name() {");
      f.indent(() => {
        for (const m of known) {
          if (m.name === "Message") continue;
          f.print(str(m.name), " => ", name, "::", names.variant(m.name), "(", FromValue, "::from_value(value)?),");
        }
        if (fallback) f.print("_ => ", name, "::", names.variant("Message"), "(", FromValue, "::from_value(value)?),");
        else f.print('other => unreachable!("select_message returns a type of the catalogue, not {other}"),');
      });
      f.print("})");
    },
    "}",
  );
}
