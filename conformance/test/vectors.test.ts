/**
 * The committed corpus read back through the public surfaces: every valid vector decodes to its value from its
 * canonical bytes and from every alternative and re-encodes to its canonical bytes (a lossless relay of canonical
 * input); every invalid vector is rejected by `vmp validate` with exactly the listed error kind.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseHex } from "../../cli/src/io.js";
import { toHex } from "../../reference/src/wire/hex.js";
import { canonicalize } from "../../reference/src/schema/canonical.js";
import { defaultSpec } from "../../reference/src/schema/spec.js";
import { validate } from "../../reference/src/schema/validate.js";
import { equals } from "../../reference/src/value/model.js";
import { fromTypedJson } from "../../reference/src/value/typed-json.js";
import { decode } from "../../reference/src/wire/decode.js";
import { encode } from "../../reference/src/wire/encode.js";
import { run } from "../../cli/test/helpers.js";

interface Vector {
  id: string;
  type: string;
  valid: boolean;
  value?: unknown;
  canonical?: string;
  alternatives?: { hex: string; note: string }[];
  input?: string;
  error?: string;
  path?: string;
  options?: { strictZType?: boolean };
}

const DIR = "conformance/vectors";
const manifests = readdirSync(DIR)
  .filter((f) => f.endsWith(".json") && f !== "manifest.schema.json")
  .map((f) => ({ file: join(DIR, f), vectors: JSON.parse(readFileSync(join(DIR, f), "utf8")).vectors as Vector[] }));
const all = manifests.flatMap((m) => m.vectors.map((v) => ({ ...v, file: m.file })));
const spec = defaultSpec();

describe("the vector corpus", () => {
  it("meets the size the conformance suite promises", () => {
    expect(all.length).toBeGreaterThanOrEqual(300);
    expect(all.filter((v) => !v.valid).length).toBeGreaterThanOrEqual(80);
    expect(new Set(all.map((v) => v.id)).size).toBe(all.length);
  });

  it("covers every error kind", async () => {
    const { ERROR_KINDS } = await import("../../core/src/errors.js");
    expect(new Set(all.filter((v) => !v.valid).map((v) => v.error))).toEqual(new Set(ERROR_KINDS));
  });

  it("has a valid and an invalid vector for every message type in the catalogue", () => {
    for (const m of spec.ir.messages) {
      expect(all.some((v) => v.valid && v.type === m.name), `valid ${m.name}`).toBe(true);
      expect(all.some((v) => !v.valid && v.type === m.name), `invalid ${m.name}`).toBe(true);
    }
  });
});

describe.each(manifests)("$file", ({ file, vectors }) => {
  const valid = vectors.filter((v) => v.valid);
  const invalid = vectors.filter((v) => !v.valid);

  if (valid.length > 0) it(`decodes and re-encodes its ${valid.length} valid vectors`, () => {
    for (const v of valid) {
      const expected = fromTypedJson(v.value);
      const type = v.type === "any" ? "any" : ({ kind: "ref", name: v.type } as const);
      for (const hex of [v.canonical!, ...(v.alternatives ?? []).map((a) => a.hex)]) {
        const decoded = decode(parseHex(hex));
        expect(validate(decoded, spec, { type: v.type, ...v.options }).errors, `${v.id} ${hex.slice(0, 40)}`).toEqual([]);
        const canonical = canonicalize(decoded, type, spec, v.options);
        expect(equals(canonical, expected), `${v.id}: value of ${hex.slice(0, 40)}`).toBe(true);
        expect(toHex(encode(canonical)), `${v.id}: re-encoding`).toBe(v.canonical);
      }
    }
  });

  if (invalid.length > 0) it(`rejects its ${invalid.length} invalid vectors with the listed kind, through vmp validate`, async () => {
    for (const v of invalid) {
      const args = ["validate", "--json", "--type", v.type, `${file}#${v.id}`, ...(v.options?.strictZType ? ["--strict-ztype"] : [])];
      const { code, out } = await run(args);
      const report = JSON.parse(out);
      expect(code, v.id).toBe(1);
      expect(report.errors[0].kind, v.id).toBe(v.error);
      if (v.path !== undefined) expect(report.errors[0].at, v.id).toBe(v.path);
    }
  });
});
