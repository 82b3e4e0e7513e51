// How the web client syncs, in Chromium against the real Synapse: simplified sliding sync
// (MSC4186) for a learner in 200 rooms, /sync v2 when the homeserver lacks it, and a reload that
// shows the rooms it kept before Matrix has logged in, then the cached rooms and the open room
// while the homeserver's sync is held back, and the kept rooms before the bridge has confirmed
// the session (gone when it refuses).
import type { Page, Request, Route } from "playwright-core";
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
import { createGroups, groupName, HAS_CACHED_SYNC, SLIDING_SYNC, SYNC_V2 } from "./many-rooms.ts";
import { sendEvent } from "./matrix.ts";
import { message } from "./room-page.ts";

const stack = inject("stack");
const chromium = useChromium();

const ROOMS = 200;
const MATRIX_LOGIN = "**/_matrix/client/v3/login";
const SESSION_CHECK = "**/api/auth/refresh";

const isSlidingSync = (request: Request) =>
  request.url().includes("/org.matrix.simplified_msc3575/sync");
const isSyncV2 = (request: Request) => /\/_matrix\/client\/v3\/sync(\?|$)/.test(request.url());

const roomItems = (page: Page) => page.locator(".room-items .room-item");

async function openChats(page: Page) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Chats" }).click();
}

describe("syncing the web client", () => {
  let rosa: Learner;
  let ben: Learner;
  let sharedRoom: string;
  let browserPage: BrowserPage;
  const syncRequests: string[] = [];

  beforeAll(async () => {
    [rosa, ben] = await Promise.all([
      signUpLearner(stack, "Rosa Rooms"),
      signUpLearner(stack, "Ben Okafor"),
    ]);
    await createGroups(stack, rosa, ROOMS);
    // The room with Ben is the newest, so it tops the list; it has more history than a listed
    // room carries, which only opening it brings.
    sharedRoom = await createSharedRoom(stack, ben, [rosa], { name: "Tea with Ben" });
    for (let i = 1; i <= 12; i++) {
      await sendEvent(stack.publicUrl, ben.matrix.accessToken, sharedRoom, {
        msgtype: "m.text",
        body: `history message ${i} of 12`,
      });
    }
    browserPage = await openPage(chromium());
    browserPage.page.on("request", (request) => {
      if (isSlidingSync(request) || isSyncV2(request)) syncRequests.push(request.url());
    });
  }, 300_000);

  afterAll(async () => {
    await browserPage?.context.close();
  });

  it("lists 200 rooms through sliding sync, loads an opened room's history and keeps it live", async () => {
    const { page, errors } = browserPage;
    await signInInBrowser(page, stack, rosa);
    await openChats(page);
    await expect
      .poll(() => roomItems(page).count(), { timeout: 60_000, interval: 250 })
      .toBe(ROOMS + 1);
    await expect(roomItems(page).first().textContent()).resolves.toContain("Tea with Ben");
    await expect(
      page.locator(".room-item__name", { hasText: new RegExp(`^${groupName(0)}$`) }).count(),
    ).resolves.toBe(1);

    // Ben's messages are unread (counted by the client: sliding sync's counts are placeholders).
    const benLink = roomItems(page).first().locator(".room-item__link");
    await expect
      .poll(() => benLink.getAttribute("aria-label"), { timeout: 20_000 })
      .toMatch(/^Tea with Ben, \d+ unread$/);

    // Opened from the list, in the same page: the list carried the latest few messages, the
    // opened room brings the rest.
    await benLink.click();
    await page.getByRole("log", { name: "Messages" }).waitFor({ timeout: 30_000 });
    await message(page, "history message 1 of 12").waitFor({ timeout: 20_000 });
    await message(page, "history message 12 of 12").waitFor();
    await sendEvent(stack.publicUrl, ben.matrix.accessToken, sharedRoom, {
      msgtype: "m.text",
      body: "Are you there, Rosa?",
    });
    await message(page, "Are you there, Rosa?").waitFor({ timeout: 20_000 });
    // Read here: back on the list, the room has nothing unread.
    await openChats(page);
    await expect
      .poll(() => roomItems(page).first().locator(".room-item__link").getAttribute("aria-label"), {
        timeout: 20_000,
      })
      .toBe("Tea with Ben");

    const seen = JSON.stringify(syncRequests.slice(0, 5));
    expect(
      syncRequests.filter((url) => url.includes("simplified_msc3575")).length,
      seen,
    ).toBeGreaterThan(0);
    // No /sync v2 loop: at most the one snapshot that fills the cache for the next start.
    const v2 = syncRequests.filter((url) => !url.includes("simplified_msc3575"));
    expect(v2.length).toBeLessThanOrEqual(1);
    for (const url of v2) expect(new URL(url).searchParams.get("timeout")).toBe("0");
    expect(errors).toEqual([]);
  }, 120_000);

  it("shows the cached rooms and the open room after a reload while sync is held back", async () => {
    const { page, errors } = browserPage;
    await expect
      .poll(() => page.evaluate(HAS_CACHED_SYNC), { timeout: 60_000, interval: 500 })
      .toBe(true);

    const held: Route[] = [];
    const hold = (route: Route) => {
      held.push(route);
    };
    const logins: Route[] = [];
    const holdLogin = (route: Route) => {
      logins.push(route);
    };
    await page.route(SLIDING_SYNC, hold);
    await page.route(SYNC_V2, hold);
    await page.route(MATRIX_LOGIN, holdLogin);
    try {
      // Before Matrix has even logged in, the Chats page shows the rooms it kept last time.
      await openChats(page);
      await page.reload();
      await expect
        .poll(() => roomItems(page).count(), { timeout: 20_000, interval: 250 })
        .toBeGreaterThanOrEqual(10);
      await expect(roomItems(page).first().textContent()).resolves.toContain("Tea with Ben");
      await page.unroute(MATRIX_LOGIN, holdLogin);
      await Promise.all(logins.map((route) => route.continue()));

      // Then the sync cache: the whole list, and the open room, reloaded on the room's page.
      await expect
        .poll(() => roomItems(page).count(), { timeout: 30_000, interval: 250 })
        .toBe(ROOMS + 1);
      await roomItems(page).first().locator(".room-item__link").click();
      await message(page, "history message 12 of 12").waitFor({ timeout: 30_000 });
      await page.reload();
      await message(page, "history message 12 of 12").waitFor({ timeout: 30_000 });
      await openChats(page);
      await expect
        .poll(() => roomItems(page).count(), { timeout: 20_000, interval: 250 })
        .toBe(ROOMS + 1);
      // Everything above came from the cache: the homeserver has not answered a sync.
      expect(held.length).toBeGreaterThan(0);

      await sendEvent(stack.publicUrl, ben.matrix.accessToken, sharedRoom, {
        msgtype: "m.text",
        body: "Written while you were away",
      });
    } finally {
      await page.unroute(SLIDING_SYNC, hold);
      await page.unroute(SYNC_V2, hold);
      await Promise.all(held.map((route) => route.continue().catch(() => undefined)));
    }
    // Once the network answers, the cached client catches up.
    await expect
      .poll(() => roomItems(page).first().textContent(), { timeout: 30_000 })
      .toContain("Written while you were away");
    expect(errors).toEqual([]);
  }, 120_000);

  it("shows the cached rooms before the session check answers, and drops them when it is refused", async () => {
    const { context, page, errors } = browserPage;
    const checks: Route[] = [];
    const holdCheck = (route: Route) => {
      checks.push(route);
    };
    await page.route(SESSION_CHECK, holdCheck);
    try {
      // The bridge has not answered whether the session lives: the kept rooms show already.
      await openChats(page);
      await page.reload();
      await expect
        .poll(() => roomItems(page).count(), { timeout: 20_000, interval: 100 })
        .toBeGreaterThanOrEqual(10);
      expect(checks.length).toBe(1);
      await expect(page.getByRole("button", { name: "Sign out" }).isDisabled()).resolves.toBe(true);
      await checks[0]?.continue();
      // Confirmed: the same page goes on, signed in.
      await expect
        .poll(() => page.getByRole("button", { name: "Sign out" }).isEnabled(), { timeout: 20_000 })
        .toBe(true);
      expect(await roomItems(page).count()).toBeGreaterThanOrEqual(10);

      // The session's cookies are gone (as when it expired): the bridge refuses the check, and
      // the rooms go with it, from the screen and from the browser.
      await context.clearCookies();
      await page.reload();
      await expect
        .poll(() => roomItems(page).count(), { timeout: 20_000, interval: 100 })
        .toBeGreaterThanOrEqual(10);
      await checks[1]?.continue();
      await page.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 20_000 });
      expect(await roomItems(page).count()).toBe(0);
      const kept = await page.evaluate(() =>
        Object.keys(localStorage).filter(
          (key) => key.startsWith("xstream:room-list:") || key === "xstream:signed-in-user",
        ),
      );
      expect(kept).toEqual([]);
      // So do the synced rooms and the keys in IndexedDB (deleted in the background).
      await expect
        .poll(
          () =>
            page.evaluate(async () =>
              (await indexedDB.databases())
                .map((database) => database.name ?? "")
                .filter((name) => /^(matrix-js-sdk:xstream-sync|xstream-crypto)\//.test(name)),
            ),
          { timeout: 10_000 },
        )
        .toEqual([]);
      await page.reload();
      await page.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 20_000 });
      expect(checks.length).toBe(2);
      expect(errors).toEqual([]);
    } finally {
      await page.unroute(SESSION_CHECK, holdCheck);
      await Promise.all(checks.map((route) => route.continue().catch(() => undefined)));
    }
  }, 120_000);

  it("falls back to /sync v2 when the homeserver does not offer sliding sync", async () => {
    const { context, page, errors } = await openPage(chromium());
    const v2: string[] = [];
    page.on("request", (request) => {
      if (isSyncV2(request)) v2.push(request.url());
    });
    // What Synapse answers for an endpoint it does not serve.
    await page.route(SLIDING_SYNC, (route) =>
      route.fulfill({
        status: 404,
        contentType: "application/json",
        body: JSON.stringify({ errcode: "M_UNRECOGNIZED", error: "Unrecognized request" }),
      }),
    );
    try {
      await signInInBrowser(page, stack, rosa);
      await openChats(page);
      await expect
        .poll(() => roomItems(page).count(), { timeout: 60_000, interval: 250 })
        .toBe(ROOMS + 1);
      expect(v2.length).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
