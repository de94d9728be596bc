/**
 * Rust names: the spec's type names as they are (PascalCase), fields and functions in snake_case, statics in
 * SCREAMING_SNAKE_CASE, keywords as raw identifiers (`r#type`) where Rust allows them and with a trailing `_`
 * where it does not (`self_`). Every generated module's names are resolved once, in ordered passes, spec names first.
 */
import type { Ir, RecordDef } from "../../core/src/ir/types.js";

/** Strict and reserved keywords of Rust 2021 (and `gen`, reserved in 2024). */
export const KEYWORDS = new Set([
  ...["as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in"],
  ...["let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super"],
  ...["trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box"],
  ...["do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen"],
]);

/** Keywords that cannot be raw identifiers. */
const NOT_RAW = new Set(["crate", "self", "Self", "super", "_"]);

/** Type names the generated code uses unqualified (the prelude and what the generated modules import). */
const RESERVED_TYPES = new Set([
  ...["Option", "Some", "None", "Result", "Ok", "Err", "Vec", "String", "Box", "Default", "Clone", "Debug"],
  ...["PartialEq", "Serialize", "Deserialize", "Value", "Map", "Fields", "MapBuilder", "FromValue", "ToValue"],
  ...["Typed", "Named", "Error", "ErrorKind", "KnownMessage", "DecodeOptions", "IndexMap", "TypeVisitor"],
]);

/** `depthFrame` → `depth_frame`, `GetWebXRMeshRequest` → `get_web_xr_mesh_request`, `sim_steps` stays. */
export function snakeCase(name: string): string {
  const s = name
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9_]/g, "_")
    .toLowerCase();
  return s;
}

/** `SetEvent` → `SET_EVENT`. */
export function screamingSnake(name: string): string {
  return snakeCase(name).toUpperCase();
}

/** A safe identifier: invalid characters become `_`, a leading digit gets `_`, keywords become raw (`r#type`). */
export function safeIdentifier(name: string): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, "_");
  if (id === "" || /^[0-9]/.test(id)) id = `_${id}`;
  if (NOT_RAW.has(id)) return `${id}_`;
  return KEYWORDS.has(id) ? `r#${id}` : id;
}

/** Picks `wanted` (made safe), or `wanted_`, `wanted_1`, … when it is taken, and takes it. */
export function claim(taken: Set<string>, wanted: string, reserved: ReadonlySet<string> = new Set()): string {
  let base = safeIdentifier(wanted);
  if (reserved.has(base)) base = `${base}_`;
  let name = base;
  for (let n = 0; taken.has(name); n++) name = n === 0 ? `${base}_` : `${base}_${n}`;
  taken.add(name);
  return name;
}

/** An identifier without its `r#` prefix (what serde sees as the field's name). */
export function bare(id: string): string {
  return id.startsWith("r#") ? id.slice(2) : id;
}

/** Every name of the generated crate, resolved once per IR. */
export interface RsNames {
  /** The Rust type of a spec type (struct, enum or type alias): the spec name, made safe. */
  type(defName: string): string;
  /** The static descriptor of a spec type in schema.rs (`SET_EVENT`). */
  static(defName: string): string;
  /** The field names of a record, in field order, and the name of an open record's extra fields. */
  fields(record: RecordDef): { readonly fields: readonly string[]; readonly extra: string };
  /** The constructor of a message type in events.rs (`set_event`); `factoryAt` takes `ts` (`set_event_at`). */
  factory(defName: string): string;
  factoryAt(defName: string): string;
  /** The variant of `KnownMessage` for a message type. */
  variant(defName: string): string;
  readonly knownMessage: string;
  readonly messagesStatic: string;
  readonly typesStatic: string;
}

export function rsNames(ir: Ir): RsNames {
  const taken = new Set<string>();
  const types = new Map<string, string>();
  for (const name of ir.types.keys()) types.set(name, claim(taken, name, RESERVED_TYPES));
  const knownMessage = claim(taken, "KnownMessage");
  const statics = new Map<string, string>();
  const staticTaken = new Set<string>(["MESSAGES", "TYPES"]);
  for (const name of ir.types.keys()) statics.set(name, claim(staticTaken, screamingSnake(name)));
  const fnTaken = new Set<string>(["now_ms", "new_uuid"]);
  const factories = new Map<string, string>();
  const factoriesAt = new Map<string, string>();
  for (const m of ir.messages) factories.set(m.name, claim(fnTaken, snakeCase(m.name)));
  for (const m of ir.messages) factoriesAt.set(m.name, claim(fnTaken, `${snakeCase(m.name)}_at`));
  const fieldCache = new Map<string, { fields: string[]; extra: string }>();
  return {
    type: (n) => types.get(n) ?? safeIdentifier(n),
    static: (n) => statics.get(n) ?? safeIdentifier(screamingSnake(n)),
    fields(r) {
      let a = fieldCache.get(r.name);
      if (a === undefined) {
        const local = new Set<string>();
        const fields = r.fields.map((f) => claim(local, snakeCase(f.name)));
        a = { fields, extra: claim(local, "extra") };
        fieldCache.set(r.name, a);
      }
      return a;
    },
    factory: (n) => factories.get(n) ?? safeIdentifier(snakeCase(n)),
    factoryAt: (n) => factoriesAt.get(n) ?? safeIdentifier(`${snakeCase(n)}_at`),
    variant: (n) => types.get(n) ?? safeIdentifier(n),
    knownMessage,
    messagesStatic: "MESSAGES",
    typesStatic: "TYPES",
  };
}
