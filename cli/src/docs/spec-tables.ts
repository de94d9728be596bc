/**
 * SPEC §5's tables against the catalogue (cli/src/docs/catalogue.ts, the source of the HTML docs): §5.2 lists
 * every server-to-client message type as `etype | type | envelope`, §5.3 every client-to-server one as
 * `etype | type` (events, then responses), in the schema's order, and §5.4 names no etype the schema catalogues.
 * The other columns (payload, evidence) are prose the schema does not hold.
 */
import type { Catalogue } from "./catalogue.js";

/** Every way SPEC.md's §5 disagrees with the catalogue; empty when they agree. */
export function specTableProblems(spec: string, c: Catalogue): string[] {
  const problems: string[] = [];
  const catalogued = c.messages.filter((m) => m.role === "event" || m.role === "response");
  const row = (cells: readonly string[]) => cells.map((x) => `\`${x}\``).join(" | ");
  const compare = (heading: string, listed: readonly string[][], expected: readonly string[][]) => {
    const want = expected.map(row);
    const got = listed.map(row);
    for (const r of want) if (!got.includes(r)) problems.push(`${heading}: missing the row ${r}`);
    for (const r of got) if (!want.includes(r)) problems.push(`${heading}: the row ${r} is not in the schema`);
    if (problems.length === 0 && want.join("\n") !== got.join("\n")) problems.push(`${heading}: the rows are not in the schema's order (${want.map((r) => r.split(" | ")[1]).join(", ")})`);
  };

  const server = catalogued.filter((m) => m.direction === "server-to-client");
  const s52 = section(spec, "### 5.2 Server to client");
  if (s52 === undefined) problems.push("SPEC.md has no section 5.2 Server to client");
  else compare("§5.2", rows(s52, 3), server.map((m) => [m.etype ?? "", m.name, m.envelope ?? ""]));

  const client = catalogued.filter((m) => m.direction === "client-to-server");
  const s53 = section(spec, "### 5.3 Client to server");
  if (s53 === undefined) problems.push("SPEC.md has no section 5.3 Client to server");
  else {
    compare("§5.3", rows(s53, 2), client.map((m) => [m.etype ?? "", m.name]));
    const envelope = /All use the `(\w+)` envelope/.exec(s53)?.[1];
    for (const m of client) if (envelope !== undefined && m.envelope !== envelope) problems.push(`§5.3: says every type uses ${envelope}, but ${m.name} uses ${m.envelope}`);
  }

  for (const m of catalogued.filter((x) => x.direction !== "server-to-client" && x.direction !== "client-to-server")) {
    problems.push(`§5: ${m.name} goes ${m.direction} and has no table`);
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
function rows(text: string, n: number): string[][] {
  const cell = "`([^`|]+)`[^|]*";
  const re = new RegExp(`^\\| ${Array.from({ length: n }, () => cell).join(" \\| ")} \\|`, "gm");
  return [...text.matchAll(re)].map((m) => m.slice(1, n + 1) as string[]);
}
