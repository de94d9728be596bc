/**
 * `src/tables.rs`: the spec's tables as Rust enums, so that no runtime file keeps its own list. `ErrorKind` comes
 * from `x-vmp-errors` (one variant per kind, documented by the spec's description) and `Dtype` from
 * `x-vmp-dtypes` (one variant per dtype, with its item size, numpy code and safetensors code). The runtime adds
 * behaviour to both (`Display`, `Dtype::parse`), never a list.
 */
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile } from "../common/printer.js";
import type { DtypeDef, Ir } from "../../core/src/ir/types.js";
import { printDoc, rsFile, str } from "./file.js";
import { safeIdentifier } from "./names.js";

/** The variant of a dtype: its name with a capital first letter (`bfloat16` → `Bfloat16`). */
export function dtypeVariant(name: string): string {
  return safeIdentifier(name.charAt(0).toUpperCase() + name.slice(1));
}

export function emitTables(ir: Ir, source: HeaderSource): GeneratedFile {
  const f = rsFile(
    "src/tables.rs",
    source,
    `The spec's tables, generated from \`${ir.source.file}\`: the error kinds every binding reports (\`x-vmp-errors\`, ` +
      "spec §8.2) and the dtype vocabulary of ZData arrays (`x-vmp-dtypes`, spec §7.3). The runtime re-exports " +
      "both enums where they are used (`runtime::error::ErrorKind`, `runtime::dtype::Dtype`).",
  );
  printErrorKinds(f, ir);
  f.print();
  printDtypes(f, ir.dtypes);
  return f;
}

/** `pub const ALL: [T; n] = [...]` and a `match` from each variant to a value, inside `impl T`. */
function printAll(f: GeneratedFile, type: string, variants: readonly string[], what: string): void {
  printDoc(f, `Every ${what}, in the spec's order.`);
  f.block([`pub const ALL: [${type}; ${variants.length}] = [`], () => variants.forEach((v) => f.print(`${type}::${v},`)), "];");
}

function printMatch(f: GeneratedFile, doc: string, signature: string, type: string, arms: readonly [string, string][]): void {
  f.print();
  printDoc(f, doc);
  f.block([`pub fn ${signature} {`], () => f.block(["match self {"], () => arms.forEach(([v, value]) => f.print(`${type}::${v} => ${value},`)), "}"), "}");
}

function printErrorKinds(f: GeneratedFile, ir: Ir): void {
  const variants = ir.errorKinds.map((k) => safeIdentifier(k.name));
  printDoc(f, "The error kinds of the spec (§8.2). Bindings compare errors by kind, never by message.");
  f.print("#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]");
  f.block(
    ["pub enum ErrorKind {"],
    () =>
      ir.errorKinds.forEach((k, i) => {
        printDoc(f, k.description);
        f.print(variants[i]!, ",");
      }),
    "}",
  );
  f.print();
  f.block(
    ["impl ErrorKind {"],
    () => {
      printAll(f, "ErrorKind", variants, "kind");
      printMatch(
        f,
        "The kind's name, as the spec spells it (`\"MissingField\"`).",
        "as_str(self) -> &'static str",
        "ErrorKind",
        ir.errorKinds.map((k, i) => [variants[i]!, str(k.name)]),
      );
    },
    "}",
  );
}

function dtypeDoc(d: DtypeDef): string {
  const bytes = d.itemSize === 1 ? "1 byte" : `${d.itemSize} bytes`;
  const numpy = d.numpy === undefined ? "no numpy code" : `numpy \`${d.numpy}\``;
  const safetensors = d.safetensors === undefined ? "no safetensors code" : `safetensors \`${d.safetensors}\``;
  return `\`${d.name}\`: ${bytes} per element; ${numpy}, ${safetensors}.`;
}

function printDtypes(f: GeneratedFile, dtypes: readonly DtypeDef[]): void {
  const variants = dtypes.map((d) => dtypeVariant(d.name));
  const optional = (code: string | undefined) => (code === undefined ? "None" : `Some(${str(code)})`);
  printDoc(f, "An element type of an array: the dtype vocabulary of the spec (§7.3).");
  f.print("#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]");
  f.block(
    ["pub enum Dtype {"],
    () =>
      dtypes.forEach((d, i) => {
        printDoc(f, dtypeDoc(d));
        f.print(variants[i]!, ",");
      }),
    "}",
  );
  f.print();
  f.block(
    ["impl Dtype {"],
    () => {
      printAll(f, "Dtype", variants, "dtype");
      printMatch(
        f,
        "The canonical name (`float32`), the only form encoders write.",
        "name(self) -> &'static str",
        "Dtype",
        dtypes.map((d, i) => [variants[i]!, str(d.name)]),
      );
      printMatch(f, "The size of one element in bytes.", "itemsize(self) -> usize", "Dtype", dtypes.map((d, i) => [variants[i]!, String(d.itemSize)]));
      printMatch(
        f,
        "numpy's type code without the byte-order character (`f4`), or `None` where numpy has none.",
        "numpy_code(self) -> Option<&'static str>",
        "Dtype",
        dtypes.map((d, i) => [variants[i]!, optional(d.numpy)]),
      );
      printMatch(
        f,
        "The safetensors code (`F32`, `BF16`), or `None` where safetensors has none.",
        "safetensors_code(self) -> Option<&'static str>",
        "Dtype",
        dtypes.map((d, i) => [variants[i]!, optional(d.safetensors)]),
      );
    },
    "}",
  );
}
