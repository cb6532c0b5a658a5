import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The machine has two cores; e2e tests spawn many processes.
    maxWorkers: 2,
    globalSetup: ["test/helpers/global-setup.ts"],
  },
});
