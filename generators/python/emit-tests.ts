/**
 * `tests/test_examples.py`: the package's own tests, generated from the spec's examples (core/src/ir/examples.ts)
 * and run by `pytest`. Each example of each message type round-trips (the JSON form → typed → MessagePack → the
 * same value, and re-encoding is stable), and each frame the first example implies must be rejected, written by
 * the package's own free-form encoder, fails with the error kind and path the spec gives.
 */
import { specExampleCases } from "../../core/src/ir/examples.js";
import { protocolOf } from "../../core/src/ir/protocol.js";
import type { Ir } from "../../core/src/ir/types.js";
import { headerLines, type HeaderSource } from "../common/header.js";
import type { PackageIdentity } from "../common/package-name.js";
import { str } from "./file.js";
import type { PyNames } from "./names.js";

export function emitTests(ir: Ir, names: PyNames, pkg: PackageIdentity, source: HeaderSource): { path: string; content(): string } {
  const facts = protocolOf(ir);
  const cases = specExampleCases(ir);
  const desc = (name: string) => `schema.${names.type(name)}`;
  const lines = [
    ...headerLines(source, "hash"),
    `"""Tests generated from ${source.file}: its examples round-trip, and the frames they imply must be rejected fail as the spec says."""`,
    "",
    "from __future__ import annotations",
    "",
    "from typing import Any",
    "",
    "import pytest",
    "",
    `from ${pkg.module} import VmpError, decode, decode_message, encode, encode_value, from_json, schema, to_json`,
    `from ${pkg.module}._runtime.schema import AnyType`,
    "",
    "FREE_FORM = AnyType()",
    '"""Reads the JSON form without a schema: the frame as any producer could write it."""',
    "",
    "EXAMPLES = [",
    ...cases.flatMap((c) => {
      const selected = ["event", "response"].includes(facts.role(c.message)) ? "True" : "False";
      return c.valid.map((x, i) => `    pytest.param(${desc(c.message.name)}, ${str(JSON.stringify(x))}, ${selected}, id=${str(`${c.message.name}-example-${i}`)}),`);
    }),
    "]",
    '"""Each example (the JSON form) of each message type; the flag: decode_message picks the type by its etype."""',
    "",
    "REJECTED = [",
    ...cases.flatMap((c) =>
      c.reject.map((r) => `    pytest.param(${desc(c.message.name)}, ${str(JSON.stringify(r.frame))}, ${str(r.kind)}, [${r.path.map(str).join(", ")}], id=${str(`${c.message.name}-${r.id}`)}),`),
    ),
    "]",
    '"""The frames the first example of each message type implies must be rejected, with the error they get."""',
    "",
    "",
    '@pytest.mark.parametrize(("desc", "text", "selected"), EXAMPLES)',
    "def test_example_round_trips(desc: Any, text: str, selected: bool) -> None:",
    "    typed = from_json(desc, text)",
    "    data = encode(desc, typed)",
    "    back = decode(desc, data)",
    "    # Compared through the JSON form: a dataclass holding a numpy array has no boolean ==.",
    "    assert to_json(desc, back) == to_json(desc, typed)",
    "    assert encode(desc, back) == data",
    "    # The same frame written by the free-form encoder reads as the same value.",
    "    assert encode(desc, decode(desc, encode_value(from_json(FREE_FORM, text, lossless=True)))) == data",
    "    if selected:",
    "        assert decode_message(data, schema.MESSAGES)[0] is desc",
    "",
    "",
    '@pytest.mark.parametrize(("desc", "text", "kind", "path"), REJECTED)',
    "def test_derived_frame_is_rejected(desc: Any, text: str, kind: str, path: list[str]) -> None:",
    "    frame = encode_value(from_json(FREE_FORM, text, lossless=True))",
    "    with pytest.raises(VmpError) as caught:",
    "        decode(desc, frame)",
    "    assert (caught.value.kind, caught.value.path) == (kind, path)",
    "",
  ];
  return { path: "tests/test_examples.py", content: () => lines.join("\n") };
}
