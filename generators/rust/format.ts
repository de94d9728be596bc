/**
 * Formatting inside the pipeline: `rustfmt` with a fixed configuration given on the command line (edition 2021,
 * `max_width = 120`), so that `vmp generate --check` compares formatted bytes that do not depend on the machine. The
 * binary is looked up explicitly, in this order: `$VMP_RUSTFMT`, `~/.cargo/bin/rustfmt`, then `rustfmt` on PATH.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { UsageError } from "../../core/src/errors.js";

export const MAX_WIDTH = 120;

/** No rustfmt binary could be found; the CLI reports it as a usage error. */
export class FormatterNotFound extends UsageError {
  override name = "FormatterNotFound";
}

/** The rustfmt binary the emitter runs, or undefined when there is none. */
export function findRustfmt(): string | undefined {
  const env = process.env.VMP_RUSTFMT;
  if (env !== undefined && env !== "") return env;
  const cargo = join(process.env.CARGO_HOME ?? join(homedir(), ".cargo"), "bin", "rustfmt");
  if (existsSync(cargo)) return cargo;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir !== "" && existsSync(join(dir, "rustfmt"))) return join(dir, "rustfmt");
  }
  return undefined;
}

/** `text` formatted by rustfmt; `path` only names the file in messages. */
export function format(rustfmt: string, text: string, path: string): string {
  const r = spawnSync(rustfmt, ["--edition", "2021", "--config", `max_width=${MAX_WIDTH}`, "--emit", "stdout", "--quiet"], {
    input: text,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new FormatterNotFound(`cannot run ${rustfmt}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`rustfmt failed on ${path} (exit ${r.status}): ${r.stderr.trim()}`);
  return r.stdout;
}
