import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "./helpers.js";

/** vrpc-py's set_event bytes (upstream vector E01, produced by running the Python reference implementation). */
const E01 = "83a27473cf0000018bcfe56800a56574797065a3534554a46461746183a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90";
/** The same message as the browser's msgpackr writes it (upstream E01, TS column): map16 headers, float64 ts. */
const E01_MSGPACKR = "de0003a27473cb4278bcfe56800000a56574797065a3534554a464617461de0003a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90";

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "vmp-cli-"));
}

describe("vmp --help", () => {
  it("lists every command", async () => {
    const { code, out } = await run(["--help"]);
    expect(code).toBe(0);
    for (const c of ["validate", "inspect", "diff", "convert", "lint", "vectors", "generate", "conformance"]) expect(out).toContain(`vmp ${c}`);
  });

  it.each(["validate", "inspect", "diff", "convert", "lint", "vectors", "generate", "conformance"])("%s --help", async (c) => {
    const { code, out } = await run([c, "--help"]);
    expect(code).toBe(0);
    expect(out).toContain(`vmp ${c}`);
  });

  it("rejects an unknown command with exit 2", async () => {
    const { code, err } = await run(["frobnicate"]);
    expect(code).toBe(2);
    expect(err).toMatch(/Unknown argument|Unknown command/);
  });
});

describe("vmp validate", () => {
  it("accepts a canonical SET frame from stdin hex", async () => {
    const { code, out } = await run(["validate", "-"], E01);
    expect(out).toBe("<stdin>: valid SetEvent\n");
    expect(code).toBe(0);
  });

  it("accepts the browser's non-canonical form of the same message", async () => {
    expect((await run(["validate", "-"], E01_MSGPACKR)).code).toBe(0);
  });

  it("names the wire error of a truncated frame without a stack trace", async () => {
    const { code, out } = await run(["validate", "-"], E01.slice(0, -4));
    expect(code).toBe(1);
    expect(out).toMatch(/^<stdin>: invalid MessagePack \(1 error\)\n {2}Truncated at /);
    expect(out).not.toMatch(/\n\s+at /);
  });

  it("reports schema errors with kind and path, and as JSON", async () => {
    const dir = tmp();
    const file = join(dir, "bad.json");
    writeFileSync(file, '{"ts": "soon", "etype": "REMOVE", "data": {"keys": ["a", 7]}}');
    const { code, out } = await run(["validate", file]);
    expect(code).toBe(1);
    expect(out).toContain("invalid RemoveEvent (2 errors)");
    expect(out).toMatch(/WrongType at ts: expected an integer, got "soon"/);
    expect(out).toMatch(/WrongType at data\.keys\[1\]: expected a string, got integer 7/);
    const json = JSON.parse((await run(["validate", "--json", file])).out);
    expect(json).toMatchObject({ valid: false, type: "RemoveEvent" });
    expect(json.errors.map((e: { kind: string; at: string }) => `${e.kind} ${e.at}`)).toEqual(["WrongType ts", "WrongType data.keys[1]"]);
  });

  it("validates as an explicit --type", async () => {
    const { code, out } = await run(["validate", "--type", "AddEvent", "-"], E01);
    expect(code).toBe(1);
    expect(out).toContain("invalid AddEvent");
  });

  it("exits 2 for a missing file and an unknown type", async () => {
    expect((await run(["validate", "/nonexistent/frame.msgpack"])).code).toBe(2);
    const { code, err } = await run(["validate", "--type", "NoSuchType", "-"], E01);
    expect(code).toBe(2);
    expect(err).toContain('unknown type "NoSuchType"');
  });
});

describe("vmp inspect", () => {
  it("says which canonical rules the browser's frame breaks", async () => {
    const { code, out } = await run(["inspect", "-"], E01_MSGPACKR);
    expect(code).toBe(0);
    expect(out).toContain("map16 header for 3 entries; canonical is fixmap");
    expect(out).toContain("schema: ts: float64 1700000000000 in an integer field; canonical is the integer 1700000000000");
    expect(out).toContain("canonical: no");
    expect(out).toContain(`canonical bytes (${E01.length / 2}): ${E01}`);
  });

  it("reads a vector's alternative encoding and names the key-order rule it breaks", async () => {
    const { code, out } = await run(["inspect", "conformance/vectors/wild.json#wild.v04/0"]);
    expect(code).toBe(0);
    expect(out).toContain("schema: (root): keys in order ts, data, etype, strict; canonical order is ts, etype, data, strict");
  });

  it("confirms a canonical frame", async () => {
    const { out } = await run(["inspect", "-"], E01);
    expect(out).toContain("canonical: yes");
  });
});

describe("vmp convert", () => {
  it("turns a JSON message into canonical bytes, float fields as float64", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "t.json"), '{"ts": 1700000000000, "etype": "TIMEOUT", "data": {"timeout": 1, "fn": "f"}}');
    const { code } = await run(["convert", join(dir, "t.json"), join(dir, "t.msgpack")]);
    expect(code).toBe(0);
    // 83 {a2 "ts" cf <1700000000000>} {a5 "etype" a7 "TIMEOUT"} {a4 "data" 82 {a7 "timeout" cb 3ff0000000000000} {a2 "fn" a1 "f"}}
    const expected = "83a27473cf0000018bcfe56800a56574797065a754494d454f5554a46461746182a774696d656f7574cb3ff0000000000000a2666ea166";
    expect(readFileSync(join(dir, "t.msgpack")).toString("hex")).toBe(expected);
  });

  it("reads a captured frame as JSON, bytes in the __bytes__ form", async () => {
    // {etype: "INPUT", key: "k", value: bin 01 02 03} is not an InputEvent (value must be text); use --type any.
    const { code, out } = await run(["convert", "--type", "any", "-", "-"], "83a56574797065a5494e505554a36b6579a16ba576616c7565c403010203");
    expect(code).toBe(0);
    expect(out).toBe('{"etype":"INPUT","key":"k","value":{"__bytes__":"AQID"}}\n');
  });

  it("round-trips JSON -> MessagePack -> JSON", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "e.msgpack"), Buffer.from(E01, "hex"));
    await run(["convert", join(dir, "e.msgpack"), join(dir, "e.json")]);
    expect(readFileSync(join(dir, "e.json"), "utf8")).toBe('{"ts":1700000000000,"etype":"SET","data":{"tag":"Scene","key":"root","children":[]}}\n');
    await run(["convert", join(dir, "e.json"), join(dir, "back.msgpack")]);
    expect(readFileSync(join(dir, "back.msgpack")).toString("hex")).toBe(E01);
  });
});

describe("vmp lint", () => {
  it("passes on the repository's spec", async () => {
    const { code, out } = await run(["lint"]);
    expect(code).toBe(0);
    expect(out).toMatch(/protocol\/vmp\.schema\.json: ok \(\d+ types, \d+ message types, 4 ZData variants/);
    expect(out).not.toContain("warning");
  });

  it("warns about a message type without examples, and still passes", async () => {
    const spec = JSON.parse(readFileSync("protocol/vmp.schema.json", "utf8"));
    delete spec.$defs.InputEvent.examples;
    const file = join(tmp(), "no-examples.schema.json");
    writeFileSync(file, JSON.stringify(spec));
    const { code, out } = await run(["lint", file]);
    expect(code).toBe(0);
    expect(out).toMatch(/^.*no-examples\.schema\.json#\/\$defs\/InputEvent: warning: a message type should have examples: without them no vector is derived for it \(PROFILE §5\)\n.*: ok \(.*; 1 warning\)\n$/);
  });

  it("fails on a deliberately broken schema, naming the pointer", async () => {
    const spec = JSON.parse(readFileSync("protocol/vmp.schema.json", "utf8"));
    delete spec.$defs.Timestamp["x-vmp-wire"];
    spec.$defs.RemoveData.additionalProperties = true;
    const file = join(tmp(), "broken.schema.json");
    writeFileSync(file, JSON.stringify(spec));
    const { code, out } = await run(["lint", file]);
    expect(code).toBe(1);
    expect(out).toContain('#/$defs/Timestamp: an integer must declare its wire type: "x-vmp-wire"');
    expect(out).toContain('#/$defs/RemoveData: a record must be closed ("additionalProperties": false) unless marked "x-vmp-open": true');
    expect(out).toContain("2 problems");
  });
});

describe("vmp vectors --check", () => {
  it("passes on the committed corpus", async () => {
    const { code, out } = await run(["vectors", "--check"]);
    expect(out).toMatch(/manifests match their recipes/);
    expect(code).toBe(0);
  });

  it("fails on a hand-edited vector, naming it", async () => {
    const dir = tmp();
    for (const f of readdirSync("conformance/vectors")) copyFileSync(join("conformance/vectors", f), join(dir, f));
    const file = join(dir, "msgpack.json");
    writeFileSync(file, readFileSync(file, "utf8").replace('"canonical":"cd0100"', '"canonical":"cc0100"'));
    const { code, err } = await run(["vectors", "--check", "--dir", dir]);
    expect(code).toBe(1);
    expect(err).toContain("msgpack.json: vector int.uint16.min differs from its recipe in canonical");
  });
});
