// A learner opens the one URL npm start prints and gets the sign-in page.
import { describe, expect, inject, it } from "vitest";
import { artifactPath, useChromium } from "./browser.ts";

const stack = inject("stack");
const chromium = useChromium();

describe.each(["light", "dark"] as const)("the sign-in page in %s theme", (colorScheme) => {
  it("renders the sign-in shell and validates empty fields", async () => {
    const context = await chromium().newContext({
      colorScheme,
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });

    await page.goto(stack.publicUrl);
    await expect(page.title()).resolves.toContain("Xstream");
    const username = page.getByLabel("Username");
    const password = page.getByLabel("Password");
    await username.waitFor();
    expect(await password.getAttribute("type")).toBe("password");

    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Enter your username").waitFor();
    expect(await username.getAttribute("aria-invalid")).toBe("true");
    await page.screenshot({ path: artifactPath(`signin-${colorScheme}.png`), fullPage: true });

    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [red = 0, green = 0, blue = 0] = (background.match(/\d+/g) ?? []).map(Number);
    const brightness = (red + green + blue) / 3;
    if (colorScheme === "dark") expect(brightness).toBeLessThan(100);
    else expect(brightness).toBeGreaterThan(155);
    expect(errors).toEqual([]);
    await context.close();
  });
});
