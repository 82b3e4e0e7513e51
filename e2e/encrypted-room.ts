// An encrypted room between a web-client learner (signed in in a browser) and an Element-like user
// (matrix-js-sdk with Rust crypto in Node): the set-up the encryption and recovery tests share.
import { randomUUID } from "node:crypto";
import { type MatrixClient, type MatrixEvent, MsgType, Preset } from "matrix-js-sdk";
import type { Browser, Page } from "playwright-core";
import { startElementClient } from "./element-client.ts";
import type { StackInfo } from "./harness.ts";
import {
  type BrowserPage,
  type Learner,
  openPage,
  signInInBrowser,
  signUpLearner,
} from "./learners.ts";
import { eventually, type MatrixUser, registerWithSharedSecret } from "./matrix.ts";

/** The state event that makes a room end-to-end encrypted. */
export const MEGOLM_ENCRYPTION = {
  type: "m.room.encryption",
  state_key: "",
  content: { algorithm: "m.megolm.v1.aes-sha2" },
};

export interface WebLearnerAndElementUser {
  web: Learner;
  element: MatrixUser;
  /** Started and synced once; the caller stops it. */
  elementClient: MatrixClient;
  /** Signed in as `web`; the caller closes its context. */
  browser: BrowserPage;
}

/**
 * A new web learner signed in in a fresh browser page, and a new plain Matrix user (localpart
 * starting with `elementPrefix`) with an Element-like client running.
 */
export async function webLearnerAndElementUser(
  stack: StackInfo,
  chromium: Browser,
  names: { learner: string; elementPrefix: string },
): Promise<WebLearnerAndElementUser> {
  const [web, element] = await Promise.all([
    signUpLearner(stack, names.learner),
    registerWithSharedSecret(
      stack.synapseUrl,
      stack.registrationSharedSecret,
      `${names.elementPrefix}${randomUUID().slice(0, 8)}`,
      `Element-${randomUUID()}`,
    ),
  ]);
  const elementClient = await startElementClient(stack.publicUrl, element);
  const browser = await openPage(chromium);
  await signInInBrowser(browser.page, stack, web);
  return { web, element, elementClient, browser };
}

/**
 * The Element user creates an encrypted room named `name`, invites `invitee` and sends `text`
 * once its client holds the room with its encryption state (sending earlier would go out
 * unencrypted). Resolves with the room id.
 */
export async function elementSendsInEncryptedRoom(
  elementClient: MatrixClient,
  room: { name: string; invitee: string; text: string },
): Promise<string> {
  const { room_id: roomId } = await elementClient.createRoom({
    name: room.name,
    preset: Preset.PrivateChat,
    invite: [room.invitee],
    initial_state: [MEGOLM_ENCRYPTION],
  });
  await eventually(async () => {
    const known = elementClient.getRoom(roomId);
    const membership = known?.getMember(room.invitee)?.membership;
    if (known?.hasEncryptionStateEvent() && membership === "invite") return true;
    throw new Error(
      `room ${known ? "known" : "unknown"}, encrypted ${known?.hasEncryptionStateEvent()}, membership ${membership}, sync ${elementClient.getSyncState()}, rooms ${elementClient.getRooms().length}`,
    );
  }, "the encrypted room in the Element client");
  await elementClient.sendMessage(roomId, { msgtype: MsgType.Text, body: room.text });
  return roomId;
}

/** In the web client: accepts the invite to `roomName` from the chat list and opens the chat. */
export async function acceptInviteAndOpen(page: Page, roomName: string) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Chats" }).click();
  await page
    .getByRole("button", { name: `Accept invite to ${roomName}` })
    .click({ timeout: 30_000 });
  await page.getByRole("link", { name: new RegExp(`^${roomName}`) }).click({ timeout: 30_000 });
}

/**
 * The first event of `senderId` in the room's live timeline at the Element client that `matches`
 * (decrypted, when the client could), waiting up to 30 s for it; `what` names it in a timeout.
 */
export function eventAtElement(
  elementClient: MatrixClient,
  roomId: string,
  senderId: string,
  matches: (event: MatrixEvent) => boolean,
  what: string,
): Promise<MatrixEvent> {
  return eventually(
    async () =>
      elementClient
        .getRoom(roomId)
        ?.getLiveTimeline()
        .getEvents()
        .find((event) => event.getSender() === senderId && matches(event)),
    what,
    30_000,
  );
}
