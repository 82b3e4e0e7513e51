// What a test does on a room page, in the words a learner would use: the messages, one message,
// sending, and a message's actions.
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

/** The room's timeline. */
export const messages = (page: Page): Locator => page.getByRole("log", { name: "Messages" });

/** The message (an `article`) whose text contains `text`. */
export const message = (page: Page, text: string | RegExp): Locator =>
  messages(page).getByRole("article").filter({ hasText: text });

/** Types a message in the composer and sends it with Enter. */
export async function send(page: Page, text: string) {
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill(text);
  await box.press("Enter");
}

/** Hovers a message so its action bar shows, then clicks one of its actions. */
export async function messageAction(tile: Locator, name: string | RegExp) {
  await tile.hover();
  await tile
    .getByRole("toolbar", { name: "Message actions" })
    .getByRole("button", { name })
    .click();
}

/**
 * Waits until an `<img>` has really loaded a picture (not merely got a src). Each look is short,
 * so a picture that never comes fails inside `timeout`, saying what was there instead.
 */
export async function expectPictureLoaded(picture: Locator, timeout = 20_000) {
  await expect
    .poll(
      () =>
        picture
          .evaluate(
            (element) =>
              element instanceof HTMLImageElement && element.complete && element.naturalWidth > 0
                ? "loaded"
                : `not loaded: ${element.outerHTML.slice(0, 200)}`,
            undefined,
            { timeout: 1_000 },
          )
          .catch((error: unknown) => `no picture: ${(error as Error).message.split("\n")[0]}`),
      { timeout, interval: 100 },
    )
    .toBe("loaded");
}
