import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Pinned so the same tests run from the repo root (`--project bridge-service`) or from here.
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: {
    name: "bridge-service",
    include: ["src/**/*.test.ts"],
    // Tests against a real PostgreSQL run in the e2e project, which starts one.
    exclude: ["src/**/*.pg.test.ts", "**/node_modules/**"],
    environment: "node",
    // Password hashing (argon2id) and the login throttle's timing tests take seconds of CPU; on a
    // machine running the e2e stacks beside them the default 5 s is not enough wall time.
    testTimeout: 20_000,
  },
});
