/**
 * The one interface every language emitter implements, and what the toolchain knows of a language without loading
 * its emitter: `vmp generate`, `vmp conformance` and the matrix all read the registry (generators/registry.ts).
 */
import type { LoadedSpec } from "../../core/src/ir/build.js";
import type { Ir } from "../../core/src/ir/types.js";
import type { OutputFile } from "./output.js";

/** What an emitter is given besides the IR. */
export interface EmitContext {
  /** The spec as loaded (its document, file name and hash). */
  readonly spec: LoadedSpec;
  /** The toolchain's root, where the emitter finds its runtime, support files and templates. */
  readonly root: string;
  /** The packages' name (`vmp generate --name`; generators/common/package-name.ts); absent: `vmp-protocol`. */
  readonly name?: string;
}

/** How the conformance runner starts a language's testee (conformance/README.md says what a testee does). */
export interface TesteeCommand {
  /** The argv that starts the testee. `node` means the Node that runs vmp; relative paths resolve against `cwd`. */
  readonly command: readonly string[];
  /** Files (relative to `cwd`) that exist once the testee is built; when one is missing the language is "not built". */
  readonly requires: readonly string[];
  /** What to run to build the testee, shown when it is not built. */
  readonly build: string;
  /**
   * Files and folders (relative to `cwd`) the built testee is made from: when one of them is newer than a file of
   * `requires`, the testee is out of date and the runner refuses it rather than test stale code.
   */
  readonly sources?: readonly string[];
  /** The directory the testee runs in (default: the repository root). */
  readonly cwd?: string;
}

/** A language as the registry lists it: static facts, and the emitter itself loaded on demand. */
export interface LanguageEntry {
  /** The `--lang` name, also the name of the conformance failure list. */
  readonly id: string;
  /** One line for `--help` and reports. */
  readonly description: string;
  /** The package's folder under the output directory (`generated/<outDir>`). */
  readonly outDir: string;
  readonly testee: TesteeCommand;
  /** Loads the emitter. Modules load on demand, so commands that do not generate never pay for prettier. */
  readonly load: () => Promise<Emitter>;
}

export interface Emitter {
  /** The package's files, formatted, in a fixed order: what `vmp generate` writes or checks. */
  generate(ir: Ir, ctx: EmitContext): Promise<OutputFile[]>;
}
