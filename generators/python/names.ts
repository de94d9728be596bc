/**
 * Python names: one escape rule (`name_`), the keywords, and the names of the
 * generated API resolved in ordered passes into one `taken` set, spec names first.
 */
import { protocolOf } from "../../core/src/ir/protocol.js";
import type { Ir, RecordDef } from "../../core/src/ir/types.js";

/** Keywords and soft keywords, plus the builtins that generated annotations use (an attribute must not shadow them). */
const RESERVED = new Set([
  ...["False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del"],
  ...["elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal"],
  ...["not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "match", "case", "type", "_"],
  ...["int", "float", "str", "bytes", "bool", "list", "dict", "object", "field", "dataclass"],
]);

/** `type` is a soft keyword only at statement start: as an attribute or a parameter it is fine. */
const ATTRIBUTE_OK = new Set(["type", "match", "case"]);

/** `depthFrame` → `depth_frame`, `GetWebXRMeshRequest` → `get_web_xr_mesh_request`, `sim_steps` stays. */
export function snakeCase(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9_]/g, "_")
    .toLowerCase();
}

/** A safe identifier: invalid characters become `_`, a leading digit gets `_`, reserved words get `_` appended. */
export function safeIdentifier(name: string, reserved: ReadonlySet<string> = RESERVED): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, "_");
  if (id === "" || /^[0-9]/.test(id)) id = `_${id}`;
  return reserved.has(id) ? `${id}_` : id;
}

const ATTR_RESERVED = new Set([...RESERVED].filter((n) => !ATTRIBUTE_OK.has(n)));

/** Picks `wanted` (made safe), or `wanted_`, `wanted_1`, … when it is taken, and takes it. */
export function claim(taken: Set<string>, wanted: string, reserved: ReadonlySet<string> = RESERVED): string {
  const base = safeIdentifier(wanted, reserved);
  let name = base;
  for (let n = 0; taken.has(name); n++) name = n === 0 ? `${base}_` : `${base}_${n}`;
  taken.add(name);
  return name;
}

/** Every top-level name of the generated package, resolved once per IR. */
export interface PyNames {
  /** The Python name of a spec type (dataclass, alias, descriptor). */
  type(defName: string): string;
  /** The attribute of each field of a record, in field order, and the name of an open record's extra fields. */
  attrs(record: RecordDef): { readonly fields: readonly string[]; readonly extra: string };
  /** The factory of a message type (`SetEvent` → `set_event`, the envelope `RpcRequest` → `create_rpc_request`). */
  factory(defName: string): string;
  readonly knownMessage: string;
  readonly messagesConst: string;
  readonly specConst: string;
}

export function pyNames(ir: Ir): PyNames {
  const taken = new Set<string>();
  const types = new Map<string, string>();
  for (const name of ir.types.keys()) types.set(name, claim(taken, name));
  const knownMessage = claim(taken, "KnownMessage");
  const messagesConst = claim(taken, "MESSAGES");
  const specConst = claim(taken, "SPEC");
  const factories = new Map<string, string>();
  const fnTaken = new Set(taken);
  const facts = protocolOf(ir);
  for (const m of ir.messages) {
    const envelope = facts.role(m) === "envelope" || facts.role(m) === "fallback";
    factories.set(m.name, claim(fnTaken, `${envelope ? "create_" : ""}${snakeCase(m.name)}`));
  }
  const attrCache = new Map<string, { fields: string[]; extra: string }>();
  return {
    type: (n) => types.get(n) ?? safeIdentifier(n),
    attrs(r) {
      let a = attrCache.get(r.name);
      if (a === undefined) {
        const local = new Set<string>();
        const fields = r.fields.map((f) => claim(local, snakeCase(f.name), ATTR_RESERVED));
        a = { fields, extra: claim(local, "extra", ATTR_RESERVED) };
        attrCache.set(r.name, a);
      }
      return a;
    },
    factory: (n) => factories.get(n) ?? safeIdentifier(snakeCase(n)),
    knownMessage,
    messagesConst,
    specConst,
  };
}
