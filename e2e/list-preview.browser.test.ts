// The room list's first screenful straight after signing in, in Chromium against the real
// Synapse: one sliding sync request of the client's own, sent as soon as the Matrix login has
// answered, fills the Chats page while the SDK's own sync is held back; once that is let go,
// the SDK's list takes over without a row lost, doubled or moved.
import type { Page, Route } from "playwright-core";
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
import { createGroups, groupName, SLIDING_SYNC, SYNC_V2 } from "./many-rooms.ts";
import { sendEvent } from "./matrix.ts";

const stack = inject("stack");
const chromium = useChromium();

const GROUPS = 30;
/** Groups that get news after all were made, in this order: the latest tops the list. */
const NEWS_ORDER = [7, 3, 25, 12, 0, 18, 29, 5, 21, 14, 9, 27];
/** Rooms in the preview (PREVIEW_ROOMS in client/src/matrix/slidingPreview.ts). */
const PREVIEW_ROOMS = 12;
/** The preview's connection (PREVIEW_CONN_ID in client/src/matrix/slidingPreview.ts). */
const PREVIEW_CONN_ID = "xstream-list-preview";

/**
 * Set up before the page's own scripts: at each animation frame (just before the browser paints)
 * the names of the listed rooms, whenever they changed, in `window.xstreamListFrames`.
 */
const WATCH_LIST = `(() => {
  localStorage.removeItem("xstream:sync");
  const frames = [];
  window.xstreamListFrames = frames;
  let last = "";
  const check = () => {
    const names = [...document.querySelectorAll(".room-items .room-item .room-item__name")]
      .map((name) => name.textContent);
    const key = names.join("\\n");
    if (key !== last) { last = key; frames.push(names); }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})()`;

const roomItems = (page: Page) => page.locator(".room-items .room-item");
const names = (page: Page, section: string) =>
  page.getByRole("region", { name: section }).locator(".room-item__name").allTextContents();

describe("the room list before the SDK has synced", () => {
  let rosa: Learner;
  let ben: Learner;
  let browserPage: BrowserPage;

  beforeAll(async () => {
    [rosa, ben] = await Promise.all([
      signUpLearner(stack, "Rosa Preview"),
      signUpLearner(stack, "Ben Okafor"),
    ]);
    await createGroups(stack, rosa, GROUPS);
    for (const [step, index] of NEWS_ORDER.entries()) {
      const roomId = await roomIdOfGroup(index);
      await sendEvent(stack.publicUrl, rosa.matrix.accessToken, roomId, {
        msgtype: "m.text",
        body: `News ${step + 1}`,
      });
    }
    // Ben's direct room is the newest of all, with a message from him.
    const direct = await createSharedRoom(stack, ben, [rosa]);
    await sendEvent(stack.publicUrl, ben.matrix.accessToken, direct, {
      msgtype: "m.text",
      body: "Hi Rosa, tea later?",
    });
    browserPage = await openPage(chromium(), { initScript: WATCH_LIST });
  }, 300_000);

  afterAll(async () => {
    await browserPage?.context.close();
  });

  /** The room id of the group `createGroups` named for `index`, from Rosa's joined rooms. */
  const groupIds = new Map<string, string>();
  async function roomIdOfGroup(index: number): Promise<string> {
    if (groupIds.size === 0) {
      const response = await fetch(`${stack.publicUrl}/_matrix/client/v3/joined_rooms`, {
        headers: { Authorization: `Bearer ${rosa.matrix.accessToken}` },
      });
      const { joined_rooms: joined } = (await response.json()) as { joined_rooms: string[] };
      for (const roomId of joined) {
        const name = await fetch(
          `${stack.publicUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.name/`,
          { headers: { Authorization: `Bearer ${rosa.matrix.accessToken}` } },
        ).then((answer) => answer.json() as Promise<{ name?: string }>);
        if (name.name) groupIds.set(name.name, roomId);
      }
    }
    const roomId = groupIds.get(groupName(index));
    if (!roomId) throw new Error(`no room named ${groupName(index)}`);
    return roomId;
  }

  it("paints the first window from its own request while the SDK's sync is held, then hands over", async () => {
    const { page, errors } = browserPage;
    const previews: string[] = [];
    const held: Route[] = [];
    const route = async (route: Route) => {
      const body = route.request().postDataJSON() as {
        conn_id?: unknown;
        lists?: Record<string, unknown>;
      } | null;
      if (body?.conn_id === PREVIEW_CONN_ID) {
        previews.push(route.request().url());
        await route.continue();
      } else if (body?.lists && Object.keys(body.lists).length === 0 && !("extensions" in body)) {
        // The empty request that asks whether the homeserver serves sliding sync at all.
        await route.continue();
      } else {
        held.push(route);
      }
    };
    await page.route(SLIDING_SYNC, route);
    await page.route(SYNC_V2, route);
    const newest = NEWS_ORDER.toReversed().map(groupName);
    // The preview's rows: Ben's direct room, then the most recent groups.
    const previewed = ["Ben Okafor", ...newest.slice(0, PREVIEW_ROOMS - 1)];
    try {
      await signInInBrowser(page, stack, rosa);
      await page
        .getByRole("navigation", { name: "Main" })
        .getByRole("link", { name: "Chats" })
        .click();
      await expect
        .poll(() => roomItems(page).count(), { timeout: 30_000, interval: 100 })
        .toBe(PREVIEW_ROOMS);
      // The SDK has asked for its first sync and has no answer: what shows came from the preview.
      await expect.poll(() => held.length, { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
      expect(previews).toHaveLength(1);
      expect(await names(page, "Direct messages")).toEqual(["Ben Okafor"]);
      expect(await names(page, "Groups")).toEqual(previewed.slice(1));
      await expect(roomItems(page).first().textContent()).resolves.toContain(
        "Ben Okafor: Hi Rosa, tea later?",
      );
    } finally {
      await page.unroute(SLIDING_SYNC, route);
      await page.unroute(SYNC_V2, route);
      await Promise.all(held.map((held) => held.continue().catch(() => undefined)));
    }

    // The SDK's list: every room, Ben's message counted as unread (sliding sync's own counts are
    // placeholders, so only the SDK's list has it).
    await expect
      .poll(() => roomItems(page).count(), { timeout: 60_000, interval: 250 })
      .toBe(GROUPS + 1);
    await expect
      .poll(() => page.getByRole("link", { name: /^Ben Okafor, 1 unread$/ }).count(), {
        timeout: 30_000,
      })
      .toBe(1);
    expect((await names(page, "Groups")).slice(0, newest.length)).toEqual(newest);

    // Frame by frame: once rooms showed, never fewer of them, never one twice, and the rooms
    // the preview ordered never moved.
    const frames = (await page.evaluate("window.xstreamListFrames")) as string[][];
    const shown = frames.filter((frame) => frame.length > 0);
    expect(shown.length).toBeGreaterThan(1);
    let before = 0;
    for (const frame of shown) {
      expect(frame.length).toBeGreaterThanOrEqual(before);
      before = frame.length;
      expect(new Set(frame).size).toBe(frame.length);
      expect(frame.slice(0, previewed.length)).toEqual(previewed);
    }
    expect(errors).toEqual([]);
  }, 180_000);
});
