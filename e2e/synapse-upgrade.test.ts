// Upgrading a state folder from before Synapse moved to PostgreSQL: the previous version's stack
// (Synapse on SQLite) makes users, a room, messages and a picture; the next normal start ports
// it once with synapse_port_db, and everything is still there through the client-server API.
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { SYNAPSE_DATABASE } from "../scripts/stack/postgres.ts";
import { portedSqliteFile, sqliteFile } from "../scripts/stack/synapsePort.ts";
import { removeStateDir, startTestStack, type TestStack } from "./harness.ts";
import {
  type MatrixUser,
  matrixRequest,
  passwordLogin,
  registerWithSharedSecret,
  sendEvent,
  uniqueLocalpart,
} from "./matrix.ts";
import { makePng } from "./png.ts";

interface Before {
  alice: MatrixUser & { localpart: string; password: string };
  bob: MatrixUser;
  roomId: string;
  messages: { eventId: string; body: string }[];
  mediaUri: string;
  picture: Buffer;
}

async function upload(baseUrl: string, token: string, bytes: Buffer): Promise<string> {
  const response = await fetch(`${baseUrl}/_matrix/media/v3/upload?filename=avatar.png`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "image/png" },
    body: new Uint8Array(bytes),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { content_uri: string }).content_uri;
}

/** What a learner makes on the previous version: an account, a room with a friend, a picture. */
async function makeHistory(stack: TestStack["info"]): Promise<Before> {
  const base = stack.synapseUrl;
  const secret = stack.registrationSharedSecret;
  const localpart = uniqueLocalpart("upgrade-alice");
  const password = "correct horse battery staple 1";
  const alice = await registerWithSharedSecret(base, secret, localpart, password);
  const bob = await registerWithSharedSecret(
    base,
    secret,
    uniqueLocalpart("upgrade-bob"),
    "pw-b0b!x",
  );
  await matrixRequest(
    base,
    "PUT",
    `/_matrix/client/v3/profile/${encodeURIComponent(alice.userId)}/displayname`,
    {
      token: alice.accessToken,
      body: { displayname: "Alice before the upgrade" },
    },
  );
  const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
    base,
    "POST",
    "/_matrix/client/v3/createRoom",
    { token: alice.accessToken, body: { name: "Tandem", invite: [bob.userId] } },
  );
  await matrixRequest(base, "POST", `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {
    token: bob.accessToken,
    body: {},
  });
  const picture = makePng(8, 8, 3);
  const mediaUri = await upload(base, alice.accessToken, picture);
  const messages: Before["messages"] = [];
  for (const [sender, body] of [
    [alice, "Hola Bob, ¿practicamos?"],
    [bob, "Sure — let's speak Spanish"],
    [alice, "¡Genial! 🎉"],
  ] as const) {
    messages.push({
      eventId: await sendEvent(base, sender.accessToken, roomId, { msgtype: "m.text", body }),
      body,
    });
  }
  await sendEvent(base, alice.accessToken, roomId, {
    msgtype: "m.image",
    body: "avatar.png",
    url: mediaUri,
  });
  return { alice: { ...alice, localpart, password }, bob, roomId, messages, mediaUri, picture };
}

describe("a state folder whose Synapse ran on SQLite", () => {
  const stacks: TestStack[] = [];
  let stateDir: string | undefined;

  afterAll(async () => {
    for (const stack of stacks) await stack.stop();
    if (stateDir) await removeStateDir(stateDir);
  });

  it("is ported to PostgreSQL once on the next start, keeping users, rooms, messages and media", async () => {
    stateDir = await mkdtemp(join(tmpdir(), "xstream-upgrade-"));
    const previous = await startTestStack({ stateDir, synapseOnSqlite: true, synapseWorkers: [] });
    stacks.push(previous);
    const synapseDir = join(stateDir, "synapse");
    expect(existsSync(sqliteFile(synapseDir))).toBe(true);
    const before = await makeHistory(previous.info);
    await previous.stop();
    stacks.pop();

    const upgraded = await startTestStack({ stateDir, synapseWorkers: [] });
    stacks.push(upgraded);
    const base = upgraded.info.synapseUrl;
    // The SQLite file is kept aside, not deleted; Synapse's data now lives in PostgreSQL.
    expect(existsSync(sqliteFile(synapseDir))).toBe(false);
    expect(existsSync(portedSqliteFile(synapseDir))).toBe(true);
    const superuserUrl = upgraded.running.postgresSuperuserUrl;
    if (!superuserUrl) throw new Error("the test stack runs its own PostgreSQL");
    const database = new URL(superuserUrl);
    database.pathname = `/${SYNAPSE_DATABASE}`;
    const client = new pg.Client({ connectionString: database.toString() });
    await client.connect();
    try {
      const users = await client.query<{ name: string }>("SELECT name FROM users");
      expect(users.rows.map((row) => row.name)).toEqual(
        expect.arrayContaining([before.alice.userId, before.bob.userId]),
      );
    } finally {
      await client.end();
    }

    // The old session still works, and so does the password.
    const whoami = await matrixRequest<{ user_id: string }>(
      base,
      "GET",
      "/_matrix/client/v3/account/whoami",
      {
        token: before.alice.accessToken,
      },
    );
    expect(whoami.user_id).toBe(before.alice.userId);
    const alice = await passwordLogin(base, before.alice.localpart, before.alice.password);
    const profile = await matrixRequest<{ displayname: string }>(
      base,
      "GET",
      `/_matrix/client/v3/profile/${encodeURIComponent(alice.userId)}`,
      { token: alice.accessToken },
    );
    expect(profile.displayname).toBe("Alice before the upgrade");

    // The room, its members and every message, in order.
    const joined = await matrixRequest<{ joined_rooms: string[] }>(
      base,
      "GET",
      "/_matrix/client/v3/joined_rooms",
      {
        token: before.bob.accessToken,
      },
    );
    expect(joined.joined_rooms).toContain(before.roomId);
    const { chunk } = await matrixRequest<{
      chunk: { event_id: string; type: string; content: { body?: string; url?: string } }[];
    }>(
      base,
      "GET",
      `/_matrix/client/v3/rooms/${encodeURIComponent(before.roomId)}/messages?dir=f&limit=100`,
      {
        token: alice.accessToken,
      },
    );
    const texts = chunk.filter((event) => event.type === "m.room.message");
    expect(texts.map((event) => event.event_id).slice(0, 3)).toEqual(
      before.messages.map((message) => message.eventId),
    );
    expect(texts.map((event) => event.content.body).slice(0, 3)).toEqual(
      before.messages.map((message) => message.body),
    );
    expect(texts[3]?.content.url).toBe(before.mediaUri);

    // The picture, byte for byte.
    const mediaPath = before.mediaUri.replace("mxc://", "");
    const download = await fetch(`${base}/_matrix/client/v1/media/download/${mediaPath}`, {
      headers: { authorization: `Bearer ${alice.accessToken}` },
    });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(before.picture)).toBe(true);

    // And the homeserver goes on: a new message after the upgrade reaches the room.
    const after = await sendEvent(base, before.bob.accessToken, before.roomId, {
      msgtype: "m.text",
      body: "Still here after the upgrade",
    });
    const event = await matrixRequest<{ content: { body: string } }>(
      base,
      "GET",
      `/_matrix/client/v3/rooms/${encodeURIComponent(before.roomId)}/event/${encodeURIComponent(after)}`,
      { token: alice.accessToken },
    );
    expect(event.content.body).toBe("Still here after the upgrade");
  }, 400_000);
});
