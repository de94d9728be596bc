/** `src/index.ts`: the public API, re-exported by name so that nothing internal leaks and no two modules clash. */
import type { HeaderSource } from "../common/header.js";
import type { GeneratedFile } from "../common/printer.js";
import { compare } from "../common/printer.js";
import type { Ir } from "../../core/src/ir/types.js";
import { protocolOf } from "../../core/src/ir/protocol.js";
import { join, printDoc, tsFile } from "./file.js";
import type { TsNames } from "./names.js";
import type { PackageIdentity } from "../common/package-name.js";

export function emitIndex(ir: Ir, names: TsNames, runtimeModules: readonly string[], source: HeaderSource, pkg: PackageIdentity): GeneratedFile {
  const f = tsFile("src/index.ts", source);
  printDoc(
    f,
    `${pkg.name}: the ${ir.source.title} ${ir.source.version} for TypeScript. A type per spec type and ` +
      `\`${names.knownMessage}\`, their descriptors (the \`schema\` namespace), a factory per message type, ` +
      "`validate`, and the runtime codec.",
  );
  const types = [...[...ir.types.values()].map((t) => names.type(t.name)), names.knownMessage, names.decodedMessage, names.messageTypes, names.messageTypeName];
  f.print("export type { ", join(types, ", "), ' } from "./types.js";');
  f.print('export * as schema from "./schema.js";');
  const factories = protocolOf(ir).factories.map((p) => names.factory(p.message.name));
  f.print("export { ", join(factories, ", "), ' } from "./events.js";');
  f.print('export { validate } from "./validate.js";');
  // The runtime's own index decides its public surface when there is one; otherwise every runtime module is.
  const modules = runtimeModules.includes("index.ts") ? ["index.ts"] : [...runtimeModules].sort(compare);
  for (const m of modules) f.print(`export * from "./runtime/${m.replace(/\.ts$/, ".js")}";`);
  return f;
}
