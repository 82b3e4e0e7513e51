/*
 * Who was last signed in in this browser, as the bridge described them (username, display name,
 * role, Matrix ID: nothing secret, less than the cached room list holds), so that a reload can
 * draw the signed-in frame and the Chats page's cached rooms while the session check is still on
 * its way. Kept only while a session lasts: written when the bridge confirms one, deleted when it
 * ends (sign-out, or a session the bridge refused). The session itself stays in HTTP-only cookies.
 */
import { ROLES } from "@xstream/contract/limits";
import type { User } from "../api/types";

export type RememberedUser = {
  get(): User | null;
  set(user: User): void;
  clear(): void;
};

const KEY = "xstream:signed-in-user";

const isString = (value: unknown): value is string => typeof value === "string";

/** Storage can hold anything (another version, a hand edit): only a whole user counts. */
function asUser(value: unknown): User | null {
  if (typeof value !== "object" || value === null) return null;
  const { username, displayName, role, matrixUserId } = value as Record<string, unknown>;
  if (!isString(username) || !isString(displayName) || !isString(matrixUserId)) return null;
  const known = ROLES.find((candidate) => candidate === role);
  if (!known) return null;
  return { username, displayName, role: known, matrixUserId };
}

function pageStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    // Storage turned off (a privacy setting): nothing is remembered.
    return null;
  }
}

/** The user remembered in `storage` (this page's localStorage by default). */
export function storageRememberedUser(storage: () => Storage | null = pageStorage): RememberedUser {
  return {
    get() {
      try {
        const text = storage()?.getItem(KEY);
        return text ? asUser(JSON.parse(text)) : null;
      } catch {
        return null;
      }
    },
    set(user) {
      try {
        const { username, displayName, role, matrixUserId } = user;
        storage()?.setItem(KEY, JSON.stringify({ username, displayName, role, matrixUserId }));
      } catch {
        // Full or refused storage: the next reload just waits for the session check.
      }
    },
    clear() {
      try {
        storage()?.removeItem(KEY);
      } catch {
        // Refused storage kept nothing either.
      }
    },
  };
}

/** An in-memory one for tests. */
export function memoryRememberedUser(initial: User | null = null): RememberedUser {
  let user = initial;
  return {
    get: () => user,
    set: (next) => {
      user = next;
    },
    clear: () => {
      user = null;
    },
  };
}
