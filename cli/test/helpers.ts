import type { Io } from "../src/command.js";
import { main } from "../src/main.js";

/** Runs the CLI in-process and returns its exit code and output. */
export async function run(args: string[], stdin = ""): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = {
    out: (t) => void (out += t.endsWith("\n") ? t : `${t}\n`),
    err: (t) => void (err += t.endsWith("\n") ? t : `${t}\n`),
    stdin: () => Buffer.from(stdin),
  };
  const code = await main(args, io);
  return { code, out, err };
}
