/** Where the toolchain finds the repository's own files: the spec, the vectors, the emitters' sources. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "./errors.js";

/** The project's spec, relative to the repository root. */
export const SPEC_PATH = "protocol/vmp.schema.json";

/** The repository root: the nearest ancestor of this module that holds the spec. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, SPEC_PATH))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new UsageError(`cannot find ${SPEC_PATH} above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
