// The MatrixRTC LiveKit token service against the real Synapse and LiveKit, called the way
// Element Call calls it: through the public origin, from another origin, with an OpenID token
// the homeserver issued.
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  eventually,
  type MatrixUser,
  matrixRequest,
  registerWithSharedSecret,
  uniqueLocalpart,
} from "./matrix.ts";

const stack = inject("stack");
const ELEMENT_CALL_ORIGIN = "https://call.element.example";
const SLOT = "m.call#ROOM";

interface OpenIdToken {
  access_token: string;
  token_type: string;
  matrix_server_name: string;
  expires_in: number;
}

interface LiveKitClaims {
  iss: string;
  sub: string;
  nbf: number;
  exp: number;
  name?: string;
  video: Record<string, unknown>;
}

/** lk-jwt-service's derivation for ASCII ids: unpadded base64 of SHA-256 of the JSON array. */
const hashed = (values: string[]) =>
  createHash("sha256").update(JSON.stringify(values)).digest("base64").replace(/=+$/, "");

function requestOpenIdToken(user: MatrixUser): Promise<OpenIdToken> {
  return matrixRequest<OpenIdToken>(
    stack.publicUrl,
    "POST",
    `/_matrix/client/v3/user/${encodeURIComponent(user.userId)}/openid/request_token`,
    { token: user.accessToken, body: {} },
  );
}

async function postToken(path: "/get_token" | "/sfu/get", body: unknown) {
  const response = await fetch(`${stack.publicUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ELEMENT_CALL_ORIGIN },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    allowOrigin: response.headers.get("access-control-allow-origin"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

function getTokenBody(
  user: MatrixUser,
  roomId: string,
  openIdToken: OpenIdToken,
  memberId = `member-${randomUUID()}`,
) {
  return {
    room_id: roomId,
    slot_id: SLOT,
    openid_token: openIdToken,
    member: { id: memberId, claimed_user_id: user.userId, claimed_device_id: user.deviceId },
  };
}

/** Verifies an HS256 JWT with LiveKit's API secret, as LiveKit does, and returns its claims. */
function verifiedClaims(jwt: string): LiveKitClaims {
  const [header = "", payload = "", signature = ""] = jwt.split(".");
  const expected = createHmac("sha256", stack.livekitApiSecret)
    .update(`${header}.${payload}`)
    .digest("base64url");
  expect(signature).toBe(expected);
  expect(JSON.parse(Buffer.from(header, "base64url").toString())).toMatchObject({ alg: "HS256" });
  return JSON.parse(Buffer.from(payload, "base64url").toString()) as LiveKitClaims;
}

/** A LiveKit server API token, signed here, for listing rooms and one room's participants. */
function liveKitAdminToken(room?: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const header = encode({ alg: "HS256", typ: "JWT" });
  const payload = encode({
    iss: stack.livekitApiKey,
    sub: "e2e-observer",
    nbf: now - 5,
    exp: now + 120,
    video: { roomList: true, ...(room === undefined ? {} : { roomAdmin: true, room }) },
  });
  const signature = createHmac("sha256", stack.livekitApiSecret)
    .update(`${header}.${payload}`)
    .digest("base64url");
  return `${header}.${payload}.${signature}`;
}

async function liveKitApi<T>(
  method: string,
  body: { room?: string; names?: string[] },
): Promise<T> {
  const response = await fetch(`${stack.livekitUrl}/twirp/livekit.RoomService/${method}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${liveKitAdminToken(body.room)}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** As LiveKit's Twirp API writes it (protobuf field names). */
interface LiveKitRoom {
  name: string;
  empty_timeout?: number;
  departure_timeout?: number;
}

async function liveKitRooms(names: string[]): Promise<LiveKitRoom[]> {
  return (await liveKitApi<{ rooms?: LiveKitRoom[] }>("ListRooms", { names })).rooms ?? [];
}

/** LiveKit's own check of a join token: what livekit-client asks when a connection fails. */
async function liveKitValidates(jwt: string): Promise<number> {
  const response = await fetch(
    `${stack.livekitUrl}/rtc/validate?access_token=${encodeURIComponent(jwt)}`,
  );
  await response.text();
  return response.status;
}

/**
 * Opens LiveKit's signalling websocket with a token, as a client joining a call does: resolves
 * with the socket once LiveKit upgrades the connection, or with the HTTP status it refused with.
 */
function openSignalling(jwt: string): Promise<{ status: number; close: () => void }> {
  const url = new URL("/rtc", stack.livekitUrl);
  url.searchParams.set("access_token", jwt);
  url.searchParams.set("protocol", "16");
  url.searchParams.set("sdk", "js");
  url.searchParams.set("auto_subscribe", "1");
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": randomBytes(16).toString("base64"),
      },
    });
    req.on("upgrade", (response, socket) => {
      socket.on("error", () => {});
      resolve({ status: response.statusCode ?? 0, close: () => socket.destroy() });
    });
    req.on("response", (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, close: () => {} });
    });
    req.on("error", reject);
    req.end();
  });
}

/** Tampers with the signature, as a forger without the API secret would have to. */
function tampered(jwt: string): string {
  const [header, payload, signature = ""] = jwt.split(".");
  const flipped = signature.startsWith("A") ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
  return `${header}.${payload}.${flipped}`;
}

/** Makes Synapse consider an OpenID token expired, as it will be an hour after issue. */
async function expireInSynapse(accessToken: string): Promise<void> {
  // Synapse checks `now <= ts_valid_until_ms` on every userinfo call and has no API to expire a
  // token early; moving its expiry into the past in its own database is the hour passing.
  const client = new pg.Client({ connectionString: stack.synapseDatabaseUrl });
  await client.connect();
  try {
    const result = await client.query(
      "UPDATE open_id_tokens SET ts_valid_until_ms = $1 WHERE token = $2",
      [Date.now() - 1_000, accessToken],
    );
    expect(result.rowCount).toBe(1);
  } finally {
    await client.end();
  }
}

async function createRoom(owner: MatrixUser, invite: MatrixUser[] = []): Promise<string> {
  const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
    stack.publicUrl,
    "POST",
    "/_matrix/client/v3/createRoom",
    {
      token: owner.accessToken,
      body: { preset: "private_chat", invite: invite.map((user) => user.userId) },
    },
  );
  for (const user of invite) {
    await matrixRequest(
      stack.publicUrl,
      "POST",
      `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
      { token: user.accessToken, body: {} },
    );
  }
  return roomId;
}

const password = `pw-${randomUUID()}`;
const register = (name: string) =>
  registerWithSharedSecret(
    stack.synapseUrl,
    stack.registrationSharedSecret,
    uniqueLocalpart(name),
    password,
  );

let ana: MatrixUser;
let ben: MatrixUser;
let outsider: MatrixUser;
let lessonRoom: string;
const openSockets: (() => void)[] = [];

beforeAll(async () => {
  [ana, ben, outsider] = await Promise.all([register("ana"), register("ben"), register("cleo")]);
  lessonRoom = await createRoom(ana, [ben]);
});

afterAll(() => {
  for (const close of openSockets) close();
});

describe("POST /get_token with a member's OpenID token", () => {
  let jwt: string;
  let url: string;
  const memberId = `member-${randomUUID()}`;

  beforeAll(async () => {
    const answer = await postToken(
      "/get_token",
      getTokenBody(ana, lessonRoom, await requestOpenIdToken(ana), memberId),
    );
    expect(answer.status).toBe(200);
    expect(answer.allowOrigin).toBe("*");
    ({ jwt, url } = answer.body as { jwt: string; url: string });
  });

  it("answers with the LiveKit URL the browser connects to", () => {
    expect(url).toBe(stack.livekitWsUrl);
  });

  it("mints a LiveKit token for the call's room and the member's identity, with call grants", () => {
    const claims = verifiedClaims(jwt);
    expect(claims.iss).toBe(stack.livekitApiKey);
    expect(claims.sub).toBe(hashed([ana.userId, ana.deviceId, memberId]));
    expect(claims.video).toEqual({
      room: hashed([lessonRoom, SLOT]),
      roomJoin: true,
      roomCreate: false,
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: true,
    });
    expect(claims.exp - claims.nbf).toBe(15 * 60);
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());
  });

  it("has created the LiveKit room, which LiveKit would not have done by itself", async () => {
    const room = hashed([lessonRoom, SLOT]);
    const [created] = await liveKitRooms([room]);
    expect(created).toMatchObject({ name: room, empty_timeout: 300, departure_timeout: 20 });

    // The same grants for a room nobody created: LiveKit (auto_create: false) knows no such room.
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const claims = verifiedClaims(jwt);
    const header = encode({ alg: "HS256", typ: "JWT" });
    const payload = encode({
      ...claims,
      video: { ...claims.video, room: `never-${randomUUID()}` },
    });
    const signature = createHmac("sha256", stack.livekitApiSecret)
      .update(`${header}.${payload}`)
      .digest("base64url");
    expect(await liveKitValidates(`${header}.${payload}.${signature}`)).toBe(404);
  });

  it("is accepted by LiveKit, and a tampered copy is refused", async () => {
    expect(await liveKitValidates(jwt)).toBe(200);
    expect(await liveKitValidates(tampered(jwt))).toBe(401);
  });

  it("lets the member join the LiveKit room over the signalling websocket", async () => {
    const refused = await openSignalling(tampered(jwt));
    expect(refused.status).toBe(401);

    const signalling = await openSignalling(jwt);
    openSockets.push(signalling.close);
    expect(signalling.status).toBe(101);
    const room = hashed([lessonRoom, SLOT]);
    const identity = hashed([ana.userId, ana.deviceId, memberId]);
    const joined = await eventually(async () => {
      const { participants = [] } = await liveKitApi<{ participants?: { identity: string }[] }>(
        "ListParticipants",
        { room },
      );
      return participants.find((participant) => participant.identity === identity);
    }, "the member to appear in the LiveKit room");
    expect(joined.identity).toBe(identity);
    signalling.close();
  });
});

describe("POST /sfu/get (legacy) with a member's OpenID token", () => {
  it("mints a token for the room's m.call#ROOM LiveKit room and the user:device identity", async () => {
    const answer = await postToken("/sfu/get", {
      room: lessonRoom,
      openid_token: await requestOpenIdToken(ben),
      device_id: ben.deviceId,
    });
    expect(answer.status).toBe(200);
    expect(answer.allowOrigin).toBe("*");
    expect(answer.body.url).toBe(stack.livekitWsUrl);
    const jwt = String(answer.body.jwt);
    const claims = verifiedClaims(jwt);
    expect(claims.sub).toBe(`${ben.userId}:${ben.deviceId}`);
    // The same LiveKit room as /get_token's for this room: both clients meet in one call.
    expect(claims.video.room).toBe(hashed([lessonRoom, SLOT]));
    expect(await liveKitValidates(jwt)).toBe(200);
  });
});

describe("refusals", () => {
  it("refuses a forged OpenID token with 401 M_UNAUTHORIZED on both endpoints", async () => {
    const forged: OpenIdToken = {
      access_token: randomBytes(18).toString("base64url"),
      token_type: "Bearer",
      matrix_server_name: stack.serverName,
      expires_in: 3600,
    };
    const current = await postToken("/get_token", getTokenBody(ana, lessonRoom, forged));
    expect([current.status, current.body.errcode]).toEqual([401, "M_UNAUTHORIZED"]);
    expect(current.allowOrigin).toBe("*");
    const legacy = await postToken("/sfu/get", {
      room: lessonRoom,
      openid_token: forged,
      device_id: ana.deviceId,
    });
    expect([legacy.status, legacy.body.errcode]).toEqual([401, "M_UNAUTHORIZED"]);
  });

  it("refuses an expired OpenID token that worked before it expired", async () => {
    const token = await requestOpenIdToken(ana);
    expect((await postToken("/get_token", getTokenBody(ana, lessonRoom, token))).status).toBe(200);
    await expireInSynapse(token.access_token);
    const expired = await postToken("/get_token", getTokenBody(ana, lessonRoom, token));
    expect([expired.status, expired.body.errcode]).toEqual([401, "M_UNAUTHORIZED"]);
    const legacy = await postToken("/sfu/get", {
      room: lessonRoom,
      openid_token: token,
      device_id: ana.deviceId,
    });
    expect([legacy.status, legacy.body.errcode]).toEqual([401, "M_UNAUTHORIZED"]);
  });

  it("refuses a token used to claim another user", async () => {
    const answer = await postToken("/get_token", {
      ...getTokenBody(ana, lessonRoom, await requestOpenIdToken(ana)),
      member: { id: "m-1", claimed_user_id: ben.userId, claimed_device_id: ben.deviceId },
    });
    expect([answer.status, answer.body.errcode]).toEqual([401, "M_UNAUTHORIZED"]);
  });

  it("refuses a user who is not joined to the room and creates no LiveKit room", async () => {
    const privateRoom = await createRoom(ana);
    const token = await requestOpenIdToken(outsider);
    const current = await postToken("/get_token", getTokenBody(outsider, privateRoom, token));
    expect([current.status, current.body.errcode]).toEqual([403, "M_FORBIDDEN"]);
    const legacy = await postToken("/sfu/get", {
      room: privateRoom,
      openid_token: token,
      device_id: outsider.deviceId,
    });
    expect([legacy.status, legacy.body.errcode]).toEqual([403, "M_FORBIDDEN"]);
    expect(await liveKitRooms([hashed([privateRoom, SLOT])])).toEqual([]);
  });

  it("counts only joined members: an invited user and one who left are refused", async () => {
    const room = await createRoom(ana, [ben]);
    await matrixRequest(
      stack.publicUrl,
      "POST",
      `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/leave`,
      { token: ben.accessToken, body: {} },
    );
    await matrixRequest(
      stack.publicUrl,
      "POST",
      `/_matrix/client/v3/rooms/${encodeURIComponent(room)}/invite`,
      { token: ana.accessToken, body: { user_id: outsider.userId } },
    );
    for (const user of [ben, outsider]) {
      const answer = await postToken(
        "/get_token",
        getTokenBody(user, room, await requestOpenIdToken(user)),
      );
      expect([answer.status, answer.body.errcode]).toEqual([403, "M_FORBIDDEN"]);
    }
    const member = await postToken(
      "/get_token",
      getTokenBody(ana, room, await requestOpenIdToken(ana)),
    );
    expect(member.status).toBe(200);
  });

  it("refuses a user of a homeserver that is not on the list", async () => {
    const claimed = { userId: "@x:other.example", deviceId: "XDEVICE", accessToken: "" };
    const token: OpenIdToken = {
      access_token: randomBytes(18).toString("base64url"),
      token_type: "Bearer",
      matrix_server_name: "other.example",
      expires_in: 3600,
    };
    const current = await postToken("/get_token", getTokenBody(claimed, lessonRoom, token));
    expect([current.status, current.body.errcode]).toEqual([403, "M_FORBIDDEN"]);
    const legacy = await postToken("/sfu/get", {
      room: lessonRoom,
      openid_token: token,
      device_id: "XDEVICE",
    });
    expect([legacy.status, legacy.body.errcode]).toEqual([403, "M_FORBIDDEN"]);
  });

  it("refuses malformed bodies with Matrix errors naming the field", async () => {
    const token = await requestOpenIdToken(ana);
    const notJson = await postToken("/get_token", "room_id=!x");
    expect([notJson.status, notJson.body.errcode]).toEqual([400, "M_NOT_JSON"]);
    const noMember = await postToken("/get_token", {
      room_id: lessonRoom,
      slot_id: SLOT,
      openid_token: token,
    });
    expect([noMember.status, noMember.body.errcode, noMember.body.field]).toEqual([
      400,
      "M_BAD_JSON",
      "member",
    ]);
    const notARoom = await postToken("/get_token", getTokenBody(ana, "lesson-room", token));
    expect([notARoom.status, notARoom.body.errcode, notARoom.body.field]).toEqual([
      400,
      "M_INVALID_PARAM",
      "room_id",
    ]);
    const legacyNoRoom = await postToken("/sfu/get", {
      openid_token: token,
      device_id: ana.deviceId,
    });
    expect([legacyNoRoom.status, legacyNoRoom.body.errcode, legacyNoRoom.body.field]).toEqual([
      400,
      "M_BAD_JSON",
      "room",
    ]);
    const legacyBadToken = await postToken("/sfu/get", {
      room: lessonRoom,
      openid_token: { ...token, matrix_server_name: 42 },
      device_id: ana.deviceId,
    });
    expect([legacyBadToken.status, legacyBadToken.body.errcode]).toEqual([400, "M_BAD_JSON"]);
  });
});

describe("browsers on other origins", () => {
  it.each(["/get_token", "/sfu/get"])("get an answer to the CORS preflight of %s", async (path) => {
    const response = await fetch(`${stack.publicUrl}${path}`, {
      method: "OPTIONS",
      headers: {
        origin: ELEMENT_CALL_ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain(
      "content-type",
    );
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("can check the token service's health at the focus URL Synapse advertises", async () => {
    const wellKnown = await matrixRequest<{
      "org.matrix.msc4143.rtc_foci": { livekit_service_url: string }[];
    }>(stack.publicUrl, "GET", "/.well-known/matrix/client");
    const focus = wellKnown["org.matrix.msc4143.rtc_foci"][0]?.livekit_service_url;
    const response = await fetch(`${focus}/healthz`);
    expect(response.status).toBe(200);
  });
});
