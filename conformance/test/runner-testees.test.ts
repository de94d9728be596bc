/**
 * The runner against testees that misbehave on purpose. The fake testee below is a plain Node script (no build
 * step): an oracle that answers every request from the manifests themselves, except where its mode tells it to
 * go wrong for one vector (a wrong encoding, a crash, a hang, garbage on stdout). It shows the ratchet semantics
 * of failure lists and that the runner reports a broken testee and carries on instead of hanging.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../cli/test/helpers.js";
import { runConformance, type LanguageRun, type RunOptions } from "../src/runner.js";
import type { Language } from "../src/runner-langs.js";

const ROOT = resolve(".");
const dir = mkdtempSync(join(tmpdir(), "vmp-conformance-"));
const FAKE = join(dir, "fake-testee.mjs");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  FAKE,
  String.raw`
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
const [vectorsDir, mode = "good", target = ""] = process.argv.slice(2);
if (mode === "die-at-start") { process.stderr.write("fake: cannot load my binding\n"); process.exit(3); }

// Every answer the manifests imply, keyed by what a request carries.
const answers = new Map();
const key = (op, type, options, data) => JSON.stringify([op, type, options ?? {}, data]);
for (const f of readdirSync(vectorsDir)) {
  if (!f.endsWith(".json") || f === "manifest.schema.json") continue;
  for (const v of JSON.parse(readFileSync(join(vectorsDir, f), "utf8")).vectors) {
    // Two vectors may share a request (the same bytes as the same type); the first one answers it.
    const put = (op, data, answer) => answers.has(key(op, v.type, v.options, data)) || answers.set(key(op, v.type, v.options, data), { id: v.id, answer });
    if (!v.valid) {
      const error = { ok: false, error: { kind: v.error, path: v.path ?? "(root)", message: "fake" } };
      put("decode", v.input, error);
      put("validate", v.input, error);
      continue;
    }
    const hexes = [v.canonical, ...(v.alternatives ?? []).map((a) => a.hex)];
    for (const hex of hexes) {
      put("decode", hex, { ok: true, value: v.value });
      put("validate", hex, { ok: true });
      put("reencode", hex, { ok: true, hex: v.canonical });
    }
    put("encode", JSON.stringify(v.value), { ok: true, hex: v.canonical });
  }
}

function answer(req) {
  if (req.op === "hello") return { ok: true, name: "fake", version: "0", ops: mode === "no-reencode" ? ["decode", "encode", "validate"] : ["decode", "encode", "reencode", "validate"] };
  if (mode === "skip-options" && req.options) return { ok: false, skipped: "options are not supported" };
  const found = answers.get(key(req.op, req.type, req.options, req.op === "encode" ? JSON.stringify(req.value) : req.hex));
  if (found === undefined) return { ok: false, error: { kind: "Internal", message: "the fake has no answer" } };
  if (found.id === target || target === "*") {
    if (mode === "bad-encode" && req.op === "encode") return { ok: true, hex: found.answer.hex + "00" };
    if (mode === "crash") process.exit(7);
    if (mode === "crash-loudly") throw new Error("fake: boom");
    if (mode === "hang") return undefined;
    if (mode === "garbage") { process.stdout.write("Traceback (most recent call last):\n"); return undefined; }
  }
  return found.answer;
}

let buf = Buffer.alloc(0);
process.stdin.on("data", (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32LE(0)) {
    const n = buf.readUInt32LE(0);
    const req = JSON.parse(buf.subarray(4, 4 + n).toString("utf8"));
    buf = buf.subarray(4 + n);
    if (req.op === "quit") process.exit(0);
    const res = answer(req);
    if (res === undefined) continue;
    const body = Buffer.from(JSON.stringify(res), "utf8");
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length, 0);
    process.stdout.write(Buffer.concat([head, body]));
  }
});
`,
);

function fake(mode: string, target = ""): Language {
  return {
    name: "fake",
    description: `a fake testee (${mode})`,
    command: ["node", FAKE, join(ROOT, "conformance", "vectors"), mode, target],
    requires: [],
    build: "",
  };
}

let lists = 0;
/** A failure list in the temp directory, holding `names` under a header. */
function failureList(...names: string[]): string {
  const file = join(dir, `list-${++lists}.txt`);
  writeFileSync(file, ["# fake failure list", "# second header line", "", ...names, ""].join("\n"));
  return file;
}

function runFake(lang: Language, more: Partial<RunOptions> & { list?: string; explicit?: boolean } = {}) {
  const langRun: LanguageRun = { lang, explicit: more.explicit ?? true, failureList: more.list ?? failureList() };
  return runConformance({ root: ROOT, languages: [langRun], ...more });
}

describe("the fake oracle testee", () => {
  it("passes a filtered run, valid and invalid vectors alike", async () => {
    const report = await runFake(fake("good"), { filter: ["events/event.set.*"] });
    const l = report.languages[0]!;
    expect(l.status).toBe("ran");
    expect(l.failures).toEqual([]);
    expect(l.passed).toBe(l.cases);
    expect(l.cases).toBeGreaterThan(20);
    expect(report.ok).toBe(true);
  });
});

describe("ratchet semantics", () => {
  const target = "event.set.e01";
  const broken = `events/${target}:encode`;

  it("an unlisted failure fails the run, with a one-line diff", async () => {
    const report = await runFake(fake("bad-encode", target), { filter: [`events/${target}:*`] });
    const l = report.languages[0]!;
    expect(report.ok).toBe(false);
    expect(l.failures).toEqual([{ name: broken, listed: false, detail: expect.stringMatching(/^bytes differ at byte \d+; \d+ vs \d+ bytes: expected …\S+, got …\S+00$/) }]);
    expect(l.passed).toBe(l.cases - 1);
  });

  it("a listed failure is expected and does not fail the run", async () => {
    const report = await runFake(fake("bad-encode", target), { filter: [`events/${target}:*`], list: failureList(broken) });
    expect(report.ok).toBe(true);
    expect(report.languages[0]!.expectedFailures).toBe(1);
  });

  it("a listed case that passes fails the run: remove it from the list", async () => {
    const report = await runFake(fake("good"), { filter: [`events/${target}:*`], list: failureList(broken) });
    expect(report.ok).toBe(false);
    expect(report.languages[0]!.nowPassing).toEqual([broken]);
  });

  it("a listed name that is no case fails the run", async () => {
    const report = await runFake(fake("good"), { filter: [`events/${target}:*`], list: failureList("events/no.such.vector:decode") });
    expect(report.ok).toBe(false);
    expect(report.languages[0]!.stale).toEqual(["events/no.such.vector:decode"]);
  });

  it("--fix writes exactly the current failures, keeping the header, names outside the filter and comments", async () => {
    const outside = "msgpack/nil:encode  # outside the filter: kept";
    const list = failureList(`events/${target}:decode`, "events/gone:decode", outside, `${broken}  # wrong on purpose`);
    const { code, out } = await run(["conformance", "--lang", "fake", "--testee", fake("bad-encode", target).command.join(" "), "--failures", list, "--filter", `events/${target}:*`, "--fix"]);
    expect(code, out).toBe(0);
    expect(out).toContain(`wrote ${list}: 2 cases`);
    expect(readFileSync(list, "utf8")).toBe(["# fake failure list", "# second header line", "", `${broken}  # wrong on purpose`, outside, ""].join("\n"));
    // The fixed list now describes the run exactly.
    const again = await runFake(fake("bad-encode", target), { filter: [`events/${target}:*`], list });
    expect(again.ok).toBe(true);
  });

  it("--fix on a missing list creates it with the default header", async () => {
    const list = join(dir, "new-list.txt");
    const report = await runFake(fake("bad-encode", target), { filter: [`events/${target}:*`], list, fix: true });
    expect(report.ok).toBe(true);
    const text = readFileSync(list, "utf8");
    expect(text).toMatch(/^# Conformance cases the fake testee is known to fail/);
    expect(text.endsWith(`\n\n${broken}\n`)).toBe(true);
  });
});

describe("skips", () => {
  it("ops the testee does not list in hello are skipped, grouped by reason", async () => {
    const report = await runFake(fake("no-reencode"), { filter: ["msgpack/int.uint8.*"] });
    const l = report.languages[0]!;
    expect(report.ok).toBe(true);
    expect(l.skipReasons).toEqual([{ reason: "testee does not support reencode", count: l.skipped }]);
    expect(l.skipped).toBe(4); // two vectors: canonical and one alternative each
  });

  it("a testee may answer skipped for an option", async () => {
    const report = await runFake(fake("skip-options"), { filter: ["zdata/*"] });
    const l = report.languages[0]!;
    expect(l.failures).toEqual([]);
    expect(l.skipReasons.map((s) => s.reason)).toEqual(["options are not supported"]);
  });
});

describe("a misbehaving testee is reported and the run goes on", () => {
  const target = "event.set.e01";

  it("a crash fails the case it was on; the testee is restarted for the next", async () => {
    const report = await runFake(fake("crash", target), { filter: ["events/event.set.e01:decode", "events/event.set.e01:validate", "events/event.set.scene:*"] });
    const l = report.languages[0]!;
    expect(l.failures).toEqual([
      { name: "events/event.set.e01:decode", listed: false, detail: "testee exited with code 7" },
      { name: "events/event.set.e01:validate", listed: false, detail: "testee exited with code 7" },
    ]);
    expect(l.passed).toBe(l.cases - 2); // event.set.scene ran on a restarted testee
    expect(l.restarts).toBe(2);
  });

  it("an exception in the testee is reported with its stderr", async () => {
    const report = await runFake(fake("crash-loudly", target), { filter: ["events/event.set.e01:decode"] });
    expect(report.languages[0]!.failures[0]!.detail).toMatch(/^testee exited with code 1 \(stderr: Error: fake: boom\)$/);
  });

  it("a hang times out, the testee is killed, and the run goes on", async () => {
    const started = Date.now();
    const report = await runFake(fake("hang", target), { filter: ["events/event.set.e01:decode", "events/event.set.scene:*"], timeoutMs: 300 });
    const l = report.languages[0]!;
    expect(l.failures).toEqual([{ name: "events/event.set.e01:decode", listed: false, detail: "no answer within 300 ms; testee killed" }]);
    expect(l.passed).toBe(l.cases - 1);
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it("a testee that hangs on everything is given up on after a few timeouts", async () => {
    const report = await runFake(fake("hang", "*"), { filter: ["events/event.set.*"], timeoutMs: 100 });
    const l = report.languages[0]!;
    expect(l.failed).toBe(l.cases);
    expect(l.failures.slice(0, 5).map((f) => f.detail)).toEqual(Array(5).fill("no answer within 100 ms; testee killed"));
    expect(l.failures.slice(5).map((f) => f.detail)).toEqual(Array(l.cases - 5).fill("not run: the testee failed 5 requests in a row; given up"));
  });

  it("garbage on stdout is a protocol error, not a hang", async () => {
    const report = await runFake(fake("garbage", target), { filter: ["events/event.set.e01:decode", "events/event.set.scene:decode"] });
    const l = report.languages[0]!;
    expect(l.failures).toEqual([{ name: "events/event.set.e01:decode", listed: false, detail: expect.stringMatching(/^testee broke the protocol: frame header announces \d+ bytes, over the limit of \d+ \(starts 54726163.*\); testee killed$/) }]);
    expect(l.passed).toBe(1);
  });

  it("a testee that dies at start is unavailable, and its stderr says why", async () => {
    const report = await runFake(fake("die-at-start"), { filter: ["events/event.set.e01:*"] });
    const l = report.languages[0]!;
    expect(report.ok).toBe(false);
    expect(l.status).toBe("unavailable");
    expect(l.message).toMatch(/testee exited with code 3 \(stderr: fake: cannot load my binding\)$/);
  });

  it("a testee whose pipes outlive it (a wrapper that left a child behind) is still reported at once", async () => {
    const started = Date.now();
    const lang: Language = { name: "wrapper", description: "", command: ["sh", "-c", "sleep 3 & exit 4"], requires: [], build: "" };
    const report = await runFake(lang, { filter: ["msgpack/nil:*"] });
    expect(report.languages[0]).toMatchObject({ status: "unavailable", message: "sh -c sleep 3 & exit 4: testee exited with code 4" });
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it("a command that does not exist is unavailable, not a crash of the runner", async () => {
    const lang: Language = { name: "nope", description: "", command: [join(dir, "no-such-testee")], requires: [], build: "" };
    const report = await runFake(lang, { filter: ["msgpack/nil:*"] });
    expect(report.languages[0]!.status).toBe("unavailable");
    expect(report.languages[0]!.message).toMatch(/ENOENT/);
  });

  it("a testee that is not built is reported, and fails the run only when asked for", async () => {
    const lang: Language = { name: "later", description: "", command: ["node", "later.js"], requires: ["generated/later/testee.js"], build: "make later" };
    const implicit = await runFake(lang, { explicit: false });
    expect(implicit.ok).toBe(true);
    expect(implicit.languages[0]).toMatchObject({ status: "not built", message: "generated/later/testee.js is missing; build it with: make later" });
    expect((await runFake(lang, { explicit: true })).ok).toBe(false);
  });
});
