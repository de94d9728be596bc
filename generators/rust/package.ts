/**
 * The crate around the generated code: Cargo.toml and README.md rendered from the handlebars templates in
 * generators/rust/templates/ (boilerplate only; code is printed, never templated), rustfmt.toml, .gitignore, and
 * the verbatim copies of the runtime (to `src/runtime/`), of the testee (to `src/bin/`) and of the integration
 * tests (to `tests/`).
 */
import Handlebars from "handlebars";
import { headerLines, headerText, type HeaderSource } from "../common/header.js";
import type { OutputFile } from "../common/output.js";
import { compare } from "../common/printer.js";
import type { SourceText } from "../common/sources.js";
import type { Ir } from "../../core/src/ir/types.js";
import { catalogue } from "./emit-types.js";
import { MAX_WIDTH } from "./format.js";
import type { RsNames } from "./names.js";
import type { RustInputs } from "./sources.js";

/** Where a support file goes: the testee becomes the `vmp-testee` binary. */
function supportPath(name: string): string {
  return name === "testee.rs" ? "src/bin/vmp-testee.rs" : `src/bin/${name}`;
}

export function hasTestee(inputs: RustInputs): boolean {
  return inputs.support.some((s) => s.name === "testee.rs");
}

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
    testee: hasTestee(inputs),
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
    { path: "README.md", content: template("README.md.hbs")(data) },
    { path: "rustfmt.toml", content: `${headerLines(source, "hash")[0]}\nedition = "2021"\nmax_width = ${MAX_WIDTH}\n` },
  ];
}

/** The runtime modules (files starting with `test_` excluded), each with the header and its origin, then the text. */
export function copyRuntime(inputs: RustInputs, source: HeaderSource): OutputFile[] {
  return modules(inputs.runtime).map((m) => ({ path: `src/runtime/${m.name}`, content: copied(`generators/rust/runtime/${m.name}`, m.text, source) }));
}

/** The testee (generators/rust/support/testee.rs → src/bin/vmp-testee.rs). */
export function copySupport(inputs: RustInputs, source: HeaderSource): OutputFile[] {
  return modules(inputs.support).map((m) => ({ path: supportPath(m.name), content: copied(`generators/rust/support/${m.name}`, m.text, source) }));
}

/** The integration tests (generators/rust/tests/*.rs → tests/). */
export function copyTests(inputs: RustInputs, source: HeaderSource): OutputFile[] {
  return modules(inputs.tests).map((m) => ({ path: `tests/${m.name}`, content: copied(`generators/rust/tests/${m.name}`, m.text, source) }));
}

function modules(files: readonly SourceText[]): SourceText[] {
  return files.filter((f) => f.name.endsWith(".rs") && !f.name.startsWith("test_")).sort((a, b) => compare(a.name, b.name));
}

function copied(origin: string, text: string, source: HeaderSource): string {
  return [...headerLines(source, "slash"), `// Copied from ${origin}.`, text].join("\n");
}
