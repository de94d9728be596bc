/**
 * What changed between two versions of a spec, for `vmp breaking`: each change with its kind, where it is, and its
 * class (SPEC §11.3):
 *
 * - `wire`: frames that the old spec accepts are rejected or read differently by the new one (a field removed,
 *   renamed, retyped or newly required; a record closed; an etype changed; a wire width narrowed; a typed array's
 *   dtypes or shape narrowed). Needs a major version.
 * - `source`: the wire is unchanged but generated names change (a type renamed or removed). Needs a major version.
 * - `compatible`: additions that old frames still satisfy (new message types, new optional fields, widened
 *   integers, opened records, a typed array's dtypes or shape widened). Needs a minor version.
 * - `docs`: descriptions only. Needs a patch version.
 */
import type { Field, Ir, RecordDef, TypeDef, TypeRef } from "./types.js";

export type ChangeClass = "wire" | "source" | "compatible" | "docs";

export interface SpecChange {
  /** A stable identifier of the kind of change (`field-removed`, …). */
  readonly kind: ChangeKind;
  readonly class: ChangeClass;
  /** A JSON Pointer into the new spec (into the old one for removals). */
  readonly pointer: string;
  /** One line for people. */
  readonly message: string;
}

/** Every kind of change `diffSpecs` reports, with its class. */
export const CHANGE_KINDS = {
  "message-removed": "wire",
  "type-removed": "source",
  "type-renamed": "source",
  "field-removed": "wire",
  "field-renamed": "wire",
  "field-added-required": "wire",
  "field-now-required": "wire",
  "field-retyped": "wire",
  "wire-narrowed": "wire",
  "float-width-changed": "wire",
  "record-closed": "wire",
  "etype-changed": "wire",
  "constraint-tightened": "wire",
  "nullable-removed": "wire",
  "enum-value-removed": "wire",
  "array-dtype-removed": "wire",
  "array-shape-narrowed": "wire",
  "message-added": "compatible",
  "type-added": "compatible",
  "field-added-optional": "compatible",
  "field-now-optional": "compatible",
  "wire-widened": "compatible",
  "record-opened": "compatible",
  "constraint-loosened": "compatible",
  "nullable-added": "compatible",
  "enum-value-added": "compatible",
  "array-dtype-added": "compatible",
  "array-shape-widened": "compatible",
  "description-changed": "docs",
} as const satisfies Record<string, ChangeClass>;

export type ChangeKind = keyof typeof CHANGE_KINDS;

/** The version bump a set of changes needs (SPEC §11.3). */
export function requiredBump(changes: readonly SpecChange[]): "major" | "minor" | "patch" | "none" {
  if (changes.some((c) => c.class === "wire" || c.class === "source")) return "major";
  if (changes.some((c) => c.class === "compatible")) return "minor";
  return changes.length > 0 ? "patch" : "none";
}

/** The bump from one semver version to another (`none` when equal, `downgrade` when lower). */
export function bumpBetween(from: string, to: string): "major" | "minor" | "patch" | "none" | "downgrade" {
  const [a, b] = [from, to].map((v) => v.split(".").map(Number)) as [number[], number[]];
  for (let i = 0; i < 3; i++) {
    if (b[i]! > a[i]!) return (["major", "minor", "patch"] as const)[i]!;
    if (b[i]! < a[i]!) return "downgrade";
  }
  return "none";
}

const RANK = { none: 0, patch: 1, minor: 2, major: 3 } as const;

/** True when moving from `from` to `to` announces at least the bump `changes` need. */
export function isAnnounced(changes: readonly SpecChange[], from: string, to: string): boolean {
  const made = bumpBetween(from, to);
  // Before 1.0.0 a minor bump may break (semver §4).
  const needed = requiredBump(changes);
  if (made === "downgrade") return needed === "none";
  if (from.startsWith("0.") && made === "minor" && needed === "major") return true;
  return RANK[made] >= RANK[needed];
}

/** The changes from `old` to `next`, in the new spec's declaration order (removals first). */
export function diffSpecs(old: Ir, next: Ir): SpecChange[] {
  return new Differ(old, next).run();
}

class Differ {
  private readonly out: SpecChange[] = [];
  /** Old type name → new type name, for renamed types (identity for kept ones). */
  private readonly renamed = new Map<string, string>();

  constructor(
    private readonly old: Ir,
    private readonly next: Ir,
  ) {}

  private add(kind: ChangeKind, pointer: string, message: string): void {
    this.out.push({ kind, class: CHANGE_KINDS[kind], pointer, message });
  }

  run(): SpecChange[] {
    const gone = [...this.old.types.values()].filter((t) => !this.next.types.has(t.name));
    const added = [...this.next.types.values()].filter((t) => !this.old.types.has(t.name));
    for (const t of this.old.types.values()) if (this.next.types.has(t.name)) this.renamed.set(t.name, t.name);
    // A removed type whose structure reappears under a new name is a rename: the wire is the same.
    for (const t of gone) {
      const twin = added.find((a) => !this.isTaken(a.name) && this.sameShape(t, a));
      if (twin !== undefined && isMessage(t) === isMessage(twin)) {
        this.renamed.set(t.name, twin.name);
        this.add("type-renamed", twin.pointer, `type ${t.name} is now ${twin.name} (generated names change)`);
      } else if (isMessage(t)) {
        this.add("message-removed", t.pointer, `message type ${t.name} (etype ${etypeOf(t)}) was removed`);
      } else {
        this.add("type-removed", t.pointer, `type ${t.name} was removed`);
      }
    }
    for (const t of this.next.types.values()) {
      const before = this.oldOf(t.name);
      if (before === undefined) {
        if (isMessage(t)) this.add("message-added", t.pointer, `message type ${t.name} (etype ${etypeOf(t)}) was added`);
        else this.add("type-added", t.pointer, `type ${t.name} was added`);
        continue;
      }
      if ((before.description ?? "") !== (t.description ?? "")) this.add("description-changed", t.pointer, `the description of ${t.name} changed`);
      if (before.kind === "record" && t.kind === "record") this.record(before, t);
      else if (before.kind === "alias" && t.kind === "alias") this.type(before.type, t.type, t.pointer, t.name);
      else if (before.kind === "union" && t.kind === "union") this.union(before, t);
      else this.add("field-retyped", t.pointer, `${t.name} changed from a ${before.kind} to a ${t.kind}`);
    }
    return this.out;
  }

  private isTaken(newName: string): boolean {
    return [...this.renamed.values()].includes(newName);
  }

  private oldOf(newName: string): TypeDef | undefined {
    for (const [o, n] of this.renamed) if (n === newName) return this.old.types.get(o);
    return undefined;
  }

  private record(before: RecordDef, after: RecordDef): void {
    const where = after.name;
    if (before.event?.etype !== after.event?.etype || before.event?.etypePattern !== after.event?.etypePattern) {
      this.add("etype-changed", `${after.pointer}/properties/etype`, `${where}'s etype changed from ${etypeOf(before)} to ${etypeOf(after)}`);
    }
    if (before.open && !after.open) this.add("record-closed", after.pointer, `${where} is now closed: frames with extra fields are rejected`);
    if (!before.open && after.open) this.add("record-opened", after.pointer, `${where} is now open: extra fields are kept`);
    const removed = before.fields.filter((f) => !after.fields.some((g) => g.name === f.name));
    const added = after.fields.filter((f) => !before.fields.some((g) => g.name === f.name));
    for (const f of removed) {
      const i = before.fields.indexOf(f);
      const twin = added.find((g) => after.fields.indexOf(g) === i && this.sameType(f.type, g.type));
      if (twin !== undefined) {
        added.splice(added.indexOf(twin), 1);
        this.add("field-renamed", twin.pointer, `${where}.${f.name} is now ${where}.${twin.name} (a different key on the wire)`);
      } else this.add("field-removed", f.pointer, `${where}.${f.name} was removed`);
    }
    for (const f of added) {
      if (f.required) this.add("field-added-required", f.pointer, `${where}.${f.name} was added as a required field: old frames lack it`);
      else this.add("field-added-optional", f.pointer, `${where}.${f.name} was added (optional)`);
    }
    for (const f of after.fields) {
      const g = before.fields.find((x) => x.name === f.name);
      // A message's etype constraint is its event type, reported above as etype-changed.
      if (g !== undefined) this.field(g, f, where, after.event !== undefined && f.name === "etype");
    }
  }

  private field(before: Field, after: Field, where: string, isEtype: boolean): void {
    const name = `${where}.${after.name}`;
    if (!before.required && after.required) this.add("field-now-required", after.pointer, `${name} is now required`);
    if (before.required && !after.required) this.add("field-now-optional", after.pointer, `${name} is now optional`);
    if ((before.description ?? "") !== (after.description ?? "")) this.add("description-changed", after.pointer, `the description of ${name} changed`);
    if (!isEtype) this.type(before.type, after.type, after.pointer, name);
  }

  private union(before: Extract<TypeDef, { kind: "union" }>, after: Extract<TypeDef, { kind: "union" }>): void {
    for (const v of before.variants) {
      if (!after.variants.some((w) => w.tagValue === v.tagValue)) this.add("enum-value-removed", after.pointer, `${after.name} lost its variant ${v.tagValue}`);
    }
    for (const v of after.variants) {
      if (!before.variants.some((w) => w.tagValue === v.tagValue)) this.add("enum-value-added", after.pointer, `${after.name} gained the variant ${v.tagValue}`);
    }
  }

  /** Compares two type references at one place. */
  private type(a: TypeRef, b: TypeRef, pointer: string, name: string): void {
    if (a.kind === "nullable" && b.kind !== "nullable") {
      this.add("nullable-removed", pointer, `${name} no longer accepts nil`);
      return this.type(a.inner, b, pointer, name);
    }
    if (a.kind !== "nullable" && b.kind === "nullable") {
      this.add("nullable-added", pointer, `${name} now also accepts nil`);
      return this.type(a, b.inner, pointer, name);
    }
    if (a.kind !== b.kind) return this.add("field-retyped", pointer, `${name} changed from ${describe(a)} to ${describe(b)}`);
    switch (a.kind) {
      case "int": {
        const c = b as typeof a;
        if (c.min > a.min || c.max < a.max) this.add("wire-narrowed", pointer, `${name} narrowed from ${a.wire} ${a.min}..${a.max} to ${c.wire} ${c.min}..${c.max}`);
        else if (c.min < a.min || c.max > a.max) this.add("wire-widened", pointer, `${name} widened from ${a.wire} to ${c.wire}`);
        return;
      }
      case "float":
        if (a.wire !== (b as typeof a).wire) this.add("float-width-changed", pointer, `${name} changed from ${a.wire} to ${(b as typeof a).wire}: canonical bytes change`);
        return;
      case "string":
        return this.string(a, b as typeof a, pointer, name);
      case "array": {
        const c = b as typeof a;
        this.bounds(a.minItems, a.maxItems, c.minItems, c.maxItems, pointer, `${name} item count`);
        return this.type(a.items, c.items, pointer, `${name}[]`);
      }
      case "map":
        return this.type(a.values, (b as typeof a).values, pointer, `${name}{}`);
      case "nullable":
        return this.type(a.inner, (b as typeof a).inner, pointer, name);
      case "ndarray":
        return this.ndarray(a, b as typeof a, pointer, name);
      case "ref": {
        const c = b as typeof a;
        if (this.renamed.get(a.name) !== c.name) this.add("field-retyped", pointer, `${name} changed from ${a.name} to ${c.name}`);
        return;
      }
      default:
        return;
    }
  }

  private string(a: Extract<TypeRef, { kind: "string" }>, b: typeof a, pointer: string, name: string): void {
    if (a.const !== b.const) {
      if (b.const !== undefined) this.add("constraint-tightened", pointer, `${name} must now be ${JSON.stringify(b.const)}`);
      else this.add("constraint-loosened", pointer, `${name} is no longer fixed to ${JSON.stringify(a.const)}`);
    }
    if (a.pattern !== b.pattern) {
      if (b.pattern !== undefined) this.add("constraint-tightened", pointer, `${name} must now match ${b.pattern}`);
      else this.add("constraint-loosened", pointer, `${name} no longer has a pattern`);
    }
    const before = a.enum ?? [];
    const after = b.enum ?? [];
    if (a.enum !== undefined || b.enum !== undefined) {
      for (const v of before) if (b.enum !== undefined && !after.includes(v)) this.add("enum-value-removed", pointer, `${name} no longer accepts ${JSON.stringify(v)}`);
      for (const v of after) if (a.enum !== undefined && !before.includes(v)) this.add("enum-value-added", pointer, `${name} now accepts ${JSON.stringify(v)}`);
      if (a.enum === undefined) this.add("constraint-tightened", pointer, `${name} is now limited to ${after.map((v) => JSON.stringify(v)).join(", ")}`);
      if (b.enum === undefined) this.add("constraint-loosened", pointer, `${name} is no longer an enum`);
    }
    this.bounds(a.minLength, a.maxLength, b.minLength, b.maxLength, pointer, `${name} length`);
  }

  /** A typed array (PROFILE §3): fewer dtypes or a stricter shape pattern reject arrays the old spec accepted. */
  private ndarray(a: Extract<TypeRef, { kind: "ndarray" }>, b: typeof a, pointer: string, name: string): void {
    const all = this.old.dtypes.map((d) => d.name);
    const [before, after] = [a.dtypes ?? all, b.dtypes ?? all];
    const lost = before.filter((d) => !after.includes(d));
    const gained = after.filter((d) => !before.includes(d));
    if (lost.length > 0) this.add("array-dtype-removed", pointer, `${name} no longer accepts dtype ${lost.join(", ")}`);
    if (gained.length > 0) this.add("array-dtype-added", pointer, `${name} now also accepts dtype ${gained.join(", ")}`);
    const pattern = (s: readonly (number | null)[] | undefined) => (s === undefined ? "any shape" : `[${s.map((d) => d ?? "n").join(", ")}]`);
    if (!coversShape(b.shape, a.shape)) this.add("array-shape-narrowed", pointer, `${name}'s shape narrowed from ${pattern(a.shape)} to ${pattern(b.shape)}`);
    else if (!coversShape(a.shape, b.shape)) this.add("array-shape-widened", pointer, `${name}'s shape widened from ${pattern(a.shape)} to ${pattern(b.shape)}`);
  }

  private bounds(minA: number | undefined, maxA: number | undefined, minB: number | undefined, maxB: number | undefined, pointer: string, what: string): void {
    const lo = (x: number | undefined) => x ?? 0;
    const hi = (x: number | undefined) => x ?? Infinity;
    if (lo(minB) > lo(minA) || hi(maxB) < hi(maxA)) this.add("constraint-tightened", pointer, `${what} bounds tightened to ${lo(minB)}..${hi(maxB)}`);
    else if (lo(minB) < lo(minA) || hi(maxB) > hi(maxA)) this.add("constraint-loosened", pointer, `${what} bounds loosened to ${lo(minB)}..${hi(maxB)}`);
  }

  /** Whether two definitions have the same structure (names of referenced types compared through renames). */
  private sameShape(a: TypeDef, b: TypeDef): boolean {
    if (a.kind !== b.kind) return false;
    if (a.kind === "alias" && b.kind === "alias") return this.sameType(a.type, b.type);
    if (a.kind === "union" && b.kind === "union") return a.tag === b.tag && JSON.stringify(a.variants.map((v) => v.tagValue)) === JSON.stringify(b.variants.map((v) => v.tagValue));
    const [r, s] = [a as RecordDef, b as RecordDef];
    return (
      r.open === s.open &&
      etypeOf(r) === etypeOf(s) &&
      r.fields.length === s.fields.length &&
      r.fields.every((f, i) => f.name === s.fields[i]!.name && f.required === s.fields[i]!.required && this.sameType(f.type, s.fields[i]!.type))
    );
  }

  private sameType(a: TypeRef, b: TypeRef): boolean {
    if (a.kind === "ref" && b.kind === "ref") return a.name === b.name || this.renamed.get(a.name) === b.name;
    return JSON.stringify(a, bigints) === JSON.stringify(b, bigints);
  }
}

const bigints = (_: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);

/** Whether every shape the pattern `inner` accepts is accepted by `outer` (undefined: any shape; null: any size). */
function coversShape(outer: readonly (number | null)[] | undefined, inner: readonly (number | null)[] | undefined): boolean {
  if (outer === undefined) return true;
  if (inner === undefined || inner.length !== outer.length) return false;
  return outer.every((d, i) => d === null || d === inner[i]);
}

function isMessage(t: TypeDef): boolean {
  return t.kind === "record" && t.event !== undefined;
}

function etypeOf(t: TypeDef): string {
  if (t.kind !== "record" || t.event === undefined) return "-";
  return t.event.etype !== undefined ? JSON.stringify(t.event.etype) : t.event.etypePattern !== undefined ? `/${t.event.etypePattern}/` : "(any)";
}

function describe(t: TypeRef): string {
  switch (t.kind) {
    case "int":
    case "float":
      return t.wire;
    case "ref":
      return t.name;
    default:
      return t.kind;
  }
}
