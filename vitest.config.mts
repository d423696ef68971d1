import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Every *.e2e.test.ts file: nothing it prints may name a person (tests/support/personalDataGuard.ts).
    setupFiles: ["tests/support/personalDataGuard.ts"],
  },
});
