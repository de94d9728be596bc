/**
 * The languages the conformance runner knows: one row per testee, the reference and every language of the
 * registry (generators/registry.ts). A binding joins the suite by registering there (and by a failure list
 * `conformance/failures/<name>.txt`); conformance/README.md says what the testee must do.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { LANGUAGES as REGISTERED, type TesteeCommand } from "../../generators/registry.js";

/** A testee as the runner starts it: the reference's, or a registered language's (see TesteeCommand). */
export interface Language extends TesteeCommand {
  /** The `--lang` name, also the failure list's file name. */
  readonly name: string;
  readonly description: string;
}

/** The reference testee, then one row per registered language (generators/registry.ts). */
export const LANGUAGES: readonly Language[] = [
  {
    name: "ref",
    description: "the reference codec of the vmp toolchain (reference/src)",
    command: ["node", "dist/conformance/src/reference-testee.js"],
    requires: ["dist/conformance/src/reference-testee.js"],
    build: "npm run build",
    sources: ["core/src", "reference/src", "conformance/src"],
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

/** Why the testee cannot run as built: a missing file, or a source changed since the build; undefined when ready. */
export function buildProblem(lang: Language, cwd: string): string | undefined {
  const missing = missingFiles(lang, cwd);
  if (missing.length > 0) return `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing; build it with: ${lang.build}`;
  if (lang.requires.length === 0) return undefined; // a --testee command: nothing to compare its sources with
  const at = (f: string) => (isAbsolute(f) ? f : join(cwd, f));
  const built = lang.requires.map((f) => [f, statSync(at(f)).mtimeMs] as const).reduce((a, b) => (b[1] < a[1] ? b : a));
  // A build tool's dep-info beside the file (`vmp-testee.d`, as cargo writes it) lists exactly the sources that
  // went into it: code behind a feature the testee does not enable is then not a reason to rebuild.
  const depInfo = `${at(built[0])}.d`;
  const sources = existsSync(depInfo) ? depInfoSources(readFileSync(depInfo, "utf8")) : (lang.sources ?? []).map(at);
  for (const source of sources) {
    const newer = newerThan(source, built[1]);
    if (newer !== undefined) return `${relative(cwd, newer)} changed after ${built[0]} was built; rebuild it with: ${lang.build}`;
  }
  return undefined;
}

/** The prerequisites of a Makefile-style dep-info file (`target: dep dep …`, spaces in names escaped). */
function depInfoSources(text: string): string[] {
  const rule = text.split("\n").find((line) => line.includes(": "));
  if (rule === undefined) return [];
  return rule
    .slice(rule.indexOf(": ") + 2)
    .split(/(?<!\\) /)
    .filter((f) => f !== "")
    .map((f) => f.replace(/\\ /g, " "));
}

/** Build outputs and caches, never sources. */
const NOT_SOURCES = new Set(["target", "dist", "node_modules", "__pycache__", ".git"]);

/** A file under `path` modified after `time`, if any. */
function newerThan(path: string, time: number): string | undefined {
  if (!existsSync(path)) return undefined;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs > time ? path : undefined;
  for (const name of readdirSync(path)) {
    if (NOT_SOURCES.has(name)) continue;
    const found = newerThan(join(path, name), time);
    if (found !== undefined) return found;
  }
  return undefined;
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
