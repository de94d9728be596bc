/**
 * Builds the typed IR from a spec document that `lintSpec` found clean. Every `$ref`, wire type, field order,
 * union tag and event is resolved here, once.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { SpecError, UsageError } from "../errors.js";
import { resolveImports } from "./imports.js";
import { lintSpec } from "./lint.js";
import { readTables } from "./tables.js";
import {
  intWireRange,
  type EventInfo,
  type Field,
  type FloatWire,
  type IntWire,
  type Ir,
  type RecordDef,
  type TypeDef,
  type TypeRef,
} from "./types.js";

type Obj = { [key: string]: unknown };
const esc = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

/** A spec file read from disk, with what the header of generated files names. */
export interface LoadedSpec {
  readonly file: string;
  readonly text: string;
  readonly doc: unknown;
  readonly sha256: string;
}

/** Reads and parses a spec file; an unreadable or unparsable file is a UsageError (exit 2), not a lint finding. */
export function loadSpec(path: string, root = process.cwd()): LoadedSpec {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read the spec ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const text = bytes.toString("utf8");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`the spec ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return { file: relative(root, path).split("\\").join("/"), text, doc, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** Lints, then builds. Throws the first SpecError when the spec has lint findings (callers wanting all use lintSpec). */
export function buildIr(spec: LoadedSpec): Ir {
  const findings = lintSpec(spec.doc);
  if (findings.length > 0) throw findings[0];
  const { doc, imported } = resolveImports(spec.doc);
  const root = doc as Obj;
  const defs = root.$defs as Record<string, Obj>;
  const types = new Map<string, TypeDef>();
  const builder = new Builder(defs, types);
  for (const [name, schema] of Object.entries(defs)) {
    const def = builder.def(name, schema, `/$defs/${esc(name)}`);
    const origin = imported.get(name);
    types.set(name, origin === undefined ? def : { ...def, origin });
  }
  const records = [...types.values()].filter((t): t is RecordDef => t.kind === "record");
  return {
    source: {
      file: spec.file,
      sha256: spec.sha256,
      version: String(root["x-vmp-version"]),
      id: String(root.$id),
      title: String(root.title),
      ...(typeof root.description === "string" ? { description: root.description } : {}),
    },
    types,
    messages: records.filter((r) => r.event !== undefined),
    zdata: records.filter((r) => r.ztype !== undefined),
    ...readTables(root),
  };
}

const description = (s: Obj) => (typeof s.description === "string" ? { description: s.description } : {});

class Builder {
  constructor(
    private readonly defs: Record<string, Obj>,
    private readonly types: Map<string, TypeDef>,
  ) {}

  def(name: string, s: Obj, pointer: string): TypeDef {
    if (isRecord(s)) return this.record(name, s, pointer);
    if (Array.isArray(s.oneOf) && isObj(s.discriminator)) {
      const tag = String(s.discriminator.propertyName);
      const variants = s.oneOf.map((b) => {
        const type = refName((b as Obj).$ref);
        const tagSchema = (this.defs[type]?.properties as Record<string, Obj>)[tag]!;
        return { tagValue: String(tagSchema.const), type };
      });
      return { kind: "union", name, pointer, ...description(s), tag, variants };
    }
    return { kind: "alias", name, pointer, ...description(s), type: this.ref(s, pointer) };
  }

  record(name: string, s: Obj, pointer: string): RecordDef {
    const props = s.properties as Record<string, Obj>;
    const required = new Set((s.required as string[] | undefined) ?? []);
    const fields: Field[] = Object.entries(props).map(([fname, fs]) => ({
      name: fname,
      type: this.ref(fs, `${pointer}/properties/${esc(fname)}`),
      required: required.has(fname),
      ...description(fs),
      pointer: `${pointer}/properties/${esc(fname)}`,
    }));
    const ev = s["x-vmp-event"] as Obj | undefined;
    let event: EventInfo | undefined;
    if (ev !== undefined) {
      const etype = props.etype as Obj;
      event = {
        direction: ev.direction as EventInfo["direction"],
        envelope: String(ev.envelope),
        ...(typeof etype.const === "string" ? { etype: etype.const } : { etypePattern: String(etype.pattern) }),
      };
    }
    return {
      kind: "record",
      name,
      pointer,
      ...description(s),
      fields,
      open: s["x-vmp-open"] === true,
      ...(event ? { event } : {}),
      ...(typeof s["x-vmp-ztype"] === "string" ? { ztype: s["x-vmp-ztype"] } : {}),
      ...(Array.isArray(s.examples) ? { examples: s.examples } : {}),
    };
  }

  /** The TypeRef for a schema in a field, item or value position. Inline titled records become named types. */
  ref(s: Obj, pointer: string): TypeRef {
    if (isObj(s["x-vmp-ndarray"])) return ndarrayRef(s["x-vmp-ndarray"]);
    if (typeof s.$ref === "string") return { kind: "ref", name: refName(s.$ref) };
    if (Array.isArray(s.oneOf)) {
      const branches = s.oneOf as Obj[];
      const nonNull = branches.find((b) => b.type !== "null");
      if (branches.length === 2 && nonNull && !isObj(s.discriminator)) return { kind: "nullable", inner: this.ref(nonNull, `${pointer}/oneOf/${branches.indexOf(nonNull)}`) };
      const name = typeof s.title === "string" ? s.title : undefined;
      if (name === undefined) throw new SpecError(pointer, "an inline tagged union needs a title to be named");
      this.types.set(name, this.def(name, s, pointer));
      return { kind: "ref", name };
    }
    if (Array.isArray(s.type)) {
      const inner = String(s.type.find((t) => t !== "null"));
      return { kind: "nullable", inner: this.ref({ ...s, type: inner }, pointer) };
    }
    switch (s["x-vmp-kind"]) {
      case "any":
        return { kind: "any" };
      case "bytes":
        return { kind: "bytes" };
      case "zdata":
        return { kind: "zdata" };
      case "map":
        return { kind: "map", values: this.ref(s.additionalProperties as Obj, `${pointer}/additionalProperties`) };
    }
    switch (s.type) {
      case "integer": {
        const wire = s["x-vmp-wire"] as IntWire;
        const range = intWireRange(wire);
        return {
          kind: "int",
          wire,
          min: typeof s.minimum === "number" ? BigInt(s.minimum) : range.min,
          max: typeof s.maximum === "number" ? BigInt(s.maximum) : range.max,
        };
      }
      case "number":
        return { kind: "float", wire: s["x-vmp-wire"] as FloatWire };
      case "string":
        return {
          kind: "string",
          ...(typeof s.const === "string" ? { const: s.const } : {}),
          ...(Array.isArray(s.enum) ? { enum: s.enum.map(String) } : {}),
          ...(typeof s.pattern === "string" ? { pattern: s.pattern } : {}),
          ...(typeof s.minLength === "number" ? { minLength: s.minLength } : {}),
          ...(typeof s.maxLength === "number" ? { maxLength: s.maxLength } : {}),
        };
      case "boolean":
        return { kind: "bool" };
      case "null":
        return { kind: "null" };
      case "array":
        return {
          kind: "array",
          items: this.ref(s.items as Obj, `${pointer}/items`),
          ...(typeof s.minItems === "number" ? { minItems: s.minItems } : {}),
          ...(typeof s.maxItems === "number" ? { maxItems: s.maxItems } : {}),
        };
      case "object": {
        const name = String(s.title);
        this.types.set(name, this.record(name, s, pointer));
        return { kind: "ref", name };
      }
    }
    throw new SpecError(pointer, "schema has no type the IR can represent");
  }
}

/** The typed array of an `x-vmp-ndarray` keyword (PROFILE §3), which lint has checked. */
function ndarrayRef(k: Obj): TypeRef {
  return {
    kind: "ndarray",
    ...(Array.isArray(k.dtype) ? { dtypes: k.dtype.map(String) } : {}),
    ...(Array.isArray(k.shape) ? { shape: k.shape.map((d) => (typeof d === "number" ? d : null)) } : {}),
  };
}

function isObj(x: unknown): x is Obj {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
function isRecord(s: Obj): boolean {
  return s.type === "object" && isObj(s.properties) && s["x-vmp-kind"] === undefined;
}
function refName(ref: unknown): string {
  return String(ref).slice("#/$defs/".length);
}
