/**
 * The Python emitter: IR in, the files of the Python package (`vmp-protocol`, or `--name`) out (`emit` is pure;
 * `generate` also formats with ruff). It never touches the filesystem: the CLI reads the inputs
 * (`readPythonInputs`) and writes or checks the result.
 */
import type { HeaderSource } from "../common/header.js";
import type { OutputFile } from "../common/output.js";
import type { Ir } from "../../core/src/ir/types.js";
import { emitEvents } from "./emit-events.js";
import { emitInit } from "./emit-init.js";
import { emitSchema } from "./emit-schema.js";
import { emitErrors, emitTables } from "./emit-tables.js";
import { emitTests } from "./emit-tests.js";
import { emitTypes } from "./emit-types.js";
import { packageIdentity, withTests } from "../common/package-name.js";
import { findRuff, format, FormatterNotFound } from "./format.js";
import { pyNames } from "./names.js";
import { copyRuntime, renderPackageFiles, type PythonInputs } from "./package.js";

export type { PythonInputs } from "./package.js";
export { readPythonInputs } from "./sources.js";
export { findRuff, FormatterNotFound } from "./format.js";

/** A file before formatting; `code` files go through `ruff format`, the others are kept byte for byte. */
export interface EmittedFile extends OutputFile {
  readonly code: boolean;
}

/** Every file of the package, unformatted, in a fixed order. */
export function emit(ir: Ir, inputs: PythonInputs, name?: string): EmittedFile[] {
  const source: HeaderSource = ir.source;
  const names = pyNames(ir);
  const pkg = packageIdentity(ir, name);
  const tests = withTests(ir, pkg);
  // The emitters write the import package as vmp_protocol/; it takes the package's import name here.
  const moved = (path: string) => path.replace(/^vmp_protocol\//, `${pkg.module}/`);
  const code = (f: { path: string; content(): string }): EmittedFile => ({ path: moved(f.path), content: f.content(), code: true });
  const plain = (f: OutputFile): EmittedFile => ({ ...f, path: moved(f.path), code: false });
  return [
    ...renderPackageFiles(ir, names, inputs, source, pkg, tests).map(plain),
    code(emitInit(ir, names, source, pkg)),
    code(emitTables(ir, source)),
    code(emitErrors(ir, source)),
    code(emitTypes(ir, names, source)),
    code(emitSchema(ir, names, source)),
    code(emitEvents(ir, names, source)),
    ...copyRuntime(inputs).map(plain),
    ...(tests ? [code(emitTests(ir, names, pkg, source))] : []),
  ];
}

/** The package's files, formatted: what `vmp generate --lang py` writes under generated/py/. */
export function generate(ir: Ir, inputs: PythonInputs, root: string, name?: string): OutputFile[] {
  const ruff = findRuff(root);
  if (ruff === undefined) {
    throw new FormatterNotFound("the Python emitter needs ruff to format its output: install it in .venv (pip install ruff), put it on PATH, or set VMP_RUFF");
  }
  return emit(ir, inputs, name).map((f) => ({ path: f.path, content: f.code ? format(ruff, f.content, f.path) : f.content }));
}
