import type { Logger } from "../logger.js";
import type { AppserviceEvents } from "./appserviceEvents.js";
import { isInviteFor } from "./events.js";
import { type HomeserverClient, HomeserverError } from "./homeserver.js";

export interface BotDeps {
  events: AppserviceEvents;
  homeserver: HomeserverClient;
  botUserId: string;
  logger: Logger;
  /** Delays between join attempts; the number of retries is its length. */
  joinRetryDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// 4xx other than rate limiting means the homeserver refused (e.g. the invite was withdrawn);
// asking again will not change its mind.
function isWorthRetrying(error: unknown): boolean {
  return !(error instanceof HomeserverError) || error.status === 429 || error.status >= 500;
}

/**
 * The @xstream bot. For now it accepts every invite so users can open a DM with it from any
 * client; its commands will subscribe to the same events.
 * @returns a function that detaches the bot from the event bus.
 */
export function startBot({
  events,
  homeserver,
  botUserId,
  logger,
  joinRetryDelaysMs = [1_000, 4_000],
  sleep = defaultSleep,
}: BotDeps): () => void {
  const log = logger.child({ component: "bot" });

  async function acceptInvite(roomId: string, inviter: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await homeserver.joinRoom(roomId);
        log.info({ roomId, inviter }, "joined room after invite");
        return;
      } catch (error) {
        const delay = joinRetryDelaysMs[attempt];
        if (delay === undefined || !isWorthRetrying(error)) {
          log.warn({ err: error, roomId, inviter, attempts: attempt + 1 }, "could not join room");
          return;
        }
        log.debug({ err: error, roomId, attempt: attempt + 1 }, "join failed, retrying");
        await sleep(delay);
      }
    }
  }

  return events.on("event", (event) => {
    if (isInviteFor(event, botUserId)) return acceptInvite(event.room_id, event.sender);
  });
}
