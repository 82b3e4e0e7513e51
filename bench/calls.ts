// Calls as learners feel them and what they cost this machine, in Debian's Chromium with a fake
// camera and microphone against a throw-away stack (real Synapse, token service and LiveKit):
// - from clicking "Join call" to the first frame of the other person's video, p50 over 20 joins;
// - CPU of livekit-server and of the browser (every Chromium process) during a 4-person video
//   call, from /proc/<pid>/stat (utime + stime) over 20 s, in % of one core.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../e2e/browser.ts";
import { removeStateDir, type StackInfo, startTestStack } from "../e2e/harness.ts";
import {
  type BrowserPage,
  createSharedRoom,
  type Learner,
  signedInInRoom,
  signUpLearner,
} from "../e2e/learners.ts";
import type { Benchmark, Figure } from "./run.ts";
import { percentile, round } from "./stats.ts";

const JOINS = 20;
const CPU_WINDOW_MS = 20_000;
const CALLERS = 4;
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux x86-64). */
const CLOCK_TICKS = 100;

export const callsBenchmark: Benchmark = async (report) => {
  const stack = await startTestStack();
  const browser = await launchChromium({ fakeMedia: true });
  try {
    await joinToFirstFrame(browser, stack.info, report);
    await fourPersonCallCpu(browser, stack.info, report);
  } finally {
    await browser.close();
    await stack.stop();
    await removeStateDir(stack.info.stateDir);
  }
};

const callView = (page: Page) => page.locator(".call-overlay");
const leaveButton = (page: Page) =>
  callView(page)
    .getByRole("toolbar", { name: "Call controls" })
    .getByRole("button", { name: "Leave call" });

/**
 * Records in the page when "Join call" is clicked and when the first frame of `name`'s video is
 * shown after it (requestVideoFrameCallback). A string, not a function: tsx would wrap named
 * functions in a helper that does not exist in the page.
 */
const WATCH_FIRST_FRAME = `((name) => {
  const probe = { clickedAt: null, firstFrameAt: null };
  window.firstFrameProbe = probe;
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button") : null;
    if (button && /^Join call/.test(button.textContent.trim())) {
      probe.clickedAt = performance.now();
      probe.firstFrameAt = null;
    }
  }, true);
  const watched = new WeakSet();
  new MutationObserver(() => {
    for (const video of document.querySelectorAll('.call-overlay figure[aria-label="' + name + '"] video')) {
      if (watched.has(video)) continue;
      watched.add(video);
      video.requestVideoFrameCallback(() => {
        if (probe.clickedAt !== null && probe.firstFrameAt === null) probe.firstFrameAt = performance.now();
      });
    }
  }).observe(document.body, { childList: true, subtree: true });
})`;

/** One learner stays in a call; another joins it 20 times, each time until the first frame. */
async function joinToFirstFrame(browser: Browser, stack: StackInfo, report: (f: Figure) => void) {
  const [host, guest, absent] = await Promise.all([
    signUpLearner(stack, "Hana Host"),
    signUpLearner(stack, "Gil Guest"),
    signUpLearner(stack, "Ada Absent"),
  ]);
  // A group room: no ringing, the guest joins from the room's header.
  const roomId = await createSharedRoom(stack, host, [guest, absent], { name: "Bench call" });
  const [h, g] = await Promise.all([
    signedInInRoom(browser, stack, host, roomId),
    signedInInRoom(browser, stack, guest, roomId),
  ]);
  try {
    await h.page.getByRole("button", { name: "Start video call" }).click();
    await callView(h.page).getByRole("figure", { name: "Hana Host (you)" }).waitFor();
    await g.page.evaluate(`${WATCH_FIRST_FRAME}("Hana Host")`);
    const durations: number[] = [];
    for (let run = 0; run < JOINS; run++) {
      const join = g.page.getByRole("button", { name: /^Join call/ });
      await join.waitFor({ timeout: 30_000 });
      await join.click();
      const elapsed = await g.page.waitForFunction(
        () => {
          const probe = (
            window as unknown as {
              firstFrameProbe: { clickedAt: number | null; firstFrameAt: number | null };
            }
          ).firstFrameProbe;
          return probe.clickedAt !== null && probe.firstFrameAt !== null
            ? probe.firstFrameAt - probe.clickedAt
            : null;
        },
        undefined,
        { timeout: 60_000, polling: 50 },
      );
      durations.push((await elapsed.jsonValue()) as number);
      await leaveButton(g.page).click();
      await callView(g.page).waitFor({ state: "detached", timeout: 30_000 });
      process.stderr.write(
        `calls | join ${run + 1}/${JOINS}: ${round(durations.at(-1) ?? 0)} ms\n`,
      );
    }
    durations.sort((a, b) => a - b);
    report({
      name: "call_join_to_first_remote_frame_p50",
      value: round(percentile(durations, 50)),
      unit: "ms",
    });
    report({
      name: "call_join_to_first_remote_frame_max",
      value: round(durations.at(-1) ?? 0),
      unit: "ms",
    });
  } finally {
    await leaveButton(h.page)
      .click()
      .catch(() => undefined);
    await Promise.all([h.context.close(), g.context.close()]);
  }
}

/** utime + stime of a process, in clock ticks; null once it is gone. */
function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may contain spaces: fields start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** Every Chromium process started from this one (the browser, its renderers, GPU and utilities). */
function chromiumPids(): number[] {
  const parents = new Map<number, number>();
  const chromium = new Set<number>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(pid, Number(fields[1]));
      const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] ?? "";
      if (command.includes("chromium")) chromium.add(pid);
    } catch {
      // Gone meanwhile.
    }
  }
  const isOurs = (pid: number) => {
    for (let current = parents.get(pid); current !== undefined; current = parents.get(current)) {
      if (current === process.pid) return true;
      if (current <= 1) return false;
    }
    return false;
  };
  return [...chromium].filter(isOurs);
}

function livekitPid(stack: StackInfo): number {
  const pid = Number(readFileSync(join(stack.stateDir, "run", "livekit.pid"), "utf8").trim());
  if (!Number.isInteger(pid) || cpuTicks(pid) === null) {
    throw new Error(`livekit-server is not running (pid file says ${pid})`);
  }
  return pid;
}

/** CPU used by the processes over the window, in % of one core (processes that exit count up to then). */
async function cpuPercent(pids: number[], windowMs: number): Promise<number> {
  const before = new Map(pids.map((pid) => [pid, cpuTicks(pid)]));
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const seconds = (performance.now() - started) / 1000;
  let ticks = 0;
  for (const pid of pids) {
    const start = before.get(pid);
    const end = cpuTicks(pid);
    if (start !== null && start !== undefined && end !== null) ticks += end - start;
  }
  return (ticks / CLOCK_TICKS / seconds) * 100;
}

/** Four learners in one video call, each in their own browser context of one Chromium. */
async function fourPersonCallCpu(browser: Browser, stack: StackInfo, report: (f: Figure) => void) {
  const names = ["Quinn One", "Quinn Two", "Quinn Three", "Quinn Four"].slice(0, CALLERS);
  const learners = await Promise.all(names.map((name) => signUpLearner(stack, name)));
  const [host, ...guests] = learners as [Learner, ...Learner[]];
  const roomId = await createSharedRoom(stack, host, guests, { name: "Bench group call" });
  const pages: BrowserPage[] = [];
  for (const learner of learners) pages.push(await signedInInRoom(browser, stack, learner, roomId));
  try {
    const [first, ...others] = pages as [BrowserPage, ...BrowserPage[]];
    await first.page.getByRole("button", { name: "Start video call" }).click();
    for (const page of others) {
      const join = page.page.getByRole("button", { name: /^Join call/ });
      await join.waitFor({ timeout: 30_000 });
      await join.click();
    }
    // Everyone sees everyone's moving picture before measuring.
    for (const page of pages) {
      await page.page.waitForFunction(
        (count) => {
          const videos = Array.from(
            document.querySelectorAll<HTMLVideoElement>(".call-overlay video"),
          );
          return videos.length >= count && videos.every((video) => video.videoWidth > 0);
        },
        CALLERS,
        { timeout: 60_000, polling: 250 },
      );
    }
    const livekit = livekitPid(stack);
    const browserPids = chromiumPids();
    const [livekitCpu, browserCpu] = await Promise.all([
      cpuPercent([livekit], CPU_WINDOW_MS),
      cpuPercent(browserPids, CPU_WINDOW_MS),
    ]);
    report({ name: "call_4_person_livekit_cpu", value: round(livekitCpu), unit: "% of one core" });
    report({ name: "call_4_person_browser_cpu", value: round(browserCpu), unit: "% of one core" });
    report({
      name: "call_4_person_browser_cpu_per_participant",
      value: round(browserCpu / CALLERS),
      unit: "% of one core",
    });
  } finally {
    for (const page of pages)
      await leaveButton(page.page)
        .click()
        .catch(() => undefined);
    await Promise.all(pages.map((page) => page.context.close()));
  }
}
