// Serves the widget host page (host.ts, bundled with esbuild) from its own loopback origin, as an
// organisation's Element is served from somewhere other than Xstream: 127.0.0.1 on a port of its
// own, while the widget lives on the stack's http://localhost:<edge>.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { build } from "esbuild";

const PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Widget host</title></head>
  <body><h1>A Matrix client's room</h1><script src="/host.js"></script></body>
</html>`;

export interface WidgetHostServer {
  /** The host page's URL. */
  url: string;
  close(): Promise<void>;
}

export async function serveWidgetHost(): Promise<WidgetHostServer> {
  const bundle = await build({
    entryPoints: [join(import.meta.dirname, "host.ts")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2022",
    logLevel: "silent",
  });
  const script = bundle.outputFiles[0]?.text ?? "";
  const server: Server = createServer((request, response) => {
    if (request.url === "/host.js") {
      response.writeHead(200, { "content-type": "text/javascript" });
      response.end(script);
    } else if (request.url === "/" || request.url?.startsWith("/?")) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(PAGE);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
