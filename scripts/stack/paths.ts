import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
export const synapseTemplates = join(repoRoot, "synapse-config");
export const livekitTemplates = join(repoRoot, "livekit-config");
export const bridgeEntry = join(repoRoot, "bridge-service", "dist", "main.js");
export const clientDist = join(repoRoot, "client", "dist");
