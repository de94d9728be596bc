/** The TypeScript binding as the registry lists it (generators/registry.ts). */
import type { LanguageEntry } from "../common/emitter.js";

export const typescript: LanguageEntry = {
  id: "ts",
  description: "the generated TypeScript binding (generated/ts)",
  outDir: "ts",
  testee: {
    // A user of the package: it imports `vmp-protocol` (root devDependency file:generated/ts).
    command: ["node", "conformance/testees/ts/dist/main.js"],
    requires: ["generated/ts/dist/index.js", "conformance/testees/ts/dist/main.js"],
    build: "npx vmp generate --lang ts && npm run build",
    sources: ["generated/ts/src", "conformance/testees/ts"],
  },
  load: async () => {
    const ts = await import("./index.js");
    return { generate: (ir, ctx) => ts.generate(ir, ts.readTypeScriptInputs(`${ctx.root}/generators/typescript`), ctx.name) };
  },
};
