/**
 * Judging one fuzzed input: every testee answered a `reencode` request for it, and the reference testee's answer
 * is the oracle. The verdict lists what went wrong, language by language:
 *
 * | class           | when                                                                          | fails a run |
 * |-----------------|-------------------------------------------------------------------------------|-------------|
 * | `crash`         | the testee died, or broke the protocol                                        | yes         |
 * | `hang`          | no answer within the time limit                                               | yes         |
 * | `internal`      | an `Internal` or `BadRequest` error: the binding failed outside its taxonomy   | yes         |
 * | `accept-reject` | the testee accepted what the oracle rejected, or the reverse                  | yes         |
 * | `reencode`      | both accepted, but the re-encoded bytes differ                                | yes         |
 * | `kind`          | both rejected, with different error kinds                                     | no: counted |
 * | `path`          | both rejected with the same kind, at different paths                          | no: counted |
 *
 * Kind disagreements do not fail a run: an input with several defects may be reported by any of them, since
 * "report the first in byte order, wire errors before schema errors" is a SHOULD (SPEC §8.1 rule 4). Mutations
 * often stack defects, so they are counted and shown, not failed. Paths follow the kind.
 */
import type { Outcome } from "../../src/runner-testee.js";

export type FindingClass = "crash" | "hang" | "internal" | "accept-reject" | "reencode" | "kind" | "path";

/** The classes that fail a run (and `npm test`). */
export const FAILING: ReadonlySet<FindingClass> = new Set(["crash", "hang", "internal", "accept-reject", "reencode"]);

export interface Finding {
  readonly class: FindingClass;
  /** The language whose answer is wrong (the oracle itself when it crashed, hung or failed internally). */
  readonly lang: string;
  readonly detail: string;
}

/** A testee's answer to a `reencode`, reduced to what is compared. */
export type Answer =
  | { readonly status: "accepted"; readonly hex: string }
  | { readonly status: "rejected"; readonly kind: string; readonly path?: string; readonly message?: string }
  | { readonly status: "skipped"; readonly reason: string }
  | { readonly status: "crash" | "hang"; readonly message: string }
  | { readonly status: "malformed"; readonly message: string };

/** What a testee's outcome means for a `reencode` request. */
export function answerOf(outcome: Outcome): Answer {
  if (outcome.kind === "timeout") return { status: "hang", message: outcome.message };
  if (outcome.kind !== "response") return { status: "crash", message: outcome.message };
  const r = outcome.response;
  if (r.ok === true) {
    return typeof r.hex === "string" && /^(?:[0-9a-fA-F]{2})*$/.test(r.hex)
      ? { status: "accepted", hex: r.hex.toLowerCase() }
      : { status: "malformed", message: `"hex" is not hex: ${JSON.stringify(r.hex).slice(0, 60)}` };
  }
  if (r.ok === false && typeof r.skipped === "string") return { status: "skipped", reason: r.skipped };
  const e = r.error as { kind?: unknown; path?: unknown; message?: unknown } | undefined;
  if (r.ok !== false || e === null || typeof e !== "object" || typeof e.kind !== "string") {
    return { status: "malformed", message: `not a testee response: ${JSON.stringify(r).slice(0, 80)}` };
  }
  return {
    status: "rejected",
    kind: e.kind,
    ...(typeof e.path === "string" ? { path: e.path } : {}),
    ...(typeof e.message === "string" ? { message: e.message } : {}),
  };
}

/** Kinds that say the binding, not the input, is at fault. */
const INTERNAL_KINDS = new Set(["Internal", "BadRequest"]);

/** One line for an answer, as findings show it. */
export function describeAnswer(a: Answer): string {
  switch (a.status) {
    case "accepted":
      return `ok ${a.hex.length > 64 ? `${a.hex.slice(0, 64)}… (${a.hex.length / 2} bytes)` : a.hex}`;
    case "rejected":
      return `${a.kind}${a.path === undefined ? "" : ` at ${a.path}`}${a.message ? `: ${a.message.slice(0, 100)}` : ""}`;
    case "skipped":
      return `skipped: ${a.reason}`;
    default:
      return `${a.status}: ${a.message}`;
  }
}

/**
 * What is wrong with the answers to one input. `answers` maps each language to its answer; `oracle` names the
 * reference. Skipped answers are neither right nor wrong.
 */
export function judgeAnswers(answers: ReadonlyMap<string, Answer>, oracle = "ref"): Finding[] {
  const findings: Finding[] = [];
  for (const [lang, a] of answers) {
    if (a.status === "crash" || a.status === "malformed") findings.push({ class: "crash", lang, detail: describeAnswer(a) });
    else if (a.status === "hang") findings.push({ class: "hang", lang, detail: a.message });
    else if (a.status === "rejected" && INTERNAL_KINDS.has(a.kind)) findings.push({ class: "internal", lang, detail: describeAnswer(a) });
  }
  const expected = answers.get(oracle);
  if (expected === undefined || (expected.status !== "accepted" && expected.status !== "rejected")) return findings;
  if (expected.status === "rejected" && INTERNAL_KINDS.has(expected.kind)) return findings;
  for (const [lang, got] of answers) {
    if (lang === oracle || (got.status !== "accepted" && got.status !== "rejected")) continue;
    if (got.status === "rejected" && INTERNAL_KINDS.has(got.kind)) continue;
    const versus = `${oracle}: ${describeAnswer(expected)}; ${lang}: ${describeAnswer(got)}`;
    if (expected.status !== got.status) findings.push({ class: "accept-reject", lang, detail: versus });
    else if (expected.status === "accepted" && got.status === "accepted") {
      if (expected.hex !== got.hex) findings.push({ class: "reencode", lang, detail: versus });
    } else if (expected.status === "rejected" && got.status === "rejected") {
      if (expected.kind !== got.kind) findings.push({ class: "kind", lang, detail: versus });
      else if (expected.path !== got.path) findings.push({ class: "path", lang, detail: versus });
    }
  }
  return findings;
}
