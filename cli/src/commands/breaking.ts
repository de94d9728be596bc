/**
 * `vmp breaking --against REF|FILE`: every change between an earlier version of the spec and this one, classed as
 * wire-breaking, source-breaking, compatible or documentation (core/src/ir/diff.ts), whether `x-vmp-version` moved
 * as SPEC §11.3 requires, and as evidence the earlier spec's examples decoded by the new one. Exit 1 on a break the
 * version does not announce.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type { Argv } from "yargs";
import { formatPath, UsageError, VmpError } from "../../../core/src/errors.js";
import { buildIr, loadSpec, type LoadedSpec } from "../../../core/src/ir/build.js";
import { diffSpecs, isAnnounced, requiredBump, type SpecChange } from "../../../core/src/ir/diff.js";
import { lintSpec } from "../../../core/src/ir/lint.js";
import { repoRoot, SPEC_PATH } from "../../../core/src/repo.js";
import { canonicalize, refTo } from "../../../reference/src/schema/canonical.js";
import { Spec } from "../../../reference/src/schema/spec.js";
import { validate } from "../../../reference/src/schema/validate.js";
import { parseJsonForm } from "../../../reference/src/value/json-form.js";
import { decode } from "../../../reference/src/wire/decode.js";
import { encode } from "../../../reference/src/wire/encode.js";
import type { Command } from "../command.js";
import { createHash } from "node:crypto";

interface Args {
  against: string;
  spec?: string;
  json: boolean;
}

/** One example of the earlier spec, re-read by the new one. */
interface Evidence {
  readonly type: string;
  readonly example: number;
  readonly ok: boolean;
  readonly error?: string;
}

const CLASS_TITLES: Record<SpecChange["class"], string> = {
  wire: "wire-breaking",
  source: "source-breaking",
  compatible: "compatible",
  docs: "documentation",
};

export const breakingCommand: Command<Args> = {
  command: "breaking",
  describe: "List the changes since an earlier spec, and fail on a break its version does not announce",
  builder: (y: Argv) =>
    y
      .option("against", { type: "string", demandOption: true, describe: "the earlier spec: a file, or a git revision (its copy of the same spec file)" })
      .option("spec", { type: "string", describe: `the new spec (default: ${SPEC_PATH})` })
      .option("json", { type: "boolean", default: false, describe: "print a JSON report for machines" }) as unknown as Argv<Args>,
  examples: [
    ["$0 breaking --against HEAD", "what the uncommitted spec edit changes"],
    ["$0 breaking --against old.schema.json --spec new.schema.json", "compare two files"],
  ],
  run(args, io) {
    const next = loadSpec(resolve(args.spec ?? resolve(repoRoot(), SPEC_PATH)), repoRoot());
    const old = readEarlier(args.against, resolve(args.spec ?? resolve(repoRoot(), SPEC_PATH)));
    for (const [name, s] of [["the earlier spec", old], ["the new spec", next]] as const) {
      const findings = lintSpec(s.doc);
      if (findings.length > 0) throw new UsageError(`${name} (${s.file}) does not lint: ${findings[0]!.message}`);
    }
    const [oldIr, newIr] = [buildIr(old), buildIr(next)];
    const changes = diffSpecs(oldIr, newIr);
    const from = oldIr.source.version;
    const to = newIr.source.version;
    const needed = requiredBump(changes);
    const announced = isAnnounced(changes, from, to);
    const evidence = examples(old, next, changes);
    if (args.json) {
      io.out(JSON.stringify({ from, to, needed, announced, changes, evidence }, null, 2));
      return announced ? 0 : 1;
    }
    if (changes.length === 0) io.out("no changes");
    for (const cls of ["wire", "source", "compatible", "docs"] as const) {
      const group = changes.filter((c) => c.class === cls);
      if (group.length === 0) continue;
      io.out(`${CLASS_TITLES[cls]} (${group.length}):`);
      for (const c of group) io.out(`  ${c.kind}: ${c.message} (${c.pointer})`);
    }
    const rejected = evidence.filter((e) => !e.ok);
    if (evidence.length > 0) {
      io.out(`examples of the earlier spec read by the new one: ${evidence.length - rejected.length} of ${evidence.length} still valid`);
      for (const e of rejected) io.out(`  ${e.type} example ${e.example}: ${e.error}`);
    }
    const verdict = announced ? "announced" : `NOT announced: these changes need a ${needed} version (SPEC §11.3)`;
    io.out(`x-vmp-version ${from} -> ${to}: ${verdict}`);
    return announced ? 0 : 1;
  },
};

/** The earlier spec: a file, or the same spec file at a git revision. */
function readEarlier(against: string, specPath: string): LoadedSpec {
  if (existsSync(against)) return loadSpec(resolve(against), repoRoot());
  const dir = dirname(specPath);
  let top: string;
  let text: string;
  try {
    top = execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
    text = execFileSync("git", ["show", `${against}:${relative(top, specPath).split("\\").join("/")}`], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim();
    throw new UsageError(`--against ${against} is neither a file nor a git revision holding ${relative(process.cwd(), specPath)}${stderr ? ` (${stderr.split("\n")[0]})` : ""}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${against}:${relative(top, specPath)} is not valid JSON: ${(e as Error).message}`);
  }
  return { file: `${against}:${relative(top, specPath)}`, text, doc, sha256: createHash("sha256").update(text).digest("hex") };
}

/**
 * The earlier spec's message examples, written canonically by the earlier spec and validated by the new one (as
 * the same type, or its new name after a rename; by etype when the type is gone).
 */
function examples(old: LoadedSpec, next: LoadedSpec, changes: readonly SpecChange[]): Evidence[] {
  const before = new Spec(old);
  const after = new Spec(next);
  const defs = (old.doc as { $defs: Record<string, { examples?: unknown[] }> }).$defs;
  const renames = new Map(
    changes.filter((c) => c.kind === "type-renamed").map((c) => [/type (\S+) is now (\S+)/.exec(c.message)![1]!, /type (\S+) is now (\S+)/.exec(c.message)![2]!]),
  );
  const out: Evidence[] = [];
  for (const m of before.ir.messages) {
    (defs[m.name]?.examples ?? []).forEach((example, i) => {
      let bytes: Uint8Array;
      try {
        const value = parseJsonForm(JSON.stringify(example));
        if (validate(value, before, { type: m.name }).errors.length > 0) return; // not an example of the earlier spec itself
        bytes = encode(canonicalize(value, refTo(m.name), before));
      } catch {
        return;
      }
      const name = renames.get(m.name) ?? m.name;
      const type = after.ir.types.has(name) ? { type: name } : {};
      try {
        const { errors } = validate(decode(bytes), after, type);
        const e = errors[0];
        out.push(e === undefined ? { type: m.name, example: i, ok: true } : { type: m.name, example: i, ok: false, error: `${e.kind} at ${formatPath(e.path)}: ${e.reason}` });
      } catch (e) {
        if (!(e instanceof VmpError)) throw e;
        out.push({ type: m.name, example: i, ok: false, error: e.message });
      }
    });
  }
  return out;
}
