/** What a `vmp` command is: yargs wiring plus a handler that returns an exit code, writing to an output sink. */
import type { Argv } from "yargs";

export interface Io {
  out(text: string): void;
  err(text: string): void;
  stdin(): Buffer;
}

/** A command as the CLI registers it: yargs wiring plus a handler that returns an exit code. */
export interface Command<A> {
  readonly command: string;
  readonly describe: string;
  readonly builder: (y: Argv) => Argv<A>;
  readonly run: (args: A, io: Io) => number | Promise<number>;
}
