// The service worker of Web Push in Chromium, with the notification permission granted. No push
// service is reachable here, so the push is handed to the worker through the DevTools protocol
// (ServiceWorker.deliverPushMessage) carrying what the bridge's gateway sends: ids only. The app
// itself hands the worker its Matrix session, and the worker turns the ids into a notification.
import type { CDPSession } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { useChromium } from "./browser.ts";
import {
  type BrowserPage,
  createSharedRoom,
  type Learner,
  openPage,
  signInInBrowser,
  signUpLearner,
} from "./learners.ts";
import { eventually, sendEvent } from "./matrix.ts";

const stack = inject("stack");
const chromium = useChromium();

interface ShownNotification {
  title: string;
  body: string;
  tag: string;
  data: { url?: string } | null;
}

describe("the Web Push service worker", () => {
  let tom: Learner;
  let lucia: Learner;
  let roomId: string;
  let tab: BrowserPage;
  let cdp: CDPSession;
  let registrationId = "";

  const send = (type: string, content: Record<string, unknown>) =>
    sendEvent(stack.publicUrl, lucia.matrix.accessToken, roomId, content, type);

  const notifications = async (): Promise<ShownNotification[]> => {
    const [worker] = tab.context.serviceWorkers();
    if (!worker) return [];
    return worker.evaluate(async () => {
      const { registration } = self as unknown as { registration: ServiceWorkerRegistration };
      const shown = await registration.getNotifications();
      return shown.map((n: Notification) => ({
        title: n.title,
        body: n.body,
        tag: n.tag,
        data: n.data,
      }));
    });
  };

  const push = (data: unknown) =>
    cdp.send("ServiceWorker.deliverPushMessage", {
      origin: new URL(stack.publicUrl).origin,
      registrationId,
      data: JSON.stringify(data),
    });

  beforeAll(async () => {
    [tom, lucia] = await Promise.all([
      signUpLearner(stack, "Tom Worker"),
      signUpLearner(stack, "Lucia Worker"),
    ]);
    roomId = await createSharedRoom(stack, lucia, [tom], { name: "Spanish practice" });
    tab = await openPage(chromium());
    await tab.context.grantPermissions(["notifications"], { origin: stack.publicUrl });
    cdp = await tab.context.newCDPSession(tab.page);
    cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
      for (const registration of registrations) {
        if (registration.scopeURL === `${stack.publicUrl}/`) {
          registrationId = registration.registrationId;
        }
      }
    });
    await cdp.send("ServiceWorker.enable");
    await signInInBrowser(tab.page, stack, tom);
    // What enabling does in the browser, short of the push service Chromium cannot reach here:
    // the worker registered at the origin root, and this browser's pushkey remembered.
    await tab.page.evaluate(async () => {
      await navigator.serviceWorker.register("/push-sw.js", { scope: "/" });
      await navigator.serviceWorker.ready;
      localStorage.setItem("xstream.push.pushkey", "pushkey-from-the-bridge");
    });
    // On its next Matrix connection the app hands the worker its session.
    await tab.page.reload();
    await tab.page.getByRole("navigation", { name: "Main" }).waitFor();
    await eventually(
      () =>
        tab.page.evaluate(async () => {
          const cache = await caches.open("xstream-push");
          return (await cache.match("/push-sw/session")) ? true : undefined;
        }),
      "the app to hand its Matrix session to the worker",
      30_000,
    );
    await eventually(async () => (registrationId ? true : undefined), "the registration id");
    // The learner closed the app: no Xstream window is left to notify in the page.
    await tab.page.goto("about:blank");
  });

  afterAll(async () => {
    await tab?.context.close();
  });

  it("is served from the origin root as JavaScript", async () => {
    const response = await fetch(`${stack.publicUrl}/push-sw.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/javascript/);
  });

  it("shows the room and the message for a push of ids, and only 'New message' when encrypted", async () => {
    const eventId = await send("m.room.message", {
      msgtype: "m.text",
      body: "Nos vemos a las seis",
    });
    await push({ event_id: eventId, room_id: roomId, unread: 1 });
    const [shown] = await eventually(
      async () => ((await notifications()).length > 0 ? notifications() : undefined),
      "a notification",
      15_000,
    );
    expect(shown).toEqual({
      title: "Spanish practice",
      body: "Nos vemos a las seis",
      tag: roomId,
      data: { url: `/rooms/${encodeURIComponent(roomId)}` },
    });

    const encrypted = await send("m.room.encrypted", {
      algorithm: "m.megolm.v1.aes-sha2",
      ciphertext: "AwgAEnAcZ2Vr",
      device_id: "LUCIADEVICE",
      sender_key: "c2VuZGVyIGtleQ",
      session_id: "c2Vzc2lvbg",
    });
    await push({ event_id: encrypted, room_id: roomId, unread: 2 });
    // Same room, same tag: the newer notification replaces the first.
    const replaced = await eventually(async () => {
      const all = await notifications();
      return all.length === 1 && all[0]?.body === "New message" ? all : undefined;
    }, "the encrypted message's notification");
    expect(replaced[0]?.title).toBe("Spanish practice");
    expect(tab.errors).toEqual([]);
  });

  it("shows 'New message' for a push it cannot look up", async () => {
    await push({ event_id: "$forged:localhost", room_id: "!nowhere:localhost" });
    const shown = await eventually(async () => {
      const all = await notifications();
      return all.find((n) => n.tag === "!nowhere:localhost");
    }, "the notification for an unknown event");
    expect(shown).toMatchObject({ title: "Xstream", body: "New message" });
  });
});
