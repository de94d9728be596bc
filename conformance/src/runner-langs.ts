/**
 * The languages the conformance runner knows: one row per testee, the reference and every language of the
 * registry (generators/registry.ts). A binding joins the suite by registering there (and by a failure list
 * `conformance/failures/<name>.txt`); conformance/README.md says what the testee must do.
 */
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { LANGUAGES as REGISTERED } from "../../generators/registry.js";

export interface Language {
  /** The `--lang` name, also the failure list's file name. */
  readonly name: string;
  readonly description: string;
  /**
   * The argv that starts the testee. `node` means the Node that runs vmp; other relative paths are resolved
   * against `cwd`.
   */
  readonly command: readonly string[];
  /** Files (relative to `cwd`) that exist once the testee is built; when one is missing the language is "not built". */
  readonly requires: readonly string[];
  /** What to run to build the testee, shown when it is not built. */
  readonly build: string;
  /** The directory the testee runs in (default: the repository root). */
  readonly cwd?: string;
}

/** The reference testee, then one row per registered language (generators/registry.ts). */
export const LANGUAGES: readonly Language[] = [
  {
    name: "ref",
    description: "the reference codec of the vmp toolchain (reference/src)",
    command: ["node", "dist/conformance/src/reference-testee.js"],
    requires: ["dist/conformance/src/reference-testee.js"],
    build: "npx tsc -p tsconfig.json",
  },
  ...REGISTERED.map((l) => ({ name: l.id, description: l.description, ...l.testee })),
];

export function findLanguage(name: string): Language | undefined {
  return LANGUAGES.find((l) => l.name === name);
}

/** The files of `requires` that are missing, resolved against `cwd`. */
export function missingFiles(lang: Language, cwd: string): string[] {
  return lang.requires.filter((f) => !existsSync(isAbsolute(f) ? f : join(cwd, f)));
}

/**
 * Splits a command line into argv: whitespace separates words, single and double quotes group them, a
 * backslash escapes the next character. (`--testee "python3 conformance/testees/py/testee.py"`.)
 */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < line.length) word += line[++i]!;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= "";
    } else if (c === "\\" && i + 1 < line.length) {
      word = (word ?? "") + line[++i]!;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote !== undefined) throw new Error(`unbalanced ${quote} in command ${JSON.stringify(line)}`);
  if (word !== undefined) words.push(word);
  return words;
}
