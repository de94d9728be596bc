/**
 * The differential fuzzer (conformance/fuzz/src): its judging, its mutators and minimiser, and a 20-second run
 * with a fixed seed over every built testee, which must find no crash, hang, Internal error, accept/reject or
 * re-encode disagreement.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../core/src/repo.js";
import { decode } from "../../reference/src/wire/decode.js";
import { LANGUAGES } from "../src/runner-langs.js";
import { failed, formatReport, fuzz, loadSeeds, type FuzzReport } from "../fuzz/src/fuzz.js";
import { harnessInput, parseHarnessInput } from "../fuzz/src/corpus.js";
import { items } from "../fuzz/src/items.js";
import { answerOf, FAILING, judgeAnswers, type Answer } from "../fuzz/src/judge.js";
import { minimize } from "../fuzz/src/minimize.js";
import { Corpus, Mutator, MUTATORS } from "../fuzz/src/mutate.js";
import { Prng } from "../fuzz/src/prng.js";

const root = repoRoot();
const vectorsDir = join(root, "conformance/vectors");
const hex = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s/g, ""), "hex"));

describe("judging one input", () => {
  const judge = (answers: Record<string, Answer>) => judgeAnswers(new Map(Object.entries(answers)));
  const ok = (h: string): Answer => ({ status: "accepted", hex: h });
  const err = (kind: string, path = "(root)"): Answer => ({ status: "rejected", kind, path });

  it("finds nothing when every testee agrees with the reference", () => {
    expect(judge({ ref: ok("01"), ts: ok("01"), py: ok("01") })).toEqual([]);
    expect(judge({ ref: err("Truncated"), ts: err("Truncated") })).toEqual([]);
  });

  it("fails on a crash, a hang, an Internal error, an accept/reject or a re-encode disagreement", () => {
    const classes = (answers: Record<string, Answer>) => judge(answers).map((f) => `${f.class} ${f.lang}`);
    expect(classes({ ref: ok("01"), ts: { status: "crash", message: "testee exited with code 7" } })).toEqual(["crash ts"]);
    expect(classes({ ref: ok("01"), rs: { status: "hang", message: "no answer within 10 s" } })).toEqual(["hang rs"]);
    expect(classes({ ref: ok("01"), py: err("Internal") })).toEqual(["internal py"]);
    expect(classes({ ref: err("Internal"), py: ok("01") })).toEqual(["internal ref"]);
    expect(classes({ ref: ok("01"), ts: err("WrongType") })).toEqual(["accept-reject ts"]);
    expect(classes({ ref: err("Truncated"), ts: ok("01") })).toEqual(["accept-reject ts"]);
    expect(classes({ ref: ok("01"), ts: ok("02") })).toEqual(["reencode ts"]);
    const failing: Record<string, Answer>[] = [{ ref: ok("01"), ts: ok("02") }, { ref: ok("01"), py: err("Internal") }];
    for (const answers of failing) {
      expect(judge(answers).some((f) => FAILING.has(f.class))).toBe(true);
    }
  });

  it("counts kind and path disagreements without failing (SPEC §8.1 rule 4)", () => {
    const findings = judge({ ref: err("Truncated"), ts: err("WrongType"), py: err("Truncated", "a") });
    expect(findings.map((f) => `${f.class} ${f.lang}`)).toEqual(["kind ts", "path py"]);
    expect(findings.some((f) => FAILING.has(f.class))).toBe(false);
  });

  it("reads testee outcomes as answers", () => {
    expect(answerOf({ kind: "response", response: { ok: true, hex: "C0" } })).toEqual({ status: "accepted", hex: "c0" });
    expect(answerOf({ kind: "response", response: { ok: false, error: { kind: "Truncated", path: "(root)" } } })).toMatchObject({ status: "rejected", kind: "Truncated" });
    expect(answerOf({ kind: "timeout", message: "no answer" }).status).toBe("hang");
    expect(answerOf({ kind: "garbage", message: "not a frame" }).status).toBe("crash");
    expect(answerOf({ kind: "response", response: { ok: true, hex: 7 } }).status).toBe("malformed");
  });

  it("fails a report that counts a failing class, and only then", () => {
    const report = (counts: Partial<FuzzReport["counts"]>): FuzzReport => ({
      seed: 1,
      langs: ["ref"],
      notBuilt: [],
      seeds: 1,
      inputs: 1,
      seconds: 1,
      accepted: 0,
      counts: { crash: 0, hang: 0, internal: 0, "accept-reject": 0, reencode: 0, kind: 0, path: 0, ...counts },
      examples: [],
      restarts: {},
    });
    expect(failed(report({ kind: 3, path: 2 }))).toBe(false);
    for (const c of FAILING) expect(failed(report({ [c]: 1 }))).toBe(true);
  });
});

describe("mutating vectors", () => {
  it("finds a frame's items, with their roles and keys", () => {
    // {"a": [1, "x"], "b": nil}
    const found = items(hex("82 a1 61 92 01 a1 78 a1 62 c0"));
    expect(found.map((i) => `${i.role}:${i.family}@${i.start}-${i.end}`)).toEqual([
      "root:map@0-10",
      "key:str@1-3",
      "value:array@3-7",
      "item:int@4-5",
      "item:str@5-7",
      "key:str@7-9",
      "value:nil@9-10",
    ]);
    expect(found[2]!.key).toBe("a");
    expect(found[6]!.key).toBe("b");
  });

  it("reads the items of a hostile frame up to its defect", () => {
    expect(items(hex("dd ff ff ff ff 01 02 03")).map((i) => i.family)).toEqual(["array", "int", "int", "int"]);
    expect(items(hex("a5 68 65"))).toEqual([]);
  });

  const corpus = new Corpus(loadSeeds(vectorsDir));

  it("replays the same inputs from the same seed", () => {
    const run = (seed: number) => {
      const m = new Mutator(corpus, new Prng(seed));
      return Array.from({ length: 200 }, () => Buffer.from(m.next().bytes).toString("hex"));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it("has mutators that change frames, and a nesting bomb beyond the depth limit", () => {
    const rng = new Prng(3);
    const frame = hex("83 a5 7a 74 79 70 65 ad 6e 75 6d 70 79 2e 6e 64 61 72 72 61 79 a5 73 68 61 70 65 91 02 a1 62 c4 02 01 02");
    for (const [name, mutate] of Object.entries(MUTATORS)) {
      const out = mutate({ bytes: frame, items: items(frame), rng, corpus });
      expect(out, name).toBeDefined();
      expect(Buffer.from(out!).equals(Buffer.from(frame)), name).toBe(false);
    }
    let bombs = 0;
    for (let i = 0; i < 50; i++) {
      const out = MUTATORS.nestingBomb!({ bytes: frame, items: items(frame), rng, corpus })!;
      try {
        decode(out);
      } catch (e) {
        if ((e as { kind?: string }).kind === "DepthExceeded") bombs++;
      }
    }
    expect(bombs).toBeGreaterThan(0);
  });

  it("writes and reads the harnesses' input format", () => {
    const data = harnessInput("SetEvent", { strictZType: true }, hex("c0"));
    expect(Buffer.from(data).toString("hex")).toBe(`01${Buffer.from("SetEvent").toString("hex")}00c0`);
    expect(parseHarnessInput(data)).toEqual({ type: "SetEvent", options: { strictZType: true }, frame: hex("c0") });
    expect(parseHarnessInput(hex("00 41"))).toBeUndefined();
  });

  it("minimises an input while it still shows the finding", async () => {
    const shows = async (bytes: Uint8Array) => bytes.includes(0xc1);
    const small = await minimize(hex("83 a1 61 92 01 c1 a1 62 c0 a1 63 a3 78 79 7a"), shows, { maxTries: 500 });
    expect(Buffer.from(small).toString("hex")).toBe("c1");
  });
});

describe("the differential fuzzer", () => {
  it("finds no crash, hang, Internal, accept/reject or re-encode disagreement in 20 s (fixed seed)", { timeout: 180_000 }, async () => {
    const log: string[] = [];
    const report = await fuzz({
      root,
      vectorsDir,
      langs: LANGUAGES.map((l) => l.name),
      seed: 20_240_501,
      seconds: 20,
      timeoutSeconds: 10,
      minimize: FAILING,
      log: (line) => log.push(line),
    });
    for (const line of log.filter((l) => l.startsWith("warning:"))) console.warn(line);
    expect(report.inputs).toBeGreaterThan(0);
    expect(report.langs).toContain("ref");
    expect(failed(report), formatReport(report)).toBe(false);
  });
});
