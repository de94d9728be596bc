// The benchmark goals as a chart: one bar per ratio goal of a run (speed of ours over the anchor's, same run),
// grouped by language, with the goal drawn as a tick. Reads bench/results/latest.json, writes latest.svg beside it.
//
//   node bench/chart.mjs [results.json] [out.svg]
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const input = process.argv[2] ?? join(here, "results", "latest.json");
const output = process.argv[3] ?? input.replace(/\.json$/, ".svg");

/** The ratio goals of a run: `>= 1.5x msgpackr` with a figure `0.94x msgpackr (…)`. */
export function ratioRows(run) {
  return run.goals
    .map((g) => ({ ...g, target: /^>= ([\d.]+)x/.exec(g.goal)?.[1], ratio: /^([\d.]+)x/.exec(g.figure)?.[1] }))
    .filter((g) => g.target !== undefined && g.ratio !== undefined)
    .map((g) => ({ label: `${g.lang} ${g.workload} ${g.op}`, anchor: g.goal.replace(/^>= [\d.]+x /, ""), target: Number(g.target), ratio: Number(g.ratio), met: g.met }));
}

const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function chart(run) {
  const rows = ratioRows(run);
  const max = Math.max(2, ...rows.map((r) => Math.max(r.ratio, r.target))) * 1.1;
  const [left, width, bar, gap, top] = [150, 520, 16, 8, 40];
  const x = (v) => left + (v / max) * width;
  const height = top + rows.length * (bar + gap) + 40;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 230}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<title>vmp benchmark goals, ${escape(run.mode)} run of ${escape(run.started)}</title>`,
    `<text x="${left}" y="20" font-size="14">Speed relative to the anchor (same run; higher is better). Tick: the goal.</text>`,
  ];
  for (const tick of [0, 0.5, 1, 1.5, 2, 3, 4].filter((t) => t <= max)) {
    parts.push(`<line x1="${x(tick)}" y1="${top - 6}" x2="${x(tick)}" y2="${height - 30}" stroke="#ddd"/>`);
    parts.push(`<text x="${x(tick)}" y="${height - 14}" text-anchor="middle" fill="#555">${tick}x</text>`);
  }
  rows.forEach((r, i) => {
    const y = top + i * (bar + gap);
    const fill = r.met ? "#2e8b57" : "#c0504d";
    parts.push(`<text x="${left - 8}" y="${y + bar - 4}" text-anchor="end">${escape(r.label)}</text>`);
    parts.push(`<rect x="${left}" y="${y}" width="${x(r.ratio) - left}" height="${bar}" fill="${fill}"><title>${r.ratio}x ${escape(r.anchor)}; goal ${r.target}x</title></rect>`);
    parts.push(`<line x1="${x(r.target)}" y1="${y - 3}" x2="${x(r.target)}" y2="${y + bar + 3}" stroke="#000" stroke-width="2"/>`);
    parts.push(`<text x="${Math.max(x(r.ratio), x(r.target)) + 6}" y="${y + bar - 4}" fill="#333">${r.ratio}x ${escape(r.anchor)} (goal ${r.target}x)</text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(output, chart(JSON.parse(readFileSync(input, "utf8"))));
  console.log(`wrote ${output}`);
}
