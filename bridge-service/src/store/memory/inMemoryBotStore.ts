import type { BotStore, CommandTarget, SavedReply } from "../botStore.js";

/** In-memory BotStore for unit tests. */
export function createInMemoryBotStore(): BotStore {
  const rooms = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const saved = new Map<string, SavedReply & { at: Date }>();
  const runs = new Map<string, { target: CommandTarget | undefined; at: Date }>();
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
    async saveReply(eventId, reply) {
      if (!saved.has(eventId)) saved.set(eventId, { ...reply, at: new Date() });
    },
    async savedReply(eventId) {
      const reply = saved.get(eventId);
      return reply && { body: reply.body, formatted_body: reply.formatted_body };
    },
    async startCommand(eventId) {
      const earlier = runs.get(eventId);
      if (earlier) return { target: earlier.target && structuredClone(earlier.target) };
      runs.set(eventId, { target: undefined, at: new Date() });
      return undefined;
    },
    async noteTarget(eventId, target) {
      const run = runs.get(eventId);
      if (run) run.target = structuredClone(target);
    },
    async forgetRepliesBefore(before) {
      for (const [eventId, run] of runs) if (run.at < before) runs.delete(eventId);
      let forgotten = 0;
      for (const [eventId, reply] of saved) {
        if (reply.at < before) {
          saved.delete(eventId);
          forgotten++;
        }
      }
      return forgotten;
    },
  };
}
