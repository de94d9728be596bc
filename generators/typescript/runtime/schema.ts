/**
 * Type descriptors: the spec's types as runtime data. The generated `schema.ts` of the package declares one
 * descriptor per named type of the spec; the codec, the JSON form and the validators walk them. They mirror the
 * toolchain's IR (core/src/ir/types.ts), reduced to what the runtime needs.
 */

/** A reference to a type in a field, an item or a map value. Named types are reached through thunks (`get`) so
 * that recursive types (an Element's children) can be declared in any order. */
export type TypeDesc =
  /** An integer in [min, max]; `wide` when the range goes beyond 2^53 (values are `number | bigint`). */
  | { readonly kind: "int"; readonly min: bigint; readonly max: bigint; readonly wide: boolean }
  | { readonly kind: "float"; readonly width: 32 | 64 }
  | {
      readonly kind: "string";
      readonly const?: string;
      readonly enum?: readonly string[];
      readonly pattern?: RegExp;
      readonly minLength?: number;
      readonly maxLength?: number;
    }
  | { readonly kind: "bool" }
  | { readonly kind: "null" }
  /** Raw bytes: `Uint8Array` in memory, `bin` on the wire, `{"__bytes__": base64}` in the JSON form. */
  | { readonly kind: "bytes" }
  /** Any VMP value, kept as sent (free-form). */
  | { readonly kind: "any" }
  /** Any ZData value. */
  | { readonly kind: "zdata" }
  /**
   * A typed array (SPEC §7.11): an `NDArray` whose dtype is one of `dtypes` (absent: any) and whose shape matches
   * `shape` (absent: any; `null` is any size on that axis).
   */
  | { readonly kind: "ndarray"; readonly dtypes?: readonly string[]; readonly shape?: readonly (number | null)[] }
  | { readonly kind: "array"; readonly items: TypeDesc; readonly minItems?: number; readonly maxItems?: number }
  | { readonly kind: "map"; readonly values: TypeDesc }
  | { readonly kind: "nullable"; readonly inner: TypeDesc }
  | { readonly kind: "ref"; readonly name: string; readonly get: () => NamedDesc };

export interface FieldDesc {
  /** The wire name. */
  readonly name: string;
  readonly type: TypeDesc;
  readonly required: boolean;
}

/** A record: fields in wire order. */
export interface RecordDesc {
  readonly kind: "record";
  readonly name: string;
  readonly fields: readonly FieldDesc[];
  /** Open records keep unknown fields (as free-form values, after the declared ones). */
  readonly open: boolean;
  /** Set when the record is a ZData variant (`numpy.ndarray`, …). */
  readonly ztype?: string;
  /** Set when the record is a message type. */
  readonly event?: {
    readonly envelope: string;
    readonly etype?: string;
    readonly etypePattern?: RegExp;
  };
}

declare const decodesTo: unique symbol;

/**
 * A package's list of message descriptors, typed with the union `M` of the messages they decode to: a phantom
 * (type-only) member lets `decodeMessage(bytes, MESSAGES)` return an `M` rather than `unknown`. A plain
 * `RecordDesc[]` is one too, with `M` unknown.
 */
export type MessageDescs<M = unknown> = readonly RecordDesc[] & { readonly [decodesTo]?: M };

/** A tagged union: the variant is chosen by the string const at `tag`. */
export interface UnionDesc {
  readonly kind: "union";
  readonly name: string;
  readonly tag: string;
  readonly variants: Readonly<Record<string, () => RecordDesc>>;
}

/** A named alias of another type (`Timestamp`, `Dtype`, …). */
export interface AliasDesc {
  readonly kind: "alias";
  readonly name: string;
  readonly type: TypeDesc;
}

export type NamedDesc = RecordDesc | UnionDesc | AliasDesc;

/** Resolves aliases until a record, a union or a non-ref type is reached. */
export function resolve(t: TypeDesc): TypeDesc | RecordDesc | UnionDesc {
  let cur: TypeDesc | NamedDesc = t;
  for (;;) {
    if (cur.kind === "ref") cur = cur.get();
    else if (cur.kind === "alias") cur = cur.type;
    else return cur;
  }
}
