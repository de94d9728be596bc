"""Differential check against the TypeScript runtime (skipped unless node and its build are present).

Mutated vector frames (flipped, inserted, deleted bytes, truncations) are decoded by both runtimes, losslessly;
they must agree on the error kind, path and byte offset, or on the re-encoded bytes.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from spec_descriptors import Catalogue
from vmp_protocol import VmpError, decode, decode_value, encode, encode_value, format_path

TS_RUNTIME = REPO / "dist" / "generators" / "typescript" / "runtime"
TS_SCHEMA = REPO / "generated" / "ts" / "dist" / "schema.js"

SCRIPT = """
import { decode, encode, decodeValue, encodeValue } from "%(rt)s/codec.js";
import { formatPath } from "%(rt)s/errors.js";
import * as schema from "%(schema)s";
import fs from "node:fs";
const cases = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const out = cases.map(([type, h]) => {
  const bytes = Uint8Array.from(Buffer.from(h, "hex"));
  try {
    if (type === "any") return { ok: Buffer.from(encodeValue(decodeValue(bytes, { lossless: true }))).toString("hex") };
    const d = schema[type];
    return { ok: Buffer.from(encode(d, decode(d, bytes, { lossless: true }))).toString("hex") };
  } catch (e) {
    return e.kind ? { kind: e.kind, path: formatPath(e.path), offset: e.offset ?? null } : { js: String(e) };
  }
});
process.stdout.write(JSON.stringify(out));
"""


def _cases() -> list[list[str]]:
    rng = random.Random(7)
    cases: list[list[str]] = []
    for f in sorted((REPO / "conformance" / "vectors").glob("*.json")):
        if f.name == "manifest.schema.json":
            continue
        for v in json.loads(f.read_text())["vectors"]:
            base = bytes.fromhex(v["canonical"] if v["valid"] else v["input"])
            cases.append([v["type"], base.hex()])
            for _ in range(12):
                if not base:
                    break
                b = bytearray(base)
                op = rng.random()
                i = rng.randrange(len(b))
                if op < 0.4:
                    b[i] = rng.randrange(256)
                elif op < 0.55:
                    b = b[:i]
                elif op < 0.8:
                    b.insert(
                        i, rng.choice([0xC1, 0xD4, 0x90, 0x80, 0xA1, 0xC4, 0xCB, 0xCA, 0xFF, 0xC0, 0x01])
                    )
                else:
                    del b[i]
                cases.append([v["type"], bytes(b).hex()])
    return cases


@pytest.mark.skipif(
    shutil.which("node") is None or not (TS_RUNTIME / "codec.js").exists() or not TS_SCHEMA.exists(),
    reason="node or the TypeScript build is missing",
)
def test_agrees_with_typescript(tmp_path: Path) -> None:
    cases = _cases()
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    script = tmp_path / "run.mjs"
    script.write_text(SCRIPT % {"rt": TS_RUNTIME, "schema": TS_SCHEMA})
    done = subprocess.run(
        ["node", str(script), str(tmp_path / "cases.json")], capture_output=True, text=True, check=True
    )
    theirs = json.loads(done.stdout)
    cat = Catalogue(REPO / "protocol" / "vmp.schema.json")
    mismatches = []
    for (typ, h), t in zip(cases, theirs, strict=True):
        data = bytes.fromhex(h)
        mine: dict[str, Any]
        try:
            if typ == "any":
                mine = {"ok": encode_value(decode_value(data, lossless=True)).hex()}
            else:
                d = cat.named[typ]
                mine = {"ok": encode(d, decode(d, data, lossless=True)).hex()}
        except VmpError as e:
            mine = {"kind": e.kind, "path": format_path(e.path), "offset": e.offset}
        if mine != t:
            mismatches.append((typ, h, mine, t))
    assert mismatches == [], mismatches[:5]
    assert len(cases) > 5000
