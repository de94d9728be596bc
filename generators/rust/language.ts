/** The Rust binding as the registry lists it (generators/registry.ts). */
import type { LanguageEntry } from "../common/emitter.js";

/** The testee is a crate of its own next to the other testees, built against generated/rust. */
const TESTEE = "conformance/testees/rs";

export const rust: LanguageEntry = {
  id: "rs",
  description: `the generated Rust binding (generated/rust), through the release testee binary of ${TESTEE}`,
  outDir: "rust",
  testee: {
    command: [`${TESTEE}/target/release/vmp-testee`],
    requires: [`${TESTEE}/target/release/vmp-testee`],
    build: `cargo build --release --locked --manifest-path ${TESTEE}/Cargo.toml`,
    sources: ["generated/rust/src", "generated/rust/Cargo.toml", `${TESTEE}/src`, `${TESTEE}/Cargo.toml`],
  },
  load: async () => {
    const rs = await import("./index.js");
    return { generate: async (ir, ctx) => rs.generate(ir, rs.readRustInputs(`${ctx.root}/generators/rust`), ctx.name) };
  },
};
