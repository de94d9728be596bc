/**
 * TypeScript names: one escape rule (`name$`), reserved words, and the names of the generated API resolved in
 * ordered passes into one `taken` set, spec names first, so a spec type can never be shadowed by something the
 * emitter adds.
 */
import type { Ir } from "../../core/src/ir/types.js";
import { lowerFirstWord } from "../common/text.js";

/** Words that cannot name a binding in a module (strict mode), plus the predefined type names. */
const RESERVED = new Set([
  ...["break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum"],
  ...["export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null"],
  ...["return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with"],
  ...["implements", "interface", "let", "package", "private", "protected", "public", "static", "yield", "await"],
  ...["arguments", "eval", "undefined", "NaN", "Infinity"],
  ...["any", "unknown", "never", "number", "string", "boolean", "bigint", "symbol", "object"],
]);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** True when `name` can be written unquoted as a property name. */
export function isPropertyName(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** A property key as written in an interface or an object literal: bare when possible, else a string literal. */
export function propertyKey(name: string): string {
  return isPropertyName(name) && name !== "__proto__" ? name : JSON.stringify(name);
}

/** A safe binding name for `name`: invalid characters become `_`, a leading digit gets `_`, reserved words get `$`. */
export function safeIdentifier(name: string): string {
  let id = name.replace(/[^A-Za-z0-9_$]/g, "_");
  if (id === "" || /^[0-9]/.test(id)) id = `_${id}`;
  return RESERVED.has(id) ? `${id}$` : id;
}

/** Picks `wanted`, or `wanted$`, `wanted$1`, … when it is taken, and takes it. */
export function claim(taken: Set<string>, wanted: string): string {
  let name = safeIdentifier(wanted);
  for (let n = 0; taken.has(name); n++) name = n === 0 ? `${safeIdentifier(wanted)}$` : `${safeIdentifier(wanted)}$${n}`;
  taken.add(name);
  return name;
}

/** Every top-level name of the generated package, resolved once per IR. */
export interface TsNames {
  /** The TS name of a spec type (interface, alias, descriptor const). */
  type(defName: string): string;
  /** The name of a message type's factory function (`SetEvent` → `setEvent`). */
  factory(defName: string): string;
  /** The union of the catalogue's message types (`Message` is the spec's base envelope, hence this name). */
  readonly knownMessage: string;
  /** The union `decodeMessage(bytes, MESSAGES)` decodes to: the catalogue, then the fallbacks. */
  readonly decodedMessage: string;
  /** The map from message type name to type, and its key union. */
  readonly messageTypes: string;
  readonly messageTypeName: string;
  /** Exports of schema.ts next to the descriptors. */
  readonly messagesConst: string;
  readonly specConst: string;
  /** True when the spec itself defines this name (then globals of that name need `globalThis.`). */
  isSpecName(name: string): boolean;
}

export function tsNames(ir: Ir): TsNames {
  const taken = new Set<string>();
  const types = new Map<string, string>();
  for (const name of ir.types.keys()) types.set(name, claim(taken, name));
  const specNames = new Set(types.values());
  const knownMessage = claim(taken, "KnownMessage");
  const decodedMessage = claim(taken, "DecodedMessage");
  const messageTypes = claim(taken, "MessageTypes");
  const messageTypeName = claim(taken, "MessageTypeName");
  const messagesConst = claim(taken, "MESSAGES");
  const specConst = claim(taken, "SPEC");
  for (const api of ["validate", "ValidationError", "schema"]) taken.add(api);
  const factories = new Map<string, string>();
  for (const m of ir.messages) factories.set(m.name, claim(taken, lowerFirstWord(m.name)));
  return {
    type: (n) => types.get(n) ?? safeIdentifier(n),
    factory: (n) => factories.get(n) ?? safeIdentifier(lowerFirstWord(n)),
    knownMessage,
    decodedMessage,
    messageTypes,
    messageTypeName,
    messagesConst,
    specConst,
    isSpecName: (n) => specNames.has(n),
  };
}
