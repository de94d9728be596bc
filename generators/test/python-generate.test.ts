/**
 * `vmp generate --lang py` end to end: the committed package is what the spec produces, `--check` catches drift
 * (an edited file, a spec edit), output is deterministic, and, where a Python venv is found, the package imports
 * and type-checks (`mypy --strict` on the generated modules) and its factories behave (`ts=0` stays 0).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../cli/test/helpers.js";
import { findRuff } from "../python/index.js";

const tmp = mkdtempSync(join(tmpdir(), "vmp-generate-py-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const root = resolve(".");
/** The Python to run the package with: $VMP_PYTHON or the project venv (npm run setup). */
const PYTHON = [process.env.VMP_PYTHON, join(root, ".venv", "bin", "python")].find((p) => p !== undefined && p !== "" && existsSync(p));
const hasRuff = findRuff(root) !== undefined;
const hasMypy = PYTHON !== undefined && existsSync(join(PYTHON, "..", "mypy"));

function python(code: string, cwd: string): string {
  return execFileSync(PYTHON!, ["-c", code], { cwd, encoding: "utf8", stdio: "pipe" });
}

describe.skipIf(!hasRuff)("vmp generate --lang py", () => {
  const out = join(tmp, "first");

  it("writes the package, deterministically, fast", async () => {
    const start = performance.now();
    const first = await run(["generate", "--lang", "py", "--out", out]);
    const elapsed = performance.now() - start;
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/python: \d+ files \(\d+ written, 0 unchanged, 0 removed\)/);
    expect(elapsed).toBeLessThan(2000);
    for (const f of ["pyproject.toml", "README.md", "vmp_protocol/__init__.py", "vmp_protocol/types.py", "vmp_protocol/schema.py", "vmp_protocol/events.py", "vmp_protocol/py.typed", "vmp_protocol/_tables.py", "vmp_protocol/errors.py", "vmp_protocol/_runtime/schema.py"]) {
      expect(existsSync(join(out, "python", f)), f).toBe(true);
    }
    // The testee lives in conformance/testees/py/, outside the package.
    expect(existsSync(join(out, "python", "vmp_protocol", "testee.py"))).toBe(false);
    const again = await run(["generate", "--lang", "py", "--out", out]);
    expect(again.out).toMatch(/\(0 written, \d+ unchanged, 0 removed\)/);
  });

  it("--check is clean after generate and fails after an edit or a spec change", async () => {
    expect(await run(["generate", "--lang", "py", "--check", "--out", out])).toMatchObject({ code: 0, err: "" });
    const events = join(out, "python", "vmp_protocol", "events.py");
    const saved = readFileSync(events, "utf8");
    writeFileSync(events, "# edited by hand\n");
    const edited = await run(["generate", "--lang", "py", "--check", "--out", out]);
    expect(edited.code).toBe(1);
    expect(edited.err).toContain("vmp_protocol/events.py: differs from what the spec produces");
    writeFileSync(events, saved);

    const spec = JSON.parse(readFileSync("protocol/vmp.schema.json", "utf8")) as { $defs: Record<string, { description?: string }> };
    spec.$defs.Timestamp!.description = "Edited.";
    const edit = join(tmp, "edited.schema.json");
    writeFileSync(edit, JSON.stringify(spec, null, 2));
    const drift = await run(["generate", "--lang", "py", "--check", "--spec", edit, "--out", out]);
    expect(drift.code).toBe(1);
    expect(drift.err).toContain("vmp_protocol/types.py: differs");
  });

  it("the committed generated/python is what the spec produces", async () => {
    const { code, err } = await run(["generate", "--lang", "py", "--check"]);
    expect(err).toBe("");
    expect(code).toBe(0);
  });

  it.skipIf(PYTHON === undefined)("imports, and the factories keep ts=0 and derive rtype", () => {
    const got = python(
      [
        "import vmp_protocol as v",
        "e = v.set_event({'tag': 'Scene'}, ts=0)",
        "assert e.ts == 0 and e.etype == 'SET', e",
        "assert v.add_event([], ts=5).data.to is v.UNSET",
        "r = v.create_rpc_request('CALL', uuid='u1', ts=1)",
        "assert r.rtype == 'CALL_RESPONSE@u1', r",
        "assert v.create_rpc_response(r, value=1, ts=2).etype == 'CALL_RESPONSE@u1'",
        "assert v.schema.GrabRenderResponseValue.fields[4].attr == 'depth_frame'",
        // The SET frame of conformance/recipes/wild.ts: vrpc-py's set_event bytes, byte for byte.
        "m = v.set_event({'tag': 'Scene', 'key': 'root', 'children': []}, ts=1700000000000)",
        "assert v.encode(v.schema.SetEvent, m).hex() == '83a27473cf0000018bcfe56800a56574797065a3534554a46461746183a3746167a55363656e65a36b6579a4726f6f74a86368696c6472656e90'",
        "assert v.decode(v.schema.SetEvent, v.encode(v.schema.SetEvent, m)).data.children == []",
        "print('ok')",
      ].join("\n"),
      join(out, "python"),
    );
    expect(got.trim()).toBe("ok");
  });

  it.skipIf(!hasMypy)("passes mypy --strict (types.py, schema.py, events.py)", () => {
    const mypy = join(PYTHON!, "..", "mypy");
    let report = "";
    try {
      execFileSync(mypy, ["--strict", "--no-incremental", "--follow-imports=silent", "vmp_protocol/types.py", "vmp_protocol/schema.py", "vmp_protocol/events.py"], { cwd: join(out, "python"), encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      report = (e as { stdout?: string }).stdout ?? String(e);
    }
    expect(report).toBe("");
  }, 120_000);
});
