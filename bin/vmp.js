#!/usr/bin/env node
// The `vmp` command. The TypeScript sources are compiled to dist/ by `npm ci` (the `prepare` script) and by
// `npm run build`; a dist/ older than any of them would run stale code, so the command refuses it.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "cli", "src", "main.js");

/** The toolchain's compiled sources: the .ts files below these folders, but not runtimes (copied, never compiled) or tests. */
const SOURCES = ["core/src", "reference/src", "generators", "conformance/src", "conformance/recipes", "cli/src"];
const SKIP = new Set(["runtime", "test", "tests", "node_modules", "dist"]);

function newestSource(dir) {
  let newest = { path: undefined, time: 0 };
  if (!existsSync(dir)) return newest;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    const found = stat.isDirectory() ? (SKIP.has(name) ? newest : newestSource(path)) : name.endsWith(".ts") && !name.endsWith(".test.ts") ? { path, time: stat.mtimeMs } : newest;
    if (found.time > newest.time) newest = found;
  }
  return newest;
}

if (!existsSync(entry)) {
  process.stderr.write("vmp: dist/ is missing: run `npm run build` first\n");
  process.exit(2);
}
const built = statSync(entry).mtimeMs;
for (const dir of SOURCES) {
  const newest = newestSource(join(root, dir));
  if (newest.time > built) {
    process.stderr.write(`vmp: ${relative(root, newest.path)} changed after the last build: run \`npm run build\` first (dist/ would run stale code)\n`);
    process.exit(2);
  }
}

const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
