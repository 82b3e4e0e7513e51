// A test certificate authority and one leaf certificate for federation on loopback, made with the
// `openssl` command on first use and kept in a folder both homeservers share. Synapse federates
// only over TLS and checks the certificate against the host in its server name, so one leaf for
// `localhost` and 127.0.0.1 serves every `localhost:<port>` homeserver on the machine.
import { execFile as execFileCallback } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { StartupError } from "./processes.ts";

const execFile = promisify(execFileCallback);

export interface FederationTls {
  /** PEM of the test CA: Synapse's federation_custom_ca_list and the bridge's NODE_EXTRA_CA_CERTS. */
  caCertificate: string;
  /** The leaf certificate (SAN DNS:localhost, IP:127.0.0.1) and its key, for Synapse's TLS listener. */
  certificate: string;
  privateKey: string;
}

const LEAF_EXTENSIONS = [
  "basicConstraints=critical,CA:FALSE",
  "keyUsage=critical,digitalSignature,keyEncipherment",
  "extendedKeyUsage=serverAuth,clientAuth",
  "subjectAltName=DNS:localhost,IP:127.0.0.1",
].join("\n");

async function openssl(args: string[]) {
  try {
    await execFile("openssl", args);
  } catch (error) {
    throw new StartupError(
      `openssl ${args[0]} failed while making the federation test certificates (is the openssl command installed?): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The CA and leaf in `dir`, made now if any file is missing (then all are made afresh). */
export async function ensureFederationTls(dir: string): Promise<FederationTls> {
  const files: FederationTls = {
    caCertificate: join(dir, "ca.crt"),
    certificate: join(dir, "localhost.crt"),
    privateKey: join(dir, "localhost.key"),
  };
  if (Object.values(files).every((file) => existsSync(file))) return files;

  await mkdir(dir, { recursive: true, mode: 0o700 });
  const caKey = join(dir, "ca.key");
  const csr = join(dir, "localhost.csr");
  const extensions = join(dir, "localhost.ext");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    caKey,
    "-out",
    files.caCertificate,
    "-days",
    "3650",
    "-subj",
    "/CN=Xstream federation test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  await openssl(["req", ...ec, "-keyout", files.privateKey, "-out", csr, "-subj", "/CN=localhost"]);
  await writeFile(extensions, `${LEAF_EXTENSIONS}\n`);
  await openssl([
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    files.caCertificate,
    "-CAkey",
    caKey,
    "-CAcreateserial",
    "-out",
    files.certificate,
    "-days",
    "825",
    "-extfile",
    extensions,
  ]);
  await rm(csr, { force: true });
  await rm(extensions, { force: true });
  return files;
}
