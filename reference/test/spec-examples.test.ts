/**
 * The worked byte examples of protocol/SPEC.md (the listings marked `<!-- check: NAME -->`) against the reference
 * codec. Their bytes were derived by hand and checked with msgpack-python when the spec was written; here the
 * canonical ones must re-encode to themselves and the non-canonical ones to the canonical example they name.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { toHex } from "../src/wire/hex.js";
import { canonicalize } from "../src/schema/canonical.js";
import { defaultSpec } from "../src/schema/spec.js";
import { selectType, validate } from "../src/schema/validate.js";
import { decode } from "../src/wire/decode.js";
import { encode } from "../src/wire/encode.js";

const text = readFileSync("protocol/SPEC.md", "utf8");

/** Each checked listing's bytes: the hex column of every line (the annotation starts after two spaces). */
const listings = new Map(
  [...text.matchAll(/<!-- check: (\w+) -->\n```text\n([\s\S]*?)```/g)].map(([, name, body]) => [
    name!,
    body!
      .split("\n")
      .map((line) => line.split(/\s{2,}/)[0]!.trim())
      .filter((hex) => /^([0-9a-f]{2}( |$))+$/.test(hex))
      .join("")
      .replace(/ /g, ""),
  ]),
);

function canonicalHex(hex: string): string {
  const spec = defaultSpec();
  const value = decode(Uint8Array.from(Buffer.from(hex, "hex")));
  let type = "any";
  if (value.kind === "map" && value.entries.some(([k]) => k === "etype")) type = selectType(value, spec);
  expect(validate(value, spec, { type }).errors).toEqual([]);
  return toHex(encode(canonicalize(value, type === "any" ? "any" : { kind: "ref", name: type }, spec)));
}

describe("SPEC.md worked examples", () => {
  it("has the listings this test knows", () => {
    expect([...listings.keys()].sort()).toEqual(["float_1", "grab_render", "grab_render_response", "set_event", "set_event_msgpackr", "ts_f32", "update_event", "zdata_f32"]);
  });

  it.each(["float_1", "set_event", "zdata_f32", "update_event", "grab_render", "grab_render_response"])("%s is canonical", (name) => {
    const hex = listings.get(name)!;
    expect(hex.length).toBeGreaterThan(0);
    expect(canonicalHex(hex)).toBe(hex);
  });

  it("the msgpackr form of the SET example re-encodes to the canonical listing", () => {
    expect(canonicalHex(listings.get("set_event_msgpackr")!)).toBe(listings.get("set_event"));
  });

  it("the vrpc-ts Float32Array form re-encodes to the numpy.ndarray listing", () => {
    const canonical = canonicalHex(listings.get("ts_f32")!);
    expect(canonical).toBe(listings.get("zdata_f32"));
  });
});
