// Peak memory of W3 decode (bench/README.md): `write <file> <floats>` writes a W3 frame; `decode <view|copy> <file>`
// loads it (the frame), then decodes it and prints {frame_bytes, base_peak_kb, peak_kb, delta_kb, ...} as JSON.
import { closeSync, fstatSync, openSync, readSync, writeFileSync } from "node:fs";

const vmp = await import("../../generated/ts/dist/index.js");
const [mode, a, b] = process.argv.slice(2);
const TS = 1700000000123;

if (mode === "write") {
  const n = Number(b);
  const f = new Float32Array(n);
  for (let i = 0; i < n; i++) f[i] = (i & 1023) * 0.5;
  const msg = { ts: TS, etype: "UPDATE", data: { nodes: [{ key: "pc-1", points: vmp.NDArray.from(f) }] } };
  writeFileSync(a, vmp.encode(vmp.schema.UpdateEvent, msg));
} else if (mode === "decode") {
  const fd = openSync(b, "r");
  const size = fstatSync(fd).size;
  const frame = new Uint8Array(size); // its own ArrayBuffer, offset 0, as a received WebSocket message
  for (let at = 0; at < size;) at += readSync(fd, frame, at, size - at, at);
  closeSync(fd);
  globalThis.gc?.();
  const base = process.resourceUsage().maxRSS;
  const m = vmp.decode(vmp.schema.UpdateEvent, frame, { copy: a === "copy" });
  const peak = process.resourceUsage().maxRSS;
  const points = m.data.nodes[0].points;
  const mem = process.memoryUsage();
  process.stdout.write(
    JSON.stringify({
      lang: "ts",
      mode: a,
      frame_bytes: size,
      view: points.data.buffer === frame.buffer,
      base_peak_kb: base,
      peak_kb: peak,
      delta_kb: peak - base,
      rss_kb: Math.round(mem.rss / 1024),
      array_buffers_kb: Math.round(mem.arrayBuffers / 1024),
      elements: points.data.length,
    }) + "\n",
  );
} else {
  console.error("usage: rss.mjs write <file> <floats> | decode <view|copy> <file>");
  process.exit(2);
}
