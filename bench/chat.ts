// The web client as a learner feels it, in Debian's Chromium against a throw-away stack, each
// figure beside its baseline from the same run (issue 16's goals, summed up on stderr at the end):
// - `initial_js_gzip`: the JavaScript the browser downloads before the sign-in page is
//   interactive (the crypto WASM and the signed-in pages must load later, on demand);
// - `room_list_200_cold_p50`: sign-in to the first screenful of the room list, 200 rooms,
//   through sliding sync, beside `room_list_200_cold_v2_p50` through /sync v2; `_all_p50` until
//   every room is listed, `_step_<step>_p50` when each start step ended (the client's User
//   Timing marks: a profile of where the time goes), `_requests` how many sync requests until
//   every room was listed;
// - `reload_cached_room_list_p50`: a reload to the room list shown from this browser's cache,
//   with the homeserver's sync held back so nothing but the cache can fill it;
// - `room_list_2000_cold_p50`: the same learner with 1,800 more rooms, sliding sync beside v2;
// - `send_render_p50`/`_p99`: a message sent in one browser (from its Enter key, as the page saw
//   it) until it is painted in the other
//   (sliding sync; `send_render_v2_*` with /sync v2), over 100, beside `sync_receive_p50`/`_p99`,
//   a plain client-server API reader long-polling /sync for the same kind of message (the three
//   pairs alternate, so all see the same load), their ratio, and where the time goes: the sender's
//   page until its PUT leaves, the homeserver until the reader's sync answer has arrived, the
//   reader's page until the message is painted.
// `BENCH_CHAT_PARTS=js,rooms,reload,large,latency` runs some parts only; `BENCH_LARGE_ROOMS`
// changes 2,000; `BENCH_TRACE=1` also records a Chromium trace of the reader's page for ten
// messages into e2e/artifacts/send-to-render-trace.json, and of one more sliding sync sign-in
// (not counted) until the first screenful into e2e/artifacts/sign-in-<rooms>-trace.json.
import { randomUUID } from "node:crypto";
import { cpus } from "node:os";
import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext, Page } from "playwright-core";
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
/** Two: a /sync v2 start at 2,000 rooms takes about a minute, and the run must fit in ten. */
const LARGE_ROOM_LIST_RUNS = 2;
const RELOAD_RUNS = 5;
/** `BENCH_WATERFALL=1`: each sign-in's and reload's requests and marks on stderr (`waterfall`). */
const WATERFALL = process.env.BENCH_WATERFALL === "1";
const MESSAGES = 100;
/** How long after the reader sees "typing" the sender presses Enter (ms). */
const TYPING_PAUSE_MS = 250;
/** Between two keys of the password: quicker than most people type (a fast typist: 10 a second). */
const PASSWORD_KEY_DELAY_MS = 40;
/** Rooms that fill the Chats page of a 1280×860 window: "the room list is visible". */
const FIRST_SCREEN = 10;
const PARTS = new Set(
  (process.env.BENCH_CHAT_PARTS ?? "js,rooms,reload,large,latency").split(",").map((p) => p.trim()),
);
/** The client's User Timing marks for the steps of a start (client/src/matrix/startMarks.ts). */
const START_STEPS = [
  "sdk-loaded",
  "login",
  "list-preview",
  "cache-loaded",
  "crypto-ready",
  "sync-started",
  "first-sync",
] as const;

type Report = (figure: Figure) => void;
type SyncMode = "sliding" | "v2";

/** Issue 16's goals: a figure, the most it may be, and the figure it is compared with. */
const GOALS: { name: string; atMost: number; unit: string; baseline?: string }[] = [
  { name: "initial_js_gzip", atMost: 100 * 1024, unit: "bytes" },
  {
    name: "room_list_200_cold_p50",
    atMost: 500,
    unit: "ms",
    baseline: "room_list_200_cold_v2_p50",
  },
  {
    name: "room_list_2000_cold_p50",
    atMost: 800,
    unit: "ms",
    baseline: "room_list_2000_cold_v2_p50",
  },
  {
    name: "reload_cached_room_list_p50",
    atMost: 300,
    unit: "ms",
    baseline: "room_list_200_cold_p50",
  },
  { name: "send_render_p50_vs_sync_receive", atMost: 1.2, unit: "x", baseline: "sync_receive_p50" },
  { name: "send_render_p99_vs_sync_receive", atMost: 1.2, unit: "x", baseline: "sync_receive_p99" },
];

const log = (line: string) => process.stderr.write(`chat | ${line}\n`);

export const chatBenchmark: Benchmark = async (report) => {
  const figures = new Map<string, Figure>();
  const record: Report = (figure) => {
    figures.set(figure.name, figure);
    report(figure);
  };
  const stack = await startTestStack();
  const browser = await launchChromium();
  try {
    if (PARTS.has("js")) await initialJavaScript(browser, stack.info, record);
    if (PARTS.has("rooms") || PARTS.has("reload") || PARTS.has("large")) {
      const learner = await signUpLearner(stack.info, "Rosa Rooms");
      await timed(`made ${ROOMS} rooms`, () => createGroups(stack.info, learner, ROOMS));
      await settled();
      if (PARTS.has("rooms")) await roomListAfterSignIn(browser, stack.info, learner, record);
      if (PARTS.has("reload")) await roomListAfterReload(browser, stack.info, learner, record);
      if (PARTS.has("large")) {
        // The same learner, with more rooms: the fixture grows instead of starting again.
        await timed(`made ${LARGE_ROOMS - ROOMS} more rooms`, () =>
          createGroups(stack.info, learner, LARGE_ROOMS - ROOMS, { from: ROOMS }),
        );
        await settled();
        await roomListAfterSignIn(browser, stack.info, learner, record, {
          rooms: LARGE_ROOMS,
          runs: LARGE_ROOM_LIST_RUNS,
        });
      }
    }
    if (PARTS.has("latency")) await sendToRender(browser, stack.info, record);
  } finally {
    await browser.close();
    await stack.stop();
    await removeStateDir(stack.info.stateDir);
  }
  summarise(figures);
};

async function timed(what: string, work: () => Promise<void>) {
  const started = Date.now();
  await work();
  log(`${what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The machine's CPU time so far, busy and in all, summed over its cores (ms). */
function cpuTimes(): { busy: number; all: number } {
  let busy = 0;
  let all = 0;
  for (const { times } of cpus()) {
    const used = times.user + times.nice + times.sys + times.irq;
    busy += used;
    all += used + times.idle;
  }
  return { busy, all };
}

/**
 * Waits (at most two minutes) until the machine has been mostly idle for five seconds in a row:
 * after making hundreds of rooms, Synapse and PostgreSQL work on for a while, and a start timed
 * meanwhile measures their leftovers. Says so when the machine never settles.
 */
async function settled(limitMs = 120_000) {
  const started = Date.now();
  let quietSeconds = 0;
  let before = cpuTimes();
  while (quietSeconds < 5) {
    if (Date.now() - started > limitMs) {
      log("the machine stayed busy; timing anyway");
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = cpuTimes();
    const share = (now.busy - before.busy) / Math.max(1, now.all - before.all);
    quietSeconds = share < 0.25 ? quietSeconds + 1 : 0;
    before = now;
  }
  log(`the machine settled in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** Each goal met or missed, beside its baseline, for a person reading the run. */
function summarise(figures: Map<string, Figure>) {
  for (const goal of GOALS) {
    const figure = figures.get(goal.name);
    if (!figure) continue;
    const baseline = goal.baseline ? figures.get(goal.baseline) : undefined;
    const verdict = figure.value <= goal.atMost ? "met" : "missed";
    const beside = baseline ? `, beside ${baseline.name} ${baseline.value} ${baseline.unit}` : "";
    log(
      `goal ${goal.name} ≤ ${goal.atMost} ${goal.unit}: ${figure.value} ${figure.unit} (${verdict})${beside}`,
    );
  }
}

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
    report({ name: "initial_js_gzip", value: gzipBytes, unit: "bytes" });
    report({ name: "initial_js_files", value: bodies.length, unit: "files" });
    report({ name: "initial_wasm_requests", value: wasmRequests, unit: "requests" });
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

/**
 * Resolves to the wall-clock time (ms) once at least `count` rooms are on the Chats page. If they
 * never come, says what the page showed and how far its start got, for whoever reads the run.
 */
async function roomsShown(page: Page, count: number): Promise<number> {
  try {
    await page.waitForFunction(
      (n) => document.querySelectorAll(".room-items .room-item").length >= n,
      count,
      { timeout: 120_000, polling: "raf" },
    );
  } catch (error) {
    const shown = await page
      .evaluate(`[document.querySelectorAll(".room-items .room-item").length,
        document.querySelector("main")?.innerText.slice(0, 200),
        performance.getEntriesByType("mark").map((mark) => mark.name).join(" ")]`)
      .catch(() => null);
    log(`${count} rooms never showed; the page had ${JSON.stringify(shown)}`);
    throw error;
  }
  return Date.now();
}

/**
 * Set up in the page before its own scripts: notes when (wall clock, ms) "Sign in" was clicked, as
 * the click event itself says, in `window.xstreamSignInAt`. Timed in the page, a sign-in starts
 * when the person clicks, not when this process asked for the click (Playwright first waits for
 * the button to hold still over two frames, tens of ms that no person waits).
 */
const WATCH_SIGN_IN = `(() => {
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button") : null;
    if (button?.textContent?.trim() === "Sign in" && window.xstreamSignInAt === undefined) {
      window.xstreamSignInAt = performance.timeOrigin + event.timeStamp;
    }
  }, true);
})()`;

/**
 * Signs in as a person would who opened the Chats page (a bookmark, a link) and was asked to sign
 * in first: the sign-in lands on the Chats page without another click. Returns when (wall clock,
 * ms) "Sign in" was clicked.
 */
async function signIn(page: Page, stack: StackInfo, learner: Learner): Promise<number> {
  await page.addInitScript(WATCH_SIGN_IN);
  await page.goto(`${stack.publicUrl}/chats`);
  await page.waitForURL(/\/signin$/);
  await page.getByLabel("Username").fill(learner.username);
  // Typed as a quick typist would, not pasted in at once: what the page does while someone types
  // their password (it loads what signing in needs) happens for every learner, so it counts here.
  await page
    .getByLabel("Password")
    .pressSequentially(learner.password, { delay: PASSWORD_KEY_DELAY_MS });
  await page.getByRole("button", { name: "Sign in" }).click();
  const clickedAt = Number(await page.evaluate("window.xstreamSignInAt"));
  if (!Number.isFinite(clickedAt)) throw new Error("the page saw no click on Sign in");
  await page.waitForURL(/\/chats$/);
  return clickedAt;
}

/** When (wall clock, ms) each start step's User Timing mark was set on the page. */
async function startSteps(page: Page): Promise<Map<string, number>> {
  const marks = (await page.evaluate(`performance.getEntriesByType("mark")
    .filter((mark) => mark.name.startsWith("xstream:"))
    .map((mark) => [mark.name.slice("xstream:".length), performance.timeOrigin + mark.startTime])`)) as [
    string,
    number,
  ][];
  return new Map(marks);
}

const isSyncRequest = (url: string) =>
  /\/(org\.matrix\.simplified_msc3575|v3)\/sync(\?|$)/.test(url);

/**
 * From clicking "Sign in" to the first screenful of rooms, and to every room listed, in a fresh
 * browser, per sync mode (the modes alternate run by run), with when each start step ended and
 * how many sync requests it took.
 */
async function roomListAfterSignIn(
  browser: Browser,
  stack: StackInfo,
  learner: Learner,
  report: Report,
  options: { rooms?: number; runs?: number } = {},
) {
  const rooms = options.rooms ?? ROOMS;
  const modes: SyncMode[] = ["sliding", "v2"];
  const empty = () => ({
    first: [] as number[],
    all: [] as number[],
    requests: [] as number[],
    steps: new Map<string, number[]>(),
  });
  const samples = new Map(modes.map((mode) => [mode, empty()]));
  for (let run = 0; run < (options.runs ?? ROOM_LIST_RUNS); run++) {
    for (const mode of modes) {
      const sample = samples.get(mode) ?? empty();
      const { context, page } = await pageSyncing(browser, mode);
      // Timed in the page, as the reload is: the frame that painted the rooms, not this
      // process's next look at a page too busy to answer at once.
      await context.addInitScript(watchRooms(rooms));
      let requests = 0;
      page.on("request", (request) => {
        if (isSyncRequest(request.url())) requests++;
      });
      page.on("pageerror", (error) => log(`${mode}: page error: ${error.message}`));
      try {
        const started = await signIn(page, stack, learner);
        await roomsShown(page, FIRST_SCREEN);
        const first = await roomsShownInPage(page, FIRST_SCREEN);
        await roomsShown(page, rooms);
        const all = await roomsShownInPage(page, rooms);
        sample.requests.push(requests);
        sample.first.push(first - started);
        sample.all.push(all - started);
        for (const [step, at] of await startSteps(page)) {
          sample.steps.set(step, [...(sample.steps.get(step) ?? []), at - started]);
        }
        if (WATERFALL) {
          log(`sign-in ${mode} ${run + 1}: ${await waterfall(page, started, first, all, rooms)}`);
        }
      } finally {
        await context.close();
      }
    }
    log(`room list at ${rooms} rooms: run ${run + 1} done`);
  }
  if (process.env.BENCH_TRACE === "1") await traceSignIn(browser, stack, learner, rooms);
  for (const [mode, sample] of samples) {
    const slug = `room_list_${rooms}_cold${mode === "v2" ? "_v2" : ""}`;
    reportSpread(report, slug, sample.first);
    reportSpread(report, `${slug}_all`, sample.all);
    report({ name: `${slug}_requests`, value: median(sample.requests), unit: "requests" });
    for (const step of START_STEPS) {
      const at = sample.steps.get(step);
      if (at) report({ name: `${slug}_step_${step}_p50`, value: round(median(at)), unit: "ms" });
    }
  }
}

/** One more sliding sync sign-in, traced until the first screenful, to see where its time goes. */
async function traceSignIn(browser: Browser, stack: StackInfo, learner: Learner, rooms: number) {
  const path = artifactPath(`sign-in-${rooms}-trace.json`);
  const { context, page } = await pageSyncing(browser, "sliding");
  try {
    await browser.startTracing(page, { path, screenshots: false });
    try {
      await signIn(page, stack, learner);
      await roomsShown(page, FIRST_SCREEN);
    } finally {
      await browser.stopTracing();
    }
  } finally {
    await context.close();
  }
  process.stderr.write(`chat | trace of a sign-in at ${rooms} rooms: ${path}\n`);
}

function median(samples: number[]): number {
  return percentile(
    [...samples].sort((a, b) => a - b),
    50,
  );
}

/** Sliding sync's and /sync v2's URLs, as the DevTools protocol's Fetch domain matches them. */
const SYNC_URL_PATTERNS = [
  "*/_matrix/client/unstable/org.matrix.simplified_msc3575/sync*",
  "*/_matrix/client/v3/sync*",
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
  const held: string[] = [];
  try {
    await signIn(page, stack, learner);
    await roomsShown(page, ROOMS);
    await cachedSyncIn(page);
    // Held through the DevTools protocol rather than `page.route`, which turns the browser's HTTP
    // cache off for the whole page: a reload would then fetch every script again, as no
    // learner's browser does. Only sync requests pause; nothing answers them.
    const devtools = await context.newCDPSession(page);
    devtools.on("Fetch.requestPaused", (paused) => {
      held.push(paused.requestId);
    });
    await devtools.send("Fetch.enable", {
      patterns: SYNC_URL_PATTERNS.map((urlPattern) => ({
        urlPattern,
        requestStage: "Request" as const,
      })),
    });
    await context.addInitScript(WATCH_ROOMS);
    const first: number[] = [];
    const all: number[] = [];
    for (let run = 0; run < RELOAD_RUNS; run++) {
      const started = Date.now();
      // From the moment the new page is committed, not after its load event, which also waits
      // for chunks the page loads for later (calls, the Matrix SDK).
      await page.reload({ waitUntil: "commit" });
      const firstAt = await roomsShownInPage(page, FIRST_SCREEN);
      first.push(firstAt - started);
      const allAt = await roomsShownInPage(page, ROOMS);
      all.push(allAt - started);
      if (WATERFALL) log(`reload ${run + 1}: ${await waterfall(page, started, firstAt, allAt)}`);
    }
    // The client did ask, and was held back: what showed came from the cache alone.
    const deadline = Date.now() + 60_000;
    while (held.length === 0) {
      if (Date.now() > deadline) throw new Error("the reloads never asked for a sync");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    reportSpread(report, "reload_cached_room_list", first);
    reportSpread(report, "reload_cached_room_list_all", all);
  } finally {
    await context.close();
  }
}

/**
 * Set up in every page before its own scripts: at each animation frame (just before the browser
 * paints), notes when (wall clock, ms) the first screenful and the whole list were first listed,
 * in `window.xstreamRoomsShownAt`. The page keeps the time itself, so neither this process's
 * round trips nor a page too busy to answer them move it.
 */
const watchRooms = (all: number) => `(() => {
  const shownAt = {};
  window.xstreamRoomsShownAt = shownAt;
  const check = () => {
    const listed = document.querySelectorAll(".room-items .room-item").length;
    for (const count of [${FIRST_SCREEN}, ${all}]) {
      if (listed >= count && !(count in shownAt)) shownAt[count] = performance.timeOrigin + performance.now();
    }
    if (!(${all} in shownAt)) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})()`;
const WATCH_ROOMS = watchRooms(ROOMS);

/** When (wall clock, ms) `count` rooms were first painted, as WATCH_ROOMS saw it. */
async function roomsShownInPage(page: Page, count: number): Promise<number> {
  const found = await page.waitForFunction(
    (n) =>
      (window as unknown as { xstreamRoomsShownAt?: Record<number, number> }).xstreamRoomsShownAt?.[
        n
      ],
    count,
    { timeout: 120_000, polling: 100 },
  );
  return Number(await found.jsonValue());
}

/**
 * Where a reload's or a sign-in's time went, for a person profiling it (`BENCH_WATERFALL=1`):
 * the document, each script, style and API request (from the cache or the network), and the
 * client's User Timing marks, in ms from the moment the reload (or "Sign in") was asked for.
 */
async function waterfall(
  page: Page,
  started: number,
  shownAt: number,
  allShownAt: number,
  rooms = ROOMS,
): Promise<string> {
  const entries = (await page.evaluate(`(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const rows = [["document", nav.requestStart, nav.responseEnd, nav.transferSize],
      ["dom-content-loaded", nav.domContentLoadedEventEnd, nav.domContentLoadedEventEnd, 0],
      ["load", nav.loadEventEnd, nav.loadEventEnd, 0]];
    for (const r of performance.getEntriesByType("resource")) {
      rows.push([r.name.replace(location.origin, "").slice(0, 60), r.startTime, r.responseEnd, r.transferSize]);
    }
    for (const m of performance.getEntriesByType("mark")) rows.push([m.name, m.startTime, m.startTime, 0]);
    return [performance.timeOrigin, rows];
  })()`)) as [number, [string, number, number, number][]];
  const [origin, rows] = entries;
  const at = (ms: number) => Math.round(origin + ms - started);
  const shown = Math.round(shownAt - started);
  const allShown = Math.round(allShownAt - started);
  const lines = rows
    // What ended before the click (the sign-in page loading) is not part of a sign-in.
    .filter(
      ([name, start, end]) =>
        (start > 0 || name === "document") && at(end) >= 0 && at(start) <= allShown,
    )
    .sort((a, b) => a[1] - b[1])
    .map(
      ([name, start, end, bytes]) =>
        `${at(start)}–${at(end)} ${name}${bytes ? ` (${bytes} B)` : ""}`,
    );
  return [
    `navigation starts at ${at(0)}`,
    ...lines,
    `${FIRST_SCREEN} rooms shown at ${shown}, all ${rooms} at ${allShown}`,
  ].join("\n  ");
}

/**
 * Waits until the page's browser holds a cached sync. Polled with `evaluate`, which waits for
 * the check's promise (`waitForFunction` would take the promise itself as a truthy answer).
 */
async function cachedSyncIn(page: Page) {
  const deadline = Date.now() + 120_000;
  while (!(await page.evaluate(HAS_CACHED_SYNC))) {
    if (Date.now() > deadline) throw new Error("the browser never cached a sync");
    await new Promise((resolve) => setTimeout(resolve, 250));
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

/**
 * Set in the sender's page: when (wall clock, ms) Enter was last pressed, as the key event itself
 * says. Timed in the page, a message is sent when the key goes down, not when this process asked
 * for the key (Playwright first finds and focuses the box: tens of ms that no person waits).
 */
const WATCH_ENTER = `(() => {
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter") window.xstreamEnterAt = performance.timeOrigin + event.timeStamp;
  }, true);
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
  await a.page.evaluate(WATCH_ENTER);
  return { mode, roomId, sender: a, reader: b };
}

type Breakdown = { total: number[]; sender: number[]; server: number[]; reader: number[] };

/** One message from the pair's sender until the reader's page paints it. */
async function sendThroughBrowsers(pair: BrowserPair, text: string, into: Breakdown) {
  const box = pair.sender.page.getByRole("textbox", { name: "Message" });
  await box.fill(text);
  // A person types for a while before Enter, so their partner sees "… is typing" first. Filled in
  // at once, the typing notice and the message would race each other to the reader's sync,
  // which the plain client (no typing notices) never pays.
  await pair.reader.page
    .locator(".typing-line", { hasText: "typing" })
    .waitFor({ timeout: 30_000 });
  // And a moment more, as nobody presses Enter in the instant the partner's screen changed: the
  // reader's next sync request, sent once the typing notice is handled, is waiting again.
  await new Promise((resolve) => setTimeout(resolve, TYPING_PAUSE_MS));
  // Forgotten first, so a key the page never saw cannot lend this message the last one's time.
  await pair.sender.page.evaluate("window.xstreamEnterAt = undefined");
  await box.press("Enter");
  const sentAt = Number(await pair.sender.page.evaluate("window.xstreamEnterAt"));
  if (!Number.isFinite(sentAt)) throw new Error("the sender's page saw no Enter");
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
  const plainP99 = percentile(plainSorted, 99);
  report({ name: "sync_receive_p50", value: round(plainP50), unit: "ms" });
  report({ name: "sync_receive_p99", value: round(plainP99), unit: "ms" });
  const ratio = (value: number, baseline: number) => round(baseline > 0 ? value / baseline : 0);
  for (const [mode, breakdown] of Object.entries(samples)) {
    const slug = mode === "v2" ? "send_render_v2" : "send_render";
    const total = [...breakdown.total].sort((a, b) => a - b);
    const p50 = percentile(total, 50);
    const p99 = percentile(total, 99);
    report({ name: `${slug}_p50`, value: round(p50), unit: "ms" });
    report({ name: `${slug}_p99`, value: round(p99), unit: "ms" });
    report({ name: `${slug}_p50_vs_sync_receive`, value: ratio(p50, plainP50), unit: "x" });
    report({ name: `${slug}_p99_vs_sync_receive`, value: ratio(p99, plainP99), unit: "x" });
    for (const part of ["sender", "server", "reader"] as const) {
      const sorted = [...breakdown[part]].sort((a, b) => a - b);
      report({
        name: `${slug}_${part}_p50`,
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
