// The connection in two browsers against the real stack: a partner whose tab is open shows as
// online; going offline shows the banner and keeps what is typed, in order, until the browser is
// back online, when it all arrives on the other side in the same order. Also the room page's
// screenshots in the light and dark themes.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { artifactPath, useChromium } from "./browser.ts";
import { type BrowserPage, type Learner, twoLearnersInRoom } from "./learners.ts";
import { matrixRequest } from "./matrix.ts";
import { message, messages, send } from "./room-page.ts";

const stack = inject("stack");
const chromium = useChromium();

const OFFLINE_MESSAGES = ["Offline one", "Offline two", "Offline three"];

const offlineBanner = (page: Page) =>
  page.getByText("You're offline — messages will send when you reconnect.");

/** The bodies of the room's latest text messages on the homeserver, oldest first. */
async function bodiesOnServer(learner: Learner, roomId: string): Promise<string[]> {
  const { chunk } = await matrixRequest<{
    chunk: { type: string; content: { body?: unknown } }[];
  }>(
    stack.publicUrl,
    "GET",
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=50`,
    { token: learner.matrix.accessToken },
  );
  return chunk
    .filter((event) => event.type === "m.room.message" && typeof event.content.body === "string")
    .map((event) => event.content.body as string)
    .reverse();
}

describe("connection, offline sending and presence in two browsers", () => {
  let ben: Learner;
  let roomId: string;
  let a: BrowserPage;
  let b: BrowserPage;

  beforeAll(async () => {
    ({
      second: ben,
      roomId,
      firstPage: a,
      secondPage: b,
    } = await twoLearnersInRoom(chromium(), stack));
  });

  afterAll(async () => {
    await Promise.all([a?.context.close(), b?.context.close()]);
  });

  it("shows a partner whose tab is open as online", async () => {
    await b.page
      .getByRole("main")
      .getByText("Online", { exact: true })
      .waitFor({ timeout: 30_000 });
    await a.page
      .getByRole("main")
      .getByText("Online", { exact: true })
      .waitFor({ timeout: 30_000 });
  });

  it("keeps messages typed offline in order, and delivers them in that order on reconnect", async () => {
    await send(a.page, "Before going offline");
    await message(b.page, "Before going offline").waitFor({ timeout: 20_000 });

    await a.context.setOffline(true);
    await offlineBanner(a.page).waitFor({ timeout: 10_000 });

    for (const text of OFFLINE_MESSAGES) {
      await send(a.page, text);
      await message(a.page, text)
        .getByRole("group", { name: "Message not sent" })
        .waitFor({ timeout: 10_000 });
    }
    const shown = await messages(a.page).getByRole("article").allTextContents();
    const positions = OFFLINE_MESSAGES.map((text) =>
      shown.findIndex((content) => content.includes(text)),
    );
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
    expect(positions[0]).toBeGreaterThanOrEqual(0);
    await expect(
      message(a.page, "Offline one").getByText("Waiting for the connection to send.").count(),
    ).resolves.toBe(1);
    // Nothing left the browser.
    await expect(bodiesOnServer(ben, roomId)).resolves.not.toContain("Offline one");

    await a.context.setOffline(false);

    await expect.poll(() => offlineBanner(a.page).count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => a.page.getByText("Reconnecting…").count(), { timeout: 30_000 }).toBe(0);
    for (const text of OFFLINE_MESSAGES) {
      await message(b.page, text).waitFor({ timeout: 30_000 });
    }
    await expect
      .poll(() => messages(a.page).getByRole("group", { name: "Message not sent" }).count(), {
        timeout: 20_000,
      })
      .toBe(0);
    const onServer = await bodiesOnServer(ben, roomId);
    expect(onServer.filter((body) => OFFLINE_MESSAGES.includes(body))).toEqual(OFFLINE_MESSAGES);
    expect(onServer.indexOf("Before going offline")).toBeLessThan(onServer.indexOf("Offline one"));
  });

  it("shows the room page in the light and the dark theme", async () => {
    await expect(a.page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe(
      "light",
    );
    await expect(b.page.evaluate(() => document.documentElement.dataset.theme)).resolves.toBe(
      "dark",
    );
    // The theme's colours are applied, not just the attribute.
    const background = (page: Page) =>
      page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await expect(background(a.page)).resolves.toBe("rgb(244, 245, 251)");
    await expect(background(b.page)).resolves.toBe("rgb(15, 17, 23)");
    await a.page.screenshot({ path: artifactPath("room-light.png") });
    await b.page.screenshot({ path: artifactPath("room-dark.png") });
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
