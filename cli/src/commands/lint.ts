/**
 * `vmp lint [SPEC]`: checks the spec against the VMP profile (protocol/PROFILE.md) before any generator runs.
 * What the profile only recommends (a message type's examples) is printed as a warning and does not fail.
 */
import { resolve } from "node:path";
import type { Argv } from "yargs";
import { buildIr, loadSpec } from "../../../core/src/ir/build.js";
import { lintSpec, lintWarnings } from "../../../core/src/ir/lint.js";
import type { Command } from "../command.js";
import { repoRoot, SPEC_PATH } from "../../../core/src/repo.js";

interface Args {
  spec?: string;
}

export const lintCommand: Command<Args> = {
  command: "lint [spec]",
  describe: "Check the spec against the VMP schema profile",
  builder: (y: Argv) =>
    y
      .positional("spec", { type: "string", describe: `the spec file (default: ${SPEC_PATH})` }) as unknown as Argv<Args>,
  examples: [["$0 lint", "lint the repository's spec"]],
  run(args, io) {
    const path = resolve(args.spec ?? `${repoRoot()}/${SPEC_PATH}`);
    const spec = loadSpec(path, process.cwd());
    const findings = lintSpec(spec.doc);
    if (findings.length > 0) {
      for (const f of findings) io.out(`${spec.file}#${f.pointer}: ${f.reason}`);
      io.out(`${findings.length} problem${findings.length === 1 ? "" : "s"}`);
      return 1;
    }
    const warnings = lintWarnings(spec.doc);
    for (const w of warnings) io.out(`${spec.file}#${w.pointer}: warning: ${w.reason}`);
    const ir = buildIr(spec);
    const warned = warnings.length === 0 ? "" : `; ${warnings.length} warning${warnings.length === 1 ? "" : "s"}`;
    io.out(`${spec.file}: ok (${ir.types.size} types, ${ir.messages.length} message types, ${ir.zdata.length} ZData variants; sha256 ${spec.sha256.slice(0, 12)}${warned})`);
    return 0;
  },
};
