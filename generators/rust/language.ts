/** The Rust binding as the registry lists it (generators/registry.ts). */
import type { LanguageEntry } from "../common/emitter.js";

export const rust: LanguageEntry = {
  id: "rs",
  description: "the generated Rust binding (generated/rust), its release testee binary",
  outDir: "rust",
  testee: {
    command: ["generated/rust/target/release/vmp-testee"],
    requires: ["generated/rust/target/release/vmp-testee"],
    build: "cargo build --release --manifest-path generated/rust/Cargo.toml",
  },
  load: async () => {
    const rs = await import("./index.js");
    return { generate: async (ir, ctx) => rs.generate(ir, rs.readRustInputs(`${ctx.root}/generators/rust`)) };
  },
};
