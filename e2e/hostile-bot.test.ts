// Issue 11: one chat message once held the bridge at 100 % CPU for minutes. A Matrix user DMs
// @xstream the same message and a few more from the shared hostile corpus, through the real
// Synapse, while /healthz is polled throughout: the bridge keeps answering at once, the bot still
// works, and its own event-loop delay (GET /metrics, on a listener the edge never proxies) stays
// small.
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
/** What the issue asks of /healthz while the hostile messages are handled. */
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

// The poller runs in a worker thread: timed on the test's own event loop, polls would also count
// the time the test spends parsing the timelines it reads.
const POLLER = `
const { parentPort, workerData } = require("node:worker_threads");
const polls = [];
let running = true;
parentPort.on("message", () => { running = false; });
(async () => {
  while (running) {
    const started = performance.now();
    const status = await fetch(workerData.url, { signal: AbortSignal.timeout(5000) }).then(
      (response) => response.status,
      () => 0,
    );
    polls.push({ ms: performance.now() - started, status });
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  parentPort.postMessage(polls);
})();
`;

interface Poll {
  ms: number;
  status: number;
}

/** Polls /healthz every 25 ms until stopped, timing each answer. */
function pollHealth() {
  const worker = new Worker(POLLER, {
    eval: true,
    workerData: { url: `${stack.bridgeUrl}/healthz` },
  });
  const result = new Promise<Poll[]>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  let stopped: Promise<Poll[]> | undefined;
  return {
    stop(): Promise<Poll[]> {
      if (!stopped) {
        worker.postMessage("stop");
        stopped = result.finally(() => worker.terminate());
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

  let health: ReturnType<typeof pollHealth> | undefined;
  afterAll(async () => {
    await health?.stop();
  });

  it("does not stall the bridge, and the bot still answers", async () => {
    expect(readdirSync(corpusDir)).toContain("issue-11-a-href.html");
    expect(corpus("issue-11-a-href.html")).toBe(ISSUE_MESSAGE);
    // One ordinary command first: code run for the first time (compilation, lazy imports) costs
    // once, whatever the message, and is not what this test measures.
    expect((await bot.say("help")).body).toMatch(/Here is what I understand/);
    // A scrape resets prom-client's event-loop gauges: the next one covers the hostile part only.
    const before = await scrape();
    health = pollHealth();

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

    const polls = await health.stop();
    health = undefined;
    const slowest = Math.max(...polls.map((poll) => poll.ms));
    console.log(
      `hostile-bot: ${polls.length} /healthz polls, slowest ${slowest.toFixed(1)} ms, all ok: ${polls.every((poll) => poll.status === 200)}`,
    );
    expect(polls.length).toBeGreaterThan(10);
    expect(polls.every((poll) => poll.status === 200)).toBe(true);
    expect(slowest).toBeLessThan(HEALTH_BOUND_MS);

    // The bot still works, and still refuses an oversized command politely.
    expect((await bot.say("help")).body).toMatch(/Here is what I understand/);
    expect((await bot.say(`interests ${"hiking ".repeat(500)}`)).body).toMatch(
      /too long for me to read as a command/,
    );

    const after = await scrape();
    const windowMax = sample(after, "nodejs_eventloop_lag_max_seconds");
    const sinceStart = sample(after, "xstream_event_loop_delay_max_seconds");
    console.log(
      `hostile-bot: worst event-loop delay during the test ${(windowMax * 1_000).toFixed(1)} ms (includes the 10 ms sampling resolution); worst since the bridge started ${(sinceStart * 1_000).toFixed(1)} ms`,
    );
    expect(windowMax).toBeLessThan(HEALTH_BOUND_MS / 1_000);
    // The bot's own, synchronous part of every message of this test stays far below the
    // seconds the issue-11 message held it for. The histogram measures wall time, which a machine
    // running other work stretches (one 10 ms read was seen past 50 ms at load 6); the 50 ms
    // budget itself is judged in CPU time, per message, by bot/hostileMessages.test.ts. Counted
    // between the two scrapes, as the event-loop window is: the histogram holds every read since
    // the bridge started, whose first ones also load the language registry.
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
    expect(slowestRead).toBeDefined();
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
