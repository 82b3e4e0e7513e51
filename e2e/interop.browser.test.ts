// Interoperability: a user who lives in another Matrix client, driven here through the plain
// client-server API exactly as Element sends things, and a learner in our web client. Each sees
// what the other sends: invites, formatted text, replies, reactions, edits and corrections.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { useChromium } from "./browser.ts";
import {
  type BrowserPage,
  type Learner,
  openPage,
  signInInBrowser,
  signUpLearner,
  uniqueName,
} from "./learners.ts";
import {
  type MatrixUser,
  matrixRequest,
  registerWithSharedSecret,
  type SyncEvent,
} from "./matrix.ts";
import { message, messageAction, messages, send } from "./room-page.ts";
import { strongPassword } from "./web-session.ts";

const stack = inject("stack");
const chromium = useChromium();

/** What Element does over the C-S API, with a sync position so each wait sees only new events. */
class PlainClient {
  #since: string | undefined;
  readonly seen: SyncEvent[] = [];

  constructor(readonly user: MatrixUser) {}

  request<T = Record<string, unknown>>(method: string, path: string, body?: unknown) {
    return matrixRequest<T>(stack.publicUrl, method, path, {
      token: this.user.accessToken,
      ...(body === undefined ? {} : { body }),
    });
  }

  async send(roomId: string, content: Record<string, unknown>, type = "m.room.message") {
    const { event_id } = await this.request<{ event_id: string }>(
      "PUT",
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${type}/${randomUUID()}`,
      content,
    );
    return event_id;
  }

  /** Syncs until an event in `roomId` (seen before or now) matches. */
  async waitForEvent(
    roomId: string,
    matches: (event: SyncEvent) => boolean,
    timeoutMs = 20_000,
  ): Promise<SyncEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.seen.find(matches);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`${this.user.userId} never saw the event`);
      const query = new URLSearchParams({
        timeout: "1500",
        ...(this.#since ? { since: this.#since } : {}),
      });
      const sync = await this.request<{
        next_batch: string;
        rooms?: { join?: Record<string, { timeline?: { events?: SyncEvent[] } }> };
      }>("GET", `/_matrix/client/v3/sync?${query}`);
      this.#since = sync.next_batch;
      this.seen.push(...(sync.rooms?.join?.[roomId]?.timeline?.events ?? []));
    }
  }
}

describe("a plain Matrix client and the web client in one room", () => {
  let eli: PlainClient;
  let wen: Learner;
  let web: BrowserPage;
  let roomId: string;

  beforeAll(async () => {
    const registered = await registerWithSharedSecret(
      stack.synapseUrl,
      stack.registrationSharedSecret,
      uniqueName("eli"),
      strongPassword(),
    );
    eli = new PlainClient(registered);
    await eli.request(
      "PUT",
      `/_matrix/client/v3/profile/${encodeURIComponent(registered.userId)}/displayname`,
      { displayname: "Eli Element" },
    );
    wen = await signUpLearner(stack, "Wen Web");
    web = await openPage(chromium());
    await signInInBrowser(web.page, stack, wen);
  });

  afterAll(async () => {
    await web?.context.close();
  });

  it("accepts an invite from a direct chat the other client created", async () => {
    // What Element sends for "Start chat".
    ({ room_id: roomId } = await eli.request<{ room_id: string }>(
      "POST",
      "/_matrix/client/v3/createRoom",
      { preset: "trusted_private_chat", is_direct: true, invite: [wen.matrix.userId] },
    ));
    await web.page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Chats" })
      .click();
    await web.page.getByRole("button", { name: "Accept invite to Eli Element" }).click({
      timeout: 30_000,
    });
    await web.page
      .getByRole("link", { name: /Eli Element/ })
      .first()
      .click({ timeout: 20_000 });
    await messages(web.page).waitFor({ timeout: 30_000 });
    await eli.waitForEvent(
      roomId,
      (event) =>
        event.type === "m.room.member" &&
        event.state_key === wen.matrix.userId &&
        event.content.membership === "join",
    );
  });

  it("renders the other client's formatted message safely", async () => {
    await eli.send(roomId, {
      msgtype: "m.text",
      body: "**Hello** from Element <script>",
      format: "org.matrix.custom.html",
      formatted_body:
        '<strong>Hello</strong> from <a href="https://element.io">Element</a>' +
        '<script>window.__pwned = true</script><img src=x onerror="window.__pwned = true">',
    });
    const tile = message(web.page, "from Element");
    await tile.waitFor({ timeout: 20_000 });
    await expect(tile.locator("strong").textContent()).resolves.toBe("Hello");
    await expect(tile.getByRole("link", { name: "Element" }).getAttribute("href")).resolves.toBe(
      "https://element.io",
    );
    await expect(tile.locator("script, img[onerror]").count()).resolves.toBe(0);
    await expect(web.page.evaluate(() => "__pwned" in window)).resolves.toBe(false);
  });

  it("sends the web user's message, reply and reaction in the shapes Element reads", async () => {
    await send(web.page, "Hi Eli, nice to meet you");
    const text = await eli.waitForEvent(
      roomId,
      (event) =>
        event.type === "m.room.message" && event.content.body === "Hi Eli, nice to meet you",
    );
    expect(text.sender).toBe(wen.matrix.userId);
    expect(text.content.msgtype).toBe("m.text");

    await messageAction(message(web.page, "from Element"), "React with 👍");
    const reaction = await eli.waitForEvent(roomId, (event) => event.type === "m.reaction");
    const greeting = eli.seen.find(
      (event) =>
        event.type === "m.room.message" && String(event.content.body).includes("from Element"),
    );
    expect(reaction.content["m.relates_to"]).toEqual({
      rel_type: "m.annotation",
      event_id: greeting?.event_id,
      key: "👍",
    });

    await messageAction(message(web.page, "from Element"), "Reply");
    await send(web.page, "Replying to your hello");
    const reply = await eli.waitForEvent(
      roomId,
      (event) =>
        event.type === "m.room.message" &&
        String(event.content.body).includes("Replying to your hello"),
    );
    expect(reply.content["m.relates_to"]).toMatchObject({
      "m.in_reply_to": { event_id: greeting?.event_id },
    });
  });

  it("shows the other client's reaction and edit", async () => {
    const mine = eli.seen.find(
      (event) =>
        event.type === "m.room.message" && event.content.body === "Hi Eli, nice to meet you",
    );
    await eli.send(
      roomId,
      { "m.relates_to": { rel_type: "m.annotation", event_id: mine?.event_id, key: "🎉" } },
      "m.reaction",
    );
    await message(web.page, "Hi Eli, nice to meet you")
      .getByRole("button", { name: "🎉 1 reaction from Eli Element" })
      .waitFor({ timeout: 20_000 });

    const original = await eli.send(roomId, { msgtype: "m.text", body: "I has a cat" });
    await message(web.page, "I has a cat").waitFor({ timeout: 20_000 });
    await eli.send(roomId, {
      msgtype: "m.text",
      body: " * I have a cat",
      "m.new_content": { msgtype: "m.text", body: "I have a cat" },
      "m.relates_to": { rel_type: "m.replace", event_id: original },
    });
    const edited = message(web.page, "I have a cat");
    await edited.waitFor({ timeout: 20_000 });
    await expect(edited.textContent()).resolves.toContain("(edited)");
    await expect(edited.textContent()).resolves.not.toContain("* I have");
  });

  it("sends a correction that the other client can read as plain text", async () => {
    const original = await eli.send(roomId, { msgtype: "m.text", body: "She go to school" });
    await messageAction(message(web.page, "She go to school"), "Correct");
    await send(web.page, "She goes to school");
    const correction = await eli.waitForEvent(
      roomId,
      (event) =>
        (event.content["m.relates_to"] as { rel_type?: string } | undefined)?.rel_type ===
        "org.xstream.correction",
    );
    expect(correction.content["m.relates_to"]).toEqual({
      rel_type: "org.xstream.correction",
      event_id: original,
    });
    // Element knows nothing of corrections and shows the body: it must read well on its own.
    expect(correction.content.body).toBe("Correction: “She goes to school”");
    expect(correction.content.msgtype).toBe("m.text");
    expect(web.errors).toEqual([]);
  });
});
