// Two organisations, one exchange: two complete stacks (A and B, each its own Synapse, bridge,
// LiveKit and PostgreSQL) federating over TLS on loopback. Learners of B use only a plain Matrix
// client against their own homeserver; A's learners use A's web API.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BotConversation } from "./bot-conversation.ts";
import { startTestFederation, type TestFederation, type TestStack } from "./harness.ts";
import { type Learner, signUpLearner } from "./learners.ts";
import {
  eventually,
  type MatrixUser,
  matrixRequest,
  registerWithSharedSecret,
  type SyncEvent,
  sendEvent,
  uniqueLocalpart,
} from "./matrix.ts";
import { strongPassword } from "./web-session.ts";

let federation: TestFederation;
let a: TestStack["info"];
let b: TestStack["info"];
let botA: string;
// A's bot joins a DM on B over federation (make_join, send_join), slower than a local join on a
// busy machine.
const FEDERATED_JOIN_MS = 60_000;
// Tests that open a DM with A's bot from B: the join plus a few commands answered over federation.
const FEDERATED_TEST_MS = 150_000;
// A new display name reaches other servers in the member events Synapse writes into each of the
// learner's rooms, after answering, in a task of its scheduler, which may wait for the
// scheduler's next one-minute round; then federation carries them.
const RENAME_ARRIVES_MS = 90_000;

beforeAll(async () => {
  // A lists B for calls; B does not list A.
  federation = await startTestFederation({ aListsB: true, bListsA: false });
  a = federation.a.info;
  b = federation.b.info;
  botA = `@xstream:${a.serverName}`;
}, 420_000);

afterAll(async () => {
  await federation?.stop();
});

/** A learner of `stack` with nothing but a Matrix account and a display name. */
async function matrixLearner(stack: TestStack["info"], name: string): Promise<MatrixUser> {
  const user = await registerWithSharedSecret(
    stack.synapseUrl,
    stack.registrationSharedSecret,
    uniqueLocalpart(name.split(" ")[0]?.toLowerCase() ?? "learner"),
    strongPassword(),
  );
  await setDisplayName(stack, user, name);
  return user;
}

async function setDisplayName(stack: TestStack["info"], user: MatrixUser, displayname: string) {
  await matrixRequest(
    stack.publicUrl,
    "PUT",
    `/_matrix/client/v3/profile/${encodeURIComponent(user.userId)}/displayname`,
    { token: user.accessToken, body: { displayname } },
  );
}

function profileBody(native: string, learning: string, discoverable = true) {
  return {
    native: [native],
    learning: [{ language: learning, level: "B1" }],
    interests: ["sailing"],
    timezone: "Atlantic/Reykjavik",
    availability: [{ day: 3, start: "18:00", end: "21:00" }],
    bio: "",
    discoverable,
  };
}

async function saveProfile(learner: Learner, body: ReturnType<typeof profileBody>) {
  const saved = await learner.session.request("PUT", "/api/profile", body);
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
}

async function joinRoom(stack: TestStack["info"], user: MatrixUser, roomId: string) {
  await eventually(
    () =>
      matrixRequest(
        stack.publicUrl,
        "POST",
        `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
        { token: user.accessToken, body: {} },
      ),
    `${user.userId} to join ${roomId}`,
    30_000,
  );
}

const send = (stack: TestStack["info"], user: MatrixUser, roomId: string, body: string) =>
  sendEvent(stack.publicUrl, user.accessToken, roomId, { msgtype: "m.text", body });

/** The room's messages as `user` reads them through their own homeserver, oldest first. */
async function messages(stack: TestStack["info"], user: MatrixUser, roomId: string) {
  const { chunk } = await matrixRequest<{ chunk: SyncEvent[] }>(
    stack.publicUrl,
    "GET",
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=100`,
    { token: user.accessToken },
  );
  return chunk.reverse().filter((event) => event.type === "m.room.message");
}

/** Waits until `user` has an invite to `roomId` on their homeserver. */
async function invited(stack: TestStack["info"], user: MatrixUser, roomId: string) {
  await eventually(async () => {
    const sync = await matrixRequest<{ rooms?: { invite?: Record<string, unknown> } }>(
      stack.publicUrl,
      "GET",
      `/_matrix/client/v3/sync?timeout=0&filter=${encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 1 } } }))}`,
      { token: user.accessToken },
    );
    return sync.rooms?.invite?.[roomId] ? true : undefined;
  }, `${user.userId}'s invite to ${roomId}`);
}

async function partnersOf(learner: Learner) {
  const response = await learner.session.request<{
    partners: { user_id: string; display_name: string; room_id: string | null }[];
  }>("GET", "/api/partners");
  expect(response.status).toBe(200);
  return response.body.partners;
}

async function suggestionsOf(learner: Learner) {
  const response = await learner.session.request<{
    suggestions: { user_id: string; display_name: string }[];
  }>("GET", "/api/partners/suggestions");
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.suggestions;
}

async function profileRead(
  stack: TestStack["info"],
  userId: string,
  token: string | undefined,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(
    `${stack.publicUrl}/_matrix/client/v3/profile/${encodeURIComponent(userId)}`,
    { headers: token ? { authorization: `Bearer ${token}` } : {} },
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("a learner of B with A's bot and A's web learner", () => {
  // Icelandic and Basque: the two stacks are this file's own, so these are the only learners.
  let ana: Learner;
  let bob: MatrixUser;
  let bobBot: BotConversation;
  let partnerRoom: string;

  beforeAll(async () => {
    ana = await signUpLearner(a, "Ana Web");
    await saveProfile(ana, profileBody("is", "eu"));
    bob = await matrixLearner(b, "Bob Remote");
  });

  it("answers, matches and connects a learner of B who uses a plain Matrix client", {
    timeout: FEDERATED_TEST_MS,
  }, async () => {
    expect(bob.userId).toMatch(new RegExp(`:${b.serverName}$`));
    bobBot = await BotConversation.open(b.publicUrl, bob, botA, FEDERATED_JOIN_MS);
    // The greeting comes from A after the bot's join, over federation.
    const greeting = await bobBot.waitForBotMessage(/help/);
    expect(greeting.msgtype).toBe("m.notice");

    expect((await bobBot.say("native eu")).body).toMatch(/Basque/);
    expect((await bobBot.say("learn is B1")).body).toMatch(/Icelandic/);
    expect((await bobBot.say("interests sailing, chess")).body).toMatch(/sailing/);
    expect((await bobBot.say("timezone Europe/Madrid")).body).toMatch(/Europe\/Madrid/);
    const match = await bobBot.say("match");
    expect(match.body).toContain("Ana Web");
    const number = match.body
      .split("\n")
      .find((line) => line.includes("Ana Web"))
      ?.match(/^\s*(\d+)[.)]/)?.[1];
    expect(number, match.body).toBeDefined();
    expect((await bobBot.say(`connect ${number}`)).body).toMatch(/Ana Web/);

    const inbox = await ana.session.request<{
      incoming: { id: string; requester: { user_id: string; display_name: string } }[];
    }>("GET", "/api/partners/requests");
    const request = inbox.body.incoming.find((r) => r.requester.user_id === bob.userId);
    expect(request?.requester.display_name).toBe("Bob Remote");
    const accepted = await ana.session.request<{ partner: { room_id: string } }>(
      "POST",
      `/api/partners/requests/${request?.id}/accept`,
    );
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    partnerRoom = accepted.body.partner.room_id;
    await bobBot.waitForBotMessage(/accepted|Ana Web.*room|partner/i);

    await invited(b, bob, partnerRoom);
    await joinRoom(b, bob, partnerRoom);
    await joinRoom(a, ana.matrix, partnerRoom);
    const welcome = await eventually(
      async () =>
        (await messages(b, bob, partnerRoom)).find((event) => event.sender === botA)?.content,
      "the bot's welcome on B",
    );
    expect(welcome.body).toMatch(/Icelandic/);
  });

  it("carries messages both ways, each side reading through its own homeserver", async () => {
    const fromAna = await send(a, ana.matrix, partnerRoom, "Góðan daginn, Bob!");
    const fromBob = await send(b, bob, partnerRoom, "Egun on, Ana!");
    await eventually(
      async () =>
        (await messages(b, bob, partnerRoom)).some((event) => event.event_id === fromAna)
          ? true
          : undefined,
      "Ana's message on B",
      30_000,
    );
    const onA = await eventually(
      async () =>
        (await messages(a, ana.matrix, partnerRoom)).find((event) => event.event_id === fromBob),
      "Bob's message on A",
      30_000,
    );
    expect(onA.content.body).toBe("Egun on, Ana!");
    expect(onA.sender).toBe(bob.userId);
  });

  it("shows B's display name in A's partner list, and a later change made on B", {
    timeout: FEDERATED_TEST_MS,
  }, async () => {
    const [partner] = await partnersOf(ana);
    expect(partner).toMatchObject({
      user_id: bob.userId,
      display_name: "Bob Remote",
      room_id: partnerRoom,
    });
    await setDisplayName(b, bob, "Roberto Remote");
    await eventually(
      async () =>
        (await partnersOf(ana)).find((p) => p.display_name === "Roberto Remote") ? true : undefined,
      "the new name in Ana's partner list",
      RENAME_ARRIVES_MS,
    );
  });

  it("shows a renamed B learner under the new name in A's suggestions", {
    timeout: FEDERATED_TEST_MS,
  }, async () => {
    const cleo = await matrixLearner(b, "Cleo Remote");
    const cleoBot = await BotConversation.open(b.publicUrl, cleo, botA, FEDERATED_JOIN_MS);
    await cleoBot.say("native eu");
    await cleoBot.say("learn is A2");
    const before = await suggestionsOf(ana);
    expect(before.find((s) => s.user_id === cleo.userId)?.display_name).toBe("Cleo Remote");
    await setDisplayName(b, cleo, "Cleopatra Remote");
    await eventually(
      async () =>
        (await suggestionsOf(ana)).find(
          (s) => s.user_id === cleo.userId && s.display_name === "Cleopatra Remote",
        ),
      "the new name in Ana's suggestions",
      RENAME_ARRIVES_MS,
    );
  });

  it("publishes profile fields only for discoverable learners, never to anonymous readers", async () => {
    const fromB = () => profileRead(b, ana.matrix.userId, bob.accessToken);
    const shown = await fromB();
    expect(shown.status).toBe(200);
    expect(shown.body["org.xstream.languages"]).toEqual([
      { language: "is", level: "native" },
      { language: "eu", level: "B1" },
    ]);
    expect(shown.body["m.tz"]).toBe("Atlantic/Reykjavik");
    expect((await profileRead(a, ana.matrix.userId, undefined)).status).toBe(401);
    expect((await profileRead(b, ana.matrix.userId, undefined)).status).toBe(401);

    await saveProfile(ana, profileBody("is", "eu", false));
    const hidden = await eventually(async () => {
      const read = await fromB();
      return "org.xstream.languages" in read.body ? undefined : read;
    }, "Ana's fields to disappear on B");
    expect(hidden.status).toBe(200);
    expect(hidden.body).not.toHaveProperty("m.tz");
    expect(hidden.body.displayname).toBe("Ana Web");
    expect((await profileRead(a, ana.matrix.userId, undefined)).status).toBe(401);
    expect((await profileRead(b, ana.matrix.userId, undefined)).status).toBe(401);

    await saveProfile(ana, profileBody("is", "eu"));
    await eventually(
      async () => ((await fromB()).body["m.tz"] === "Atlantic/Reykjavik" ? true : undefined),
      "Ana's fields back on B",
    );
  });

  it("holds a block made on A against a learner of B both ways, and ends their partnership", async () => {
    const blocked = await ana.session.request("POST", "/api/blocks", { user_id: bob.userId });
    expect(blocked.status, JSON.stringify(blocked.body)).toBe(200);
    expect(await partnersOf(ana)).toEqual([]);
    // The bot removed Bob from their room, and his own homeserver shows it.
    const bobsMembership = await eventually(async () => {
      const member = await matrixRequest<{ membership: string }>(
        b.publicUrl,
        "GET",
        `/_matrix/client/v3/rooms/${encodeURIComponent(partnerRoom)}/state/m.room.member/${encodeURIComponent(bob.userId)}`,
        { token: bob.accessToken },
      );
      return member.membership === "join" ? undefined : member.membership;
    }, "Bob's removal from the partner room to reach B");
    expect(bobsMembership).toBe("leave");
    await expect(send(b, bob, partnerRoom, "still there?")).rejects.toThrow(/403/);
    expect((await bobBot.say("partners")).body).not.toContain("Ana Web");
    // Both are discoverable and reciprocal: only the block keeps them apart.
    expect((await suggestionsOf(ana)).map((s) => s.user_id)).not.toContain(bob.userId);
    expect((await bobBot.say("match")).body).not.toContain("Ana Web");
    expect((await bobBot.say(`connect ${ana.matrix.userId}`)).body).toMatch(/not taking/);
    const asked = await ana.session.request<{ errcode: string }>("POST", "/api/partners/requests", {
      user_id: bob.userId,
    });
    expect(asked.status).toBeGreaterThanOrEqual(400);
    expect(asked.status).toBeLessThan(500);
  });

  it("brings a report about a learner of B to A's moderators with its evidence", async () => {
    const evidence = (await messages(a, ana.matrix, partnerRoom)).find(
      (event) => event.sender === bob.userId,
    );
    expect(evidence).toBeDefined();
    const filed = await ana.session.request<{ report: { id: string } }>("POST", "/api/reports", {
      user_id: bob.userId,
      reason: "rude in our exchange",
      event_ids: [evidence?.event_id],
      room_id: partnerRoom,
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);

    const moderator = await signUpLearner(a, "Mona Moderator");
    const db = new pg.Client({ connectionString: a.databaseUrl });
    await db.connect();
    try {
      await db.query("UPDATE accounts SET role = 'moderator' WHERE username = $1", [
        moderator.username,
      ]);
    } finally {
      await db.end();
    }
    const reports = await moderator.session.request<{
      reports: { id: string; reporter: string; reported: string; event_ids: string[] }[];
    }>("GET", "/api/reports");
    expect(reports.status).toBe(200);
    expect(reports.body.reports.find((r) => r.id === filed.body.report.id)).toMatchObject({
      reporter: ana.matrix.userId,
      reported: bob.userId,
      event_ids: [evidence?.event_id],
      room_id: partnerRoom,
    });
  });
});

/** A private room `owner` of A creates with `guest` of B invited and joined over federation. */
async function crossServerRoom(owner: MatrixUser, guest: MatrixUser): Promise<string> {
  const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
    a.publicUrl,
    "POST",
    "/_matrix/client/v3/createRoom",
    { token: owner.accessToken, body: { preset: "private_chat", invite: [guest.userId] } },
  );
  await invited(b, guest, roomId);
  await joinRoom(b, guest, roomId);
  await eventually(async () => {
    const { joined } = await matrixRequest<{ joined: Record<string, unknown> }>(
      a.publicUrl,
      "GET",
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`,
      { token: owner.accessToken },
    );
    return guest.userId in joined ? true : undefined;
  }, `${guest.userId}'s join as A sees it`);
  return roomId;
}

describe("calls across organisations", () => {
  // The call's focus is the token service of the homeserver whose member joined first (MatrixRTC
  // picks the oldest membership's focus): a call Ana of A starts runs on A's LiveKit, and Dora of
  // B asks A's token service with an OpenID token from B.
  let ana: MatrixUser;
  let dora: MatrixUser;
  let roomId: string;

  beforeAll(async () => {
    [ana, dora] = await Promise.all([matrixLearner(a, "Ana Caller"), matrixLearner(b, "Dora")]);
    roomId = await crossServerRoom(ana, dora);
  });

  async function openIdToken(stack: TestStack["info"], user: MatrixUser) {
    return matrixRequest<Record<string, unknown>>(
      stack.publicUrl,
      "POST",
      `/_matrix/client/v3/user/${encodeURIComponent(user.userId)}/openid/request_token`,
      { token: user.accessToken, body: {} },
    );
  }

  async function sfuGet(stack: TestStack["info"], user: MatrixUser, from: TestStack["info"]) {
    const response = await fetch(`${stack.publicUrl}/sfu/get`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        room: roomId,
        openid_token: await openIdToken(from, user),
        device_id: user.deviceId,
      }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it("gives a learner of B a LiveKit token from A, whose operator lists B", async () => {
    const answer = await sfuGet(a, dora, b);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.url).toBe(a.livekitWsUrl);
    const [, payload = ""] = String(answer.body.jwt).split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as {
      iss: string;
      video: { room?: string; roomJoin?: boolean };
    };
    expect(claims.iss).toBe(a.livekitApiKey);
    expect(claims.video.roomJoin).toBe(true);
  });

  it("refuses a learner of A at B's token service, whose operator does not list A", async () => {
    const answer = await sfuGet(b, ana, a);
    expect([answer.status, answer.body.errcode]).toEqual([403, "M_FORBIDDEN"]);
    // Ana's own organisation serves her.
    expect((await sfuGet(a, ana, a)).status).toBe(200);
  });
});

describe("B's homeserver down for a while", () => {
  it("delivers what A's learner wrote meanwhile once B is back; A's bot keeps serving", async () => {
    const [writer, reader, local] = await Promise.all([
      matrixLearner(a, "Wanda Writer"),
      matrixLearner(b, "Rita Reader"),
      matrixLearner(a, "Luis Local"),
    ]);
    const roomId = await crossServerRoom(writer, reader);
    const localBot = await BotConversation.open(a.publicUrl, local, botA);
    const written: string[] = [];
    let downFor = 0;
    await federation.b.restartSynapse(async () => {
      const started = Date.now();
      for (let i = 1; i <= 5; i++) {
        written.push(await send(a, writer, roomId, `while you were away ${i}`));
        expect((await localBot.say(i % 2 ? "help" : "profile")).body.length).toBeGreaterThan(0);
        await new Promise((resolve) => setTimeout(resolve, 10_000));
      }
      // A minute, as an operator's restart or a short network cut: A tries B and backs off.
      // A timer may fire a millisecond before the wall clock says it is due, so wait until the
      // clock itself agrees that a minute has passed.
      while (Date.now() - started < 60_000) {
        await new Promise((resolve) => setTimeout(resolve, 60_000 - (Date.now() - started) + 5));
      }
      downFor = Date.now() - started;
    });
    expect(downFor).toBeGreaterThanOrEqual(60_000);
    const arrived = await eventually(
      async () => {
        const ids = (await messages(b, reader, roomId)).map((event) => event.event_id);
        return written.every((id) => ids.includes(id)) ? ids : undefined;
      },
      "the messages written while B was down to reach B",
      120_000,
    );
    // Each exactly once, in the order written.
    expect(arrived.filter((id) => written.includes(id))).toEqual(written);
  }, 300_000);
});
