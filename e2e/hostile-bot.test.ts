// Issue 11: one chat message once held the bridge at 100 % CPU for minutes. A Matrix user DMs
// @xstream the same message and a few more from the shared hostile corpus, through the real
// Synapse, while /healthz is polled throughout: the bridge keeps answering at once, the bot still
// works, and its own event-loop delay (GET /metrics, on a listener the edge never proxies) stays
// small — both judged by what the bridge itself held, not by how busy the machine is.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { repoRoot } from "../scripts/stack/paths.ts";
import { BotConversation } from "./bot-conversation.ts";
import { registerWithSharedSecret, uniqueLocalpart } from "./matrix.ts";

const stack = inject("stack");
const BOT = `@xstream:${stack.serverName}`;
const ISSUE_MESSAGE = '<a href="x" '.repeat(2_000);
/** What the issue asks of /healthz while the hostile messages are handled (see PROBE). */
const HEALTH_BOUND_MS = 200;

const corpusDir = join(repoRoot, "test-corpus", "hostile");
const corpus = (name: string) => readFileSync(join(corpusDir, name), "utf8");

/** The value of one series in Prometheus' text format, e.g. `xstream_events_total`. */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no ${series} in /metrics`);
  return Number(line.slice(series.length + 1));
}

async function scrape(): Promise<string> {
  const response = await fetch(`${stack.metricsUrl}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

// The probe runs in a worker thread: timed on the test's own event loop, polls would also count
// the time the test spends parsing the timelines it reads. It alternates a /metrics scrape and a
// /healthz poll. Each scrape reads the bridge's CPU time and the worst event-loop delay since the
// previous scrape (prom-client resets that histogram on every scrape), so every interval between
// two scrapes is known in wall time and in the bridge's CPU time.
const PROBE = `
const { parentPort, workerData } = require("node:worker_threads");
const sample = (text, series) => {
  const line = text.split("\\n").find((candidate) => candidate.startsWith(series + " "));
  return line === undefined ? NaN : Number(line.slice(series.length + 1));
};
const timed = async (url) => {
  const started = performance.now();
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return { ms: performance.now() - started, status: response.status, text: await response.text() };
  } catch {
    return { ms: performance.now() - started, status: 0, text: "" };
  }
};
const scrapes = [];
const polls = [];
let running = true;
parentPort.on("message", () => { running = false; });
(async () => {
  for (;;) {
    const scrape = await timed(workerData.metrics);
    scrapes.push({
      ms: scrape.ms,
      status: scrape.status,
      cpuSeconds: sample(scrape.text, "process_cpu_seconds_total"),
      lagMaxSeconds: sample(scrape.text, "nodejs_eventloop_lag_max_seconds"),
    });
    if (!running) break;
    const poll = await timed(workerData.health);
    polls.push({ ms: poll.ms, status: poll.status });
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  parentPort.postMessage({ scrapes, polls });
})();
`;

interface Timed {
  ms: number;
  status: number;
}

interface Scrape extends Timed {
  cpuSeconds: number;
  lagMaxSeconds: number;
}

/** What happened between two consecutive scrapes: one /healthz poll, and the bridge's side. */
interface Interval {
  healthMs: number;
  healthStatus: number;
  /** The bridge's worst event-loop delay (wall time), as the later scrape reported it. */
  loopDelayMs: number;
  /** CPU time the bridge process used between the two scrapes. */
  cpuMs: number;
}

/** Probes the bridge until stopped; see PROBE. */
function probeBridge() {
  const worker = new Worker(PROBE, {
    eval: true,
    workerData: { health: `${stack.bridgeUrl}/healthz`, metrics: `${stack.metricsUrl}/metrics` },
  });
  const result = new Promise<{ scrapes: Scrape[]; polls: Timed[] }>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  let stopped: Promise<Interval[]> | undefined;
  return {
    stop(): Promise<Interval[]> {
      if (!stopped) {
        worker.postMessage("stop");
        stopped = result
          .then(({ scrapes, polls }) => {
            for (const scrape of scrapes) {
              expect(scrape.status).toBe(200);
              expect(Number.isFinite(scrape.cpuSeconds)).toBe(true);
              expect(Number.isFinite(scrape.lagMaxSeconds)).toBe(true);
            }
            // Poll i ran between scrape i and scrape i + 1 (the probe ends on a scrape).
            return polls.map((poll, i) => {
              const [start, end] = [scrapes[i], scrapes[i + 1]];
              if (!start || !end) throw new Error(`no scrapes around /healthz poll ${i}`);
              return {
                healthMs: poll.ms,
                healthStatus: poll.status,
                loopDelayMs: end.lagMaxSeconds * 1_000,
                cpuMs: (end.cpuSeconds - start.cpuSeconds) * 1_000,
              };
            });
          })
          .finally(() => worker.terminate());
      }
      return stopped;
    },
  };
}

const html = (body: string, formatted: string) => ({
  msgtype: "m.text",
  body,
  format: "org.matrix.custom.html",
  formatted_body: formatted,
});

describe("a hostile message to the bot", () => {
  let bot: BotConversation;

  beforeAll(async () => {
    const user = await registerWithSharedSecret(
      stack.synapseUrl,
      stack.registrationSharedSecret,
      uniqueLocalpart("mallory"),
      "correct horse battery staple",
    );
    bot = await BotConversation.open(stack.synapseUrl, user, BOT);
  });

  let probe: ReturnType<typeof probeBridge> | undefined;
  afterAll(async () => {
    await probe?.stop().catch(() => undefined);
  });

  it("does not stall the bridge, and the bot still answers", async () => {
    expect(readdirSync(corpusDir)).toContain("issue-11-a-href.html");
    expect(corpus("issue-11-a-href.html")).toBe(ISSUE_MESSAGE);
    // One ordinary command first: code run for the first time (compilation, lazy imports) costs
    // once, whatever the message, and is not what this test measures.
    expect((await bot.say("help")).body).toMatch(/Here is what I understand/);
    const before = await scrape();
    probe = probeBridge();

    // The message from the issue: refused politely, without being read.
    const refusal = await bot.replyAfter(
      await bot.sendContent(html("help", ISSUE_MESSAGE)),
      "the answer to the issue 11 message",
    );
    expect(refusal.msgtype).toBe("m.notice");
    expect(refusal.body).toMatch(/too long for me to read as a command/);

    // Corpus messages cut to just under the bot's limits, so the parser reads them in full.
    const hostile = [
      ...[
        "a-href-64k.html",
        "open-then-wrong-closes.html",
        "deep-divs.html",
        "attributes-many.html",
        "entities-broken.html",
        "links-nested.html",
      ].map((name) => html("help", corpus(name).slice(0, 7_900))),
      ...[
        "punctuation-runs.txt",
        "report-punctuation.txt",
        "mention-run.txt",
        "native-many.txt",
        "quoted-lines.txt",
      ].map((name) => ({ msgtype: "m.text", body: corpus(name).slice(0, 1_990) })),
    ];
    for (const content of hostile) {
      const reply = await bot.replyAfter(await bot.sendContent(content), "an answer");
      expect(reply.msgtype).toBe("m.notice");
    }

    // The bot still works, and still refuses an oversized command politely.
    expect((await bot.say("help")).body).toMatch(/Here is what I understand/);
    expect((await bot.say(`interests ${"hiking ".repeat(500)}`)).body).toMatch(
      /too long for me to read as a command/,
    );

    const intervals = await probe.stop();
    probe = undefined;
    const worst = (key: keyof Interval) => Math.max(...intervals.map((interval) => interval[key]));
    // What a stall caused by the bridge looks like: a bounded number of milliseconds during which
    // health waited AND the event loop was late AND the bridge burned CPU. On a loaded machine the
    // first two also grow when the bridge is simply not scheduled (polls past 800 ms were seen
    // with eight busy loops beside the test, at load 10–14), while its CPU time does not: a
    // process holding its loop for 300 ms of work uses 300 ms of CPU however long the machine
    // makes it take. So each interval counts by the smaller of its wall time and its CPU time.
    // On an idle machine this is the plain wall-time bound; a block without CPU (a synchronous
    // wait on I/O) is left to the 5 s timeout of each poll.
    const heldHealth = intervals.map((interval) => Math.min(interval.healthMs, interval.cpuMs));
    const heldLoop = intervals.map((interval) => Math.min(interval.loopDelayMs, interval.cpuMs));
    console.log(
      `hostile-bot: ${intervals.length} /healthz polls, all ok: ${intervals.every((interval) => interval.healthStatus === 200)}; ` +
        `wall time: slowest poll ${worst("healthMs").toFixed(1)} ms, worst event-loop delay ${worst("loopDelayMs").toFixed(1)} ms (10 ms sampling included); ` +
        `most bridge CPU between two probes ${worst("cpuMs").toFixed(1)} ms; ` +
        `held by the bridge: health ${Math.max(...heldHealth).toFixed(1)} ms, event loop ${Math.max(...heldLoop).toFixed(1)} ms`,
    );
    expect(intervals.length).toBeGreaterThan(10);
    expect(intervals.every((interval) => interval.healthStatus === 200)).toBe(true);
    expect(Math.max(...heldHealth)).toBeLessThan(HEALTH_BOUND_MS);
    expect(Math.max(...heldLoop)).toBeLessThan(HEALTH_BOUND_MS);

    const after = await scrape();
    console.log(
      `hostile-bot: worst event-loop delay since the bridge started ${(sample(after, "xstream_event_loop_delay_max_seconds") * 1_000).toFixed(1)} ms`,
    );
    // The bot's own, synchronous part of every message of this test stays far below the
    // seconds the issue-11 message held it for. Each read is synchronous, so it lies inside one
    // probe interval, where the checks above bound the CPU it can hold the loop for. The read
    // histogram measures wall time, which a machine running other work stretches (reads of about
    // 20 ms on average reached the 0.1–0.25 s bucket at load 19–21), so its buckets are reported,
    // not bounded; the 50 ms budget is judged in CPU time, per message, by
    // bot/hostileMessages.test.ts. Counted between the test's first and last scrapes: the
    // histogram holds every read since the bridge started, whose first ones also load the
    // language registry.
    const during = (name: string) => sample(after, name) - sample(before, name);
    const reads = during("xstream_bot_message_read_seconds_count");
    expect(reads).toBeGreaterThanOrEqual(hostile.length + 3);
    const readBuckets = [
      "0.0005",
      "0.001",
      "0.0025",
      "0.005",
      "0.01",
      "0.025",
      "0.05",
      "0.1",
      "0.25",
    ];
    const readsWithin = (le: string) =>
      during(`xstream_bot_message_read_seconds_bucket{le="${le}"}`);
    console.log(
      `hostile-bot: message reads per bucket (le → count): ${readBuckets.map((le) => `${le} → ${readsWithin(le)}`).join(", ")}`,
    );
    const slowestRead = readBuckets.find((le) => readsWithin(le) === reads);
    console.log(
      `hostile-bot: ${reads} messages read by the bot, the slowest in at most ${slowestRead ?? "more than 0.25"} s, ${((during("xstream_bot_message_read_seconds_sum") / reads) * 1_000).toFixed(2)} ms on average`,
    );
    // The metrics saw the conversation arrive.
    expect(sample(after, "xstream_appservice_events_total")).toBeGreaterThan(
      sample(before, "xstream_appservice_events_total") + hostile.length,
    );
  });

  it("keeps /metrics off the public origin and off the bridge's main port", async () => {
    const publicAnswer = await fetch(`${stack.publicUrl}/metrics`);
    const publicText = await publicAnswer.text();
    expect(publicText).not.toContain("# HELP");
    expect(publicText).not.toContain("xstream_event_loop");
    const mainPort = await fetch(`${stack.bridgeUrl}/metrics`);
    expect(mainPort.status).toBe(404);
    expect(await mainPort.text()).not.toContain("# HELP");
    // The metrics listener itself is on loopback.
    expect(new URL(stack.metricsUrl).hostname).toBe("127.0.0.1");
    expect(await scrape()).toContain("# TYPE xstream_http_request_duration_seconds histogram");
  });
});
