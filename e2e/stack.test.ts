// The foundation against the real parts: Synapse, PostgreSQL, LiveKit and bridge-service, all
// reached the way users and other servers reach them.
import { createHmac, randomUUID } from "node:crypto";
import pg from "pg";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { useBridgeDatabase } from "./database.ts";
import {
  eventually,
  type MatrixUser,
  matrixRequest,
  registerWithSharedSecret,
  syncUntil,
  uniqueLocalpart,
} from "./matrix.ts";

const stack = inject("stack");
const botUserId = `@xstream:${stack.serverName}`;
const db = useBridgeDatabase();

describe("the web origin", () => {
  it("serves the client page", async () => {
    const response = await fetch(stack.publicUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain("<title>Xstream");
  });

  it("proxies Synapse's client API, which offers password and JWT login", async () => {
    const versions = await matrixRequest<{ versions: string[] }>(
      stack.publicUrl,
      "GET",
      "/_matrix/client/versions",
    );
    expect(versions.versions).toContain("v1.11");
    const login = await matrixRequest<{ flows: { type: string }[] }>(
      stack.publicUrl,
      "GET",
      "/_matrix/client/v3/login",
    );
    const types = login.flows.map((flow) => flow.type);
    expect(types).toContain("org.matrix.login.jwt");
    expect(types).toContain("m.login.password");
  });

  it("names the homeserver and the MatrixRTC focus in .well-known", async () => {
    const wellKnown = await matrixRequest<{
      "m.homeserver": { base_url: string };
      "org.matrix.msc4143.rtc_foci": { type: string; livekit_service_url: string }[];
    }>(stack.publicUrl, "GET", "/.well-known/matrix/client");
    expect(wellKnown["m.homeserver"].base_url.replace(/\/$/, "")).toBe(stack.publicUrl);
    expect(wellKnown["org.matrix.msc4143.rtc_foci"]).toEqual([
      { type: "livekit", livekit_service_url: stack.publicUrl },
    ]);
  });

  it("proxies the bridge's health check, which checks its database", async () => {
    const response = await fetch(`${stack.publicUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("does not expose Synapse's admin API", async () => {
    const response = await fetch(`${stack.publicUrl}/_synapse/admin/v1/register`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ errcode: "M_NOT_FOUND" });
  });

  it("answers unknown API paths with a Matrix-style error", async () => {
    const response = await fetch(`${stack.publicUrl}/api/no-such-thing`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ errcode: "M_UNRECOGNIZED" });
  });
});

describe("LiveKit", () => {
  function livekitAdminToken(): string {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const header = encode({ alg: "HS256", typ: "JWT" });
    const payload = encode({
      iss: stack.livekitApiKey,
      sub: "e2e",
      nbf: now - 5,
      exp: now + 60,
      video: { roomList: true, roomCreate: true },
    });
    const signature = createHmac("sha256", stack.livekitApiSecret)
      .update(`${header}.${payload}`)
      .digest("base64url");
    return `${header}.${payload}.${signature}`;
  }

  async function roomService(method: string, body: object, token: string) {
    return fetch(`${stack.livekitUrl}/twirp/livekit.RoomService/${method}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  it("answers on its port", async () => {
    const response = await fetch(`${stack.livekitUrl}/`);
    expect(response.status).toBe(200);
  });

  it("accepts the generated API key and refuses a forged one", async () => {
    const listed = await roomService("ListRooms", {}, livekitAdminToken());
    expect(listed.status).toBe(200);
    expect(await listed.json()).toHaveProperty("rooms");
    const forged = await roomService("ListRooms", {}, `${livekitAdminToken()}x`);
    expect(forged.status).toBe(401);
  });
});

describe("Synapse's database", () => {
  it("was made whole before Synapse served: no background update is left to run", async () => {
    // Run by the homeserver instead, the new schema's updates go on for over a minute, and one of
    // them empties the user directory while it rebuilds it: people search then finds no one.
    const client = new pg.Client({ connectionString: stack.synapseDatabaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT update_name FROM background_updates");
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  });
});

describe("Matrix through Synapse and the appservice", () => {
  const password = `pw-${randomUUID()}`;
  let alice: MatrixUser;
  let bob: MatrixUser;

  beforeAll(async () => {
    // Shared-secret registration is an admin API: only Synapse's own port has it, not the edge.
    alice = await registerWithSharedSecret(
      stack.synapseUrl,
      stack.registrationSharedSecret,
      uniqueLocalpart("alice"),
      password,
    );
    bob = await registerWithSharedSecret(
      stack.synapseUrl,
      stack.registrationSharedSecret,
      uniqueLocalpart("bob"),
      password,
    );
  });

  it("registers two users through the shared secret", async () => {
    const whoami = await matrixRequest<{ user_id: string }>(
      stack.publicUrl,
      "GET",
      "/_matrix/client/v3/account/whoami",
      { token: bob.accessToken },
    );
    expect(whoami.user_id).toBe(bob.userId);
    expect(alice.userId).not.toBe(bob.userId);
  });

  it("delivers A's message to B, and to the bridge in an appservice transaction", async () => {
    const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
      stack.publicUrl,
      "POST",
      "/_matrix/client/v3/createRoom",
      {
        token: alice.accessToken,
        body: { preset: "private_chat", invite: [bob.userId, botUserId] },
      },
    );
    await matrixRequest(
      stack.publicUrl,
      "POST",
      `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
      {
        token: bob.accessToken,
        body: {},
      },
    );

    // The bot joins by itself: the invite reached the bridge in a transaction.
    await eventually(async () => {
      const { joined } = await matrixRequest<{ joined: Record<string, unknown> }>(
        stack.publicUrl,
        "GET",
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`,
        { token: alice.accessToken },
      );
      return botUserId in joined ? true : undefined;
    }, "the bot to join the room");

    const text = `hola ${randomUUID()}`;
    const { event_id: eventId } = await matrixRequest<{ event_id: string }>(
      stack.publicUrl,
      "PUT",
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${randomUUID()}`,
      { token: alice.accessToken, body: { msgtype: "m.text", body: text } },
    );

    const seenByBob = await syncUntil(stack.publicUrl, bob, (room, events) =>
      room === roomId ? events.find((event) => event.event_id === eventId) : undefined,
    );
    expect(seenByBob.sender).toBe(alice.userId);
    expect(seenByBob.content.body).toBe(text);

    const activity = await eventually(async () => {
      const result = await db().query<{ last_event_id: string }>(
        "SELECT last_event_id FROM user_activity WHERE user_id = $1",
        [alice.userId],
      );
      return result.rows[0]?.last_event_id === eventId ? result.rows[0] : undefined;
    }, "the bridge to record the message");
    expect(activity.last_event_id).toBe(eventId);
  });

  it("lets Synapse ping the bridge with the right hs_token", async () => {
    const result = await matrixRequest<{ duration_ms: number }>(
      stack.publicUrl,
      "POST",
      "/_matrix/client/v1/appservice/xstream/ping",
      { token: stack.asToken, body: { transaction_id: randomUUID() } },
    );
    expect(result.duration_ms).toBeGreaterThanOrEqual(0);
  });
});

describe("the appservice endpoint", () => {
  const transactionsUrl = (txnId: string) =>
    `${stack.bridgeUrl}/_matrix/app/v1/transactions/${encodeURIComponent(txnId)}`;
  const put = (txnId: string, token: string | undefined, body: unknown) =>
    fetch(transactionsUrl(txnId), {
      method: "PUT",
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });

  it("refuses a transaction with a wrong hs_token and records nothing", async () => {
    const txnId = `wrong-${randomUUID()}`;
    const response = await put(txnId, `${stack.hsToken}x`, { events: [] });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ errcode: "M_FORBIDDEN" });
    const rows = await db().query("SELECT 1 FROM appservice_transactions WHERE txn_id = $1", [
      txnId,
    ]);
    expect(rows.rowCount).toBe(0);
  });

  it("refuses a transaction without a token", async () => {
    const response = await put(`none-${randomUUID()}`, undefined, { events: [] });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ errcode: "M_UNAUTHORIZED" });
  });

  it("applies a transaction delivered twice only once", async () => {
    const txnId = `dup-${randomUUID()}`;
    const sender = `@carol-${randomUUID().slice(0, 8)}:${stack.serverName}`;
    const event = (eventId: string, ts: number) => ({
      type: "m.room.message",
      room_id: "!room:localhost",
      sender,
      event_id: eventId,
      origin_server_ts: ts,
      content: { msgtype: "m.text", body: "hi" },
    });
    const first = await put(txnId, stack.hsToken, { events: [event("$first", Date.now())] });
    expect(first.status).toBe(200);
    // Same txnId, different content: a replay must not be applied again.
    const replay = await put(txnId, stack.hsToken, {
      events: [event("$replay", Date.now() + 1000)],
    });
    expect(replay.status).toBe(200);
    const activity = await db().query(
      "SELECT last_event_id FROM user_activity WHERE user_id = $1",
      [sender],
    );
    expect(activity.rows).toEqual([{ last_event_id: "$first" }]);
    const txns = await db().query(
      "SELECT event_count FROM appservice_transactions WHERE txn_id = $1",
      [txnId],
    );
    expect(txns.rows).toEqual([{ event_count: 1 }]);
  });

  it("dates remote messages no later than their arrival, whatever timestamp they carry", async () => {
    const tag = randomUUID().slice(0, 8);
    const cases = {
      // From the future: would pin its sender to the top of "recently active".
      future: Date.parse("2099-01-01T00:00:00Z"),
      // Valid canonical JSON, but past JavaScript's (and PostgreSQL's) last date.
      beyond: 2 ** 53,
      // Before PostgreSQL's first date.
      ancient: -(2 ** 53),
    };
    const events = Object.entries(cases).map(([name, ts]) => ({
      type: "m.room.message",
      room_id: "!Hn9Qs5YkQsfvGXfNcqxbUWzAhJwSzhmaQDBeEYFa-_Q",
      sender: `@${name}-${tag}:remote.example`,
      event_id: `$${name}-${tag}:remote.example`,
      origin_server_ts: ts,
      content: { msgtype: "m.text", body: "hi" },
    }));
    const before = Date.now();
    const response = await put(`clock-${tag}`, stack.hsToken, { events });
    const after = Date.now();
    expect(response.status).toBe(200);
    const { rows } = await db().query<{ user_id: string; at: Date }>(
      "SELECT user_id, last_active_at AS at FROM user_activity WHERE user_id LIKE $1",
      [`%-${tag}:remote.example`],
    );
    const at = Object.fromEntries(rows.map((row) => [row.user_id.split("-")[0], row.at]));
    for (const name of ["@future", "@beyond"]) {
      expect(at[name]?.getTime()).toBeGreaterThanOrEqual(before - 1);
      expect(at[name]?.getTime()).toBeLessThanOrEqual(after + 1);
    }
    expect(at["@ancient"]).toEqual(new Date(0));
  });
});
