/** Reads what the Python emitter copies and renders: the runtime, the support modules and the templates. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compare } from "../common/printer.js";
import type { PythonInputs, SourceText } from "./package.js";

/** `dir` is the emitter's source folder, generators/python/ in the repository. */
export function readPythonInputs(dir: string): PythonInputs {
  return {
    runtime: readDir(join(dir, "runtime"), ".py"),
    support: readDir(join(dir, "support"), ".py"),
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
