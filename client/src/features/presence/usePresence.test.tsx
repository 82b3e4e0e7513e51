import { act, render, screen } from "@testing-library/react";
import type { MatrixClient } from "matrix-js-sdk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeMatrixClient } from "../../test/fakeMatrixSdk";
import { PresenceAvatar } from "./PresenceAvatar";
import { usePresence } from "./usePresence";

const BOB = "@bob:example.org";

function Partner({ client }: { client: ReturnType<typeof fakeMatrixClient> }) {
  const presence = usePresence(client as unknown as MatrixClient, BOB);
  return (
    <p>
      <PresenceAvatar name="Bob Silva" presence={presence?.state ?? null} />
      <span data-testid="label">{presence?.label ?? "unknown"}</span>
    </p>
  );
}

describe("usePresence", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2025, 0, 6, 12, 0) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("follows presence updates for that person only, and lets the label age", () => {
    const client = fakeMatrixClient();
    render(<Partner client={client} />);
    const label = () => screen.getByTestId("label").textContent;
    expect(label()).toBe("unknown");

    act(() =>
      client.setPresenceOf(BOB, {
        presence: "offline",
        lastPresenceTs: Date.now(),
        lastActiveAgo: 60_000,
      }),
    );
    expect(label()).toBe("Active 1 min ago");
    expect(document.querySelector(".presence-dot--offline")).not.toBeNull();

    act(() => client.setPresenceOf("@carl:example.org", { presence: "online", lastPresenceTs: 1 }));
    expect(label()).toBe("Active 1 min ago");

    act(() => vi.advanceTimersByTime(5 * 60_000));
    expect(label()).toBe("Active 6 min ago");

    act(() =>
      client.setPresenceOf(BOB, {
        presence: "online",
        currentlyActive: true,
        lastPresenceTs: Date.now(),
        lastActiveAgo: 0,
      }),
    );
    expect(label()).toBe("Online");
    expect(document.querySelector(".presence-dot--online")).not.toBeNull();
  });

  it("stops listening when unmounted", () => {
    const client = fakeMatrixClient();
    const { unmount } = render(<Partner client={client} />);
    expect(client.listenerCount()).toBeGreaterThan(0);
    unmount();
    expect(client.listenerCount()).toBe(0);
  });
});
