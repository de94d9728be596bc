/**
 * `src/tables.ts`: the spec's tables as TypeScript, so that no runtime file keeps its own list. `ErrorKind` and
 * `ERROR_KINDS` come from `x-vmp-errors` (each kind documented by the spec's description), `Dtype`, `DTYPES` and
 * `DTYPE_TABLE` from `x-vmp-dtypes`. The runtime imports them as `../tables.js` (errors.ts, dtype.ts) and adds
 * behaviour, never a list; in the toolchain's source tree that path is generators/typescript/tables.ts, which
 * reads the same tables from the spec document.
 */
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile } from "../common/printer.js";
import type { Ir } from "../../core/src/ir/types.js";
import { join, printDoc, str, tsFile } from "./file.js";

export function emitTables(ir: Ir, source: HeaderSource): GeneratedFile {
  const f = tsFile("src/tables.ts", source);
  printDoc(
    f,
    `The spec's tables, generated from \`${ir.source.file}\`: the error kinds every binding reports ` +
      "(`x-vmp-errors`, spec §8.2) and the dtype vocabulary of ZData arrays (`x-vmp-dtypes`, spec §7.3).",
  );
  f.print();
  printDoc(f, "An error kind of the spec (§8.2). Compare errors by kind, never by message.");
  f.print("export type ErrorKind =");
  f.indent(() =>
    ir.errorKinds.forEach((k, i) => {
      printDoc(f, k.description);
      f.print("| ", str(k.name), i === ir.errorKinds.length - 1 ? ";" : "");
    }),
  );
  f.print();
  printDoc(f, "Every error kind, in the spec's order.");
  f.print("export const ERROR_KINDS: readonly ErrorKind[] = [", join(ir.errorKinds.map((k) => str(k.name)), ", "), "];");
  f.print();
  printDoc(f, "An element type of ZData arrays (spec §7.3): numpy's name.");
  f.print("export type Dtype = ", join(ir.dtypes.map((d) => str(d.name)), " | "), ";");
  f.print();
  printDoc(f, "Every dtype, in the spec's order.");
  f.print("export const DTYPES: readonly Dtype[] = [", join(ir.dtypes.map((d) => str(d.name)), ", "), "];");
  f.print();
  printDoc(f, "What the spec says of a dtype.");
  f.block(["export interface DtypeSpec {"], () => {
    printDoc(f, "Bytes per element on the wire.");
    f.print("readonly itemsize: number;");
    printDoc(f, "numpy's type code without the byte-order character (`f4`); absent where numpy has none.");
    f.print("readonly numpy?: string;");
    printDoc(f, "The safetensors dtype name (`F32`); absent where safetensors has none.");
    f.print("readonly safetensors?: string;");
  }, "}");
  f.print();
  printDoc(f, "Each dtype's item size, numpy code and safetensors name (`x-vmp-dtypes`).");
  f.block(["export const DTYPE_TABLE: { readonly [D in Dtype]: DtypeSpec } = {"], () => {
    for (const d of ir.dtypes) {
      const entries = [`itemsize: ${d.itemSize}`];
      if (d.numpy !== undefined) entries.push(`numpy: ${str(d.numpy)}`);
      if (d.safetensors !== undefined) entries.push(`safetensors: ${str(d.safetensors)}`);
      f.print(str(d.name), ": { ", entries.join(", "), " },");
    }
  }, "};");
  return f;
}
