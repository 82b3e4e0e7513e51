// `npm test`: install what is missing, then every test (unit, integration, browser).
// Extra arguments go to vitest, e.g. `npm test -- e2e/stack.test.ts`.
import { bootstrap } from "./bootstrap.mjs";

await bootstrap();
const { runTests } = await import("./stack/test-runner.ts");
process.exitCode = await runTests(process.argv.slice(2));
