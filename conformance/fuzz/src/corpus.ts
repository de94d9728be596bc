/**
 * The seed corpus of the coverage-guided harnesses (conformance/fuzz/{py,rs,ts}), made from the vectors. All three
 * read one input format, so that they share seeds and a crash found by one replays in the others:
 *
 *   byte 0        flags: bit 0 set means strictZType
 *   bytes 1..     the type name (`SetEvent`, or `any` for a bare value) in ASCII, ended by a 0 byte
 *   the rest      the MessagePack frame
 *
 * `writeCorpus` writes one file per vector frame into DIR/seeds (named by content, as libFuzzer names its corpus)
 * and a libFuzzer dictionary of the corpus's strings (field names, etypes, ztypes, dtypes) to DIR/vmp.dict.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { VectorOptions } from "../../src/protocol.js";
import { loadSeeds } from "./fuzz.js";
import { Corpus } from "./mutate.js";

/** One harness input: flags, type name, frame. */
export function harnessInput(type: string, options: VectorOptions | undefined, frame: Uint8Array): Uint8Array {
  const name = Buffer.from(type, "ascii");
  return new Uint8Array(Buffer.concat([Uint8Array.of(options?.strictZType === true ? 1 : 0), name, Uint8Array.of(0), frame]));
}

/** The inverse of `harnessInput`; undefined when there is no type name. */
export function parseHarnessInput(data: Uint8Array): { type: string; options: VectorOptions; frame: Uint8Array } | undefined {
  const end = data.indexOf(0, 1);
  if (data.length === 0 || end < 0) return undefined;
  const type = Buffer.from(data.subarray(1, end)).toString("latin1");
  return { type, options: (data[0]! & 1) === 1 ? { strictZType: true } : {}, frame: data.subarray(end + 1) };
}

/** Writes the seeds and the dictionary; returns how many seed files there are. */
export function writeCorpus(vectorsDir: string, dir: string): number {
  const seeds = loadSeeds(vectorsDir);
  mkdirSync(join(dir, "seeds"), { recursive: true });
  const names = new Set<string>();
  for (const seed of seeds) {
    const data = harnessInput(seed.type, seed.options, seed.bytes);
    const name = createHash("sha1").update(data).digest("hex");
    names.add(name);
    writeFileSync(join(dir, "seeds", name), data);
  }
  const words = new Corpus(seeds).words.filter((w) => w.length >= 2);
  const types = [...new Set(seeds.map((s) => s.type))];
  const entry = (s: string) => `"${[...Buffer.from(s, "utf8")].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`)).join("")}"`;
  writeFileSync(join(dir, "vmp.dict"), `# Strings of the conformance vectors, and the type names with their 0 terminator.\n${[...words.map(entry), ...types.map((t) => entry(`${t}\0`))].join("\n")}\n`);
  return names.size;
}
