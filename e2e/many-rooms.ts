// Learners in many rooms, for the room-list tests and the chat benchmark: groups made through
// the client-server API, each with one message, several at a time; and whether a browser has them
// cached.
import type { StackInfo } from "./harness.ts";
import type { Learner } from "./learners.ts";
import { matrixRequest, sendEvent } from "./matrix.ts";

/** Playwright route patterns for the homeserver's sync: simplified sliding sync, and /sync v2. */
export const SLIDING_SYNC = "**/_matrix/client/unstable/org.matrix.simplified_msc3575/sync*";
export const SYNC_V2 = "**/_matrix/client/v3/sync*";

/** The name of the `index`th group `createGroups` makes: "Practice group 1"… */
export const groupName = (index: number): string => `Practice group ${index + 1}`;

/**
 * Groups being made at once: Synapse spends much of each request waiting on its database, so a
 * dozen overlap well; many more only queue.
 */
const CONCURRENCY = 12;

/**
 * Creates `count` private groups owned by `learner`, each with a welcome message, numbered from
 * `from` (so a learner's rooms can be added to in steps: 200, then 1,800 more).
 */
export async function createGroups(
  stack: StackInfo,
  learner: Learner,
  count: number,
  options: { from?: number } = {},
) {
  const from = options.from ?? 0;
  let next = 0;
  const worker = async () => {
    for (let offset = next++; offset < count; offset = next++) {
      const index = from + offset;
      const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
        stack.publicUrl,
        "POST",
        "/_matrix/client/v3/createRoom",
        {
          token: learner.matrix.accessToken,
          body: { preset: "private_chat", name: groupName(index) },
        },
      );
      await sendEvent(stack.publicUrl, learner.matrix.accessToken, roomId, {
        msgtype: "m.text",
        body: `Welcome to group ${index + 1}`,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
}

/**
 * Whether the page's browser holds a cached sync for its device (the SDK's IndexedDB store keeps
 * it under the key ["-"]). A string: tsx would wrap named functions in a helper the page lacks.
 */
export const HAS_CACHED_SYNC = `(async () => {
  const names = (await indexedDB.databases()).map((db) => db.name ?? "");
  const name = names.find((n) => n.startsWith("matrix-js-sdk:xstream-sync/"));
  if (!name) return false;
  return await new Promise((resolve) => {
    const opening = indexedDB.open(name);
    opening.onerror = () => resolve(false);
    opening.onsuccess = () => {
      const db = opening.result;
      try {
        const read = db.transaction("sync", "readonly").objectStore("sync").get(["-"]);
        read.onsuccess = () => { db.close(); resolve(Boolean(read.result && read.result.nextBatch)); };
        read.onerror = () => { db.close(); resolve(false); };
      } catch { db.close(); resolve(false); }
    };
  });
})()`;
