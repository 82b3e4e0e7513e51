// `npm start` left running while its parts are killed or frozen, as an operator would see it: a
// crashed or frozen part comes back by itself, the others keep serving, nothing a learner sent
// is lost or handled twice; and Ctrl-C at any moment of start-up leaves nothing behind.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answersOk } from "../scripts/stack/processes.ts";
import { partnerRequestBursts, sendBursts } from "./bot-burst.ts";
import { BotConversation } from "./bot-conversation.ts";
import { useChromium } from "./browser.ts";
import { removeStateDir, type StackInfo, startTestStack, type TestStack } from "./harness.ts";
import { createSharedRoom, signedInInRoom, signUpLearner } from "./learners.ts";
import {
  eventually,
  type MatrixUser,
  matrixRequest,
  registerWithSharedSecret,
  uniqueLocalpart,
} from "./matrix.ts";
import { envFor, npmStart, portIsFree, processesOf, readyUrl } from "./npm-start.ts";
import { message, send } from "./room-page.ts";
import { strongPassword, WebSession } from "./web-session.ts";

// Short enough for a test, long enough that a busy two-core machine does not trip it by itself.
const WATCHDOG_MS = 15_000;
const recoveries: string[] = [];

function pidOf(info: StackInfo, part: string): number {
  return Number(readFileSync(join(info.stateDir, "run", `${part}.pid`), "utf8").trim());
}

/**
 * Waits until `part` runs under a new pid and passes `healthy`; records and returns how long that
 * took since `since` (when it was killed or frozen).
 */
async function comesBack(
  info: StackInfo,
  part: string,
  oldPid: number,
  healthy: () => Promise<boolean>,
  since: number,
  { timeoutMs = 60_000, label = part } = {},
): Promise<number> {
  const pid = await eventually(
    async () => {
      const current = pidOf(info, part);
      if (current === oldPid) return undefined;
      return (await healthy().catch(() => false)) ? current : undefined;
    },
    `${part} to come back after pid ${oldPid}`,
    timeoutMs,
  );
  const seconds = (Date.now() - since) / 1000;
  recoveries.push(`${label} ${seconds.toFixed(1)} s`);
  return pid;
}

async function learner(info: StackInfo, name: string): Promise<MatrixUser> {
  return registerWithSharedSecret(
    info.synapseUrl,
    info.registrationSharedSecret,
    uniqueLocalpart(name),
    strongPassword(),
  );
}

describe("npm start as a supervisor", () => {
  const chromium = useChromium();
  let stack: TestStack;
  let info: StackInfo;
  let stopped = false;
  const stopStack = async () => {
    if (stopped) return;
    stopped = true;
    await stack?.stop();
  };

  beforeAll(async () => {
    stack = await startTestStack({
      stateDir: await mkdtemp(join(tmpdir(), "xstream-supervisor-")),
      supervision: { watchdogMs: WATCHDOG_MS, checkEveryMs: 1_000 },
    });
    info = stack.info;
  });
  afterAll(async () => {
    await stopStack();
    if (info) await removeStateDir(info.stateDir);
    console.log(`death-to-return times: ${recoveries.join(", ")}`);
  });

  const bridgeHealthy = () => answersOk(`${info.bridgeUrl}/healthz`);

  it("restarts a killed bridge mid-burst; every command is answered once, every request exists once", async () => {
    const [ana, ben, cai, dua] = await Promise.all(
      ["ana", "ben", "cai", "dua"].map((name) => learner(info, name)),
    );
    if (!ana || !ben || !cai || !dua) throw new Error("learners missing");
    const bot = `@xstream:${info.serverName}`;
    const rooms = await Promise.all(
      [ana, ben, cai, dua].map((user) => BotConversation.open(info.publicUrl, user, bot)),
    );
    const [anaBot, benBot, caiBot, duaBot] = rooms as [
      BotConversation,
      BotConversation,
      BotConversation,
      BotConversation,
    ];
    // Ana and Dua speak Spanish and learn English; Ben and Cai the other way round.
    const profiles: [BotConversation, string, string][] = [
      [anaBot, "es", "en"],
      [benBot, "en", "es"],
      [caiBot, "en", "es"],
      [duaBot, "es", "en"],
    ];
    await Promise.all(
      profiles.map(async ([room, native, learns]) => {
        await room.say(`native ${native}`);
        await room.say(`learn ${learns} B1`);
        await room.say("discoverable on");
      }),
    );

    const bursts = partnerRequestBursts(
      { ana: anaBot, ben: benBot },
      { ben: ben.userId, cai: cai.userId, dua: dua.userId },
    );
    const { sending, firstSent, firstAnswer } = sendBursts(bursts);
    // Kill the bridge as soon as it has answered the first command of the burst, with the rest
    // queued in the bot or still on its way from Synapse.
    const bridgePid = pidOf(info, "bridge");
    await firstAnswer(anaBot);
    process.kill(bridgePid, "SIGKILL");
    const killedAt = Date.now();
    await sending;
    await comesBack(info, "bridge", bridgePid, bridgeHealthy, killedAt);

    // Each command gets one answer; Ben also gets one notice of Ana's request.
    const notice = /would like to practise with you/;
    const expected: [BotConversation, number, number][] = [
      [anaBot, bursts[0]?.[1].length ?? 0, 0],
      [benBot, bursts[1]?.[1].length ?? 0, 1],
    ];
    const botMessagesSinceBurst = async (room: BotConversation) => {
      const timeline = await room.timeline();
      const start = timeline.findIndex((event) => event.event_id === firstSent.get(room));
      return timeline
        .slice(start)
        .filter((event) => event.sender === bot && event.type === "m.room.message")
        .map((event) => String(event.content.body));
    };
    for (const [room, answers, notices] of expected) {
      await eventually(
        async () =>
          (await botMessagesSinceBurst(room)).length >= answers + notices ? true : undefined,
        `${answers} answers in ${room.roomId}`,
        60_000,
      );
    }

    const db = new pg.Client({ connectionString: info.databaseUrl });
    await db.connect();
    try {
      // Once the inbox is empty every answer has been sent: no late duplicate can follow.
      await eventually(async () => {
        const inbox = await db.query("SELECT count(*)::int AS n FROM appservice_inbox");
        return inbox.rows[0].n === 0 ? true : undefined;
      }, "the bot's inbox to empty");
      for (const [room, answers, notices] of expected) {
        const messages = await botMessagesSinceBurst(room);
        expect(messages.filter((body) => !notice.test(body))).toHaveLength(answers);
        expect(messages.filter((body) => notice.test(body))).toHaveLength(notices);
      }
      const requests = await db.query<{ requester: string; recipient: string; n: number }>(
        `SELECT requester, recipient, count(*)::int AS n FROM partner_requests
         WHERE requester = ANY($1) GROUP BY requester, recipient`,
        [[ana.userId, ben.userId]],
      );
      expect(
        requests.rows.map((row) => `${row.requester} → ${row.recipient}: ${row.n}`).sort(),
      ).toEqual(
        [
          `${ana.userId} → ${ben.userId}: 1`,
          `${ana.userId} → ${cai.userId}: 1`,
          `${ben.userId} → ${dua.userId}: 1`,
        ].sort(),
      );
    } finally {
      await db.end();
    }
    // Once back, the bridge answers as before.
    expect((await anaBot.say("help")).body).toMatch(/connect/);
  }, 180_000);

  it("restarts a killed Synapse; a learner's three messages sent meanwhile all arrive once", async () => {
    const user = await learner(info, "eva");
    const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
      info.publicUrl,
      "POST",
      "/_matrix/client/v3/createRoom",
      { token: user.accessToken, body: { name: "while Synapse restarts" } },
    );
    const synapsePid = pidOf(info, "synapse");
    process.kill(synapsePid, "SIGKILL");
    const killedAt = Date.now();
    // A client keeps a message pending and retries it with the same transaction id, as the web
    // client and Element do.
    const sendUntilAccepted = (body: string, txnId: string) =>
      eventually(
        () =>
          matrixRequest<{ event_id: string }>(
            info.publicUrl,
            "PUT",
            `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${txnId}`,
            { token: user.accessToken, body: { msgtype: "m.text", body } },
          ),
        `"${body}" to be accepted`,
        90_000,
      );
    const bodies = ["one", "two", "three"].map((word) => `${word} ${uniqueLocalpart("m")}`);
    const sent = await Promise.all(bodies.map((body, i) => sendUntilAccepted(body, `txn-${i}`)));
    await comesBack(
      info,
      "synapse",
      synapsePid,
      () => answersOk(`${info.synapseUrl}/health`),
      killedAt,
    );
    expect(new Set(sent.map((result) => result.event_id)).size).toBe(3);

    const { chunk } = await matrixRequest<{ chunk: { content: { body?: string } }[] }>(
      info.publicUrl,
      "GET",
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=50`,
      { token: user.accessToken },
    );
    const arrived = chunk.map((event) => event.content.body).filter((body) => body !== undefined);
    for (const body of bodies) expect(arrived.filter((text) => text === body)).toHaveLength(1);
  }, 120_000);

  it("kills and restarts a frozen bridge within the watchdog's window", async () => {
    const frozenPid = pidOf(info, "bridge");
    process.kill(frozenPid, "SIGSTOP");
    const frozenAt = Date.now();
    await comesBack(info, "bridge", frozenPid, bridgeHealthy, frozenAt, {
      label: "bridge (frozen)",
    }).catch((error: unknown) => {
      // Not left frozen for the tests after this one.
      if (processesOf(info.stateDir).includes(frozenPid)) process.kill(frozenPid, "SIGKILL");
      throw error;
    });
    // Window, one probe interval and timeout, the restart delay (at most 4 s here), a start-up.
    expect(Date.now() - frozenAt).toBeLessThan(WATCHDOG_MS + 1_000 + 5_000 + 4_000 + 30_000);
    expect(processesOf(info.stateDir)).not.toContain(frozenPid);
  }, 90_000);

  it("restarts a killed PostgreSQL; the bridge reconnects by itself and serves /api again", async () => {
    const bridgePid = pidOf(info, "bridge");
    const postgresPid = pidOf(info, "postgres");
    process.kill(postgresPid, "SIGKILL");
    const killedAt = Date.now();
    await comesBack(info, "postgres", postgresPid, bridgeHealthy, killedAt);
    expect(pidOf(info, "bridge")).toBe(bridgePid);

    const web = new WebSession(info.publicUrl);
    const signup = await eventually(async () => {
      const response = await web.signup(`after${randomUUID().slice(0, 8)}`, strongPassword());
      return response.status === 201 ? response : undefined;
    }, "a sign-up through the bridge");
    expect(signup.body.user.matrixUserId).toMatch(/^@after/);
    expect(pidOf(info, "bridge")).toBe(bridgePid);
  }, 90_000);

  it("restarts a killed LiveKit while chat and the bridge keep serving", async () => {
    const user = await learner(info, "fay");
    const livekitPid = pidOf(info, "livekit");
    const bridgePid = pidOf(info, "bridge");
    const synapsePid = pidOf(info, "synapse");
    process.kill(livekitPid, "SIGKILL");
    const killedAt = Date.now();
    // Nothing but calls needs LiveKit.
    const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
      info.publicUrl,
      "POST",
      "/_matrix/client/v3/createRoom",
      { token: user.accessToken, body: { name: "while LiveKit restarts" } },
    );
    expect(roomId).toMatch(/^!/);
    expect(await bridgeHealthy()).toBe(true);
    await comesBack(info, "livekit", livekitPid, () => answersOk(info.livekitUrl), killedAt);
    expect([pidOf(info, "bridge"), pidOf(info, "synapse")]).toEqual([bridgePid, synapsePid]);
  }, 90_000);

  it("keeps web learners chatting while the bridge is down, and holds what they send while Synapse is down", async () => {
    const [ana, ben] = await Promise.all([
      signUpLearner(info, "Ana Web"),
      signUpLearner(info, "Ben Web"),
    ]);
    const roomId = await createSharedRoom(info, ana, [ben]);
    const [a, b] = await Promise.all([
      signedInInRoom(chromium(), info, ana, roomId),
      signedInInRoom(chromium(), info, ben, roomId),
    ]);
    try {
      // Chat does not need the bridge.
      const bridgePid = pidOf(info, "bridge");
      process.kill(bridgePid, "SIGKILL");
      const killedAt = Date.now();
      await send(a.page, "While the bridge is down");
      await message(b.page, "While the bridge is down").waitFor({ timeout: 20_000 });
      await comesBack(info, "bridge", bridgePid, bridgeHealthy, killedAt, {
        label: "bridge (web)",
      });

      // Synapse away (held down, so the outage lasts as long as this takes): the banner shows,
      // what Ana writes waits in her outbox, and all of it arrives, in order, once it is back.
      const written = ["Held one", "Held two", "Held three"];
      await stack.restartSynapse(async () => {
        await a.page.getByText("Reconnecting…").waitFor({ timeout: 60_000 });
        for (const text of written) {
          await send(a.page, text);
          // Pending: the SDK retries it ("Sending…") or the outbox holds it for the reconnect.
          const tile = message(a.page, text);
          await tile
            .getByText("Sending…")
            .or(tile.getByRole("group", { name: "Message not sent" }))
            .first()
            .waitFor({ timeout: 20_000 });
        }
      });
      for (const text of written) {
        await message(b.page, text).waitFor({ timeout: 60_000 });
      }
      await expect
        .poll(() => a.page.getByText("Reconnecting…").count(), { timeout: 30_000 })
        .toBe(0);
      const { chunk } = await matrixRequest<{ chunk: { content: { body?: string } }[] }>(
        info.publicUrl,
        "GET",
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=50`,
        { token: ben.matrix.accessToken },
      );
      const bodies = chunk
        .map((event) => event.content.body)
        .filter((body): body is string => typeof body === "string")
        .reverse();
      expect(bodies.filter((body) => written.includes(body))).toEqual(written);
      expect(a.errors).toEqual([]);
    } finally {
      await Promise.all([a.context.close(), b.context.close()]);
    }
  }, 240_000);

  it("leaves nothing behind when Ctrl-C comes at any moment of start-up, and starts again", async () => {
    await stopStack();
    const env = envFor(info.stateDir, info.ports);
    const ports = [
      info.ports.edge,
      info.ports.synapse,
      info.ports.bridge,
      info.ports.livekit,
      info.ports.livekitRtcTcp,
      info.ports.postgres,
    ];
    const firstLine = (run: ReturnType<typeof npmStart>) =>
      eventually(
        async () => (run.output().includes("starting Xstream in") ? Date.now() : undefined),
        "npm start's first line",
        30_000,
      );
    const expectNothingLeft = async (run: ReturnType<typeof npmStart>, when: string) => {
      expect(await run.exited, `exit code after Ctrl-C ${when}:\n${run.output()}`).toBe(0);
      expect(processesOf(info.stateDir), `processes left after Ctrl-C ${when}`).toEqual([]);
      for (const port of ports) {
        expect(await portIsFree(port), `port ${port} after Ctrl-C ${when}`).toBe(true);
      }
    };

    // How long this start-up takes, from the first line to ready.
    const timed = npmStart(env);
    const began = await firstLine(timed);
    const url = await readyUrl(timed);
    const startupMs = Date.now() - began;
    // Quiet by default: progress and the ready line, not the parts' routine logs, which go to
    // the files (the bridge logs each request at info level).
    expect((await fetch(`${url}/api/docs`)).status).toBe(200);
    await eventually(
      async () =>
        readFileSync(join(info.stateDir, "logs", "bridge.log"), "utf8").includes('"level":30')
          ? true
          : undefined,
      "the bridge's info lines in its log file",
    );
    expect(timed.output()).not.toContain('"level":30');
    expect(timed.output()).toMatch(/^setup +\| PostgreSQL is up$/m);
    timed.child.kill("SIGINT");
    await expectNothingLeft(timed, "after ready");

    for (let attempt = 0; attempt < 10; attempt++) {
      // One moment in each tenth of start-up, at random within it.
      const moment = Math.round(((attempt + Math.random()) / 10) * startupMs);
      const run = npmStart(env);
      const first = await firstLine(run);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, first + moment - Date.now())));
      run.child.kill("SIGINT");
      await expectNothingLeft(run, `${moment} ms into start-up`);
    }

    // XSTREAM_LOG=info brings the full stream back to the terminal.
    const again = npmStart({ ...env, XSTREAM_LOG: "info" });
    try {
      const url = await readyUrl(again);
      expect((await fetch(url)).status).toBe(200);
      expect(again.output()).toContain('"level":30');
    } finally {
      again.child.kill("SIGINT");
    }
    await expectNothingLeft(again, "after the last start");
  }, 400_000);
});
