/**
 * The files an emitter produces, and how the CLI puts them on disk or checks them against what is committed.
 * Emitters never touch the filesystem; only `syncFiles` and `checkFiles` do.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { compare } from "./printer.js";

/** One generated file: its path inside the language's output directory, and its exact content. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/** Directories below an output directory that `generate` neither writes nor reports (build output, installs). */
export const IGNORED_DIRS = new Set([
  ...["node_modules", "dist", "target", ".venv", "__pycache__"],
  ...[".mypy_cache", ".ruff_cache", ".pytest_cache", "build", "vmp_protocol.egg-info"],
]);

/**
 * Files anywhere below an output directory that `generate` neither writes nor reports: `Cargo.lock`, which cargo
 * writes next to the generated Cargo.toml when the crate is built.
 */
export const IGNORED_FILES = new Set(["Cargo.lock"]);

export interface SyncReport {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  /** Files under the directory that the emitter no longer produces; they are deleted. */
  readonly removed: readonly string[];
}

/** Writes the files that changed (and only those) under `dir`, and deletes the files it no longer produces. */
export function syncFiles(dir: string, files: readonly OutputFile[]): SyncReport {
  const written: string[] = [];
  const unchanged: string[] = [];
  for (const f of files) {
    const path = join(dir, f.path);
    if (existsSync(path) && readFileSync(path, "utf8") === f.content) {
      unchanged.push(f.path);
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
    written.push(f.path);
  }
  const removed = staleFiles(dir, files);
  for (const path of removed) rmSync(join(dir, path));
  return { written, unchanged, removed };
}

export interface CheckProblem {
  readonly path: string;
  readonly problem: "differs" | "missing" | "stale";
}

/** Compares `files` byte for byte with what is under `dir`; one problem per file that differs, is missing or is stale. */
export function checkFiles(dir: string, files: readonly OutputFile[]): CheckProblem[] {
  const problems: CheckProblem[] = [];
  for (const f of files) {
    const path = join(dir, f.path);
    if (!existsSync(path)) problems.push({ path: f.path, problem: "missing" });
    else if (!readFileSync(path).equals(Buffer.from(f.content, "utf8"))) problems.push({ path: f.path, problem: "differs" });
  }
  for (const path of staleFiles(dir, files)) problems.push({ path, problem: "stale" });
  return problems;
}

/** Files under `dir` (outside IGNORED_DIRS) that are not in `files`, sorted by code unit. */
function staleFiles(dir: string, files: readonly OutputFile[]): string[] {
  const produced = new Set(files.map((f) => f.path));
  return listFiles(dir).filter((p) => !produced.has(p));
}

function listFiles(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => compare(a.name, b.name))) {
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!IGNORED_DIRS.has(entry.name)) out.push(...listFiles(join(dir, entry.name), rel));
    } else if (!IGNORED_FILES.has(entry.name)) out.push(rel);
  }
  return out;
}
