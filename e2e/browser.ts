// Debian's Chromium driven by playwright-core: never a browser a tool downloaded itself.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
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
  afterEach(async ({ task }) => {
    if (task.result?.state === "fail" && browser) await describePages(browser, task.name);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("Chromium is not running yet");
    return browser;
  };
}

/**
 * After a failed test, what each open page showed: its address and the end of its accessibility
 * tree (roles, names, text). CI keeps only the printed output, so this is what tells a timeout's
 * cause from afar.
 */
async function describePages(browser: Browser, testName: string) {
  const pages = browser.contexts().flatMap((context) => context.pages());
  const views = await Promise.all(
    pages.map(async (page, index) => {
      const text = await page
        .locator("body")
        .ariaSnapshot({ timeout: 2_000 })
        .catch((error: unknown) => `(unreadable: ${(error as Error).message.split("\n")[0]})`);
      return `--- page ${index + 1}: ${page.url()}\n${text.slice(-2_000)}`;
    }),
  );
  console.error(`The pages when "${testName}" failed:\n${views.join("\n")}`);
}
