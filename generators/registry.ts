/**
 * The languages the toolchain generates, registered once. A new language is one entry here (and its emitter
 * folder); `vmp generate --lang`, `vmp conformance --lang` and the matrix all read this list.
 */
import type { LanguageEntry } from "./common/emitter.js";
import { python } from "./python/language.js";
import { rust } from "./rust/language.js";
import { typescript } from "./typescript/language.js";

export type { Emitter, EmitContext, LanguageEntry, TesteeCommand } from "./common/emitter.js";

export const LANGUAGES: readonly LanguageEntry[] = [typescript, python, rust];

export function findLanguage(id: string): LanguageEntry | undefined {
  return LANGUAGES.find((l) => l.id === id);
}
