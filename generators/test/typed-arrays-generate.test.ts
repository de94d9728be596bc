/**
 * Typed array fields (PROFILE §3, SPEC §7.11) end to end: `vmp generate` on a spec with typed arrays
 * (core/test/typed-array-spec.ts) types them in every binding, and each package compiles and behaves: TypeScript
 * `NDArray<dtype>` under strict (a wrong dtype does not type-check), Python `NDArray[numpy.float32 | …]` under
 * mypy --strict with decode and encode checking dtype and shape, Rust `NdArray` fields that build, encode
 * canonically and refuse a wrong dtype.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../cli/test/helpers.js";
import { typedArraySpec } from "../../core/test/typed-array-spec.js";

const root = resolve(".");
const tmp = mkdtempSync(join(tmpdir(), "vmp-typed-arrays-"));
const out = join(tmp, "out");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PYTHON = [process.env.VMP_PYTHON, join(root, ".venv", "bin", "python")].find((p) => p !== undefined && p !== "" && existsSync(p));
const hasMypy = PYTHON !== undefined && existsSync(join(PYTHON, "..", "mypy"));
const TSC = join(root, "node_modules", "typescript", "bin", "tsc");

/** Runs a command; its output, or the failure's output (stdout and stderr) prefixed with "FAILED". */
function attempt(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: "pipe", env });
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string };
    return `FAILED\n${x.stdout ?? ""}${x.stderr ?? String(e)}`;
  }
}

beforeAll(async () => {
  const spec = join(tmp, "typed.schema.json");
  writeFileSync(spec, typedArraySpec().text);
  const generated = await run(["generate", "--spec", spec, "--out", out]);
  expect(generated.err).toBe("");
  expect(generated.code).toBe(0);
}, 240_000);

describe("typed arrays through vmp generate", () => {
  it("TypeScript: NDArray typed by dtype, and a wrong dtype does not compile under strict", () => {
    const types = readFileSync(join(out, "ts", "src", "types.ts"), "utf8");
    expect(types).toContain('points: NDArray<"float32" | "float64">;');
    expect(types).toContain('mask?: NDArray<"bool">;');
    expect(types).toContain('frames?: NDArray<"uint8">[];');
    expect(types).toContain("extra?: NDArray;");
    expect(readFileSync(join(out, "ts", "src", "schema.ts"), "utf8")).toContain('{ kind: "ndarray", dtypes: ["float32", "float64"], shape: [null, 3] }');
    writeFileSync(
      join(out, "ts", "src", "usage.ts"),
      [
        'import type { Cloud } from "./types.js";',
        'import { NDArray } from "./runtime/zdata.js";',
        "",
        'export const cloud: Cloud = { points: new NDArray("float32", [1, 3], new Float32Array(3)) };',
        "export const wrong: Cloud = {",
        "  // @ts-expect-error an int32 array is not a float32 or float64 array",
        '  points: new NDArray("int32", [1, 3], new Int32Array(3)),',
        "};",
        "",
      ].join("\n"),
    );
    expect(attempt(process.execPath, [TSC, "-p", join(out, "ts", "tsconfig.json"), "--noEmit"], root)).toBe("");
  }, 120_000);

  it.skipIf(PYTHON === undefined)("Python: numpy.typing.NDArray fields; decode and encode check dtype and shape", () => {
    const types = readFileSync(join(out, "python", "vmp_protocol", "types.py"), "utf8");
    expect(types).toContain("points: NDArray[numpy.float32 | numpy.float64]");
    expect(types).toContain("mask: NDArray[numpy.bool_] | UnsetType = UNSET");
    // typing.Any is imported under another name where the spec defines a type named Any.
    expect(types).toMatch(/extra: NDArray\[Any\d*\] \| UnsetType = UNSET/);
    const script = [
      "import numpy as np",
      "from vmp_protocol import VmpError, decode, encode, schema, types",
      "cloud = types.Cloud(points=np.arange(6, dtype=np.float32).reshape(2, 3))",
      "back = decode(schema.Cloud, encode(schema.Cloud, cloud))",
      "print(type(back).__name__, back.points.dtype, back.points.shape)",
      "for bad in (np.zeros((2, 3), np.int32), np.zeros((2, 4), np.float32)):",
      "    try:",
      "        encode(schema.Cloud, types.Cloud(points=bad))",
      "    except VmpError as e:",
      "        print(e.kind, e.path)",
    ].join("\n");
    const env = { ...process.env, PYTHONPATH: join(out, "python") };
    expect(attempt(PYTHON!, ["-c", script], tmp, env)).toBe("Cloud float32 (2, 3)\nInvalidValue ['points']\nInvalidValue ['points']\n");
  }, 120_000);

  it.skipIf(!hasMypy)("Python: passes mypy --strict, and a user's typed access type-checks", () => {
    const pkg = join(out, "python");
    writeFileSync(
      join(pkg, "usage.py"),
      [
        "import numpy as np",
        "import numpy.typing as npt",
        "from vmp_protocol.types import Cloud",
        "",
        "cloud = Cloud(points=np.zeros((1, 3), dtype=np.float32))",
        "points: npt.NDArray[np.float32 | np.float64] = cloud.points",
        "",
      ].join("\n"),
    );
    const mypy = join(PYTHON!, "..", "mypy");
    const report = attempt(mypy, ["--strict", "--no-incremental", "--follow-imports=silent", "vmp_protocol/types.py", "vmp_protocol/schema.py", "vmp_protocol/events.py", "usage.py"], pkg);
    expect(report).toMatch(/^Success/);
  }, 240_000);

  it("Rust: NdArray fields build, encode as numpy.ndarray and refuse a wrong dtype on encode", () => {
    const crate = join(out, "rust");
    // The spec's own NdArray (the wire struct) takes the short name in types.rs; the field is the runtime's array.
    expect(readFileSync(join(crate, "src", "types.rs"), "utf8")).toContain("pub points: crate::runtime::zdata::NdArray,");
    mkdirSync(join(crate, "tests"), { recursive: true });
    writeFileSync(
      join(crate, "tests", "typed_arrays.rs"),
      [
        "use vmp_protocol::{decode, encode, ArrayKind, Cloud, ErrorKind, NdArray};",
        "",
        "#[test]",
        "fn typed_arrays_round_trip_and_refuse_other_dtypes() {",
        "    let points = NdArray::from_vec(vec![1f32, 2.0, 3.0], vec![1, 3]).unwrap().with_kind(ArrayKind::Torch);",
        "    let cloud = Cloud { points, mask: None, frames: None, extra: None };",
        "    let bytes = encode(&cloud).unwrap();",
        "    // A tensor in a typed array field is written as numpy.ndarray (SPEC §7.11).",
        '    assert!(bytes.windows(13).any(|w| w == b"numpy.ndarray"));',
        "    let back: Cloud = decode(bytes).unwrap();",
        "    assert_eq!(back.points.shape(), &[1, 3]);",
        "    assert_eq!(back.points.kind(), ArrayKind::Numpy);",
        "    let ints = NdArray::from_vec(vec![1i32, 2, 3], vec![1, 3]).unwrap();",
        "    let wrong = Cloud { points: ints, mask: None, frames: None, extra: None };",
        "    assert_eq!(encode(&wrong).unwrap_err().kind(), ErrorKind::InvalidValue);",
        "    let flat = NdArray::from_vec(vec![1f32, 2.0, 3.0], vec![3]).unwrap();",
        "    let wrong = Cloud { points: flat, mask: None, frames: None, extra: None };",
        "    assert_eq!(encode(&wrong).unwrap_err().kind(), ErrorKind::InvalidValue);",
        "}",
        "",
      ].join("\n"),
    );
    // A target directory of its own inside the repository crate's (ignored there), kept between runs so that the
    // dependencies build once; sharing the crate's own would overwrite its uplifted artifacts.
    const target = join(root, "generated", "rust", "target", "typed-arrays");
    const env = { ...process.env, CARGO_TARGET_DIR: process.env.CARGO_TARGET_DIR ?? target };
    const report = attempt("cargo", ["test", "--offline", "--quiet", "--test", "typed_arrays"], crate, env);
    expect(report).toMatch(/test result: ok\. 1 passed/);
  }, 600_000);
});
