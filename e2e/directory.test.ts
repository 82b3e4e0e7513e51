// The partner directory between three real organisations: A and B list each other
// (PARTNER_ORGANISATIONS), C lists A but A does not list C. Learners of A use A's web API,
// learners of B and C only a Matrix client and their own organisation's bot.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BotConversation } from "./bot-conversation.ts";
import type { TestOrganisations, TestStack } from "./harness.ts";
import { type Learner, signUpLearner } from "./learners.ts";
import {
  eventually,
  type MatrixUser,
  matrixRequest,
  registerWithSharedSecret,
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
/** A's directory room, as A's homeserver knows it. */
let roomA: string;
// Joins, invites and state cross servers over federation on a busy machine.
const FEDERATION_MS = 90_000;
const TEST_MS = 240_000;

beforeAll(async () => {
  // C asks for A, which never lists C.
  organisations = await startPairedOrganisations("a");
  a = organisations.stacks.a.info;
  b = organisations.stacks.b.info;
  c = organisations.stacks.c.info;
}, 480_000);

afterAll(async () => {
  await organisations?.stop();
});

interface StateEvent {
  type: string;
  state_key: string;
  sender: string;
  event_id: string;
  content: Record<string, unknown>;
}

const roomState = (info: Info, roomId: string) =>
  asBot<StateEvent[]>(info, "GET", `${roomPath(roomId)}/state`);

async function joinedMembers(info: Info, roomId: string): Promise<string[]> {
  const { joined } = await asBot<{ joined: Record<string, unknown> }>(
    info,
    "GET",
    `${roomPath(roomId)}/joined_members`,
  );
  return Object.keys(joined);
}

async function matrixLearner(info: Info, name: string): Promise<MatrixUser> {
  const user = await registerWithSharedSecret(
    info.synapseUrl,
    info.registrationSharedSecret,
    uniqueLocalpart(name.split(" ")[0]?.toLowerCase() ?? "learner"),
    strongPassword(),
  );
  await matrixRequest(
    info.publicUrl,
    "PUT",
    `/_matrix/client/v3/profile/${encodeURIComponent(user.userId)}/displayname`,
    { token: user.accessToken, body: { displayname: name } },
  );
  return user;
}

/** A web learner of `info` with a Spanish/English profile. */
async function webLearner(info: Info, name: string, optIn: boolean): Promise<Learner> {
  const learner = await signUpLearner(info, name);
  const saved = await learner.session.request("PUT", "/api/profile", {
    native: ["es"],
    learning: [{ language: "en", level: "B1" }],
    interests: ["sailing"],
    timezone: "Europe/Madrid",
    availability: [{ day: 2, start: "18:00", end: "21:00" }],
    bio: "Not for partners' eyes",
    discoverable: true,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  if (optIn) await setVisible(learner, true);
  return learner;
}

async function setVisible(learner: Learner, visible: boolean) {
  const response = await learner.session.request<{ visible: boolean }>(
    "PUT",
    "/api/profile/partner-organisations",
    { visible },
  );
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.body.visible).toBe(visible);
}

interface SuggestionJson {
  user_id: string;
  display_name: string;
  summary: string;
  organisation: string | null;
}

async function suggestionsOf(learner: Learner): Promise<SuggestionJson[]> {
  const response = await learner.session.request<{ suggestions: SuggestionJson[] }>(
    "GET",
    "/api/partners/suggestions?limit=50",
  );
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.suggestions;
}

/** An English speaker learning Spanish, set up entirely through their own bot. */
async function botLearner(info: Info, name: string, optIn: boolean) {
  const user = await matrixLearner(info, name);
  const chat = await BotConversation.open(info.publicUrl, user, bot(info), 30_000);
  await chat.say("native en");
  await chat.say("learn es B1");
  if (optIn) expect((await chat.say("organisations on")).body).toMatch(/partner organisations/);
  return { user, chat };
}

const entriesHeldBy = (info: Info, serverName: string) =>
  withDatabase(info, async (client) => {
    const { rows } = await client.query<{ user_id: string }>(
      "SELECT user_id FROM directory_entries WHERE server_name = $1",
      [serverName],
    );
    return rows.map((row) => row.user_id);
  });

let ana: Learner;
let quiet: Learner;
let bob: Awaited<ReturnType<typeof botLearner>>;

describe("pairing", () => {
  it(
    "gives A an invite-only directory room that only B's bot joins, under a server ACL",
    async () => {
      roomA = (
        await eventually(
          () =>
            asBot<{ room_id: string }>(
              a,
              "GET",
              `/_matrix/client/v3/directory/room/${encodeURIComponent(`#xstream_directory:${a.serverName}`)}`,
            ),
          "A's directory room",
          FEDERATION_MS,
        )
      ).room_id;
      await eventually(
        async () => ((await joinedMembers(a, roomA)).includes(bot(b)) ? true : undefined),
        "B's bot to join A's directory",
        FEDERATION_MS,
      );
      const state = await roomState(a, roomA);
      const content = (type: string) => state.find((event) => event.type === type)?.content;
      expect(content("m.room.create")?.type).toBe("org.xstream.directory");
      expect(content("m.room.join_rules")?.join_rule).toBe("invite");
      expect(content("m.room.history_visibility")?.history_visibility).toBe("invited");
      // Each server with and without its port (the spec compares names without it): on one
      // machine every organisation is `localhost`, and only the invite keeps C out (below).
      expect(content("m.room.server_acl")).toEqual({
        allow: [a.serverName, "localhost", b.serverName],
        deny: [],
        allow_ip_literals: false,
      });
      expect(content("m.room.name")?.name).toBe(ORG_A);
      const power = content("m.room.power_levels") as Record<string, unknown>;
      expect(power.state_default).toBe(100);
      expect(power.events_default).toBe(100);
      expect(power.users_default).toBe(0);
      expect((await joinedMembers(a, roomA)).sort()).toEqual([bot(a), bot(b)].sort());
    },
    TEST_MS,
  );
});

describe("learners of paired organisations", () => {
  it(
    "see each other once they opt in: A's learner in the web API, B's through B's bot, with the organisation named",
    async () => {
      ana = await webLearner(a, "Ana Directory", true);
      quiet = await webLearner(a, "Quiet Directory", false);
      bob = await botLearner(b, "Bob Directory", true);

      const bobOnA = await eventually(
        async () => (await suggestionsOf(ana)).find((found) => found.user_id === bob.user.userId),
        "Bob in Ana's suggestions on A",
        FEDERATION_MS,
      );
      expect(bobOnA.organisation).toBe(ORG_B);
      expect(bobOnA.summary).toContain(`from ${ORG_B}`);
      expect(bobOnA.display_name).toBe("Bob Directory");

      const reply = await eventually(
        async () => {
          const answer = await bob.chat.say("match");
          return answer.body.includes("Ana Directory") ? answer : undefined;
        },
        "Ana in Bob's matches on B",
        FEDERATION_MS,
      );
      expect(reply.body).toContain(`from ${ORG_A}`);
      // Ana's bio and the learner who did not opt in never leave A.
      expect(reply.body).not.toContain("Quiet Directory");
      const published = (await roomState(a, roomA)).filter(
        (event) => event.type === "org.xstream.learner",
      );
      const keys = published.map((event) => event.state_key);
      expect(keys).toContain(`learner:${ana.matrix.userId}`);
      expect(keys).not.toContain(`learner:${quiet.matrix.userId}`);
      expect(JSON.stringify(published)).not.toContain("Not for partners' eyes");
      expect(await entriesHeldBy(b, a.serverName)).not.toContain(quiet.matrix.userId);
      // The opt-in is explained in the bot's help.
      expect((await bob.chat.say("help")).body).toContain("organisations on|off");
    },
    TEST_MS,
  );

  it(
    "ignores forged entries: from a user of C, from a user of A who is not A's bot, and in A's room outside the limits",
    async () => {
      const before = {
        forged: await metric(b, 'xstream_directory_entries_ignored_total{reason="forged_sender"}'),
        large: await metric(b, 'xstream_directory_entries_ignored_total{reason="too_large"}'),
        malformed: await metric(b, 'xstream_directory_entries_ignored_total{reason="malformed"}'),
      };
      const entry = {
        display_name: "Forged Learner",
        native: ["es"],
        learning: [{ language: "en", level: "B1" }],
        interests: [],
        timezone: "Europe/Madrid",
        availability: [],
        updated_at: Date.now(),
      };
      const forger = async (info: Info, name: string) => {
        const user = await matrixLearner(info, name);
        const roomId = await roomWithBot(info, user.accessToken, b, FEDERATION_MS);
        return { user, roomId };
      };
      const mallory = await forger(c, "Mallory");
      const eve = await forger(a, "Eve");
      const forge = (who: { user: MatrixUser; roomId: string }, info: Info, learner: string) =>
        matrixRequest(
          info.publicUrl,
          "PUT",
          `${roomPath(who.roomId)}/state/org.xstream.learner/${encodeURIComponent(`learner:${learner}`)}`,
          { token: who.user.accessToken, body: entry },
        );
      const ghostOfA = `@ghost:${a.serverName}`;
      await forge(mallory, c, ghostOfA);
      await forge(eve, a, eve.user.userId);
      // A's own bot (its appservice token) writing outside the limits, in A's real room.
      const put = (key: string, content: unknown) =>
        asBot(
          a,
          "PUT",
          `${roomPath(roomA)}/state/org.xstream.learner/${encodeURIComponent(key)}`,
          content,
        );
      await put(`learner:@huge:${a.serverName}`, {
        ...entry,
        interests: Array.from({ length: 5_000 }, (_, i) => `i${i}`),
      });
      await put(`learner:@nested:${a.serverName}`, {
        ...entry,
        learning: [{ language: { deeper: [[[[["en"]]]]] }, level: "B1" }],
      });
      await put(`learner:@badzone:${a.serverName}`, { ...entry, timezone: "Mars/Olympus" });

      const started = Date.now();
      await eventually(
        async () =>
          (await metric(b, 'xstream_directory_entries_ignored_total{reason="forged_sender"}')) >=
            before.forged + 2 &&
          (await metric(b, 'xstream_directory_entries_ignored_total{reason="too_large"}')) >=
            before.large + 1 &&
          (await metric(b, 'xstream_directory_entries_ignored_total{reason="malformed"}')) >=
            before.malformed + 2
            ? true
            : undefined,
        "B to count the forged and hostile entries",
        FEDERATION_MS,
      );
      const held = await entriesHeldBy(b, a.serverName);
      expect(held).toEqual([ana.matrix.userId]);
      // B's bot stays responsive throughout.
      const reply = await bob.chat.say("match");
      expect(reply.body).not.toContain("Forged Learner");
      expect(Date.now() - started).toBeLessThan(FEDERATION_MS);
    },
    TEST_MS,
  );

  it(
    "keeps everything across a restart of B's bridge: the directory is read again from room state",
    async () => {
      // What B's database held is gone; only the room state on B's homeserver remains.
      await withDatabase(b, (client) => client.query("DELETE FROM directory_entries"));
      await organisations.stacks.b.restartBridge();
      await eventually(
        async () =>
          (await entriesHeldBy(b, a.serverName)).includes(ana.matrix.userId) ? true : undefined,
        "B to rebuild A's directory",
        FEDERATION_MS,
      );
      const reply = await bob.chat.say("match");
      expect(reply.body).toContain("Ana Directory");
    },
    TEST_MS,
  );

  it(
    "removes a learner who opts out from the other side within seconds, and redacts the old entry",
    async () => {
      const entry = (await roomState(a, roomA)).find(
        (event) => event.state_key === `learner:${ana.matrix.userId}`,
      );
      expect(entry?.content.display_name).toBe("Ana Directory");
      const optedOut = Date.now();
      await setVisible(ana, false);
      await eventually(
        async () =>
          (await entriesHeldBy(b, a.serverName)).includes(ana.matrix.userId) ? undefined : true,
        "Ana to leave B's directory",
        30_000,
      );
      expect(Date.now() - optedOut).toBeLessThan(30_000);
      expect((await bob.chat.say("match")).body).not.toContain("Ana Directory");
      const cleared = (await roomState(a, roomA)).find(
        (event) => event.state_key === `learner:${ana.matrix.userId}`,
      );
      expect(cleared?.content).toEqual({});
      const old = await asBot<{ content: Record<string, unknown>; unsigned?: unknown }>(
        a,
        "GET",
        `${roomPath(roomA)}/event/${encodeURIComponent(entry?.event_id ?? "")}`,
      );
      expect(old.content).toEqual({});
      // Back in, for the tests below.
      await setVisible(ana, true);
      await eventually(
        async () =>
          (await entriesHeldBy(b, a.serverName)).includes(ana.matrix.userId) ? true : undefined,
        "Ana back in B's directory",
        30_000,
      );
    },
    TEST_MS,
  );
});

describe("an organisation that is not paired", () => {
  it(
    "never receives A's directory, even when C's bot asks to join",
    async () => {
      const cLearner = await botLearner(c, "Carol Directory", true);
      // C's bot tries by itself every few seconds; here it asks once more, explicitly.
      await expect(
        asBot(
          c,
          "POST",
          `/_matrix/client/v3/join/${encodeURIComponent(roomA)}?server_name=${encodeURIComponent(a.serverName)}`,
          {},
        ),
      ).rejects.toMatchObject({ status: 403 });
      expect(await joinedMembers(a, roomA)).not.toContain(bot(c));
      expect(await entriesHeldBy(c, a.serverName)).toEqual([]);
      await expect(roomState(c, roomA)).rejects.toMatchObject({ status: 403 });
      expect((await cLearner.chat.say("match")).body).not.toContain("Ana Directory");
      // And A never shows C's learner.
      expect((await suggestionsOf(ana)).map((found) => found.user_id)).not.toContain(
        cLearner.user.userId,
      );
    },
    TEST_MS,
  );
});

describe("unpairing", () => {
  it(
    "takes the partner's learners out of suggestions on both sides when A stops listing B",
    async () => {
      expect((await suggestionsOf(ana)).map((found) => found.user_id)).toContain(bob.user.userId);
      await organisations.stacks.a.restartBridge({ PARTNER_ORGANISATIONS: "" });
      // A: at once, from the first request after the restart.
      expect((await suggestionsOf(ana)).map((found) => found.user_id)).not.toContain(
        bob.user.userId,
      );
      // B: its bot is removed from A's room, and B forgets A's learners.
      await eventually(
        async () => ((await entriesHeldBy(b, a.serverName)).length === 0 ? true : undefined),
        "B to forget A's directory",
        FEDERATION_MS,
      );
      expect((await bob.chat.say("match")).body).not.toContain("Ana Directory");
      expect(await joinedMembers(a, roomA)).not.toContain(bot(b));
    },
    TEST_MS,
  );
});
