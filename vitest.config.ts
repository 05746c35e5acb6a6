import { defineConfig } from "vitest/config";

export default defineConfig({
  // The runtime's CommonJS sources are `.cts` (src/runtime): tests import them like the rest.
  oxc: { include: /\.[cm]?tsx?$/ },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Worker-thread tests measure parallelism; keep test files from competing for the 2 cores.
    fileParallelism: false,
    reporters: ["default"],
  },
});
