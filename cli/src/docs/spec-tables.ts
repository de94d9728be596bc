/**
 * SPEC §5's catalogue tables, generated from the schema: §5.2 lists every server-to-client message type as
 * `etype | type | envelope | data | evidence`, §5.3 every client-to-server event as `etype | type | key | value |
 * evidence` and every response as `etype | type | value | evidence`, in the schema's order. etype, type and
 * envelope come from the catalogue (cli/src/docs/catalogue.ts); the prose cells from each message type's
 * `x-vmp-catalogue` (PROFILE §5), or, where it says nothing, from the type of the payload field. Each table
 * stands between the markers `<!-- vmp:catalogue NAME -->` and `<!-- /vmp:catalogue -->`, which
 * `vmp docs --write-spec` rewrites and `--check-spec` compares; the prose around them is hand-written, and §5.4
 * must name no etype the schema catalogues.
 */
import type { Catalogue, TypeDoc, TypePart } from "./catalogue.js";

/** A message type's `x-vmp-catalogue`: the cells of its row that the schema's types cannot say. */
export interface CatalogueRow {
  readonly key?: string;
  readonly payload?: string;
  readonly evidence?: string;
}

interface Table {
  readonly name: string;
  /** Where the table stands in SPEC.md, for messages. */
  readonly heading: string;
  readonly columns: readonly string[];
  /** How many leading cells are code spans that identify the row (etype, type, and for §5.2 the envelope). */
  readonly keyCells: number;
  readonly messages: readonly TypeDoc[];
  readonly row: (m: TypeDoc) => string[];
}

const code = (s: string) => `\`${s}\``;
const text = (parts: readonly TypePart[]) => parts.map((p) => ("text" in p ? p.text : p.ref)).join("");
const NONE = "—";

/** The generated tables, in SPEC.md's order, each with its markers. */
function tables(c: Catalogue, rows: (name: string) => CatalogueRow): Table[] {
  const catalogued = c.messages.filter((m) => m.role === "event" || m.role === "response");
  const byName = new Map(c.messages.map((m) => [m.name, m]));
  /** The payload cell: the row's own words, else the type of the payload field (`data` or `value`). */
  const payload = (m: TypeDoc, field: string) => {
    const own = rows(m.name).payload;
    if (own !== undefined) return own;
    const f = m.fields.find((x) => x.name === field);
    return f === undefined ? NONE : `${code(text(f.type))}${f.required ? "" : " or absent"}`;
  };
  /** The envelope cell, with the fields a message type adds at the top level (UPDATE's `strict`). */
  const envelope = (m: TypeDoc) => {
    const own = new Set(byName.get(m.envelope ?? "")?.fields.map((f) => f.name));
    const extra = m.fields.filter((f) => !own.has(f.name)).map((f) => ` + top-level ${code(f.name)}${f.required ? "" : "?"} (${text(f.type)})`);
    return code(m.envelope ?? "") + extra.join("");
  };
  const evidence = (m: TypeDoc) => rows(m.name).evidence ?? NONE;
  const client = catalogued.filter((m) => m.direction === "client-to-server");
  return [
    {
      name: "server-to-client",
      heading: "§5.2",
      columns: ["etype", "type", "envelope", "`data`", "evidence"],
      keyCells: 3,
      messages: catalogued.filter((m) => m.direction === "server-to-client"),
      row: (m) => [code(m.etype ?? ""), code(m.name), envelope(m), payload(m, "data"), evidence(m)],
    },
    {
      name: "client-to-server",
      heading: "§5.3",
      columns: ["etype", "type", "`key`", "`value`", "evidence"],
      keyCells: 2,
      messages: client.filter((m) => m.role === "event"),
      row: (m) => [code(m.etype ?? ""), code(m.name), rows(m.name).key ?? NONE, payload(m, "value"), evidence(m)],
    },
    {
      name: "client-to-server-responses",
      heading: "§5.3",
      columns: ["etype", "type", "`value`", "evidence"],
      keyCells: 2,
      messages: client.filter((m) => m.role === "response"),
      row: (m) => [code(m.etype ?? ""), code(m.name), payload(m, "value"), evidence(m)],
    },
  ];
}

const open = (name: string) => `<!-- vmp:catalogue ${name} -->`;
const CLOSE = "<!-- /vmp:catalogue -->";

/** A table as Markdown, between its markers; `|` inside a cell is escaped (GFM tables). */
function render(t: Table): string {
  const line = (cells: readonly string[]) => `| ${cells.map((x) => x.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [open(t.name), line(t.columns), `|${t.columns.map(() => "---|").join("")}`, ...t.messages.map((m) => line(t.row(m))), CLOSE].join("\n");
}

/** Where a table's markers are in the text, or undefined when it has none. */
function locate(spec: string, name: string): { start: number; end: number } | undefined {
  const start = spec.indexOf(open(name));
  if (start < 0) return undefined;
  const close = spec.indexOf(CLOSE, start);
  return close < 0 ? undefined : { start, end: close + CLOSE.length };
}

/** SPEC.md with every generated table rewritten, and what still disagrees (markers missing, the prose of §5.3/§5.4). */
export function writeSpecTables(spec: string, c: Catalogue, rows: (name: string) => CatalogueRow): { text: string; problems: string[] } {
  let out = spec;
  const problems: string[] = [];
  for (const t of tables(c, rows)) {
    const at = locate(out, t.name);
    if (at === undefined) problems.push(`${t.heading}: no generated table; mark its place with ${open(t.name)} and ${CLOSE}`);
    else out = out.slice(0, at.start) + render(t) + out.slice(at.end);
  }
  return { text: out, problems: [...problems, ...proseProblems(out, c)] };
}

/** Every way SPEC.md's §5 disagrees with the catalogue; empty when they agree. */
export function specTableProblems(spec: string, c: Catalogue, rows: (name: string) => CatalogueRow): string[] {
  const problems: string[] = [];
  for (const t of tables(c, rows)) {
    const at = locate(spec, t.name);
    if (at === undefined) {
      problems.push(`${t.heading}: no generated table; mark its place with ${open(t.name)} and ${CLOSE}`);
      continue;
    }
    const listed = spec.slice(at.start, at.end);
    const want = render(t);
    if (listed === want) continue;
    const key = (cells: readonly string[]) => cells.slice(0, t.keyCells).map((x) => /^`[^`]*`/.exec(x)?.[0] ?? x).join(" | ");
    const wantKeys = t.messages.map((m) => key(t.row(m)));
    const gotKeys = keyRows(listed, t.keyCells);
    const before = problems.length;
    for (const r of wantKeys) if (!gotKeys.includes(r)) problems.push(`${t.heading}: missing the row ${r}`);
    for (const r of gotKeys) if (!wantKeys.includes(r)) problems.push(`${t.heading}: the row ${r} is not in the schema`);
    if (problems.length === before) problems.push(`${t.heading}: the ${t.name} table is not the one the schema gives`);
  }
  if (problems.length > 0) problems.push("`vmp docs --write-spec` rewrites the generated tables");
  return [...problems, ...proseProblems(spec, c)];
}

/** The hand-written parts that must still agree: §5.3's envelope sentence, §5.4's list, and a table for each direction. */
function proseProblems(spec: string, c: Catalogue): string[] {
  const problems: string[] = [];
  const catalogued = c.messages.filter((m) => m.role === "event" || m.role === "response");
  for (const m of catalogued.filter((x) => x.direction !== "server-to-client" && x.direction !== "client-to-server")) {
    problems.push(`§5: ${m.name} goes ${m.direction} and has no table`);
  }
  const envelope = /All use the `(\w+)` envelope/.exec(section(spec, "### 5.3 Client to server") ?? "")?.[1];
  for (const m of catalogued.filter((x) => x.direction === "client-to-server")) {
    if (envelope !== undefined && m.envelope !== envelope) problems.push(`§5.3: says every type uses ${envelope}, but ${m.name} uses ${m.envelope}`);
  }
  const s54 = section(spec, "### 5.4 Not catalogued");
  if (s54 === undefined) problems.push("SPEC.md has no section 5.4 Not catalogued");
  else {
    const etypes = new Map(catalogued.map((m) => [m.etype, m.name]));
    for (const [, name] of s54.matchAll(/`([^`]+)`/g)) {
      const type = etypes.get(name!);
      if (type !== undefined) problems.push(`§5.4: lists \`${name}\` as not catalogued, but the schema has ${type}`);
    }
  }
  return problems;
}

/** The text of a section, from its heading to the next heading of the same or a higher level. */
function section(spec: string, heading: string): string | undefined {
  const start = spec.indexOf(`\n${heading}\n`);
  if (start < 0) return undefined;
  const end = spec.slice(start + heading.length + 2).search(/\n#{1,3} /);
  return spec.slice(start, end < 0 ? undefined : start + heading.length + 2 + end);
}

/** The code spans that open the first `n` cells of each table row whose first `n` cells all open with one. */
function keyRows(text: string, n: number): string[] {
  const cell = "(`[^`|]+`)[^|]*";
  const re = new RegExp(`^\\| ${Array.from({ length: n }, () => cell).join(" \\| ")} \\|`, "gm");
  return [...text.matchAll(re)].map((m) => m.slice(1, n + 1).join(" | "));
}
