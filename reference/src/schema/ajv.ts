/** One place that constructs ajv for the toolchain (JSON Schema 2020-12). */
import { Ajv2020, type Options } from "ajv/dist/2020.js";

export function newAjv(options: Options): Ajv2020 {
  return new Ajv2020(options);
}
