/**
 * The generated TypeScript package runs in a browser (the Vuer client is one): the built package is served from
 * loopback to headless Chromium, which decodes and re-encodes a sample of the shared vectors with nothing but
 * browser APIs (no Buffer, no node: modules) and must reproduce every canonical byte string.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CHROMIUM = "/usr/bin/chromium";
const DIST = "generated/ts/dist";
const available = existsSync(CHROMIUM) && existsSync(join(DIST, "index.js"));

interface Sample {
  id: string;
  type: string;
  canonical: string;
  alternatives: string[];
}

/** Every valid vector of every manifest (all 292; a browser round trip of the whole corpus takes a second). */
function sample(): Sample[] {
  const dir = "conformance/vectors";
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && f !== "manifest.schema.json")
    .flatMap((f) => JSON.parse(readFileSync(join(dir, f), "utf8")).vectors)
    .filter((v: { valid: boolean }) => v.valid)
    .map((v: { id: string; type: string; canonical: string; alternatives?: { hex: string }[] }) => ({
      id: v.id,
      type: v.type,
      canonical: v.canonical,
      alternatives: (v.alternatives ?? []).map((a) => a.hex),
    }));
}

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import * as vmp from "/pkg/index.js";
const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const bytes = (h) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
const samples = await (await fetch("/samples.json")).json();
const failures = [];
for (const s of samples) {
  for (const input of [s.canonical, ...s.alternatives]) {
    try {
      const out = s.type === "any"
        ? vmp.encodeValue(vmp.decodeValue(bytes(input), { lossless: true }))
        : vmp.encode(vmp.schema[s.type], vmp.decode(vmp.schema[s.type], bytes(input), { lossless: true }));
      if (hex(out) !== s.canonical) failures.push(s.id + ": re-encoded to " + hex(out).slice(0, 60));
    } catch (e) {
      failures.push(s.id + ": " + e);
    }
  }
}
window.__vmp = { checked: samples.length, failures, hasBuffer: typeof globalThis.Buffer !== "undefined" };
</script>`;

const TYPES: Record<string, string> = { ".js": "text/javascript", ".map": "application/json" };

function serve(samples: Sample[]): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/") return res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
    if (url.pathname === "/samples.json") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(samples));
    const file = normalize(join(DIST, url.pathname.replace(/^\/pkg\//, "")));
    if (!url.pathname.startsWith("/pkg/") || !file.startsWith(normalize(DIST)) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

describe.skipIf(!available && !process.env.CI)("the generated package in headless Chromium", () => {
  let browser: Browser;
  let server: Server;
  const samples = sample();

  beforeAll(async () => {
    server = await serve(samples);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // As root on a closed network: no sandbox, and none of Chromium's background connections.
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it("decodes and re-encodes every valid vector byte-exactly with browser APIs only", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (globalThis as { __vmp?: unknown }).__vmp !== undefined || document.title === "error", null, { timeout: 30_000 });
    const result = await page.evaluate(() => (globalThis as unknown as { __vmp: { checked: number; failures: string[]; hasBuffer: boolean } }).__vmp);
    expect(errors).toEqual([]);
    expect(result.hasBuffer).toBe(false);
    expect(result.failures).toEqual([]);
    expect(result.checked).toBe(samples.length);
    expect(samples.length).toBeGreaterThan(250);
  }, 60_000);
});
