import type { MatrixEvent } from "matrix-js-sdk";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeMatrixEvent } from "../../test/fakeMatrixRoom";
import { roomWithBob } from "../../test/fakeSendingClient";
import { isOffline, Outbox, unsentInSendOrder, watchOutbox } from "./outbox";

function event(id: string, status: string | null, ts: number): MatrixEvent {
  return new FakeMatrixEvent({
    id,
    type: "m.room.message",
    sender: "@ana:example.org",
    content: { body: id },
    ts,
    status,
  }) as unknown as MatrixEvent;
}

/** Sends `bodies` while offline: each fails and stays in the room as not sent. */
async function sendOffline(setup: ReturnType<typeof roomWithBob>, bodies: string[]) {
  setup.client.offline = true;
  for (const body of bodies) {
    await setup.client
      .sendMessage(setup.roomId, { msgtype: "m.text", body })
      .catch(() => undefined);
  }
  setup.client.offline = false;
}

const bodies = (contents: Record<string, unknown>[]) => contents.map((content) => content.body);

describe("unsentInSendOrder", () => {
  it("keeps only not-sent events, oldest first, stable for equal times", () => {
    const events = [
      event("c", "not_sent", 3),
      event("sent", null, 1),
      event("a", "not_sent", 1),
      event("sending", "sending", 2),
      event("b1", "not_sent", 2),
      event("b2", "not_sent", 2),
      event("gone", "cancelled", 0),
    ];
    expect(unsentInSendOrder(events).map((e) => e.getId())).toEqual(["a", "b1", "b2", "c"]);
  });
});

describe("Outbox", () => {
  afterEach(() => vi.restoreAllMocks());

  it("sends messages written offline again, in order, when the sync reconnects", async () => {
    const setup = roomWithBob();
    const { client } = setup;
    const stop = new Outbox(client.asClient()).start();
    client.setSyncState("ERROR");
    await sendOffline(setup, ["one", "two", "three"]);
    expect(client.echoes(setup.roomId).map((e) => e.status)).toEqual([
      "not_sent",
      "not_sent",
      "not_sent",
    ]);

    client.setSyncState("SYNCING");

    await vi.waitFor(() => expect(bodies(client.delivered)).toEqual(["one", "two", "three"]));
    expect(client.echoes(setup.roomId).map((e) => e.status)).toEqual([null, null, null]);
    stop();
  });

  it("sends them again in order when the client keeps pending events detached", async () => {
    const setup = roomWithBob();
    const { client, room } = setup;
    room.pending = [];
    const stop = new Outbox(client.asClient()).start();
    client.setSyncState("RECONNECTING");
    await sendOffline(setup, ["one", "two", "three"]);
    expect(room.pending.map((event) => event.status)).toEqual(["not_sent", "not_sent", "not_sent"]);

    client.setSyncState("SYNCING");

    await vi.waitFor(() => expect(bodies(client.delivered)).toEqual(["one", "two", "three"]));
    expect(room.pending).toEqual([]);
    stop();
  });

  it("stops at the first failure so nothing overtakes it, and goes on at the next reconnect", async () => {
    const setup = roomWithBob();
    const { client } = setup;
    const stop = new Outbox(client.asClient()).start();
    client.setSyncState("ERROR");
    await sendOffline(setup, ["one", "two", "three"]);

    client.failures.push(new Error("M_LIMIT_EXCEEDED"));
    client.setSyncState("SYNCING");
    await vi.waitFor(() => expect(client.resendEvent).toHaveBeenCalledTimes(1));
    await Promise.resolve();
    expect(client.delivered).toEqual([]);

    client.setSyncState("RECONNECTING");
    client.setSyncState("SYNCING");
    await vi.waitFor(() => expect(bodies(client.delivered)).toEqual(["one", "two", "three"]));
    stop();
  });

  it("does not resend on ordinary syncs, and skips messages cancelled meanwhile", async () => {
    const setup = roomWithBob();
    const { client } = setup;
    const stop = new Outbox(client.asClient()).start();
    await sendOffline(setup, ["keep", "drop"]);

    client.setSyncState("SYNCING");
    expect(client.resendEvent).not.toHaveBeenCalled();

    const [, drop] = client.echoes(setup.roomId);
    client.cancelPendingEvent(drop as unknown as MatrixEvent);
    window.dispatchEvent(new Event("online"));

    await vi.waitFor(() => expect(bodies(client.delivered)).toEqual(["keep"]));
    expect(client.retryImmediately).toHaveBeenCalled();
    expect(client.resendEvent).toHaveBeenCalledTimes(1);
    stop();
    expect(client.listenerCount()).toBe(0);
  });

  it("waits while the browser says it is offline", async () => {
    const setup = roomWithBob();
    const onLine = vi.spyOn(navigator, "onLine", "get").mockReturnValue(false);
    await sendOffline(setup, ["later"]);
    const outbox = new Outbox(setup.client.asClient());
    expect(isOffline(setup.client.asClient())).toBe(true);

    await outbox.flush();
    expect(setup.client.resendEvent).not.toHaveBeenCalled();

    onLine.mockReturnValue(true);
    await outbox.flush();
    expect(bodies(setup.client.delivered)).toEqual(["later"]);
  });

  it("runs one outbox per client however many ask for it", async () => {
    const setup = roomWithBob();
    const { client } = setup;
    const release = [watchOutbox(client.asClient()), watchOutbox(client.asClient())];
    expect(client.listenerCount()).toBe(1);
    client.setSyncState("ERROR");
    await sendOffline(setup, ["once"]);

    client.setSyncState("SYNCING");
    await vi.waitFor(() => expect(bodies(client.delivered)).toEqual(["once"]));
    expect(client.resendEvent).toHaveBeenCalledTimes(1);

    release[0]?.();
    release[0]?.();
    expect(client.listenerCount()).toBe(1);
    release[1]?.();
    expect(client.listenerCount()).toBe(0);
  });
});
