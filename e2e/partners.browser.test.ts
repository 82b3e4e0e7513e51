// Two learners in two browsers: one describes their languages in onboarding, finds the other
// and connects; the other accepts in their requests inbox; both end up in the room the bot
// created, with its welcome, and can write to each other.
import { randomUUID } from "node:crypto";
import type { BrowserContext, Page } from "playwright-core";
import { afterEach, describe, expect, inject, it } from "vitest";
import { artifactPath, useChromium } from "./browser.ts";
import { strongPassword, WebSession } from "./web-session.ts";

const stack = inject("stack");
const chromium = useChromium();
const contexts: BrowserContext[] = [];

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

async function newPage(
  colorScheme: "light" | "dark" = "light",
): Promise<{ page: Page; errors: string[] }> {
  const context = await chromium().newContext({
    viewport: { width: 1280, height: 860 },
    colorScheme,
  });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return { page, errors };
}

const uniqueName = (prefix: string) => `${prefix}${randomUUID().replaceAll("-", "").slice(0, 8)}`;

const nav = (page: Page) => page.getByRole("navigation", { name: "Main" });

describe("finding a partner in the browser", () => {
  it("onboards, connects, and both learners land in the bot's room", async () => {
    // Maltese and Estonian: no other test uses them, so these two only match each other.
    const bob = {
      username: uniqueName("bob"),
      password: strongPassword(),
      displayName: "Bob Tamm",
    };
    const api = new WebSession(stack.publicUrl);
    expect((await api.signup(bob.username, bob.password, bob.displayName)).status).toBe(201);
    const saved = await api.request("PUT", "/api/profile", {
      native: ["et"],
      learning: [{ language: "mt", level: "A2" }],
      interests: ["hiking", "sauna"],
      timezone: "Europe/Tallinn",
      availability: [{ day: 3, start: "18:00", end: "21:00" }],
      bio: "Tere! I would like to practise Maltese.",
      discoverable: true,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);

    // Alice signs up and describes herself.
    const alice = { username: uniqueName("alice"), password: strongPassword() };
    const { page: a, errors: aliceErrors } = await newPage("light");
    await a.goto(`${stack.publicUrl}/signup`);
    await a.getByLabel("Username").fill(alice.username);
    await a.getByLabel("Display name").fill("Alice Borg");
    await a.getByLabel("Password", { exact: true }).fill(alice.password);
    await a.getByLabel("Confirm password").fill(alice.password);
    await a.getByRole("button", { name: "Create account" }).click();

    await a.getByRole("heading", { name: "Set up your profile" }).waitFor();
    await a.getByRole("combobox", { name: "Native languages" }).fill("Maltese");
    await a.getByRole("combobox", { name: "Native languages" }).press("Enter");
    await a.getByRole("combobox", { name: "Languages you are learning" }).fill("Estonian");
    await a.getByRole("combobox", { name: "Languages you are learning" }).press("Enter");
    await a.getByRole("group", { name: "Estonian" }).getByLabel("Level").selectOption("B1");
    await a.getByLabel("Interests").fill("hiking");
    await a.getByLabel("Interests").press("Enter");
    await a.getByLabel("Time zone").selectOption("Europe/Malta");
    await a.getByRole("button", { name: "Add a time window" }).click();
    const window = a.getByRole("group", { name: "Time window 1" });
    await window.getByLabel("Day").selectOption({ label: "Thursday" });
    await window.getByLabel("From").fill("17:00");
    await window.getByLabel("To").fill("20:00");
    await a.screenshot({ path: artifactPath("onboarding.png"), fullPage: true });
    await a.getByRole("button", { name: "Save and find partners" }).click();

    // Bob is suggested, with the reasons.
    await a.getByRole("heading", { name: "Find partners" }).waitFor();
    const card = a.getByRole("article", { name: bob.displayName });
    await card.waitFor({ timeout: 15_000 });
    await expect(card.getByRole("list", { name: "Why you match" }).textContent()).resolves.toMatch(
      /native Estonian, learning Maltese A2/,
    );
    await expect(card.textContent()).resolves.toMatch(/both like hiking/);
    await a.screenshot({ path: artifactPath("find-partners.png"), fullPage: true });
    await card.getByRole("button", { name: "Connect" }).click();
    await card.getByRole("button", { name: "Request sent" }).waitFor();

    // Bob sees the request in his inbox, accepts, and is taken to the room.
    const { page: b, errors: bobErrors } = await newPage("dark");
    await b.goto(stack.publicUrl);
    await b.getByLabel("Username").fill(bob.username);
    await b.getByLabel("Password").fill(bob.password);
    await b.getByRole("button", { name: "Sign in" }).click();
    await nav(b).getByRole("link", { name: "Requests, 1 pending" }).click();
    await b.getByRole("heading", { name: "Requests" }).waitFor();
    const request = b.getByRole("listitem").filter({ hasText: "Alice Borg" });
    await b.screenshot({ path: artifactPath("requests-dark.png"), fullPage: true });
    await request.getByRole("button", { name: "Accept" }).click();

    await b.waitForURL(/\/rooms\//, { timeout: 20_000 });
    const bobMessages = b.getByRole("log", { name: "Messages" });
    await bobMessages
      .getByText(/Maltese/)
      .first()
      .waitFor({ timeout: 30_000 });
    await expect(b.getByRole("heading", { level: 1 }).textContent()).resolves.toMatch(/Alice Borg/);

    // Alice finds the new partner and opens the same room.
    await nav(a).getByRole("link", { name: "Partners", exact: true }).click();
    await a.getByRole("heading", { name: "Partners" }).waitFor();
    await a.getByRole("link", { name: "Open chat" }).click();
    await a.waitForURL(/\/rooms\//);
    expect(new URL(a.url()).pathname).toBe(new URL(b.url()).pathname);
    const aliceMessages = a.getByRole("log", { name: "Messages" });
    await aliceMessages
      .getByText(/Estonian/)
      .first()
      .waitFor({ timeout: 30_000 });

    // Both are in: what one writes, the other reads.
    await b.getByRole("textbox", { name: "Message" }).fill("Tere, Alice!");
    await b.getByRole("textbox", { name: "Message" }).press("Enter");
    await aliceMessages.getByText("Tere, Alice!").waitFor({ timeout: 20_000 });
    await a.getByRole("textbox", { name: "Message" }).fill("Bongu, Bob!");
    await a.getByRole("textbox", { name: "Message" }).press("Enter");
    await bobMessages.getByText("Bongu, Bob!").waitFor({ timeout: 20_000 });
    await a.screenshot({ path: artifactPath("partner-room.png"), fullPage: true });
    await b.screenshot({ path: artifactPath("partner-room-dark.png"), fullPage: true });

    expect(aliceErrors).toEqual([]);
    expect(bobErrors).toEqual([]);
  });
});
