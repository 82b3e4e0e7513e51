// Synapse: configs rendered from synapse-config/ on every start (secrets kept in the state
// folder), a signing key made once, its own database on the stack's PostgreSQL (an earlier
// SQLite one is ported once, synapsePort.ts), and in worker mode its workers
// (synapseWorkers.ts) next to the main process.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { type StackEmail, synapseEmailTemplateValues } from "./email.ts";
import type { FederationTls } from "./federationTls.ts";
import { synapseTemplates } from "./paths.ts";
import type { SynapseDatabase } from "./postgres.ts";
import type { LogSink, ManagedProcess, Supervisor } from "./processes.ts";
import { answersOk } from "./processes.ts";
import { renderTemplate, type TemplateValues, yamlRegexLiteral } from "./render.ts";
import { newSynapseSigningKey, type StackSecrets } from "./secrets.ts";
import { portSqliteToPostgres } from "./synapsePort.ts";
import { prepareNewDatabase } from "./synapseSchema.ts";
import {
  answersOkOnSocket,
  healthSocket,
  mainReplicationListener,
  sharedWorkerValues,
  type WorkerLayout,
  workerName,
  workerValues,
} from "./synapseWorkers.ts";

export const JWT_ISSUER = "xstream-bridge";
export const JWT_AUDIENCE = "xstream-synapse";
const LOOPBACK = "localhost,127.0.0.1,::1";

export interface SynapseOptions {
  python: string;
  dir: string;
  serverName: string;
  publicUrl: string;
  port: number;
  bridgeUrl: string;
  secrets: StackSecrets;
  logLevel: "INFO" | "WARNING";
  /** Extra config merged last (the test harness relaxes rate limits with it). */
  overrides?: Record<string, unknown>;
  /** Federation with other homeservers on this machine: a TLS listener on `port`. */
  federation?: { port: number; tls: FederationTls };
  /**
   * Synapse's PostgreSQL role and database. Without one, Synapse keeps the SQLite file that
   * earlier versions used (the upgrade test makes such a state folder; DATABASE_URL stacks).
   */
  database?: SynapseDatabase;
  /** Worker mode: the workers to run next to the main process, replicated through Redis. */
  workers?: WorkerLayout;
  /** Where the one-time SQLite port reports its progress. */
  sink?: LogSink;
  /** SMTP: Synapse's `email:` section (3PID validation, missed-message mails); none without. */
  email?: StackEmail;
}

export function synapseTemplateValues(options: SynapseOptions): TemplateValues {
  const { secrets } = options;
  return {
    XS_SERVER_NAME: options.serverName,
    XS_SERVER_NAME_REGEX: yamlRegexLiteral(options.serverName),
    XS_PUBLIC_URL: options.publicUrl,
    XS_SYNAPSE_DATA: options.dir,
    XS_SYNAPSE_CONFIG: options.dir,
    XS_SYNAPSE_PORT: options.port,
    XS_SYNAPSE_BIND: "127.0.0.1",
    XS_REGISTRATION_SHARED_SECRET: secrets.registrationSharedSecret,
    XS_MACAROON_SECRET_KEY: secrets.macaroonSecretKey,
    XS_FORM_SECRET: secrets.formSecret,
    XS_SYNAPSE_JWT_SECRET: secrets.synapseJwtSecret,
    XS_JWT_ISSUER: JWT_ISSUER,
    XS_JWT_AUDIENCE: JWT_AUDIENCE,
    XS_TRUSTED_KEY_SERVERS: "[]",
    // The push gateway is the bridge on loopback, which Synapse's outbound filter blocks.
    XS_IP_RANGE_WHITELIST: '["127.0.0.1/32"]',
    XS_SYNAPSE_LOG_LEVEL: options.logLevel,
    XS_SYNAPSE_ACCESS_LOG_LEVEL: options.logLevel === "INFO" ? "INFO" : "WARNING",
    XS_BRIDGE_URL: options.bridgeUrl,
    XS_AS_TOKEN: secrets.asToken,
    XS_HS_TOKEN: secrets.hsToken,
    ...(options.database
      ? {
          XS_SYNAPSE_DB_HOST: options.database.host,
          XS_SYNAPSE_DB_PORT: options.database.port,
          XS_SYNAPSE_DB_USER: options.database.user,
          XS_SYNAPSE_DB_PASSWORD: options.database.password,
          XS_SYNAPSE_DB_NAME: options.database.name,
        }
      : {}),
    ...(options.workers
      ? sharedWorkerValues(options.workers, secrets.workerReplicationSecret)
      : {}),
    ...(options.federation
      ? {
          XS_FEDERATION_PORT: options.federation.port,
          XS_TLS_CERTIFICATE: options.federation.tls.certificate,
          XS_TLS_PRIVATE_KEY: options.federation.tls.privateKey,
          XS_FEDERATION_CA: options.federation.tls.caCertificate,
        }
      : {}),
  };
}

async function renderInto(dir: string, name: string, values: TemplateValues, as = name) {
  const template = await readFile(join(synapseTemplates, name), "utf8");
  const file = join(dir, as);
  await writeFile(file, renderTemplate(template, values, name), { mode: 0o600 });
  return file;
}

/** The `-c` files of the main process, in order, and those every worker adds after them. */
interface SynapseConfig {
  main: string[];
  /** homeserver.yaml and the database file: what synapse_port_db reads. */
  homeserver: string;
  database: string;
  workers: Map<string, string[]>;
}

async function writeConfig(options: SynapseOptions): Promise<SynapseConfig> {
  await mkdir(join(options.dir, "media"), { recursive: true });
  const values = synapseTemplateValues(options);
  const render = (name: string, as?: string) => renderInto(options.dir, name, values, as);
  const homeserver = await render("homeserver.yaml");
  const database = await render(
    options.database ? "database-postgres.yaml" : "database-sqlite.yaml",
  );
  await render("log.yaml");
  await render("appservice-xstream.yaml");
  const signingKey = join(options.dir, "signing.key");
  if (!existsSync(signingKey)) await writeFile(signingKey, newSynapseSigningKey(), { mode: 0o600 });
  const shared = [homeserver, database];
  const listenerFiles = [homeserver];
  if (options.federation) {
    const file = await render("federation-loopback.yaml");
    shared.push(file);
    listenerFiles.push(file);
  }
  if (options.email) {
    shared.push(
      await renderInto(options.dir, "email.yaml", {
        ...values,
        ...synapseEmailTemplateValues(options.email),
      }),
    );
  }
  const workers = new Map<string, string[]>();
  const main = [...shared];
  if (options.workers) {
    const layout = options.workers;
    await mkdir(layout.runDir, { recursive: true, mode: 0o700 });
    shared.push(await render("workers.yaml"));
    // Synapse merges its config files key by key, not deeply: the main process's replication
    // listener joins whichever `listeners` list came last.
    const last = listenerFiles.at(-1) ?? homeserver;
    const { listeners } = parse(await readFile(last, "utf8")) as { listeners: unknown[] };
    const listenersFile = join(options.dir, "main-listeners.yaml");
    await writeFile(
      listenersFile,
      stringify({ listeners: [...listeners, mainReplicationListener(layout)] }),
      { mode: 0o600 },
    );
    main.splice(0, main.length, ...shared, listenersFile);
    for (const role of layout.roles) {
      const name = workerName(role);
      const file = await renderInto(
        options.dir,
        "worker.yaml",
        { ...values, ...workerValues(layout, role) },
        `${name}.yaml`,
      );
      workers.set(name, [...shared, file]);
    }
  }
  if (options.overrides) {
    const overridesFile = join(options.dir, "overrides.yaml");
    await writeFile(overridesFile, stringify(options.overrides));
    main.push(overridesFile);
    for (const files of workers.values()) files.push(overridesFile);
  }
  return { main, homeserver, database, workers };
}

/** Xstream's Synapse modules, which every Synapse process and script must be able to import. */
export const synapseModules = join(synapseTemplates, "modules");

function synapseEnv() {
  const noProxy = [process.env.no_proxy ?? process.env.NO_PROXY, LOOPBACK]
    .filter(Boolean)
    .join(",");
  // An inherited proxy would carry federation traffic and bypass ip_range_whitelist.
  // PYTHONPATH: Synapse loads Xstream's modules (the user directory's rule) from there.
  return {
    ...process.env,
    PYTHONUNBUFFERED: "1",
    PYTHONPATH: synapseModules,
    no_proxy: noProxy,
    NO_PROXY: noProxy,
  };
}

const configArgs = (files: readonly string[]) => files.flatMap((file) => ["-c", file]);

export interface RunningSynapse {
  process: ManagedProcess;
  url: string;
  ready: Promise<void>;
  /** Starts the workers (worker mode) once the main process serves; resolves when they do. */
  startWorkers(): Promise<void>;
}

export async function startSynapse(
  supervisor: Supervisor,
  options: SynapseOptions,
): Promise<RunningSynapse> {
  const config = await writeConfig(options);
  if (options.database) {
    await portSqliteToPostgres({
      python: options.python,
      synapseDir: options.dir,
      homeserverConfig: config.homeserver,
      postgresConfig: config.database,
      env: synapseEnv(),
      sink: options.sink ?? (() => {}),
    });
  }
  await prepareNewDatabase({
    python: options.python,
    synapseDir: options.dir,
    configFiles: [config.homeserver, config.database],
    env: synapseEnv(),
    sink: options.sink ?? (() => {}),
  });
  const url = `http://127.0.0.1:${options.port}`;
  const managed = await supervisor.start(
    "synapse",
    options.python,
    ["-m", "synapse.app.homeserver", ...configArgs(config.main)],
    {
      cwd: options.dir,
      env: synapseEnv(),
      // Generous: an upgrade applies its schema changes during this start.
      health: { check: () => answersOk(`${url}/health`), startupMs: 240_000 },
    },
  );
  const ready = supervisor.ready(managed, "Synapse");
  const startWorkers = async () => {
    const layout = options.workers;
    if (!layout) return;
    // Workers need the schema the main process made and its replication listener.
    const started = [];
    for (const role of layout.roles) {
      const name = workerName(role);
      const socket = healthSocket(layout, role);
      const worker = await supervisor.start(
        name,
        options.python,
        ["-m", "synapse.app.generic_worker", ...configArgs(config.workers.get(name) ?? [])],
        {
          cwd: options.dir,
          env: synapseEnv(),
          health: {
            check: () => answersOkOnSocket(socket),
            startupMs: 120_000,
            needs: ["synapse", "redis"],
          },
        },
      );
      started.push(supervisor.ready(worker, `Synapse worker ${name}`));
    }
    await Promise.all(started);
  };
  return { process: managed, url, ready, startWorkers };
}
