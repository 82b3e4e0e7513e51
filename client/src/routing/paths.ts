/** The app's in-app paths, for links and redirects. */
export const PATHS = {
  home: "/",
  chats: "/chats",
  settings: "/settings",
  welcome: "/welcome",
  profile: "/profile",
  findPartners: "/partners/find",
  requests: "/partners/requests",
  partners: "/partners",
  signIn: "/signin",
  signUp: "/signup",
  search: "/search",
} as const;

const ROOM_PATH = /^\/rooms\/([^/]+)(?:\/events\/([^/]+))?$/;

/**
 * The in-app path of a Matrix room, e.g. `/rooms/!abc%3Aexample.org`, or of one message in it
 * (`/rooms/…/events/$event`), which opens the room at that message.
 */
export function roomPath(roomId: string, eventId?: string): string {
  const room = `/rooms/${encodeURIComponent(roomId)}`;
  return eventId === undefined ? room : `${room}/events/${encodeURIComponent(eventId)}`;
}

function decoded(encoded: string | undefined): string | null {
  if (encoded === undefined) return null;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}

/** The Matrix room id in a `/rooms/…` path, or null for any other path. */
export function roomIdFromPath(path: string): string | null {
  const match = ROOM_PATH.exec(path);
  if (!match) return null;
  const roomId = decoded(match[1]);
  // A broken event part makes the whole path unknown, like a broken room id.
  return roomId !== null && (match[2] === undefined || decoded(match[2]) !== null) ? roomId : null;
}

/** The event id of a `/rooms/…/events/…` path, or null. */
export function eventIdFromPath(path: string): string | null {
  return decoded(ROOM_PATH.exec(path)?.[2]);
}
