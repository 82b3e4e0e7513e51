// Group rooms in the browser against the real stack: a learner creates a group, invites two
// people, one accepts in their own browser; the owner removes a member and withdraws an invite;
// a plain member sees no Remove buttons because the power levels do not allow it.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { artifactPath, useChromium } from "./browser.ts";
import {
  type BrowserPage,
  type Learner,
  openPage,
  signInInBrowser,
  signUpLearner,
} from "./learners.ts";
import { eventually, matrixRequest } from "./matrix.ts";

const stack = inject("stack");
const chromium = useChromium();

const membersPanel = (page: Page) => page.getByRole("complementary", { name: /Members/ });
const joinedList = (page: Page) => membersPanel(page).getByRole("list", { name: /Members/ });

async function membershipOf(learner: Learner, roomId: string, userId: string) {
  const member = await matrixRequest<{ membership?: string }>(
    stack.publicUrl,
    "GET",
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(userId)}`,
    { token: learner.matrix.accessToken },
  ).catch(() => ({ membership: undefined }));
  return member.membership;
}

describe("a group room's members", () => {
  let owner: Learner;
  let guest: Learner;
  let invitee: Learner;
  let ownerPage: BrowserPage;
  let guestPage: BrowserPage;
  let roomId: string;

  beforeAll(async () => {
    [owner, guest, invitee] = await Promise.all([
      signUpLearner(stack, "Olga Owner"),
      signUpLearner(stack, "Gus Guest"),
      signUpLearner(stack, "Ida Invitee"),
    ]);
    [ownerPage, guestPage] = await Promise.all([openPage(chromium()), openPage(chromium())]);
    await Promise.all([
      signInInBrowser(ownerPage.page, stack, owner),
      signInInBrowser(guestPage.page, stack, guest),
    ]);
  });

  afterAll(async () => {
    await Promise.all([ownerPage?.context.close(), guestPage?.context.close()]);
  });

  it("creates a group and invites people from the members panel", async () => {
    const page = ownerPage.page;
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Chats" })
      .click();
    await page.getByRole("button", { name: "New group" }).click();
    const dialog = page.getByRole("dialog", { name: "New group" });
    await dialog.getByLabel("Name").fill("Portuguese circle");
    await dialog.getByRole("button", { name: "Create group" }).click();
    await page.waitForURL(/\/rooms\//, { timeout: 20_000 });
    roomId = decodeURIComponent(new URL(page.url()).pathname.split("/").at(-1) ?? "");

    await expect(joinedList(page).getByRole("listitem").textContent()).resolves.toContain("Owner");
    for (const learner of [guest, invitee]) {
      // Neither is discoverable nor shares a room yet: their full Matrix ID finds them.
      await membersPanel(page).getByLabel("Invite people").fill(learner.matrix.userId);
      await membersPanel(page)
        .getByRole("button", { name: `Invite ${learner.matrix.userId}`, exact: true })
        .click();
      await membersPanel(page)
        .getByRole("status")
        .filter({ hasText: `Invited ${learner.matrix.userId}.` })
        .waitFor({ timeout: 20_000 });
    }
    const invited = membersPanel(page).getByRole("list", { name: "Invited" });
    await invited.getByText("Gus Guest").waitFor({ timeout: 20_000 });
    await invited.getByText("Ida Invitee").waitFor({ timeout: 20_000 });

    // Text that is not a Matrix ID is searched for, and never offered for an invite as typed.
    await membersPanel(page).getByLabel("Invite people").fill("gus");
    await membersPanel(page)
      .getByRole("status")
      .filter({ hasText: "No one found" })
      .or(membersPanel(page).getByRole("list", { name: "People found" }))
      .first()
      .waitFor();
    await expect(
      membersPanel(page).getByRole("button", { name: "Invite gus", exact: true }).count(),
    ).resolves.toBe(0);
  });

  it("lets the invited learner accept in their browser and join", async () => {
    const page = guestPage.page;
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Chats" })
      .click();
    await page.getByRole("button", { name: "Accept invite to Portuguese circle" }).click({
      timeout: 30_000,
    });
    await page
      .getByRole("link", { name: /Portuguese circle/ })
      .first()
      .click({ timeout: 20_000 });
    await joinedList(page).getByText("Olga Owner").waitFor({ timeout: 20_000 });
    // A plain member may not remove anyone.
    await expect(
      membersPanel(page)
        .getByRole("button", { name: /^Remove / })
        .count(),
    ).resolves.toBe(0);
    await joinedList(ownerPage.page).getByText("Gus Guest").waitFor({ timeout: 20_000 });
  });

  it("lets the owner withdraw an invite and remove a member, for everyone", async () => {
    const page = ownerPage.page;
    await membersPanel(page)
      .getByRole("button", { name: "Withdraw invite to Ida Invitee" })
      .click();
    await page
      .getByRole("dialog", { name: "Withdraw the invite to Ida Invitee?" })
      .getByRole("button", { name: "Withdraw invite" })
      .click();
    await eventually(
      async () =>
        (await membershipOf(owner, roomId, invitee.matrix.userId)) === "leave" ? true : undefined,
      "the invite to be withdrawn",
    );

    await membersPanel(page).getByRole("button", { name: "Remove Gus Guest" }).click();
    const dialog = page.getByRole("dialog", { name: "Remove Gus Guest from the room?" });
    await dialog.getByLabel("Reason (optional)").fill("Testing removal");
    await page.screenshot({ path: artifactPath("members-remove.png") });
    await dialog.getByRole("button", { name: "Remove" }).click();
    await expect
      .poll(() => joinedList(page).getByText("Gus Guest").count(), { timeout: 20_000 })
      .toBe(0);
    await expect(membershipOf(owner, roomId, guest.matrix.userId)).resolves.toBe("leave");
    // Gus's browser shows he is no longer in the room.
    await guestPage.page
      .getByText("You are not in this room.", { exact: false })
      .waitFor({ timeout: 20_000 });
    expect(ownerPage.errors).toEqual([]);
    expect(guestPage.errors).toEqual([]);
  });
});
