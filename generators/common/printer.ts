/**
 * The GeneratedFile printer every emitter writes through (ARCHITECTURE.md, "Emitters"): code is printed line by
 * line from parts, imports are symbols resolved when the file is finished (collected, merged, aliased when they
 * clash, sorted by code unit), and the file always starts with its header. Emitters never concatenate import
 * blocks or track indentation by hand.
 */

/** A name another module provides. Printing it records the import; the printed text is its (possibly aliased) name. */
export interface ImportSymbol {
  readonly kind: "import";
  readonly name: string;
  readonly from: string;
  /** Only used in type positions (TS `import type`). */
  readonly typeOnly: boolean;
}

/** What `print` accepts: code text, literals printed by their language, import symbols, or nested lists of them. */
export type Printable = string | number | bigint | ImportSymbol | readonly Printable[];

/** An import as the language renders it: the symbol's name in its module and the local name it is printed as. */
export interface ResolvedImport {
  readonly from: string;
  readonly name: string;
  readonly local: string;
  readonly typeOnly: boolean;
}

/** What differs between languages: indentation, how imports are written, how a clashing import is renamed. */
export interface LanguageStyle {
  readonly indent: string;
  /** Lines of the import block; `imports` come grouped by module, modules and names sorted by code unit. */
  renderImports(imports: readonly ResolvedImport[]): string[];
  /** The local name of the n-th (1-based) clashing import of `name`: `Foo$1` in TS. */
  alias(name: string, n: number): string;
}

type Line = { readonly depth: number; readonly parts: readonly Printable[] } | null;

export class GeneratedFile {
  private readonly lines: Line[] = [];
  private readonly declared = new Set<string>();
  private depth = 0;

  constructor(
    /** Path of the file inside the generated package (`src/types.ts`). */
    readonly path: string,
    private readonly style: LanguageStyle,
    /** The header lines (see header.ts), printed before the imports. */
    private readonly preamble: readonly string[],
  ) {}

  /** Prints one line at the current indentation; `print()` with no parts prints an empty line. */
  print(...parts: Printable[]): void {
    this.lines.push(parts.length === 0 ? null : { depth: this.depth, parts });
  }

  /** The current indentation level (0 at top level). */
  get level(): number {
    return this.depth;
  }

  /** Prints the lines of `body` one level deeper. */
  indent(body: () => void): void {
    this.depth++;
    try {
      body();
    } finally {
      this.depth--;
    }
  }

  /** `open` on one line, `body` indented, `close` on its own line. */
  block(open: readonly Printable[], body: () => void, close: string): void {
    this.print(...open);
    this.indent(body);
    this.print(close);
  }

  /** Records a name this file declares at top level, so that an import of the same name gets an alias. */
  declare(name: string): string {
    this.declared.add(name);
    return name;
  }

  /** A symbol of another module; import it by printing it. */
  import(name: string, from: string, options: { typeOnly?: boolean } = {}): ImportSymbol {
    return { kind: "import", name, from, typeOnly: options.typeOnly ?? false };
  }

  /** The finished file: header, imports, body, one trailing newline. */
  content(): string {
    const locals = this.resolveImports();
    const out: string[] = [...this.preamble];
    const imports = this.style.renderImports([...locals.values()]);
    if (imports.length > 0) out.push(...imports, "");
    for (const line of this.lines) {
      out.push(line === null ? "" : this.style.indent.repeat(line.depth) + render(line.parts, locals));
    }
    while (out.length > 0 && out[out.length - 1] === "") out.pop();
    return `${out.join("\n")}\n`;
  }

  /** Every imported symbol, keyed by `from\0name`, with its local name; in first-use order before sorting. */
  private resolveImports(): Map<string, ResolvedImport> {
    const used = new Map<string, { from: string; name: string; typeOnly: boolean }>();
    const visit = (p: Printable): void => {
      if (Array.isArray(p)) (p as readonly Printable[]).forEach(visit);
      else if (isSymbol(p)) {
        const key = `${p.from}\0${p.name}`;
        const seen = used.get(key);
        used.set(key, { from: p.from, name: p.name, typeOnly: (seen?.typeOnly ?? true) && p.typeOnly });
      }
    };
    for (const line of this.lines) if (line) line.parts.forEach(visit);
    const taken = new Set(this.declared);
    const locals = new Map<string, ResolvedImport>();
    for (const [key, u] of used) {
      let local = u.name;
      for (let n = 1; taken.has(local); n++) local = this.style.alias(u.name, n);
      taken.add(local);
      locals.set(key, { ...u, local });
    }
    const sorted = [...locals.entries()].sort(([, a], [, b]) => compare(a.from, b.from) || compare(a.name, b.name));
    return new Map(sorted);
  }
}

function isSymbol(p: Printable): p is ImportSymbol {
  return typeof p === "object" && !Array.isArray(p) && (p as ImportSymbol).kind === "import";
}

function render(parts: readonly Printable[], locals: ReadonlyMap<string, ResolvedImport>): string {
  let s = "";
  for (const p of parts) {
    if (typeof p === "string") s += p;
    else if (typeof p === "number") s += String(p);
    else if (typeof p === "bigint") s += `${p}n`;
    else if (isSymbol(p)) s += locals.get(`${p.from}\0${p.name}`)!.local;
    else s += render(p as readonly Printable[], locals);
  }
  return s;
}

/** Orders strings by UTF-16 code unit: the same on every machine and locale (never `localeCompare`). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
