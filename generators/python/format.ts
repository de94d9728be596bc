/**
 * Formatting inside the pipeline: `ruff format` with a fixed line length and no
 * configuration file (`--isolated`), so that `vmp generate --check` compares formatted bytes that do not depend on
 * the machine. The ruff binary is looked up explicitly, in this order: `$VMP_RUFF`, the project venv
 * (`.venv/bin/ruff`), then `ruff` on PATH.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { UsageError } from "../../core/src/errors.js";

export const LINE_LENGTH = 110;

/** No ruff binary could be found; the CLI reports it as a usage error. */
export class FormatterNotFound extends UsageError {
  override name = "FormatterNotFound";
}

/** The ruff binary the emitter runs, or undefined when there is none. */
export function findRuff(root: string): string | undefined {
  const env = process.env.VMP_RUFF;
  if (env !== undefined && env !== "") return env;
  const venv = join(root, ".venv", "bin", "ruff");
  if (existsSync(venv)) return venv;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir !== "" && existsSync(join(dir, "ruff"))) return join(dir, "ruff");
  }
  return undefined;
}

/** `text` formatted by `ruff format`; `path` only names the file in messages. */
export function format(ruff: string, text: string, path: string): string {
  const r = spawnSync(ruff, ["format", "--isolated", "--line-length", String(LINE_LENGTH), "--stdin-filename", path, "-"], {
    input: text,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new FormatterNotFound(`cannot run ${ruff}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`ruff format failed on ${path} (exit ${r.status}): ${r.stderr.trim()}`);
  return r.stdout;
}
