// Debian's Chromium driven by playwright-core: never a browser a tool downloaded itself.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { repoRoot } from "../scripts/stack/paths.ts";

export const CHROMIUM = process.env.XSTREAM_CHROMIUM ?? "/usr/bin/chromium";
export const artifactsDir = join(repoRoot, "e2e", "artifacts");

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const FAKE_MEDIA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"];

export function launchChromium(options: { fakeMedia?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [...FLAGS, ...(options.fakeMedia ? FAKE_MEDIA : [])],
  });
}

export function artifactPath(name: string): string {
  mkdirSync(artifactsDir, { recursive: true });
  return join(artifactsDir, name);
}

/** One Chromium for a test file: launched before its tests, closed after them. */
export function useChromium(options: { fakeMedia?: boolean } = {}): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium(options);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("Chromium is not running yet");
    return browser;
  };
}
