/**
 * The package around the generated code: package.json, tsconfig.json, README.md and LICENSE rendered from the handlebars
 * templates in generators/typescript/templates/ (boilerplate only; code is printed, never templated), and the
 * verbatim copies of the runtime modules.
 */
import { LICENSE_TEXT } from "../common/license.js";
import Handlebars from "handlebars";
import { TOOL_VERSION, headerLines, headerText, runtimeHeaderText, type HeaderSource } from "../common/header.js";
import { compare } from "../common/printer.js";
import type { EmitterInputs } from "../common/sources.js";
import type { Ir } from "../../core/src/ir/types.js";
import { catalogue, fallbackMessages } from "./emit-types.js";
import type { TsNames } from "./names.js";

/** What the emitter copies or renders besides the IR (read from generators/typescript/). */
export type TypeScriptInputs = EmitterInputs;

/** The TypeScript the generated package is built with. */
const TYPESCRIPT_RANGE = "^5.9.3";

export interface RenderedFile {
  readonly path: string;
  readonly content: string;
}

export function renderPackageFiles(ir: Ir, names: TsNames, inputs: TypeScriptInputs, source: HeaderSource): RenderedFile[] {
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
    toolVersion: TOOL_VERSION,
    specFile: ir.source.file,
    sha16: ir.source.sha256.slice(0, 16),
    typescript: TYPESCRIPT_RANGE,
    typeCount: ir.types.size,
    catalogueCount: known.length,
    knownMessage: names.knownMessage,
    decodedMessage: names.decodedMessage,
    fallbacks: fallbackMessages(ir).map((n) => `\`${names.type(n)}\``).join(" or "),
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
    { path: "LICENSE", content: LICENSE_TEXT },
    { path: ".prettierignore", content: [...headerLines(source, "hash"), "# Copied verbatim from the toolchain: not formatted by vmp.", "src/runtime/", ""].join("\n") },
  ];
}

/**
 * The runtime modules (tests excluded), each with the runtime header (the toolchain version, not the spec: a spec
 * edit rewrites no runtime file) and its origin, byte for byte after them.
 */
export function copyRuntime(inputs: TypeScriptInputs): RenderedFile[] {
  return inputs.runtime
    .filter((f) => f.name.endsWith(".ts") && !f.name.endsWith(".test.ts"))
    .sort((a, b) => compare(a.name, b.name))
    .map((m) => ({
      path: `src/runtime/${m.name}`,
      content: [`// ${runtimeHeaderText()}`, `// Copied from generators/typescript/runtime/${m.name}.`, "/* eslint-disable */", m.text].join("\n"),
    }));
}
