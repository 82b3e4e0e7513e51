import { act, renderHook } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { PartnerRequests } from "../api/partnerTypes";
import type { BrowserNotifier } from "../features/notifications/BrowserNotifier";
import { PartnerRequestsStore } from "../features/partners/PartnerRequestsStore";
import { partnerRequest } from "../test/fakePartners";
import { usePartnerNotifications } from "./signedInNotifications";

function storeAnswering(...answers: PartnerRequests[]) {
  const requests = vi.fn(async () => answers.shift() ?? { incoming: [], outgoing: [] });
  return new PartnerRequestsStore({
    requests,
    acceptRequest: vi.fn(),
    declineRequest: vi.fn(),
  });
}

describe("partner request notifications", () => {
  it("announces requests that arrive during the session, not those already waiting", async () => {
    const waiting = partnerRequest({ id: "r1" });
    const fresh = partnerRequest({
      id: "r2",
      requester: { user_id: "@lucia:localhost", display_name: "Lucía" },
    });
    const store = storeAnswering(
      { incoming: [waiting], outgoing: [] },
      { incoming: [waiting, fresh], outgoing: [] },
      { incoming: [waiting, fresh], outgoing: [] },
    );
    const notifier = { partnerRequest: vi.fn(), partnerJoined: vi.fn() };
    renderHook(() =>
      usePartnerNotifications(
        null,
        { partners: vi.fn() },
        store,
        notifier as unknown as BrowserNotifier,
      ),
    );
    await act(() => store.refresh());
    expect(notifier.partnerRequest).not.toHaveBeenCalled();
    await act(() => store.refresh());
    await act(() => store.refresh());
    expect(notifier.partnerRequest).toHaveBeenCalledTimes(1);
    expect(notifier.partnerRequest).toHaveBeenCalledWith("Lucía", "r2");
  });
});
