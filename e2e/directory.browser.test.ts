// A request between partner organisations, from the web client: A's learner finds B's learner on
// the Find partners page ("From School B"), connects; B's learner accepts through B's bot; A's
// web client joins the room B's bot made, and the two write to each other.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BotConversation } from "./bot-conversation.ts";
import { artifactPath, useChromium } from "./browser.ts";
import { startTestOrganisations, type TestOrganisations, type TestStack } from "./harness.ts";
import { openPage, signInInBrowser, signUpLearner } from "./learners.ts";
import {
  eventually,
  matrixRequest,
  registerWithSharedSecret,
  sendEvent,
  uniqueLocalpart,
} from "./matrix.ts";
import { strongPassword } from "./web-session.ts";

const chromium = useChromium();
const ORG_B = "School B";
const FEDERATION_MS = 90_000;

let organisations: TestOrganisations<"a" | "b">;

beforeAll(async () => {
  organisations = await startTestOrganisations(["a", "b"] as const, (key, names) => ({
    PARTNER_ORGANISATIONS: key === "a" ? names.b : names.a,
    ORGANISATION_NAME: key === "a" ? "Escuela A" : ORG_B,
    PARTNER_SYNC_SECONDS: "3",
  }));
}, 420_000);

afterAll(async () => {
  await organisations?.stop();
});

const roomPath = (roomId: string) => `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}`;

describe("a partner organisation's learner in the web client", () => {
  it("is found with the organisation named, asked, accepts through their bot, and chats in one room", async () => {
    const a: TestStack["info"] = organisations.stacks.a.info;
    const b: TestStack["info"] = organisations.stacks.b.info;
    // Ana on A's web client: native Basque, learning Icelandic (no other test pairs these).
    const ana = await signUpLearner(a, "Ana Urrutia");
    const saved = await ana.session.request("PUT", "/api/profile", {
      native: ["eu"],
      learning: [{ language: "is", level: "A2" }],
      interests: ["sailing"],
      timezone: "Europe/Madrid",
      availability: [{ day: 2, start: "18:00", end: "21:00" }],
      bio: "",
      discoverable: true,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    await ana.session.request("PUT", "/api/profile/partner-organisations", { visible: true });

    // Bjorn on B, with any Matrix client and B's bot only.
    const bjorn = await registerWithSharedSecret(
      b.synapseUrl,
      b.registrationSharedSecret,
      uniqueLocalpart("bjorn"),
      strongPassword(),
    );
    await matrixRequest(
      b.publicUrl,
      "PUT",
      `/_matrix/client/v3/profile/${encodeURIComponent(bjorn.userId)}/displayname`,
      { token: bjorn.accessToken, body: { displayname: "Bjorn Sigurdsson" } },
    );
    const chat = await BotConversation.open(b.publicUrl, bjorn, `@xstream:${b.serverName}`, 30_000);
    await chat.say("native is");
    await chat.say("learn eu B1");
    await chat.say("organisations on");

    const { page, errors, context } = await openPage(chromium());
    try {
      await signInInBrowser(page, a, ana);
      const nav = page.getByRole("navigation", { name: "Main" });
      const card = page.getByRole("article", { name: "Bjorn Sigurdsson" });
      // B's directory reaches A within a few rounds; the page is opened again until it has.
      await eventually(
        async () => {
          await nav.getByRole("link", { name: "Find partners" }).click();
          await page.getByRole("heading", { name: "Find partners" }).waitFor();
          return (await card.isVisible({ timeout: 3_000 }).catch(() => false)) ? true : undefined;
        },
        "Bjorn on Ana's Find partners page",
        FEDERATION_MS,
      );
      await expect(card.textContent()).resolves.toContain(`From ${ORG_B}`);
      await page.screenshot({ path: artifactPath("directory-find-partners.png"), fullPage: true });
      await card.getByRole("button", { name: "Connect" }).click();
      await card.getByRole("button", { name: "Request sent" }).waitFor();

      // Bjorn answers through B's bot.
      await eventually(
        async () => ((await chat.say("requests")).body.includes("Ana Urrutia") ? true : undefined),
        "Ana's request at B's bot",
        FEDERATION_MS,
      );
      expect((await chat.say("accept")).body).toContain("Ana Urrutia");

      // A's bridge hears of the room B's bot made; Ana's web client joins it by itself and she
      // opens it from Partners.
      await eventually(
        async () => {
          const { body } = await ana.session.request<{ partners: { room_id: string | null }[] }>(
            "GET",
            "/api/partners",
          );
          return body.partners[0]?.room_id ? true : undefined;
        },
        "the partnership with its room on A",
        FEDERATION_MS,
      );
      await nav.getByRole("link", { name: "Partners", exact: true }).click();
      await page.getByRole("heading", { name: "Partners" }).waitFor();
      await page.getByRole("link", { name: "Open chat" }).click();
      await page.waitForURL(/\/rooms\//);
      const roomId = decodeURIComponent(new URL(page.url()).pathname.split("/").at(-1) ?? "");
      const messages = page.getByRole("log", { name: "Messages" });
      await messages.waitFor({ timeout: 30_000 });
      await eventually(
        async () => {
          const { joined } = await matrixRequest<{ joined: Record<string, unknown> }>(
            a.publicUrl,
            "GET",
            `${roomPath(roomId)}/joined_members`,
            { token: ana.matrix.accessToken },
          );
          return ana.matrix.userId in joined ? true : undefined;
        },
        "Ana's web client to join the partner room",
        FEDERATION_MS,
      );

      await matrixRequest(
        b.publicUrl,
        "POST",
        `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
        {
          token: bjorn.accessToken,
          body: {},
        },
      );
      await page.getByRole("textbox", { name: "Message" }).fill("Kaixo Bjorn!");
      await page.getByRole("textbox", { name: "Message" }).press("Enter");
      await eventually(
        async () => {
          const { chunk } = await matrixRequest<{ chunk: { content: { body?: unknown } }[] }>(
            b.publicUrl,
            "GET",
            `${roomPath(roomId)}/messages?dir=b&limit=30`,
            { token: bjorn.accessToken },
          );
          return chunk.some((event) => event.content.body === "Kaixo Bjorn!") ? true : undefined;
        },
        "Ana's message on B",
        FEDERATION_MS,
      );
      await sendEvent(b.publicUrl, bjorn.accessToken, roomId, {
        msgtype: "m.text",
        body: "Halló Ana!",
      });
      await messages.getByText("Halló Ana!").waitFor({ timeout: FEDERATION_MS });
      await page.screenshot({ path: artifactPath("directory-partner-room.png"), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 300_000);
});
