/**
 * The runner's report for people: per language a small table (passed / failed / skipped, with skip reasons
 * grouped), then the failing cases with a one-line diff each, then what the failure list needs; a last line sums
 * up the run. `--json` prints the RunReport itself instead.
 */
import type { MatrixReport } from "./runner-matrix.js";
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

/**
 * The producer × consumer matrix for people: the languages left out, one table (rows: producers, columns:
 * consumers; each cell passed/total of its decode and relay cases together), the failing cases, what the failure
 * list needs, and a last line summing up.
 */
export function formatMatrixReport(report: MatrixReport): string {
  const blocks: string[] = [];
  for (const l of report.languages) {
    if (l.status === "not built") blocks.push(`${l.name}: not built${l.explicit ? "" : " (left out of the matrix)"}: ${l.message}`);
    else if (l.status === "unavailable") blocks.push(`${l.name}: the testee is unavailable: ${l.message}`);
  }
  const names = report.producers;
  const lines = [`matrix: ${names.length} producer${plural(names.length)} × ${report.consumers.length} consumer${plural(report.consumers.length)}, ${report.cases} cases (decode + relay) from ${report.vectors} vector${plural(report.vectors)} in ${formatMs(report.durationMs)}`];
  if (names.length > 0) {
    const cellText = report.cells.map((c) => {
      const passed = c.decode.passed + c.relay.passed;
      const total = c.decode.total + c.relay.total;
      const skipped = c.decode.skipped + c.relay.skipped;
      return `${passed}/${total}${skipped ? ` (${skipped} skipped)` : ""}${passed + skipped < total ? " ✗" : ""}`;
    });
    const corner = "producer \\ consumer";
    const first = Math.max(corner.length, ...names.map((n) => n.length));
    const width = Math.max(...report.consumers.map((n) => n.length), ...cellText.map((t) => t.length));
    lines.push(`  ${corner.padEnd(first)}  ${report.consumers.map((c) => c.padStart(width)).join("  ")}`);
    names.forEach((p, i) => {
      lines.push(`  ${p.padEnd(first)}  ${report.consumers.map((_, j) => cellText[i * report.consumers.length + j]!.padStart(width)).join("  ")}`);
    });
  }
  const width = String(report.cases).length;
  const row = (label: string, n: number, note = "") => lines.push(`  ${label.padEnd(8)}${String(n).padStart(width)}${note}`);
  row("passed", report.passed);
  row("failed", report.failed, report.expectedFailures ? `  (${report.expectedFailures} expected by ${report.failureList})` : "");
  row("skipped", report.skipped);
  for (const s of report.skipReasons) lines.push(`    ${String(s.count).padStart(width)}  ${s.reason}`);
  const reason = (f: { name: string; detail: string }) => `${f.name}: ${f.detail}`;
  section(lines, "unexpected failures:", report.failures.filter((f) => !f.listed).map(reason));
  section(lines, `expected failures (listed in ${report.failureList}):`, report.failures.filter((f) => f.listed).map(reason));
  section(lines, `listed in ${report.failureList} but passing now; remove ${report.nowPassing.length === 1 ? "it" : "them"} from the list (or run --fix):`, report.nowPassing);
  section(lines, `listed in ${report.failureList} but no such case; remove ${report.stale.length === 1 ? "it" : "them"} (or run --fix):`, report.stale);
  if (report.fixed !== undefined) lines.push(`  wrote ${report.failureList}: ${report.fixed} case${plural(report.fixed)}`);
  blocks.push(lines.join("\n"));

  const unexpected = report.failed - report.expectedFailures;
  const problems = [
    ...report.languages.filter((l) => l.status === "unavailable" || (l.status === "not built" && l.explicit)).map((l) => `${l.name} ${l.status}`),
    unexpected > 0 ? `${unexpected} unexpected failure${plural(unexpected)}` : "",
    report.nowPassing.length > 0 ? `${report.nowPassing.length} listed case${plural(report.nowPassing.length)} now pass${report.nowPassing.length === 1 ? "es" : ""}` : "",
    report.stale.length > 0 ? `${report.stale.length} unknown name${plural(report.stale.length)} in the failure list` : "",
  ].filter(Boolean);
  const filter = report.filter.length ? ` matching ${report.filter.map((f) => JSON.stringify(f)).join(" or ")}` : "";
  const outcome = report.fixed !== undefined ? `${report.failureList} rewritten` : problems.length ? problems.join(", ") : `${names.join(" × ") || "no language"} passed${report.expectedFailures ? ` (${report.expectedFailures} expected failure${plural(report.expectedFailures)})` : ""}`;
  blocks.push(`conformance --matrix: ${report.ok ? "ok" : "FAILED"} (${outcome}; ${report.cases} cases${filter} from ${report.vectors} vector${plural(report.vectors)}, ${formatMs(report.durationMs)})`);
  return blocks.join("\n\n");
}

const plural = (n: number) => (n === 1 ? "" : "s");
