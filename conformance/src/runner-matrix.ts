/**
 * The producer × consumer matrix (`vmp conformance --matrix`): for every valid vector, each language (producer P)
 * encodes the vector's value, and every language (consumer C, P itself included) decodes P's bytes, which must
 * give the vector's value, and relays them (`reencode`, a lossless decode then encode), which must give P's bytes
 * back exactly. Each (vector, P, C, check) is one case, `MANIFEST/VECTOR_ID:P>C:decode` or `…:P>C:relay`, held
 * against `conformance/failures/matrix.txt` with the same ratchet semantics as the single-language lists.
 *
 * Each testee is started once and reused for every request; the testees work side by side (all producers encode,
 * then all consumers decode and relay), so a run takes about as long as its slowest language. Producers that
 * agree on a vector's bytes make the same request of a consumer, so it is sent once and its verdict shared.
 */
import { join } from "node:path";
import type { VectorOptions } from "./protocol.js";
import { loadManifests, nameFilter, type Case, type Vector } from "./runner-cases.js";
import { judge, type Verdict } from "./runner-compare.js";
import { readFailureList, writeFailureList } from "./runner-failures.js";
import { buildProblem } from "./runner-langs.js";
import { DEFAULT_TIMEOUT_MS, displayPath, Session, type CaseFailure, type LanguageRun } from "./runner.js";

export const MATRIX_CHECKS = ["decode", "relay"] as const;
export type MatrixCheck = (typeof MATRIX_CHECKS)[number];

export interface MatrixOptions {
  readonly root: string;
  /** The languages of the matrix: each is a producer and a consumer. */
  readonly languages: readonly LanguageRun[];
  readonly vectorsDir?: string;
  /** Substrings or globs on matrix case names (`events/*:ts>py:*`); a case runs when any matches. */
  readonly filter?: readonly string[];
  /** Rewrite the matrix failure list to the cases that fail now. */
  readonly fix?: boolean;
  /** Default: `conformance/failures/matrix.txt` under the root. */
  readonly failureList?: string;
  readonly timeoutMs?: number;
}

/** One language of the matrix: ran, or left out because it is not built or would not start. */
export interface MatrixLanguage {
  readonly name: string;
  readonly description: string;
  readonly command: string;
  readonly status: "ran" | "not built" | "unavailable";
  readonly message?: string;
  readonly explicit: boolean;
  readonly testee?: { readonly name: string; readonly version: string; readonly ops: readonly string[] };
  readonly restarts: number;
}

export interface CellCount {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Cases of this cell selected by the filter: passed + failed + skipped. */
  readonly total: number;
}

export interface MatrixCell {
  readonly producer: string;
  readonly consumer: string;
  readonly decode: CellCount;
  readonly relay: CellCount;
}

export interface MatrixReport {
  readonly ok: boolean;
  /** Valid vectors with at least one selected case. */
  readonly vectors: number;
  /** Cases selected by the filter, over the languages that ran. */
  readonly cases: number;
  readonly filter: readonly string[];
  readonly languages: readonly MatrixLanguage[];
  /** The languages that ran, in order: the rows (producers) and the columns (consumers). */
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
  /** Row by row: producers[i] × consumers[j] is cells[i * consumers.length + j]. */
  readonly cells: readonly MatrixCell[];
  readonly passed: number;
  readonly failed: number;
  readonly expectedFailures: number;
  readonly skipped: number;
  readonly skipReasons: readonly { readonly reason: string; readonly count: number }[];
  /** Every failing case, listed or not, vector by vector. */
  readonly failures: readonly CaseFailure[];
  readonly nowPassing: readonly string[];
  readonly stale: readonly string[];
  readonly failureList: string;
  readonly fixed?: number;
  readonly durationMs: number;
}

/** The name of a matrix case. */
export function matrixCaseName(manifest: string, vectorId: string, producer: string, consumer: string, check: MatrixCheck): string {
  return `${manifest}/${vectorId}:${producer}>${consumer}:${check}`;
}

/** Splits a matrix case name; undefined when it is not one. */
export function parseMatrixCaseName(name: string): { vector: string; producer: string; consumer: string; check: MatrixCheck } | undefined {
  const m = /^(.+):([^:>\s]+)>([^:>\s]+):(decode|relay)$/.exec(name);
  return m === null ? undefined : { vector: m[1]!, producer: m[2]!, consumer: m[3]!, check: m[4] as MatrixCheck };
}

export function matrixHeader(): string[] {
  return [
    "# Producer x consumer cases known to fail (vmp conformance --matrix).",
    "# One case name per line (MANIFEST/VECTOR_ID:PRODUCER>CONSUMER:decode or :relay); '#' starts a comment.",
    "# Ratchet: a listed case that fails is expected, a listed case that passes fails the run until it is removed,",
    "# so this list only shrinks. 'vmp conformance --matrix --fix' rewrites it to exactly the current failures.",
  ];
}

interface Slot {
  readonly vector: Vector;
  readonly base: string;
  readonly options: { options?: VectorOptions };
}

export async function runMatrix(options: MatrixOptions): Promise<MatrixReport> {
  const started = Date.now();
  const filter = nameFilter(options.filter ?? []);
  const listFile = options.failureList ?? join(options.root, "conformance", "failures", "matrix.txt");
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const manifests = loadManifests(options.vectorsDir ?? join(options.root, "conformance", "vectors"));
  const slots: Slot[] = manifests.flatMap((m) =>
    m.vectors.filter((v) => v.valid).map((v) => ({ vector: v, base: `${m.manifest}/${v.id}`, options: v.options === undefined ? {} : { options: v.options } })),
  );
  const known = new Set(slots.map((s) => s.base));

  // Start every testee that is built, side by side.
  const languages: MatrixLanguage[] = [];
  const sessions: { name: string; session: Session }[] = [];
  const anySelected = (names: readonly string[]) => slots.some((s) => names.some((p) => names.some((c) => MATRIX_CHECKS.some((k) => filter(`${s.base}:${p}>${c}:${k}`)))));
  const runnable = options.languages.filter((r) => buildProblem(r.lang, r.lang.cwd ?? options.root) === undefined);
  const willStart = anySelected(runnable.map((r) => r.lang.name));
  const started_ = await Promise.all(
    options.languages.map(async (run): Promise<[MatrixLanguage, Session | undefined]> => {
      const { lang } = run;
      const base = { name: lang.name, description: lang.description, command: lang.command.join(" "), explicit: run.explicit, restarts: 0 };
      const cwd = lang.cwd ?? options.root;
      const message = buildProblem(lang, cwd);
      if (message !== undefined) {
        return [{ ...base, status: "not built", message }, undefined];
      }
      if (!willStart) return [{ ...base, status: "ran" }, undefined];
      const session = new Session(lang.command, cwd, timeoutMs);
      const error = await session.start();
      if (error !== undefined) {
        await session.close();
        return [{ ...base, status: "unavailable", message: error }, undefined];
      }
      return [{ ...base, status: "ran", ...(session.hello === undefined ? {} : { testee: session.hello }) }, session];
    }),
  );
  for (const [language, session] of started_) {
    languages.push(language);
    if (session !== undefined) sessions.push({ name: language.name, session });
  }
  const names = sessions.map((s) => s.name);
  const selected = (s: Slot, p: string, c: string, k: MatrixCheck) => filter(`${s.base}:${p}>${c}:${k}`);
  const vectorSlots = slots.filter((s) => names.some((p) => names.some((c) => MATRIX_CHECKS.some((k) => selected(s, p, c, k)))));

  // 1. Every producer encodes every vector it has a selected case for.
  type Encoded = { hex: string } | { verdict: Exclude<Verdict, { status: "pass" }> };
  const encoded = new Map<string, Encoded[]>(); // producer -> per vectorSlots index
  await Promise.all(
    sessions.map(async ({ name: p, session }) => {
      const out: Encoded[] = [];
      for (const s of vectorSlots) {
        if (!names.some((c) => MATRIX_CHECKS.some((k) => selected(s, p, c, k)))) {
          out.push({ verdict: { status: "skip", reason: "not selected" } });
          continue;
        }
        const answer = await session.send({ op: "encode", type: s.vector.type, value: s.vector.value, ...s.options });
        out.push(encodeResult(answer));
      }
      encoded.set(p, out);
    }),
  );

  // 2. Every consumer decodes and relays every producer's bytes.
  const verdicts = new Map<string, Verdict>(); // case name -> verdict
  await Promise.all(
    sessions.map(async ({ name: c, session }) => {
      for (let i = 0; i < vectorSlots.length; i++) {
        const s = vectorSlots[i]!;
        const asked = new Map<string, Verdict>();
        for (const p of names) {
          const e = encoded.get(p)![i]!;
          for (const k of MATRIX_CHECKS) {
            if (!selected(s, p, c, k)) continue;
            const name = `${s.base}:${p}>${c}:${k}`;
            if ("verdict" in e) {
              verdicts.set(name, e.verdict.status === "skip" ? { status: "skip", reason: `${p} skipped encode: ${e.verdict.reason}` } : { status: "fail", detail: `${p} could not encode: ${e.verdict.detail}` });
              continue;
            }
            const request = k === "decode" ? ({ op: "decode", type: s.vector.type, hex: e.hex, ...s.options } as const) : ({ op: "reencode", type: s.vector.type, hex: e.hex, ...s.options } as const);
            const expect = k === "decode" ? ({ kind: "value", value: s.vector.value } as const) : ({ kind: "hex", hex: e.hex } as const);
            const theCase: Case = { name, vector: s.vector, request, expect };
            // Producers that agree on the bytes make the same request, whose verdict is the same: ask once.
            const key = `${k}:${e.hex}`;
            let v = asked.get(key);
            if (v === undefined) {
              const answer = await session.send(request);
              v = "response" in answer ? judge(theCase, answer.response) : answer;
              asked.set(key, v);
            }
            if (v.status === "fail" && e.hex !== (s.vector.canonical ?? "").toLowerCase()) v = { status: "fail", detail: `${v.detail} (${p}'s bytes are not the canonical bytes)` };
            verdicts.set(name, v);
          }
        }
      }
    }),
  );
  for (const { session } of sessions) await session.close();
  for (const l of languages.keys()) {
    const s = sessions.find((x) => x.name === languages[l]!.name);
    if (s !== undefined) languages[l] = { ...languages[l]!, restarts: s.session.restarts };
  }

  // 3. Count, cell by cell, and hold the failures against the list.
  const list = readFailureList(listFile, "matrix");
  const header = list.exists ? list.header : matrixHeader();
  const failures: CaseFailure[] = [];
  const nowPassing: string[] = [];
  const skipReasons = new Map<string, number>();
  const counts = new Map<string, { decode: number[]; relay: number[] }>(); // "P>C" -> [passed, failed, skipped]
  for (const p of names) for (const c of names) counts.set(`${p}>${c}`, { decode: [0, 0, 0], relay: [0, 0, 0] });
  let passed = 0;
  for (const s of vectorSlots) {
    for (const p of names) {
      for (const c of names) {
        for (const k of MATRIX_CHECKS) {
          const name = `${s.base}:${p}>${c}:${k}`;
          const v = verdicts.get(name);
          if (v === undefined) continue;
          const cell = counts.get(`${p}>${c}`)![k];
          const listed = list.entries.has(name);
          if (v.status === "pass") {
            passed++;
            cell[0]!++;
            if (listed) nowPassing.push(name);
          } else if (v.status === "fail") {
            cell[1]!++;
            failures.push({ name, detail: v.detail, listed });
          } else {
            cell[2]!++;
            skipReasons.set(v.reason, (skipReasons.get(v.reason) ?? 0) + 1);
          }
        }
      }
    }
  }
  // A listed name is stale when it is no matrix case of a valid vector; names of languages outside this run are kept.
  const stale = [...list.entries.keys()].filter((n) => {
    const parsed = parseMatrixCaseName(n);
    return parsed === undefined || !known.has(parsed.vector);
  });
  let fixed: number | undefined;
  if (options.fix) {
    const kept = [...list.entries.keys()].filter((n) => !verdicts.has(n) && !stale.includes(n));
    fixed = writeFailureList({ ...list, header }, [...kept, ...failures.map((f) => f.name)]);
  }
  const unexpected = failures.filter((f) => !f.listed).length;
  const cellCount = (a: number[]): CellCount => ({ passed: a[0]!, failed: a[1]!, skipped: a[2]!, total: a[0]! + a[1]! + a[2]! });
  const cells: MatrixCell[] = [];
  for (const p of names) for (const c of names) {
    const n = counts.get(`${p}>${c}`)!;
    cells.push({ producer: p, consumer: c, decode: cellCount(n.decode), relay: cellCount(n.relay) });
  }
  const languagesOk = languages.every((l) => l.status === "ran" || (l.status === "not built" && !l.explicit));
  return {
    ok: languagesOk && (fixed !== undefined || (unexpected === 0 && nowPassing.length === 0 && stale.length === 0)),
    vectors: vectorSlots.length,
    cases: verdicts.size,
    filter: options.filter ?? [],
    languages,
    producers: names,
    consumers: names,
    cells,
    passed,
    failed: failures.length,
    expectedFailures: failures.length - unexpected,
    skipped: [...skipReasons.values()].reduce((a, b) => a + b, 0),
    skipReasons: [...skipReasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1)),
    failures,
    nowPassing,
    stale,
    failureList: displayPath(options.root, listFile),
    ...(fixed === undefined ? {} : { fixed }),
    durationMs: Date.now() - started,
  };
}

function encodeResult(answer: Awaited<ReturnType<Session["send"]>>): { hex: string } | { verdict: Exclude<Verdict, { status: "pass" }> } {
  if (!("response" in answer)) return { verdict: answer };
  const r = answer.response;
  if (r.ok === true) {
    if (typeof r.hex === "string" && /^(?:[0-9a-fA-F]{2})*$/.test(r.hex)) return { hex: r.hex.toLowerCase() };
    return { verdict: { status: "fail", detail: `malformed response: "hex" is not hex (got ${JSON.stringify(r.hex)?.slice(0, 60)})` } };
  }
  if (r.ok === false && typeof r.skipped === "string") return { verdict: { status: "skip", reason: r.skipped || "(no reason given)" } };
  const e = r.error as { kind?: unknown; path?: unknown; message?: unknown } | undefined;
  if (r.ok === false && e !== null && typeof e === "object" && typeof e.kind === "string") {
    const where = typeof e.path === "string" ? ` at ${e.path}` : "";
    const message = typeof e.message === "string" && e.message ? `: ${e.message.slice(0, 80)}` : "";
    return { verdict: { status: "fail", detail: `${e.kind}${where}${message}` } };
  }
  return { verdict: { status: "fail", detail: `malformed response ${JSON.stringify(r).slice(0, 80)}` } };
}
