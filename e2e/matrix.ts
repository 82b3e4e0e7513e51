// A small Matrix client-server API client for tests: what Element or any other client sends,
// with nothing of our own in between.
import { createHmac, randomUUID } from "node:crypto";

export interface MatrixUser {
  userId: string;
  accessToken: string;
  deviceId: string;
}

export class MatrixError extends Error {
  constructor(
    readonly status: number,
    readonly body: { errcode?: string; error?: string },
    what: string,
  ) {
    super(`${what}: ${status} ${body.errcode ?? ""} ${body.error ?? ""}`);
  }
}

export async function matrixRequest<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.text();
  const body = text ? JSON.parse(text) : {};
  if (!response.ok) throw new MatrixError(response.status, body, `${method} ${path}`);
  return body as T;
}

/** Sends an event (a text message unless `type` says otherwise) as `token`; its event id. */
export async function sendEvent(
  baseUrl: string,
  token: string,
  roomId: string,
  content: Record<string, unknown>,
  type = "m.room.message",
): Promise<string> {
  const { event_id } = await matrixRequest<{ event_id: string }>(
    baseUrl,
    "PUT",
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${type}/${randomUUID()}`,
    { token, body: content },
  );
  return event_id;
}

/** Registers a user through Synapse's shared-secret admin registration. */
export async function registerWithSharedSecret(
  baseUrl: string,
  sharedSecret: string,
  localpart: string,
  password: string,
  admin = false,
): Promise<MatrixUser> {
  const { nonce } = await matrixRequest<{ nonce: string }>(
    baseUrl,
    "GET",
    "/_synapse/admin/v1/register",
  );
  const mac = createHmac("sha1", sharedSecret)
    .update(`${nonce}\0${localpart}\0${password}\0${admin ? "admin" : "notadmin"}`)
    .digest("hex");
  const result = await matrixRequest<{ user_id: string; access_token: string; device_id: string }>(
    baseUrl,
    "POST",
    "/_synapse/admin/v1/register",
    { body: { nonce, username: localpart, password, admin, mac } },
  );
  return { userId: result.user_id, accessToken: result.access_token, deviceId: result.device_id };
}

export async function passwordLogin(
  baseUrl: string,
  localpart: string,
  password: string,
): Promise<MatrixUser> {
  const result = await matrixRequest<{ user_id: string; access_token: string; device_id: string }>(
    baseUrl,
    "POST",
    "/_matrix/client/v3/login",
    {
      body: {
        type: "m.login.password",
        identifier: { type: "m.id.user", user: localpart },
        password,
      },
    },
  );
  return { userId: result.user_id, accessToken: result.access_token, deviceId: result.device_id };
}

export function uniqueLocalpart(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export interface SyncEvent {
  type: string;
  event_id: string;
  sender: string;
  content: Record<string, unknown>;
  state_key?: string;
}

/** Long-polls /sync until `found` returns a value for some room's timeline, or times out. */
export async function syncUntil<T>(
  baseUrl: string,
  user: MatrixUser,
  found: (roomId: string, events: SyncEvent[]) => T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let since: string | undefined;
  while (Date.now() < deadline) {
    const query = new URLSearchParams({ timeout: "2000", ...(since ? { since } : {}) });
    const sync = await matrixRequest<{
      next_batch: string;
      rooms?: { join?: Record<string, { timeline?: { events?: SyncEvent[] } }> };
    }>(baseUrl, "GET", `/_matrix/client/v3/sync?${query}`, { token: user.accessToken });
    since = sync.next_batch;
    for (const [roomId, room] of Object.entries(sync.rooms?.join ?? {})) {
      const result = found(roomId, room.timeline?.events ?? []);
      if (result !== undefined) return result;
    }
  }
  throw new Error(`${user.userId} did not see the expected event within ${timeoutMs} ms`);
}

/** Polls an async condition; for effects that happen in another process eventually. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}
