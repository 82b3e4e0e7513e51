/** A JSON object as Synapse answers it; callers check each field's type themselves. */
export type SynapseJson = Record<string, unknown>;

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

export interface SynapseRequestOptions {
  homeserverUrl: string;
  timeoutMs: number;
  fetch: typeof globalThis.fetch;
}

/**
 * Sends one request to the homeserver. A body is sent as JSON; a token as a bearer token.
 * Resolves with the answer's JSON object ({} when it has none).
 * @throws HomeserverError when the answer is not 2xx
 */
export type SynapseRequest = (
  method: string,
  path: string,
  options?: { body?: unknown; token?: string },
) => Promise<SynapseJson>;

export function createSynapseRequest({
  homeserverUrl,
  timeoutMs,
  fetch,
}: SynapseRequestOptions): SynapseRequest {
  const base = homeserverUrl.replace(/\/+$/, "");

  return async (method, path, { body, token } = {}) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const payload: unknown = await response.json().catch(() => undefined);
    const json = typeof payload === "object" && payload !== null ? (payload as SynapseJson) : {};
    if (!response.ok) {
      const errcode = typeof json.errcode === "string" ? json.errcode : undefined;
      const detail = typeof json.error === "string" ? json.error : response.statusText;
      // The path may carry a user id, never a secret; tokens and bodies are not included.
      throw new HomeserverError(
        response.status,
        errcode,
        `${method} ${path.split("?")[0]} failed: ${response.status} ${errcode ?? ""} ${detail}`
          .replace(/\s+/g, " ")
          .trim(),
      );
    }
    return json;
  };
}
