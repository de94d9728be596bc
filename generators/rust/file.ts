/** The Rust flavour of the GeneratedFile printer: `use` declarations, the header, doc comments, literals. */
import { headerLines, type HeaderSource } from "../common/header.js";
import { compare, GeneratedFile, type LanguageStyle, type Printable, type ResolvedImport } from "../common/printer.js";
import { wrap } from "../common/text.js";

const rsStyle: LanguageStyle = {
  indent: "    ",
  alias: (name, n) => `${name}${n}`,
  renderImports(imports) {
    const byModule = new Map<string, ResolvedImport[]>();
    for (const i of imports) byModule.set(i.from, [...(byModule.get(i.from) ?? []), i]);
    const line = (from: string, list: readonly ResolvedImport[]): string[] => {
      const names = list.map((i) => (i.local === i.name ? i.name : `${i.name} as ${i.local}`));
      // A symbol of module "" is a path of its own: `use crate::schema;`.
      if (from === "") return names.map((n) => `use ${n};`);
      return [names.length === 1 ? `use ${from}::${names[0]};` : `use ${from}::{${names.join(", ")}};`];
    };
    // External crates (and std) first, then the crate's own modules, as rustfmt's `group_imports` would.
    const isCrate = (from: string, list: readonly ResolvedImport[]) => from.startsWith("crate") || (from === "" && list.every((i) => i.name.startsWith("crate")));
    const entries = [...byModule.entries()];
    const groups = [entries.filter(([m, l]) => !isCrate(m, l)), entries.filter(([m, l]) => isCrate(m, l))];
    const out: string[] = [];
    for (const group of groups) {
      if (group.length === 0) continue;
      if (out.length > 0) out.push("");
      out.push(...group.flatMap(([from, list]) => line(from, list)).sort(compare));
    }
    return out;
  },
};

/** A new Rust file: the vmp header, the module's inner doc comment (`//!`), then the body. */
export function rsFile(path: string, source: HeaderSource, innerDoc?: string): GeneratedFile {
  const preamble = [...headerLines(source, "slash")];
  if (innerDoc !== undefined) preamble.push(...docLines(innerDoc, 0, "//!"));
  preamble.push("");
  return new GeneratedFile(path, rsStyle, preamble);
}

/** The widest doc comment line (rustfmt leaves comments alone, so they are wrapped here). */
const DOC_WIDTH = 120;

function docLines(text: string, level: number, marker: "///" | "//!"): string[] {
  const width = DOC_WIDTH - 4 * level - marker.length - 1;
  // A Markdown list item's continuation lines are indented, as rustdoc (and clippy) want.
  const lines = text.split("\n").flatMap((p) => (p.startsWith("- ") ? wrap(p, width - 2).map((l, i) => (i === 0 ? l : `  ${l}`)) : wrap(p, width)));
  return lines.map((l) => (l === "" ? marker : `${marker} ${l}`));
}

/** Prints a `///` doc comment at the current indentation; nothing when there is no text. */
export function printDoc(f: GeneratedFile, text: string | undefined): void {
  if (text === undefined || text.trim() === "") return;
  for (const l of docLines(text, f.level, "///")) f.print(l);
}

/** Joins documentation paragraphs, skipping empty ones; undefined when nothing is left. */
export function docOf(...parts: (string | undefined)[]): string | undefined {
  const text = parts.filter((p) => p !== undefined && p !== "").join("\n\n");
  return text === "" ? undefined : text;
}

/** A Rust string literal. */
export function str(value: string): string {
  let out = '"';
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A raw string literal for a regular expression (`r"..."`, or `r#"..."#` when it holds a quote). */
export function regexStr(pattern: string): string {
  if (/[\n\r]/.test(pattern)) return str(pattern);
  let hashes = "";
  while (pattern.includes(`"${hashes}`)) hashes += "#";
  return `r${hashes}"${pattern}"${hashes}`;
}

/** `[a, ", ", b, ", ", c]`: parts joined by a separator, for `print`. */
export function join(parts: readonly Printable[], sep: string): Printable[] {
  return parts.flatMap((p, i) => (i === 0 ? [p] : [sep, p]));
}
