/**
 * `vmp generate [--lang ts|py|rs|all] [--check]`: spec → lint → IR → emitter → formatted files, written under
 * generated/<lang>/ (only the files whose content changed), or with --check compared byte for byte with what is
 * there, naming every file that differs, is missing or is stale.
 */
import { basename, join, relative, resolve } from "node:path";
import type { Argv } from "yargs";
import { buildIr, loadSpec, type LoadedSpec } from "../../../core/src/ir/build.js";
import { lintSpec } from "../../../core/src/ir/lint.js";
import type { OutputFile } from "../../../generators/common/output.js";
import { DEFAULT_PACKAGE_NAME, invalidPackageName } from "../../../generators/common/package-name.js";
import { findLanguage, LANGUAGES } from "../../../generators/registry.js";
import { UsageError } from "../../../core/src/errors.js";
import type { Command, Io } from "../command.js";
import { repoRoot, SPEC_PATH } from "../../../core/src/repo.js";

interface Args {
  lang: string;
  check: boolean;
  spec?: string;
  out?: string;
  name?: string;
}

export const generateCommand: Command<Args> = {
  command: "generate",
  describe: "Generate the language bindings from the spec (or --check the committed ones)",
  builder: (y: Argv) =>
    y
      .option("lang", { choices: [...LANGUAGES.map((l) => l.id), "all"], default: "all", describe: "the bindings to generate (all: every registered language)" })
      .option("check", { type: "boolean", default: false, describe: "write nothing; fail if the files under the output directory differ from what the spec produces" })
      .option("spec", { type: "string", describe: `the spec file (default: ${SPEC_PATH})` })
      .option("out", { type: "string", describe: "the output directory, one folder per language (default: generated)" })
      .option("name", {
        type: "string",
        describe: `the packages' name: npm package, Python distribution and crate (import and lib name with - as _); their docs then speak of the spec (default: ${DEFAULT_PACKAGE_NAME})`,
      }) as unknown as Argv<Args>,
  examples: [
    ["$0 generate --check", "verify that every committed binding is what the spec produces"],
    ["$0 generate --lang ts --out build", "write the TypeScript package to build/ts instead of generated/ts"],
    ["$0 generate --spec protocol/vmp.schema.json --lang py --out named --name my-robot-proto", "write the Python package my-robot-proto (import my_robot_proto) to named/python"],
  ],
  async run(args, io) {
    const root = repoRoot();
    const langs = args.lang === "all" ? LANGUAGES : [findLanguage(args.lang) ?? usage(`no ${args.lang} emitter`)];
    if (args.name !== undefined) {
      const problem = invalidPackageName(args.name);
      if (problem !== undefined) usage(problem);
    }
    const spec = readSpec(args.spec, root);
    const findings = lintSpec(spec.doc);
    if (findings.length > 0) {
      for (const f of findings) io.err(`${spec.file}#${f.pointer}: ${f.reason}`);
      io.err(`${findings.length} lint problem${findings.length === 1 ? "" : "s"}; nothing generated`);
      return 1;
    }
    const ir = buildIr(spec);
    const outRoot = resolve(args.out ?? join(root, "generated"));
    let problems = 0;
    for (const lang of langs) {
      const emitter = await lang.load();
      const files = await emitter.generate(ir, { spec, root, ...(args.name !== undefined ? { name: args.name } : {}) });
      const dir = join(outRoot, lang.outDir);
      problems += args.check ? await check(dir, files, io) : await write(dir, files, io);
    }
    return problems === 0 ? 0 : 1;
  },
};

/**
 * The spec, named in headers by its path from the repository root (`protocol/vmp.schema.json`); a spec outside the
 * repository by its file name, so that output never depends on where the command runs.
 */
function readSpec(path: string | undefined, root: string): LoadedSpec {
  const abs = resolve(path ?? join(root, SPEC_PATH));
  const spec = loadSpec(abs, root);
  return spec.file.startsWith("../") || spec.file.startsWith("/") ? { ...spec, file: basename(abs) } : spec;
}

async function write(dir: string, files: readonly OutputFile[], io: Io): Promise<number> {
  const { syncFiles } = await import("../../../generators/common/output.js");
  const report = syncFiles(dir, files);
  const shown = display(dir);
  for (const path of report.written) io.out(`wrote ${shown}/${path}`);
  for (const path of report.removed) io.out(`removed ${shown}/${path} (no longer generated)`);
  io.out(`${shown}: ${files.length} files (${report.written.length} written, ${report.unchanged.length} unchanged, ${report.removed.length} removed)`);
  return 0;
}

async function check(dir: string, files: readonly OutputFile[], io: Io): Promise<number> {
  const { checkFiles } = await import("../../../generators/common/output.js");
  const problems = checkFiles(dir, files);
  const shown = display(dir);
  const what = { differs: "differs from what the spec produces", missing: "is missing", stale: "is stale (not generated from the spec)" };
  for (const p of problems) io.err(`${shown}/${p.path}: ${what[p.problem]}`);
  if (problems.length === 0) io.out(`generate --check: ${shown} is up to date (${files.length} files)`);
  else io.err(`generate --check: ${problems.length} file${problems.length === 1 ? "" : "s"} out of date in ${shown}; run 'vmp generate'`);
  return problems.length;
}

function display(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel === "" ? "." : rel.startsWith("..") ? dir : rel;
}

function usage(message: string): never {
  throw new UsageError(message);
}
