/**
 * What a generated package is called (`vmp generate --name`): the npm package, the Python distribution and the
 * crate share one name, and the Python import name and the Rust lib name are that name with `-` as `_`. Without
 * `--name` the packages are `vmp-protocol` / `vmp_protocol`, the names of the project's own packages (generated/).
 */
import type { Ir } from "../../core/src/ir/types.js";

export const DEFAULT_PACKAGE_NAME = "vmp-protocol";

/** Lower-case letters, digits and single hyphens, starting with a letter: valid on npm, PyPI and crates.io alike. */
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export interface PackageIdentity {
  /** The npm package, Python distribution and crate name: `my-robot-proto`. */
  readonly name: string;
  /** The Python import name and the Rust lib name: `my_robot_proto`. */
  readonly module: string;
  /**
   * Whether the packages are the project's own (the default name): their documentation speaks of VMP and its
   * producers (vrpc-py, the Vuer server); a package with another name speaks of its spec only.
   */
  readonly own: boolean;
  /** The spec's title, `description` and version, for manifests and READMEs. */
  readonly title: string;
  readonly description?: string;
  readonly version: string;
}

/** Why `name` cannot name a package, or undefined when it can. */
export function invalidPackageName(name: string): string | undefined {
  if (NAME.test(name) && name.length <= 64) return undefined;
  return `--name ${JSON.stringify(name)} must be lower-case letters and digits in words joined by single hyphens, starting with a letter (at most 64 characters), a name npm, PyPI and crates.io all accept`;
}

export function packageIdentity(ir: Ir, name: string = DEFAULT_PACKAGE_NAME): PackageIdentity {
  const problem = invalidPackageName(name);
  if (problem !== undefined) throw new Error(problem);
  return {
    name,
    module: name.replace(/-/g, "_"),
    own: name === DEFAULT_PACKAGE_NAME,
    title: ir.source.title,
    ...(ir.source.description !== undefined ? { description: ir.source.description } : {}),
    version: ir.source.version,
  };
}

/**
 * Whether the packages get tests generated from the spec's examples (core/src/ir/examples.ts): a package named
 * for a user's spec does, when some message type has examples. The project's own packages do not: the same cases
 * are the `spec` vectors, which `vmp conformance` runs through every binding's testee.
 */
export function withTests(ir: Ir, pkg: PackageIdentity): boolean {
  return !pkg.own && ir.messages.some((m) => (m.examples ?? []).length > 0);
}
