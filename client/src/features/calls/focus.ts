import type { MatrixClient } from "matrix-js-sdk";

/**
 * A LiveKit SFU behind a MatrixRTC token service (MSC4143 "focus" or "transport"): the service's
 * base URL, where `/sfu/get` and `/get_token` are.
 */
export type LivekitFocus = { type: "livekit"; livekit_service_url: string };

export function isLivekitFocus(value: unknown): value is LivekitFocus {
  if (!value || typeof value !== "object") return false;
  const focus = value as { type?: unknown; livekit_service_url?: unknown };
  return (
    focus.type === "livekit" &&
    typeof focus.livekit_service_url === "string" &&
    URL.canParse(focus.livekit_service_url)
  );
}

/** The first LiveKit focus in a list of transports or foci, if any. */
export function firstLivekitFocus(list: unknown): LivekitFocus | null {
  if (!Array.isArray(list)) return null;
  const found = list.find(isLivekitFocus);
  return found ? { type: "livekit", livekit_service_url: found.livekit_service_url } : null;
}

/** The focus a `/.well-known/matrix/client` body advertises (`org.matrix.msc4143.rtc_foci`). */
export function livekitFocusFromWellKnown(body: unknown): LivekitFocus | null {
  if (!body || typeof body !== "object") return null;
  return firstLivekitFocus((body as Record<string, unknown>)["org.matrix.msc4143.rtc_foci"]);
}

export class NoCallServiceError extends Error {
  constructor() {
    super("This server has no call service set up (no MatrixRTC LiveKit focus is advertised).");
    this.name = "NoCallServiceError";
  }
}

export type FocusDiscovery = {
  client: Pick<MatrixClient, "_unstable_getRTCTransports">;
  fetch: typeof fetch;
  /** Where `/.well-known/matrix/client` is: the origin the app came from. */
  origin: string;
};

/**
 * Our homeserver's LiveKit focus: from its MSC4143 `rtc/transports` endpoint (Synapse's
 * `matrix_rtc.transports`), else from `.well-known` `org.matrix.msc4143.rtc_foci`, the two places
 * Element Call looks too.
 * @throws NoCallServiceError when neither names one.
 */
export async function discoverLivekitFocus({
  client,
  fetch: fetchImpl,
  origin,
}: FocusDiscovery): Promise<LivekitFocus> {
  try {
    const focus = firstLivekitFocus(await client._unstable_getRTCTransports());
    if (focus) return focus;
  } catch {
    // Not supported (older homeservers answer 404): the well-known may still name one.
  }
  try {
    const response = await fetchImpl(`${origin}/.well-known/matrix/client`, {
      headers: { Accept: "application/json" },
    });
    if (response.ok) {
      const focus = livekitFocusFromWellKnown(await response.json());
      if (focus) return focus;
    }
  } catch {
    // Unreachable or not JSON: no focus from here either.
  }
  throw new NoCallServiceError();
}
