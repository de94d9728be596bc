/**
 * The differential fuzzer: mutated conformance vectors (mutate.ts) go to every testee as `reencode` requests in
 * lossless mode, and each answer is judged against the reference testee's (judge.ts). The testees are the
 * conformance runner's: started from the language table (conformance/src/runner-langs.ts) and driven by its
 * `TesteeProcess`, restarted after a crash. A run has a seed and a time budget; the same seed replays the same
 * inputs. Each distinct finding keeps its first input, minimised at the end while it still shows the finding.
 */
import { loadManifests } from "../../src/runner-cases.js";
import { findLanguage, missingFiles } from "../../src/runner-langs.js";
import { TesteeProcess, type Outcome } from "../../src/runner-testee.js";
import type { Request, VectorOptions } from "../../src/protocol.js";
import { answerOf, describeAnswer, FAILING, judgeAnswers, type Answer, type Finding, type FindingClass } from "./judge.js";
import { minimize } from "./minimize.js";
import { Corpus, Mutator, type FuzzInput, type Seed } from "./mutate.js";
import { Prng } from "./prng.js";

export interface FuzzOptions {
  readonly root: string;
  readonly vectorsDir: string;
  /** Languages to run; the reference (`ref`) is always run, as the oracle. */
  readonly langs: readonly string[];
  readonly seed: number;
  /** Time budget of the fuzzing loop, minimisation excluded. */
  readonly seconds: number;
  /** Stop after this many inputs, whatever the time left. */
  readonly maxInputs?: number;
  /** Seconds a testee may take per request before it counts as hung. */
  readonly timeoutSeconds: number;
  /** Minimise the input of each distinct finding of these classes. */
  readonly minimize: ReadonlySet<FindingClass>;
  /** Progress and warnings. */
  readonly log: (line: string) => void;
}

/** One distinct finding, with the input that first showed it and every testee's answer to it. */
export interface Example {
  readonly finding: Finding;
  readonly type: string;
  readonly options?: VectorOptions;
  readonly hex: string;
  readonly recipe: readonly string[];
  readonly answers: Record<string, string>;
  /** How many inputs showed this finding. */
  count: number;
  minimized?: boolean;
}

export interface FuzzReport {
  readonly seed: number;
  readonly langs: readonly string[];
  /** Languages asked for but not built: skipped, with a warning. */
  readonly notBuilt: readonly string[];
  readonly seeds: number;
  inputs: number;
  seconds: number;
  /** Inputs the oracle accepted; the rest it rejected (or skipped). */
  accepted: number;
  /** Findings per class, all inputs counted. */
  readonly counts: Record<FindingClass, number>;
  /** One example per distinct finding (class, language, answers' kinds). */
  readonly examples: Example[];
  /** Testee restarts after a crash or a hang, per language. */
  readonly restarts: Record<string, number>;
}

/** True when the report has a finding of a failing class (crash, hang, internal, accept/reject, re-encode). */
export function failed(report: FuzzReport): boolean {
  return [...FAILING].some((c) => report.counts[c] > 0);
}

/** The frames of every vector: canonical bytes and alternatives of the valid ones, the inputs of the invalid ones. */
export function loadSeeds(vectorsDir: string): Seed[] {
  const seeds: Seed[] = [];
  for (const m of loadManifests(vectorsDir)) {
    for (const v of m.vectors) {
      const base = { type: v.type, ...(v.options === undefined ? {} : { options: v.options }) };
      const add = (name: string, hex: string | undefined) => {
        if (hex !== undefined) seeds.push({ name, bytes: Uint8Array.from(Buffer.from(hex, "hex")), ...base });
      };
      if (v.valid) {
        add(`${m.manifest}/${v.id}`, v.canonical);
        v.alternatives?.forEach((alt, i) => add(`${m.manifest}/${v.id}:alt${i}`, alt.hex));
      } else add(`${m.manifest}/${v.id}`, v.input);
    }
  }
  return seeds;
}

/** The testees of a run, each restarted on demand after it crashed or hung. */
export class TesteePool {
  private readonly procs = new Map<string, TesteeProcess>();
  readonly restarts: Record<string, number> = {};

  private constructor(
    readonly root: string,
    readonly langs: readonly string[],
    private readonly timeoutMs: number,
  ) {}

  /** Starts the testees of `langs` that are built; the others are returned as `notBuilt`. */
  static async start(root: string, langs: readonly string[], timeoutMs: number, log: (line: string) => void): Promise<{ pool: TesteePool; notBuilt: string[] }> {
    const ready: string[] = [];
    const notBuilt: string[] = [];
    for (const name of langs) {
      const lang = findLanguage(name);
      if (lang === undefined) throw new Error(`unknown language ${JSON.stringify(name)}`);
      const missing = missingFiles(lang, lang.cwd ?? root);
      if (missing.length > 0) {
        if (name === "ref") throw new Error(`the reference testee is not built (${missing.join(", ")} missing): ${lang.build}`);
        log(`warning: ${name} is not built (${missing.join(", ")} missing; build it with: ${lang.build}); fuzzing without it`);
        notBuilt.push(name);
      } else ready.push(name);
    }
    const pool = new TesteePool(root, ready, timeoutMs);
    for (const name of ready) await pool.process(name);
    return { pool, notBuilt };
  }

  /** The live process of a language, started (and greeted) if it is not running. */
  private async process(name: string): Promise<TesteeProcess> {
    const running = this.procs.get(name);
    if (running !== undefined && !running.isDead) return running;
    if (running !== undefined) this.restarts[name] = (this.restarts[name] ?? 0) + 1;
    const lang = findLanguage(name)!;
    const proc = new TesteeProcess(lang.command, lang.cwd ?? this.root);
    const hello = await proc.request({ op: "hello" }, 15_000);
    if (hello.kind !== "response" || hello.response.ok !== true) {
      await proc.close();
      throw new Error(`${name}: the testee did not answer hello (${hello.kind === "response" ? JSON.stringify(hello.response) : hello.message})`);
    }
    this.procs.set(name, proc);
    return proc;
  }

  ask(name: string, request: Request, timeoutMs = this.timeoutMs): Promise<Outcome> {
    return this.process(name).then((p) => p.request(request, timeoutMs));
  }

  /** Every language's answer to `reencode` of one input, asked side by side. */
  async answers(input: Pick<FuzzInput, "bytes" | "type" | "options">, langs: readonly string[] = this.langs, timeoutMs = this.timeoutMs): Promise<Map<string, Answer>> {
    const request: Request = { op: "reencode", type: input.type, hex: Buffer.from(input.bytes).toString("hex"), ...(input.options === undefined ? {} : { options: input.options }) };
    const outcomes = await Promise.all(langs.map((l) => this.ask(l, request, timeoutMs)));
    return new Map(langs.map((l, i) => [l, answerOf(outcomes[i]!)]));
  }

  async close(): Promise<void> {
    await Promise.all([...this.procs.values()].map((p) => p.close()));
  }
}

/** What makes two findings the same: class, language, and the kinds or statuses of both answers. */
function signature(f: Finding, input: FuzzInput, answers: ReadonlyMap<string, Answer>): string {
  const brief = (a: Answer | undefined) => (a === undefined ? "-" : a.status === "rejected" ? a.kind : a.status);
  if (f.class === "reencode") return `reencode ${f.lang} ${input.type}`;
  if (f.class === "crash" || f.class === "hang") return `${f.class} ${f.lang}`;
  return `${f.class} ${f.lang} ${brief(answers.get("ref"))}>${brief(answers.get(f.lang))}`;
}

/** Runs the differential fuzzer; the report says what was found. */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const seeds = loadSeeds(options.vectorsDir);
  const corpus = new Corpus(seeds);
  const langs = ["ref", ...options.langs.filter((l) => l !== "ref")];
  const { pool, notBuilt } = await TesteePool.start(options.root, langs, options.timeoutSeconds * 1000, options.log);
  const report: FuzzReport = {
    seed: options.seed,
    langs: pool.langs,
    notBuilt,
    seeds: seeds.length,
    inputs: 0,
    seconds: 0,
    accepted: 0,
    counts: { crash: 0, hang: 0, internal: 0, "accept-reject": 0, reencode: 0, kind: 0, path: 0 },
    examples: [],
    restarts: pool.restarts,
  };
  const bySignature = new Map<string, Example>();
  const mutator = new Mutator(corpus, new Prng(options.seed));
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  let nextProgress = started + 30_000;
  try {
    while (performance.now() < deadline && (options.maxInputs === undefined || report.inputs < options.maxInputs)) {
      const input = mutator.next();
      const answers = await pool.answers(input);
      report.inputs++;
      if (answers.get("ref")?.status === "accepted") report.accepted++;
      for (const f of judgeAnswers(answers)) {
        report.counts[f.class]++;
        const sig = signature(f, input, answers);
        const seen = bySignature.get(sig);
        if (seen !== undefined) {
          seen.count++;
          continue;
        }
        const example: Example = {
          finding: f,
          type: input.type,
          ...(input.options === undefined ? {} : { options: input.options }),
          hex: Buffer.from(input.bytes).toString("hex"),
          recipe: input.recipe,
          answers: Object.fromEntries([...answers].map(([l, a]) => [l, describeAnswer(a)])),
          count: 1,
        };
        bySignature.set(sig, example);
        report.examples.push(example);
        if (FAILING.has(f.class)) options.log(`found: ${f.class} in ${f.lang}: ${f.detail}`);
      }
      if (performance.now() > nextProgress) {
        nextProgress += 30_000;
        options.log(`… ${report.inputs} inputs in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      }
    }
    report.seconds = (performance.now() - started) / 1000;
    for (const example of report.examples) {
      if (!options.minimize.has(example.finding.class)) continue;
      await minimizeExample(pool, example, options);
    }
  } finally {
    await pool.close();
  }
  return report;
}

/** Shrinks an example's input while the same finding (class and signature) still shows; rewrites the example. */
async function minimizeExample(pool: TesteePool, example: Example, options: FuzzOptions): Promise<void> {
  const { finding } = example;
  const langs = finding.lang === "ref" ? ["ref"] : ["ref", finding.lang];
  // A hang is tried with a shorter limit, so that minimising it takes minutes, not hours.
  const timeoutMs = finding.class === "hang" ? Math.min(2000, options.timeoutSeconds * 1000) : options.timeoutSeconds * 1000;
  const input = { type: example.type, ...(example.options === undefined ? {} : { options: example.options }) };
  const first = await pool.answers({ ...input, bytes: Buffer.from(example.hex, "hex") }, langs, timeoutMs);
  const want = signature(finding, { ...input, bytes: new Uint8Array(), recipe: [] }, first);
  const shows = async (bytes: Uint8Array) => {
    const answers = await pool.answers({ ...input, bytes }, langs, timeoutMs);
    return judgeAnswers(answers).some((f) => f.class === finding.class && f.lang === finding.lang && signature(f, { ...input, bytes, recipe: [] }, answers) === want);
  };
  if (!(await shows(Buffer.from(example.hex, "hex")))) return; // not reproducible on its own (state, timing)
  const smallest = await minimize(Uint8Array.from(Buffer.from(example.hex, "hex")), shows, { maxTries: 2000, maxMs: 60_000 });
  const answers = await pool.answers({ ...input, bytes: smallest }, pool.langs);
  Object.assign(example, {
    hex: Buffer.from(smallest).toString("hex"),
    answers: Object.fromEntries([...answers].map(([l, a]) => [l, describeAnswer(a)])),
    minimized: true,
  });
}

/** The report as text: counts, then each distinct finding with its reproducer and every testee's answer. */
export function formatReport(r: FuzzReport): string {
  const lines: string[] = [];
  const rate = r.seconds > 0 ? Math.round(r.inputs / r.seconds) : 0;
  lines.push(`fuzz: seed ${r.seed}, ${r.inputs} inputs in ${r.seconds.toFixed(1)} s (${rate}/s) from ${r.seeds} seeds; ${r.langs.join(", ")}${r.notBuilt.length ? ` (not built: ${r.notBuilt.join(", ")})` : ""}`);
  lines.push(`  oracle accepted ${r.accepted}, rejected ${r.inputs - r.accepted}`);
  const c = r.counts;
  lines.push(`  crash ${c.crash}, hang ${c.hang}, internal ${c.internal}, accept/reject ${c["accept-reject"]}, re-encode ${c.reencode}`);
  lines.push(`  kind disagreements ${c.kind}, path disagreements ${c.path} (counted: several defects in one input, SPEC §8.1 rule 4)`);
  const restarts = Object.entries(r.restarts).filter(([, n]) => n > 0);
  if (restarts.length) lines.push(`  restarts: ${restarts.map(([l, n]) => `${l} ${n}`).join(", ")}`);
  const order: FindingClass[] = ["crash", "hang", "internal", "accept-reject", "reencode", "kind", "path"];
  const examples = [...r.examples].sort((a, b) => order.indexOf(a.finding.class) - order.indexOf(b.finding.class) || b.count - a.count);
  for (const e of examples) {
    lines.push(``);
    lines.push(`${e.finding.class} in ${e.finding.lang} (${e.count}×): type ${e.type}${e.options ? ` options ${JSON.stringify(e.options)}` : ""}`);
    lines.push(`  hex${e.minimized ? " (minimised)" : ""}: ${e.hex.length > 400 ? `${e.hex.slice(0, 400)}… (${e.hex.length / 2} bytes)` : e.hex}`);
    lines.push(`  recipe: ${e.recipe.join(" → ")}`);
    for (const [lang, answer] of Object.entries(e.answers)) lines.push(`  ${lang}: ${answer}`);
  }
  lines.push(``);
  lines.push(`fuzz: ${failed(r) ? "FAILED" : "ok"}`);
  return lines.join("\n");
}
