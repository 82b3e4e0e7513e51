// Bursts of bot commands sent while a part of the stack is killed: each learner's commands go
// one after another in their own room, all rooms at once, so the bot has a queue to lose.
import type { BotConversation, BotReply } from "./bot-conversation.ts";
import { eventually } from "./matrix.ts";

export type Burst = [room: BotConversation, commands: string[]];

/**
 * Two learners' bursts, each with a partner request among reads and writes of their own
 * profile: Ana asks Ben and Cai, Ben asks Dua.
 */
export function partnerRequestBursts(
  rooms: { ana: BotConversation; ben: BotConversation },
  userIds: { ben: string; cai: string; dua: string },
): Burst[] {
  return [
    [
      rooms.ana,
      [
        `connect ${userIds.ben}`,
        "profile",
        `connect ${userIds.cai}`,
        "requests",
        "help",
        "partners",
        "interests jazz, chess",
        "requests",
      ],
    ],
    [
      rooms.ben,
      [
        `connect ${userIds.dua}`,
        "profile",
        "requests",
        "help",
        "partners",
        "timezone Europe/Berlin",
        "profile",
        "requests",
      ],
    ],
  ];
}

export interface SentBursts {
  /** Settles once every command has been sent. */
  sending: Promise<void>;
  /** The event id of the first command sent in each room, once it is sent. */
  firstSent: Map<BotConversation, string>;
  /** The bot's answer to the first command of `room`'s burst. */
  firstAnswer(room: BotConversation): Promise<BotReply>;
}

export function sendBursts(bursts: Burst[]): SentBursts {
  const firstSent = new Map<BotConversation, string>();
  const sending = Promise.all(
    bursts.map(async ([room, commands]) => {
      for (const command of commands) {
        const eventId = await room.send(command);
        if (!firstSent.has(room)) firstSent.set(room, eventId);
      }
    }),
  ).then(() => {});
  const firstAnswer = (room: BotConversation) =>
    eventually(async () => {
      const first = firstSent.get(room);
      return first ? room.replyAfter(first) : undefined;
    }, "the bot's first answer in the burst");
  return { sending, firstSent, firstAnswer };
}
