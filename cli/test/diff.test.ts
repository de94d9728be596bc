import { describe, expect, it } from "vitest";
import { run } from "./helpers.js";

/** vrpc-py's SET (upstream E01) and the same message as msgpackr writes it (E01, TS column). */
const E01 = "83a27473cf0000018bcfe56800a56574797065a3534554a46461746183a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90";
const E01_MSGPACKR = "de0003a27473cb4278bcfe56800000a56574797065a3534554a464617461de0003a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90";

describe("vmp diff", () => {
  it("says when two encodings carry the same value, and why each side is not canonical", async () => {
    const { code, out } = await run(["diff", E01, E01_MSGPACKR]);
    expect(code).toBe(0);
    expect(out).toContain("type: SetEvent");
    expect(out).toContain("bytes differ from offset 0: A has 83a27473cf000001…, B has de0003a27473cb42…");
    expect(out).toContain("same value: the bytes differ only in encoding\n  A is canonical\n  B is not canonical:\n");
    expect(out).toContain("    byte 0: map16 header for 3 entries; canonical is fixmap\n");
    expect(out).toContain("    ts: float64 1700000000000 in an integer field; canonical is the integer 1700000000000\n");
  });

  it("names every change of value by path, after canonicalisation", async () => {
    // vrpc-py's add_event (to: "children", position [0, 0, 0]) vs the Vuer server's Add (to: nil, z as float32 0.5).
    const { code, out } = await run(["diff", "conformance/vectors/events.json#event.add.e02", "conformance/vectors/wild.json#wild.v03/0"]);
    expect(code).toBe(1);
    expect(out).toContain("different values (2 differences, compared in canonical form):\n  data.nodes[0].position[2]: integer 0 vs float32 0.5\n  data.to: \"children\" vs nil\n");
  });

  it("reports identical bytes", async () => {
    const { code, out } = await run(["diff", E01, "conformance/vectors/wild.json#wild.e01"]);
    expect(code).toBe(0);
    expect(out).toContain("identical bytes");
  });

  it("compares frames that are not valid for the type as bare values", async () => {
    const other = E01.replace("cf0000018bcfe56800", "cf0000018bcfe56801").replace(/90$/, "91c0");
    const { code, out } = await run(["diff", E01, other]);
    expect(code).toBe(1);
    expect(out).toContain("B is not a valid SetEvent: WrongType at data.children[0]: expected a map (Element), got nil");
    expect(out).toContain("type: any (compared as bare values)");
    expect(out).toContain("  ts: integer 1700000000000 vs integer 1700000000001\n  data.children: 0 items vs 1\n");
  });

  it("fails with the wire error of a frame that does not decode", async () => {
    const { code, err } = await run(["diff", E01, E01.slice(0, -2)]);
    expect(code).toBe(1);
    expect(err).toMatch(/Truncated .*does not decode/);
  });
});
