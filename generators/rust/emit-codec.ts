/**
 * The direct codec of each record and union in `src/types.rs`: `Encode` writes the value's canonical bytes from
 * `&self` and `Decode` reads it straight from the frame, both validating against the type's descriptor in
 * `schema.rs` (the runtime's `codec/encode.rs` and `codec/decode.rs`). Neither builds errors: on a defect the
 * runtime runs the checked path (`FromValue`/`ToValue` and `check`), which reports it.
 */
import type { GeneratedFile, Printable } from "../common/printer.js";
import type { Ir, RecordDef, UnionDef } from "../../core/src/ir/types.js";
import { join, str } from "./file.js";
import { bare, type RsNames } from "./names.js";
import { CODEC_MODULE, SCHEMA_MODULE, type TypeContext } from "./type-expr.js";

/** Locals of the generated functions that a field's slot must not shadow. */
const RESERVED = new Set(["r", "w", "f", "record", "other"]);

/** The local holding a field's value while a record is read. */
function slotName(attr: string): string {
  return RESERVED.has(bare(attr)) ? `${attr}_` : attr;
}

interface Codec {
  readonly Type: Printable;
  readonly Fast: Printable;
  readonly Defect: Printable;
  readonly schema: Printable;
}

function codecNames(ctx: TypeContext): Codec {
  return {
    Type: ctx.use("Type", SCHEMA_MODULE),
    Fast: ctx.use("Fast", CODEC_MODULE),
    Defect: ctx.use("Defect", CODEC_MODULE),
    schema: ctx.use("schema", "crate"),
  };
}

/** The `etype` field of a message type, checked against its const or pattern on both paths (spec §4.6). */
function etypeField(r: RecordDef): number {
  if (r.event === undefined) return -1;
  const i = r.fields.findIndex((x) => x.name === "etype");
  if (i < 0) throw new Error(`${r.name}: a message type without an etype field`);
  return i;
}

export function printRecordCodec(f: GeneratedFile, r: RecordDef, names: RsNames, ctx: TypeContext): void {
  const c = codecNames(ctx);
  const name = names.type(r.name);
  const descriptor: Printable = [c.schema, "::", names.static(r.name)];
  const Encode = ctx.use("Encode", CODEC_MODULE);
  const Decode = ctx.use("Decode", CODEC_MODULE);
  const Writer = ctx.use("Writer", CODEC_MODULE);
  const Cursor = ctx.use("Cursor", CODEC_MODULE);
  if (r.ztype !== undefined) {
    // A ZData variant: its map is ZData on the wire, which the checker reads and writes.
    f.block(
      ["impl ", Encode, " for ", name, " {"],
      () => {
        f.block(
          ["fn encode(&self, ty: ", c.Type, ", w: &mut ", Writer, "<'_>) -> ", c.Fast, "<()> {"],
          () => {
            f.print("w.checked(ty, ", ctx.use("ToValue", CODEC_MODULE), "::to_value(self))");
          },
          "}",
        );
      },
      "}",
    );
    f.print();
    f.block(
      ["impl ", Decode, " for ", name, " {"],
      () => {
        f.block(["fn decode(r: &mut ", Cursor, "<'_>, ty: ", c.Type, ") -> ", c.Fast, "<Self> {"], () => f.print("r.checked(ty)"), "}");
      },
      "}",
    );
    return;
  }
  const { fields, extra } = names.fields(r);
  const record_of = ctx.use("record_of", CODEC_MODULE);
  const etype = etypeField(r);
  const etypeFits = etype < 0 ? "" : ctx.use("etype_fits", CODEC_MODULE);
  const Map = r.open ? ctx.use("Map", "crate::runtime::value") : "";

  f.block(
    ["impl ", Encode, " for ", name, " {"],
    () => {
      f.block(
        ["fn encode(&self, _ty: ", c.Type, ", w: &mut ", Writer, "<'_>) -> ", c.Fast, "<()> {"],
        () => {
          f.print("let record = ", record_of, "(&", descriptor, ");");
          if (r.fields.length > 0 || r.open) f.print("let f = record.fields;");
          // The entry count: the required fields, the optional ones present, an open record's extra entries.
          const required = r.fields.filter((x) => x.required).length;
          const terms: Printable[] = required > 0 ? [String(required)] : [];
          r.fields.forEach((x, i) => {
            if (!x.required) terms.push(["usize::from(self.", fields[i]!, ".is_some())"]);
          });
          if (r.open) terms.push(["self.", extra, ".len()"]);
          f.print("w.record(", ...join(terms.length > 0 ? terms : ["0"], " + "), ")?;");
          r.fields.forEach((x, i) => {
            const attr = fields[i]!;
            if (x.required) {
              f.print("w.field(", str(x.name), ", &self.", attr, ", f[", String(i), "].ty)?;");
              if (i === etype) f.print(etypeFits, "(&record.event, &self.", attr, ")?;");
              return;
            }
            f.block(
              ["if let Some(v) = &self.", attr, " {"],
              () => {
                f.print("w.field(", str(x.name), ", v, f[", String(i), "].ty)?;");
                if (i === etype) f.print(etypeFits, "(&record.event, v)?;");
              },
              "}",
            );
          });
          if (r.open) f.print("w.extra(&self.", extra, ", f)?;");
          f.print("w.end();");
          f.print("Ok(())");
        },
        "}",
      );
    },
    "}",
  );
  f.print();

  const slots = fields.map(slotName);
  f.block(
    ["impl ", Decode, " for ", name, " {"],
    () => {
      f.block(
        ["fn decode(r: &mut ", Cursor, "<'_>, _ty: ", c.Type, ") -> ", c.Fast, "<Self> {"],
        () => {
          if (etype >= 0) f.print("let record = ", record_of, "(&", descriptor, ");");
          if (r.fields.length > 0) {
            f.print(etype >= 0 ? "let f = record.fields;" : ["let f = ", record_of, "(&", descriptor, ").fields;"]);
            for (const s of slots) f.print("let mut ", s, " = None;");
          }
          if (r.open) f.print("let mut ", extra, " = ", Map, "::new();");
          if (r.fields.length === 0 && !r.open) {
            f.block(["if r.map()? != 0 {"], () => f.print("return Err(", c.Defect, ");"), "}");
          } else {
            f.block(
              ["for _ in 0..r.map()? {"],
              () => {
                if (r.fields.length === 0) {
                  f.print("let other = r.str()?;");
                  f.print("r.extra(&mut ", extra, ", other)?;");
                  return;
                }
                f.block(
                  ["match r.str()? {"],
                  () => {
                    r.fields.forEach((x, i) => f.print(str(x.name), " => r.field(&mut ", slots[i]!, ", f[", String(i), "].ty)?,"));
                    if (r.open) f.print("other => r.extra(&mut ", extra, ", other)?,");
                    else f.print("_ => return Err(", c.Defect, "),");
                  },
                  "}",
                );
              },
              "}",
            );
          }
          f.print("r.end();");
          if (etype >= 0) {
            const s = slots[etype]!;
            if (r.fields[etype]!.required) f.print(etypeFits, "(&record.event, ", s, ".as_deref().ok_or(", c.Defect, ")?)?;");
            else f.block(["if let Some(etype) = &", s, " {"], () => f.print(etypeFits, "(&record.event, etype)?;"), "}");
          }
          const inits = r.fields.map((x, i) => {
            const value: Printable = x.required ? [slots[i]!, ".ok_or(", c.Defect, ")?"] : slots[i]!;
            return value === fields[i] ? [fields[i]!] : [fields[i]!, ": ", value];
          });
          if (r.open) inits.push([extra]);
          if (inits.length === 0) f.print("Ok(", name, " {})");
          else {
            f.print("Ok(", name, " {");
            f.indent(() => inits.forEach((i) => f.print(...i, ",")));
            f.print("})");
          }
        },
        "}",
      );
    },
    "}",
  );
}

export function printUnionCodec(f: GeneratedFile, ir: Ir, u: UnionDef, names: RsNames, ctx: TypeContext): void {
  const c = codecNames(ctx);
  const name = names.type(u.name);
  const variants = u.variants.map((v) => {
    const def = ir.types.get(v.type);
    if (def?.kind !== "record") throw new Error(`${u.name}: variant ${v.type} is not a record`);
    const i = def.fields.findIndex((x) => x.name === u.tag);
    if (i < 0) throw new Error(`${u.name}: variant ${v.type} has no ${u.tag} field`);
    const tagAttr = names.fields(def).fields[i]!;
    const tag: Printable = def.fields[i]!.required ? ["v.", tagAttr, " == ", str(v.tagValue)] : ["v.", tagAttr, ".as_deref() == Some(", str(v.tagValue), ")"];
    return {
      rs: names.type(v.type),
      descriptor: [c.schema, "::", names.static(v.type)] as Printable,
      tagValue: v.tagValue,
      tag,
    };
  });
  const Encode = ctx.use("Encode", CODEC_MODULE);
  const Decode = ctx.use("Decode", CODEC_MODULE);
  f.block(
    ["impl ", Encode, " for ", name, " {"],
    () => {
      f.block(
        ["fn encode(&self, _ty: ", c.Type, ", w: &mut ", ctx.use("Writer", CODEC_MODULE), "<'_>) -> ", c.Fast, "<()> {"],
        () => {
          f.print("// The variant's tag must name the variant; the checked path reports a mismatch.");
          f.block(
            ["match self {"],
            () => {
              for (const v of variants) f.print(name, "::", v.rs, "(v) if ", v.tag, " => v.encode(", c.Type, "::Named(&", v.descriptor, "), w),");
              f.print("_ => Err(", c.Defect, "),");
            },
            "}",
          );
        },
        "}",
      );
    },
    "}",
  );
  f.print();
  f.block(
    ["impl ", Decode, " for ", name, " {"],
    () => {
      f.block(
        ["fn decode(r: &mut ", ctx.use("Cursor", CODEC_MODULE), "<'_>, _ty: ", c.Type, ") -> ", c.Fast, "<Self> {"],
        () => {
          f.block(
            ["Ok(match r.tag(", str(u.tag), ")? {"],
            () => {
              for (const v of variants)
                f.print(str(v.tagValue), " => ", name, "::", v.rs, "(", Decode, "::decode(r, ", c.Type, "::Named(&", v.descriptor, "))?),");
              f.print("_ => return Err(", c.Defect, "),");
            },
            "})",
          );
        },
        "}",
      );
    },
    "}",
  );
}
