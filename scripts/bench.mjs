// `npm run bench`: prints one JSON line per figure ({"name", "value", "unit"}).
import { bootstrap } from "./bootstrap.mjs";

await bootstrap();
const { runBenchmarks } = await import("../bench/run.ts");
process.exitCode = await runBenchmarks(process.argv.slice(2));
