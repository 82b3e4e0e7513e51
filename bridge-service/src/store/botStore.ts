/** What the bot remembers between messages: its DM rooms and the last list `match` showed. */
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
}
