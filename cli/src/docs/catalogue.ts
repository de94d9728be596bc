/**
 * The message catalogue as the docs show it, derived from the IR (core/src/ir/) and the conformance vectors:
 * every message type with its etype, direction, envelope and fields, each field's schema type and MessagePack
 * wire type, and the valid vectors of that type as example frames. `vmp docs` renders it as HTML
 * (cli/src/docs/html.ts) and checks SPEC §5's tables against it (cli/src/docs/spec-tables.ts), so neither can
 * drift from the schema.
 */
import { VmpError } from "../../../core/src/errors.js";
import { protocolOf, patternPrefix, type MessageRole } from "../../../core/src/ir/protocol.js";
import type { Direction, Ir, RecordDef, TypeDef, TypeRef } from "../../../core/src/ir/types.js";
import type { Manifest } from "../../../conformance/src/runner-cases.js";
import { printJsonForm } from "../../../reference/src/value/json-form.js";
import { decode } from "../../../reference/src/wire/decode.js";
import { fromHex } from "../../../reference/src/wire/hex.js";
import { formatInspect, inspect } from "../../../reference/src/wire/inspect.js";

/** A piece of a rendered type: text, or the name of a definition to link to. */
export type TypePart = { readonly text: string } | { readonly ref: string };

export interface FieldDoc {
  readonly name: string;
  readonly type: readonly TypePart[];
  /** The MessagePack family (or exact form, for numbers) the field is written as. */
  readonly wire: string;
  readonly required: boolean;
  readonly description: string;
}

export interface ExampleDoc {
  /** `manifest/vector-id`. */
  readonly id: string;
  readonly description: string;
  readonly hex: string;
  /** The inspector's annotated listing of the bytes (reference/src/wire/inspect.ts). */
  readonly annotated: string;
  /** The message in the JSON form (SPEC §9), indented. */
  readonly json: string;
}

export interface TypeDoc {
  readonly name: string;
  /** `record`, `union` or `alias`, and for messages their role. */
  readonly kind: TypeDef["kind"];
  readonly role?: MessageRole;
  readonly description: string;
  /** The exact etype, or how a response's etype reads (`GRAB_RENDER_RESPONSE@{uuid}`), or a pattern. */
  readonly etype?: string;
  readonly direction?: Direction;
  readonly envelope?: string;
  /** Record fields, in wire order; for a union, its variants; for an alias, its one type. */
  readonly fields: readonly FieldDoc[];
  readonly open?: boolean;
  readonly variants?: readonly { readonly tag: string; readonly type: string }[];
  readonly alias?: readonly TypePart[];
  readonly examples: readonly ExampleDoc[];
}

export interface Catalogue {
  readonly title: string;
  readonly version: string;
  readonly specFile: string;
  readonly sha256: string;
  /** The message types: catalogued ones first (declaration order), then the envelopes, then the fallback. */
  readonly messages: readonly TypeDoc[];
  /** Every other definition, in declaration order. */
  readonly types: readonly TypeDoc[];
}

/** Example listings longer than this many lines are cut, saying how many lines were left out. */
const MAX_ANNOTATED_LINES = 80;
/** JSON forms longer than this many characters are cut likewise. */
const MAX_JSON_CHARS = 6000;

export function buildCatalogue(ir: Ir, manifests: readonly Manifest[]): Catalogue {
  const facts = protocolOf(ir);
  const examples = examplesByType(manifests);
  const ordered = [...facts.catalogue, ...facts.envelopes, ...(facts.fallback ? [facts.fallback] : [])];
  const messageNames = new Set(ordered.map((m) => m.name));
  const messages = ordered.map((m): TypeDoc => {
    const ev = m.event!;
    const etype = ev.etype ?? responseEtype(ev.etypePattern);
    return {
      ...recordDoc(m, ir),
      role: facts.role(m),
      ...(etype === undefined ? {} : { etype }),
      direction: ev.direction,
      envelope: ev.envelope,
      examples: examples.get(m.name) ?? [],
    };
  });
  const types = [...ir.types.values()].filter((d) => !messageNames.has(d.name)).map((d) => typeDoc(d, ir));
  return { title: ir.source.title, version: ir.source.version, specFile: ir.source.file, sha256: ir.source.sha256, messages, types };
}

/** `^GRAB_RENDER_RESPONSE@.+$` reads `GRAB_RENDER_RESPONSE@{uuid}`; a pattern with no literal prefix stays as it is. */
function responseEtype(pattern: string | undefined): string | undefined {
  if (pattern === undefined) return undefined;
  const prefix = patternPrefix(pattern);
  if (prefix === undefined) return pattern === "^.+$" ? undefined : pattern;
  return prefix.endsWith("@") ? `${prefix}{uuid}` : `${prefix}…`;
}

function typeDoc(d: TypeDef, ir: Ir): TypeDoc {
  switch (d.kind) {
    case "record":
      return recordDoc(d, ir);
    case "union":
      return { name: d.name, kind: "union", description: d.description ?? "", fields: [], variants: d.variants.map((v) => ({ tag: `${d.tag}: ${JSON.stringify(v.tagValue)}`, type: v.type })), examples: [] };
    case "alias":
      return { name: d.name, kind: "alias", description: d.description ?? "", fields: [], alias: typeParts(d.type), examples: [] };
  }
}

function recordDoc(r: RecordDef, ir: Ir): TypeDoc {
  return {
    name: r.name,
    kind: "record",
    description: r.description ?? "",
    open: r.open,
    fields: r.fields.map((f) => ({ name: f.name, type: typeParts(f.type), wire: wireOf(f.type, ir), required: f.required, description: f.description ?? "" })),
    examples: [],
  };
}

/** A type reference as text with links: `Element[]`, `map<string, Any>`, `"SET"`, `uint64`, `Scene | nil`. */
export function typeParts(t: TypeRef): TypePart[] {
  switch (t.kind) {
    case "int":
    case "float":
      return [{ text: t.wire }];
    case "string":
      if (t.const !== undefined) return [{ text: JSON.stringify(t.const) }];
      if (t.enum !== undefined) return [{ text: t.enum.map((e) => JSON.stringify(e)).join(" | ") }];
      return [{ text: t.pattern === undefined ? "string" : `string matching /${t.pattern}/` }];
    case "bool":
      return [{ text: "boolean" }];
    case "null":
      return [{ text: "nil" }];
    case "bytes":
      return [{ text: "bytes" }];
    case "any":
      return [{ text: "any" }];
    case "zdata":
      return [{ text: "ZData" }];
    case "ndarray": {
      const dtypes = t.dtypes === undefined ? "" : `<${t.dtypes.join(" | ")}>`;
      const shape = t.shape === undefined ? "" : `[${t.shape.map((n) => n ?? "n").join(", ")}]`;
      return [{ text: `NdArray${dtypes}${shape}` }];
    }
    case "array":
      return [...wrap(typeParts(t.items)), { text: "[]" }];
    case "map":
      return [{ text: "map<string, " }, ...typeParts(t.values), { text: ">" }];
    case "nullable":
      return [...typeParts(t.inner), { text: " | nil" }];
    case "ref":
      return [{ ref: t.name }];
  }
}

/** Parentheses around a type that would read wrongly before `[]`. */
function wrap(parts: TypePart[]): TypePart[] {
  return parts.some((p) => "text" in p && p.text.includes(" | ")) ? [{ text: "(" }, ...parts, { text: ")" }] : parts;
}

/** The MessagePack side of a type: the exact form for numbers, else the family (`str`, `map`, `array`, …). */
function wireOf(t: TypeRef, ir: Ir): string {
  switch (t.kind) {
    case "int":
    case "float":
      return t.wire;
    case "string":
      return "str";
    case "bool":
      return "bool";
    case "null":
      return "nil";
    case "bytes":
      return "bin";
    case "any":
      return "any";
    case "zdata":
    case "ndarray":
      return "map (ZData)";
    case "array":
      return "array";
    case "map":
      return "map";
    case "nullable":
      return `${wireOf(t.inner, ir)} or nil`;
    case "ref": {
      const def = ir.types.get(t.name);
      if (def?.kind === "alias") return wireOf(def.type, ir);
      return def?.kind === "record" && def.ztype !== undefined ? "map (ZData)" : "map";
    }
  }
}

/** The valid vectors of each message type, as example frames. */
function examplesByType(manifests: readonly Manifest[]): Map<string, ExampleDoc[]> {
  const out = new Map<string, ExampleDoc[]>();
  for (const m of manifests) {
    for (const v of m.vectors) {
      if (!v.valid || v.canonical === undefined || v.type === "any") continue;
      const bytes = fromHex(v.canonical);
      const list = out.get(v.type) ?? [];
      list.push({ id: `${m.manifest}/${v.id}`, description: v.description, hex: v.canonical, annotated: annotated(bytes), json: jsonForm(bytes) });
      out.set(v.type, list);
    }
  }
  return out;
}

function annotated(bytes: Uint8Array): string {
  const lines = inspect(bytes);
  const text = formatInspect(lines.slice(0, MAX_ANNOTATED_LINES));
  const left = lines.length - MAX_ANNOTATED_LINES;
  return left > 0 ? `${text}\n… ${left} more item${left === 1 ? "" : "s"} not shown` : text;
}

/** The JSON form, or why the value has none (a NaN float, SPEC §9). */
function jsonForm(bytes: Uint8Array): string {
  let text: string;
  try {
    text = printJsonForm(decode(bytes), { indent: 2 });
  } catch (e) {
    if (!(e instanceof VmpError)) throw e;
    return `(no JSON form: ${e.message})`;
  }
  return text.length > MAX_JSON_CHARS ? `${text.slice(0, MAX_JSON_CHARS)}\n… ${text.length - MAX_JSON_CHARS} more characters not shown` : text;
}
