import { describe, expect, it, vi } from "vitest";
import { discoverLivekitFocus, livekitFocusFromWellKnown, NoCallServiceError } from "./focus";
import { jsonResponse } from "./testing/fakeCalls";

const ORIGIN = "https://chat.example.org";
const FOCUS = { type: "livekit", livekit_service_url: "https://chat.example.org" };

describe("livekitFocusFromWellKnown", () => {
  it("takes the first LiveKit focus of org.matrix.msc4143.rtc_foci", () => {
    expect(
      livekitFocusFromWellKnown({
        "m.homeserver": { base_url: ORIGIN },
        "org.matrix.msc4143.rtc_foci": [
          { type: "nextgen-sfu", url: "https://x" },
          { type: "livekit", livekit_service_url: "not a url" },
          FOCUS,
        ],
      }),
    ).toEqual(FOCUS);
  });

  it("finds none in bodies without foci", () => {
    expect(livekitFocusFromWellKnown({ "m.homeserver": { base_url: ORIGIN } })).toBeNull();
    expect(livekitFocusFromWellKnown(null)).toBeNull();
    expect(livekitFocusFromWellKnown({ "org.matrix.msc4143.rtc_foci": "livekit" })).toBeNull();
  });
});

describe("discoverLivekitFocus", () => {
  it("asks the homeserver's rtc/transports first", async () => {
    const fetch = vi.fn();
    const client = { _unstable_getRTCTransports: vi.fn(async () => [FOCUS]) };
    await expect(discoverLivekitFocus({ client, fetch, origin: ORIGIN })).resolves.toEqual(FOCUS);
    expect(fetch).not.toHaveBeenCalled();
  });

  it("falls back to .well-known when the homeserver has no transports endpoint", async () => {
    const fetch = vi.fn(async () => jsonResponse(200, { "org.matrix.msc4143.rtc_foci": [FOCUS] }));
    const client = {
      _unstable_getRTCTransports: vi.fn(async () => {
        throw new Error("M_UNRECOGNIZED");
      }),
    };
    await expect(discoverLivekitFocus({ client, fetch, origin: ORIGIN })).resolves.toEqual(FOCUS);
    expect(fetch).toHaveBeenCalledWith(`${ORIGIN}/.well-known/matrix/client`, expect.anything());
  });

  it("says there is no call service when neither names one", async () => {
    const fetch = vi.fn(async () => jsonResponse(404, {}));
    const client = { _unstable_getRTCTransports: vi.fn(async () => []) };
    await expect(discoverLivekitFocus({ client, fetch, origin: ORIGIN })).rejects.toBeInstanceOf(
      NoCallServiceError,
    );
  });
});
