/** Reads what the Rust emitter copies and renders: the runtime (a tree of modules) and the package templates. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compare } from "../common/printer.js";
import type { SourceText } from "../common/sources.js";

/** The Rust emitter's inputs. */
export interface RustInputs {
  /** `runtime/**\/*.rs`, named by their path under runtime/ (`codec/mod.rs`), in code-unit order. */
  readonly runtime: readonly SourceText[];
  /** `templates/*.hbs`, by file name. */
  readonly templates: readonly SourceText[];
}

/** `dir` is the emitter's source folder, generators/rust/ in the repository. */
export function readRustInputs(dir: string): RustInputs {
  return { runtime: readTree(join(dir, "runtime"), "", ".rs"), templates: readTree(join(dir, "templates"), "", ".hbs", false) };
}

/** The files ending in `ext` under `dir` (and its subfolders when `deep`), named by their path from `dir`. */
function readTree(dir: string, prefix: string, ext: string, deep = true): SourceText[] {
  const out: SourceText[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && deep) out.push(...readTree(path, `${prefix}${entry.name}/`, ext));
    else if (entry.isFile() && entry.name.endsWith(ext)) out.push({ name: `${prefix}${entry.name}`, text: readFileSync(path, "utf8") });
  }
  return out.sort((a, b) => compare(a.name, b.name));
}
