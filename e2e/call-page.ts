// What a test sees of a call on a page: the call view, a participant's tile and its picture,
// the call controls and the remote sound.
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

export const callView = (page: Page) => page.locator(".call-overlay");
export const tile = (page: Page, name: string): Locator =>
  callView(page).getByRole("figure", { name, exact: true });
export const control = (page: Page, name: string) =>
  callView(page).getByRole("toolbar", { name: "Call controls" }).getByRole("button", { name });

/** The tile's picture: its size, and how many frames it has shown so far. */
export function videoOf(tileLocator: Locator) {
  return tileLocator.locator("video").evaluate((video: HTMLVideoElement) => ({
    width: video.videoWidth,
    frames: video.getVideoPlaybackQuality().totalVideoFrames,
  }));
}

/** Waits until the tile shows a picture whose frames keep coming. */
export async function expectMovingPicture(tileLocator: Locator) {
  await tileLocator.locator("video").waitFor({ timeout: 30_000 });
  await expect
    .poll(async () => (await videoOf(tileLocator)).width, { timeout: 30_000 })
    .toBeGreaterThan(0);
  const before = (await videoOf(tileLocator)).frames;
  await expect
    .poll(async () => (await videoOf(tileLocator)).frames, { timeout: 20_000 })
    .toBeGreaterThan(before + 10);
}

/** The ready states of the remote sound the call plays (one per remote microphone). */
export function remoteAudioStates(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLAudioElement>(".call-audio audio")).flatMap((audio) =>
      audio.srcObject instanceof MediaStream
        ? audio.srcObject.getAudioTracks().map((track: MediaStreamTrack) => track.readyState)
        : [],
    ),
  );
}
