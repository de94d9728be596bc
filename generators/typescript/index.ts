/**
 * The TypeScript emitter: IR in, the files of the `vmp-protocol` npm package out (`emit` is pure; `generate` also
 * formats). It never touches the filesystem: the CLI reads the inputs (`readTypeScriptInputs`) and writes or
 * checks the result.
 */
import type { HeaderSource } from "../common/header.js";
import type { OutputFile } from "../common/output.js";
import type { Ir } from "../../core/src/ir/types.js";
import { emitEvents } from "./emit-events.js";
import { emitIndex } from "./emit-index.js";
import { emitSchema } from "./emit-schema.js";
import { emitTypes } from "./emit-types.js";
import { emitValidate } from "./emit-validate.js";
import { format, type Parser } from "./format.js";
import { tsNames } from "./names.js";
import { copyRuntime, copySupport, renderPackageFiles, type TypeScriptInputs } from "./package.js";

export type { TypeScriptInputs } from "./package.js";
export { readTypeScriptInputs } from "./sources.js";

/** A file before formatting, with the parser that formats it (none: kept byte for byte). */
export interface EmittedFile extends OutputFile {
  readonly parser?: Parser;
}

/** Every file of the package, unformatted, in a fixed order. */
export function emit(ir: Ir, specDoc: unknown, inputs: TypeScriptInputs): EmittedFile[] {
  const source: HeaderSource = ir.source;
  const names = tsNames(ir);
  const validators = emitValidate(ir, names, specDoc, source);
  const code = (f: { path: string; content(): string }): EmittedFile => ({ path: f.path, content: f.content(), parser: "typescript" });
  const pkg = renderPackageFiles(ir, names, inputs, validators.needsAjv, source);
  return [
    // The templates are written formatted: prettier runs on code only, which keeps generation well under 2 s.
    ...pkg,
    code(emitIndex(ir, names, inputs.runtime.map((r) => r.name).filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts")), source)),
    code(emitTypes(ir, names, source)),
    code(emitSchema(ir, names, source)),
    code(emitEvents(ir, names, source)),
    { path: validators.file.path, content: validators.file.content() },
    ...copySupport(inputs, source),
    ...copyRuntime(inputs, source),
  ];
}

/** The package's files, formatted: what `vmp generate --lang ts` writes under generated/ts/. */
export async function generate(ir: Ir, specDoc: unknown, inputs: TypeScriptInputs): Promise<OutputFile[]> {
  const files = emit(ir, specDoc, inputs);
  return Promise.all(files.map(async (f) => ({ path: f.path, content: f.parser ? await format(f.content, f.parser) : f.content })));
}
