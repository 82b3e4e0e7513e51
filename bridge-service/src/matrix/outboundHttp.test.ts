import type { LookupAddress } from "node:dns";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  createOutboundFetch,
  isPublicAddress,
  OUTBOUND_MAX_BODY_BYTES,
  OUTBOUND_TIMEOUT_MS,
  OutboundRefused,
} from "./outboundHttp.js";

/** A local server playing a hostile homeserver; counts the connections it gets. */
interface Hostile {
  port: number;
  connections: () => number;
}

const servers: Server[] = [];
const sockets = new Set<Socket>();

async function hostile(handler: RequestListener): Promise<Hostile> {
  const server = createServer(handler);
  let connections = 0;
  server.on("connection", (socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
}

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A resolver answering from a table, counting look-ups. */
function dns(table: Record<string, string[]>) {
  let lookups = 0;
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    lookups++;
    const addresses = table[hostname];
    if (!addresses)
      throw Object.assign(new Error(`no such host ${hostname}`), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { resolve, lookups: () => lookups };
}

/** Elapsed time of a settled promise, and its error if it failed. */
async function timed<T>(promise: Promise<T>) {
  const started = performance.now();
  try {
    const value = await promise;
    return { value, error: undefined, ms: performance.now() - started };
  } catch (error) {
    return { value: undefined, error: error as Error, ms: performance.now() - started };
  }
}

const json = (body: unknown) => JSON.stringify(body);

describe("isPublicAddress", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fd00::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:169.254.169.254",
    "not an address",
  ])("refuses %s", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])(
    "accepts %s",
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe("createOutboundFetch", () => {
  it("reaches a loopback server only when private addresses are allowed", async () => {
    const server = await hostile((_req, res) => res.end(json({ "m.server": "x" })));
    const names = dns({ "hs.test": ["127.0.0.1"] });
    const refusing = createOutboundFetch({ allowPrivateAddresses: false, resolve: names.resolve });
    const refused = await timed(refusing(`http://hs.test:${server.port}/`));
    expect(refused.error).toBeInstanceOf(OutboundRefused);
    expect(refused.error?.message).toMatch(/127\.0\.0\.1.*not a public address/);
    expect(server.connections()).toBe(0);

    const allowing = createOutboundFetch({ allowPrivateAddresses: true, resolve: names.resolve });
    const response = await allowing(`http://hs.test:${server.port}/`);
    expect(await response.json()).toEqual({ "m.server": "x" });
    expect(server.connections()).toBe(1);
    // One resolution per request, used for both the check and the connection.
    expect(names.lookups()).toBe(2);
  });

  it.each([
    ["loopback", ["127.0.0.1"]],
    ["link-local (cloud metadata)", ["169.254.169.254"]],
    ["IPv6 loopback", ["::1"]],
    ["IPv6 unique-local", ["fd00::1"]],
    ["IPv4-mapped IPv6 loopback", ["::ffff:127.0.0.1"]],
    ["a public address mixed with a private one", ["8.8.8.8", "10.0.0.1"]],
  ])("refuses a host name resolving to %s, before connecting", async (_what, addresses) => {
    const server = await hostile((_req, res) => res.end("{}"));
    const names = dns({ "evil.test": addresses });
    const get = createOutboundFetch({ allowPrivateAddresses: false, resolve: names.resolve });
    const result = await timed(get(`http://evil.test:${server.port}/`));
    expect(result.error).toBeInstanceOf(OutboundRefused);
    expect(result.ms).toBeLessThan(1_000);
    expect(server.connections()).toBe(0);
  });

  it.each([
    "http://127.0.0.1:9/",
    "http://[::1]:9/",
    "http://[::ffff:127.0.0.1]:9/",
    "http://0.0.0.0:9/",
    "https://169.254.169.254/",
    // Numeric spellings of 127.0.0.1, which URL parsing normalises to the dotted form.
    "http://2130706433:9/",
    "http://0x7f.1:9/",
  ])("refuses the address literal in %s", async (url) => {
    const get = createOutboundFetch({ allowPrivateAddresses: false });
    await expect(get(url)).rejects.toBeInstanceOf(OutboundRefused);
  });

  it("does not follow a redirect, not even to a private address it was asked to reach", async () => {
    const target = await hostile((_req, res) => res.end(json({ sub: "@admin:internal" })));
    const redirecting = await hostile((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${target.port}/` }).end();
    });
    const names = dns({ "hs.test": ["127.0.0.1"] });
    const get = createOutboundFetch({ allowPrivateAddresses: true, resolve: names.resolve });
    const response = await get(`http://hs.test:${redirecting.port}/`);
    expect(response.status).toBe(302);
    expect(target.connections()).toBe(0);
  });

  it("stops reading a 10 MB answer at the cap instead of buffering it", async () => {
    let written = 0;
    let closedAt: number | undefined;
    const server = await hostile((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, "a");
      const pump = () => {
        while (written < 10 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        res.end();
      };
      res.on("close", () => {
        closedAt ??= written;
      });
      pump();
    });
    const names = dns({ "big.test": ["127.0.0.1"] });
    const get = createOutboundFetch({ allowPrivateAddresses: true, resolve: names.resolve });
    const result = await timed(get(`http://big.test:${server.port}/`));
    expect(result.error).toBeInstanceOf(OutboundRefused);
    expect(result.error?.message).toMatch(`${OUTBOUND_MAX_BODY_BYTES} bytes`);
    expect(result.ms).toBeLessThan(2_000);
    await expect.poll(() => closedAt, { timeout: 2_000 }).toBeDefined();
    // Socket buffers hold some, but the server never got to send most of it.
    expect(closedAt).toBeLessThan(5 * 1024 * 1024);
  });

  it("refuses an answer whose declared length is over the cap without reading it", async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(200, { "content-length": String(10 * 1024 * 1024) });
      res.write("{");
    });
    const names = dns({ "big.test": ["127.0.0.1"] });
    const get = createOutboundFetch({ allowPrivateAddresses: true, resolve: names.resolve });
    const result = await timed(get(`http://big.test:${server.port}/`));
    expect(result.error).toBeInstanceOf(OutboundRefused);
    expect(result.ms).toBeLessThan(1_000);
  });

  it("gives up on a server that drips its answer, at the deadline for the whole exchange", async () => {
    const timers: NodeJS.Timeout[] = [];
    const server = await hostile((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("[");
      // A byte every 50 ms: every read is quick, the whole answer never comes.
      timers.push(setInterval(() => res.write(" "), 50));
    });
    const names = dns({ "slow.test": ["127.0.0.1"] });
    const get = createOutboundFetch({
      allowPrivateAddresses: true,
      resolve: names.resolve,
      timeoutMs: 400,
    });
    const result = await timed(get(`http://slow.test:${server.port}/`));
    for (const timer of timers) clearInterval(timer);
    expect(result.error?.name).toBe("TimeoutError");
    expect(result.ms).toBeGreaterThanOrEqual(390);
    expect(result.ms).toBeLessThan(2_000);
  });

  it("gives up on a server that accepts the connection and never answers", async () => {
    const server = await hostile(() => {});
    const names = dns({ "mute.test": ["127.0.0.1"] });
    const get = createOutboundFetch({
      allowPrivateAddresses: true,
      resolve: names.resolve,
      timeoutMs: 300,
    });
    const result = await timed(get(`http://mute.test:${server.port}/`));
    expect(result.error?.name).toBe("TimeoutError");
    expect(result.ms).toBeLessThan(2_000);
  });

  it("defaults to 5 s and 64 KB", () => {
    expect(OUTBOUND_TIMEOUT_MS).toBe(5_000);
    expect(OUTBOUND_MAX_BODY_BYTES).toBe(64 * 1024);
  });

  it("reports a name that does not resolve", async () => {
    const get = createOutboundFetch({ allowPrivateAddresses: false, resolve: dns({}).resolve });
    await expect(get("https://nowhere.test/")).rejects.toMatchObject({ code: "ENOTFOUND" });
  });
});
