// `npm test` runs these projects: unit tests of each workspace and of the stack scripts, then the
// e2e project (integration and browser tests) against one real stack from e2e/harness.ts.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      "bridge-service/vitest.config.ts",
      "client/vitest.config.ts",
      {
        test: {
          name: "scripts",
          include: ["scripts/**/*.test.ts", "bench/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "e2e",
          include: ["e2e/**/*.test.ts", "bridge-service/src/**/*.pg.test.ts"],
          setupFiles: ["e2e/setup-env.ts"],
          environment: "node",
          globalSetup: ["e2e/global-setup.ts"],
          // One stack, two cores: files run one after another.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
