// Xstream's service worker, for Web Push while no Xstream tab is open. The bridge's push gateway
// sends only ids (event, room) and the unread count, never message text. The worker looks the
// event up with the learner's Matrix access token when the page left it one (see
// src/features/push/backgroundPush.ts); an encrypted message stays "New message", since the
// keys to read it live in the page. It has no fetch handler: the app's requests never pass here.
// A classic script served as-is from the origin root (client/public), so its scope covers the app.

const SESSION_CACHE = "xstream-push";
const SESSION_KEY = "/push-sw/session";
const LOOKUP_TIMEOUT_MS = 4000;
const BODY_MAX_CHARS = 160;
const GENERIC = "New message";

self.addEventListener("install", () => {
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

// The page hands over (or, on sign-out, takes back) what the worker needs to look events up.
self.addEventListener("message", (event) => {
  const data = event.data;
  if (data?.type !== "xstream-push-session") return;
  event.waitUntil(saveSession(data.session ?? null));
});

self.addEventListener("push", (event) => {
  event.waitUntil(onPush(event));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openApp(event.notification.data?.url ?? "/"));
});

async function saveSession(session) {
  const cache = await caches.open(SESSION_CACHE);
  if (
    session &&
    typeof session.baseUrl === "string" &&
    typeof session.accessToken === "string" &&
    new URL(session.baseUrl).origin === self.location.origin
  ) {
    await cache.put(SESSION_KEY, new Response(JSON.stringify(session)));
  } else {
    await cache.delete(SESSION_KEY);
  }
}

async function loadSession() {
  const cache = await caches.open(SESSION_CACHE);
  const stored = await cache.match(SESSION_KEY);
  if (!stored) return null;
  try {
    return await stored.json();
  } catch {
    return null;
  }
}

function readMessage(event) {
  try {
    const data = event.data ? event.data.json() : {};
    return {
      eventId: typeof data.event_id === "string" ? data.event_id : null,
      roomId: typeof data.room_id === "string" ? data.room_id : null,
      unread: Number.isSafeInteger(data.unread) ? data.unread : null,
    };
  } catch {
    return { eventId: null, roomId: null, unread: null };
  }
}

async function matrixGet(session, path) {
  const response = await fetch(`${session.baseUrl}${path}`, {
    headers: { Authorization: `Bearer ${session.accessToken}` },
    signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
  });
  return response.ok ? response.json() : null;
}

/** Title and body: the room's name and the message when they can be read, else "New message". */
async function describe(message) {
  const fallback = { title: "Xstream", body: GENERIC };
  const session = await loadSession();
  if (!session || !message.roomId || !message.eventId) return fallback;
  const room = encodeURIComponent(message.roomId);
  try {
    const [event, name] = await Promise.all([
      matrixGet(
        session,
        `/_matrix/client/v3/rooms/${room}/event/${encodeURIComponent(message.eventId)}`,
      ),
      matrixGet(session, `/_matrix/client/v3/rooms/${room}/state/m.room.name/`).catch(() => null),
    ]);
    if (!event) return fallback;
    const sender =
      typeof event.sender === "string"
        ? await matrixGet(
            session,
            `/_matrix/client/v3/profile/${encodeURIComponent(event.sender)}/displayname`,
          ).catch(() => null)
        : null;
    const title =
      (typeof name?.name === "string" && name.name) ||
      (typeof sender?.displayname === "string" && sender.displayname) ||
      fallback.title;
    const text =
      event.type === "m.room.message" && typeof event.content?.body === "string"
        ? event.content.body
        : GENERIC;
    const body = text.length > BODY_MAX_CHARS ? `${text.slice(0, BODY_MAX_CHARS - 1)}…` : text;
    return { title, body };
  } catch {
    return fallback;
  }
}

async function onPush(event) {
  const message = readMessage(event);
  if (Number.isSafeInteger(message.unread) && self.navigator.setAppBadge) {
    await self.navigator.setAppBadge(message.unread).catch(() => {});
  }
  // An open, visible tab notifies in the page itself (the learner's push rules decide there).
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  if (windows.some((client) => client.visibilityState === "visible")) return;
  const { title, body } = await describe(message);
  const url = message.roomId ? `/rooms/${encodeURIComponent(message.roomId)}` : "/chats";
  await self.registration.showNotification(title, {
    body,
    icon: "/favicon.svg",
    // One notification per room, replaced by the newest message.
    tag: message.roomId ?? "xstream",
    renotify: true,
    data: { url },
  });
}

async function openApp(url) {
  const target = new URL(url, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const same = windows.find((client) => client.url === target);
  if (same) return same.focus();
  const any = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (any) {
    await any.focus();
    // navigate() works on windows this worker controls; others get a window of their own.
    const navigated = await any.navigate(target).catch(() => null);
    if (navigated) return navigated;
  }
  return self.clients.openWindow(target);
}
