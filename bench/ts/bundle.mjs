// Browser bundle sizes of the TypeScript package (issue 14): an app that encodes and decodes one event, and one
// that takes the whole package, each bundled by esbuild (ESM, minified, tree-shaken) and gzipped.
//
//   node bench/ts/bundle.mjs [dist]     (dist: the built package, default generated/ts/dist)
import { build } from "esbuild";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";

const dist = resolve(process.argv[2] ?? new URL("../../generated/ts/dist", import.meta.url).pathname);

const APPS = {
  "one event (UpdateEvent encode + decode)": `
    import { decode, encode, schema } from "vmp-protocol";
    export const send = (v) => encode(schema.UpdateEvent, v);
    export const receive = (b) => decode(schema.UpdateEvent, b);`,
  "whole package": `export * from "vmp-protocol";`,
};

for (const [name, contents] of Object.entries(APPS)) {
  const out = await build({
    stdin: { contents, resolveDir: dist, loader: "js" },
    alias: { "vmp-protocol": `${dist}/index.js` },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "error",
  });
  const code = out.outputFiles[0].contents;
  const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
  console.log(`${name}: ${kb(code.length)} minified, ${kb(gzipSync(code, { level: 9 }).length)} gzip`);
}
