/**
 * Extension by reference (PROFILE §1): a user's spec names the definitions of a base spec the toolchain ships
 * (`protocol/vmp.schema.json`, `$id` `urn:vmp:spec:1`) with standard JSON Schema references to the base's `$id`,
 * `{"$ref": "urn:vmp:spec:1#/$defs/ClientEvent"}`, and a message type may name its envelope the same way
 * (`"x-vmp-event": {"envelope": "urn:vmp:spec:1#/$defs/ClientEvent", …}`). Resolving a spec pulls in exactly the
 * referenced definitions, transitively, under their own names, and rewrites each such reference to the local form,
 * so that lint and the IR see one self-contained document. Nothing is copied into the user's file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SpecError } from "../errors.js";
import { repoRoot, SPEC_PATH } from "../repo.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const isObj = (j: unknown): j is Obj => typeof j === "object" && j !== null && !Array.isArray(j);
const esc = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");
const LOCAL = "#/$defs/";
/** The base's envelopes that SPEC §4.6 selects when no catalogued etype matches. */
const SELECTION_FALLBACKS = ["RpcResponse", "Message"];

/** A spec with its references to base specs resolved. */
export interface ResolvedSpec {
  /** The document lint and the IR read: the imported definitions, then the spec's own, all references local. */
  readonly doc: unknown;
  /** Each imported definition's name, with the `$id` of the base spec it comes from. */
  readonly imported: ReadonlyMap<string, string>;
  /** A reference to an unknown base `$id`, a malformed one, or to a definition the base does not have. */
  readonly findings: readonly SpecError[];
}

let bases: Map<string, Obj> | undefined;
/** The base specs the toolchain ships, by `$id`: the project's own spec. */
export function baseSpecs(): ReadonlyMap<string, Obj> {
  if (bases === undefined) {
    const doc = JSON.parse(readFileSync(join(repoRoot(), SPEC_PATH), "utf8")) as Obj;
    bases = new Map([[String(doc.$id), doc]]);
  }
  return bases;
}

const cache = new WeakMap<object, ResolvedSpec>();

/** Resolves a parsed spec's references to base specs (a spec without any comes back as it is). */
export function resolveImports(doc: unknown): ResolvedSpec {
  if (!isObj(doc)) return { doc, imported: new Map(), findings: [] };
  let resolved = cache.get(doc);
  if (resolved === undefined) {
    resolved = new Resolver(doc).run();
    cache.set(doc, resolved);
  }
  return resolved;
}

class Resolver {
  private readonly findings: SpecError[] = [];
  /** Imported name -> [base $id, the base's definition with its references made local]. */
  private readonly imported = new Map<string, [string, Json]>();

  constructor(private readonly root: Obj) {}

  run(): ResolvedSpec {
    const defs = this.root.$defs;
    if (!isObj(defs)) return { doc: this.root, imported: new Map(), findings: [] };
    const own: Obj = {};
    for (const [name, schema] of Object.entries(defs)) own[name] = this.rewrite(schema, `/$defs/${esc(name)}`, undefined);
    if (this.imported.size === 0 && this.findings.length === 0) return { doc: this.root, imported: new Map(), findings: [] };
    for (const name of Object.keys(own)) {
      const from = this.imported.get(name);
      if (from !== undefined) this.findings.push(new SpecError(`/$defs/${esc(name)}`, `type name "${name}" collides with the definition imported from ${from[0]}#/$defs/${name}`));
    }
    // The imported definitions come first, in the base's order, then the spec's own: the order of types in every
    // binding, where a module-level declaration should follow what it names (Python's descriptors do).
    const merged: Obj = {};
    for (const [id, base] of baseSpecs()) {
      for (const name of Object.keys(base.$defs as Obj)) {
        const entry = this.imported.get(name);
        if (entry !== undefined && entry[0] === id && !(name in own)) merged[name] = entry[1];
      }
    }
    for (const [name, schema] of Object.entries(own)) merged[name] = schema;
    return {
      doc: { ...this.root, $defs: merged },
      imported: new Map([...this.imported].map(([name, [id]]) => [name, id])),
      findings: this.findings,
    };
  }

  /**
   * The schema with every reference to a base made local, importing its target. `base` is set while walking a
   * base's own definition (whose local references are imported from that base too).
   */
  private rewrite(s: Json, ptr: string, base: string | undefined): Json {
    if (Array.isArray(s)) return s.map((x, i) => this.rewrite(x, `${ptr}/${i}`, base));
    if (!isObj(s)) return s;
    const out: Obj = {};
    for (const [key, value] of Object.entries(s)) {
      const at = `${ptr}/${esc(key)}`;
      if (key === "$ref" && typeof value === "string") out[key] = this.ref(value, at, base, true);
      else if (key === "x-vmp-event" && isObj(value) && typeof value.envelope === "string") out[key] = { ...value, envelope: this.ref(value.envelope, `${at}/envelope`, base, false) };
      else if (key === "examples" || key === "const" || key === "enum" || key === "default") out[key] = value;
      else out[key] = this.rewrite(value, at, base);
    }
    return out;
  }

  /** A reference (or an envelope's name, `asRef` false) made local; its target is imported when it is a base's. */
  private ref(ref: string, ptr: string, base: string | undefined, asRef: boolean): string {
    const hash = ref.indexOf("#");
    if (hash < 0 || hash === 0) {
      // A local reference or a plain envelope name: a base's own names resolve within the base.
      const name = hash === 0 ? (ref.startsWith(LOCAL) ? ref.slice(LOCAL.length) : undefined) : ref;
      if (base !== undefined && name !== undefined) this.import(base, name, ptr);
      return ref;
    }
    const id = ref.slice(0, hash);
    const doc = baseSpecs().get(id);
    if (doc === undefined) {
      this.findings.push(new SpecError(ptr, `unknown base spec ${JSON.stringify(id)}: the toolchain ships ${[...baseSpecs().keys()].map((k) => JSON.stringify(k)).join(", ")}`));
      return ref;
    }
    const fragment = ref.slice(hash);
    if (!fragment.startsWith(LOCAL) || fragment.slice(LOCAL.length).includes("/")) {
      this.findings.push(new SpecError(ptr, `a reference to a base spec names one of its definitions, as "${id}#/$defs/Name"; got ${JSON.stringify(ref)}`));
      return ref;
    }
    const name = fragment.slice(LOCAL.length);
    if (!isObj((doc.$defs as Obj)[name])) {
      this.findings.push(new SpecError(ptr, `${id} has no definition "${name}" (no ${id}#/$defs/${name})`));
      return ref;
    }
    this.import(id, name, ptr);
    return asRef ? `${LOCAL}${name}` : name;
  }

  private import(id: string, name: string, ptr: string): void {
    const prior = this.imported.get(name);
    if (prior !== undefined) {
      if (prior[0] !== id) this.findings.push(new SpecError(ptr, `"${name}" is imported from both ${prior[0]} and ${id}`));
      return;
    }
    const schema = ((baseSpecs().get(id)!.$defs as Obj)[name] ?? null) as Json;
    this.imported.set(name, [id, schema]); // set first: references back to it end here
    this.imported.set(name, [id, this.rewrite(schema, `/$defs/${esc(name)}`, id)]);
    // An envelope brings the two message types the selection rules fall back to (SPEC §4.6), so that decoding a
    // frame of an etype the spec does not name gives a typed message, as in the base.
    const event = isObj(schema) ? schema["x-vmp-event"] : undefined;
    if (isObj(event) && event.envelope === name) {
      for (const fallback of SELECTION_FALLBACKS) if (isObj((baseSpecs().get(id)!.$defs as Obj)[fallback])) this.import(id, fallback, ptr);
    }
  }
}
