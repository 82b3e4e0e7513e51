// Files between two learners in two browsers against the real stack: an image (progress, then
// the picture on both sides and the lightbox), a PDF-like file with its name and size, an upload
// cancelled midway that never arrives, a voice message recorded from Chromium's fake microphone,
// and a new display name and picture set on /profile that the partner sees in the room. All
// media goes through Synapse's authenticated media API.
import { randomBytes } from "node:crypto";
import type { CDPSession, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { artifactPath, useChromium } from "./browser.ts";
import {
  type BrowserPage,
  createSharedRoom,
  type Learner,
  openRoom,
  twoLearnersInRoom,
} from "./learners.ts";
import { makePng } from "./png.ts";
import { expectPictureLoaded, message, messages, send } from "./room-page.ts";

const stack = inject("stack");
// Fake media: the voice message records Chromium's fake microphone, allowed without a prompt.
const chromium = useChromium({ fakeMedia: true });

// --- Page helpers -----------------------------------------------------------------------------

/** Limits how fast the page uploads (bytes per second); null lifts the limit. */
async function throttleUploads(cdp: CDPSession, bytesPerSecond: number | null) {
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond ?? -1,
  });
}

const progressValue = async (bar: Locator) => Number(await bar.getAttribute("aria-valuenow"));

describe("files, voice messages and avatars in two browsers", () => {
  let ana: Learner;
  let ben: Learner;
  let a: BrowserPage;
  let b: BrowserPage;
  let anaNetwork: CDPSession;

  beforeAll(async () => {
    ({
      first: ana,
      second: ben,
      firstPage: a,
      secondPage: b,
    } = await twoLearnersInRoom(chromium(), stack, {
      names: ["Ana Souza", "Ben Carter"],
      // /profile belongs to learners who have a profile (others are sent to onboarding).
      prepare: async (first) => {
        const saved = await first.session.request("PUT", "/api/profile", {
          native: ["pt-BR"],
          learning: [{ language: "is", level: "A1" }],
          interests: ["photography"],
          timezone: "America/Sao_Paulo",
          availability: [],
          bio: "",
          discoverable: false,
        });
        expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      },
    }));
    anaNetwork = await a.context.newCDPSession(a.page);
    await anaNetwork.send("Network.enable");
  });

  afterAll(async () => {
    await Promise.all([a?.context.close(), b?.context.close()]);
  });

  it("sends an image with progress; both see the picture and Ben opens it full size", async () => {
    const png = makePng(1200, 900, 160);
    // Slow enough to watch the progress bar move, fast enough not to wait long.
    await throttleUploads(anaNetwork, 48 * 1024);
    await a.page
      .getByLabel("Files to send")
      .setInputFiles({ name: "sunset.png", mimeType: "image/png", buffer: png });

    const bar = a.page.getByRole("progressbar", { name: "Uploading sunset.png" });
    await bar.waitFor({ timeout: 10_000 });
    await expect.poll(() => progressValue(bar), { timeout: 20_000 }).toBeGreaterThan(0);
    await a.page.screenshot({ path: artifactPath("media-upload-progress.png") });
    await bar.waitFor({ state: "detached", timeout: 30_000 });
    await throttleUploads(anaNetwork, null);

    // Ana's own copy, then Ben's, each a loaded picture in a box of the image's shape.
    const anaPicture = messages(a.page).getByRole("img", { name: "sunset.png" });
    await expectPictureLoaded(anaPicture);
    const benFrame = messages(b.page).getByRole("button", { name: "Open image sunset.png" });
    await benFrame.waitFor({ timeout: 20_000 });
    const box = await benFrame.boundingBox();
    expect(box).not.toBeNull();
    expect((box?.width ?? 0) / (box?.height ?? 1)).toBeCloseTo(1200 / 900, 1);
    await expectPictureLoaded(benFrame.getByRole("img", { name: "sunset.png" }));
    const benImageMessage = messages(b.page)
      .getByRole("article")
      .filter({ has: b.page.getByRole("button", { name: "Open image sunset.png" }) });
    await expect(benImageMessage.textContent()).resolves.toContain("Ana Souza");
    await b.page.screenshot({ path: artifactPath("media-image-dark.png") });

    await benFrame.click();
    const lightbox = b.page.getByRole("dialog", { name: "sunset.png" });
    await lightbox.waitFor();
    await lightbox.getByRole("link", { name: "Download" }).waitFor({ timeout: 20_000 });
    const full = lightbox.getByRole("img", { name: "sunset.png" });
    await expectPictureLoaded(full);
    // The full picture, not the thumbnail.
    await expect
      .poll(() => full.evaluate((element) => (element as HTMLImageElement).naturalWidth))
      .toBe(1200);
    await b.page.screenshot({ path: artifactPath("media-lightbox-dark.png") });
    await b.page.keyboard.press("Escape");
    await lightbox.waitFor({ state: "detached" });
    await expect(benFrame.evaluate((element) => element === document.activeElement)).resolves.toBe(
      true,
    );
  });

  it("sends a PDF-like file that Ben sees with its name and size", async () => {
    const pdf = Buffer.concat([
      Buffer.from("%PDF-1.4\n% lesson notes\n"),
      Buffer.alloc(48_000 - 24, 0x20),
    ]);
    await a.page
      .getByLabel("Files to send")
      .setInputFiles({ name: "lesson-notes.pdf", mimeType: "application/pdf", buffer: pdf });

    const card = message(b.page, "lesson-notes.pdf");
    await card.waitFor({ timeout: 20_000 });
    await expect(card.textContent()).resolves.toContain("PDF · 48 KB");
    await card.getByRole("button", { name: "Download lesson-notes.pdf" }).waitFor();

    // Ben downloads it: the same bytes come back through the authenticated media API.
    const [download] = await Promise.all([
      b.page.waitForEvent("download"),
      card.getByRole("button", { name: "Download lesson-notes.pdf" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("lesson-notes.pdf");
    const saved = await download.createReadStream();
    const parts: Buffer[] = [];
    for await (const part of saved) parts.push(part as Buffer);
    expect(Buffer.concat(parts).equals(pdf)).toBe(true);
    await b.page.screenshot({ path: artifactPath("media-file-dark.png") });
  });

  it("cancels an upload midway, and Ben never sees it", async () => {
    await throttleUploads(anaNetwork, 128 * 1024);
    await a.page.getByLabel("Files to send").setInputFiles({
      name: "field-recording.zip",
      mimeType: "application/zip",
      buffer: randomBytes(3_000_000),
    });
    const bar = a.page.getByRole("progressbar", { name: "Uploading field-recording.zip" });
    await expect.poll(() => progressValue(bar), { timeout: 20_000 }).toBeGreaterThan(2);
    expect(await progressValue(bar)).toBeLessThan(100);
    await a.page.getByRole("button", { name: "Cancel upload of field-recording.zip" }).click();
    await bar.waitFor({ state: "detached" });
    await throttleUploads(anaNetwork, null);

    // Whatever Ana sends next arrives; the cancelled file never came before it.
    await send(a.page, "Never mind the recording.");
    await message(b.page, "Never mind the recording.").waitFor({ timeout: 20_000 });
    await expect(message(b.page, "field-recording.zip").count()).resolves.toBe(0);
    await expect(message(a.page, "field-recording.zip").count()).resolves.toBe(0);
  });

  it("records a voice message that Ben gets as audio with its length", async () => {
    await a.page.getByRole("button", { name: "Record voice message" }).click();
    const timer = a.page.getByRole("timer", { name: "Recording time" });
    await expect.poll(() => timer.textContent(), { timeout: 15_000 }).toBe("0:02");
    await a.page.getByRole("button", { name: "Stop" }).click();
    const preview = a.page.getByLabel("Your recording");
    await preview.waitFor({ timeout: 15_000 });
    await a.page.screenshot({ path: artifactPath("media-voice-preview.png") });
    await a.page.getByRole("button", { name: "Send voice message" }).click();

    const voice = message(b.page, "Voice message");
    await voice.waitFor({ timeout: 20_000 });
    const player = voice.locator("audio");
    await expect
      .poll(() => player.evaluate((element) => (element as HTMLAudioElement).readyState), {
        timeout: 20_000,
      })
      .toBeGreaterThanOrEqual(1);
    // About two seconds, as recorded.
    await expect(voice.locator(".media-audio__duration").textContent()).resolves.toMatch(
      /^0:0[2-3]/,
    );
    await b.page.screenshot({ path: artifactPath("media-voice-dark.png") });
  });

  // Each step is bounded, so a step that hangs is the one the error names.
  it("sets a display name and picture on /profile that Ben sees in the room", {
    timeout: 120_000,
  }, async () => {
    await a.page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Profile" })
      .click();
    const section = a.page.getByRole("region", { name: "Matrix profile" });
    const name = section.getByLabel("Display name");
    await name.waitFor({ timeout: 20_000 });
    await expect(name.inputValue()).resolves.toBe("Ana Souza");
    // The initial stands in until there is a picture.
    await expect(section.locator(".avatar").textContent()).resolves.toBe("A");

    await name.fill("Ana Fotógrafa");
    await section.getByRole("button", { name: "Save name" }).click();
    await section
      .getByText("Your display name is now “Ana Fotógrafa”.")
      .waitFor({ timeout: 15_000 });
    await section
      .getByLabel("Profile picture")
      .setInputFiles({ name: "me.png", mimeType: "image/png", buffer: makePng(256, 256, 64) });
    await section.getByText("Your picture is updated.").waitFor({ timeout: 15_000 });
    await expectPictureLoaded(section.locator(".avatar img"), 15_000);
    await a.page.screenshot({ path: artifactPath("media-profile.png"), fullPage: true });
    // Synapse answers the change at once but writes it into each of her rooms later, in a task
    // of its scheduler (handlers/profile.py, _update_join_states), which may wait for the
    // scheduler's next one-minute round. A message sent before then carries her old picture, as
    // each message shows its sender as they were when they sent it. So Ben first sees the new
    // picture where the room shows her now, at the top of his room.
    await expectPictureLoaded(b.page.locator(".room-header .avatar img"), 75_000);

    // Back to the room, as the browser's Back button does.
    await a.page.goBack({ timeout: 15_000 });
    await messages(a.page).waitFor({ timeout: 15_000 });
    await send(a.page, "New name, new picture!");
    const latest = message(b.page, "New name, new picture!");
    await latest.waitFor({ timeout: 15_000 });
    // A new name starts a new group: the message is headed by her new name and picture.
    await expect(latest.locator(".message__sender").textContent({ timeout: 5_000 })).resolves.toBe(
      "Ana Fotógrafa",
    );
    await expectPictureLoaded(latest.locator(".message__gutter .avatar img"), 15_000);
    await b.page.screenshot({ path: artifactPath("media-avatar-dark.png") });
  });

  it("encrypts an image in an encrypted room, and Ben sees it decrypted", async () => {
    const secretRoom = await createSharedRoom(stack, ana, [ben], {
      name: "Darkroom",
      initialState: [
        {
          type: "m.room.encryption",
          state_key: "",
          content: { algorithm: "m.megolm.v1.aes-sha2" },
        },
      ],
    });
    await Promise.all([openRoom(a.page, stack, secretRoom), openRoom(b.page, stack, secretRoom)]);
    // Once Ana reads Ben's encrypted hello, both devices have their keys in place.
    await send(b.page, "Olá, this room is encrypted.");
    await message(a.page, "Olá, this room is encrypted.").waitFor({ timeout: 30_000 });

    const png = makePng(400, 300, 40);
    const uploaded = a.page.waitForRequest(
      (request) => request.method() === "POST" && request.url().includes("/media/v3/upload"),
    );
    await a.page
      .getByLabel("Files to send")
      .setInputFiles({ name: "negative.png", mimeType: "image/png", buffer: png });
    // Synapse gets opaque bytes: no name, no type, no PNG.
    const request = await uploaded;
    expect(request.url()).not.toContain("negative.png");
    expect(request.headers()["content-type"]).toBe("application/octet-stream");
    const response = await request.response();
    if (!response) throw new Error("The upload got no response");
    const { content_uri: stored } = (await response.json()) as { content_uri: string };
    const onServer = await fetch(
      `${stack.publicUrl}/_matrix/client/v1/media/download/${stored.replace("mxc://", "")}`,
      { headers: { authorization: `Bearer ${ben.matrix.accessToken}` } },
    );
    expect(onServer.status).toBe(200);
    const bytes = Buffer.from(await onServer.arrayBuffer());
    expect(bytes.length).toBe(png.length);
    expect(bytes.subarray(0, 8).equals(png.subarray(0, 8))).toBe(false);

    const benFrame = messages(b.page).getByRole("button", { name: "Open image negative.png" });
    await benFrame.waitFor({ timeout: 30_000 });
    await expectPictureLoaded(benFrame.getByRole("img", { name: "negative.png" }));
    await b.page.screenshot({ path: artifactPath("media-encrypted-image-dark.png") });

    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
