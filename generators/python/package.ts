/**
 * The package around the generated code: pyproject.toml, README.md and LICENSE rendered from the handlebars templates in
 * generators/python/templates/ (boilerplate only; code is printed, never templated), `py.typed`, and the verbatim
 * copies of the runtime (to `vmp_protocol/_runtime/`), stamped with the toolchain's version only.
 */
import { LICENSE_TEXT } from "../common/license.js";
import Handlebars from "handlebars";
import { TOOL_VERSION, headerText, runtimeHeaderText, type HeaderSource } from "../common/header.js";
import { compare } from "../common/printer.js";
import type { EmitterInputs } from "../common/sources.js";
import type { Ir } from "../../core/src/ir/types.js";
import { FALLBACK_ENVELOPE, protocolOf } from "../../core/src/ir/protocol.js";
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
  const facts = protocolOf(ir);
  const known = facts.catalogue;
  const example = known[0] ?? ir.messages[0];
  const data = {
    header: headerText(source),
    version: ir.source.version,
    toolVersion: TOOL_VERSION,
    specFile: ir.source.file,
    sha16: ir.source.sha256.slice(0, 16),
    typeCount: ir.types.size,
    catalogueCount: known.length,
    knownMessage: names.knownMessage,
    messagesConst: names.messagesConst,
    specConst: names.specConst,
    exampleFactory: names.factory(example?.name ?? FALLBACK_ENVELOPE),
    exampleType: names.type(example?.name ?? FALLBACK_ENVELOPE),
    messages: known.map((m) => ({
      name: names.type(m.name),
      etype: m.event!.etype !== undefined ? `\`${m.event!.etype}\`` : `\`${(m.event!.etypePattern ?? "").replace(/\|/g, "\\|")}\` (pattern)`,
      direction: m.event!.direction,
    })),
  };
  return [
    { path: "pyproject.toml", content: template("pyproject.toml.hbs")(data) },
    { path: "README.md", content: template("README.md.hbs")(data) },
    { path: "LICENSE", content: LICENSE_TEXT },
    { path: "vmp_protocol/py.typed", content: "" },
  ];
}

/** The runtime modules, each with the runtime header and its origin, then the text byte for byte. */
export function copyRuntime(inputs: PythonInputs): RenderedFile[] {
  return inputs.runtime
    .filter((f) => f.name.endsWith(".py"))
    .sort((a, b) => compare(a.name, b.name))
    .map((m) => ({
      path: `vmp_protocol/_runtime/${m.name}`,
      content: [`# ${runtimeHeaderText()}`, `# Copied from generators/python/runtime/${m.name}.`, m.text].join("\n"),
    }));
}
