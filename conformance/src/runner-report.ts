/**
 * The runner's report for people: per language a small table (passed / failed / skipped, with skip reasons
 * grouped), then the failing cases with a one-line diff each, then what the failure list needs; a last line sums
 * up the run. `--json` prints the RunReport itself instead.
 */
import type { LanguageReport, RunReport } from "./runner.js";
import { formatMs } from "./runner-testee.js";

/** Failing cases printed per language and section; the rest are counted (`--json` lists them all). */
const MAX_LISTED = 60;

export function formatReport(report: RunReport): string {
  const blocks = report.languages.map(formatLanguage);
  const filter = report.filter.length ? ` matching ${report.filter.map((f) => JSON.stringify(f)).join(" or ")}` : "";
  blocks.push(`conformance: ${report.ok ? "ok" : "FAILED"} (${report.languages.map(verdict).join("; ") || "no language"}; ${report.cases} cases${filter} from ${report.vectors} vectors, ${formatMs(report.durationMs)})`);
  return blocks.join("\n\n");
}

function verdict(l: LanguageReport): string {
  if (l.status !== "ran") return `${l.name} ${l.status}`;
  const problems = [
    l.failed - l.expectedFailures > 0 ? `${l.failed - l.expectedFailures} unexpected failure${plural(l.failed - l.expectedFailures)}` : "",
    l.nowPassing.length > 0 ? `${l.nowPassing.length} listed case${plural(l.nowPassing.length)} now pass${l.nowPassing.length === 1 ? "es" : ""}` : "",
    l.stale.length > 0 ? `${l.stale.length} unknown name${plural(l.stale.length)} in the failure list` : "",
  ].filter(Boolean);
  if (l.fixed !== undefined) return `${l.name} ${l.failureList} rewritten`;
  return problems.length ? `${l.name}: ${problems.join(", ")}` : `${l.name} passed${l.expectedFailures ? ` (${l.expectedFailures} expected failure${plural(l.expectedFailures)})` : ""}`;
}

function formatLanguage(l: LanguageReport): string {
  if (l.status === "not built") return `${l.name}: not built${l.explicit ? "" : " (skipped)"}: ${l.message}`;
  if (l.status === "unavailable") return `${l.name}: the testee is unavailable: ${l.message}`;
  const who = l.testee ? `${l.testee.name} ${l.testee.version}` : l.command;
  const lines = [`${l.name}: ${who}, ${l.cases} cases in ${formatMs(l.durationMs)}${l.restarts ? `, ${l.restarts} restart${plural(l.restarts)}` : ""}`];
  const width = String(l.cases).length;
  const row = (label: string, n: number, note = "") => lines.push(`  ${label.padEnd(8)}${String(n).padStart(width)}${note}`);
  row("passed", l.passed);
  row("failed", l.failed, l.expectedFailures ? `  (${l.expectedFailures} expected by ${l.failureList})` : "");
  row("skipped", l.skipped);
  for (const s of l.skipReasons) lines.push(`    ${String(s.count).padStart(width)}  ${s.reason}`);
  section(lines, "unexpected failures:", l.failures.filter((f) => !f.listed).map((f) => `${f.name}: ${f.detail}`));
  section(lines, `expected failures (listed in ${l.failureList}):`, l.failures.filter((f) => f.listed).map((f) => `${f.name}: ${f.detail}`));
  section(lines, `listed in ${l.failureList} but passing now; remove ${l.nowPassing.length === 1 ? "it" : "them"} from the list (or run --fix):`, l.nowPassing);
  section(lines, `listed in ${l.failureList} but no such case; remove ${l.stale.length === 1 ? "it" : "them"} (or run --fix):`, l.stale);
  if (l.fixed !== undefined) lines.push(`  wrote ${l.failureList}: ${l.fixed} case${plural(l.fixed)}`);
  return lines.join("\n");
}

function section(lines: string[], title: string, items: readonly string[]): void {
  if (items.length === 0) return;
  lines.push(`  ${title}`);
  for (const item of items.slice(0, MAX_LISTED)) lines.push(`    ${item}`);
  if (items.length > MAX_LISTED) lines.push(`    … and ${items.length - MAX_LISTED} more (--json lists every case)`);
}

const plural = (n: number) => (n === 1 ? "" : "s");
