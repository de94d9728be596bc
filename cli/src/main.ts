/**
 * The `vmp` command line. Every command is a function of its arguments and an output sink, returning the exit
 * code, so the whole CLI runs in-process in tests: 0 success, 1 the input is invalid (or a check failed),
 * 2 usage or I/O error. Errors are printed as one line each; never a stack trace.
 */
import { readFileSync } from "node:fs";
import yargs, { type Argv } from "yargs";
import { breakingCommand } from "./commands/breaking.js";
import { conformanceCommand } from "./commands/conformance.js";
import { convertCommand } from "./commands/convert.js";
import { diffCommand } from "./commands/diff.js";
import { docsCommand } from "./commands/docs.js";
import { generateCommand } from "./commands/generate.js";
import { initCommand } from "./commands/init.js";
import { inspectCommand } from "./commands/inspect.js";
import { lintCommand } from "./commands/lint.js";
import { validateCommand } from "./commands/validate.js";
import { vectorsCommand } from "./commands/vectors.js";
import { SpecError, UsageError, VmpError } from "../../core/src/errors.js";
import type { Command, Io } from "./command.js";
import { DASH } from "./io.js";
import { TOOL_VERSION } from "../../core/src/version.js";

const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
  // readFileSync(0) reads fd 0 to its end, for pipes and redirected files alike.
  stdin: () => (process.stdin.isTTY ? Buffer.alloc(0) : readFileSync(0)),
  // Progress is for a person watching a terminal: never written to a pipe or a log file.
  ...(process.stderr.isTTY ? { progress: (t: string) => void process.stderr.write(`\r\x1b[K${t}`) } : {}),
};

/** Every command, in the order `vmp --help` lists them. */
export const COMMANDS: readonly Command<unknown>[] = [
  validateCommand,
  inspectCommand,
  diffCommand,
  convertCommand,
  lintCommand,
  vectorsCommand,
  conformanceCommand,
  initCommand,
  generateCommand,
  breakingCommand,
  docsCommand,
] as Command<unknown>[];

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code = 0;
  let output = "";
  const args = argv.map((a) => (a === "-" ? DASH : a));
  const cli = yargs(args)
    .scriptName("vmp")
    .usage("$0 <command> [options]\n\nThe schema-first toolchain of the Vuer Message Protocol.")
    .strict()
    .demandCommand(1, "Name a command; see vmp --help.")
    .recommendCommands()
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .version(TOOL_VERSION)
    .help()
    .alias("h", "help")
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  for (const c of COMMANDS) {
    const builder = (y: Argv) => c.examples.reduce((b, [example, what]) => b.example(example, what), c.builder(y) as Argv);
    cli.command(c.command, c.describe, builder, async (args) => {
      code = await c.run(args as never, io);
    });
  }
  try {
    await cli.parseAsync(args, {}, (_err, _argv, text) => {
      output = text;
    });
    if (output) io.out(output);
    return code;
  } catch (e) {
    if (output) io.err(output);
    return reportFatal(e, io);
  }
}

/** Prints an error the user can act on and returns its exit code. */
export function reportFatal(e: unknown, io: Io): number {
  if (e instanceof UsageError) {
    io.err(`vmp: ${e.message}`);
    return 2;
  }
  if (e instanceof SpecError || e instanceof VmpError) {
    io.err(`vmp: ${e.message}`);
    return 1;
  }
  io.err(`vmp: internal error: ${(e as Error)?.stack ?? String(e)}`);
  return 2;
}
