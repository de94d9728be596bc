import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["core/test/**/*.test.ts", "reference/test/**/*.test.ts", "cli/test/**/*.test.ts", "generators/test/**/*.test.ts", "generators/typescript/test/**/*.test.ts", "generators/rust/test/**/*.test.ts", "conformance/test/**/*.test.ts"],
    // The vector corpus tests decode megabytes of hex; give them room on a 2-core CI machine.
    testTimeout: 60_000,
    reporters: ["default", "./cli/test/summary-reporter.ts"],
  },
});
