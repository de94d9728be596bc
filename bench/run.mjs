#!/usr/bin/env node
// `npm run bench` / `npm run bench:smoke`: runs each language's bench as a child process, one at a time, collects
// their JSON results (format: bench/README.md), evaluates the goals of issue 7 and prints a Markdown table; a full
// run writes it to bench/results/latest.md and bench/results/latest.json, and the goals as a chart to latest.svg.
//
//   node bench/run.mjs [--smoke] [--write] [--lang ts,py,rs] [--only W1,W3-4MB]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { chart } from "./chart.mjs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const smoke = args.includes("--smoke");
const write = !smoke || args.includes("--write");
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const langs = new Set((opt("--lang") ?? "ts,py,rs").split(","));
const only = opt("--only");
const log = (s) => process.stderr.write(`[bench] ${s}\n`);
const started = new Date();
const load0 = loadavg();
const problems = []; // anything that makes the run fail: a crashed child, a failed check

// ---------------------------------------------------------------------------------------------------------------
// Children
// ---------------------------------------------------------------------------------------------------------------
function runChild(lang, cmd, argv, { cwd = ROOT } = {}) {
  const extra = [...(smoke ? ["--smoke"] : []), ...(only ? ["--only", only] : [])];
  log(`${lang}: ${cmd} ${[...argv, ...extra].join(" ")}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, [...argv, ...extra], {
    cwd,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 256 << 20,
  });
  const seconds = (Date.now() - t0) / 1000;
  let result;
  try {
    result = JSON.parse(r.stdout.trim().split("\n").pop() ?? "");
  } catch {
    result = undefined;
  }
  if (r.error || result === undefined) {
    problems.push(
      `${lang}: the bench did not produce a result (exit ${r.status}${r.error ? `, ${r.error.message}` : ""})`,
    );
    return undefined;
  }
  if (r.status !== 0) problems.push(`${lang}: exit status ${r.status}`);
  for (const c of result.checks ?? [])
    if (!c.ok) problems.push(`${lang}: check failed: ${c.name}: ${c.detail}`);
  result.seconds = seconds;
  return result;
}

const results = [];
if (langs.has("ts")) {
  if (!existsSync(join(ROOT, "generated/ts/dist/index.js")))
    problems.push("ts: generated/ts/dist is missing: run `npm run build`");
  else results.push(runChild("ts", process.execPath, ["--expose-gc", "bench/ts/bench.mjs"]));
}
const PY = join(ROOT, ".venv/bin/python");
if (langs.has("py")) {
  if (!existsSync(PY)) problems.push("py: .venv is missing: run `npm run setup`");
  else results.push(runChild("py", PY, ["bench/py/bench.py"]));
}
const rustSkipped = [];
if (langs.has("rs")) {
  if (!existsSync(join(ROOT, "generated/rust/Cargo.toml")))
    rustSkipped.push("generated/rust/Cargo.toml does not exist");
  else if (!existsSync(join(ROOT, "bench/rs/Cargo.toml")))
    rustSkipped.push("bench/rs/Cargo.toml does not exist");
  else
    results.push(
      runChild("rs", "cargo", [
        "run",
        "--quiet",
        "--release",
        "--locked",
        "--manifest-path",
        "bench/rs/Cargo.toml",
        "--",
      ]),
    );
  if (rustSkipped.length) log(`rs: skipped (${rustSkipped.join("; ")})`);
}
const langResults = results.filter(Boolean);

// ---------------------------------------------------------------------------------------------------------------
// Extras (full runs): `vmp generate` wall time, peak memory of W3 decode
// ---------------------------------------------------------------------------------------------------------------
const extras = {};
if (!smoke && !only) {
  const out = mkdtempSync(join(tmpdir(), "vmp-bench-"));
  try {
    const times = [];
    for (let i = 0; i < 3; i++) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(
        process.execPath,
        ["bin/vmp.js", "generate", "--lang", "all", "--out", join(out, `g${i}`)],
        {
          cwd: ROOT,
          stdio: "ignore",
        },
      );
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (r.status !== 0) problems.push(`vmp generate --lang all exited ${r.status}`);
    }
    times.sort((a, b) => a - b);
    extras.generate = {
      command: "node bin/vmp.js generate --lang all --out <tmp>",
      runs_ms: times,
      median_ms: times[1],
    };
    log(`generate --lang all: median ${times[1].toFixed(0)} ms`);

    extras.conformance = [];
    for (const lang of ["ts", "py"].filter((l) => langs.has(l))) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, ["bin/vmp.js", "conformance", "--lang", lang], {
        cwd: ROOT,
        encoding: "utf8",
      });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const summary =
        (r.stdout + r.stderr)
          .trim()
          .split("\n")
          .filter((l) => l.startsWith("conformance:"))
          .pop() ?? "";
      extras.conformance.push({
        lang,
        command: `node bin/vmp.js conformance --lang ${lang}`,
        wall_ms: ms,
        status: r.status,
        summary,
      });
      log(`conformance --lang ${lang}: ${(ms / 1000).toFixed(1)} s (${summary})`);
    }

    if (langs.has("ts") && existsSync(join(ROOT, "generated/ts/dist/index.js"))) {
      const frame = join(out, "w3-64MB.bin");
      spawnSync(process.execPath, ["bench/ts/rss.mjs", "write", frame, "16000000"], {
        cwd: ROOT,
        stdio: "inherit",
      });
      const rss = [];
      const runs = [
        ["ts", process.execPath, ["--expose-gc", "bench/ts/rss.mjs"]],
        ...(langs.has("py") && existsSync(PY) ? [["py", PY, ["bench/py/rss.py"]]] : []),
      ];
      for (const [lang, cmd, argv] of runs)
        for (const mode of ["view", "copy"]) {
          const r = spawnSync(cmd, [...argv, "decode", mode, frame], {
            cwd: ROOT,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "inherit"],
          });
          try {
            rss.push(JSON.parse(r.stdout));
          } catch {
            problems.push(`${lang}: peak-memory run (${mode}) failed`);
          }
        }
      extras.peak_memory_w3_64MB = rss;
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation and formatting
// ---------------------------------------------------------------------------------------------------------------
const fmtTime = (ns) =>
  ns < 1e3
    ? `${ns.toFixed(0)} ns`
    : ns < 1e6
      ? `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`
      : `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
const fmtRate = (x) =>
  x >= 1e6 ? `${(x / 1e6).toFixed(2)} M/s` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k/s` : `${x.toFixed(0)}/s`;
const fmtGB = (x) =>
  x >= 1000 ? `${Math.round(x).toLocaleString("en-US")} GB/s (O(1))` : `${x.toFixed(x < 10 ? 2 : 1)} GB/s`;
const fmtX = (x) => `${x.toFixed(x < 10 ? 2 : 0)}x`;
const fmtR = (x) => x.toFixed(x < 10 ? 2 : 0);

function throughput(c) {
  if (c.per === "payload") return fmtGB(c.payload_bytes / c.median_ns);
  const rate = fmtRate(1e9 / c.median_ns);
  return c.bytes >= 10_000 ? `${rate} (${((c.bytes / c.median_ns) * 1e3).toFixed(0)} MB/s)` : rate;
}

/** Speed of `c` over speed of `ref`: the ratio of medians, and the range of the same-round ratios. */
function ratio(c, ref) {
  const per = c.samples_ns.map((s, i) => ref.samples_ns[i] / s).filter(Number.isFinite);
  return { median: ref.median_ns / c.median_ns, min: Math.min(...per), max: Math.max(...per) };
}

const short = (id) => id.split(".").slice(2).join(".");
const goals = [];
const rows = [];
for (const r of langResults) {
  const byId = new Map(r.cases.map((c) => [c.id, c]));
  for (const c of r.cases) {
    const ref = c.ref ? byId.get(c.ref) : undefined;
    const rt = ref ? ratio(c, ref) : undefined;
    let goal = "";
    let met = "";
    if (c.goal) {
      let ok;
      let figure;
      if (c.goal.kind === "ratio") {
        const vs = byId.get(c.goal.vs ?? c.ref);
        const g = vs ? ratio(c, vs) : undefined;
        ok = g !== undefined && g.median >= c.goal.min;
        figure = g
          ? `${fmtX(g.median)} ${short(vs.id)} (same-round ${fmtR(g.min)}–${fmtR(g.max)})`
          : "no reference case";
      } else if (c.goal.kind === "max_ns") {
        ok = c.median_ns <= c.goal.max;
        figure = fmtTime(c.median_ns);
      }
      goal = c.goal.text;
      met = smoke ? "(smoke)" : ok ? "met" : "**missed**";
      goals.push({
        lang: r.lang,
        workload: c.workload,
        op: c.op,
        case: c.name,
        goal: c.goal.text,
        figure,
        met: smoke ? null : ok,
      });
    }
    rows.push({
      lang: r.lang,
      workload: c.workload,
      op: c.op,
      case: c.name,
      role: c.role,
      median: fmtTime(c.median_ns),
      range: `${fmtTime(c.min_ns)} – ${fmtTime(c.max_ns)}`,
      throughput: throughput(c),
      ratio: rt ? `${fmtX(rt.median)} ${short(ref.id)} (${fmtR(rt.min)}–${fmtR(rt.max)})` : "",
      goal,
      met,
    });
  }
}

if (extras.generate) {
  const ok = extras.generate.median_ms < 2000;
  goals.push({
    lang: "all",
    workload: "-",
    op: "generate",
    case: "vmp generate --lang all",
    goal: "< 2 s",
    figure: `${extras.generate.median_ms.toFixed(0)} ms (median of 3)`,
    met: ok,
  });
}
for (const m of extras.peak_memory_w3_64MB ?? []) {
  // The frame is resident before decode starts; a decode may add at most one copy of it (plus 8 MB of slack).
  const limitKb = m.mode === "copy" ? m.frame_bytes / 1024 + 8192 : 8192;
  goals.push({
    lang: m.lang,
    workload: "W3-64MB",
    op: "decode",
    case: `peak RSS, decode ${m.mode}`,
    goal: m.mode === "copy" ? "<= frame + one copy" : "<= frame (no copy)",
    figure: `peak ${(m.peak_kb / 1024).toFixed(0)} MB; +${(m.delta_kb / 1024).toFixed(1)} MB over the loaded frame (${(m.frame_bytes / 2 ** 20).toFixed(0)} MB)`,
    met: m.delta_kb <= limitKb,
  });
}

const extraFacts = [
  ...(extras.generate
    ? [
        `- \`vmp generate --lang all\`: ${extras.generate.runs_ms.map((x) => `${x.toFixed(0)} ms`).join(", ")} (median ${extras.generate.median_ms.toFixed(0)} ms)`,
      ]
    : []),
  ...(extras.conformance ?? []).map(
    (c) => `- \`${c.command}\`: ${(c.wall_ms / 1000).toFixed(1)} s wall (exit ${c.status}; ${c.summary})`,
  ),
];

const esc = (s) => String(s).replaceAll("|", "\\|");
const table = (head, body) =>
  [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...body.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");

const facts = langResults.flatMap((r) =>
  Object.entries(r.facts ?? {}).map(([k, v]) => `- ${r.lang}: ${k}: ${JSON.stringify(v)}`),
);
const checkCount = langResults.reduce((n, r) => n + (r.checks?.length ?? 0), 0);
const md = [
  `# VMP benchmarks${smoke ? " (smoke run: timings are meaningless)" : ""}`,
  "",
  `Run ${started.toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average at start ${load0
    .map((x) => x.toFixed(2))
    .join(" ")}. ` +
    langResults
      .map(
        (r) =>
          `${r.lang}: ${r.runtime}; ${Object.entries(r.libs)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")} (${r.seconds.toFixed(0)} s)`,
      )
      .join(". ") +
    ".",
  "",
  "Median and min–max are per operation over the samples (rounds); the ratio is speed over the named case's speed in",
  "the same process, ratio of medians, with the min–max of the same-round ratios. Roles: ours = vmp-protocol;",
  "anchor = the library a user would pick; limit = memcpy; context = for reading the others. Anchors' decode is plain",
  "decode: they do not validate (ours does), and their tensors become typed arrays per item where the row says so.",
  "",
  table(
    [
      "lang",
      "workload",
      "op",
      "case",
      "role",
      "median",
      "min – max",
      "throughput",
      "ratio (same-round range)",
      "goal",
      "met?",
    ],
    rows.map((r) => [
      r.lang,
      r.workload,
      r.op,
      r.case,
      r.role,
      r.median,
      r.range,
      r.throughput,
      r.ratio,
      r.goal,
      r.met,
    ]),
  ),
  "",
  "## Goals",
  "",
  table(
    ["lang", "workload", "op", "case", "goal", "measured", "met?"],
    goals.map((g) => [
      g.lang,
      g.workload,
      g.op,
      g.case,
      g.goal,
      g.figure,
      g.met === null ? "(smoke)" : g.met ? "met" : "**missed**",
    ]),
  ),
  "",
  "## Facts",
  "",
  ...facts,
  ...extraFacts,
  `- checks: ${checkCount - problems.filter((p) => p.includes("check failed")).length}/${checkCount} passed (byte equality with the anchors, decoded values, relay round trip)`,
  ...(rustSkipped.length ? [`- rs: skipped (${rustSkipped.join("; ")})`] : []),
  ...problems.map((p) => `- PROBLEM: ${p}`),
  "",
].join("\n");

process.stdout.write(md);
if (write) {
  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  writeFileSync(join(ROOT, "bench/results/latest.md"), md);
  writeFileSync(
    join(ROOT, "bench/results/latest.json"),
    JSON.stringify(
      {
        started: started.toISOString(),
        mode: smoke ? "smoke" : "full",
        machine: {
          cpus: cpus().length,
          model: cpus()[0]?.model,
          mem_gib: totalmem() / 2 ** 30,
          loadavg_at_start: load0,
        },
        results: langResults,
        goals,
        extras,
        rust_skipped: rustSkipped,
        problems,
      },
      null,
      1,
    ) + "\n",
  );
  writeFileSync(join(ROOT, "bench/results/latest.svg"), chart(JSON.parse(readFileSync(join(ROOT, "bench/results/latest.json"), "utf8"))));
  log("wrote bench/results/latest.md, latest.json and latest.svg");
}
if (problems.length) {
  log(`FAILED: ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  process.exitCode = 1;
}
