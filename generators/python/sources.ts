/** Reads what the Python emitter copies and renders: the runtime, the support modules and the templates. */
import { readEmitterInputs, type EmitterInputs } from "../common/sources.js";

/** `dir` is the emitter's source folder, generators/python/ in the repository. */
export function readPythonInputs(dir: string): EmitterInputs {
  return readEmitterInputs(dir, ".py");
}
