import { act, fireEvent, render, screen } from "@testing-library/react";
import type { MatrixClient } from "matrix-js-sdk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CallButtons } from "./CallButtons";
import { Calls } from "./Calls";
import { fakeCallsClient, fakeMembership, fakeRoom } from "./testing/fakeCalls";

const ME = "@ben:x";
const ROOM = "!club:x";

function setUp() {
  const fake = fakeCallsClient(ME, [
    fakeRoom(ROOM, [
      { userId: "@ana:x", name: "Ana Lima" },
      { userId: ME, name: "Ben Okafor" },
      { userId: "@carla:x", name: "Carla Ruiz" },
    ]),
  ]);
  render(<CallButtons client={fake.client as unknown as MatrixClient} roomId={ROOM} />);
  return fake;
}

describe("CallButtons", () => {
  let join: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    vi.stubGlobal("RTCPeerConnection", class {});
    join = vi.spyOn(Calls.prototype, "join").mockResolvedValue();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it("starts a voice or a video call when none is on", () => {
    setUp();
    fireEvent.click(screen.getByRole("button", { name: "Start voice call" }));
    expect(join).toHaveBeenLastCalledWith(ROOM, "audio");
    fireEvent.click(screen.getByRole("button", { name: "Start video call" }));
    expect(join).toHaveBeenLastCalledWith(ROOM, "video");
  });

  it("shows a call in progress, who is in it, and joins it", () => {
    const { session } = setUp();
    act(() =>
      session(ROOM).setMemberships([
        fakeMembership({ userId: "@ana:x", deviceId: "A" }),
        fakeMembership({ userId: "@carla:x", deviceId: "C" }),
      ]),
    );
    expect(screen.getByRole("status")).toHaveTextContent(
      "Call in progress · Ana Lima and Carla Ruiz are in it",
    );
    expect(screen.queryByRole("button", { name: "Start video call" })).toBeNull();
    const button = screen.getByRole("button", { name: /Join call/ });
    expect(button).toHaveAccessibleName(/^Join call\W+2 in the call$/);
    fireEvent.click(button);
    expect(join).toHaveBeenCalledWith(ROOM);

    act(() => session(ROOM).setMemberships([]));
    expect(screen.getByRole("button", { name: "Start video call" })).toBeInTheDocument();
  });

  it("cannot call from a browser without WebRTC", () => {
    vi.stubGlobal("RTCPeerConnection", undefined);
    setUp();
    expect(screen.getByRole("button", { name: "Start video call" })).toBeDisabled();
  });
});
