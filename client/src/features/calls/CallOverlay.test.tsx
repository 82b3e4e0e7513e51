import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { MatrixClient } from "matrix-js-sdk";
import { describe, expect, it, vi } from "vitest";
import { CallOverlay } from "./CallOverlay";
import { Calls, callsFor } from "./Calls";
import { fakeCallsClient, fakeMediaFactory, fakeRoom, jsonResponse } from "./testing/fakeCalls";

const ME = "@ana:x";
const ROOM = "!dm:x";

function setUp(tokenResponse = jsonResponse(200, { url: "ws://sfu", jwt: "jwt" })) {
  const fake = fakeCallsClient(ME, [
    fakeRoom(ROOM, [
      { userId: ME, name: "Ana Lima" },
      { userId: "@ben:x", name: "Ben Okafor" },
    ]),
  ]);
  fake.client._unstable_getRTCTransports.mockResolvedValue([
    { type: "livekit", livekit_service_url: "https://chat.x" },
  ]);
  const log: string[] = [];
  const { factory } = fakeMediaFactory(log);
  const client = fake.client as unknown as MatrixClient;
  const calls = callsFor(
    client,
    () =>
      new Calls({
        client,
        loadMedia: async () => factory,
        fetch: vi.fn(async () => tokenResponse),
        origin: "https://chat.x",
        ringtone: { start: vi.fn(), stop: vi.fn() },
      }),
  );
  render(<CallOverlay client={client} />);
  return { calls, log };
}

describe("CallOverlay", () => {
  it("shows the call we join over the page, as a dialog that takes the focus", async () => {
    const { calls } = setUp();
    expect(screen.queryByRole("dialog")).toBeNull();
    await act(() => calls.join(ROOM, "video"));
    const dialog = screen.getByRole("dialog", { name: "Video call · Ben Okafor" });
    expect(dialog).toHaveFocus();
    expect(screen.getByRole("figure", { name: "Ana Lima (you)" })).toBeInTheDocument();
  });

  it("shrinks to a bar on Escape, comes back, and goes away on leaving", async () => {
    const { calls } = setUp();
    await act(() => calls.join(ROOM, "video"));
    fireEvent.keyDown(screen.getByRole("dialog"), { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    const bar = screen.getByRole("complementary", { name: "Current call" });
    expect(bar).toHaveTextContent("In call · Ben Okafor");
    fireEvent.click(screen.getByRole("button", { name: "Show call" }));
    expect(screen.getByRole("dialog")).toBeInTheDocument();

    fireEvent.click(screen.getByRole("button", { name: "Leave call" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("keeps Tab inside the call like every modal, and gives the focus back on Escape", async () => {
    render(
      <button type="button" onClick={() => undefined}>
        Start call
      </button>,
    );
    const opener = screen.getByRole("button", { name: "Start call" });
    opener.focus();
    const { calls } = setUp();
    await act(() => calls.join(ROOM, "video"));
    const dialog = screen.getByRole("dialog");
    const user = userEvent.setup();

    await user.tab({ shift: true });
    const controls = within(dialog).getAllByRole("button");
    expect(controls.at(-1)).toHaveFocus();
    await user.tab();
    expect(controls[0]).toHaveFocus();

    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(opener).toHaveFocus();
  });

  it("says why a call could not be joined", async () => {
    const { calls } = setUp(jsonResponse(502, { errcode: "M_UNKNOWN", error: "LiveKit is down" }));
    await act(() => calls.join(ROOM, "audio"));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByRole("alert")).toHaveTextContent(
      "Couldn't join the call: The call service refused: LiveKit is down",
    );
    fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
