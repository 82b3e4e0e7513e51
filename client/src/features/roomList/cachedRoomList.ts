/*
 * The room list as this browser last showed it, for the Chats page to show at once on the next
 * start, before Matrix has connected (the sync cache needs the login and the crypto first). Only
 * the first rooms of each section are kept: enough to fill the screen until the real list comes.
 */
import { readRoomListCache, writeRoomListCache } from "../../matrix/roomListCache";
import type { RoomListEntry } from "./roomSummary";

/** Rooms kept per section: more than a screenful. */
export const CACHED_ROOMS = 30;

export type CachedRoomList = {
  direct: RoomListEntry[];
  groups: RoomListEntry[];
  /** How many rooms the list had, for "no chats" against "not all shown". */
  total: number;
};

const isString = (value: unknown): value is string => typeof value === "string";
const isCount = (value: unknown): value is number => Number.isSafeInteger(value);

/** Storage can hold anything (another version, a hand edit): only whole entries are shown. */
function isEntry(value: unknown): value is RoomListEntry {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    isString(entry.roomId) &&
    isString(entry.name) &&
    isString(entry.initials) &&
    isString(entry.label) &&
    (entry.avatarUrl === null || isString(entry.avatarUrl)) &&
    (entry.preview === null || isString(entry.preview)) &&
    (entry.lastActivity === null || typeof entry.lastActivity === "number") &&
    typeof entry.direct === "boolean" &&
    isCount(entry.unread) &&
    isCount(entry.mentions)
  );
}

function entries(value: unknown): RoomListEntry[] {
  return Array.isArray(value) ? value.filter(isEntry).slice(0, CACHED_ROOMS) : [];
}

/** The list this browser last showed `userId`, or null when there is none. */
export function loadCachedRoomList(userId: string): CachedRoomList | null {
  const value = readRoomListCache(userId);
  if (typeof value !== "object" || value === null) return null;
  const cached = value as Record<string, unknown>;
  const list = {
    direct: entries(cached.direct),
    groups: entries(cached.groups),
    total: isCount(cached.total) ? cached.total : 0,
  };
  return list.direct.length + list.groups.length > 0 ? list : null;
}

/** Keeps the first rooms of each section for `userId`'s next start. */
export function saveCachedRoomList(userId: string, list: CachedRoomList): void {
  writeRoomListCache(userId, {
    direct: list.direct.slice(0, CACHED_ROOMS),
    groups: list.groups.slice(0, CACHED_ROOMS),
    total: list.total,
  });
}
