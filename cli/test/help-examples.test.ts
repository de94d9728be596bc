/**
 * Every example of every command's `--help` runs as written and succeeds: each one through a shell (pipes and
 * all), with `$0` the built `bin/vmp.js`, in a scratch directory that holds the files the examples name
 * (`frame.msgpack`, `set.json`, …) beside links to the repository's `conformance/`, `protocol/` and `dist/`.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../src/main.js";
import { run } from "./helpers.js";

const ROOT = resolve(".");
const VMP = join(ROOT, "bin/vmp.js");
/** vrpc-py's SET (upstream E01), canonical. */
const E01 = Buffer.from("83a27473cf0000018bcfe56800a56574797065a3534554a46461746183a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90", "hex");

function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), "vmp-examples-"));
  for (const d of ["conformance", "protocol", "dist"]) symlinkSync(join(ROOT, d), join(dir, d));
  writeFileSync(join(dir, "frame.msgpack"), E01);
  writeFileSync(join(dir, "set.json"), '{"ts": 1700000000000, "etype": "SET", "data": {"tag": "Scene", "key": "root", "children": []}}\n');
  writeFileSync(join(dir, "frames.hex"), `${E01.toString("hex")}\n${E01.toString("hex")}\n`);
  writeFileSync(join(dir, "capture.jsonl"), '{"etype": "INIT"}\n{"ts": 1, "etype": "REMOVE", "data": {"keys": ["a"]}}\n');
  writeFileSync(join(dir, "capture.bin"), Buffer.concat([Buffer.from(Uint32Array.of(E01.length).buffer), E01]));
  copyFileSync(join(ROOT, "protocol/SPEC.md"), join(dir, "my-SPEC.md"));
  copyFileSync(join(ROOT, "protocol/vmp.schema.json"), join(dir, "old.schema.json"));
  copyFileSync(join(ROOT, "protocol/vmp.schema.json"), join(dir, "new.schema.json"));
  return dir;
}

const examples = COMMANDS.flatMap((c) => c.examples.map(([line]) => ({ command: c.command.split(" ")[0]!, line })));

describe("every --help example", () => {
  const dir = fixture();

  it("each command has one", () => {
    expect(new Set(examples.map((e) => e.command))).toEqual(new Set(COMMANDS.map((c) => c.command.split(" ")[0])));
  });

  it.each(examples.map((e) => [e.line, e.command]))("%s", async (line, command) => {
    const help = await run([command, "--help"]);
    // The example is in the command's help (yargs wraps it beside its description: compare word by word).
    const shown = help.out.slice(help.out.indexOf("Examples:")).split(/\s+/);
    for (const word of line.replace("$0", "vmp").split(/\s+/)) expect(shown, line).toContain(word);
    const shell = line.replace(/\$0/g, `${JSON.stringify(process.execPath)} ${JSON.stringify(VMP)}`);
    try {
      execFileSync("sh", ["-c", shell], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
    } catch (e) {
      const x = e as { status: number; stdout: string; stderr: string };
      expect.fail(`exit ${x.status}\n${x.stdout}\n${x.stderr}`);
    }
  }, 180_000);
});
