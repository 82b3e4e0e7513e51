import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
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
  },
});
