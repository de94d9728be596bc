/**
 * `src/validate.ts`: the spec's validators compiled ahead of time by ajv standalone (JSON Schema 2020-12, strict,
 * discriminator, the profile keywords registered as a vocabulary), one per message type, bound to
 * `validate(typeName, value)` from validation.ts. This is the one generated file that reads the spec document
 * rather than the IR: ajv compiles the schema itself.
 */
import { PROFILE_KEYWORDS } from "../../core/src/ir/lint.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import standaloneModule from "ajv/dist/standalone/index.js";
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile } from "../common/printer.js";
import { intWireRange, type IntWire, type Ir } from "../../core/src/ir/types.js";
import { tsFile } from "./file.js";
import type { TsNames } from "./names.js";


/** Keywords that only document; they are left out of what ajv compiles, so the generated code stays small. */
const ANNOTATIONS = new Set(["title", "description", "examples", "default", "deprecated", "contentEncoding", "$comment"]);

type Obj = { [key: string]: unknown };

// ajv/dist/standalone is CommonJS (`module.exports = standaloneCode`, also as `.default`); under NodeNext its
// default import is typed as the module namespace, whose `default` is the function.
const standaloneCode = standaloneModule.default;

/** The validators, and whether they import ajv's runtime helpers (then the package depends on ajv). */
export interface EmittedValidators {
  readonly file: GeneratedFile;
  readonly needsAjv: boolean;
}

export function emitValidate(ir: Ir, names: TsNames, specDoc: unknown, source: HeaderSource): EmittedValidators {
  const f = tsFile("src/validate.ts", source, [
    "// @ts-nocheck -- the body is ajv's standalone output (plain JavaScript); `validate` below is typed.",
  ]);
  const ajv = new Ajv2020({
    strict: true,
    allErrors: true,
    discriminator: true,
    strictNumbers: false,
    inlineRefs: false,
    code: { source: true, esm: true, lines: true },
  });
  ajv.addVocabulary(PROFILE_KEYWORDS);
  const doc = forAjv(specDoc as Obj);
  ajv.addSchema(doc);
  const refs: Record<string, string> = {};
  for (const m of ir.messages) refs[validatorName(m.name)] = `${String(doc.$id)}#/$defs/${m.name}`;
  const { code, runtimeImports } = esmOnly(standaloneCode(ajv, refs).replace(/^"use strict";\s*/, ""));
  const createValidate = f.import("createValidate", "./validation.js");
  const ValidationError = f.import("ValidationError", "./validation.js", { typeOnly: true });
  const MessageTypeName = f.import(names.messageTypeName, "./types.js", { typeOnly: true });
  for (const line of runtimeImports) f.print(line);
  for (const line of code.trimEnd().split("\n")) f.print(line.trimEnd());
  f.print();
  f.print("/**");
  f.print(" * Validates a message of the named type (in memory: Uint8Array bytes, bigints, Maps, ZData instances are");
  f.print(" * fine) and returns every problem as a VmpError with its path; an empty list means valid.");
  f.print(" */");
  f.print("export const validate: (typeName: ", MessageTypeName, ", value: unknown) => ", ValidationError, "[] = ", createValidate, "({");
  f.indent(() => {
    for (const m of ir.messages) f.print(names.type(m.name), ": ", validatorName(m.name), ",");
  });
  f.print("});");
  return { file: f, needsAjv: runtimeImports.length > 0 };
}

/**
 * ajv's standalone code `require`s its runtime helpers (`ucs2length` for minLength/maxLength, `equal` for object
 * consts) even in ESM mode; the package is ESM, so each becomes an import of the CommonJS module.
 */
function esmOnly(code: string): { code: string; runtimeImports: string[] } {
  const runtimeImports: string[] = [];
  const out = code.replace(/const (\w+) = require\("(ajv\/dist\/runtime\/[\w-]+)"\)\.default;/g, (_all, local: string, path: string) => {
    runtimeImports.push(`import ${local}$module from "${path}.js";`);
    return `const ${local} = ${local}$module.default;`;
  });
  if (/\brequire\(/.test(out)) throw new Error("ajv's standalone code requires a module that vmp does not know how to import");
  return { code: out, runtimeImports };
}

function validatorName(typeName: string): string {
  return `validate${typeName}`;
}

/**
 * The spec document as ajv compiles it: annotations dropped, and every integer given the range of its wire type
 * (`x-vmp-wire` fixes it, PROFILE.md §3) where the spec does not narrow it, so that out-of-range integers are
 * IntegerOutOfRange errors. (Bigints are compared as numbers, so 64-bit bounds are exact only to 2^53.)
 */
export function forAjv(schema: Obj): Obj {
  // Object.fromEntries makes own properties, so a property named `__proto__` stays a property.
  const out: Obj = Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => !ANNOTATIONS.has(key))
      .map(([key, value]): [string, unknown] => {
        if (key === "properties" || key === "$defs") return [key, mapValues(value as Record<string, Obj>, forAjv)];
        if ((key === "items" || key === "additionalProperties") && typeof value === "object" && value !== null) return [key, forAjv(value as Obj)];
        if (key === "oneOf") return [key, (value as Obj[]).map(forAjv)];
        return [key, value];
      }),
  );
  const integer = schema.type === "integer" || (Array.isArray(schema.type) && schema.type.includes("integer"));
  if (integer && typeof schema["x-vmp-wire"] === "string") {
    const range = intWireRange(schema["x-vmp-wire"] as IntWire);
    out.minimum ??= Number(range.min);
    out.maximum ??= Number(range.max);
  }
  return out;
}

function mapValues(o: Record<string, Obj>, fn: (v: Obj) => Obj): Obj {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fn(v)]));
}
