/**
 * `vmp generate` end to end: the committed package is what the spec produces, `--check` catches every kind of
 * drift, output is deterministic, and the package compiles (the compile gate: `tsc --noEmit`, strict),
 * for the repository's spec and for a spec full of hostile names.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../cli/test/helpers.js";
import { syncFiles } from "../common/output.js";
import { buildIr, loadSpec } from "../../core/src/ir/build.js";
import { generate, readTypeScriptInputs } from "../typescript/index.js";
import { borrowed, irOf, loaded } from "./typescript-helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "vmp-generate-"));
const TSC = join("node_modules", "typescript", "bin", "tsc");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs tsc on a project; returns its diagnostics ("" when clean). */
function typecheck(project: string): string {
  try {
    execFileSync(process.execPath, [TSC, "-p", project, "--noEmit"], { encoding: "utf8", stdio: "pipe" });
    return "";
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return `${err.stdout ?? ""}${err.stderr ?? ""}` || String(e);
  }
}

describe("vmp generate", () => {
  // Its wall time is measured by `npm run bench`, never asserted here.
  it("generates every language", async () => {
    const { code, out, err } = await run(["generate", "--lang", "all", "--out", join(tmp, "first")]);
    expect(err).toBe("");
    expect(code).toBe(0);
    for (const dir of ["ts", "python", "rust"]) expect(out).toMatch(new RegExp(`${dir}: \\d+ files \\(\\d+ written, 0 unchanged, 0 removed\\)`));
  });

  it("--check is clean right after generate, and generate rewrites nothing", async () => {
    const dir = join(tmp, "first");
    expect(await run(["generate", "--check", "--out", dir])).toMatchObject({ code: 0, err: "" });
    expect((await run(["generate", "--out", dir])).out).toMatch(/\(0 written, \d+ unchanged, 0 removed\)/);
  });

  it("the committed generated/ts is what the spec produces", async () => {
    const { code, err } = await run(["generate", "--lang", "ts", "--check"]);
    expect(err).toBe("");
    expect(code).toBe(0);
  });

  it("--check names every file that differs, is missing or is stale", async () => {
    const dir = join(tmp, "drift");
    await run(["generate", "--out", dir]);
    writeFileSync(join(dir, "ts", "src", "events.ts"), "// edited by hand\n");
    rmSync(join(dir, "ts", "README.md"));
    writeFileSync(join(dir, "ts", "src", "extra.ts"), "export {};\n");
    const { code, err } = await run(["generate", "--check", "--out", dir]);
    expect(code).toBe(1);
    expect(err).toContain("ts/src/events.ts: differs from what the spec produces");
    expect(err).toContain("ts/README.md: is missing");
    expect(err).toContain("ts/src/extra.ts: is stale (not generated from the spec)");
    expect(err).toContain("generate --check: 3 files out of date");
    // Regenerating restores the files and removes the stale one.
    const fix = await run(["generate", "--out", dir]);
    expect(fix.out).toContain("removed");
    expect((await run(["generate", "--check", "--out", dir])).code).toBe(0);
  });

  it("a spec edit without regeneration fails --check, naming the files", async () => {
    const dir = join(tmp, "edited");
    mkdirSync(dir);
    const spec = join(dir, "vmp.schema.json");
    copyFileSync("protocol/vmp.schema.json", spec);
    const args = ["generate", "--spec", spec, "--out", join(dir, "out")];
    expect((await run(args)).code).toBe(0);
    expect((await run([...args, "--check"])).code).toBe(0);
    const doc = JSON.parse(readFileSync(spec, "utf8"));
    doc.$defs.SetEvent.description = "SET: replace the whole scene (edited).";
    writeFileSync(spec, `${JSON.stringify(doc, null, 2)}\n`);
    const { code, err } = await run([...args, "--check"]);
    expect(code).toBe(1);
    expect(err).toContain("ts/src/types.ts: differs from what the spec produces");
    expect(err).toContain("ts/src/events.ts: differs from what the spec produces");
    // The runtime's header names the toolchain, not the spec: a spec edit rewrites no runtime file.
    expect(err).not.toContain("ts/src/runtime/");
    expect(readFileSync(join(dir, "out", "ts", "src", "types.ts"), "utf8")).toContain("from vmp.schema.json (sha256 ");
  });

  it("reports lint problems instead of generating", async () => {
    const spec = join(tmp, "bad.schema.json");
    writeFileSync(spec, JSON.stringify({ ...loaded({}).doc as object, $defs: { bad: { type: "string" } } }));
    const { code, err } = await run(["generate", "--spec", spec, "--out", join(tmp, "bad")]);
    expect(code).toBe(1);
    expect(err).toContain("nothing generated");
  });
});

describe("the generated TypeScript package", () => {
  it("is deterministic: two runs give identical bytes", async () => {
    const spec = loadSpec("protocol/vmp.schema.json");
    const inputs = readTypeScriptInputs("generators/typescript");
    const ir = buildIr(spec);
    const [a, b] = [await generate(ir, inputs), await generate(ir, inputs)];
    expect(a.map((f) => f.path)).toEqual(b.map((f) => f.path));
    expect(a).toEqual(b);
    for (const f of a) expect(f.content.endsWith("\n"), f.path).toBe(true);
  });

  it("type-checks under strict (the compile gate)", () => {
    expect(typecheck("generated/ts/tsconfig.json")).toBe("");
  }, 120_000);

  it("type-checks for a spec of hostile names", async () => {
    const str = { type: "string" };
    const record = (properties: Record<string, unknown>, required: string[] = []) => ({ type: "object", properties, required, additionalProperties: false });
    const hostile = {
      ...borrowed("Timestamp", "Bytes", "Any", "ComponentKey", "ServerEvent", "ClientEvent"),
      Uint8Array: record({ b: { $ref: "#/$defs/Bytes" } }),
      Date: record({ default: str, "my-field": str, ["__proto__"]: str, "0th": str }),
      RecordDesc: { type: "string", enum: ["a", "b-c"] },
      KnownMessage: { type: "integer", "x-vmp-wire": "int64" },
      SPEC: { type: "array", items: { $ref: "#/$defs/Date" } },
      OptsData: record({ opts: str, ts: str, class: { $ref: "#/$defs/Uint8Array" } }, ["opts", "class"]),
      ClassEvent: {
        "x-vmp-event": { direction: "server-to-client", envelope: "ServerEvent" },
        ...record({ ts: { $ref: "#/$defs/Timestamp" }, etype: { type: "string", const: "CLASS" }, data: { $ref: "#/$defs/OptsData" } }, ["ts", "etype", "data"]),
      },
      DeleteEvent: {
        "x-vmp-event": { direction: "client-to-server", envelope: "ClientEvent" },
        ...record({ ts: { $ref: "#/$defs/Timestamp" }, etype: { type: "string", const: "DELETE" }, value: { $ref: "#/$defs/Date" }, key: { $ref: "#/$defs/ComponentKey" }, rtype: { type: "string", minLength: 1 } }, ["etype"]),
      },
    };
    const files = await generate(irOf(hostile), readTypeScriptInputs("generators/typescript"));
    const dir = join(tmp, "hostile");
    syncFiles(dir, files);
    const types = files.find((f) => f.path === "src/types.ts")!.content;
    expect(types).toContain("export type KnownMessage$ = ClassEvent | DeleteEvent;");
    expect(types).toContain("export type Bytes = globalThis.Uint8Array;");
    expect(files.find((f) => f.path === "src/schema.ts")!.content).toContain('import type { AliasDesc, MessageDescs, RecordDesc as RecordDesc$1 } from "./runtime/schema.js";');
    expect(files.find((f) => f.path === "src/events.ts")!.content).toContain("ts: opts.ts ?? globalThis.Date.now(),");
    // validate.ts keys the descriptors by the exported type names, so MessageTypeName and the keys agree.
    expect(files.find((f) => f.path === "src/validate.ts")!.content).toContain("  DeleteEvent: schema.DeleteEvent,\n});");
    // The package depends on nothing: validation is the runtime's descriptor checker.
    expect(JSON.parse(files.find((f) => f.path === "package.json")!.content).dependencies).toBeUndefined();
    expect(typecheck(join(dir, "tsconfig.json"))).toBe("");
  }, 120_000);
});
