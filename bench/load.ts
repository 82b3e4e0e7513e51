// How many learners one machine carries: N synthetic users on Synapse, paired in direct chats,
// every one long-polling /sync (lazy-loaded members) and sending one message every 30 s, spread
// evenly. Per run: send→receive p50/p99 (the sender's PUT leaving until the partner's /sync
// brings it), messages lost, send and sync errors, and the CPU of every stack process (Synapse
// and each of its workers, PostgreSQL, the bridge, the edge…) and of this load generator over the
// measured window. Each size runs without presence (clients sync with set_presence=offline) and
// with it (synced as online, plus an online/offline flip every few minutes per user), against
// Synapse as one process and, where the stack offers it, in worker mode, in the same run.
// Settings: see parseLoadSettings (`npm run bench -- load --users 100,300,1000 --minutes 2`).
import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Agent, request } from "undici";
import { removeStateDir, type StackInfo, startTestStack } from "../e2e/harness.ts";
import { registerWithSharedSecret } from "../e2e/matrix.ts";
import { WORKER_ROLES } from "../scripts/stack/synapseWorkers.ts";
import {
  actionTimes,
  broke,
  type Delivery,
  firstActionAt,
  type LoadMode,
  type LoadVariant,
  type PartSample,
  type ProcStat,
  parseLoadSettings,
  parseProcStat,
  summarise,
  supervisorRestarts,
  ticksSpent,
  treeTicks,
} from "./loadPlan.ts";
import type { Benchmark, Figure } from "./run.ts";
import { round } from "./stats.ts";

type Report = (figure: Figure) => void;
const log = (line: string) => process.stderr.write(`load | ${line}\n`);

const CLOCK_TICKS_PER_SECOND = 100;
const SETUP_CONCURRENCY = 16;
const DRAIN_MS = 15_000;
const LAZY_MEMBERS = JSON.stringify({ room: { state: { lazy_load_members: true } } });

/** Keep-alive connections without a per-origin cap: every user holds one long poll open. */
const agent = new Agent({
  keepAliveTimeout: 60_000,
  headersTimeout: 120_000,
  bodyTimeout: 120_000,
});

class HttpError extends Error {}

async function call<T>(
  base: string,
  method: "GET" | "PUT" | "POST",
  path: string,
  options: { token?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const response = await request(`${base}${path}`, {
    method,
    dispatcher: agent,
    signal: options.signal,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.body.text();
  if (response.statusCode >= 300) {
    throw new HttpError(`${method} ${path.split("?")[0]}: ${response.statusCode} ${text}`);
  }
  return (text ? JSON.parse(text) : {}) as T;
}

/** Runs `job` over `items` with at most `limit` at a time. */
async function pool<T, R>(
  items: readonly T[],
  limit: number,
  job: (item: T, index: number) => Promise<R>,
) {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await job(items[index] as T, index);
      }
    }),
  );
  return results;
}

interface LoadUser {
  index: number;
  userId: string;
  token: string;
  roomId: string;
}

/**
 * Users made through the admin API (no password, so no bcrypt on the way in) with a token from
 * the admin's log-in-as-user; partners 2k and 2k+1 share a direct chat.
 */
class UserPool {
  readonly users: LoadUser[] = [];
  #admin = "";

  constructor(private readonly stack: StackInfo) {}

  async grow(count: number) {
    const admin = this.stack.synapseUrl;
    if (!this.#admin) {
      const made = await registerWithSharedSecret(
        admin,
        this.stack.registrationSharedSecret,
        `loadadmin-${randomUUID().slice(0, 8)}`,
        randomUUID(),
        true,
      );
      this.#admin = made.accessToken;
    }
    const start = this.users.length;
    if (count <= start) return;
    const started = Date.now();
    const fresh = await pool(
      Array.from({ length: count - start }, (_, i) => start + i),
      SETUP_CONCURRENCY,
      async (index) => {
        const userId = `@load-${index}-${randomUUID().slice(0, 6)}:${this.stack.serverName}`;
        const path = encodeURIComponent(userId);
        await call(admin, "PUT", `/_synapse/admin/v2/users/${path}`, {
          token: this.#admin,
          body: { displayname: `Load ${index}` },
        });
        const { access_token } = await call<{ access_token: string }>(
          admin,
          "POST",
          `/_synapse/admin/v1/users/${path}/login`,
          { token: this.#admin, body: {} },
        );
        return { index, userId, token: access_token, roomId: "" };
      },
    );
    const pairs = Array.from({ length: fresh.length / 2 }, (_, k) => [
      fresh[2 * k] as LoadUser,
      fresh[2 * k + 1] as LoadUser,
    ]);
    await pool(pairs, SETUP_CONCURRENCY, async ([a, b]) => {
      const base = this.stack.publicUrl;
      const { room_id } = await call<{ room_id: string }>(
        base,
        "POST",
        "/_matrix/client/v3/createRoom",
        {
          token: a?.token,
          body: { preset: "trusted_private_chat", is_direct: true, invite: [b?.userId] },
        },
      );
      await call(base, "POST", `/_matrix/client/v3/join/${encodeURIComponent(room_id)}`, {
        token: b?.token,
        body: {},
      });
      if (a) a.roomId = room_id;
      if (b) b.roomId = room_id;
    });
    this.users.push(...fresh);
    log(
      `${count} users in ${count / 2} direct chats (${round((Date.now() - started) / 1000)} s to add ${fresh.length})`,
    );
  }
}

/** CPU ticks of every supervised part (its pid file in run/ and all its live descendants). */
async function partTicks(stateDir: string): Promise<Map<string, PartSample>> {
  const runDir = join(stateDir, "run");
  const roots = new Map<string, number>();
  for (const file of await readdir(runDir).catch(() => [] as string[])) {
    if (!file.endsWith(".pid")) continue;
    const pid = Number((await readFile(join(runDir, file), "utf8")).trim());
    if (pid > 0) roots.set(file.slice(0, -".pid".length), pid);
  }
  const stats: ProcStat[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const line = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    if (line) stats.push(parseProcStat(line));
  }
  return new Map([...roots].map(([part, pid]) => [part, { pid, ticks: treeTicks(pid, stats) }]));
}

/** The supervisor's own log of the stack, where it records restarts. */
function setupLog(stateDir: string): Promise<string> {
  return readFile(join(stateDir, "logs", "setup.log"), "utf8").catch(() => "");
}

interface Window {
  deliveries: Map<string, Delivery>;
  syncErrors: number;
  sendErrors: number;
  presenceErrors: number;
  firstError?: string;
}

/** One user's /sync long poll, noting when each tagged message from its partner arrives. */
async function syncLoop(
  base: string,
  user: LoadUser,
  tag: string,
  variant: LoadVariant,
  window: Window,
  signal: AbortSignal,
  since: string,
) {
  let next = since;
  while (!signal.aborted) {
    const query = new URLSearchParams({
      since: next,
      timeout: "30000",
      filter: LAZY_MEMBERS,
      set_presence: variant === "presence" ? "online" : "offline",
    });
    try {
      const body = await call<SyncBody>(base, "GET", `/_matrix/client/v3/sync?${query}`, {
        token: user.token,
        signal,
      });
      const now = Date.now();
      next = body.next_batch;
      for (const event of body.rooms?.join?.[user.roomId]?.timeline?.events ?? []) {
        const text = event.content?.body;
        if (event.sender === user.userId || typeof text !== "string") continue;
        if (!text.startsWith(`${tag} `)) continue;
        const delivery = window.deliveries.get(text);
        if (delivery && delivery.receivedAt === undefined) delivery.receivedAt = now;
      }
    } catch (error) {
      if (signal.aborted) return;
      window.syncErrors++;
      window.firstError ??= String(error);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

interface SyncBody {
  next_batch: string;
  rooms?: {
    join?: Record<
      string,
      { timeline?: { events?: { sender?: string; content?: { body?: unknown } }[] } }
    >;
  };
}

async function measure(
  stack: StackInfo,
  users: readonly LoadUser[],
  variant: LoadVariant,
  windowMs: number,
  settings: { messageEveryMs: number; presenceEveryMs: number },
) {
  const base = stack.publicUrl;
  const tag = `load-${randomUUID().slice(0, 8)}`;
  const window: Window = { deliveries: new Map(), syncErrors: 0, sendErrors: 0, presenceErrors: 0 };
  const abort = new AbortController();
  // Every long poll listens on this one signal.
  setMaxListeners(0, abort.signal);
  // Everyone's first sync, then everyone long-polls.
  const sinces = await pool(users, 32, async (user) => {
    const query = new URLSearchParams({
      timeout: "0",
      filter: LAZY_MEMBERS,
      set_presence: variant === "presence" ? "online" : "offline",
    });
    const body = await call<SyncBody>(base, "GET", `/_matrix/client/v3/sync?${query}`, {
      token: user.token,
    });
    return body.next_batch;
  });
  const loops = users.map((user, i) =>
    syncLoop(base, user, tag, variant, window, abort.signal, sinces[i] as string),
  );
  // Let the long polls settle in before the window opens.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const ticksBefore = await partTicks(stack.stateDir);
  const restartsBefore = supervisorRestarts(await setupLog(stack.stateDir)).length;
  const cpuBefore = process.cpuUsage();
  const opened = Date.now();
  const actions: Promise<void>[] = [];
  const timers: NodeJS.Timeout[] = [];
  const at = (delay: number, action: () => Promise<void>) => {
    timers.push(setTimeout(() => actions.push(action()), delay));
  };
  users.forEach((user, i) => {
    const offset = firstActionAt(i, users.length, settings.messageEveryMs);
    actionTimes(offset, settings.messageEveryMs, windowMs).forEach((delay, seq) => {
      at(delay, async () => {
        const text = `${tag} ${user.index} ${seq}`;
        const delivery: Delivery = { sentAt: Date.now() };
        window.deliveries.set(text, delivery);
        const room = encodeURIComponent(user.roomId);
        await call(
          base,
          "PUT",
          `/_matrix/client/v3/rooms/${room}/send/m.room.message/${randomUUID()}`,
          {
            token: user.token,
            body: { msgtype: "m.text", body: text },
          },
        ).catch((error: unknown) => {
          // Not accepted: an error, not a loss.
          window.deliveries.delete(text);
          window.sendErrors++;
          window.firstError ??= String(error);
        });
      });
    });
    if (variant !== "presence") return;
    const presenceOffset = firstActionAt(i, users.length, settings.presenceEveryMs);
    actionTimes(presenceOffset, settings.presenceEveryMs, windowMs).forEach((delay, flip) => {
      at(delay, async () => {
        const presence = flip % 2 === 0 ? "offline" : "online";
        await call(
          base,
          "PUT",
          `/_matrix/client/v3/presence/${encodeURIComponent(user.userId)}/status`,
          {
            token: user.token,
            body: { presence },
          },
        ).catch(() => {
          window.presenceErrors++;
        });
      });
    });
  });
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const seconds = (Date.now() - opened) / 1000;
  const ticksAfter = await partTicks(stack.stateDir);
  const cpu = process.cpuUsage(cpuBefore);
  for (const timer of timers) clearTimeout(timer);
  await Promise.all(actions);
  // Messages still on their way get a grace period; what has not come by then is lost.
  const drainUntil = Date.now() + DRAIN_MS;
  while (Date.now() < drainUntil) {
    if ([...window.deliveries.values()].every((d) => d.receivedAt !== undefined)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  abort.abort();
  await Promise.all(loops);
  const percent = (ticks: number) => round((ticks / CLOCK_TICKS_PER_SECOND / seconds) * 100);
  const processes = new Map<string, number>();
  for (const [part, after] of ticksAfter) {
    processes.set(part, percent(ticksSpent(ticksBefore.get(part), after).ticks));
  }
  processes.set("generator", round(((cpu.user + cpu.system) / 1e6 / seconds) * 100));
  // An overloaded part may be killed by the supervisor's watchdog and restarted: say so.
  const restarts = supervisorRestarts(await setupLog(stack.stateDir)).slice(restartsBefore);
  return { summary: summarise(window.deliveries.values()), window, processes, restarts };
}

export const loadBenchmark: Benchmark = async (report) => {
  const settings = parseLoadSettings(process.argv.slice(2), process.env);
  log(
    `users ${settings.users.join(",")}${settings.untilBroken ? " then doubling until a run breaks" : ""}, ${settings.minutes} min windows, ${settings.modes.join("+")}, ${settings.variants.join("+")}`,
  );
  for (const mode of settings.modes) await runMode(mode, settings, report);
};

async function runMode(
  mode: LoadMode,
  settings: ReturnType<typeof parseLoadSettings>,
  report: Report,
) {
  // Every worker the stack knows (sync, event persister, federation sender), or none at all.
  const stack = await startTestStack({ synapseWorkers: mode === "workers" ? WORKER_ROLES : [] });
  try {
    log(`${mode}: stack up in ${stack.info.stateDir}`);
    const pool = new UserPool(stack.info);
    const sizes = [...settings.users];
    for (let i = 0; i < sizes.length; i++) {
      const users = sizes[i] as number;
      await pool.grow(users);
      let anyBroke = false;
      for (const variant of settings.variants) {
        const slug = `load_${mode}_${variant}_${users}_users`;
        log(`${slug}: measuring ${settings.minutes} min…`);
        const result = await measure(
          stack.info,
          pool.users.slice(0, users),
          variant,
          settings.minutes * 60_000,
          settings,
        );
        const { summary, window } = result;
        report({ name: `${slug}_send_to_receive_p50`, value: round(summary.p50), unit: "ms" });
        report({ name: `${slug}_send_to_receive_p99`, value: round(summary.p99), unit: "ms" });
        report({ name: `${slug}_send_to_receive_max`, value: round(summary.max), unit: "ms" });
        report({ name: `${slug}_messages_sent`, value: summary.sent, unit: "messages" });
        report({ name: `${slug}_messages_lost`, value: summary.lost, unit: "messages" });
        report({ name: `${slug}_send_errors`, value: window.sendErrors, unit: "requests" });
        report({ name: `${slug}_sync_errors`, value: window.syncErrors, unit: "requests" });
        if (variant === "presence") {
          report({
            name: `${slug}_presence_errors`,
            value: window.presenceErrors,
            unit: "requests",
          });
        }
        for (const [part, value] of result.processes) {
          report({ name: `${slug}_cpu_${part.replaceAll("-", "_")}`, value, unit: "% of a core" });
        }
        report({ name: `${slug}_restarts`, value: result.restarts.length, unit: "restarts" });
        for (const restart of result.restarts) log(`${slug}: restarted: ${restart}`);
        if (window.firstError) log(`${slug}: first error: ${window.firstError.slice(0, 300)}`);
        anyBroke ||= broke(summary, window.syncErrors);
      }
      if (anyBroke) {
        log(`${mode}: ${users} users broke (p99 > 1 s, a loss or a sync error)`);
        if (settings.untilBroken) break;
      }
      if (settings.untilBroken && i === sizes.length - 1 && !anyBroke && users < 20_000) {
        sizes.push(users * 2);
      }
    }
  } finally {
    await stack.stop();
    await removeStateDir(stack.info.stateDir);
  }
}
