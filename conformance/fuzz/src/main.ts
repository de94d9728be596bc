/**
 * `npm run fuzz`: the differential fuzzer (fuzz.ts) from the command line, and the seed corpus of the
 * coverage-guided harnesses (corpus.ts).
 *
 *   npm run fuzz -- --seconds 600 --seed 7            # every built testee, 10 minutes
 *   npm run fuzz -- --lang ts,py --inputs 100000      # ref, ts and py, 100000 inputs
 *   npm run fuzz -- --json report.json                # the whole report, every example, for machines
 *   node dist/conformance/fuzz/src/main.js corpus DIR # write the seed corpus of the coverage-guided harnesses
 *
 * Exit code: 0 when nothing failing was found, 1 on a crash, hang, Internal error, accept/reject or re-encode
 * disagreement, 2 on a usage error.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "../../../core/src/repo.js";
import { LANGUAGES } from "../../src/runner-langs.js";
import { writeCorpus } from "./corpus.js";
import { failed, formatReport, fuzz } from "./fuzz.js";
import { FAILING, type FindingClass } from "./judge.js";

const USAGE = `usage: npm run fuzz -- [--seed N] [--seconds S] [--inputs N] [--lang L,...] [--timeout S] [--no-minimize] [--json FILE]
       node dist/conformance/fuzz/src/main.js corpus DIR`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      seed: { type: "string" },
      seconds: { type: "string", default: "60" },
      inputs: { type: "string" },
      lang: { type: "string", multiple: true },
      timeout: { type: "string", default: "10" },
      "no-minimize": { type: "boolean", default: false },
      json: { type: "string" },
      vectors: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const root = repoRoot();
  const vectorsDir = values.vectors ?? join(root, "conformance/vectors");
  if (positionals[0] === "corpus") {
    if (positionals.length !== 2) throw new UsageError("corpus needs one directory");
    const n = writeCorpus(vectorsDir, positionals[1]!);
    console.log(`wrote ${n} seeds to ${positionals[1]}`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unknown argument ${positionals[0]}`);
  const number = (name: string, text: string | undefined, min: number): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number of at least ${min}, not ${JSON.stringify(text)}`);
    return n;
  };
  const seed = number("seed", values.seed, 0) ?? Math.floor(Math.random() * 2 ** 31);
  const langs = (values.lang ?? LANGUAGES.map((l) => l.name)).flatMap((l) => l.split(",")).filter((l) => l !== "");
  const report = await fuzz({
    root,
    vectorsDir,
    langs,
    seed,
    seconds: number("seconds", values.seconds, 0)!,
    ...(values.inputs === undefined ? {} : { maxInputs: number("inputs", values.inputs, 1)! }),
    timeoutSeconds: number("timeout", values.timeout, 0.1)!,
    minimize: new Set<FindingClass>(values["no-minimize"] ? [] : [...FAILING]),
    log: (line) => console.error(line),
  });
  console.log(formatReport(report));
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  return failed(report) ? 1 : 0;
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(`fuzz: ${e instanceof Error ? e.message : String(e)}`);
    if (!(e instanceof UsageError)) console.error(USAGE);
    process.exitCode = e instanceof UsageError || (e instanceof TypeError && "code" in e) ? 2 : 1;
  },
);
