import { act, render } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PartnersApi } from "../../api/partnersApi";
import type { PartnerRequests } from "../../api/partnerTypes";
import { partner, partnerRequest } from "../../test/fakePartners";
import { PartnerRequestsStore } from "./PartnerRequestsStore";
import {
  HIDDEN_REQUESTS_POLL_MS,
  REQUESTS_POLL_MS,
  useRequestsPolling,
} from "./usePartnerRequests";

function fakeApi(...answers: Array<PartnerRequests | Error>) {
  const requests = vi.fn(async () => {
    const answer = answers.length > 1 ? answers.shift() : answers[0];
    if (answer instanceof Error) throw answer;
    return answer ?? { incoming: [], outgoing: [] };
  });
  const api = {
    requests,
    acceptRequest: vi.fn(async () => partner()),
    declineRequest: vi.fn(async () => partnerRequest({ status: "declined" })),
  } satisfies Pick<PartnersApi, "requests" | "acceptRequest" | "declineRequest">;
  return api;
}

const ONE = { incoming: [partnerRequest()], outgoing: [] };

function setVisibility(state: DocumentVisibilityState) {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
}

afterEach(() => {
  vi.useRealTimers();
  setVisibility("visible");
});

describe("PartnerRequestsStore", () => {
  it("loads the lists and shares one request between concurrent refreshes", async () => {
    const api = fakeApi(ONE);
    const store = new PartnerRequestsStore(api);
    expect(store.getSnapshot().status).toBe("loading");

    await Promise.all([store.refresh(), store.refresh()]);

    expect(api.requests).toHaveBeenCalledTimes(1);
    expect(store.getSnapshot()).toMatchObject({ status: "ready", error: null });
    expect(store.getSnapshot().incoming).toHaveLength(1);
  });

  it("keeps the last lists when a later refresh fails", async () => {
    const store = new PartnerRequestsStore(fakeApi(ONE, new Error("offline")));
    await store.refresh();
    await store.refresh();

    expect(store.getSnapshot()).toMatchObject({ status: "ready", error: expect.any(String) });
    expect(store.getSnapshot().incoming).toHaveLength(1);
  });

  it("does not let a refresh that started before an answer bring the request back", async () => {
    let answer: (lists: PartnerRequests) => void = () => {};
    const api = fakeApi(ONE, { incoming: [], outgoing: [] });
    const store = new PartnerRequestsStore(api);
    await store.refresh();
    api.requests.mockImplementationOnce(
      () => new Promise<PartnerRequests>((resolve) => (answer = resolve)),
    );

    const stale = store.refresh();
    await store.decline("req-1");
    expect(store.getSnapshot().incoming).toEqual([]);
    answer(ONE); // What the server said before the request was declined.
    await stale;

    expect(store.getSnapshot().incoming).toEqual([]);
    // …and it asks again for lists newer than the change.
    await vi.waitFor(() => expect(api.requests).toHaveBeenCalledTimes(3));
    expect(store.getSnapshot()).toMatchObject({ status: "ready", incoming: [] });
  });
});

function Poller({ store }: { store: PartnerRequestsStore }) {
  useRequestsPolling(store);
  return null;
}

describe("useRequestsPolling", () => {
  it("polls every 20 seconds while visible, every minute while hidden, and at once when shown", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    const api = fakeApi(ONE);
    const store = new PartnerRequestsStore(api);
    const { unmount } = render(<Poller store={store} />);
    expect(api.requests).toHaveBeenCalledTimes(1);
    await act(() => store.refresh());

    await act(() => vi.advanceTimersByTimeAsync(REQUESTS_POLL_MS));
    expect(api.requests).toHaveBeenCalledTimes(2);

    setVisibility("hidden");
    await act(() => vi.advanceTimersByTimeAsync(HIDDEN_REQUESTS_POLL_MS - REQUESTS_POLL_MS));
    expect(api.requests).toHaveBeenCalledTimes(2);
    await act(() => vi.advanceTimersByTimeAsync(REQUESTS_POLL_MS));
    expect(api.requests).toHaveBeenCalledTimes(3);

    setVisibility("visible");
    act(() => {
      document.dispatchEvent(new Event("visibilitychange"));
    });
    expect(api.requests).toHaveBeenCalledTimes(4);
    await act(() => store.refresh());

    act(() => {
      window.dispatchEvent(new Event("focus"));
    });
    expect(api.requests).toHaveBeenCalledTimes(5);

    unmount();
    await act(() => vi.advanceTimersByTimeAsync(3 * HIDDEN_REQUESTS_POLL_MS));
    expect(api.requests).toHaveBeenCalledTimes(5);
  });
});
