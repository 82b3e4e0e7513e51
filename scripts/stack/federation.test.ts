// The pieces of federation on one machine that can be checked without running a homeserver: the
// test certificates and the Synapse config that uses them.
import { execFile as execFileCallback } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ensureFederationTls, type FederationTls } from "./federationTls.ts";
import { synapseTemplates } from "./paths.ts";
import { renderTemplate } from "./render.ts";
import { loadOrCreateSecrets } from "./secrets.ts";
import { synapseTemplateValues } from "./synapse.ts";

const execFile = promisify(execFileCallback);

describe("federation on loopback", () => {
  let dir: string;
  let tls: FederationTls;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "xstream-tls-"));
    tls = await ensureFederationTls(join(dir, "tls"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("makes a leaf for localhost and 127.0.0.1 that the test CA signed", async () => {
    const verified = await execFile("openssl", [
      "verify",
      "-CAfile",
      tls.caCertificate,
      tls.certificate,
    ]);
    expect(verified.stdout).toContain(": OK");
    const text = (await execFile("openssl", ["x509", "-in", tls.certificate, "-noout", "-text"]))
      .stdout;
    expect(text).toMatch(/DNS:localhost/);
    expect(text).toMatch(/IP Address:127\.0\.0\.1/);
    expect(text).not.toMatch(/CA:TRUE/);
    // The keys stay private to the owner.
    expect((await stat(tls.privateKey)).mode & 0o077).toBe(0);
  });

  it("keeps the certificates it made", async () => {
    const before = await readFile(tls.certificate, "utf8");
    await ensureFederationTls(join(dir, "tls"));
    expect(await readFile(tls.certificate, "utf8")).toBe(before);
  });

  it("renders a Synapse config that keeps the client listener and adds the TLS one", async () => {
    const template = await readFile(join(synapseTemplates, "federation-loopback.yaml"), "utf8");
    const values = synapseTemplateValues({
      python: "python3",
      dir,
      serverName: "localhost:8448",
      publicUrl: "http://localhost:8400",
      port: 8408,
      bridgeUrl: "http://127.0.0.1:8410",
      secrets: await loadOrCreateSecrets(dir),
      logLevel: "WARNING",
      federation: { port: 8448, tls },
    });
    const config = parse(renderTemplate(template, values, "federation-loopback.yaml"));
    expect(config.listeners).toEqual([
      expect.objectContaining({ port: 8408, tls: false }),
      expect.objectContaining({ port: 8448, tls: true, bind_addresses: ["127.0.0.1"] }),
    ]);
    const homeserver = parse(
      renderTemplate(
        await readFile(join(synapseTemplates, "homeserver.yaml"), "utf8"),
        values,
        "homeserver.yaml",
      ),
    );
    // Synapse merges files key by key: the first listener must be homeserver.yaml's, unchanged.
    expect(config.listeners[0]).toEqual(homeserver.listeners[0]);
    expect(homeserver.require_auth_for_profile_requests).toBe(true);
    expect(config.federation_custom_ca_list).toEqual([tls.caCertificate]);
    expect(config.ip_range_whitelist).toEqual(["127.0.0.1/32", "::1/128"]);
    expect(config.trusted_key_servers).toEqual([]);
  });

  it("claims only this homeserver's ids in the appservice registration, ports included", async () => {
    const values = synapseTemplateValues({
      python: "python3",
      dir,
      serverName: "localhost:12345",
      publicUrl: "http://localhost:8400",
      port: 8408,
      bridgeUrl: "http://127.0.0.1:8410",
      secrets: await loadOrCreateSecrets(dir),
      logLevel: "WARNING",
    });
    const template = await readFile(join(synapseTemplates, "appservice-xstream.yaml"), "utf8");
    const registration = parse(renderTemplate(template, values, "appservice-xstream.yaml"));
    // Python's re.match, as Synapse uses it: anchored at the start only.
    const users = new RegExp(`^(?:${registration.namespaces.users[0].regex})`);
    expect(users.test("@xstream_ana:localhost:12345")).toBe(true);
    expect(users.test("@xstream_ana:localhost:123456")).toBe(false);
    expect(users.test("@xstream_ana:localhost")).toBe(false);
    expect(users.test("@xstream_ana:localhostx12345")).toBe(false);
    const aliases = new RegExp(`^(?:${registration.namespaces.aliases[0].regex})`);
    expect(aliases.test("#xstream_room:localhost:12345")).toBe(true);
    expect(aliases.test("#xstream_room:localhost:12345.evil.example")).toBe(false);
  });
});
