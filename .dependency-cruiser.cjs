/**
 * The toolchain's layers (ARCHITECTURE.md): each layer imports only the layers below it.
 *
 *   core (spec loading, IR, lint, errors and paths)
 *     <- reference (wire codec, value model, JSON form, schema validation)
 *       <- generators (codegen framework and emitters), conformance (vectors, runner)
 *         <- cli (the `vmp` command)
 *
 * Tests sit above everything and may import any layer. `npm test` runs `npm run deps`, which fails on any rule.
 */
const SRC = "^(core|reference|generators|conformance|cli)/";
const TESTS = "(^|/)test/|\\.test\\.ts$";

/** A rule that forbids `from` (source, not tests) to import `to`. */
const forbid = (name, comment, from, to) => ({
  name,
  comment,
  severity: "error",
  from: { path: from, pathNot: TESTS },
  to: { path: to },
});

module.exports = {
  forbidden: [
    forbid("core-is-the-bottom", "core depends on nothing else in the toolchain", "^core/", "^(reference|generators|conformance|cli)/"),
    forbid("reference-on-core-only", "the reference codec sits on core alone", "^reference/", "^(generators|conformance|cli)/"),
    forbid("generators-below-conformance", "emitters never depend on the conformance suite or the CLI", "^generators/", "^(conformance|cli)/"),
    forbid("generators-not-reference", "emitters turn the IR into syntax; they need no codec", "^generators/", "^reference/"),
    forbid("nothing-imports-cli", "the CLI is the top layer", "^(core|reference|generators|conformance)/", "^cli/"),
    forbid("no-generated-in-toolchain", "the toolchain never imports a generated package", SRC, "^generated/"),
    {
      name: "no-cycles",
      comment: "no import cycle anywhere in the toolchain's sources",
      severity: "error",
      from: { path: SRC, pathNot: TESTS },
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|node_modules|generated|target)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.check.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
