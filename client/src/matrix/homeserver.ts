import { ApiError, errorFromResponse, networkError } from "../api/ApiError";

/** What a successful Matrix `/login` gives back. */
export type MatrixCredentials = {
  userId: string;
  deviceId: string;
  accessToken: string;
};

/**
 * The homeserver's client-server API base URL from `/.well-known/matrix/client` on `origin`
 * (Matrix server discovery), or null when there is none. Discovery failing is normal in
 * development, so it never throws.
 */
export async function discoverHomeserver(
  fetchImpl: typeof fetch,
  origin: string,
): Promise<string | null> {
  try {
    const response = await fetchImpl(`${origin}/.well-known/matrix/client`, {
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return null;
    const body: unknown = await response.json();
    const baseUrl = (body as { "m.homeserver"?: { base_url?: unknown } })?.["m.homeserver"]
      ?.base_url;
    if (typeof baseUrl === "string" && URL.canParse(baseUrl)) return withoutTrailingSlash(baseUrl);
  } catch {
    // Unreachable or not JSON: no answer.
  }
  return null;
}

/**
 * Exchanges the bridge's single-use JWT for a Matrix access token (`org.matrix.login.jwt`),
 * reusing the device the bridge assigned to this browser session so reloads do not pile up
 * devices. A plain fetch, so signing in does not need the SDK to have loaded yet.
 */
export async function loginWithJwt(
  fetchImpl: typeof fetch,
  baseUrl: string,
  grant: { token: string; device_id: string },
): Promise<MatrixCredentials> {
  let response: Response;
  try {
    response = await fetchImpl(`${baseUrl}/_matrix/client/v3/login`, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({
        type: "org.matrix.login.jwt",
        token: grant.token,
        device_id: grant.device_id,
        initial_device_display_name: "Xstream web",
      }),
    });
  } catch (error) {
    throw networkError(error);
  }
  if (!response.ok) throw await errorFromResponse(response);
  const body = (await response.json()) as {
    user_id?: unknown;
    device_id?: unknown;
    access_token?: unknown;
  };
  if (
    typeof body.user_id !== "string" ||
    typeof body.access_token !== "string" ||
    typeof body.device_id !== "string"
  ) {
    throw new ApiError({
      status: response.status,
      errcode: "M_UNKNOWN",
      message: "The homeserver's login answer was incomplete.",
    });
  }
  return { userId: body.user_id, deviceId: body.device_id, accessToken: body.access_token };
}

export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
