// Where PostgreSQL's binaries and data live. As root, PostgreSQL runs as the unprivileged user
// `xstream`, which cannot pass through a private folder (mode 700, such as /root) that holds the
// clone or the state folder. Rather than open up the user's folders, the binaries are then copied
// once per version to /var/lib/xstream/postgres-<version>, and the data goes to
// /var/lib/xstream/state/<id>/postgres, which `<state>/postgres` links to. The root-owned
// <id> folder records which state folder it belongs to (out of the unprivileged user's reach), so
// a copied state folder never shares it, a moved one keeps it, and deleting the link resets it.
import { execFile as execFileCallback } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import {
  chmod,
  chown,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import type { LogSink } from "./processes.ts";
import { StartupError } from "./processes.ts";
import type { PostgresBinaries } from "./tools.ts";

const execFile = promisify(execFileCallback);

export const SYSTEM_DIR = "/var/lib/xstream";
const OWNER_FILE = "state-folder.json";
/** Per state folder: /var/lib/xstream/state/<id>/{state-folder.json,postgres/}. */
const entriesDir = (systemDir: string) => join(systemDir, "state");

export interface Placement {
  /** Root-owned folder outside every private folder (/var/lib/xstream). */
  systemDir: string;
  /** Whether the unprivileged user can reach (pass through to) this path. */
  canReach(path: string): Promise<boolean>;
  /** The unprivileged user that must own the data. */
  owner?: { uid: number; gid: number };
  sink: LogSink;
}

/** The binaries as they are when reachable, else a copy in the system folder. */
export async function reachableBinaries(
  binaries: PostgresBinaries,
  placement: Placement,
): Promise<PostgresBinaries> {
  if (await placement.canReach(binaries.postgres)) return binaries;
  // The npm package: <package>/native/{bin,lib,share}, found by PostgreSQL relative to itself.
  const nativeDir = dirname(dirname(binaries.postgres));
  const manifest = JSON.parse(await readFile(join(dirname(nativeDir), "package.json"), "utf8"));
  const copy = join(placement.systemDir, `postgres-${String(manifest.version)}`);
  if (!existsSync(join(copy, "bin", "postgres"))) {
    await systemFolder(placement.systemDir);
    const partial = `${copy}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    await execFile("cp", ["-a", nativeDir, partial]);
    await chmod(partial, 0o755);
    // The rename makes the copy appear complete or not at all; a concurrent start may win it.
    await rename(partial, copy).catch(async (error: unknown) => {
      await rm(partial, { recursive: true, force: true });
      if (!existsSync(join(copy, "bin", "postgres"))) throw error;
    });
  }
  const inCopy = (file: string) => join(copy, "bin", basename(file));
  return {
    initdb: inCopy(binaries.initdb),
    postgres: inCopy(binaries.postgres),
    pgCtl: inCopy(binaries.pgCtl),
  };
}

interface Owner {
  path: string;
  dev: string;
  ino: string;
}

async function identity(stateDir: string): Promise<Owner> {
  const info = await stat(stateDir, { bigint: true });
  return { path: await realpath(stateDir), dev: String(info.dev), ino: String(info.ino) };
}

async function readOwner(entry: string): Promise<Owner | undefined> {
  try {
    return JSON.parse(await readFile(join(entry, OWNER_FILE), "utf8")) as Owner;
  } catch {
    return undefined;
  }
}

const sameFolder = (a: Owner, b: Owner) => a.dev === b.dev && a.ino === b.ino;

async function systemFolder(systemDir: string) {
  await mkdir(entriesDir(systemDir), { recursive: true });
  // Passable, not listable, by the unprivileged user.
  await chmod(systemDir, 0o711);
  await chmod(entriesDir(systemDir), 0o711);
}

/** The entry (`state/<id>`) a data folder belongs to, when it is one of ours. */
async function entryOf(target: string, systemDir: string) {
  const entry = dirname(target);
  const entries = await realpath(entriesDir(systemDir)).catch(() => undefined);
  return basename(target) === "postgres" && dirname(entry) === entries ? entry : undefined;
}

/** Deletes the data a throw-away state folder keeps in the system folder, if any. */
export async function removeLinkedData(stateDir: string, systemDir = SYSTEM_DIR) {
  const target = await realpath(join(stateDir, "postgres")).catch(() => undefined);
  const entry = target ? await entryOf(target, systemDir) : undefined;
  if (entry) await rm(entry, { recursive: true, force: true });
}

/**
 * Returns the folder PostgreSQL keeps its data in for this state folder: `link` itself
 * (`<state>/postgres`) when the unprivileged user can reach it, else the folder it links to.
 */
export async function placeDataDir(link: string, placement: Placement): Promise<string> {
  const stateDir = dirname(link);
  const pending = `${link}.moving`;
  if (existsSync(pending)) await finishMove(link, pending);
  const found = await lstat(link).catch(() => undefined);
  const me = await identity(stateDir);
  if (found?.isSymbolicLink()) {
    const linked = await claimLinked(link, me, placement);
    if (linked) return linked;
  } else if (found) {
    if (await placement.canReach(stateDir)) return link;
    return moveOut(link, pending, me, placement);
  }
  await forgetEarlierData(me, placement);
  if (await placement.canReach(stateDir)) return link;
  const target = await newEntry(me, placement);
  await symlink(target, link);
  return target;
}

/** The linked data folder; undefined when it was ours and is gone (then the link is removed). */
async function claimLinked(link: string, me: Owner, placement: Placement) {
  const target = await realpath(link).catch(() => undefined);
  const entry = target ? await entryOf(target, placement.systemDir) : undefined;
  const owner = entry ? await readOwner(entry) : undefined;
  if (target && !owner) {
    // A link the user made (to a bigger disk, say): used as it is, as before.
    if (await placement.canReach(target)) return target;
    throw new StartupError(
      `${link} links to ${target}, which the unprivileged PostgreSQL user cannot reach. Move the data where it can, or delete ${link} to start with an empty bridge database.`,
    );
  }
  if (!target || !entry || !owner) {
    const pointed = await readlink(link);
    if (!pointed.startsWith(`${entriesDir(placement.systemDir)}/`)) {
      throw new StartupError(`${link} links to ${pointed}, which does not exist.`);
    }
    placement.sink(
      "setup",
      `${link} pointed at PostgreSQL data that is gone; starting with an empty bridge database`,
    );
    await rm(link, { force: true });
    return undefined;
  }
  if (!sameFolder(owner, me)) {
    if (await stillClaims(owner, target)) {
      throw new StartupError(
        `${link} points at the PostgreSQL data of another state folder, ${owner.path} (was this one copied?). Two state folders never share a database: delete ${link} to give this one a new, empty bridge database.`,
      );
    }
    placement.sink(
      "setup",
      `the state folder moved from ${owner.path}; keeping its PostgreSQL data`,
    );
  }
  if (!sameFolder(owner, me) || owner.path !== me.path) {
    await writeFile(join(entry, OWNER_FILE), `${JSON.stringify(me)}\n`);
  }
  return target;
}

/** Whether the state folder an entry names is still there and still links to it. */
async function stillClaims(owner: Owner, target: string) {
  const there = await identity(owner.path).catch(() => undefined);
  if (!there || !sameFolder(there, owner)) return false;
  const linked = await realpath(join(owner.path, "postgres")).catch(() => undefined);
  return linked === target;
}

/** A new entry for this state folder; returns its (empty) data folder. */
async function newEntry(me: Owner, placement: Placement): Promise<string> {
  await systemFolder(placement.systemDir);
  const entry = join(entriesDir(placement.systemDir), randomUUID());
  await mkdir(entry, { mode: 0o711 });
  await writeFile(join(entry, OWNER_FILE), `${JSON.stringify(me)}\n`, { mode: 0o644 });
  const target = join(entry, "postgres");
  await mkdir(target, { mode: 0o700 });
  if (placement.owner) await chown(target, placement.owner.uid, placement.owner.gid);
  return target;
}

/**
 * An earlier version kept the data in `<state>/postgres` itself, which the unprivileged user can
 * no longer reach: move it out. `<state>/postgres.moving` links to the new place until the move is
 * complete, so an interrupted move is finished on the next start instead of being lost.
 */
async function moveOut(link: string, pending: string, me: Owner, placement: Placement) {
  placement.sink(
    "setup",
    `moving PostgreSQL's data out of ${link}, which its unprivileged user cannot reach`,
  );
  const target = await newEntry(me, placement);
  await symlink(target, pending);
  await finishMove(link, pending);
  return target;
}

async function finishMove(link: string, pending: string) {
  const target = await readlink(pending);
  const found = await lstat(link).catch(() => undefined);
  if (found?.isDirectory()) {
    for (const name of await readdir(target)) {
      if (name.endsWith(".partial")) await rm(join(target, name), { recursive: true, force: true });
    }
    for (const name of await readdir(link)) {
      const from = join(link, name);
      const to = join(target, name);
      // A name already in the new place was moved completely (the rename is the last step).
      if (!existsSync(to)) await moveAcross(from, to);
      await rm(from, { recursive: true, force: true });
    }
    await rmdir(link);
  }
  await rename(pending, link);
}

async function moveAcross(from: string, to: string) {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    await execFile("cp", ["-a", from, `${to}.partial`]);
    await rename(`${to}.partial`, to);
  }
}

/**
 * After `<state>/postgres` was deleted (to start over), the entry it linked to is this state
 * folder's and nobody else's: delete it, unless a PostgreSQL still runs on it.
 */
async function forgetEarlierData(me: Owner, placement: Placement) {
  const entries = entriesDir(placement.systemDir);
  if (!existsSync(entries)) return;
  for (const name of await readdir(entries)) {
    const entry = join(entries, name);
    const owner = await readOwner(entry);
    if (!owner || !sameFolder(owner, me) || (await postmasterRuns(entry))) continue;
    placement.sink("setup", `deleting this state folder's earlier PostgreSQL data (${entry})`);
    await rm(entry, { recursive: true, force: true });
  }
}

async function postmasterRuns(entry: string) {
  try {
    const pidFile = join(entry, "postgres", "data", "postmaster.pid");
    const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
    return pid > 0 && existsSync(`/proc/${pid}`);
  } catch {
    return false;
  }
}
