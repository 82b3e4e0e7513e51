// Search in the web client against the real stack: people (the user directory, with Xstream's
// privacy rule: people you share a room with and discoverable learners, nobody else) and
// messages (the server's search in plain rooms, this browser's decrypted messages in encrypted
// ones), each result opening the message in its room.
import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { artifactPath, useChromium } from "./browser.ts";
import {
  type BrowserPage,
  createSharedRoom,
  type Learner,
  openPage,
  openRoom,
  signInInBrowser,
  signUpLearner,
} from "./learners.ts";
import { eventually, matrixRequest, sendEvent } from "./matrix.ts";
import { message, send } from "./room-page.ts";

const stack = inject("stack");
const chromium = useChromium();

/** A surname no other test uses, so the directory finds exactly the person meant. */
const surname = (prefix: string) => `${prefix}${randomUUID().replaceAll("-", "").slice(0, 10)}`;

async function becomeDiscoverable(learner: Learner) {
  const saved = await learner.session.request("PUT", "/api/profile", {
    native: ["pt"],
    learning: [{ language: "en", level: "B1" }],
    interests: ["music"],
    timezone: "Europe/Lisbon",
    availability: [{ day: 1, start: "18:00", end: "20:00" }],
    bio: "Happy to chat.",
    discoverable: true,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  // The bridge publishes the profile fields that make them findable, retrying until it lands.
  await eventually(
    () =>
      matrixRequest(
        stack.publicUrl,
        "GET",
        `/_matrix/client/v3/profile/${encodeURIComponent(learner.matrix.userId)}/org.xstream.languages`,
        { token: learner.matrix.accessToken },
      ),
    "the discoverable learner's profile fields",
    30_000,
  );
}

async function directory(asLearner: Learner, term: string): Promise<string[]> {
  const found = await matrixRequest<{ results: { user_id: string }[] }>(
    stack.publicUrl,
    "POST",
    "/_matrix/client/v3/user_directory/search",
    { token: asLearner.matrix.accessToken, body: { search_term: term, limit: 10 } },
  );
  return found.results.map((result) => result.user_id);
}

const nav = (page: Page, name: string) =>
  page.getByRole("navigation", { name: "Main" }).getByRole("link", { name }).click();

describe("finding people", () => {
  let seeker: Learner;
  let dora: Learner;
  let hidden: Learner;
  let roommate: Learner;
  let browser: BrowserPage;

  beforeAll(async () => {
    [seeker, dora, hidden, roommate] = await Promise.all([
      signUpLearner(stack, `Sam ${surname("Seek")}`),
      signUpLearner(stack, `Dora ${surname("Findable")}`),
      signUpLearner(stack, `Hana ${surname("Hidden")}`),
      signUpLearner(stack, `Rui ${surname("Roommate")}`),
    ]);
    await becomeDiscoverable(dora);
    await createSharedRoom(stack, roommate, [seeker], { name: "Book club" });
    browser = await openPage(chromium());
    await signInInBrowser(browser.page, stack, seeker);
  });

  afterAll(async () => {
    await browser?.context.close();
  });

  it("finds discoverable learners and people they share a room with, and nobody else", async () => {
    const lastName = (learner: Learner) => learner.displayName.split(" ")[1] ?? "";
    await eventually(
      async () =>
        (await directory(seeker, lastName(dora))).includes(dora.matrix.userId) ? true : undefined,
      "the discoverable learner in the directory",
      30_000,
    );
    await eventually(
      async () =>
        (await directory(seeker, lastName(roommate))).includes(roommate.matrix.userId)
          ? true
          : undefined,
      "the roommate in the directory",
      30_000,
    );
    // Not discoverable and no shared room: not found by name, nor by their exact user id.
    await expect(directory(seeker, lastName(hidden))).resolves.toEqual([]);
    await expect(directory(seeker, hidden.matrix.userId)).resolves.toEqual([]);
    // Someone who shares no room with the roommate does not find them.
    const stranger = await signUpLearner(stack, `Stef ${surname("Stranger")}`);
    await expect(directory(stranger, lastName(roommate))).resolves.toEqual([]);
  });

  it("starts a direct chat with a learner found by name", async () => {
    const { page } = browser;
    await nav(page, "Chats");
    await page.getByRole("button", { name: "New chat" }).click();
    const dialog = page.getByRole("dialog", { name: "New chat" });
    const field = dialog.getByLabel("Find people");

    // Someone who is not discoverable is not offered.
    await field.fill(hidden.displayName.split(" ")[1] ?? "");
    await dialog.getByText("No one found.").waitFor({ timeout: 15_000 });

    await field.fill(dora.displayName.split(" ")[1] ?? "");
    const found = dialog.getByRole("list", { name: "People found" });
    await found.getByText(dora.matrix.userId).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: artifactPath("people-search.png") });
    await found.getByRole("button", { name: `Message ${dora.displayName}` }).click();

    await page.getByRole("log", { name: "Messages" }).waitFor({ timeout: 30_000 });
    const roomId = decodeURIComponent(new URL(page.url()).pathname.split("/")[2] ?? "");
    const invite = await matrixRequest<{ membership: string; is_direct?: boolean }>(
      stack.publicUrl,
      "GET",
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(dora.matrix.userId)}`,
      { token: seeker.matrix.accessToken },
    );
    expect(invite).toMatchObject({ membership: "invite", is_direct: true });
    expect(browser.errors).toEqual([]);
  });

  it("invites someone found by name from the members panel", async () => {
    const roomId = await createSharedRoom(stack, seeker, [roommate], { name: "Study group" });
    const { page } = browser;
    await openRoom(page, stack, roomId);
    await page.getByLabel("Invite people").fill(dora.displayName.split(" ")[1] ?? "");
    await page
      .getByRole("list", { name: "People found" })
      .getByRole("button", { name: `Invite ${dora.displayName}` })
      .click({ timeout: 15_000 });
    await page.getByText(`Invited ${dora.displayName}.`).waitFor();
    await page.getByRole("list", { name: "Invited" }).getByText(dora.displayName).waitFor();
  });
});

describe("finding messages", () => {
  let seeker: Learner;
  let partner: Learner;
  let browser: BrowserPage;
  let plainRoom: string;
  let secretRoom: string;
  const plainWord = surname("zebra");
  const secretWord = surname("okapi");

  beforeAll(async () => {
    [seeker, partner] = await Promise.all([
      signUpLearner(stack, "Mia Messages"),
      signUpLearner(stack, "Pedro Partner"),
    ]);
    plainRoom = await createSharedRoom(stack, partner, [seeker], { name: "Plain talk" });
    secretRoom = await createSharedRoom(stack, partner, [seeker], {
      name: "Secret talk",
      initialState: [
        {
          type: "m.room.encryption",
          state_key: "",
          content: { algorithm: "m.megolm.v1.aes-sha2" },
        },
      ],
    });
    // The message to find, then enough after it that the room opens without it loaded.
    await sendEvent(stack.publicUrl, partner.matrix.accessToken, plainRoom, {
      msgtype: "m.text",
      body: `Remember the ${plainWord} at the zoo?`,
    });
    for (let index = 1; index <= 25; index++) {
      await sendEvent(stack.publicUrl, partner.matrix.accessToken, plainRoom, {
        msgtype: "m.text",
        body: `Filler message ${index}`,
      });
    }
    browser = await openPage(chromium());
    await signInInBrowser(browser.page, stack, seeker);
  });

  afterAll(async () => {
    await browser?.context.close();
  });

  async function searchFor(page: Page, term: string) {
    await nav(page, "Search");
    await page.getByLabel("Search messages").fill(term);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    return page.getByRole("region", { name: "Search results" });
  }

  /** The message opened from a result: in the room, marked as the current one, on screen. */
  async function expectOpenedAt(page: Page, roomId: string, text: string) {
    await page.waitForURL((url) =>
      url.pathname.startsWith(`/rooms/${encodeURIComponent(roomId)}/events/`),
    );
    const current = page.locator('[aria-current="location"]');
    await current.getByText(text).waitFor({ timeout: 30_000 });
    const box = await current.boundingBox();
    const view = await page.getByRole("log", { name: "Messages" }).boundingBox();
    expect(box && view && box.y >= view.y && box.y + box.height <= view.y + view.height).toBe(true);
  }

  it("finds a message of a plain room through the server and opens it in context", async () => {
    // The homeserver's own search finds it.
    const server = await matrixRequest<{
      search_categories: { room_events: { results?: { result: { event_id: string } }[] } };
    }>(stack.publicUrl, "POST", "/_matrix/client/v3/search", {
      token: seeker.matrix.accessToken,
      body: { search_categories: { room_events: { search_term: plainWord } } },
    });
    expect(server.search_categories.room_events.results ?? []).toHaveLength(1);

    const { page } = browser;
    const results = await searchFor(page, plainWord);
    const hit = results.getByRole("link", { name: new RegExp(plainWord) });
    await hit.waitFor({ timeout: 30_000 });
    await expect(results.getByRole("link").count()).resolves.toBe(1);
    await expect(hit.textContent()).resolves.toContain("Plain talk");
    await hit.click();
    await expectOpenedAt(page, plainRoom, `Remember the ${plainWord} at the zoo?`);
    await page.screenshot({ path: artifactPath("message-search-opened.png") });
  });

  it("finds what this browser decrypted in an encrypted room, which the server cannot", async () => {
    const { page } = browser;
    await openRoom(page, stack, secretRoom);
    const text = `The ${secretWord} is our secret.`;
    await send(page, text);
    await message(page, text).waitFor();
    // On the server the message is ciphertext: its search finds nothing.
    const server = await matrixRequest<{
      search_categories: { room_events: { results?: unknown[] } };
    }>(stack.publicUrl, "POST", "/_matrix/client/v3/search", {
      token: seeker.matrix.accessToken,
      body: { search_categories: { room_events: { search_term: secretWord } } },
    });
    expect(server.search_categories.room_events.results ?? []).toEqual([]);

    const results = await searchFor(page, secretWord);
    await page
      .getByText("search covers only the messages this browser has loaded and decrypted")
      .waitFor();
    const hit = results.getByRole("link", { name: new RegExp(secretWord) });
    await hit.waitFor({ timeout: 15_000 });
    await expect(hit.textContent()).resolves.toContain("encrypted");
    await hit.click();
    await expectOpenedAt(page, secretRoom, text);
    expect(browser.errors).toEqual([]);
  });
});
