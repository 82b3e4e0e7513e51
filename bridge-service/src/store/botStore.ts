/** A reply as the bot sends it: plain text and HTML. */
export interface SavedReply {
  body: string;
  formatted_body: string;
}

/** The partner request a command is about to accept or decline, noted before it acts. */
export interface CommandTarget {
  requestId: string;
  requester: { userId: string; displayName: string };
  recipient: { userId: string; displayName: string };
  createdAt: string;
}

/** A run of this command that started before and saved no answer: its replica died in it. */
export interface EarlierRun {
  target: CommandTarget | undefined;
}

/**
 * What the bot remembers between messages: its DM rooms, the last list `match` showed, and the
 * answers it gave.
 */
export interface BotStore {
  /** Records that `roomId` is a direct chat between the bot and `userId`. */
  rememberDirectRoom(userId: string, roomId: string): Promise<void>;
  /** The user's most recent direct room with the bot, if any. */
  directRoomOf(userId: string): Promise<string | undefined>;
  /** Whose direct room with the bot `roomId` is, if it is one. */
  directRoomOwner(roomId: string): Promise<string | undefined>;
  /** Replaces the numbered list `match` last showed `userId` (for `connect <n>`). */
  rememberSuggestions(userId: string, suggestedUserIds: readonly string[]): Promise<void>;
  /** The list `match` last showed `userId`, in order; empty if none. */
  shownSuggestions(userId: string): Promise<string[]>;
  /** Saves the answer to the command `eventId`; an answer saved before is kept. */
  saveReply(eventId: string, reply: SavedReply): Promise<void>;
  /** The answer saved for the command `eventId`, if it was answered before. */
  savedReply(eventId: string): Promise<SavedReply | undefined>;
  /**
   * Notes that the command `eventId` starts running; resolves with the earlier run if one
   * started before (and, since this is asked only without a saved answer, never finished).
   */
  startCommand(eventId: string): Promise<EarlierRun | undefined>;
  /** Notes which request the running command `eventId` acts on, before it acts. */
  noteTarget(eventId: string, target: CommandTarget): Promise<void>;
  /** Forgets answers saved and commands started before `before`; returns how many answers. */
  forgetRepliesBefore(before: Date): Promise<number>;
}
