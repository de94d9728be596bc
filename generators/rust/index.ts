/**
 * The Rust emitter: IR in, the files of the crate (`vmp-protocol`, or `--name`) out (`emit` is pure; `generate`
 * also formats with rustfmt). It never touches the filesystem: the CLI reads the inputs (`readRustInputs`) and
 * writes or checks the result.
 */
import { packageIdentity, withTests } from "../common/package-name.js";
import { emitTests } from "./emit-tests.js";
import type { HeaderSource } from "../common/header.js";
import type { OutputFile } from "../common/output.js";
import type { Ir } from "../../core/src/ir/types.js";
import { emitEvents } from "./emit-events.js";
import { emitLib } from "./emit-lib.js";
import { emitSchema } from "./emit-schema.js";
import { emitTables } from "./emit-tables.js";
import { emitTypes } from "./emit-types.js";
import { findRustfmt, format, FormatterNotFound } from "./format.js";
import { rsNames } from "./names.js";
import { copyRuntime, renderPackageFiles } from "./package.js";
import type { RustInputs } from "./sources.js";

export type { RustInputs } from "./sources.js";
export { readRustInputs } from "./sources.js";
export { findRustfmt, FormatterNotFound } from "./format.js";

/** A file before formatting; `code` files go through rustfmt, the others are kept byte for byte. */
export interface EmittedFile extends OutputFile {
  readonly code: boolean;
}

/** Every file of the crate, unformatted, in a fixed order. */
export function emit(ir: Ir, inputs: RustInputs, name?: string): EmittedFile[] {
  const source: HeaderSource = ir.source;
  const names = rsNames(ir);
  const pkg = packageIdentity(ir, name);
  const tests = withTests(ir, pkg);
  const code = (f: { path: string; content(): string }): EmittedFile => ({ path: f.path, content: f.content(), code: true });
  const plain = (f: OutputFile): EmittedFile => ({ ...f, code: false });
  return [
    ...renderPackageFiles(ir, names, inputs, source, pkg).map(plain),
    code(emitLib(ir, names, source, pkg)),
    code(emitTypes(ir, names, source)),
    code(emitSchema(ir, names, source)),
    code(emitEvents(ir, names, source)),
    code(emitTables(ir, source)),
    ...copyRuntime(inputs).map(plain),
    ...(tests ? [code(emitTests(ir, names, pkg, source))] : []),
  ];
}

/** The crate's files, formatted: what `vmp generate --lang rs` writes under generated/rust/. */
export function generate(ir: Ir, inputs: RustInputs, name?: string): OutputFile[] {
  const rustfmt = findRustfmt();
  if (rustfmt === undefined) {
    throw new FormatterNotFound("the Rust emitter needs rustfmt to format its output: install it (rustup component add rustfmt), put it on PATH, or set VMP_RUSTFMT");
  }
  return emit(ir, inputs, name).map((f) => ({ path: f.path, content: f.code ? format(rustfmt, f.content, f.path) : f.content }));
}
