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
} as const;

const ROOM_PATH = /^\/rooms\/([^/]+)$/;

/** The in-app path of a Matrix room, e.g. `/rooms/!abc%3Aexample.org`. */
export function roomPath(roomId: string): string {
  return `/rooms/${encodeURIComponent(roomId)}`;
}

/** The Matrix room id in a `/rooms/…` path, or null for any other path. */
export function roomIdFromPath(path: string): string | null {
  const encoded = ROOM_PATH.exec(path)?.[1];
  if (encoded === undefined) return null;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}
