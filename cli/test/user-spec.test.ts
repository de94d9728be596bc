/**
 * A user's own spec, end to end (issue 12, "Done when"): `vmp init` scaffolds a spec that extends VMP by
 * reference, `vmp generate --name my-robot-proto` writes the three packages, and each one is built and tested
 * standalone, outside the repository, with its own test command: the TypeScript package compiles under `strict`
 * and `npm test` passes, the Python package installs into a fresh venv and `pytest` passes there, and `cargo test`
 * passes in the crate. The number of tests each runs is derived from the spec's examples (core/src/ir/examples.ts).
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIr, loadSpec } from "../../core/src/ir/build.js";
import { specExampleCases } from "../../core/src/ir/examples.js";
import { repoRoot } from "../../core/src/repo.js";

const ROOT = repoRoot();
const VMP = join(ROOT, "bin", "vmp.js");
const NAME = "my-robot-proto";
let tmp: string;
let out: string;
let cases: ReturnType<typeof specExampleCases>;

const { PYTHONPATH: _, ...inherited } = process.env;
function runSync(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: inherited });
}
/** Runs a command to its end (the three packages build at the same time); rejects on a non-zero exit. */
async function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await promisify(execFile)(cmd, args, { cwd, encoding: "utf8", env: { ...inherited, ...env }, maxBuffer: 64 << 20 });
  return stdout;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "vmp-user-spec-"));
  runSync(process.execPath, [VMP, "init", "my-robot"], tmp);
  const spec = join(tmp, "my-robot", "protocol.schema.json");
  out = join(tmp, "out");
  runSync(process.execPath, [VMP, "generate", "--spec", spec, "--out", out, "--name", NAME], tmp);
  cases = specExampleCases(buildIr(loadSpec(spec, tmp)));
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }), 60_000);

/** Every test the spec implies: each example, and each frame that must be rejected. */
const total = () => cases.reduce((n, c) => n + c.valid.length + c.reject.length, 0);

describe.concurrent("vmp init → vmp generate --name → the three packages, each tested on its own", () => {
  it("the scaffold has a message type of each role, with examples, and extends VMP by reference only", () => {
    const text = readFileSync(join(tmp, "my-robot", "protocol.schema.json"), "utf8");
    const own = Object.keys((JSON.parse(text) as { $defs: object }).$defs);
    for (const name of ["ServerEvent", "ClientEvent", "Timestamp", "ZData", "Message"]) expect(own).not.toContain(name);
    expect(text).toContain('"urn:vmp:spec:1#/$defs/ClientEvent"');
    const roles = new Set(cases.map((c) => c.message.event!.envelope));
    expect([...roles]).toEqual(expect.arrayContaining(["ServerEvent", "ClientEvent", "ServerRpcRequest"]));
    expect(cases.every((c) => c.reject.length > 0)).toBe(true);
    // A second init into the same folder refuses, and leaves the spec as it was.
    const again = spawnSync(process.execPath, [VMP, "init", "my-robot"], { cwd: tmp, encoding: "utf8" });
    expect({ status: again.status, stderr: again.stderr }).toEqual({ status: 2, stderr: expect.stringContaining("never overwrites") });
    expect(readFileSync(join(tmp, "my-robot", "protocol.schema.json"), "utf8")).toBe(text);
    // A name that npm, PyPI or crates.io would refuse is a usage error before anything is written.
    const bad = spawnSync(process.execPath, [VMP, "generate", "--spec", "my-robot/protocol.schema.json", "--out", "bad", "--name", "My_Proto"], { cwd: tmp, encoding: "utf8" });
    expect({ status: bad.status, stderr: bad.stderr }).toEqual({ status: 2, stderr: expect.stringContaining('--name "My_Proto" must be lower-case') });
    expect(existsSync(join(tmp, "bad"))).toBe(false);
  });

  it("npm: the package is named by --name, compiles under strict, and `npm test` runs every derived case", async () => {
    const pkg = join(out, "ts");
    const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as { name: string; description: string };
    expect(manifest.name).toBe(NAME);
    expect(manifest.description).toMatch(/^My Robot Protocol bindings/);
    expect(readFileSync(join(pkg, "tsconfig.json"), "utf8")).toMatch(/"strict": true/);
    expect(readFileSync(join(pkg, "README.md"), "utf8")).not.toMatch(/Vuer Message Protocol \(VMP\)|vmp-protocol/);
    expect(readFileSync(join(pkg, "src", "types.ts"), "utf8")).toContain('value: NDArray<"float32">;'); // the typed array
    // The package's one dev dependency, TypeScript, comes from the toolchain's node_modules: the test runs offline.
    mkdirSync(join(pkg, "node_modules", ".bin"), { recursive: true });
    symlinkSync(join(ROOT, "node_modules", "typescript"), join(pkg, "node_modules", "typescript"));
    symlinkSync(join("..", "typescript", "bin", "tsc"), join(pkg, "node_modules", ".bin", "tsc"));
    const report = await run("npm", ["test", "--silent"], pkg);
    expect(report).toMatch(new RegExp(`^# pass ${total()}$`, "m"));
    expect(report).toMatch(/^# fail 0$/m);

    // The tests can fail: a rejected frame expected with another kind is a failure.
    const file = join(pkg, "test", "examples.test.js");
    writeFileSync(file, readFileSync(file, "utf8").replace(/kind: "MissingField"/, 'kind: "WrongType"'));
    const broken = await run("npm", ["test", "--silent"], pkg).then(
      () => ({ code: 0, stdout: "" }),
      (e: { code: number; stdout: string }) => e,
    );
    expect(broken.code).not.toBe(0);
    expect(broken.stdout).toMatch(/^# fail 1$/m);
  }, 120_000);

  it("pip: the package installs into a fresh venv as my_robot_proto and `pytest` runs every derived case there", async () => {
    const pkg = join(out, "python");
    expect(readFileSync(join(pkg, "pyproject.toml"), "utf8")).toMatch(/^name = "my-robot-proto"$/m);
    expect(readFileSync(join(pkg, "my_robot_proto", "types.py"), "utf8")).toContain("value: NDArray[numpy.float32]");
    const venv = join(tmp, "venv");
    await run("python3", ["-m", "venv", venv], tmp);
    const python = join(venv, "bin", "python");
    await run(python, ["-m", "pip", "install", "-q", "--disable-pip-version-check", pkg, "pytest"], tmp);
    const where = await run(python, ["-c", "import my_robot_proto, importlib.metadata as m; print(my_robot_proto.__file__); print(m.version('my-robot-proto'))"], tmp);
    const [file, version] = where.split("\n");
    expect(file!.startsWith(join(venv, "lib"))).toBe(true);
    expect(version).toBe("0.1.0");
    // Run from the package's folder with the venv's pytest: the tests import the installed package.
    const report = await run(join(venv, "bin", "pytest"), ["-q", "-p", "no:cacheprovider"], pkg);
    expect(report).toMatch(new RegExp(`^${total()} passed`, "m"));
  }, 240_000);

  it("cargo: `cargo test` passes in the crate, the generated examples test included", async () => {
    const crate = join(out, "rust");
    expect(readFileSync(join(crate, "Cargo.toml"), "utf8")).toMatch(/^name = "my-robot-proto"$/m);
    expect(readFileSync(join(crate, "src", "types.rs"), "utf8")).toContain("pub value: NdArray,");
    // The repository crate's build cache holds the dependencies (the crate's own name differs, so nothing of the
    // repository's is overwritten).
    const report = await run("cargo", ["test", "--offline"], crate, { CARGO_TARGET_DIR: join(ROOT, "generated", "rust", "target") });
    const results = report.match(/^test result: .*$/gm) ?? [];
    expect(results.length).toBeGreaterThan(1); // the runtime's unit tests, tests/examples.rs, the doc tests
    expect(results.filter((r) => !r.startsWith("test result: ok."))).toEqual([]);
    // tests/examples.rs: one test of the examples per message type, one of its rejected frames.
    const tests = cases.reduce((n, c) => n + 1 + (c.reject.length > 0 ? 1 : 0), 0);
    expect(results).toContainEqual(expect.stringMatching(new RegExp(`^test result: ok\\. ${tests} passed; 0 failed`)));
  }, 600_000);
});
