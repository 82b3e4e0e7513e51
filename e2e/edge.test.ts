// The edge as a browser, Element or another server meets it: Caddy running client/Caddyfile, the
// compose edge's file, in front of the test stack. Which part answers each path, the client's
// caching and security headers, and Caddy's own access log, which keeps secrets out.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { eventually } from "./matrix.ts";

const stack = inject("stack");
const APP_MARKER = '<div id="root"></div>';

async function get(path: string, init?: RequestInit) {
  const response = await fetch(`${stack.publicUrl}${path}`, init);
  const text = await response.text();
  let json: { errcode?: string; [key: string]: unknown } | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: the client's page or a file.
  }
  return { status: response.status, headers: response.headers, text, json };
}

describe("the edge routes", () => {
  it.each(["/", "/rooms/abc", "/settings/profile", "/apiary", "/metricsfoo"])(
    "answers %s with the client's page and its security headers",
    async (path) => {
      const page = await get(path);
      expect(page.status).toBe(200);
      expect(page.text).toContain(APP_MARKER);
      expect(page.headers.get("cache-control")).toBe("no-cache");
      const csp = page.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(csp).toContain("frame-ancestors 'none'");
      // Calls connect to LiveKit's loopback port from the page.
      expect(csp).toContain(`ws://127.0.0.1:${stack.ports.livekit}`);
      expect(page.headers.get("x-content-type-options")).toBe("nosniff");
      expect(page.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(page.headers.get("permissions-policy")).toContain("camera=(self)");
    },
  );

  it("caches hashed assets for good and never answers a missing one with the page", async () => {
    const page = await get("/");
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(asset).toBeDefined();
    const file = await get(asset ?? "");
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toContain("javascript");
    expect(file.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const missing = await get("/assets/no-such-file-1234.js");
    expect(missing.status).toBe(404);
    expect(missing.text).not.toContain(APP_MARKER);
  });

  it("serves every script the page waits for from the cache on a reload", async () => {
    // The theme script holds the parser: a name without a hash would cost a round trip each time.
    const page = await get("/");
    const scripts = [...page.text.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map(
      (match) => match[1],
    );
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    for (const script of scripts) {
      expect(script).toMatch(/^\/assets\//);
      const file = await get(script ?? "");
      expect([script, file.status, file.headers.get("cache-control")]).toEqual([
        script,
        200,
        "public, max-age=31536000, immutable",
      ]);
    }
  });

  it("refuses to write to the client's files", async () => {
    const post = await get("/index.html", { method: "POST", body: "x" });
    expect(post.status).toBe(405);
  });

  it.each([
    // Paths with a `login` segment deeper than the version are user data, not logins.
    ["PUT", "/_matrix/client/v3/user/@a:localhost/rooms/!r:localhost/tags/login"],
    ["GET", "/_matrix/client/v3/profile/@login:localhost"],
    ["GET", "/_matrix/client/v3/account/whoami"],
  ])("sends %s %s to Synapse, which asks for an access token", async (method, path) => {
    const answer = await get(path, method === "GET" ? {} : { method, body: "{}" });
    expect([path, answer.status, answer.json?.errcode]).toEqual([path, 401, "M_MISSING_TOKEN"]);
  });

  it("sends Synapse's own pages under /_synapse/client to Synapse", async () => {
    const answer = await get("/_synapse/client/pick_idp");
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.text).not.toContain(APP_MARKER);
    expect(answer.json?.errcode).not.toBe("M_NOT_FOUND");
  });

  it("answers both .well-known documents", async () => {
    const client = await get("/.well-known/matrix/client");
    expect(client.status).toBe(200);
    expect(client.headers.get("access-control-allow-origin")).toBe("*");
    expect(client.json?.["m.homeserver"]).toBeDefined();
    const server = await get("/.well-known/matrix/server");
    expect(server.status).toBe(200);
    // The test stack does not federate: no delegation, Matrix's default port.
    expect(server.json).toEqual({ "m.server": "localhost:8448" });
  });

  it.each([
    "/_synapse/admin/v1/register",
    "/_synapse/admin/v2/users",
    "/_synapse/metrics",
    "/metrics",
    "/metrics/",
  ])("hides %s with a Matrix-style 404", async (path) => {
    const answer = await get(path);
    expect([path, answer.status, answer.json?.errcode]).toEqual([path, 404, "M_NOT_FOUND"]);
  });

  it.each([
    ["/healthz", 200],
    ["/api", 404],
    ["/api/no-such-thing", 404],
    ["/get_token", 405],
    ["/sfu/get", 405],
  ])("sends %s to the bridge", async (path, status) => {
    const answer = await get(path);
    expect([path, answer.status]).toEqual([path, status]);
    // The bridge's own answers: JSON, never the client's page.
    expect(answer.json).toBeDefined();
    expect(answer.text).not.toContain(APP_MARKER);
  });
});

describe("the edge's access log", () => {
  it("logs each request in <state>/logs/edge.log without the secrets in its query", async () => {
    const marker = `edge-log-${Date.now()}`;
    const secret = `secret${Date.now()}`;
    await get(`/_matrix/client/v3/account/whoami?${marker}=1&access_token=${secret}`);
    const line = await eventually(async () => {
      const log = await readFile(join(stack.logsDir, "edge.log"), "utf8");
      return log.split("\n").find((entry) => entry.includes(marker));
    }, "the request in edge.log");
    expect(line).toContain('"status":401');
    expect(line).toContain("access_token=REDACTED");
    const log = await readFile(join(stack.logsDir, "edge.log"), "utf8");
    expect(log).not.toContain(secret);
  });
});
