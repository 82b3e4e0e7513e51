// Synapse: configs rendered from synapse-config/ on every start (secrets kept in the state
// folder), a signing key made once, SQLite by default.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { type StackEmail, synapseEmailTemplateValues } from "./email.ts";
import type { FederationTls } from "./federationTls.ts";
import { synapseTemplates } from "./paths.ts";
import type { ManagedProcess, Supervisor } from "./processes.ts";
import { answersOk } from "./processes.ts";
import { renderTemplate, type TemplateValues, yamlRegexLiteral } from "./render.ts";
import { newSynapseSigningKey, type StackSecrets } from "./secrets.ts";

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

const TEMPLATES = [
  "homeserver.yaml",
  "database-sqlite.yaml",
  "log.yaml",
  "appservice-xstream.yaml",
] as const;

async function writeConfig(options: SynapseOptions): Promise<string[]> {
  await mkdir(join(options.dir, "media"), { recursive: true });
  const values = synapseTemplateValues(options);
  for (const name of TEMPLATES) {
    const template = await readFile(join(synapseTemplates, name), "utf8");
    await writeFile(join(options.dir, name), renderTemplate(template, values, name), {
      mode: 0o600,
    });
  }
  const signingKey = join(options.dir, "signing.key");
  if (!existsSync(signingKey)) await writeFile(signingKey, newSynapseSigningKey(), { mode: 0o600 });
  const configFiles = [
    join(options.dir, "homeserver.yaml"),
    join(options.dir, "database-sqlite.yaml"),
  ];
  if (options.federation) {
    const name = "federation-loopback.yaml";
    const template = await readFile(join(synapseTemplates, name), "utf8");
    await writeFile(join(options.dir, name), renderTemplate(template, values, name), {
      mode: 0o600,
    });
    configFiles.push(join(options.dir, name));
  }
  if (options.email) {
    const name = "email.yaml";
    const template = await readFile(join(synapseTemplates, name), "utf8");
    const emailValues = { ...values, ...synapseEmailTemplateValues(options.email) };
    await writeFile(join(options.dir, name), renderTemplate(template, emailValues, name), {
      mode: 0o600,
    });
    configFiles.push(join(options.dir, name));
  }
  if (options.overrides) {
    const overridesFile = join(options.dir, "overrides.yaml");
    await writeFile(overridesFile, stringify(options.overrides));
    configFiles.push(overridesFile);
  }
  return configFiles;
}

export async function startSynapse(
  supervisor: Supervisor,
  options: SynapseOptions,
): Promise<{ process: ManagedProcess; url: string; ready: Promise<void> }> {
  const configFiles = await writeConfig(options);
  const url = `http://127.0.0.1:${options.port}`;
  const noProxy = [process.env.no_proxy ?? process.env.NO_PROXY, LOOPBACK]
    .filter(Boolean)
    .join(",");
  const managed = await supervisor.start(
    "synapse",
    options.python,
    ["-m", "synapse.app.homeserver", ...configFiles.flatMap((file) => ["-c", file])],
    {
      cwd: options.dir,
      // An inherited proxy would carry federation traffic and bypass ip_range_whitelist.
      // PYTHONPATH: Synapse loads Xstream's modules (the user directory's rule) from there.
      env: {
        ...process.env,
        PYTHONUNBUFFERED: "1",
        PYTHONPATH: join(synapseTemplates, "modules"),
        no_proxy: noProxy,
        NO_PROXY: noProxy,
      },
      // The first start creates the database schema, which takes a while on two cores.
      health: { check: () => answersOk(`${url}/health`), startupMs: 240_000 },
    },
  );
  const ready = supervisor.ready(managed, "Synapse");
  return { process: managed, url, ready };
}
