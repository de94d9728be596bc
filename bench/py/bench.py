"""The Python bench: vmp_protocol (generated/python) side by side with msgpack and msgspec, and with memcpy.

Prints one JSON result on stdout (format: bench/README.md); progress on stderr.

    .venv/bin/python bench/py/bench.py [--smoke] [--only W1,W3]
"""

from __future__ import annotations

import dataclasses
import json
import platform
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from typing import Any

import msgpack
import msgspec
import numpy as np
import vmp_protocol as vmp
from harness import FULL, SMOKE, Timed, measure_suite, median
from vmp_protocol import Element, ElementPatch, Scene, SetEvent, UpdateData, UpdateEvent

ARGS = sys.argv[1:]
CFG = SMOKE if "--smoke" in ARGS else FULL
ONLY = set(ARGS[ARGS.index("--only") + 1].split(",")) if "--only" in ARGS else None


def log(s: str) -> None:
    print(f"[py] {s}", file=sys.stderr, flush=True)


TS = 1700000000123

# ---------------------------------------------------------------------------------------------------------------
# Workloads (bench/README.md, "Workloads"): `ours` is what a vmp_protocol user holds (dataclasses, ndarrays), `plain`
# the same message as the anchors take it (dicts; ZData as a map whose `b` is a memoryview of the array).
# ---------------------------------------------------------------------------------------------------------------


class W:
    def __init__(self, ours: Any, plain: Any, cls: Any) -> None:
        self.ours, self.plain, self.cls = ours, plain, cls


def w1() -> W:
    props = {"position": [1.5, 2.5, 3.5], "rotation": [0, 0, 0], "color": "#ff0000"}
    ours = UpdateEvent(
        ts=TS, data=UpdateData(nodes=[ElementPatch(tag="Box", key="box-1", extra=dict(props))])
    )
    plain = {"ts": TS, "etype": "UPDATE", "data": {"nodes": [{"tag": "Box", "key": "box-1", **props}]}}
    return W(ours, plain, UpdateEvent)


def w2() -> W:
    """10 Groups x 10 Groups x 10 Box leaves = 1,110 components (same values as bench/ts)."""
    c1, e1 = [], []
    for i in range(10):
        c2 = []
        for j in range(10):
            c3 = [
                {
                    "tag": "Box",
                    "key": f"n3-{i}-{j}-{k}",
                    "children": [],
                    "position": [i + 0.5, j + 0.25, k + 0.125],
                }
                for k in range(10)
            ]
            c2.append(
                {"tag": "Group", "key": f"n2-{i}-{j}", "children": c3, "position": [i + 0.5, j + 0.25, 0.125]}
            )
        pos = [i + 0.5, 0.25, 0.125]
        c1.append({"tag": "Group", "key": f"n1-{i}", "children": c2, "position": pos})
        e1.append(Element(tag="Group", key=f"n1-{i}", children=c2, extra={"position": pos}))
    ours = SetEvent(ts=TS, data=Scene(children=e1))
    plain = {"ts": TS, "etype": "SET", "data": {"tag": "Scene", "children": c1}}
    return W(ours, plain, SetEvent)


def zmap(a: np.ndarray) -> dict[str, Any]:
    return {
        "ztype": "numpy.ndarray",
        "b": memoryview(a).cast("B"),
        "dtype": "float32",
        "shape": list(a.shape),
    }


def w3(n: int) -> tuple[W, np.ndarray]:
    a = (np.arange(n, dtype=np.int64) & 1023).astype(np.float32) * np.float32(0.5)
    ours = UpdateEvent(ts=TS, data=UpdateData(nodes=[ElementPatch(key="pc-1", extra={"points": a})]))
    plain = {"ts": TS, "etype": "UPDATE", "data": {"nodes": [{"key": "pc-1", "points": zmap(a)}]}}
    return W(ours, plain, UpdateEvent), a


def w4() -> W:
    arrs = [np.array([i, i + 0.5, i + 0.25], dtype=np.float32) for i in range(1000)]
    ours = UpdateEvent(ts=TS, data=UpdateData(nodes=[ElementPatch(key="pc-1", extra={"items": arrs})]))
    plain = {
        "ts": TS,
        "etype": "UPDATE",
        "data": {"nodes": [{"key": "pc-1", "items": [zmap(a) for a in arrs]}]},
    }
    return W(ours, plain, UpdateEvent)


# ---------------------------------------------------------------------------------------------------------------
# Checks: normalized equality (ndarrays and ZData maps compare as dtype, shape and element bytes).
# ---------------------------------------------------------------------------------------------------------------


def norm(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return ("nd", str(v.dtype), list(v.shape), v.tobytes())
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(v):
            x = getattr(v, f.name)
            if f.name == "extra":
                out.update({k: norm(y) for k, y in x.items()})
            elif x is not vmp.UNSET:
                out[f.name] = norm(x)
        return out
    if isinstance(v, dict):
        if v.get("ztype") == "numpy.ndarray":
            b = v.get("f32", v["b"])
            return (
                "nd",
                v["dtype"],
                [int(d) for d in v["shape"]],
                bytes(b if not isinstance(b, np.ndarray) else b.tobytes()),
            )
        return {k: norm(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v)
    return v


def same_bytes(expected: bytes) -> Callable[[Any], str | None]:
    def check(out: Any) -> str | None:
        return (
            None
            if bytes(out) == expected
            else f"bytes differ from the canonical frame ({len(out)} vs {len(expected)} B)"
        )

    return check


def same_value(expected: Any) -> Callable[[Any], str | None]:
    want = norm(expected)

    def check(out: Any) -> str | None:
        return None if norm(out) == want else "decoded value differs"

    return check


RESULTS: list[dict[str, Any]] = []
CHECKS: list[dict[str, Any]] = []
FACTS: dict[str, Any] = {}


def check(name: str, fn: Callable[[], str | None]) -> None:
    try:
        detail = fn()
    except Exception as e:  # noqa: BLE001 (any failure is a failed check)
        detail = f"raised {type(e).__name__}: {e}"
    CHECKS.append({"name": name, "ok": detail is None, **({} if detail is None else {"detail": detail})})
    if detail is not None:
        log(f"CHECK FAILED {name}: {detail}")


def run_suite(name: str, cases: list[dict[str, Any]], big: bool = False) -> None:
    if ONLY is not None and name.split(" ")[0] not in ONLY:
        return
    log(f"{name}: {len(cases)} cases")
    for c in cases:
        if c.get("check"):
            fn = c["fn"]
            check(f"{c['id']}: {c['name']}", lambda c=c, fn=fn: c["check"](fn()))
    m = measure_suite([Timed(c["id"], c["fn"]) for c in cases], CFG, big)
    for c in cases:
        meta = {k: v for k, v in c.items() if k not in ("fn", "check")}
        s = m[c["id"]]["samples_ns"]
        RESULTS.append(
            {
                **meta,
                "samples_ns": s,
                "iters": m[c["id"]]["iters"],
                "median_ns": median(s),
                "min_ns": min(s),
                "max_ns": max(s),
            }
        )


def maker(workload: str, op: str, base: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    def make(id: str, name: str, role: str, fn: Callable[[], Any], **extra: Any) -> dict[str, Any]:
        return {
            **base,
            "id": f"{workload}.{op}.{id}",
            "workload": workload,
            "op": op,
            "name": name,
            "role": role,
            "fn": fn,
            **extra,
        }

    return make


def memcpy_cases(workload: str, op: str, nbytes: int, fresh: bool = False) -> list[dict[str, Any]]:
    src = np.full(nbytes, 7, dtype=np.uint8)
    dst = np.ones(nbytes, dtype=np.uint8)
    base = {"workload": workload, "op": op, "role": "limit", "per": "payload", "payload_bytes": nbytes}
    out = [
        {
            **base,
            "id": f"{workload}.{op}.memcpy",
            "name": "memcpy: np.copyto into a prefaulted array",
            "fn": lambda: np.copyto(dst, src),
        }
    ]
    if fresh:
        out.append(
            {
                **base,
                "id": f"{workload}.{op}.memcpy-fresh",
                "name": "alloc + copy: ndarray.tobytes() (fresh bytes)",
                "fn": src.tobytes,
            }
        )
    return out


def tree_suites(name: str, w: W) -> None:
    desc = w.cls.__vmp_desc__
    canonical = w.ours.to_msgpack()
    frame = bytes(canonical)
    base = {"bytes": len(canonical), "per": "msg"}
    enc, dec = maker(name, "encode", base), maker(name, "decode", base)
    packer = msgpack.Packer()
    ms_enc, ms_dec = msgspec.msgpack.Encoder(), msgspec.msgpack.Decoder()
    cls, ours, plain = w.cls, w.ours, w.plain
    ref_e, ref_d = f"{name}.encode.msgpack", f"{name}.decode.msgpack"
    run_suite(
        f"{name} encode",
        [
            enc(
                "vmp",
                f"vmp {cls.__name__}.to_msgpack() (validated, canonical)",
                "ours",
                ours.to_msgpack,
                ref=ref_e,
                goal={"kind": "ratio", "min": 1.0, "text": ">= 1.0x msgpack.packb"},
                check=same_bytes(canonical),
            ),
            enc(
                "msgpack",
                "msgpack.packb",
                "anchor",
                lambda: msgpack.packb(plain),
                check=same_bytes(canonical),
            ),
            enc(
                "msgpack-packer",
                "msgpack Packer().pack (reused)",
                "anchor",
                lambda: packer.pack(plain),
                ref=ref_e,
                check=same_bytes(canonical),
            ),
            enc(
                "msgspec",
                "msgspec.msgpack Encoder.encode (reused)",
                "anchor",
                lambda: ms_enc.encode(plain),
                ref=ref_e,
                check=same_bytes(canonical),
            ),
        ],
    )
    run_suite(
        f"{name} decode",
        [
            dec(
                "vmp",
                f"vmp {cls.__name__}.from_msgpack() (typed, validated)",
                "ours",
                lambda: cls.from_msgpack(frame),
                ref=ref_d,
                goal={"kind": "ratio", "min": 1.0, "text": ">= 1.0x msgpack.unpackb"},
                check=same_value(plain),
            ),
            dec(
                "vmp-dict",
                "vmp decode(as_dict=True) (validated, dicts)",
                "context",
                lambda: vmp.decode(desc, frame, as_dict=True),
                ref=ref_d,
                check=same_value(plain),
            ),
            dec(
                "msgpack",
                "msgpack.unpackb (not validated)",
                "anchor",
                lambda: msgpack.unpackb(frame),
                check=same_value(plain),
            ),
            dec(
                "msgspec",
                "msgspec.msgpack Decoder.decode (untyped, not validated)",
                "anchor",
                lambda: ms_dec.decode(frame),
                ref=ref_d,
                check=same_value(plain),
            ),
        ],
    )


def payload_offsets(data: bytes, n: int) -> list[int]:
    if n <= 0xFF:
        hdr = bytes([0xC4, n])
    elif n <= 0xFFFF:
        hdr = bytes([0xC5]) + n.to_bytes(2, "big")
    else:
        hdr = bytes([0xC6]) + n.to_bytes(4, "big")
    pat = b"\xa1b" + hdr
    out, i = [], data.find(pat)
    while i >= 0:
        out.append(i + len(pat))
        i = data.find(pat, i + len(pat) + n)
    return out


def tensor_suites(name: str, n: int) -> None:
    w, a = w3(n)
    canonical = w.ours.to_msgpack()
    frame = bytes(canonical)
    payload = n * 4
    big = payload > 32e6
    (offset,) = payload_offsets(canonical, payload)
    FACTS[f"{name} payload offset"] = {
        "offset": offset,
        "mod4": offset % 4,
        "mod8": offset % 8,
        "mod64": offset % 64,
        "frame_bytes": len(canonical),
    }
    base = {"bytes": len(canonical), "per": "payload", "payload_bytes": payload}
    enc, dec = maker(name, "encode", base), maker(name, "decode", base)
    packer = msgpack.Packer()
    ms_enc, ms_dec = msgspec.msgpack.Encoder(), msgspec.msgpack.Decoder()
    into = bytearray()
    ours, plain, cls = w.ours, w.plain, w.cls
    memcpy = f"{name}.encode.memcpy"

    def ms_into() -> bytearray:
        ms_enc.encode_into(plain, into)
        return into

    ours_buf = bytearray()

    def ours_into() -> bytearray:
        ours.to_msgpack_into(ours_buf)
        return ours_buf

    run_suite(
        f"{name} encode",
        [
            *memcpy_cases(name, "encode", payload, fresh=True),
            enc(
                "vmp",
                "vmp to_msgpack() (fresh bytes)",
                "context",
                ours.to_msgpack,
                ref=memcpy,
                check=same_bytes(canonical),
            ),
            enc(
                "vmp-into",
                "vmp to_msgpack_into() (reused bytearray)",
                "ours",
                ours_into,
                ref=memcpy,
                goal={"kind": "ratio", "min": 0.8, "text": ">= 0.8x memcpy"},
                check=same_bytes(canonical),
            ),
            enc(
                "msgpack",
                "msgpack.packb (b = memoryview)",
                "anchor",
                lambda: msgpack.packb(plain),
                ref=memcpy,
                check=same_bytes(canonical),
            ),
            enc(
                "msgpack-packer",
                "msgpack Packer().pack (reused)",
                "anchor",
                lambda: packer.pack(plain),
                ref=memcpy,
                check=same_bytes(canonical),
            ),
            enc(
                "msgspec",
                "msgspec.msgpack Encoder.encode",
                "anchor",
                lambda: ms_enc.encode(plain),
                ref=memcpy,
                check=same_bytes(canonical),
            ),
            enc(
                "msgspec-into",
                "msgspec.msgpack Encoder.encode_into (reused bytearray)",
                "anchor",
                ms_into,
                ref=memcpy,
                check=same_bytes(canonical),
            ),
        ],
        big,
    )

    def with_f32(m: dict[str, Any]) -> dict[str, Any]:
        p = m["data"]["nodes"][0]["points"]
        p["f32"] = np.frombuffer(p["b"], dtype=np.float32)
        return m

    def view_check(m: Any) -> str | None:
        arr = m.data.nodes[0].extra["points"]
        if arr.flags.owndata or arr.base is None:
            return "decoded array owns its data (expected a view of the frame)"
        return same_value(plain)(m)

    def copy_check(m: Any) -> str | None:
        arr = m.data.nodes[0].extra["points"]
        if not arr.flags.writeable:
            return "copy=True gave a read-only array"
        return same_value(plain)(m)

    src = a.view(np.uint8)
    run_suite(
        f"{name} decode",
        [
            *memcpy_cases(name, "decode", payload),
            {
                **base,
                "id": f"{name}.decode.memcpy-fresh",
                "workload": name,
                "op": "decode",
                "role": "limit",
                "name": "alloc + copy: ndarray.copy() (fresh array)",
                "fn": src.copy,
            },
            dec(
                "vmp-view",
                "vmp from_msgpack() -> ndarray view (validated)",
                "ours",
                lambda: cls.from_msgpack(frame),
                ref=f"{name}.decode.msgpack",
                goal={"kind": "max_ns", "max": 50_000, "text": "O(1): < 50 us"},
                check=view_check,
            ),
            dec(
                "vmp-copy",
                "vmp from_msgpack(copy=True) -> owned ndarray",
                "ours",
                lambda: cls.from_msgpack(frame, copy=True),
                ref=f"{name}.decode.memcpy-fresh",
                check=copy_check,
            ),
            dec(
                "msgpack",
                "msgpack.unpackb + np.frombuffer (1 copy)",
                "anchor",
                lambda: with_f32(msgpack.unpackb(frame)),
                check=same_value(plain),
            ),
            dec(
                "msgspec",
                "msgspec.msgpack decode + np.frombuffer (1 copy)",
                "anchor",
                lambda: with_f32(ms_dec.decode(frame)),
                ref=f"{name}.decode.msgpack",
                check=same_value(plain),
            ),
        ],
        big,
    )


def many_suites(name: str) -> None:
    w = w4()
    canonical = w.ours.to_msgpack()
    frame = bytes(canonical)
    offs = payload_offsets(canonical, 12)
    FACTS[f"{name} payloads aligned"] = {
        "items": len(offs),
        "mod4_zero": sum(1 for o in offs if o % 4 == 0),
        "frame_bytes": len(canonical),
    }
    base = {"bytes": len(canonical), "per": "msg"}
    enc, dec = maker(name, "encode", base), maker(name, "decode", base)
    ms_enc, ms_dec = msgspec.msgpack.Encoder(), msgspec.msgpack.Decoder()
    ours, plain, cls = w.ours, w.plain, w.cls

    def with_f32(m: dict[str, Any]) -> dict[str, Any]:
        for p in m["data"]["nodes"][0]["items"]:
            p["f32"] = np.frombuffer(p["b"], dtype=np.float32)
        return m

    run_suite(
        f"{name} encode",
        [
            enc(
                "vmp",
                "vmp to_msgpack() (validated, canonical)",
                "ours",
                ours.to_msgpack,
                ref=f"{name}.encode.msgpack",
                check=same_bytes(canonical),
            ),
            enc(
                "msgpack",
                "msgpack.packb (b = memoryview)",
                "anchor",
                lambda: msgpack.packb(plain),
                check=same_bytes(canonical),
            ),
            enc(
                "msgspec",
                "msgspec.msgpack Encoder.encode",
                "anchor",
                lambda: ms_enc.encode(plain),
                ref=f"{name}.encode.msgpack",
                check=same_bytes(canonical),
            ),
        ],
    )
    ref = f"{name}.decode.msgpack-f32"
    run_suite(
        f"{name} decode",
        [
            dec(
                "vmp",
                "vmp from_msgpack() -> 1,000 ndarray views (validated)",
                "ours",
                lambda: cls.from_msgpack(frame),
                ref=ref,
                goal={"kind": "ratio", "min": 1.0, "text": ">= 1.0x msgpack + per-item frombuffer"},
                check=same_value(plain),
            ),
            dec(
                "msgpack",
                "msgpack.unpackb (bins only, no arrays)",
                "context",
                lambda: msgpack.unpackb(frame),
                ref=ref,
            ),
            dec(
                "msgpack-f32",
                "msgpack.unpackb + per-item np.frombuffer",
                "anchor",
                lambda: with_f32(msgpack.unpackb(frame)),
                check=same_value(plain),
            ),
            dec(
                "msgspec-f32",
                "msgspec decode + per-item np.frombuffer",
                "anchor",
                lambda: with_f32(ms_dec.decode(frame)),
                ref=ref,
                check=same_value(plain),
            ),
        ],
    )


def main() -> int:
    for name, w in [("W1", w1()), ("W2", w2()), ("W3 (1,024 floats)", w3(1024)[0]), ("W4", w4())]:
        ours = w.ours.to_msgpack()
        desc = w.cls.__vmp_desc__
        check(
            f"{name}: vmp canonical bytes == msgpack.packb",
            lambda ours=ours, w=w: same_bytes(ours)(msgpack.packb(w.plain)),
        )
        check(
            f"{name}: vmp canonical bytes == msgspec encode",
            lambda ours=ours, w=w: same_bytes(ours)(msgspec.msgpack.encode(w.plain)),
        )
        check(
            f"{name}: relay: encode(decode(B, lossless)) == B",
            lambda ours=ours, desc=desc: same_bytes(ours)(
                vmp.encode(desc, vmp.decode(desc, ours, lossless=True))
            ),
        )
    t0 = time.time()
    tree_suites("W1", w1())
    tree_suites("W2", w2())
    tensor_suites("W3-4MB", 1_000_000)
    tensor_suites("W3-64MB", 16_000_000)
    many_suites("W4")
    log(f"done in {time.time() - t0:.1f} s")
    out = {
        "lang": "py",
        "runtime": f"{platform.python_implementation()} {platform.python_version()}",
        "libs": {
            name: version(dist)
            for name, dist in [
                ("vmp_protocol", "vmp-protocol"),
                ("msgpack", "msgpack"),
                ("msgspec", "msgspec"),
                ("numpy", "numpy"),
            ]
        },
        "mode": "smoke" if CFG["smoke"] else "full",
        "harness": CFG,
        "cases": RESULTS,
        "checks": CHECKS,
        "facts": FACTS,
    }
    sys.stdout.write(json.dumps(out) + "\n")
    return 0 if all(c["ok"] for c in CHECKS) else 1


if __name__ == "__main__":
    sys.exit(main())
