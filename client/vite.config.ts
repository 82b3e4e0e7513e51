import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    sourcemap: true,
    // matrix-js-sdk is one ~900 kB chunk, loaded lazily after sign-in (src/matrix/); the entry
    // chunk stays far below this.
    chunkSizeWarningLimit: 1000,
  },
});
