// Key backup and recovery in the web client: a learner sets up recovery after signing in, which
// publishes cross-signing (an Element-like client sees the browser's device signed by its owner,
// and the signatures check out in a plain /keys/query), chats in an encrypted room, signs out,
// signs in on a fresh browser, enters the recovery key and reads the earlier messages.
import { createPublicKey, randomUUID, verify } from "node:crypto";
import { stringify as canonicalJson } from "another-json";
import type { MatrixClient } from "matrix-js-sdk";
import type { Page } from "playwright-core";
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
import {
  type BrowserPage,
  createSharedRoom,
  type Learner,
  openPage,
  signInInBrowser,
  signUpLearner,
} from "./learners.ts";
import { eventually, type MatrixUser, matrixRequest } from "./matrix.ts";
import { message, messages, send } from "./room-page.ts";

const stack = inject("stack");
const chromium = useChromium();

const ROOM_NAME = "Backed-up garden";
const FROM_ELEMENT = "Kept safe: written before you signed out.";
const FROM_WEB = "My own earlier message, also encrypted.";

type KeyObject = {
  keys: Record<string, string>;
  signatures?: Record<string, Record<string, string>>;
};
type KeysQuery = {
  device_keys?: Record<string, Record<string, KeyObject>>;
  master_keys?: Record<string, KeyObject>;
  self_signing_keys?: Record<string, KeyObject>;
};

/** Checks an ed25519 signature of a signed JSON object, as the Matrix spec defines it. */
function signatureHolds(signed: KeyObject, userId: string, keyId: string, publicKey: string) {
  const signature = signed.signatures?.[userId]?.[keyId];
  if (!signature) return false;
  const {
    signatures: _signatures,
    unsigned: _unsigned,
    ...content
  } = signed as KeyObject & {
    unsigned?: unknown;
  };
  const key = createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKey, "base64").toString("base64url") },
    format: "jwk",
  });
  return verify(null, Buffer.from(canonicalJson(content)), key, Buffer.from(signature, "base64"));
}

/** The one ed25519 key of a cross-signing key object: [key id, public key]. */
function onlyKey(keyObject: KeyObject | undefined): [string, string] {
  const entry = Object.entries(keyObject?.keys ?? {})[0];
  if (!entry) throw new Error("no key in the cross-signing key object");
  return entry;
}

async function keysOf(asUser: MatrixUser, userId: string): Promise<KeysQuery> {
  return matrixRequest<KeysQuery>(stack.publicUrl, "POST", "/_matrix/client/v3/keys/query", {
    token: asUser.accessToken,
    body: { device_keys: { [userId]: [] } },
  });
}

/** The device of `learner` a browser added (not the test's own API session). */
async function browserDevice(learner: Learner, known: string[] = []): Promise<string> {
  return eventually(
    async () => {
      const devices = await devicesWithKeys(stack.publicUrl, learner.matrix, learner.matrix.userId);
      return devices.find((id) => id !== learner.matrix.deviceId && !known.includes(id));
    },
    "the browser's device keys",
    30_000,
  );
}

/** Opens the recovery offer's dialog from the banner. */
async function openRecovery(page: Page, button: string) {
  await page
    .getByRole("region", { name: "Recovery" })
    .getByRole("button", { name: button })
    .click({ timeout: 30_000 });
  return page.getByRole("dialog", { name: "Recovery" });
}

/** Sets recovery up from the offer (with a passphrase if given); the recovery key shown. */
async function setUpRecovery(page: Page, passphrase?: string): Promise<string> {
  const dialog = await openRecovery(page, "Set up recovery");
  if (passphrase) {
    await dialog.getByLabel("Also unlock it with a passphrase").check();
    await dialog.getByLabel("Passphrase", { exact: true }).fill(passphrase);
    await dialog.getByLabel("Confirm passphrase").fill(passphrase);
  }
  await dialog.getByRole("button", { name: "Set up recovery" }).click();
  const keyField = dialog.getByRole("textbox", { name: "Recovery key" });
  await keyField.waitFor({ timeout: 60_000 });
  const recoveryKey = await keyField.inputValue();
  await dialog.getByLabel("I have saved my recovery key").check();
  await dialog.getByRole("button", { name: "Done" }).click();
  await dialog.getByText("Recovery is on.").waitFor({ timeout: 30_000 });
  await dialog.getByRole("button", { name: "Close" }).click();
  return recoveryKey;
}

/** On a fresh browser: enters the recovery key (or passphrase) from the offer. */
async function unlockRecovery(page: Page, secret: string) {
  const dialog = await openRecovery(page, "Enter recovery key");
  await dialog.getByLabel("Recovery key or passphrase").fill(secret);
  await dialog.getByRole("button", { name: "Unlock" }).click();
  await dialog.getByText("Recovery is on.").waitFor({ timeout: 60_000 });
  const said = (await dialog.getByRole("status").textContent()) ?? "";
  await dialog.getByRole("button", { name: "Close" }).click();
  return said;
}

/** How many message keys of `roomId` the learner's server-side backup holds. */
async function backedUpSessions(learner: Learner, roomId: string): Promise<number> {
  const { version } = await matrixRequest<{ version: string }>(
    stack.publicUrl,
    "GET",
    "/_matrix/client/v3/room_keys/version",
    { token: learner.matrix.accessToken },
  );
  const keys = await matrixRequest<{ rooms?: Record<string, { sessions?: object }> }>(
    stack.publicUrl,
    "GET",
    `/_matrix/client/v3/room_keys/keys?version=${encodeURIComponent(version)}`,
    { token: learner.matrix.accessToken },
  );
  return Object.keys(keys.rooms?.[roomId]?.sessions ?? {}).length;
}

/** Opens a chat from the room list, in the app (a reload would start encryption over). */
async function openChat(page: Page, name: string) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Chats" }).click();
  await page.getByRole("link", { name: new RegExp(`^${name}`) }).click({ timeout: 30_000 });
  await page.getByRole("log", { name: "Messages" }).waitFor({ timeout: 30_000 });
}

async function signOut(browser: BrowserPage) {
  await browser.page.getByRole("button", { name: "Sign out" }).click();
  await browser.page.getByText("You have signed out.").waitFor({ timeout: 15_000 });
  await browser.context.close();
}

describe("recovery with a recovery key", () => {
  let web: Learner;
  let element: MatrixUser;
  let elementClient: MatrixClient;
  let first: BrowserPage;
  let second: BrowserPage | undefined;
  let firstDevice: string;
  let recoveryKey: string;
  let roomId: string;

  beforeAll(async () => {
    ({
      web,
      element,
      elementClient,
      browser: first,
    } = await webLearnerAndElementUser(stack, chromium(), {
      learner: "Rosa Recovery",
      elementPrefix: "elrec",
    }));
  });

  afterAll(async () => {
    elementClient?.stopClient();
    await first?.context.close().catch(() => {});
    await second?.context.close();
  });

  it("sets up recovery after sign-in and publishes cross-signing that signs the browser's device", async () => {
    firstDevice = await browserDevice(web);
    // Before: no key backup on the server.
    await expect(
      matrixRequest(stack.publicUrl, "GET", "/_matrix/client/v3/room_keys/version", {
        token: web.matrix.accessToken,
      }),
    ).rejects.toMatchObject({ status: 404 });

    recoveryKey = await setUpRecovery(first.page);
    // A recovery key as the spec encodes it: base58 in groups of four.
    expect(recoveryKey).toMatch(/^E[1-9A-HJ-NP-Za-km-z]{3}( [1-9A-HJ-NP-Za-km-z]{4}){11}$/);

    // A plain /keys/query by the Element user: the master key signs the self-signing key, which
    // signs the browser's device keys.
    const keys = await eventually(
      async () => {
        const found = await keysOf(element, web.matrix.userId);
        const device = found.device_keys?.[web.matrix.userId]?.[firstDevice];
        const [selfSigningId] = onlyKey(found.self_signing_keys?.[web.matrix.userId]);
        return device?.signatures?.[web.matrix.userId]?.[selfSigningId] ? found : undefined;
      },
      "the device's cross-signing signature",
      30_000,
    );
    const master = keys.master_keys?.[web.matrix.userId];
    const selfSigning = keys.self_signing_keys?.[web.matrix.userId];
    const device = keys.device_keys?.[web.matrix.userId]?.[firstDevice];
    const [masterId, masterKey] = onlyKey(master);
    const [selfSigningId, selfSigningKey] = onlyKey(selfSigning);
    expect(selfSigning && signatureHolds(selfSigning, web.matrix.userId, masterId, masterKey)).toBe(
      true,
    );
    expect(device && signatureHolds(device, web.matrix.userId, selfSigningId, selfSigningKey)).toBe(
      true,
    );

    // And a key backup now exists.
    const backup = await matrixRequest<{ algorithm: string }>(
      stack.publicUrl,
      "GET",
      "/_matrix/client/v3/room_keys/version",
      { token: web.matrix.accessToken },
    );
    expect(backup.algorithm).toBe("m.megolm_backup.v1.curve25519-aes-sha2");
  });

  it("backs up the keys of an encrypted chat, whose partner sees the device cross-signed", async () => {
    roomId = await elementSendsInEncryptedRoom(elementClient, {
      name: ROOM_NAME,
      invitee: web.matrix.userId,
      text: FROM_ELEMENT,
    });

    const { page } = first;
    await acceptInviteAndOpen(page, ROOM_NAME);
    await message(page, FROM_ELEMENT).waitFor({ timeout: 30_000 });

    // Now that they share a room, the Element-like client tracks the learner's devices and sees
    // the browser's device as cross-signed by its owner.
    await eventually(
      async () => {
        await elementClient.getCrypto()?.getUserDeviceInfo([web.matrix.userId], true);
        const status = await elementClient
          .getCrypto()
          ?.getDeviceVerificationStatus(web.matrix.userId, firstDevice);
        return status?.signedByOwner ? status : undefined;
      },
      "the Element client to see the device signed by its owner",
      30_000,
    );

    await send(page, FROM_WEB);
    await eventAtElement(
      elementClient,
      roomId,
      web.matrix.userId,
      (event) => event.getContent().body === FROM_WEB,
      "the web learner's message at the Element client",
    );

    // Both message keys (the Element user's and the browser's own) reach the backup; the SDK
    // uploads them in the background within seconds.
    await eventually(
      async () => ((await backedUpSessions(web, roomId)) >= 2 ? true : undefined),
      "both message keys in the server-side backup",
      60_000,
    );
  });

  it("reads the earlier encrypted messages on a fresh browser after the recovery key", async () => {
    await signOut(first);

    second = await openPage(chromium());
    const { page } = second;
    await signInInBrowser(page, stack, web);
    const newDevice = await browserDevice(web, [firstDevice]);
    const said = await unlockRecovery(page, recoveryKey);
    expect(said).toMatch(/Restored [1-9]\d* message keys/);

    await openChat(page, ROOM_NAME);
    await message(page, FROM_ELEMENT).waitFor({ timeout: 30_000 });
    await message(page, FROM_WEB).waitFor({ timeout: 30_000 });
    await expect(
      messages(page)
        .getByText(/Unable to decrypt/)
        .count(),
    ).resolves.toBe(0);

    // The new device is cross-signed too, with the keys kept in secret storage.
    await eventually(
      async () => {
        await elementClient.getCrypto()?.getUserDeviceInfo([web.matrix.userId], true);
        const status = await elementClient
          .getCrypto()
          ?.getDeviceVerificationStatus(web.matrix.userId, newDevice);
        return status?.signedByOwner ? status : undefined;
      },
      "the new device signed by its owner",
      30_000,
    );
    await page.screenshot({ path: artifactPath("recovery-restored.png") });
    expect(second.errors).toEqual([]);
  });
});

describe("recovery with a passphrase", () => {
  it("unlocks a fresh browser with the passphrase instead of the key", async () => {
    const [learner, partner] = await Promise.all([
      signUpLearner(stack, "Pia Passphrase"),
      signUpLearner(stack, "Paul Partner"),
    ]);
    const passphrase = `tall ${randomUUID()} lighthouse`;
    const before = await openPage(chromium());
    await signInInBrowser(before.page, stack, learner);
    const device = await browserDevice(learner);
    await setUpRecovery(before.page, passphrase);

    const room = await createSharedRoom(stack, partner, [learner], {
      name: "Passphrase room",
      initialState: [MEGOLM_ENCRYPTION],
    });
    const text = "Written before signing out, unlocked by a passphrase.";
    await openChat(before.page, "Passphrase room");
    await send(before.page, text);
    await eventually(
      async () => ((await backedUpSessions(learner, room)) >= 1 ? true : undefined),
      "the message key in the backup",
      60_000,
    );
    await signOut(before);

    const after = await openPage(chromium());
    try {
      await signInInBrowser(after.page, stack, learner);
      await browserDevice(learner, [device]);
      await unlockRecovery(after.page, passphrase);
      await openChat(after.page, "Passphrase room");
      await message(after.page, text).waitFor({ timeout: 30_000 });
      expect(after.errors).toEqual([]);
    } finally {
      await after.context.close();
    }
  });
});

describe("resetting recovery", () => {
  it("replaces the cross-signing keys and the recovery key after the password", async () => {
    const learner = await signUpLearner(stack, "Remy Reset");
    const opened = await openPage(chromium());
    try {
      const { page } = opened;
      await signInInBrowser(page, stack, learner);
      const oldKey = await setUpRecovery(page);
      const masterBefore = onlyKey(
        (await keysOf(learner.matrix, learner.matrix.userId)).master_keys?.[learner.matrix.userId],
      );

      await page
        .getByRole("navigation", { name: "Main" })
        .getByRole("link", { name: "Settings" })
        .click();
      const section = page.getByRole("region", { name: "Encryption and recovery" });
      await section.getByText("Recovery is on.").waitFor({ timeout: 30_000 });
      await section.getByText("Make a new recovery key").click();
      // Replacing cross-signing keys needs the account's password (user-interactive auth).
      await section.getByLabel("Your password").fill("not the password at all");
      await section.getByRole("button", { name: "Reset recovery" }).click();
      await expect
        .poll(() => section.getByRole("alert").textContent(), { timeout: 30_000 })
        .toBe("That password is not right.");
      // The failed attempt may leave the panel on another step; its reset form is there either way.
      const details = section.locator("details");
      if (!(await details.evaluate((element) => (element as HTMLDetailsElement).open))) {
        await details.locator("summary").click();
      }
      await section.getByLabel("Your password").fill(learner.password);
      await section.getByRole("button", { name: "Reset recovery" }).click();
      const keyField = section.getByRole("textbox", { name: "Recovery key" });
      await keyField.waitFor({ timeout: 60_000 });
      const newKey = await keyField.inputValue();
      expect(newKey).not.toBe(oldKey);

      const masterAfter = onlyKey(
        (await keysOf(learner.matrix, learner.matrix.userId)).master_keys?.[learner.matrix.userId],
      );
      expect(masterAfter[1]).not.toBe(masterBefore[1]);
      expect(opened.errors).toEqual([]);
    } finally {
      await opened.context.close();
    }
  });
});
