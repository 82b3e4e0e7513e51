import type { MatrixClient } from "matrix-js-sdk";
import { useCallback, useState } from "react";
import type { Partner, ReportRequest } from "../../api/partnerTypes";
import { usePartnersApi } from "../../api/usePartnersApi";
import { recentEventIds } from "../../matrix/recentEventIds";
import { describeError, UNEXPECTED_ERROR } from "../../ui/describeError";
import { type RemoteData, useRemoteData } from "../../ui/useRemoteData";

/** How many of the partner's latest events go with a report, as evidence. */
export const REPORT_EVIDENCE_EVENTS = 10;

export type PartnersList = {
  state: RemoteData<Partner[]>;
  reload: () => void;
  /** What just happened (blocked, reported), for the page's status line. */
  notice: string | null;
  /** Blocks the partner and drops them from the list; resolves to an error message or null. */
  block: (partner: Partner) => Promise<string | null>;
  /** Reports the partner with their latest messages in the shared room; error message or null. */
  report: (partner: Partner, reason: string) => Promise<string | null>;
};

function failure(error: unknown): string {
  return describeError(error, { unexpected: UNEXPECTED_ERROR });
}

/**
 * The view model of the Partners page. `client` is the signed-in Matrix client, whose copy of
 * the shared room supplies the evidence for a report (nothing when it has not loaded the room).
 */
export function usePartnersList(client: MatrixClient | null): PartnersList {
  const api = usePartnersApi();
  const { state, reload, update } = useRemoteData(useCallback(() => api.partners(), [api]));
  const [notice, setNotice] = useState<string | null>(null);

  async function block(partner: Partner): Promise<string | null> {
    setNotice(null);
    try {
      await api.block(partner.user_id);
    } catch (error) {
      return failure(error);
    }
    update((partners) => partners.filter((p) => p.user_id !== partner.user_id));
    setNotice(`You blocked ${partner.display_name}. They won't be suggested to you again.`);
    return null;
  }

  async function report(partner: Partner, reason: string): Promise<string | null> {
    setNotice(null);
    const request: ReportRequest = { user_id: partner.user_id, reason };
    if (partner.room_id) {
      request.room_id = partner.room_id;
      const eventIds = recentEventIds(
        client,
        partner.room_id,
        partner.user_id,
        REPORT_EVIDENCE_EVENTS,
      );
      if (eventIds.length > 0) request.event_ids = eventIds;
    }
    try {
      await api.report(request);
    } catch (error) {
      return failure(error);
    }
    setNotice(
      `Thank you. Your report about ${partner.display_name} has been sent to the moderators.`,
    );
    return null;
  }

  return { state, reload, notice, block, report };
}
