import type { BotStore } from "../botStore.js";

/** In-memory BotStore for unit tests. */
export function createInMemoryBotStore(): BotStore {
  const rooms = new Map<string, string>();
  const lists = new Map<string, string[]>();
  return {
    async rememberDirectRoom(userId, roomId) {
      rooms.delete(roomId);
      rooms.set(roomId, userId);
    },
    async directRoomOf(userId) {
      return [...rooms].filter(([, owner]) => owner === userId).at(-1)?.[0];
    },
    async directRoomOwner(roomId) {
      return rooms.get(roomId);
    },
    async rememberSuggestions(userId, suggestedUserIds) {
      lists.set(userId, [...suggestedUserIds]);
    },
    async shownSuggestions(userId) {
      return lists.get(userId) ?? [];
    },
  };
}
