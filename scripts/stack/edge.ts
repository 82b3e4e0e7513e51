// The one origin learners open, as the docker-compose edge (Caddy) does in production: the built
// client, plus reverse proxies to Synapse and the bridge, so session cookies stay first-party.
import { createReadStream, existsSync, statSync } from "node:fs";
import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from "node:http";
import { extname, join, normalize, sep } from "node:path";

export interface EdgeOptions {
  port: number;
  clientDir: string;
  synapseUrl: string;
  bridgeUrl: string;
  livekitUrl: string;
  /** More origins the page may connect to: other organisations' token services and LiveKits. */
  connectSources?: readonly string[];
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
  ".webmanifest": "application/manifest+json",
  ".txt": "text/plain; charset=utf-8",
};

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment.toLowerCase();
  }
}

/**
 * A Synapse login path in any version or spelling: under `/_matrix/client/`, a `login` segment
 * among the next three (`v3/login`, `api/v1/login`, `unstable/org.matrix.msc3882/login/token`),
 * compared decoded and case-insensitively. Deeper segments are user data (room tags, state keys)
 * and stay with Synapse. client/Caddyfile's `@login` matcher is the same rule.
 */
export function isLoginPath(pathname: string): boolean {
  const segments = pathname.split("/").filter(Boolean).map(decodeSegment);
  return (
    segments[0] === "_matrix" && segments[1] === "client" && segments.slice(2, 5).includes("login")
  );
}

/**
 * Which upstream serves a path, or undefined for the client's static files. Synapse's admin API
 * (/_synapse/admin) and the bridge's metrics are never exposed on the public origin, as in
 * production (client/Caddyfile).
 */
export function routeFor(pathname: string): "synapse" | "bridge" | "hidden" | undefined {
  // Logins pass through the bridge, which makes each JWT login token single-use and applies the
  // password failure policy; every method, so no variant reaches Synapse unchecked.
  if (isLoginPath(pathname)) return "bridge";
  if (
    pathname.startsWith("/_matrix/") ||
    pathname.startsWith("/_synapse/client/") ||
    pathname.startsWith("/.well-known/matrix/")
  ) {
    return "synapse";
  }
  if (
    pathname.startsWith("/_synapse/") ||
    pathname === "/metrics" ||
    pathname.startsWith("/metrics/")
  ) {
    return "hidden";
  }
  if (
    pathname.startsWith("/api/") ||
    pathname === "/api" ||
    pathname === "/get_token" ||
    pathname === "/sfu/get" ||
    pathname === "/healthz"
  ) {
    return "bridge";
  }
  return undefined;
}

function sendError(res: ServerResponse, status: number, errcode: string, error: string) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ errcode, error }));
}

function proxy(req: IncomingMessage, res: ServerResponse, target: URL, name: string) {
  // The edge is the first hop: a client-supplied X-Forwarded-For is replaced, never trusted, so
  // per-address rate limits behind it cannot be dodged.
  const forwardedFor = req.socket.remoteAddress ?? "";
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: {
        ...req.headers,
        "x-forwarded-for": forwardedFor,
        "x-forwarded-proto": "http",
        "x-forwarded-host": req.headers.host ?? "",
      },
    },
    (response) => {
      res.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(res);
    },
  );
  upstream.on("error", () => sendError(res, 502, "M_UNAVAILABLE", `${name} is not reachable`));
  req.pipe(upstream);
}

function securityHeaders(
  livekitUrl: string,
  connectSources: readonly string[] = [],
): Record<string, string> {
  const livekit = new URL(livekitUrl);
  const livekitWs = `${livekit.protocol === "https:" ? "wss" : "ws"}://${livekit.host}`;
  return {
    "content-security-policy": [
      "default-src 'self'",
      "script-src 'self' 'wasm-unsafe-eval'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' blob: data:",
      "media-src 'self' blob:",
      ["connect-src 'self'", livekitWs, livekit.origin, ...connectSources].join(" "),
      "worker-src 'self' blob:",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
    ].join("; "),
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "camera=(self), microphone=(self), display-capture=(self)",
  };
}

function serveStatic(req: IncomingMessage, res: ServerResponse, options: EdgeOptions) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    sendError(res, 405, "M_UNRECOGNIZED", "method not allowed");
    return;
  }
  const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://edge").pathname);
  const root = normalize(options.clientDir);
  let file = normalize(join(root, pathname));
  if (file !== root && !file.startsWith(root + sep)) {
    sendError(res, 404, "M_NOT_FOUND", "not found");
    return;
  }
  const isFile = existsSync(file) && statSync(file).isFile();
  if (!isFile) {
    // Client-side routes fall back to the app; a missing asset is a real 404.
    if (extname(pathname)) {
      sendError(res, 404, "M_NOT_FOUND", "not found");
      return;
    }
    file = join(root, "index.html");
    if (!existsSync(file)) {
      sendError(res, 503, "M_UNAVAILABLE", "the client has not been built");
      return;
    }
  }
  const immutable = pathname.startsWith("/assets/");
  res.writeHead(200, {
    "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
    "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    ...securityHeaders(options.livekitUrl, options.connectSources),
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}

export interface RunningEdge {
  url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 and, where the machine has it, [::1], so `localhost` works either way. */
export async function startEdge(options: EdgeOptions): Promise<RunningEdge> {
  const synapse = new URL(options.synapseUrl);
  const bridge = new URL(options.bridgeUrl);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    try {
      const pathname = new URL(req.url ?? "/", "http://edge").pathname;
      const route = routeFor(pathname);
      if (route === "synapse") proxy(req, res, synapse, "Synapse");
      else if (route === "bridge") proxy(req, res, bridge, "bridge-service");
      else if (route === "hidden") sendError(res, 404, "M_NOT_FOUND", "not found");
      else serveStatic(req, res, options);
    } catch {
      sendError(res, 400, "M_UNRECOGNIZED", "bad request");
    }
  };
  const servers: Server[] = [];
  const listen = (host: string) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer(handler);
      server.once("error", reject);
      server.listen({ port: options.port, host }, () => resolve(server));
    });
  servers.push(await listen("127.0.0.1"));
  try {
    servers.push(await listen("::1"));
  } catch {
    // No IPv6 loopback here; 127.0.0.1 is enough.
  }
  return {
    url: `http://localhost:${options.port}`,
    close: () =>
      Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      ).then(() => undefined),
  };
}
