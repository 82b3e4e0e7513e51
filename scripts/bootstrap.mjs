// Dependency-free first step of `npm start`, `npm test` and `npm run bench`: check Node, install
// npm dependencies when they are missing or out of date, then load the TypeScript stack code.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));

function checkNode() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    console.error(`Xstream needs Node.js 20.19 or newer; this is ${process.versions.node}.`);
    process.exit(1);
  }
}

function dependenciesAreCurrent() {
  const installed = join(repoRoot, "node_modules", ".package-lock.json");
  const lock = join(repoRoot, "package-lock.json");
  return existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs;
}

export async function bootstrap() {
  checkNode();
  if (!dependenciesAreCurrent()) {
    // `npm install` (not `npm ci`, which deletes node_modules first): it installs exactly what
    // package-lock.json pins and leaves the lock unchanged, as the lock is complete (every
    // platform's optional packages; scripts/stack/lockfile.test.ts checks it).
    console.log("[setup] installing npm dependencies…");
    const result = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], {
      cwd: repoRoot,
      stdio: "inherit",
    });
    if (result.status !== 0) {
      console.error("[setup] npm install failed; see the output above.");
      process.exit(1);
    }
  }
  const { register } = await import("tsx/esm/api");
  register();
}
