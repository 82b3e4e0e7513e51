import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/** Where the widget page is served; widget.html is its own entry (src/widget/main.tsx). */
const WIDGET_PATH = "/widget/exchange";

/**
 * The dev server answers /widget/exchange with widget.html, as the edge (Caddyfile) does for the
 * build; otherwise the single-page fallback would hand it the web client's index.html.
 */
function widgetRoute(): Plugin {
  return {
    name: "xstream-widget-route",
    configureServer(server) {
      server.middlewares.use((request, _response, next) => {
        const [path, query] = (request.url ?? "").split("?", 2);
        if (path === WIDGET_PATH) request.url = `/widget.html${query ? `?${query}` : ""}`;
        next();
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), widgetRoute()],
  optimizeDeps: {
    // The crypto bindings find their WASM next to themselves (`new URL(…, import.meta.url)`);
    // pre-bundled into .vite/deps in development, they would look for it in the wrong place.
    exclude: ["@matrix-org/matrix-sdk-crypto-wasm"],
  },
  build: {
    outDir: "dist",
    sourcemap: true,
    // matrix-js-sdk is one ~900 kB chunk and its Rust crypto another, both loaded lazily after
    // sign-in (src/matrix/), the crypto's WASM (~8 MB, ~2 MB gzipped) after them; the entry chunk
    // stays far below this.
    chunkSizeWarningLimit: 1000,
    rollupOptions: {
      // Two pages: the web client, and the exchange widget that other Matrix clients embed
      // (its own entry, so neither loads the other's code).
      input: {
        main: fileURLToPath(new URL("index.html", import.meta.url)),
        widget: fileURLToPath(new URL("widget.html", import.meta.url)),
      },
    },
  },
});
