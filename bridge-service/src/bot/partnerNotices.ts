// Renders and sends the partner outbox's notices (domain/partnerNotices.ts claims them).
import type { PartnerContext } from "../domain/partnerContext.js";
import type { PendingNotice } from "../domain/partnerNotices.js";
import { peopleByUserId, requestView } from "../domain/partnerPeople.js";
import type { HomeserverClient } from "../matrix/homeserver.js";
import type { BotStore } from "../store/botStore.js";
import { noticeContent, requestAcceptedNotice, requestReceivedNotice } from "./botReplies.js";

export interface PartnerNoticeSenderDeps {
  partners: PartnerContext;
  homeserver: Pick<HomeserverClient, "sendMessage">;
  botStore: Pick<BotStore, "directRoomOf">;
  /** Our homeserver's name, for room links. */
  serverName: string;
}

/** The Matrix transaction id of a notice: the same on every attempt, on every replica. */
export const noticeTxnId = (notice: Pick<PendingNotice, "id">) => `xstream-notice-${notice.id}`;

/**
 * Sends one notice in the learner's DM with the bot, rendered from the request as it is now.
 * Throws when the homeserver did not take it, so the outbox tries again; resolves without
 * sending when there is nobody to tell (no DM: the web client shows the request instead).
 */
export function createPartnerNoticeSender({
  partners: ctx,
  homeserver,
  botStore,
  serverName,
}: PartnerNoticeSenderDeps): (notice: PendingNotice) => Promise<void> {
  return async (notice) => {
    const record = await ctx.partners.getRequest(notice.requestId);
    if (!record) return;
    const people = await peopleByUserId(ctx, [record.requester, record.recipient]);
    const request = requestView(record, people);
    if (notice.kind === "request_received") {
      const requester = people.get(record.requester);
      const roomId = await botStore.directRoomOf(record.recipient);
      if (roomId && requester) {
        const reply = requestReceivedNotice(request, requester);
        await homeserver.sendMessage(roomId, noticeContent(reply), noticeTxnId(notice));
      }
      return;
    }
    const partnership = (await ctx.partners.partnershipsOf(record.requester)).find(
      (candidate) => candidate.requestId === record.id,
    );
    const partnerRoom = partnership?.roomId ?? null;
    const roomId = await botStore.directRoomOf(record.requester);
    if (roomId) {
      const reply = requestAcceptedNotice(request, partnerRoom, serverName);
      await homeserver.sendMessage(roomId, noticeContent(reply), noticeTxnId(notice));
    }
  };
}
