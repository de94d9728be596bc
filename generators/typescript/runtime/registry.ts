/**
 * The registry of custom ZData types (spec §7.10): what a registered ztype decodes to, and which registration
 * encodes a value.
 */

/**
 * A custom type (spec §7.10). `encode` returns the fields written after `ztype`, in order; `decode` receives the
 * whole map (ztype included) with its values decoded in the decoder's mode. Encoding dispatches on `class` (the
 * value's own class first, then its nearest registered ancestor) and then on `match`, in registration order.
 */
export interface ZTypeCodec<T> {
  encode(value: T): Record<string, unknown>;
  decode(fields: Record<string, unknown>): T;
  readonly class?: abstract new (...args: never[]) => T;
  match?(value: unknown): boolean;
}

/** A registration as the codecs use it (the value type is erased: dispatch has already matched it). */
export interface Registration {
  readonly name: string;
  readonly codec: ZTypeCodec<unknown>;
}

/** `mylib.v1.Type`: a namespace, a dot, more segments (spec §7.10). */
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$/;
/** Namespaces of the spec's own ztypes and future ones. */
const RESERVED = new Set(["numpy", "torch", "safetensor", "vmp", "image"]);

const byName = new Map<string, Registration>();
const byPrototype = new Map<object, Registration>();
const matchers: Registration[] = [];

/** Registers a custom ztype. A malformed, reserved or already registered name is an Error. */
export function registerType<T>(name: string, codec: ZTypeCodec<T>): void {
  if (!TYPE_NAME.test(name)) throw new Error(`ztype "${name}" must be namespaced, like mylib.v1.Type`);
  if (RESERVED.has(name.slice(0, name.indexOf("."))))
    throw new Error(`ztype "${name}" is in a reserved namespace`);
  if (byName.has(name)) throw new Error(`ztype "${name}" is already registered`);
  if (codec.class === undefined && codec.match === undefined)
    throw new Error(`ztype "${name}" needs a class or a match predicate`);
  // The value type is erased here: `codec` is only ever called with values its own class or predicate accepted.
  const registration: Registration = { name, codec: codec as unknown as ZTypeCodec<unknown> };
  byName.set(name, registration);
  if (codec.class !== undefined) byPrototype.set(codec.class.prototype as object, registration);
  if (codec.match !== undefined) matchers.push(registration);
}

/** The registration of a ztype, for decoding. */
export function registeredType(ztype: string): Registration | undefined {
  return byName.get(ztype);
}

/** The registration that encodes `value`: its class or nearest registered ancestor, else the first match. */
export function registrationFor(value: object): Registration | undefined {
  if (byName.size === 0) return undefined; // nothing registered: the common case, on every plain object written
  if (byPrototype.size > 0) {
    for (
      let p: object | null = Object.getPrototypeOf(value) as object | null;
      p !== null;
      p = Object.getPrototypeOf(p) as object | null
    ) {
      const r = byPrototype.get(p);
      if (r !== undefined) return r;
    }
  }
  for (const r of matchers) if (r.codec.match!(value)) return r;
  return undefined;
}
