import { describe, expect, it, vi } from "vitest";
import { CallServiceError, requestSfuConfig } from "./sfuConfig";
import { jsonResponse, OPENID_TOKEN } from "./testing/fakeCalls";

const SERVICE = "https://chat.example.org/";
const OK = { url: "wss://sfu.example.org", jwt: "lk-jwt" };

function fetchAnswering(response: Response) {
  return vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => response);
}

const bodyOf = (fetch: ReturnType<typeof fetchAnswering>) =>
  JSON.parse(String(fetch.mock.calls[0]?.[1]?.body));

describe("requestSfuConfig", () => {
  it("asks /sfu/get for a m.call.member membership, in lk-jwt-service's body", async () => {
    const fetch = fetchAnswering(jsonResponse(200, OK));
    await expect(
      requestSfuConfig(
        fetch,
        SERVICE,
        { kind: "legacy", roomId: "!r:x", deviceId: "DEV" },
        OPENID_TOKEN,
      ),
    ).resolves.toEqual(OK);
    expect(fetch.mock.calls[0]?.[0]).toBe("https://chat.example.org/sfu/get");
    expect(fetch.mock.calls[0]?.[1]?.method).toBe("POST");
    expect(bodyOf(fetch)).toEqual({ room: "!r:x", openid_token: OPENID_TOKEN, device_id: "DEV" });
  });

  it("asks /get_token for a m.rtc.member membership (MSC4195 body)", async () => {
    const fetch = fetchAnswering(jsonResponse(200, OK));
    await requestSfuConfig(
      fetch,
      SERVICE,
      {
        kind: "member",
        roomId: "!r:x",
        slotId: "m.call#ROOM",
        member: { id: "member-uuid", userId: "@ana:x", deviceId: "DEV" },
      },
      OPENID_TOKEN,
    );
    expect(fetch.mock.calls[0]?.[0]).toBe("https://chat.example.org/get_token");
    expect(bodyOf(fetch)).toEqual({
      room_id: "!r:x",
      slot_id: "m.call#ROOM",
      openid_token: OPENID_TOKEN,
      member: { id: "member-uuid", claimed_user_id: "@ana:x", claimed_device_id: "DEV" },
    });
  });

  it("passes on the service's Matrix-style refusal", async () => {
    const fetch = fetchAnswering(
      jsonResponse(401, { errcode: "M_UNAUTHORIZED", error: "Bad token" }),
    );
    const failure = requestSfuConfig(
      fetch,
      SERVICE,
      { kind: "legacy", roomId: "!r:x", deviceId: "DEV" },
      OPENID_TOKEN,
    );
    await expect(failure).rejects.toBeInstanceOf(CallServiceError);
    await expect(failure).rejects.toMatchObject({
      status: 401,
      errcode: "M_UNAUTHORIZED",
      message: "The call service refused: Bad token",
    });
  });

  it("refuses answers without a WebSocket URL and a token", async () => {
    for (const body of [{ url: "https://sfu", jwt: "x" }, { url: "wss://sfu" }, "nope"]) {
      const fetch = fetchAnswering(jsonResponse(200, body));
      await expect(
        requestSfuConfig(
          fetch,
          SERVICE,
          { kind: "legacy", roomId: "!r:x", deviceId: "D" },
          OPENID_TOKEN,
        ),
      ).rejects.toThrow("incomplete");
    }
  });

  it("reports an unreachable service", async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    await expect(
      requestSfuConfig(
        fetch,
        SERVICE,
        { kind: "legacy", roomId: "!r:x", deviceId: "D" },
        OPENID_TOKEN,
      ),
    ).rejects.toMatchObject({ status: 0, message: "Can't reach the call service." });
  });
});
