/**
 * `src/codecs.ts`: a reader and a writer per record of the spec, plain functions printed from the IR (no `eval`,
 * so they run under a strict Content-Security-Policy). The descriptors of schema.ts carry them (`read`, `write`),
 * and the runtime codec uses them instead of walking the descriptor: each record gets objects of one shape, keys
 * matched by their bytes, and call sites that see one function each. The checks, error kinds and paths are those
 * of the descriptor codecs (runtime/decode.ts, runtime/encode.ts); the pieces live in runtime/fields.ts.
 *
 * ZData records (their classes are the runtime's) and records of more than `MAX_FIELDS` fields keep the
 * descriptor codecs; field types without a printed form here (maps, nested arrays) go through the descriptor
 * codecs too, from the field's descriptor.
 */
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile, ImportSymbol, Printable } from "../common/printer.js";
import { provenance } from "../common/text.js";
import type { Ir, RecordDef, TypeRef } from "../../core/src/ir/types.js";
import { join, str, tsFile } from "./file.js";
import { isPropertyName, type TsNames } from "./names.js";
import { typeDesc } from "./emit-schema.js";
import { isWide } from "./type-expr.js";

/** A record's fields are tracked in the bits of one 32-bit integer. */
const MAX_FIELDS = 30;
const MAX_SAFE = 2n ** 53n - 1n;

/** The records that get generated codecs. */
export function codecRecords(ir: Ir): RecordDef[] {
  return [...ir.types.values()].filter(
    (t): t is RecordDef => t.kind === "record" && t.ztype === undefined && t.fields.length <= MAX_FIELDS,
  );
}

/** The names of a record's reader and writer. */
export const readerName = (names: TsNames, record: string): string => `read${names.type(record)}`;
export const writerName = (names: TsNames, record: string): string => `write${names.type(record)}`;

export function emitCodecs(ir: Ir, names: TsNames, source: HeaderSource): GeneratedFile {
  // The descriptors are reached through the module namespace: their names are those of the types.
  const f = tsFile("src/codecs.ts", source, ['import * as schema from "./schema.js";']);
  const records = codecRecords(ir);
  const generated = new Set(records.map((r) => r.name));
  for (const r of records) {
    f.declare(readerName(names, r.name));
    f.declare(writerName(names, r.name));
    f.declare(constName(names, r.name, "fields"));
    f.declare(constName(names, r.name, "keys"));
  }
  const rt = (name: string, module = "fields"): ImportSymbol => f.import(name, `./runtime/${module}.js`);
  const type = (name: string, module: string): ImportSymbol => f.import(name, `./runtime/${module}.js`, { typeOnly: true });
  const schema = (name: string): string => `schema.${names.type(name)}`;
  const strings = new Map<string, string>(); // printed string descriptor -> its const

  /** A string descriptor with constraints, declared once at the top of the file. */
  const stringConst = (t: Extract<TypeRef, { kind: "string" }>): string => {
    const text = flatten(typeDesc(t, names));
    let name = strings.get(text);
    if (name === undefined) strings.set(text, (name = f.declare(`STRING_${strings.size + 1}`)));
    return name;
  };

  /** The expression reading a value of `t` whose header kind is `k`, or undefined (no printed form). */
  const reader = (t: TypeRef, k: string): Printable | undefined => {
    switch (t.kind) {
      case "int":
        return isWide(t.min, t.max)
          ? [rt("readWideInt"), "(r, ", k, ", ", safeBounds(t.min, t.max), ", ", t.min, ", ", t.max, ")"]
          : [rt("readInt"), "(r, ", k, ", ", String(t.min), ", ", String(t.max), ")"];
      case "float":
        return t.wire === "float64" ? [rt("readFloat64"), "(r, ", k, ")"] : [rt("readFloat", "decode"), "(r, 32, ", k, ")"];
      case "string":
        return isPlainString(t) ? [rt("readStr"), "(r, ", k, ")"] : [rt("readString"), "(r, ", k, ", ", stringConst(t), ")"];
      case "bool":
        return [rt("readBool"), "(r, ", k, ")"];
      case "null":
        return [rt("readNull"), "(r, ", k, ")"];
      case "bytes":
        return [rt("readBytes"), "(r, ", k, ")"];
      case "any":
        return [rt("readAny", "value"), "(r, ", k, ")"];
      case "zdata":
        return [rt("readZDataField", "decode"), "(r, ", k, ")"];
      case "nullable": {
        const inner = reader(t.inner, k);
        return inner && [k, ' === "nil" ? null : ', inner];
      }
      case "ref": {
        const def = ir.types.get(t.name)!;
        if (def.kind === "record" && generated.has(def.name)) return [readerName(names, def.name), "(r, ", k, ")"];
        if (def.kind === "alias") {
          const inner = def.type.kind === "array" || def.type.kind === "map" ? undefined : reader(def.type, k);
          if (inner !== undefined) return inner;
        }
        return [rt("readerOf", "decode"), "(", schema(def.name), ")(r, ", k, ")"];
      }
      case "array":
      case "map":
        return undefined;
    }
  };

  /** The statement writing `x` (an expression without side effects) as `t`, or undefined (no printed form). */
  const writer = (t: TypeRef, x: Printable): Printable | undefined => {
    switch (t.kind) {
      case "int":
        return isWide(t.min, t.max)
          ? [rt("writeWideInt"), "(w, ", x, ", ", safeBounds(t.min, t.max), ", ", t.min, ", ", t.max, ")"]
          : [rt("writeInt"), "(w, ", x, ", ", String(t.min), ", ", String(t.max), ")"];
      case "float":
        return t.wire === "float64" ? [rt("writeFloat64"), "(w, ", x, ")"] : [rt("writeFloat", "encode"), "(w, 32, ", x, ")"];
      case "string":
        return isPlainString(t) ? [rt("writeStr"), "(w, ", x, ")"] : [rt("writeString"), "(w, ", x, ", ", stringConst(t), ")"];
      case "bool":
        return [rt("writeBool"), "(w, ", x, ")"];
      case "null":
        return [rt("writeNull"), "(w, ", x, ")"];
      case "bytes":
        return [rt("writeBytes"), "(w, ", x, ")"];
      case "any":
        return [rt("writeAnyValue"), "(w, ", x, ")"];
      case "zdata":
        return [rt("writeZDataField", "encode"), "(w, ", x, ")"];
      case "nullable": {
        const inner = writer(t.inner, x);
        return inner && ["if (", x, " === null) w.nil();\nelse ", inner];
      }
      case "ref": {
        const def = ir.types.get(t.name)!;
        if (def.kind === "record" && generated.has(def.name)) return [writerName(names, def.name), "(w, ", x, ")"];
        if (def.kind === "alias") {
          const inner = def.type.kind === "array" || def.type.kind === "map" ? undefined : writer(def.type, x);
          if (inner !== undefined) return inner;
        }
        return [rt("writerOf", "encode"), "(", schema(def.name), ")(w, ", x, ")"];
      }
      case "array":
      case "map":
        return undefined;
    }
  };

  /** The array a field's type is (through aliases), when its items have a printed form. */
  const arrayOf = (t: TypeRef): Extract<TypeRef, { kind: "array" }> | undefined => {
    let cur = t;
    while (cur.kind === "ref") {
      const def = ir.types.get(cur.name)!;
      if (def.kind !== "alias") return undefined;
      cur = def.type;
    }
    return cur.kind === "array" && reader(cur.items, "k") !== undefined ? cur : undefined;
  };

  for (const record of records) {
    printReader(f, ir, names, record, { rt, type, schema, reader, arrayOf });
    f.print();
    printWriter(f, ir, names, record, { rt, type, schema, writer, arrayOf });
    f.print();
  }
  if (strings.size > 0) {
    f.print("// String constraints, as the descriptors state them.");
    for (const [text, name] of strings) f.print("const ", name, ": ", type("StringDesc", "fields"), " = ", text, ";");
  }
  return f;
}

interface Parts {
  rt(name: string, module?: string): ImportSymbol;
  type(name: string, module: string): ImportSymbol;
  schema(name: string): string;
  arrayOf(t: TypeRef): Extract<TypeRef, { kind: "array" }> | undefined;
}

function printReader(
  f: GeneratedFile,
  ir: Ir,
  names: TsNames,
  record: RecordDef,
  p: Parts & { reader(t: TypeRef, k: string): Printable | undefined },
): void {
  const name = names.type(record.name);
  const fieldsConst = constName(names, record.name, "fields");
  const keysConst = constName(names, record.name, "keys");
  f.print("const ", fieldsConst, " = [", join(record.fields.map((x) => str(x.name)), ", "), "];");
  f.print("const ", keysConst, " = /* @__PURE__ */ ", p.rt("encodeKeys"), "(", fieldsConst, ");");
  f.print();
  f.print(`/** Reads ${article(name)} ${name} (${provenance(ir.source.file, record.pointer)}). */`);
  const Reader = p.type("Reader", "reader");
  const Kind = p.type("Kind", "reader");
  const typeName = f.import(name, "./types.js", { typeOnly: true });
  f.block(["export function ", readerName(names, record.name), "(r: ", Reader, ", kind: ", Kind, "): ", typeName, " {"], () => {
    f.print("const n = ", p.rt("recordSize"), "(r, kind, ", str(record.name), ");");
    f.print("const at = r.depth;");
    const placeholders = record.fields.map((x) => [objectKey(x.name), ": undefined"]);
    f.print("const out: Record<string, unknown> = { ", join(placeholders, ", "), " };");
    f.print("let seen = 0;");
    f.print("let next = 0;");
    if (record.open) f.print("let order: string[] | undefined;");
    f.block(["for (let i = 0; i < n; i++) {"], () => {
      f.print("r.depth = at;");
      f.print("const key = r.fieldKey(", keysConst, ", ", fieldsConst, ", next);");
      f.print("r.segments[at] = key;");
      f.block(["switch (key) {"], () => {
        record.fields.forEach((field, i) => {
          f.block([`case ${str(field.name)}: {`], () => {
            f.print("seen = ", p.rt("fieldValue"), `(r, seen, ${bit(i)}, at);`);
            f.print(`next = ${i + 1};`);
            printFieldRead(f, record, i, p);
            f.print("break;");
          }, "}");
        });
        f.block(["default:"], () => {
          if (record.open) f.print("order = ", p.rt("readExtra"), "(r, out, key, order);");
          else f.print(p.rt("unknownField"), "(r, key, ", str(record.name), ");");
        }, "");
      }, "}");
    }, "}");
    f.print("r.depth = at;");
    printRequiredCheck(f, record, p.rt("missingField"), "r");
    if (record.open) f.print("if (order !== undefined) ", p.rt("keepExtraOrder"), "(out, order);");
    f.print("return out as unknown as ", typeName, ";");
  }, "}");
}

function printFieldRead(
  f: GeneratedFile,
  record: RecordDef,
  i: number,
  p: Parts & { reader(t: TypeRef, k: string): Printable | undefined },
): void {
  const field = record.fields[i]!;
  const target = field.name === "__proto__" ? undefined : ["out", propertyAccess(field.name)];
  const assign = (value: Printable) =>
    target === undefined ? f.print(p.rt("setProperty", "value"), '(out, "__proto__", ', value, ");") : f.print(target, " = ", value, ";");
  const array = p.arrayOf(field.type);
  if (array !== undefined) {
    f.print("const count = ", p.rt("arraySize"), "(r, r.next());");
    f.print("const items = ", p.rt("newItems", "value"), "(r, count);");
    f.print("const depth = r.depth++;");
    f.block(["for (let j = 0; j < count; j++) {"], () => {
      f.print("r.segments[depth] = j;");
      f.print("const k = r.next();");
      f.print("items[j] = ", p.reader(array.items, "k")!, ";");
    }, "}");
    f.print("r.depth = depth;");
    const counted = array.minItems !== undefined || array.maxItems !== undefined;
    assign(counted ? [p.rt("checkCount"), "(r, items, ", array.minItems ?? 0, ", ", array.maxItems ?? "Infinity", ")"] : "items");
    return;
  }
  const direct = p.reader(field.type, "k");
  if (direct !== undefined) {
    f.print("const k = r.next();");
    assign(direct);
  } else assign([p.rt("readerOf", "decode"), "(", p.schema(record.name), ".fields[", i, "]!.type)(r, r.next())"]);
}

function printWriter(
  f: GeneratedFile,
  ir: Ir,
  names: TsNames,
  record: RecordDef,
  p: Parts & { writer(t: TypeRef, x: Printable): Printable | undefined },
): void {
  const name = names.type(record.name);
  const fieldsConst = constName(names, record.name, "fields");
  const keysConst = constName(names, record.name, "keys");
  f.print(`/** Writes ${article(name)} ${name} (${provenance(ir.source.file, record.pointer)}), canonically. */`);
  const Writer = p.type("Writer", "wire");
  f.block(["export function ", writerName(names, record.name), "(w: ", Writer, ", v: unknown): void {"], () => {
    f.print("if (!", p.rt("isPlainObject"), "(v)) return ", p.rt("writeRecordValue", "encode"), "(w, ", p.schema(record.name), ", v);");
    f.print("let seen = 0;");
    f.print("let n = 0;");
    if (record.open) f.print("let extras = false;");
    f.block(["for (const k in v) {"], () => {
      f.print("if (!", p.rt("present"), "(v, k)) continue;");
      f.block(["switch (k) {"], () => {
        record.fields.forEach((field, i) => f.print(`case ${str(field.name)}: seen |= ${bit(i)}; break;`));
        if (record.open) f.print("default: extras = true;");
        else f.print("default: ", p.rt("unknownProperty"), "(w, k, ", str(record.name), ");");
      }, "}");
      f.print("n++;");
    }, "}");
    printRequiredCheck(f, record, p.rt("missingProperty"), "w");
    f.print("w.mapHeader(n);");
    f.print("const at = w.depth;");
    record.fields.forEach((field, i) => {
      f.block([`if (seen & ${bit(i)}) {`], () => {
        f.print(p.rt("writeKey"), "(w, ", keysConst, "[", i, "]!, ", str(field.name), ", at);");
        const x: Printable = ["v", propertyAccess(field.name)];
        const array = p.arrayOf(field.type);
        if (array !== undefined) {
          f.print("const items = ", p.rt("arrayItems"), "(w, ", x, ", ", array.minItems ?? 0, ", ", array.maxItems ?? "Infinity", ");");
          f.print("const depth = w.depth++;");
          f.block(["for (let j = 0; j < items.length; j++) {"], () => {
            f.print("w.segments[depth] = j;");
            printStatement(f, p.writer(array.items, "items[j]")!);
          }, "}");
          f.print("w.depth = depth;");
        } else {
          const direct = p.writer(field.type, x);
          printStatement(f, direct ?? [p.rt("writerOf", "encode"), "(", p.schema(record.name), ".fields[", i, "]!.type)(w, ", x, ")"]);
        }
      }, "}");
    });
    f.print("w.depth = at;");
    if (record.open) f.print("if (extras) ", p.rt("writeExtras"), "(w, v, ", fieldsConst, ");");
  }, "}");
}

/** A statement that may be an `if … else` over two lines (a nullable value). */
function printStatement(f: GeneratedFile, s: Printable): void {
  const text = flattenSymbols(s);
  text.forEach((line, i) => f.print(...line, i === text.length - 1 ? ";" : ""));
}

/** `MissingField` unless every required field's bit is set (the first missing one, in declaration order). */
function printRequiredCheck(f: GeneratedFile, record: RecordDef, fail: ImportSymbol, io: string): void {
  const required = record.fields.flatMap((x, i) => (x.required ? [[x.name, i] as const] : []));
  if (required.length === 0) return;
  const mask = required.reduce((m, [, i]) => m | (1 << i), 0);
  const namesList = join(required.map(([n]) => str(n)), ", ");
  const bits = join(required.map(([, i]) => bit(i)), ", ");
  f.print(`if ((seen & ${mask}) !== ${mask}) `, fail, `(${io}, seen, [`, namesList, "], [", bits, "]);");
}

const bit = (i: number): string => String(2 ** i);

const article = (word: string): string => (/^[AEIOU]/.test(word) ? "an" : "a");

/** The names of a record's module constants (`fieldsOfUpdateEvent`, `keysOfUpdateEvent`). */
function constName(names: TsNames, record: string, what: "fields" | "keys"): string {
  return `${what}Of${names.type(record)}`;
}

/** `.name` or `["odd name"]`. */
function propertyAccess(name: string): string {
  return isPropertyName(name) ? `.${name}` : `[${str(name)}]`;
}

/** A key in an object literal: computed for `__proto__`, which would otherwise set the prototype. */
function objectKey(name: string): string {
  return name === "__proto__" ? `[${str(name)}]` : isPropertyName(name) ? name : str(name);
}

/** `minSafe, maxSafe`: the bounds of a wide range clamped to the safe integers (±Infinity beyond). */
function safeBounds(min: bigint, max: bigint): string {
  return `${min < -MAX_SAFE ? "-Infinity" : String(min)}, ${max > MAX_SAFE ? "Infinity" : String(max)}`;
}

function isPlainString(t: Extract<TypeRef, { kind: "string" }>): boolean {
  return t.const === undefined && t.enum === undefined && t.pattern === undefined && t.minLength === undefined && t.maxLength === undefined;
}

/** A printable without imports, as text (descriptor literals of strings have none). */
function flatten(p: Printable): string {
  if (typeof p === "string") return p;
  if (typeof p === "number" || typeof p === "bigint") return String(p);
  if (Array.isArray(p)) return p.map(flatten).join("");
  throw new Error("a string descriptor refers to another module");
}

/** Splits a printable at the newlines of its string parts, keeping symbols (imports) as they are. */
function flattenSymbols(p: Printable): Printable[][] {
  const lines: Printable[][] = [[]];
  const walk = (x: Printable): void => {
    if (typeof x === "string") {
      x.split("\n").forEach((part, i) => {
        if (i > 0) lines.push([]);
        if (part !== "") lines[lines.length - 1]!.push(part);
      });
    } else if (Array.isArray(x)) x.forEach(walk);
    else lines[lines.length - 1]!.push(x as Printable);
  };
  walk(p);
  return lines;
}
