/** Calls the bridge makes to its homeserver's client-server API, as the appservice. */
export interface HomeserverClient {
  /** Joins the appservice's bot to a room it was invited to. */
  joinRoom(roomIdOrAlias: string): Promise<{ roomId: string }>;
  /**
   * Asks the homeserver to ping us back on /_matrix/app/v1/ping (spec v1.7), proving both
   * directions and both tokens work. Resolves with the round-trip time the homeserver measured.
   */
  pingHomeserver(transactionId?: string): Promise<{ durationMs: number }>;
}

/** A non-2xx answer from the homeserver, with its Matrix error code when it sent one. */
export class HomeserverError extends Error {
  readonly status: number;
  readonly errcode: string | undefined;

  constructor(status: number, errcode: string | undefined, message: string) {
    super(message);
    this.name = "HomeserverError";
    this.status = status;
    this.errcode = errcode;
  }
}

export interface HomeserverClientOptions {
  homeserverUrl: string;
  asToken: string;
  appserviceId: string;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export function createHomeserverClient({
  homeserverUrl,
  asToken,
  appserviceId,
  timeoutMs = 15_000,
  fetch = globalThis.fetch,
}: HomeserverClientOptions): HomeserverClient {
  const base = homeserverUrl.replace(/\/+$/, "");

  async function call(
    method: string,
    path: string,
    body: unknown,
  ): Promise<Record<string, unknown>> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${asToken}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const payload: unknown = await response.json().catch(() => undefined);
    const json =
      typeof payload === "object" && payload !== null ? (payload as Record<string, unknown>) : {};
    if (!response.ok) {
      const errcode = typeof json.errcode === "string" ? json.errcode : undefined;
      const detail = typeof json.error === "string" ? json.error : response.statusText;
      throw new HomeserverError(
        response.status,
        errcode,
        `${method} ${path} failed: ${response.status} ${errcode ?? ""} ${detail}`
          .replace(/\s+/g, " ")
          .trim(),
      );
    }
    return json;
  }

  return {
    async joinRoom(roomIdOrAlias) {
      const json = await call(
        "POST",
        `/_matrix/client/v3/join/${encodeURIComponent(roomIdOrAlias)}`,
        {},
      );
      return { roomId: typeof json.room_id === "string" ? json.room_id : roomIdOrAlias };
    },
    async pingHomeserver(transactionId) {
      const json = await call(
        "POST",
        `/_matrix/client/v1/appservice/${encodeURIComponent(appserviceId)}/ping`,
        transactionId === undefined ? {} : { transaction_id: transactionId },
      );
      return { durationMs: typeof json.duration_ms === "number" ? json.duration_ms : Number.NaN };
    },
  };
}
