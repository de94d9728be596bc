/**
 * The spec's tables (PROFILE.md §"Tables"): the error kinds every binding reports (`x-vmp-errors`) and the dtype
 * vocabulary of ZData arrays (`x-vmp-dtypes`). The reference, the emitters and through them every runtime read
 * these lists from the IR; no binding keeps its own copy.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, SPEC_PATH } from "../repo.js";
import type { DtypeDef, ErrorKindDef } from "./types.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const isObj = (j: unknown): j is Obj => typeof j === "object" && j !== null && !Array.isArray(j);
const KIND_NAME = /^[A-Z][A-Za-z0-9]*$/;
const NUMPY_CODE = /^[biufc]\d{1,2}$/;
const esc = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

/** Lints the two tables when present; `report` takes a JSON Pointer and a reason. */
export function lintTables(root: Obj, report: (pointer: string, reason: string) => void): void {
  const errors = root["x-vmp-errors"];
  if (errors !== undefined) {
    if (!isObj(errors) || Object.keys(errors).length === 0) report("/x-vmp-errors", "must be a non-empty object of error kind -> description");
    else
      for (const [name, text] of Object.entries(errors)) {
        if (!KIND_NAME.test(name)) report(`/x-vmp-errors/${esc(name)}`, "an error kind is a PascalCase name");
        if (typeof text !== "string" || text === "") report(`/x-vmp-errors/${esc(name)}`, "must be the kind's description (a non-empty string)");
      }
  }
  const dtypes = root["x-vmp-dtypes"];
  if (dtypes === undefined) return;
  if (!isObj(dtypes) || Object.keys(dtypes).length === 0) {
    report("/x-vmp-dtypes", "must be a non-empty object of dtype name -> {itemsize, numpy?, safetensors?}");
    return;
  }
  const codes = new Set<string>();
  for (const [name, entry] of Object.entries(dtypes)) {
    const ptr = `/x-vmp-dtypes/${esc(name)}`;
    if (!/^[a-z][a-z0-9]*$/.test(name)) report(ptr, "a dtype name is lower-case letters and digits (numpy's name)");
    if (!isObj(entry)) {
      report(ptr, "must be an object {itemsize, numpy?, safetensors?}");
      continue;
    }
    for (const key of Object.keys(entry)) if (!["itemsize", "numpy", "safetensors"].includes(key)) report(`${ptr}/${esc(key)}`, `"${key}" is not a dtype property`);
    if (![1, 2, 4, 8, 16].includes(entry.itemsize as number)) report(`${ptr}/itemsize`, "itemsize must be 1, 2, 4, 8 or 16 bytes");
    const code = entry.numpy;
    if (code !== undefined && (typeof code !== "string" || !NUMPY_CODE.test(code))) report(`${ptr}/numpy`, "numpy must be a type code without byte order, such as f4");
    else if (typeof code === "string" && codes.has(code)) report(`${ptr}/numpy`, `numpy code ${code} names two dtypes`);
    else if (typeof code === "string") codes.add(code);
    if (entry.safetensors !== undefined && (typeof entry.safetensors !== "string" || !/^[A-Z][A-Z0-9]*$/.test(entry.safetensors))) {
      report(`${ptr}/safetensors`, "safetensors must be an upper-case dtype name such as F32");
    }
  }
  const dtypeDef = isObj(root.$defs) ? root.$defs.Dtype : undefined;
  if (isObj(dtypeDef) && Array.isArray(dtypeDef.enum) && JSON.stringify(dtypeDef.enum) !== JSON.stringify(Object.keys(dtypes))) {
    report("/$defs/Dtype/enum", "must list the names of x-vmp-dtypes, in the same order");
  }
}

/** The tables of a linted spec; a spec without them inherits the base protocol's (protocol/vmp.schema.json). */
export function readTables(root: { readonly [key: string]: unknown }): { errorKinds: ErrorKindDef[]; dtypes: DtypeDef[] } {
  const base = root["x-vmp-errors"] === undefined || root["x-vmp-dtypes"] === undefined ? baseSpec() : undefined;
  const errors = (root["x-vmp-errors"] ?? base!["x-vmp-errors"]) as Record<string, string>;
  const dtypes = (root["x-vmp-dtypes"] ?? base!["x-vmp-dtypes"]) as Record<string, { itemsize: number; numpy?: string; safetensors?: string }>;
  return {
    errorKinds: Object.entries(errors).map(([name, description]) => ({ name, description })),
    dtypes: Object.entries(dtypes).map(([name, d]) => ({
      name,
      itemSize: d.itemsize,
      ...(d.numpy !== undefined ? { numpy: d.numpy } : {}),
      ...(d.safetensors !== undefined ? { safetensors: d.safetensors } : {}),
    })),
  };
}

let base: Obj | undefined;
function baseSpec(): Obj {
  base ??= JSON.parse(readFileSync(join(repoRoot(), SPEC_PATH), "utf8")) as Obj;
  return base;
}

let baseTablesCache: ReturnType<typeof readTables> | undefined;
/** The tables of the project's own spec (protocol/vmp.schema.json): what the reference codec checks against. */
export function baseTables(): ReturnType<typeof readTables> {
  baseTablesCache ??= readTables(baseSpec());
  return baseTablesCache;
}
