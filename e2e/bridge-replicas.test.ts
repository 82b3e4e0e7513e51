// Two bridge-service replicas behind the edge (XSTREAM_BRIDGE_REPLICAS=2), on one database: the
// edge and Synapse's appservice transactions use both, and one killed with SIGKILL in the middle
// of a burst of bot commands (connect and accept among them) and web partner requests loses
// nothing and doubles nothing, notices included, while the web API keeps answering.
import { execFile as execFileCallback } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { answersOk } from "../scripts/stack/processes.ts";
import { type Burst, partnerRequestBursts, sendBursts } from "./bot-burst.ts";
import { BotConversation } from "./bot-conversation.ts";
import { removeStateDir, type StackInfo, startTestStack, type TestStack } from "./harness.ts";
import { type Learner, signUpLearner } from "./learners.ts";
import {
  eventually,
  type MatrixUser,
  registerWithSharedSecret,
  uniqueLocalpart,
} from "./matrix.ts";
import { strongPassword } from "./web-session.ts";

const execFile = promisify(execFileCallback);
const PARTS = ["bridge", "bridge-2"] as const;

function pidOf(info: StackInfo, part: string): number {
  return Number(readFileSync(join(info.stateDir, "run", `${part}.pid`), "utf8").trim());
}

/** How many requests of a kind a replica has served, from its own Prometheus listener. */
async function served(metricsPort: number, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return text
    .split("\n")
    .filter((line) => pattern.test(line))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}

/**
 * The replica that holds a room of the bot's inbox right now (it is answering commands), found
 * from its database connection's port; undefined when neither does.
 */
async function replicaHoldingARoom(info: StackInfo, db: pg.Client): Promise<string | undefined> {
  const { rows } = await db.query<{ client_port: number }>(
    `SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()`,
  );
  for (const { client_port: port } of rows) {
    const { stdout } = await execFile("ss", ["-tnpH", `sport = :${port}`]).catch(() => ({
      stdout: "",
    }));
    const pid = Number(/pid=(\d+)/.exec(stdout)?.[1]);
    const part = PARTS.find((name) => pidOf(info, name) === pid);
    if (part) return part;
  }
  return undefined;
}

describe("two bridges behind the edge", () => {
  let stack: TestStack;
  let info: StackInfo;
  let db: pg.Client;

  beforeAll(async () => {
    stack = await startTestStack({
      stateDir: await mkdtemp(join(tmpdir(), "xstream-replicas-")),
      bridgeReplicas: 2,
      supervision: { checkEveryMs: 1_000 },
    });
    info = stack.info;
    db = new pg.Client({ connectionString: info.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    if (info) await removeStateDir(info.stateDir);
  });

  const replicaMetrics = () => (info.ports.bridgeReplicas ?? []).map((replica) => replica.metrics);

  it("runs two replicas; the edge and Synapse's transactions reach both", async () => {
    expect(replicaMetrics()).toHaveLength(2);
    const healthz = /^xstream_http_request_duration_seconds_count\{.*route="\/healthz"/;
    const before = await Promise.all(replicaMetrics().map((port) => served(port, healthz)));
    for (let i = 0; i < 20; i++) {
      expect((await fetch(`${info.publicUrl}/healthz`)).status).toBe(200);
    }
    const after = await Promise.all(replicaMetrics().map((port) => served(port, healthz)));
    // Taken in turn (the supervisor's own probes add to each).
    for (const [index, count] of after.entries()) {
      expect(count - (before[index] ?? 0)).toBeGreaterThanOrEqual(8);
    }

    const learner = await registerWithSharedSecret(
      info.synapseUrl,
      info.registrationSharedSecret,
      uniqueLocalpart("eve"),
      strongPassword(),
    );
    const bot = await BotConversation.open(info.publicUrl, learner, `@xstream:${info.serverName}`);
    for (let i = 0; i < 6; i++) expect((await bot.say("help")).body).toMatch(/connect/);
    const transactions = /^xstream_appservice_transactions_total\{outcome="applied"\}/;
    const applied = await Promise.all(replicaMetrics().map((port) => served(port, transactions)));
    expect(applied.every((count) => count > 0)).toBe(true);
  });

  it("loses and doubles nothing when a replica is killed mid-burst, and the web API keeps answering", async () => {
    const bot = `@xstream:${info.serverName}`;
    const matrixLearner = (name: string) =>
      registerWithSharedSecret(
        info.synapseUrl,
        info.registrationSharedSecret,
        uniqueLocalpart(name),
        strongPassword(),
      );
    const [ana, ben, cai, dua] = (await Promise.all(
      ["ana", "ben", "cai", "dua"].map(matrixLearner),
    )) as [MatrixUser, MatrixUser, MatrixUser, MatrixUser];
    const [wes, wyn] = (await Promise.all([
      signUpLearner(info, "Wes Web"),
      signUpLearner(info, "Wyn Web"),
    ])) as [Learner, Learner];
    const rooms = (await Promise.all(
      [ana, ben, cai, dua].map((user) => BotConversation.open(info.publicUrl, user, bot)),
    )) as [BotConversation, BotConversation, BotConversation, BotConversation];
    const [anaBot, benBot, caiBot, duaBot] = rooms;
    // Ana, Dua and Wes speak Spanish and learn English; Ben, Cai and Wyn the other way round.
    await Promise.all(
      (
        [
          [rooms[0], "es", "en"],
          [rooms[1], "en", "es"],
          [rooms[2], "en", "es"],
          [rooms[3], "es", "en"],
        ] as const
      ).map(async ([room, native, learns]) => {
        await room.say(`native ${native}`);
        await room.say(`learn ${learns} B1`);
        await room.say("discoverable on");
      }),
    );
    for (const [learner, native, learns] of [
      [wes, "es", "en"],
      [wyn, "en", "es"],
    ] as const) {
      const saved = await learner.session.request("PUT", "/api/profile", {
        native: [native],
        learning: [{ language: learns, level: "B1" }],
        interests: [],
        timezone: "UTC",
        availability: [],
        bio: "",
        discoverable: true,
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    }

    // Dua asks Cai before the burst; Cai accepts it in the burst (`accept 1`: the oldest).
    expect((await duaBot.say(`connect ${cai.userId}`)).body).toMatch(/asked/i);

    // The web API, read all along: every answer must be a 200.
    const polls: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        for (const learner of [wes, wyn]) {
          // A connection the edge dropped counts as a failure (0), as it would for a learner.
          const answer = await learner.session
            .request("GET", "/api/partners/requests")
            .catch(() => ({ status: 0 }));
          polls.push(answer.status);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const bursts: Burst[] = [
      ...partnerRequestBursts(
        { ana: anaBot, ben: benBot },
        { ben: ben.userId, cai: cai.userId, dua: dua.userId },
      ),
      [caiBot, ["accept 1", "partners", "profile", "requests"]],
    ];
    // A web request cut off with the replica that had it comes back as the edge's 502: the
    // learner tries again, and the second try must not make a second request.
    let webRetries = 0;
    const webRequest = async (from: Learner, to: string) => {
      for (let attempt = 0; ; attempt++) {
        const sent = await from.session.request<{ errcode?: string }>(
          "POST",
          "/api/partners/requests",
          { user_id: to },
        );
        if (sent.status === 201 || (attempt > 0 && sent.status === 409)) return;
        if (sent.body.errcode !== "M_UNAVAILABLE" || attempt >= 3) {
          throw new Error(`partner request failed: ${sent.status} ${JSON.stringify(sent.body)}`);
        }
        webRetries++;
      }
    };
    const stopPolling = async () => {
      polling = false;
      await poller;
    };
    onTestFinished(stopPolling);
    const { sending: sendingCommands, firstSent, firstAnswer } = sendBursts(bursts);
    const sending = Promise.all([
      sendingCommands,
      (async () => {
        for (const to of [cai.userId, wyn.matrix.userId]) await webRequest(wes, to);
      })(),
      (async () => {
        for (const to of [ana.userId, dua.userId]) await webRequest(wyn, to);
      })(),
    ]);
    // As soon as the bot has answered the first command of the burst, kill the replica that is
    // answering commands (holding a room of the inbox), else the second one.
    await firstAnswer(anaBot);
    let victim: string | undefined;
    for (let i = 0; i < 20 && !victim; i++) {
      victim = await replicaHoldingARoom(info, db);
      if (!victim) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const killed = victim ?? "bridge-2";
    const killedPid = pidOf(info, killed);
    process.kill(killedPid, "SIGKILL");
    await sending;

    // Each command gets one answer. Request notices (Ana hears of Wyn's request, Ben of Ana's)
    // are not answers: they are sent once the request is saved, at any point of the burst.
    const notice = /would like to practise with you|\) accepted\. /;
    const expected = bursts.map(([room, commands]) => [room, commands.length] as const);
    const botMessages = async (room: BotConversation) => {
      const timeline = await room.timeline();
      const start = timeline.findIndex((event) => event.event_id === firstSent.get(room));
      const bodies = (events: typeof timeline) =>
        events
          .filter((event) => event.sender === bot && event.type === "m.room.message")
          .map((event) => String(event.content.body));
      return {
        answers: bodies(timeline.slice(start)).filter((body) => !notice.test(body)),
        notices: bodies(timeline).filter((body) => notice.test(body)),
      };
    };
    for (const [room, answers] of expected) {
      await eventually(
        async () => ((await botMessages(room)).answers.length >= answers ? true : undefined),
        `${answers} answers in ${room.roomId}`,
        60_000,
      );
    }
    // The killed replica comes back; until then the other served everything.
    await eventually(
      async () => {
        const pid = pidOf(info, killed);
        const port = info.ports.bridgeReplicas?.[PARTS.indexOf(killed as "bridge")]?.bridge;
        return pid !== killedPid && (await answersOk(`http://127.0.0.1:${port}/healthz`))
          ? true
          : undefined;
      },
      `${killed} to come back`,
      60_000,
    );
    await stopPolling();

    // Once the inbox is empty every answer has been sent: no late duplicate can follow.
    await eventually(async () => {
      const inbox = await db.query("SELECT count(*)::int AS n FROM appservice_inbox");
      return inbox.rows[0].n === 0 ? true : undefined;
    }, "the bot's inbox to empty");
    for (const [room, answers] of expected) {
      expect((await botMessages(room)).answers).toHaveLength(answers);
    }
    expect((await botMessages(caiBot)).answers[0]).toMatch(/You and .*are partners now/);

    // Notices go through the outbox: a replica killed between a request and its notice leaves
    // it to the other, after the writer's grace (15 s). Each is shown exactly once.
    await eventually(
      async () => {
        const open = await db.query(
          "SELECT count(*)::int AS n FROM partner_notices WHERE sent_at IS NULL",
        );
        return open.rows[0].n === 0 ? true : undefined;
      },
      "every partner notice sent",
      60_000,
    );
    const noticesIn = async (room: BotConversation) =>
      (await room.timeline())
        .filter((event) => event.sender === bot && notice.test(String(event.content.body)))
        .map((event) => String(event.content.body));
    const received = (from: string) => (body: string) =>
      body.includes(from) && body.includes("would like to practise with you");
    const expectedNotices: [BotConversation, string[], string[]][] = [
      [anaBot, [wyn.matrix.userId], []],
      [benBot, [ana.userId], []],
      [caiBot, [dua.userId, ana.userId, wes.matrix.userId], []],
      [duaBot, [ben.userId, wyn.matrix.userId], [cai.userId]],
    ];
    for (const [room, requesters, accepters] of expectedNotices) {
      const notices = await noticesIn(room);
      for (const requester of requesters) {
        expect(notices.filter(received(requester)), `${requester} in ${room.roomId}`).toHaveLength(
          1,
        );
      }
      for (const accepter of accepters) {
        const accepted = notices.filter(
          (body) => body.includes(accepter) && body.includes(") accepted. "),
        );
        expect(accepted, `${accepter} accepted, in ${room.roomId}`).toHaveLength(1);
      }
      expect(notices).toHaveLength(requesters.length + accepters.length);
    }
    // A replica that died after sending Ben's notice and before marking it sent: the sweep sends
    // it again with the same transaction id, and Synapse shows it once.
    const resent = await db.query<{ id: string }>(
      `UPDATE partner_notices SET sent_at = NULL, next_attempt_at = NULL,
              created_at = now() - interval '1 minute'
        WHERE kind = 'request_received' AND request_id =
              (SELECT id FROM partner_requests WHERE requester = $1 AND recipient = $2)
       RETURNING id::text`,
      [ana.userId, ben.userId],
    );
    expect(resent.rows).toHaveLength(1);
    await eventually(async () => {
      const row = await db.query("SELECT sent_at, attempts FROM partner_notices WHERE id = $1", [
        resent.rows[0]?.id,
      ]);
      return row.rows[0].sent_at ? true : undefined;
    }, "the notice swept and sent again");
    expect((await noticesIn(benBot)).filter(received(ana.userId))).toHaveLength(1);
    const requests = await db.query<{ requester: string; recipient: string; n: number }>(
      `SELECT requester, recipient, count(*)::int AS n FROM partner_requests
       WHERE requester = ANY($1) GROUP BY requester, recipient`,
      [[ana.userId, ben.userId, dua.userId, wes.matrix.userId, wyn.matrix.userId]],
    );
    expect(
      requests.rows.map((row) => `${row.requester} → ${row.recipient}: ${row.n}`).sort(),
    ).toEqual(
      [
        `${ana.userId} → ${ben.userId}: 1`,
        `${ana.userId} → ${cai.userId}: 1`,
        `${ben.userId} → ${dua.userId}: 1`,
        `${dua.userId} → ${cai.userId}: 1`,
        `${wes.matrix.userId} → ${cai.userId}: 1`,
        `${wes.matrix.userId} → ${wyn.matrix.userId}: 1`,
        `${wyn.matrix.userId} → ${ana.userId}: 1`,
        `${wyn.matrix.userId} → ${dua.userId}: 1`,
      ].sort(),
    );
    // Cai's `accept 1` took Dua's request, once: one partnership, whatever the kill cut off.
    const caiPartners = await db.query<{ user_a: string; user_b: string }>(
      "SELECT user_a, user_b FROM partnerships WHERE user_a = $1 OR user_b = $1",
      [cai.userId],
    );
    expect(caiPartners.rows.map((row) => [row.user_a, row.user_b].sort())).toEqual([
      [cai.userId, dua.userId].sort(),
    ]);
    expect(polls.length).toBeGreaterThan(10);
    expect(polls.filter((status) => status !== 200)).toEqual([]);
    console.log(
      `bridge replicas: killed ${killed}${victim ? " (it held a room)" : ""}; ${polls.length} web reads during the burst, all 200; ${webRetries} web request(s) retried after a cut-off`,
    );
    // Both answer again.
    expect((await anaBot.say("help")).body).toMatch(/connect/);
  }, 240_000);
});
