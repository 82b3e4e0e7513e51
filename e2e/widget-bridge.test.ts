// The Xstream widget's bridge side against the real stack: the bot puts the widget (and its
// place in Element's right panel) in the partner room it creates, the panel's API answers a
// member's real OpenID token with both partners' languages and refuses everyone else, and
// partner rooms from before the widget get it once when bridges start, two at a time.
import {
  EXCHANGE_WIDGET_ID,
  EXCHANGE_WIDGET_PATH,
  PRACTICE_TIMER_EVENT_TYPE,
} from "@xstream/contract";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { useBridgeDatabase } from "./database.ts";
import { type ExtraBridge, withExtraBridge } from "./extra-bridge.ts";
import { type Learner, signUpLearner } from "./learners.ts";
import { eventually, type MatrixUser, matrixRequest, type SyncEvent } from "./matrix.ts";
import { joinedPartnerRoom } from "./partner-room.ts";

const stack = inject("stack");
const db = useBridgeDatabase();
const BOT = `@xstream:${stack.serverName}`;
const WIDGET_TYPE = "im.vector.modular.widgets";
const LAYOUT_TYPE = "io.element.widgets.layout";

interface OpenIdToken {
  access_token: string;
  token_type: string;
  matrix_server_name: string;
  expires_in: number;
}

const roomPath = (roomId: string) => `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}`;

/** A learner's OpenID token from their homeserver, as matrix-widget-api gets one for a widget. */
function openIdToken(user: MatrixUser): Promise<OpenIdToken> {
  return matrixRequest<OpenIdToken>(
    stack.publicUrl,
    "POST",
    `/_matrix/client/v3/user/${encodeURIComponent(user.userId)}/openid/request_token`,
    { token: user.accessToken, body: {} },
  );
}

/** POST /api/widget/exchange from the widget page's origin (the client's). */
async function askExchange(roomId: string, openid: unknown) {
  const response = await fetch(`${stack.publicUrl}/api/widget/exchange`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: stack.publicUrl },
    body: JSON.stringify({ room_id: roomId, openid }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function stateEvent(user: MatrixUser, roomId: string, type: string, stateKey: string) {
  const events = await matrixRequest<SyncEvent[]>(
    stack.publicUrl,
    "GET",
    `${roomPath(roomId)}/state`,
    { token: user.accessToken },
  );
  return events.find((event) => event.type === type && event.state_key === stateKey);
}

/** Every version of the widget's state event in the room's timeline, oldest first. */
async function widgetEvents(user: MatrixUser, roomId: string) {
  const { chunk } = await matrixRequest<{ chunk: SyncEvent[] }>(
    stack.publicUrl,
    "GET",
    `${roomPath(roomId)}/messages?dir=b&limit=200`,
    { token: user.accessToken },
  );
  return chunk
    .filter((event) => event.type === WIDGET_TYPE && event.state_key === EXCHANGE_WIDGET_ID)
    .reverse();
}

function profile(native: string, learning: string, level: string) {
  return {
    native: [native],
    learning: [{ language: learning, level }],
    interests: [],
    timezone: "Europe/Dublin",
    availability: [],
    bio: "",
    discoverable: true,
  };
}

/** A bridge replica that does Matrix work (unlike withExtraBridge's default): a bridge start. */
const startBridge = <T>(use: (bridge: ExtraBridge) => Promise<T>) =>
  withExtraBridge(stack, { HOMESERVER_URL: stack.synapseUrl }, use);

async function backfillDone(roomId: string): Promise<true | undefined> {
  const { rows } = await db().query<{ added_at: Date | null }>(
    "SELECT added_at FROM partner_room_widget_backfill WHERE room_id = $1",
    [roomId],
  );
  return rows[0]?.added_at ? true : undefined;
}

describe("the Xstream widget, bridge side", () => {
  // Scottish Gaelic and Maltese: no other test matches these learners.
  let ana: Learner;
  let ben: Learner;
  let eve: Learner;
  let roomId: string;

  beforeAll(async () => {
    [ana, ben, eve] = await Promise.all([
      signUpLearner(stack, "Ana Widget"),
      signUpLearner(stack, "Ben Widget"),
      signUpLearner(stack, "Eve Widget"),
    ]);
    const saved = await Promise.all([
      ana.session.request("PUT", "/api/profile", profile("gd", "mt", "B1")),
      ben.session.request("PUT", "/api/profile", profile("mt", "gd", "A2")),
      eve.session.request("PUT", "/api/profile", profile("mt", "gd", "C1")),
    ]);
    for (const response of saved) expect(response.status, JSON.stringify(response.body)).toBe(200);
    roomId = await joinedPartnerRoom(stack, ana, ben);
  }, 120_000);

  it("puts the widget in the new partner room, in Element's right panel, and lets partners set the timer", async () => {
    const widget = await stateEvent(ana.matrix, roomId, WIDGET_TYPE, EXCHANGE_WIDGET_ID);
    expect(widget?.sender).toBe(BOT);
    expect(widget?.content).toMatchObject({
      type: "m.custom",
      name: "Xstream",
      id: EXCHANGE_WIDGET_ID,
      creatorUserId: BOT,
      waitForIframeLoad: false,
    });
    const url = String(widget?.content.url);
    expect(url.startsWith(`${stack.publicUrl}${EXCHANGE_WIDGET_PATH}?`)).toBe(true);
    expect(url).toContain("roomId=$matrix_room_id");
    expect(url).toContain("userId=$matrix_user_id");
    const layout = await stateEvent(ana.matrix, roomId, LAYOUT_TYPE, "");
    expect(layout?.content).toEqual({ widgets: { [EXCHANGE_WIDGET_ID]: { container: "right" } } });

    const timer = { languages: ["gd", "mt"], minutes: 10, started_at: Date.now() };
    await matrixRequest(
      stack.publicUrl,
      "PUT",
      `${roomPath(roomId)}/state/${PRACTICE_TIMER_EVENT_TYPE}/`,
      { token: ben.matrix.accessToken, body: timer },
    );
    expect((await stateEvent(ana.matrix, roomId, PRACTICE_TIMER_EVENT_TYPE, ""))?.content).toEqual(
      timer,
    );
  });

  it("answers a member's OpenID token with both partners' languages", async () => {
    const res = await askExchange(roomId, await openIdToken(ana.matrix));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      viewer: {
        user_id: ana.matrix.userId,
        display_name: "Ana Widget",
        native: ["gd"],
        learning: [{ language: "mt", level: "B1" }],
        organisation: null,
      },
      partner: {
        user_id: ben.matrix.userId,
        display_name: "Ben Widget",
        native: ["mt"],
        learning: [{ language: "gd", level: "A2" }],
        organisation: null,
      },
    });
    // The other partner sees the same room from their side.
    const fromBen = await askExchange(roomId, await openIdToken(ben.matrix));
    expect(fromBen.body).toMatchObject({
      viewer: { user_id: ben.matrix.userId },
      partner: { user_id: ana.matrix.userId },
    });
  });

  it("refuses a non-member with 403, as for a room that does not exist, and a garbage token with 401", async () => {
    const eveToken = await openIdToken(eve.matrix);
    const notMember = await askExchange(roomId, eveToken);
    expect(notMember).toEqual({
      status: 403,
      body: { errcode: "M_FORBIDDEN", error: "You are not joined to this room." },
    });
    const noRoom = await askExchange(`!nosuchroom:${stack.serverName}`, eveToken);
    expect(noRoom).toEqual(notMember);

    const garbage = await askExchange(roomId, { ...eveToken, access_token: "garbage" });
    expect([garbage.status, garbage.body.errcode]).toEqual([401, "M_UNKNOWN_TOKEN"]);
    const malformed = await askExchange(roomId, { access_token: 42 });
    expect([malformed.status, malformed.body.errcode]).toEqual([400, "M_BAD_JSON"]);
  });

  it("gives a partner room from before the widget the widget once, with two bridges starting together", async () => {
    // A room as the bot made them before the widget: none in it, and listed for the once-pass as
    // the migration lists every partner room it finds.
    await matrixRequest(
      stack.publicUrl,
      "PUT",
      `${roomPath(roomId)}/state/${WIDGET_TYPE}/${EXCHANGE_WIDGET_ID}`,
      { token: ana.matrix.accessToken, body: {} },
    );
    expect(
      (await stateEvent(ana.matrix, roomId, WIDGET_TYPE, EXCHANGE_WIDGET_ID))?.content,
    ).toEqual({});
    await db().query("INSERT INTO partner_room_widget_backfill (room_id) VALUES ($1)", [roomId]);

    await Promise.all([
      startBridge(() => eventually(() => backfillDone(roomId), "the once-pass", 60_000)),
      startBridge(() => eventually(() => backfillDone(roomId), "the once-pass", 60_000)),
    ]);
    const restored = await stateEvent(ana.matrix, roomId, WIDGET_TYPE, EXCHANGE_WIDGET_ID);
    expect(restored?.sender).toBe(BOT);
    expect(restored?.content).toMatchObject({ type: "m.custom", creatorUserId: BOT });
    // Created with it, removed, added back: exactly one write by the two bridges.
    expect(await widgetEvents(ana.matrix, roomId)).toHaveLength(3);

    // Listed again (a crash before striking it off): the next start sees it is there and writes
    // nothing.
    await db().query(
      "UPDATE partner_room_widget_backfill SET added_at = NULL, claimed_at = NULL WHERE room_id = $1",
      [roomId],
    );
    await startBridge(() => eventually(() => backfillDone(roomId), "the second once-pass", 60_000));
    const events = await widgetEvents(ana.matrix, roomId);
    expect(events).toHaveLength(3);
    expect(events.at(-1)?.event_id).toBe(restored?.event_id);
  }, 180_000);
});
