/**
 * The spec's tables in Python (PROFILE.md, "Tables"): `vmp_protocol/_tables.py`, the error kinds and the dtype
 * vocabulary as data the runtime reads, and `vmp_protocol/errors.py`, one `VmpError` subclass per error kind,
 * documented with the spec's description. Adding a kind or a dtype to the spec changes these two files only.
 */
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile } from "../common/printer.js";
import type { Ir } from "../../core/src/ir/types.js";
import { printDocstring, pyFile, str } from "./file.js";

export const TABLES_MODULE = "._tables";
export const ERRORS_MODULE = ".errors";

export function emitTables(ir: Ir, source: HeaderSource): GeneratedFile {
  const f = pyFile(
    "vmp_protocol/_tables.py",
    source,
    `The tables of ${ir.source.file} the runtime reads: the error kinds (\`x-vmp-errors\`, spec §8) and the dtype ` +
      "vocabulary of ZData arrays (`x-vmp-dtypes`, spec §7.3).",
  );
  const typing = (name: string) => f.import(name, "typing");
  const kinds = ir.errorKinds.map((k) => str(k.name));
  f.print("ErrorKind: ", typing("TypeAlias"), " = ", typing("Literal"), "[", kinds.join(", "), "]");
  printDocstring(f, "The kind of a `VmpError`: one of the spec's error kinds.");
  f.print();
  f.print("ERROR_KINDS: ", typing("Final"), "[tuple[ErrorKind, ...]] = (", kinds.join(", "), ",)");
  printDocstring(f, "Every error kind, in the spec's order.");
  f.print();
  const table = (name: string, doc: string, entries: [string, string | number][]) => {
    f.print(name, ": ", typing("Final"), "[dict[str, ", typeof entries[0]?.[1] === "number" ? "int" : "str", "]] = {");
    f.indent(() => {
      for (const [k, v] of entries) f.print(str(k), ": ", typeof v === "number" ? String(v) : str(v), ",");
    });
    f.print("}");
    printDocstring(f, doc);
    f.print();
  };
  table("DTYPES", "Each canonical dtype name and its item size in bytes.", ir.dtypes.map((d) => [d.name, d.itemSize]));
  table(
    "NUMPY_CODES",
    "numpy's type code (without byte order) of each dtype that has one, and the canonical name it stands for.",
    ir.dtypes.flatMap((d) => (d.numpy === undefined ? [] : [[d.numpy, d.name] as [string, string]])),
  );
  table(
    "SAFETENSORS_DTYPES",
    "The safetensors dtype code of each dtype that safetensors files can hold, and the canonical name it stands for.",
    ir.dtypes.flatMap((d) => (d.safetensors === undefined ? [] : [[d.safetensors, d.name] as [string, string]])),
  );
  return f;
}

export function emitErrors(ir: Ir, source: HeaderSource): GeneratedFile {
  const f = pyFile(
    "vmp_protocol/errors.py",
    source,
    "The error kinds of VMP (spec §8): a `VmpError` subclass per kind, named after it. Catch the subclass, or " +
      "compare `VmpError.kind`; never the message.",
  );
  const base = f.import("VmpError", "._runtime.errors");
  for (const k of ir.errorKinds) f.declare(k.name);
  ir.errorKinds.forEach((k, i) => {
    if (i > 0) {
      f.print();
      f.print();
    }
    f.print("class ", k.name, "(", base, ", kind=", str(k.name), "):");
    f.indent(() => printDocstring(f, k.description));
  });
  f.print();
  f.print();
  f.print("__all__ = [", ir.errorKinds.map((k) => str(k.name)).join(", "), "]");
  return f;
}
