/**
 * The README's tour is real output: every `$ npx vmp …` line of its console blocks is run in-process and must
 * print exactly what the README shows.
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

/** Runs one README command: `echo X > F`, or `[echo X |] npx vmp ARGS [| tail -N]`. */
async function execute(command: string): Promise<string> {
  const file = /^echo '(.*)' > (\S+)$/.exec(command);
  if (file) {
    writeFileSync(join(dir, file[2]!), `${file[1]}\n`);
    return "";
  }
  const m = /^(?:echo (\S+) \| )?npx vmp (.*?)(?: \| tail -(\d+))?$/.exec(command);
  if (!m) throw new Error(`the README test cannot run: ${command}`);
  const args = m[2]!.split(" ").map((a) => (a.endsWith(".json") && !a.includes("/") ? join(dir, a) : a));
  const { out, err } = await run(args, m[1] ? `${m[1]}\n` : "");
  const text = out + err;
  return m[3] ? `${text.trimEnd().split("\n").slice(-Number(m[3])).join("\n")}\n` : text;
}

describe("README tour", () => {
  it("has commands to check", () => {
    expect(steps.filter((s) => s.command.includes("npx vmp")).length).toBeGreaterThanOrEqual(8);
  });

  it("prints what the README shows, command by command", async () => {
    for (const step of steps) expect(await execute(step.command), step.command).toBe(step.output);
  });
});
