import { act, fireEvent, render, screen, within } from "@testing-library/react";
import type { MatrixClient } from "matrix-js-sdk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Calls } from "./Calls";
import { IncomingCallPrompt } from "./IncomingCallPrompt";
import { RING_TIMEOUT_MS } from "./IncomingCalls";
import { fakeCallsClient, fakeMembership, fakeRoom } from "./testing/fakeCalls";

const ME = "@ben:x";
const ANA = "@ana:x";
const DM = "!dm:x";
const NOW = 1_700_000_000_000;

function setUp() {
  const fake = fakeCallsClient(ME, [
    fakeRoom(DM, [
      { userId: ANA, name: "Ana Lima" },
      { userId: ME, name: "Ben Okafor" },
    ]),
  ]);
  render(<IncomingCallPrompt client={fake.client as unknown as MatrixClient} />);
  const anaCalls = () =>
    act(() =>
      fake.startSession(DM, [fakeMembership({ userId: ANA, createdTs: NOW, callIntent: "video" })]),
    );
  return { ...fake, anaCalls };
}

describe("IncomingCallPrompt", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("asks to accept or decline a call from the other person of a one-to-one chat", () => {
    const { anaCalls } = setUp();
    expect(screen.queryByRole("alertdialog")).toBeNull();
    anaCalls();
    const prompt = screen.getByRole("alertdialog", { name: "Ana Lima is calling" });
    expect(prompt).toHaveAccessibleDescription("Incoming video call");
    expect(within(prompt).getByRole("button", { name: "Accept" })).toBeInTheDocument();
    expect(within(prompt).getByRole("button", { name: "Decline" })).toBeInTheDocument();
  });

  it("after 30 s without an answer, shows a missed call instead", () => {
    const { anaCalls } = setUp();
    anaCalls();
    act(() => vi.advanceTimersByTime(RING_TIMEOUT_MS));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    const missed = screen.getByRole("status");
    expect(missed).toHaveTextContent("Missed video call from Ana Lima");
    fireEvent.click(within(missed).getByRole("button", { name: "Dismiss" }));
    expect(screen.getByRole("status")).toBeEmptyDOMElement();
  });

  it("declining closes the prompt, with no missed call", () => {
    const { anaCalls } = setUp();
    anaCalls();
    fireEvent.click(screen.getByRole("button", { name: "Decline" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    act(() => vi.advanceTimersByTime(RING_TIMEOUT_MS));
    expect(screen.getByRole("status")).toBeEmptyDOMElement();
  });

  it("accepting joins the call and opens its chat", () => {
    const accept = vi.spyOn(Calls.prototype, "accept").mockResolvedValue(null);
    const { anaCalls } = setUp();
    anaCalls();
    fireEvent.click(screen.getByRole("button", { name: "Accept" }));
    expect(accept).toHaveBeenCalledOnce();
    expect(window.location.pathname).toBe(`/rooms/${encodeURIComponent(DM)}`);
  });
});
