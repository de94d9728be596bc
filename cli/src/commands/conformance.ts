/**
 * `vmp conformance [--lang L...] [--filter PATTERN...] [--fix] [--json]`: runs every conformance vector against
 * each language's testee (conformance/README.md) and checks the results against the failure lists. Exit 0 when
 * every language behaves as its list says, 1 otherwise (or when a language named with --lang is not built).
 */
import { resolve } from "node:path";
import type { Argv } from "yargs";
import { DEFAULT_TIMEOUT_MS, runConformance, type LanguageRun } from "../../../conformance/src/runner.js";
import { findLanguage, LANGUAGES, splitCommand, type Language } from "../../../conformance/src/runner-langs.js";
import { runMatrix } from "../../../conformance/src/runner-matrix.js";
import { formatMatrixReport, formatReport } from "../../../conformance/src/runner-report.js";
import { UsageError } from "../../../core/src/errors.js";
import type { Command } from "../command.js";
import { repoRoot } from "../../../core/src/repo.js";

interface Args {
  lang?: string[];
  filter?: string[];
  fix: boolean;
  json: boolean;
  matrix: boolean;
  timeout: number;
  testee?: string;
  failures?: string;
  vectors?: string;
}

export const conformanceCommand: Command<Args> = {
  command: "conformance",
  describe: "Run the conformance vectors against each binding's testee",
  builder: (y: Argv) =>
    y
      .option("lang", { type: "string", array: true, describe: `languages to run (${LANGUAGES.map((l) => l.name).join(", ")}; default: every one that is built)` })
      .option("filter", { type: "string", array: true, describe: "run only cases whose name contains this, or matches this glob (e.g. 'events/*:encode')" })
      .option("fix", { type: "boolean", default: false, describe: "rewrite each failure list to exactly the cases that fail now" })
      .option("json", { type: "boolean", default: false, describe: "print a JSON report for machines" })
      .option("matrix", { type: "boolean", default: false, describe: "cross-check the languages: each encodes every valid vector, every one decodes and relays those bytes" })
      .option("timeout", { type: "number", default: DEFAULT_TIMEOUT_MS / 1000, describe: "seconds a testee may take per request" })
      .option("testee", { type: "string", describe: "run this command as the testee of the one --lang (a binding not in the table yet)" })
      .option("failures", { type: "string", describe: "the failure list (default: conformance/failures/<lang>.txt)" })
      .option("vectors", { type: "string", describe: "the manifest directory (default: conformance/vectors)" }) as unknown as Argv<Args>,
  examples: [
    ["$0 conformance --lang ref", "check the reference codec against every vector"],
    ["$0 conformance --lang ts --filter 'events/*'", "run the TypeScript binding on the events manifest"],
    ["$0 conformance --matrix --lang ref,ts", "every producer × consumer pair of the two languages"],
    ["$0 conformance --lang ref --testee 'node dist/conformance/src/reference-testee.js'", "run a testee command of your own (a binding not in the table yet)"],
  ],
  async run(args, io) {
    const root = repoRoot();
    const runs = languageRuns(args);
    if (!(args.timeout > 0)) throw new UsageError("--timeout takes a positive number of seconds");
    if (args.matrix) {
      const matrix = await runMatrix({
        root,
        languages: runs,
        filter: args.filter ?? [],
        fix: args.fix,
        timeoutMs: Math.round(args.timeout * 1000),
        ...(args.failures === undefined ? {} : { failureList: resolve(args.failures) }),
        ...(args.vectors === undefined ? {} : { vectorsDir: resolve(args.vectors) }),
      });
      if (matrix.cases === 0 && args.filter?.length && matrix.languages.some((l) => l.status === "ran")) throw new UsageError(`--filter ${args.filter.map((f) => JSON.stringify(f)).join(" ")} matches no matrix case`);
      io.out(args.json ? JSON.stringify(matrix, null, 2) : formatMatrixReport(matrix));
      return matrix.ok ? 0 : 1;
    }
    const report = await runConformance({
      root,
      languages: runs,
      filter: args.filter ?? [],
      fix: args.fix,
      timeoutMs: Math.round(args.timeout * 1000),
      ...(args.vectors === undefined ? {} : { vectorsDir: resolve(args.vectors) }),
    });
    if (report.cases === 0 && args.filter?.length) throw new UsageError(`--filter ${args.filter.map((f) => JSON.stringify(f)).join(" ")} matches no case`);
    io.out(args.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.ok ? 0 : 1;
  },
};

/** The languages to run: those named (comma-separated names are split), or every one in the table. */
function languageRuns(args: Args): LanguageRun[] {
  const names = (args.lang ?? []).flatMap((l) => l.split(",")).map((l) => l.trim()).filter(Boolean);
  if (args.matrix) {
    // The matrix has one failure list of its own (--failures), and crosses languages of the table.
    if (args.testee !== undefined) throw new UsageError("--testee runs one language; --matrix crosses the languages of the table");
    if (names.length === 0) return LANGUAGES.map((lang) => ({ lang, explicit: false }));
    return [...new Set(names)].map((name) => {
      const lang = findLanguage(name);
      if (lang === undefined) throw new UsageError(`unknown language "${name}" (known: ${LANGUAGES.map((l) => l.name).join(", ")})`);
      return { lang, explicit: true };
    });
  }
  const failures = args.failures === undefined ? {} : { failureList: resolve(args.failures) };
  if (args.testee !== undefined) {
    if (names.length > 1) throw new UsageError("--testee runs one language; name it with a single --lang");
    let command: string[];
    try {
      command = splitCommand(args.testee);
    } catch (e) {
      throw new UsageError(`--testee: ${(e as Error).message}`);
    }
    if (command.length === 0) throw new UsageError("--testee needs a command");
    const name = names[0] ?? "custom";
    const lang: Language = { name, description: `the testee ${args.testee}`, command, requires: [], build: "", cwd: process.cwd() };
    return [{ lang, explicit: true, ...failures }];
  }
  if (args.failures !== undefined && names.length !== 1) throw new UsageError("--failures names the list of one language; pass a single --lang");
  if (names.length === 0) return LANGUAGES.map((lang) => ({ lang, explicit: false }));
  return names.map((name) => {
    const lang = findLanguage(name);
    if (lang === undefined) throw new UsageError(`unknown language "${name}" (known: ${LANGUAGES.map((l) => l.name).join(", ")}; or pass --testee CMD)`);
    return { lang, explicit: true, ...failures };
  });
}
