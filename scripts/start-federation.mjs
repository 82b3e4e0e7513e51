// `npm run start:federation`: two organisations side by side, federating on this machine.
import { bootstrap } from "./bootstrap.mjs";

await bootstrap();
const { runStartFederation } = await import("./stack/federationCli.ts");
await runStartFederation();
