// Reports for moderators, with evidence.

import { REPORT_EVIDENCE_MAX, REPORT_REASON_MAX } from "@xstream/contract/limits";
import { isMatrixEventId, isMatrixRoomId } from "./matrixIds.js";
import type { PartnerContext, ReportView } from "./partnerContext.js";
import { requireUserId } from "./partnerPeople.js";
import { Refusal } from "./refusal.js";

export { REPORT_EVIDENCE_MAX, REPORT_REASON_MAX };

/**
 * Files a report for moderators, with the event ids the reporter points at as evidence.
 * @throws Refusal for a bad user id, an empty or long reason, or malformed evidence
 */
export async function reportUser(
  ctx: PartnerContext,
  reporterId: string,
  report: {
    userId: string;
    reason: string;
    eventIds?: readonly string[];
    roomId?: string | undefined;
    /**
     * What files it, when it may be filed again (a bot command's event id, handled again after
     * a replica died): the same key gives back the first report, so moderators see one.
     */
    key?: string;
  },
): Promise<ReportView> {
  requireUserId(report.userId, "user_id");
  if (report.userId === reporterId) {
    throw new Refusal("cannot_target_self", "You cannot report yourself.", { field: "user_id" });
  }
  const reason = report.reason.trim();
  if (reason.length === 0 || reason.length > REPORT_REASON_MAX) {
    throw new Refusal(
      "invalid_report",
      `Say what happened in 1 to ${REPORT_REASON_MAX} characters.`,
      {
        field: "reason",
      },
    );
  }
  const eventIds = [...new Set(report.eventIds ?? [])];
  if (eventIds.length > REPORT_EVIDENCE_MAX) {
    throw new Refusal("invalid_report", `Attach at most ${REPORT_EVIDENCE_MAX} messages.`, {
      field: "event_ids",
    });
  }
  const badEvent = eventIds.findIndex((eventId) => !isMatrixEventId(eventId));
  if (badEvent >= 0) {
    throw new Refusal("invalid_report", `"${eventIds[badEvent]}" is not a Matrix event id.`, {
      field: `event_ids[${badEvent}]`,
    });
  }
  if (report.roomId !== undefined && !isMatrixRoomId(report.roomId)) {
    throw new Refusal("invalid_report", `"${report.roomId}" is not a Matrix room id.`, {
      field: "room_id",
    });
  }
  const record = await ctx.partners.createReport(
    { reporter: reporterId, reported: report.userId, reason, eventIds, roomId: report.roomId },
    ctx.now(),
    report.key,
  );
  ctx.logger.info({ reportId: record.id }, "report filed");
  return record;
}

export async function listReports(ctx: PartnerContext, limit = 200): Promise<ReportView[]> {
  return ctx.partners.listReports(limit);
}
