/** The Python binding as the registry lists it (generators/registry.ts). */
import type { LanguageEntry } from "../common/emitter.js";

export const python: LanguageEntry = {
  id: "py",
  description: "the generated Python binding (generated/python), run by $VMP_PYTHON or .venv/bin/python",
  outDir: "python",
  testee: {
    // generated/python goes on sys.path, so the package runs from the work tree without being installed.
    command: [
      process.env.VMP_PYTHON ?? ".venv/bin/python",
      "-c",
      "import runpy, sys; sys.path.insert(0, 'generated/python'); runpy.run_module('vmp_protocol.testee', run_name='__main__')",
    ],
    requires: ["generated/python/vmp_protocol/testee.py", ...(process.env.VMP_PYTHON ? [] : [".venv/bin/python"])],
    build: "npm run setup (creates .venv and installs generated/python with its test extras)",
  },
  load: async () => {
    const py = await import("./index.js");
    return { generate: async (ir, ctx) => py.generate(ir, py.readPythonInputs(`${ctx.root}/generators/python`), ctx.root) };
  },
};
