/** What a `vmp` command is: yargs wiring plus a handler that returns an exit code, writing to an output sink. */
import type { Argv } from "yargs";

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Standard input, read to its end (commands read it at most once). */
  stdin(): Buffer;
  /**
   * A transient status line for long runs (an empty text clears it). The CLI sets it only when standard error is
   * a terminal, so progress never reaches a pipe, a log or a test.
   */
  progress?(text: string): void;
}

/**
 * A command as the CLI registers it: yargs wiring, the examples its `--help` shows (each one runs as written
 * from the repository root; cli/test/help-examples.test.ts runs them all), and a handler that returns an exit code.
 */
export interface Command<A> {
  readonly command: string;
  readonly describe: string;
  readonly builder: (y: Argv) => Argv<A>;
  /** `[command line, what it does]`; `$0` stands for `vmp`, and a line may start with `echo … |`. */
  readonly examples: readonly (readonly [string, string])[];
  readonly run: (args: A, io: Io) => number | Promise<number>;
}
