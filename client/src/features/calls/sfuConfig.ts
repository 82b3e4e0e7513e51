import type { IOpenIDToken } from "matrix-js-sdk";

/** Where to connect and the LiveKit token to connect with, from the focus's token service. */
export type SfuConfig = { url: string; jwt: string };

/**
 * A token request in one of lk-jwt-service's two shapes. Which one depends on the membership we
 * publish, because the LiveKit identity each endpoint gives must be the one every MatrixRTC client
 * derives from that membership (media and E2EE keys are matched to members by it):
 * - `legacy`: a `m.call.member` state event; identity `@user:server:DEVICE` (`POST /sfu/get`).
 * - `member`: an MSC4354 `m.rtc.member` event with a member id; identity
 *   `b64(sha256([user, device, member id]))` (`POST /get_token`, MSC4195).
 */
export type SfuTokenRequest =
  | { kind: "legacy"; roomId: string; deviceId: string }
  | {
      kind: "member";
      roomId: string;
      slotId: string;
      member: { id: string; userId: string; deviceId: string };
    };

/** The token service refused or could not be reached; `errcode` is Matrix-style. */
export class CallServiceError extends Error {
  readonly status: number;
  readonly errcode: string;

  constructor(status: number, errcode: string, message: string) {
    super(message);
    this.name = "CallServiceError";
    this.status = status;
    this.errcode = errcode;
  }
}

/** The JSON body lk-jwt-service (and our bridge) expects for a request, field for field. */
export function sfuTokenBody(request: SfuTokenRequest, openIdToken: IOpenIDToken) {
  const openid_token = {
    access_token: openIdToken.access_token,
    token_type: openIdToken.token_type,
    matrix_server_name: openIdToken.matrix_server_name,
    expires_in: openIdToken.expires_in,
  };
  if (request.kind === "legacy") {
    return { room: request.roomId, openid_token, device_id: request.deviceId };
  }
  return {
    room_id: request.roomId,
    slot_id: request.slotId,
    openid_token,
    member: {
      id: request.member.id,
      claimed_user_id: request.member.userId,
      claimed_device_id: request.member.deviceId,
    },
  };
}

export function sfuTokenPath(request: SfuTokenRequest): "/sfu/get" | "/get_token" {
  return request.kind === "legacy" ? "/sfu/get" : "/get_token";
}

/**
 * Trades an OpenID token for a LiveKit URL and JWT at the focus's token service
 * (`livekit_service_url`).
 * @throws CallServiceError
 */
export async function requestSfuConfig(
  fetchImpl: typeof fetch,
  serviceUrl: string,
  request: SfuTokenRequest,
  openIdToken: IOpenIDToken,
): Promise<SfuConfig> {
  // The service URL can come from another member's call event: trailing slashes are dropped with
  // a loop, since `/\/+$/` is quadratic on a long run of them.
  let end = serviceUrl.length;
  while (end > 0 && serviceUrl.charAt(end - 1) === "/") end--;
  const url = `${serviceUrl.slice(0, end)}${sfuTokenPath(request)}`;
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: "POST",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify(sfuTokenBody(request, openIdToken)),
    });
  } catch {
    throw new CallServiceError(0, "XS_NETWORK", "Can't reach the call service.");
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page): judged by the status below.
  }
  const fields = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  if (!response.ok) {
    throw new CallServiceError(
      response.status,
      typeof fields.errcode === "string" ? fields.errcode : "M_UNKNOWN",
      typeof fields.error === "string" && fields.error !== ""
        ? `The call service refused: ${fields.error}`
        : `The call service answered with an error (HTTP ${response.status}).`,
    );
  }
  const { url: sfuUrl, jwt } = fields;
  if (
    typeof sfuUrl !== "string" ||
    !/^wss?:\/\//.test(sfuUrl) ||
    typeof jwt !== "string" ||
    jwt === ""
  ) {
    throw new CallServiceError(
      response.status,
      "M_UNKNOWN",
      "The call service's answer was incomplete.",
    );
  }
  return { url: sfuUrl, jwt };
}
