/**
 * The spec-change loop needs no hand edit (README "Changing the spec"). The repository as it is on disk (every
 * file git tracks or would track) is copied to a scratch folder; a client event with `examples` is added to its
 * spec by editing the JSON alone (a string array, an int64 and, where the profile has typed arrays, a float32
 * array of shape [n, 3]), with the minor version bump of SPEC §11.3; the documented command, `npm run regen`,
 * runs; then the test command runs there, and nothing else is edited.
 *
 * By default the test command is the part of `npm test` a spec change can break: the type check, `vmp lint`,
 * `vmp breaking --against HEAD`, `vectors --check`, `generate --check`, `docs --check-spec`, the conformance run
 * of every testee (which reads the new type's derived vectors), the Python binding's vector tests and type check, the
 * generated crate's clippy and rustfmt, and every vitest file that reads the spec, the vectors or a document derived
 * from them, but for the costly ones whose spec-dependent part a step already runs (`COSTLY`). `VMP_SCRATCH_FULL=1`
 * runs the whole `npm test` there instead.
 *
 * The scratch copy (a fixed folder in the system's temporary directory, rewritten by each run) is a git
 * repository whose HEAD is the copy before the edit, so `vmp breaking --against HEAD` (README "Changing the
 * spec") checks the edit and its version bump. It has its own `node_modules` of links to the repository's (with
 * `vmp-protocol` pointing at the copy's generated/ts) and its own virtualenv that sees the repository's installed packages but not its
 * `vmp_protocol` (the copy's regen installs its own). Rust builds share one persistent target folder under
 * node_modules/.cache/vmp-scratch, so a rerun compiles only the crates the spec change touches.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../core/src/repo.js";

const ROOT = repoRoot();
const FULL = process.env.VMP_SCRATCH_FULL === "1";
const CACHE = join(ROOT, "node_modules", ".cache", "vmp-scratch");
/** Outside the repository and outside any node_modules (tsc emits no file whose path has one). */
const SCRATCH = join(tmpdir(), "vmp-scratch-loop");
/** The crates whose `target` folder the scratch copy shares (`npm run regen` and the test command build them). */
const CRATES = ["generated/rust", "conformance/testees/rs", "conformance/live/rust", "bench/rs"];
/** What a vitest file reads when a spec change can change its result. */
const READS_SPEC = /vmp\.schema\.json|defaultSpec|SPEC_PATH|conformance\/vectors|loadManifests|SPEC\.md|README\.md|protocolOf/;
const THIS_FILE = "conformance/test/scratch-loop.test.ts";
/**
 * Vitest files that read the spec but are left out of the default run because a step above already runs what
 * they check of it, and each costs a minute or more (the whole `npm test`, `VMP_SCRATCH_FULL=1`, runs them):
 * building and installing the packages (`packages`, `user-spec`: names and layout, not the catalogue), a browser
 * (`typescript-browser`), the emitters' end-to-end runs (`*-generate`, `python`: the `generate --check` step and the
 * Python step cover the generated code), the fuzzer, the runner and the matrix (the conformance step runs every
 * vector through every testee), the CLI's help examples, and a memory bound.
 */
const COSTLY = new Set([
  "cli/test/help-examples.test.ts",
  "cli/test/user-spec.test.ts",
  "conformance/test/fuzz.test.ts",
  "conformance/test/packages.test.ts",
  "conformance/test/runner-matrix.test.ts",
  "conformance/test/runner.test.ts",
  "generators/rust/test/rust-generate.test.ts",
  "generators/test/python-generate.test.ts",
  "generators/test/python.test.ts",
  "generators/test/typescript-browser.test.ts",
  "generators/test/typescript-generate.test.ts",
  "reference/test/memory.test.ts",
]);

/** The environment of every command in the copy: the caller's, without vitest's own variables. */
function scratchEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, VMP_SCRATCH_INNER: "1" };
  for (const k of Object.keys(env)) if (k.startsWith("VITEST") || k === "NODE_ENV" || k === "TEST") delete env[k];
  return env;
}

/** Runs a shell command in the copy; returns its exit code and the last lines of its output. */
function sh(command: string): { code: number; tail: string; out: string; seconds: number } {
  const start = Date.now();
  const r = spawnSync("bash", ["-c", `${command} 2>&1`], { cwd: SCRATCH, env: scratchEnv(), encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const out = r.stdout ?? "";
  return { code: r.status ?? 1, tail: out.split("\n").slice(-40).join("\n"), out, seconds: (Date.now() - start) / 1000 };
}

/** The files of the working tree that git tracks or would track (tracked, and untracked but not ignored). */
function treeFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" });
  return [...new Set(out.split("\0").filter((f) => f !== ""))].filter((f) => existsSync(join(ROOT, f)) && !lstatSync(join(ROOT, f)).isDirectory());
}

function copyTree(): void {
  rmSync(SCRATCH, { recursive: true, force: true });
  for (const f of treeFiles()) {
    const to = join(SCRATCH, f);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(ROOT, f), to);
    chmodSync(to, statSync(join(ROOT, f)).mode);
  }
  // A repository of its own, whose HEAD is the copy before the edit: `vmp breaking --against HEAD` reads it.
  execFileSync("bash", ["-c", "git init -q && git add -A && git -c user.name=vmp -c user.email=vmp@localhost commit -q -m copy"], { cwd: SCRATCH });
  // node_modules: the repository's packages, except the generated TypeScript package, which is the copy's own.
  const modules = join(SCRATCH, "node_modules");
  mkdirSync(modules);
  for (const name of readdirSync(join(ROOT, "node_modules"))) {
    if (name === "vmp-protocol" || name === ".cache") continue;
    symlinkSync(join(ROOT, "node_modules", name), join(modules, name));
  }
  symlinkSync("../generated/ts", join(modules, "vmp-protocol"));
  // Rust: one persistent target folder for every crate of the copy. A first run starts from the repository's
  // release builds (`npm run setup` made them), so the registry crates are not compiled again.
  if (!existsSync(join(CACHE, "target"))) {
    mkdirSync(join(CACHE, "target", "release"), { recursive: true });
    for (const crate of CRATES) {
      const release = join(ROOT, crate, "target", "release");
      if (existsSync(release)) cpSync(release, join(CACHE, "target", "release"), { recursive: true });
    }
  }
  for (const crate of CRATES) {
    mkdirSync(join(CACHE, "target"), { recursive: true });
    symlinkSync(join(CACHE, "target"), join(SCRATCH, crate, "target"));
  }
  makeVenv();
}

/**
 * A virtualenv of the copy's own: the repository's installed packages through a path entry (so its editable
 * `vmp_protocol` install, a site `.pth` hook, is not run), and its scripts (pip, pytest, mypy, ruff) pointed at
 * the copy's interpreter. `npm run regen` then installs the copy's `generated/python` into it.
 */
function makeVenv(): void {
  const repoVenv = join(ROOT, ".venv");
  const venv = join(SCRATCH, ".venv");
  execFileSync(join(repoVenv, "bin", "python"), ["-m", "venv", "--without-pip", venv]);
  const lib = readdirSync(join(repoVenv, "lib")).find((d) => d.startsWith("python"))!;
  writeFileSync(join(venv, "lib", lib, "site-packages", "repository-venv.pth"), `${join(repoVenv, "lib", lib, "site-packages")}\n`);
  for (const name of readdirSync(join(repoVenv, "bin"))) {
    const to = join(venv, "bin", name);
    if (existsSync(to) || name.startsWith("activate") || name.startsWith("Activate")) continue;
    const from = join(repoVenv, "bin", name);
    const head = readFileSync(from).subarray(0, 256).toString("latin1");
    if (head.startsWith(`#!${repoVenv}/bin/python`)) {
      const text = readFileSync(from, "utf8");
      writeFileSync(to, `#!${venv}/bin/python${text.slice(text.indexOf("\n"))}`, { mode: 0o755 });
    } else {
      symlinkSync(from, to);
    }
  }
}

/** The spec edit a user makes: a new client event with examples, and the minor version bump (SPEC §11.3). */
function editSpec(): { version: string; typedArray: boolean } {
  const file = join(SCRATCH, "protocol", "vmp.schema.json");
  const spec = JSON.parse(readFileSync(file, "utf8"));
  const [major, minor] = String(spec["x-vmp-version"]).split(".").map(Number);
  spec["x-vmp-version"] = `${major}.${minor! + 1}.0`;
  const typedArray = readFileSync(join(SCRATCH, "core", "src", "ir", "types.ts"), "utf8").includes("x-vmp-ndarray");
  const defs = spec.$defs;
  defs.PickValue = {
    description: "The payload of PICK: the points the user picked.",
    type: "object",
    properties: {
      names: { description: "The names of the picked elements.", type: "array", items: { type: "string" } },
      stamp: { description: "The pick's sequence number, from the client's counter.", type: "integer", "x-vmp-wire": "int64" },
      ...(typedArray
        ? { position: { description: "The picked points, one row of x, y, z per point.", $ref: "#/$defs/ZData", "x-vmp-ndarray": { dtype: ["float32"], shape: [null, 3] } } }
        : {}),
    },
    required: ["names", "stamp", ...(typedArray ? ["position"] : [])],
    additionalProperties: false,
  };
  const pointBytes = Buffer.alloc(24);
  [1, 2, 3, -1, 0.5, 0].forEach((x, i) => pointBytes.writeFloatLE(x, i * 4));
  defs.PickEvent = {
    description: "PICK: the user picked points in the scene.",
    "x-vmp-event": { direction: "client-to-server", envelope: "ClientEvent" },
    type: "object",
    properties: {
      ...defs.ClientEvent.properties,
      etype: { description: "Always `PICK`.", type: "string", const: "PICK" },
      value: { description: "What was picked.", $ref: "#/$defs/PickValue" },
    },
    required: ["etype", "value"],
    additionalProperties: false,
    examples: [
      {
        ts: 1700000000000,
        etype: "PICK",
        value: {
          names: ["box-1", "sphere"],
          stamp: -4294967297,
          ...(typedArray ? { position: { ztype: "numpy.ndarray", dtype: "float32", shape: [2, 3], b: { __bytes__: pointBytes.toString("base64") } } } : {}),
        },
        key: "picker",
      },
    ],
  };
  writeFileSync(file, `${JSON.stringify(spec, null, 2)}\n`);
  return { version: spec["x-vmp-version"], typedArray };
}

/** The test command in the copy: the whole `npm test`, or the parts of it a spec change can break. */
function testSteps(): [string, string][] {
  if (FULL) return [["npm test", "npm test"]];
  const vitestFiles = treeFiles()
    .filter((f) => f.endsWith(".test.ts") && f !== THIS_FILE && !COSTLY.has(f) && READS_SPEC.test(readFileSync(join(ROOT, f), "utf8")))
    .sort();
  const rs = "--locked --quiet --all-features --manifest-path generated/rust/Cargo.toml";
  return [
    ["typecheck", "npm run typecheck"],
    ["lint", "node bin/vmp.js lint"],
    ["breaking --against HEAD", "node bin/vmp.js breaking --against HEAD"],
    ["vectors --check", "node bin/vmp.js vectors --check"],
    ["generate --check", "node bin/vmp.js generate --check"],
    ["docs --check-spec", "node bin/vmp.js docs --check-spec"],
    ["conformance", "node bin/vmp.js conformance --lang ref ts py rs"],
    // The Python tests that read the vectors, and the type check of the regenerated package (the rest of
    // `npm run test:py` tests the runtime, which a spec edit does not change).
    ["Python binding", ".venv/bin/python -m pytest generators/python/tests/test_vectors.py -q -p no:cacheprovider && cd generated/python && ../../.venv/bin/mypy --strict --no-incremental vmp_protocol"],
    // The regenerated crate is built by `npm run regen` (the testee depends on it) and its runtime is the same as
    // the repository's; what a spec change can break is the generated code's lints and formatting.
    ["Rust crate", `cargo clippy ${rs} -- -D warnings && cargo fmt --manifest-path generated/rust/Cargo.toml --check`],
    ["vitest (the files that read the spec)", `npx vitest run ${vitestFiles.join(" ")}`],
  ];
}

describe.skipIf(process.env.VMP_SCRATCH_INNER === "1")("a spec change in a scratch copy of the repository", () => {
  let edit: { version: string; typedArray: boolean };
  let regen: ReturnType<typeof sh>;

  beforeAll(() => {
    copyTree();
    edit = editSpec();
    regen = sh("npm run regen");
    console.log(`scratch loop: npm run regen took ${regen.seconds.toFixed(0)} s`);
  }, 30 * 60_000);

  it("npm run regen rebuilds everything from the edited spec", () => {
    expect(regen.code, regen.tail).toBe(0);
    const spec = readFileSync(join(SCRATCH, "protocol", "SPEC.md"), "utf8");
    expect(spec).toMatch(/^\| `PICK` \| `PickEvent` \| — \| `PickValue` \| — \|$/m);
    const vectors = JSON.parse(readFileSync(join(SCRATCH, "conformance", "vectors", "spec.json"), "utf8")) as { vectors: { id: string; valid: boolean }[] };
    const pick = vectors.vectors.filter((v) => v.id.startsWith("spec.pick-event."));
    expect(pick.filter((v) => v.valid).map((v) => v.id)).toEqual(["spec.pick-event.example-0"]);
    expect(pick.some((v) => !v.valid && v.id === "spec.pick-event.missing-value")).toBe(true);
    expect(readFileSync(join(SCRATCH, "generated", "ts", "package.json"), "utf8")).toContain(`"version": "${edit.version}"`);
    expect(readFileSync(join(SCRATCH, "generated", "python", "vmp_protocol", "__init__.py"), "utf8")).toContain(`__version__ = "${edit.version}"`);
    expect(readFileSync(join(SCRATCH, "generated", "rust", "Cargo.toml"), "utf8")).toContain(`version = "${edit.version}"`);
    for (const f of ["generated/ts/src/types.ts", "generated/python/vmp_protocol/types.py", "generated/rust/src/types.rs"]) {
      expect(readFileSync(join(SCRATCH, f), "utf8"), f).toContain("PickEvent");
    }
  });

  it.each(testSteps())("then %s passes with no other edit", (name, command) => {
    expect(regen.code, "npm run regen failed").toBe(0);
    const r = sh(command);
    console.log(`scratch loop: ${name} took ${r.seconds.toFixed(0)} s`);
    expect(r.code, r.tail).toBe(0);
  }, 30 * 60_000);
});
