/** Tiny inline specs for the TypeScript emitter tests, built into IRs the way `vmp generate` builds them. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { buildIr, type LoadedSpec } from "../../core/src/ir/build.js";
import type { Ir } from "../../core/src/ir/types.js";

const repoSpec = JSON.parse(readFileSync("protocol/vmp.schema.json", "utf8")) as { $defs: Record<string, unknown> };

/** Definitions borrowed from the repository's spec (the envelopes a message type must follow, bytes, any). */
export const borrowed = (...names: string[]): Record<string, unknown> => Object.fromEntries(names.map((n) => [n, repoSpec.$defs[n]]));

/** A LoadedSpec literal for `$defs`, named `test.schema.json`. */
export function loaded(defs: Record<string, unknown>): LoadedSpec {
  const doc = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "urn:vmp:test",
    title: "Test",
    "x-vmp-version": "1.2.3",
    $defs: defs,
  };
  const text = JSON.stringify(doc);
  return { file: "test.schema.json", text, doc, sha256: createHash("sha256").update(text).digest("hex") };
}

export function irOf(defs: Record<string, unknown>): Ir {
  return buildIr(loaded(defs));
}

/** The lines of `text` from the one that starts with `first` through the next line that is exactly `last`. */
export function section(text: string, first: string, last = "}"): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith(first));
  if (start < 0) throw new Error(`no line starts with ${JSON.stringify(first)} in:\n${text}`);
  const end = lines.indexOf(last, start);
  return lines.slice(start, end < 0 ? undefined : end + 1);
}
