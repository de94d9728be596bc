/** Where the toolchain finds the repository's own files: the spec, the vectors, the emitters' sources. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project's spec, relative to the repository root. */
export const SPEC_PATH = "protocol/vmp.schema.json";

/** The repository root: the nearest ancestor of this module that holds the spec and a package.json (not dist/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, SPEC_PATH)) && existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    // Only a broken installation gets here (the toolchain ships its spec), so this is not a usage error.
    if (parent === dir) throw new Error(`cannot find ${SPEC_PATH} above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
