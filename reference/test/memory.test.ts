/**
 * The reference's memory on a large frame (a map of a million entries): the value model shares what it can, the
 * canonical form of an unchanged free-form value is that value itself, and a bounded heap is enough. The bound is
 * measured in a child process with a fixed old-space limit, so it cannot depend on what else the test run holds.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../core/src/repo.js";
import { canonicalize } from "../src/schema/canonical.js";
import { defaultSpec } from "../src/schema/spec.js";
import { validate } from "../src/schema/validate.js";
import { array, bin, int, map, str, type ArrayValue, type MapValue } from "../src/value/model.js";
import { decode } from "../src/wire/decode.js";
import { fromHex } from "../src/wire/hex.js";

/** A map32 of `n` entries `"k000000": i & 0x7f`: 9 bytes an entry. */
function bigMap(n: number): Uint8Array {
  const frame = Buffer.alloc(5 + 9 * n);
  frame[0] = 0xdf;
  frame.writeUInt32BE(n, 1);
  for (let i = 0, p = 5; i < n; i++, p += 9) {
    frame[p] = 0xa7;
    frame.write(`k${String(i).padStart(6, "0")}`, p + 1, "latin1");
    frame[p + 8] = i & 0x7f;
  }
  return frame;
}

describe("the value model shares what it can", () => {
  it("small integers are one node each, however often they occur", () => {
    const m = decode(bigMap(300)) as MapValue;
    expect(m.entries[5]![1]).toBe(m.entries[5 + 128]![1]);
    expect(m.entries[5]![1]).toBe(int(5));
    expect(int(255)).toBe(int(255n));
    expect(int(256)).not.toBe(int(256)); // beyond the shared range each is its own node
    expect(int(-32)).toBe(int(-32n));
  });

  it("an unchanged free-form value is its own canonical form; a changed one is rebuilt around the change", () => {
    const spec = defaultSpec();
    const plain = decode(bigMap(50));
    expect(canonicalize(plain, "any", spec)).toBe(plain);
    // {a: [1, {ztype: Float32Array, b, length: 1}], c: {d: 2}}: only the path to the typed array is rebuilt.
    const typed = map([["ztype", str("Float32Array")], ["b", bin(fromHex("0000803f"))], ["length", int(1)]]);
    const mixed = map([["a", array([int(1), typed])], ["c", map([["d", int(2)]])]]);
    const canonical = canonicalize(mixed, "any", spec) as MapValue;
    expect(canonical).not.toBe(mixed);
    expect(canonical.entries[1]![1]).toBe(mixed.entries[1]![1]); // c, unchanged
    const items = (canonical.entries[0]![1] as ArrayValue).items;
    expect(items[0]).toBe(int(1));
    expect(items[1]).not.toBe(typed); // the typed array became a numpy.ndarray
    expect(validate(plain, spec, { type: "any" }).canonical).toBe(plain);
    expect(validate(mixed, spec, { type: "any" }).canonical).toEqual(canonical);
    // With errors there is no canonical form (a SET without ts and data).
    expect(validate(decode(fromHex("81a56574797065a3534554")), spec, { type: "SetEvent" }).canonical).toBeUndefined();
  });
});

describe("a map of a million entries (about 9 MB)", () => {
  const script = join(repoRoot(), "dist", "conformance", "src", "reference-testee.js");
  // Before the value model shared small integers and canonical forms, validating this frame held the decoded
  // value (about 162 bytes an entry) and a canonical copy (72 more) at once: it ran out of memory with 200 MB of
  // old space. It now holds about 100 bytes an entry and needs 130 MB. 165 MB lies between, with margin each way.
  it.skipIf(!existsSync(script))("is validated by the reference testee within 165 MB of old space", () => {
    const child = `
      const { handle } = await import(${JSON.stringify(script)});
      const n = 1000000, frame = Buffer.alloc(5 + 9 * n);
      frame[0] = 0xdf; frame.writeUInt32BE(n, 1);
      for (let i = 0, p = 5; i < n; i++, p += 9) { frame[p] = 0xa7; frame.write("k" + String(i).padStart(6, "0"), p + 1, "latin1"); frame[p + 8] = i & 0x7f; }
      const r = handle({ op: "validate", type: "any", hex: frame.toString("hex") });
      process.stdout.write(JSON.stringify(r));`;
    const out = execFileSync(process.execPath, ["--max-old-space-size=165", "--input-type=module", "-e", child], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(JSON.parse(out)).toEqual({ ok: true });
  }, 60_000);
});
