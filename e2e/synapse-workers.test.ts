// Synapse's worker mode (XSTREAM_SYNAPSE_WORKERS=all) behind the stack's edge (Caddy running
// client/Caddyfile, which imports synapse-config/synapse-routes.caddy): /sync is served by the sync worker, events are written
// by the event persister, the bot still answers every command exactly once (appservice
// transactions from the main process), and federation leaves through the federation sender.
// Organisation A runs in worker mode, B as one process; they federate over TLS on loopback.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKER_ROLES, workerName } from "../scripts/stack/synapseWorkers.ts";
import { BotConversation } from "./bot-conversation.ts";
import { startTestOrganisations, type TestOrganisations, type TestStack } from "./harness.ts";
import {
  eventually,
  type MatrixUser,
  matrixRequest,
  registerWithSharedSecret,
  sendEvent,
  syncUntil,
  uniqueLocalpart,
} from "./matrix.ts";

let organisations: TestOrganisations<"a" | "b"> | undefined;
let a: TestStack;
let b: TestStack;
/** A's one public origin. */
let edge: { url: string } | undefined;
let synapseDb: pg.Client | undefined;

async function learner(stack: TestStack, prefix: string): Promise<MatrixUser> {
  return registerWithSharedSecret(
    stack.info.synapseUrl,
    stack.info.registrationSharedSecret,
    uniqueLocalpart(prefix),
    "a long enough password 42",
  );
}

/** The Synapse process that persisted each event, from Synapse's own table. */
async function persistedBy(eventIds: readonly string[]): Promise<string[]> {
  if (!synapseDb) throw new Error("no database connection");
  const { rows } = await synapseDb.query<{ instance_name: string | null }>(
    "SELECT instance_name FROM events WHERE event_id = ANY($1)",
    [eventIds],
  );
  expect(rows).toHaveLength(eventIds.length);
  return rows.map((row) => row.instance_name ?? "main");
}

async function syncStatus(user: MatrixUser): Promise<number> {
  const response = await fetch(`${edge?.url}/_matrix/client/v3/sync?timeout=0`, {
    headers: { authorization: `Bearer ${user.accessToken}` },
  });
  await response.body?.cancel();
  return response.status;
}

beforeAll(async () => {
  organisations = await startTestOrganisations(["a", "b"] as const, () => ({}), {
    a: WORKER_ROLES,
    b: [],
  });
  a = organisations.stacks.a;
  b = organisations.stacks.b;
  edge = { url: a.info.publicUrl };
  synapseDb = new pg.Client({ connectionString: a.info.synapseDatabaseUrl });
  await synapseDb.connect();
}, 400_000);

afterAll(async () => {
  await synapseDb?.end();
  await organisations?.stop();
});

describe("Synapse in worker mode", () => {
  it("serves /sync through the sync worker", async () => {
    const alice = await learner(a, "sync-alice");
    expect(await syncStatus(alice)).toBe(200);
    // With the sync worker stopped, /sync through the edge fails while the main process still
    // serves what stays on it: the edge really sends /sync to the worker.
    await a.running.supervisor.hold(workerName("sync"));
    try {
      expect(await syncStatus(alice)).toBe(502);
      const threePids = await fetch(`${edge?.url}/_matrix/client/v3/account/3pid`, {
        headers: { authorization: `Bearer ${alice.accessToken}` },
      });
      expect(threePids.status).toBe(200);
    } finally {
      await a.running.supervisor.release(workerName("sync"));
    }
    expect(await syncStatus(alice)).toBe(200);
  }, 120_000);

  it("has the event persister write events, and the bot answers each command exactly once", async () => {
    const alice = await learner(a, "persist-alice");
    const bot = `@xstream:${a.info.serverName}`;
    const conversation = await BotConversation.open(edge?.url ?? "", alice, bot);
    await conversation.waitForBotMessage(/help/);
    const greetings = (await conversation.botMessages()).length;
    // A burst: each command goes out before the previous one is answered.
    const commands = ["help", "profile", "requests", "partners", "help"];
    const sent: string[] = [];
    for (const command of commands) sent.push(await conversation.send(command));
    await eventually(
      async () =>
        (await conversation.botMessages()).length >= greetings + commands.length ? true : undefined,
      "an answer to every command",
      30_000,
    );
    // One more command once all are answered: Synapse delivers appservice transactions in order,
    // so a command delivered (and answered) twice would show before this one's answer.
    const last = await conversation.say("help");
    const answers = (await conversation.botMessages()).slice(greetings);
    expect(answers).toHaveLength(commands.length + 1);
    expect(answers.at(-1)?.eventId).toBe(last.eventId);
    const timeline = await conversation.timeline();

    // Alice's messages (sent through the edge) and the bot's answers (sent by the bridge to the
    // main process) were all written by the event persister.
    const botAnswers = timeline.filter((event) => event.sender === bot).map((e) => e.event_id);
    expect(new Set(await persistedBy([...sent, ...botAnswers]))).toEqual(
      new Set([workerName("events")]),
    );
  }, 120_000);

  it("sends federation traffic through the federation sender", async () => {
    const alice = await learner(a, "fed-alice");
    const bob = await learner(b, "fed-bob");
    const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
      edge?.url ?? "",
      "POST",
      "/_matrix/client/v3/createRoom",
      { token: alice.accessToken, body: { preset: "private_chat", invite: [bob.userId] } },
    );
    await eventually(
      () =>
        matrixRequest(
          b.info.synapseUrl,
          "POST",
          `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
          {
            token: bob.accessToken,
            body: {},
          },
        ),
      `${bob.userId} to join over federation`,
      60_000,
    );
    const text = `¿Qué tal, Bob? ${uniqueLocalpart("m")}`;
    const eventId = await sendEvent(edge?.url ?? "", alice.accessToken, roomId, {
      msgtype: "m.text",
      body: text,
    });
    const seen = await syncUntil(
      b.info.synapseUrl,
      bob,
      (room, events) => (room === roomId ? events.find((e) => e.event_id === eventId) : undefined),
      60_000,
    );
    expect(seen.content.body).toBe(text);
    // Synapse records how far along the events stream each federation sender got: the worker
    // went past this message, the main process never handled it.
    const db = synapseDb as pg.Client;
    const { rows: ordering } = await db.query<{ stream_ordering: string }>(
      "SELECT stream_ordering FROM events WHERE event_id = $1",
      [eventId],
    );
    const sentAt = Number(ordering[0]?.stream_ordering);
    const positions = async () => {
      const { rows } = await db.query<{ instance_name: string; stream_id: string }>(
        "SELECT instance_name, stream_id FROM federation_stream_position WHERE type = 'events'",
      );
      return new Map(rows.map((row) => [row.instance_name, Number(row.stream_id)]));
    };
    await eventually(
      async () =>
        ((await positions()).get(workerName("federation")) ?? -1) >= sentAt ? true : undefined,
      "the federation sender's position to pass the message",
    );
    expect((await positions()).get("master") ?? -1).toBeLessThan(sentAt);
  }, 180_000);
});
