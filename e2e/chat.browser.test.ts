import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { artifactPath, useChromium } from "./browser.ts";
import { type BrowserPage, openRoom, twoLearnersInRoom } from "./learners.ts";
import { message, messageAction, messages, send } from "./room-page.ts";

const stack = inject("stack");
const chromium = useChromium();

describe("chatting in two browsers", () => {
  let roomId: string;
  let a: BrowserPage;
  let b: BrowserPage;

  beforeAll(async () => {
    ({ roomId, firstPage: a, secondPage: b } = await twoLearnersInRoom(chromium(), stack));
  });

  afterAll(async () => {
    await Promise.all([a?.context.close(), b?.context.close()]);
  });

  it("delivers messages both ways, with the sender's name", async () => {
    await send(a.page, "Olá Ben, tudo bem?");
    await message(b.page, "Olá Ben, tudo bem?").waitFor({ timeout: 20_000 });
    await expect(message(b.page, "Olá Ben, tudo bem?").textContent()).resolves.toContain(
      "Ana Lima",
    );

    await send(b.page, "Tudo bem! I am learning Portuguese.");
    await message(a.page, "I am learning Portuguese.").waitFor({ timeout: 20_000 });
    await expect(message(a.page, "I am learning Portuguese.").textContent()).resolves.toContain(
      "Ben Okafor",
    );
    // Our own message is not left "Sending…" once the server has it.
    await expect
      .poll(() => message(a.page, "Olá Ben, tudo bem?").textContent(), { timeout: 10_000 })
      .not.toContain("Sending…");
  });

  it("shows who is typing, and stops when they send", async () => {
    const box = b.page.getByRole("textbox", { name: "Message" });
    await box.pressSequentially("Estou a escrever", { delay: 20 });
    const typing = a.page.locator(".typing-line");
    await expect
      .poll(() => typing.textContent(), { timeout: 15_000 })
      .toBe("Ben Okafor is typing…");
    await box.press("Enter");
    await message(a.page, "Estou a escrever").waitFor({ timeout: 20_000 });
    await expect.poll(() => typing.textContent(), { timeout: 15_000 }).toBe("");
  });

  it("shows who has read a message", async () => {
    await send(a.page, "Did you read this one?");
    await message(b.page, "Did you read this one?").waitFor({ timeout: 20_000 });
    // Ben's page is open on the room, so his client sends a receipt; Ana sees it on her message.
    await message(a.page, "Did you read this one?")
      .getByRole("img", { name: "Read by Ben Okafor" })
      .waitFor({ timeout: 20_000 });
  });

  it("shows a reaction and who reacted, on both sides", async () => {
    const original = message(b.page, "Did you read this one?");
    await messageAction(original, "React with 👍");
    const onAna = message(a.page, "Did you read this one?").getByRole("button", {
      name: "👍 1 reaction from Ben Okafor",
    });
    await onAna.waitFor({ timeout: 20_000 });
    await message(b.page, "Did you read this one?")
      .getByRole("button", { name: "👍 1 reaction from you" })
      .waitFor({ timeout: 20_000 });

    // Ana adds hers to the same reaction: the count goes up for both.
    await onAna.click();
    await message(b.page, "Did you read this one?")
      .getByRole("button", { name: /👍 2 reactions from (you and Ana Lima|Ana Lima and you)/ })
      .waitFor({ timeout: 20_000 });
  });

  it("shows an edit as edited, in both browsers", async () => {
    await send(a.page, "I goes to the beach tomorrow");
    await message(b.page, "I goes to the beach tomorrow").waitFor({ timeout: 20_000 });
    await messageAction(message(a.page, "I goes to the beach tomorrow"), "Edit");
    const box = a.page.getByRole("textbox", { name: "Message" });
    await expect(box.inputValue()).resolves.toBe("I goes to the beach tomorrow");
    await box.fill("I go to the beach on Sunday");
    await box.press("Enter");

    const edited = message(b.page, "I go to the beach on Sunday");
    await edited.waitFor({ timeout: 20_000 });
    await expect(edited.textContent()).resolves.toContain("(edited)");
    await expect(message(b.page, "I goes to the beach tomorrow").count()).resolves.toBe(0);
  });

  it("corrects a partner's message and shows the word-level diff in both browsers", async () => {
    await send(a.page, "Eu gosto de praia muito");
    const original = message(b.page, "Eu gosto de praia muito");
    await original.waitFor({ timeout: 20_000 });
    await messageAction(original, "Correct");
    const box = b.page.getByRole("textbox", { name: "Message" });
    await expect(box.inputValue()).resolves.toBe("Eu gosto de praia muito");
    await box.fill("Eu gosto muito da praia");
    await box.press("Enter");

    for (const page of [a.page, b.page]) {
      const correction = message(page, "Eu gosto de praia muito").getByRole("region", {
        name: "Correction by Ben Okafor",
      });
      await correction.waitFor({ timeout: 20_000 });
      // Removed words are struck through and added ones marked, each announced as such.
      await expect(correction.locator("del").allTextContents()).resolves.toEqual(
        expect.arrayContaining([expect.stringContaining("de")]),
      );
      await expect(correction.locator("ins").allTextContents()).resolves.toEqual(
        expect.arrayContaining([expect.stringContaining("da")]),
      );
    }
    await a.page.screenshot({ path: artifactPath("chat-correction.png") });
    await b.page.screenshot({ path: artifactPath("chat-correction-dark.png") });
  });

  it("deletes a message for both", async () => {
    await send(a.page, "Oops, wrong chat");
    await message(b.page, "Oops, wrong chat").waitFor({ timeout: 20_000 });
    await messageAction(message(a.page, "Oops, wrong chat"), "Delete");
    await a.page
      .getByRole("dialog", { name: "Delete this message?" })
      .getByRole("button", { name: "Delete" })
      .click();
    await expect
      .poll(() => message(b.page, "Oops, wrong chat").count(), { timeout: 20_000 })
      .toBe(0);
    await expect(messages(b.page).getByText("Message deleted").count()).resolves.toBeGreaterThan(0);
  });

  it("fits a phone screen without sideways scrolling", async () => {
    await a.page.setViewportSize({ width: 390, height: 844 });
    try {
      await message(a.page, "I go to the beach on Sunday").waitFor();
      const overflow = () =>
        a.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      await expect(overflow()).resolves.toBeLessThanOrEqual(0);
      await expect(a.page.getByRole("textbox", { name: "Message" }).isVisible()).resolves.toBe(
        true,
      );
      await a.page.screenshot({ path: artifactPath("chat-phone.png") });
      await a.page
        .getByRole("navigation", { name: "Main" })
        .getByRole("link", { name: "Chats" })
        .click();
      await a.page.getByRole("heading", { name: "Chats" }).waitFor();
      await expect(overflow()).resolves.toBeLessThanOrEqual(0);
      await a.page.screenshot({ path: artifactPath("chats-phone.png") });
    } finally {
      await a.page.setViewportSize({ width: 1280, height: 860 });
    }
  });

  it("keeps the history after a reload", async () => {
    await openRoom(a.page, stack, roomId);
    await a.page.reload();
    await messages(a.page).waitFor({ timeout: 30_000 });
    for (const text of [
      "Olá Ben, tudo bem?",
      "I am learning Portuguese.",
      "I go to the beach on Sunday",
      "Eu gosto de praia muito",
    ]) {
      await message(a.page, text).waitFor({ timeout: 20_000 });
    }
    await message(a.page, "Eu gosto de praia muito")
      .getByRole("region", { name: "Correction by Ben Okafor" })
      .waitFor({ timeout: 20_000 });
    await message(a.page, "Did you read this one?")
      .getByRole("button", { name: /👍 2 reactions/ })
      .waitFor({ timeout: 20_000 });
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
