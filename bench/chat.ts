// The web client as a learner feels it, in Debian's Chromium against a throw-away stack, each
// figure beside its baseline from the same run:
// - the JavaScript the browser downloads before the sign-in page is interactive (gzip bytes;
//   the crypto WASM and the signed-in pages must load later, on demand);
// - sign-in to the room list, cold, at 200 rooms through sliding sync beside /sync v2, and at
//   2,000 rooms through sliding sync: the first screenful, and every room listed;
// - a reload to the room list shown from this browser's cache, with the homeserver's sync held
//   back so nothing but the cache can fill it;
// - a message sent in one browser until it is rendered in the other, p50 and p99 over 100, for
//   sliding sync and /sync v2, beside a plain client-server API reader long-polling /sync for
//   the same kind of message (messages of the three pairs alternate, so all see the same load),
//   with where the time goes: the sender's page until its PUT leaves, the homeserver until the
//   reader's sync answer has arrived, the reader's page until the message is painted.
// `BENCH_CHAT_PARTS=js,rooms,large,reload,latency` runs some parts only; `BENCH_LARGE_ROOMS`
// changes 2,000; `BENCH_TRACE=1` also records a Chromium trace of the reader's page for ten
// messages into e2e/artifacts/send-to-render-trace.json.
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext, Page, Route } from "playwright-core";
import { artifactPath, launchChromium } from "../e2e/browser.ts";
import { removeStateDir, type StackInfo, startTestStack } from "../e2e/harness.ts";
import {
  type BrowserPage,
  createSharedRoom,
  type Learner,
  openPage,
  signedInInRoom,
  signUpLearner,
} from "../e2e/learners.ts";
import { createGroups, HAS_CACHED_SYNC } from "../e2e/many-rooms.ts";
import { type MatrixUser, matrixRequest } from "../e2e/matrix.ts";
import type { Benchmark, Figure } from "./run.ts";
import { percentile, round } from "./stats.ts";

const ROOMS = 200;
const LARGE_ROOMS = Number(process.env.BENCH_LARGE_ROOMS ?? 2000);
const ROOM_LIST_RUNS = 5;
const LARGE_ROOM_LIST_RUNS = 3;
const RELOAD_RUNS = 5;
const MESSAGES = 100;
/** Rooms that fill the Chats page of a 1280×860 window: "the room list is visible". */
const FIRST_SCREEN = 10;
const PARTS = new Set(
  (process.env.BENCH_CHAT_PARTS ?? "js,rooms,large,reload,latency").split(",").map((p) => p.trim()),
);

type Report = (figure: Figure) => void;
type SyncMode = "sliding" | "v2";

export const chatBenchmark: Benchmark = async (report) => {
  const stack = await startTestStack();
  const browser = await launchChromium();
  try {
    if (PARTS.has("js")) await initialJavaScript(browser, stack.info, report);
    if (PARTS.has("rooms") || PARTS.has("reload")) {
      const learner = await signUpLearner(stack.info, "Rosa Rooms");
      await createGroups(stack.info, learner, ROOMS);
      if (PARTS.has("rooms")) await roomListAfterSignIn(browser, stack.info, learner, report);
      if (PARTS.has("reload")) await roomListAfterReload(browser, stack.info, learner, report);
    }
    if (PARTS.has("large")) {
      const learner = await signUpLearner(stack.info, "Lara Large");
      await createGroups(stack.info, learner, LARGE_ROOMS);
      await roomListAfterSignIn(browser, stack.info, learner, report, {
        rooms: LARGE_ROOMS,
        runs: LARGE_ROOM_LIST_RUNS,
        modes: ["sliding"],
      });
    }
    if (PARTS.has("latency")) await sendToRender(browser, stack.info, report);
  } finally {
    await browser.close();
    await stack.stop();
    await removeStateDir(stack.info.stateDir);
  }
};

/** Every script fetched until the sign-in form works and the network is quiet, gzipped. */
async function initialJavaScript(browser: Browser, stack: StackInfo, report: Report) {
  const { context, page } = await openPage(browser);
  const scripts = new Map<string, Promise<Buffer>>();
  let wasmRequests = 0;
  page.on("response", (response) => {
    const url = response.url();
    if (url.endsWith(".wasm")) wasmRequests++;
    if (response.request().resourceType() === "script" && !scripts.has(url)) {
      scripts.set(url, response.body());
    }
  });
  try {
    await page.goto(`${stack.publicUrl}/signin`, { waitUntil: "networkidle" });
    // Interactive: the form takes input and its submit button is live.
    await page.getByLabel("Username").fill("someone");
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    const bodies = await Promise.all(scripts.values());
    const gzipBytes = bodies.reduce((sum, body) => sum + gzipSync(body).length, 0);
    report({ name: "signin_initial_js_gzip", value: gzipBytes, unit: "bytes" });
    report({ name: "signin_initial_js_files", value: bodies.length, unit: "files" });
    report({ name: "signin_wasm_requests", value: wasmRequests, unit: "requests" });
  } finally {
    await context.close();
  }
}

/** A fresh browser context whose client syncs the given way (the developer setting). */
function pageSyncing(browser: Browser, mode: SyncMode) {
  return openPage(browser, {
    initScript: `localStorage.setItem("xstream:sync", ${JSON.stringify(mode)})`,
  });
}

/** Resolves to the wall-clock time (ms) once at least `count` rooms are on the Chats page. */
async function roomsShown(page: Page, count: number): Promise<number> {
  await page.waitForFunction(
    (n) => document.querySelectorAll(".room-items .room-item").length >= n,
    count,
    { timeout: 180_000, polling: "raf" },
  );
  return Date.now();
}

async function signIn(page: Page, stack: StackInfo, learner: Learner): Promise<number> {
  await page.goto(`${stack.publicUrl}/signin`);
  await page.getByLabel("Username").fill(learner.username);
  await page.getByLabel("Password").fill(learner.password);
  const started = Date.now();
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Chats" }).click();
  return started;
}

/**
 * From clicking "Sign in" to the first screenful of rooms, and to every room listed, in a fresh
 * browser, per sync mode; the modes alternate run by run.
 */
async function roomListAfterSignIn(
  browser: Browser,
  stack: StackInfo,
  learner: Learner,
  report: Report,
  options: { rooms?: number; runs?: number; modes?: SyncMode[] } = {},
) {
  const rooms = options.rooms ?? ROOMS;
  const modes = options.modes ?? ["sliding", "v2"];
  const samples = new Map(
    modes.map((mode) => [mode, { first: [] as number[], all: [] as number[] }]),
  );
  for (let run = 0; run < (options.runs ?? ROOM_LIST_RUNS); run++) {
    for (const mode of modes) {
      const { context, page } = await pageSyncing(browser, mode);
      try {
        const started = await signIn(page, stack, learner);
        const first = await roomsShown(page, FIRST_SCREEN);
        const all = await roomsShown(page, rooms);
        samples.get(mode)?.first.push(first - started);
        samples.get(mode)?.all.push(all - started);
      } finally {
        await context.close();
      }
    }
  }
  for (const [mode, { first, all }] of samples) {
    const slug = `signin_to_room_list_${rooms}_rooms_${mode === "v2" ? "sync_v2" : "sliding_sync"}`;
    reportSpread(report, `${slug}_first_screen`, first);
    reportSpread(report, `${slug}_all_listed`, all);
  }
}

const SYNC_ROUTES = [
  "**/_matrix/client/unstable/org.matrix.simplified_msc3575/sync*",
  "**/_matrix/client/v3/sync*",
];

/**
 * Signed in once (sliding sync, which leaves a cache behind), then reloads of the Chats page
 * until the first screenful and every room show, with every sync request held back so only the
 * cache can fill the list.
 */
async function roomListAfterReload(
  browser: Browser,
  stack: StackInfo,
  learner: Learner,
  report: Report,
) {
  const { context, page } = await openPage(browser);
  const held: Route[] = [];
  const hold = (route: Route) => {
    held.push(route);
  };
  try {
    await signIn(page, stack, learner);
    await roomsShown(page, ROOMS);
    await page.waitForFunction(HAS_CACHED_SYNC, undefined, { timeout: 120_000, polling: 500 });
    for (const route of SYNC_ROUTES) await page.route(route, hold);
    const first: number[] = [];
    const all: number[] = [];
    for (let run = 0; run < RELOAD_RUNS; run++) {
      const started = Date.now();
      await page.reload();
      first.push((await roomsShown(page, FIRST_SCREEN)) - started);
      all.push((await roomsShown(page, ROOMS)) - started);
    }
    if (held.length === 0) throw new Error("the reloads never asked for a sync");
    reportSpread(report, `reload_to_room_list_${ROOMS}_rooms_from_cache_first_screen`, first);
    reportSpread(report, `reload_to_room_list_${ROOMS}_rooms_from_cache_all_listed`, all);
  } finally {
    await context.close();
  }
}

function reportSpread(report: Report, name: string, samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  report({ name: `${name}_p50`, value: round(percentile(sorted, 50)), unit: "ms" });
  report({ name: `${name}_max`, value: round(sorted.at(-1) ?? 0), unit: "ms" });
}

/** A plain client-server API reader: one long poll after another, as any client syncs. */
class PlainReader {
  readonly arrivals = new Map<string, number>();
  readonly #abort = new AbortController();
  #since: string | undefined;
  #loop: Promise<void> | null = null;

  constructor(
    private readonly stack: StackInfo,
    private readonly user: MatrixUser,
  ) {}

  async start() {
    await this.#sync(0);
    this.#loop = (async () => {
      while (!this.#abort.signal.aborted) await this.#sync(30_000).catch(() => undefined);
    })();
  }

  async #sync(timeoutMs: number) {
    const query = new URLSearchParams({
      timeout: String(timeoutMs),
      ...(this.#since ? { since: this.#since } : {}),
    });
    const response = await fetch(`${this.stack.publicUrl}/_matrix/client/v3/sync?${query}`, {
      headers: { authorization: `Bearer ${this.user.accessToken}` },
      signal: this.#abort.signal,
    });
    const body = (await response.json()) as {
      next_batch: string;
      rooms?: {
        join?: Record<string, { timeline?: { events?: { content?: { body?: unknown } }[] } }>;
      };
    };
    const now = Date.now();
    this.#since = body.next_batch;
    for (const room of Object.values(body.rooms?.join ?? {})) {
      for (const event of room.timeline?.events ?? []) {
        const text = event.content?.body;
        if (typeof text === "string" && !this.arrivals.has(text)) this.arrivals.set(text, now);
      }
    }
  }

  async stop() {
    this.#abort.abort();
    await this.#loop;
  }
}

/**
 * Records, in the page, the wall-clock time each message body first appears in the DOM, with
 * the end of the last /sync answer before it. A string, not a function: tsx would wrap named
 * functions in a helper that does not exist in the page.
 */
const WATCH_ARRIVALS = `(() => {
  const arrivals = new Map();
  window.arrivals = arrivals;
  const log = document.querySelector('[role="log"]');
  if (!log) throw new Error("no timeline on the page");
  new MutationObserver(() => {
    const now = performance.now();
    for (const body of log.querySelectorAll(".message__body")) {
      const text = body.textContent.trim();
      if (!text.startsWith("latency probe") || arrivals.has(text)) continue;
      let synced = 0;
      for (const entry of performance.getEntriesByType("resource")) {
        if (/\\/sync(\\?|$)/.test(entry.name) && entry.responseEnd <= now && entry.responseEnd > synced) {
          synced = entry.responseEnd;
        }
      }
      arrivals.set(text, {
        rendered: performance.timeOrigin + now,
        synced: synced ? performance.timeOrigin + synced : null,
      });
    }
  }).observe(log, { childList: true, subtree: true, characterData: true });
  performance.setResourceTimingBufferSize(100000);
})()`;

/** When the page's latest PUT of a message started (wall clock), for where the time goes. */
const LAST_SEND_STARTED = `(() => {
  const sends = performance.getEntriesByType("resource").filter((e) => e.name.includes("/send/m.room.message/"));
  const last = sends.at(-1);
  return last ? performance.timeOrigin + last.startTime : null;
})()`;

type Arrival = { rendered: number; synced: number | null };

interface BrowserPair {
  mode: SyncMode;
  roomId: string;
  sender: BrowserPage;
  reader: BrowserPage;
}

async function browserPair(
  browser: Browser,
  stack: StackInfo,
  mode: SyncMode,
): Promise<BrowserPair> {
  const [sender, reader] = await Promise.all([
    signUpLearner(stack, "Sam Sender"),
    signUpLearner(stack, "Rui Reader"),
  ]);
  const roomId = await createSharedRoom(stack, sender, [reader]);
  const options = { initScript: `localStorage.setItem("xstream:sync", ${JSON.stringify(mode)})` };
  const [a, b] = await Promise.all([
    signedInInRoom(browser, stack, sender, roomId, options),
    signedInInRoom(browser, stack, reader, roomId, options),
  ]);
  await b.page.evaluate(WATCH_ARRIVALS);
  await a.page.evaluate("performance.setResourceTimingBufferSize(100000)");
  return { mode, roomId, sender: a, reader: b };
}

type Breakdown = { total: number[]; sender: number[]; server: number[]; reader: number[] };

/** One message from the pair's sender until the reader's page paints it. */
async function sendThroughBrowsers(pair: BrowserPair, text: string, into: Breakdown) {
  const box = pair.sender.page.getByRole("textbox", { name: "Message" });
  await box.fill(text);
  const sentAt = Date.now();
  await box.press("Enter");
  const handle = await pair.reader.page.waitForFunction(
    (key) => (window as unknown as { arrivals: Map<string, unknown> }).arrivals.get(key),
    text,
    { timeout: 30_000, polling: 10 },
  );
  const arrival = (await handle.jsonValue()) as Arrival;
  const putStarted = (await pair.sender.page.evaluate(LAST_SEND_STARTED)) as number | null;
  into.total.push(arrival.rendered - sentAt);
  if (putStarted !== null && arrival.synced !== null && arrival.synced >= putStarted) {
    into.sender.push(putStarted - sentAt);
    into.server.push(arrival.synced - putStarted);
    into.reader.push(arrival.rendered - arrival.synced);
  }
}

/** One message PUT by a plain client until the plain reader's long poll has brought it. */
async function sendThroughPlainClients(
  stack: StackInfo,
  writer: MatrixUser,
  reader: PlainReader,
  roomId: string,
  text: string,
  into: number[],
) {
  const sentAt = Date.now();
  await matrixRequest(
    stack.publicUrl,
    "PUT",
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${randomUUID()}`,
    { token: writer.accessToken, body: { msgtype: "m.text", body: text } },
  );
  for (let waited = 0; !reader.arrivals.has(text); waited += 2) {
    if (waited > 30_000) throw new Error(`the plain reader never got "${text}"`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  into.push((reader.arrivals.get(text) ?? 0) - sentAt);
}

async function sendToRender(browser: Browser, stack: StackInfo, report: Report) {
  const [sliding, v2] = [
    await browserPair(browser, stack, "sliding"),
    await browserPair(browser, stack, "v2"),
  ];
  const [plainWriter, plainReaderLearner] = await Promise.all([
    signUpLearner(stack, "Pat Plain"),
    signUpLearner(stack, "Pia Plain"),
  ]);
  const plainRoom = await createSharedRoom(stack, plainWriter, [plainReaderLearner]);
  const plainReader = new PlainReader(stack, plainReaderLearner.matrix);
  await plainReader.start();
  const contexts: BrowserContext[] = [
    sliding.sender.context,
    sliding.reader.context,
    v2.sender.context,
    v2.reader.context,
  ];
  const empty = (): Breakdown => ({ total: [], sender: [], server: [], reader: [] });
  const samples = { sliding: empty(), v2: empty() };
  const plain: number[] = [];
  try {
    for (let i = 0; i < MESSAGES; i++) {
      await sendThroughBrowsers(sliding, `latency probe ${i}`, samples.sliding);
      await sendThroughBrowsers(v2, `latency probe ${i}`, samples.v2);
      await sendThroughPlainClients(
        stack,
        plainWriter.matrix,
        plainReader,
        plainRoom,
        `plain probe ${i}`,
        plain,
      );
    }
    if (process.env.BENCH_TRACE === "1") await traceReader(browser, sliding);
  } finally {
    await plainReader.stop();
    await Promise.all(contexts.map((context) => context.close()));
  }
  const plainSorted = [...plain].sort((a, b) => a - b);
  const plainP50 = percentile(plainSorted, 50);
  report({ name: "plain_sync_send_to_receive_p50", value: round(plainP50), unit: "ms" });
  report({
    name: "plain_sync_send_to_receive_p99",
    value: round(percentile(plainSorted, 99)),
    unit: "ms",
  });
  for (const [mode, breakdown] of Object.entries(samples)) {
    const slug = mode === "v2" ? "sync_v2" : "sliding_sync";
    const total = [...breakdown.total].sort((a, b) => a - b);
    const p50 = percentile(total, 50);
    report({ name: `message_send_to_render_${slug}_p50`, value: round(p50), unit: "ms" });
    report({
      name: `message_send_to_render_${slug}_p99`,
      value: round(percentile(total, 99)),
      unit: "ms",
    });
    report({
      name: `message_send_to_render_${slug}_p50_vs_plain_sync`,
      value: round(plainP50 > 0 ? p50 / plainP50 : 0),
      unit: "x",
    });
    for (const part of ["sender", "server", "reader"] as const) {
      const sorted = [...breakdown[part]].sort((a, b) => a - b);
      report({
        name: `message_send_to_render_${slug}_${part}_p50`,
        value: round(percentile(sorted, 50)),
        unit: "ms",
      });
    }
  }
}

/** Ten more messages with a Chromium trace of the reader's page, to see where its time goes. */
async function traceReader(browser: Browser, pair: BrowserPair) {
  const path = artifactPath("send-to-render-trace.json");
  await browser.startTracing(pair.reader.page, { path, screenshots: false });
  try {
    const ignored: Breakdown = { total: [], sender: [], server: [], reader: [] };
    for (let i = 0; i < 10; i++)
      await sendThroughBrowsers(pair, `latency probe traced ${i}`, ignored);
  } finally {
    await browser.stopTracing();
  }
  process.stderr.write(`chat | trace of the reader's page: ${path}\n`);
}
