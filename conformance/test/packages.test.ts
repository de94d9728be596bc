/**
 * The three generated packages, installed as a user installs them, outside the repository: the npm tarball into a
 * fresh strict TypeScript project (no skipLibCheck), the wheel into a fresh venv, the packaged crate built and
 * tested offline. Each imports the package and round-trips an event; the TypeScript package's README blocks and
 * TSDoc `@example`s are compiled and run there, and so is the Rust README's example.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../core/src/repo.js";

const ROOT = repoRoot();
const NODE_BIN = join(ROOT, "node_modules", ".bin");
let tmp: string;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
}

/** Every fenced block of `lang` in a Markdown text. */
function fencedBlocks(markdown: string, lang: string): string[] {
  return [...markdown.matchAll(new RegExp("^```" + lang + "\\n([\\s\\S]*?)^```$", "gm"))].map((m) => m[1]!);
}

/** Every ```ts block of a TSDoc `@example` in a source file, the leading ` * ` removed. */
function exampleBlocks(source: string): string[] {
  return [...source.matchAll(/@example\s*\n\s*\* ```ts\n([\s\S]*?)\n\s*\* ```/g)].map((m) =>
    m[1]!
      .split("\n")
      .map((line) => line.replace(/^\s*\* ?/, ""))
      .join("\n"),
  );
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "vmp-packages-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the generated packages, installed outside the repository", () => {
  it("npm: the packed tarball ships a fresh dist/, type-checks strictly, and imports from ESM and CJS", () => {
    // Pack a copy without dist/, as a clean clone would: prepack must build it.
    const pkg = join(tmp, "ts-package");
    mkdirSync(pkg);
    for (const f of readdirSync(join(ROOT, "generated", "ts")).filter(
      (f) => f !== "dist" && f !== "node_modules",
    ))
      cpSync(join(ROOT, "generated", "ts", f), join(pkg, f), { recursive: true });
    const packed = JSON.parse(
      run("npm", ["pack", "--json", "--pack-destination", tmp], pkg, {
        PATH: `${NODE_BIN}${delimiter}${process.env.PATH}`,
      }),
    ) as { filename: string; files: { path: string }[] }[];
    const shipped = packed[0]!.files.map((f) => f.path);
    expect(shipped).toEqual(
      expect.arrayContaining(["LICENSE", "README.md", "package.json", "dist/index.js", "dist/index.d.ts"]),
    );
    // Every module shipped compiled is one of the sources (no stale output), and nothing else ships.
    const sources = new Set(filesUnder(join(pkg, "src")).map((f) => `dist/${f.replace(/\.ts$/, ".js")}`));
    expect(shipped.filter((f) => f.endsWith(".js")).filter((f) => !sources.has(f))).toEqual([]);
    expect(shipped.filter((f) => !/^(dist|src)\//.test(f)).sort()).toEqual([
      "LICENSE",
      "README.md",
      "package.json",
    ]);

    const app = join(tmp, "ts-app");
    mkdirSync(join(app, "src"), { recursive: true });
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    run("npm", ["install", "--offline", "--no-audit", "--no-fund", join(tmp, packed[0]!.filename)], app);
    // The defaults a new strict project has: no skipLibCheck, so the package's .d.ts files are checked too.
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { strict: true, target: "ES2022", module: "NodeNext", outDir: "out", types: [] },
        include: ["src"],
      }),
    );
    writeFileSync(
      join(app, "src", "esm.ts"),
      [
        'import { decodeMessage, encode, schema, setEvent, type DecodedMessage } from "vmp-protocol";',
        'const msg = setEvent({ tag: "Scene", key: "root", children: [] }, { ts: 1 });',
        "const { type, value } = decodeMessage(encode(schema.SetEvent, msg), schema.MESSAGES);",
        "const typed: DecodedMessage = value;",
        "console.log(type.name, JSON.stringify(typed));",
      ].join("\n"),
    );
    writeFileSync(
      join(app, "src", "cjs.cts"),
      [
        'import vmp = require("vmp-protocol");',
        'const bytes = vmp.serialize(vmp.createRPCRequest({ etype: "PING", requestId: "rpc-1" }));',
        "const back = vmp.deserialize<vmp.RPCRequest>(bytes);",
        "console.log(back.rtype, back.args);",
      ].join("\n"),
    );
    const readme = readFileSync(join(pkg, "README.md"), "utf8");
    const examples = [
      ...fencedBlocks(readme, "ts").map((code, i) => ({ name: `readme-${i + 1}`, code })),
      ...filesUnder(join(pkg, "src")).flatMap((f) =>
        exampleBlocks(readFileSync(join(pkg, "src", f), "utf8")).map((code, i) => ({
          name: `${f.replace(/\W/g, "-")}-${i + 1}`,
          code,
        })),
      ),
    ];
    expect(examples.map((e) => e.name)).toEqual(
      expect.arrayContaining(["readme-1", expect.stringMatching(/^runtime-rpc-ts-/)]),
    );
    for (const e of examples) writeFileSync(join(app, "src", `${e.name}.ts`), e.code);

    run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", app], app);
    expect(run(process.execPath, ["out/esm.js"], app)).toBe(
      'SetEvent {"ts":1,"etype":"SET","data":{"tag":"Scene","key":"root","children":[]}}\n',
    );
    expect(run(process.execPath, ["out/cjs.cjs"], app)).toBe("rpc-1 null\n");
    for (const e of examples) {
      // A failed console.assert prints "Assertion failed" to stderr: every example runs with a clean stderr.
      const r = spawnSync(process.execPath, [`out/${e.name}.js`], { cwd: app, encoding: "utf8" });
      expect({ name: e.name, status: r.status, stderr: r.stderr }).toEqual({
        name: e.name,
        status: 0,
        stderr: "",
      });
    }
  }, 240_000);

  it("pip: the wheel installs into a fresh venv with its LICENSE and round-trips an event", () => {
    const src = join(tmp, "py-package");
    cpSync(join(ROOT, "generated", "python"), src, {
      recursive: true,
      filter: (f) => !/(\.egg-info|__pycache__|[\\/]build)$/.test(f),
    });
    const venv = join(tmp, "venv");
    run("python3", ["-m", "venv", venv], tmp);
    const python = join(venv, "bin", "python");
    const pip = [python, "-m", "pip", "--disable-pip-version-check", "-q"];
    run(pip[0]!, [...pip.slice(1), "wheel", "--no-deps", "-w", join(tmp, "wheels"), src], tmp);
    const wheel = readdirSync(join(tmp, "wheels")).find((f) => f.endsWith(".whl"))!;
    run(pip[0]!, [...pip.slice(1), "install", join(tmp, "wheels", wheel)], tmp);
    const script = [
      "from importlib import metadata",
      "import vmp_protocol",
      "from vmp_protocol import decode, encode, schema, set_event",
      'msg = set_event({"tag": "Scene", "key": "root", "children": []}, ts=1)',
      "assert decode(schema.SetEvent, encode(schema.SetEvent, msg)) == msg",
      'dist = metadata.distribution("vmp-protocol")',
      'licenses = [f.name for f in dist.files or [] if f.name == "LICENSE"]',
      `print(vmp_protocol.__file__.startswith(${JSON.stringify(venv)}), vmp_protocol.__version__ == dist.version, dist.metadata["License-Expression"], licenses)`,
    ].join("\n");
    const { PYTHONPATH: _, ...env } = process.env;
    expect(execFileSync(python, ["-c", script], { cwd: tmp, encoding: "utf8", env })).toBe(
      "True True MIT ['LICENSE']\n",
    );
  }, 240_000);

  it("cargo: the packaged crate builds and passes its tests offline, and the README's example runs", () => {
    const manifest = join(ROOT, "generated", "rust", "Cargo.toml");
    const target = join(tmp, "cargo-package");
    run(
      "cargo",
      [
        "package",
        "--quiet",
        "--offline",
        "--no-verify",
        "--allow-dirty",
        "--manifest-path",
        manifest,
        "--target-dir",
        target,
      ],
      ROOT,
    );
    const crateFile = readdirSync(join(target, "package")).find((f) => f.endsWith(".crate"))!;
    run("tar", ["-xzf", join(target, "package", crateFile), "-C", tmp], tmp);
    const crate = join(tmp, crateFile.replace(/\.crate$/, ""));
    expect(readFileSync(join(crate, "Cargo.toml"), "utf8")).toMatch(/^license = "MIT"$/m);
    const readme = fencedBlocks(readFileSync(join(crate, "README.md"), "utf8"), "rust");
    expect(readme.length).toBeGreaterThan(0);
    mkdirSync(join(crate, "examples"));
    readme.forEach((code, i) => writeFileSync(join(crate, "examples", `readme_${i + 1}.rs`), code));
    // A packaged manifest lists its targets (no auto-discovery): declare the examples.
    const examples = readme.map(
      (_, i) => `\n[[example]]\nname = "readme_${i + 1}"\npath = "examples/readme_${i + 1}.rs"\n`,
    );
    writeFileSync(
      join(crate, "Cargo.toml"),
      readFileSync(join(crate, "Cargo.toml"), "utf8") + examples.join(""),
    );
    // The repository's build cache holds the dependencies; the crate itself builds from the unpacked sources.
    const cache = { CARGO_TARGET_DIR: join(ROOT, "generated", "rust", "target") };
    run(
      "cargo",
      ["test", "--quiet", "--offline", "--all-features", "--manifest-path", join(crate, "Cargo.toml")],
      crate,
      cache,
    );
    for (let i = 1; i <= readme.length; i++)
      expect(
        run(
          "cargo",
          [
            "run",
            "--quiet",
            "--offline",
            "--example",
            `readme_${i}`,
            "--manifest-path",
            join(crate, "Cargo.toml"),
          ],
          crate,
          cache,
        ),
      ).toMatch(/TERMINATE|message/);
  }, 480_000);
});
