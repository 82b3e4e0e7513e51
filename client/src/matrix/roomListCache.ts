/*
 * What the Chats page last showed, so the next start can show it before Matrix has connected:
 * the first rooms of the list as the room list summarised them, one entry per user, in
 * localStorage (small, and read synchronously, so the page's first paint can have it). It holds
 * what the sync cache holds (names, latest messages) and goes with it: deleted on sign-out,
 * and every other user's when a user starts.
 */

const KEY_PREFIX = "xstream:room-list:";

export type RoomListCacheStorage = Pick<
  Storage,
  "getItem" | "setItem" | "removeItem" | "key" | "length"
>;

function pageStorage(): RoomListCacheStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    // Storage turned off (a privacy setting): nothing is cached.
    return null;
  }
}

/** The cached value for `userId` as parsed JSON (the caller checks its shape), or null. */
export function readRoomListCache(
  userId: string,
  storage: RoomListCacheStorage | null = pageStorage(),
): unknown {
  try {
    const text = storage?.getItem(KEY_PREFIX + userId);
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return null;
  }
}

/** Whether this browser keeps a room list for `userId` (the page shows that, not a preview). */
export function hasRoomListCache(
  userId: string,
  storage: RoomListCacheStorage | null = pageStorage(),
): boolean {
  try {
    return Boolean(storage?.getItem(KEY_PREFIX + userId));
  } catch {
    return false;
  }
}

/** Keeps `value` for `userId`; a full or refused storage only means nothing is cached. */
export function writeRoomListCache(
  userId: string,
  value: unknown,
  storage: RoomListCacheStorage | null = pageStorage(),
): void {
  try {
    storage?.setItem(KEY_PREFIX + userId, JSON.stringify(value));
  } catch {
    // Quota exceeded or storage refused.
  }
}

/** Deletes every user's cached room list but `keep`'s (null: everyone's). */
export function deleteRoomListCaches(
  keep: string | null,
  storage: RoomListCacheStorage | null = pageStorage(),
): void {
  if (!storage) return;
  try {
    const keys: string[] = [];
    for (let index = 0; index < storage.length; index++) {
      const key = storage.key(index);
      if (key?.startsWith(KEY_PREFIX) && key !== KEY_PREFIX + keep) keys.push(key);
    }
    for (const key of keys) storage.removeItem(key);
  } catch {
    // Storage refused: there is nothing it could have kept either.
  }
}
