/**
 * `vmp vectors [--check]`: rebuilds conformance/vectors/*.json from the recipes with the reference codec, or
 * checks that the committed manifests are exactly what the recipes produce (and valid against the manifest
 * schema), naming every vector that drifted.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Argv } from "yargs";
import { buildManifest, RecipeError, serializeManifest, type ManifestJson } from "../../../conformance/src/build.js";
import { MANIFESTS } from "../../../conformance/recipes/index.js";
import type { Command } from "../command.js";
import { newAjv } from "../../../reference/src/schema/ajv.js";
import { defaultSpec } from "../../../reference/src/schema/spec.js";
import { repoRoot } from "../../../core/src/repo.js";

interface Args {
  check: boolean;
  dir?: string;
}

export const vectorsCommand: Command<Args> = {
  command: "vectors",
  describe: "Build the conformance vectors from their recipes (or --check them)",
  builder: (y: Argv) =>
    y
      .option("check", { type: "boolean", default: false, describe: "fail if the committed manifests differ from what the recipes produce" })
      .option("dir", { type: "string", describe: "the manifest directory (default: conformance/vectors)" }) as unknown as Argv<Args>,
  examples: [["$0 vectors --check", "verify the committed vectors are reproducible"]],
  run(args, io) {
    const dir = args.dir ?? join(repoRoot(), "conformance", "vectors");
    const spec = defaultSpec();
    const validateManifest = manifestValidator(dir);
    const recipeErrors: RecipeError[] = [];
    const built = MANIFESTS.map((recipe) => buildManifest(recipe, spec, recipeErrors));
    if (recipeErrors.length) {
      for (const e of recipeErrors) io.err(e.message);
      io.err(`${recipeErrors.length} recipe${recipeErrors.length === 1 ? " disagrees" : "s disagree"} with the reference codec; nothing written`);
      return 1;
    }
    const duplicates = duplicateIds(built);
    if (duplicates.length) {
      io.err(`vector ids used twice: ${duplicates.join(", ")}`);
      return 1;
    }
    let problems = 0;
    for (const m of built) {
      const file = join(dir, `${m.manifest}.json`);
      const text = serializeManifest(m);
      if (!validateManifest(JSON.parse(text))) throw new Error(`built manifest ${m.manifest} fails the manifest schema: ${JSON.stringify(validateManifest.errors?.[0])}`);
      if (!args.check) {
        writeFileSync(file, text);
        continue;
      }
      for (const p of checkFile(file, text, m, validateManifest)) {
        io.err(`${m.manifest}.json: ${p}`);
        problems++;
      }
    }
    io.out(summary(built));
    if (args.check) io.out(problems === 0 ? `vectors --check: ${built.length} manifests match their recipes` : `vectors --check: ${problems} problem${problems === 1 ? "" : "s"}; run 'vmp vectors' to rebuild`);
    return problems === 0 ? 0 : 1;
  },
};

function manifestValidator(dir: string) {
  const ajv = newAjv({ strict: true, allowUnionTypes: true, allErrors: false });
  return ajv.compile(JSON.parse(readFileSync(join(dir, "manifest.schema.json"), "utf8")));
}

function duplicateIds(manifests: ManifestJson[]): string[] {
  const seen = new Set<string>();
  const dups: string[] = [];
  for (const v of manifests.flatMap((m) => m.vectors)) {
    const id = String(v.id);
    if (seen.has(id)) dups.push(id);
    seen.add(id);
  }
  return dups;
}

/** What differs between the committed file and the rebuilt manifest, one line per problem. */
function checkFile(file: string, text: string, built: ManifestJson, validateManifest: ReturnType<typeof manifestValidator>): string[] {
  if (!existsSync(file)) return ["missing; run 'vmp vectors'"];
  const onDisk = readFileSync(file, "utf8");
  if (onDisk === text) return [];
  let parsed: ManifestJson;
  try {
    parsed = JSON.parse(onDisk);
  } catch (e) {
    return [`not valid JSON: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  if (!validateManifest(parsed)) {
    const err = validateManifest.errors?.[0];
    problems.push(`fails the manifest schema at ${err?.instancePath || "/"}: ${err?.message}`);
  }
  const committed = new Map((parsed.vectors ?? []).map((v) => [String(v.id), v]));
  for (const v of built.vectors) {
    const old = committed.get(String(v.id));
    if (old === undefined) problems.push(`vector ${v.id} is missing`);
    else if (JSON.stringify(old) !== JSON.stringify(v)) {
      const fields = Object.keys({ ...v, ...old }).filter((k) => JSON.stringify(old[k]) !== JSON.stringify(v[k]));
      problems.push(`vector ${v.id} differs from its recipe in ${fields.join(", ")}`);
    }
    committed.delete(String(v.id));
  }
  for (const id of committed.keys()) problems.push(`vector ${id} has no recipe`);
  if (problems.length === 0) problems.push("formatting differs from what 'vmp vectors' writes");
  return problems;
}

function summary(manifests: ManifestJson[]): string {
  const rows = manifests.map((m) => {
    const valid = m.vectors.filter((v) => v.valid).length;
    return [m.manifest, String(valid), String(m.vectors.length - valid), String(m.vectors.length)];
  });
  const total = rows.reduce((t, r) => t.map((x, i) => (i === 0 ? x : String(Number(x) + Number(r[i])))), ["total", "0", "0", "0"]);
  const table = [["manifest", "valid", "invalid", "vectors"], ...rows, total];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  return table.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")).join("\n");
}
