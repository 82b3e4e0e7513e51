// Browser notifications against the real stack. Tom and Lucía become partners through the
// bridge's API; Tom's browser joins the bot's room with no click. Then, with the notification
// permission granted, Tom's tab (on another page, or in another window) gets a notification for
// Lucía's messages and for her ring, none for his own messages or a muted room; the settings are
// push rules a plain client-server call reads back. The page's Notification constructor is
// wrapped to record what the app shows: the app's own decision is what is observed.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { artifactPath, useChromium } from "./browser.ts";
import {
  type BrowserPage,
  createSharedRoom,
  type Learner,
  openPage,
  signedInInRoom,
  signInInBrowser,
  signUpLearner,
} from "./learners.ts";
import { eventually, matrixRequest } from "./matrix.ts";

const stack = inject("stack");
const chromium = useChromium({ fakeMedia: true });

type Recorded = { title: string; body: string; tag: string; at: number };

/** Records every notification the page constructs; `__clickNotification(i)` clicks one. */
const RECORD_NOTIFICATIONS = () => {
  const Real = window.Notification;
  const shown: Notification[] = [];
  const recorded: { title: string; body: string; tag: string; at: number }[] = [];
  class Recording extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      recorded.push({ title, body: options?.body ?? "", tag: options?.tag ?? "", at: Date.now() });
      shown.push(this);
    }
  }
  Object.defineProperty(Recording, "permission", { get: () => Real.permission });
  Object.defineProperty(Recording, "requestPermission", {
    value: (...args: []) => Real.requestPermission(...args),
  });
  Object.assign(window, {
    Notification: Recording,
    __notifications: recorded,
    __clickNotification: (index: number) => shown[index]?.dispatchEvent(new Event("click")),
  });
};

const recorded = (page: Page) =>
  page.evaluate(() => (window as unknown as { __notifications: Recorded[] }).__notifications);

/** Waits for the notification whose text includes `text`, and returns it with its index. */
async function notificationWith(page: Page, text: string): Promise<Recorded & { index: number }> {
  return eventually(
    async () => {
      const all = await recorded(page);
      const index = all.findIndex((n) => n.body.includes(text) || n.title.includes(text));
      return index >= 0 ? { ...(all[index] as Recorded), index } : undefined;
    },
    `a notification saying "${text}"`,
    30_000,
  );
}

async function sendText(learner: Learner, roomId: string, body: string): Promise<number> {
  const sentAt = Date.now();
  await matrixRequest(
    stack.publicUrl,
    "PUT",
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${crypto.randomUUID()}`,
    { token: learner.matrix.accessToken, body: { msgtype: "m.text", body } },
  );
  return sentAt;
}

type PushRule = { rule_id: string; enabled: boolean; actions: unknown[]; conditions?: unknown[] };
type PushRules = { global: Record<"override" | "room" | "underride", PushRule[]> };

const pushRulesOf = (learner: Learner) =>
  matrixRequest<PushRules>(stack.publicUrl, "GET", "/_matrix/client/v3/pushrules/", {
    token: learner.matrix.accessToken,
  });

async function setProfile(learner: Learner, native: string, learning: string) {
  const saved = await learner.session.request("PUT", "/api/profile", {
    native: [native],
    learning: [{ language: learning, level: "B1" }],
    interests: [],
    timezone: "Europe/Madrid",
    availability: [],
    bio: "",
    // Discoverable, as requests need; Māori and Hawaiian so no other test meets them.
    discoverable: true,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
}

describe("notifications in the browser", () => {
  let tom: Learner;
  let lucia: Learner;
  let tomPage: BrowserPage;
  let partnerRoom: string;
  let otherRoom: string;
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    [tom, lucia] = await Promise.all([
      signUpLearner(stack, "Tom Baker"),
      signUpLearner(stack, "Lucia Ortega"),
    ]);
    await Promise.all([setProfile(tom, "mi", "haw"), setProfile(lucia, "haw", "mi")]);
    otherRoom = await createSharedRoom(stack, lucia, [tom]);
    tomPage = await openPage(chromium(), {
      permissions: ["notifications"],
      initScript: RECORD_NOTIFICATIONS,
    });
    await signInInBrowser(tomPage.page, stack, tom);
  });

  afterAll(async () => {
    await tomPage?.context.close();
    console.log(`notification figures: ${JSON.stringify(figures)}`);
  });

  it("joins the partner room without a click once Lucía accepts Tom's request", async () => {
    const { page } = tomPage;
    // Another learner's invite, which must keep its Accept/Decline.
    const mallory = await signUpLearner(stack, "Mallory Reed");
    const { room_id: malloryRoom } = await matrixRequest<{ room_id: string }>(
      stack.publicUrl,
      "POST",
      "/_matrix/client/v3/createRoom",
      {
        token: mallory.matrix.accessToken,
        body: { preset: "private_chat", is_direct: true, invite: [tom.matrix.userId] },
      },
    );
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Chats" })
      .click();
    const sent = await tom.session.request<{ request: { id: string } }>(
      "POST",
      "/api/partners/requests",
      { user_id: lucia.matrix.userId },
    );
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const accepted = await lucia.session.request(
      "POST",
      `/api/partners/requests/${sent.body.request.id}/accept`,
    );
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    partnerRoom = await eventually(async () => {
      const listed = await lucia.session.request<{ partners: { room_id: string | null }[] }>(
        "GET",
        "/api/partners",
      );
      return listed.body.partners[0]?.room_id ?? undefined;
    }, "the partner room");

    // Tom's browser is in the room with nobody clicking: Synapse says he has joined.
    await eventually(
      async () => {
        const { joined_rooms } = await matrixRequest<{ joined_rooms: string[] }>(
          stack.publicUrl,
          "GET",
          "/_matrix/client/v3/joined_rooms",
          { token: tom.matrix.accessToken },
        );
        return joined_rooms.includes(partnerRoom) ? true : undefined;
      },
      "Tom to have joined the partner room",
      30_000,
    );
    await eventually(
      () =>
        matrixRequest(
          stack.publicUrl,
          "POST",
          `/_matrix/client/v3/join/${encodeURIComponent(partnerRoom)}`,
          { token: lucia.matrix.accessToken, body: {} },
        ),
      "Lucía to join the partner room",
    );
    // The Chats page lists it as a chat named after Lucía (like the one she made), no invite left.
    const chats = page.getByRole("main");
    await expect
      .poll(() => chats.getByRole("link", { name: /Lucia Ortega/ }).count(), { timeout: 20_000 })
      .toBe(2);
    // Only Mallory's invite is left to answer.
    await expect
      .poll(() => chats.getByRole("button", { name: "Accept" }).count(), { timeout: 20_000 })
      .toBe(1);
    const malloryState = await matrixRequest<{ membership: string }>(
      stack.publicUrl,
      "GET",
      `/_matrix/client/v3/rooms/${encodeURIComponent(malloryRoom)}/state/m.room.member/${encodeURIComponent(tom.matrix.userId)}`,
      { token: mallory.matrix.accessToken },
    );
    expect(malloryState.membership).toBe("invite");
    await page.screenshot({ path: artifactPath("notifications-chats.png") });
  });

  it("notifies a partner's message in a room Tom is not reading, and opens it on click", async () => {
    const { page } = tomPage;
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Settings" })
      .click();
    await page
      .getByText("This browser shows Xstream's notifications.")
      .waitFor({ timeout: 10_000 });
    const sentAt = await sendText(lucia, partnerRoom, "¿Hablamos mañana a las seis?");
    const shown = await notificationWith(page, "Hablamos mañana");
    figures.sendToNotificationMs = shown.at - sentAt;
    expect(shown.title).toBe("Lucia Ortega");
    expect(shown.at - sentAt).toBeLessThan(10_000);
    await expect.poll(() => page.title()).toMatch(/^\(\d+\) Xstream$/);

    await page.evaluate(
      (index) =>
        (window as unknown as { __clickNotification(i: number): void }).__clickNotification(index),
      shown.index,
    );
    await page.waitForURL(`**/rooms/${encodeURIComponent(partnerRoom)}`);
    await page.getByRole("log", { name: "Messages" }).getByText("Hablamos mañana").waitFor();
    // Named after the partner, though the bot named the room after both of them for Element.
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe("Lucia Ortega");
  });

  it("stays quiet for Tom's own messages and for a muted room", async () => {
    const { page } = tomPage;
    // Mute the partner room from its header, and check the push rule Element would read.
    await page.getByRole("combobox", { name: "Notifications" }).selectOption("off");
    const muted = await eventually(async () => {
      const rules = await pushRulesOf(tom);
      return rules.global.override.find((rule) => rule.rule_id === partnerRoom);
    }, "the room's override rule");
    expect(muted.actions).toEqual([]);
    expect(muted.conditions).toEqual([
      { kind: "event_match", key: "room_id", pattern: partnerRoom },
    ]);

    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Chats" })
      .click();
    await sendText(tom, otherRoom, "my own words from another device");
    await sendText(lucia, partnerRoom, "a message in the muted room");
    // A message that does notify, sent last: once it shows, the earlier ones had their chance.
    await sendText(lucia, otherRoom, "and one in the unmuted room");
    await notificationWith(page, "and one in the unmuted room");
    const bodies = (await recorded(page)).map((n) => n.body);
    expect(bodies.some((body) => body.includes("own words"))).toBe(false);
    expect(bodies.some((body) => body.includes("muted room") && !body.includes("unmuted"))).toBe(
      false,
    );
  });

  it("keeps the global choice as push rules and shows it again after a reload", async () => {
    const { page } = tomPage;
    await page.goto(`${stack.publicUrl}/settings`);
    await page.getByRole("radio", { name: "Mentions only" }).click();
    await eventually(async () => {
      const rules = await pushRulesOf(tom);
      const message = rules.global.underride.find((rule) => rule.rule_id === ".m.rule.message");
      const direct = rules.global.underride.find((r) => r.rule_id === ".m.rule.room_one_to_one");
      return message?.actions.length === 0 && direct?.actions.length === 0 ? true : undefined;
    }, "the message rules to stop notifying");
    await page.reload();
    await expect
      .poll(() => page.getByRole("radio", { name: "Mentions only" }).isChecked(), {
        timeout: 20_000,
      })
      .toBe(true);

    await page.getByRole("radio", { name: "All messages" }).click();
    await eventually(async () => {
      const rules = await pushRulesOf(tom);
      const direct = rules.global.underride.find((r) => r.rule_id === ".m.rule.room_one_to_one");
      return direct?.actions.includes("notify") ? true : undefined;
    }, "the message rules to notify again");
  });

  it("rings while Tom's window is in the background; Lucía is offered notifications only after writing", {
    timeout: 90_000,
  }, async () => {
    const { page, context } = tomPage;
    // Playwright keeps every page focused; let this one lose the focus to another window.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setFocusEmulationEnabled", { enabled: false });
    const elsewhere = await context.newPage();
    await elsewhere.goto("about:blank");
    await elsewhere.bringToFront();
    await expect.poll(() => page.evaluate(() => document.hasFocus())).toBe(false);

    const luciaPage = await signedInInRoom(chromium(), stack, lucia, otherRoom);
    try {
      // Lucía's browser was never granted notifications: nothing asked on load, and the offer
      // comes once she writes.
      const lp = luciaPage.page;
      const offer = lp.getByRole("region", { name: "Notifications" });
      expect(await lp.evaluate(() => Notification.permission)).toBe("default");
      expect(await offer.count()).toBe(0);
      await lp.getByRole("textbox", { name: "Message" }).fill("Te llamo ahora");
      await lp.getByRole("textbox", { name: "Message" }).press("Enter");
      await offer.getByRole("button", { name: "Turn on notifications" }).waitFor();
      await offer.getByRole("button", { name: "Not now" }).click();
      await offer.waitFor({ state: "detached" });

      const calledAt = Date.now();
      await luciaPage.page.getByRole("button", { name: "Start voice call" }).click();
      const ring = await notificationWith(page, "Incoming voice call");
      figures.callToRingNotificationMs = ring.at - calledAt;
      expect(ring.body).toContain("Lucia Ortega");
      expect(luciaPage.errors).toEqual([]);
    } finally {
      await luciaPage.context.close();
    }
    expect(tomPage.errors).toEqual([]);
  });
});
