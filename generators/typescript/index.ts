/**
 * The TypeScript emitter: IR in, the files of the npm package (`vmp-protocol`, or `--name`) out (`emit` is pure;
 * `generate` also formats). It never touches the filesystem: the CLI reads the inputs (`readTypeScriptInputs`) and
 * writes or checks the result.
 */
import type { HeaderSource } from "../common/header.js";
import type { OutputFile } from "../common/output.js";
import type { Ir } from "../../core/src/ir/types.js";
import { emitEvents } from "./emit-events.js";
import { emitIndex } from "./emit-index.js";
import { emitSchema, emitValidate } from "./emit-schema.js";
import { emitTables } from "./emit-tables.js";
import { emitTests } from "./emit-tests.js";
import { emitTypes } from "./emit-types.js";
import { packageIdentity, withTests } from "../common/package-name.js";
import { format, type Parser } from "./format.js";
import { tsNames } from "./names.js";
import { copyRuntime, renderPackageFiles, type TypeScriptInputs } from "./package.js";

export type { TypeScriptInputs } from "./package.js";
export { readTypeScriptInputs } from "./sources.js";

/** A file before formatting, with the parser that formats it (none: kept byte for byte). */
export interface EmittedFile extends OutputFile {
  readonly parser?: Parser;
}

/** Every file of the package, unformatted, in a fixed order. */
export function emit(ir: Ir, inputs: TypeScriptInputs, name?: string): EmittedFile[] {
  const source: HeaderSource = ir.source;
  const names = tsNames(ir);
  const identity = packageIdentity(ir, name);
  const code = (f: { path: string; content(): string }): EmittedFile => ({ path: f.path, content: f.content(), parser: "typescript" });
  const tests = withTests(ir, identity);
  const pkg = renderPackageFiles(ir, names, inputs, source, identity, tests);
  return [
    // The templates are written formatted: prettier runs on code only, which keeps generation well under 2 s.
    ...pkg,
    code(emitIndex(ir, names, inputs.runtime.map((r) => r.name).filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts")), source, identity)),
    code(emitTypes(ir, names, source)),
    code(emitSchema(ir, names, source)),
    code(emitEvents(ir, names, source)),
    code(emitValidate(ir, names, source)),
    code(emitTables(ir, source)),
    ...copyRuntime(inputs),
    ...(tests ? [code(emitTests(ir, names, identity.name, source))] : []),
  ];
}

/** The package's files, formatted: what `vmp generate --lang ts` writes under generated/ts/. */
export async function generate(ir: Ir, inputs: TypeScriptInputs, name?: string): Promise<OutputFile[]> {
  const files = emit(ir, inputs, name);
  return Promise.all(files.map(async (f) => ({ path: f.path, content: f.parser ? await format(f.content, f.parser) : f.content })));
}
