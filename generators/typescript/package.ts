/**
 * The package around the generated code: package.json, tsconfig.json and README.md rendered from the handlebars
 * templates in generators/typescript/templates/ (boilerplate only; code is printed, never templated), and the
 * verbatim copies of the runtime and support modules.
 */
import Handlebars from "handlebars";
import { headerLines, headerText, type HeaderSource } from "../common/header.js";
import { compare } from "../common/printer.js";
import type { EmitterInputs, SourceText } from "../common/sources.js";
import type { Ir } from "../../core/src/ir/types.js";
import { catalogue } from "./emit-types.js";
import type { TsNames } from "./names.js";

/** What the emitter copies or renders besides the IR (read from generators/typescript/). */
export type TypeScriptInputs = EmitterInputs;

/** The TypeScript the generated package is built with. */
const TYPESCRIPT_RANGE = "^5.9.3";
const AJV_RANGE = "^8.20.0";

export interface RenderedFile {
  readonly path: string;
  readonly content: string;
}

export function renderPackageFiles(ir: Ir, names: TsNames, inputs: TypeScriptInputs, needsAjv: boolean, source: HeaderSource): RenderedFile[] {
  const hbs = Handlebars.create();
  hbs.registerHelper("json", (v: unknown) => JSON.stringify(v));
  const template = (name: string) => {
    const t = inputs.templates.find((x) => x.name === name);
    if (t === undefined) throw new Error(`generators/typescript/templates/${name} is missing`);
    return hbs.compile(t.text, { strict: true, noEscape: name !== "README.md.hbs" });
  };
  const known = catalogue(ir);
  const data = {
    header: headerText(source),
    version: ir.source.version,
    specFile: ir.source.file,
    sha16: ir.source.sha256.slice(0, 16),
    typescript: TYPESCRIPT_RANGE,
    dependencies: needsAjv ? [{ name: "ajv", range: AJV_RANGE }] : [],
    typeCount: ir.types.size,
    catalogueCount: known.length,
    knownMessage: names.knownMessage,
    messagesConst: names.messagesConst,
    specConst: names.specConst,
    exampleFactory: names.factory((known[0] ?? ir.messages[0])?.name ?? "Message"),
    exampleType: names.type((known[0] ?? ir.messages[0])?.name ?? "Message"),
    messages: known.map((m) => ({
      name: names.type(m.name),
      etype: m.event!.etype !== undefined ? `\`${m.event!.etype}\`` : `\`${(m.event!.etypePattern ?? "").replace(/\|/g, "\\|")}\` (pattern)`,
      direction: m.event!.direction,
    })),
  };
  return [
    { path: "package.json", content: template("package.json.hbs")(data) },
    { path: "tsconfig.json", content: template("tsconfig.json.hbs")(data) },
    { path: "README.md", content: template("README.md.hbs")(data) },
    { path: ".prettierignore", content: [...headerLines(source, "hash"), "# Machine-written (ajv) or copied verbatim: not formatted by vmp.", "src/validate.ts", "src/runtime/", ""].join("\n") },
  ];
}

/** The runtime modules (tests excluded), each with the header and its origin, byte for byte after them. */
export function copyRuntime(inputs: TypeScriptInputs, source: HeaderSource): RenderedFile[] {
  return modules(inputs.runtime).map((m) => ({
    path: `src/runtime/${m.name}`,
    content: copied(`generators/typescript/runtime/${m.name}`, m.text, source),
  }));
}

/** The support modules, copied to src/ with their `../runtime/` imports pointing at `./runtime/`. */
export function copySupport(inputs: TypeScriptInputs, source: HeaderSource): RenderedFile[] {
  return modules(inputs.support).map((m) => ({
    path: `src/${m.name}`,
    content: copied(`generators/typescript/support/${m.name}`, m.text.replace(/(from\s+["'])\.\.\/runtime\//g, "$1./runtime/"), source),
  }));
}

function modules(files: readonly SourceText[]): SourceText[] {
  return files.filter((f) => f.name.endsWith(".ts") && !f.name.endsWith(".test.ts")).sort((a, b) => compare(a.name, b.name));
}

function copied(origin: string, text: string, source: HeaderSource): string {
  return [...headerLines(source, "slash"), `// Copied from ${origin}.`, "/* eslint-disable */", text].join("\n");
}
