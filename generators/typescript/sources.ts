/** Reads what the TypeScript emitter copies and renders: the runtime, the support modules and the templates. */
import { readEmitterInputs, type EmitterInputs } from "../common/sources.js";

/** `dir` is the emitter's source folder, generators/typescript/ in the repository. */
export function readTypeScriptInputs(dir: string): EmitterInputs {
  return readEmitterInputs(dir, ".ts");
}
