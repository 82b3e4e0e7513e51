// A partner organisation's bot joining one of our bot's rooms (the directory, the policy list, a
// request room) is answered with one small timeline event from our bot. Whatever our bot wrote
// while that join was still on its way between the servers was never sent to the partner's
// server: it learns of such an event only from the `prev_events` of a later one. In a room that
// then stays quiet (a directory after its first entry) that may take minutes or never come; this
// event is that later event, so the partner's homeserver fetches what it missed at once.
import type { OrgRequestMatrix } from "../domain/directoryRequests.js";
import { serverNameOf } from "../domain/matrixIds.js";
import type { Logger } from "../logger.js";
import type { AppserviceEvents } from "../matrix/appserviceEvents.js";
import type { ClientEvent } from "../matrix/events.js";

export const JOIN_SEEN_EVENT_TYPE = "org.xstream.join_seen";

export interface PartnerBotJoinsDeps {
  events: AppserviceEvents;
  botUserId: string;
  /** PARTNER_ORGANISATIONS: only their bots are answered. */
  partners: readonly string[];
  /** Sends a timeline event as our bot (the request rooms' sender will do). */
  send: OrgRequestMatrix["send"];
  logger: Logger;
}

/** A partner's bot that has just joined (not a join that only changed its profile). */
export function partnerBotJoined(
  event: ClientEvent,
  botUserId: string,
  partners: readonly string[],
): string | undefined {
  if (event.type !== "m.room.member" || event.content.membership !== "join") return undefined;
  const joiner = event.state_key;
  if (!joiner || joiner === botUserId) return undefined;
  const botLocalpart = botUserId.slice(0, botUserId.indexOf(":"));
  const server = serverNameOf(joiner);
  if (joiner !== `${botLocalpart}:${server}` || !partners.includes(server)) return undefined;
  const unsigned = event.unsigned as { prev_content?: { membership?: unknown } } | undefined;
  return unsigned?.prev_content?.membership === "join" ? undefined : joiner;
}

/** Starts answering partners' bots' joins; returns what stops it. */
export function answerPartnerBotJoins({
  events,
  botUserId,
  partners,
  send,
  logger,
}: PartnerBotJoinsDeps): () => void {
  const log = logger.child({ component: "partner-joins" });
  return events.on("event", async (event) => {
    const joiner = partnerBotJoined(event, botUserId, partners);
    if (!joiner) return;
    try {
      await send(
        event.room_id,
        JOIN_SEEN_EVENT_TYPE,
        { user_id: joiner },
        `join-seen-${event.event_id}`,
      );
    } catch (error) {
      log.warn({ err: error, roomId: event.room_id, joiner }, "answering a partner's join failed");
    }
  });
}
