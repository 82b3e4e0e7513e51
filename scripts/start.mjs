// `npm start`: the whole stack on this machine, one URL printed when it is ready.
import { bootstrap } from "./bootstrap.mjs";

await bootstrap();
const { runStart } = await import("./stack/cli.ts");
await runStart();
