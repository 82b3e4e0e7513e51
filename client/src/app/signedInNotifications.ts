import type { MatrixClient } from "matrix-js-sdk";
import { useEffect } from "react";
import type { PartnersApi } from "../api/partnersApi";
import type { BrowserNotifier } from "../features/notifications/BrowserNotifier";
import type { PartnerRequestsStore } from "../features/partners/PartnerRequestsStore";
import { PartnerInviteJoiner } from "../features/partners/partnerInvites";

/**
 * Ties partners to notifications for one signed-in session: the bot's partner-room invites are
 * joined without asking (and announced), and requests that arrive while the learner is away are
 * announced. Lives in the app layer so neither feature imports the other.
 */
export function usePartnerNotifications(
  client: MatrixClient | null,
  api: Pick<PartnersApi, "partners">,
  requests: PartnerRequestsStore,
  notifier: BrowserNotifier | null,
) {
  useEffect(() => {
    if (!client) return;
    const joiner = new PartnerInviteJoiner({
      client,
      partners: () => api.partners(),
      onJoined: (partner, roomId) => notifier?.partnerJoined(partner.display_name, roomId),
    });
    return joiner.start();
  }, [client, api, notifier]);

  useEffect(() => {
    if (!notifier) return;
    // Requests already pending when the session starts were seen on the Requests badge.
    let seen: Set<string> | null = null;
    const check = () => {
      const snapshot = requests.getSnapshot();
      if (snapshot.status !== "ready") return;
      const fresh = snapshot.incoming.filter((request) => seen && !seen.has(request.id));
      seen = new Set(snapshot.incoming.map((request) => request.id));
      for (const request of fresh)
        notifier.partnerRequest(request.requester.display_name, request.id);
    };
    check();
    return requests.subscribe(check);
  }, [requests, notifier]);
}
