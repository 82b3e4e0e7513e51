// Who may read the history of the rooms only our bot writes and partners' bots read (the
// directory, the policy list): their members, from the moment each was invited.
//
// With "joined", an entry written while a partner's bot was still joining was not sent to the
// partner's homeserver (it was not in the room yet); that homeserver fetched it later, when a
// newer event named it as a predecessor, and ours served that fetch redacted (the partner had
// not joined when it was written). The partner's bridge read the empty copy as a cleared entry,
// and the learner never appeared in its suggestions (seen in e2e/directory-requests.test.ts).
// Partners' bots are invited before anything is written for them, so "invited" covers it.
export const BOT_ROOM_HISTORY = "invited";

/** The one Matrix call this needs, which the directory's and policy list's clients both make. */
export interface RoomStateWriter {
  /** Sets one state event; resolves with its event id. */
  putState(
    roomId: string,
    type: string,
    stateKey: string,
    content: Record<string, unknown>,
  ): Promise<string>;
}

const settled = new WeakMap<object, Set<string>>();

/**
 * Gives a room made before this rule (with "joined") the visibility above: once per room for
 * each Matrix client. Writing the same value again makes no new event (the homeserver
 * deduplicates identical state), so a repeat after a restart costs one request.
 */
export async function settleHistoryVisibility(
  matrix: RoomStateWriter,
  roomId: string,
): Promise<void> {
  const rooms = settled.get(matrix) ?? new Set<string>();
  settled.set(matrix, rooms);
  if (rooms.has(roomId)) return;
  await matrix.putState(roomId, "m.room.history_visibility", "", {
    history_visibility: BOT_ROOM_HISTORY,
  });
  rooms.add(roomId);
}
