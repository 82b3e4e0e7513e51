import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// Testing Library only auto-cleans when test globals are enabled; we import from vitest explicitly.
afterEach(() => {
  cleanup();
});

// A page that the app loads lazily (its own chunk) is transformed by Vite on its first import in
// a test file, which takes seconds when the machine is busy. findBy*/waitFor give up after 1 s
// by default and would then fail for the machine's sake; waiting up to 8 s changes no assertion
// (what must appear still must appear) and stays well inside the 20 s test limit.
configure({ asyncUtilTimeout: 8_000 });

// Responses are checked against the /api contract in development builds and tests
// (src/api/contractCheck.ts). Its schemas load here, once per file, so that the first checked
// response does not wait for zod inside a test's time limit.
await import("@xstream/contract");
