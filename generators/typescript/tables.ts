/**
 * The spec's tables for the runtime in the toolchain's source tree (its tests and type checks): what
 * `import "../tables.js"` finds from generators/typescript/runtime/. In the package that path is the generated
 * src/tables.ts (emit-tables.ts), with the same exports. Both read the tables of protocol/vmp.schema.json
 * (`x-vmp-errors`, `x-vmp-dtypes`); here the types come from the spec document itself.
 */
import spec from "../../protocol/vmp.schema.json" with { type: "json" };

type ErrorTable = (typeof spec)["x-vmp-errors"];
type DtypeTable = (typeof spec)["x-vmp-dtypes"];

/** An error kind of the spec (§8.2). Compare errors by kind, never by message. */
export type ErrorKind = keyof ErrorTable;

/** Every error kind, in the spec's order. */
export const ERROR_KINDS = Object.keys(spec["x-vmp-errors"]) as readonly ErrorKind[];

/** An element type of ZData arrays (spec §7.3): numpy's name. */
export type Dtype = keyof DtypeTable;

/** Every dtype, in the spec's order. */
export const DTYPES = Object.keys(spec["x-vmp-dtypes"]) as readonly Dtype[];

/** What the spec says of a dtype. */
export interface DtypeSpec {
  /** Bytes per element on the wire. */
  readonly itemsize: number;
  /** numpy's type code without the byte-order character (`f4`); absent where numpy has none. */
  readonly numpy?: string;
  /** The safetensors dtype name (`F32`); absent where safetensors has none. */
  readonly safetensors?: string;
}

/** Each dtype's item size, numpy code and safetensors name (`x-vmp-dtypes`). */
export const DTYPE_TABLE: { readonly [D in Dtype]: DtypeSpec } = spec["x-vmp-dtypes"];
