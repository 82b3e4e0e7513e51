// Profiles, matching and partner requests end to end: two web-client learners use /api, a third
// lives in a plain Matrix client and only talks to the @xstream bot. All three get matched
// across both paths and end up invited to direct rooms the bot creates.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { BotConversation } from "./bot-conversation.ts";
import { useBridgeDatabase } from "./database.ts";
import {
  eventually,
  type MatrixUser,
  matrixRequest,
  registerWithSharedSecret,
  type SyncEvent,
} from "./matrix.ts";
import { jwtLogin, strongPassword, WebSession } from "./web-session.ts";

const stack = inject("stack");
const db = useBridgeDatabase();
const BOT = `@xstream:${stack.serverName}`;

interface Learner {
  session: WebSession;
  userId: string;
  displayName: string;
  matrix: MatrixUser;
}

async function webLearner(name: string): Promise<Learner> {
  const username = `${name}${randomUUID().replaceAll("-", "").slice(0, 8)}`;
  const session = new WebSession(stack.publicUrl);
  const displayName = `${name[0]?.toUpperCase()}${name.slice(1)} Web`;
  const signup = await session.signup(username, strongPassword(), displayName);
  expect(signup.status, JSON.stringify(signup.body)).toBe(201);
  const minted = await session.matrixToken();
  const login = await jwtLogin(stack.publicUrl, minted.body.token, minted.body.device_id);
  expect(login.status).toBe(200);
  return {
    session,
    userId: signup.body.user.matrixUserId,
    displayName,
    matrix: {
      userId: signup.body.user.matrixUserId,
      accessToken: login.body.access_token ?? "",
      deviceId: minted.body.device_id,
    },
  };
}

async function matrixOnlyLearner(name: string): Promise<MatrixUser> {
  const localpart = `${name}${randomUUID().replaceAll("-", "").slice(0, 8)}`;
  const user = await registerWithSharedSecret(
    stack.synapseUrl,
    stack.registrationSharedSecret,
    localpart,
    strongPassword(),
  );
  await matrixRequest(
    stack.publicUrl,
    "PUT",
    `/_matrix/client/v3/profile/${encodeURIComponent(user.userId)}/displayname`,
    { token: user.accessToken, body: { displayname: `${name} Element` } },
  );
  return user;
}

function profileBody(native: string[], learning: [string, string][], extra: object = {}) {
  return {
    native,
    learning: learning.map(([language, level]) => ({ language, level })),
    interests: ["hiking", "jazz"],
    timezone: "Europe/Madrid",
    availability: [{ day: 2, start: "18:00", end: "21:00" }],
    bio: "",
    discoverable: true,
    ...extra,
  };
}

/**
 * Waits for `user`'s invite to `roomId` through /sync, as their client would see it, and checks
 * it is a direct-chat invite from the bot. Syncs incrementally: Synapse caches identical initial
 * syncs for a while, so polling a fresh initial sync would keep seeing an old answer.
 */
async function expectDirectInvite(user: MatrixUser, roomId: string) {
  const deadline = Date.now() + 20_000;
  let since: string | undefined;
  let events: SyncEvent[] | undefined;
  while (!events && Date.now() < deadline) {
    const query = new URLSearchParams({
      timeout: since ? "1000" : "0",
      ...(since ? { since } : {}),
    });
    const sync = await matrixRequest<{
      next_batch: string;
      rooms?: { invite?: Record<string, { invite_state?: { events?: SyncEvent[] } }> };
    }>(stack.publicUrl, "GET", `/_matrix/client/v3/sync?${query}`, { token: user.accessToken });
    since = sync.next_batch;
    events = sync.rooms?.invite?.[roomId]?.invite_state?.events;
  }
  if (!events) throw new Error(`${user.userId} was not invited to ${roomId}`);
  const mine = events.find(
    (event) => event.type === "m.room.member" && event.state_key === user.userId,
  );
  expect(mine?.sender).toBe(BOT);
  expect(mine?.content).toMatchObject({ membership: "invite", is_direct: true });
}

async function join(user: MatrixUser, roomId: string) {
  await matrixRequest(
    stack.publicUrl,
    "POST",
    `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
    {
      token: user.accessToken,
      body: {},
    },
  );
}

async function roomMessages(user: MatrixUser, roomId: string): Promise<SyncEvent[]> {
  const { chunk } = await matrixRequest<{ chunk: SyncEvent[] }>(
    stack.publicUrl,
    "GET",
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=50`,
    { token: user.accessToken },
  );
  return chunk.reverse();
}

async function partnersOf(learner: Learner) {
  const response = await learner.session.request<{
    partners: { user_id: string; room_id: string | null }[];
  }>("GET", "/api/partners");
  expect(response.status).toBe(200);
  return response.body.partners;
}

describe("matching across the web client and a plain Matrix client", () => {
  // Icelandic, Basque and Welsh: no other test uses them, so the suggestions are exactly these
  // three learners whatever else is in the database.
  let ana: Learner;
  let ben: Learner;
  let cleo: MatrixUser;
  let cleoBot: BotConversation;

  beforeAll(async () => {
    [ana, ben, cleo] = await Promise.all([
      webLearner("ana"),
      webLearner("ben"),
      matrixOnlyLearner("cleo"),
    ]);
    const saved = await Promise.all([
      ana.session.request(
        "PUT",
        "/api/profile",
        profileBody(
          ["is"],
          [
            ["eu", "B1"],
            ["cy", "A2"],
          ],
        ),
      ),
      ben.session.request(
        "PUT",
        "/api/profile",
        profileBody(
          ["eu"],
          [
            ["is", "B2"],
            ["cy", "A1"],
          ],
        ),
      ),
    ]);
    for (const response of saved) expect(response.status, JSON.stringify(response.body)).toBe(200);
    cleoBot = await BotConversation.open(stack.publicUrl, cleo, BOT);
  });

  it("publishes web profiles as Matrix profile fields", async () => {
    const field = await matrixRequest<Record<string, unknown>>(
      stack.publicUrl,
      "GET",
      `/_matrix/client/v3/profile/${encodeURIComponent(ana.userId)}/org.xstream.languages`,
      { token: cleo.accessToken },
    );
    expect(field["org.xstream.languages"]).toEqual([
      { language: "is", level: "native" },
      { language: "eu", level: "B1" },
      { language: "cy", level: "A2" },
    ]);
    const tz = await matrixRequest<Record<string, unknown>>(
      stack.publicUrl,
      "GET",
      `/_matrix/client/v3/profile/${encodeURIComponent(ana.userId)}/m.tz`,
      { token: cleo.accessToken },
    );
    expect(tz["m.tz"]).toBe("Europe/Madrid");
  });

  it("lets the Matrix-only learner build a profile and see both web learners, with reasons", async () => {
    expect((await cleoBot.say("native cy")).body).toMatch(/Welsh/);
    expect((await cleoBot.say("learn is B1")).body).toMatch(/Icelandic/);
    expect((await cleoBot.say("learn eu A2")).body).toMatch(/Basque/);
    expect((await cleoBot.say("interests hiking, chess")).body).toMatch(/hiking/);
    expect((await cleoBot.say("timezone Europe/London")).body).toMatch(/Europe\/London/);
    const profile = await cleoBot.say("profile");
    expect(profile.body).toMatch(/Welsh/);
    expect(profile.body).toMatch(/Icelandic B1/);

    const match = await cleoBot.say("match");
    expect(match.body).toContain("Ana Web");
    expect(match.body).toContain("Ben Web");
    expect(match.body).toMatch(/native Icelandic, learning Welsh A2/);
    expect(match.body).toMatch(/both like hiking/);
    expect(match.formattedBody).toContain("Ana Web");

    // The web client shows the same match from the other side.
    const suggestions = await ana.session.request<{
      suggestions: { user_id: string; summary: string }[];
    }>("GET", "/api/partners/suggestions");
    expect(suggestions.status).toBe(200);
    expect(suggestions.body.suggestions.map((s) => s.user_id).sort()).toEqual(
      [ben.userId, cleo.userId].sort(),
    );
    const cleoCard = suggestions.body.suggestions.find((s) => s.user_id === cleo.userId);
    expect(cleoCard?.summary).toMatch(/^native Welsh, learning Icelandic B1/);
  });

  it("connects the bot user to a web learner who accepts in the web client", async () => {
    const match = await cleoBot.say("match");
    const lines = match.body.split("\n");
    const anaNumber = lines.find((line) => line.includes("Ana Web"))?.match(/^\s*(\d+)[.)]/)?.[1];
    expect(anaNumber, match.body).toBeDefined();
    expect((await cleoBot.say(`connect ${anaNumber}`)).body).toMatch(/Ana Web/);

    const inbox = await ana.session.request<{
      incoming: { id: string; requester: { user_id: string } }[];
    }>("GET", "/api/partners/requests");
    const request = inbox.body.incoming.find((r) => r.requester.user_id === cleo.userId);
    expect(request).toBeDefined();
    const accepted = await ana.session.request<{ partner: { user_id: string; room_id: string } }>(
      "POST",
      `/api/partners/requests/${request?.id}/accept`,
    );
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const roomId = accepted.body.partner.room_id;
    expect(accepted.body.partner.user_id).toBe(cleo.userId);
    expect(roomId).toMatch(/^!/);

    await expectDirectInvite(cleo, roomId);
    await expectDirectInvite(ana.matrix, roomId);
    await cleoBot.waitForBotMessage(/Ana Web/);

    await join(cleo, roomId);
    const welcome = (await roomMessages(cleo, roomId)).find(
      (event) => event.type === "m.room.message" && event.sender === BOT,
    );
    expect(welcome?.content.body).toMatch(/Icelandic/);
    expect(welcome?.content.body).toMatch(/Welsh/);
  });

  it("tells the bot user about a web learner's request and accepts it from Matrix", async () => {
    const sent = await ben.session.request<{ request: { id: string } }>(
      "POST",
      "/api/partners/requests",
      {
        user_id: cleo.userId,
      },
    );
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    await cleoBot.waitForBotMessage(/Ben Web/);

    const reply = await cleoBot.say("accept");
    expect(reply.body).toMatch(/Ben Web/);
    const partner = await eventually(
      async () => (await partnersOf(ben)).find((p) => p.user_id === cleo.userId && p.room_id),
      "Ben's partnership with Cleo to have a room",
    );
    await expectDirectInvite(cleo, partner.room_id ?? "");
    await expectDirectInvite(ben.matrix, partner.room_id ?? "");
  });

  it("connects the two web learners", async () => {
    const sent = await ana.session.request<{ request: { id: string } }>(
      "POST",
      "/api/partners/requests",
      {
        user_id: ben.userId,
      },
    );
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const declinedByOther = await ana.session.request<{ errcode: string }>(
      "POST",
      `/api/partners/requests/${sent.body.request.id}/accept`,
    );
    expect([declinedByOther.status, declinedByOther.body.errcode]).toEqual([404, "M_NOT_FOUND"]);
    const accepted = await ben.session.request<{ partner: { room_id: string } }>(
      "POST",
      `/api/partners/requests/${sent.body.request.id}/accept`,
    );
    expect(accepted.status).toBe(200);
    await expectDirectInvite(ana.matrix, accepted.body.partner.room_id);
    await expectDirectInvite(ben.matrix, accepted.body.partner.room_id);

    expect((await partnersOf(ana)).map((p) => p.user_id).sort()).toEqual(
      [ben.userId, cleo.userId].sort(),
    );
    expect((await partnersOf(ben)).map((p) => p.user_id).sort()).toEqual(
      [ana.userId, cleo.userId].sort(),
    );
    // Everyone is connected: nobody is left to suggest.
    const none = await ana.session.request<{ suggestions: unknown[] }>(
      "GET",
      "/api/partners/suggestions",
    );
    expect(none.body.suggestions).toEqual([]);
  });
});

describe("the bot", () => {
  let dave: MatrixUser;
  let daveBot: BotConversation;

  beforeAll(async () => {
    dave = await matrixOnlyLearner("dave");
    daveBot = await BotConversation.open(stack.publicUrl, dave, BOT);
  });

  it("greets a learner who opens a DM", async () => {
    // The bot greets right after joining; the join alone does not mean the greeting is stored.
    const greeting = await eventually(
      async () => (await daveBot.botMessages())[0],
      "the bot's greeting",
    );
    expect(greeting?.body).toMatch(/help/);
    expect(greeting?.msgtype).toBe("m.notice");
    expect(greeting?.formattedBody).toBeDefined();
    // Clients show a name, not the bare user id.
    await eventually(async () => {
      const { displayname } = await matrixRequest<{ displayname?: string }>(
        stack.publicUrl,
        "GET",
        `/_matrix/client/v3/profile/${encodeURIComponent(BOT)}/displayname`,
        { token: dave.accessToken },
      );
      return displayname === "Xstream" ? true : undefined;
    }, "the bot's display name");
  });

  it("answers malformed commands with what it expected", async () => {
    expect((await daveBot.say("learn es Z9")).body).toMatch(/A1.*C2/);
    expect((await daveBot.say("learn xx B1")).body).toMatch(/"xx"/);
    expect((await daveBot.say("timezone Mars/Olympus")).body).toMatch(/IANA/);
    expect((await daveBot.say("connect")).body).toMatch(/connect/);
    expect((await daveBot.say("please find me someone")).body).toMatch(/help/);
    expect((await daveBot.say("mtach")).body).toMatch(/match/);
  });

  it("applies a transaction delivered twice only once", async () => {
    const txnId = `replay-${randomUUID()}`;
    const before = (await daveBot.botMessages()).length;
    const body = {
      events: [
        {
          type: "m.room.message",
          room_id: daveBot.roomId,
          sender: dave.userId,
          event_id: `$replayed-${randomUUID()}`,
          origin_server_ts: Date.now(),
          content: { msgtype: "m.text", body: "help" },
        },
      ],
    };
    const put = () =>
      fetch(`${stack.bridgeUrl}/_matrix/app/v1/transactions/${txnId}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${stack.hsToken}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await put()).status).toBe(200);
    expect((await put()).status).toBe(200);
    await eventually(
      async () => ((await daveBot.botMessages()).length > before ? true : undefined),
      "the bot's answer to the replayed help",
    );
    // Give a wrongly applied second delivery time to show up, then count.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await daveBot.botMessages()).length).toBe(before + 1);
    const { rows } = await db().query(
      "SELECT count(*)::int AS n FROM appservice_transactions WHERE txn_id = $1",
      [txnId],
    );
    expect(rows[0].n).toBe(1);
  });

  it("refuses a transaction with a wrong hs_token", async () => {
    const response = await fetch(
      `${stack.bridgeUrl}/_matrix/app/v1/transactions/forged-${randomUUID()}`,
      {
        method: "PUT",
        headers: {
          authorization: `Bearer not-${stack.hsToken}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ events: [] }),
      },
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ errcode: "M_FORBIDDEN" });
  });
});

describe("profile validation through /api", () => {
  let eve: Learner;
  beforeAll(async () => {
    eve = await webLearner("eve");
  });

  it.each([
    ["an unknown language code", { native: ["xx"] }, "native[0]", /"xx"/],
    ["level Z9", { learning: [{ language: "es", level: "Z9" }] }, "learning[0].level", /CEFR/],
    [
      "10,000 interests",
      { interests: Array.from({ length: 10_000 }, (_, i) => `topic${i}`) },
      "interests",
      /at most 20/,
    ],
    ["a bad time zone", { timezone: "Not/AZone" }, "timezone", /IANA/],
    ["a wrong type", { discoverable: "yes" }, "discoverable", /boolean/],
  ])("refuses %s with a clear error and stores nothing", async (_what, change, field, message) => {
    const response = await eve.session.request<{ errcode: string; error: string; field: string }>(
      "PUT",
      "/api/profile",
      { ...profileBody(["en"], [["es", "B1"]]), ...change },
    );
    expect(response.status).toBe(400);
    expect(response.body.errcode).toMatch(/^M_(INVALID_PARAM|BAD_JSON)$/);
    expect(response.body.field).toBe(field);
    expect(response.body.error).toMatch(message);
    const stored = await eve.session.request<{ profile: unknown }>("GET", "/api/profile");
    expect(stored.body.profile).toBeNull();
  });

  it("refuses suggestions before a profile exists and partner routes without a session", async () => {
    const response = await eve.session.request<{ errcode: string }>(
      "GET",
      "/api/partners/suggestions",
    );
    expect([response.status, response.body.errcode]).toEqual([404, "M_NOT_FOUND"]);
    const anonymous = new WebSession(stack.publicUrl);
    expect((await anonymous.request("GET", "/api/partners")).status).toBe(401);
  });

  it("lets only moderators read reports, with evidence from a room of Synapse's default version", async () => {
    // Synapse 1.163 creates room version 12 rooms: ids without a `:server` part.
    const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
      stack.publicUrl,
      "POST",
      "/_matrix/client/v3/createRoom",
      { token: eve.matrix.accessToken, body: { preset: "private_chat" } },
    );
    const version = await matrixRequest<{ room_version: string }>(
      stack.publicUrl,
      "GET",
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.create`,
      { token: eve.matrix.accessToken },
    );
    expect(version.room_version).toBe("12");
    expect(roomId).toMatch(/^![A-Za-z0-9_-]{43}$/);
    const { event_id: eventId } = await matrixRequest<{ event_id: string }>(
      stack.publicUrl,
      "PUT",
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${randomUUID()}`,
      { token: eve.matrix.accessToken, body: { msgtype: "m.text", body: "what was said" } },
    );

    const filed = await eve.session.request<{ report: { id: string } }>("POST", "/api/reports", {
      user_id: "@someone:localhost",
      reason: "spam",
      event_ids: [eventId],
      room_id: roomId,
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const forged = await eve.session.request<{ errcode: string; field: string }>(
      "POST",
      "/api/reports",
      { user_id: "@someone:localhost", reason: "spam", room_id: `${roomId}:` },
    );
    expect([forged.status, forged.body.errcode, forged.body.field]).toEqual([
      400,
      expect.any(String),
      "room_id",
    ]);
    const list = await eve.session.request<{ errcode: string }>("GET", "/api/reports");
    expect([list.status, list.body.errcode]).toEqual([403, "M_FORBIDDEN"]);

    const moderator = await webLearner("mod");
    await db().query("UPDATE accounts SET role = 'moderator' WHERE username = $1", [
      moderator.userId.slice(1).split(":")[0],
    ]);
    const reports = await moderator.session.request<{
      reports: { id: string; reporter: string; event_ids: string[]; room_id: string }[];
    }>("GET", "/api/reports");
    expect(reports.status).toBe(200);
    expect(reports.body.reports.find((r) => r.id === filed.body.report.id)).toMatchObject({
      reporter: eve.userId,
      event_ids: [eventId],
      room_id: roomId,
    });
  });
});
