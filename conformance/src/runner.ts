/**
 * The conformance runner: every vector, as cases (runner-cases.ts), sent to each language's testee over the
 * testee protocol (protocol.ts, conformance/README.md), judged (runner-compare.ts), and held against the
 * language's failure list with ratchet semantics (runner-failures.ts). A testee that crashes, hangs or writes
 * garbage fails the case it was working on and is restarted for the next one; one that keeps failing is given up
 * on, and the cases left are reported as not run. Nothing here prints: `formatReport` (runner-report.ts) does.
 */
import { isAbsolute, join, relative } from "node:path";
import { VECTOR_OPS } from "./protocol.js";
import { casesOf, loadManifests, nameFilter, type Case } from "./runner-cases.js";
import { judge, type Verdict } from "./runner-compare.js";
import { readFailureList, writeFailureList } from "./runner-failures.js";
import { buildProblem, type Language } from "./runner-langs.js";
import { TesteeProcess } from "./runner-testee.js";

/** The per-request time limit unless `timeoutMs` says otherwise. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * Starting a testee (a Python import of numpy, a JIT warming up, a binding loading its schema) may take longer
 * than a request: `hello` gets at least this long.
 */
const MIN_START_TIMEOUT_MS = 15_000;
/** A testee that fails this many requests in a row without one answer in between is given up on. */
const MAX_CONSECUTIVE_DEATHS = 5;
/** …and so is one that had to be restarted this many times in one run. */
const MAX_RESTARTS = 50;

export interface LanguageRun {
  readonly lang: Language;
  /** Named on the command line: a testee that is not built then fails the run. */
  readonly explicit: boolean;
  /** The failure list (default: `conformance/failures/<name>.txt` under the root). */
  readonly failureList?: string;
}

export interface RunOptions {
  /** The repository root: testees run here unless their language says otherwise. */
  readonly root: string;
  readonly languages: readonly LanguageRun[];
  /** Default: `conformance/vectors` under the root. */
  readonly vectorsDir?: string;
  /** Substrings or globs on case names; a case runs when any matches (none: every case). */
  readonly filter?: readonly string[];
  /** Rewrite each failure list to the cases that fail now. */
  readonly fix?: boolean;
  readonly timeoutMs?: number;
}

export interface CaseFailure {
  readonly name: string;
  readonly detail: string;
  /** Listed in the failure list, so not fatal. */
  readonly listed: boolean;
}

export interface LanguageReport {
  readonly name: string;
  readonly description: string;
  readonly command: string;
  /** `not built`: a required file is missing; `unavailable`: the testee would not start or answer `hello`. */
  readonly status: "ran" | "not built" | "unavailable";
  readonly message?: string;
  readonly explicit: boolean;
  readonly testee?: { readonly name: string; readonly version: string; readonly ops: readonly string[] };
  readonly cases: number;
  readonly passed: number;
  readonly failed: number;
  readonly expectedFailures: number;
  readonly skipped: number;
  /** Skip reasons, most frequent first. */
  readonly skipReasons: readonly { readonly reason: string; readonly count: number }[];
  /** Every failing case, listed or not, in run order. */
  readonly failures: readonly CaseFailure[];
  /** Listed cases that pass: remove them from the list. */
  readonly nowPassing: readonly string[];
  /** Listed names that are no case at all: remove them from the list. */
  readonly stale: readonly string[];
  readonly failureList: string;
  /** Set by `fix`: how many names the rewritten list holds. */
  readonly fixed?: number;
  readonly restarts: number;
  readonly durationMs: number;
  readonly ok: boolean;
}

export interface RunReport {
  readonly ok: boolean;
  readonly vectors: number;
  /** Cases selected by the filter (per language). */
  readonly cases: number;
  readonly filter: readonly string[];
  readonly languages: readonly LanguageReport[];
  readonly durationMs: number;
}

export async function runConformance(options: RunOptions): Promise<RunReport> {
  const started = Date.now();
  const manifests = loadManifests(options.vectorsDir ?? join(options.root, "conformance", "vectors"));
  const all = casesOf(manifests);
  const selected = all.filter((c) => nameFilter(options.filter ?? [])(c.name));
  const names = new Set(all.map((c) => c.name));
  const languages: LanguageReport[] = [];
  // A filter that selects nothing starts no testee (the caller decides whether that is an error).
  if (selected.length > 0) for (const run of options.languages) languages.push(await runLanguage(run, selected, names, options));
  return {
    ok: languages.every((l) => l.ok),
    vectors: manifests.reduce((n, m) => n + m.vectors.length, 0),
    cases: selected.length,
    filter: options.filter ?? [],
    languages,
    durationMs: Date.now() - started,
  };
}

async function runLanguage(run: LanguageRun, cases: readonly Case[], allNames: ReadonlySet<string>, options: RunOptions): Promise<LanguageReport> {
  const { lang } = run;
  const started = Date.now();
  const cwd = lang.cwd ?? options.root;
  const listFile = run.failureList ?? join(options.root, "conformance", "failures", `${lang.name}.txt`);
  const base = {
    name: lang.name,
    description: lang.description,
    command: lang.command.join(" "),
    explicit: run.explicit,
    failureList: displayPath(options.root, listFile),
  };
  const empty = { cases: cases.length, passed: 0, failed: 0, expectedFailures: 0, skipped: 0, skipReasons: [], failures: [], nowPassing: [], stale: [], restarts: 0 };
  const message = buildProblem(lang, cwd);
  if (message !== undefined) {
    return { ...base, ...empty, status: "not built", message, durationMs: 0, ok: !run.explicit };
  }

  const session = new Session(lang.command, cwd, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const startError = await session.start();
  if (startError !== undefined) {
    await session.close();
    return { ...base, ...empty, status: "unavailable", message: startError, durationMs: Date.now() - started, ok: false };
  }
  const verdicts: [Case, Verdict][] = [];
  for (const c of cases) verdicts.push([c, await session.run(c)]);
  await session.close();

  const list = readFailureList(listFile, lang.name);
  const failures: CaseFailure[] = [];
  const nowPassing: string[] = [];
  const skipReasons = new Map<string, number>();
  let passed = 0;
  for (const [c, v] of verdicts) {
    const listed = list.entries.has(c.name);
    if (v.status === "pass") {
      passed++;
      if (listed) nowPassing.push(c.name);
    } else if (v.status === "fail") failures.push({ name: c.name, detail: v.detail, listed });
    else skipReasons.set(v.reason, (skipReasons.get(v.reason) ?? 0) + 1);
  }
  const stale = [...list.entries.keys()].filter((n) => !allNames.has(n));
  let fixed: number | undefined;
  if (options.fix) {
    // Names of cases this run did not select (a --filter) keep their place; the rest become the current failures.
    const ran = new Set(cases.map((c) => c.name));
    const kept = [...list.entries.keys()].filter((n) => !ran.has(n) && allNames.has(n));
    fixed = writeFailureList(list, [...kept, ...failures.map((f) => f.name)]);
  }
  const unexpected = failures.filter((f) => !f.listed).length;
  const report: LanguageReport = {
    ...base,
    status: "ran",
    testee: session.hello,
    cases: cases.length,
    passed,
    failed: failures.length,
    expectedFailures: failures.length - unexpected,
    skipped: [...skipReasons.values()].reduce((a, b) => a + b, 0),
    skipReasons: [...skipReasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1)),
    failures,
    nowPassing,
    stale,
    restarts: session.restarts,
    durationMs: Date.now() - started,
    ok: fixed !== undefined || (unexpected === 0 && nowPassing.length === 0 && stale.length === 0),
    ...(fixed === undefined ? {} : { fixed }),
  };
  return report;
}

/** A path as reports show it: relative to the root when inside it. */
export function displayPath(root: string, file: string): string {
  const rel = relative(root, file);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}

/**
 * A language's testee across restarts: starts it, says hello, runs cases, and gives up when it must. The
 * producer × consumer matrix (runner-matrix.ts) shares it.
 */
export class Session {
  hello: { name: string; version: string; ops: string[] } | undefined;
  restarts = 0;
  private proc: TesteeProcess | undefined;
  private deathsInARow = 0;
  private givenUp: string | undefined;

  constructor(
    private readonly command: readonly string[],
    private readonly cwd: string,
    private readonly timeoutMs: number,
  ) {}

  /** Starts the testee and checks its `hello`; returns what went wrong, or undefined. */
  async start(): Promise<string | undefined> {
    this.proc = new TesteeProcess(this.command, this.cwd);
    const outcome = await this.proc.request({ op: "hello" }, Math.max(this.timeoutMs, MIN_START_TIMEOUT_MS));
    if (outcome.kind !== "response") return `${this.command.join(" ")}: ${outcome.message}`;
    const r = outcome.response;
    if (r.ok !== true || typeof r.name !== "string" || typeof r.version !== "string" || !Array.isArray(r.ops)) {
      return `${this.command.join(" ")} answered hello with ${JSON.stringify(r).slice(0, 120)}; expected {"ok": true, "name", "version", "ops"}`;
    }
    this.hello = { name: r.name, version: r.version, ops: r.ops.filter((o): o is string => typeof o === "string") };
    return undefined;
  }

  async run(c: Case): Promise<Verdict> {
    const answer = await this.send(c.request);
    return "response" in answer ? judge(c, answer.response) : answer;
  }

  /**
   * Sends one request (restarting the testee first if it died) and returns its raw answer, or the verdict that
   * stands in for one: a skip for an op the testee does not list, a failure when it died, hung or was given up on.
   */
  async send(request: Case["request"]): Promise<{ readonly response: Record<string, unknown> } | Exclude<Verdict, { status: "pass" }>> {
    if (this.givenUp !== undefined) return { status: "fail", detail: `not run: ${this.givenUp}` };
    if (!(this.hello?.ops ?? VECTOR_OPS).includes(request.op)) return { status: "skip", reason: `testee does not support ${request.op}` };
    if (this.proc === undefined || this.proc.isDead) {
      this.restarts++;
      await this.proc?.close();
      const error = await this.start();
      if (error !== undefined) {
        this.givenUp = `the testee could not be restarted (${error})`;
        return { status: "fail", detail: `not run: ${this.givenUp}` };
      }
    }
    const outcome = await this.proc!.request(request, this.timeoutMs);
    if (outcome.kind === "response") {
      this.deathsInARow = 0;
      return { response: outcome.response };
    }
    this.deathsInARow++;
    if (this.deathsInARow >= MAX_CONSECUTIVE_DEATHS) this.givenUp = `the testee failed ${this.deathsInARow} requests in a row; given up`;
    else if (this.restarts >= MAX_RESTARTS) this.givenUp = `the testee was restarted ${this.restarts} times; given up`;
    return { status: "fail", detail: outcome.message };
  }

  async close(): Promise<void> {
    await this.proc?.close();
  }
}
