/** `vmp validate` and `vmp inspect` on streams of frames, bounded inspect output, and plain-worded I/O errors. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/main.js";
import type { Io } from "../src/command.js";
import { frameEnd } from "../src/frames.js";
import { run } from "./helpers.js";

/** vrpc-py's SET (upstream E01), canonical. */
const E01 = "83a27473cf0000018bcfe56800a56574797065a3534554a46461746183a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90";
/** A REMOVE whose second key is an integer: decodes, but is not a valid RemoveEvent. */
const BAD_REMOVE = '{"ts": 1, "etype": "REMOVE", "data": {"keys": ["a", 7]}}';
const e01 = Buffer.from(E01, "hex");

/** Runs the CLI with binary stdin. */
async function runBytes(args: string[], stdin: Buffer, progress?: (t: string) => void): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = {
    out: (t) => void (out += t.endsWith("\n") ? t : `${t}\n`),
    err: (t) => void (err += t.endsWith("\n") ? t : `${t}\n`),
    stdin: () => stdin,
    ...(progress ? { progress } : {}),
  };
  return { code: await main(args, io), out, err };
}

function prefixed(...frames: Buffer[]): Buffer {
  return Buffer.concat(frames.flatMap((f) => [Buffer.from(Uint32Array.of(f.length).buffer), f]));
}

const tmp = () => mkdtempSync(join(tmpdir(), "vmp-stream-"));

describe("vmp validate on one raw frame", () => {
  it("reads raw MessagePack on stdin (cat frame.msgpack | vmp validate -)", async () => {
    const { code, out } = await runBytes(["validate", "-"], e01);
    expect(out).toBe("<stdin>: valid SetEvent\n");
    expect(code).toBe(0);
  });

  it("says so when stdin is empty, with exit 2", async () => {
    const { code, err } = await run(["validate", "-"], "");
    expect(code).toBe(2);
    expect(err).toBe("vmp: <stdin> is empty: pipe a frame into it (vmp --help names the forms)\n");
  });
});

describe("vmp validate --stream", () => {
  it("hex-lines: lists the frames that fail, then counts each outcome", async () => {
    const log = [E01, "", E01.slice(0, 20), "zz", E01].join("\n");
    const { code, out } = await run(["validate", "--stream", "hex-lines", "-"], log);
    expect(code).toBe(1);
    expect(out).toBe(
      [
        "<stdin>:3: invalid MessagePack (1 error)",
        "  Truncated at ts (byte 4): uint64 header needs 9 bytes, 6 remain",
        "<stdin>:4: unreadable: not hex (expected pairs of hex digits)",
        "<stdin>: 4 frames: 2 valid, 1 undecodable, 1 unreadable",
        "",
      ].join("\n"),
    );
  });

  it("recognises several hex lines on stdin without --stream, and --all lists valid frames too", async () => {
    const { code, out } = await run(["validate", "--all", "-"], `${E01}\n${E01}\n`);
    expect(code).toBe(0);
    expect(out).toBe("<stdin>:1: valid SetEvent\n<stdin>:2: valid SetEvent\n<stdin>: 2 frames: 2 valid\n");
  });

  it("jsonl: a .jsonl file is JSON Lines; --json reports JSON Lines with a summary per input", async () => {
    const file = join(tmp(), "capture.jsonl");
    writeFileSync(file, `{"etype": "INIT"}\n${BAD_REMOVE}\n{"etype": \n`);
    const { code, out } = await run(["validate", "--json", file]);
    expect(code).toBe(1);
    const lines = out.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.outcome ?? "summary")).toEqual(["valid", "invalid", "undecodable", "summary"]);
    expect(lines[1]).toMatchObject({ input: `${file}:2`, frame: 2, line: 2, type: "RemoveEvent", errors: [{ kind: "WrongType", at: "data.keys[1]" }] });
    expect(lines[2].errors[0].kind).toBe("InvalidValue");
    expect(lines[3]).toEqual({ input: file, summary: { frames: 3, valid: 1, invalid: 1, undecodable: 1, unreadable: 0, types: { InitEvent: 1, RemoveEvent: 1 } } });
  });

  it("length-prefixed: 4-byte little-endian lengths, and a prefix past the end is unreadable", async () => {
    const stream = Buffer.concat([prefixed(e01, e01.subarray(0, 10)), Buffer.from([0xff, 0, 0, 0, 0x83])]);
    const { code, out } = await runBytes(["validate", "--stream", "length-prefixed", "-"], stream);
    expect(code).toBe(1);
    expect(out).toContain(`<stdin>@${4 + e01.length}: invalid MessagePack (1 error)\n  Truncated`);
    expect(out).toContain(`<stdin>@${8 + e01.length + 10}: unreadable: the length prefix declares 255 bytes, 1 remain\n`);
    expect(out).toMatch(/<stdin>: 3 frames: 1 valid, 1 undecodable, 1 unreadable\n$/);
  });

  it("raw: frames back to back on stdin are found from their headers", async () => {
    const { code, out } = await runBytes(["validate", "--all", "-"], Buffer.concat([e01, e01, e01.subarray(0, 5)]));
    expect(code).toBe(1);
    expect(out).toContain("<stdin>@0: valid SetEvent\n");
    expect(out).toContain(`<stdin>@${e01.length}: valid SetEvent\n`);
    expect(out).toContain(`<stdin>@${2 * e01.length}: invalid MessagePack`);
    expect(out).toMatch(/<stdin>: 3 frames: 2 valid, 1 undecodable\n$/);
  });

  it("handles a log of thousands of frames, showing progress only through the progress hook", async () => {
    const count = 40_000;
    const log = Buffer.from(`${E01}\n`.repeat(count));
    const progress: string[] = [];
    const { code, out, err } = await runBytes(["validate", "-"], log, (t) => progress.push(t));
    expect(code).toBe(0);
    expect(out).toBe(`<stdin>: ${count} frames: ${count} valid\n`);
    expect(err).toBe("");
    expect(progress[0]).toMatch(/^<stdin>: \d+ frames?, \d+% of \d+\.\d MB$/);
    expect(progress.at(-1)).toBe("");
  });

  it("finds where a frame ends from its headers", () => {
    expect(frameEnd(e01, 0)).toBe(e01.length);
    expect(frameEnd(Buffer.concat([e01, e01]), e01.length)).toBe(2 * e01.length);
    expect(frameEnd(e01.subarray(0, e01.length - 1), 0)).toBeUndefined();
    expect(frameEnd(Uint8Array.of(0xc1), 0)).toBeUndefined();
  });
});

describe("vmp inspect, bounded", () => {
  it("elides a large frame's items and canonical bytes, and says how many", async () => {
    // An array of 1000 float64 zeros in an array32 header (canonical: array16): 1001 items, 9005 bytes.
    const frame = Buffer.concat([Buffer.from([0xdd, 0, 0, 0x03, 0xe8]), Buffer.alloc(9000).fill(Buffer.from([0xcb, 0, 0, 0, 0, 0, 0, 0, 0]))]);
    const { code, out } = await runBytes(["inspect", "--type", "any", "-"], frame);
    expect(code).toBe(0);
    expect(out).toContain("… 801 more items not shown (1001 in all; --max-lines 0 shows every one)\n");
    expect(out).toMatch(/\ncanonical bytes \(9003\): dc03e8(cb0{16}){28}cb… \(8747 more bytes not shown; --max-bytes 0 shows all\)\n$/);
    const all = await runBytes(["inspect", "--type", "any", "--max-lines", "0", "--max-bytes", "0", "-"], frame);
    expect(all.out).not.toContain("not shown");
    expect(all.out.split("\n").length).toBeGreaterThan(1001);
  });

  it("dumps every frame of a stream", async () => {
    const { code, out } = await runBytes(["inspect", "--stream", "length-prefixed", "-"], prefixed(e01, e01));
    expect(code).toBe(0);
    expect(out.match(/canonical: yes/g)).toHaveLength(2);
    expect(out).toContain(`<stdin>@${4 + e01.length}: ${e01.length} bytes\n`);
    expect(out).toMatch(/\n<stdin>: 2 frames\n$/);
  });

  it("rejects a negative bound", async () => {
    const { code, err } = await run(["inspect", "--max-lines", "-1", "-"], E01);
    expect(code).toBe(2);
    expect(err).toBe("vmp: --max-lines takes a whole number (0 for no limit), not -1\n");
  });
});

describe("plain errors, never a stack trace", () => {
  it("convert --indent -1 is a usage error", async () => {
    const { code, err } = await run(["convert", "--indent", "-1", "-", "-"], E01);
    expect(code).toBe(2);
    expect(err).toBe("vmp: --indent takes a whole number of spaces from 0 to 10, not -1\n");
  });

  it("names a directory and a missing file in words", async () => {
    const dir = tmp();
    expect((await run(["validate", dir])).err).toBe(`vmp: cannot read ${dir}: it is a directory, not a file\n`);
    expect((await run(["inspect", join(dir, "nope.msgpack")])).err).toBe(`vmp: cannot read ${join(dir, "nope.msgpack")}: no such file or directory\n`);
    const { code, err } = await run(["convert", "-", join(dir, "no", "such", "dir.msgpack")], E01);
    expect(code).toBe(2);
    expect(err).toBe(`vmp: cannot write ${join(dir, "no", "such", "dir.msgpack")}: no such file or directory\n`);
  });

  it("a manifest that is not one is a usage error", async () => {
    const file = join(tmp(), "x.json");
    writeFileSync(file, "{}");
    const { code, err } = await run(["validate", `${file}#a`]);
    expect(code).toBe(2);
    expect(err).toBe(`vmp: ${file} is not a vector manifest (no "vectors" array)\n`);
  });
});
