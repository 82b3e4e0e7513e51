// Requests between partner organisations, between three real organisations: A and B list each
// other (PARTNER_ORGANISATIONS), C lists B, which does not list C. Learners of A use A's web API,
// learners of B only a Matrix client and B's bot; each bridge tells the other through its request
// room (org.xstream.partner_request…).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BotConversation } from "./bot-conversation.ts";
import type { TestOrganisations, TestStack } from "./harness.ts";
import { type Learner, signUpLearner } from "./learners.ts";
import {
  eventually,
  type MatrixUser,
  matrixRequest,
  registerWithSharedSecret,
  sendEvent,
  uniqueLocalpart,
} from "./matrix.ts";
import {
  asBot,
  bot,
  metric,
  ORG_A,
  ORG_B,
  roomPath,
  roomWithBot,
  startPairedOrganisations,
  withDatabase,
} from "./organisation-helpers.ts";
import { strongPassword } from "./web-session.ts";

type Info = TestStack["info"];
type Key = "a" | "b" | "c";

let organisations: TestOrganisations<Key>;
let a: Info;
let b: Info;
let c: Info;
// Joins, invites and events cross servers over federation on a busy machine.
const FEDERATION_MS = 90_000;
const TEST_MS = 240_000;

beforeAll(async () => {
  // C asks for B, which never lists C.
  organisations = await startPairedOrganisations("b");
  a = organisations.stacks.a.info;
  b = organisations.stacks.b.info;
  c = organisations.stacks.c.info;
}, 480_000);

afterAll(async () => {
  await organisations?.stop();
});

const ignored = (info: Info, reason: string) =>
  metric(info, `xstream_partner_requests_ignored_total{reason="${reason}"}`);

/** A web learner of A: native Spanish, learning English, shown to partner organisations. */
async function webLearner(name: string): Promise<Learner> {
  const learner = await signUpLearner(a, name);
  const saved = await learner.session.request("PUT", "/api/profile", {
    native: ["es"],
    learning: [{ language: "en", level: "B1" }],
    interests: ["sailing"],
    timezone: "Europe/Madrid",
    availability: [{ day: 2, start: "18:00", end: "21:00" }],
    bio: "",
    discoverable: true,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  const visible = await learner.session.request("PUT", "/api/profile/partner-organisations", {
    visible: true,
  });
  expect(visible.status, JSON.stringify(visible.body)).toBe(200);
  return learner;
}

interface BotLearner {
  user: MatrixUser;
  chat: BotConversation;
  name: string;
}

/**
 * A learner of B on any Matrix client, through B's bot: native English, learning Spanish, shown
 * to partner organisations, unless `languages` says otherwise.
 */
async function botLearner(
  name: string,
  languages: { native: string; learns: string; partners: boolean } = {
    native: "en",
    learns: "es",
    partners: true,
  },
): Promise<BotLearner> {
  const user = await registerWithSharedSecret(
    b.synapseUrl,
    b.registrationSharedSecret,
    uniqueLocalpart(name.toLowerCase()),
    strongPassword(),
  );
  await matrixRequest(
    b.publicUrl,
    "PUT",
    `/_matrix/client/v3/profile/${encodeURIComponent(user.userId)}/displayname`,
    { token: user.accessToken, body: { displayname: name } },
  );
  const chat = await BotConversation.open(b.publicUrl, user, bot(b), 30_000);
  await chat.say(`native ${languages.native}`);
  await chat.say(`learn ${languages.learns} B1`);
  if (languages.partners) {
    expect((await chat.say("organisations on")).body).toMatch(/partner organisations/);
  }
  return { user, chat, name };
}

interface RequestJson {
  id: string;
  requester: { user_id: string; display_name: string; organisation?: string };
  recipient: { user_id: string; display_name: string; organisation?: string };
}

async function requestsOf(learner: Learner) {
  const response = await learner.session.request<{
    incoming: RequestJson[];
    outgoing: RequestJson[];
  }>("GET", "/api/partners/requests");
  expect(response.status).toBe(200);
  return response.body;
}

async function suggestedTo(learner: Learner): Promise<string[]> {
  const response = await learner.session.request<{ suggestions: { user_id: string }[] }>(
    "GET",
    "/api/partners/suggestions?limit=50",
  );
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.suggestions.map((found) => found.user_id);
}

/** Waits until `learner` of A sees `other` of B in their suggestions (B's directory reached A). */
const untilSuggested = (learner: Learner, other: BotLearner) =>
  eventually(
    async () => ((await suggestedTo(learner)).includes(other.user.userId) ? true : undefined),
    `${other.name} in ${learner.displayName}'s suggestions`,
    FEDERATION_MS,
  );

/** Waits until B's bot answers `command` with something that passes `ok`. */
const untilBotSays = (learner: BotLearner, command: string, ok: (body: string) => boolean) =>
  eventually(
    async () => {
      const reply = await learner.chat.say(command);
      return ok(reply.body) ? reply.body : undefined;
    },
    `${learner.name}'s \`${command}\` to pass`,
    FEDERATION_MS,
  );

const ask = (learner: Learner, userId: string) =>
  learner.session.request<{ request: RequestJson }>("POST", "/api/partners/requests", {
    user_id: userId,
  });

async function messagesIn(info: Info, user: MatrixUser, roomId: string): Promise<string[]> {
  const { chunk } = await matrixRequest<{ chunk: { type: string; content: { body?: unknown } }[] }>(
    info.publicUrl,
    "GET",
    `${roomPath(roomId)}/messages?dir=b&limit=50`,
    { token: user.accessToken },
  );
  return chunk
    .filter((event) => event.type === "m.room.message")
    .map((event) => String(event.content.body));
}

/** A room of a user of `info` with B's bot in it: where a forger speaks to B's bot. */
const roomWithB = (info: Info, token: string) => roomWithBot(info, token, b, FEDERATION_MS);

/** A plain user of `info` (not its bot) in a room with B's bot: where a forger speaks to B's bot. */
async function forgerWithB(
  info: Info,
  name: string,
): Promise<{ user: MatrixUser; roomId: string }> {
  const user = await registerWithSharedSecret(
    info.synapseUrl,
    info.registrationSharedSecret,
    uniqueLocalpart(name),
    strongPassword(),
  );
  return { user, roomId: await roomWithB(info, user.accessToken) };
}

/** A's request room for B, where A's bot writes. */
async function roomOfAForB(): Promise<string> {
  const { rows } = await withDatabase(a, (client) =>
    client.query<{ room_id: string }>(
      "SELECT room_id FROM partner_request_rooms WHERE server_name = $1 AND direction = 'out'",
      [b.serverName],
    ),
  );
  return rows[0]?.room_id ?? "";
}

let ana: Learner;
let bob: BotLearner;

describe("a request between organisations", () => {
  it(
    "A's web learner asks B's bot learner, who sees A named and accepts: one room, both in it, messages both ways",
    async () => {
      ana = await webLearner("Ana Requests");
      bob = await botLearner("Bob");
      await untilSuggested(ana, bob);
      await untilBotSays(bob, "match", (body) => body.includes(`Ana Requests`));

      const asked = await ask(ana, bob.user.userId);
      expect(asked.status, JSON.stringify(asked.body)).toBe(201);
      expect(asked.body.request.recipient.organisation).toBe(ORG_B);
      const listed = await untilBotSays(bob, "requests", (body) => body.includes("Ana Requests"));
      expect(listed).toContain(`from ${ORG_A}`);
      // Replays of the request (B reads A's room again every round) do not make a second one.
      const incomingOnB = await withDatabase(b, (client) =>
        client.query("SELECT id FROM partner_requests WHERE recipient = $1", [bob.user.userId]),
      );
      expect(incomingOnB.rows).toEqual([{ id: asked.body.request.id }]);

      expect((await bob.chat.say("accept")).body).toMatch(/Ana Requests/);
      const partner = await eventually(
        async () => {
          const response = await ana.session.request<{
            partners: { user_id: string; room_id: string | null }[];
          }>("GET", "/api/partners");
          return response.body.partners.find((found) => found.user_id === bob.user.userId);
        },
        "Bob among Ana's partners on A",
        FEDERATION_MS,
      );
      const roomId = partner.room_id ?? "";
      expect(roomId).not.toBe("");
      // One room, made by B's bot (the accepting side), and the same on both sides.
      const rooms = await withDatabase(b, (client) =>
        client.query<{ room_id: string }>(
          "SELECT room_id FROM partnerships WHERE $1 IN (user_a, user_b)",
          [bob.user.userId],
        ),
      );
      expect(rooms.rows).toEqual([{ room_id: roomId }]);
      const onA = await withDatabase(a, (client) =>
        client.query("SELECT room_id FROM partnerships WHERE $1 IN (user_a, user_b)", [
          ana.matrix.userId,
        ]),
      );
      expect(onA.rows).toEqual([{ room_id: roomId }]);
      expect(
        (await ana.session.request<{ outgoing: unknown[] }>("GET", "/api/partners/requests")).body
          .outgoing,
      ).toEqual([]);

      // Both are invited: Ana over federation. They join and write to each other.
      await eventually(
        async () => {
          await matrixRequest(
            a.publicUrl,
            "POST",
            `/_matrix/client/v3/join/${encodeURIComponent(roomId)}?server_name=${encodeURIComponent(b.serverName)}`,
            { token: ana.matrix.accessToken, body: {} },
          );
          return true;
        },
        "Ana to join the partner room",
        FEDERATION_MS,
      );
      await matrixRequest(
        b.publicUrl,
        "POST",
        `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
        {
          token: bob.user.accessToken,
          body: {},
        },
      );
      await sendEvent(a.publicUrl, ana.matrix.accessToken, roomId, {
        msgtype: "m.text",
        body: "¡Hola Bob!",
      });
      await sendEvent(b.publicUrl, bob.user.accessToken, roomId, {
        msgtype: "m.text",
        body: "Hi Ana!",
      });
      await eventually(
        async () =>
          (await messagesIn(b, bob.user, roomId)).includes("¡Hola Bob!") ? true : undefined,
        "Ana's message on B",
        FEDERATION_MS,
      );
      await eventually(
        async () =>
          (await messagesIn(a, ana.matrix, roomId)).includes("Hi Ana!") ? true : undefined,
        "Bob's message on A",
        FEDERATION_MS,
      );
      expect((await bob.chat.say("partners")).body).toContain("Ana Requests");
    },
    TEST_MS,
  );

  it(
    "is declined through B's bot: A's learner sees it gone and may still find them",
    async () => {
      const carl = await botLearner("Carl");
      await untilSuggested(ana, carl);
      const asked = await ask(ana, carl.user.userId);
      expect(asked.status, JSON.stringify(asked.body)).toBe(201);
      await untilBotSays(carl, "requests", (body) => body.includes("Ana Requests"));
      expect((await carl.chat.say("decline")).body).toMatch(/Ana Requests/);
      await eventually(
        async () => ((await requestsOf(ana)).outgoing.length === 0 ? true : undefined),
        "the declined request to leave Ana's list",
        FEDERATION_MS,
      );
      const status = await withDatabase(a, (client) =>
        client.query("SELECT status FROM partner_requests WHERE id = $1", [asked.body.request.id]),
      );
      expect(status.rows).toEqual([{ status: "declined" }]);
      // A report about a partner's learner goes to A's own moderators.
      const reported = await ana.session.request("POST", "/api/reports", {
        user_id: carl.user.userId,
        reason: "testing reports across organisations",
      });
      expect(reported.status, JSON.stringify(reported.body)).toBe(201);
      const reports = (info: Info) =>
        withDatabase(info, (client) =>
          client.query("SELECT reporter FROM reports WHERE reported = $1", [carl.user.userId]),
        );
      expect((await reports(a)).rows).toEqual([{ reporter: ana.matrix.userId }]);
      expect((await reports(b)).rows).toEqual([]);
    },
    TEST_MS,
  );
});

describe("blocks across organisations", () => {
  it(
    "a block on B stops suggestions and requests both ways, and B refuses a request A relays anyway",
    async () => {
      const dana = await webLearner("Dana Requests");
      const eli = await botLearner("Eli");
      await untilSuggested(dana, eli);
      await untilBotSays(eli, "match", (body) => body.includes("Dana Requests"));
      expect((await eli.chat.say(`block ${dana.matrix.userId}`)).body).toBeTruthy();
      // A hears only "not available", and stops suggesting Eli to Dana.
      await eventually(
        async () => ((await suggestedTo(dana)).includes(eli.user.userId) ? undefined : true),
        "Eli to leave Dana's suggestions",
        FEDERATION_MS,
      );
      const refused = await ask(dana, eli.user.userId);
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(refused.body)).not.toMatch(/block/i);
      expect((await eli.chat.say("match")).body).not.toContain("Dana Requests");

      // A's bot relays a request as if it had not heard: B's bridge checks the block itself.
      const requestId = crypto.randomUUID();
      const roomAB = await roomOfAForB();
      await asBot(a, "PUT", `${roomPath(roomAB)}/send/org.xstream.partner_request/${requestId}`, {
        request_id: requestId,
        requester: dana.matrix.userId,
        recipient: eli.user.userId,
        requester_profile: {
          display_name: "Dana Requests",
          native: ["es"],
          learning: [{ language: "en", level: "B1" }],
          interests: [],
          timezone: "Europe/Madrid",
          availability: [],
          updated_at: Date.now(),
        },
      });
      await eventually(
        async () => {
          const { rows } = await withDatabase(b, (client) =>
            client.query(
              "SELECT 1 FROM partner_request_messages WHERE event_type = 'org.xstream.partner_unavailable' AND content->>'other' = $1 AND sent_at IS NOT NULL",
              [dana.matrix.userId],
            ),
          );
          return rows.length >= 2 ? true : undefined;
        },
        "B to answer the relayed request with 'not available'",
        FEDERATION_MS,
      );
      expect((await eli.chat.say("requests")).body).not.toContain("Dana Requests");
    },
    TEST_MS,
  );

  it(
    "a block on A stops B suggesting A's learner and refuses B's learner's request",
    async () => {
      const fred = await webLearner("Fred Requests");
      const gil = await botLearner("Gil");
      await untilBotSays(gil, "match", (body) => body.includes("Fred Requests"));
      const blocked = await fred.session.request("POST", "/api/blocks", {
        user_id: gil.user.userId,
      });
      expect(blocked.status, JSON.stringify(blocked.body)).toBeLessThan(300);
      await untilBotSays(gil, "match", (body) => !body.includes("Fred Requests"));
      const answer = await gil.chat.say(`connect ${fred.matrix.userId}`);
      expect(answer.body).toMatch(/not taking new requests|not a match/);
      expect((await requestsOf(fred)).incoming).toEqual([]);
    },
    TEST_MS,
  );
});

describe("forged request events", () => {
  it(
    "are ignored and counted: from a user of A who is not its bot, from unpaired C's bot, for a learner of another server, and hostile content",
    async () => {
      const before = {
        forged: await ignored(b, "forged_sender"),
        notPaired: await ignored(b, "not_paired"),
        large: await ignored(b, "too_large"),
        malformed: await ignored(b, "malformed"),
      };
      const target = await botLearner("Hana");
      const profile = {
        display_name: "Forger",
        native: ["es"],
        learning: [{ language: "en", level: "B1" }],
        interests: [],
        timezone: "Europe/Madrid",
        availability: [],
        updated_at: Date.now(),
      };
      const request = (requester: string, extra: Record<string, unknown> = {}) => ({
        request_id: crypto.randomUUID(),
        requester,
        recipient: target.user.userId,
        requester_profile: profile,
        ...extra,
      });
      const { user: eve, roomId: eveRoom } = await forgerWithB(a, "eve");
      await sendEvent(
        a.publicUrl,
        eve.accessToken,
        eveRoom,
        request(eve.userId),
        "org.xstream.partner_request",
      );
      // C's bot speaks in a room of a user of C that B's bot joined (B's bot declines invites
      // from bots of servers B does not list).
      const { user: mallory, roomId: cRoom } = await forgerWithB(c, "mallory");
      await matrixRequest(c.publicUrl, "POST", `${roomPath(cRoom)}/invite`, {
        token: mallory.accessToken,
        body: { user_id: bot(c) },
      });
      await eventually(
        () => asBot(c, "POST", `/_matrix/client/v3/join/${encodeURIComponent(cRoom)}`, {}),
        "C's bot to join Mallory's room",
        FEDERATION_MS,
      );
      await matrixRequest(
        c.synapseUrl,
        "PUT",
        `${roomPath(cRoom)}/send/org.xstream.partner_request/${crypto.randomUUID()}`,
        { token: c.asToken, body: request(`@mallory:${c.serverName}`) },
      );
      // A's own bot, in its real room for B: a learner of C, then content beyond the limits.
      const roomAB = await roomOfAForB();
      const fromA = (content: unknown) =>
        asBot(
          a,
          "PUT",
          `${roomPath(roomAB)}/send/org.xstream.partner_request/${crypto.randomUUID()}`,
          content,
        );
      const ghost = `@ghost:${a.serverName}`;
      await fromA(request(`@mallory:${c.serverName}`));
      await fromA(
        request(ghost, {
          requester_profile: {
            ...profile,
            interests: Array.from({ length: 5_000 }, (_, i) => `i${i}`),
          },
        }),
      );
      await fromA(
        request(ghost, {
          requester_profile: {
            ...profile,
            learning: [{ language: { deeper: [[[[["en"]]]]] }, level: "B1" }],
          },
        }),
      );
      await fromA(request(ghost, { request_id: { nested: [[[[[[]]]]]] } }));

      const started = Date.now();
      await eventually(
        async () =>
          (await ignored(b, "forged_sender")) >= before.forged + 2 &&
          (await ignored(b, "not_paired")) >= before.notPaired + 1 &&
          (await ignored(b, "too_large")) >= before.large + 1 &&
          (await ignored(b, "malformed")) >= before.malformed + 2
            ? true
            : undefined,
        "B to count the forged and hostile request events",
        FEDERATION_MS,
      );
      // Nothing reached the learner, and B's bot kept answering.
      expect((await target.chat.say("requests")).body).toMatch(/no pending requests/);
      expect(Date.now() - started).toBeLessThan(FEDERATION_MS);
    },
    TEST_MS,
  );
});

/** Whether `learner` of B sees `name` in their `match` reply right now. */
const botSuggests = async (learner: BotLearner, name: string) =>
  (await learner.chat.say("match")).body.includes(name);

/** B's record that A said `ours` of A is not available to `theirs` of B, if any. */
async function unavailableOnB(theirs: string, ours: string) {
  const { rows } = await withDatabase(b, (client) =>
    client.query<{ expires_at: Date | null }>(
      "SELECT expires_at FROM partner_unavailable WHERE user_id = $1 AND other_user_id = $2",
      [theirs, ours],
    ),
  );
  return rows[0];
}

const AVAILABLE = "org.xstream.partner_available";

describe("unblocking across organisations", () => {
  it(
    "an unblock on B brings the two back into each other's suggestions on both sides",
    async () => {
      const kim = await webLearner("Kim Requests");
      const lou = await botLearner("Lou");
      await untilSuggested(kim, lou);
      await untilBotSays(lou, "match", (body) => body.includes("Kim Requests"));

      expect((await lou.chat.say(`block ${kim.matrix.userId}`)).body).toMatch(/unblock/);
      expect(await botSuggests(lou, "Kim Requests")).toBe(false);
      await eventually(
        async () => ((await suggestedTo(kim)).includes(lou.user.userId) ? undefined : true),
        "Lou to leave Kim's suggestions",
        FEDERATION_MS,
      );

      expect((await lou.chat.say(`unblock ${kim.matrix.userId}`)).body).toMatch(/Unblocked/);
      await untilSuggested(kim, lou);
      expect(await botSuggests(lou, "Kim Requests")).toBe(true);
      // And they can connect again.
      const asked = await ask(kim, lou.user.userId);
      expect(asked.status, JSON.stringify(asked.body)).toBe(201);
      await untilBotSays(lou, "requests", (body) => body.includes("Kim Requests"));
    },
    TEST_MS,
  );

  it(
    "an unblock on A lifts B's 'not available'; forged and replayed 'available' events lift nothing",
    async () => {
      const mia = await webLearner("Mia Requests");
      const ned = await botLearner("Ned");
      await untilSuggested(mia, ned);
      await untilBotSays(ned, "match", (body) => body.includes("Mia Requests"));
      const blocked = await mia.session.request("POST", "/api/blocks", {
        user_id: ned.user.userId,
      });
      expect(blocked.status, JSON.stringify(blocked.body)).toBeLessThan(300);
      await untilBotSays(ned, "match", (body) => !body.includes("Mia Requests"));
      expect(await suggestedTo(mia)).not.toContain(ned.user.userId);
      expect(await unavailableOnB(ned.user.userId, mia.matrix.userId)).toEqual({
        expires_at: null,
      });

      // Forged: a user of A who is not its bot, and A's bot speaking for a learner of C.
      const forgedBefore = await ignored(b, "forged_sender");
      const { user: eve, roomId: eveRoom } = await forgerWithB(a, "eve");
      await sendEvent(
        a.publicUrl,
        eve.accessToken,
        eveRoom,
        { user: mia.matrix.userId, other: ned.user.userId },
        AVAILABLE,
      );
      await asBot(
        a,
        "PUT",
        `${roomPath(await roomOfAForB())}/send/${AVAILABLE}/${crypto.randomUUID()}`,
        {
          user: `@mallory:${c.serverName}`,
          other: ned.user.userId,
        },
      );
      await eventually(
        async () => ((await ignored(b, "forged_sender")) >= forgedBefore + 2 ? true : undefined),
        "B to count the forged 'available' events",
        FEDERATION_MS,
      );
      expect(await unavailableOnB(ned.user.userId, mia.matrix.userId)).toBeDefined();
      expect(await botSuggests(ned, "Mia Requests")).toBe(false);

      // The real unblock: both see each other again.
      const unblocked = await mia.session.request(
        "DELETE",
        `/api/blocks/${encodeURIComponent(ned.user.userId)}`,
      );
      expect(unblocked.status, JSON.stringify(unblocked.body)).toBe(200);
      await untilBotSays(ned, "match", (body) => body.includes("Mia Requests"));
      await untilSuggested(mia, ned);

      // Blocked again: B reads A's room again every round (PARTNER_SYNC_SECONDS 3), the earlier
      // "available" included, and must not apply it a second time.
      const again = await mia.session.request("POST", "/api/blocks", {
        user_id: ned.user.userId,
      });
      expect(again.status).toBeLessThan(300);
      await untilBotSays(ned, "match", (body) => !body.includes("Mia Requests"));
      const watchUntil = Date.now() + 12_000;
      while (Date.now() < watchUntil) {
        expect(await unavailableOnB(ned.user.userId, mia.matrix.userId)).toBeDefined();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      expect(await botSuggests(ned, "Mia Requests")).toBe(false);
    },
    TEST_MS,
  );
});

describe("a full inbox across organisations", () => {
  it(
    "B's 'not available' for a full inbox lasts only until the inbox has room",
    async () => {
      const max = await botLearner("Max");
      // Nine of A's learners and one of B's fill Max's inbox (MAX_PENDING_INCOMING, 10), while
      // A counts only nine and still offers Max to its learners.
      const askers: Learner[] = [];
      // One at a time: a burst of sign-ups is not what this test is about.
      for (let i = 0; i < 9; i++) askers.push(await webLearner(`Filler ${i} Requests`));
      const nia = await webLearner("Nia Requests");
      const oli = await botLearner("Oli", { native: "es", learns: "en", partners: false });
      expect((await oli.chat.say(`connect ${max.user.userId}`)).body).toMatch(/asked/);
      await untilSuggested(nia, max);
      for (const asker of askers) {
        const asked = await ask(asker, max.user.userId);
        expect(asked.status, JSON.stringify(asked.body)).toBe(201);
      }
      await eventually(
        async () => {
          const { rows } = await withDatabase(b, (client) =>
            client.query<{ count: string }>(
              "SELECT count(*) FROM partner_requests WHERE recipient = $1 AND status = 'pending'",
              [max.user.userId],
            ),
          );
          return rows[0]?.count === "10" ? true : undefined;
        },
        "Max's inbox on B to fill",
        FEDERATION_MS,
      );
      expect(await suggestedTo(nia)).toContain(max.user.userId);

      // Nia asks; B answers "not available", and A tells her what it tells a local requester.
      const first = await ask(nia, max.user.userId);
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      // Her request stays open on A until B's answer closes it.
      await eventually(
        async () => ((await requestsOf(nia)).outgoing.length === 0 ? true : undefined),
        "B's answer to close Nia's request",
        FEDERATION_MS,
      );
      expect(await suggestedTo(nia)).not.toContain(max.user.userId);
      const refused = await ask(nia, max.user.userId);
      expect(refused.status).toBe(409);
      expect(JSON.stringify(refused.body)).toMatch(/not taking new requests right now/);
      // Held with an expiry on A, not for good like a block.
      const { rows } = await withDatabase(a, (client) =>
        client.query<{ expires_at: Date | null }>(
          "SELECT expires_at FROM partner_unavailable WHERE user_id = $1 AND other_user_id = $2",
          [nia.matrix.userId, max.user.userId],
        ),
      );
      expect(rows[0]?.expires_at).toBeInstanceOf(Date);

      // Max declines one: the inbox has room, and Nia sees Max again and may ask.
      expect((await max.chat.say("decline 1")).body).toBeTruthy();
      await untilSuggested(nia, max);
      const again = await ask(nia, max.user.userId);
      expect(again.status, JSON.stringify(again.body)).toBe(201);
      await untilBotSays(max, "requests", (body) => body.includes("Nia Requests"));
    },
    TEST_MS,
  );
});

describe("restarts and unpairing", () => {
  let ivy: BotLearner;
  let jon: BotLearner;
  it(
    "a request made while B's homeserver is down, with A's bridge restarted meanwhile, reaches B once it is back",
    async () => {
      ivy = await botLearner("Ivy");
      jon = await botLearner("Jon");
      await untilSuggested(ana, ivy);
      await untilSuggested(ana, jon);
      let asked: Awaited<ReturnType<typeof ask>> | undefined;
      await organisations.stacks.b.restartSynapse(async () => {
        asked = await ask(ana, ivy.user.userId);
        await organisations.stacks.a.restartBridge();
      });
      expect(asked?.status, JSON.stringify(asked?.body)).toBe(201);
      await untilBotSays(ivy, "requests", (body) => body.includes("Ana Requests"));
      // And one the other way, still open when the pairing ends below.
      expect((await jon.chat.say(`connect ${ana.matrix.userId}`)).body).toMatch(/asked/);
      await eventually(
        async () =>
          (await requestsOf(ana)).incoming.some(
            (found) => found.requester.user_id === jon.user.userId,
          )
            ? true
            : undefined,
        "Jon's request on A",
        FEDERATION_MS,
      );
      const incoming = (await requestsOf(ana)).incoming.find(
        (found) => found.requester.user_id === jon.user.userId,
      );
      expect(incoming?.requester.organisation).toBe(ORG_B);
    },
    TEST_MS,
  );

  it(
    "unpairing on A withdraws the open requests on both sides",
    async () => {
      await organisations.stacks.a.restartBridge({ PARTNER_ORGANISATIONS: "" });
      await eventually(
        async () => {
          const { incoming, outgoing } = await requestsOf(ana);
          return incoming.length === 0 && outgoing.length === 0 ? true : undefined;
        },
        "A to withdraw Ana's requests",
        FEDERATION_MS,
      );
      expect(await suggestedTo(ana)).not.toContain(ivy.user.userId);
      await untilBotSays(ivy, "requests", (body) => /no pending requests/.test(body));
      await untilBotSays(jon, "requests", (body) => /no pending requests/.test(body));
    },
    TEST_MS,
  );
});
