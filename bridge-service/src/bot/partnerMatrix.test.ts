import { describe, expect, it } from "vitest";
import type { NewPartnership, PartnerRequestView } from "../domain/partnerContext.js";
import { exchangeWidgetState } from "../domain/widgetState.js";
import {
  type CreateRoomBody,
  type HomeserverClient,
  HomeserverError,
} from "../matrix/homeserver.js";
import { createInMemorySynapseAdmin } from "../matrix/inMemorySynapseAdmin.js";
import { createInMemoryBotStore } from "../store/memory/inMemoryBotStore.js";
import { createCapturedLogger } from "../testing/capturedLogger.js";
import { testProfile } from "../testing/profiles.js";
import {
  createPartnerMatrix,
  creatorsHaveImplicitPower,
  languagesFieldValue,
} from "./partnerMatrix.js";

const BOT = "@xstream:hs";

const profile = testProfile;

const ben = profile({
  userId: "@ben:other.example",
  displayName: "Ben",
  native: ["en"],
  learning: [{ language: "es", level: "A2" }],
  timezone: "America/New_York",
});

const partnership: NewPartnership = {
  requester: profile(),
  recipient: ben,
  requesterLearns: { language: "en", level: "B1" },
  recipientLearns: { language: "es", level: "A2" },
};

const request: PartnerRequestView = {
  id: "req-1",
  requester: { userId: "@ana:hs", displayName: "Ana" },
  recipient: { userId: "@ben:other.example", displayName: "Ben" },
  status: "pending",
  createdAt: new Date(0),
  decidedAt: undefined,
};

interface Sent {
  roomId: string;
  content: Record<string, unknown>;
  txnId: string;
}

function setup(options: { roomVersion?: string; failSend?: boolean } = {}) {
  const sent: Sent[] = [];
  const created: CreateRoomBody[] = [];
  const kicked: { roomId: string; userId: string; reason: string }[] = [];
  let versionLookups = 0;
  const homeserver: HomeserverClient = {
    joinRoom: async (roomId) => ({ roomId }),
    pingHomeserver: async () => ({ durationMs: 0 }),
    async sendMessage(roomId, content, txnId) {
      if (options.failSend) throw new HomeserverError(403, "M_FORBIDDEN", "not in room");
      sent.push({ roomId, content, txnId });
      return { eventId: `$${sent.length}` };
    },
    async createRoom(body) {
      created.push(body);
      return `!room${created.length}:hs`;
    },
    async displayNameOf(userId) {
      if (userId.endsWith(":down.example")) throw new TypeError("fetch failed");
      return userId === "@ana:hs" ? "Ana" : undefined;
    },
    async defaultRoomVersion() {
      versionLookups++;
      return options.roomVersion ?? "12";
    },
    async setBotDisplayName() {},
    async kick(roomId, userId, reason) {
      kicked.push({ roomId, userId, reason });
    },
  };
  const synapseAdmin = createInMemorySynapseAdmin("hs");
  const botStore = createInMemoryBotStore();
  const { logger, records } = createCapturedLogger();
  const matrix = createPartnerMatrix({
    homeserver,
    synapseAdmin,
    botStore,
    botUserId: BOT,
    serverName: "hs",
    publicUrl: "https://xstream.example/",
    logger,
  });
  return {
    matrix,
    sent,
    created,
    kicked,
    synapseAdmin,
    botStore,
    logs: records,
    versionLookups: () => versionLookups,
  };
}

describe("createPartnerMatrix", () => {
  describe("publishProfile", () => {
    it("sets the languages and time zone fields of local users", async () => {
      const { matrix, synapseAdmin } = setup();
      await matrix.publishProfile(profile({ native: ["es", "ca"] }));
      expect(synapseAdmin.profileFields.get("@ana:hs")).toEqual({
        "org.xstream.languages": [
          { language: "es", level: "native" },
          { language: "ca", level: "native" },
          { language: "en", level: "B1" },
        ],
        "m.tz": "Europe/Madrid",
      });
    });

    it("removes the fields when the learner stops being discoverable", async () => {
      const { matrix, synapseAdmin } = setup();
      await matrix.publishProfile(profile());
      await matrix.publishProfile(profile({ discoverable: false }));
      expect(synapseAdmin.profileFields.get("@ana:hs")).toEqual({});
      expect(synapseAdmin.calls.filter((call) => call.op === "setProfileField")).toHaveLength(2);
    });

    it("never publishes a hidden learner's languages", async () => {
      const { matrix, synapseAdmin } = setup();
      await matrix.publishProfile(profile({ discoverable: false }));
      expect(synapseAdmin.calls.map((call) => call.op)).toEqual([
        "deleteProfileField",
        "deleteProfileField",
      ]);
    });

    it("leaves remote users' profiles alone", async () => {
      const { matrix, synapseAdmin } = setup();
      await matrix.publishProfile(ben);
      // A server name that merely ends like ours is not ours either.
      await matrix.publishProfile(profile({ userId: "@eve:evilhs" }));
      expect(synapseAdmin.calls).toEqual([]);
    });

    it("lets the caller see a failure, to retry", async () => {
      const { matrix, synapseAdmin } = setup();
      synapseAdmin.failNext("setProfileField");
      await expect(matrix.publishProfile(profile())).rejects.toBeInstanceOf(HomeserverError);
    });
  });

  describe("endPartnerRoom", () => {
    it("removes the blocked learner from the room with a reason", async () => {
      const { matrix, kicked } = setup();
      await matrix.endPartnerRoom("!pair:hs", "@ben:other.example");
      expect(kicked).toEqual([
        {
          roomId: "!pair:hs",
          userId: "@ben:other.example",
          reason: expect.stringMatching(/ended/),
        },
      ]);
    });
  });

  describe("createPartnerRoom", () => {
    it("creates a private direct room for both, both in charge, and welcomes them", async () => {
      const { matrix, created, sent } = setup();
      await expect(matrix.createPartnerRoom(partnership)).resolves.toBe("!room1:hs");
      expect(created).toEqual([
        {
          preset: "private_chat",
          is_direct: true,
          invite: ["@ana:hs", "@ben:other.example"],
          name: "Ana & Ben",
          topic: "Language exchange: Spanish ↔ English",
          // Room version 12: the bot created the room, so it may not be listed.
          power_level_content_override: { users: { "@ana:hs": 100, "@ben:other.example": 100 } },
          initial_state: [
            {
              type: "m.room.history_visibility",
              state_key: "",
              content: { history_visibility: "shared" },
            },
            ...exchangeWidgetState("https://xstream.example", BOT),
          ],
        },
      ]);
      // The widget is the bot's, pointing at this organisation's widget page.
      expect(created[0]?.initial_state?.[1]).toMatchObject({
        type: "im.vector.modular.widgets",
        state_key: "xstream_exchange",
        content: {
          creatorUserId: BOT,
          url: expect.stringMatching(
            /^https:\/\/xstream\.example\/widget\/exchange\?roomId=\$matrix_room_id&/,
          ),
        },
      });
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ roomId: "!room1:hs", txnId: "xstream-welcome-!room1:hs" });
      expect(sent[0]?.content).toMatchObject({
        msgtype: "m.notice",
        format: "org.matrix.custom.html",
        "m.mentions": { user_ids: ["@ana:hs", "@ben:other.example"] },
      });
      expect(sent[0]?.content.body).toMatch(
        /Ana learns English \(B1\).*Ben learns Spanish \(A2\)/s,
      );
    });

    it("keeps the bot at 100 in room versions before 12, asking the version once", async () => {
      const { matrix, created, versionLookups } = setup({ roomVersion: "10" });
      await matrix.createPartnerRoom(partnership);
      await matrix.createPartnerRoom(partnership);
      expect(created[1]?.power_level_content_override).toEqual({
        users: { "@ana:hs": 100, "@ben:other.example": 100, [BOT]: 100 },
      });
      expect(versionLookups()).toBe(1);
    });

    it("escapes display names in the welcome and shortens long ones in the room name", async () => {
      const { matrix, created, sent } = setup();
      await matrix.createPartnerRoom({
        ...partnership,
        requester: profile({ displayName: `<img src=x onerror=alert(1)>${"a".repeat(60)}` }),
      });
      expect(String(sent[0]?.content.formatted_body)).not.toContain("<img");
      expect(String(sent[0]?.content.formatted_body)).toContain("&lt;img src=x");
      expect(created[0]?.name).toBe(`<img src=x onerror=alert(1)>${"a".repeat(11)}… & Ben`);
    });

    it("returns the room even if the welcome cannot be posted", async () => {
      const { matrix, logs } = setup({ failSend: true });
      await expect(matrix.createPartnerRoom(partnership)).resolves.toBe("!room1:hs");
      expect(logs().some((log) => log.msg === "could not post the welcome message")).toBe(true);
    });
  });

  describe("telling learners", () => {
    it("tells the recipient in their DM with the bot, once per request", async () => {
      const { matrix, botStore, sent } = setup();
      await botStore.rememberDirectRoom("@ben:other.example", "!bendm:hs");
      await matrix.tellRequestReceived(request, profile());
      expect(sent).toEqual([
        expect.objectContaining({ roomId: "!bendm:hs", txnId: "xstream-request-req-1-received" }),
      ]);
      expect(sent[0]?.content.body).toBe(
        "Ana (@ana:hs) would like to practise with you: native Spanish, learning English B1.\n\nReply `accept` or `decline`.",
      );
      expect(sent[0]?.content.msgtype).toBe("m.notice");
    });

    it("tells the requester where their room is", async () => {
      const { matrix, botStore, sent } = setup();
      await botStore.rememberDirectRoom("@ana:hs", "!anadm:hs");
      await matrix.tellRequestAccepted(request, "!room9:hs");
      expect(sent[0]).toMatchObject({
        roomId: "!anadm:hs",
        txnId: "xstream-request-req-1-accepted",
      });
      expect(sent[0]?.content.body).toBe(
        "Ben (@ben:other.example) accepted. Your room is ready: open it (https://matrix.to/#/!room9:hs?via=hs).",
      );
    });

    it("does nothing for learners without a DM with the bot", async () => {
      const { matrix, sent } = setup();
      await matrix.tellRequestReceived(request, profile());
      await matrix.tellRequestAccepted(request, null);
      expect(sent).toEqual([]);
    });

    it("logs failures instead of throwing them", async () => {
      const { matrix, botStore, logs } = setup({ failSend: true });
      await botStore.rememberDirectRoom("@ana:hs", "!anadm:hs");
      await expect(matrix.tellRequestAccepted(request, "!r:hs")).resolves.toBeUndefined();
      expect(logs()).toContainEqual(
        expect.objectContaining({ level: 40, msg: "could not tell a learner through the bot" }),
      );
    });
  });

  it("looks display names up on the homeserver, treating failures as unknown", async () => {
    const { matrix } = setup();
    await expect(matrix.displayNameOf("@ana:hs")).resolves.toBe("Ana");
    await expect(matrix.displayNameOf("@nobody:hs")).resolves.toBeUndefined();
    await expect(matrix.displayNameOf("@x:down.example")).resolves.toBeUndefined();
  });
});

describe("languagesFieldValue", () => {
  it("lists native languages first", () => {
    expect(languagesFieldValue(profile())).toEqual([
      { language: "es", level: "native" },
      { language: "en", level: "B1" },
    ]);
  });
});

describe("creatorsHaveImplicitPower", () => {
  it("is true from room version 12", () => {
    expect(["1", "10", "11", "org.example.custom"].map(creatorsHaveImplicitPower)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(["12", "13", "org.matrix.hydra.11"].map(creatorsHaveImplicitPower)).toEqual([
      true,
      true,
      true,
    ]);
  });
});
