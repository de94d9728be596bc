/**
 * `src/types.ts`: one declaration per named type of the IR, in spec order, written as a person would write them:
 * interfaces for records (wire names as property names), literal `etype`s, string unions for enums, aliases for
 * the rest; then the message union and the map of message types.
 */
import { protocolOf } from "../../core/src/ir/protocol.js";
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile } from "../common/printer.js";
import { provenance } from "../common/text.js";
import type { AliasDef, Ir, RecordDef, UnionDef } from "../../core/src/ir/types.js";
import { join, printDoc, tsFile } from "./file.js";
import { propertyKey, type TsNames } from "./names.js";
import { typeExpr, type TypeContext } from "./type-expr.js";

export function emitTypes(ir: Ir, names: TsNames, source: HeaderSource): GeneratedFile {
  const f = tsFile("src/types.ts", source);
  const ctx = typeContext(f, ir, names);
  for (const t of ir.types.values()) f.declare(names.type(t.name));
  for (const t of ir.types.values()) {
    const see = `@see ${provenance(ir.source.file, t.pointer)}`;
    switch (t.kind) {
      case "record":
        printRecord(f, t, ctx, see);
        break;
      case "union":
        printUnion(f, t, names, see);
        break;
      case "alias":
        printAlias(f, t, ctx, see);
        break;
      default:
        return t satisfies never;
    }
    f.print();
  }
  printMessageUnion(f, ir, names);
  return f;
}

/** The context type expressions need, bound to file `f`. */
export function typeContext(f: GeneratedFile, ir: Ir, names: TsNames): TypeContext {
  return {
    ir,
    names,
    importType: (name, from) => f.import(name, from, { typeOnly: true }),
    ref: (defName) => names.type(defName),
    global: (name) => (names.isSpecName(name) ? `globalThis.${name}` : name),
  };
}

function printRecord(f: GeneratedFile, r: RecordDef, ctx: TypeContext, see: string): void {
  const note = r.ztype === undefined ? undefined : `The wire map of the \`${r.ztype}\` ZData variant; in memory, ZData values are the runtime's classes.`;
  printDoc(f, [r.description, note].filter((x) => x !== undefined).join("\n\n") || undefined, [see]);
  f.block(["export interface ", ctx.names.type(r.name), " {"], () => {
    for (const field of r.fields) {
      printDoc(f, field.description);
      f.print(propertyKey(field.name), field.required ? "" : "?", ": ", typeExpr(field.type, ctx), ";");
    }
    if (r.open) {
      printDoc(f, "Fields the spec does not declare, kept as sent (this record is open).");
      f.print("[extra: string]: unknown;");
    }
  }, "}");
}

function printUnion(f: GeneratedFile, u: UnionDef, names: TsNames, see: string): void {
  printDoc(f, u.description, [`Tagged by \`${u.tag}\`.`, see]);
  f.print("export type ", names.type(u.name), " = ", join(u.variants.map((v) => names.type(v.type)), " | "), ";");
}

function printAlias(f: GeneratedFile, a: AliasDef, ctx: TypeContext, see: string): void {
  printDoc(f, a.description, [see]);
  f.print("export type ", ctx.names.type(a.name), " = ", typeExpr(a.type, ctx), ";");
}

/** The catalogue: the message types that are not themselves envelopes (the IR's protocol facts). */
export function catalogue(ir: Ir): readonly RecordDef[] {
  return protocolOf(ir).catalogue;
}

/**
 * The message types `decodeMessage` falls back to for an etype the catalogue does not name (SPEC §4.6):
 * RpcResponse for `…_RESPONSE@…` etypes and frames with `ok`, else the base envelope; those the spec defines.
 */
export function fallbackMessages(ir: Ir): string[] {
  return ["RpcResponse", "Message"].filter((n) => ir.messages.some((m) => m.name === n));
}

function printMessageUnion(f: GeneratedFile, ir: Ir, names: TsNames): void {
  const base = ir.messages.find((m) => m.event!.envelope === m.name && m.name === "Message");
  const known = catalogue(ir);
  printDoc(
    f,
    "A message of one of the event types the spec names, discriminated by `etype`: `switch (msg.etype)` narrows " +
      "it to the message type." +
      (base ? ` Frames of any other event type are ${names.type(base.name)}s (the base envelope).` : ""),
  );
  f.declare(names.knownMessage);
  if (known.length === 0) f.print("export type ", names.knownMessage, " = never;");
  else {
    f.print("export type ", names.knownMessage, " =");
    f.indent(() => known.forEach((m, i) => f.print("| ", names.type(m.name), i === known.length - 1 ? ";" : "")));
  }
  f.print();
  const fallbacks = fallbackMessages(ir);
  printDoc(
    f,
    `What \`decodeMessage(bytes, ${names.messagesConst})\` decodes a frame to: a message of the catalogue, or, for an ` +
      `etype the catalogue does not name, ${fallbacks.length ? fallbacks.map((n) => names.type(n)).join(" or ") : "nothing else"} ` +
      "(SPEC §4.6). Narrow it by `etype`, or by the descriptor `decodeMessage` returns beside it (`type.name`).",
  );
  f.declare(names.decodedMessage);
  f.print("export type ", names.decodedMessage, " = ", join([names.knownMessage, ...fallbacks.map((n) => names.type(n))], " | "), ";");
  f.print();
  printDoc(f, "Every message type (envelopes included) by name: the names `validate` and the codec accept.");
  f.declare(names.messageTypes);
  f.block(["export interface ", names.messageTypes, " {"], () => {
    for (const m of ir.messages) f.print(names.type(m.name), ": ", names.type(m.name), ";");
  }, "}");
  f.print();
  printDoc(f, "The name of a message type.");
  f.declare(names.messageTypeName);
  f.print("export type ", names.messageTypeName, " = keyof ", names.messageTypes, ";");
}
