import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

// Testing Library only auto-cleans when test globals are enabled; we import from vitest explicitly.
afterEach(() => {
  cleanup();
});

// Responses are checked against the /api contract in development builds and tests
// (src/api/contractCheck.ts). Its schemas load here, once per file, so that the first checked
// response does not wait for zod inside a test's time limit.
await import("@xstream/contract");
