/**
 * `vmp_protocol/__init__.py`: the public API. The runtime's public names come by `from ._runtime import *`: the
 * runtime lists them once, in the `__all__` of generators/python/runtime/__init__.py, and `__all__` here extends
 * itself with that list. Then the spec's error kinds (errors.py), types (types.py), the factories (events.py), the
 * `schema` module, and `__version__`, the package's version (pyproject.toml reads it from here).
 */
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile } from "../common/printer.js";
import type { Ir } from "../../core/src/ir/types.js";
import { ERRORS_MODULE } from "./emit-tables.js";
import { protocolOf } from "../../core/src/ir/protocol.js";
import { pyFile, str } from "./file.js";
import type { PyNames } from "./names.js";
import type { PackageIdentity } from "../common/package-name.js";

export const RUNTIME_PACKAGE = "._runtime";

export function emitInit(ir: Ir, names: PyNames, source: HeaderSource, pkg: PackageIdentity): GeneratedFile {
  const f = pyFile(
    "vmp_protocol/__init__.py",
    source,
    `${pkg.name}: the ${ir.source.title} ${ir.source.version} for Python. A dataclass per spec type and ` +
      `\`${names.knownMessage}\`, their descriptors (the \`schema\` module), a factory per message type (vrpc-py's names), ` +
      "a `VmpError` subclass per error kind, and the runtime codec.",
    { starImports: [RUNTIME_PACKAGE] },
  );
  const typeNames = [...[...ir.types.values()].map((t) => names.type(t.name)), names.knownMessage];
  const factories = protocolOf(ir).factories.map((p) => names.factory(p.message.name));
  // A spec type named like an error kind keeps the name; the error class stays reachable as errors.<Kind>.
  const spec = new Set([...typeNames, ...factories]);
  const kinds = ir.errorKinds.map((k) => k.name).filter((n) => !spec.has(n));
  f.print("__version__ = ", str(ir.source.version));
  f.print('"""The version of the package: the spec\'s version (pyproject.toml reads it from here)."""');
  f.print();
  // Printing a symbol is what imports it: `__all__` names each one, so each is imported.
  f.print("__all__ = [");
  f.indent(() => {
    f.print('"', f.import("schema", "."), '",');
    for (const n of kinds) f.print('"', f.import(n, ERRORS_MODULE), '",');
    for (const n of typeNames) f.print('"', f.import(n, ".types"), '",');
    for (const n of factories) f.print('"', f.import(n, ".events"), '",');
  });
  f.print("]");
  f.print("__all__ += ", f.import("_runtime", "."), ".__all__");
  return f;
}
