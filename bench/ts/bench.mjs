// The TypeScript bench: the generated package (generated/ts, built to dist) side by side with msgpackr and
// @msgpack/msgpack, and with memcpy. Prints one JSON result on stdout (format: bench/README.md); progress on stderr.
//
//   node --expose-gc bench/ts/bench.mjs [--smoke] [--only W1,W3]
import { readFileSync } from "node:fs";
import { FULL, SMOKE, consume, measureSuite, median } from "./harness.mjs";

const args = process.argv.slice(2);
const cfg = args.includes("--smoke") ? SMOKE : FULL;
const onlyArg = args.indexOf("--only");
const only = onlyArg >= 0 ? new Set(args[onlyArg + 1].split(",")) : undefined;
const log = (s) => process.stderr.write(`[ts] ${s}\n`);

let vmp;
try {
  vmp = await import("../../generated/ts/dist/index.js");
} catch (e) {
  log(`cannot load generated/ts/dist (run \`npm run build\` first): ${e.message}`);
  process.exit(2);
}
const { Packr } = await import("msgpackr");
const mp = await import("@msgpack/msgpack");
const root = new URL("../../", import.meta.url);
const version = (p) =>
  JSON.parse(readFileSync(new URL(`node_modules/${p}/package.json`, root), "utf8")).version;
const msgpackrNative = (await import("msgpackr")).isNativeAccelerationEnabled;

const packr = new Packr({ useRecords: false, int64AsType: "auto" });
const mpEncoder = new mp.Encoder();
const { schema } = vmp;

// ---------------------------------------------------------------------------------------------------------------
// Workloads (bench/README.md, "Workloads"). `ours` is what a user of vmp-protocol holds (NDArray for tensors);
// `plain` is the same message as the anchors take it (ZData as a map whose `b` is a Uint8Array view of the floats).
// ---------------------------------------------------------------------------------------------------------------
const TS = 1700000000123;

function w1() {
  const v = {
    ts: TS,
    etype: "UPDATE",
    data: {
      nodes: [{ tag: "Box", key: "box-1", position: [1.5, 2.5, 3.5], rotation: [0, 0, 0], color: "#ff0000" }],
    },
  };
  return { ours: v, plain: v, desc: schema.UpdateEvent, type: "UpdateEvent" };
}

/** 10 Groups × 10 Groups × 10 Box leaves = 1,110 components, keys unique, positions non-integer doubles. */
function w2() {
  const c1 = [];
  for (let i = 0; i < 10; i++) {
    const c2 = [];
    for (let j = 0; j < 10; j++) {
      const c3 = [];
      for (let k = 0; k < 10; k++)
        c3.push({
          tag: "Box",
          key: `n3-${i}-${j}-${k}`,
          children: [],
          position: [i + 0.5, j + 0.25, k + 0.125],
        });
      c2.push({ tag: "Group", key: `n2-${i}-${j}`, children: c3, position: [i + 0.5, j + 0.25, 0.125] });
    }
    c1.push({ tag: "Group", key: `n1-${i}`, children: c2, position: [i + 0.5, 0.25, 0.125] });
  }
  const v = { ts: TS, etype: "SET", data: { tag: "Scene", children: c1 } };
  return { ours: v, plain: v, desc: schema.SetEvent, type: "SetEvent" };
}

const zmap = (f) => ({
  ztype: "numpy.ndarray",
  b: new Uint8Array(f.buffer, f.byteOffset, f.byteLength),
  dtype: "float32",
  shape: [f.length],
});

function w3(n) {
  const f = new Float32Array(n);
  for (let i = 0; i < n; i++) f[i] = (i & 1023) * 0.5;
  const msg = (points) => ({ ts: TS, etype: "UPDATE", data: { nodes: [{ key: "pc-1", points }] } });
  return {
    ours: msg(vmp.NDArray.from(f)),
    plain: msg(zmap(f)),
    desc: schema.UpdateEvent,
    type: "UpdateEvent",
    f,
  };
}

function w4() {
  const fs = [];
  for (let i = 0; i < 1000; i++) fs.push(new Float32Array([i, i + 0.5, i + 0.25]));
  const msg = (items) => ({ ts: TS, etype: "UPDATE", data: { nodes: [{ key: "pc-1", items }] } });
  return {
    ours: msg(fs.map((f) => vmp.NDArray.from(f))),
    plain: msg(fs.map(zmap)),
    desc: schema.UpdateEvent,
    type: "UpdateEvent",
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Checks: normalized deep equality (NDArray and ZData maps compare as dtype, shape and element bytes).
// ---------------------------------------------------------------------------------------------------------------
function norm(v) {
  if (v instanceof vmp.NDArray) return { $nd: v.dtype, shape: [...v.shape], b: Buffer.from(v.bytes()) };
  if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) return v.map(norm);
  if (v !== null && typeof v === "object") {
    if (v.ztype === "numpy.ndarray") {
      const b = v.f32 ?? v.b; // anchors' decoders attach the typed array they made as `f32`
      return {
        $nd: v.dtype,
        shape: v.shape.map(Number),
        b: Buffer.from(b.buffer, b.byteOffset, b.byteLength),
      };
    }
    const o = {};
    for (const k of Object.keys(v)) if (v[k] !== undefined) o[k] = norm(v[k]);
    return o;
  }
  return typeof v === "bigint" ? Number(v) : v;
}

function diff(a, b, path = "$") {
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b))
    return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b) ? undefined : `${path}: bytes differ`;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return `${path}: arrays differ`;
    for (let i = 0; i < a.length; i++) {
      const d = diff(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a).sort(),
      kb = Object.keys(b).sort();
    if (ka.join() !== kb.join()) return `${path}: keys ${ka} vs ${kb}`;
    for (const k of ka) {
      const d = diff(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return Object.is(a, b) ? undefined : `${path}: ${String(a)} vs ${String(b)}`;
}

const sameBytes = (expected) => (out) =>
  Buffer.from(out.buffer, out.byteOffset, out.byteLength).equals(Buffer.from(expected))
    ? undefined
    : `bytes differ from the canonical frame (${out.length} vs ${expected.length} B)`;
const sameValue = (expected) => (out) => diff(norm(out), norm(expected));
const decodesTo = (expected) => (out) => diff(norm(packr.unpack(out)), norm(expected));

// ---------------------------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------------------------
const toF32 = (u8) =>
  u8.byteOffset % 4 === 0
    ? new Float32Array(u8.buffer, u8.byteOffset, u8.byteLength >> 2)
    : new Float32Array(u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength));

/** A frame as a receiver holds it: its own ArrayBuffer, offset 0 (as a WebSocket message arrives). */
const received = (bytes) => new Uint8Array(bytes);

const results = [];
const checks = [];
const facts = {};

function check(name, fn) {
  let detail;
  try {
    detail = fn();
  } catch (e) {
    detail = `threw ${e?.name}: ${e?.message}`;
  }
  checks.push({ name, ok: detail === undefined, ...(detail === undefined ? {} : { detail }) });
  if (detail !== undefined) log(`CHECK FAILED ${name}: ${detail}`);
}

function runSuite(name, list, { big = false } = {}) {
  if (only && !only.has(name.split(" ")[0])) return;
  log(`${name}: ${list.length} cases`);
  for (const c of list) if (c.check) check(`${c.id}: ${c.name}`, () => c.check(c.fn()));
  const m = measureSuite(list, cfg, { big, log: cfg.smoke ? () => {} : log });
  for (const c of list) {
    const { fn: _f, check: _c, ...meta } = c;
    const r = m.get(c.id);
    results.push({
      ...meta,
      samples_ns: r.samples_ns,
      iters: r.iters,
      median_ns: median(r.samples_ns),
      min_ns: Math.min(...r.samples_ns),
      max_ns: Math.max(...r.samples_ns),
    });
  }
}

function memcpyCases(W, op, bytes, { fresh = false } = {}) {
  const src = new Uint8Array(bytes).fill(7);
  const dst = new Uint8Array(bytes).fill(1);
  const list = [
    {
      id: `${W}.${op}.memcpy`,
      workload: W,
      op,
      name: "memcpy: Uint8Array.set into a prefaulted buffer",
      role: "limit",
      per: "payload",
      payload_bytes: bytes,
      fn: () => (dst.set(src), dst),
    },
  ];
  if (fresh)
    list.push({
      id: `${W}.${op}.memcpy-fresh`,
      workload: W,
      op,
      name: "alloc + copy: Buffer.allocUnsafeSlow + set (fresh pages)",
      role: "limit",
      per: "payload",
      payload_bytes: bytes,
      fn: () => {
        const b = Buffer.allocUnsafeSlow(bytes);
        b.set(src);
        return b;
      },
    });
  return list;
}

/** Encode and decode cases of a tree-shaped workload (W1, W2): goals are ratios to msgpackr. */
function treeSuites(W, w, goals) {
  const canonical = vmp.encode(w.desc, w.ours).slice();
  const frame = received(canonical);
  const writer = new vmp.Writer();
  const base = { workload: W, bytes: canonical.length, per: "msg" };
  const enc = (id, name, role, fn, extra = {}) => ({
    ...base,
    id: `${W}.encode.${id}`,
    op: "encode",
    name,
    role,
    fn,
    ...extra,
  });
  const dec = (id, name, role, fn, extra = {}) => ({
    ...base,
    id: `${W}.decode.${id}`,
    op: "decode",
    name,
    role,
    fn,
    ...extra,
  });
  const refE = `${W}.encode.msgpackr`;
  const refD = `${W}.decode.msgpackr`;
  runSuite(`${W} encode`, [
    enc("vmp", "vmp encode() (validated, canonical)", "ours", () => vmp.encode(w.desc, w.ours), {
      ref: refE,
      goal: { kind: "ratio", min: goals.encode, text: `>= ${goals.encode}x msgpackr` },
      check: sameBytes(canonical),
    }),
    enc(
      "vmp-into",
      "vmp encodeInto() a reused Writer",
      "ours",
      () => {
        writer.reset();
        vmp.encodeInto(w.desc, w.ours, writer);
        return writer.view();
      },
      { ref: refE, check: sameBytes(canonical) },
    ),
    enc("msgpackr", "msgpackr pack (useRecords:false)", "anchor", () => packr.pack(w.plain), {
      check: decodesTo(w.plain),
      note: "map16 headers, ts as float64: not canonical",
    }),
    enc("msgpack-encode", "@msgpack/msgpack encode()", "anchor", () => mp.encode(w.plain), {
      ref: refE,
      check: sameBytes(canonical),
    }),
    enc(
      "msgpack-shared",
      "@msgpack/msgpack Encoder.encodeSharedRef() (reused)",
      "anchor",
      () => mpEncoder.encodeSharedRef(w.plain),
      {
        ref: refE,
        check: sameBytes(canonical),
      },
    ),
  ]);
  runSuite(`${W} decode`, [
    dec("vmp", `vmp decode(${w.type}) (typed, validated)`, "ours", () => vmp.decode(w.desc, frame), {
      ref: refD,
      goal: { kind: "ratio", min: goals.decode, text: `>= ${goals.decode}x msgpackr unpack` },
      check: sameValue(w.plain),
    }),
    dec("msgpackr", "msgpackr unpack (not validated)", "anchor", () => packr.unpack(frame), {
      check: sameValue(w.plain),
    }),
    dec(
      "msgpackr-validate",
      `msgpackr unpack + vmp validate("${w.type}")`,
      "context",
      () => {
        const v = packr.unpack(frame);
        if (vmp.validate(w.type, v).length) throw new Error("invalid");
        return v;
      },
      { ref: refD, check: sameValue(w.plain) },
    ),
    dec("msgpack", "@msgpack/msgpack decode() (not validated)", "anchor", () => mp.decode(frame), {
      ref: refD,
      check: sameValue(w.plain),
    }),
  ]);
}

/** Byte offsets of the payloads of `b` bins of `len` bytes (found by their `a1 62` key and bin header). */
function payloadOffsets(bytes, len) {
  const hdr =
    len <= 0xff
      ? [0xc4, len]
      : len <= 0xffff
        ? [0xc5, len >> 8, len & 0xff]
        : [0xc6, len >>> 24, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff];
  const pat = [0xa1, 0x62, ...hdr];
  const out = [];
  outer: for (let i = 0; i + pat.length <= bytes.length; i++) {
    for (let j = 0; j < pat.length; j++) if (bytes[i + j] !== pat[j]) continue outer;
    out.push(i + pat.length);
    i += pat.length + len - 1;
  }
  return out;
}

function tensorSuites(W, n) {
  const w = w3(n);
  const canonical = vmp.encode(w.desc, w.ours).slice();
  const frame = received(canonical);
  const payload = n * 4;
  const big = payload > 32e6;
  const [offset] = payloadOffsets(canonical, payload);
  const aligned = offset % 4 === 0;
  facts[`${W} payload offset`] = {
    offset,
    mod4: offset % 4,
    mod8: offset % 8,
    mod64: offset % 64,
    frame_bytes: canonical.length,
  };
  const writer = new vmp.Writer();
  const base = { workload: W, bytes: canonical.length, per: "payload", payload_bytes: payload };
  const enc = (id, name, role, fn, extra = {}) => ({
    ...base,
    id: `${W}.encode.${id}`,
    op: "encode",
    name,
    role,
    fn,
    ...extra,
  });
  const dec = (id, name, role, fn, extra = {}) => ({
    ...base,
    id: `${W}.decode.${id}`,
    op: "decode",
    name,
    role,
    fn,
    ...extra,
  });
  const memcpy = `${W}.encode.memcpy`;
  const withF32 = (m) => {
    const p = m.data.nodes[0].points;
    p.f32 = toF32(p.b);
    return m;
  };
  runSuite(
    `${W} encode`,
    [
      ...memcpyCases(W, "encode", payload, { fresh: true }),
      enc(
        "vmp-into",
        "vmp encodeInto() a reused Writer",
        "ours",
        () => {
          writer.reset();
          vmp.encodeInto(w.desc, w.ours, writer);
          return writer.view();
        },
        {
          ref: memcpy,
          goal: { kind: "ratio", min: 0.8, text: ">= 0.8x memcpy" },
          check: sameBytes(canonical),
        },
      ),
      enc("vmp", "vmp encode() (fresh buffer)", "ours", () => vmp.encode(w.desc, w.ours), {
        ref: `${W}.encode.memcpy-fresh`,
        check: sameBytes(canonical),
      }),
      enc("msgpackr", "msgpackr pack (useRecords:false)", "anchor", () => packr.pack(w.plain), {
        ref: memcpy,
        check: decodesTo(w.plain),
      }),
      enc("msgpack-encode", "@msgpack/msgpack encode()", "anchor", () => mp.encode(w.plain), {
        ref: memcpy,
        check: sameBytes(canonical),
      }),
      enc(
        "msgpack-shared",
        "@msgpack/msgpack Encoder.encodeSharedRef() (reused)",
        "anchor",
        () => mpEncoder.encodeSharedRef(w.plain),
        {
          ref: memcpy,
          check: sameBytes(canonical),
        },
      ),
    ],
    { big },
  );
  const viewGoal = aligned
    ? { kind: "max_ns", max: 20_000, text: "O(1): < 20 us (payload aligned)" }
    : {
        kind: "ratio",
        min: 0.5,
        vs: `${W}.decode.memcpy`,
        text: ">= 0.5x memcpy (payload unaligned: one copy)",
      };
  runSuite(
    `${W} decode`,
    [
      ...memcpyCases(W, "decode", payload, { fresh: true }),
      dec("vmp-view", "vmp decode() -> NDArray view (validated)", "ours", () => vmp.decode(w.desc, frame), {
        ref: `${W}.decode.msgpackr`,
        goal: viewGoal,
        check: (m) => {
          const d = m.data.nodes[0].points.data;
          if (aligned && d.buffer !== frame.buffer) return "payload aligned but decoded as a copy";
          return sameValue(w.plain)(m);
        },
      }),
      dec(
        "vmp-copy",
        "vmp decode({copy:true}) -> owned NDArray",
        "ours",
        () => vmp.decode(w.desc, frame, { copy: true }),
        {
          ref: `${W}.decode.memcpy-fresh`,
          check: (m) =>
            m.data.nodes[0].points.data.buffer === frame.buffer
              ? "copy:true returned a view"
              : sameValue(w.plain)(m),
        },
      ),
      dec(
        "msgpackr",
        "msgpackr unpack + Float32Array (view if aligned, else copy)",
        "anchor",
        () => withF32(packr.unpack(frame)),
        {
          check: sameValue(w.plain),
        },
      ),
      dec(
        "msgpack",
        "@msgpack/msgpack decode() + Float32Array (view if aligned)",
        "anchor",
        () => withF32(mp.decode(frame)),
        {
          ref: `${W}.decode.msgpackr`,
          check: sameValue(w.plain),
        },
      ),
    ],
    { big },
  );
}

/** Where a W3 payload lands for element keys of 1..8 characters: alignment is a matter of the header bytes. */
function alignmentByKeyLength() {
  const f = new Float32Array(1_000_000);
  const out = {};
  for (let len = 1; len <= 8; len++) {
    const msg = {
      ts: TS,
      etype: "UPDATE",
      data: { nodes: [{ key: "k".repeat(len), points: vmp.NDArray.from(f) }] },
    };
    const [offset] = payloadOffsets(vmp.encode(schema.UpdateEvent, msg), f.byteLength);
    out[len] = offset % 8;
  }
  const v = Object.values(out);
  facts["W3 payload offset mod 8 by key length 1..8"] = {
    ...out,
    aligned4: v.filter((x) => x % 4 === 0).length,
    aligned8: v.filter((x) => x === 0).length,
  };
}

function manySuites(W) {
  const w = w4();
  const canonical = vmp.encode(w.desc, w.ours).slice();
  const frame = received(canonical);
  const offsets = payloadOffsets(canonical, 12);
  facts[`${W} payloads aligned`] = {
    items: offsets.length,
    mod4_zero: offsets.filter((o) => o % 4 === 0).length,
    frame_bytes: canonical.length,
  };
  const writer = new vmp.Writer();
  const base = { workload: W, bytes: canonical.length, per: "msg" };
  const enc = (id, name, role, fn, extra = {}) => ({
    ...base,
    id: `${W}.encode.${id}`,
    op: "encode",
    name,
    role,
    fn,
    ...extra,
  });
  const dec = (id, name, role, fn, extra = {}) => ({
    ...base,
    id: `${W}.decode.${id}`,
    op: "decode",
    name,
    role,
    fn,
    ...extra,
  });
  const withF32 = (m) => {
    for (const p of m.data.nodes[0].items) p.f32 = toF32(p.b);
    return m;
  };
  runSuite(`${W} encode`, [
    enc("vmp", "vmp encode() (validated, canonical)", "ours", () => vmp.encode(w.desc, w.ours), {
      ref: `${W}.encode.msgpackr`,
      check: sameBytes(canonical),
    }),
    enc(
      "vmp-into",
      "vmp encodeInto() a reused Writer",
      "ours",
      () => {
        writer.reset();
        vmp.encodeInto(w.desc, w.ours, writer);
        return writer.view();
      },
      { ref: `${W}.encode.msgpackr`, check: sameBytes(canonical) },
    ),
    enc("msgpackr", "msgpackr pack (useRecords:false)", "anchor", () => packr.pack(w.plain), {
      check: decodesTo(w.plain),
    }),
    enc(
      "msgpack-shared",
      "@msgpack/msgpack Encoder.encodeSharedRef() (reused)",
      "anchor",
      () => mpEncoder.encodeSharedRef(w.plain),
      {
        ref: `${W}.encode.msgpackr`,
        check: sameBytes(canonical),
      },
    ),
    ...memcpyCases(W, "encode", canonical.length).map((c) => ({
      ...c,
      role: "context",
      name: "memcpy of the frame's bytes",
    })),
  ]);
  runSuite(`${W} decode`, [
    dec("vmp", "vmp decode() -> 1,000 NDArrays (validated)", "ours", () => vmp.decode(w.desc, frame), {
      ref: `${W}.decode.msgpackr-f32`,
      goal: { kind: "ratio", min: 1.2, text: ">= 1.2x msgpackr + per-item Float32Array" },
      check: sameValue(w.plain),
    }),
    dec("msgpackr", "msgpackr unpack (bins only, no typed arrays)", "context", () => packr.unpack(frame), {
      ref: `${W}.decode.msgpackr-f32`,
    }),
    dec(
      "msgpackr-f32",
      "msgpackr unpack + per-item Float32Array (view if aligned)",
      "anchor",
      () => withF32(packr.unpack(frame)),
      {
        check: sameValue(w.plain),
      },
    ),
    dec(
      "msgpack-f32",
      "@msgpack/msgpack decode() + per-item Float32Array",
      "anchor",
      () => withF32(mp.decode(frame)),
      {
        ref: `${W}.decode.msgpackr-f32`,
        check: sameValue(w.plain),
      },
    ),
    ...memcpyCases(W, "decode", canonical.length).map((c) => ({
      ...c,
      role: "context",
      name: "memcpy of the frame's bytes",
    })),
  ]);
}

// Cross-library byte equality of the canonical frames (reported whatever the mode).
for (const [W, w] of [
  ["W1", w1()],
  ["W2", w2()],
  ["W3 (1,024 floats)", w3(1024)],
  ["W4", w4()],
]) {
  const ours = vmp.encode(w.desc, w.ours).slice();
  check(`${W}: vmp canonical bytes == @msgpack/msgpack encode()`, () => sameBytes(ours)(mp.encode(w.plain)));
  check(`${W}: msgpackr pack decodes (by msgpackr) to the same value`, () =>
    decodesTo(w.plain)(packr.pack(w.plain)),
  );
  check(`${W}: vmp decodes msgpackr's (non-canonical) bytes`, () =>
    diff(norm(vmp.decode(w.desc, received(packr.pack(w.plain)))), norm(w.plain)),
  );
  check(`${W}: relay: encode(decode(B, lossless)) == B`, () =>
    sameBytes(ours)(vmp.encode(w.desc, vmp.decode(w.desc, received(ours), { lossless: true }))),
  );
}

const t0 = Date.now();
treeSuites("W1", w1(), { encode: 1.5, decode: 1.0 });
treeSuites("W2", w2(), { encode: 1.5, decode: 1.0 });
tensorSuites("W3-4MB", 1_000_000);
tensorSuites("W3-64MB", 16_000_000);
manySuites("W4");
alignmentByKeyLength();
log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
consume();

process.stdout.write(
  JSON.stringify({
    lang: "ts",
    runtime: `node ${process.version} (V8 ${process.versions.v8})`,
    libs: {
      "vmp-protocol": JSON.parse(
        readFileSync(new URL("../../generated/ts/package.json", import.meta.url), "utf8"),
      ).version,
      msgpackr: `${version("msgpackr")}${msgpackrNative ? " (native msgpackr-extract)" : " (pure JS)"}`,
      "@msgpack/msgpack": version("@msgpack/msgpack"),
    },
    mode: cfg.smoke ? "smoke" : "full",
    harness: cfg,
    cases: results,
    checks,
    facts,
  }) + "\n",
);
process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
