// End-to-end encryption between Xstream's web client and another Matrix client: an "Element-like"
// user, driven by matrix-js-sdk with its Rust crypto in Node, creates an encrypted room and
// invites a web-client learner, who accepts in the browser; each reads what the other wrote.
import { randomUUID } from "node:crypto";
import { type MatrixClient, type MatrixEvent, MsgType, Preset } from "matrix-js-sdk";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { artifactPath, useChromium } from "./browser.ts";
import { devicesWithKeys, startElementClient } from "./element-client.ts";
import {
  type BrowserPage,
  type Learner,
  openPage,
  signInInBrowser,
  signUpLearner,
} from "./learners.ts";
import { eventually, type MatrixUser, matrixRequest, registerWithSharedSecret } from "./matrix.ts";
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
    [web, element] = await Promise.all([
      signUpLearner(stack, "Wanda Web"),
      registerWithSharedSecret(
        stack.synapseUrl,
        stack.registrationSharedSecret,
        `elma${randomUUID().slice(0, 8)}`,
        `Element-${randomUUID()}`,
      ),
    ]);
    elementClient = await startElementClient(stack.publicUrl, element);
    browser = await openPage(chromium());
    await signInInBrowser(browser.page, stack, web);
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

    ({ room_id: roomId } = await elementClient.createRoom({
      name: ROOM_NAME,
      preset: Preset.PrivateChat,
      invite: [web.matrix.userId],
      initial_state: [
        {
          type: "m.room.encryption",
          state_key: "",
          content: { algorithm: "m.megolm.v1.aes-sha2" },
        },
      ],
    }));
    // Sending before the client has synced the room would go out unencrypted.
    await eventually(async () => {
      const room = elementClient.getRoom(roomId);
      const invited = room?.getMember(web.matrix.userId)?.membership === "invite";
      if (room?.hasEncryptionStateEvent() && invited) return true;
      throw new Error(
        `room ${room ? "known" : "unknown"}, encrypted ${room?.hasEncryptionStateEvent()}, membership ${room?.getMember(web.matrix.userId)?.membership}, sync ${elementClient.getSyncState()}, rooms ${elementClient.getRooms().length}`,
      );
    }, "the encrypted room in the Element client");
    await elementClient.sendMessage(roomId, { msgtype: MsgType.Text, body: FROM_ELEMENT });

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
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Chats" })
      .click();
    await page
      .getByRole("button", { name: `Accept invite to ${ROOM_NAME}` })
      .click({ timeout: 30_000 });
    await page.getByRole("link", { name: new RegExp(`^${ROOM_NAME}`) }).click({ timeout: 30_000 });

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

    const reply = await eventually(
      async () =>
        elementClient
          .getRoom(roomId)
          ?.getLiveTimeline()
          .getEvents()
          .find(
            (event: MatrixEvent) =>
              event.getSender() === web.matrix.userId && event.getType() === "m.room.message",
          ),
      "the web learner's reply, decrypted by the Element client",
      30_000,
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
