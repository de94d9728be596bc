/** The toolchain's version, kept in one place: the `version` of the repository's package.json. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./repo.js";

export const TOOL_VERSION: string = (JSON.parse(readFileSync(join(repoRoot(), "package.json"), "utf8")) as { version: string }).version;
