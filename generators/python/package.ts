/**
 * The package around the generated code: pyproject.toml and README.md rendered from the handlebars templates in
 * generators/python/templates/ (boilerplate only; code is printed, never templated), `py.typed`, and the verbatim
 * copies of the runtime (to `vmp_protocol/_runtime/`) and of the support modules (to `vmp_protocol/`).
 */
import Handlebars from "handlebars";
import { headerLines, headerText, type HeaderSource } from "../common/header.js";
import { compare } from "../common/printer.js";
import type { EmitterInputs, SourceText } from "../common/sources.js";
import type { Ir } from "../../core/src/ir/types.js";
import { catalogue } from "./emit-types.js";
import type { PyNames } from "./names.js";

/** What the emitter copies or renders besides the IR (read from generators/python/). */
export type PythonInputs = EmitterInputs;

export interface RenderedFile {
  readonly path: string;
  readonly content: string;
}

export function renderPackageFiles(ir: Ir, names: PyNames, inputs: PythonInputs, source: HeaderSource): RenderedFile[] {
  const hbs = Handlebars.create();
  const template = (name: string) => {
    const t = inputs.templates.find((x) => x.name === name);
    if (t === undefined) throw new Error(`generators/python/templates/${name} is missing`);
    return hbs.compile(t.text, { strict: true, noEscape: name !== "README.md.hbs" });
  };
  const known = catalogue(ir);
  const example = known[0] ?? ir.messages[0];
  const data = {
    header: headerText(source),
    version: ir.source.version,
    specFile: ir.source.file,
    sha16: ir.source.sha256.slice(0, 16),
    typeCount: ir.types.size,
    catalogueCount: known.length,
    knownMessage: names.knownMessage,
    messagesConst: names.messagesConst,
    specConst: names.specConst,
    exampleFactory: names.factory(example?.name ?? "Message"),
    exampleType: names.type(example?.name ?? "Message"),
    messages: known.map((m) => ({
      name: names.type(m.name),
      etype: m.event!.etype !== undefined ? `\`${m.event!.etype}\`` : `\`${(m.event!.etypePattern ?? "").replace(/\|/g, "\\|")}\` (pattern)`,
      direction: m.event!.direction,
    })),
  };
  return [
    { path: "pyproject.toml", content: template("pyproject.toml.hbs")(data) },
    { path: "README.md", content: template("README.md.hbs")(data) },
    { path: "vmp_protocol/py.typed", content: "" },
  ];
}

/** The runtime modules (tests excluded), each with the header and its origin, then the text byte for byte. */
export function copyRuntime(inputs: PythonInputs, source: HeaderSource): RenderedFile[] {
  const files = modules(inputs.runtime).map((m) => ({
    path: `vmp_protocol/_runtime/${m.name}`,
    content: copied(`generators/python/runtime/${m.name}`, m.text, source),
  }));
  if (!inputs.runtime.some((m) => m.name === "__init__.py")) {
    const init = [...headerLines(source, "hash"), '"""The codec runtime of vmp-protocol (copied from generators/python/runtime/)."""', ""].join("\n");
    files.unshift({ path: "vmp_protocol/_runtime/__init__.py", content: init });
  }
  return files;
}

/** The support modules (the testee), copied to vmp_protocol/. */
export function copySupport(inputs: PythonInputs, source: HeaderSource): RenderedFile[] {
  return modules(inputs.support).map((m) => ({ path: `vmp_protocol/${m.name}`, content: copied(`generators/python/support/${m.name}`, m.text, source) }));
}

function modules(files: readonly SourceText[]): SourceText[] {
  return files.filter((f) => f.name.endsWith(".py") && !f.name.startsWith("test_")).sort((a, b) => compare(a.name, b.name));
}

function copied(origin: string, text: string, source: HeaderSource): string {
  return [...headerLines(source, "hash"), `# Copied from ${origin}.`, text].join("\n");
}

/**
 * The public names each runtime module defines at top level (`def`, `class`, assignments), for `__init__.py`:
 * module name (without `.py`) → names, in file order. Private names (`_x`) are left out.
 */
export function runtimeDefinitions(inputs: PythonInputs): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of modules(inputs.runtime)) {
    if (m.name === "__init__.py") continue;
    const names: string[] = [];
    for (const match of m.text.matchAll(/^(?:def |class )?([A-Za-z][A-Za-z0-9_]*)\b(?:\s*\(|\s*:|\s*=(?!=))/gm)) {
      const line = match[0];
      const name = match[1]!;
      const isDef = line.startsWith("def ") || line.startsWith("class ");
      if (!isDef && /^(?:if|elif|else|try|except|finally|for|while|with|return|import|from|def|class|async)$/.test(name)) continue;
      if (!names.includes(name)) names.push(name);
    }
    out.set(m.name.replace(/\.py$/, ""), names);
  }
  return out;
}
