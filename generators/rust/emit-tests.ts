/**
 * `tests/examples.rs`: the crate's own tests, generated from the spec's examples (core/src/ir/examples.ts) and
 * run by `cargo test`. Each example of each message type round-trips (the JSON form → typed → MessagePack → the
 * same typed value, and re-encoding is stable), and each frame the first example implies must be rejected,
 * written by the crate's own free-form encoder, fails with the error kind and path the spec gives.
 */
import { formatPath } from "../../core/src/errors.js";
import { specExampleCases } from "../../core/src/ir/examples.js";
import { protocolOf } from "../../core/src/ir/protocol.js";
import type { Ir, RecordDef } from "../../core/src/ir/types.js";
import { headerLines, type HeaderSource } from "../common/header.js";
import type { PackageIdentity } from "../common/package-name.js";
import { snakeCase, type RsNames } from "./names.js";

/** A Rust raw string literal holding `text` (with as many `#` as it needs). */
function raw(text: string): string {
  let hashes = "#";
  while (text.includes(`"${hashes}`)) hashes += "#";
  return `r${hashes}"${text}"${hashes}`;
}

export function emitTests(ir: Ir, names: RsNames, pkg: PackageIdentity, source: HeaderSource): { path: string; content(): string } {
  const facts = protocolOf(ir);
  const lib = pkg.module;
  const cases = specExampleCases(ir);
  // `decode_message` exists where the spec has the fallback envelope `Message` (emit-types.ts, SPEC §4.6).
  const selects = ir.messages.some((m) => m.name === "Message");
  const selected = (m: RecordDef) => selects && ["event", "response"].includes(facts.role(m));
  const types = [...new Set(cases.map((c) => names.type(c.message.name)))].sort();
  const lines = [
    ...headerLines(source, "slash"),
    `//! Tests generated from \`${source.file}\`: its examples round-trip, and the frames they imply must be rejected`,
    "//! fail as the spec says.",
    "",
    "use std::fmt::Debug;",
    "",
    `use ${lib}::runtime::json::from_json;`,
    `use ${lib}::types::{${types.join(", ")}};`,
    `use ${lib}::{${[...(selects ? ["decode_message", "KnownMessage"] : []), "decode", "encode", "encode_value", "ErrorKind", "Typed"].sort().join(", ")}};`,
    "",
    "/// The frame of a JSON form, written by the crate's free-form encoder (as any producer could write it).",
    "fn frame(json: &str) -> Vec<u8> {",
    '    encode_value(&from_json(json).expect("the JSON form parses")).expect("a free-form value encodes")',
    "}",
    "",
    "/// Reads an example as `T`, then checks that its canonical bytes read back as the same value and re-encode unchanged.",
    "fn round_trip<T: Typed + PartialEq + Debug>(json: &str) -> Vec<u8> {",
    '    let typed: T = decode(frame(json)).expect("the example decodes");',
    '    let bytes = encode(&typed).expect("the value encodes");',
    '    let back: T = decode(bytes.clone()).expect("its canonical bytes decode");',
    "    assert_eq!(back, typed);",
    '    assert_eq!(encode(&back).expect("the value encodes again"), bytes);',
    "    bytes",
    "}",
    "",
    "/// Checks that a frame is rejected as `T` with `kind` at `path`.",
    "fn rejects<T: Typed + Debug>(json: &str, kind: ErrorKind, path: &str) {",
    '    let err = decode::<T>(frame(json)).expect_err("the frame must be rejected");',
    "    assert_eq!((err.kind(), err.path_string().as_str()), (kind, path), \"{err}\");",
    "}",
  ];
  for (const c of cases) {
    const type = names.type(c.message.name);
    lines.push("", "#[test]", `fn ${snakeCase(c.message.name)}_examples_round_trip() {`);
    for (const x of c.valid) {
      const call = `round_trip::<${type}>(${raw(JSON.stringify(x))})`;
      if (selected(c.message)) {
        lines.push(`    let bytes = ${call};`);
        lines.push(`    assert!(matches!(decode_message(bytes), Ok(KnownMessage::${names.variant(c.message.name)}(_))));`);
      } else lines.push(`    ${call};`);
    }
    lines.push("}");
    if (c.reject.length === 0) continue;
    lines.push("", "#[test]", `fn ${snakeCase(c.message.name)}_derived_frames_are_rejected() {`);
    for (const r of c.reject) {
      lines.push(`    // ${r.description}`);
      lines.push(`    rejects::<${type}>(${raw(JSON.stringify(r.frame))}, ErrorKind::${r.kind}, ${JSON.stringify(formatPath(r.path))});`);
    }
    lines.push("}");
  }
  lines.push("");
  return { path: "tests/examples.rs", content: () => lines.join("\n") };
}
