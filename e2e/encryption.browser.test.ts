// End-to-end encryption between Xstream's web client and another Matrix client: an "Element-like"
// user, driven by matrix-js-sdk with its Rust crypto in Node, creates an encrypted room and
// invites a web-client learner, who accepts in the browser; each reads what the other wrote.
import { EventType, type MatrixClient, Preset } from "matrix-js-sdk";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { artifactPath, useChromium } from "./browser.ts";
import { devicesWithKeys } from "./element-client.ts";
import {
  acceptInviteAndOpen,
  elementSendsInEncryptedRoom,
  eventAtElement,
  MEGOLM_ENCRYPTION,
  webLearnerAndElementUser,
} from "./encrypted-room.ts";
import type { BrowserPage, Learner } from "./learners.ts";
import { eventually, type MatrixUser, matrixRequest } from "./matrix.ts";
import { message, messages } from "./room-page.ts";

const stack = inject("stack");
const chromium = useChromium();

const ROOM_NAME = "Secret garden";
const FROM_ELEMENT = "Olá! This one is end-to-end encrypted.";
const FROM_WEB = "Got it, and my answer is encrypted too.";

describe("an encrypted room shared with an Element user", () => {
  let web: Learner;
  let element: MatrixUser;
  let elementClient: MatrixClient;
  let browser: BrowserPage;
  let roomId: string;

  beforeAll(async () => {
    ({ web, element, elementClient, browser } = await webLearnerAndElementUser(stack, chromium(), {
      learner: "Wanda Web",
      elementPrefix: "elma",
    }));
  });

  afterAll(async () => {
    elementClient?.stopClient();
    await browser?.context.close();
  });

  it("lets the web learner read the Element user's encrypted message after accepting the invite", async () => {
    // The browser's device has published its keys (the learner's set-up session has none), so
    // the Element user can share the room key with it.
    await eventually(
      async () => {
        const devices = await devicesWithKeys(stack.publicUrl, element, web.matrix.userId);
        return devices.some((device) => device !== web.matrix.deviceId) ? devices : undefined;
      },
      "the web client's device keys",
      30_000,
    );

    roomId = await elementSendsInEncryptedRoom(elementClient, {
      name: ROOM_NAME,
      invitee: web.matrix.userId,
      text: FROM_ELEMENT,
    });

    // On the server it is ciphertext only.
    const history = await matrixRequest<{ chunk: { type: string; sender: string }[] }>(
      stack.publicUrl,
      "GET",
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=20`,
      { token: element.accessToken },
    );
    const fromElement = history.chunk.filter((event) => event.sender === element.userId);
    expect(fromElement.map((event) => event.type)).toContain("m.room.encrypted");
    expect(fromElement.map((event) => event.type)).not.toContain("m.room.message");

    const { page } = browser;
    await acceptInviteAndOpen(page, ROOM_NAME);

    await message(page, FROM_ELEMENT).waitFor({ timeout: 30_000 });
    // Shown with the sender's name (Synapse's default display name is the localpart).
    const localpart = element.userId.slice(1).split(":")[0] ?? "";
    await expect(message(page, FROM_ELEMENT).textContent()).resolves.toContain(localpart);
    await page.getByText("Encrypted", { exact: true }).waitFor();
    await expect(
      messages(page)
        .getByText(/Unable to decrypt/)
        .count(),
    ).resolves.toBe(0);
  });

  it("sends the web learner's reply encrypted, and the Element user decrypts it", async () => {
    const { page } = browser;
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill(FROM_WEB);
    await box.press("Enter");

    const reply = await eventAtElement(
      elementClient,
      roomId,
      web.matrix.userId,
      (event) => event.getType() === "m.room.message",
      "the web learner's reply, decrypted by the Element client",
    );
    expect(reply.isEncrypted()).toBe(true);
    expect(reply.getContent().body).toBe(FROM_WEB);
    // Our own message is not left "Sending…" once the server has it.
    await expect
      .poll(() => message(page, FROM_WEB).textContent(), { timeout: 15_000 })
      .not.toContain("Sending…");
  });

  it("keeps the room readable after a reload (the keys are kept in the browser)", async () => {
    const { page } = browser;
    await page.reload();

    await message(page, FROM_ELEMENT).waitFor({ timeout: 30_000 });
    await message(page, FROM_WEB).waitFor({ timeout: 30_000 });
    await expect(
      messages(page)
        .getByText(/Unable to decrypt/)
        .count(),
    ).resolves.toBe(0);
    await page.screenshot({ path: artifactPath("encrypted-room.png") });
  });

  it("deletes the keys from the browser on signing out", async () => {
    const { page } = browser;
    const cryptoStores = () =>
      page.evaluate(async () =>
        (await indexedDB.databases())
          .map((database) => database.name ?? "")
          .filter((name) => name.startsWith("xstream-crypto/")),
      );
    await expect(cryptoStores()).resolves.not.toEqual([]);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You have signed out.").waitFor({ timeout: 15_000 });

    await expect.poll(cryptoStores, { timeout: 10_000 }).toEqual([]);
    expect(browser.errors).toEqual([]);
  });
});

// The client keeps the crypto's "not encrypted" answer for a room, so that sending does not read
// the crypto's store every time (`client/src/matrix/roomEncryptionAnswers.ts`, whose forgetting is
// unit-tested). Here, on the real stack, the learner writes in a room before and after its
// encryption is turned on: what the server stores must follow.
describe("a room whose encryption is turned on while the learner writes in it", () => {
  let web: Learner;
  let element: MatrixUser;
  let elementClient: MatrixClient;
  let browser: BrowserPage;
  let roomId: string;
  const ROOM = "Open garden";

  beforeAll(async () => {
    ({ web, element, elementClient, browser } = await webLearnerAndElementUser(stack, chromium(), {
      learner: "Olga Open",
      elementPrefix: "elmo",
    }));
  });

  afterAll(async () => {
    elementClient?.stopClient();
    await browser?.context.close();
  });

  /** The types, as the server stores them, of what the web learner sent, oldest first. */
  async function sentByLearner(): Promise<string[]> {
    const history = await matrixRequest<{ chunk: { type: string; sender: string }[] }>(
      stack.publicUrl,
      "GET",
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=50`,
      { token: element.accessToken },
    );
    return history.chunk
      .filter(
        (event) =>
          event.sender === web.matrix.userId &&
          (event.type === "m.room.message" || event.type === "m.room.encrypted"),
      )
      .map((event) => event.type)
      .reverse();
  }

  async function send(text: string) {
    const box = browser.page.getByRole("textbox", { name: "Message" });
    await box.fill(text);
    await box.press("Enter");
    await expect
      .poll(() => message(browser.page, text).textContent(), { timeout: 15_000 })
      .not.toContain("Sending…");
  }

  it("sends in the clear before, and encrypted from the moment the room says so", async () => {
    ({ room_id: roomId } = await elementClient.createRoom({
      name: ROOM,
      preset: Preset.PrivateChat,
      invite: [web.matrix.userId],
    }));
    await acceptInviteAndOpen(browser.page, ROOM);
    await send("Before: anyone on the server can read this.");
    await send("Still in the clear.");
    await expect(sentByLearner()).resolves.toEqual(["m.room.message", "m.room.message"]);

    await elementClient.sendStateEvent(
      roomId,
      EventType.RoomEncryption,
      { algorithm: "m.megolm.v1.aes-sha2" },
      MEGOLM_ENCRYPTION.state_key,
    );
    // The learner's page has the room's new state: the header says it.
    await browser.page.getByText("Encrypted", { exact: true }).waitFor({ timeout: 30_000 });
    await send("After: only the two of us can read this.");

    await expect(sentByLearner()).resolves.toEqual([
      "m.room.message",
      "m.room.message",
      "m.room.encrypted",
    ]);
    const decrypted = await eventAtElement(
      elementClient,
      roomId,
      web.matrix.userId,
      (event) => event.getType() === "m.room.message" && event.isEncrypted(),
      "the web learner's encrypted message, decrypted by the Element client",
    );
    expect(decrypted.getContent().body).toBe("After: only the two of us can read this.");
    expect(browser.errors).toEqual([]);
  });
});
