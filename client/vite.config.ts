import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
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

/** index.html's theme script, as written there and in public/. */
const THEME_BOOT = "/theme-boot.js";

/**
 * The theme script in index.html is a classic script that holds the parser (it sets the theme
 * before the first paint; the CSP allows no inline script), so with a fixed name every reload
 * had to ask the edge whether it changed before the page could go on. The build gives it a
 * content-hashed name in /assets/, which the edge serves as immutable, so a reload takes it from
 * the browser's cache. The dev server keeps serving it from public/.
 */
function hashedThemeBoot(): Plugin {
  const source = readFileSync(new URL(`public${THEME_BOOT}`, import.meta.url), "utf8");
  const hash = createHash("sha256").update(source).digest("base64url").slice(0, 10);
  const fileName = `assets/theme-boot-${hash}.js`;
  return {
    name: "xstream-hashed-theme-boot",
    apply: "build",
    transformIndexHtml(html, context) {
      if (!context.filename.endsWith("index.html")) return html;
      const tag = `<script src="${THEME_BOOT}"></script>`;
      if (!html.includes(tag))
        throw new Error(`index.html no longer loads ${THEME_BOOT} as ${tag}`);
      return html.replace(tag, `<script src="/${fileName}"></script>`);
    },
    generateBundle() {
      this.emitFile({ type: "asset", fileName, source });
    },
  };
}

export default defineConfig({
  plugins: [react(), widgetRoute(), hashedThemeBoot()],
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
