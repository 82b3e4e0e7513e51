// The exchange panel in the web client, against the real stack: two learners whose partner room
// the bot created open it in their browsers. The panel shows each the other's languages and levels
// (from the bridge, asked with an OpenID token), a practice timer one starts runs and switches
// language on both at once, and a correction made from the panel shows as a word-level diff in
// the partner's timeline.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { artifactPath, useChromium } from "./browser.ts";
import {
  type BrowserPage,
  type Learner,
  openPage,
  openRoom,
  signInInBrowser,
  signUpLearner,
} from "./learners.ts";
import { joinedPartnerRoom } from "./partner-room.ts";
import { message, send } from "./room-page.ts";

const stack = inject("stack");
const chromium = useChromium();

/** French and German: no other browser test's learners use them, so nobody else meets these. */
async function setProfile(learner: Learner, native: string, learning: string, level: string) {
  const saved = await learner.session.request("PUT", "/api/profile", {
    native: [native],
    learning: [{ language: learning, level }],
    interests: [],
    timezone: "Europe/Paris",
    availability: [],
    bio: "",
    discoverable: true,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
}

// The room page's header (inside the app's <main>, so not a banner landmark).
const header = (page: Page) => page.locator("header.room-header");
const panel = (page: Page) => page.getByRole("complementary", { name: "Exchange" });

async function openPanel(page: Page) {
  await header(page).getByRole("button", { name: "Exchange" }).click();
  await panel(page).waitFor({ timeout: 20_000 });
}

/** When (on this machine's clock) the header first says "Speaking <language>", in the page. */
function whenHeaderSays(page: Page, language: string): Promise<number> {
  return page.evaluate(
    (wanted) =>
      new Promise<number>((resolve) => {
        const banner = document.querySelector("header.room-header");
        const check = () => {
          if (banner?.textContent?.includes(wanted)) {
            observer.disconnect();
            resolve(Date.now());
          }
        };
        const observer = new MutationObserver(check);
        if (banner)
          observer.observe(banner, { subtree: true, characterData: true, childList: true });
        check();
      }),
    `Speaking ${language}`,
  );
}

describe("the exchange panel in the web client", () => {
  let ana: Learner;
  let ben: Learner;
  let roomId: string;
  let a: BrowserPage;
  let b: BrowserPage;
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    [ana, ben] = await Promise.all([
      signUpLearner(stack, "Ana Lima"),
      signUpLearner(stack, "Ben Okafor"),
    ]);
    await Promise.all([setProfile(ana, "de", "fr", "B2"), setProfile(ben, "fr", "de", "A2")]);
    roomId = await joinedPartnerRoom(stack, ana, ben);
    [a, b] = await Promise.all([
      openPage(chromium()),
      openPage(chromium(), { colorScheme: "dark" }),
    ]);
    await Promise.all([signInInBrowser(a.page, stack, ana), signInInBrowser(b.page, stack, ben)]);
    await Promise.all([openRoom(a.page, stack, roomId), openRoom(b.page, stack, roomId)]);
  });

  afterAll(async () => {
    await Promise.all([a?.context.close(), b?.context.close()]);
    console.log(`exchange panel figures: ${JSON.stringify(figures)}`);
  });

  it("shows the partner's languages and levels, and the viewer's own", async () => {
    await Promise.all([openPanel(a.page), openPanel(b.page)]);
    const partnerOnAna = panel(a.page).getByRole("article", { name: "Ben Okafor" });
    await partnerOnAna.waitFor({ timeout: 20_000 });
    await expect(partnerOnAna.textContent()).resolves.toMatch(
      /Speaks\s*French.*Learns\s*German\s*A2/,
    );
    await expect(
      panel(a.page).getByRole("article", { name: "You (Ana Lima)" }).textContent(),
    ).resolves.toMatch(/Speaks\s*German.*Learns\s*French\s*B2/);
    const partnerOnBen = panel(b.page).getByRole("article", { name: "Ana Lima" });
    await partnerOnBen.waitFor({ timeout: 20_000 });
    await expect(partnerOnBen.textContent()).resolves.toMatch(/Learns\s*French\s*B2/);
    // Prompts suit Ana's own level in the language she practises first.
    await expect(
      panel(a.page).getByRole("region", { name: "Something to talk about" }).textContent(),
    ).resolves.toContain("In French at B2 (your level)");
    await a.page.screenshot({ path: artifactPath("exchange-panel.png") });
    // On a phone the panel comes first and nothing is wider than the screen.
    await a.page.setViewportSize({ width: 390, height: 844 });
    await expect
      .poll(() => a.page.evaluate(() => document.documentElement.scrollWidth), { timeout: 5_000 })
      .toBeLessThanOrEqual(390);
    const [panelTop, timelineTop] = await Promise.all([
      panel(a.page).evaluate((element) => element.getBoundingClientRect().top),
      a.page.getByRole("log", { name: "Messages" }).evaluate((e) => e.getBoundingClientRect().top),
    ]);
    expect(panelTop).toBeLessThan(timelineTop);
    await a.page.screenshot({ path: artifactPath("exchange-panel-phone.png") });
    await a.page.setViewportSize({ width: 1280, height: 860 });
  });

  it("runs a timer one learner starts on both sides, and both switch language together", async () => {
    const timer = panel(a.page).getByRole("region", { name: "Practice timer" });
    // By default, what each learns from the other: French for Ana, then German for Ben.
    await expect(
      timer.getByRole("combobox", { name: "First language" }).inputValue(),
    ).resolves.toBe("fr");
    await expect(timer.getByRole("combobox", { name: "Then" }).inputValue()).resolves.toBe("de");
    await timer.getByRole("spinbutton", { name: "Minutes each" }).fill("1");
    const startedAt = Date.now();
    await timer.getByRole("button", { name: "Start the timer" }).click();

    // Both headers show it: Ben's through the room state event alone.
    for (const page of [a.page, b.page]) {
      await header(page)
        .getByText(/^Speaking French · (1:00|0:[0-5]\d) left$/)
        .waitFor({ timeout: 20_000 });
    }
    figures.timerShownOnPartnerMs = Date.now() - startedAt;
    // A minute later both switch to German, at the same instant as near as the pages can tell.
    const [onAna, onBen] = await Promise.all([
      whenHeaderSays(a.page, "German"),
      whenHeaderSays(b.page, "German"),
    ]);
    figures.switchApartMs = Math.abs(onAna - onBen);
    expect(figures.switchApartMs).toBeLessThan(2_500);
    expect(onAna - startedAt).toBeGreaterThan(55_000);
    await expect(
      panel(b.page).getByRole("region", { name: "Practice timer" }).textContent(),
    ).resolves.toContain("Speaking German");
    await b.page.screenshot({ path: artifactPath("exchange-timer-dark.png") });

    await panel(b.page)
      .getByRole("region", { name: "Practice timer" })
      .getByRole("button", { name: "Stop the timer" })
      .click();
    await expect
      .poll(() => header(a.page).textContent(), { timeout: 20_000 })
      .not.toContain("Speaking");
  }, 120_000);

  it("sends a correction from the panel that shows as a diff in the partner's timeline", async () => {
    await send(b.page, "Ich habe gestern ins Kino gegangen");
    const correct = panel(a.page).getByRole("region", { name: "Correct a message" });
    const option = correct.getByRole("radio", { name: "Ich habe gestern ins Kino gegangen" });
    await option.waitFor({ timeout: 20_000 });
    await option.check();
    await correct
      .getByRole("textbox", { name: "Corrected text" })
      .fill("Ich bin gestern ins Kino gegangen");
    await correct.getByRole("button", { name: "Send correction" }).click();
    await correct.getByRole("status").getByText("Correction sent.").waitFor({ timeout: 20_000 });

    for (const page of [b.page, a.page]) {
      const diff = message(page, "Ich habe gestern ins Kino gegangen").getByRole("region", {
        name: "Correction by Ana Lima",
      });
      await diff.waitFor({ timeout: 20_000 });
      await expect(diff.locator("del").allTextContents()).resolves.toEqual(
        expect.arrayContaining([expect.stringContaining("habe")]),
      );
      await expect(diff.locator("ins").allTextContents()).resolves.toEqual(
        expect.arrayContaining([expect.stringContaining("bin")]),
      );
    }
    // Both panels list it, from each one's side.
    const listed = (page: Page) =>
      panel(page).getByRole("region", { name: "Corrections in this room" }).getByRole("listitem");
    await listed(a.page)
      .filter({ hasText: "You corrected Ben Okafor" })
      .waitFor({ timeout: 20_000 });
    await listed(b.page).filter({ hasText: "Ana Lima corrected you" }).waitFor({ timeout: 20_000 });
    await b.page.screenshot({ path: artifactPath("exchange-correction-dark.png") });
    expect([...a.errors, ...b.errors]).toEqual([]);
  });
});
