/**
 * `test/examples.test.js`: the package's own tests, generated from the spec's examples (core/src/ir/examples.ts)
 * and run by `npm test` with Node's test runner against the compiled package (no test framework to install). Each
 * example of each message type round-trips (the JSON form → typed → MessagePack → the same typed value, and
 * re-encoding is stable), and each frame the first example implies must be rejected, written by the package's own
 * free-form encoder, fails with the error kind and path the spec gives.
 */
import { specExampleCases } from "../../core/src/ir/examples.js";
import { protocolOf } from "../../core/src/ir/protocol.js";
import type { Ir } from "../../core/src/ir/types.js";
import { headerLines, type HeaderSource } from "../common/header.js";
import type { TsNames } from "./names.js";

/** The tests' path in the package, and what `npm test` runs. */
export const TESTS_FILE = "test/examples.test.js";

export function emitTests(ir: Ir, names: TsNames, packageName: string, source: HeaderSource): { path: string; content(): string } {
  const cases = specExampleCases(ir);
  const facts = protocolOf(ir);
  const desc = (name: string) => `schema.${names.type(name)}`;
  const lines = [
    ...headerLines(source, "slash"),
    `/** Tests generated from ${source.file}: its examples round-trip, and the frames they imply must be rejected fail as the spec says. */`,
    'import assert from "node:assert/strict";',
    'import { test } from "node:test";',
    `import { decode, decodeMessage, encode, encodeValue, fromJSON, isVmpError, schema } from ${JSON.stringify(packageName)};`,
    "",
    "/** Reads the JSON form without a schema: the frame as any producer could write it. */",
    'const FREE_FORM = { kind: "any" };',
    "",
    "/** Each example (the JSON form) of each message type; `selected`: decodeMessage picks the type by its etype. */",
    "const EXAMPLES = [",
    ...cases.flatMap((c) => {
      const selected = ["event", "response"].includes(facts.role(c.message));
      return c.valid.map((x, i) => `  { type: ${desc(c.message.name)}, name: ${JSON.stringify(`${c.message.name} example ${i}`)}, selected: ${selected}, json: ${JSON.stringify(JSON.stringify(x))} },`);
    }),
    "];",
    "",
    "/** The frames the first example of each message type implies must be rejected, with the error they get. */",
    "const REJECTED = [",
    ...cases.flatMap((c) =>
      c.reject.map((r) => `  { type: ${desc(c.message.name)}, name: ${JSON.stringify(r.description)}, json: ${JSON.stringify(JSON.stringify(r.frame))}, kind: ${JSON.stringify(r.kind)}, path: ${JSON.stringify(r.path)} },`),
    ),
    "];",
    "",
    "for (const x of EXAMPLES) {",
    "  test(`${x.name} round-trips`, () => {",
    "    const typed = fromJSON(x.type, x.json);",
    "    const bytes = encode(x.type, typed);",
    "    const back = decode(x.type, bytes);",
    "    assert.deepStrictEqual(back, typed);",
    "    assert.deepStrictEqual(encode(x.type, back), bytes);",
    "    // The same frame written by the free-form encoder reads as the same value.",
    "    assert.deepStrictEqual(decode(x.type, encodeValue(fromJSON(FREE_FORM, x.json, { lossless: true }))), typed);",
    "    if (x.selected) assert.equal(decodeMessage(bytes, schema.MESSAGES).type, x.type);",
    "  });",
    "}",
    "",
    "for (const x of REJECTED) {",
    "  test(`${x.name}: ${x.kind}`, () => {",
    "    const frame = encodeValue(fromJSON(FREE_FORM, x.json, { lossless: true }));",
    "    assert.throws(",
    "      () => decode(x.type, frame),",
    "      (e) => isVmpError(e) && e.kind === x.kind && JSON.stringify(e.path) === JSON.stringify(x.path),",
    "    );",
    "  });",
    "}",
    "",
  ];
  return { path: TESTS_FILE, content: () => lines.join("\n") };
}
