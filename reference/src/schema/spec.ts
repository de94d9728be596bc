/**
 * The spec as the toolchain uses it: the IR plus ajv validators compiled on first use.
 */
import { PROFILE_KEYWORDS } from "../../../core/src/ir/lint.js";
import { join, resolve } from "node:path";
import type { ValidateFunction } from "ajv";
import { buildIr, loadSpec, type LoadedSpec } from "../../../core/src/ir/build.js";
import { baseSpecs } from "../../../core/src/ir/imports.js";
import type { Ir, RecordDef } from "../../../core/src/ir/types.js";
import { UsageError } from "../../../core/src/errors.js";
import { repoRoot, SPEC_PATH } from "../../../core/src/repo.js";
import { newAjv } from "./ajv.js";


export class Spec {
  readonly ir: Ir;
  private readonly ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly loaded: LoadedSpec) {
    this.ir = buildIr(loaded);
    this.ajv = newAjv({ strict: true, allErrors: true, discriminator: true, strictNumbers: false });
    this.ajv.addVocabulary(PROFILE_KEYWORDS);
    // A spec that extends a base by reference (PROFILE §1) resolves `urn:vmp:spec:1#/$defs/…` through the base itself.
    const origins = new Set([...this.ir.types.values()].flatMap((t) => (t.origin === undefined ? [] : [t.origin])));
    for (const [id, base] of baseSpecs()) if (origins.has(id) && id !== this.ir.source.id) this.ajv.addSchema(base);
    this.ajv.addSchema(loaded.doc as object);
  }

  /** The record of a message type, or undefined. */
  message(name: string): RecordDef | undefined {
    return this.ir.messages.find((m) => m.name === name);
  }

  /** The ajv validator of a named type, compiled once. */
  validator(typeName: string): ValidateFunction {
    let v = this.validators.get(typeName);
    if (v === undefined) {
      if (!this.ir.types.has(typeName)) throw new UsageError(`unknown type "${typeName}"; see the $defs of ${this.loaded.file}`);
      const compiled = this.ajv.getSchema(`${this.ir.types.get(typeName)!.origin ?? this.ir.source.id}#/$defs/${typeName}`);
      if (compiled === undefined) throw new UsageError(`the spec has no schema at #/$defs/${typeName}`);
      v = compiled;
      this.validators.set(typeName, v);
    }
    return v;
  }
}

let cached: Spec | undefined;

/** The repository's spec (or the one at `path`), loaded once per process. */
export function defaultSpec(path?: string): Spec {
  if (path !== undefined) return new Spec(loadSpec(resolve(path), repoRoot()));
  cached ??= new Spec(loadSpec(join(repoRoot(), SPEC_PATH), repoRoot()));
  return cached;
}
