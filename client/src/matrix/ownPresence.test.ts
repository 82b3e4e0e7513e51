import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AWAY_AFTER_MS, OwnPresence, type PageVisibility } from "./ownPresence";

/** A tab that can be hidden and shown again. */
class FakePage extends EventTarget implements PageVisibility {
  visibilityState: DocumentVisibilityState = "visible";

  set(state: DocumentVisibilityState) {
    this.visibilityState = state;
    this.dispatchEvent(new Event("visibilitychange"));
  }
}

function setUp() {
  const client = {
    setSyncPresence: vi.fn(async (_presence?: string) => {}),
    setPresence: vi.fn(async (_options: { presence: string }) => {}),
  };
  const page = new FakePage();
  const presence = new OwnPresence(client as never, page as unknown as PageVisibility);
  return { client, page, presence };
}

describe("OwnPresence", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("stays online (the sync's default) while the tab is visible", () => {
    const { client, presence } = setUp();
    presence.start();

    vi.advanceTimersByTime(AWAY_AFTER_MS * 2);

    expect(client.setSyncPresence).not.toHaveBeenCalled();
    expect(client.setPresence).not.toHaveBeenCalled();
  });

  it("goes away once the tab has been hidden for a while, and online when it is back", () => {
    const { client, page, presence } = setUp();
    presence.start();

    page.set("hidden");
    vi.advanceTimersByTime(AWAY_AFTER_MS - 1);
    expect(client.setPresence).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(client.setSyncPresence).toHaveBeenLastCalledWith("unavailable");
    expect(client.setPresence).toHaveBeenLastCalledWith({ presence: "unavailable" });

    page.set("visible");
    expect(client.setSyncPresence).toHaveBeenLastCalledWith("online");
    expect(client.setPresence).toHaveBeenLastCalledWith({ presence: "online" });
  });

  it("does not go away for a short glance at another tab", () => {
    const { client, page, presence } = setUp();
    presence.start();

    page.set("hidden");
    vi.advanceTimersByTime(AWAY_AFTER_MS / 2);
    page.set("visible");
    vi.advanceTimersByTime(AWAY_AFTER_MS);

    expect(client.setPresence).not.toHaveBeenCalled();
  });

  it("stops following the tab when stopped", () => {
    const { client, page, presence } = setUp();
    const stop = presence.start();
    page.set("hidden");

    stop();
    vi.advanceTimersByTime(AWAY_AFTER_MS);
    page.set("visible");

    expect(client.setPresence).not.toHaveBeenCalled();
  });
});
