/**
 * What an emitter copies or renders besides the IR: its runtime, its support modules and its package templates,
 * read from its folder under generators/. Emitters stay pure; the CLI reads these and passes them in.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compare } from "./printer.js";

/** A hand-written source file the package ships: its file name and text. */
export interface SourceText {
  readonly name: string;
  readonly text: string;
}

export interface EmitterInputs {
  /** `<dir>/runtime/*<ext>`, copied into the package's runtime folder. */
  readonly runtime: readonly SourceText[];
  /** `<dir>/support/*<ext>`, copied next to the generated modules. */
  readonly support: readonly SourceText[];
  /** `<dir>/templates/*.hbs`, by file name. */
  readonly templates: readonly SourceText[];
}

/** Reads an emitter's inputs from `dir` (e.g. generators/python), source files ending in `ext`, in code-unit order. */
export function readEmitterInputs(dir: string, ext: string): EmitterInputs {
  return {
    runtime: readDir(join(dir, "runtime"), ext),
    support: readDir(join(dir, "support"), ext),
    templates: readDir(join(dir, "templates"), ".hbs"),
  };
}

function readDir(dir: string, ext: string): SourceText[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(ext))
    .sort(compare)
    .map((name) => ({ name, text: readFileSync(join(dir, name), "utf8") }));
}
