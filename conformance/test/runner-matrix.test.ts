/**
 * The producer × consumer matrix (runner-matrix.ts): a fake producer that encodes one vector wrongly shows up in
 * the right cells under the right case names, the matrix failure list has the ratchet semantics of the others,
 * the reference testee alone (1 × 1) passes every case, and, when the TypeScript and Python testees are built,
 * ref × ts × py passes too. The fake testee is an oracle that answers from the manifests themselves.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../cli/test/helpers.js";
import { loadManifests } from "../src/runner-cases.js";
import { findLanguage, missingFiles, type Language } from "../src/runner-langs.js";
import { matrixCaseName, parseMatrixCaseName, runMatrix, type MatrixOptions } from "../src/runner-matrix.js";
import { formatMatrixReport } from "../src/runner-report.js";

const ROOT = resolve(".");
const VECTORS = join(ROOT, "conformance", "vectors");
const dir = mkdtempSync(join(tmpdir(), "vmp-matrix-"));
const FAKE = join(dir, "fake-testee.mjs");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const validVectors = loadManifests(VECTORS).reduce((n, m) => n + m.vectors.filter((v) => v.valid).length, 0);

writeFileSync(
  FAKE,
  String.raw`
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
const [vectorsDir, mode = "good", target = ""] = process.argv.slice(2);
const answers = new Map();
const key = (op, type, options, data) => JSON.stringify([op, type, options ?? {}, data]);
for (const f of readdirSync(vectorsDir)) {
  if (!f.endsWith(".json") || f === "manifest.schema.json") continue;
  for (const v of JSON.parse(readFileSync(join(vectorsDir, f), "utf8")).vectors) {
    if (!v.valid) continue;
    const put = (op, data, answer) => answers.has(key(op, v.type, v.options, data)) || answers.set(key(op, v.type, v.options, data), { id: v.id, answer });
    put("decode", v.canonical, { ok: true, value: v.value });
    put("reencode", v.canonical, { ok: true, hex: v.canonical });
    put("encode", JSON.stringify(v.value), { ok: true, hex: v.canonical });
  }
}
function answer(req) {
  if (req.op === "hello") return { ok: true, name: "fake", version: "0", ops: ["decode", "encode", "reencode", "validate"] };
  const found = answers.get(key(req.op, req.type, req.options, req.op === "encode" ? JSON.stringify(req.value) : req.hex));
  if (found === undefined) return { ok: false, error: { kind: "TrailingBytes", path: "(root)", message: "the fake has no answer" } };
  if (found.id === target && req.op === "encode") {
    if (mode === "bad-encode") return { ok: true, hex: found.answer.hex + "00" };
    if (mode === "refuse-encode") return { ok: false, error: { kind: "WrongType", path: "ts", message: "fake refuses" } };
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
    const body = Buffer.from(JSON.stringify(answer(req)), "utf8");
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length, 0);
    process.stdout.write(Buffer.concat([head, body]));
  }
});
`,
);

function fake(name: string, mode = "good", target = ""): Language {
  return { name, description: `a fake testee (${mode})`, command: ["node", FAKE, VECTORS, mode, target], requires: [], build: "" };
}

let lists = 0;
function failureList(...names: string[]): string {
  const file = join(dir, `matrix-${++lists}.txt`);
  writeFileSync(file, ["# fake matrix list", "", ...names, ""].join("\n"));
  return file;
}

function matrix(langs: readonly Language[], more: Partial<MatrixOptions> = {}) {
  return runMatrix({ root: ROOT, languages: langs.map((lang) => ({ lang, explicit: true })), failureList: more.failureList ?? failureList(), ...more });
}

const target = "event.set.e01";
const name = (p: string, c: string, check: "decode" | "relay") => matrixCaseName("events", target, p, c, check);

describe("matrix case names", () => {
  it("name the vector, the producer, the consumer and the check", () => {
    expect(name("ts", "py", "relay")).toBe("events/event.set.e01:ts>py:relay");
    expect(parseMatrixCaseName("events/event.set.e01:ts>py:relay")).toEqual({ vector: "events/event.set.e01", producer: "ts", consumer: "py", check: "relay" });
    expect(parseMatrixCaseName("events/event.set.e01:encode")).toBeUndefined();
  });
});

describe("a producer that encodes one vector wrongly", () => {
  it("fails exactly its row's cells for that vector, under the right names", async () => {
    const report = await matrix([fake("good"), fake("bad", "bad-encode", target)], { filter: ["events/event.set.*"] });
    expect(report.ok).toBe(false);
    expect(report.producers).toEqual(["good", "bad"]);
    expect(report.failures.map((f) => f.name)).toEqual([name("bad", "good", "decode"), name("bad", "good", "relay"), name("bad", "bad", "decode"), name("bad", "bad", "relay")]);
    for (const f of report.failures) expect(f.detail).toMatch(/bad's bytes are not the canonical bytes/);
    const setVectors = report.vectors;
    expect(setVectors).toBeGreaterThan(1);
    const cell = (p: string, c: string) => report.cells.find((x) => x.producer === p && x.consumer === c)!;
    expect(cell("good", "bad")).toEqual({ producer: "good", consumer: "bad", decode: { passed: setVectors, failed: 0, skipped: 0, total: setVectors }, relay: { passed: setVectors, failed: 0, skipped: 0, total: setVectors } });
    expect(cell("bad", "good").decode).toEqual({ passed: setVectors - 1, failed: 1, skipped: 0, total: setVectors });
    expect(cell("bad", "bad").relay.failed).toBe(1);
    expect(report.cases).toBe(setVectors * 2 * 4);
    const text = formatMatrixReport(report);
    expect(text).toMatch(/producer \\ consumer +good +bad\n/);
    expect(text).toContain(`  bad  `);
    expect(text).toContain(`${name("bad", "good", "decode")}: `);
    expect(text).toMatch(/conformance --matrix: FAILED \(4 unexpected failures;/);
  });

  it("a producer that cannot encode fails its row's cells with the reason", async () => {
    const report = await matrix([fake("good"), fake("bad", "refuse-encode", target)], { filter: [`events/${target}:*`] });
    expect(report.failures.map((f) => [f.name, f.detail])).toEqual(
      ["good", "bad"].flatMap((c) => (["decode", "relay"] as const).map((k) => [name("bad", c, k), "bad could not encode: WrongType at ts: fake refuses"])),
    );
  });

  it("--filter selects matrix cases by name", async () => {
    const report = await matrix([fake("good"), fake("bad", "bad-encode", target)], { filter: [`events/${target}:bad>good:*`] });
    expect(report.cases).toBe(2);
    expect(report.failures.map((f) => f.name)).toEqual([name("bad", "good", "decode"), name("bad", "good", "relay")]);
  });
});

describe("the matrix failure list", () => {
  const langs = [fake("good"), fake("bad", "bad-encode", target)];
  const filter = [`events/${target}:*`];
  const failing = [name("bad", "good", "decode"), name("bad", "good", "relay"), name("bad", "bad", "decode"), name("bad", "bad", "relay")];

  it("listed failures are expected", async () => {
    const report = await matrix(langs, { filter, failureList: failureList(...failing) });
    expect(report.ok).toBe(true);
    expect(report.expectedFailures).toBe(4);
  });

  it("a listed case that passes, or a name that is no case, fails the run", async () => {
    const passing = name("good", "bad", "decode");
    const report = await matrix(langs, { filter, failureList: failureList(...failing, passing, "events/no.such.vector:good>bad:decode", "events/event.set.e01:encode") });
    expect(report.ok).toBe(false);
    expect(report.nowPassing).toEqual([passing]);
    expect(report.stale).toEqual(["events/no.such.vector:good>bad:decode", "events/event.set.e01:encode"]);
    // Names of languages outside this run are neither passing nor stale.
    const other = await matrix(langs, { filter, failureList: failureList(...failing, name("rust", "good", "decode")) });
    expect(other.ok).toBe(true);
  });

  it("--fix writes exactly the current failures, keeping the header and names not run", async () => {
    const list = failureList(`${failing[0]}  # wrong on purpose`, name("rust", "good", "decode"), name("good", "bad", "relay"));
    const report = await matrix(langs, { filter, failureList: list, fix: true });
    expect(report.ok).toBe(true);
    expect(report.fixed).toBe(5);
    expect(readFileSync(list, "utf8")).toBe(["# fake matrix list", "", failing[2], failing[3], `${failing[0]}  # wrong on purpose`, failing[1], name("rust", "good", "decode"), ""].join("\n"));
    expect((await matrix(langs, { filter, failureList: list })).ok).toBe(true);
  });

  it("--fix on a missing list creates it with the matrix header", async () => {
    const list = join(dir, "new-matrix.txt");
    await matrix(langs, { filter, failureList: list, fix: true });
    expect(readFileSync(list, "utf8")).toMatch(/^# Producer x consumer cases known to fail \(vmp conformance --matrix\)\.\n(#.*\n)+\nevents\/event\.set\.e01:bad>bad:decode\n/);
  });

  it("the repository's list exists and is empty", () => {
    const text = readFileSync(join(ROOT, "conformance", "failures", "matrix.txt"), "utf8");
    expect(text.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"))).toEqual([]);
  });
});

describe("languages left out", () => {
  const missing: Language = { name: "nope", description: "not built", command: ["node", "nope.js"], requires: ["no/such/file.js"], build: "build nope" };

  it("a language that is not built is reported and left out; it fails the run only when named", async () => {
    const implicit = await runMatrix({ root: ROOT, languages: [{ lang: fake("good"), explicit: true }, { lang: missing, explicit: false }], filter: [`events/${target}:*`], failureList: failureList() });
    expect(implicit.ok).toBe(true);
    expect(implicit.producers).toEqual(["good"]);
    expect(implicit.languages.map((l) => [l.name, l.status])).toEqual([["good", "ran"], ["nope", "not built"]]);
    expect(formatMatrixReport(implicit)).toContain("nope: not built (left out of the matrix): no/such/file.js is missing; build it with: build nope");
    const explicit = await runMatrix({ root: ROOT, languages: [{ lang: fake("good"), explicit: true }, { lang: missing, explicit: true }], filter: [`events/${target}:*`], failureList: failureList() });
    expect(explicit.ok).toBe(false);
  });
});

describe("real testees", () => {
  beforeAll(() => {
    // The reference testee runs from dist/ (npm ci builds it); build it only when it is missing.
    if (existsSync(join(ROOT, "dist", "conformance", "src", "reference-testee.js"))) return;
    try {
      execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: ROOT, stdio: "pipe" });
    } catch {
      // reported by the run below
    }
  });

  it("the reference testee alone (1 × 1) passes every valid vector", async () => {
    const report = await matrix([findLanguage("ref")!], { failureList: join(ROOT, "conformance", "failures", "matrix.txt") });
    expect(report.failures.slice(0, 5)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.vectors).toBe(validVectors);
    expect(report.cases).toBe(validVectors * 2);
    expect(report.cells).toEqual([{ producer: "ref", consumer: "ref", decode: { passed: validVectors, failed: 0, skipped: 0, total: validVectors }, relay: { passed: validVectors, failed: 0, skipped: 0, total: validVectors } }]);
  });

  it("vmp conformance --matrix prints the table and exits 0; --json carries the cells", async () => {
    const { code, out } = await run(["conformance", "--matrix", "--lang", "ref", "--filter", "events/event.set.*"]);
    expect(code).toBe(0);
    expect(out).toMatch(/matrix: 1 producer × 1 consumer, \d+ cases \(decode \+ relay\)/);
    expect(out).toMatch(/ref +\d+\/\d+\n/);
    const json = await run(["conformance", "--matrix", "--lang", "ref", "--filter", "events/event.set.e01:*", "--json"]);
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, producers: ["ref"], consumers: ["ref"], cells: [{ producer: "ref", consumer: "ref", decode: { passed: 1, total: 1 }, relay: { passed: 1, total: 1 } }] });
    expect((await run(["conformance", "--matrix", "--lang", "ref", "--filter", "no-such-case"])).code).toBe(2);
  });

  const built = ["ts", "py"].every((n) => missingFiles(findLanguage(n)!, ROOT).length === 0);
  it.skipIf(!built)("ref × ts × py passes every cell", async () => {
    const langs = ["ref", "ts", "py"].map((n) => findLanguage(n)!);
    const report = await matrix(langs, { failureList: join(ROOT, "conformance", "failures", "matrix.txt") });
    expect(report.failures.slice(0, 5)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.producers).toEqual(["ref", "ts", "py"]);
    expect(report.cases).toBe(validVectors * 2 * 9);
    for (const cell of report.cells) expect(cell.decode.passed + cell.relay.passed).toBe(validVectors * 2);
  });
});
