/**
 * Formatting inside the pipeline, with one fixed prettier configuration, so that `vmp generate --check` compares
 * formatted bytes that do not depend on any prettier config of the machine.
 */
import type { Options } from "prettier";

export const PRETTIER_OPTIONS: Options = {
  printWidth: 110,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: false,
  quoteProps: "as-needed",
  trailingComma: "all",
  bracketSpacing: true,
  arrowParens: "always",
  endOfLine: "lf",
  proseWrap: "preserve",
};

/** The prettier parser of a generated file (files without one are kept as they are). */
export type Parser = "typescript";

export async function format(text: string, parser: Parser): Promise<string> {
  const prettier = await import("prettier");
  return prettier.format(text, { ...PRETTIER_OPTIONS, parser });
}
