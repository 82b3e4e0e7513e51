// package-lock.json must be complete, or the first `npm install` of a fresh clone rewrites it and
// leaves `git status` dirty: npm resolves every declared dependency that has no entry (even an
// optional one for another platform, which it then does not install) and saves it in the lock.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./paths.ts";

interface LockEntry {
  version?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const lock = JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8")) as {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
};

/** Where Node would find `name` from the package at `from`, in the lock's terms. */
function resolves(from: string, name: string): boolean {
  let at = from;
  for (;;) {
    if (lock.packages[at ? `${at}/node_modules/${name}` : `node_modules/${name}`]) return true;
    if (at === "") return false;
    const cut = at.lastIndexOf("node_modules/");
    at = cut <= 0 ? "" : at.slice(0, cut - 1);
  }
}

describe("package-lock.json", () => {
  it("has an entry for every optional dependency of every package, for every platform", () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolves(path, name)) missing.push(`${path || "(root)"} → ${name}`);
      }
    }
    expect(missing, "see package-lock.json in README.md (Tests and benchmarks)").toEqual([]);
  });

  it("has an entry for every required dependency", () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (entry.link) continue;
      const optionalPeers = entry.peerDependenciesMeta ?? {};
      const required = [
        ...Object.keys(entry.dependencies ?? {}),
        ...Object.keys(entry.peerDependencies ?? {}).filter(
          (name) => !optionalPeers[name]?.optional,
        ),
        // Development dependencies are installed for the root and the workspaces only.
        ...(path === "" || !path.includes("node_modules/")
          ? Object.keys(entry.devDependencies ?? {})
          : []),
      ];
      for (const name of required) {
        if (!resolves(path, name)) missing.push(`${path || "(root)"} → ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("records each package.json's dependencies as they are written", () => {
    for (const workspace of ["", "bridge-service", "client"]) {
      const manifest = JSON.parse(
        readFileSync(join(repoRoot, workspace, "package.json"), "utf8"),
      ) as LockEntry;
      const entry = lock.packages[workspace] ?? {};
      for (const field of [
        "dependencies",
        "devDependencies",
        "optionalDependencies",
        "peerDependencies",
      ] as const) {
        expect(entry[field], `${workspace || "root"} ${field}`).toEqual(manifest[field]);
      }
    }
  });
});
