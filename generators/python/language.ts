/** The Python binding as the registry lists it (generators/registry.ts). */
import type { LanguageEntry } from "../common/emitter.js";

export const python: LanguageEntry = {
  id: "py",
  description: "the generated Python binding (generated/python), run by $VMP_PYTHON or .venv/bin/python",
  outDir: "python",
  testee: {
    // The testee imports vmp_protocol as any user would: installed (editable) in that Python by `npm run setup`.
    command: [process.env.VMP_PYTHON ?? ".venv/bin/python", "conformance/testees/py/testee.py"],
    requires: ["conformance/testees/py/testee.py", ...(process.env.VMP_PYTHON ? [] : [".venv/bin/python"])],
    build: "npm run setup (creates .venv and installs generated/python, editable, with its test extras)",
  },
  load: async () => {
    const py = await import("./index.js");
    return { generate: async (ir, ctx) => py.generate(ir, py.readPythonInputs(`${ctx.root}/generators/python`), ctx.root, ctx.name) };
  },
};
