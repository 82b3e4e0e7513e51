// The timeline's scrolling in a real browser: it opens at the newest message, follows new ones
// while the reader is at the bottom, keeps still while they read older ones, loads older history
// without moving what is on screen, and jumps to the end when they send. Rows are virtualised and
// of different heights, measured by the browser after they are put in the page.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { useChromium } from "./browser.ts";
import {
  type BrowserPage,
  createSharedRoom,
  type Learner,
  signedInInRoom,
  signUpLearner,
} from "./learners.ts";
import { sendEvent } from "./matrix.ts";
import { message, messages, send } from "./room-page.ts";

const stack = inject("stack");
const chromium = useChromium();

/** Enough for several pages of history (the client asks for 30 events at a time). */
const HISTORY = 92;

/** Every fifth message is a paragraph, so rows differ in height. */
const isLong = (index: number) => index % 5 === 0;

/** How a history message begins: enough to find its tile, and only its. */
const opening = (index: number) => `History ${index}${isLong(index) ? ":" : "."}`;

const historyText = (index: number) =>
  isLong(index)
    ? `${opening(index)} ${"a longer story that wraps over several lines in the timeline, ".repeat(4)}`
    : opening(index);

/** Where the log is scrolled, and how far from its end. */
function scrollState(page: Page) {
  return messages(page).evaluate((log) => ({
    top: log.scrollTop,
    fromEnd: log.scrollHeight - log.clientHeight - log.scrollTop,
  }));
}

/** The top of a message's tile, relative to the top of the log's visible area. */
function offsetInLog(page: Page, text: string) {
  return message(page, text).evaluate((tile) => {
    const log = tile.closest('[role="log"]');
    if (!log) throw new Error("the message is not in the timeline");
    return tile.getBoundingClientRect().top - log.getBoundingClientRect().top;
  });
}

describe("scrolling the timeline", () => {
  let reader: Learner;
  let writer: Learner;
  let roomId: string;
  let browser: BrowserPage;

  beforeAll(async () => {
    [reader, writer] = await Promise.all([
      signUpLearner(stack, "Rita Reader"),
      signUpLearner(stack, "Walt Writer"),
    ]);
    roomId = await createSharedRoom(stack, writer, [reader]);
    for (let index = 1; index <= HISTORY; index++) {
      await sendEvent(stack.publicUrl, writer.matrix.accessToken, roomId, {
        msgtype: "m.text",
        body: historyText(index),
      });
    }
    browser = await signedInInRoom(chromium(), stack, reader, roomId);
  });

  afterAll(async () => {
    await browser?.context.close();
  });

  it("opens at the newest message, and follows new ones while at the bottom", async () => {
    const { page } = browser;
    await message(page, opening(HISTORY)).waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await scrollState(page)).fromEnd).toBeLessThanOrEqual(1);

    await sendEvent(stack.publicUrl, writer.matrix.accessToken, roomId, {
      msgtype: "m.text",
      body: `Fresh: ${"a new message long enough to take two lines or more, ".repeat(3)}`,
    });
    await message(page, "Fresh:").waitFor({ timeout: 20_000 });
    // Measured by the browser once in the page: the view ends at its real bottom, not an estimate's.
    await expect.poll(async () => (await scrollState(page)).fromEnd).toBeLessThanOrEqual(1);
    expect(browser.errors).toEqual([]);
  });

  it("loads older history at the top without moving what the reader looks at", async () => {
    const { page } = browser;
    let pages = 0;
    while ((await message(page, opening(1)).count()) === 0) {
      expect(pages++).toBeLessThan(10);
      // Scrolled to the top, as a reader does. Within the same frame (before any older history can
      // arrive) the timeline has drawn what is there: note the first message on screen and the
      // earliest one in the page.
      const seen = await messages(page).evaluate(
        (log) =>
          new Promise<{ index: number; offset: number; earliest: number }>((resolve, reject) => {
            log.scrollTop = 0;
            requestAnimationFrame(() => {
              const logTop = log.getBoundingClientRect().top;
              const indexOf = (tile: Element) =>
                Number(/History (\d+)/.exec(tile.textContent ?? "")?.[1] ?? Number.NaN);
              const tiles = Array.from(log.querySelectorAll("article")).filter(
                (tile) => !Number.isNaN(indexOf(tile)),
              );
              const onScreen = tiles.find((tile) => {
                const { top, bottom } = tile.getBoundingClientRect();
                return bottom > logTop && top >= logTop - 1;
              });
              if (!onScreen) return reject(new Error("no message on screen"));
              resolve({
                index: indexOf(onScreen),
                offset: onScreen.getBoundingClientRect().top - logTop,
                earliest: Math.min(...tiles.map(indexOf)),
              });
            });
          }),
      );
      if (seen.earliest === 1) break; // All of it was loaded already.
      // The older page has come once an earlier message is in the page.
      await expect
        .poll(
          () =>
            messages(page)
              .getByRole("article")
              .evaluateAll((tiles) =>
                Math.min(
                  ...tiles.map((tile) =>
                    Number(
                      /History (\d+)/.exec(tile.textContent ?? "")?.[1] ?? Number.POSITIVE_INFINITY,
                    ),
                  ),
                ),
              ),
          { timeout: 20_000 },
        )
        .toBeLessThan(seen.earliest);
      // Two frames: the browser has measured the new rows, and the timeline has answered.
      await page.evaluate(
        () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
      );
      const offset = await offsetInLog(page, opening(seen.index));
      // Within half a line: before, the view jumped to the oldest rows just loaded.
      expect(Math.abs(offset - seen.offset)).toBeLessThanOrEqual(8);
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    await page.getByText("This is the start of the conversation.").waitFor();
  });

  it("keeps still while the reader is up in the history, then jumps to the end when they send", async () => {
    const { page } = browser;
    await message(page, opening(10)).scrollIntoViewIfNeeded();
    const before = await offsetInLog(page, opening(10));
    const { fromEnd } = await scrollState(page);
    expect(fromEnd).toBeGreaterThan(200);

    const height = await messages(page).evaluate((log) => log.scrollHeight);
    await sendEvent(stack.publicUrl, writer.matrix.accessToken, roomId, {
      msgtype: "m.text",
      body: "While you were reading.",
    });
    // The new message has come (the timeline grew below, out of view), and the reader's place has
    // not moved.
    await expect
      .poll(() => messages(page).evaluate((log) => log.scrollHeight), { timeout: 20_000 })
      .toBeGreaterThan(height);
    await page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
    );
    const after = await offsetInLog(page, opening(10));
    expect(Math.abs(after - before)).toBeLessThanOrEqual(2);

    await send(page, "Back to the present.");
    await message(page, "Back to the present.").waitFor({ timeout: 20_000 });
    await expect.poll(async () => (await scrollState(page)).fromEnd).toBeLessThanOrEqual(1);
    await message(page, "While you were reading.").waitFor();
    expect(browser.errors).toEqual([]);
  });
});
