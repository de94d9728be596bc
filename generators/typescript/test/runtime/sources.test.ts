/**
 * The runtime is copied verbatim into the generated package and must run in browsers: no Node globals or
 * modules, no dependencies, imports only between its own files (with .js extensions) and of the spec's tables
 * (`../tables.js`: the generated src/tables.ts in the package, generators/typescript/tables.ts here).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const DIR = join(import.meta.dirname, "../../runtime");
const sources = readdirSync(DIR)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => ({ file: f, text: readFileSync(join(DIR, f), "utf8") }));

describe("the runtime sources", () => {
  it.each(sources.map((s) => [s.file, s.text] as const))("%s uses no Node API", (_file, text) => {
    expect(text).not.toMatch(/\bBuffer\b/);
    expect(text).not.toMatch(/["']node:/);
    expect(text).not.toMatch(/\brequire\s*\(/);
    expect(text).not.toMatch(/\bprocess\./);
    expect(text).not.toMatch(/\b(?:setImmediate|__dirname|__filename)\b/);
  });

  it.each(sources.map((s) => [s.file, s.text] as const))(
    "%s imports only sibling runtime modules",
    (_file, text) => {
      // Statements only (they start a line): TSDoc examples import "vmp-protocol" as a user would.
      const specifiers = [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/gm)].map((m) => m[1]!);
      for (const s of specifiers.filter((x) => x !== "../tables.js")) {
        expect(s).toMatch(/^\.\/[a-z-]+\.js$/);
        expect(sources.map((x) => x.file)).toContain(s.slice(2).replace(/\.js$/, ".ts"));
      }
    },
  );

  it("stays small: every module under 420 lines", () => {
    for (const s of sources) expect(s.text.split("\n").length, s.file).toBeLessThan(420);
  });
});
