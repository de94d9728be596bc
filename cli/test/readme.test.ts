/**
 * The README's tour is real output: every `$ npx vmp …` line of its console blocks is run in-process and must
 * print exactly what the README shows. `VMP_UPDATE_README=1` rewrites the outputs instead (`npm run regen` does, so
 * counts that follow the spec, such as the vector table, are never edited by hand); review the diff.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "./helpers.js";

const readme = readFileSync("README.md", "utf8");
const dir = mkdtempSync(join(tmpdir(), "vmp-readme-"));

interface Step {
  command: string;
  output: string;
}

/** Splits console blocks into commands (lines starting with `$ `) and the output that follows each. */
const steps: Step[] = [...readme.matchAll(/```console\n([\s\S]*?)```/g)].flatMap(([, body]) => {
  const out: Step[] = [];
  for (const line of body!.split("\n").slice(0, -1)) {
    if (line.startsWith("$ ")) out.push({ command: line.slice(2), output: "" });
    else out[out.length - 1]!.output += `${line}\n`;
  }
  return out;
});

/**
 * Runs one README command: `echo 'X' > F`, `printf 'X' > F` (with `\n` escapes), or
 * `[echo X |] npx vmp ARGS [< F] [| tail -N]`. Files are written to, and read from, a scratch directory.
 */
async function execute(command: string): Promise<string> {
  const file = /^(echo|printf) '(.*)' > (\S+)$/.exec(command);
  if (file) {
    writeFileSync(join(dir, file[3]!), file[1] === "echo" ? `${file[2]}\n` : file[2]!.replace(/\\n/g, "\n"));
    return "";
  }
  const m = /^(?:echo (\S+) \| )?npx vmp (.*?)(?: < (\S+))?(?: \| tail -(\d+))?$/.exec(command);
  if (!m) throw new Error(`the README test cannot run: ${command}`);
  const args = m[2]!.split(" ").map((a) => (a.endsWith(".json") && !a.includes("/") ? join(dir, a) : a));
  const stdin = m[3] ? readFileSync(join(dir, m[3]), "utf8") : m[1] ? `${m[1]}\n` : "";
  const { out, err } = await run(args, stdin);
  const text = out + err;
  return m[4] ? `${text.trimEnd().split("\n").slice(-Number(m[4])).join("\n")}\n` : text;
}

/** Output with its durations (`in 3 s`, `975 ms`) blanked: they differ from run to run, nothing else may. */
function timeless(text: string): string {
  return text.replace(/\b\d+(\.\d+)? m?s\b/g, "<time>");
}

describe("README tour", () => {
  it("has commands to check", () => {
    expect(steps.filter((s) => s.command.includes("npx vmp")).length).toBeGreaterThanOrEqual(8);
  });

  it("prints what the README shows, command by command", async () => {
    if (process.env.VMP_UPDATE_README === "1") {
      let text = readme;
      for (const step of steps) {
        const actual = await execute(step.command);
        if (actual !== step.output) text = text.replace(`$ ${step.command}\n${step.output}`, `$ ${step.command}\n${actual}`);
      }
      writeFileSync("README.md", text);
      return;
    }
    for (const step of steps) expect(timeless(await execute(step.command)), step.command).toBe(timeless(step.output));
    // The tour runs every testee's conformance in-process: about a minute on an idle 2-core machine.
  }, 240_000);
});
