// The bot's side of requests between organisations: partners' request events and membership
// changes in request rooms in, and the rounds that wind up ended pairings, invite partners' bots,
// read their rooms again and send what is owed. The decisions are the domain's
// (domain/directoryRequests.ts).
import {
  handleOrgEvent,
  type OrgRequestContext,
  requestRoomLeft,
  syncOrgRequests,
} from "../domain/directoryRequests.js";
import { isOrgRequestEventType } from "../domain/orgRequestEvents.js";
import type { Logger } from "../logger.js";
import type { AppserviceEvents } from "../matrix/appserviceEvents.js";
import { roomOrder } from "./roomOrder.js";

export interface OrgRequestServiceDeps {
  events: AppserviceEvents;
  ctx: OrgRequestContext;
  botUserId: string;
  logger: Logger;
  intervalMs: number;
}

export function createOrgRequestService({
  events,
  ctx,
  botUserId,
  logger,
  intervalMs,
}: OrgRequestServiceDeps): { start(): void; stop(): void } {
  const log = logger.child({ component: "partner-requests" });

  // A room's events apply in the order they came (a request before its withdrawal), and a
  // round's reading of a partner's room waits its turn among them.
  const inRoomOrder = roomOrder();
  const handled = (roomId: string, task: () => Promise<void>) =>
    inRoomOrder(roomId, task).catch((error: unknown) => {
      log.warn({ err: error, roomId }, "handling a partner request event failed; will retry");
    });

  const unsubscribe = events.on("event", (event) => {
    if (event.sender === botUserId && event.type !== "m.room.member") return;
    if (isOrgRequestEventType(event.type) && event.state_key === undefined) {
      return handled(event.room_id, () =>
        handleOrgEvent(ctx, {
          roomId: event.room_id,
          eventId: event.event_id,
          type: event.type,
          sender: event.sender,
          content: event.content,
        }),
      );
    }
    if (
      event.type === "m.room.member" &&
      event.state_key !== undefined &&
      (event.content.membership === "leave" || event.content.membership === "ban")
    ) {
      const userId = event.state_key;
      return handled(event.room_id, () => requestRoomLeft(ctx, event.room_id, userId));
    }
  });

  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const runRound = async () => {
    if (running) return;
    running = true;
    try {
      await syncOrgRequests({ ...ctx, inRoomOrder });
    } catch (error) {
      log.warn({ err: error }, "partner request round failed; will retry");
    } finally {
      running = false;
    }
  };

  return {
    start() {
      void runRound();
      timer = setInterval(runRound, intervalMs);
      timer.unref();
    },
    stop() {
      unsubscribe();
      clearInterval(timer);
    },
  };
}
