/** The Python flavour of the GeneratedFile printer: import syntax, the header, docstrings, literals. */
import { headerLines, type HeaderSource } from "../common/header.js";
import { compare, GeneratedFile, type LanguageStyle, type Printable, type ResolvedImport } from "../common/printer.js";
import { wrap } from "../common/text.js";

/** The Python style; `starImports` are modules imported whole (`from ._runtime import *`), in their sorted place. */
function pyStyle(starImports: readonly string[]): LanguageStyle {
  return {
    indent: "    ",
    alias: (name, n) => `${name}${n}`,
    renderImports: (imports) => renderImports(imports, starImports),
  };
}

function renderImports(imports: readonly ResolvedImport[], starImports: readonly string[]): string[] {
  const byModule = new Map<string, ResolvedImport[]>();
  for (const m of starImports) byModule.set(m, []);
  for (const i of imports) byModule.set(i.from, [...(byModule.get(i.from) ?? []), i]);
  // Standard library modules first, then the package's own (relative) modules, as isort would group them.
  const modules = [...byModule.entries()].sort(([a], [b]) => compare(a, b));
  const groups = [modules.filter(([m]) => !m.startsWith(".")), modules.filter(([m]) => m.startsWith("."))];
  const out: string[] = [];
  for (const group of groups) {
    if (group.length === 0) continue;
    if (out.length > 0) out.push("");
    for (const [from, list] of group) {
      const names = list.map((i) => (i.local === i.name ? i.name : `${i.name} as ${i.local}`));
      if (starImports.includes(from)) out.push(`from ${from} import *`);
      // A symbol of module "" is a module itself: `import re`.
      if (from === "") out.push(...names.map((n) => `import ${n}`));
      else if (names.length > 0) out.push(`from ${from} import ${names.join(", ")}`);
    }
  }
  return out;
}

/** A new Python file: the vmp header, `# ruff: noqa`, `from __future__ import annotations`, then the body. */
export function pyFile(path: string, source: HeaderSource, docstring?: string, options: { starImports?: readonly string[] } = {}): GeneratedFile {
  const preamble = [...headerLines(source, "hash"), "# ruff: noqa", ""];
  if (docstring !== undefined) preamble.push(...docLines(docstring, 0), "");
  preamble.push("from __future__ import annotations", "");
  return new GeneratedFile(path, pyStyle(options.starImports ?? []), preamble);
}

/** The widest docstring line (ruff format leaves docstrings' text alone, so they are wrapped here). */
const DOC_WIDTH = 110;

function docLines(text: string, level: number): string[] {
  const width = DOC_WIDTH - 4 * level - 3;
  const lines = wrap(escapeDoc(text), width);
  if (lines.length === 1 && lines[0]!.length + 6 <= width) return [`"""${lines[0]}"""`];
  return [`"""${lines[0]}`, ...lines.slice(1), '"""'];
}

/** Prints a docstring at the current indentation; nothing when there is no text (no placeholder docs). */
export function printDocstring(f: GeneratedFile, text: string | undefined): void {
  if (text === undefined || text.trim() === "") return;
  for (const l of docLines(text, f.level)) {
    if (l === "") f.print();
    else f.print(l);
  }
}

function escapeDoc(text: string): string {
  let s = text.replace(/\\/g, "\\\\").replace(/"""/g, '\\"\\"\\"');
  if (s.endsWith('"')) s += " ";
  return s;
}

/** A Python string literal (double quotes, as ruff format writes them). */
export function str(value: string): string {
  let out = '"';
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A raw string literal for a regular expression, or a plain one when a raw literal cannot hold it. */
export function regexStr(pattern: string): string {
  const python = pythonRegex(pattern);
  const rawOk = !python.includes('"') && !python.endsWith("\\") && !/[\n\r]/.test(python);
  return rawOk ? `r"${python}"` : str(python);
}

/**
 * A JSON Schema (ECMA-262) pattern in Python's `re` syntax, where the two differ for the profile's patterns:
 * outside a character class, `.` excludes every ECMA line terminator (Python's only `\n`) and `$` is the end of
 * the input (Python's also matches before a final `\n`).
 */
export function pythonRegex(pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      out += c + (pattern[i + 1] ?? "");
      i++;
    } else if (inClass) {
      if (c === "]") inClass = false;
      out += c;
    } else if (c === "[") {
      inClass = true;
      out += c;
    } else if (c === ".") out += "[^\\n\\r\\u2028\\u2029]";
    else if (c === "$") out += "\\Z";
    else out += c;
  }
  return out;
}

/** `[a, ", ", b, ", ", c]`: parts joined by a separator, for `print`. */
export function join(parts: readonly Printable[], sep: string): Printable[] {
  return parts.flatMap((p, i) => (i === 0 ? [p] : [sep, p]));
}
