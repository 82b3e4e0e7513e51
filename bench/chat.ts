// The web client as a learner feels it, in Debian's Chromium against a throw-away stack:
// - the JavaScript the browser downloads before the sign-in page is interactive (gzip bytes;
//   the crypto WASM and the signed-in pages must load later, on demand);
// - sign-in to a rendered room list for a learner in 200 rooms;
// - a message sent in one browser until it is rendered in the other, p50 and p99 over 100.
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../e2e/browser.ts";
import { removeStateDir, type StackInfo, startTestStack } from "../e2e/harness.ts";
import {
  createSharedRoom,
  type Learner,
  openPage,
  signedInInRoom,
  signUpLearner,
} from "../e2e/learners.ts";
import { matrixRequest } from "../e2e/matrix.ts";
import type { Benchmark, Figure } from "./run.ts";
import { percentile, round } from "./stats.ts";

const ROOMS = 200;
const ROOM_LIST_RUNS = 5;
const MESSAGES = 100;

export const chatBenchmark: Benchmark = async (report) => {
  const stack = await startTestStack();
  const browser = await launchChromium();
  try {
    await initialJavaScript(browser, stack.info, report);
    await roomListAfterSignIn(browser, stack.info, report);
    await sendToRender(browser, stack.info, report);
  } finally {
    await browser.close();
    await stack.stop();
    await removeStateDir(stack.info.stateDir);
  }
};

/** Every script fetched until the sign-in form works and the network is quiet, gzipped. */
async function initialJavaScript(browser: Browser, stack: StackInfo, report: (f: Figure) => void) {
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

/** From clicking "Sign in" to all 200 rooms listed on the Chats page, in a fresh browser. */
async function roomListAfterSignIn(
  browser: Browser,
  stack: StackInfo,
  report: (f: Figure) => void,
) {
  const learner = await signUpLearner(stack, "Rosa Rooms");
  for (let i = 0; i < ROOMS; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, ROOMS - i) }, (_, j) =>
        createRoomWithMessage(stack, learner, i + j),
      ),
    );
  }
  const durations: number[] = [];
  for (let run = 0; run < ROOM_LIST_RUNS; run++) {
    const { context, page } = await openPage(browser);
    try {
      await page.goto(`${stack.publicUrl}/signin`);
      await page.getByLabel("Username").fill(learner.username);
      await page.getByLabel("Password").fill(learner.password);
      const started = Date.now();
      await page.getByRole("button", { name: "Sign in" }).click();
      await page
        .getByRole("navigation", { name: "Main" })
        .getByRole("link", { name: "Chats" })
        .click();
      await page.waitForFunction(
        (count) => document.querySelectorAll(".room-items .room-item").length >= count,
        ROOMS,
        { timeout: 120_000, polling: "raf" },
      );
      durations.push(Date.now() - started);
    } finally {
      await context.close();
    }
  }
  durations.sort((a, b) => a - b);
  report({
    name: "signin_to_room_list_200_rooms_p50",
    value: percentile(durations, 50),
    unit: "ms",
  });
  report({ name: "signin_to_room_list_200_rooms_max", value: durations.at(-1) ?? 0, unit: "ms" });
}

async function createRoomWithMessage(stack: StackInfo, learner: Learner, index: number) {
  const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
    stack.publicUrl,
    "POST",
    "/_matrix/client/v3/createRoom",
    {
      token: learner.matrix.accessToken,
      body: { preset: "private_chat", name: `Practice group ${index + 1}` },
    },
  );
  await matrixRequest(
    stack.publicUrl,
    "PUT",
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/bench-${index}`,
    {
      token: learner.matrix.accessToken,
      body: { msgtype: "m.text", body: `Welcome to group ${index + 1}` },
    },
  );
}

/** Sends one at a time from one browser and timestamps, in the other, when each is rendered. */
async function sendToRender(browser: Browser, stack: StackInfo, report: (f: Figure) => void) {
  const [sender, reader] = await Promise.all([
    signUpLearner(stack, "Sam Sender"),
    signUpLearner(stack, "Rui Reader"),
  ]);
  const roomId = await createSharedRoom(stack, sender, [reader]);
  const [a, b] = await Promise.all([
    signedInInRoom(browser, stack, sender, roomId),
    signedInInRoom(browser, stack, reader, roomId),
  ]);
  try {
    await watchArrivals(b.page);
    const box = a.page.getByRole("textbox", { name: "Message" });
    const latencies: number[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const text = `latency probe ${i}`;
      await box.fill(text);
      const sentAt = performance.timeOrigin + performance.now();
      await box.press("Enter");
      const renderedAt = await b.page.waitForFunction(
        (key) => (window as unknown as { arrivals: Map<string, number> }).arrivals.get(key),
        text,
        { timeout: 30_000, polling: 10 },
      );
      latencies.push(((await renderedAt.jsonValue()) as number) - sentAt);
    }
    latencies.sort((x, y) => x - y);
    report({
      name: "message_send_to_render_p50",
      value: round(percentile(latencies, 50)),
      unit: "ms",
    });
    report({
      name: "message_send_to_render_p99",
      value: round(percentile(latencies, 99)),
      unit: "ms",
    });
  } finally {
    await Promise.all([a.context.close(), b.context.close()]);
  }
}

/**
 * Records, in the page, the wall-clock time each message body first appears in the DOM. A string,
 * not a function: tsx would wrap named functions in a helper that does not exist in the page.
 */
const WATCH_ARRIVALS = `(() => {
  const arrivals = new Map();
  window.arrivals = arrivals;
  const log = document.querySelector('[role="log"]');
  if (!log) throw new Error("no timeline on the page");
  new MutationObserver(() => {
    const now = performance.timeOrigin + performance.now();
    for (const body of log.querySelectorAll(".message__body")) {
      const text = body.textContent.trim();
      if (text.startsWith("latency probe") && !arrivals.has(text)) arrivals.set(text, now);
    }
  }).observe(log, { childList: true, subtree: true, characterData: true });
})()`;

async function watchArrivals(page: Page) {
  await page.evaluate(WATCH_ARRIVALS);
}
