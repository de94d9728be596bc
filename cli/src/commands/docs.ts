/**
 * `vmp docs`: writes the message catalogue as one static HTML page (cli/src/docs/), from the spec and the
 * conformance vectors; `--write-spec` instead rewrites SPEC.md's catalogue tables (§5.2, §5.3) from the same
 * catalogue (`npm run regen` does), and `--check-spec` checks that they agree with it, naming every row that drifted.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Argv } from "yargs";
import { UsageError } from "../../../core/src/errors.js";
import { repoRoot } from "../../../core/src/repo.js";
import { loadManifests } from "../../../conformance/src/runner-cases.js";
import { defaultSpec } from "../../../reference/src/schema/spec.js";
import type { Command } from "../command.js";
import { buildCatalogue } from "../docs/catalogue.js";
import { renderHtml } from "../docs/html.js";
import { specTableProblems, writeSpecTables, type CatalogueRow } from "../docs/spec-tables.js";
import { ioErrorText, isDash, readFile } from "../io.js";

interface Args {
  out: string;
  checkSpec?: string;
  writeSpec?: string;
  spec?: string;
  vectors?: string;
}

export const docsCommand: Command<Args> = {
  command: "docs",
  describe: "Write the message catalogue as a static HTML page, or SPEC.md's catalogue tables (--write-spec, --check-spec)",
  builder: (y: Argv) =>
    y
      .option("out", { type: "string", default: "vmp-catalogue.html", describe: "the HTML file to write, or - for stdout" })
      .option("check-spec", { type: "string", describe: "write nothing; check the catalogue tables of this SPEC.md (§5.2–§5.4) against the schema (default file: protocol/SPEC.md)" })
      .option("write-spec", { type: "string", describe: "write no page; rewrite the generated catalogue tables of this SPEC.md (§5.2, §5.3) from the schema (default file: protocol/SPEC.md)" })
      .conflicts("write-spec", "check-spec")
      .option("spec", { type: "string", describe: "the spec file (default: protocol/vmp.schema.json)" })
      .option("vectors", { type: "string", describe: "the manifests whose valid vectors are the example frames (default: conformance/vectors)" }) as unknown as Argv<Args>,
  examples: [
    ["$0 docs --out catalogue.html", "write the catalogue; open it in a browser"],
    ["$0 docs --write-spec my-SPEC.md", "rewrite the catalogue tables of a SPEC.md from the schema (no file: protocol/SPEC.md)"],
    ["$0 docs --check-spec", "check SPEC.md §5's tables against the schema"],
  ],
  run(args, io) {
    const spec = defaultSpec(args.spec);
    const vectorsDir = resolve(args.vectors ?? join(repoRoot(), "conformance/vectors"));
    let manifests;
    try {
      manifests = loadManifests(vectorsDir);
    } catch (e) {
      throw new UsageError(`cannot read the vectors in ${vectorsDir}: ${ioErrorText(e)}`);
    }
    const catalogue = buildCatalogue(spec.ir, manifests);
    const defs = (spec.loaded.doc as { $defs?: Record<string, { "x-vmp-catalogue"?: CatalogueRow }> }).$defs ?? {};
    const rows = (name: string): CatalogueRow => defs[name]?.["x-vmp-catalogue"] ?? {};
    if (args.writeSpec !== undefined) {
      const file = args.writeSpec === "" ? join(repoRoot(), "protocol/SPEC.md") : args.writeSpec;
      const before = readFile(file).toString("utf8");
      const { text, problems } = writeSpecTables(before, catalogue, rows);
      if (text !== before) {
        try {
          writeFileSync(file, text);
        } catch (e) {
          throw new UsageError(`cannot write ${file}: ${ioErrorText(e)}`);
        }
      }
      for (const p of problems) io.err(`${file}: ${p}`);
      if (problems.length > 0) return 1;
      const name = args.writeSpec || "protocol/SPEC.md";
      io.out(text === before ? `docs --write-spec: the catalogue tables of ${name} are up to date` : `docs --write-spec: rewrote the catalogue tables of ${name}`);
      return 0;
    }
    if (args.checkSpec !== undefined) {
      const file = args.checkSpec === "" ? join(repoRoot(), "protocol/SPEC.md") : args.checkSpec;
      const problems = specTableProblems(readFile(file).toString("utf8"), catalogue, rows);
      for (const p of problems) io.err(`${file}: ${p}`);
      if (problems.length > 0) return 1;
      const tabled = catalogue.messages.filter((m) => m.role === "event" || m.role === "response").length;
      io.out(`docs --check-spec: the catalogue tables of ${args.checkSpec || "protocol/SPEC.md"} agree with the schema (${tabled} message types)`);
      return 0;
    }
    const html = renderHtml(catalogue);
    if (isDash(args.out)) {
      io.out(html);
      return 0;
    }
    try {
      writeFileSync(args.out, html);
    } catch (e) {
      throw new UsageError(`cannot write ${args.out}: ${ioErrorText(e)}`);
    }
    const examples = catalogue.messages.reduce((n, m) => n + m.examples.length, 0);
    io.out(`docs: wrote ${args.out} (${catalogue.messages.length} message types, ${catalogue.types.length} other types, ${examples} example frames)`);
    return 0;
  },
};

