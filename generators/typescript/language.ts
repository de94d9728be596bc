/** The TypeScript binding as the registry lists it (generators/registry.ts). */
import type { LanguageEntry } from "../common/emitter.js";

export const typescript: LanguageEntry = {
  id: "ts",
  description: "the generated TypeScript binding (generated/ts)",
  outDir: "ts",
  testee: {
    command: ["node", "generated/ts/dist/testee.js"],
    requires: ["generated/ts/dist/testee.js"],
    build: "npx vmp generate --lang ts && npx tsc -p generated/ts",
  },
  load: async () => {
    const ts = await import("./index.js");
    return { generate: (ir, ctx) => ts.generate(ir, ctx.spec.doc, ts.readTypeScriptInputs(`${ctx.root}/generators/typescript`)) };
  },
};
