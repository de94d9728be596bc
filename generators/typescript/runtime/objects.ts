/**
 * Plain objects and maps as the value codecs handle them: map-like values, own properties (also `__proto__`),
 * the check for a polluted Object.prototype, and the arrays the readers fill.
 */
import type { Reader } from "./reader.js";

/** A map in memory: a `Map`, or a plain object (its prototype is Object.prototype or null). */
export type MapLike = ReadonlyMap<unknown, unknown> | Record<string, unknown>;

export function isMapLike(v: unknown): v is MapLike {
  if (v instanceof Map) return true;
  if (typeof v !== "object" || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The entry `key` of a map-like value (own properties only), or undefined. */
export function entryOf(v: MapLike, key: string): unknown {
  if (v instanceof Map) return v.get(key);
  return Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined;
}

/** Defines `object[key] = value` as an own property, also for `__proto__` (a plain assignment would set the prototype). */
export function setProperty(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

/** True when Object.prototype has enumerable properties (somebody polluted it): checked once per frame encoded. */
let inherited = false;

/** Looks at Object.prototype again; the encoders call this before each frame. */
export function checkPrototype(): void {
  inherited = false;
  for (const _ in Object.prototype) inherited = true;
}

/** Whether a key that for...in listed is the object's own (only a polluted Object.prototype adds others). */
export function ownKey(o: object, k: string): boolean {
  return !inherited || Object.hasOwn(o, k);
}

/** Arrays of up to this many items are allocated at their size (when the frame has a byte left for each). */
const PREALLOCATED = 1024;

/**
 * The array for the `n` items of the array just entered: allocated at its size when the count is small and the
 * frame holds at least a byte per item, else empty and grown item by item (a hostile count allocates nothing).
 */
export function newItems(r: Reader, n: number): unknown[] {
  return n <= PREALLOCATED && n <= r.bytes.length - r.pos ? new Array<unknown>(n) : [];
}
