/** The TypeScript flavour of the GeneratedFile printer: import syntax, the header, TSDoc, literals. */
import { headerLines, type HeaderSource } from "../common/header.js";
import { GeneratedFile, type LanguageStyle, type Printable, type ResolvedImport } from "../common/printer.js";
import { wrap } from "../common/text.js";

const tsStyle: LanguageStyle = {
  indent: "  ",
  alias: (name, n) => `${name}$${n}`,
  renderImports(imports) {
    const byModule = new Map<string, ResolvedImport[]>();
    for (const i of imports) byModule.set(i.from, [...(byModule.get(i.from) ?? []), i]);
    return [...byModule.entries()].map(([from, list]) => {
      const allTypes = list.every((i) => i.typeOnly);
      const names = list.map((i) => `${!allTypes && i.typeOnly ? "type " : ""}${i.name}${i.local === i.name ? "" : ` as ${i.local}`}`);
      return `import ${allTypes ? "type " : ""}{ ${names.join(", ")} } from ${JSON.stringify(from)};`;
    });
  },
};

/** A new TypeScript file: the vmp header, `/* eslint-disable *\/`, then whatever is printed. */
export function tsFile(path: string, source: HeaderSource, extraPreamble: readonly string[] = []): GeneratedFile {
  return new GeneratedFile(path, tsStyle, [...headerLines(source, "slash"), "/* eslint-disable */", ...extraPreamble, ""]);
}

/** The widest doc comment line; prettier leaves comments alone, so they are wrapped here. */
const DOC_WIDTH = 110;

/**
 * Prints a TSDoc comment: the text wrapped to the line width, then the tags (`@see …`), each on its own line.
 * Prints nothing when there is neither text nor a tag (no placeholder docs).
 */
export function printDoc(f: GeneratedFile, text: string | undefined, tags: readonly string[] = []): void {
  const width = DOC_WIDTH - 2 * f.level - 3;
  const body = text === undefined ? [] : wrap(escapeComment(text), width);
  // A tag that does not fit goes on over indented lines.
  const tagLines = tags.flatMap((t) => wrap(escapeComment(t), width).map((l, i) => (i === 0 ? l : `  ${l}`)));
  const lines = [...body, ...(body.length > 0 && tagLines.length > 0 ? [""] : []), ...tagLines];
  if (lines.length === 0) return;
  if (lines.length === 1 && lines[0]!.length <= width - 3) {
    f.print(`/** ${lines[0]} */`);
    return;
  }
  f.print("/**");
  for (const l of lines) f.print(l === "" ? " *" : ` * ${l}`);
  f.print(" */");
}

function escapeComment(text: string): string {
  return text.replace(/\*\//g, "*\\/");
}

/** A string literal (double quotes, as prettier writes them). */
export function str(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** `[a, ", ", b, ", ", c]`: parts joined by a separator, for `print`. */
export function join(parts: readonly Printable[], sep: string): Printable[] {
  return parts.flatMap((p, i) => (i === 0 ? [p] : [sep, p]));
}
