/** Reads what the Rust emitter copies and renders: the runtime, the testee, the integration tests and the templates. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compare } from "../common/printer.js";
import { readEmitterInputs, type EmitterInputs, type SourceText } from "../common/sources.js";

/** The Rust emitter's inputs: the common ones plus `tests/*.rs`, the crate's integration tests. */
export interface RustInputs extends EmitterInputs {
  readonly tests: readonly SourceText[];
}

/** `dir` is the emitter's source folder, generators/rust/ in the repository. */
export function readRustInputs(dir: string): RustInputs {
  const testsDir = join(dir, "tests");
  const tests = existsSync(testsDir)
    ? readdirSync(testsDir)
        .filter((name) => name.endsWith(".rs"))
        .sort(compare)
        .map((name) => ({ name, text: readFileSync(join(testsDir, name), "utf8") }))
    : [];
  return { ...readEmitterInputs(dir, ".rs"), tests };
}
