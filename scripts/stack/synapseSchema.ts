// A new Synapse database is made whole before the homeserver first starts, by
// synapse-config/prepare_database.py (Synapse's own `update_synapse_database` with its background
// updates, when the database has no schema yet; see that file for why). Compose's
// `synapse-setup` service runs the same script.
import { join } from "node:path";
import { synapseTemplates } from "./paths.ts";
import type { LogSink } from "./processes.ts";
import { runSynapseScript } from "./synapsePort.ts";

/** Where prepare_database.py is, beside the configuration it reads. */
const prepareDatabaseScript = join(synapseTemplates, "prepare_database.py");

/**
 * Makes the schema of a database Synapse has not used yet and runs its background updates to the
 * end; leaves a database that has a schema alone. Synapse must not be running.
 * @param configFiles homeserver.yaml and the database file, as Synapse reads them
 */
export function prepareNewDatabase(options: {
  python: string;
  synapseDir: string;
  configFiles: readonly string[];
  env: NodeJS.ProcessEnv;
  sink: LogSink;
}): Promise<void> {
  return runSynapseScript(options.python, prepareDatabaseScript, [...options.configFiles], {
    ...options,
    part: "synapse-setup",
    failure: "making Synapse's new database failed; the next start tries again",
  });
}
