// A learner signs up in the browser, reloads and is still signed in (and connected to Matrix),
// signs out and signs in again.
import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { artifactPath, useChromium } from "./browser.ts";
import { strongPassword } from "./web-session.ts";

const stack = inject("stack");
const chromium = useChromium();

async function expectConnected(page: Page, userId: string) {
  await page.getByText(`Connected to Matrix as ${userId}`).waitFor({ timeout: 30_000 });
}

describe("signing up and in, in the browser", () => {
  it("signs up, survives a reload, signs out and signs in again", async () => {
    const context = await chromium().newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));

    const username = `browser${randomUUID().replaceAll("-", "").slice(0, 8)}`;
    const password = strongPassword();
    const userId = `@${username}:localhost`;

    await page.goto(stack.publicUrl);
    await page.getByRole("button", { name: "Create an account" }).click();
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Display name").fill("Browser Learner");
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByLabel("Confirm password").fill(password);
    await page.screenshot({ path: artifactPath("signup.png") });
    await page.getByRole("button", { name: "Create account" }).click();
    // A new learner starts by describing their languages; Home is one click away.
    await page.getByRole("heading", { name: "Set up your profile" }).waitFor();
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Home", exact: true })
      .click();
    await expectConnected(page, userId);
    await page.screenshot({ path: artifactPath("home.png") });

    await page.reload();
    await expectConnected(page, userId);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    // Signed out for real: a reload does not bring the session back.
    await page.reload();
    await page.getByRole("button", { name: "Sign in" }).waitFor();

    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expectConnected(page, userId);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows the server's reason when the password is wrong", async () => {
    const context = await chromium().newContext();
    const page = await context.newPage();
    await page.goto(stack.publicUrl);
    await page.getByLabel("Username").fill(`nobody${randomUUID().slice(0, 6)}`);
    await page.getByLabel("Password").fill(strongPassword());
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(
      page.getByRole("alert").filter({ hasText: "Invalid username or password" }).waitFor(),
    ).resolves.toBeUndefined();
    await context.close();
  });
});
