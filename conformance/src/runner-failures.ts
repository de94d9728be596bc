/**
 * Failure lists, `conformance/failures/<lang>.txt`: the cases a binding is known to fail, one case name per line.
 * `#` starts a comment (a whole line, or after a name); the comment block at the top is the file's header and
 * says why the list exists. Ratchet semantics: a listed case that fails is expected; a listed case that passes
 * fails the run until it is removed, so the lists only shrink. `--fix` rewrites a list to the current failures,
 * keeping the header and the comments of the names that stay.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface FailureList {
  readonly file: string;
  readonly exists: boolean;
  /** The leading comment block (and blank lines), verbatim. */
  readonly header: readonly string[];
  /** Listed case names, with each line as written (so `--fix` keeps a name's trailing comment). */
  readonly entries: ReadonlyMap<string, string>;
}

export function defaultHeader(lang: string): string[] {
  return [
    `# Conformance cases the ${lang} testee is known to fail (vmp conformance --lang ${lang}).`,
    "# One case name per line (MANIFEST/VECTOR_ID:CHECK); '#' starts a comment. Ratchet: a listed case that fails",
    "# is expected, a listed case that passes fails the run until it is removed, so this list only shrinks.",
    `# 'vmp conformance --lang ${lang} --fix' rewrites it to exactly the current failures, keeping this header.`,
  ];
}

export function readFailureList(file: string, lang: string): FailureList {
  if (!existsSync(file)) return { file, exists: false, header: defaultHeader(lang), entries: new Map() };
  const lines = readFileSync(file, "utf8").split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  const header: string[] = [];
  const entries = new Map<string, string>();
  let inHeader = true;
  for (const line of lines) {
    const name = line.replace(/(^|\s)#.*$/, "").trim();
    if (name === "") {
      if (inHeader) header.push(line);
      continue;
    }
    inHeader = false;
    entries.set(name, line.trim());
  }
  while (header.length > 0 && header[header.length - 1]!.trim() === "") header.pop();
  return { file, exists: true, header, entries };
}

/** Writes the list: the header, a blank line when there are names, then the names in code-unit order. */
export function writeFailureList(list: FailureList, failing: Iterable<string>): number {
  const names = [...new Set(failing)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const body = names.map((n) => list.entries.get(n) ?? n);
  const lines = [...list.header, ...(names.length > 0 && list.header.length > 0 ? [""] : []), ...body];
  mkdirSync(dirname(list.file), { recursive: true });
  writeFileSync(list.file, lines.length > 0 ? `${lines.join("\n")}\n` : "");
  return names.length;
}
