/**
 * The runner's parts and its self-test: protocol framing, case naming and filters, the judge's diffs, the
 * reference testee in-process, and the whole runner against the built reference testee, which must pass every
 * case with an empty failure list.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "../../cli/test/helpers.js";
import { decodeFrameBody, encodeFrame, FrameError, FrameReader, readFrames, serve, writeFrame } from "../src/protocol.js";
import { handle } from "../src/reference-testee.js";
import { casesOf, loadManifests, nameFilter, type Case } from "../src/runner-cases.js";
import { hexDiff, judge } from "../src/runner-compare.js";
import { readFailureList } from "../src/runner-failures.js";
import { findLanguage, splitCommand } from "../src/runner-langs.js";
import { runConformance } from "../src/runner.js";

const ROOT = resolve(".");
const manifests = loadManifests(join(ROOT, "conformance", "vectors"));
const cases = casesOf(manifests);
const byName = new Map(cases.map((c) => [c.name, c]));
const caseNamed = (name: string): Case => byName.get(name) ?? expect.fail(`no case ${name}`);

describe("protocol framing", () => {
  const messages = [{ op: "hello" }, { ok: true, value: { $map: [["0", { $f64: "-0" }]] } }, { ok: false, error: { kind: "Truncated", path: "(root)", message: "é ✓ 😀" } }];

  it("round-trips messages, whatever the chunking", () => {
    const bytes = Buffer.concat(messages.map((m) => encodeFrame(m)));
    expect(bytes.readUInt32LE(0)).toBe(Buffer.byteLength(JSON.stringify(messages[0])));
    for (const size of [1, 3, 4, 7, bytes.length]) {
      const reader = new FrameReader();
      const got = [];
      for (let i = 0; i < bytes.length; i += size) got.push(...reader.push(bytes.subarray(i, i + size)));
      reader.end();
      expect(got).toEqual(messages);
    }
  });

  it("round-trips over streams", async () => {
    const pipe = new PassThrough();
    for (const m of messages) await writeFrame(pipe, m);
    pipe.end();
    const got = [];
    for await (const m of readFrames(pipe)) got.push(m);
    expect(got).toEqual(messages);
  });

  it("refuses malformed frames with a clear error", () => {
    const frame = (body: Buffer) => Buffer.concat([Buffer.from([body.length, 0, 0, 0]), body]);
    expect(() => new FrameReader(100).push(Buffer.from([0xff, 0xff, 0xff, 0x7f]))).toThrow(new FrameError("frame header announces 2147483647 bytes, over the limit of 100 (starts ffffff7f)"));
    expect(() => new FrameReader().push(frame(Buffer.from("{nope")))).toThrow(/^frame is not JSON \(.*; starts "\{nope"\)$/);
    expect(() => new FrameReader().push(frame(Buffer.from([0x7b, 0xff, 0x7d])))).toThrow("frame of 3 bytes is not UTF-8 (starts 7bff7d)");
    expect(() => new FrameReader().push(frame(Buffer.from("[1]")))).toThrow("frame holds an array, not a JSON object");
    expect(() => decodeFrameBody(Buffer.from("null"))).toThrow("frame holds null, not a JSON object");
    const reader = new FrameReader();
    reader.push(encodeFrame({ op: "hello" }).subarray(0, 6));
    expect(() => reader.end()).toThrow("stream ended inside a frame (6 bytes received, 14 announced; starts 0e0000007b22)");
    expect(() => encodeFrame({ big: "x".repeat(100) }, 50)).toThrow("frame of 110 bytes exceeds the limit of 50 bytes");
  });

  it("serve answers in order, reports a throwing handler as Internal, and stops at quit", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const done = serve((r) => {
      if (r.op === "boom") throw new TypeError("oops");
      return { ok: true, hex: String(r.op) };
    }, input, output);
    for (const op of ["a", "boom", "b", "quit", "never"]) input.write(encodeFrame({ op }));
    await done;
    output.end();
    const got = [];
    for await (const m of readFrames(output)) got.push(m);
    expect(got).toEqual([{ ok: true, hex: "a" }, { ok: false, error: { kind: "Internal", message: "TypeError: oops" } }, { ok: true, hex: "b" }]);
  });
});

describe("cases", () => {
  it("name every (vector, check) pair stably", () => {
    const valid = manifests.flatMap((m) => m.vectors.filter((v) => v.valid));
    const invalid = manifests.flatMap((m) => m.vectors.filter((v) => !v.valid));
    const alternatives = valid.reduce((n, v) => n + (v.alternatives?.length ?? 0), 0);
    expect(cases.length).toBe(valid.length * 4 + alternatives * 2 + invalid.length * 2);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    const timeout = cases.filter((c) => c.name.startsWith("events/event.timeout.integral:")).map((c) => c.name);
    expect(timeout).toEqual(["decode", "validate", "encode", "reencode", "alt0:decode", "alt0:reencode"].map((check) => `events/event.timeout.integral:${check}`));
    expect(cases.filter((c) => c.name.startsWith("events/event.set.missing-data:")).map((c) => c.name)).toEqual(["events/event.set.missing-data:decode", "events/event.set.missing-data:validate"]);
  });

  it("pass a vector's options through", () => {
    const withOptions = cases.filter((c) => c.vector.options !== undefined);
    expect(withOptions.length).toBeGreaterThan(0);
    for (const c of withOptions) expect(c.request.options).toEqual(c.vector.options);
  });

  it("are selected by substring or glob", () => {
    const names = ["events/event.set.e01:decode", "events/event.set.e01:alt0:reencode", "msgpack/int.one:encode"];
    expect(names.filter(nameFilter(["set.e01"]))).toEqual(names.slice(0, 2));
    expect(names.filter(nameFilter(["*:encode"]))).toEqual(names.slice(2));
    expect(names.filter(nameFilter(["events/*:reencode", "msgpack/*"]))).toEqual(names.slice(1));
    expect(names.filter(nameFilter(["events/event.set.e0?:decode"]))).toEqual(names.slice(0, 1));
    expect(names.filter(nameFilter(["event.set.e01"]))).toEqual(names.slice(0, 2)); // no wildcard: substring
    expect(names.filter(nameFilter([]))).toEqual(names);
  });
});

describe("judging answers", () => {
  const decode = caseNamed("events/event.set.e01:decode");
  const encode = caseNamed("events/event.set.e01:encode");
  const invalid = caseNamed("events/event.set.missing-data:decode");

  it("compares values as the MessagePack values their typed JSON means", () => {
    expect(judge(caseNamed("msgpack/int.one:decode"), { ok: true, value: { $int: "1" } })).toEqual({ status: "pass" });
    expect(judge(caseNamed("msgpack/int.one:decode"), { ok: true, value: { $f64: 1 } })).toEqual({ status: "fail", detail: 'at (root): expected 1, got {"$f64":1}' });
    const value = decode.vector.value as { ts: number; data: Record<string, unknown> };
    expect(judge(decode, { ok: true, value: { ...value, ts: value.ts + 1 } })).toMatchObject({ detail: `at ts: expected ${value.ts}, got ${value.ts + 1}` });
    const { ts, ...rest } = value;
    expect(judge(decode, { ok: true, value: { ...rest, ts } })).toMatchObject({ detail: 'at (root): expected key "ts" at entry 0, got "etype" (key order differs)' });
    expect(judge(decode, { ok: true, value: { ts, bad: { $nope: 1 } } })).toMatchObject({ detail: 'got malformed typed JSON at bad: unknown tag "$nope"' });
  });

  it("shows where bytes differ", () => {
    expect(judge(encode, { ok: true, hex: encode.vector.canonical!.toUpperCase() })).toEqual({ status: "pass" });
    expect(hexDiff("83a274730102", "83a274730203")).toBe("bytes differ at byte 4: expected 83a274730102, got 83a274730203");
    expect(hexDiff("00112233445566778899", "00112233445566778899aa")).toBe("bytes differ at byte 10; 10 vs 11 bytes: expected …2233445566778899, got …2233445566778899aa");
  });

  it("checks error kinds and paths", () => {
    expect(invalid.expect).toEqual({ kind: "error", error: "MissingField", path: "data" });
    expect(judge(invalid, { ok: false, error: { kind: "MissingField", path: "data", message: "x" } })).toEqual({ status: "pass" });
    expect(judge(invalid, { ok: false, error: { kind: "MissingField", path: "(root)" } })).toEqual({ status: "fail", detail: "expected MissingField at data, got MissingField at (root)" });
    expect(judge(invalid, { ok: false, error: { kind: "WrongType", path: "data", message: "no" } })).toEqual({ status: "fail", detail: "expected MissingField at data, got WrongType at data: no" });
    expect(judge(invalid, { ok: true, value: 1 })).toEqual({ status: "fail", detail: "expected MissingField at data, got ok 1" });
    expect(judge(decode, { ok: false, error: { kind: "Internal", message: "TypeError: x" } })).toMatchObject({ detail: expect.stringMatching(/^expected \{"ts":.*, got Internal: TypeError: x$/) });
  });

  it("reports skips and malformed answers", () => {
    expect(judge(decode, { ok: false, skipped: "lossless mode is not built yet" })).toEqual({ status: "skip", reason: "lossless mode is not built yet" });
    expect(judge(decode, { value: 1 })).toEqual({ status: "fail", detail: 'malformed response: "ok" must be true or false (got {"value":1})' });
    expect(judge(decode, { ok: false })).toMatchObject({ detail: expect.stringContaining('needs "error" or "skipped"') });
    expect(judge(encode, { ok: true, hex: "xyz" })).toMatchObject({ detail: 'malformed response: "hex" is not hex (got "xyz")' });
  });
});

describe("the reference testee, in-process", () => {
  it("says hello", () => {
    expect(handle({ op: "hello" })).toEqual({ ok: true, name: "vmp-reference", version: "0.1.0", ops: ["decode", "encode", "reencode", "validate"] });
  });

  it("answers every kind of request", () => {
    expect(handle({ op: "decode", type: "any", hex: "cb3ff0000000000000" })).toEqual({ ok: true, value: { $f64: 1 } });
    expect(handle({ op: "reencode", type: "any", hex: "de0001a161c0" })).toEqual({ ok: true, hex: "81a161c0" });
    expect(handle({ op: "encode", type: "any", value: { $map: [["1", true]] } })).toEqual({ ok: true, hex: "81a131c3" });
    expect(handle({ op: "validate", type: "any", hex: "c1" })).toEqual({ ok: false, error: { kind: "InvalidValue", path: "(root)", message: expect.any(String) } });
    expect(handle({ op: "decode", type: "any", hex: "92" })).toMatchObject({ ok: false, error: { kind: "Truncated" } });
  });

  it("answers BadRequest for what it cannot parse, and skipped for what it does not support", () => {
    expect(handle({ op: "decode", type: "NoSuchType", hex: "c0" })).toMatchObject({ ok: false, error: { kind: "BadRequest" } });
    expect(handle({ op: "decode", type: "any", hex: "zz" })).toMatchObject({ ok: false, error: { kind: "BadRequest" } });
    expect(handle({ op: "encode", type: "any", value: { $f16: 1 } })).toMatchObject({ ok: false, error: { kind: "BadRequest", message: 'typed JSON at (root): unknown tag "$f16"' } });
    expect(handle({ op: "decode", type: "any", hex: "c0", options: { zeroCopy: true } })).toEqual({ ok: false, skipped: "option zeroCopy is not supported" });
    expect(handle({ op: "transcode" })).toEqual({ ok: false, skipped: 'unknown op "transcode"' });
  });
});

describe("failure lists and languages", () => {
  it("the committed lists are headers only", () => {
    for (const lang of ["ref", "ts"]) {
      const list = readFailureList(join(ROOT, "conformance", "failures", `${lang}.txt`), lang);
      expect(list.exists).toBe(true);
      expect(list.header[0]).toMatch(/^# Conformance cases the \w+ testee is known to fail/);
      expect([...list.entries.keys()]).toEqual([]);
    }
  });

  it("declare ref and ts", () => {
    expect(findLanguage("ref")?.command).toEqual(["node", "dist/conformance/src/reference-testee.js"]);
    expect(findLanguage("ts")?.command).toEqual(["node", "conformance/testees/ts/dist/main.js"]);
  });

  it("split --testee command lines like a shell", () => {
    expect(splitCommand(`python3 -m vmp_protocol.testee`)).toEqual(["python3", "-m", "vmp_protocol.testee"]);
    expect(splitCommand(`"my testee" 'a b' c\\ d ""`)).toEqual(["my testee", "a b", "c d", ""]);
    expect(() => splitCommand(`"open`)).toThrow('unbalanced " in command');
  });
});

describe("the runner against the reference testee", () => {
  beforeAll(() => {
    // The testee runs as a separate process from dist/, as `vmp conformance` runs it: build it first. tsc
    // exits non-zero on a type error elsewhere in the tree but still emits, which is all this test needs.
    try {
      execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: ROOT, stdio: "pipe" });
    } catch {
      // reported by the existence check below
    }
    expect(existsSync(join(ROOT, "dist", "conformance", "src", "reference-testee.js"))).toBe(true);
  }, 120_000);

  it("passes every case with an empty failure list, well within the time budget", async () => {
    const report = await runConformance({ root: ROOT, languages: [{ lang: findLanguage("ref")!, explicit: true }] });
    const ref = report.languages[0]!;
    expect(ref.failures.slice(0, 5)).toEqual([]);
    expect(ref).toMatchObject({ status: "ran", cases: cases.length, passed: cases.length, failed: 0, skipped: 0, nowPassing: [], stale: [], restarts: 0, ok: true });
    expect(report).toMatchObject({ ok: true, vectors: manifests.reduce((n, m) => n + m.vectors.length, 0) });
    expect(ref.durationMs).toBeLessThan(20_000);
  });

  it("vmp conformance prints the table and exits 0; --json is machine-readable", async () => {
    const text = await run(["conformance", "--lang", "ref", "--filter", "events/event.set.*"]);
    expect(text.code, text.out + text.err).toBe(0);
    expect(text.out).toMatch(/^ref: vmp-reference 0\.1\.0, (\d+) cases in [\d.]+ m?s\n {2}passed {2}\1\n {2}failed +0\n {2}skipped +0\n\nconformance: ok \(ref passed; \1 cases matching "events\/event\.set\.\*" from \d+ vectors, [\d.]+ m?s\)\n$/);
    const json = await run(["conformance", "--lang", "ref", "--filter", "msgpack/nil:*", "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, cases: 4, languages: [{ name: "ref", passed: 4, failures: [] }] });
  });

  it("vmp conformance refuses unknown languages and filters that match nothing", async () => {
    expect(await run(["conformance", "--lang", "cobol"])).toMatchObject({ code: 2, err: 'vmp: unknown language "cobol" (known: ref, ts, py, rs; or pass --testee CMD)\n' });
    expect(await run(["conformance", "--lang", "ref", "--filter", "no-such-case"])).toMatchObject({ code: 2, err: 'vmp: --filter "no-such-case" matches no case\n' });
  });
});
