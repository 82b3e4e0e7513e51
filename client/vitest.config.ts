import { defineConfig, mergeConfig } from "vitest/config";
import viteConfig from "./vite.config.ts";

export default mergeConfig(
  viteConfig,
  defineConfig({
    // Resolve `include` and `setupFiles` from client/ even when run from the repo root.
    root: import.meta.dirname,
    test: {
      name: "client",
      environment: "jsdom",
      include: ["src/**/*.test.{ts,tsx}"],
      setupFiles: ["./src/test/setup.ts"],
      // Form tests type key by key with user-event; on two cores shared with the property tests
      // a few take more than vitest's default 5 s, which says nothing about the code under test.
      testTimeout: 20_000,
    },
  }),
);
