/** The normative documents list exactly what the spec's tables hold (PROFILE §7), so neither can drift. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildIr, loadSpec } from "../src/ir/build.js";

const ir = buildIr(loadSpec("protocol/vmp.schema.json"));
const spec = readFileSync("protocol/SPEC.md", "utf8");

/** The lines of a SPEC.md section, from its heading to the next heading of any level. */
function section(heading: string): string {
  const start = spec.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThan(0);
  const end = spec.indexOf("\n#", start + heading.length + 2);
  return spec.slice(start, end < 0 ? undefined : end);
}

describe("SPEC.md and the spec's tables", () => {
  it("§8.2 has one row per error kind, in table order", () => {
    const rows = [...section("### 8.2 Kinds").matchAll(/^\| `([A-Za-z0-9]+)` \|/gm)].map((m) => m[1]);
    expect(rows).toEqual(ir.errorKinds.map((k) => k.name));
  });

  it("§7.3 lists every dtype once, under its item size", () => {
    const table = section("### 7.3 Arrays and tensors");
    const listed = new Map<string, number>();
    for (const m of table.matchAll(/^\| (\d+) bytes? \| (.+) \|$/gm)) {
      for (const name of m[2]!.matchAll(/`([a-z0-9]+)`/g)) listed.set(name[1]!, Number(m[1]));
    }
    expect(new Map(ir.dtypes.map((d) => [d.name, d.itemSize]))).toEqual(listed);
  });
});
