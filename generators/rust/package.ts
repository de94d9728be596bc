/**
 * The crate around the generated code: Cargo.toml and README.md rendered from the handlebars templates in
 * generators/rust/templates/ (boilerplate only; code is printed, never templated), rustfmt.toml, .gitignore, and
 * the verbatim copy of the runtime (generators/rust/runtime/ → `src/runtime/`).
 */
import { LICENSE_TEXT } from "../common/license.js";
import Handlebars from "handlebars";
import { headerLines, headerText, runtimeHeaderText, type HeaderSource } from "../common/header.js";
import type { OutputFile } from "../common/output.js";
import type { Ir } from "../../core/src/ir/types.js";
import { catalogue } from "./emit-types.js";
import { MAX_WIDTH } from "./format.js";
import type { RsNames } from "./names.js";
import type { RustInputs } from "./sources.js";

export function renderPackageFiles(ir: Ir, names: RsNames, inputs: RustInputs, source: HeaderSource): OutputFile[] {
  const hbs = Handlebars.create();
  const template = (name: string) => {
    const t = inputs.templates.find((x) => x.name === name);
    if (t === undefined) throw new Error(`generators/rust/templates/${name} is missing`);
    return hbs.compile(t.text, { strict: true, noEscape: name !== "README.md.hbs" });
  };
  const known = catalogue(ir);
  // The README's example: a message type whose constructor takes no argument, so the snippet stays short.
  const example = known.find((m) => m.fields.every((f) => !f.required || ["ts", "etype"].includes(f.name) || f.type.kind === "null")) ?? known[0];
  const data = {
    header: headerText(source),
    version: ir.source.version,
    title: ir.source.title,
    specFile: ir.source.file,
    sha16: ir.source.sha256.slice(0, 16),
    typeCount: ir.types.size,
    catalogueCount: known.length,
    knownMessage: names.knownMessage,
    exampleFactory: names.factory(example?.name ?? "Message"),
    exampleType: names.type(example?.name ?? "Message"),
    exampleArgs: "",
    messages: known.map((m) => ({
      name: names.type(m.name),
      etype: m.event!.etype !== undefined ? `\`${m.event!.etype}\`` : `\`${(m.event!.etypePattern ?? "").replace(/\|/g, "\\|")}\` (pattern)`,
      direction: m.event!.direction,
    })),
  };
  return [
    { path: ".gitignore", content: "/target\n" },
    { path: "Cargo.toml", content: template("Cargo.toml.hbs")(data) },
    { path: "LICENSE", content: LICENSE_TEXT },
    { path: "README.md", content: template("README.md.hbs")(data) },
    { path: "rustfmt.toml", content: `${headerLines(source, "hash")[0]}\nedition = "2021"\nmax_width = ${MAX_WIDTH}\n` },
  ];
}

/**
 * The runtime modules (generators/rust/runtime/**\/*.rs → src/runtime/, subfolders kept), each stamped with the
 * runtime header, which names the toolchain version only: a spec edit rewrites no runtime file.
 */
export function copyRuntime(inputs: RustInputs): OutputFile[] {
  return inputs.runtime.map((m) => ({
    path: `src/runtime/${m.name}`,
    content: [`// ${runtimeHeaderText()}`, `// Copied from generators/rust/runtime/${m.name}.`, m.text].join("\n"),
  }));
}
