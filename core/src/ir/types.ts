/**
 * The typed IR: the spec resolved once, read-only, consumed by every emitter and by the toolchain's validator.
 * Emitters never re-read JSON Schema; they `switch (ref.kind)` over these nodes.
 */

export const INT_WIRES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"] as const;
export const FLOAT_WIRES = ["float32", "float64"] as const;
export type IntWire = (typeof INT_WIRES)[number];
export type FloatWire = (typeof FLOAT_WIRES)[number];

/** The value range of each integer wire type. */
export function intWireRange(wire: IntWire): { min: bigint; max: bigint } {
  const bits = BigInt(wire.replace(/^u?int/, ""));
  return wire.startsWith("u") ? { min: 0n, max: 2n ** bits - 1n } : { min: -(2n ** (bits - 1n)), max: 2n ** (bits - 1n) - 1n };
}

/** A reference to a type, as it appears in a field, an array item or a map value. */
export type TypeRef =
  | { readonly kind: "int"; readonly wire: IntWire; readonly min: bigint; readonly max: bigint }
  | { readonly kind: "float"; readonly wire: FloatWire }
  | {
      readonly kind: "string";
      readonly const?: string;
      readonly enum?: readonly string[];
      readonly pattern?: string;
      readonly minLength?: number;
      readonly maxLength?: number;
    }
  | { readonly kind: "bool" }
  | { readonly kind: "null" }
  | { readonly kind: "bytes" }
  | { readonly kind: "any" }
  | { readonly kind: "zdata" }
  /**
   * A typed array (PROFILE §3, `x-vmp-ndarray`): a ZData array whose dtype is one of `dtypes` (absent: any) and
   * whose shape matches `shape` (absent: any; `null` is any size on that axis, the length fixes the dimensions).
   */
  | { readonly kind: "ndarray"; readonly dtypes?: readonly string[]; readonly shape?: readonly (number | null)[] }
  | { readonly kind: "array"; readonly items: TypeRef; readonly minItems?: number; readonly maxItems?: number }
  | { readonly kind: "map"; readonly values: TypeRef }
  | { readonly kind: "nullable"; readonly inner: TypeRef }
  /** A named definition (record, union or alias); resolve with `Ir.types.get(name)`. */
  | { readonly kind: "ref"; readonly name: string };

export interface Field {
  /** The wire name, verbatim. */
  readonly name: string;
  readonly type: TypeRef;
  readonly required: boolean;
  readonly description?: string;
  /** JSON Pointer into the spec file, for provenance comments and error messages. */
  readonly pointer: string;
}

export type Direction = "server-to-client" | "client-to-server" | "both";

/** What makes a record a message type (profile §5). */
export interface EventInfo {
  readonly direction: Direction;
  /** The envelope this message follows (`ServerEvent`, `ClientEvent`, ...). */
  readonly envelope: string;
  /** The exact `etype`, or undefined when the type is selected by `etypePattern`. */
  readonly etype?: string;
  readonly etypePattern?: string;
}

interface DefCommon {
  readonly name: string;
  readonly description?: string;
  readonly pointer: string;
  /** The `$id` of the base spec the definition was imported from by reference (PROFILE §1); absent for the spec's own. */
  readonly origin?: string;
}

/** A record: fields in wire order. */
export interface RecordDef extends DefCommon {
  readonly kind: "record";
  readonly fields: readonly Field[];
  /** Open records keep unknown fields (after the declared ones); closed records reject them. */
  readonly open: boolean;
  readonly event?: EventInfo;
  /** Set when this record is a ZData variant. */
  readonly ztype?: string;
  /** The schema's `examples` (the JSON form, SPEC §9), as written; core/src/ir/examples.ts derives cases from them. */
  readonly examples?: readonly unknown[];
}

/** A tagged union: every variant is a record whose `tag` field is a distinct const. */
export interface UnionDef extends DefCommon {
  readonly kind: "union";
  readonly tag: string;
  readonly variants: readonly { readonly tagValue: string; readonly type: string }[];
}

/** A named non-record type (`Timestamp`, `Dtype`, `Bytes`, `Any`, `ZData`, ...). */
export interface AliasDef extends DefCommon {
  readonly kind: "alias";
  readonly type: TypeRef;
}

export type TypeDef = RecordDef | UnionDef | AliasDef;

/** An error kind of the spec's `x-vmp-errors` table, in table order. */
export interface ErrorKindDef {
  readonly name: string;
  readonly description: string;
}

/** A dtype of the spec's `x-vmp-dtypes` table, in table order. */
export interface DtypeDef {
  /** The canonical (numpy) name: `float32`. */
  readonly name: string;
  /** Bytes per element. */
  readonly itemSize: number;
  /** numpy's type code without the byte-order character (`f4`); absent where numpy has none (`bfloat16`). */
  readonly numpy?: string;
  /** The safetensors dtype name (`F32`); absent where safetensors has none (the complex types). */
  readonly safetensors?: string;
}

export interface Ir {
  readonly source: {
    /** Path of the spec file relative to the repository root. */
    readonly file: string;
    /** sha256 of the spec file's bytes, hex. */
    readonly sha256: string;
    readonly version: string;
    readonly id: string;
    readonly title: string;
    /** The spec's root `description`, when it has one. */
    readonly description?: string;
  };
  /** Every definition, in declaration order. */
  readonly types: ReadonlyMap<string, TypeDef>;
  /** The message types (records with `x-vmp-event`), in declaration order. */
  readonly messages: readonly RecordDef[];
  /** The ZData variants, in declaration order. */
  readonly zdata: readonly RecordDef[];
  /** The error kinds every binding reports (`x-vmp-errors`). */
  readonly errorKinds: readonly ErrorKindDef[];
  /** The dtype vocabulary of ZData arrays (`x-vmp-dtypes`). */
  readonly dtypes: readonly DtypeDef[];
}
