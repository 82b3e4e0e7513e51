import { describe, expect, it, vi } from "vitest";
import { createLogger } from "../logger.js";
import { AppserviceEvents } from "./appserviceEvents.js";
import { startBot } from "./bot.js";
import type { ClientEvent } from "./events.js";
import { type HomeserverClient, HomeserverError } from "./homeserver.js";

const BOT = "@xstream:localhost";

const inviteForBot: ClientEvent = {
  type: "m.room.member",
  room_id: "!dm:localhost",
  sender: "@ana:localhost",
  event_id: "$i",
  state_key: BOT,
  content: { membership: "invite" },
};

function setup(joinRoom: HomeserverClient["joinRoom"]) {
  const events = new AppserviceEvents((error) => {
    throw error;
  });
  const sleeps: number[] = [];
  const join = vi.fn(joinRoom);
  startBot({
    events,
    homeserver: { joinRoom: join, pingHomeserver: async () => ({ durationMs: 0 }) },
    botUserId: BOT,
    logger: createLogger("silent"),
    joinRetryDelaysMs: [10, 40],
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { events, join, sleeps };
}

describe("startBot", () => {
  it("retries a failing join with backoff until it succeeds", async () => {
    let calls = 0;
    const { events, join, sleeps } = setup(async (roomId) => {
      calls++;
      if (calls < 3) throw new HomeserverError(502, undefined, "bad gateway");
      return { roomId };
    });
    events.emit("event", inviteForBot);
    await vi.waitFor(() => expect(join).toHaveBeenCalledTimes(3));
    expect(sleeps).toEqual([10, 40]);
    expect(join).toHaveBeenCalledWith("!dm:localhost");
  });

  it("gives up after the last retry without throwing", async () => {
    const { events, join } = setup(() => Promise.reject(new TypeError("fetch failed")));
    events.emit("event", inviteForBot);
    await vi.waitFor(() => expect(join).toHaveBeenCalledTimes(3));
  });

  it("does not retry when the homeserver refuses", async () => {
    const { events, join, sleeps } = setup(() =>
      Promise.reject(new HomeserverError(403, "M_FORBIDDEN", "not invited")),
    );
    events.emit("event", inviteForBot);
    await vi.waitFor(() => expect(join).toHaveBeenCalledTimes(1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(join).toHaveBeenCalledTimes(1);
    expect(sleeps).toEqual([]);
  });
});
