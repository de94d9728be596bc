/**
 * A spec edit rewrites only spec-derived files: adding a message type and regenerating every language changes
 * the files stamped with the spec's hash and none of the runtime files, which carry only the toolchain version
 * (ARCHITECTURE.md, "Generated files").
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../cli/test/helpers.js";
import { runtimeHeaderText } from "../common/header.js";
import { LANGUAGES } from "../registry.js";

const tmp = mkdtempSync(join(tmpdir(), "vmp-spec-edit-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every file under `dir`, by path relative to it. */
function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out;
}

/** The repository's spec with one more client event: a record payload and a new etype. */
function editedSpec(): string {
  const spec = JSON.parse(readFileSync("protocol/vmp.schema.json", "utf8")) as { $defs: Record<string, unknown>; "x-vmp-version": string };
  const [major, minor] = spec["x-vmp-version"].split(".").map(Number);
  spec["x-vmp-version"] = `${major}.${minor! + 1}.0`;
  const client = spec.$defs.ClientEvent as { properties: Record<string, unknown> };
  spec.$defs.ScratchValue = {
    type: "object",
    description: "What the scratch event carries.",
    properties: { names: { type: "array", items: { type: "string" } }, stamp: { type: "integer", "x-vmp-wire": "int64" } },
    required: ["names"],
    additionalProperties: false,
  };
  spec.$defs.ScratchEvent = {
    type: "object",
    description: "A test event added by a spec edit.",
    "x-vmp-event": { direction: "client-to-server", envelope: "ClientEvent" },
    properties: { ...client.properties, etype: { const: "SCRATCH", type: "string" }, value: { $ref: "#/$defs/ScratchValue" } },
    required: ["etype", "value"],
    additionalProperties: false,
  };
  return `${JSON.stringify(spec, null, 2)}\n`;
}

describe("a spec edit", () => {
  it("changes spec-derived files and no runtime file", async () => {
    for (const [name, text] of [["before", readFileSync("protocol/vmp.schema.json", "utf8")], ["after", editedSpec()]] as const) {
      mkdirSync(join(tmp, name, "spec"), { recursive: true });
      writeFileSync(join(tmp, name, "spec", "vmp.schema.json"), text);
      const r = await run(["generate", "--spec", join(tmp, name, "spec", "vmp.schema.json"), "--out", join(tmp, name, "out")]);
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
    }
    for (const lang of LANGUAGES) {
      const before = files(join(tmp, "before", "out", lang.outDir));
      const after = files(join(tmp, "after", "out", lang.outDir));
      const runtime = [...before].filter(([, text]) => text.includes(runtimeHeaderText()));
      expect(runtime.length, `${lang.id}: runtime files stamped with the toolchain version`).toBeGreaterThan(0);
      const changed = [...after.keys()].filter((path) => before.get(path) !== after.get(path));
      expect(changed.length, `${lang.id}: the edit changes the generated code`).toBeGreaterThan(0);
      for (const [path, text] of runtime) expect(after.get(path), `${lang.id}: ${path}`).toBe(text);
      expect(changed.filter((path) => after.get(path)!.includes(runtimeHeaderText())), lang.id).toEqual([]);
    }
  });
});
